/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Quoting for POSIX shells, for commands hasan prints for an operator to
 * read or paste (it never runs a shell itself). A word made only of
 * characters no shell treats specially is left as it is; anything else is
 * put in single quotes, with each ' written as '\''. The empty word is ''.
 */

/* Quote one word. Returns 0 or -ENOMEM. */
int shell_quote(const char *word, char **ret);

/* Quote each word of a NULL-terminated argv and join them with spaces. Returns 0 or -ENOMEM. */
int shell_join(char *const *argv, char **ret);
