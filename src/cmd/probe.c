/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan probe run --state DIR --target NAME=PATH... [--interval-ms MS]
 *                 [--duration SEC] [--max-records N] [--destroy-data] [--json]
 *      On a client of the SAN: write 4 KiB records at a steady rate to each
 *      target (an iSCSI LUN's block device, a file on an NFS or SMB mount),
 *      one thread per target, record N at offset N * 4096, and log each
 *      acknowledged record to DIR/NAME.acks (fdatasync'ed). A failed write
 *      is retried, same record, until it succeeds or the run ends. Stops at
 *      --duration, or on SIGINT/SIGTERM; then prints per target what was
 *      acknowledged, the write errors, the longest gap between two
 *      acknowledgements (the outage the client saw) and the ack latency.
 *      Block devices are overwritten: they need --destroy-data.
 *
 * hasan probe verify --state DIR [--json]
 *      Read back every acknowledged record of the run recorded in DIR and
 *      check it is there and intact. Exit 1 if any is missing or corrupt.
 *
 * The record format is in src/lib/probe-record.h, usage in docs/probe.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <linux/fs.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cmd/commands.h"
#include "lib/probe-record.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/mountinfo.h"
#include "shared/parse.h"
#include "shared/verbs.h"

#define PROBE_TARGETS_MAX 16u
/* Records a file target may hold unless --max-records says otherwise: 1 GiB. */
#define PROBE_FILE_RECORDS_DEFAULT (1u << 18)
#define PROBE_INTERVAL_MS_DEFAULT 100u
#define PROBE_INTERVAL_MS_MAX 60000u
/* Pause before retrying a failed write, at most; never more than the interval. */
#define PROBE_RETRY_PAUSE_NS (200ull * 1000000ull)
/* How often the main thread looks at its clock and the threads while waiting. */
#define PROBE_POLL_NS (100ull * 1000000ull)
#define PROBE_RUN_FILE "run.json"
#define PROBE_ACK_SUFFIX ".acks"
/* Bad records named per target in the text output and in the JSON. */
#define PROBE_BAD_SHOWN 10u
#define PROBE_BAD_JSON 100u

enum target_kind {
        TARGET_FILE,
        TARGET_BLOCK,
};

struct run_ctx;

struct target {
        char *name;
        char *path;
        enum target_kind kind;
        bool exists;         /* a file target existed before the run */
        bool direct;         /* O_DIRECT in effect */
        uint64_t capacity;   /* records that fit */
        int fd;              /* the target, -1 while closed */
        int ack_fd;          /* DIR/NAME.acks */
        uint8_t *buf;        /* one aligned record */
        struct run_ctx *ctx; /* back pointer for the thread */
        pthread_t thread;
        bool started;
        /* Written by the target's thread, read by the main thread. */
        _Atomic uint64_t errors;
        _Atomic uint64_t next_seq; /* first record not acknowledged */
        atomic_bool full;
        atomic_bool done;
        atomic_int fatal; /* -errno: the ack log failed */
};

struct run_ctx {
        struct target targets[PROBE_TARGETS_MAX];
        size_t n_targets;
        uint64_t run_id;
        uint64_t interval_ns;
        atomic_bool stop;
        pthread_mutex_t lock;
        pthread_cond_t wake; /* CLOCK_MONOTONIC */
};

struct run_options {
        const char *state;
        uint32_t interval_ms;
        uint64_t duration_s; /* 0: until a signal */
        uint64_t max_records;
        bool max_records_set;
        bool destroy_data;
        bool json;
};

static uint64_t clock_ns(clockid_t clock)
{
        struct timespec ts;

        clock_gettime(clock, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct timespec ns_to_timespec(uint64_t ns)
{
        return (struct timespec){.tv_sec = (time_t)(ns / 1000000000ull),
                                 .tv_nsec = (long)(ns % 1000000000ull)};
}

/* "2024-05-01T12:00:00.123Z", or "-" for 0. */
static void format_time(uint64_t ns, char buf[32])
{
        time_t sec = (time_t)(ns / 1000000000ull);
        struct tm tm;

        if (ns == 0 || !gmtime_r(&sec, &tm)) {
                snprintf(buf, 32, "-");
                return;
        }
        size_t n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf + n, 32 - n, ".%03uZ", (unsigned)(ns % 1000000000ull / 1000000ull));
}

static double ns_to_ms(uint64_t ns)
{
        return (double)ns / 1e6;
}

/* Messages from the target threads: one line at a time on stderr. */
_printf_(2, 3) static void target_log(enum log_level level, const char *fmt, ...)
{
        char msg[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        flockfile(stderr);
        log_msg(level, "%s", msg);
        funlockfile(stderr);
}

static char *ack_log_path(const char *state, const char *name)
{
        char *p = NULL;

        if (asprintf(&p, "%s/%s%s", state, name, PROBE_ACK_SUFFIX) < 0)
                return NULL;
        return p;
}

/*
 * Read an acknowledgement log. A last line without its newline is a write
 * the probe did not finish (it crashed): it is left out. Returns 0 with
 * *ret (free it) and *ret_n, -EBADMSG on a malformed line, or -errno.
 */
static int ack_log_read(const char *path, struct probe_ack **ret, size_t *ret_n)
{
        FILE *f = fopen(path, "re");
        struct probe_ack *acks = NULL;
        size_t n = 0, cap = 0, linesz = 0;
        char *line = NULL;
        ssize_t len;
        int r = 0;

        if (!f)
                return -errno;
        while ((len = getline(&line, &linesz, f)) > 0) {
                struct probe_ack a;

                if (line[len - 1] != '\n')
                        break;
                if (probe_ack_parse(line, &a) < 0) {
                        r = -EBADMSG;
                        break;
                }
                if (n == cap) {
                        size_t ncap = cap ? cap * 2 : 1024;
                        struct probe_ack *m = realloc(acks, ncap * sizeof(*acks));
                        if (!m) {
                                r = -ENOMEM;
                                break;
                        }
                        acks = m;
                        cap = ncap;
                }
                acks[n++] = a;
        }
        if (r == 0 && ferror(f))
                r = -EIO;
        free(line);
        fclose(f);
        if (r < 0) {
                free(acks);
                return r;
        }
        *ret = acks;
        *ret_n = n;
        return 0;
}

/* The outage and latency numbers of one target, as JSON members of o. */
static void stats_to_json(json_object *o, const struct probe_stats *s)
{
        char from[32], to[32];

        format_time(s->gap_start_ns, from);
        format_time(s->gap_end_ns, to);
        json_object_object_add(o, "acknowledged", json_object_new_uint64(s->acked));
        json_object_object_add(o, "outage_ms", json_object_new_double(ns_to_ms(s->gap_ns)));
        json_object_object_add(o, "outage_start", json_object_new_string(from));
        json_object_object_add(o, "outage_end", json_object_new_string(to));
        json_object_object_add(o, "outage_start_ns", json_object_new_uint64(s->gap_start_ns));
        json_object_object_add(o, "outage_end_ns", json_object_new_uint64(s->gap_end_ns));
        json_object_object_add(o, "outage_open", json_object_new_boolean(s->gap_open));
        json_object_object_add(o, "latency_p50_ms", json_object_new_double(ns_to_ms(s->p50_ns)));
        json_object_object_add(o, "latency_p99_ms", json_object_new_double(ns_to_ms(s->p99_ns)));
        json_object_object_add(o, "latency_max_ms",
                               json_object_new_double(ns_to_ms(s->max_latency_ns)));
}

static void stats_print_row(const struct probe_stats *s)
{
        char from[32], to[32];

        format_time(s->gap_start_ns, from);
        format_time(s->gap_end_ns, to);
        /* "+": the outage lasted until the run's end, it may have been longer. */
        printf("%9.1f%c  %-24s  %-24s  %7.2f  %7.2f\n", ns_to_ms(s->gap_ns),
               s->gap_open ? '+' : ' ', from, to, ns_to_ms(s->p50_ns), ns_to_ms(s->p99_ns));
}

static const char *stats_header = "OUTAGE_MS  OUTAGE_FROM               OUTAGE_TO                  "
                                  "P50_MS   P99_MS";

/* ---- run ---------------------------------------------------------------- */

static void target_close(struct target *t)
{
        if (t->fd >= 0)
                close(t->fd);
        t->fd = -1;
}

static void targets_free(struct run_ctx *ctx)
{
        for (size_t i = 0; i < ctx->n_targets; i++) {
                struct target *t = &ctx->targets[i];
                target_close(t);
                if (t->ack_fd >= 0)
                        close(t->ack_fd);
                free(t->name);
                free(t->path);
                free(t->buf);
        }
        ctx->n_targets = 0;
}

/* Open the target for writing, O_DIRECT when t->direct. Returns 0 or -errno. */
static int target_open(struct target *t)
{
        int flags = O_RDWR | O_DSYNC | O_CLOEXEC | O_NOCTTY;

        target_close(t);
        if (t->kind == TARGET_BLOCK)
                flags |= O_EXCL; /* fails with EBUSY while mounted or held */
        else
                flags |= O_CREAT;
        if (t->direct)
                flags |= O_DIRECT;
        t->fd = open(t->path, flags, 0644);
        return t->fd < 0 ? -errno : 0;
}

/* Write record seq from t->buf and make it durable. Returns 0 or -errno. */
static int target_write(struct target *t, uint64_t seq)
{
        ssize_t k;

        if (t->fd < 0)
                return -EBADF;
        do
                k = pwrite(t->fd, t->buf, PROBE_RECORD_SIZE, (off_t)(seq * PROBE_RECORD_SIZE));
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return -errno;
        if (k != PROBE_RECORD_SIZE)
                return -EIO; /* short write: the record is rewritten whole */
        /* O_DSYNC already waited; without O_DIRECT the spec'd belt and braces. */
        if (!t->direct && fdatasync(t->fd) < 0)
                return -errno;
        return 0;
}

static int ack_append(struct target *t, const struct probe_ack *ack)
{
        char line[64];
        int n = probe_ack_format(ack, line, sizeof(line));

        if (n < 0)
                return n;
        int r = write_all(t->ack_fd, line, (size_t)n);
        if (r < 0)
                return r;
        return fdatasync(t->ack_fd) < 0 ? -errno : 0;
}

static void request_stop(struct run_ctx *ctx)
{
        pthread_mutex_lock(&ctx->lock);
        atomic_store(&ctx->stop, true);
        pthread_cond_broadcast(&ctx->wake);
        pthread_mutex_unlock(&ctx->lock);
}

/* Sleep until the monotonic deadline. Returns false when the run stops. */
static bool wait_until(struct run_ctx *ctx, uint64_t deadline)
{
        struct timespec ts = ns_to_timespec(deadline);

        pthread_mutex_lock(&ctx->lock);
        while (!atomic_load(&ctx->stop) && clock_ns(CLOCK_MONOTONIC) < deadline)
                (void)pthread_cond_timedwait(&ctx->wake, &ctx->lock, &ts);
        pthread_mutex_unlock(&ctx->lock);
        return !atomic_load(&ctx->stop);
}

static void *target_loop(void *userdata)
{
        struct target *t = userdata;
        struct run_ctx *ctx = t->ctx;
        uint64_t pause =
            ctx->interval_ns < PROBE_RETRY_PAUSE_NS ? ctx->interval_ns : PROBE_RETRY_PAUSE_NS;
        uint64_t next = clock_ns(CLOCK_MONOTONIC), seq = 0, failures = 0;
        int last_error = 0;

        while (wait_until(ctx, next)) {
                struct probe_record rec = {.run_id = ctx->run_id, .seq = seq};
                struct probe_ack ack;
                int r;

                if (seq >= t->capacity) {
                        target_log(LOG_LEVEL_WARNING,
                                   "'%s': full after %" PRIu64 " records, no more writes", t->name,
                                   seq);
                        atomic_store(&t->full, true);
                        break;
                }
                memcpy(rec.name, t->name, strlen(t->name) + 1);
                rec.written_ns = clock_ns(CLOCK_REALTIME);
                probe_record_encode(&rec, t->buf);
                r = target_write(t, seq);
                if (r == -EINVAL && t->direct && t->kind == TARGET_FILE && seq == 0 &&
                    failures == 0) {
                        /* Opened with O_DIRECT, yet the file system refuses it on write. */
                        target_log(LOG_LEVEL_WARNING,
                                   "'%s': O_DIRECT refused by the file system, using O_DSYNC + "
                                   "fdatasync",
                                   t->name);
                        t->direct = false;
                        (void)target_open(t);
                        continue;
                }
                if (r < 0) {
                        atomic_fetch_add(&t->errors, 1);
                        if (failures++ == 0 || r != last_error)
                                target_log(LOG_LEVEL_WARNING,
                                           "'%s': cannot write record %" PRIu64 ": %s; retrying",
                                           t->name, seq, strerror(-r));
                        last_error = r;
                        /* A stale handle or a vanished device wants a fresh open. */
                        if (target_open(t) < 0)
                                target_close(t);
                        next = clock_ns(CLOCK_MONOTONIC) + pause;
                        continue;
                }
                ack = (struct probe_ack){seq, rec.written_ns, clock_ns(CLOCK_REALTIME)};
                if (failures > 0)
                        target_log(LOG_LEVEL_INFO,
                                   "'%s': record %" PRIu64 " written after %" PRIu64
                                   " failed attempts",
                                   t->name, seq, failures);
                failures = 0;
                last_error = 0;
                r = ack_append(t, &ack);
                if (r < 0) {
                        target_log(LOG_LEVEL_ERROR,
                                   "'%s': cannot log acknowledgement of record %" PRIu64
                                   ": %s; stopping the run",
                                   t->name, seq, strerror(-r));
                        atomic_store(&t->fatal, r);
                        request_stop(ctx);
                        break;
                }
                seq++;
                atomic_store(&t->next_seq, seq);
                /* Keep the cadence; after a stall the next write goes at once. */
                next += ctx->interval_ns;
                uint64_t now = clock_ns(CLOCK_MONOTONIC);
                if (next < now)
                        next = now;
        }
        atomic_store(&t->done, true);
        return NULL;
}

static void run_usage(FILE *f)
{
        fprintf(f, "usage: hasan probe run --state DIR --target NAME=PATH... [--interval-ms MS]\n"
                   "                       [--duration SEC] [--max-records N] [--destroy-data] "
                   "[--json]\n");
}

/* Whether major:minor is dev or a partition of it (/sys/dev/block/M:m/../dev names dev). */
static bool same_disk(unsigned major, unsigned minor, dev_t dev)
{
        _cleanup_free_ char *whole = NULL;
        char sys[PATH_MAX];
        unsigned wa, wi;

        if (makedev(major, minor) == dev)
                return true;
        snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/partition", major, minor);
        if (access(sys, F_OK) < 0)
                return false;
        snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/../dev", major, minor);
        return read_full_file(sys, &whole, NULL) >= 0 && sscanf(whole, "%u:%u", &wa, &wi) == 2 &&
               makedev(wa, wi) == dev;
}

struct device_mount {
        dev_t dev;
        char *where;
        size_t size;
};

static int match_device_mount(const struct mount_entry *m, void *userdata)
{
        struct device_mount *want = userdata;

        if (!same_disk(m->major, m->minor, want->dev))
                return 0;
        snprintf(want->where, want->size, "%s", m->mount_point);
        return 1;
}

/* Is dev (or one of its partitions) mounted? Fills where with the mount point. */
static bool device_mounted(dev_t dev, char *where, size_t size)
{
        struct device_mount want = {dev, where, size};

        return mountinfo_foreach(MOUNTINFO_PATH, match_device_mount, &want) > 0;
}

/*
 * Check one target before anything is written: what it is, whether it may
 * be written, how many records fit. Returns an EXIT_* code.
 */
static int target_examine(struct target *t, const struct run_options *o, uint64_t planned)
{
        struct stat st;

        if (stat(t->path, &st) < 0) {
                char parent[PATH_MAX];
                struct stat dst;

                if (errno != ENOENT || strlen(t->path) >= sizeof(parent)) {
                        log_error_errno(errno != ENOENT ? -errno : -ENAMETOOLONG,
                                        "cannot use target '%s': '%s'", t->name, t->path);
                        return EXIT_USAGE;
                }
                memcpy(parent, t->path, strlen(t->path) + 1);
                const char *dir = dirname(parent);
                if (stat(dir, &dst) < 0 || !S_ISDIR(dst.st_mode)) {
                        log_error("cannot use target '%s': directory '%s' does not exist", t->name,
                                  dir);
                        return EXIT_USAGE;
                }
                t->kind = TARGET_FILE;
        } else if (S_ISBLK(st.st_mode))
                t->kind = TARGET_BLOCK;
        else if (S_ISREG(st.st_mode)) {
                t->kind = TARGET_FILE;
                t->exists = true;
        } else {
                log_error("cannot use target '%s': '%s' is neither a regular file nor a block "
                          "device",
                          t->name, t->path);
                return EXIT_USAGE;
        }

        if (t->kind == TARGET_FILE) {
                struct rlimit rl;

                t->capacity = o->max_records_set ? o->max_records : PROBE_FILE_RECORDS_DEFAULT;
                if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
                    rl.rlim_cur / PROBE_RECORD_SIZE < t->capacity)
                        t->capacity = rl.rlim_cur / PROBE_RECORD_SIZE;
                if (t->exists && st.st_size > 0 && !o->destroy_data) {
                        /* Overwrite only what an earlier probe wrote. */
                        char head[PROBE_MAGIC_SIZE] = {0};
                        _cleanup_close_ int fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                        if (fd < 0 || pread(fd, head, sizeof(head), 0) != (ssize_t)sizeof(head) ||
                            memcmp(head, PROBE_MAGIC, PROBE_MAGIC_SIZE) != 0) {
                                log_error("cannot use target '%s': '%s' holds data that is not a "
                                          "probe's",
                                          t->name, t->path);
                                fprintf(stderr, "remove it, or run again with --destroy-data to "
                                                "overwrite it\n");
                                return EXIT_USAGE;
                        }
                }
        } else {
                char where[256];
                uint64_t size = 0;

                if (!o->destroy_data) {
                        log_error("cannot use target '%s': '%s' is a block device and the probe "
                                  "overwrites it",
                                  t->name, t->path);
                        fprintf(stderr, "run again with --destroy-data if its contents may be "
                                        "destroyed\n");
                        return EXIT_USAGE;
                }
                if (device_mounted(st.st_rdev, where, sizeof(where))) {
                        log_error("cannot use target '%s': '%s' (or a partition of it) is "
                                  "mounted on '%s'",
                                  t->name, t->path, where);
                        return EXIT_FAIL;
                }
                _cleanup_close_ int fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (fd < 0 || ioctl(fd, BLKGETSIZE64, &size) < 0) {
                        log_error_errno(-errno, "cannot use target '%s': size of '%s'", t->name,
                                        t->path);
                        return EXIT_FAIL;
                }
                t->capacity = size / PROBE_RECORD_SIZE;
                if (o->max_records_set && o->max_records > t->capacity) {
                        log_error("cannot use target '%s': --max-records %" PRIu64
                                  " would overflow '%s', which holds %" PRIu64 " records",
                                  t->name, o->max_records, t->path, t->capacity);
                        return EXIT_USAGE;
                }
                if (o->max_records_set)
                        t->capacity = o->max_records;
        }
        if (t->capacity == 0 || planned > t->capacity) {
                log_error("cannot use target '%s': %" PRIu64 " records planned, room for %" PRIu64
                          " (see --max-records, --duration, --interval-ms)",
                          t->name, planned, t->capacity);
                return EXIT_USAGE;
        }
        t->direct = true;
        return EXIT_OK;
}

/* Two targets naming the same file or device would overwrite each other. */
static int targets_distinct(struct run_ctx *ctx)
{
        for (size_t i = 0; i < ctx->n_targets; i++)
                for (size_t j = 0; j < i; j++) {
                        struct target *a = &ctx->targets[i], *b = &ctx->targets[j];
                        struct stat sa, sb;

                        if (strcmp(a->name, b->name) == 0) {
                                log_error("duplicate target name '%s'", a->name);
                                return EXIT_USAGE;
                        }
                        if (strcmp(a->path, b->path) == 0 ||
                            (stat(a->path, &sa) == 0 && stat(b->path, &sb) == 0 &&
                             (S_ISBLK(sa.st_mode)
                                  ? S_ISBLK(sb.st_mode) && sa.st_rdev == sb.st_rdev
                                  : sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino))) {
                                log_error("targets '%s' and '%s' are the same '%s'", b->name,
                                          a->name, a->path);
                                return EXIT_USAGE;
                        }
                }
        return EXIT_OK;
}

static json_object *run_json_new(const struct run_ctx *ctx, uint64_t started_ns,
                                 uint64_t stopped_ns)
{
        json_object *o = json_object_new_object(), *ts = json_object_new_array();
        char id[17];

        snprintf(id, sizeof(id), "%016" PRIx64, ctx->run_id);
        json_object_object_add(o, "version", json_object_new_int(PROBE_RECORD_VERSION));
        json_object_object_add(o, "run_id", json_object_new_string(id));
        json_object_object_add(o, "record_size", json_object_new_int(PROBE_RECORD_SIZE));
        json_object_object_add(o, "interval_ms",
                               json_object_new_uint64(ctx->interval_ns / 1000000ull));
        json_object_object_add(o, "started_ns", json_object_new_uint64(started_ns));
        if (stopped_ns)
                json_object_object_add(o, "stopped_ns", json_object_new_uint64(stopped_ns));
        for (size_t i = 0; i < ctx->n_targets; i++) {
                const struct target *t = &ctx->targets[i];
                json_object *x = json_object_new_object();

                json_object_object_add(x, "name", json_object_new_string(t->name));
                json_object_object_add(x, "path", json_object_new_string(t->path));
                json_object_object_add(
                    x, "kind", json_object_new_string(t->kind == TARGET_BLOCK ? "block" : "file"));
                json_object_object_add(x, "direct", json_object_new_boolean(t->direct));
                json_object_object_add(x, "capacity", json_object_new_uint64(t->capacity));
                if (stopped_ns) {
                        json_object_object_add(x, "errors",
                                               json_object_new_uint64(atomic_load(&t->errors)));
                        json_object_object_add(x, "full",
                                               json_object_new_boolean(atomic_load(&t->full)));
                }
                json_object_array_add(ts, x);
        }
        json_object_object_add(o, "targets", ts);
        return o;
}

static int run_json_write(const struct run_ctx *ctx, const char *state, uint64_t started_ns,
                          uint64_t stopped_ns)
{
        _cleanup_free_ char *path = NULL, *text = NULL;
        json_object *o = run_json_new(ctx, started_ns, stopped_ns);
        int r;

        r = asprintf(&text, "%s\n",
                     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        if (r < 0 || asprintf(&path, "%s/%s", state, PROBE_RUN_FILE) < 0)
                return -ENOMEM;
        return write_file_atomic(path, text, strlen(text), 0644);
}

/* Open every target and its ack log. Returns an EXIT_* code. */
static int targets_open(struct run_ctx *ctx, const char *state)
{
        for (size_t i = 0; i < ctx->n_targets; i++) {
                struct target *t = &ctx->targets[i];
                _cleanup_free_ char *ack = ack_log_path(state, t->name);
                int r;

                if (posix_memalign((void **)&t->buf, PROBE_RECORD_SIZE, PROBE_RECORD_SIZE) != 0 ||
                    !ack)
                        return log_error("out of memory"), EXIT_FAIL;
                r = target_open(t);
                if (r == -EINVAL && t->kind == TARGET_FILE) {
                        t->direct = false;
                        r = target_open(t);
                        if (r == 0)
                                log_warning("'%s': O_DIRECT not supported on '%s', using O_DSYNC "
                                            "+ fdatasync",
                                            t->name, t->path);
                }
                if (r == -EBUSY) {
                        log_error("cannot open target '%s': '%s' is in use (mounted, a "
                                  "partition of it mounted, or held by md, dm, ZFS or LIO)",
                                  t->name, t->path);
                        return EXIT_FAIL;
                }
                if (r < 0) {
                        log_error_errno(r, "cannot open target '%s': '%s'", t->name, t->path);
                        return EXIT_FAIL;
                }
                t->ack_fd = open(ack, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
                if (t->ack_fd < 0) {
                        log_error_errno(-errno, "cannot create acknowledgement log '%s'", ack);
                        return EXIT_FAIL;
                }
        }
        return EXIT_OK;
}

static int summary_print(struct run_ctx *ctx, const char *state, bool json, const char *stopped_by,
                         uint64_t stopped_ns)
{
        json_object *out = json ? json_object_new_object() : NULL;
        json_object *arr = json ? json_object_new_array() : NULL;
        char id[17];
        int ret = EXIT_OK;

        snprintf(id, sizeof(id), "%016" PRIx64, ctx->run_id);
        if (!json)
                printf("run %s stopped by %s\n%-12s %-6s %9s %7s  %s\n", id, stopped_by, "TARGET",
                       "MODE", "ACKED", "ERRORS", stats_header);
        for (size_t i = 0; i < ctx->n_targets; i++) {
                struct target *t = &ctx->targets[i];
                _cleanup_free_ char *path = ack_log_path(state, t->name);
                _cleanup_free_ struct probe_ack *acks = NULL;
                struct probe_stats s = {0};
                size_t n = 0;
                int r = path ? ack_log_read(path, &acks, &n) : -ENOMEM;

                if (r >= 0)
                        r = probe_stats_compute(acks, n, stopped_ns, &s);
                if (r < 0) {
                        log_error_errno(r, "cannot read acknowledgement log '%s'",
                                        path ? path : t->name);
                        ret = EXIT_FAIL;
                }
                if (json) {
                        json_object *x = json_object_new_object();
                        json_object_object_add(x, "name", json_object_new_string(t->name));
                        json_object_object_add(x, "path", json_object_new_string(t->path));
                        json_object_object_add(
                            x, "kind",
                            json_object_new_string(t->kind == TARGET_BLOCK ? "block" : "file"));
                        json_object_object_add(x, "direct", json_object_new_boolean(t->direct));
                        json_object_object_add(x, "errors",
                                               json_object_new_uint64(atomic_load(&t->errors)));
                        json_object_object_add(x, "full",
                                               json_object_new_boolean(atomic_load(&t->full)));
                        stats_to_json(x, &s);
                        json_object_array_add(arr, x);
                } else {
                        printf("%-12s %-6s %9" PRIu64 " %7" PRIu64 "  ", t->name,
                               t->direct ? "direct" : "dsync", s.acked, atomic_load(&t->errors));
                        stats_print_row(&s);
                }
        }
        if (json) {
                json_object_object_add(out, "run_id", json_object_new_string(id));
                json_object_object_add(out, "stopped_by", json_object_new_string(stopped_by));
                json_object_object_add(out, "targets", arr);
                printf("%s\n", json_object_to_json_string_ext(
                                   out, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
                json_object_put(out);
        }
        return ret;
}

static int parse_run_options(int argc, char **argv, struct run_options *o, struct run_ctx *ctx)
{
        static const struct option options[] = {
            {"state", required_argument, NULL, 's'},
            {"target", required_argument, NULL, 't'},
            {"interval-ms", required_argument, NULL, 'i'},
            {"duration", required_argument, NULL, 'd'},
            {"max-records", required_argument, NULL, 'm'},
            {"destroy-data", no_argument, NULL, 'D'},
            {"json", no_argument, NULL, 'j'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "+s:t:i:d:m:jh", options, NULL)) >= 0)
                switch (c) {
                case 's':
                        o->state = optarg;
                        break;
                case 't': {
                        struct target *t;
                        if (ctx->n_targets >= PROBE_TARGETS_MAX) {
                                log_error("too many targets: at most %u", PROBE_TARGETS_MAX);
                                return EXIT_USAGE;
                        }
                        t = &ctx->targets[ctx->n_targets];
                        r = probe_target_parse(optarg, &t->name, &t->path);
                        if (r == -ENOMEM)
                                return log_error("out of memory"), EXIT_FAIL;
                        if (r < 0) {
                                log_error("invalid target '%s': expected NAME=PATH, NAME 1 to %u "
                                          "of A-Z a-z 0-9 . _ - (not starting with '.')",
                                          optarg, PROBE_NAME_MAX);
                                return EXIT_USAGE;
                        }
                        t->fd = t->ack_fd = -1;
                        t->ctx = ctx;
                        ctx->n_targets++;
                        break;
                }
                case 'i':
                        if (safe_atou32(optarg, &o->interval_ms) < 0 || o->interval_ms == 0 ||
                            o->interval_ms > PROBE_INTERVAL_MS_MAX) {
                                log_error("invalid --interval-ms '%s': expected 1 to %u", optarg,
                                          PROBE_INTERVAL_MS_MAX);
                                return EXIT_USAGE;
                        }
                        break;
                case 'd':
                        /* At most ten years: keeps the arithmetic far from overflow. */
                        if (safe_atou64(optarg, &o->duration_s) < 0 || o->duration_s == 0 ||
                            o->duration_s > 315360000u) {
                                log_error("invalid --duration '%s': expected seconds, at least 1",
                                          optarg);
                                return EXIT_USAGE;
                        }
                        break;
                case 'm':
                        if (safe_atou64(optarg, &o->max_records) < 0 || o->max_records == 0 ||
                            o->max_records > UINT64_MAX / PROBE_RECORD_SIZE) {
                                log_error("invalid --max-records '%s'", optarg);
                                return EXIT_USAGE;
                        }
                        o->max_records_set = true;
                        break;
                case 'D':
                        o->destroy_data = true;
                        break;
                case 'j':
                        o->json = true;
                        break;
                case 'h':
                        run_usage(stdout);
                        return -1;
                default:
                        run_usage(stderr);
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("unrecognized argument '%s'", argv[optind]);
                run_usage(stderr);
                return EXIT_USAGE;
        }
        if (!o->state) {
                log_error("missing --state DIR");
                run_usage(stderr);
                return EXIT_USAGE;
        }
        if (ctx->n_targets == 0) {
                log_error("missing --target NAME=PATH");
                run_usage(stderr);
                return EXIT_USAGE;
        }
        return EXIT_OK;
}

static int state_dir_check(const char *state)
{
        struct stat st;

        if (stat(state, &st) < 0) {
                log_error_errno(-errno, "cannot use state directory '%s'", state);
                return EXIT_USAGE;
        }
        if (!S_ISDIR(st.st_mode)) {
                log_error("cannot use state directory '%s': not a directory", state);
                return EXIT_USAGE;
        }
        return EXIT_OK;
}

/*
 * Wait for the end of the run: the duration, a signal, or every target
 * done. Returns what stopped it.
 */
static const char *run_wait(struct run_ctx *ctx, const sigset_t *mask, uint64_t duration_s)
{
        uint64_t end = duration_s ? clock_ns(CLOCK_MONOTONIC) + duration_s * 1000000000ull : 0;

        for (;;) {
                bool all_done = true;
                uint64_t now = clock_ns(CLOCK_MONOTONIC), wait = PROBE_POLL_NS;
                struct timespec ts;
                int sig;

                for (size_t i = 0; i < ctx->n_targets; i++)
                        all_done = all_done && atomic_load(&ctx->targets[i].done);
                if (all_done)
                        return "targets";
                if (end && now >= end)
                        return "duration";
                if (end && end - now < wait)
                        wait = end - now;
                ts = ns_to_timespec(wait);
                sig = sigtimedwait(mask, NULL, &ts);
                if (sig > 0) {
                        log_info("received %s, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
                        return "signal";
                }
        }
}

/*
 * After the stop: wait for the writes in flight. A second signal gives up
 * on them (a hard-mounted NFS write can block for ever). Returns true when
 * every thread ended.
 */
static bool run_join(struct run_ctx *ctx, const sigset_t *mask)
{
        for (;;) {
                bool all_done = true;
                struct timespec ts = ns_to_timespec(PROBE_POLL_NS);

                for (size_t i = 0; i < ctx->n_targets; i++)
                        all_done = all_done && atomic_load(&ctx->targets[i].done);
                if (all_done)
                        break;
                if (sigtimedwait(mask, NULL, &ts) > 0) {
                        for (size_t i = 0; i < ctx->n_targets; i++)
                                if (!atomic_load(&ctx->targets[i].done))
                                        log_error("'%s': write of record %" PRIu64
                                                  " still in flight, not waiting for it",
                                                  ctx->targets[i].name,
                                                  atomic_load(&ctx->targets[i].next_seq));
                        return false;
                }
        }
        for (size_t i = 0; i < ctx->n_targets; i++)
                if (ctx->targets[i].started)
                        pthread_join(ctx->targets[i].thread, NULL);
        return true;
}

static int verb_run(int argc, char **argv)
{
        struct run_options o = {.interval_ms = PROBE_INTERVAL_MS_DEFAULT};
        struct run_ctx *ctx = calloc(1, sizeof(*ctx));
        pthread_condattr_t cattr;
        sigset_t mask, old_mask;
        uint64_t planned = 0, started_ns, stopped_ns;
        const char *stopped_by;
        bool joined;
        int ret, r;

        if (!ctx)
                return log_error("out of memory"), EXIT_FAIL;
        ret = parse_run_options(argc, argv, &o, ctx);
        if (ret < 0) {
                ret = EXIT_OK; /* --help */
                goto out;
        }
        if (ret != EXIT_OK)
                goto out;
        ret = state_dir_check(o.state);
        if (ret != EXIT_OK)
                goto out;
        ret = targets_distinct(ctx);
        if (ret != EXIT_OK)
                goto out;
        if (o.duration_s)
                planned = o.duration_s * 1000u / o.interval_ms + 1;
        for (size_t i = 0; i < ctx->n_targets; i++) {
                ret = target_examine(&ctx->targets[i], &o, planned);
                if (ret != EXIT_OK)
                        goto out;
        }

        /* Everything checked: from here on the targets get written. */
        ret = targets_open(ctx, o.state);
        if (ret != EXIT_OK)
                goto out;
        do
                r = (int)getrandom(&ctx->run_id, sizeof(ctx->run_id), 0);
        while ((r < 0 && errno == EINTR) || (r == (int)sizeof(ctx->run_id) && ctx->run_id == 0));
        if (r != (int)sizeof(ctx->run_id)) {
                log_error_errno(r < 0 ? -errno : -EIO, "cannot draw a run id");
                ret = EXIT_FAIL;
                goto out;
        }
        ctx->interval_ns = (uint64_t)o.interval_ms * 1000000ull;
        started_ns = clock_ns(CLOCK_REALTIME);
        r = run_json_write(ctx, o.state, started_ns, 0);
        if (r < 0) {
                log_error_errno(r, "cannot write '%s/%s'", o.state, PROBE_RUN_FILE);
                ret = EXIT_FAIL;
                goto out;
        }

        pthread_mutex_init(&ctx->lock, NULL);
        pthread_condattr_init(&cattr);
        pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
        pthread_cond_init(&ctx->wake, &cattr);
        pthread_condattr_destroy(&cattr);

        /* The threads inherit the blocked signals; only this thread takes them. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &mask, &old_mask);

        log_info("probe run %016" PRIx64 ": %zu target%s, a record every %" PRIu32 " ms%s",
                 ctx->run_id, ctx->n_targets, ctx->n_targets == 1 ? "" : "s", o.interval_ms,
                 o.duration_s ? "" : ", until SIGINT or SIGTERM");
        for (size_t i = 0; i < ctx->n_targets; i++) {
                struct target *t = &ctx->targets[i];

                r = pthread_create(&t->thread, NULL, target_loop, t);
                if (r != 0) {
                        log_error_errno(-r, "cannot start the thread of target '%s'", t->name);
                        atomic_store(&t->done, true);
                        request_stop(ctx);
                        ret = EXIT_FAIL;
                        break;
                }
                t->started = true;
        }
        stopped_by = ret == EXIT_OK ? run_wait(ctx, &mask, o.duration_s) : "error";
        /* Writes still in flight may finish, but the run's time ends here. */
        stopped_ns = clock_ns(CLOCK_REALTIME);
        request_stop(ctx);
        joined = run_join(ctx, &mask);
        pthread_sigmask(SIG_SETMASK, &old_mask, NULL);

        for (size_t i = 0; i < ctx->n_targets; i++)
                if (atomic_load(&ctx->targets[i].fatal) < 0) {
                        stopped_by = "error";
                        ret = EXIT_FAIL;
                }
        r = run_json_write(ctx, o.state, started_ns, stopped_ns);
        if (r < 0) {
                log_error_errno(r, "cannot update '%s/%s'", o.state, PROBE_RUN_FILE);
                ret = EXIT_FAIL;
        }
        if (summary_print(ctx, o.state, o.json, stopped_by, stopped_ns) != EXIT_OK)
                ret = EXIT_FAIL;
        if (!joined) {
                /* A thread is stuck in the kernel: leave its resources to exit(). */
                fflush(stdout);
                return EXIT_FAIL;
        }
        pthread_cond_destroy(&ctx->wake);
        pthread_mutex_destroy(&ctx->lock);
out:
        targets_free(ctx);
        free(ctx);
        return ret;
}

/* ---- verify ------------------------------------------------------------- */

struct verify_result {
        uint64_t acked, intact, missing, corrupt, unreadable;
        json_object *bad; /* array of {seq, offset, state} */
};

static void verify_note_bad(struct verify_result *v, const char *name, uint64_t seq,
                            const char *state, const char *why, bool json)
{
        uint64_t n = v->missing + v->corrupt + v->unreadable;

        if (json) {
                if (n <= PROBE_BAD_JSON) {
                        json_object *b = json_object_new_object();
                        json_object_object_add(b, "seq", json_object_new_uint64(seq));
                        json_object_object_add(b, "offset",
                                               json_object_new_uint64(seq * PROBE_RECORD_SIZE));
                        json_object_object_add(b, "state", json_object_new_string(state));
                        json_object_array_add(v->bad, b);
                }
                return;
        }
        if (n <= PROBE_BAD_SHOWN)
                log_error("'%s': record %" PRIu64 " at offset %" PRIu64 ": %s (%s)", name, seq,
                          seq * PROBE_RECORD_SIZE, state, why);
}

/* Read back the acknowledged records of one target. Returns 0 or -errno. */
static int verify_target(const char *name, const char *path, bool block, bool direct,
                         uint64_t run_id, const struct probe_ack *acks, size_t n,
                         struct verify_result *v, bool json)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ uint8_t *buf = NULL;
        struct stat st;

        if (stat(path, &st) < 0)
                return -errno;
        if (block != S_ISBLK(st.st_mode))
                return block ? -ENOTBLK : -EISDIR;
        if (posix_memalign((void **)&buf, PROBE_RECORD_SIZE, PROBE_RECORD_SIZE) != 0)
                return -ENOMEM;
        /* O_DIRECT: the answer comes from the storage, not from the page cache. */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (block || direct ? O_DIRECT : 0));
        if (fd < 0 && errno == EINVAL && !block)
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (!block)
                (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);

        for (size_t i = 0; i < n; i++) {
                uint64_t seq = acks[i].seq;
                ssize_t k;

                v->acked++;
                do
                        k = pread(fd, buf, PROBE_RECORD_SIZE, (off_t)(seq * PROBE_RECORD_SIZE));
                while (k < 0 && errno == EINTR);
                if (k < 0) {
                        v->unreadable++;
                        verify_note_bad(v, name, seq, "unreadable", strerror(errno), json);
                        continue;
                }
                if (k < (ssize_t)PROBE_RECORD_SIZE)
                        memset(buf + k, 0, PROBE_RECORD_SIZE - (size_t)k);
                switch (probe_record_check(buf, run_id, name, seq, NULL)) {
                case PROBE_RECORD_INTACT:
                        v->intact++;
                        break;
                case PROBE_RECORD_MISSING:
                        v->missing++;
                        verify_note_bad(v, name, seq, "missing",
                                        k < (ssize_t)PROBE_RECORD_SIZE
                                            ? "beyond the end of the target"
                                            : "not this run's record",
                                        json);
                        break;
                case PROBE_RECORD_CORRUPT:
                        v->corrupt++;
                        verify_note_bad(v, name, seq, "corrupt",
                                        "checksum mismatch or misplaced record", json);
                        break;
                }
        }
        return 0;
}

static const char *json_member_str(json_object *o, const char *key)
{
        json_object *x;
        return json_object_object_get_ex(o, key, &x) && json_object_is_type(x, json_type_string)
                   ? json_object_get_string(x)
                   : NULL;
}

static uint64_t json_member_u64(json_object *o, const char *key)
{
        json_object *x;
        return json_object_object_get_ex(o, key, &x) ? json_object_get_uint64(x) : 0;
}

static bool json_member_bool(json_object *o, const char *key)
{
        json_object *x;
        return json_object_object_get_ex(o, key, &x) && json_object_get_boolean(x);
}

static int verb_verify(int argc, char **argv)
{
        static const struct option options[] = {
            {"state", required_argument, NULL, 's'},
            {"json", no_argument, NULL, 'j'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        _cleanup_free_ char *path = NULL, *data = NULL;
        const char *state = NULL, *id;
        json_object *run = NULL, *targets, *out = NULL, *arr = NULL;
        uint64_t run_id = 0, stopped_ns, end_ns;
        bool json = false;
        int c, r, ret = EXIT_OK;

        optind = 0;
        while ((c = getopt_long(argc, argv, "+s:jh", options, NULL)) >= 0)
                switch (c) {
                case 's':
                        state = optarg;
                        break;
                case 'j':
                        json = true;
                        break;
                case 'h':
                        printf("usage: hasan probe verify --state DIR [--json]\n");
                        return EXIT_OK;
                default:
                        fprintf(stderr, "usage: hasan probe verify --state DIR [--json]\n");
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("unrecognized argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }
        if (!state) {
                log_error("missing --state DIR");
                fprintf(stderr, "usage: hasan probe verify --state DIR [--json]\n");
                return EXIT_USAGE;
        }
        ret = state_dir_check(state);
        if (ret != EXIT_OK)
                return ret;
        if (asprintf(&path, "%s/%s", state, PROBE_RUN_FILE) < 0)
                return log_error("out of memory"), EXIT_FAIL;
        r = read_full_file(path, &data, NULL);
        if (r < 0) {
                log_error_errno(r, "cannot read '%s'", path);
                if (r == -ENOENT)
                        fprintf(stderr, "no probe run recorded in '%s'\n", state);
                return EXIT_FAIL;
        }
        run = json_tokener_parse(data);
        id = run ? json_member_str(run, "run_id") : NULL;
        if (!id || strlen(id) != 16 || strspn(id, "0123456789abcdef") != 16 ||
            sscanf(id, "%16" SCNx64, &run_id) != 1 || run_id == 0 ||
            json_member_u64(run, "record_size") != PROBE_RECORD_SIZE ||
            !json_object_object_get_ex(run, "targets", &targets) ||
            !json_object_is_type(targets, json_type_array)) {
                log_error("cannot read '%s': not a probe run description", path);
                json_object_put(run);
                return EXIT_FAIL;
        }
        stopped_ns = json_member_u64(run, "stopped_ns");
        /*
         * A run that never recorded its stop (killed, or still running)
         * cannot show that a target wrote again after its last
         * acknowledgement: its outage runs until now, open.
         */
        end_ns = stopped_ns;
        if (stopped_ns == 0) {
                end_ns = clock_ns(CLOCK_REALTIME);
                log_warning("the run in '%s' has not stopped (still running, or killed): "
                            "verifying what its acknowledgement logs hold, outages counted "
                            "until now",
                            state);
        }

        if (json) {
                out = json_object_new_object();
                arr = json_object_new_array();
        } else
                printf("run %s\n%-12s %9s %9s %9s %9s %7s  %s\n", id, "TARGET", "ACKED", "INTACT",
                       "MISSING", "CORRUPT", "ERRORS", stats_header);
        for (size_t i = 0; i < json_object_array_length(targets); i++) {
                json_object *t = json_object_array_get_idx(targets, i);
                const char *name = json_member_str(t, "name"), *tpath = json_member_str(t, "path"),
                           *kind = json_member_str(t, "kind");
                _cleanup_free_ char *ack = NULL;
                _cleanup_free_ struct probe_ack *acks = NULL;
                struct verify_result v = {.bad = json ? json_object_new_array() : NULL};
                struct probe_stats s = {0};
                size_t n = 0;

                if (!name || !probe_name_is_valid(name) || !tpath || !kind) {
                        log_error("cannot read '%s': target %zu is incomplete", path, i);
                        json_object_put(v.bad);
                        ret = EXIT_FAIL;
                        continue;
                }
                ack = ack_log_path(state, name);
                r = ack ? ack_log_read(ack, &acks, &n) : -ENOMEM;
                if (r >= 0)
                        r = probe_stats_compute(acks, n, end_ns, &s);
                if (r < 0) {
                        log_error_errno(r, "cannot read acknowledgement log of '%s'", name);
                        json_object_put(v.bad);
                        ret = EXIT_FAIL;
                        continue;
                }
                r = verify_target(name, tpath, strcmp(kind, "block") == 0,
                                  json_member_bool(t, "direct"), run_id, acks, n, &v, json);
                if (r < 0) {
                        log_error_errno(r, "cannot verify target '%s': '%s'", name, tpath);
                        ret = EXIT_FAIL;
                }
                if (v.missing || v.corrupt || v.unreadable)
                        ret = EXIT_FAIL;
                if (n == 0)
                        log_warning("'%s': no acknowledged record to verify", name);
                if (!json && v.missing + v.corrupt + v.unreadable > PROBE_BAD_SHOWN)
                        log_error("'%s': %" PRIu64 " more bad records not listed", name,
                                  v.missing + v.corrupt + v.unreadable - PROBE_BAD_SHOWN);
                if (json) {
                        json_object *x = json_object_new_object();
                        json_object_object_add(x, "name", json_object_new_string(name));
                        json_object_object_add(x, "path", json_object_new_string(tpath));
                        json_object_object_add(x, "kind", json_object_new_string(kind));
                        json_object_object_add(x, "checked", json_object_new_boolean(r >= 0));
                        json_object_object_add(x, "intact", json_object_new_uint64(v.intact));
                        json_object_object_add(x, "missing", json_object_new_uint64(v.missing));
                        json_object_object_add(x, "corrupt", json_object_new_uint64(v.corrupt));
                        json_object_object_add(x, "unreadable",
                                               json_object_new_uint64(v.unreadable));
                        json_object_object_add(
                            x, "errors", json_object_new_uint64(json_member_u64(t, "errors")));
                        stats_to_json(x, &s);
                        json_object_object_add(x, "bad", v.bad);
                        json_object_array_add(arr, x);
                } else {
                        printf("%-12s %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %7" PRIu64
                               "  ",
                               name, s.acked, v.intact, v.missing + v.unreadable, v.corrupt,
                               json_member_u64(t, "errors"));
                        stats_print_row(&s);
                }
        }
        if (json) {
                json_object_object_add(out, "run_id", json_object_new_string(id));
                json_object_object_add(out, "ok", json_object_new_boolean(ret == EXIT_OK));
                json_object_object_add(out, "targets", arr);
                printf("%s\n", json_object_to_json_string_ext(
                                   out, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
                json_object_put(out);
        } else
                printf("%s\n", ret == EXIT_OK ? "every acknowledged record is intact"
                                              : "FAILED: acknowledged records are missing or "
                                                "corrupt, or could not be checked");
        json_object_put(run);
        return ret;
}

static const struct verb probe_verbs[] = {
    {"run", 0, VERB_ANY, verb_run, "run --state DIR --target NAME=PATH... [OPTIONS]",
     "write records, log each acknowledged one"},
    {"verify", 0, VERB_ANY, verb_verify, "verify --state DIR [--json]",
     "read back every acknowledged record"},
};

int cmd_probe(int argc, char **argv)
{
        if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                print_verbs_usage(stdout, "probe", probe_verbs, ELEMENTSOF(probe_verbs));
                return EXIT_OK;
        }
        return dispatch_verb("probe", probe_verbs, ELEMENTSOF(probe_verbs), argc - 1, argv + 1);
}
