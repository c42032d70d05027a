/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The one way hasan runs another program. No shell is involved: the child
 * gets an argv array, found on PATH when argv[0] has no slash. It runs in a
 * process group of its own with stdin fed from a buffer (or /dev/null),
 * stdout and stderr captured into bounded buffers, no inherited file
 * descriptors beyond those three, default signal dispositions and an empty
 * signal mask. When the timeout expires the group gets SIGTERM, then
 * SIGKILL after a grace period.
 *
 * Nothing here logs an argument: argv may carry names an operator considers
 * sensitive, and secrets belong on stdin anyway. Debug logging names the
 * program (argv[0]) only.
 */

#include <stdbool.h>
#include <stddef.h>

/* Per-stream capture limit when spawn_options.max_output is 0. */
#define SPAWN_OUTPUT_MAX_DEFAULT ((size_t)1024 * 1024)
/* SIGTERM-to-SIGKILL grace when spawn_options.kill_grace_ms is 0. */
#define SPAWN_KILL_GRACE_MS_DEFAULT 2000u

struct spawn_options {
        const void *stdin_data; /* written to the child's stdin; NULL: /dev/null */
        size_t stdin_size;
        unsigned timeout_ms;    /* required, > 0 */
        unsigned kill_grace_ms; /* 0: SPAWN_KILL_GRACE_MS_DEFAULT */
        size_t max_output;      /* bytes kept per stream; 0: SPAWN_OUTPUT_MAX_DEFAULT */
        char *const *envp;      /* NULL: inherit the environment */
};

struct spawn_result {
        int exit_status; /* exit code when the child exited, else -1 */
        int term_signal; /* signal that ended the child, else 0 */
        bool timed_out;  /* the timeout expired and the child was killed */
        char *out;       /* captured stdout, NUL-terminated (never NULL once filled) */
        size_t out_size;
        bool out_truncated; /* more than max_output bytes were written; the rest was dropped */
        char *err;          /* captured stderr, likewise */
        size_t err_size;
        bool err_truncated;
};

/*
 * Run argv[0] with arguments argv (NULL-terminated). Returns:
 *   0            the child ran and ended by itself: see exit_status/term_signal;
 *   -ETIMEDOUT   the timeout expired and the child was killed;
 *   -ENOENT, -EACCES, ...   the program could not be started;
 *   -EINVAL      bad arguments (empty argv, zero timeout);
 *   -ENOMEM or another -errno from the plumbing.
 * On 0 and -ETIMEDOUT *ret is filled (release it with spawn_result_clear());
 * on any other error it is left zeroed.
 */
int spawn_run(char *const argv[], const struct spawn_options *opts, struct spawn_result *ret);

/* Free the buffers of a result; safe on a zeroed or already cleared result. */
void spawn_result_clear(struct spawn_result *r);

/* True when the child exited by itself with status 0. */
bool spawn_result_success(const struct spawn_result *r);

/*
 * Describe how the child ended, for messages: "exited with status 3",
 * "killed by signal 9", "timed out". Returns a static string or buf.
 */
const char *spawn_result_describe(const struct spawn_result *r, char *buf, size_t size);

/*
 * The first line of the captured stderr (else stdout), without control
 * characters and cut to fit buf: the part of a tool's complaint worth
 * quoting in one log line.
 */
const char *spawn_result_first_line(const struct spawn_result *r, char *buf, size_t size);
