/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What "hasan backend" (backend.c, ocf:hasan:backend) and "hasan target"
 * (target.c, ocf:hasan:lio-client) share of one run: the resources it
 * holds, where its progress lines go, the credential store, and loading
 * LIO's kernel modules. Each command embeds a struct lio_run in its own.
 */

#include <stdbool.h>
#include <stddef.h>

#include "lib/cred.h"
#include "lib/lio.h"
#include "lib/spec.h"

struct lio_run {
        struct spec *spec;
        struct cred_key *key;
        struct cred_store *store;
        struct lio_ctx lio; /* reports through lio_run_report() */
        int lock_fd;        /* -1: not locked */
        bool ocf;           /* progress lines go to the log (stderr), not to stdout */
        bool json;          /* stdout carries JSON: no progress lines there */
};

/* An empty run on LIO's configfs directory configfs (NULL: LIO_ROOT_DEFAULT). */
void lio_run_init(struct lio_run *run, const char *configfs, bool ocf, bool json);

/* Unlock and free everything the run holds; it is left empty. */
void lio_run_done(struct lio_run *run);

/*
 * One progress line; userdata is the struct lio_run. The log's info level
 * for an OCF agent, else stdout (nothing while stdout carries JSON).
 */
void lio_run_report(void *userdata, const char *line);

/*
 * Load the key file and the credential store into run->key and run->store.
 * Logs why it failed ("cannot VERB: ..."); any failure is -ENOKEY.
 */
int lio_run_load_store(struct lio_run *run, const char *cred_key, const char *cred_store,
                       const char *verb);

/*
 * Run "modprobe -a MODULE..." (modules NULL-terminated, at most 6), bounded
 * by a timeout. Returns 0 when it succeeded, else a negative errno and,
 * when why is not NULL, what went wrong in why for the caller's message.
 */
int lio_run_modprobe(char *const modules[], char *why, size_t size);
