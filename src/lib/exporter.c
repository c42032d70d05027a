/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/configfs.h"
#include "lib/exporter.h"
#include "lib/fence.h"
#include "lib/iscsi.h"
#include "lib/layout.h"
#include "lib/lio.h"
#include "shared/macro.h"
#include "shared/parse.h"
#include "shared/spawn.h"

/* The states zpool reports for pools and vdevs; a state outside them is added as found. */
static const char *const pool_states[] = {"ONLINE",  "DEGRADED", "FAULTED",  "OFFLINE",
                                          "REMOVED", "UNAVAIL",  "SUSPENDED"};
static const char *const vdev_states[] = {"ONLINE",  "DEGRADED", "FAULTED",
                                          "OFFLINE", "REMOVED",  "UNAVAIL"};

/*
 * One sample per known state, 1 for current and 0 for the others, and
 * current itself when it is none of them. labels: name, value pairs, NULL,
 * with two free slots after the NULL for the state label.
 */
static void state_set(struct expo *e, const char *const *states, size_t n, const char *current,
                      const char **labels)
{
        size_t k = 0;
        bool known = false;

        while (labels[k])
                k += 2;
        labels[k] = "state";
        labels[k + 2] = NULL;
        for (size_t i = 0; i < n; i++) {
                bool is = current && strcmp(current, states[i]) == 0;

                known |= is;
                labels[k + 1] = states[i];
                expo_gauge(e, is ? 1 : 0, labels);
        }
        if (!known) {
                labels[k + 1] = current && *current ? current : "UNKNOWN";
                expo_gauge(e, 1, labels);
        }
        labels[k] = NULL;
}

int exporter_collect_pool(struct expo *e, const struct exporter_source *src, char *why,
                          size_t why_size)
{
        const char *pool = src->spec->pool.name;
        _cleanup_free_ char *state = NULL;
        int r;

        expo_family(e, "hasan_pool_imported", "gauge",
                    "1 when the pool is imported on this node (its kstat exists), else 0.");
        r = zpool_kstat_state_in(src->zfs_kstat, pool, &state);
        if (r == -ENOENT) {
                expo_gauge(e, 0, EXPO_LABELS("pool", pool));
                return 0;
        }
        if (r < 0) {
                snprintf(why, why_size, "cannot read the kstat state of pool '%s': %s", pool,
                         strerror(-r));
                return r;
        }
        expo_gauge(e, 1, EXPO_LABELS("pool", pool));
        expo_family(e, "hasan_pool_state", "gauge",
                    "The pool's state from its kstat: 1 for the current state, 0 for the others.");
        state_set(e, pool_states, ELEMENTSOF(pool_states), state,
                  (const char *[]){"pool", pool, NULL, NULL, NULL});
        return 0;
}

static void lower(char *dst, size_t size, const char *src)
{
        size_t i = 0;

        for (; src && src[i] && i + 1 < size; i++)
                dst[i] = (char)tolower((unsigned char)src[i]);
        dst[i] = '\0';
}

void exporter_vdev_metrics(struct expo *e, const struct exporter_source *src,
                           const struct zpool_status *st)
{
        const char *pool = src->spec->pool.name;
        char function[32], scan_state[32];

        expo_family(e, "hasan_vdev_state", "gauge",
                    "Each mirror half's state from zpool status: 1 for the current state. node is "
                    "the storage node whose disk it is (by its by-vdev name), half says whether "
                    "that is this node (local) or the peer, over iSCSI (remote).");
        for (size_t i = 0; i < st->n_leaves; i++) {
                const struct zpool_leaf *l = &st->leaves[i];
                const struct spec_node *owner = layout_vdev_owner(src->spec, l->path);
                const char *half = !owner                            ? "unknown"
                                   : src->self && owner == src->self ? "local"
                                                                     : "remote";

                const char *labels[] = {"pool",   pool,
                                        "vdev",   l->vdev,
                                        "device", l->path ? l->path : l->name,
                                        "class",  l->vclass,
                                        "node",   owner ? owner->name : "",
                                        "half",   half,
                                        NULL,     NULL,
                                        NULL};

                state_set(e, vdev_states, ELEMENTSOF(vdev_states), l->state, labels);
        }

        lower(function, sizeof(function), st->scan_function);
        lower(scan_state, sizeof(scan_state), st->scan_state);
        if (!st->scan_function)
                return;
        expo_family(e, "hasan_pool_scan_state", "gauge",
                    "The pool's last scan (function scrub or resilver) and its state (scanning, "
                    "finished, canceled); zpool status knows the last scan only.");
        expo_gauge(e, 1, EXPO_LABELS("pool", pool, "function", function, "state", scan_state));
        expo_family(e, "hasan_pool_scan_start_timestamp_seconds", "gauge",
                    "When the pool's last scan started, seconds since the epoch.");
        expo_gauge(e, (double)st->scan_start, EXPO_LABELS("pool", pool, "function", function));
        if (st->scan_end > 0 && st->scan_state && strcmp(st->scan_state, "SCANNING") != 0) {
                expo_family(e, "hasan_pool_scan_end_timestamp_seconds", "gauge",
                            "When the pool's last scan ended (finished or canceled), seconds "
                            "since the epoch.");
                expo_gauge(e, (double)st->scan_end,
                           EXPO_LABELS("pool", pool, "function", function));
        }
        expo_family(e, "hasan_pool_scan_examined_bytes", "gauge",
                    "Bytes the pool's last scan has examined.");
        expo_gauge(e, (double)st->scan_examined, EXPO_LABELS("pool", pool, "function", function));
        expo_family(e, "hasan_pool_scan_to_examine_bytes", "gauge",
                    "Bytes the pool's last scan has to examine in all.");
        expo_gauge(e, (double)st->scan_to_examine, EXPO_LABELS("pool", pool, "function", function));
}

int exporter_collect_vdev(struct expo *e, const struct exporter_source *src, char *why,
                          size_t why_size)
{
        const char *pool = src->spec->pool.name;
        struct zpool_status st = {0};
        char detail[512];
        int r;

        /* On the node without the pool there is nothing to ask zpool about. */
        if (!zpool_is_imported_in(src->zfs_kstat, pool))
                return 0;
        r = zpool_status_read(pool, src->zpool_timeout_ms, &st, detail, sizeof(detail));
        if (r < 0) {
                snprintf(why, why_size, "zpool status %s: %s", pool, detail);
                return r;
        }
        exporter_vdev_metrics(e, src, &st);
        zpool_status_clear(&st);
        return 0;
}

int exporter_collect_backend(struct expo *e, const struct exporter_source *src, char *why,
                             size_t why_size)
{
        const struct spec_node *peer = src->self ? layout_peer(src->spec, src->self) : NULL;
        const struct spec_address *addr;
        struct iscsi_session *sessions = NULL;
        char portal[64], ip[16];
        bool up = false;
        size_t n = 0;
        int r;

        /* The quorum node has no backend; a storage node's is to its peer's target. */
        if (!peer || !peer->backend)
                return 0;
        addr = spec_node_address(peer, "storage");
        if (!addr || !addr->ip.set) {
                snprintf(why, why_size, "node '%s' has no storage address", peer->name);
                return -EINVAL;
        }
        format_ipv4(addr->ip.addr, ip);
        snprintf(portal, sizeof(portal), "%s:%u", ip, src->spec->backend_port);

        r = iscsi_sessions_list(src->sysfs, &sessions, &n);
        if (r < 0) {
                snprintf(why, why_size, "cannot list the iSCSI sessions in '%s': %s",
                         src->sysfs ? src->sysfs : "/sys", strerror(-r));
                return r;
        }
        for (size_t i = 0; i < n; i++)
                if (strcmp(sessions[i].target, peer->backend->target_iqn) == 0 &&
                    strcmp(sessions[i].state, "LOGGED_IN") == 0)
                        up = true;
        iscsi_sessions_free(sessions, n);

        expo_family(e, "hasan_backend_session_up", "gauge",
                    "1 when this node has a logged-in iSCSI session to the peer's backend target, "
                    "else 0.");
        expo_gauge(e, up ? 1 : 0,
                   EXPO_LABELS("target", peer->backend->target_iqn, "portal", portal));
        return 0;
}

struct lio_counters {
        char target[224];
        char tpg[16];
        char lun[16];
        char backstore[128];
        uint64_t commands, read_mib, write_mib;
};

/* "hba/object" from the LUN's link to its backstore; "" when it has none. */
static void lun_backstore(const char *lun_dir, char *buf, size_t size)
{
        char **links = NULL, path[PATH_MAX], text[PATH_MAX];
        size_t n = 0;
        ssize_t k;

        buf[0] = '\0';
        if (cfs_list(lun_dir, DT_LNK, &links, &n) < 0)
                return;
        if (n > 0 && cfs_pathf(path, sizeof(path), "%s/%s", lun_dir, links[0]) == 0 &&
            (k = readlink(path, text, sizeof(text) - 1)) > 0) {
                char *object, *hba;

                text[k] = '\0';
                object = strrchr(text, '/');
                if (object) {
                        *object = '\0';
                        hba = strrchr(text, '/');
                        if (cfs_pathf(buf, size, "%s/%s", hba ? hba + 1 : text, object + 1) < 0)
                                buf[0] = '\0';
                }
        }
        cfs_strv_free(links, n);
}

static int read_u64_attr(const char *dir, const char *name, uint64_t *ret)
{
        char path[PATH_MAX], buf[64];
        int r;

        r = cfs_pathf(path, sizeof(path), "%s/statistics/scsi_tgt_port/%s", dir, name);
        if (r < 0)
                return r;
        r = cfs_read(path, buf, sizeof(buf));
        if (r < 0)
                return r;
        return safe_atou64(buf, ret);
}

/* Every LUN of tpg_dir into *list. */
static int lio_tpg_luns(const char *target, const char *tpg, const char *tpg_dir,
                        struct lio_counters **list, size_t *n)
{
        char dir[PATH_MAX], **luns = NULL;
        size_t m = 0;
        int r;

        r = cfs_pathf(dir, sizeof(dir), "%s/lun", tpg_dir);
        if (r < 0 || (r = cfs_list(dir, DT_DIR, &luns, &m)) < 0)
                return r;
        for (size_t i = 0; i < m && r >= 0; i++) {
                struct lio_counters c = {0}, *grown;
                char lun_dir[PATH_MAX];
                unsigned number;

                if (lio_lun_dir_number(luns[i], &number) < 0 ||
                    cfs_pathf(lun_dir, sizeof(lun_dir), "%s/%s", dir, luns[i]) < 0)
                        continue;
                /* A LUN without a device (being built or torn down) has no statistics. */
                if (read_u64_attr(lun_dir, "in_cmds", &c.commands) < 0 ||
                    read_u64_attr(lun_dir, "read_mbytes", &c.read_mib) < 0 ||
                    read_u64_attr(lun_dir, "write_mbytes", &c.write_mib) < 0)
                        continue;
                snprintf(c.target, sizeof(c.target), "%s", target);
                snprintf(c.tpg, sizeof(c.tpg), "%s", tpg);
                snprintf(c.lun, sizeof(c.lun), "%u", number);
                lun_backstore(lun_dir, c.backstore, sizeof(c.backstore));
                grown = realloc(*list, (*n + 1) * sizeof(**list));
                if (!grown) {
                        r = -ENOMEM;
                        break;
                }
                *list = grown;
                (*list)[(*n)++] = c;
        }
        cfs_strv_free(luns, m);
        return r < 0 ? r : 0;
}

static int lio_all_luns(const char *root, struct lio_counters **list, size_t *n)
{
        char dir[PATH_MAX], **targets = NULL;
        size_t nt = 0;
        int r;

        r = cfs_pathf(dir, sizeof(dir), "%s/iscsi", root);
        if (r < 0 || (r = cfs_list(dir, DT_DIR, &targets, &nt)) < 0)
                return r;
        for (size_t i = 0; i < nt && r >= 0; i++) {
                char target_dir[PATH_MAX], **tpgs = NULL;
                size_t np = 0;

                if (cfs_pathf(target_dir, sizeof(target_dir), "%s/%s", dir, targets[i]) < 0)
                        continue;
                r = cfs_list(target_dir, DT_DIR, &tpgs, &np);
                for (size_t k = 0; k < np && r >= 0; k++) {
                        char tpg_dir[PATH_MAX];
                        uint32_t tag;

                        if (!string_has_prefix(tpgs[k], "tpgt_") ||
                            safe_atou32(tpgs[k] + 5, &tag) < 0 ||
                            cfs_pathf(tpg_dir, sizeof(tpg_dir), "%s/%s", target_dir, tpgs[k]) < 0)
                                continue;
                        r = lio_tpg_luns(targets[i], tpgs[k] + 5, tpg_dir, list, n);
                }
                cfs_strv_free(tpgs, np);
        }
        cfs_strv_free(targets, nt);
        return r;
}

int exporter_collect_lio(struct expo *e, const struct exporter_source *src, char *why,
                         size_t why_size)
{
        const char *root = src->lio_root ? src->lio_root : LIO_ROOT_DEFAULT;
        struct lio_counters *c = NULL;
        size_t n = 0;
        int r;

        r = lio_all_luns(root, &c, &n);
        if (r < 0) {
                snprintf(why, why_size, "cannot read the LIO LUNs under '%s': %s", root,
                         strerror(-r));
                free(c);
                return r;
        }
#define LUN_LABELS(x)                                                                              \
        EXPO_LABELS("target", (x).target, "tpg", (x).tpg, "lun", (x).lun, "backstore",             \
                    (x).backstore)
        expo_family(e, "hasan_lio_lun_commands_total", "counter",
                    "SCSI commands an LIO iSCSI LUN received (statistics/scsi_tgt_port/in_cmds).");
        for (size_t i = 0; i < n; i++)
                expo_counter(e, c[i].commands, LUN_LABELS(c[i]));
        expo_family(e, "hasan_lio_lun_read_bytes_total", "counter",
                    "Bytes an LIO iSCSI LUN sent to initiators, counted by the kernel in whole "
                    "MiB (scsi_tgt_port/read_mbytes, 32 bits: wraps at 4 PiB).");
        for (size_t i = 0; i < n; i++)
                expo_counter(e, c[i].read_mib << 20, LUN_LABELS(c[i]));
        expo_family(e, "hasan_lio_lun_written_bytes_total", "counter",
                    "Bytes initiators wrote to an LIO iSCSI LUN, counted by the kernel in whole "
                    "MiB (scsi_tgt_port/write_mbytes, 32 bits: wraps at 4 PiB).");
        for (size_t i = 0; i < n; i++)
                expo_counter(e, c[i].write_mib << 20, LUN_LABELS(c[i]));
#undef LUN_LABELS
        free(c);
        return 0;
}

void exporter_failover_metrics(struct expo *e, const struct timeline_failover *f)
{
        const char *const *labels = EXPO_LABELS("pool", f->pool);

        expo_family(e, "hasan_last_failover_start_timestamp_seconds", "gauge",
                    "When the last failover that brought the pool to this node began: this "
                    "node's first logged phase of it (hasan timeline), seconds since the epoch.");
        expo_gauge(e, (double)f->start_usec / 1e6, labels);
        expo_family(e, "hasan_last_failover_planned", "gauge",
                    "1 when that failover was planned (the pool was exported first), 0 when the "
                    "pool was taken over without an export.");
        expo_gauge(e, f->kind == TIMELINE_PLANNED ? 1 : 0, labels);
        if (!f->complete)
                return; /* no services-up yet: the duration is not known */
        expo_family(e, "hasan_last_failover_seconds", "gauge",
                    "Server-side duration of that failover as this node's journal shows it: from "
                    "its first logged phase to services up (the pool group's last unblock "
                    "started).");
        expo_gauge(e, (double)(f->end_usec - f->start_usec) / 1e6, labels);
        expo_family(e, "hasan_last_failover_end_timestamp_seconds", "gauge",
                    "When that failover ended (services up), seconds since the epoch.");
        expo_gauge(e, (double)f->end_usec / 1e6, labels);
}

int exporter_collect_failover(struct expo *e, const struct exporter_source *src, char *why,
                              size_t why_size)
{
        struct timeline_journal j = {.file = src->journal_file,
                                     .since_usec = src->failover_since_usec};
        struct timeline_options o = {.pool = src->spec->pool.name};
        struct timeline_events events = {0};
        struct timeline_failover f;
        int r;

        r = timeline_read_journal(&j, &events, why, why_size);
        if (r >= 0) {
                timeline_events_sort(&events);
                r = timeline_last_failover(&events, &o, &f);
                if (r >= 0)
                        exporter_failover_metrics(e, &f);
                else if (r == -ENOENT)
                        r = 0; /* no failover to this node in the journal: no samples */
                else
                        snprintf(why, why_size,
                                 "cannot put the last failover of pool '%s' "
                                 "together: %s",
                                 o.pool, strerror(-r));
        }
        timeline_events_clear(&events);
        return r;
}

void exporter_fence_metrics(struct expo *e, const struct exporter_fence *f, size_t n,
                            unsigned interval_s)
{
        char help[256];

        snprintf(help, sizeof(help),
                 "1 when the node's fence device answered a status query, else 0. Queried at "
                 "most once every %u s; the answer is reused in between.",
                 interval_s);
        expo_family(e, "hasan_fence_device_up", "gauge", help);
        for (size_t i = 0; i < n; i++)
                expo_gauge(e, f[i].up ? 1 : 0,
                           EXPO_LABELS("node", f[i].node, "method", f[i].method));
        expo_family(e, "hasan_fence_device_last_check_timestamp_seconds", "gauge",
                    "When the fence device was last queried, seconds since the epoch.");
        for (size_t i = 0; i < n; i++)
                expo_gauge(e, f[i].checked_at,
                           EXPO_LABELS("node", f[i].node, "method", f[i].method));
}

/* fence_ipmilan's monitor action, options on stdin as the fencer passes them. */
static int ipmi_probe(const struct fence_options *o, unsigned timeout_ms, bool lanplus, char *why,
                      size_t why_size)
{
        char *argv[] = {"fence_ipmilan", NULL};
        struct spawn_options so = {.timeout_ms = timeout_ms, .kill_grace_ms = 500};
        struct spawn_result res = {0};
        char *input = NULL;
        char port[16] = "", detail[256];
        int size, r;

        if (o->ipport)
                snprintf(port, sizeof(port), "ipport=%u\n", (unsigned)o->ipport);
        size = asprintf(&input,
                        "action=monitor\nip=%s\n%susername=%s\npassword=%s\nlanplus=%d\n"
                        "shell_timeout=%u\nlogin_timeout=%u\n",
                        o->ip, port, o->username ? o->username : "", o->password ? o->password : "",
                        lanplus ? 1 : 0, o->shell_timeout, o->shell_timeout);
        if (size < 0)
                return -ENOMEM;
        so.stdin_data = input;
        so.stdin_size = (size_t)size;
        r = spawn_run(argv, &so, &res);
        explicit_bzero(input, (size_t)size);
        free(input);
        if (r < 0 && r != -ETIMEDOUT) {
                snprintf(why, why_size, "cannot run fence_ipmilan: %s", strerror(-r));
                return r;
        }
        if (spawn_result_success(&res)) {
                spawn_result_clear(&res);
                return 1;
        }
        snprintf(why, why_size, "fence_ipmilan %s: %s",
                 spawn_result_describe(&res, detail, sizeof(detail)),
                 spawn_result_first_line(&res, (char[256]){0}, 256));
        spawn_result_clear(&res);
        return 0;
}

int exporter_fence_probe(const struct spec_fencing *f, const char *cred_store, const char *cred_key,
                         unsigned timeout_ms, bool ipmi_lanplus, char *why, size_t why_size)
{
        const char *method = fence_method_to_string(f->method);
        const struct fence_agent *a = NULL;
        struct fence_options o;
        struct fence_diag d = {0};
        struct fence_run run = {0};
        char ip[16];
        int r;

        if (f->method != FENCE_METHOD_IPMI && !(a = fence_agent_find(method))) {
                snprintf(why, why_size, "no fence agent for method '%s'", method);
                return -EINVAL;
        }
        format_ipv4(f->address.addr, ip);
        fence_options_init(&o, cred_store, cred_key);
        o.action = FENCE_ACTION_MONITOR;
        o.ipport = (uint16_t)f->port;
        o.shell_timeout = timeout_ms >= 2000 ? timeout_ms / 1000 : 1;
        o.ip = strdup(ip);
        o.plug = f->plug ? strdup(f->plug) : NULL;
        o.username = f->username ? strdup(f->username) : NULL;
        o.credential = f->credential ? strdup(f->credential) : NULL;
        if (!o.ip || (f->plug && !o.plug) || (f->username && !o.username) ||
            (f->credential && !o.credential)) {
                r = -ENOMEM;
                snprintf(why, why_size, "out of memory");
                goto out;
        }
        r = (a ? fence_options_validate(a, &o, &d) : 0);
        if (r >= 0)
                r = fence_options_load_credential(&o, &d);
        if (r < 0) {
                snprintf(why, why_size, "%s", d.error[0] ? d.error : strerror(-r));
                goto out;
        }
        if (!a) {
                r = ipmi_probe(&o, timeout_ms, ipmi_lanplus, why, why_size);
                goto out;
        }
        run = (struct fence_run){.agent = a, .opt = &o};
        r = fence_run_action(&run) < 0 ? 0 : 1;
        if (r == 0)
                snprintf(why, why_size, "%s", run.message);
out:
        fence_run_clear(&run);
        fence_diag_clear(&d);
        fence_options_clear(&o);
        return r;
}
