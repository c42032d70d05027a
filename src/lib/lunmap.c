/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/lunmap.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/parse.h"

void lunmap_clear(struct lunmap *m)
{
        for (size_t i = 0; i < m->n_tpgs; i++) {
                for (size_t j = 0; j < m->tpgs[i].n_entries; j++)
                        free(m->tpgs[i].entries[j].zvol);
                free(m->tpgs[i].entries);
        }
        free(m->tpgs);
        *m = (struct lunmap){0};
}

static struct lunmap_tpg *find_tpg(struct lunmap *m, unsigned tpgt)
{
        for (size_t i = 0; i < m->n_tpgs; i++)
                if (m->tpgs[i].tpgt == tpgt)
                        return &m->tpgs[i];
        return NULL;
}

static struct lunmap_tpg *add_tpg(struct lunmap *m, unsigned tpgt)
{
        struct lunmap_tpg *grown = realloc(m->tpgs, (m->n_tpgs + 1) * sizeof(*grown));

        if (!grown)
                return NULL;
        m->tpgs = grown;
        grown[m->n_tpgs] = (struct lunmap_tpg){.tpgt = tpgt};
        return &grown[m->n_tpgs++];
}

static int add_entry(struct lunmap_tpg *t, const char *zvol, unsigned lun)
{
        struct lunmap_entry *grown = realloc(t->entries, (t->n_entries + 1) * sizeof(*grown));
        char *copy = strdup(zvol);

        if (grown)
                t->entries = grown;
        if (!grown || !copy) {
                free(copy);
                return -ENOMEM;
        }
        grown[t->n_entries++] = (struct lunmap_entry){.zvol = copy, .lun = lun};
        return 0;
}

_printf_(2, 3) static int parse_error(char **ret_error, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return -EINVAL;
}

int lunmap_parse(const char *text, struct lunmap *ret, char **ret_error)
{
        struct json_object *doc = json_tokener_parse(text), *v, *tpgs;
        struct lunmap m = {0};
        int r = 0;

        *ret = (struct lunmap){0};
        *ret_error = NULL;
        if (!doc || !json_object_is_type(doc, json_type_object)) {
                json_object_put(doc);
                return parse_error(ret_error, "not a JSON object");
        }
        if (!json_object_object_get_ex(doc, "format", &v) ||
            !json_object_is_type(v, json_type_int) || json_object_get_int64(v) != LUNMAP_FORMAT) {
                json_object_put(doc);
                return parse_error(ret_error, "$.format: must be %d", LUNMAP_FORMAT);
        }
        if (!json_object_object_get_ex(doc, "tpgs", &tpgs) ||
            !json_object_is_type(tpgs, json_type_object)) {
                json_object_put(doc);
                return parse_error(ret_error, "$.tpgs: must be an object");
        }
        json_object_object_foreach(tpgs, key, luns)
        {
                struct lunmap_tpg *t;
                uint32_t tpgt;

                if (safe_atou32(key, &tpgt) < 0 || tpgt == 0 || tpgt > 65535) {
                        r = parse_error(ret_error, "$.tpgs.%s: not a TPG tag (1 to 65535)", key);
                        break;
                }
                if (!json_object_is_type(luns, json_type_object)) {
                        r = parse_error(ret_error, "$.tpgs.%s: must be an object", key);
                        break;
                }
                t = add_tpg(&m, tpgt);
                if (!t) {
                        r = -ENOMEM;
                        break;
                }
                json_object_object_foreach(luns, zvol, number)
                {
                        int64_t lun = json_object_get_int64(number);

                        if (!json_object_is_type(number, json_type_int) || lun < 0 ||
                            lun > LUNMAP_MAX_LUN) {
                                r = parse_error(ret_error, "$.tpgs.%s.%s: not a LUN (0 to %u)", key,
                                                zvol, LUNMAP_MAX_LUN);
                                break;
                        }
                        for (size_t i = 0; i < t->n_entries && r == 0; i++)
                                if (t->entries[i].lun == (unsigned)lun)
                                        r = parse_error(ret_error,
                                                        "$.tpgs.%s.%s: LUN %u is also %s's", key,
                                                        zvol, (unsigned)lun, t->entries[i].zvol);
                        if (r == 0)
                                r = add_entry(t, zvol, (unsigned)lun);
                        if (r < 0)
                                break;
                }
                if (r < 0)
                        break;
        }
        json_object_put(doc);
        if (r < 0) {
                lunmap_clear(&m);
                return r;
        }
        *ret = m;
        return 0;
}

int lunmap_load(const char *path, struct lunmap *ret, char **ret_error)
{
        _cleanup_free_ char *text = NULL;
        size_t size;
        int r = read_full_file(path, &text, &size);

        *ret = (struct lunmap){0};
        *ret_error = NULL;
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        return lunmap_parse(text, ret, ret_error);
}

static int cmp_entry(const void *a, const void *b)
{
        const struct lunmap_entry *x = a, *y = b;
        return x->lun < y->lun ? -1 : x->lun > y->lun;
}

static int cmp_tpg(const void *a, const void *b)
{
        const struct lunmap_tpg *x = a, *y = b;
        return x->tpgt < y->tpgt ? -1 : x->tpgt > y->tpgt;
}

char *lunmap_format(const struct lunmap *m)
{
        struct json_object *doc = json_object_new_object(), *tpgs = json_object_new_object();
        struct lunmap_tpg *sorted = m->n_tpgs ? calloc(m->n_tpgs, sizeof(*sorted)) : NULL;
        char *text = NULL;
        bool ok = doc && tpgs && (m->n_tpgs == 0 || sorted);

        if (ok) {
                memcpy(sorted, m->tpgs, m->n_tpgs * sizeof(*sorted));
                qsort(sorted, m->n_tpgs, sizeof(*sorted), cmp_tpg);
        }
        for (size_t i = 0; ok && i < m->n_tpgs; i++) {
                struct json_object *luns = json_object_new_object();
                struct lunmap_entry *e =
                    sorted[i].n_entries ? calloc(sorted[i].n_entries, sizeof(*e)) : NULL;
                char key[16];

                ok = luns && (sorted[i].n_entries == 0 || e);
                if (ok) {
                        memcpy(e, sorted[i].entries, sorted[i].n_entries * sizeof(*e));
                        qsort(e, sorted[i].n_entries, sizeof(*e), cmp_entry);
                }
                for (size_t j = 0; ok && j < sorted[i].n_entries; j++)
                        ok = json_object_object_add(luns, e[j].zvol,
                                                    json_object_new_int64(e[j].lun)) == 0;
                free(e);
                snprintf(key, sizeof(key), "%u", sorted[i].tpgt);
                if (ok)
                        ok = json_object_object_add(tpgs, key, luns) == 0;
                else
                        json_object_put(luns);
        }
        free(sorted);
        if (ok && json_object_object_add(doc, "format", json_object_new_int(LUNMAP_FORMAT)) == 0 &&
            json_object_object_add(doc, "tpgs", tpgs) == 0) {
                tpgs = NULL;
                text = strdup(json_object_to_json_string_ext(
                    doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                             JSON_C_TO_STRING_NOSLASHESCAPE));
        }
        json_object_put(tpgs);
        json_object_put(doc);
        return text;
}

int lunmap_save(const char *path, const struct lunmap *m)
{
        _cleanup_free_ char *text = lunmap_format(m);
        _cleanup_free_ char *line = NULL;

        if (!text || asprintf(&line, "%s\n", text) < 0)
                return -ENOMEM;
        return write_file_atomic(path, line, strlen(line), 0644);
}

int lunmap_assign(struct lunmap *m, unsigned tpgt, const char *const *zvols, size_t n,
                  unsigned *ret_luns, bool *ret_changed)
{
        struct lunmap_tpg *t = find_tpg(m, tpgt);
        unsigned next = 0;

        *ret_changed = false;
        if (!t && !(t = add_tpg(m, tpgt)))
                return -ENOMEM;
        for (size_t j = 0; j < t->n_entries; j++)
                if (t->entries[j].lun + 1 > next)
                        next = t->entries[j].lun + 1;
        for (size_t i = 0; i < n; i++) {
                bool found = false;

                for (size_t j = 0; j < t->n_entries && !found; j++)
                        if (strcmp(t->entries[j].zvol, zvols[i]) == 0) {
                                ret_luns[i] = t->entries[j].lun;
                                found = true;
                        }
                if (found)
                        continue;
                if (next > LUNMAP_MAX_LUN)
                        return -ERANGE;
                if (add_entry(t, zvols[i], next) < 0)
                        return -ENOMEM;
                ret_luns[i] = next++;
                *ret_changed = true;
        }
        return 0;
}
