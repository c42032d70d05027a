/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A fresh scratch directory /tmp/hasan-test-NAME.XXXXXX (mkdtemp). Returns
 * its path (malloc'ed; release it with test_tmpdir_remove()), or NULL with
 * errno set.
 */
char *test_tmpdir_new(const char *name);

/*
 * Remove dir and everything below it (symlinks are not followed), then free
 * dir. NULL is a no-op. Returns 0, or -1 when something could not be
 * removed.
 */
int test_tmpdir_remove(char *dir);
