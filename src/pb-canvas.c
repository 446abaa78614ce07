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
 * This file is the view: placing, following the document, and picking
 * what is under a point. How it draws is in pb-canvas-draw.c, what the
 * pointer and the keys do in pb-canvas-input.c, the canvas.* actions in
 * pb-canvas-actions.c.
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "pb-canvas-private.h"
#include "pb-layout.h"

G_DEFINE_FINAL_TYPE (PbCanvas, pb_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_ZOOM,
  PROP_SELECTED_NODE,
  PROP_SNAP_TO_GRID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FAILURE_ACTIVATED,
  VIEWPORT_CHANGED,
  VIEW_MOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * _pb_canvas_activate_failure:
 * @node: a failed node
 *
 * Selects @node alone and emits #PbCanvas::failure-activated, so that
 * the window can take the user to the failing line.
 */
void
_pb_canvas_activate_failure (PbCanvas *self,
                             PbNode   *node)
{
  pb_canvas_select_node (self, node, FALSE);
  g_signal_emit (self, signals[FAILURE_ACTIVATED], 0, node);
}

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
 * pb_canvas_get_node_size:
 * @width: (out): how wide @node is drawn, in canvas units
 * @height: (out): how tall
 *
 * The size of @node's view as last allocated, or as it would like to be
 * before its first allocation.
 */
void
pb_canvas_get_node_size (PbCanvas *self,
                         PbNode   *node,
                         double   *width,
                         double   *height)
{
  GtkWidget *view;
  int w = 0, h = 0;

  g_return_if_fail (PB_IS_CANVAS (self));

  view = g_hash_table_lookup (self->view_of, node);
  if (view != NULL)
    {
      w = gtk_widget_get_width (view);
      h = gtk_widget_get_height (view);
      if (w <= 0 || h <= 0)
        {
          gtk_widget_measure (view, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
          gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
        }
    }
  *width = MAX (w, 1);
  *height = MAX (h, 1);
}

/**
 * pb_canvas_get_visible_area:
 * @area: (out): the part of the canvas the view shows, in canvas units
 */
void
pb_canvas_get_visible_area (PbCanvas        *self,
                            graphene_rect_t *area)
{
  g_return_if_fail (PB_IS_CANVAS (self));

  graphene_rect_init (area, self->origin_x, self->origin_y,
                      gtk_widget_get_width (GTK_WIDGET (self)) / self->zoom,
                      gtk_widget_get_height (GTK_WIDGET (self)) / self->zoom);
}

/**
 * pb_canvas_get_graph_bounds:
 * @bounds: (out): the smallest rectangle that holds every node, in canvas
 *   units; empty at the origin when there are none
 */
void
pb_canvas_get_graph_bounds (PbCanvas        *self,
                            graphene_rect_t *bounds)
{
  gboolean any = FALSE;

  g_return_if_fail (PB_IS_CANVAS (self));

  graphene_rect_init (bounds, 0, 0, 0, 0);
  for (guint i = 0; i < self->views->len; i++)
    {
      PbNode *node = pb_node_view_get_node (g_ptr_array_index (self->views, i));
      graphene_rect_t rect;
      double w, h;

      pb_canvas_get_node_size (self, node, &w, &h);
      graphene_rect_init (&rect, pb_node_get_x (node), pb_node_get_y (node), w, h);
      _pb_canvas_frames_inflate (self, node, &rect);
      if (any)
        graphene_rect_union (bounds, &rect, bounds);
      else
        *bounds = rect;
      any = TRUE;
    }
}

/**
 * pb_canvas_center_on:
 * @x: the canvas point to show at the middle of the view
 * @y: likewise
 *
 * Pans, at the same zoom, so that (@x, @y) is in the middle.
 */
void
pb_canvas_center_on (PbCanvas *self,
                     double    x,
                     double    y)
{
  g_return_if_fail (PB_IS_CANVAS (self));

  _pb_canvas_pan_to (self,
                     x - gtk_widget_get_width (GTK_WIDGET (self)) / 2.0 / self->zoom,
                     y - gtk_widget_get_height (GTK_WIDGET (self)) / 2.0 / self->zoom);
}

gboolean
pb_canvas_get_snap_to_grid (PbCanvas *self)
{
  g_return_val_if_fail (PB_IS_CANVAS (self), FALSE);

  return self->snap_to_grid;
}

/**
 * pb_canvas_set_snap_to_grid:
 * @snap: whether nodes let go after a drag, or dropped from the palette,
 *   land with their top-left corner on the grid the canvas draws
 */
void
pb_canvas_set_snap_to_grid (PbCanvas *self,
                            gboolean  snap)
{
  g_return_if_fail (PB_IS_CANVAS (self));

  snap = !!snap;
  if (self->snap_to_grid == snap)
    return;
  self->snap_to_grid = snap;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAP_TO_GRID]);
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

/* From the widget's coordinates now to those of the latest allocation,
 * which picking and the wires use: they differ while a pan or a zoom has
 * not rested yet. */
void
_pb_canvas_to_allocated (PbCanvas *self,
                         double    x,
                         double    y,
                         double   *ax,
                         double   *ay)
{
  double scale = self->zoom / self->alloc_zoom;

  *ax = (x - (self->alloc_origin_x - self->origin_x) * self->zoom) / scale;
  *ay = (y - (self->alloc_origin_y - self->origin_y) * self->zoom) / scale;
}

PbSocket *
_pb_canvas_find_socket (PbCanvas *self,
                        pb_addr   port)
{
  PbNode *node = pb_document_find_node (self->document, port);
  GtkWidget *view = node != NULL ? g_hash_table_lookup (self->view_of, node) : NULL;
  gboolean hidden;
  PbSocket *on_frame = _pb_canvas_frame_socket (self, port, &hidden);

  /* A node hidden in a collapsed frame shows its ports there, if at all. */
  if (hidden)
    return on_frame;
  return view != NULL ? pb_node_view_find_socket (PB_NODE_VIEW (view), port) : NULL;
}

gboolean
_pb_canvas_link_wire (PbCanvas *self,
                      PbLink   *link,
                      PbWire   *wire)
{
  PbSocket *source = _pb_canvas_find_socket (self, pb_link_get_source (link));
  PbSocket *sink = _pb_canvas_find_socket (self, pb_link_get_sink (link));
  double x0, y0, x1, y1;

  if (source == NULL || sink == NULL)
    return FALSE;
  pb_socket_get_center (source, GTK_WIDGET (self), &x0, &y0);
  pb_socket_get_center (sink, GTK_WIDGET (self), &x1, &y1);
  pb_wire_init (wire, x0, y0, x1, y1);
  return TRUE;
}

/* Picking */

/* The widget of type @type under (@x, @y), or one it lies inside. */
static GtkWidget *
widget_at (PbCanvas *self,
           double    x,
           double    y,
           GType     type)
{
  GtkWidget *w;

  _pb_canvas_to_allocated (self, x, y, &x, &y);
  w = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);

  for (; w != NULL && w != GTK_WIDGET (self); w = gtk_widget_get_parent (w))
    if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
      return w;
  return NULL;
}

PbSocket *
_pb_canvas_socket_at (PbCanvas *self,
                      double    x,
                      double    y)
{
  return (PbSocket *) widget_at (self, x, y, PB_TYPE_SOCKET);
}

PbNodeView *
_pb_canvas_view_at (PbCanvas *self,
                    double    x,
                    double    y)
{
  return (PbNodeView *) widget_at (self, x, y, PB_TYPE_NODE_VIEW);
}

PbLink *
_pb_canvas_link_at (PbCanvas *self,
                    double    x,
                    double    y)
{
  GListModel *links = pb_document_get_links (self->document);
  double tolerance = WIRE_PICK_DISTANCE;
  PbLink *best = NULL;
  double best_distance = G_MAXDOUBLE;

  _pb_canvas_to_allocated (self, x, y, &x, &y);
  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);
      PbWire wire;
      double bx, by, bw, bh, d;

      if (!_pb_canvas_link_wire (self, link, &wire))
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

/* Whether (@x, @y) is on a control that takes its own clicks: a pinned
 * probe's card, or a button on a frame's header. The canvas leaves them
 * alone. */
gboolean
_pb_canvas_on_control (PbCanvas *self,
                       double    x,
                       double    y)
{
  gboolean button = FALSE;
  GtkWidget *w;

  _pb_canvas_to_allocated (self, x, y, &x, &y);
  for (w = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);
       w != NULL && w != GTK_WIDGET (self);
       w = gtk_widget_get_parent (w))
    {
      button |= GTK_IS_BUTTON (w);
      if (gtk_widget_has_css_class (w, "probe-pin") || (button && PB_IS_FRAME_VIEW (w)))
        return TRUE;
    }
  return FALSE;
}

/* Selection: view state on the nodes and links themselves. */

void
_pb_canvas_select_none (PbCanvas *self)
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
    _pb_canvas_select_none (self);
  pb_node_set_selected (node, TRUE);

  view = g_hash_table_lookup (self->view_of, node);
  if (view != NULL)
    gtk_widget_grab_focus (view);
}

/* Moving the focus from the keyboard brings what has it into view: a
 * node, or a frame's header, off the edge is panned to the middle. The
 * pointer's clicks focus too, and must not move the view under it. */
static void
pb_canvas_set_focus_child (GtkWidget *widget,
                           GtkWidget *child)
{
  PbCanvas *self = PB_CANVAS (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  graphene_rect_t bounds;
  double x, y;

  GTK_WIDGET_CLASS (pb_canvas_parent_class)->set_focus_child (widget, child);
  if (child == NULL || !GTK_IS_WINDOW (root) || !gtk_window_get_focus_visible (GTK_WINDOW (root))
      || !gtk_widget_compute_bounds (child, widget, &bounds))
    return;
  if (bounds.origin.x >= 0 && bounds.origin.y >= 0
      && bounds.origin.x + bounds.size.width <= gtk_widget_get_width (widget)
      && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (widget))
    return;
  /* Bounds are those of the latest allocation. */
  x = (bounds.origin.x + bounds.size.width / 2) / self->alloc_zoom + self->alloc_origin_x;
  y = (bounds.origin.y + bounds.size.height / 2) / self->alloc_zoom + self->alloc_origin_y;
  pb_canvas_center_on (self, x, y);
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

/* How long a pan must rest before the nodes are allocated where it left
 * them; until then, the last allocation is drawn translated. */
#define PAN_REST_MS 150

static gboolean
on_pan_rest (gpointer user_data)
{
  PbCanvas *self = user_data;

  self->rest_timeout = 0;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

/* The view moved or zoomed: draw what was allocated, transformed, and
 * allocate again once the view rests. */
static void
view_changed (PbCanvas *self)
{
  if (!self->keep_panning)
    g_clear_object (&self->keep_in_view);
  g_signal_emit (self, signals[VIEWPORT_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_clear_handle_id (&self->rest_timeout, g_source_remove);
  self->rest_timeout = g_timeout_add (PAN_REST_MS, on_pan_rest, self);
}

/* A person moved the view (see PbCanvas::view-moved). */
void
_pb_canvas_person_moved (PbCanvas *self)
{
  g_signal_emit (self, signals[VIEW_MOVED], 0);
}

/**
 * _pb_canvas_pan_to:
 * @origin_x: the canvas point to show at the widget's left edge
 * @origin_y: likewise, at the top
 *
 * Moves the view without laying anything out: the snapshot translates
 * what was allocated, and the allocation follows once the pan rests.
 */
void
_pb_canvas_pan_to (PbCanvas *self,
                   double    origin_x,
                   double    origin_y)
{
  self->origin_x = origin_x;
  self->origin_y = origin_y;
  view_changed (self);
}

void
_pb_canvas_scroll_by (PbCanvas *self,
                      double    dx,
                      double    dy)
{
  _pb_canvas_pan_to (self, self->origin_x + dx / self->zoom, self->origin_y + dy / self->zoom);
}

/**
 * _pb_canvas_redraw_wires:
 *
 * Forgets the wires as drawn, after anything they show changed.
 */
void
_pb_canvas_redraw_wires (PbCanvas *self)
{
  g_clear_pointer (&self->wires, gsk_render_node_unref);
  /* Its midpoints name links that may be gone. */
  g_array_set_size (self->midpoints, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * pb_canvas_scroll_to:
 * @x: the canvas point to show at the left edge of the view
 * @y: the canvas point to show at the top edge
 */
void
pb_canvas_scroll_to (PbCanvas *self,
                     double    x,
                     double    y)
{
  g_return_if_fail (PB_IS_CANVAS (self));

  _pb_canvas_scroll_by (self, (x - self->origin_x) * self->zoom, (y - self->origin_y) * self->zoom);
}

/* How long a node stays kept in view after it is asked: the inspector
 * slides in over a quarter of a second. */
#define KEEP_US (G_USEC_PER_SEC)

/* The origin that shows @node whole in a view of @width by @height
 * pixels, with a margin, moved by as little as it takes from where it
 * is; a node larger than the view shows its top left. */
static void
origin_showing (PbCanvas *self,
                PbNode   *node,
                int       width,
                int       height,
                double   *left,
                double   *top)
{
  double margin = 24 / self->zoom;
  double right = *left + width / self->zoom, bottom = *top + height / self->zoom;
  double x = pb_node_get_x (node), y = pb_node_get_y (node), w, h;

  /* In canvas units: a node is allocated at its size, then scaled. */
  pb_canvas_get_node_size (self, node, &w, &h);
  if (x + w + margin > right)
    *left += x + w + margin - right;
  if (x - margin < *left)
    *left = x - margin;
  if (y + h + margin > bottom)
    *top += y + h + margin - bottom;
  if (y - margin < *top)
    *top = y - margin;
}

/* Whether a node is still to be kept in view: not past its time, nor
 * after the view was moved by anything else. */
static gboolean
keeping (PbCanvas *self)
{
  if (self->keep_in_view != NULL && g_get_monotonic_time () > self->keep_until)
    g_clear_object (&self->keep_in_view);
  return self->keep_in_view != NULL;
}

/* Pans, now, to show the node kept in view. */
static void
show_kept (PbCanvas *self)
{
  double left = self->origin_x, top = self->origin_y;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (!keeping (self) || width <= 0 || height <= 0)
    return;
  origin_showing (self, self->keep_in_view, width, height, &left, &top);
  if (left != self->origin_x || top != self->origin_y)
    {
      self->keep_panning = TRUE;
      _pb_canvas_pan_to (self, left, top);
      self->keep_panning = FALSE;
    }
}

/**
 * pb_canvas_keep_in_view:
 *
 * Keeps @node in view for a moment, by as little a pan as it takes, as
 * the canvas is resized: the window asks it as the inspector slides in
 * beside the canvas, which would otherwise cover the node it shows. The
 * view never moves under a drag: after a click the node is brought in,
 * and a drag that moved something, or anything else that moves the
 * view, ends the request.
 */
void
pb_canvas_keep_in_view (PbCanvas *self,
                        PbNode   *node)
{
  g_return_if_fail (PB_IS_CANVAS (self));
  g_return_if_fail (PB_IS_NODE (node));

  g_set_object (&self->keep_in_view, node);
  self->keep_until = g_get_monotonic_time () + KEEP_US;
  if (self->mode == DRAG_NONE)
    show_kept (self);
}

void
_pb_canvas_settle (PbCanvas *self,
                   gboolean  moved)
{
  if (moved)
    g_clear_object (&self->keep_in_view);
  else
    show_kept (self);
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

  view_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
pb_canvas_get_zoom (PbCanvas *self)
{
  g_return_val_if_fail (PB_IS_CANVAS (self), 1);
  return self->zoom;
}

/* Sets the zoom and scroll that show every node in a view of @width by
 * @height, at most at 100 %. */
static void
fit (PbCanvas *self,
     double    width,
     double    height)
{
  graphene_rect_t bounds;
  double x0, y0, x1, y1;
  double margin = 32;

  pb_canvas_get_graph_bounds (self, &bounds);
  x0 = bounds.origin.x;
  y0 = bounds.origin.y;
  x1 = x0 + bounds.size.width;
  y1 = y0 + bounds.size.height;

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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

/**
 * pb_canvas_zoom_to_fit:
 *
 * Scales and scrolls so that every node is in view, at most at 100 %. On
 * a canvas not allocated yet, it happens at its first allocation.
 */
void
pb_canvas_zoom_to_fit (PbCanvas *self)
{
  g_return_if_fail (PB_IS_CANVAS (self));

  self->fit_pending = TRUE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
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
        {
          PbFrame *frame = pb_document_get_frame_of (self->document, pb_node_get_address (node));

          g_array_append_val (nodes, ((PbLayoutNode) { .id = pb_node_get_address (node),
                                                       .width = w, .height = h,
                                                       .cluster = frame != NULL ? pb_frame_get_id (frame) : 0 }));
        }
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

  _pb_canvas_frames_update_selection (self);

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
  if (added > 0)
    _pb_canvas_frames_update_members (self);

  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
on_link_notify (PbCanvas *self)
{
  _pb_canvas_redraw_wires (self);
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
      g_signal_connect_object (link, "queue-changed", G_CALLBACK (gtk_widget_queue_draw),
                               self, G_CONNECT_SWAPPED);
    }
  if (removed > 0)
    _pb_canvas_prune_pins (self);
  _pb_canvas_redraw_wires (self);
}

static void
disconnect_document (PbCanvas *self)
{
  if (self->document == NULL)
    return;

  g_signal_handlers_disconnect_by_data (pb_document_get_nodes (self->document), self);
  g_signal_handlers_disconnect_by_data (pb_document_get_links (self->document), self);
  g_signal_handlers_disconnect_by_data (self->document, self);
  _pb_canvas_frames_detach (self);
  on_nodes_changed (pb_document_get_nodes (self->document), 0, self->views->len, 0, self);
  g_clear_object (&self->wire_from);
  g_clear_object (&self->menu_link);
  /* Its probe view watches links of this document, as pins do. */
  g_clear_object (&self->tip);
  _pb_canvas_clear_pins (self);
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
      g_signal_connect_swapped (document, "changed", G_CALLBACK (_pb_canvas_redraw_wires), self);
      on_nodes_changed (nodes, 0, 0, g_list_model_get_n_items (nodes), self);
      _pb_canvas_frames_attach (self);
      /* A document opened in a window already shown is laid out at once,
       * so that its first frame shows it in place. */
      if (self->place_source != 0 && gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
        {
          g_clear_handle_id (&self->place_source, g_source_remove);
          place_unplaced (self);
        }
      /* A document whose nodes all have places opens with all of them in
       * view, wherever they are (placing the others fits them too). */
      else if (self->place_source == 0 && g_list_model_get_n_items (nodes) > 0)
        pb_canvas_zoom_to_fit (self);
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

/* Layout */

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
  gint64 start = g_get_monotonic_time ();

  g_clear_handle_id (&self->rest_timeout, g_source_remove);
  if (self->fit_pending && width > 0 && height > 0)
    {
      self->fit_pending = FALSE;
      fit (self, width, height);
      self->viewport_width = -1;
    }
  /* Only a new size moves what is visible: counters that reallocate the
   * nodes do not. */
  if (width != self->viewport_width || height != self->viewport_height)
    {
      self->viewport_width = width;
      self->viewport_height = height;
      /* Follows the new size at once: no pan to wait for here. */
      if (self->mode == DRAG_NONE && keeping (self))
        origin_showing (self, self->keep_in_view, width, height, &self->origin_x, &self->origin_y);
      g_signal_emit (self, signals[VIEWPORT_CHANGED], 0);
    }
  self->alloc_origin_x = self->origin_x;
  self->alloc_origin_y = self->origin_y;
  self->alloc_zoom = self->zoom;
  g_array_set_size (self->bounds, self->views->len);

  for (guint i = 0; i < self->views->len; i++)
    {
      GtkWidget *view = g_ptr_array_index (self->views, i);
      PbNode *node = pb_node_view_get_node (PB_NODE_VIEW (view));
      double x = (pb_node_get_x (node) - self->origin_x) * self->zoom;
      double y = (pb_node_get_y (node) - self->origin_y) * self->zoom;
      GskTransform *transform;
      int w, h;

      gtk_widget_measure (view, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
      gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);

      pb_node_view_set_brief (PB_NODE_VIEW (view), self->zoom < BRIEF_ZOOM);
      transform = gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (x, y));
      transform = gsk_transform_scale (transform, self->zoom, self->zoom);
      gtk_widget_allocate (view, w, h, -1, transform);
      g_array_index (self->bounds, graphene_rect_t, i) =
        GRAPHENE_RECT_INIT (x, y, w * self->zoom, h * self->zoom);
    }
  _pb_canvas_allocate_frames (self);
  _pb_canvas_allocate_pins (self);
  /* Every socket may have moved. */
  g_clear_pointer (&self->wires, gsk_render_node_unref);
  g_array_set_size (self->midpoints, 0);

  gtk_popover_present (GTK_POPOVER (self->refusal));
  gtk_popover_present (GTK_POPOVER (self->link_menu));
  _pb_canvas_pipeline_allocate (self);
  _pb_canvas_frames_present (self);
  self->allocate_us += g_get_monotonic_time () - start;
}

/**
 * pb_canvas_take_work_us:
 * @allocate_us: (out) (optional): time spent allocating since the last call
 * @snapshot_us: (out) (optional): time spent in snapshots since then
 *
 * The canvas's own share of the frames since the last call, apart from
 * GTK's rendering, which depends on the machine more than on the canvas.
 * Both start again from 0.
 */
void
pb_canvas_take_work_us (PbCanvas *self,
                        gint64   *allocate_us,
                        gint64   *snapshot_us)
{
  g_return_if_fail (PB_IS_CANVAS (self));

  if (allocate_us != NULL)
    *allocate_us = self->allocate_us;
  if (snapshot_us != NULL)
    *snapshot_us = self->snapshot_us;
  self->allocate_us = self->snapshot_us = 0;
}

static void
pb_canvas_dispose (GObject *object)
{
  PbCanvas *self = PB_CANVAS (object);

  disconnect_document (self);
  g_clear_handle_id (&self->refusal_timeout, g_source_remove);
  g_clear_handle_id (&self->place_source, g_source_remove);
  g_clear_handle_id (&self->rest_timeout, g_source_remove);
  g_clear_object (&self->keep_in_view);
  g_clear_pointer (&self->wires, gsk_render_node_unref);
  g_clear_pointer (&self->refusal, gtk_widget_unparent);
  g_clear_pointer (&self->link_menu, gtk_widget_unparent);
  _pb_canvas_tools_dispose (self);
  _pb_canvas_pipeline_dispose (self);
  _pb_canvas_frames_dispose (self);

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
  g_array_unref (self->bounds);
  g_array_unref (self->midpoints);
  g_hash_table_unref (self->pins);
  g_ptr_array_unref (self->frame_views);
  g_hash_table_unref (self->frame_view_of);
  g_array_unref (self->frame_bounds);

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
    case PROP_SNAP_TO_GRID:
      g_value_set_boolean (value, self->snap_to_grid);
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
    case PROP_SNAP_TO_GRID:
      pb_canvas_set_snap_to_grid (self, g_value_get_boolean (value));
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
  widget_class->snapshot = _pb_canvas_snapshot;
  widget_class->set_focus_child = pb_canvas_set_focus_child;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, PB_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, ZOOM_MIN, ZOOM_MAX, 1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_NODE] =
    g_param_spec_object ("selected-node", NULL, NULL, PB_TYPE_NODE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SNAP_TO_GRID] =
    g_param_spec_boolean ("snap-to-grid", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PbCanvas::failure-activated:
   * @node: the failed node, now selected
   *
   * The user activated a failed node's badge: show them what failed.
   */
  signals[FAILURE_ACTIVATED] =
    g_signal_new ("failure-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PB_TYPE_NODE);

  /**
   * PbCanvas::viewport-changed:
   *
   * The view panned, zoomed or changed size: what is visible moved.
   */
  signals[VIEWPORT_CHANGED] =
    g_signal_new ("viewport-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * PbCanvas::view-moved:
   *
   * A person moved the view: a pan, a scroll, a zoom, from the pointer or
   * the keyboard. The view moving by itself (to reveal a node, to keep
   * one clear of the inspector) emits only #PbCanvas::viewport-changed.
   */
  signals[VIEW_MOVED] =
    g_signal_new ("view-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  _pb_canvas_class_add_actions (widget_class);
  _pb_canvas_class_add_tools (widget_class);
  _pb_canvas_class_add_probes (widget_class);
  _pb_canvas_class_add_pipeline (widget_class);
  _pb_canvas_class_add_arrange (widget_class);
  _pb_canvas_class_add_frames (widget_class);

  gtk_widget_class_set_css_name (widget_class, "canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pb_canvas_init (PbCanvas *self)
{
  self->zoom = self->alloc_zoom = 1;
  self->views = g_ptr_array_new ();
  self->view_of = g_hash_table_new (NULL, NULL);
  self->moving = g_ptr_array_new_with_free_func (g_object_unref);
  self->moving_from = g_array_new (FALSE, FALSE, sizeof (double));
  self->bounds = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
  self->midpoints = g_array_new (FALSE, FALSE, sizeof (Midpoint));
  self->pins = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->frame_views = g_ptr_array_new ();
  self->frame_view_of = g_hash_table_new (NULL, NULL);
  self->frame_bounds = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Topology"),
                                  -1);

  _pb_canvas_add_controllers (self);
}
