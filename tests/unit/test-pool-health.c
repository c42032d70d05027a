/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pool_health_assess() on `zpool status -j` captures (tests/fixtures/health/,
 * see its README): an ONLINE pool passes, a DEGRADED one, a resilvering one
 * and a never scrubbed one fail, each with a problem naming what is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/layout.h"
#include "lib/pool-health.h"
#include "shared/fileio.h"
#include "spec-util.h"

/* The online capture's scrub ended at this time. */
#define SCRUB_END 1795560042
#define DAY 86400

struct fixture {
        struct spec *spec;
        struct zpool_status st;
        struct pool_health h;
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        f->spec = load_good_spec();
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;

        pool_health_clear(&f->h);
        zpool_status_clear(&f->st);
        spec_free(f->spec);
        free(f);
        return 0;
}

static char *fixture_text(const char *name)
{
        const char *dir = getenv("HASAN_FIXTURES");
        char path[4096], *json = NULL;
        size_t size;

        snprintf(path, sizeof(path), "%s/health/%s", dir ? dir : "tests/fixtures", name);
        assert_int_equal(read_full_file(path, &json, &size), 0);
        return json;
}

/* Judge the status json as node sees it, at now, with the scrub age limit max_days. */
static void assess_json(struct fixture *f, const char *json, const char *node, int64_t now,
                        uint32_t max_days)
{
        const struct spec_node *self = NULL;

        pool_health_clear(&f->h);
        zpool_status_clear(&f->st);
        assert_int_equal(zpool_status_parse(json, "san-pool", &f->st), 0);
        assert_int_equal(layout_local_node(f->spec, node, &self), 0);
        assert_int_equal(pool_health_assess(f->spec, self, &f->st, now, max_days, &f->h), 0);
}

static void assess(struct fixture *f, const char *name, const char *node, int64_t now,
                   uint32_t max_days)
{
        char *json = fixture_text(name);

        assess_json(f, json, node, now, max_days);
        free(json);
}

static bool has_problem(const struct pool_health *h, const char *needle)
{
        for (size_t i = 0; i < h->n_problems; i++)
                if (strstr(h->problems[i], needle))
                        return true;
        return false;
}

static void print_problems(const struct pool_health *h)
{
        for (size_t i = 0; i < h->n_problems; i++)
                print_message("problem: %s\n", h->problems[i]);
}

static void test_online_passes(void **state)
{
        struct fixture *f = *state;

        assess(f, "online-scrubbed.json", "storage-a", SCRUB_END + DAY, 35);
        print_problems(&f->h);
        assert_int_equal(f->h.n_problems, 0);
        assert_int_equal(f->h.n_mirrors, 2);
        assert_false(f->h.resilvering);
        assert_int_equal(f->h.last_scrub_end, SCRUB_END);
        for (size_t i = 0; i < f->h.n_mirrors; i++) {
                const struct pool_mirror *m = &f->h.mirrors[i];

                assert_true(m->complete);
                assert_int_equal(m->n_halves, 2);
                assert_string_equal(m->halves[0].side, "local");
                assert_string_equal(m->halves[0].node, "storage-a");
                assert_string_equal(m->halves[1].side, "remote");
                assert_string_equal(m->halves[1].node, "storage-b");
        }
        assert_string_equal(f->h.mirrors[0].vdev, "mirror-0");
        assert_string_equal(f->h.mirrors[1].vdev, "mirror-1");

        /* Seen from the peer, the same halves swap sides and it passes too. */
        assess(f, "online-scrubbed.json", "storage-b", SCRUB_END + DAY, 35);
        assert_int_equal(f->h.n_problems, 0);
        assert_string_equal(f->h.mirrors[0].halves[0].side, "remote");
}

static void test_degraded_fails(void **state)
{
        struct fixture *f = *state;

        /* storage-a died; storage-b holds the pool on its own halves. */
        assess(f, "degraded.json", "storage-b", SCRUB_END + DAY, 35);
        print_problems(&f->h);
        assert_true(has_problem(&f->h, "pool 'san-pool' is DEGRADED, not ONLINE"));
        assert_true(has_problem(&f->h, "mirror-0: the remote half "
                                       "'/dev/disk/by-vdev/storage-a-data0-part1' (storage-a's "
                                       "disk) is CANT_OPEN"));
        assert_true(has_problem(&f->h, "mirror-1: the remote half "
                                       "'/dev/disk/by-vdev/storage-a-data1-part1' (storage-a's "
                                       "disk) is CANT_OPEN"));
        assert_int_equal(f->h.n_problems, 3);
        assert_false(f->h.mirrors[0].complete);
        assert_false(f->h.mirrors[1].complete);

        /* Without the scrub judged, the degradation alone still fails it. */
        assess(f, "degraded.json", "storage-b", SCRUB_END + DAY, 0);
        assert_int_equal(f->h.n_problems, 3);
}

static void test_resilvering_fails(void **state)
{
        struct fixture *f = *state;

        assess(f, "resilvering.json", "storage-a", SCRUB_END + DAY, 0);
        print_problems(&f->h);
        assert_true(f->h.resilvering);
        /* Every half is back, yet redundancy is not whole until the resilver ends. */
        assert_true(f->h.mirrors[0].complete);
        assert_true(has_problem(&f->h, "pool 'san-pool' is resilvering (66% examined)"));
        assert_int_equal(f->h.n_problems, 1);

        /* And the last scrub's end is no longer known. */
        assess(f, "resilvering.json", "storage-a", SCRUB_END + DAY, 35);
        assert_int_equal(f->h.last_scrub_end, 0);
        assert_true(has_problem(&f->h, "the last scan is a resilver, still running"));
        assert_int_equal(f->h.n_problems, 2);
}

static void test_never_scrubbed_fails(void **state)
{
        struct fixture *f = *state;

        assess(f, "never-scrubbed.json", "storage-a", SCRUB_END, 35);
        print_problems(&f->h);
        assert_true(has_problem(&f->h, "pool 'san-pool' has never been scrubbed: run "
                                       "'zpool scrub san-pool'"));
        assert_int_equal(f->h.n_problems, 1);

        /* os-upgrade does not judge the scrub: the same pool is healthy enough. */
        assess(f, "never-scrubbed.json", "storage-a", SCRUB_END, 0);
        assert_int_equal(f->h.n_problems, 0);
}

static void test_scrub_age_limit(void **state)
{
        struct fixture *f = *state;

        /* 35 days to the second is still within the limit; one more second is not. */
        assess(f, "online-scrubbed.json", "storage-a", SCRUB_END + 35 * DAY, 35);
        assert_int_equal(f->h.n_problems, 0);
        assess(f, "online-scrubbed.json", "storage-a", SCRUB_END + 35 * DAY + 1, 35);
        print_problems(&f->h);
        assert_int_equal(f->h.n_problems, 1);
        assert_true(has_problem(&f->h, "pool 'san-pool' was last scrubbed 35 days ago "
                                       "(2026-11-24 22:40 UTC), more than the maximum of 35 "
                                       "days"));
        assess(f, "online-scrubbed.json", "storage-a", SCRUB_END + 40 * DAY, 60);
        assert_int_equal(f->h.n_problems, 0);
}

static void test_unknown_half(void **state)
{
        struct fixture *f = *state;
        char *json = fixture_text("online-scrubbed.json");
        char *cut = strstr(json, "\"path\":\"/dev/disk/by-vdev/storage-b-data1-part1\"");

        /* storage-b-data1 under a name that is no by-vdev alias: whose disk it is is unknown. */
        assert_non_null(cut);
        memcpy(cut + strlen("\"path\":\"/dev/disk/"), "by-xxxx", 7);
        assess_json(f, json, "storage-a", SCRUB_END, 0);
        free(json);
        print_problems(&f->h);
        assert_false(f->h.mirrors[1].complete);
        assert_true(has_problem(&f->h, "is no disk of the cluster description's nodes"));
        assert_true(has_problem(&f->h, "mirror-1 has no remote half (no disk of storage-b)"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_online_passes, setup, teardown),
            cmocka_unit_test_setup_teardown(test_degraded_fails, setup, teardown),
            cmocka_unit_test_setup_teardown(test_resilvering_fails, setup, teardown),
            cmocka_unit_test_setup_teardown(test_never_scrubbed_fails, setup, teardown),
            cmocka_unit_test_setup_teardown(test_scrub_age_limit, setup, teardown),
            cmocka_unit_test_setup_teardown(test_unknown_half, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
