/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Shared between the parts of the description library; not for commands. */

#include <inttypes.h>
#include <stddef.h>

#include "lib/spec.h"
#include "shared/macro.h"

int problem_add(struct spec_problems *p, const char *path, const char *fmt, ...) _printf_(3, 4);

void path_key(char *buf, size_t size, const char *parent, const char *key);
void path_index(char *buf, size_t size, const char *parent, size_t i);

int parse_ipv4(const char *s, uint32_t *ret);
uint32_t prefix_mask(unsigned prefix);

bool valid_short_name(const char *s, size_t max);
bool valid_credential_name(const char *s);
bool valid_iqn(const char *s);
bool valid_pool_name(const char *s);
bool valid_dataset_name(const char *s);

/* The named timing profiles; "custom" is not one of them. */
struct timing_profile {
        const char *name;
        unsigned corosync_token_ms;
        unsigned iscsi_replacement_timeout_s;
        unsigned iscsi_noop_out_interval_s;
        unsigned iscsi_noop_out_timeout_s;
};

const struct timing_profile *timing_profile_find(const char *name);
