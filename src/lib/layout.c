/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/layout.h"
#include "shared/macro.h"

size_t layout_disk_count(const struct spec_node *n)
{
        size_t count = 0;

        if (!n->has_disks)
                return 0;
        for (int c = 0; c < _DISK_CLASS_MAX; c++)
                count += n->disks[c].n;
        return count;
}

int layout_disks(const struct spec_node *n, struct backend_disk **ret)
{
        size_t count = layout_disk_count(n), k = 0;
        struct backend_disk *disks;

        *ret = NULL;
        if (count == 0)
                return 0;
        disks = calloc(count, sizeof(*disks));
        if (!disks)
                return -ENOMEM;
        for (int c = 0; c < _DISK_CLASS_MAX; c++)
                for (size_t i = 0; i < n->disks[c].n; i++, k++)
                        disks[k] = (struct backend_disk){
                            .class = (enum disk_class)c,
                            .class_index = (unsigned)i,
                            .lun = (unsigned)k,
                            .path = n->disks[c].items[i],
                        };
        *ret = disks;
        return (int)count;
}

const struct spec_node *layout_peer(const struct spec *s, const struct spec_node *n)
{
        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].role == NODE_ROLE_STORAGE && &s->nodes[i] != n)
                        return &s->nodes[i];
        return NULL;
}

int layout_this_node(const struct spec *s, const char *name, const struct spec_node **ret)
{
        char host[256];
        const struct spec_node *n;

        if (!name) {
                if (gethostname(host, sizeof(host) - 1) < 0)
                        return -errno;
                host[sizeof(host) - 1] = '\0';
                host[strcspn(host, ".")] = '\0';
                name = host;
        }
        n = spec_find_node(s, name);
        if (!n)
                return -ENOENT;
        *ret = n;
        return 0;
}

int layout_local_node(const struct spec *s, const char *name, const struct spec_node **ret)
{
        const struct spec_node *n;
        int r = layout_this_node(s, name, &n);

        if (r < 0)
                return r;
        if (n->role != NODE_ROLE_STORAGE)
                return -EMEDIUMTYPE;
        *ret = n;
        return 0;
}

int layout_lun_prefix(const struct spec *s, const struct spec_node *exporter, char **ret)
{
        const struct spec_address *a = spec_node_address(exporter, "storage");
        char addr[16];

        if (!a || !a->ip.set || !exporter->backend || !exporter->backend->target_iqn)
                return -EINVAL;
        format_ipv4(a->ip.addr, addr);
        if (asprintf(ret, "ip-%s:%u-iscsi-%s-lun-", addr, s->backend_port,
                     exporter->backend->target_iqn) < 0)
                return -ENOMEM;
        return 0;
}

int layout_lun_path(const struct spec *s, const struct spec_node *exporter, unsigned lun,
                    char **ret)
{
        _cleanup_free_ char *prefix = NULL;
        int r = layout_lun_prefix(s, exporter, &prefix);

        if (r < 0)
                return r;
        if (asprintf(ret, LAYOUT_BY_PATH_DIR "/%s%u", prefix, lun) < 0)
                return -ENOMEM;
        return 0;
}

int layout_vdev_alias(const struct spec_node *owner, const struct backend_disk *d, char **ret)
{
        if (asprintf(ret, "%s-%s%u", owner->name, disk_class_to_string(d->class), d->class_index) <
            0)
                return -ENOMEM;
        return 0;
}

int layout_vdev_path(const struct spec_node *owner, const struct backend_disk *d, char **ret)
{
        _cleanup_free_ char *alias = NULL;

        if (layout_vdev_alias(owner, d, &alias) < 0 ||
            asprintf(ret, LAYOUT_VDEV_DIR "/%s", alias) < 0)
                return -ENOMEM;
        return 0;
}

/* Append the alias lines of owner's disks, as self sees them, to f. */
static int vdev_conf_node(FILE *f, const struct spec *s, const struct spec_node *self,
                          const struct spec_node *owner)
{
        struct backend_disk *disks = NULL;
        int n = layout_disks(owner, &disks), r = 0;

        if (n < 0)
                return n;
        for (int i = 0; i < n && r == 0; i++) {
                _cleanup_free_ char *alias = NULL, *lun = NULL;

                r = layout_vdev_alias(owner, &disks[i], &alias);
                if (r == 0 && owner != self)
                        r = layout_lun_path(s, owner, disks[i].lun, &lun);
                if (r == 0)
                        fprintf(f, "alias %s %s\n", alias, owner == self ? disks[i].path : lun);
        }
        free(disks);
        return r;
}

int layout_vdev_conf(const struct spec *s, const struct spec_node *self, char **ret)
{
        const struct spec_node *peer = layout_peer(s, self);
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        int r;

        if (!f)
                return -ENOMEM;
        fprintf(f,
                "# The pool's disks by names that mean the same disk on both storage\n"
                "# nodes (/dev/disk/by-vdev/<node>-<class><index>), written by\n"
                "# 'hasan pool vdev-conf' for %s from the cluster description.\n",
                self->name);
        r = vdev_conf_node(f, s, self, self);
        if (r == 0 && peer)
                r = vdev_conf_node(f, s, self, peer);
        if (fclose(f) != 0 && r == 0)
                r = -ENOMEM;
        if (r < 0) {
                free(text);
                return r;
        }
        *ret = text;
        return 0;
}

/* Whether name is alias, possibly followed by ZFS's "-part<N>" of a whole disk. */
static bool names_alias(const char *name, const char *alias)
{
        size_t n = strlen(alias);

        if (strncmp(name, alias, n) != 0)
                return false;
        if (name[n] == '\0')
                return true;
        if (strncmp(name + n, "-part", 5) != 0 || name[n + 5] == '\0')
                return false;
        return strspn(name + n + 5, "0123456789") == strlen(name + n + 5);
}

const struct spec_node *layout_vdev_owner(const struct spec *s, const char *path)
{
        const char *name;
        size_t dir_len = strlen(LAYOUT_VDEV_DIR);

        if (!path || strncmp(path, LAYOUT_VDEV_DIR "/", dir_len + 1) != 0)
                return NULL;
        name = path + dir_len + 1;
        for (size_t i = 0; i < s->n_nodes; i++) {
                const struct spec_node *node = &s->nodes[i];
                struct backend_disk *disks = NULL;
                bool found = false;
                int n;

                if (node->role != NODE_ROLE_STORAGE)
                        continue;
                n = layout_disks(node, &disks);
                for (int k = 0; k < n && !found; k++) {
                        _cleanup_free_ char *alias = NULL;

                        found = layout_vdev_alias(node, &disks[k], &alias) == 0 &&
                                names_alias(name, alias);
                }
                free(disks);
                if (found)
                        return node;
        }
        return NULL;
}
