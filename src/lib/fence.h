/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The fence-agents protocol (fence-agents doc/FenceAgentAPI.md), for the
 * smart-plug agents fence_kasa, fence_tasmota, fence_esphome and
 * fence_hasan_http (docs/fencing.md):
 *
 *  - options from stdin ("key=value" lines) or from argv (-o/--action ...),
 *    one parameter table for both, for the metadata and for the manual;
 *  - the metadata XML Pacemaker reads;
 *  - the actions, with every power change verified by reading the state
 *    back, and optional post-fence verification that listed addresses stop
 *    answering ICMP echo.
 *
 * The library never prints. Parsing reports warnings and the first error in
 * a struct fence_diag; the action engine reports progress through a
 * callback and its result in struct fence_run. Exit codes are chosen by the
 * caller (src/cmd/fence.c) from the returned error:
 *
 *   -EINVAL     bad arguments                      EC_BAD_ARGS
 *   -ENOKEY     credential cannot be read          EC_PASSWORD_MISSING
 *   -EACCES     the device refused the credentials EC_LOGIN_DENIED
 *   -ECONNRESET the connection broke               EC_CONNECTION_LOST
 *   -ETIMEDOUT  the device did not answer in time  EC_TIMED_OUT
 *   -ETIME      the state did not change in time, or a verify address
 *               still answers                      EC_WAITING_ON / EC_WAITING_OFF
 *   -EBADMSG    unreadable answer or unknown state EC_STATUS
 *   -ENOENT     no such plug on the device         EC_STATUS
 *   other       (-ECONNREFUSED, -EPROTO, -EIO ...) EC_GENERIC_ERROR
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/plug.h"

enum fence_action {
        FENCE_ACTION_ON,
        FENCE_ACTION_OFF,
        FENCE_ACTION_REBOOT,
        FENCE_ACTION_STATUS,
        FENCE_ACTION_LIST,
        FENCE_ACTION_LIST_STATUS,
        FENCE_ACTION_MONITOR,
        FENCE_ACTION_METADATA,
        FENCE_ACTION_MANPAGE,
        FENCE_ACTION_VALIDATE_ALL,
        _FENCE_ACTION_MAX,
        _FENCE_ACTION_INVALID = -EINVAL,
};

/* "meta-data" is accepted for metadata. */
enum fence_action fence_action_from_string(const char *s);
const char *fence_action_to_string(enum fence_action a);

/* Exit codes of the fence-agents library (fencing.py). */
enum {
        FENCE_EC_OK = 0,
        FENCE_EC_GENERIC_ERROR = 1,
        FENCE_EC_BAD_ARGS = 2,
        FENCE_EC_LOGIN_DENIED = 3,
        FENCE_EC_CONNECTION_LOST = 4,
        FENCE_EC_TIMED_OUT = 5,
        FENCE_EC_WAITING_ON = 6,
        FENCE_EC_WAITING_OFF = 7,
        FENCE_EC_STATUS = 8,
        FENCE_EC_PASSWORD_MISSING = 10,
        /* status: the plug is off */
        FENCE_EC_STATUS_OFF = 2,
};

struct fence_agent {
        const char *name;       /* argv[0]: "fence_kasa" */
        const char *short_name; /* "hasan fence kasa" */
        const char *shortdesc;
        const char *longdesc;
        const char *vendor_url;
        const struct plug_ops *ops;
};

extern const struct fence_agent fence_agents[];
extern const size_t fence_agents_count;

/* By agent name ("fence_kasa") or short name ("kasa"); NULL if unknown. */
const struct fence_agent *fence_agent_find(const char *name);

#define FENCE_VERIFY_MAX 16
#define FENCE_STDIN_MAX (64u * 1024u)

struct fence_options {
        enum fence_action action;
        char *ip;
        uint16_t ipport; /* 0: the protocol's default */
        char *plug;
        char *username;
        char *password; /* wiped by fence_options_clear() */
        char *credential;
        char *cred_store;
        char *cred_key;
        unsigned power_timeout;
        unsigned power_wait;
        unsigned shell_timeout;
        unsigned delay;
        unsigned retry_on;
        unsigned verify_timeout;
        struct in_addr verify[FENCE_VERIFY_MAX];
        size_t n_verify;
        bool verbose;
        bool ssl;
        bool ssl_insecure;
        bool password_on_argv; /* -p was used: the caller warns */
        bool help;             /* -h: the caller prints usage */
        bool version;          /* -V */
};

/* Defaults: reboot, power_timeout 20, power_wait 0, shell_timeout 3, delay 0,
 * retry_on 1, verify_timeout 10; cred_store and cred_key as given (may be NULL). */
void fence_options_init(struct fence_options *o, const char *cred_store, const char *cred_key);
void fence_options_clear(struct fence_options *o);

#define FENCE_WARNINGS_MAX 32
#define FENCE_MESSAGE_MAX 512

/* What parsing and validation found. */
struct fence_diag {
        char *warnings[FENCE_WARNINGS_MAX];
        size_t n_warnings;
        char error[FENCE_MESSAGE_MAX]; /* the first error, "" if none */
};

void fence_diag_clear(struct fence_diag *d);

/*
 * Parse stdin text: one "key=value" per line; blank lines and lines starting
 * with '#' are skipped; white space around key and value is trimmed; one
 * pair of surrounding double or single quotes is stripped; '-' and '_' are
 * the same in keys; the last value of a key wins; an empty value resets the
 * option. Unknown keys, and keys this agent does not use, are ignored with a
 * warning; nodename and nodeid are dropped silently. Every line is parsed even after an
 * error, so the action is known. Returns 0, or -EINVAL for the first error
 * (also in d->error); -ENOMEM.
 */
int fence_parse_stdin(const struct fence_agent *a, const char *text, size_t size,
                      struct fence_options *o, struct fence_diag *d);

/*
 * Parse argv (argv[0] is the agent name) with getopt_long. Unknown options
 * and stray arguments are errors. -p/--password sets password_on_argv and
 * overwrites the argument in argv so it is gone from /proc/PID/cmdline.
 */
int fence_parse_argv(const struct fence_agent *a, int argc, char **argv, struct fence_options *o,
                     struct fence_diag *d);

/*
 * Check the options for an action that talks to the device (all but
 * metadata and manpage): ip present and well-formed, the plug valid for the
 * protocol, not both password and credential. -EINVAL with d->error.
 */
int fence_options_validate(const struct fence_agent *a, const struct fence_options *o,
                           struct fence_diag *d);

/*
 * Read the password of o->credential from the credential store (o->cred_store,
 * o->cred_key) into o->password. No-op without a credential. -ENOKEY with
 * d->error when the key, the store or the credential cannot be read.
 */
int fence_options_load_credential(struct fence_options *o, struct fence_diag *d);

/* The metadata XML for agent a (the caller frees it). */
int fence_metadata(const struct fence_agent *a, char **ret);

/* A short manual page in plain text (the caller frees it). */
int fence_manpage(const struct fence_agent *a, char **ret);

enum fence_log_level {
        FENCE_LOG_WARNING, /* always shown */
        FENCE_LOG_INFO,    /* progress, shown with --verbose */
};

struct fence_run {
        /* input */
        const struct fence_agent *agent;
        const struct plug_ops *ops; /* NULL: agent->ops (tests substitute their own) */
        const struct fence_options *opt;
        void (*log)(void *userdata, enum fence_log_level level, const char *msg);
        void *userdata;

        /* output */
        enum plug_power power;           /* status, monitor: the state read */
        struct plug_outlet *outlets;     /* list, list-status */
        size_t n_outlets;                /*   ... their number */
        char message[FENCE_MESSAGE_MAX]; /* "Success: Already OFF", or the failure */
};

/*
 * Run o->action against the device (the options validated and the
 * credential loaded). on/off/reboot read the state first, switch only when
 * needed, then read the state back once a second until it matches or
 * power_timeout expires; UNKNOWN never matches. off (and the off part of
 * reboot) then checks verify addresses. Returns 0 or an error from the table
 * above, with run->message set either way.
 */
int fence_run_action(struct fence_run *run);
void fence_run_clear(struct fence_run *run);

/*
 * Send one ICMP echo request to addr and wait up to timeout_ms for the
 * reply: 1 answered, 0 no answer (or the network says unreachable), -errno
 * when no ICMP socket can be opened (raw sockets need CAP_NET_RAW).
 */
int fence_icmp_probe(struct in_addr addr, unsigned timeout_ms);
