/* pb-source-window.h — the C a chain runs, read-only
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PB_TYPE_SOURCE_WINDOW (pb_source_window_get_type ())

G_DECLARE_FINAL_TYPE (PbSourceWindow, pb_source_window, PB, SOURCE_WINDOW, AdwWindow)

GtkWidget  *pb_source_window_new      (GtkWindow  *parent,
                                       const char *subtitle,
                                       const char *source);
char       *pb_source_window_dup_text (PbSourceWindow *self);

G_END_DECLS
