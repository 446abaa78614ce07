/* pb-application.c — the application object
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-application.h"
#include "pb-window.h"

struct _PbApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (PbApplication, pb_application, ADW_TYPE_APPLICATION)

static void pb_application_about (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data);
static void pb_application_quit  (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data);

static const GActionEntry app_entries[] = {
  { .name = "about", .activate = pb_application_about },
  { .name = "quit",  .activate = pb_application_quit },
};

/**
 * pb_application_new:
 *
 * Creates the application object; main() runs it.
 *
 * Returns: (transfer full): a new #PbApplication
 */
PbApplication *
pb_application_new (void)
{
  return g_object_new (PB_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

static void
pb_application_about (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  PbApplication *self = user_data;

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Pushback"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("The Pushback developers"),
                         "version", PACKAGE_VERSION,
                         "copyright", _("© 2026 The Pushback developers"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: put your names here, one per line. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
pb_application_quit (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  PbApplication *self = user_data;
  g_autolist(GtkWindow) windows = NULL;
  const GList *l;

  /* Closing the windows, rather than calling g_application_quit(), lets
   * each one save its state in its close-request handler; the application
   * exits by itself when the last window is gone.  The list is copied and
   * referenced because closing a window removes it from the original. */
  for (l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    windows = g_list_prepend (windows, g_object_ref (l->data));

  for (l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
pb_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (pb_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application),
                                   app_entries,
                                   G_N_ELEMENTS (app_entries),
                                   application);

  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "window.close", close_accels);
}

static void
pb_application_activate (GApplication *application)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (application));
  if (window == NULL)
    window = GTK_WINDOW (pb_window_new (PB_APPLICATION (application)));

  gtk_window_present (window);
}

static void
pb_application_class_init (PbApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = pb_application_startup;
  app_class->activate = pb_application_activate;
}

static void
pb_application_init (PbApplication *self)
{
}
