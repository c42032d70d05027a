/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/zpool.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/spawn.h"
#include "shared/time-util.h"

int zpool_kstat_state(const char *pool, char **ret)
{
        return zpool_kstat_state_in(NULL, pool, ret);
}

int zpool_kstat_state_in(const char *kstat_dir, const char *pool, char **ret)
{
        char path[512];
        char *data = NULL;
        size_t size;
        int r;

        snprintf(path, sizeof(path), "%s/%s/state", kstat_dir ? kstat_dir : ZPOOL_KSTAT_DIR, pool);
        r = read_full_file(path, &data, &size);
        if (r < 0)
                return r == -ENOTDIR ? -ENOENT : r;
        while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == ' '))
                data[--size] = '\0';
        *ret = data;
        return 0;
}

bool zpool_is_imported_in(const char *kstat_dir, const char *pool)
{
        char path[512];

        snprintf(path, sizeof(path), "%s/%s", kstat_dir ? kstat_dir : ZPOOL_KSTAT_DIR, pool);
        return access(path, F_OK) == 0;
}

bool zpool_is_imported(const char *pool)
{
        return zpool_is_imported_in(NULL, pool);
}

bool zpool_state_is_transitional(const char *state)
{
        /* The kstat reads OFFLINE (VDEV_STATE_CLOSED), empty or UNKNOWN while the pool opens. */
        return !state || !*state || strcmp(state, "OFFLINE") == 0 ||
               strcmp(state, "UNKNOWN") == 0 || strcmp(state, "CLOSED") == 0;
}

int zpool_settled_state(const char *pool, unsigned timeout_ms, char **ret)
{
        uint64_t deadline = now_ms() + timeout_ms;
        char *state = NULL;
        int r;

        for (;;) {
                r = zpool_kstat_state(pool, &state);
                if (r < 0)
                        return r;
                if (!zpool_state_is_transitional(state) || now_ms() >= deadline)
                        break;
                free(state);
                state = NULL;
                (void)poll(NULL, 0, 50);
        }
        *ret = state;
        return 0;
}

void zpool_status_clear(struct zpool_status *st)
{
        free(st->state);
        free(st->scan_function);
        free(st->scan_state);
        for (size_t i = 0; i < st->n_leaves; i++) {
                free(st->leaves[i].name);
                free(st->leaves[i].path);
                free(st->leaves[i].state);
                free(st->leaves[i].vclass);
                free(st->leaves[i].vdev);
        }
        free(st->leaves);
        *st = (struct zpool_status){0};
}

static char *dup_string(json_object *o, const char *key)
{
        json_object *v;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return strdup(json_object_get_string(v));
}

static int64_t get_int(json_object *o, const char *key)
{
        json_object *v;

        if (!json_object_object_get_ex(o, key, &v))
                return 0;
        /* --json-int gives numbers; without it they are strings. */
        if (json_object_is_type(v, json_type_string))
                return strtoll(json_object_get_string(v), NULL, 10);
        return json_object_get_int64(v);
}

/* top: the name of the top-level vdev vdev belongs to, NULL above that level. */
static int add_leaves(json_object *vdev, const char *top, struct zpool_status *st)
{
        json_object *children, *name, *type;

        if (json_object_object_get_ex(vdev, "vdevs", &children) &&
            json_object_is_type(children, json_type_object)) {
                bool root = json_object_object_get_ex(vdev, "vdev_type", &type) &&
                            strcmp(json_object_get_string(type), "root") == 0;

                if (!top && !root && json_object_object_get_ex(vdev, "name", &name))
                        top = json_object_get_string(name);
                json_object_object_foreach(children, key, child)
                {
                        (void)key;
                        int r = add_leaves(child, top, st);
                        if (r < 0)
                                return r;
                }
                return 0;
        }

        /* A leaf: disk or file. */
        struct zpool_leaf *grown = realloc(st->leaves, (st->n_leaves + 1) * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        st->leaves = grown;
        st->leaves[st->n_leaves++] = (struct zpool_leaf){
            .name = dup_string(vdev, "name"),
            .path = dup_string(vdev, "path"),
            .state = dup_string(vdev, "state"),
            .vclass = dup_string(vdev, "class"),
            .vdev = top ? strdup(top) : dup_string(vdev, "name"),
        };
        return 0;
}

int zpool_status_parse(const char *json, const char *pool, struct zpool_status *ret)
{
        json_object *root = json_tokener_parse(json), *pools, *p, *scan, *vdevs;
        struct zpool_status st = {0};
        int r = 0;

        if (!root)
                return -EBADMSG;
        if (!json_object_object_get_ex(root, "pools", &pools) ||
            !json_object_object_get_ex(pools, pool, &p)) {
                json_object_put(root);
                return -ENOENT;
        }
        st.state = dup_string(p, "state");
        if (json_object_object_get_ex(p, "scan_stats", &scan)) {
                st.scan_function = dup_string(scan, "function");
                st.scan_state = dup_string(scan, "state");
                st.scan_start = get_int(scan, "start_time");
                st.scan_end = get_int(scan, "end_time");
                st.scan_processed = (uint64_t)get_int(scan, "processed");
                st.scan_examined = (uint64_t)get_int(scan, "examined");
                st.scan_to_examine = (uint64_t)get_int(scan, "to_examine");
        }
        /* The root vdev, then the log, spare and cache groups beside it. */
        static const char *const groups[] = {"vdevs", "logs", "spares", "l2cache"};
        for (size_t g = 0; g < ELEMENTSOF(groups) && r >= 0; g++) {
                if (!json_object_object_get_ex(p, groups[g], &vdevs) ||
                    !json_object_is_type(vdevs, json_type_object))
                        continue;
                json_object_object_foreach(vdevs, key, v)
                {
                        (void)key;
                        r = add_leaves(v, NULL, &st);
                        if (r < 0)
                                break;
                }
        }
        json_object_put(root);
        if (r < 0 || !st.state) {
                zpool_status_clear(&st);
                return r < 0 ? r : -EBADMSG;
        }
        *ret = st;
        return 0;
}

/* Run zpool with argv; 0, -ETIMEDOUT, -EIO (why filled) or -errno. */
static int run_zpool(char *const *argv, unsigned timeout_ms, struct spawn_result *keep, char *why,
                     size_t why_size)
{
        struct spawn_options o = {.timeout_ms = timeout_ms};
        struct spawn_result res = {0};
        int r = spawn_run(argv, &o, &res);

        if (why_size > 0)
                why[0] = '\0';
        if (r == -ETIMEDOUT) {
                snprintf(why, why_size, "%s %s timed out after %u ms", argv[0], argv[1],
                         timeout_ms);
                spawn_result_clear(&res);
                return r;
        }
        if (r < 0) {
                snprintf(why, why_size, "cannot run %s: %s", argv[0], strerror(-r));
                return r;
        }
        if (!spawn_result_success(&res)) {
                spawn_result_first_line(&res, why, why_size);
                spawn_result_clear(&res);
                return -EIO;
        }
        if (keep)
                *keep = res;
        else
                spawn_result_clear(&res);
        return 0;
}

int zpool_status_read(const char *pool, unsigned timeout_ms, struct zpool_status *ret, char *why,
                      size_t why_size)
{
        char *argv[] = {"zpool", "status", "-j", "--json-int", "-P", (char *)pool, NULL};
        struct spawn_result res = {0};
        int r = run_zpool(argv, timeout_ms, &res, why, why_size);

        if (r < 0)
                return r;
        r = zpool_status_parse(res.out, pool, ret);
        spawn_result_clear(&res);
        if (r < 0)
                snprintf(why, why_size, "cannot parse zpool status -j for %s: %s", pool,
                         strerror(-r));
        return r;
}

int zpool_import(const char *pool, char *const *dirs, size_t n_dirs, unsigned timeout_ms, char *why,
                 size_t why_size)
{
        /* zpool import -f -o cachefile=none [-d DIR]... POOL */
        char **argv = calloc(2 * n_dirs + 7, sizeof(char *));
        size_t k = 0;
        int r;

        if (!argv)
                return -ENOMEM;
        argv[k++] = "zpool";
        argv[k++] = "import";
        /* The last owner crashed (it never exported): -f. Multihost's
         * activity check still runs; -f does not skip it. */
        argv[k++] = "-f";
        argv[k++] = "-o";
        argv[k++] = "cachefile=none";
        for (size_t i = 0; i < n_dirs; i++) {
                argv[k++] = "-d";
                argv[k++] = dirs[i];
        }
        argv[k++] = (char *)pool;
        r = run_zpool(argv, timeout_ms, NULL, why, why_size);
        free(argv);
        return r;
}

int zpool_export(const char *pool, bool force, unsigned timeout_ms, char *why, size_t why_size)
{
        char *argv[] = {"zpool", "export", force ? "-f" : (char *)pool, force ? (char *)pool : NULL,
                        NULL};
        return run_zpool(argv, timeout_ms, NULL, why, why_size);
}

int zpool_online(const char *pool, const char *device, unsigned timeout_ms, char *why,
                 size_t why_size)
{
        char *argv[] = {"zpool", "online", (char *)pool, (char *)device, NULL};
        return run_zpool(argv, timeout_ms, NULL, why, why_size);
}

int zpool_clear(const char *pool, const char *device, unsigned timeout_ms, char *why,
                size_t why_size)
{
        char *argv[] = {"zpool", "clear", (char *)pool, (char *)device, NULL};
        return run_zpool(argv, timeout_ms, NULL, why, why_size);
}

int zpool_scrub(const char *pool, unsigned timeout_ms, char *why, size_t why_size)
{
        char *argv[] = {"zpool", "scrub", (char *)pool, NULL};
        return run_zpool(argv, timeout_ms, NULL, why, why_size);
}
