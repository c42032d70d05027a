/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The phase events of a journal: this system's, a directory's or one
 * file's, read with sd-journal. Only entries of the identifiers the match
 * rules name are looked at (journal matches, which the journal's indexes
 * answer), from since_usec on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "lib/timeline.h"
#include "shared/macro.h"

/* FIELD's value in the current entry, copied; NULL when absent (or -ENOMEM in *r). */
static char *field(sd_journal *j, const char *name, int *r)
{
        const void *data;
        size_t len, prefix = strlen(name) + 1;
        char *value;

        *r = sd_journal_get_data(j, name, &data, &len);
        if (*r < 0 || len < prefix) {
                *r = *r == -ENOENT || *r >= 0 ? 0 : *r;
                return NULL;
        }
        value = strndup((const char *)data + prefix, len - prefix);
        *r = value ? 0 : -ENOMEM;
        return value;
}

static int open_journal(const struct timeline_journal *src, sd_journal **ret, char *why,
                        size_t why_size)
{
        struct stat st;
        int r;

        if (src->file) {
                const char *files[] = {src->file, NULL};

                if (stat(src->file, &st) < 0) {
                        r = -errno;
                        snprintf(why, why_size, "cannot read journal file '%s': %s", src->file,
                                 strerror(-r));
                        return r;
                }
                if (!S_ISREG(st.st_mode)) {
                        snprintf(why, why_size, "cannot read journal file '%s': not a file%s",
                                 src->file,
                                 S_ISDIR(st.st_mode) ? " (a directory: use --directory)" : "");
                        return -EINVAL;
                }
                r = sd_journal_open_files(ret, files, 0);
                if (r < 0)
                        snprintf(why, why_size, "cannot open journal file '%s': %s%s", src->file,
                                 strerror(-r),
                                 r == -ENODATA || r == -EBADMSG ? " (not a journal file?)" : "");
                return r;
        }
        if (src->directory) {
                r = stat(src->directory, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
                if (r < 0) {
                        snprintf(why, why_size, "cannot read journal directory '%s': %s",
                                 src->directory, strerror(-r));
                        return r;
                }
                r = sd_journal_open_directory(ret, src->directory, 0);
                if (r < 0)
                        snprintf(why, why_size, "cannot open journal directory '%s': %s",
                                 src->directory, strerror(-r));
                return r;
        }
        r = sd_journal_open(ret, SD_JOURNAL_LOCAL_ONLY);
        if (r < 0)
                snprintf(why, why_size, "cannot open this system's journal: %s", strerror(-r));
        return r;
}

int timeline_read_journal(const struct timeline_journal *src, struct timeline_events *out,
                          char *why, size_t why_size)
{
        _cleanup_(sd_journal_closep) sd_journal *j = NULL;
        char host[256] = "";
        const char *fallback = src->node;
        const char *ids[TIMELINE_IDENTIFIERS_MAX];
        size_t n_ids;
        int r;

        if (!fallback) {
                if (gethostname(host, sizeof(host) - 1) < 0 || !host[0])
                        snprintf(host, sizeof(host), "unknown");
                host[strcspn(host, ".")] = '\0';
                fallback = host;
        }

        r = open_journal(src, &j, why, why_size);
        if (r < 0)
                return r;

        n_ids = timeline_identifiers(ids, ELEMENTSOF(ids));
        if (n_ids > ELEMENTSOF(ids)) {
                snprintf(why, why_size, "the match rules name more than %zu programs",
                         ELEMENTSOF(ids));
                return -E2BIG;
        }
        for (size_t i = 0; i < n_ids; i++) {
                char match[128];

                snprintf(match, sizeof(match), "SYSLOG_IDENTIFIER=%s", ids[i]);
                r = sd_journal_add_match(j, match, 0);
                if (r < 0) {
                        snprintf(why, why_size, "cannot filter the journal on '%s': %s", match,
                                 strerror(-r));
                        return r;
                }
        }
        r = src->since_usec ? sd_journal_seek_realtime_usec(j, src->since_usec)
                            : sd_journal_seek_head(j);
        if (r < 0) {
                snprintf(why, why_size, "cannot seek in the journal: %s", strerror(-r));
                return r;
        }

        for (;;) {
                _cleanup_free_ char *identifier = NULL, *transport = NULL, *message = NULL,
                                    *hostname = NULL, *subject = NULL;
                enum timeline_phase phase;
                uint64_t usec;

                r = sd_journal_next(j);
                if (r < 0) {
                        snprintf(why, why_size, "cannot read the next journal entry: %s",
                                 strerror(-r));
                        return r;
                }
                if (r == 0)
                        break;
                r = sd_journal_get_realtime_usec(j, &usec);
                if (r < 0) {
                        snprintf(why, why_size, "cannot read a journal entry's time: %s",
                                 strerror(-r));
                        return r;
                }
                if (usec < src->since_usec)
                        continue;
                message = field(j, "MESSAGE", &r);
                if (r >= 0)
                        identifier = field(j, "SYSLOG_IDENTIFIER", &r);
                if (r >= 0)
                        transport = field(j, "_TRANSPORT", &r);
                if (r < 0) {
                        snprintf(why, why_size, "cannot read a journal entry: %s", strerror(-r));
                        return r;
                }
                r = timeline_match(identifier, transport, message, &phase, &subject);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                hostname = field(j, "_HOSTNAME", &r);
                if (r < 0)
                        return r;
                r = timeline_events_add(out, usec, phase, hostname ? hostname : fallback, subject,
                                        message);
                if (r < 0)
                        return r;
        }
        return 0;
}
