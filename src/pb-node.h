/* pb-node.h — a process as the editor shows it
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include <pushback/addr.h>
#include <pushback/engine.h>
#include <pushback/kinds.h>
#include <pushback/runner.h>

#include "pb-port.h"
#include "pb-rates.h"
#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_NODE (pb_node_get_type ())

G_DECLARE_FINAL_TYPE (PbNode, pb_node, PB, NODE, GObject)

PbNode           *pb_node_new          (pb_addr            address,
                                        const pb_kind     *kind);
pb_addr           pb_node_get_address  (PbNode            *self);
const pb_kind    *pb_node_get_kind     (PbNode            *self);
const char       *pb_node_get_kind_name (PbNode           *self);
const char       *pb_node_get_name     (PbNode            *self);
gboolean          pb_node_get_bypassed (PbNode            *self);
void              pb_node_set_bypassed (PbNode            *self,
                                        gboolean           bypassed);
void              pb_node_set_name     (PbNode            *self,
                                        const char        *name);
double            pb_node_get_x        (PbNode            *self);
double            pb_node_get_y        (PbNode            *self);
void              pb_node_set_position (PbNode            *self,
                                        double             x,
                                        double             y);
gboolean          pb_node_get_placed   (PbNode            *self);
gboolean          pb_node_get_selected (PbNode            *self);
void              pb_node_set_selected (PbNode            *self,
                                        gboolean           selected);
const char       *pb_node_get_param    (PbNode            *self,
                                        const char        *key);
void              pb_node_set_param    (PbNode            *self,
                                        const char        *key,
                                        const char        *value);
GListModel       *pb_node_get_ports    (PbNode            *self);
PbPort           *pb_node_find_port    (PbNode            *self,
                                        pb_addr            port);
void              pb_node_set_peer     (PbNode            *self,
                                        pb_addr            port,
                                        pb_addr            peer);
pb_process_state  pb_node_get_state    (PbNode            *self);
const char       *pb_node_get_message  (PbNode            *self);
pb_addr           pb_node_get_chain    (PbNode            *self);
void              pb_node_set_chain    (PbNode            *self,
                                        pb_addr            chain);
void              pb_node_set_live     (PbNode            *self,
                                        const PbRates     *rates,
                                        const char        *value);
void              pb_node_set_sink     (PbNode            *self,
                                        const pb_sink_value *value);
const pb_sink_value *pb_node_get_sink  (PbNode            *self);
gboolean          pb_node_get_live     (PbNode            *self,
                                        PbRates           *rates,
                                        const char       **value);
void              pb_node_set_status   (PbNode            *self,
                                        pb_process_state   state,
                                        const char        *message);

G_END_DECLS
