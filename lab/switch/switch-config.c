/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "switch-config.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "util.h"

#define NAME_MAX_LEN 64
#define USERNAME_MAX_LEN 64
#define ENTITY_MAX_LEN 120
#define CHILD_ID_MAX_LEN 64
#define PASSWORD_MAX_LEN 256
#define ARGV_MAX 64
#define ARG_MAX_LEN 4096
#define TIMEOUT_MAX 300
#define TASMOTA_RELAY_MAX 32
#define HTTP_RELAY_MAX 15

static const char *const protocol_names[_PROTOCOL_MAX] = {
    [PROTOCOL_TASMOTA] = "tasmota",
    [PROTOCOL_KASA] = "kasa",
    [PROTOCOL_ESPHOME] = "esphome",
    [PROTOCOL_HTTP] = "http",
};

static const char *const fault_names[_FAULT_MAX] = {
    [FAULT_NONE] = "none",         [FAULT_GARBAGE] = "garbage", [FAULT_TRUNCATE] = "truncate",
    [FAULT_STUCK_ON] = "stuck-on", [FAULT_HANG] = "hang",
};

static const char *const power_command_names[_POWER_COMMAND_MAX] = {
    [POWER_COMMAND_ON] = "power_on",
    [POWER_COMMAND_OFF] = "power_off",
    [POWER_COMMAND_STATUS] = "power_status",
};

static const uint16_t default_ports[_PROTOCOL_MAX] = {
    [PROTOCOL_TASMOTA] = 80,
    [PROTOCOL_KASA] = 9999,
    [PROTOCOL_ESPHOME] = 80,
    [PROTOCOL_HTTP] = 80,
};

const char *protocol_to_string(enum protocol p)
{
        return p >= 0 && p < _PROTOCOL_MAX ? protocol_names[p] : NULL;
}

const char *fault_to_string(enum fault f)
{
        return f >= 0 && f < _FAULT_MAX ? fault_names[f] : NULL;
}

const char *power_command_to_string(enum power_command c)
{
        return c >= 0 && c < _POWER_COMMAND_MAX ? power_command_names[c] : NULL;
}

static const char *const top_keys[] = {"plugs", "command_timeout", "read_timeout"};
static const char *const plug_keys[] = {
    "name",   "protocol", "address",  "port",      "username",     "password_file", "relay",
    "entity", "child_id", "power_on", "power_off", "power_status", "fault",
};

struct loader {
        unsigned problems;
};

_printf_(3, 4) static void problem(struct loader *l, const char *path, const char *fmt, ...)
{
        char msg[640];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        log_error("%s: %s", path, msg);
        l->problems++;
}

/* Quote a value from the file for a message. */
#define Q(s) sanitize((s), strlen(s), (char[96]){0}, 96)

static void check_keys(struct loader *l, json_object *obj, const char *base,
                       const char *const *keys, size_t n_keys)
{
        json_object_object_foreach(obj, key, val)
        {
                (void)val;
                bool known = false;
                for (size_t i = 0; i < n_keys && !known; i++)
                        known = streq(key, keys[i]);
                if (!known) {
                        char path[192];
                        snprintf(path, sizeof(path), "%s.%s", base, Q(key));
                        problem(l, path, "unknown key");
                }
        }
}

/*
 * Fetch obj[key] as a string. Returns 1 and sets *ret when present and a
 * string without NUL bytes, 0 when absent (a problem when required), -1
 * after logging a problem.
 */
static int get_string(struct loader *l, json_object *obj, const char *key, const char *base,
                      bool required, const char **ret)
{
        json_object *v;
        char path[192];

        snprintf(path, sizeof(path), "%s.%s", base, key);
        if (!json_object_object_get_ex(obj, key, &v) || !v) {
                if (required) {
                        problem(l, path, "missing");
                        return -1;
                }
                return 0;
        }
        if (!json_object_is_type(v, json_type_string)) {
                problem(l, path, "must be a string");
                return -1;
        }
        const char *s = json_object_get_string(v);
        if (strlen(s) != (size_t)json_object_get_string_len(v)) {
                problem(l, path, "must not contain NUL characters");
                return -1;
        }
        *ret = s;
        return 1;
}

static int get_int(struct loader *l, json_object *obj, const char *key, const char *base,
                   int64_t min, int64_t max, int64_t *ret)
{
        json_object *v;
        char path[192];

        snprintf(path, sizeof(path), "%s.%s", base, key);
        if (!json_object_object_get_ex(obj, key, &v) || !v)
                return 0;
        if (!json_object_is_type(v, json_type_int)) {
                problem(l, path, "must be an integer");
                return -1;
        }
        errno = 0;
        int64_t n = json_object_get_int64(v);
        if (errno != 0 || n < min || n > max) {
                problem(l, path, "must be an integer from %" PRId64 " to %" PRId64, min, max);
                return -1;
        }
        *ret = n;
        return 1;
}

static bool is_printable_ascii(const char *s)
{
        for (; *s; s++)
                if (*s < 0x20 || *s > 0x7e)
                        return false;
        return true;
}

static bool valid_name(const char *s)
{
        size_t n = strlen(s);

        if (n == 0 || n > NAME_MAX_LEN)
                return false;
        for (; *s; s++)
                if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
                        return false;
        return true;
}

/* ESPHome's legacy object id: snake case, then anything but [a-z0-9_-] becomes '_'. */
static char *esphome_object_id(const char *name)
{
        char *id = strdup(name);

        if (!id)
                return NULL;
        for (char *p = id; *p; p++) {
                char c = *p;
                if (c >= 'A' && c <= 'Z')
                        c = (char)(c - 'A' + 'a');
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
                        c = '_';
                *p = c;
        }
        return id;
}

static int read_password(struct loader *l, const char *path, const char *file, char **ret)
{
        _cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        struct stat st;
        char data[PASSWORD_MAX_LEN + 3];
        size_t n = 0;

        if (fd < 0) {
                problem(l, path, "cannot open '%s': %s", Q(file), strerror(errno));
                return -1;
        }
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                problem(l, path, "'%s' is not a regular file", Q(file));
                return -1;
        }
        if (st.st_mode & 077) {
                problem(l, path, "'%s' is accessible by group or others (mode %04o); chmod it 0600",
                        Q(file), (unsigned)(st.st_mode & 07777));
                return -1;
        }
        for (;;) {
                ssize_t k = read(fd, data + n, sizeof(data) - 1 - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        problem(l, path, "cannot read '%s': %s", Q(file), strerror(errno));
                        return -1;
                }
                if (k == 0)
                        break;
                n += (size_t)k;
                if (n == sizeof(data) - 1)
                        break;
        }
        if (n > 0 && data[n - 1] == '\n')
                n--;
        if (n > 0 && data[n - 1] == '\r')
                n--;
        if (n > PASSWORD_MAX_LEN) {
                problem(l, path, "'%s' holds more than %d bytes", Q(file), PASSWORD_MAX_LEN);
                return -1;
        }
        if (n == 0) {
                problem(l, path, "'%s' is empty", Q(file));
                return -1;
        }
        data[n] = '\0';
        if (memchr(data, '\0', n) || memchr(data, '\n', n) || memchr(data, '\r', n)) {
                explicit_bzero(data, sizeof(data));
                problem(l, path, "'%s' must hold the password on one line", Q(file));
                return -1;
        }
        *ret = strdup(data);
        explicit_bzero(data, sizeof(data));
        return *ret ? 1 : -ENOMEM;
}

static void free_argv(char **argv)
{
        if (!argv)
                return;
        for (char **a = argv; *a; a++)
                free(*a);
        free(argv);
}

static int get_argv(struct loader *l, json_object *obj, const char *key, const char *base,
                    char ***ret)
{
        json_object *v;
        char path[192];

        snprintf(path, sizeof(path), "%s.%s", base, key);
        if (!json_object_object_get_ex(obj, key, &v) || !v) {
                problem(l, path, "missing");
                return -1;
        }
        if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) == 0 ||
            json_object_array_length(v) > ARGV_MAX) {
                problem(l, path,
                        "must be an array of 1 to %d strings: the command and its arguments",
                        ARGV_MAX);
                return -1;
        }

        size_t n = json_object_array_length(v);
        char **argv = calloc(n + 1, sizeof(char *));
        if (!argv)
                return -ENOMEM;
        bool ok = true;
        for (size_t i = 0; i < n; i++) {
                json_object *a = json_object_array_get_idx(v, i);
                char ipath[224];
                snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
                if (!json_object_is_type(a, json_type_string)) {
                        problem(l, ipath, "must be a string");
                        ok = false;
                        continue;
                }
                const char *s = json_object_get_string(a);
                if (strlen(s) != (size_t)json_object_get_string_len(a) || strlen(s) > ARG_MAX_LEN) {
                        problem(l, ipath, "must be at most %d bytes without NUL characters",
                                ARG_MAX_LEN);
                        ok = false;
                        continue;
                }
                argv[i] = strdup(s);
                if (!argv[i]) {
                        free_argv(argv);
                        return -ENOMEM;
                }
        }
        if (ok) {
                char ipath[224];
                struct stat st;
                snprintf(ipath, sizeof(ipath), "%s[0]", path);
                if (argv[0][0] != '/') {
                        problem(l, ipath,
                                "'%s' must be an absolute path (no shell, no PATH lookup)",
                                Q(argv[0]));
                        ok = false;
                } else if (stat(argv[0], &st) < 0) {
                        problem(l, ipath, "'%s': %s", Q(argv[0]), strerror(errno));
                        ok = false;
                } else if (!S_ISREG(st.st_mode) || access(argv[0], X_OK) < 0) {
                        problem(l, ipath, "'%s' is not an executable file", Q(argv[0]));
                        ok = false;
                }
        }
        if (!ok) {
                /* The array may have holes; free what was copied. */
                for (size_t i = 0; i < n; i++)
                        free(argv[i]);
                free(argv);
                return -1;
        }
        *ret = argv;
        return 1;
}

static int parse_address(const char *s, uint16_t port, struct sockaddr_storage *sa,
                         socklen_t *sa_len)
{
        struct sockaddr_in *in4 = (struct sockaddr_in *)sa;
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;

        memset(sa, 0, sizeof(*sa));
        if (inet_pton(AF_INET, s, &in4->sin_addr) == 1) {
                in4->sin_family = AF_INET;
                in4->sin_port = htons(port);
                *sa_len = sizeof(*in4);
                return 0;
        }
        if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
                in6->sin6_family = AF_INET6;
                in6->sin6_port = htons(port);
                *sa_len = sizeof(*in6);
                return 0;
        }
        return -EINVAL;
}

static bool sa_is_any(const struct sockaddr_storage *sa)
{
        if (sa->ss_family == AF_INET)
                return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == htonl(INADDR_ANY);
        return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

static bool sa_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
        if (a->ss_family != b->ss_family)
                return false;
        if (a->ss_family == AF_INET) {
                const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
                return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
        }
        const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
        return x->sin6_port == y->sin6_port &&
               memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
}

static uint16_t sa_port(const struct sockaddr_storage *sa)
{
        if (sa->ss_family == AF_INET)
                return ntohs(((const struct sockaddr_in *)sa)->sin_port);
        return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
}

/* What parsing one plug produced beyond the struct: may it join an endpoint? */
struct plug_extra {
        bool endpoint_ok;
        struct sockaddr_storage sa;
        socklen_t sa_len;
};

static int parse_plug(struct loader *l, struct config *c, size_t idx, json_object *obj,
                      struct plug_extra *extra)
{
        struct plug *p = &c->plugs[idx];
        char base[64], path[192];
        const char *s;
        int64_t n;
        int r;
        bool addr_ok = true;

        snprintf(base, sizeof(base), "$.plugs[%zu]", idx);
        p->protocol = _PROTOCOL_INVALID;
        if (!json_object_is_type(obj, json_type_object)) {
                problem(l, base, "must be an object");
                return 0;
        }
        check_keys(l, obj, base, plug_keys, ELEMENTSOF(plug_keys));

        snprintf(path, sizeof(path), "%s.name", base);
        if (get_string(l, obj, "name", base, true, &s) > 0) {
                if (!valid_name(s))
                        problem(l, path, "'%s' must be 1 to %d characters of A-Z a-z 0-9 . _ -",
                                Q(s), NAME_MAX_LEN);
                else {
                        for (size_t i = 0; i < idx; i++)
                                if (c->plugs[i].name && streq(c->plugs[i].name, s))
                                        problem(l, path, "'%s' is already the name of $.plugs[%zu]",
                                                s, i);
                        if (!(p->name = strdup(s)))
                                return -ENOMEM;
                }
        }

        snprintf(path, sizeof(path), "%s.protocol", base);
        if (get_string(l, obj, "protocol", base, true, &s) > 0) {
                for (int i = 0; i < _PROTOCOL_MAX; i++)
                        if (streq(s, protocol_names[i]))
                                p->protocol = (enum protocol)i;
                if (p->protocol < 0)
                        problem(l, path, "'%s' is not one of tasmota, kasa, esphome, http", Q(s));
        }
        bool proto_ok = p->protocol >= 0;

        snprintf(path, sizeof(path), "%s.port", base);
        r = get_int(l, obj, "port", base, 1, 65535, &n);
        if (r > 0)
                p->port = (uint16_t)n;
        else if (r == 0 && proto_ok)
                p->port = default_ports[p->protocol];
        else
                addr_ok = false;

        snprintf(path, sizeof(path), "%s.address", base);
        if (get_string(l, obj, "address", base, true, &s) > 0) {
                if (parse_address(s, p->port, &extra->sa, &extra->sa_len) < 0) {
                        problem(l, path, "'%s' is not an IPv4 or IPv6 address", Q(s));
                        addr_ok = false;
                } else if (!(p->address = strdup(s)))
                        return -ENOMEM;
        } else
                addr_ok = false;

        /* Credentials. */
        bool is_kasa = p->protocol == PROTOCOL_KASA;
        snprintf(path, sizeof(path), "%s.username", base);
        r = get_string(l, obj, "username", base, false, &s);
        if (r > 0 && is_kasa)
                problem(l, path, "the legacy Kasa protocol has no authentication");
        else if (r > 0 && (strlen(s) == 0 || strlen(s) > USERNAME_MAX_LEN ||
                           !is_printable_ascii(s) || strchr(s, ':')))
                problem(l, path, "must be 1 to %d printable ASCII characters without ':'",
                        USERNAME_MAX_LEN);
        if (!(p->username = strdup(r > 0 ? s : "admin")))
                return -ENOMEM;

        snprintf(path, sizeof(path), "%s.password_file", base);
        r = get_string(l, obj, "password_file", base, false, &s);
        if (r > 0 && is_kasa)
                problem(l, path, "the legacy Kasa protocol has no authentication");
        else if (r > 0 && read_password(l, path, s, &p->password) == -ENOMEM)
                return -ENOMEM;

        /* Which relay, switch or outlet of the device. */
        snprintf(path, sizeof(path), "%s.relay", base);
        if (p->protocol == PROTOCOL_TASMOTA) {
                p->relay = 1;
                if (get_int(l, obj, "relay", base, 1, TASMOTA_RELAY_MAX, &n) > 0)
                        p->relay = (unsigned)n;
        } else if (p->protocol == PROTOCOL_HTTP) {
                p->relay = 0;
                if (get_int(l, obj, "relay", base, 0, HTTP_RELAY_MAX, &n) > 0)
                        p->relay = (unsigned)n;
        } else if (proto_ok && json_object_object_get_ex(obj, "relay", NULL))
                problem(l, path, "only tasmota and http plugs have a relay number");

        snprintf(path, sizeof(path), "%s.entity", base);
        r = get_string(l, obj, "entity", base, false, &s);
        if (r > 0 && proto_ok && p->protocol != PROTOCOL_ESPHOME)
                problem(l, path, "only esphome plugs have an entity");
        else if (p->protocol == PROTOCOL_ESPHOME) {
                if (r <= 0)
                        s = "Relay";
                size_t len = strlen(s);
                bool ok = len > 0 && len <= ENTITY_MAX_LEN && !strchr(s, '/');
                for (const char *q = s; ok && *q; q++)
                        ok = (unsigned char)*q >= 0x20 && *q != 0x7f;
                if (!ok)
                        problem(l, path, "must be 1 to %d bytes without '/' or control characters",
                                ENTITY_MAX_LEN);
                else if (!(p->entity = strdup(s)) || !(p->object_id = esphome_object_id(s)))
                        return -ENOMEM;
        }

        snprintf(path, sizeof(path), "%s.child_id", base);
        r = get_string(l, obj, "child_id", base, false, &s);
        if (r > 0 && proto_ok && !is_kasa)
                problem(l, path, "only kasa plugs (power strip outlets) have a child_id");
        else if (r > 0) {
                if (strlen(s) == 0 || strlen(s) > CHILD_ID_MAX_LEN || !is_printable_ascii(s))
                        problem(l, path, "must be 1 to %d printable ASCII characters",
                                CHILD_ID_MAX_LEN);
                else if (!(p->child_id = strdup(s)))
                        return -ENOMEM;
        }

        for (int i = 0; i < _POWER_COMMAND_MAX; i++)
                if (get_argv(l, obj, power_command_names[i], base, &p->argv[i]) == -ENOMEM)
                        return -ENOMEM;

        p->fault = FAULT_NONE;
        snprintf(path, sizeof(path), "%s.fault", base);
        if (get_string(l, obj, "fault", base, false, &s) > 0) {
                p->fault = _FAULT_INVALID;
                for (int i = 0; i < _FAULT_MAX; i++)
                        if (streq(s, fault_names[i]))
                                p->fault = (enum fault)i;
                if (p->fault < 0) {
                        problem(l, path,
                                "'%s' is not one of none, garbage, truncate, stuck-on, hang", Q(s));
                        p->fault = FAULT_NONE;
                }
        }

        extra->endpoint_ok = proto_ok && addr_ok && p->name;
        return 0;
}

static int endpoint_add_plug(struct endpoint *e, struct plug *p)
{
        struct plug **n = realloc(e->plugs, (e->n_plugs + 1) * sizeof(*n));

        if (!n)
                return -ENOMEM;
        e->plugs = n;
        e->plugs[e->n_plugs++] = p;
        p->endpoint = e;
        return 0;
}

static bool same_password(const struct plug *a, const struct plug *b)
{
        if (!a->password || !b->password)
                return !a->password && !b->password;
        return streq(a->password, b->password);
}

/* A plug joins the device already on its address and port: check they fit together. */
static void check_shared(struct loader *l, const struct endpoint *e, size_t idx,
                         const struct plug *p)
{
        const struct plug *first = e->plugs[0];
        char path[192];

        if (p->protocol != e->protocol) {
                snprintf(path, sizeof(path), "$.plugs[%zu].protocol", idx);
                problem(l, path, "is %s, but plug '%s' on the same address and port %u speaks %s",
                        protocol_to_string(p->protocol), first->name, p->port,
                        protocol_to_string(e->protocol));
                return;
        }
        if (!streq(p->username, first->username) || !same_password(p, first)) {
                snprintf(path, sizeof(path), "$.plugs[%zu].%s", idx,
                         streq(p->username, first->username) ? "password_file" : "username");
                problem(l, path,
                        "differs from plug '%s' on the same address and port: one device has "
                        "one login",
                        first->name);
        }

        for (size_t i = 0; i < e->n_plugs; i++) {
                const struct plug *o = e->plugs[i];
                switch (p->protocol) {
                case PROTOCOL_TASMOTA:
                case PROTOCOL_HTTP:
                        if (o->relay == p->relay) {
                                snprintf(path, sizeof(path), "$.plugs[%zu].relay", idx);
                                problem(l, path, "relay %u of this device is already plug '%s'",
                                        p->relay, o->name);
                        }
                        break;
                case PROTOCOL_ESPHOME:
                        if (o->entity && p->entity &&
                            (streq(o->entity, p->entity) || streq(o->object_id, p->object_id))) {
                                snprintf(path, sizeof(path), "$.plugs[%zu].entity", idx);
                                problem(l, path, "'%s' collides with switch '%s' of plug '%s'",
                                        Q(p->entity), Q(o->entity), o->name);
                        }
                        break;
                case PROTOCOL_KASA:
                        snprintf(path, sizeof(path), "$.plugs[%zu].child_id", idx);
                        if (!o->child_id || !p->child_id) {
                                problem(l, path,
                                        "plug '%s' already uses this address and port; the "
                                        "outlets of a power strip each need a child_id",
                                        o->name);
                                return;
                        }
                        if (streq(o->child_id, p->child_id))
                                problem(l, path, "'%s' is already the child_id of plug '%s'",
                                        Q(p->child_id), o->name);
                        break;
                default:
                        break;
                }
        }
}

static int build_endpoints(struct loader *l, struct config *c, const struct plug_extra *extra)
{
        c->endpoints = calloc(c->n_plugs, sizeof(*c->endpoints));
        if (!c->endpoints)
                return -ENOMEM;

        for (size_t i = 0; i < c->n_plugs; i++) {
                struct plug *p = &c->plugs[i];
                struct endpoint *e = NULL;
                char path[192];

                if (!extra[i].endpoint_ok)
                        continue;
                for (size_t j = 0; j < c->n_endpoints && !e; j++)
                        if (sa_equal(&c->endpoints[j].sa, &extra[i].sa))
                                e = &c->endpoints[j];
                if (e) {
                        check_shared(l, e, i, p);
                        if (endpoint_add_plug(e, p) < 0)
                                return -ENOMEM;
                        continue;
                }

                /* A wildcard address and a specific one on the same port cannot both bind. */
                for (size_t j = 0; j < c->n_endpoints; j++) {
                        const struct endpoint *o = &c->endpoints[j];
                        if (o->sa.ss_family == extra[i].sa.ss_family &&
                            sa_port(&o->sa) == p->port &&
                            (sa_is_any(&o->sa) || sa_is_any(&extra[i].sa))) {
                                snprintf(path, sizeof(path), "$.plugs[%zu].address", i);
                                problem(l, path,
                                        "'%s' port %u overlaps plug '%s' on '%s' port %u: a "
                                        "wildcard address takes the port on every address",
                                        Q(p->address), p->port, o->plugs[0]->name, Q(o->address),
                                        o->port);
                        }
                }

                e = &c->endpoints[c->n_endpoints++];
                e->protocol = p->protocol;
                e->address = p->address;
                e->port = p->port;
                e->sa = extra[i].sa;
                e->sa_len = extra[i].sa_len;
                e->fd = -1;
                e->strip = p->protocol == PROTOCOL_KASA && p->child_id;
                if (endpoint_add_plug(e, p) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static void parse_timeout(struct loader *l, json_object *root, const char *key, unsigned def,
                          unsigned *ret)
{
        int64_t n;

        *ret = def;
        if (get_int(l, root, key, "$", 1, TIMEOUT_MAX, &n) > 0)
                *ret = (unsigned)n;
}

static json_object *parse_json(struct loader *l, const char *file, const char *data, size_t size)
{
        json_tokener *tok = json_tokener_new();
        json_object *root;

        if (!tok)
                return NULL;
        root = json_tokener_parse_ex(tok, data, (int)size);
        enum json_tokener_error jerr = json_tokener_get_error(tok);
        size_t end = json_tokener_get_parse_end(tok);
        json_tokener_free(tok);

        if (jerr == json_tokener_success) {
                while (end < size && strchr(" \t\r\n", data[end]))
                        end++;
                if (end == size)
                        return root;
                json_object_put(root);
        }

        unsigned line = 1;
        for (size_t i = 0; i < end && i < size; i++)
                line += data[i] == '\n';
        if (jerr == json_tokener_success)
                problem(l, file, "line %u: unexpected data after the JSON value", line);
        else if (jerr == json_tokener_continue)
                problem(l, file, "line %u: unexpected end of file", line);
        else
                problem(l, file, "line %u: invalid JSON: %s", line, json_tokener_error_desc(jerr));
        return NULL;
}

int config_load(const char *file, struct config **ret)
{
        struct loader l = {0};
        _cleanup_free_ char *data = NULL;
        _cleanup_free_ struct plug_extra *extra = NULL;
        struct config *c = NULL;
        json_object *root = NULL, *plugs;
        size_t size;
        int r;

        r = read_full_file(file, &data, &size);
        if (r < 0) {
                problem(&l, file, "cannot read: %s", strerror(-r));
                return -EINVAL;
        }
        /* read_full_file() caps the size far below INT_MAX, as the tokener needs. */
        root = parse_json(&l, file, data, size);
        if (!root)
                goto out;

        c = calloc(1, sizeof(*c));
        if (!c) {
                r = -ENOMEM;
                goto out;
        }
        if (!json_object_is_type(root, json_type_object)) {
                problem(&l, "$", "must be an object with a 'plugs' array");
                goto out;
        }
        check_keys(&l, root, "$", top_keys, ELEMENTSOF(top_keys));
        parse_timeout(&l, root, "command_timeout", SWITCH_DEFAULT_COMMAND_TIMEOUT,
                      &c->command_timeout);
        parse_timeout(&l, root, "read_timeout", SWITCH_DEFAULT_READ_TIMEOUT, &c->read_timeout);

        if (!json_object_object_get_ex(root, "plugs", &plugs) ||
            !json_object_is_type(plugs, json_type_array) || json_object_array_length(plugs) == 0 ||
            json_object_array_length(plugs) > SWITCH_MAX_PLUGS) {
                problem(&l, "$.plugs", "must be an array of 1 to %d plugs", SWITCH_MAX_PLUGS);
                goto out;
        }

        size_t n = json_object_array_length(plugs);
        c->plugs = calloc(n, sizeof(*c->plugs));
        extra = calloc(n, sizeof(*extra));
        if (!c->plugs || !extra) {
                r = -ENOMEM;
                goto out;
        }
        c->n_plugs = n;
        for (size_t i = 0; i < n; i++) {
                r = parse_plug(&l, c, i, json_object_array_get_idx(plugs, i), &extra[i]);
                if (r < 0)
                        goto out;
        }
        r = build_endpoints(&l, c, extra);

out:
        json_object_put(root);
        if (r >= 0 && l.problems == 0 && !c)
                r = -ENOMEM; /* the tokener could not be allocated */
        if (r == -ENOMEM) {
                config_free(c);
                return log_error_errno(r, "cannot load '%s'", file);
        }
        if (l.problems > 0) {
                config_free(c);
                log_error("%s: %u problem%s found", file, l.problems, l.problems == 1 ? "" : "s");
                return -EINVAL;
        }
        *ret = c;
        return 0;
}

struct config *config_free(struct config *c)
{
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n_plugs; i++) {
                struct plug *p = &c->plugs[i];
                free(p->name);
                free(p->address);
                free(p->username);
                if (p->password)
                        explicit_bzero(p->password, strlen(p->password));
                free(p->password);
                free(p->entity);
                free(p->object_id);
                free(p->child_id);
                for (int j = 0; j < _POWER_COMMAND_MAX; j++)
                        free_argv(p->argv[j]);
        }
        for (size_t i = 0; i < c->n_endpoints; i++)
                free(c->endpoints[i].plugs);
        free(c->endpoints);
        free(c->plugs);
        free(c);
        return NULL;
}
