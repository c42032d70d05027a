/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

#include "shared/macro.h"

/*
 * A growable byte buffer, always NUL-terminated after its last byte so text
 * can be handed to string functions. A zeroed struct is an empty buffer.
 */
struct buf {
        char *data;
        size_t len;
        size_t cap;
};

/* Each returns 0 or -ENOMEM; on failure the buffer is unchanged. */
int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *data, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) _printf_(2, 3);

/* Drop the first n bytes (all of them when n >= len). */
void buf_consume(struct buf *b, size_t n);
/* Forget the content but keep the memory. */
void buf_reset(struct buf *b);
/* Free the memory; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *b);
