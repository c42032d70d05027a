/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/* What one run of a child process produced. */
struct exec_result {
        int status; /* exit code, or 128 + signal */
        char *out;  /* NUL-terminated stdout */
        char *err;  /* NUL-terminated stderr */
};

/*
 * Run argv (argv[0] a path) with stdin_data (may be NULL) on its stdin and
 * capture both outputs. Returns 0 or -errno; free the result with
 * exec_result_clear().
 */
int exec_capture(char *const argv[], const char *stdin_data, struct exec_result *ret);
void exec_result_clear(struct exec_result *r);

/* The hasan binary under test ($HASAN_BIN). */
const char *hasan_bin(void);

#define EXEC_HASAN_MAX_ARGS 24

/*
 * Run "hasan [COMMAND] ARG..." (the arguments from arg on, up to a NULL;
 * command may be NULL) and capture it as exec_capture() does. -E2BIG past
 * EXEC_HASAN_MAX_ARGS arguments.
 */
int exec_hasan_v(const char *command, const char *arg, va_list ap, struct exec_result *ret);
