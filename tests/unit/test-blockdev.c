/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Disk facts and wiping (src/lib/blockdev.c) on regular files holding real
 * signatures: an ext4 made by mkfs.ext4, a DOS label written byte by byte,
 * a GPT made by sfdisk. The file-based tests need BLOCKDEV_ALLOW_REGULAR,
 * which the CLI never passes; exclusive-open detection needs a real block
 * device and is left to runs on the lab's disks.
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

#include "lib/blockdev.h"
#include "shared/macro.h"
#include "shared/spawn.h"
#include "tmpdir-util.h"

#define IMAGE_SIZE (16u * 1024u * 1024u)

static char *dir;

static int setup(void **state)
{
        dir = test_tmpdir_new("blockdev");
        return dir ? 0 : -1;
}

static int teardown(void **state)
{
        int r = test_tmpdir_remove(dir);

        dir = NULL;
        return r;
}

/* A fresh zero-filled image called name in the test directory. */
static char *image(const char *name, size_t size)
{
        char *path = NULL;
        int fd;

        assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
        unlink(path);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t)size), 0);
        close(fd);
        return path;
}

/* Run a tool on an image; false when the tool is not installed (the test skips). */
static bool run_tool(char *const argv[], const char *input)
{
        struct spawn_options o = {.timeout_ms = 30000};
        struct spawn_result r = {0};
        int k;

        if (input) {
                o.stdin_data = input;
                o.stdin_size = strlen(input);
        }
        k = spawn_run(argv, &o, &r);
        if (k == -ENOENT)
                return false;
        assert_int_equal(k, 0);
        if (!spawn_result_success(&r))
                fail_msg("%s failed: %s", argv[0], r.err);
        spawn_result_clear(&r);
        return true;
}

static uint8_t *slurp(const char *path)
{
        uint8_t *buf = malloc(IMAGE_SIZE);
        int fd = open(path, O_RDONLY | O_CLOEXEC);

        assert_non_null(buf);
        assert_true(fd >= 0);
        assert_int_equal(pread(fd, buf, IMAGE_SIZE, 0), (ssize_t)IMAGE_SIZE);
        close(fd);
        return buf;
}

/* A DOS label: one Linux partition from sector 2048 to the end, then the 0x55aa magic. */
static void write_dos_label(const char *path)
{
        uint8_t mbr[66] = {0};
        uint32_t start = 2048, sectors = IMAGE_SIZE / 512 - 2048;
        int fd;

        mbr[4] = 0x83;
        memcpy(&mbr[8], &start, 4);
        memcpy(&mbr[12], &sectors, 4);
        mbr[64] = 0x55;
        mbr[65] = 0xaa;
        /* The partition table and the magic only: the boot code before them stays. */
        fd = open(path, O_WRONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(pwrite(fd, mbr, sizeof(mbr), 446), (ssize_t)sizeof(mbr));
        close(fd);
}

static const struct blockdev_signature *find_sig(const struct blockdev_info *d, const char *type)
{
        for (size_t i = 0; i < d->n_signatures; i++)
                if (strcmp(d->signatures[i].type, type) == 0)
                        return &d->signatures[i];
        return NULL;
}

/* The signature of that type; the test fails when there is none. */
static const struct blockdev_signature *must_find_sig(const struct blockdev_info *d,
                                                      const char *type)
{
        const struct blockdev_signature *sig = find_sig(d, type);

        if (!sig) {
                fail_msg("no %s signature found", type);
                abort(); /* not reached: tells the compiler sig is not NULL below */
        }
        return sig;
}

static void assert_clean_after_wipe(const char *path, unsigned min_wiped)
{
        struct blockdev_info d = {0};
        unsigned wiped = 0;

        assert_int_equal(blockdev_wipe(path, BLOCKDEV_ALLOW_REGULAR, &wiped), 0);
        assert_true(wiped >= min_wiped);
        assert_int_equal(blockdev_probe(path, BLOCKDEV_ALLOW_REGULAR, &d), 0);
        assert_int_equal(d.error, 0);
        if (d.n_signatures > 0)
                fail_msg("'%s' still carries %s after the wipe", path, d.signatures[0].type);
        assert_int_equal(d.size, IMAGE_SIZE);
        blockdev_info_clear(&d);

        /* A second wipe finds nothing to do. */
        assert_int_equal(blockdev_wipe(path, BLOCKDEV_ALLOW_REGULAR, &wiped), 0);
        assert_int_equal(wiped, 0);
}

static void test_missing_and_dangling(void **state)
{
        _cleanup_free_ char *missing = NULL, *link = NULL;
        struct blockdev_info d = {0};

        assert_true(asprintf(&missing, "%s/no-such-disk", dir) > 0);
        assert_int_equal(blockdev_probe(missing, 0, &d), 0);
        assert_string_equal(d.path, missing);
        assert_false(d.exists);
        assert_null(d.resolved);
        blockdev_info_clear(&d);

        /* A by-id link whose disk went away. */
        assert_true(asprintf(&link, "%s/dangling", dir) > 0);
        unlink(link);
        assert_int_equal(symlink(missing, link), 0);
        assert_int_equal(blockdev_probe(link, 0, &d), 0);
        assert_false(d.exists);
        blockdev_info_clear(&d);

        assert_int_equal(blockdev_probe("", 0, &d), -EINVAL);
        assert_int_equal(blockdev_wipe(missing, BLOCKDEV_ALLOW_REGULAR, NULL), -ENOENT);
}

static void test_regular_file_is_no_disk_by_default(void **state)
{
        _cleanup_free_ char *path = image("plain", IMAGE_SIZE);
        struct blockdev_info d = {0};

        assert_int_equal(blockdev_probe(path, 0, &d), 0);
        assert_true(d.exists);
        assert_false(d.is_block);
        assert_true(d.is_regular_file);
        assert_int_equal(d.n_signatures, 0);
        blockdev_info_clear(&d);
        assert_int_equal(blockdev_wipe(path, 0, NULL), -ENOTBLK);

        assert_int_equal(blockdev_probe("/dev/null", BLOCKDEV_ALLOW_REGULAR, &d), 0);
        assert_true(d.exists);
        assert_false(d.is_block);
        blockdev_info_clear(&d);
        assert_int_equal(blockdev_wipe("/dev/null", BLOCKDEV_ALLOW_REGULAR, NULL), -ENOTBLK);
}

static void test_blank_image_through_a_link(void **state)
{
        _cleanup_free_ char *path = image("blank", IMAGE_SIZE), *link = NULL;
        struct blockdev_info d = {0};

        /* The description names disks by links; facts are about their target. */
        assert_true(asprintf(&link, "%s/by-id-blank", dir) > 0);
        unlink(link);
        assert_int_equal(symlink(path, link), 0);
        assert_int_equal(blockdev_probe(link, BLOCKDEV_ALLOW_REGULAR, &d), 0);
        assert_string_equal(d.path, link);
        assert_string_equal(d.resolved, path);
        assert_true(d.exists);
        assert_true(d.is_block);
        assert_int_equal(d.error, 0);
        assert_int_equal(d.size, IMAGE_SIZE);
        assert_false(d.busy);
        assert_int_equal(d.n_signatures, 0);
        blockdev_info_clear(&d);
}

static void test_ext4_found_and_wiped(void **state)
{
        _cleanup_free_ char *path = image("ext4", IMAGE_SIZE), *text = NULL;
        char *argv[] = {"mkfs.ext4", "-F", "-q", path, NULL};
        const struct blockdev_signature *sig;
        struct blockdev_info d = {0};

        if (!run_tool(argv, NULL))
                skip();
        assert_int_equal(blockdev_probe(path, BLOCKDEV_ALLOW_REGULAR, &d), 0);
        sig = must_find_sig(&d, "ext4");
        assert_false(sig->partition_table);
        /* The superblock starts at 1024; its magic is 56 bytes in. */
        assert_int_equal(sig->offset, 1024 + 56);
        assert_int_equal(blockdev_signatures_describe(&d, &text), 0);
        assert_non_null(strstr(text, "ext4 at 1080"));
        blockdev_info_clear(&d);

        assert_clean_after_wipe(path, 1);
}

static void test_dos_label_found_and_wiped(void **state)
{
        _cleanup_free_ char *path = image("dos", IMAGE_SIZE);
        const struct blockdev_signature *sig;
        struct blockdev_info d = {0};

        write_dos_label(path);

        assert_int_equal(blockdev_probe(path, BLOCKDEV_ALLOW_REGULAR, &d), 0);
        sig = must_find_sig(&d, "dos");
        assert_true(sig->partition_table);
        assert_int_equal(sig->offset, 510);
        blockdev_info_clear(&d);

        assert_clean_after_wipe(path, 1);
}

static void test_gpt_and_its_backup_wiped(void **state)
{
        _cleanup_free_ char *path = image("gpt", IMAGE_SIZE);
        _cleanup_free_ uint8_t *before = NULL, *after = NULL;
        char *argv[] = {"sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", path, NULL};
        const struct blockdev_signature *sig;
        struct blockdev_info d = {0};

        if (!run_tool(argv, "label: gpt\n,,L\n"))
                skip();
        /* The primary header, the backup header in the last sector, the protective MBR. */
        before = slurp(path);
        assert_int_equal(blockdev_probe(path, BLOCKDEV_ALLOW_REGULAR, &d), 0);
        /* Listing the backups hides each magic in memory only: not a byte changes. */
        after = slurp(path);
        assert_memory_equal(before, after, IMAGE_SIZE);
        assert_int_equal(d.n_signatures, 3);
        sig = must_find_sig(&d, "gpt");
        assert_true(sig->partition_table);
        assert_int_equal(sig->offset, 512);
        assert_string_equal(d.signatures[1].type, "gpt");
        assert_int_equal(d.signatures[1].offset, IMAGE_SIZE - 512);
        sig = must_find_sig(&d, "PMBR");
        assert_int_equal(sig->offset, 510);
        blockdev_info_clear(&d);

        assert_clean_after_wipe(path, 3);
}

static void test_signature_over_a_label(void **state)
{
        _cleanup_free_ char *path = image("both", IMAGE_SIZE), *text = NULL;
        char *mkfs[] = {"mkfs.ext4", "-F", "-q", path, NULL};
        struct blockdev_info d = {0};

        /* A filesystem, then a label in its unused first sector: both are reported. */
        if (!run_tool(mkfs, NULL))
                skip();
        write_dos_label(path);
        assert_int_equal(blockdev_probe(path, BLOCKDEV_ALLOW_REGULAR, &d), 0);
        assert_non_null(find_sig(&d, "ext4"));
        assert_non_null(find_sig(&d, "dos"));
        assert_true(d.n_signatures >= 2);
        assert_int_equal(blockdev_signatures_describe(&d, &text), 0);
        assert_non_null(strstr(text, ", "));
        blockdev_info_clear(&d);

        assert_clean_after_wipe(path, 2);
}

static void test_list_luns(void **state)
{
        static const char *const names[] = {
            "ip-10.10.10.2:3260-iscsi-iqn.2025-01.lab.home:storage-b-lun-10",
            "ip-10.10.10.2:3260-iscsi-iqn.2025-01.lab.home:storage-b-lun-0",
            "ip-10.10.10.2:3260-iscsi-iqn.2025-01.lab.home:storage-b-lun-0-part1",
            "ip-10.10.10.2:3260-iscsi-iqn.2025-01.lab.home:storage-b-lun-1",
            "ip-10.10.10.2:3260-iscsi-iqn.2025-01.lab.home:storage-b-lun-",
            "ip-10.10.10.1:3260-iscsi-iqn.2025-01.lab.home:storage-a-lun-2",
            "pci-0000:00:1f.2-ata-1",
        };
        _cleanup_free_ char *sub = NULL, *none = NULL;
        unsigned *luns = NULL;

        assert_true(asprintf(&sub, "%s/by-path", dir) > 0);
        assert_int_equal(mkdir(sub, 0755), 0);
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                _cleanup_free_ char *p = NULL;
                assert_true(asprintf(&p, "%s/%s", sub, names[i]) > 0);
                assert_int_equal(symlink("../../sdx", p), 0);
        }
        assert_int_equal(
            blockdev_list_luns(sub, "ip-10.10.10.2:3260-iscsi-iqn.2025-01.lab.home:storage-b-lun-",
                               &luns),
            3);
        assert_int_equal(luns[0], 0);
        assert_int_equal(luns[1], 1);
        assert_int_equal(luns[2], 10);
        free(luns);

        assert_true(asprintf(&none, "%s/no-such-dir", dir) > 0);
        luns = (unsigned *)1;
        assert_int_equal(blockdev_list_luns(none, "ip-", &luns), 0);
        assert_null(luns);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_missing_and_dangling),
            cmocka_unit_test(test_regular_file_is_no_disk_by_default),
            cmocka_unit_test(test_blank_image_through_a_link),
            cmocka_unit_test(test_ext4_found_and_wiped),
            cmocka_unit_test(test_dos_label_found_and_wiped),
            cmocka_unit_test(test_gpt_and_its_backup_wiped),
            cmocka_unit_test(test_signature_over_a_label),
            cmocka_unit_test(test_list_luns),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
