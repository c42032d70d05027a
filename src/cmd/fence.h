/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/fence.h"

/*
 * The fence agents' entry points (src/cmd/fence.c). They return fence-agent
 * exit codes (FENCE_EC_*), not the CLI's EXIT_* codes, except for "hasan
 * fence" without a known agent name, which is a CLI usage error.
 */

/* "hasan fence kasa|tasmota|esphome|http [OPTIONS]"; argv[0] is "fence". */
int cmd_fence(int argc, char **argv);

/* fence_kasa, fence_tasmota, fence_esphome, fence_hasan_http: chosen by argv[0]. */
int fence_personality(int argc, char **argv);

/*
 * The exit code for action after the engine returned r (0 or a negative
 * errno, see lib/fence.h); power is the state status read.
 */
int fence_exit_code(enum fence_action action, int r, enum plug_power power);
