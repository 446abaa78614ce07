/* pb-frame-view.h — a frame as the canvas draws it
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pb-document.h"
#include "pb-frame.h"
#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_FRAME_VIEW (pb_frame_view_get_type ())

G_DECLARE_FINAL_TYPE (PbFrameView, pb_frame_view, PB, FRAME_VIEW, GtkWidget)

GtkWidget *pb_frame_view_new               (PbFrame     *frame,
                                            PbDocument  *document);
PbFrame   *pb_frame_view_get_frame         (PbFrameView *self);
PbSocket  *pb_frame_view_find_socket       (PbFrameView *self,
                                            pb_addr      port);
void       pb_frame_view_update_sockets    (PbFrameView *self);
int        pb_frame_view_get_header_height (PbFrameView *self);
GtkWidget *pb_frame_view_get_anchor        (PbFrameView *self);
void       pb_frame_view_set_selected      (PbFrameView *self,
                                            gboolean     selected);

G_END_DECLS
