/* pb-node-chart.h — a scope's latest values, as a small line chart
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_NODE_CHART (pb_node_chart_get_type ())

G_DECLARE_FINAL_TYPE (PbNodeChart, pb_node_chart, PB, NODE_CHART, GtkWidget)

GtkWidget *pb_node_chart_new        (void);
void       pb_node_chart_set_values (PbNodeChart  *self,
                                     const double *values,
                                     gsize         n_values,
                                     gsize         capacity);
gsize      pb_node_chart_get_n_values (PbNodeChart *self);

G_END_DECLS
