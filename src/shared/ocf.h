/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A small framework for OCF resource agents (OCF resource agent API 1.0, as
 * Pacemaker calls them): each agent is one constant struct ocf_agent that
 * lists its parameters and actions, and its personality hands argv to
 * ocf_main(), which prints the metadata, dispatches the action and returns
 * the OCF exit code for main() to return.
 *
 * Pacemaker passes the action as the only argument and every parameter as
 * the environment variable OCF_RESKEY_<name>; it captures the agent's stderr
 * into its log. ocf_main() therefore prefixes every line written through
 * shared/log.h with "<agent>(<OCF_RESOURCE_INSTANCE>)[<pid>]: <LEVEL>: ".
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum ocf_exit {
        OCF_SUCCESS = 0,
        OCF_ERR_GENERIC = 1,
        OCF_ERR_ARGS = 2,
        OCF_ERR_UNIMPLEMENTED = 3,
        OCF_ERR_PERM = 4,
        OCF_ERR_INSTALLED = 5,  /* something this node needs is missing: try elsewhere */
        OCF_ERR_CONFIGURED = 6, /* the configuration is wrong on every node: give up */
        OCF_NOT_RUNNING = 7,
};

enum ocf_content {
        OCF_CONTENT_STRING,
        OCF_CONTENT_INTEGER,
        OCF_CONTENT_BOOLEAN,
        _OCF_CONTENT_MAX,
};

struct ocf_param {
        const char *name; /* read from OCF_RESKEY_<name> */
        enum ocf_content content;
        bool required; /* ocf_main() fails with OCF_ERR_CONFIGURED when it is unset */
        bool unique;
        const char *default_value; /* NULL: none */
        const char *shortdesc;
        const char *longdesc;
};

struct ocf_agent;

struct ocf_action {
        const char *name; /* "start", "stop", "monitor", "validate-all", ... */
        enum ocf_exit (*run)(const struct ocf_agent *agent);
        unsigned timeout_s;  /* advertised default timeout */
        unsigned interval_s; /* advertised default interval (monitor); 0: none */
        unsigned depth;      /* OCF_CHECK_LEVEL the entry stands for (monitor) */
};

struct ocf_agent {
        const char *name;    /* as installed: /usr/lib/ocf/resource.d/<provider>/<name> */
        const char *version; /* the agent's version */
        const char *shortdesc;
        const char *longdesc;
        const struct ocf_param *params;
        size_t n_params;
        const struct ocf_action *actions;
        size_t n_actions;
};

/* Advertised timeouts of the actions ocf_main() provides when the table has none. */
#define OCF_META_DATA_TIMEOUT_S 5u
#define OCF_VALIDATE_TIMEOUT_S 20u

/*
 * The value of parameter name: OCF_RESKEY_<name> when set and not empty,
 * else the parameter's default (NULL when it has none, or when the agent
 * declares no such parameter).
 */
const char *ocf_reskey(const struct ocf_agent *agent, const char *name);

/* Pacemaker's notion of true: yes, true, on, y or 1 (any case). NULL is false. */
bool ocf_is_true(const char *value);

/* True while ocf_main() runs a probe: a monitor with OCF_RESKEY_CRM_meta_interval 0 or unset. */
bool ocf_is_probe(void);

/*
 * The running operation's timeout in ms, as Pacemaker passes it
 * (OCF_RESKEY_CRM_meta_timeout), or def when it is unset or not a number.
 */
unsigned ocf_op_timeout_ms(unsigned def);

/*
 * Write the OCF 1.0 metadata XML to f. meta-data and validate-all are
 * always listed, with the table's entries when it has them. Returns 0, or
 * -EIO when writing failed.
 */
int ocf_print_metadata(const struct ocf_agent *agent, FILE *f);

/* "usage: NAME {start|stop|...|meta-data}" and a line per action. */
void ocf_print_usage(const struct ocf_agent *agent, FILE *f);

/*
 * Run the action argv[1] and return its OCF exit code:
 *   meta-data            metadata on stdout, OCF_SUCCESS;
 *   usage, help          usage on stdout, OCF_SUCCESS;
 *   no action, or more than one argument
 *                        usage on stderr, OCF_ERR_ARGS;
 *   an unknown action    usage on stderr, OCF_ERR_UNIMPLEMENTED;
 *   validate-all without an entry in the table
 *                        checks the required parameters only;
 *   anything else        OCF_ERR_CONFIGURED when a required parameter is
 *                        unset, else the handler's code (a code outside
 *                        the OCF range becomes OCF_ERR_GENERIC).
 */
int ocf_main(const struct ocf_agent *agent, int argc, char **argv);
