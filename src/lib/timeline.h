/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The phases of a failover as the nodes' journals record them, and the last
 * failover put together from several nodes' events (docs/timeline.md).
 *
 *   timeline_match()          one journal entry: which phase it marks (the
 *                             match rules are one table, in timeline.c)
 *   timeline_read_journal()   every matching entry of a journal (sd-journal)
 *   timeline_events_*         the events, their JSON form, and sorting
 *   timeline_last_failover()  the last pool import and the events that led
 *                             up to it and followed it, with durations
 *
 * Nothing here prints. Errors are negative errno values; where a caller
 * needs more, a why buffer names the offending item.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* In the order a failover passes through them. */
enum timeline_phase {
        TIMELINE_PATH_FAULT,    /* an iSCSI connection to the peer's backend failed */
        TIMELINE_TOKEN_LOST,    /* corosync missed the token: a node is suspect */
        TIMELINE_MEMBERSHIP,    /* a node left the membership */
        TIMELINE_FENCE_REQUEST, /* the cluster asked for a node to be fenced */
        TIMELINE_FENCE_DONE,    /* the fence action succeeded */
        TIMELINE_GROUP_STOP,    /* the cluster began to stop a resource (planned moves) */
        TIMELINE_EXPORT_DONE,   /* the pool agent exported the pool */
        TIMELINE_IMPORT_START,  /* the pool agent began zpool import */
        TIMELINE_IMPORT_DONE,   /* the pool agent imported the pool */
        TIMELINE_VIP_UP,        /* a VIP resource started */
        TIMELINE_SERVICES_UP,   /* a portblock unblock resource started: clients get in */
        _TIMELINE_PHASE_MAX,
        _TIMELINE_PHASE_INVALID = -EINVAL,
};

const char *timeline_phase_to_string(enum timeline_phase p);
/* The phase named s, or _TIMELINE_PHASE_INVALID. */
enum timeline_phase timeline_phase_from_string(const char *s);

struct timeline_event {
        uint64_t usec; /* CLOCK_REALTIME microseconds, as the journal stamped it */
        enum timeline_phase phase;
        char *node;    /* the node whose journal holds it */
        char *subject; /* the pool, resource or node it names; "" when none */
        char *message;
};

struct timeline_events {
        struct timeline_event *v;
        size_t n;
        size_t cap;
};

void timeline_events_clear(struct timeline_events *e);
/* Append a copy of the strings. Returns 0 or -ENOMEM. */
int timeline_events_add(struct timeline_events *e, uint64_t usec, enum timeline_phase phase,
                        const char *node, const char *subject, const char *message);
/* Sort by time, then node, then phase: the same input gives the same order. */
void timeline_events_sort(struct timeline_events *e);

/*
 * Which phase a journal entry marks: identifier is its SYSLOG_IDENTIFIER,
 * transport its _TRANSPORT (either may be NULL). Returns 1 with *ret_phase
 * and *ret_subject (free() it; "" when the rule names none), 0 when the
 * entry marks no phase, -ENOMEM.
 */
int timeline_match(const char *identifier, const char *transport, const char *message,
                   enum timeline_phase *ret_phase, char **ret_subject);

/*
 * The SYSLOG_IDENTIFIER values the rules look at, each once, into out (at
 * most max): a journal reader need not look at other entries. Returns
 * how many there are (more than max when out is too small).
 */
size_t timeline_identifiers(const char **out, size_t max);

#define TIMELINE_IDENTIFIERS_MAX 16

/*
 * A --since argument: -N[s|m|h|d] (that long before now_usec), @EPOCH
 * (seconds), or YYYY-MM-DDTHH:MM:SS in UTC (a space for the T and a
 * trailing Z allowed). Returns 0 with *ret in microseconds, or -EINVAL.
 */
int timeline_parse_since(const char *text, uint64_t now_usec, uint64_t *ret);

struct timeline_journal {
        const char *directory; /* a journal directory; NULL: */
        const char *file;      /* one journal file; both NULL: this system's journal */
        uint64_t since_usec;   /* 0: from the start */
        const char *node;      /* NULL: each entry's _HOSTNAME */
};

/*
 * Append every entry of the journal that marks a phase to out. An entry
 * without _HOSTNAME gets node, or this host's name. Returns 0, or a
 * negative errno with why saying what could not be read.
 */
int timeline_read_journal(const struct timeline_journal *j, struct timeline_events *out, char *why,
                          size_t why_size);

/* The events as a JSON array (each {node, realtime_usec, phase, subject, message}). */
struct json_object *timeline_events_to_json(const struct timeline_events *e);

/*
 * Append the events of text: one or more JSON arrays as
 * timeline_events_to_json() writes them, one after another. origin names
 * the input in why ("storage-a.json"). Returns 0, -EINVAL with why naming
 * the offending event and field, or -ENOMEM. Nothing is appended on error.
 */
int timeline_events_from_json(const char *text, size_t size, const char *origin,
                              struct timeline_events *out, char *why, size_t why_size);

enum timeline_kind {
        TIMELINE_PLANNED,   /* the pool was exported: no fault, no fencing */
        TIMELINE_UNPLANNED, /* no export: a node failed and the pool was taken over */
};

const char *timeline_kind_to_string(enum timeline_kind k);

struct timeline_options {
        uint64_t window_usec; /* how far before the import's start, and after its end, to look */
        const char *pool;     /* only this pool's imports; NULL: any pool */
};

#define TIMELINE_WINDOW_USEC_DEFAULT (120ull * 1000000ull)

struct timeline_failover {
        enum timeline_kind kind;
        const char *pool; /* borrowed from the events */
        const char *node; /* the node that imported it */
        /* The event that marks each phase, NULL when the journals hold none. */
        const struct timeline_event *phase[_TIMELINE_PHASE_MAX];
        uint64_t start_usec; /* the failover's first event */
        uint64_t end_usec;   /* services up; or the last event when that is missing */
        bool complete;       /* services-up was found */
};

/*
 * The last failover in events (sorted): its end is the last import-done
 * (of o->pool, when set).
 * Before that, within the window before the import's start and after any
 * earlier import-done, the first event of each lead-up phase: path-fault,
 * token-lost, membership, fence-request and fence-done (fencing of another
 * node), the pool's group-stop and export-done. After it, within the
 * window, vip-up and services-up are when the last of the pool's VIP and
 * unblock resources on the importing node started. Planned when the pool
 * was exported first. The result borrows from events. Returns 0, or
 * -ENOENT when no pool was imported.
 */
int timeline_last_failover(const struct timeline_events *events, const struct timeline_options *o,
                           struct timeline_failover *ret);

/* The failover's events in time order (phase order on ties); returns how many. */
size_t timeline_failover_ordered(const struct timeline_failover *f,
                                 const struct timeline_event *out[_TIMELINE_PHASE_MAX]);

/* usec as UTC with milliseconds: "2026-12-07T10:00:00.120Z". */
void timeline_format_time(uint64_t usec, char *buf, size_t size);

/* The failover as JSON (docs/timeline.md), durations in seconds. */
struct json_object *timeline_failover_to_json(const struct timeline_failover *f);

/*
 * The spans an operator compares with the budget (ha-san-ops.txt, section
 * 5): detection (the first event to the fence request, unplanned), stop
 * (the first event to the export, planned), fencing (request to done),
 * import (start to done), services (import done to services up), total
 * (the first event to services up). A span is left out when an end is
 * missing. Returns how many were written to out (at most max).
 */
struct timeline_span {
        const char *name;
        double seconds;
};

#define TIMELINE_SPANS_MAX 6

size_t timeline_failover_spans(const struct timeline_failover *f, struct timeline_span *out,
                               size_t max);
