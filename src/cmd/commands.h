/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Command handlers: each takes the arguments after the command name
 * (argv[0] is the command itself) and returns an EXIT_* code.
 */
int cmd_spec(int argc, char **argv);
int cmd_cred(int argc, char **argv);
int cmd_hostid(int argc, char **argv);
int cmd_standby_guard(int argc, char **argv);
int cmd_initiator(int argc, char **argv);
int cmd_backend(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_exporter(int argc, char **argv);
int cmd_zed_event(int argc, char **argv);
int cmd_timeline(int argc, char **argv);

/* The OCF resource agent ocf:hasan:backend (argv[0] "backend"); returns an OCF exit code. */
int backend_personality(int argc, char **argv);

/*
 * For the pool agent: export this node's disks to the peer, or remove its
 * LUNs, under the backend's lock, reporting to the log. config and node as
 * for "hasan backend" (node NULL: the short host name). Return 0 or -errno.
 */
int backend_export_disks(const char *config, const char *node, const char *cred_store,
                         const char *cred_key);
int backend_unexport_disks(const char *config, const char *node);
int cmd_pool(int argc, char **argv);
int cmd_target(int argc, char **argv);

/* The OCF resource agent ocf:hasan:lio-client (argv[0] "lio-client"); returns an OCF exit code. */
int lio_client_personality(int argc, char **argv);
int cmd_portblock(int argc, char **argv);

/* The OCF resource agent ocf:hasan:portblock (argv[0] "portblock"); returns an OCF exit code. */
int portblock_personality(int argc, char **argv);

/* Paths the commands default to; tests and operators override them by option. */
#define HASAN_CLUSTER_JSON HASAN_SYSCONFDIR "/cluster.json"
#define HASAN_CRED_STORE HASAN_SYSCONFDIR "/credentials"
#define HASAN_CRED_KEY HASAN_SYSCONFDIR "/credentials.key"
