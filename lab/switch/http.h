/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/*
 * Just enough HTTP/1.0 and HTTP/1.1 for the devices emulated here: one
 * request per connection, bodies by Content-Length only, every answer with
 * "Connection: close".
 */

#define HTTP_HEAD_MAX 8192 /* request line plus headers */
#define HTTP_BODY_MAX 8192

struct http_request {
        char *head;                /* a private copy of the head, cut into the strings below */
        const char *method;        /* "GET" */
        const char *path;          /* the raw path, before any '?' */
        const char *query;         /* the raw query after '?', or NULL */
        const char *authorization; /* the Authorization header, or NULL */
        unsigned version_minor;
        size_t content_length;
        size_t size; /* bytes of head and body */
};

/*
 * Parse the request at the start of buf. Returns 1 when it is complete
 * (req filled; free it with http_request_clear()), 0 when more bytes are
 * needed, -EBADMSG when it is malformed (*ret_status: the status to answer
 * with: 400, 413, 431, 501 or 505), or -ENOMEM.
 */
int http_request_parse(const char *buf, size_t len, struct http_request *req, int *ret_status);
void http_request_clear(struct http_request *req);

const char *http_reason(int status);

/*
 * Append a complete response. content_type may be NULL for an empty body;
 * extra_headers is NULL or lines each ending in "\r\n". *ret_body_offset
 * (if not NULL) is where the body starts in out. Returns 0 or -ENOMEM.
 */
int http_response(struct buf *out, int status, const char *content_type, const char *extra_headers,
                  const char *body, size_t body_len, size_t *ret_body_offset);

/*
 * Percent-decode n bytes of s ('+' becomes a space when plus_is_space).
 * Returns 0 and a new string, -EINVAL on a bad escape or an encoded NUL, or
 * -ENOMEM.
 */
int url_decode(const char *s, size_t n, bool plus_is_space, char **ret);

/*
 * Find key in a raw query string ("a=1&b=2"), comparing decoded names.
 * Returns 1 and the decoded value (a new string, "" for "a" or "a="), 0 when
 * absent, -EINVAL on a bad escape, or -ENOMEM. The first occurrence wins.
 */
int query_get(const char *query, const char *key, char **ret);

/*
 * Decode an "Authorization: Basic ..." value. Returns 0 with new strings,
 * -EINVAL when the header is not valid basic authentication, or -ENOMEM.
 */
int http_basic_auth(const char *header, char **ret_user, char **ret_password);
