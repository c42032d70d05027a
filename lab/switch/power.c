/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "power.h"
#include "shared/macro.h"
#include "util.h"

/* In the child, between fork and exec: async-signal-safe calls only. */
_Noreturn static void child_exec(char *const argv[], int err_w)
{
        sigset_t none;
        struct sigaction dfl = {.sa_handler = SIG_DFL};

        setpgid(0, 0);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        sigaction(SIGPIPE, &dfl, NULL);

        int null = open("/dev/null", O_RDWR);
        if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
            dup2(err_w, STDERR_FILENO) < 0)
                _exit(127);
        if (null > STDERR_FILENO)
                close(null);
        /* Every other descriptor of the switch is close-on-exec. */
        execv(argv[0], argv);

        static const char msg[] = "cannot execute ";
        (void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
        (void)!write(STDERR_FILENO, argv[0], strlen(argv[0]));
        (void)!write(STDERR_FILENO, "\n", 1);
        _exit(127);
}

int power_run_start(char *const argv[], enum power_command command, uint64_t deadline,
                    struct power_run **ret)
{
        int fds[2];

        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;

        pid_t pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(fds[0]);
                close(fds[1]);
                return r;
        }
        if (pid == 0)
                child_exec(argv, fds[1]);

        /* Also from here, so a kill of the group cannot race the child's own setpgid(). */
        (void)setpgid(pid, pid);
        close(fds[1]);
        (void)fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);

        struct power_run *r = calloc(1, sizeof(*r));
        if (!r) {
                /* Nothing can watch it: stop it; the server's reaper collects it. */
                kill(-pid, SIGKILL);
                kill(pid, SIGKILL);
                close(fds[0]);
                return -ENOMEM;
        }
        r->command = command;
        r->pid = pid;
        r->err_fd = fds[0];
        r->deadline = deadline;
        *ret = r;
        return 0;
}

void power_run_read(struct power_run *r)
{
        char chunk[1024];

        while (r->err_fd >= 0) {
                ssize_t k = read(r->err_fd, chunk, sizeof(chunk));
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0 && errno == EAGAIN)
                        return;
                if (k <= 0) {
                        close(r->err_fd);
                        r->err_fd = -1;
                        return;
                }
                size_t room = POWER_STDERR_MAX - r->err.len;
                size_t take = (size_t)k < room ? (size_t)k : room;
                if (take > 0)
                        (void)buf_append(&r->err, chunk, take);
        }
}

void power_run_kill(struct power_run *r, bool timed_out)
{
        if (r->exited)
                return;
        kill(-r->pid, SIGKILL);
        kill(r->pid, SIGKILL);
        if (timed_out)
                r->timed_out = true;
}

int power_run_exit_code(const struct power_run *r)
{
        if (r->timed_out || !WIFEXITED(r->wstatus))
                return -1;
        return WEXITSTATUS(r->wstatus);
}

void power_run_describe(const struct power_run *r, unsigned timeout, char *out, size_t size)
{
        const char *name = power_command_to_string(r->command);
        int k;

        if (r->timed_out)
                k = snprintf(out, size, "%s timed out after %u s", name, timeout);
        else if (WIFSIGNALED(r->wstatus))
                k = snprintf(out, size, "%s killed by signal %d", name, WTERMSIG(r->wstatus));
        else
                k = snprintf(out, size, "%s exited %d", name, WEXITSTATUS(r->wstatus));
        if (k < 0 || (size_t)k >= size || r->err.len == 0)
                return;

        /* Its stderr on the same line: trimmed, lines joined with "; ". */
        char joined[POWER_STDERR_MAX + 1];
        size_t j = 0;
        for (size_t i = 0; i < r->err.len; i++) {
                char c = r->err.data[i];
                if (c == '\n') {
                        if (j > 0 && i + 1 < r->err.len) {
                                joined[j++] = ';';
                                c = ' ';
                        } else
                                continue;
                }
                if (j < sizeof(joined) - 1)
                        joined[j++] = c;
        }
        while (j > 0 && (joined[j - 1] == ' ' || joined[j - 1] == ';' || joined[j - 1] == '\r'))
                j--;
        if (j == 0)
                return;
        char clean[256];
        snprintf(out + k, size - (size_t)k, ": %s", sanitize(joined, j, clean, sizeof(clean)));
}

struct power_run *power_run_free(struct power_run *r)
{
        if (!r)
                return NULL;
        if (r->err_fd >= 0)
                close(r->err_fd);
        buf_free(&r->err);
        free(r);
        return NULL;
}
