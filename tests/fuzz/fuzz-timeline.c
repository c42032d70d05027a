/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for what "hasan timeline merge" reads from other nodes:
 * the events' JSON (any number of arrays), then the last failover put
 * together from them and written back as JSON; and the match rules on the
 * same bytes as a message of each program they know. No input may crash,
 * leak or invoke undefined behaviour; a rejected input must say why and
 * leave the events as they were.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/timeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void merge(const char *text, size_t size)
{
        struct timeline_events e = {0};
        struct timeline_failover f;
        char why[512] = "";
        int r;

        r = timeline_events_from_json(text, size, "fuzz", &e, why, sizeof(why));
        if (r < 0) {
                if (e.n != 0 || (r != -ENOMEM && (r != -EINVAL || !why[0])))
                        abort();
                timeline_events_clear(&e);
                return;
        }
        timeline_events_sort(&e);
        r = timeline_last_failover(&e, NULL, &f);
        if (r == 0) {
                struct json_object *j = timeline_failover_to_json(&f);
                struct timeline_span spans[TIMELINE_SPANS_MAX];

                if (!j || f.start_usec > f.end_usec || !f.phase[TIMELINE_IMPORT_DONE])
                        abort();
                json_object_put(j);
                (void)timeline_failover_spans(&f, spans, TIMELINE_SPANS_MAX);
        } else if (r != -ENOENT)
                abort();
        timeline_events_clear(&e);
}

static void match(const char *message)
{
        const char *ids[TIMELINE_IDENTIFIERS_MAX];
        size_t n = timeline_identifiers(ids, TIMELINE_IDENTIFIERS_MAX);

        for (size_t i = 0; i < n && i < TIMELINE_IDENTIFIERS_MAX; i++) {
                enum timeline_phase phase;
                char *subject = NULL;
                int r = timeline_match(ids[i], ids[i], message, &phase, &subject);

                if (r == 1 && (!subject || !timeline_phase_to_string(phase)))
                        abort();
                if (r != 0 && r != 1 && r != -ENOMEM)
                        abort();
                free(subject);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 1);

        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        merge(text, size);
        match(text);
        free(text);
        return 0;
}
