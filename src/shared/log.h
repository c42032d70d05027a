/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "shared/macro.h"

/*
 * Command-layer logging. Library code (src/lib) never prints: it returns a
 * negative errno and, where a caller needs more, a message buffer. The
 * command layer logs each failure exactly once, through these helpers.
 *
 * log_*_errno() return the negative error they were given, so logging and
 * returning happen in one statement: return log_error_errno(r, "...");
 */

enum log_level {
        LOG_LEVEL_ERROR,
        LOG_LEVEL_WARNING,
        LOG_LEVEL_INFO,
        LOG_LEVEL_DEBUG,
};

void log_set_max_level(enum log_level level);
enum log_level log_get_max_level(void);

/*
 * Mark every line with prefix and its level ("ERROR: ", "INFO: ", ...), for
 * a collector that merges several programs' stderr (Pacemaker logs a
 * resource agent's stderr). NULL restores plain messages. The string is
 * copied; returns 0 or -ENOMEM.
 */
int log_set_prefix(const char *prefix);

void log_msg(enum log_level level, const char *fmt, ...) _printf_(2, 3);
int log_msg_errno(enum log_level level, int error, const char *fmt, ...) _printf_(3, 4);

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* The message gets ": <strerror(-error)>" appended. */
#define log_error_errno(error, ...) log_msg_errno(LOG_LEVEL_ERROR, error, __VA_ARGS__)
#define log_debug_errno(error, ...) log_msg_errno(LOG_LEVEL_DEBUG, error, __VA_ARGS__)
