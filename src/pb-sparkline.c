/* pb-sparkline.c — a small line chart of a row's last minute
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As Sysprof draws its line layers: a filled area under a line, in the
 * widget's own foreground colour so that it follows the theme (and the
 * selected row's colours), scaled to its own largest value, since a row
 * is read for its shape, not compared with its neighbours. Newest on the
 * right; a row with fewer samples than the span starts part way along.
 * It has a fixed natural size, so new samples only redraw it.
 */

#include "config.h"

#include <string.h>

#include "pb-sparkline.h"

#define WIDTH 96
#define HEIGHT 18

struct _PbSparkline
{
  GtkWidget  parent_instance;

  double    *values;
  guint      n_values;
  guint      span;
};

G_DEFINE_FINAL_TYPE (PbSparkline, pb_sparkline, GTK_TYPE_WIDGET)

/** pb_sparkline_new: Returns: (transfer floating): an empty sparkline */
GtkWidget *
pb_sparkline_new (void)
{
  return g_object_new (PB_TYPE_SPARKLINE, NULL);
}

/**
 * pb_sparkline_set_values:
 * @values: (array length=n_values): the samples, oldest first, not negative
 * @span: how many samples the width stands for
 */
void
pb_sparkline_set_values (PbSparkline  *self,
                         const double *values,
                         guint         n_values,
                         guint         span)
{
  g_return_if_fail (PB_IS_SPARKLINE (self));

  if (n_values == self->n_values && span == self->span
      && (n_values == 0 || memcmp (values, self->values, n_values * sizeof (double)) == 0))
    return;
  g_free (self->values);
  self->values = g_memdup2 (values, n_values * sizeof (double));
  self->n_values = n_values;
  self->span = MAX (span, 2);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pb_sparkline_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? WIDTH : HEIGHT;
}

static void
pb_sparkline_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  PbSparkline *self = PB_SPARKLINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA color;
  double top = 0;
  double step;
  cairo_t *cr;

  if (width <= 0 || height <= 2)
    return;

  /* A faint baseline across the whole span, so that a row that has
   * only begun its minute reads as a chart, not as a stray mark. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  color.alpha *= 0.25;
  gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (0, height - 1, width, 1));
  if (self->n_values < 2)
    return;
  for (guint i = 0; i < self->n_values; i++)
    top = MAX (top, self->values[i]);
  if (top <= 0)
    top = 1;

  /* gtk_widget_get_color() comes in GTK 4.10; on 4.8 this is the way. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  color.alpha *= 0.8;
  step = (double) width / (self->span - 1);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_width (cr, 1.25);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < self->n_values; i++)
    {
      double x = width - (self->n_values - 1 - i) * step;
      double y = 1 + (height - 2) * (1 - self->values[i] / top);

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_stroke_preserve (cr);
  cairo_line_to (cr, width, height);
  cairo_line_to (cr, width - (self->n_values - 1) * step, height);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha * 0.15);
  cairo_fill (cr);
  cairo_destroy (cr);
}

static void
pb_sparkline_finalize (GObject *object)
{
  PbSparkline *self = PB_SPARKLINE (object);

  g_free (self->values);

  G_OBJECT_CLASS (pb_sparkline_parent_class)->finalize (object);
}

static void
pb_sparkline_class_init (PbSparklineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pb_sparkline_finalize;
  widget_class->measure = pb_sparkline_measure;
  widget_class->snapshot = pb_sparkline_snapshot;
  gtk_widget_class_set_css_name (widget_class, "sparkline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pb_sparkline_init (PbSparkline *self)
{
  self->span = 2;
}
