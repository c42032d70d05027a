/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "shared/parse.h"

int safe_atou32(const char *s, uint32_t *ret)
{
        uint64_t v = 0;

        if (!s || !*s)
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                v = v * 10 + (uint64_t)(*p - '0');
                if (v > UINT32_MAX)
                        return -ERANGE;
        }
        *ret = (uint32_t)v;
        return 0;
}

int safe_atou64(const char *s, uint64_t *ret)
{
        uint64_t v = 0;

        if (!s || !*s)
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                unsigned d = (unsigned)(*p - '0');
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                if (v > (UINT64_MAX - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        *ret = v;
        return 0;
}

static int hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

int parse_hex_u32(const char *s, unsigned digits, uint32_t *ret)
{
        uint32_t v = 0;

        if (!s || digits == 0 || digits > 8 || strlen(s) != digits)
                return -EINVAL;
        for (unsigned i = 0; i < digits; i++) {
                int h = hexval(s[i]);
                if (h < 0)
                        return -EINVAL;
                v = (v << 4) | (uint32_t)h;
        }
        *ret = v;
        return 0;
}

int unhex(const char *s, size_t n_chars, uint8_t *out, size_t out_size)
{
        if (n_chars % 2 != 0 || n_chars / 2 != out_size)
                return -EINVAL;
        for (size_t i = 0; i < out_size; i++) {
                int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
                if (hi < 0 || lo < 0)
                        return -EINVAL;
                out[i] = (uint8_t)(hi << 4 | lo);
        }
        return 0;
}

bool string_has_prefix(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool pcmk_value_is_true(const char *value)
{
        static const char *const yes[] = {"on", "yes", "y", "true", "1"};

        if (!value)
                return false;
        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
                if (strcasecmp(value, yes[i]) == 0)
                        return true;
        return false;
}
