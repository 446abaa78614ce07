/* pb-canvas-input.c — what the pointer and the keys ask of the canvas
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Gestures follow GTK's curve-editor demo: one drag gesture whose begin
 * decides, by picking the widget under the pointer, whether this drag
 * draws a wire (from a socket), moves nodes (from a node) or selects
 * with a rubber band (from the background, where a click selects the
 * wire under it instead). Middle-drag and scrolling pan, ctrl+scroll and
 * pinching zoom. From the keyboard, Enter on a socket starts a wire and
 * Enter on another finishes it. What the runtime refuses comes back as a
 * reason, in a popover where the wire was dropped.
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "pb-canvas-private.h"
#include "pb-probe-view.h"
#include "pb-units.h"

/* Refusals: why a link was not made, shown where it was dropped. */

static gboolean
hide_refusal (gpointer user_data)
{
  PbCanvas *self = user_data;

  self->refusal_timeout = 0;
  gtk_popover_popdown (GTK_POPOVER (self->refusal));
  return G_SOURCE_REMOVE;
}

void
_pb_canvas_show_refusal (PbCanvas   *self,
                         const char *message,
                         double      x,
                         double      y)
{
  gtk_label_set_label (self->refusal_label, message);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->refusal),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->refusal));
  g_clear_handle_id (&self->refusal_timeout, g_source_remove);
  self->refusal_timeout = g_timeout_add_seconds (REFUSAL_SECONDS, hide_refusal, self);
}

/* Wires being drawn: while a wire is dragged, every socket it may end on
 * is marked "candidate", the others "refused", by asking the runtime the
 * same question the connection will ask. */

typedef struct
{
  PbCanvas *canvas;
  pb_addr   from;
  gboolean  clear;
} MarkSockets;

/* While a wire's end is being moved, the question is whether the link
 * could leave that end for the socket, not whether a new one could be
 * made: the end that stays is in use by that very link. */
static gboolean
may_end_on (PbCanvas *self,
            pb_addr   from,
            pb_addr   port)
{
  if (self->relinking != NULL)
    return pb_document_check_relink (self->document, self->relinking, from, port, NULL);
  return pb_document_check_link (self->document, from, port, NULL);
}

static void
mark_socket (gpointer data,
             gpointer user_data)
{
  PbSocket *socket = data;
  MarkSockets *mark = user_data;
  pb_addr port = pb_port_get_address (pb_socket_get_port (socket));
  gboolean ok;

  gtk_widget_remove_css_class (GTK_WIDGET (socket), "candidate");
  gtk_widget_remove_css_class (GTK_WIDGET (socket), "not-candidate");
  if (mark->clear || port == mark->from)
    return;

  ok = may_end_on (mark->canvas, mark->from, port);
  gtk_widget_add_css_class (GTK_WIDGET (socket), ok ? "candidate" : "not-candidate");
}

static void
mark_sockets (PbCanvas *self,
              pb_addr   from,
              gboolean  clear)
{
  MarkSockets mark = { self, from, clear };

  for (guint i = 0; i < self->views->len; i++)
    {
      PbNodeView *view = g_ptr_array_index (self->views, i);

      pb_node_view_foreach_socket (view, mark_socket, &mark);
    }
}

static void
finish_wire (PbCanvas *self,
             PbSocket *target,
             double    x,
             double    y)
{
  g_autoptr(GError) error = NULL;
  pb_addr from = pb_port_get_address (pb_socket_get_port (self->wire_from));
  pb_addr to;

  if (target == NULL || target == self->wire_from)
    return;
  to = pb_port_get_address (pb_socket_get_port (target));
  if (!pb_document_connect (self->document, from, to, &error))
    _pb_canvas_show_refusal (self, error->message, x, y);
}

/* Where a dragged wire ends: on a socket, a link made or moved; on the
 * bare canvas, a new wire offers the kinds that could take it there. */
static void
end_wire (PbCanvas *self,
          PbSocket *target,
          double    x,
          double    y)
{
  g_autoptr(PbLink) relinking = g_steal_pointer (&self->relinking);
  g_autoptr(PbSocket) from = g_steal_pointer (&self->wire_from);

  self->wire_to = NULL;
  if (relinking != NULL)
    {
      g_autoptr(GError) error = NULL;

      _pb_canvas_redraw_wires (self);
      if (target != NULL && target != from
          && !pb_document_relink (self->document, relinking,
                                  pb_port_get_address (pb_socket_get_port (from)),
                                  pb_port_get_address (pb_socket_get_port (target)), &error))
        _pb_canvas_show_refusal (self, error->message, x, y);
      return;
    }

  if (target != NULL)
    {
      g_set_object (&self->wire_from, from);
      finish_wire (self, target, x, y);
      g_clear_object (&self->wire_from);
    }
  else if (_pb_canvas_view_at (self, x, y) == NULL
           && hypot (x - self->press_x, y - self->press_y) > 8)
    _pb_canvas_quick_add (self, pb_port_get_address (pb_socket_get_port (from)), x, y);
}

/* A wire begins at @socket. An input in use lets its wire go instead, as
 * in Blender: the end that was there follows the pointer (or waits for
 * the next socket activated), and the source stays. An output in use
 * starts a new wire, which the drop refuses with its reason. */
static void
start_wire (PbCanvas *self,
            PbSocket *socket)
{
  pb_addr port = pb_port_get_address (pb_socket_get_port (socket));
  PbLink *held = pb_document_find_link (self->document, port);
  PbSocket *kept;

  if (held != NULL && pb_port_get_direction (pb_socket_get_port (socket)) == PB_PORT_IN
      && (kept = _pb_canvas_find_socket (self, pb_link_get_source (held))) != NULL)
    {
      g_set_object (&self->relinking, held);
      socket = kept;
      _pb_canvas_redraw_wires (self);
    }
  g_set_object (&self->wire_from, socket);
  mark_sockets (self, pb_port_get_address (pb_socket_get_port (socket)), FALSE);
}

/* How near one end of a wire a press takes that end. */
#define WIRE_END_GRAB 28.0

/* When (@x, @y) is near an end of @link's wire, the socket at its other
 * end, which stays while the near end moves. */
static PbSocket *
end_near (PbCanvas *self,
          PbLink   *link,
          double    x,
          double    y)
{
  PbSocket *source = _pb_canvas_find_socket (self, pb_link_get_source (link));
  PbSocket *sink = _pb_canvas_find_socket (self, pb_link_get_sink (link));
  double sx, sy, tx, ty, grab = WIRE_END_GRAB * self->zoom;

  if (source == NULL || sink == NULL)
    return NULL;
  pb_socket_get_center (source, GTK_WIDGET (self), &sx, &sy);
  pb_socket_get_center (sink, GTK_WIDGET (self), &tx, &ty);
  /* Socket centres are in the allocation's coordinates; pointer ones in
   * the widget's, which agree once the view rests. */
  if (hypot (x - tx, y - ty) < grab)
    return source;
  if (hypot (x - sx, y - sy) < grab)
    return sink;
  return NULL;
}

/* The drag gesture */

static void
begin_move (PbCanvas *self)
{
  g_autoptr(GPtrArray) selected = pb_canvas_get_selected_nodes (self);

  g_ptr_array_set_size (self->moving, 0);
  g_array_set_size (self->moving_from, 0);
  for (guint i = 0; i < selected->len; i++)
    {
      PbNode *node = g_ptr_array_index (selected, i);
      double from[2] = { pb_node_get_x (node), pb_node_get_y (node) };

      g_ptr_array_add (self->moving, g_object_ref (node));
      g_array_append_vals (self->moving_from, from, 2);
    }
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               PbCanvas       *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  gboolean extend = (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;
  PbSocket *socket;
  PbNodeView *view;
  PbFrameView *frame;
  PbLink *link;

  if (self->document == NULL || _pb_canvas_on_control (self, x, y))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  self->press_x = self->pointer_x = x;
  self->press_y = self->pointer_y = y;
  self->wire_to = NULL;

  if ((socket = _pb_canvas_socket_at (self, x, y)) != NULL)
    {
      self->mode = DRAG_WIRE;
      start_wire (self, socket);
    }
  else if ((view = _pb_canvas_view_at (self, x, y)) != NULL)
    {
      PbNode *node = pb_node_view_get_node (view);

      if (extend)
        pb_node_set_selected (node, !pb_node_get_selected (node));
      else if (!pb_node_get_selected (node))
        pb_canvas_select_node (self, node, FALSE);
      gtk_widget_grab_focus (GTK_WIDGET (view));
      self->mode = DRAG_MOVE;
      begin_move (self);
    }
  else if ((frame = _pb_canvas_frame_at (self, x, y)) != NULL)
    {
      /* A frame's header, or its collapsed box, takes its nodes along. */
      _pb_canvas_select_frame (self, pb_frame_view_get_frame (frame), extend);
      gtk_widget_grab_focus (GTK_WIDGET (self));
      self->mode = DRAG_MOVE;
      begin_move (self);
    }
  else if ((link = _pb_canvas_link_at (self, x, y)) != NULL
           && (socket = end_near (self, link, x, y)) != NULL)
    {
      /* Taken near one of its ends, a wire lets that end go. */
      g_set_object (&self->relinking, link);
      _pb_canvas_redraw_wires (self);
      self->mode = DRAG_WIRE;
      g_set_object (&self->wire_from, socket);
      mark_sockets (self, pb_port_get_address (pb_socket_get_port (socket)), FALSE);
    }
  else if (link != NULL)
    {
      if (!extend)
        _pb_canvas_select_none (self);
      pb_link_set_selected (link, extend ? !pb_link_get_selected (link) : TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self));
      self->mode = DRAG_NONE;
    }
  else
    {
      if (!extend)
        _pb_canvas_select_none (self);
      gtk_widget_grab_focus (GTK_WIDGET (self));
      self->mode = DRAG_BAND;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                PbCanvas       *self)
{
  self->pointer_x = self->press_x + dx;
  self->pointer_y = self->press_y + dy;

  switch (self->mode)
    {
    case DRAG_MOVE:
      for (guint i = 0; i < self->moving->len; i++)
        {
          const double *from = &g_array_index (self->moving_from, double, 2 * i);

          pb_node_set_position (g_ptr_array_index (self->moving, i),
                                from[0] + dx / self->zoom, from[1] + dy / self->zoom);
        }
      _pb_canvas_track_insert (self);
      break;

    case DRAG_WIRE:
      self->wire_to = _pb_canvas_socket_at (self, self->pointer_x, self->pointer_y);
      break;

    case DRAG_NONE:
    case DRAG_BAND:
    case DRAG_PAN:
    default:
      break;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
select_band (PbCanvas *self)
{
  graphene_rect_t band = GRAPHENE_RECT_INIT (MIN (self->press_x, self->pointer_x),
                                             MIN (self->press_y, self->pointer_y),
                                             fabs (self->pointer_x - self->press_x),
                                             fabs (self->pointer_y - self->press_y));

  for (guint i = 0; i < self->views->len; i++)
    {
      GtkWidget *view = g_ptr_array_index (self->views, i);
      PbNode *node = pb_node_view_get_node (PB_NODE_VIEW (view));
      graphene_rect_t bounds;

      /* A node hidden in a collapsed frame is where the frame's box is. */
      if (gtk_widget_get_child_visible (view)
          ? gtk_widget_compute_bounds (view, GTK_WIDGET (self), &bounds)
          : _pb_canvas_frame_bounds (self, node, &bounds))
        if (graphene_rect_intersection (&band, &bounds, NULL))
          pb_node_set_selected (node, TRUE);
    }
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             PbCanvas       *self)
{
  switch (self->mode)
    {
    case DRAG_MOVE:
      /* A lone node let go over a wire goes into that link, the move
       * and the links as one step. */
      if (self->moving->len != 1 || (dx == 0 && dy == 0)
          || !_pb_canvas_drop_on_link (self, g_ptr_array_index (self->moving, 0),
                                       g_array_index (self->moving_from, double, 0),
                                       g_array_index (self->moving_from, double, 1)))
        {
          double mx = dx / self->zoom, my = dy / self->zoom;

          if (dx != 0 || dy != 0)
            _pb_canvas_snap_moved (self, self->moving, &mx, &my);
          pb_document_moved (self->document, self->moving, mx, my);
        }
      g_ptr_array_set_size (self->moving, 0);
      break;

    case DRAG_WIRE:
      mark_sockets (self, 0, TRUE);
      end_wire (self, _pb_canvas_socket_at (self, self->pointer_x, self->pointer_y),
                self->pointer_x, self->pointer_y);
      break;

    case DRAG_BAND:
      select_band (self);
      break;

    case DRAG_NONE:
    case DRAG_PAN:
    default:
      break;
    }

  self->mode = DRAG_NONE;
  _pb_canvas_track_insert (self);
  _pb_canvas_settle (self, dx != 0 || dy != 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           PbCanvas                 *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (state & GDK_CONTROL_MASK)
    pb_canvas_set_zoom (self, self->zoom * pow (ZOOM_STEP, -dy), self->pointer_x, self->pointer_y);
  else if (state & GDK_SHIFT_MASK)
    _pb_canvas_scroll_by (self, dy * 40, dx * 40);
  else
    _pb_canvas_scroll_by (self, dx * 40, dy * 40);
  _pb_canvas_person_moved (self);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           PbCanvas                 *self)
{
  if (self->mode == DRAG_NONE)
    {
      self->pointer_x = x;
      self->pointer_y = y;
    }
}

static void
on_pan_begin (GtkGestureDrag *gesture,
              double          x,
              double          y,
              PbCanvas       *self)
{
  self->mode = DRAG_PAN;
  self->press_x = self->origin_x;
  self->press_y = self->origin_y;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
on_pan_update (GtkGestureDrag *gesture,
               double          dx,
               double          dy,
               PbCanvas       *self)
{
  _pb_canvas_pan_to (self, self->press_x - dx / self->zoom, self->press_y - dy / self->zoom);
  _pb_canvas_person_moved (self);
}

static void
on_pan_end (GtkGestureDrag *gesture,
            double          dx,
            double          dy,
            PbCanvas       *self)
{
  self->mode = DRAG_NONE;
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                PbCanvas         *self)
{
  self->zoom_begin = self->zoom;
}

static void
on_pinch (GtkGestureZoom *gesture,
          double          scale,
          PbCanvas       *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    pb_canvas_get_center (self, &x, &y);
  pb_canvas_set_zoom (self, self->zoom_begin * scale, x, y);
  _pb_canvas_person_moved (self);
}

/* Context menu of a link */

static void
popup_at (PbCanvas *self,
          GMenu    *menu,
          double    x,
          double    y)
{
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->link_menu), G_MENU_MODEL (menu));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->link_menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->link_menu));
}

/**
 * _pb_canvas_popup_menu:
 * @frame_first: whether what can be done with their frame comes first,
 *   as from the frame's header, rather than last
 *
 * Offers, at (@x, @y), what can be done with the selected nodes.
 */
void
_pb_canvas_popup_menu (PbCanvas *self,
                       double    x,
                       double    y,
                       gboolean  frame_first)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GPtrArray) selected = pb_canvas_get_selected_nodes (self);
  g_autoptr(GMenu) first = g_menu_new ();
  g_autoptr(GMenu) text = g_menu_new ();

  if (frame_first)
    _pb_canvas_append_frame_menu (self, menu, selected->len);
  if (selected->len == 1)
    g_menu_append (first, _("Show Generated _C"), "win.show-source");
  g_menu_append (first, _("_Delete"), "canvas.delete");
  if (selected->len == 1)
    g_menu_append (first, _("Delete and _Reconnect"), "canvas.delete-reconnect");
  {
    gboolean all = TRUE, any = FALSE;

    for (guint i = 0; i < selected->len; i++)
      {
        PbNode *n = g_ptr_array_index (selected, i);

        all &= pb_node_get_bypassed (n);
        any |= pb_kind_can_bypass (pb_node_get_kind (n));
      }
    if (all)
      g_menu_append (first, _("Run _Again"), "canvas.toggle-bypass");
    else if (any)
      g_menu_append (first, _("_Bypass"), "canvas.toggle-bypass");
  }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (first));
  g_menu_append (text, _("Copy as _Pipeline"), "canvas.copy-pipeline");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (text));
  _pb_canvas_append_arrange_menu (self, menu, selected->len);
  if (!frame_first)
    _pb_canvas_append_frame_menu (self, menu, selected->len);
  popup_at (self, menu, x, y);
}

/**
 * _pb_canvas_popup_bare_menu:
 *
 * Offers, at (@x, @y), what adds to the canvas or arranges it all.
 */
void
_pb_canvas_popup_bare_menu (PbCanvas *self,
                            double    x,
                            double    y)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) add = g_menu_new ();

  g_menu_append (add, _("_Paste"), "canvas.paste");
  g_menu_append (add, _("Add From Pipeline _Text…"), "canvas.add-pipeline");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (add));
  _pb_canvas_append_arrange_menu (self, menu, 0);
  popup_at (self, menu, x, y);
}

static void
on_secondary_pressed (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      PbCanvas        *self)
{
  PbNodeView *view;
  PbFrameView *frame;
  PbLink *link;

  if (self->document == NULL || _pb_canvas_on_control (self, x, y))
    return;

  /* On a node: select it, unless it is part of the selection already,
   * and offer what can be done with them. On a frame's header, likewise
   * with its nodes. */
  if ((view = _pb_canvas_view_at (self, x, y)) != NULL)
    {
      PbNode *node = pb_node_view_get_node (view);

      if (!pb_node_get_selected (node))
        pb_canvas_select_node (self, node, FALSE);
      _pb_canvas_popup_menu (self, x, y, FALSE);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }
  if ((frame = _pb_canvas_frame_at (self, x, y)) != NULL)
    {
      _pb_canvas_select_frame (self, pb_frame_view_get_frame (frame), FALSE);
      _pb_canvas_popup_menu (self, x, y, TRUE);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }

  /* On bare canvas: what adds to it, or arranges it all. */
  if ((link = _pb_canvas_link_at (self, x, y)) == NULL)
    {
      _pb_canvas_select_none (self);
      _pb_canvas_popup_bare_menu (self, x, y);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }

  _pb_canvas_popup_link_menu (self, link, x, y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/**
 * _pb_canvas_popup_link_menu:
 *
 * Offers, at (@x, @y), what can be done with @link: from a click on its
 * wire, or from the keyboard at a socket it joins.
 */
void
_pb_canvas_popup_link_menu (PbCanvas *self,
                            PbLink   *link,
                            double    x,
                            double    y)
{
  g_autoptr(GMenu) menu = g_menu_new ();

  g_set_object (&self->menu_link, link);
  g_menu_append (menu,
                 (pb_link_get_flags (link) & PB_LINK_BREAK_INLINING) ? _("_Allow Inlining")
                                                                     : _("_Break Inlining"),
                 "canvas.toggle-inlining");
  g_menu_append (menu,
                 pb_canvas_get_probe (self, link) != NULL ? _("Unpin _Probe") : _("Pin _Probe"),
                 "canvas.toggle-probe");
  g_menu_append (menu, _("_Delete Link"), "canvas.delete-link");
  popup_at (self, menu, x, y);
}

void
_pb_canvas_report_error (PbCanvas     *self,
                         const GError *error)
{
  _pb_canvas_show_refusal (self, error->message, self->pointer_x, self->pointer_y);
}

/* From the keyboard, a link is made by activating one socket and then
 * another: the first is remembered as a wire being drawn. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                PbCanvas              *self)
{
  GtkWidget *focus;

  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_space)
    {
      if (keyval == GDK_KEY_Escape && self->wire_from != NULL)
        {
          mark_sockets (self, 0, TRUE);
          g_clear_object (&self->wire_from);
          if (self->relinking != NULL)
            {
              g_clear_object (&self->relinking);
              _pb_canvas_redraw_wires (self);
            }
          gtk_widget_queue_draw (GTK_WIDGET (self));
          return TRUE;
        }
      return FALSE;
    }

  focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));
  if (PB_IS_SOCKET (focus))
    {
      if (self->wire_from == NULL)
        start_wire (self, PB_SOCKET (focus));
      else
        {
          double x, y;

          pb_socket_get_center (PB_SOCKET (focus), GTK_WIDGET (self), &x, &y);
          mark_sockets (self, 0, TRUE);
          end_wire (self, PB_SOCKET (focus), x, y);
        }
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return TRUE;
    }
  if (PB_IS_NODE_VIEW (focus))
    {
      pb_canvas_select_node (self, pb_node_view_get_node (PB_NODE_VIEW (focus)),
                             (state & GDK_SHIFT_MASK) != 0);
      return TRUE;
    }
  return FALSE;
}

/* Palette drops: a kind's name dropped on the canvas adds a node there. */
static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         PbCanvas      *self)
{
  g_autoptr(GError) error = NULL;
  PbNode *node;
  double cx, cy;

  if (self->document == NULL || !G_VALUE_HOLDS_STRING (value))
    return FALSE;

  pb_canvas_to_canvas (self, x, y, &cx, &cy);
  _pb_canvas_snap_point (self, &cx, &cy);
  node = pb_document_add_node (self->document, g_value_get_string (value), cx, cy, &error);
  if (node == NULL)
    {
      _pb_canvas_show_refusal (self, error->message, x, y);
      return FALSE;
    }
  pb_canvas_select_node (self, node, FALSE);
  return TRUE;
}

/* The wire tooltip's widget, made once per document. */
static GtkWidget *
tip_widget (PbCanvas *self)
{
  if (self->tip == NULL)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *label = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (box), label);
      self->tip_probe = pb_probe_view_new (self->document);
      gtk_box_append (GTK_BOX (box), self->tip_probe);
      self->tip = g_object_ref_sink (box);
      self->tip_label = GTK_LABEL (label);
    }
  return self->tip;
}

/* A wire's tooltip says whether it is a ring between two chains and, if
 * so, how full it is and the delay its queue adds; while the topology
 * runs, it shows the latest items that crossed it, through a probe that
 * lives as long as the tooltip shows. */
static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  PbCanvas   *self)
{
  g_autofree char *delay = NULL;
  g_autofree char *text = NULL;
  double delay_ns, fill;
  gboolean running;
  PbLink *link;

  if (keyboard || self->document == NULL || (link = _pb_canvas_link_at (self, x, y)) == NULL)
    return FALSE;

  running = pb_document_get_run_state (self->document) != PB_RUN_STOPPED;
  fill = pb_link_get_queue (link, &delay_ns);
  if (fill < 0 && !running)
    return FALSE;
  if (fill < 0)
    text = g_strdup (_("Inlined: both ends run in one chain, with no queue between them"));
  else
    {
      delay = pb_format_duration (delay_ns);
      /* Translators: a wire's tooltip: how full its ring buffer is, and how
       * long an item waits in it. */
      text = g_strdup_printf (_("Queue %.0f %% full, items wait %s"), fill * 100, delay);
    }
  tip_widget (self);
  gtk_label_set_text (self->tip_label, text);
  gtk_widget_set_visible (self->tip_probe, running);
  pb_probe_view_set_link (PB_PROBE_VIEW (self->tip_probe), running ? link : NULL);
  gtk_tooltip_set_custom (tooltip, self->tip);
  return TRUE;
}

/**
 * _pb_canvas_add_controllers:
 *
 * Gives the canvas its gestures, its key handler, its drop target, and
 * the popovers that say why a link was refused and offer a link's menu.
 */
void
_pb_canvas_add_controllers (PbCanvas *self)
{
  GtkGesture *drag;
  GtkGesture *pan;
  GtkGesture *secondary;
  GtkGesture *pinch;
  GtkEventController *scroll;
  GtkEventController *motion;
  GtkEventController *keys;
  GtkDropTarget *drop;

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  pan = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (pan), GDK_BUTTON_MIDDLE);
  g_signal_connect (pan, "drag-begin", G_CALLBACK (on_pan_begin), self);
  g_signal_connect (pan, "drag-update", G_CALLBACK (on_pan_update), self);
  g_signal_connect (pan, "drag-end", G_CALLBACK (on_pan_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pan));

  secondary = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect (secondary, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (secondary));

  pinch = gtk_gesture_zoom_new ();
  g_signal_connect (pinch, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (on_pinch), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);

  self->refusal_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->refusal_label, TRUE);
  gtk_label_set_max_width_chars (self->refusal_label, 40);
  gtk_widget_set_margin_start (GTK_WIDGET (self->refusal_label), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (self->refusal_label), 6);
  self->refusal = gtk_popover_new ();
  gtk_widget_add_css_class (self->refusal, "refusal");
  gtk_popover_set_child (GTK_POPOVER (self->refusal), GTK_WIDGET (self->refusal_label));
  gtk_popover_set_autohide (GTK_POPOVER (self->refusal), FALSE);
  gtk_widget_set_parent (self->refusal, GTK_WIDGET (self));

  self->link_menu = gtk_popover_menu_new_from_model (NULL);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->link_menu), FALSE);
  gtk_widget_set_halign (self->link_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->link_menu, GTK_WIDGET (self));
}
