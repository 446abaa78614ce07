/* pb-window-private.h — what the window's files share (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pb-autosave.h"
#include "pb-canvas.h"
#include "pb-find-bar.h"
#include "pb-problems.h"
#include "pb-inspector.h"
#include "pb-minimap.h"
#include "pb-palette.h"
#include "pb-profiler.h"
#include "pb-window.h"

G_BEGIN_DECLS

struct _PbWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  PbDocument           *document;
  PbAutosave           *autosave;
  gboolean              trusted;

  AdwWindowTitle       *window_title;
  AdwSplitButton       *open_button;
  GtkWidget            *run_button;
  GtkWidget            *pause_button;
  GtkRevealer          *trust_banner;
  GtkLabel             *trust_label;
  PbPalette            *palette;
  GtkRevealer          *inspector_revealer;
  PbInspector          *inspector;
  AdwToastOverlay      *toasts;
  PbCanvas             *canvas;
  GtkWidget            *empty_page;
  PbFindBar            *find_bar;
  PbMinimap            *minimap;
  GtkPaned             *profiler_paned;
  PbProfiler           *profiler;
  GtkWidget            *problems_button;
  GtkLabel             *problems_count;
  int                   profiler_height; /* as the handle last left it */
};

void _pb_window_class_add_actions (GtkWidgetClass *widget_class);
void _pb_window_update_actions    (PbWindow       *self);
void _pb_window_trust             (PbWindow       *self);
void _pb_window_save_as           (PbWindow       *self,
                                   gboolean        close_after);

G_END_DECLS
