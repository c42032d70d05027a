/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/spec.h"

/*
 * tests/fixtures/spec/good.json ($HASAN_FIXTURES), loaded and validated;
 * fails the running cmocka test when it does not load cleanly.
 */
struct spec *load_good_spec(void);
