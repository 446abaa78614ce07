/* pb-canvas-frames.c — frames on the canvas: drawn, moved, collapsed, edited
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each frame of the document has a PbFrameView, a child of the canvas
 * beneath every node, sized at each allocation around its members: a
 * frame has no place of its own, so it follows its nodes wherever they
 * move. Taking a frame by its header selects its members and drags them.
 * A collapsed frame hides its members' views and stands in their place
 * as one box, whose sockets are where the wires to its members end.
 *
 * The keys act on the frame of the selection, the frame every selected
 * node lies in: Ctrl+G frames the selection, F2 edits the frame, Ctrl+H
 * collapses or expands it, Ctrl+Shift+G removes it. The buttons on a
 * frame's header act on that frame.
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "pb-canvas-private.h"
#include "pb-frame-editor.h"

/* Around the members of an open frame, in canvas units. */
#define FRAME_PADDING 16.0
#define FRAME_HEADER_GAP 6.0

static PbFrameView *
view_of_frame (PbCanvas *self,
               PbFrame  *frame)
{
  return frame != NULL ? g_hash_table_lookup (self->frame_view_of, frame) : NULL;
}

static gboolean
node_hidden (PbCanvas *self,
             PbNode   *node)
{
  PbFrame *frame = pb_document_get_frame_of (self->document, pb_node_get_address (node));

  return frame != NULL && pb_frame_get_collapsed (frame);
}

/**
 * pb_canvas_find_frame_view:
 * @frame: a frame of the canvas's document
 *
 * Returns: (transfer none) (nullable): the view of @frame
 */
GtkWidget *
pb_canvas_find_frame_view (PbCanvas *self,
                           PbFrame  *frame)
{
  g_return_val_if_fail (PB_IS_CANVAS (self), NULL);
  return GTK_WIDGET (view_of_frame (self, frame));
}

/**
 * _pb_canvas_frames_update_members:
 *
 * Hides the nodes of collapsed frames and shows the others.
 */
void
_pb_canvas_frames_update_members (PbCanvas *self)
{
  for (guint i = 0; i < self->views->len; i++)
    {
      GtkWidget *view = g_ptr_array_index (self->views, i);

      gtk_widget_set_child_visible (view, !node_hidden (self, pb_node_view_get_node (PB_NODE_VIEW (view))));
    }
}

static gboolean
update_selection (gpointer user_data)
{
  PbCanvas *self = user_data;

  self->frame_selection_source = 0;
  for (guint i = 0; i < self->frame_views->len; i++)
    {
      PbFrameView *view = g_ptr_array_index (self->frame_views, i);
      gsize n;
      const pb_addr *members = pb_frame_get_members (pb_frame_view_get_frame (view), &n);
      gboolean all = n > 0;

      for (gsize k = 0; k < n && all; k++)
        {
          PbNode *node = pb_document_find_node (self->document, members[k]);

          all = node != NULL && pb_node_get_selected (node);
        }
      pb_frame_view_set_selected (view, all);
    }
  return G_SOURCE_REMOVE;
}

/**
 * _pb_canvas_frames_update_selection:
 *
 * Marks the frames whose members are all selected, once the selection
 * has settled: selecting all of many nodes notifies once per node.
 */
void
_pb_canvas_frames_update_selection (PbCanvas *self)
{
  if (self->frame_selection_source == 0 && self->frame_views->len > 0)
    self->frame_selection_source = g_idle_add (update_selection, self);
}

static void
on_frame_changed (PbCanvas *self)
{
  _pb_canvas_frames_update_members (self);
  _pb_canvas_frames_update_selection (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
on_frames_changed (GListModel *frames,
                   guint       position,
                   guint       removed,
                   guint       added,
                   PbCanvas   *self)
{
  for (guint i = 0; i < removed; i++)
    {
      PbFrameView *view = g_ptr_array_index (self->frame_views, position + i);

      g_hash_table_remove (self->frame_view_of, pb_frame_view_get_frame (view));
      gtk_widget_unparent (GTK_WIDGET (view));
    }
  g_ptr_array_remove_range (self->frame_views, position, removed);

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(PbFrame) frame = g_list_model_get_item (frames, position + i);
      GtkWidget *view = pb_frame_view_new (frame, self->document);
      GtkWidget *before = position + i > 0 ? g_ptr_array_index (self->frame_views, position + i - 1)
                                           : NULL;

      /* Beneath every node, and above the frames made before it. */
      gtk_widget_insert_after (view, GTK_WIDGET (self), before);
      g_ptr_array_insert (self->frame_views, position + i, view);
      g_hash_table_insert (self->frame_view_of, frame, view);
      g_signal_connect_object (frame, "changed", G_CALLBACK (on_frame_changed), self,
                               G_CONNECT_SWAPPED);
    }
  on_frame_changed (self);
  _pb_canvas_redraw_wires (self);
}

/* Links came or went: a collapsed frame's sockets are those linked out. */
static void
on_links_changed (PbCanvas *self)
{
  for (guint i = 0; i < self->frame_views->len; i++)
    {
      PbFrameView *view = g_ptr_array_index (self->frame_views, i);

      if (pb_frame_get_collapsed (pb_frame_view_get_frame (view)))
        pb_frame_view_update_sockets (view);
    }
}

/**
 * _pb_canvas_frames_attach:
 *
 * Shows the frames of the canvas's new document, and follows them.
 */
void
_pb_canvas_frames_attach (PbCanvas *self)
{
  GListModel *frames = pb_document_get_frames (self->document);

  g_signal_connect (frames, "items-changed", G_CALLBACK (on_frames_changed), self);
  g_signal_connect_swapped (pb_document_get_links (self->document), "items-changed",
                            G_CALLBACK (on_links_changed), self);
  on_frames_changed (frames, 0, 0, g_list_model_get_n_items (frames), self);
}

/**
 * _pb_canvas_frames_detach:
 *
 * Lets go of the frames of the document the canvas is leaving.
 */
void
_pb_canvas_frames_detach (PbCanvas *self)
{
  GListModel *frames = pb_document_get_frames (self->document);

  g_signal_handlers_disconnect_by_data (frames, self);
  on_frames_changed (frames, 0, self->frame_views->len, 0, self);
  if (self->frame_editor != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->frame_editor));
}

/* Each frame's members' bounds in the allocation, as a union, in one
 * pass over the nodes: an array parallel to the frame views, with an
 * empty rectangle for a frame none of whose nodes is allocated. */
static GArray *
members_bounds (PbCanvas *self)
{
  GArray *unions = g_array_new (FALSE, TRUE, sizeof (graphene_rect_t));
  g_autoptr(GHashTable) index_of = g_hash_table_new (NULL, NULL);

  g_array_set_size (unions, self->frame_views->len);
  for (guint i = 0; i < self->frame_views->len; i++)
    g_hash_table_insert (index_of,
                         pb_frame_view_get_frame (g_ptr_array_index (self->frame_views, i)),
                         GUINT_TO_POINTER (i + 1));
  for (guint i = 0; i < self->views->len && i < self->bounds->len; i++)
    {
      PbNode *node = pb_node_view_get_node (g_ptr_array_index (self->views, i));
      PbFrame *frame = pb_document_get_frame_of (self->document, pb_node_get_address (node));
      guint at = GPOINTER_TO_UINT (g_hash_table_lookup (index_of, frame));
      const graphene_rect_t *b = &g_array_index (self->bounds, graphene_rect_t, i);
      graphene_rect_t *u;

      if (frame == NULL || at == 0)
        continue;
      u = &g_array_index (unions, graphene_rect_t, at - 1);
      if (u->size.width > 0 || u->size.height > 0)
        graphene_rect_union (u, b, u);
      else
        *u = *b;
    }
  return unions;
}

/**
 * _pb_canvas_frames_inflate:
 * @rect: (inout): where @node is, in canvas units
 *
 * Grows @rect by the frame around @node, if it has one: its padding, and
 * its header above.
 */
void
_pb_canvas_frames_inflate (PbCanvas        *self,
                           PbNode          *node,
                           graphene_rect_t *rect)
{
  PbFrame *frame = pb_document_get_frame_of (self->document, pb_node_get_address (node));
  PbFrameView *view = view_of_frame (self, frame);
  double header;

  if (view == NULL || pb_frame_get_collapsed (frame))
    return;
  header = pb_frame_view_get_header_height (view) + FRAME_HEADER_GAP;
  graphene_rect_inset (rect, -FRAME_PADDING, 0);
  rect->origin.y -= header;
  rect->size.height += header + FRAME_PADDING;
}

/**
 * _pb_canvas_allocate_frames:
 *
 * Places every frame after the nodes: open, around its members with room
 * for its header above them; collapsed, as a box at its members' top
 * left corner.
 */
void
_pb_canvas_allocate_frames (PbCanvas *self)
{
  double zoom = self->zoom;
  g_autoptr(GArray) unions = members_bounds (self);

  g_array_set_size (self->frame_bounds, self->frame_views->len);
  for (guint i = 0; i < self->frame_views->len; i++)
    {
      GtkWidget *view = g_ptr_array_index (self->frame_views, i);
      PbFrame *frame = pb_frame_view_get_frame (PB_FRAME_VIEW (view));
      graphene_rect_t members = g_array_index (unions, graphene_rect_t, i);
      graphene_rect_t *bounds = &g_array_index (self->frame_bounds, graphene_rect_t, i);
      GskTransform *transform;
      int min_w, w, h;

      if (members.size.width <= 0 && members.size.height <= 0)
        {
          gtk_widget_set_child_visible (view, FALSE);
          *bounds = GRAPHENE_RECT_INIT (0, 0, 0, 0);
          continue;
        }
      gtk_widget_set_child_visible (view, TRUE);
      gtk_widget_measure (view, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &w, NULL, NULL);
      if (pb_frame_get_collapsed (frame))
        {
          gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
          *bounds = GRAPHENE_RECT_INIT (members.origin.x, members.origin.y, w * zoom, h * zoom);
        }
      else
        {
          double header = pb_frame_view_get_header_height (PB_FRAME_VIEW (view)) + FRAME_HEADER_GAP;

          w = MAX (min_w, (int) ceil (members.size.width / zoom + 2 * FRAME_PADDING));
          h = (int) ceil (members.size.height / zoom + header + FRAME_PADDING);
          *bounds = GRAPHENE_RECT_INIT (members.origin.x - FRAME_PADDING * zoom,
                                        members.origin.y - header * zoom, w * zoom, h * zoom);
        }
      transform = gsk_transform_translate (NULL, &bounds->origin);
      transform = gsk_transform_scale (transform, zoom, zoom);
      gtk_widget_allocate (view, w, h, -1, transform);
    }
}

/**
 * _pb_canvas_snapshot_frames:
 * @view: the visible area, in the coordinates of the allocation
 *
 * Draws the frames that show in @view, beneath the wires and nodes.
 */
void
_pb_canvas_snapshot_frames (PbCanvas              *self,
                            GtkSnapshot           *snapshot,
                            const graphene_rect_t *view)
{
  for (guint i = 0; i < self->frame_views->len && i < self->frame_bounds->len; i++)
    if (graphene_rect_intersection (&g_array_index (self->frame_bounds, graphene_rect_t, i),
                                    view, NULL))
      gtk_widget_snapshot_child (GTK_WIDGET (self), g_ptr_array_index (self->frame_views, i),
                                 snapshot);
}

/**
 * _pb_canvas_frame_socket:
 * @port: a port of a process in a collapsed frame
 * @hidden: (out): whether the process is hidden in a collapsed frame
 *
 * Returns: (nullable): the socket that stands for @port on the collapsed
 *   frame, or %NULL when @port is not hidden or links inside the frame
 */
PbSocket *
_pb_canvas_frame_socket (PbCanvas *self,
                         pb_addr   port,
                         gboolean *hidden)
{
  PbFrame *frame = pb_document_get_frame_of (self->document, port);

  *hidden = frame != NULL && pb_frame_get_collapsed (frame);
  if (!*hidden)
    return NULL;
  return pb_frame_view_find_socket (view_of_frame (self, frame), port);
}

/**
 * _pb_canvas_frame_bounds:
 * @node: a node hidden in a collapsed frame
 * @bounds: (out): where that frame's box is, in the widget's coordinates
 *
 * Returns: whether @node is hidden in a frame drawn on the canvas
 */
gboolean
_pb_canvas_frame_bounds (PbCanvas        *self,
                         PbNode          *node,
                         graphene_rect_t *bounds)
{
  PbFrame *frame = pb_document_get_frame_of (self->document, pb_node_get_address (node));
  PbFrameView *view = view_of_frame (self, frame);

  return view != NULL && pb_frame_get_collapsed (frame)
         && gtk_widget_compute_bounds (GTK_WIDGET (view), GTK_WIDGET (self), bounds);
}

/**
 * _pb_canvas_frame_at:
 *
 * Returns: (nullable): the frame whose header, or collapsed box, is
 *   under (@x, @y), but not under one of its buttons, which take their own
 *   clicks
 */
PbFrameView *
_pb_canvas_frame_at (PbCanvas *self,
                     double    x,
                     double    y)
{
  GtkWidget *w;

  _pb_canvas_to_allocated (self, x, y, &x, &y);
  for (w = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);
       w != NULL && w != GTK_WIDGET (self);
       w = gtk_widget_get_parent (w))
    {
      if (GTK_IS_BUTTON (w) || PB_IS_SOCKET (w))
        return NULL;
      if (PB_IS_FRAME_VIEW (w))
        return PB_FRAME_VIEW (w);
    }
  return NULL;
}

/**
 * _pb_canvas_select_frame:
 * @extend: add the members to the selection rather than replace it
 *
 * Selects the nodes of @frame.
 */
void
_pb_canvas_select_frame (PbCanvas *self,
                         PbFrame  *frame,
                         gboolean  extend)
{
  gsize n;
  const pb_addr *members = pb_frame_get_members (frame, &n);

  if (!extend)
    _pb_canvas_select_none (self);
  for (gsize i = 0; i < n; i++)
    {
      PbNode *node = pb_document_find_node (self->document, members[i]);

      if (node != NULL)
        pb_node_set_selected (node, TRUE);
    }
}

/* The frame every selected node lies in, if there is one. */
static PbFrame *
selection_frame (PbCanvas *self)
{
  g_autoptr(GPtrArray) selected = pb_canvas_get_selected_nodes (self);
  PbFrame *frame = NULL;

  for (guint i = 0; i < selected->len; i++)
    {
      PbFrame *f = pb_document_get_frame_of (self->document,
                                             pb_node_get_address (g_ptr_array_index (selected, i)));

      if (f == NULL || (frame != NULL && f != frame))
        return NULL;
      frame = f;
    }
  return frame;
}

/* Where a message about @frame points: the top of its header, near its
 * title, else the pointer. */
static void
frame_point (PbCanvas *self,
             PbFrame  *frame,
             double   *x,
             double   *y)
{
  PbFrameView *view = view_of_frame (self, frame);
  graphene_rect_t bounds;

  *x = self->pointer_x;
  *y = self->pointer_y;
  if (view != NULL
      && gtk_widget_compute_bounds (pb_frame_view_get_anchor (view), GTK_WIDGET (self), &bounds))
    {
      *x = bounds.origin.x + MIN (bounds.size.width / 2, 120 * self->zoom);
      *y = bounds.origin.y;
    }
}

static void
on_editor_edit (PbFrameEditor *editor,
                PbFrame       *frame,
                const char    *title,
                const char    *color,
                const char    *note,
                PbCanvas      *self)
{
  g_autoptr(GError) error = NULL;

  if (self->document != NULL
      && !pb_document_edit_frame (self->document, frame, title, color, note, -1, &error))
    {
      double x, y;

      frame_point (self, frame, &x, &y);
      _pb_canvas_show_refusal (self, error->message, x, y);
    }
}

/**
 * pb_canvas_edit_frame:
 * @frame: a frame of the canvas's document
 *
 * Opens the popover that names, colours and annotates @frame, under its
 * header, its title ready to be typed over.
 */
void
pb_canvas_edit_frame (PbCanvas *self,
                      PbFrame  *frame)
{
  double x, y;

  g_return_if_fail (PB_IS_CANVAS (self));
  g_return_if_fail (PB_IS_FRAME (frame));

  if (self->frame_editor == NULL)
    {
      self->frame_editor = pb_frame_editor_new ();
      gtk_widget_set_parent (self->frame_editor, GTK_WIDGET (self));
      g_signal_connect (self->frame_editor, "edit", G_CALLBACK (on_editor_edit), self);
    }
  /* A new frame is placed at the next allocation, which points the
   * editor at it again (_pb_canvas_frames_present()). */
  frame_point (self, frame, &x, &y);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->frame_editor),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  pb_frame_editor_set_frame (PB_FRAME_EDITOR (self->frame_editor), frame);
  gtk_popover_popup (GTK_POPOVER (self->frame_editor));
}

/**
 * _pb_canvas_frames_present:
 *
 * Keeps the frame editor beside the canvas as it is allocated.
 */
void
_pb_canvas_frames_present (PbCanvas *self)
{
  PbFrame *frame;
  double x, y;

  if (self->frame_editor == NULL)
    return;
  /* It points at its frame, which moves with its nodes, and is placed
   * only now when it is new. */
  frame = pb_frame_editor_get_frame (PB_FRAME_EDITOR (self->frame_editor));
  if (frame != NULL)
    {
      frame_point (self, frame, &x, &y);
      gtk_popover_set_pointing_to (GTK_POPOVER (self->frame_editor),
                                   &(GdkRectangle) { (int) x, (int) y, 1, 1 });
    }
  gtk_popover_present (GTK_POPOVER (self->frame_editor));
}

/**
 * _pb_canvas_frames_dispose:
 */
void
_pb_canvas_frames_dispose (PbCanvas *self)
{
  g_clear_handle_id (&self->frame_selection_source, g_source_remove);
  g_clear_pointer (&self->frame_editor, gtk_widget_unparent);
}

static void
toggle_collapsed (PbCanvas *self,
                  PbFrame  *frame)
{
  g_autoptr(GError) error = NULL;

  if (!pb_document_edit_frame (self->document, frame, NULL, NULL, NULL,
                               !pb_frame_get_collapsed (frame), &error))
    _pb_canvas_report_error (self, error);
}

/**
 * _pb_canvas_append_frame_menu:
 * @n_selected: how many nodes are selected
 *
 * Adds a section of what can be done with frames to a context menu.
 */
void
_pb_canvas_append_frame_menu (PbCanvas *self,
                              GMenu    *menu,
                              guint     n_selected)
{
  g_autoptr(GMenu) section = g_menu_new ();
  PbFrame *frame = self->document != NULL ? selection_frame (self) : NULL;
  gsize n_members = 0;

  if (frame != NULL)
    {
      g_menu_append (section, _("_Edit Frame…"), "canvas.edit-frame");
      g_menu_append (section, pb_frame_get_collapsed (frame) ? _("E_xpand Frame")
                                                             : _("C_ollapse Frame"),
                     "canvas.toggle-frame");
      g_menu_append (section, _("_Remove Frame"), "canvas.remove-frame");
    }
  if (frame != NULL)
    pb_frame_get_members (frame, &n_members);
  /* A frame around what is a frame already would be the same frame. */
  if (n_selected > 0 && n_selected != n_members)
    g_menu_append (section, _("_Frame Selection"), "canvas.frame-selection");
  if (g_menu_model_get_n_items (G_MENU_MODEL (section)) > 0)
    g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
}

/* canvas.frame-selection: a frame around the selected nodes, named at
 * once. */
static void
frame_selection (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GError) error = NULL;
  PbFrame *frame;

  if (self->document == NULL)
    return;
  nodes = pb_canvas_get_selected_nodes (self);
  if (nodes->len == 0)
    {
      _pb_canvas_show_refusal (self, _("Select the nodes to frame first"),
                               self->pointer_x, self->pointer_y);
      return;
    }
  frame = pb_document_add_frame (self->document, nodes, NULL, &error);
  if (frame == NULL)
    {
      _pb_canvas_report_error (self, error);
      return;
    }
  pb_canvas_edit_frame (self, frame);
}

/* The frame actions that act on the frame of the selection. */
static void
selection_frame_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(GError) error = NULL;
  PbFrame *frame;

  if (self->document == NULL)
    return;
  frame = selection_frame (self);
  if (frame == NULL)
    {
      _pb_canvas_show_refusal (self, _("Select nodes in a frame first"),
                               self->pointer_x, self->pointer_y);
      return;
    }
  if (g_str_equal (action_name, "canvas.edit-frame"))
    pb_canvas_edit_frame (self, frame);
  else if (g_str_equal (action_name, "canvas.toggle-frame"))
    toggle_collapsed (self, frame);
  else if (!pb_document_remove_frame (self->document, frame, &error))
    _pb_canvas_report_error (self, error);
}

/* canvas.frame-activate (frame id, what): a button on a frame's header:
 * "toggle" collapses or expands it, "menu" selects its nodes and offers
 * what can be done with it. */
static void
frame_activate (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  GListModel *frames;
  const char *what;
  guint id;

  if (self->document == NULL)
    return;
  g_variant_get (parameter, "(u&s)", &id, &what);
  frames = pb_document_get_frames (self->document);
  for (guint i = 0; i < g_list_model_get_n_items (frames); i++)
    {
      g_autoptr(PbFrame) frame = g_list_model_get_item (frames, i);
      PbFrameView *view;
      graphene_rect_t bounds;

      if (pb_frame_get_id (frame) != id)
        continue;
      if (g_str_equal (what, "toggle"))
        {
          toggle_collapsed (self, frame);
          return;
        }
      _pb_canvas_select_frame (self, frame, FALSE);
      view = view_of_frame (self, frame);
      if (view == NULL
          || !gtk_widget_compute_bounds (pb_frame_view_get_anchor (view), GTK_WIDGET (self), &bounds))
        return;
      _pb_canvas_popup_menu (self, bounds.origin.x + bounds.size.width - 16,
                             bounds.origin.y + bounds.size.height, TRUE);
      return;
    }
}

/**
 * _pb_canvas_class_add_frames:
 *
 * Installs the frame actions and their keys.
 */
void
_pb_canvas_class_add_frames (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "canvas.frame-selection", NULL, frame_selection);
  gtk_widget_class_install_action (widget_class, "canvas.edit-frame", NULL, selection_frame_action);
  gtk_widget_class_install_action (widget_class, "canvas.toggle-frame", NULL, selection_frame_action);
  gtk_widget_class_install_action (widget_class, "canvas.remove-frame", NULL, selection_frame_action);
  gtk_widget_class_install_action (widget_class, "canvas.frame-activate", "(us)", frame_activate);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK,
                                       "canvas.frame-selection", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "canvas.edit-frame", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK,
                                       "canvas.toggle-frame", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "canvas.remove-frame", NULL);
}
