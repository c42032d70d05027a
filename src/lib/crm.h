/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Pacemaker's command-line tools (crm_node, crm_mon, crm_attribute), run
 * through spawn_run() with a timeout. Nothing here logs: callers that poll
 * expect failures and decide what to say. Setting CIB_file in the
 * environment points crm_attribute at a CIB file instead of the cluster
 * (Pacemaker's own offline mode; the tests use it).
 */

#include <stddef.h>

#include "shared/spawn.h"

/* Remove trailing blanks and line ends in place. */
void crm_trim_trailing(char *s);

/*
 * Run a crm_* tool. On success (exit 0) returns 0 and hands over the result;
 * otherwise writes a one-line reason into why and returns -errno (-EIO for a
 * non-zero exit, -ETIMEDOUT).
 */
int crm_tool_run(char *const argv[], unsigned timeout_ms, struct spawn_result *ret, char *why,
                 size_t why_size);

/*
 * A node attribute's value (lifetime "forever" or "reboot"), or a copy of
 * dflt when it is not set. Returns 0 or -errno as crm_tool_run().
 */
int crm_attr_query(const char *node, const char *name, const char *lifetime, const char *dflt,
                   unsigned timeout_ms, char **ret, char *why, size_t why_size);

/* Set or remove a permanent node attribute. Return 0 or -errno as crm_tool_run(). */
int crm_attr_update(const char *node, const char *name, const char *value, unsigned timeout_ms,
                    char *why, size_t why_size);
int crm_attr_delete(const char *node, const char *name, unsigned timeout_ms, char *why,
                    size_t why_size);
