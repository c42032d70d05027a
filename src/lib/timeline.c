/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Failover phases from journal entries, and the last failover from the
 * events of several nodes. See timeline.h and docs/timeline.md.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/timeline.h"
#include "shared/macro.h"
#include "shared/parse.h"

static const char *const phase_names[_TIMELINE_PHASE_MAX] = {
    [TIMELINE_PATH_FAULT] = "path-fault",   [TIMELINE_TOKEN_LOST] = "token-lost",
    [TIMELINE_MEMBERSHIP] = "membership",   [TIMELINE_FENCE_REQUEST] = "fence-request",
    [TIMELINE_FENCE_DONE] = "fence-done",   [TIMELINE_GROUP_STOP] = "group-stop",
    [TIMELINE_EXPORT_DONE] = "export-done", [TIMELINE_IMPORT_START] = "import-start",
    [TIMELINE_IMPORT_DONE] = "import-done", [TIMELINE_VIP_UP] = "vip-up",
    [TIMELINE_SERVICES_UP] = "services-up",
};

const char *timeline_phase_to_string(enum timeline_phase p)
{
        return p >= 0 && p < _TIMELINE_PHASE_MAX ? phase_names[p] : NULL;
}

enum timeline_phase timeline_phase_from_string(const char *s)
{
        for (int p = 0; s && p < _TIMELINE_PHASE_MAX; p++)
                if (strcmp(phase_names[p], s) == 0)
                        return (enum timeline_phase)p;
        return _TIMELINE_PHASE_INVALID;
}

const char *timeline_kind_to_string(enum timeline_kind k)
{
        return k == TIMELINE_PLANNED ? "planned" : "unplanned";
}

/*
 * The match rules, the one place that knows what each component logs.
 * An entry matches a rule when its SYSLOG_IDENTIFIER is the rule's source
 * ("kernel" also needs _TRANSPORT=kernel) and its MESSAGE holds the
 * needles in this order; the last needle, when it ends in a letter or
 * digit, must not be followed by another ("ok" is not "okay", "returned 0"
 * not "returned 01").
 * The subject is the word after subject_after; subject_has, when set, must
 * occur in it. Pacemaker strips the details after its " | " separator
 * from syslog, so no rule relies on them.
 *
 * Sources of the texts: Linux drivers/scsi/scsi_transport_iscsi.c and
 * libiscsi.c (connection and session messages), open-iscsi iscsid
 * (session_conn_error), corosync 3 totemsrp.c and vsf_quorum.c, Pacemaker
 * 2.1 controld_te_actions.c, controld_execd.c (log_executor_event) and
 * controld_fencing.c, fenced_commands.c and fenced_remote.c, and hasan's
 * own pool agent (src/cmd/pool-agent.c, phase()) and fence agents
 * (src/cmd/fence.c, agent_journal(); src/lib/fence.c, power_off_verified()). Resource names follow
 * roles/pacemaker/templates/cib_objects.json.j2: POOL-vip-VLAN for the
 * VIPs, POOL-unblock-VLAN for the portblock unblocks that end the group.
 */
struct rule {
        enum timeline_phase phase;
        const char *source;
        const char *needles[3];
        const char *subject_after;
        const char *subject_has;
};

static const struct rule rules[] = {
    /* connection1:0: detected conn error (1022) */
    {TIMELINE_PATH_FAULT, "kernel", {"connection", ": detected conn error ("}, NULL, NULL},
    /* connection1:0: ping timeout of 2 secs expired, recv timeout 2, last rx ... */
    {TIMELINE_PATH_FAULT,
     "kernel",
     {"connection", ": ping timeout of ", " secs expired"},
     NULL,
     NULL},
    /* session1: session recovery timed out after 5 secs */
    {TIMELINE_PATH_FAULT, "kernel", {"session", ": session recovery timed out after "}, NULL, NULL},
    /* Kernel reported iSCSI connection 1:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: ...) state (3) */
    {TIMELINE_PATH_FAULT, "iscsid", {"Kernel reported iSCSI connection ", " error ("}, NULL, NULL},

    /* [TOTEM ] A processor failed, forming new configuration: token timed out (4000ms), ... */
    {TIMELINE_TOKEN_LOST,
     "corosync",
     {"A processor failed, forming new configuration"},
     NULL,
     NULL},

    /* [TOTEM ] A new membership (2.3e) was formed. Members left: 1 */
    {TIMELINE_MEMBERSHIP,
     "corosync",
     {"A new membership (", ") was formed. Members left: "},
     "Members left: ",
     NULL},
    /* [QUORUM] Sync left[1]: 1 */
    {TIMELINE_MEMBERSHIP, "corosync", {"Sync left[", "]: "}, "]: ", NULL},
    /* Node storage-a state is now lost */
    {TIMELINE_MEMBERSHIP, "pacemaker-controld", {"Node ", " state is now lost"}, "Node ", NULL},

    /* Requesting fencing (reboot) of node storage-a */
    {TIMELINE_FENCE_REQUEST,
     "pacemaker-controld",
     {"Requesting fencing (", ") of node "},
     ") of node ",
     NULL},

    /* Operation 'reboot' [2211] targeting storage-a using fence-storage-a returned 0 */
    {TIMELINE_FENCE_DONE,
     "pacemaker-fenced",
     {"Operation 'reboot' [", "] targeting ", " returned 0"},
     "] targeting ",
     NULL},
    {TIMELINE_FENCE_DONE,
     "pacemaker-fenced",
     {"Operation 'off' [", "] targeting ", " returned 0"},
     "] targeting ",
     NULL},
    /* Operation 'reboot' targeting storage-a by quorum for pacemaker-controld.1181@storage-b: OK */
    {TIMELINE_FENCE_DONE,
     "pacemaker-fenced",
     {"Operation 'reboot' targeting ", " for ", ": OK"},
     "' targeting ",
     NULL},
    {TIMELINE_FENCE_DONE,
     "pacemaker-fenced",
     {"Operation 'off' targeting ", " for ", ": OK"},
     "' targeting ",
     NULL},
    /* hasan's agents: '10.10.10.201:80' plug '1' is OFF: verified (the plug reports OFF ...) */
    {TIMELINE_FENCE_DONE, "fence_kasa", {" is OFF: verified ("}, NULL, NULL},
    {TIMELINE_FENCE_DONE, "fence_tasmota", {" is OFF: verified ("}, NULL, NULL},
    {TIMELINE_FENCE_DONE, "fence_esphome", {" is OFF: verified ("}, NULL, NULL},
    {TIMELINE_FENCE_DONE, "fence_hasan_http", {" is OFF: verified ("}, NULL, NULL},
    /* Peer storage-a was terminated (reboot) by quorum on behalf of ...@storage-b: OK */
    {TIMELINE_FENCE_DONE,
     "pacemaker-controld",
     {"Peer ", " was terminated (", ": OK"},
     "Peer ",
     NULL},

    /* Initiating stop operation tank-unblock-client_stop_0 on storage-a */
    {TIMELINE_GROUP_STOP,
     "pacemaker-controld",
     {"Initiating stop operation "},
     "Initiating stop operation ",
     NULL},

    /* phase export-done: tank exported in 712 ms */
    {TIMELINE_EXPORT_DONE, "hasan-pool", {"phase export-done: "}, "phase export-done: ", NULL},
    /* phase import-start: zpool import tank (timeout 55000 ms) */
    {TIMELINE_IMPORT_START,
     "hasan-pool",
     {"phase import-start: zpool import "},
     "zpool import ",
     NULL},
    /* phase import-done: tank imported DEGRADED in 2204 ms (5310 ms since start) */
    {TIMELINE_IMPORT_DONE, "hasan-pool", {"phase import-done: "}, "phase import-done: ", NULL},

    /* Result of start operation for tank-vip-client on storage-b: ok */
    {TIMELINE_VIP_UP,
     "pacemaker-controld",
     {"Result of start operation for ", ": ok"},
     "operation for ",
     "-vip-"},
    /* Result of start operation for tank-unblock-client on storage-b: ok */
    {TIMELINE_SERVICES_UP,
     "pacemaker-controld",
     {"Result of start operation for ", ": ok"},
     "operation for ",
     "-unblock-"},
};

size_t timeline_identifiers(const char **out, size_t max)
{
        size_t n = 0;

        for (size_t i = 0; i < ELEMENTSOF(rules); i++) {
                bool seen = false;

                for (size_t k = 0; k < i && !seen; k++)
                        seen = strcmp(rules[k].source, rules[i].source) == 0;
                if (seen)
                        continue;
                if (n < max)
                        out[n] = rules[i].source;
                n++;
        }
        return n;
}

/* Where needle occurs in s; when word_end, not followed by a letter or digit. */
static const char *find_needle(const char *s, const char *needle, bool word_end)
{
        size_t len = strlen(needle);

        word_end = word_end && len > 0 && isalnum((unsigned char)needle[len - 1]);

        for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
                if (!word_end || !isalnum((unsigned char)p[len]))
                        return p;
        return NULL;
}

/* The word after marker in message: up to a space, without trailing punctuation. */
static char *word_after(const char *message, const char *marker)
{
        const char *p = strstr(message, marker);
        size_t len;

        if (!p)
                return strdup("");
        p += strlen(marker);
        len = strcspn(p, " \t");
        while (len > 0 && strchr(":,;)'", p[len - 1]))
                len--;
        return strndup(p, len);
}

static bool rule_matches(const struct rule *r, const char *identifier, const char *transport,
                         const char *message)
{
        const char *at = message;

        if (!identifier || strcmp(identifier, r->source) != 0)
                return false;
        if (strcmp(r->source, "kernel") == 0 && (!transport || strcmp(transport, "kernel") != 0))
                return false;
        for (size_t i = 0; i < ELEMENTSOF(r->needles) && r->needles[i]; i++) {
                bool last = i + 1 == ELEMENTSOF(r->needles) || !r->needles[i + 1];

                at = find_needle(at, r->needles[i], last);
                if (!at)
                        return false;
                at += strlen(r->needles[i]);
        }
        return true;
}

int timeline_match(const char *identifier, const char *transport, const char *message,
                   enum timeline_phase *ret_phase, char **ret_subject)
{
        if (!message)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(rules); i++) {
                const struct rule *r = &rules[i];
                char *subject;

                if (!rule_matches(r, identifier, transport, message))
                        continue;
                subject = r->subject_after ? word_after(message, r->subject_after) : strdup("");
                if (!subject)
                        return -ENOMEM;
                if (r->subject_has && !strstr(subject, r->subject_has)) {
                        free(subject);
                        continue;
                }
                *ret_phase = r->phase;
                *ret_subject = subject;
                return 1;
        }
        return 0;
}

int timeline_parse_since(const char *text, uint64_t now_usec, uint64_t *ret)
{
        static const struct {
                char unit;
                uint64_t usec;
        } units[] = {
            {'s', 1000000ull}, {'m', 60000000ull}, {'h', 3600000000ull}, {'d', 86400000000ull}};
        uint64_t n;

        if (text[0] == '-') {
                const char *number = text + 1; /* "90s": digits, then one unit */
                size_t len = strlen(number);
                char digits[24];

                for (size_t i = 0; i < ELEMENTSOF(units) && len >= 2; i++) {
                        if (units[i].unit != number[len - 1] || len - 1 >= sizeof(digits))
                                continue;
                        memcpy(digits, number, len - 1);
                        digits[len - 1] = '\0';
                        if (safe_atou64(digits, &n) < 0 || n > now_usec / units[i].usec)
                                return -EINVAL;
                        *ret = now_usec - n * units[i].usec;
                        return 0;
                }
                return -EINVAL;
        }
        if (text[0] == '@') {
                if (safe_atou64(text + 1, &n) < 0 || n == 0 || n > UINT64_MAX / 1000000u)
                        return -EINVAL;
                *ret = n * 1000000u;
                return 0;
        }
        {
                struct tm tm = {0};
                const char *end = strptime(text, "%Y-%m-%d", &tm);
                time_t t;

                if (!end || (*end != 'T' && *end != ' '))
                        return -EINVAL;
                end = strptime(end + 1, "%H:%M:%S", &tm);
                if (!end || (*end && strcmp(end, "Z") != 0))
                        return -EINVAL;
                t = timegm(&tm);
                if (t <= 0)
                        return -EINVAL;
                *ret = (uint64_t)t * 1000000u;
                return 0;
        }
}

/* --- the events ------------------------------------------------------------------------- */

static void event_clear(struct timeline_event *ev)
{
        free(ev->node);
        free(ev->subject);
        free(ev->message);
}

void timeline_events_clear(struct timeline_events *e)
{
        for (size_t i = 0; i < e->n; i++)
                event_clear(&e->v[i]);
        free(e->v);
        *e = (struct timeline_events){0};
}

int timeline_events_add(struct timeline_events *e, uint64_t usec, enum timeline_phase phase,
                        const char *node, const char *subject, const char *message)
{
        struct timeline_event ev = {
            .usec = usec,
            .phase = phase,
            .node = strdup(node),
            .subject = strdup(subject ? subject : ""),
            .message = strdup(message),
        };

        if (!ev.node || !ev.subject || !ev.message) {
                event_clear(&ev);
                return -ENOMEM;
        }
        if (e->n == e->cap) {
                size_t cap = e->cap ? e->cap * 2 : 64;
                struct timeline_event *v = reallocarray(e->v, cap, sizeof(*v));

                if (!v) {
                        event_clear(&ev);
                        return -ENOMEM;
                }
                e->v = v;
                e->cap = cap;
        }
        e->v[e->n++] = ev;
        return 0;
}

static int event_cmp(const void *a, const void *b)
{
        const struct timeline_event *x = a, *y = b;
        int c;

        if (x->usec != y->usec)
                return x->usec < y->usec ? -1 : 1;
        c = strcmp(x->node, y->node);
        if (c)
                return c;
        if (x->phase != y->phase)
                return x->phase < y->phase ? -1 : 1;
        return strcmp(x->message, y->message);
}

void timeline_events_sort(struct timeline_events *e)
{
        if (e->n > 1)
                qsort(e->v, e->n, sizeof(*e->v), event_cmp);
}

/* --- JSON ------------------------------------------------------------------------------- */

static struct json_object *event_to_json(const struct timeline_event *ev)
{
        struct json_object *o = json_object_new_object();

        if (!o)
                return NULL;
        if (json_object_object_add(o, "node", json_object_new_string(ev->node)) < 0 ||
            json_object_object_add(o, "realtime_usec", json_object_new_uint64(ev->usec)) < 0 ||
            json_object_object_add(
                o, "phase", json_object_new_string(timeline_phase_to_string(ev->phase))) < 0 ||
            json_object_object_add(o, "subject", json_object_new_string(ev->subject)) < 0 ||
            json_object_object_add(o, "message", json_object_new_string(ev->message)) < 0) {
                json_object_put(o);
                return NULL;
        }
        return o;
}

struct json_object *timeline_events_to_json(const struct timeline_events *e)
{
        struct json_object *a = json_object_new_array();

        for (size_t i = 0; a && i < e->n; i++) {
                struct json_object *o = event_to_json(&e->v[i]);

                if (!o || json_object_array_add(a, o) < 0) {
                        json_object_put(o);
                        json_object_put(a);
                        return NULL;
                }
        }
        return a;
}

/* A string member of event o, or NULL with why filled. */
static const char *string_member(struct json_object *o, const char *key, bool required,
                                 const char *where, char *why, size_t why_size)
{
        struct json_object *v;

        if (!json_object_object_get_ex(o, key, &v)) {
                if (required)
                        snprintf(why, why_size, "%s: '%s' is missing", where, key);
                return required ? NULL : "";
        }
        if (!json_object_is_type(v, json_type_string)) {
                snprintf(why, why_size, "%s: '%s' is not a string", where, key);
                return NULL;
        }
        return json_object_get_string(v);
}

static int event_from_json(struct json_object *o, const char *where, struct timeline_events *out,
                           char *why, size_t why_size)
{
        struct json_object *t;
        const char *node, *phase_name, *subject, *message;
        enum timeline_phase phase;
        int64_t usec;

        if (!json_object_is_type(o, json_type_object)) {
                snprintf(why, why_size, "%s: not an object", where);
                return -EINVAL;
        }
        if (!(node = string_member(o, "node", true, where, why, why_size)) ||
            !(phase_name = string_member(o, "phase", true, where, why, why_size)) ||
            !(subject = string_member(o, "subject", false, where, why, why_size)) ||
            !(message = string_member(o, "message", true, where, why, why_size)))
                return -EINVAL;
        if (!node[0]) {
                snprintf(why, why_size, "%s: 'node' is empty", where);
                return -EINVAL;
        }
        phase = timeline_phase_from_string(phase_name);
        if (phase < 0) {
                snprintf(why, why_size, "%s: 'phase' is '%.64s', not a phase hasan timeline knows",
                         where, phase_name);
                return -EINVAL;
        }
        if (!json_object_object_get_ex(o, "realtime_usec", &t)) {
                snprintf(why, why_size, "%s: 'realtime_usec' is missing", where);
                return -EINVAL;
        }
        usec = json_object_get_int64(t);
        if (!json_object_is_type(t, json_type_int) || usec <= 0) {
                snprintf(why, why_size,
                         "%s: 'realtime_usec' is not a positive whole number of microseconds",
                         where);
                return -EINVAL;
        }
        return timeline_events_add(out, (uint64_t)usec, phase, node, subject, message);
}

DEFINE_TRIVIAL_CLEANUP_FUNC(struct json_tokener *, json_tokener_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct json_object *, json_object_put)

int timeline_events_from_json(const char *text, size_t size, const char *origin,
                              struct timeline_events *out, char *why, size_t why_size)
{
        _cleanup_(json_tokener_freep) struct json_tokener *tok = json_tokener_new();
        size_t off = 0, n_before = out->n, doc = 0;
        int r = 0;

        if (!tok)
                return -ENOMEM;
        if (size > INT32_MAX) {
                snprintf(why, why_size, "%s: too large", origin);
                return -EFBIG;
        }
        for (;;) {
                _cleanup_(json_object_putp) struct json_object *root = NULL;
                size_t len;

                while (off < size && isspace((unsigned char)text[off]))
                        off++;
                if (off == size)
                        break;
                doc++;
                json_tokener_reset(tok);
                root = json_tokener_parse_ex(tok, text + off, (int)(size - off));
                if (!root && json_tokener_get_error(tok) == json_tokener_continue) {
                        /* The rest is all of this document: tell the parser it ended. */
                        root = json_tokener_parse_ex(tok, "", 1);
                        len = size - off;
                } else
                        len = json_tokener_get_parse_end(tok);
                if (!root) {
                        snprintf(why, why_size, "%s: document %zu: not JSON: %s", origin, doc,
                                 json_tokener_error_desc(json_tokener_get_error(tok)));
                        r = -EINVAL;
                        goto fail;
                }
                off += len;
                if (!json_object_is_type(root, json_type_array)) {
                        snprintf(why, why_size,
                                 "%s: document %zu: not a JSON array of events (as 'hasan "
                                 "timeline events --json' prints)",
                                 origin, doc);
                        r = -EINVAL;
                        goto fail;
                }
                for (size_t i = 0; i < json_object_array_length(root); i++) {
                        char where[256];

                        snprintf(where, sizeof(where), "%s: document %zu: event %zu", origin, doc,
                                 i + 1);
                        r = event_from_json(json_object_array_get_idx(root, i), where, out, why,
                                            why_size);
                        if (r < 0)
                                goto fail;
                }
        }
        return 0;
fail:
        while (out->n > n_before)
                event_clear(&out->v[--out->n]);
        return r;
}

/* --- the last failover ------------------------------------------------------------------ */

/* Whether resource id (or an op key "id_stop_0") belongs to the pool's group. */
static bool of_pool(const char *id, const char *pool)
{
        size_t n = strlen(pool);

        return strncmp(id, pool, n) == 0 && id[n] == '-';
}

/* The first event of phase in [lo, hi] that keep() accepts, or NULL. */
static const struct timeline_event *
first_between(const struct timeline_events *e, enum timeline_phase phase, uint64_t lo, uint64_t hi,
              bool (*keep)(const struct timeline_event *, const struct timeline_failover *),
              const struct timeline_failover *f)
{
        for (size_t i = 0; i < e->n; i++) {
                const struct timeline_event *ev = &e->v[i];

                if (ev->usec < lo || ev->usec > hi || ev->phase != phase)
                        continue;
                if (!keep || keep(ev, f))
                        return ev;
        }
        return NULL;
}

static bool same_pool(const struct timeline_event *ev, const struct timeline_failover *f)
{
        return strcmp(ev->subject, f->pool) == 0;
}

static bool import_of_pool(const struct timeline_event *ev, const struct timeline_failover *f)
{
        return same_pool(ev, f) && strcmp(ev->node, f->node) == 0;
}

static bool member_of_pool(const struct timeline_event *ev, const struct timeline_failover *f)
{
        return of_pool(ev->subject, f->pool);
}

/* Fencing of any node but the importer (which could not import while being fenced). */
static bool fences_other(const struct timeline_event *ev, const struct timeline_failover *f)
{
        return strcmp(ev->subject, f->node) != 0;
}

/*
 * When the last of the pool's resources of phase (VIPs, unblocks) started
 * on the importing node in [lo, hi]: each resource's first start counts.
 */
static const struct timeline_event *last_of_firsts(const struct timeline_events *e,
                                                   enum timeline_phase phase, uint64_t lo,
                                                   uint64_t hi, const struct timeline_failover *f)
{
        const struct timeline_event *last = NULL;

        for (size_t i = 0; i < e->n; i++) {
                const struct timeline_event *ev = &e->v[i];
                bool earlier = false;

                if (ev->usec < lo || ev->usec > hi || ev->phase != phase ||
                    strcmp(ev->node, f->node) != 0 || !of_pool(ev->subject, f->pool))
                        continue;
                for (size_t k = 0; k < i && !earlier; k++)
                        earlier = e->v[k].usec >= lo && e->v[k].phase == phase &&
                                  strcmp(e->v[k].node, f->node) == 0 &&
                                  strcmp(e->v[k].subject, ev->subject) == 0;
                if (!earlier && (!last || ev->usec >= last->usec))
                        last = ev;
        }
        return last;
}

int timeline_last_failover(const struct timeline_events *events, const struct timeline_options *o,
                           struct timeline_failover *ret)
{
        uint64_t window = o && o->window_usec ? o->window_usec : TIMELINE_WINDOW_USEC_DEFAULT;
        struct timeline_failover f = {0};
        const struct timeline_event *done = NULL, *start;
        uint64_t lo = 0, before;

        for (size_t i = events->n; i > 0 && !done; i--)
                if (events->v[i - 1].phase == TIMELINE_IMPORT_DONE &&
                    (!o || !o->pool || strcmp(events->v[i - 1].subject, o->pool) == 0))
                        done = &events->v[i - 1];
        if (!done)
                return -ENOENT;
        f.pool = done->subject;
        f.node = done->node;
        f.phase[TIMELINE_IMPORT_DONE] = done;

        /* Nothing before the previous import belongs to this failover. */
        for (size_t i = 0; i < events->n; i++)
                if (events->v[i].phase == TIMELINE_IMPORT_DONE && events->v[i].usec < done->usec)
                        lo = events->v[i].usec + 1;

        /* The import's own start: the last one before its end. */
        start = NULL;
        for (size_t i = 0; i < events->n; i++) {
                const struct timeline_event *ev = &events->v[i];

                if (ev->phase == TIMELINE_IMPORT_START && ev->usec >= lo &&
                    ev->usec <= done->usec && import_of_pool(ev, &f))
                        start = ev;
        }
        f.phase[TIMELINE_IMPORT_START] = start;
        before = start ? start->usec : done->usec;
        if (before > window && before - window > lo)
                lo = before - window;

        f.phase[TIMELINE_EXPORT_DONE] =
            first_between(events, TIMELINE_EXPORT_DONE, lo, before, same_pool, &f);
        f.phase[TIMELINE_GROUP_STOP] =
            first_between(events, TIMELINE_GROUP_STOP, lo, before, member_of_pool, &f);
        f.phase[TIMELINE_PATH_FAULT] =
            first_between(events, TIMELINE_PATH_FAULT, lo, before, NULL, &f);
        f.phase[TIMELINE_TOKEN_LOST] =
            first_between(events, TIMELINE_TOKEN_LOST, lo, before, NULL, &f);
        f.phase[TIMELINE_MEMBERSHIP] =
            first_between(events, TIMELINE_MEMBERSHIP, lo, before, NULL, &f);
        f.phase[TIMELINE_FENCE_REQUEST] =
            first_between(events, TIMELINE_FENCE_REQUEST, lo, before, fences_other, &f);
        f.phase[TIMELINE_FENCE_DONE] = first_between(
            events, TIMELINE_FENCE_DONE,
            f.phase[TIMELINE_FENCE_REQUEST] ? f.phase[TIMELINE_FENCE_REQUEST]->usec : lo, before,
            fences_other, &f);
        f.kind = f.phase[TIMELINE_EXPORT_DONE] ? TIMELINE_PLANNED : TIMELINE_UNPLANNED;

        f.phase[TIMELINE_VIP_UP] =
            last_of_firsts(events, TIMELINE_VIP_UP, done->usec, done->usec + window, &f);
        f.phase[TIMELINE_SERVICES_UP] =
            last_of_firsts(events, TIMELINE_SERVICES_UP, done->usec, done->usec + window, &f);

        f.start_usec = UINT64_MAX;
        f.end_usec = 0;
        for (int p = 0; p < _TIMELINE_PHASE_MAX; p++) {
                const struct timeline_event *ev = f.phase[p];

                if (!ev)
                        continue;
                if (ev->usec < f.start_usec)
                        f.start_usec = ev->usec;
                if (ev->usec > f.end_usec)
                        f.end_usec = ev->usec;
        }
        f.complete = f.phase[TIMELINE_SERVICES_UP] != NULL;
        if (f.complete)
                f.end_usec = f.phase[TIMELINE_SERVICES_UP]->usec;
        *ret = f;
        return 0;
}

static double seconds_between(uint64_t from, uint64_t to)
{
        return to >= from ? (double)(to - from) / 1e6 : -((double)(from - to) / 1e6);
}

size_t timeline_failover_spans(const struct timeline_failover *f, struct timeline_span *out,
                               size_t max)
{
        const struct timeline_event *const *ph = f->phase;
        const struct timeline_event *detected =
            ph[TIMELINE_FENCE_REQUEST] ? ph[TIMELINE_FENCE_REQUEST] : ph[TIMELINE_MEMBERSHIP];
        struct {
                const char *name;
                bool known;
                uint64_t from, to;
        } spans[] = {
            {"detection", f->kind == TIMELINE_UNPLANNED && detected, f->start_usec,
             detected ? detected->usec : 0},
            {"stop", f->kind == TIMELINE_PLANNED, f->start_usec,
             ph[TIMELINE_EXPORT_DONE] ? ph[TIMELINE_EXPORT_DONE]->usec : 0},
            {"fencing", ph[TIMELINE_FENCE_REQUEST] && ph[TIMELINE_FENCE_DONE],
             ph[TIMELINE_FENCE_REQUEST] ? ph[TIMELINE_FENCE_REQUEST]->usec : 0,
             ph[TIMELINE_FENCE_DONE] ? ph[TIMELINE_FENCE_DONE]->usec : 0},
            {"import", ph[TIMELINE_IMPORT_START] != NULL,
             ph[TIMELINE_IMPORT_START] ? ph[TIMELINE_IMPORT_START]->usec : 0,
             ph[TIMELINE_IMPORT_DONE]->usec},
            {"services", ph[TIMELINE_SERVICES_UP] != NULL, ph[TIMELINE_IMPORT_DONE]->usec,
             ph[TIMELINE_SERVICES_UP] ? ph[TIMELINE_SERVICES_UP]->usec : 0},
            {"total", f->complete, f->start_usec, f->end_usec},
        };
        size_t n = 0;

        _Static_assert(ELEMENTSOF(spans) == TIMELINE_SPANS_MAX, "TIMELINE_SPANS_MAX is wrong");
        for (size_t i = 0; i < ELEMENTSOF(spans) && n < max; i++)
                if (spans[i].known)
                        out[n++] = (struct timeline_span){
                            spans[i].name, seconds_between(spans[i].from, spans[i].to)};
        return n;
}

/* The failover's events in time order (phase order on ties). */
static size_t ordered_phases(const struct timeline_failover *f,
                             const struct timeline_event *out[_TIMELINE_PHASE_MAX])
{
        size_t n = 0;

        for (int p = 0; p < _TIMELINE_PHASE_MAX; p++) {
                size_t k;

                if (!f->phase[p])
                        continue;
                k = n++;
                while (k > 0 && out[k - 1]->usec > f->phase[p]->usec) {
                        out[k] = out[k - 1];
                        k--;
                }
                out[k] = f->phase[p];
        }
        return n;
}

size_t timeline_failover_ordered(const struct timeline_failover *f,
                                 const struct timeline_event *out[_TIMELINE_PHASE_MAX])
{
        return ordered_phases(f, out);
}

/* "2026-12-07T10:00:00.120Z" */
void timeline_format_time(uint64_t usec, char *buf, size_t size)
{
        time_t t = (time_t)(usec / 1000000);
        struct tm tm;
        char base[32];

        if (!gmtime_r(&t, &tm) || strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
                snprintf(buf, size, "@%" PRIu64, usec);
                return;
        }
        snprintf(buf, size, "%s.%03uZ", base, (unsigned)(usec % 1000000 / 1000));
}

/* Seconds to the millisecond, written as such ("3.360", not "3.3599999999999999"). */
static int add_number(struct json_object *o, const char *key, double v)
{
        char text[32];

        snprintf(text, sizeof(text), "%.3f", v);
        return json_object_object_add(o, key, json_object_new_double_s(v, text));
}

struct json_object *timeline_failover_to_json(const struct timeline_failover *f)
{
        _cleanup_(json_object_putp) struct json_object *o = json_object_new_object();
        struct json_object *phases = json_object_new_array(), *spans = json_object_new_object();
        const struct timeline_event *ordered[_TIMELINE_PHASE_MAX];
        struct timeline_span sp[TIMELINE_SPANS_MAX];
        size_t n = ordered_phases(f, ordered), n_spans;
        char when[40];
        int r = 0;

        if (!o || !phases || !spans) {
                json_object_put(phases);
                json_object_put(spans);
                return NULL;
        }
        r |= json_object_object_add(o, "phases", phases);
        r |= json_object_object_add(o, "spans", spans);
        r |= json_object_object_add(o, "kind",
                                    json_object_new_string(timeline_kind_to_string(f->kind)));
        r |= json_object_object_add(o, "pool", json_object_new_string(f->pool));
        r |= json_object_object_add(o, "node", json_object_new_string(f->node));
        r |= json_object_object_add(o, "complete", json_object_new_boolean(f->complete));
        r |= json_object_object_add(o, "start_usec", json_object_new_uint64(f->start_usec));
        r |= json_object_object_add(o, "end_usec", json_object_new_uint64(f->end_usec));
        r |= add_number(o, "total_seconds", seconds_between(f->start_usec, f->end_usec));
        for (size_t i = 0; i < n && r == 0; i++) {
                const struct timeline_event *ev = ordered[i];
                struct json_object *p = event_to_json(ev);

                if (!p || json_object_array_add(phases, p) < 0) {
                        json_object_put(p);
                        return NULL;
                }
                timeline_format_time(ev->usec, when, sizeof(when));
                r |= json_object_object_add(p, "time", json_object_new_string(when));
                r |= add_number(p, "since_start_seconds", seconds_between(f->start_usec, ev->usec));
                r |= add_number(p, "step_seconds",
                                i == 0 ? 0.0 : seconds_between(ordered[i - 1]->usec, ev->usec));
        }
        n_spans = timeline_failover_spans(f, sp, ELEMENTSOF(sp));
        for (size_t i = 0; i < n_spans && r == 0; i++)
                r |= add_number(spans, sp[i].name, sp[i].seconds);
        return r == 0 ? TAKE_PTR(o) : NULL;
}
