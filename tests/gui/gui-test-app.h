/* gui-test-app.h — a running application with one window, for tests that
 * drive the editor through its canvas
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pb-application.h"
#include "pb-canvas.h"
#include "pb-document.h"
#include "pb-window.h"

G_BEGIN_DECLS

typedef struct _GuiApp GuiApp;
typedef void (*GuiAppBody) (GuiApp *app);

/* What a test body gets: the application, its window, the window's
 * canvas and document. */
struct _GuiApp
{
  PbApplication *app;
  GuiAppBody     body;

  PbWindow      *window;
  PbCanvas      *canvas;
  PbDocument    *document;
};

void                gui_app_set_up        (GuiApp        *fixture,
                                           gconstpointer  body);
void                gui_app_run           (GuiApp        *fixture,
                                           gconstpointer  body);
void                gui_app_tear_down     (GuiApp        *fixture,
                                           gconstpointer  body);

PbNode             *gui_app_add_node      (GuiApp        *fixture,
                                           const char    *kind,
                                           double         x,
                                           double         y);
GtkEventController *gui_app_find_controller (GtkWidget   *widget,
                                           GType          type,
                                           guint          button);
void                gui_app_drag          (GuiApp        *fixture,
                                           double         x0,
                                           double         y0,
                                           double         x1,
                                           double         y1);
GPtrArray          *gui_app_menu_at       (GuiApp        *fixture,
                                           double         x,
                                           double         y);
gboolean            gui_app_offers        (GPtrArray     *actions,
                                           const char    *action);
void                gui_app_assert_key    (GtkWidget     *widget,
                                           const char    *accelerator,
                                           const char    *action);

/* Adds a test of @body, a GuiAppBody, at @path. */
#define GUI_APP_ADD(path, body) \
  g_test_add ((path), GuiApp, (gconstpointer) (body), gui_app_set_up, gui_app_run, \
              gui_app_tear_down)

G_END_DECLS
