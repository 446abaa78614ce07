/* pb-link.h — a connection as the editor shows it
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include <pushback/addr.h>
#include <pushback/engine.h>

#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_LINK (pb_link_get_type ())

G_DECLARE_FINAL_TYPE (PbLink, pb_link, PB, LINK, GObject)

PbLink   *pb_link_new          (pb_addr   source,
                                pb_addr   sink,
                                guint32   flags);
pb_addr   pb_link_get_source   (PbLink   *self);
pb_addr   pb_link_get_sink     (PbLink   *self);
guint32   pb_link_get_flags    (PbLink   *self);
void      pb_link_set_flags    (PbLink   *self,
                                guint32   flags);
gboolean  pb_link_get_selected (PbLink   *self);
void      pb_link_set_queue    (PbLink   *self,
                                double    fill,
                                double    delay_ns);
double    pb_link_get_queue    (PbLink   *self,
                                double   *delay_ns);
void      pb_link_set_selected (PbLink   *self,
                                gboolean  selected);
void      pb_link_set_probe    (PbLink              *self,
                                const pb_probe_info *info,
                                gint64               time_us);
const pb_probe_info *
          pb_link_get_probe    (PbLink   *self,
                                double   *rate);

G_END_DECLS
