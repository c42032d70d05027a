/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Strict unsigned parse: decimal digits only, no sign, no space, no overflow. */
int safe_atou32(const char *s, uint32_t *ret);
int safe_atou64(const char *s, uint64_t *ret);

/* Parse exactly 'digits' hex digits (no 0x prefix) into *ret. */
int parse_hex_u32(const char *s, unsigned digits, uint32_t *ret);

/* Decode 2*n hex characters into n bytes; -EINVAL on any other input. */
int unhex(const char *s, size_t n_chars, uint8_t *out, size_t out_size);

bool string_has_prefix(const char *s, const char *prefix);

/* Pacemaker's notion of true: yes, true, on, y or 1 (any case). NULL is false. */
bool pcmk_value_is_true(const char *value);
