/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "shared/quote.h"

/* Characters that mean nothing special to a POSIX shell, anywhere in a word. */
static bool plain(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               strchr("_-./:=@%+,", c);
}

static bool needs_quotes(const char *w)
{
        if (!*w)
                return true;
        for (const char *p = w; *p; p++)
                if (!plain(*p))
                        return true;
        return false;
}

int shell_quote(const char *word, char **ret)
{
        size_t n = 2;
        char *s, *o;

        if (!needs_quotes(word)) {
                s = strdup(word);
                if (!s)
                        return -ENOMEM;
                *ret = s;
                return 0;
        }
        for (const char *p = word; *p; p++)
                n += *p == '\'' ? 4 : 1;
        s = malloc(n + 1);
        if (!s)
                return -ENOMEM;
        o = s;
        *o++ = '\'';
        for (const char *p = word; *p; p++) {
                if (*p == '\'') {
                        memcpy(o, "'\\''", 4);
                        o += 4;
                } else
                        *o++ = *p;
        }
        *o++ = '\'';
        *o = '\0';
        *ret = s;
        return 0;
}

int shell_join(char *const *argv, char **ret)
{
        size_t len = 0, cap = 64;
        char *s = malloc(cap);

        if (!s)
                return -ENOMEM;
        s[0] = '\0';
        for (size_t i = 0; argv[i]; i++) {
                char *q = NULL;
                size_t k;

                if (shell_quote(argv[i], &q) < 0) {
                        free(s);
                        return -ENOMEM;
                }
                k = strlen(q);
                if (len + k + 2 > cap) {
                        char *n;
                        while (len + k + 2 > cap)
                                cap *= 2;
                        n = realloc(s, cap);
                        if (!n) {
                                free(q);
                                free(s);
                                return -ENOMEM;
                        }
                        s = n;
                }
                if (i > 0)
                        s[len++] = ' ';
                memcpy(s + len, q, k + 1);
                len += k;
                free(q);
        }
        *ret = s;
        return 0;
}
