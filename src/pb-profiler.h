/* pb-profiler.h — the table of what every process and chain costs
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pb-document.h"
#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_PROFILER (pb_profiler_get_type ())

G_DECLARE_FINAL_TYPE (PbProfiler, pb_profiler, PB, PROFILER, GtkWidget)

GtkWidget  *pb_profiler_new           (void);
PbDocument *pb_profiler_get_document  (PbProfiler  *self);
void        pb_profiler_set_document  (PbProfiler  *self,
                                       PbDocument  *document);
void        pb_profiler_select_node   (PbProfiler  *self,
                                       PbNode      *node);
GListModel *pb_profiler_get_processes (PbProfiler  *self);
GListModel *pb_profiler_get_chains    (PbProfiler  *self);
GListModel *pb_profiler_get_comparison (PbProfiler *self);
void        pb_profiler_compare       (PbProfiler  *self,
                                       guint        run_a,
                                       guint        run_b);
gboolean    pb_profiler_write_json    (PbProfiler  *self,
                                       GFile       *file,
                                       GError     **error);
gboolean    pb_profiler_write_csv     (PbProfiler  *self,
                                       GFile       *file,
                                       GError     **error);
gint64      pb_profiler_get_update_us (PbProfiler  *self);

G_END_DECLS
