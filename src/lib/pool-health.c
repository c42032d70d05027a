/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/layout.h"
#include "lib/pool-health.h"
#include "shared/macro.h"

#define SECONDS_PER_DAY 86400

static bool is(const char *a, const char *b)
{
        return a && strcmp(a, b) == 0;
}

_printf_(2, 3) static int add_problem(struct pool_health *h, const char *fmt, ...)
{
        char **grown = realloc(h->problems, (h->n_problems + 1) * sizeof(*grown));
        va_list ap;
        int r;

        if (!grown)
                return -ENOMEM;
        h->problems = grown;
        va_start(ap, fmt);
        r = vasprintf(&h->problems[h->n_problems], fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        h->n_problems++;
        return 0;
}

static void format_utc(int64_t t, char buf[static 32])
{
        time_t tt = (time_t)t;
        struct tm tm;

        if (!gmtime_r(&tt, &tm) || strftime(buf, 32, "%Y-%m-%d %H:%M UTC", &tm) == 0)
                snprintf(buf, 32, "@%lld", (long long)t);
}

static struct pool_mirror *mirror_for(struct pool_health *h, const struct zpool_leaf *l)
{
        struct pool_mirror *grown;

        for (size_t i = 0; i < h->n_mirrors; i++)
                if (is(h->mirrors[i].vdev, l->vdev))
                        return &h->mirrors[i];
        grown = realloc(h->mirrors, (h->n_mirrors + 1) * sizeof(*grown));
        if (!grown)
                return NULL;
        h->mirrors = grown;
        h->mirrors[h->n_mirrors] = (struct pool_mirror){.vdev = l->vdev, .vclass = l->vclass};
        return &h->mirrors[h->n_mirrors++];
}

static int group_halves(const struct spec *s, const struct spec_node *self,
                        const struct zpool_status *st, struct pool_health *h)
{
        for (size_t i = 0; i < st->n_leaves; i++) {
                const struct zpool_leaf *l = &st->leaves[i];
                const struct spec_node *owner = layout_vdev_owner(s, l->path);
                struct pool_mirror *m = mirror_for(h, l);
                struct pool_half *grown;

                if (!m)
                        return -ENOMEM;
                grown = realloc(m->halves, (m->n_halves + 1) * sizeof(*grown));
                if (!grown)
                        return -ENOMEM;
                m->halves = grown;
                m->halves[m->n_halves++] = (struct pool_half){
                    .device = l->path ? l->path : l->name,
                    .node = owner ? owner->name : NULL,
                    .side = !owner          ? "unknown"
                            : owner == self ? "local"
                                            : "remote",
                    .state = l->state ? l->state : "UNKNOWN",
                };
        }
        return 0;
}

/* Every half that keeps the mirror from being whole, and the side it lacks altogether. */
static int judge_mirror(const struct spec *s, const struct spec_node *self, struct pool_mirror *m,
                        struct pool_health *h)
{
        const struct spec_node *peer = layout_peer(s, self);
        bool local = false, remote = false, seen_local = false, seen_remote = false;
        int r = 0;

        for (size_t i = 0; i < m->n_halves && r >= 0; i++) {
                const struct pool_half *x = &m->halves[i];
                bool online = is(x->state, "ONLINE");

                if (is(x->side, "local")) {
                        seen_local = true;
                        local |= online;
                } else if (is(x->side, "remote")) {
                        seen_remote = true;
                        remote |= online;
                }
                if (is(x->side, "unknown"))
                        r = add_problem(h,
                                        "%s: device '%s' (%s) is no disk of the cluster "
                                        "description's nodes (expected %s/<node>-<class><index>)",
                                        m->vdev, x->device, x->state, LAYOUT_VDEV_DIR);
                else if (!online)
                        r = add_problem(h, "%s: the %s half '%s' (%s's disk) is %s", m->vdev,
                                        x->side, x->device, x->node, x->state);
        }
        if (r >= 0 && !seen_local)
                r = add_problem(h, "%s has no local half (no disk of %s)", m->vdev, self->name);
        if (r >= 0 && !seen_remote)
                r = add_problem(h, "%s has no remote half (no disk of %s)", m->vdev,
                                peer ? peer->name : "the peer");
        m->complete = local && remote;
        return r;
}

static int judge_scrub(const struct zpool_status *st, const char *pool, int64_t now,
                       uint32_t max_days, struct pool_health *h)
{
        char when[32];

        if (!st->scan_function || is(st->scan_function, "NONE"))
                return add_problem(h, "pool '%s' has never been scrubbed: run 'zpool scrub %s'",
                                   pool, pool);
        if (is(st->scan_function, "SCRUB") && is(st->scan_state, "SCANNING"))
                return 0; /* the scrub that runs now refreshes it */
        if (!is(st->scan_function, "SCRUB") || !is(st->scan_state, "FINISHED") ||
            st->scan_end <= 0) {
                const char *how = is(st->scan_state, "SCANNING")   ? "still running"
                                  : is(st->scan_state, "CANCELED") ? "canceled"
                                  : is(st->scan_state, "FINISHED") ? "finished"
                                                                   : "in an unknown state";

                format_utc(st->scan_end > 0 ? st->scan_end : st->scan_start, when);
                return add_problem(h,
                                   "pool '%s': the last scan is a %s, %s (%s), so zpool status "
                                   "no longer shows when the last scrub finished: run "
                                   "'zpool scrub %s'",
                                   pool, is(st->scan_function, "SCRUB") ? "scrub" : "resilver", how,
                                   when, pool);
        }
        if (now - st->scan_end > (int64_t)max_days * SECONDS_PER_DAY) {
                format_utc(st->scan_end, when);
                return add_problem(h,
                                   "pool '%s' was last scrubbed %lld days ago (%s), more than "
                                   "the maximum of %u days: run 'zpool scrub %s'",
                                   pool, (long long)((now - st->scan_end) / SECONDS_PER_DAY), when,
                                   max_days, pool);
        }
        return 0;
}

int pool_health_assess(const struct spec *s, const struct spec_node *self,
                       const struct zpool_status *st, int64_t now, uint32_t max_scrub_age_days,
                       struct pool_health *ret)
{
        const char *pool = s->pool.name;
        struct pool_health h = {0};
        int r;

        h.resilvering = is(st->scan_function, "RESILVER") && is(st->scan_state, "SCANNING");
        h.scrubbing = is(st->scan_function, "SCRUB") && is(st->scan_state, "SCANNING");
        if (is(st->scan_function, "SCRUB") && is(st->scan_state, "FINISHED"))
                h.last_scrub_end = st->scan_end;

        r = group_halves(s, self, st, &h);
        if (r >= 0 && !is(st->state, "ONLINE"))
                r = add_problem(&h, "pool '%s' is %s, not ONLINE", pool, st->state);
        for (size_t i = 0; i < h.n_mirrors && r >= 0; i++)
                r = judge_mirror(s, self, &h.mirrors[i], &h);
        if (r >= 0 && h.resilvering)
                r = add_problem(&h, "pool '%s' is resilvering (%.0f%% examined)", pool,
                                st->scan_to_examine ? 100.0 * (double)st->scan_examined /
                                                          (double)st->scan_to_examine
                                                    : 0.0);
        if (r >= 0 && max_scrub_age_days > 0)
                r = judge_scrub(st, pool, now, max_scrub_age_days, &h);
        if (r < 0) {
                pool_health_clear(&h);
                return r;
        }
        *ret = h;
        return 0;
}

void pool_health_clear(struct pool_health *h)
{
        for (size_t i = 0; i < h->n_mirrors; i++)
                free(h->mirrors[i].halves);
        free(h->mirrors);
        for (size_t i = 0; i < h->n_problems; i++)
                free(h->problems[i]);
        free(h->problems);
        *h = (struct pool_health){0};
}
