/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan exporter's collectors on fixture inputs: `zpool status -j` output
 * (tests/fixtures/exporter/, the lab's captures under the by-vdev names
 * the pool uses), and kstat, sysfs and configfs trees built in a scratch
 * directory the way the kernel lays them out. The fence probe talks to a
 * Tasmota stand-in on the loopback.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "lib/exporter.h"
#include "lib/exposition.h"
#include "lib/layout.h"
#include "shared/fileio.h"
#include "spec-util.h"
#include "tmpdir-util.h"

struct fixture {
        struct spec *spec;
        char *dir;
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        f->spec = load_good_spec();
        f->dir = test_tmpdir_new("exporter");
        assert_non_null(f->dir);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;

        spec_free(f->spec);
        assert_int_equal(test_tmpdir_remove(f->dir), 0);
        free(f);
        return 0;
}

/* Write text to dir/rel, creating the directories on the way. */
static void put(const char *dir, const char *rel, const char *text)
{
        char path[4096];

        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
                *p = '\0';
                assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
                *p = '/';
        }
        if (text) {
                FILE *fp = fopen(path, "we");
                assert_non_null(fp);
                fputs(text, fp);
                assert_int_equal(fclose(fp), 0);
        } else
                assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
}

static void link_at(const char *dir, const char *rel, const char *target)
{
        char path[4096];

        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        assert_int_equal(symlink(target, path), 0);
}

static const struct spec_node *node(const struct spec *s, const char *name)
{
        const struct spec_node *n = NULL;

        assert_int_equal(layout_local_node(s, name, &n), 0);
        return n;
}

/* Run a collector; its text (free it) or NULL when it failed, why then in why. */
static char *run(int (*collect)(struct expo *, const struct exporter_source *, char *, size_t),
                 const struct exporter_source *src, int *ret, char *why, size_t why_size)
{
        struct expo e;
        char *text = NULL;
        size_t size;

        assert_int_equal(expo_open(&e), 0);
        *ret = collect(&e, src, why, why_size);
        if (*ret < 0) {
                expo_discard(&e);
                return NULL;
        }
        assert_int_equal(expo_finish(&e, &text, &size), 0);
        assert_int_equal(strlen(text), size);
        return text;
}

static void assert_has(const char *text, const char *line)
{
        if (!strstr(text, line))
                fail_msg("missing '%s' in:\n%s", line, text);
}

static void assert_lacks(const char *text, const char *part)
{
        if (strstr(text, part))
                fail_msg("unexpected '%s' in:\n%s", part, text);
}

static void test_exposition_format(void **state)
{
        struct expo e;
        char *text = NULL;
        size_t size;

        assert_int_equal(expo_open(&e), 0);
        expo_family(&e, "x_empty", "gauge", "never sampled");
        expo_family(&e, "x_total", "counter", "back\\slash and\nnewline");
        expo_counter(&e, UINT64_C(18446744073709551615),
                     EXPO_LABELS("a", "q\"uote", "b", "new\nline\\"));
        expo_counter(&e, 0, NULL);
        expo_family(&e, "x_gauge", "gauge", "gauge");
        expo_gauge(&e, 0.25, EXPO_LABELS("a", NULL));
        expo_gauge(&e, 1795553994, NULL);
        assert_int_equal(expo_finish(&e, &text, &size), 0);
        assert_string_equal(text, "# HELP x_total back\\\\slash and\\nnewline\n"
                                  "# TYPE x_total counter\n"
                                  "x_total{a=\"q\\\"uote\",b=\"new\\nline\\\\\"} "
                                  "18446744073709551615\n"
                                  "x_total 0\n"
                                  "# HELP x_gauge gauge\n"
                                  "# TYPE x_gauge gauge\n"
                                  "x_gauge{a=\"\"} 0.25\n"
                                  "x_gauge 1795553994\n");
        free(text);
}

static void test_pool_from_kstat(void **state)
{
        struct fixture *f = *state;
        struct exporter_source src = {.spec = f->spec, .zfs_kstat = f->dir};
        char why[256] = "", *text;
        int r;

        text = run(exporter_collect_pool, &src, &r, why, sizeof(why));
        assert_int_equal(r, 0);
        assert_string_equal(text, "# HELP hasan_pool_imported 1 when the pool is imported on this "
                                  "node (its kstat exists), else 0.\n"
                                  "# TYPE hasan_pool_imported gauge\n"
                                  "hasan_pool_imported{pool=\"san-pool\"} 0\n");
        free(text);

        put(f->dir, "san-pool/state", "DEGRADED\n");
        text = run(exporter_collect_pool, &src, &r, why, sizeof(why));
        assert_int_equal(r, 0);
        assert_has(text, "hasan_pool_imported{pool=\"san-pool\"} 1\n");
        assert_has(text, "hasan_pool_state{pool=\"san-pool\",state=\"DEGRADED\"} 1\n");
        assert_has(text, "hasan_pool_state{pool=\"san-pool\",state=\"ONLINE\"} 0\n");
        assert_has(text, "hasan_pool_state{pool=\"san-pool\",state=\"SUSPENDED\"} 0\n");
        free(text);

        /* A state zpool may add later still shows, as itself. */
        put(f->dir, "san-pool/state", "NEWSTATE\n");
        text = run(exporter_collect_pool, &src, &r, why, sizeof(why));
        assert_has(text, "hasan_pool_state{pool=\"san-pool\",state=\"NEWSTATE\"} 1\n");
        assert_has(text, "hasan_pool_state{pool=\"san-pool\",state=\"DEGRADED\"} 0\n");
        free(text);
}

static char *vdev_text(const struct exporter_source *src, const char *fixture_name)
{
        char path[4096], *json = NULL, *text = NULL;
        const char *dir = getenv("HASAN_FIXTURES");
        struct zpool_status st = {0};
        struct expo e;
        size_t size;

        snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/fixtures", fixture_name);
        assert_int_equal(read_full_file(path, &json, &size), 0);
        assert_int_equal(zpool_status_parse(json, "san-pool", &st), 0);
        assert_int_equal(expo_open(&e), 0);
        exporter_vdev_metrics(&e, src, &st);
        assert_int_equal(expo_finish(&e, &text, &size), 0);
        zpool_status_clear(&st);
        free(json);
        return text;
}

static void test_halves_after_failover(void **state)
{
        struct fixture *f = *state;
        /* storage-a died: storage-b holds the pool with its own halves only. */
        struct exporter_source src = {.spec = f->spec, .self = node(f->spec, "storage-b")};
        char *text = vdev_text(&src, "exporter/status-degraded-byvdev.json");

        assert_has(text, "hasan_vdev_state{pool=\"san-pool\",vdev=\"mirror-0\",device=\"/dev/disk/"
                         "by-vdev/storage-b-data0-part1\",class=\"normal\",node=\"storage-b\","
                         "half=\"local\",state=\"ONLINE\"} 1\n");
        assert_has(text, "hasan_vdev_state{pool=\"san-pool\",vdev=\"mirror-1\",device=\"/dev/disk/"
                         "by-vdev/storage-a-data1-part1\",class=\"normal\",node=\"storage-a\","
                         "half=\"remote\",state=\"ONLINE\"} 0\n");
        /* zpool -j names a device that cannot be opened CANT_OPEN: kept as it is. */
        assert_has(text, "device=\"/dev/disk/by-vdev/storage-a-data1-part1\",class=\"normal\",node="
                         "\"storage-a\",half=\"remote\",state=\"CANT_OPEN\"} 1\n");
        assert_lacks(text, "half=\"local\",state=\"CANT_OPEN\"");
        assert_lacks(text, "half=\"unknown\"");
        assert_has(text, "hasan_pool_scan_state{pool=\"san-pool\",function=\"resilver\","
                         "state=\"scanning\"} 1\n");
        assert_has(text, "hasan_pool_scan_start_timestamp_seconds{pool=\"san-pool\",function="
                         "\"resilver\"} 1795553983\n");
        /* A running scan has no end. */
        assert_lacks(text, "hasan_pool_scan_end_timestamp_seconds");
        assert_has(text, "hasan_pool_scan_examined_bytes{pool=\"san-pool\",function=\"resilver\"} "
                         "6750208\n");
        assert_has(text, "hasan_pool_scan_to_examine_bytes{pool=\"san-pool\",function="
                         "\"resilver\"} 10244096\n");
        free(text);

        /* The same pool seen from storage-a: the halves swap sides. */
        src.self = node(f->spec, "storage-a");
        text = vdev_text(&src, "exporter/status-degraded-byvdev.json");
        assert_has(text, "node=\"storage-a\",half=\"local\",state=\"CANT_OPEN\"} 1\n");
        assert_has(text, "node=\"storage-b\",half=\"remote\",state=\"ONLINE\"} 1\n");
        free(text);
}

static void test_scrubbed_pool(void **state)
{
        struct fixture *f = *state;
        struct exporter_source src = {.spec = f->spec, .self = node(f->spec, "storage-a")};
        char *text = vdev_text(&src, "exporter/status-online-byvdev.json");
        size_t online = 0;

        for (const char *p = text; (p = strstr(p, "state=\"ONLINE\"} 1\n")); p++)
                online++;
        assert_int_equal(online, 4);
        assert_has(text, "hasan_pool_scan_state{pool=\"san-pool\",function=\"scrub\","
                         "state=\"finished\"} 1\n");
        assert_has(text, "hasan_pool_scan_end_timestamp_seconds{pool=\"san-pool\",function="
                         "\"scrub\"} 1795560042\n");
        free(text);

        /* A pool made before the by-vdev names: whose half it is cannot be told. */
        text = vdev_text(&src, "zpool/status-online.json");
        assert_has(text, "node=\"\",half=\"unknown\",state=\"ONLINE\"} 1\n");
        assert_lacks(text, "half=\"local\"");
        free(text);
}

/* An open-iscsi session as sysfs shows it. */
static void make_session(const char *sysfs, unsigned id, unsigned host, const char *target,
                         const char *state)
{
        char rel[256], target_link[256];

        snprintf(rel, sizeof(rel), "devices/platform/host%u/session%u", host, id);
        put(sysfs, rel, NULL);
        snprintf(rel, sizeof(rel), "class/iscsi_session/session%u/targetname", id);
        put(sysfs, rel, target);
        snprintf(rel, sizeof(rel), "class/iscsi_session/session%u/state", id);
        put(sysfs, rel, state);
        snprintf(rel, sizeof(rel), "class/iscsi_session/session%u/device", id);
        snprintf(target_link, sizeof(target_link), "../../../devices/platform/host%u/session%u",
                 host, id);
        link_at(sysfs, rel, target_link);
}

static void test_backend_session(void **state)
{
        struct fixture *f = *state;
        struct exporter_source src = {
            .spec = f->spec, .self = node(f->spec, "storage-a"), .sysfs = f->dir};
        const char *down = "hasan_backend_session_up{target=\"iqn.2025-01.lab.home:storage-b\","
                           "portal=\"10.10.10.2:3260\"} 0\n";
        const char *up = "hasan_backend_session_up{target=\"iqn.2025-01.lab.home:storage-b\","
                         "portal=\"10.10.10.2:3260\"} 1\n";
        char why[256] = "", *text;
        int r;

        /* No session at all (no iscsi_session class): down. */
        text = run(exporter_collect_backend, &src, &r, why, sizeof(why));
        assert_int_equal(r, 0);
        assert_has(text, down);
        free(text);

        /* A session to another target does not count, nor one in recovery. */
        make_session(f->dir, 1, 3, "iqn.2025-01.lab.home:elsewhere\n", "LOGGED_IN\n");
        make_session(f->dir, 2, 4, "iqn.2025-01.lab.home:storage-b\n", "FAILED\n");
        text = run(exporter_collect_backend, &src, &r, why, sizeof(why));
        assert_has(text, down);
        free(text);

        make_session(f->dir, 3, 5, "iqn.2025-01.lab.home:storage-b\n", "LOGGED_IN\n");
        text = run(exporter_collect_backend, &src, &r, why, sizeof(why));
        assert_has(text, up);
        free(text);

        /* The quorum node has no backend: nothing to report, and no failure. */
        src.self = NULL;
        text = run(exporter_collect_backend, &src, &r, why, sizeof(why));
        assert_int_equal(r, 0);
        assert_string_equal(text, "");
        free(text);
}

static void make_lun(const char *root, const char *tpg, unsigned lun, const char *backstore,
                     const char *cmds, const char *read_mib, const char *write_mib)
{
        char rel[512], target[512];
        const char *stats[][2] = {
            {"in_cmds", cmds}, {"read_mbytes", read_mib}, {"write_mbytes", write_mib}};

        for (size_t i = 0; i < 3; i++) {
                if (!stats[i][1])
                        continue;
                snprintf(rel, sizeof(rel), "%s/lun/lun_%u/statistics/scsi_tgt_port/%s", tpg, lun,
                         stats[i][0]);
                put(root, rel, stats[i][1]);
        }
        if (backstore) {
                snprintf(rel, sizeof(rel), "%s/lun/lun_%u/%s", tpg, lun,
                         strrchr(backstore, '/') + 1);
                snprintf(target, sizeof(target), "%s/core/%s", root, backstore);
                link_at(root, rel, target);
        }
}

static void test_lio_counters(void **state)
{
        struct fixture *f = *state;
        struct exporter_source src = {.spec = f->spec, .lio_root = f->dir};
        const char *labels0 = "{target=\"iqn.2025-01.lab.home:storage-a\",tpg=\"1\",lun=\"0\","
                              "backstore=\"iblock_4000/backend-lun0\"}";
        char why[256] = "", *text, line[512];
        int r;

        /* No LIO (configfs root absent): no LUNs, no failure. */
        text = run(exporter_collect_lio, &src, &r, why, sizeof(why));
        assert_int_equal(r, 0);
        assert_string_equal(text, "");
        free(text);

        put(f->dir, "iscsi/discovery_auth/enforce_discovery_auth", "0\n");
        make_lun(f->dir, "iscsi/iqn.2025-01.lab.home:storage-a/tpgt_1", 0,
                 "iblock_4000/backend-lun0", "123456\n", "3\n", "4095\n");
        make_lun(f->dir, "iscsi/iqn.2025-01.lab.home:storage-a/tpgt_1", 1,
                 "iblock_4001/backend-lun1", "0\n", "0\n", "0\n");
        /* A LUN whose statistics cannot be read (no device behind it) is left out. */
        make_lun(f->dir, "iscsi/iqn.2025-01.lab.home:storage-a/tpgt_1", 2, NULL, "1\n", NULL, NULL);
        text = run(exporter_collect_lio, &src, &r, why, sizeof(why));
        assert_int_equal(r, 0);
        assert_has(text, "# TYPE hasan_lio_lun_commands_total counter\n");
        snprintf(line, sizeof(line), "hasan_lio_lun_commands_total%s 123456\n", labels0);
        assert_has(text, line);
        snprintf(line, sizeof(line), "hasan_lio_lun_read_bytes_total%s 3145728\n", labels0);
        assert_has(text, line);
        snprintf(line, sizeof(line), "hasan_lio_lun_written_bytes_total%s 4293918720\n", labels0);
        assert_has(text, line);
        assert_has(text, "lun=\"1\",backstore=\"iblock_4001/backend-lun1\"} 0\n");
        assert_lacks(text, "lun=\"2\"");
        free(text);
}

/* A Tasmota plug on the loopback: answers each request with its relay ON. */
static void *tasmota_stand_in(void *arg)
{
        int listener = *(int *)arg;
        static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                    "Content-Length: 14\r\nConnection: close\r\n\r\n"
                                    "{\"POWER\":\"ON\"}";

        for (;;) {
                char buf[2048];
                size_t got = 0;
                int c = accept(listener, NULL, NULL);

                if (c < 0)
                        return NULL;
                while (got < sizeof(buf) - 1) {
                        ssize_t k = read(c, buf + got, sizeof(buf) - 1 - got);
                        if (k <= 0)
                                break;
                        got += (size_t)k;
                        buf[got] = '\0';
                        if (strstr(buf, "\r\n\r\n"))
                                break;
                }
                (void)write_all(c, reply, sizeof(reply) - 1);
                close(c);
        }
}

static int loopback_listener(uint16_t *ret_port)
{
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof(sa);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

        assert_true(fd >= 0);
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        assert_int_equal(listen(fd, 8), 0);
        assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
        *ret_port = ntohs(sa.sin_port);
        return fd;
}

static void test_fence_probe(void **state)
{
        struct fixture *f = *state;
        struct spec_fencing dev = {
            .method = FENCE_METHOD_TASMOTA,
            .address = {.set = true, .addr = INADDR_LOOPBACK},
        };
        char why[512] = "", store[4096], key[4096];
        struct exporter_fence seen[2];
        struct expo e;
        pthread_t thread;
        uint16_t port, closed_port;
        int listener, closed;
        char *text = NULL;
        size_t size;

        assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
        listener = loopback_listener(&port);
        assert_int_equal(pthread_create(&thread, NULL, tasmota_stand_in, &listener), 0);
        dev.port = port;
        assert_int_equal(exporter_fence_probe(&dev, NULL, NULL, 2000, true, why, sizeof(why)), 1);

        /* Nothing listens on a port that was just closed: the device does not answer. */
        closed = loopback_listener(&closed_port);
        close(closed);
        dev.port = closed_port;
        assert_int_equal(exporter_fence_probe(&dev, NULL, NULL, 2000, true, why, sizeof(why)), 0);
        assert_true(why[0] != '\0');

        /* A credential that is not in the store: it cannot even be asked, and why says so. */
        snprintf(store, sizeof(store), "%s/no-store", f->dir);
        snprintf(key, sizeof(key), "%s/no-key", f->dir);
        dev = (struct spec_fencing){.method = FENCE_METHOD_IPMI,
                                    .address = {.set = true, .addr = INADDR_LOOPBACK},
                                    .username = "fence",
                                    .credential = "fence-storage-a"};
        assert_int_equal(exporter_fence_probe(&dev, store, key, 2000, true, why, sizeof(why)),
                         -ENOKEY);
        assert_non_null(strstr(why, "fence-storage-a"));

        shutdown(listener, SHUT_RDWR);
        close(listener);
        pthread_join(thread, NULL);
        curl_global_cleanup();

        seen[0] = (struct exporter_fence){"storage-a", "tasmota", true, 1795560000.5};
        seen[1] = (struct exporter_fence){"storage-b", "ipmi", false, 1795560001};
        assert_int_equal(expo_open(&e), 0);
        exporter_fence_metrics(&e, seen, 2, 60);
        assert_int_equal(expo_finish(&e, &text, &size), 0);
        assert_has(text, "at most once every 60 s");
        assert_has(text, "hasan_fence_device_up{node=\"storage-a\",method=\"tasmota\"} 1\n");
        assert_has(text, "hasan_fence_device_up{node=\"storage-b\",method=\"ipmi\"} 0\n");
        assert_has(text, "hasan_fence_device_last_check_timestamp_seconds{node=\"storage-a\","
                         "method=\"tasmota\"} 1795560000.5\n");
        free(text);
}

/* The failover metrics of a planned move, then of one whose services never came up. */
static void test_failover_metrics(void **state)
{
        const uint64_t t0 = 1796641200000000ull; /* 2026-12-07T11:00:00Z */
        struct timeline_events ev = {0};
        struct timeline_failover f;
        struct expo e;
        char *text = NULL;
        size_t size;

        assert_int_equal(timeline_events_add(&ev, t0, TIMELINE_EXPORT_DONE, "storage-b", "tank",
                                             "phase export-done: tank exported in 712 ms"),
                         0);
        assert_int_equal(timeline_events_add(&ev, t0 + 2500000, TIMELINE_IMPORT_START, "storage-a",
                                             "tank", "phase import-start: zpool import tank"),
                         0);
        assert_int_equal(timeline_events_add(&ev, t0 + 4750000, TIMELINE_IMPORT_DONE, "storage-a",
                                             "tank", "phase import-done: tank imported ONLINE"),
                         0);
        assert_int_equal(timeline_last_failover(&ev, NULL, &f), 0);
        assert_int_equal(expo_open(&e), 0);
        exporter_failover_metrics(&e, &f);
        assert_int_equal(expo_finish(&e, &text, &size), 0);
        assert_has(text, "hasan_last_failover_start_timestamp_seconds{pool=\"tank\"} 1796641200\n");
        assert_has(text, "hasan_last_failover_planned{pool=\"tank\"} 1\n");
        /* No services-up: the duration is not known, so it is not made up. */
        assert_lacks(text, "hasan_last_failover_seconds");
        assert_lacks(text, "hasan_last_failover_end_timestamp_seconds");
        free(text);

        assert_int_equal(timeline_events_add(&ev, t0 + 6250000, TIMELINE_SERVICES_UP, "storage-a",
                                             "tank-unblock-client",
                                             "Result of start operation for tank-unblock-client "
                                             "on storage-a: ok"),
                         0);
        timeline_events_sort(&ev);
        assert_int_equal(timeline_last_failover(&ev, NULL, &f), 0);
        assert_int_equal(expo_open(&e), 0);
        exporter_failover_metrics(&e, &f);
        assert_int_equal(expo_finish(&e, &text, &size), 0);
        assert_has(text, "# TYPE hasan_last_failover_seconds gauge\n"
                         "hasan_last_failover_seconds{pool=\"tank\"} 6.25\n");
        assert_has(text,
                   "hasan_last_failover_end_timestamp_seconds{pool=\"tank\"} 1796641206.25\n");
        free(text);
        timeline_events_clear(&ev);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_exposition_format),
            cmocka_unit_test_setup_teardown(test_pool_from_kstat, setup, teardown),
            cmocka_unit_test_setup_teardown(test_halves_after_failover, setup, teardown),
            cmocka_unit_test_setup_teardown(test_scrubbed_pool, setup, teardown),
            cmocka_unit_test_setup_teardown(test_backend_session, setup, teardown),
            cmocka_unit_test_setup_teardown(test_lio_counters, setup, teardown),
            cmocka_unit_test_setup_teardown(test_fence_probe, setup, teardown),
            cmocka_unit_test(test_failover_metrics),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
