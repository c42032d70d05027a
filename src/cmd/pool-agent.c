/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ocf:hasan:pool: the pool's import on the node Pacemaker chose.
 *
 * start    1. remove this node's own backend LUNs (a disk cannot be a local
 *             vdev and an LIO backstore at once; the backend clone's stop
 *             normally did it already),
 *          2. rescan the session to the peer's backend target and wait (at
 *             most peer_wait seconds) for the by-vdev names of both nodes'
 *             halves, so that a planned failover imports every mirror
 *             whole; a peer whose session is not logged in (dead, fenced)
 *             is not waited for,
 *          3. refuse when this node's halves are marked outdated and the
 *             peer's are not all here, or the peer's are marked and this
 *             node's are not all here (lib/outdated.h: such an import would
 *             bring back older data),
 *          4. zpool import -f -o cachefile=none -d /dev/disk/by-vdev (names
 *             that mean the same disk on both nodes; multihost's activity
 *             check runs; -f does not skip it), and wait until the pool's
 *             state settles,
 *          5. mark the node whose halves did not come up outdated; export
 *             again and fail when that cannot be recorded, or when halves a
 *             mark asked for are missing after all.
 * stop     zpool export; when busy, local processes using the pool's file
 *          systems get SIGTERM then SIGKILL (as the Filesystem agent's
 *          force_unmount) and the export is retried, then forced (-f);
 *          then export this node's disks to the new
 *          owner (a node in standby runs no backend clone instance), and
 *          drop this node's devices of the peer's LUNs.
 * monitor  the kstat state, re-read while transitional; ONLINE and DEGRADED
 *          run. Then, in a transient unit the monitor does not wait for
 *          ("hasan pool tend"; ZFS's commands can block), the halves (a
 *          half ZFS faulted for too many errors leaves the pool ONLINE): those down whose device
 *          works again (the peer's: while its session is logged in) are
 *          brought back, and ZFS resilvers only what changed. The outdated
 *          marks follow: set for a node with a half down, cleared once its
 *          halves are all back and resilvered.
 *
 * The stock ocf:heartbeat:ZFS (resource-agents 4.12) is not used: it cannot
 * wait for the peer's LUNs (a planned failover would import degraded and
 * resilver), knows nothing of multihost, fails its first monitor on the
 * transitional state right after an import, and always exports with -f.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <signal.h>
#include <syslog.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cmd/commands.h"
#include "cmd/pool-agent.h"
#include "lib/iscsi.h"
#include "lib/layout.h"
#include "lib/outdated.h"
#include "lib/spec.h"
#include "lib/zpool.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/mountinfo.h"
#include "shared/ocf.h"
#include "shared/parse.h"
#include "shared/spawn.h"
#include "shared/time-util.h"

#define RESCAN_TIMEOUT_MS 5000u
#define SETTLE_TIMEOUT_MS 10000u
#define MONITOR_SETTLE_MS 2000u
#define EXPORT_TIMEOUT_MS 60000u
#define ONLINE_TIMEOUT_MS 20000u
/* Left of the operation's timeout for what follows the import. */
#define IMPORT_MARGIN_MS 8000u
#define IMPORT_TIMEOUT_MS_DEFAULT 112000u

static const struct ocf_param pool_params[] = {
    {"pool", OCF_CONTENT_STRING, true, true, NULL, "ZFS pool name",
     "The pool to import; it must be the pool of the cluster description."},
    {"config", OCF_CONTENT_STRING, false, false, HASAN_CLUSTER_JSON, "cluster description",
     "The cluster description (nodes, disks, backend targets)."},
    {"node", OCF_CONTENT_STRING, false, false, NULL, "this node's name",
     "This node's name in the description; default: the short host name."},
    {"import_dirs", OCF_CONTENT_STRING, false, false, "/dev/disk/by-vdev",
     "directories searched for the pool's devices",
     "Space-separated directories zpool import searches (-d). The default holds the names "
     "that mean the same disk on both nodes (/etc/zfs/vdev_id.conf): a mirror half recorded "
     "under a name only one node has could not be brought back on the other."},
    {"peer_wait", OCF_CONTENT_INTEGER, false, false, "20", "seconds to wait for the peer's LUNs",
     "How long start waits for the peer's backend LUNs when its session is logged in."},
    {"cred_store", OCF_CONTENT_STRING, false, false, HASAN_CRED_STORE, "credential store",
     "Where the backend's CHAP secrets are (for exporting this node's disks on stop)."},
    {"cred_key", OCF_CONTENT_STRING, false, false, HASAN_CRED_KEY, "credential store key",
     "The credential store's key file."},
};

/*
 * To the journal as "hasan-pool" with its own timestamp (Pacemaker logs an
 * agent's stderr only when the action ends, and only to its own log), and
 * to stderr: failover phases, and the refusals an operator must find.
 */
static void vjournal(int priority, const char *fmt, va_list ap) _printf_(2, 0);
static void vjournal(int priority, const char *fmt, va_list ap)
{
        char line[1024];

        vsnprintf(line, sizeof(line), fmt, ap);
        openlog("hasan-pool", LOG_PID, LOG_DAEMON);
        syslog(priority, "%s", line);
        closelog();
        if (priority <= LOG_ERR)
                log_error("%s", line);
        else if (priority == LOG_WARNING)
                log_warning("%s", line);
        else
                log_info("%s", line);
}

static void journal_line(int priority, const char *fmt, ...) _printf_(2, 3);
static void journal_line(int priority, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vjournal(priority, fmt, ap);
        va_end(ap);
}

static void phase(const char *fmt, ...) _printf_(1, 2);
static void phase(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vjournal(LOG_NOTICE, fmt, ap);
        va_end(ap);
}

static void refusal(const char *fmt, ...) _printf_(1, 2);
static void refusal(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vjournal(LOG_ERR, fmt, ap);
        va_end(ap);
}

/* The description and this node in it; logs why not. */
static int load_node(const char *config, const char *node_name, struct spec **ret_spec,
                     const struct spec_node **ret_node)
{
        struct spec_problems problems = {0};
        struct spec *s = NULL;
        int r = spec_load_file(config, &s, &problems);

        if (r < 0)
                return log_error_errno(r, "cannot read the cluster description %s: %s", config,
                                       strerror(-r));
        if (problems.n > 0) {
                log_error("the cluster description %s is invalid: %s: %s", config,
                          problems.items[0].path, problems.items[0].message);
                spec_problems_clear(&problems);
                spec_free(s);
                return -EINVAL;
        }
        r = layout_local_node(s, node_name, ret_node);
        if (r < 0) {
                log_error("%s is not a storage node of %s (%s)",
                          node_name ? node_name : "this host", config,
                          r == -EMEDIUMTYPE ? "it is not a storage node" : strerror(-r));
                spec_free(s);
                return r;
        }
        *ret_spec = s;
        return 0;
}

/* ZFS partitions a whole-disk vdev; the pool lives in partition 1. */
#define HALF_PARTITION_SUFFIX "-part1"

/*
 * The names ZFS opens for node's mirror halves, in LUN order:
 * LAYOUT_VDEV_DIR "/<alias>-part1". NULL when out of memory.
 */
static char **half_paths(const struct spec_node *node, size_t *ret_n)
{
        struct backend_disk *disks = NULL;
        int n = layout_disks(node, &disks);
        char **paths = n >= 0 ? calloc((size_t)n + 1, sizeof(char *)) : NULL;

        for (int i = 0; paths && i < n; i++) {
                _cleanup_free_ char *disk = NULL;

                if (layout_vdev_path(node, &disks[i], &disk) < 0 ||
                    asprintf(&paths[i], "%s" HALF_PARTITION_SUFFIX, disk) < 0) {
                        paths[i] = NULL;
                        for (int k = 0; k < i; k++)
                                free(paths[k]);
                        free(paths);
                        paths = NULL;
                }
        }
        free(disks);
        if (paths)
                *ret_n = (size_t)n;
        return paths;
}

/* Whether the kernel holds any partition of the disk at path. */
static bool disk_has_partitions(const char *path)
{
        _cleanup_free_ char *dev = realpath(path, NULL);
        char dir[PATH_MAX];
        const char *name;
        struct dirent *e;
        bool found = false;
        DIR *d;

        if (!dev)
                return false;
        name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
        snprintf(dir, sizeof(dir), "/sys/class/block/%s", name);
        d = opendir(dir);
        if (!d)
                return false;
        while (!found && (e = readdir(d))) {
                char part[NAME_MAX + sizeof("/partition")];

                if (strncmp(e->d_name, name, strlen(name)) != 0)
                        continue;
                snprintf(part, sizeof(part), "%s/partition", e->d_name);
                found = faccessat(dirfd(d), part, F_OK, 0) == 0;
        }
        closedir(d);
        return found;
}

/*
 * A pool created on the peer was partitioned through iSCSI: this kernel has
 * never seen the partition table of such a disk. Re-read it, only then:
 * re-reading drops and re-adds every partition, and udev may take long to
 * bring their names back (while a dead peer's LUNs hold up its workers).
 */
static void read_new_partition_tables(const struct spec_node *self)
{
        struct backend_disk *disks = NULL;
        int n = layout_disks(self, &disks);

        for (int i = 0; i < n; i++) {
                _cleanup_close_ int fd = -1;

                if (disk_has_partitions(disks[i].path))
                        continue;
                fd = open(disks[i].path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
                if (fd < 0 || ioctl(fd, BLKRRPART) < 0)
                        log_warning("cannot re-read the partition table of %s: %m", disks[i].path);
                else
                        log_info("read the new partition table of %s", disks[i].path);
        }
        free(disks);
}

/* Wait, at most timeout_ms, until udev has handled every event the kernel sent so far. */
static void udev_settle(unsigned timeout_ms)
{
        char arg[32];
        char *argv[] = {"udevadm", "settle", arg, NULL};
        struct spawn_options o = {.timeout_ms = timeout_ms + 2000u};
        struct spawn_result res = {0};

        snprintf(arg, sizeof(arg), "--timeout=%u", (timeout_ms + 999u) / 1000u);
        if (spawn_run(argv, &o, &res) < 0 || !spawn_result_success(&res))
                log_warning("udev did not settle within %u ms", timeout_ms);
        spawn_result_clear(&res);
}

/*
 * Rescan this node's sessions to target_iqn that are logged in. Returns the
 * number of such sessions.
 */
static int rescan_peer_sessions(const char *target_iqn)
{
        struct iscsi_session *sessions = NULL;
        size_t n = 0;
        int logged_in = 0, r;

        r = iscsi_sessions_list(NULL, &sessions, &n);
        if (r < 0) {
                log_warning("cannot list the iSCSI sessions: %s", strerror(-r));
                return 0;
        }
        for (size_t i = 0; i < n; i++) {
                if (strcmp(sessions[i].target, target_iqn) != 0)
                        continue;
                if (strcmp(sessions[i].state, "LOGGED_IN") != 0) {
                        log_info("peer: session%u to %s is %s, not rescanned", sessions[i].id,
                                 target_iqn, sessions[i].state);
                        continue;
                }
                logged_in++;
                r = iscsi_session_rescan(NULL, &sessions[i], RESCAN_TIMEOUT_MS);
                if (r < 0)
                        log_warning("peer: rescan of session%u (host%u) failed: %s", sessions[i].id,
                                    sessions[i].host, strerror(-r));
        }
        iscsi_sessions_free(sessions, n);
        return logged_in;
}

/* Drop this node's devices of the peer's LUNs (after the pool left this node). */
static void drop_peer_devices(const char *target_iqn)
{
        struct iscsi_session *sessions = NULL;
        size_t n = 0;

        if (iscsi_sessions_list(NULL, &sessions, &n) < 0)
                return;
        for (size_t i = 0; i < n; i++) {
                struct iscsi_lun *luns = NULL;
                size_t m = 0;

                if (strcmp(sessions[i].target, target_iqn) != 0 ||
                    iscsi_session_luns(NULL, &sessions[i], &luns, &m) < 0)
                        continue;
                for (size_t k = 0; k < m; k++) {
                        int r = iscsi_lun_delete(NULL, &luns[k]);
                        if (r < 0)
                                log_warning("peer: cannot remove LUN %s: %s", luns[k].hctl,
                                            strerror(-r));
                }
                iscsi_luns_free(luns, m);
        }
        iscsi_sessions_free(sessions, n);
}

static void free_strv(char **v, size_t n)
{
        for (size_t i = 0; v && i < n; i++)
                free(v[i]);
        free(v);
}

/*
 * Bring the outdated marks in line with the running pool: a node with a
 * half that is not ONLINE is marked; a marked node whose halves are all
 * ONLINE, with no resilver running, is cleared. known: the nodes' marks as
 * the caller read them, or NULL to read them here. Returns -1 when a node
 * that needs its mark could not be marked (why filled), else 0.
 */
static int update_marks(const struct spec *s, const char *pool, const struct zpool_status *st,
                        const struct spec_node *const nodes[], size_t n_nodes, const bool *known,
                        char *why, size_t why_size)
{
        int ret = 0;

        for (size_t i = 0; i < n_nodes; i++) {
                struct outdated_halves h;
                char err[512] = "";
                bool marked;

                outdated_count(s, st, nodes[i], &h, NULL);
                if (known)
                        marked = known[i];
                else if (outdated_get(pool, nodes[i]->name, &marked, NULL, err, sizeof(err)) < 0) {
                        /* Unknown: mark again rather than miss one. */
                        log_warning("cannot read the outdated mark of %s: %s", nodes[i]->name, err);
                        marked = false;
                }
                if (h.online < h.total && !marked) {
                        if (outdated_mark(pool, nodes[i]->name, err, sizeof(err)) < 0) {
                                snprintf(why, why_size, "cannot mark %s's halves outdated: %s",
                                         nodes[i]->name, err);
                                ret = -1;
                                continue;
                        }
                        phase("phase outdated: %s runs with %u of %u of %s's halves; marked them "
                              "outdated",
                              pool, h.online, h.total, nodes[i]->name);
                } else if (h.online == h.total && marked && !outdated_resilver_running(st)) {
                        if (outdated_clear(pool, nodes[i]->name, err, sizeof(err)) < 0)
                                log_warning("cannot clear the outdated mark of %s: %s",
                                            nodes[i]->name, err);
                        else
                                phase("phase current: all %u of %s's halves of %s are ONLINE and "
                                      "resilvered; outdated mark cleared",
                                      h.total, nodes[i]->name, pool);
                }
        }
        return ret;
}

/*
 * Refuse an import that could roll the pool back: a node whose halves are
 * outdated imports only with the other node's halves there. Returns true
 * when the import may go ahead; ret_outdated gets this node's and the
 * peer's marks, for the checks after the import.
 */
static bool import_allowed(const char *pool, const struct spec_node *self,
                           const struct spec_node *peer, int local_missing, int peer_missing,
                           bool ret_outdated[2])
{
        _cleanup_free_ char *self_since = NULL, *peer_since = NULL;
        bool self_outdated, peer_outdated = false;
        char why[512] = "";

        if (outdated_get(pool, self->name, &self_outdated, &self_since, why, sizeof(why)) < 0 ||
            (peer &&
             outdated_get(pool, peer->name, &peer_outdated, &peer_since, why, sizeof(why)) < 0)) {
                refusal("cannot tell whether a node's halves of %s are outdated (%s): not "
                        "importing blind",
                        pool, why);
                return false;
        }
        ret_outdated[0] = self_outdated;
        ret_outdated[1] = peer_outdated;
        if (self_outdated && (!peer || peer_missing != 0)) {
                refusal("%s's halves of %s are outdated (the pool ran without them since %s) "
                        "and %s's current halves are not all here: an import would bring back "
                        "older data. Bring %s's disks back; only to accept that loss: "
                        "crm_attribute --node %s --name " OUTDATED_ATTR_PREFIX "%s --delete",
                        self->name, pool, self_since, peer ? peer->name : "the peer",
                        peer ? peer->name : "the peer", self->name, pool);
                return false;
        }
        if (peer_outdated && local_missing != 0) {
                refusal("%s's halves of %s are outdated (since %s) and this node's current "
                        "halves are not all here: not importing",
                        peer->name, pool, peer_since);
                return false;
        }
        return true;
}

/*
 * After the import: the halves a mark asked for must be in the pool, and a
 * node whose halves are missing is marked before the start succeeds.
 * Returns 0, or -1 after exporting the pool again.
 */
static int check_import(const struct spec *s, const char *pool, const struct spec_node *self,
                        const struct spec_node *peer, const bool outdated[2])
{
        const struct spec_node *nodes[2] = {self, peer};
        struct zpool_status st = {0};
        char why[512] = "";
        int r;

        r = zpool_status_read(pool, ONLINE_TIMEOUT_MS, &st, why, sizeof(why));
        /* While one node is marked outdated, the other node's halves must all be in. */
        for (size_t i = 0; r == 0 && peer && i < 2; i++) {
                const struct spec_node *n = nodes[i], *other = nodes[1 - i];
                struct outdated_halves h;

                outdated_count(s, &st, n, &h, NULL);
                if (outdated[1 - i] && h.online < h.total) {
                        snprintf(why, sizeof(why),
                                 "only %u of %u of %s's halves came up while %s's are outdated",
                                 h.online, h.total, n->name, other->name);
                        r = -1;
                }
        }
        if (r == 0)
                r = update_marks(s, pool, &st, nodes, peer ? 2 : 1, outdated, why, sizeof(why));
        zpool_status_clear(&st);
        if (r == 0)
                return 0;
        refusal("%s: %s; exporting it again", pool, why);
        if (zpool_export(pool, true, EXPORT_TIMEOUT_MS, why, sizeof(why)) < 0)
                log_error("cannot export %s: %s", pool, why);
        return -1;
}

static enum ocf_exit pool_start(const struct ocf_agent *a)
{
        const char *pool = ocf_reskey(a, "pool");
        uint64_t t0 = now_ms(), t_peer, t_import;
        const struct spec_node *self, *peer;
        _cleanup_free_ char *state = NULL;
        struct spec *s = NULL;
        char why[512];
        char **local = NULL, **remote = NULL, **dirs = NULL;
        size_t n_local = 0, n_remote = 0, n_dirs = 0;
        uint32_t peer_wait = 20;
        unsigned budget;
        int r, local_missing = -1, remote_missing = -1;
        bool outdated[2] = {false, false}; /* this node's and the peer's halves */
        enum ocf_exit ret = OCF_ERR_GENERIC;

        if (zpool_is_imported(pool)) {
                log_info("%s is already imported here", pool);
                return OCF_SUCCESS;
        }
        if (load_node(ocf_reskey(a, "config"), ocf_reskey(a, "node"), &s, &self) < 0)
                return OCF_ERR_CONFIGURED;
        if (strcmp(s->pool.name, pool) != 0) {
                log_error("pool '%s' is not the description's pool '%s'", pool, s->pool.name);
                spec_free(s);
                return OCF_ERR_CONFIGURED;
        }
        (void)safe_atou32(ocf_reskey(a, "peer_wait"), &peer_wait);

        /* A disk cannot be a local vdev and an LIO backstore at once. */
        if (backend_unexport_disks(ocf_reskey(a, "config"), ocf_reskey(a, "node")) < 0)
                goto out;
        read_new_partition_tables(self);

        /*
         * Wait for the very names the import opens (by-vdev, made by udev),
         * this node's and, when its session is up, the peer's. A name can be
         * a leftover of the peer's LUNs this node dropped at its last stop,
         * its removal still queued in udev: with the peer's session up, let
         * udev's queue drain (bounded), then look again. Not with a dead
         * peer: its LUNs' I/O can keep udev's queue busy for long.
         */
        local = half_paths(self, &n_local);
        peer = layout_peer(s, self);
        if (peer && peer->backend)
                remote = half_paths(peer, &n_remote);
        if (!local || (peer && peer->backend && !remote)) {
                log_error("out of memory");
                goto out;
        }
        if (peer && peer->backend && rescan_peer_sessions(peer->backend->target_iqn) == 0)
                log_info("peer: no logged-in session to %s, importing with the local halves",
                         peer->backend->target_iqn);
        else if (remote) {
                uint64_t deadline = t0 + peer_wait * 1000ull;

                (void)wait_for_paths(remote, n_remote, peer_wait * 1000u);
                udev_settle(now_ms() + 5000u < deadline ? (unsigned)(deadline - now_ms()) : 5000u);
                remote_missing = wait_for_paths(remote, n_remote, 5000u);
        }
        local_missing = wait_for_paths(local, n_local, peer_wait * 1000u);
        t_peer = now_ms();
        phase("phase devices: %zu of %zu local halves, %s%zu of %zu of %s's present after %llu ms",
              local_missing >= 0 ? n_local - (size_t)local_missing : 0, n_local,
              remote_missing < 0 ? "not waited for, " : "",
              remote_missing >= 0 ? n_remote - (size_t)remote_missing : 0, n_remote,
              peer ? peer->name : "no peer", (unsigned long long)(t_peer - t0));
        if (!import_allowed(pool, self, peer, local_missing, remote_missing, outdated))
                goto out;

        /* The import directories, space separated. */
        {
                _cleanup_free_ char *copy = strdup(ocf_reskey(a, "import_dirs"));
                char *save = NULL;

                dirs = calloc(16, sizeof(char *));
                if (!copy || !dirs)
                        goto out;
                for (char *d = strtok_r(copy, " ", &save); d && n_dirs < 16;
                     d = strtok_r(NULL, " ", &save))
                        if (!(dirs[n_dirs++] = strdup(d)))
                                goto out;
        }

        budget = ocf_op_timeout_ms(IMPORT_TIMEOUT_MS_DEFAULT + IMPORT_MARGIN_MS);
        budget = budget > (t_peer - t0) + IMPORT_MARGIN_MS + 1000u
                     ? budget - (unsigned)(t_peer - t0) - IMPORT_MARGIN_MS
                     : 1000u;
        phase("phase import-start: zpool import %s (timeout %u ms)", pool, budget);
        r = zpool_import(pool, dirs, n_dirs, budget, why, sizeof(why));
        t_import = now_ms();
        if (r < 0) {
                log_error("cannot import %s: %s", pool, why);
                goto out;
        }
        r = zpool_settled_state(pool, SETTLE_TIMEOUT_MS, &state);
        if (r < 0) {
                log_error("%s vanished right after its import: %s", pool, strerror(-r));
                goto out;
        }
        phase("phase import-done: %s imported %s in %llu ms (%llu ms since start)", pool, state,
              (unsigned long long)(t_import - t_peer), (unsigned long long)(now_ms() - t0));
        if (strcmp(state, "ONLINE") != 0 && strcmp(state, "DEGRADED") != 0)
                log_error("%s was imported but is %s", pool, state);
        else if (check_import(s, pool, self, peer, outdated) == 0)
                ret = OCF_SUCCESS;
out:
        free_strv(local, n_local);
        free_strv(remote, n_remote);
        free_strv(dirs, n_dirs);
        spec_free(s);
        return ret;
}

/* Whether path is mount or below it. */
static bool path_under(const char *path, const char *mount)
{
        size_t n = strlen(mount);
        return strncmp(path, mount, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

struct pool_mounts {
        const char *pool;
        char (*mounts)[512];
        size_t n, max;
};

static int collect_pool_mount(const struct mount_entry *m, void *userdata)
{
        struct pool_mounts *p = userdata;
        size_t plen = strlen(p->pool);

        if (strcmp(m->fstype, "zfs") == 0 && strncmp(m->source, p->pool, plen) == 0 &&
            (m->source[plen] == '\0' || m->source[plen] == '/'))
                snprintf(p->mounts[p->n++], sizeof(p->mounts[0]), "%s", m->mount_point);
        return p->n == p->max; /* full: stop */
}

/* The mount points of the pool's datasets, from the mount table. */
static size_t pool_mounts(const char *pool, char mounts[][512], size_t max)
{
        struct pool_mounts p = {pool, mounts, 0, max};

        if (max > 0)
                (void)mountinfo_foreach(MOUNTINFO_PATH, collect_pool_mount, &p);
        return p.n;
}

/* Whether process pid has its cwd, root or an open file on one of mounts. */
static bool process_uses(const char *pid, char mounts[][512], size_t n)
{
        static const char *const links[] = {"cwd", "root"};
        char path[300], target[4096];
        struct dirent *de;
        DIR *d;
        ssize_t k;

        for (size_t i = 0; i < ELEMENTSOF(links); i++) {
                snprintf(path, sizeof(path), "/proc/%s/%s", pid, links[i]);
                k = readlink(path, target, sizeof(target) - 1);
                if (k <= 0)
                        continue;
                target[k] = '\0';
                /* Everyone's root is "/": only a root inside the pool counts. */
                for (size_t m = 0; m < n; m++)
                        if (path_under(target, mounts[m]) && strcmp(mounts[m], "/") != 0)
                                return true;
        }
        snprintf(path, sizeof(path), "/proc/%s/fd", pid);
        d = opendir(path);
        if (!d)
                return false;
        while ((de = readdir(d))) {
                char fd_path[600];

                if (de->d_name[0] == '.')
                        continue;
                snprintf(fd_path, sizeof(fd_path), "%s/%s", path, de->d_name);
                k = readlink(fd_path, target, sizeof(target) - 1);
                if (k <= 0)
                        continue;
                target[k] = '\0';
                for (size_t m = 0; m < n; m++)
                        if (path_under(target, mounts[m])) {
                                closedir(d);
                                return true;
                        }
        }
        closedir(d);
        return false;
}

/*
 * Stop the local processes that keep the pool's file systems busy, as the
 * Filesystem agent's force_unmount does: SIGTERM, then SIGKILL after 5 s.
 * Clients are served by the cluster's own services, stopped before the
 * pool; anything else local must not turn a planned failover into a fence.
 * Returns the number of processes signalled.
 */
static int kill_pool_users(const char *pool)
{
        char mounts[64][512];
        size_t n = pool_mounts(pool, mounts, ELEMENTSOF(mounts));
        pid_t pids[256];
        size_t n_pids = 0;
        struct dirent *de;
        DIR *d;

        if (n == 0 || !(d = opendir("/proc")))
                return 0;
        while ((de = readdir(d)) && n_pids < ELEMENTSOF(pids)) {
                char *end;
                long pid = strtol(de->d_name, &end, 10);

                if (*end || pid <= 1 || pid == getpid())
                        continue;
                if (process_uses(de->d_name, mounts, n))
                        pids[n_pids++] = (pid_t)pid;
        }
        closedir(d);
        for (size_t i = 0; i < n_pids; i++) {
                log_warning("%s is busy: sending SIGTERM to process %d", pool, (int)pids[i]);
                (void)kill(pids[i], SIGTERM);
        }
        for (int t = 0; t < 50; t++) {
                bool alive = false;
                for (size_t i = 0; i < n_pids; i++)
                        alive |= kill(pids[i], 0) == 0;
                if (!alive)
                        return (int)n_pids;
                (void)poll(NULL, 0, 100);
        }
        for (size_t i = 0; i < n_pids; i++)
                if (kill(pids[i], SIGKILL) == 0)
                        log_warning("process %d ignored SIGTERM: SIGKILL", (int)pids[i]);
        return (int)n_pids;
}

static enum ocf_exit pool_stop(const struct ocf_agent *a)
{
        const char *pool = ocf_reskey(a, "pool");
        const struct spec_node *self, *peer;
        struct spec *s = NULL;
        uint64_t t0 = now_ms();
        char why[512];
        int r;

        if (!zpool_is_imported(pool)) {
                log_info("%s is not imported here", pool);
                return OCF_SUCCESS;
        }
        r = zpool_export(pool, false, EXPORT_TIMEOUT_MS, why, sizeof(why));
        if (r < 0 && kill_pool_users(pool) > 0) {
                log_warning("zpool export %s failed (%s); retrying without its users", pool, why);
                r = zpool_export(pool, false, EXPORT_TIMEOUT_MS, why, sizeof(why));
        }
        if (r < 0) {
                log_warning("zpool export %s failed (%s); forcing", pool, why);
                r = zpool_export(pool, true, EXPORT_TIMEOUT_MS, why, sizeof(why));
        }
        if (r < 0 || zpool_is_imported(pool)) {
                log_error("cannot export %s: %s", pool, r < 0 ? why : "still imported");
                return OCF_ERR_GENERIC;
        }
        phase("phase export-done: %s exported in %llu ms", pool,
              (unsigned long long)(now_ms() - t0));

        /* The pool is gone from here: serve this node's disks to the new owner. */
        if (load_node(ocf_reskey(a, "config"), ocf_reskey(a, "node"), &s, &self) == 0) {
                peer = layout_peer(s, self);
                if (peer && peer->backend)
                        drop_peer_devices(peer->backend->target_iqn);
                if (backend_export_disks(ocf_reskey(a, "config"), ocf_reskey(a, "node"),
                                         ocf_reskey(a, "cred_store"),
                                         ocf_reskey(a, "cred_key")) < 0)
                        log_warning("backend: this node's disks stay unexported until its "
                                    "backend clone instance starts");
                spec_free(s);
        }
        return OCF_SUCCESS;
}

static bool leaf_is_down(const struct zpool_leaf *l)
{
        return l->path && l->state &&
               (strcmp(l->state, "UNAVAIL") == 0 || strcmp(l->state, "CANT_OPEN") == 0 ||
                strcmp(l->state, "REMOVED") == 0 || strcmp(l->state, "FAULTED") == 0 ||
                strcmp(l->state, "OFFLINE") == 0);
}

/*
 * Bring back the halves that are down and whose device works again: this
 * node's when their name leads to a device, the peer's only while a session
 * to its target is logged in (during an interconnect cut the name stays but
 * every I/O fails). A half ZFS faulted for too many errors is cleared, any
 * other brought online; ZFS resilvers what it missed. Returns how many.
 */
static unsigned heal(const struct spec *s, const struct spec_node *self, const char *pool,
                     const struct zpool_status *st, bool peer_reachable)
{
        unsigned healed = 0;
        char why[512];

        for (size_t i = 0; i < st->n_leaves; i++) {
                const struct zpool_leaf *l = &st->leaves[i];
                const struct spec_node *owner = layout_vdev_owner(s, l->path);
                bool faulted;
                int r;

                if (!leaf_is_down(l) || access(l->path, F_OK) < 0)
                        continue;
                if (owner && owner != self && !peer_reachable)
                        continue;
                faulted = strcmp(l->state, "FAULTED") == 0;
                r = faulted ? zpool_clear(pool, l->path, ONLINE_TIMEOUT_MS, why, sizeof(why))
                            : zpool_online(pool, l->path, ONLINE_TIMEOUT_MS, why, sizeof(why));
                if (r < 0)
                        journal_line(LOG_WARNING, "heal: zpool %s %s %s failed: %s",
                                     faulted ? "clear" : "online", pool, l->path, why);
                else {
                        phase("phase heal: %s was %s; %s", l->path, l->state,
                              faulted ? "errors cleared" : "brought online");
                        healed++;
                }
        }
        return healed;
}

/*
 * The mirror halves of the pool imported here, not only the pool's state (a
 * half ZFS faulted leaves the pool ONLINE): halves that are down are
 * brought back where they can be, and the outdated marks follow.
 */
static int tend_halves(const char *config, const char *node_name, const char *pool)
{
        const struct spec_node *nodes[2];
        struct zpool_status st = {0};
        struct spec *s = NULL;
        char why[512] = "";
        bool peer_reachable = false;
        size_t n_nodes;
        int r = -EIO;

        if (load_node(config, node_name, &s, &nodes[0]) < 0)
                return -EINVAL;
        nodes[1] = layout_peer(s, nodes[0]);
        n_nodes = nodes[1] ? 2 : 1;
        if (zpool_status_read(pool, ONLINE_TIMEOUT_MS, &st, why, sizeof(why)) < 0) {
                journal_line(LOG_WARNING, "cannot read the status of %s: %s", pool, why);
                goto out;
        }
        for (size_t i = 0; i < st.n_leaves; i++)
                if (leaf_is_down(&st.leaves[i])) {
                        if (nodes[1] && nodes[1]->backend)
                                peer_reachable =
                                    rescan_peer_sessions(nodes[1]->backend->target_iqn) > 0;
                        if (heal(s, nodes[0], pool, &st, peer_reachable) > 0) {
                                /* What the pool looks like now, healed halves included. */
                                zpool_status_clear(&st);
                                if (zpool_status_read(pool, ONLINE_TIMEOUT_MS, &st, why,
                                                      sizeof(why)) < 0) {
                                        log_warning("cannot read the status of %s: %s", pool, why);
                                        goto out;
                                }
                        }
                        break;
                }
        r = update_marks(s, pool, &st, nodes, n_nodes, NULL, why, sizeof(why));
        if (r < 0)
                journal_line(LOG_ERR, "%s: %s", pool, why);
out:
        zpool_status_clear(&st);
        spec_free(s);
        return r;
}

/*
 * Have the halves tended without waiting: zpool status, clear and online
 * take ZFS's locks and can block for long (seen in the lab right after an
 * interconnect came back), and a monitor that times out gets the pool
 * stopped and, when the stop times out too, the node fenced. The work runs
 * as a transient unit; its fixed name keeps a second one from starting
 * while one still runs.
 */
static void kick_tend(const struct ocf_agent *a, const char *pool)
{
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        const char *node = ocf_reskey(a, "node");
        char *argv[16];
        size_t k = 0;
        struct spawn_options o = {.timeout_ms = 10000};
        struct spawn_result res = {0};

        if (n <= 0)
                return;
        exe[n] = '\0';
        argv[k++] = "systemd-run";
        argv[k++] = "--no-block";
        argv[k++] = "--quiet";
        argv[k++] = "--collect";
        argv[k++] = "--unit=hasan-pool-tend";
        argv[k++] = "--property=RuntimeMaxSec=120";
        /* Every 10 s: keep systemd's "Started"/"Deactivated" lines out of the journal. */
        argv[k++] = "--property=LogLevelMax=notice";
        argv[k++] = exe;
        argv[k++] = "pool";
        argv[k++] = "tend";
        argv[k++] = "--config";
        argv[k++] = (char *)ocf_reskey(a, "config");
        if (node && *node) {
                argv[k++] = "--node";
                argv[k++] = (char *)node;
        }
        argv[k++] = (char *)pool;
        argv[k] = NULL;
        /* A unit of that name still running is the one expected failure. */
        if (spawn_run(argv, &o, &res) < 0 || !spawn_result_success(&res))
                log_debug("hasan-pool-tend not started (one still runs?)");
        spawn_result_clear(&res);
}

int pool_tend(const char *config, const char *node, const char *pool)
{
        if (!zpool_is_imported(pool)) {
                log_info("%s is not imported here: nothing to tend", pool);
                return 0;
        }
        return tend_halves(config, node, pool);
}

static enum ocf_exit pool_monitor(const struct ocf_agent *a)
{
        const char *pool = ocf_reskey(a, "pool");
        _cleanup_free_ char *state = NULL;
        int r = zpool_settled_state(pool, MONITOR_SETTLE_MS, &state);

        if (r == -ENOENT)
                return OCF_NOT_RUNNING;
        if (r < 0) {
                log_error("cannot read the state of %s: %s", pool, strerror(-r));
                return OCF_ERR_GENERIC;
        }
        if (strcmp(state, "ONLINE") == 0 || strcmp(state, "DEGRADED") == 0) {
                if (!ocf_is_probe())
                        kick_tend(a, pool);
                return OCF_SUCCESS;
        }
        log_error("%s is %s", pool, *state ? state : "in no state");
        return OCF_ERR_GENERIC;
}

static enum ocf_exit pool_validate(const struct ocf_agent *a)
{
        const struct spec_node *self;
        struct spec *s = NULL;
        enum ocf_exit ret = OCF_SUCCESS;
        uint32_t wait;

        if (safe_atou32(ocf_reskey(a, "peer_wait"), &wait) < 0) {
                log_error("peer_wait '%s' is not a number of seconds", ocf_reskey(a, "peer_wait"));
                return OCF_ERR_CONFIGURED;
        }
        if (load_node(ocf_reskey(a, "config"), ocf_reskey(a, "node"), &s, &self) < 0)
                return OCF_ERR_CONFIGURED;
        if (strcmp(s->pool.name, ocf_reskey(a, "pool")) != 0) {
                log_error("pool '%s' is not the description's pool '%s'", ocf_reskey(a, "pool"),
                          s->pool.name);
                ret = OCF_ERR_CONFIGURED;
        }
        spec_free(s);
        return ret;
}

static const struct ocf_action pool_actions[] = {
    {"start", pool_start, 120, 0, 0},
    {"stop", pool_stop, 90, 0, 0},
    {"monitor", pool_monitor, 60, 10, 0},
    {"validate-all", pool_validate, 20, 0, 0},
};

static const struct ocf_agent pool_agent = {
    .name = "pool",
    .version = "1.0",
    .shortdesc = "hasan's ZFS pool import",
    .longdesc = "Imports the cluster's ZFS pool (multihost=on) on the node Pacemaker chose, "
                "after freeing this node's disks from the backend target and waiting for the "
                "peer's LUNs; exports it and serves this node's disks to the peer on stop.",
    .params = pool_params,
    .n_params = ELEMENTSOF(pool_params),
    .actions = pool_actions,
    .n_actions = ELEMENTSOF(pool_actions),
};

int pool_agent_personality(int argc, char **argv)
{
        return ocf_main(&pool_agent, argc, argv);
}
