/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every validation rule of the cluster description, each with a passing
 * and a failing variation of tests/fixtures/spec/good.json. A variation is a
 * list of JSON-pointer edits; the failing one must produce a problem at the
 * expected path whose message contains the expected text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <json-c/json_pointer.h>

#include "lib/spec.h"
#include "shared/fileio.h"

#define MAX_EDITS 6

struct edit {
        const char *pointer;
        const char *json; /* the new value as JSON text; NULL deletes */
};

struct rule_case {
        const char *rule;
        struct edit pass[MAX_EDITS];
        struct edit fail[MAX_EDITS];
        const char *path;
        const char *message;
};

static const char *fixture(const char *name)
{
        static char buf[4096];
        const char *dir = getenv("HASAN_FIXTURES");
        snprintf(buf, sizeof(buf), "%s/spec/%s", dir ? dir : "tests/fixtures", name);
        return buf;
}

static json_object *load_good(void)
{
        json_object *o = json_object_from_file(fixture("good.json"));
        assert_non_null(o);
        return o;
}

static void apply_edit(json_object *root, const struct edit *e)
{
        if (e->json) {
                json_object *v = json_tokener_parse(e->json);
                assert_non_null(v);
                if (json_pointer_set(&root, e->pointer, v) < 0)
                        fail_msg("cannot set %s", e->pointer);
                return;
        }

        /* Delete: find the parent, then drop the last token. */
        char parent_ptr[256];
        const char *slash = strrchr(e->pointer, '/');
        assert_non_null(slash);
        snprintf(parent_ptr, sizeof(parent_ptr), "%.*s", (int)(slash - e->pointer), e->pointer);
        json_object *parent = NULL;
        if (parent_ptr[0] == '\0')
                parent = root;
        else if (json_pointer_get(root, parent_ptr, &parent) < 0)
                fail_msg("no parent %s", parent_ptr);
        if (json_object_is_type(parent, json_type_array))
                assert_int_equal(json_object_array_del_idx(parent, (size_t)atoi(slash + 1), 1), 0);
        else {
                assert_true(json_object_object_get_ex(parent, slash + 1, NULL));
                json_object_object_del(parent, slash + 1);
        }
}

/* Parse and validate text; returns the problems found. */
static struct spec_problems check_text(const char *text)
{
        struct spec_problems problems = {0};
        struct spec *s = NULL;

        assert_int_equal(spec_parse(text, strlen(text), &s, &problems), 0);
        if (s)
                assert_int_equal(spec_validate(s, &problems), 0);
        spec_free(s);
        return problems;
}

static struct spec_problems check_edited(const struct edit *edits)
{
        json_object *root = load_good();
        for (int i = 0; i < MAX_EDITS && edits[i].pointer; i++)
                apply_edit(root, &edits[i]);
        struct spec_problems p = check_text(json_object_to_json_string(root));
        json_object_put(root);
        return p;
}

static void dump(const struct spec_problems *p)
{
        for (size_t i = 0; i < p->n; i++)
                print_message("  problem: %s: %s\n", p->items[i].path, p->items[i].message);
}

static void test_rule(void **state)
{
        const struct rule_case *c = *state;
        struct spec_problems p;

        p = check_edited(c->pass);
        if (p.n != 0) {
                dump(&p);
                fail_msg("rule '%s': the passing variation reported %zu problems", c->rule, p.n);
        }
        spec_problems_clear(&p);

        p = check_edited(c->fail);
        bool found = false;
        for (size_t i = 0; i < p.n && !found; i++)
                found = strcmp(p.items[i].path, c->path) == 0 &&
                        strstr(p.items[i].message, c->message) != NULL;
        if (!found) {
                dump(&p);
                fail_msg("rule '%s': expected '%s: ...%s...'", c->rule, c->path, c->message);
        }
        spec_problems_clear(&p);
}

#define E(ptr, val)                                                                                \
        {                                                                                          \
                ptr, val                                                                           \
        }
#define DEL(ptr)                                                                                   \
        {                                                                                          \
                ptr, NULL                                                                          \
        }

static const struct rule_case cases[] = {
    /* ---- keys and types ---- */
    {"unknown top-level key",
     {E("/backend_iscsi/port", "3261")},
     {E("/colour", "\"blue\"")},
     "$.colour",
     "unknown key"},
    {"unknown nested key",
     {E("/nodes/0/fencing/port", "623")},
     {E("/nodes/0/fencing/pasword", "\"x\"")},
     "$.nodes[0].fencing.pasword",
     "unknown key"},
    {"unusual key spelled in brackets",
     {{0}},
     {E("/vlans/storage/my key", "1")},
     "$.vlans.storage[\"my key\"]",
     "unknown key"},
    {"missing required key",
     {DEL("/pool/root_properties")},
     {DEL("/pool/name")},
     "$.pool.name",
     "required key is missing"},
    {"mistyped integer",
     {E("/pool/ashift", "13")},
     {E("/pool/ashift", "\"12\"")},
     "$.pool.ashift",
     "must be an integer, not a string"},
    {"float is not an integer",
     {E("/vlans/storage/mtu", "9216")},
     {E("/vlans/storage/mtu", "9000.5")},
     "$.vlans.storage.mtu",
     "must be an integer, not a number"},
    {"mistyped boolean",
     {E("/vlans/client/1/iscsi/mutual_chap", "true")},
     {E("/vlans/client/1/iscsi/mutual_chap", "\"yes\"")},
     "$.vlans.client[1].iscsi.mutual_chap",
     "must be a boolean, not a string"},
    {"mistyped object",
     {{0}},
     {E("/vlans/storage", "[]")},
     "$.vlans.storage",
     "must be an object, not an array"},
    {"empty string", {{0}}, {E("/cluster_name", "\"\"")}, "$.cluster_name", "must not be empty"},
    {"format version", {{0}}, {E("/format", "2")}, "$.format", "unsupported format 2"},
    {"integer range",
     {E("/pool/ashift", "9")},
     {E("/pool/ashift", "17")},
     "$.pool.ashift",
     "out of range (9 to 16)"},
    {"cluster name syntax",
     {E("/cluster_name", "\"san-2\"")},
     {E("/cluster_name", "\"San_2\"")},
     "$.cluster_name",
     "is not a cluster name"},

    /* ---- addresses ---- */
    {"node address outside its VLAN",
     {E("/nodes/0/addresses/storage", "\"10.10.10.5\"")},
     {E("/nodes/0/addresses/storage", "\"10.10.11.1\"")},
     "$.nodes[0].addresses.storage",
     "outside VLAN 'storage' (10.10.10.0/24)"},
    {"VIP outside its VLAN",
     {E("/vlans/client/0/vip", "\"10.30.30.250\"")},
     {E("/vlans/client/0/vip", "\"10.99.30.10\"")},
     "$.vlans.client[0].vip",
     "10.99.30.10 is outside VLAN 'enduser' (10.30.30.0/24)"},
    {"VIP inside the nodes' range",
     {E("/vlans/client/0/vip", "\"10.30.30.11\"")},
     {E("/vlans/client/0/vip", "\"10.30.30.5\"")},
     "$.vlans.client[0].vip",
     "inside the nodes' address range"},
    {"node address outside the node range",
     {E("/nodes/0/addresses/enduser", "\"10.30.30.9\"")},
     {E("/nodes/0/addresses/enduser", "\"10.30.30.100\"")},
     "$.nodes[0].addresses.enduser",
     "outside VLAN 'enduser''s node range"},
    {"broadcast address",
     {E("/vlans/client/0/vip", "\"10.30.30.254\"")},
     {E("/vlans/client/0/vip", "\"10.30.30.255\"")},
     "$.vlans.client[0].vip",
     "broadcast address"},
    {"not an IPv4 address",
     {{0}},
     {E("/vlans/management/vip", "\"10.20.20\"")},
     "$.vlans.management.vip",
     "is not an IPv4 address"},
    {"duplicate node address",
     {E("/nodes/1/addresses/management", "\"10.20.20.4\"")},
     {E("/nodes/1/addresses/management", "\"10.20.20.1\"")},
     "$.nodes[1].addresses.management",
     "'10.20.20.1' is already used at $.nodes[0].addresses.management"},
    {"duplicate VIP",
     {E("/vlans/client/1/cidr", "\"10.50.0.0/24\""),
      E("/vlans/client/1/node_range", "\"10.50.0.1-10.50.0.9\""),
      E("/vlans/client/1/vip", "\"10.50.0.10\""),
      E("/nodes/0/addresses/hypervisor", "\"10.50.0.1\""),
      E("/nodes/1/addresses/hypervisor", "\"10.50.0.2\"")},
     {E("/vlans/management/vip", "\"10.30.30.10\"")},
     "$.vlans.client[0].vip",
     "'10.30.30.10' is already used at $.vlans.management.vip"},
    {"address on an unknown VLAN",
     {E("/nodes/2/addresses/storage", "\"10.10.10.3\"")},
     {E("/nodes/0/addresses/backup", "\"10.50.0.1\"")},
     "$.nodes[0].addresses.backup",
     "no VLAN is named 'backup'"},
    {"storage node on every VLAN",
     {E("/nodes/2/addresses/enduser", "\"10.30.30.3\"")},
     {DEL("/nodes/0/addresses/hypervisor")},
     "$.nodes[0].addresses",
     "needs an address on VLAN 'hypervisor'"},
    {"quorum node on management",
     {E("/nodes/2/addresses/storage", "\"10.10.10.3\"")},
     {E("/nodes/2/addresses", "{\"storage\": \"10.10.10.3\"}")},
     "$.nodes[2].addresses",
     "needs an address on VLAN 'management'"},

    /* ---- VLANs ---- */
    {"duplicate VLAN id",
     {E("/vlans/client/0/id", "31")},
     {E("/vlans/client/0/id", "10")},
     "$.vlans.client[0].id",
     "VLAN id 10 is also used by VLAN 'storage'"},
    {"VLAN id range",
     {E("/vlans/client/0/id", "4094")},
     {E("/vlans/client/0/id", "4095")},
     "$.vlans.client[0].id",
     "out of range (1 to 4094)"},
    {"duplicate VLAN name",
     {{0}},
     {E("/vlans/client/1/name", "\"enduser\"")},
     "$.vlans.client[1].name",
     "used twice"},
    {"reserved VLAN name",
     {{0}},
     {E("/vlans/client/0/name", "\"storage\"")},
     "$.vlans.client[0].name",
     "reserved for the storage VLAN"},
    {"overlapping subnets",
     {E("/vlans/client/0/cidr", "\"10.30.0.0/16\"")},
     {E("/vlans/client/0/cidr", "\"10.20.0.0/16\"")},
     "$.vlans.client[0].cidr",
     "overlaps VLAN 'management'"},
    {"CIDR host bits",
     {{0}},
     {E("/vlans/client/0/cidr", "\"10.30.30.1/24\"")},
     "$.vlans.client[0].cidr",
     "has host bits set (did you mean 10.30.30.0/24?)"},
    {"node range inside the subnet",
     {E("/vlans/client/0/node_range", "\"10.30.30.1-10.30.30.5\"")},
     {E("/vlans/client/0/node_range", "\"10.30.30.1-10.30.31.9\"")},
     "$.vlans.client[0].node_range",
     "not inside the VLAN's subnet"},
    {"node range order",
     {{0}},
     {E("/vlans/client/0/node_range", "\"10.30.30.9-10.30.30.1\"")},
     "$.vlans.client[0].node_range",
     "ends before it starts"},
    {"storage VLAN has no VIP",
     {{0}},
     {E("/vlans/storage/vip", "\"10.10.10.10\"")},
     "$.vlans.storage.vip",
     "unknown key"},
    {"client VLAN needs a VIP",
     {DEL("/vlans/management/vip")},
     {DEL("/vlans/client/0/vip")},
     "$.vlans.client[0].vip",
     "required key is missing"},
    {"unknown service",
     {E("/vlans/client/0/services", "[\"nfs\"]")},
     {E("/vlans/client/0/services", "[\"nfs\", \"ftp\"]")},
     "$.vlans.client[0].services[1]",
     "unknown service 'ftp' (expected nfs, smb, iscsi or ssh)"},
    {"repeated service",
     {{0}},
     {E("/vlans/client/0/services", "[\"nfs\", \"nfs\"]")},
     "$.vlans.client[0].services[1]",
     "listed twice"},
    {"no services",
     {{0}},
     {E("/vlans/client/0/services", "[]")},
     "$.vlans.client[0].services",
     "at least one service"},
    {"iscsi service needs its section",
     {DEL("/vlans/client/1/iscsi"), E("/vlans/client/1/services", "[\"ssh\"]")},
     {DEL("/vlans/client/1/iscsi")},
     "$.vlans.client[1]",
     "offers the iscsi service but has no 'iscsi' section"},
    {"iscsi section needs the service",
     {{0}},
     {E("/vlans/client/1/services", "[\"ssh\"]")},
     "$.vlans.client[1].iscsi",
     "needs 'iscsi' in the VLAN's services"},

    /* ---- client iSCSI ---- */
    {"acl mode needs initiators",
     {{0}},
     {E("/vlans/client/1/iscsi/initiators", "[]")},
     "$.vlans.client[1].iscsi",
     "acl mode needs at least one entry"},
    {"generated mode needs per-vlan CHAP",
     {E("/vlans/client/1/iscsi/acl_mode", "\"generated\""),
      E("/vlans/client/1/iscsi/chap", "\"per-vlan\""),
      E("/vlans/client/1/iscsi/credential", "\"chap-hv\""),
      E("/vlans/client/1/iscsi/mutual_credential", "\"chap-hv-mutual\""),
      E("/vlans/client/1/iscsi/initiators", "[]")},
     {E("/vlans/client/1/iscsi/acl_mode", "\"generated\"")},
     "$.vlans.client[1].iscsi",
     "use chap 'per-vlan'"},
    {"per-vlan CHAP takes no initiator secrets",
     {E("/vlans/client/1/iscsi/chap", "\"per-vlan\""),
      E("/vlans/client/1/iscsi/credential", "\"chap-hv\""),
      E("/vlans/client/1/iscsi/mutual_credential", "\"chap-hv-mutual\""),
      E("/vlans/client/1/iscsi/initiators", "[{\"iqn\": \"iqn.2025-01.lab.home:pve-a\"}]")},
     {E("/vlans/client/1/iscsi/chap", "\"per-vlan\""),
      E("/vlans/client/1/iscsi/credential", "\"chap-hv\""),
      E("/vlans/client/1/iscsi/mutual_credential", "\"chap-hv-mutual\"")},
     "$.vlans.client[1].iscsi.initiators[0]",
     "takes its credentials on the VLAN"},
    {"per-initiator CHAP needs a credential",
     {{0}},
     {DEL("/vlans/client/1/iscsi/initiators/0/credential")},
     "$.vlans.client[1].iscsi.initiators[0]",
     "needs 'credential'"},
    {"mutual CHAP needs a mutual credential",
     {E("/vlans/client/1/iscsi/mutual_chap", "false"),
      DEL("/vlans/client/1/iscsi/initiators/0/mutual_credential"),
      DEL("/vlans/client/1/iscsi/initiators/1/mutual_credential")},
     {DEL("/vlans/client/1/iscsi/initiators/0/mutual_credential")},
     "$.vlans.client[1].iscsi.initiators[0]",
     "mutual CHAP needs 'mutual_credential'"},
    {"CHAP credential used twice",
     {E("/vlans/client/1/iscsi/initiators/1/credential", "\"chap-pve-c\"")},
     {E("/vlans/client/1/iscsi/initiators/1/credential", "\"chap-pve-a\"")},
     "$.vlans.client[1].iscsi.initiators[1].credential",
     "CHAP credential 'chap-pve-a' is already used at "
     "$.vlans.client[1].iscsi.initiators[0].credential"},
    {"credential name syntax",
     {E("/nodes/0/fencing/credential", "\"fence.A_1\"")},
     {E("/nodes/0/fencing/credential", "\"fence a!\"")},
     "$.nodes[0].fencing.credential",
     "not a credential name"},
    {"initiator listed twice",
     {E("/vlans/client/1/iscsi/initiators/1/iqn", "\"iqn.2025-01.lab.home:pve-c\"")},
     {E("/vlans/client/1/iscsi/initiators/1/iqn", "\"iqn.2025-01.lab.home:pve-a\"")},
     "$.vlans.client[1].iscsi.initiators[1].iqn",
     "listed twice"},
    {"iscsi dataset declared",
     {E("/vlans/client/1/iscsi/dataset", "\"nfs\"")},
     {E("/vlans/client/1/iscsi/dataset", "\"luns\"")},
     "$.vlans.client[1].iscsi.dataset",
     "dataset 'luns' is not declared"},
    {"iscsi dataset is a filesystem",
     {{0}},
     {E("/vlans/client/1/iscsi/dataset", "\"iscsi/vm-proxmox-a\"")},
     "$.vlans.client[1].iscsi.dataset",
     "must be a filesystem"},

    /* ---- IQNs ---- */
    {"IQN syntax",
     {E("/nodes/0/backend/target_iqn", "\"iqn.2003-01.org.example.san:node-a.backend\"")},
     {E("/nodes/0/backend/target_iqn", "\"IQN.2025-1.lab:storage-a\"")},
     "$.nodes[0].backend.target_iqn",
     "not an iSCSI qualified name"},
    {"IQN month",
     {{0}},
     {E("/nodes/0/backend/target_iqn", "\"iqn.2025-13.lab.home:a\"")},
     "$.nodes[0].backend.target_iqn",
     "not an iSCSI qualified name"},
    {"duplicate backend target IQN",
     {E("/nodes/1/backend/target_iqn", "\"iqn.2025-01.lab.home:storage-b2\"")},
     {E("/nodes/1/backend/target_iqn", "\"iqn.2025-01.lab.home:storage-a\"")},
     "$.nodes[1].backend.target_iqn",
     "target IQN 'iqn.2025-01.lab.home:storage-a' is already used at "
     "$.nodes[0].backend.target_iqn"},
    {"client target IQN reuses a backend one",
     {{0}},
     {E("/vlans/client/1/iscsi/target_iqn", "\"iqn.2025-01.lab.home:storage-b\"")},
     "$.vlans.client[1].iscsi.target_iqn",
     "already used at $.nodes[1].backend.target_iqn"},
    {"duplicate backend initiator IQN",
     {{0}},
     {E("/nodes/1/backend/initiator_iqn", "\"iqn.2025-01.lab.home:storage-a-initiator\"")},
     "$.nodes[1].backend.initiator_iqn",
     "initiator IQN 'iqn.2025-01.lab.home:storage-a-initiator' is already used"},
    {"an initiator named like a target",
     {{0}},
     {E("/vlans/client/1/iscsi/initiators/0/iqn", "\"iqn.2025-01.lab.home:storage-a\"")},
     "$.vlans.client[1].iscsi.initiators[0].iqn",
     "is also a target IQN"},

    /* ---- nodes ---- */
    {"node counts",
     {E("/nodes/2/name", "\"witness\"")},
     {DEL("/nodes/2")},
     "$.nodes",
     "needs exactly 2 storage nodes and 1 quorum node, found 2 and 0"},
    {"duplicate node name",
     {E("/nodes/1/name", "\"storage-c\"")},
     {E("/nodes/1/name", "\"storage-a\"")},
     "$.nodes[1].name",
     "node name 'storage-a' is used twice"},
    {"host name syntax",
     {{0}},
     {E("/nodes/1/name", "\"Storage_B\"")},
     "$.nodes[1].name",
     "is not a host name"},
    {"unknown role",
     {{0}},
     {E("/nodes/2/role", "\"witness\"")},
     "$.nodes[2].role",
     "unknown value 'witness' (expected storage or quorum)"},
    {"unequal data disk counts",
     {DEL("/nodes/0/disks/data/3"), DEL("/nodes/1/disks/data/3")},
     {DEL("/nodes/1/disks/data/3")},
     "$.nodes[1].disks.data",
     "node 'storage-b' declares 3 data disks but node 'storage-a' declares 4"},
    {"unequal slog counts",
     {DEL("/nodes/0/disks/slog"), DEL("/nodes/1/disks/slog")},
     {DEL("/nodes/1/disks/slog")},
     "$.nodes[1].disks.slog",
     "declares 0 slog disks"},
    {"unequal special counts",
     {E("/nodes/0/disks/special", "[\"/dev/disk/by-id/nvme-SPECIAL_A\"]"),
      E("/nodes/1/disks/special", "[\"/dev/disk/by-id/nvme-SPECIAL_B\"]")},
     {E("/nodes/0/disks/special", "[\"/dev/disk/by-id/nvme-SPECIAL_A\"]")},
     "$.nodes[1].disks.special",
     "declares 0 special disks"},
    {"no data disks",
     {{0}},
     {E("/nodes/0/disks/data", "[]")},
     "$.nodes[0].disks.data",
     "at least one data disk"},
    {"stable disk paths",
     {{0}},
     {E("/nodes/0/disks/data/0", "\"/dev/sda\"")},
     "$.nodes[0].disks.data[0]",
     "not a stable /dev/disk/by-id/ path"},
    {"disk listed twice",
     {{0}},
     {E("/nodes/0/disks/slog/0", "\"/dev/disk/by-id/ata-SAMSUNG_MZ7LH1T9HMLT_S455NA0M100001\"")},
     "$.nodes[0].disks.slog[0]",
     "listed twice"},
    {"quorum node carries no disks",
     {DEL("/nodes/2/hostid")},
     {E("/nodes/2/disks", "{\"data\": [\"/dev/disk/by-id/ata-QUORUM_1\"]}")},
     "$.nodes[2].disks",
     "a quorum node carries no disks"},
    {"quorum node has no backend",
     {{0}},
     {E("/nodes/2/backend",
        "{\"target_iqn\": \"iqn.2025-01.lab.home:q\", \"initiator_iqn\": "
        "\"iqn.2025-01.lab.home:qi\", \"credential\": \"bq\", \"mutual_credential\": \"bqm\"}")},
     "$.nodes[2].backend",
     "a quorum node has no backend target"},
    {"storage node needs disks", {{0}}, {DEL("/nodes/0/disks")}, "$.nodes[0]", "needs 'disks'"},
    {"storage node needs a backend",
     {{0}},
     {DEL("/nodes/0/backend")},
     "$.nodes[0]",
     "needs 'backend'"},
    {"backend needs CHAP credentials",
     {{0}},
     {DEL("/nodes/0/backend/mutual_credential")},
     "$.nodes[0].backend.mutual_credential",
     "required key is missing"},
    {"hostid required on storage nodes",
     {DEL("/nodes/2/hostid")},
     {DEL("/nodes/0/hostid")},
     "$.nodes[0]",
     "needs 'hostid'"},
    {"hostid non-zero",
     {E("/nodes/0/hostid", "\"5A4E00FF\"")},
     {E("/nodes/0/hostid", "\"00000000\"")},
     "$.nodes[0].hostid",
     "must not be zero"},
    {"hostid syntax",
     {{0}},
     {E("/nodes/0/hostid", "\"5a4e01\"")},
     "$.nodes[0].hostid",
     "not a hostid"},
    {"hostid unique",
     {E("/nodes/1/hostid", "\"5a4e0004\"")},
     {E("/nodes/1/hostid", "\"5a4e0001\"")},
     "$.nodes[1].hostid",
     "hostid 5a4e0001 is also node 'storage-a''s"},

    /* ---- fencing ---- */
    {"storage node needs fencing",
     {E("/nodes/0/fencing", "{\"method\": \"kasa\", \"address\": \"10.20.20.101\"}")},
     {DEL("/nodes/0/fencing")},
     "$.nodes[0]",
     "needs 'fencing'"},
    {"fence device on management",
     {E("/nodes/0/fencing/address", "\"10.20.20.200\"")},
     {E("/nodes/0/fencing/address", "\"10.30.30.101\"")},
     "$.nodes[0].fencing.address",
     "outside VLAN 'management'"},
    {"ipmi needs a username",
     {{0}},
     {DEL("/nodes/0/fencing/username")},
     "$.nodes[0].fencing",
     "method 'ipmi' needs 'username'"},
    {"ipmi needs a credential",
     {{0}},
     {DEL("/nodes/0/fencing/credential")},
     "$.nodes[0].fencing",
     "method 'ipmi' needs 'credential'"},
    {"esphome needs a plug",
     {E("/nodes/0/fencing/method", "\"esphome\""), E("/nodes/0/fencing/plug", "\"Relay\"")},
     {E("/nodes/0/fencing/method", "\"esphome\"")},
     "$.nodes[0].fencing",
     "needs 'plug'"},
    {"unknown fence method",
     {E("/nodes/0/fencing/method", "\"tasmota\"")},
     {E("/nodes/0/fencing/method", "\"apc\"")},
     "$.nodes[0].fencing.method",
     "unknown value 'apc'"},
    {"fence port range",
     {E("/nodes/0/fencing/port", "65535")},
     {E("/nodes/0/fencing/port", "0")},
     "$.nodes[0].fencing.port",
     "out of range"},

    /* ---- timing ---- */
    {"named profile fixes its values",
     {E("/timing/corosync_token_ms", "4000")},
     {E("/timing/corosync_token_ms", "5000")},
     "$.timing.corosync_token_ms",
     "differs from profile 'aggressive-safe' (4000)"},
    {"custom profile sets every value",
     {E("/timing",
        "{\"profile\": \"custom\", \"corosync_token_ms\": 6000, \"iscsi_replacement_timeout_s\": "
        "10, \"iscsi_noop_out_interval_s\": 3, \"iscsi_noop_out_timeout_s\": 3}")},
     {E("/timing", "{\"profile\": \"custom\", \"corosync_token_ms\": 6000}")},
     "$.timing.iscsi_replacement_timeout_s",
     "required key is missing"},
    {"corosync token floor",
     {E("/timing",
        "{\"profile\": \"custom\", \"corosync_token_ms\": 3000, \"iscsi_replacement_timeout_s\": "
        "5, \"iscsi_noop_out_interval_s\": 2, \"iscsi_noop_out_timeout_s\": 2}")},
     {E("/timing",
        "{\"profile\": \"custom\", \"corosync_token_ms\": 2500, \"iscsi_replacement_timeout_s\": "
        "5, \"iscsi_noop_out_interval_s\": 2, \"iscsi_noop_out_timeout_s\": 2}")},
     "$.timing.corosync_token_ms",
     "below 3000 ms"},
    {"unknown profile",
     {{0}},
     {E("/timing/profile", "\"fast\"")},
     "$.timing.profile",
     "unknown profile 'fast'"},

    /* ---- pool ---- */
    {"pool name",
     {E("/pool/name", "\"tank\"")},
     {E("/pool/name", "\"mirror1\"")},
     "$.pool.name",
     "not a valid pool name"},
    {"multihost is not configurable",
     {E("/pool/properties", "{\"autotrim\": \"off\"}")},
     {E("/pool/properties", "{\"multihost\": \"off\"}")},
     "$.pool.properties.multihost",
     "multihost is always on"},
    {"no cachefile",
     {{0}},
     {E("/pool/properties", "{\"cachefile\": \"/etc/zfs/zpool.cache\"}")},
     "$.pool.properties.cachefile",
     "never imported at boot"},
    {"property values are strings",
     {{0}},
     {E("/pool/root_properties/compression", "true")},
     "$.pool.root_properties.compression",
     "must be a string, not a boolean"},
    {"property name syntax",
     {E("/pool/root_properties/org.hasan:role", "\"san\"")},
     {E("/pool/root_properties/Compression", "\"lz4\"")},
     "$.pool.root_properties.Compression",
     "not a property name"},
    {"dataset depth",
     {E("/pool/datasets/10", "{\"name\": \"nfs/media/films\"}")},
     {E("/pool/datasets/9", "{\"name\": \"nfs/media/films\"}"),
      E("/pool/datasets/10", "{\"name\": \"nfs/media/films/old\"}")},
     "$.pool.datasets[10].name",
     "nested 4 levels deep (at most 3"},
    {"dataset parent declared first",
     {{0}},
     {E("/pool/datasets/1/name", "\"music/media\"")},
     "$.pool.datasets[1].name",
     "parent 'music' must be declared before 'music/media'"},
    {"dataset declared twice",
     {{0}},
     {E("/pool/datasets/2/name", "\"nfs/media\"")},
     "$.pool.datasets[2].name",
     "dataset 'nfs/media' is declared twice"},
    {"volume has no children",
     {{0}},
     {E("/pool/datasets/10", "{\"name\": \"iscsi/vm-proxmox-a/disk\"}")},
     "$.pool.datasets[10].name",
     "is a volume and cannot have children"},
    {"volume needs a size",
     {{0}},
     {DEL("/pool/datasets/6/size")},
     "$.pool.datasets[6]",
     "a volume needs 'size'"},
    {"size only on volumes",
     {{0}},
     {E("/pool/datasets/0/size", "\"1G\"")},
     "$.pool.datasets[0]",
     "'size' applies to volumes only"},
    {"dataset name syntax",
     {{0}},
     {E("/pool/datasets/1/name", "\"nfs//media\"")},
     "$.pool.datasets[1].name",
     "not a dataset name"},
    {"dataset type",
     {E("/pool/datasets/0/type", "\"filesystem\"")},
     {E("/pool/datasets/0/type", "\"zvol\"")},
     "$.pool.datasets[0].type",
     "unknown value 'zvol' (expected filesystem or volume)"},
};

/* ---- whole-document tests ---- */

static void test_good_fixture_is_valid(void **state)
{
        struct spec_problems p = {0};
        struct spec *s = NULL;

        assert_int_equal(spec_load_file(fixture("good.json"), &s, &p), 0);
        dump(&p);
        assert_int_equal(p.n, 0);
        assert_non_null(s);
        assert_string_equal(s->cluster_name, "san");
        assert_int_equal(s->n_networks, 4);
        assert_int_equal(s->timing.corosync_token_ms, 4000);
        assert_int_equal(s->nodes[0].disks[DISK_CLASS_DATA].n, 4);
        assert_non_null(spec_find_node(s, "quorum"));
        spec_free(s);
}

/* The fixture the documentation shows: each problem, with its path. */
static void test_broken_fixture_reports_every_problem(void **state)
{
        static const char *const expected[] = {
            "$.colour",
            "$.vlans.client[0].services[2]",
            "$.pool.name",
            "$.pool.ashift",
            "$.vlans.client[0].vip",
            "$.vlans.client[1].vip",
            "$.nodes[2].disks",
            "$.nodes[1].disks.data",
            "$.nodes[1].addresses.management",
            "$.nodes[1].backend.target_iqn",
        };
        struct spec_problems p = {0};
        struct spec *s = NULL;

        assert_int_equal(spec_load_file(fixture("broken.json"), &s, &p), 0);
        dump(&p);
        assert_int_equal(p.n, sizeof(expected) / sizeof(expected[0]));
        for (size_t i = 0; i < p.n; i++)
                assert_string_equal(p.items[i].path, expected[i]);
        spec_free(s);
        spec_problems_clear(&p);
}

static void test_not_json(void **state)
{
        struct spec_problems p = check_text("{\n  \"format\": 1,\n  \"cluster_name\": san\n}");
        assert_int_equal(p.n, 1);
        assert_string_equal(p.items[0].path, "$");
        assert_non_null(strstr(p.items[0].message, "not valid JSON at line 3"));
        spec_problems_clear(&p);
}

static void test_trailing_text(void **state)
{
        struct spec_problems p = check_text("{} {}");
        assert_int_equal(p.n, 1);
        assert_non_null(strstr(p.items[0].message, "unexpected text after the JSON document"));
        spec_problems_clear(&p);
}

static void test_not_an_object(void **state)
{
        struct spec_problems p = check_text("[1, 2]");
        assert_int_equal(p.n, 1);
        assert_string_equal(p.items[0].path, "$");
        assert_non_null(strstr(p.items[0].message, "must be an object, not an array"));
        spec_problems_clear(&p);
}

static void test_empty_object_lists_every_missing_key(void **state)
{
        static const char *const keys[] = {"$.format", "$.cluster_name", "$.timing",
                                           "$.vlans",  "$.nodes",        "$.pool"};
        struct spec_problems p = check_text("{}");
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
                bool found = false;
                for (size_t i = 0; i < p.n; i++)
                        found = found || strcmp(p.items[i].path, keys[k]) == 0;
                if (!found)
                        fail_msg("no problem reported at %s", keys[k]);
        }
        spec_problems_clear(&p);
}

static void test_unreadable_file(void **state)
{
        struct spec_problems p = {0};
        struct spec *s = NULL;

        assert_int_equal(spec_load_file("/nonexistent/cluster.json", &s, &p), -ENOENT);
        assert_null(s);
        assert_int_equal(p.n, 0);
}

/* spec show --json is a fixed point: its output is valid and prints identically. */
static void test_normalised_json_round_trip(void **state)
{
        struct spec_problems p = {0};
        struct spec *s = NULL, *s2 = NULL;
        json_object *o = NULL, *o2 = NULL;

        assert_int_equal(spec_load_file(fixture("good.json"), &s, &p), 0);
        assert_int_equal(spec_to_json(s, &o), 0);
        const char *text = json_object_to_json_string(o);

        assert_int_equal(spec_parse(text, strlen(text), &s2, &p), 0);
        assert_int_equal(spec_validate(s2, &p), 0);
        dump(&p);
        assert_int_equal(p.n, 0);
        assert_int_equal(spec_to_json(s2, &o2), 0);
        assert_string_equal(text, json_object_to_json_string(o2));

        /* Defaults are filled in. */
        json_object *v;
        assert_int_equal(json_pointer_get(o, "/backend_iscsi/port", &v), 0);
        assert_int_equal(json_object_get_int(v), 3260);
        assert_int_equal(json_pointer_get(o, "/vlans/management/mtu", &v), 0);
        assert_int_equal(json_object_get_int(v), 1500);
        assert_int_equal(json_pointer_get(o, "/nodes/0/disks/special", &v), 0);
        assert_int_equal(json_object_array_length(v), 0);

        json_object_put(o);
        json_object_put(o2);
        spec_free(s);
        spec_free(s2);
}

int main(void)
{
        const size_t n_rules = sizeof(cases) / sizeof(cases[0]);
        static const struct CMUnitTest fixed[] = {
            cmocka_unit_test(test_good_fixture_is_valid),
            cmocka_unit_test(test_broken_fixture_reports_every_problem),
            cmocka_unit_test(test_not_json),
            cmocka_unit_test(test_trailing_text),
            cmocka_unit_test(test_not_an_object),
            cmocka_unit_test(test_empty_object_lists_every_missing_key),
            cmocka_unit_test(test_unreadable_file),
            cmocka_unit_test(test_normalised_json_round_trip),
        };
        const size_t n_fixed = sizeof(fixed) / sizeof(fixed[0]);
        struct CMUnitTest *tests = calloc(n_rules + n_fixed, sizeof(*tests));

        if (!tests)
                return 1;
        memcpy(tests, fixed, sizeof(fixed));
        for (size_t i = 0; i < n_rules; i++)
                tests[n_fixed + i] = (struct CMUnitTest){
                    .name = cases[i].rule,
                    .test_func = test_rule,
                    .initial_state = (void *)&cases[i],
                };

        int r = _cmocka_run_group_tests("spec", tests, n_rules + n_fixed, NULL, NULL);
        free(tests);
        return r;
}
