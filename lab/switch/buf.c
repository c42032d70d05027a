/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

int buf_reserve(struct buf *b, size_t extra)
{
        if (extra > (size_t)-1 / 2 - b->len)
                return -ENOMEM;
        size_t need = b->len + extra + 1;
        if (need <= b->cap)
                return 0;

        size_t cap = b->cap ? b->cap : 256;
        while (cap < need)
                cap *= 2;
        char *n = realloc(b->data, cap);
        if (!n)
                return -ENOMEM;
        b->data = n;
        b->cap = cap;
        return 0;
}

int buf_append(struct buf *b, const void *data, size_t n)
{
        if (buf_reserve(b, n) < 0)
                return -ENOMEM;
        if (n > 0)
                memcpy(b->data + b->len, data, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
}

int buf_puts(struct buf *b, const char *s)
{
        return buf_append(b, s, strlen(s));
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
        va_list ap;
        char small[256];

        va_start(ap, fmt);
        int k = vsnprintf(small, sizeof(small), fmt, ap);
        va_end(ap);
        if (k < 0)
                return -EINVAL;
        if ((size_t)k < sizeof(small))
                return buf_append(b, small, (size_t)k);

        if (buf_reserve(b, (size_t)k) < 0)
                return -ENOMEM;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)k + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t)k;
        return 0;
}

void buf_consume(struct buf *b, size_t n)
{
        if (n >= b->len) {
                buf_reset(b);
                return;
        }
        memmove(b->data, b->data + n, b->len - n);
        b->len -= n;
        b->data[b->len] = '\0';
}

void buf_reset(struct buf *b)
{
        b->len = 0;
        if (b->data)
                b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
        free(b->data);
        *b = (struct buf){0};
}
