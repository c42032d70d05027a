/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan backend target [--down] [OPTIONS]
 *      Create or repair this node's backend target without LUNs: target,
 *      TPG 1, the portal on the storage address, CHAP-only settings, and
 *      the peer initiator's ACL with mutual CHAP. Run at boot, so the
 *      peer's session exists while nothing is exported. --down removes the
 *      whole target, LUNs included.
 *
 * hasan backend start [OPTIONS]
 *      The target and every disk as a LUN for the peer. Refused while this
 *      node holds the pool.
 *
 * hasan backend stop [OPTIONS]
 *      Remove every LUN and backstore, so the disks are free for a local
 *      import; the target stays.
 *
 * hasan backend status [--json] [OPTIONS]
 *      What exists of the above, and whether the peer is logged in. Exit
 *      status 0 when every disk is exported, 3 when none is, 1 when the
 *      export is partial or broken.
 *
 *   --config FILE      cluster description (default HASAN_CLUSTER_JSON)
 *   --node NAME        this node's name in it (default: the short host name)
 *   --cred-store PATH  credential store (default HASAN_CRED_STORE)
 *   --cred-key PATH    its key file (default HASAN_CRED_KEY)
 *   --configfs DIR     LIO's configfs directory (default LIO_ROOT_DEFAULT; for tests)
 *   -h, --help         print this help to stdout
 *
 * As the OCF resource agent ocf:hasan:backend (argv[0] "backend"): start
 * is "start", stop removes the LUNs only, monitor reads configfs only.
 * Secrets go from the credential store into configfs files and nowhere
 * else. Details: docs/backend.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config.h"
#include "cmd/commands.h"
#include "cmd/lio-run.h"
#include "lib/cred.h"
#include "lib/layout.h"
#include "lib/lio.h"
#include "lib/spec.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/ocf.h"
#include "shared/verbs.h"
#include "shared/time-util.h"

/* Serializes the runs that change configfs (boot unit, Pacemaker, an operator). */
#define BACKEND_LOCK "/run/hasan-backend.lock"
#define BACKEND_LOCK_WAIT_MS 20000u

/* Exit codes of "hasan backend status". */
enum {
        STATUS_EXPORTED = 0,
        STATUS_PARTIAL = 1,
        STATUS_NOT_EXPORTED = 3,
};

struct backend_options {
        const char *config;
        const char *node; /* NULL: the short host name */
        const char *cred_store;
        const char *cred_key;
        const char *configfs; /* NULL: LIO_ROOT_DEFAULT */
        bool json;
        bool down;
        bool ocf; /* reports go to the log (stderr), not to stdout */
};

/* Why loading the description and this node's part of it failed. */
enum load_error {
        LOAD_UNREADABLE = 1, /* the file cannot be read */
        LOAD_INVALID,        /* it is not a valid description */
        LOAD_UNKNOWN_NODE,   /* no such node */
        LOAD_NOT_STORAGE,    /* the node is not a storage node */
        LOAD_INCOMPLETE,     /* no backend, storage address or peer */
        LOAD_NO_MEMORY,
};

struct backend_run {
        const struct backend_options *opt;
        struct lio_run base; /* the description, the credentials, configfs, the lock */
        const struct spec_node *node;
        struct lio_backend *b;
};

static void run_init(struct backend_run *run, const struct backend_options *o)
{
        *run = (struct backend_run){.opt = o};
        lio_run_init(&run->base, o->configfs, o->ocf, o->json);
}

static void run_done(struct backend_run *run)
{
        lio_backend_free(run->b);
        lio_run_done(&run->base);
        *run = (struct backend_run){.base = {.lock_fd = -1}};
}

/* Load the description and build this node's backend. Logs why it failed. */
static enum load_error run_load(struct backend_run *run, const char *verb, bool quiet)
{
        const struct backend_options *o = run->opt;
        struct spec_problems problems = {0};
        int r;

        r = spec_load_file(o->config, &run->base.spec, &problems);
        if (r < 0) {
                log_error_errno(r, "cannot %s: cannot read cluster description '%s'", verb,
                                o->config);
                return LOAD_UNREADABLE;
        }
        if (problems.n > 0) {
                log_error("cannot %s: cluster description '%s' is invalid (%zu problem%s, the "
                          "first: %s: %s); see 'hasan spec check %s'",
                          verb, o->config, problems.n, problems.n == 1 ? "" : "s",
                          problems.items[0].path, problems.items[0].message, o->config);
                spec_problems_clear(&problems);
                return LOAD_INVALID;
        }
        r = layout_local_node(run->base.spec, o->node, &run->node);
        if (r == -ENOENT || r == -EMEDIUMTYPE) {
                char host[256] = "";

                if (!o->node && gethostname(host, sizeof(host) - 1) == 0)
                        host[strcspn(host, ".")] = '\0';
                if (!quiet) {
                        if (o->node && r == -ENOENT)
                                log_error("cannot %s: there is no node '%s' in '%s'", verb, o->node,
                                          o->config);
                        else if (o->node)
                                log_error("cannot %s: node '%s' in '%s' is no storage node", verb,
                                          o->node, o->config);
                        else
                                log_error("cannot %s: this host ('%s') is %s in '%s'; name the "
                                          "node with %s",
                                          verb, host, r == -ENOENT ? "no node" : "no storage node",
                                          o->config, o->ocf ? "the 'node' parameter" : "--node");
                }
                return r == -ENOENT ? LOAD_UNKNOWN_NODE : LOAD_NOT_STORAGE;
        }
        if (r < 0) {
                log_error_errno(r, "cannot %s: cannot tell this host's name", verb);
                return LOAD_UNKNOWN_NODE;
        }
        r = lio_backend_from_spec(run->base.spec, run->node, &run->b);
        if (r == -ENOMEM) {
                log_error("cannot %s: out of memory", verb);
                return LOAD_NO_MEMORY;
        }
        if (r < 0) {
                log_error("cannot %s: node '%s' in '%s' %s", verb, run->node->name, o->config,
                          r == -ENODEV          ? "has no backend"
                          : r == -EADDRNOTAVAIL ? "has no storage address"
                                                : "has no peer storage node with a backend");
                return LOAD_INCOMPLETE;
        }
        return 0;
}

/*
 * Load both CHAP secrets of this node into the backend (borrowed from the
 * store). Any failure is -ENOKEY: something this node lacks.
 */
static int run_load_secrets(struct backend_run *run, const char *verb)
{
        const struct backend_options *o = run->opt;
        const char *names[] = {run->b->credential, run->b->mutual_credential};
        struct lio_secret *secrets[] = {&run->b->password, &run->b->password_mutual};
        int r;

        r = lio_run_load_store(&run->base, o->cred_key, o->cred_store, verb);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                const uint8_t *data;
                const char *why;
                size_t size;

                r = cred_store_get(run->base.store, names[i], &data, &size);
                if (r < 0) {
                        log_error("cannot %s: credential '%s' (the %sCHAP secret of node '%s') "
                                  "is not in '%s'; store it with: hasan cred set %s",
                                  verb, names[i], i ? "mutual " : "", run->node->name,
                                  o->cred_store, names[i]);
                        return -ENOKEY;
                }
                why = lio_chap_secret_problem(data, size);
                if (why) {
                        log_error("cannot %s: credential '%s' cannot be a CHAP secret: %s", verb,
                                  names[i], why);
                        return -ENOKEY;
                }
                *secrets[i] = (struct lio_secret){data, size};
        }
        return 0;
}

/* Make sure LIO's configfs tree exists, trying modprobe once for the real one. */
static int run_ensure_lio(struct backend_run *run, const char *verb)
{
        char *modules[] = {"target_core_mod", "iscsi_target_mod", NULL};
        char line[256] = "";

        if (lio_available(&run->base.lio) == 0)
                return 0;
        if (!run->opt->configfs) {
                (void)lio_run_modprobe(modules, line, sizeof(line));
                if (lio_available(&run->base.lio) == 0) {
                        lio_run_report(&run->base, "loaded target_core_mod and iscsi_target_mod");
                        return 0;
                }
        }
        log_error("cannot %s: LIO is not available: load target_core_mod and iscsi_target_mod and "
                  "mount configfs (%s does not exist%s%s)",
                  verb, run->opt->configfs ? run->opt->configfs : LIO_ROOT_DEFAULT,
                  line[0] ? "; " : "", line);
        return -ENOENT;
}

/* One run at a time changes the backend; a second waits (bounded) for the first. */
static int run_lock(struct backend_run *run, const char *verb)
{
        int r;

        if (run->opt->configfs)
                return 0; /* a test directory, not the kernel's tree */
        r = lock_file_wait(BACKEND_LOCK, BACKEND_LOCK_WAIT_MS, &run->base.lock_fd);
        if (r == -EWOULDBLOCK)
                log_error("cannot %s: another 'hasan backend' run has held %s for %u s", verb,
                          BACKEND_LOCK, BACKEND_LOCK_WAIT_MS / 1000);
        else if (r < 0)
                log_error_errno(r, "cannot %s: cannot lock '%s'", verb, BACKEND_LOCK);
        return r;
}

/* ---- the operations, shared by the CLI and the agent ---- */

static int do_target_up(struct backend_run *run)
{
        const char *verb = "set up the backend target";
        int r = run_load_secrets(run, verb);

        if (r >= 0)
                r = run_ensure_lio(run, verb);
        if (r >= 0)
                r = run_lock(run, verb);
        if (r < 0)
                return r;
        r = lio_target_up(&run->base.lio, run->b);
        if (r < 0)
                log_error("cannot set up the backend target of '%s': %s", run->node->name,
                          run->base.lio.error ? run->base.lio.error : strerror(-r));
        return r;
}

static int do_start(struct backend_run *run)
{
        const char *verb = "export the backend disks";
        int r = run_load_secrets(run, verb);

        if (r >= 0)
                r = run_ensure_lio(run, verb);
        if (r >= 0)
                r = run_lock(run, verb);
        if (r < 0)
                return r;
        r = lio_export(&run->base.lio, run->b);
        if (r < 0) {
                log_error("cannot export the backend disks of '%s': %s", run->node->name,
                          run->base.lio.error ? run->base.lio.error : strerror(-r));
                return r;
        }
        if (run->opt->ocf)
                log_info("%zu disk%s exported to %s", run->b->n_luns,
                         run->b->n_luns == 1 ? "" : "s", run->b->initiator_iqn);
        else
                printf("%s: %zu disk%s exported to %s on %s\n", run->node->name, run->b->n_luns,
                       run->b->n_luns == 1 ? "" : "s", run->b->initiator_iqn, run->b->portal);
        return 0;
}

/* target_iqn NULL: the description could not be used; remove what the HBA range holds. */
static int do_stop(struct backend_run *run, const char *target_iqn)
{
        const char *verb = "unexport the backend disks";
        int r;

        if (lio_available(&run->base.lio) < 0) {
                lio_run_report(&run->base, "LIO is not loaded: nothing is exported");
                return 0;
        }
        r = run_lock(run, verb);
        if (r < 0)
                return r;
        r = lio_unexport(&run->base.lio, target_iqn);
        if (r < 0) {
                log_error("cannot unexport the backend disks%s%s: %s", run->node ? " of " : "",
                          run->node ? run->node->name : "",
                          run->base.lio.error ? run->base.lio.error : strerror(-r));
                return r;
        }
        return 0;
}

/* ---- for the pool agent ---- */

/*
 * The pool agent frees this node's disks before an import and serves them
 * to the new owner after an export. It goes through the same runs as the
 * CLI and the clone, so the backend's lock serializes it with them.
 */
static int pool_side_run(const char *config, const char *node, const char *cred_store,
                         const char *cred_key, bool export)
{
        struct backend_options o = {
            .config = config,
            .node = node,
            .cred_store = cred_store,
            .cred_key = cred_key,
            .ocf = true,
        };
        struct backend_run run;
        enum load_error e;
        int r;

        run_init(&run, &o);
        e = run_load(&run, export ? "export the backend disks" : "unexport the backend disks",
                     false);
        if (e != 0)
                r = e == LOAD_NO_MEMORY ? -ENOMEM : -EINVAL;
        else
                r = export ? do_start(&run) : do_stop(&run, run.b->target_iqn);
        run_done(&run);
        return r;
}

int backend_export_disks(const char *config, const char *node, const char *cred_store,
                         const char *cred_key)
{
        return pool_side_run(config, node, cred_store, cred_key, true);
}

int backend_unexport_disks(const char *config, const char *node)
{
        return pool_side_run(config, node, NULL, NULL, false);
}

/* ---- CLI ---- */

static struct backend_options arg;

static int verb_target(int argc, char **argv);
static int verb_start(int argc, char **argv);
static int verb_stop(int argc, char **argv);
static int verb_status(int argc, char **argv);

static const struct verb backend_verbs[] = {
    {"target", 0, 0, verb_target, "target [--down] [OPTIONS]",
     "set up this node's backend target without LUNs (--down: remove all)"},
    {"start", 0, 0, verb_start, "start [OPTIONS]",
     "export this node's disks to the peer (never while it holds the pool)"},
    {"stop", 0, 0, verb_stop, "stop [OPTIONS]", "unexport the disks; the target stays"},
    {"status", 0, 0, verb_status, "status [--json] [OPTIONS]",
     "show the target, the LUNs and the peer's session"},
};

_printf_(1, 2) static int usage_error(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        print_verbs_usage(stderr, "backend", backend_verbs, ELEMENTSOF(backend_verbs));
        return EXIT_USAGE;
}

static int verb_target(int argc, char **argv)
{
        struct backend_run run;
        int r;

        if (arg.json)
                return usage_error("option '%s' is only valid with 'status'", "--json");
        run_init(&run, &arg);
        if (run_load(&run, arg.down ? "remove the backend target" : "set up the backend target",
                     false) != 0) {
                run_done(&run);
                return EXIT_FAIL;
        }
        if (arg.down) {
                r = lio_available(&run.base.lio) < 0 ? 0
                                                     : run_lock(&run, "remove the backend target");
                if (r >= 0) {
                        r = lio_target_down(&run.base.lio, run.b->target_iqn);
                        if (r < 0)
                                log_error("cannot remove the backend target of '%s': %s",
                                          run.node->name, run.base.lio.error);
                }
        } else
                r = do_target_up(&run);
        run_done(&run);
        return r < 0 ? EXIT_FAIL : EXIT_OK;
}

static int verb_start(int argc, char **argv)
{
        struct backend_run run;
        int r;

        if (arg.json || arg.down)
                return usage_error("option '%s' is not valid with 'start'",
                                   arg.json ? "--json" : "--down");
        run_init(&run, &arg);
        r = run_load(&run, "export the backend disks", false) != 0 ? -EINVAL : do_start(&run);
        run_done(&run);
        return r < 0 ? EXIT_FAIL : EXIT_OK;
}

static int verb_stop(int argc, char **argv)
{
        struct backend_run run;
        int r;

        if (arg.json || arg.down)
                return usage_error("option '%s' is not valid with 'stop'",
                                   arg.json ? "--json" : "--down");
        run_init(&run, &arg);
        r = run_load(&run, "unexport the backend disks", false) != 0
                ? -EINVAL
                : do_stop(&run, run.b->target_iqn);
        run_done(&run);
        return r < 0 ? EXIT_FAIL : EXIT_OK;
}

static const char *password_state(const struct lio_status *s, bool ok)
{
        return !s->chap_readable ? "unknown (reading it needs root)" : ok ? "set" : "missing";
}

static const char *lun_state(const struct lio_lun_status *l)
{
        return lio_lun_status_complete(l) ? "exported" : l->present ? "broken" : "not-exported";
}

static void print_status_text(const struct backend_run *run, const struct lio_status *s)
{
        const struct lio_backend *b = run->b;

        printf("backend of %s: %s\n", b->node, lio_export_to_string(lio_status_export(s)));
        if (!s->available) {
                printf("LIO: not available (%s does not exist)\n",
                       run->base.lio.root ? run->base.lio.root : LIO_ROOT_DEFAULT);
                return;
        }
        printf("target %s: %s", b->target_iqn, s->target ? "present" : "missing");
        if (s->target)
                printf(", tpg %u %s", LIO_TPGT,
                       !s->tpg          ? "missing"
                       : s->tpg_enabled ? "enabled"
                                        : "disabled");
        printf("\nportal %s: %s\n", b->portal, s->portal ? "present" : "missing");
        printf("settings (CHAP only, explicit ACLs): %s\n",
               s->attributes ? "as required" : "not as required");
        printf("acl %s: %s", b->initiator_iqn, s->acl ? "present" : "missing");
        if (s->acl)
                printf(", CHAP user %s, password %s, mutual user %s, mutual password %s, "
                       "session %s",
                       s->chap_userid ? "ok" : "wrong", password_state(s, s->chap_password),
                       s->chap_userid_mutual ? "ok" : "wrong",
                       password_state(s, s->chap_password_mutual),
                       lio_session_to_string(s->session));
        putchar('\n');
        for (size_t i = 0; i < s->n_luns; i++) {
                const struct lio_lun_status *l = &s->luns[i];
                printf("lun %u %s: %s%s%s\n", l->lun, l->device, lun_state(l),
                       l->problem[0] ? ": " : "", l->problem);
        }
        for (size_t i = 0; i < s->n_strays; i++)
                printf("not in the description: %s\n", s->strays[i]);
        for (size_t i = 0; i < s->n_stray_luns; i++)
                printf("not in the description: %s\n", s->stray_luns[i]);
}

static json_object *json_strv(char **v, size_t n)
{
        json_object *a = json_object_new_array();

        for (size_t i = 0; a && i < n; i++)
                json_object_array_add(a, json_object_new_string(v[i]));
        return a;
}

static json_object *json_password(const struct lio_status *s, bool ok)
{
        return json_object_new_string(!s->chap_readable ? "unknown" : ok ? "set" : "missing");
}

static int print_status_json(const struct backend_run *run, const struct lio_status *s)
{
        const struct lio_backend *b = run->b;
        json_object *o = json_object_new_object(), *t, *acl, *luns;
        int r = 0;

        if (!o)
                return -ENOMEM;
        json_object_object_add(o, "node", json_object_new_string(b->node));
        json_object_object_add(o, "export",
                               json_object_new_string(lio_export_to_string(lio_status_export(s))));
        json_object_object_add(o, "lio", json_object_new_boolean(s->available));

        t = json_object_new_object();
        json_object_object_add(t, "iqn", json_object_new_string(b->target_iqn));
        json_object_object_add(t, "present", json_object_new_boolean(s->target));
        json_object_object_add(t, "tpg", json_object_new_boolean(s->tpg));
        json_object_object_add(t, "tpg_enabled", json_object_new_boolean(s->tpg_enabled));
        json_object_object_add(t, "portal", json_object_new_string(b->portal));
        json_object_object_add(t, "portal_present", json_object_new_boolean(s->portal));
        json_object_object_add(t, "settings_ok", json_object_new_boolean(s->attributes));
        json_object_object_add(t, "complete",
                               json_object_new_boolean(lio_status_skeleton_complete(s)));
        json_object_object_add(o, "target", t);

        acl = json_object_new_object();
        json_object_object_add(acl, "initiator", json_object_new_string(b->initiator_iqn));
        json_object_object_add(acl, "present", json_object_new_boolean(s->acl));
        json_object_object_add(acl, "chap_userid_ok", json_object_new_boolean(s->chap_userid));
        json_object_object_add(acl, "chap_password", json_password(s, s->chap_password));
        json_object_object_add(acl, "chap_userid_mutual_ok",
                               json_object_new_boolean(s->chap_userid_mutual));
        json_object_object_add(acl, "chap_password_mutual",
                               json_password(s, s->chap_password_mutual));
        json_object_object_add(acl, "session",
                               json_object_new_string(lio_session_to_string(s->session)));
        json_object_object_add(o, "acl", acl);

        luns = json_object_new_array();
        for (size_t i = 0; i < s->n_luns; i++) {
                const struct lio_lun_status *l = &s->luns[i];
                json_object *lo = json_object_new_object();

                json_object_object_add(lo, "lun", json_object_new_int((int)l->lun));
                json_object_object_add(lo, "device", json_object_new_string(l->device));
                json_object_object_add(lo, "state", json_object_new_string(lun_state(l)));
                json_object_object_add(lo, "backstore", json_object_new_boolean(l->backstore));
                json_object_object_add(lo, "enabled", json_object_new_boolean(l->enabled));
                json_object_object_add(lo, "device_matches",
                                       json_object_new_boolean(l->device_matches));
                json_object_object_add(lo, "serial_matches",
                                       json_object_new_boolean(l->serial_matches));
                json_object_object_add(lo, "tpg_lun", json_object_new_boolean(l->tpg_lun));
                json_object_object_add(lo, "mapped", json_object_new_boolean(l->mapped));
                if (l->problem[0])
                        json_object_object_add(lo, "problem", json_object_new_string(l->problem));
                json_object_array_add(luns, lo);
        }
        json_object_object_add(o, "luns", luns);
        json_object_object_add(o, "strays", json_strv(s->strays, s->n_strays));
        json_object_object_add(o, "stray_luns", json_strv(s->stray_luns, s->n_stray_luns));

        if (puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                       JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
                r = -EIO;
        json_object_put(o);
        return r;
}

static int verb_status(int argc, char **argv)
{
        struct backend_run run;
        struct lio_status s;
        int ec;

        if (arg.down)
                return usage_error("option '%s' is only valid with 'target'", "--down");
        run_init(&run, &arg);
        if (run_load(&run, "read the backend status", false) != 0) {
                run_done(&run);
                return EXIT_FAIL;
        }
        if (lio_read_status(&run.base.lio, run.b, &s) < 0) {
                log_error("cannot read the backend status of '%s': %s", run.node->name,
                          run.base.lio.error);
                run_done(&run);
                return EXIT_FAIL;
        }
        switch (lio_status_export(&s)) {
        case LIO_EXPORT_FULL:
                ec = STATUS_EXPORTED;
                break;
        case LIO_EXPORT_NONE:
                ec = STATUS_NOT_EXPORTED;
                break;
        default:
                ec = STATUS_PARTIAL;
        }
        if (arg.json) {
                if (print_status_json(&run, &s) < 0)
                        ec = EXIT_FAIL;
        } else
                print_status_text(&run, &s);
        if (fflush(stdout) != 0)
                ec = EXIT_FAIL;
        lio_status_clear(&s);
        run_done(&run);
        return ec;
}

static void help(FILE *f)
{
        print_verbs_usage(f, "backend", backend_verbs, ELEMENTSOF(backend_verbs));
        fprintf(f,
                "\noptions:\n"
                "\t--config FILE      cluster description (default %s)\n"
                "\t--node NAME        this node's name in it (default: the short host name)\n"
                "\t--cred-store PATH  credential store (default %s)\n"
                "\t--cred-key PATH    its key file (default %s)\n"
                "\t--configfs DIR     LIO's configfs directory (default %s; for tests)\n"
                "\t--json             status: print JSON\n"
                "\t--down             target: remove the whole target, LUNs included\n"
                "\t-h, --help         print this help\n"
                "\nExit status: 0 success, 1 failure, 2 usage error. status exits 0 when every\n"
                "disk is exported, 3 when none is, and 1 when the export is partial or broken.\n"
                "The CHAP secrets come from the credential store and go to configfs only.\n"
                "docs/backend.md explains what is exported when.\n",
                HASAN_CLUSTER_JSON, HASAN_CRED_STORE, HASAN_CRED_KEY, LIO_ROOT_DEFAULT);
}

int cmd_backend(int argc, char **argv)
{
        static const struct option options[] = {
            {"config", required_argument, NULL, 'c'},
            {"node", required_argument, NULL, 'N'},
            {"cred-store", required_argument, NULL, 's'},
            {"cred-key", required_argument, NULL, 'k'},
            {"configfs", required_argument, NULL, 'C'},
            {"json", no_argument, NULL, 'j'},
            {"down", no_argument, NULL, 'd'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        int c, index = 0;

        arg = (struct backend_options){
            .config = HASAN_CLUSTER_JSON,
            .cred_store = HASAN_CRED_STORE,
            .cred_key = HASAN_CRED_KEY,
        };
        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, &index)) >= 0) {
                switch (c) {
                case 'c':
                case 'N':
                case 's':
                case 'k':
                case 'C':
                        if (optarg[0] == '\0')
                                return usage_error("empty value for option '--%s'",
                                                   options[index].name);
                        if (c == 'c')
                                arg.config = optarg;
                        else if (c == 'N')
                                arg.node = optarg;
                        else if (c == 's')
                                arg.cred_store = optarg;
                        else if (c == 'k')
                                arg.cred_key = optarg;
                        else
                                arg.configfs = optarg;
                        break;
                case 'j':
                        arg.json = true;
                        break;
                case 'd':
                        arg.down = true;
                        break;
                case 'h':
                        help(stdout);
                        return EXIT_OK;
                default:
                        print_verbs_usage(stderr, "backend", backend_verbs,
                                          ELEMENTSOF(backend_verbs));
                        return EXIT_USAGE;
                }
        }
        return dispatch_verb("backend", backend_verbs, ELEMENTSOF(backend_verbs), argc - optind,
                             argv + optind);
}

/* ---- ocf:hasan:backend ---- */

/*
 * Present while Pacemaker's clone instance runs here (set by start, removed
 * by stop, gone after a reboot). The pool agent's stop also exports this
 * node's disks, on a node in standby that runs no clone instance at all;
 * that export is not the clone's, so monitor reports NOT_RUNNING for it and
 * a probe never makes Pacemaker stop it (which would take the new owner's
 * mirror halves away).
 */
#define BACKEND_ACTIVE_MARKER "/run/hasan/backend.active"

static void set_active_marker(bool on)
{
        if (on) {
                _cleanup_close_ int fd = -1;

                (void)mkdir("/run/hasan", 0755);
                fd = open(BACKEND_ACTIVE_MARKER, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
                if (fd < 0)
                        log_warning("cannot create %s: %m", BACKEND_ACTIVE_MARKER);
        } else if (unlink(BACKEND_ACTIVE_MARKER) < 0 && errno != ENOENT)
                log_warning("cannot remove %s: %m", BACKEND_ACTIVE_MARKER);
}

static void options_from_ocf(const struct ocf_agent *a, struct backend_options *o)
{
        *o = (struct backend_options){
            .config = ocf_reskey(a, "config"),
            .node = ocf_reskey(a, "node"),
            .cred_store = ocf_reskey(a, "cred_store"),
            .cred_key = ocf_reskey(a, "cred_key"),
            .ocf = true,
        };
}

/* The OCF code for a description that could not be used. */
static enum ocf_exit ocf_load_exit(enum load_error e, bool node_named)
{
        switch (e) {
        case LOAD_INVALID:
        case LOAD_INCOMPLETE:
                return OCF_ERR_CONFIGURED;
        case LOAD_UNKNOWN_NODE:
        case LOAD_NOT_STORAGE:
                return node_named ? OCF_ERR_CONFIGURED : OCF_ERR_INSTALLED;
        case LOAD_UNREADABLE:
                return OCF_ERR_INSTALLED;
        default:
                return OCF_ERR_GENERIC;
        }
}

/* What a failed start means to Pacemaker: missing on this node, or a failure. */
static enum ocf_exit ocf_start_exit(int r)
{
        switch (r) {
        case -ENOKEY:  /* a credential or the store */
        case -ENOENT:  /* LIO, or a disk */
        case -ENOTBLK: /* a disk path that is no disk */
                return OCF_ERR_INSTALLED;
        default:
                return OCF_ERR_GENERIC;
        }
}

static enum ocf_exit ocf_start(const struct ocf_agent *a)
{
        struct backend_options o;
        struct backend_run run;
        enum load_error e;
        int r;

        options_from_ocf(a, &o);
        run_init(&run, &o);
        e = run_load(&run, "start", false);
        if (e != 0) {
                run_done(&run);
                return ocf_load_exit(e, o.node != NULL);
        }
        r = do_start(&run);
        run_done(&run);
        if (r < 0)
                return ocf_start_exit(r);
        set_active_marker(true);
        return OCF_SUCCESS;
}

/*
 * Stop never fails for want of something to remove. When the description
 * cannot be used it still frees whatever the backend's HBA range holds.
 */
static enum ocf_exit ocf_stop(const struct ocf_agent *a)
{
        struct backend_options o;
        struct backend_run run;
        enum load_error e;
        int r;

        options_from_ocf(a, &o);
        run_init(&run, &o);
        e = run_load(&run, "read the description for stop", true);
        if (e == LOAD_NOT_STORAGE || e == LOAD_UNKNOWN_NODE) {
                /* A quorum node, or a node the description does not know: nothing of ours. */
                run_done(&run);
                return OCF_SUCCESS;
        }
        if (e != 0)
                log_warning("removing every LUN of the backend's HBA range instead");
        r = do_stop(&run, e == 0 ? run.b->target_iqn : NULL);
        run_done(&run);
        if (r < 0)
                return OCF_ERR_GENERIC;
        set_active_marker(false);
        return OCF_SUCCESS;
}

/* Monitor: the description and configfs reads only; no child process, no secrets. */
static enum ocf_exit ocf_monitor(const struct ocf_agent *a)
{
        struct backend_options o;
        struct backend_run run;
        struct lio_status s;
        enum load_error e;
        enum ocf_exit ec;

        if (access(BACKEND_ACTIVE_MARKER, F_OK) < 0)
                return OCF_NOT_RUNNING;
        options_from_ocf(a, &o);
        run_init(&run, &o);
        e = run_load(&run, "monitor", true);
        if (e == LOAD_NOT_STORAGE || e == LOAD_UNKNOWN_NODE) {
                run_done(&run);
                return OCF_NOT_RUNNING;
        }
        if (e != 0) {
                run_done(&run);
                return ocf_is_probe() ? OCF_NOT_RUNNING : ocf_load_exit(e, o.node != NULL);
        }
        if (lio_read_status(&run.base.lio, run.b, &s) < 0) {
                log_error("cannot read the backend status: %s", run.base.lio.error);
                run_done(&run);
                return OCF_ERR_GENERIC;
        }
        switch (lio_status_export(&s)) {
        case LIO_EXPORT_FULL:
                ec = OCF_SUCCESS;
                break;
        case LIO_EXPORT_NONE:
                ec = OCF_NOT_RUNNING;
                break;
        default:
                ec = OCF_ERR_GENERIC;
                for (size_t i = 0; i < s.n_luns; i++)
                        if (s.luns[i].problem[0]) {
                                log_error("partial export: lun %u: %s", s.luns[i].lun,
                                          s.luns[i].problem);
                                break;
                        }
                if (!lio_status_skeleton_complete(&s))
                        log_error("partial export: the target is incomplete (see 'hasan backend "
                                  "status')");
                for (size_t i = 0; i < s.n_stray_luns; i++)
                        log_error("partial export: not in the description: %s", s.stray_luns[i]);
        }
        lio_status_clear(&s);
        run_done(&run);
        return ec;
}

static enum ocf_exit ocf_validate(const struct ocf_agent *a)
{
        struct backend_options o;
        struct backend_run run;
        enum load_error e;
        enum ocf_exit ec = OCF_SUCCESS;

        options_from_ocf(a, &o);
        run_init(&run, &o);
        e = run_load(&run, "validate", false);
        if (e != 0) {
                run_done(&run);
                return ocf_load_exit(e, o.node != NULL);
        }
        for (size_t i = 0; i < run.b->n_luns; i++) {
                struct stat st;
                const char *dev = run.b->luns[i].device;

                if (stat(dev, &st) < 0) {
                        log_error("disk %s (lun %u) of node '%s': %s", dev, run.b->luns[i].lun,
                                  run.node->name, strerror(errno));
                        ec = OCF_ERR_INSTALLED;
                } else if (!S_ISBLK(st.st_mode)) {
                        log_error("disk %s (lun %u) of node '%s' is not a block device", dev,
                                  run.b->luns[i].lun, run.node->name);
                        ec = OCF_ERR_INSTALLED;
                }
        }
        if (run_load_secrets(&run, "validate") < 0)
                ec = OCF_ERR_INSTALLED;
        run_done(&run);
        return ec;
}

static const struct ocf_param backend_params[] = {
    {"config", OCF_CONTENT_STRING, false, false, HASAN_CLUSTER_JSON, "cluster description",
     "The cluster description this node's backend target and disks are read from."},
    {"node", OCF_CONTENT_STRING, false, false, NULL, "this node's name",
     "This node's name in the cluster description. Default: the host's short name."},
    {"cred_store", OCF_CONTENT_STRING, false, false, HASAN_CRED_STORE, "credential store",
     "The encrypted credential store holding this node's backend CHAP secrets."},
    {"cred_key", OCF_CONTENT_STRING, false, false, HASAN_CRED_KEY, "credential store key",
     "The key file of the credential store."},
};

static const struct ocf_action backend_actions[] = {
    {"start", ocf_start, 30, 0, 0},      {"stop", ocf_stop, 30, 0, 0},
    {"monitor", ocf_monitor, 20, 10, 0}, {"validate-all", ocf_validate, 20, 0, 0},
    {"meta-data", NULL, 5, 0, 0},
};

static const struct ocf_agent backend_agent = {
    .name = "backend",
    .version = HASAN_VERSION,
    .shortdesc = "hasan backend iSCSI export of this node's disks",
    .longdesc =
        "Exports this storage node's disks (data, slog, special, in the cluster description's "
        "order) as LUNs of its backend iSCSI target to the peer's initiator, through LIO's "
        "configfs. Run it where the pool is NOT: a disk that a local pool holds cannot be "
        "exported. start creates or repairs the target and every LUN; stop removes the LUNs "
        "and backstores only (the target stays, so the peer's session survives); monitor "
        "reads configfs only and returns 0 when every disk is exported, 7 when none is, 1 "
        "when the export is partial. Exit codes beyond those: 6 for an invalid description, "
        "5 for what is missing on this node (a disk, a credential, LIO).",
    .params = backend_params,
    .n_params = ELEMENTSOF(backend_params),
    .actions = backend_actions,
    .n_actions = ELEMENTSOF(backend_actions),
};

int backend_personality(int argc, char **argv)
{
        return ocf_main(&backend_agent, argc, argv);
}
