/* gui-test-app.c — a running application with one window, for tests that
 * drive the editor through its canvas
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real PbWindow in a running PbApplication under Xvfb. Input reaches the
 * canvas through its own controllers' signals, as GTK would emit them for
 * a person's pointer: what is tested is the canvas's handling, not the
 * X server's.
 */

#include "config.h"

#include "gui-test-app.h"
#include "gui-test-utils.h"

void
gui_app_set_up (GuiApp        *fixture,
                gconstpointer  body)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.pushback.Pushback");

  /* A known window size, whatever a previous test saved. */
  g_settings_set_int (settings, "window-width", 1270);
  g_settings_set_int (settings, "window-height", 780);
  g_settings_set_boolean (settings, "window-maximized", FALSE);

  fixture->app = pb_application_new ();
  g_application_set_flags (G_APPLICATION (fixture->app), G_APPLICATION_NON_UNIQUE);
  fixture->body = (GuiAppBody) body;
}

void
gui_app_tear_down (GuiApp        *fixture,
                   gconstpointer  body)
{
  g_assert_finalize_object (fixture->app);
}

static void
activated (GApplication *application,
           GuiApp       *fixture)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  g_assert_true (PB_IS_WINDOW (window));
  fixture->window = g_object_ref (PB_WINDOW (window));
  fixture->canvas = pb_window_get_canvas (fixture->window);
  fixture->document = pb_window_get_document (fixture->window);

  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  gui_test_wait_for_draw (GTK_WIDGET (fixture->canvas));

  fixture->body (fixture);

  /* The test's edits are not worth a "Save Changes?" dialog. */
  pb_undo_stack_set_clean (pb_document_get_undo_stack (pb_window_get_document (fixture->window)));
  gtk_window_close (window);
  g_assert_finalize_object (fixture->window);
}

/* Runs the test's body once the application has shown its window. */
void
gui_app_run (GuiApp        *fixture,
             gconstpointer  body)
{
  g_signal_connect_after (fixture->app, "activate", G_CALLBACK (activated), fixture);
  g_assert_cmpint (g_application_run (G_APPLICATION (fixture->app), 0, NULL), ==, 0);
}

/* Adds a node of @kind at (@x, @y), in canvas units, as one step. */
PbNode *
gui_app_add_node (GuiApp     *fixture,
                  const char *kind,
                  double      x,
                  double      y)
{
  g_autoptr(GError) error = NULL;
  PbNode *node = pb_document_add_node (fixture->document, kind, x, y, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* @widget's controller of @type, for @button when it is a single-button
 * gesture. */
GtkEventController *
gui_app_find_controller (GtkWidget *widget,
                         GType      type,
                         guint      button)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        continue;
      if (GTK_IS_GESTURE_SINGLE (controller)
          && gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) != button)
        continue;
      return controller;
    }
  g_error ("%s has no %s", G_OBJECT_TYPE_NAME (widget), g_type_name (type));
  return NULL;
}

/* A primary-button drag from (x0, y0) to (x1, y1), in the canvas's
 * coordinates, through one intermediate point as a hand would go. */
void
gui_app_drag (GuiApp *fixture,
              double  x0,
              double  y0,
              double  x1,
              double  y1)
{
  GtkEventController *gesture = gui_app_find_controller (GTK_WIDGET (fixture->canvas),
                                                         GTK_TYPE_GESTURE_DRAG,
                                                         GDK_BUTTON_PRIMARY);

  g_signal_emit_by_name (gesture, "drag-begin", x0, y0);
  g_signal_emit_by_name (gesture, "drag-update", (x1 - x0) / 2, (y1 - y0) / 2);
  g_signal_emit_by_name (gesture, "drag-update", x1 - x0, y1 - y0);
  g_signal_emit_by_name (gesture, "drag-end", x1 - x0, y1 - y0);
}

/* Every action a menu model offers, through its sections and submenus. */
static void
collect_actions (GMenuModel *model,
                 GPtrArray  *actions)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr(GMenuLinkIter) links = g_menu_model_iterate_item_links (model, i);
      char *action = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
        g_ptr_array_add (actions, action);
      while (g_menu_link_iter_next (links))
        {
          g_autoptr(GMenuModel) linked = g_menu_link_iter_get_value (links);

          collect_actions (linked, actions);
        }
    }
}

/* The actions of the menu a secondary click at (@x, @y) opens, which is
 * closed again. */
GPtrArray *
gui_app_menu_at (GuiApp *fixture,
                 double  x,
                 double  y)
{
  GtkEventController *click = gui_app_find_controller (GTK_WIDGET (fixture->canvas),
                                                       GTK_TYPE_GESTURE_CLICK,
                                                       GDK_BUTTON_SECONDARY);
  GtkWidget *menu = gui_test_find (GTK_WIDGET (fixture->canvas), GTK_TYPE_POPOVER_MENU);
  GPtrArray *actions = g_ptr_array_new_with_free_func (g_free);

  g_signal_emit_by_name (click, "pressed", 1, x, y);
  g_assert_true (gtk_widget_get_visible (menu));
  collect_actions (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu)), actions);
  gtk_popover_popdown (GTK_POPOVER (menu));
  return actions;
}

gboolean
gui_app_offers (GPtrArray  *actions,
                const char *action)
{
  return g_ptr_array_find_with_equal_func (actions, action, g_str_equal, NULL);
}

/* Asserts that pressing @accelerator on @widget activates @action: a
 * shortcut of one of its shortcut controllers, such as the one its
 * class's key bindings make. */
void
gui_app_assert_key (GtkWidget  *widget,
                    const char *accelerator,
                    const char *action)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accelerator);

  g_assert_nonnull (wanted);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          GtkShortcutAction *activates = gtk_shortcut_get_action (shortcut);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted)
              && GTK_IS_NAMED_ACTION (activates)
              && g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (activates)),
                              action))
            return;
        }
    }
  g_error ("%s does not activate %s on %s", accelerator, action, G_OBJECT_TYPE_NAME (widget));
}
