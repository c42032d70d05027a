/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "switch-config.h"

/*
 * The switch's event loop: one thread, one poll() over the listening
 * sockets, the connections, the running power commands' stderr pipes and a
 * signalfd (SIGCHLD, SIGTERM, SIGINT). Power commands run in the
 * background, at most one per plug at a time, so a slow command delays
 * only requests for its own plug.
 */

struct server;

/* Bind every endpoint's listener. Returns 0 or -errno (logged). */
int server_new(struct config *c, int sigfd, struct server **ret);

/* Serve until SIGTERM or SIGINT. Returns 0, or -errno on a fatal error (logged). */
int server_run(struct server *s);

/* Kill and reap running commands, close everything. Returns NULL. */
struct server *server_free(struct server *s);
