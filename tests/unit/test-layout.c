/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The backend layout (LUN order, peer, by-path names) on tests/fixtures/spec/good.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/layout.h"
#include "lib/spec.h"
#include "spec-util.h"

static void test_lun_order_data_then_slog(void **state)
{
        struct spec *s = load_good_spec();
        const struct spec_node *a = spec_find_node(s, "storage-a");
        struct backend_disk *disks = NULL;
        int n;

        assert_non_null(a);
        n = layout_disks(a, &disks);
        assert_int_equal(n, 5);
        assert_int_equal(layout_disk_count(a), 5);
        for (int i = 0; i < 4; i++) {
                assert_int_equal(disks[i].class, DISK_CLASS_DATA);
                assert_int_equal(disks[i].class_index, i);
                assert_int_equal(disks[i].lun, i);
        }
        assert_int_equal(disks[4].class, DISK_CLASS_SLOG);
        assert_int_equal(disks[4].class_index, 0);
        assert_int_equal(disks[4].lun, 4);
        assert_string_equal(disks[4].path, "/dev/disk/by-id/nvme-INTEL_SSDPED1D280GA_PHMB000100A1");
        free(disks);
        spec_free(s);
}

static void test_peer_and_lun_path(void **state)
{
        struct spec *s = load_good_spec();
        const struct spec_node *a = NULL, *b;
        char *path = NULL;

        assert_int_equal(layout_local_node(s, "storage-a", &a), 0);
        b = layout_peer(s, a);
        assert_non_null(b);
        assert_string_equal(b->name, "storage-b");
        assert_ptr_equal(layout_peer(s, b), a);
        assert_int_equal(layout_lun_path(s, b, 3, &path), 0);
        assert_string_equal(path, "/dev/disk/by-path/ip-10.10.10.2:3260-iscsi-"
                                  "iqn.2025-01.lab.home:storage-b-lun-3");
        free(path);
        spec_free(s);
}

static void test_local_node_refusals(void **state)
{
        struct spec *s = load_good_spec();
        const struct spec_node *n = NULL;

        assert_int_equal(layout_local_node(s, "no-such-node", &n), -ENOENT);
        assert_int_equal(layout_local_node(s, "quorum", &n), -EMEDIUMTYPE);
        assert_null(n);
        spec_free(s);
}

static void test_vdev_names_and_conf(void **state)
{
        struct spec *s = load_good_spec();
        const struct spec_node *a = NULL, *b;
        struct backend_disk *disks = NULL;
        char *alias = NULL, *conf = NULL;

        assert_int_equal(layout_local_node(s, "storage-a", &a), 0);
        b = layout_peer(s, a);
        assert_int_equal(layout_disks(b, &disks), 5);
        assert_int_equal(layout_vdev_path(b, &disks[4], &alias), 0);
        assert_string_equal(alias, "/dev/disk/by-vdev/storage-b-slog0");
        free(alias);
        free(disks);

        /* storage-a sees its own disks by id, storage-b's as its LUNs. */
        assert_int_equal(layout_vdev_conf(s, a, &conf), 0);
        assert_non_null(strstr(conf, "\nalias storage-a-data0 "
                                     "/dev/disk/by-id/ata-SAMSUNG_MZ7LH1T9HMLT_S455NA0M100001\n"));
        assert_non_null(strstr(conf, "\nalias storage-b-slog0 /dev/disk/by-path/ip-10.10.10.2:3260-"
                                     "iscsi-iqn.2025-01.lab.home:storage-b-lun-4\n"));
        free(conf);
        /* And the other way round on storage-b: the same names, other paths. */
        assert_int_equal(layout_vdev_conf(s, b, &conf), 0);
        assert_non_null(strstr(conf, "\nalias storage-a-data0 /dev/disk/by-path/ip-10.10.10.1:3260-"
                                     "iscsi-iqn.2025-01.lab.home:storage-a-lun-0\n"));
        assert_non_null(strstr(conf, "\nalias storage-b-slog0 "
                                     "/dev/disk/by-id/nvme-INTEL_SSDPED1D280GA_PHMB000200B1\n"));
        free(conf);
        spec_free(s);
}

static void test_vdev_owner(void **state)
{
        struct spec *s = load_good_spec();
        const struct spec_node *a = NULL, *b;

        assert_int_equal(layout_local_node(s, "storage-a", &a), 0);
        b = layout_peer(s, a);
        assert_ptr_equal(layout_vdev_owner(s, "/dev/disk/by-vdev/storage-a-data0"), a);
        assert_ptr_equal(layout_vdev_owner(s, "/dev/disk/by-vdev/storage-b-data1-part1"), b);
        assert_ptr_equal(layout_vdev_owner(s, "/dev/disk/by-vdev/storage-b-slog0-part12"), b);
        /* Not an alias of the description, or not quite one. */
        assert_null(layout_vdev_owner(s, "/dev/disk/by-vdev/storage-a-data9"));
        assert_null(layout_vdev_owner(s, "/dev/disk/by-vdev/storage-a-data0-part"));
        assert_null(layout_vdev_owner(s, "/dev/disk/by-vdev/storage-a-data0-partx"));
        assert_null(layout_vdev_owner(s, "/dev/disk/by-vdev/storage-a-data01"));
        assert_null(layout_vdev_owner(s, "/dev/disk/by-id/storage-a-data0"));
        assert_null(layout_vdev_owner(s, "/dev/disk/by-vdev/quorum-data0"));
        assert_null(layout_vdev_owner(s, NULL));
        spec_free(s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_lun_order_data_then_slog),
            cmocka_unit_test(test_peer_and_lun_path),
            cmocka_unit_test(test_local_node_refusals),
            cmocka_unit_test(test_vdev_names_and_conf),
            cmocka_unit_test(test_vdev_owner),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
