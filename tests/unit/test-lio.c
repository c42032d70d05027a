/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The backend target's pure logic: configfs names, serials, CHAP secret
 * rules, the parsers of what configfs reads back, the desired state built
 * from tests/fixtures/spec/good.json and how a state is classified. The
 * kernel is not needed: the operations are only driven down the paths
 * that end before configfs is touched (LIO missing, the pool imported
 * here, a missing disk or secret), and an empty directory as root shows
 * that a failed call removes what it created.
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

#include "lib/lio.h"
#include "lib/spec.h"
#include "spec-util.h"
#include "tmpdir-util.h"

static struct lio_backend *backend_of(struct spec *s, const char *node)
{
        struct lio_backend *b = NULL;

        assert_int_equal(lio_backend_from_spec(s, spec_find_node(s, node), &b), 0);
        return b;
}

/* Collected report lines. */
struct lines {
        char buf[16384];
};

static void collect(void *userdata, const char *line)
{
        struct lines *l = userdata;
        size_t n = strlen(l->buf);

        snprintf(l->buf + n, sizeof(l->buf) - n, "%s\n", line);
}

static char *make_tmpdir(void)
{
        char *dir = test_tmpdir_new("lio");

        assert_non_null(dir);
        return dir;
}

static bool dir_is_empty(const char *dir)
{
        char cmd[4096];
        struct stat st;

        snprintf(cmd, sizeof(cmd), "%s/iscsi", dir);
        if (stat(cmd, &st) == 0)
                return false;
        snprintf(cmd, sizeof(cmd), "%s/core", dir);
        return stat(cmd, &st) < 0;
}

/* ---- names ---- */

static void test_names(void **state)
{
        char buf[32];
        unsigned lun;

        assert_int_equal(lio_hba_name(0, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "iblock_4000");
        assert_int_equal(lio_hba_name(999, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "iblock_4999");
        assert_int_equal(lio_hba_name(1000, buf, sizeof(buf)), -ERANGE);
        assert_int_equal(lio_storage_object_name(4, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "backend-lun4");
        assert_int_equal(lio_storage_object_name(3, buf, 8), -ENAMETOOLONG);

        assert_int_equal(lio_hba_lun("iblock_4000", &lun), 0);
        assert_int_equal(lun, 0);
        assert_int_equal(lio_hba_lun("iblock_4999", &lun), 0);
        assert_int_equal(lun, 999);
        /* Not ours: other ranges, other plugins, default groups, non-canonical numbers. */
        assert_int_equal(lio_hba_lun("iblock_5000", &lun), -ENOENT);
        assert_int_equal(lio_hba_lun("iblock_3999", &lun), -ENOENT);
        assert_int_equal(lio_hba_lun("iblock_0", &lun), -ENOENT);
        assert_int_equal(lio_hba_lun("iblock_04000", &lun), -ENOENT);
        assert_int_equal(lio_hba_lun("fileio_4000", &lun), -ENOENT);
        assert_int_equal(lio_hba_lun("alua", &lun), -ENOENT);
        assert_int_equal(lio_hba_lun("iblock_4000x", &lun), -ENOENT);

        assert_int_equal(lio_lun_dir_number("lun_0", &lun), 0);
        assert_int_equal(lun, 0);
        assert_int_equal(lio_lun_dir_number("lun_12", &lun), 0);
        assert_int_equal(lun, 12);
        assert_int_equal(lio_lun_dir_number("lun_012", &lun), -EINVAL);
        assert_int_equal(lio_lun_dir_number("lun_", &lun), -EINVAL);
        assert_int_equal(lio_lun_dir_number("attrib", &lun), -EINVAL);
}

static void test_unit_serial(void **state)
{
        char a[LIO_SERIAL_SIZE], b[LIO_SERIAL_SIZE];
        char seen[10][26];
        int k = 0;

        /* Pinned: computed independently (Python hashlib). */
        assert_int_equal(lio_unit_serial("storage-a", 0, a), 0);
        assert_string_equal(a, "9f949858-c872-2f13-8e3b-a198272f7803");
        assert_int_equal(lio_unit_serial("storage-b", 4, a), 0);
        assert_string_equal(a, "24f40be9-72ed-2fbe-d82c-478c525f0364");
        assert_int_equal(lio_unit_serial("storage-b", 4, b), 0);
        assert_string_equal(a, b);
        assert_int_equal(lio_unit_serial("", 0, a), -EINVAL);

        /*
         * LIO's NAA designator takes the first 25 hex digits of the serial:
         * they must differ for every LUN of both nodes.
         */
        for (int n = 0; n < 2; n++)
                for (unsigned lun = 0; lun < 5; lun++, k++) {
                        int d = 0;
                        assert_int_equal(lio_unit_serial(n ? "storage-b" : "storage-a", lun, a), 0);
                        for (const char *p = a; *p && d < 25; p++)
                                if (*p != '-')
                                        seen[k][d++] = *p;
                        seen[k][d] = '\0';
                        for (int i = 0; i < k; i++)
                                assert_string_not_equal(seen[i], seen[k]);
                }
}

static void test_chap_secret_rules(void **state)
{
        uint8_t big[256];

        memset(big, 'x', sizeof(big));
        assert_null(lio_chap_secret_problem((const uint8_t *)"s3cret-Secret!", 14));
        assert_null(lio_chap_secret_problem(big, 255));
        assert_non_null(lio_chap_secret_problem(big, 256));
        assert_non_null(lio_chap_secret_problem(NULL, 0));
        assert_non_null(lio_chap_secret_problem((const uint8_t *)"", 0));
        assert_non_null(lio_chap_secret_problem((const uint8_t *)"with space", 10));
        assert_non_null(lio_chap_secret_problem((const uint8_t *)"line\n", 5));
        assert_non_null(lio_chap_secret_problem((const uint8_t *)"caf\xc3\xa9", 5));
        assert_non_null(strstr(lio_chap_secret_problem((const uint8_t *)"NULLsecret", 10), "NULL"));
}

/* ---- parsers ---- */

static void test_parse_unit_serial(void **state)
{
        assert_string_equal(lio_parse_unit_serial(
                                "T10 VPD Unit Serial Number: 9f949858-c872-2f13-8e3b-a198272f7803"),
                            "9f949858-c872-2f13-8e3b-a198272f7803");
        assert_string_equal(lio_parse_unit_serial("T10 VPD Unit Serial Number: "), "");
        assert_string_equal(lio_parse_unit_serial("plain"), "plain");
}

static void test_parse_iblock_info(void **state)
{
        const char *enabled = "Status: ACTIVATED  Max Queue Depth: 128  SectorSize: 512  "
                              "HwMaxSectors: 1024\n"
                              "iBlock device: sdb  UDEV PATH: /dev/sdb  readonly: 0\n"
                              "        Major: 8 Minor: 16  CLAIMED: IBLOCK\n";
        const char *idle = "Status: DEACTIVATED  Max Queue Depth: 0  SectorSize: 512  "
                           "HwMaxSectors: 1024\n"
                           "  UDEV PATH: /dev/sdb  readonly: 0\n"
                           "        Major: 0 Minor: 0\n";
        unsigned major = 0, minor = 0;

        assert_int_equal(lio_parse_iblock_device(enabled, &major, &minor), 0);
        assert_int_equal(major, 8);
        assert_int_equal(minor, 16);
        assert_int_equal(lio_parse_iblock_device(idle, &major, &minor), -ENODATA);
        assert_int_equal(lio_parse_iblock_device("garbage", &major, &minor), -EINVAL);
}

static void test_parse_acl_info(void **state)
{
        const char *none = "No active iSCSI Session for Initiator Endpoint: "
                           "iqn.2025-01.lab.home:storage-b-initiator\n";
        const char *in = "InitiatorName: iqn.2025-01.lab.home:storage-b-initiator\n"
                         "InitiatorAlias: storage-b\n"
                         "LIO Session ID: 1   ISID: 0x00023d000001  TSIH: 1  SessionType: Normal\n"
                         "Session State: TARG_SESS_STATE_LOGGED_IN\n";
        const char *failed = "InitiatorName: iqn.2025-01.lab.home:storage-b-initiator\n"
                             "Session State: TARG_SESS_STATE_FAILED\n";

        assert_int_equal(lio_parse_acl_info(none), LIO_SESSION_NONE);
        assert_int_equal(lio_parse_acl_info(in), LIO_SESSION_LOGGED_IN);
        assert_int_equal(lio_parse_acl_info(failed), LIO_SESSION_OTHER);
        assert_int_equal(lio_parse_acl_info(""), LIO_SESSION_UNKNOWN);
        assert_string_equal(lio_session_to_string(LIO_SESSION_LOGGED_IN), "logged-in");
}

static void test_link_points_to(void **state)
{
        const char *so = "core/iblock_4000/backend-lun0";

        /* As written (absolute) and as configfs reads it back (relative). */
        assert_true(
            lio_link_points_to("/sys/kernel/config/target/core/iblock_4000/backend-lun0", so));
        assert_true(
            lio_link_points_to("../../../../../../target/core/iblock_4000/backend-lun0", so));
        assert_false(lio_link_points_to("../../target/core/iblock_14000/backend-lun0", so));
        assert_false(lio_link_points_to("../../target/core/iblock_4000/backend-lun01", so));
        assert_false(lio_link_points_to("../../target/xcore/iblock_4000/backend-lun0", so));
        assert_false(lio_link_points_to(so, so));
        assert_false(lio_link_points_to("/a/b", ""));
        assert_true(lio_link_points_to("../../../../iscsi/iqn.x:a/tpgt_1/lun/lun_3",
                                       "iscsi/iqn.x:a/tpgt_1/lun/lun_3"));
        assert_false(lio_link_points_to("../../../../iscsi/iqn.x:b/tpgt_1/lun/lun_3",
                                        "iscsi/iqn.x:a/tpgt_1/lun/lun_3"));
}

/* ---- the desired state ---- */

static void test_backend_from_spec(void **state)
{
        struct spec *s = load_good_spec();
        struct lio_backend *a = backend_of(s, "storage-a"), *b = backend_of(s, "storage-b");
        struct lio_backend *q = NULL;

        assert_string_equal(a->node, "storage-a");
        assert_string_equal(a->target_iqn, "iqn.2025-01.lab.home:storage-a");
        /* The one ACL is the peer's initiator. */
        assert_string_equal(a->initiator_iqn, "iqn.2025-01.lab.home:storage-b-initiator");
        assert_string_equal(b->initiator_iqn, "iqn.2025-01.lab.home:storage-a-initiator");
        assert_string_equal(a->portal, "10.10.10.1:3260");
        assert_string_equal(b->portal, "10.10.10.2:3260");
        assert_string_equal(a->pool, "san-pool");
        /* This node's own credentials: the secrets its target checks. */
        assert_string_equal(a->credential, "backend-storage-a");
        assert_string_equal(a->mutual_credential, "backend-storage-a-mutual");
        assert_null(a->password.data);

        assert_int_equal(a->n_luns, 5);
        for (unsigned i = 0; i < 5; i++)
                assert_int_equal(a->luns[i].lun, i);
        assert_string_equal(a->luns[0].device,
                            "/dev/disk/by-id/ata-SAMSUNG_MZ7LH1T9HMLT_S455NA0M100001");
        assert_string_equal(a->luns[4].device,
                            "/dev/disk/by-id/nvme-INTEL_SSDPED1D280GA_PHMB000100A1");
        assert_string_equal(a->luns[0].serial, "9f949858-c872-2f13-8e3b-a198272f7803");

        assert_int_equal(lio_backend_from_spec(s, spec_find_node(s, "quorum"), &q), -ENODEV);
        assert_null(q);

        lio_backend_free(a);
        lio_backend_free(b);
        spec_free(s);
}

/* ---- classification ---- */

static struct lio_status full_status(struct lio_lun_status *luns, size_t n)
{
        for (size_t i = 0; i < n; i++)
                luns[i] = (struct lio_lun_status){
                    .lun = (unsigned)i,
                    .present = true,
                    .backstore = true,
                    .enabled = true,
                    .device_matches = true,
                    .serial_matches = true,
                    .tpg_lun = true,
                    .mapped = true,
                };
        return (struct lio_status){
            .available = true,
            .target = true,
            .tpg = true,
            .tpg_enabled = true,
            .portal = true,
            .attributes = true,
            .acl = true,
            .chap_userid = true,
            .chap_userid_mutual = true,
            .chap_readable = true,
            .chap_password = true,
            .chap_password_mutual = true,
            .session = LIO_SESSION_NONE,
            .luns = luns,
            .n_luns = n,
        };
}

static void test_classification(void **state)
{
        struct lio_lun_status luns[3];
        struct lio_status s = full_status(luns, 3);
        char *stray = (char *)"tpg lun_7";

        assert_int_equal(lio_status_export(&s), LIO_EXPORT_FULL);
        assert_string_equal(lio_export_to_string(LIO_EXPORT_FULL), "exported");

        /* One LUN's mapping missing: partial. */
        luns[1].mapped = false;
        assert_false(lio_lun_status_complete(&luns[1]));
        assert_int_equal(lio_status_export(&s), LIO_EXPORT_PARTIAL);

        /* All LUNs, but the TPG disabled: partial. */
        s = full_status(luns, 3);
        s.tpg_enabled = false;
        assert_false(lio_status_skeleton_complete(&s));
        assert_int_equal(lio_status_export(&s), LIO_EXPORT_PARTIAL);

        /* Passwords that cannot be read (not root) do not count against it. */
        s = full_status(luns, 3);
        s.chap_readable = false;
        s.chap_password = s.chap_password_mutual = false;
        assert_int_equal(lio_status_export(&s), LIO_EXPORT_FULL);

        /* The skeleton alone, complete or not, exports nothing. */
        s = full_status(luns, 3);
        for (int i = 0; i < 3; i++)
                luns[i] = (struct lio_lun_status){.lun = (unsigned)i};
        assert_int_equal(lio_status_export(&s), LIO_EXPORT_NONE);
        s.portal = false;
        assert_int_equal(lio_status_export(&s), LIO_EXPORT_NONE);

        /* ... but a leftover LUN beyond the description is something. */
        s.stray_luns = &stray;
        s.n_stray_luns = 1;
        assert_int_equal(lio_status_export(&s), LIO_EXPORT_PARTIAL);

        /* A leftover backstore of one disk, nothing else: partial (it holds the disk). */
        s = full_status(luns, 3);
        for (int i = 0; i < 3; i++)
                luns[i] = (struct lio_lun_status){.lun = (unsigned)i};
        luns[2].present = luns[2].backstore = true;
        assert_int_equal(lio_status_export(&s), LIO_EXPORT_PARTIAL);

        /* No LIO at all: nothing exported. */
        s = (struct lio_status){.available = false};
        assert_int_equal(lio_status_export(&s), LIO_EXPORT_NONE);
}

/* ---- operations, as far as they go without the kernel ---- */

static void test_pool_imported(void **state)
{
        char *dir = make_tmpdir(), path[4096];
        struct lio_ctx c = {.zfs_kstat = dir};

        assert_int_equal(lio_pool_imported(&c, "san-pool"), 0);
        snprintf(path, sizeof(path), "%s/san-pool", dir);
        assert_int_equal(mkdir(path, 0755), 0);
        assert_int_equal(lio_pool_imported(&c, "san-pool"), 1);
        assert_int_equal(lio_pool_imported(&c, "other"), 0);
        assert_int_equal(lio_pool_imported(&c, "../etc"), -EINVAL);
        assert_int_equal(lio_pool_imported(&c, ""), -EINVAL);
        c.zfs_kstat = "/nonexistent/kstat";
        assert_int_equal(lio_pool_imported(&c, "san-pool"), 0);
        test_tmpdir_remove(dir);
}

static void test_without_lio(void **state)
{
        struct spec *s = load_good_spec();
        struct lio_backend *b = backend_of(s, "storage-a");
        struct lines out = {{0}};
        struct lio_ctx c = {.root = "/nonexistent/target", .report = collect, .userdata = &out};
        struct lio_status st;

        assert_int_equal(lio_available(&c), -ENOENT);

        /* Nothing to stop is success. */
        assert_int_equal(lio_unexport(&c, b->target_iqn), 0);
        assert_non_null(strstr(out.buf, "LIO is not loaded: nothing is exported"));
        assert_int_equal(lio_target_down(&c, b->target_iqn), 0);

        assert_int_equal(lio_export(&c, b), -ENOENT);
        assert_string_equal(c.error, "LIO is not available (/nonexistent/target does not exist): "
                                     "load target_core_mod and iscsi_target_mod and mount "
                                     "configfs");
        assert_int_equal(lio_target_up(&c, b), -ENOENT);

        assert_int_equal(lio_read_status(&c, b, &st), 0);
        assert_false(st.available);
        assert_int_equal(st.n_luns, 5);
        assert_string_equal(st.luns[3].device, b->luns[3].device);
        assert_int_equal(lio_status_export(&st), LIO_EXPORT_NONE);
        lio_status_clear(&st);

        lio_ctx_clear(&c);
        lio_backend_free(b);
        spec_free(s);
}

static void test_export_refusals_change_nothing(void **state)
{
        struct spec *s = load_good_spec();
        struct lio_backend *b = backend_of(s, "storage-a");
        char *root = make_tmpdir(), *kstat = make_tmpdir(), path[4096];
        struct lio_ctx c = {.root = root, .zfs_kstat = kstat};

        /* The pool imported here: refused before anything else. */
        snprintf(path, sizeof(path), "%s/san-pool", kstat);
        assert_int_equal(mkdir(path, 0755), 0);
        assert_int_equal(lio_export(&c, b), -EBUSY);
        assert_string_equal(c.error,
                            "cannot export the disks of storage-a: pool 'san-pool' is imported on "
                            "this node; the backend exports disks only on the node that does "
                            "not hold the pool");
        assert_true(dir_is_empty(root));
        assert_int_equal(rmdir(path), 0);

        /* A disk that does not exist: refused before anything is created. */
        assert_int_equal(lio_export(&c, b), -ENOENT);
        assert_string_equal(c.error, "cannot export lun 0: disk "
                                     "/dev/disk/by-id/ata-SAMSUNG_MZ7LH1T9HMLT_S455NA0M100001 "
                                     "does not exist");
        assert_true(dir_is_empty(root));

        /* A disk that is no block device. */
        b->luns[0].device = "/dev/null";
        assert_int_equal(lio_export(&c, b), -ENOTBLK);
        assert_string_equal(c.error, "cannot export lun 0: /dev/null is not a block device");
        assert_true(dir_is_empty(root));

        /* Secrets that were not loaded, or cannot be CHAP secrets. */
        assert_int_equal(lio_target_up(&c, b), -ENOKEY);
        assert_string_equal(c.error, "the secret of credential 'backend-storage-a' was not loaded");
        b->password = (struct lio_secret){(const uint8_t *)"NULLpassword", 12};
        b->password_mutual = (struct lio_secret){(const uint8_t *)"mutual-secret", 13};
        assert_int_equal(lio_target_up(&c, b), -EINVAL);
        assert_non_null(strstr(c.error, "credential 'backend-storage-a' cannot be a CHAP secret: "
                                        "it starts with 'NULL'"));
        assert_null(strstr(c.error, "NULLpassword"));
        assert_true(dir_is_empty(root));

        lio_ctx_clear(&c);
        test_tmpdir_remove(root);
        test_tmpdir_remove(kstat);
        lio_backend_free(b);
        spec_free(s);
}

/*
 * An empty directory as root lets the first directories be made, and the
 * first attribute write fails (no attrib/ appears): the call must remove
 * what it made and say so.
 */
static void test_failed_call_rolls_back(void **state)
{
        struct spec *s = load_good_spec();
        struct lio_backend *b = backend_of(s, "storage-a");
        char *root = make_tmpdir(), path[4096];
        struct lines out = {{0}};
        struct lio_ctx c = {.root = root, .report = collect, .userdata = &out};
        struct stat st;

        b->password = (struct lio_secret){(const uint8_t *)"backend-secret-a", 16};
        b->password_mutual = (struct lio_secret){(const uint8_t *)"mutual-secret-a", 15};
        assert_int_equal(lio_target_up(&c, b), -ENOENT);
        assert_non_null(strstr(c.error, "cannot set attrib/authentication=1 on tpg 1 of "
                                        "iqn.2025-01.lab.home:storage-a"));
        assert_non_null(strstr(c.error, "; rolled back: removed the 2 objects this run created; "
                                        "what existed before was kept"));
        assert_non_null(strstr(out.buf, "target iqn.2025-01.lab.home:storage-a: created\n"));
        assert_non_null(strstr(out.buf, "tpg 1: created\n"));
        /* Secrets never appear in reports or errors. */
        assert_null(strstr(out.buf, "backend-secret-a"));
        assert_null(strstr(c.error, "backend-secret-a"));

        snprintf(path, sizeof(path), "%s/iscsi/%s", root, b->target_iqn);
        assert_int_equal(stat(path, &st), -1);
        /* The fabric directory is the kernel's (module registration), not ours to undo. */
        snprintf(path, sizeof(path), "%s/iscsi", root);
        assert_int_equal(stat(path, &st), 0);

        lio_ctx_clear(&c);
        test_tmpdir_remove(root);
        lio_backend_free(b);
        spec_free(s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_names),
            cmocka_unit_test(test_unit_serial),
            cmocka_unit_test(test_chap_secret_rules),
            cmocka_unit_test(test_parse_unit_serial),
            cmocka_unit_test(test_parse_iblock_info),
            cmocka_unit_test(test_parse_acl_info),
            cmocka_unit_test(test_link_points_to),
            cmocka_unit_test(test_backend_from_spec),
            cmocka_unit_test(test_classification),
            cmocka_unit_test(test_pool_imported),
            cmocka_unit_test(test_without_lio),
            cmocka_unit_test(test_export_refusals_change_nothing),
            cmocka_unit_test(test_failed_call_rolls_back),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
