/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * open-iscsi sessions as the kernel shows them in sysfs, and the SCSI
 * devices behind them: list, rescan (new LUNs), remove (LUNs that went
 * away), and wait for udev's by-path links. No iscsiadm, no shell.
 *
 *   /sys/class/iscsi_session/sessionN/{targetname,state}
 *   /sys/class/iscsi_session/sessionN/device -> .../hostH/sessionN
 *   /sys/class/iscsi_connection/connectionN:0/{persistent_address,persistent_port}
 *   /sys/class/scsi_host/hostH/scan                  "- - -" scans every LUN
 *   /sys/bus/scsi/devices/H:C:T:L/{delete,state}     under .../sessionN/targetH:C:T/
 *
 * The sysfs root is a parameter (NULL: "/sys") so that the parsing can be
 * tested on a copy of a real tree.
 */

#include <stdbool.h>
#include <stddef.h>

struct iscsi_session {
        unsigned id;   /* N of sessionN */
        unsigned host; /* H of hostH */
        char *target;  /* target IQN */
        char *state;   /* "LOGGED_IN", "FAILED", "FREE", ... */
        char *address; /* portal address, NULL when unknown */
        unsigned port;
};

struct iscsi_lun {
        char *hctl;   /* "H:C:T:L" */
        unsigned lun; /* L */
        char *state;  /* "running", "offline", "transport-offline", ... */
        char *block;  /* "sdb", NULL when none (yet) */
};

void iscsi_sessions_free(struct iscsi_session *s, size_t n);
void iscsi_luns_free(struct iscsi_lun *l, size_t n);

/* Every session; an absent iscsi_session class means none (0). Returns 0 or -errno. */
int iscsi_sessions_list(const char *sysfs, struct iscsi_session **ret, size_t *ret_n);

/* The SCSI devices (LUNs) of a session, sorted by LUN. Returns 0 or -errno. */
int iscsi_session_luns(const char *sysfs, const struct iscsi_session *s, struct iscsi_lun **ret,
                       size_t *ret_n);

/*
 * Ask the session's SCSI host to scan every LUN (REPORT LUNS): new LUNs
 * appear, existing ones stay. The write runs in a child process bounded by
 * timeout_ms, because a scan on a session in recovery can block for the
 * whole replacement_timeout. Returns 0, -ETIMEDOUT or -errno.
 */
int iscsi_session_rescan(const char *sysfs, const struct iscsi_session *s, unsigned timeout_ms);

/* Remove one SCSI device (its LUN is gone or no longer wanted). Returns 0 or -errno. */
int iscsi_lun_delete(const char *sysfs, const struct iscsi_lun *l);

/*
 * Wait until every one of names (absolute paths) exists, watching their
 * directories with inotify, at most timeout_ms. Returns the number still
 * missing (0: all there), or -errno.
 */
int wait_for_paths(char *const *names, size_t n, unsigned timeout_ms);
