/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "buf.h"
#include "switch-config.h"
#include "http.h"

/*
 * The four device protocols. A request is handled in two steps: parsing
 * turns the received bytes into a list of operations on plugs (or an
 * immediate answer, such as 401 or 404); once the server has run the
 * operations, the reply step renders the answer the device would give.
 */

#define REQUEST_MAX_OPS 16
#define KASA_PAYLOAD_MAX 16384

enum action {
        ACTION_STATUS,
        ACTION_ON,
        ACTION_OFF,
        ACTION_TOGGLE,
        _ACTION_MAX,
};

const char *action_to_string(enum action a);

enum power_state {
        POWER_STATE_UNKNOWN = -1,
        POWER_STATE_OFF = 0,
        POWER_STATE_ON = 1,
};

struct op {
        struct plug *plug;
        enum action action;

        /* Filled in by the server while the op runs. */
        int step;
        enum power_state before; /* what power_status said first */
        enum power_state state;  /* the state to report; UNKNOWN when failed */
        bool failed;
        bool faked;       /* stuck-on: "off" answered, power_off never ran */
        char detail[320]; /* why it failed */
};

struct request {
        struct plug *plug; /* the plug addressed, if any: its fault applies */
        struct op ops[REQUEST_MAX_OPS];
        size_t n_ops;
        size_t size;    /* input bytes the request took */
        char note[256]; /* the log text when no op runs */

        /* HTTP protocols. status != 0: an answer decided while parsing. */
        struct http_request http;
        int status;
        const char *content_type;
        const char *headers;
        const char *body;

        /* Kasa: the decrypted request, walked again to render the reply. */
        json_object *kasa;
};

/*
 * Parse one request from the start of in. Returns 1 when req is filled, 0
 * when more bytes are needed, -EPROTO when the connection is to be closed
 * without an answer (req->note says why), or -ENOMEM.
 */
int request_parse(const struct endpoint *e, const char *in, size_t len, struct request *req);

/*
 * Render the answer once the ops have run. *ret_body_offset is where the
 * body (the Kasa payload) starts in out. Returns 0 or -ENOMEM.
 */
int request_reply(const struct endpoint *e, struct request *req, struct buf *out,
                  size_t *ret_body_offset);

void request_clear(struct request *req);
