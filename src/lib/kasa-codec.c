/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/kasa-codec.h"
#include "shared/macro.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put)

void kasa_encrypt(const void *in, size_t size, uint8_t *out)
{
        const uint8_t *p = in;
        uint8_t key = KASA_INITIAL_KEY;

        for (size_t i = 0; i < size; i++) {
                out[i] = (uint8_t)(key ^ p[i]);
                key = out[i];
        }
}

void kasa_decrypt(const void *in, size_t size, uint8_t *out)
{
        const uint8_t *c = in;
        uint8_t key = KASA_INITIAL_KEY;

        for (size_t i = 0; i < size; i++) {
                uint8_t next = c[i];
                out[i] = (uint8_t)(key ^ next);
                key = next;
        }
}

int kasa_frame(const char *json, size_t size, uint8_t **ret_data, size_t *ret_size)
{
        uint8_t *data;

        if (size > KASA_PAYLOAD_MAX)
                return -EMSGSIZE;
        data = malloc(KASA_HEADER_SIZE + size);
        if (!data)
                return -ENOMEM;
        data[0] = (uint8_t)(size >> 24);
        data[1] = (uint8_t)(size >> 16);
        data[2] = (uint8_t)(size >> 8);
        data[3] = (uint8_t)size;
        kasa_encrypt(json, size, data + KASA_HEADER_SIZE);
        *ret_data = data;
        *ret_size = KASA_HEADER_SIZE + size;
        return 0;
}

int kasa_header_length(const uint8_t header[KASA_HEADER_SIZE], size_t *ret)
{
        uint32_t n = (uint32_t)header[0] << 24 | (uint32_t)header[1] << 16 |
                     (uint32_t)header[2] << 8 | (uint32_t)header[3];

        if (n > KASA_PAYLOAD_MAX)
                return -EMSGSIZE;
        *ret = n;
        return 0;
}

int kasa_unframe(const uint8_t *data, size_t size, char **ret_json, size_t *ret_size)
{
        size_t n;
        char *json;

        if (size < KASA_HEADER_SIZE || kasa_header_length(data, &n) < 0 ||
            size - KASA_HEADER_SIZE != n)
                return -EBADMSG;
        json = malloc(n + 1);
        if (!json)
                return -ENOMEM;
        kasa_decrypt(data + KASA_HEADER_SIZE, n, (uint8_t *)json);
        json[n] = '\0';
        *ret_json = json;
        *ret_size = n;
        return 0;
}

void kasa_sysinfo_clear(struct kasa_sysinfo *s)
{
        free(s->device_id);
        free(s->alias);
        plug_outlets_free(s->outlets, s->n_outlets);
        *s = (struct kasa_sysinfo){.relay = PLUG_POWER_UNKNOWN};
}

/* {"system":{"<method>":{...}}} -> the inner object, or -EPROTO on err_code != 0. */
static int method_result(json_object *root, const char *method, json_object **ret,
                         struct plug_error *err)
{
        json_object *system, *result, *code, *msg;

        if (!json_object_is_type(root, json_type_object) ||
            !json_object_object_get_ex(root, "system", &system) ||
            !json_object_is_type(system, json_type_object) ||
            !json_object_object_get_ex(system, method, &result) ||
            !json_object_is_type(result, json_type_object))
                return plug_errorf(err, -EBADMSG, "the answer has no system.%s object", method);

        if (json_object_object_get_ex(result, "err_code", &code)) {
                if (!json_object_is_type(code, json_type_int))
                        return plug_errorf(err, -EBADMSG, "%s: err_code is not a number", method);
                if (json_object_get_int64(code) != 0) {
                        const char *text = "";
                        if (json_object_object_get_ex(result, "err_msg", &msg) &&
                            json_object_is_type(msg, json_type_string))
                                text = json_object_get_string(msg);
                        return plug_errorf(err, -EPROTO, "%s failed: err_code %lld %.80s", method,
                                           (long long)json_object_get_int64(code), text);
                }
        }
        *ret = result;
        return 0;
}

/* relay_state / state: 0 off, 1 on, another number unknown; not a number: -EBADMSG. */
static int parse_state(json_object *o, const char *field, enum plug_power *ret,
                       struct plug_error *err)
{
        json_object *v;
        int64_t n;

        if (!json_object_object_get_ex(o, field, &v) || !json_object_is_type(v, json_type_int))
                return plug_errorf(err, -EBADMSG, "the answer has no numeric %s", field);
        n = json_object_get_int64(v);
        *ret = n == 0 ? PLUG_POWER_OFF : n == 1 ? PLUG_POWER_ON : PLUG_POWER_UNKNOWN;
        return 0;
}

static int dup_string_field(json_object *o, const char *field, char **ret)
{
        json_object *v;

        *ret = NULL;
        if (!json_object_object_get_ex(o, field, &v) || !json_object_is_type(v, json_type_string))
                return 0;
        *ret = strdup(json_object_get_string(v));
        return *ret ? 0 : -ENOMEM;
}

int kasa_parse_sysinfo(const char *json, size_t size, struct kasa_sysinfo *ret,
                       struct plug_error *err)
{
        _cleanup_(json_object_putp) json_object *root = NULL;
        struct kasa_sysinfo s = {.relay = PLUG_POWER_UNKNOWN};
        json_object *info, *children;
        int r;

        r = plug_json_parse(json, size, &root, err);
        if (r < 0)
                return r;
        r = method_result(root, "get_sysinfo", &info, err);
        if (r < 0)
                return r;

        if (dup_string_field(info, "deviceId", &s.device_id) < 0 ||
            dup_string_field(info, "alias", &s.alias) < 0) {
                r = plug_errorf(err, -ENOMEM, "out of memory");
                goto fail;
        }

        /* Single-outlet devices have no children, or (some firmware) an empty array. */
        if (json_object_object_get_ex(info, "children", &children) &&
            !(json_object_is_type(children, json_type_array) &&
              json_object_array_length(children) == 0)) {
                size_t n;

                if (!json_object_is_type(children, json_type_array)) {
                        r = plug_errorf(err, -EBADMSG, "children is not an array");
                        goto fail;
                }
                n = json_object_array_length(children);
                if (n > 64) {
                        r = plug_errorf(err, -EBADMSG, "children has %zu entries", n);
                        goto fail;
                }
                s.outlets = calloc(n, sizeof(*s.outlets));
                if (!s.outlets) {
                        r = plug_errorf(err, -ENOMEM, "out of memory");
                        goto fail;
                }
                s.has_children = true;
                for (size_t i = 0; i < n; i++) {
                        json_object *c = json_object_array_get_idx(children, i);
                        struct plug_outlet *o = &s.outlets[i];

                        s.n_outlets = i + 1;
                        o->power = PLUG_POWER_UNKNOWN;
                        if (!json_object_is_type(c, json_type_object)) {
                                r = plug_errorf(err, -EBADMSG, "child %zu is not an object", i);
                                goto fail;
                        }
                        if (dup_string_field(c, "id", &o->id) < 0 ||
                            dup_string_field(c, "alias", &o->alias) < 0) {
                                r = plug_errorf(err, -ENOMEM, "out of memory");
                                goto fail;
                        }
                        if (!o->id || !*o->id) {
                                r = plug_errorf(err, -EBADMSG, "child %zu has no id", i);
                                goto fail;
                        }
                        r = parse_state(c, "state", &o->power, err);
                        if (r < 0)
                                goto fail;
                }
        } else {
                r = parse_state(info, "relay_state", &s.relay, err);
                if (r < 0)
                        goto fail;
        }

        *ret = s;
        return 0;
fail:
        kasa_sysinfo_clear(&s);
        return r;
}

int kasa_parse_set_relay(const char *json, size_t size, struct plug_error *err)
{
        _cleanup_(json_object_putp) json_object *root = NULL;
        json_object *result, *code;
        int r;

        r = plug_json_parse(json, size, &root, err);
        if (r < 0)
                return r;
        r = method_result(root, "set_relay_state", &result, err);
        if (r < 0)
                return r;
        if (!json_object_object_get_ex(result, "err_code", &code))
                return plug_errorf(err, -EBADMSG, "set_relay_state: the answer has no err_code");
        return 0;
}

/* Does the child id cid name the outlet plug? */
static bool child_matches(const char *cid, const char *device_id, const char *plug)
{
        size_t nd = device_id ? strlen(device_id) : 0;

        if (strcmp(cid, plug) == 0)
                return true;
        /* The child id is the short suffix, the plug the full id, or the other way round. */
        if (nd > 0 && strncmp(plug, device_id, nd) == 0 && strcmp(plug + nd, cid) == 0)
                return true;
        if (nd > 0 && strncmp(cid, device_id, nd) == 0 && strcmp(cid + nd, plug) == 0)
                return true;
        return false;
}

int kasa_find_outlet(const struct kasa_sysinfo *s, const char *plug, enum plug_power *ret_power,
                     char **ret_child_id, struct plug_error *err)
{
        bool named = plug && *plug;

        if (!s->has_children) {
                if (named && !(s->device_id && strcmp(plug, s->device_id) == 0))
                        return plug_errorf(err, -ENOENT,
                                           "the device has a single outlet and plug '%.64s' is "
                                           "not its deviceId: leave plug unset "
                                           "(pcmk_host_argument=none) or set it to the deviceId",
                                           plug);
                *ret_power = s->relay;
                *ret_child_id = NULL;
                return 0;
        }

        if (!named)
                return plug_errorf(err, -ENOENT,
                                   "the device is a power strip with %zu outlets: set plug to "
                                   "the child id of the outlet (see action list)",
                                   s->n_outlets);

        for (size_t i = 0; i < s->n_outlets; i++) {
                const char *cid = s->outlets[i].id;
                char *copy;

                if (!child_matches(cid, s->device_id, plug))
                        continue;
                /* The context names the outlet exactly as the device reported it. */
                copy = strdup(cid);
                if (!copy)
                        return plug_errorf(err, -ENOMEM, "out of memory");
                *ret_power = s->outlets[i].power;
                *ret_child_id = copy;
                return 0;
        }
        return plug_errorf(err, -ENOENT, "the power strip has no outlet '%.64s' (see action list)",
                           plug);
}

static int to_string(json_object *o, char **ret)
{
        const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        char *s = text ? strdup(text) : NULL;

        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int kasa_request_sysinfo(char **ret)
{
        char *s = strdup("{\"system\":{\"get_sysinfo\":{}}}");

        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int kasa_request_set_relay(const char *child_id, bool on, char **ret)
{
        _cleanup_(json_object_putp) json_object *root = json_object_new_object();
        json_object *context, *ids, *system, *set;

        if (!root)
                return -ENOMEM;
        if (child_id) {
                context = json_object_new_object();
                if (!context || json_object_object_add(root, "context", context) < 0) {
                        json_object_put(context);
                        return -ENOMEM;
                }
                ids = json_object_new_array();
                if (!ids || json_object_object_add(context, "child_ids", ids) < 0) {
                        json_object_put(ids);
                        return -ENOMEM;
                }
                if (json_object_array_add(ids, json_object_new_string(child_id)) < 0)
                        return -ENOMEM;
        }
        system = json_object_new_object();
        if (!system || json_object_object_add(root, "system", system) < 0) {
                json_object_put(system);
                return -ENOMEM;
        }
        set = json_object_new_object();
        if (!set || json_object_object_add(system, "set_relay_state", set) < 0) {
                json_object_put(set);
                return -ENOMEM;
        }
        if (json_object_object_add(set, "state", json_object_new_int(on ? 1 : 0)) < 0)
                return -ENOMEM;
        return to_string(root, ret);
}
