/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <time.h>

#include "util.h"

uint64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void timestamp(char out[32])
{
        struct timespec ts;
        struct tm tm;

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        size_t k = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(out + k, 32 - k, ".%03ldZ", ts.tv_nsec / 1000000L);
}

const char *sanitize(const char *s, size_t n, char *out, size_t size)
{
        size_t o = 0;

        if (size < 8) {
                if (size > 0)
                        out[0] = '\0';
                return out;
        }
        for (size_t i = 0; i < n && s[i]; i++) {
                unsigned char c = (unsigned char)s[i];
                size_t need = (c >= 0x20 && c < 0x7f && c != '\\') ? 1 : 4;
                if (o + need + 4 > size) {
                        memcpy(out + o, "...", 3);
                        o += 3;
                        break;
                }
                if (need == 1)
                        out[o++] = (char)c;
                else
                        o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
        }
        out[o] = '\0';
        return out;
}

bool secret_equal(const char *a, size_t a_len, const char *b, size_t b_len)
{
        unsigned char diff = a_len != b_len;
        size_t n = a_len < b_len ? a_len : b_len;

        for (size_t i = 0; i < n; i++)
                diff |= (unsigned char)(a[i] ^ b[i]);
        return diff == 0;
}
