/* bench-launch.c — from starting the editor to its first frame of the demo
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-launch
 *
 * Runs the application as `pushback --demo` does, and prints how long it
 * took from the process's start (as the kernel counts it: loading and
 * linking included) to the window's first painted frame, with the demo
 * built, laid out and running. Run it under Xvfb with GSK_RENDERER=cairo
 * and the build's GSETTINGS_SCHEMA_DIR, once per sample.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gtk/gtk.h>

#include "pb-application.h"
#include "pb-window.h"

static double
process_age_ms (void)
{
  g_autofree char *stat = NULL;
  g_autofree char *uptime = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;
  double up, started;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL)
      || !g_file_get_contents ("/proc/uptime", &uptime, NULL, NULL))
    return -1;
  /* The name, in parentheses, may hold spaces: fields count after it. */
  after_name = strrchr (stat, ')');
  fields = g_strsplit (after_name + 2, " ", -1);
  started = g_ascii_strtod (fields[19], NULL) / sysconf (_SC_CLK_TCK);
  up = g_ascii_strtod (uptime, NULL);
  return (up - started) * 1000;
}

/* Whether the frame shows the demo laid out, not piled at one point. */
static gboolean
demo_placed (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GListModel *nodes = pb_document_get_nodes (pb_window_get_document (PB_WINDOW (window)));
  guint n = g_list_model_get_n_items (nodes);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

      if (!pb_node_get_placed (node))
        return FALSE;
    }
  return n > 0;
}

static void
on_after_paint (GdkFrameClock *clock,
                GApplication  *app)
{
  printf ("phase=launch launch_to_first_frame_ms=%.1f laid_out=%s\n", process_age_ms (),
          demo_placed (app) ? "yes" : "no");
  fflush (stdout);
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, app);
  g_application_quit (app);
}

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window)
{
  gtk_widget_realize (GTK_WIDGET (window));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (on_after_paint), app);
}

static void
on_activate (GApplication *app)
{
  pb_application_open_demo (PB_APPLICATION (app));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PbApplication) app = pb_application_new ();

  /* A private instance: another Pushback running must not take the call. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), NULL);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), NULL);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
