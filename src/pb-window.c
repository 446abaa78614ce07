/* pb-window.c — a top-level window showing one topology
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pb-application.h"
#include "pb-window.h"

struct _PbWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (PbWindow, pb_window, ADW_TYPE_APPLICATION_WINDOW)

/**
 * pb_window_new:
 * @application: the application the window belongs to
 *
 * Creates a window sized as the last one closed was.
 *
 * Returns: (transfer none): a new #PbWindow, owned by GTK like every
 *   toplevel; gtk_window_destroy() ends it
 */
PbWindow *
pb_window_new (PbApplication *application)
{
  g_return_val_if_fail (PB_IS_APPLICATION (application), NULL);

  return g_object_new (PB_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

static gboolean
pb_window_close_request (GtkWindow *window)
{
  PbWindow *self = PB_WINDOW (window);
  int width;
  int height;

  /* The default size follows the window while it is neither maximized nor
   * fullscreen, so it is the size to come back to next time even if the
   * window is maximized now. */
  gtk_window_get_default_size (window, &width, &height);

  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (pb_window_parent_class)->close_request (window);
}

static void
pb_window_dispose (GObject *object)
{
  PbWindow *self = PB_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pb_window_parent_class)->dispose (object);
}

static void
pb_window_class_init (PbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = pb_window_dispose;

  window_class->close_request = pb_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/pushback/Pushback/ui/pb-window.ui");
}

static void
pb_window_init (PbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}
