/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

/*
 * /etc/hostid: four bytes in the machine's native byte order, as glibc's
 * gethostid() and ZFS read it. ZFS multihost=on refuses to work with a zero
 * hostid, and two nodes sharing one defeat its protection.
 */

/* Read the hostid from path. Returns 0, -ENOENT when absent, -EBADMSG when not 4 bytes. */
int hostid_read(const char *path, uint32_t *ret);

/* Write hostid (non-zero, else -EINVAL) to path atomically, mode 0644. */
int hostid_write(const char *path, uint32_t hostid);
