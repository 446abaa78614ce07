/* pb-canvas-draw.c — what the canvas draws itself: grid, wires, gauges
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The nodes are widgets and draw themselves; the canvas draws what lies
 * between and beneath them. Panning and zooming move what the latest
 * allocation placed by a transform, and the wires are kept as one render
 * node until one changes, so a moving view costs a translation, not a
 * redraw.
 */

#include "config.h"

#include <math.h>

#include "pb-canvas-private.h"

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

/* Every wire, in the coordinates of the latest allocation, over the area
 * (x, y, width, height) of them: that is the view and a margin around it,
 * so that a pan shows wires until the allocation catches up. */
static void
snapshot_wires (PbCanvas    *self,
                GtkSnapshot *snapshot,
                double       x,
                double       y,
                double       width,
                double       height)
{
  GListModel *links = pb_document_get_links (self->document);
  GdkRGBA accent;
  cairo_t *cr;

  if (g_list_model_get_n_items (links) == 0)
    return;

  gdk_rgba_parse (&accent, "#3584e4");
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x, y, width, height));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);
      PbSocket *source = _pb_canvas_find_socket (self, pb_link_get_source (link));
      gboolean broken = (pb_link_get_flags (link) & PB_LINK_BREAK_INLINING) != 0;
      PbWire wire;
      GdkRGBA color;

      if (source == NULL || link == self->relinking || !_pb_canvas_link_wire (self, link, &wire))
        continue;
      {
        Midpoint mid = { link };

        pb_wire_point (&wire, 0.5, &mid.x, &mid.y);
        g_array_append_val (self->midpoints, mid);
      }
      pb_socket_item_color (pb_port_get_item_type (pb_socket_get_port (source)), &color);
      if (link == self->insert_target)
        {
          GdkRGBA halo = accent;

          halo.alpha = 0.6f;
          stroke_wire (cr, &wire, &halo, 10 * self->zoom, TRUE);
        }
      else if (pb_link_get_selected (link))
        {
          GdkRGBA halo = accent;

          halo.alpha = 0.45f;
          stroke_wire (cr, &wire, &halo, 8 * self->zoom, FALSE);
        }
      stroke_wire (cr, &wire, &color, MAX (1.0, 2.5 * self->zoom), broken);
    }
  cairo_destroy (cr);
}

/* The wire being dragged, from its socket to the pointer or to the
 * socket that would take it, in the coordinates of the allocation over
 * the area (x, y, width, height) of them. */
static void
snapshot_dragged_wire (PbCanvas    *self,
                       GtkSnapshot *snapshot,
                       PbSocket    *from,
                       double       to_x,
                       double       to_y,
                       double       x,
                       double       y,
                       double       width,
                       double       height)
{
  PbPort *port = pb_socket_get_port (from);
  double x0, y0, x1, y1;
  PbWire wire;
  GdkRGBA color;
  cairo_t *cr;

  _pb_canvas_to_allocated (self, to_x, to_y, &x1, &y1);
  pb_socket_get_center (from, GTK_WIDGET (self), &x0, &y0);
  if (from == self->wire_from && self->wire_to != NULL
      && gtk_widget_has_css_class (GTK_WIDGET (self->wire_to), "candidate"))
    pb_socket_get_center (self->wire_to, GTK_WIDGET (self), &x1, &y1);
  if (pb_port_get_direction (port) == PB_PORT_IN)
    pb_wire_init (&wire, x1, y1, x0, y0);
  else
    pb_wire_init (&wire, x0, y0, x1, y1);
  pb_socket_item_color (pb_port_get_item_type (port), &color);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x, y, width, height));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  stroke_wire (cr, &wire, &color, MAX (1.0, 2.5 * self->zoom), TRUE);
  cairo_destroy (cr);
}

/* How full each ring is, as a small gauge at the middle of its wire, from
 * green through yellow to red: where items queue up, and so which stage
 * holds the others back. Drawn every frame from the links' latest
 * figures, over the wires kept from before. */
static void
snapshot_queues (PbCanvas              *self,
                 GtkSnapshot           *snapshot,
                 const graphene_rect_t *view)
{
  float w = 26 * self->alloc_zoom, h = 8 * self->alloc_zoom;
  GdkRGBA frame, empty;

  gdk_rgba_parse (&frame, "rgba(0,0,0,0.45)");
  gdk_rgba_parse (&empty, "rgba(255,255,255,0.9)");
  for (guint i = 0; i < self->midpoints->len; i++)
    {
      const Midpoint *mid = &g_array_index (self->midpoints, Midpoint, i);
      double fill = pb_link_get_queue (mid->link, NULL);
      graphene_rect_t gauge = GRAPHENE_RECT_INIT (mid->x - w / 2, mid->y - h / 2, w, h);
      GskRoundedRect outline;
      GdkRGBA level;
      const float widths[4] = { 1, 1, 1, 1 };

      if (fill < 0 || !graphene_rect_intersection (&gauge, view, NULL))
        continue;
      fill = MIN (fill, 1.0);
      level.red = fill < 0.5 ? 0.2f + 1.5f * (float) fill : 0.95f;
      level.green = fill < 0.5 ? 0.82f : 0.82f - 1.4f * (float) (fill - 0.5);
      level.blue = 0.3f;
      level.alpha = 1;

      gsk_rounded_rect_init_from_rect (&outline, &gauge, h / 2);
      gtk_snapshot_push_rounded_clip (snapshot, &outline);
      gtk_snapshot_append_color (snapshot, &empty, &gauge);
      gtk_snapshot_append_color (snapshot, &level,
                                 &GRAPHENE_RECT_INIT (gauge.origin.x, gauge.origin.y,
                                                      MAX (1, w * (float) fill), h));
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_append_border (snapshot, &outline, widths,
                                  (GdkRGBA[4]) { frame, frame, frame, frame });
    }
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

/* The canvas's GtkWidget.snapshot. */
void
_pb_canvas_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  PbCanvas *self = PB_CANVAS (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  gint64 start = g_get_monotonic_time ();

  double dx = (self->alloc_origin_x - self->origin_x) * self->zoom;
  double dy = (self->alloc_origin_y - self->origin_y) * self->zoom;
  double scale = self->zoom / self->alloc_zoom;
  graphene_rect_t view = GRAPHENE_RECT_INIT (-dx / scale, -dy / scale, width / scale, height / scale);

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  snapshot_grid (self, snapshot, width, height);

  /* What was allocated, moved and scaled as the view panned and zoomed
   * since. */
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (dx, dy));
  gtk_snapshot_scale (snapshot, scale, scale);
  _pb_canvas_snapshot_frames (self, snapshot, &view);
  if (self->document != NULL && self->wires == NULL)
    {
      GtkSnapshot *wires = gtk_snapshot_new ();

      g_array_set_size (self->midpoints, 0);
      snapshot_wires (self, wires, -width, -height, 3 * width, 3 * height);
      self->wires = gtk_snapshot_free_to_node (wires);
    }
  if (self->wires != NULL)
    gtk_snapshot_append_node (snapshot, self->wires);
  snapshot_queues (self, snapshot, &view);
  for (guint i = 0; i < self->views->len; i++)
    if (i < self->bounds->len
        && graphene_rect_intersection (&g_array_index (self->bounds, graphene_rect_t, i), &view, NULL))
      gtk_widget_snapshot_child (widget, g_ptr_array_index (self->views, i), snapshot);
  _pb_canvas_snapshot_pins (self, snapshot);
  if (self->mode == DRAG_WIRE && self->wire_from != NULL)
    snapshot_dragged_wire (self, snapshot, self->wire_from, self->pointer_x, self->pointer_y,
                           view.origin.x, view.origin.y, view.size.width, view.size.height);
  /* While quick-add asks what to add, the wire stays where it was let go. */
  else if (self->quick_add_from != 0 && self->document != NULL)
    {
      PbSocket *from = _pb_canvas_find_socket (self, self->quick_add_from);

      if (from != NULL)
        snapshot_dragged_wire (self, snapshot, from, self->quick_add_wx, self->quick_add_wy,
                               view.origin.x, view.origin.y, view.size.width, view.size.height);
    }
  gtk_snapshot_restore (snapshot);

  if (self->mode == DRAG_BAND)
    snapshot_band (self, snapshot);

  gtk_snapshot_pop (snapshot);
  self->snapshot_us += g_get_monotonic_time () - start;
}
