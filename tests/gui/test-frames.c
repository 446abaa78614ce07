/* test-frames.c — frames through the canvas: made, named, dragged,
 * collapsed, saved and reopened
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each step as a person takes it, with the keyboard and with the
 * pointer, checked in the document and in what the canvas shows, and
 * undone as one step.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "gui-test-app.h"
#include "gui-test-utils.h"
#include "pb-find-bar.h"
#include "pb-frame-editor.h"
#include "pb-frame-view.h"
#include "pb-node-view.h"
#include "pb-socket.h"

static pb_addr
port_of (PbNode     *node,
         const char *role)
{
  GListModel *ports = pb_node_get_ports (node);

  for (guint i = 0; i < g_list_model_get_n_items (ports); i++)
    {
      g_autoptr(PbPort) port = g_list_model_get_item (ports, i);

      if (g_str_equal (pb_port_get_role (port), role))
        return pb_port_get_address (port);
    }
  g_error ("%s has no port %s", pb_node_get_name (node), role);
  return 0;
}

static void
connect (GuiApp *fixture,
         PbNode *a,
         PbNode *b)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pb_document_connect (fixture->document, port_of (a, "out"), port_of (b, "in"),
                                      &error));
  g_assert_no_error (error);
}

static void
select_none (GuiApp *fixture)
{
  GListModel *nodes = pb_document_get_nodes (fixture->document);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

      pb_node_set_selected (node, FALSE);
    }
}

static PbFrame *
only_frame (GuiApp *fixture)
{
  GListModel *frames = pb_document_get_frames (fixture->document);
  g_autoptr(PbFrame) frame = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (frames), ==, 1);
  frame = g_list_model_get_item (frames, 0);
  return frame;
}

static PbFrameView *
frame_view (GuiApp *fixture)
{
  PbFrameView *view = PB_FRAME_VIEW (gui_test_find (GTK_WIDGET (fixture->canvas),
                                                    PB_TYPE_FRAME_VIEW));

  g_assert_nonnull (view);
  return view;
}

static graphene_rect_t
bounds_of (GuiApp    *fixture,
           GtkWidget *widget)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (fixture->canvas), &bounds));
  return bounds;
}

static PbFrameEditor *
editor (GuiApp *fixture)
{
  return PB_FRAME_EDITOR (gui_test_find (GTK_WIDGET (fixture->canvas), PB_TYPE_FRAME_EDITOR));
}

static const char *
undo_label (GuiApp *fixture)
{
  PbCommand *top = pb_undo_stack_next_undo (pb_document_get_undo_stack (fixture->document));

  return top != NULL ? pb_command_get_label (top) : NULL;
}

static void
undo (GuiApp *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pb_document_undo (fixture->document, &error));
  g_assert_no_error (error);
}

/* seq → map → sum, with seq and map in a frame made by Ctrl+G and named
 * in its editor, as a person does it from the keyboard. */
static PbFrame *
make_frame (GuiApp  *fixture,
            PbNode **nodes)
{
  GtkEditable *title;
  PbFrame *frame;

  nodes[0] = gui_app_add_node (fixture, "seq", 80, 140);
  nodes[1] = gui_app_add_node (fixture, "map", 340, 160);
  nodes[2] = gui_app_add_node (fixture, "sum", 640, 150);
  connect (fixture, nodes[0], nodes[1]);
  connect (fixture, nodes[1], nodes[2]);
  gui_test_wait_for_draw (GTK_WIDGET (fixture->canvas));

  pb_canvas_select_node (fixture->canvas, nodes[0], FALSE);
  pb_canvas_select_node (fixture->canvas, nodes[1], TRUE);
  gui_app_assert_key (GTK_WIDGET (fixture->canvas), "<Control>g", "canvas.frame-selection");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->canvas),
                                             "canvas.frame-selection", NULL));
  frame = only_frame (fixture);
  g_assert_cmpstr (undo_label (fixture), ==, "Add Frame");
  g_assert_true (pb_frame_has_member (frame, pb_node_get_address (nodes[0])));
  g_assert_true (pb_frame_has_member (frame, pb_node_get_address (nodes[1])));
  g_assert_false (pb_frame_has_member (frame, pb_node_get_address (nodes[2])));
  g_assert_cmpstr (pb_frame_get_title (frame), ==, "Frame");

  /* Its editor opens on it, the title ready to be typed over. */
  g_assert_nonnull (editor (fixture));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor (fixture))));
  g_assert_true (pb_frame_editor_get_frame (editor (fixture)) == frame);
  title = GTK_EDITABLE (gui_test_find (GTK_WIDGET (editor (fixture)), GTK_TYPE_ENTRY));
  g_assert_cmpstr (gtk_editable_get_text (title), ==, "Frame");
  gtk_editable_set_text (title, "  Input  ");
  g_signal_emit_by_name (title, "activate");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (editor (fixture))));
  g_assert_cmpstr (pb_frame_get_title (frame), ==, "Input");
  g_assert_cmpstr (undo_label (fixture), ==, "Rename Frame");
  gui_test_wait_for_draw (GTK_WIDGET (fixture->canvas));
  return frame;
}

/* Made around its nodes, drawn around them with its header above, named,
 * coloured and annotated in its editor, each change one step. */
static void
make_body (GuiApp *fixture)
{
  PbNode *nodes[3];
  PbFrame *frame = make_frame (fixture, nodes);
  PbFrameView *view = frame_view (fixture);
  graphene_rect_t outer = bounds_of (fixture, GTK_WIDGET (view));
  graphene_rect_t header = bounds_of (fixture, pb_frame_view_get_anchor (view));
  GPtrArray *swatches;
  GtkTextBuffer *note;

  for (guint i = 0; i < 2; i++)
    {
      graphene_rect_t node = bounds_of (fixture, pb_canvas_find_view (fixture->canvas, nodes[i]));

      g_assert_true (graphene_rect_contains_rect (&outer, &node));
      g_assert_false (graphene_rect_intersection (&header, &node, NULL));
    }
  {
    graphene_rect_t outside = bounds_of (fixture, pb_canvas_find_view (fixture->canvas, nodes[2]));

    g_assert_false (graphene_rect_intersection (&outer, &outside, NULL));
  }
  /* Both nodes are selected, so the frame shows as selected. */
  g_assert_true (gtk_widget_get_state_flags (GTK_WIDGET (view)) & GTK_STATE_FLAG_SELECTED);

  /* F2 opens the editor again: a colour is a step of its own, and the
   * note is one step when the editor closes. */
  gui_app_assert_key (GTK_WIDGET (fixture->canvas), "F2", "canvas.edit-frame");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->canvas), "canvas.edit-frame", NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor (fixture))));
  swatches = gui_test_find_all (GTK_WIDGET (editor (fixture)), GTK_TYPE_TOGGLE_BUTTON);
  g_assert_cmpuint (swatches->len, ==, 9);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (view), "blue"));
  gtk_toggle_button_set_active (g_ptr_array_index (swatches, 4), TRUE);
  g_assert_cmpstr (pb_frame_get_color (frame), ==, "orange");
  g_assert_cmpstr (undo_label (fixture), ==, "Change Frame Colour");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (view), "orange"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (view), "blue"));
  note = gtk_text_view_get_buffer (GTK_TEXT_VIEW (gui_test_find (GTK_WIDGET (editor (fixture)),
                                                                 GTK_TYPE_TEXT_VIEW)));
  gtk_text_buffer_set_text (note, "Numbers in.\nDoubled.", -1);
  gtk_popover_popdown (GTK_POPOVER (editor (fixture)));
  g_assert_cmpstr (pb_frame_get_note (frame), ==, "Numbers in.\nDoubled.");
  g_assert_cmpstr (undo_label (fixture), ==, "Edit Frame Note");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (pb_frame_view_get_anchor (view)), ==,
                   "Numbers in.\nDoubled.");
  g_ptr_array_unref (swatches);
  gui_test_wait_for_draw (GTK_WIDGET (fixture->canvas));
  gui_test_save_png (GTK_WIDGET (fixture->window), "frames-open.png");

  /* A title that is not one line is refused, with the reason. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->canvas), "canvas.edit-frame", NULL));
  gtk_editable_set_text (GTK_EDITABLE (gui_test_find (GTK_WIDGET (editor (fixture)), GTK_TYPE_ENTRY)),
                         "   ");
  gtk_popover_popdown (GTK_POPOVER (editor (fixture)));
  g_assert_cmpstr (pb_frame_get_title (frame), ==, "Input");
  g_assert_cmpstr (undo_label (fixture), ==, "Edit Frame Note");

  undo (fixture);
  undo (fixture);
  g_assert_cmpstr (pb_frame_get_color (frame), ==, "blue");
  g_assert_cmpstr (pb_frame_get_note (frame), ==, "");
  undo (fixture);
  undo (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_frames (fixture->document)), ==, 0);
  g_assert_null (gui_test_find (GTK_WIDGET (fixture->canvas), PB_TYPE_FRAME_VIEW));
}

/* Dragged by its header, a frame takes its nodes along, as one step;
 * the canvas under the rest of it stays the canvas's. */
static void
drag_body (GuiApp *fixture)
{
  PbNode *nodes[3];
  PbFrame *frame = make_frame (fixture, nodes);
  graphene_rect_t header = bounds_of (fixture, pb_frame_view_get_anchor (frame_view (fixture)));
  graphene_rect_t outer = bounds_of (fixture, GTK_WIDGET (frame_view (fixture)));
  double zoom = pb_canvas_get_zoom (fixture->canvas);
  double x = header.origin.x + header.size.width / 2, y = header.origin.y + header.size.height / 2;
  double x0 = pb_node_get_x (nodes[0]), y0 = pb_node_get_y (nodes[0]);
  double x2 = pb_node_get_x (nodes[2]);

  (void) frame;
  select_none (fixture);
  gui_app_drag (fixture, x, y, x + 120, y + 48);
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (nodes[0]), x0 + 120 / zoom, 1e-6);
  g_assert_cmpfloat_with_epsilon (pb_node_get_y (nodes[0]), y0 + 48 / zoom, 1e-6);
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (nodes[1]), 340 + 120 / zoom, 1e-6);
  g_assert_cmpfloat (pb_node_get_x (nodes[2]), ==, x2);
  g_assert_true (pb_node_get_selected (nodes[0]) && pb_node_get_selected (nodes[1]));
  g_assert_false (pb_node_get_selected (nodes[2]));
  gui_test_wait_for_draw (GTK_WIDGET (fixture->canvas));
  {
    graphene_rect_t moved = bounds_of (fixture, GTK_WIDGET (frame_view (fixture)));

    g_assert_cmpfloat_with_epsilon (moved.origin.x, outer.origin.x + 120, 1);
    g_assert_cmpfloat_with_epsilon (moved.origin.y, outer.origin.y + 48, 1);
  }
  undo (fixture);
  g_assert_cmpfloat (pb_node_get_x (nodes[0]), ==, x0);
  g_assert_cmpfloat (pb_node_get_y (nodes[0]), ==, y0);

  /* Inside the frame, below its header, a drag selects by band. */
  gui_test_wait_for_draw (GTK_WIDGET (fixture->canvas));
  outer = bounds_of (fixture, GTK_WIDGET (frame_view (fixture)));
  header = bounds_of (fixture, pb_frame_view_get_anchor (frame_view (fixture)));
  select_none (fixture);
  gui_app_drag (fixture, outer.origin.x + 4, outer.origin.y + outer.size.height - 4,
                outer.origin.x + outer.size.width - 4, header.origin.y + header.size.height + 20);
  g_assert_cmpfloat (pb_node_get_x (nodes[0]), ==, x0);
  g_assert_true (pb_node_get_selected (nodes[0]) && pb_node_get_selected (nodes[1]));
}

/* Collapsed, by its header's button and by Ctrl+H, a frame is one box in
 * place of its nodes, with a socket for the port linked outside it, to
 * which the wire goes; the box moves its nodes; expanding shows them. */
static void
collapse_body (GuiApp *fixture)
{
  PbNode *nodes[3];
  PbFrame *frame = make_frame (fixture, nodes);
  PbFrameView *view = frame_view (fixture);
  GtkWidget *seq_view = pb_canvas_find_view (fixture->canvas, nodes[0]);
  g_autoptr(GPtrArray) buttons = gui_test_find_all (GTK_WIDGET (view), GTK_TYPE_BUTTON);
  g_autoptr(GPtrArray) sockets = NULL;
  GtkWidget *collapse = g_ptr_array_index (buttons, 0);
  PbSocket *socket;
  graphene_rect_t box;
  double x0 = pb_node_get_x (nodes[0]);

  g_assert_cmpstr (gtk_widget_get_tooltip_text (collapse), ==, "Collapse Frame");
  g_signal_emit_by_name (collapse, "clicked");
  g_assert_true (pb_frame_get_collapsed (frame));
  g_assert_cmpstr (undo_label (fixture), ==, "Collapse Frame");
  gui_test_wait_for_draw (GTK_WIDGET (fixture->canvas));
  g_assert_false (gtk_widget_get_child_visible (seq_view));
  g_assert_false (gtk_widget_get_mapped (seq_view));
  g_assert_true (gtk_widget_get_child_visible (pb_canvas_find_view (fixture->canvas, nodes[2])));

  /* One socket: map's out, linked to sum outside; seq's out links inside. */
  sockets = gui_test_find_all (GTK_WIDGET (view), PB_TYPE_SOCKET);
  g_assert_cmpuint (sockets->len, ==, 1);
  socket = g_ptr_array_index (sockets, 0);
  g_assert_cmpuint (pb_port_get_address (pb_socket_get_port (socket)), ==,
                    port_of (nodes[1], "out"));
  gui_test_save_png (GTK_WIDGET (fixture->window), "frames-collapsed.png");

  /* Ctrl+F finds a node hidden in the frame: the frame's box is marked. */
  {
    PbFindBar *bar = PB_FIND_BAR (gui_test_find (GTK_WIDGET (fixture->window), PB_TYPE_FIND_BAR));

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.find", NULL));
    pb_find_bar_set_text (bar, "seq0");
    g_assert_cmpuint (pb_find_bar_get_n_matches (bar), ==, 1);
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (view), "find-match"));
    pb_find_bar_set_text (bar, "sum0");
    g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (view), "find-match"));
    pb_find_bar_set_text (bar, "");
  }

  /* Its box takes the pointer anywhere off its buttons and sockets, and
   * moves the hidden nodes. */
  box = bounds_of (fixture, GTK_WIDGET (view));
  {
    graphene_rect_t header = bounds_of (fixture, pb_frame_view_get_anchor (view));
    double x = box.origin.x + box.size.width / 2, y = header.origin.y + header.size.height + 4;

    select_none (fixture);
    gui_app_drag (fixture, x, y, x + 60, y + 30);
  }
  g_assert_cmpfloat_with_epsilon (pb_node_get_x (nodes[0]), x0 + 60 / pb_canvas_get_zoom (fixture->canvas), 1e-6);
  g_assert_cmpstr (undo_label (fixture), !=, "Collapse Frame");
  undo (fixture);

  /* A band over the box selects what it holds. */
  gui_test_wait_for_draw (GTK_WIDGET (fixture->canvas));
  box = bounds_of (fixture, GTK_WIDGET (view));
  select_none (fixture);
  gui_app_drag (fixture, box.origin.x - 10, box.origin.y + box.size.height + 10,
                box.origin.x + 10, box.origin.y + box.size.height - 10);
  g_assert_true (pb_node_get_selected (nodes[0]) && pb_node_get_selected (nodes[1]));
  g_assert_false (pb_node_get_selected (nodes[2]));

  /* Ctrl+H, on the selection's frame, expands it. */
  gui_app_assert_key (GTK_WIDGET (fixture->canvas), "<Control>h", "canvas.toggle-frame");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->canvas), "canvas.toggle-frame", NULL));
  g_assert_false (pb_frame_get_collapsed (frame));
  g_assert_cmpstr (undo_label (fixture), ==, "Expand Frame");
  gui_test_wait_for_draw (GTK_WIDGET (fixture->canvas));
  g_assert_true (gtk_widget_get_child_visible (seq_view));
  g_assert_true (gtk_widget_get_mapped (seq_view));
  g_assert_null (gui_test_find (GTK_WIDGET (view), PB_TYPE_SOCKET));
}

/* The header's menu and the node menu offer the frame's actions; Ctrl+
 * Shift+G removes the frame and leaves the nodes; deleting the nodes
 * takes the frame along, and undoing brings both back. */
static void
menu_body (GuiApp *fixture)
{
  PbNode *nodes[3];
  PbFrame *frame = make_frame (fixture, nodes);
  graphene_rect_t header = bounds_of (fixture, pb_frame_view_get_anchor (frame_view (fixture)));
  g_autoptr(GPtrArray) on_header = NULL;
  g_autoptr(GPtrArray) on_sum = NULL;
  g_autoptr(GPtrArray) nodes_array = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  graphene_rect_t sum;

  (void) frame;
  select_none (fixture);
  on_header = gui_app_menu_at (fixture, header.origin.x + 60, header.origin.y + header.size.height / 2);
  g_assert_true (pb_node_get_selected (nodes[0]) && pb_node_get_selected (nodes[1]));
  g_assert_true (gui_app_offers (on_header, "canvas.edit-frame"));
  g_assert_true (gui_app_offers (on_header, "canvas.toggle-frame"));
  g_assert_true (gui_app_offers (on_header, "canvas.remove-frame"));
  /* Its nodes are the frame already. */
  g_assert_false (gui_app_offers (on_header, "canvas.frame-selection"));

  sum = bounds_of (fixture, pb_canvas_find_view (fixture->canvas, nodes[2]));
  on_sum = gui_app_menu_at (fixture, sum.origin.x + sum.size.width / 2, sum.origin.y + 10);
  g_assert_true (gui_app_offers (on_sum, "canvas.frame-selection"));
  g_assert_false (gui_app_offers (on_sum, "canvas.edit-frame"));

  pb_canvas_select_node (fixture->canvas, nodes[0], FALSE);
  gui_app_assert_key (GTK_WIDGET (fixture->canvas), "<Control><Shift>g", "canvas.remove-frame");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->canvas), "canvas.remove-frame", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_frames (fixture->document)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_nodes (fixture->document)), ==, 3);
  undo (fixture);
  frame = only_frame (fixture);

  g_ptr_array_add (nodes_array, nodes[0]);
  g_ptr_array_add (nodes_array, nodes[1]);
  g_assert_true (pb_document_delete (fixture->document, nodes_array, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_frames (fixture->document)), ==, 0);
  undo (fixture);
  frame = only_frame (fixture);
  g_assert_cmpstr (pb_frame_get_title (frame), ==, "Input");
  g_assert_nonnull (pb_document_find_node (fixture->document, pb_frame_get_members (frame, &(gsize) { 0 })[0]));

  /* With nothing selected, Ctrl+G says what it needs. */
  select_none (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->canvas), "canvas.frame-selection", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_frames (fixture->document)), ==, 1);
}

/* A collapsed, named, coloured frame with a note is saved with the
 * document and comes back as it was. */
static void
save_body (GuiApp *fixture)
{
  PbNode *nodes[3];
  PbFrame *frame = make_frame (fixture, nodes);
  g_autofree char *dir = g_dir_make_tmp ("pb-frames-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "framed.pushback", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PbDocument) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PbFrame) again = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (pb_document_edit_frame (fixture->document, frame, NULL, "purple",
                                         "A note\nof two lines", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_save (fixture->document, file, &error));
  g_assert_no_error (error);
  reopened = pb_document_load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_frames (reopened)), ==, 1);
  again = g_list_model_get_item (pb_document_get_frames (reopened), 0);
  g_assert_cmpstr (pb_frame_get_title (again), ==, "Input");
  g_assert_cmpstr (pb_frame_get_color (again), ==, "purple");
  g_assert_cmpstr (pb_frame_get_note (again), ==, "A note\nof two lines");
  g_assert_true (pb_frame_get_collapsed (again));
  before = pb_document_dup_graph_text (fixture->document);
  after = pb_document_dup_graph_text (reopened);
  g_assert_cmpstr (after, ==, before);
  g_assert_nonnull (strstr (after, "frame ('Input', 'purple'"));

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_isolate_data ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  GUI_APP_ADD ("/pushback/frames/make", make_body);
  GUI_APP_ADD ("/pushback/frames/drag", drag_body);
  GUI_APP_ADD ("/pushback/frames/collapse", collapse_body);
  GUI_APP_ADD ("/pushback/frames/menu", menu_body);
  GUI_APP_ADD ("/pushback/frames/save", save_body);

  return g_test_run ();
}
