/* pb-frame.h — a named, coloured frame drawn around some processes
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <pushback/addr.h>

G_BEGIN_DECLS

/* A frame's whole state, as an undoable op keeps it: title, colour,
 * note, collapsed, and the members' addresses in ascending order. */
#define PB_FRAME_STATE_TYPE G_VARIANT_TYPE ("(sssbat)")

#define PB_TYPE_FRAME (pb_frame_get_type ())

G_DECLARE_FINAL_TYPE (PbFrame, pb_frame, PB, FRAME, GObject)

PbFrame       *pb_frame_new           (guint          id,
                                       GVariant      *state);
guint          pb_frame_get_id        (PbFrame       *self);
const char    *pb_frame_get_title     (PbFrame       *self);
const char    *pb_frame_get_color     (PbFrame       *self);
const char    *pb_frame_get_note      (PbFrame       *self);
gboolean       pb_frame_get_collapsed (PbFrame       *self);
const pb_addr *pb_frame_get_members   (PbFrame       *self,
                                       gsize         *n_members);
gboolean       pb_frame_has_member    (PbFrame       *self,
                                       pb_addr        process);
GVariant      *pb_frame_get_state     (PbFrame       *self);
void           pb_frame_set_state     (PbFrame       *self,
                                       GVariant      *state);
GVariant      *pb_frame_state_new     (const char    *title,
                                       const char    *color,
                                       const char    *note,
                                       gboolean       collapsed,
                                       const pb_addr *members,
                                       gsize          n_members);

const char * const *pb_frame_colors   (void);
const char    *pb_frame_color_label   (const char    *color);
const char    *pb_frame_color_value   (const char    *color);

G_END_DECLS
