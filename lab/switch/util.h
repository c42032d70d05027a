/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline bool streq(const char *a, const char *b)
{
        return strcmp(a, b) == 0;
}

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t now_ms(void);

/* The wall-clock time as "2025-01-31T12:00:00.123Z", for log lines. */
void timestamp(char out[32]);

/*
 * Copy the first n bytes of s into out (size bytes) for a log line:
 * printable ASCII as is, anything else as \xHH, cut with "..." when longer
 * than fits. Stops early at a NUL. Returns out.
 */
const char *sanitize(const char *s, size_t n, char *out, size_t size);

/* Compare two secrets in time that does not depend on where they differ. */
bool secret_equal(const char *a, size_t a_len, const char *b, size_t b_len);
