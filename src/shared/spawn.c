/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/spawn.h"
#include "shared/time-util.h"

extern char **environ;

/* Between two looks at the child when no pidfd tells us it exited. */
#define SPAWN_POLL_FALLBACK_MS 20

struct capture {
        char *data;
        size_t size;
        size_t cap;
        size_t max;
        bool truncated;
};

static void close_fd(int *fd)
{
        if (*fd >= 0) {
                close(*fd);
                *fd = -1;
        }
}

/*
 * A pipe whose both ends are above the standard descriptors, so that the
 * child's dup2() onto 0, 1 and 2 never clobbers another end of ours even
 * when our caller runs with a standard descriptor closed.
 */
static int pipe_above_std(int p[2])
{
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        for (int i = 0; i < 2; i++) {
                if (p[i] > STDERR_FILENO)
                        continue;
                int fd = fcntl(p[i], F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
                if (fd < 0) {
                        int r = -errno;
                        close_fd(&p[0]);
                        close_fd(&p[1]);
                        return r;
                }
                close(p[i]);
                p[i] = fd;
        }
        return 0;
}

static int set_nonblock(int fd)
{
        int flags = fcntl(fd, F_GETFL);

        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return -errno;
        return 0;
}

/* Read what is there. 1: got data, 0: end of file, -EAGAIN: nothing now, else -errno. */
static int capture_read(int fd, struct capture *c)
{
        char buf[16384];
        ssize_t k = read(fd, buf, sizeof(buf));

        if (k < 0)
                return errno == EAGAIN || errno == EINTR ? -EAGAIN : -errno;
        if (k == 0)
                return 0;

        size_t keep = (size_t)k;
        if (keep > c->max - c->size) {
                keep = c->max - c->size;
                c->truncated = true;
        }
        if (keep == 0)
                return 1;
        if (c->size + keep + 1 > c->cap) {
                size_t ncap = c->cap ? c->cap : 4096;
                while (ncap < c->size + keep + 1)
                        ncap *= 2;
                char *n = realloc(c->data, ncap);
                if (!n)
                        return -ENOMEM;
                c->data = n;
                c->cap = ncap;
        }
        memcpy(c->data + c->size, buf, keep);
        c->size += keep;
        c->data[c->size] = '\0';
        return 1;
}

/* Give the buffer to the caller: always a NUL-terminated string. */
static int capture_take(struct capture *c, char **ret, size_t *ret_size, bool *ret_truncated)
{
        if (!c->data) {
                c->data = strdup("");
                if (!c->data)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(c->data);
        *ret_size = c->size;
        *ret_truncated = c->truncated;
        return 0;
}

/*
 * write() with SIGPIPE blocked: a child that exits without reading its stdin
 * must give us EPIPE, not kill us. A SIGPIPE raised by this write is consumed
 * before the mask is restored.
 */
static ssize_t write_nosigpipe(int fd, const void *buf, size_t n)
{
        sigset_t pipe_set, old;
        struct timespec zero = {0, 0};
        ssize_t k;
        int e;

        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
        k = write(fd, buf, n);
        e = errno;
        if (k < 0 && e == EPIPE && !sigismember(&old, SIGPIPE))
                while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
                        ;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        errno = e;
        return k;
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
        int fd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (fd >= 0) {
                /* pidfd_open() sets close-on-exec by itself; make sure. */
                (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
                return fd;
        }
#endif
        return -1;
}

static int waitpid_blocking(pid_t pid, int *status)
{
        while (waitpid(pid, status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        return 0;
}

static int start_child(char *const argv[], const struct spawn_options *opts, int in_rd, int out_wr,
                       int err_wr, pid_t *ret_pid)
{
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        sigset_t empty, all;
        int r;

        r = posix_spawn_file_actions_init(&fa);
        if (r != 0)
                return -r;
        r = posix_spawnattr_init(&attr);
        if (r != 0) {
                posix_spawn_file_actions_destroy(&fa);
                return -r;
        }

        if (in_rd >= 0)
                r = posix_spawn_file_actions_adddup2(&fa, in_rd, STDIN_FILENO);
        else
                r = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        if (r == 0)
                r = posix_spawn_file_actions_adddup2(&fa, out_wr, STDOUT_FILENO);
        if (r == 0)
                r = posix_spawn_file_actions_adddup2(&fa, err_wr, STDERR_FILENO);
#if HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
        /* Descriptors our own caller leaked to us without close-on-exec. */
        if (r == 0)
                r = posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
#endif

        sigemptyset(&empty);
        sigfillset(&all);
        if (r == 0)
                r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                                        POSIX_SPAWN_SETSIGDEF);
        if (r == 0)
                r = posix_spawnattr_setpgroup(&attr, 0);
        if (r == 0)
                r = posix_spawnattr_setsigmask(&attr, &empty);
        if (r == 0)
                r = posix_spawnattr_setsigdefault(&attr, &all);
        if (r == 0)
                r = posix_spawnp(ret_pid, argv[0], &fa, &attr, argv,
                                 opts->envp ? opts->envp : environ);

        posix_spawnattr_destroy(&attr);
        posix_spawn_file_actions_destroy(&fa);
        return -r;
}

int spawn_run(char *const argv[], const struct spawn_options *opts, struct spawn_result *ret)
{
        int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
        struct capture cout = {0}, cerr = {0};
        const uint8_t *stdin_data = opts ? opts->stdin_data : NULL;
        size_t stdin_left = opts ? opts->stdin_size : 0;
        bool timed_out = false, killed = false;
        int status = 0, pidfd = -1, r;
        uint64_t deadline;
        pid_t pid = -1;

        if (!argv || !argv[0] || !argv[0][0] || !opts || opts->timeout_ms == 0 || !ret)
                return -EINVAL;
        if (!stdin_data && stdin_left > 0)
                return -EINVAL;

        cout.max = cerr.max = opts->max_output ? opts->max_output : SPAWN_OUTPUT_MAX_DEFAULT;

        r = pipe_above_std(out);
        if (r == 0)
                r = pipe_above_std(err);
        if (r == 0 && stdin_data)
                r = pipe_above_std(in);
        if (r < 0)
                goto finish;

        log_debug("running %s", argv[0]);
        r = start_child(argv, opts, in[0], out[1], err[1], &pid);
        close_fd(&in[0]);
        close_fd(&out[1]);
        close_fd(&err[1]);
        if (r < 0) {
                log_debug_errno(r, "cannot run %s", argv[0]);
                goto finish;
        }

        pidfd = open_pidfd(pid);
        if ((r = set_nonblock(out[0])) < 0 || (r = set_nonblock(err[0])) < 0 ||
            (in[1] >= 0 && (r = set_nonblock(in[1])) < 0))
                goto kill_and_finish;
        if (in[1] >= 0 && stdin_left == 0)
                close_fd(&in[1]);

        deadline = now_ms() + opts->timeout_ms;
        for (;;) {
                pid_t w = waitpid(pid, &status, WNOHANG);
                if (w == pid)
                        break;
                if (w < 0 && errno != EINTR) {
                        r = -errno;
                        goto kill_and_finish;
                }

                uint64_t t = now_ms();
                if (t >= deadline) {
                        if (!timed_out) {
                                timed_out = true;
                                log_debug("%s timed out after %u ms, sending SIGTERM", argv[0],
                                          opts->timeout_ms);
                                (void)kill(-pid, SIGTERM);
                                close_fd(&in[1]);
                                deadline = t + (opts->kill_grace_ms ? opts->kill_grace_ms
                                                                    : SPAWN_KILL_GRACE_MS_DEFAULT);
                                continue;
                        }
                        log_debug("%s ignored SIGTERM, sending SIGKILL", argv[0]);
                        (void)kill(-pid, SIGKILL);
                        killed = true;
                        break;
                }

                struct pollfd fds[4];
                int n = 0, i_out = -1, i_err = -1, i_in = -1;
                if (out[0] >= 0) {
                        i_out = n;
                        fds[n++] = (struct pollfd){out[0], POLLIN, 0};
                }
                if (err[0] >= 0) {
                        i_err = n;
                        fds[n++] = (struct pollfd){err[0], POLLIN, 0};
                }
                if (in[1] >= 0) {
                        i_in = n;
                        fds[n++] = (struct pollfd){in[1], POLLOUT, 0};
                }
                if (pidfd >= 0)
                        fds[n++] = (struct pollfd){pidfd, POLLIN, 0};

                uint64_t wait = deadline - t;
                if (pidfd < 0 && wait > SPAWN_POLL_FALLBACK_MS)
                        wait = SPAWN_POLL_FALLBACK_MS;
                if (wait > INT_MAX)
                        wait = INT_MAX;
                if (poll(fds, (nfds_t)n, (int)wait) < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        goto kill_and_finish;
                }

                if (i_in >= 0 && fds[i_in].revents) {
                        ssize_t k = write_nosigpipe(in[1], stdin_data, stdin_left);
                        if (k > 0) {
                                stdin_data += k;
                                stdin_left -= (size_t)k;
                        }
                        /* EPIPE: the child closed its stdin; what it read is its business. */
                        if ((k < 0 && errno != EAGAIN && errno != EINTR) || stdin_left == 0)
                                close_fd(&in[1]);
                }
                for (int j = 0; j < 2; j++) {
                        int idx = j == 0 ? i_out : i_err;
                        int *fd = j == 0 ? &out[0] : &err[0];
                        if (idx < 0 || !fds[idx].revents)
                                continue;
                        r = capture_read(*fd, j == 0 ? &cout : &cerr);
                        if (r == 0 || (r < 0 && r != -EAGAIN && r != -ENOMEM))
                                close_fd(fd);
                        else if (r == -ENOMEM)
                                goto kill_and_finish;
                }
        }

        if (killed) {
                r = waitpid_blocking(pid, &status);
                if (r < 0)
                        goto finish;
        }

        /* Whatever the child wrote before it ended is in the pipes: take it. */
        for (int j = 0; j < 2; j++) {
                int *fd = j == 0 ? &out[0] : &err[0];
                while (*fd >= 0) {
                        r = capture_read(*fd, j == 0 ? &cout : &cerr);
                        if (r == -ENOMEM)
                                goto finish;
                        if (r <= 0)
                                close_fd(fd);
                }
        }

        *ret = (struct spawn_result){
            .exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1,
            .term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0,
            .timed_out = timed_out,
        };
        if ((r = capture_take(&cout, &ret->out, &ret->out_size, &ret->out_truncated)) < 0 ||
            (r = capture_take(&cerr, &ret->err, &ret->err_size, &ret->err_truncated)) < 0) {
                spawn_result_clear(ret);
                goto finish;
        }
        log_debug("%s %s", argv[0],
                  timed_out                                          ? "timed out"
                  : (ret->exit_status == 0 && ret->term_signal == 0) ? "succeeded"
                                                                     : "failed");
        r = timed_out ? -ETIMEDOUT : 0;
        goto finish;

kill_and_finish:
        /* Only reached while the child runs and is not reaped yet. */
        if (pid > 0) {
                (void)kill(-pid, SIGKILL);
                (void)waitpid_blocking(pid, &status);
        }
finish:
        close_fd(&in[0]);
        close_fd(&in[1]);
        close_fd(&out[0]);
        close_fd(&out[1]);
        close_fd(&err[0]);
        close_fd(&err[1]);
        close_fd(&pidfd);
        free(cout.data);
        free(cerr.data);
        return r;
}

void spawn_result_clear(struct spawn_result *r)
{
        if (!r)
                return;
        free(r->out);
        free(r->err);
        *r = (struct spawn_result){0};
}

bool spawn_result_success(const struct spawn_result *r)
{
        return r && !r->timed_out && r->term_signal == 0 && r->exit_status == 0;
}

const char *spawn_result_describe(const struct spawn_result *r, char *buf, size_t size)
{
        if (r->timed_out)
                return "timed out";
        if (r->term_signal > 0)
                snprintf(buf, size, "killed by signal %d", r->term_signal);
        else
                snprintf(buf, size, "exited with status %d", r->exit_status);
        return buf;
}

static const char *first_line_of(const char *s, size_t n, char *buf, size_t size)
{
        size_t i = 0, j = 0;

        while (i < n && (s[i] == '\n' || s[i] == '\r' || s[i] == ' ' || s[i] == '\t'))
                i++;
        for (; i < n && s[i] != '\n' && j + 1 < size; i++) {
                unsigned char c = (unsigned char)s[i];
                buf[j++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
        }
        while (j > 0 && buf[j - 1] == ' ')
                j--;
        buf[j] = '\0';
        return buf;
}

const char *spawn_result_first_line(const struct spawn_result *r, char *buf, size_t size)
{
        if (size == 0)
                return "";
        first_line_of(r->err ? r->err : "", r->err_size, buf, size);
        if (buf[0] == '\0')
                first_line_of(r->out ? r->out : "", r->out_size, buf, size);
        return buf;
}
