/* pb-canvas.h — the view of a topology, where it is drawn and edited
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pb-document.h"
#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_CANVAS (pb_canvas_get_type ())

G_DECLARE_FINAL_TYPE (PbCanvas, pb_canvas, PB, CANVAS, GtkWidget)

GtkWidget  *pb_canvas_new                (void);
PbDocument *pb_canvas_get_document       (PbCanvas   *self);
void        pb_canvas_set_document       (PbCanvas   *self,
                                          PbDocument *document);
double      pb_canvas_get_zoom           (PbCanvas   *self);
void        pb_canvas_set_zoom           (PbCanvas   *self,
                                          double      zoom,
                                          double      x,
                                          double      y);
void        pb_canvas_zoom_to_fit        (PbCanvas   *self);
void        pb_canvas_to_canvas          (PbCanvas   *self,
                                          double      widget_x,
                                          double      widget_y,
                                          double     *x,
                                          double     *y);
void        pb_canvas_get_center         (PbCanvas   *self,
                                          double     *x,
                                          double     *y);
GPtrArray  *pb_canvas_get_selected_nodes (PbCanvas   *self);
PbNode     *pb_canvas_get_selected_node  (PbCanvas   *self);
GPtrArray  *pb_canvas_get_selected_links (PbCanvas   *self);
void        pb_canvas_select_node        (PbCanvas   *self,
                                          PbNode     *node,
                                          gboolean    extend);
void        pb_canvas_take_work_us       (PbCanvas   *self,
                                          gint64     *allocate_us,
                                          gint64     *snapshot_us);
void        pb_canvas_scroll_to          (PbCanvas   *self,
                                          double      x,
                                          double      y);
GtkWidget  *pb_canvas_find_view          (PbCanvas   *self,
                                          PbNode     *node);
void        pb_canvas_keep_in_view       (PbCanvas   *self,
                                          PbNode     *node);
void        pb_canvas_reveal_node        (PbCanvas   *self,
                                          PbNode     *node);

void        pb_canvas_get_node_size      (PbCanvas   *self,
                                          PbNode     *node,
                                          double     *width,
                                          double     *height);
void        pb_canvas_get_visible_area   (PbCanvas   *self,
                                          graphene_rect_t *area);
void        pb_canvas_get_graph_bounds   (PbCanvas   *self,
                                          graphene_rect_t *bounds);
void        pb_canvas_center_on          (PbCanvas   *self,
                                          double      x,
                                          double      y);
gboolean    pb_canvas_get_snap_to_grid   (PbCanvas   *self);
void        pb_canvas_set_snap_to_grid   (PbCanvas   *self,
                                          gboolean    snap);

/* In pb-canvas-pipeline.c: pipeline text in and out. */
void        pb_canvas_begin_add_pipeline (PbCanvas   *self);
char       *pb_canvas_copy_as_pipeline   (PbCanvas   *self,
                                          GError    **error);

/* In pb-canvas-probes.c: probes pinned on wires. */
GtkWidget  *pb_canvas_pin_probe          (PbCanvas   *self,
                                          PbLink     *link);
void        pb_canvas_unpin_probe        (PbCanvas   *self,
                                          PbLink     *link);
GtkWidget  *pb_canvas_get_probe          (PbCanvas   *self,
                                          PbLink     *link);

void        pb_canvas_edit_frame         (PbCanvas    *self,
                                          PbFrame     *frame);
GtkWidget  *pb_canvas_find_frame_view    (PbCanvas    *self,
                                          PbFrame     *frame);

G_END_DECLS
