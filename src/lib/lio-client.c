/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/configfs.h"
#include "lib/lio-client.h"
#include "lib/lio-internal.h"
#include "shared/macro.h"

#define SO_NAME_MAX 128u

/* ---- the desired state ---- */

struct lio_client *lio_client_free(struct lio_client *cl)
{
        if (!cl)
                return NULL;
        for (size_t i = 0; i < cl->n_tpgs; i++) {
                free(cl->tpgs[i].initiators);
                free(cl->tpgs[i].luns);
        }
        for (size_t i = 0; i < cl->n_backstores; i++) {
                free(cl->backstores[i].name);
                free(cl->backstores[i].zvol);
                free(cl->backstores[i].device);
        }
        free(cl->tpgs);
        free(cl->backstores);
        free(cl);
        return NULL;
}

int lio_client_from_spec(const struct spec *s, struct lio_client **ret)
{
        struct lio_client *cl = calloc(1, sizeof(*cl));

        if (!cl)
                return -ENOMEM;
        cl->pool = s->pool.name;
        for (size_t i = 0; i < s->n_networks; i++) {
                const struct spec_network *n = &s->networks[i];
                const struct spec_client_iscsi *is = n->iscsi;
                struct lio_client_tpg *grown, *t;
                char vip[16];

                if (!n->is_client || !is || !(n->services & (1u << CLIENT_SERVICE_ISCSI)))
                        continue;
                grown = realloc(cl->tpgs, (cl->n_tpgs + 1) * sizeof(*grown));
                if (!grown)
                        return lio_client_free(cl), -ENOMEM;
                cl->tpgs = grown;
                t = &grown[cl->n_tpgs++];
                format_ipv4(n->vip.addr, vip);
                *t = (struct lio_client_tpg){
                    .vlan = n->name,
                    .tpgt = n->id,
                    .target_iqn = is->target_iqn,
                    .dataset = is->dataset,
                    .acl_mode = is->acl_mode,
                    .chap = is->chap,
                    .mutual_chap = is->mutual_chap,
                    .credential = is->credential,
                    .mutual_credential = is->mutual_credential,
                };
                snprintf(t->portal, sizeof(t->portal), "%s:%u", vip, LIO_CLIENT_PORT);
                if (is->n_initiators) {
                        t->initiators = calloc(is->n_initiators, sizeof(*t->initiators));
                        if (!t->initiators)
                                return lio_client_free(cl), -ENOMEM;
                }
                for (size_t j = 0; j < is->n_initiators; j++)
                        t->initiators[t->n_initiators++] = (struct lio_client_initiator){
                            .iqn = is->initiators[j].iqn,
                            .credential = is->initiators[j].credential,
                            .mutual_credential = is->initiators[j].mutual_credential,
                        };
        }
        *ret = cl;
        return 0;
}

int lio_client_so_name(const char *pool, const char *zvol, char *buf, size_t size)
{
        size_t n = strlen(pool), len;

        if (strncmp(zvol, pool, n) != 0 || zvol[n] != '/' || !zvol[n + 1])
                return -EINVAL;
        len = strlen(zvol + n + 1);
        if (len > SO_NAME_MAX || len >= size)
                return -ENAMETOOLONG;
        for (size_t i = 0; i <= len; i++)
                buf[i] = zvol[n + 1 + i] == '/' ? '+' : zvol[n + 1 + i];
        return 0;
}

int lio_client_add_backstore(struct lio_client *cl, const char *zvol, const char *guid,
                             size_t *ret_index)
{
        struct lio_client_backstore *grown, *b;
        char name[SO_NAME_MAX + 1];
        _cleanup_free_ char *identity = NULL;
        int r;

        for (size_t i = 0; i < cl->n_backstores; i++)
                if (strcmp(cl->backstores[i].zvol, zvol) == 0) {
                        *ret_index = i;
                        return 0;
                }
        r = lio_client_so_name(cl->pool, zvol, name, sizeof(name));
        if (r < 0)
                return r;
        if (asprintf(&identity, "hasan client %s", guid) < 0)
                return -ENOMEM;
        grown = realloc(cl->backstores, (cl->n_backstores + 1) * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        cl->backstores = grown;
        b = &grown[cl->n_backstores];
        *b = (struct lio_client_backstore){.name = strdup(name), .zvol = strdup(zvol)};
        if (asprintf(&b->device, "/dev/zvol/%s", zvol) < 0)
                b->device = NULL;
        if (!b->name || !b->zvol || !b->device) {
                free(b->name);
                free(b->zvol);
                free(b->device);
                return -ENOMEM;
        }
        r = lio_serial_of(identity, b->serial);
        if (r < 0) {
                free(b->name);
                free(b->zvol);
                free(b->device);
                return r;
        }
        *ret_index = cl->n_backstores++;
        return 0;
}

int lio_client_add_lun(struct lio_client_tpg *t, unsigned lun, size_t backstore)
{
        struct lio_client_lun *grown = realloc(t->luns, (t->n_luns + 1) * sizeof(*grown));

        if (!grown)
                return -ENOMEM;
        t->luns = grown;
        grown[t->n_luns++] = (struct lio_client_lun){.lun = lun, .backstore = backstore};
        return 0;
}

/* ---- helpers ---- */

static const struct lio_client_lun *tpg_lun(const struct lio_client_tpg *t, unsigned lun)
{
        for (size_t i = 0; i < t->n_luns; i++)
                if (t->luns[i].lun == lun)
                        return &t->luns[i];
        return NULL;
}

static int copy_name(char *buf, size_t size, const char *name)
{
        size_t n = strlen(name);

        if (n >= size)
                return -ENAMETOOLONG;
        memcpy(buf, name, n + 1);
        return 0;
}

/* The storage object a TPG LUN directory links to ("" when none): its name below the HBA. */
static int lun_target_so(const char *lun_dir, char *hba, size_t hba_size, char *so, size_t so_size)
{
        char **links = NULL, path[PATH_MAX], text[PATH_MAX];
        size_t n = 0;
        ssize_t k;
        int r = cfs_list(lun_dir, DT_LNK, &links, &n);
        char *slash;

        hba[0] = so[0] = '\0';
        if (r < 0 || n == 0) {
                cfs_strv_free(links, n);
                return r;
        }
        r = cfs_pathf(path, sizeof(path), "%s/%s", lun_dir, links[0]);
        cfs_strv_free(links, n);
        if (r < 0)
                return r;
        k = readlink(path, text, sizeof(text) - 1);
        if (k < 0)
                return -errno;
        text[k] = '\0';
        /* ".../core/<hba>/<so>" */
        slash = strrchr(text, '/');
        if (!slash)
                return -EINVAL;
        r = copy_name(so, so_size, slash + 1);
        *slash = '\0';
        slash = strrchr(text, '/');
        return r < 0 ? r : copy_name(hba, hba_size, slash ? slash + 1 : text);
}

/* Remove every mapped LUN of the TPG's ACLs that points at lun_<N>. */
static int unmap_lun(const char *tpg, unsigned lun)
{
        char dir[PATH_MAX], **acls = NULL;
        size_t n = 0;
        int r;

        if (cfs_pathf(dir, sizeof(dir), "%s/acls", tpg) < 0)
                return -ENAMETOOLONG;
        r = cfs_list(dir, DT_DIR, &acls, &n);
        for (size_t i = 0; i < n && r >= 0; i++) {
                char path[PATH_MAX];
                if (cfs_pathf(path, sizeof(path), "%s/%s/lun_%u", dir, acls[i], lun) >= 0)
                        r = cfs_remove_links_dir(path);
        }
        cfs_strv_free(acls, n);
        return r < 0 ? r : 0;
}

/* ---- bring-up ---- */

static int backstore_up(struct lio_ctx *c, const struct lio_client_backstore *b, const char *hba,
                        struct cfs_journal *j)
{
        char so[PATH_MAX], path[PATH_MAX], control[PATH_MAX + 16], resolved[PATH_MAX];
        struct stat st;
        int r;

        if (cfs_pathf(so, sizeof(so), "%s/%s", hba, b->name) < 0)
                return lio_fail(c, -ENAMETOOLONG, "zvol %s: path too long", b->zvol);
        if (stat(b->device, &st) < 0)
                return lio_fail(c, -errno, "zvol %s: %s: %s", b->zvol, b->device, strerror(errno));
        if (!S_ISBLK(st.st_mode))
                return lio_fail(c, -ENOTBLK, "zvol %s: %s is not a block device", b->zvol,
                                b->device);
        if (!realpath(b->device, resolved))
                return lio_fail(c, -errno, "zvol %s: cannot resolve %s: %s", b->zvol, b->device,
                                strerror(errno));
        r = cfs_ensure_dir(j, so);
        if (r < 0)
                return lio_fail(c, r, "cannot create backstore %s: %s", lio_rel(c, so),
                                strerror(-r));
        if (cfs_pathf(path, sizeof(path), "%s/enable", so) < 0)
                return -ENAMETOOLONG;
        if (r == 0 && cfs_is(path, "1")) {
                char udev[PATH_MAX];
                if (cfs_pathf(udev, sizeof(udev), "%s/udev_path", so) >= 0 &&
                    cfs_is(udev, b->device))
                        return 0;
                return lio_fail(c, -EEXIST,
                                "backstore %s is enabled on another device than %s; 'hasan "
                                "target stop' removes the client targets",
                                lio_rel(c, so), b->device);
        }
        if (cfs_pathf(control, sizeof(control), "udev_path=%s", resolved) < 0)
                return lio_fail(c, -ENAMETOOLONG, "zvol %s: path too long", b->zvol);
        const struct {
                const char *attr;
                const char *value;
        } steps[] = {
            {"control", control},
            {"udev_path", b->device},
            {"enable", "1"},
            {"wwn/vpd_unit_serial", b->serial},
            {"attrib/emulate_tpu", "1"},
        };
        for (size_t i = 0; i < ELEMENTSOF(steps); i++) {
                if (cfs_pathf(path, sizeof(path), "%s/%s", so, steps[i].attr) < 0)
                        return -ENAMETOOLONG;
                r = cfs_write(path, steps[i].value, strlen(steps[i].value));
                if (r < 0)
                        return lio_fail(c, r, "cannot set %s of backstore %s (%s): %s",
                                        steps[i].attr, lio_rel(c, so), b->zvol,
                                        r == -EBUSY ? "the zvol is busy" : strerror(-r));
        }
        lio_report(c, "backstore %s: %s as %s", b->zvol, b->device, b->serial);
        return 1;
}

static int tpg_settings(struct lio_ctx *c, const struct lio_client_tpg *t, const char *tpg)
{
        const bool acl = t->acl_mode == ISCSI_ACL_MODE_ACL;
        const struct {
                const char *attr;
                const char *value;
        } settings[] = {
            {"attrib/authentication", "1"},
            {"attrib/generate_node_acls", acl ? "0" : "1"},
            {"attrib/cache_dynamic_acls", acl ? "0" : "1"},
            {"attrib/demo_mode_write_protect", acl ? "1" : "0"},
            {"param/AuthMethod", "CHAP"},
        };
        char path[PATH_MAX];

        for (size_t i = 0; i < ELEMENTSOF(settings); i++) {
                int r;
                if (cfs_pathf(path, sizeof(path), "%s/%s", tpg, settings[i].attr) < 0)
                        return -ENAMETOOLONG;
                r = cfs_ensure(path, settings[i].value);
                if (r < 0)
                        return lio_fail(c, r, "cannot set %s=%s on tpg %u of %s: %s",
                                        settings[i].attr, settings[i].value, t->tpgt, t->target_iqn,
                                        strerror(-r));
        }
        return 0;
}

/* Write CHAP user names and secrets into an auth/ directory. */
static int auth_set(struct lio_ctx *c, const char *auth, const char *userid,
                    const struct lio_secret *password, const char *credential,
                    const char *userid_mutual, const struct lio_secret *password_mutual,
                    const char *mutual_credential, const char *what)
{
        const struct {
                const char *attr;
                const void *value;
                size_t size;
                const char *credential;
        } chap[] = {
            {"userid", userid, strlen(userid), NULL},
            {"password", password->data, password->size, credential},
            {"userid_mutual", userid_mutual ? userid_mutual : "",
             userid_mutual ? strlen(userid_mutual) : 0, NULL},
            {"password_mutual", password_mutual ? password_mutual->data : NULL,
             password_mutual ? password_mutual->size : 0, mutual_credential},
        };
        char path[PATH_MAX];

        for (size_t i = 0; i < ELEMENTSOF(chap); i++) {
                int r;
                if (i >= 2 && !userid_mutual)
                        break;
                if (chap[i].credential) {
                        const char *why;
                        if (!chap[i].value)
                                return lio_fail(c, -ENOKEY,
                                                "%s: the secret of credential '%s' was not loaded",
                                                what, chap[i].credential);
                        why = lio_chap_secret_problem(chap[i].value, chap[i].size);
                        if (why)
                                return lio_fail(c, -EINVAL,
                                                "%s: credential '%s' cannot be a CHAP secret: %s",
                                                what, chap[i].credential, why);
                }
                if (cfs_pathf(path, sizeof(path), "%s/%s", auth, chap[i].attr) < 0)
                        return -ENAMETOOLONG;
                r = cfs_secret_ensure(path, chap[i].value, chap[i].size);
                if (r < 0)
                        return lio_fail(c, r, "%s: cannot set CHAP %s: %s", what, chap[i].attr,
                                        strerror(-r));
        }
        return 0;
}

/* Remove the entries of dir (portals or ACLs) that are not keep[]. */
static int remove_unlisted(struct lio_ctx *c, const char *dir, const char *const *keep,
                           size_t n_keep, bool acls, const char *what)
{
        char **names = NULL;
        size_t n = 0;
        int r = cfs_list(dir, DT_DIR, &names, &n);

        for (size_t i = 0; i < n && r >= 0; i++) {
                char path[PATH_MAX];
                bool listed = false;

                for (size_t k = 0; k < n_keep && !listed; k++)
                        listed = strcmp(names[i], keep[k]) == 0;
                if (listed || cfs_pathf(path, sizeof(path), "%s/%s", dir, names[i]) < 0)
                        continue;
                r = acls ? lio_remove_acl(path) : (rmdir(path) < 0 ? -errno : 0);
                if (r < 0)
                        lio_fail(c, r, "cannot remove %s %s: %s", what, names[i], strerror(-r));
                else
                        lio_report(c, "%s %s: removed (the description does not name it)", what,
                                   names[i]);
        }
        cfs_strv_free(names, n);
        return r < 0 ? r : 0;
}

/* The TPG's LUNs: stale ones removed (with their mappings), missing ones created. */
static int tpg_luns(struct lio_ctx *c, const struct lio_client *cl, const struct lio_client_tpg *t,
                    const char *tpg, const char *hba, struct cfs_journal *j)
{
        char dir[PATH_MAX], **names = NULL;
        size_t n = 0;
        int r;

        if (cfs_pathf(dir, sizeof(dir), "%s/lun", tpg) < 0)
                return -ENAMETOOLONG;
        r = cfs_list(dir, DT_DIR, &names, &n);
        for (size_t i = 0; i < n && r >= 0; i++) {
                char path[PATH_MAX], have_hba[NAME_MAX + 1], have_so[NAME_MAX + 1];
                const struct lio_client_lun *want;
                unsigned lun;

                if (lio_lun_dir_number(names[i], &lun) < 0 ||
                    cfs_pathf(path, sizeof(path), "%s/%s", dir, names[i]) < 0)
                        continue;
                want = tpg_lun(t, lun);
                if (lun_target_so(path, have_hba, sizeof(have_hba), have_so, sizeof(have_so)) >=
                        0 &&
                    want && strcmp(have_hba, LIO_CLIENT_HBA) == 0 &&
                    strcmp(have_so, cl->backstores[want->backstore].name) == 0)
                        continue;
                r = unmap_lun(tpg, lun);
                if (r >= 0)
                        r = cfs_remove_links_dir(path);
                if (r < 0)
                        lio_fail(c, r, "cannot remove lun %u of tpg %u of %s: %s", lun, t->tpgt,
                                 t->target_iqn, strerror(-r));
                else
                        lio_report(c, "tpg %u lun %u: removed (%s)", t->tpgt, lun,
                                   want ? "it pointed elsewhere" : "no zvol has that number");
        }
        cfs_strv_free(names, n);
        if (r < 0)
                return r;

        for (size_t i = 0; i < t->n_luns; i++) {
                const struct lio_client_backstore *b = &cl->backstores[t->luns[i].backstore];
                char lun_dir[PATH_MAX], target[PATH_MAX], suffix[PATH_MAX], other[PATH_MAX];

                if (cfs_pathf(lun_dir, sizeof(lun_dir), "%s/lun_%u", dir, t->luns[i].lun) < 0 ||
                    cfs_pathf(target, sizeof(target), "%s/%s", hba, b->name) < 0 ||
                    cfs_pathf(suffix, sizeof(suffix), "core/%s/%s", LIO_CLIENT_HBA, b->name) < 0)
                        return lio_fail(c, -ENAMETOOLONG, "zvol %s: path too long", b->zvol);
                r = cfs_ensure_dir_link(j, lun_dir, b->name, target, suffix, other, sizeof(other));
                if (r < 0)
                        return lio_fail(c, r, "cannot export %s as lun %u of tpg %u of %s: %s",
                                        b->zvol, t->luns[i].lun, t->tpgt, t->target_iqn,
                                        strerror(-r));
        }
        return 0;
}

/* In ACL mode: one ACL per initiator, with CHAP and every LUN mapped to the same number. */
static int tpg_acls(struct lio_ctx *c, const struct lio_client *cl, const struct lio_client_tpg *t,
                    const char *tpg, struct cfs_journal *j)
{
        const char **keep;
        char dir[PATH_MAX];
        int r;

        if (cfs_pathf(dir, sizeof(dir), "%s/acls", tpg) < 0)
                return -ENAMETOOLONG;
        keep = calloc(t->n_initiators + 1, sizeof(*keep));
        if (!keep)
                return -ENOMEM;
        for (size_t i = 0; i < t->n_initiators; i++)
                keep[i] = t->initiators[i].iqn;
        r = remove_unlisted(c, dir, keep, t->acl_mode == ISCSI_ACL_MODE_ACL ? t->n_initiators : 0,
                            true, "acl");
        free(keep);
        if (r < 0 || t->acl_mode != ISCSI_ACL_MODE_ACL)
                return r;

        for (size_t i = 0; i < t->n_initiators; i++) {
                const struct lio_client_initiator *ini = &t->initiators[i];
                const bool per_vlan = t->chap == ISCSI_CHAP_PER_VLAN;
                char acl[PATH_MAX], auth[PATH_MAX], what[512];

                if (cfs_pathf(acl, sizeof(acl), "%s/%s", dir, ini->iqn) < 0 ||
                    cfs_pathf(auth, sizeof(auth), "%s/auth", acl) < 0)
                        return -ENAMETOOLONG;
                snprintf(what, sizeof(what), "acl %s of tpg %u of %s", ini->iqn, t->tpgt,
                         t->target_iqn);
                r = cfs_ensure_dir(j, acl);
                if (r < 0)
                        return lio_fail(c, r, "cannot create %s: %s", what, strerror(-r));
                r = auth_set(c, auth, per_vlan ? t->vlan : ini->iqn,
                             per_vlan ? &t->password : &ini->password,
                             per_vlan ? t->credential : ini->credential,
                             t->mutual_chap ? t->target_iqn : NULL,
                             per_vlan ? &t->password_mutual : &ini->password_mutual,
                             per_vlan ? t->mutual_credential : ini->mutual_credential, what);
                if (r < 0)
                        return r;
                for (size_t k = 0; k < t->n_luns; k++) {
                        const struct lio_client_backstore *b =
                            &cl->backstores[t->luns[k].backstore];
                        char mapped[PATH_MAX], target[PATH_MAX], suffix[PATH_MAX], other[PATH_MAX];
                        unsigned lun = t->luns[k].lun;

                        if (cfs_pathf(mapped, sizeof(mapped), "%s/lun_%u", acl, lun) < 0 ||
                            cfs_pathf(target, sizeof(target), "%s/lun/lun_%u", tpg, lun) < 0 ||
                            cfs_pathf(suffix, sizeof(suffix), "iscsi/%s/tpgt_%u/lun/lun_%u",
                                      t->target_iqn, t->tpgt, lun) < 0)
                                return -ENAMETOOLONG;
                        r = cfs_ensure_dir_link(j, mapped, b->name, target, suffix, other,
                                                sizeof(other));
                        if (r < 0)
                                return lio_fail(c, r, "cannot map lun %u (%s) for %s: %s", lun,
                                                b->zvol, what, strerror(-r));
                }
        }
        return 0;
}

static int tpg_up(struct lio_ctx *c, const struct lio_client *cl, const struct lio_client_tpg *t,
                  const char *hba, struct cfs_journal *j)
{
        char target[PATH_MAX], tpg[PATH_MAX], path[PATH_MAX], np[PATH_MAX];
        const char *portal = t->portal;
        int r;

        if (cfs_pathf(target, sizeof(target), "%s/iscsi/%s", lio_root(c), t->target_iqn) < 0 ||
            cfs_pathf(tpg, sizeof(tpg), "%s/tpgt_%u", target, t->tpgt) < 0 ||
            cfs_pathf(np, sizeof(np), "%s/np", tpg) < 0)
                return lio_fail(c, -ENAMETOOLONG, "target IQN '%s' makes a path too long",
                                t->target_iqn);
        r = cfs_ensure_dir(j, target);
        if (r >= 0)
                r = cfs_ensure_dir(j, tpg);
        if (r < 0)
                return lio_fail(c, r, "cannot create tpg %u of target %s: %s", t->tpgt,
                                t->target_iqn, strerror(-r));
        r = tpg_settings(c, t, tpg);
        if (r < 0)
                return r;
        if (t->acl_mode == ISCSI_ACL_MODE_GENERATED) {
                char auth[PATH_MAX], what[512];
                if (cfs_pathf(auth, sizeof(auth), "%s/auth", tpg) < 0)
                        return -ENAMETOOLONG;
                snprintf(what, sizeof(what), "tpg %u of %s", t->tpgt, t->target_iqn);
                r = auth_set(c, auth, t->vlan, &t->password, t->credential,
                             t->mutual_chap ? t->target_iqn : NULL, &t->password_mutual,
                             t->mutual_credential, what);
                if (r < 0)
                        return r;
        }
        r = tpg_luns(c, cl, t, tpg, hba, j);
        if (r >= 0)
                r = tpg_acls(c, cl, t, tpg, j);
        if (r >= 0)
                r = remove_unlisted(c, np, &portal, 1, false, "portal");
        if (r < 0)
                return r;
        if (cfs_pathf(path, sizeof(path), "%s/%s", np, t->portal) < 0)
                return -ENAMETOOLONG;
        r = cfs_ensure_dir(j, path);
        if (r < 0)
                return lio_fail(c, r, "cannot add portal %s to tpg %u of %s: %s%s", t->portal,
                                t->tpgt, t->target_iqn, strerror(-r),
                                r == -EADDRNOTAVAIL ? " (the VIP is not up here and "
                                                      "net.ipv4.ip_nonlocal_bind is 0)"
                                                    : "");
        if (cfs_pathf(path, sizeof(path), "%s/enable", tpg) < 0)
                return -ENAMETOOLONG;
        r = cfs_ensure(path, "1");
        if (r < 0)
                return lio_fail(c, r, "cannot enable tpg %u of %s: %s", t->tpgt, t->target_iqn,
                                strerror(-r));
        lio_report(c, "target %s tpg %u: %zu lun%s, %s, portal %s", t->target_iqn, t->tpgt,
                   t->n_luns, t->n_luns == 1 ? "" : "s",
                   t->acl_mode == ISCSI_ACL_MODE_ACL ? "acl mode" : "generated acls", t->portal);
        return 0;
}

/* Backstores of the HBA that no desired zvol names and no LUN uses. */
static int remove_unused_backstores(struct lio_ctx *c, const struct lio_client *cl, const char *hba)
{
        char **names = NULL;
        size_t n = 0;
        int r = cfs_list(hba, DT_DIR, &names, &n);

        for (size_t i = 0; i < n && r >= 0; i++) {
                char path[PATH_MAX];
                bool wanted = false;

                for (size_t k = 0; cl && k < cl->n_backstores && !wanted; k++)
                        wanted = strcmp(cl->backstores[k].name, names[i]) == 0;
                if (wanted || cfs_pathf(path, sizeof(path), "%s/%s", hba, names[i]) < 0)
                        continue;
                if (rmdir(path) < 0 && errno != ENOENT) {
                        r = lio_fail(c, -errno, "cannot remove backstore %s: %s", lio_rel(c, path),
                                     strerror(errno));
                        break;
                }
                lio_report(c, "backstore %s: removed", names[i]);
        }
        cfs_strv_free(names, n);
        return r < 0 ? r : 0;
}

int lio_client_up(struct lio_ctx *c, const struct lio_client *cl)
{
        struct cfs_journal j = {0};
        char hba[PATH_MAX], iscsi[PATH_MAX];
        int r = lio_available(c);

        if (r < 0)
                return lio_fail(c, r,
                                "LIO is not available (%s does not exist): load target_core_mod "
                                "and iscsi_target_mod and mount configfs",
                                lio_root(c));
        if (cfs_pathf(hba, sizeof(hba), "%s/core/%s", lio_root(c), LIO_CLIENT_HBA) < 0 ||
            cfs_pathf(iscsi, sizeof(iscsi), "%s/iscsi", lio_root(c)) < 0)
                return -ENAMETOOLONG;
        if (!cfs_is_dir(iscsi) && mkdir(iscsi, 0755) < 0 && errno != EEXIST)
                return lio_fail(c, -errno, "cannot register the iSCSI fabric (%s): %s",
                                lio_rel(c, iscsi), strerror(errno));

        r = cl->n_backstores ? cfs_ensure_dir(&j, hba) : 0;
        if (r < 0)
                lio_fail(c, r, "cannot create %s: %s", lio_rel(c, hba), strerror(-r));
        for (size_t i = 0; i < cl->n_backstores && r >= 0; i++)
                r = backstore_up(c, &cl->backstores[i], hba, &j);
        for (size_t i = 0; i < cl->n_tpgs && r >= 0; i++)
                r = tpg_up(c, cl, &cl->tpgs[i], hba, &j);
        if (r >= 0)
                r = remove_unused_backstores(c, cl, hba);
        if (r < 0) {
                _cleanup_free_ char *left = NULL;
                size_t n = j.n, n_left;

                if (n == 0) {
                        lio_fail_append(c, "this run created nothing, so nothing was rolled back");
                        return r;
                }
                n_left = cfs_journal_rollback(&j, lio_root(c), &left);
                if (n_left == 0)
                        lio_fail_append(c, "rolled back the %zu object%s this run created", n,
                                        n == 1 ? "" : "s");
                else
                        lio_fail_append(c,
                                        "rollback incomplete: %zu of the %zu objects this run "
                                        "created are left: %s; 'hasan target stop' removes them",
                                        n_left, n, left ? left : "(out of memory)");
                return r;
        }
        cfs_journal_clear(&j);
        return 0;
}

/* ---- tear-down ---- */

/* Whether every LUN of every TPG of the target lives in the client HBA (and there is one). */
static bool target_is_client_only(const char *target)
{
        char **tpgs = NULL;
        size_t n = 0;
        bool any = false, foreign = false;

        if (cfs_list(target, DT_DIR, &tpgs, &n) < 0)
                return false;
        for (size_t i = 0; i < n && !foreign; i++) {
                char dir[PATH_MAX], **luns = NULL;
                size_t m = 0;

                if (strncmp(tpgs[i], "tpgt_", 5) != 0 ||
                    cfs_pathf(dir, sizeof(dir), "%s/%s/lun", target, tpgs[i]) < 0 ||
                    cfs_list(dir, DT_DIR, &luns, &m) < 0)
                        continue;
                for (size_t k = 0; k < m && !foreign; k++) {
                        char path[PATH_MAX], hba[NAME_MAX + 1], so[NAME_MAX + 1];
                        if (cfs_pathf(path, sizeof(path), "%s/%s", dir, luns[k]) < 0 ||
                            lun_target_so(path, hba, sizeof(hba), so, sizeof(so)) < 0)
                                continue;
                        if (strcmp(hba, LIO_CLIENT_HBA) == 0)
                                any = true;
                        else if (hba[0])
                                foreign = true;
                }
                cfs_strv_free(luns, m);
        }
        cfs_strv_free(tpgs, n);
        return any && !foreign;
}

static bool names_client_target(const struct lio_client *cl, const char *iqn)
{
        for (size_t i = 0; cl && i < cl->n_tpgs; i++)
                if (strcmp(cl->tpgs[i].target_iqn, iqn) == 0)
                        return true;
        return false;
}

/* Disable, then empty and remove one TPG. */
static int remove_tpg(const char *tpg)
{
        static const char *const kinds[] = {"acls", "lun", "np"};
        char path[PATH_MAX];
        int r = 0;

        if (cfs_pathf(path, sizeof(path), "%s/enable", tpg) >= 0)
                (void)cfs_write(path, "0", 1);
        for (size_t k = 0; k < ELEMENTSOF(kinds) && r >= 0; k++) {
                char dir[PATH_MAX], **names = NULL;
                size_t n = 0;

                if (cfs_pathf(dir, sizeof(dir), "%s/%s", tpg, kinds[k]) < 0)
                        return -ENAMETOOLONG;
                r = cfs_list(dir, DT_DIR, &names, &n);
                for (size_t i = 0; i < n && r >= 0; i++) {
                        if (cfs_pathf(path, sizeof(path), "%s/%s", dir, names[i]) < 0)
                                continue;
                        r = k == 0   ? lio_remove_acl(path)
                            : k == 1 ? cfs_remove_links_dir(path)
                                     : (rmdir(path) < 0 && errno != ENOENT ? -errno : 0);
                }
                cfs_strv_free(names, n);
        }
        if (r < 0)
                return r;
        return rmdir(tpg) < 0 && errno != ENOENT ? -errno : 0;
}

int lio_client_down(struct lio_ctx *c, const struct lio_client *cl)
{
        char iscsi[PATH_MAX], hba[PATH_MAX], **targets = NULL;
        size_t n = 0;
        int r, removed = 0;

        if (lio_available(c) < 0)
                return 0;
        if (cfs_pathf(iscsi, sizeof(iscsi), "%s/iscsi", lio_root(c)) < 0 ||
            cfs_pathf(hba, sizeof(hba), "%s/core/%s", lio_root(c), LIO_CLIENT_HBA) < 0)
                return -ENAMETOOLONG;
        r = cfs_list(iscsi, DT_DIR, &targets, &n);
        if (r < 0)
                return lio_fail(c, r, "cannot list %s: %s", lio_rel(c, iscsi), strerror(-r));
        for (size_t i = 0; i < n && r >= 0; i++) {
                char target[PATH_MAX], **tpgs = NULL;
                size_t m = 0;

                if (strncmp(targets[i], "iqn.", 4) != 0 && strncmp(targets[i], "eui.", 4) != 0 &&
                    strncmp(targets[i], "naa.", 4) != 0)
                        continue;
                if (cfs_pathf(target, sizeof(target), "%s/%s", iscsi, targets[i]) < 0)
                        continue;
                if (!names_client_target(cl, targets[i]) && !target_is_client_only(target))
                        continue;
                r = cfs_list(target, DT_DIR, &tpgs, &m);
                for (size_t k = 0; k < m && r >= 0; k++) {
                        char tpg[PATH_MAX];
                        if (strncmp(tpgs[k], "tpgt_", 5) != 0 ||
                            cfs_pathf(tpg, sizeof(tpg), "%s/%s", target, tpgs[k]) < 0)
                                continue;
                        r = remove_tpg(tpg);
                        if (r < 0)
                                lio_fail(c, r, "cannot remove %s: %s", lio_rel(c, tpg),
                                         strerror(-r));
                }
                cfs_strv_free(tpgs, m);
                if (r >= 0 && rmdir(target) < 0 && errno != ENOENT)
                        r = lio_fail(c, -errno, "cannot remove target %s: %s", targets[i],
                                     strerror(errno));
                if (r >= 0) {
                        lio_report(c, "target %s: removed", targets[i]);
                        removed++;
                }
        }
        cfs_strv_free(targets, n);
        if (r < 0)
                return r;
        r = remove_unused_backstores(c, NULL, hba);
        if (r < 0)
                return r;
        if (rmdir(hba) < 0 && errno != ENOENT)
                return lio_fail(c, -errno, "cannot remove %s: %s", lio_rel(c, hba),
                                strerror(errno));
        return removed;
}

/* ---- state ---- */

const char *lio_client_state_to_string(enum lio_client_state s)
{
        switch (s) {
        case LIO_CLIENT_RUNNING:
                return "running";
        case LIO_CLIENT_STOPPED:
                return "stopped";
        case LIO_CLIENT_PARTIAL:
                return "partial";
        }
        return "?";
}

_printf_(2, 3) static enum lio_client_state partial(char **ret_problem, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(ret_problem, fmt, ap) < 0)
                *ret_problem = NULL;
        va_end(ap);
        return LIO_CLIENT_PARTIAL;
}

enum lio_client_state lio_client_check(struct lio_ctx *c, const struct lio_client *cl,
                                       char **ret_problem)
{
        char hba[PATH_MAX], **sos = NULL;
        size_t n_sos = 0, present = 0;

        *ret_problem = NULL;
        if (cfs_pathf(hba, sizeof(hba), "%s/core/%s", lio_root(c), LIO_CLIENT_HBA) < 0)
                return partial(ret_problem, "path too long");
        (void)cfs_list(hba, DT_DIR, &sos, &n_sos);
        cfs_strv_free(sos, n_sos);

        for (size_t i = 0; i < cl->n_tpgs; i++) {
                const struct lio_client_tpg *t = &cl->tpgs[i];
                char tpg[PATH_MAX], path[PATH_MAX], **luns = NULL;
                size_t n_luns = 0;
                enum lio_client_state s = LIO_CLIENT_RUNNING;

                if (cfs_pathf(tpg, sizeof(tpg), "%s/iscsi/%s/tpgt_%u", lio_root(c), t->target_iqn,
                              t->tpgt) < 0)
                        return partial(ret_problem, "path too long");
                if (!cfs_is_dir(tpg))
                        continue;
                present++;
                if (cfs_pathf(path, sizeof(path), "%s/enable", tpg) < 0 || !cfs_is(path, "1"))
                        return partial(ret_problem, "tpg %u of %s is not enabled", t->tpgt,
                                       t->target_iqn);
                if (cfs_pathf(path, sizeof(path), "%s/np/%s", tpg, t->portal) < 0 ||
                    !cfs_is_dir(path))
                        return partial(ret_problem, "tpg %u of %s has no portal %s", t->tpgt,
                                       t->target_iqn, t->portal);
                for (size_t k = 0; t->acl_mode == ISCSI_ACL_MODE_ACL && k < t->n_initiators; k++)
                        if (cfs_pathf(path, sizeof(path), "%s/acls/%s", tpg, t->initiators[k].iqn) <
                                0 ||
                            !cfs_is_dir(path))
                                return partial(ret_problem, "tpg %u of %s has no acl for %s",
                                               t->tpgt, t->target_iqn, t->initiators[k].iqn);
                if (cfs_pathf(path, sizeof(path), "%s/lun", tpg) < 0)
                        return partial(ret_problem, "path too long");
                (void)cfs_list(path, DT_DIR, &luns, &n_luns);
                for (size_t k = 0; k < n_luns && s == LIO_CLIENT_RUNNING; k++) {
                        char lun[PATH_MAX], have_hba[NAME_MAX + 1], so[NAME_MAX + 1],
                            enable[PATH_MAX];
                        if (cfs_pathf(lun, sizeof(lun), "%s/%s", path, luns[k]) < 0 ||
                            lun_target_so(lun, have_hba, sizeof(have_hba), so, sizeof(so)) < 0 ||
                            strcmp(have_hba, LIO_CLIENT_HBA) != 0 ||
                            cfs_pathf(enable, sizeof(enable), "%s/%s/enable", hba, so) < 0 ||
                            !cfs_is(enable, "1"))
                                s = partial(ret_problem,
                                            "%s of tpg %u of %s does not lead to an enabled "
                                            "backstore",
                                            luns[k], t->tpgt, t->target_iqn);
                }
                cfs_strv_free(luns, n_luns);
                if (s != LIO_CLIENT_RUNNING)
                        return s;
        }
        if (present == 0)
                return n_sos == 0 ? LIO_CLIENT_STOPPED
                                  : partial(ret_problem, "backstores of %s exist but no target",
                                            LIO_CLIENT_HBA);
        if (present < cl->n_tpgs)
                return partial(ret_problem, "%zu of %zu client tpgs exist", present, cl->n_tpgs);
        return LIO_CLIENT_RUNNING;
}
