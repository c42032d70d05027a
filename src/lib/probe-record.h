/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The records "hasan probe" writes to a target, and the numbers it derives
 * from its acknowledgement log. Pure: no I/O, nothing printed.
 *
 * A record is PROBE_RECORD_SIZE bytes, record N lives at offset
 * N * PROBE_RECORD_SIZE. All integers are little-endian:
 *
 *   offset  size  field
 *        0     8  magic "HASANPRB"
 *        8     4  format version (1)
 *       12     4  record size (4096)
 *       16     8  run id (random per run, never 0)
 *       24     8  sequence number
 *       32     8  write time, CLOCK_REALTIME ns
 *       40    32  target name, NUL-padded
 *       72  3992  payload: a pseudo-random stream seeded by (run id, sequence)
 *     4064    32  SHA-256 of bytes 0..4063
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROBE_RECORD_SIZE 4096u
#define PROBE_RECORD_VERSION 1u
#define PROBE_MAGIC "HASANPRB"
#define PROBE_MAGIC_SIZE 8u
/* Longest target name, without the terminating NUL. */
#define PROBE_NAME_MAX 31u

struct probe_record {
        uint64_t run_id;
        uint64_t seq;
        uint64_t written_ns;
        char name[PROBE_NAME_MAX + 1];
};

enum probe_check {
        PROBE_RECORD_INTACT,
        /* Not this run's record: zeroes, another run's record, anything else. */
        PROBE_RECORD_MISSING,
        /*
         * This run's record, damaged (checksum mismatch), or intact but of
         * another sequence number or target (a misdirected write).
         */
        PROBE_RECORD_CORRUPT,
};

const char *probe_check_to_string(enum probe_check c);

/*
 * A target name: 1 to PROBE_NAME_MAX characters of [A-Za-z0-9._-], not
 * starting with '.' (it names a file in the state directory).
 */
bool probe_name_is_valid(const char *name);

/*
 * Split "NAME=PATH" (one --target argument). On success *ret_name and
 * *ret_path are newly allocated. Returns 0, -EINVAL when there is no '=',
 * the path is empty or the name is invalid (see probe_name_is_valid), or
 * -ENOMEM.
 */
int probe_target_parse(const char *arg, char **ret_name, char **ret_path);

/* Fill buf with the encoded record (r->name must be a valid name). */
void probe_record_encode(const struct probe_record *r, uint8_t buf[PROBE_RECORD_SIZE]);

/*
 * Judge what was read back where record seq of run run_id on target name
 * was written. ret (may be NULL) gets the decoded header whenever the
 * result is not PROBE_RECORD_MISSING.
 */
enum probe_check probe_record_check(const uint8_t buf[PROBE_RECORD_SIZE], uint64_t run_id,
                                    const char *name, uint64_t seq, struct probe_record *ret);

/* One line of the acknowledgement log: record seq, written and acknowledged. */
struct probe_ack {
        uint64_t seq;
        uint64_t written_ns;
        uint64_t ack_ns;
};

/*
 * The log line for ack, "SEQ WRITTEN_NS ACK_NS\n", into buf. Returns its
 * length, or -ENOBUFS when size is too small (64 bytes always suffice).
 */
int probe_ack_format(const struct probe_ack *ack, char *buf, size_t size);

/* Parse one log line (with or without its '\n'). Returns 0 or -EINVAL. */
int probe_ack_parse(const char *line, struct probe_ack *ret);

struct probe_stats {
        uint64_t acked;
        uint64_t first_ack_ns, last_ack_ns;
        /*
         * Longest time between two consecutive acknowledgements, or between
         * the last one and the run's end: the outage. gap_open: it is the
         * latter, so the target never acknowledged a write again.
         */
        uint64_t gap_ns, gap_start_ns, gap_end_ns;
        bool gap_open;
        /* Acknowledgement latency (ack - write time), nearest-rank percentiles. */
        uint64_t p50_ns, p99_ns, max_latency_ns;
};

/*
 * Statistics over n acknowledgements in log order, for a run that stopped
 * at end_ns (0: not known). A clock stepping back counts as no gap and no
 * latency, never as a negative one. Returns 0 or -ENOMEM; all zero when n
 * is 0.
 */
int probe_stats_compute(const struct probe_ack *acks, size_t n, uint64_t end_ns,
                        struct probe_stats *ret);

/* Nearest-rank percentile pct (1..100) of n sorted values; 0 when n is 0. */
uint64_t probe_percentile(const uint64_t *sorted, size_t n, unsigned pct);
