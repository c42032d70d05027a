/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generic relay client: a Shelly Gen1 style API.
 *
 *   GET /relay/<plug>              -> {"ison":true|false, ...}
 *   GET /relay/<plug>?turn=on|off  -> switches, answers the same object
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "lib/plug.h"
#include "shared/macro.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put)

/* ---- generic relay (Shelly Gen1 API) ---- */

#define HTTP_DEFAULT_PLUG "0"

int http_parse_relay(const char *body, size_t size, enum plug_power *ret, struct plug_error *err)
{
        _cleanup_(json_object_putp) json_object *root = NULL;
        json_object *ison;
        int r;

        r = plug_json_parse(body, size, &root, err);
        if (r < 0)
                return r;
        if (!json_object_is_type(root, json_type_object) ||
            !json_object_object_get_ex(root, "ison", &ison))
                return plug_errorf(err, -EBADMSG, "the answer has no \"ison\" field");
        if (!json_object_is_type(ison, json_type_boolean)) {
                *ret = PLUG_POWER_UNKNOWN;
                return 0;
        }
        *ret = json_object_get_boolean(ison) ? PLUG_POWER_ON : PLUG_POWER_OFF;
        return 0;
}

static int http_check(const struct plug_config *c, struct plug_error *err)
{
        const char *plug = plug_or_default(c, HTTP_DEFAULT_PLUG);

        if (strlen(plug) > 64)
                return plug_errorf(err, -EINVAL, "plug is longer than 64 characters");
        for (const char *p = plug; *p; p++)
                if ((unsigned char)*p < ' ' || *p == 0x7f)
                        return plug_errorf(err, -EINVAL, "plug contains control characters");
        return 0;
}

static int http_relay(const struct plug_config *c, const char *turn, enum plug_power *ret,
                      struct plug_error *err)
{
        _cleanup_free_ char *plug = plug_url_encode(plug_or_default(c, HTTP_DEFAULT_PLUG));
        _cleanup_free_ char *path = NULL;
        struct plug_http_response resp = {0};
        char what[128];
        int r;

        if (!plug ||
            asprintf(&path, "/relay/%s%s%s", plug, turn ? "?turn=" : "", turn ? turn : "") < 0) {
                path = NULL;
                return plug_errorf(err, -ENOMEM, "out of memory");
        }
        r = plug_http_request(c, plug_http_ops.default_port, "GET", path, true, &resp, err);
        if (r < 0)
                return r;
        snprintf(what, sizeof(what), "relay '%.64s'", plug_or_default(c, HTTP_DEFAULT_PLUG));
        r = plug_http_check_status(resp.status, what, err);
        if (r >= 0 && ret)
                r = http_parse_relay(resp.body, resp.size, ret, err);
        plug_http_response_clear(&resp);
        return r;
}

static int http_get_power(const struct plug_config *c, enum plug_power *ret, struct plug_error *err)
{
        return http_relay(c, NULL, ret, err);
}

static int http_set_power(const struct plug_config *c, bool on, struct plug_error *err)
{
        return http_relay(c, on ? "on" : "off", NULL, err);
}

static int http_list(const struct plug_config *c, struct plug_outlet **ret, size_t *ret_n,
                     struct plug_error *err)
{
        const char *relay = plug_or_default(c, HTTP_DEFAULT_PLUG);
        enum plug_power p;
        char *alias = NULL;
        int r;

        r = http_relay(c, NULL, &p, err);
        if (r < 0)
                return r;
        if (asprintf(&alias, "relay %s", relay) < 0)
                alias = NULL;
        return plug_outlet_single(strdup(relay), alias, p, ret, ret_n, err);
}

const struct plug_ops plug_http_ops = {
    .name = "http",
    .default_port = 80,
    .supports_auth = true,
    .supports_ssl = true,
    .needs_plug = false,
    .plug_desc = "Relay index in /relay/<plug>",
    .default_plug = HTTP_DEFAULT_PLUG,
    .check = http_check,
    .get_power = http_get_power,
    .set_power = http_set_power,
    .list = http_list,
};
