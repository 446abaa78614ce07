/* pb-canvas-tools.c — quick-add, insert on a wire, delete with reconnect
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The power tools ask the document for one step each (pb-document-tools.c)
 * and show what it answers. Quick-add is a popover with a search entry over
 * the kinds that the runtime says could join the socket a wire came from;
 * choosing one adds the process there, already joined.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <pushback/kinds.h>

#include "pb-canvas-private.h"

/* How far from the socket a node added there goes (Shift+A), clear of
 * the node the socket is on, so that the new wire shows. */
#define NEW_NODE_GAP 60.0

static gboolean
row_matches (GtkListBoxRow *row,
             gpointer       user_data)
{
  PbCanvas *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->quick_add_entry));
  const pb_kind *kind = pb_kind_find (g_object_get_data (G_OBJECT (row), "kind"));
  g_autofree char *needle = NULL;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;

  if (text == NULL || text[0] == '\0' || kind == NULL)
    return TRUE;
  needle = g_utf8_casefold (text, -1);
  name = g_utf8_casefold (pb_kind_name (kind), -1);
  description = g_utf8_casefold (pb_kind_description (kind), -1);
  return strstr (name, needle) != NULL || strstr (description, needle) != NULL;
}

/* How well @row's kind answers the search: its name starting with the
 * text, then holding it, then its description holding it. */
static int
rank (PbCanvas      *self,
      GtkListBoxRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->quick_add_entry));
  g_autofree char *needle = g_utf8_casefold (text, -1);
  g_autofree char *name = g_utf8_casefold (g_object_get_data (G_OBJECT (row), "kind"), -1);

  if (g_str_has_prefix (name, needle))
    return 0;
  if (strstr (name, needle) != NULL)
    return 1;
  return 2;
}

/* Rows keep the catalogue's order within one rank. */
static int
compare_rows (GtkListBoxRow *a,
              GtkListBoxRow *b,
              gpointer       user_data)
{
  PbCanvas *self = user_data;
  int ra = rank (self, a), rb = rank (self, b);

  if (ra != rb)
    return ra - rb;
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (a), "order"))
         - GPOINTER_TO_INT (g_object_get_data (G_OBJECT (b), "order"));
}

/* The visible row nearest after the row at @from, going by @step, in
 * the list's sorted order. */
static GtkListBoxRow *
visible_row (PbCanvas *self,
             int       from,
             int       step)
{
  GtkListBoxRow *row;

  for (int i = from; i >= 0 && (row = gtk_list_box_get_row_at_index (self->quick_add_list, i)) != NULL; i += step)
    if (gtk_widget_get_child_visible (GTK_WIDGET (row)))
      return row;
  return NULL;
}

static GtkListBoxRow *
first_visible_row (PbCanvas *self)
{
  return visible_row (self, 0, 1);
}

static void
on_search_changed (PbCanvas *self)
{
  gtk_list_box_invalidate_filter (self->quick_add_list);
  gtk_list_box_invalidate_sort (self->quick_add_list);
  gtk_list_box_select_row (self->quick_add_list, first_visible_row (self));
}

static void
add_kind (PbCanvas   *self,
          const char *kind_name)
{
  g_autoptr(GError) error = NULL;
  pb_addr from = self->quick_add_from;
  PbNode *node;

  /* Closing forgets the socket: it is read first. */
  gtk_popover_popdown (GTK_POPOVER (self->quick_add));
  node = pb_document_quick_add (self->document, from, kind_name,
                                self->quick_add_x, self->quick_add_y, &error);
  if (node == NULL)
    {
      _pb_canvas_report_error (self, error);
      return;
    }
  pb_canvas_select_node (self, node, FALSE);
}

static void
on_row_activated (GtkListBox    *list,
                  GtkListBoxRow *row,
                  PbCanvas      *self)
{
  add_kind (self, g_object_get_data (G_OBJECT (row), "kind"));
}

static void
on_search_activate (PbCanvas *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->quick_add_list);

  if (row == NULL || !gtk_widget_get_child_visible (GTK_WIDGET (row)))
    row = first_visible_row (self);
  if (row != NULL)
    on_row_activated (self->quick_add_list, row, self);
}

/* Up and Down in the entry move through the list, as in a completion. */
static gboolean
on_entry_key (GtkEventControllerKey *controller,
              guint                  keyval,
              guint                  keycode,
              GdkModifierType        state,
              PbCanvas              *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->quick_add_list);
  GtkListBoxRow *next;
  int step = keyval == GDK_KEY_Down ? 1 : -1;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_Up)
    return FALSE;
  if (row == NULL)
    next = first_visible_row (self);
  else
    next = visible_row (self, gtk_list_box_row_get_index (row) + step, step);
  if (next != NULL)
    gtk_list_box_select_row (self->quick_add_list, next);
  return TRUE;
}

static void
on_quick_add_closed (PbCanvas *self)
{
  self->quick_add_from = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
close_quick_add (PbCanvas *self)
{
  gtk_popover_popdown (GTK_POPOVER (self->quick_add));
}

static void
ensure_quick_add (PbCanvas *self)
{
  GtkWidget *box, *scrolled;
  GtkEventController *keys;

  if (self->quick_add != NULL)
    return;

  self->quick_add_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->quick_add_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search kinds"),
                                  -1);
  g_object_set (self->quick_add_entry, "placeholder-text", _("Add a process…"), NULL);
  /* At once, not after the entry's pause for typing: Enter right after
   * the last key must take what that key chose. */
  g_signal_connect_swapped (self->quick_add_entry, "changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect_swapped (self->quick_add_entry, "activate", G_CALLBACK (on_search_activate), self);
  /* The entry takes Escape for itself (stop-search): it closes the list,
   * as Escape closes any popover. */
  g_signal_connect_swapped (self->quick_add_entry, "stop-search", G_CALLBACK (close_quick_add), self);
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_entry_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self->quick_add_entry), keys);

  self->quick_add_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->quick_add_list, GTK_SELECTION_BROWSE);
  gtk_list_box_set_filter_func (self->quick_add_list, row_matches, self, NULL);
  gtk_list_box_set_sort_func (self->quick_add_list, compare_rows, self, NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->quick_add_list), "navigation-sidebar");
  g_signal_connect (self->quick_add_list, "row-activated", G_CALLBACK (on_row_activated), self);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->quick_add_list));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_size_request (box, 280, -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->quick_add_entry));
  gtk_box_append (GTK_BOX (box), scrolled);

  self->quick_add = gtk_popover_new ();
  gtk_widget_add_css_class (self->quick_add, "quick-add");
  gtk_popover_set_child (GTK_POPOVER (self->quick_add), box);
  gtk_popover_set_position (GTK_POPOVER (self->quick_add), GTK_POS_BOTTOM);
  gtk_popover_set_default_widget (GTK_POPOVER (self->quick_add), NULL);
  g_signal_connect_swapped (self->quick_add, "closed", G_CALLBACK (on_quick_add_closed), self);
  gtk_widget_set_parent (self->quick_add, GTK_WIDGET (self));
}

static GtkWidget *
kind_row (const pb_kind *kind,
          guint          order)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (pb_kind_name (kind));
  GtkWidget *description = gtk_label_new (pb_kind_description (kind));

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_ellipsize (GTK_LABEL (description), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (description), 36);
  gtk_widget_add_css_class (description, "dim-label");
  gtk_widget_add_css_class (description, "caption");
  gtk_widget_set_tooltip_text (row, pb_kind_description (kind));
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), description);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "kind", g_strdup (pb_kind_name (kind)), g_free);
  g_object_set_data (G_OBJECT (row), "order", GUINT_TO_POINTER (order));
  return row;
}

/**
 * _pb_canvas_quick_add:
 * @from: a port to join the new process to (or, in use, to put it into
 *   its link), or 0 for any kind
 * @x: where to point, in the canvas widget's coordinates
 * @y: the same, vertically
 *
 * Offers the kinds that fit @from in a searchable popover at (@x, @y);
 * choosing one adds a process there, joined to @from, as one step.
 */
void
_pb_canvas_quick_add (PbCanvas *self,
                      pb_addr   from,
                      double    x,
                      double    y)
{
  g_auto(GStrv) kinds = NULL;
  GtkWidget *child;
  double cx, cy;

  if (self->document == NULL)
    return;
  ensure_quick_add (self);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->quick_add_list))) != NULL)
    gtk_list_box_remove (self->quick_add_list, child);

  if (from != 0)
    {
      kinds = pb_document_dup_joinable_kinds (self->document, from);
      if (kinds[0] == NULL)
        {
          _pb_canvas_show_refusal (self, _("No kind of process fits this socket"), x, y);
          return;
        }
      for (guint i = 0; kinds[i] != NULL; i++)
        gtk_list_box_append (self->quick_add_list, kind_row (pb_kind_find (kinds[i]), i));
    }
  else
    for (size_t i = 0; i < pb_kind_count (); i++)
      gtk_list_box_append (self->quick_add_list, kind_row (pb_kind_at (i), i));

  pb_canvas_to_canvas (self, x, y, &cx, &cy);
  self->quick_add_from = from;
  self->quick_add_wx = x;
  self->quick_add_wy = y;
  {
    PbNode *node = from != 0 ? pb_document_find_node (self->document, from) : NULL;
    const pb_port_spec *spec = node != NULL ? pb_kind_port_lookup (pb_node_get_kind (node), pb_addr_port (from), NULL) : NULL;

    gboolean feeds = spec != NULL && spec->dir == PB_PORT_IN;

    /* A node fed from the socket's left goes left of the point, a gap
     * away, or to the free place nearest there; the list opens on that
     * side too, away from the wire. */
    double mx = feeds ? cx - NEW_NODE_GAP - PB_DOCUMENT_NODE_WIDTH / 2
                      : cx + NEW_NODE_GAP + PB_DOCUMENT_NODE_WIDTH / 2;
    double my = cy - 20 + PB_DOCUMENT_NODE_HEIGHT / 2;

    pb_document_find_free_place (self->document, PB_DOCUMENT_NODE_WIDTH, PB_DOCUMENT_NODE_HEIGHT,
                                 &mx, &my);
    self->quick_add_x = mx - PB_DOCUMENT_NODE_WIDTH / 2;
    self->quick_add_y = my - PB_DOCUMENT_NODE_HEIGHT / 2;
    gtk_popover_set_position (GTK_POPOVER (self->quick_add),
                              from == 0 ? GTK_POS_BOTTOM : feeds ? GTK_POS_LEFT : GTK_POS_RIGHT);
  }

  gtk_editable_set_text (GTK_EDITABLE (self->quick_add_entry), "");
  gtk_list_box_invalidate_filter (self->quick_add_list);
  gtk_list_box_invalidate_sort (self->quick_add_list);
  gtk_list_box_select_row (self->quick_add_list, first_visible_row (self));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->quick_add),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->quick_add));
  gtk_widget_grab_focus (GTK_WIDGET (self->quick_add_entry));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A lone node with no links, or NULL. */
static PbNode *
insertable (PbCanvas *self)
{
  PbNode *node;
  GListModel *ports;

  if (self->moving->len != 1)
    return NULL;
  node = g_ptr_array_index (self->moving, 0);
  ports = pb_node_get_ports (node);
  for (guint i = 0; i < g_list_model_get_n_items (ports); i++)
    {
      g_autoptr(PbPort) port = g_list_model_get_item (ports, i);

      if (pb_port_get_peer (port) != 0)
        return NULL;
    }
  return node;
}

/**
 * _pb_canvas_track_insert:
 *
 * While a lone node is dragged, marks the wire under the pointer that it
 * would go into if let go there, so that the drop holds no surprise.
 */
void
_pb_canvas_track_insert (PbCanvas *self)
{
  PbLink *target = NULL;

  if (self->mode == DRAG_MOVE && insertable (self) != NULL)
    target = _pb_canvas_link_at (self, self->pointer_x, self->pointer_y);
  if (target == self->insert_target)
    return;
  g_set_object (&self->insert_target, target);
  _pb_canvas_redraw_wires (self);

  /* The node hides most of the wire beneath it: it shows the promise
   * itself, with an outline. */
  for (guint i = 0; i < self->views->len; i++)
    gtk_widget_remove_css_class (g_ptr_array_index (self->views, i), "inserting");
  if (target != NULL)
    gtk_widget_add_css_class (pb_canvas_find_view (self, g_ptr_array_index (self->moving, 0)), "inserting");
}

/**
 * _pb_canvas_drop_on_link:
 * @node: a node a drag just moved, alone
 * @old_x: where it was before the drag
 * @old_y: the same, vertically
 *
 * When the pointer let @node go over a wire and @node has no links, puts
 * it into that wire's link, the move included, as one step.
 *
 * Returns: whether @node went into a link; if not, the move is the
 *   caller's to record
 */
gboolean
_pb_canvas_drop_on_link (PbCanvas *self,
                         PbNode   *node,
                         double    old_x,
                         double    old_y)
{
  g_autoptr(GError) error = NULL;
  PbLink *link;

  if (insertable (self) != node)
    return FALSE;
  link = _pb_canvas_link_at (self, self->pointer_x, self->pointer_y);
  if (link == NULL)
    return FALSE;
  if (pb_document_insert_on_link (self->document, node, link, old_x, old_y, &error))
    return TRUE;
  _pb_canvas_show_refusal (self, error->message, self->pointer_x, self->pointer_y);
  return FALSE;
}

/**
 * pb_canvas_reveal_node:
 *
 * Selects @node alone and centres the view on it: where a list of
 * found things (find, problems) takes a person.
 */
void
pb_canvas_reveal_node (PbCanvas *self,
                       PbNode   *node)
{
  GtkWidget *view;
  double w = 0, h = 0;

  g_return_if_fail (PB_IS_CANVAS (self));
  g_return_if_fail (PB_IS_NODE (node));

  pb_canvas_select_node (self, node, FALSE);
  view = pb_canvas_find_view (self, node);
  if (view != NULL)
    {
      w = gtk_widget_get_width (view);
      h = gtk_widget_get_height (view);
    }
  pb_canvas_scroll_to (self,
                       pb_node_get_x (node) + w / 2 - gtk_widget_get_width (GTK_WIDGET (self)) / 2.0 / self->zoom,
                       pb_node_get_y (node) + h / 2 - gtk_widget_get_height (GTK_WIDGET (self)) / 2.0 / self->zoom);
}

/* Actions */

/* Shift+A: the kinds that fit the socket under the pointer, or else the
 * focused one, where it is; on a socket in use, the kinds that can go
 * into its link, which is how a node goes into a link from the
 * keyboard. With no socket, every kind, at the pointer or in the middle
 * of the view. */
static void
quick_add_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  PbSocket *socket = _pb_canvas_socket_at (self, self->pointer_x, self->pointer_y);
  double x = self->pointer_x, y = self->pointer_y;

  if (socket == NULL && PB_IS_SOCKET (focus))
    {
      socket = PB_SOCKET (focus);
      pb_socket_get_center (socket, widget, &x, &y);
    }
  if (x <= 0 || y <= 0 || x >= gtk_widget_get_width (widget) || y >= gtk_widget_get_height (widget))
    pb_canvas_get_center (self, &x, &y);
  _pb_canvas_quick_add (self, socket != NULL ? pb_port_get_address (pb_socket_get_port (socket)) : 0,
                        x, y);
}

static void
delete_reconnect_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(GError) error = NULL;
  PbNode *node = pb_canvas_get_selected_node (self);

  if (self->document == NULL || node == NULL)
    return;
  if (!pb_document_delete_reconnect (self->document, node, &error))
    _pb_canvas_report_error (self, error);
}

void
_pb_canvas_tools_dispose (PbCanvas *self)
{
  g_clear_pointer (&self->quick_add, gtk_widget_unparent);
  g_clear_object (&self->relinking);
  g_clear_object (&self->insert_target);
}

void
_pb_canvas_class_add_tools (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "canvas.quick-add", NULL, quick_add_action);
  gtk_widget_class_install_action (widget_class, "canvas.delete-reconnect", NULL, delete_reconnect_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_A, GDK_SHIFT_MASK, "canvas.quick-add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK, "canvas.delete-reconnect", NULL);
}
