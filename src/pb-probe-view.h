/* pb-probe-view.h — what crosses a link, live
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pb-document.h"
#include "pb-link.h"

G_BEGIN_DECLS

#define PB_TYPE_PROBE_VIEW (pb_probe_view_get_type ())

G_DECLARE_FINAL_TYPE (PbProbeView, pb_probe_view, PB, PROBE_VIEW, GtkWidget)

GtkWidget *pb_probe_view_new        (PbDocument  *document);
void       pb_probe_view_set_link   (PbProbeView *self,
                                     PbLink      *link);
PbLink    *pb_probe_view_get_link   (PbProbeView *self);
char      *pb_probe_view_dup_values (PbProbeView *self);

G_END_DECLS
