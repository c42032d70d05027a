/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kasa-codec.h"
#include "protocols.h"
#include "shared/macro.h"
#include "util.h"

static const char *const action_names[_ACTION_MAX] = {
    [ACTION_STATUS] = "status",
    [ACTION_ON] = "on",
    [ACTION_OFF] = "off",
    [ACTION_TOGGLE] = "toggle",
};

const char *action_to_string(enum action a)
{
        return a >= 0 && a < _ACTION_MAX ? action_names[a] : NULL;
}

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

_printf_(2, 3) static void set_note(struct request *req, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(req->note, sizeof(req->note), fmt, ap);
        va_end(ap);
}

static void add_op(struct request *req, struct plug *p, enum action a)
{
        if (req->n_ops >= REQUEST_MAX_OPS)
                return;
        req->ops[req->n_ops++] = (struct op){.plug = p, .action = a};
        if (!req->plug)
                req->plug = p;
}

/* An HTTP answer decided while parsing; why goes to the log. */
_printf_(6, 7) static int answer(struct request *req, int status, const char *content_type,
                                 const char *body, const char *headers, const char *why, ...)
{
        char clean[96], text[160];
        va_list ap;

        req->status = status;
        req->content_type = content_type;
        req->body = body;
        req->headers = headers;
        va_start(ap, why);
        vsnprintf(text, sizeof(text), why, ap);
        va_end(ap);
        set_note(req, "%s %s: %d %s", req->http.method,
                 sanitize(req->http.path, strlen(req->http.path), clean, sizeof(clean)), status,
                 text);
        return 1;
}

static int not_found(struct request *req)
{
        return answer(req, 404, "text/plain", "Not Found\n", NULL, "not found");
}

static int method_not_allowed(struct request *req, const char *allow)
{
        return answer(req, 405, "text/plain", "Method Not Allowed\n", allow, "method not allowed");
}

static bool method_is(const struct request *req, const char *m)
{
        return streq(req->http.method, m);
}

/* HTTP basic authentication against the device's login (all its plugs share it). */
static int basic_auth_ok(const struct endpoint *e, const struct request *req)
{
        const struct plug *p = e->plugs[0];
        char *user = NULL, *password = NULL;

        if (!p->password)
                return 1;
        int r = http_basic_auth(req->http.authorization, &user, &password);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0;
        /* Both compared every time: the answer's timing does not tell which was wrong. */
        bool user_ok = streq(user, p->username);
        bool password_ok =
            secret_equal(password, strlen(password), p->password, strlen(p->password));
        bool ok = user_ok && password_ok;
        explicit_bzero(password, strlen(password));
        free(user);
        free(password);
        return ok;
}

/* ---- Tasmota: GET /cm?cmnd=Power<n>[ On|Off|Toggle][&user=U&password=P] ---- */

static const char tasmota_need_login[] =
    "{\"WARNING\":\"Need user=<username>&password=<password>\"}";
static const char tasmota_unknown[] = "{\"Command\":\"Unknown\"}";
static const char tasmota_error[] = "{\"Command\":\"Error\"}";

static int tasmota_auth_ok(const struct endpoint *e, const struct request *req)
{
        const struct plug *p = e->plugs[0];
        char *user = NULL, *password = NULL;

        if (!p->password)
                return 1;
        int r1 = query_get(req->http.query, "user", &user);
        int r2 = query_get(req->http.query, "password", &password);
        bool user_ok = r1 > 0 && streq(user, p->username);
        bool password_ok =
            r2 > 0 && secret_equal(password, strlen(password), p->password, strlen(p->password));
        bool ok = user_ok && password_ok;
        if (password)
                explicit_bzero(password, strlen(password));
        free(user);
        free(password);
        if (r1 == -ENOMEM || r2 == -ENOMEM)
                return -ENOMEM;
        return ok;
}

static bool word_is(const char *s, size_t n, const char *word)
{
        return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

static int tasmota_parse(const struct endpoint *e, struct request *req)
{
        _cleanup_free_ char *cmnd = NULL;
        int r;

        if (!streq(req->http.path, "/cm"))
                return not_found(req);
        if (!method_is(req, "GET") && !method_is(req, "POST"))
                return method_not_allowed(req, "Allow: GET, POST\r\n");
        r = tasmota_auth_ok(e, req);
        if (r < 0)
                return r;
        if (r == 0)
                return answer(req, 401, "application/json", tasmota_need_login, NULL,
                              "missing or wrong user/password");

        r = query_get(req->http.query, "cmnd", &cmnd);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return answer(req, 400, "text/plain", "Bad Request\n", NULL, "bad escape in query");
        if (r == 0)
                return answer(req, 200, "application/json", tasmota_unknown, NULL, "no cmnd");

        /* "Power", "POWER2", "power1 off", "Power1  toggle ". */
        const char *s = cmnd;
        while (*s == ' ')
                s++;
        const char *w = s;
        while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
                s++;
        size_t wlen = (size_t)(s - w);
        unsigned relay = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 3) {
                relay = relay * 10 + (unsigned)(*s - '0');
                s++;
                digits++;
        }
        if (digits == 0)
                relay = 1;
        if (!word_is(w, wlen, "power") || (*s && *s != ' ') || relay == 0)
                return answer(req, 200, "application/json", tasmota_unknown, NULL,
                              "unknown command");

        struct plug *p = NULL;
        for (size_t i = 0; i < e->n_plugs && !p; i++)
                if (e->plugs[i]->relay == relay)
                        p = e->plugs[i];
        if (!p)
                return answer(req, 200, "application/json", tasmota_unknown, NULL,
                              "no relay %u on this device", relay);
        req->plug = p;

        while (*s == ' ')
                s++;
        size_t plen = strlen(s);
        while (plen > 0 && s[plen - 1] == ' ')
                plen--;
        enum action a;
        if (plen == 0)
                a = ACTION_STATUS;
        else if (word_is(s, plen, "on") || word_is(s, plen, "1"))
                a = ACTION_ON;
        else if (word_is(s, plen, "off") || word_is(s, plen, "0"))
                a = ACTION_OFF;
        else if (word_is(s, plen, "toggle") || word_is(s, plen, "2"))
                a = ACTION_TOGGLE;
        else
                return answer(req, 200, "application/json", tasmota_error, NULL,
                              "invalid Power parameter");
        add_op(req, p, a);
        return 1;
}

static int tasmota_reply(const struct endpoint *e, const struct request *req, struct buf *out,
                         size_t *ret_body_offset)
{
        const struct op *op = &req->ops[0];
        char body[64];

        if (op->failed)
                return http_response(out, 200, "application/json", NULL, tasmota_error,
                                     strlen(tasmota_error), ret_body_offset);

        /* Tasmota numbers the key only on devices with more than one relay. */
        const char *state = op->state == POWER_STATE_ON ? "ON" : "OFF";
        if (e->n_plugs == 1 && op->plug->relay == 1)
                snprintf(body, sizeof(body), "{\"POWER\":\"%s\"}", state);
        else
                snprintf(body, sizeof(body), "{\"POWER%u\":\"%s\"}", op->plug->relay, state);
        return http_response(out, 200, "application/json", NULL, body, strlen(body),
                             ret_body_offset);
}

/* ---- ESPHome web_server: GET /switch/<name>, POST /switch/<name>/turn_on|turn_off|toggle ---- */

static const char esphome_login[] = "WWW-Authenticate: Basic realm=\"Login Required\"\r\n";

static int esphome_parse(const struct endpoint *e, struct request *req)
{
        _cleanup_free_ char *name = NULL;
        const char *prefix = "/switch/";
        int r;

        r = basic_auth_ok(e, req);
        if (r < 0)
                return r;
        if (r == 0)
                return answer(req, 401, "text/plain", "Unauthorized\n", esphome_login,
                              "missing or wrong basic authentication");
        if (strncmp(req->http.path, prefix, strlen(prefix)) != 0)
                return not_found(req);

        const char *rest = req->http.path + strlen(prefix);
        const char *slash = strchr(rest, '/');
        const char *verb = slash ? slash + 1 : NULL;
        if (verb && strchr(verb, '/'))
                return not_found(req);
        r = url_decode(rest, slash ? (size_t)(slash - rest) : strlen(rest), false, &name);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return answer(req, 400, "text/plain", "Bad Request\n", NULL, "bad escape in path");

        /* The entity name, or the legacy object id ("main_relay" for "Main Relay"). */
        struct plug *p = NULL;
        for (size_t i = 0; i < e->n_plugs && !p; i++)
                if (streq(e->plugs[i]->entity, name))
                        p = e->plugs[i];
        for (size_t i = 0; i < e->n_plugs && !p; i++)
                if (streq(e->plugs[i]->object_id, name))
                        p = e->plugs[i];
        if (!p)
                return answer(req, 404, "text/plain", "Not Found\n", NULL, "no such switch");
        req->plug = p;

        if (!verb) {
                if (!method_is(req, "GET"))
                        return method_not_allowed(req, "Allow: GET\r\n");
                add_op(req, p, ACTION_STATUS);
                return 1;
        }

        enum action a;
        if (streq(verb, "turn_on"))
                a = ACTION_ON;
        else if (streq(verb, "turn_off"))
                a = ACTION_OFF;
        else if (streq(verb, "toggle"))
                a = ACTION_TOGGLE;
        else
                return not_found(req);
        if (!method_is(req, "POST"))
                return method_not_allowed(req, "Allow: POST\r\n");
        add_op(req, p, a);
        return 1;
}

static int esphome_reply(const struct request *req, struct buf *out, size_t *ret_body_offset)
{
        const struct op *op = &req->ops[0];

        if (op->failed) {
                static const char msg[] = "power state unknown\n";
                return http_response(out, 500, "text/plain", NULL, msg, strlen(msg),
                                     ret_body_offset);
        }
        if (op->action != ACTION_STATUS)
                return http_response(out, 200, NULL, NULL, "", 0, ret_body_offset);

        json_object *o = json_object_new_object();
        _cleanup_free_ char *id = NULL, *name_id = NULL;
        if (!o || asprintf(&id, "switch-%s", op->plug->object_id) < 0 ||
            asprintf(&name_id, "switch/%s", op->plug->entity) < 0) {
                json_object_put(o);
                return -ENOMEM;
        }
        bool on = op->state == POWER_STATE_ON;
        json_object_object_add(o, "id", json_object_new_string(id));
        json_object_object_add(o, "name_id", json_object_new_string(name_id));
        json_object_object_add(o, "state", json_object_new_string(on ? "ON" : "OFF"));
        json_object_object_add(o, "value", json_object_new_boolean(on));
        size_t len;
        const char *body = json_object_to_json_string_length(o, JSON_FLAGS, &len);
        int r = body ? http_response(out, 200, "application/json", NULL, body, len, ret_body_offset)
                     : -ENOMEM;
        json_object_put(o);
        return r;
}

/* ---- Generic HTTP, after the Shelly Gen1 relay API: GET /relay/<n>[?turn=on|off|toggle] ---- */

static const char http_login[] = "WWW-Authenticate: Basic realm=\"hasan-lab-switch\"\r\n";

static int http_parse(const struct endpoint *e, struct request *req)
{
        _cleanup_free_ char *turn = NULL;
        const char *prefix = "/relay/";
        int r;

        r = basic_auth_ok(e, req);
        if (r < 0)
                return r;
        if (r == 0)
                return answer(req, 401, "text/plain", "401 Unauthorized\n", http_login,
                              "missing or wrong basic authentication");
        if (strncmp(req->http.path, prefix, strlen(prefix)) != 0)
                return not_found(req);

        const char *num = req->http.path + strlen(prefix);
        unsigned relay = 0;
        size_t digits = 0;
        for (; num[digits] >= '0' && num[digits] <= '9' && digits < 3; digits++)
                relay = relay * 10 + (unsigned)(num[digits] - '0');
        if (digits == 0 || num[digits] != '\0')
                return not_found(req);

        struct plug *p = NULL;
        for (size_t i = 0; i < e->n_plugs && !p; i++)
                if (e->plugs[i]->relay == relay)
                        p = e->plugs[i];
        if (!p)
                return not_found(req);
        req->plug = p;
        if (!method_is(req, "GET") && !method_is(req, "POST"))
                return method_not_allowed(req, "Allow: GET, POST\r\n");

        r = query_get(req->http.query, "turn", &turn);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return answer(req, 400, "text/plain", "Bad Request\n", NULL, "bad escape in query");
        enum action a;
        if (r == 0)
                a = ACTION_STATUS;
        else if (streq(turn, "on"))
                a = ACTION_ON;
        else if (streq(turn, "off"))
                a = ACTION_OFF;
        else if (streq(turn, "toggle"))
                a = ACTION_TOGGLE;
        else
                return answer(req, 400, "text/plain", "Bad turn!\n", NULL, "invalid turn value");
        add_op(req, p, a);
        return 1;
}

static int http_reply(const struct request *req, struct buf *out, size_t *ret_body_offset)
{
        const struct op *op = &req->ops[0];
        char body[160];

        if (op->failed) {
                static const char msg[] = "power state unknown\n";
                return http_response(out, 500, "text/plain", NULL, msg, strlen(msg),
                                     ret_body_offset);
        }
        snprintf(body, sizeof(body),
                 "{\"ison\":%s,\"has_timer\":false,\"timer_started\":0,\"timer_duration\":0,"
                 "\"timer_remaining\":0,\"source\":\"http\"}",
                 op->state == POWER_STATE_ON ? "true" : "false");
        return http_response(out, 200, "application/json", NULL, body, strlen(body),
                             ret_body_offset);
}

/* ---- Kasa legacy: XOR-obfuscated JSON over TCP, no authentication ---- */

struct kasa_walk {
        const struct endpoint *e;
        struct request *req;
        bool reply;  /* false: plan the ops; true: consume them and render */
        size_t n;    /* ops allotted so far, the same count in both passes */
        int ctx_err; /* a bad or unsupported "context": its err_code */
        const char *ctx_msg;
        struct plug *targets[REQUEST_MAX_OPS]; /* the outlets named in "context" */
        size_t n_targets;
        bool has_context;
        const char *module; /* where the walk is, for the log */
        const char *method;
};

static json_object *kasa_error(int code, const char *msg)
{
        json_object *o = json_object_new_object();

        if (o) {
                json_object_object_add(o, "err_code", json_object_new_int(code));
                json_object_object_add(o, "err_msg", json_object_new_string(msg));
        }
        return o;
}

/* An error answer not tied to an op: rendered, and noted for the log. */
static json_object *kasa_refuse(struct kasa_walk *w, int code, const char *msg)
{
        struct request *req = w->req;
        char m[48], f[48];
        size_t used = strlen(req->note);

        if (!w->reply)
                return NULL;
        if (used < sizeof(req->note) - 1)
                snprintf(req->note + used, sizeof(req->note) - used, "%s%s%s%s: err_code %d (%s)",
                         used ? "; " : "", sanitize(w->module, strlen(w->module), m, sizeof(m)),
                         w->method ? "." : "",
                         w->method ? sanitize(w->method, strlen(w->method), f, sizeof(f)) : "",
                         code, msg);
        return kasa_error(code, msg);
}

static void kasa_context(struct kasa_walk *w, json_object *root)
{
        json_object *ctx, *ids;

        if (!json_object_object_get_ex(root, "context", &ctx))
                return;
        w->has_context = true;
        if (!w->e->strip) {
                w->ctx_err = -1;
                w->ctx_msg = "context not supported: not a power strip";
                return;
        }
        if (!json_object_is_type(ctx, json_type_object) ||
            !json_object_object_get_ex(ctx, "child_ids", &ids) ||
            !json_object_is_type(ids, json_type_array) || json_object_array_length(ids) == 0 ||
            json_object_array_length(ids) > REQUEST_MAX_OPS) {
                w->ctx_err = -3;
                w->ctx_msg = "invalid argument";
                return;
        }
        for (size_t i = 0; i < json_object_array_length(ids); i++) {
                json_object *id = json_object_array_get_idx(ids, i);
                struct plug *p = NULL;
                if (json_object_is_type(id, json_type_string))
                        for (size_t j = 0; j < w->e->n_plugs && !p; j++)
                                if (streq(w->e->plugs[j]->child_id, json_object_get_string(id)))
                                        p = w->e->plugs[j];
                if (!p) {
                        w->ctx_err = -14;
                        w->ctx_msg = "entry not exist";
                        return;
                }
                w->targets[w->n_targets++] = p;
        }
}

/*
 * Allot k ops starting at the walk's count. Planning adds them; rendering
 * hands back the first. Returns NULL when they do not fit in one request.
 */
static struct op *kasa_ops(struct kasa_walk *w, struct plug *const *plugs, size_t k, enum action a)
{
        if (w->n + k > REQUEST_MAX_OPS)
                return NULL;
        struct op *first = &w->req->ops[w->n];
        if (!w->reply)
                for (size_t i = 0; i < k; i++)
                        add_op(w->req, plugs[i], a);
        w->n += k;
        return first;
}

static void hash_bytes(const char *seed, uint8_t *out, size_t n)
{
        for (size_t i = 0; i < n; i += 8) {
                uint64_t h = 14695981039346656037ull ^ i;
                for (const char *s = seed; *s; s++)
                        h = (h ^ (uint8_t)*s) * 1099511628211ull;
                for (size_t j = 0; j < 8 && i + j < n; j++)
                        out[i + j] = (uint8_t)(h >> (8 * j));
        }
}

static void kasa_identity(json_object *o, const char *seed, const char *model)
{
        uint8_t id[20], mac[3];
        char hex[41], macs[18];

        hash_bytes(seed, id, sizeof(id));
        for (size_t i = 0; i < sizeof(id); i++)
                snprintf(hex + 2 * i, 3, "%02X", id[i]);
        memcpy(mac, id + 17, 3);
        snprintf(macs, sizeof(macs), "50:C7:BF:%02X:%02X:%02X", mac[0], mac[1], mac[2]);

        json_object_object_add(o, "sw_ver",
                               json_object_new_string("1.5.10 Build 191125 Rel.094314"));
        json_object_object_add(o, "hw_ver", json_object_new_string("2.0"));
        json_object_object_add(o, "type", json_object_new_string("IOT.SMARTPLUGSWITCH"));
        json_object_object_add(o, "model", json_object_new_string(model));
        json_object_object_add(o, "mac", json_object_new_string(macs));
        json_object_object_add(o, "deviceId", json_object_new_string(hex));
}

static json_object *kasa_sysinfo(struct kasa_walk *w)
{
        struct plug *const *targets = w->e->plugs;
        size_t k = w->e->n_plugs;

        if (w->ctx_err)
                return kasa_refuse(w, w->ctx_err, w->ctx_msg);
        if (w->e->strip && w->has_context) {
                targets = w->targets;
                k = w->n_targets;
        }
        struct op *ops = kasa_ops(w, targets, k, ACTION_STATUS);
        if (!w->reply)
                return NULL;
        if (!ops)
                return kasa_refuse(w, -1, "too many operations in one request");
        for (size_t i = 0; i < k; i++)
                if (ops[i].failed)
                        return kasa_error(-1, "power state unknown");

        json_object *o = json_object_new_object();
        if (!o)
                return NULL;
        if (!w->e->strip) {
                const struct plug *p = ops[0].plug;
                kasa_identity(o, p->name, "HS100(EU)");
                json_object_object_add(o, "dev_name", json_object_new_string("Smart Wi-Fi Plug"));
                json_object_object_add(o, "alias", json_object_new_string(p->name));
                json_object_object_add(o, "relay_state",
                                       json_object_new_int(ops[0].state == POWER_STATE_ON));
                json_object_object_add(o, "on_time", json_object_new_int(0));
                json_object_object_add(o, "active_mode", json_object_new_string("none"));
                json_object_object_add(o, "feature", json_object_new_string("TIM"));
                json_object_object_add(o, "updating", json_object_new_int(0));
                json_object_object_add(o, "led_off", json_object_new_int(0));
        } else {
                char seed[80];
                snprintf(seed, sizeof(seed), "%s:%u", w->e->address, w->e->port);
                kasa_identity(o, seed, "HS300(US)");
                json_object_object_add(o, "alias", json_object_new_string("hasan-lab strip"));
                json_object_object_add(o, "child_num", json_object_new_int((int)k));
                json_object *children = json_object_new_array();
                for (size_t i = 0; children && i < k; i++) {
                        json_object *c = json_object_new_object(), *next = json_object_new_object();
                        if (!c || !next) {
                                json_object_put(c);
                                json_object_put(next);
                                break;
                        }
                        json_object_object_add(next, "type", json_object_new_int(-1));
                        json_object_object_add(c, "id",
                                               json_object_new_string(ops[i].plug->child_id));
                        json_object_object_add(c, "state",
                                               json_object_new_int(ops[i].state == POWER_STATE_ON));
                        json_object_object_add(c, "alias",
                                               json_object_new_string(ops[i].plug->name));
                        json_object_object_add(c, "on_time", json_object_new_int(0));
                        json_object_object_add(c, "next_action", next);
                        json_object_array_add(children, c);
                }
                json_object_object_add(o, "children", children);
        }
        json_object_object_add(o, "err_code", json_object_new_int(0));
        return o;
}

static json_object *kasa_set_relay_state(struct kasa_walk *w, json_object *args)
{
        json_object *state;

        if (!json_object_is_type(args, json_type_object) ||
            !json_object_object_get_ex(args, "state", &state) ||
            !json_object_is_type(state, json_type_int) ||
            (json_object_get_int(state) != 0 && json_object_get_int(state) != 1))
                return kasa_refuse(w, -3, "invalid argument");
        if (w->ctx_err)
                return kasa_refuse(w, w->ctx_err, w->ctx_msg);
        if (w->e->strip && !w->has_context)
                return kasa_refuse(w, -3, "child_ids required on a power strip");

        struct plug *const *targets = w->e->strip ? w->targets : w->e->plugs;
        size_t k = w->e->strip ? w->n_targets : 1;
        struct op *ops =
            kasa_ops(w, targets, k, json_object_get_int(state) ? ACTION_ON : ACTION_OFF);
        if (!w->reply)
                return NULL;
        if (!ops)
                return kasa_refuse(w, -1, "too many operations in one request");
        for (size_t i = 0; i < k; i++)
                if (ops[i].failed)
                        return kasa_error(-1, "relay switch failed");
        json_object *o = json_object_new_object();
        if (o)
                json_object_object_add(o, "err_code", json_object_new_int(0));
        return o;
}

/* Walk the request: plan its ops, or (reply) render the answer from them. */
static json_object *kasa_walk(struct kasa_walk *w)
{
        json_object *out = w->reply ? json_object_new_object() : NULL;

        kasa_context(w, w->req->kasa);
        json_object_object_foreach(w->req->kasa, module, methods)
        {
                if (streq(module, "context"))
                        continue;
                w->module = module;
                w->method = NULL;
                if (!streq(module, "system") || !json_object_is_type(methods, json_type_object)) {
                        json_object *r = kasa_refuse(w, -1, "module not support");
                        if (out)
                                json_object_object_add(out, module, r);
                        continue;
                }
                json_object *mout = w->reply ? json_object_new_object() : NULL;
                json_object_object_foreach(methods, method, args)
                {
                        json_object *r;
                        w->method = method;
                        if (streq(method, "get_sysinfo"))
                                r = kasa_sysinfo(w);
                        else if (streq(method, "set_relay_state"))
                                r = kasa_set_relay_state(w, args);
                        else
                                r = kasa_refuse(w, -2, "member not support");
                        if (mout)
                                json_object_object_add(mout, method, r);
                }
                if (out)
                        json_object_object_add(out, module, mout);
        }
        return out;
}

static int kasa_parse(const struct endpoint *e, const char *in, size_t len, struct request *req)
{
        size_t n;
        int r = kasa_frame_check((const uint8_t *)in, len, KASA_PAYLOAD_MAX, &n);

        if (r == 0)
                return 0;
        if (r < 0) {
                set_note(req, "frame longer than %d bytes, connection closed", KASA_PAYLOAD_MAX);
                return -EPROTO;
        }

        _cleanup_free_ uint8_t *plain = malloc(n + 1);
        if (!plain)
                return -ENOMEM;
        switch_kasa_decrypt((const uint8_t *)in + KASA_HEADER_SIZE, plain, n);
        plain[n] = '\0';

        json_tokener *tok = json_tokener_new();
        if (!tok)
                return -ENOMEM;
        json_object *root = json_tokener_parse_ex(tok, (const char *)plain, (int)n);
        bool ok = json_tokener_get_error(tok) == json_tokener_success &&
                  json_tokener_get_parse_end(tok) == n && root &&
                  json_object_is_type(root, json_type_object);
        json_tokener_free(tok);
        if (!ok) {
                json_object_put(root);
                set_note(req, "payload of %zu bytes is not a JSON object, connection closed", n);
                return -EPROTO;
        }

        req->kasa = root;
        req->size = KASA_HEADER_SIZE + n;
        struct kasa_walk w = {.e = e, .req = req};
        kasa_walk(&w);
        if (!req->plug && e->n_plugs == 1)
                req->plug = e->plugs[0];
        return 1;
}

static int kasa_reply(const struct endpoint *e, struct request *req, struct buf *out,
                      size_t *ret_body_offset)
{
        struct kasa_walk w = {.e = e, .req = req, .reply = true};
        json_object *o = kasa_walk(&w);
        if (req->n_ops == 0 && !req->note[0])
                set_note(req, "request without a method");
        size_t len;
        const char *s = o ? json_object_to_json_string_length(o, JSON_FLAGS, &len) : NULL;
        int r = -ENOMEM;

        if (s && len <= UINT32_MAX && buf_reserve(out, KASA_HEADER_SIZE + len) == 0) {
                uint8_t header[KASA_HEADER_SIZE];
                kasa_put_header(header, (uint32_t)len);
                (void)buf_append(out, header, sizeof(header));
                *ret_body_offset = out->len;
                (void)buf_append(out, s, len);
                switch_kasa_encrypt((uint8_t *)out->data + *ret_body_offset,
                                    (uint8_t *)out->data + *ret_body_offset, len);
                r = 0;
        }
        json_object_put(o);
        return r;
}

/* ---- dispatch ---- */

int request_parse(const struct endpoint *e, const char *in, size_t len, struct request *req)
{
        int status = 0, r;

        *req = (struct request){0};
        if (e->protocol == PROTOCOL_KASA)
                return kasa_parse(e, in, len, req);

        r = http_request_parse(in, len, &req->http, &status);
        if (r == 0 || r == -ENOMEM)
                return r;
        if (r < 0) {
                /* Malformed: answer with the status, and nothing was parsed to log. */
                req->status = status;
                req->content_type = "text/plain";
                req->body = status == 431 ? "Request Header Fields Too Large\n" : "Bad Request\n";
                req->size = len;
                set_note(req, "malformed request: %d %s", status, http_reason(status));
                if (e->n_plugs == 1)
                        req->plug = e->plugs[0];
                return 1;
        }
        req->size = req->http.size;

        switch (e->protocol) {
        case PROTOCOL_TASMOTA:
                r = tasmota_parse(e, req);
                break;
        case PROTOCOL_ESPHOME:
                r = esphome_parse(e, req);
                break;
        case PROTOCOL_HTTP:
                r = http_parse(e, req);
                break;
        default:
                r = -EINVAL;
        }
        if (r > 0 && !req->plug && e->n_plugs == 1)
                req->plug = e->plugs[0];
        return r;
}

int request_reply(const struct endpoint *e, struct request *req, struct buf *out,
                  size_t *ret_body_offset)
{
        if (e->protocol == PROTOCOL_KASA)
                return kasa_reply(e, req, out, ret_body_offset);
        if (req->status != 0)
                return http_response(out, req->status, req->content_type, req->headers, req->body,
                                     req->body ? strlen(req->body) : 0, ret_body_offset);
        switch (e->protocol) {
        case PROTOCOL_TASMOTA:
                return tasmota_reply(e, req, out, ret_body_offset);
        case PROTOCOL_ESPHOME:
                return esphome_reply(req, out, ret_body_offset);
        case PROTOCOL_HTTP:
                return http_reply(req, out, ret_body_offset);
        default:
                return -EINVAL;
        }
}

void request_clear(struct request *req)
{
        http_request_clear(&req->http);
        json_object_put(req->kasa);
        *req = (struct request){0};
}
