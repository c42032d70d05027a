/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading the cluster description: JSON text to model, recording every
 * structural problem with its JSON path. Cross-field rules live in
 * spec-validate.c.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/spec-internal.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/parse.h"

static const char *const node_role_table[_NODE_ROLE_MAX] = {
    [NODE_ROLE_STORAGE] = "storage",
    [NODE_ROLE_QUORUM] = "quorum",
};

static const char *const fence_method_table[_FENCE_METHOD_MAX] = {
    [FENCE_METHOD_IPMI] = "ipmi",       [FENCE_METHOD_KASA] = "kasa",
    [FENCE_METHOD_TASMOTA] = "tasmota", [FENCE_METHOD_ESPHOME] = "esphome",
    [FENCE_METHOD_HTTP] = "http",
};

static const char *const client_service_table[_CLIENT_SERVICE_MAX] = {
    [CLIENT_SERVICE_NFS] = "nfs",
    [CLIENT_SERVICE_SMB] = "smb",
    [CLIENT_SERVICE_ISCSI] = "iscsi",
    [CLIENT_SERVICE_SSH] = "ssh",
};

static const char *const iscsi_acl_mode_table[_ISCSI_ACL_MODE_MAX] = {
    [ISCSI_ACL_MODE_ACL] = "acl",
    [ISCSI_ACL_MODE_GENERATED] = "generated",
};

static const char *const iscsi_chap_mode_table[_ISCSI_CHAP_MAX] = {
    [ISCSI_CHAP_PER_INITIATOR] = "per-initiator",
    [ISCSI_CHAP_PER_VLAN] = "per-vlan",
};

static const char *const disk_class_table[_DISK_CLASS_MAX] = {
    [DISK_CLASS_DATA] = "data",
    [DISK_CLASS_SLOG] = "slog",
    [DISK_CLASS_SPECIAL] = "special",
};

static const char *const dataset_type_table[_DATASET_TYPE_MAX] = {
    [DATASET_FILESYSTEM] = "filesystem",
    [DATASET_VOLUME] = "volume",
};

#define DEFINE_STRING_TABLE(name, type, table)                                                     \
        const char *name##_to_string(type v)                                                       \
        {                                                                                          \
                return (int)v >= 0 && (size_t)v < ELEMENTSOF(table) ? table[v] : NULL;             \
        }

DEFINE_STRING_TABLE(node_role, enum node_role, node_role_table)
DEFINE_STRING_TABLE(fence_method, enum fence_method, fence_method_table)
DEFINE_STRING_TABLE(client_service, enum client_service, client_service_table)
DEFINE_STRING_TABLE(iscsi_acl_mode, enum iscsi_acl_mode, iscsi_acl_mode_table)
DEFINE_STRING_TABLE(iscsi_chap_mode, enum iscsi_chap_mode, iscsi_chap_mode_table)
DEFINE_STRING_TABLE(disk_class, enum disk_class, disk_class_table)
DEFINE_STRING_TABLE(dataset_type, enum dataset_type, dataset_type_table)

/* ---- problems ------------------------------------------------------------------------------ */

void spec_problems_clear(struct spec_problems *p)
{
        for (size_t i = 0; i < p->n; i++) {
                free(p->items[i].path);
                free(p->items[i].message);
        }
        free(p->items);
        p->items = NULL;
        p->n = 0;
}

void spec_problems_print(const struct spec_problems *p, FILE *f)
{
        for (size_t i = 0; i < p->n; i++)
                fprintf(f, "%s: %s\n", p->items[i].path, p->items[i].message);
}

int problem_add(struct spec_problems *p, const char *path, const char *fmt, ...)
{
        struct spec_problem *items = realloc(p->items, (p->n + 1) * sizeof(*items));
        char *msg = NULL, *path_copy;
        va_list ap;
        int k;

        if (!items)
                return -ENOMEM;
        p->items = items;

        va_start(ap, fmt);
        k = vasprintf(&msg, fmt, ap);
        va_end(ap);
        path_copy = strdup(path);
        if (k < 0 || !path_copy) {
                free(path_copy);
                if (k >= 0)
                        free(msg);
                return -ENOMEM;
        }
        p->items[p->n].path = path_copy;
        p->items[p->n].message = msg;
        p->n++;
        return 0;
}

/* ---- paths --------------------------------------------------------------------------------- */

static bool is_identifier(const char *s)
{
        if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
                return false;
        for (; *s; s++)
                if (!(isalnum((unsigned char)*s) || *s == '_'))
                        return false;
        return true;
}

void path_key(char *buf, size_t size, const char *parent, const char *key)
{
        if (is_identifier(key)) {
                snprintf(buf, size, "%s.%s", parent, key);
                return;
        }

        /* Keep messages printable whatever the key holds. */
        char clean[80];
        size_t j = 0;
        for (const char *p = key; *p && j + 1 < sizeof(clean); p++)
                clean[j++] = (isprint((unsigned char)*p) && *p != '"' && *p != '\\') ? *p : '?';
        clean[j] = '\0';
        snprintf(buf, size, "%s[\"%s\"]", parent, clean);
}

void path_index(char *buf, size_t size, const char *parent, size_t i)
{
        snprintf(buf, size, "%s[%zu]", parent, i);
}

/* ---- value parsers ------------------------------------------------------------------------- */

int parse_ipv4(const char *s, uint32_t *ret)
{
        struct in_addr a;

        if (inet_pton(AF_INET, s, &a) != 1)
                return -EINVAL;
        *ret = ntohl(a.s_addr);
        return 0;
}

void format_ipv4(uint32_t addr, char buf[static 16])
{
        struct in_addr a = {.s_addr = htonl(addr)};
        inet_ntop(AF_INET, &a, buf, 16);
}

uint32_t prefix_mask(unsigned prefix)
{
        return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

/* ---- the loader ---------------------------------------------------------------------------- */

struct loader {
        struct spec_problems *problems;
        int error; /* sticky -ENOMEM */
};

_printf_(3, 4) static void report(struct loader *l, const char *path, const char *fmt, ...)
{
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        int k = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (k < 0 || problem_add(l->problems, path, "%s", msg) < 0)
                l->error = -ENOMEM;
}

static char *dup_or_fail(struct loader *l, const char *s)
{
        char *d = strdup(s);
        if (!d)
                l->error = -ENOMEM;
        return d;
}

static const char *json_type_noun(json_type t)
{
        switch (t) {
        case json_type_null:
                return "null";
        case json_type_boolean:
                return "a boolean";
        case json_type_double:
                return "a number";
        case json_type_int:
                return "an integer";
        case json_type_object:
                return "an object";
        case json_type_array:
                return "an array";
        case json_type_string:
                return "a string";
        }
        return "a value";
}

/* Report every key of o not in allowed[]. Returns false when o is not an object. */
static bool check_object(struct loader *l, json_object *o, const char *path,
                         const char *const *allowed, size_t n_allowed)
{
        if (!json_object_is_type(o, json_type_object)) {
                report(l, path, "must be an object, not %s",
                       json_type_noun(json_object_get_type(o)));
                return false;
        }

        json_object_object_foreach(o, key, val)
        {
                (void)val;
                bool known = false;
                for (size_t i = 0; i < n_allowed && !known; i++)
                        known = strcmp(key, allowed[i]) == 0;
                if (!known) {
                        char p[512];
                        path_key(p, sizeof(p), path, key);
                        report(l, p, "unknown key");
                }
        }
        return true;
}

#define CHECK_OBJECT(l, o, path, ...)                                                              \
        ({                                                                                         \
                static const char *const _allowed[] = {__VA_ARGS__};                               \
                check_object(l, o, path, _allowed, ELEMENTSOF(_allowed));                          \
        })

/*
 * Fetch o[key] if it has the wanted type. Absent: NULL, reported when
 * required. Wrong type: NULL, reported. json_type_int also demands an
 * integral value.
 */
static json_object *get_field(struct loader *l, json_object *o, const char *path, const char *key,
                              json_type type, bool required)
{
        json_object *v;
        char p[512];

        if (!json_object_is_type(o, json_type_object))
                return NULL;
        if (!json_object_object_get_ex(o, key, &v)) {
                if (required) {
                        path_key(p, sizeof(p), path, key);
                        report(l, p, "required key is missing");
                }
                return NULL;
        }
        if (!json_object_is_type(v, type)) {
                path_key(p, sizeof(p), path, key);
                report(l, p, "must be %s, not %s", json_type_noun(type),
                       json_type_noun(json_object_get_type(v)));
                return NULL;
        }
        return v;
}

static const char *get_string(struct loader *l, json_object *o, const char *path, const char *key,
                              bool required)
{
        json_object *v = get_field(l, o, path, key, json_type_string, required);
        if (!v)
                return NULL;
        const char *s = json_object_get_string(v);
        if (strlen(s) != (size_t)json_object_get_string_len(v)) {
                char p[512];
                path_key(p, sizeof(p), path, key);
                report(l, p, "must not contain NUL characters");
                return NULL;
        }
        if (!*s) {
                char p[512];
                path_key(p, sizeof(p), path, key);
                report(l, p, "must not be empty");
                return NULL;
        }
        return s;
}

static char *get_string_dup(struct loader *l, json_object *o, const char *path, const char *key,
                            bool required)
{
        const char *s = get_string(l, o, path, key, required);
        return s ? dup_or_fail(l, s) : NULL;
}

/* Integer in [min, max]; *ret untouched unless valid. Returns true when set. */
static bool get_uint(struct loader *l, json_object *o, const char *path, const char *key,
                     bool required, int64_t min, int64_t max, unsigned *ret)
{
        json_object *v = get_field(l, o, path, key, json_type_int, required);
        if (!v)
                return false;
        int64_t x = json_object_get_int64(v);
        if (x < min || x > max) {
                char p[512];
                path_key(p, sizeof(p), path, key);
                report(l, p, "%" PRId64 " is out of range (%" PRId64 " to %" PRId64 ")", x, min,
                       max);
                return false;
        }
        *ret = (unsigned)x;
        return true;
}

static int lookup(const char *const *table, size_t n, const char *s)
{
        for (size_t i = 0; i < n; i++)
                if (table[i] && strcmp(table[i], s) == 0)
                        return (int)i;
        return -EINVAL;
}

/* "expected a, b or c" */
static void expected_list(const char *const *table, size_t n, char *buf, size_t size)
{
        size_t off = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < n && off < size; i++)
                off += (size_t)snprintf(buf + off, size - off, "%s%s",
                                        i == 0       ? ""
                                        : i + 1 == n ? " or "
                                                     : ", ",
                                        table[i]);
}

static int get_enum(struct loader *l, json_object *o, const char *path, const char *key,
                    bool required, const char *const *table, size_t n, int dflt)
{
        const char *s = get_string(l, o, path, key, required);
        if (!s)
                return dflt;
        int v = lookup(table, n, s);
        if (v < 0) {
                char p[512], exp[256];
                path_key(p, sizeof(p), path, key);
                expected_list(table, n, exp, sizeof(exp));
                report(l, p, "unknown value '%s' (expected %s)", s, exp);
        }
        return v;
}

static bool get_bool(struct loader *l, json_object *o, const char *path, const char *key, bool dflt)
{
        json_object *v = get_field(l, o, path, key, json_type_boolean, false);
        return v ? json_object_get_boolean(v) : dflt;
}

static struct spec_ip get_ipv4(struct loader *l, json_object *o, const char *path, const char *key,
                               bool required)
{
        struct spec_ip ip = {0};
        const char *s = get_string(l, o, path, key, required);
        if (!s)
                return ip;
        if (parse_ipv4(s, &ip.addr) < 0) {
                char p[512];
                path_key(p, sizeof(p), path, key);
                report(l, p, "'%s' is not an IPv4 address", s);
                return ip;
        }
        ip.set = true;
        return ip;
}

/* ---- syntax checks ------------------------------------------------------------------------- */

static bool chars_in(const char *s, const char *extra, bool upper_ok)
{
        for (; *s; s++) {
                unsigned char c = (unsigned char)*s;
                if (islower(c) || isdigit(c) || (upper_ok && isupper(c)) || strchr(extra, c))
                        continue;
                return false;
        }
        return true;
}

/* a-z 0-9 '-', starting with a letter, 1..max characters */
bool valid_short_name(const char *s, size_t max)
{
        size_t n = strlen(s);
        return n >= 1 && n <= max && islower((unsigned char)s[0]) && chars_in(s, "-", false) &&
               s[n - 1] != '-';
}

bool valid_credential_name(const char *s)
{
        size_t n = strlen(s);
        return n >= 1 && n <= 64 && chars_in(s, "._-", true);
}

/* iqn.YYYY-MM.reversed.domain[:identifier], RFC 3720 3.2.6.3.1, lower case. */
bool valid_iqn(const char *s)
{
        size_t n = strlen(s);
        if (n > 223 || !string_has_prefix(s, "iqn."))
                return false;
        s += 4;
        for (int i = 0; i < 4; i++)
                if (!isdigit((unsigned char)s[i]))
                        return false;
        if (s[4] != '-' || !isdigit((unsigned char)s[5]) || !isdigit((unsigned char)s[6]))
                return false;
        int month = (s[5] - '0') * 10 + (s[6] - '0');
        if (month < 1 || month > 12 || s[7] != '.')
                return false;
        s += 8;
        const char *colon = strchr(s, ':');
        size_t domain_len = colon ? (size_t)(colon - s) : strlen(s);
        if (domain_len == 0 || s[0] == '.' || s[domain_len - 1] == '.')
                return false;
        for (size_t i = 0; i < domain_len; i++) {
                unsigned char c = (unsigned char)s[i];
                if (!(islower(c) || isdigit(c) || c == '.' || c == '-'))
                        return false;
        }
        if (colon)
                return colon[1] != '\0' && chars_in(colon + 1, ".-:", false);
        return true;
}

static bool valid_zfs_component(const char *s, size_t len)
{
        if (len == 0)
                return false;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];
                if (!(isalnum(c) || strchr("_-.:", c)))
                        return false;
        }
        return !(len == 1 && s[0] == '.') && !(len == 2 && s[0] == '.' && s[1] == '.');
}

bool valid_pool_name(const char *s)
{
        static const char *const reserved[] = {"mirror", "raidz", "draid", "spare", "log"};
        if (!isalpha((unsigned char)s[0]) || strlen(s) > 200)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(reserved); i++)
                if (string_has_prefix(s, reserved[i]))
                        return false;
        return valid_zfs_component(s, strlen(s));
}

/* Relative dataset path: components joined by '/'. */
bool valid_dataset_name(const char *s)
{
        if (strlen(s) > 200)
                return false;
        for (;;) {
                const char *slash = strchr(s, '/');
                size_t len = slash ? (size_t)(slash - s) : strlen(s);
                if (!valid_zfs_component(s, len))
                        return false;
                if (!slash)
                        return true;
                s = slash + 1;
        }
}

static bool valid_property_name(const char *s)
{
        return strlen(s) <= 256 && islower((unsigned char)s[0]) && chars_in(s, "_:.", false);
}

/* ---- sections ------------------------------------------------------------------------------ */

static void parse_timing(struct loader *l, json_object *o, struct spec_timing *t)
{
        static const char path[] = "$.timing";

        if (!o ||
            !CHECK_OBJECT(l, o, path, "profile", "corosync_token_ms", "iscsi_replacement_timeout_s",
                          "iscsi_noop_out_interval_s", "iscsi_noop_out_timeout_s"))
                return;
        t->profile = get_string_dup(l, o, path, "profile", true);
        get_uint(l, o, path, "corosync_token_ms", false, 1, 600000, &t->corosync_token_ms);
        get_uint(l, o, path, "iscsi_replacement_timeout_s", false, 1, 120,
                 &t->iscsi_replacement_timeout_s);
        get_uint(l, o, path, "iscsi_noop_out_interval_s", false, 1, 120,
                 &t->iscsi_noop_out_interval_s);
        get_uint(l, o, path, "iscsi_noop_out_timeout_s", false, 1, 120,
                 &t->iscsi_noop_out_timeout_s);
        if (!t->profile)
                return;

        /* A named profile fixes its values; "custom" must spell out all of them. */
        const struct timing_profile *preset = timing_profile_find(t->profile);
        if (!preset && strcmp(t->profile, "custom") != 0) {
                report(l, "$.timing.profile",
                       "unknown profile '%s' (expected aggressive-safe or custom)", t->profile);
                return;
        }
        const struct {
                const char *key;
                unsigned *value;
                unsigned preset;
        } values[] = {
            {"corosync_token_ms", &t->corosync_token_ms, preset ? preset->corosync_token_ms : 0},
            {"iscsi_replacement_timeout_s", &t->iscsi_replacement_timeout_s,
             preset ? preset->iscsi_replacement_timeout_s : 0},
            {"iscsi_noop_out_interval_s", &t->iscsi_noop_out_interval_s,
             preset ? preset->iscsi_noop_out_interval_s : 0},
            {"iscsi_noop_out_timeout_s", &t->iscsi_noop_out_timeout_s,
             preset ? preset->iscsi_noop_out_timeout_s : 0},
        };
        for (size_t i = 0; i < ELEMENTSOF(values); i++) {
                char p[512];
                path_key(p, sizeof(p), path, values[i].key);
                if (!preset) {
                        if (*values[i].value == 0 &&
                            !json_object_object_get_ex(o, values[i].key, NULL))
                                report(
                                    l, p,
                                    "required key is missing (profile 'custom' sets every value)");
                } else if (*values[i].value == 0)
                        *values[i].value = values[i].preset;
                else if (*values[i].value != values[i].preset)
                        report(
                            l, p,
                            "%u differs from profile '%s' (%u); use profile 'custom' to change it",
                            *values[i].value, preset->name, values[i].preset);
        }
}

static const struct timing_profile timing_profiles[] = {
    /* The specification's values: detection ~4 s, failover ~10-12 s unplanned. */
    {"aggressive-safe", 4000, 5, 2, 2},
};

const struct timing_profile *timing_profile_find(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(timing_profiles); i++)
                if (strcmp(timing_profiles[i].name, name) == 0)
                        return &timing_profiles[i];
        return NULL;
}

static void parse_cidr(struct loader *l, json_object *o, const char *path, struct spec_network *n)
{
        const char *s = get_string(l, o, path, "cidr", true);
        char p[512], addr[32];
        uint32_t a, prefix;

        if (!s)
                return;
        path_key(p, sizeof(p), path, "cidr");
        const char *slash = strchr(s, '/');
        if (!slash || (size_t)(slash - s) >= sizeof(addr)) {
                report(l, p, "'%s' is not a CIDR (A.B.C.D/N)", s);
                return;
        }
        memcpy(addr, s, (size_t)(slash - s));
        addr[slash - s] = '\0';
        if (parse_ipv4(addr, &a) < 0 || safe_atou32(slash + 1, &prefix) < 0) {
                report(l, p, "'%s' is not a CIDR (A.B.C.D/N)", s);
                return;
        }
        if (prefix < 8 || prefix > 30) {
                report(l, p, "prefix length /%u is out of range (/8 to /30)", prefix);
                return;
        }
        if ((a & ~prefix_mask(prefix)) != 0) {
                char net[16];
                format_ipv4(a & prefix_mask(prefix), net);
                report(l, p, "'%s' has host bits set (did you mean %s/%u?)", s, net, prefix);
                return;
        }
        n->has_cidr = true;
        n->cidr_addr = a;
        n->cidr_prefix = prefix;
}

static void parse_node_range(struct loader *l, json_object *o, const char *path,
                             struct spec_network *n)
{
        const char *s = get_string(l, o, path, "node_range", true);
        char p[512], first[32];
        uint32_t a, b;

        if (!s)
                return;
        path_key(p, sizeof(p), path, "node_range");
        const char *dash = strchr(s, '-');
        if (!dash || (size_t)(dash - s) >= sizeof(first)) {
                report(l, p, "'%s' is not an address range (FIRST-LAST)", s);
                return;
        }
        memcpy(first, s, (size_t)(dash - s));
        first[dash - s] = '\0';
        if (parse_ipv4(first, &a) < 0 || parse_ipv4(dash + 1, &b) < 0) {
                report(l, p, "'%s' is not an address range (FIRST-LAST)", s);
                return;
        }
        if (a > b) {
                report(l, p, "range '%s' ends before it starts", s);
                return;
        }
        n->has_node_range = true;
        n->range_first = a;
        n->range_last = b;
}

static void parse_credential_ref(struct loader *l, json_object *o, const char *path,
                                 const char *key, bool required, char **ret)
{
        const char *s = get_string(l, o, path, key, required);
        if (!s)
                return;
        if (!valid_credential_name(s)) {
                char p[512];
                path_key(p, sizeof(p), path, key);
                report(l, p, "'%s' is not a credential name (1 to 64 of A-Z a-z 0-9 . _ -)", s);
                return;
        }
        *ret = dup_or_fail(l, s);
}

static char *get_iqn(struct loader *l, json_object *o, const char *path, const char *key,
                     bool required)
{
        const char *s = get_string(l, o, path, key, required);
        if (!s)
                return NULL;
        if (!valid_iqn(s)) {
                char p[512];
                path_key(p, sizeof(p), path, key);
                report(l, p,
                       "'%s' is not an iSCSI qualified name (iqn.YYYY-MM.domain[:id], lower case)",
                       s);
                return NULL;
        }
        return dup_or_fail(l, s);
}

static void parse_initiator(struct loader *l, json_object *o, const char *path,
                            struct spec_initiator *ini)
{
        if (!CHECK_OBJECT(l, o, path, "iqn", "credential", "mutual_credential"))
                return;
        ini->iqn = get_iqn(l, o, path, "iqn", true);
        parse_credential_ref(l, o, path, "credential", false, &ini->credential);
        parse_credential_ref(l, o, path, "mutual_credential", false, &ini->mutual_credential);
}

static struct spec_client_iscsi *parse_client_iscsi(struct loader *l, json_object *o,
                                                    const char *path)
{
        if (!CHECK_OBJECT(l, o, path, "target_iqn", "acl_mode", "dataset", "chap", "mutual_chap",
                          "credential", "mutual_credential", "initiators"))
                return NULL;

        struct spec_client_iscsi *c = calloc(1, sizeof(*c));
        if (!c) {
                l->error = -ENOMEM;
                return NULL;
        }
        c->target_iqn = get_iqn(l, o, path, "target_iqn", true);
        c->acl_mode = get_enum(l, o, path, "acl_mode", true, iscsi_acl_mode_table,
                               ELEMENTSOF(iscsi_acl_mode_table), _ISCSI_ACL_MODE_INVALID);
        c->dataset = get_string_dup(l, o, path, "dataset", true);
        if (c->dataset && !valid_dataset_name(c->dataset)) {
                char p[512];
                path_key(p, sizeof(p), path, "dataset");
                report(l, p, "'%s' is not a dataset name relative to the pool", c->dataset);
        }
        c->chap = get_enum(l, o, path, "chap", true, iscsi_chap_mode_table,
                           ELEMENTSOF(iscsi_chap_mode_table), _ISCSI_CHAP_INVALID);
        c->mutual_chap = get_bool(l, o, path, "mutual_chap", true);
        parse_credential_ref(l, o, path, "credential", false, &c->credential);
        parse_credential_ref(l, o, path, "mutual_credential", false, &c->mutual_credential);

        json_object *a = get_field(l, o, path, "initiators", json_type_array, false);
        if (a) {
                char ap[512];
                path_key(ap, sizeof(ap), path, "initiators");
                size_t n = json_object_array_length(a);
                c->initiators = calloc(n ? n : 1, sizeof(*c->initiators));
                if (!c->initiators) {
                        l->error = -ENOMEM;
                        return c;
                }
                c->n_initiators = n;
                for (size_t i = 0; i < n; i++) {
                        char ip[512];
                        path_index(ip, sizeof(ip), ap, i);
                        parse_initiator(l, json_object_array_get_idx(a, i), ip, &c->initiators[i]);
                }
        }
        return c;
}

static void parse_services(struct loader *l, json_object *o, const char *path,
                           struct spec_network *n)
{
        json_object *a = get_field(l, o, path, "services", json_type_array, true);
        char sp[512];

        if (!a)
                return;
        path_key(sp, sizeof(sp), path, "services");
        if (json_object_array_length(a) == 0) {
                report(l, sp, "must name at least one service");
                return;
        }
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                json_object *v = json_object_array_get_idx(a, i);
                char p[512], exp[128];
                path_index(p, sizeof(p), sp, i);
                if (!json_object_is_type(v, json_type_string)) {
                        report(l, p, "must be a string, not %s",
                               json_type_noun(json_object_get_type(v)));
                        continue;
                }
                const char *s = json_object_get_string(v);
                int svc = lookup(client_service_table, ELEMENTSOF(client_service_table), s);
                if (svc < 0) {
                        expected_list(client_service_table, ELEMENTSOF(client_service_table), exp,
                                      sizeof(exp));
                        report(l, p, "unknown service '%s' (expected %s)", s, exp);
                        continue;
                }
                if (n->services & (1u << svc)) {
                        report(l, p, "service '%s' is listed twice", s);
                        continue;
                }
                n->services |= 1u << svc;
        }
}

enum network_kind { NETWORK_STORAGE, NETWORK_MANAGEMENT, NETWORK_CLIENT };

static void parse_network(struct loader *l, json_object *o, const char *path,
                          enum network_kind kind, struct spec_network *n)
{
        bool ok;

        n->path = dup_or_fail(l, path);
        n->mtu = 1500;
        switch (kind) {
        case NETWORK_STORAGE:
                n->name = dup_or_fail(l, "storage");
                ok = CHECK_OBJECT(l, o, path, "id", "cidr", "node_range", "mtu");
                break;
        case NETWORK_MANAGEMENT:
                n->name = dup_or_fail(l, "management");
                ok = CHECK_OBJECT(l, o, path, "id", "cidr", "node_range", "vip", "mtu");
                break;
        default:
                n->is_client = true;
                ok = CHECK_OBJECT(l, o, path, "name", "id", "cidr", "node_range", "vip", "mtu",
                                  "services", "iscsi");
                break;
        }
        if (!ok)
                return;

        if (kind == NETWORK_CLIENT) {
                const char *name = get_string(l, o, path, "name", true);
                char p[512];
                path_key(p, sizeof(p), path, "name");
                if (name && !valid_short_name(name, 15))
                        report(l, p,
                               "'%s' is not a VLAN name (1 to 15 of a-z 0-9 -, starting with a "
                               "letter)",
                               name);
                else if (name && (strcmp(name, "storage") == 0 || strcmp(name, "management") == 0))
                        report(l, p, "'%s' is reserved for the %s VLAN", name, name);
                else if (name)
                        n->name = dup_or_fail(l, name);
        }
        get_uint(l, o, path, "id", true, 1, 4094, &n->id);
        parse_cidr(l, o, path, n);
        parse_node_range(l, o, path, n);
        if (kind != NETWORK_STORAGE)
                n->vip = get_ipv4(l, o, path, "vip", kind == NETWORK_CLIENT);
        get_uint(l, o, path, "mtu", false, 576, 9216, &n->mtu);

        if (kind == NETWORK_CLIENT) {
                parse_services(l, o, path, n);
                json_object *iscsi = get_field(l, o, path, "iscsi", json_type_object, false);
                if (iscsi) {
                        char p[512];
                        path_key(p, sizeof(p), path, "iscsi");
                        n->iscsi = parse_client_iscsi(l, iscsi, p);
                }
        }
}

static void parse_vlans(struct loader *l, json_object *o, struct spec *s)
{
        static const char path[] = "$.vlans";
        json_object *v;

        if (!o || !CHECK_OBJECT(l, o, path, "storage", "management", "client"))
                return;

        json_object *client = get_field(l, o, path, "client", json_type_array, true);
        size_t n_client = client ? json_object_array_length(client) : 0;

        s->networks = calloc(2 + n_client, sizeof(*s->networks));
        if (!s->networks) {
                l->error = -ENOMEM;
                return;
        }
        s->n_networks = 2 + n_client;

        if ((v = get_field(l, o, path, "storage", json_type_object, true)))
                parse_network(l, v, "$.vlans.storage", NETWORK_STORAGE, &s->networks[0]);
        else
                s->networks[0].name = dup_or_fail(l, "storage");
        if ((v = get_field(l, o, path, "management", json_type_object, true)))
                parse_network(l, v, "$.vlans.management", NETWORK_MANAGEMENT, &s->networks[1]);
        else
                s->networks[1].name = dup_or_fail(l, "management");

        if (client && n_client == 0)
                report(l, "$.vlans.client", "must list at least one client VLAN");
        for (size_t i = 0; i < n_client; i++) {
                char p[512];
                path_index(p, sizeof(p), "$.vlans.client", i);
                parse_network(l, json_object_array_get_idx(client, i), p, NETWORK_CLIENT,
                              &s->networks[2 + i]);
        }
}

static void parse_disks(struct loader *l, json_object *o, const char *path, struct spec_node *n)
{
        if (!CHECK_OBJECT(l, o, path, "data", "slog", "special"))
                return;
        n->has_disks = true;
        for (int c = 0; c < _DISK_CLASS_MAX; c++) {
                const char *key = disk_class_table[c];
                json_object *a = get_field(l, o, path, key, json_type_array, c == DISK_CLASS_DATA);
                char ap[512];

                if (!a)
                        continue;
                path_key(ap, sizeof(ap), path, key);
                size_t cnt = json_object_array_length(a);
                if (c == DISK_CLASS_DATA && cnt == 0)
                        report(l, ap, "must list at least one data disk");
                n->disks[c].items = calloc(cnt ? cnt : 1, sizeof(char *));
                if (!n->disks[c].items) {
                        l->error = -ENOMEM;
                        return;
                }
                for (size_t i = 0; i < cnt; i++) {
                        json_object *d = json_object_array_get_idx(a, i);
                        char p[512];
                        path_index(p, sizeof(p), ap, i);
                        if (!json_object_is_type(d, json_type_string)) {
                                report(l, p, "must be a string, not %s",
                                       json_type_noun(json_object_get_type(d)));
                                continue;
                        }
                        const char *s = json_object_get_string(d);
                        if (!string_has_prefix(s, "/dev/disk/by-id/") || strlen(s) <= 16 ||
                            strchr(s + 16, '/')) {
                                report(l, p, "'%s' is not a stable /dev/disk/by-id/ path", s);
                                continue;
                        }
                        n->disks[c].items[n->disks[c].n++] = dup_or_fail(l, s);
                }
        }
}

static void parse_addresses(struct loader *l, json_object *o, const char *path, struct spec_node *n)
{
        if (!json_object_is_type(o, json_type_object)) {
                report(l, path, "must be an object, not %s",
                       json_type_noun(json_object_get_type(o)));
                return;
        }
        size_t cnt = (size_t)json_object_object_length(o);
        n->addresses = calloc(cnt ? cnt : 1, sizeof(*n->addresses));
        if (!n->addresses) {
                l->error = -ENOMEM;
                return;
        }
        json_object_object_foreach(o, key, val)
        {
                (void)val;
                struct spec_address *a = &n->addresses[n->n_addresses];
                a->ip = get_ipv4(l, o, path, key, true);
                a->network = dup_or_fail(l, key);
                n->n_addresses++;
        }
}

static struct spec_backend *parse_backend(struct loader *l, json_object *o, const char *path)
{
        if (!CHECK_OBJECT(l, o, path, "target_iqn", "initiator_iqn", "credential",
                          "mutual_credential"))
                return NULL;
        struct spec_backend *b = calloc(1, sizeof(*b));
        if (!b) {
                l->error = -ENOMEM;
                return NULL;
        }
        b->target_iqn = get_iqn(l, o, path, "target_iqn", true);
        b->initiator_iqn = get_iqn(l, o, path, "initiator_iqn", true);
        parse_credential_ref(l, o, path, "credential", true, &b->credential);
        parse_credential_ref(l, o, path, "mutual_credential", true, &b->mutual_credential);
        return b;
}

static struct spec_fencing *parse_fencing(struct loader *l, json_object *o, const char *path)
{
        if (!CHECK_OBJECT(l, o, path, "method", "address", "port", "plug", "username",
                          "credential"))
                return NULL;
        struct spec_fencing *f = calloc(1, sizeof(*f));
        if (!f) {
                l->error = -ENOMEM;
                return NULL;
        }
        f->method = get_enum(l, o, path, "method", true, fence_method_table,
                             ELEMENTSOF(fence_method_table), _FENCE_METHOD_INVALID);
        f->address = get_ipv4(l, o, path, "address", true);
        get_uint(l, o, path, "port", false, 1, 65535, &f->port);
        f->plug = get_string_dup(l, o, path, "plug", false);
        f->username = get_string_dup(l, o, path, "username", false);
        parse_credential_ref(l, o, path, "credential", false, &f->credential);
        return f;
}

static void parse_node(struct loader *l, json_object *o, const char *path, struct spec_node *n)
{
        json_object *v;
        char p[512];

        n->role = _NODE_ROLE_INVALID;
        if (!CHECK_OBJECT(l, o, path, "name", "role", "hostid", "addresses", "disks", "backend",
                          "fencing"))
                return;

        const char *name = get_string(l, o, path, "name", true);
        if (name && !valid_short_name(name, 63)) {
                path_key(p, sizeof(p), path, "name");
                report(l, p,
                       "'%s' is not a host name (1 to 63 of a-z 0-9 -, starting with a letter)",
                       name);
        } else if (name)
                n->name = dup_or_fail(l, name);

        n->role = get_enum(l, o, path, "role", true, node_role_table, ELEMENTSOF(node_role_table),
                           _NODE_ROLE_INVALID);

        const char *hostid = get_string(l, o, path, "hostid", false);
        if (hostid) {
                path_key(p, sizeof(p), path, "hostid");
                if (parse_hex_u32(hostid, 8, &n->hostid) < 0)
                        report(l, p, "'%s' is not a hostid (8 hex digits)", hostid);
                else if (n->hostid == 0)
                        report(l, p,
                               "hostid must not be zero (ZFS multihost needs a unique non-zero "
                               "hostid)");
                else
                        n->has_hostid = true;
        }

        if ((v = get_field(l, o, path, "addresses", json_type_object, true))) {
                path_key(p, sizeof(p), path, "addresses");
                parse_addresses(l, v, p, n);
        }
        if ((v = get_field(l, o, path, "disks", json_type_object, false))) {
                path_key(p, sizeof(p), path, "disks");
                parse_disks(l, v, p, n);
        }
        if ((v = get_field(l, o, path, "backend", json_type_object, false))) {
                path_key(p, sizeof(p), path, "backend");
                n->backend = parse_backend(l, v, p);
        }
        if ((v = get_field(l, o, path, "fencing", json_type_object, false))) {
                path_key(p, sizeof(p), path, "fencing");
                n->fencing = parse_fencing(l, v, p);
        }
}

static void parse_nodes(struct loader *l, json_object *a, struct spec *s)
{
        if (!a)
                return;
        size_t n = json_object_array_length(a);
        s->nodes = calloc(n ? n : 1, sizeof(*s->nodes));
        if (!s->nodes) {
                l->error = -ENOMEM;
                return;
        }
        s->n_nodes = n;
        for (size_t i = 0; i < n; i++) {
                char p[512];
                path_index(p, sizeof(p), "$.nodes", i);
                parse_node(l, json_object_array_get_idx(a, i), p, &s->nodes[i]);
        }
}

static void parse_properties(struct loader *l, json_object *o, const char *path,
                             struct spec_properties *props)
{
        if (!json_object_is_type(o, json_type_object)) {
                report(l, path, "must be an object, not %s",
                       json_type_noun(json_object_get_type(o)));
                return;
        }
        size_t cnt = (size_t)json_object_object_length(o);
        props->items = calloc(cnt ? cnt : 1, sizeof(*props->items));
        if (!props->items) {
                l->error = -ENOMEM;
                return;
        }
        json_object_object_foreach(o, key, val)
        {
                (void)val;
                char p[512];
                path_key(p, sizeof(p), path, key);
                if (!valid_property_name(key)) {
                        report(l, p, "'%s' is not a property name (lower case a-z 0-9 _ : .)", key);
                        continue;
                }
                const char *value = get_string(l, o, path, key, true);
                if (!value)
                        continue;
                props->items[props->n++] =
                    (struct spec_property){dup_or_fail(l, key), dup_or_fail(l, value)};
        }
}

static void parse_dataset(struct loader *l, json_object *o, const char *path,
                          struct spec_dataset *d)
{
        json_object *v;

        d->type = DATASET_FILESYSTEM;
        if (!CHECK_OBJECT(l, o, path, "name", "type", "size", "properties"))
                return;
        const char *name = get_string(l, o, path, "name", true);
        if (name && !valid_dataset_name(name)) {
                char p[512];
                path_key(p, sizeof(p), path, "name");
                report(l, p, "'%s' is not a dataset name relative to the pool", name);
        } else if (name)
                d->name = dup_or_fail(l, name);
        d->type = get_enum(l, o, path, "type", false, dataset_type_table,
                           ELEMENTSOF(dataset_type_table), DATASET_FILESYSTEM);
        d->size = get_string_dup(l, o, path, "size", false);
        if ((v = get_field(l, o, path, "properties", json_type_object, false))) {
                char p[512];
                path_key(p, sizeof(p), path, "properties");
                parse_properties(l, v, p, &d->properties);
        }
}

static void parse_pool(struct loader *l, json_object *o, struct spec_pool *pool)
{
        static const char path[] = "$.pool";
        json_object *v;

        if (!o || !CHECK_OBJECT(l, o, path, "name", "ashift", "properties", "root_properties",
                                "datasets"))
                return;
        const char *name = get_string(l, o, path, "name", true);
        if (name && !valid_pool_name(name))
                report(l, "$.pool.name", "'%s' is not a valid pool name", name);
        else if (name)
                pool->name = dup_or_fail(l, name);
        get_uint(l, o, path, "ashift", true, 9, 16, &pool->ashift);
        if ((v = get_field(l, o, path, "properties", json_type_object, false)))
                parse_properties(l, v, "$.pool.properties", &pool->properties);
        if ((v = get_field(l, o, path, "root_properties", json_type_object, false)))
                parse_properties(l, v, "$.pool.root_properties", &pool->root_properties);
        if ((v = get_field(l, o, path, "datasets", json_type_array, false))) {
                size_t n = json_object_array_length(v);
                pool->datasets = calloc(n ? n : 1, sizeof(*pool->datasets));
                if (!pool->datasets) {
                        l->error = -ENOMEM;
                        return;
                }
                pool->n_datasets = n;
                for (size_t i = 0; i < n; i++) {
                        char p[512];
                        path_index(p, sizeof(p), "$.pool.datasets", i);
                        parse_dataset(l, json_object_array_get_idx(v, i), p, &pool->datasets[i]);
                }
        }
}

static void report_syntax_error(struct loader *l, const char *text, size_t size,
                                struct json_tokener *tok)
{
        size_t off = json_tokener_get_parse_end(tok);
        unsigned line = 1, col = 1;

        for (size_t i = 0; i < off && i < size; i++) {
                if (text[i] == '\n') {
                        line++;
                        col = 1;
                } else
                        col++;
        }
        report(l, "$", "not valid JSON at line %u, column %u: %s", line, col,
               json_tokener_error_desc(json_tokener_get_error(tok)));
}

DEFINE_TRIVIAL_CLEANUP_FUNC(struct json_tokener *, json_tokener_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put)

int spec_parse(const char *text, size_t size, struct spec **ret, struct spec_problems *problems)
{
        struct loader l = {.problems = problems};
        _cleanup_(json_tokener_freep) struct json_tokener *tok = NULL;
        _cleanup_(json_object_putp) json_object *root = NULL;
        json_object *v;

        *ret = NULL;
        if (size > INT32_MAX)
                return problem_add(problems, "$", "the description is too large");

        tok = json_tokener_new_ex(64);
        if (!tok)
                return -ENOMEM;
        root = json_tokener_parse_ex(tok, text, (int)size);
        if (!root || json_tokener_get_error(tok) != json_tokener_success) {
                report_syntax_error(&l, text, size, tok);
                return l.error;
        }
        /* Trailing text after the document is an error too. */
        size_t end = json_tokener_get_parse_end(tok);
        while (end < size && isspace((unsigned char)text[end]))
                end++;
        if (end < size) {
                report(&l, "$", "unexpected text after the JSON document");
                return l.error;
        }

        /* Not even an object: no model, so no cascade of cross-field noise. */
        if (!CHECK_OBJECT(&l, root, "$", "format", "cluster_name", "timing", "vlans",
                          "backend_iscsi", "nodes", "pool"))
                return l.error;

        struct spec *s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->backend_port = 3260;

        if (get_uint(&l, root, "$", "format", true, 0, UINT32_MAX, &s->format) &&
            s->format != SPEC_FORMAT)
                report(&l, "$.format", "unsupported format %u (this hasan reads format %d)",
                       s->format, SPEC_FORMAT);

        const char *name = get_string(&l, root, "$", "cluster_name", true);
        if (name && !valid_short_name(name, 32))
                report(&l, "$.cluster_name",
                       "'%s' is not a cluster name (1 to 32 of a-z 0-9 -, starting with a letter)",
                       name);
        else if (name)
                s->cluster_name = dup_or_fail(&l, name);

        parse_timing(&l, get_field(&l, root, "$", "timing", json_type_object, true), &s->timing);
        parse_vlans(&l, get_field(&l, root, "$", "vlans", json_type_object, true), s);
        if ((v = get_field(&l, root, "$", "backend_iscsi", json_type_object, false)) &&
            CHECK_OBJECT(&l, v, "$.backend_iscsi", "port"))
                get_uint(&l, v, "$.backend_iscsi", "port", false, 1, 65535, &s->backend_port);
        parse_nodes(&l, get_field(&l, root, "$", "nodes", json_type_array, true), s);
        parse_pool(&l, get_field(&l, root, "$", "pool", json_type_object, true), &s->pool);

        if (l.error < 0) {
                spec_free(s);
                return l.error;
        }
        *ret = s;
        return 0;
}

int spec_load_file(const char *path, struct spec **ret, struct spec_problems *problems)
{
        _cleanup_free_ char *text = NULL;
        struct spec *s = NULL;
        size_t size;
        int r;

        *ret = NULL;
        r = read_full_file(path, &text, &size);
        if (r < 0)
                return r;
        r = spec_parse(text, size, &s, problems);
        if (r < 0)
                return r;
        if (s) {
                r = spec_validate(s, problems);
                if (r < 0) {
                        spec_free(s);
                        return r;
                }
        }
        *ret = s;
        return 0;
}

/* ---- lookups and freeing ------------------------------------------------------------------- */

const struct spec_network *spec_find_network(const struct spec *s, const char *name)
{
        for (size_t i = 0; i < s->n_networks; i++)
                if (s->networks[i].name && strcmp(s->networks[i].name, name) == 0)
                        return &s->networks[i];
        return NULL;
}

const struct spec_node *spec_find_node(const struct spec *s, const char *name)
{
        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].name && strcmp(s->nodes[i].name, name) == 0)
                        return &s->nodes[i];
        return NULL;
}

const struct spec_address *spec_node_address(const struct spec_node *n, const char *network)
{
        for (size_t i = 0; i < n->n_addresses; i++)
                if (n->addresses[i].network && strcmp(n->addresses[i].network, network) == 0)
                        return &n->addresses[i];
        return NULL;
}

static void properties_free(struct spec_properties *p)
{
        for (size_t i = 0; i < p->n; i++) {
                free(p->items[i].name);
                free(p->items[i].value);
        }
        free(p->items);
}

static void client_iscsi_free(struct spec_client_iscsi *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < c->n_initiators; i++) {
                free(c->initiators[i].iqn);
                free(c->initiators[i].credential);
                free(c->initiators[i].mutual_credential);
        }
        free(c->initiators);
        free(c->target_iqn);
        free(c->dataset);
        free(c->credential);
        free(c->mutual_credential);
        free(c);
}

static void node_free(struct spec_node *n)
{
        free(n->name);
        for (size_t i = 0; i < n->n_addresses; i++)
                free(n->addresses[i].network);
        free(n->addresses);
        for (int c = 0; c < _DISK_CLASS_MAX; c++) {
                for (size_t i = 0; i < n->disks[c].n; i++)
                        free(n->disks[c].items[i]);
                free(n->disks[c].items);
        }
        if (n->backend) {
                free(n->backend->target_iqn);
                free(n->backend->initiator_iqn);
                free(n->backend->credential);
                free(n->backend->mutual_credential);
                free(n->backend);
        }
        if (n->fencing) {
                free(n->fencing->plug);
                free(n->fencing->username);
                free(n->fencing->credential);
                free(n->fencing);
        }
}

struct spec *spec_free(struct spec *s)
{
        if (!s)
                return NULL;
        free(s->cluster_name);
        free(s->timing.profile);
        for (size_t i = 0; i < s->n_networks; i++) {
                free(s->networks[i].name);
                free(s->networks[i].path);
                client_iscsi_free(s->networks[i].iscsi);
        }
        free(s->networks);
        for (size_t i = 0; i < s->n_nodes; i++)
                node_free(&s->nodes[i]);
        free(s->nodes);
        free(s->pool.name);
        properties_free(&s->pool.properties);
        properties_free(&s->pool.root_properties);
        for (size_t i = 0; i < s->pool.n_datasets; i++) {
                free(s->pool.datasets[i].name);
                free(s->pool.datasets[i].size);
                properties_free(&s->pool.datasets[i].properties);
        }
        free(s->pool.datasets);
        free(s);
        return NULL;
}
