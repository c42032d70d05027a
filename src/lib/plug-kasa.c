/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TP-Link Kasa, legacy protocol: one TCP connection per request to port
 * 9999, a framed and XOR-obfuscated JSON request, one framed answer. The
 * connection, the request and the answer share one deadline.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/kasa-codec.h"
#include "lib/plug.h"
#include "shared/macro.h"

static int64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until the deadline: 1 ready, 0 timed out, -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
        for (;;) {
                int64_t left = deadline - now_ms();
                struct pollfd p = {.fd = fd, .events = events};
                int k;

                if (left <= 0)
                        return 0;
                k = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k > 0)
                        return 1;
        }
}

static int connect_one(const struct addrinfo *ai, int64_t deadline, int *ret_fd)
{
        _cleanup_close_ int fd = -1;
        socklen_t len = sizeof(int);
        int soerr = 0, r;

        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
                return -errno;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
                if (errno != EINPROGRESS)
                        return -errno;
                r = wait_fd(fd, POLLOUT, deadline);
                if (r < 0)
                        return r;
                if (r == 0)
                        return -ETIMEDOUT;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
                        return -errno;
                if (soerr != 0)
                        return -soerr;
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int kasa_connect(const struct plug_config *c, const char *where, int64_t deadline,
                        int *ret_fd, struct plug_error *err)
{
        struct addrinfo hints = {
            .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
        struct addrinfo *res = NULL;
        char port[8];
        int r = -ECONNREFUSED, g;

        snprintf(port, sizeof(port), "%u", (unsigned)plug_port(c, KASA_DEFAULT_PORT));
        g = getaddrinfo(c->address, port, &hints, &res);
        if (g != 0)
                return plug_errorf(err, -ECONNREFUSED, "cannot resolve '%s': %s", c->address,
                                   gai_strerror(g));
        for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
                r = connect_one(ai, deadline, ret_fd);
                if (r == 0 || r == -ETIMEDOUT)
                        break;
        }
        freeaddrinfo(res);
        if (r == -ETIMEDOUT)
                return plug_errorf(err, r, "cannot connect to %s: no answer within %u s", where,
                                   c->timeout_sec);
        if (r < 0)
                return plug_errorf(err, r == -ENOMEM ? r : -ECONNREFUSED,
                                   "cannot connect to %s: %s", where, strerror(-r));
        return 0;
}

static int send_all(int fd, const uint8_t *p, size_t size, int64_t deadline, const char *where,
                    unsigned timeout, struct plug_error *err)
{
        while (size > 0) {
                ssize_t k = send(fd, p, size, MSG_NOSIGNAL);
                int r;

                if (k >= 0) {
                        p += k;
                        size -= (size_t)k;
                        continue;
                }
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN)
                        return plug_errorf(err, -ECONNRESET, "cannot send to %s: %s", where,
                                           strerror(errno));
                r = wait_fd(fd, POLLOUT, deadline);
                if (r < 0)
                        return plug_errorf(err, -EIO, "cannot send to %s: %s", where, strerror(-r));
                if (r == 0)
                        return plug_errorf(err, -ETIMEDOUT, "cannot send to %s: stalled for %u s",
                                           where, timeout);
        }
        return 0;
}

/* Read exactly size bytes; got counts what arrived. */
static int recv_all(int fd, uint8_t *p, size_t size, int64_t deadline, size_t *got)
{
        *got = 0;
        while (*got < size) {
                ssize_t k = recv(fd, p + *got, size - *got, 0);
                int r;

                if (k > 0) {
                        *got += (size_t)k;
                        continue;
                }
                if (k == 0)
                        return -ECONNRESET;
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN)
                        return -errno;
                r = wait_fd(fd, POLLIN, deadline);
                if (r < 0)
                        return r;
                if (r == 0)
                        return -ETIMEDOUT;
        }
        return 0;
}

/* Read one framed answer (header included) within the deadline. */
static int read_answer(int fd, int64_t deadline, const char *where, unsigned timeout, uint8_t **ret,
                       size_t *ret_size, struct plug_error *err)
{
        uint8_t header[KASA_HEADER_SIZE], *answer;
        size_t n = 0, got = 0;
        int r;

        r = recv_all(fd, header, sizeof(header), deadline, &got);
        if (r == 0)
                r = kasa_header_length(header, &n);
        if (r == -EMSGSIZE)
                return plug_errorf(err, -EBADMSG,
                                   "%s announced an answer larger than %u bytes: not a Kasa "
                                   "device?",
                                   where, KASA_PAYLOAD_MAX);
        if (r == -ECONNRESET)
                return plug_errorf(err, r, "%s closed the connection without a complete answer",
                                   where);
        if (r == -ETIMEDOUT)
                return plug_errorf(err, r, "%s did not answer within %u s", where, timeout);
        if (r < 0)
                return plug_errorf(err, -ECONNRESET, "cannot read from %s: %s", where,
                                   strerror(-r));

        answer = malloc(KASA_HEADER_SIZE + n);
        if (!answer)
                return plug_errorf(err, -ENOMEM, "out of memory");
        memcpy(answer, header, KASA_HEADER_SIZE);
        r = recv_all(fd, answer + KASA_HEADER_SIZE, n, deadline, &got);
        if (r < 0) {
                free(answer);
                if (r == -ECONNRESET)
                        return plug_errorf(err, r,
                                           "%s closed the connection after %zu of %zu "
                                           "bytes: truncated answer",
                                           where, got, n);
                if (r == -ETIMEDOUT)
                        return plug_errorf(err, r, "%s did not answer within %u s", where, timeout);
                return plug_errorf(err, -ECONNRESET, "cannot read from %s: %s", where,
                                   strerror(-r));
        }
        *ret = answer;
        *ret_size = KASA_HEADER_SIZE + n;
        return 0;
}

static int kasa_exchange(const struct plug_config *c, const char *request, char **ret_json,
                         size_t *ret_size, struct plug_error *err)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ uint8_t *frame = NULL, *answer = NULL;
        int64_t deadline = now_ms() + (int64_t)c->timeout_sec * 1000;
        size_t frame_size, answer_size = 0;
        char where[300];
        int r;

        snprintf(where, sizeof(where), "%s:%u", c->address,
                 (unsigned)plug_port(c, KASA_DEFAULT_PORT));

        r = kasa_frame(request, strlen(request), &frame, &frame_size);
        if (r < 0)
                return plug_errorf(err, r, "cannot build the request");
        r = kasa_connect(c, where, deadline, &fd, err);
        if (r < 0)
                return r;
        r = send_all(fd, frame, frame_size, deadline, where, c->timeout_sec, err);
        if (r < 0)
                return r;
        r = read_answer(fd, deadline, where, c->timeout_sec, &answer, &answer_size, err);
        if (r < 0)
                return r;

        r = kasa_unframe(answer, answer_size, ret_json, ret_size);
        if (r < 0)
                return plug_errorf(err, r, "cannot decode the answer of %s", where);
        return 0;
}

static int kasa_sysinfo(const struct plug_config *c, struct kasa_sysinfo *ret,
                        struct plug_error *err)
{
        _cleanup_free_ char *request = NULL, *json = NULL;
        size_t size;
        int r;

        if (kasa_request_sysinfo(&request) < 0)
                return plug_errorf(err, -ENOMEM, "out of memory");
        r = kasa_exchange(c, request, &json, &size, err);
        if (r < 0)
                return r;
        return kasa_parse_sysinfo(json, size, ret, err);
}

static int kasa_check(const struct plug_config *c, struct plug_error *err)
{
        const char *plug = c->plug;

        if (!plug || !*plug)
                return 0;
        if (strlen(plug) > 64)
                return plug_errorf(err, -EINVAL, "plug is longer than 64 characters");
        for (const char *p = plug; *p; p++)
                if (*p <= ' ' || *p > '~')
                        return plug_errorf(err, -EINVAL,
                                           "plug must be a Kasa child id (printable, no spaces)");
        return 0;
}

/* Ask the device for its sysinfo and find the configured outlet in it. */
static int kasa_resolve_outlet(const struct plug_config *c, enum plug_power *ret_power,
                               char **ret_child, struct plug_error *err)
{
        struct kasa_sysinfo s = {0};
        int r;

        r = kasa_sysinfo(c, &s, err);
        if (r < 0)
                return r;
        r = kasa_find_outlet(&s, c->plug, ret_power, ret_child, err);
        kasa_sysinfo_clear(&s);
        return r;
}

static int kasa_get_power(const struct plug_config *c, enum plug_power *ret, struct plug_error *err)
{
        _cleanup_free_ char *child = NULL;

        return kasa_resolve_outlet(c, ret, &child, err);
}

static int kasa_set_power(const struct plug_config *c, bool on, struct plug_error *err)
{
        _cleanup_free_ char *child = NULL, *request = NULL, *json = NULL;
        enum plug_power p;
        size_t size;
        int r;

        /* Resolve the outlet first: on a strip, a request without context is refused. */
        r = kasa_resolve_outlet(c, &p, &child, err);
        if (r < 0)
                return r;

        if (kasa_request_set_relay(child, on, &request) < 0)
                return plug_errorf(err, -ENOMEM, "out of memory");
        r = kasa_exchange(c, request, &json, &size, err);
        if (r < 0)
                return r;
        return kasa_parse_set_relay(json, size, err);
}

static int kasa_list(const struct plug_config *c, struct plug_outlet **ret, size_t *ret_n,
                     struct plug_error *err)
{
        struct kasa_sysinfo s = {0};
        enum plug_power power;
        char *id, *alias;
        int r;

        r = kasa_sysinfo(c, &s, err);
        if (r < 0)
                return r;
        if (s.has_children) {
                *ret = TAKE_PTR(s.outlets);
                *ret_n = s.n_outlets;
                s.n_outlets = 0;
                kasa_sysinfo_clear(&s);
                return 0;
        }

        id = s.device_id ? TAKE_PTR(s.device_id) : strdup("N/A");
        alias = s.alias ? TAKE_PTR(s.alias) : strdup("");
        power = s.relay;
        kasa_sysinfo_clear(&s);
        return plug_outlet_single(id, alias, power, ret, ret_n, err);
}

const struct plug_ops plug_kasa_ops = {
    .name = "kasa",
    .default_port = KASA_DEFAULT_PORT,
    .supports_auth = false,
    .supports_ssl = false,
    .needs_plug = false,
    .plug_desc = "Child id of the outlet on a power strip (see action list); unset for a "
                 "single-outlet plug",
    .default_plug = NULL,
    .check = kasa_check,
    .get_power = kasa_get_power,
    .set_power = kasa_set_power,
    .list = kasa_list,
};
