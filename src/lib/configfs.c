/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/configfs.h"
#include "shared/macro.h"

int cfs_pathf(char *buf, size_t size, const char *fmt, ...)
{
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(buf, size, fmt, ap);
        va_end(ap);
        return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Read an attribute into buf, NUL-terminated, one trailing newline removed. Returns its length. */
int cfs_read(const char *path, char *buf, size_t size)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        size_t n = 0;

        if (fd < 0)
                return -errno;
        for (;;) {
                ssize_t k;

                if (n + 1 >= size)
                        return -EFBIG;
                k = read(fd, buf + n, size - 1 - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                n += (size_t)k;
        }
        buf[n] = '\0';
        if (n > 0 && buf[n - 1] == '\n')
                buf[--n] = '\0';
        return (int)n;
}

/* Write the whole value in one write(): configfs hands each write to the kernel's store. */
int cfs_write(const char *path, const void *value, size_t size)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        ssize_t k;

        if (fd < 0)
                return -errno;
        do
                k = write(fd, value, size);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return -errno;
        return (size_t)k == size ? 0 : -EIO;
}

/* Make the attribute read value: 1 when it was written, 0 when it already did. */
int cfs_ensure(const char *path, const char *value)
{
        char buf[CFS_ATTR_BUF];
        int r = cfs_read(path, buf, sizeof(buf));

        if (r >= 0 && strcmp(buf, value) == 0)
                return 0;
        r = cfs_write(path, value, strlen(value));
        return r < 0 ? r : 1;
}

/* Whether the attribute reads exactly value. */
bool cfs_is(const char *path, const char *value)
{
        char buf[CFS_ATTR_BUF];

        return cfs_read(path, buf, sizeof(buf)) >= 0 && strcmp(buf, value) == 0;
}

bool cfs_is_dir(const char *path)
{
        struct stat st;

        return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void cfs_strv_free(char **v, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

static int cmp_natural(const void *a, const void *b)
{
        return strverscmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names of dir's entries of one type (DT_DIR or DT_LNK), in natural
 * order. A missing directory has no entries.
 */
int cfs_list(const char *dir, unsigned char type, char ***ret, size_t *ret_n)
{
        DIR *d = opendir(dir);
        char **names = NULL;
        size_t n = 0;
        struct dirent *de;
        int r = 0;

        *ret = NULL;
        *ret_n = 0;
        if (!d)
                return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
        while ((errno = 0, de = readdir(d))) {
                unsigned char t = de->d_type;
                char **grown;

                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (t == DT_UNKNOWN) {
                        struct stat st;
                        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                continue;
                        t = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
                }
                if (t != type)
                        continue;
                grown = realloc(names, (n + 1) * sizeof(*names));
                if (!grown) {
                        r = -ENOMEM;
                        break;
                }
                names = grown;
                names[n] = strdup(de->d_name);
                if (!names[n]) {
                        r = -ENOMEM;
                        break;
                }
                n++;
        }
        if (r == 0 && errno != 0)
                r = -errno;
        closedir(d);
        if (r < 0) {
                cfs_strv_free(names, n);
                return r;
        }
        if (n > 1)
                qsort(names, n, sizeof(*names), cmp_natural);
        *ret = names;
        *ret_n = n;
        return 0;
}

int cfs_strv_push(char ***v, size_t *n, const char *fmt, ...)
{
        char **grown = realloc(*v, (*n + 1) * sizeof(**v));
        va_list ap;
        int k;

        if (!grown)
                return -ENOMEM;
        *v = grown;
        va_start(ap, fmt);
        k = vasprintf(&grown[*n], fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        (*n)++;
        return 0;
}

bool cfs_link_points_to(const char *link_text, const char *suffix)
{
        size_t n = strlen(link_text), m = strlen(suffix);

        if (m == 0 || n <= m || strcmp(link_text + n - m, suffix) != 0)
                return false;
        return link_text[n - m - 1] == '/';
}

/*
 * The symlinks in dir against the one expected: 1 when one points to
 * suffix, 0 when dir holds none, -EEXIST when one points elsewhere (its
 * text in other).
 */
int cfs_link_state(const char *dir, const char *suffix, char *other, size_t other_size)
{
        char **links = NULL;
        size_t n = 0;
        int r = cfs_list(dir, DT_LNK, &links, &n), found = 0;

        if (r < 0)
                return r;
        for (size_t i = 0; i < n && found >= 0; i++) {
                char path[PATH_MAX], text[PATH_MAX];
                ssize_t k;

                if (cfs_pathf(path, sizeof(path), "%s/%s", dir, links[i]) < 0)
                        continue;
                k = readlink(path, text, sizeof(text) - 1);
                if (k < 0)
                        continue;
                text[k] = '\0';
                if (cfs_link_points_to(text, suffix))
                        found = 1;
                else {
                        snprintf(other, other_size, "%s", text);
                        found = -EEXIST;
                }
        }
        cfs_strv_free(links, n);
        return found;
}

int cfs_journal_add(struct cfs_journal *j, const char *path, bool link)
{
        void *grown = realloc(j->items, (j->n + 1) * sizeof(*j->items));
        char *copy = strdup(path);

        if (grown)
                j->items = grown;
        if (!grown || !copy) {
                free(copy);
                return -ENOMEM;
        }
        j->items[j->n].path = copy;
        j->items[j->n].link = link;
        j->n++;
        return 0;
}

void cfs_journal_clear(struct cfs_journal *j)
{
        for (size_t i = 0; i < j->n; i++)
                free(j->items[i].path);
        free(j->items);
        *j = (struct cfs_journal){0};
}

/* Create directory path unless it exists: 1 created, 0 existed, -errno. */
int cfs_ensure_dir(struct cfs_journal *j, const char *path)
{
        int r;

        if (mkdir(path, 0755) < 0) {
                if (errno != EEXIST)
                        return -errno;
                return cfs_is_dir(path) ? 0 : -ENOTDIR;
        }
        r = cfs_journal_add(j, path, false);
        if (r < 0) {
                (void)rmdir(path);
                return r;
        }
        return 1;
}

/*
 * Make dir hold a symlink to target (absolute) that reads back as ending
 * in suffix: 1 created, 0 present, -EEXIST when a link points elsewhere
 * (its text in other), -errno.
 */
/* Create the symlink dir/name -> target and journal it: 1, or -errno. */
static int add_link(struct cfs_journal *j, const char *dir, const char *name, const char *target)
{
        char path[PATH_MAX];
        int r = cfs_pathf(path, sizeof(path), "%s/%s", dir, name);

        if (r < 0)
                return r;
        if (symlink(target, path) < 0)
                return -errno;
        r = cfs_journal_add(j, path, true);
        if (r < 0) {
                (void)unlink(path);
                return r;
        }
        return 1;
}

int cfs_ensure_link(struct cfs_journal *j, const char *dir, const char *name, const char *target,
                    const char *suffix, char *other, size_t other_size)
{
        int r = cfs_link_state(dir, suffix, other, other_size);

        if (r != 0)
                return r == 1 ? 0 : r;
        return add_link(j, dir, name, target);
}

int cfs_ensure_dir_link(struct cfs_journal *j, const char *dir, const char *name,
                        const char *target, const char *suffix, char *other, size_t other_size)
{
        int r = cfs_ensure_dir(j, dir);

        if (r < 0)
                return r;
        /* A directory made just now holds no link: no need to list it. */
        if (r > 0)
                return add_link(j, dir, name, target);
        return cfs_ensure_link(j, dir, name, target, suffix, other, other_size);
}

/* Unlink every symlink in dir, then remove dir: 1 removed, 0 absent, -errno. */
int cfs_remove_links_dir(const char *dir)
{
        char **links = NULL;
        size_t n = 0;
        int r;

        if (!cfs_is_dir(dir))
                return 0;
        r = cfs_list(dir, DT_LNK, &links, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n && r >= 0; i++) {
                char path[PATH_MAX];
                r = cfs_pathf(path, sizeof(path), "%s/%s", dir, links[i]);
                if (r >= 0 && unlink(path) < 0 && errno != ENOENT)
                        r = -errno;
        }
        cfs_strv_free(links, n);
        if (r < 0)
                return r;
        if (rmdir(dir) < 0)
                return errno == ENOENT ? 0 : -errno;
        return 1;
}

/*
 * Make a CHAP attribute hold value: 1 written, 0 unchanged, -errno. The
 * value read back is wiped: it may be a secret.
 */
int cfs_secret_ensure(const char *path, const void *value, size_t size)
{
        char buf[CFS_ATTR_BUF];
        int r = cfs_read(path, buf, sizeof(buf));
        bool same = r >= 0 && (size_t)r == size && memcmp(buf, value, size) == 0;

        explicit_bzero(buf, sizeof(buf));
        if (same)
                return 0;
        r = cfs_write(path, value, size);
        return r < 0 ? r : 1;
}

size_t cfs_journal_rollback(struct cfs_journal *j, const char *root, char **ret_left)
{
        size_t left_size = 0, n_left = 0, root_len = strlen(root);
        FILE *f;

        *ret_left = NULL;
        f = open_memstream(ret_left, &left_size);
        for (size_t i = j->n; i-- > 0;) {
                const char *path = j->items[i].path;
                int r = j->items[i].link ? unlink(path) : rmdir(path);
                int e = errno;

                if (r < 0 && e != ENOENT) {
                        if (strncmp(path, root, root_len) == 0 && path[root_len] == '/')
                                path += root_len + 1;
                        if (f)
                                fprintf(f, "%s%s (%s)", n_left ? ", " : "", path, strerror(e));
                        n_left++;
                }
        }
        if (f)
                fclose(f);
        cfs_journal_clear(j);
        return n_left;
}
