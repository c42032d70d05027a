/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "hasan backend" and the ocf:hasan:backend agent as scripts and Pacemaker
 * see them: exit codes, where messages go, the metadata, and that secrets
 * never reach any output. Without a kernel target this covers the paths
 * that end before configfs: --configfs points at a directory that does
 * not exist, and the agent's own tests skip when this host has LIO.
 */
#include <errno.h>
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
#include "lib/cred.h"
#include "lib/lio.h"
#include "shared/spawn.h"
#include "tmpdir-util.h"

#define OCF_DTD "/usr/share/resource-agents/ra-api-1.dtd"
#define NO_LIO "/nonexistent/target"
#define SECRET "Backend-Secret-A1"
#define MUTUAL_SECRET "Mutual-Secret-A2"

struct fixture {
        char *dir;
        char good[4096];
        char broken[4096];
        char store[512];
        char key[512];
        char agent[512]; /* a "backend" symlink to the binary */
};

static void write_store(const struct fixture *f, const char *secret, const char *mutual)
{
        struct cred_key *key = NULL;
        struct cred_store *s = NULL;

        assert_int_equal(cred_key_load(f->key, &key), 0);
        assert_int_equal(cred_store_new(&s), 0);
        if (secret)
                assert_true(cred_store_set(s, "backend-storage-a", secret, strlen(secret)) >= 0);
        if (mutual)
                assert_true(cred_store_set(s, "backend-storage-a-mutual", mutual, strlen(mutual)) >=
                            0);
        assert_int_equal(cred_store_save(s, f->store, key), 0);
        cred_store_free(s);
        cred_key_free(key);
}

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        const char *fixtures = getenv("HASAN_FIXTURES");
        static const char key_hex[] =
            "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";
        int fd;

        assert_non_null(f);
        f->dir = test_tmpdir_new("backend");
        assert_non_null(f->dir);
        snprintf(f->good, sizeof(f->good), "%s/spec/good.json",
                 fixtures ? fixtures : "tests/fixtures");
        snprintf(f->broken, sizeof(f->broken), "%s/spec/broken.json",
                 fixtures ? fixtures : "tests/fixtures");
        snprintf(f->store, sizeof(f->store), "%s/credentials", f->dir);
        snprintf(f->key, sizeof(f->key), "%s/credentials.key", f->dir);
        snprintf(f->agent, sizeof(f->agent), "%s/backend", f->dir);

        fd = open(f->key, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, key_hex, strlen(key_hex)), (ssize_t)strlen(key_hex));
        close(fd);
        write_store(f, SECRET, MUTUAL_SECRET);
        assert_int_equal(symlink(hasan_bin(), f->agent), 0);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;

        test_tmpdir_remove(f->dir);
        free(f);
        return 0;
}

/* Run "hasan backend ARGS..." (NULL-terminated). */
static struct exec_result run(const char *arg, ...)
{
        struct exec_result r = {0};
        va_list ap;

        va_start(ap, arg);
        assert_int_equal(exec_hasan_v("backend", arg, ap, &r), 0);
        va_end(ap);
        return r;
}

static void assert_no_secret(const struct exec_result *r)
{
        assert_null(strstr(r->out, SECRET));
        assert_null(strstr(r->err, SECRET));
        assert_null(strstr(r->out, MUTUAL_SECRET));
        assert_null(strstr(r->err, MUTUAL_SECRET));
}

/* ---- the command ---- */

static void test_help_and_usage(void **state)
{
        struct exec_result r = run("--help", NULL);

        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "hasan backend status [--json] [OPTIONS]"));
        assert_non_null(strstr(r.out, "status exits 0 when every\ndisk is exported, 3 when none"));
        assert_string_equal(r.err, "");
        exec_result_clear(&r);

        r = run(NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "missing backend verb"));
        exec_result_clear(&r);

        r = run("export", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "unknown backend verb 'export'"));
        exec_result_clear(&r);

        r = run("start", "--json", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "option '--json' is not valid with 'start'"));
        exec_result_clear(&r);

        r = run("status", "--down", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "option '--down' is only valid with 'target'"));
        exec_result_clear(&r);

        r = run("status", "--node", "", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "empty value for option '--node'"));
        exec_result_clear(&r);

        r = run("status", "extra", NULL);
        assert_int_equal(r.status, 2);
        exec_result_clear(&r);

        /* The top-level help lists the command. */
        char *argv[] = {(char *)hasan_bin(), "help", NULL};
        assert_int_equal(exec_capture(argv, NULL, &r), 0);
        assert_non_null(strstr(r.out, "backend target|start|stop|status"));
        exec_result_clear(&r);
}

static void test_status_without_lio(void **state)
{
        struct fixture *f = *state;
        struct exec_result r =
            run("status", "--config", f->good, "--node", "storage-a", "--configfs", NO_LIO, NULL);
        json_object *o, *v, *luns;

        assert_int_equal(r.status, 3);
        assert_non_null(strstr(r.out, "backend of storage-a: not-exported\n"));
        assert_non_null(strstr(r.out, "LIO: not available (" NO_LIO " does not exist)"));
        exec_result_clear(&r);

        r = run("status", "--json", "--config", f->good, "--node", "storage-a", "--configfs",
                NO_LIO, NULL);
        assert_int_equal(r.status, 3);
        o = json_tokener_parse(r.out);
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "export", &v));
        assert_string_equal(json_object_get_string(v), "not-exported");
        assert_true(json_object_object_get_ex(o, "lio", &v));
        assert_false(json_object_get_boolean(v));
        assert_true(json_object_object_get_ex(o, "luns", &luns));
        assert_int_equal(json_object_array_length(luns), 5);
        v = json_object_array_get_idx(luns, 4);
        assert_true(json_object_object_get_ex(v, "device", &v));
        assert_string_equal(json_object_get_string(v),
                            "/dev/disk/by-id/nvme-INTEL_SSDPED1D280GA_PHMB000100A1");
        assert_true(json_object_object_get_ex(o, "acl", &v));
        assert_true(json_object_object_get_ex(v, "initiator", &v));
        assert_string_equal(json_object_get_string(v), "iqn.2025-01.lab.home:storage-b-initiator");
        json_object_put(o);
        exec_result_clear(&r);
}

static void test_stop_and_down_without_lio_succeed(void **state)
{
        struct fixture *f = *state;
        struct exec_result r =
            run("stop", "--config", f->good, "--node", "storage-b", "--configfs", NO_LIO, NULL);

        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "LIO is not loaded: nothing is exported\n");
        assert_string_equal(r.err, "");
        exec_result_clear(&r);

        r = run("target", "--down", "--config", f->good, "--node", "storage-b", "--configfs",
                NO_LIO, NULL);
        assert_int_equal(r.status, 0);
        exec_result_clear(&r);
}

static void test_start_without_lio(void **state)
{
        struct fixture *f = *state;
        struct exec_result r =
            run("start", "--config", f->good, "--node", "storage-a", "--cred-store", f->store,
                "--cred-key", f->key, "--configfs", NO_LIO, NULL);

        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "cannot export the backend disks: LIO is not available: "
                                      "load target_core_mod and iscsi_target_mod and mount "
                                      "configfs (" NO_LIO " does not exist)"));
        assert_no_secret(&r);
        exec_result_clear(&r);

        r = run("target", "--config", f->good, "--node", "storage-a", "--cred-store", f->store,
                "--cred-key", f->key, "--configfs", NO_LIO, NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "LIO is not available"));
        assert_no_secret(&r);
        exec_result_clear(&r);
}

static void test_credentials_checked(void **state)
{
        struct fixture *f = *state;
        struct exec_result r;

        write_store(f, SECRET, NULL);
        r = run("start", "--config", f->good, "--node", "storage-a", "--cred-store", f->store,
                "--cred-key", f->key, "--configfs", NO_LIO, NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "credential 'backend-storage-a-mutual' (the mutual CHAP "
                                      "secret of node 'storage-a') is not in"));
        assert_non_null(strstr(r.err, "hasan cred set backend-storage-a-mutual"));
        exec_result_clear(&r);

        /* A secret LIO would misread is refused, and not quoted. */
        write_store(f, "NULL-but-long-enough", MUTUAL_SECRET);
        r = run("target", "--config", f->good, "--node", "storage-a", "--cred-store", f->store,
                "--cred-key", f->key, "--configfs", NO_LIO, NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "credential 'backend-storage-a' cannot be a CHAP secret: "
                                      "it starts with 'NULL'"));
        assert_null(strstr(r.err, "NULL-but-long-enough"));
        exec_result_clear(&r);

        r = run("start", "--config", f->good, "--node", "storage-a", "--cred-store", f->store,
                "--cred-key", "/nonexistent/key", "--configfs", NO_LIO, NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "cannot read key file '/nonexistent/key'"));
        exec_result_clear(&r);
}

static void test_description_problems(void **state)
{
        struct fixture *f = *state;
        struct exec_result r = run("status", "--config", f->good, "--node", "quorum", NULL);

        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "node 'quorum' in '"));
        assert_non_null(strstr(r.err, "' is no storage node"));
        exec_result_clear(&r);

        r = run("stop", "--config", f->good, "--node", "nosuch", NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "there is no node 'nosuch' in '"));
        exec_result_clear(&r);

        r = run("status", "--config", f->broken, "--node", "storage-a", NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "is invalid ("));
        assert_non_null(strstr(r.err, "see 'hasan spec check"));
        exec_result_clear(&r);

        r = run("status", "--config", "/nonexistent/cluster.json", "--node", "storage-a", NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err,
                               "cannot read cluster description '/nonexistent/cluster.json': "
                               "No such file or directory"));
        exec_result_clear(&r);
}

/* ---- the OCF agent ---- */

/* Run the agent (argv[0] "backend") with the action and OCF_RESKEY_* settings "k=v". */
static struct exec_result agent(const struct fixture *f, const char *action, ...)
{
        char *argv[] = {(char *)f->agent, (char *)action, NULL};
        struct exec_result r = {0};
        const char *kv;
        va_list ap;

        unsetenv("OCF_RESKEY_config");
        unsetenv("OCF_RESKEY_node");
        unsetenv("OCF_RESKEY_cred_store");
        unsetenv("OCF_RESKEY_cred_key");
        unsetenv("OCF_RESKEY_CRM_meta_interval");
        setenv("OCF_RESOURCE_INSTANCE", "backend-test", 1);
        va_start(ap, action);
        while ((kv = va_arg(ap, const char *))) {
                char name[128];
                const char *eq = strchr(kv, '=');
                assert_non_null(eq);
                snprintf(name, sizeof(name), "OCF_RESKEY_%.*s", (int)(eq - kv), kv);
                setenv(name, eq + 1, 1);
        }
        va_end(ap);
        if (!action)
                argv[1] = NULL;
        assert_int_equal(exec_capture(argv, NULL, &r), 0);
        return r;
}

static bool host_has_lio(void)
{
        struct stat st;

        return stat(LIO_ROOT_DEFAULT, &st) == 0;
}

static void test_agent_metadata(void **state)
{
        struct fixture *f = *state;
        struct exec_result r = agent(f, "meta-data", NULL);
        char *argv[] = {"xmllint", "--noout", "--dtdvalid", OCF_DTD, "-", NULL};
        struct spawn_options opts = {.timeout_ms = 20000};
        struct spawn_result res = {0};
        int k;

        assert_int_equal(r.status, 0);
        assert_string_equal(r.err, "");
        assert_non_null(strstr(r.out, "<resource-agent name=\"backend\""));
        assert_non_null(strstr(r.out, "<parameter name=\"config\""));
        assert_non_null(strstr(r.out, "<parameter name=\"node\""));
        assert_non_null(strstr(r.out, "<parameter name=\"cred_store\""));
        assert_non_null(strstr(r.out, "<parameter name=\"cred_key\""));
        assert_non_null(strstr(r.out, "<action name=\"start\" timeout=\"30s\" />"));
        assert_non_null(strstr(r.out, "<action name=\"stop\" timeout=\"30s\" />"));
        assert_non_null(
            strstr(r.out, "<action name=\"monitor\" timeout=\"20s\" interval=\"10s\" depth=\"0\""));
        assert_non_null(strstr(r.out, "<action name=\"validate-all\""));
        assert_non_null(strstr(r.out, "<action name=\"meta-data\""));

        if (access(OCF_DTD, R_OK) == 0) {
                opts.stdin_data = r.out;
                opts.stdin_size = strlen(r.out);
                k = spawn_run(argv, &opts, &res);
                if (k == 0) {
                        if (!spawn_result_success(&res))
                                print_message("xmllint: %s\n", res.err);
                        assert_true(spawn_result_success(&res));
                }
                spawn_result_clear(&res);
        }
        exec_result_clear(&r);
}

static void test_agent_dispatch(void **state)
{
        struct fixture *f = *state;
        struct exec_result r = agent(f, NULL, NULL);

        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "backend(backend-test)["));
        assert_non_null(
            strstr(r.err, "usage: backend {start|stop|monitor|validate-all|meta-data}"));
        exec_result_clear(&r);

        r = agent(f, "migrate_to", NULL);
        assert_int_equal(r.status, 3);
        assert_non_null(strstr(r.err, "ERROR: unknown action 'migrate_to'"));
        exec_result_clear(&r);
}

static void test_agent_on_quorum_node(void **state)
{
        struct fixture *f = *state;
        char config[4200];
        struct exec_result r;

        snprintf(config, sizeof(config), "config=%s", f->good);
        /* Probes on the quorum node: nothing runs there, and stopping it is a no-op. */
        r = agent(f, "monitor", config, "node=quorum", NULL);
        assert_int_equal(r.status, 7);
        exec_result_clear(&r);
        r = agent(f, "stop", config, "node=quorum", NULL);
        assert_int_equal(r.status, 0);
        exec_result_clear(&r);
        /* A node named explicitly that cannot run it is a configuration error. */
        r = agent(f, "start", config, "node=quorum", NULL);
        assert_int_equal(r.status, 6);
        assert_non_null(strstr(r.err, "is no storage node"));
        exec_result_clear(&r);
        r = agent(f, "validate-all", "config=/nonexistent/cluster.json", NULL);
        assert_int_equal(r.status, 5);
        exec_result_clear(&r);
}

static void test_agent_validate(void **state)
{
        struct fixture *f = *state;
        char config[4200], store[600], key[600];
        struct exec_result r;

        snprintf(config, sizeof(config), "config=%s", f->good);
        snprintf(store, sizeof(store), "cred_store=%s", f->store);
        snprintf(key, sizeof(key), "cred_key=%s", f->key);

        /* The fixture's disks do not exist here: each is named; the credentials pass. */
        r = agent(f, "validate-all", config, "node=storage-a", store, key, NULL);
        assert_int_equal(r.status, 5);
        assert_non_null(strstr(r.err, "ERROR: disk /dev/disk/by-id/ata-SAMSUNG_MZ7LH1T9HMLT_"
                                      "S455NA0M100001 (lun 0) of node 'storage-a': No such file"));
        assert_non_null(strstr(r.err, "nvme-INTEL_SSDPED1D280GA_PHMB000100A1 (lun 4)"));
        assert_null(strstr(r.err, "credential"));
        assert_no_secret(&r);
        exec_result_clear(&r);

        write_store(f, SECRET, NULL);
        r = agent(f, "validate-all", config, "node=storage-a", store, key, NULL);
        assert_int_equal(r.status, 5);
        assert_non_null(strstr(r.err, "credential 'backend-storage-a-mutual'"));
        exec_result_clear(&r);

        r = agent(f, "validate-all", "config=/etc/passwd", "node=storage-a", NULL);
        assert_int_equal(r.status, 6);
        exec_result_clear(&r);
}

static void test_agent_without_lio(void **state)
{
        struct fixture *f = *state;
        char config[4200];
        struct exec_result r;

        if (host_has_lio()) {
                print_message("this host has LIO: the agent would see its real state\n");
                skip();
        }
        snprintf(config, sizeof(config), "config=%s", f->good);
        r = agent(f, "monitor", config, "node=storage-a", NULL);
        assert_int_equal(r.status, 7);
        exec_result_clear(&r);
        r = agent(f, "stop", config, "node=storage-a", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.err, "INFO: LIO is not loaded: nothing is exported"));
        exec_result_clear(&r);
        /* Stop never fails for want of a description. */
        r = agent(f, "stop", "config=/nonexistent/cluster.json", "node=storage-a", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.err, "WARNING: removing every LUN of the backend's HBA range"));
        exec_result_clear(&r);
        /*
         * Not started by Pacemaker on this node (no /run/hasan/backend.active):
         * "not running", for a probe and a recurring monitor alike, whatever
         * the description.
         */
        r = agent(f, "monitor", "config=/nonexistent/cluster.json", "node=storage-a", NULL);
        assert_int_equal(r.status, 7);
        exec_result_clear(&r);
        r = agent(f, "monitor", "config=/nonexistent/cluster.json", "node=storage-a",
                  "CRM_meta_interval=10000", NULL);
        assert_int_equal(r.status, access("/run/hasan/backend.active", F_OK) == 0 ? 5 : 7);
        exec_result_clear(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_help_and_usage, setup, teardown),
            cmocka_unit_test_setup_teardown(test_status_without_lio, setup, teardown),
            cmocka_unit_test_setup_teardown(test_stop_and_down_without_lio_succeed, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_start_without_lio, setup, teardown),
            cmocka_unit_test_setup_teardown(test_credentials_checked, setup, teardown),
            cmocka_unit_test_setup_teardown(test_description_problems, setup, teardown),
            cmocka_unit_test_setup_teardown(test_agent_metadata, setup, teardown),
            cmocka_unit_test_setup_teardown(test_agent_dispatch, setup, teardown),
            cmocka_unit_test_setup_teardown(test_agent_on_quorum_node, setup, teardown),
            cmocka_unit_test_setup_teardown(test_agent_validate, setup, teardown),
            cmocka_unit_test_setup_teardown(test_agent_without_lio, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
