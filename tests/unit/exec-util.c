/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec-util.h"

struct sink {
        char *data;
        size_t size;
};

static int sink_read(int fd, struct sink *s)
{
        char buf[4096];
        ssize_t k = read(fd, buf, sizeof(buf));
        if (k <= 0)
                return (int)k;
        char *n = realloc(s->data, s->size + (size_t)k + 1);
        if (!n)
                return -1;
        memcpy(n + s->size, buf, (size_t)k);
        s->size += (size_t)k;
        n[s->size] = '\0';
        s->data = n;
        return 1;
}

int exec_capture(char *const argv[], const char *stdin_data, struct exec_result *ret)
{
        int in[2], out[2], err[2];
        struct sink so = {0}, se = {0};

        if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
                return -errno;

        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                dup2(in[0], 0);
                dup2(out[1], 1);
                dup2(err[1], 2);
                execv(argv[0], argv);
                _exit(127);
        }
        close(in[0]);
        close(out[1]);
        close(err[1]);

        /* Small inputs only: the pipe buffer holds them without blocking. */
        if (stdin_data && write(in[1], stdin_data, strlen(stdin_data)) < 0) {
                int e = errno;
                close(in[1]);
                return -e;
        }
        close(in[1]);

        struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
        int open_fds = 2;
        while (open_fds > 0) {
                if (poll(fds, 2, 30000) <= 0) {
                        kill(pid, SIGKILL);
                        break;
                }
                for (int i = 0; i < 2; i++) {
                        if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                                continue;
                        if (sink_read(fds[i].fd, i == 0 ? &so : &se) <= 0) {
                                close(fds[i].fd);
                                fds[i].fd = -1;
                                open_fds--;
                        }
                }
        }
        for (int i = 0; i < 2; i++)
                if (fds[i].fd >= 0)
                        close(fds[i].fd);

        int status;
        if (waitpid(pid, &status, 0) < 0)
                return -errno;
        ret->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        ret->out = so.data ? so.data : strdup("");
        ret->err = se.data ? se.data : strdup("");
        return 0;
}

void exec_result_clear(struct exec_result *r)
{
        free(r->out);
        free(r->err);
        r->out = r->err = NULL;
}

const char *hasan_bin(void)
{
        const char *b = getenv("HASAN_BIN");
        return b ? b : "build/hasan";
}

int exec_hasan_v(const char *command, const char *arg, va_list ap, struct exec_result *ret)
{
        char *argv[EXEC_HASAN_MAX_ARGS + 3] = {(char *)hasan_bin()};
        size_t n = 1;

        if (command)
                argv[n++] = (char *)command;
        for (const char *a = arg; a; a = va_arg(ap, const char *)) {
                if (n > EXEC_HASAN_MAX_ARGS + 1)
                        return -E2BIG;
                argv[n++] = (char *)a;
        }
        argv[n] = NULL;
        return exec_capture(argv, NULL, ret);
}
