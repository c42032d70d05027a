/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Outdated mirror halves: counting each node's halves in a pool's status,
 * and the mark's round trip through the real crm_attribute against a CIB
 * file (CIB_file, Pacemaker's offline mode; needs pacemaker-cli-utils).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/layout.h"
#include "lib/outdated.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "spec-util.h"

#define LEAF(p, s)                                                                                 \
        {                                                                                          \
                .name = (char *)(p), .path = (char *)(p), .state = (char *)(s)                     \
        }

static void test_count_by_owner(void **state)
{
        struct spec *s = load_good_spec();
        const struct spec_node *a = NULL, *b;
        struct zpool_leaf leaves[] = {
            LEAF("/dev/disk/by-vdev/storage-a-data0-part1", "UNAVAIL"),
            LEAF("/dev/disk/by-vdev/storage-b-data0-part1", "ONLINE"),
            LEAF("/dev/disk/by-vdev/storage-a-data1-part1", "ONLINE"),
            LEAF("/dev/disk/by-vdev/storage-b-data1-part1", "ONLINE"),
            LEAF("/dev/disk/by-vdev/storage-a-slog0-part1", "REMOVED"),
            LEAF("/dev/disk/by-vdev/storage-b-slog0-part1", "ONLINE"),
            LEAF("/dev/sdz1", "ONLINE"),
        };
        struct zpool_status st = {.leaves = leaves, .n_leaves = ELEMENTSOF(leaves)};
        struct outdated_halves h;
        unsigned unowned;

        assert_int_equal(layout_local_node(s, "storage-a", &a), 0);
        b = layout_peer(s, a);
        outdated_count(s, &st, a, &h, &unowned);
        assert_int_equal(h.total, 3);
        assert_int_equal(h.online, 1);
        assert_int_equal(unowned, 1);
        outdated_count(s, &st, b, &h, NULL);
        assert_int_equal(h.total, 3);
        assert_int_equal(h.online, 3);
        spec_free(s);
}

static void test_resilver_running(void **state)
{
        struct zpool_status st = {0};

        assert_false(outdated_resilver_running(&st));
        st.scan_function = (char *)"RESILVER";
        st.scan_state = (char *)"FINISHED";
        assert_false(outdated_resilver_running(&st));
        st.scan_state = (char *)"SCANNING";
        assert_true(outdated_resilver_running(&st));
        st.scan_function = (char *)"SCRUB";
        assert_false(outdated_resilver_running(&st));
}

static const char cib[] =
    "<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.9\" epoch=\"1\" "
    "num_updates=\"0\" admin_epoch=\"0\">\n"
    "  <configuration>\n"
    "    <crm_config/>\n"
    "    <nodes>\n"
    "      <node id=\"1\" uname=\"storage-a\"/>\n"
    "      <node id=\"2\" uname=\"storage-b\"/>\n"
    "    </nodes>\n"
    "    <resources/>\n"
    "    <constraints/>\n"
    "  </configuration>\n"
    "  <status/>\n"
    "</cib>\n";

static void test_mark_round_trip(void **state)
{
        char dir[] = "/tmp/test-outdated.XXXXXX", path[64], why[256] = "";
        char *since = NULL, *xml = NULL;
        bool marked = true;
        size_t size;
        FILE *f;

        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/cib.xml", dir);
        f = fopen(path, "w");
        assert_non_null(f);
        fputs(cib, f);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(setenv("CIB_file", path, 1), 0);

        assert_int_equal(outdated_get("san-pool", "storage-a", &marked, &since, why, sizeof(why)),
                         0);
        assert_false(marked);
        assert_string_equal(since, "");
        free(since);

        assert_int_equal(outdated_mark("san-pool", "storage-a", why, sizeof(why)), 0);
        assert_int_equal(outdated_get("san-pool", "storage-a", &marked, &since, why, sizeof(why)),
                         0);
        assert_true(marked);
        /* 2026-11-24T22:00:00Z */
        assert_int_equal(strlen(since), 20);
        assert_int_equal(since[19], 'Z');
        free(since);
        /* The other node and another pool are not touched. */
        assert_int_equal(outdated_get("san-pool", "storage-b", &marked, NULL, why, sizeof(why)), 0);
        assert_false(marked);
        assert_int_equal(outdated_get("other", "storage-a", &marked, NULL, why, sizeof(why)), 0);
        assert_false(marked);
        /* A permanent node attribute, in the configuration's nodes section. */
        assert_int_equal(read_full_file(path, &xml, &size), 0);
        assert_non_null(strstr(xml, "name=\"hasan-outdated-san-pool\""));
        free(xml);

        assert_int_equal(outdated_clear("san-pool", "storage-a", why, sizeof(why)), 0);
        assert_int_equal(outdated_get("san-pool", "storage-a", &marked, NULL, why, sizeof(why)), 0);
        assert_false(marked);
        /* Clearing what is not marked is no error. */
        assert_int_equal(outdated_clear("san-pool", "storage-a", why, sizeof(why)), 0);

        /* A node the CIB does not know: an error that says so. */
        assert_true(outdated_get("san-pool", "nosuch", &marked, NULL, why, sizeof(why)) < 0);
        assert_non_null(strstr(why, "crm_attribute"));

        unlink(path);
        rmdir(dir);
        unsetenv("CIB_file");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_count_by_owner),
            cmocka_unit_test(test_resilver_running),
            cmocka_unit_test(test_mark_round_trip),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
