/* pb-palette.h — every kind of process, to add to the topology
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PB_TYPE_PALETTE (pb_palette_get_type ())

G_DECLARE_FINAL_TYPE (PbPalette, pb_palette, PB, PALETTE, GtkWidget)

GtkWidget *pb_palette_new (void);

G_END_DECLS
