/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The Prometheus text exposition format (version 0.0.4), written into a
 * memory buffer: one "# HELP" and one "# TYPE" line per metric family,
 * written before its first sample (a family without samples leaves no
 * trace), then the samples with their label values escaped. The caller
 * writes each family's samples together and never names a family twice.
 *
 * Errors (out of memory) stick: every later call does nothing and
 * expo_finish() reports the first one.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define EXPO_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct expo {
        FILE *f;
        char *data;
        size_t size;
        const char *name; /* the current family (borrowed) */
        const char *type;
        const char *help;
        bool header_written;
        int error;
};

/* Start an empty buffer. Returns 0 or -ENOMEM. */
int expo_open(struct expo *e);

/* Make name (type "gauge" or "counter") the family the next samples belong to. */
void expo_family(struct expo *e, const char *name, const char *type, const char *help);

/*
 * One sample of the current family. labels: label name and value pairs
 * ended by NULL (EXPO_LABELS builds one), or NULL for none. A NULL label
 * value is written as "".
 */
void expo_gauge(struct expo *e, double value, const char *const *labels);
void expo_counter(struct expo *e, uint64_t value, const char *const *labels);

#define EXPO_LABELS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Append another buffer's text (a finished expo's data). */
void expo_append(struct expo *e, const char *text, size_t size);

/*
 * Close the buffer: 0 with *ret (NUL-terminated, free() it) and *ret_size,
 * or the first error, the buffer freed.
 */
int expo_finish(struct expo *e, char **ret, size_t *ret_size);

/* Drop the buffer; safe on a finished or never opened one. */
void expo_discard(struct expo *e);
