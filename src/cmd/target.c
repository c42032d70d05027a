/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan target start [OPTIONS]
 *      Create or repair the client iSCSI targets of every client VLAN that
 *      offers iscsi: the zvols below the VLAN's dataset become LUNs, at the
 *      numbers the LUN map on the pool gives them (new zvols get the next
 *      number, which is saved before LIO is touched). Run it again after
 *      creating a zvol. Needs the pool imported here.
 *
 * hasan target stop [OPTIONS]
 *      Remove every client target and backstore. Never touches the
 *      backend target. Nothing to remove is success.
 *
 * hasan target status [--json] [OPTIONS]
 *      The client targets' state from configfs: exit 0 running, 3 stopped,
 *      1 partial.
 *
 *   --config FILE      cluster description (default HASAN_CLUSTER_JSON)
 *   --cred-store PATH  credential store (default HASAN_CRED_STORE)
 *   --cred-key PATH    its key file (default HASAN_CRED_KEY)
 *   --configfs DIR     LIO's configfs directory (default LIO_ROOT_DEFAULT; for tests)
 *   --zvol-wait SEC    how long start waits for udev's /dev/zvol links (default 20)
 *   -h, --help         print this help to stdout
 *
 * As the OCF resource agent ocf:hasan:lio-client (argv[0] "lio-client"),
 * in the pool's group after the VIPs: start is "start", stop is "stop",
 * monitor reads configfs only. Details: docs/target.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config.h"
#include "cmd/commands.h"
#include "cmd/lio-run.h"
#include "lib/cred.h"
#include "lib/lio-client.h"
#include "lib/lio.h"
#include "lib/lunmap.h"
#include "lib/spec.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/mountinfo.h"
#include "shared/ocf.h"
#include "shared/parse.h"
#include "shared/spawn.h"
#include "shared/time-util.h"
#include "shared/verbs.h"

#define TARGET_LOCK "/run/hasan-target.lock"
#define TARGET_LOCK_WAIT_MS 20000u
#define ZFS_TIMEOUT_MS 20000u
#define ZVOL_WAIT_DEFAULT_S 20u

enum {
        STATUS_RUNNING = 0,
        STATUS_PARTIAL = 1,
        STATUS_STOPPED = 3,
};

struct target_options {
        const char *config;
        const char *cred_store;
        const char *cred_key;
        const char *configfs; /* NULL: LIO_ROOT_DEFAULT */
        unsigned zvol_wait_s;
        bool json;
        bool ocf; /* progress goes to the log, not stdout */
};

struct target_run {
        const struct target_options *opt;
        struct lio_run base; /* the description, the credentials, configfs, the lock */
        struct lio_client *cl;
};

static void run_init(struct target_run *run, const struct target_options *o)
{
        *run = (struct target_run){.opt = o};
        lio_run_init(&run->base, o->configfs, o->ocf, o->json);
}

static void run_done(struct target_run *run)
{
        lio_client_free(run->cl);
        lio_run_done(&run->base);
        *run = (struct target_run){.base = {.lock_fd = -1}};
}

/* Load the description and the TPGs it asks for. -EINVAL: invalid; -ENOENT: unreadable. */
static int run_load(struct target_run *run, const char *verb)
{
        struct spec_problems problems = {0};
        int r = spec_load_file(run->opt->config, &run->base.spec, &problems);

        if (r < 0)
                return log_error_errno(r == -ENOMEM ? r : -ENOENT,
                                       "cannot %s: cannot read cluster description '%s'", verb,
                                       run->opt->config);
        if (problems.n > 0) {
                log_error("cannot %s: cluster description '%s' is invalid (the first problem: "
                          "%s: %s); see 'hasan spec check %s'",
                          verb, run->opt->config, problems.items[0].path, problems.items[0].message,
                          run->opt->config);
                spec_problems_clear(&problems);
                return -EINVAL;
        }
        r = lio_client_from_spec(run->base.spec, &run->cl);
        if (r < 0)
                return log_error_errno(r, "cannot %s", verb);
        return 0;
}

/* One secret from the store into *s; -ENOKEY with the reason logged. */
static int load_secret(struct target_run *run, const char *name, const char *what,
                       struct lio_secret *s)
{
        const uint8_t *data;
        const char *why;
        size_t size;

        if (!name)
                return 0;
        if (cred_store_get(run->base.store, name, &data, &size) < 0) {
                log_error("credential '%s' (%s) is not in '%s'; store it with: hasan cred set %s",
                          name, what, run->opt->cred_store, name);
                return -ENOKEY;
        }
        why = lio_chap_secret_problem(data, size);
        if (why) {
                log_error("credential '%s' (%s) cannot be a CHAP secret: %s", name, what, why);
                return -ENOKEY;
        }
        *s = (struct lio_secret){data, size};
        return 0;
}

/* Every CHAP secret the TPGs need, borrowed from the store. Any failure is -ENOKEY. */
static int run_load_secrets(struct target_run *run, const char *verb)
{
        int r = lio_run_load_store(&run->base, run->opt->cred_key, run->opt->cred_store, verb);

        for (size_t i = 0; i < run->cl->n_tpgs && r >= 0; i++) {
                struct lio_client_tpg *t = &run->cl->tpgs[i];
                char what[256];

                snprintf(what, sizeof(what), "CHAP secret of VLAN '%s'", t->vlan);
                if (t->chap == ISCSI_CHAP_PER_VLAN) {
                        r = load_secret(run, t->credential, what, &t->password);
                        if (r >= 0 && t->mutual_chap)
                                r = load_secret(run, t->mutual_credential, what,
                                                &t->password_mutual);
                        continue;
                }
                for (size_t k = 0; k < t->n_initiators && r >= 0; k++) {
                        struct lio_client_initiator *ini = &t->initiators[k];
                        snprintf(what, sizeof(what), "CHAP secret of initiator %s", ini->iqn);
                        r = load_secret(run, ini->credential, what, &ini->password);
                        if (r >= 0 && t->mutual_chap)
                                r = load_secret(run, ini->mutual_credential, what,
                                                &ini->password_mutual);
                }
        }
        return r;
}

/* Run zfs with argv; its stdout is left in *res on success. */
static int run_zfs(char *const *argv, struct spawn_result *res, const char *what)
{
        struct spawn_options o = {.timeout_ms = ZFS_TIMEOUT_MS};
        char how[64], line[256];
        int r = spawn_run(argv, &o, res);

        if (r < 0 && r != -ETIMEDOUT)
                return log_error_errno(r, "cannot run zfs to %s", what);
        if (!spawn_result_success(res)) {
                log_error("cannot %s: zfs %s: %s", what,
                          spawn_result_describe(res, how, sizeof(how)),
                          spawn_result_first_line(res, line, sizeof(line)));
                spawn_result_clear(res);
                return r == -ETIMEDOUT ? r : -EIO;
        }
        return 0;
}

struct dataset_mount {
        const char *dataset;
        char *buf;
        size_t size;
};

static int match_dataset_mount(const struct mount_entry *m, void *userdata)
{
        struct dataset_mount *want = userdata;

        if (strcmp(m->fstype, "zfs") != 0 || strcmp(m->source, want->dataset) != 0)
                return 0;
        snprintf(want->buf, want->size, "%s", m->mount_point);
        return 1;
}

/*
 * Where the VLAN's dataset is mounted, from the mount table (no zfs process:
 * this is on the failover path); -ENOTDIR when it is not mounted.
 */
static int dataset_mountpoint(const char *dataset, char *buf, size_t size)
{
        struct dataset_mount want = {dataset, buf, size};
        int r = mountinfo_foreach(MOUNTINFO_PATH, match_dataset_mount, &want);

        if (r < 0)
                return log_error_errno(r, "cannot read the mount table %s", MOUNTINFO_PATH);
        if (r == 0) {
                log_error("dataset '%s' is not mounted: the LUN map lives in its directory",
                          dataset);
                return -ENOTDIR;
        }
        return 0;
}

/* Wait (bounded) for udev to create /dev/zvol/<name>. */
static int wait_for_zvol(const char *device, unsigned wait_s)
{
        uint64_t deadline = now_ms() + (uint64_t)wait_s * 1000u;
        struct stat st;

        while (stat(device, &st) < 0) {
                struct timespec pause = {0, 50 * 1000 * 1000};
                if (errno != ENOENT || now_ms() >= deadline)
                        return -errno;
                nanosleep(&pause, NULL);
        }
        return 0;
}

/*
 * The zvols of one TPG's dataset, their LUN numbers from the map on the
 * pool (saved first when new zvols got numbers), as backstores and LUNs.
 */
static int tpg_add_zvols(struct target_run *run, struct lio_client_tpg *t)
{
        _cleanup_free_ char *dataset = NULL, *map_path = NULL, *map_error = NULL;
        _cleanup_free_ const char **names = NULL;
        _cleanup_free_ const char **guids = NULL;
        _cleanup_free_ unsigned *luns = NULL;
        struct spawn_result res = {0};
        struct lunmap map = {0};
        char mountpoint[4096];
        size_t n = 0, prefix;
        bool changed;
        int r;

        if (asprintf(&dataset, "%s/%s", run->cl->pool, t->dataset) < 0)
                return -ENOMEM;
        prefix = strlen(dataset) + 1;
        r = dataset_mountpoint(dataset, mountpoint, sizeof(mountpoint));
        if (r < 0)
                return r;
        if (asprintf(&map_path, "%s/%s", mountpoint, LUNMAP_FILE_NAME) < 0)
                return -ENOMEM;
        char *argv[] = {"zfs", "list",   "-H", "-p",    "-o", "name,guid",
                        "-t",  "volume", "-r", dataset, NULL};
        r = run_zfs(argv, &res, "list the zvols");
        if (r < 0)
                return r;
        for (char *p = res.out; *p; p++)
                n += *p == '\n';
        names = calloc(n + 1, sizeof(*names));
        guids = calloc(n + 1, sizeof(*guids));
        luns = calloc(n + 1, sizeof(*luns));
        if (!names || !guids || !luns) {
                spawn_result_clear(&res);
                return -ENOMEM;
        }
        n = 0;
        for (char *line = strtok(res.out, "\n"); line; line = strtok(NULL, "\n")) {
                char *tab = strchr(line, '\t');
                if (!tab || strncmp(line, dataset, prefix - 1) != 0 || line[prefix - 1] != '/')
                        continue;
                *tab = '\0';
                names[n] = line + prefix; /* relative to the VLAN's dataset */
                guids[n++] = tab + 1;
        }

        r = lunmap_load(map_path, &map, &map_error);
        if (r < 0) {
                log_error("cannot read the LUN map '%s': %s", map_path,
                          map_error ? map_error : strerror(-r));
                spawn_result_clear(&res);
                return r;
        }
        r = lunmap_assign(&map, t->tpgt, names, n, luns, &changed);
        if (r >= 0 && changed) {
                r = lunmap_save(map_path, &map);
                if (r < 0)
                        log_error_errno(r, "cannot save the LUN map '%s'", map_path);
                else
                        lio_run_report(&run->base, "LUN map: new zvols numbered and saved");
        } else if (r < 0)
                log_error_errno(r, "cannot number the zvols of '%s'", dataset);
        lunmap_clear(&map);

        for (size_t i = 0; i < n && r >= 0; i++) {
                _cleanup_free_ char *zvol = NULL;
                size_t index;

                if (asprintf(&zvol, "%s/%s", dataset, names[i]) < 0) {
                        r = -ENOMEM;
                        break;
                }
                r = lio_client_add_backstore(run->cl, zvol, guids[i], &index);
                if (r < 0) {
                        log_error_errno(r, "zvol '%s' cannot be a backstore", zvol);
                        break;
                }
                r = wait_for_zvol(run->cl->backstores[index].device, run->opt->zvol_wait_s);
                if (r < 0) {
                        log_error_errno(r, "zvol '%s': %s did not appear within %u s", zvol,
                                        run->cl->backstores[index].device, run->opt->zvol_wait_s);
                        break;
                }
                r = lio_client_add_lun(t, luns[i], index);
        }
        spawn_result_clear(&res);
        return r;
}

static int run_lock(struct target_run *run, const char *verb)
{
        int r;

        if (run->opt->configfs)
                return 0; /* a test directory, not the kernel's tree */
        (void)mkdir("/run/hasan", 0755);
        r = lock_file_wait(TARGET_LOCK, TARGET_LOCK_WAIT_MS, &run->base.lock_fd);
        if (r < 0)
                log_error_errno(r, "cannot %s: cannot lock '%s'", verb, TARGET_LOCK);
        return r;
}

static int ensure_lio(struct target_run *run, const char *verb)
{
        char *modules[] = {"target_core_mod", "iscsi_target_mod", "target_core_iblock", NULL};

        if (lio_available(&run->base.lio) == 0)
                return 0;
        if (!run->opt->configfs)
                (void)lio_run_modprobe(modules, NULL, 0);
        if (lio_available(&run->base.lio) == 0)
                return 0;
        log_error("cannot %s: LIO is not available: load target_core_mod and iscsi_target_mod "
                  "and mount configfs (%s does not exist)",
                  verb, run->opt->configfs ? run->opt->configfs : LIO_ROOT_DEFAULT);
        return -ENOENT;
}

static int do_start(struct target_run *run)
{
        const char *verb = "start the client targets";
        uint64_t t0 = now_ms();
        size_t n_luns = 0;
        int r = run_load_secrets(run, verb);

        if (r >= 0)
                r = ensure_lio(run, verb);
        if (r >= 0)
                r = run_lock(run, verb);
        for (size_t i = 0; i < run->cl->n_tpgs && r >= 0; i++) {
                r = tpg_add_zvols(run, &run->cl->tpgs[i]);
                n_luns += run->cl->tpgs[i].n_luns;
        }
        if (r < 0)
                return r;
        r = lio_client_up(&run->base.lio, run->cl);
        if (r < 0) {
                log_error("cannot %s: %s", verb,
                          run->base.lio.error ? run->base.lio.error : strerror(-r));
                return r;
        }
        if (run->opt->ocf)
                log_info("%zu client target%s up with %zu lun%s in %.0f ms", run->cl->n_tpgs,
                         run->cl->n_tpgs == 1 ? "" : "s", n_luns, n_luns == 1 ? "" : "s",
                         (double)(now_ms() - t0));
        else if (!run->opt->json)
                printf("%zu client target%s up with %zu lun%s\n", run->cl->n_tpgs,
                       run->cl->n_tpgs == 1 ? "" : "s", n_luns, n_luns == 1 ? "" : "s");
        return 0;
}

/* cl NULL: the description could not be used; remove what is recognisably ours. */
static int do_stop(struct target_run *run)
{
        const char *verb = "stop the client targets";
        int r;

        if (lio_available(&run->base.lio) < 0) {
                lio_run_report(&run->base, "LIO is not loaded: no client target exists");
                return 0;
        }
        r = run_lock(run, verb);
        if (r < 0)
                return r;
        r = lio_client_down(&run->base.lio, run->cl);
        if (r < 0) {
                log_error("cannot %s: %s", verb,
                          run->base.lio.error ? run->base.lio.error : strerror(-r));
                return r;
        }
        if (!run->opt->ocf && !run->opt->json)
                printf("%d client target%s removed\n", r, r == 1 ? "" : "s");
        return 0;
}

/* ---- the command ---- */

static int parse_options(int argc, char **argv, struct target_options *o, bool allow_json)
{
        enum { OPT_CONFIG = 0x100, OPT_STORE, OPT_KEY, OPT_CONFIGFS, OPT_ZVOL_WAIT };
        static const struct option options[] = {
            {"config", required_argument, NULL, OPT_CONFIG},
            {"cred-store", required_argument, NULL, OPT_STORE},
            {"cred-key", required_argument, NULL, OPT_KEY},
            {"configfs", required_argument, NULL, OPT_CONFIGFS},
            {"zvol-wait", required_argument, NULL, OPT_ZVOL_WAIT},
            {"json", no_argument, NULL, 'j'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        int c;

        *o = (struct target_options){
            .config = HASAN_CLUSTER_JSON,
            .cred_store = HASAN_CRED_STORE,
            .cred_key = HASAN_CRED_KEY,
            .zvol_wait_s = ZVOL_WAIT_DEFAULT_S,
        };
        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                uint32_t v;
                switch (c) {
                case OPT_CONFIG:
                        o->config = optarg;
                        break;
                case OPT_STORE:
                        o->cred_store = optarg;
                        break;
                case OPT_KEY:
                        o->cred_key = optarg;
                        break;
                case OPT_CONFIGFS:
                        o->configfs = optarg;
                        break;
                case OPT_ZVOL_WAIT:
                        if (safe_atou32(optarg, &v) < 0 || v > 600) {
                                log_error("invalid --zvol-wait '%s': seconds, 0 to 600", optarg);
                                return -EINVAL;
                        }
                        o->zvol_wait_s = v;
                        break;
                case 'j':
                        if (!allow_json) {
                                log_error("--json is only for 'status'");
                                return -EINVAL;
                        }
                        o->json = true;
                        break;
                case 'h':
                        return 1;
                default:
                        return -EINVAL;
                }
        }
        if (optind < argc) {
                log_error("unexpected argument '%s'", argv[optind]);
                return -EINVAL;
        }
        return 0;
}

static const char usage_text[] =
    "usage: hasan target start|stop|status [--json] [OPTIONS]\n"
    "\n"
    "The client iSCSI targets of the client VLANs that offer iscsi (LIO, configfs).\n"
    "\n"
    "  start    create or repair them; zvols become LUNs at the numbers of the pool's LUN map\n"
    "  stop     remove them and their backstores (never the backend target)\n"
    "  status   their state: exit 0 running, 3 stopped, 1 partial\n"
    "\n"
    "  --config FILE      cluster description (default " HASAN_CLUSTER_JSON ")\n"
    "  --cred-store PATH  credential store (default " HASAN_CRED_STORE ")\n"
    "  --cred-key PATH    its key file (default " HASAN_CRED_KEY ")\n"
    "  --configfs DIR     LIO's configfs directory (default " LIO_ROOT_DEFAULT ")\n"
    "  --zvol-wait SEC    how long start waits for /dev/zvol links (default 20)\n"
    "  --json             machine-readable status\n";

static int verb_run(int argc, char **argv, int (*op)(struct target_run *), bool allow_json,
                    const char *verb)
{
        struct target_options o;
        struct target_run run;
        int r = parse_options(argc, argv, &o, allow_json);

        if (r > 0) {
                fputs(usage_text, stdout);
                return EXIT_OK;
        }
        if (r < 0) {
                fputs("usage: hasan target start|stop|status [--json] [OPTIONS]\n", stderr);
                return EXIT_USAGE;
        }
        run_init(&run, &o);
        r = run_load(&run, verb);
        if (r >= 0)
                r = op(&run);
        run_done(&run);
        return r;
}

static int start_op(struct target_run *run)
{
        return do_start(run) < 0 ? EXIT_FAIL : EXIT_OK;
}

static int stop_op(struct target_run *run)
{
        return do_stop(run) < 0 ? EXIT_FAIL : EXIT_OK;
}

static int status_op(struct target_run *run)
{
        _cleanup_free_ char *problem = NULL;
        enum lio_client_state s = lio_client_check(&run->base.lio, run->cl, &problem);

        if (run->opt->json) {
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "state",
                                       json_object_new_string(lio_client_state_to_string(s)));
                json_object_object_add(o, "tpgs", json_object_new_int64((int64_t)run->cl->n_tpgs));
                if (problem)
                        json_object_object_add(o, "problem", json_object_new_string(problem));
                printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
                json_object_put(o);
        } else {
                printf("client targets: %s%s%s\n", lio_client_state_to_string(s),
                       problem ? ": " : "", problem ? problem : "");
                for (size_t i = 0; i < run->cl->n_tpgs; i++)
                        printf("  %s tpg %u on %s (VLAN %s, %s)\n", run->cl->tpgs[i].target_iqn,
                               run->cl->tpgs[i].tpgt, run->cl->tpgs[i].portal,
                               run->cl->tpgs[i].vlan,
                               run->cl->tpgs[i].acl_mode == ISCSI_ACL_MODE_ACL ? "acl mode"
                                                                               : "generated acls");
        }
        return s == LIO_CLIENT_RUNNING   ? STATUS_RUNNING
               : s == LIO_CLIENT_STOPPED ? STATUS_STOPPED
                                         : STATUS_PARTIAL;
}

static int verb_start(int argc, char **argv)
{
        return verb_run(argc, argv, start_op, false, "start the client targets");
}

static int verb_stop(int argc, char **argv)
{
        return verb_run(argc, argv, stop_op, false, "stop the client targets");
}

static int verb_status(int argc, char **argv)
{
        int r = verb_run(argc, argv, status_op, true, "read the client targets");
        return r < 0 ? EXIT_FAIL : r;
}

static const struct verb verbs[] = {
    {"start", 0, VERB_ANY, verb_start, "start [OPTIONS]",
     "create or repair the client targets; zvols become LUNs"},
    {"stop", 0, VERB_ANY, verb_stop, "stop [OPTIONS]",
     "remove the client targets (never the backend target)"},
    {"status", 0, VERB_ANY, verb_status, "status [--json] [OPTIONS]",
     "the client targets' state: exit 0 running, 3 stopped, 1 partial"},
};

int cmd_target(int argc, char **argv)
{
        return dispatch_verb("target", verbs, ELEMENTSOF(verbs), argc - 1, argv + 1);
}

/* ---- the OCF resource agent ---- */

static void options_from_ocf(const struct ocf_agent *a, struct target_options *o)
{
        *o = (struct target_options){
            .config = ocf_reskey(a, "config"),
            .cred_store = ocf_reskey(a, "cred_store"),
            .cred_key = ocf_reskey(a, "cred_key"),
            .zvol_wait_s = ZVOL_WAIT_DEFAULT_S,
            .ocf = true,
        };
}

static enum ocf_exit ocf_start(const struct ocf_agent *a)
{
        struct target_options o;
        struct target_run run;
        int r;

        options_from_ocf(a, &o);
        run_init(&run, &o);
        r = run_load(&run, "start");
        if (r >= 0)
                r = do_start(&run);
        run_done(&run);
        switch (r) {
        case 0:
                return OCF_SUCCESS;
        case -EINVAL:
                return OCF_ERR_CONFIGURED;
        case -ENOKEY:
        case -ENOENT:
                return OCF_ERR_INSTALLED;
        default:
                return OCF_ERR_GENERIC;
        }
}

/* Stop never fails for want of a description: then it removes what is recognisably ours. */
static enum ocf_exit ocf_stop(const struct ocf_agent *a)
{
        struct target_options o;
        struct target_run run;
        int r;

        options_from_ocf(a, &o);
        run_init(&run, &o);
        if (run_load(&run, "read the description for stop") < 0)
                log_warning("removing the targets whose LUNs all live in %s instead",
                            LIO_CLIENT_HBA);
        r = do_stop(&run);
        run_done(&run);
        return r < 0 ? OCF_ERR_GENERIC : OCF_SUCCESS;
}

/* Monitor: the description and configfs reads only; no child process, no secrets. */
static enum ocf_exit ocf_monitor(const struct ocf_agent *a)
{
        _cleanup_free_ char *problem = NULL;
        struct target_options o;
        struct target_run run;
        enum lio_client_state s;
        int r;

        options_from_ocf(a, &o);
        run_init(&run, &o);
        r = run_load(&run, "monitor");
        if (r < 0) {
                run_done(&run);
                return ocf_is_probe() ? OCF_NOT_RUNNING
                                      : (r == -EINVAL ? OCF_ERR_CONFIGURED : OCF_ERR_INSTALLED);
        }
        s = lio_client_check(&run.base.lio, run.cl, &problem);
        if (s == LIO_CLIENT_PARTIAL)
                log_error("client targets partial: %s", problem ? problem : "?");
        run_done(&run);
        return s == LIO_CLIENT_RUNNING   ? OCF_SUCCESS
               : s == LIO_CLIENT_STOPPED ? OCF_NOT_RUNNING
                                         : OCF_ERR_GENERIC;
}

static enum ocf_exit ocf_validate(const struct ocf_agent *a)
{
        struct target_options o;
        struct target_run run;
        int r;

        options_from_ocf(a, &o);
        run_init(&run, &o);
        r = run_load(&run, "validate");
        if (r >= 0)
                r = run_load_secrets(&run, "validate");
        run_done(&run);
        return r == 0 ? OCF_SUCCESS : r == -EINVAL ? OCF_ERR_CONFIGURED : OCF_ERR_INSTALLED;
}

static const struct ocf_param target_params[] = {
    {"config", OCF_CONTENT_STRING, false, false, HASAN_CLUSTER_JSON, "cluster description",
     "The cluster description the client VLANs, their datasets and initiators are read from."},
    {"cred_store", OCF_CONTENT_STRING, false, false, HASAN_CRED_STORE, "credential store",
     "The encrypted credential store holding the client CHAP secrets."},
    {"cred_key", OCF_CONTENT_STRING, false, false, HASAN_CRED_KEY, "credential store key",
     "The key file of the credential store."},
};

static const struct ocf_action target_actions[] = {
    {"start", ocf_start, 60, 0, 0},      {"stop", ocf_stop, 30, 0, 0},
    {"monitor", ocf_monitor, 20, 10, 0}, {"validate-all", ocf_validate, 20, 0, 0},
    {"meta-data", NULL, 5, 0, 0},
};

static const struct ocf_agent target_agent = {
    .name = "lio-client",
    .version = HASAN_VERSION,
    .shortdesc = "hasan client iSCSI targets",
    .longdesc =
        "Serves the zvols below each client VLAN's dataset as iSCSI LUNs, one target per VLAN "
        "that offers iscsi, one portal group per VLAN (tag: the VLAN id) bound to the VLAN's VIP "
        "only, through LIO's configfs. LUN numbers come from the LUN map kept on the pool, so "
        "they are the same on either node. ACL mode lists the initiators, each with CHAP "
        "(and mutual CHAP); generated mode serves any initiator that passes the VLAN's CHAP. "
        "Put it in the pool's group after the VIPs: stop removes every client target and "
        "backstore, so the pool can be exported, and never touches the backend target. "
        "monitor reads configfs only: 0 running, 7 stopped, 1 partial.",
    .params = target_params,
    .n_params = ELEMENTSOF(target_params),
    .actions = target_actions,
    .n_actions = ELEMENTSOF(target_actions),
};

int lio_client_personality(int argc, char **argv)
{
        return ocf_main(&target_agent, argc, argv);
}
