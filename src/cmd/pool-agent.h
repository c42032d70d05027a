/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "shared/verbs.h"

/* ocf:hasan:pool, run as /usr/lib/ocf/resource.d/hasan/pool. */
int pool_agent_personality(int argc, char **argv);

/* The run-time verbs of "hasan pool" (pool-run.c): is-imported, scrub, vdev-conf. */
int pool_verb_is_imported(int argc, char **argv);
int pool_verb_scrub(int argc, char **argv);
int pool_verb_vdev_conf(int argc, char **argv);

/* "hasan pool tend POOL" (pool-agent.c): heal the halves and keep the outdated marks. */
int pool_verb_tend(int argc, char **argv);
