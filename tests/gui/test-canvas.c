/* test-canvas.c — the canvas as a person uses it: add, connect, refuse,
 * move, select, delete, undo, zoom, the keyboard, and what it draws
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test opens a real PbWindow in a running GtkApplication under Xvfb,
 * builds a topology through the document, and then works through the
 * canvas's own input paths. GTK 4.8 has no public way to inject events in
 * process, so pointer drags are made by emitting the canvas's primary
 * GtkGestureDrag signals (drag-begin, drag-update, drag-end) at the
 * coordinates of the sockets and nodes on screen, and keys by emitting
 * its GtkEventControllerKey's key-pressed: the canvas's handlers, its
 * picking (gtk_widget_pick) and everything after them are the real ones.
 * tests/gui/test-drive.py drives the same paths with real X events.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "pb-application.h"
#include "pb-canvas.h"
#include "pb-clipboard.h"
#include "pb-document.h"
#include "pb-inspector.h"
#include "pb-node-chart.h"
#include "pb-node-stats.h"
#include "pb-node-view.h"
#include "pb-probe-view.h"
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

/* A zoom or a pan is drawn at once but laid out once the view rests (for
 * 150 ms): widget bounds, which the test drags from, follow only then. */
static void
wait_for_rest (GtkWidget *widget)
{
  gint64 end = g_get_monotonic_time () + 300 * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  wait_for_frame (widget);
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

static void
add_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *map = gui_app_add_node (fixture, "map", 300, 80);
  g_autoptr(GPtrArray) sockets = g_ptr_array_new ();
  graphene_rect_t bounds;
  int n_views = 0;

  wait_for_frame (GTK_WIDGET (fixture->canvas));

  /* Each node is a "node" widget on the canvas, where it was placed. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (fixture->canvas));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (PB_IS_NODE_VIEW (child))
      {
        g_assert_cmpstr (gtk_widget_get_css_name (child), ==, "node");
        g_assert_true (gtk_widget_get_mapped (child));
        n_views++;
      }
  g_assert_cmpint (n_views, ==, 2);
  g_assert_cmpfloat (pb_canvas_get_zoom (fixture->canvas), ==, 1.0);
  bounds = view_bounds (fixture, seq);
  g_assert_cmpfloat_with_epsilon (bounds.origin.x, 40, 0.5);
  g_assert_cmpfloat_with_epsilon (bounds.origin.y, 60, 0.5);
  bounds = view_bounds (fixture, map);
  g_assert_cmpfloat_with_epsilon (bounds.origin.x, 300, 0.5);
  g_assert_cmpfloat_with_epsilon (bounds.origin.y, 80, 0.5);
  g_assert_cmpfloat (bounds.size.width, >=, 100);

  /* A socket per port, focusable, announced as a button; a source has an
   * output and no input, a transform one of each. */
  collect_sockets (GTK_WIDGET (fixture->canvas), sockets);
  g_assert_cmpuint (sockets->len, ==,
                    g_list_model_get_n_items (pb_node_get_ports (seq))
                    + g_list_model_get_n_items (pb_node_get_ports (map)));
  g_assert_cmpuint (g_list_model_get_n_items (pb_node_get_ports (map)), ==, 2);
  for (guint i = 0; i < sockets->len; i++)
    {
      GtkWidget *socket = g_ptr_array_index (sockets, i);

      g_assert_true (gtk_widget_get_focusable (socket));
      g_assert_true (gtk_widget_get_mapped (socket));
      g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (socket)), ==,
                       GTK_ACCESSIBLE_ROLE_BUTTON);
    }
  g_assert_cmpint (pb_port_get_direction (pb_socket_get_port (find_socket (fixture, seq, "out"))), ==,
                   PB_PORT_OUT);
  g_assert_cmpint (pb_port_get_direction (pb_socket_get_port (find_socket (fixture, map, "in"))), ==,
                   PB_PORT_IN);

  /* The empty page makes way once there is something to show. */
  g_assert_cmpuint (n_nodes (fixture), ==, 2);

  /* Undo takes the last node off the canvas; redo puts it back. */
  activate (fixture, "win.undo");
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  g_assert_cmpuint (n_nodes (fixture), ==, 1);
  g_assert_null (pb_canvas_find_view (fixture->canvas, map));
  activate (fixture, "win.redo");
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  g_assert_cmpuint (n_nodes (fixture), ==, 2);
}

static void
connect_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 360, 200);
  PbSocket *out;
  PbSocket *in;
  g_autoptr(PbLink) link = NULL;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  out = find_socket (fixture, seq, "out");
  in = find_socket (fixture, sum, "in");

  /* Drag from the output to the input: one link, between those ports. */
  drag_wire (fixture, out, in);
  g_assert_null (refusal_text (fixture));
  g_assert_cmpuint (n_links (fixture), ==, 1);
  link = g_list_model_get_item (pb_document_get_links (fixture->document), 0);
  g_assert_cmphex (pb_link_get_source (link), ==, socket_address (out));
  g_assert_cmphex (pb_link_get_sink (link), ==, socket_address (in));
  g_assert_cmphex (pb_port_get_peer (pb_socket_get_port (out)), ==, socket_address (in));
  g_assert_cmphex (pb_port_get_peer (pb_socket_get_port (in)), ==, socket_address (out));
  g_clear_object (&link);

  /* Undo disconnects, redo connects again. */
  activate (fixture, "win.undo");
  g_assert_cmpuint (n_links (fixture), ==, 0);
  g_assert_cmphex (pb_port_get_peer (pb_socket_get_port (out)), ==, 0);
  activate (fixture, "win.redo");
  g_assert_cmpuint (n_links (fixture), ==, 1);
  activate (fixture, "win.undo");

  /* Drawn the other way, from the input to the output, the link is the
   * same: kept oriented as items flow. */
  drag_wire (fixture, in, out);
  g_assert_cmpuint (n_links (fixture), ==, 1);
  link = g_list_model_get_item (pb_document_get_links (fixture->document), 0);
  g_assert_cmphex (pb_link_get_source (link), ==, socket_address (out));
  g_assert_cmphex (pb_link_get_sink (link), ==, socket_address (in));

  /* A wire dropped on nothing makes nothing, and says nothing. */
  activate (fixture, "win.undo");
  {
    double x, y;

    pb_socket_get_center (out, GTK_WIDGET (fixture->canvas), &x, &y);
    gui_app_drag (fixture, x, y, x + 150, y + 300);
  }
  g_assert_cmpuint (n_links (fixture), ==, 0);
  g_assert_null (refusal_text (fixture));
}

/* Each kind of refusal: nothing changes, and the reason shows where the
 * wire was dropped, in the runtime's words. */
static void
assert_refused (Fixture    *fixture,
                PbSocket   *from,
                PbSocket   *to,
                const char *reason)
{
  guint links = n_links (fixture);
  const char *text;

  hide_refusal (fixture);
  drag_wire (fixture, from, to);
  g_assert_cmpuint (n_links (fixture), ==, links);
  text = refusal_text (fixture);
  g_assert_nonnull (text);
  if (strstr (text, reason) == NULL)
    g_error ("refusal “%s” does not say “%s”", text, reason);
  hide_refusal (fixture);
}

static void
refusals_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 20, 40);
  PbNode *seq1 = gui_app_add_node (fixture, "seq", 20, 200);
  PbNode *clock = gui_app_add_node (fixture, "clock", 20, 360);
  PbNode *map0 = gui_app_add_node (fixture, "map", 260, 40);
  PbNode *map1 = gui_app_add_node (fixture, "map", 500, 40);
  PbNode *map2 = gui_app_add_node (fixture, "map", 740, 40);
  PbNode *c = gui_app_add_node (fixture, "c", 260, 360);
  PbNode *sum = gui_app_add_node (fixture, "sum", 500, 200);
  g_autofree char *seq_name = g_strdup (pb_node_get_name (seq));
  g_autofree char *map0_name = g_strdup (pb_node_get_name (map0));
  g_autofree char *message = NULL;

  wait_for_frame (GTK_WIDGET (fixture->canvas));

  /* Wrong direction: two outputs, and two inputs. */
  assert_refused (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, clock, "out"),
                  "are both outputs");
  assert_refused (fixture, find_socket (fixture, map0, "in"), find_socket (fixture, sum, "in"),
                  "are both inputs");

  /* Type mismatch: a clock gives f64, a `c` process takes i64 unless told
   * otherwise. */
  assert_refused (fixture, find_socket (fixture, clock, "out"), find_socket (fixture, c, "in"),
                  "gives f64 but");

  /* Port busy: map0's input already takes seq0's output. */
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, map0, "in"));
  g_assert_cmpuint (n_links (fixture), ==, 1);
  message = g_strdup_printf ("%s.in is connected already", map0_name);
  assert_refused (fixture, find_socket (fixture, seq1, "out"), find_socket (fixture, map0, "in"),
                  message);
  g_clear_pointer (&message, g_free);
  message = g_strdup_printf ("%s.out is connected already", seq_name);
  assert_refused (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, map1, "in"),
                  message);

  /* A flow cycle: map1 → map2 → map1. */
  drag_wire (fixture, find_socket (fixture, map1, "out"), find_socket (fixture, map2, "in"));
  g_assert_cmpuint (n_links (fixture), ==, 2);
  assert_refused (fixture, find_socket (fixture, map2, "out"), find_socket (fixture, map1, "in"),
                  "would close a flow cycle");

  /* A refusal is not a step: undo takes back the last real link. */
  activate (fixture, "win.undo");
  g_assert_cmpuint (n_links (fixture), ==, 1);
}

static void
highlight_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 20, 40);
  PbNode *sum = gui_app_add_node (fixture, "sum", 300, 40);
  PbNode *clock = gui_app_add_node (fixture, "clock", 20, 250);
  PbNode *c = gui_app_add_node (fixture, "c", 300, 250);
  GtkEventController *gesture;
  double x, y;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  gesture = gui_app_find_controller (GTK_WIDGET (fixture->canvas), GTK_TYPE_GESTURE_DRAG, GDK_BUTTON_PRIMARY);

  /* While a wire is dragged from clock0's f64 output, the sockets it may
   * end on are candidates, the others are not. */
  pb_socket_get_center (find_socket (fixture, clock, "out"), GTK_WIDGET (fixture->canvas), &x, &y);
  g_signal_emit_by_name (gesture, "drag-begin", x, y);
  g_signal_emit_by_name (gesture, "drag-update", 30.0, 5.0);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (find_socket (fixture, sum, "in")), "candidate"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (find_socket (fixture, c, "in")), "not-candidate"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (find_socket (fixture, seq, "out")), "not-candidate"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (find_socket (fixture, clock, "out")), "candidate"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (find_socket (fixture, clock, "out")), "not-candidate"));
  wait_for_frame (GTK_WIDGET (fixture->canvas));

  /* Once the wire is dropped, no socket stays marked. */
  g_signal_emit_by_name (gesture, "drag-end", 30.0, 5.0);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (find_socket (fixture, sum, "in")), "candidate"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (find_socket (fixture, c, "in")), "not-candidate"));
  g_assert_cmpuint (n_links (fixture), ==, 0);
}

static void
move_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 400, 60);
  graphene_rect_t bounds;
  double x, y;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, sum, "in"));
  g_assert_cmpuint (n_links (fixture), ==, 1);

  /* Dragging a node by its header moves it, and only it. */
  grab_point (fixture, seq, &x, &y);
  gui_app_drag (fixture, x, y, x + 120, y + 200);
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (seq), 160, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_y (seq), 260, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (sum), 400, 0.01);
  g_assert_true (pb_node_get_selected (seq));
  g_assert_false (pb_node_get_selected (sum));
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  bounds = view_bounds (fixture, seq);
  g_assert_cmpfloat_with_epsilon (bounds.origin.x, 160, 0.5);
  g_assert_cmpfloat_with_epsilon (bounds.origin.y, 260, 0.5);

  /* Moving is not connecting: the link is where it was. */
  g_assert_cmpuint (n_links (fixture), ==, 1);

  /* The whole drag is one step. */
  activate (fixture, "win.undo");
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (seq), 40, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_y (seq), 60, 0.01);
  g_assert_cmpuint (n_links (fixture), ==, 1);
  activate (fixture, "win.redo");
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (seq), 160, 0.01);

  /* At 200 %, the same drag on screen is half the distance on the
   * canvas. */
  pb_canvas_set_zoom (fixture->canvas, 2.0, 0, 0);
  /* The palette and the inspector leave the canvas narrow: bring the node
   * into view. */
  pb_canvas_scroll_to (fixture->canvas, 350, 0);
  wait_for_rest (GTK_WIDGET (fixture->canvas));
  grab_point (fixture, sum, &x, &y);
  gui_app_drag (fixture, x, y, x + 100, y + 50);
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (sum), 450, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_y (sum), 85, 0.01);
  /* and its undo puts it back where it was, not twice as far. */
  activate (fixture, "win.undo");
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (sum), 400, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_y (sum), 60, 0.01);
  activate (fixture, "win.redo");
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (sum), 450, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_y (sum), 85, 0.01);

  /* A multi-selection moves together, as one step. */
  pb_canvas_set_zoom (fixture->canvas, 1.0, 0, 0);
  pb_canvas_scroll_to (fixture->canvas, 0, 0);
  wait_for_rest (GTK_WIDGET (fixture->canvas));
  pb_canvas_select_node (fixture->canvas, seq, FALSE);
  pb_canvas_select_node (fixture->canvas, sum, TRUE);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  grab_point (fixture, sum, &x, &y);
  gui_app_drag (fixture, x, y, x - 30, y + 10);
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (seq), 130, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_y (seq), 270, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (sum), 420, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_y (sum), 95, 0.01);
  activate (fixture, "win.undo");
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (seq), 160, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (sum), 450, 0.01);
}

static void
select_delete_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *map = gui_app_add_node (fixture, "map", 300, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 560, 60);
  PbNode *clock = gui_app_add_node (fixture, "clock", 40, 400);
  g_autoptr(GPtrArray) selected = NULL;
  graphene_rect_t a, b;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, map, "in"));
  drag_wire (fixture, find_socket (fixture, map, "out"), find_socket (fixture, sum, "in"));
  g_assert_cmpuint (n_links (fixture), ==, 2);

  /* A rubber band from the background selects what it touches. */
  a = view_bounds (fixture, seq);
  b = view_bounds (fixture, map);
  gui_app_drag (fixture, a.origin.x - 20, a.origin.y - 20, b.origin.x + 10, b.origin.y + b.size.height + 10);
  selected = pb_canvas_get_selected_nodes (fixture->canvas);
  g_assert_cmpuint (selected->len, ==, 2);
  g_assert_true (pb_node_get_selected (seq));
  g_assert_true (pb_node_get_selected (map));
  g_assert_false (pb_node_get_selected (sum));
  g_assert_false (pb_node_get_selected (clock));
  g_clear_pointer (&selected, g_ptr_array_unref);

  /* A click on the background selects nothing. */
  click (fixture, 900, 600);
  selected = pb_canvas_get_selected_nodes (fixture->canvas);
  g_assert_cmpuint (selected->len, ==, 0);
  g_clear_pointer (&selected, g_ptr_array_unref);

  /* Delete removes the selected nodes and the links they had, as one
   * step. */
  pb_canvas_select_node (fixture->canvas, map, FALSE);
  pb_canvas_select_node (fixture->canvas, clock, TRUE);
  activate (fixture, "canvas.delete");
  g_assert_cmpuint (n_nodes (fixture), ==, 2);
  g_assert_cmpuint (n_links (fixture), ==, 0);
  g_assert_null (pb_canvas_find_view (fixture->canvas, map));
  g_assert_nonnull (pb_canvas_find_view (fixture->canvas, seq));
  activate (fixture, "win.undo");
  g_assert_cmpuint (n_nodes (fixture), ==, 4);
  g_assert_cmpuint (n_links (fixture), ==, 2);
  wait_for_frame (GTK_WIDGET (fixture->canvas));

  /* A click on a wire selects it alone; Delete then removes only it. */
  {
    g_autoptr(PbLink) link = NULL;
    PbNode *restored_map = NULL;
    double x0, y0, x1, y1;
    GListModel *nodes = pb_document_get_nodes (fixture->document);

    for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
      {
        g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

        if (g_str_equal (pb_node_get_kind_name (node), "map"))
          restored_map = node;
      }
    g_assert_nonnull (restored_map);
    pb_socket_get_center (find_socket (fixture, restored_map, "out"), GTK_WIDGET (fixture->canvas), &x0, &y0);
    pb_socket_get_center (find_socket (fixture, sum, "in"), GTK_WIDGET (fixture->canvas), &x1, &y1);
    /* Both ends at one height: the wire runs straight between them. */
    g_assert_cmpfloat_with_epsilon (y0, y1, 1);
    click (fixture, (x0 + x1) / 2, (y0 + y1) / 2);
    selected = pb_canvas_get_selected_links (fixture->canvas);
    g_assert_cmpuint (selected->len, ==, 1);
    link = g_object_ref (g_ptr_array_index (selected, 0));
    g_clear_pointer (&selected, g_ptr_array_unref);
    g_assert_cmphex (pb_link_get_sink (link), ==, socket_address (find_socket (fixture, sum, "in")));
    selected = pb_canvas_get_selected_nodes (fixture->canvas);
    g_assert_cmpuint (selected->len, ==, 0);
    g_clear_pointer (&selected, g_ptr_array_unref);

    activate (fixture, "canvas.delete");
    g_assert_cmpuint (n_nodes (fixture), ==, 4);
    g_assert_cmpuint (n_links (fixture), ==, 1);
  }

  /* Select all, delete: an empty canvas; one undo brings it all back. */
  activate (fixture, "canvas.select-all");
  selected = pb_canvas_get_selected_nodes (fixture->canvas);
  g_assert_cmpuint (selected->len, ==, 4);
  g_clear_pointer (&selected, g_ptr_array_unref);
  activate (fixture, "canvas.delete");
  g_assert_cmpuint (n_nodes (fixture), ==, 0);
  g_assert_cmpuint (n_links (fixture), ==, 0);
  activate (fixture, "win.undo");
  g_assert_cmpuint (n_nodes (fixture), ==, 4);
  g_assert_cmpuint (n_links (fixture), ==, 1);

  /* Nothing selected: Delete does nothing. */
  click (fixture, 900, 600);
  activate (fixture, "canvas.delete");
  g_assert_cmpuint (n_nodes (fixture), ==, 4);
}

static void
zoom_body (Fixture *fixture)
{
  GtkWidget *canvas = GTK_WIDGET (fixture->canvas);
  PbNode *far = gui_app_add_node (fixture, "seq", 2400, 1800);
  PbNode *near = gui_app_add_node (fixture, "sum", 0, 0);
  graphene_rect_t bounds;

  wait_for_frame (canvas);
  g_assert_cmpfloat (pb_canvas_get_zoom (fixture->canvas), ==, 1.0);

  activate (fixture, "canvas.zoom-in");
  g_assert_cmpfloat_with_epsilon (pb_canvas_get_zoom (fixture->canvas), 1.2, 1e-9);
  activate (fixture, "canvas.zoom-out");
  activate (fixture, "canvas.zoom-out");
  g_assert_cmpfloat_with_epsilon (pb_canvas_get_zoom (fixture->canvas), 1 / 1.2, 1e-9);
  activate (fixture, "canvas.zoom-reset");
  g_assert_cmpfloat (pb_canvas_get_zoom (fixture->canvas), ==, 1.0);

  /* A node far away is out of view until zoom to fit brings everything
   * in, at most at 100 %. */
  wait_for_frame (canvas);
  bounds = view_bounds (fixture, far);
  g_assert_cmpfloat (bounds.origin.x, >, gtk_widget_get_width (canvas));
  activate (fixture, "canvas.zoom-fit");
  wait_for_frame (canvas);
  g_assert_cmpfloat (pb_canvas_get_zoom (fixture->canvas), <, 1.0);
  for (PbNode **node = (PbNode *[]) { far, near, NULL }; *node != NULL; node++)
    {
      bounds = view_bounds (fixture, *node);
      g_assert_cmpfloat (bounds.origin.x, >=, 0);
      g_assert_cmpfloat (bounds.origin.y, >=, 0);
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (canvas));
      g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (canvas));
    }

  /* The zoom is never beyond its limits. */
  for (int i = 0; i < 40; i++)
    activate (fixture, "canvas.zoom-in");
  g_assert_cmpfloat (pb_canvas_get_zoom (fixture->canvas), ==, 4.0);
  for (int i = 0; i < 40; i++)
    activate (fixture, "canvas.zoom-out");
  g_assert_cmpfloat_with_epsilon (pb_canvas_get_zoom (fixture->canvas), 0.1, 1e-9);
}

static void
keyboard_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 400, 60);
  PbNode *clock = gui_app_add_node (fixture, "clock", 40, 300);
  PbSocket *out;
  PbSocket *in;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  out = find_socket (fixture, seq, "out");
  in = find_socket (fixture, sum, "in");

  /* Enter on a focused socket starts a wire: candidates light up. */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (out)));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (out)));
  g_assert_true (press_key (fixture, GDK_KEY_Return));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (in), "candidate"));
  g_assert_cmpuint (n_links (fixture), ==, 0);

  /* Escape gives up. */
  g_assert_true (press_key (fixture, GDK_KEY_Escape));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (in), "candidate"));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (in)));
  g_assert_true (press_key (fixture, GDK_KEY_Return));
  g_assert_true (press_key (fixture, GDK_KEY_Escape));
  g_assert_cmpuint (n_links (fixture), ==, 0);

  /* Enter on one socket, then Enter on another: connected. */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (out)));
  g_assert_true (press_key (fixture, GDK_KEY_Return));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (in)));
  g_assert_true (press_key (fixture, GDK_KEY_KP_Enter));
  g_assert_cmpuint (n_links (fixture), ==, 1);
  g_assert_cmphex (pb_port_get_peer (pb_socket_get_port (out)), ==, socket_address (in));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (in), "candidate"));
  g_assert_null (refusal_text (fixture));

  /* A refusal from the keyboard shows its reason as well. */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (find_socket (fixture, clock, "out"))));
  g_assert_true (press_key (fixture, GDK_KEY_space));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (in)));
  g_assert_true (press_key (fixture, GDK_KEY_Return));
  g_assert_cmpuint (n_links (fixture), ==, 1);
  g_assert_nonnull (refusal_text (fixture));
  g_assert_nonnull (strstr (refusal_text (fixture), "connected already"));
  hide_refusal (fixture);

  /* Enter on a focused node selects it; other keys are not the
   * canvas's. */
  g_assert_true (gtk_widget_grab_focus (pb_canvas_find_view (fixture->canvas, clock)));
  g_assert_true (press_key (fixture, GDK_KEY_Return));
  g_assert_true (pb_node_get_selected (clock));
  g_assert_false (pb_node_get_selected (seq));
  g_assert_false (press_key (fixture, GDK_KEY_x));

  /* Undo from the keyboard's link. */
  activate (fixture, "win.undo");
  g_assert_cmpuint (n_links (fixture), ==, 0);
}

/* Rendering: the canvas drawn to an image, as the screen shows it. */

typedef struct
{
  GdkTexture *texture;
  guchar     *pixels;   /* BGRA, premultiplied, as gdk_texture_download gives */
  int         width;
  int         height;
  gsize       stride;
} Image;

static void
image_clear (Image *image)
{
  g_clear_object (&image->texture);
  g_clear_pointer (&image->pixels, g_free);
}

static void
render_canvas (Fixture    *fixture,
               const char *png_name,
               Image      *image)
{
  GtkWidget *canvas = GTK_WIDGET (fixture->canvas);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (canvas);
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (canvas));
  g_autofree char *path = NULL;

  /* The paintable takes the widget's picture on the frame after it is
   * drawn: a widget just invalidated gives an empty picture until then. */
  gtk_widget_queue_draw (canvas);
  image->width = gtk_widget_get_width (canvas);
  image->height = gtk_widget_get_height (canvas);
  for (int frames = 0; node == NULL && frames < 10; frames++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      wait_for_frame (canvas);
      gdk_paintable_snapshot (paintable, snapshot, image->width, image->height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  image->texture = gsk_renderer_render_texture (renderer, node,
                                                &GRAPHENE_RECT_INIT (0, 0, image->width, image->height));
  g_assert_cmpint (gdk_texture_get_width (image->texture), ==, image->width);

  image->stride = 4 * image->width;
  image->pixels = g_malloc (image->stride * image->height);
  gdk_texture_download (image->texture, image->pixels, image->stride);

  /* Kept in the build directory to look at when a test fails. */
  path = g_test_build_filename (G_TEST_BUILT, png_name, NULL);
  g_assert_true (gdk_texture_save_to_png (image->texture, path));
  g_test_message ("canvas drawn to %s", path);
}

static gboolean
pixel_is (const Image   *image,
          int            x,
          int            y,
          const GdkRGBA *color,
          int            tolerance)
{
  const guchar *p;

  if (x < 0 || y < 0 || x >= image->width || y >= image->height)
    return FALSE;
  p = image->pixels + y * image->stride + 4 * x;
  return abs (p[2] - (int) round (color->red * 255)) <= tolerance
      && abs (p[1] - (int) round (color->green * 255)) <= tolerance
      && abs (p[0] - (int) round (color->blue * 255)) <= tolerance
      && p[3] == 255;
}

/* How many pixels of @color there are within @radius of (x, y). */
static int
count_near (const Image   *image,
            double         x,
            double         y,
            int            radius,
            const GdkRGBA *color)
{
  int count = 0;

  for (int j = (int) y - radius; j <= (int) y + radius; j++)
    for (int i = (int) x - radius; i <= (int) x + radius; i++)
      count += pixel_is (image, i, j, color, 24);
  return count;
}

/* How many pixels in @rect are dark: text, as on a node's header, where
 * the background and the grid over it are near white. */
static int
count_dark (const Image           *image,
            const graphene_rect_t *rect)
{
  int count = 0;

  for (int j = MAX (0, (int) rect->origin.y); j < MIN (image->height, (int) (rect->origin.y + rect->size.height)); j++)
    for (int i = MAX (0, (int) rect->origin.x); i < MIN (image->width, (int) (rect->origin.x + rect->size.width)); i++)
      {
        const guchar *p = image->pixels + j * image->stride + 4 * i;

        count += p[0] < 180 && p[1] < 180 && p[2] < 180;
      }
  return count;
}

/* Counts pixels of @color along the straight line from (x0, y0) to
 * (x1, y1), leaving out @margin pixels at either end where the sockets
 * are, looking @radius pixels around each sample. */
static int
samples_on_line (const Image   *image,
                 double         x0,
                 double         y0,
                 double         x1,
                 double         y1,
                 const GdkRGBA *color,
                 int           *n_samples)
{
  int hits = 0;

  *n_samples = 0;
  for (double t = 0.15; t <= 0.851; t += 0.05)
    {
      hits += count_near (image, x0 + t * (x1 - x0), y0 + t * (y1 - y0), 2, color) > 0;
      (*n_samples)++;
    }
  return hits;
}

static void
render_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 420, 60);
  PbNode *clock = gui_app_add_node (fixture, "clock", 40, 300);
  PbNode *stats = gui_app_add_node (fixture, "stats", 420, 300);
  Image before = { 0 }, after = { 0 }, moved = { 0 };
  GdkRGBA blue, green;
  double ax0, ay0, ax1, ay1, bx0, by0, bx1, by1;
  graphene_rect_t header;
  int n, hits;

  pb_socket_item_color (PB_ITEM_I64, &blue);
  pb_socket_item_color (PB_ITEM_F64, &green);
  /* The palette the editor promises: GNOME's blue and green. */
  g_assert_true (gdk_rgba_equal (&blue, &(GdkRGBA) { 0x35 / 255.f, 0x84 / 255.f, 0xe4 / 255.f, 1 }));
  g_assert_true (gdk_rgba_equal (&green, &(GdkRGBA) { 0x33 / 255.f, 0xd1 / 255.f, 0x7a / 255.f, 1 }));
  /* Nothing selected: a selected node's or wire's accent is also blue. */
  pb_canvas_select_node (fixture->canvas, seq, FALSE);
  pb_node_set_selected (seq, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (fixture->canvas));

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  pb_socket_get_center (find_socket (fixture, seq, "out"), GTK_WIDGET (fixture->canvas), &ax0, &ay0);
  pb_socket_get_center (find_socket (fixture, sum, "in"), GTK_WIDGET (fixture->canvas), &ax1, &ay1);
  pb_socket_get_center (find_socket (fixture, clock, "out"), GTK_WIDGET (fixture->canvas), &bx0, &by0);
  pb_socket_get_center (find_socket (fixture, stats, "in"), GTK_WIDGET (fixture->canvas), &bx1, &by1);
  g_assert_cmpfloat_with_epsilon (ay0, ay1, 1);
  g_assert_cmpfloat_with_epsilon (by0, by1, 1);

  /* Nodes are drawn where they are placed: their names are dark text in
   * their headers, and their sockets are rings of their item type's
   * colour. Between them, before any link, there is no wire. */
  render_canvas (fixture, "test-canvas-unlinked.png", &before);
  for (PbNode **node = (PbNode *[]) { seq, sum, clock, stats, NULL }; *node != NULL; node++)
    {
      graphene_rect_t bounds = view_bounds (fixture, *node);

      header = GRAPHENE_RECT_INIT (bounds.origin.x, bounds.origin.y, bounds.size.width, 30);
      if (count_dark (&before, &header) < 20)
        g_error ("no text drawn in %s's header at %g,%g", pb_node_get_name (*node),
                 bounds.origin.x, bounds.origin.y);
    }
  /* Far from any node, nothing dark is drawn. */
  header = GRAPHENE_RECT_INIT (700, 500, 200, 100);
  g_assert_cmpint (count_dark (&before, &header), ==, 0);
  g_assert_cmpint (count_near (&before, ax0, ay0, 6, &blue), >, 8);
  g_assert_cmpint (count_near (&before, bx0, by0, 6, &green), >, 8);
  g_assert_cmpint (samples_on_line (&before, ax0, ay0, ax1, ay1, &blue, &n), ==, 0);
  g_assert_cmpint (samples_on_line (&before, bx0, by0, bx1, by1, &green, &n), ==, 0);

  /* Connected, the i64 link is a blue wire and the f64 one a green wire,
   * all along the way between their sockets. */
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, sum, "in"));
  drag_wire (fixture, find_socket (fixture, clock, "out"), find_socket (fixture, stats, "in"));
  g_assert_cmpuint (n_links (fixture), ==, 2);
  gtk_widget_grab_focus (GTK_WIDGET (fixture->canvas));
  render_canvas (fixture, "test-canvas-linked.png", &after);
  hits = samples_on_line (&after, ax0, ay0, ax1, ay1, &blue, &n);
  if (hits != n)
    g_error ("the i64 wire is blue at only %d of %d points", hits, n);
  hits = samples_on_line (&after, bx0, by0, bx1, by1, &green, &n);
  if (hits != n)
    g_error ("the f64 wire is green at only %d of %d points", hits, n);
  /* Each wire has its own colour: no green on the blue one's way. */
  g_assert_cmpint (samples_on_line (&after, ax0, ay0, ax1, ay1, &green, &n), ==, 0);

  /* Wires follow their nodes: moved down, the blue wire leaves its old
   * straight path. */
  pb_node_set_position (sum, 420, 200);
  render_canvas (fixture, "test-canvas-moved.png", &moved);
  g_assert_cmpint (samples_on_line (&moved, ax0, ay0, ax1, ay1, &blue, &n), <, n / 2);
  {
    graphene_rect_t bounds = view_bounds (fixture, sum);

    header = GRAPHENE_RECT_INIT (bounds.origin.x, bounds.origin.y, bounds.size.width, 30);
    g_assert_cmpfloat_with_epsilon (bounds.origin.y, 200, 0.5);
    g_assert_cmpint (count_dark (&moved, &header), >=, 20);
  }

  image_clear (&before);
  image_clear (&after);
  image_clear (&moved);
}

/* Waiting for what comes later: the clipboard's contents, the runtime's
 * state. The main loop turns, woken at least every 20 ms, until @done
 * says so or @timeout_ms has passed. */
typedef gboolean (*Condition) (Fixture *fixture, gpointer data);

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Spins until @done holds or @timeout_ms passes. The tests give 30 s:
 * it returns as soon as @done holds, and under the sanitizers on a
 * shared, loaded machine a focus change alone has taken over 5 s. */
static gboolean
wait_until (Fixture   *fixture,
            Condition  done,
            gpointer   data,
            guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint tick = g_timeout_add (20, wake_up, NULL);
  gboolean reached;

  while (!(reached = done (fixture, data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return reached;
}

static gboolean
n_nodes_is_not (Fixture  *fixture,
                gpointer  data)
{
  return n_nodes (fixture) != GPOINTER_TO_UINT (data);
}

/* Pastes, and returns once the paste has been made: the clipboard is read
 * asynchronously. */
static void
paste_and_wait (Fixture *fixture)
{
  guint before = n_nodes (fixture);

  activate (fixture, "canvas.paste");
  if (!wait_until (fixture, n_nodes_is_not, GUINT_TO_POINTER (before), 30000))
    g_error ("a paste added nothing in 5 s");
}

/* The label of the step undo would take back: (transfer full) */
static char *
undo_label (Fixture *fixture)
{
  char *label = NULL;

  g_object_get (pb_document_get_undo_stack (fixture->document), "undo-label", &label, NULL);
  return label;
}

/* Where the pointer rests over the canvas, as its motion controller hears
 * it: a paste goes there. */
static void
move_pointer (Fixture *fixture,
              double   x,
              double   y)
{
  GtkEventController *motion = gui_app_find_controller (GTK_WIDGET (fixture->canvas),
                                                GTK_TYPE_EVENT_CONTROLLER_MOTION, 0);

  g_signal_emit_by_name (motion, "motion", x, y);
}

/* The nodes of the document that are not in @known, in the document's
 * order. */
static GPtrArray *
nodes_not_in (Fixture *fixture,
              PbNode **known,
              guint    n_known)
{
  GListModel *nodes = pb_document_get_nodes (fixture->document);
  GPtrArray *others = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);
      gboolean found = FALSE;

      for (guint k = 0; k < n_known; k++)
        found |= node == known[k];
      if (!found)
        g_ptr_array_add (others, node);
    }
  return others;
}

/* Whether a link joins @source's output "out" to @sink's input "in". */
static gboolean
linked (Fixture *fixture,
        PbNode  *source,
        PbNode  *sink)
{
  PbLink *link = pb_document_find_link (fixture->document,
                                        socket_address (find_socket (fixture, source, "out")));

  return link != NULL
      && pb_link_get_sink (link) == socket_address (find_socket (fixture, sink, "in"));
}

static void
assert_names_distinct (Fixture *fixture)
{
  GListModel *nodes = pb_document_get_nodes (fixture->document);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

      g_assert_nonnull (pb_node_get_name (node));
      if (!g_hash_table_add (names, (gpointer) pb_node_get_name (node)))
        g_error ("two processes are named %s", pb_node_get_name (node));
    }
}

static void
copy_paste_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *map = gui_app_add_node (fixture, "map", 300, 100);
  PbNode *sum = gui_app_add_node (fixture, "sum", 560, 60);
  PbNode *originals[] = { seq, map, sum };
  g_autoptr(GPtrArray) pasted = NULL;
  g_autoptr(GPtrArray) selected = NULL;
  PbNode *new_seq, *new_map;
  g_autofree char *label = NULL;

  g_assert_true (pb_document_set_param (fixture->document, map, "expr", "x * 3", NULL));
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, map, "in"));
  drag_wire (fixture, find_socket (fixture, map, "out"), find_socket (fixture, sum, "in"));
  g_assert_cmpuint (n_links (fixture), ==, 2);

  /* Copy seq and map, the link between them with them, not the one to
   * sum; paste where the pointer is. */
  pb_canvas_select_node (fixture->canvas, seq, FALSE);
  pb_canvas_select_node (fixture->canvas, map, TRUE);
  activate (fixture, "canvas.copy");
  g_assert_cmpuint (n_nodes (fixture), ==, 3);
  move_pointer (fixture, 200, 400);
  paste_and_wait (fixture);
  g_assert_null (refusal_text (fixture));
  wait_for_frame (GTK_WIDGET (fixture->canvas));

  g_assert_cmpuint (n_nodes (fixture), ==, 5);
  g_assert_cmpuint (n_links (fixture), ==, 3);
  pasted = nodes_not_in (fixture, originals, G_N_ELEMENTS (originals));
  g_assert_cmpuint (pasted->len, ==, 2);
  new_seq = g_ptr_array_index (pasted, 0);
  new_map = g_ptr_array_index (pasted, 1);
  g_assert_cmpstr (pb_node_get_kind_name (new_seq), ==, "seq");
  g_assert_cmpstr (pb_node_get_kind_name (new_map), ==, "map");
  g_assert_cmpstr (pb_node_get_param (new_map, "expr"), ==, "x * 3");
  g_assert_true (linked (fixture, new_seq, new_map));
  g_assert_true (linked (fixture, seq, map));
  g_assert_true (linked (fixture, map, sum));
  /* The names were taken: fresh ones. */
  g_assert_cmpstr (pb_node_get_name (new_seq), !=, pb_node_get_name (seq));
  g_assert_cmpstr (pb_node_get_name (new_map), !=, pb_node_get_name (map));
  assert_names_distinct (fixture);
  /* The group's top left at the pointer, its shape kept. */
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (new_seq), 200, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_y (new_seq), 400, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (new_map), 460, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_y (new_map), 440, 0.01);
  g_assert_nonnull (pb_canvas_find_view (fixture->canvas, new_seq));
  g_assert_nonnull (pb_canvas_find_view (fixture->canvas, new_map));

  /* What was pasted is selected, alone. */
  selected = pb_canvas_get_selected_nodes (fixture->canvas);
  g_assert_cmpuint (selected->len, ==, 2);
  g_assert_true (pb_node_get_selected (new_seq));
  g_assert_true (pb_node_get_selected (new_map));
  g_assert_false (pb_node_get_selected (seq));
  g_assert_false (pb_node_get_selected (map));
  g_clear_pointer (&selected, g_ptr_array_unref);

  /* One step takes the whole paste back, and one brings it again. */
  label = undo_label (fixture);
  g_assert_cmpstr (label, ==, "Paste Processes");
  activate (fixture, "win.undo");
  g_assert_cmpuint (n_nodes (fixture), ==, 3);
  g_assert_cmpuint (n_links (fixture), ==, 2);
  activate (fixture, "win.redo");
  g_assert_cmpuint (n_nodes (fixture), ==, 5);
  g_assert_cmpuint (n_links (fixture), ==, 3);
  activate (fixture, "win.undo");

  /* A second paste of the same copy is fresh again. */
  paste_and_wait (fixture);
  paste_and_wait (fixture);
  g_assert_cmpuint (n_nodes (fixture), ==, 7);
  g_assert_cmpuint (n_links (fixture), ==, 4);
  assert_names_distinct (fixture);
}

static void
cut_paste_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *map = gui_app_add_node (fixture, "map", 300, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 560, 60);
  g_autofree char *seq_name = NULL;
  g_autofree char *map_name = NULL;
  PbNode *new_seq, *new_map;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, map, "in"));
  drag_wire (fixture, find_socket (fixture, map, "out"), find_socket (fixture, sum, "in"));
  /* Names a person chose, not the ones a new node gets. */
  g_assert_true (pb_document_rename (fixture->document, seq, "numbers", NULL));
  g_assert_true (pb_document_rename (fixture->document, map, "triple", NULL));
  seq_name = g_strdup (pb_node_get_name (seq));
  map_name = g_strdup (pb_node_get_name (map));

  /* Cut takes the originals and their links away, as one step. */
  pb_canvas_select_node (fixture->canvas, seq, FALSE);
  pb_canvas_select_node (fixture->canvas, map, TRUE);
  activate (fixture, "canvas.cut");
  g_assert_cmpuint (n_nodes (fixture), ==, 1);
  g_assert_cmpuint (n_links (fixture), ==, 0);
  g_assert_null (pb_document_find_named (fixture->document, seq_name));
  g_assert_null (pb_document_find_named (fixture->document, map_name));

  /* Their names are free now: the paste gives them back. */
  move_pointer (fixture, 100, 300);
  paste_and_wait (fixture);
  g_assert_cmpuint (n_nodes (fixture), ==, 3);
  g_assert_cmpuint (n_links (fixture), ==, 1);
  new_seq = pb_document_find_named (fixture->document, seq_name);
  new_map = pb_document_find_named (fixture->document, map_name);
  g_assert_nonnull (new_seq);
  g_assert_nonnull (new_map);
  g_assert_cmpstr (pb_node_get_kind_name (new_seq), ==, "seq");
  g_assert_cmpstr (pb_node_get_kind_name (new_map), ==, "map");
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  g_assert_true (linked (fixture, new_seq, new_map));

  /* Pasted again, with the names taken, they are named afresh. */
  paste_and_wait (fixture);
  g_assert_cmpuint (n_nodes (fixture), ==, 5);
  assert_names_distinct (fixture);

  /* Undo the pastes, then the cut: the originals are back. */
  activate (fixture, "win.undo");
  activate (fixture, "win.undo");
  g_assert_cmpuint (n_nodes (fixture), ==, 1);
  activate (fixture, "win.undo");
  g_assert_cmpuint (n_nodes (fixture), ==, 3);
  g_assert_cmpuint (n_links (fixture), ==, 2);
  g_assert_nonnull (pb_document_find_named (fixture->document, seq_name));
  g_assert_nonnull (pb_document_find_named (fixture->document, map_name));
}

static void
duplicate_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 48, 72);
  PbNode *map = gui_app_add_node (fixture, "map", 288, 120);
  PbNode *originals[] = { seq, map };
  g_autoptr(GPtrArray) copies = NULL;
  PbNode *new_seq, *new_map;

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, map, "in"));
  g_assert_true (pb_document_set_param (fixture->document, seq, "to", "42", NULL));

  /* Duplicate needs no clipboard: the copies come at once, one grid step
   * down and right, joined as the originals are, selected. */
  pb_canvas_select_node (fixture->canvas, seq, FALSE);
  pb_canvas_select_node (fixture->canvas, map, TRUE);
  activate (fixture, "canvas.duplicate");
  g_assert_cmpuint (n_nodes (fixture), ==, 4);
  g_assert_cmpuint (n_links (fixture), ==, 2);
  copies = nodes_not_in (fixture, originals, G_N_ELEMENTS (originals));
  g_assert_cmpuint (copies->len, ==, 2);
  new_seq = g_ptr_array_index (copies, 0);
  new_map = g_ptr_array_index (copies, 1);
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (new_seq), 48 + 24, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_y (new_seq), 72 + 24, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (new_map), 288 + 24, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_y (new_map), 120 + 24, 0.01);
  g_assert_cmpstr (pb_node_get_param (new_seq, "to"), ==, "42");
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  g_assert_true (linked (fixture, new_seq, new_map));
  g_assert_true (pb_node_get_selected (new_seq));
  g_assert_true (pb_node_get_selected (new_map));
  g_assert_false (pb_node_get_selected (seq));
  g_assert_false (pb_node_get_selected (map));
  assert_names_distinct (fixture);

  /* and the copies of the copies step on again. */
  activate (fixture, "canvas.duplicate");
  g_assert_cmpuint (n_nodes (fixture), ==, 6);
  g_clear_pointer (&copies, g_ptr_array_unref);
  {
    PbNode *known[] = { seq, map, new_seq, new_map };

    copies = nodes_not_in (fixture, known, G_N_ELEMENTS (known));
  }
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (g_ptr_array_index (copies, 0)), 48 + 48, 0.01);
  g_assert_cmpfloat_with_epsilon (pb_node_get_y (g_ptr_array_index (copies, 0)), 72 + 48, 0.01);

  activate (fixture, "win.undo");
  activate (fixture, "win.undo");
  g_assert_cmpuint (n_nodes (fixture), ==, 2);
  g_assert_cmpuint (n_links (fixture), ==, 1);
}

static gboolean
refusal_shown (Fixture  *fixture,
               gpointer  data)
{
  return refusal_text (fixture) != NULL;
}

/* What another program put on the clipboard under our type, or a copy
 * from an editor that wrote it differently. */
static void
paste_foreign (Fixture    *fixture,
               const void *data,
               gsize       size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GdkContentProvider) provider = gdk_content_provider_new_for_bytes (PB_CLIPBOARD_MIME_TYPE, bytes);
  g_autofree char *label = undo_label (fixture);
  g_autofree char *label_after = NULL;
  guint nodes = n_nodes (fixture);
  guint links = n_links (fixture);

  hide_refusal (fixture);
  g_assert_true (gdk_clipboard_set_content (gtk_widget_get_clipboard (GTK_WIDGET (fixture->canvas)),
                                            provider));
  activate (fixture, "canvas.paste");
  if (!wait_until (fixture, refusal_shown, NULL, 30000))
    g_error ("a paste of what is not processes said nothing in 5 s");
  g_test_message ("refused: %s", refusal_text (fixture));
  if (strstr (refusal_text (fixture), "clipboard") == NULL
      && strstr (refusal_text (fixture), "kind") == NULL
      && strstr (refusal_text (fixture), "cannot be bypassed") == NULL)
    g_error ("refusal “%s” does not say why", refusal_text (fixture));
  g_assert_cmpuint (n_nodes (fixture), ==, nodes);
  g_assert_cmpuint (n_links (fixture), ==, links);
  label_after = undo_label (fixture);
  g_assert_cmpstr (label_after, ==, label);
  hide_refusal (fixture);
}

static void
paste_foreign_body (Fixture *fixture)
{
  static const guchar garbage[] = { 0xff, 0xfe, 0x00, 0x13, 0x37, 0x80, 0xc3 };
  static const char text[] = "Dear diary, today I pasted a shopping list into Pushback.";
  static const char unknown_kind[] = "([('teleport', 'x', @a{ss} {}, 0.0, 0.0, false)], @a(uquqt) [])";
  static const char bad_link[] = "([('seq', 'a', @a{ss} {}, 0.0, 0.0, false)], [(0, 0, 7, 0, 0)])";
  static const char bypassed_sink[] = "([('sum', 'a', @a{ss} {}, 0.0, 0.0, true)], @a(uquqt) [])";
  static const char older[] = "([('seq', 'a', @a{ss} {}, 0.0, 0.0)], @a(uquqt) [])";
  static const char empty[] = "(@a(ssa{ss}ddb) [], @a(uquqt) [])";
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);

  wait_for_frame (GTK_WIDGET (fixture->canvas));
  pb_canvas_select_node (fixture->canvas, seq, FALSE);
  move_pointer (fixture, 300, 300);

  paste_foreign (fixture, garbage, sizeof garbage);
  paste_foreign (fixture, text, strlen (text));
  paste_foreign (fixture, unknown_kind, strlen (unknown_kind));
  paste_foreign (fixture, bad_link, strlen (bad_link));
  paste_foreign (fixture, bypassed_sink, strlen (bypassed_sink));
  paste_foreign (fixture, older, strlen (older));
  paste_foreign (fixture, empty, strlen (empty));
  g_assert_cmpuint (n_nodes (fixture), ==, 1);
  g_assert_true (pb_node_get_selected (seq));

  /* Our own contents still paste after all that. */
  activate (fixture, "canvas.copy");
  paste_and_wait (fixture);
  g_assert_cmpuint (n_nodes (fixture), ==, 2);
}

static gboolean
view_failed_is (Fixture  *fixture,
                gpointer  data)
{
  PbNode *node = ((gpointer *) data)[0];
  gboolean failed = GPOINTER_TO_INT (((gpointer *) data)[1]);
  GtkWidget *view = pb_canvas_find_view (fixture->canvas, node);

  return gtk_widget_has_css_class (view, "failed") == failed;
}

static GtkWidget *
find_badge (GtkWidget *view)
{
  g_autoptr(GPtrArray) images = gui_test_find_all (view, GTK_TYPE_BUTTON);

  for (guint i = 0; i < images->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (images, i), "badge"))
      return g_ptr_array_index (images, i);
  g_error ("the node view has no badge");
  return NULL;
}

static void
compile_error_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *map = gui_app_add_node (fixture, "map", 300, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 560, 60);
  g_autoptr(GError) error = NULL;
  gpointer failed[] = { map, GINT_TO_POINTER (TRUE) };
  gpointer fixed[] = { map, GINT_TO_POINTER (FALSE) };
  GtkWidget *view;
  GtkWidget *badge;
  const char *tooltip;

  /* A new window runs its document: edits are live. */
  g_assert_cmpint (pb_document_get_run_state (fixture->document), ==, PB_RUN_RUNNING);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, map, "in"));
  drag_wire (fixture, find_socket (fixture, map, "out"), find_socket (fixture, sum, "in"));
  /* A source without an end waits to be told one. */
  g_assert_true (pb_document_set_param (fixture->document, seq, "to", "10", &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_set_param (fixture->document, map, "expr", "x * 2", &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_sync (fixture->document, 10000));
  pb_document_refresh_status (fixture->document);
  view = pb_canvas_find_view (fixture->canvas, map);
  badge = find_badge (view);
  g_assert_false (gtk_widget_has_css_class (view, "failed"));
  g_assert_false (gtk_widget_get_visible (badge));

  /* An expression that does not compile: the runtime takes it, fails the
   * process, and the node says so, with the compiler's words. */
  g_assert_true (pb_document_set_param (fixture->document, map, "expr", "x +* 2", &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_sync (fixture->document, 10000));
  if (!wait_until (fixture, view_failed_is, failed, 30000))
    g_error ("the map did not fail: %s", pb_node_get_message (map));
  g_assert_cmpint (pb_node_get_state (map), ==, PB_PROCESS_FAILED);
  g_assert_true (gtk_widget_get_visible (badge));
  tooltip = gtk_widget_get_tooltip_text (badge);
  g_assert_nonnull (tooltip);
  g_test_message ("badge: %s", tooltip);
  g_assert_nonnull (strstr (tooltip, pb_node_get_name (map)));
  g_assert_nonnull (strstr (tooltip, "expr"));
  /* Only the map fails. */
  g_assert_false (gtk_widget_has_css_class (pb_canvas_find_view (fixture->canvas, seq), "failed"));
  g_assert_false (gtk_widget_has_css_class (pb_canvas_find_view (fixture->canvas, sum), "failed"));
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  gui_test_save_png (GTK_WIDGET (fixture->window), "canvas-compile-error.png");

  /* Fixed, the badge goes, and so does its tooltip. */
  g_assert_true (pb_document_set_param (fixture->document, map, "expr", "x + 2", &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_sync (fixture->document, 10000));
  if (!wait_until (fixture, view_failed_is, fixed, 30000))
    g_error ("the map still fails: %s", pb_node_get_message (map));
  g_assert_cmpint (pb_node_get_state (map), !=, PB_PROCESS_FAILED);
  g_assert_false (gtk_widget_get_visible (badge));
  g_assert_null (gtk_widget_get_tooltip_text (badge));

  /* Undo brings the error back, redo clears it: each edit reaches the
   * runner. */
  activate (fixture, "win.undo");
  g_assert_cmpstr (pb_node_get_param (map, "expr"), ==, "x +* 2");
  g_assert_true (pb_document_sync (fixture->document, 10000));
  g_assert_true (wait_until (fixture, view_failed_is, failed, 30000));
  g_assert_true (gtk_widget_get_visible (badge));
  activate (fixture, "win.redo");
  g_assert_true (pb_document_sync (fixture->document, 10000));
  g_assert_true (wait_until (fixture, view_failed_is, fixed, 30000));
  g_assert_false (gtk_widget_get_visible (badge));
}

/* Live sinks */

/* @widget's pixels as they would be drawn now. */
static GBytes *
render_pixels (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gsize stride = (gsize) width * 4;
  guchar *data = g_malloc0 (stride * height);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_download (texture, data, stride);
  return g_bytes_new_take (data, stride * height);
}

/* Runs the main loop for @ms milliseconds: the document's snapshot
 * timer ticks meanwhile. */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  guint tick = g_timeout_add (20, wake_up, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static gboolean
chart_has_values (Fixture  *fixture,
                  gpointer  data)
{
  return pb_node_chart_get_n_values (data) > 10;
}

/* A scope plots its latest values while it runs: its chart fills, and
 * its pixels change from one moment to the next, with no relayout of its
 * node. */
static void
scope_draws_body (Fixture *fixture)
{
  PbNode *clock = gui_app_add_node (fixture, "clock", 40, 60);
  PbNode *wave = gui_app_add_node (fixture, "map", 300, 60);
  PbNode *scope = gui_app_add_node (fixture, "scope", 560, 60);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  GtkWidget *view;
  GtkWidget *chart;
  int height;

  g_assert_true (pb_document_set_param (fixture->document, clock, "rate", "200", &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_set_param (fixture->document, wave, "expr", "sin(x * 6.283)", &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_set_param (fixture->document, scope, "n", "100", &error));
  g_assert_no_error (error);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  view = pb_canvas_find_view (fixture->canvas, scope);
  chart = gui_test_find (view, PB_TYPE_NODE_CHART);
  g_assert_nonnull (chart);
  /* The chart has its room before anything runs through it. */
  g_assert_true (gtk_widget_get_visible (chart));
  height = gtk_widget_get_height (view);
  g_assert_cmpint (gtk_widget_get_height (chart), >=, 40);

  drag_wire (fixture, find_socket (fixture, clock, "out"), find_socket (fixture, wave, "in"));
  drag_wire (fixture, find_socket (fixture, wave, "out"), find_socket (fixture, scope, "in"));
  g_assert_true (pb_document_sync (fixture->document, 10000));
  if (!wait_until (fixture, chart_has_values, chart, 30000))
    g_error ("the scope plots nothing: %s", pb_node_get_message (scope));
  wait_for_frame (chart);
  before = render_pixels (chart);
  spin (400);
  wait_for_frame (chart);
  after = render_pixels (chart);
  g_assert_false (g_bytes_equal (before, after));
  g_assert_cmpint (gtk_widget_get_height (view), ==, height);
  gui_test_save_png (GTK_WIDGET (fixture->window), "canvas-scope.png");
}

static gboolean
stats_text_has (Fixture  *fixture,
                gpointer  data)
{
  const char *text = pb_node_stats_get_text (data);

  return text != NULL && strstr (text, "mean") != NULL;
}

/* A stats node shows its count, mean, min and max, and they change as
 * the run goes on. */
static void
stats_label_body (Fixture *fixture)
{
  PbNode *clock = gui_app_add_node (fixture, "clock", 40, 60);
  PbNode *stats = gui_app_add_node (fixture, "stats", 300, 60);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  const char *now;
  GtkWidget *label;

  g_assert_true (pb_document_set_param (fixture->document, clock, "rate", "500", &error));
  g_assert_no_error (error);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, clock, "out"), find_socket (fixture, stats, "in"));
  g_assert_true (pb_document_sync (fixture->document, 10000));
  label = gui_test_find (pb_canvas_find_view (fixture->canvas, stats), PB_TYPE_NODE_STATS);
  if (!wait_until (fixture, stats_text_has, label, 30000))
    g_error ("stats shows no figures: %s", pb_node_stats_get_text (PB_NODE_STATS (label)));
  first = g_strdup (pb_node_stats_get_text (PB_NODE_STATS (label)));
  g_test_message ("stats: %s", first);
  g_assert_nonnull (strstr (first, "min"));
  g_assert_nonnull (strstr (first, "max"));
  spin (400);
  now = pb_node_stats_get_text (PB_NODE_STATS (label));
  g_assert_cmpstr (now, !=, first);
}

static gboolean
focus_is_text (Fixture  *fixture,
               gpointer  data)
{
  return GTK_IS_TEXT_VIEW (gtk_root_get_focus (GTK_ROOT (fixture->window)));
}

static gboolean
selected_is (Fixture  *fixture,
             gpointer  data)
{
  return pb_canvas_get_selected_node (fixture->canvas) == data;
}

/* A `c` process whose code does not compile shows its badge; activating
 * the badge selects the node and puts the cursor on the failing line in
 * the inspector; fixed, the badge goes. */
static void
c_badge_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *c = gui_app_add_node (fixture, "c", 300, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 560, 60);
  g_autoptr(GError) error = NULL;
  gpointer failed[] = { c, GINT_TO_POINTER (TRUE) };
  gpointer fixed[] = { c, GINT_TO_POINTER (FALSE) };
  GtkWidget *badge;
  GtkWidget *focus;
  GtkTextBuffer *buffer;
  GtkTextIter cursor;

  g_assert_true (pb_document_set_param (fixture->document, seq, "to", "1000000000000", &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_set_param (fixture->document, c, "code", "int64_t y = x;\nemit (y +* 2);\n", &error));
  g_assert_no_error (error);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, c, "in"));
  drag_wire (fixture, find_socket (fixture, c, "out"), find_socket (fixture, sum, "in"));
  g_assert_true (pb_document_sync (fixture->document, 10000));
  if (!wait_until (fixture, view_failed_is, failed, 30000))
    g_error ("the c process did not fail: %s", pb_node_get_message (c));
  badge = find_badge (pb_canvas_find_view (fixture->canvas, c));
  g_assert_true (gtk_widget_get_visible (badge));
  g_test_message ("badge: %s", gtk_widget_get_tooltip_text (badge));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (badge), "code:2"));
  /* The strip itself says it briefly: the node names the process. */
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gui_test_find (badge, GTK_TYPE_LABEL))),
                   ==, "code, line 2: pointer expected");
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  gui_test_save_png (GTK_WIDGET (fixture->window), "canvas-c-badge.png");

  /* Activated, as a click or Return on it does. */
  pb_canvas_select_node (fixture->canvas, seq, FALSE);
  g_assert_true (gtk_widget_activate (badge));
  /* A button clicks a moment after it is activated, as it shows itself
   * pressed meanwhile. */
  if (!wait_until (fixture, selected_is, c, 30000))
    g_error ("activating the badge did not select its node");
  /* The inspector lays the node's fields out first, then focuses. */
  if (!wait_until (fixture, focus_is_text, NULL, 30000))
    g_error ("no code editor took the focus");
  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  g_assert_true (GTK_IS_TEXT_VIEW (focus));
  /* And it shows: the page scrolled to it. */
  {
    double x, y;

    wait_for_frame (GTK_WIDGET (fixture->window));
    g_assert_true (gtk_widget_translate_coordinates (focus, GTK_WIDGET (fixture->window), 0, 0, &x, &y));
    g_assert_cmpfloat (y, >=, 0);
    g_assert_cmpfloat (y, <, gtk_widget_get_height (GTK_WIDGET (fixture->window)) - 20);
  }
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (focus));
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  g_assert_cmpint (gtk_text_iter_get_line (&cursor), ==, 1);
  spin (400);
  gui_test_save_png (GTK_WIDGET (fixture->window), "canvas-c-badge-inspector.png");

  g_assert_true (pb_document_set_param (fixture->document, c, "code", "int64_t y = x;\nemit (y * 2);\n", &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_sync (fixture->document, 10000));
  if (!wait_until (fixture, view_failed_is, fixed, 30000))
    g_error ("the c process still fails: %s", pb_node_get_message (c));
  g_assert_false (gtk_widget_get_visible (badge));
}

static gboolean
message_has (Fixture  *fixture,
             gpointer  data)
{
  const char *message = pb_node_get_message (((gpointer *) data)[0]);

  return message != NULL && strstr (message, ((gpointer *) data)[1]) != NULL;
}

/* A c process that calls exit(), fork() or system() fails alone, with
 * a badge that names the call: the editor stays, and so do the other
 * chains. */
static void
c_refused_calls_body (Fixture *fixture)
{
  const char *calls[] = { "exit (0);", "if (fork () == 0) for (;;);", "system (0);" };
  const char *said[] = { "called exit(), which would end the whole application",
                         "called fork(), which would copy the whole application",
                         "called system(), which would run another program" };
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *c = gui_app_add_node (fixture, "c", 300, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 560, 60);
  PbNode *other = gui_app_add_node (fixture, "clock", 40, 300);
  PbNode *count = gui_app_add_node (fixture, "count", 300, 300);
  gpointer failed[] = { c, GINT_TO_POINTER (TRUE) };
  g_autoptr(GError) error = NULL;

  g_assert_true (pb_document_set_param (fixture->document, seq, "to", "1000000000000", &error));
  g_assert_no_error (error);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, c, "in"));
  drag_wire (fixture, find_socket (fixture, c, "out"), find_socket (fixture, sum, "in"));
  drag_wire (fixture, find_socket (fixture, other, "out"), find_socket (fixture, count, "in"));
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autofree char *code = g_strdup_printf ("if (x == 1000) { %s }\nemit (x);\n", calls[i]);
      GtkWidget *badge;
      gpointer says[] = { c, (gpointer) said[i] };

      g_assert_true (pb_document_set_param (fixture->document, c, "code", code, &error));
      g_assert_no_error (error);
      g_assert_true (pb_document_sync (fixture->document, 10000));
      if (!wait_until (fixture, message_has, says, 30000))
        g_error ("the c process did not fail with '%s': %s", said[i], pb_node_get_message (c));
      g_assert_true (view_failed_is (fixture, failed));
      badge = find_badge (pb_canvas_find_view (fixture->canvas, c));
      g_assert_true (gtk_widget_get_visible (badge));
      g_test_message ("badge: %s", gtk_widget_get_tooltip_text (badge));
      g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (badge), said[i]));
      /* The other chain runs on. */
      g_assert_cmpint (pb_node_get_state (count), ==, PB_PROCESS_READY);
    }
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  gui_test_save_png (GTK_WIDGET (fixture->window), "canvas-c-refused-call.png");
}

/* Probes */

static gboolean
probe_lists_values (Fixture  *fixture,
                    gpointer  data)
{
  g_autofree char *values = pb_probe_view_dup_values (PB_PROBE_VIEW (data));

  return values[0] != '\0';
}

static gboolean
probe_moved_on (Fixture  *fixture,
                gpointer  data)
{
  gpointer *args = data;
  g_autofree char *values = pb_probe_view_dup_values (PB_PROBE_VIEW (args[0]));

  return g_strcmp0 (values, args[1]) != 0;
}

static gboolean
unpinned (Fixture  *fixture,
          gpointer  data)
{
  return pb_canvas_get_probe (fixture->canvas, data) == NULL;
}

/* What a probe on seq ! map x*3 lists must be what crossed the wire: the
 * latest items, newest first, each 3 more than the one before it. */
static void
assert_crossed (const char *values)
{
  g_auto(GStrv) lines = g_strsplit (values, "\n", -1);
  guint n = g_strv_length (lines);

  g_test_message ("probe lists: %s", values);
  g_assert_cmpuint (n, >=, 2);
  for (guint i = 0; i < n; i++)
    {
      gint64 v = g_ascii_strtoll (lines[i], NULL, 10);

      g_assert_cmpint (v % 3, ==, 0);
      if (i > 0)
        g_assert_cmpint (g_ascii_strtoll (lines[i - 1], NULL, 10), ==, v + 3);
    }
}

static void
probe_body (Fixture *fixture)
{
  PbNode *seq = gui_app_add_node (fixture, "seq", 40, 60);
  PbNode *map = gui_app_add_node (fixture, "map", 400, 60);
  PbNode *sum = gui_app_add_node (fixture, "sum", 760, 60);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) doomed = g_ptr_array_new ();
  g_autofree char *first = NULL;
  GtkWidget *probe;
  PbLink *link;
  double wire_y, card_y;

  g_assert_true (pb_document_set_param (fixture->document, seq, "to", "1000000000000", &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_set_param (fixture->document, map, "expr", "x * 3", &error));
  g_assert_no_error (error);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  drag_wire (fixture, find_socket (fixture, seq, "out"), find_socket (fixture, map, "in"));
  drag_wire (fixture, find_socket (fixture, map, "out"), find_socket (fixture, sum, "in"));
  g_assert_true (pb_document_sync (fixture->document, 10000));
  link = pb_document_find_link (fixture->document,
                                pb_port_get_address (pb_socket_get_port (find_socket (fixture, map, "out"))));
  g_assert_nonnull (link);
  g_assert_false (pb_document_is_watched (fixture->document, link));

  /* Pinned from the wire's menu, as a person does. */
  {
    GtkEventController *click = gui_app_find_controller (GTK_WIDGET (fixture->canvas),
                                                 GTK_TYPE_GESTURE_CLICK, GDK_BUTTON_SECONDARY);
    GtkWidget *menu = gui_test_find (GTK_WIDGET (fixture->canvas), GTK_TYPE_POPOVER_MENU);
    double x, y;

    pb_socket_get_center (find_socket (fixture, map, "out"), GTK_WIDGET (fixture->canvas), &x, &y);
    g_signal_emit_by_name (click, "pressed", 1, x + 40, y);
    g_assert_true (gtk_widget_get_visible (menu));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->canvas), "canvas.toggle-probe", NULL));
    gtk_popover_popdown (GTK_POPOVER (menu));
  }
  probe = pb_canvas_get_probe (fixture->canvas, link);
  g_assert_nonnull (probe);
  g_assert_true (pb_canvas_pin_probe (fixture->canvas, link) == probe);
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  g_assert_true (gtk_widget_get_mapped (probe));
  g_assert_true (pb_document_is_watched (fixture->document, link));

  /* Under the wire, where a person looks for it, and under the nodes it
   * joins, whose figures it must not hide. */
  {
    graphene_rect_t card, ends[2];
    double x, wire_x1, y1;

    pb_socket_get_center (find_socket (fixture, map, "out"), GTK_WIDGET (fixture->canvas), &x, &wire_y);
    pb_socket_get_center (find_socket (fixture, sum, "in"), GTK_WIDGET (fixture->canvas), &wire_x1, &y1);
    g_assert_true (gtk_widget_compute_bounds (gtk_widget_get_parent (probe), GTK_WIDGET (fixture->canvas), &card));
    g_assert_true (gtk_widget_compute_bounds (pb_canvas_find_view (fixture->canvas, map),
                                              GTK_WIDGET (fixture->canvas), &ends[0]));
    g_assert_true (gtk_widget_compute_bounds (pb_canvas_find_view (fixture->canvas, sum),
                                              GTK_WIDGET (fixture->canvas), &ends[1]));
    card_y = card.origin.y;
    g_assert_cmpfloat (card_y, >, wire_y);
    for (guint i = 0; i < 2; i++)
      g_assert_false (graphene_rect_intersection (&card, &ends[i], NULL));
    g_assert_cmpfloat (card_y, <, ends[0].origin.y + ends[0].size.height + 40);
    /* Centred on the wire's middle. */
    g_assert_cmpfloat (fabs (card.origin.x + card.size.width / 2 - (x + wire_x1) / 2), <, 2);
  }

  if (!wait_until (fixture, probe_lists_values, probe, 30000))
    g_error ("the probe shows nothing: %s", pb_node_get_message (map));
  first = pb_probe_view_dup_values (PB_PROBE_VIEW (probe));
  assert_crossed (first);
  {
    gpointer args[] = { probe, first };
    g_autofree char *later = NULL;

    if (!wait_until (fixture, probe_moved_on, args, 30000))
      g_error ("the probe stands still");
    later = pb_probe_view_dup_values (PB_PROBE_VIEW (probe));
    assert_crossed (later);
    /* Newer items, not other ones. */
    g_assert_cmpint (g_ascii_strtoll (later, NULL, 10), >, g_ascii_strtoll (first, NULL, 10));
  }
  wait_for_frame (GTK_WIDGET (fixture->canvas));
  gui_test_save_png (GTK_WIDGET (fixture->window), "canvas-probe.png");

  /* Its close button unpins it, and no one watches any more. The button
   * clicks a moment after it is activated. */
  g_assert_true (gtk_widget_activate (gui_test_find (gtk_widget_get_parent (probe), GTK_TYPE_BUTTON)));
  if (!wait_until (fixture, unpinned, link, 30000))
    g_error ("the close button left the probe pinned");
  g_assert_false (pb_document_is_watched (fixture->document, link));

  /* A deleted wire takes its probe with it. */
  pb_canvas_pin_probe (fixture->canvas, link);
  g_assert_true (pb_document_is_watched (fixture->document, link));
  g_object_ref (link);
  g_ptr_array_add (doomed, link);
  g_assert_true (pb_document_delete (fixture->document, NULL, doomed, &error));
  g_assert_no_error (error);
  g_assert_null (pb_canvas_get_probe (fixture->canvas, link));
  g_assert_false (pb_document_is_watched (fixture->document, link));
  g_object_unref (link);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_isolate_data ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, body) GUI_APP_ADD ("/pushback/canvas/" path, body)

  ADD ("add", add_body);
  ADD ("connect", connect_body);
  ADD ("refusals", refusals_body);
  ADD ("highlight", highlight_body);
  ADD ("move", move_body);
  ADD ("select-delete", select_delete_body);
  ADD ("zoom", zoom_body);
  ADD ("keyboard", keyboard_body);
  ADD ("render", render_body);
  ADD ("scope-draws", scope_draws_body);
  ADD ("stats-label", stats_label_body);
  ADD ("c-badge", c_badge_body);
  ADD ("copy-paste", copy_paste_body);
  ADD ("cut-paste", cut_paste_body);
  ADD ("duplicate", duplicate_body);
  ADD ("paste-foreign", paste_foreign_body);
  ADD ("compile-error", compile_error_body);
  ADD ("probe", probe_body);
  ADD ("c-refused-calls", c_refused_calls_body);

#undef ADD

  return g_test_run ();
}
