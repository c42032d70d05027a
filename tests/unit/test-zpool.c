/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * zpool_status_parse() on `zpool status -j --json-int -P` output captured
 * from the lab's pool (tests/fixtures/zpool/), and the kstat state rules.
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

#include "lib/zpool.h"
#include "shared/fileio.h"

static char *fixture(const char *name)
{
        char path[4096];
        const char *dir = getenv("HASAN_FIXTURES");
        char *text = NULL;
        size_t size;

        snprintf(path, sizeof(path), "%s/zpool/%s", dir ? dir : "tests/fixtures", name);
        assert_int_equal(read_full_file(path, &text, &size), 0);
        return text;
}

static const struct zpool_leaf *leaf_named(const struct zpool_status *st, const char *suffix)
{
        for (size_t i = 0; i < st->n_leaves; i++) {
                const char *p = st->leaves[i].path ? st->leaves[i].path : st->leaves[i].name;
                size_t n = strlen(p), m = strlen(suffix);
                if (n >= m && strcmp(p + n - m, suffix) == 0)
                        return &st->leaves[i];
        }
        return NULL;
}

static void test_online_after_resilver(void **state)
{
        char *json = fixture("status-online.json");
        struct zpool_status st = {0};

        assert_int_equal(zpool_status_parse(json, "san-pool", &st), 0);
        assert_string_equal(st.state, "ONLINE");
        assert_string_equal(st.scan_function, "RESILVER");
        assert_string_equal(st.scan_state, "FINISHED");
        assert_int_equal(st.scan_end - st.scan_start, 11);
        assert_int_equal(st.scan_processed, 7266304);
        assert_int_equal(st.n_leaves, 4);
        for (size_t i = 0; i < st.n_leaves; i++) {
                assert_string_equal(st.leaves[i].state, "ONLINE");
                assert_string_equal(st.leaves[i].vclass, "normal");
                assert_non_null(st.leaves[i].path);
        }
        assert_non_null(leaf_named(&st, "virtio-storage-a-d0-part1"));
        /* Each half knows its mirror; the pool's root vdev is no such parent. */
        assert_string_equal(leaf_named(&st, "virtio-storage-a-d0-part1")->vdev, "mirror-0");
        assert_string_equal(leaf_named(&st, "virtio-storage-a-d1-part1")->vdev, "mirror-1");
        assert_int_equal(st.scan_to_examine, 10244096);
        zpool_status_clear(&st);
        free(json);
}

static void test_degraded_names_missing_halves(void **state)
{
        char *json = fixture("status-degraded.json");
        struct zpool_status st = {0};
        size_t unavailable = 0;

        assert_int_equal(zpool_status_parse(json, "san-pool", &st), 0);
        assert_string_equal(st.state, "DEGRADED");
        assert_int_equal(st.n_leaves, 4);
        for (size_t i = 0; i < st.n_leaves; i++)
                if (strcmp(st.leaves[i].state, "ONLINE") != 0)
                        unavailable++;
        assert_int_equal(unavailable, 2);
        zpool_status_clear(&st);
        free(json);
}

static void test_refusals(void **state)
{
        char *json = fixture("status-online.json");
        struct zpool_status st = {0};

        assert_int_equal(zpool_status_parse(json, "other-pool", &st), -ENOENT);
        assert_int_equal(zpool_status_parse("not json", "san-pool", &st), -EBADMSG);
        assert_int_equal(zpool_status_parse("{\"pools\":{\"san-pool\":{}}}", "san-pool", &st),
                         -EBADMSG);
        free(json);
}

static void test_transitional_states(void **state)
{
        assert_true(zpool_state_is_transitional(NULL));
        assert_true(zpool_state_is_transitional(""));
        assert_true(zpool_state_is_transitional("OFFLINE"));
        assert_false(zpool_state_is_transitional("ONLINE"));
        assert_false(zpool_state_is_transitional("DEGRADED"));
        assert_false(zpool_state_is_transitional("SUSPENDED"));
}

static void test_not_imported(void **state)
{
        char *s = NULL;

        assert_false(zpool_is_imported("hasan-no-such-pool"));
        assert_int_equal(zpool_kstat_state("hasan-no-such-pool", &s), -ENOENT);
        assert_null(s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_online_after_resilver),
            cmocka_unit_test(test_degraded_names_missing_halves),
            cmocka_unit_test(test_refusals),
            cmocka_unit_test(test_transitional_states),
            cmocka_unit_test(test_not_imported),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
