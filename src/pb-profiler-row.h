/* pb-profiler-row.h — one process in the profiler's table
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include <pushback/engine.h>

#include "pb-node.h"
#include "pb-rates.h"
#include "pb-types.h"

G_BEGIN_DECLS

/* The sparkline's span: one sample a second. */
#define PB_PROFILER_HISTORY 60

#define PB_TYPE_PROFILER_ROW (pb_profiler_row_get_type ())

G_DECLARE_FINAL_TYPE (PbProfilerRow, pb_profiler_row, PB, PROFILER_ROW, GObject)

PbProfilerRow *pb_profiler_row_new         (PbNode                *node);
PbNode        *pb_profiler_row_get_node    (PbProfilerRow         *self);
const char    *pb_profiler_row_get_name    (PbProfilerRow         *self);
const char    *pb_profiler_row_get_kind    (PbProfilerRow         *self);
guint64        pb_profiler_row_get_calls   (PbProfilerRow         *self);
guint64        pb_profiler_row_get_busy_ns (PbProfilerRow         *self);
double         pb_profiler_row_get_share   (PbProfilerRow         *self);
double         pb_profiler_row_get_rate    (PbProfilerRow         *self);
double         pb_profiler_row_get_ns_per_item (PbProfilerRow     *self);
void           pb_profiler_row_update      (PbProfilerRow         *self,
                                            const pb_process_info *info,
                                            const PbRates         *rates);
void           pb_profiler_row_take_sample (PbProfilerRow         *self,
                                            guint64                busy_ns,
                                            guint64                time_ns);
void           pb_profiler_row_watch       (PbProfilerRow         *self,
                                            gboolean               watch);
guint          pb_profiler_row_copy_history (PbProfilerRow        *self,
                                             double               *samples);

G_END_DECLS
