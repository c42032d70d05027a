/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CLI as a script sees it: exit codes (0 success, 1 failure, 2 usage
 * or invalid description), where output goes, and that checking writes
 * nothing.
 */
#include <dirent.h>
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
        char *argv[10] = {(char *)hasan_bin()};
        struct exec_result r = {0};
        va_list ap;
        int n = 1;

        va_start(ap, arg);
        for (const char *a = arg; a && n < 9; a = va_arg(ap, const char *))
                argv[n++] = (char *)a;
        va_end(ap);
        argv[n] = NULL;
        assert_int_equal(exec_capture(argv, NULL, &r), 0);
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
        };
        return cmocka_run_group_tests_name("cli", tests, setup, NULL);
}
