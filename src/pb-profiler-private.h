/* pb-profiler-private.h — what the profiler's files share (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* In pb-profiler-columns.c. */
GtkColumnViewColumn *_pb_profiler_add_process_columns    (GtkColumnView *view);
void                 _pb_profiler_add_chain_columns      (GtkColumnView *view);
GtkColumnViewColumn *_pb_profiler_add_comparison_columns (GtkColumnView *view);

G_END_DECLS
