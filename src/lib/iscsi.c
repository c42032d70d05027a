/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/iscsi.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/time-util.h"

static const char *root_of(const char *sysfs)
{
        return sysfs ? sysfs : "/sys";
}

/* A one-line sysfs attribute without its newline; NULL in *ret when absent. */
static int read_attr(char **ret, const char *fmt, ...) _printf_(2, 3);
static int read_attr(char **ret, const char *fmt, ...)
{
        char path[PATH_MAX];
        char *data = NULL;
        size_t size;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vsnprintf(path, sizeof(path), fmt, ap);
        va_end(ap);
        if (r < 0 || (size_t)r >= sizeof(path))
                return -ENAMETOOLONG;
        *ret = NULL;
        r = read_full_file(path, &data, &size);
        if (r < 0)
                return r;
        while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == ' '))
                data[--size] = '\0';
        *ret = data;
        return 0;
}

static int write_attr(const char *path, const char *value)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        return write_all(fd, value, strlen(value));
}

void iscsi_sessions_free(struct iscsi_session *s, size_t n)
{
        for (size_t i = 0; s && i < n; i++) {
                free(s[i].target);
                free(s[i].state);
                free(s[i].address);
        }
        free(s);
}

void iscsi_luns_free(struct iscsi_lun *l, size_t n)
{
        for (size_t i = 0; l && i < n; i++) {
                free(l[i].hctl);
                free(l[i].state);
                free(l[i].block);
        }
        free(l);
}

/*
 * H of the ".../hostH/sessionN" device the session's "device" link leads
 * to (the link itself is relative: "../../../sessionN").
 */
static int session_host(const char *sysfs, unsigned id, unsigned *ret)
{
        char path[PATH_MAX], *resolved;
        const char *h;
        int r = 0;

        snprintf(path, sizeof(path), "%s/class/iscsi_session/session%u/device", root_of(sysfs), id);
        resolved = realpath(path, NULL);
        if (!resolved)
                return -errno;
        h = strstr(resolved, "/host");
        if (!h || sscanf(h, "/host%u/", ret) != 1)
                r = -EBADMSG;
        free(resolved);
        return r;
}

static int compare_sessions(const void *a, const void *b)
{
        const struct iscsi_session *x = a, *y = b;
        return (x->id > y->id) - (x->id < y->id);
}

int iscsi_sessions_list(const char *sysfs, struct iscsi_session **ret, size_t *ret_n)
{
        char dir[PATH_MAX];
        struct iscsi_session *list = NULL;
        size_t n = 0;
        struct dirent *de;
        DIR *d;
        int r = 0;

        snprintf(dir, sizeof(dir), "%s/class/iscsi_session", root_of(sysfs));
        d = opendir(dir);
        if (!d) {
                if (errno != ENOENT)
                        return -errno;
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        while ((de = readdir(d))) {
                struct iscsi_session s = {0};
                _cleanup_free_ char *port = NULL;
                struct iscsi_session *grown;

                if (sscanf(de->d_name, "session%u", &s.id) != 1)
                        continue;
                /* A session being torn down loses its attributes: skip it. */
                if (session_host(sysfs, s.id, &s.host) < 0 ||
                    read_attr(&s.target, "%s/%s/targetname", dir, de->d_name) < 0 ||
                    read_attr(&s.state, "%s/%s/state", dir, de->d_name) < 0) {
                        free(s.target);
                        free(s.state);
                        continue;
                }
                (void)read_attr(&s.address,
                                "%s/class/iscsi_connection/connection%u:0/persistent_address",
                                root_of(sysfs), s.id);
                if (read_attr(&port, "%s/class/iscsi_connection/connection%u:0/persistent_port",
                              root_of(sysfs), s.id) == 0)
                        s.port = (unsigned)strtoul(port, NULL, 10);
                grown = realloc(list, (n + 1) * sizeof(*list));
                if (!grown) {
                        free(s.target);
                        free(s.state);
                        free(s.address);
                        r = -ENOMEM;
                        break;
                }
                list = grown;
                list[n++] = s;
        }
        closedir(d);
        if (r < 0) {
                iscsi_sessions_free(list, n);
                return r;
        }
        if (n > 1)
                qsort(list, n, sizeof(*list), compare_sessions);
        *ret = list;
        *ret_n = n;
        return 0;
}

static int compare_luns(const void *a, const void *b)
{
        const struct iscsi_lun *x = a, *y = b;
        return (x->lun > y->lun) - (x->lun < y->lun);
}

/* The block device name under .../H:C:T:L/block/, NULL when there is none. */
static char *lun_block(const char *dev_dir)
{
        char path[PATH_MAX + 700];
        struct dirent *de;
        char *name = NULL;
        DIR *d;

        snprintf(path, sizeof(path), "%s/block", dev_dir);
        d = opendir(path);
        if (!d)
                return NULL;
        while ((de = readdir(d)))
                if (de->d_name[0] != '.') {
                        name = strdup(de->d_name);
                        break;
                }
        closedir(d);
        return name;
}

int iscsi_session_luns(const char *sysfs, const struct iscsi_session *s, struct iscsi_lun **ret,
                       size_t *ret_n)
{
        char dir[PATH_MAX];
        struct iscsi_lun *list = NULL;
        size_t n = 0;
        struct dirent *de;
        DIR *d;

        /* The SCSI devices of host H that belong to this session. */
        snprintf(dir, sizeof(dir), "%s/class/iscsi_session/session%u/device", root_of(sysfs),
                 s->id);
        d = opendir(dir);
        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                char tdir[PATH_MAX + 300];
                struct dirent *te;
                DIR *t;

                if (strncmp(de->d_name, "target", 6) != 0)
                        continue;
                snprintf(tdir, sizeof(tdir), "%s/%s", dir, de->d_name);
                t = opendir(tdir);
                if (!t)
                        continue;
                while ((te = readdir(t))) {
                        unsigned h, c, tg, l;
                        char ddir[PATH_MAX + 600];
                        struct iscsi_lun *grown;

                        if (sscanf(te->d_name, "%u:%u:%u:%u", &h, &c, &tg, &l) != 4)
                                continue;
                        grown = realloc(list, (n + 1) * sizeof(*list));
                        if (!grown) {
                                closedir(t);
                                closedir(d);
                                iscsi_luns_free(list, n);
                                return -ENOMEM;
                        }
                        list = grown;
                        snprintf(ddir, sizeof(ddir), "%s/%s", tdir, te->d_name);
                        list[n] = (struct iscsi_lun){.lun = l, .hctl = strdup(te->d_name)};
                        (void)read_attr(&list[n].state, "%s/state", ddir);
                        list[n].block = lun_block(ddir);
                        n++;
                        if (!list[n - 1].hctl) {
                                closedir(t);
                                closedir(d);
                                iscsi_luns_free(list, n);
                                return -ENOMEM;
                        }
                }
                closedir(t);
        }
        closedir(d);
        if (n > 1)
                qsort(list, n, sizeof(*list), compare_luns);
        *ret = list;
        *ret_n = n;
        return 0;
}

int iscsi_session_rescan(const char *sysfs, const struct iscsi_session *s, unsigned timeout_ms)
{
        char path[PATH_MAX];
        uint64_t deadline = now_ms() + timeout_ms;
        int status;
        pid_t pid;

        snprintf(path, sizeof(path), "%s/class/scsi_host/host%u/scan", root_of(sysfs), s->host);
        if (access(path, W_OK) < 0)
                return -errno;
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0)
                _exit(write_attr(path, "- - -") < 0 ? 1 : 0);
        for (;;) {
                pid_t k = waitpid(pid, &status, WNOHANG);
                if (k == pid)
                        break;
                if (k < 0 && errno != EINTR)
                        return -errno;
                if (now_ms() >= deadline) {
                        /* Blocked in the kernel; it finishes (or not) without us. */
                        kill(pid, SIGKILL);
                        return -ETIMEDOUT;
                }
                (void)poll(NULL, 0, 10);
        }
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int iscsi_lun_delete(const char *sysfs, const struct iscsi_lun *l)
{
        char path[PATH_MAX];

        snprintf(path, sizeof(path), "%s/bus/scsi/devices/%s/delete", root_of(sysfs), l->hctl);
        return write_attr(path, "1");
}

static size_t count_missing(char *const *names, size_t n)
{
        size_t missing = 0;

        for (size_t i = 0; i < n; i++)
                if (access(names[i], F_OK) < 0)
                        missing++;
        return missing;
}

int wait_for_paths(char *const *names, size_t n, unsigned timeout_ms)
{
        uint64_t deadline = now_ms() + timeout_ms;
        _cleanup_close_ int fd = -1;
        size_t missing;

        fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (fd < 0)
                return -errno;
        /* Watch each directory before looking, so no creation slips between. */
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *dir = strdup(names[i]);
                char *slash;

                if (!dir)
                        return -ENOMEM;
                slash = strrchr(dir, '/');
                if (!slash || slash == dir)
                        return -EINVAL;
                *slash = '\0';
                /* The directory itself may not exist yet (no LUN ever seen): then poll its parent.
                 */
                if (inotify_add_watch(fd, dir, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR) < 0) {
                        slash = strrchr(dir, '/');
                        if (slash && slash != dir)
                                *slash = '\0';
                        (void)inotify_add_watch(fd, dir, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
                }
        }
        while ((missing = count_missing(names, n)) > 0) {
                char buf[4096];
                uint64_t now = now_ms();
                struct pollfd p = {.fd = fd, .events = POLLIN};
                int k;

                if (now >= deadline)
                        break;
                /* Re-check at least every second: a watch on a parent misses grandchildren. */
                k = poll(&p, 1, (int)(deadline - now < 1000u ? deadline - now : 1000u));
                if (k < 0 && errno != EINTR)
                        return -errno;
                while (read(fd, buf, sizeof(buf)) > 0)
                        ;
        }
        return (int)missing;
}
