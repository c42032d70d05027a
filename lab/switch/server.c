/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "power.h"
#include "protocols.h"
#include "server.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "util.h"

#define MAX_CONNS 128
#define LISTEN_BACKLOG 64
#define IN_MAX (32u * 1024u)        /* more than any complete request may take */
#define HANG_MS (10u * 60u * 1000u) /* fault hang: how long a connection is held */
#define LINGER_MS 1000u             /* after the answer: wait for the peer to close */
#define ACCEPT_PAUSE_MS 1000u       /* after running out of descriptors */
#define GARBAGE_SIZE 64

enum conn_state {
        CONN_READING,  /* waiting for a complete request */
        CONN_WORKING,  /* its ops run; the socket is not watched */
        CONN_WRITING,  /* sending the answer */
        CONN_HANGING,  /* fault hang: reading and discarding, never answering */
        CONN_DRAINING, /* answer sent and write side shut: waiting for the peer to close */
        CONN_DEAD,     /* closed, freed at the end of the loop iteration */
};

struct conn {
        int fd;
        struct endpoint *ep;
        char peer[64];
        enum conn_state state;
        struct buf in;
        struct buf out;
        size_t out_off;
        bool close_after_write;
        uint64_t deadline; /* now_ms() value, 0 for none */
        struct request req;
        size_t cur;   /* the op running or waiting */
        bool waiting; /* its op waits for a plug another request holds */
};

enum op_step {
        STEP_START,
        STEP_STATUS, /* power_status runs */
        STEP_SWITCH, /* power_on or power_off runs */
        STEP_DONE,
};

enum watch_kind {
        WATCH_SIGNALS,
        WATCH_LISTENER,
        WATCH_COMMAND,
        WATCH_CONN,
};

struct watch {
        enum watch_kind kind;
        void *ptr;
};

struct server {
        struct config *cfg;
        int sigfd;
        struct conn *conns[MAX_CONNS];
        size_t n_conns;
        uint64_t accept_resume;
        bool quit;
        struct pollfd *pfds;
        struct watch *watches;
        size_t n_watch_max;
};

static uint64_t read_timeout_ms(const struct server *s)
{
        return (uint64_t)s->cfg->read_timeout * 1000u;
}

/* ---- connections ---- */

static void conn_close(struct conn *c)
{
        if (c->fd >= 0)
                close(c->fd);
        c->fd = -1;
        c->state = CONN_DEAD;
}

static struct conn *conn_free(struct conn *c)
{
        if (!c)
                return NULL;
        if (c->fd >= 0)
                close(c->fd);
        buf_free(&c->in);
        buf_free(&c->out);
        request_clear(&c->req);
        free(c);
        return NULL;
}

static void format_peer(const struct sockaddr_storage *sa, char *out, size_t size)
{
        char host[INET6_ADDRSTRLEN] = "?";

        if (sa->ss_family == AF_INET) {
                const struct sockaddr_in *in4 = (const void *)sa;
                inet_ntop(AF_INET, &in4->sin_addr, host, sizeof(host));
                snprintf(out, size, "%s:%u", host, ntohs(in4->sin_port));
        } else if (sa->ss_family == AF_INET6) {
                const struct sockaddr_in6 *in6 = (const void *)sa;
                inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
                snprintf(out, size, "[%s]:%u", host, ntohs(in6->sin6_port));
        } else
                snprintf(out, size, "?");
}

_printf_(3, 4) static void log_conn(const struct conn *c, enum log_level level, const char *fmt,
                                    ...)
{
        char ts[32], msg[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        timestamp(ts);
        log_msg(level, "%s %s %s %s", ts, protocol_to_string(c->ep->protocol), c->peer, msg);
}

static void describe_op(const struct op *op, struct buf *b)
{
        const char *st = op->state == POWER_STATE_ON ? "on" : "off";

        (void)buf_printf(b, "plug '%s' %s: ", op->plug->name, action_to_string(op->action));
        if (op->step == STEP_START)
                (void)buf_puts(b, "not carried out");
        else if (op->failed)
                (void)buf_printf(b, "error: %s", op->detail);
        else if (op->faked)
                (void)buf_printf(b, "answered off, power_off not run (fault stuck-on)");
        else if (op->action == ACTION_STATUS)
                (void)buf_puts(b, st);
        else if (op->before == op->state)
                (void)buf_printf(b, "already %s", st);
        else
                (void)buf_printf(b, "switched %s", st);
        if (!op->failed && op->before == POWER_STATE_UNKNOWN && op->action != ACTION_STATUS)
                (void)buf_printf(b, " (state was unknown: %s)", op->detail);
}

/* The one log line of a request. */
static void log_request(const struct conn *c, const char *suffix)
{
        struct buf line = {0};
        const struct request *req = &c->req;

        for (size_t i = 0; i < req->n_ops; i++) {
                if (i > 0)
                        (void)buf_puts(&line, "; ");
                describe_op(&req->ops[i], &line);
        }
        if (req->n_ops == 0 && req->plug)
                (void)buf_printf(&line, "plug '%s': ", req->plug->name);
        if (req->note[0])
                (void)buf_printf(&line, "%s%s", req->n_ops > 0 ? "; " : "", req->note);
        if (suffix)
                (void)buf_puts(&line, suffix);
        log_conn(c, LOG_LEVEL_INFO, "%s", line.data ? line.data : "");
        buf_free(&line);
}

/* ---- ops ---- */

static void op_fail(struct op *op)
{
        op->failed = true;
        op->state = POWER_STATE_UNKNOWN;
        op->step = STEP_DONE;
}

static int op_start(struct server *s, struct op *op, enum power_command cmd)
{
        uint64_t deadline = now_ms() + (uint64_t)s->cfg->command_timeout * 1000u;
        int r = power_run_start(op->plug->argv[cmd], cmd, deadline, &op->plug->run);

        if (r < 0) {
                snprintf(op->detail, sizeof(op->detail), "cannot start %s: %s",
                         power_command_to_string(cmd), strerror(-r));
                op_fail(op);
        }
        return r;
}

static enum power_state op_target(const struct op *op)
{
        switch (op->action) {
        case ACTION_ON:
                return POWER_STATE_ON;
        case ACTION_OFF:
                return POWER_STATE_OFF;
        case ACTION_TOGGLE:
                return op->before == POWER_STATE_ON ? POWER_STATE_OFF : POWER_STATE_ON;
        default:
                return op->before;
        }
}

static void conn_respond(struct server *s, struct conn *c);

/* Run the connection's ops in order, each holding its plug while it runs. */
static void conn_advance(struct server *s, struct conn *c)
{
        while (c->cur < c->req.n_ops) {
                struct op *op = &c->req.ops[c->cur];
                struct plug *p = op->plug;

                if (op->step == STEP_DONE) {
                        if (p->owner == c)
                                p->owner = NULL;
                        c->cur++;
                        continue;
                }
                if (op->step != STEP_START)
                        return; /* its command runs */
                if (p->owner && p->owner != c) {
                        c->waiting = true;
                        return;
                }
                c->waiting = false;
                p->owner = c;
                op->step = STEP_STATUS;
                if (op_start(s, op, POWER_COMMAND_STATUS) == 0)
                        return;
        }
        conn_respond(s, c);
}

/* A command of the connection's current op has been reaped. */
static void op_command_done(struct server *s, struct conn *c, const struct power_run *run)
{
        struct op *op = &c->req.ops[c->cur];
        struct plug *p = op->plug;
        int code = power_run_exit_code(run);
        char what[sizeof(op->detail)];

        power_run_describe(run, s->cfg->command_timeout, what, sizeof(what));
        if (op->step == STEP_STATUS) {
                op->before = code == 0   ? POWER_STATE_ON
                             : code == 1 ? POWER_STATE_OFF
                                         : POWER_STATE_UNKNOWN;
                if (op->before == POWER_STATE_UNKNOWN) {
                        snprintf(op->detail, sizeof(op->detail), "%s", what);
                        /* Pulling the cord needs no knowledge of the state; all else does. */
                        if (op->action != ACTION_OFF) {
                                op_fail(op);
                                goto next;
                        }
                }
                enum power_state target = op_target(op);
                if (op->before == target) {
                        op->state = target;
                        op->step = STEP_DONE;
                } else if (target == POWER_STATE_OFF && p->fault == FAULT_STUCK_ON) {
                        op->state = POWER_STATE_OFF;
                        op->faked = true;
                        op->step = STEP_DONE;
                } else {
                        op->step = STEP_SWITCH;
                        (void)op_start(
                            s, op, target == POWER_STATE_ON ? POWER_COMMAND_ON : POWER_COMMAND_OFF);
                }
        } else if (op->step == STEP_SWITCH) {
                if (code == 0) {
                        op->state = op_target(op);
                        op->step = STEP_DONE;
                } else {
                        snprintf(op->detail, sizeof(op->detail), "%s", what);
                        op_fail(op);
                }
        }
next:
        if (op->step == STEP_DONE)
                conn_advance(s, c);
}

/* ---- answers and faults ---- */

static void fill_garbage(struct buf *out)
{
        uint8_t g[GARBAGE_SIZE];

        if (getrandom(g, sizeof(g), GRND_NONBLOCK) != (ssize_t)sizeof(g))
                for (size_t i = 0; i < sizeof(g); i++)
                        g[i] = (uint8_t)(i * 37u + 11u);
        /* High bit set everywhere: never an HTTP status line, never JSON. */
        for (size_t i = 0; i < sizeof(g); i++)
                g[i] |= 0x80;
        buf_reset(out);
        (void)buf_append(out, g, sizeof(g));
}

static void conn_respond(struct server *s, struct conn *c)
{
        size_t body = 0;
        char suffix[128] = "";

        c->waiting = false;
        buf_reset(&c->out);
        if (request_reply(c->ep, &c->req, &c->out, &body) < 0) {
                log_request(c, " (out of memory, connection closed)");
                conn_close(c);
                return;
        }

        enum fault f = c->req.plug ? c->req.plug->fault : FAULT_NONE;
        if (f == FAULT_GARBAGE) {
                snprintf(suffix, sizeof(suffix), " (fault garbage: %d random bytes sent instead)",
                         GARBAGE_SIZE);
                fill_garbage(&c->out);
                c->close_after_write = true;
        } else if (f == FAULT_TRUNCATE) {
                size_t full = c->out.len;
                size_t cut = full - body >= 2 ? body + (full - body) / 2 : full / 2;
                c->out.len = cut;
                snprintf(suffix, sizeof(suffix), " (fault truncate: %zu of %zu bytes sent)", cut,
                         full);
                c->close_after_write = true;
        }
        if (c->ep->protocol != PROTOCOL_KASA)
                c->close_after_write = true;
        log_request(c, suffix);

        buf_consume(&c->in, c->req.size);
        request_clear(&c->req);
        c->out_off = 0;
        c->state = CONN_WRITING;
        c->deadline = now_ms() + read_timeout_ms(s);
}

/* Try to parse a request from what has been read; start it when complete. */
static void conn_try_parse(struct server *s, struct conn *c)
{
        int r = request_parse(c->ep, c->in.data, c->in.len, &c->req);

        if (r == 0) {
                if (c->in.len >= IN_MAX) {
                        log_conn(c, LOG_LEVEL_INFO, "request larger than %u bytes, closed", IN_MAX);
                        conn_close(c);
                }
                return;
        }
        if (r < 0) {
                if (r == -EPROTO)
                        log_conn(c, LOG_LEVEL_INFO, "%s", c->req.note);
                else
                        log_conn(c, LOG_LEVEL_ERROR, "cannot handle request: %s", strerror(-r));
                request_clear(&c->req);
                conn_close(c);
                return;
        }

        if (c->req.plug && c->req.plug->fault == FAULT_HANG) {
                log_request(c, " (fault hang: never answered)");
                request_clear(&c->req);
                buf_reset(&c->in);
                c->state = CONN_HANGING;
                c->deadline = now_ms() + HANG_MS;
                return;
        }
        c->state = CONN_WORKING;
        c->deadline = 0;
        c->cur = 0;
        conn_advance(s, c);
}

/* ---- socket events ---- */

static void conn_read(struct server *s, struct conn *c)
{
        for (;;) {
                if (buf_reserve(&c->in, 4096) < 0) {
                        conn_close(c);
                        return;
                }
                size_t room = c->in.cap - c->in.len - 1;
                if (c->in.len + room > IN_MAX)
                        room = IN_MAX - c->in.len;
                ssize_t k = room > 0 ? recv(c->fd, c->in.data + c->in.len, room, 0) : 0;
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        return;
                if (k <= 0) {
                        if (c->state == CONN_READING && c->in.len > 0)
                                log_conn(c, LOG_LEVEL_INFO,
                                         "connection closed before a complete request");
                        conn_close(c);
                        return;
                }
                c->in.len += (size_t)k;
                c->in.data[c->in.len] = '\0';
                if (c->state != CONN_READING) {
                        buf_reset(&c->in); /* hanging or draining: discard */
                        continue;
                }
                conn_try_parse(s, c);
                if (c->state != CONN_READING)
                        return;
        }
}

static void conn_write(struct server *s, struct conn *c)
{
        while (c->out_off < c->out.len) {
                ssize_t k =
                    send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        return;
                if (k < 0) {
                        log_conn(c, LOG_LEVEL_DEBUG, "answer not delivered: %s", strerror(errno));
                        conn_close(c);
                        return;
                }
                c->out_off += (size_t)k;
        }

        buf_reset(&c->out);
        if (c->close_after_write) {
                (void)shutdown(c->fd, SHUT_WR);
                buf_reset(&c->in);
                c->state = CONN_DRAINING;
                c->deadline = now_ms() + LINGER_MS;
                return;
        }
        /* Kasa keeps the connection for further requests. */
        c->state = CONN_READING;
        c->deadline = now_ms() + read_timeout_ms(s);
        if (c->in.len > 0)
                conn_try_parse(s, c);
}

static void accept_on(struct server *s, struct endpoint *e)
{
        while (s->n_conns < MAX_CONNS) {
                struct sockaddr_storage sa;
                socklen_t len = sizeof(sa);
                int fd = accept4(e->fd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0) {
                        if (errno == EINTR || errno == ECONNABORTED)
                                continue;
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                return;
                        char ts[32];
                        timestamp(ts);
                        log_error_errno(-errno, "%s cannot accept on %s port %u, pausing", ts,
                                        e->address, e->port);
                        s->accept_resume = now_ms() + ACCEPT_PAUSE_MS;
                        return;
                }
                struct conn *c = calloc(1, sizeof(*c));
                if (!c) {
                        close(fd);
                        return;
                }
                c->fd = fd;
                c->ep = e;
                format_peer(&sa, c->peer, sizeof(c->peer));
                c->state = CONN_READING;
                c->deadline = now_ms() + read_timeout_ms(s);
                s->conns[s->n_conns++] = c;
        }
}

/* ---- commands ---- */

static void reap(struct server *s)
{
        for (;;) {
                int st;
                pid_t pid = waitpid(-1, &st, WNOHANG);
                if (pid <= 0)
                        return;
                /* Other children are machines power_on started and left behind (we
                 * are their subreaper): reaping them is all there is to do. */
                for (size_t i = 0; i < s->cfg->n_plugs; i++) {
                        struct power_run *r = s->cfg->plugs[i].run;
                        if (r && r->pid == pid && !r->exited) {
                                r->exited = true;
                                r->wstatus = st;
                        }
                }
        }
}

static void read_signals(struct server *s)
{
        struct signalfd_siginfo si;

        for (;;) {
                ssize_t k = read(s->sigfd, &si, sizeof(si));
                if (k != (ssize_t)sizeof(si))
                        return;
                if (si.ssi_signo == SIGCHLD)
                        reap(s);
                else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
                        s->quit = true;
        }
}

/* Hand finished commands to their ops; kill the ones past their deadline. */
static void finish_commands(struct server *s, uint64_t now)
{
        for (size_t i = 0; i < s->cfg->n_plugs; i++) {
                struct plug *p = &s->cfg->plugs[i];
                struct power_run *run = p->run;
                if (!run)
                        continue;
                if (!run->exited) {
                        if (!run->timed_out && now >= run->deadline)
                                power_run_kill(run, true);
                        continue;
                }
                power_run_read(run);
                p->run = NULL;
                if (p->owner)
                        op_command_done(s, p->owner, run);
                power_run_free(run);
        }
}

static void expire_conns(struct server *s, uint64_t now)
{
        for (size_t i = 0; i < s->n_conns; i++) {
                struct conn *c = s->conns[i];
                if (c->state == CONN_DEAD || c->deadline == 0 || now < c->deadline)
                        continue;
                if (c->state == CONN_READING && c->in.len > 0)
                        log_conn(c, LOG_LEVEL_INFO, "no complete request within %u s, closed",
                                 s->cfg->read_timeout);
                else if (c->state == CONN_WRITING)
                        log_conn(c, LOG_LEVEL_INFO, "answer not taken within %u s, closed",
                                 s->cfg->read_timeout);
                conn_close(c);
        }
}

/* Requests that waited for a plug: start those whose plug is free now. */
static void wake_waiters(struct server *s)
{
        bool progress = true;

        while (progress) {
                progress = false;
                for (size_t i = 0; i < s->n_conns; i++) {
                        struct conn *c = s->conns[i];
                        if (c->state != CONN_WORKING || !c->waiting)
                                continue;
                        if (c->req.ops[c->cur].plug->owner)
                                continue;
                        conn_advance(s, c);
                        progress = true;
                }
        }
}

static void sweep(struct server *s)
{
        size_t j = 0;

        for (size_t i = 0; i < s->n_conns; i++) {
                if (s->conns[i]->state == CONN_DEAD)
                        conn_free(s->conns[i]);
                else
                        s->conns[j++] = s->conns[i];
        }
        s->n_conns = j;
}

/* ---- the loop ---- */

static size_t build_watches(struct server *s, uint64_t now, int *ret_timeout)
{
        size_t n = 0;
        uint64_t next = UINT64_MAX;

        s->pfds[n] = (struct pollfd){.fd = s->sigfd, .events = POLLIN};
        s->watches[n++] = (struct watch){WATCH_SIGNALS, NULL};

        bool accepting = s->n_conns < MAX_CONNS && now >= s->accept_resume;
        if (!accepting && now < s->accept_resume)
                next = s->accept_resume;
        for (size_t i = 0; accepting && i < s->cfg->n_endpoints; i++) {
                s->pfds[n] = (struct pollfd){.fd = s->cfg->endpoints[i].fd, .events = POLLIN};
                s->watches[n++] = (struct watch){WATCH_LISTENER, &s->cfg->endpoints[i]};
        }
        for (size_t i = 0; i < s->cfg->n_plugs; i++) {
                struct power_run *r = s->cfg->plugs[i].run;
                if (!r)
                        continue;
                if (r->exited)
                        next = now; /* finish it at once */
                else if (!r->timed_out && r->deadline < next)
                        next = r->deadline;
                if (r->err_fd >= 0) {
                        s->pfds[n] = (struct pollfd){.fd = r->err_fd, .events = POLLIN};
                        s->watches[n++] = (struct watch){WATCH_COMMAND, r};
                }
        }
        for (size_t i = 0; i < s->n_conns; i++) {
                struct conn *c = s->conns[i];
                short ev = c->state == CONN_WRITING   ? POLLOUT
                           : c->state == CONN_WORKING ? 0
                                                      : POLLIN;
                if (c->deadline && c->deadline < next)
                        next = c->deadline;
                if (ev == 0)
                        continue;
                s->pfds[n] = (struct pollfd){.fd = c->fd, .events = ev};
                s->watches[n++] = (struct watch){WATCH_CONN, c};
        }

        if (next == UINT64_MAX)
                *ret_timeout = -1;
        else
                *ret_timeout = next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
        return n;
}

int server_run(struct server *s)
{
        while (!s->quit) {
                int timeout;
                size_t n = build_watches(s, now_ms(), &timeout);

                if (poll(s->pfds, n, timeout) < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_error_errno(-errno, "poll failed");
                }
                for (size_t i = 0; i < n; i++) {
                        short re = s->pfds[i].revents;
                        if (re == 0)
                                continue;
                        switch (s->watches[i].kind) {
                        case WATCH_SIGNALS:
                                read_signals(s);
                                break;
                        case WATCH_LISTENER:
                                accept_on(s, s->watches[i].ptr);
                                break;
                        case WATCH_COMMAND:
                                power_run_read(s->watches[i].ptr);
                                break;
                        case WATCH_CONN: {
                                struct conn *c = s->watches[i].ptr;
                                if (c->state == CONN_WRITING)
                                        conn_write(s, c);
                                else if (c->state == CONN_READING || c->state == CONN_HANGING ||
                                         c->state == CONN_DRAINING)
                                        conn_read(s, c);
                                break;
                        }
                        }
                }
                uint64_t now = now_ms();
                finish_commands(s, now);
                expire_conns(s, now);
                wake_waiters(s);
                sweep(s);
        }
        char ts[32];
        timestamp(ts);
        log_info("%s stopping", ts);
        return 0;
}

static int listen_on(struct endpoint *e)
{
        int one = 1;
        _cleanup_close_ int fd =
            socket(e->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

        if (fd < 0)
                return -errno;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
                return -errno;
        if (e->sa.ss_family == AF_INET6 &&
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
                return -errno;
        if (bind(fd, (const struct sockaddr *)&e->sa, e->sa_len) < 0)
                return -errno;
        if (listen(fd, LISTEN_BACKLOG) < 0)
                return -errno;
        e->fd = TAKE_FD(fd);
        return 0;
}

int server_new(struct config *c, int sigfd, struct server **ret)
{
        struct server *s = calloc(1, sizeof(*s));

        if (!s)
                return log_error_errno(-ENOMEM, "cannot start");
        s->cfg = c;
        s->sigfd = sigfd;
        s->n_watch_max = 1 + c->n_endpoints + c->n_plugs + MAX_CONNS;
        s->pfds = calloc(s->n_watch_max, sizeof(*s->pfds));
        s->watches = calloc(s->n_watch_max, sizeof(*s->watches));
        if (!s->pfds || !s->watches) {
                server_free(s);
                return log_error_errno(-ENOMEM, "cannot start");
        }

        for (size_t i = 0; i < c->n_endpoints; i++) {
                struct endpoint *e = &c->endpoints[i];
                int r = listen_on(e);
                if (r < 0) {
                        server_free(s);
                        return log_error_errno(r, "cannot listen on %s port %u for plug '%s'",
                                               e->address, e->port, e->plugs[0]->name);
                }
                for (size_t j = 0; j < e->n_plugs; j++) {
                        const struct plug *p = e->plugs[j];
                        char where[160] = "";
                        if (p->protocol == PROTOCOL_TASMOTA)
                                snprintf(where, sizeof(where), " relay %u", p->relay);
                        else if (p->protocol == PROTOCOL_HTTP)
                                snprintf(where, sizeof(where), " /relay/%u", p->relay);
                        else if (p->protocol == PROTOCOL_ESPHOME)
                                snprintf(where, sizeof(where), " switch '%s'", p->object_id);
                        else if (p->child_id)
                                snprintf(where, sizeof(where), " child %s", p->child_id);
                        log_info("plug '%s': %s on %s port %u%s%s%s%s", p->name,
                                 protocol_to_string(p->protocol), e->address, e->port, where,
                                 p->password ? ", login required" : "",
                                 p->fault != FAULT_NONE ? ", fault " : "",
                                 p->fault != FAULT_NONE ? fault_to_string(p->fault) : "");
                }
        }
        *ret = s;
        return 0;
}

struct server *server_free(struct server *s)
{
        if (!s)
                return NULL;
        /* Commands still running are stopped and reaped, so none outlives the switch. */
        for (size_t i = 0; i < s->cfg->n_plugs; i++) {
                struct plug *p = &s->cfg->plugs[i];
                if (!p->run)
                        continue;
                if (!p->run->exited) {
                        power_run_kill(p->run, false);
                        while (waitpid(p->run->pid, NULL, 0) < 0 && errno == EINTR)
                                ;
                }
                p->run = power_run_free(p->run);
                p->owner = NULL;
        }
        for (size_t i = 0; i < s->n_conns; i++)
                conn_free(s->conns[i]);
        for (size_t i = 0; i < s->cfg->n_endpoints; i++) {
                if (s->cfg->endpoints[i].fd >= 0)
                        close(s->cfg->endpoints[i].fd);
                s->cfg->endpoints[i].fd = -1;
        }
        free(s->pfds);
        free(s->watches);
        free(s);
        return NULL;
}
