/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/portblock.h"
#include "shared/macro.h"
#include "shared/parse.h"
#include "shared/spawn.h"

int portblock_spec_parse(const char *ip, const char *ports, const char *protocol,
                         struct portblock_spec *ret, char *why, size_t why_size)
{
        struct portblock_spec s = {0};
        unsigned char addr[16];
        const char *p;

        if (!ip || strlen(ip) >= sizeof(s.ip)) {
                snprintf(why, why_size, "invalid address '%s'", ip ? ip : "");
                return -EINVAL;
        }
        if (inet_pton(AF_INET, ip, addr) == 1)
                s.family = AF_INET;
        else if (inet_pton(AF_INET6, ip, addr) == 1)
                s.family = AF_INET6;
        else {
                snprintf(why, why_size, "invalid address '%s': not an IPv4 or IPv6 address", ip);
                return -EINVAL;
        }
        memcpy(s.ip, ip, strlen(ip) + 1);

        if (!protocol || strcmp(protocol, "tcp") == 0)
                s.udp = false;
        else if (strcmp(protocol, "udp") == 0)
                s.udp = true;
        else {
                snprintf(why, why_size, "invalid protocol '%s': tcp or udp", protocol);
                return -EINVAL;
        }

        p = ports ? ports : "";
        for (;;) {
                size_t n = strcspn(p, ",");
                char word[8];
                uint32_t port;

                if (n == 0 || n >= sizeof(word)) {
                        snprintf(why, why_size,
                                 "invalid port list '%s': want ports 1-65535, "
                                 "separated by commas",
                                 ports ? ports : "");
                        return -EINVAL;
                }
                memcpy(word, p, n);
                word[n] = '\0';
                if (safe_atou32(word, &port) < 0 || port == 0 || port > 65535) {
                        snprintf(why, why_size, "invalid port '%s' in '%s'", word, ports);
                        return -EINVAL;
                }
                if (s.n_ports == PORTBLOCK_MAX_PORTS) {
                        snprintf(why, why_size, "too many ports in '%s': at most %d", ports,
                                 PORTBLOCK_MAX_PORTS);
                        return -EINVAL;
                }
                s.ports[s.n_ports++] = (uint16_t)port;
                if (!p[n])
                        break;
                p += n + 1;
        }
        s.timeout_ms = PORTBLOCK_NFT_TIMEOUT_MS;
        *ret = s;
        return 0;
}

static const char *set_name(const struct portblock_spec *s)
{
        if (s->family == AF_INET6)
                return s->udp ? "udp6" : "tcp6";
        return s->udp ? "udp4" : "tcp4";
}

/* nft writes an IPv6 address in a concatenation without brackets. */
static void write_elements(FILE *f, const struct portblock_spec *s)
{
        fputs("{ ", f);
        for (size_t i = 0; i < s->n_ports; i++)
                fprintf(f, "%s%s . %u", i ? ", " : "", s->ip, s->ports[i]);
        fputs(" }", f);
}

/*
 * The table, its sets and its chain, created if missing. The chain is
 * flushed and refilled, so its rules are never doubled; the sets, and the
 * pairs other resources put in them, are kept.
 */
static void write_table(FILE *f)
{
        static const struct {
                const char *set, *type, *match;
        } sets[] = {
            {"tcp4", "ipv4_addr", "ip daddr . tcp dport"},
            {"udp4", "ipv4_addr", "ip daddr . udp dport"},
            {"tcp6", "ipv6_addr", "ip6 daddr . tcp dport"},
            {"udp6", "ipv6_addr", "ip6 daddr . udp dport"},
        };

        fputs("add table inet " PORTBLOCK_TABLE "\n", f);
        for (size_t i = 0; i < ELEMENTSOF(sets); i++)
                fprintf(f, "add set inet " PORTBLOCK_TABLE " %s { type %s . inet_service; }\n",
                        sets[i].set, sets[i].type);
        /* Before the firewall's filter chains (priority filter): a blocked
         * port stays blocked whatever the firewall accepts. */
        fputs("add chain inet " PORTBLOCK_TABLE
              " input { type filter hook input priority filter - 10; policy accept; }\n"
              "flush chain inet " PORTBLOCK_TABLE " input\n",
              f);
        for (size_t i = 0; i < ELEMENTSOF(sets); i++)
                fprintf(f, "add rule inet " PORTBLOCK_TABLE " input %s @%s counter drop\n",
                        sets[i].match, sets[i].set);
}

static int run_nft(const char *script, size_t size, unsigned timeout_ms, char *why, size_t why_size)
{
        char *argv[] = {"nft", "-f", "-", NULL};
        struct spawn_options o = {
            .stdin_data = script, .stdin_size = size, .timeout_ms = timeout_ms};
        struct spawn_result res = {0};
        char how[64], line[256];
        int r = spawn_run(argv, &o, &res);

        if (r < 0 && r != -ETIMEDOUT) {
                snprintf(why, why_size, "cannot run nft: %s", strerror(-r));
                return r;
        }
        if (!spawn_result_success(&res)) {
                spawn_result_first_line(&res, line, sizeof(line));
                snprintf(why, why_size, "nft %s%s%s", spawn_result_describe(&res, how, sizeof(how)),
                         line[0] ? ": " : "", line);
                spawn_result_clear(&res);
                return r < 0 ? r : -EIO;
        }
        spawn_result_clear(&res);
        return 0;
}

static int apply(const struct portblock_spec *s, bool block, char *why, size_t why_size)
{
        _cleanup_free_ char *script = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&script, &size);

        if (!f) {
                snprintf(why, why_size, "out of memory");
                return -ENOMEM;
        }
        write_table(f);
        /* Adding a pair that is there already changes nothing; deleting one
         * that is not fails. So an unblock adds the pairs first: the
         * transaction then holds whatever the set held before. */
        fprintf(f, "add element inet " PORTBLOCK_TABLE " %s ", set_name(s));
        write_elements(f, s);
        fputc('\n', f);
        if (!block) {
                fprintf(f, "delete element inet " PORTBLOCK_TABLE " %s ", set_name(s));
                write_elements(f, s);
                fputc('\n', f);
        }
        if (fclose(f) != 0) {
                snprintf(why, why_size, "out of memory");
                return -ENOMEM;
        }
        return run_nft(script, size, s->timeout_ms, why, why_size);
}

int portblock_block(const struct portblock_spec *s, char *why, size_t why_size)
{
        return apply(s, true, why, why_size);
}

int portblock_unblock(const struct portblock_spec *s, char *why, size_t why_size)
{
        return apply(s, false, why, why_size);
}

int portblock_count_blocked(const struct portblock_spec *s, size_t *ret, char *why, size_t why_size)
{
        size_t blocked = 0;

        /* "nft get element" exits 1 both for a pair that is not in the set
         * and for a set that does not exist: either way, not blocked. Only a
         * failure to run nft at all is an error. */
        for (size_t i = 0; i < s->n_ports; i++) {
                char element[80];
                char *argv[] = {
                    "nft",   "get", "element", "inet", PORTBLOCK_TABLE, (char *)set_name(s),
                    element, NULL};
                struct spawn_options o = {.timeout_ms = s->timeout_ms};
                struct spawn_result res = {0};
                int r;

                snprintf(element, sizeof(element), "{ %s . %u }", s->ip, s->ports[i]);
                r = spawn_run(argv, &o, &res);
                if (r < 0) {
                        snprintf(why, why_size, "cannot run nft: %s", strerror(-r));
                        spawn_result_clear(&res);
                        return r;
                }
                if (res.term_signal != 0) {
                        snprintf(why, why_size, "nft killed by signal %d", res.term_signal);
                        spawn_result_clear(&res);
                        return -EIO;
                }
                if (res.exit_status == 0)
                        blocked++;
                spawn_result_clear(&res);
        }
        *ret = blocked;
        return 0;
}

int portblock_reset_connections(const struct portblock_spec *s, char *why, size_t why_size)
{
        char src[64];

        if (s->udp)
                return 0; /* nothing to reset */
        snprintf(src, sizeof(src), s->family == AF_INET6 ? "[%s]" : "%s", s->ip);
        for (size_t i = 0; i < s->n_ports; i++) {
                char sport[16];
                char *argv[] = {"ss", "--kill", "--tcp", "--numeric", "src",
                                src,  "sport",  "=",     sport,       NULL};
                struct spawn_options o = {.timeout_ms = s->timeout_ms};
                struct spawn_result res = {0};
                char how[64], line[256];
                int r;

                snprintf(sport, sizeof(sport), ":%u", s->ports[i]);
                r = spawn_run(argv, &o, &res);
                if (r < 0 && r != -ETIMEDOUT) {
                        snprintf(why, why_size, "cannot run ss: %s", strerror(-r));
                        return r;
                }
                if (!spawn_result_success(&res)) {
                        spawn_result_first_line(&res, line, sizeof(line));
                        snprintf(why, why_size, "ss --kill (port %u) %s%s%s", s->ports[i],
                                 spawn_result_describe(&res, how, sizeof(how)), line[0] ? ": " : "",
                                 line);
                        spawn_result_clear(&res);
                        return r < 0 ? r : -EIO;
                }
                spawn_result_clear(&res);
        }
        return 0;
}
