/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/mountinfo.h"

/* The kernel escapes space, tab, newline and backslash as \ooo; undo it in place. */
static void unescape_octal(char *s)
{
        char *out = s;

        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
                    s[3] >= '0' && s[3] <= '7') {
                        *out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
                        s += 3;
                } else
                        *out++ = *s;
        }
        *out = '\0';
}

/*
 * "36 35 98:0 /root /mnt rw,noatime master:1 - ext3 /dev/root rw": ids,
 * major:minor, root, mount point, options, optional fields up to "-",
 * then filesystem type, source and super options.
 */
static int parse_line(char *line, struct mount_entry *m)
{
        char *saveptr = NULL, *field, *mount_point = NULL;
        int i = 0;

        for (field = strtok_r(line, " ", &saveptr); field;
             field = strtok_r(NULL, " ", &saveptr), i++) {
                if (i == 2 && sscanf(field, "%u:%u", &m->major, &m->minor) != 2)
                        return -1;
                if (i == 4)
                        mount_point = field;
                if (i >= 6 && strcmp(field, "-") == 0)
                        break;
        }
        if (!field || !mount_point)
                return -1;
        m->fstype = strtok_r(NULL, " ", &saveptr);
        field = strtok_r(NULL, " ", &saveptr);
        if (!m->fstype || !field)
                return -1;
        unescape_octal(mount_point);
        unescape_octal(field);
        m->mount_point = mount_point;
        m->source = field;
        return 0;
}

int mountinfo_foreach(const char *path, int (*fn)(const struct mount_entry *m, void *userdata),
                      void *userdata)
{
        _cleanup_free_ char *table = NULL;
        char *saveptr = NULL;
        int r = read_full_file(path, &table, NULL);

        if (r < 0)
                return r;
        for (char *line = strtok_r(table, "\n", &saveptr); line;
             line = strtok_r(NULL, "\n", &saveptr)) {
                struct mount_entry m = {0};

                if (parse_line(line, &m) < 0)
                        continue;
                r = fn(&m, userdata);
                if (r != 0)
                        return r;
        }
        return 0;
}
