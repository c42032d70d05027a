/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every plug client shares: errors, outlets, address and option
 * helpers, JSON parsing, and the HTTP transport used by the Tasmota, ESPHome
 * and generic clients (libcurl, bounded, no redirects, no proxy).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "lib/plug.h"
#include "shared/http.h"
#include "shared/macro.h"

const char *plug_power_to_string(enum plug_power p)
{
        switch (p) {
        case PLUG_POWER_ON:
                return "ON";
        case PLUG_POWER_OFF:
                return "OFF";
        default:
                return "UNKNOWN";
        }
}

int plug_errorf(struct plug_error *err, int r, const char *fmt, ...)
{
        va_list ap;

        if (err) {
                va_start(ap, fmt);
                vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
                va_end(ap);
        }
        return r;
}

void plug_outlets_free(struct plug_outlet *outlets, size_t n)
{
        if (!outlets)
                return;
        for (size_t i = 0; i < n; i++) {
                free(outlets[i].id);
                free(outlets[i].alias);
        }
        free(outlets);
}

bool plug_address_is_valid(const char *address)
{
        size_t n;
        struct in6_addr a6;

        if (!address)
                return false;
        n = strlen(address);
        if (n == 0 || n > 253)
                return false;
        if (strchr(address, ':'))
                return inet_pton(AF_INET6, address, &a6) == 1;
        if (address[0] == '-' || address[0] == '.')
                return false;
        for (const char *p = address; *p; p++)
                if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
                        return false;
        return true;
}

const char *plug_or_default(const struct plug_config *c, const char *deflt)
{
        return c->plug && *c->plug ? c->plug : deflt;
}

uint16_t plug_port(const struct plug_config *c, uint16_t deflt)
{
        if (c->port)
                return c->port;
        return c->ssl ? 443 : deflt;
}

int plug_json_parse(const char *data, size_t size, json_object **ret, struct plug_error *err)
{
        struct json_tokener *tok;
        json_object *o;
        size_t end;

        if (size == 0)
                return plug_errorf(err, -EBADMSG, "the answer is empty");
        if (size > PLUG_RESPONSE_MAX || memchr(data, '\0', size))
                return plug_errorf(err, -EBADMSG, "the answer is not JSON text");
        tok = json_tokener_new_ex(32);
        if (!tok)
                return plug_errorf(err, -ENOMEM, "out of memory");
        o = json_tokener_parse_ex(tok, data, (int)size);
        if (!o || json_tokener_get_error(tok) != json_tokener_success) {
                enum json_tokener_error e = json_tokener_get_error(tok);
                json_tokener_free(tok);
                json_object_put(o);
                return plug_errorf(err, -EBADMSG, "the answer is not valid JSON (%s)",
                                   e == json_tokener_continue ? "truncated"
                                                              : json_tokener_error_desc(e));
        }
        end = json_tokener_get_parse_end(tok);
        json_tokener_free(tok);
        for (; end < size; end++)
                if (!isspace((unsigned char)data[end])) {
                        json_object_put(o);
                        return plug_errorf(err, -EBADMSG,
                                           "the answer has data after its JSON value");
                }
        *ret = o;
        return 0;
}

char *plug_url_encode(const char *s)
{
        static const char hex[] = "0123456789ABCDEF";
        size_t n = strlen(s);
        char *out = malloc(3 * n + 1), *q = out;

        if (!out)
                return NULL;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~')
                        *q++ = (char)*p;
                else {
                        *q++ = '%';
                        *q++ = hex[*p >> 4];
                        *q++ = hex[*p & 15];
                }
        }
        *q = '\0';
        return out;
}

void plug_http_response_clear(struct plug_http_response *r)
{
        free(r->body);
        *r = (struct plug_http_response){0};
}

struct sink {
        char *data;
        size_t size;
        bool overflow;
};

static size_t sink_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
        struct sink *s = userdata;
        size_t n = size * nmemb;
        char *d;

        if (n > PLUG_RESPONSE_MAX - s->size) {
                s->overflow = true;
                return 0; /* makes curl fail with CURLE_WRITE_ERROR */
        }
        d = realloc(s->data, s->size + n + 1);
        if (!d)
                return 0;
        memcpy(d + s->size, ptr, n);
        s->size += n;
        d[s->size] = '\0';
        s->data = d;
        return n;
}

DEFINE_TRIVIAL_CLEANUP_FUNC(CURL *, curl_easy_cleanup)

static int map_curl_error(CURLcode code, const struct sink *body, const char *where,
                          unsigned timeout, const char *detail, struct plug_error *err)
{
        switch (code) {
        case CURLE_OPERATION_TIMEDOUT:
                return plug_errorf(err, -ETIMEDOUT, "%s did not answer within %u s", where,
                                   timeout);
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
                return plug_errorf(err, -ECONNREFUSED, "cannot connect to %s: %s", where, detail);
        case CURLE_GOT_NOTHING:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_PARTIAL_FILE:
                return plug_errorf(err, -ECONNRESET,
                                   "the connection to %s broke before a complete answer: %s", where,
                                   detail);
        case CURLE_WRITE_ERROR:
                if (body->overflow)
                        return plug_errorf(err, -EBADMSG, "the answer of %s exceeds %u bytes",
                                           where, PLUG_RESPONSE_MAX);
                return plug_errorf(err, -ENOMEM, "out of memory");
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_BAD_CONTENT_ENCODING:
                return plug_errorf(err, -EBADMSG, "%s did not answer valid HTTP: %s", where,
                                   detail);
        case CURLE_LOGIN_DENIED:
                return plug_errorf(err, -EACCES, "%s refused the credentials", where);
        case CURLE_OUT_OF_MEMORY:
                return plug_errorf(err, -ENOMEM, "out of memory");
        default:
                return plug_errorf(err, -EIO, "request to %s failed: %s", where, detail);
        }
}

int plug_http_request(const struct plug_config *c, uint16_t default_port, const char *method,
                      const char *path_query, bool basic_auth, struct plug_http_response *ret,
                      struct plug_error *err)
{
        _cleanup_(curl_easy_cleanupp) CURL *curl = NULL;
        _cleanup_free_ char *url = NULL;
        char errbuf[CURL_ERROR_SIZE] = "", where[300];
        struct sink body = {0};
        bool v6 = strchr(c->address, ':') != NULL;
        unsigned port = plug_port(c, default_port);
        long status = 0;
        CURLcode code;
        int r;

        if (!plug_address_is_valid(c->address))
                return plug_errorf(err, -EINVAL, "invalid device address");
        snprintf(where, sizeof(where), "%s%s%s:%u", v6 ? "[" : "", c->address, v6 ? "]" : "", port);
        if (asprintf(&url, "%s://%s%s", c->ssl ? "https" : "http", where, path_query) < 0) {
                url = NULL;
                return plug_errorf(err, -ENOMEM, "out of memory");
        }

        curl = curl_easy_init();
        if (!curl)
                return plug_errorf(err, -ENOMEM, "cannot initialize libcurl");

        code = http_request_setup(curl, url, c->timeout_sec);
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_USERAGENT, "hasan-fence");
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sink_write);
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
        if (code == CURLE_OK && c->ssl_insecure) {
                code = curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
                if (code == CURLE_OK)
                        code = curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
        }
        if (code == CURLE_OK && strcmp(method, "POST") == 0) {
                code = curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
                if (code == CURLE_OK)
                        code = curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 0L);
        }
        if (code == CURLE_OK && basic_auth && c->password) {
                code = curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
                if (code == CURLE_OK)
                        code = curl_easy_setopt(curl, CURLOPT_USERNAME,
                                                c->username ? c->username : "admin");
                if (code == CURLE_OK)
                        code = curl_easy_setopt(curl, CURLOPT_PASSWORD, c->password);
        }
        if (code != CURLE_OK)
                return plug_errorf(err, -EIO, "cannot set up the request: %s",
                                   curl_easy_strerror(code));

        code = curl_easy_perform(curl);
        if (code != CURLE_OK) {
                r = map_curl_error(code, &body, where, c->timeout_sec,
                                   *errbuf ? errbuf : curl_easy_strerror(code), err);
                free(body.data);
                /* libcurl's text never holds the query, but a secret must not leak if it did. */
                if (err && c->password && *c->password && strstr(err->msg, c->password))
                        plug_errorf(err, r, "request to %s failed", where);
                return r;
        }
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);

        *ret = (struct plug_http_response){
            .status = status,
            .body = body.data ? body.data : strdup(""),
            .size = body.size,
        };
        if (!ret->body)
                return plug_errorf(err, -ENOMEM, "out of memory");
        return 0;
}

int plug_http_check_status(long status, const char *what, struct plug_error *err)
{
        if (status >= 200 && status <= 299)
                return 0;
        if (status == 401 || status == 403)
                return plug_errorf(err, -EACCES,
                                   "the device refused the credentials (HTTP %ld): check "
                                   "username and password",
                                   status);
        if (status == 404)
                return plug_errorf(err, -ENOENT, "the device has no %s (HTTP 404)", what);
        return plug_errorf(err, -EPROTO, "the device answered HTTP %ld", status);
}

int plug_outlet_single(char *id, char *alias, enum plug_power power, struct plug_outlet **ret,
                       size_t *ret_n, struct plug_error *err)
{
        struct plug_outlet *o = calloc(1, sizeof(*o));

        if (!o || !id || !alias) {
                free(o);
                free(id);
                free(alias);
                return plug_errorf(err, -ENOMEM, "out of memory");
        }
        *o = (struct plug_outlet){.id = id, .alias = alias, .power = power};
        *ret = o;
        *ret_n = 1;
        return 0;
}
