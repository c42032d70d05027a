/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The ZED webhook: its configuration file and the POST of one event.
 *
 * The URL is a secret (it can carry a token): it never appears in an error
 * message, only its host does. These functions never print.
 *
 * The configuration is KEY=VALUE lines; '#' starts a comment line:
 *
 *   url      http:// or https:// URL (required)
 *   classes  event subclasses sent, shell patterns separated by blanks
 *            (default WEBHOOK_DEFAULT_CLASSES)
 *   timeout  seconds one attempt may take, connection included (1-30, default 5)
 *   attempts tries before giving up (1-5, default 3)
 *   ca_file  CA certificates (PEM) to verify the server with, instead of the
 *            system's
 */

#include <stdbool.h>
#include <stddef.h>

#define WEBHOOK_ERROR_MAX 512
#define WEBHOOK_CONFIG_MAX (64u * 1024u)
#define WEBHOOK_TIMEOUT_MAX 30u
#define WEBHOOK_ATTEMPTS_MAX 5u
#define WEBHOOK_DEFAULT_CLASSES                                                                    \
        "statechange vdev.* vdev_remove vdev_attach io checksum data io_failure probe_failure "    \
        "deadman resilver_start resilver_finish scrub_finish pool_import pool_export"

struct webhook_error {
        char msg[WEBHOOK_ERROR_MAX];
};

struct webhook_config {
        char *url;  /* secret */
        char *host; /* the URL's host[:port], for messages */
        char **classes;
        size_t n_classes;
        unsigned timeout_sec;
        unsigned attempts;
        char *ca_file; /* NULL: the system's CA store */
};

/*
 * Read path. The file must belong to root (or to this user) and be
 * accessible to nobody else, since it holds the URL. Returns 0, -ENOENT
 * when there is no such file (no webhook), -EINVAL for a file that is
 * malformed or too open (err names the file and the line), or another
 * -errno for a file that cannot be read.
 */
int webhook_config_load(const char *path, struct webhook_config *ret, struct webhook_error *err);

/* Parse the text of a configuration file; path is for messages only. */
int webhook_config_parse(const char *path, const char *text, struct webhook_config *ret,
                         struct webhook_error *err);
void webhook_config_done(struct webhook_config *c);

struct webhook_result {
        long status;       /* the last HTTP status, 0 if none came */
        unsigned attempts; /* tries made */
};

/*
 * POST body (JSON) to the configured URL: at most c->attempts tries of at
 * most c->timeout_sec seconds each, 1, 2, 4 s apart. Transport errors, 408,
 * 429 and 5xx are tried again; any other status but 2xx is final. Returns 0
 * on a 2xx answer, -ETIMEDOUT, -ECONNREFUSED, -EPROTO (HTTP status), -EIO
 * (TLS, anything else); err names the host and what happened.
 */
int webhook_post(const struct webhook_config *c, const char *body, struct webhook_result *res,
                 struct webhook_error *err);
