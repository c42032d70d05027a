/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Smart-plug protocol clients for the fence agents (docs/fencing.md):
 *
 *   kasa     TP-Link Kasa legacy protocol, TCP 9999 (plug-kasa.c, kasa-codec.c)
 *   tasmota  Tasmota HTTP commands, GET /cm?cmnd=Power<n> (plug-tasmota.c)
 *   esphome  ESPHome web_server REST, /switch/<entity> (plug-esphome.c)
 *   http     Shelly Gen1 style relay, GET /relay/<n>[?turn=on|off] (plug-http.c)
 *
 * Every exchange with a device is bounded by plug_config.timeout_sec: the
 * connection, the request and the whole response. Responses larger than
 * PLUG_RESPONSE_MAX are refused.
 *
 * The clients never print. They return 0 or a negative errno and describe a
 * failure in a struct plug_error (never containing a password or a URL with
 * one). The errors callers tell apart:
 *
 *   -EINVAL       the configuration is invalid (address, plug)
 *   -ETIMEDOUT    no connection or no complete answer within timeout_sec
 *   -ECONNREFUSED the device cannot be reached (refused, unreachable, no
 *                 such host)
 *   -ECONNRESET   the connection broke, or the answer stopped short
 *   -EACCES       the device refused the credentials
 *   -ENOENT       the device has no such plug, relay or switch
 *   -EBADMSG      the answer is not what the protocol defines (garbage,
 *                 truncated JSON, missing or mistyped fields, too large)
 *   -EPROTO       the device answered with an error (HTTP status, err_code)
 *   -EIO          anything else the transport reported
 *
 * A read that succeeds yields PLUG_POWER_ON or PLUG_POWER_OFF, or
 * PLUG_POWER_UNKNOWN when the device answered well-formed data with a state
 * value the protocol does not define. UNKNOWN is never proof of either state.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "shared/macro.h"

#define PLUG_RESPONSE_MAX (64u * 1024u)
#define PLUG_ERROR_MAX 256
#define PLUG_TIMEOUT_MAX 600u

enum plug_power {
        PLUG_POWER_OFF,
        PLUG_POWER_ON,
        PLUG_POWER_UNKNOWN,
};

/* "ON", "OFF" or "UNKNOWN". */
const char *plug_power_to_string(enum plug_power p);

struct plug_error {
        char msg[PLUG_ERROR_MAX];
};

/* Format the message into err (if not NULL) and return r, a negative errno. */
int plug_errorf(struct plug_error *err, int r, const char *fmt, ...) _printf_(3, 4);

struct plug_config {
        const char *address;  /* host name, IPv4 or IPv6 address */
        uint16_t port;        /* 0: the protocol's default (443 with ssl) */
        const char *plug;     /* NULL or "": the protocol's default, if any */
        const char *username; /* NULL: "admin" */
        const char *password; /* NULL: no authentication */
        unsigned timeout_sec; /* 1..PLUG_TIMEOUT_MAX, per exchange */
        bool ssl;             /* https (esphome, http only) */
        bool ssl_insecure;    /* https without certificate verification */
};

/* One outlet as "list" reports it. */
struct plug_outlet {
        char *id;
        char *alias;
        enum plug_power power;
};

void plug_outlets_free(struct plug_outlet *outlets, size_t n);

/*
 * The list of a device with one outlet: takes ownership of id and alias (a
 * NULL one means an allocation failed) and returns 0, or -ENOMEM with err set.
 */
int plug_outlet_single(char *id, char *alias, enum plug_power power, struct plug_outlet **ret,
                       size_t *ret_n, struct plug_error *err);

struct plug_ops {
        const char *name;      /* "kasa" */
        uint16_t default_port; /* without ssl */
        bool supports_auth;    /* username and password are used */
        bool supports_ssl;
        bool needs_plug;          /* no default plug exists */
        const char *plug_desc;    /* what plug means for this protocol, for help */
        const char *default_plug; /* the default plug, or NULL */

        /* Check the plug syntax without contacting the device. */
        int (*check)(const struct plug_config *c, struct plug_error *err);
        int (*get_power)(const struct plug_config *c, enum plug_power *ret, struct plug_error *err);
        /* Ask the device to switch; the answer is not proof: read the state back. */
        int (*set_power)(const struct plug_config *c, bool on, struct plug_error *err);
        /* The outlets the device reports (at least the configured one). */
        int (*list)(const struct plug_config *c, struct plug_outlet **ret, size_t *ret_n,
                    struct plug_error *err);
};

extern const struct plug_ops plug_kasa_ops;
extern const struct plug_ops plug_tasmota_ops;
extern const struct plug_ops plug_esphome_ops;
extern const struct plug_ops plug_http_ops;

/* ---- shared by the clients (plug-http.c) ---- */

/* A host name, an IPv4 address or an IPv6 address: no URL syntax in it. */
bool plug_address_is_valid(const char *address);

/* The configured plug, or the default when NULL or empty. */
const char *plug_or_default(const struct plug_config *c, const char *deflt);

/* The effective TCP port. */
uint16_t plug_port(const struct plug_config *c, uint16_t deflt);

/*
 * Parse exactly one JSON value from data[0..size) (trailing white space
 * allowed). -EBADMSG with a message on anything else.
 */
int plug_json_parse(const char *data, size_t size, json_object **ret, struct plug_error *err);

struct plug_http_response {
        long status;
        char *body; /* NUL-terminated */
        size_t size;
};

void plug_http_response_clear(struct plug_http_response *r);

/*
 * One HTTP request to the device: method "GET" or "POST" (an empty body),
 * path_query starting with "/" and already URL-encoded. Basic
 * authentication is sent when basic_auth and a password is configured. A
 * secret inside path_query never reaches an error message. Returns 0 for
 * any HTTP status (the caller judges it), or a transport error.
 */
int plug_http_request(const struct plug_config *c, uint16_t default_port, const char *method,
                      const char *path_query, bool basic_auth, struct plug_http_response *ret,
                      struct plug_error *err);

/* Map a non-2xx status to an error (-EACCES, -ENOENT, -EPROTO); 0 for 2xx. */
int plug_http_check_status(long status, const char *what, struct plug_error *err);

/* URL-encode every byte but the RFC 3986 unreserved ones. NULL on ENOMEM. */
char *plug_url_encode(const char *s);

/* ---- response parsers, exposed for the tests and the fuzzer ---- */

/* Tasmota: {"POWER<n>":"ON"} (or "POWER" for relay 1). */
int tasmota_parse_power(const char *body, size_t size, unsigned relay, enum plug_power *ret,
                        struct plug_error *err);
/* Tasmota answer to a command: only errors matter (WARNING, Command Error). */
int tasmota_check_answer(const char *body, size_t size, struct plug_error *err);

/* ESPHome: {"id":"switch-relay","state":"ON","value":true}. */
int esphome_parse_state(const char *body, size_t size, enum plug_power *ret, char **ret_id,
                        struct plug_error *err);

/* Shelly Gen1: {"ison":true, ...}. */
int http_parse_relay(const char *body, size_t size, enum plug_power *ret, struct plug_error *err);
