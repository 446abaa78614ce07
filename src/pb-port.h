/* pb-port.h — one socket of a node: a port of a process
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include <pushback/addr.h>
#include <pushback/kinds.h>

#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_PORT (pb_port_get_type ())

G_DECLARE_FINAL_TYPE (PbPort, pb_port, PB, PORT, GObject)

PbPort       *pb_port_new           (pb_addr       address,
                                     const char   *role,
                                     pb_port_dir   direction,
                                     const char   *types);
pb_addr       pb_port_get_address   (PbPort       *self);
const char   *pb_port_get_role      (PbPort       *self);
pb_port_dir   pb_port_get_direction (PbPort       *self);
const char   *pb_port_get_types     (PbPort       *self);
pb_item_type  pb_port_get_item_type (PbPort       *self);
void          pb_port_set_item_type (PbPort       *self,
                                     pb_item_type  type);
pb_addr       pb_port_get_peer      (PbPort       *self);
gboolean      pb_port_get_present   (PbPort       *self);
void          pb_port_set_present   (PbPort       *self,
                                     gboolean      present);
void          pb_port_set_peer      (PbPort       *self,
                                     pb_addr       peer);

G_END_DECLS
