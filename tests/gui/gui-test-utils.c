/* gui-test-utils.c — what the widget tests share
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gui-test-utils.h"

/* Waits until @widget has been laid out and drawn with what it shows now.
 * gtk_test_widget_wait_for_draw() returns from a tick of the frame clock,
 * which comes before that frame's layout and paint: the second tick
 * comes after the first frame's paint. */
void
gui_test_wait_for_draw (GtkWidget *widget)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  gtk_test_widget_wait_for_draw (widget);
  gtk_test_widget_wait_for_draw (widget);
}

/**
 * gui_test_show:
 *
 * Puts @child alone in an undecorated window of @width × @height, the
 * size of the pane the application gives it, and returns once it is on
 * screen. Undecorated, so that a picture of the window is the widget on
 * the window's background and nothing else.
 *
 * Returns: (transfer none): the window; gtk_window_destroy() ends it
 */
GtkWindow *
gui_test_show (GtkWidget *child,
               int        width,
               int        height)
{
  GtkWindow *window;

  /* Pictures must show where widgets end up, not half-way there. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  window = g_object_new (GTK_TYPE_WINDOW,
                         "decorated", FALSE,
                         "default-width", width,
                         "default-height", height,
                         "child", child,
                         NULL);

  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  gui_test_wait_for_draw (GTK_WIDGET (window));

  return window;
}

static void
find_all (GtkWidget *widget,
          GType      type,
          GPtrArray *found)
{
  GtkWidget *child;

  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);

  for (child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_all (child, type, found);
}

/**
 * gui_test_find_all:
 *
 * Returns: (transfer container): every widget of @type in @widget's tree,
 *   @widget included, depth first
 */
GPtrArray *
gui_test_find_all (GtkWidget *widget,
                   GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  find_all (widget, type, found);
  return found;
}

/* Returns: (nullable): the first widget of @type in @widget's tree. */
GtkWidget *
gui_test_find (GtkWidget *widget,
               GType      type)
{
  g_autoptr(GPtrArray) found = gui_test_find_all (widget, type);

  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

/* Returns: (nullable): the preferences row entitled @title, or the
 * preferences group entitled @title. */
GtkWidget *
gui_test_find_row (GtkWidget  *widget,
                   const char *title)
{
  g_autoptr(GPtrArray) rows = gui_test_find_all (widget, ADW_TYPE_PREFERENCES_ROW);
  g_autoptr(GPtrArray) groups = gui_test_find_all (widget, ADW_TYPE_PREFERENCES_GROUP);
  guint i;

  for (i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), title) == 0)
      return g_ptr_array_index (rows, i);

  for (i = 0; i < groups->len; i++)
    if (g_strcmp0 (adw_preferences_group_get_title (g_ptr_array_index (groups, i)), title) == 0)
      return g_ptr_array_index (groups, i);

  return NULL;
}

/**
 * gui_test_save_png:
 * @name: a file name, made in the test build directory
 *
 * Renders @widget as it is on screen into a PNG, for people to look at.
 */
void
gui_test_save_png (GtkWidget  *widget,
                   const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gui_test_wait_for_draw (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

/**
 * gui_test_isolate_data:
 *
 * Gives the test process user data and config folders of its own, before
 * GTK starts: the editor keeps autosaves and recent files there, and none
 * of another run's (or of the person running the tests) may leak in. The
 * system's data folders stay, since GTK's icons and GtkSourceView's
 * languages live there. The folder is left in /tmp for a failure to be
 * looked at.
 */
void
gui_test_isolate_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pushback-test-XXXXXX", &error);
  g_autofree char *data = NULL;
  g_autofree char *config = NULL;

  g_assert_no_error (error);
  data = g_build_filename (dir, "data", NULL);
  config = g_build_filename (dir, "config", NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
}
