/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fence agents without a device: option parsing from stdin and argv as
 * the fencer and operators write them, validation, the exit-code mapping,
 * the metadata (well-formed, complete), the HTTP answer parsers, the
 * credential store lookup, and the action engine against a scripted fake
 * plug (already off, stuck relay, unknown state, failing power-on). The
 * binary is run for the argv[0] personalities and the exit codes a caller
 * sees.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd/fence.h"
#include "exec-util.h"
#include "lib/cred.h"
#include "lib/fence.h"
#include "lib/plug.h"

static const struct fence_agent *agent(const char *name)
{
        const struct fence_agent *a = fence_agent_find(name);
        assert_non_null(a);
        return a;
}

/* Parse stdin text for agent name; returns the parser's result. */
static int parse_text(const char *name, const char *text, struct fence_options *o,
                      struct fence_diag *d)
{
        fence_options_init(o, "/etc/hasan/credentials", "/etc/hasan/credentials.key");
        *d = (struct fence_diag){0};
        return fence_parse_stdin(agent(name), text, strlen(text), o, d);
}

static bool has_warning(const struct fence_diag *d, const char *needle)
{
        for (size_t i = 0; i < d->n_warnings; i++)
                if (strstr(d->warnings[i], needle))
                        return true;
        return false;
}

/* ---- stdin ---- */

static void test_stdin_basic(void **state)
{
        struct fence_options o;
        struct fence_diag d;

        assert_int_equal(parse_text("tasmota",
                                    "# written by the fencer\n"
                                    "\n"
                                    "action=off\n"
                                    "ip=192.0.2.10\n"
                                    "ipport=8080\n"
                                    "plug=2\n"
                                    "username=operator\n"
                                    "password=s3cret\n"
                                    "nodename=storage-a\n"
                                    "nodeid=1\n",
                                    &o, &d),
                         0);
        assert_int_equal(o.action, FENCE_ACTION_OFF);
        assert_string_equal(o.ip, "192.0.2.10");
        assert_int_equal(o.ipport, 8080);
        assert_string_equal(o.plug, "2");
        assert_string_equal(o.username, "operator");
        assert_string_equal(o.password, "s3cret");
        assert_false(o.password_on_argv);
        /* nodename and nodeid are dropped without a word. */
        assert_int_equal(d.n_warnings, 0);
        assert_string_equal(d.error, "");
        /* Library defaults. */
        assert_int_equal(o.power_timeout, 20);
        assert_int_equal(o.power_wait, 0);
        assert_int_equal(o.shell_timeout, 3);
        assert_int_equal(o.delay, 0);
        assert_int_equal(o.retry_on, 1);
        assert_int_equal(o.verify_timeout, 10);
        assert_int_equal(o.n_verify, 0);
        fence_options_clear(&o);
        fence_diag_clear(&d);
}

static void test_stdin_aliases(void **state)
{
        struct fence_options o;
        struct fence_diag d;

        assert_int_equal(parse_text("http",
                                    "option=status\n"
                                    "ipaddr=relay.example\n"
                                    "port=1\n"
                                    "login=root\n"
                                    "passwd=pw\n",
                                    &o, &d),
                         0);
        assert_int_equal(o.action, FENCE_ACTION_STATUS);
        assert_string_equal(o.ip, "relay.example");
        assert_string_equal(o.plug, "1");
        assert_string_equal(o.username, "root");
        assert_string_equal(o.password, "pw");
        assert_int_equal(d.n_warnings, 0);
        fence_options_clear(&o);
        fence_diag_clear(&d);

        /* Dash and underscore are the same in keys; meta-data is metadata. */
        assert_int_equal(parse_text("kasa",
                                    "action=meta-data\npower-timeout=7\nshell_timeout=2\n"
                                    "verify-addresses=10.0.0.1\n",
                                    &o, &d),
                         0);
        assert_int_equal(o.action, FENCE_ACTION_METADATA);
        assert_int_equal(o.power_timeout, 7);
        assert_int_equal(o.shell_timeout, 2);
        assert_int_equal(o.n_verify, 1);
        fence_options_clear(&o);
        fence_diag_clear(&d);
}

static void test_stdin_quotes_spaces_last_wins(void **state)
{
        struct fence_options o;
        struct fence_diag d;

        assert_int_equal(parse_text("esphome",
                                    "  plug = \"Relay One\"  \n"
                                    "password='it''s'\n"
                                    "ip=10.0.0.1\n"
                                    "ip=10.0.0.2\n"
                                    "username=\"\n"
                                    "   # indented comment\n"
                                    "action=on\r\n",
                                    &o, &d),
                         0);
        assert_string_equal(o.plug, "Relay One");
        /* Only one surrounding pair is stripped. */
        assert_string_equal(o.password, "it''s");
        assert_string_equal(o.ip, "10.0.0.2");
        /* A lone quote is a value, not a pair. */
        assert_string_equal(o.username, "\"");
        assert_int_equal(o.action, FENCE_ACTION_ON);
        fence_options_clear(&o);
        fence_diag_clear(&d);

        /* An empty value resets the option to its default. */
        assert_int_equal(
            parse_text("tasmota", "plug=3\nplug=\npower_timeout=5\npower_timeout=\n", &o, &d), 0);
        assert_null(o.plug);
        assert_int_equal(o.power_timeout, 20);
        fence_options_clear(&o);
        fence_diag_clear(&d);
}

static void test_stdin_missing_action_is_reboot(void **state)
{
        struct fence_options o;
        struct fence_diag d;

        assert_int_equal(parse_text("kasa", "ip=10.0.0.1\n", &o, &d), 0);
        assert_int_equal(o.action, FENCE_ACTION_REBOOT);
        fence_options_clear(&o);
        fence_diag_clear(&d);

        assert_int_equal(parse_text("kasa", "", &o, &d), 0);
        assert_int_equal(o.action, FENCE_ACTION_REBOOT);
        fence_options_clear(&o);
        fence_diag_clear(&d);
}

static void test_stdin_booleans(void **state)
{
        static const char *const yes[] = {"1", "yes", "on", "true", "YES", "True"};
        static const char *const no[] = {"0", "no", "off", "false", "OFF"};
        struct fence_options o;
        struct fence_diag d;
        char text[64];

        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
                snprintf(text, sizeof(text), "verbose=%s\nssl=%s\n", yes[i], yes[i]);
                assert_int_equal(parse_text("esphome", text, &o, &d), 0);
                assert_true(o.verbose);
                assert_true(o.ssl);
                fence_options_clear(&o);
                fence_diag_clear(&d);
        }
        for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
                snprintf(text, sizeof(text), "verbose=1\nverbose=%s\n", no[i]);
                assert_int_equal(parse_text("esphome", text, &o, &d), 0);
                assert_false(o.verbose);
                fence_options_clear(&o);
                fence_diag_clear(&d);
        }
        assert_int_equal(parse_text("esphome", "verbose=maybe\naction=off\n", &o, &d), -EINVAL);
        assert_non_null(strstr(d.error, "verbose"));
        /* Parsing goes on after an error, so the action is known. */
        assert_int_equal(o.action, FENCE_ACTION_OFF);
        fence_options_clear(&o);
        fence_diag_clear(&d);
}

static void test_stdin_unknown_keys(void **state)
{
        struct fence_options o;
        struct fence_diag d;

        assert_int_equal(parse_text("kasa",
                                    "ip=10.0.0.1\n"
                                    "pasword=typo-secret\n"
                                    "no equals sign here\n"
                                    "password=ignored-on-kasa\n",
                                    &o, &d),
                         0);
        assert_int_equal(d.n_warnings, 3);
        assert_true(has_warning(&d, "unknown option 'pasword'"));
        assert_true(has_warning(&d, "no '='"));
        /* Kasa has no authentication: the option is ignored with a warning. */
        assert_true(has_warning(&d, "'password': fence_kasa does not use it"));
        assert_null(o.password);
        /* No value ever reaches a message. */
        for (size_t i = 0; i < d.n_warnings; i++) {
                assert_null(strstr(d.warnings[i], "typo-secret"));
                assert_null(strstr(d.warnings[i], "ignored-on-kasa"));
        }
        fence_options_clear(&o);
        fence_diag_clear(&d);

        /* A line with a NUL byte is skipped. */
        static const char nul[] = "ip=10.0.0.1\nplug=1\0x\naction=off\n";
        fence_options_init(&o, NULL, NULL);
        d = (struct fence_diag){0};
        assert_int_equal(fence_parse_stdin(agent("tasmota"), nul, sizeof(nul) - 1, &o, &d), 0);
        assert_null(o.plug);
        assert_int_equal(o.action, FENCE_ACTION_OFF);
        assert_true(has_warning(&d, "NUL"));
        fence_options_clear(&o);
        fence_diag_clear(&d);
}

static void test_stdin_errors(void **state)
{
        static const struct {
                const char *text, *needle;
        } cases[] = {
            {"action=explode\n", "invalid action 'explode'"},
            {"power_timeout=0\n", "power_timeout"},
            {"power_timeout=601\n", "power_timeout"},
            {"shell_timeout=-1\n", "shell_timeout"},
            {"ipport=65536\n", "ipport"},
            {"ipport=80x\n", "ipport"},
            {"retry_on=11\n", "retry_on"},
            {"delay=1.5\n", "delay"},
            {"verify_addresses=10.0.0.1,storage-a\n", "'storage-a' is not an IPv4"},
            {"verify_addresses=::1\n", "IPv4"},
            {"password_script=/bin/echo\n", "not supported"},
            {"passwd_script=/bin/echo\n", "not supported"},
            {"credential=../etc\n", "invalid credential name"},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct fence_options o;
                struct fence_diag d;

                assert_int_equal(parse_text("tasmota", cases[i].text, &o, &d), -EINVAL);
                if (!strstr(d.error, cases[i].needle))
                        fail_msg("'%s': error '%s' lacks '%s'", cases[i].text, d.error,
                                 cases[i].needle);
                fence_options_clear(&o);
                fence_diag_clear(&d);
        }
}

static void test_stdin_verify_addresses(void **state)
{
        struct fence_options o;
        struct fence_diag d;
        char text[512] = "verify_addresses=";

        assert_int_equal(
            parse_text("kasa", "verify_addresses=10.0.0.1, 10.0.1.1,,127.0.0.1\n", &o, &d), 0);
        assert_int_equal(o.n_verify, 3);
        assert_int_equal(ntohl(o.verify[2].s_addr), 0x7f000001);
        fence_options_clear(&o);
        fence_diag_clear(&d);

        for (int i = 0; i <= FENCE_VERIFY_MAX; i++)
                snprintf(text + strlen(text), sizeof(text) - strlen(text), "10.0.0.%d,", i + 1);
        strcat(text, "\n");
        assert_int_equal(parse_text("kasa", text, &o, &d), -EINVAL);
        assert_non_null(strstr(d.error, "more than"));
        fence_options_clear(&o);
        fence_diag_clear(&d);
}

static void test_stdin_too_large(void **state)
{
        struct fence_options o;
        struct fence_diag d = {0};
        char *big = malloc(FENCE_STDIN_MAX + 2);

        assert_non_null(big);
        memset(big, '#', FENCE_STDIN_MAX + 1);
        big[FENCE_STDIN_MAX + 1] = '\0';
        fence_options_init(&o, NULL, NULL);
        assert_int_equal(fence_parse_stdin(agent("kasa"), big, FENCE_STDIN_MAX + 1, &o, &d),
                         -EINVAL);
        free(big);
        fence_options_clear(&o);
        fence_diag_clear(&d);
}

/* ---- argv ---- */

struct argv_buf {
        char *argv[32];
        int argc;
};

static void argv_build(struct argv_buf *b, const char *first, ...)
{
        va_list ap;

        b->argc = 0;
        va_start(ap, first);
        for (const char *a = first; a; a = va_arg(ap, const char *)) {
                assert_true(b->argc < 31);
                b->argv[b->argc] = strdup(a);
                assert_non_null(b->argv[b->argc]);
                b->argc++;
        }
        va_end(ap);
        b->argv[b->argc] = NULL;
}

static void argv_free(struct argv_buf *b)
{
        for (int i = 0; i < b->argc; i++)
                free(b->argv[i]);
}

static int parse_argv(const char *name, struct argv_buf *b, struct fence_options *o,
                      struct fence_diag *d)
{
        fence_options_init(o, NULL, NULL);
        *d = (struct fence_diag){0};
        return fence_parse_argv(agent(name), b->argc, b->argv, o, d);
}

static void test_argv_short_and_long(void **state)
{
        struct argv_buf b;
        struct fence_options o;
        struct fence_diag d;

        argv_build(&b, "fence_tasmota", "-o", "off", "-a", "10.0.0.9", "-u", "8081", "-n", "2",
                   "-l", "admin", "-v", "--power-timeout=9", "--power-wait", "1",
                   "--shell-timeout=4", "--delay=2", "--retry-on=3", "--verify-timeout=5",
                   "--verify-addresses=10.0.0.1,10.0.0.2", "--credential", "plug-a",
                   "--cred-store=/tmp/s", "--cred-key=/tmp/k", NULL);
        assert_int_equal(parse_argv("tasmota", &b, &o, &d), 0);
        assert_int_equal(o.action, FENCE_ACTION_OFF);
        assert_string_equal(o.ip, "10.0.0.9");
        assert_int_equal(o.ipport, 8081);
        assert_string_equal(o.plug, "2");
        assert_string_equal(o.username, "admin");
        assert_true(o.verbose);
        assert_int_equal(o.power_timeout, 9);
        assert_int_equal(o.power_wait, 1);
        assert_int_equal(o.shell_timeout, 4);
        assert_int_equal(o.delay, 2);
        assert_int_equal(o.retry_on, 3);
        assert_int_equal(o.verify_timeout, 5);
        assert_int_equal(o.n_verify, 2);
        assert_string_equal(o.credential, "plug-a");
        assert_string_equal(o.cred_store, "/tmp/s");
        assert_string_equal(o.cred_key, "/tmp/k");
        assert_false(o.password_on_argv);
        fence_options_clear(&o);
        fence_diag_clear(&d);
        argv_free(&b);

        argv_build(&b, "fence_hasan_http", "--action=list-status", "--ip", "h", "--plug=0",
                   "--username", "u", "--ssl-insecure", NULL);
        assert_int_equal(parse_argv("http", &b, &o, &d), 0);
        assert_int_equal(o.action, FENCE_ACTION_LIST_STATUS);
        assert_true(o.ssl_insecure);
        fence_options_clear(&o);
        fence_diag_clear(&d);
        argv_free(&b);
}

static void test_argv_password_is_flagged_and_wiped(void **state)
{
        struct argv_buf b;
        struct fence_options o;
        struct fence_diag d;

        argv_build(&b, "fence_esphome", "-a", "10.0.0.1", "-p", "hunter2", "-n", "Relay", NULL);
        assert_int_equal(parse_argv("esphome", &b, &o, &d), 0);
        assert_string_equal(o.password, "hunter2");
        assert_true(o.password_on_argv);
        /* The argument string no longer holds the password. */
        for (int i = 0; i < b.argc; i++)
                assert_null(strstr(b.argv[i], "hunter2"));
        fence_options_clear(&o);
        fence_diag_clear(&d);
        argv_free(&b);
}

static void test_argv_errors(void **state)
{
        static const struct {
                const char *args[4];
                const char *needle;
        } cases[] = {
            {{"--bogus", NULL}, "unrecognized option '--bogus'"},
            {{"-x", NULL}, "unrecognized option '-x'"},
            {{"-o", NULL}, "requires an argument"},
            {{"-S", "/bin/pw", NULL}, "not supported"},
            {{"--password-script=/bin/pw", NULL}, "not supported"},
            {{"-o", "off", "stray", NULL}, "unexpected argument 'stray'"},
            {{"--power-timeout=abc", NULL}, "power_timeout"},
            {{"-o", "dance", NULL}, "invalid action"},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct argv_buf b;
                struct fence_options o;
                struct fence_diag d;

                argv_build(&b, "fence_tasmota", cases[i].args[0], cases[i].args[1],
                           cases[i].args[2], NULL);
                assert_int_equal(parse_argv("tasmota", &b, &o, &d), -EINVAL);
                if (!strstr(d.error, cases[i].needle))
                        fail_msg("case %zu: error '%s' lacks '%s'", i, d.error, cases[i].needle);
                fence_options_clear(&o);
                fence_diag_clear(&d);
                argv_free(&b);
        }

        /* Options a protocol cannot use are ignored with a warning. */
        struct argv_buf b;
        struct fence_options o;
        struct fence_diag d;
        argv_build(&b, "fence_kasa", "--ssl", "-l", "x", NULL);
        assert_int_equal(parse_argv("kasa", &b, &o, &d), 0);
        assert_false(o.ssl);
        assert_null(o.username);
        assert_true(has_warning(&d, "'ssl'"));
        assert_true(has_warning(&d, "'username'"));
        fence_options_clear(&o);
        fence_diag_clear(&d);
        argv_free(&b);
}

/* ---- validation ---- */

static int validate(const char *name, const char *text, struct fence_diag *d)
{
        struct fence_options o;
        int r;

        assert_int_equal(parse_text(name, text, &o, d), 0);
        r = fence_options_validate(agent(name), &o, d);
        fence_options_clear(&o);
        return r;
}

static void test_validate(void **state)
{
        static const struct {
                const char *agent, *text, *needle; /* needle NULL: valid */
        } cases[] = {
            {"kasa", "ip=10.0.0.1\n", NULL},
            {"kasa", "ip=plug-a.lab.example\nplug=8006ABCD00\n", NULL},
            {"kasa", "ip=fd00::5\n", NULL},
            {"kasa", "action=off\n", "missing ip"},
            {"kasa", "ip=http://10.0.0.1/\n", "invalid ip"},
            {"kasa", "ip=10.0.0.1 \n", NULL},
            {"kasa", "ip=a b\n", "invalid ip"},
            {"kasa", "ip=10.0.0.1\nplug=has space\n", "invalid plug"},
            {"tasmota", "ip=10.0.0.1\n", NULL},
            {"tasmota", "ip=10.0.0.1\nplug=32\n", NULL},
            {"tasmota", "ip=10.0.0.1\nplug=0\n", "relay number"},
            {"tasmota", "ip=10.0.0.1\nplug=33\n", "relay number"},
            {"tasmota", "ip=10.0.0.1\nplug=storage-a\n", "relay number"},
            {"esphome", "ip=10.0.0.1\n", "entity name) is required"},
            {"esphome", "ip=10.0.0.1\nplug=Relay 2\n", NULL},
            {"http", "ip=10.0.0.1\n", NULL},
            {"http", "ip=10.0.0.1\npassword=a\ncredential=b\n", "not both"},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct fence_diag d;
                int r = validate(cases[i].agent, cases[i].text, &d);

                if (!cases[i].needle && r != 0)
                        fail_msg("case %zu: unexpected error '%s'", i, d.error);
                if (cases[i].needle && (r != -EINVAL || !strstr(d.error, cases[i].needle)))
                        fail_msg("case %zu: error '%s' lacks '%s'", i, d.error, cases[i].needle);
                fence_diag_clear(&d);
        }
}

/* ---- exit codes ---- */

static void test_exit_codes(void **state)
{
        /* Success; status reports the state. */
        assert_int_equal(fence_exit_code(FENCE_ACTION_OFF, 0, PLUG_POWER_UNKNOWN), 0);
        assert_int_equal(fence_exit_code(FENCE_ACTION_STATUS, 0, PLUG_POWER_ON), 0);
        assert_int_equal(fence_exit_code(FENCE_ACTION_STATUS, 0, PLUG_POWER_OFF), 2);
        assert_int_equal(fence_exit_code(FENCE_ACTION_MONITOR, 0, PLUG_POWER_OFF), 0);

        /* status and monitor: one failure code, whatever went wrong. */
        static const int errs[] = {-EINVAL, -ENOKEY,  -EACCES, -ECONNRESET,  -ETIMEDOUT,
                                   -ETIME,  -EBADMSG, -ENOENT, -ECONNREFUSED};
        for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
                assert_int_equal(fence_exit_code(FENCE_ACTION_STATUS, errs[i], PLUG_POWER_ON), 1);
                assert_int_equal(fence_exit_code(FENCE_ACTION_MONITOR, errs[i], PLUG_POWER_ON), 1);
        }

        assert_int_equal(fence_exit_code(FENCE_ACTION_OFF, -EINVAL, 0), FENCE_EC_BAD_ARGS);
        assert_int_equal(fence_exit_code(FENCE_ACTION_OFF, -ENOKEY, 0), FENCE_EC_PASSWORD_MISSING);
        assert_int_equal(fence_exit_code(FENCE_ACTION_OFF, -EACCES, 0), FENCE_EC_LOGIN_DENIED);
        assert_int_equal(fence_exit_code(FENCE_ACTION_OFF, -ECONNRESET, 0),
                         FENCE_EC_CONNECTION_LOST);
        assert_int_equal(fence_exit_code(FENCE_ACTION_OFF, -ETIMEDOUT, 0), FENCE_EC_TIMED_OUT);
        assert_int_equal(fence_exit_code(FENCE_ACTION_OFF, -ETIME, 0), FENCE_EC_WAITING_OFF);
        assert_int_equal(fence_exit_code(FENCE_ACTION_REBOOT, -ETIME, 0), FENCE_EC_WAITING_OFF);
        assert_int_equal(fence_exit_code(FENCE_ACTION_ON, -ETIME, 0), FENCE_EC_WAITING_ON);
        assert_int_equal(fence_exit_code(FENCE_ACTION_OFF, -EBADMSG, 0), FENCE_EC_STATUS);
        assert_int_equal(fence_exit_code(FENCE_ACTION_OFF, -ENOENT, 0), FENCE_EC_STATUS);
        assert_int_equal(fence_exit_code(FENCE_ACTION_OFF, -ECONNREFUSED, 0),
                         FENCE_EC_GENERIC_ERROR);
        assert_int_equal(fence_exit_code(FENCE_ACTION_OFF, -EPROTO, 0), FENCE_EC_GENERIC_ERROR);
        assert_int_equal(fence_exit_code(FENCE_ACTION_LIST, -EIO, 0), FENCE_EC_GENERIC_ERROR);

        /* The numbers are the fence-agents library's. */
        assert_int_equal(FENCE_EC_LOGIN_DENIED, 3);
        assert_int_equal(FENCE_EC_TIMED_OUT, 5);
        assert_int_equal(FENCE_EC_WAITING_ON, 6);
        assert_int_equal(FENCE_EC_WAITING_OFF, 7);
        assert_int_equal(FENCE_EC_STATUS, 8);
        assert_int_equal(FENCE_EC_PASSWORD_MISSING, 10);
}

static void test_actions(void **state)
{
        static const char *const names[] = {"on",      "off",         "reboot",  "status",
                                            "list",    "list-status", "monitor", "metadata",
                                            "manpage", "validate-all"};

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                enum fence_action a = fence_action_from_string(names[i]);
                assert_true(a >= 0);
                assert_string_equal(fence_action_to_string(a), names[i]);
        }
        assert_int_equal(fence_action_from_string("meta-data"), FENCE_ACTION_METADATA);
        assert_int_equal(fence_action_from_string("OFF"), FENCE_ACTION_OFF);
        assert_int_equal(fence_action_from_string("enable"), -EINVAL);
        assert_int_equal(fence_action_from_string(""), -EINVAL);
        assert_null(fence_action_to_string(_FENCE_ACTION_MAX));
}

/* ---- metadata ---- */

/* A small XML well-formedness check: balanced tags, quoted attributes, known entities. */
static const char *xml_check(const char *x, char *root, size_t root_size)
{
        char stack[16][64];
        int depth = 0, roots = 0;
        const char *p = x;

        if (strncmp(p, "<?xml ", 6) == 0) {
                p = strstr(p, "?>");
                if (!p)
                        return "unterminated declaration";
                p += 2;
        }
        while (*p) {
                if (*p == '&') {
                        if (strncmp(p, "&amp;", 5) && strncmp(p, "&lt;", 4) &&
                            strncmp(p, "&gt;", 4) && strncmp(p, "&quot;", 6) &&
                            strncmp(p, "&apos;", 6))
                                return "bad entity in text";
                        p++;
                        continue;
                }
                if (*p != '<') {
                        if (depth == 0 && !strchr(" \t\n", *p))
                                return "text outside the root";
                        p++;
                        continue;
                }
                p++;
                bool closing = *p == '/';
                if (closing)
                        p++;
                size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz-");
                if (n == 0 || n >= 64)
                        return "bad tag name";
                char name[64];
                memcpy(name, p, n);
                name[n] = '\0';
                p += n;
                if (closing) {
                        if (*p != '>' || depth == 0 || strcmp(stack[depth - 1], name) != 0)
                                return "mismatched closing tag";
                        depth--;
                        p++;
                        continue;
                }
                for (;;) {
                        p += strspn(p, " \t\n");
                        if (*p == '>' || (p[0] == '/' && p[1] == '>'))
                                break;
                        size_t an = strspn(p, "abcdefghijklmnopqrstuvwxyz-_");
                        if (an == 0 || p[an] != '=' || p[an + 1] != '"')
                                return "bad attribute";
                        p += an + 2;
                        const char *end = strchr(p, '"');
                        if (!end)
                                return "unterminated attribute";
                        for (const char *c = p; c < end; c++)
                                if (*c == '<' ||
                                    (*c == '&' && strncmp(c, "&amp;", 5) && strncmp(c, "&lt;", 4) &&
                                     strncmp(c, "&gt;", 4) && strncmp(c, "&quot;", 6) &&
                                     strncmp(c, "&apos;", 6)))
                                        return "bad character in attribute";
                        p = end + 1;
                }
                if (depth == 0) {
                        roots++;
                        snprintf(root, root_size, "%s", name);
                }
                if (*p == '/') {
                        p += 2;
                        continue;
                }
                if (depth == 16)
                        return "too deep";
                snprintf(stack[depth++], sizeof(stack[0]), "%s", name);
                p++;
        }
        if (depth != 0)
                return "unclosed element";
        if (roots != 1)
                return "not exactly one root element";
        return NULL;
}

static size_t count(const char *s, const char *needle)
{
        size_t n = 0;

        for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
                n++;
        return n;
}

static void test_metadata(void **state)
{
        for (size_t i = 0; i < fence_agents_count; i++) {
                const struct fence_agent *a = &fence_agents[i];
                char *xml = NULL, root[64] = "", head[128];
                const char *problem;

                assert_int_equal(fence_metadata(a, &xml), 0);
                problem = xml_check(xml, root, sizeof(root));
                if (problem)
                        fail_msg("%s: %s", a->name, problem);
                assert_string_equal(root, "resource-agent");
                snprintf(head, sizeof(head), "<resource-agent name=\"%s\" shortdesc=\"", a->name);
                assert_non_null(strstr(xml, head));
                assert_int_equal(count(xml, "<longdesc>"), 1);
                assert_int_equal(count(xml, "<vendor-url>"), 1);
                assert_int_equal(count(xml, "<parameters>"), 1);

                /* Every parameter has getopt, content and an English shortdesc. */
                size_t n = count(xml, "<parameter name=");
                assert_true(n >= 14);
                assert_int_equal(count(xml, "<getopt mixed="), n);
                assert_int_equal(count(xml, "<content type="), n);
                assert_int_equal(count(xml, "<shortdesc lang=\"en\">"), n);
                assert_non_null(strstr(xml, "<parameter name=\"plug\" unique=\"0\""));
                assert_non_null(strstr(xml, "obsoletes=\"port\""));
                assert_non_null(strstr(xml, "<parameter name=\"port\" unique=\"0\" required=\"0\" "
                                            "deprecated=\"1\">"));
                assert_non_null(strstr(xml, "<parameter name=\"verify_addresses\""));
                assert_non_null(strstr(xml, "<content type=\"second\" default=\"20\" />"));
                assert_null(strstr(xml, "cred_store"));
                assert_null(strstr(xml, "password_script"));
                bool auth = a->ops->supports_auth;
                assert_int_equal(strstr(xml, "<parameter name=\"credential\"") != NULL, auth);
                assert_int_equal(strstr(xml, "<parameter name=\"password\"") != NULL, auth);

                assert_non_null(strstr(xml, "<action name=\"on\" automatic=\"0\"/>"));
                static const char *const actions[] = {"off",      "reboot",      "status",
                                                      "list",     "list-status", "monitor",
                                                      "metadata", "manpage",     "validate-all"};
                for (size_t k = 0; k < sizeof(actions) / sizeof(actions[0]); k++) {
                        char tag[64];
                        snprintf(tag, sizeof(tag), "<action name=\"%s\" />", actions[k]);
                        assert_int_equal(count(xml, tag), 1);
                }
                free(xml);

                char *man = NULL;
                assert_int_equal(fence_manpage(a, &man), 0);
                assert_non_null(strstr(man, a->name));
                assert_non_null(strstr(man, "power_timeout"));
                free(man);
        }

        /* The checker itself catches what it is there for. */
        char root[64];
        assert_non_null(xml_check("<a><b></a></b>", root, sizeof(root)));
        assert_non_null(xml_check("<a x=\"1 & 2\"/>", root, sizeof(root)));
        assert_non_null(xml_check("<a/><b/>", root, sizeof(root)));
        assert_non_null(xml_check("<a>", root, sizeof(root)));
        assert_null(xml_check("<a x=\"&lt;\"><b/></a>", root, sizeof(root)));
}

/* ---- HTTP answer parsers ---- */

static void test_tasmota_parser(void **state)
{
        struct plug_error err = {""};
        enum plug_power p;

#define T(body, relay) tasmota_parse_power(body, strlen(body), relay, &p, &err)
        assert_int_equal(T("{\"POWER\":\"ON\"}", 1), 0);
        assert_int_equal(p, PLUG_POWER_ON);
        assert_int_equal(T("{\"POWER1\":\"off\"}", 1), 0);
        assert_int_equal(p, PLUG_POWER_OFF);
        assert_int_equal(T("{\"POWER2\":\"OFF\"}", 2), 0);
        assert_int_equal(p, PLUG_POWER_OFF);
        assert_int_equal(T("{\"POWER2\":\"BLINK\"}", 2), 0);
        assert_int_equal(p, PLUG_POWER_UNKNOWN);
        assert_int_equal(T("{\"POWER2\":1}", 2), 0);
        assert_int_equal(p, PLUG_POWER_UNKNOWN);
        /* "POWER" answers relay 1 only. */
        assert_int_equal(T("{\"POWER\":\"ON\"}", 2), -EBADMSG);
        assert_int_equal(T("{\"POWER1\":\"ON\"}", 2), -EBADMSG);
        assert_int_equal(T("{\"WARNING\":\"Need user=<username>&password=<password>\"}", 1),
                         -EACCES);
        assert_int_equal(T("WARNING Need user=admin", 1), -EACCES);
        assert_int_equal(T("{\"Command\":\"Unknown\"}", 1), -EPROTO);
        assert_int_equal(T("{\"POWER\":\"ON\"", 1), -EBADMSG);
        assert_int_equal(T("<html>", 1), -EBADMSG);
        assert_int_equal(T("", 1), -EBADMSG);
#undef T
#define C(body) tasmota_check_answer(body, strlen(body), &err)
        assert_int_equal(C("{\"POWER\":\"OFF\"}"), 0);
        assert_int_equal(C("{\"Command\":\"Error\"}"), -EPROTO);
        assert_int_equal(C("garbage"), -EBADMSG);
#undef C
}

static void test_esphome_parser(void **state)
{
        struct plug_error err = {""};
        enum plug_power p;
        char *id = NULL;

#define E(body) esphome_parse_state(body, strlen(body), &p, NULL, &err)
        static const char full[] = "{\"id\":\"switch-relay\",\"state\":\"ON\",\"value\":true}";
        assert_int_equal(esphome_parse_state(full, strlen(full), &p, &id, &err), 0);
        assert_int_equal(p, PLUG_POWER_ON);
        assert_string_equal(id, "switch-relay");
        free(id);
        assert_int_equal(E("{\"state\":\"OFF\",\"value\":false}"), 0);
        assert_int_equal(p, PLUG_POWER_OFF);
        /* value wins over the display text. */
        assert_int_equal(E("{\"state\":\"ON\",\"value\":false}"), 0);
        assert_int_equal(p, PLUG_POWER_OFF);
        assert_int_equal(E("{\"state\":\"OFF\"}"), 0);
        assert_int_equal(p, PLUG_POWER_OFF);
        assert_int_equal(E("{\"value\":\"yes\"}"), 0);
        assert_int_equal(p, PLUG_POWER_UNKNOWN);
        assert_int_equal(E("{\"state\":\"UNAVAILABLE\"}"), 0);
        assert_int_equal(p, PLUG_POWER_UNKNOWN);
        assert_int_equal(E("{\"id\":\"switch-relay\"}"), -EBADMSG);
        assert_int_equal(E("[true]"), -EBADMSG);
        assert_int_equal(E("{\"value\":tr"), -EBADMSG);
#undef E
}

static void test_http_parser(void **state)
{
        struct plug_error err = {""};
        enum plug_power p;

#define H(body) http_parse_relay(body, strlen(body), &p, &err)
        assert_int_equal(H("{\"ison\":true,\"has_timer\":false}"), 0);
        assert_int_equal(p, PLUG_POWER_ON);
        assert_int_equal(H(" {\"ison\":false}\n"), 0);
        assert_int_equal(p, PLUG_POWER_OFF);
        assert_int_equal(H("{\"ison\":1}"), 0);
        assert_int_equal(p, PLUG_POWER_UNKNOWN);
        assert_int_equal(H("{\"isoff\":true}"), -EBADMSG);
        assert_int_equal(H("{\"ison\":true"), -EBADMSG);
        assert_int_equal(H("\xff\xfe"), -EBADMSG);
#undef H
}

static void test_url_and_address(void **state)
{
        char *s = plug_url_encode("Relay 1/ä&x=y");

        assert_string_equal(s, "Relay%201%2F%C3%A4%26x%3Dy");
        free(s);
        assert_true(plug_address_is_valid("10.0.0.1"));
        assert_true(plug_address_is_valid("plug-a.lab"));
        assert_true(plug_address_is_valid("fe80::1"));
        assert_false(plug_address_is_valid(""));
        assert_false(plug_address_is_valid("10.0.0.1/x"));
        assert_false(plug_address_is_valid("user@10.0.0.1"));
        assert_false(plug_address_is_valid("a:b:zz"));
        assert_false(plug_address_is_valid("-rf"));
}

/* ---- credentials ---- */

static void write_file(const char *path, const char *data, mode_t mode)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
        assert_int_equal(close(fd), 0);
}

static int parse_cred(struct fence_options *o, struct fence_diag *d, const char *name)
{
        char text[64];

        snprintf(text, sizeof(text), "credential=%s\n", name);
        return fence_parse_stdin(agent("tasmota"), text, strlen(text), o, d);
}

static void test_credential(void **state)
{
        static const char hex[] = "00112233445566778899aabbccddeeff"
                                  "00112233445566778899aabbccddeeff\n";
        char dir[] = "/tmp/hasan-test-fence.XXXXXX", store_path[PATH_MAX], key_path[PATH_MAX];
        struct cred_key *key = NULL;
        struct cred_store *store = NULL;
        struct fence_options o;
        struct fence_diag d = {0};

        assert_non_null(mkdtemp(dir));
        snprintf(store_path, sizeof(store_path), "%s/credentials", dir);
        snprintf(key_path, sizeof(key_path), "%s/credentials.key", dir);
        write_file(key_path, hex, 0600);
        assert_int_equal(cred_key_parse(hex, strlen(hex), &key), 0);
        assert_int_equal(cred_store_new(&store), 0);
        assert_int_equal(cred_store_set(store, "plug-a", "from-the-store", 14), 1);
        assert_int_equal(cred_store_save(store, store_path, key), 0);
        cred_store_free(store);
        cred_key_free(key);

        fence_options_init(&o, store_path, key_path);
        assert_int_equal(parse_cred(&o, &d, "plug-a"), 0);
        assert_int_equal(fence_options_load_credential(&o, &d), 0);
        assert_string_equal(o.password, "from-the-store");
        fence_options_clear(&o);

        fence_options_init(&o, store_path, key_path);
        assert_int_equal(parse_cred(&o, &d, "plug-b"), 0);
        assert_int_equal(fence_options_load_credential(&o, &d), -ENOKEY);
        assert_non_null(strstr(d.error, "no such credential"));
        fence_options_clear(&o);

        fence_options_init(&o, "/nonexistent/credentials", key_path);
        assert_int_equal(parse_cred(&o, &d, "plug-a"), 0);
        assert_int_equal(fence_options_load_credential(&o, &d), -ENOKEY);
        fence_options_clear(&o);

        /* A key readable by others is refused. */
        chmod(key_path, 0644);
        fence_options_init(&o, store_path, key_path);
        assert_int_equal(parse_cred(&o, &d, "plug-a"), 0);
        assert_int_equal(fence_options_load_credential(&o, &d), -ENOKEY);
        assert_non_null(strstr(d.error, "chmod 0600"));
        fence_options_clear(&o);

        /* No credential: nothing to do. */
        fence_options_init(&o, NULL, NULL);
        assert_int_equal(fence_options_load_credential(&o, &d), 0);
        fence_options_clear(&o);
        fence_diag_clear(&d);

        unlink(store_path);
        unlink(key_path);
        rmdir(dir);
}

/* ---- the engine, against a scripted plug ---- */

static struct fake {
        enum plug_power state;
        bool stuck;       /* switching has no effect */
        bool unknown;     /* reads give UNKNOWN */
        int get_error;    /* reads fail with this */
        int set_on_error; /* power-on requests fail with this */
        bool unknown_after_set;
        unsigned gets, sets; /* requests seen */
} fake;

static int fake_check(const struct plug_config *c, struct plug_error *err)
{
        return 0;
}

static int fake_get(const struct plug_config *c, enum plug_power *ret, struct plug_error *err)
{
        fake.gets++;
        if (fake.get_error)
                return plug_errorf(err, fake.get_error, "scripted read failure");
        *ret = fake.unknown ? PLUG_POWER_UNKNOWN : fake.state;
        return 0;
}

static int fake_set(const struct plug_config *c, bool on, struct plug_error *err)
{
        fake.sets++;
        if (on && fake.set_on_error)
                return plug_errorf(err, fake.set_on_error, "scripted switch failure");
        if (!fake.stuck)
                fake.state = on ? PLUG_POWER_ON : PLUG_POWER_OFF;
        if (fake.unknown_after_set)
                fake.unknown = true;
        return 0;
}

static int fake_list(const struct plug_config *c, struct plug_outlet **ret, size_t *ret_n,
                     struct plug_error *err)
{
        struct plug_outlet *o = calloc(1, sizeof(*o));

        assert_non_null(o);
        o->id = strdup("1");
        o->alias = strdup("fake");
        o->power = fake.state;
        *ret = o;
        *ret_n = 1;
        return 0;
}

static const struct plug_ops fake_ops = {
    .name = "fake",
    .default_port = 1,
    .default_plug = "1",
    .check = fake_check,
    .get_power = fake_get,
    .set_power = fake_set,
    .list = fake_list,
};

struct captured {
        char text[2048];
};

static void capture_log(void *userdata, enum fence_log_level level, const char *msg)
{
        struct captured *c = userdata;
        size_t n = strlen(c->text);

        snprintf(c->text + n, sizeof(c->text) - n, "%s%s\n",
                 level == FENCE_LOG_WARNING ? "warning: " : "", msg);
}

static int run_fake(enum fence_action action, struct fence_run *run, struct captured *log,
                    struct fence_options *o)
{
        o->action = action;
        if (!o->ip)
                o->ip = strdup("192.0.2.1");
        *log = (struct captured){""};
        *run = (struct fence_run){
            .agent = agent("tasmota"),
            .ops = &fake_ops,
            .opt = o,
            .log = capture_log,
            .userdata = log,
        };
        return fence_run_action(run);
}

static int64_t elapsed_ms(const struct timespec *start)
{
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        return (int64_t)(now.tv_sec - start->tv_sec) * 1000 +
               (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void test_engine_off(void **state)
{
        struct fence_options o;
        struct fence_run run;
        struct captured log;

        fence_options_init(&o, NULL, NULL);
        fake = (struct fake){.state = PLUG_POWER_ON};
        assert_int_equal(run_fake(FENCE_ACTION_OFF, &run, &log, &o), 0);
        assert_string_equal(run.message, "Success: Powered OFF");
        assert_int_equal(fake.state, PLUG_POWER_OFF);
        assert_int_equal(fake.sets, 1);
        assert_int_equal(fake.gets, 2); /* before, and the read-back */

        fake.sets = fake.gets = 0;
        assert_int_equal(run_fake(FENCE_ACTION_OFF, &run, &log, &o), 0);
        assert_string_equal(run.message, "Success: Already OFF");
        assert_int_equal(fake.sets, 0);

        fake = (struct fake){.state = PLUG_POWER_OFF};
        assert_int_equal(run_fake(FENCE_ACTION_ON, &run, &log, &o), 0);
        assert_string_equal(run.message, "Success: Powered ON");
        assert_int_equal(run_fake(FENCE_ACTION_ON, &run, &log, &o), 0);
        assert_string_equal(run.message, "Success: Already ON");

        assert_int_equal(run_fake(FENCE_ACTION_STATUS, &run, &log, &o), 0);
        assert_int_equal(run.power, PLUG_POWER_ON);
        assert_string_equal(run.message, "Status: ON");

        assert_int_equal(run_fake(FENCE_ACTION_LIST_STATUS, &run, &log, &o), 0);
        assert_int_equal(run.n_outlets, 1);
        assert_string_equal(run.outlets[0].alias, "fake");
        fence_run_clear(&run);

        assert_int_equal(run_fake(FENCE_ACTION_VALIDATE_ALL, &run, &log, &o), 0);
        assert_int_equal(run_fake(FENCE_ACTION_METADATA, &run, &log, &o), -EINVAL);
        fence_options_clear(&o);
}

static void test_engine_stuck_relay(void **state)
{
        struct fence_options o;
        struct fence_run run;
        struct captured log;
        struct timespec start;
        int64_t ms;

        fence_options_init(&o, NULL, NULL);
        o.power_timeout = 2;
        fake = (struct fake){.state = PLUG_POWER_ON, .stuck = true};
        clock_gettime(CLOCK_MONOTONIC, &start);
        assert_int_equal(run_fake(FENCE_ACTION_OFF, &run, &log, &o), -ETIME);
        ms = elapsed_ms(&start);
        assert_true(ms >= 1900 && ms < 4000);
        assert_non_null(strstr(run.message, "timed out after 2 s waiting for OFF"));
        assert_non_null(strstr(run.message, "still reports ON"));
        /* Read before, then after 0.1, 0.3, 0.7, 1.5 and 2 s: backing off to 1 s. */
        assert_true(fake.gets >= 5 && fake.gets <= 8);
        assert_int_equal(fence_exit_code(FENCE_ACTION_OFF, -ETIME, run.power),
                         FENCE_EC_WAITING_OFF);

        /* reboot fails the same way: its off part did not succeed. */
        assert_int_equal(run_fake(FENCE_ACTION_REBOOT, &run, &log, &o), -ETIME);
        fence_options_clear(&o);
}

static void test_engine_unknown_is_never_success(void **state)
{
        struct fence_options o;
        struct fence_run run;
        struct captured log;

        fence_options_init(&o, NULL, NULL);
        fake = (struct fake){.state = PLUG_POWER_OFF, .unknown = true};
        assert_int_equal(run_fake(FENCE_ACTION_OFF, &run, &log, &o), -EBADMSG);
        assert_non_null(strstr(run.message, "unknown power state"));
        assert_int_equal(fake.sets, 0);
        assert_int_equal(run_fake(FENCE_ACTION_REBOOT, &run, &log, &o), -EBADMSG);
        assert_int_equal(run_fake(FENCE_ACTION_STATUS, &run, &log, &o), -EBADMSG);
        assert_int_equal(run_fake(FENCE_ACTION_MONITOR, &run, &log, &o), -EBADMSG);
        assert_int_equal(fence_exit_code(FENCE_ACTION_OFF, -EBADMSG, 0), FENCE_EC_STATUS);

        /* The state turns unknown after the switch: the read-back never matches. */
        fake = (struct fake){.state = PLUG_POWER_ON, .unknown_after_set = true};
        o.power_timeout = 1;
        assert_int_equal(run_fake(FENCE_ACTION_OFF, &run, &log, &o), -ETIME);
        assert_non_null(strstr(run.message, "still reports UNKNOWN"));

        fake = (struct fake){.state = PLUG_POWER_ON};
        fake.get_error = -ETIMEDOUT;
        assert_int_equal(run_fake(FENCE_ACTION_OFF, &run, &log, &o), -ETIMEDOUT);
        assert_non_null(strstr(run.message, "scripted read failure"));
        fence_options_clear(&o);
}

static void test_engine_reboot(void **state)
{
        struct fence_options o;
        struct fence_run run;
        struct captured log;

        fence_options_init(&o, NULL, NULL);
        fake = (struct fake){.state = PLUG_POWER_ON};
        assert_int_equal(run_fake(FENCE_ACTION_REBOOT, &run, &log, &o), 0);
        assert_string_equal(run.message, "Success: Rebooted");
        assert_int_equal(fake.state, PLUG_POWER_ON);
        assert_int_equal(fake.sets, 2);

        /* Off worked, on did not: the node is fenced, reboot succeeds with a warning. */
        fake = (struct fake){.state = PLUG_POWER_ON, .set_on_error = -EPROTO};
        assert_int_equal(run_fake(FENCE_ACTION_REBOOT, &run, &log, &o), 0);
        assert_string_equal(run.message, "Success: Rebooted");
        assert_int_equal(fake.state, PLUG_POWER_OFF);
        assert_non_null(strstr(log.text, "warning: the node was powered off, but powering it on"));

        /* on: 1 + retry_on attempts, then the last attempt's error. */
        fake = (struct fake){.state = PLUG_POWER_OFF, .set_on_error = -EPROTO};
        o.retry_on = 2;
        assert_int_equal(run_fake(FENCE_ACTION_ON, &run, &log, &o), -EPROTO);
        assert_int_equal(fake.sets, 3);
        fence_options_clear(&o);
}

static void test_engine_verify_loopback(void **state)
{
        struct fence_options o;
        struct fence_run run;
        struct captured log;
        struct timespec start;
        int probe;

        /* Needs an ICMP socket: root, or net.ipv4.ping_group_range. */
        probe = fence_icmp_probe((struct in_addr){htonl(0x7f000001)}, 1000);
        if (probe < 0)
                skip();
        assert_int_equal(probe, 1);

        fence_options_init(&o, NULL, NULL);
        o.verify_timeout = 1;
        o.n_verify = 1;
        o.verify[0].s_addr = htonl(0x7f000001);
        fake = (struct fake){.state = PLUG_POWER_ON};
        clock_gettime(CLOCK_MONOTONIC, &start);
        assert_int_equal(run_fake(FENCE_ACTION_OFF, &run, &log, &o), -ETIME);
        assert_true(elapsed_ms(&start) < 3000);
        assert_non_null(strstr(run.message, "127.0.0.1 still answers ICMP echo"));
        /* The plug is off nevertheless: verification only withholds success. */
        assert_int_equal(fake.state, PLUG_POWER_OFF);
        fence_options_clear(&o);
}

/* ---- the binary ---- */

static struct exec_result run_bin(const char *argv0, const char *stdin_data, ...)
{
        char *argv[16];
        struct exec_result r = {0};
        va_list ap;
        int n = 0;

        argv[n++] = (char *)argv0;
        va_start(ap, stdin_data);
        for (const char *a = va_arg(ap, const char *); a && n < 15; a = va_arg(ap, const char *))
                argv[n++] = (char *)a;
        va_end(ap);
        argv[n] = NULL;
        assert_int_equal(exec_capture(argv, stdin_data, &r), 0);
        return r;
}

static void test_binary(void **state)
{
        char dir[] = "/tmp/hasan-test-fence-bin.XXXXXX", link[PATH_MAX], bin[PATH_MAX];
        struct exec_result r;

        assert_non_null(realpath(hasan_bin(), bin));
        assert_non_null(mkdtemp(dir));
        snprintf(link, sizeof(link), "%s/fence_tasmota", dir);
        assert_int_equal(symlink(bin, link), 0);

        /* argv[0] personality, options on stdin. */
        r = run_bin(link, "action=metadata\n", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "<resource-agent name=\"fence_tasmota\""));
        exec_result_clear(&r);

        r = run_bin(bin, NULL, "fence", "kasa", "-o", "meta-data", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "<resource-agent name=\"fence_kasa\""));
        exec_result_clear(&r);

        r = run_bin(bin, NULL, "fence", NULL);
        assert_int_equal(r.status, 2);
        exec_result_clear(&r);
        r = run_bin(bin, NULL, "fence", "ipmi", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "unknown fence agent 'ipmi'"));
        exec_result_clear(&r);
        r = run_bin(bin, NULL, "fence", "--help", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "fence_hasan_http"));
        exec_result_clear(&r);

        /* Bad arguments: 2, but 1 for status (2 would mean "off"). */
        r = run_bin(link, "action=off\nip=10.0.0.1\nplug=storage-a\n", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "relay number"));
        exec_result_clear(&r);
        r = run_bin(link, "action=status\nip=10.0.0.1\nplug=storage-a\n", NULL);
        assert_int_equal(r.status, 1);
        exec_result_clear(&r);
        r = run_bin(link, "action=validate-all\nip=10.0.0.1\nplug=3\n", NULL);
        assert_int_equal(r.status, 0);
        exec_result_clear(&r);

        /* Credential missing: 10. */
        r = run_bin(link, "action=off\nip=127.0.0.1\ncredential=plug-a\ncred_store=/nonexistent\n",
                    NULL);
        assert_int_equal(r.status, 10);
        exec_result_clear(&r);

        /* Nothing listening: refused fast, and the password appears nowhere. */
        r = run_bin(link, "action=off\nip=127.0.0.1\nipport=1\npassword=Pa55-w0rd\nverbose=1\n",
                    NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "cannot connect to 127.0.0.1:1"));
        assert_null(strstr(r.err, "Pa55-w0rd"));
        assert_null(strstr(r.out, "Pa55-w0rd"));
        exec_result_clear(&r);

        r = run_bin(link, NULL, "-o", "status", "-a", "127.0.0.1", "-u", "1", "-p", "Pa55-w0rd",
                    NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "visible to every user"));
        assert_null(strstr(r.err, "Pa55-w0rd"));
        exec_result_clear(&r);

        unlink(link);
        rmdir(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_stdin_basic),
            cmocka_unit_test(test_stdin_aliases),
            cmocka_unit_test(test_stdin_quotes_spaces_last_wins),
            cmocka_unit_test(test_stdin_missing_action_is_reboot),
            cmocka_unit_test(test_stdin_booleans),
            cmocka_unit_test(test_stdin_unknown_keys),
            cmocka_unit_test(test_stdin_errors),
            cmocka_unit_test(test_stdin_verify_addresses),
            cmocka_unit_test(test_stdin_too_large),
            cmocka_unit_test(test_argv_short_and_long),
            cmocka_unit_test(test_argv_password_is_flagged_and_wiped),
            cmocka_unit_test(test_argv_errors),
            cmocka_unit_test(test_validate),
            cmocka_unit_test(test_exit_codes),
            cmocka_unit_test(test_actions),
            cmocka_unit_test(test_metadata),
            cmocka_unit_test(test_tasmota_parser),
            cmocka_unit_test(test_esphome_parser),
            cmocka_unit_test(test_http_parser),
            cmocka_unit_test(test_url_and_address),
            cmocka_unit_test(test_credential),
            cmocka_unit_test(test_engine_off),
            cmocka_unit_test(test_engine_stuck_relay),
            cmocka_unit_test(test_engine_unknown_is_never_success),
            cmocka_unit_test(test_engine_reboot),
            cmocka_unit_test(test_engine_verify_loopback),
            cmocka_unit_test(test_binary),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
