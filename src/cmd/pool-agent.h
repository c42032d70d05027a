/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "shared/verbs.h"

/* ocf:hasan:pool, run as /usr/lib/ocf/resource.d/hasan/pool. */
int pool_agent_personality(int argc, char **argv);

/* The run-time verbs of "hasan pool" (pool-run.c): is-imported, status, scrub, vdev-conf, tend. */
int pool_verb_is_imported(int argc, char **argv);
int pool_verb_scrub(int argc, char **argv);
int pool_verb_vdev_conf(int argc, char **argv);
int pool_verb_status(int argc, char **argv);

int pool_verb_tend(int argc, char **argv);

/*
 * Bring back the mirror halves of pool (when imported here) that are down,
 * and keep the outdated marks (pool-agent.c; the monitor starts it as
 * "hasan pool tend"). Returns 0 or -errno.
 */
int pool_tend(const char *config, const char *node, const char *pool);
