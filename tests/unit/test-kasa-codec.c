/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Kasa legacy codec: the XOR autokey cipher against the published test
 * vector, framing, and the get_sysinfo / set_relay_state answer parsers,
 * including the malformed answers a broken or hostile device sends.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "lib/kasa-codec.h"

static const char sysinfo_request[] = "{\"system\":{\"get_sysinfo\":{}}}";

static void test_known_vector(void **state)
{
        static const uint8_t expected[] = {0xd0, 0xf2, 0x81, 0xf8, 0x8b, 0xff, 0x9a, 0xf7,
                                           0xd5, 0xef, 0x94, 0xb6, 0xd1, 0xb4, 0xc0, 0x9f,
                                           0xec, 0x95, 0xe6, 0x8f, 0xe1, 0x87, 0xe8, 0xca,
                                           0xf0, 0x8b, 0xf6, 0x8b, 0xf6};
        uint8_t out[sizeof(sysinfo_request)];
        size_t n = strlen(sysinfo_request);

        assert_int_equal(n, sizeof(expected));
        kasa_encrypt(sysinfo_request, n, out);
        assert_memory_equal(out, expected, sizeof(expected));

        kasa_decrypt(out, n, out); /* in place */
        assert_memory_equal(out, sysinfo_request, n);
}

static void test_round_trip(void **state)
{
        uint8_t plain[1024], cipher[1024], back[1024];

        srand(7);
        for (size_t n = 0; n <= sizeof(plain); n += 37) {
                for (size_t i = 0; i < n; i++)
                        plain[i] = (uint8_t)rand();
                kasa_encrypt(plain, n, cipher);
                kasa_decrypt(cipher, n, back);
                assert_memory_equal(back, plain, n);
        }
}

static void test_frame(void **state)
{
        uint8_t *data = NULL;
        size_t size = 0, n = 0, len = strlen(sysinfo_request);
        char *json = NULL;

        assert_int_equal(kasa_frame(sysinfo_request, len, &data, &size), 0);
        assert_int_equal(size, KASA_HEADER_SIZE + len);
        assert_int_equal(data[0], 0);
        assert_int_equal(data[1], 0);
        assert_int_equal(data[2], 0);
        assert_int_equal(data[3], len);
        assert_int_equal(data[4], 0xd0);
        assert_int_equal(kasa_header_length(data, &n), 0);
        assert_int_equal(n, len);

        assert_int_equal(kasa_unframe(data, size, &json, &n), 0);
        assert_int_equal(n, len);
        assert_string_equal(json, sysinfo_request);
        free(json);

        /* Truncated, too long, shorter than a header. */
        assert_int_equal(kasa_unframe(data, size - 1, &json, &n), -EBADMSG);
        assert_int_equal(kasa_unframe(data, 3, &json, &n), -EBADMSG);
        assert_int_equal(kasa_unframe(data, 0, &json, &n), -EBADMSG);
        uint8_t *longer = malloc(size + 1);
        assert_non_null(longer);
        memcpy(longer, data, size);
        longer[size] = 0;
        assert_int_equal(kasa_unframe(longer, size + 1, &json, &n), -EBADMSG);
        free(longer);
        free(data);
}

static void test_frame_limits(void **state)
{
        uint8_t big_header[4] = {0x00, 0x01, 0x00, 0x01}; /* 65537 */
        uint8_t max_header[4] = {0x00, 0x01, 0x00, 0x00}; /* 65536 */
        uint8_t huge_header[4] = {0xff, 0xff, 0xff, 0xff};
        uint8_t *data = NULL;
        size_t n = 0, size;
        char *buf = malloc(KASA_PAYLOAD_MAX + 1);

        assert_int_equal(kasa_header_length(big_header, &n), -EMSGSIZE);
        assert_int_equal(kasa_header_length(huge_header, &n), -EMSGSIZE);
        assert_int_equal(kasa_header_length(max_header, &n), 0);
        assert_int_equal(n, KASA_PAYLOAD_MAX);

        assert_non_null(buf);
        memset(buf, 'a', KASA_PAYLOAD_MAX + 1);
        assert_int_equal(kasa_frame(buf, KASA_PAYLOAD_MAX + 1, &data, &size), -EMSGSIZE);
        assert_int_equal(kasa_frame(buf, 0, &data, &size), 0);
        assert_int_equal(size, KASA_HEADER_SIZE);
        free(data);
        free(buf);
}

static int parse(const char *json, struct kasa_sysinfo *s, struct plug_error *err)
{
        return kasa_parse_sysinfo(json, strlen(json), s, err);
}

static void test_sysinfo_single(void **state)
{
        struct kasa_sysinfo s = {0};
        struct plug_error err = {""};
        enum plug_power p;
        char *child = (char *)"unset";

        assert_int_equal(parse("{\"system\":{\"get_sysinfo\":{\"alias\":\"storage-a\","
                               "\"deviceId\":\"80AB\",\"relay_state\":1,\"err_code\":0}}}",
                               &s, &err),
                         0);
        assert_false(s.has_children);
        assert_int_equal(s.relay, PLUG_POWER_ON);
        assert_string_equal(s.alias, "storage-a");
        assert_string_equal(s.device_id, "80AB");

        assert_int_equal(kasa_find_outlet(&s, NULL, &p, &child, &err), 0);
        assert_int_equal(p, PLUG_POWER_ON);
        assert_null(child);
        assert_int_equal(kasa_find_outlet(&s, "", &p, &child, &err), 0);
        assert_int_equal(kasa_find_outlet(&s, "80AB", &p, &child, &err), 0);
        /* Pacemaker's default plug=<node name> on a single-outlet plug is refused. */
        assert_int_equal(kasa_find_outlet(&s, "storage-a", &p, &child, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "single outlet"));
        kasa_sysinfo_clear(&s);

        assert_int_equal(parse("{\"system\":{\"get_sysinfo\":{\"relay_state\":0}}}", &s, &err), 0);
        assert_int_equal(s.relay, PLUG_POWER_OFF);
        assert_null(s.alias);
        kasa_sysinfo_clear(&s);

        /* A state that is neither 0 nor 1 is unknown, never on or off. */
        assert_int_equal(parse("{\"system\":{\"get_sysinfo\":{\"relay_state\":2}}}", &s, &err), 0);
        assert_int_equal(s.relay, PLUG_POWER_UNKNOWN);
        kasa_sysinfo_clear(&s);

        /* An empty children array is a single-outlet device. */
        assert_int_equal(
            parse("{\"system\":{\"get_sysinfo\":{\"relay_state\":1,\"children\":[]}}}", &s, &err),
            0);
        assert_false(s.has_children);
        kasa_sysinfo_clear(&s);
}

static const char strip[] =
    "{\"system\":{\"get_sysinfo\":{\"deviceId\":\"DEV\",\"alias\":\"strip\",\"child_num\":3,"
    "\"children\":[{\"id\":\"DEV00\",\"state\":1,\"alias\":\"storage-a\"},"
    "{\"id\":\"DEV01\",\"state\":0,\"alias\":\"storage-b\"},"
    "{\"id\":\"02\",\"state\":1,\"alias\":\"short\"}],\"err_code\":0}}}";

static void test_sysinfo_strip(void **state)
{
        struct kasa_sysinfo s = {0};
        struct plug_error err = {""};
        enum plug_power p;
        char *child = NULL;

        assert_int_equal(parse(strip, &s, &err), 0);
        assert_true(s.has_children);
        assert_int_equal(s.n_outlets, 3);
        assert_string_equal(s.outlets[1].id, "DEV01");
        assert_string_equal(s.outlets[1].alias, "storage-b");
        assert_int_equal(s.outlets[1].power, PLUG_POWER_OFF);

        /* The outlet must be named on a strip. */
        assert_int_equal(kasa_find_outlet(&s, NULL, &p, &child, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "power strip"));

        assert_int_equal(kasa_find_outlet(&s, "DEV01", &p, &child, &err), 0);
        assert_int_equal(p, PLUG_POWER_OFF);
        assert_string_equal(child, "DEV01");
        free(child);

        /* The short suffix names a full child id. */
        assert_int_equal(kasa_find_outlet(&s, "00", &p, &child, &err), 0);
        assert_int_equal(p, PLUG_POWER_ON);
        assert_string_equal(child, "DEV00");
        free(child);

        /* A short child id is matched either way, and sent back as reported. */
        assert_int_equal(kasa_find_outlet(&s, "02", &p, &child, &err), 0);
        assert_string_equal(child, "02");
        free(child);
        assert_int_equal(kasa_find_outlet(&s, "DEV02", &p, &child, &err), 0);
        assert_string_equal(child, "02");
        free(child);

        assert_int_equal(kasa_find_outlet(&s, "03", &p, &child, &err), -ENOENT);
        assert_int_equal(kasa_find_outlet(&s, "storage-a", &p, &child, &err), -ENOENT);
        kasa_sysinfo_clear(&s);
}

static void test_sysinfo_malformed(void **state)
{
        static const char *const bad[] = {
            "",
            "garbage",
            "{\"system\":{\"get_sysinfo\":{\"relay_state\":1}}", /* truncated */
            "{\"system\":{\"get_sysinfo\":{\"relay_state\":1}}} trailing",
            "[]",
            "{}",
            "{\"system\":[]}",
            "{\"system\":{\"get_sysinfo\":\"x\"}}",
            "{\"system\":{\"get_sysinfo\":{}}}",
            "{\"system\":{\"get_sysinfo\":{\"relay_state\":\"1\"}}}",
            "{\"system\":{\"get_sysinfo\":{\"relay_state\":true}}}",
            "{\"system\":{\"get_sysinfo\":{\"relay_state\":1,\"err_code\":\"0\"}}}",
            "{\"system\":{\"get_sysinfo\":{\"children\":{}}}}",
            "{\"system\":{\"get_sysinfo\":{\"children\":[1]}}}",
            "{\"system\":{\"get_sysinfo\":{\"children\":[{\"state\":1}]}}}",
            "{\"system\":{\"get_sysinfo\":{\"children\":[{\"id\":\"\",\"state\":1}]}}}",
            "{\"system\":{\"get_sysinfo\":{\"children\":[{\"id\":\"00\"}]}}}",
        };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct kasa_sysinfo s = {0};
                struct plug_error err = {""};

                assert_int_equal(parse(bad[i], &s, &err), -EBADMSG);
                assert_true(err.msg[0] != '\0');
        }

        /* Embedded NUL: never trusted. */
        struct kasa_sysinfo s = {0};
        struct plug_error err = {""};
        static const char nul[] = "{\"system\":{\"get_sysinfo\":{\"relay_state\":0}}}\0x";
        assert_int_equal(kasa_parse_sysinfo(nul, sizeof(nul) - 1, &s, &err), -EBADMSG);
}

static void test_sysinfo_device_error(void **state)
{
        struct kasa_sysinfo s = {0};
        struct plug_error err = {""};

        assert_int_equal(parse("{\"system\":{\"get_sysinfo\":{\"err_code\":-1,\"err_msg\":"
                               "\"power state unknown\"}}}",
                               &s, &err),
                         -EPROTO);
        assert_non_null(strstr(err.msg, "power state unknown"));
}

static int set_relay(const char *json)
{
        struct plug_error err = {""};

        return kasa_parse_set_relay(json, strlen(json), &err);
}

static void test_set_relay(void **state)
{
        char *req = NULL;
        json_object *o, *v;

        assert_int_equal(set_relay("{\"system\":{\"set_relay_state\":{\"err_code\":0}}}"), 0);
        assert_int_equal(set_relay("{\"system\":{\"set_relay_state\":{\"err_code\":-3,"
                                   "\"err_msg\":\"invalid argument\"}}}"),
                         -EPROTO);
        assert_int_equal(set_relay("{\"system\":{\"set_relay_state\":{}}}"), -EBADMSG);
        assert_int_equal(set_relay("{\"system\":{}}"), -EBADMSG);
        assert_int_equal(set_relay("\x01\x02"), -EBADMSG);

        assert_int_equal(kasa_request_set_relay(NULL, false, &req), 0);
        assert_string_equal(req, "{\"system\":{\"set_relay_state\":{\"state\":0}}}");
        free(req);

        assert_int_equal(kasa_request_set_relay("DEV\"01", true, &req), 0);
        o = json_tokener_parse(req);
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "context", &v));
        assert_true(json_object_object_get_ex(v, "child_ids", &v));
        assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)), "DEV\"01");
        json_object_put(o);
        free(req);

        assert_int_equal(kasa_request_sysinfo(&req), 0);
        assert_string_equal(req, sysinfo_request);
        free(req);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_known_vector),
            cmocka_unit_test(test_round_trip),
            cmocka_unit_test(test_frame),
            cmocka_unit_test(test_frame_limits),
            cmocka_unit_test(test_sysinfo_single),
            cmocka_unit_test(test_sysinfo_strip),
            cmocka_unit_test(test_sysinfo_malformed),
            cmocka_unit_test(test_sysinfo_device_error),
            cmocka_unit_test(test_set_relay),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
