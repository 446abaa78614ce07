/* pb-node-chart.c — a scope's latest values, as a small line chart
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inside a scope's node, under its sockets: the values it keeps, oldest
 * on the left and the newest at the right edge, scaled between their
 * least and greatest, which are labelled on the left in tabular digits.
 * Like the counter line, it has a fixed size and only redraws when new
 * values come, so ten updates a second lay nothing out again.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "pb-node-chart.h"

#define CHART_WIDTH 184
#define CHART_HEIGHT 64
#define GUTTER 4

struct _PbNodeChart
{
  GtkWidget  parent_instance;

  double    *values;
  gsize      n_values;
  gsize      room;
  gsize      capacity;
  double     min;
  double     max;
};

G_DEFINE_FINAL_TYPE (PbNodeChart, pb_node_chart, GTK_TYPE_WIDGET)

/**
 * pb_node_chart_new:
 *
 * Returns: (transfer floating): an empty chart
 */
GtkWidget *
pb_node_chart_new (void)
{
  return g_object_new (PB_TYPE_NODE_CHART, NULL);
}

/* A label for an axis: three significant digits, and a real minus sign. */
static char *
format_axis (double value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  if (fabs (value) < 1e-9)
    value = 0;
  g_snprintf (text, sizeof text, "%.3g", fabs (value));
  return value < 0 ? g_strconcat ("−", text, NULL) : g_strdup (text);
}

static void
update_description (PbNodeChart *self)
{
  g_autofree char *description = NULL;

  if (self->n_values == 0)
    description = g_strdup (_("No values yet"));
  else
    {
      g_autofree char *min = format_axis (self->min);
      g_autofree char *max = format_axis (self->max);
      g_autofree char *last = format_axis (self->values[self->n_values - 1]);

      /* Translators: how a screen reader describes a scope's chart:
       * "Line chart of 200 values from −1 to 1, latest 0.5". */
      description = g_strdup_printf (ngettext ("Line chart of %zu value from %s to %s, latest %s",
                                               "Line chart of %zu values from %s to %s, latest %s",
                                               self->n_values),
                                     self->n_values, min, max, last);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

/**
 * pb_node_chart_set_values:
 * @values: (array length=n_values): the latest values, oldest first
 * @capacity: how many values the scope keeps: the chart's full width
 *
 * Shows new values (copied); only a redraw follows.
 */
void
pb_node_chart_set_values (PbNodeChart  *self,
                          const double *values,
                          gsize         n_values,
                          gsize         capacity)
{
  g_return_if_fail (PB_IS_NODE_CHART (self));

  if (n_values == self->n_values && capacity == self->capacity
      && (n_values == 0 || memcmp (values, self->values, n_values * sizeof *values) == 0))
    return;

  if (n_values > self->room)
    {
      self->room = MAX (n_values, capacity);
      self->values = g_renew (double, self->values, self->room);
    }
  if (n_values > 0)
    memcpy (self->values, values, n_values * sizeof *values);
  self->n_values = n_values;
  self->capacity = MAX (capacity, n_values);
  self->min = self->max = n_values > 0 ? values[0] : 0;
  for (gsize i = 1; i < n_values; i++)
    {
      self->min = MIN (self->min, values[i]);
      self->max = MAX (self->max, values[i]);
    }
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * pb_node_chart_get_n_values:
 *
 * Returns: how many values the chart draws
 */
gsize
pb_node_chart_get_n_values (PbNodeChart *self)
{
  g_return_val_if_fail (PB_IS_NODE_CHART (self), 0);
  return self->n_values;
}

static PangoLayout *
make_layout (PbNodeChart *self,
             const char  *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  /* Tabular figures: the labels keep their width as the numbers change. */
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static void
pb_node_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? CHART_WIDTH : CHART_HEIGHT;
}

static void
pb_node_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  PbNodeChart *self = PB_NODE_CHART (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  g_autofree char *max_text = format_axis (self->max);
  g_autofree char *min_text = format_axis (self->min);
  g_autoptr(PangoLayout) max_layout = make_layout (self, max_text);
  g_autoptr(PangoLayout) min_layout = make_layout (self, min_text);
  g_autoptr(PangoLayout) sample = make_layout (self, "−0.000");
  GdkRGBA color;
  GdkRGBA faint;
  int gutter, label_w, label_h;
  double left, top, plot_w, plot_h, lo, hi;
  cairo_t *cr;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  faint = color;
  faint.alpha *= 0.08f;

  /* The gutter fits six tabular characters, so the plot does not move
   * when a label grows a digit. */
  pango_layout_get_pixel_size (sample, &gutter, &label_h);
  left = gutter + GUTTER;
  top = label_h / 2.0;
  plot_w = width - left;
  plot_h = height - label_h;
  if (plot_w < 8 || plot_h < 8)
    return;

  gtk_snapshot_append_color (snapshot, &faint, &GRAPHENE_RECT_INIT (left, top, plot_w, plot_h));
  if (self->n_values == 0)
    return;

  pango_layout_get_pixel_size (max_layout, &label_w, NULL);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (gutter - label_w, 0));
  gtk_snapshot_append_layout (snapshot, max_layout, &color);
  gtk_snapshot_restore (snapshot);
  pango_layout_get_pixel_size (min_layout, &label_w, NULL);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (gutter - label_w, height - label_h));
  gtk_snapshot_append_layout (snapshot, min_layout, &color);
  gtk_snapshot_restore (snapshot);

  /* A flat line sits in the middle rather than on an edge. */
  lo = self->min;
  hi = self->max;
  if (hi - lo < 1e-12)
    {
      lo -= 1;
      hi += 1;
    }

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (left, top, plot_w, plot_h));
  cairo_rectangle (cr, left, top, plot_w, plot_h);
  cairo_clip (cr);
  for (gsize i = 0; i < self->n_values; i++)
    {
      gsize slot = self->capacity - self->n_values + i;
      double x = left + (self->capacity > 1 ? plot_w * slot / (self->capacity - 1) : plot_w);
      double y = top + plot_h - (self->values[i] - lo) / (hi - lo) * plot_h;

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  /* GNOME's blue 3, which reads on light and dark cards. */
  cairo_set_source_rgb (cr, 0.208, 0.518, 0.894);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

static void
pb_node_chart_finalize (GObject *object)
{
  PbNodeChart *self = PB_NODE_CHART (object);

  g_free (self->values);

  G_OBJECT_CLASS (pb_node_chart_parent_class)->finalize (object);
}

static void
pb_node_chart_class_init (PbNodeChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pb_node_chart_finalize;

  widget_class->measure = pb_node_chart_measure;
  widget_class->snapshot = pb_node_chart_snapshot;

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pb_node_chart_init (PbNodeChart *self)
{
  update_description (self);
}
