/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ZED webhook: configuration file and delivery with libcurl.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config.h"
#include "lib/webhook.h"
#include "shared/http.h"
#include "shared/macro.h"
#include "shared/parse.h"

_printf_(3, 4) static int webhook_errorf(struct webhook_error *err, int r, const char *fmt, ...)
{
        va_list ap;

        if (err) {
                va_start(ap, fmt);
                vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
                va_end(ap);
        }
        return r;
}

void webhook_config_done(struct webhook_config *c)
{
        free(c->url);
        free(c->host);
        for (size_t i = 0; i < c->n_classes; i++)
                free(c->classes[i]);
        free(c->classes);
        free(c->ca_file);
        *c = (struct webhook_config){0};
}

DEFINE_TRIVIAL_CLEANUP_FUNC(CURLU *, curl_url_cleanup)
DEFINE_TRIVIAL_CLEANUP_FUNC(CURL *, curl_easy_cleanup)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct curl_slist *, curl_slist_free_all)

static void curl_freep(char **p)
{
        curl_free(*p);
}

/* Check the URL and find its host[:port]; the URL itself never reaches a message. */
static int parse_url(const char *where, const char *url, char **ret_host, struct webhook_error *err)
{
        _cleanup_(curl_url_cleanupp) CURLU *u = curl_url();
        _cleanup_(curl_freep) char *scheme = NULL, *host = NULL, *port = NULL;
        CURLUcode code;
        char *h;

        if (!u)
                return webhook_errorf(err, -ENOMEM, "out of memory");
        code = curl_url_set(u, CURLUPART_URL, url, 0);
        if (code != CURLUE_OK)
                return webhook_errorf(err, -EINVAL, "%s: url is not a valid URL: %s", where,
                                      curl_url_strerror(code));
        if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
            (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0))
                return webhook_errorf(err, -EINVAL, "%s: url must start with http:// or https://",
                                      where);
        if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host)
                return webhook_errorf(err, -EINVAL, "%s: url has no host", where);
        code = curl_url_get(u, CURLUPART_PORT, &port, 0);
        if (code == CURLUE_OK) {
                if (asprintf(&h, "%s:%s", host, port) < 0)
                        return webhook_errorf(err, -ENOMEM, "out of memory");
        } else {
                h = strdup(host);
                if (!h)
                        return webhook_errorf(err, -ENOMEM, "out of memory");
        }
        *ret_host = h;
        return 0;
}

static bool pattern_is_valid(const char *p)
{
        if (!*p)
                return false;
        for (; *p; p++)
                if (!strchr(
                        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-*?[]!",
                        *p))
                        return false;
        return true;
}

static int parse_classes(const char *where, const char *value, struct webhook_config *c,
                         struct webhook_error *err)
{
        _cleanup_free_ char *copy = strdup(value);
        char *save = NULL, *word;

        if (!copy)
                return webhook_errorf(err, -ENOMEM, "out of memory");
        for (size_t i = 0; i < c->n_classes; i++)
                free(c->classes[i]);
        free(c->classes);
        c->classes = NULL;
        c->n_classes = 0;
        for (word = strtok_r(copy, " \t", &save); word; word = strtok_r(NULL, " \t", &save)) {
                char **grown;

                if (!pattern_is_valid(word))
                        return webhook_errorf(err, -EINVAL,
                                              "%s: invalid class pattern '%.64s': letters, digits "
                                              "and _ . - * ? [ ] ! only",
                                              where, word);
                grown = realloc(c->classes, (c->n_classes + 1) * sizeof(*c->classes));
                if (!grown)
                        return webhook_errorf(err, -ENOMEM, "out of memory");
                c->classes = grown;
                c->classes[c->n_classes] = strdup(word);
                if (!c->classes[c->n_classes])
                        return webhook_errorf(err, -ENOMEM, "out of memory");
                c->n_classes++;
        }
        if (c->n_classes == 0)
                return webhook_errorf(err, -EINVAL, "%s: classes is empty", where);
        return 0;
}

static int parse_number(const char *where, const char *key, const char *value, unsigned max,
                        unsigned *ret, struct webhook_error *err)
{
        uint32_t v;

        if (safe_atou32(value, &v) < 0 || v < 1 || v > max)
                return webhook_errorf(err, -EINVAL,
                                      "%s: %s must be a whole number from 1 to %u, not '%.32s'",
                                      where, key, max, value);
        *ret = v;
        return 0;
}

static char *trim(char *s)
{
        char *end;

        while (*s == ' ' || *s == '\t')
                s++;
        end = s + strlen(s);
        while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
                *--end = '\0';
        return s;
}

int webhook_config_parse(const char *path, const char *text, struct webhook_config *ret,
                         struct webhook_error *err)
{
        static const char *const keys[] = {"url", "classes", "timeout", "attempts", "ca_file"};
        unsigned seen[ELEMENTSOF(keys)] = {0};
        struct webhook_config c = {.timeout_sec = 5, .attempts = 3};
        _cleanup_free_ char *copy = strdup(text);
        char *line, *next;
        unsigned lineno = 0;
        int r;

        if (!copy)
                return webhook_errorf(err, -ENOMEM, "out of memory");
        r = parse_classes(path, WEBHOOK_DEFAULT_CLASSES, &c, err);
        if (r < 0)
                goto fail;

        for (line = copy; line; line = next) {
                char where[PATH_MAX + 32], *eq, *key, *value;
                size_t k;

                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                lineno++;
                snprintf(where, sizeof(where), "%s:%u", path, lineno);
                line = trim(line);
                if (!*line || *line == '#')
                        continue;
                eq = strchr(line, '=');
                if (!eq) {
                        r = webhook_errorf(err, -EINVAL, "%s: expected KEY=VALUE", where);
                        goto fail;
                }
                *eq = '\0';
                key = trim(line);
                value = trim(eq + 1);
                for (k = 0; k < ELEMENTSOF(keys); k++)
                        if (strcmp(keys[k], key) == 0)
                                break;
                if (k == ELEMENTSOF(keys)) {
                        r = webhook_errorf(err, -EINVAL,
                                           "%s: unknown key '%.64s' (known: url, classes, timeout, "
                                           "attempts, ca_file)",
                                           where, key);
                        goto fail;
                }
                if (seen[k]) {
                        r = webhook_errorf(err, -EINVAL, "%s: %s is set twice (first on line %u)",
                                           where, key, seen[k]);
                        goto fail;
                }
                seen[k] = lineno;
                if (strcmp(key, "url") == 0) {
                        r = parse_url(where, value, &c.host, err);
                        if (r < 0)
                                goto fail;
                        c.url = strdup(value);
                        if (!c.url) {
                                r = webhook_errorf(err, -ENOMEM, "out of memory");
                                goto fail;
                        }
                } else if (strcmp(key, "classes") == 0) {
                        r = parse_classes(where, value, &c, err);
                } else if (strcmp(key, "timeout") == 0) {
                        r = parse_number(where, key, value, WEBHOOK_TIMEOUT_MAX, &c.timeout_sec,
                                         err);
                } else if (strcmp(key, "attempts") == 0) {
                        r = parse_number(where, key, value, WEBHOOK_ATTEMPTS_MAX, &c.attempts, err);
                } else {
                        if (value[0] != '/') {
                                r = webhook_errorf(err, -EINVAL,
                                                   "%s: ca_file must be an absolute path", where);
                                goto fail;
                        }
                        c.ca_file = strdup(value);
                        if (!c.ca_file)
                                r = webhook_errorf(err, -ENOMEM, "out of memory");
                }
                if (r < 0)
                        goto fail;
        }
        if (!c.url) {
                r = webhook_errorf(err, -EINVAL, "%s: no url", path);
                goto fail;
        }
        *ret = c;
        return 0;
fail:
        webhook_config_done(&c);
        return r;
}

int webhook_config_load(const char *path, struct webhook_config *ret, struct webhook_error *err)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *text = NULL;
        struct stat st;
        size_t size = 0;
        ssize_t n;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                if (errno == ENOENT)
                        return -ENOENT;
                return webhook_errorf(err, -errno, "cannot open %s: %s", path, strerror(errno));
        }
        if (fstat(fd, &st) < 0)
                return webhook_errorf(err, -errno, "cannot stat %s: %s", path, strerror(errno));
        if (!S_ISREG(st.st_mode))
                return webhook_errorf(err, -EINVAL, "%s is not a regular file", path);
        if (st.st_uid != 0 && st.st_uid != geteuid())
                return webhook_errorf(err, -EINVAL,
                                      "%s belongs to user %u, not root: it holds the webhook URL, "
                                      "which may carry a token",
                                      path, (unsigned)st.st_uid);
        if (st.st_mode & 077)
                return webhook_errorf(err, -EINVAL,
                                      "%s is open to group or others (mode %04o): it holds the "
                                      "webhook URL, which may carry a token; chmod 600 %s",
                                      path, (unsigned)(st.st_mode & 07777), path);
        if ((size_t)st.st_size > WEBHOOK_CONFIG_MAX)
                return webhook_errorf(err, -EINVAL, "%s is larger than %u bytes", path,
                                      WEBHOOK_CONFIG_MAX);
        text = malloc(WEBHOOK_CONFIG_MAX + 1);
        if (!text)
                return webhook_errorf(err, -ENOMEM, "out of memory");
        while ((n = read(fd, text + size, WEBHOOK_CONFIG_MAX + 1 - size)) != 0) {
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return webhook_errorf(err, -errno, "cannot read %s: %s", path,
                                              strerror(errno));
                }
                size += (size_t)n;
                if (size > WEBHOOK_CONFIG_MAX)
                        return webhook_errorf(err, -EINVAL, "%s is larger than %u bytes", path,
                                              WEBHOOK_CONFIG_MAX);
        }
        text[size] = '\0';
        if (strlen(text) != size)
                return webhook_errorf(err, -EINVAL, "%s contains a NUL byte", path);
        return webhook_config_parse(path, text, ret, err);
}

static size_t discard(char *data, size_t size, size_t nmemb, void *userdata)
{
        return size * nmemb;
}

/* Whether text shows any part of the URL that may be secret: user, password, path, query. */
static bool shows_secret(const char *url, const char *text)
{
        static const CURLUPart parts[] = {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_PATH,
                                          CURLUPART_QUERY, CURLUPART_FRAGMENT};
        _cleanup_(curl_url_cleanupp) CURLU *u = curl_url();
        bool found = false;

        if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
                return true;
        for (size_t i = 0; i < ELEMENTSOF(parts) && !found; i++) {
                char *part = NULL;

                if (curl_url_get(u, parts[i], &part, 0) == CURLUE_OK && strlen(part) > 1 &&
                    strstr(text, part))
                        found = true;
                curl_free(part);
        }
        return found;
}

enum attempt_outcome {
        ATTEMPT_OK,
        ATTEMPT_RETRY,
        ATTEMPT_FINAL,
};

static enum attempt_outcome post_once(const struct webhook_config *c, const char *body,
                                      long *ret_status, int *ret_r, struct webhook_error *err)
{
        _cleanup_(curl_easy_cleanupp) CURL *curl = curl_easy_init();
        _cleanup_(curl_slist_free_allp) struct curl_slist *headers = NULL;
        char errbuf[CURL_ERROR_SIZE] = "";
        const char *why;
        CURLcode code;
        long status = 0;

        *ret_status = 0;
        if (!curl) {
                *ret_r = webhook_errorf(err, -ENOMEM, "cannot initialize libcurl");
                return ATTEMPT_FINAL;
        }
        headers = curl_slist_append(NULL, "Content-Type: application/json");
        if (!headers) {
                *ret_r = webhook_errorf(err, -ENOMEM, "out of memory");
                return ATTEMPT_FINAL;
        }
        code = http_request_setup(curl, c->url, c->timeout_sec);
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
        if (code == CURLE_OK && c->ca_file)
                code = curl_easy_setopt(curl, CURLOPT_CAINFO, c->ca_file);
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_USERAGENT, "hasan-zed/" HASAN_VERSION);
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        if (code == CURLE_OK)
                code = curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
        if (code != CURLE_OK) {
                *ret_r = webhook_errorf(err, -EIO, "cannot set up the request to %s: %s", c->host,
                                        curl_easy_strerror(code));
                return ATTEMPT_FINAL;
        }

        code = curl_easy_perform(curl);
        why = *errbuf && !shows_secret(c->url, errbuf) ? errbuf : curl_easy_strerror(code);
        switch (code) {
        case CURLE_OK:
                break;
        case CURLE_OPERATION_TIMEDOUT:
                *ret_r = webhook_errorf(err, -ETIMEDOUT, "%s did not answer within %u s", c->host,
                                        c->timeout_sec);
                return ATTEMPT_RETRY;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
                *ret_r =
                    webhook_errorf(err, -ECONNREFUSED, "cannot connect to %s: %s", c->host, why);
                return ATTEMPT_RETRY;
        /* Certificates and a URL libcurl refuses will not get better by trying again. */
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
                *ret_r = webhook_errorf(err, -EIO, "cannot post to %s: %s", c->host, why);
                return ATTEMPT_FINAL;
        default:
                *ret_r = webhook_errorf(err, -EIO, "cannot post to %s: %s", c->host, why);
                return ATTEMPT_RETRY;
        }
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        *ret_status = status;
        if (status >= 200 && status < 300) {
                *ret_r = 0;
                return ATTEMPT_OK;
        }
        *ret_r = webhook_errorf(err, -EPROTO, "%s answered HTTP %ld", c->host, status);
        return status == 408 || status == 429 || status >= 500 ? ATTEMPT_RETRY : ATTEMPT_FINAL;
}

int webhook_post(const struct webhook_config *c, const char *body, struct webhook_result *res,
                 struct webhook_error *err)
{
        unsigned pause = 1;
        int r = -EIO;

        *res = (struct webhook_result){0};
        for (unsigned attempt = 1; attempt <= c->attempts; attempt++) {
                enum attempt_outcome outcome;

                res->attempts = attempt;
                outcome = post_once(c, body, &res->status, &r, err);
                if (outcome != ATTEMPT_RETRY)
                        return r;
                if (attempt < c->attempts) {
                        struct timespec ts = {.tv_sec = pause};
                        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                                ;
                        pause = pause < 4 ? pause * 2 : 4;
                }
        }
        return r;
}
