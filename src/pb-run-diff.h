/* pb-run-diff.h — one process compared across two recorded runs
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include <pushback/store.h>

#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_RUN_DIFF (pb_run_diff_get_type ())

G_DECLARE_FINAL_TYPE (PbRunDiff, pb_run_diff, PB, RUN_DIFF, GObject)

PbRunDiff  *pb_run_diff_new            (const pb_store_counters *a,
                                        guint64                  a_duration_ns,
                                        const pb_store_counters *b,
                                        guint64                  b_duration_ns);
const char *pb_run_diff_get_name       (PbRunDiff *self);
pb_addr     pb_run_diff_get_process    (PbRunDiff *self);
double      pb_run_diff_get_cost_a     (PbRunDiff *self);
double      pb_run_diff_get_cost_b     (PbRunDiff *self);
double      pb_run_diff_get_change     (PbRunDiff *self);

G_END_DECLS
