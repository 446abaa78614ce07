/* pb-probe-view.c — what crosses a link, live
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows a link's probe: how fast items cross it, a plot of the latest
 * 64 values, and the newest of them as numbers, newest first. It watches
 * its link only while it is on screen (mapped), since a probe is compiled
 * into the running code: a tooltip that hides, or a popover that closes,
 * takes the probe out again.
 */

#include "config.h"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n.h>

#include "pb-probe-view.h"
#include "pb-units.h"

/* The newest values listed as numbers; the plot shows all it has. */
#define LISTED 8

struct _PbProbeView
{
  GtkWidget       parent_instance;

  PbDocument     *document;
  PbLink         *link;
  gboolean        watching;

  /* Bound so that disposing the template unparents it. */
  GtkBox         *box;
  GtkLabel       *summary_label;
  GtkDrawingArea *plot;
  GtkLabel       *values_label;
};

G_DEFINE_FINAL_TYPE (PbProbeView, pb_probe_view, GTK_TYPE_WIDGET)

static double
value_at (const pb_probe_info *info,
          size_t               k)
{
  switch (info->type)
    {
    case PB_ITEM_F64: return info->values[k].f64;
    case PB_ITEM_U8:  return info->values[k].u8;
    default:          return (double) info->values[k].i64;
    }
}

/* One value as a person reads it: a byte as its character where it has
 * one, and its number. */
static void
append_value (GString             *out,
              const pb_probe_info *info,
              size_t               k)
{
  switch (info->type)
    {
    case PB_ITEM_F64:
      g_string_append_printf (out, "%.6g", info->values[k].f64);
      break;
    case PB_ITEM_U8:
      {
        guint8 b = info->values[k].u8;

        if (g_ascii_isprint (b) && b != ' ')
          g_string_append_printf (out, "'%c'  0x%02x", b, b);
        else
          g_string_append_printf (out, "0x%02x", b);
      }
      break;
    default:
      g_string_append_printf (out, "%" PRId64, info->values[k].i64);
      break;
    }
}

/**
 * pb_probe_view_dup_values:
 *
 * Returns: (transfer full): the values the view lists, one per line,
 *   newest first; "" when it has none
 */
char *
pb_probe_view_dup_values (PbProbeView *self)
{
  const pb_probe_info *info;
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (PB_IS_PROBE_VIEW (self), NULL);

  info = self->link != NULL ? pb_link_get_probe (self->link, NULL) : NULL;
  for (size_t i = 0; info != NULL && i < info->n_values && i < LISTED; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      append_value (out, info, info->n_values - 1 - i);
    }
  return g_string_free (out, FALSE);
}

static void
refresh (PbProbeView *self)
{
  const pb_probe_info *info = NULL;
  g_autofree char *values = NULL;
  double rate = 0;

  if (self->link != NULL)
    info = pb_link_get_probe (self->link, &rate);
  if (info == NULL)
    gtk_label_set_text (self->summary_label, _("Waiting for items…"));
  else
    {
      g_autofree char *rate_text = pb_format_rate (rate);
      /* Translators: a probe's summary: the rate items cross a link at,
       * and how many crossed since the probe was set. */
      g_autofree char *seen = g_strdup_printf ("%" G_GUINT64_FORMAT, info->seen);
      g_autofree char *text = g_strdup_printf (_("%s · %s seen"), rate_text, seen);

      gtk_label_set_text (self->summary_label, text);
    }
  values = pb_probe_view_dup_values (self);
  gtk_label_set_text (self->values_label, values);
  gtk_widget_queue_draw (GTK_WIDGET (self->plot));
}

/* The latest values as a line, scaled to their range, with the range's
 * ends labelled. */
static void
draw_plot (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        data)
{
  PbProbeView *self = data;
  const pb_probe_info *info = self->link != NULL ? pb_link_get_probe (self->link, NULL) : NULL;
  GdkRGBA color;
  double lo = INFINITY, hi = -INFINITY;

  if (info == NULL || info->n_values == 0)
    return;
  for (size_t k = 0; k < info->n_values; k++)
    {
      double v = value_at (info, k);

      if (isfinite (v))
        {
          lo = MIN (lo, v);
          hi = MAX (hi, v);
        }
    }
  if (!isfinite (lo))
    return;
  if (hi == lo)
    {
      hi += 0.5;
      lo -= 0.5;
    }

  /* GTK 4.10 calls this gtk_widget_get_color(); 4.8 has only this. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (size_t k = 0; k < info->n_values; k++)
    {
      double v = value_at (info, k);
      double x = info->n_values > 1 ? 2 + (width - 4) * (double) k / (double) (info->n_values - 1)
                                    : width / 2.0;
      double y = 2 + (height - 4) * (1 - (v - lo) / (hi - lo));

      if (!isfinite (v))
        continue;
      if (k == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);
}

static void
on_probe_changed (PbProbeView *self)
{
  refresh (self);
}

static void
watch (PbProbeView *self,
       gboolean     on)
{
  if (self->link == NULL || self->document == NULL || self->watching == on)
    return;
  self->watching = on;
  if (on)
    pb_document_watch_link (self->document, self->link);
  else
    pb_document_unwatch_link (self->document, self->link);
}

/**
 * pb_probe_view_set_link:
 * @link: (nullable): the link to show
 *
 * Shows @link, watching it (pb_document_watch_link()) while the view is
 * mapped.
 */
void
pb_probe_view_set_link (PbProbeView *self,
                        PbLink      *link)
{
  g_return_if_fail (PB_IS_PROBE_VIEW (self));

  if (self->link == link)
    return;
  if (self->link != NULL)
    {
      watch (self, FALSE);
      g_signal_handlers_disconnect_by_func (self->link, on_probe_changed, self);
    }
  g_set_object (&self->link, link);
  if (link != NULL)
    {
      g_signal_connect_swapped (link, "probe-changed", G_CALLBACK (on_probe_changed), self);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        watch (self, TRUE);
    }
  refresh (self);
}

PbLink *
pb_probe_view_get_link (PbProbeView *self)
{
  g_return_val_if_fail (PB_IS_PROBE_VIEW (self), NULL);
  return self->link;
}

static void
pb_probe_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pb_probe_view_parent_class)->map (widget);
  watch (PB_PROBE_VIEW (widget), TRUE);
}

static void
pb_probe_view_unmap (GtkWidget *widget)
{
  watch (PB_PROBE_VIEW (widget), FALSE);
  GTK_WIDGET_CLASS (pb_probe_view_parent_class)->unmap (widget);
}

static void
pb_probe_view_dispose (GObject *object)
{
  PbProbeView *self = PB_PROBE_VIEW (object);

  pb_probe_view_set_link (self, NULL);
  g_clear_object (&self->document);
  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_PROBE_VIEW);
  G_OBJECT_CLASS (pb_probe_view_parent_class)->dispose (object);
}

static void
pb_probe_view_class_init (PbProbeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_probe_view_dispose;
  widget_class->map = pb_probe_view_map;
  widget_class->unmap = pb_probe_view_unmap;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/pushback/Pushback/ui/pb-probe-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PbProbeView, box);
  gtk_widget_class_bind_template_child (widget_class, PbProbeView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, PbProbeView, plot);
  gtk_widget_class_bind_template_child (widget_class, PbProbeView, values_label);
}

static void
pb_probe_view_init (PbProbeView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->plot, draw_plot, self, NULL);
}

/**
 * pb_probe_view_new:
 * @document: the document whose links it shows
 *
 * Returns: (transfer floating): a new view, showing no link yet
 */
GtkWidget *
pb_probe_view_new (PbDocument *document)
{
  PbProbeView *self = g_object_new (PB_TYPE_PROBE_VIEW, NULL);

  self->document = g_object_ref (document);
  refresh (self);
  return GTK_WIDGET (self);
}
