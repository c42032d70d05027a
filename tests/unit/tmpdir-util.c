/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include "tmpdir-util.h"

char *test_tmpdir_new(const char *name)
{
        char *dir = NULL;

        if (asprintf(&dir, "/tmp/hasan-test-%s.XXXXXX", name) < 0)
                return NULL;
        if (!mkdtemp(dir)) {
                free(dir);
                return NULL;
        }
        return dir;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        return remove(path) < 0 ? -1 : 0;
}

int test_tmpdir_remove(char *dir)
{
        int r = 0;

        if (dir)
                r = nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
        free(dir);
        return r;
}
