/* pb-inspector.h — the name, kind, status and parameters of one process
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pb-node.h"

G_BEGIN_DECLS

#define PB_TYPE_INSPECTOR (pb_inspector_get_type ())

G_DECLARE_FINAL_TYPE (PbInspector, pb_inspector, PB, INSPECTOR, GtkWidget)

GtkWidget *pb_inspector_new        (void);
PbNode    *pb_inspector_get_node   (PbInspector  *self);
void       pb_inspector_set_node   (PbInspector  *self,
                                    PbNode       *node);
void       pb_inspector_show_error (PbInspector  *self,
                                    const char   *key,
                                    const GError *error);
gboolean   pb_inspector_show_failure (PbInspector *self);

G_END_DECLS
