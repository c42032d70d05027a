/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <blkid/blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/blockdev.h"
#include "shared/macro.h"
#include "shared/parse.h"

/*
 * blkid_do_wipe() steps back so the same prober runs again and finds the
 * next copy of a signature (backup superblocks, the backup GPT header). A
 * signature that survives its own erasure would loop for ever: give up then.
 */
#define WIPE_MAX_ROUNDS 4096u

static void blkid_free_probep(blkid_probe *pr)
{
        if (*pr)
                blkid_free_probe(*pr);
}

/* Every kind of signature, with the magic's offset, which blkid_do_wipe() needs. */
static int new_probe(int fd, blkid_probe *ret)
{
        blkid_probe pr = blkid_new_probe();

        if (!pr)
                return -ENOMEM;
        if (blkid_probe_set_device(pr, fd, 0, 0) < 0 || blkid_probe_enable_superblocks(pr, 1) < 0 ||
            blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_MAGIC |
                                                      BLKID_SUBLKS_BADCSUM) < 0 ||
            blkid_probe_enable_partitions(pr, 1) < 0 ||
            blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC | BLKID_PARTS_FORCE_GPT) < 0) {
                blkid_free_probe(pr);
                return -EIO;
        }
        *ret = pr;
        return 0;
}

/* What the last successful blkid_do_probe() found; -ENOENT for a result that is no signature. */
static int current_signature(blkid_probe pr, struct blockdev_signature *ret)
{
        const char *type = NULL, *offset = NULL;
        bool pt = false;
        uint64_t off = 0;

        if (blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0)
                (void)blkid_probe_lookup_value(pr, "SBMAGIC_OFFSET", &offset, NULL);
        else if (blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL) == 0) {
                pt = true;
                (void)blkid_probe_lookup_value(pr, "PTMAGIC_OFFSET", &offset, NULL);
        } else
                return -ENOENT;
        if (offset && safe_atou64(offset, &off) < 0)
                off = 0;
        *ret =
            (struct blockdev_signature){.type = strdup(type), .partition_table = pt, .offset = off};
        return ret->type ? 0 : -ENOMEM;
}

static int list_signatures(int fd, struct blockdev_info *d)
{
        _cleanup_(blkid_free_probep) blkid_probe pr = NULL;
        int r = new_probe(fd, &pr);

        if (r < 0)
                return r;
        for (unsigned round = 0;; round++) {
                struct blockdev_signature sig, *n;

                if (round >= WIPE_MAX_ROUNDS)
                        return -ELOOP;
                r = blkid_do_probe(pr);
                if (r == 1)
                        return 0;
                if (r < 0)
                        return -EIO;
                r = current_signature(pr, &sig);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return r;
                n = realloc(d->signatures, (d->n_signatures + 1) * sizeof(*n));
                if (!n) {
                        free(sig.type);
                        return -ENOMEM;
                }
                d->signatures = n;
                d->signatures[d->n_signatures++] = sig;
                /*
                 * A dry-run wipe hides the magic in libblkid's in-memory copy
                 * and steps back, so the same prober looks again and finds
                 * the backups (a GPT's second header, further copies of a
                 * superblock): the list is what a real wipe would erase.
                 */
                if (blkid_do_wipe(pr, 1) < 0)
                        return -EIO;
        }
}

static int device_size(int fd, const struct stat *st, uint64_t *ret)
{
        if (S_ISREG(st->st_mode)) {
                *ret = (uint64_t)st->st_size;
                return 0;
        }
        return ioctl(fd, BLKGETSIZE64, ret) < 0 ? -errno : 0;
}

/* Record that examining d failed at step; -ENOMEM stays an error of the caller. */
static int failed(struct blockdev_info *d, const char *step, int error)
{
        if (error == -ENOMEM)
                return error;
        d->error = error;
        d->failed_step = step;
        return 0;
}

static int examine(struct blockdev_info *d, unsigned flags)
{
        _cleanup_close_ int fd = -1;
        struct stat st;
        int r;

        fd = open(d->resolved, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return failed(d, "open", -errno);
        if (fstat(fd, &st) < 0)
                return failed(d, "stat", -errno);
        d->is_regular_file = S_ISREG(st.st_mode);
        d->is_block =
            S_ISBLK(st.st_mode) || (d->is_regular_file && (flags & BLOCKDEV_ALLOW_REGULAR));
        if (!d->is_block)
                return 0;

        r = device_size(fd, &st, &d->size);
        if (r < 0)
                return failed(d, "read the size", r);
        r = list_signatures(fd, d);
        if (r < 0)
                return failed(d, "libblkid probe", r);

        /* O_EXCL on a block device claims it: it fails while a mount, md, dm, ZFS or LIO has it. */
        if (S_ISBLK(st.st_mode)) {
                int excl = open(d->resolved, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_EXCL);
                if (excl >= 0)
                        close(excl);
                else if (errno == EBUSY)
                        d->busy = true;
                else
                        return failed(d, "open exclusively", -errno);
        }
        return 0;
}

int blockdev_probe(const char *path, unsigned flags, struct blockdev_info *ret)
{
        struct blockdev_info d = {0};
        struct stat st;
        int r;

        if (!path || !*path)
                return -EINVAL;
        d.path = strdup(path);
        if (!d.path)
                return -ENOMEM;
        d.resolved = realpath(path, NULL);
        if (!d.resolved) {
                r = -errno;
                if (r == -ENOMEM)
                        goto fail;
                /* A dangling link is as missing as no link at all. */
                d.exists = r != -ENOENT && r != -ENOTDIR && lstat(path, &st) == 0;
                if (d.exists)
                        (void)failed(&d, "resolve", r);
                *ret = d;
                return 0;
        }
        d.exists = true;
        r = examine(&d, flags);
        if (r < 0)
                goto fail;
        *ret = d;
        return 0;
fail:
        blockdev_info_clear(&d);
        return r;
}

void blockdev_info_clear(struct blockdev_info *d)
{
        if (!d)
                return;
        free(d->path);
        free(d->resolved);
        for (size_t i = 0; i < d->n_signatures; i++)
                free(d->signatures[i].type);
        free(d->signatures);
        *d = (struct blockdev_info){0};
}

int blockdev_signatures_describe(const struct blockdev_info *d, char **ret)
{
        char *s = strdup("");

        for (size_t i = 0; s && i < d->n_signatures; i++) {
                char *n = NULL;
                if (asprintf(&n, "%s%s%s at %" PRIu64, s, i ? ", " : "", d->signatures[i].type,
                             d->signatures[i].offset) < 0)
                        n = NULL;
                free(s);
                s = n;
        }
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static int wipe_fd(int fd, unsigned *ret_wiped, bool *ret_partition_table)
{
        _cleanup_(blkid_free_probep) blkid_probe pr = NULL;
        unsigned wiped = 0;
        bool pt = false;
        int r = new_probe(fd, &pr);

        if (r < 0)
                return r;
        for (unsigned round = 0;; round++) {
                const char *type;

                if (round >= WIPE_MAX_ROUNDS)
                        return -ELOOP;
                r = blkid_do_probe(pr);
                if (r == 1)
                        break;
                if (r < 0)
                        return -EIO;
                if (blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL) == 0)
                        pt = true;
                errno = 0;
                if (blkid_do_wipe(pr, 0) < 0)
                        return errno > 0 ? -errno : -EIO;
                wiped++;
        }
        if (fsync(fd) < 0)
                return -errno;
        *ret_wiped = wiped;
        *ret_partition_table = pt;
        return 0;
}

int blockdev_wipe(const char *path, unsigned flags, unsigned *ret_wiped)
{
        _cleanup_close_ int fd = -1;
        struct stat st;
        unsigned wiped = 0;
        bool pt = false;
        int r;

        if (!path || !*path)
                return -EINVAL;
        if (stat(path, &st) < 0)
                return -errno;
        if (!S_ISBLK(st.st_mode) && !(S_ISREG(st.st_mode) && (flags & BLOCKDEV_ALLOW_REGULAR)))
                return -ENOTBLK;
        /* Held exclusively for the whole wipe: nothing can mount or claim it meanwhile. */
        fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | (S_ISBLK(st.st_mode) ? O_EXCL : 0));
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISBLK(st.st_mode) && !(S_ISREG(st.st_mode) && (flags & BLOCKDEV_ALLOW_REGULAR)))
                return -ENOTBLK;
        r = wipe_fd(fd, &wiped, &pt);
        if (r < 0)
                return r;
        close(TAKE_FD(fd));

        /*
         * The kernel still lists the partitions of an erased table until it
         * re-reads it; that needs the exclusive open released first. Best
         * effort: zpool create writes and re-reads its own label anyway.
         */
        if (pt && S_ISBLK(st.st_mode)) {
                int rfd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (rfd >= 0) {
                        (void)ioctl(rfd, BLKRRPART);
                        close(rfd);
                }
        }
        if (ret_wiped)
                *ret_wiped = wiped;
        return 0;
}

static int cmp_unsigned(const void *a, const void *b)
{
        unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

        return x < y ? -1 : x > y;
}

int blockdev_list_luns(const char *dir, const char *prefix, unsigned **ret)
{
        size_t n = 0, prefix_len = strlen(prefix);
        unsigned *luns = NULL;
        struct dirent *e;
        int r = 0;
        DIR *d;

        d = opendir(dir);
        if (!d) {
                if (errno != ENOENT)
                        return -errno;
                *ret = NULL;
                return 0;
        }
        while ((errno = 0, e = readdir(d))) {
                uint32_t lun;
                unsigned *m;

                if (strncmp(e->d_name, prefix, prefix_len) != 0 ||
                    safe_atou32(e->d_name + prefix_len, &lun) < 0)
                        continue;
                m = realloc(luns, (n + 1) * sizeof(*m));
                if (!m) {
                        r = -ENOMEM;
                        break;
                }
                luns = m;
                luns[n++] = lun;
        }
        if (r == 0 && errno != 0)
                r = -errno;
        closedir(d);
        if (r < 0) {
                free(luns);
                return r;
        }
        if (n > 1)
                qsort(luns, n, sizeof(*luns), cmp_unsigned);
        *ret = luns;
        return (int)n;
}
