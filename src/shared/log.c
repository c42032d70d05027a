/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "shared/log.h"

static enum log_level max_level = LOG_LEVEL_INFO;

void log_set_max_level(enum log_level level)
{
        max_level = level;
}

enum log_level log_get_max_level(void)
{
        return max_level;
}

_printf_(3, 0) static void log_vmsg(enum log_level level, int error, const char *fmt, va_list ap)
{
        if (level > max_level)
                return;

        int saved = errno;
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
