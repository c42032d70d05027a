/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan zed-event's pure parts: a ZED environment to the event, its journal
 * fields, priority and JSON body; the webhook configuration file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/webhook.h"
#include "lib/zevent.h"
#include "shared/macro.h"
#include "tmpdir-util.h"

/* An environment as ZED builds it for a vdev going away, with the rest of a zedlet's. */
static char *statechange_env[] = {
    "PATH=/usr/bin:/bin:/usr/sbin:/sbin",
    "ZEVENT_CLASS=resource.fs.zfs.statechange",
    "ZEVENT_EID=42",
    "ZEVENT_POOL=san-pool",
    "ZEVENT_POOL_GUID=0x6D8A2F0C1B3E4A59",
    "ZEVENT_POOL_STATE=0",
    "ZEVENT_POOL_STATE_STR=ACTIVE",
    "ZEVENT_VDEV_PATH=/dev/disk/by-vdev/storage-a-data0-part1",
    "ZEVENT_VDEV_GUID=0x11A2B3C4D5E6F708",
    "ZEVENT_VDEV_STATE=4",
    "ZEVENT_VDEV_STATE_STR=UNAVAIL",
    "ZEVENT_VDEV_LASTSTATE_STR=ONLINE",
    "ZEVENT_SUBCLASS=statechange",
    "ZEVENT_TIME_SECS=1796665801",
    "ZEVENT_TIME_STRING=2026-12-07 17:50:01+0000",
    "ZED_PID=812",
    NULL,
};

static void test_statechange(void **state)
{
        struct zevent ev;
        char err[ZEVENT_ERROR_MAX] = "";
        char **fields = NULL, *msg;
        size_t n = 0;

        assert_int_equal(zevent_from_env(statechange_env, &ev, err), 0);
        assert_int_equal(ev.eid, 42);
        assert_string_equal(ev.subclass, "statechange");
        assert_string_equal(ev.vdev, "/dev/disk/by-vdev/storage-a-data0-part1");
        /* Only the ZEVENT_ variables are the event's. */
        assert_int_equal(ev.n_vars, 14);
        assert_int_equal(zevent_priority(&ev), LOG_ERR);
        assert_true(zevent_wants_journal(&ev));

        msg = zevent_message(&ev);
        assert_string_equal(msg, "ZFS event statechange (eid 42): pool 'san-pool', vdev "
                                 "/dev/disk/by-vdev/storage-a-data0-part1 is now UNAVAIL, was "
                                 "ONLINE");
        free(msg);

        assert_int_equal(zevent_journal_fields(&ev, &fields, &n), 0);
        const char *want[] = {
            "PRIORITY=3",
            "SYSLOG_IDENTIFIER=hasan-zed",
            ("MESSAGE_ID=" ZEVENT_MESSAGE_ID),
            "HASAN_ZEVENT_EID=42",
            "HASAN_ZEVENT_CLASS=resource.fs.zfs.statechange",
            "HASAN_ZEVENT_SUBCLASS=statechange",
            "HASAN_ZEVENT_TIME=2026-12-07 17:50:01+0000",
            "HASAN_POOL=san-pool",
            "HASAN_POOL_GUID=0x6D8A2F0C1B3E4A59",
            "HASAN_POOL_STATE=ACTIVE",
            "HASAN_VDEV=/dev/disk/by-vdev/storage-a-data0-part1",
            "HASAN_VDEV_GUID=0x11A2B3C4D5E6F708",
            "HASAN_VDEV_STATE=UNAVAIL",
            "HASAN_VDEV_LASTSTATE=ONLINE",
        };
        assert_int_equal(n, ELEMENTSOF(want) + 1);
        assert_true(strncmp(fields[0], "MESSAGE=ZFS event statechange (eid 42)", 38) == 0);
        for (size_t i = 0; i < ELEMENTSOF(want); i++)
                assert_string_equal(fields[i + 1], want[i]);
        zevent_fields_free(fields, n);
        zevent_done(&ev);
}

static void test_json(void **state)
{
        struct zevent ev;
        char err[ZEVENT_ERROR_MAX] = "";
        json_object *o, *v, *raw;

        assert_int_equal(zevent_from_env(statechange_env, &ev, err), 0);
        o = zevent_to_json(&ev, "storage-b");
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "eid", &v));
        assert_true(json_object_is_type(v, json_type_int));
        assert_int_equal(json_object_get_int64(v), 42);
        assert_true(json_object_object_get_ex(o, "host", &v));
        assert_string_equal(json_object_get_string(v), "storage-b");
        assert_true(json_object_object_get_ex(o, "priority", &v));
        assert_string_equal(json_object_get_string(v), "err");
        assert_true(json_object_object_get_ex(o, "vdev_state", &v));
        assert_string_equal(json_object_get_string(v), "UNAVAIL");
        assert_true(json_object_object_get_ex(o, "vdev_laststate", &v));
        assert_string_equal(json_object_get_string(v), "ONLINE");
        assert_true(json_object_object_get_ex(o, "time", &v));
        assert_string_equal(json_object_get_string(v), "2026-12-07 17:50:01+0000");
        /* Every ZEVENT_ variable, lower case without the prefix; nothing else of the environment.
         */
        assert_true(json_object_object_get_ex(o, "zevent", &raw));
        assert_int_equal(json_object_object_length(raw), 14);
        assert_true(json_object_object_get_ex(raw, "vdev_state", &v));
        assert_string_equal(json_object_get_string(v), "4");
        assert_true(json_object_object_get_ex(raw, "time_secs", &v));
        assert_string_equal(json_object_get_string(v), "1796665801");
        assert_false(json_object_object_get_ex(raw, "pid", &v));
        assert_false(json_object_object_get_ex(o, "zed_pid", &v));
        json_object_put(o);
        zevent_done(&ev);
}

/* class, vdev state (or NULL) -> priority */
static void test_priorities(void **state)
{
        static const struct {
                const char *class;
                const char *vdev_state;
                int priority;
        } cases[] = {
            {"resource.fs.zfs.statechange", "FAULTED", LOG_ERR},
            {"resource.fs.zfs.statechange", "REMOVED", LOG_ERR},
            {"resource.fs.zfs.statechange", "DEGRADED", LOG_WARNING},
            {"resource.fs.zfs.statechange", "OFFLINE", LOG_NOTICE},
            {"resource.fs.zfs.statechange", "ONLINE", LOG_NOTICE},
            {"resource.fs.zfs.statechange", NULL, LOG_WARNING},
            {"ereport.fs.zfs.io_failure", NULL, LOG_CRIT},
            {"ereport.fs.zfs.vdev.no_replicas", NULL, LOG_CRIT},
            {"ereport.fs.zfs.vdev.open_failed", NULL, LOG_ERR},
            {"ereport.fs.zfs.data", NULL, LOG_ERR},
            {"ereport.fs.zfs.io", NULL, LOG_WARNING},
            {"ereport.fs.zfs.checksum", NULL, LOG_WARNING},
            {"ereport.fs.zfs.something_new", NULL, LOG_WARNING},
            {"sysevent.fs.zfs.resilver_finish", NULL, LOG_NOTICE},
            {"sysevent.fs.zfs.scrub_finish", NULL, LOG_NOTICE},
            {"sysevent.fs.zfs.pool_import", NULL, LOG_NOTICE},
            {"sysevent.fs.zfs.config_sync", NULL, LOG_INFO},
            {"sysevent.fs.zfs.history_event", NULL, LOG_INFO},
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char class[128], state_var[64];
                char *env[] = {class, "ZEVENT_EID=7", state_var, NULL};
                struct zevent ev;
                char err[ZEVENT_ERROR_MAX] = "";

                snprintf(class, sizeof(class), "ZEVENT_CLASS=%s", cases[i].class);
                snprintf(state_var, sizeof(state_var), "ZEVENT_VDEV_STATE_STR=%s",
                         cases[i].vdev_state ? cases[i].vdev_state : "");
                assert_int_equal(zevent_from_env(env, &ev, err), 0);
                if (zevent_priority(&ev) != cases[i].priority)
                        fail_msg("%s (%s): priority %d, want %d", cases[i].class,
                                 cases[i].vdev_state ? cases[i].vdev_state : "-",
                                 zevent_priority(&ev), cases[i].priority);
                zevent_done(&ev);
        }
}

static void test_subclass_and_journal_filter(void **state)
{
        char *env[] = {"ZEVENT_CLASS=sysevent.fs.zfs.history_event", "ZEVENT_EID=9", NULL};
        struct zevent ev;
        char err[ZEVENT_ERROR_MAX] = "";
        char *msg;

        /* Without ZEVENT_SUBCLASS it is derived the way ZED derives it. */
        assert_int_equal(zevent_from_env(env, &ev, err), 0);
        assert_string_equal(ev.subclass, "history_event");
        assert_false(zevent_wants_journal(&ev));
        msg = zevent_message(&ev);
        assert_string_equal(msg, "ZFS event history_event (eid 9)");
        free(msg);
        zevent_done(&ev);
}

static void test_bad_environment(void **state)
{
        char *no_class[] = {"ZEVENT_EID=1", NULL};
        char *no_eid[] = {"ZEVENT_CLASS=ereport.fs.zfs.io", NULL};
        char *bad_eid[] = {"ZEVENT_CLASS=ereport.fs.zfs.io", "ZEVENT_EID=12x", NULL};
        struct zevent ev;
        char err[ZEVENT_ERROR_MAX] = "";

        assert_int_equal(zevent_from_env(no_class, &ev, err), -EINVAL);
        assert_non_null(strstr(err, "ZEVENT_CLASS is not set"));
        assert_int_equal(zevent_from_env(no_eid, &ev, err), -EINVAL);
        assert_non_null(strstr(err, "ZEVENT_EID is not set"));
        assert_int_equal(zevent_from_env(bad_eid, &ev, err), -EINVAL);
        assert_non_null(strstr(err, "ZEVENT_EID '12x' is not a number"));
}

static void test_class_filter(void **state)
{
        struct webhook_config c = {0};
        struct webhook_error err = {""};
        static const struct {
                const char *class;
                bool sent;
        } cases[] = {
            {"resource.fs.zfs.statechange", true},     {"ereport.fs.zfs.vdev.open_failed", true},
            {"ereport.fs.zfs.checksum", true},         {"ereport.fs.zfs.io", true},
            {"sysevent.fs.zfs.resilver_finish", true}, {"sysevent.fs.zfs.scrub_finish", true},
            {"sysevent.fs.zfs.pool_import", true},     {"sysevent.fs.zfs.config_sync", false},
            {"sysevent.fs.zfs.history_event", false},  {"sysevent.fs.zfs.scrub_start", false},
            {"ereport.fs.zfs.delay", false},
        };

        /* The defaults, when the file names no classes. */
        assert_int_equal(webhook_config_parse("t.conf", "url=https://hooks.example/x\n", &c, &err),
                         0);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char class[128];
                char *env[] = {class, "ZEVENT_EID=1", NULL};
                struct zevent ev;
                char why[ZEVENT_ERROR_MAX] = "";

                snprintf(class, sizeof(class), "ZEVENT_CLASS=%s", cases[i].class);
                assert_int_equal(zevent_from_env(env, &ev, why), 0);
                if (zevent_class_matches(&ev, c.classes, c.n_classes) != cases[i].sent)
                        fail_msg("%s: sent %d, want %d", cases[i].class, !cases[i].sent,
                                 cases[i].sent);
                zevent_done(&ev);
        }
        webhook_config_done(&c);
}

static void test_config_good(void **state)
{
        struct webhook_config c = {0};
        struct webhook_error err = {""};
        const char *text = "# hasan ZED webhook\n"
                           "\n"
                           "  url = https://hooks.example.com:8443/services/T0/B0/SECRETTOKEN?k=v\n"
                           "classes=statechange  scrub_*\tvdev.*\n"
                           "timeout=2\r\n"
                           "attempts=5\n"
                           "ca_file=/etc/hasan/webhook-ca.pem\n";

        assert_int_equal(webhook_config_parse("t.conf", text, &c, &err), 0);
        assert_string_equal(c.url, "https://hooks.example.com:8443/services/T0/B0/SECRETTOKEN?k=v");
        assert_string_equal(c.host, "hooks.example.com:8443");
        assert_int_equal(c.n_classes, 3);
        assert_string_equal(c.classes[1], "scrub_*");
        assert_int_equal(c.timeout_sec, 2);
        assert_int_equal(c.attempts, 5);
        assert_string_equal(c.ca_file, "/etc/hasan/webhook-ca.pem");
        webhook_config_done(&c);

        assert_int_equal(webhook_config_parse("t.conf", "url=http://127.0.0.1/h\n", &c, &err), 0);
        assert_string_equal(c.host, "127.0.0.1");
        assert_int_equal(c.timeout_sec, 5);
        assert_int_equal(c.attempts, 3);
        assert_null(c.ca_file);
        webhook_config_done(&c);
}

/* text -> the error, which never shows the URL's secret part */
static void test_config_bad(void **state)
{
        static const struct {
                const char *text;
                const char *error;
        } cases[] = {
            {"url=https://h.example/SECRET\ntimeout five\n", "t.conf:2: expected KEY=VALUE"},
            {"url=https://h.example/SECRET\n# c\ntimeout=0\n",
             "t.conf:3: timeout must be a whole number from 1 to 30, not '0'"},
            {"url=https://h.example/SECRET\ntimeout=31\n", "t.conf:2: timeout must be"},
            {"url=https://h.example/SECRET\nattempts=6\n",
             "t.conf:2: attempts must be a whole number from 1 to 5"},
            {"url=https://h.example/SECRET\nretries=2\n", "t.conf:2: unknown key 'retries'"},
            {"url=https://h.example/SECRET\nurl=https://h.example/SECRET\n",
             "t.conf:2: url is set twice (first on line 1)"},
            {"url=ftp://h.example/SECRET\n", "t.conf:1: url must start with http:// or https://"},
            {"url=https://h.example/SEC RET\n", "t.conf:1: url is not a valid URL"},
            {"url=SECRET\n", "t.conf:1: url"},
            {"url=https://h.example/SECRET\nclasses=\n", "t.conf:2: classes is empty"},
            {"url=https://h.example/SECRET\nclasses=io;rm\n",
             "t.conf:2: invalid class pattern 'io;rm'"},
            {"url=https://h.example/SECRET\nca_file=ca.pem\n",
             "t.conf:2: ca_file must be an absolute path"},
            {"timeout=3\n", "t.conf: no url"},
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct webhook_config c = {0};
                struct webhook_error err = {""};

                assert_int_equal(webhook_config_parse("t.conf", cases[i].text, &c, &err), -EINVAL);
                if (!strstr(err.msg, cases[i].error))
                        fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].error);
                if (strstr(err.msg, "SECRET") || strstr(err.msg, "SEC RET"))
                        fail_msg("case %zu: '%s' shows the URL", i, err.msg);
                assert_null(c.url);
        }
}

static void test_config_file(void **state)
{
        char *dir = test_tmpdir_new("zevent");
        char path[512];
        struct webhook_config c = {0};
        struct webhook_error err = {""};
        FILE *f;

        assert_non_null(dir);
        snprintf(path, sizeof(path), "%s/zed-webhook.conf", dir);
        assert_int_equal(webhook_config_load(path, &c, &err), -ENOENT);

        f = fopen(path, "w");
        assert_non_null(f);
        fputs("url=https://hooks.example/T/SECRET\nattempts=2\n", f);
        fclose(f);

        assert_int_equal(chmod(path, 0640), 0);
        assert_int_equal(webhook_config_load(path, &c, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "is open to group or others (mode 0640)"));
        assert_non_null(strstr(err.msg, path));

        assert_int_equal(chmod(path, 0600), 0);
        assert_int_equal(webhook_config_load(path, &c, &err), 0);
        assert_int_equal(c.attempts, 2);
        assert_string_equal(c.host, "hooks.example");
        webhook_config_done(&c);

        /* A line with a NUL byte cannot be what Ansible wrote. */
        f = fopen(path, "w");
        assert_non_null(f);
        fwrite("url=http://h/\0x\n", 1, 16, f);
        fclose(f);
        assert_int_equal(webhook_config_load(path, &c, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "contains a NUL byte"));

        assert_int_equal(test_tmpdir_remove(dir), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_statechange),
            cmocka_unit_test(test_json),
            cmocka_unit_test(test_priorities),
            cmocka_unit_test(test_subclass_and_journal_filter),
            cmocka_unit_test(test_bad_environment),
            cmocka_unit_test(test_class_filter),
            cmocka_unit_test(test_config_good),
            cmocka_unit_test(test_config_bad),
            cmocka_unit_test(test_config_file),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
