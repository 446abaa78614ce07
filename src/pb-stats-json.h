/* pb-stats-json.h — a snapshot's counters as JSON
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include <pushback/runner.h>

G_BEGIN_DECLS

char *pb_stats_json (const pb_snapshot *snapshot);

G_END_DECLS
