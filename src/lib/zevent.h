/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A ZFS event as ZED hands it to a zedlet: one environment variable per
 * field of the event, ZEVENT_<FIELD> (ZEVENT_CLASS, ZEVENT_EID, ZEVENT_POOL,
 * ZEVENT_VDEV_PATH, ZEVENT_VDEV_STATE_STR, ...), plus ZEVENT_SUBCLASS and
 * ZEVENT_TIME_STRING, which ZED adds (docs/monitoring.md).
 *
 * These functions turn it into what hasan zed-event sends: one journal entry
 * and a JSON body for the webhook. They never print.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define ZEVENT_ERROR_MAX 256

struct zevent {
        uint64_t eid;
        const char *class;    /* "resource.fs.zfs.statechange" */
        const char *subclass; /* "statechange" */
        const char *time;     /* ZEVENT_TIME_STRING, NULL if absent */
        const char *pool;
        const char *pool_guid;
        const char *pool_state; /* ZEVENT_POOL_STATE_STR */
        const char *vdev;       /* ZEVENT_VDEV_PATH */
        const char *vdev_guid;
        const char *vdev_state;     /* ZEVENT_VDEV_STATE_STR */
        const char *vdev_laststate; /* ZEVENT_VDEV_LASTSTATE_STR */
        /* Every ZEVENT_* entry of the environment ("ZEVENT_NAME=value"), in order. */
        const char **vars;
        size_t n_vars;
};

/*
 * Read the event from an environment array (environ). The strings stay
 * owned by env; free the result with zevent_done(). Returns 0, -EINVAL
 * (err says which variable is missing or malformed) or -ENOMEM.
 */
int zevent_from_env(char *const *env, struct zevent *ret, char err[ZEVENT_ERROR_MAX]);
void zevent_done(struct zevent *ev);

/* The journal priority of the event: a syslog level, LOG_CRIT to LOG_INFO. */
int zevent_priority(const struct zevent *ev);
/* "crit", "err", "warning", "notice", "info" or "debug". */
const char *zevent_priority_name(int priority);

/* Whether the journal gets the event: all but the subclasses ZED's own
 * all-syslog zedlet leaves out by default (history_event). */
bool zevent_wants_journal(const struct zevent *ev);

/* The one-line message of the event; NULL on out of memory. */
char *zevent_message(const struct zevent *ev);

/*
 * The journal entry's fields, "NAME=value" each: MESSAGE, PRIORITY,
 * SYSLOG_IDENTIFIER=hasan-zed, MESSAGE_ID, and HASAN_ZEVENT_* / HASAN_POOL* /
 * HASAN_VDEV* for what the event has. Free with zevent_fields_free().
 * Returns 0 or -ENOMEM.
 */
int zevent_journal_fields(const struct zevent *ev, char ***ret, size_t *ret_n);
void zevent_fields_free(char **fields, size_t n);

/* The webhook's JSON body (docs/monitoring.md); host is this node's name. NULL on ENOMEM. */
json_object *zevent_to_json(const struct zevent *ev, const char *host);

/* Whether the subclass matches one of the shell patterns (fnmatch). */
bool zevent_class_matches(const struct zevent *ev, char *const *patterns, size_t n_patterns);

/* The journal's MESSAGE_ID of hasan's ZFS event entries. */
#define ZEVENT_MESSAGE_ID "d9e9a7e8e09d467cb2b7b0ee549dc749"
/* SYSLOG_IDENTIFIER of every entry hasan zed-event writes. */
#define ZEVENT_SYSLOG_IDENTIFIER "hasan-zed"
