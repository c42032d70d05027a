/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/hostid.h"
#include "lib/layout.h"
#include "lib/pool-plan.h"
#include "lib/spec-internal.h"
#include "shared/macro.h"
#include "shared/quote.h"
#include "shared/spawn.h"

#define BY_ID_DIR "/dev/disk/by-id"

/* Facts nobody has looked at yet refuse until pool_discover() replaces them. */
#define NOT_LOOKED_AT "not looked at yet"

static const char *const pool_step_table[_POOL_STEP_MAX] = {
    [POOL_STEP_CREATE] = "create",
    [POOL_STEP_DATASET] = "dataset",
    [POOL_STEP_EXPORT] = "export",
    [POOL_STEP_DESTROY] = "destroy",
};

const char *pool_step_to_string(enum pool_step s)
{
        return (int)s >= 0 && s < _POOL_STEP_MAX ? pool_step_table[s] : NULL;
}

/* The class as zpool create calls it. */
static const char *vdev_class(enum disk_class c)
{
        return c == DISK_CLASS_SLOG ? "log" : c == DISK_CLASS_SPECIAL ? "special" : NULL;
}

/* ---- facts --------------------------------------------------------------------------------- */

void pool_zfs_fact_clear(struct pool_zfs_fact *z)
{
        free(z->detail);
        free(z->error);
        *z = (struct pool_zfs_fact){0};
}

static void devices_free(struct pool_device *d, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                blockdev_info_clear(&d[i].dev);
                free(d[i].vdev);
                free(d[i].vdev_resolved);
        }
        free(d);
}

void pool_facts_clear(struct pool_facts *f)
{
        if (!f)
                return;
        free(f->pool);
        free(f->node);
        free(f->peer);
        free(f->lun_prefix);
        free(f->lun_dir);
        devices_free(f->local, f->n_local);
        devices_free(f->remote, f->n_remote);
        for (size_t i = 0; i < f->n_extra_luns; i++)
                free(f->extra_luns[i]);
        free(f->extra_luns);
        free(f->hostid_file);
        pool_zfs_fact_clear(&f->imported);
        pool_zfs_fact_clear(&f->importable);
        *f = (struct pool_facts){0};
}

/* Fill devs[0..n) from disks in LUN order; remote ones get the exporter's by-path names. */
static int devices_from_layout(const struct spec *s, const struct spec_node *owner,
                               const struct spec_node *exporter, const struct backend_disk *disks,
                               size_t n, struct pool_device **ret)
{
        struct pool_device *devs = calloc(n ? n : 1, sizeof(*devs));
        int r = 0;

        if (!devs)
                return -ENOMEM;
        for (size_t i = 0; i < n && r == 0; i++) {
                devs[i].class = disks[i].class;
                devs[i].class_index = disks[i].class_index;
                devs[i].lun = disks[i].lun;
                if (exporter)
                        r = layout_lun_path(s, exporter, disks[i].lun, &devs[i].dev.path);
                else if (!(devs[i].dev.path = strdup(disks[i].path)))
                        r = -ENOMEM;
                if (r == 0)
                        r = layout_vdev_path(owner, &disks[i], &devs[i].vdev);
        }
        if (r < 0) {
                devices_free(devs, n);
                return r;
        }
        *ret = devs;
        return 0;
}

int pool_facts_layout(const struct spec *s, const struct spec_node *local, struct pool_facts *ret)
{
        const struct spec_node *peer = layout_peer(s, local);
        struct backend_disk *ld = NULL, *rd = NULL;
        struct pool_facts f = {0};
        int nl, nr, r;

        if (!peer)
                return -ENOENT;
        if (!s->pool.name || !local->name || !peer->name)
                return -EINVAL;
        f.pool = strdup(s->pool.name);
        f.node = strdup(local->name);
        f.peer = strdup(peer->name);
        f.hostid_file = strdup(POOL_HOSTID_FILE);
        f.imported.error = strdup(NOT_LOOKED_AT);
        f.importable.error = strdup(NOT_LOOKED_AT);
        if (!f.pool || !f.node || !f.peer || !f.hostid_file || !f.imported.error ||
            !f.importable.error) {
                r = -ENOMEM;
                goto fail;
        }
        f.hostid_error = -ENODATA;
        f.has_expected_hostid = local->has_hostid;
        f.expected_hostid = local->hostid;

        r = layout_lun_prefix(s, peer, &f.lun_prefix);
        if (r < 0)
                goto fail;
        nl = layout_disks(local, &ld);
        if (nl < 0) {
                r = nl;
                goto fail;
        }
        nr = layout_disks(peer, &rd);
        if (nr < 0) {
                r = nr;
                goto fail;
        }
        r = devices_from_layout(s, local, NULL, ld, (size_t)nl, &f.local);
        if (r < 0)
                goto fail;
        f.n_local = (size_t)nl;
        r = devices_from_layout(s, peer, peer, rd, (size_t)nr, &f.remote);
        if (r < 0)
                goto fail;
        f.n_remote = (size_t)nr;
        free(ld);
        free(rd);
        *ret = f;
        return 0;
fail:
        free(ld);
        free(rd);
        pool_facts_clear(&f);
        return r;
}

/* ---- discovery ----------------------------------------------------------------------------- */

static int set_string(char **field, const char *fmt, ...) _printf_(2, 3);
static int set_string(char **field, const char *fmt, ...)
{
        va_list ap;
        char *s;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        free(*field);
        *field = s;
        return 0;
}

static int probe_devices(struct pool_device *devs, size_t n, unsigned flags)
{
        for (size_t i = 0; i < n; i++) {
                struct blockdev_info d;
                int r = blockdev_probe(devs[i].dev.path, flags, &d);
                if (r < 0)
                        return r;
                blockdev_info_clear(&devs[i].dev);
                devs[i].dev = d;
        }
        return 0;
}

static int list_extra_luns(struct pool_facts *f, const char *dir)
{
        unsigned *luns = NULL;
        int n, r = 0;

        for (size_t i = 0; i < f->n_extra_luns; i++)
                free(f->extra_luns[i]);
        free(f->extra_luns);
        f->extra_luns = NULL;
        f->n_extra_luns = 0;
        r = set_string(&f->lun_dir, "%s", dir);
        if (r < 0)
                return r;
        n = blockdev_list_luns(dir, f->lun_prefix, &luns);
        f->lun_dir_error = n < 0 ? n : 0;
        if (n < 0)
                return n == -ENOMEM ? n : 0;
        for (int i = 0; i < n && r == 0; i++) {
                char **m;

                if (luns[i] < f->n_remote)
                        continue;
                m = realloc(f->extra_luns, (f->n_extra_luns + 1) * sizeof(*m));
                if (!m) {
                        r = -ENOMEM;
                        break;
                }
                f->extra_luns = m;
                if (asprintf(&f->extra_luns[f->n_extra_luns], "%s/%s%u", dir, f->lun_prefix,
                             luns[i]) < 0)
                        r = -ENOMEM;
                else
                        f->n_extra_luns++;
        }
        free(luns);
        return r;
}

/*
 * Run a zpool query. Returns 0 with *ret filled when the child ran (whatever
 * its exit status), or -errno after describing in *why what went wrong.
 */
static int zpool_query(char *const argv[], unsigned timeout_ms, struct spawn_result *ret,
                       char **why)
{
        struct spawn_options o = {.timeout_ms = timeout_ms};
        struct spawn_result res = {0};
        int r = spawn_run(argv, &o, &res);

        if (r == -ENOENT)
                return set_string(why, "cannot run zpool: it is not installed (no zpool on "
                                       "PATH)") < 0
                           ? -ENOMEM
                           : r;
        if (r == -ETIMEDOUT) {
                spawn_result_clear(&res);
                return set_string(why, "zpool %s did not answer within %u s", argv[1],
                                  timeout_ms / 1000u) < 0
                           ? -ENOMEM
                           : r;
        }
        if (r < 0)
                return set_string(why, "cannot run zpool %s: %s", argv[1], strerror(-r)) < 0
                           ? -ENOMEM
                           : r;
        *ret = res;
        return 0;
}

static int zpool_failure(const struct spawn_result *res, char *const argv[], char **why)
{
        char how[64], line[256];

        spawn_result_first_line(res, line, sizeof(line));
        return set_string(why, "zpool %s %s%s%s", argv[1],
                          spawn_result_describe(res, how, sizeof(how)), line[0] ? ": " : "", line);
}

int pool_look_imported(const char *pool, const char *proc_zfs_dir, struct pool_zfs_fact *ret)
{
        _cleanup_free_ char *kstat = NULL;
        char *argv[] = {"zpool", "list", "-H", "-o", "name", (char *)pool, NULL};
        struct spawn_result res = {0};
        struct pool_zfs_fact z = {0};
        int r;

        if (asprintf(&kstat, "%s/%s", proc_zfs_dir ? proc_zfs_dir : POOL_PROC_ZFS_DIR, pool) < 0)
                return -ENOMEM;
        if (access(kstat, F_OK) == 0) {
                z.yes = true;
                r = set_string(&z.detail, "%s exists", kstat);
        } else if ((r = zpool_query(argv, POOL_LIST_TIMEOUT_MS, &res, &z.error)) < 0) {
                /* Could not ask: z.error says why. */
                r = r == -ENOMEM ? r : 0;
        } else if (spawn_result_success(&res)) {
                z.yes = true;
                r = set_string(&z.detail, "zpool list shows it");
        } else if (!(res.err && strstr(res.err, "no such pool")))
                r = zpool_failure(&res, argv, &z.error);
        spawn_result_clear(&res);
        if (r < 0) {
                pool_zfs_fact_clear(&z);
                return r;
        }
        pool_zfs_fact_clear(ret);
        *ret = z;
        return 0;
}

static int look_importable(struct pool_facts *f)
{
        char *argv[] = {"zpool", "import", "-d", BY_ID_DIR, "-d", LAYOUT_BY_PATH_DIR, NULL};
        struct spawn_result res = {0};
        struct pool_zfs_fact *z = &f->importable;
        bool found = false;
        int r;

        pool_zfs_fact_clear(z);
        r = zpool_query(argv, POOL_IMPORT_SCAN_TIMEOUT_MS, &res, &z->error);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0;
        r = pool_import_output_lists(res.out, f->pool, &found, &z->detail);
        if (r == 0 && found)
                z->yes = true;
        else if (r == 0 && !spawn_result_success(&res) &&
                 !(res.err && strstr(res.err, "no pools available to import")))
                r = zpool_failure(&res, argv, &z->error);
        spawn_result_clear(&res);
        return r;
}

/* Where each device's by-vdev name leads on this node (NULL: nowhere), looked up in dir. */
static void resolve_vdev_names(struct pool_device *d, size_t n, const char *dir)
{
        for (size_t i = 0; i < n; i++) {
                const char *base = d[i].vdev ? strrchr(d[i].vdev, '/') : NULL;
                _cleanup_free_ char *name = NULL;

                free(d[i].vdev_resolved);
                d[i].vdev_resolved = NULL;
                if (base && asprintf(&name, "%s%s", dir, base) >= 0)
                        d[i].vdev_resolved = realpath(name, NULL);
        }
}

int pool_discover(struct pool_facts *f, const struct pool_discover_options *o)
{
        static const struct pool_discover_options defaults = {0};
        const char *hostid_file, *proc_dir, *by_path;
        int r;

        if (!o)
                o = &defaults;
        hostid_file = o->hostid_file ? o->hostid_file : POOL_HOSTID_FILE;
        proc_dir = o->proc_zfs_dir ? o->proc_zfs_dir : POOL_PROC_ZFS_DIR;
        by_path = o->by_path_dir ? o->by_path_dir : LAYOUT_BY_PATH_DIR;

        r = probe_devices(f->local, f->n_local, o->blockdev_flags);
        if (r < 0)
                return r;
        r = probe_devices(f->remote, f->n_remote, o->blockdev_flags);
        if (r < 0)
                return r;
        resolve_vdev_names(f->local, f->n_local, o->by_vdev_dir ? o->by_vdev_dir : LAYOUT_VDEV_DIR);
        resolve_vdev_names(f->remote, f->n_remote,
                           o->by_vdev_dir ? o->by_vdev_dir : LAYOUT_VDEV_DIR);
        r = list_extra_luns(f, by_path);
        if (r < 0)
                return r;

        r = set_string(&f->hostid_file, "%s", hostid_file);
        if (r < 0)
                return r;
        f->hostid = 0;
        f->hostid_error = hostid_read(hostid_file, &f->hostid);

        r = pool_look_imported(f->pool, proc_dir, &f->imported);
        if (r < 0)
                return r;
        return look_importable(f);
}

/* Append ", " (when *s is not empty) and the text; *s starts out NULL or allocated. */
static int append(char **s, const char *text)
{
        char *n;

        if (asprintf(&n, "%s%s%s", *s ? *s : "", *s && **s ? ", " : "", text) < 0)
                return -ENOMEM;
        free(*s);
        *s = n;
        return 0;
}

/* Whether p (len bytes) starts with the key, as in "state: ONLINE". */
static bool line_has_key(const char *p, size_t len, const char *key)
{
        size_t k = strlen(key);

        return len > k && strncmp(p, key, k) == 0;
}

int pool_import_output_lists(const char *output, const char *pool, bool *ret_found,
                             char **ret_detail)
{
        bool found = false, current = false;
        char *detail = NULL;

        for (const char *line = output ? output : ""; *line;) {
                const char *end = strchr(line, '\n'), *p = line;
                size_t len = end ? (size_t)(end - line) : strlen(line);

                /* The keys are right-aligned with spaces; continuation lines start with a tab. */
                while (len > 0 && (*p == ' ' || *p == '\t')) {
                        p++;
                        len--;
                }
                while (len > 0 && isspace((unsigned char)p[len - 1]))
                        len--;
                if (line_has_key(p, len, "pool: ")) {
                        current = len - 6 == strlen(pool) && strncmp(p + 6, pool, len - 6) == 0;
                        found = found || current;
                } else if (current && ret_detail &&
                           (line_has_key(p, len, "state: ") || line_has_key(p, len, "status: "))) {
                        char *item = strndup(p, len);
                        int r = item ? append(&detail, item) : -ENOMEM;
                        free(item);
                        if (r < 0) {
                                free(detail);
                                return r;
                        }
                }
                line = end ? end + 1 : p + len;
                if (!end)
                        break;
        }
        *ret_found = found;
        if (ret_detail)
                *ret_detail = detail;
        return 0;
}

/* ---- checks -------------------------------------------------------------------------------- */

void pool_problems_clear(struct pool_problems *p)
{
        if (!p)
                return;
        for (size_t i = 0; i < p->n; i++) {
                free(p->items[i].object);
                free(p->items[i].message);
        }
        free(p->items);
        *p = (struct pool_problems){0};
}

static int problem(struct pool_problems *p, const char *object, const char *fmt, ...)
    _printf_(3, 4);
static int problem(struct pool_problems *p, const char *object, const char *fmt, ...)
{
        struct pool_problem *items;
        char *message = NULL, *obj;
        va_list ap;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&message, fmt, ap);
        va_end(ap);
        obj = strdup(object);
        items = k < 0 || !obj ? NULL : realloc(p->items, (p->n + 1) * sizeof(*items));
        if (!items) {
                if (k >= 0)
                        free(message);
                free(obj);
                return -ENOMEM;
        }
        p->items = items;
        p->items[p->n].object = obj;
        p->items[p->n].message = message;
        p->n++;
        return 0;
}

static const char *class_name(enum disk_class c)
{
        const char *s = disk_class_to_string(c);
        return s ? s : "?";
}

/* "storage-a's data disk 2" or "storage-b's LUN 5 (its slog disk 0)". */
static void device_role(const struct pool_facts *f, const struct pool_device *d, bool remote,
                        char *buf, size_t size)
{
        if (remote)
                snprintf(buf, size, "%s's LUN %u (its %s disk %u)", f->peer, d->lun,
                         class_name(d->class), d->class_index);
        else
                snprintf(buf, size, "%s's %s disk %u", f->node, class_name(d->class),
                         d->class_index);
}

static int check_device(const struct pool_facts *f, const struct pool_device *d, bool remote,
                        unsigned flags, struct pool_problems *p)
{
        const struct blockdev_info *b = &d->dev;
        char role[256];
        int r = 0;

        device_role(f, d, remote, role, sizeof(role));
        if (!b->exists) {
                if (remote)
                        return problem(p, b->path,
                                       "%s does not exist: is %s exporting its disks (it does "
                                       "only while it does not own the pool), and is %s logged in "
                                       "to its backend target?",
                                       role, f->peer, f->node);
                return problem(p, b->path,
                               "%s does not exist: check the disks the description "
                               "lists for %s",
                               role, f->node);
        }
        if (b->error)
                return problem(p, b->path, "cannot examine %s (%s): %s", role,
                               b->failed_step ? b->failed_step : "probe", strerror(-b->error));
        if (!b->is_block)
                return problem(p, b->path, "%s resolves to '%s', which is not a block device", role,
                               b->resolved ? b->resolved : "?");
        if (b->busy)
                r = problem(p, b->path,
                            "%s (%s) is in use: something holds it open exclusively (a mount, md "
                            "or device-mapper, a ZFS pool, or an LIO backstore exporting it)",
                            role, b->resolved);
        if (r == 0 && b->size == 0)
                r = problem(p, b->path, "%s (%s) has a size of 0 bytes", role, b->resolved);
        if (r == 0 && d->vdev && !d->vdev_resolved)
                r = problem(p, d->vdev,
                            "the pool's name for %s does not exist: /etc/zfs/vdev_id.conf (role "
                            "zfs, 'hasan pool vdev-conf') is missing or udev has not applied it",
                            role);
        if (r == 0 && d->vdev_resolved && b->resolved && strcmp(d->vdev_resolved, b->resolved) != 0)
                r = problem(p, d->vdev, "names %s, but %s is %s", d->vdev_resolved, role,
                            b->resolved);
        if (r == 0 && b->n_signatures > 0 && !(flags & POOL_PLAN_WIPE)) {
                _cleanup_free_ char *sigs = NULL;
                if (blockdev_signatures_describe(b, &sigs) < 0)
                        return -ENOMEM;
                r = problem(p, b->path,
                            "%s (%s) carries %s: if nothing on it is needed, run again with "
                            "--wipe to erase %s",
                            role, b->resolved, sigs, b->n_signatures == 1 ? "it" : "them");
        }
        return r;
}

/* Whether both halves were examined well enough to compare their sizes. */
static bool sized(const struct blockdev_info *b)
{
        return b->exists && !b->error && b->is_block && b->size > 0;
}

static int check_sizes(const struct pool_facts *f, struct pool_problems *p)
{
        for (size_t i = 0; i < f->n_local && i < f->n_remote; i++) {
                const struct pool_device *l = &f->local[i], *m = &f->remote[i];
                char object[64];
                int r;

                if (l->class != m->class || !sized(&l->dev) || !sized(&m->dev) ||
                    l->dev.size == m->dev.size)
                        continue;
                snprintf(object, sizeof(object), "%s mirror %u", class_name(l->class),
                         l->class_index);
                r = problem(p, object,
                            "the halves differ in size: '%s' (%s) is %" PRIu64 " bytes, '%s' "
                            "(%s's LUN %u) is %" PRIu64 " bytes; a mirror only uses the smaller, "
                            "and a later replacement must fit it",
                            l->dev.path, f->node, l->dev.size, m->dev.path, f->peer, m->lun,
                            m->dev.size);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Two names of one device (a by-id alias listed twice, a LUN that is really local). */
static int check_duplicates(const struct pool_facts *f, struct pool_problems *p)
{
        size_t n = f->n_local + f->n_remote;

        for (size_t i = 0; i < n; i++) {
                const struct blockdev_info *a =
                    i < f->n_local ? &f->local[i].dev : &f->remote[i - f->n_local].dev;
                for (size_t j = 0; j < i && a->resolved; j++) {
                        const struct blockdev_info *b =
                            j < f->n_local ? &f->local[j].dev : &f->remote[j - f->n_local].dev;
                        if (b->resolved && strcmp(a->resolved, b->resolved) == 0) {
                                int r =
                                    problem(p, a->path, "is the same device as '%s' (both are %s)",
                                            b->path, a->resolved);
                                if (r < 0)
                                        return r;
                                break;
                        }
                }
        }
        return 0;
}

static size_t count_class(const struct pool_device *d, size_t n, enum disk_class c)
{
        size_t k = 0;

        for (size_t i = 0; i < n; i++)
                k += d[i].class == c;
        return k;
}

static int check_counts(const struct pool_facts *f, struct pool_problems *p)
{
        int r = 0;

        for (int c = 0; c < _DISK_CLASS_MAX && r == 0; c++) {
                size_t nl = count_class(f->local, f->n_local, (enum disk_class)c);
                size_t nr = count_class(f->remote, f->n_remote, (enum disk_class)c);
                char object[64];

                snprintf(object, sizeof(object), "%s disks", class_name((enum disk_class)c));
                if (nl != nr)
                        r = problem(p, object,
                                    "%s has %zu, %s has %zu: disk i of one node mirrors disk i "
                                    "of the other, so both need the same number",
                                    f->node, nl, f->peer, nr);
                else if (c == DISK_CLASS_DATA && nl == 0)
                        r = problem(p, object,
                                    "%s has none: the pool needs at least one data "
                                    "mirror",
                                    f->node);
        }
        return r;
}

static int check_extra_luns(const struct pool_facts *f, struct pool_problems *p)
{
        if (f->lun_dir_error)
                return problem(p, f->lun_dir ? f->lun_dir : LAYOUT_BY_PATH_DIR,
                               "cannot list it to find LUNs of %s's target the description does "
                               "not know: %s",
                               f->peer, strerror(-f->lun_dir_error));
        for (size_t i = 0; i < f->n_extra_luns; i++) {
                int r;
                if (f->n_remote == 0)
                        r = problem(p, f->extra_luns[i],
                                    "is a LUN of %s's backend target, which the description says "
                                    "exports nothing: the disk lists and the target disagree",
                                    f->peer);
                else
                        r = problem(p, f->extra_luns[i],
                                    "is a LUN of %s's backend target that the description does "
                                    "not know (it lists LUNs 0 to %zu): the disk lists and the "
                                    "target disagree, so disks would be paired wrongly",
                                    f->peer, f->n_remote - 1);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int check_zfs(const struct pool_facts *f, struct pool_problems *p)
{
        int r = 0;

        if (f->imported.error)
                r = problem(p, f->pool, "cannot tell whether the pool is imported on this node: %s",
                            f->imported.error);
        else if (f->imported.yes)
                r = problem(p, f->pool,
                            "the pool is already imported on this node (%s): this command only "
                            "creates a pool that does not exist yet",
                            f->imported.detail ? f->imported.detail : "imported");
        if (r < 0)
                return r;
        if (f->importable.error)
                r = problem(p, f->pool, "cannot tell whether the pool exists on the disks: %s",
                            f->importable.error);
        else if (f->importable.yes)
                r = problem(p, f->pool,
                            "a pool of that name exists on the disks: zpool import lists it (%s). "
                            "A multihost pool imported by %s shows up like this; an old one must "
                            "be destroyed deliberately before it is created again",
                            f->importable.detail ? f->importable.detail : "no state given",
                            f->peer);
        return r;
}

static int check_hostid(const struct pool_facts *f, struct pool_problems *p)
{
        const char *file = f->hostid_file ? f->hostid_file : POOL_HOSTID_FILE;
        char fix[96] = "";

        if (f->has_expected_hostid)
                snprintf(fix, sizeof(fix),
                         "; 'hasan hostid set --yes %08" PRIx32 "' writes the "
                         "one the description gives %s",
                         f->expected_hostid, f->node);

        switch (f->hostid_error) {
        case 0:
                break;
        case -ENODATA:
                return problem(p, file, "the hostid was not read");
        case -ENOENT:
                return problem(p, file,
                               "missing: multihost=on needs a unique, non-zero hostid on each "
                               "node%s",
                               fix);
        case -EBADMSG:
                return problem(p, file, "not a hostid file (it must hold exactly 4 bytes)%s", fix);
        default:
                return problem(p, file, "cannot read the hostid: %s", strerror(-f->hostid_error));
        }
        if (f->hostid == 0)
                return problem(p, file,
                               "the hostid is zero: multihost=on needs a unique, non-zero "
                               "hostid on each node%s",
                               fix);
        if (f->has_expected_hostid && f->hostid != f->expected_hostid)
                return problem(p, file,
                               "holds hostid %08" PRIx32 ", but the description gives %s %08" PRIx32
                               ": the nodes' hostids must be the ones the description keeps "
                               "unique%s",
                               f->hostid, f->node, f->expected_hostid, fix);
        return 0;
}

/* A property list must not name one property twice, nor one of the reserved names. */
static int check_property_list(const struct spec_properties *props, const char *path,
                               const char *const *reserved, const char *why,
                               struct pool_problems *p)
{
        for (size_t i = 0; i < props->n; i++) {
                const char *name = props->items[i].name;
                char object[512];
                int r = 0;

                if (!name)
                        continue;
                path_key(object, sizeof(object), path, name);
                for (size_t k = 0; reserved && reserved[k] && r == 0; k++)
                        if (strcmp(name, reserved[k]) == 0)
                                r = problem(p, object, "%s", why);
                for (size_t j = 0; j < i && r == 0; j++)
                        if (props->items[j].name && strcmp(props->items[j].name, name) == 0)
                                r = problem(p, object, "'%s' is set twice", name);
                if (r == 0 && !props->items[i].value)
                        r = problem(p, object, "'%s' has no value", name);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* What zfs create -V takes: digits, an optional fraction, an optional B K M G T P E Z (+ B). */
static bool valid_size(const char *s)
{
        const char *p = s;

        if (!isdigit((unsigned char)*p))
                return false;
        while (isdigit((unsigned char)*p))
                p++;
        if (*p == '.') {
                p++;
                if (!isdigit((unsigned char)*p))
                        return false;
                while (isdigit((unsigned char)*p))
                        p++;
        }
        if (*p == '\0')
                return true;
        if (!strchr("BKMGTPEZ", toupper((unsigned char)*p)))
                return false;
        if (p[1] == '\0')
                return true;
        return toupper((unsigned char)p[0]) != 'B' && toupper((unsigned char)p[1]) == 'B' &&
               p[2] == '\0';
}

/* Everything that would make the commands wrong; shared by the check and the composer. */
static int composition_problems(const struct spec_pool *pool, const struct pool_facts *f,
                                struct pool_problems *p)
{
        static const char *const pool_reserved[] = {"multihost", "cachefile", "ashift", NULL};
        static const char *const volume_reserved[] = {"volsize", NULL};
        int r;

        r = check_counts(f, p);
        if (r < 0)
                return r;
        if (!pool->name)
                return problem(p, "$.pool.name", "the pool has no name");
        if (pool->ashift < 9 || pool->ashift > 16) {
                r = problem(p, "$.pool.ashift", "ashift %u is outside 9 to 16", pool->ashift);
                if (r < 0)
                        return r;
        }
        r = check_property_list(&pool->properties, "$.pool.properties", pool_reserved,
                                "hasan always passes multihost=on, cachefile=none and ashift "
                                "(from $.pool.ashift) itself: it would be passed twice",
                                p);
        if (r < 0)
                return r;
        r = check_property_list(&pool->root_properties, "$.pool.root_properties", NULL, NULL, p);
        if (r < 0)
                return r;
        for (size_t i = 0; i < pool->n_datasets; i++) {
                const struct spec_dataset *d = &pool->datasets[i];
                char path[64], props[96];
                bool volume = d->type == DATASET_VOLUME;

                snprintf(path, sizeof(path), "$.pool.datasets[%zu]", i);
                snprintf(props, sizeof(props), "%s.properties", path);
                if (!d->name)
                        r = problem(p, path, "the dataset has no name");
                else if (volume && !d->size)
                        r = problem(p, path, "volume '%s' has no size", d->name);
                else if (volume && !valid_size(d->size))
                        r = problem(p, path,
                                    "volume '%s' has size '%s', which zfs create -V does not "
                                    "take (a number with an optional K, M, G, T or P suffix)",
                                    d->name, d->size);
                if (r == 0)
                        r = check_property_list(&d->properties, props,
                                                volume ? volume_reserved : NULL,
                                                "a volume's size is its 'size'; volsize would be "
                                                "passed twice",
                                                p);
                if (r < 0)
                        return r;
        }
        return 0;
}

int pool_plan_check(const struct pool_facts *f, const struct spec_pool *pool, unsigned flags,
                    struct pool_problems *problems)
{
        int r;

        r = composition_problems(pool, f, problems);
        if (r < 0)
                return r;
        r = check_extra_luns(f, problems);
        if (r < 0)
                return r;
        for (size_t i = 0; i < f->n_local; i++)
                if ((r = check_device(f, &f->local[i], false, flags, problems)) < 0)
                        return r;
        for (size_t i = 0; i < f->n_remote; i++)
                if ((r = check_device(f, &f->remote[i], true, flags, problems)) < 0)
                        return r;
        r = check_duplicates(f, problems);
        if (r < 0)
                return r;
        r = check_sizes(f, problems);
        if (r < 0)
                return r;
        r = check_zfs(f, problems);
        if (r < 0)
                return r;
        return check_hostid(f, problems);
}

/* ---- commands ------------------------------------------------------------------------------ */

struct argv_builder {
        char **v;
        size_t n;
        int error;
};

static void add_arg(struct argv_builder *b, const char *fmt, ...) _printf_(2, 3);
static void add_arg(struct argv_builder *b, const char *fmt, ...)
{
        va_list ap;
        char **v;
        char *s;
        int k;

        if (b->error)
                return;
        va_start(ap, fmt);
        k = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (k < 0) {
                b->error = -ENOMEM;
                return;
        }
        v = realloc(b->v, (b->n + 2) * sizeof(*v));
        if (!v) {
                free(s);
                b->error = -ENOMEM;
                return;
        }
        b->v = v;
        b->v[b->n++] = s;
        b->v[b->n] = NULL;
}

static void free_argv(char **v)
{
        for (size_t i = 0; v && v[i]; i++)
                free(v[i]);
        free(v);
}

void pool_command_clear(struct pool_command *c)
{
        if (!c)
                return;
        free_argv(c->argv);
        *c = (struct pool_command){0};
}

void pool_commands_clear(struct pool_commands *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < c->n; i++)
                pool_command_clear(&c->items[i]);
        free(c->items);
        *c = (struct pool_commands){0};
}

static int push_command(struct pool_commands *c, enum pool_step step, struct argv_builder *b,
                        unsigned timeout_ms)
{
        struct pool_command *items;

        if (b->error) {
                free_argv(b->v);
                return b->error;
        }
        items = realloc(c->items, (c->n + 1) * sizeof(*items));
        if (!items) {
                free_argv(b->v);
                return -ENOMEM;
        }
        c->items = items;
        c->items[c->n++] = (struct pool_command){step, b->v, timeout_ms};
        return 0;
}

static void add_properties(struct argv_builder *b, const char *flag,
                           const struct spec_properties *props)
{
        for (size_t i = 0; i < props->n; i++) {
                add_arg(b, "%s", flag);
                add_arg(b, "%s=%s", props->items[i].name, props->items[i].value);
        }
}

static int create_command(const struct spec_pool *pool, const struct pool_facts *f,
                          struct pool_commands *c)
{
        struct argv_builder b = {0};

        add_arg(&b, "zpool");
        add_arg(&b, "create");
        add_arg(&b, "-o");
        add_arg(&b, "multihost=on");
        add_arg(&b, "-o");
        add_arg(&b, "cachefile=none");
        add_arg(&b, "-o");
        add_arg(&b, "ashift=%u", pool->ashift);
        add_properties(&b, "-o", &pool->properties);
        add_properties(&b, "-O", &pool->root_properties);
        add_arg(&b, "%s", pool->name);
        /* Pairs in LUN order: data, then slog ("log"), then special, each class named once. */
        for (size_t i = 0; i < f->n_local; i++) {
                const struct pool_device *l = &f->local[i];
                if (l->class_index == 0 && vdev_class(l->class))
                        add_arg(&b, "%s", vdev_class(l->class));
                add_arg(&b, "mirror");
                add_arg(&b, "%s", l->vdev ? l->vdev : l->dev.path);
                add_arg(&b, "%s", f->remote[i].vdev ? f->remote[i].vdev : f->remote[i].dev.path);
        }
        return push_command(c, POOL_STEP_CREATE, &b, POOL_CREATE_TIMEOUT_MS);
}

static int dataset_command(const struct spec_pool *pool, const struct spec_dataset *d,
                           struct pool_commands *c)
{
        struct argv_builder b = {0};

        add_arg(&b, "zfs");
        add_arg(&b, "create");
        if (d->type == DATASET_VOLUME) {
                add_arg(&b, "-V");
                add_arg(&b, "%s", d->size);
        }
        add_properties(&b, "-o", &d->properties);
        add_arg(&b, "%s/%s", pool->name, d->name);
        return push_command(c, POOL_STEP_DATASET, &b, POOL_DATASET_TIMEOUT_MS);
}

int pool_plan_commands(const struct spec_pool *pool, const struct pool_facts *f,
                       struct pool_commands *ret)
{
        struct pool_problems p = {0};
        struct pool_commands c = {0};
        struct argv_builder b = {0};
        int r;

        r = composition_problems(pool, f, &p);
        if (r == 0 && p.n > 0)
                r = -EINVAL;
        pool_problems_clear(&p);
        if (r < 0)
                return r;

        r = create_command(pool, f, &c);
        for (size_t i = 0; i < pool->n_datasets && r == 0; i++)
                r = dataset_command(pool, &pool->datasets[i], &c);
        if (r == 0) {
                add_arg(&b, "zpool");
                add_arg(&b, "export");
                add_arg(&b, "%s", pool->name);
                r = push_command(&c, POOL_STEP_EXPORT, &b, POOL_EXPORT_TIMEOUT_MS);
        }
        if (r < 0) {
                pool_commands_clear(&c);
                return r;
        }
        *ret = c;
        return 0;
}

int pool_destroy_command(const char *pool, struct pool_command *ret)
{
        struct argv_builder b = {0};

        add_arg(&b, "zpool");
        add_arg(&b, "destroy");
        add_arg(&b, "-f");
        add_arg(&b, "%s", pool);
        if (b.error) {
                free_argv(b.v);
                return b.error;
        }
        *ret = (struct pool_command){POOL_STEP_DESTROY, b.v, POOL_DESTROY_TIMEOUT_MS};
        return 0;
}

/* Destroying it is the rollback; a destroy that cannot even be built leaves the pool too. */
static enum pool_outcome destroy_new_pool(const char *pool, const struct pool_runner *runner)
{
        struct pool_command destroy = {0};
        int r = pool_destroy_command(pool, &destroy);

        if (r == 0)
                r = runner->run(&destroy, runner->userdata);
        pool_command_clear(&destroy);
        return r < 0 ? POOL_OUTCOME_LEFT_BEHIND : POOL_OUTCOME_ROLLED_BACK;
}

int pool_run(const struct pool_commands *c, const char *pool, const struct pool_runner *runner,
             struct pool_run_result *ret)
{
        struct pool_run_result res = {0};
        bool ran = false; /* whether the step that ended the run was run at all */
        int k;

        for (res.done = 0; res.done < c->n; res.done++) {
                ran = false;
                if (runner->stop_requested && runner->stop_requested(runner->userdata)) {
                        res.interrupted = true;
                        break;
                }
                ran = true;
                if (runner->run(&c->items[res.done], runner->userdata) < 0)
                        break;
        }

        if (res.done == c->n)
                res.outcome = POOL_OUTCOME_CREATED;
        else if (res.done > 0)
                res.outcome = destroy_new_pool(pool, runner);
        else if (!ran)
                res.outcome = POOL_OUTCOME_NOTHING;
        else if ((k = runner->pool_exists(pool, runner->userdata)) < 0)
                res.outcome = POOL_OUTCOME_UNKNOWN;
        else if (k == 0)
                res.outcome = POOL_OUTCOME_NOTHING;
        else
                res.outcome = destroy_new_pool(pool, runner);
        *ret = res;
        return 0;
}

int pool_command_to_string(const struct pool_command *c, char **ret)
{
        return shell_join(c->argv, ret);
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static int add(json_object *o, const char *key, json_object *v)
{
        if (!v)
                return -ENOMEM;
        if (json_object_object_add(o, key, v) < 0) {
                json_object_put(v);
                return -ENOMEM;
        }
        return 0;
}

/* A string, or JSON null for NULL. */
static int add_nullable(json_object *o, const char *key, const char *s)
{
        if (!s)
                return json_object_object_add(o, key, NULL) < 0 ? -ENOMEM : 0;
        return add(o, key, json_object_new_string(s));
}

static int signatures_to_json(const struct blockdev_info *b, json_object *arr)
{
        for (size_t i = 0; i < b->n_signatures; i++) {
                json_object *s = json_object_new_object();
                int r;

                if (!s || json_object_array_add(arr, s) < 0) {
                        json_object_put(s);
                        return -ENOMEM;
                }
                r = add(s, "type", json_object_new_string(b->signatures[i].type));
                if (r == 0)
                        r = add(s, "partition_table",
                                json_object_new_boolean(b->signatures[i].partition_table));
                if (r == 0)
                        r = add(s, "offset", json_object_new_uint64(b->signatures[i].offset));
                if (r < 0)
                        return r;
        }
        return 0;
}

static int device_to_json(const struct pool_device *d, json_object **ret)
{
        const struct blockdev_info *b = &d->dev;
        json_object *o = json_object_new_object(), *sigs;
        int r;

        if (!o)
                return -ENOMEM;
        r = add(o, "path", json_object_new_string(b->path));
        if (r == 0)
                r = add_nullable(o, "resolved", b->resolved);
        if (r == 0)
                r = add(o, "exists", json_object_new_boolean(b->exists));
        if (r == 0)
                r = add(o, "block_device", json_object_new_boolean(b->is_block));
        if (r == 0)
                r = add(o, "size", json_object_new_uint64(b->size));
        if (r == 0)
                r = add(o, "in_use", json_object_new_boolean(b->busy));
        if (r == 0)
                r = add_nullable(o, "error", b->error ? strerror(-b->error) : NULL);
        if (r == 0 && (r = add(o, "signatures", sigs = json_object_new_array())) == 0)
                r = signatures_to_json(b, sigs);
        if (r < 0) {
                json_object_put(o);
                return r;
        }
        *ret = o;
        return 0;
}

static int pairs_to_json(const struct pool_facts *f, json_object *arr)
{
        size_t n = f->n_local > f->n_remote ? f->n_local : f->n_remote;

        for (size_t i = 0; i < n; i++) {
                const struct pool_device *any = i < f->n_local ? &f->local[i] : &f->remote[i];
                json_object *o = json_object_new_object(), *d = NULL;
                int r;

                if (!o || json_object_array_add(arr, o) < 0) {
                        json_object_put(o);
                        return -ENOMEM;
                }
                r = add(o, "class", json_object_new_string(class_name(any->class)));
                if (r == 0)
                        r = add(o, "index", json_object_new_uint64(any->class_index));
                if (r == 0)
                        r = add(o, "lun", json_object_new_uint64(any->lun));
                if (r == 0 && i < f->n_local && (r = device_to_json(&f->local[i], &d)) == 0)
                        r = add(o, "local", d);
                else if (r == 0 && i >= f->n_local)
                        r = add_nullable(o, "local", NULL);
                if (r == 0 && i < f->n_remote && (r = device_to_json(&f->remote[i], &d)) == 0)
                        r = add(o, "peer", d);
                else if (r == 0 && i >= f->n_remote)
                        r = add_nullable(o, "peer", NULL);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int zfs_fact_to_json(const struct pool_zfs_fact *z, json_object **ret)
{
        json_object *o = json_object_new_object();
        int r;

        if (!o)
                return -ENOMEM;
        r = add(o, "yes", json_object_new_boolean(z->yes));
        if (r == 0)
                r = add_nullable(o, "detail", z->detail);
        if (r == 0)
                r = add_nullable(o, "error", z->error);
        if (r < 0) {
                json_object_put(o);
                return r;
        }
        *ret = o;
        return 0;
}

static int problems_to_json(const struct pool_problems *problems, json_object *arr)
{
        for (size_t i = 0; i < problems->n; i++) {
                json_object *o = json_object_new_object();
                int r;

                if (!o || json_object_array_add(arr, o) < 0) {
                        json_object_put(o);
                        return -ENOMEM;
                }
                r = add(o, "object", json_object_new_string(problems->items[i].object));
                if (r == 0)
                        r = add(o, "message", json_object_new_string(problems->items[i].message));
                if (r < 0)
                        return r;
        }
        return 0;
}

static int commands_to_json(const struct pool_commands *commands, json_object *arr)
{
        for (size_t i = 0; i < commands->n; i++) {
                const struct pool_command *c = &commands->items[i];
                json_object *o = json_object_new_object(), *argv;
                char *line = NULL;
                int r;

                if (!o || json_object_array_add(arr, o) < 0) {
                        json_object_put(o);
                        return -ENOMEM;
                }
                r = add(o, "step", json_object_new_string(pool_step_to_string(c->step)));
                if (r == 0 && (r = pool_command_to_string(c, &line)) == 0) {
                        r = add(o, "shell", json_object_new_string(line));
                        free(line);
                }
                if (r == 0)
                        r = add(o, "timeout_s", json_object_new_uint64(c->timeout_ms / 1000u));
                if (r == 0)
                        r = add(o, "argv", argv = json_object_new_array());
                for (size_t k = 0; r == 0 && c->argv[k]; k++)
                        if (json_object_array_add(argv, json_object_new_string(c->argv[k])) < 0)
                                r = -ENOMEM;
                if (r < 0)
                        return r;
        }
        return 0;
}

static int plan_to_json(json_object *root, const struct pool_facts *f,
                        const struct pool_problems *problems, const struct pool_commands *commands,
                        unsigned flags)
{
        json_object *arr, *z;
        char hex[9];
        int r;

        r = add(root, "pool", json_object_new_string(f->pool));
        if (r == 0)
                r = add(root, "node", json_object_new_string(f->node));
        if (r == 0)
                r = add(root, "peer", json_object_new_string(f->peer));
        if (r == 0)
                r = add(root, "clean", json_object_new_boolean(problems->n == 0));
        if (r == 0)
                r = add(root, "wipe", json_object_new_boolean(flags & POOL_PLAN_WIPE));
        if (r == 0 && (r = add(root, "pairs", arr = json_object_new_array())) == 0)
                r = pairs_to_json(f, arr);
        if (r == 0 && (r = add(root, "extra_luns", arr = json_object_new_array())) == 0)
                for (size_t i = 0; i < f->n_extra_luns && r == 0; i++)
                        if (json_object_array_add(arr, json_object_new_string(f->extra_luns[i])) <
                            0)
                                r = -ENOMEM;
        if (r == 0) {
                snprintf(hex, sizeof(hex), "%08" PRIx32, f->hostid);
                r = add_nullable(root, "hostid", f->hostid_error == 0 ? hex : NULL);
        }
        if (r == 0 && (r = zfs_fact_to_json(&f->imported, &z)) == 0)
                r = add(root, "imported_here", z);
        if (r == 0 && (r = zfs_fact_to_json(&f->importable, &z)) == 0)
                r = add(root, "visible_on_disks", z);
        if (r == 0 && (r = add(root, "problems", arr = json_object_new_array())) == 0)
                r = problems_to_json(problems, arr);
        if (r == 0 && !commands)
                r = add_nullable(root, "commands", NULL);
        else if (r == 0 && (r = add(root, "commands", arr = json_object_new_array())) == 0)
                r = commands_to_json(commands, arr);
        return r;
}

int pool_plan_to_json(const struct pool_facts *f, const struct pool_problems *problems,
                      const struct pool_commands *commands, unsigned flags,
                      struct json_object **ret)
{
        json_object *root = json_object_new_object();
        int r;

        if (!root)
                return -ENOMEM;
        r = plan_to_json(root, f, problems, commands, flags);
        if (r < 0) {
                json_object_put(root);
                return r;
        }
        *ret = root;
        return 0;
}
