/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pool creation as data (src/lib/pool-plan.c): every refusal has a case
 * that trips it and the clean case that does not; the commands are
 * compared word for word; quoting is checked by a real shell. Discovery
 * runs on regular files, with a stand-in zpool on PATH.
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

#include "lib/layout.h"
#include "lib/pool-plan.h"
#include "lib/spec.h"
#include "spec-util.h"
#include "tmpdir-util.h"
#include "shared/macro.h"
#include "shared/parse.h"
#include "shared/quote.h"
#include "shared/spawn.h"

#define TB 1000204886016ull

/* ---- helpers ------------------------------------------------------------------------------- */

static void make_present(struct pool_device *d, const char *resolved)
{
        struct blockdev_info *b = &d->dev;

        b->exists = true;
        b->is_block = true;
        b->size = TB;
        free(b->resolved);
        b->resolved = strdup(resolved);
        assert_non_null(b->resolved);
        /* Its by-vdev name (vdev_id.conf applied) leads to the same device. */
        free(d->vdev_resolved);
        d->vdev_resolved = strdup(resolved);
        assert_non_null(d->vdev_resolved);
}

/* Facts as a real, ready node would have them: every device there, blank, same size. */
static void clean_facts(const struct spec *s, const char *node, struct pool_facts *f)
{
        const struct spec_node *local = NULL;
        char dev[32];

        assert_int_equal(layout_local_node(s, node, &local), 0);
        assert_int_equal(pool_facts_layout(s, local, f), 0);
        for (size_t i = 0; i < f->n_local; i++) {
                snprintf(dev, sizeof(dev), "/dev/sd%c", (char)('b' + i));
                make_present(&f->local[i], dev);
        }
        for (size_t i = 0; i < f->n_remote; i++) {
                snprintf(dev, sizeof(dev), "/dev/sd%c", (char)('m' + i));
                make_present(&f->remote[i], dev);
        }
        f->hostid_error = 0;
        f->hostid = f->expected_hostid;
        pool_zfs_fact_clear(&f->imported);
        pool_zfs_fact_clear(&f->importable);
}

static void add_signature(struct blockdev_info *b, const char *type, bool pt, uint64_t offset)
{
        struct blockdev_signature *n =
            realloc(b->signatures, (b->n_signatures + 1) * sizeof(*b->signatures));

        assert_non_null(n);
        b->signatures = n;
        n[b->n_signatures++] = (struct blockdev_signature){strdup(type), pt, offset};
}

/* Drop the last device of one side (its class count goes down by one). */
static void drop_last(struct pool_device *d, size_t *n)
{
        blockdev_info_clear(&d[*n - 1].dev);
        free(d[*n - 1].vdev);
        free(d[*n - 1].vdev_resolved);
        (*n)--;
}

static size_t check(const struct pool_facts *f, const struct spec_pool *pool, unsigned flags,
                    struct pool_problems *p)
{
        pool_problems_clear(p);
        assert_int_equal(pool_plan_check(f, pool, flags, p), 0);
        return p->n;
}

/* Whether a problem about object (substring, NULL: any) says what (substring). */
static bool has_problem(const struct pool_problems *p, const char *object, const char *what)
{
        for (size_t i = 0; i < p->n; i++)
                if ((!object || strstr(p->items[i].object, object)) &&
                    strstr(p->items[i].message, what))
                        return true;
        return false;
}

static void print_problems(const struct pool_problems *p)
{
        for (size_t i = 0; i < p->n; i++)
                print_message("  %s: %s\n", p->items[i].object, p->items[i].message);
}

static void assert_clean(const struct pool_facts *f, const struct spec_pool *pool, unsigned flags)
{
        struct pool_problems p = {0};

        if (check(f, pool, flags, &p) != 0) {
                print_problems(&p);
                fail_msg("expected no problem, got %zu", p.n);
        }
        pool_problems_clear(&p);
}

/* Exactly one problem, about object, saying each of the NULL-terminated phrases. */
static void assert_refused(const struct pool_facts *f, const struct spec_pool *pool, unsigned flags,
                           const char *object, ...)
{
        struct pool_problems p = {0};
        const char *what;
        va_list ap;

        if (check(f, pool, flags, &p) != 1) {
                print_problems(&p);
                fail_msg("expected one problem about '%s', got %zu", object, p.n);
        }
        va_start(ap, object);
        while ((what = va_arg(ap, const char *)))
                if (!has_problem(&p, object, what)) {
                        print_problems(&p);
                        fail_msg("no problem about '%s' says '%s'", object, what);
                }
        va_end(ap);
        pool_problems_clear(&p);
}

static char *command_line(const struct pool_commands *c, size_t i)
{
        char *line = NULL;

        assert_true(i < c->n);
        assert_int_equal(pool_command_to_string(&c->items[i], &line), 0);
        return line;
}

/* A pool description in memory, for composing commands without the loader. */
#define PROPS(...)                                                                                 \
        ((struct spec_properties){(struct spec_property[]){__VA_ARGS__},                           \
                                  sizeof((struct spec_property[]){__VA_ARGS__}) /                  \
                                      sizeof(struct spec_property)})

static struct spec_property prop(const char *name, const char *value)
{
        return (struct spec_property){(char *)name, (char *)value};
}

/* Hand-made facts: n[class] pairs named after their class, all present and clean. */
static void synthetic_facts(const unsigned n[_DISK_CLASS_MAX], struct pool_facts *f)
{
        size_t total = 0, k = 0;

        for (int c = 0; c < _DISK_CLASS_MAX; c++)
                total += n[c];
        *f = (struct pool_facts){0};
        f->pool = strdup("tank");
        f->node = strdup("storage-a");
        f->peer = strdup("storage-b");
        f->lun_prefix = strdup("ip-10.10.10.2:3260-iscsi-iqn.2025-01.lab.home:storage-b-lun-");
        f->hostid_file = strdup("/etc/hostid");
        f->local = calloc(total, sizeof(*f->local));
        f->remote = calloc(total, sizeof(*f->remote));
        assert_non_null(f->local);
        assert_non_null(f->remote);
        for (int c = 0; c < _DISK_CLASS_MAX; c++)
                for (unsigned i = 0; i < n[c]; i++, k++) {
                        char dev[32];
                        f->local[k] = (struct pool_device){
                            .class = (enum disk_class)c, .class_index = i, .lun = (unsigned)k};
                        f->remote[k] = f->local[k];
                        assert_true(asprintf(&f->local[k].dev.path, "/dev/disk/by-id/%s-%u",
                                             disk_class_to_string((enum disk_class)c), i) > 0);
                        assert_true(asprintf(&f->remote[k].dev.path, "/dev/disk/by-path/%s%zu",
                                             f->lun_prefix, k) > 0);
                        snprintf(dev, sizeof(dev), "/dev/sd%c", (char)('b' + k));
                        make_present(&f->local[k], dev);
                        assert_true(asprintf(&f->local[k].vdev, "/dev/disk/by-vdev/storage-a-%s%u",
                                             disk_class_to_string((enum disk_class)c), i) > 0);
                        snprintf(dev, sizeof(dev), "/dev/sd%c", (char)('m' + k));
                        make_present(&f->remote[k], dev);
                        assert_true(asprintf(&f->remote[k].vdev, "/dev/disk/by-vdev/storage-b-%s%u",
                                             disk_class_to_string((enum disk_class)c), i) > 0);
                }
        f->n_local = f->n_remote = total;
        f->hostid = 0x5a4e0001;
        f->has_expected_hostid = true;
        f->expected_hostid = 0x5a4e0001;
}

/* ---- layout -------------------------------------------------------------------------------- */

static void test_layout_pairs_local_disks_with_peer_luns(void **state)
{
        struct spec *s = load_good_spec();
        const struct spec_node *b = NULL;
        struct pool_problems p = {0};
        struct pool_facts f = {0};

        assert_int_equal(layout_local_node(s, "storage-b", &b), 0);
        assert_int_equal(pool_facts_layout(s, b, &f), 0);
        assert_string_equal(f.pool, "san-pool");
        assert_string_equal(f.node, "storage-b");
        assert_string_equal(f.peer, "storage-a");
        assert_int_equal(f.n_local, 5);
        assert_int_equal(f.n_remote, 5);
        assert_string_equal(f.local[0].dev.path,
                            "/dev/disk/by-id/ata-SAMSUNG_MZ7LH1T9HMLT_S455NB0M200001");
        assert_string_equal(f.remote[0].dev.path, "/dev/disk/by-path/ip-10.10.10.1:3260-iscsi-"
                                                  "iqn.2025-01.lab.home:storage-a-lun-0");
        assert_int_equal(f.local[4].class, DISK_CLASS_SLOG);
        assert_int_equal(f.remote[4].class, DISK_CLASS_SLOG);
        assert_int_equal(f.remote[4].lun, 4);
        assert_true(f.has_expected_hostid);
        assert_int_equal(f.expected_hostid, 0x5a4e0002);

        /* Nothing has been looked at: that alone refuses. */
        check(&f, &s->pool, 0, &p);
        assert_true(has_problem(&p, "/etc/hostid", "not read"));
        assert_true(has_problem(&p, "san-pool", "not looked at yet"));
        assert_true(has_problem(&p, f.local[0].dev.path, "does not exist"));
        pool_problems_clear(&p);
        pool_facts_clear(&f);
        spec_free(s);
}

/* ---- every refusal, and the clean case ----------------------------------------------------- */

static void test_clean_plan(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_facts f = {0};

        clean_facts(s, "storage-a", &f);
        assert_clean(&f, &s->pool, 0);
        assert_clean(&f, &s->pool, POOL_PLAN_WIPE);
        pool_facts_clear(&f);
        spec_free(s);
}

static void test_refuse_class_counts_that_differ(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_commands c = {0};
        struct pool_facts f = {0};

        clean_facts(s, "storage-a", &f);
        /* storage-b exports no slog: the local slog would pair with nothing. */
        drop_last(f.remote, &f.n_remote);
        assert_refused(&f, &s->pool, 0, "slog disks", "storage-a has 1, storage-b has 0", NULL);
        assert_int_equal(pool_plan_commands(&s->pool, &f, &c), -EINVAL);
        pool_facts_clear(&f);

        /* Both sides without data disks: there is no pool to make. */
        unsigned none[_DISK_CLASS_MAX] = {0, 1, 0};
        synthetic_facts(none, &f);
        assert_refused(&f, &s->pool, 0, "data disks", "storage-a has none", NULL);
        pool_facts_clear(&f);
        spec_free(s);
}

static void test_refuse_missing_devices(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_facts f = {0};

        clean_facts(s, "storage-a", &f);
        f.local[1].dev.exists = false;
        assert_refused(&f, &s->pool, 0, f.local[1].dev.path, "storage-a's data disk 1",
                       "does not exist", NULL);
        f.local[1].dev.exists = true;

        f.remote[4].dev.exists = false;
        assert_refused(&f, &s->pool, 0, f.remote[4].dev.path,
                       "storage-b's LUN 4 (its slog disk 0) does not exist",
                       "is storage-b exporting its disks", NULL);
        f.remote[4].dev.exists = true;
        assert_clean(&f, &s->pool, 0);
        pool_facts_clear(&f);
        spec_free(s);
}

static void test_refuse_unknown_lun(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_facts f = {0};

        clean_facts(s, "storage-a", &f);
        f.extra_luns = calloc(1, sizeof(char *));
        assert_non_null(f.extra_luns);
        assert_true(asprintf(&f.extra_luns[0], "/dev/disk/by-path/%s5", f.lun_prefix) > 0);
        f.n_extra_luns = 1;
        assert_refused(&f, &s->pool, 0, "-lun-5", "the description does not know", "LUNs 0 to 4",
                       NULL);
        free(f.extra_luns[0]);
        f.n_extra_luns = 0;
        assert_clean(&f, &s->pool, 0);

        /* Not knowing which LUNs there are is no better. */
        f.lun_dir_error = -EACCES;
        assert_refused(&f, &s->pool, 0, "/dev/disk/by-path", "cannot list it", strerror(EACCES),
                       NULL);
        f.lun_dir_error = 0;
        assert_clean(&f, &s->pool, 0);
        pool_facts_clear(&f);
        spec_free(s);
}

static void test_refuse_size_mismatch(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_facts f = {0};

        clean_facts(s, "storage-a", &f);
        f.remote[2].dev.size = 960197124096ull;
        assert_refused(&f, &s->pool, 0, "data mirror 2", "is 1000204886016 bytes",
                       "is 960197124096 bytes", f.local[2].dev.path, f.remote[2].dev.path, NULL);
        f.remote[2].dev.size = TB;
        assert_clean(&f, &s->pool, 0);

        f.local[0].dev.size = 0;
        f.remote[0].dev.size = 0;
        struct pool_problems p = {0};
        check(&f, &s->pool, 0, &p);
        assert_int_equal(p.n, 2);
        assert_true(has_problem(&p, f.local[0].dev.path, "has a size of 0 bytes"));
        pool_problems_clear(&p);
        pool_facts_clear(&f);
        spec_free(s);
}

static void test_refuse_signatures_unless_wipe(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_facts f = {0};

        clean_facts(s, "storage-a", &f);
        add_signature(&f.local[0].dev, "ext4", false, 1080);
        add_signature(&f.local[0].dev, "dos", true, 510);
        assert_refused(&f, &s->pool, 0, f.local[0].dev.path, "carries ext4 at 1080, dos at 510",
                       "--wipe", NULL);
        assert_clean(&f, &s->pool, POOL_PLAN_WIPE);

        /* An old pool's label is a signature like any other: --wipe erases it. */
        add_signature(&f.remote[1].dev, "zfs_member", false, 0);
        struct pool_problems p = {0};
        assert_int_equal(check(&f, &s->pool, 0, &p), 2);
        assert_true(has_problem(&p, f.remote[1].dev.path, "carries zfs_member at 0"));
        pool_problems_clear(&p);
        assert_clean(&f, &s->pool, POOL_PLAN_WIPE);
        pool_facts_clear(&f);
        spec_free(s);
}

static void test_refuse_busy_and_odd_devices(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_facts f = {0};

        clean_facts(s, "storage-a", &f);
        f.local[3].dev.busy = true;
        assert_refused(&f, &s->pool, 0, f.local[3].dev.path, "is in use", "LIO", NULL);
        /* --wipe does not help with a disk somebody uses. */
        assert_refused(&f, &s->pool, POOL_PLAN_WIPE, f.local[3].dev.path, "is in use", NULL);
        f.local[3].dev.busy = false;

        f.remote[0].dev.is_block = false;
        assert_refused(&f, &s->pool, 0, f.remote[0].dev.path, "not a block device", NULL);
        f.remote[0].dev.is_block = true;

        f.remote[1].dev.error = -EACCES;
        f.remote[1].dev.failed_step = "open";
        assert_refused(&f, &s->pool, 0, f.remote[1].dev.path, "cannot examine", "(open)",
                       strerror(EACCES), NULL);
        f.remote[1].dev.error = 0;

        /* Two names of one disk. */
        free(f.local[1].dev.resolved);
        f.local[1].dev.resolved = strdup(f.local[0].dev.resolved);
        free(f.local[1].vdev_resolved);
        f.local[1].vdev_resolved = strdup(f.local[0].dev.resolved);
        assert_refused(&f, &s->pool, 0, f.local[1].dev.path, "is the same device as",
                       f.local[0].dev.path, NULL);
        pool_facts_clear(&f);
        spec_free(s);
}

static void test_refuse_pool_imported_here(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_facts f = {0};

        clean_facts(s, "storage-a", &f);
        f.imported.yes = true;
        f.imported.detail = strdup("/proc/spl/kstat/zfs/san-pool exists");
        assert_refused(&f, &s->pool, 0, "san-pool", "already imported on this node",
                       "/proc/spl/kstat/zfs/san-pool exists", NULL);
        pool_zfs_fact_clear(&f.imported);

        f.imported.error = strdup("cannot run zpool: it is not installed");
        assert_refused(&f, &s->pool, 0, "san-pool", "cannot tell whether the pool is imported",
                       "not installed", NULL);
        pool_zfs_fact_clear(&f.imported);
        assert_clean(&f, &s->pool, 0);
        pool_facts_clear(&f);
        spec_free(s);
}

static void test_refuse_pool_visible_on_disks(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_facts f = {0};

        clean_facts(s, "storage-a", &f);
        f.importable.yes = true;
        f.importable.detail = strdup("state: UNAVAIL, status: The pool is currently imported by "
                                     "another system.");
        /* --wipe does not make an existing pool go away. */
        assert_refused(&f, &s->pool, POOL_PLAN_WIPE, "san-pool", "zpool import lists it",
                       "imported by another system", "storage-b", NULL);
        pool_zfs_fact_clear(&f.importable);

        f.importable.error = strdup("zpool import did not answer within 120 s");
        assert_refused(&f, &s->pool, 0, "san-pool", "cannot tell whether the pool exists", "120 s",
                       NULL);
        pool_zfs_fact_clear(&f.importable);
        assert_clean(&f, &s->pool, 0);
        pool_facts_clear(&f);
        spec_free(s);
}

static void test_refuse_bad_hostid(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_facts f = {0};

        clean_facts(s, "storage-a", &f);
        f.hostid_error = -ENOENT;
        assert_refused(&f, &s->pool, 0, "/etc/hostid", "missing", "multihost=on",
                       "hasan hostid set --yes 5a4e0001", NULL);
        f.hostid_error = -EBADMSG;
        assert_refused(&f, &s->pool, 0, "/etc/hostid", "exactly 4 bytes", NULL);
        f.hostid_error = -EACCES;
        assert_refused(&f, &s->pool, 0, "/etc/hostid", strerror(EACCES), NULL);
        f.hostid_error = 0;

        f.hostid = 0;
        assert_refused(&f, &s->pool, 0, "/etc/hostid", "the hostid is zero", NULL);
        /* Without a hostid in the description, zero is still refused. */
        f.has_expected_hostid = false;
        assert_refused(&f, &s->pool, 0, "/etc/hostid", "the hostid is zero", NULL);
        f.hostid = 0x12345678;
        assert_clean(&f, &s->pool, 0);

        f.has_expected_hostid = true;
        assert_refused(&f, &s->pool, 0, "/etc/hostid", "holds hostid 12345678",
                       "gives storage-a 5a4e0001", NULL);
        f.hostid = 0x5a4e0001;
        assert_clean(&f, &s->pool, 0);
        pool_facts_clear(&f);
        spec_free(s);
}

static void test_refuse_properties_passed_twice(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_commands c = {0};
        struct pool_facts f = {0};
        struct spec_pool pool = s->pool;

        clean_facts(s, "storage-a", &f);
        /* The validator forbids these; the planner does not rely on it. */
        static const char *const reserved[] = {"multihost", "cachefile", "ashift"};
        for (size_t i = 0; i < 3; i++) {
                pool.properties = PROPS(prop("autotrim", "on"), prop(reserved[i], "off"));
                assert_refused(&f, &pool, 0, reserved[i], "passed twice", NULL);
                assert_int_equal(pool_plan_commands(&pool, &f, &c), -EINVAL);
        }

        pool.properties = PROPS(prop("autotrim", "on"), prop("autotrim", "off"));
        assert_refused(&f, &pool, 0, "$.pool.properties.autotrim", "set twice", NULL);
        pool.properties = s->pool.properties;

        pool.root_properties = PROPS(prop("compression", "lz4"), prop("compression", "zstd"));
        assert_refused(&f, &pool, 0, "$.pool.root_properties.compression", "set twice", NULL);
        pool.root_properties = s->pool.root_properties;

        struct spec_dataset vol = {(char *)"vm", DATASET_VOLUME, (char *)"10G",
                                   PROPS(prop("volsize", "20G"))};
        pool.datasets = &vol;
        pool.n_datasets = 1;
        assert_refused(&f, &pool, 0, "$.pool.datasets[0].properties.volsize", "passed twice", NULL);
        assert_int_equal(pool_plan_commands(&pool, &f, &c), -EINVAL);

        struct spec_dataset fs = {(char *)"fs", DATASET_FILESYSTEM, NULL,
                                  PROPS(prop("recordsize", "1M"), prop("recordsize", "128k"))};
        pool.datasets = &fs;
        assert_refused(&f, &pool, 0, "$.pool.datasets[0].properties.recordsize", "set twice", NULL);

        pool = s->pool;
        assert_clean(&f, &pool, 0);
        pool_facts_clear(&f);
        spec_free(s);
}

static void test_refuse_volume_sizes_zfs_would_not_take(void **state)
{
        static const char *const good[] = {"100G", "1.5T", "512M", "10", "64k", "2TB", "1p"};
        static const char *const bad[] = {"100 G", "-1",    "1.", "G",   "10BB",
                                          "1e3",   "10GiB", "",   "0x10"};
        struct spec *s = load_good_spec();
        struct pool_facts f = {0};
        struct spec_pool pool = s->pool;
        struct spec_dataset vol = {(char *)"vm", DATASET_VOLUME, NULL, {0}};

        clean_facts(s, "storage-a", &f);
        pool.datasets = &vol;
        pool.n_datasets = 1;
        assert_refused(&f, &pool, 0, "$.pool.datasets[0]", "volume 'vm' has no size", NULL);
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                vol.size = (char *)good[i];
                assert_clean(&f, &pool, 0);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                vol.size = (char *)bad[i];
                assert_refused(&f, &pool, 0, "$.pool.datasets[0]", "zfs create -V does not take",
                               NULL);
        }
        pool_facts_clear(&f);
        spec_free(s);
}

static void test_every_problem_is_reported(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_problems p = {0};
        struct pool_facts f = {0};

        clean_facts(s, "storage-a", &f);
        f.local[0].dev.exists = false;
        f.remote[1].dev.busy = true;
        add_signature(&f.remote[2].dev, "xfs", false, 0);
        f.local[3].dev.size = 1;
        f.imported.yes = true;
        f.hostid_error = -ENOENT;
        check(&f, &s->pool, 0, &p);
        assert_int_equal(p.n, 6);
        pool_problems_clear(&p);
        pool_facts_clear(&f);
        spec_free(s);
}

/* ---- commands ------------------------------------------------------------------------------ */

static void test_commands_data_only(void **state)
{
        static const unsigned n[_DISK_CLASS_MAX] = {2, 0, 0};
        struct spec_pool pool = {.name = (char *)"tank", .ashift = 12};
        struct pool_commands c = {0};
        struct pool_facts f = {0};
        _cleanup_free_ char *create = NULL, *export = NULL;

        synthetic_facts(n, &f);
        assert_clean(&f, &pool, 0);
        assert_int_equal(pool_plan_commands(&pool, &f, &c), 0);
        assert_int_equal(c.n, 2);
        create = command_line(&c, 0);
        assert_string_equal(create,
                            "zpool create -o multihost=on -o cachefile=none -o ashift=12 tank "
                            "mirror /dev/disk/by-vdev/storage-a-data0 "
                            "/dev/disk/by-vdev/storage-b-data0 "
                            "mirror /dev/disk/by-vdev/storage-a-data1 "
                            "/dev/disk/by-vdev/storage-b-data1");
        assert_int_equal(c.items[0].step, POOL_STEP_CREATE);
        assert_int_equal(c.items[0].timeout_ms, 120000);
        export = command_line(&c, 1);
        assert_string_equal(export, "zpool export tank");
        assert_int_equal(c.items[1].step, POOL_STEP_EXPORT);
        assert_int_equal(c.items[1].timeout_ms, 60000);
        pool_commands_clear(&c);
        pool_facts_clear(&f);
}

static void test_commands_with_slog_and_special(void **state)
{
        static const unsigned n[_DISK_CLASS_MAX] = {1, 1, 2};
        struct spec_pool pool = {.name = (char *)"tank", .ashift = 13};
        struct pool_commands c = {0};
        struct pool_facts f = {0};

        synthetic_facts(n, &f);
        /* Pairs in LUN order: data, then log, then special, each class named once. */
        const char *expect[] = {"zpool",
                                "create",
                                "-o",
                                "multihost=on",
                                "-o",
                                "cachefile=none",
                                "-o",
                                "ashift=13",
                                "tank",
                                "mirror",
                                "/dev/disk/by-vdev/storage-a-data0",
                                "/dev/disk/by-vdev/storage-b-data0",
                                "log",
                                "mirror",
                                "/dev/disk/by-vdev/storage-a-slog0",
                                "/dev/disk/by-vdev/storage-b-slog0",
                                "special",
                                "mirror",
                                "/dev/disk/by-vdev/storage-a-special0",
                                "/dev/disk/by-vdev/storage-b-special0",
                                "mirror",
                                "/dev/disk/by-vdev/storage-a-special1",
                                "/dev/disk/by-vdev/storage-b-special1",
                                NULL};
        assert_non_null(strstr(f.remote[3].dev.path, "storage-b-lun-3"));
        assert_int_equal(pool_plan_commands(&pool, &f, &c), 0);
        assert_int_equal(c.n, 2);
        for (size_t i = 0; expect[i] || c.items[0].argv[i]; i++) {
                assert_non_null(expect[i]);
                assert_non_null(c.items[0].argv[i]);
                assert_string_equal(c.items[0].argv[i], expect[i]);
        }
        pool_commands_clear(&c);
        pool_facts_clear(&f);
}

static void test_commands_with_volumes_in_order(void **state)
{
        static const unsigned n[_DISK_CLASS_MAX] = {1, 0, 0};
        struct spec_dataset datasets[] = {
            {(char *)"vms", DATASET_FILESYSTEM, NULL, PROPS(prop("primarycache", "metadata"))},
            {(char *)"vms/a", DATASET_VOLUME, (char *)"100G",
             PROPS(prop("volblocksize", "64k"), prop("compression", "lz4"))},
            {(char *)"vms/b", DATASET_VOLUME, (char *)"1.5T", {0}},
            {(char *)"nfs", DATASET_FILESYSTEM, NULL, {0}},
        };
        struct spec_pool pool = {.name = (char *)"tank",
                                 .ashift = 12,
                                 .properties = PROPS(prop("autotrim", "on")),
                                 .root_properties =
                                     PROPS(prop("compression", "lz4"), prop("atime", "off")),
                                 .datasets = datasets,
                                 .n_datasets = ELEMENTSOF(datasets)};
        static const char *const lines[] = {
            NULL, /* zpool create, below */
            "zfs create -o primarycache=metadata tank/vms",
            "zfs create -V 100G -o volblocksize=64k -o compression=lz4 tank/vms/a",
            "zfs create -V 1.5T tank/vms/b",
            "zfs create tank/nfs",
            "zpool export tank",
        };
        struct pool_commands c = {0};
        struct pool_facts f = {0};

        synthetic_facts(n, &f);
        assert_clean(&f, &pool, 0);
        assert_int_equal(pool_plan_commands(&pool, &f, &c), 0);
        assert_int_equal(c.n, ELEMENTSOF(lines));
        for (size_t i = 0; i < c.n; i++) {
                _cleanup_free_ char *line = command_line(&c, i);
                if (i == 0)
                        assert_non_null(strstr(line, "-o ashift=12 -o autotrim=on -O "
                                                     "compression=lz4 -O atime=off tank mirror "));
                else {
                        assert_string_equal(line, lines[i]);
                        assert_int_equal(c.items[i].step,
                                         i + 1 < c.n ? POOL_STEP_DATASET : POOL_STEP_EXPORT);
                        assert_int_equal(c.items[i].timeout_ms, 60000);
                }
        }
        pool_commands_clear(&c);
        pool_facts_clear(&f);
}

/* The fixture's commands name each property once per command, and only stable device names. */
static void test_commands_never_repeat_a_property(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_commands c = {0};
        struct pool_facts f = {0};

        clean_facts(s, "storage-a", &f);
        assert_int_equal(pool_plan_commands(&s->pool, &f, &c), 0);
        assert_int_equal(c.n, 1 + s->pool.n_datasets + 1);
        for (size_t i = 0; i < c.n; i++) {
                char *const *v = c.items[i].argv;
                for (size_t k = 0; v[k]; k++) {
                        /* Only names that mean the same disk on both nodes. */
                        if (string_has_prefix(v[k], "/dev/"))
                                assert_true(string_has_prefix(v[k], "/dev/disk/by-vdev/"));
                        if (strcmp(v[k], "-o") != 0 && strcmp(v[k], "-O") != 0)
                                continue;
                        assert_non_null(v[k + 1]);
                        size_t len = strcspn(v[k + 1], "=");
                        for (size_t j = k + 2; v[j]; j++)
                                if ((strcmp(v[j - 1], "-o") == 0 || strcmp(v[j - 1], "-O") == 0) &&
                                    strncmp(v[j], v[k + 1], len + 1) == 0)
                                        fail_msg("command %zu passes '%.*s' twice", i, (int)len,
                                                 v[k + 1]);
                }
        }
        pool_commands_clear(&c);
        pool_facts_clear(&f);
        spec_free(s);
}

static void test_destroy_command(void **state)
{
        struct pool_command d = {0};
        _cleanup_free_ char *line = NULL;

        assert_int_equal(pool_destroy_command("san-pool", &d), 0);
        assert_int_equal(d.step, POOL_STEP_DESTROY);
        assert_int_equal(pool_command_to_string(&d, &line), 0);
        assert_string_equal(line, "zpool destroy -f san-pool");
        assert_int_equal(d.timeout_ms, 60000);
        pool_command_clear(&d);
        assert_string_equal(pool_step_to_string(POOL_STEP_CREATE), "create");
        assert_null(pool_step_to_string(_POOL_STEP_MAX));
}

/* ---- running, and rolling back ------------------------------------------------------------- */

struct fake_runner {
        int fail_at;        /* the run (0-based) that fails, -1: none */
        bool destroy_fails; /* the rollback fails too */
        int stop_after;     /* stop is requested once this many commands ran, -1: never */
        int exists;         /* what pool_exists() answers */
        bool asked;         /* pool_exists() was called */
        int runs;
        char log[4096]; /* one shell line per command run */
};

static int fake_run(const struct pool_command *c, void *userdata)
{
        struct fake_runner *x = userdata;
        _cleanup_free_ char *line = NULL;

        assert_int_equal(pool_command_to_string(c, &line), 0);
        strncat(x->log, line, sizeof(x->log) - strlen(x->log) - 2);
        strcat(x->log, "\n");
        if (c->step == POOL_STEP_DESTROY)
                return x->destroy_fails ? -EIO : 0;
        return x->runs++ == x->fail_at ? -EIO : 0;
}

static bool fake_stop_requested(void *userdata)
{
        struct fake_runner *x = userdata;
        return x->stop_after >= 0 && x->runs >= x->stop_after;
}

static int fake_pool_exists(const char *pool, void *userdata)
{
        struct fake_runner *x = userdata;
        assert_string_equal(pool, "tank");
        x->asked = true;
        return x->exists;
}

/* Run tank's four commands (create, two datasets, export) against a fake. */
static struct pool_run_result fake_run_all(struct fake_runner *x)
{
        static const unsigned n[_DISK_CLASS_MAX] = {1, 0, 0};
        struct spec_dataset datasets[] = {
            {(char *)"a", DATASET_FILESYSTEM, NULL, {0}},
            {(char *)"b", DATASET_FILESYSTEM, NULL, {0}},
        };
        struct spec_pool pool = {
            .name = (char *)"tank", .ashift = 12, .datasets = datasets, .n_datasets = 2};
        const struct pool_runner runner = {fake_run, fake_stop_requested, fake_pool_exists, x};
        struct pool_run_result res = {0};
        struct pool_commands c = {0};
        struct pool_facts f = {0};

        synthetic_facts(n, &f);
        assert_int_equal(pool_plan_commands(&pool, &f, &c), 0);
        assert_int_equal(c.n, 4);
        assert_int_equal(pool_run(&c, "tank", &runner, &res), 0);
        pool_commands_clear(&c);
        pool_facts_clear(&f);
        return res;
}

/* The tool and verb of each line the fake ran: "zpool create, zfs create, zpool export". */
static void assert_ran(const struct fake_runner *x, const char *expect)
{
        char got[512] = "";

        for (const char *line = x->log; *line; line = strchr(line, '\n') + 1) {
                const char *verb = strchr(line, ' ') + 1;
                if (got[0])
                        strcat(got, ", ");
                strncat(got, line, (size_t)(verb - line) + strcspn(verb, " \n"));
                if (strncmp(line, "zpool destroy", 13) == 0)
                        assert_true(strncmp(line, "zpool destroy -f tank\n", 22) == 0);
        }
        assert_string_equal(got, expect);
}

static void test_run_creates_and_exports(void **state)
{
        struct fake_runner x = {.fail_at = -1, .stop_after = -1};
        struct pool_run_result res = fake_run_all(&x);

        assert_int_equal(res.outcome, POOL_OUTCOME_CREATED);
        assert_int_equal(res.done, 4);
        assert_false(res.interrupted);
        assert_false(x.asked);
        assert_ran(&x, "zpool create, zfs create, zfs create, zpool export");
}

static void test_run_rolls_back_a_failed_dataset_or_export(void **state)
{
        struct fake_runner x = {.fail_at = 2, .stop_after = -1};
        struct pool_run_result res = fake_run_all(&x);

        assert_int_equal(res.outcome, POOL_OUTCOME_ROLLED_BACK);
        assert_int_equal(res.done, 2);
        assert_false(x.asked);
        assert_ran(&x, "zpool create, zfs create, zfs create, zpool destroy");

        x = (struct fake_runner){.fail_at = 3, .stop_after = -1};
        res = fake_run_all(&x);
        assert_int_equal(res.outcome, POOL_OUTCOME_ROLLED_BACK);
        assert_int_equal(res.done, 3);
        assert_ran(&x, "zpool create, zfs create, zfs create, zpool export, zpool destroy");

        /* The rollback fails too: the pool is left, and the result says so. */
        x = (struct fake_runner){.fail_at = 1, .stop_after = -1, .destroy_fails = true};
        res = fake_run_all(&x);
        assert_int_equal(res.outcome, POOL_OUTCOME_LEFT_BEHIND);
        assert_int_equal(res.done, 1);
        assert_ran(&x, "zpool create, zfs create, zpool destroy");
}

static void test_run_after_a_failed_zpool_create(void **state)
{
        /* It made nothing: nothing to roll back. */
        struct fake_runner x = {.fail_at = 0, .stop_after = -1, .exists = 0};
        struct pool_run_result res = fake_run_all(&x);

        assert_int_equal(res.outcome, POOL_OUTCOME_NOTHING);
        assert_int_equal(res.done, 0);
        assert_true(x.asked);
        assert_ran(&x, "zpool create");

        /* It failed (a timeout, say) but the pool is there: only this run can have made it. */
        x = (struct fake_runner){.fail_at = 0, .stop_after = -1, .exists = 1};
        res = fake_run_all(&x);
        assert_int_equal(res.outcome, POOL_OUTCOME_ROLLED_BACK);
        assert_ran(&x, "zpool create, zpool destroy");

        /* Nobody can tell: destroy nothing blindly, say so. */
        x = (struct fake_runner){.fail_at = 0, .stop_after = -1, .exists = -EIO};
        res = fake_run_all(&x);
        assert_int_equal(res.outcome, POOL_OUTCOME_UNKNOWN);
        assert_ran(&x, "zpool create");
}

static void test_run_stops_when_asked(void **state)
{
        struct fake_runner x = {.fail_at = -1, .stop_after = 0};
        struct pool_run_result res = fake_run_all(&x);

        assert_int_equal(res.outcome, POOL_OUTCOME_NOTHING);
        assert_true(res.interrupted);
        assert_false(x.asked);
        assert_ran(&x, "");

        x = (struct fake_runner){.fail_at = -1, .stop_after = 2};
        res = fake_run_all(&x);
        assert_int_equal(res.outcome, POOL_OUTCOME_ROLLED_BACK);
        assert_true(res.interrupted);
        assert_int_equal(res.done, 2);
        assert_ran(&x, "zpool create, zfs create, zpool destroy");
}

/* ---- quoting ------------------------------------------------------------------------------- */

static void test_quoting(void **state)
{
        static const struct {
                const char *in, *out;
        } cases[] = {
            {"zpool", "zpool"},
            {"/dev/disk/by-path/ip-10.10.10.2:3260-iscsi-iqn.2025-01.lab.home:storage-b-lun-0",
             "/dev/disk/by-path/ip-10.10.10.2:3260-iscsi-iqn.2025-01.lab.home:storage-b-lun-0"},
            {"compression=lz4", "compression=lz4"},
            {"", "''"},
            {"comment=two words", "'comment=two words'"},
            {"it's", "'it'\\''s'"},
            {"$HOME", "'$HOME'"},
            {"a;rm -rf /", "'a;rm -rf /'"},
            {"back\\slash", "'back\\slash'"},
            {"~root", "'~root'"},
            {"*", "'*'"},
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *q = NULL;
                assert_int_equal(shell_quote(cases[i].in, &q), 0);
                assert_string_equal(q, cases[i].out);
        }
}

/* What sh makes of the printed line is the argv hasan runs. */
static void test_quoting_survives_a_shell(void **state)
{
        static const char *const words[] = {
            "zfs", "create",
            "-o",  "comment=it's \"quoted\" $HOME `x` \\ ;|&<>*?[]{}~#!",
            "-o",  "org:note=tab\there",
            "",    "tank/a b",
            NULL};
        _cleanup_free_ char *joined = NULL, *script = NULL;
        struct spawn_options o = {.timeout_ms = 10000};
        struct spawn_result r = {0};
        char *argv[] = {"sh", "-c", NULL, NULL};
        const char *p;

        assert_int_equal(shell_join((char *const *)words, &joined), 0);
        assert_true(asprintf(&script, "for w in %s; do printf '%%s\\0' \"$w\"; done", joined) > 0);
        argv[2] = script;
        assert_int_equal(spawn_run(argv, &o, &r), 0);
        assert_true(spawn_result_success(&r));
        p = r.out;
        for (size_t i = 0; words[i]; i++) {
                assert_true((size_t)(p - r.out) < r.out_size);
                assert_string_equal(p, words[i]);
                p += strlen(p) + 1;
        }
        assert_int_equal((size_t)(p - r.out), r.out_size);
        spawn_result_clear(&r);
}

/* ---- zpool import output ------------------------------------------------------------------- */

static void test_import_output(void **state)
{
        static const char out[] =
            "   pool: san-pool-old\n"
            "     id: 111\n"
            "  state: ONLINE\n"
            " action: The pool can be imported using its name or numeric identifier.\n"
            " config:\n\n"
            "\tsan-pool-old  ONLINE\n\n"
            "   pool: san-pool\n"
            "     id: 1234567890\n"
            "  state: UNAVAIL\n"
            " status: The pool is currently imported by another system.\n"
            " action: The pool must be exported from storage-b (hostid=5a4e0002)\n"
            "\tbefore it can be safely imported.\n"
            "    see: https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-EY\n"
            " config:\n\n"
            "\tsan-pool    UNAVAIL  currently in use\n"
            "\t  mirror-0  ONLINE\n";
        _cleanup_free_ char *detail = NULL;
        bool found = false;

        assert_int_equal(pool_import_output_lists(out, "san-pool", &found, &detail), 0);
        assert_true(found);
        assert_string_equal(detail, "state: UNAVAIL, status: The pool is currently imported by "
                                    "another system.");

        /* A pool whose name merely starts the same is another pool. */
        assert_int_equal(pool_import_output_lists(out, "san", &found, NULL), 0);
        assert_false(found);
        assert_int_equal(pool_import_output_lists("", "san-pool", &found, NULL), 0);
        assert_false(found);
        assert_int_equal(pool_import_output_lists(NULL, "san-pool", &found, NULL), 0);
        assert_false(found);
        assert_int_equal(pool_import_output_lists("   pool: san-pool", "san-pool", &found, NULL),
                         0);
        assert_true(found);
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static void test_json(void **state)
{
        struct spec *s = load_good_spec();
        struct pool_problems p = {0};
        struct pool_commands c = {0};
        struct pool_facts f = {0};
        json_object *o = NULL, *v, *pair, *cmd;

        clean_facts(s, "storage-a", &f);
        add_signature(&f.remote[0].dev, "gpt", true, 512);
        check(&f, &s->pool, 0, &p);
        assert_int_equal(pool_plan_commands(&s->pool, &f, &c), 0);
        assert_int_equal(pool_plan_to_json(&f, &p, &c, 0, &o), 0);

        assert_true(json_object_object_get_ex(o, "clean", &v));
        assert_false(json_object_get_boolean(v));
        assert_true(json_object_object_get_ex(o, "hostid", &v));
        assert_string_equal(json_object_get_string(v), "5a4e0001");
        assert_true(json_object_object_get_ex(o, "pairs", &v));
        assert_int_equal(json_object_array_length(v), 5);
        pair = json_object_array_get_idx(v, 0);
        assert_true(json_object_object_get_ex(pair, "peer", &v));
        assert_true(json_object_object_get_ex(v, "signatures", &v));
        assert_int_equal(json_object_array_length(v), 1);
        assert_true(json_object_object_get_ex(o, "problems", &v));
        assert_int_equal(json_object_array_length(v), 1);
        assert_true(json_object_object_get_ex(o, "commands", &v));
        assert_int_equal(json_object_array_length(v), c.n);
        cmd = json_object_array_get_idx(v, c.n - 1);
        assert_true(json_object_object_get_ex(cmd, "shell", &v));
        assert_string_equal(json_object_get_string(v), "zpool export san-pool");
        assert_true(json_object_object_get_ex(cmd, "argv", &v));
        assert_int_equal(json_object_array_length(v), 3);
        json_object_put(o);

        /* Without commands (they cannot be composed), "commands" is null. */
        assert_int_equal(pool_plan_to_json(&f, &p, NULL, POOL_PLAN_WIPE, &o), 0);
        assert_true(json_object_object_get_ex(o, "commands", &v));
        assert_null(v);
        assert_true(json_object_object_get_ex(o, "wipe", &v));
        assert_true(json_object_get_boolean(v));
        json_object_put(o);

        pool_commands_clear(&c);
        pool_problems_clear(&p);
        pool_facts_clear(&f);
        spec_free(s);
}

/* ---- discovery on regular files, with a stand-in zpool ------------------------------------- */

static char *dir;
static char *saved_path;

static void write_file(const char *path, const void *data, size_t size, mode_t mode)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, size), (ssize_t)size);
        close(fd);
}

/*
 * zpool, as far as discovery asks it: "list" knows no pool, "import" finds
 * nothing unless import.out exists. Every call is logged to calls.
 */
static int setup_discovery(void **state)
{
        char *script = NULL, *path = NULL, *bin = NULL, *newpath = NULL;
        int k;

        dir = test_tmpdir_new("pool-plan");
        if (!dir)
                return -1;
        k = asprintf(&bin, "%s/bin", dir);
        if (k < 0 || mkdir(bin, 0755) < 0)
                return -1;
        if (asprintf(&script,
                     "#!/bin/sh\n"
                     "echo \"$*\" >>'%s/calls'\n"
                     "case \"$1\" in\n"
                     "list) echo \"cannot open '$6': no such pool\" >&2; exit 1;;\n"
                     "import) if [ -f '%s/import.out' ]; then cat '%s/import.out'; exit 0; fi\n"
                     "        echo 'no pools available to import' >&2; exit 1;;\n"
                     "*) echo \"unexpected zpool $1\" >&2; exit 99;;\n"
                     "esac\n",
                     dir, dir, dir) < 0 ||
            asprintf(&path, "%s/zpool", bin) < 0)
                return -1;
        write_file(path, script, strlen(script), 0755);
        saved_path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
        if (!saved_path || asprintf(&newpath, "%s:%s", bin, saved_path) < 0)
                return -1;
        setenv("PATH", newpath, 1);
        free(script);
        free(path);
        free(bin);
        free(newpath);
        return 0;
}

static int teardown_discovery(void **state)
{
        int r;

        if (saved_path)
                setenv("PATH", saved_path, 1);
        free(saved_path);
        r = test_tmpdir_remove(dir);
        dir = NULL;
        return r;
}

static char *in_dir(const char *fmt, ...) _printf_(1, 2);
static char *in_dir(const char *fmt, ...)
{
        char *name = NULL, *path = NULL;
        va_list ap;

        va_start(ap, fmt);
        assert_true(vasprintf(&name, fmt, ap) > 0);
        va_end(ap);
        assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
        free(name);
        return path;
}

static void test_discovery_on_images(void **state)
{
        struct spec *s = load_good_spec();
        const struct spec_node *a = NULL;
        struct pool_problems p = {0};
        struct pool_facts f = {0};
        _cleanup_free_ char *hostid = in_dir("hostid"), *proc = in_dir("proc"),
                            *by_path = in_dir("by-path"), *by_vdev = in_dir("by-vdev"),
                            *calls = NULL, *extra = NULL, *imported = NULL,
                            *import_out = in_dir("import.out");
        struct pool_discover_options o = {
            .hostid_file = hostid,
            .proc_zfs_dir = proc,
            .by_path_dir = by_path,
            .by_vdev_dir = by_vdev,
            .blockdev_flags = BLOCKDEV_ALLOW_REGULAR,
        };
        uint32_t id = 0x5a4e0001;
        size_t len;

        assert_int_equal(mkdir(proc, 0755), 0);
        assert_int_equal(mkdir(by_path, 0755), 0);
        assert_int_equal(mkdir(by_vdev, 0755), 0);
        write_file(hostid, &id, sizeof(id), 0644);
        assert_int_equal(layout_local_node(s, "storage-a", &a), 0);
        assert_int_equal(pool_facts_layout(s, a, &f), 0);

        /* Each device becomes an image of one size; the names stay what they were called. */
        for (int side = 0; side < 2; side++)
                for (size_t i = 0; i < (side ? f.n_remote : f.n_local); i++) {
                        struct pool_device *d = side ? &f.remote[i] : &f.local[i];
                        char *img = in_dir("%s-%zu", side ? "lun" : "disk", i);
                        write_file(img, "", 0, 0600);
                        assert_int_equal(truncate(img, 8 << 20), 0);
                        /* What vdev_id.conf makes: the pool's name for it. */
                        _cleanup_free_ char *link = in_dir("by-vdev%s", strrchr(d->vdev, '/'));
                        assert_int_equal(symlink(img, link), 0);
                        free(d->dev.path);
                        d->dev.path = img;
                }
        assert_int_equal(pool_discover(&f, &o), 0);
        if (check(&f, &s->pool, 0, &p) != 0) {
                print_problems(&p);
                fail_msg("a ready set of images has %zu problems", p.n);
        }
        assert_int_equal(f.local[0].dev.size, 8 << 20);
        assert_int_equal(f.hostid, 0x5a4e0001);

        /* The stand-in was only asked read-only questions. */
        calls = in_dir("calls");
        _cleanup_free_ char *log = NULL;
        {
                FILE *fp = fopen(calls, "re");
                assert_non_null(fp);
                log = calloc(1, 4096);
                assert_non_null(log);
                len = fread(log, 1, 4095, fp);
                fclose(fp);
                log[len] = '\0';
        }
        assert_string_equal(log, "list -H -o name san-pool\n"
                                 "import -d /dev/disk/by-id -d /dev/disk/by-path\n");

        /* Now make trouble: a filesystem, an unknown LUN, the pool seen, imported, no hostid. */
        char *mkfs[] = {"mkfs.ext4", "-F", "-q", f.remote[3].dev.path, NULL};
        struct spawn_options so = {.timeout_ms = 30000};
        struct spawn_result sr = {0};
        bool have_mkfs = spawn_run(mkfs, &so, &sr) == 0 && spawn_result_success(&sr);
        spawn_result_clear(&sr);

        assert_true(asprintf(&extra, "%s/%s5", by_path, f.lun_prefix) > 0);
        assert_int_equal(symlink("../../sdz", extra), 0);
        imported = in_dir("proc/san-pool");
        assert_int_equal(mkdir(imported, 0755), 0);
        static const char seen[] = "   pool: san-pool\n  state: UNAVAIL\n";
        write_file(import_out, seen, strlen(seen), 0644);
        unlink(hostid);

        assert_int_equal(pool_discover(&f, &o), 0);
        check(&f, &s->pool, 0, &p);
        print_problems(&p);
        assert_int_equal(p.n, 4 + have_mkfs);
        assert_true(has_problem(&p, "-lun-5", "does not know"));
        assert_true(has_problem(&p, "san-pool", "already imported on this node"));
        assert_true(has_problem(&p, "san-pool", "state: UNAVAIL"));
        assert_true(has_problem(&p, hostid, "missing"));
        if (have_mkfs)
                assert_true(has_problem(&p, f.remote[3].dev.path, "carries ext4 at 1080"));
        assert_int_equal(f.n_extra_luns, 1);

        pool_problems_clear(&p);
        pool_facts_clear(&f);
        spec_free(s);
}

/* The pool's by-vdev names must exist and name the very disks that were examined. */
static void test_refuses_missing_or_wrong_vdev_names(void **state)
{
        static const unsigned n[_DISK_CLASS_MAX] = {2, 0, 0};
        struct spec_pool pool = {.name = (char *)"tank", .ashift = 12};
        struct pool_problems p = {0};
        struct pool_facts f = {0};

        synthetic_facts(n, &f);
        free(f.remote[1].vdev_resolved);
        f.remote[1].vdev_resolved = NULL;
        free(f.local[0].vdev_resolved);
        f.local[0].vdev_resolved = strdup("/dev/sdz");
        assert_int_equal(pool_plan_check(&f, &pool, 0, &p), 0);
        assert_true(has_problem(&p, "/dev/disk/by-vdev/storage-b-data1", "does not exist"));
        assert_true(has_problem(&p, "/dev/disk/by-vdev/storage-a-data0", "names /dev/sdz"));
        pool_problems_clear(&p);
        pool_facts_clear(&f);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_refuses_missing_or_wrong_vdev_names),
            cmocka_unit_test(test_layout_pairs_local_disks_with_peer_luns),
            cmocka_unit_test(test_clean_plan),
            cmocka_unit_test(test_refuse_class_counts_that_differ),
            cmocka_unit_test(test_refuse_missing_devices),
            cmocka_unit_test(test_refuse_unknown_lun),
            cmocka_unit_test(test_refuse_size_mismatch),
            cmocka_unit_test(test_refuse_signatures_unless_wipe),
            cmocka_unit_test(test_refuse_busy_and_odd_devices),
            cmocka_unit_test(test_refuse_pool_imported_here),
            cmocka_unit_test(test_refuse_pool_visible_on_disks),
            cmocka_unit_test(test_refuse_bad_hostid),
            cmocka_unit_test(test_refuse_properties_passed_twice),
            cmocka_unit_test(test_refuse_volume_sizes_zfs_would_not_take),
            cmocka_unit_test(test_every_problem_is_reported),
            cmocka_unit_test(test_commands_data_only),
            cmocka_unit_test(test_commands_with_slog_and_special),
            cmocka_unit_test(test_commands_with_volumes_in_order),
            cmocka_unit_test(test_commands_never_repeat_a_property),
            cmocka_unit_test(test_destroy_command),
            cmocka_unit_test(test_run_creates_and_exports),
            cmocka_unit_test(test_run_rolls_back_a_failed_dataset_or_export),
            cmocka_unit_test(test_run_after_a_failed_zpool_create),
            cmocka_unit_test(test_run_stops_when_asked),
            cmocka_unit_test(test_quoting),
            cmocka_unit_test(test_quoting_survives_a_shell),
            cmocka_unit_test(test_import_output),
            cmocka_unit_test(test_json),
            cmocka_unit_test_setup_teardown(test_discovery_on_images, setup_discovery,
                                            teardown_discovery),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
