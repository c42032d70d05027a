/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the LIO modules (the backend and the client target) share about a lio_ctx. */

#include "lib/lio.h"
#include "shared/macro.h"

/* The configfs root the context works on. */
const char *lio_root(const struct lio_ctx *c);

/* A path below the root, as messages show it ("core/iblock_4000/backend-lun0"). */
const char *lio_rel(const struct lio_ctx *c, const char *path);

/* Record why the call fails and return r. */
int lio_fail(struct lio_ctx *c, int r, const char *fmt, ...) _printf_(3, 4);

/* Add "; <text>" to the recorded error (or start one). */
void lio_fail_append(struct lio_ctx *c, const char *fmt, ...) _printf_(2, 3);

/* One progress line to the context's report callback, if any. */
void lio_report(struct lio_ctx *c, const char *fmt, ...) _printf_(2, 3);

/* Remove an ACL directory: its mapped LUNs, then itself. 0 or -errno. */
int lio_remove_acl(const char *acl);
