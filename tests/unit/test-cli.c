/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CLI as a script sees it: exit codes (0 success, 1 failure, 2 usage
 * or invalid description), where output goes, and that checking writes
 * nothing.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "exec-util.h"
#include "tmpdir-util.h"

static char fixture_good[4096], fixture_broken[4096];

static int setup(void **state)
{
        const char *dir = getenv("HASAN_FIXTURES");
        snprintf(fixture_good, sizeof(fixture_good), "%s/spec/good.json",
                 dir ? dir : "tests/fixtures");
        snprintf(fixture_broken, sizeof(fixture_broken), "%s/spec/broken.json",
                 dir ? dir : "tests/fixtures");
        return 0;
}

/* Run hasan with up to 7 arguments; NULL-terminated. */
static struct exec_result run(const char *arg, ...)
{
        struct exec_result r = {0};
        va_list ap;

        va_start(ap, arg);
        assert_int_equal(exec_hasan_v(NULL, arg, ap, &r), 0);
        va_end(ap);
        return r;
}

static void test_no_arguments_is_usage_error(void **state)
{
        struct exec_result r = run(NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "usage: hasan COMMAND"));
        assert_string_equal(r.out, "");
        exec_result_clear(&r);
}

static void test_help_goes_to_stdout(void **state)
{
        struct exec_result r = run("help", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "spec check|show"));
        assert_non_null(strstr(r.out, "pool plan|create [OPTIONS]"));
        assert_string_equal(r.err, "");
        exec_result_clear(&r);

        r = run("--help", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "cred set|get|rm"));
        exec_result_clear(&r);

        r = run("spec", "--help", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "hasan spec check"));
        exec_result_clear(&r);
}

static void test_unknown_command(void **state)
{
        struct exec_result r = run("frobnicate", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "unrecognized command 'frobnicate'"));
        exec_result_clear(&r);
}

static void test_version(void **state)
{
        struct exec_result r = run("version", NULL);
        assert_int_equal(r.status, 0);
        assert_true(strncmp(r.out, "hasan ", 6) == 0);
        exec_result_clear(&r);

        r = run("version", "--json", NULL);
        assert_int_equal(r.status, 0);
        json_object *o = json_tokener_parse(r.out);
        assert_non_null(o);
        json_object *v;
        assert_true(json_object_object_get_ex(o, "version", &v));
        assert_true(strlen(json_object_get_string(v)) > 0);
        json_object_put(o);
        exec_result_clear(&r);

        r = run("version", "--bogus", NULL);
        assert_int_equal(r.status, 2);
        exec_result_clear(&r);
}

static void test_spec_check_valid(void **state)
{
        struct exec_result r = run("spec", "check", fixture_good, NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "");
        assert_string_equal(r.err, "");
        exec_result_clear(&r);
}

/* A sorted listing of a directory with sizes and mtimes, to prove nothing changed. */
static char *snapshot_dir(const char *dir)
{
        struct dirent **names;
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        int n = scandir(dir, &names, NULL, alphasort);

        assert_true(n >= 0);
        for (int i = 0; i < n; i++) {
                char path[8192];
                struct stat st;
                snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
                if (lstat(path, &st) == 0)
                        fprintf(f, "%s %lld %lld.%09ld\n", names[i]->d_name, (long long)st.st_size,
                                (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
                free(names[i]);
        }
        free(names);
        fclose(f);
        return buf;
}

static void test_spec_check_invalid_reports_every_path_and_writes_nothing(void **state)
{
        char dir[8192];
        snprintf(dir, sizeof(dir), "%s", fixture_broken);
        *strrchr(dir, '/') = '\0';
        char *before = snapshot_dir(dir);

        struct exec_result r = run("spec", "check", fixture_broken, NULL);
        assert_int_equal(r.status, 2);
        assert_string_equal(r.out, "");
        assert_non_null(
            strstr(r.err, "$.vlans.client[0].vip: 10.99.30.10 is outside VLAN 'enduser'"));
        assert_non_null(
            strstr(r.err, "$.nodes[1].disks.data: node 'storage-b' declares 3 data disks"));
        assert_non_null(
            strstr(r.err, "$.nodes[1].addresses.management: address '10.20.20.1' is already used"));
        assert_non_null(strstr(r.err, "$.nodes[2].disks: a quorum node carries no disks"));
        assert_non_null(strstr(r.err, "10 problems found"));
        exec_result_clear(&r);

        char *after = snapshot_dir(dir);
        assert_string_equal(before, after);
        free(before);
        free(after);
}

static void test_spec_check_json_report(void **state)
{
        struct exec_result r = run("spec", "check", "--json", fixture_broken, NULL);
        assert_int_equal(r.status, 2);
        json_object *o = json_tokener_parse(r.out), *v;
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "valid", &v));
        assert_false(json_object_get_boolean(v));
        assert_true(json_object_object_get_ex(o, "problems", &v));
        assert_int_equal(json_object_array_length(v), 10);
        json_object *first = json_object_array_get_idx(v, 0), *path;
        assert_true(json_object_object_get_ex(first, "path", &path));
        assert_string_equal(json_object_get_string(path), "$.colour");
        json_object_put(o);
        exec_result_clear(&r);

        r = run("spec", "check", "--json", fixture_good, NULL);
        assert_int_equal(r.status, 0);
        o = json_tokener_parse(r.out);
        assert_true(json_object_object_get_ex(o, "valid", &v));
        assert_true(json_object_get_boolean(v));
        json_object_put(o);
        exec_result_clear(&r);
}

static void test_spec_check_unreadable_is_failure(void **state)
{
        struct exec_result r = run("spec", "check", "/nonexistent/cluster.json", NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(
            r.err, "cannot read cluster description '/nonexistent/cluster.json': No such file"));
        exec_result_clear(&r);
}

static void test_spec_usage_errors(void **state)
{
        struct exec_result r = run("spec", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "missing spec verb"));
        exec_result_clear(&r);

        r = run("spec", "validate", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "unknown spec verb 'validate'"));
        exec_result_clear(&r);

        r = run("spec", "check", "a.json", "b.json", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "too many arguments"));
        exec_result_clear(&r);

        r = run("spec", "check", "--bogus", NULL);
        assert_int_equal(r.status, 2);
        exec_result_clear(&r);
}

static void test_spec_show(void **state)
{
        struct exec_result r = run("spec", "show", fixture_good, NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "cluster 'san'"));
        assert_non_null(strstr(r.out, "storage-a"));
        exec_result_clear(&r);

        r = run("spec", "show", "--json", fixture_good, NULL);
        assert_int_equal(r.status, 0);
        json_object *o = json_tokener_parse(r.out);
        assert_non_null(o);
        json_object_put(o);
        exec_result_clear(&r);

        r = run("spec", "show", fixture_broken, NULL);
        assert_int_equal(r.status, 2);
        assert_string_equal(r.out, "");
        exec_result_clear(&r);
}

static void test_hostid(void **state)
{
        char dir[] = "/tmp/hasan-test-hostid-XXXXXX", file[256];
        assert_non_null(mkdtemp(dir));
        snprintf(file, sizeof(file), "%s/hostid", dir);

        struct exec_result r = run("hostid", "show", "--file", file, NULL);
        assert_int_equal(r.status, 1);
        exec_result_clear(&r);

        /* Destructive without --yes: refused, nothing written. */
        r = run("hostid", "set", "5a4e0001", "--file", file, NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "--yes"));
        assert_int_equal(access(file, F_OK), -1);
        exec_result_clear(&r);

        r = run("hostid", "set", "--yes", "00000000", "--file", file, NULL);
        assert_int_equal(r.status, 2);
        exec_result_clear(&r);
        r = run("hostid", "set", "--yes", "5a4e01", "--file", file, NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "invalid hostid '5a4e01'"));
        exec_result_clear(&r);

        r = run("hostid", "set", "--yes", "5A4E0001", "--file", file, NULL);
        assert_int_equal(r.status, 0);
        exec_result_clear(&r);

        struct stat st;
        assert_int_equal(stat(file, &st), 0);
        assert_int_equal(st.st_size, 4);
        assert_int_equal(st.st_mode & 0777, 0644);

        r = run("hostid", "--file", file, NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "5a4e0001\n");
        exec_result_clear(&r);

        unlink(file);
        rmdir(dir);
}

/*
 * hasan pool runs against a stand-in zpool and zfs on PATH that log every
 * call: they answer discovery's questions (no such pool, none to import)
 * and would record any create, export or destroy.
 */
static char *fake_dir;
static char fake_calls[256];
static char *saved_path;

static int setup_fake_zfs(void **state)
{
        static const char *const tools[] = {"zpool", "zfs"};
        char path[512], *newpath = NULL;

        fake_dir = test_tmpdir_new("cli-pool");
        if (!fake_dir)
                return -1;
        snprintf(fake_calls, sizeof(fake_calls), "%s/calls", fake_dir);
        for (size_t i = 0; i < 2; i++) {
                char *script = NULL;
                int fd;

                snprintf(path, sizeof(path), "%s/%s", fake_dir, tools[i]);
                if (asprintf(&script,
                             "#!/bin/sh\n"
                             "echo \"%s $*\" >>'%s'\n"
                             "case \"%s $1\" in\n"
                             "'zpool list') echo \"cannot open '$6': no such pool\" >&2; exit 1;;\n"
                             "'zpool import') echo 'no pools available to import' >&2; exit 1;;\n"
                             "esac\n"
                             "exit 0\n",
                             tools[i], fake_calls, tools[i]) < 0)
                        return -1;
                fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
                if (fd < 0 || write(fd, script, strlen(script)) != (ssize_t)strlen(script))
                        return -1;
                close(fd);
                free(script);
        }
        saved_path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
        if (!saved_path || asprintf(&newpath, "%s:%s", fake_dir, saved_path) < 0)
                return -1;
        setenv("PATH", newpath, 1);
        free(newpath);
        return 0;
}

static int teardown_fake_zfs(void **state)
{
        int r;

        if (saved_path)
                setenv("PATH", saved_path, 1);
        free(saved_path);
        saved_path = NULL;
        r = test_tmpdir_remove(fake_dir);
        fake_dir = NULL;
        return r;
}

/* What the stand-ins were asked, "" when nothing. */
static char *fake_calls_log(void)
{
        char *buf = calloc(1, 65536);
        FILE *f = fopen(fake_calls, "re");

        assert_non_null(buf);
        if (f) {
                size_t n = fread(buf, 1, 65535, f);
                buf[n] = '\0';
                fclose(f);
        }
        return buf;
}

static void test_pool_create_without_yes_changes_nothing(void **state)
{
        struct exec_result r =
            run("pool", "create", "--config", fixture_good, "--node", "storage-a", NULL);
        char *calls;

        assert_int_equal(r.status, 2);
        assert_string_equal(r.out, "");
        assert_non_null(strstr(r.err, "cannot create pool 'san-pool': this needs --yes"));
        /* It says what it would do: the exact commands. */
        assert_non_null(strstr(r.err, "  zpool create -o multihost=on -o cachefile=none -o "
                                      "ashift=12 -o autotrim=on -O compression=lz4"));
        assert_non_null(strstr(r.err, " log mirror /dev/disk/by-vdev/storage-a-slog0 "
                                      "/dev/disk/by-vdev/storage-b-slog0\n"));
        assert_non_null(strstr(r.err, "  zfs create -V 100G -o volblocksize=64k "
                                      "san-pool/iscsi/vm-proxmox-a\n"));
        assert_non_null(strstr(r.err, "  zpool export san-pool\n"));
        exec_result_clear(&r);

        r = run("pool", "create", "--wipe", "--config", fixture_good, "--node", "storage-a", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "erase every signature"));
        assert_non_null(strstr(r.err, "'hasan pool create --yes --wipe'"));
        exec_result_clear(&r);

        /* Not even a question to ZFS. */
        calls = fake_calls_log();
        assert_string_equal(calls, "");
        free(calls);
}

static void test_pool_refuses_an_invalid_description(void **state)
{
        struct exec_result r = run("pool", "plan", "--config", fixture_broken, NULL);
        char *calls;

        assert_int_equal(r.status, 2);
        assert_string_equal(r.out, "");
        assert_non_null(strstr(r.err, "$.nodes[1].disks.data: node 'storage-b' declares 3 data"));
        assert_non_null(strstr(r.err, "cannot plan the pool: the cluster description"));
        assert_non_null(strstr(r.err, "has 10 problems"));
        exec_result_clear(&r);

        r = run("pool", "create", "--yes", "--wipe", "--config", fixture_broken, NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "cannot create the pool: the cluster description"));
        exec_result_clear(&r);

        r = run("pool", "plan", "--config", "/nonexistent/cluster.json", NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "cannot read cluster description '/nonexistent/"));
        exec_result_clear(&r);

        calls = fake_calls_log();
        assert_string_equal(calls, "");
        free(calls);
}

static void test_pool_plan_and_create_refuse_missing_disks(void **state)
{
        struct exec_result r =
            run("pool", "plan", "--config", fixture_good, "--node", "storage-a", NULL);
        json_object *o, *v;
        char *calls;

        /* This machine has none of the fixture's disks: a plan with problems, exit 1. */
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.out, "pool 'san-pool': storage-a's disks mirrored with "
                                      "storage-b's LUNs"));
        assert_non_null(strstr(r.out, "problems:\n"));
        assert_non_null(strstr(r.out, "storage-a's data disk 0 does not exist"));
        assert_non_null(strstr(r.out, "storage-b's LUN 4 (its slog disk 0) does not exist"));
        assert_non_null(strstr(r.out, "imported here      no\n"));
        assert_non_null(strstr(r.out, "  zpool export san-pool\n"));
        assert_non_null(strstr(r.out, "nothing can be created until they are fixed"));
        exec_result_clear(&r);

        r = run("pool", "plan", "--json", "--config", fixture_good, "--node", "storage-b", NULL);
        assert_int_equal(r.status, 1);
        o = json_tokener_parse(r.out);
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "clean", &v));
        assert_false(json_object_get_boolean(v));
        assert_true(json_object_object_get_ex(o, "peer", &v));
        assert_string_equal(json_object_get_string(v), "storage-a");
        assert_true(json_object_object_get_ex(o, "commands", &v));
        assert_int_equal(json_object_array_length(v), 13);
        assert_true(json_object_object_get_ex(o, "problems", &v));
        assert_true(json_object_array_length(v) >= 10);
        json_object_put(o);
        exec_result_clear(&r);

        r = run("pool", "create", "--yes", "--config", fixture_good, "--node", "storage-a", NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "cannot create pool 'san-pool' on storage-a:"));
        assert_non_null(strstr(r.err, "storage-a's data disk 0 does not exist"));
        exec_result_clear(&r);

        /* ZFS was asked questions, never told to do anything. */
        calls = fake_calls_log();
        assert_null(strstr(calls, "zpool create"));
        assert_null(strstr(calls, "zfs "));
        assert_null(strstr(calls, "destroy"));
        assert_non_null(strstr(calls, "zpool list -H -o name san-pool\n"));
        assert_non_null(strstr(calls, "zpool import -d /dev/disk/by-id -d /dev/disk/by-path\n"));
        free(calls);
}

static void test_pool_usage_errors(void **state)
{
        struct exec_result r = run("pool", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "missing pool verb"));
        exec_result_clear(&r);

        r = run("pool", "destroy", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "unknown pool verb 'destroy'"));
        exec_result_clear(&r);

        r = run("pool", "plan", "extra", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "unexpected argument 'extra' for 'pool plan'"));
        exec_result_clear(&r);

        r = run("pool", "--help", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "hasan pool create --yes"));
        exec_result_clear(&r);

        /* Options belong to their verb: --json is plan's, --yes is create's. */
        r = run("pool", "create", "--json", "--config", fixture_good, NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "unrecognized option '--json'"));
        exec_result_clear(&r);

        r = run("pool", "plan", "--yes", "--config", fixture_good, NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "unrecognized option '--yes'"));
        exec_result_clear(&r);

        r = run("pool", "create", "--help", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "hasan pool plan"));
        exec_result_clear(&r);

        r = run("pool", "plan", "--config", fixture_good, "--node", "quorum", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "'quorum' is a quorum node"));
        exec_result_clear(&r);

        r = run("pool", "plan", "--config", fixture_good, "--node", "storage-z", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "'storage-z' is not a node of"));
        exec_result_clear(&r);
}

/* hasan pool status: the judgement verify.yml and os-upgrade.yml read, on saved statuses. */
static void test_pool_status(void **state)
{
        const char *dir = getenv("HASAN_FIXTURES");
        char healthy[4096], degraded[4096], never[4096];
        json_object *o, *v, *m;
        struct exec_result r;

        snprintf(healthy, sizeof(healthy), "%s/health/online-scrubbed.json",
                 dir ? dir : "tests/fixtures");
        snprintf(degraded, sizeof(degraded), "%s/health/degraded.json",
                 dir ? dir : "tests/fixtures");
        snprintf(never, sizeof(never), "%s/health/never-scrubbed.json",
                 dir ? dir : "tests/fixtures");

        r = run("pool", "status", "--json", "--from", healthy, "--config", fixture_good, "--node",
                "storage-a", NULL);
        assert_int_equal(r.status, 0);
        o = json_tokener_parse(r.out);
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "healthy", &v) && json_object_get_boolean(v));
        assert_true(json_object_object_get_ex(o, "mirrors", &m));
        assert_int_equal(json_object_array_length(m), 2);
        v = json_object_array_get_idx(
            json_object_object_get(json_object_array_get_idx(m, 0), "halves"), 1);
        assert_string_equal(json_object_get_string(json_object_object_get(v, "half")), "remote");
        assert_string_equal(json_object_get_string(json_object_object_get(v, "node")), "storage-b");
        json_object_put(o);
        exec_result_clear(&r);

        /* DEGRADED: exit 1, and each missing half named in the problems. */
        r = run("pool", "status", "--json", "--from", degraded, "--config", fixture_good, "--node",
                "storage-b", NULL);
        assert_int_equal(r.status, 1);
        o = json_tokener_parse(r.out);
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "healthy", &v));
        assert_false(json_object_get_boolean(v));
        assert_true(json_object_object_get_ex(o, "problems", &v));
        assert_int_equal(json_object_array_length(v), 3);
        assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 1)),
                            "mirror-0: the remote half '/dev/disk/by-vdev/storage-a-data0-part1' "
                            "(storage-a's disk) is CANT_OPEN");
        json_object_put(o);
        exec_result_clear(&r);

        /* The scrub is judged only when asked for. */
        r = run("pool", "status", "--from", never, "--config", fixture_good, "--node", "storage-a",
                NULL);
        assert_int_equal(r.status, 0);
        exec_result_clear(&r);
        r = run("pool", "status", "--max-scrub-age", "35", "--from", never, "--config",
                fixture_good, "--node", "storage-a", NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.out, "problem: pool 'san-pool' has never been scrubbed"));
        exec_result_clear(&r);
        /* A scrub that ended before now is older than a day's limit only once a day has passed:
         * the capture's is from 2026-11-24. */
        r = run("pool", "status", "--max-scrub-age", "1", "--from", healthy, "--config",
                fixture_good, "--node", "storage-a", NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.out, "more than the maximum of 1 days"));
        exec_result_clear(&r);

        /* Not imported here (no such kstat on a test machine): nothing to judge, exit 0. */
        r = run("pool", "status", "--json", "--config", fixture_good, "--node", "storage-a", NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out,
                            "{\"pool\":\"san-pool\",\"node\":\"storage-a\",\"imported\":false,"
                            "\"problems\":[]}\n");
        exec_result_clear(&r);

        /* Refusals name what is wrong. */
        r = run("pool", "status", "--config", fixture_good, "--node", "quorum", NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "quorum is not a storage node"));
        exec_result_clear(&r);
        r = run("pool", "status", "--max-scrub-age", "0", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "invalid --max-scrub-age '0'"));
        exec_result_clear(&r);
        r = run("pool", "status", "--from", fixture_good, "--config", fixture_good, "--node",
                "storage-a", NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "has no status of pool 'san-pool'"));
        assert_string_equal(r.out, "");
        exec_result_clear(&r);
        r = run("pool", "status", "extra", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "unexpected argument 'extra' for 'pool status'"));
        exec_result_clear(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_no_arguments_is_usage_error),
            cmocka_unit_test(test_help_goes_to_stdout),
            cmocka_unit_test(test_unknown_command),
            cmocka_unit_test(test_version),
            cmocka_unit_test(test_spec_check_valid),
            cmocka_unit_test(test_spec_check_invalid_reports_every_path_and_writes_nothing),
            cmocka_unit_test(test_spec_check_json_report),
            cmocka_unit_test(test_spec_check_unreadable_is_failure),
            cmocka_unit_test(test_spec_usage_errors),
            cmocka_unit_test(test_spec_show),
            cmocka_unit_test(test_hostid),
            cmocka_unit_test_setup_teardown(test_pool_create_without_yes_changes_nothing,
                                            setup_fake_zfs, teardown_fake_zfs),
            cmocka_unit_test_setup_teardown(test_pool_refuses_an_invalid_description,
                                            setup_fake_zfs, teardown_fake_zfs),
            cmocka_unit_test_setup_teardown(test_pool_plan_and_create_refuse_missing_disks,
                                            setup_fake_zfs, teardown_fake_zfs),
            cmocka_unit_test(test_pool_usage_errors),
            cmocka_unit_test(test_pool_status),
        };
        return cmocka_run_group_tests_name("cli", tests, setup, NULL);
}
