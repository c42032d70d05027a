/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "switch-config.h"

/*
 * One run of a plug's power command: fork and execv of its argv (never a
 * shell), stdin and stdout on /dev/null, stderr captured, in a process
 * group of its own so a timeout can kill everything it started. The server
 * reaps it (SIGCHLD) and reads its stderr from its poll loop.
 */

#define POWER_STDERR_MAX 4096

struct power_run {
        enum power_command command;
        pid_t pid;
        int err_fd; /* read end of the stderr pipe, -1 once closed */
        struct buf err;
        uint64_t deadline; /* now_ms() value after which it is killed */
        bool exited;
        bool timed_out;
        int wstatus;
};

/* Start a run. Returns 0 or -errno (pipe or fork failed). */
int power_run_start(char *const argv[], enum power_command command, uint64_t deadline,
                    struct power_run **ret);

/* Read whatever stderr holds now, without blocking; close it at end of file. */
void power_run_read(struct power_run *r);

/* Kill the whole process group with SIGKILL and note the timeout. */
void power_run_kill(struct power_run *r, bool timed_out);

/* After exit: the exit code (0-255), or -1 after a signal or a timeout. */
int power_run_exit_code(const struct power_run *r);

/* "power_off exited 1: <stderr>", "power_status timed out after 10 s", ... */
void power_run_describe(const struct power_run *r, unsigned timeout, char *out, size_t size);

/* Close and free; the process must have been reaped. Returns NULL. */
struct power_run *power_run_free(struct power_run *r);
