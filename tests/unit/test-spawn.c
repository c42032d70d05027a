/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spawn_run(), the one way hasan runs other programs: exit codes, output
 * capture and its bound, stdin in both small and pipe-filling sizes, the
 * timeout (SIGTERM, then SIGKILL for a child that ignores it) within a
 * bounded time, a missing program, and no leaked descriptors.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "shared/spawn.h"

static uint64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int run(char *const argv[], const struct spawn_options *o, struct spawn_result *res)
{
        *res = (struct spawn_result){0};
        return spawn_run(argv, o, res);
}

static void test_true_and_false(void **state)
{
        struct spawn_options o = {.timeout_ms = 5000};
        struct spawn_result res;
        char *t[] = {"true", NULL}, *f[] = {"false", NULL};

        assert_int_equal(run(t, &o, &res), 0);
        assert_int_equal(res.exit_status, 0);
        assert_int_equal(res.term_signal, 0);
        assert_false(res.timed_out);
        assert_true(spawn_result_success(&res));
        assert_string_equal(res.out, "");
        assert_string_equal(res.err, "");
        spawn_result_clear(&res);

        assert_int_equal(run(f, &o, &res), 0);
        assert_int_equal(res.exit_status, 1);
        assert_false(spawn_result_success(&res));
        spawn_result_clear(&res);
}

static void test_exit_code_and_outputs(void **state)
{
        struct spawn_options o = {.timeout_ms = 5000};
        struct spawn_result res;
        char how[64], line[64];
        char *argv[] = {"/bin/sh", "-c", "echo out; echo 'bad thing' >&2; echo more >&2; exit 3",
                        NULL};

        assert_int_equal(run(argv, &o, &res), 0);
        assert_int_equal(res.exit_status, 3);
        assert_string_equal(res.out, "out\n");
        assert_int_equal(res.out_size, 4);
        assert_string_equal(res.err, "bad thing\nmore\n");
        assert_false(res.out_truncated);
        assert_string_equal(spawn_result_describe(&res, how, sizeof(how)), "exited with status 3");
        assert_string_equal(spawn_result_first_line(&res, line, sizeof(line)), "bad thing");
        spawn_result_clear(&res);
        /* Clearing twice is harmless. */
        spawn_result_clear(&res);
}

static void test_killed_by_signal(void **state)
{
        struct spawn_options o = {.timeout_ms = 5000};
        struct spawn_result res;
        char how[64];
        char *argv[] = {"/bin/sh", "-c", "kill -KILL $$", NULL};

        assert_int_equal(run(argv, &o, &res), 0);
        assert_int_equal(res.exit_status, -1);
        assert_int_equal(res.term_signal, SIGKILL);
        assert_false(spawn_result_success(&res));
        assert_string_equal(spawn_result_describe(&res, how, sizeof(how)), "killed by signal 9");
        spawn_result_clear(&res);
}

static void test_stdin(void **state)
{
        const char data[] = "line one\nline two\n";
        struct spawn_options o = {.timeout_ms = 5000, .stdin_data = data, .stdin_size = 18};
        struct spawn_result res;
        char *argv[] = {"cat", NULL};

        assert_int_equal(run(argv, &o, &res), 0);
        assert_int_equal(res.exit_status, 0);
        assert_string_equal(res.out, data);
        spawn_result_clear(&res);

        /* Without stdin data the child reads /dev/null, never our terminal. */
        o.stdin_data = NULL;
        o.stdin_size = 0;
        assert_int_equal(run(argv, &o, &res), 0);
        assert_string_equal(res.out, "");
        spawn_result_clear(&res);
}

/* More than a pipe holds in each direction at once: no deadlock. */
static void test_large_stdin_through_cat(void **state)
{
        size_t size = 4u << 20;
        char *data = malloc(size);
        struct spawn_result res;
        char *argv[] = {"cat", NULL};

        assert_non_null(data);
        for (size_t i = 0; i < size; i++)
                data[i] = (char)('a' + i % 26);
        struct spawn_options o = {
            .timeout_ms = 20000, .stdin_data = data, .stdin_size = size, .max_output = size};
        assert_int_equal(run(argv, &o, &res), 0);
        assert_int_equal(res.exit_status, 0);
        assert_int_equal(res.out_size, size);
        assert_false(res.out_truncated);
        assert_memory_equal(res.out, data, size);
        spawn_result_clear(&res);
        free(data);
}

/* A child that does not read its stdin: EPIPE for us, no SIGPIPE. */
static void test_child_ignores_stdin(void **state)
{
        size_t size = 1u << 20;
        char *data = calloc(1, size);
        struct spawn_result res;
        char *argv[] = {"true", NULL};

        assert_non_null(data);
        struct spawn_options o = {.timeout_ms = 5000, .stdin_data = data, .stdin_size = size};
        assert_int_equal(run(argv, &o, &res), 0);
        assert_int_equal(res.exit_status, 0);
        spawn_result_clear(&res);
        free(data);
}

static void test_output_bounded(void **state)
{
        struct spawn_options o = {.timeout_ms = 10000, .max_output = 1000};
        struct spawn_result res;
        char *argv[] = {"/bin/sh", "-c", "head -c 200000 /dev/zero | tr '\\0' x; echo e >&2", NULL};

        assert_int_equal(run(argv, &o, &res), 0);
        assert_int_equal(res.exit_status, 0);
        assert_int_equal(res.out_size, 1000);
        assert_int_equal(strlen(res.out), 1000);
        assert_true(res.out_truncated);
        assert_false(res.err_truncated);
        assert_string_equal(res.err, "e\n");
        spawn_result_clear(&res);
}

static void test_timeout_sends_sigterm(void **state)
{
        struct spawn_options o = {.timeout_ms = 200};
        struct spawn_result res;
        char *argv[] = {"sleep", "30", NULL};
        uint64_t start = now_ms();

        assert_int_equal(run(argv, &o, &res), -ETIMEDOUT);
        uint64_t took = now_ms() - start;
        assert_true(res.timed_out);
        assert_int_equal(res.term_signal, SIGTERM);
        assert_false(spawn_result_success(&res));
        assert_true(took >= 200);
        assert_true(took < 2000);
        spawn_result_clear(&res);
}

/* SIGTERM ignored by the child and its own child: SIGKILL to the group after the grace. */
static void test_timeout_escalates_to_sigkill(void **state)
{
        struct spawn_options o = {.timeout_ms = 200, .kill_grace_ms = 300};
        struct spawn_result res;
        char *argv[] = {"/bin/sh", "-c", "trap '' TERM; echo started; sleep 30; echo never", NULL};
        uint64_t start = now_ms();

        assert_int_equal(run(argv, &o, &res), -ETIMEDOUT);
        uint64_t took = now_ms() - start;
        assert_true(res.timed_out);
        assert_int_equal(res.term_signal, SIGKILL);
        assert_string_equal(res.out, "started\n");
        assert_true(took >= 500);
        assert_true(took < 3000);
        spawn_result_clear(&res);
}

/* The child exits but a grandchild keeps the pipes open: we return anyway. */
static void test_background_grandchild(void **state)
{
        struct spawn_options o = {.timeout_ms = 5000};
        struct spawn_result res;
        char *argv[] = {"/bin/sh", "-c", "sleep 3 & echo done", NULL};
        uint64_t start = now_ms();

        assert_int_equal(run(argv, &o, &res), 0);
        assert_int_equal(res.exit_status, 0);
        assert_string_equal(res.out, "done\n");
        assert_true(now_ms() - start < 2500);
        spawn_result_clear(&res);
}

static void test_missing_program(void **state)
{
        struct spawn_options o = {.timeout_ms = 5000};
        struct spawn_result res;
        char *rel[] = {"hasan-no-such-program", NULL};
        char *abs[] = {"/nonexistent/hasan-no-such-program", NULL};

        assert_int_equal(run(rel, &o, &res), -ENOENT);
        assert_null(res.out);
        assert_null(res.err);
        assert_int_equal(run(abs, &o, &res), -ENOENT);
        assert_null(res.out);
}

static void test_not_executable(void **state)
{
        struct spawn_options o = {.timeout_ms = 5000};
        struct spawn_result res;
        char path[] = "/tmp/hasan-test-spawn.XXXXXX";
        char *argv[] = {path, NULL};
        int fd = mkstemp(path);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, "not a program\n", 14), 14);
        close(fd);

        /* No execute permission. */
        assert_int_equal(chmod(path, 0644), 0);
        assert_int_equal(run(argv, &o, &res), -EACCES);
        assert_null(res.out);

        /* Executable, but neither ELF nor "#!": never handed to a shell. */
        assert_int_equal(chmod(path, 0755), 0);
        assert_int_equal(run(argv, &o, &res), -ENOEXEC);
        assert_null(res.out);
        unlink(path);
}

static void test_bad_arguments(void **state)
{
        struct spawn_options o = {.timeout_ms = 0};
        struct spawn_result res;
        char *argv[] = {"true", NULL}, *empty[] = {NULL}, *blank[] = {"", NULL};

        assert_int_equal(run(argv, &o, &res), -EINVAL);
        o.timeout_ms = 1000;
        assert_int_equal(run(empty, &o, &res), -EINVAL);
        assert_int_equal(run(blank, &o, &res), -EINVAL);
        assert_int_equal(run(argv, NULL, &res), -EINVAL);
        o.stdin_size = 3;
        assert_int_equal(run(argv, &o, &res), -EINVAL);
}

/* Only 0, 1 and 2 reach the child, even from a descriptor without O_CLOEXEC. */
static void test_no_leaked_descriptors(void **state)
{
        struct spawn_options o = {.timeout_ms = 5000};
        struct spawn_result res;
        char *argv[] = {"/bin/sh", "-c", "ls /proc/$$/fd", NULL};
        int fd = open("/dev/null", O_RDONLY);

        assert_true(fd >= 0);
        assert_int_equal(dup2(fd, 57), 57);
        assert_int_equal(run(argv, &o, &res), 0);
        assert_int_equal(res.exit_status, 0);
        /* sh itself may hold one more descriptor (10 or above) for its own use. */
        assert_null(strstr(res.out, "57"));
        assert_non_null(strstr(res.out, "0\n1\n2\n"));
        spawn_result_clear(&res);
        close(57);
        close(fd);
}

/* The child runs in its own process group, with default signal dispositions. */
static void test_process_group_and_signals(void **state)
{
        struct spawn_options o = {.timeout_ms = 5000};
        struct spawn_result res;
        char *argv[] = {"/bin/sh", "-c", "ps -o pgid= -p $$; grep SigIgn /proc/$$/status", NULL};

        signal(SIGPIPE, SIG_IGN);
        assert_int_equal(run(argv, &o, &res), 0);
        signal(SIGPIPE, SIG_DFL);
        if (res.exit_status != 0)
                skip(); /* no ps here */
        /* The first line is the child's process group: its own, not ours. */
        assert_true(strtol(res.out, NULL, 10) > 0);
        assert_true(strtol(res.out, NULL, 10) != (long)getpgrp());
        /* SIGPIPE (bit 13) is not ignored in the child although we ignore it. */
        const char *ign = strstr(res.out, "SigIgn:");
        assert_non_null(ign);
        unsigned long long mask = strtoull(ign + 7, NULL, 16);
        assert_int_equal(mask & (1ull << (SIGPIPE - 1)), 0);
        spawn_result_clear(&res);
}

static void test_environment(void **state)
{
        char *envp[] = {"HASAN_SPAWN_TEST=yes", NULL};
        struct spawn_options o = {.timeout_ms = 5000, .envp = envp};
        struct spawn_result res;
        char *argv[] = {"/bin/sh", "-c", "echo \"$HASAN_SPAWN_TEST:${HOME:-unset}\"", NULL};

        assert_int_equal(run(argv, &o, &res), 0);
        assert_string_equal(res.out, "yes:unset\n");
        spawn_result_clear(&res);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_true_and_false),
            cmocka_unit_test(test_exit_code_and_outputs),
            cmocka_unit_test(test_killed_by_signal),
            cmocka_unit_test(test_stdin),
            cmocka_unit_test(test_large_stdin_through_cat),
            cmocka_unit_test(test_child_ignores_stdin),
            cmocka_unit_test(test_output_bounded),
            cmocka_unit_test(test_timeout_sends_sigterm),
            cmocka_unit_test(test_timeout_escalates_to_sigkill),
            cmocka_unit_test(test_background_grandchild),
            cmocka_unit_test(test_missing_program),
            cmocka_unit_test(test_not_executable),
            cmocka_unit_test(test_bad_arguments),
            cmocka_unit_test(test_no_leaked_descriptors),
            cmocka_unit_test(test_process_group_and_signals),
            cmocka_unit_test(test_environment),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
