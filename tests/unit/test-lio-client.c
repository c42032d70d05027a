/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The client targets' pure logic and the LUN map: the TPGs built from
 * tests/fixtures/spec/good.json, storage object names and serials, LUN
 * numbering across runs and reorderings, the map's file format and its
 * refusals, the state read from hand-built trees, and a failed bring-up
 * on a plain directory removing what it created. The kernel's own
 * behaviour is exercised in the lab (lab/scenarios/clients).
 */
#include <errno.h>
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

#include "lib/lio-client.h"
#include "lib/lunmap.h"
#include "shared/macro.h"
#include "spec-util.h"
#include "tmpdir-util.h"

static char *make_tmpdir(void)
{
        char *dir = test_tmpdir_new("lio-client");

        assert_non_null(dir);
        return dir;
}

_printf_(1, 2) static void mkdirf(const char *fmt, ...)
{
        char path[4096];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(path, sizeof(path), fmt, ap);
        va_end(ap);
        assert_int_equal(mkdir(path, 0755), 0);
}

_printf_(2, 3) static void writef(const char *value, const char *fmt, ...)
{
        char path[4096];
        FILE *f;
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(path, sizeof(path), fmt, ap);
        va_end(ap);
        f = fopen(path, "w");
        assert_non_null(f);
        fputs(value, f);
        fclose(f);
}

static void test_from_spec(void **state)
{
        struct spec *s = load_good_spec();
        struct lio_client *cl = NULL;

        assert_int_equal(lio_client_from_spec(s, &cl), 0);
        assert_string_equal(cl->pool, "san-pool");
        /* good.json: only the hypervisor VLAN (id 40) offers iscsi. */
        assert_int_equal(cl->n_tpgs, 1);
        assert_int_equal(cl->tpgs[0].tpgt, 40);
        assert_string_equal(cl->tpgs[0].vlan, "hypervisor");
        assert_string_equal(cl->tpgs[0].portal, "10.40.40.10:3260");
        assert_string_equal(cl->tpgs[0].dataset, "iscsi");
        assert_int_equal(cl->tpgs[0].acl_mode, ISCSI_ACL_MODE_ACL);
        assert_int_equal(cl->tpgs[0].n_initiators, 2);
        assert_string_equal(cl->tpgs[0].initiators[1].iqn, "iqn.2025-01.lab.home:pve-b");
        assert_string_equal(cl->tpgs[0].initiators[1].credential, "chap-pve-b");
        assert_int_equal(cl->tpgs[0].n_luns, 0);
        lio_client_free(cl);
        spec_free(s);
}

static void test_so_name(void **state)
{
        char buf[256], big[300];

        assert_int_equal(lio_client_so_name("san-pool", "san-pool/iscsi/vm-a", buf, sizeof(buf)),
                         0);
        assert_string_equal(buf, "iscsi+vm-a");
        /* Nested zvols keep their whole path, so two never share a name. */
        assert_int_equal(
            lio_client_so_name("san-pool", "san-pool/iscsi/vm/disk0", buf, sizeof(buf)), 0);
        assert_string_equal(buf, "iscsi+vm+disk0");
        assert_int_equal(lio_client_so_name("san-pool", "other/iscsi/x", buf, sizeof(buf)),
                         -EINVAL);
        assert_int_equal(lio_client_so_name("san-pool", "san-poolx/a", buf, sizeof(buf)), -EINVAL);
        assert_int_equal(lio_client_so_name("san-pool", "san-pool/", buf, sizeof(buf)), -EINVAL);
        memset(big, 'a', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        memcpy(big, "san-pool/", 9);
        assert_int_equal(lio_client_so_name("san-pool", big, buf, sizeof(buf)), -ENAMETOOLONG);
}

static void test_backstore_serial(void **state)
{
        struct lio_client cl = {.pool = "san-pool"};
        size_t a, b, again;

        assert_int_equal(lio_client_add_backstore(&cl, "san-pool/iscsi/vm-a", "111", &a), 0);
        assert_int_equal(lio_client_add_backstore(&cl, "san-pool/iscsi/vm-b", "222", &b), 0);
        assert_int_equal(lio_client_add_backstore(&cl, "san-pool/iscsi/vm-a", "111", &again), 0);
        assert_int_equal(again, a);
        assert_int_equal(cl.n_backstores, 2);
        assert_string_equal(cl.backstores[a].device, "/dev/zvol/san-pool/iscsi/vm-a");
        /* The serial follows the zvol's guid, not its name: same on both nodes. */
        assert_string_not_equal(cl.backstores[a].serial, cl.backstores[b].serial);
        {
                struct lio_client other = {.pool = "san-pool"};
                size_t i;
                assert_int_equal(
                    lio_client_add_backstore(&other, "san-pool/iscsi/renamed", "111", &i), 0);
                assert_string_equal(other.backstores[i].serial, cl.backstores[a].serial);
                for (size_t k = 0; k < other.n_backstores; k++) {
                        free(other.backstores[k].name);
                        free(other.backstores[k].zvol);
                        free(other.backstores[k].device);
                }
                free(other.backstores);
        }
        assert_int_equal(strlen(cl.backstores[a].serial), 36);
        for (size_t k = 0; k < cl.n_backstores; k++) {
                free(cl.backstores[k].name);
                free(cl.backstores[k].zvol);
                free(cl.backstores[k].device);
        }
        free(cl.backstores);
}

static void test_lunmap_assign(void **state)
{
        struct lunmap m = {0};
        const char *first[] = {"vm-a", "vm-b"};
        const char *second[] = {"vm-c", "vm-b", "vm/disk0"}; /* vm-a gone, two new */
        const char *third[] = {"vm-a", "vm-d"};
        unsigned luns[3];
        bool changed;

        assert_int_equal(lunmap_assign(&m, 40, first, 2, luns, &changed), 0);
        assert_true(changed);
        assert_int_equal(luns[0], 0);
        assert_int_equal(luns[1], 1);

        assert_int_equal(lunmap_assign(&m, 40, second, 3, luns, &changed), 0);
        assert_true(changed);
        assert_int_equal(luns[0], 2);
        assert_int_equal(luns[1], 1);
        assert_int_equal(luns[2], 3);

        /* vm-a comes back at its old number; a new one never reuses a number. */
        assert_int_equal(lunmap_assign(&m, 40, third, 2, luns, &changed), 0);
        assert_int_equal(luns[0], 0);
        assert_int_equal(luns[1], 4);

        assert_int_equal(lunmap_assign(&m, 40, first, 2, luns, &changed), 0);
        assert_false(changed);

        /* Another TPG numbers on its own. */
        assert_int_equal(lunmap_assign(&m, 30, second, 1, luns, &changed), 0);
        assert_int_equal(luns[0], 0);
        lunmap_clear(&m);
}

static void test_lunmap_file(void **state)
{
        char *dir = make_tmpdir(), path[4096];
        const char *zvols[] = {"vm-a", "vm/disk0"};
        struct lunmap m = {0}, back = {0};
        unsigned luns[2];
        char *error = NULL, *text;
        bool changed;

        snprintf(path, sizeof(path), "%s/%s", dir, LUNMAP_FILE_NAME);
        assert_int_equal(lunmap_load(path, &m, &error), 0); /* missing: empty */
        assert_int_equal(m.n_tpgs, 0);
        assert_int_equal(lunmap_assign(&m, 40, zvols, 2, luns, &changed), 0);
        assert_int_equal(lunmap_save(path, &m), 0);
        assert_int_equal(lunmap_load(path, &back, &error), 0);
        text = lunmap_format(&back);
        assert_non_null(text);
        assert_non_null(strstr(text, "\"40\""));
        assert_non_null(strstr(text, "\"vm/disk0\": 1"));
        free(text);
        /* Reordered VLANs or a reload: the same numbers. */
        assert_int_equal(
            lunmap_assign(&back, 40, (const char *[]){"vm/disk0", "vm-a"}, 2, luns, &changed), 0);
        assert_false(changed);
        assert_int_equal(luns[0], 1);
        assert_int_equal(luns[1], 0);
        lunmap_clear(&m);
        lunmap_clear(&back);
        test_tmpdir_remove(dir);
}

static void test_lunmap_refusals(void **state)
{
        static const struct {
                const char *text;
                const char *needle;
        } cases[] = {
            {"[]", "not a JSON object"},
            {"{\"format\": 2, \"tpgs\": {}}", "$.format"},
            {"{\"format\": 1}", "$.tpgs"},
            {"{\"format\": 1, \"tpgs\": {\"0\": {}}}", "$.tpgs.0"},
            {"{\"format\": 1, \"tpgs\": {\"x\": {}}}", "$.tpgs.x"},
            {"{\"format\": 1, \"tpgs\": {\"40\": {\"a\": -1}}}", "$.tpgs.40.a"},
            {"{\"format\": 1, \"tpgs\": {\"40\": {\"a\": \"1\"}}}", "$.tpgs.40.a"},
            {"{\"format\": 1, \"tpgs\": {\"40\": {\"a\": 1, \"b\": 1}}}", "also a's"},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct lunmap m = {0};
                char *error = NULL;

                assert_int_equal(lunmap_parse(cases[i].text, &m, &error), -EINVAL);
                assert_non_null(error);
                if (!strstr(error, cases[i].needle))
                        fail_msg("case %zu: '%s' lacks '%s'", i, error, cases[i].needle);
                free(error);
                assert_int_equal(m.n_tpgs, 0);
        }
}

/* A tree as LIO shows a running client target: one TPG, one LUN, the ACLs, the portal. */
static void build_running(const char *root, const struct lio_client_tpg *t, const char *enabled)
{
        mkdirf("%s/core", root);
        mkdirf("%s/core/%s", root, LIO_CLIENT_HBA);
        mkdirf("%s/core/%s/iscsi+vm-a", root, LIO_CLIENT_HBA);
        writef(enabled, "%s/core/%s/iscsi+vm-a/enable", root, LIO_CLIENT_HBA);
        mkdirf("%s/iscsi", root);
        mkdirf("%s/iscsi/%s", root, t->target_iqn);
        mkdirf("%s/iscsi/%s/tpgt_%u", root, t->target_iqn, t->tpgt);
        writef("1\n", "%s/iscsi/%s/tpgt_%u/enable", root, t->target_iqn, t->tpgt);
        mkdirf("%s/iscsi/%s/tpgt_%u/np", root, t->target_iqn, t->tpgt);
        mkdirf("%s/iscsi/%s/tpgt_%u/np/%s", root, t->target_iqn, t->tpgt, t->portal);
        mkdirf("%s/iscsi/%s/tpgt_%u/acls", root, t->target_iqn, t->tpgt);
        for (size_t i = 0; i < t->n_initiators; i++)
                mkdirf("%s/iscsi/%s/tpgt_%u/acls/%s", root, t->target_iqn, t->tpgt,
                       t->initiators[i].iqn);
        mkdirf("%s/iscsi/%s/tpgt_%u/lun", root, t->target_iqn, t->tpgt);
        mkdirf("%s/iscsi/%s/tpgt_%u/lun/lun_0", root, t->target_iqn, t->tpgt);
        {
                char link[4096], target[4096];
                snprintf(link, sizeof(link), "%s/iscsi/%s/tpgt_%u/lun/lun_0/iscsi+vm-a", root,
                         t->target_iqn, t->tpgt);
                snprintf(target, sizeof(target), "%s/core/%s/iscsi+vm-a", root, LIO_CLIENT_HBA);
                assert_int_equal(symlink(target, link), 0);
        }
}

static void test_check(void **state)
{
        struct spec *s = load_good_spec();
        struct lio_client *cl = NULL;
        char *root = make_tmpdir(), *problem = NULL, path[4096];
        struct lio_ctx c = {.root = root};

        assert_int_equal(lio_client_from_spec(s, &cl), 0);
        assert_int_equal(lio_client_check(&c, cl, &problem), LIO_CLIENT_STOPPED);
        assert_null(problem);

        build_running(root, &cl->tpgs[0], "1\n");
        assert_int_equal(lio_client_check(&c, cl, &problem), LIO_CLIENT_RUNNING);
        assert_null(problem);

        /* A disabled backstore behind a LUN. */
        writef("0\n", "%s/core/%s/iscsi+vm-a/enable", root, LIO_CLIENT_HBA);
        assert_int_equal(lio_client_check(&c, cl, &problem), LIO_CLIENT_PARTIAL);
        assert_non_null(strstr(problem, "lun_0"));
        free(problem);
        writef("1\n", "%s/core/%s/iscsi+vm-a/enable", root, LIO_CLIENT_HBA);

        /* A missing ACL. */
        snprintf(path, sizeof(path), "%s/iscsi/%s/tpgt_40/acls/%s", root, cl->tpgs[0].target_iqn,
                 cl->tpgs[0].initiators[1].iqn);
        assert_int_equal(rmdir(path), 0);
        assert_int_equal(lio_client_check(&c, cl, &problem), LIO_CLIENT_PARTIAL);
        assert_non_null(strstr(problem, "pve-b"));
        free(problem);
        assert_int_equal(mkdir(path, 0755), 0);

        /* A missing portal, then a disabled TPG. */
        snprintf(path, sizeof(path), "%s/iscsi/%s/tpgt_40/np/%s", root, cl->tpgs[0].target_iqn,
                 cl->tpgs[0].portal);
        assert_int_equal(rmdir(path), 0);
        assert_int_equal(lio_client_check(&c, cl, &problem), LIO_CLIENT_PARTIAL);
        assert_non_null(strstr(problem, "portal"));
        free(problem);
        writef("0\n", "%s/iscsi/%s/tpgt_40/enable", root, cl->tpgs[0].target_iqn);
        assert_int_equal(lio_client_check(&c, cl, &problem), LIO_CLIENT_PARTIAL);
        assert_non_null(strstr(problem, "not enabled"));
        free(problem);

        lio_client_free(cl);
        spec_free(s);
        test_tmpdir_remove(root);
}

/* Backstores left without a target are not "stopped": stop must run again. */
static void test_check_leftover_backstore(void **state)
{
        struct spec *s = load_good_spec();
        struct lio_client *cl = NULL;
        char *root = make_tmpdir(), *problem = NULL;
        struct lio_ctx c = {.root = root};

        assert_int_equal(lio_client_from_spec(s, &cl), 0);
        mkdirf("%s/core", root);
        mkdirf("%s/core/%s", root, LIO_CLIENT_HBA);
        mkdirf("%s/core/%s/iscsi+vm-a", root, LIO_CLIENT_HBA);
        assert_int_equal(lio_client_check(&c, cl, &problem), LIO_CLIENT_PARTIAL);
        assert_non_null(strstr(problem, "no target"));
        free(problem);
        lio_client_free(cl);
        spec_free(s);
        test_tmpdir_remove(root);
}

/*
 * On a plain directory the first attribute write fails (configfs would
 * have created the file): the call fails, names the object, and removes
 * the directories it made.
 */
static void test_up_rolls_back(void **state)
{
        struct spec *s = load_good_spec();
        struct lio_client *cl = NULL;
        char *root = make_tmpdir(), path[4096];
        struct lio_ctx c = {.root = root};
        static const uint8_t secret[] = "a-secret-of-16-bytes";
        size_t index;

        assert_int_equal(lio_client_from_spec(s, &cl), 0);
        for (size_t i = 0; i < cl->tpgs[0].n_initiators; i++)
                cl->tpgs[0].initiators[i].password = cl->tpgs[0].initiators[i].password_mutual =
                    (struct lio_secret){secret, sizeof(secret) - 1};
        /* A block device every test machine has stands in for a zvol. */
        assert_int_equal(lio_client_add_backstore(cl, "san-pool/iscsi/vm-a", "1", &index), 0);
        free(cl->backstores[index].device);
        cl->backstores[index].device = strdup("/dev/null");
        assert_int_equal(lio_client_add_lun(&cl->tpgs[0], 0, index), 0);

        /* /dev/null is a character device: refused, and the HBA made for it removed. */
        mkdirf("%s/core", root);
        assert_true(lio_client_up(&c, cl) < 0);
        assert_non_null(strstr(c.error, "not a block device"));
        assert_non_null(strstr(c.error, "rolled back the 1 object"));
        snprintf(path, sizeof(path), "%s/core/%s", root, LIO_CLIENT_HBA);
        assert_int_equal(access(path, F_OK), -1);

        lio_ctx_clear(&c);
        lio_client_free(cl);
        spec_free(s);
        test_tmpdir_remove(root);
}

static void test_down_nothing(void **state)
{
        char *root = make_tmpdir();
        struct lio_ctx c = {.root = root};

        /* No target and no HBA: nothing to remove is success. */
        assert_int_equal(lio_client_down(&c, NULL), 0);
        lio_ctx_clear(&c);
        test_tmpdir_remove(root);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_from_spec),
            cmocka_unit_test(test_so_name),
            cmocka_unit_test(test_backstore_serial),
            cmocka_unit_test(test_lunmap_assign),
            cmocka_unit_test(test_lunmap_file),
            cmocka_unit_test(test_lunmap_refusals),
            cmocka_unit_test(test_check),
            cmocka_unit_test(test_check_leftover_backstore),
            cmocka_unit_test(test_up_rolls_back),
            cmocka_unit_test(test_down_nothing),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
