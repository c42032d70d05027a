/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for what a smart plug sends back: the Kasa frame
 * decoder and get_sysinfo / set_relay_state parsers (both on the raw bytes
 * and on the decrypted payload of a frame), and the Tasmota, ESPHome and
 * generic HTTP answer parsers. No input may crash, leak or invoke undefined
 * behaviour, every failure must be one of the documented errors with a
 * message, and a success must yield a defined power state.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kasa-codec.h"
#include "lib/plug.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(int r, const struct plug_error *err)
{
        if (r == 0)
                return;
        if (r != -EBADMSG && r != -EPROTO && r != -ENOENT && r != -EACCES && r != -ENOMEM)
                abort();
        if (!err->msg[0])
                abort();
}

static void check_power(enum plug_power p)
{
        if (p != PLUG_POWER_ON && p != PLUG_POWER_OFF && p != PLUG_POWER_UNKNOWN)
                abort();
}

static void parse_kasa(const char *json, size_t size)
{
        static const char *const plugs[] = {NULL, "", "00", "01", "DEV00", "storage-a"};
        struct kasa_sysinfo s = {0};
        struct plug_error err = {""};
        int r;

        r = kasa_parse_sysinfo(json, size, &s, &err);
        check_error(r, &err);
        if (r == 0) {
                check_power(s.relay);
                if (s.has_children && (s.n_outlets == 0 || !s.outlets))
                        abort();
                for (size_t i = 0; i < s.n_outlets; i++) {
                        if (!s.outlets[i].id || !s.outlets[i].id[0])
                                abort();
                        check_power(s.outlets[i].power);
                }
                for (size_t i = 0; i < sizeof(plugs) / sizeof(plugs[0]); i++) {
                        enum plug_power p = PLUG_POWER_UNKNOWN;
                        char *child = NULL;
                        struct plug_error e2 = {""};

                        r = kasa_find_outlet(&s, plugs[i], &p, &child, &e2);
                        check_error(r, &e2);
                        if (r == 0) {
                                check_power(p);
                                if (s.has_children != (child != NULL))
                                        abort();
                        }
                        free(child);
                }
                kasa_sysinfo_clear(&s);
        }

        err.msg[0] = '\0';
        check_error(kasa_parse_set_relay(json, size, &err), &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct plug_error err = {""};
        enum plug_power p;
        char *json = NULL, *id = NULL;
        size_t n;
        int r;

        if (size > 4 * PLUG_RESPONSE_MAX)
                return 0;

        /* A frame off the wire. */
        r = kasa_unframe(data, size, &json, &n);
        if (r != 0 && r != -EBADMSG)
                abort();
        if (r == 0) {
                uint8_t *again = NULL;
                size_t again_size;

                if (n != size - KASA_HEADER_SIZE || json[n] != '\0')
                        abort();
                /* Encrypting the decrypted payload gives the frame back. */
                if (kasa_frame(json, n, &again, &again_size) < 0 || again_size != size ||
                    memcmp(again, data, size) != 0)
                        abort();
                free(again);
                parse_kasa(json, n);
                free(json);
        }

        /* The same bytes as a decrypted payload and as HTTP answers. */
        parse_kasa((const char *)data, size);

        for (unsigned relay = 1; relay <= 2; relay++) {
                err.msg[0] = '\0';
                r = tasmota_parse_power((const char *)data, size, relay, &p, &err);
                check_error(r, &err);
                if (r == 0)
                        check_power(p);
        }
        err.msg[0] = '\0';
        check_error(tasmota_check_answer((const char *)data, size, &err), &err);

        err.msg[0] = '\0';
        r = esphome_parse_state((const char *)data, size, &p, &id, &err);
        check_error(r, &err);
        if (r == 0) {
                check_power(p);
                if (!id)
                        abort();
                free(id);
        }

        err.msg[0] = '\0';
        r = http_parse_relay((const char *)data, size, &p, &err);
        check_error(r, &err);
        if (r == 0)
                check_power(p);
        return 0;
}
