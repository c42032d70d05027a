/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "spec-util.h"

struct spec *load_good_spec(void)
{
        char path[4096];
        const char *dir = getenv("HASAN_FIXTURES");
        struct spec_problems problems = {0};
        struct spec *s = NULL;

        snprintf(path, sizeof(path), "%s/spec/good.json", dir ? dir : "tests/fixtures");
        assert_int_equal(spec_load_file(path, &s, &problems), 0);
        assert_int_equal(problems.n, 0);
        return s;
}
