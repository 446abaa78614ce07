/* pb-frame-editor.h — a popover to name, colour and annotate a frame
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pb-frame.h"

G_BEGIN_DECLS

#define PB_TYPE_FRAME_EDITOR (pb_frame_editor_get_type ())

G_DECLARE_FINAL_TYPE (PbFrameEditor, pb_frame_editor, PB, FRAME_EDITOR, GtkPopover)

GtkWidget *pb_frame_editor_new       (void);
void       pb_frame_editor_set_frame (PbFrameEditor *self,
                                      PbFrame       *frame);
PbFrame   *pb_frame_editor_get_frame (PbFrameEditor *self);

G_END_DECLS
