/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ESPHome web_server REST API (esphome-docs, web-api):
 *
 *   GET  /switch/<entity>            -> {"id":"switch-relay","state":"ON","value":true}
 *   POST /switch/<entity>/turn_on    -> 200
 *   POST /switch/<entity>/turn_off   -> 200
 *
 * <entity> is the entity name (URL-encoded; spaces allowed) on current
 * firmware, the object id on firmware before 2026.1.3. Authentication, when
 * configured on the device, is HTTP basic.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/plug.h"
#include "shared/macro.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put)

int esphome_parse_state(const char *body, size_t size, enum plug_power *ret, char **ret_id,
                        struct plug_error *err)
{
        _cleanup_(json_object_putp) json_object *root = NULL;
        json_object *v;
        enum plug_power p;
        int r;

        r = plug_json_parse(body, size, &root, err);
        if (r < 0)
                return r;
        if (!json_object_is_type(root, json_type_object))
                return plug_errorf(err, -EBADMSG, "the answer is not a JSON object");

        /* "value" (a boolean) is authoritative; "state" is its display text. */
        if (json_object_object_get_ex(root, "value", &v)) {
                p = !json_object_is_type(v, json_type_boolean) ? PLUG_POWER_UNKNOWN
                    : json_object_get_boolean(v)               ? PLUG_POWER_ON
                                                               : PLUG_POWER_OFF;
        } else if (json_object_object_get_ex(root, "state", &v)) {
                const char *s =
                    json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
                p = strcasecmp(s, "ON") == 0    ? PLUG_POWER_ON
                    : strcasecmp(s, "OFF") == 0 ? PLUG_POWER_OFF
                                                : PLUG_POWER_UNKNOWN;
        } else
                return plug_errorf(err, -EBADMSG, "the answer has neither \"value\" nor \"state\"");

        if (ret_id) {
                const char *id = json_object_object_get_ex(root, "id", &v) &&
                                         json_object_is_type(v, json_type_string)
                                     ? json_object_get_string(v)
                                     : "";
                *ret_id = strdup(id);
                if (!*ret_id)
                        return plug_errorf(err, -ENOMEM, "out of memory");
        }
        *ret = p;
        return 0;
}

static int esphome_check(const struct plug_config *c, struct plug_error *err)
{
        const char *plug = c->plug;

        if (!plug || !*plug)
                return plug_errorf(err, -EINVAL,
                                   "plug (the ESPHome switch entity name) is required");
        if (strlen(plug) > 128)
                return plug_errorf(err, -EINVAL, "plug is longer than 128 characters");
        for (const char *p = plug; *p; p++)
                if ((unsigned char)*p < ' ' || *p == 0x7f)
                        return plug_errorf(err, -EINVAL, "plug contains control characters");
        return 0;
}

static int esphome_request(const struct plug_config *c, const char *method, const char *suffix,
                           enum plug_power *ret, char **ret_id, struct plug_error *err)
{
        _cleanup_free_ char *entity = NULL, *path = NULL;
        struct plug_http_response resp = {0};
        char what[160];
        int r;

        r = esphome_check(c, err);
        if (r < 0)
                return r;
        entity = plug_url_encode(c->plug);
        if (!entity || asprintf(&path, "/switch/%s%s", entity, suffix) < 0) {
                path = NULL;
                return plug_errorf(err, -ENOMEM, "out of memory");
        }
        r = plug_http_request(c, plug_esphome_ops.default_port, method, path, true, &resp, err);
        if (r < 0)
                return r;
        snprintf(what, sizeof(what), "switch '%.128s'", c->plug);
        r = plug_http_check_status(resp.status, what, err);
        if (r >= 0 && ret)
                r = esphome_parse_state(resp.body, resp.size, ret, ret_id, err);
        plug_http_response_clear(&resp);
        return r;
}

static int esphome_get_power(const struct plug_config *c, enum plug_power *ret,
                             struct plug_error *err)
{
        return esphome_request(c, "GET", "", ret, NULL, err);
}

static int esphome_set_power(const struct plug_config *c, bool on, struct plug_error *err)
{
        return esphome_request(c, "POST", on ? "/turn_on" : "/turn_off", NULL, NULL, err);
}

static int esphome_list(const struct plug_config *c, struct plug_outlet **ret, size_t *ret_n,
                        struct plug_error *err)
{
        enum plug_power p;
        char *id = NULL;
        int r;

        r = esphome_request(c, "GET", "", &p, &id, err);
        if (r < 0)
                return r;
        return plug_outlet_single(strdup(c->plug), id, p, ret, ret_n, err);
}

const struct plug_ops plug_esphome_ops = {
    .name = "esphome",
    .default_port = 80,
    .supports_auth = true,
    .supports_ssl = true,
    .needs_plug = true,
    .plug_desc = "Name of the switch entity in /switch/<plug> (object id on firmware before "
                 "2026.1.3)",
    .default_plug = NULL,
    .check = esphome_check,
    .get_power = esphome_get_power,
    .set_power = esphome_set_power,
    .list = esphome_list,
};
