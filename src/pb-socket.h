/* pb-socket.h — a port's socket on a node
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pb-port.h"
#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_SOCKET (pb_socket_get_type ())

G_DECLARE_FINAL_TYPE (PbSocket, pb_socket, PB, SOCKET, GtkWidget)

GtkWidget *pb_socket_new          (PbPort    *port,
                                   const char *process_name);
PbPort    *pb_socket_get_port     (PbSocket  *self);
void       pb_socket_get_center   (PbSocket  *self,
                                   GtkWidget *target,
                                   double    *x,
                                   double    *y);
void       pb_socket_item_color   (pb_item_type type,
                                   GdkRGBA     *color);

G_END_DECLS
