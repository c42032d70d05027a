/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * The switch's configuration (README.md, "Configuration"): plugs, each
 * speaking one device protocol on one address and port, and the commands
 * that really switch and query the machine behind it. Plugs that share an
 * address and port form one device (an endpoint): a Tasmota or Shelly-style
 * device with several relays, an ESPHome node with several switches, or a
 * Kasa power strip whose outlets have child ids.
 */

#define SWITCH_MAX_PLUGS 256
#define SWITCH_DEFAULT_COMMAND_TIMEOUT 10 /* seconds */
#define SWITCH_DEFAULT_READ_TIMEOUT 5     /* seconds */

enum protocol {
        PROTOCOL_TASMOTA,
        PROTOCOL_KASA,
        PROTOCOL_ESPHOME,
        PROTOCOL_HTTP,
        _PROTOCOL_MAX,
        _PROTOCOL_INVALID = -EINVAL,
};

enum fault {
        FAULT_NONE,
        FAULT_GARBAGE,  /* the reply is replaced by random non-protocol bytes */
        FAULT_TRUNCATE, /* the reply is cut in the middle of its body */
        FAULT_STUCK_ON, /* "off" is answered with success but power_off never runs */
        FAULT_HANG,     /* the request is read and never answered */
        _FAULT_MAX,
        _FAULT_INVALID = -EINVAL,
};

enum power_command {
        POWER_COMMAND_ON,
        POWER_COMMAND_OFF,
        POWER_COMMAND_STATUS,
        _POWER_COMMAND_MAX,
};

const char *protocol_to_string(enum protocol p);
const char *fault_to_string(enum fault f);
/* "power_on", "power_off", "power_status": the config keys. */
const char *power_command_to_string(enum power_command c);

struct endpoint;
struct conn;
struct power_run;

struct plug {
        char *name;
        enum protocol protocol;
        char *address;
        uint16_t port;
        char *username;  /* never NULL once loaded ("admin" by default) */
        char *password;  /* NULL: no authentication */
        unsigned relay;  /* tasmota: Power<relay> (default 1); http: /relay/<relay> (default 0) */
        char *entity;    /* esphome: the switch's name (default "Relay") */
        char *object_id; /* esphome: the legacy id derived from the name */
        char *child_id;  /* kasa: the outlet's id on a power strip, or NULL */
        char **argv[_POWER_COMMAND_MAX]; /* NULL-terminated, argv[0] an absolute path */
        enum fault fault;
        struct endpoint *endpoint;

        /* Run time, owned by the server: the connection whose request holds
         * the plug, and the command running for it. */
        struct conn *owner;
        struct power_run *run;
};

struct endpoint {
        enum protocol protocol;
        const char *address; /* the first plug's strings */
        uint16_t port;
        struct sockaddr_storage sa;
        socklen_t sa_len;
        struct plug **plugs;
        size_t n_plugs;
        bool strip; /* kasa: the plugs are outlets addressed by child id */
        int fd;     /* the listening socket, -1 until bound */
};

struct config {
        unsigned command_timeout; /* seconds */
        unsigned read_timeout;    /* seconds */
        struct plug *plugs;
        size_t n_plugs;
        struct endpoint *endpoints;
        size_t n_endpoints;
};

/*
 * Load and fully validate the configuration. Every problem is logged as
 * "JSON-PATH: reason" (the file itself as "FILE: reason"); none stops the
 * check early. Returns 0 and sets *ret, -EINVAL when problems were logged,
 * or -ENOMEM.
 */
int config_load(const char *path, struct config **ret);
struct config *config_free(struct config *c);
