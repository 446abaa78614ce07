/* pb-sparkline.h — a small line chart of a row's last minute
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PB_TYPE_SPARKLINE (pb_sparkline_get_type ())

G_DECLARE_FINAL_TYPE (PbSparkline, pb_sparkline, PB, SPARKLINE, GtkWidget)

GtkWidget *pb_sparkline_new        (void);
void       pb_sparkline_set_values (PbSparkline  *self,
                                    const double *values,
                                    guint         n_values,
                                    guint         span);

G_END_DECLS
