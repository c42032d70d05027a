/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OCF agent framework: metadata (checked against the OCF DTD with
 * xmllint when both are installed), parameter lookup, and how ocf_main()
 * dispatches, fails and prefixes its log lines.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/ocf.h"
#include "shared/spawn.h"

#define OCF_DTD "/usr/share/resource-agents/ra-api-1.dtd"

static int calls;
static bool saw_probe;

static enum ocf_exit act_start(const struct ocf_agent *a)
{
        calls++;
        return ocf_reskey(a, "mode") && strcmp(ocf_reskey(a, "mode"), "fail") == 0 ? OCF_ERR_GENERIC
                                                                                   : OCF_SUCCESS;
}

static enum ocf_exit act_monitor(const struct ocf_agent *a)
{
        calls++;
        saw_probe = ocf_is_probe();
        log_info("monitor ran");
        return OCF_NOT_RUNNING;
}

static enum ocf_exit act_bogus(const struct ocf_agent *a)
{
        return (enum ocf_exit)42;
}

static const struct ocf_param params[] = {
    {"pool", OCF_CONTENT_STRING, true, true, NULL, "the pool", "Name of the pool <& \"quoted\">."},
    {"mode", OCF_CONTENT_STRING, false, false, "normal", "mode", "How to run."},
    {"count", OCF_CONTENT_INTEGER, false, false, "3", "count", "How many."},
    {"force", OCF_CONTENT_BOOLEAN, false, false, "false", "force", "Whether to force."},
};

static const struct ocf_action actions[] = {
    {"start", act_start, 30, 0, 0},
    {"stop", act_start, 30, 0, 0},
    {"monitor", act_monitor, 20, 10, 0},
    {"status", act_bogus, 5, 0, 0},
};

static const struct ocf_agent agent = {
    .name = "testagent",
    .version = "0.1.0",
    .shortdesc = "a test agent",
    .longdesc = "Exercises the framework; 'quotes' & <brackets> need escaping.",
    .params = params,
    .n_params = sizeof(params) / sizeof(params[0]),
    .actions = actions,
    .n_actions = sizeof(actions) / sizeof(actions[0]),
};

static void clear_env(void)
{
        unsetenv("OCF_RESKEY_pool");
        unsetenv("OCF_RESKEY_mode");
        unsetenv("OCF_RESKEY_CRM_meta_interval");
        unsetenv("OCF_RESOURCE_INSTANCE");
}

static int setup(void **state)
{
        clear_env();
        calls = 0;
        saw_probe = false;
        return 0;
}

static int teardown(void **state)
{
        clear_env();
        log_set_prefix(NULL);
        return 0;
}

static char *metadata_text(void)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        assert_non_null(f);
        assert_int_equal(ocf_print_metadata(&agent, f), 0);
        fclose(f);
        /* A heap copy: gcc -O3 takes buf (open_memstream kept its address) for a dangling local. */
        char *text = strdup(buf);
        assert_non_null(text);
        free(buf);
        return text;
}

static void test_metadata_content(void **state)
{
        char *xml = metadata_text();

        assert_true(strncmp(xml, "<?xml version=\"1.0\"?>\n", 22) == 0);
        assert_non_null(strstr(xml, "<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">"));
        assert_non_null(strstr(xml, "<resource-agent name=\"testagent\" version=\"0.1.0\">"));
        assert_non_null(strstr(xml, "<version>1.0</version>"));
        assert_non_null(strstr(xml, "&apos;quotes&apos; &amp; &lt;brackets&gt;"));
        assert_non_null(strstr(xml, "<parameter name=\"pool\" unique=\"1\" required=\"1\">"));
        assert_non_null(strstr(xml, "Name of the pool &lt;&amp; &quot;quoted&quot;&gt;."));
        assert_non_null(strstr(xml, "<content type=\"integer\" default=\"3\" />"));
        assert_non_null(strstr(xml, "<content type=\"boolean\" default=\"false\" />"));
        assert_non_null(strstr(xml, "<action name=\"start\" timeout=\"30s\" />"));
        assert_non_null(strstr(
            xml, "<action name=\"monitor\" timeout=\"20s\" interval=\"10s\" depth=\"0\" />"));
        /* Provided by the framework although the table lacks them. */
        assert_non_null(strstr(xml, "<action name=\"meta-data\" timeout=\"5s\" />"));
        assert_non_null(strstr(xml, "<action name=\"validate-all\" timeout=\"20s\" />"));
        assert_non_null(strstr(xml, "</actions>\n</resource-agent>\n"));
        /* The pool parameter has no default: no default attribute. */
        const char *pool = strstr(xml, "<parameter name=\"pool\"");
        assert_non_null(pool);
        const char *end = strstr(pool, "</parameter>");
        assert_non_null(end);
        char *param = strndup(pool, (size_t)(end - pool));
        assert_non_null(param);
        assert_null(strstr(param, "default="));
        free(param);
        free(xml);
}

static void test_metadata_is_valid_xml(void **state)
{
        char *xml = metadata_text();
        char *argv_dtd[] = {"xmllint", "--noout", "--dtdvalid", OCF_DTD, "-", NULL};
        char *argv_plain[] = {"xmllint", "--noout", "-", NULL};
        struct spawn_options opts = {
            .stdin_data = xml, .stdin_size = strlen(xml), .timeout_ms = 20000};
        struct spawn_result res = {0};
        int r;

        r = spawn_run(access(OCF_DTD, R_OK) == 0 ? argv_dtd : argv_plain, &opts, &res);
        free(xml);
        if (r == -ENOENT) {
                print_message("xmllint is not installed: metadata checked by content only\n");
                skip();
        }
        assert_int_equal(r, 0);
        if (!spawn_result_success(&res))
                print_message("xmllint: %s\n", res.err);
        assert_true(spawn_result_success(&res));
        spawn_result_clear(&res);
}

static void test_reskey_defaults_and_overrides(void **state)
{
        assert_null(ocf_reskey(&agent, "pool"));
        assert_string_equal(ocf_reskey(&agent, "mode"), "normal");
        assert_null(ocf_reskey(&agent, "undeclared"));

        setenv("OCF_RESKEY_mode", "fast", 1);
        assert_string_equal(ocf_reskey(&agent, "mode"), "fast");
        /* Empty means unset, as Pacemaker never passes an empty value on purpose. */
        setenv("OCF_RESKEY_mode", "", 1);
        assert_string_equal(ocf_reskey(&agent, "mode"), "normal");
        /* Only declared parameters are read. */
        setenv("OCF_RESKEY_undeclared", "x", 1);
        assert_null(ocf_reskey(&agent, "undeclared"));
        unsetenv("OCF_RESKEY_undeclared");
}

static void test_is_true(void **state)
{
        assert_true(ocf_is_true("yes"));
        assert_true(ocf_is_true("TRUE"));
        assert_true(ocf_is_true("1"));
        assert_true(ocf_is_true("on"));
        assert_false(ocf_is_true("0"));
        assert_false(ocf_is_true("no"));
        assert_false(ocf_is_true(""));
        assert_false(ocf_is_true(NULL));
}

/* Run ocf_main with stdout and stderr captured into files; returns the exit code. */
static int run_main(char **out, char **err, const char *action, ...)
{
        char *argv[8] = {"testagent"};
        int argc = 1, ec, saved_out, saved_err;
        char out_path[] = "/tmp/hasan-test-ocf-out.XXXXXX";
        char err_path[] = "/tmp/hasan-test-ocf-err.XXXXXX";
        int fo = mkostemp(out_path, O_CLOEXEC), fe = mkostemp(err_path, O_CLOEXEC);
        va_list ap;

        assert_true(fo >= 0 && fe >= 0);
        va_start(ap, action);
        for (const char *a = action; a && argc < 7; a = va_arg(ap, const char *))
                argv[argc++] = (char *)a;
        va_end(ap);
        argv[argc] = NULL;

        fflush(stdout);
        fflush(stderr);
        saved_out = dup(STDOUT_FILENO);
        saved_err = dup(STDERR_FILENO);
        dup2(fo, STDOUT_FILENO);
        dup2(fe, STDERR_FILENO);
        ec = ocf_main(&agent, argc, argv);
        fflush(stdout);
        fflush(stderr);
        dup2(saved_out, STDOUT_FILENO);
        dup2(saved_err, STDERR_FILENO);
        close(saved_out);
        close(saved_err);
        close(fo);
        close(fe);

        assert_int_equal(read_full_file(out_path, out, NULL), 0);
        assert_int_equal(read_full_file(err_path, err, NULL), 0);
        unlink(out_path);
        unlink(err_path);
        return ec;
}

/* Pacemaker passes the operation's timeout in ms; anything else falls back to the default. */
static void test_op_timeout(void **state)
{
        static const struct {
                const char *value; /* NULL: unset */
                unsigned want;
        } cases[] = {
            {NULL, 7}, {"", 7},  {"60000", 60000},   {"20s", 7},
            {"-5", 7}, {"0", 7}, {"99999999999", 7},
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                if (cases[i].value)
                        setenv("OCF_RESKEY_CRM_meta_timeout", cases[i].value, 1);
                else
                        unsetenv("OCF_RESKEY_CRM_meta_timeout");
                assert_int_equal(ocf_op_timeout_ms(7), cases[i].want);
        }
        unsetenv("OCF_RESKEY_CRM_meta_timeout");
}

static void test_dispatch_missing_and_unknown_action(void **state)
{
        char *out, *err;

        assert_int_equal(run_main(&out, &err, NULL), OCF_ERR_ARGS);
        assert_string_equal(out, "");
        assert_non_null(strstr(err, "no action given"));
        assert_non_null(strstr(err, "usage: testagent {start|stop|monitor|status|"
                                    "validate-all|meta-data}"));
        free(out);
        free(err);

        assert_int_equal(run_main(&out, &err, "reload", NULL), OCF_ERR_UNIMPLEMENTED);
        assert_non_null(strstr(err, "unknown action 'reload'"));
        assert_non_null(strstr(err, "usage: testagent"));
        free(out);
        free(err);

        assert_int_equal(run_main(&out, &err, "start", "extra", NULL), OCF_ERR_ARGS);
        assert_int_equal(calls, 0);
        free(out);
        free(err);
}

static void test_dispatch_meta_data_and_usage(void **state)
{
        char *out, *err;

        /* No required parameter is needed to describe the agent. */
        assert_int_equal(run_main(&out, &err, "meta-data", NULL), OCF_SUCCESS);
        assert_non_null(strstr(out, "<resource-agent name=\"testagent\""));
        assert_string_equal(err, "");
        free(out);
        free(err);

        assert_int_equal(run_main(&out, &err, "usage", NULL), OCF_SUCCESS);
        assert_non_null(strstr(out, "usage: testagent"));
        free(out);
        free(err);
}

static void test_dispatch_required_parameter(void **state)
{
        char *out, *err;

        setenv("OCF_RESOURCE_INSTANCE", "pool-san", 1);
        assert_int_equal(run_main(&out, &err, "start", NULL), OCF_ERR_CONFIGURED);
        assert_int_equal(calls, 0);
        assert_non_null(strstr(err, "testagent(pool-san)["));
        assert_non_null(strstr(err, "]: ERROR: required parameter 'pool' is not set "
                                    "(OCF_RESKEY_pool)\n"));
        free(out);
        free(err);

        /* The built-in validate-all checks exactly that. */
        assert_int_equal(run_main(&out, &err, "validate-all", NULL), OCF_ERR_CONFIGURED);
        free(out);
        free(err);
        setenv("OCF_RESKEY_pool", "san", 1);
        assert_int_equal(run_main(&out, &err, "validate-all", NULL), OCF_SUCCESS);
        free(out);
        free(err);
}

static void test_dispatch_runs_handlers(void **state)
{
        char *out, *err;

        setenv("OCF_RESKEY_pool", "san", 1);
        assert_int_equal(run_main(&out, &err, "start", NULL), OCF_SUCCESS);
        assert_int_equal(calls, 1);
        free(out);
        free(err);

        setenv("OCF_RESKEY_mode", "fail", 1);
        assert_int_equal(run_main(&out, &err, "stop", NULL), OCF_ERR_GENERIC);
        assert_int_equal(calls, 2);
        free(out);
        free(err);

        /* A probe is a monitor at interval 0; a recurring monitor is not. */
        assert_int_equal(run_main(&out, &err, "monitor", NULL), OCF_NOT_RUNNING);
        assert_true(saw_probe);
        assert_non_null(strstr(err, "testagent(testagent)["));
        assert_non_null(strstr(err, "]: INFO: monitor ran\n"));
        free(out);
        free(err);
        setenv("OCF_RESKEY_CRM_meta_interval", "10000", 1);
        assert_int_equal(run_main(&out, &err, "monitor", NULL), OCF_NOT_RUNNING);
        assert_false(saw_probe);
        assert_false(ocf_is_probe());
        free(out);
        free(err);

        /* A handler returning something else is a generic error, and says so. */
        assert_int_equal(run_main(&out, &err, "status", NULL), OCF_ERR_GENERIC);
        assert_non_null(strstr(err, "action 'status' returned 42"));
        free(out);
        free(err);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_metadata_content, setup, teardown),
            cmocka_unit_test_setup_teardown(test_metadata_is_valid_xml, setup, teardown),
            cmocka_unit_test_setup_teardown(test_reskey_defaults_and_overrides, setup, teardown),
            cmocka_unit_test_setup_teardown(test_is_true, setup, teardown),
            cmocka_unit_test_setup_teardown(test_op_timeout, setup, teardown),
            cmocka_unit_test_setup_teardown(test_dispatch_missing_and_unknown_action, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_dispatch_meta_data_and_usage, setup, teardown),
            cmocka_unit_test_setup_teardown(test_dispatch_required_parameter, setup, teardown),
            cmocka_unit_test_setup_teardown(test_dispatch_runs_handlers, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
