/* pb-window.h — a top-level window showing one topology
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pb-document.h"
#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_WINDOW (pb_window_get_type ())

G_DECLARE_FINAL_TYPE (PbWindow, pb_window, PB, WINDOW, AdwApplicationWindow)

PbWindow   *pb_window_new          (PbApplication *application);
PbDocument *pb_window_get_document (PbWindow      *self);
void        pb_window_set_document (PbWindow      *self,
                                    PbDocument    *document,
                                    gboolean       trusted);
gboolean    pb_window_is_pristine  (PbWindow      *self);
void        pb_window_show_toast   (PbWindow      *self,
                                    const char    *title);
void        pb_window_show_error   (PbWindow      *self,
                                    const char    *heading,
                                    const GError  *error);
PbCanvas   *pb_window_get_canvas   (PbWindow      *self);

G_END_DECLS
