/* pb-canvas.c — the view of a topology, where it is drawn and edited
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The canvas shows a document's nodes as child widgets (PbNodeView, each
 * with a PbSocket per port) placed by a transform that carries the zoom
 * and the scroll, and draws the wires beneath them with cairo (GTK 4.8
 * has no path API). It changes nothing by itself: a drag between sockets
 * asks the document to connect, a drag of nodes moves them live and
 * then records one step, Delete asks the document to remove. What the
 * runtime refuses comes back as a reason, shown where the pointer is.
 *
 * Gestures follow GTK's curve-editor demo: one drag gesture whose begin
 * decides, by picking the widget under the pointer, whether this drag
 * draws a wire (from a socket), moves nodes (from a node) or selects
 * with a rubber band (from the background, where a click selects the
 * wire under it instead).
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "pb-canvas.h"
#include "pb-clipboard.h"
#include "pb-layout.h"
#include "pb-node-view.h"
#include "pb-socket.h"
#include "pb-wire.h"

#define ZOOM_MIN 0.1
#define ZOOM_MAX 4.0
#define ZOOM_STEP 1.2
/* How near the pointer must come to a wire to pick it, in pixels. */
#define WIRE_PICK_DISTANCE 6.0
/* How long a refusal's reason stays up. */
#define REFUSAL_SECONDS 4
#define GRID 24.0

typedef enum
{
  DRAG_NONE,
  DRAG_WIRE,
  DRAG_MOVE,
  DRAG_BAND,
  DRAG_PAN,
} DragMode;

struct _PbCanvas
{
  GtkWidget   parent_instance;

  PbDocument *document;
  GPtrArray  *views;        /* PbNodeView, in the order of the nodes model */
  GHashTable *view_of;      /* PbNode -> PbNodeView */

  double      zoom;
  double      origin_x;     /* the canvas point at the widget's top left */
  double      origin_y;

  DragMode    mode;
  double      press_x;      /* widget coordinates where the drag began */
  double      press_y;
  double      pointer_x;    /* widget coordinates of the pointer now */
  double      pointer_y;
  GPtrArray  *moving;       /* PbNode being dragged */
  GArray     *moving_from;  /* their positions when the drag began */
  PbSocket   *wire_from;
  PbSocket   *wire_to;      /* a socket under the dragged wire's end */
  double      zoom_begin;

  GtkWidget  *refusal;
  GtkLabel   *refusal_label;
  guint       refusal_timeout;

  GtkWidget  *link_menu;
  PbLink     *menu_link;

  guint       place_source;
  PbNode     *selected_node;  /* the one node selected, if only one is */
};

G_DEFINE_FINAL_TYPE (PbCanvas, pb_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_ZOOM,
  PROP_SELECTED_NODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * pb_canvas_new:
 *
 * Returns: (transfer floating): an empty canvas
 */
GtkWidget *
pb_canvas_new (void)
{
  return g_object_new (PB_TYPE_CANVAS, NULL);
}

/**
 * pb_canvas_to_canvas:
 * @widget_x: a point in the widget's coordinates
 * @widget_y: likewise
 * @x: (out): the same point in canvas units, where nodes are placed
 * @y: (out): likewise
 */
void
pb_canvas_to_canvas (PbCanvas *self,
                     double    widget_x,
                     double    widget_y,
                     double   *x,
                     double   *y)
{
  *x = widget_x / self->zoom + self->origin_x;
  *y = widget_y / self->zoom + self->origin_y;
}

/**
 * pb_canvas_get_center:
 * @x: (out): the canvas point at the middle of the view
 * @y: (out): likewise
 */
void
pb_canvas_get_center (PbCanvas *self,
                      double   *x,
                      double   *y)
{
  pb_canvas_to_canvas (self,
                       gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                       gtk_widget_get_height (GTK_WIDGET (self)) / 2.0,
                       x, y);
}

/**
 * pb_canvas_find_view:
 *
 * Returns: (transfer none) (nullable): the widget showing @node
 */
GtkWidget *
pb_canvas_find_view (PbCanvas *self,
                     PbNode   *node)
{
  g_return_val_if_fail (PB_IS_CANVAS (self), NULL);
  return g_hash_table_lookup (self->view_of, node);
}

static PbSocket *
find_socket (PbCanvas *self,
             pb_addr   port)
{
  PbNode *node = pb_document_find_node (self->document, port);
  GtkWidget *view = node != NULL ? g_hash_table_lookup (self->view_of, node) : NULL;

  return view != NULL ? pb_node_view_find_socket (PB_NODE_VIEW (view), port) : NULL;
}

static gboolean
link_wire (PbCanvas *self,
           PbLink   *link,
           PbWire   *wire)
{
  PbSocket *source = find_socket (self, pb_link_get_source (link));
  PbSocket *sink = find_socket (self, pb_link_get_sink (link));
  double x0, y0, x1, y1;

  if (source == NULL || sink == NULL)
    return FALSE;
  pb_socket_get_center (source, GTK_WIDGET (self), &x0, &y0);
  pb_socket_get_center (sink, GTK_WIDGET (self), &x1, &y1);
  pb_wire_init (wire, x0, y0, x1, y1);
  return TRUE;
}

/* Picking */

static PbSocket *
socket_at (PbCanvas *self,
           double    x,
           double    y)
{
  GtkWidget *w = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);

  for (; w != NULL && w != GTK_WIDGET (self); w = gtk_widget_get_parent (w))
    if (PB_IS_SOCKET (w))
      return PB_SOCKET (w);
  return NULL;
}

static PbNodeView *
view_at (PbCanvas *self,
         double    x,
         double    y)
{
  GtkWidget *w = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);

  for (; w != NULL && w != GTK_WIDGET (self); w = gtk_widget_get_parent (w))
    if (PB_IS_NODE_VIEW (w))
      return PB_NODE_VIEW (w);
  return NULL;
}

static PbLink *
link_at (PbCanvas *self,
         double    x,
         double    y)
{
  GListModel *links = pb_document_get_links (self->document);
  double tolerance = WIRE_PICK_DISTANCE;
  PbLink *best = NULL;
  double best_distance = G_MAXDOUBLE;

  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);
      PbWire wire;
      double bx, by, bw, bh, d;

      if (!link_wire (self, link, &wire))
        continue;
      pb_wire_bounds (&wire, &bx, &by, &bw, &bh);
      if (x < bx - tolerance || x > bx + bw + tolerance
          || y < by - tolerance || y > by + bh + tolerance)
        continue;
      d = pb_wire_distance (&wire, x, y);
      if (d <= tolerance && d < best_distance)
        {
          best = link;
          best_distance = d;
        }
    }
  return best;
}

/* Selection: view state on the nodes and links themselves. */

static void
select_none (PbCanvas *self)
{
  GListModel *nodes = pb_document_get_nodes (self->document);
  GListModel *links = pb_document_get_links (self->document);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

      pb_node_set_selected (node, FALSE);
    }
  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);

      pb_link_set_selected (link, FALSE);
    }
}

/**
 * pb_canvas_select_node:
 * @extend: whether to add to the selection rather than replace it
 *
 * Selects @node and brings it into view.
 */
void
pb_canvas_select_node (PbCanvas *self,
                       PbNode   *node,
                       gboolean  extend)
{
  GtkWidget *view;

  g_return_if_fail (PB_IS_CANVAS (self));
  g_return_if_fail (PB_IS_NODE (node));

  if (!extend)
    select_none (self);
  pb_node_set_selected (node, TRUE);

  view = g_hash_table_lookup (self->view_of, node);
  if (view != NULL)
    gtk_widget_grab_focus (view);
}

static GPtrArray *
selected_items (GListModel *model,
                gboolean (*is_selected) (gpointer))
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      gpointer item = g_list_model_get_item (model, i);

      if (is_selected (item))
        g_ptr_array_add (items, item);
      else
        g_object_unref (item);
    }
  return items;
}

/**
 * pb_canvas_get_selected_nodes:
 *
 * Returns: (transfer full) (element-type PbNode): the selected nodes
 */
GPtrArray *
pb_canvas_get_selected_nodes (PbCanvas *self)
{
  g_return_val_if_fail (PB_IS_CANVAS (self), NULL);
  return selected_items (pb_document_get_nodes (self->document),
                         (gboolean (*) (gpointer)) pb_node_get_selected);
}

/**
 * pb_canvas_get_selected_links:
 *
 * Returns: (transfer full) (element-type PbLink): the selected links
 */
GPtrArray *
pb_canvas_get_selected_links (PbCanvas *self)
{
  g_return_val_if_fail (PB_IS_CANVAS (self), NULL);
  return selected_items (pb_document_get_links (self->document),
                         (gboolean (*) (gpointer)) pb_link_get_selected);
}

/* Refusals: why a link was not made, shown where it was dropped. */

static gboolean
hide_refusal (gpointer user_data)
{
  PbCanvas *self = user_data;

  self->refusal_timeout = 0;
  gtk_popover_popdown (GTK_POPOVER (self->refusal));
  return G_SOURCE_REMOVE;
}

static void
show_refusal (PbCanvas   *self,
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

  ok = pb_document_check_link (mark->canvas->document, mark->from, port, NULL);
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
    show_refusal (self, error->message, x, y);
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
  PbLink *link;

  if (self->document == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  self->press_x = self->pointer_x = x;
  self->press_y = self->pointer_y = y;
  self->wire_to = NULL;

  if ((socket = socket_at (self, x, y)) != NULL)
    {
      self->mode = DRAG_WIRE;
      g_set_object (&self->wire_from, socket);
      mark_sockets (self, pb_port_get_address (pb_socket_get_port (socket)), FALSE);
    }
  else if ((view = view_at (self, x, y)) != NULL)
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
  else if ((link = link_at (self, x, y)) != NULL)
    {
      if (!extend)
        select_none (self);
      pb_link_set_selected (link, extend ? !pb_link_get_selected (link) : TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self));
      self->mode = DRAG_NONE;
    }
  else
    {
      if (!extend)
        select_none (self);
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
      break;

    case DRAG_WIRE:
      self->wire_to = socket_at (self, self->pointer_x, self->pointer_y);
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
      graphene_rect_t bounds;

      if (gtk_widget_compute_bounds (view, GTK_WIDGET (self), &bounds)
          && graphene_rect_intersection (&band, &bounds, NULL))
        pb_node_set_selected (pb_node_view_get_node (PB_NODE_VIEW (view)), TRUE);
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
      pb_document_moved (self->document, self->moving, dx / self->zoom, dy / self->zoom);
      g_ptr_array_set_size (self->moving, 0);
      break;

    case DRAG_WIRE:
      mark_sockets (self, 0, TRUE);
      finish_wire (self, socket_at (self, self->pointer_x, self->pointer_y),
                   self->pointer_x, self->pointer_y);
      g_clear_object (&self->wire_from);
      self->wire_to = NULL;
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
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Panning and zooming */

static void
scroll_by (PbCanvas *self,
           double    dx,
           double    dy)
{
  self->origin_x += dx / self->zoom;
  self->origin_y += dy / self->zoom;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/**
 * pb_canvas_set_zoom:
 * @zoom: the new scale, clamped to 0.1–4
 * @x: a point of the widget that stays where it is
 * @y: likewise
 */
void
pb_canvas_set_zoom (PbCanvas *self,
                    double    zoom,
                    double    x,
                    double    y)
{
  double cx, cy;

  g_return_if_fail (PB_IS_CANVAS (self));

  zoom = CLAMP (zoom, ZOOM_MIN, ZOOM_MAX);
  if (zoom == self->zoom)
    return;

  pb_canvas_to_canvas (self, x, y, &cx, &cy);
  self->zoom = zoom;
  self->origin_x = cx - x / zoom;
  self->origin_y = cy - y / zoom;

  gtk_widget_queue_allocate (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
pb_canvas_get_zoom (PbCanvas *self)
{
  g_return_val_if_fail (PB_IS_CANVAS (self), 1);
  return self->zoom;
}

/**
 * pb_canvas_zoom_to_fit:
 *
 * Scales and scrolls so that every node is in view, at most at 100 %.
 */
void
pb_canvas_zoom_to_fit (PbCanvas *self)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double margin = 32;

  g_return_if_fail (PB_IS_CANVAS (self));

  for (guint i = 0; i < self->views->len; i++)
    {
      GtkWidget *view = g_ptr_array_index (self->views, i);
      PbNode *node = pb_node_view_get_node (PB_NODE_VIEW (view));
      int w, h;

      gtk_widget_measure (view, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
      gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
      x0 = MIN (x0, pb_node_get_x (node));
      y0 = MIN (y0, pb_node_get_y (node));
      x1 = MAX (x1, pb_node_get_x (node) + w);
      y1 = MAX (y1, pb_node_get_y (node) + h);
    }

  if (self->views->len == 0 || width <= 2 * margin || height <= 2 * margin)
    {
      self->zoom = 1;
      self->origin_x = self->origin_y = 0;
    }
  else
    {
      self->zoom = CLAMP (MIN ((width - 2 * margin) / (x1 - x0), (height - 2 * margin) / (y1 - y0)),
                          ZOOM_MIN, 1.0);
      self->origin_x = (x0 + x1) / 2 - width / 2 / self->zoom;
      self->origin_y = (y0 + y1) / 2 - height / 2 / self->zoom;
    }

  gtk_widget_queue_allocate (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
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
    scroll_by (self, dy * 40, dx * 40);
  else
    scroll_by (self, dx * 40, dy * 40);
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
  self->origin_x = self->press_x - dx / self->zoom;
  self->origin_y = self->press_y - dy / self->zoom;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
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
}

/* Context menu of a link */

static void
on_secondary_pressed (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      PbCanvas        *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  PbLink *link;

  if (self->document == NULL || (link = link_at (self, x, y)) == NULL)
    return;

  g_set_object (&self->menu_link, link);
  g_menu_append (menu,
                 (pb_link_get_flags (link) & PB_LINK_BREAK_INLINING) ? _("_Allow Inlining")
                                                                     : _("_Break Inlining"),
                 "canvas.toggle-inlining");
  g_menu_append (menu, _("_Delete Link"), "canvas.delete-link");
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->link_menu), G_MENU_MODEL (menu));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->link_menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->link_menu));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
report_error (PbCanvas     *self,
              const GError *error)
{
  show_refusal (self, error->message, self->pointer_x, self->pointer_y);
}

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
    report_error (self, error);
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
    report_error (self, error);
}

/* Actions */

static void
delete_selection (GtkWidget  *widget,
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
    report_error (self, error);
}

/* Copy and paste */

static void
select_nodes_of (PbCanvas  *self,
                 PbCommand *command)
{
  select_none (self);
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
      report_error (self, error);
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
    delete_selection (widget, action_name, parameter);
}

typedef struct
{
  PbCanvas *canvas;
  double    x;
  double    y;
} Paste;

static void
on_clipboard_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Paste *paste = user_data;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) sink = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  stream = gdk_clipboard_read_finish (GDK_CLIPBOARD (source), result, NULL, &error);
  if (stream != NULL)
    {
      sink = g_memory_output_stream_new_resizable ();
      if (g_output_stream_splice (sink, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE
                                  | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error) >= 0)
        bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink));
    }

  if (bytes != NULL && paste->canvas->document != NULL)
    paste_bytes (paste->canvas, bytes, paste->x, paste->y);

  g_object_unref (paste->canvas);
  g_free (paste);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  static const char *mime_types[] = { PB_CLIPBOARD_MIME_TYPE, NULL };
  Paste *paste;

  if (self->document == NULL)
    return;

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
          gtk_widget_queue_draw (GTK_WIDGET (self));
          return TRUE;
        }
      return FALSE;
    }

  focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));
  if (PB_IS_SOCKET (focus))
    {
      if (self->wire_from == NULL)
        {
          g_set_object (&self->wire_from, PB_SOCKET (focus));
          mark_sockets (self, pb_port_get_address (pb_socket_get_port (self->wire_from)), FALSE);
        }
      else
        {
          double x, y;

          pb_socket_get_center (PB_SOCKET (focus), GTK_WIDGET (self), &x, &y);
          mark_sockets (self, 0, TRUE);
          finish_wire (self, PB_SOCKET (focus), x, y);
          g_clear_object (&self->wire_from);
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
  node = pb_document_add_node (self->document, g_value_get_string (value), cx, cy, &error);
  if (node == NULL)
    {
      show_refusal (self, error->message, x, y);
      return FALSE;
    }
  pb_canvas_select_node (self, node, FALSE);
  return TRUE;
}

/* Placing nodes that have no position yet: a pipeline, or a document
 * saved by `pushback-run --save`, is laid out by Graphviz once its nodes
 * have been measured, to the right of whatever is placed already. Being
 * placed is not an edit: nothing is recorded and the document stays
 * clean. */
static gboolean
place_unplaced (gpointer user_data)
{
  PbCanvas *self = user_data;
  g_autoptr(GArray) nodes = g_array_new (FALSE, FALSE, sizeof (PbLayoutNode));
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (PbLayoutEdge));
  g_autoptr(GError) error = NULL;
  GListModel *links;
  double right = -G_MAXDOUBLE, top = G_MAXDOUBLE;
  gboolean any_placed = FALSE;

  self->place_source = 0;
  if (self->document == NULL)
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < self->views->len; i++)
    {
      GtkWidget *view = g_ptr_array_index (self->views, i);
      PbNode *node = pb_node_view_get_node (PB_NODE_VIEW (view));
      int w, h;

      gtk_widget_measure (view, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
      gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
      if (pb_node_get_placed (node))
        {
          any_placed = TRUE;
          right = MAX (right, pb_node_get_x (node) + w);
          top = MIN (top, pb_node_get_y (node));
        }
      else
        g_array_append_val (nodes, ((PbLayoutNode) { .id = pb_node_get_address (node),
                                                     .width = w, .height = h }));
    }
  if (nodes->len == 0)
    return G_SOURCE_REMOVE;

  links = pb_document_get_links (self->document);
  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);
      pb_addr source = pb_link_get_source (link), sink = pb_link_get_sink (link);

      g_array_append_val (edges, ((PbLayoutEdge) { .from = pb_addr_process_of (source),
                                                   .from_port = pb_addr_port (source),
                                                   .to = pb_addr_process_of (sink),
                                                   .to_port = pb_addr_port (sink) }));
    }

  if (!pb_layout_nodes ((PbLayoutNode *) nodes->data, nodes->len,
                        (PbLayoutEdge *) edges->data, edges->len, &error))
    {
      /* A layout that fails leaves the nodes in a row, still usable. */
      g_warning ("Could not lay the topology out: %s", error->message);
      for (guint i = 0; i < nodes->len; i++)
        {
          PbLayoutNode *n = &g_array_index (nodes, PbLayoutNode, i);

          n->x = i * 200.0;
          n->y = 0;
        }
    }

  for (guint i = 0; i < nodes->len; i++)
    {
      const PbLayoutNode *n = &g_array_index (nodes, PbLayoutNode, i);

      pb_node_set_position (pb_document_find_node (self->document, n->id),
                            any_placed ? right + 80 + n->x : n->x,
                            any_placed ? top + n->y : n->y);
    }

  if (!any_placed)
    pb_canvas_zoom_to_fit (self);
  return G_SOURCE_REMOVE;
}

/* Following the document */

/* The inspector follows the selection when it is one node. */
static void
on_selection_changed (PbCanvas *self)
{
  g_autoptr(GPtrArray) selected = pb_canvas_get_selected_nodes (self);
  PbNode *node = selected->len == 1 ? g_ptr_array_index (selected, 0) : NULL;

  if (self->selected_node == node)
    return;
  g_set_object (&self->selected_node, node);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_NODE]);
}

/**
 * pb_canvas_get_selected_node:
 *
 * Returns: (transfer none) (nullable): the selected node when exactly one
 *   is selected
 */
PbNode *
pb_canvas_get_selected_node (PbCanvas *self)
{
  g_return_val_if_fail (PB_IS_CANVAS (self), NULL);
  return self->selected_node;
}

static void
on_node_moved (PbCanvas *self)
{
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
on_nodes_changed (GListModel *nodes,
                  guint       position,
                  guint       removed,
                  guint       added,
                  PbCanvas   *self)
{
  for (guint i = 0; i < removed; i++)
    {
      GtkWidget *view = g_ptr_array_index (self->views, position + i);

      g_hash_table_remove (self->view_of, pb_node_view_get_node (PB_NODE_VIEW (view)));
      if (self->wire_from != NULL && gtk_widget_is_ancestor (GTK_WIDGET (self->wire_from), view))
        g_clear_object (&self->wire_from);
      gtk_widget_unparent (view);
    }
  g_ptr_array_remove_range (self->views, position, removed);
  if (removed > 0)
    on_selection_changed (self);

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, position + i);
      GtkWidget *view = pb_node_view_new (node);

      gtk_widget_set_parent (view, GTK_WIDGET (self));
      g_ptr_array_insert (self->views, position + i, view);
      g_hash_table_insert (self->view_of, node, view);
      g_signal_connect_object (node, "notify::x", G_CALLBACK (on_node_moved), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::y", G_CALLBACK (on_node_moved), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::selected", G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
      if (!pb_node_get_placed (node) && self->place_source == 0)
        self->place_source = g_idle_add (place_unplaced, self);
    }

  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
on_link_notify (PbCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_links_changed (GListModel *links,
                  guint       position,
                  guint       removed,
                  guint       added,
                  PbCanvas   *self)
{
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, position + i);

      g_signal_connect_object (link, "notify", G_CALLBACK (on_link_notify), self, G_CONNECT_SWAPPED);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
disconnect_document (PbCanvas *self)
{
  if (self->document == NULL)
    return;

  g_signal_handlers_disconnect_by_data (pb_document_get_nodes (self->document), self);
  g_signal_handlers_disconnect_by_data (pb_document_get_links (self->document), self);
  g_signal_handlers_disconnect_by_data (self->document, self);
  on_nodes_changed (pb_document_get_nodes (self->document), 0, self->views->len, 0, self);
  g_clear_object (&self->wire_from);
  g_clear_object (&self->menu_link);
  g_ptr_array_set_size (self->moving, 0);
  g_clear_object (&self->document);
  if (self->selected_node != NULL)
    {
      g_clear_object (&self->selected_node);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_NODE]);
    }
}

/**
 * pb_canvas_set_document:
 * @document: (nullable): the document to show and edit
 */
void
pb_canvas_set_document (PbCanvas   *self,
                        PbDocument *document)
{
  GListModel *nodes;
  GListModel *links;

  g_return_if_fail (PB_IS_CANVAS (self));
  g_return_if_fail (document == NULL || PB_IS_DOCUMENT (document));

  if (self->document == document)
    return;

  disconnect_document (self);
  if (document != NULL)
    {
      self->document = g_object_ref (document);
      nodes = pb_document_get_nodes (document);
      links = pb_document_get_links (document);
      g_signal_connect (nodes, "items-changed", G_CALLBACK (on_nodes_changed), self);
      g_signal_connect (links, "items-changed", G_CALLBACK (on_links_changed), self);
      g_signal_connect_swapped (document, "changed", G_CALLBACK (gtk_widget_queue_draw), self);
      on_nodes_changed (nodes, 0, 0, g_list_model_get_n_items (nodes), self);
      on_links_changed (links, 0, 0, g_list_model_get_n_items (links), self);
    }

  gtk_widget_queue_allocate (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/**
 * pb_canvas_get_document:
 *
 * Returns: (transfer none) (nullable): the document shown
 */
PbDocument *
pb_canvas_get_document (PbCanvas *self)
{
  g_return_val_if_fail (PB_IS_CANVAS (self), NULL);
  return self->document;
}

/* Layout and drawing */

static void
pb_canvas_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  *minimum = 0;
  *natural = 400;
}

static void
pb_canvas_size_allocate (GtkWidget *widget,
                         int        width,
                         int        height,
                         int        baseline)
{
  PbCanvas *self = PB_CANVAS (widget);

  for (guint i = 0; i < self->views->len; i++)
    {
      GtkWidget *view = g_ptr_array_index (self->views, i);
      PbNode *node = pb_node_view_get_node (PB_NODE_VIEW (view));
      GskTransform *transform;
      int w, h;

      gtk_widget_measure (view, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
      gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);

      transform = gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT ((pb_node_get_x (node) - self->origin_x) * self->zoom,
                                                                       (pb_node_get_y (node) - self->origin_y) * self->zoom));
      transform = gsk_transform_scale (transform, self->zoom, self->zoom);
      gtk_widget_allocate (view, w, h, -1, transform);
    }

  gtk_popover_present (GTK_POPOVER (self->refusal));
  gtk_popover_present (GTK_POPOVER (self->link_menu));
}

static void
snapshot_grid (PbCanvas    *self,
               GtkSnapshot *snapshot,
               double       width,
               double       height)
{
  double step = GRID * self->zoom;
  GdkRGBA color;
  double x, y;

  /* Below a few pixels a grid is noise, not a guide. */
  while (step < 12)
    step *= 4;

  gdk_rgba_parse (&color, "rgba(127,127,127,0.12)");
  x = fmod (-self->origin_x * self->zoom, step);
  for (x = x < 0 ? x + step : x; x < width; x += step)
    gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (floor (x), 0, 1, height));
  y = fmod (-self->origin_y * self->zoom, step);
  for (y = y < 0 ? y + step : y; y < height; y += step)
    gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (0, floor (y), width, 1));
}

static void
stroke_wire (cairo_t      *cr,
             const PbWire *wire,
             const GdkRGBA *color,
             double        width,
             gboolean      dashed)
{
  static const double dash[] = { 6, 4 };

  pb_wire_path (wire, cr);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, width);
  cairo_set_dash (cr, dash, dashed ? G_N_ELEMENTS (dash) : 0, 0);
  cairo_stroke (cr);
}

static void
snapshot_wires (PbCanvas    *self,
                GtkSnapshot *snapshot,
                double       width,
                double       height)
{
  GListModel *links = pb_document_get_links (self->document);
  GdkRGBA accent;
  cairo_t *cr;

  if (g_list_model_get_n_items (links) == 0 && self->mode != DRAG_WIRE)
    return;

  gdk_rgba_parse (&accent, "#3584e4");
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);
      PbSocket *source = find_socket (self, pb_link_get_source (link));
      gboolean broken = (pb_link_get_flags (link) & PB_LINK_BREAK_INLINING) != 0;
      PbWire wire;
      GdkRGBA color;

      if (source == NULL || !link_wire (self, link, &wire))
        continue;
      pb_socket_item_color (pb_port_get_item_type (pb_socket_get_port (source)), &color);
      if (pb_link_get_selected (link))
        {
          GdkRGBA halo = accent;

          halo.alpha = 0.45f;
          stroke_wire (cr, &wire, &halo, 8 * self->zoom, FALSE);
        }
      stroke_wire (cr, &wire, &color, MAX (1.0, 2.5 * self->zoom), broken);
    }

  if (self->mode == DRAG_WIRE && self->wire_from != NULL)
    {
      PbPort *port = pb_socket_get_port (self->wire_from);
      double x0, y0, x1 = self->pointer_x, y1 = self->pointer_y;
      PbWire wire;
      GdkRGBA color;

      pb_socket_get_center (self->wire_from, GTK_WIDGET (self), &x0, &y0);
      if (self->wire_to != NULL && gtk_widget_has_css_class (GTK_WIDGET (self->wire_to), "candidate"))
        pb_socket_get_center (self->wire_to, GTK_WIDGET (self), &x1, &y1);
      if (pb_port_get_direction (port) == PB_PORT_IN)
        pb_wire_init (&wire, x1, y1, x0, y0);
      else
        pb_wire_init (&wire, x0, y0, x1, y1);
      pb_socket_item_color (pb_port_get_item_type (port), &color);
      stroke_wire (cr, &wire, &color, MAX (1.0, 2.5 * self->zoom), TRUE);
    }

  cairo_destroy (cr);
}

static void
snapshot_band (PbCanvas    *self,
               GtkSnapshot *snapshot)
{
  graphene_rect_t band = GRAPHENE_RECT_INIT (MIN (self->press_x, self->pointer_x),
                                             MIN (self->press_y, self->pointer_y),
                                             fabs (self->pointer_x - self->press_x),
                                             fabs (self->pointer_y - self->press_y));
  GskRoundedRect outline;
  GdkRGBA fill, edge;
  const float widths[4] = { 1, 1, 1, 1 };

  gdk_rgba_parse (&fill, "rgba(53,132,228,0.15)");
  gdk_rgba_parse (&edge, "rgba(53,132,228,0.8)");
  gsk_rounded_rect_init_from_rect (&outline, &band, 0);
  gtk_snapshot_append_color (snapshot, &fill, &band);
  gtk_snapshot_append_border (snapshot, &outline, widths,
                              (GdkRGBA[4]) { edge, edge, edge, edge });
}

static void
pb_canvas_snapshot (GtkWidget   *widget,
                    GtkSnapshot *snapshot)
{
  PbCanvas *self = PB_CANVAS (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  snapshot_grid (self, snapshot, width, height);
  if (self->document != NULL)
    snapshot_wires (self, snapshot, width, height);

  for (guint i = 0; i < self->views->len; i++)
    gtk_widget_snapshot_child (widget, g_ptr_array_index (self->views, i), snapshot);

  if (self->mode == DRAG_BAND)
    snapshot_band (self, snapshot);

  gtk_snapshot_pop (snapshot);
}

static void
pb_canvas_dispose (GObject *object)
{
  PbCanvas *self = PB_CANVAS (object);

  disconnect_document (self);
  g_clear_handle_id (&self->refusal_timeout, g_source_remove);
  g_clear_handle_id (&self->place_source, g_source_remove);
  g_clear_pointer (&self->refusal, gtk_widget_unparent);
  g_clear_pointer (&self->link_menu, gtk_widget_unparent);

  G_OBJECT_CLASS (pb_canvas_parent_class)->dispose (object);
}

static void
pb_canvas_finalize (GObject *object)
{
  PbCanvas *self = PB_CANVAS (object);

  g_ptr_array_unref (self->views);
  g_hash_table_unref (self->view_of);
  g_ptr_array_unref (self->moving);
  g_array_unref (self->moving_from);

  G_OBJECT_CLASS (pb_canvas_parent_class)->finalize (object);
}

static void
pb_canvas_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PbCanvas *self = PB_CANVAS (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_SELECTED_NODE:
      g_value_set_object (value, self->selected_node);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_canvas_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  PbCanvas *self = PB_CANVAS (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      pb_canvas_set_document (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_canvas_class_init (PbCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_canvas_dispose;
  object_class->finalize = pb_canvas_finalize;
  object_class->get_property = pb_canvas_get_property;
  object_class->set_property = pb_canvas_set_property;

  widget_class->measure = pb_canvas_measure;
  widget_class->size_allocate = pb_canvas_size_allocate;
  widget_class->snapshot = pb_canvas_snapshot;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, PB_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, ZOOM_MIN, ZOOM_MAX, 1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_NODE] =
    g_param_spec_object ("selected-node", NULL, NULL, PB_TYPE_NODE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "canvas.delete", NULL, delete_selection);
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
  gtk_widget_class_install_action (widget_class, "canvas.delete-link", NULL, delete_link);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "canvas.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "canvas.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, GDK_CONTROL_MASK, "canvas.cut", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "canvas.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "canvas.duplicate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "canvas.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "canvas.zoom-fit", NULL);

  gtk_widget_class_set_css_name (widget_class, "canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pb_canvas_init (PbCanvas *self)
{
  GtkGesture *drag;
  GtkGesture *pan;
  GtkGesture *secondary;
  GtkGesture *pinch;
  GtkEventController *scroll;
  GtkEventController *motion;
  GtkEventController *keys;
  GtkDropTarget *drop;

  self->zoom = 1;
  self->views = g_ptr_array_new ();
  self->view_of = g_hash_table_new (NULL, NULL);
  self->moving = g_ptr_array_new_with_free_func (g_object_unref);
  self->moving_from = g_array_new (FALSE, FALSE, sizeof (double));

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Topology"),
                                  -1);

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
