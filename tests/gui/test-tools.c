/* test-tools.c — the editor's power tools through the canvas: quick-add,
 * insert on a wire, delete with reconnect, moving a wire's end, find
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built as test-canvas.c is: a real PbWindow in a running application
 * under Xvfb, driven through the canvas's own gesture and key handlers,
 * with every edit checked in the document and undone as one step.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "pb-application.h"
#include "pb-canvas.h"
#include "pb-clipboard.h"
#include "pb-document.h"
#include "pb-find-bar.h"
#include "pb-minimap.h"
#include "pb-palette.h"
#include "pb-problems.h"
#include "pb-node-view.h"
#include "pb-socket.h"
#include "gui-test-app.h"
#include "gui-test-utils.h"
#include "pb-window.h"

typedef GuiApp Fixture;

/* Waits until @widget has been through one more frame: laid out and
 * drawn with whatever changed before. */
static void
wait_for_frame (GtkWidget *widget)
{
  gtk_test_widget_wait_for_draw (widget);
}

/* Finding things on the canvas */

static void
collect_sockets (GtkWidget *widget,
                 GPtrArray *sockets)
{
  if (PB_IS_SOCKET (widget))
    g_ptr_array_add (sockets, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_sockets (child, sockets);
}

/* The socket of @node's port named @role ("in", "out", "out[1]"), found
 * by walking the widget tree as a person's eye would: among the widgets
 * inside the node's view. */
static PbSocket *
find_socket (Fixture    *fixture,
             PbNode     *node,
             const char *role)
{
  GtkWidget *view = pb_canvas_find_view (fixture->canvas, node);
  g_autoptr(GPtrArray) sockets = g_ptr_array_new ();

  g_assert_nonnull (view);
  collect_sockets (view, sockets);
  for (guint i = 0; i < sockets->len; i++)
    {
      PbSocket *socket = g_ptr_array_index (sockets, i);

      if (g_str_equal (pb_port_get_role (pb_socket_get_port (socket)), role))
        return socket;
    }
  g_error ("%s has no socket %s", pb_node_get_name (node), role);
  return NULL;
}

static pb_addr
socket_address (PbSocket *socket)
{
  return pb_port_get_address (pb_socket_get_port (socket));
}

static GtkPopover *
find_refusal (Fixture *fixture)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (fixture->canvas));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child) && gtk_widget_has_css_class (child, "refusal"))
      return GTK_POPOVER (child);
  g_error ("the canvas has no refusal popover");
  return NULL;
}

static const char *
refusal_text (Fixture *fixture)
{
  GtkPopover *refusal = find_refusal (fixture);

  if (!gtk_widget_get_visible (GTK_WIDGET (refusal)))
    return NULL;
  return gtk_label_get_label (GTK_LABEL (gtk_popover_get_child (refusal)));
}

static void
hide_refusal (Fixture *fixture)
{
  gtk_popover_popdown (find_refusal (fixture));
}

static guint
n_nodes (Fixture *fixture)
{
  return g_list_model_get_n_items (pb_document_get_nodes (fixture->document));
}

static guint
n_links (Fixture *fixture)
{
  return g_list_model_get_n_items (pb_document_get_links (fixture->document));
}

static void
activate (Fixture    *fixture,
          const char *action)
{
  GtkWidget *target = g_str_has_prefix (action, "win.") ? GTK_WIDGET (fixture->window)
                                                       : GTK_WIDGET (fixture->canvas);

  g_assert_true (gtk_widget_activate_action (target, action, NULL));
}

/* Input as the canvas's controllers receive it */

static void
click (Fixture *fixture,
       double   x,
       double   y)
{
  gui_app_drag (fixture, x, y, x, y);
}

/* Drags a wire from one socket to another, as a person does. */
static void
drag_wire (Fixture  *fixture,
           PbSocket *from,
           PbSocket *to)
{
  double x0, y0, x1, y1;

  pb_socket_get_center (from, GTK_WIDGET (fixture->canvas), &x0, &y0);
  pb_socket_get_center (to, GTK_WIDGET (fixture->canvas), &x1, &y1);
  gui_app_drag (fixture, x0, y0, x1, y1);
}

static gboolean
press_key (Fixture *fixture,
           guint    keyval)
{
  GtkEventController *keys = gui_app_find_controller (GTK_WIDGET (fixture->canvas),
                                              GTK_TYPE_EVENT_CONTROLLER_KEY, 0);
  gboolean handled = FALSE;

  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
  return handled;
}

/* Where @node's view is drawn, in the canvas's coordinates. */
static graphene_rect_t
view_bounds (Fixture *fixture,
             PbNode  *node)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (pb_canvas_find_view (fixture->canvas, node),
                                            GTK_WIDGET (fixture->canvas), &bounds));
  return bounds;
}

/* A point inside @node's header, away from its sockets: where a person
 * grabs a node to move it. */
static void
grab_point (Fixture *fixture,
            PbNode  *node,
            double  *x,
            double  *y)
{
  graphene_rect_t bounds = view_bounds (fixture, node);

  *x = bounds.origin.x + bounds.size.width / 2;
  *y = bounds.origin.y + 10 * pb_canvas_get_zoom (fixture->canvas);
}

/* The tests */

static GtkPopover *
find_popover (Fixture    *fixture,
              const char *css_class)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (fixture->canvas));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child) && gtk_widget_has_css_class (child, css_class))
      return GTK_POPOVER (child);
  return NULL;
}

/* The quick-add row of @kind, or NULL when it is not offered. */
static GtkListBoxRow *
quick_add_row (GtkPopover *popover,
               const char *kind)
{
  g_autoptr(GPtrArray) rows = gui_test_find_all (GTK_WIDGET (popover), GTK_TYPE_LIST_BOX_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (g_object_get_data (g_ptr_array_index (rows, i), "kind"), kind) == 0)
      return g_ptr_array_index (rows, i);
  return NULL;
}

static PbLink *
only_link (Fixture *fixture)
{
  GListModel *links = pb_document_get_links (fixture->document);
  PbLink *link;

  g_assert_cmpuint (g_list_model_get_n_items (links), ==, 1);
  link = g_list_model_get_item (links, 0);
  g_object_unref (link);
  return link;
}

static void
assert_linked (Fixture    *fixture,
               PbNode     *source,
               const char *source_role,
               PbNode     *sink,
               const char *sink_role)
{
  pb_addr out = socket_address (find_socket (fixture, source, source_role));
  pb_addr in = socket_address (find_socket (fixture, sink, sink_role));
  PbLink *link = pb_document_find_link (fixture->document, out);

  g_assert_nonnull (link);
  g_assert_cmphex (pb_link_get_source (link), ==, out);
  g_assert_cmphex (pb_link_get_sink (link), ==, in);
}

/* From the keyboard, Shift+A on a socket in use offers the kinds that
 * can go into its link, and puts the one chosen there, as one step;
 * Escape closes the list. */
static void
insert_by_keyboard_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 560, 60);
  GtkEventController *motion = gui_app_find_controller (GTK_WIDGET (fixture->canvas),
                                                        GTK_TYPE_EVENT_CONTROLLER_MOTION, 0);
  GtkWidget *entry;
  GtkPopover *popover;
  PbNode *added;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, sum, "in"));
  g_assert_cmpuint (n_links (fixture), ==, 1);
  /* The pointer rests away from every socket; the keyboard chose one. */
  g_signal_emit_by_name (motion, "motion", 2.0, 2.0);
  gtk_widget_grab_focus (GTK_WIDGET (find_socket (fixture, sum, "in")));
  gui_app_assert_key (GTK_WIDGET (fixture->canvas), "<Shift>a", "canvas.quick-add");
  activate (fixture, "canvas.quick-add");

  popover = find_popover (fixture, "quick-add");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  /* An i64 in and out fits between seq and sum; a sink or a source does
   * not. */
  g_assert_nonnull (quick_add_row (popover, "map"));
  g_assert_nonnull (quick_add_row (popover, "take"));
  g_assert_null (quick_add_row (popover, "stats"));
  g_assert_null (quick_add_row (popover, "seq"));

  entry = gui_test_find (GTK_WIDGET (popover), GTK_TYPE_SEARCH_ENTRY);
  g_signal_emit_by_name (entry, "stop-search");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));
  g_assert_cmpuint (n_nodes (fixture), ==, 2);

  gtk_widget_grab_focus (GTK_WIDGET (find_socket (fixture, sum, "in")));
  activate (fixture, "canvas.quick-add");
  gtk_editable_set_text (GTK_EDITABLE (entry), "take");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (n_nodes (fixture), ==, 3);
  g_assert_cmpuint (n_links (fixture), ==, 2);
  added = pb_canvas_get_selected_node (fixture->canvas);
  g_assert_cmpstr (pb_node_get_kind_name (added), ==, "take");
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  assert_linked (fixture, seq, "out", added, "in");
  assert_linked (fixture, added, "out", sum, "in");
  g_assert_cmpstr (pb_command_get_label (pb_undo_stack_next_undo (pb_document_get_undo_stack (fixture->document))),
                   ==, "Insert take0");

  activate (fixture, "win.undo");
  g_assert_cmpuint (n_nodes (fixture), ==, 2);
  g_assert_cmpuint (n_links (fixture), ==, 1);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  assert_linked (fixture, seq, "out", sum, "in");
}

/* From the keyboard: Shift+F10 (or Menu) opens the selection's menu at
 * the focused node, and Tab to a node out of view brings it into view. */
static void
keyboard_menu_body (Fixture *fixture)
{
  PbNode *near = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *far = gui_app_add_node (fixture, "sum", 4000, 3000);
  GtkWidget *menu;
  graphene_rect_t bounds;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  pb_canvas_set_zoom (fixture->canvas, 1.0, 0, 0);
  pb_canvas_center_on (fixture->canvas, 40, 60);
  wait_for_frame (GTK_WIDGET (fixture->canvas));

  gui_app_assert_key (GTK_WIDGET (fixture->canvas), "<Shift>F10", "canvas.context-menu");
  gui_app_assert_key (GTK_WIDGET (fixture->canvas), "Menu", "canvas.context-menu");
  gtk_widget_grab_focus (pb_canvas_find_view (fixture->canvas, near));
  activate (fixture, "canvas.context-menu");
  menu = gui_test_find (GTK_WIDGET (fixture->canvas), GTK_TYPE_POPOVER_MENU);
  g_assert_true (gtk_widget_get_visible (menu));
  g_assert_true (pb_node_get_selected (near));
  gtk_popover_popdown (GTK_POPOVER (menu));
  g_assert_cmpuint (n_nodes (fixture), ==, 2);

  /* Shift and an arrow moves the selection a grid step, one undo step
   * each; an arrow alone pans. */
  gui_app_assert_key (GTK_WIDGET (fixture->canvas), "<Shift>Right", "canvas.nudge");
  gui_app_assert_key (GTK_WIDGET (fixture->canvas), "Down", "canvas.pan");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->canvas), "canvas.nudge", "(ii)", 1, 0));
  g_assert_cmpfloat (pb_node_get_x (near), ==, 40 + 24);
  activate (fixture, "win.undo");
  g_assert_cmpfloat (pb_node_get_x (near), ==, 40);
  {
    double x0, y0, x1, y1;

    pb_canvas_get_center (fixture->canvas, &x0, &y0);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->canvas), "canvas.pan", "(ii)", 0, 1));
    pb_canvas_get_center (fixture->canvas, &x1, &y1);
    g_assert_cmpfloat (x1, ==, x0);
    g_assert_cmpfloat (y1, >, y0);
  }

  /* Focus moved by the keyboard (focus visible) brings the node in. */
  gtk_window_set_focus_visible (GTK_WINDOW (fixture->window), TRUE);
  gtk_widget_grab_focus (pb_canvas_find_view (fixture->canvas, far));
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  g_assert_true (gtk_widget_compute_bounds (pb_canvas_find_view (fixture->canvas, far),
                                            GTK_WIDGET (fixture->canvas), &bounds));
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (GTK_WIDGET (fixture->canvas)));
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (GTK_WIDGET (fixture->canvas)));
}

/* Whether the views of @a and @b overlap on the canvas. */
static gboolean
views_overlap (Fixture *fixture,
               PbNode  *a,
               PbNode  *b)
{
  graphene_rect_t ra = view_bounds (fixture, a), rb = view_bounds (fixture, b);

  return graphene_rect_intersection (&ra, &rb, NULL);
}

/* A new node goes where it hides no other: from the palette, twice in a
 * row, and from Shift+A on a socket, beside the node the socket is on. */
static void
new_nodes_find_room_body (Fixture *fixture)
{
  GtkWidget *palette = gui_test_find (GTK_WIDGET (fixture->window), PB_TYPE_PALETTE);
  GtkWidget *entry;
  PbNode *first, *second, *seq, *added;

  g_assert_nonnull (palette);
  g_signal_emit_by_name (palette, "kind-activated", "sum");
  first = pb_canvas_get_selected_node (fixture->canvas);
  g_signal_emit_by_name (palette, "kind-activated", "sum");
  second = pb_canvas_get_selected_node (fixture->canvas);
  g_assert_true (first != second);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  g_assert_false (views_overlap (fixture, first, second));

  seq = gui_app_add_node (fixture, "seq", pb_node_get_x (first) - 250, pb_node_get_y (first));
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  gtk_widget_grab_focus (GTK_WIDGET (find_socket (fixture, seq, "out")));
  activate (fixture, "canvas.quick-add");
  entry = gui_test_find (GTK_WIDGET (find_popover (fixture, "quick-add")), GTK_TYPE_SEARCH_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (entry), "map");
  g_signal_emit_by_name (entry, "activate");
  added = pb_canvas_get_selected_node (fixture->canvas);
  g_assert_cmpstr (pb_node_get_kind_name (added), ==, "map");
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  assert_linked (fixture, seq, "out", added, "in");
  g_assert_false (views_overlap (fixture, added, seq));
  g_assert_false (views_overlap (fixture, added, first));
  g_assert_false (views_overlap (fixture, added, second));
}

/* The canvas's popover menu that is showing, if one is. */
static GtkPopoverMenu *
shown_menu (Fixture *fixture)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (fixture->canvas));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child) && gtk_widget_get_visible (child))
      return GTK_POPOVER_MENU (child);
  return NULL;
}

/* Without a pointer, a wire is reached at a socket it joins: Shift+F10
 * (or Menu) there opens the link's menu, whose items act on that link. */
static void
keyboard_link_menu_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 300, 60);
  GtkPopoverMenu *menu;
  GMenuModel *model;
  g_autofree char *first = NULL;
  PbLink *link;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, sum, "in"));
  link = only_link (fixture);
  g_assert_false (pb_node_get_selected (sum));

  gtk_widget_grab_focus (GTK_WIDGET (find_socket (fixture, sum, "in")));
  activate (fixture, "canvas.context-menu");
  menu = shown_menu (fixture);
  g_assert_nonnull (menu);
  model = gtk_popover_menu_get_menu_model (menu);
  g_assert_cmpint (g_menu_model_get_n_items (model), ==, 3);
  g_assert_true (g_menu_model_get_item_attribute (model, 0, G_MENU_ATTRIBUTE_LABEL, "s", &first));
  g_assert_cmpstr (first, ==, "_Break Inlining");
  /* It is the link's menu, not the node's: the node stays unselected. */
  g_assert_false (pb_node_get_selected (sum));
  gtk_popover_popdown (GTK_POPOVER (menu));
  activate (fixture, "canvas.toggle-inlining");
  g_assert_true (pb_link_get_flags (link) & PB_LINK_BREAK_INLINING);
  activate (fixture, "win.undo");
  g_assert_false (pb_link_get_flags (link) & PB_LINK_BREAK_INLINING);
}

/* Whether @node's view lies whole inside the canvas. */
static gboolean
node_in_view (Fixture *fixture,
              PbNode  *node)
{
  GtkWidget *canvas = GTK_WIDGET (fixture->canvas);
  graphene_rect_t bounds;

  return gtk_widget_compute_bounds (pb_canvas_find_view (fixture->canvas, node), canvas, &bounds)
         && bounds.origin.x >= 0 && bounds.origin.y >= 0
         && bounds.origin.x + bounds.size.width <= gtk_widget_get_width (canvas)
         && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (canvas);
}

/* The inspector opens beside the canvas when a node is selected, which
 * narrows the canvas: a node near its right edge would end up under the
 * inspector, so the view glides to keep it in view. */
static void
inspector_keeps_node_body (Fixture *fixture)
{
  GtkWidget *canvas = GTK_WIDGET (fixture->canvas);
  PbNode *node = gui_app_add_node (fixture, "sum", 0, 0);
  int wide;
  gint64 deadline;

  wait_for_frame (canvas);
  pb_canvas_set_zoom (fixture->canvas, 1.0, 0, 0);
  wide = gtk_widget_get_width (canvas);
  /* The node's left edge 150 px from the canvas's right edge. */
  pb_canvas_scroll_to (fixture->canvas, 150 - wide, -200);
  wait_for_frame (canvas);
  g_assert_true (node_in_view (fixture, node));

  pb_canvas_select_node (fixture->canvas, node, FALSE);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  /* The inspector slides in, then the view glides. */
  while (gtk_widget_get_width (canvas) > wide - 300 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (gtk_widget_get_width (canvas), <=, wide - 300);
  while (!node_in_view (fixture, node) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (node_in_view (fixture, node));
}

/* A saved document opens with all its nodes in view, wherever they are
 * on the canvas. */
static void
open_fits_body (Fixture *fixture)
{
  g_autofree char *dir = g_dir_make_tmp ("pb-open-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "far.pushback", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PbDocument) saved = pb_document_new ();
  g_autoptr(PbDocument) loaded = NULL;
  g_autoptr(GError) error = NULL;
  const double places[][2] = { { 3000, 2000 }, { 4200, 2600 } };

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    g_assert_nonnull (pb_document_add_node (saved, "sum", places[i][0], places[i][1], &error));
  g_assert_true (pb_document_save (saved, file, &error));
  g_assert_no_error (error);
  loaded = pb_document_load (file, &error);
  g_assert_no_error (error);

  pb_window_set_document (fixture->window, loaded, TRUE);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  for (guint i = 0; i < g_list_model_get_n_items (pb_document_get_nodes (loaded)); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (pb_document_get_nodes (loaded), i);
      graphene_rect_t bounds;

      g_assert_true (gtk_widget_compute_bounds (pb_canvas_find_view (fixture->canvas, node),
                                                GTK_WIDGET (fixture->canvas), &bounds));
      g_assert_cmpfloat (bounds.origin.x, >=, 0);
      g_assert_cmpfloat (bounds.origin.y, >=, 0);
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=,
                         gtk_widget_get_width (GTK_WIDGET (fixture->canvas)));
      g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                         gtk_widget_get_height (GTK_WIDGET (fixture->canvas)));
    }
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A wire dropped on bare canvas offers only the kinds that can take it;
 * choosing one adds it there, joined by the right port, as one step. */
static void
quick_add_body (Fixture *fixture)
{
  PbNode *clock = gui_app_add_node (fixture, "clock", 40, 60);
  g_autoptr(GListModel) nodes = NULL;
  GtkListBoxRow *row;
  GtkPopover *popover;
  PbNode *added;
  double x, y;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  pb_socket_get_center (find_socket (fixture, clock, "out"), GTK_WIDGET (fixture->canvas), &x, &y);
  gui_app_drag (fixture, x, y, x + 300, y + 40);

  popover = find_popover (fixture, "quick-add");
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  /* A clock gives f64: a map or a stats takes it; a source takes nothing,
   * and `c` takes i64 unless told otherwise. */
  g_assert_nonnull (quick_add_row (popover, "map"));
  g_assert_nonnull (quick_add_row (popover, "stats"));
  g_assert_null (quick_add_row (popover, "seq"));
  g_assert_null (quick_add_row (popover, "clock"));
  g_assert_null (quick_add_row (popover, "c"));

  /* Typed as a person types: "sta" is in window-mean's description too,
   * but a kind whose name holds it comes first, and Enter takes it. */
  {
    GtkWidget *entry = gui_test_find (GTK_WIDGET (popover), GTK_TYPE_SEARCH_ENTRY);

    g_assert_true (gtk_widget_has_focus (entry) || gtk_widget_get_focus_child (entry) != NULL);
    /* Enter at once after typing, as a quick hand does. */
    gtk_editable_set_text (GTK_EDITABLE (entry), "sta");
    g_assert_false (gtk_widget_get_child_visible (GTK_WIDGET (quick_add_row (popover, "map"))));
    g_signal_emit_by_name (entry, "activate");
  }
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));

  g_assert_cmpuint (n_nodes (fixture), ==, 2);
  added = pb_canvas_get_selected_node (fixture->canvas);
  g_assert_nonnull (added);
  g_assert_cmpstr (pb_node_get_kind_name (added), ==, "stats");
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  assert_linked (fixture, clock, "out", added, "in");

  /* One step: undo takes the node and its link away together. */
  activate (fixture, "win.undo");
  g_assert_cmpuint (n_nodes (fixture), ==, 1);
  g_assert_cmpuint (n_links (fixture), ==, 0);
  activate (fixture, "win.redo");
  g_assert_cmpuint (n_nodes (fixture), ==, 2);
  g_assert_cmpuint (n_links (fixture), ==, 1);

  /* From an input, the new node feeds it. */
  activate (fixture, "win.undo");
  {
    PbNode *sum = gui_app_add_node (fixture, "sum", 500, 300);

    wait_for_frame (GTK_WIDGET (fixture->canvas));
    pb_socket_get_center (find_socket (fixture, sum, "in"), GTK_WIDGET (fixture->canvas), &x, &y);
    gui_app_drag (fixture, x, y, x - 250, y);
    g_assert_null (quick_add_row (popover, "sum"));
    row = quick_add_row (popover, "seq");
    g_assert_nonnull (row);
    g_signal_emit_by_name (gtk_widget_get_ancestor (GTK_WIDGET (row), GTK_TYPE_LIST_BOX), "row-activated", row);
    added = pb_canvas_get_selected_node (fixture->canvas);
    g_assert_cmpstr (pb_node_get_kind_name (added), ==, "seq");
    wait_for_frame (GTK_WIDGET (fixture->canvas));
    assert_linked (fixture, added, "out", sum, "in");
    g_assert_cmpfloat (pb_node_get_x (added), <, pb_node_get_x (sum));
  }
}

/* The midpoint of the wire from @source's @out to @sink's @in. */
static void
wire_middle (Fixture    *fixture,
             PbNode     *source,
             const char *out,
             PbNode     *sink,
             const char *in,
             double     *x,
             double     *y)
{
  double x0, y0, x1, y1;

  pb_socket_get_center (find_socket (fixture, source, out), GTK_WIDGET (fixture->canvas), &x0, &y0);
  pb_socket_get_center (find_socket (fixture, sink, in), GTK_WIDGET (fixture->canvas), &x1, &y1);
  *x = (x0 + x1) / 2;
  *y = (y0 + y1) / 2;
}

/* A node dropped on a wire goes into its link: two links, one step, and
 * undo gives back the one link and the node where it was. */
static void
insert_on_wire_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 700, 60);
  PbNode *map = gui_app_add_node (fixture, "map", 300, 400);
  double gx, gy, mx, my;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, sum, "in"));
  g_assert_cmpuint (n_links (fixture), ==, 1);

  grab_point (fixture, map, &gx, &gy);
  wire_middle (fixture, seq, "out", sum, "in", &mx, &my);
  gui_app_drag (fixture, gx, gy, mx, my);
  wait_for_frame (GTK_WIDGET (fixture->canvas));

  g_assert_cmpuint (n_links (fixture), ==, 2);
  assert_linked (fixture, seq, "out", map, "in");
  assert_linked (fixture, map, "out", sum, "in");
  g_assert_cmpfloat (pb_node_get_y (map), <, 400);

  activate (fixture, "win.undo");
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  assert_linked (fixture, seq, "out", sum, "in");
  g_assert_cmpuint (n_links (fixture), ==, 1);
  g_assert_cmpfloat (pb_node_get_x (map), ==, 300);
  g_assert_cmpfloat (pb_node_get_y (map), ==, 400);

  /* A node whose types do not fit stays out, with the reason shown, and
   * its move is kept. */
  {
    PbNode *clock = gui_app_add_node (fixture, "clock", 300, 500);

    wait_for_frame (GTK_WIDGET (fixture->canvas));
    grab_point (fixture, clock, &gx, &gy);
    gui_app_drag (fixture, gx, gy, mx, my);
    g_assert_cmpuint (n_links (fixture), ==, 1);
    assert_linked (fixture, seq, "out", sum, "in");
    g_assert_cmpfloat (pb_node_get_y (clock), <, 500);
    activate (fixture, "win.undo");
    g_assert_cmpfloat (pb_node_get_y (clock), ==, 500);
  }
}

/* Delete with reconnect joins the neighbours; undo puts all back. */
static void
delete_reconnect_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *map = gui_app_add_node (fixture, "map", 300, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 560, 60);
  g_autofree char *name = g_strdup (pb_node_get_name (map));
  pb_addr address = pb_node_get_address (map);
  double x, y;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, map, "in"));
  drag_wire (fixture, find_socket (fixture, map, "out"), find_socket (fixture, sum, "in"));
  g_assert_cmpuint (n_links (fixture), ==, 2);

  grab_point (fixture, map, &x, &y);
  click (fixture, x, y);
  g_assert_true (pb_canvas_get_selected_node (fixture->canvas) == map);
  activate (fixture, "canvas.delete-reconnect");
  wait_for_frame (GTK_WIDGET (fixture->canvas));

  g_assert_cmpuint (n_nodes (fixture), ==, 2);
  assert_linked (fixture, seq, "out", sum, "in");
  g_assert_cmpuint (n_links (fixture), ==, 1);

  activate (fixture, "win.undo");
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  g_assert_cmpuint (n_nodes (fixture), ==, 3);
  g_assert_cmpuint (n_links (fixture), ==, 2);
  map = pb_document_find_node (fixture->document, address);
  g_assert_nonnull (map);
  g_assert_cmpstr (pb_node_get_name (map), ==, name);
  assert_linked (fixture, seq, "out", map, "in");
  assert_linked (fixture, map, "out", sum, "in");
}

/* A wire's end dragged from its input to another moves the link. */
static void
relink_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *sum0 = gui_app_add_node (fixture, "sum", 500, 60);
  PbNode *sum1 = gui_app_add_node (fixture, "sum", 500, 300);
  PbNode *clock = gui_app_add_node (fixture, "clock", 40, 300);
  PbNode *c = gui_app_add_node (fixture, "c", 500, 500);

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, sum0, "in"));
  g_assert_cmpuint (n_links (fixture), ==, 1);

  /* Taken at the input it goes into, the end moves to another input. */
  drag_wire (fixture, find_socket (fixture, sum0, "in"), find_socket (fixture, sum1, "in"));
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  assert_linked (fixture, seq, "out", sum1, "in");
  g_assert_cmpuint (n_links (fixture), ==, 1);
  activate (fixture, "win.undo");
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  assert_linked (fixture, seq, "out", sum0, "in");

  /* Taken near its source, the other end moves. */
  {
    double x0, y0, x1, y1;

    pb_socket_get_center (find_socket (fixture, seq, "out"), GTK_WIDGET (fixture->canvas), &x0, &y0);
    pb_socket_get_center (find_socket (fixture, clock, "out"), GTK_WIDGET (fixture->canvas), &x1, &y1);
    gui_app_drag (fixture, x0 + 16, y0, x1, y1);
  }
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  assert_linked (fixture, clock, "out", sum0, "in");
  activate (fixture, "win.undo");
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  assert_linked (fixture, seq, "out", sum0, "in");

  /* From the keyboard: Enter on the input in use, Enter on another. */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (find_socket (fixture, sum0, "in"))));
  g_assert_true (press_key (fixture, GDK_KEY_Return));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (find_socket (fixture, sum1, "in"))));
  g_assert_true (press_key (fixture, GDK_KEY_Return));
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  assert_linked (fixture, seq, "out", sum1, "in");
  g_assert_null (refusal_text (fixture));
  activate (fixture, "win.undo");
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  assert_linked (fixture, seq, "out", sum0, "in");

  /* Escape lets it be, the link untouched. */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (find_socket (fixture, sum0, "in"))));
  g_assert_true (press_key (fixture, GDK_KEY_Return));
  g_assert_true (press_key (fixture, GDK_KEY_Escape));
  assert_linked (fixture, seq, "out", sum0, "in");

  /* Where the types do not fit, nothing moves and the reason shows. */
  drag_wire (fixture, find_socket (fixture, sum0, "in"), find_socket (fixture, clock, "out"));
  g_assert_nonnull (refusal_text (fixture));
  hide_refusal (fixture);
  assert_linked (fixture, seq, "out", sum0, "in");
  g_assert_true (only_link (fixture) != NULL);
  (void) c;
}

/* Find marks what matches a name, a kind or a parameter value; Enter
 * selects each match in turn. */
static void
find_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *map = gui_app_add_node (fixture, "map", 300, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 560, 60);
  PbNode *stats = gui_app_add_node (fixture, "stats", 2400, 1600);
  PbFindBar *bar = PB_FIND_BAR (gui_test_find (GTK_WIDGET (fixture->window), PB_TYPE_FIND_BAR));
  GtkWidget *entry;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (bar);
  g_assert_true (pb_document_set_param (fixture->document, map, "expr", "x * 4217", &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_rename (fixture->document, sum, "total", &error));
  g_assert_no_error (error);
  wait_for_frame (GTK_WIDGET (fixture->canvas));

  activate (fixture, "win.find");
  entry = gui_test_find (GTK_WIDGET (bar), GTK_TYPE_SEARCH_ENTRY);
  g_assert_true (gtk_widget_has_focus (entry) || gtk_widget_is_focus (entry)
                 || gtk_widget_get_focus_child (entry) != NULL);

  /* A parameter value. */
  pb_find_bar_set_text (bar, "4217");
  g_assert_cmpuint (pb_find_bar_get_n_matches (bar), ==, 1);
  g_assert_true (gtk_widget_has_css_class (pb_canvas_find_view (fixture->canvas, map), "find-match"));
  g_assert_false (gtk_widget_has_css_class (pb_canvas_find_view (fixture->canvas, seq), "find-match"));
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (pb_canvas_get_selected_node (fixture->canvas) == map);
  /* Closed there, the focus is on what it found, for Tab to go on. */
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (gui_test_find (GTK_WIDGET (bar), GTK_TYPE_SEARCH_BAR)),
                                  FALSE);
  g_assert_true (gtk_widget_has_focus (pb_canvas_find_view (fixture->canvas, map)));
  activate (fixture, "win.find");

  /* A name, in any case. */
  pb_find_bar_set_text (bar, "TOTAL");
  g_assert_cmpuint (pb_find_bar_get_n_matches (bar), ==, 1);
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (pb_canvas_get_selected_node (fixture->canvas) == sum);

  /* A kind: "s" is in seq, stats and sum's kind; Enter goes through them
   * in order and around, revealing the one far away. */
  pb_find_bar_set_text (bar, "s");
  g_assert_cmpuint (pb_find_bar_get_n_matches (bar), ==, 3);
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (pb_canvas_get_selected_node (fixture->canvas) == stats);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  {
    double x, y;

    pb_canvas_to_canvas (fixture->canvas, gtk_widget_get_width (GTK_WIDGET (fixture->canvas)) / 2.0,
                         gtk_widget_get_height (GTK_WIDGET (fixture->canvas)) / 2.0, &x, &y);
    g_assert_cmpfloat (fabs (x - pb_node_get_x (stats)), <, 300);
    g_assert_cmpfloat (fabs (y - pb_node_get_y (stats)), <, 300);
  }
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (pb_canvas_get_selected_node (fixture->canvas) == seq);
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (pb_canvas_get_selected_node (fixture->canvas) == sum);

  /* Closing the bar clears the marks. */
  pb_find_bar_set_text (bar, "seq");
  g_assert_true (gtk_widget_has_css_class (pb_canvas_find_view (fixture->canvas, seq), "find-match"));
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (gui_test_find (GTK_WIDGET (bar), GTK_TYPE_SEARCH_BAR)), FALSE);
  g_assert_false (gtk_widget_has_css_class (pb_canvas_find_view (fixture->canvas, seq), "find-match"));
}

/* The problems list names each process that is left out, with the
 * runtime's reason; activating a row selects that node. */
static void
problems_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *map = gui_app_add_node (fixture, "map", 300, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 560, 60);
  PbNode *stray = gui_app_add_node (fixture, "sum", 2400, 1600);
  PbProblems *problems = PB_PROBLEMS (gui_test_find (GTK_WIDGET (fixture->window), PB_TYPE_PROBLEMS));
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  GtkListBoxRow *map_row = NULL;
  gint64 end;

  g_assert_nonnull (problems);
  g_assert_cmpint (pb_document_get_run_state (fixture->document), ==, PB_RUN_RUNNING);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, map, "in"));
  drag_wire (fixture, find_socket (fixture, map, "out"), find_socket (fixture, sum, "in"));
  g_assert_true (pb_document_set_param (fixture->document, seq, "to", "10", &error));
  g_assert_no_error (error);

  /* map0 has no expression, the stray sum no input. */
  g_assert_true (pb_document_sync (fixture->document, 10000));
  pb_document_refresh_status (fixture->document);
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (pb_problems_get_n_problems (problems) < 2 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (pb_problems_node_has_problem (map));
  g_assert_true (pb_problems_node_has_problem (stray));
  /* What waits on them (map0's neighbours) may be listed too, each
   * with its own reason; the list holds exactly those with one. */
  rows = gui_test_find_all (GTK_WIDGET (problems), GTK_TYPE_LIST_BOX_ROW);
  g_assert_cmpuint (rows->len, ==, pb_problems_get_n_problems (problems));
  /* The header's button says how many, in the warning colour. */
  {
    GtkWidget *button = gtk_widget_get_ancestor (gtk_widget_get_parent (GTK_WIDGET (problems)),
                                                 GTK_TYPE_MENU_BUTTON);
    g_autofree char *count = g_strdup_printf ("%u", rows->len);
    g_autoptr(GPtrArray) labels = NULL;
    gboolean shown = FALSE;

    g_assert_nonnull (button);
    g_assert_true (gtk_widget_has_css_class (button, "warning"));
    labels = gui_test_find_all (button, GTK_TYPE_LABEL);
    for (guint i = 0; i < labels->len; i++)
      shown |= gtk_widget_get_visible (g_ptr_array_index (labels, i))
               && g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, i)), count) == 0;
    g_assert_true (shown);
  }
  g_assert_cmpuint (rows->len, ==, (guint) pb_problems_node_has_problem (seq) + pb_problems_node_has_problem (sum) + 2);
  for (guint i = 0; i < rows->len; i++)
    if (g_object_get_data (g_ptr_array_index (rows, i), "node") == (gpointer) map)
      map_row = g_ptr_array_index (rows, i);
  g_assert_nonnull (map_row);
  g_signal_emit_by_name (gtk_widget_get_ancestor (GTK_WIDGET (map_row), GTK_TYPE_LIST_BOX),
                         "row-activated", map_row);
  g_assert_true (pb_canvas_get_selected_node (fixture->canvas) == map);

  /* Mended, it leaves the list. */
  g_assert_true (pb_document_set_param (fixture->document, map, "expr", "x * 2", &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_sync (fixture->document, 10000));
  pb_document_refresh_status (fixture->document);
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while ((pb_problems_node_has_problem (map) || pb_problems_node_has_problem (sum))
         && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      pb_document_refresh_status (fixture->document);
    }
  g_assert_false (pb_problems_node_has_problem (map));
  g_assert_true (pb_problems_node_has_problem (stray));
  g_assert_cmpuint (pb_problems_get_n_problems (problems), ==, 1);
}

/* Pipeline text */

static void
wait_until_nodes (Fixture *fixture,
                  guint    n)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (n_nodes (fixture) != n && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (n_nodes (fixture), ==, n);
}

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static char *
clipboard_text (Fixture *fixture)
{
  char *text = NULL;

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (fixture->canvas)), NULL,
                                 on_text_read, &text);
  while (text == NULL)
    g_main_context_iteration (NULL, TRUE);
  return text;
}

/* Typed in the popover, pasted, copied back: the text round-trips, and
 * text that does not parse says why and adds nothing. */
static void
pipeline_body (Fixture *fixture)
{
  static const char *chain = "seq to=10 ! map expr=\"x*2\" ! sum";
  GtkPopover *popover;
  GtkEditable *entry;
  GtkLabel *message;
  g_autoptr(GPtrArray) selected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *on_clipboard = NULL;
  double cx, cy, left = G_MAXDOUBLE, right = -G_MAXDOUBLE;

  activate (fixture, "win.add-pipeline");
  popover = find_popover (fixture, "pipeline-text");
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  entry = GTK_EDITABLE (gui_test_find (GTK_WIDGET (popover), GTK_TYPE_ENTRY));
  message = GTK_LABEL (gui_test_find (GTK_WIDGET (popover), GTK_TYPE_LABEL));
  /* The first label is the title; the message is the one styled so. */
  {
    g_autoptr(GPtrArray) labels = gui_test_find_all (GTK_WIDGET (popover), GTK_TYPE_LABEL);

    for (guint i = 0; i < labels->len; i++)
      if (gtk_widget_has_css_class (g_ptr_array_index (labels, i), "error"))
        message = g_ptr_array_index (labels, i);
  }

  gtk_editable_set_text (entry, "seq to=10 ! ! sum");
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_nonnull (strstr (gtk_label_get_label (message), "!"));
  g_assert_cmpuint (n_nodes (fixture), ==, 0);
  g_assert_false (pb_undo_stack_can_undo (pb_document_get_undo_stack (fixture->document)));

  /* Mended, it adds the chain around the middle of the view, selected. */
  gtk_editable_set_text (entry, chain);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_signal_emit_by_name (entry, "activate");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));
  g_assert_cmpuint (n_nodes (fixture), ==, 3);
  g_assert_cmpuint (n_links (fixture), ==, 2);
  selected = pb_canvas_get_selected_nodes (fixture->canvas);
  g_assert_cmpuint (selected->len, ==, 3);
  pb_canvas_get_center (fixture->canvas, &cx, &cy);
  for (guint i = 0; i < selected->len; i++)
    {
      left = MIN (left, pb_node_get_x (g_ptr_array_index (selected, i)));
      right = MAX (right, pb_node_get_x (g_ptr_array_index (selected, i)));
    }
  g_assert_cmpfloat (left, <, cx);
  g_assert_cmpfloat (right, >, cx - 200);

  /* Copied back, it is the same text, on the clipboard too. */
  copied = pb_canvas_copy_as_pipeline (fixture->canvas, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copied, ==, chain);
  on_clipboard = clipboard_text (fixture);
  g_assert_cmpstr (on_clipboard, ==, chain);

  /* Pasted as text, the same again: three more, one step. */
  activate (fixture, "canvas.paste");
  wait_until_nodes (fixture, 6);
  g_assert_cmpuint (n_links (fixture), ==, 4);
  g_clear_pointer (&selected, g_ptr_array_unref);
  selected = pb_canvas_get_selected_nodes (fixture->canvas);
  g_assert_cmpuint (selected->len, ==, 3);
  g_clear_pointer (&copied, g_free);
  copied = pb_canvas_copy_as_pipeline (fixture->canvas, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copied, ==, chain);
  activate (fixture, "win.undo");
  g_assert_cmpuint (n_nodes (fixture), ==, 3);

  /* Text that is no pipeline says so where it was pasted. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (fixture->canvas)), "hello, world");
  activate (fixture, "canvas.paste");
  {
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    while (refusal_text (fixture) == NULL && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_nonnull (refusal_text (fixture));
  g_assert_nonnull (strstr (refusal_text (fixture), "not a pipeline"));
  g_assert_cmpuint (n_nodes (fixture), ==, 3);
  hide_refusal (fixture);
}

/* A merge cannot be written as a chain: the window says why. */
static void
pipeline_refused_body (Fixture *fixture)
{
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copied = NULL;

  nodes = pb_document_add_pipeline (fixture->document, "seq ! merge name=m ! sum  seq ! m.", 0, 0, &error);
  g_assert_no_error (error);
  activate (fixture, "canvas.select-all");
  copied = pb_canvas_copy_as_pipeline (fixture->canvas, &error);
  g_assert_null (copied);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "more than one"));
  activate (fixture, "canvas.copy-pipeline");
  g_assert_nonnull (refusal_text (fixture));
  g_assert_nonnull (strstr (refusal_text (fixture), "more than one"));
  hide_refusal (fixture);
}

static gboolean
window_says (Fixture    *fixture,
             const char *data)
{
  g_autoptr(GPtrArray) labels = gui_test_find_all (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), data) == 0)
      return TRUE;
  return FALSE;
}

/* Copy as Pipeline says what it leaves behind: the links that cross
 * the selection's edge, which pipeline text cannot hold. */
static void
pipeline_leaves_body (Fixture *fixture)
{
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GError) error = NULL;
  const char *said = "Copied as pipeline text, without the 2 links that leave the selection";

  nodes = pb_document_add_pipeline (fixture->document, "seq ! map name=middle expr=x ! sum", 0, 0, &error);
  g_assert_no_error (error);
  pb_canvas_select_node (fixture->canvas, g_ptr_array_index (nodes, 1), FALSE);
  g_assert_cmpstr (pb_node_get_name (g_ptr_array_index (nodes, 1)), ==, "middle");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.copy-pipeline", NULL));
  {
    gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while (!window_says (fixture, said) && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  if (!window_says (fixture, said))
    g_error ("no toast said: %s", said);
}

/* The selection's menu keeps the selection, and offers what fits its
 * size; bare canvas offers adding text and arranging everything. */
static void
selection_menu_body (Fixture *fixture)
{
  PbNode *a = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *b = gui_app_add_node (fixture, "map", 300, 200);
  PbNode *c = gui_app_add_node (fixture, "sum", 560, 80);
  g_autoptr(GPtrArray) one = NULL;
  g_autoptr(GPtrArray) three = NULL;
  g_autoptr(GPtrArray) bare = NULL;
  g_autoptr(GPtrArray) selected = NULL;
  double x, y;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  grab_point (fixture, b, &x, &y);
  one = gui_app_menu_at (fixture, x, y);
  g_assert_true (gui_app_offers (one, "canvas.copy-pipeline"));
  g_assert_true (gui_app_offers (one, "canvas.arrange"));
  g_assert_false (gui_app_offers (one, "canvas.align-left"));

  pb_canvas_select_node (fixture->canvas, a, FALSE);
  pb_canvas_select_node (fixture->canvas, b, TRUE);
  pb_canvas_select_node (fixture->canvas, c, TRUE);
  three = gui_app_menu_at (fixture, x, y);
  selected = pb_canvas_get_selected_nodes (fixture->canvas);
  g_assert_cmpuint (selected->len, ==, 3);
  g_assert_true (gui_app_offers (three, "canvas.align-left"));
  g_assert_true (gui_app_offers (three, "canvas.align-right"));
  g_assert_true (gui_app_offers (three, "canvas.align-top"));
  g_assert_true (gui_app_offers (three, "canvas.align-bottom"));
  g_assert_true (gui_app_offers (three, "canvas.align-center-x"));
  g_assert_true (gui_app_offers (three, "canvas.align-center-y"));
  g_assert_true (gui_app_offers (three, "canvas.distribute-horizontally"));
  g_assert_true (gui_app_offers (three, "canvas.distribute-vertically"));
  g_assert_false (gui_app_offers (three, "win.show-source"));

  bare = gui_app_menu_at (fixture, 20, gtk_widget_get_height (GTK_WIDGET (fixture->canvas)) - 20.0);
  g_assert_true (gui_app_offers (bare, "canvas.add-pipeline"));
  g_assert_true (gui_app_offers (bare, "canvas.paste"));
  g_assert_true (gui_app_offers (bare, "canvas.arrange"));
}

/* Bypass: from the node's menu, dimmed and labelled, undone in a step;
 * a sink's menu does not offer it. */
static void
bypass_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *map = gui_app_add_node (fixture, "map", 300, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 560, 60);
  GtkWidget *view = pb_canvas_find_view (fixture->canvas, map);
  g_autoptr(GPtrArray) menu = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) sink = NULL;
  g_autoptr(GError) error = NULL;
  double x, y;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  grab_point (fixture, map, &x, &y);
  menu = gui_app_menu_at (fixture, x, y);
  g_assert_true (gui_app_offers (menu, "canvas.toggle-bypass"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->canvas), "canvas.toggle-bypass", NULL));
  g_assert_true (pb_node_get_bypassed (map));
  g_assert_true (gtk_widget_has_css_class (view, "bypassed"));
  {
    g_autoptr(GPtrArray) labels = gui_test_find_all (view, GTK_TYPE_LABEL);
    gboolean said = FALSE;

    for (guint i = 0; i < labels->len; i++)
      said |= g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), "map · bypassed") == 0;
    g_assert_true (said);
  }
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  gui_test_save_png (GTK_WIDGET (fixture->window), "tools-bypass.png");

  /* Its menu now runs it again. */
  again = gui_app_menu_at (fixture, x, y);
  g_assert_true (gui_app_offers (again, "canvas.toggle-bypass"));
  g_assert_true (pb_document_undo (fixture->document, &error));
  g_assert_no_error (error);
  g_assert_false (pb_node_get_bypassed (map));
  g_assert_false (gtk_widget_has_css_class (view, "bypassed"));

  grab_point (fixture, sum, &x, &y);
  sink = gui_app_menu_at (fixture, x, y);
  g_assert_false (gui_app_offers (sink, "canvas.toggle-bypass"));
  g_assert_false (pb_node_get_bypassed (seq));
}

/* Arrange, align, distribute, snap */

static void
arrange_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 400, 300);
  PbNode *map = gui_app_add_node (fixture, "map", 60, 90);
  PbNode *sum = gui_app_add_node (fixture, "sum", 250, 500);
  PbUndoStack *undo = pb_document_get_undo_stack (fixture->document);
  g_autoptr(GSettings) settings = g_settings_new ("org.pushback.Pushback");
  g_autoptr(GVariant) state = NULL;
  double x, y, w, h;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, map, "in"));
  drag_wire (fixture, find_socket (fixture, map, "out"), find_socket (fixture, sum, "in"));
  g_assert_cmpuint (n_links (fixture), ==, 2);

  /* Nothing selected: arrange lays the whole graph out along the flow,
   * as one step. */
  pb_canvas_select_node (fixture->canvas, seq, FALSE);
  pb_node_set_selected (seq, FALSE);
  {
    g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->app),
                                                                  "win.arrange");

    g_assert_cmpstr (accels[0], ==, "<Shift><Control>l");
  }
  activate (fixture, "win.arrange");
  g_assert_cmpstr (pb_command_get_label (pb_undo_stack_next_undo (undo)), ==, "Arrange");
  pb_canvas_get_node_size (fixture->canvas, seq, &w, &h);
  g_assert_cmpfloat (pb_node_get_x (seq) + w, <=, pb_node_get_x (map));
  pb_canvas_get_node_size (fixture->canvas, map, &w, &h);
  g_assert_cmpfloat (pb_node_get_x (map) + w, <=, pb_node_get_x (sum));
  activate (fixture, "win.undo");
  g_assert_cmpfloat (pb_node_get_x (seq), ==, 400);
  g_assert_cmpfloat (pb_node_get_y (sum), ==, 500);

  /* Align the tops of two, by the keyboard's action. */
  pb_canvas_select_node (fixture->canvas, seq, FALSE);
  pb_canvas_select_node (fixture->canvas, sum, TRUE);
  activate (fixture, "canvas.align-top");
  g_assert_cmpfloat (pb_node_get_y (seq), ==, 300);
  g_assert_cmpfloat (pb_node_get_y (sum), ==, 300);
  g_assert_cmpfloat (pb_node_get_y (map), ==, 90);
  activate (fixture, "win.undo");
  g_assert_cmpfloat (pb_node_get_y (sum), ==, 500);

  /* Distributing needs three: with two it says so. */
  activate (fixture, "canvas.distribute-horizontally");
  g_assert_nonnull (refusal_text (fixture));
  hide_refusal (fixture);
  activate (fixture, "canvas.select-all");
  activate (fixture, "canvas.distribute-vertically");
  {
    double gap1, gap2;
    double hm, hs;

    pb_canvas_get_node_size (fixture->canvas, map, &w, &hm);
    pb_canvas_get_node_size (fixture->canvas, seq, &w, &hs);
    gap1 = pb_node_get_y (seq) - (pb_node_get_y (map) + hm);
    gap2 = pb_node_get_y (sum) - (pb_node_get_y (seq) + hs);
    g_assert_cmpfloat (fabs (gap1 - gap2), <, 0.001);
    g_assert_cmpfloat (pb_node_get_y (map), ==, 90);
    g_assert_cmpfloat (pb_node_get_y (sum), ==, 500);
  }
  activate (fixture, "win.undo");
  g_assert_cmpfloat (pb_node_get_y (seq), ==, 300);

  /* Snap to Grid is a setting's action; on, a node let go lands on the
   * grid. */
  state = g_action_group_get_action_state (G_ACTION_GROUP (fixture->window), "snap-to-grid");
  g_assert_false (g_variant_get_boolean (state));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "snap-to-grid", NULL);
  g_assert_true (g_settings_get_boolean (settings, "snap-to-grid"));
  g_assert_true (pb_canvas_get_snap_to_grid (fixture->canvas));
  pb_canvas_select_node (fixture->canvas, map, FALSE);
  grab_point (fixture, map, &x, &y);
  gui_app_drag (fixture, x, y, x + 37, y + 13);
  g_assert_cmpfloat (fmod (pb_node_get_x (map), 24), ==, 0);
  g_assert_cmpfloat (fmod (pb_node_get_y (map), 24), ==, 0);
  activate (fixture, "win.undo");
  g_assert_cmpfloat (pb_node_get_x (map), ==, 60);
  g_assert_cmpfloat (pb_node_get_y (map), ==, 90);

  /* A kind dropped from the palette lands on the grid too. */
  {
    GtkEventController *drop = gui_app_find_controller (GTK_WIDGET (fixture->canvas), GTK_TYPE_DROP_TARGET, 0);
    g_auto(GValue) value = G_VALUE_INIT;
    g_autoptr(GPtrArray) selected = NULL;
    gboolean accepted = FALSE;
    PbNode *dropped;

    g_value_init (&value, G_TYPE_STRING);
    g_value_set_string (&value, "count");
    g_signal_emit_by_name (drop, "drop", &value, 101.0, 77.0, &accepted);
    g_assert_true (accepted);
    selected = pb_canvas_get_selected_nodes (fixture->canvas);
    g_assert_cmpuint (selected->len, ==, 1);
    dropped = g_ptr_array_index (selected, 0);
    g_assert_cmpfloat (fmod (pb_node_get_x (dropped), 24), ==, 0);
    g_assert_cmpfloat (fmod (pb_node_get_y (dropped), 24), ==, 0);
  }
  g_settings_set_boolean (settings, "snap-to-grid", FALSE);
  g_assert_false (pb_canvas_get_snap_to_grid (fixture->canvas));
}

/* The overview */

/* Runs what waits for the main loop, such as the overview's answer to a
 * change of view. */
static void
settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Waits, at most five seconds, for @minimap to rest. */
static void
until_resting (PbMinimap *minimap)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!gtk_widget_has_css_class (GTK_WIDGET (minimap), "resting")
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (minimap), "resting"));
}

static void
minimap_body (Fixture *fixture)
{
  PbMinimap *minimap = PB_MINIMAP (gui_test_find (GTK_WIDGET (fixture->window), PB_TYPE_MINIMAP));
  GtkEventController *gesture;
  double before_x, before_y, x, y, want_x, want_y;

  g_assert_nonnull (minimap);
  gui_app_add_node (fixture, "seq", 0, 0);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  settle ();
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (minimap)));

  /* A graph bigger than the view shows it. */
  gui_app_add_node (fixture, "sum", 5000, 3000);
  pb_canvas_set_zoom (fixture->canvas, 1.0, 0, 0);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  settle ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (minimap)));
  wait_for_frame (GTK_WIDGET (minimap));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (minimap)), >, 100);

  /* Dragging in it pans the canvas to where the pointer is. */
  pb_canvas_get_center (fixture->canvas, &before_x, &before_y);
  gesture = gui_app_find_controller (GTK_WIDGET (minimap), GTK_TYPE_GESTURE_DRAG, GDK_BUTTON_PRIMARY);
  pb_minimap_to_canvas (minimap, 150, 100, &want_x, &want_y);
  g_signal_emit_by_name (gesture, "drag-begin", 20.0, 20.0);
  g_signal_emit_by_name (gesture, "drag-update", 65.0, 40.0);
  g_signal_emit_by_name (gesture, "drag-update", 130.0, 80.0);
  g_signal_emit_by_name (gesture, "drag-end", 130.0, 80.0);
  pb_canvas_get_center (fixture->canvas, &x, &y);
  g_assert_cmpfloat (fabs (x - want_x), <, 1);
  g_assert_cmpfloat (fabs (y - want_y), <, 1);
  g_assert_cmpfloat (fabs (x - before_x) + fabs (y - before_y), >, 100);

  /* Once the view holds still, it rests, faded over the nodes under it;
   * a person's pan wakes it. The view moving by itself to show a node
   * does not: the map must not cover what the view moved to show. */
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (minimap), "resting"));
  until_resting (minimap);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->canvas), "canvas.pan", "(ii)", 1, 0));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (minimap), "resting"));
  until_resting (minimap);
  pb_canvas_scroll_to (fixture->canvas, x, y);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (minimap), "resting"));

  /* Running, counters tick ten times a second; the overview does not
   * draw for them, nor wake. */
  {
    g_autoptr(GPtrArray) nodes = NULL;
    g_autoptr(GError) error = NULL;
    gint64 end;
    guint draws;

    nodes = pb_document_add_pipeline (fixture->document, "clock ! sum", x, y, &error);
    g_assert_no_error (error);
    g_assert_cmpint (pb_document_get_run_state (fixture->document), ==, PB_RUN_RUNNING);
    wait_for_frame (GTK_WIDGET (fixture->canvas));
    settle ();
    /* Adding the pipeline moved the view; the fade takes a moment. */
    until_resting (minimap);
    end = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
    wait_for_frame (GTK_WIDGET (minimap));
    draws = pb_minimap_get_n_draws (minimap);
    end = g_get_monotonic_time () + G_USEC_PER_SEC;
    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpuint (pb_minimap_get_n_draws (minimap), <=, draws + 1);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (minimap)));
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (minimap), "resting"));
  }

  /* Its action hides it, and remembers. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "show-minimap", NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (minimap)));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "show-minimap", NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (minimap)));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_isolate_data ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, body) GUI_APP_ADD ("/pushback/tools/" path, body)

  ADD ("quick-add", quick_add_body);
  ADD ("insert-on-wire", insert_on_wire_body);
  ADD ("insert-by-keyboard", insert_by_keyboard_body);
  ADD ("keyboard-menu", keyboard_menu_body);
  ADD ("open-fits", open_fits_body);
  ADD ("inspector-keeps-node", inspector_keeps_node_body);
  ADD ("keyboard-link-menu", keyboard_link_menu_body);
  ADD ("new-nodes-find-room", new_nodes_find_room_body);
  ADD ("delete-reconnect", delete_reconnect_body);
  ADD ("relink", relink_body);
  ADD ("find", find_body);
  ADD ("problems", problems_body);
  ADD ("pipeline", pipeline_body);
  ADD ("pipeline-refused", pipeline_refused_body);
  ADD ("pipeline-leaves", pipeline_leaves_body);
  ADD ("selection-menu", selection_menu_body);
  ADD ("bypass", bypass_body);
  ADD ("arrange", arrange_body);
  ADD ("minimap", minimap_body);

#undef ADD

  return g_test_run ();
}
