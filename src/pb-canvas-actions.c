/* pb-canvas-actions.c — the canvas's actions: delete, copy, paste, zoom...
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Actions are installed on the class as canvas.NAME, with their keys, so
 * that menus, shortcuts and tests name them alike.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-canvas-private.h"
#include "pb-clipboard.h"

static void
toggle_inlining (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(GError) error = NULL;

  if (self->menu_link == NULL)
    return;
  if (!pb_document_set_link_flags (self->document, self->menu_link,
                                   pb_link_get_flags (self->menu_link) ^ PB_LINK_BREAK_INLINING,
                                   &error))
    _pb_canvas_report_error (self, error);
  g_clear_object (&self->menu_link);
}

static void
delete_link (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  if (self->menu_link == NULL)
    return;
  g_ptr_array_add (links, g_steal_pointer (&self->menu_link));
  if (!pb_document_delete (self->document, NULL, links, &error))
    _pb_canvas_report_error (self, error);
}

/* Actions */

/* canvas.toggle-bypass: bypasses the selected nodes, or, when all of them
 * are bypassed already, runs them again; one step either way. */
static void
toggle_bypass (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean all = TRUE;

  if (self->document == NULL)
    return;
  nodes = pb_canvas_get_selected_nodes (self);
  if (nodes->len == 0)
    return;
  for (guint i = 0; i < nodes->len; i++)
    all &= pb_node_get_bypassed (g_ptr_array_index (nodes, i));
  if (!pb_document_set_bypass (self->document, nodes, !all, &error))
    _pb_canvas_report_error (self, error);
}

void
_pb_canvas_delete_selection (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GError) error = NULL;

  if (self->document == NULL)
    return;
  nodes = pb_canvas_get_selected_nodes (self);
  links = pb_canvas_get_selected_links (self);
  if (nodes->len + links->len == 0)
    return;
  if (!pb_document_delete (self->document, nodes, links, &error))
    _pb_canvas_report_error (self, error);
}

/* Copy and paste */

static void
select_nodes_of (PbCanvas  *self,
                 PbCommand *command)
{
  _pb_canvas_select_none (self);
  for (guint i = 0; i < pb_command_get_n_ops (command); i++)
    {
      PbOp *op = pb_command_get_op (command, i);
      PbNode *node = op->type == PB_OP_ADD ? pb_document_find_node (self->document, op->a) : NULL;

      if (node != NULL)
        pb_node_set_selected (node, TRUE);
    }
}

static void
paste_bytes (PbCanvas *self,
             GBytes   *bytes,
             double    x,
             double    y)
{
  g_autoptr(PbCommand) command = NULL;
  g_autoptr(GError) error = NULL;

  command = pb_clipboard_decode (self->document, bytes, x, y, &error);
  if (command == NULL || !pb_document_execute (self->document, command, &error))
    {
      _pb_canvas_report_error (self, error);
      return;
    }
  select_nodes_of (self, command);
}

static gboolean
copy_selection (PbCanvas *self)
{
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkContentProvider) provider = NULL;

  if (self->document == NULL)
    return FALSE;
  nodes = pb_canvas_get_selected_nodes (self);
  if (nodes->len == 0)
    return FALSE;

  bytes = pb_clipboard_encode (self->document, nodes);
  provider = gdk_content_provider_new_for_bytes (PB_CLIPBOARD_MIME_TYPE, bytes);
  gdk_clipboard_set_content (gtk_widget_get_clipboard (GTK_WIDGET (self)), provider);
  return TRUE;
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);

  if (copy_selection (self) && g_str_equal (action_name, "canvas.cut"))
    _pb_canvas_delete_selection (widget, action_name, parameter);
}

typedef struct
{
  PbCanvas *canvas;
  double    x;
  double    y;
} Paste;

static void
paste_free (Paste *paste)
{
  g_object_unref (paste->canvas);
  g_free (paste);
}

static void
on_clipboard_spliced (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Paste *paste = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error) >= 0)
    bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (source));

  if (bytes != NULL && paste->canvas->document != NULL)
    paste_bytes (paste->canvas, bytes, paste->x, paste->y);

  paste_free (paste);
}

/* The contents arrive through a stream that the main loop feeds: from
 * another program's selection, or, copied in this process, from the
 * content provider writing into a pipe. Reading it synchronously here
 * would wait for that writer forever; it is read asynchronously. */
static void
on_clipboard_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Paste *paste = user_data;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) sink = NULL;
  g_autoptr(GError) error = NULL;

  stream = gdk_clipboard_read_finish (GDK_CLIPBOARD (source), result, NULL, &error);
  if (stream == NULL)
    {
      paste_free (paste);
      return;
    }

  sink = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (sink, stream,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, NULL, on_clipboard_spliced, paste);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  static const char *mime_types[] = { PB_CLIPBOARD_MIME_TYPE, NULL };
  GdkContentFormats *formats;
  Paste *paste;

  if (self->document == NULL)
    return;

  /* Text, such as a pipeline copied from a terminal, is read as pipeline
   * text; processes copied in an editor are pasted as they were. */
  formats = gdk_clipboard_get_formats (gtk_widget_get_clipboard (widget));
  if (!gdk_content_formats_contain_mime_type (formats, PB_CLIPBOARD_MIME_TYPE)
      && gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    {
      _pb_canvas_paste_text (self);
      return;
    }

  paste = g_new0 (Paste, 1);
  paste->canvas = g_object_ref (self);
  pb_canvas_to_canvas (self, self->pointer_x, self->pointer_y, &paste->x, &paste->y);
  gdk_clipboard_read_async (gtk_widget_get_clipboard (widget), mime_types,
                            G_PRIORITY_DEFAULT, NULL, on_clipboard_read, paste);
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GBytes) bytes = NULL;
  double x = G_MAXDOUBLE, y = G_MAXDOUBLE;

  if (self->document == NULL)
    return;
  nodes = pb_canvas_get_selected_nodes (self);
  if (nodes->len == 0)
    return;

  for (guint i = 0; i < nodes->len; i++)
    {
      x = MIN (x, pb_node_get_x (g_ptr_array_index (nodes, i)));
      y = MIN (y, pb_node_get_y (g_ptr_array_index (nodes, i)));
    }
  bytes = pb_clipboard_encode (self->document, nodes);
  paste_bytes (self, bytes, x + GRID, y + GRID);
}

static void
select_all (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  GListModel *nodes;

  if (self->document == NULL)
    return;
  nodes = pb_document_get_nodes (self->document);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

      pb_node_set_selected (node, TRUE);
    }
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  double x = gtk_widget_get_width (widget) / 2.0;
  double y = gtk_widget_get_height (widget) / 2.0;

  if (g_str_equal (action_name, "canvas.zoom-in"))
    pb_canvas_set_zoom (self, self->zoom * ZOOM_STEP, x, y);
  else if (g_str_equal (action_name, "canvas.zoom-out"))
    pb_canvas_set_zoom (self, self->zoom / ZOOM_STEP, x, y);
  else if (g_str_equal (action_name, "canvas.zoom-reset"))
    pb_canvas_set_zoom (self, 1.0, x, y);
  else
    pb_canvas_zoom_to_fit (self);
  _pb_canvas_person_moved (self);
}

/* A failed node's badge: the node's address is the parameter. */
static void
show_failure (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  PbNode *node;

  if (self->document == NULL)
    return;
  node = pb_document_find_node (self->document, (pb_addr) g_variant_get_uint64 (parameter));
  if (node != NULL)
    _pb_canvas_activate_failure (self, node);
}

/* Keys that move: an arrow pans the view by a few grid steps, as a
 * scroll would; Shift and an arrow moves the selected nodes by one grid
 * step, one undo step per press. */
#define PAN_STEP (2 * GRID)

static void
pan_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  int dx, dy;

  g_variant_get (parameter, "(ii)", &dx, &dy);
  _pb_canvas_scroll_by (self, dx * PAN_STEP, dy * PAN_STEP);
  _pb_canvas_person_moved (self);
}

static void
nudge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(GPtrArray) nodes = NULL;
  int dx, dy;

  if (self->document == NULL)
    return;
  nodes = pb_canvas_get_selected_nodes (self);
  if (nodes->len == 0)
    return;
  g_variant_get (parameter, "(ii)", &dx, &dy);
  for (guint i = 0; i < nodes->len; i++)
    {
      PbNode *node = g_ptr_array_index (nodes, i);

      pb_node_set_position (node, pb_node_get_x (node) + dx * GRID, pb_node_get_y (node) + dy * GRID);
    }
  pb_document_moved (self->document, nodes, dx * GRID, dy * GRID);
}

/* canvas.context-menu (Shift+F10, Menu): from the keyboard, the menu of
 * the link at the focused socket, which is how a wire is reached without
 * a pointer; else the selection's, at the focused node or else the first
 * selected one. */
static void
context_menu (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  g_autoptr(GPtrArray) selected = NULL;
  GtkWidget *at = NULL;
  graphene_rect_t bounds;

  if (self->document == NULL)
    return;
  if (PB_IS_SOCKET (focus))
    {
      PbLink *link = pb_document_find_link (self->document,
                                            pb_port_get_address (pb_socket_get_port (PB_SOCKET (focus))));
      double x, y;

      if (link != NULL)
        {
          pb_socket_get_center (PB_SOCKET (focus), widget, &x, &y);
          _pb_canvas_popup_link_menu (self, link, x, y);
          return;
        }
    }
  for (; focus != NULL && focus != widget; focus = gtk_widget_get_parent (focus))
    if (PB_IS_NODE_VIEW (focus))
      {
        PbNode *node = pb_node_view_get_node (PB_NODE_VIEW (focus));

        if (!pb_node_get_selected (node))
          pb_canvas_select_node (self, node, FALSE);
        at = focus;
        break;
      }
  selected = pb_canvas_get_selected_nodes (self);
  if (at == NULL && selected->len > 0)
    at = pb_canvas_find_view (self, g_ptr_array_index (selected, 0));
  if (at == NULL || !gtk_widget_compute_bounds (at, widget, &bounds))
    {
      /* Nothing selected: the bare canvas's menu, in the middle. */
      _pb_canvas_popup_bare_menu (self, gtk_widget_get_width (widget) / 2.0,
                                  gtk_widget_get_height (widget) / 2.0);
      return;
    }
  _pb_canvas_popup_menu (self, bounds.origin.x + bounds.size.width / 2,
                         bounds.origin.y + bounds.size.height / 2, FALSE);
}

/**
 * _pb_canvas_class_add_actions:
 *
 * Installs the canvas.* actions and their keys.
 */
void
_pb_canvas_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "canvas.delete", NULL, _pb_canvas_delete_selection);
  gtk_widget_class_install_action (widget_class, "canvas.select-all", NULL, select_all);
  gtk_widget_class_install_action (widget_class, "canvas.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "canvas.cut", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "canvas.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "canvas.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "canvas.toggle-inlining", NULL, toggle_inlining);
  gtk_widget_class_install_action (widget_class, "canvas.toggle-bypass", NULL, toggle_bypass);
  gtk_widget_class_install_action (widget_class, "canvas.delete-link", NULL, delete_link);
  gtk_widget_class_install_action (widget_class, "canvas.show-failure", "t", show_failure);
  gtk_widget_class_install_action (widget_class, "canvas.context-menu", NULL, context_menu);
  gtk_widget_class_install_action (widget_class, "canvas.pan", "(ii)", pan_action);
  gtk_widget_class_install_action (widget_class, "canvas.nudge", "(ii)", nudge_action);

  /* Menus show the key bound first: Delete, which says what it does. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "canvas.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "canvas.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, GDK_CONTROL_MASK, "canvas.cut", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "canvas.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "canvas.duplicate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK, "canvas.toggle-bypass", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "canvas.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "canvas.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "canvas.context-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "canvas.context-menu", NULL);
  {
    static const struct { guint key; int dx, dy; } arrows[] = {
      { GDK_KEY_Left, -1, 0 }, { GDK_KEY_Right, 1, 0 }, { GDK_KEY_Up, 0, -1 }, { GDK_KEY_Down, 0, 1 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (arrows); i++)
      {
        gtk_widget_class_add_binding_action (widget_class, arrows[i].key, 0, "canvas.pan", "(ii)",
                                             arrows[i].dx, arrows[i].dy);
        gtk_widget_class_add_binding_action (widget_class, arrows[i].key, GDK_SHIFT_MASK,
                                             "canvas.nudge", "(ii)", arrows[i].dx, arrows[i].dy);
      }
  }
}
