/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "kasa-codec.h"

void switch_kasa_encrypt(const uint8_t *in, uint8_t *out, size_t n)
{
        uint8_t key = KASA_INITIAL_KEY;

        for (size_t i = 0; i < n; i++) {
                uint8_t c = key ^ in[i];
                key = c;
                out[i] = c;
        }
}

void switch_kasa_decrypt(const uint8_t *in, uint8_t *out, size_t n)
{
        uint8_t key = KASA_INITIAL_KEY;

        for (size_t i = 0; i < n; i++) {
                uint8_t c = in[i];
                out[i] = key ^ c;
                key = c;
        }
}

void kasa_put_header(uint8_t header[KASA_HEADER_SIZE], uint32_t n)
{
        header[0] = (uint8_t)(n >> 24);
        header[1] = (uint8_t)(n >> 16);
        header[2] = (uint8_t)(n >> 8);
        header[3] = (uint8_t)n;
}

int kasa_frame_check(const uint8_t *buf, size_t len, size_t max_payload, size_t *ret_payload_size)
{
        if (len < KASA_HEADER_SIZE)
                return 0;

        uint32_t n = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 |
                     (uint32_t)buf[3];
        if (n > max_payload)
                return -EMSGSIZE;
        if (len - KASA_HEADER_SIZE < n)
                return 0;
        *ret_payload_size = n;
        return 1;
}
