/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * The legacy TP-Link Kasa wire format (TCP port 9999): every message is a
 * 4-byte big-endian payload length followed by the payload, obfuscated with
 * an XOR autokey cipher whose key starts at 171. Encrypting: c = k ^ p,
 * k = c. Decrypting: p = k ^ c, k = c. There is no authentication and no
 * real secrecy.
 */

#define KASA_INITIAL_KEY 171
#define KASA_HEADER_SIZE 4

/* Encrypt or decrypt n bytes; in and out may be the same buffer. */
void switch_kasa_encrypt(const uint8_t *in, uint8_t *out, size_t n);
void switch_kasa_decrypt(const uint8_t *in, uint8_t *out, size_t n);

/* Write the 4-byte big-endian length header for a payload of n bytes. */
void kasa_put_header(uint8_t header[KASA_HEADER_SIZE], uint32_t n);

/*
 * Look at the first len bytes received. Returns 0 while the header or the
 * payload is incomplete, 1 when a whole message is there (*ret_payload_size
 * set), or -EMSGSIZE when the header announces more than max_payload bytes.
 */
int kasa_frame_check(const uint8_t *buf, size_t len, size_t max_payload, size_t *ret_payload_size);
