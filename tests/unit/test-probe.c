/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan probe: the record format and the statistics (src/lib/probe-record.c),
 * then the built binary against a temporary file (run, verify, damage a
 * record, verify again), a stop by SIGTERM, the refusals, and, as root with
 * a loop device, O_DIRECT on a real block device.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/loop.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "exec-util.h"
#include "lib/probe-record.h"
#include "tmpdir-util.h"

static char *dir;

static int setup(void **state)
{
        dir = test_tmpdir_new("probe");
        return dir ? 0 : -1;
}

static int teardown(void **state)
{
        int r = test_tmpdir_remove(dir);

        dir = NULL;
        return r;
}

/* A fresh directory dir/name; returns its path (free it). */
static char *subdir(const char *name)
{
        char *p = NULL;
        assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
        assert_int_equal(mkdir(p, 0700), 0);
        return p;
}

static char *join(const char *a, const char *b)
{
        char *p = NULL;
        assert_true(asprintf(&p, "%s/%s", a, b) > 0);
        return p;
}

/* Run hasan with its arguments, NULL-terminated. */
static struct exec_result run(const char *arg, ...)
{
        struct exec_result r = {0};
        va_list ap;

        va_start(ap, arg);
        assert_int_equal(exec_hasan_v(NULL, arg, ap, &r), 0);
        va_end(ap);
        return r;
}

static bool exists(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0;
}

/* ---- records ------------------------------------------------------------ */

static void encode(uint64_t run_id, const char *name, uint64_t seq, uint8_t *buf)
{
        struct probe_record r = {.run_id = run_id, .seq = seq, .written_ns = 1700000000123456789};
        snprintf(r.name, sizeof(r.name), "%s", name);
        probe_record_encode(&r, buf);
}

static void test_record_round_trip(void **state)
{
        uint8_t buf[PROBE_RECORD_SIZE];
        struct probe_record got = {0};

        encode(0x1122334455667788, "nfs", 42, buf);
        assert_memory_equal(buf, PROBE_MAGIC, PROBE_MAGIC_SIZE);
        assert_int_equal(probe_record_check(buf, 0x1122334455667788, "nfs", 42, &got),
                         PROBE_RECORD_INTACT);
        assert_true(got.run_id == 0x1122334455667788);
        assert_int_equal(got.seq, 42);
        assert_true(got.written_ns == 1700000000123456789);
        assert_string_equal(got.name, "nfs");

        /* The payload depends on the sequence number: two records differ beyond the header. */
        uint8_t other[PROBE_RECORD_SIZE];
        encode(0x1122334455667788, "nfs", 43, other);
        assert_memory_not_equal(buf + 100, other + 100, 1000);

        /* A name of the longest length survives. */
        encode(7, "abcdefghijklmnopqrstuvwxyz01234", 0, buf);
        assert_int_equal(probe_record_check(buf, 7, "abcdefghijklmnopqrstuvwxyz01234", 0, &got),
                         PROBE_RECORD_INTACT);
        assert_string_equal(got.name, "abcdefghijklmnopqrstuvwxyz01234");
}

static void test_record_corruption(void **state)
{
        static const size_t positions[] = {0,  7,  8,  12,  16,   23,   24,   32,
                                           40, 71, 72, 100, 2048, 4063, 4064, 4095};
        uint8_t good[PROBE_RECORD_SIZE], buf[PROBE_RECORD_SIZE];

        encode(99, "iscsi", 5, good);
        for (size_t i = 0; i < sizeof(positions) / sizeof(positions[0]); i++) {
                memcpy(buf, good, sizeof(buf));
                buf[positions[i]] ^= 0x01;
                if (probe_record_check(buf, 99, "iscsi", 5, NULL) != PROBE_RECORD_CORRUPT)
                        fail_msg("a flipped bit at offset %zu went unnoticed", positions[i]);
        }
        /* A torn record: the second half of it is another record's. */
        encode(99, "iscsi", 6, buf);
        memcpy(buf, good, 2048);
        assert_int_equal(probe_record_check(buf, 99, "iscsi", 5, NULL), PROBE_RECORD_CORRUPT);
}

static void test_record_missing(void **state)
{
        uint8_t buf[PROBE_RECORD_SIZE];

        /* An earlier run's record never counts. */
        encode(1, "smb", 3, buf);
        assert_int_equal(probe_record_check(buf, 2, "smb", 3, NULL), PROBE_RECORD_MISSING);
        /* Nothing written. */
        memset(buf, 0, sizeof(buf));
        assert_int_equal(probe_record_check(buf, 2, "smb", 3, NULL), PROBE_RECORD_MISSING);
        /* Somebody else's data. */
        for (size_t i = 0; i < sizeof(buf); i++)
                buf[i] = (uint8_t)(i * 31 + 7);
        assert_int_equal(probe_record_check(buf, 2, "smb", 3, NULL), PROBE_RECORD_MISSING);
        /* An earlier run's record, damaged: still not this run's. */
        encode(1, "smb", 3, buf);
        buf[3000] ^= 0xff;
        assert_int_equal(probe_record_check(buf, 2, "smb", 3, NULL), PROBE_RECORD_MISSING);
}

static void test_record_misplaced(void **state)
{
        uint8_t buf[PROBE_RECORD_SIZE];

        /* This run's record where another one belongs: a misdirected write. */
        encode(5, "nfs", 10, buf);
        assert_int_equal(probe_record_check(buf, 5, "nfs", 11, NULL), PROBE_RECORD_CORRUPT);
        assert_int_equal(probe_record_check(buf, 5, "smb", 10, NULL), PROBE_RECORD_CORRUPT);
        assert_int_equal(probe_record_check(buf, 5, "nfs", 10, NULL), PROBE_RECORD_INTACT);
        assert_string_equal(probe_check_to_string(PROBE_RECORD_CORRUPT), "corrupt");
}

/* ---- ack log and statistics ---------------------------------------------- */

static void test_ack_line(void **state)
{
        struct probe_ack a = {17, 1700000000000000000, 1700000000012345678}, b = {0};
        char line[64];
        int n = probe_ack_format(&a, line, sizeof(line));

        assert_true(n > 0);
        assert_string_equal(line, "17 1700000000000000000 1700000000012345678\n");
        assert_int_equal(probe_ack_parse(line, &b), 0);
        assert_memory_equal(&a, &b, sizeof(a));
        assert_int_equal(probe_ack_parse("1 2 3", &b), 0);
        assert_int_equal(b.ack_ns, 3);
        assert_int_equal(probe_ack_format(&a, line, 10), -ENOBUFS);

        static const char *const bad[] = {
            "",       "1 2",       "1 2 3 4", "a 2 3",  "1  2 3",
            "-1 2 3", "1 2 3\n\n", " 1 2 3",  "1 2 3x", "18446744073709551616 0 0", /* 2^64 */
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (probe_ack_parse(bad[i], &b) != -EINVAL)
                        fail_msg("accepted ack line '%s'", bad[i]);
}

static void test_stats(void **state)
{
        /* Acks every 100 ns, then a 4000 ns outage between the 3rd and the 4th. */
        const struct probe_ack acks[] = {
            {0, 990, 1000}, {1, 1080, 1100}, {2, 1170, 1200}, {3, 5160, 5200}, {4, 5250, 5300},
        };
        struct probe_stats s;

        assert_int_equal(probe_stats_compute(acks, 5, 5350, &s), 0);
        assert_int_equal(s.acked, 5);
        assert_int_equal(s.first_ack_ns, 1000);
        assert_int_equal(s.last_ack_ns, 5300);
        assert_int_equal(s.gap_ns, 4000);
        assert_int_equal(s.gap_start_ns, 1200);
        assert_int_equal(s.gap_end_ns, 5200);
        assert_false(s.gap_open);
        /* Latencies 10 20 30 40 50: nearest rank. */
        assert_int_equal(s.p50_ns, 30);
        assert_int_equal(s.p99_ns, 50);
        assert_int_equal(s.max_latency_ns, 50);

        /* No acknowledgement after the last one until the run's end, longer
         * than any gap between two: that is the outage, and it never closed. */
        assert_int_equal(probe_stats_compute(acks, 5, 9400, &s), 0);
        assert_int_equal(s.gap_ns, 4100);
        assert_int_equal(s.gap_start_ns, 5300);
        assert_int_equal(s.gap_end_ns, 9400);
        assert_true(s.gap_open);

        /* A clock stepping back is neither a gap nor a latency. */
        const struct probe_ack back[] = {{0, 100, 200}, {1, 400, 150}, {2, 160, 170}};
        assert_int_equal(probe_stats_compute(back, 3, 0, &s), 0);
        assert_int_equal(s.gap_ns, 20);
        assert_int_equal(s.gap_start_ns, 150);
        assert_int_equal(s.p50_ns, 10);
        assert_int_equal(s.max_latency_ns, 100);

        /* One ack: no gap. None: all zero. */
        assert_int_equal(probe_stats_compute(acks, 1, 0, &s), 0);
        assert_int_equal(s.gap_ns, 0);
        assert_int_equal(s.p99_ns, 10);
        assert_int_equal(probe_stats_compute(NULL, 0, 0, &s), 0);
        assert_int_equal(s.acked, 0);
        assert_int_equal(s.p50_ns, 0);
}

static void test_percentile(void **state)
{
        uint64_t v[200];

        for (unsigned i = 0; i < 200; i++)
                v[i] = i + 1;
        assert_int_equal(probe_percentile(v, 100, 50), 50);
        assert_int_equal(probe_percentile(v, 100, 99), 99);
        assert_int_equal(probe_percentile(v, 100, 100), 100);
        assert_int_equal(probe_percentile(v, 200, 99), 198);
        assert_int_equal(probe_percentile(v, 1, 50), 1);
        assert_int_equal(probe_percentile(v, 1, 99), 1);
        assert_int_equal(probe_percentile(v, 0, 50), 0);
}

static void test_target_parse(void **state)
{
        char *name = NULL, *path = NULL;

        assert_int_equal(probe_target_parse("nfs=/mnt/nfs/probe", &name, &path), 0);
        assert_string_equal(name, "nfs");
        assert_string_equal(path, "/mnt/nfs/probe");
        free(name);
        free(path);
        assert_int_equal(probe_target_parse("a.b_c-1=/x=y", &name, &path), 0);
        assert_string_equal(name, "a.b_c-1");
        assert_string_equal(path, "/x=y");
        free(name);
        free(path);

        static const char *const bad[] = {
            "nfs",
            "=/p",
            "nfs=",
            ".hidden=/p",
            "a b=/p",
            "a/b=/p",
            "abcdefghijklmnopqrstuvwxyz012345=/p", /* 32 characters */
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                name = path = NULL;
                if (probe_target_parse(bad[i], &name, &path) != -EINVAL)
                        fail_msg("accepted target '%s'", bad[i]);
                assert_null(name);
        }
}

/* ---- the CLI ------------------------------------------------------------- */

static void expect_usage_error(struct exec_result r, const char *needle)
{
        if (r.status != 2 || !strstr(r.err, needle))
                fail_msg("expected exit 2 with '%s', got %d:\n%s", needle, r.status, r.err);
        exec_result_clear(&r);
}

static void test_cli_errors(void **state)
{
        char *st = subdir("cli"), *file = join(st, "t"), *tspec = NULL,
             *runjson = join(st, "run.json");
        char *missing = join(dir, "no-such-dir/probe"), *mspec = NULL, *other = join(st, "other");
        struct exec_result r;

        assert_true(asprintf(&tspec, "f=%s", file) > 0);
        assert_true(asprintf(&mspec, "m=%s", missing) > 0);

        expect_usage_error(run("probe", "run", "--bogus", "--state", st, "--target", tspec, NULL),
                           "--bogus");
        expect_usage_error(run("probe", "run", "--state", st, "--target", "nfs", NULL), "'nfs'");
        expect_usage_error(run("probe", "run", "--state", st, "--target", ".x=/tmp/y", NULL),
                           "'.x=/tmp/y'");
        expect_usage_error(
            run("probe", "run", "--state", st, "--target", tspec, "--target", tspec, NULL),
            "duplicate target name 'f'");
        expect_usage_error(run("probe", "run", "--state", st, "--target", mspec, NULL),
                           "no-such-dir");
        expect_usage_error(run("probe", "run", "--state", missing, "--target", tspec, NULL),
                           "no-such-dir/probe");
        expect_usage_error(run("probe", "run", "--target", tspec, NULL), "missing --state");
        expect_usage_error(run("probe", "run", "--state", st, NULL), "missing --target");
        expect_usage_error(
            run("probe", "run", "--state", st, "--target", tspec, "--interval-ms", "0", NULL),
            "'0'");
        expect_usage_error(
            run("probe", "run", "--state", st, "--target", tspec, "--duration", "1x", NULL),
            "'1x'");
        expect_usage_error(run("probe", "run", "--state", st, "--target", tspec, "stray", NULL),
                           "'stray'");
        /* 10 s at 100 ms is 101 records: they do not fit in 50. */
        expect_usage_error(run("probe", "run", "--state", st, "--target", tspec, "--duration", "10",
                               "--max-records", "50", NULL),
                           "101 records planned, room for 50");
        expect_usage_error(run("probe", "frobnicate", NULL), "unknown probe verb 'frobnicate'");
        expect_usage_error(run("probe", "verify", NULL), "missing --state");

        /* Two names, one file. */
        char *alias = NULL;
        assert_true(asprintf(&alias, "g=%s/../cli/t", st) > 0);
        int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        close(fd);
        expect_usage_error(
            run("probe", "run", "--state", st, "--target", tspec, "--target", alias, NULL),
            "targets 'f' and 'g' are the same");
        unlink(file);
        free(alias);

        /* A file holding somebody's data is not overwritten without --destroy-data. */
        char *ospec = NULL;
        assert_true(asprintf(&ospec, "o=%s", other) > 0);
        fd = open(other, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "precious", 8), 8);
        close(fd);
        expect_usage_error(run("probe", "run", "--state", st, "--target", ospec, NULL),
                           "--destroy-data");
        free(ospec);

        /* None of that wrote anything. */
        assert_false(exists(file));
        assert_false(exists(runjson));

        r = run("probe", "verify", "--state", st, NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "no probe run recorded"));
        exec_result_clear(&r);

        r = run("probe", "--help", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "hasan probe verify"));
        exec_result_clear(&r);
        r = run("help", NULL);
        assert_non_null(strstr(r.out, "probe run|verify"));
        exec_result_clear(&r);

        free(st);
        free(file);
        free(tspec);
        free(runjson);
        free(missing);
        free(mspec);
        free(other);
}

static json_object *parse_json(const char *s)
{
        json_object *o = json_tokener_parse(s);
        if (!o)
                fail_msg("not JSON: %s", s);
        return o;
}

static json_object *first_target(json_object *o)
{
        json_object *ts;
        assert_true(json_object_object_get_ex(o, "targets", &ts));
        assert_true(json_object_array_length(ts) >= 1);
        return json_object_array_get_idx(ts, 0);
}

static int64_t member_int(json_object *o, const char *key)
{
        json_object *x;
        if (!json_object_object_get_ex(o, key, &x))
                fail_msg("no member '%s'", key);
        return json_object_get_int64(x);
}

static void patch(const char *path, off_t offset, const void *data, size_t size)
{
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(pwrite(fd, data, size, offset), (ssize_t)size);
        assert_int_equal(fsync(fd), 0);
        close(fd);
}

static void test_e2e_file(void **state)
{
        char *st = subdir("e2e"), *file = join(st, "target"), *spec = NULL;
        struct exec_result r;
        json_object *o, *t;
        int64_t acked;

        assert_true(asprintf(&spec, "disk0=%s", file) > 0);
        r = run("probe", "run", "--state", st, "--target", spec, "--duration", "1", "--interval-ms",
                "20", "--json", NULL);
        if (r.status != 0)
                fail_msg("probe run failed (%d):\n%s", r.status, r.err);
        o = parse_json(r.out);
        t = first_target(o);
        acked = member_int(t, "acknowledged");
        /* 1 s at 20 ms: about 50, far more than 10 even on a slow machine. */
        if (acked < 10 || acked > 52)
                fail_msg("%" PRId64 " records acknowledged in 1 s at 20 ms", acked);
        assert_int_equal(member_int(t, "errors"), 0);
        json_object_put(o);
        exec_result_clear(&r);

        r = run("probe", "verify", "--state", st, "--json", NULL);
        if (r.status != 0)
                fail_msg("verify failed (%d):\n%s%s", r.status, r.out, r.err);
        o = parse_json(r.out);
        t = first_target(o);
        assert_int_equal(member_int(t, "acknowledged"), acked);
        assert_int_equal(member_int(t, "intact"), acked);
        assert_int_equal(member_int(t, "missing"), 0);
        assert_int_equal(member_int(t, "corrupt"), 0);
        json_object_put(o);
        exec_result_clear(&r);

        /* The text report too. */
        r = run("probe", "verify", "--state", st, NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "disk0"));
        assert_non_null(strstr(r.out, "every acknowledged record is intact"));
        exec_result_clear(&r);

        /* Damage record 3 (one byte of its payload) and blank record 5. */
        uint8_t zero[PROBE_RECORD_SIZE] = {0};
        patch(file, 3 * PROBE_RECORD_SIZE + 200, "\xa5", 1);
        patch(file, 5 * PROBE_RECORD_SIZE, zero, sizeof(zero));

        r = run("probe", "verify", "--state", st, NULL);
        assert_int_equal(r.status, 1);
        if (!strstr(r.err, "'disk0': record 3 at offset 12288: corrupt"))
                fail_msg("record 3 not named:\n%s", r.err);
        if (!strstr(r.err, "'disk0': record 5 at offset 20480: missing"))
                fail_msg("record 5 not named:\n%s", r.err);
        assert_non_null(strstr(r.out, "FAILED"));
        exec_result_clear(&r);

        r = run("probe", "verify", "--state", st, "--json", NULL);
        assert_int_equal(r.status, 1);
        o = parse_json(r.out);
        t = first_target(o);
        assert_int_equal(member_int(t, "intact"), acked - 2);
        assert_int_equal(member_int(t, "corrupt"), 1);
        assert_int_equal(member_int(t, "missing"), 1);
        json_object *bad, *ok;
        assert_true(json_object_object_get_ex(t, "bad", &bad));
        assert_int_equal(json_object_array_length(bad), 2);
        assert_int_equal(member_int(json_object_array_get_idx(bad, 0), "seq"), 3);
        assert_true(json_object_object_get_ex(o, "ok", &ok));
        assert_false(json_object_get_boolean(ok));
        json_object_put(o);
        exec_result_clear(&r);

        /* A second run over the same file: the old records do not count for it. */
        r = run("probe", "run", "--state", st, "--target", spec, "--duration", "1", "--interval-ms",
                "50", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "stopped by duration"));
        exec_result_clear(&r);
        r = run("probe", "verify", "--state", st, NULL);
        assert_int_equal(r.status, 0);
        exec_result_clear(&r);

        free(st);
        free(file);
        free(spec);
}

/* Lines in a file, 0 if it does not exist. */
static unsigned count_lines(const char *path)
{
        FILE *f = fopen(path, "re");
        unsigned n = 0;
        int c;

        if (!f)
                return 0;
        while ((c = fgetc(f)) != EOF)
                n += c == '\n';
        fclose(f);
        return n;
}

/* Start hasan in the background, stdout and stderr to files. */
static pid_t spawn(const char *out, const char *err, char *const argv[])
{
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
                int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
                        _exit(127);
                execv(argv[0], argv);
                _exit(127);
        }
        return pid;
}

/*
 * Run the probe on a file target in a state directory NAME until it has
 * acknowledged a few records (it takes signals by then), send it SIG and
 * return its wait status; the state directory and its target's
 * acknowledgement log in *st_ret and *acks_ret.
 */
static int probe_until_signal(const char *name, int sig, char **st_ret, char **acks_ret)
{
        char *st = subdir(name), *file = join(st, "target"), *spec = NULL, *out = NULL, *err = NULL;
        char *acks = join(st, "bg.acks");
        int status;
        pid_t pid;

        assert_true(asprintf(&spec, "bg=%s", file) > 0);
        assert_true(asprintf(&out, "%s/%s.out", dir, name) > 0);
        assert_true(asprintf(&err, "%s/%s.err", dir, name) > 0);
        pid = spawn(out, err,
                    (char *const[]){(char *)hasan_bin(), "probe", "run", "--state", st, "--target",
                                    spec, "--duration", "600", "--interval-ms", "10", NULL});
        for (int i = 0; i < 1000 && count_lines(acks) < 5; i++)
                usleep(10000);
        assert_true(count_lines(acks) >= 5);
        assert_int_equal(kill(pid, sig), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        free(file);
        free(spec);
        free(out);
        free(err);
        *st_ret = st;
        *acks_ret = acks;
        return status;
}

static void test_e2e_sigterm(void **state)
{
        char *st, *acks;
        int status = probe_until_signal("sig", SIGTERM, &st, &acks);

        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        struct exec_result r = run("probe", "verify", "--state", st, "--json", NULL);
        if (r.status != 0)
                fail_msg("verify after SIGTERM failed:\n%s", r.err);
        json_object *o = parse_json(r.out), *t = first_target(o);
        assert_int_equal(member_int(t, "intact"), count_lines(acks));
        json_object_put(o);
        exec_result_clear(&r);
        free(st);
        free(acks);
}

/* A tmpfs mounted by test_write_errors_retried, unmounted whatever happens. */
static char *small_mount;

static int unmount_small(void **state)
{
        if (small_mount) {
                (void)umount2(small_mount, MNT_DETACH);
                free(small_mount);
                small_mount = NULL;
        }
        return 0;
}

static char *slurp(const char *path)
{
        FILE *f = fopen(path, "re");
        char *data = calloc(1, 65536);
        assert_non_null(f);
        assert_non_null(data);
        size_t n = fread(data, 1, 65535, f);
        data[n] = '\0';
        fclose(f);
        return data;
}

/*
 * A run killed without its stop recorded: verify cannot show that the
 * target wrote again after its last acknowledgement, so the outage is
 * open and runs until the verification.
 */
static void test_e2e_sigkill(void **state)
{
        char *st, *acks;
        int status = probe_until_signal("kill", SIGKILL, &st, &acks);

        assert_true(WIFSIGNALED(status));
        /* Longer than any gap between the 10 ms writes before the kill. */
        usleep(1500000);
        struct exec_result r = run("probe", "verify", "--state", st, "--json", NULL);
        if (r.status != 0)
                fail_msg("verify after SIGKILL failed:\n%s", r.err);
        assert_non_null(strstr(r.err, "has not stopped"));
        json_object *o = parse_json(r.out), *t = first_target(o), *open = NULL;
        assert_int_equal(member_int(t, "intact"), count_lines(acks));
        assert_true(json_object_object_get_ex(t, "outage_open", &open));
        assert_true(json_object_get_boolean(open));
        assert_true(member_int(t, "outage_ms") >= 1500);
        json_object_put(o);
        exec_result_clear(&r);
        free(st);
        free(acks);
}

/*
 * A file system that runs full: writes fail (ENOSPC) and are retried, same
 * record, until room is made; the wait shows as the outage, and nothing
 * acknowledged is lost.
 */
static void test_write_errors_retried(void **state)
{
        char *st = subdir("enospc"), *spec = NULL, *filler = NULL, *acks = join(st, "tmp.acks");
        char *out = join(dir, "enospc.out"), *err = join(dir, "enospc.err");
        static char buf[96 * 1024];
        int fd, status;

        small_mount = subdir("small");
        if (geteuid() != 0 || mount("tmpfs", small_mount, "tmpfs", 0, "size=128k") < 0) {
                print_message("needs root to mount a small tmpfs; skipped\n");
                free(small_mount);
                small_mount = NULL;
                free(st);
                free(acks);
                free(out);
                free(err);
                skip();
                return;
        }
        /* 128 KiB, 96 of them taken: room for 8 records. */
        filler = join(small_mount, "filler");
        fd = open(filler, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        memset(buf, 0x42, sizeof(buf));
        assert_int_equal(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
        close(fd);
        assert_true(asprintf(&spec, "tmp=%s/target", small_mount) > 0);

        char *argv[] = {
            (char *)hasan_bin(), "probe", "run",           "--state", st,       "--target", spec,
            "--duration",        "3",     "--interval-ms", "20",      "--json", NULL};
        pid_t pid = spawn(out, err, argv);

        for (int i = 0; i < 1000 && count_lines(acks) < 8; i++)
                usleep(10000);
        usleep(500000);
        /* Full: record 8 keeps failing. */
        assert_int_equal(count_lines(acks), 8);
        assert_int_equal(unlink(filler), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        char *text = slurp(err), *json = slurp(out);
        if (WEXITSTATUS(status) != 0)
                fail_msg("probe run failed (%d):\n%s", WEXITSTATUS(status), text);
        if (!strstr(text, "'tmp': cannot write record 8: No space left on device; retrying") ||
            !strstr(text, "'tmp': record 8 written after"))
                fail_msg("the retries were not reported:\n%s", text);

        json_object *o = parse_json(json), *t = first_target(o), *x;
        assert_true(member_int(t, "errors") > 0);
        assert_true(member_int(t, "acknowledged") > 8);
        assert_true(json_object_object_get_ex(t, "outage_ms", &x));
        if (json_object_get_double(x) < 450.0)
                fail_msg("outage of %.1f ms, the writes failed for more than 500 ms",
                         json_object_get_double(x));
        json_object_put(o);

        struct exec_result r = run("probe", "verify", "--state", st, NULL);
        if (r.status != 0)
                fail_msg("verify failed:\n%s%s", r.out, r.err);
        exec_result_clear(&r);

        free(text);
        free(json);
        free(st);
        free(spec);
        free(filler);
        free(acks);
        free(out);
        free(err);
}

/* ---- block devices -------------------------------------------------------- */

/* Attach image to a free loop device. Returns its fd (path in ret) or -1 to skip. */
static int loop_attach(const char *image, char ret[64])
{
        int ctl, n, img, fd = -1;

        if (geteuid() != 0 || access("/dev/loop-control", F_OK) < 0)
                return -1;
        ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
        img = open(image, O_RDWR | O_CLOEXEC);
        if (ctl < 0 || img < 0)
                goto out;
        for (int attempt = 0; attempt < 5 && fd < 0; attempt++) {
                n = ioctl(ctl, LOOP_CTL_GET_FREE);
                if (n < 0)
                        break;
                snprintf(ret, 64, "/dev/loop%d", n);
                fd = open(ret, O_RDWR | O_CLOEXEC);
                if (fd < 0)
                        break; /* no node for it in this /dev */
                if (ioctl(fd, LOOP_SET_FD, img) < 0) {
                        close(fd);
                        fd = -1;
                }
        }
out:
        if (ctl >= 0)
                close(ctl);
        if (img >= 0)
                close(img);
        return fd;
}

static void loop_detach(int fd)
{
        (void)ioctl(fd, LOOP_CLR_FD, 0);
        close(fd);
}

/* The loop device a test attached, detached even when the test fails. */
static int attached_loop = -1;

static int detach_loop(void **state)
{
        if (attached_loop >= 0)
                loop_detach(attached_loop);
        attached_loop = -1;
        return 0;
}

static char *make_image(const char *name, size_t size)
{
        char *p = join(dir, name);
        int fd = open(p, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t)size), 0);
        close(fd);
        return p;
}

static bool all_zero(const char *path, size_t size)
{
        uint8_t buf[4096];
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        bool zero = fd >= 0;

        for (size_t off = 0; zero && off < size; off += sizeof(buf)) {
                if (pread(fd, buf, sizeof(buf), (off_t)off) != (ssize_t)sizeof(buf))
                        zero = false;
                for (size_t i = 0; zero && i < sizeof(buf); i++)
                        zero = buf[i] == 0;
        }
        if (fd >= 0)
                close(fd);
        return zero;
}

static void test_block_refused(void **state)
{
        char *img = make_image("refuse.img", 1u << 20), *st = subdir("refuse"), *spec = NULL;
        char dev[64] = "";
        int loop = loop_attach(img, dev);

        attached_loop = loop;

        if (loop < 0) {
                /*
                 * Not root: any block device will do, the user cannot write it
                 * anyway, and the refusal comes before any open for writing.
                 */
                FILE *f = popen("ls /sys/class/block 2>/dev/null | head -n 1", "re");
                char name[48] = "";
                if (f) {
                        if (!fgets(name, sizeof(name), f))
                                name[0] = '\0';
                        pclose(f);
                }
                name[strcspn(name, "\n")] = '\0';
                snprintf(dev, sizeof(dev), "/dev/%s", name);
                struct stat sb;
                if (!name[0] || stat(dev, &sb) < 0 || !S_ISBLK(sb.st_mode)) {
                        print_message("no block device to try the refusal on, skipped\n");
                        free(img);
                        free(st);
                        skip();
                        return;
                        return;
                }
        }
        assert_true(asprintf(&spec, "lun=%s", dev) > 0);
        expect_usage_error(
            run("probe", "run", "--state", st, "--target", spec, "--duration", "1", NULL),
            "--destroy-data");
        if (loop >= 0) {
                assert_true(all_zero(img, 1u << 20));
        }
        free(img);
        free(st);
        free(spec);
}

static void test_loop_direct(void **state)
{
        const size_t size = 1u << 20; /* 256 records */
        char *img = make_image("loop.img", size), *st = subdir("loop"), *spec = NULL;
        char dev[64] = "";
        int loop = loop_attach(img, dev);

        attached_loop = loop;
        struct exec_result r;

        if (loop < 0) {
                print_message("needs root, /dev/loop-control and a free loop device; skipped\n");
                free(img);
                free(st);
                skip();
                return;
        }
        assert_true(asprintf(&spec, "lun=%s", dev) > 0);

        /* More records than the device holds. */
        expect_usage_error(run("probe", "run", "--state", st, "--target", spec, "--destroy-data",
                               "--max-records", "257", NULL),
                           "would overflow");
        expect_usage_error(run("probe", "run", "--state", st, "--target", spec, "--destroy-data",
                               "--duration", "30", "--interval-ms", "100", NULL),
                           "301 records planned, room for 256");
        assert_true(all_zero(img, size));

        r = run("probe", "run", "--state", st, "--target", spec, "--destroy-data", "--duration",
                "1", "--interval-ms", "20", "--json", NULL);
        if (r.status != 0)
                fail_msg("probe run on %s failed (%d):\n%s", dev, r.status, r.err);
        json_object *o = parse_json(r.out), *t = first_target(o), *x;
        assert_true(json_object_object_get_ex(t, "kind", &x));
        assert_string_equal(json_object_get_string(x), "block");
        assert_true(json_object_object_get_ex(t, "direct", &x));
        assert_true(json_object_get_boolean(x));
        int64_t acked = member_int(t, "acknowledged");
        assert_true(acked >= 10);
        json_object_put(o);
        exec_result_clear(&r);

        r = run("probe", "verify", "--state", st, "--json", NULL);
        if (r.status != 0)
                fail_msg("verify of %s failed:\n%s", dev, r.err);
        o = parse_json(r.out);
        assert_int_equal(member_int(first_target(o), "intact"), acked);
        json_object_put(o);
        exec_result_clear(&r);

        /* Damage record 2 on the device, behind the page cache: verify sees it. */
        patch(dev, 2 * PROBE_RECORD_SIZE + 4000, "\x5a", 1);
        r = run("probe", "verify", "--state", st, NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "'lun': record 2 at offset 8192: corrupt"));
        exec_result_clear(&r);

        free(img);
        free(st);
        free(spec);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_record_round_trip),
            cmocka_unit_test(test_record_corruption),
            cmocka_unit_test(test_record_missing),
            cmocka_unit_test(test_record_misplaced),
            cmocka_unit_test(test_ack_line),
            cmocka_unit_test(test_stats),
            cmocka_unit_test(test_percentile),
            cmocka_unit_test(test_target_parse),
            cmocka_unit_test(test_cli_errors),
            cmocka_unit_test(test_e2e_file),
            cmocka_unit_test(test_e2e_sigterm),
            cmocka_unit_test(test_e2e_sigkill),
            cmocka_unit_test_teardown(test_write_errors_retried, unmount_small),
            cmocka_unit_test_teardown(test_block_refused, detach_loop),
            cmocka_unit_test_teardown(test_loop_direct, detach_loop),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
