/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Printing a (valid) description: the normalised JSON document, with every
 * default filled in and keys in the documented order, and a short summary.
 */
#include <json-c/json.h>
#include <string.h>

#include "lib/spec-internal.h"

/* Builders that turn allocation failure into one sticky error. */
struct builder {
        int error;
};

static json_object *add(struct builder *b, json_object *parent, const char *key, json_object *v)
{
        if (!v) {
                b->error = -ENOMEM;
                return NULL;
        }
        if (!parent)
                return v;
        int r = json_object_is_type(parent, json_type_array)
                    ? json_object_array_add(parent, v)
                    : json_object_object_add(parent, key, v);
        if (r < 0) {
                json_object_put(v);
                b->error = -ENOMEM;
                return NULL;
        }
        return v;
}

static void add_string(struct builder *b, json_object *o, const char *key, const char *s)
{
        if (s)
                add(b, o, key, json_object_new_string(s));
}

static void add_int(struct builder *b, json_object *o, const char *key, int64_t v)
{
        add(b, o, key, json_object_new_int64(v));
}

static void add_ip(struct builder *b, json_object *o, const char *key, struct spec_ip ip)
{
        char text[16];
        if (!ip.set)
                return;
        format_ipv4(ip.addr, text);
        add_string(b, o, key, text);
}

static void add_properties(struct builder *b, json_object *o, const char *key,
                           const struct spec_properties *props)
{
        json_object *p = add(b, o, key, json_object_new_object());
        for (size_t i = 0; p && i < props->n; i++)
                add_string(b, p, props->items[i].name, props->items[i].value);
}

static void add_network(struct builder *b, json_object *parent, const char *key,
                        const struct spec_network *n)
{
        json_object *o = add(b, parent, key, json_object_new_object());
        char text[40], first[16], last[16];

        if (!o)
                return;
        if (n->is_client)
                add_string(b, o, "name", n->name);
        add_int(b, o, "id", n->id);
        format_ipv4(n->cidr_addr, first);
        snprintf(text, sizeof(text), "%s/%u", first, n->cidr_prefix);
        add_string(b, o, "cidr", text);
        format_ipv4(n->range_first, first);
        format_ipv4(n->range_last, last);
        snprintf(text, sizeof(text), "%s-%s", first, last);
        add_string(b, o, "node_range", text);
        add_ip(b, o, "vip", n->vip);
        add_int(b, o, "mtu", n->mtu);
        if (!n->is_client)
                return;

        json_object *svcs = add(b, o, "services", json_object_new_array());
        for (int i = 0; svcs && i < _CLIENT_SERVICE_MAX; i++)
                if (n->services & (1u << i))
                        add(b, svcs, NULL, json_object_new_string(client_service_to_string(i)));

        const struct spec_client_iscsi *is = n->iscsi;
        if (!is)
                return;
        json_object *io = add(b, o, "iscsi", json_object_new_object());
        if (!io)
                return;
        add_string(b, io, "target_iqn", is->target_iqn);
        add_string(b, io, "acl_mode", iscsi_acl_mode_to_string(is->acl_mode));
        add_string(b, io, "dataset", is->dataset);
        add_string(b, io, "chap", iscsi_chap_mode_to_string(is->chap));
        add(b, io, "mutual_chap", json_object_new_boolean(is->mutual_chap));
        add_string(b, io, "credential", is->credential);
        add_string(b, io, "mutual_credential", is->mutual_credential);
        json_object *inis = add(b, io, "initiators", json_object_new_array());
        for (size_t i = 0; inis && i < is->n_initiators; i++) {
                json_object *ini = add(b, inis, NULL, json_object_new_object());
                if (!ini)
                        return;
                add_string(b, ini, "iqn", is->initiators[i].iqn);
                add_string(b, ini, "credential", is->initiators[i].credential);
                add_string(b, ini, "mutual_credential", is->initiators[i].mutual_credential);
        }
}

static void add_node(struct builder *b, json_object *nodes, const struct spec *s,
                     const struct spec_node *n)
{
        json_object *o = add(b, nodes, NULL, json_object_new_object());
        char hostid[9];

        if (!o)
                return;
        add_string(b, o, "name", n->name);
        add_string(b, o, "role", node_role_to_string(n->role));
        if (n->has_hostid) {
                snprintf(hostid, sizeof(hostid), "%08x", n->hostid);
                add_string(b, o, "hostid", hostid);
        }

        /* Addresses in network order, so equal descriptions print equally. */
        json_object *addrs = add(b, o, "addresses", json_object_new_object());
        for (size_t i = 0; addrs && i < s->n_networks; i++) {
                const struct spec_address *a = spec_node_address(n, s->networks[i].name);
                if (a)
                        add_ip(b, addrs, a->network, a->ip);
        }

        if (n->role == NODE_ROLE_STORAGE) {
                json_object *disks = add(b, o, "disks", json_object_new_object());
                for (int c = 0; disks && c < _DISK_CLASS_MAX; c++) {
                        json_object *arr =
                            add(b, disks, disk_class_to_string(c), json_object_new_array());
                        for (size_t i = 0; arr && i < n->disks[c].n; i++)
                                add(b, arr, NULL, json_object_new_string(n->disks[c].items[i]));
                }
        }
        if (n->backend) {
                json_object *bo = add(b, o, "backend", json_object_new_object());
                if (bo) {
                        add_string(b, bo, "target_iqn", n->backend->target_iqn);
                        add_string(b, bo, "initiator_iqn", n->backend->initiator_iqn);
                        add_string(b, bo, "credential", n->backend->credential);
                        add_string(b, bo, "mutual_credential", n->backend->mutual_credential);
                }
        }
        if (n->fencing) {
                const struct spec_fencing *f = n->fencing;
                json_object *fo = add(b, o, "fencing", json_object_new_object());
                if (fo) {
                        add_string(b, fo, "method", fence_method_to_string(f->method));
                        add_ip(b, fo, "address", f->address);
                        if (f->port)
                                add_int(b, fo, "port", f->port);
                        add_string(b, fo, "plug", f->plug);
                        add_string(b, fo, "username", f->username);
                        add_string(b, fo, "credential", f->credential);
                }
        }
}

static void add_pool(struct builder *b, json_object *root, const struct spec_pool *pool)
{
        json_object *o = add(b, root, "pool", json_object_new_object());
        if (!o)
                return;
        add_string(b, o, "name", pool->name);
        add_int(b, o, "ashift", pool->ashift);
        add_properties(b, o, "properties", &pool->properties);
        add_properties(b, o, "root_properties", &pool->root_properties);
        json_object *ds = add(b, o, "datasets", json_object_new_array());
        for (size_t i = 0; ds && i < pool->n_datasets; i++) {
                const struct spec_dataset *d = &pool->datasets[i];
                json_object *dobj = add(b, ds, NULL, json_object_new_object());
                if (!dobj)
                        return;
                add_string(b, dobj, "name", d->name);
                add_string(b, dobj, "type", dataset_type_to_string(d->type));
                add_string(b, dobj, "size", d->size);
                add_properties(b, dobj, "properties", &d->properties);
        }
}

int spec_to_json(const struct spec *s, json_object **ret)
{
        struct builder b = {0};
        json_object *root = json_object_new_object();

        if (!root)
                return -ENOMEM;
        add_int(&b, root, "format", s->format);
        add_string(&b, root, "cluster_name", s->cluster_name);

        json_object *t = add(&b, root, "timing", json_object_new_object());
        if (t) {
                add_string(&b, t, "profile", s->timing.profile);
                add_int(&b, t, "corosync_token_ms", s->timing.corosync_token_ms);
                add_int(&b, t, "iscsi_replacement_timeout_s",
                        s->timing.iscsi_replacement_timeout_s);
                add_int(&b, t, "iscsi_noop_out_interval_s", s->timing.iscsi_noop_out_interval_s);
                add_int(&b, t, "iscsi_noop_out_timeout_s", s->timing.iscsi_noop_out_timeout_s);
        }

        json_object *v = add(&b, root, "vlans", json_object_new_object());
        if (v && s->n_networks >= 2) {
                add_network(&b, v, "storage", &s->networks[0]);
                add_network(&b, v, "management", &s->networks[1]);
                json_object *client = add(&b, v, "client", json_object_new_array());
                for (size_t i = 2; client && i < s->n_networks; i++)
                        add_network(&b, client, NULL, &s->networks[i]);
        }

        json_object *bi = add(&b, root, "backend_iscsi", json_object_new_object());
        if (bi)
                add_int(&b, bi, "port", s->backend_port);

        json_object *nodes = add(&b, root, "nodes", json_object_new_array());
        for (size_t i = 0; nodes && i < s->n_nodes; i++)
                add_node(&b, nodes, s, &s->nodes[i]);

        add_pool(&b, root, &s->pool);

        if (b.error < 0) {
                json_object_put(root);
                return b.error;
        }
        *ret = root;
        return 0;
}

void spec_print_summary(const struct spec *s, FILE *f)
{
        char a[16], m[16];

        fprintf(f,
                "cluster '%s', timing profile '%s' (corosync token %u ms, iSCSI replacement %u s, "
                "noop-out %u/%u s)\n",
                s->cluster_name, s->timing.profile, s->timing.corosync_token_ms,
                s->timing.iscsi_replacement_timeout_s, s->timing.iscsi_noop_out_interval_s,
                s->timing.iscsi_noop_out_timeout_s);

        fprintf(f, "\nnodes:\n");
        for (size_t i = 0; i < s->n_nodes; i++) {
                const struct spec_node *n = &s->nodes[i];
                const struct spec_address *mgmt = spec_node_address(n, "management");
                format_ipv4(mgmt ? mgmt->ip.addr : 0, m);
                fprintf(f, "  %-12s %-8s management %-15s", n->name, node_role_to_string(n->role),
                        m);
                if (n->has_hostid)
                        fprintf(f, " hostid %08x", n->hostid);
                if (n->role == NODE_ROLE_STORAGE)
                        fprintf(f, "  disks %zu data, %zu slog, %zu special",
                                n->disks[DISK_CLASS_DATA].n, n->disks[DISK_CLASS_SLOG].n,
                                n->disks[DISK_CLASS_SPECIAL].n);
                if (n->fencing) {
                        format_ipv4(n->fencing->address.addr, a);
                        fprintf(f, "  fencing %s at %s", fence_method_to_string(n->fencing->method),
                                a);
                }
                fputc('\n', f);
        }

        fprintf(f, "\nVLANs:\n");
        for (size_t i = 0; i < s->n_networks; i++) {
                const struct spec_network *n = &s->networks[i];
                format_ipv4(n->cidr_addr, a);
                fprintf(f, "  %-12s id %-4u %s/%-3u mtu %-5u", n->name, n->id, a, n->cidr_prefix,
                        n->mtu);
                if (n->vip.set) {
                        format_ipv4(n->vip.addr, m);
                        fprintf(f, " VIP %s", m);
                }
                if (n->is_client) {
                        fprintf(f, "  services");
                        for (int k = 0; k < _CLIENT_SERVICE_MAX; k++)
                                if (n->services & (1u << k))
                                        fprintf(f, " %s", client_service_to_string(k));
                }
                if (n->iscsi)
                        fprintf(f, "  (iSCSI %s, %s mode, CHAP %s%s)", n->iscsi->target_iqn,
                                iscsi_acl_mode_to_string(n->iscsi->acl_mode),
                                iscsi_chap_mode_to_string(n->iscsi->chap),
                                n->iscsi->mutual_chap ? " + mutual" : "");
                fputc('\n', f);
        }

        size_t data = 0, slog = 0, special = 0;
        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].role == NODE_ROLE_STORAGE) {
                        data = s->nodes[i].disks[DISK_CLASS_DATA].n;
                        slog = s->nodes[i].disks[DISK_CLASS_SLOG].n;
                        special = s->nodes[i].disks[DISK_CLASS_SPECIAL].n;
                }
        fprintf(f,
                "\npool '%s': ashift %u, %zu data mirrors, %zu log mirrors, %zu special mirrors, "
                "%zu datasets, multihost on\n",
                s->pool.name, s->pool.ashift, data, slog, special, s->pool.n_datasets);
}
