/* pb-node-stats.h — a node's live counters, drawn without relayout
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_NODE_STATS (pb_node_stats_get_type ())

G_DECLARE_FINAL_TYPE (PbNodeStats, pb_node_stats, PB, NODE_STATS, GtkWidget)

GtkWidget  *pb_node_stats_new      (void);
void        pb_node_stats_set      (PbNodeStats *self,
                                    const char  *rates,
                                    const char  *value,
                                    double       heat);
const char *pb_node_stats_get_text (PbNodeStats *self);
void        pb_node_stats_set_brief (PbNodeStats *self,
                                    gboolean     brief);
void        pb_node_stats_set_value_lines (PbNodeStats *self,
                                           guint        n_lines);

G_END_DECLS
