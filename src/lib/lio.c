/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lib/configfs.h"
#include "lib/layout.h"
#include "lib/lio.h"
#include "lib/lio-internal.h"
#include "shared/macro.h"
#include "shared/parse.h"

#define SERIAL_PREFIX "T10 VPD Unit Serial Number:"
#define SESSION_NONE_PREFIX "No active iSCSI Session"
#define SESSION_LOGGED_IN "TARG_SESS_STATE_LOGGED_IN"

const char *lio_root(const struct lio_ctx *c)
{
        return c->root ? c->root : LIO_ROOT_DEFAULT;
}

void lio_ctx_clear(struct lio_ctx *c)
{
        free(c->error);
        c->error = NULL;
}

/* ---- messages ---- */

_printf_(3, 0) static int vfail(struct lio_ctx *c, int r, const char *fmt, va_list ap)
{
        char *msg = NULL;

        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        free(c->error);
        c->error = msg;
        return r;
}

/* Record why the call fails and return r. */
int lio_fail(struct lio_ctx *c, int r, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vfail(c, r, fmt, ap);
        va_end(ap);
        return r;
}

/* Add "; <text>" to the recorded error (or start one). */
void lio_fail_append(struct lio_ctx *c, const char *fmt, ...)
{
        char *more = NULL, *joined = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&more, fmt, ap) < 0)
                more = NULL;
        va_end(ap);
        if (!more)
                return;
        if (!c->error) {
                c->error = more;
                return;
        }
        if (asprintf(&joined, "%s; %s", c->error, more) >= 0) {
                free(c->error);
                c->error = joined;
        }
        free(more);
}

void lio_report(struct lio_ctx *c, const char *fmt, ...)
{
        char *line = NULL;
        va_list ap;

        if (!c->report)
                return;
        va_start(ap, fmt);
        if (vasprintf(&line, fmt, ap) < 0)
                line = NULL;
        va_end(ap);
        if (line)
                c->report(c->userdata, line);
        free(line);
}

/* A path below the root, as messages show it ("core/iblock_4000/backend-lun0"). */
const char *lio_rel(const struct lio_ctx *c, const char *path)
{
        const char *root = lio_root(c);
        size_t n = strlen(root);

        if (strncmp(path, root, n) == 0 && path[n] == '/')
                return path + n + 1;
        return path;
}

/* ---- paths and attributes ---- */

/* ---- names and parsers ---- */

int lio_hba_name(unsigned lun, char *buf, size_t size)
{
        if (lun >= LIO_HBA_COUNT)
                return -ERANGE;
        return cfs_pathf(buf, size, "iblock_%u", LIO_HBA_BASE + lun);
}

int lio_storage_object_name(unsigned lun, char *buf, size_t size)
{
        if (lun >= LIO_HBA_COUNT)
                return -ERANGE;
        return cfs_pathf(buf, size, "backend-lun%u", lun);
}

/* The number after prefix, in canonical decimal ("0", or no leading zero). */
static int canonical_number(const char *s, const char *prefix, unsigned *ret)
{
        uint32_t v;
        size_t n = strlen(prefix);

        if (strncmp(s, prefix, n) != 0)
                return -EINVAL;
        s += n;
        if (safe_atou32(s, &v) < 0 || (s[0] == '0' && s[1] != '\0'))
                return -EINVAL;
        *ret = v;
        return 0;
}

int lio_hba_lun(const char *name, unsigned *ret)
{
        unsigned v;

        if (canonical_number(name, "iblock_", &v) < 0 || v < LIO_HBA_BASE ||
            v - LIO_HBA_BASE >= LIO_HBA_COUNT)
                return -ENOENT;
        *ret = v - LIO_HBA_BASE;
        return 0;
}

int lio_lun_dir_number(const char *name, unsigned *ret)
{
        return canonical_number(name, "lun_", ret);
}

int lio_serial_of(const char *identity, char ret[LIO_SERIAL_SIZE])
{
        uint8_t md[EVP_MAX_MD_SIZE];
        unsigned md_len = 0;

        if (EVP_Digest(identity, strlen(identity), md, &md_len, EVP_sha256(), NULL) != 1 ||
            md_len < 16)
                return -EIO;
        snprintf(ret, LIO_SERIAL_SIZE,
                 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", md[0],
                 md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11],
                 md[12], md[13], md[14], md[15]);
        return 0;
}

int lio_unit_serial(const char *node, unsigned lun, char ret[LIO_SERIAL_SIZE])
{
        _cleanup_free_ char *text = NULL;

        if (!node || !node[0])
                return -EINVAL;
        if (asprintf(&text, "hasan backend %s lun %u", node, lun) < 0)
                return -ENOMEM;
        return lio_serial_of(text, ret);
}

const char *lio_chap_secret_problem(const uint8_t *data, size_t size)
{
        if (!data || size == 0)
                return "it is empty";
        if (size > LIO_CHAP_SECRET_MAX)
                return "it is longer than 255 bytes, the most LIO keeps";
        for (size_t i = 0; i < size; i++)
                if (data[i] <= 0x20 || data[i] >= 0x7f)
                        return "it holds a blank, control or non-ASCII byte; use printable "
                               "ASCII without blanks";
        if (size >= 4 && memcmp(data, "NULL", 4) == 0)
                return "it starts with 'NULL', which LIO reads as 'no secret'";
        return NULL;
}

const char *lio_parse_unit_serial(const char *text)
{
        if (strncmp(text, SERIAL_PREFIX, strlen(SERIAL_PREFIX)) == 0) {
                text += strlen(SERIAL_PREFIX);
                while (*text == ' ')
                        text++;
        }
        return text;
}

int lio_parse_iblock_device(const char *text, unsigned *ret_major, unsigned *ret_minor)
{
        const char *p = strstr(text, "Major: ");
        unsigned major, minor;

        if (!p || sscanf(p, "Major: %u Minor: %u", &major, &minor) != 2)
                return -EINVAL;
        if (major == 0)
                return -ENODATA;
        *ret_major = major;
        *ret_minor = minor;
        return 0;
}

enum lio_session lio_parse_acl_info(const char *text)
{
        if (strncmp(text, SESSION_NONE_PREFIX, strlen(SESSION_NONE_PREFIX)) == 0)
                return LIO_SESSION_NONE;
        if (strstr(text, SESSION_LOGGED_IN))
                return LIO_SESSION_LOGGED_IN;
        if (strstr(text, "InitiatorName:"))
                return LIO_SESSION_OTHER;
        return LIO_SESSION_UNKNOWN;
}

const char *lio_session_to_string(enum lio_session s)
{
        switch (s) {
        case LIO_SESSION_NONE:
                return "none";
        case LIO_SESSION_LOGGED_IN:
                return "logged-in";
        case LIO_SESSION_OTHER:
                return "other";
        default:
                return "unknown";
        }
}

const char *lio_export_to_string(enum lio_export e)
{
        switch (e) {
        case LIO_EXPORT_NONE:
                return "not-exported";
        case LIO_EXPORT_FULL:
                return "exported";
        default:
                return "partial";
        }
}

bool lio_link_points_to(const char *link_text, const char *suffix)
{
        return cfs_link_points_to(link_text, suffix);
}

/* ---- the desired state ---- */

struct lio_backend *lio_backend_free(struct lio_backend *b)
{
        if (b) {
                free(b->luns);
                free(b);
        }
        return NULL;
}

int lio_backend_from_spec(const struct spec *s, const struct spec_node *node,
                          struct lio_backend **ret)
{
        const struct spec_node *peer = layout_peer(s, node);
        const struct spec_address *a = spec_node_address(node, "storage");
        struct backend_disk *disks = NULL;
        struct lio_backend *b;
        char addr[16];
        int n, r;

        if (!node->backend || !node->backend->target_iqn)
                return -ENODEV;
        if (!a || !a->ip.set)
                return -EADDRNOTAVAIL;
        if (!peer || !peer->backend || !peer->backend->initiator_iqn)
                return -ESRCH;

        b = calloc(1, sizeof(*b));
        if (!b)
                return -ENOMEM;
        b->node = node->name;
        b->target_iqn = node->backend->target_iqn;
        b->initiator_iqn = peer->backend->initiator_iqn;
        b->credential = node->backend->credential;
        b->mutual_credential = node->backend->mutual_credential;
        b->pool = s->pool.name;
        format_ipv4(a->ip.addr, addr);
        snprintf(b->portal, sizeof(b->portal), "%s:%u", addr, s->backend_port);

        n = layout_disks(node, &disks);
        if (n < 0) {
                lio_backend_free(b);
                return n;
        }
        if (n > 0) {
                b->luns = calloc((size_t)n, sizeof(*b->luns));
                if (!b->luns) {
                        free(disks);
                        lio_backend_free(b);
                        return -ENOMEM;
                }
        }
        for (int i = 0; i < n; i++) {
                b->luns[i].lun = disks[i].lun;
                b->luns[i].device = disks[i].path;
                r = lio_unit_serial(node->name, disks[i].lun, b->luns[i].serial);
                if (r < 0) {
                        free(disks);
                        lio_backend_free(b);
                        return r;
                }
        }
        b->n_luns = (size_t)n;
        free(disks);
        *ret = b;
        return 0;
}

/* ---- where things live ---- */

struct paths {
        char target[PATH_MAX]; /* iscsi/<iqn> */
        char tpg[PATH_MAX];    /* iscsi/<iqn>/tpgt_1 */
        char portal[PATH_MAX]; /* .../np/<portal> */
        char acl[PATH_MAX];    /* .../acls/<peer iqn> */
};

static int paths_init(const struct lio_ctx *c, const struct lio_backend *b, struct paths *p)
{
        const char *root = lio_root(c);

        if (cfs_pathf(p->target, sizeof(p->target), "%s/iscsi/%s", root, b->target_iqn) < 0 ||
            cfs_pathf(p->tpg, sizeof(p->tpg), "%s/tpgt_%u", p->target, LIO_TPGT) < 0 ||
            cfs_pathf(p->portal, sizeof(p->portal), "%s/np/%s", p->tpg, b->portal) < 0 ||
            cfs_pathf(p->acl, sizeof(p->acl), "%s/acls/%s", p->tpg, b->initiator_iqn) < 0)
                return -ENAMETOOLONG;
        return 0;
}

struct lun_paths {
        char hba[PATH_MAX];        /* core/iblock_<4000+N> */
        char so[PATH_MAX];         /* core/iblock_<4000+N>/backend-lun<N> */
        char so_suffix[64];        /* "core/iblock_<4000+N>/backend-lun<N>" */
        char tpg_lun[PATH_MAX];    /* tpgt_1/lun/lun_<N> */
        char tpg_suffix[PATH_MAX]; /* "iscsi/<iqn>/tpgt_1/lun/lun_<N>" */
        char mapped[PATH_MAX];     /* acls/<peer>/lun_<N> */
        char link_name[32];        /* "backend-lun<N>", the name of both links */
};

static int lun_paths_init(const struct lio_ctx *c, const struct lio_backend *b,
                          const struct paths *p, unsigned lun, struct lun_paths *lp)
{
        char hba[32];

        if (lio_hba_name(lun, hba, sizeof(hba)) < 0 ||
            lio_storage_object_name(lun, lp->link_name, sizeof(lp->link_name)) < 0)
                return -ERANGE;
        if (cfs_pathf(lp->hba, sizeof(lp->hba), "%s/core/%s", lio_root(c), hba) < 0 ||
            cfs_pathf(lp->so, sizeof(lp->so), "%s/%s", lp->hba, lp->link_name) < 0 ||
            cfs_pathf(lp->so_suffix, sizeof(lp->so_suffix), "core/%s/%s", hba, lp->link_name) < 0 ||
            cfs_pathf(lp->tpg_lun, sizeof(lp->tpg_lun), "%s/lun/lun_%u", p->tpg, lun) < 0 ||
            cfs_pathf(lp->tpg_suffix, sizeof(lp->tpg_suffix), "iscsi/%s/tpgt_%u/lun/lun_%u",
                      b->target_iqn, LIO_TPGT, lun) < 0 ||
            cfs_pathf(lp->mapped, sizeof(lp->mapped), "%s/lun_%u", p->acl, lun) < 0)
                return -ENAMETOOLONG;
        return 0;
}

/* ---- what a call created, to undo it when the call fails ---- */

/* Remove what the journal holds, newest first, and add to the error what is left. */
static void journal_rollback(struct lio_ctx *c, struct cfs_journal *j)
{
        _cleanup_free_ char *left = NULL;
        size_t n = j->n, n_left;

        if (n == 0) {
                lio_fail_append(c, "this run created nothing, so nothing was rolled back");
                return;
        }
        n_left = cfs_journal_rollback(j, lio_root(c), &left);
        if (n_left == 0)
                lio_fail_append(c,
                                "rolled back: removed the %zu object%s this run created; what "
                                "existed before was kept",
                                n, n == 1 ? "" : "s");
        else
                lio_fail_append(c,
                                "rollback incomplete: %zu of the %zu objects this run created are "
                                "left: %s; 'hasan backend stop' or 'hasan backend target --down' "
                                "removes them",
                                n_left, n, left ? left : "(out of memory)");
}

/* ---- removal ---- */

/* What was removed of one LUN number, for the report. */
struct removed_lun {
        unsigned lun;
        bool mapped, tpg_lun, backstore;
        char *device;
        char *where; /* a target other than ours, when the LUN was there */
};

struct removals {
        struct removed_lun *items;
        size_t n;
        int error; /* the first error; the messages are in the context */
};

static struct removed_lun *removal_for(struct removals *rm, unsigned lun)
{
        struct removed_lun *grown;

        for (size_t i = 0; i < rm->n; i++)
                if (rm->items[i].lun == lun)
                        return &rm->items[i];
        grown = realloc(rm->items, (rm->n + 1) * sizeof(*rm->items));
        if (!grown)
                return NULL;
        rm->items = grown;
        rm->items[rm->n] = (struct removed_lun){.lun = lun};
        return &rm->items[rm->n++];
}

static void removals_clear(struct removals *rm)
{
        for (size_t i = 0; i < rm->n; i++) {
                free(rm->items[i].device);
                free(rm->items[i].where);
        }
        free(rm->items);
        *rm = (struct removals){0};
}

_printf_(3, 4) static void removal_failed(struct lio_ctx *c, struct removals *rm, const char *fmt,
                                          ...)
{
        char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (rm->error == 0) {
                free(c->error);
                c->error = NULL;
                rm->error = -EIO;
        }
        lio_fail_append(c, "%s", msg ? msg : "out of memory");
        free(msg);
}

/*
 * Remove the LUN directories (mapped LUNs of every ACL first, then the TPG
 * LUNs) numbered first or higher in one TPG.
 */
static void remove_tpg_luns(struct lio_ctx *c, const char *tpg, unsigned first, struct removals *rm)
{
        char dir[PATH_MAX], **acls = NULL, **luns = NULL;
        size_t n_acls = 0, n_luns = 0;
        int r;

        if (cfs_pathf(dir, sizeof(dir), "%s/acls", tpg) >= 0 &&
            (r = cfs_list(dir, DT_DIR, &acls, &n_acls)) < 0)
                removal_failed(c, rm, "cannot list %s: %s", lio_rel(c, dir), strerror(-r));
        for (size_t i = 0; i < n_acls; i++) {
                char acl[PATH_MAX], **mapped = NULL;
                size_t n_mapped = 0;

                if (cfs_pathf(acl, sizeof(acl), "%s/acls/%s", tpg, acls[i]) < 0 ||
                    cfs_list(acl, DT_DIR, &mapped, &n_mapped) < 0)
                        continue;
                for (size_t k = 0; k < n_mapped; k++) {
                        char path[PATH_MAX];
                        unsigned m;

                        if (lio_lun_dir_number(mapped[k], &m) < 0 || m < first)
                                continue;
                        if (cfs_pathf(path, sizeof(path), "%s/%s", acl, mapped[k]) < 0)
                                continue;
                        r = cfs_remove_links_dir(path);
                        if (r < 0)
                                removal_failed(c, rm, "cannot remove mapped lun %s: %s",
                                               lio_rel(c, path), strerror(-r));
                        else if (r > 0) {
                                struct removed_lun *l = removal_for(rm, m);
                                if (l)
                                        l->mapped = true;
                        }
                }
                cfs_strv_free(mapped, n_mapped);
        }
        cfs_strv_free(acls, n_acls);

        if (cfs_pathf(dir, sizeof(dir), "%s/lun", tpg) >= 0 &&
            (r = cfs_list(dir, DT_DIR, &luns, &n_luns)) < 0)
                removal_failed(c, rm, "cannot list %s: %s", lio_rel(c, dir), strerror(-r));
        for (size_t i = 0; i < n_luns; i++) {
                char path[PATH_MAX];
                unsigned n;

                if (lio_lun_dir_number(luns[i], &n) < 0 || n < first)
                        continue;
                if (cfs_pathf(path, sizeof(path), "%s/lun/%s", tpg, luns[i]) < 0)
                        continue;
                r = cfs_remove_links_dir(path);
                if (r < 0)
                        removal_failed(c, rm, "cannot remove tpg lun %s: %s", lio_rel(c, path),
                                       strerror(-r));
                else if (r > 0) {
                        struct removed_lun *l = removal_for(rm, n);
                        if (l)
                                l->tpg_lun = true;
                }
        }
        cfs_strv_free(luns, n_luns);
}

/* The HBA-range LUN a TPG LUN directory links to, or -ENOENT. */
static int tpg_lun_backend_lun(const char *lun_dir, unsigned *ret)
{
        char **links = NULL;
        size_t n = 0;
        int r = cfs_list(lun_dir, DT_LNK, &links, &n), found = -ENOENT;

        if (r < 0)
                return r;
        for (size_t i = 0; i < n && found < 0; i++) {
                char path[PATH_MAX], text[PATH_MAX], *p;
                ssize_t k;
                unsigned lun;

                if (cfs_pathf(path, sizeof(path), "%s/%s", lun_dir, links[i]) < 0)
                        continue;
                k = readlink(path, text, sizeof(text) - 1);
                if (k < 0)
                        continue;
                text[k] = '\0';
                /* ".../core/iblock_<k>/<so>": cut the storage object, look at the HBA. */
                p = strrchr(text, '/');
                if (!p)
                        continue;
                *p = '\0';
                p = strrchr(text, '/');
                if (p && p - text >= 5 && strncmp(p - 5, "/core", 5) == 0 &&
                    lio_hba_lun(p + 1, &lun) == 0) {
                        *ret = lun;
                        found = 0;
                }
        }
        cfs_strv_free(links, n);
        return found;
}

/* Remove the mapped LUNs of every ACL of tpg that link to "lun/<lun_name>". */
static void remove_mapped_pointing_to(const char *tpg, const char *lun_name)
{
        char acls_dir[PATH_MAX], suffix[PATH_MAX], **acls = NULL;
        size_t n_acls = 0;

        if (cfs_pathf(acls_dir, sizeof(acls_dir), "%s/acls", tpg) < 0 ||
            cfs_pathf(suffix, sizeof(suffix), "lun/%s", lun_name) < 0 ||
            cfs_list(acls_dir, DT_DIR, &acls, &n_acls) < 0)
                return;
        for (size_t a = 0; a < n_acls; a++) {
                char acl[PATH_MAX], **mapped = NULL;
                size_t n_mapped = 0;

                if (cfs_pathf(acl, sizeof(acl), "%s/%s", acls_dir, acls[a]) < 0 ||
                    cfs_list(acl, DT_DIR, &mapped, &n_mapped) < 0)
                        continue;
                for (size_t x = 0; x < n_mapped; x++) {
                        char dir[PATH_MAX], other[8];

                        if (strncmp(mapped[x], "lun_", 4) != 0 ||
                            cfs_pathf(dir, sizeof(dir), "%s/%s", acl, mapped[x]) < 0)
                                continue;
                        if (cfs_link_state(dir, suffix, other, sizeof(other)) == 1)
                                (void)cfs_remove_links_dir(dir);
                }
                cfs_strv_free(mapped, n_mapped);
        }
        cfs_strv_free(acls, n_acls);
}

/* The LUNs of one foreign TPG that use a backstore of the HBA range numbered first or higher. */
static void remove_foreign_tpg_luns(struct lio_ctx *c, const char *iqn, const char *tpg,
                                    unsigned first, struct removals *rm)
{
        char luns_dir[PATH_MAX], **luns = NULL;
        size_t n_luns = 0;

        if (cfs_pathf(luns_dir, sizeof(luns_dir), "%s/lun", tpg) < 0 ||
            cfs_list(luns_dir, DT_DIR, &luns, &n_luns) < 0)
                return;
        for (size_t k = 0; k < n_luns; k++) {
                char lun_dir[PATH_MAX];
                unsigned backend_lun = 0;
                int r;

                if (cfs_pathf(lun_dir, sizeof(lun_dir), "%s/%s", luns_dir, luns[k]) < 0 ||
                    tpg_lun_backend_lun(lun_dir, &backend_lun) < 0 || backend_lun < first)
                        continue;
                remove_mapped_pointing_to(tpg, luns[k]);
                r = cfs_remove_links_dir(lun_dir);
                if (r < 0)
                        removal_failed(c, rm, "cannot remove %s: %s", lio_rel(c, lun_dir),
                                       strerror(-r));
                else if (r > 0) {
                        struct removed_lun *l = removal_for(rm, backend_lun);
                        if (l && !l->where)
                                l->where = strdup(iqn);
                }
        }
        cfs_strv_free(luns, n_luns);
}

/*
 * LUNs of targets other than ours that use a backstore of the backend's
 * HBA range: they would keep the backstore, and so the disk, busy.
 */
static void remove_foreign_luns(struct lio_ctx *c, const char *own_iqn, unsigned first,
                                struct removals *rm)
{
        char dir[PATH_MAX], **iqns = NULL;
        size_t n_iqns = 0;

        if (cfs_pathf(dir, sizeof(dir), "%s/iscsi", lio_root(c)) < 0 ||
            cfs_list(dir, DT_DIR, &iqns, &n_iqns) < 0)
                return;
        for (size_t i = 0; i < n_iqns; i++) {
                char target[PATH_MAX], **tpgs = NULL;
                size_t n_tpgs = 0;

                if (own_iqn && strcmp(iqns[i], own_iqn) == 0)
                        continue;
                if (cfs_pathf(target, sizeof(target), "%s/%s", dir, iqns[i]) < 0 ||
                    cfs_list(target, DT_DIR, &tpgs, &n_tpgs) < 0)
                        continue;
                for (size_t t = 0; t < n_tpgs; t++) {
                        char tpg[PATH_MAX];

                        if (strncmp(tpgs[t], "tpgt_", 5) == 0 &&
                            cfs_pathf(tpg, sizeof(tpg), "%s/%s", target, tpgs[t]) >= 0)
                                remove_foreign_tpg_luns(c, iqns[i], tpg, first, rm);
                }
                cfs_strv_free(tpgs, n_tpgs);
        }
        cfs_strv_free(iqns, n_iqns);
}

/*
 * The backstores of the HBA range: for LUNs numbered first or higher the
 * HBA goes entirely; below first, only storage objects with a foreign name
 * (keep_name is the one each HBA may keep).
 */
static void remove_backstores(struct lio_ctx *c, unsigned first, struct removals *rm)
{
        char core[PATH_MAX], **hbas = NULL;
        size_t n_hbas = 0;
        int r;

        if (cfs_pathf(core, sizeof(core), "%s/core", lio_root(c)) < 0)
                return;
        r = cfs_list(core, DT_DIR, &hbas, &n_hbas);
        if (r < 0) {
                removal_failed(c, rm, "cannot list %s: %s", lio_rel(c, core), strerror(-r));
                return;
        }
        for (size_t i = 0; i < n_hbas; i++) {
                char hba[PATH_MAX], keep[32], **sos = NULL;
                size_t n_sos = 0;
                unsigned lun;
                bool all;

                if (lio_hba_lun(hbas[i], &lun) < 0)
                        continue;
                all = lun >= first;
                if (lio_storage_object_name(lun, keep, sizeof(keep)) < 0 ||
                    cfs_pathf(hba, sizeof(hba), "%s/%s", core, hbas[i]) < 0)
                        continue;
                r = cfs_list(hba, DT_DIR, &sos, &n_sos);
                if (r < 0) {
                        removal_failed(c, rm, "cannot list %s: %s", lio_rel(c, hba), strerror(-r));
                        continue;
                }
                for (size_t k = 0; k < n_sos; k++) {
                        char so[PATH_MAX], udev[PATH_MAX], attr[PATH_MAX];
                        struct removed_lun *l;

                        if (!all && strcmp(sos[k], keep) == 0)
                                continue;
                        if (cfs_pathf(so, sizeof(so), "%s/%s", hba, sos[k]) < 0 ||
                            cfs_pathf(attr, sizeof(attr), "%s/udev_path", so) < 0)
                                continue;
                        if (cfs_read(attr, udev, sizeof(udev)) < 0)
                                udev[0] = '\0';
                        if (rmdir(so) < 0 && errno != ENOENT) {
                                removal_failed(c, rm, "cannot remove backstore %s%s%s: %s%s",
                                               lio_rel(c, so), udev[0] ? " of " : "", udev,
                                               strerror(errno),
                                               errno == EBUSY ? " (a LUN still uses it)" : "");
                                continue;
                        }
                        l = removal_for(rm, lun);
                        if (l) {
                                l->backstore = true;
                                if (!l->device && udev[0])
                                        l->device = strdup(udev);
                        }
                }
                cfs_strv_free(sos, n_sos);
                if (all && rmdir(hba) < 0 && errno != ENOENT)
                        removal_failed(c, rm, "cannot remove %s: %s", lio_rel(c, hba),
                                       strerror(errno));
        }
        cfs_strv_free(hbas, n_hbas);
}

static int cmp_removed(const void *a, const void *b)
{
        const struct removed_lun *x = a, *y = b;

        return x->lun < y->lun ? -1 : x->lun > y->lun;
}

static void report_removals(struct lio_ctx *c, struct removals *rm, const char *what)
{
        qsort(rm->items, rm->n, sizeof(*rm->items), cmp_removed);
        for (size_t i = 0; i < rm->n; i++) {
                const struct removed_lun *l = &rm->items[i];
                char parts[64] = "";

                snprintf(parts, sizeof(parts), "%s%s%s%s%s", l->mapped ? "mapped lun" : "",
                         l->mapped && (l->tpg_lun || l->backstore) ? ", " : "",
                         l->tpg_lun ? "tpg lun" : "", l->tpg_lun && l->backstore ? ", " : "",
                         l->backstore ? "backstore" : "");
                lio_report(c, "lun %u: %s %s (removed %s%s%s)", l->lun, what,
                           l->device ? l->device : "(device unknown)", parts,
                           l->where ? ", exported by target " : "", l->where ? l->where : "");
        }
}

/* Remove every LUN object numbered first or higher; returns how many LUN numbers had some. */
static int remove_luns_from(struct lio_ctx *c, const char *target_iqn, unsigned first,
                            const char *why)
{
        struct removals rm = {0};
        char target[PATH_MAX], **tpgs = NULL;
        size_t n_tpgs = 0;
        int r;

        if (target_iqn &&
            cfs_pathf(target, sizeof(target), "%s/iscsi/%s", lio_root(c), target_iqn) >= 0 &&
            cfs_list(target, DT_DIR, &tpgs, &n_tpgs) >= 0) {
                for (size_t i = 0; i < n_tpgs; i++) {
                        char tpg[PATH_MAX];
                        if (strncmp(tpgs[i], "tpgt_", 5) == 0 &&
                            cfs_pathf(tpg, sizeof(tpg), "%s/%s", target, tpgs[i]) >= 0)
                                remove_tpg_luns(c, tpg, first, &rm);
                }
                cfs_strv_free(tpgs, n_tpgs);
        }
        remove_foreign_luns(c, target_iqn, first, &rm);
        remove_backstores(c, first, &rm);

        report_removals(c, &rm, why);
        r = rm.error < 0 ? rm.error : (int)rm.n;
        removals_clear(&rm);
        return r;
}

/* ---- availability ---- */

int lio_available(const struct lio_ctx *c)
{
        return cfs_is_dir(lio_root(c)) ? 0 : -ENOENT;
}

int lio_pool_imported(const struct lio_ctx *c, const char *pool)
{
        char path[PATH_MAX];
        struct stat st;

        if (!pool || !pool[0] || strchr(pool, '/'))
                return -EINVAL;
        if (cfs_pathf(path, sizeof(path), "%s/%s",
                      c->zfs_kstat ? c->zfs_kstat : LIO_ZFS_KSTAT_DEFAULT, pool) < 0)
                return -ENAMETOOLONG;
        if (stat(path, &st) == 0)
                return S_ISDIR(st.st_mode) ? 1 : 0;
        return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
}

static int require_available(struct lio_ctx *c)
{
        if (lio_available(c) == 0)
                return 0;
        return lio_fail(c, -ENOENT,
                        "LIO is not available (%s does not exist): load target_core_mod and "
                        "iscsi_target_mod and mount configfs",
                        lio_root(c));
}

/* ---- the skeleton ---- */

static const struct {
        const char *attr; /* below tpgt_1 */
        const char *value;
} tpg_settings[] = {
    {"attrib/authentication", "1"},
    {"attrib/generate_node_acls", "0"},
    {"attrib/demo_mode_write_protect", "1"},
    {"param/AuthMethod", "CHAP"},
};

static int check_secret(struct lio_ctx *c, const struct lio_secret *s, const char *credential)
{
        const char *why;

        if (!s->data)
                return lio_fail(c, -ENOKEY, "the secret of credential '%s' was not loaded",
                                credential ? credential : "?");
        why = lio_chap_secret_problem(s->data, s->size);
        if (why)
                return lio_fail(c, -EINVAL, "credential '%s' cannot be a CHAP secret: %s",
                                credential ? credential : "?", why);
        return 0;
}

int lio_remove_acl(const char *acl)
{
        char **mapped = NULL;
        size_t n = 0;
        int r = cfs_list(acl, DT_DIR, &mapped, &n);

        for (size_t i = 0; i < n && r >= 0; i++) {
                char path[PATH_MAX];
                if (strncmp(mapped[i], "lun_", 4) != 0)
                        continue;
                r = cfs_pathf(path, sizeof(path), "%s/%s", acl, mapped[i]);
                if (r >= 0)
                        r = cfs_remove_links_dir(path);
        }
        cfs_strv_free(mapped, n);
        if (r < 0)
                return r;
        return rmdir(acl) < 0 && errno != ENOENT ? -errno : 0;
}

/* Remove the portals and ACLs of the TPG that the description does not name. */
static int remove_strays(struct lio_ctx *c, const struct lio_backend *b, const struct paths *p)
{
        static const char *const kinds[] = {"np", "acls"};

        for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
                const char *keep = k == 0 ? b->portal : b->initiator_iqn;
                char dir[PATH_MAX], **names = NULL;
                size_t n = 0;
                int r;

                if (cfs_pathf(dir, sizeof(dir), "%s/%s", p->tpg, kinds[k]) < 0)
                        continue;
                r = cfs_list(dir, DT_DIR, &names, &n);
                if (r < 0)
                        return lio_fail(c, r, "cannot list %s: %s", lio_rel(c, dir), strerror(-r));
                for (size_t i = 0; i < n; i++) {
                        char path[PATH_MAX];

                        if (strcmp(names[i], keep) == 0 ||
                            cfs_pathf(path, sizeof(path), "%s/%s", dir, names[i]) < 0)
                                continue;
                        r = k == 0 ? (rmdir(path) < 0 ? -errno : 0) : lio_remove_acl(path);
                        if (r < 0) {
                                lio_fail(c, r, "cannot remove stray %s %s: %s",
                                         k == 0 ? "portal" : "acl", names[i], strerror(-r));
                                cfs_strv_free(names, n);
                                return r;
                        }
                        lio_report(c, "%s %s: removed (the description does not name it)",
                                   k == 0 ? "portal" : "acl", names[i]);
                }
                cfs_strv_free(names, n);
        }
        return 0;
}

/* What skeleton_up() needs before it changes anything. */
static int skeleton_preflight(struct lio_ctx *c, const struct lio_backend *b)
{
        int r = require_available(c);

        if (r >= 0)
                r = check_secret(c, &b->password, b->credential);
        if (r >= 0)
                r = check_secret(c, &b->password_mutual, b->mutual_credential);
        return r;
}

static int skeleton_up(struct lio_ctx *c, const struct lio_backend *b, struct cfs_journal *j)
{
        struct paths p;
        char iscsi[PATH_MAX], path[PATH_MAX], changed[256] = "";
        int r;

        if (paths_init(c, b, &p) < 0 ||
            cfs_pathf(iscsi, sizeof(iscsi), "%s/iscsi", lio_root(c)) < 0)
                return lio_fail(c, -ENAMETOOLONG, "target IQN '%s' makes a path too long",
                                b->target_iqn);

        /* The fabric directory appears when iscsi_target_mod registers; mkdir loads it. */
        if (!cfs_is_dir(iscsi) && mkdir(iscsi, 0755) < 0 && errno != EEXIST)
                return lio_fail(c, -errno,
                                "cannot register the iSCSI fabric (%s): %s; is iscsi_target_mod "
                                "available?",
                                lio_rel(c, iscsi), strerror(errno));

        r = cfs_ensure_dir(j, p.target);
        if (r < 0)
                return lio_fail(c, r, "cannot create target %s: %s", b->target_iqn, strerror(-r));
        lio_report(c, "target %s: %s", b->target_iqn, r ? "created" : "present");

        r = cfs_ensure_dir(j, p.tpg);
        if (r < 0)
                return lio_fail(c, r, "cannot create tpg %u of target %s: %s", LIO_TPGT,
                                b->target_iqn, strerror(-r));
        if (r)
                lio_report(c, "tpg %u: created", LIO_TPGT);

        for (size_t i = 0; i < ELEMENTSOF(tpg_settings); i++) {
                if (cfs_pathf(path, sizeof(path), "%s/%s", p.tpg, tpg_settings[i].attr) < 0)
                        return lio_fail(c, -ENAMETOOLONG, "path too long");
                r = cfs_ensure(path, tpg_settings[i].value);
                if (r < 0)
                        return lio_fail(c, r, "cannot set %s=%s on tpg %u of %s: %s",
                                        tpg_settings[i].attr, tpg_settings[i].value, LIO_TPGT,
                                        b->target_iqn, strerror(-r));
                if (r > 0)
                        snprintf(changed + strlen(changed), sizeof(changed) - strlen(changed),
                                 "%s%s=%s", changed[0] ? " " : "",
                                 strchr(tpg_settings[i].attr, '/') + 1, tpg_settings[i].value);
        }
        lio_report(c, "tpg %u settings: %s%s", LIO_TPGT, changed[0] ? "set " : "as required",
                   changed);

        r = cfs_ensure_dir(j, p.portal);
        if (r < 0)
                return lio_fail(c, r, "cannot add portal %s to target %s: %s%s", b->portal,
                                b->target_iqn, strerror(-r),
                                r == -EADDRNOTAVAIL ? " (the address is not configured on this "
                                                      "host: is the storage network up?)"
                                : r == -EADDRINUSE  ? " (another program listens on that port)"
                                                    : "");
        lio_report(c, "portal %s: %s", b->portal, r ? "created" : "present");

        r = remove_strays(c, b, &p);
        if (r < 0)
                return r;

        r = cfs_ensure_dir(j, p.acl);
        if (r < 0)
                return lio_fail(c, r, "cannot create the acl of initiator %s: %s", b->initiator_iqn,
                                strerror(-r));
        {
                const struct {
                        const char *attr;
                        const void *value;
                        size_t size;
                } chap[] = {
                    {"userid", b->initiator_iqn, strlen(b->initiator_iqn)},
                    {"password", b->password.data, b->password.size},
                    {"userid_mutual", b->target_iqn, strlen(b->target_iqn)},
                    {"password_mutual", b->password_mutual.data, b->password_mutual.size},
                };
                unsigned n_changed = 0;
                bool created = r > 0;

                for (size_t i = 0; i < ELEMENTSOF(chap); i++) {
                        if (cfs_pathf(path, sizeof(path), "%s/auth/%s", p.acl, chap[i].attr) < 0)
                                return lio_fail(c, -ENAMETOOLONG, "path too long");
                        r = cfs_secret_ensure(path, chap[i].value, chap[i].size);
                        if (r < 0)
                                return lio_fail(c, r, "cannot set CHAP %s of the acl of %s: %s",
                                                chap[i].attr, b->initiator_iqn, strerror(-r));
                        n_changed += (unsigned)r;
                }
                lio_report(c, "acl %s: %s, CHAP and mutual CHAP %s", b->initiator_iqn,
                           created ? "created" : "present",
                           n_changed == 0 ? "unchanged"
                           : created      ? "set"
                                          : "updated");
        }

        if (cfs_pathf(path, sizeof(path), "%s/enable", p.tpg) < 0)
                return lio_fail(c, -ENAMETOOLONG, "path too long");
        r = cfs_ensure(path, "1");
        if (r < 0)
                return lio_fail(c, r, "cannot enable tpg %u of target %s: %s", LIO_TPGT,
                                b->target_iqn, strerror(-r));
        lio_report(c, "tpg %u: %s", LIO_TPGT, r ? "enabled" : "already enabled");
        return 0;
}

int lio_target_up(struct lio_ctx *c, const struct lio_backend *b)
{
        struct cfs_journal j = {0};
        int r = skeleton_preflight(c, b);

        if (r < 0)
                return r;
        r = skeleton_up(c, b, &j);
        if (r < 0) {
                journal_rollback(c, &j);
                return r;
        }
        cfs_journal_clear(&j);
        return 0;
}

/* ---- LUNs ---- */

struct disk {
        char resolved[PATH_MAX];
        dev_t rdev;
};

static int resolve_disk(struct lio_ctx *c, const struct lio_lun *l, struct disk *d)
{
        struct stat st;

        if (stat(l->device, &st) < 0) {
                if (errno == ENOENT)
                        return lio_fail(c, -ENOENT, "cannot export lun %u: disk %s does not exist",
                                        l->lun, l->device);
                return lio_fail(c, -errno, "cannot export lun %u: cannot examine disk %s: %s",
                                l->lun, l->device, strerror(errno));
        }
        if (!S_ISBLK(st.st_mode))
                return lio_fail(c, -ENOTBLK, "cannot export lun %u: %s is not a block device",
                                l->lun, l->device);
        if (!realpath(l->device, d->resolved))
                return lio_fail(c, -errno, "cannot export lun %u: cannot resolve %s: %s", l->lun,
                                l->device, strerror(errno));
        d->rdev = st.st_rdev;
        return 0;
}

/* Whether an enabled backstore holds the disk: by major:minor, else by its udev_path. */
static bool backstore_holds(const char *so, const struct lio_lun *l, const struct disk *d,
                            char *held, size_t held_size)
{
        char path[PATH_MAX], buf[CFS_ATTR_BUF];
        unsigned major, minor;

        held[0] = '\0';
        if (cfs_pathf(path, sizeof(path), "%s/info", so) >= 0 &&
            cfs_read(path, buf, sizeof(buf)) >= 0 &&
            lio_parse_iblock_device(buf, &major, &minor) == 0) {
                snprintf(held, held_size, "device %u:%u", major, minor);
                return major == major(d->rdev) && minor == minor(d->rdev);
        }
        if (cfs_pathf(path, sizeof(path), "%s/udev_path", so) >= 0 &&
            cfs_read(path, buf, sizeof(buf)) >= 0) {
                snprintf(held, held_size, "%.255s", buf);
                return strcmp(buf, l->device) == 0 || strcmp(buf, d->resolved) == 0;
        }
        return false;
}

/* What lun_up() changed, for its report line. */
enum {
        MADE_BACKSTORE = 1u << 0,
        MADE_ENABLED = 1u << 1,
        MADE_SERIAL = 1u << 2,
        MADE_TPG_LUN = 1u << 3,
        MADE_MAPPED = 1u << 4,
        MADE_WRITABLE = 1u << 5,
        MADE_ALL = MADE_BACKSTORE | MADE_ENABLED | MADE_SERIAL | MADE_TPG_LUN | MADE_MAPPED,
};

static void report_lun_up(struct lio_ctx *c, const struct lio_lun *l, unsigned made)
{
        static const char *const names[] = {"backstore", "enabled",    "serial",
                                            "tpg lun",   "mapped lun", "write access"};
        char what[128] = "";

        if (made == 0) {
                lio_report(c, "lun %u: %s already exported", l->lun, l->device);
                return;
        }
        if ((made & MADE_ALL) == MADE_ALL) {
                lio_report(c, "lun %u: exported %s (created)", l->lun, l->device);
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (made & (1u << i))
                        snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s%s",
                                 what[0] ? ", " : "", names[i]);
        lio_report(c, "lun %u: exported %s (repaired: %s)", l->lun, l->device, what);
}

/* Point a new or idle backstore at the disk and enable it. */
static int backstore_enable(struct lio_ctx *c, const struct lio_lun *l, const struct disk *d,
                            const struct lun_paths *lp)
{
        char path[PATH_MAX], control[PATH_MAX + 16];
        int r;

        if (cfs_pathf(control, sizeof(control), "udev_path=%s", d->resolved) < 0 ||
            cfs_pathf(path, sizeof(path), "%s/control", lp->so) < 0)
                return lio_fail(c, -ENAMETOOLONG, "cannot export lun %u: path too long", l->lun);
        r = cfs_write(path, control, strlen(control));
        if (r < 0)
                return lio_fail(c, r, "cannot export lun %u: cannot point backstore %s at %s: %s",
                                l->lun, lio_rel(c, lp->so), d->resolved, strerror(-r));
        if (cfs_pathf(path, sizeof(path), "%s/udev_path", lp->so) < 0)
                return lio_fail(c, -ENAMETOOLONG, "cannot export lun %u: path too long", l->lun);
        r = cfs_write(path, l->device, strlen(l->device));
        if (r < 0)
                return lio_fail(c, r, "cannot export lun %u: cannot record the udev_path of %s: %s",
                                l->lun, lio_rel(c, lp->so), strerror(-r));
        if (cfs_pathf(path, sizeof(path), "%s/enable", lp->so) < 0)
                return lio_fail(c, -ENAMETOOLONG, "cannot export lun %u: path too long", l->lun);
        r = cfs_write(path, "1", 1);
        if (r == -EBUSY)
                return lio_fail(
                    c, r,
                    "cannot export lun %u: disk %s is busy: held by a local pool or "
                    "another exclusive user; the backend exports disks only on the node "
                    "that does not hold the pool",
                    l->lun, l->device);
        if (r < 0)
                return lio_fail(c, r, "cannot export lun %u: cannot enable backstore %s on %s: %s",
                                l->lun, lio_rel(c, lp->so), d->resolved, strerror(-r));
        return 0;
}

/* Create or repair one LUN; reports what it found and did. */
static int lun_up(struct lio_ctx *c, const struct lio_backend *b, const struct paths *p,
                  const struct lio_lun *l, const struct disk *d, struct cfs_journal *j)
{
        struct lun_paths lp;
        char path[PATH_MAX], buf[CFS_ATTR_BUF], other[PATH_MAX];
        unsigned made = 0;
        int r;

        if (lun_paths_init(c, b, p, l->lun, &lp) < 0)
                return lio_fail(c, -ERANGE, "cannot export lun %u: LUN number or name out of range",
                                l->lun);

        /* The backstore, holding the disk. */
        r = cfs_ensure_dir(j, lp.hba);
        if (r >= 0)
                r = cfs_ensure_dir(j, lp.so);
        if (r < 0)
                return lio_fail(c, r, "cannot export lun %u: cannot create backstore %s: %s",
                                l->lun, lio_rel(c, lp.so), strerror(-r));
        if (r > 0)
                made |= MADE_BACKSTORE;
        if (cfs_pathf(path, sizeof(path), "%s/enable", lp.so) < 0)
                return lio_fail(c, -ENAMETOOLONG, "cannot export lun %u: path too long", l->lun);
        if (cfs_is(path, "1")) {
                if (!backstore_holds(lp.so, l, d, other, sizeof(other)))
                        return lio_fail(c, -EEXIST,
                                        "cannot export lun %u: backstore %s holds %s, not disk %s; "
                                        "'hasan backend stop' removes it",
                                        l->lun, lio_rel(c, lp.so),
                                        other[0] ? other : "another device", l->device);
        } else {
                r = backstore_enable(c, l, d, &lp);
                if (r < 0)
                        return r;
                made |= MADE_ENABLED;
        }

        /* Its serial, which the kernel accepts only while no LUN uses the backstore. */
        if (cfs_pathf(path, sizeof(path), "%s/wwn/vpd_unit_serial", lp.so) < 0)
                return lio_fail(c, -ENAMETOOLONG, "cannot export lun %u: path too long", l->lun);
        r = cfs_read(path, buf, sizeof(buf));
        if (r < 0 || strcmp(lio_parse_unit_serial(buf), l->serial) != 0) {
                if (cfs_link_state(lp.tpg_lun, lp.so_suffix, other, sizeof(other)) == 1)
                        return lio_fail(
                            c, -EEXIST,
                            "cannot export lun %u: backstore %s is exported with serial "
                            "'%s', not %s, and the kernel refuses to change it while "
                            "exported; 'hasan backend stop' and a new start fix it",
                            l->lun, lio_rel(c, lp.so), r < 0 ? "?" : lio_parse_unit_serial(buf),
                            l->serial);
                r = cfs_write(path, l->serial, strlen(l->serial));
                if (r < 0)
                        return lio_fail(c, r,
                                        "cannot export lun %u: cannot set the serial of %s: %s",
                                        l->lun, lio_rel(c, lp.so), strerror(-r));
                made |= MADE_SERIAL;
        }

        /* The TPG LUN. */
        r = cfs_ensure_dir_link(j, lp.tpg_lun, lp.link_name, lp.so, lp.so_suffix, other,
                                sizeof(other));
        if (r == -EEXIST)
                return lio_fail(c, r,
                                "cannot export lun %u: %s already links to %s; 'hasan backend "
                                "stop' removes it",
                                l->lun, lio_rel(c, lp.tpg_lun), other);
        if (r < 0)
                return lio_fail(c, r, "cannot export lun %u: cannot link %s to %s: %s", l->lun,
                                lio_rel(c, lp.tpg_lun), lio_rel(c, lp.so), strerror(-r));
        if (r > 0)
                made |= MADE_TPG_LUN;

        /* The peer's mapped LUN: same number, writable. */
        r = cfs_ensure_dir_link(j, lp.mapped, lp.link_name, lp.tpg_lun, lp.tpg_suffix, other,
                                sizeof(other));
        if (r == -EEXIST)
                return lio_fail(c, r,
                                "cannot export lun %u: mapped lun %s already links to %s; 'hasan "
                                "backend stop' removes it",
                                l->lun, lio_rel(c, lp.mapped), other);
        if (r < 0)
                return lio_fail(c, r, "cannot export lun %u: cannot map it for initiator %s: %s",
                                l->lun, b->initiator_iqn, strerror(-r));
        if (r > 0)
                made |= MADE_MAPPED;
        if (cfs_pathf(path, sizeof(path), "%s/write_protect", lp.mapped) >= 0 &&
            cfs_is(path, "1")) {
                r = cfs_write(path, "0", 1);
                if (r < 0)
                        return lio_fail(c, r, "cannot export lun %u: cannot make %s writable: %s",
                                        l->lun, lio_rel(c, lp.mapped), strerror(-r));
                made |= MADE_WRITABLE;
        }

        report_lun_up(c, l, made);
        return 0;
}

int lio_export(struct lio_ctx *c, const struct lio_backend *b)
{
        struct cfs_journal j = {0};
        struct disk *disks = NULL;
        struct paths p;
        int r;

        /* Refuse before changing anything. */
        r = require_available(c);
        if (r < 0)
                return r;
        r = b->pool ? lio_pool_imported(c, b->pool) : 0;
        if (r > 0)
                return lio_fail(
                    c, -EBUSY,
                    "cannot export the disks of %s: pool '%s' is imported on this node; "
                    "the backend exports disks only on the node that does not hold the "
                    "pool",
                    b->node, b->pool);
        if (r < 0)
                return lio_fail(c, r, "cannot tell whether pool '%s' is imported here: %s", b->pool,
                                strerror(-r));
        if (b->n_luns > LIO_HBA_COUNT)
                return lio_fail(c, -ERANGE, "%zu disks are more than the backend's %u LUNs",
                                b->n_luns, LIO_HBA_COUNT);
        if (b->n_luns > 0) {
                disks = calloc(b->n_luns, sizeof(*disks));
                if (!disks)
                        return lio_fail(c, -ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < b->n_luns; i++) {
                r = resolve_disk(c, &b->luns[i], &disks[i]);
                if (r < 0) {
                        free(disks);
                        return r;
                }
        }
        r = skeleton_preflight(c, b);
        if (r < 0) {
                free(disks);
                return r;
        }
        if (paths_init(c, b, &p) < 0) {
                free(disks);
                return lio_fail(c, -ENAMETOOLONG, "target IQN '%s' makes a path too long",
                                b->target_iqn);
        }

        r = skeleton_up(c, b, &j);
        if (r >= 0) {
                r = remove_luns_from(c, b->target_iqn, (unsigned)b->n_luns,
                                     "is beyond the description's disks, unexported");
                if (r < 0)
                        lio_fail_append(c, "cannot remove LUNs beyond the description's %zu disks",
                                        b->n_luns);
        }
        for (size_t i = 0; r >= 0 && i < b->n_luns; i++)
                r = lun_up(c, b, &p, &b->luns[i], &disks[i], &j);
        free(disks);
        if (r < 0) {
                journal_rollback(c, &j);
                return r;
        }
        cfs_journal_clear(&j);
        return 0;
}

int lio_unexport(struct lio_ctx *c, const char *target_iqn)
{
        int r;

        if (lio_available(c) < 0) {
                lio_report(c, "LIO is not loaded: nothing is exported");
                return 0;
        }
        r = remove_luns_from(c, target_iqn, 0, "unexported");
        if (r == 0)
                lio_report(c, "no LUN was exported");
        if (r < 0 && c->error)
                lio_fail_append(c, "the disks of these LUNs may still be held");
        return r;
}

int lio_target_down(struct lio_ctx *c, const char *target_iqn)
{
        char target[PATH_MAX], **tpgs = NULL;
        size_t n_tpgs = 0;
        int r;

        r = lio_unexport(c, target_iqn);
        if (r < 0)
                return r;
        if (lio_available(c) < 0)
                return 0;
        if (cfs_pathf(target, sizeof(target), "%s/iscsi/%s", lio_root(c), target_iqn) < 0)
                return lio_fail(c, -ENAMETOOLONG, "target IQN '%s' makes a path too long",
                                target_iqn);
        if (!cfs_is_dir(target)) {
                lio_report(c, "target %s: not present", target_iqn);
                return 0;
        }
        r = cfs_list(target, DT_DIR, &tpgs, &n_tpgs);
        if (r < 0)
                return lio_fail(c, r, "cannot list %s: %s", lio_rel(c, target), strerror(-r));
        for (size_t i = 0; i < n_tpgs && r >= 0; i++) {
                static const char *const kinds[] = {"acls", "np", "lun"};
                static const char *const labels[] = {"acl", "portal", "lun"};
                char tpg[PATH_MAX], path[PATH_MAX];

                if (strncmp(tpgs[i], "tpgt_", 5) != 0 ||
                    cfs_pathf(tpg, sizeof(tpg), "%s/%s", target, tpgs[i]) < 0)
                        continue;
                /* Disabled first: that ends the peer's session before its ACL goes. */
                if (cfs_pathf(path, sizeof(path), "%s/enable", tpg) >= 0 && cfs_is(path, "1")) {
                        r = cfs_write(path, "0", 1);
                        if (r < 0) {
                                lio_fail(c, r, "cannot disable %s: %s", lio_rel(c, tpg),
                                         strerror(-r));
                                break;
                        }
                        lio_report(c, "%s: disabled", tpgs[i]);
                }
                for (size_t k = 0; k < ELEMENTSOF(kinds) && r >= 0; k++) {
                        char dir[PATH_MAX], **names = NULL;
                        size_t n = 0;

                        if (cfs_pathf(dir, sizeof(dir), "%s/%s", tpg, kinds[k]) < 0 ||
                            cfs_list(dir, DT_DIR, &names, &n) < 0)
                                continue;
                        for (size_t x = 0; x < n && r >= 0; x++) {
                                if (cfs_pathf(path, sizeof(path), "%s/%s", dir, names[x]) < 0)
                                        continue;
                                if (k == 0)
                                        r = lio_remove_acl(path);
                                else if (k == 1)
                                        r = rmdir(path) < 0 ? -errno : 0;
                                else
                                        r = cfs_remove_links_dir(path);
                                if (r < 0)
                                        lio_fail(c, r, "cannot remove %s: %s", lio_rel(c, path),
                                                 strerror(-r));
                                else
                                        lio_report(c, "%s %s: removed", labels[k], names[x]);
                        }
                        cfs_strv_free(names, n);
                }
                if (r >= 0 && rmdir(tpg) < 0) {
                        r = -errno;
                        lio_fail(c, r, "cannot remove %s: %s", lio_rel(c, tpg), strerror(-r));
                }
        }
        cfs_strv_free(tpgs, n_tpgs);
        if (r < 0)
                return r;
        if (rmdir(target) < 0)
                return lio_fail(c, -errno, "cannot remove target %s: %s", target_iqn,
                                strerror(errno));
        lio_report(c, "target %s: removed", target_iqn);
        return 0;
}

/* ---- status ---- */

void lio_status_clear(struct lio_status *s)
{
        free(s->luns);
        cfs_strv_free(s->strays, s->n_strays);
        cfs_strv_free(s->stray_luns, s->n_stray_luns);
        *s = (struct lio_status){0};
}

bool lio_lun_status_complete(const struct lio_lun_status *l)
{
        return l->backstore && l->enabled && l->device_matches && l->serial_matches && l->tpg_lun &&
               l->mapped;
}

bool lio_status_skeleton_complete(const struct lio_status *s)
{
        return s->available && s->target && s->tpg && s->tpg_enabled && s->portal &&
               s->attributes && s->acl && s->chap_userid && s->chap_userid_mutual &&
               (!s->chap_readable || (s->chap_password && s->chap_password_mutual)) &&
               s->n_strays == 0;
}

enum lio_export lio_status_export(const struct lio_status *s)
{
        bool any = s->n_stray_luns > 0, all = s->n_stray_luns == 0;

        if (!s->available)
                return LIO_EXPORT_NONE;
        for (size_t i = 0; i < s->n_luns; i++) {
                any = any || s->luns[i].present;
                all = all && lio_lun_status_complete(&s->luns[i]);
        }
        if (!any)
                return LIO_EXPORT_NONE;
        return all && lio_status_skeleton_complete(s) ? LIO_EXPORT_FULL : LIO_EXPORT_PARTIAL;
}

_printf_(2, 3) static void lun_problem(struct lio_lun_status *l, const char *fmt, ...)
{
        va_list ap;

        if (l->problem[0])
                return;
        va_start(ap, fmt);
        vsnprintf(l->problem, sizeof(l->problem), fmt, ap);
        va_end(ap);
}

static void read_lun_status(struct lio_ctx *c, const struct lio_backend *b, const struct paths *p,
                            const struct lio_lun *l, struct lio_lun_status *ls)
{
        struct lun_paths lp;
        char path[PATH_MAX], buf[CFS_ATTR_BUF], other[PATH_MAX];
        struct stat st;
        unsigned major, minor;

        *ls = (struct lio_lun_status){.lun = l->lun, .device = l->device};
        if (lun_paths_init(c, b, p, l->lun, &lp) < 0) {
                lun_problem(ls, "LUN number out of range");
                return;
        }
        ls->present = cfs_is_dir(lp.hba) || cfs_is_dir(lp.tpg_lun) || cfs_is_dir(lp.mapped);
        ls->backstore = cfs_is_dir(lp.so);
        if (!ls->backstore)
                lun_problem(ls, "no backstore %s", lio_rel(c, lp.so));

        if (ls->backstore) {
                ls->enabled =
                    cfs_pathf(path, sizeof(path), "%s/enable", lp.so) >= 0 && cfs_is(path, "1");
                if (!ls->enabled)
                        lun_problem(ls, "backstore %s is not enabled", lio_rel(c, lp.so));
        }
        if (ls->enabled) {
                if (stat(l->device, &st) < 0)
                        lun_problem(ls, "disk %s: %s", l->device, strerror(errno));
                else if (cfs_pathf(path, sizeof(path), "%s/info", lp.so) >= 0 &&
                         cfs_read(path, buf, sizeof(buf)) >= 0 &&
                         lio_parse_iblock_device(buf, &major, &minor) == 0) {
                        ls->device_matches = S_ISBLK(st.st_mode) && major == major(st.st_rdev) &&
                                             minor == minor(st.st_rdev);
                        if (!ls->device_matches)
                                lun_problem(ls, "backstore holds device %u:%u, not %s", major,
                                            minor, l->device);
                } else
                        lun_problem(ls, "cannot tell which device backstore %s holds",
                                    lio_rel(c, lp.so));
        }
        if (ls->backstore) {
                ls->serial_matches =
                    cfs_pathf(path, sizeof(path), "%s/wwn/vpd_unit_serial", lp.so) >= 0 &&
                    cfs_read(path, buf, sizeof(buf)) >= 0 &&
                    strcmp(lio_parse_unit_serial(buf), l->serial) == 0;
                if (!ls->serial_matches)
                        lun_problem(ls, "backstore serial is not %s", l->serial);
        }
        ls->tpg_lun = cfs_link_state(lp.tpg_lun, lp.so_suffix, other, sizeof(other)) == 1;
        if (!ls->tpg_lun)
                lun_problem(ls, "no tpg lun %s linked to the backstore", lio_rel(c, lp.tpg_lun));
        ls->mapped = cfs_link_state(lp.mapped, lp.tpg_suffix, other, sizeof(other)) == 1 &&
                     cfs_pathf(path, sizeof(path), "%s/write_protect", lp.mapped) >= 0 &&
                     !cfs_is(path, "1");
        if (!ls->mapped)
                lun_problem(ls, "no writable mapped lun %s for the peer", lio_rel(c, lp.mapped));
        if (!ls->present)
                ls->problem[0] = '\0';
}

/*
 * The subdirectories of dir named prefix* (configfs adds default groups
 * such as attrib/ next to them) that are not keep, or, for lun_* entries
 * with keep NULL, whose number is n_luns or more.
 */
static int collect_strays(const char *dir, const char *prefix, const char *keep, size_t n_luns,
                          const char *label, char ***v, size_t *n)
{
        char **names = NULL;
        size_t k = 0;
        int r = cfs_list(dir, DT_DIR, &names, &k);

        for (size_t i = 0; i < k && r >= 0; i++) {
                unsigned lun;

                if (prefix && strncmp(names[i], prefix, strlen(prefix)) != 0)
                        continue;
                if (keep ? strcmp(names[i], keep) == 0
                         : lio_lun_dir_number(names[i], &lun) == 0 && lun < n_luns)
                        continue;
                r = cfs_strv_push(v, n, "%s %s", label, names[i]);
        }
        cfs_strv_free(names, k);
        return r;
}

int lio_read_status(struct lio_ctx *c, const struct lio_backend *b, struct lio_status *ret)
{
        struct lio_status s = {0};
        struct paths p;
        char path[PATH_MAX], buf[CFS_ATTR_BUF], tpgt[16];
        int r = 0;

        *ret = s;
        s.session = LIO_SESSION_UNKNOWN;
        s.available = lio_available(c) == 0;
        if (paths_init(c, b, &p) < 0)
                return lio_fail(c, -ENAMETOOLONG, "target IQN '%s' makes a path too long",
                                b->target_iqn);
        if (b->n_luns > 0) {
                s.luns = calloc(b->n_luns, sizeof(*s.luns));
                if (!s.luns)
                        return lio_fail(c, -ENOMEM, "out of memory");
        }
        s.n_luns = b->n_luns;
        for (size_t i = 0; i < b->n_luns; i++)
                s.luns[i] =
                    (struct lio_lun_status){.lun = b->luns[i].lun, .device = b->luns[i].device};
        if (!s.available) {
                *ret = s;
                return 0;
        }

        s.target = cfs_is_dir(p.target);
        s.tpg = cfs_is_dir(p.tpg);
        s.tpg_enabled = cfs_pathf(path, sizeof(path), "%s/enable", p.tpg) >= 0 && cfs_is(path, "1");
        s.portal = cfs_is_dir(p.portal);
        s.attributes = s.tpg;
        for (size_t i = 0; i < ELEMENTSOF(tpg_settings) && s.attributes; i++)
                s.attributes =
                    cfs_pathf(path, sizeof(path), "%s/%s", p.tpg, tpg_settings[i].attr) >= 0 &&
                    cfs_is(path, tpg_settings[i].value);
        s.acl = cfs_is_dir(p.acl);
        if (s.acl) {
                const struct lio_secret *secrets[] = {&b->password, &b->password_mutual};
                static const char *const pw[] = {"password", "password_mutual"};
                bool *ok[] = {&s.chap_password, &s.chap_password_mutual};

                s.chap_userid = cfs_pathf(path, sizeof(path), "%s/auth/userid", p.acl) >= 0 &&
                                cfs_is(path, b->initiator_iqn);
                s.chap_userid_mutual =
                    cfs_pathf(path, sizeof(path), "%s/auth/userid_mutual", p.acl) >= 0 &&
                    cfs_is(path, b->target_iqn);
                s.chap_readable = true;
                for (size_t i = 0; i < 2; i++) {
                        int k = cfs_pathf(path, sizeof(path), "%s/auth/%s", p.acl, pw[i]);
                        if (k >= 0)
                                k = cfs_read(path, buf, sizeof(buf));
                        if (k == -EPERM || k == -EACCES)
                                s.chap_readable = false;
                        else if (k > 0)
                                *ok[i] = secrets[i]->data
                                             ? (size_t)k == secrets[i]->size &&
                                                   memcmp(buf, secrets[i]->data, (size_t)k) == 0
                                             : true;
                        explicit_bzero(buf, sizeof(buf));
                }
                if (cfs_pathf(path, sizeof(path), "%s/info", p.acl) >= 0 &&
                    cfs_read(path, buf, sizeof(buf)) >= 0)
                        s.session = lio_parse_acl_info(buf);
        }

        for (size_t i = 0; i < b->n_luns; i++)
                read_lun_status(c, b, &p, &b->luns[i], &s.luns[i]);

        /* What the description does not ask for. */
        snprintf(tpgt, sizeof(tpgt), "tpgt_%u", LIO_TPGT);
        if (r >= 0)
                r = collect_strays(p.target, "tpgt_", tpgt, 0, "tpg", &s.strays, &s.n_strays);
        if (r >= 0 && cfs_pathf(path, sizeof(path), "%s/np", p.tpg) >= 0)
                r = collect_strays(path, NULL, b->portal, 0, "portal", &s.strays, &s.n_strays);
        if (r >= 0 && cfs_pathf(path, sizeof(path), "%s/acls", p.tpg) >= 0)
                r = collect_strays(path, NULL, b->initiator_iqn, 0, "acl", &s.strays, &s.n_strays);
        if (r >= 0 && cfs_pathf(path, sizeof(path), "%s/lun", p.tpg) >= 0)
                r = collect_strays(path, "lun_", NULL, b->n_luns, "tpg", &s.stray_luns,
                                   &s.n_stray_luns);
        if (r >= 0)
                r = collect_strays(p.acl, "lun_", NULL, b->n_luns, "mapped", &s.stray_luns,
                                   &s.n_stray_luns);
        if (r >= 0 && cfs_pathf(path, sizeof(path), "%s/core", lio_root(c)) >= 0) {
                char **hbas = NULL;
                size_t n = 0;

                r = cfs_list(path, DT_DIR, &hbas, &n);
                for (size_t i = 0; i < n && r >= 0; i++) {
                        char hba[PATH_MAX], keep[32];
                        unsigned lun;

                        if (lio_hba_lun(hbas[i], &lun) < 0)
                                continue;
                        if (lun >= b->n_luns)
                                r = cfs_strv_push(&s.stray_luns, &s.n_stray_luns,
                                                  "backstore core/%s", hbas[i]);
                        else if (cfs_pathf(hba, sizeof(hba), "%s/%s", path, hbas[i]) >= 0 &&
                                 lio_storage_object_name(lun, keep, sizeof(keep)) >= 0)
                                r = collect_strays(hba, NULL, keep, 0, "backstore", &s.stray_luns,
                                                   &s.n_stray_luns);
                }
                cfs_strv_free(hbas, n);
        }
        if (r < 0) {
                lio_status_clear(&s);
                return lio_fail(c, r, "cannot read the backend's state: %s", strerror(-r));
        }
        *ret = s;
        return 0;
}
