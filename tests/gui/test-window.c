/* test-window.c — the application shell: window, menu, actions, saved size
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pb-application.h"
#include "pb-canvas.h"
#include "gui-test-utils.h"
#include "pb-window.h"

typedef struct
{
  PbApplication *app;
  GSettings     *settings;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  /* The memory backend lives as long as the process: start each test from
   * the defaults whatever the previous one saved. */
  fixture->settings = g_settings_new ("org.pushback.Pushback");
  g_settings_reset (fixture->settings, "window-width");
  g_settings_reset (fixture->settings, "window-height");
  g_settings_reset (fixture->settings, "window-maximized");

  fixture->app = pb_application_new ();

  /* A Pushback already running on the bus must not take our activations. */
  g_application_set_flags (G_APPLICATION (fixture->app), G_APPLICATION_NON_UNIQUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->settings);
  g_assert_finalize_object (fixture->app);
}

/* Runs the application as a launch from the desktop would, with @body
 * connected after the application's own activate handler, which has made
 * the window by then.  The run ends when @body has closed every window;
 * running to the end matters, as GtkApplication only drops its references
 * to itself in shutdown. */
static void
run_application (Fixture   *fixture,
                 GCallback  body)
{
  g_signal_connect_after (fixture->app, "activate", body, fixture);

  g_assert_cmpint (g_application_run (G_APPLICATION (fixture->app), 0, NULL), ==, 0);
}

/* Presents @window and returns once it has been mapped and drawn. */
static void
present_and_wait (GtkWindow *window)
{
  gtk_window_present (window);

  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);

  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
}

/* Returns a reference to the window activation made, for
 * g_assert_finalize_object(), once it is on screen. */
static PbWindow *
get_activated_window (Fixture *fixture)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (fixture->app));
  g_assert_true (PB_IS_WINDOW (window));

  present_and_wait (window);

  return g_object_ref (PB_WINDOW (window));
}

static GtkWidget *
find_primary_menu_button (GtkWidget *widget)
{
  GtkWidget *child;

  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget)))
    return widget;

  for (child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_primary_menu_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The window holds several status pages (the palette's empty search, the
 * inspector's empty selection): this finds one by its title. */
static GtkWidget *
find_status_page (GtkWidget  *widget,
                  const char *title)
{
  GtkWidget *child;

  if (ADW_IS_STATUS_PAGE (widget)
      && g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), title) == 0)
    return widget;

  for (child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_status_page (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
window_shell_activated (GApplication *application,
                        Fixture      *fixture)
{
  PbWindow *window = get_activated_window (fixture);
  GtkWidget *status_page;
  GtkWidget *menu_button;

  /* A new window holds a new, empty document, with a canvas to draw it
   * on and a page saying how to start. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Untitled");
  g_assert_nonnull (pb_window_get_document (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (pb_window_get_canvas (window))));
  g_assert_true (pb_canvas_get_document (pb_window_get_canvas (window)) == pb_window_get_document (window));

  status_page = find_status_page (GTK_WIDGET (window), "No Processes Yet");
  g_assert_nonnull (status_page);
  g_assert_true (gtk_widget_get_mapped (status_page));

  /* The Open button's recent menu is a menu button too: the main menu is
   * the primary one. */
  menu_button = find_primary_menu_button (GTK_WIDGET (window));
  g_assert_nonnull (menu_button);
  g_assert_nonnull (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)));

  gtk_window_close (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
test_window_shell (Fixture       *fixture,
                   gconstpointer  data)
{
  run_application (fixture, G_CALLBACK (window_shell_activated));
}

static void
window_size_saved_activated (GApplication *application,
                             Fixture      *fixture)
{
  PbWindow *window = get_activated_window (fixture);
  int width;
  int height;

  /* Between closing the first window and opening the second there is no
   * window to keep the application running. */
  g_application_hold (application);

  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_finalize_object (window);

  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-width"), ==, 700);
  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-height"), ==, 500);
  g_assert_false (g_settings_get_boolean (fixture->settings, "window-maximized"));

  /* The next window opens at the size the last one was closed at. */
  window = g_object_ref (pb_window_new (fixture->app));
  present_and_wait (GTK_WINDOW (window));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 500);

  gtk_window_close (GTK_WINDOW (window));
  g_assert_finalize_object (window);

  g_application_release (application);
}

static void
test_window_size_saved (Fixture       *fixture,
                        gconstpointer  data)
{
  run_application (fixture, G_CALLBACK (window_size_saved_activated));
}

static void
application_about_activated (GApplication *application,
                             Fixture      *fixture)
{
  PbWindow *window = get_activated_window (fixture);
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *about = NULL;
  guint i;

  g_action_group_activate_action (G_ACTION_GROUP (application), "about", NULL);

  for (i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (toplevel))
        about = g_object_ref (toplevel);
    }

  g_assert_nonnull (about);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (window));
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);

  present_and_wait (about);
  gtk_window_destroy (about);
  g_assert_finalize_object (about);

  gtk_window_close (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
test_application_about (Fixture       *fixture,
                        gconstpointer  data)
{
  run_application (fixture, G_CALLBACK (application_about_activated));
}

static void
application_quit_activated (GApplication *application,
                            Fixture      *fixture)
{
  PbWindow *first = get_activated_window (fixture);
  PbWindow *second = g_object_ref (pb_window_new (fixture->app));

  present_and_wait (GTK_WINDOW (second));
  gtk_window_set_default_size (GTK_WINDOW (first), 640, 480);
  gtk_window_set_default_size (GTK_WINDOW (second), 640, 480);

  g_action_group_activate_action (G_ACTION_GROUP (application), "quit", NULL);

  /* Quitting closes every window, which saves its size on the way out. */
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (application)));
  g_assert_finalize_object (first);
  g_assert_finalize_object (second);
  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-width"), ==, 640);
  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-height"), ==, 480);
}

static void
test_application_quit (Fixture       *fixture,
                       gconstpointer  data)
{
  run_application (fixture, G_CALLBACK (application_quit_activated));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_isolate_data ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/pushback/window/shell", Fixture, NULL,
              fixture_set_up, test_window_shell, fixture_tear_down);
  g_test_add ("/pushback/window/size-saved", Fixture, NULL,
              fixture_set_up, test_window_size_saved, fixture_tear_down);
  g_test_add ("/pushback/application/about", Fixture, NULL,
              fixture_set_up, test_application_about, fixture_tear_down);
  g_test_add ("/pushback/application/quit", Fixture, NULL,
              fixture_set_up, test_application_quit, fixture_tear_down);

  return g_test_run ();
}
