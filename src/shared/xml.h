/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>

/* Write s (NULL: nothing) with the five XML special characters escaped. */
void xml_put_escaped(FILE *f, const char *s);
