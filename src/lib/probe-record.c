/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "lib/probe-record.h"

enum {
        OFF_MAGIC = 0,
        OFF_VERSION = 8,
        OFF_SIZE = 12,
        OFF_RUN_ID = 16,
        OFF_SEQ = 24,
        OFF_WRITTEN = 32,
        OFF_NAME = 40,
        OFF_PAYLOAD = OFF_NAME + PROBE_NAME_MAX + 1,
        OFF_CHECKSUM = PROBE_RECORD_SIZE - 32,
        CHECKSUM_SIZE = 32,
};

const char *probe_check_to_string(enum probe_check c)
{
        switch (c) {
        case PROBE_RECORD_INTACT:
                return "intact";
        case PROBE_RECORD_MISSING:
                return "missing";
        case PROBE_RECORD_CORRUPT:
                return "corrupt";
        }
        return "?";
}

bool probe_name_is_valid(const char *name)
{
        size_t n = name ? strlen(name) : 0;

        if (n == 0 || n > PROBE_NAME_MAX || name[0] == '.')
                return false;
        return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
               n;
}

int probe_target_parse(const char *arg, char **ret_name, char **ret_path)
{
        const char *eq = arg ? strchr(arg, '=') : NULL;
        char *name, *path;

        if (!eq || eq[1] == '\0')
                return -EINVAL;
        name = strndup(arg, (size_t)(eq - arg));
        if (!name)
                return -ENOMEM;
        if (!probe_name_is_valid(name)) {
                free(name);
                return -EINVAL;
        }
        path = strdup(eq + 1);
        if (!path) {
                free(name);
                return -ENOMEM;
        }
        *ret_name = name;
        *ret_path = path;
        return 0;
}

static void put_le32(uint8_t *p, uint32_t v)
{
        for (unsigned i = 0; i < 4; i++)
                p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
        for (unsigned i = 0; i < 8; i++)
                p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
        uint32_t v = 0;
        for (unsigned i = 0; i < 4; i++)
                v |= (uint32_t)p[i] << (8 * i);
        return v;
}

static uint64_t get_le64(const uint8_t *p)
{
        uint64_t v = 0;
        for (unsigned i = 0; i < 8; i++)
                v |= (uint64_t)p[i] << (8 * i);
        return v;
}

/* splitmix64: a cheap, well-mixed stream; the payload need not be secret. */
static uint64_t mix_next(uint64_t *state)
{
        uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
}

static void payload_fill(uint64_t run_id, uint64_t seq, uint8_t *p, size_t size)
{
        uint64_t state = run_id ^ (seq * 0xd1342543de82ef95ull);

        for (size_t i = 0; i < size; i += 8)
                put_le64(p + i, mix_next(&state));
}

static void checksum(const uint8_t *buf, uint8_t out[CHECKSUM_SIZE])
{
        unsigned len = 0;

        /* SHA-256 of a fixed-size buffer cannot fail short of a broken libcrypto. */
        if (EVP_Digest(buf, OFF_CHECKSUM, out, &len, EVP_sha256(), NULL) != 1 ||
            len != CHECKSUM_SIZE)
                memset(out, 0, CHECKSUM_SIZE);
}

void probe_record_encode(const struct probe_record *r, uint8_t buf[PROBE_RECORD_SIZE])
{
        memset(buf, 0, PROBE_RECORD_SIZE);
        memcpy(buf + OFF_MAGIC, PROBE_MAGIC, PROBE_MAGIC_SIZE);
        put_le32(buf + OFF_VERSION, PROBE_RECORD_VERSION);
        put_le32(buf + OFF_SIZE, PROBE_RECORD_SIZE);
        put_le64(buf + OFF_RUN_ID, r->run_id);
        put_le64(buf + OFF_SEQ, r->seq);
        put_le64(buf + OFF_WRITTEN, r->written_ns);
        memcpy(buf + OFF_NAME, r->name, strnlen(r->name, PROBE_NAME_MAX));
        payload_fill(r->run_id, r->seq, buf + OFF_PAYLOAD, OFF_CHECKSUM - OFF_PAYLOAD);
        checksum(buf, buf + OFF_CHECKSUM);
}

static void decode_header(const uint8_t *buf, struct probe_record *ret)
{
        ret->run_id = get_le64(buf + OFF_RUN_ID);
        ret->seq = get_le64(buf + OFF_SEQ);
        ret->written_ns = get_le64(buf + OFF_WRITTEN);
        memcpy(ret->name, buf + OFF_NAME, PROBE_NAME_MAX);
        ret->name[PROBE_NAME_MAX] = '\0';
}

enum probe_check probe_record_check(const uint8_t buf[PROBE_RECORD_SIZE], uint64_t run_id,
                                    const char *name, uint64_t seq, struct probe_record *ret)
{
        uint8_t sum[CHECKSUM_SIZE], expect[PROBE_RECORD_SIZE];
        struct probe_record h;
        bool sum_ok, same_run;

        checksum(buf, sum);
        sum_ok = memcmp(sum, buf + OFF_CHECKSUM, CHECKSUM_SIZE) == 0;
        decode_header(buf, &h);
        same_run =
            memcmp(buf + OFF_MAGIC, PROBE_MAGIC, PROBE_MAGIC_SIZE) == 0 && h.run_id == run_id;

        if (!sum_ok) {
                /*
                 * Damaged. It is this run's record when its header says so,
                 * or (header damaged) when its payload is the one this run
                 * wrote for seq; anything else was never this run's.
                 */
                payload_fill(run_id, seq, expect + OFF_PAYLOAD, OFF_CHECKSUM - OFF_PAYLOAD);
                if (!same_run && memcmp(buf + OFF_PAYLOAD, expect + OFF_PAYLOAD,
                                        OFF_CHECKSUM - OFF_PAYLOAD) != 0)
                        return PROBE_RECORD_MISSING;
                if (ret)
                        *ret = h;
                return PROBE_RECORD_CORRUPT;
        }
        if (!same_run)
                return PROBE_RECORD_MISSING;
        if (ret)
                *ret = h;
        if (get_le32(buf + OFF_VERSION) != PROBE_RECORD_VERSION ||
            get_le32(buf + OFF_SIZE) != PROBE_RECORD_SIZE || h.seq != seq ||
            strncmp(h.name, name, PROBE_NAME_MAX) != 0)
                return PROBE_RECORD_CORRUPT;
        return PROBE_RECORD_INTACT;
}

int probe_ack_format(const struct probe_ack *ack, char *buf, size_t size)
{
        int n = snprintf(buf, size, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", ack->seq,
                         ack->written_ns, ack->ack_ns);

        if (n < 0 || (size_t)n >= size)
                return -ENOBUFS;
        return n;
}

/* One unsigned decimal field ending at a space, '\n' or the end; advances *p. */
static int parse_field(const char **p, uint64_t *ret)
{
        const char *s = *p;
        uint64_t v = 0;

        if (*s < '0' || *s > '9')
                return -EINVAL;
        for (; *s >= '0' && *s <= '9'; s++) {
                unsigned d = (unsigned)(*s - '0');
                if (v > (UINT64_MAX - d) / 10)
                        return -EINVAL;
                v = v * 10 + d;
        }
        *p = s;
        *ret = v;
        return 0;
}

int probe_ack_parse(const char *line, struct probe_ack *ret)
{
        struct probe_ack a;
        const char *p = line;

        if (parse_field(&p, &a.seq) < 0 || *p++ != ' ' || parse_field(&p, &a.written_ns) < 0 ||
            *p++ != ' ' || parse_field(&p, &a.ack_ns) < 0)
                return -EINVAL;
        if (*p == '\n')
                p++;
        if (*p != '\0')
                return -EINVAL;
        *ret = a;
        return 0;
}

static int cmp_u64(const void *a, const void *b)
{
        uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
        return x < y ? -1 : x > y;
}

uint64_t probe_percentile(const uint64_t *sorted, size_t n, unsigned pct)
{
        size_t rank;

        if (n == 0)
                return 0;
        if (pct > 100)
                pct = 100;
        rank = (n * pct + 99) / 100; /* ceil(n * pct / 100) */
        return sorted[rank > 0 ? rank - 1 : 0];
}

int probe_stats_compute(const struct probe_ack *acks, size_t n, uint64_t end_ns,
                        struct probe_stats *ret)
{
        struct probe_stats s = {0};
        uint64_t *lat;

        if (n == 0) {
                *ret = s;
                return 0;
        }
        lat = malloc(n * sizeof(*lat));
        if (!lat)
                return -ENOMEM;

        s.acked = n;
        s.first_ack_ns = acks[0].ack_ns;
        s.last_ack_ns = acks[n - 1].ack_ns;
        s.gap_start_ns = s.gap_end_ns = acks[0].ack_ns;
        for (size_t i = 0; i < n; i++) {
                lat[i] =
                    acks[i].ack_ns > acks[i].written_ns ? acks[i].ack_ns - acks[i].written_ns : 0;
                if (i > 0 && acks[i].ack_ns > acks[i - 1].ack_ns &&
                    acks[i].ack_ns - acks[i - 1].ack_ns > s.gap_ns) {
                        s.gap_ns = acks[i].ack_ns - acks[i - 1].ack_ns;
                        s.gap_start_ns = acks[i - 1].ack_ns;
                        s.gap_end_ns = acks[i].ack_ns;
                }
        }
        /* Writes that never got through again after the last acknowledgement. */
        if (end_ns > s.last_ack_ns && end_ns - s.last_ack_ns > s.gap_ns) {
                s.gap_ns = end_ns - s.last_ack_ns;
                s.gap_start_ns = s.last_ack_ns;
                s.gap_end_ns = end_ns;
                s.gap_open = true;
        }
        qsort(lat, n, sizeof(*lat), cmp_u64);
        s.p50_ns = probe_percentile(lat, n, 50);
        s.p99_ns = probe_percentile(lat, n, 99);
        s.max_latency_ns = lat[n - 1];
        free(lat);
        *ret = s;
        return 0;
}
