/* pb-node-view.h — a node on the canvas
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pb-node.h"
#include "pb-socket.h"
#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_NODE_VIEW (pb_node_view_get_type ())

G_DECLARE_FINAL_TYPE (PbNodeView, pb_node_view, PB, NODE_VIEW, GtkWidget)

GtkWidget *pb_node_view_new         (PbNode     *node);
PbNode    *pb_node_view_get_node    (PbNodeView *self);
void       pb_node_view_set_brief   (PbNodeView *self,
                                     gboolean    brief);
PbSocket  *pb_node_view_find_socket (PbNodeView *self,
                                     pb_addr     port);
void       pb_node_view_foreach_socket (PbNodeView *self,
                                        GFunc       func,
                                        gpointer    user_data);

G_END_DECLS
