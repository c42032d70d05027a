/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The cluster description (/etc/hasan/cluster.json, docs/cluster-description.md):
 * its in-memory model, loader, validator and printers.
 *
 * Loading never stops at the first problem. spec_parse() records every
 * structural problem (missing, unknown or mistyped keys, malformed values)
 * and builds as much of the model as it can; spec_validate() then checks the
 * cross-field rules on whatever parsed. Each problem carries the JSON path of
 * the offending item. Functions return 0 or -errno (-ENOMEM only, for the
 * parser); problems are data, not errors.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SPEC_FORMAT 1
#define SPEC_STORAGE_NODES 2
#define SPEC_QUORUM_NODES 1
#define SPEC_MAX_DATASET_DEPTH 3
#define SPEC_MIN_COROSYNC_TOKEN_MS 3000

enum node_role {
        NODE_ROLE_STORAGE,
        NODE_ROLE_QUORUM,
        _NODE_ROLE_MAX,
        _NODE_ROLE_INVALID = -EINVAL,
};

enum fence_method {
        FENCE_METHOD_IPMI,
        FENCE_METHOD_KASA,
        FENCE_METHOD_TASMOTA,
        FENCE_METHOD_ESPHOME,
        FENCE_METHOD_HTTP,
        _FENCE_METHOD_MAX,
        _FENCE_METHOD_INVALID = -EINVAL,
};

enum client_service {
        CLIENT_SERVICE_NFS,
        CLIENT_SERVICE_SMB,
        CLIENT_SERVICE_ISCSI,
        CLIENT_SERVICE_SSH,
        _CLIENT_SERVICE_MAX,
        _CLIENT_SERVICE_INVALID = -EINVAL,
};

enum iscsi_acl_mode {
        ISCSI_ACL_MODE_ACL,
        ISCSI_ACL_MODE_GENERATED,
        _ISCSI_ACL_MODE_MAX,
        _ISCSI_ACL_MODE_INVALID = -EINVAL,
};

enum iscsi_chap_mode {
        ISCSI_CHAP_PER_INITIATOR,
        ISCSI_CHAP_PER_VLAN,
        _ISCSI_CHAP_MAX,
        _ISCSI_CHAP_INVALID = -EINVAL,
};

enum disk_class {
        DISK_CLASS_DATA,
        DISK_CLASS_SLOG,
        DISK_CLASS_SPECIAL,
        _DISK_CLASS_MAX,
        _DISK_CLASS_INVALID = -EINVAL,
};

enum dataset_type {
        DATASET_FILESYSTEM,
        DATASET_VOLUME,
        _DATASET_TYPE_MAX,
        _DATASET_TYPE_INVALID = -EINVAL,
};

const char *node_role_to_string(enum node_role r);
const char *fence_method_to_string(enum fence_method m);
const char *client_service_to_string(enum client_service s);
const char *iscsi_acl_mode_to_string(enum iscsi_acl_mode m);
const char *iscsi_chap_mode_to_string(enum iscsi_chap_mode m);
const char *disk_class_to_string(enum disk_class c);
const char *dataset_type_to_string(enum dataset_type t);

/* An IPv4 address in host byte order; 'set' is false when absent or malformed. */
struct spec_ip {
        bool set;
        uint32_t addr;
};

struct spec_strv {
        char **items;
        size_t n;
};

struct spec_property {
        char *name;
        char *value;
};

struct spec_properties {
        struct spec_property *items;
        size_t n;
};

struct spec_initiator {
        char *iqn;
        char *credential;
        char *mutual_credential;
};

struct spec_client_iscsi {
        char *target_iqn;
        enum iscsi_acl_mode acl_mode;
        char *dataset;
        enum iscsi_chap_mode chap;
        bool mutual_chap;
        char *credential;
        char *mutual_credential;
        struct spec_initiator *initiators;
        size_t n_initiators;
};

struct spec_network {
        char *name; /* "storage", "management", or the client VLAN's name */
        char *path; /* its JSON path, for messages */
        bool is_client;
        unsigned id; /* 0 when absent or malformed */
        bool has_cidr;
        uint32_t cidr_addr;
        unsigned cidr_prefix;
        bool has_node_range;
        uint32_t range_first, range_last;
        struct spec_ip vip;
        unsigned mtu;
        unsigned services; /* bit (1u << enum client_service) */
        struct spec_client_iscsi *iscsi;
};

struct spec_address {
        char *network; /* name of a network */
        struct spec_ip ip;
};

struct spec_backend {
        char *target_iqn;
        char *initiator_iqn;
        char *credential;
        char *mutual_credential;
};

struct spec_fencing {
        enum fence_method method;
        struct spec_ip address;
        unsigned port; /* 0: the method's default */
        char *plug;
        char *username;
        char *credential;
};

struct spec_node {
        char *name;
        enum node_role role;
        bool has_hostid;
        uint32_t hostid;
        struct spec_address *addresses;
        size_t n_addresses;
        bool has_disks;
        struct spec_strv disks[_DISK_CLASS_MAX];
        struct spec_backend *backend;
        struct spec_fencing *fencing;
};

struct spec_dataset {
        char *name; /* relative to the pool */
        enum dataset_type type;
        char *size;
        struct spec_properties properties;
};

struct spec_pool {
        char *name;
        unsigned ashift;
        struct spec_properties properties;
        struct spec_properties root_properties;
        struct spec_dataset *datasets;
        size_t n_datasets;
};

struct spec_timing {
        char *profile;
        unsigned corosync_token_ms;
        unsigned iscsi_replacement_timeout_s;
        unsigned iscsi_noop_out_interval_s;
        unsigned iscsi_noop_out_timeout_s;
};

struct spec {
        unsigned format;
        char *cluster_name;
        struct spec_timing timing;
        /* networks[0] is storage, [1] management, then the client VLANs in order */
        struct spec_network *networks;
        size_t n_networks;
        unsigned backend_port;
        struct spec_node *nodes;
        size_t n_nodes;
        struct spec_pool pool;
};

struct spec_problem {
        char *path;
        char *message;
};

struct spec_problems {
        struct spec_problem *items;
        size_t n;
};

void spec_problems_clear(struct spec_problems *p);
void spec_problems_print(const struct spec_problems *p, FILE *f);

/*
 * Parse a description from memory. *ret is set to the (possibly partial)
 * model, or NULL when the text is not JSON at all; every problem found is
 * appended to *problems. Returns 0, or -ENOMEM.
 */
int spec_parse(const char *text, size_t size, struct spec **ret, struct spec_problems *problems);

/* Check the cross-field rules; appends to *problems. Returns 0, or -ENOMEM. */
int spec_validate(const struct spec *s, struct spec_problems *problems);

/*
 * Read, parse and validate a file. Returns -errno when the file cannot be
 * read (nothing is appended then), 0 otherwise; the description is valid
 * exactly when problems->n == 0.
 */
int spec_load_file(const char *path, struct spec **ret, struct spec_problems *problems);

struct spec *spec_free(struct spec *s);

/* Lookups on a model. */
const struct spec_network *spec_find_network(const struct spec *s, const char *name);
const struct spec_node *spec_find_node(const struct spec *s, const char *name);
const struct spec_address *spec_node_address(const struct spec_node *n, const char *network);

/* Printers (spec-show.c). spec_to_json returns a json_object (caller puts it). */
struct json_object;
int spec_to_json(const struct spec *s, struct json_object **ret);
void spec_print_summary(const struct spec *s, FILE *f);

/* Formatting helpers shared by the printers and messages. */
void format_ipv4(uint32_t addr, char buf[static 16]);
