/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan timeline's library: the match rules against the messages the
 * components write, the --since forms, the events' JSON round trip and its
 * errors, and how the last failover is put together from events.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/timeline.h"
#include "shared/macro.h"

/* --- the matcher ------------------------------------------------------------------------ */

static void assert_match(const char *identifier, const char *transport, const char *message,
                         enum timeline_phase want, const char *want_subject)
{
        enum timeline_phase phase = _TIMELINE_PHASE_INVALID;
        char *subject = NULL;
        int r = timeline_match(identifier, transport, message, &phase, &subject);

        if (r != 1)
                fail_msg("no match for %s: '%s'", identifier, message);
        assert_string_equal(timeline_phase_to_string(phase), timeline_phase_to_string(want));
        assert_string_equal(subject, want_subject);
        free(subject);
}

static void assert_no_match(const char *identifier, const char *transport, const char *message)
{
        enum timeline_phase phase;
        char *subject = NULL;
        int r = timeline_match(identifier, transport, message, &phase, &subject);

        if (r != 0)
                fail_msg("unexpected %s match for %s: '%s'",
                         r == 1 ? timeline_phase_to_string(phase) : "error", identifier, message);
        assert_null(subject);
}

static void test_match_phases(void **state)
{
        assert_match("kernel", "kernel", "connection1:0: detected conn error (1022)",
                     TIMELINE_PATH_FAULT, "");
        assert_match("kernel", "kernel",
                     "connection2:0: ping timeout of 5 secs expired, recv timeout 5, last rx "
                     "4308454544, last ping 4308459552, now 4308464560",
                     TIMELINE_PATH_FAULT, "");
        assert_match("kernel", "kernel", "session1: session recovery timed out after 5 secs",
                     TIMELINE_PATH_FAULT, "");
        assert_match("iscsid", "syslog",
                     "Kernel reported iSCSI connection 1:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: "
                     "A NOP has timed out) state (3)",
                     TIMELINE_PATH_FAULT, "");
        assert_match("corosync", "syslog",
                     "[TOTEM ] A processor failed, forming new configuration: token timed out "
                     "(4000ms), waiting 4800ms for consensus.",
                     TIMELINE_TOKEN_LOST, "");
        assert_match("corosync", "syslog",
                     "  [TOTEM ] A new membership (2.3e) was formed. Members left: 1",
                     TIMELINE_MEMBERSHIP, "1");
        assert_match("corosync", "syslog", "[QUORUM] Sync left[1]: 3", TIMELINE_MEMBERSHIP, "3");
        assert_match("pacemaker-controld", "syslog", "notice: Node storage-a state is now lost",
                     TIMELINE_MEMBERSHIP, "storage-a");
        assert_match("pacemaker-controld", "syslog",
                     "notice: Requesting fencing (reboot) of node storage-a",
                     TIMELINE_FENCE_REQUEST, "storage-a");
        assert_match("pacemaker-fenced", "syslog",
                     "notice: Operation 'reboot' [2211] targeting storage-a using fence-storage-a "
                     "returned 0",
                     TIMELINE_FENCE_DONE, "storage-a");
        assert_match("pacemaker-fenced", "syslog",
                     "Operation 'off' targeting storage-b by quorum for "
                     "pacemaker-controld.1190@storage-a: OK (complete)",
                     TIMELINE_FENCE_DONE, "storage-b");
        assert_match("fence_tasmota", "syslog",
                     "'10.10.10.201:80' plug '1' is OFF: verified (the plug reports OFF and the "
                     "node's addresses no longer answer)",
                     TIMELINE_FENCE_DONE, "");
        assert_match("pacemaker-controld", "syslog",
                     "notice: Peer storage-a was terminated (reboot) by storage-b on behalf of "
                     "pacemaker-controld.1190@quorum: OK",
                     TIMELINE_FENCE_DONE, "storage-a");
        assert_match("pacemaker-controld", "syslog",
                     "notice: Initiating stop operation tank-unblock-client_stop_0 on storage-b",
                     TIMELINE_GROUP_STOP, "tank-unblock-client_stop_0");
        assert_match("hasan-pool", "syslog", "phase export-done: tank exported in 712 ms",
                     TIMELINE_EXPORT_DONE, "tank");
        assert_match("hasan-pool", "syslog",
                     "phase import-start: zpool import tank (timeout 55000 ms)",
                     TIMELINE_IMPORT_START, "tank");
        assert_match("hasan-pool", "syslog",
                     "phase import-done: tank imported DEGRADED in 2205 ms (2220 ms since start)",
                     TIMELINE_IMPORT_DONE, "tank");
        assert_match("pacemaker-controld", "syslog",
                     "notice: Result of start operation for tank-vip-client on storage-b: ok",
                     TIMELINE_VIP_UP, "tank-vip-client");
        /* Pacemaker keeps the details after " | " in its own log only, but either way. */
        assert_match("pacemaker-controld", "syslog",
                     "Result of start operation for tank-unblock-client on storage-b: ok | graph "
                     "action confirmed; call=61 key=tank-unblock-client_start_0 rc=0",
                     TIMELINE_SERVICES_UP, "tank-unblock-client");
}

static void test_match_rejects(void **state)
{
        /* The right text from another program, or a kernel line that did not come from it. */
        assert_no_match("hasan-probe", "syslog", "phase import-done: tank imported ONLINE");
        assert_no_match("kernel", "syslog", "connection1:0: detected conn error (1022)");
        assert_no_match(NULL, "kernel", "connection1:0: detected conn error (1022)");
        assert_no_match("hasan-pool", "syslog", NULL);
        /* Joins are no failover; the other phases of the pool agent are not phases here. */
        assert_no_match("corosync", "syslog",
                        "[TOTEM ] A new membership (1.42) was formed. Members joined: 1");
        assert_no_match("corosync", "syslog", "[QUORUM] Members[2]: 2 3");
        assert_no_match("hasan-pool", "syslog",
                        "phase devices: 6 of 6 local halves, 0 of 6 of storage-a's present");
        /* A start that did not succeed, a monitor, a resource that is neither VIP nor unblock. */
        assert_no_match("pacemaker-controld", "syslog",
                        "Result of start operation for tank-vip-client on storage-b: error");
        assert_no_match("pacemaker-controld", "syslog",
                        "Result of start operation for tank-vip-client on storage-b: okay");
        assert_no_match("pacemaker-controld", "syslog",
                        "Result of monitor operation for tank-vip-client on storage-b: ok");
        assert_no_match("pacemaker-controld", "syslog",
                        "Result of start operation for tank-nfs on storage-b: ok");
        assert_no_match("pacemaker-controld", "syslog",
                        "Initiating start operation tank-import_start_0 on storage-b");
        /* Fencing that failed, or that was no fencing (a monitor has no target). */
        assert_no_match("pacemaker-fenced", "syslog",
                        "Operation 'reboot' [2211] targeting storage-a using fence-storage-a "
                        "returned 1");
        assert_no_match("pacemaker-fenced", "syslog",
                        "Operation 'reboot' [2211] targeting storage-a using fence-storage-a "
                        "returned 01");
        assert_no_match("pacemaker-fenced", "syslog",
                        "Operation 'monitor' [2301] using fence-storage-a returned 0");
        assert_no_match("pacemaker-fenced", "syslog",
                        "Operation 'reboot' targeting storage-a by storage-b for "
                        "pacemaker-controld.1190@quorum: Timed Out (complete)");
        assert_no_match("fence_tasmota", "syslog", "switching '10.10.10.201:80' plug '1' OFF");
        assert_no_match("fence_tasmota", "syslog", "'10.10.10.201:80' plug '1' reports OFF");
        assert_no_match("pacemaker-controld", "syslog",
                        "Peer storage-a was not terminated (reboot) by storage-b on behalf of "
                        "pacemaker-controld.1190@quorum: Error");
}

static void test_phase_names(void **state)
{
        for (int p = 0; p < _TIMELINE_PHASE_MAX; p++) {
                const char *name = timeline_phase_to_string((enum timeline_phase)p);

                assert_non_null(name);
                assert_int_equal(timeline_phase_from_string(name), p);
        }
        assert_int_equal(timeline_phase_from_string("import"), _TIMELINE_PHASE_INVALID);
        assert_int_equal(timeline_phase_from_string(NULL), _TIMELINE_PHASE_INVALID);
        assert_null(timeline_phase_to_string(_TIMELINE_PHASE_MAX));

        /* The journal reader filters on these: each rule's source once. */
        {
                const char *ids[TIMELINE_IDENTIFIERS_MAX];
                const char *want[] = {
                    "kernel",           "iscsid",     "corosync",      "pacemaker-controld",
                    "pacemaker-fenced", "fence_kasa", "fence_tasmota", "fence_esphome",
                    "fence_hasan_http", "hasan-pool"};
                size_t n = timeline_identifiers(ids, ELEMENTSOF(ids));

                assert_int_equal(n, ELEMENTSOF(want));
                /* A short array is told how long it should be. */
                assert_int_equal(timeline_identifiers(ids, 2), ELEMENTSOF(want));
                for (size_t i = 0; i < ELEMENTSOF(want); i++)
                        assert_string_equal(ids[i], want[i]);
        }
}

/* --- --since ---------------------------------------------------------------------------- */

static void test_parse_since(void **state)
{
        const uint64_t now = 1796637600000000ull; /* 2026-12-07T10:00:00Z */
        uint64_t t = 0;

        assert_int_equal(timeline_parse_since("-1h", now, &t), 0);
        assert_true(t == now - 3600000000ull);
        assert_int_equal(timeline_parse_since("-90s", now, &t), 0);
        assert_true(t == now - 90000000ull);
        assert_int_equal(timeline_parse_since("-2d", now, &t), 0);
        assert_true(t == now - 2 * 86400000000ull);
        assert_int_equal(timeline_parse_since("-15m", now, &t), 0);
        assert_true(t == now - 900000000ull);
        assert_int_equal(timeline_parse_since("@1796637600", now, &t), 0);
        assert_true(t == now);
        assert_int_equal(timeline_parse_since("2026-12-07T10:00:00Z", now, &t), 0);
        assert_true(t == now);
        assert_int_equal(timeline_parse_since("2026-12-07 09:59:00", now, &t), 0);
        assert_true(t == now - 60000000ull);

        t = 42;
        assert_int_equal(timeline_parse_since("-1x", now, &t), -EINVAL);
        assert_int_equal(timeline_parse_since("-h", now, &t), -EINVAL);
        assert_int_equal(timeline_parse_since("-", now, &t), -EINVAL);
        assert_int_equal(timeline_parse_since("-+1h", now, &t), -EINVAL);
        assert_int_equal(timeline_parse_since("-99999999999d", now, &t), -EINVAL);
        assert_int_equal(timeline_parse_since("@", now, &t), -EINVAL);
        assert_int_equal(timeline_parse_since("@12abc", now, &t), -EINVAL);
        assert_int_equal(timeline_parse_since("yesterday", now, &t), -EINVAL);
        assert_int_equal(timeline_parse_since("2026-12-07", now, &t), -EINVAL);
        assert_int_equal(timeline_parse_since("2026-12-07T25:00:00", now, &t), -EINVAL);
        assert_int_equal(timeline_parse_since("2026-12-07T10:00:00+02", now, &t), -EINVAL);
        assert_true(t == 42);
}

/* --- events and JSON -------------------------------------------------------------------- */

/* Seconds after 2026-12-07T10:00:00Z, in microseconds. */
#define AT(sec) (1796637600000000ull + (uint64_t)((sec)*1000000.0 + 0.5))

static void add(struct timeline_events *e, double sec, enum timeline_phase p, const char *node,
                const char *subject)
{
        char message[128];

        snprintf(message, sizeof(message), "%s of %s on %s", timeline_phase_to_string(p), subject,
                 node);
        assert_int_equal(timeline_events_add(e, AT(sec), p, node, subject, message), 0);
}

static void test_json_round_trip(void **state)
{
        struct timeline_events e = {0}, back = {0};
        struct json_object *j;
        char why[256] = "";
        char *text;

        add(&e, 1.5, TIMELINE_IMPORT_DONE, "storage-b", "tank");
        add(&e, 0.25, TIMELINE_PATH_FAULT, "storage-a", "");
        j = timeline_events_to_json(&e);
        assert_non_null(j);
        /* Two nodes' output, one after the other, as 'merge' reads a pipe. */
        assert_true(asprintf(&text, "%s\n%s\n", json_object_to_json_string(j),
                             json_object_to_json_string(j)) > 0);
        json_object_put(j);
        assert_int_equal(
            timeline_events_from_json(text, strlen(text), "stdin", &back, why, sizeof(why)), 0);
        assert_int_equal(back.n, 4);
        timeline_events_sort(&back);
        assert_true(back.v[0].usec == AT(0.25));
        assert_int_equal(back.v[0].phase, TIMELINE_PATH_FAULT);
        assert_string_equal(back.v[0].node, "storage-a");
        assert_string_equal(back.v[3].subject, "tank");
        assert_string_equal(back.v[3].message, "import-done of tank on storage-b");
        free(text);
        timeline_events_clear(&back);
        timeline_events_clear(&e);
}

static void assert_json_error(const char *text, const char *want)
{
        struct timeline_events e = {0};
        char why[256] = "";

        add(&e, 1, TIMELINE_IMPORT_DONE, "storage-b", "tank");
        assert_int_equal(
            timeline_events_from_json(text, strlen(text), "in.json", &e, why, sizeof(why)),
            -EINVAL);
        if (!strstr(why, want))
                fail_msg("error '%s' does not say '%s'", why, want);
        /* Nothing of the bad input was kept. */
        assert_int_equal(e.n, 1);
        timeline_events_clear(&e);
}

static void test_json_errors(void **state)
{
        const char *good = "{\"node\":\"storage-a\",\"realtime_usec\":1796637600000000,"
                           "\"phase\":\"import-done\",\"subject\":\"tank\",\"message\":\"m\"}";
        char text[512];

        assert_json_error("{\"node\":", "in.json: document 1: not JSON");
        assert_json_error("[] [1", "in.json: document 2: not JSON");
        assert_json_error("{\"events\":[]}", "document 1: not a JSON array of events");
        snprintf(text, sizeof(text), "[%s, 7]", good);
        assert_json_error(text, "document 1: event 2: not an object");
        assert_json_error("[{\"realtime_usec\":1,\"phase\":\"import-done\",\"message\":\"m\"}]",
                          "event 1: 'node' is missing");
        assert_json_error("[{\"node\":\"\",\"realtime_usec\":1,\"phase\":\"import-done\","
                          "\"message\":\"m\"}]",
                          "event 1: 'node' is empty");
        assert_json_error("[{\"node\":\"a\",\"realtime_usec\":1,\"phase\":\"lunch\","
                          "\"message\":\"m\"}]",
                          "'phase' is 'lunch', not a phase hasan timeline knows");
        assert_json_error("[{\"node\":\"a\",\"realtime_usec\":\"1\",\"phase\":\"vip-up\","
                          "\"message\":\"m\"}]",
                          "'realtime_usec' is not a positive whole number");
        assert_json_error("[{\"node\":\"a\",\"realtime_usec\":-5,\"phase\":\"vip-up\","
                          "\"message\":\"m\"}]",
                          "'realtime_usec' is not a positive whole number");
        assert_json_error("[{\"node\":\"a\",\"phase\":\"vip-up\",\"message\":\"m\"}]",
                          "'realtime_usec' is missing");
        assert_json_error("[{\"node\":\"a\",\"realtime_usec\":1,\"phase\":\"vip-up\","
                          "\"message\":3}]",
                          "'message' is not a string");
        snprintf(text, sizeof(text), "[%s] nonsense", good);
        assert_json_error(text, "document 2: not JSON");
}

/* --- the last failover ------------------------------------------------------------------ */

static const struct timeline_event *ph(const struct timeline_failover *f, enum timeline_phase p)
{
        return f->phase[p];
}

/* An unplanned failover to storage-b at 0 s, after an import on storage-a at -3600 s. */
static void unplanned(struct timeline_events *e)
{
        add(e, -3600, TIMELINE_IMPORT_DONE, "storage-a", "tank");
        add(e, -3599, TIMELINE_SERVICES_UP, "storage-a", "tank-unblock-client");
        add(e, -200, TIMELINE_MEMBERSHIP, "storage-b", "1"); /* long before: outside the window */
        add(e, 2.1, TIMELINE_PATH_FAULT, "storage-b", "");
        add(e, 3.0, TIMELINE_TOKEN_LOST, "quorum", "");
        add(e, 7.8, TIMELINE_MEMBERSHIP, "storage-b", "1");
        add(e, 7.9, TIMELINE_FENCE_REQUEST, "quorum", "storage-a");
        add(e, 11.5, TIMELINE_FENCE_DONE, "storage-b", "storage-a");
        add(e, 11.6, TIMELINE_FENCE_DONE, "quorum", "storage-a");
        add(e, 12.4, TIMELINE_IMPORT_START, "storage-b", "tank");
        add(e, 14.6, TIMELINE_IMPORT_DONE, "storage-b", "tank");
        add(e, 15.4, TIMELINE_VIP_UP, "storage-b", "tank-vip-management");
        add(e, 15.7, TIMELINE_VIP_UP, "storage-b", "tank-vip-client");
        add(e, 16.0, TIMELINE_SERVICES_UP, "storage-b", "tank-unblock-storage");
        add(e, 17.0, TIMELINE_SERVICES_UP, "storage-b", "tank-unblock-client");
        /* A VIP restarted later (monitor failure) does not move "VIPs up". */
        add(e, 90.0, TIMELINE_VIP_UP, "storage-b", "tank-vip-client");
        /* Another pool's and another node's starts are not this failover's. */
        add(e, 16.5, TIMELINE_SERVICES_UP, "storage-b", "other-unblock-client");
        add(e, 18.0, TIMELINE_SERVICES_UP, "storage-a", "tank-unblock-client");
        timeline_events_sort(e);
}

static void assert_seconds(double got, double want)
{
        if (got < want - 0.0005 || got > want + 0.0005)
                fail_msg("%.6f s, not %.6f s", got, want);
}

static double span(const struct timeline_failover *f, const char *name)
{
        struct timeline_span s[TIMELINE_SPANS_MAX];
        size_t n = timeline_failover_spans(f, s, ELEMENTSOF(s));

        for (size_t i = 0; i < n; i++)
                if (strcmp(s[i].name, name) == 0)
                        return s[i].seconds;
        return -1;
}

static void test_last_unplanned(void **state)
{
        struct timeline_events e = {0};
        struct timeline_failover f;

        unplanned(&e);
        assert_int_equal(timeline_last_failover(&e, NULL, &f), 0);
        assert_int_equal(f.kind, TIMELINE_UNPLANNED);
        assert_string_equal(f.pool, "tank");
        assert_string_equal(f.node, "storage-b");
        assert_true(f.complete);
        assert_true(ph(&f, TIMELINE_PATH_FAULT)->usec == AT(2.1));
        assert_true(ph(&f, TIMELINE_MEMBERSHIP)->usec == AT(7.8));
        assert_true(ph(&f, TIMELINE_FENCE_DONE)->usec == AT(11.5));
        assert_null(ph(&f, TIMELINE_EXPORT_DONE));
        assert_null(ph(&f, TIMELINE_GROUP_STOP));
        assert_true(ph(&f, TIMELINE_VIP_UP)->usec == AT(15.7));
        assert_true(ph(&f, TIMELINE_SERVICES_UP)->usec == AT(17.0));
        assert_true(f.start_usec == AT(2.1));
        assert_true(f.end_usec == AT(17.0));
        assert_seconds(span(&f, "total"), 14.9);
        assert_seconds(span(&f, "detection"), 5.8);
        assert_seconds(span(&f, "fencing"), 3.6);
        assert_seconds(span(&f, "import"), 2.2);
        assert_seconds(span(&f, "services"), 2.4);
        assert_true(span(&f, "stop") < 0);

        /* A narrower window leaves the path fault and the token loss out. */
        assert_int_equal(
            timeline_last_failover(&e, &(struct timeline_options){.window_usec = 5000000}, &f), 0);
        assert_null(ph(&f, TIMELINE_PATH_FAULT));
        assert_null(ph(&f, TIMELINE_TOKEN_LOST));
        assert_true(f.start_usec == AT(7.8));
        timeline_events_clear(&e);
}

static void test_last_planned_after_unplanned(void **state)
{
        struct timeline_events e = {0};
        struct timeline_failover f;
        struct json_object *j, *v;

        unplanned(&e);
        /* An hour later the pool goes back to storage-a, planned. */
        add(&e, 3600.2, TIMELINE_GROUP_STOP, "quorum", "tank-unblock-client_stop_0");
        add(&e, 3600.3, TIMELINE_GROUP_STOP, "quorum", "backend_stop_0");
        add(&e, 3603.56, TIMELINE_EXPORT_DONE, "storage-b", "tank");
        add(&e, 3606.03, TIMELINE_IMPORT_START, "storage-a", "tank");
        add(&e, 3608.25, TIMELINE_IMPORT_DONE, "storage-a", "tank");
        add(&e, 3609.15, TIMELINE_VIP_UP, "storage-a", "tank-vip-client");
        add(&e, 3610.3, TIMELINE_SERVICES_UP, "storage-a", "tank-unblock-client");
        timeline_events_sort(&e);

        assert_int_equal(timeline_last_failover(&e, NULL, &f), 0);
        assert_int_equal(f.kind, TIMELINE_PLANNED);
        assert_string_equal(f.node, "storage-a");
        /* Nothing of the unplanned failover an hour before. */
        assert_null(ph(&f, TIMELINE_PATH_FAULT));
        assert_null(ph(&f, TIMELINE_FENCE_DONE));
        assert_string_equal(ph(&f, TIMELINE_GROUP_STOP)->subject, "tank-unblock-client_stop_0");
        assert_seconds(span(&f, "total"), 10.1);
        assert_seconds(span(&f, "stop"), 3.36);
        assert_true(span(&f, "detection") < 0);

        j = timeline_failover_to_json(&f);
        assert_non_null(j);
        assert_true(json_object_object_get_ex(j, "kind", &v));
        assert_string_equal(json_object_get_string(v), "planned");
        assert_true(json_object_object_get_ex(j, "total_seconds", &v));
        assert_string_equal(json_object_to_json_string(v), "10.100");
        assert_true(json_object_object_get_ex(j, "phases", &v));
        assert_int_equal(json_object_array_length(v), 6);
        v = json_object_array_get_idx(v, 1);
        assert_true(json_object_object_get_ex(v, "phase", &v));
        assert_string_equal(json_object_get_string(v), "export-done");
        json_object_put(j);
        timeline_events_clear(&e);
}

static void test_last_incomplete_and_none(void **state)
{
        struct timeline_events e = {0};
        struct timeline_failover f = {0};

        /* No import at all. */
        add(&e, 1, TIMELINE_MEMBERSHIP, "quorum", "1");
        assert_int_equal(timeline_last_failover(&e, NULL, &f), -ENOENT);

        /* An import whose services never came up: known so far, not complete. */
        add(&e, 3, TIMELINE_FENCE_REQUEST, "quorum", "storage-b"); /* the importer itself: not */
        add(&e, 4, TIMELINE_IMPORT_START, "storage-b", "tank");
        add(&e, 6, TIMELINE_IMPORT_DONE, "storage-b", "tank");
        add(&e, 7, TIMELINE_VIP_UP, "storage-b", "tank-vip-client");
        add(&e, 300, TIMELINE_SERVICES_UP, "storage-b", "tank-unblock-client"); /* too late */
        timeline_events_sort(&e);
        assert_int_equal(timeline_last_failover(&e, NULL, &f), 0);
        assert_false(f.complete);
        assert_null(ph(&f, TIMELINE_FENCE_REQUEST));
        assert_null(ph(&f, TIMELINE_SERVICES_UP));
        assert_true(f.start_usec == AT(1));
        assert_true(f.end_usec == AT(7));
        assert_true(span(&f, "total") < 0);
        assert_seconds(span(&f, "import"), 2);
        timeline_events_clear(&e);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_match_phases),
            cmocka_unit_test(test_match_rejects),
            cmocka_unit_test(test_phase_names),
            cmocka_unit_test(test_parse_since),
            cmocka_unit_test(test_json_round_trip),
            cmocka_unit_test(test_json_errors),
            cmocka_unit_test(test_last_unplanned),
            cmocka_unit_test(test_last_planned_after_unplanned),
            cmocka_unit_test(test_last_incomplete_and_none),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
