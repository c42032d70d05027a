/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Holding a VIP's service ports shut while the pool's group moves, in an
 * nftables table of hasan's own (inet hasan_portblock), apart from the
 * firewall's table: reloading the firewall never unblocks a port, and
 * unblocking never opens the firewall.
 *
 * The table has one set per protocol and address family holding
 * "address . port" pairs, and an input chain, hooked just before the
 * firewall's, that drops packets to any pair in a set. Blocking adds pairs,
 * unblocking removes them; each is one nft transaction that also (re)creates
 * the table, so either applies whole or not at all, and repeating one
 * changes nothing.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PORTBLOCK_TABLE "hasan_portblock" /* family inet */
#define PORTBLOCK_MAX_PORTS 16
/* How long one nft or ss run may take unless the caller says otherwise. */
#define PORTBLOCK_NFT_TIMEOUT_MS 10000u

struct portblock_spec {
        int family;  /* AF_INET or AF_INET6 */
        char ip[48]; /* the address, as given (validated) */
        bool udp;    /* false: tcp */
        uint16_t ports[PORTBLOCK_MAX_PORTS];
        size_t n_ports;
        unsigned timeout_ms; /* each nft or ss run; portblock_spec_parse() sets the default */
};

/*
 * Fill *ret from an address, a comma-separated port list ("2049,445") and
 * a protocol ("tcp" or "udp"; NULL: tcp). Returns 0, or -EINVAL with why
 * naming the offending item.
 */
int portblock_spec_parse(const char *ip, const char *ports, const char *protocol,
                         struct portblock_spec *ret, char *why, size_t why_size);

/* Drop packets to every port of s. Returns 0, or -errno with why filled. */
int portblock_block(const struct portblock_spec *s, char *why, size_t why_size);

/* Let them through again. Returns 0, or -errno with why filled. */
int portblock_unblock(const struct portblock_spec *s, char *why, size_t why_size);

/*
 * How many of s's ports are blocked now (0 when the table does not exist).
 * Returns 0, or -errno with why filled.
 */
int portblock_count_blocked(const struct portblock_spec *s, size_t *ret, char *why,
                            size_t why_size);

/*
 * Abort this node's open TCP connections from s's address and ports (ss -K),
 * so their clients get a reset at once instead of retrying into a node that
 * no longer serves them. Returns 0, or -errno with why filled.
 */
int portblock_reset_connections(const struct portblock_spec *s, char *why, size_t why_size);
