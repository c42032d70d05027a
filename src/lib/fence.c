/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/cred.h"
#include "lib/fence.h"
#include "shared/macro.h"
#include "shared/parse.h"
#include "shared/xml.h"

/* ---- agents ---- */

const struct fence_agent fence_agents[] = {
    {
        .name = "fence_kasa",
        .short_name = "kasa",
        .shortdesc = "Fence agent for TP-Link Kasa smart plugs (legacy local protocol)",
        .longdesc = "fence_kasa switches a TP-Link Kasa smart plug, or one outlet of a Kasa "
                    "power strip, over the legacy local protocol (TCP port 9999, "
                    "XOR-obfuscated JSON, no authentication). Firmware that replaced this "
                    "protocol with KLAP cannot be used. Every power change is verified by "
                    "reading the relay state back; optionally, listed addresses of the node "
                    "must stop answering ICMP echo after power-off. Part of hasan.",
        .vendor_url = "https://www.kasasmart.com",
        .ops = &plug_kasa_ops,
    },
    {
        .name = "fence_tasmota",
        .short_name = "tasmota",
        .shortdesc = "Fence agent for Tasmota smart plugs (HTTP commands)",
        .longdesc = "fence_tasmota switches a relay of a smart plug running Tasmota through "
                    "its HTTP command interface (/cm?cmnd=Power<n>), with the web password "
                    "when one is set. Every power change is verified by reading the relay "
                    "state back; optionally, listed addresses of the node must stop answering "
                    "ICMP echo after power-off. Part of hasan.",
        .vendor_url = "https://tasmota.github.io",
        .ops = &plug_tasmota_ops,
    },
    {
        .name = "fence_esphome",
        .short_name = "esphome",
        .shortdesc = "Fence agent for ESPHome switches (web_server REST API)",
        .longdesc = "fence_esphome switches a switch entity of an ESPHome device through the "
                    "web_server REST API (/switch/<entity>), with HTTP basic authentication "
                    "when the device requires it. Every power change is verified by reading "
                    "the switch state back; optionally, listed addresses of the node must "
                    "stop answering ICMP echo after power-off. Part of hasan.",
        .vendor_url = "https://esphome.io",
        .ops = &plug_esphome_ops,
    },
    {
        .name = "fence_hasan_http",
        .short_name = "http",
        .shortdesc = "Fence agent for HTTP relays with the Shelly Gen1 API",
        .longdesc = "fence_hasan_http switches a relay that offers the Shelly Gen1 HTTP API "
                    "(GET /relay/<plug>, GET /relay/<plug>?turn=on|off), with HTTP basic "
                    "authentication when a password is set. Every power change is verified "
                    "by reading the relay state back; optionally, listed addresses of the "
                    "node must stop answering ICMP echo after power-off. Part of hasan.",
        .vendor_url = "https://shelly-api-docs.shelly.cloud/gen1/",
        .ops = &plug_http_ops,
    },
};

const size_t fence_agents_count = ELEMENTSOF(fence_agents);

const struct fence_agent *fence_agent_find(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(fence_agents); i++)
                if (strcmp(fence_agents[i].name, name) == 0 ||
                    strcmp(fence_agents[i].short_name, name) == 0)
                        return &fence_agents[i];
        return NULL;
}

/* ---- actions ---- */

static const char *const action_names[_FENCE_ACTION_MAX] = {
    [FENCE_ACTION_ON] = "on",           [FENCE_ACTION_OFF] = "off",
    [FENCE_ACTION_REBOOT] = "reboot",   [FENCE_ACTION_STATUS] = "status",
    [FENCE_ACTION_LIST] = "list",       [FENCE_ACTION_LIST_STATUS] = "list-status",
    [FENCE_ACTION_MONITOR] = "monitor", [FENCE_ACTION_METADATA] = "metadata",
    [FENCE_ACTION_MANPAGE] = "manpage", [FENCE_ACTION_VALIDATE_ALL] = "validate-all",
};

enum fence_action fence_action_from_string(const char *s)
{
        if (!s)
                return _FENCE_ACTION_INVALID;
        if (strcasecmp(s, "meta-data") == 0)
                return FENCE_ACTION_METADATA;
        for (int i = 0; i < _FENCE_ACTION_MAX; i++)
                if (strcasecmp(s, action_names[i]) == 0)
                        return (enum fence_action)i;
        return _FENCE_ACTION_INVALID;
}

const char *fence_action_to_string(enum fence_action a)
{
        if (a < 0 || a >= _FENCE_ACTION_MAX)
                return NULL;
        return action_names[a];
}

/* ---- the parameter table: stdin keys, argv options, metadata, manual ---- */

enum param_id {
        P_ACTION,
        P_IP,
        P_IPPORT,
        P_PLUG,
        P_USERNAME,
        P_PASSWORD,
        P_PASSWORD_SCRIPT,
        P_CREDENTIAL,
        P_CRED_STORE,
        P_CRED_KEY,
        P_SSL,
        P_SSL_INSECURE,
        P_VERBOSE,
        P_DELAY,
        P_POWER_TIMEOUT,
        P_POWER_WAIT,
        P_SHELL_TIMEOUT,
        P_RETRY_ON,
        P_VERIFY_ADDRESSES,
        P_VERIFY_TIMEOUT,
        P_HELP,
        P_VERSION,
        _P_MAX,
};

enum {
        PF_AUTH = 1 << 0,   /* only for agents whose protocol authenticates */
        PF_SSL = 1 << 1,    /* only for agents that can speak https */
        PF_HIDDEN = 1 << 2, /* not in the metadata */
        PF_FLAG = 1 << 3,   /* no argument on argv */
};

struct param {
        enum param_id id;
        const char *name;       /* stdin key, metadata name */
        const char *deprecated; /* the old stdin key, listed as deprecated */
        char short_opt;
        const char *long_opt;
        const char *mixed; /* getopt text of the metadata */
        const char *type;  /* string, integer, second, boolean */
        const char *deflt;
        const char *shortdesc;
        unsigned flags;
        unsigned min, max; /* integer and second */
};

static const struct param params[] = {
    {P_ACTION, "action", NULL, 'o', "action", "-o, --action=[action]", "string", "reboot",
     "Fencing action", 0, 0, 0},
    {P_IP, "ip", "ipaddr", 'a', "ip", "-a, --ip=[ip]", "string", NULL,
     "IP address or hostname of fencing device", 0, 0, 0},
    {P_IPPORT, "ipport", NULL, 'u', "ipport", "-u, --ipport=[port]", "integer", NULL,
     "TCP port to use for connection with device", 0, 1, 65535},
    {P_PLUG, "plug", "port", 'n', "plug", "-n, --plug=[id]", "string", NULL, NULL, 0, 0, 0},
    {P_USERNAME, "username", "login", 'l', "username", "-l, --username=[name]", "string", "admin",
     "Login name", PF_AUTH, 0, 0},
    {P_PASSWORD, "password", "passwd", 'p', "password", "-p, --password=[password]", "string", NULL,
     "Login password or passphrase (prefer credential)", PF_AUTH, 0, 0},
    {P_PASSWORD_SCRIPT, "password_script", "passwd_script", 'S', "password-script", NULL, "string",
     NULL, NULL, PF_AUTH | PF_HIDDEN, 0, 0},
    {P_CREDENTIAL, "credential", NULL, 0, "credential", "--credential=[name]", "string", NULL,
     "Name of the password in the hasan credential store (/etc/hasan/credentials)", PF_AUTH, 0, 0},
    {P_CRED_STORE, "cred_store", NULL, 0, "cred-store", NULL, "string", NULL, NULL, PF_HIDDEN, 0,
     0},
    {P_CRED_KEY, "cred_key", NULL, 0, "cred-key", NULL, "string", NULL, NULL, PF_HIDDEN, 0, 0},
    {P_SSL, "ssl", NULL, 'z', "ssl", "-z, --ssl", "boolean", "0",
     "Use HTTPS to connect (certificate verified)", PF_SSL | PF_FLAG, 0, 0},
    {P_SSL_INSECURE, "ssl_insecure", NULL, 0, "ssl-insecure", "--ssl-insecure", "boolean", "0",
     "Use HTTPS without verifying the certificate", PF_SSL | PF_FLAG, 0, 0},
    {P_VERBOSE, "verbose", NULL, 'v', "verbose", "-v, --verbose", "boolean", "0",
     "Verbose mode: report each step on stderr", PF_FLAG, 0, 0},
    {P_DELAY, "delay", NULL, 0, "delay", "--delay=[seconds]", "second", "0",
     "Wait X seconds before fencing is started", 0, 0, 3600},
    {P_POWER_TIMEOUT, "power_timeout", NULL, 0, "power-timeout", "--power-timeout=[seconds]",
     "second", "20", "Test X seconds for status change after ON/OFF", 0, 1, 600},
    {P_POWER_WAIT, "power_wait", NULL, 0, "power-wait", "--power-wait=[seconds]", "second", "0",
     "Wait X seconds after issue ON/OFF", 0, 0, 600},
    {P_SHELL_TIMEOUT, "shell_timeout", NULL, 0, "shell-timeout", "--shell-timeout=[seconds]",
     "second", "3", "Wait X seconds for the device to connect and answer each request", 0, 1, 600},
    {P_RETRY_ON, "retry_on", NULL, 0, "retry-on", "--retry-on=[attempts]", "integer", "1",
     "Count of attempts to retry power on", 0, 0, 10},
    {P_VERIFY_ADDRESSES, "verify_addresses", NULL, 0, "verify-addresses",
     "--verify-addresses=[addresses]", "string", NULL,
     "Comma-separated IPv4 addresses of the node that must stop answering ICMP echo after "
     "power-off",
     0, 0, 0},
    {P_VERIFY_TIMEOUT, "verify_timeout", NULL, 0, "verify-timeout", "--verify-timeout=[seconds]",
     "second", "10", "Wait up to X seconds for the verify addresses to stop answering", 0, 1, 600},
    {P_HELP, "help", NULL, 'h', "help", "-h, --help", "boolean", NULL, "Display help and exit",
     PF_HIDDEN | PF_FLAG, 0, 0},
    {P_VERSION, "version", NULL, 'V', "version", "-V, --version", "boolean", NULL,
     "Display version information and exit", PF_HIDDEN | PF_FLAG, 0, 0},
};

static bool param_applies(const struct fence_agent *a, const struct param *p)
{
        if ((p->flags & PF_AUTH) && !a->ops->supports_auth)
                return false;
        if ((p->flags & PF_SSL) && !a->ops->supports_ssl)
                return false;
        return true;
}

/* ---- options ---- */

void fence_options_init(struct fence_options *o, const char *cred_store, const char *cred_key)
{
        *o = (struct fence_options){
            .action = FENCE_ACTION_REBOOT,
            .power_timeout = 20,
            .power_wait = 0,
            .shell_timeout = 3,
            .delay = 0,
            .retry_on = 1,
            .verify_timeout = 10,
            .cred_store = cred_store ? strdup(cred_store) : NULL,
            .cred_key = cred_key ? strdup(cred_key) : NULL,
        };
}

static char *free_secret(char *s)
{
        if (s) {
                explicit_bzero(s, strlen(s));
                free(s);
        }
        return NULL;
}

void fence_options_clear(struct fence_options *o)
{
        free(o->ip);
        free(o->plug);
        free(o->username);
        free_secret(o->password);
        free(o->credential);
        free(o->cred_store);
        free(o->cred_key);
        *o = (struct fence_options){.action = FENCE_ACTION_REBOOT};
}

void fence_diag_clear(struct fence_diag *d)
{
        for (size_t i = 0; i < d->n_warnings; i++)
                free(d->warnings[i]);
        *d = (struct fence_diag){0};
}

_printf_(2, 3) static void diag_warn(struct fence_diag *d, const char *fmt, ...)
{
        va_list ap;
        char *s;

        if (d->n_warnings >= FENCE_WARNINGS_MAX)
                return;
        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) >= 0)
                d->warnings[d->n_warnings++] = s;
        va_end(ap);
}

/* Record the first error; returns -EINVAL. */
_printf_(2, 3) static int diag_error(struct fence_diag *d, const char *fmt, ...)
{
        va_list ap;

        if (d->error[0])
                return -EINVAL;
        va_start(ap, fmt);
        vsnprintf(d->error, sizeof(d->error), fmt, ap);
        va_end(ap);
        return -EINVAL;
}

/* Copy s for a message: printable ASCII only, at most 64 characters. */
static const char *sanitize(char *buf, size_t size, const char *s)
{
        size_t j = 0;

        for (size_t i = 0; s[i] && j + 5 < size; i++) {
                unsigned char c = (unsigned char)s[i];
                if (i == 64) {
                        memcpy(buf + j, "...", 3);
                        j += 3;
                        break;
                }
                buf[j++] = (c >= ' ' && c < 0x7f && c != '\'') ? (char)c : '?';
        }
        buf[j] = '\0';
        return buf;
}

static int parse_bool(const char *v, bool *ret)
{
        static const char *const yes[] = {"1", "yes", "on", "true"};
        static const char *const no[] = {"0", "no", "off", "false"};

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(v, yes[i]) == 0) {
                        *ret = true;
                        return 0;
                }
                if (strcasecmp(v, no[i]) == 0) {
                        *ret = false;
                        return 0;
                }
        }
        return -EINVAL;
}

static int set_string(char **field, const char *v)
{
        char *s = NULL;

        if (*v) {
                s = strdup(v);
                if (!s)
                        return -ENOMEM;
        }
        free(*field);
        *field = s;
        return 0;
}

static int parse_verify(struct fence_options *o, const char *v, struct fence_diag *d)
{
        _cleanup_free_ char *copy = strdup(v);
        struct in_addr addrs[FENCE_VERIFY_MAX];
        size_t n = 0;
        char *save = NULL, buf[80];

        if (!copy)
                return -ENOMEM;
        for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
                if (n == FENCE_VERIFY_MAX)
                        return diag_error(d, "verify_addresses: more than %d addresses",
                                          FENCE_VERIFY_MAX);
                if (inet_pton(AF_INET, t, &addrs[n]) != 1)
                        return diag_error(d,
                                          "verify_addresses: '%s' is not an IPv4 address "
                                          "(a.b.c.d)",
                                          sanitize(buf, sizeof(buf), t));
                n++;
        }
        memcpy(o->verify, addrs, n * sizeof(addrs[0]));
        o->n_verify = n;
        return 0;
}

/* Set one parameter; v is the value ("" resets it). */
static int option_set(const struct fence_agent *a, struct fence_options *o, const struct param *p,
                      const char *v, struct fence_diag *d)
{
        char buf[80];
        uint32_t n;
        bool b;
        int r;

        if (!param_applies(a, p)) {
                diag_warn(d, "ignoring option '%s': %s does not use it", p->name, a->name);
                return 0;
        }

        switch (p->id) {
        case P_ACTION:
                if (!*v) {
                        o->action = FENCE_ACTION_REBOOT;
                        return 0;
                }
                r = fence_action_from_string(v);
                if (r < 0)
                        return diag_error(d,
                                          "invalid action '%s': use on, off, reboot, status, "
                                          "list, list-status, monitor, metadata, manpage or "
                                          "validate-all",
                                          sanitize(buf, sizeof(buf), v));
                o->action = (enum fence_action)r;
                return 0;
        case P_IP:
                return set_string(&o->ip, v);
        case P_PLUG:
                return set_string(&o->plug, v);
        case P_USERNAME:
                return set_string(&o->username, v);
        case P_PASSWORD:
                o->password = free_secret(o->password);
                if (*v) {
                        o->password = strdup(v);
                        if (!o->password)
                                return -ENOMEM;
                }
                return 0;
        case P_PASSWORD_SCRIPT:
                return diag_error(d,
                                  "%s is not supported: store the password with 'hasan cred "
                                  "set NAME' and pass credential=NAME",
                                  p->name);
        case P_CREDENTIAL:
                if (*v && !cred_name_is_valid(v))
                        return diag_error(d,
                                          "invalid credential name '%s': use 1-%d characters "
                                          "of A-Z a-z 0-9 . _ -",
                                          sanitize(buf, sizeof(buf), v), CRED_NAME_MAX);
                return set_string(&o->credential, v);
        case P_CRED_STORE:
        case P_CRED_KEY:
                if (!*v)
                        return diag_error(d, "%s needs a path", p->name);
                return set_string(p->id == P_CRED_STORE ? &o->cred_store : &o->cred_key, v);
        case P_SSL:
        case P_SSL_INSECURE:
        case P_VERBOSE:
        case P_HELP:
        case P_VERSION:
                b = false;
                if (*v && parse_bool(v, &b) < 0)
                        return diag_error(d,
                                          "invalid value '%s' for %s: use 1, yes, on, true, 0, "
                                          "no, off or false",
                                          sanitize(buf, sizeof(buf), v), p->name);
                if (p->id == P_SSL)
                        o->ssl = b;
                else if (p->id == P_SSL_INSECURE)
                        o->ssl_insecure = b;
                else if (p->id == P_VERBOSE)
                        o->verbose = b;
                else if (p->id == P_HELP)
                        o->help = b;
                else
                        o->version = b;
                return 0;
        case P_IPPORT:
        case P_DELAY:
        case P_POWER_TIMEOUT:
        case P_POWER_WAIT:
        case P_SHELL_TIMEOUT:
        case P_RETRY_ON:
        case P_VERIFY_TIMEOUT:
                if (!*v) {
                        n = p->deflt ? (uint32_t)strtoul(p->deflt, NULL, 10) : 0;
                } else if (safe_atou32(v, &n) < 0 || n < p->min || n > p->max)
                        return diag_error(d,
                                          "invalid value '%s' for %s: use a whole number "
                                          "from %u to %u",
                                          sanitize(buf, sizeof(buf), v), p->name, p->min, p->max);
                switch (p->id) {
                case P_IPPORT:
                        o->ipport = (uint16_t)n;
                        break;
                case P_DELAY:
                        o->delay = n;
                        break;
                case P_POWER_TIMEOUT:
                        o->power_timeout = n;
                        break;
                case P_POWER_WAIT:
                        o->power_wait = n;
                        break;
                case P_SHELL_TIMEOUT:
                        o->shell_timeout = n;
                        break;
                case P_RETRY_ON:
                        o->retry_on = n;
                        break;
                default:
                        o->verify_timeout = n;
                }
                return 0;
        case P_VERIFY_ADDRESSES:
                return parse_verify(o, v, d);
        default:
                return -EINVAL;
        }
}

static const struct param *param_by_id(enum param_id id)
{
        for (size_t i = 0; i < ELEMENTSOF(params); i++)
                if (params[i].id == id)
                        return &params[i];
        return NULL;
}

static const struct param *param_by_key(const char *key)
{
        for (size_t i = 0; i < ELEMENTSOF(params); i++)
                if (strcmp(params[i].name, key) == 0 ||
                    (params[i].deprecated && strcmp(params[i].deprecated, key) == 0))
                        return &params[i];
        /* fence-agents' oldest name for the action */
        if (strcmp(key, "option") == 0)
                return param_by_id(P_ACTION);
        return NULL;
}

static char *trim(char *s)
{
        char *e;

        while (isspace((unsigned char)*s))
                s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1]))
                *--e = '\0';
        return s;
}

/* One stdin line (modified in place): 0, -EINVAL (recorded in d) or -ENOMEM. */
static int parse_line(const struct fence_agent *a, struct fence_options *o, char *line,
                      unsigned lineno, struct fence_diag *d)
{
        const struct param *p;
        char *key = trim(line), *value, *eq, buf[80];
        size_t len;

        if (!*key || *key == '#')
                return 0;
        eq = strchr(key, '=');
        if (!eq) {
                diag_warn(d, "ignoring line %u: no '=' in it", lineno);
                return 0;
        }
        *eq = '\0';
        value = trim(eq + 1);
        key = trim(key);
        for (char *c = key; *c; c++)
                if (*c == '-')
                        *c = '_';
        len = strlen(value);
        if (len >= 2 && (value[0] == '"' || value[0] == '\'') && value[len - 1] == value[0]) {
                value[len - 1] = '\0';
                value++;
        }

        p = param_by_key(key);
        if (!p) {
                /* The fencer always passes the target's name (and newer ones its id). */
                if (strcmp(key, "nodename") != 0 && strcmp(key, "nodeid") != 0)
                        diag_warn(d, "ignoring unknown option '%s'",
                                  sanitize(buf, sizeof(buf), key));
                return 0;
        }
        if (p->id == P_HELP || p->id == P_VERSION) {
                diag_warn(d, "ignoring option '%s' on stdin", p->name);
                return 0;
        }
        return option_set(a, o, p, value, d);
}

int fence_parse_stdin(const struct fence_agent *a, const char *text, size_t size,
                      struct fence_options *o, struct fence_diag *d)
{
        size_t pos = 0;
        unsigned lineno = 0;
        int first = 0;

        if (size > FENCE_STDIN_MAX)
                return diag_error(d, "more than %u bytes on stdin", FENCE_STDIN_MAX);

        while (pos < size) {
                const char *nl = memchr(text + pos, '\n', size - pos);
                size_t len = nl ? (size_t)(nl - (text + pos)) : size - pos;
                size_t copied;
                char *line;
                int r;

                lineno++;
                line = strndup(text + pos, len);
                pos += len + (nl ? 1 : 0);
                if (!line)
                        return -ENOMEM;
                /* strndup() stops at a NUL byte. */
                copied = strlen(line);
                if (copied != len) {
                        diag_warn(d, "ignoring line %u: it contains a NUL byte", lineno);
                        r = 0;
                } else
                        r = parse_line(a, o, line, lineno, d);
                /* The line may have held a password. */
                explicit_bzero(line, copied);
                free(line);
                if (r == -ENOMEM)
                        return r;
                if (r < 0 && first == 0)
                        first = r;
        }
        return first;
}

int fence_parse_argv(const struct fence_agent *a, int argc, char **argv, struct fence_options *o,
                     struct fence_diag *d)
{
        struct option longopts[ELEMENTSOF(params) + 1];
        char shortopts[3 * ELEMENTSOF(params) + 2] = ":";
        size_t k = 0, s = 1;
        int c, first = 0;

        for (size_t i = 0; i < ELEMENTSOF(params); i++) {
                const struct param *p = &params[i];
                bool flag = p->flags & PF_FLAG;

                longopts[k++] = (struct option){p->long_opt, flag ? no_argument : required_argument,
                                                NULL, 0x100 + (int)p->id};
                if (p->short_opt) {
                        shortopts[s++] = p->short_opt;
                        if (!flag)
                                shortopts[s++] = ':';
                }
        }
        longopts[k] = (struct option){0};
        shortopts[s] = '\0';

        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) >= 0) {
                const struct param *p = NULL;
                char buf[80];
                int r;

                if (c >= 0x100 && c < 0x100 + _P_MAX)
                        p = param_by_id((enum param_id)(c - 0x100));
                else
                        for (size_t i = 0; i < ELEMENTSOF(params); i++)
                                if (params[i].short_opt && params[i].short_opt == c)
                                        p = &params[i];

                if (c == ':') {
                        r = diag_error(d, "option '%s' requires an argument",
                                       sanitize(buf, sizeof(buf), argv[optind - 1]));
                } else if (!p) {
                        if (optopt && optopt < 0x100)
                                r = diag_error(d, "unrecognized option '-%c'", optopt);
                        else
                                r = diag_error(d, "unrecognized option '%s'",
                                               sanitize(buf, sizeof(buf), argv[optind - 1]));
                } else {
                        r = option_set(a, o, p, (p->flags & PF_FLAG) ? "1" : optarg, d);
                        if (p->id == P_PASSWORD && optarg) {
                                o->password_on_argv = true;
                                /* Gone from /proc/PID/cmdline from now on. */
                                explicit_bzero(optarg, strlen(optarg));
                        }
                }
                if (r == -ENOMEM)
                        return r;
                if (r < 0 && first == 0)
                        first = r;
        }
        if (optind < argc) {
                char buf[80];
                int r = diag_error(d, "unexpected argument '%s'",
                                   sanitize(buf, sizeof(buf), argv[optind]));
                if (first == 0)
                        first = r;
        }
        return first;
}

int fence_options_validate(const struct fence_agent *a, const struct fence_options *o,
                           struct fence_diag *d)
{
        struct plug_config pc = {.address = o->ip, .plug = o->plug};
        struct plug_error err = {""};
        char buf[80];

        if (!o->ip)
                return diag_error(d, "missing ip: the address of the %s device", a->ops->name);
        if (!plug_address_is_valid(o->ip))
                return diag_error(d, "invalid ip '%s': use a host name or an IP address",
                                  sanitize(buf, sizeof(buf), o->ip));
        if (a->ops->check(&pc, &err) < 0)
                return diag_error(d, "invalid plug: %s", err.msg);
        if (o->password && o->credential)
                return diag_error(d, "set either password or credential, not both");
        if (o->ssl_insecure && !a->ops->supports_ssl)
                return diag_error(d, "%s cannot use ssl", a->name);
        return 0;
}

int fence_options_load_credential(struct fence_options *o, struct fence_diag *d)
{
        struct cred_key *key = NULL;
        struct cred_store *store = NULL;
        const uint8_t *secret;
        size_t size;
        int r;

        if (!o->credential)
                return 0;
        if (!o->cred_store || !o->cred_key) {
                snprintf(d->error, sizeof(d->error), "no credential store configured");
                return -ENOKEY;
        }

        r = cred_key_load(o->cred_key, &key);
        if (r < 0) {
                snprintf(d->error, sizeof(d->error),
                         "cannot read credential '%s': key file '%s': %s", o->credential,
                         o->cred_key,
                         r == -EPERM    ? "accessible by group or others (chmod 0600)"
                         : r == -EINVAL ? "malformed"
                                        : strerror(-r));
                return -ENOKEY;
        }
        r = cred_store_load(o->cred_store, key, &store);
        cred_key_free(key);
        if (r < 0) {
                snprintf(d->error, sizeof(d->error), "cannot read credential '%s': store '%s': %s",
                         o->credential, o->cred_store,
                         r == -EKEYREJECTED ? "written with a different key"
                         : r == -EBADMSG    ? "modified or corrupted"
                         : r == -EPROTO     ? "not a credential store"
                                            : strerror(-r));
                return -ENOKEY;
        }
        r = cred_store_get(store, o->credential, &secret, &size);
        if (r < 0) {
                snprintf(d->error, sizeof(d->error),
                         "cannot read credential '%s': no such credential in '%s' (add it with "
                         "'hasan cred set %s')",
                         o->credential, o->cred_store, o->credential);
                cred_store_free(store);
                return -ENOKEY;
        }
        if (memchr(secret, '\0', size)) {
                snprintf(d->error, sizeof(d->error),
                         "cannot use credential '%s': it contains a NUL byte", o->credential);
                cred_store_free(store);
                return -ENOKEY;
        }
        o->password = free_secret(o->password);
        o->password = strndup((const char *)secret, size);
        cred_store_free(store);
        return o->password ? 0 : -ENOMEM;
}

/* ---- metadata and manual ---- */

/* Agent-specific default and description of a parameter. */
static const char *param_default(const struct fence_agent *a, const struct param *p, char *buf,
                                 size_t size)
{
        if (p->id == P_IPPORT) {
                snprintf(buf, size, "%u", (unsigned)a->ops->default_port);
                return buf;
        }
        if (p->id == P_PLUG)
                return a->ops->default_plug;
        return p->deflt;
}

static const char *param_shortdesc(const struct fence_agent *a, const struct param *p)
{
        return p->id == P_PLUG ? a->ops->plug_desc : p->shortdesc;
}

static bool param_required(const struct fence_agent *a, const struct param *p)
{
        return p->id == P_ACTION || p->id == P_IP || (p->id == P_PLUG && a->ops->needs_plug);
}

static void metadata_param(FILE *f, const struct fence_agent *a, const struct param *p,
                           const char *name, bool deprecated)
{
        char buf[16];
        const char *deflt = param_default(a, p, buf, sizeof(buf));

        fprintf(f, "\t<parameter name=\"%s\" unique=\"0\" required=\"%d\"", name,
                !deprecated && param_required(a, p) ? 1 : 0);
        if (deprecated)
                fputs(" deprecated=\"1\"", f);
        else if (p->deprecated)
                fprintf(f, " obsoletes=\"%s\"", p->deprecated);
        fputs(">\n\t\t<getopt mixed=\"", f);
        xml_put_escaped(f, p->mixed);
        fprintf(f, "\" />\n\t\t<content type=\"%s\"", p->type);
        if (deflt) {
                fputs(" default=\"", f);
                xml_put_escaped(f, deflt);
                fputc('"', f);
        }
        fputs(" />\n\t\t<shortdesc lang=\"en\">", f);
        xml_put_escaped(f, param_shortdesc(a, p));
        fputs("</shortdesc>\n\t</parameter>\n", f);
}

static int close_memstream(FILE *f, char **buf, char **ret)
{
        bool failed = ferror(f);

        if (fclose(f) != 0 || failed || !*buf) {
                free(*buf);
                return -ENOMEM;
        }
        *ret = *buf;
        return 0;
}

int fence_metadata(const struct fence_agent *a, char **ret)
{
        char *buf = NULL;
        size_t size;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -errno;
        fputs("<?xml version=\"1.0\" ?>\n<resource-agent name=\"", f);
        xml_put_escaped(f, a->name);
        fputs("\" shortdesc=\"", f);
        xml_put_escaped(f, a->shortdesc);
        fputs("\" >\n<longdesc>", f);
        xml_put_escaped(f, a->longdesc);
        fputs("</longdesc>\n<vendor-url>", f);
        xml_put_escaped(f, a->vendor_url);
        fputs("</vendor-url>\n<parameters>\n", f);
        for (size_t i = 0; i < ELEMENTSOF(params); i++) {
                const struct param *p = &params[i];

                if ((p->flags & PF_HIDDEN) || !param_applies(a, p))
                        continue;
                metadata_param(f, a, p, p->name, false);
                if (p->deprecated)
                        metadata_param(f, a, p, p->deprecated, true);
        }
        fputs("</parameters>\n<actions>\n\t<action name=\"on\" automatic=\"0\"/>\n", f);
        for (int i = 0; i < _FENCE_ACTION_MAX; i++)
                if (i != FENCE_ACTION_ON)
                        fprintf(f, "\t<action name=\"%s\" />\n", action_names[i]);
        fputs("</actions>\n</resource-agent>\n", f);
        return close_memstream(f, &buf, ret);
}

int fence_manpage(const struct fence_agent *a, char **ret)
{
        char *buf = NULL;
        size_t size;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -errno;
        fprintf(f,
                "NAME\n\t%s - %s\n\nSYNOPSIS\n\t%s [OPTIONS]\n\t%s < key=value lines\n"
                "\thasan fence %s [OPTIONS]\n\nDESCRIPTION\n\t%s\n\nOPTIONS (stdin key: "
                "argv option)\n",
                a->name, a->shortdesc, a->name, a->name, a->short_name, a->longdesc);
        for (size_t i = 0; i < ELEMENTSOF(params); i++) {
                const struct param *p = &params[i];
                char buf2[16];
                const char *deflt = param_default(a, p, buf2, sizeof(buf2));

                if ((p->flags & PF_HIDDEN) || !param_applies(a, p))
                        continue;
                fprintf(f, "\t%s: %s\n\t\t%s", p->name, p->mixed, param_shortdesc(a, p));
                if (deflt)
                        fprintf(f, " (default %s)", deflt);
                fputc('\n', f);
        }
        fputs("\nACTIONS\n\ton, off, reboot (default), status, list, list-status, monitor,\n"
              "\tmetadata, manpage, validate-all\n\n"
              "EXIT STATUS\n\t0 success (status: on), 2 status: off, 1 failure, 2 bad arguments,\n"
              "\t3 login denied, 4 connection lost, 5 timed out, 6 timed out waiting for ON,\n"
              "\t7 timed out waiting for OFF (or a verify address still answers), 8 unknown\n"
              "\tstate, 10 credential missing. See docs/fencing.md.\n",
              f);
        return close_memstream(f, &buf, ret);
}

/* ---- the action engine ---- */

static int64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
        struct timespec ts;

        if (ms <= 0)
                return;
        ts.tv_sec = (time_t)(ms / 1000);
        ts.tv_nsec = (long)(ms % 1000) * 1000000;
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

_printf_(3, 4) static void run_log(struct fence_run *run, enum fence_log_level level,
                                   const char *fmt, ...)
{
        char msg[FENCE_MESSAGE_MAX];
        va_list ap;

        if (!run->log)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        run->log(run->userdata, level, msg);
}

_printf_(3, 4) static int run_fail(struct fence_run *run, int r, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(run->message, sizeof(run->message), fmt, ap);
        va_end(ap);
        return r;
}

struct engine {
        struct fence_run *run;
        const struct plug_ops *ops;
        struct plug_config pc;
        char target[200]; /* "'10.0.0.5:9999' plug '2'" for messages */
};

static int engine_get(struct engine *e, enum plug_power *ret, struct plug_error *err)
{
        int r = e->ops->get_power(&e->pc, ret, err);

        if (r >= 0)
                run_log(e->run, FENCE_LOG_INFO, "%s reports %s", e->target,
                        plug_power_to_string(*ret));
        return r;
}

/*
 * Read the state until it is want or power_timeout expires: 0 or -ETIME.
 * Relays switch in milliseconds: read again after 0.1 s, then back off to
 * once a second.
 */
static int wait_for(struct engine *e, enum plug_power want, const char *verb)
{
        const struct fence_options *o = e->run->opt;
        int64_t deadline = now_ms() + (int64_t)o->power_timeout * 1000, interval = 100;
        struct plug_error err = {""};
        enum plug_power p = PLUG_POWER_UNKNOWN;
        int r;

        for (;;) {
                r = engine_get(e, &p, &err);
                if (r >= 0 && p == want)
                        return 0;
                if (r < 0)
                        run_log(e->run, FENCE_LOG_INFO, "cannot read the state of %s: %s",
                                e->target, err.msg);
                if (now_ms() >= deadline)
                        break;
                sleep_ms(deadline - now_ms() < interval ? deadline - now_ms() : interval);
                interval = interval * 2 > 1000 ? 1000 : interval * 2;
        }
        if (r < 0)
                return run_fail(e->run, -ETIME,
                                "cannot %s %s: timed out after %u s waiting for %s; the last "
                                "read failed: %s",
                                verb, e->target, o->power_timeout, plug_power_to_string(want),
                                err.msg);
        return run_fail(e->run, -ETIME,
                        "cannot %s %s: timed out after %u s waiting for %s: the plug still "
                        "reports %s",
                        verb, e->target, o->power_timeout, plug_power_to_string(want),
                        plug_power_to_string(p));
}

/* Switch and verify once: 0, -ETIME, or the error of the set request. */
static int switch_power(struct engine *e, bool on)
{
        const char *verb = on ? "power on" : "power off";
        struct plug_error err = {""};
        int r;

        run_log(e->run, FENCE_LOG_INFO, "switching %s %s", e->target, on ? "ON" : "OFF");
        r = e->ops->set_power(&e->pc, on, &err);
        if (r < 0)
                return run_fail(e->run, r, "cannot %s %s: %s", verb, e->target, err.msg);
        sleep_ms((int64_t)e->run->opt->power_wait * 1000);
        return wait_for(e, on ? PLUG_POWER_ON : PLUG_POWER_OFF, verb);
}

static uint16_t icmp_checksum(const uint8_t *p, size_t n)
{
        uint32_t sum = 0;

        for (size_t i = 0; i + 1 < n; i += 2)
                sum += (uint32_t)(p[i] << 8 | p[i + 1]);
        if (n & 1)
                sum += (uint32_t)(p[n - 1] << 8);
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return (uint16_t)~sum;
}

int fence_icmp_probe(struct in_addr addr, unsigned timeout_ms)
{
        static uint16_t seq;
        _cleanup_close_ int fd = -1;
        struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr = addr};
        uint8_t pkt[8 + 16] = {ICMP_ECHO, 0}, buf[1500];
        uint16_t id = (uint16_t)getpid(), sum;
        bool raw = true;
        int64_t deadline;

        fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMP);
        if (fd < 0 && (errno == EPERM || errno == EACCES)) {
                /* Unprivileged ICMP socket, where net.ipv4.ping_group_range allows it. */
                fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMP);
                raw = false;
        }
        if (fd < 0)
                return -errno;

        seq++;
        pkt[4] = (uint8_t)(id >> 8);
        pkt[5] = (uint8_t)id;
        pkt[6] = (uint8_t)(seq >> 8);
        pkt[7] = (uint8_t)seq;
        memcpy(pkt + 8, "hasan fence test", 16);
        sum = icmp_checksum(pkt, sizeof(pkt));
        pkt[2] = (uint8_t)(sum >> 8);
        pkt[3] = (uint8_t)sum;

        if (sendto(fd, pkt, sizeof(pkt), 0, (const struct sockaddr *)&to, sizeof(to)) < 0) {
                if (errno == ENETUNREACH || errno == EHOSTUNREACH || errno == EHOSTDOWN ||
                    errno == EADDRNOTAVAIL || errno == ENETDOWN)
                        return 0;
                return -errno;
        }

        deadline = now_ms() + timeout_ms;
        for (;;) {
                int64_t left = deadline - now_ms();
                struct pollfd pfd = {.fd = fd, .events = POLLIN};
                struct sockaddr_in from;
                socklen_t fromlen = sizeof(from);
                const uint8_t *icmp;
                ssize_t n;
                size_t hl = 0;
                int k;

                if (left <= 0)
                        return 0;
                k = poll(&pfd, 1, (int)left);
                if (k < 0 && errno != EINTR)
                        return -errno;
                if (k <= 0)
                        continue;
                n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                continue;
                        if (errno == EHOSTUNREACH || errno == ENETUNREACH)
                                return 0;
                        return -errno;
                }
                if (from.sin_addr.s_addr != addr.s_addr)
                        continue;
                if (raw) {
                        if (n < 1)
                                continue;
                        hl = (size_t)(buf[0] & 0x0f) * 4;
                }
                if ((size_t)n < hl + 8)
                        continue;
                icmp = buf + hl;
                if (icmp[0] != ICMP_ECHOREPLY || icmp[6] != pkt[6] || icmp[7] != pkt[7])
                        continue;
                /* The kernel picks the id of an unprivileged ICMP socket. */
                if (raw && (icmp[4] != pkt[4] || icmp[5] != pkt[5]))
                        continue;
                return 1;
        }
}

/*
 * After power-off: every verify address must stop answering within
 * verify_timeout. An address counts as down after two probes in a row went
 * unanswered (0.5 s each), so one lost packet proves nothing.
 */
static int verify_down(struct engine *e, const char *verb)
{
        const struct fence_options *o = e->run->opt;
        int64_t deadline = now_ms() + (int64_t)o->verify_timeout * 1000;
        unsigned misses[FENCE_VERIFY_MAX] = {0};
        bool down[FENCE_VERIFY_MAX] = {false};
        char a[INET_ADDRSTRLEN];

        if (o->n_verify == 0)
                return 0;
        run_log(e->run, FENCE_LOG_INFO,
                "verifying that %zu address(es) stop answering ICMP echo within %u s", o->n_verify,
                o->verify_timeout);

        for (;;) {
                int64_t round = now_ms();
                bool all = true;

                for (size_t i = 0; i < o->n_verify; i++) {
                        int64_t left = deadline - now_ms();
                        int r;

                        if (down[i])
                                continue;
                        r = fence_icmp_probe(o->verify[i], left < 100   ? 100
                                                           : left > 500 ? 500
                                                                        : (unsigned)left);
                        inet_ntop(AF_INET, &o->verify[i], a, sizeof(a));
                        if (r < 0)
                                return run_fail(e->run, r,
                                                "cannot verify %s: cannot send ICMP echo to %s: "
                                                "%s (raw sockets need root)",
                                                verb, a, strerror(-r));
                        if (r == 0 && ++misses[i] >= 2) {
                                down[i] = true;
                                run_log(e->run, FENCE_LOG_INFO, "%s no longer answers", a);
                                continue;
                        }
                        if (r > 0)
                                misses[i] = 0;
                        all = false;
                }
                if (all)
                        return 0;
                if (now_ms() >= deadline)
                        break;
                sleep_ms(round + 500 - now_ms());
        }
        for (size_t i = 0; i < o->n_verify; i++)
                if (!down[i]) {
                        inet_ntop(AF_INET, &o->verify[i], a, sizeof(a));
                        return run_fail(e->run, -ETIME,
                                        "cannot %s %s: the plug reports OFF, but %s still "
                                        "answers ICMP echo after %u s: this plug may not feed "
                                        "that node",
                                        verb, e->target, a, o->verify_timeout);
                }
        return 0;
}

/* Read the state before acting; UNKNOWN is an error (-EBADMSG). */
static int read_initial(struct engine *e, const char *verb, enum plug_power *ret)
{
        struct plug_error err = {""};
        int r = engine_get(e, ret, &err);

        if (r < 0)
                return run_fail(e->run, r, "cannot %s %s: %s", verb, e->target, err.msg);
        if (*ret == PLUG_POWER_UNKNOWN)
                return run_fail(e->run, -EBADMSG,
                                "cannot %s %s: the device reports an unknown power state", verb,
                                e->target);
        return 0;
}

/* Switch off unless already off, then verify; *ret_was is the state found first. */
static int power_off_verified(struct engine *e, const char *verb, enum plug_power *ret_was)
{
        int r;

        r = read_initial(e, verb, ret_was);
        if (r < 0)
                return r;
        if (*ret_was != PLUG_POWER_OFF) {
                r = switch_power(e, false);
                if (r < 0)
                        return r;
        }
        r = verify_down(e, verb);
        if (r < 0)
                return r;
        /* The moment the node is known to be fenced (hasan timeline's fence-done). */
        run_log(e->run, FENCE_LOG_INFO, "%s is OFF: verified (%s)", e->target,
                e->run->opt->n_verify > 0 ? "the plug reports OFF and the node's addresses "
                                            "no longer answer"
                                          : "the plug reports OFF");
        return 0;
}

static int do_off(struct engine *e)
{
        enum plug_power p;
        int r;

        r = power_off_verified(e, "power off", &p);
        if (r < 0)
                return r;
        snprintf(e->run->message, sizeof(e->run->message), "Success: %s",
                 p == PLUG_POWER_OFF ? "Already OFF" : "Powered OFF");
        return 0;
}

static int power_on_attempts(struct engine *e, unsigned attempts)
{
        int r = 0;

        for (unsigned i = 0; i < attempts; i++) {
                r = switch_power(e, true);
                if (r >= 0)
                        return 0;
                if (i + 1 < attempts)
                        run_log(e->run, FENCE_LOG_WARNING, "%s; retrying", e->run->message);
        }
        return r;
}

static int do_on(struct engine *e)
{
        enum plug_power p;
        int r;

        r = read_initial(e, "power on", &p);
        if (r < 0)
                return r;
        if (p == PLUG_POWER_ON) {
                snprintf(e->run->message, sizeof(e->run->message), "Success: Already ON");
                return 0;
        }
        r = power_on_attempts(e, 1 + e->run->opt->retry_on);
        if (r < 0)
                return r;
        snprintf(e->run->message, sizeof(e->run->message), "Success: Powered ON");
        return 0;
}

static int do_reboot(struct engine *e)
{
        enum plug_power p;
        int r;

        r = power_off_verified(e, "reboot", &p);
        if (r < 0)
                return r;

        /* The node is fenced once it is off; failing to power it on again is not fatal. */
        if (e->run->opt->retry_on > 0) {
                r = power_on_attempts(e, e->run->opt->retry_on);
                if (r < 0)
                        run_log(e->run, FENCE_LOG_WARNING,
                                "the node was powered off, but powering it on again failed: %s",
                                e->run->message);
        }
        snprintf(e->run->message, sizeof(e->run->message), "Success: Rebooted");
        return 0;
}

static int do_status(struct engine *e, bool monitor)
{
        struct plug_error err = {""};
        int r;

        /* Without a plug, a strip is monitored as a whole: list reads the device. */
        if (monitor && !e->pc.plug && !e->ops->default_plug) {
                struct plug_outlet *outlets = NULL;
                size_t n = 0;

                r = e->ops->list(&e->pc, &outlets, &n, &err);
                plug_outlets_free(outlets, n);
                if (r < 0)
                        return run_fail(e->run, r, "cannot monitor %s: %s", e->target, err.msg);
                snprintf(e->run->message, sizeof(e->run->message), "Success: device answers");
                return 0;
        }

        r = read_initial(e, monitor ? "monitor" : "read the status of", &e->run->power);
        if (r < 0)
                return r;
        if (monitor)
                snprintf(e->run->message, sizeof(e->run->message), "Success: device answers");
        else
                snprintf(e->run->message, sizeof(e->run->message), "Status: %s",
                         plug_power_to_string(e->run->power));
        return 0;
}

static int do_list(struct engine *e)
{
        struct plug_error err = {""};
        int r;

        r = e->ops->list(&e->pc, &e->run->outlets, &e->run->n_outlets, &err);
        if (r < 0)
                return run_fail(e->run, r, "cannot list the outlets of %s: %s", e->target, err.msg);
        e->run->message[0] = '\0';
        return 0;
}

int fence_run_action(struct fence_run *run)
{
        const struct fence_options *o = run->opt;
        struct engine e = {
            .run = run,
            .ops = run->ops ? run->ops : run->agent->ops,
            .pc =
                {
                    .address = o->ip,
                    .port = o->ipport,
                    .plug = o->plug,
                    .username = o->username,
                    .password = o->password,
                    .timeout_sec = o->shell_timeout,
                    .ssl = o->ssl || o->ssl_insecure,
                    .ssl_insecure = o->ssl_insecure,
                },
        };
        const char *plug = plug_or_default(&e.pc, e.ops->default_plug);
        bool v6 = o->ip && strchr(o->ip, ':');

        run->power = PLUG_POWER_UNKNOWN;
        run->message[0] = '\0';
        snprintf(e.target, sizeof(e.target), "'%s%s%s:%u'%s%.64s%s", v6 ? "[" : "",
                 o->ip ? o->ip : "", v6 ? "]" : "", (unsigned)plug_port(&e.pc, e.ops->default_port),
                 plug ? " plug '" : "", plug ? plug : "", plug ? "'" : "");

        if (o->delay > 0 && (o->action == FENCE_ACTION_OFF || o->action == FENCE_ACTION_REBOOT)) {
                run_log(run, FENCE_LOG_INFO, "delaying %u s before fencing", o->delay);
                sleep_ms((int64_t)o->delay * 1000);
        }

        switch (o->action) {
        case FENCE_ACTION_ON:
                return do_on(&e);
        case FENCE_ACTION_OFF:
                return do_off(&e);
        case FENCE_ACTION_REBOOT:
                return do_reboot(&e);
        case FENCE_ACTION_STATUS:
                return do_status(&e, false);
        case FENCE_ACTION_MONITOR:
                return do_status(&e, true);
        case FENCE_ACTION_LIST:
        case FENCE_ACTION_LIST_STATUS:
                return do_list(&e);
        case FENCE_ACTION_VALIDATE_ALL:
                return 0;
        default:
                return run_fail(run, -EINVAL, "action '%s' does not contact the device",
                                fence_action_to_string(o->action));
        }
}

void fence_run_clear(struct fence_run *run)
{
        plug_outlets_free(run->outlets, run->n_outlets);
        run->outlets = NULL;
        run->n_outlets = 0;
}
