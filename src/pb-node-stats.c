/* pb-node-stats.c — a node's live counters, drawn without relayout
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Counters change ten times a second on every node. A label would queue
 * a resize each time, and a canvas of a thousand nodes would lay out
 * again for every tick; this widget keeps a fixed size (two lines of
 * about 26 tabular characters, measured once from its font, or more for
 * a sink whose value takes more) and only redraws. The first line holds
 * the rates, the next ones a sink's value;
 * under them a thin bar shows the node's share of busy time, from yellow
 * to red, so the hot process stands out. What is drawn is also the
 * widget's accessible description, for screen readers.
 */

#include "config.h"

#include "pb-node-stats.h"

#define WIDTH_CHARS 26
#define BAR_HEIGHT 3

struct _PbNodeStats
{
  GtkWidget  parent_instance;

  char      *rates;
  char      *value;
  char      *text;
  double     heat;
  PangoLayout *layout;   /* kept, so that new text is set, not a new layout made */
  gboolean   layout_stale;
  gboolean   brief;
  guint      value_lines;
};

G_DEFINE_FINAL_TYPE (PbNodeStats, pb_node_stats, GTK_TYPE_WIDGET)

/**
 * pb_node_stats_new:
 *
 * Returns: (transfer floating): an empty counter line
 */
GtkWidget *
pb_node_stats_new (void)
{
  return g_object_new (PB_TYPE_NODE_STATS, NULL);
}

static PangoLayout *
make_layout (PbNodeStats *self,
             const char  *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  /* Tabular figures: digits keep their places as the numbers change. */
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static gboolean
same (const char *a,
      const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

/**
 * pb_node_stats_set:
 * @rates: (nullable): the first line: "1.23 M/s · 48.0 ns · 37 %"
 * @value: (nullable): the second line: a sink's value so far
 * @heat: the node's share of busy time, 0 to 1
 *
 * Shows new counters; only a redraw follows, never a relayout.
 */
void
pb_node_stats_set (PbNodeStats *self,
                   const char  *rates,
                   const char  *value,
                   double       heat)
{
  gboolean redraw;

  g_return_if_fail (PB_IS_NODE_STATS (self));

  heat = CLAMP (heat, 0, 1);
  if (same (self->rates, rates) && same (self->value, value) && self->heat == heat)
    return;
  /* Brief, only the bar is drawn: new text alone needs no redraw. */
  redraw = !self->brief || self->heat != heat;

  g_free (self->rates);
  g_free (self->value);
  g_free (self->text);
  self->rates = g_strdup (rates);
  self->value = g_strdup (value);
  self->heat = heat;
  self->text = g_strjoin ("\n", rates != NULL ? rates : "", value != NULL ? value : "", NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->text,
                                  -1);
  self->layout_stale = TRUE;
  if (redraw)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * pb_node_stats_set_brief:
 * @brief: whether to draw the heat bar alone
 *
 * Far out, text is a few pixels high and costs more to draw than it
 * tells: the canvas asks for the bar alone below a zoom where it reads.
 */
void
pb_node_stats_set_brief (PbNodeStats *self,
                         gboolean     brief)
{
  g_return_if_fail (PB_IS_NODE_STATS (self));

  brief = !!brief;
  if (self->brief == brief)
    return;
  self->brief = brief;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * pb_node_stats_set_value_lines:
 * @n_lines: how many lines the value takes (1 by default; a print shows
 *   its last few lines)
 *
 * Sets the widget's fixed height once, for its node's kind: a value with
 * more lines is cut, each line ellipsized.
 */
void
pb_node_stats_set_value_lines (PbNodeStats *self,
                               guint        n_lines)
{
  g_return_if_fail (PB_IS_NODE_STATS (self));

  n_lines = MAX (n_lines, 1);
  if (self->value_lines == n_lines)
    return;
  self->value_lines = n_lines;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * pb_node_stats_get_text:
 *
 * Returns: (nullable): the two lines as shown, joined by a newline
 */
const char *
pb_node_stats_get_text (PbNodeStats *self)
{
  g_return_val_if_fail (PB_IS_NODE_STATS (self), NULL);
  return self->text;
}

static void
pb_node_stats_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  PbNodeStats *self = PB_NODE_STATS (widget);
  g_autofree char *sample = g_strnfill (WIDTH_CHARS, '0');
  g_autoptr(PangoLayout) layout = make_layout (self, sample);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = width;
  else
    *minimum = *natural = (1 + (int) self->value_lines) * height + BAR_HEIGHT + 2;
}

static void
pb_node_stats_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  PbNodeStats *self = PB_NODE_STATS (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  GdkRGBA color;
  GdkRGBA bar;

  /* GTK 4.10 calls this gtk_widget_get_color(); 4.8, which we build for,
   * has only the style context's getter. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  if (self->text != NULL && !self->brief)
    {
      if (self->layout == NULL)
        self->layout = make_layout (self, self->text);
      else if (self->layout_stale)
        pango_layout_set_text (self->layout, self->text, -1);
      self->layout_stale = FALSE;
      pango_layout_set_width (self->layout, (int) width * PANGO_SCALE);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      gtk_snapshot_append_layout (snapshot, self->layout, &color);
    }

  if (self->heat > 0)
    {
      /* From GNOME's yellow to its red as the share grows. */
      bar.red = 0.965f + (0.878f - 0.965f) * self->heat;
      bar.green = 0.827f + (0.106f - 0.827f) * self->heat;
      bar.blue = 0.176f + (0.141f - 0.176f) * self->heat;
      bar.alpha = 1;
      gtk_snapshot_append_color (snapshot, &bar,
                                 &GRAPHENE_RECT_INIT (0, height - BAR_HEIGHT,
                                                      MAX (2.0f, width * (float) self->heat),
                                                      BAR_HEIGHT));
    }
}

static void
pb_node_stats_finalize (GObject *object)
{
  PbNodeStats *self = PB_NODE_STATS (object);

  g_free (self->rates);
  g_free (self->value);
  g_free (self->text);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (pb_node_stats_parent_class)->finalize (object);
}

static void
pb_node_stats_class_init (PbNodeStatsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pb_node_stats_finalize;

  widget_class->measure = pb_node_stats_measure;
  widget_class->snapshot = pb_node_stats_snapshot;

  gtk_widget_class_set_css_name (widget_class, "stats");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
}

static void
pb_node_stats_init (PbNodeStats *self)
{
  self->value_lines = 1;
}
