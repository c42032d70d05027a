/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ZFS events from ZED's environment to a journal entry and a JSON body.
 */
#include <ctype.h>
#include <inttypes.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "lib/zevent.h"
#include "shared/macro.h"
#include "shared/parse.h"

#define ZEVENT_PREFIX "ZEVENT_"

static const char *env_value(char *const *env, const char *name)
{
        size_t len = strlen(name);

        for (char *const *e = env; e && *e; e++)
                if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
                        return *e + len + 1;
        return NULL;
}

/* NULL for an absent or empty variable: ZED leaves some out, sets others empty. */
static const char *env_field(char *const *env, const char *name)
{
        const char *v = env_value(env, name);
        return v && *v ? v : NULL;
}

int zevent_from_env(char *const *env, struct zevent *ret, char err[ZEVENT_ERROR_MAX])
{
        struct zevent ev = {0};
        const char *eid;
        size_t n = 0;

        ev.class = env_field(env, "ZEVENT_CLASS");
        if (!ev.class) {
                snprintf(err, ZEVENT_ERROR_MAX,
                         "ZEVENT_CLASS is not set: not run by ZED for an event");
                return -EINVAL;
        }
        eid = env_field(env, "ZEVENT_EID");
        if (!eid) {
                snprintf(err, ZEVENT_ERROR_MAX, "ZEVENT_EID is not set");
                return -EINVAL;
        }
        if (safe_atou64(eid, &ev.eid) < 0) {
                snprintf(err, ZEVENT_ERROR_MAX, "ZEVENT_EID '%.64s' is not a number", eid);
                return -EINVAL;
        }
        /* ZED always sets the subclass; derive it the way ZED does if it did not. */
        ev.subclass = env_field(env, "ZEVENT_SUBCLASS");
        if (!ev.subclass) {
                const char *p = ev.class;
                for (int i = 0; i < 3 && p; i++) {
                        p = strchr(p, '.');
                        if (p)
                                p++;
                }
                ev.subclass = p && *p ? p : ev.class;
        }
        ev.time = env_field(env, "ZEVENT_TIME_STRING");
        ev.pool = env_field(env, "ZEVENT_POOL");
        ev.pool_guid = env_field(env, "ZEVENT_POOL_GUID");
        ev.pool_state = env_field(env, "ZEVENT_POOL_STATE_STR");
        ev.vdev = env_field(env, "ZEVENT_VDEV_PATH");
        ev.vdev_guid = env_field(env, "ZEVENT_VDEV_GUID");
        ev.vdev_state = env_field(env, "ZEVENT_VDEV_STATE_STR");
        ev.vdev_laststate = env_field(env, "ZEVENT_VDEV_LASTSTATE_STR");

        for (char *const *e = env; *e; e++)
                if (strncmp(*e, ZEVENT_PREFIX, strlen(ZEVENT_PREFIX)) == 0 && strchr(*e, '='))
                        n++;
        ev.vars = calloc(n ? n : 1, sizeof(*ev.vars));
        if (!ev.vars)
                return -ENOMEM;
        for (char *const *e = env; *e; e++)
                if (strncmp(*e, ZEVENT_PREFIX, strlen(ZEVENT_PREFIX)) == 0 && strchr(*e, '='))
                        ev.vars[ev.n_vars++] = *e;
        *ret = ev;
        return 0;
}

void zevent_done(struct zevent *ev)
{
        free(ev->vars);
        ev->vars = NULL;
        ev->n_vars = 0;
}

/* Priority by subclass, first match wins; statechange goes by the vdev's new state. */
static const struct {
        const char *pattern;
        int priority;
} subclass_priorities[] = {
    /* The pool stopped: I/O failed beyond what it can survive, or no replica is left. */
    {"io_failure", LOG_CRIT},
    {"vdev.no_replicas", LOG_CRIT},
    /* Data lost, a vdev that cannot be opened or read, a stalled I/O. */
    {"data", LOG_ERR},
    {"vdev.*", LOG_ERR},
    {"probe_failure", LOG_ERR},
    {"deadman", LOG_ERR},
    {"log_replay", LOG_ERR},
    {"zpool", LOG_ERR},
    /* Errors ZFS repaired or retried. */
    {"io", LOG_WARNING},
    {"checksum", LOG_WARNING},
    {"delay", LOG_WARNING},
    {"authentication", LOG_WARNING},
    /* What an operator wants to see in the log: repairs, scrubs, failovers. */
    {"resilver_start", LOG_NOTICE},
    {"resilver_finish", LOG_NOTICE},
    {"scrub_start", LOG_NOTICE},
    {"scrub_finish", LOG_NOTICE},
    {"scrub_abort", LOG_NOTICE},
    {"pool_import", LOG_NOTICE},
    {"pool_export", LOG_NOTICE},
    {"pool_destroy", LOG_NOTICE},
    {"vdev_remove", LOG_NOTICE},
    {"vdev_attach", LOG_NOTICE},
    {"vdev_online", LOG_NOTICE},
    {"vdev_clear", LOG_NOTICE},
    {"vdev_spare", LOG_NOTICE},
};

static int statechange_priority(const char *state)
{
        static const struct {
                const char *state;
                int priority;
        } states[] = {
            {"FAULTED", LOG_ERR},      {"UNAVAIL", LOG_ERR},    {"REMOVED", LOG_ERR},
            {"DEGRADED", LOG_WARNING}, {"OFFLINE", LOG_NOTICE}, {"ONLINE", LOG_NOTICE},
        };

        if (!state)
                return LOG_WARNING;
        for (size_t i = 0; i < ELEMENTSOF(states); i++)
                if (strcmp(states[i].state, state) == 0)
                        return states[i].priority;
        return LOG_WARNING;
}

int zevent_priority(const struct zevent *ev)
{
        if (strcmp(ev->subclass, "statechange") == 0)
                return statechange_priority(ev->vdev_state);
        for (size_t i = 0; i < ELEMENTSOF(subclass_priorities); i++)
                if (fnmatch(subclass_priorities[i].pattern, ev->subclass, 0) == 0)
                        return subclass_priorities[i].priority;
        /* An error report ZFS added since: at least a warning. */
        if (strncmp(ev->class, "ereport.", strlen("ereport.")) == 0)
                return LOG_WARNING;
        return LOG_INFO;
}

const char *zevent_priority_name(int priority)
{
        static const char *const names[] = {
            [LOG_EMERG] = "emerg", [LOG_ALERT] = "alert",     [LOG_CRIT] = "crit",
            [LOG_ERR] = "err",     [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
            [LOG_INFO] = "info",   [LOG_DEBUG] = "debug",
        };

        if (priority < 0 || (size_t)priority >= ELEMENTSOF(names))
                return "info";
        return names[priority];
}

bool zevent_wants_journal(const struct zevent *ev)
{
        return strcmp(ev->subclass, "history_event") != 0;
}

char *zevent_message(const struct zevent *ev)
{
        char *msg = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&msg, &size);

        if (!f)
                return NULL;
        fprintf(f, "ZFS event %s (eid %" PRIu64 ")", ev->subclass, ev->eid);
        if (ev->pool)
                fprintf(f, ": pool '%s'", ev->pool);
        if (ev->vdev)
                fprintf(f, "%s vdev %s", ev->pool ? "," : ":", ev->vdev);
        if (strcmp(ev->subclass, "statechange") == 0 && ev->vdev_state) {
                fprintf(f, " is now %s", ev->vdev_state);
                if (ev->vdev_laststate)
                        fprintf(f, ", was %s", ev->vdev_laststate);
        } else if (ev->vdev_state) {
                fprintf(f, ", vdev state %s", ev->vdev_state);
        }
        /* The pool's state matters only when it is not the usual ACTIVE. */
        if (ev->pool_state && strcmp(ev->pool_state, "ACTIVE") != 0)
                fprintf(f, ", pool state %s", ev->pool_state);
        if (fclose(f) != 0) {
                free(msg);
                return NULL;
        }
        return msg;
}

void zevent_fields_free(char **fields, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(fields[i]);
        free(fields);
}

int zevent_journal_fields(const struct zevent *ev, char ***ret, size_t *ret_n)
{
        _cleanup_free_ char *message = zevent_message(ev);
        const struct {
                const char *name;
                const char *value;
        } optional[] = {
            {"HASAN_ZEVENT_TIME", ev->time},
            {"HASAN_POOL", ev->pool},
            {"HASAN_POOL_GUID", ev->pool_guid},
            {"HASAN_POOL_STATE", ev->pool_state},
            {"HASAN_VDEV", ev->vdev},
            {"HASAN_VDEV_GUID", ev->vdev_guid},
            {"HASAN_VDEV_STATE", ev->vdev_state},
            {"HASAN_VDEV_LASTSTATE", ev->vdev_laststate},
        };
        size_t max = 7 + ELEMENTSOF(optional), n = 0;
        char **fields;
        int ok = 1;

        if (!message)
                return -ENOMEM;
        fields = calloc(max, sizeof(*fields));
        if (!fields)
                return -ENOMEM;
#define ADD(...)                                                                                   \
        do {                                                                                       \
                if (ok && asprintf(&fields[n], __VA_ARGS__) >= 0)                                  \
                        n++;                                                                       \
                else                                                                               \
                        ok = 0;                                                                    \
        } while (0)
        ADD("MESSAGE=%s", message);
        ADD("PRIORITY=%d", zevent_priority(ev));
        ADD("SYSLOG_IDENTIFIER=%s", ZEVENT_SYSLOG_IDENTIFIER);
        ADD("MESSAGE_ID=%s", ZEVENT_MESSAGE_ID);
        ADD("HASAN_ZEVENT_EID=%" PRIu64, ev->eid);
        ADD("HASAN_ZEVENT_CLASS=%s", ev->class);
        ADD("HASAN_ZEVENT_SUBCLASS=%s", ev->subclass);
        for (size_t i = 0; i < ELEMENTSOF(optional); i++)
                if (optional[i].value)
                        ADD("%s=%s", optional[i].name, optional[i].value);
#undef ADD
        if (!ok) {
                zevent_fields_free(fields, n);
                return -ENOMEM;
        }
        *ret = fields;
        *ret_n = n;
        return 0;
}

static int add_string(json_object *o, const char *key, const char *value)
{
        json_object *v;

        if (!value)
                return 0;
        v = json_object_new_string(value);
        if (!v || json_object_object_add(o, key, v) < 0) {
                json_object_put(v);
                return -ENOMEM;
        }
        return 0;
}

/* "ZEVENT_VDEV_STATE_STR" -> "vdev_state_str". */
static char *zevent_key(const char *var, size_t len)
{
        char *key = strndup(var + strlen(ZEVENT_PREFIX), len - strlen(ZEVENT_PREFIX));

        for (char *p = key; p && *p; p++)
                *p = (char)tolower((unsigned char)*p);
        return key;
}

json_object *zevent_to_json(const struct zevent *ev, const char *host)
{
        json_object *o = json_object_new_object(), *raw = json_object_new_object(), *v;
        _cleanup_free_ char *message = zevent_message(ev);
        int priority = zevent_priority(ev);
        int r = 0;

        if (!o || !raw || !message)
                goto fail;
        r |= add_string(o, "source", ZEVENT_SYSLOG_IDENTIFIER);
        r |= add_string(o, "host", host);
        v = json_object_new_uint64(ev->eid);
        if (!v || json_object_object_add(o, "eid", v) < 0) {
                json_object_put(v);
                goto fail;
        }
        r |= add_string(o, "class", ev->class);
        r |= add_string(o, "subclass", ev->subclass);
        r |= add_string(o, "priority", zevent_priority_name(priority));
        r |= add_string(o, "message", message);
        r |= add_string(o, "time", ev->time);
        r |= add_string(o, "pool", ev->pool);
        r |= add_string(o, "pool_guid", ev->pool_guid);
        r |= add_string(o, "pool_state", ev->pool_state);
        r |= add_string(o, "vdev", ev->vdev);
        r |= add_string(o, "vdev_guid", ev->vdev_guid);
        r |= add_string(o, "vdev_state", ev->vdev_state);
        r |= add_string(o, "vdev_laststate", ev->vdev_laststate);
        if (r < 0)
                goto fail;
        /* Every field ZED passed, as it passed it: nothing of the event is lost. */
        for (size_t i = 0; i < ev->n_vars; i++) {
                const char *eq = strchr(ev->vars[i], '=');
                _cleanup_free_ char *key = zevent_key(ev->vars[i], (size_t)(eq - ev->vars[i]));

                if (!key || add_string(raw, key, eq + 1) < 0)
                        goto fail;
        }
        if (json_object_object_add(o, "zevent", raw) < 0)
                goto fail;
        return o;
fail:
        json_object_put(raw);
        json_object_put(o);
        return NULL;
}

bool zevent_class_matches(const struct zevent *ev, char *const *patterns, size_t n_patterns)
{
        for (size_t i = 0; i < n_patterns; i++)
                if (fnmatch(patterns[i], ev->subclass, 0) == 0)
                        return true;
        return false;
}
