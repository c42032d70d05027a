/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lab switch's Kasa codec: the XOR autokey cipher against a known
 * vector, round trips, and the length framing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kasa-codec.h"

static const char sysinfo[] = "{\"system\":{\"get_sysinfo\":{}}}";

/* The first 29 bytes the real clients send for get_sysinfo. */
static const uint8_t sysinfo_encrypted[] = {
    0xd0, 0xf2, 0x81, 0xf8, 0x8b, 0xff, 0x9a, 0xf7, 0xd5, 0xef, 0x94, 0xb6, 0xd1, 0xb4, 0xc0,
    0x9f, 0xec, 0x95, 0xe6, 0x8f, 0xe1, 0x87, 0xe8, 0xca, 0xf0, 0x8b, 0xf6, 0x8b, 0xf6,
};

static void test_known_vector(void **state)
{
        uint8_t out[sizeof(sysinfo)];

        (void)state;
        assert_int_equal(strlen(sysinfo), sizeof(sysinfo_encrypted));
        switch_kasa_encrypt((const uint8_t *)sysinfo, out, strlen(sysinfo));
        assert_memory_equal(out, sysinfo_encrypted, sizeof(sysinfo_encrypted));
}

static void test_decrypt_known_vector(void **state)
{
        char out[sizeof(sysinfo)] = {0};

        (void)state;
        switch_kasa_decrypt(sysinfo_encrypted, (uint8_t *)out, sizeof(sysinfo_encrypted));
        assert_string_equal(out, sysinfo);
}

static void test_round_trip(void **state)
{
        uint8_t plain[1024], enc[1024], dec[1024];

        (void)state;
        srand(42);
        for (size_t n = 0; n <= sizeof(plain); n += 37) {
                for (size_t i = 0; i < n; i++)
                        plain[i] = (uint8_t)rand();
                switch_kasa_encrypt(plain, enc, n);
                switch_kasa_decrypt(enc, dec, n);
                assert_memory_equal(dec, plain, n);
        }
}

static void test_in_place(void **state)
{
        uint8_t buf[sizeof(sysinfo)];

        (void)state;
        memcpy(buf, sysinfo, strlen(sysinfo));
        switch_kasa_encrypt(buf, buf, strlen(sysinfo));
        assert_memory_equal(buf, sysinfo_encrypted, sizeof(sysinfo_encrypted));
        switch_kasa_decrypt(buf, buf, strlen(sysinfo));
        assert_memory_equal(buf, sysinfo, strlen(sysinfo));
}

static void test_empty(void **state)
{
        uint8_t dummy = 0x55;

        (void)state;
        switch_kasa_encrypt(&dummy, &dummy, 0);
        switch_kasa_decrypt(&dummy, &dummy, 0);
        assert_int_equal(dummy, 0x55);
}

static void test_header(void **state)
{
        uint8_t h[KASA_HEADER_SIZE];

        (void)state;
        kasa_put_header(h, 29);
        assert_memory_equal(h, ((uint8_t[]){0, 0, 0, 29}), 4);
        kasa_put_header(h, 0x01020304);
        assert_memory_equal(h, ((uint8_t[]){1, 2, 3, 4}), 4);
}

static void test_frame_check(void **state)
{
        uint8_t frame[KASA_HEADER_SIZE + sizeof(sysinfo_encrypted)];
        size_t n = 0;

        (void)state;
        kasa_put_header(frame, sizeof(sysinfo_encrypted));
        memcpy(frame + KASA_HEADER_SIZE, sysinfo_encrypted, sizeof(sysinfo_encrypted));

        /* Incomplete header, then incomplete payload. */
        for (size_t len = 0; len < sizeof(frame); len++)
                assert_int_equal(kasa_frame_check(frame, len, 1024, &n), 0);
        assert_int_equal(kasa_frame_check(frame, sizeof(frame), 1024, &n), 1);
        assert_int_equal(n, sizeof(sysinfo_encrypted));

        /* Trailing bytes of a next message do not matter. */
        uint8_t longer[sizeof(frame) + 3] = {0};
        memcpy(longer, frame, sizeof(frame));
        assert_int_equal(kasa_frame_check(longer, sizeof(longer), 1024, &n), 1);
        assert_int_equal(n, sizeof(sysinfo_encrypted));

        /* A length beyond the limit is refused before any payload arrives. */
        kasa_put_header(frame, 1025);
        assert_int_equal(kasa_frame_check(frame, KASA_HEADER_SIZE, 1024, &n), -EMSGSIZE);
        kasa_put_header(frame, 0xffffffffu);
        assert_int_equal(kasa_frame_check(frame, KASA_HEADER_SIZE, 1024, &n), -EMSGSIZE);

        /* An empty payload is a complete frame. */
        kasa_put_header(frame, 0);
        assert_int_equal(kasa_frame_check(frame, KASA_HEADER_SIZE, 1024, &n), 1);
        assert_int_equal(n, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_known_vector), cmocka_unit_test(test_decrypt_known_vector),
            cmocka_unit_test(test_round_trip),   cmocka_unit_test(test_in_place),
            cmocka_unit_test(test_empty),        cmocka_unit_test(test_header),
            cmocka_unit_test(test_frame_check),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
