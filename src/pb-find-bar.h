/* pb-find-bar.h — find processes by name, kind or parameter value
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pb-canvas.h"
#include "pb-node.h"
#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_FIND_BAR (pb_find_bar_get_type ())

G_DECLARE_FINAL_TYPE (PbFindBar, pb_find_bar, PB, FIND_BAR, GtkWidget)

GtkWidget *pb_find_bar_new           (PbCanvas   *canvas);
void       pb_find_bar_begin         (PbFindBar  *self);
void       pb_find_bar_set_text      (PbFindBar  *self,
                                      const char *text);
void       pb_find_bar_next          (PbFindBar  *self);
guint      pb_find_bar_get_n_matches (PbFindBar  *self);
gboolean   pb_find_bar_node_matches  (PbNode     *node,
                                      const char *text);

G_END_DECLS
