/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "util.h"

static bool is_tchar(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static int bad(int status, int *ret_status)
{
        *ret_status = status;
        return -EBADMSG;
}

/* Where the head ends (just past its blank line), or 0 when it has not ended yet. */
static size_t head_end(const char *buf, size_t len)
{
        size_t scan = len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX;

        for (size_t i = 0; i < scan; i++) {
                if (buf[i] != '\n')
                        continue;
                if (i + 1 < scan && buf[i + 1] == '\n')
                        return i + 2;
                if (i + 2 < scan && buf[i + 1] == '\r' && buf[i + 2] == '\n')
                        return i + 3;
        }
        return 0;
}

/* Cut the next line out of *cursor (in place), without its "\r\n" or "\n". */
static char *next_line(char **cursor)
{
        char *line = *cursor, *nl = strchr(line, '\n');

        if (!nl)
                return NULL;
        *nl = '\0';
        *cursor = nl + 1;
        if (nl > line && nl[-1] == '\r')
                nl[-1] = '\0';
        return line;
}

static int parse_request_line(char *line, struct http_request *req, int *ret_status)
{
        char *sp1 = strchr(line, ' '), *sp2 = strrchr(line, ' ');

        if (!sp1 || sp1 == sp2)
                return bad(400, ret_status);
        *sp1 = '\0';
        *sp2 = '\0';

        const char *version = sp2 + 1;
        char *target = sp1 + 1;
        size_t mlen = strlen(line);
        if (mlen == 0 || mlen > 15)
                return bad(400, ret_status);
        for (const char *p = line; *p; p++)
                if (!is_tchar(*p))
                        return bad(400, ret_status);
        if (streq(version, "HTTP/1.1"))
                req->version_minor = 1;
        else if (streq(version, "HTTP/1.0"))
                req->version_minor = 0;
        else if (strncmp(version, "HTTP/", 5) == 0)
                return bad(505, ret_status);
        else
                return bad(400, ret_status);
        if (target[0] != '/')
                return bad(400, ret_status);

        char *q = strchr(target, '?');
        if (q) {
                *q = '\0';
                req->query = q + 1;
        }
        req->method = line;
        req->path = target;
        return 0;
}

static int parse_content_length(const char *v, struct http_request *req, bool *seen,
                                int *ret_status)
{
        size_t n = 0;

        if (!*v)
                return bad(400, ret_status);
        for (const char *p = v; *p; p++) {
                if (*p < '0' || *p > '9')
                        return bad(400, ret_status);
                if (n > HTTP_BODY_MAX)
                        return bad(413, ret_status);
                n = n * 10 + (size_t)(*p - '0');
        }
        if (n > HTTP_BODY_MAX)
                return bad(413, ret_status);
        if (*seen && n != req->content_length)
                return bad(400, ret_status);
        *seen = true;
        req->content_length = n;
        return 0;
}

static int parse_headers(char *cursor, struct http_request *req, int *ret_status)
{
        bool seen_length = false;
        char *line;

        while ((line = next_line(&cursor)) && *line) {
                if (*line == ' ' || *line == '\t')
                        return bad(400, ret_status); /* obsolete line folding */
                char *colon = strchr(line, ':');
                if (!colon || colon == line)
                        return bad(400, ret_status);
                *colon = '\0';
                for (const char *p = line; *p; p++)
                        if (!is_tchar(*p))
                                return bad(400, ret_status);

                char *v = colon + 1;
                while (*v == ' ' || *v == '\t')
                        v++;
                size_t vlen = strlen(v);
                while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                        v[--vlen] = '\0';
                for (const char *p = v; *p; p++)
                        if ((unsigned char)*p < 0x20 && *p != '\t')
                                return bad(400, ret_status);

                int r = 0;
                if (strcasecmp(line, "Content-Length") == 0)
                        r = parse_content_length(v, req, &seen_length, ret_status);
                else if (strcasecmp(line, "Transfer-Encoding") == 0)
                        r = bad(501, ret_status);
                else if (strcasecmp(line, "Authorization") == 0) {
                        if (req->authorization)
                                r = bad(400, ret_status);
                        req->authorization = v;
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

int http_request_parse(const char *buf, size_t len, struct http_request *req, int *ret_status)
{
        struct http_request r = {0};
        size_t scan = len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX;

        /* Refuse what can never become a request line without waiting for more. */
        for (size_t i = 0; i < scan && buf[i] != '\n'; i++) {
                unsigned char c = (unsigned char)buf[i];
                if ((c < 0x20 && c != '\r') || c >= 0x7f)
                        return bad(400, ret_status);
        }

        size_t end = head_end(buf, len);
        if (end == 0)
                return len >= HTTP_HEAD_MAX ? bad(431, ret_status) : 0;

        r.head = malloc(end + 1);
        if (!r.head)
                return -ENOMEM;
        memcpy(r.head, buf, end);
        r.head[end] = '\0';
        if (memchr(r.head, '\0', end)) {
                http_request_clear(&r);
                return bad(400, ret_status);
        }

        char *cursor = r.head;
        char *line = next_line(&cursor);
        int k = line ? parse_request_line(line, &r, ret_status) : bad(400, ret_status);
        if (k == 0)
                k = parse_headers(cursor, &r, ret_status);
        if (k < 0) {
                http_request_clear(&r);
                return k;
        }

        r.size = end + r.content_length;
        if (len < r.size) {
                http_request_clear(&r);
                return 0;
        }
        *req = r;
        return 1;
}

void http_request_clear(struct http_request *req)
{
        free(req->head);
        *req = (struct http_request){0};
}

const char *http_reason(int status)
{
        switch (status) {
        case 200:
                return "OK";
        case 400:
                return "Bad Request";
        case 401:
                return "Unauthorized";
        case 404:
                return "Not Found";
        case 405:
                return "Method Not Allowed";
        case 408:
                return "Request Timeout";
        case 413:
                return "Content Too Large";
        case 431:
                return "Request Header Fields Too Large";
        case 500:
                return "Internal Server Error";
        case 501:
                return "Not Implemented";
        case 505:
                return "HTTP Version Not Supported";
        default:
                return "Unknown";
        }
}

int http_response(struct buf *out, int status, const char *content_type, const char *extra_headers,
                  const char *body, size_t body_len, size_t *ret_body_offset)
{
        int r = buf_printf(out, "HTTP/1.1 %d %s\r\n", status, http_reason(status));

        if (r == 0 && content_type)
                r = buf_printf(out, "Content-Type: %s\r\n", content_type);
        if (r == 0)
                r = buf_printf(out, "Content-Length: %zu\r\nConnection: close\r\n", body_len);
        if (r == 0 && extra_headers)
                r = buf_puts(out, extra_headers);
        if (r == 0)
                r = buf_puts(out, "\r\n");
        if (r == 0 && ret_body_offset)
                *ret_body_offset = out->len;
        if (r == 0)
                r = buf_append(out, body, body_len);
        return r;
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

int url_decode(const char *s, size_t n, bool plus_is_space, char **ret)
{
        char *out = malloc(n + 1);
        size_t o = 0;

        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (c == '%') {
                        if (n - i < 3 || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
                                free(out);
                                return -EINVAL;
                        }
                        c = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
                        i += 2;
                        if (c == '\0') {
                                free(out);
                                return -EINVAL;
                        }
                } else if (c == '+' && plus_is_space)
                        c = ' ';
                out[o++] = c;
        }
        out[o] = '\0';
        *ret = out;
        return 0;
}

int query_get(const char *query, const char *key, char **ret)
{
        const char *seg = query;

        while (seg && *seg) {
                const char *amp = strchr(seg, '&');
                size_t seg_len = amp ? (size_t)(amp - seg) : strlen(seg);
                const char *eq = memchr(seg, '=', seg_len);
                size_t name_len = eq ? (size_t)(eq - seg) : seg_len;
                char *name;
                int r = url_decode(seg, name_len, true, &name);
                if (r < 0)
                        return r;
                bool match = streq(name, key);
                free(name);
                if (match) {
                        if (!eq)
                                return url_decode("", 0, true, ret) < 0 ? -ENOMEM : 1;
                        r = url_decode(eq + 1, seg_len - name_len - 1, true, ret);
                        return r < 0 ? r : 1;
                }
                seg = amp ? amp + 1 : NULL;
        }
        return 0;
}

static int b64val(char c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -1;
}

int http_basic_auth(const char *header, char **ret_user, char **ret_password)
{
        if (!header || strncasecmp(header, "Basic ", 6) != 0)
                return -EINVAL;

        const char *s = header + 6;
        while (*s == ' ')
                s++;
        size_t n = strlen(s);
        while (n > 0 && s[n - 1] == ' ')
                n--;
        size_t pad = 0;
        while (n > 0 && s[n - 1] == '=' && pad < 2) {
                n--;
                pad++;
        }
        if (n == 0 || n % 4 == 1 || (pad > 0 && (n + pad) % 4 != 0))
                return -EINVAL;

        char *dec = malloc(n * 3 / 4 + 1);
        size_t o = 0;
        uint32_t acc = 0;
        unsigned bits = 0;
        if (!dec)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                int v = b64val(s[i]);
                if (v < 0) {
                        free(dec);
                        return -EINVAL;
                }
                acc = (acc << 6 | (uint32_t)v) & 0xffffff;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        dec[o++] = (char)((acc >> bits) & 0xff);
                }
        }
        dec[o] = '\0';

        char *colon = memchr(dec, ':', o);
        if (!colon || memchr(dec, '\0', o)) {
                explicit_bzero(dec, o);
                free(dec);
                return -EINVAL;
        }
        *colon = '\0';
        char *user = strdup(dec), *password = strdup(colon + 1);
        explicit_bzero(dec, o);
        free(dec);
        if (!user || !password) {
                free(user);
                free(password);
                return -ENOMEM;
        }
        *ret_user = user;
        *ret_password = password;
        return 0;
}
