/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/exposition.h"

int expo_open(struct expo *e)
{
        *e = (struct expo){0};
        e->f = open_memstream(&e->data, &e->size);
        return e->f ? 0 : -ENOMEM;
}

void expo_family(struct expo *e, const char *name, const char *type, const char *help)
{
        e->name = name;
        e->type = type;
        e->help = help;
        e->header_written = false;
}

/* HELP text escapes backslash and newline; label values also the double quote. */
static void put_escaped(FILE *f, const char *s, bool quote)
{
        for (; s && *s; s++) {
                if (*s == '\\')
                        fputs("\\\\", f);
                else if (*s == '\n')
                        fputs("\\n", f);
                else if (quote && *s == '"')
                        fputs("\\\"", f);
                else
                        fputc(*s, f);
        }
}

static void sample(struct expo *e, const char *value, const char *const *labels)
{
        if (e->error || !e->f || !e->name)
                return;
        if (!e->header_written) {
                fprintf(e->f, "# HELP %s ", e->name);
                put_escaped(e->f, e->help, false);
                fprintf(e->f, "\n# TYPE %s %s\n", e->name, e->type);
                e->header_written = true;
        }
        fputs(e->name, e->f);
        for (size_t i = 0; labels && labels[i]; i += 2) {
                fprintf(e->f, "%s%s=\"", i == 0 ? "{" : ",", labels[i]);
                put_escaped(e->f, labels[i + 1], true);
                fputc('"', e->f);
        }
        fprintf(e->f, "%s %s\n", labels && labels[0] ? "}" : "", value);
        if (ferror(e->f))
                e->error = -ENOMEM;
}

static void format_double(char buf[static 32], double value)
{
        if (isnan(value))
                snprintf(buf, 32, "NaN");
        else if (isinf(value))
                snprintf(buf, 32, "%cInf", value > 0 ? '+' : '-');
        else
                snprintf(buf, 32, "%.15g", value);
}

void expo_gauge(struct expo *e, double value, const char *const *labels)
{
        char buf[32];

        format_double(buf, value);
        sample(e, buf, labels);
}

void expo_counter(struct expo *e, uint64_t value, const char *const *labels)
{
        char buf[32];

        snprintf(buf, sizeof(buf), "%" PRIu64, value);
        sample(e, buf, labels);
}

void expo_append(struct expo *e, const char *text, size_t size)
{
        if (e->error || !e->f)
                return;
        if (fwrite(text, 1, size, e->f) != size)
                e->error = -ENOMEM;
}

int expo_finish(struct expo *e, char **ret, size_t *ret_size)
{
        int r = e->error;

        if (!e->f)
                return -EINVAL;
        if (fclose(e->f) != 0 && r == 0)
                r = -ENOMEM;
        e->f = NULL;
        if (r < 0) {
                expo_discard(e);
                return r;
        }
        *ret = e->data;
        *ret_size = e->size;
        e->data = NULL;
        e->size = 0;
        return 0;
}

void expo_discard(struct expo *e)
{
        if (e->f)
                fclose(e->f);
        free(e->data);
        *e = (struct expo){0};
}
