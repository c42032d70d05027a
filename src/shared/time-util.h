/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

/* CLOCK_MONOTONIC in milliseconds: for deadlines and durations, never wall time. */
uint64_t now_ms(void);
