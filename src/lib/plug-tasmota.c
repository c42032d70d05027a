/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tasmota over HTTP (tasmota.github.io/docs/Commands):
 *
 *   GET /cm?cmnd=Power<n>[&user=U&password=P]          -> {"POWER<n>":"ON"}
 *   GET /cm?cmnd=Power<n>%20Off[&user=U&password=P]    -> {"POWER<n>":"OFF"}
 *
 * A single-relay device answers "POWER" instead of "POWER1". Tasmota takes
 * its web password in the query string (the device requires it); the URL is
 * therefore never logged or put into a message. Bad credentials give HTTP
 * 401 or a "WARNING" answer, unknown commands {"Command":"Error"|"Unknown"}.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/plug.h"
#include "shared/macro.h"
#include "shared/parse.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put)

#define TASMOTA_DEFAULT_PLUG "1"
#define TASMOTA_RELAYS_MAX 32

static int relay_number(const struct plug_config *c, unsigned *ret, struct plug_error *err)
{
        uint32_t n;

        if (safe_atou32(plug_or_default(c, TASMOTA_DEFAULT_PLUG), &n) < 0 || n < 1 ||
            n > TASMOTA_RELAYS_MAX)
                return plug_errorf(err, -EINVAL, "plug must be a Tasmota relay number, 1-%d",
                                   TASMOTA_RELAYS_MAX);
        *ret = n;
        return 0;
}

static int tasmota_check(const struct plug_config *c, struct plug_error *err)
{
        unsigned n = 0;

        return relay_number(c, &n, err);
}

/* Errors a Tasmota answer can carry, JSON or not. */
static int answer_error(const char *body, size_t size, json_object *root, struct plug_error *err)
{
        json_object *v;

        if (size >= 7 && strncmp(body, "WARNING", 7) == 0)
                return plug_errorf(err, -EACCES, "the device refused the credentials");
        if (!root || !json_object_is_type(root, json_type_object))
                return 0;
        if (json_object_object_get_ex(root, "WARNING", &v))
                return plug_errorf(err, -EACCES,
                                   "the device refused the credentials: check username and "
                                   "password");
        if (json_object_object_get_ex(root, "Command", &v) &&
            json_object_is_type(v, json_type_string))
                return plug_errorf(err, -EPROTO, "the device rejected the command: %.32s",
                                   json_object_get_string(v));
        return 0;
}

/* Parse an answer that is not an error: the text is checked first, then the JSON. */
static int parse_answer(const char *body, size_t size, json_object **ret, struct plug_error *err)
{
        _cleanup_(json_object_putp) json_object *root = NULL;
        int r;

        r = answer_error(body, size, NULL, err);
        if (r < 0)
                return r;
        r = plug_json_parse(body, size, &root, err);
        if (r < 0)
                return r;
        r = answer_error(body, size, root, err);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(root);
        return 0;
}

int tasmota_check_answer(const char *body, size_t size, struct plug_error *err)
{
        _cleanup_(json_object_putp) json_object *root = NULL;

        return parse_answer(body, size, &root, err);
}

int tasmota_parse_power(const char *body, size_t size, unsigned relay, enum plug_power *ret,
                        struct plug_error *err)
{
        _cleanup_(json_object_putp) json_object *root = NULL;
        json_object *v = NULL;
        char key[16];
        const char *s;
        int r;

        r = parse_answer(body, size, &root, err);
        if (r < 0)
                return r;

        snprintf(key, sizeof(key), "POWER%u", relay);
        if (!json_object_is_type(root, json_type_object) ||
            !(json_object_object_get_ex(root, key, &v) ||
              (relay == 1 && json_object_object_get_ex(root, "POWER", &v))))
                return plug_errorf(err, -EBADMSG, "the answer has no %s field", key);
        if (!json_object_is_type(v, json_type_string)) {
                *ret = PLUG_POWER_UNKNOWN;
                return 0;
        }
        s = json_object_get_string(v);
        *ret = strcasecmp(s, "ON") == 0    ? PLUG_POWER_ON
               : strcasecmp(s, "OFF") == 0 ? PLUG_POWER_OFF
                                           : PLUG_POWER_UNKNOWN;
        return 0;
}

/* cmnd is already URL-encoded. */
static int tasmota_command(const struct plug_config *c, const char *cmnd,
                           struct plug_http_response *ret, struct plug_error *err)
{
        _cleanup_free_ char *path = NULL, *user = NULL, *pass = NULL;
        int r;

        if (c->password) {
                user = plug_url_encode(c->username ? c->username : "admin");
                pass = plug_url_encode(c->password);
                if (!user || !pass)
                        return plug_errorf(err, -ENOMEM, "out of memory");
                r = asprintf(&path, "/cm?cmnd=%s&user=%s&password=%s", cmnd, user, pass);
                explicit_bzero(pass, strlen(pass));
        } else
                r = asprintf(&path, "/cm?cmnd=%s", cmnd);
        if (r < 0) {
                path = NULL;
                return plug_errorf(err, -ENOMEM, "out of memory");
        }

        r = plug_http_request(c, plug_tasmota_ops.default_port, "GET", path, false, ret, err);
        explicit_bzero(path, strlen(path));
        if (r < 0)
                return r;
        r = plug_http_check_status(ret->status, "command interface (/cm)", err);
        if (r < 0)
                plug_http_response_clear(ret);
        return r;
}

static int tasmota_get_power(const struct plug_config *c, enum plug_power *ret,
                             struct plug_error *err)
{
        struct plug_http_response resp = {0};
        char cmnd[16];
        unsigned n = 0;
        int r;

        r = relay_number(c, &n, err);
        if (r < 0)
                return r;
        snprintf(cmnd, sizeof(cmnd), "Power%u", n);
        r = tasmota_command(c, cmnd, &resp, err);
        if (r < 0)
                return r;
        r = tasmota_parse_power(resp.body, resp.size, n, ret, err);
        plug_http_response_clear(&resp);
        return r;
}

static int tasmota_set_power(const struct plug_config *c, bool on, struct plug_error *err)
{
        struct plug_http_response resp = {0};
        char cmnd[32];
        unsigned n = 0;
        int r;

        r = relay_number(c, &n, err);
        if (r < 0)
                return r;
        snprintf(cmnd, sizeof(cmnd), "Power%u%%20%s", n, on ? "On" : "Off");
        r = tasmota_command(c, cmnd, &resp, err);
        if (r < 0)
                return r;
        r = tasmota_check_answer(resp.body, resp.size, err);
        plug_http_response_clear(&resp);
        return r;
}

static int tasmota_list(const struct plug_config *c, struct plug_outlet **ret, size_t *ret_n,
                        struct plug_error *err)
{
        enum plug_power p;
        char *id = NULL, *alias = NULL;
        unsigned n = 0;
        int r;

        r = relay_number(c, &n, err);
        if (r < 0)
                return r;
        r = tasmota_get_power(c, &p, err);
        if (r < 0)
                return r;
        if (asprintf(&id, "%u", n) < 0)
                id = NULL;
        if (asprintf(&alias, "POWER%u", n) < 0)
                alias = NULL;
        return plug_outlet_single(id, alias, p, ret, ret_n, err);
}

const struct plug_ops plug_tasmota_ops = {
    .name = "tasmota",
    .default_port = 80,
    .supports_auth = true,
    .supports_ssl = false,
    .needs_plug = false,
    .plug_desc = "Relay number n of the Power<n> command, 1-32",
    .default_plug = TASMOTA_DEFAULT_PLUG,
    .check = tasmota_check,
    .get_power = tasmota_get_power,
    .set_power = tasmota_set_power,
    .list = tasmota_list,
};
