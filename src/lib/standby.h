/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The standby guard's decisions, kept free of I/O so they can be tested
 * exhaustively (the command that acts on them is src/cmd/standby.c).
 *
 * On a clean shutdown the guard puts its node in standby so that the pool
 * moves away before Pacemaker stops, and marks that it did so with the
 * permanent node attribute STANDBY_GUARD_MARKER. On boot it lifts a standby
 * only when that marker is there: a standby an operator set by hand is
 * never undone by a reboot.
 */

#include <errno.h>
#include <stdbool.h>

/* Permanent node attribute recording that the guard set the standby. */
#define STANDBY_GUARD_MARKER "hasan-auto-standby"

enum standby_guard_verb {
        STANDBY_GUARD_STOP,  /* the node is shutting down */
        STANDBY_GUARD_START, /* the node has booted and joined */
        _STANDBY_GUARD_VERB_MAX,
        _STANDBY_GUARD_VERB_INVALID = -EINVAL,
};

/* Steps of a plan, carried out in this order. */
enum {
        STANDBY_ACTION_SET_MARKER = 1u << 0,    /* hasan-auto-standby=1 (before the standby) */
        STANDBY_ACTION_SET_STANDBY = 1u << 1,   /* standby=on */
        STANDBY_ACTION_WAIT_DRAINED = 1u << 2,  /* wait until no resource runs on the node */
        STANDBY_ACTION_CLEAR_STANDBY = 1u << 3, /* remove standby */
        STANDBY_ACTION_CLEAR_MARKER = 1u << 4,  /* remove hasan-auto-standby (after the standby) */
};

/*
 * What to do, given whether the node is in standby now (permanently or for
 * this boot) and whether the marker is set. Returns a set of
 * STANDBY_ACTION_* bits; 0 means nothing to do.
 */
unsigned standby_guard_plan(enum standby_guard_verb verb, bool in_standby, bool marker);

/* One node as `crm_mon --output-as=xml` reports it. */
struct crm_mon_node {
        bool online;
        bool pending;
        unsigned resources_running;
};

/*
 * Find node 'name' in the <nodes> section of crm_mon's XML output.
 * Returns 0 and fills *ret, -ENOENT when the node is not listed, -EBADMSG
 * when the document has no <nodes> section or the node's entry lacks the
 * attributes read here.
 */
int crm_mon_find_node(const char *xml, const char *name, struct crm_mon_node *ret);
