/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The standby guard: every input of its decision function, the crm_mon
 * parsing it relies on, and (for the exec plumbing only) "hasan
 * standby-guard" run against stand-ins for crm_node, crm_attribute and
 * crm_mon placed first on PATH. Whether the real Pacemaker tools behave as
 * the stand-ins do is checked by tests/cluster/run against a CIB file and
 * in the lab.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
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

#include "exec-util.h"
#include "lib/standby.h"
#include "shared/parse.h"
#include "shared/fileio.h"

/* ---- the decision ---- */

static void test_plan_stop(void **state)
{
        const unsigned all =
            STANDBY_ACTION_SET_MARKER | STANDBY_ACTION_SET_STANDBY | STANDBY_ACTION_WAIT_DRAINED;

        /* Not in standby: mark, standby, wait. A stale marker changes nothing. */
        assert_int_equal(standby_guard_plan(STANDBY_GUARD_STOP, false, false), all);
        assert_int_equal(standby_guard_plan(STANDBY_GUARD_STOP, false, true), all);
        /* In standby already, by hand or by us: leave everything as it is. */
        assert_int_equal(standby_guard_plan(STANDBY_GUARD_STOP, true, false), 0);
        assert_int_equal(standby_guard_plan(STANDBY_GUARD_STOP, true, true), 0);
}

static void test_plan_start(void **state)
{
        /* Our standby: lift it, then drop the marker. */
        assert_int_equal(standby_guard_plan(STANDBY_GUARD_START, true, true),
                         STANDBY_ACTION_CLEAR_STANDBY | STANDBY_ACTION_CLEAR_MARKER);
        /* The operator's standby (no marker) is never undone. */
        assert_int_equal(standby_guard_plan(STANDBY_GUARD_START, true, false), 0);
        /* Someone lifted our standby already: only the marker goes. */
        assert_int_equal(standby_guard_plan(STANDBY_GUARD_START, false, true),
                         STANDBY_ACTION_CLEAR_MARKER);
        assert_int_equal(standby_guard_plan(STANDBY_GUARD_START, false, false), 0);
}

static void test_plan_invalid_verb(void **state)
{
        assert_int_equal(standby_guard_plan(_STANDBY_GUARD_VERB_INVALID, false, true), 0);
        assert_int_equal(standby_guard_plan(_STANDBY_GUARD_VERB_MAX, false, false), 0);
}

static void test_value_is_true(void **state)
{
        const char *yes[] = {"on", "ON", "yes", "y", "true", "True", "1"};
        const char *no[] = {"off", "no", "false", "0", "", "onn", "2", " on"};

        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
                assert_true(pcmk_value_is_true(yes[i]));
        for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
                assert_false(pcmk_value_is_true(no[i]));
        assert_false(pcmk_value_is_true(NULL));
}

/* ---- crm_mon --output-as=xml ---- */

static const char crm_mon_xml[] =
    "<pacemaker-result api-version=\"2.25\" request=\"crm_mon --one-shot --output-as=xml\">\n"
    "  <summary>\n"
    "    <current_dc present=\"true\" name=\"storage-a\" with_quorum=\"true\"/>\n"
    "  </summary>\n"
    "  <nodes>\n"
    "    <node name=\"storage-a\" id=\"1\" online=\"true\" standby=\"false\" pending=\"false\" "
    "resources_running=\"2\" type=\"member\"/>\n"
    "    <node name=\"storage-b\" id=\"2\" online=\"false\" standby=\"false\" "
    "pending=\"false\" resources_running=\"0\" type=\"member\"/>\n"
    "    <node name=\"quorum\" id=\"3\" online=\"true\" standby=\"false\" pending=\"true\" "
    "resources_running=\"1\" type=\"member\"/>\n"
    "  </nodes>\n"
    "  <resources>\n"
    "    <resource id=\"pool\" resource_agent=\"ocf:pacemaker:Dummy\" active=\"true\">\n"
    "      <node name=\"storage-c\" id=\"4\" cached=\"true\"/>\n"
    "    </resource>\n"
    "  </resources>\n"
    "</pacemaker-result>\n";

static void test_crm_mon_nodes(void **state)
{
        struct crm_mon_node n;

        assert_int_equal(crm_mon_find_node(crm_mon_xml, "storage-a", &n), 0);
        assert_true(n.online);
        assert_false(n.pending);
        assert_int_equal(n.resources_running, 2);

        assert_int_equal(crm_mon_find_node(crm_mon_xml, "storage-b", &n), 0);
        assert_false(n.online);
        assert_int_equal(n.resources_running, 0);

        assert_int_equal(crm_mon_find_node(crm_mon_xml, "quorum", &n), 0);
        assert_true(n.online);
        assert_true(n.pending);
        assert_int_equal(n.resources_running, 1);

        /* A name only seen inside <resources> is not a node; nor is a prefix. */
        assert_int_equal(crm_mon_find_node(crm_mon_xml, "storage-c", &n), -ENOENT);
        assert_int_equal(crm_mon_find_node(crm_mon_xml, "storage", &n), -ENOENT);
}

static void test_crm_mon_malformed(void **state)
{
        struct crm_mon_node n;

        assert_int_equal(crm_mon_find_node("", "storage-a", &n), -EBADMSG);
        assert_int_equal(
            crm_mon_find_node("<pacemaker-result><nodes/></pacemaker-result>", "storage-a", &n),
            -ENOENT);
        /* "uname" is not "name". */
        assert_int_equal(crm_mon_find_node("<nodes><node uname=\"storage-a\" online=\"true\" "
                                           "resources_running=\"0\"/></nodes>",
                                           "storage-a", &n),
                         -ENOENT);
        assert_int_equal(crm_mon_find_node("<nodes><node name=\"storage-a\" online=\"true\"/>"
                                           "</nodes>",
                                           "storage-a", &n),
                         -EBADMSG);
        assert_int_equal(crm_mon_find_node("<nodes><node name=\"storage-a\" online=\"true\" "
                                           "resources_running=\"-1\"/></nodes>",
                                           "storage-a", &n),
                         -EBADMSG);
        assert_int_equal(
            crm_mon_find_node("<nodes><node name=\"storage-a\" online=\"true", "storage-a", &n),
            -EBADMSG);
}

/* ---- exec plumbing, with stand-ins for the Pacemaker tools ---- */

/*
 * The stand-ins keep node attributes as files "<dir>/attr.<name>.<lifetime>"
 * and append each call to <dir>/calls. crm_mon reports <dir>/running
 * resources on storage-a and drains them (running=0) once standby=on is set.
 */
static const char fake_crm_node[] = "#!/bin/sh\n"
                                    "echo \"crm_node $*\" >>\"$FAKE_DIR/calls\"\n"
                                    "echo storage-a\n";

static const char fake_crm_attribute[] =
    "#!/bin/sh\n"
    "echo \"crm_attribute $*\" >>\"$FAKE_DIR/calls\"\n"
    "node= name= lifetime=forever op= value= dflt=\n"
    "while [ $# -gt 0 ]; do\n"
    "  case $1 in\n"
    "  --node) node=$2; shift ;;\n"
    "  --name) name=$2; shift ;;\n"
    "  --lifetime) lifetime=$2; shift ;;\n"
    "  --default) dflt=$2; shift ;;\n"
    "  --update) op=update; value=$2; shift ;;\n"
    "  --query) op=query ;;\n"
    "  --delete) op=delete ;;\n"
    "  --quiet) ;;\n"
    "  *) echo \"unexpected $1\" >&2; exit 64 ;;\n"
    "  esac\n"
    "  shift\n"
    "done\n"
    "[ \"$node\" = storage-a ] || { echo \"no node $node\" >&2; exit 105; }\n"
    "f=$FAKE_DIR/attr.$name.$lifetime\n"
    "case $op in\n"
    "update) echo \"$value\" >\"$f\" ;;\n"
    "delete) rm -f \"$f\" ;;\n"
    "query) if [ -f \"$f\" ]; then cat \"$f\"; elif [ -n \"$dflt\" ]; then echo \"$dflt\"; "
    "else exit 105; fi ;;\n"
    "*) exit 64 ;;\n"
    "esac\n";

static const char fake_crm_mon[] =
    "#!/bin/sh\n"
    "echo \"crm_mon $*\" >>\"$FAKE_DIR/calls\"\n"
    "n=$(cat \"$FAKE_DIR/running\")\n"
    "online=$(cat \"$FAKE_DIR/online\")\n"
    "echo \"<pacemaker-result><nodes><node name=\\\"storage-a\\\" online=\\\"$online\\\" "
    "pending=\\\"false\\\" resources_running=\\\"$n\\\"/></nodes></pacemaker-result>\"\n"
    "if [ \"$(cat \"$FAKE_DIR/attr.standby.forever\" 2>/dev/null)\" = on ] && "
    "[ ! -f \"$FAKE_DIR/stuck\" ]; then echo 0 >\"$FAKE_DIR/running\"; fi\n";

struct fake {
        char dir[PATH_MAX];
        char path_env[PATH_MAX * 2];
        char *saved_path;
};

static void put(const char *dir, const char *name, const char *content, mode_t mode)
{
        char p[PATH_MAX + 64];

        snprintf(p, sizeof(p), "%s/%s", dir, name);
        assert_int_equal(write_file_atomic(p, content, strlen(content), mode), 0);
}

static char *get(const struct fake *f, const char *name)
{
        char p[PATH_MAX + 64], *data = NULL;
        size_t size;

        snprintf(p, sizeof(p), "%s/%s", f->dir, name);
        if (read_full_file(p, &data, &size) < 0)
                return NULL;
        return data;
}

static int fake_setup(void **state)
{
        struct fake *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        snprintf(f->dir, sizeof(f->dir), "/tmp/hasan-test-standby.XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        put(f->dir, "crm_node", fake_crm_node, 0755);
        put(f->dir, "crm_attribute", fake_crm_attribute, 0755);
        put(f->dir, "crm_mon", fake_crm_mon, 0755);
        put(f->dir, "running", "2\n", 0644);
        put(f->dir, "online", "true\n", 0644);
        put(f->dir, "calls", "", 0644);

        const char *path = getenv("PATH");
        f->saved_path = strdup(path ? path : "/usr/bin:/bin");
        assert_non_null(f->saved_path);
        snprintf(f->path_env, sizeof(f->path_env), "%s:%s", f->dir, f->saved_path);
        assert_int_equal(setenv("PATH", f->path_env, 1), 0);
        assert_int_equal(setenv("FAKE_DIR", f->dir, 1), 0);
        *state = f;
        return 0;
}

static int fake_teardown(void **state)
{
        struct fake *f = *state;
        const char *names[] = {"crm_node",
                               "crm_attribute",
                               "crm_mon",
                               "running",
                               "online",
                               "calls",
                               "stuck",
                               "attr.standby.forever",
                               "attr.standby.reboot",
                               "attr.hasan-auto-standby.forever"};
        char p[PATH_MAX + 64];

        setenv("PATH", f->saved_path, 1);
        unsetenv("FAKE_DIR");
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                snprintf(p, sizeof(p), "%s/%s", f->dir, names[i]);
                unlink(p);
        }
        rmdir(f->dir);
        free(f->saved_path);
        free(f);
        return 0;
}

static struct exec_result guard(const char *verb, const char *extra)
{
        char *argv[6] = {
            (char *)hasan_bin(), "standby-guard", (char *)verb, "--timeout", "5", NULL};
        char *argv_extra[7] = {argv[0], argv[1], argv[2], argv[3], argv[4], (char *)extra, NULL};
        struct exec_result r = {0};

        assert_int_equal(exec_capture(extra ? argv_extra : argv, NULL, &r), 0);
        return r;
}

static void test_exec_stop_then_start(void **state)
{
        struct fake *f = *state;
        struct exec_result r;
        char *v, *calls;

        r = guard("stop", NULL);
        assert_int_equal(r.status, 0);
        exec_result_clear(&r);
        v = get(f, "attr.hasan-auto-standby.forever");
        assert_non_null(v);
        assert_string_equal(v, "1\n");
        free(v);
        v = get(f, "attr.standby.forever");
        assert_non_null(v);
        assert_string_equal(v, "on\n");
        free(v);

        /* The marker is written before the standby, and the node name comes from crm_node. */
        calls = get(f, "calls");
        assert_non_null(calls);
        const char *marker =
            strstr(calls, "--name hasan-auto-standby --lifetime forever --update 1");
        const char *standby = strstr(calls, "--name standby --lifetime forever --update on");
        assert_non_null(strstr(calls, "crm_node --name"));
        assert_non_null(marker);
        assert_non_null(standby);
        assert_true(marker < standby);
        assert_non_null(strstr(standby, "crm_mon --one-shot --output-as=xml"));
        free(calls);

        /* Boot: the standby we set is lifted and the marker removed. */
        r = guard("start", NULL);
        assert_int_equal(r.status, 0);
        exec_result_clear(&r);
        assert_null(get(f, "attr.standby.forever"));
        assert_null(get(f, "attr.hasan-auto-standby.forever"));
}

static void test_exec_operator_standby_survives(void **state)
{
        struct fake *f = *state;
        struct exec_result r;
        char *v;

        put(f->dir, "attr.standby.forever", "on\n", 0644);
        r = guard("stop", NULL);
        assert_int_equal(r.status, 0);
        exec_result_clear(&r);
        assert_null(get(f, "attr.hasan-auto-standby.forever"));

        r = guard("start", NULL);
        assert_int_equal(r.status, 0);
        exec_result_clear(&r);
        v = get(f, "attr.standby.forever");
        assert_non_null(v);
        assert_string_equal(v, "on\n");
        free(v);
}

static void test_exec_dry_run_changes_nothing(void **state)
{
        struct fake *f = *state;
        struct exec_result r = guard("stop", "--dry-run");

        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "would put 'storage-a' in standby"));
        exec_result_clear(&r);
        assert_null(get(f, "attr.standby.forever"));
        assert_null(get(f, "attr.hasan-auto-standby.forever"));
}

static void test_exec_stop_times_out(void **state)
{
        struct fake *f = *state;
        struct timespec a, b;

        put(f->dir, "stuck", "", 0644);
        clock_gettime(CLOCK_MONOTONIC, &a);
        struct exec_result r = guard("stop", NULL);
        clock_gettime(CLOCK_MONOTONIC, &b);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "2 still run there after 5 s"));
        assert_true(b.tv_sec - a.tv_sec < 15);
        exec_result_clear(&r);
}

static void test_exec_start_waits_for_online(void **state)
{
        struct fake *f = *state;

        put(f->dir, "online", "false\n", 0644);
        put(f->dir, "attr.standby.forever", "on\n", 0644);
        put(f->dir, "attr.hasan-auto-standby.forever", "1\n", 0644);
        struct exec_result r = guard("start", NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "did not come online within 5 s"));
        exec_result_clear(&r);
        /* Nothing was lifted while the node was not online. */
        char *v = get(f, "attr.standby.forever");
        assert_non_null(v);
        free(v);
}

static void test_exec_missing_tools(void **state)
{
        struct exec_result r;

        setenv("PATH", "/nonexistent", 1);
        r = guard("stop", NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "cannot run crm_node"));
        exec_result_clear(&r);
}

static void test_exec_usage(void **state)
{
        struct exec_result r;

        r = guard("sideways", NULL);
        assert_int_equal(r.status, 2);
        exec_result_clear(&r);
        r = guard("stop", "--timeout=0");
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "invalid --timeout '0'"));
        exec_result_clear(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_plan_stop),
            cmocka_unit_test(test_plan_start),
            cmocka_unit_test(test_plan_invalid_verb),
            cmocka_unit_test(test_value_is_true),
            cmocka_unit_test(test_crm_mon_nodes),
            cmocka_unit_test(test_crm_mon_malformed),
            cmocka_unit_test_setup_teardown(test_exec_stop_then_start, fake_setup, fake_teardown),
            cmocka_unit_test_setup_teardown(test_exec_operator_standby_survives, fake_setup,
                                            fake_teardown),
            cmocka_unit_test_setup_teardown(test_exec_dry_run_changes_nothing, fake_setup,
                                            fake_teardown),
            cmocka_unit_test_setup_teardown(test_exec_stop_times_out, fake_setup, fake_teardown),
            cmocka_unit_test_setup_teardown(test_exec_start_waits_for_online, fake_setup,
                                            fake_teardown),
            cmocka_unit_test_setup_teardown(test_exec_missing_tools, fake_setup, fake_teardown),
            cmocka_unit_test_setup_teardown(test_exec_usage, fake_setup, fake_teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
