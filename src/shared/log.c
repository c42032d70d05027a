/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"

static enum log_level max_level = LOG_LEVEL_INFO;
static char *line_prefix;

static const char *const level_names[] = {
    [LOG_LEVEL_ERROR] = "ERROR",
    [LOG_LEVEL_WARNING] = "WARNING",
    [LOG_LEVEL_INFO] = "INFO",
    [LOG_LEVEL_DEBUG] = "DEBUG",
};

void log_set_max_level(enum log_level level)
{
        max_level = level;
}

enum log_level log_get_max_level(void)
{
        return max_level;
}

int log_set_prefix(const char *prefix)
{
        char *copy = NULL;

        if (prefix) {
                copy = strdup(prefix);
                if (!copy)
                        return -ENOMEM;
        }
        free(line_prefix);
        line_prefix = copy;
        return 0;
}

/* Each line of msg, marked with the prefix and the level. */
static void print_prefixed(enum log_level level, const char *msg)
{
        const char *p = msg;

        do {
                size_t n = strcspn(p, "\n");
                fprintf(stderr, "%s%s: %.*s\n", line_prefix, level_names[level], (int)n, p);
                p += n;
                if (*p == '\n')
                        p++;
        } while (*p);
}

_printf_(3, 0) static void log_vmsg(enum log_level level, int error, const char *fmt, va_list ap)
{
        if (level > max_level)
                return;

        int saved = errno;
        if (line_prefix) {
                char *msg = NULL;
                if (vasprintf(&msg, fmt, ap) >= 0) {
                        if (error != 0) {
                                char *full = NULL;
                                if (asprintf(&full, "%s: %s", msg,
                                             strerror(error < 0 ? -error : error)) >= 0) {
                                        free(msg);
                                        msg = full;
                                }
                        }
                        print_prefixed(level, msg);
                        free(msg);
                }
                errno = saved;
                return;
        }
        vfprintf(stderr, fmt, ap);
        if (error != 0)
                fprintf(stderr, ": %s", strerror(error < 0 ? -error : error));
        fputc('\n', stderr);
        errno = saved;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_vmsg(level, 0, fmt, ap);
        va_end(ap);
}

int log_msg_errno(enum log_level level, int error, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_vmsg(level, error, fmt, ap);
        va_end(ap);
        return error < 0 ? error : -error;
}
