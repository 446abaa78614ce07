/* pb-minimap.h — a small overview of a big graph, to pan with
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pb-canvas.h"

G_BEGIN_DECLS

#define PB_TYPE_MINIMAP (pb_minimap_get_type ())

G_DECLARE_FINAL_TYPE (PbMinimap, pb_minimap, PB, MINIMAP, GtkWidget)

GtkWidget *pb_minimap_new             (void);
PbCanvas  *pb_minimap_get_canvas      (PbMinimap *self);
void       pb_minimap_set_canvas      (PbMinimap *self,
                                       PbCanvas  *canvas);
gboolean   pb_minimap_get_enabled     (PbMinimap *self);
void       pb_minimap_set_enabled     (PbMinimap *self,
                                       gboolean   enabled);
guint      pb_minimap_get_n_draws     (PbMinimap *self);
void       pb_minimap_to_canvas       (PbMinimap *self,
                                       double     x,
                                       double     y,
                                       double    *canvas_x,
                                       double    *canvas_y);

G_END_DECLS
