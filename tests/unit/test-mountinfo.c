/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mount table parser (src/shared/mountinfo.c): lines as the kernel
 * writes them (optional fields or none, escaped paths), lines that do not
 * parse, stopping early, and this process's real table.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/mountinfo.h"
#include "tmpdir-util.h"

static char *dir;
static char table_path[4096];

static const char table[] =
    "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
    "garbage that is not a mount line\n"
    "101 22 0:52 / /san-pool rw,noatime shared:60 master:3 - zfs san-pool rw,xattr\n"
    "102 101 0:53 / /san-pool/my\\040share rw,noatime - zfs san-pool/my\\040share rw\n"
    "103 22 8:17 / /mnt/back\\134slash rw - xfs /dev/sdb1 rw\n"
    "104 22 0:54 / /broken rw shared:2\n";

struct seen {
        size_t n;
        char mounts[8][64];
        char sources[8][64];
        char fstypes[8][16];
        unsigned majors[8], minors[8];
        size_t stop_after;
};

static int collect(const struct mount_entry *m, void *userdata)
{
        struct seen *s = userdata;

        snprintf(s->mounts[s->n], sizeof(s->mounts[0]), "%s", m->mount_point);
        snprintf(s->sources[s->n], sizeof(s->sources[0]), "%s", m->source);
        snprintf(s->fstypes[s->n], sizeof(s->fstypes[0]), "%s", m->fstype);
        s->majors[s->n] = m->major;
        s->minors[s->n] = m->minor;
        s->n++;
        return s->stop_after && s->n == s->stop_after ? 7 : 0;
}

static int setup(void **state)
{
        (void)state;
        dir = test_tmpdir_new("mountinfo");
        if (!dir)
                return -1;
        snprintf(table_path, sizeof(table_path), "%s/mountinfo", dir);
        FILE *f = fopen(table_path, "we");
        if (!f)
                return -1;
        fputs(table, f);
        return fclose(f);
}

static int teardown(void **state)
{
        (void)state;
        return test_tmpdir_remove(dir);
}

static void test_every_valid_line_in_order(void **state)
{
        struct seen s = {0};

        (void)state;
        assert_int_equal(mountinfo_foreach(table_path, collect, &s), 0);
        assert_int_equal(s.n, 4); /* the garbage line and the one without "-" skipped */
        assert_string_equal(s.mounts[0], "/");
        assert_string_equal(s.fstypes[0], "ext4");
        assert_string_equal(s.sources[0], "/dev/vda");
        /* Two optional fields before "-". */
        assert_string_equal(s.mounts[1], "/san-pool");
        assert_string_equal(s.fstypes[1], "zfs");
        assert_string_equal(s.sources[1], "san-pool");
        assert_int_equal(s.majors[1], 0);
        assert_int_equal(s.minors[1], 52);
        /* No optional field; escaped spaces in both paths. */
        assert_string_equal(s.mounts[2], "/san-pool/my share");
        assert_string_equal(s.sources[2], "san-pool/my share");
        assert_string_equal(s.mounts[3], "/mnt/back\\slash");
        assert_int_equal(s.majors[3], 8);
        assert_int_equal(s.minors[3], 17);
}

static void test_callback_stops_the_walk(void **state)
{
        struct seen s = {.stop_after = 2};

        (void)state;
        assert_int_equal(mountinfo_foreach(table_path, collect, &s), 7);
        assert_int_equal(s.n, 2);
}

static void test_missing_table_is_an_error(void **state)
{
        struct seen s = {0};
        char missing[4200];

        (void)state;
        snprintf(missing, sizeof(missing), "%s/none", dir);
        assert_int_equal(mountinfo_foreach(missing, collect, &s), -ENOENT);
        assert_int_equal(s.n, 0);
}

static int find_root(const struct mount_entry *m, void *userdata)
{
        struct stat *root = userdata;
        return strcmp(m->mount_point, "/") == 0 && makedev(m->major, m->minor) == root->st_dev;
}

/* The kernel's own table names the root filesystem with the device stat() reports. */
static void test_real_table_has_root(void **state)
{
        struct stat root;

        (void)state;
        assert_int_equal(stat("/", &root), 0);
        assert_int_equal(mountinfo_foreach(MOUNTINFO_PATH, find_root, &root), 1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_every_valid_line_in_order),
            cmocka_unit_test(test_callback_stops_the_walk),
            cmocka_unit_test(test_missing_table_is_an_error),
            cmocka_unit_test(test_real_table_has_root),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
