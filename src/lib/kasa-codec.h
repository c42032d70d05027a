/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The TP-Link Kasa legacy protocol (TCP 9999), without the network: each
 * message is a 4-byte big-endian payload length followed by the JSON text
 * obfuscated with an XOR autokey cipher (initial key 171; encrypt
 * c = k ^ p, k = c; decrypt p = k ^ c, k = c). Newer firmware dropped this
 * protocol for KLAP (docs/fencing.md).
 *
 * Functions return 0 or a negative errno; ret_ parameters are written only
 * on success. The parsers describe failures in a struct plug_error.
 */

#include <stddef.h>
#include <stdint.h>

#include "lib/plug.h"

#define KASA_DEFAULT_PORT 9999
#define KASA_HEADER_SIZE 4
#define KASA_INITIAL_KEY 171
/* Largest payload accepted in either direction. */
#define KASA_PAYLOAD_MAX PLUG_RESPONSE_MAX

/* XOR autokey; in and out may be the same buffer. */
void kasa_encrypt(const void *in, size_t size, uint8_t *out);
void kasa_decrypt(const void *in, size_t size, uint8_t *out);

/* Header plus encrypted payload; -EMSGSIZE above KASA_PAYLOAD_MAX. */
int kasa_frame(const char *json, size_t size, uint8_t **ret_data, size_t *ret_size);

/* The payload length a header announces; -EMSGSIZE above KASA_PAYLOAD_MAX. */
int kasa_header_length(const uint8_t header[KASA_HEADER_SIZE], size_t *ret);

/*
 * Check a complete message and decrypt its payload into a NUL-terminated
 * string: -EBADMSG when shorter than the header, when the payload is shorter
 * (truncated) or longer than announced, or above KASA_PAYLOAD_MAX.
 */
int kasa_unframe(const uint8_t *data, size_t size, char **ret_json, size_t *ret_size);

/* What get_sysinfo reports. */
struct kasa_sysinfo {
        char *device_id;             /* "deviceId", may be NULL */
        char *alias;                 /* "alias", may be NULL */
        enum plug_power relay;       /* "relay_state" of a single-outlet device */
        struct plug_outlet *outlets; /* "children" of a power strip */
        size_t n_outlets;
        bool has_children;
};

void kasa_sysinfo_clear(struct kasa_sysinfo *s);

/*
 * Parse the answer to {"system":{"get_sysinfo":{}}}. A single-outlet device
 * must carry relay_state (0 or 1; other numbers give UNKNOWN); a strip must
 * carry a children array whose entries have a string id and a state.
 * -EPROTO when the device reports a non-zero err_code, -EBADMSG otherwise.
 */
int kasa_parse_sysinfo(const char *json, size_t size, struct kasa_sysinfo *ret,
                       struct plug_error *err);

/* Check the answer to set_relay_state: err_code must be present and 0. */
int kasa_parse_set_relay(const char *json, size_t size, struct plug_error *err);

/*
 * Find the outlet plug names in s. plug NULL or "" selects a single-outlet
 * device (and fails on a strip: the outlet must be named). On a strip, plug
 * matches a child id, or the id without (or with) the deviceId prefix. On a
 * single-outlet device, plug must equal the deviceId. Returns the state and,
 * for a strip, the child id as the device reports it, for the context of
 * the set command (NULL otherwise; free it). -ENOENT with a message when
 * nothing matches.
 */
int kasa_find_outlet(const struct kasa_sysinfo *s, const char *plug, enum plug_power *ret_power,
                     char **ret_child_id, struct plug_error *err);

/* The request texts, built with json-c (child_id may be NULL). */
int kasa_request_sysinfo(char **ret);
int kasa_request_set_relay(const char *child_id, bool on, char **ret);
