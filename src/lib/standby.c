/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "lib/standby.h"
#include "shared/parse.h"

unsigned standby_guard_plan(enum standby_guard_verb verb, bool in_standby, bool marker)
{
        switch (verb) {
        case STANDBY_GUARD_STOP:
                /*
                 * Already in standby: by hand (no marker, leave it to the
                 * operator) or by an earlier shutdown whose boot never got
                 * as far as lifting it (marker, keep it so the next boot
                 * does). Either way nothing runs here to move away.
                 */
                if (in_standby)
                        return 0;
                /* A stale marker without a standby is simply set again. */
                return STANDBY_ACTION_SET_MARKER | STANDBY_ACTION_SET_STANDBY |
                       STANDBY_ACTION_WAIT_DRAINED;
        case STANDBY_GUARD_START:
                /* No marker: any standby is the operator's, and stays. */
                if (!marker)
                        return 0;
                if (in_standby)
                        return STANDBY_ACTION_CLEAR_STANDBY | STANDBY_ACTION_CLEAR_MARKER;
                /* Someone lifted our standby already; only the marker is left. */
                return STANDBY_ACTION_CLEAR_MARKER;
        default:
                return 0;
        }
}

/* The part of s between the first 'open' and the following 'close', or NULL. */
static const char *section(const char *s, const char *open, const char *close, size_t *ret_len)
{
        const char *b = strstr(s, open);
        if (!b)
                return NULL;
        b += strlen(open);
        const char *e = strstr(b, close);
        if (!e)
                return NULL;
        *ret_len = (size_t)(e - b);
        return b;
}

/*
 * Look up attribute 'key' in the tag text [tag, end) (no '>' inside).
 * Attributes are parsed in sequence, so "name" never matches inside "uname".
 * Returns the value's start and sets *ret_len, or NULL.
 */
static const char *tag_attr(const char *tag, const char *end, const char *key, size_t *ret_len)
{
        const char *p = tag;
        size_t klen = strlen(key);

        /* Skip the element name. */
        while (p < end && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
                p++;
        for (;;) {
                while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
                        p++;
                const char *k = p;
                while (p < end && *p != '=' && *p != ' ' && *p != '/')
                        p++;
                if (p >= end || *p != '=')
                        return NULL;
                size_t this_len = (size_t)(p - k);
                p++;
                if (p >= end || (*p != '"' && *p != '\''))
                        return NULL;
                char quote = *p++;
                const char *v = p;
                while (p < end && *p != quote)
                        p++;
                if (p >= end)
                        return NULL;
                if (this_len == klen && memcmp(k, key, klen) == 0) {
                        *ret_len = (size_t)(p - v);
                        return v;
                }
                p++;
        }
}

static bool attr_equals(const char *tag, const char *end, const char *key, const char *want)
{
        size_t len;
        const char *v = tag_attr(tag, end, key, &len);
        return v && len == strlen(want) && memcmp(v, want, len) == 0;
}

int crm_mon_find_node(const char *xml, const char *name, struct crm_mon_node *ret)
{
        size_t len;
        const char *nodes = section(xml, "<nodes>", "</nodes>", &len);

        if (!nodes) {
                /* An empty list is written as <nodes/>. */
                return strstr(xml, "<nodes/>") ? -ENOENT : -EBADMSG;
        }

        const char *p = nodes, *limit = nodes + len;
        while (p < limit) {
                const char *tag = strstr(p, "<node ");
                if (!tag || tag >= limit)
                        break;
                const char *end = memchr(tag, '>', (size_t)(limit - tag));
                if (!end)
                        return -EBADMSG;
                p = end + 1;
                if (!attr_equals(tag, end, "name", name))
                        continue;

                size_t vlen;
                const char *online = tag_attr(tag, end, "online", &vlen);
                const char *running = tag_attr(tag, end, "resources_running", &vlen);
                char buf[16];
                uint32_t n;
                if (!online || !running || vlen == 0 || vlen >= sizeof(buf))
                        return -EBADMSG;
                memcpy(buf, running, vlen);
                buf[vlen] = '\0';
                if (safe_atou32(buf, &n) < 0)
                        return -EBADMSG;
                *ret = (struct crm_mon_node){
                    .online = attr_equals(tag, end, "online", "true"),
                    .pending = attr_equals(tag, end, "pending", "true"),
                    .resources_running = n,
                };
                return 0;
        }
        return -ENOENT;
}
