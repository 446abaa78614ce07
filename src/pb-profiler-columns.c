/* pb-profiler-columns.c — what each column of the profiler shows
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The profiler's three tables, column by column: how a figure reads
 * (with pb-units, in tabular digits), how the column sorts, and the
 * cells that follow a row's notifications while they show it. Cells are
 * made by signal factories rather than from .ui templates: a cell tells
 * its row that it watches it (pb_profiler_row_watch()), so that the
 * thousands of rows no cell shows never notify.
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "pb-profiler-chain.h"
#include "pb-profiler-private.h"
#include "pb-profiler-row.h"
#include "pb-run-diff.h"
#include "pb-sparkline.h"
#include "pb-units.h"

typedef char *(*FormatFunc) (GObject *item);

/* What one column shows: the property its cells follow and sort by, and
 * how its value reads. */
typedef struct
{
  const char       *property;
  FormatFunc        format;
  gboolean          numeric;
  GCompareDataFunc  compare;   /* for process rows: reads fields directly */
} ColumnSpec;

static char *
format_name (GObject *item)
{
  g_autofree char *name = NULL;

  g_object_get (item, "name", &name, NULL);
  return g_steal_pointer (&name);
}

static char *
format_kind (GObject *item)
{
  g_autofree char *kind = NULL;

  g_object_get (item, "kind", &kind, NULL);
  return g_steal_pointer (&kind);
}

static char *
format_count (guint64 count)
{
  /* The ' flag groups thousands as the locale does: "1,234,567". */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
}

static char *
format_calls (GObject *item)
{
  return format_count (pb_profiler_row_get_calls (PB_PROFILER_ROW (item)));
}

static char *
format_busy (GObject *item)
{
  return pb_format_duration ((double) pb_profiler_row_get_busy_ns (PB_PROFILER_ROW (item)));
}

static char *
format_share (GObject *item)
{
  return pb_format_share (pb_profiler_row_get_share (PB_PROFILER_ROW (item)));
}

static char *
format_rate (GObject *item)
{
  return pb_format_rate (pb_profiler_row_get_rate (PB_PROFILER_ROW (item)));
}

static char *
format_ns_per_item (GObject *item)
{
  double ns = pb_profiler_row_get_ns_per_item (PB_PROFILER_ROW (item));

  return ns > 0 ? pb_format_duration (ns) : g_strdup ("—");
}

static char *
format_chain_names (GObject *item)
{
  return g_strdup (pb_profiler_chain_get_names (PB_PROFILER_CHAIN (item)));
}

static char *
format_chain_processes (GObject *item)
{
  return g_strdup_printf ("%u", pb_profiler_chain_get_n_processes (PB_PROFILER_CHAIN (item)));
}

static char *
format_compile (GObject *item)
{
  return pb_format_duration ((double) pb_profiler_chain_get_compile_ns (PB_PROFILER_CHAIN (item)));
}

static char *
format_code_bytes (GObject *item)
{
  return g_format_size (pb_profiler_chain_get_code_bytes (PB_PROFILER_CHAIN (item)));
}

static char *
format_recompiles (GObject *item)
{
  return format_count (pb_profiler_chain_get_recompiles (PB_PROFILER_CHAIN (item)));
}

static char *
format_cost (double   cost,
             gboolean per_item)
{
  g_autofree char *duration = NULL;

  if (!isfinite (cost))
    return g_strdup ("—");
  duration = pb_format_duration (cost);
  if (per_item)
    return g_steal_pointer (&duration);
  /* Translators: busy time per second of a run, for a process that
   * handled no item: "12.0 ms/s". */
  return g_strdup_printf (_("%s/s"), duration);
}

static char *
format_cost_a (GObject *item)
{
  gboolean per_item;

  g_object_get (item, "per-item", &per_item, NULL);
  return format_cost (pb_run_diff_get_cost_a (PB_RUN_DIFF (item)), per_item);
}

static char *
format_cost_b (GObject *item)
{
  gboolean per_item;

  g_object_get (item, "per-item", &per_item, NULL);
  return format_cost (pb_run_diff_get_cost_b (PB_RUN_DIFF (item)), per_item);
}

static char *
format_change (GObject *item)
{
  double change = pb_run_diff_get_change (PB_RUN_DIFF (item));

  if (!isfinite (change))
    return g_strdup ("—");
  /* Translators: how much more (+) or less (−) a process cost in run B
   * than in run A, in percent: "+12.5 %", "−3.0 %". */
  return g_strdup_printf (_("%s%.1f %%"), change > 0 ? "+" : change < 0 ? "−" : "±", fabs (change));
}

/* The process table sorts a thousand rows once a second: its sorters
 * read the rows' fields, as property expressions would through GValues
 * at many times the cost. */
#define ROW(p) PB_PROFILER_ROW ((gpointer) (p))
#define ORDER(x, y) ((x) < (y) ? GTK_ORDERING_SMALLER : (x) > (y) ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL)

static int
compare_name (gconstpointer a, gconstpointer b, gpointer data)
{
  int order = g_utf8_collate (pb_profiler_row_get_name (ROW (a)), pb_profiler_row_get_name (ROW (b)));

  return ORDER (order, 0);
}

static int
compare_kind (gconstpointer a, gconstpointer b, gpointer data)
{
  int order = g_strcmp0 (pb_profiler_row_get_kind (ROW (a)), pb_profiler_row_get_kind (ROW (b)));

  return ORDER (order, 0);
}

static int
compare_calls (gconstpointer a, gconstpointer b, gpointer data)
{
  return ORDER (pb_profiler_row_get_calls (ROW (a)), pb_profiler_row_get_calls (ROW (b)));
}

static int
compare_busy (gconstpointer a, gconstpointer b, gpointer data)
{
  return ORDER (pb_profiler_row_get_busy_ns (ROW (a)), pb_profiler_row_get_busy_ns (ROW (b)));
}

static int
compare_share (gconstpointer a, gconstpointer b, gpointer data)
{
  return ORDER (pb_profiler_row_get_share (ROW (a)), pb_profiler_row_get_share (ROW (b)));
}

static int
compare_rate (gconstpointer a, gconstpointer b, gpointer data)
{
  return ORDER (pb_profiler_row_get_rate (ROW (a)), pb_profiler_row_get_rate (ROW (b)));
}

static int
compare_ns_per_item (gconstpointer a, gconstpointer b, gpointer data)
{
  return ORDER (pb_profiler_row_get_ns_per_item (ROW (a)), pb_profiler_row_get_ns_per_item (ROW (b)));
}

#undef ORDER
#undef ROW

static const ColumnSpec process_columns[] = {
  { "name", format_name, FALSE, compare_name },
  { "kind", format_kind, FALSE, compare_kind },
  { "calls", format_calls, TRUE, compare_calls },
  { "busy-ns", format_busy, TRUE, compare_busy },
  { "share", format_share, TRUE, compare_share },
  { "rate", format_rate, TRUE, compare_rate },
  { "ns-per-item", format_ns_per_item, TRUE, compare_ns_per_item },
};

static const ColumnSpec chain_columns[] = {
  { "names", format_chain_names, FALSE },
  { "n-processes", format_chain_processes, TRUE },
  { "compile-ns", format_compile, TRUE },
  { "code-bytes", format_code_bytes, TRUE },
  { "recompiles", format_recompiles, TRUE },
};

static const ColumnSpec compare_columns[] = {
  { "name", format_name, FALSE },
  { "kind", format_kind, FALSE },
  { "cost-a", format_cost_a, TRUE },
  { "cost-b", format_cost_b, TRUE },
  { "change", format_change, TRUE },
};

static void
refresh_label (GtkLabel *label)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (label), "pb-list-item");
  const ColumnSpec *spec = g_object_get_data (G_OBJECT (label), "pb-column");
  GObject *item = gtk_list_item_get_item (list_item);
  g_autofree char *text = item != NULL ? spec->format (item) : NULL;

  /* A process that costs a tenth more in B than in A is worth a look;
   * a tenth less, good news. */
  if (spec->format == format_change && item != NULL)
    {
      double change = pb_run_diff_get_change (PB_RUN_DIFF (item));

      if (isfinite (change) && change >= 10)
        gtk_widget_add_css_class (GTK_WIDGET (label), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
      if (isfinite (change) && change <= -10)
        gtk_widget_add_css_class (GTK_WIDGET (label), "success");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (label), "success");
    }

  /* A figure often reads the same after a change too small to show. */
  if (g_strcmp0 (gtk_label_get_label (label), text != NULL ? text : "") != 0)
    gtk_label_set_label (label, text != NULL ? text : "");
}

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             const ColumnSpec         *spec)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), spec->numeric ? 1 : 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  /* Tabular digits: numbers keep their places as they change. */
  if (spec->numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (g_str_equal (spec->property, "kind"))
    gtk_widget_add_css_class (label, "dim-label");
  g_object_set_data (G_OBJECT (label), "pb-list-item", list_item);
  g_object_set_data (G_OBJECT (label), "pb-column", (gpointer) spec);
  gtk_list_item_set_child (list_item, label);
}

static void
bind_label (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            const ColumnSpec         *spec)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  GObject *item = gtk_list_item_get_item (list_item);
  g_autofree char *signal = g_strconcat ("notify::", spec->property, NULL);
  gulong id;

  if (PB_IS_PROFILER_ROW (item))
    pb_profiler_row_watch (PB_PROFILER_ROW (item), TRUE);
  refresh_label (GTK_LABEL (label));
  id = g_signal_connect_swapped (item, signal, G_CALLBACK (refresh_label), label);
  g_object_set_data (G_OBJECT (label), "pb-handler", GSIZE_TO_POINTER (id));
}

static void
unbind_label (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              const ColumnSpec         *spec)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  GObject *item = gtk_list_item_get_item (list_item);
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (label), "pb-handler"));

  if (id != 0)
    g_signal_handler_disconnect (item, id);
  if (PB_IS_PROFILER_ROW (item))
    pb_profiler_row_watch (PB_PROFILER_ROW (item), FALSE);
  g_object_set_data (G_OBJECT (label), "pb-handler", NULL);
}

static GtkSorter *
sorter_for (GType             type,
            const ColumnSpec *spec)
{
  GtkExpression *expression;

  if (spec->compare != NULL)
    return GTK_SORTER (gtk_custom_sorter_new (spec->compare, NULL, NULL));
  expression = gtk_property_expression_new (type, NULL, spec->property);
  if (spec->numeric)
    return GTK_SORTER (gtk_numeric_sorter_new (expression));
  return GTK_SORTER (gtk_string_sorter_new (expression));
}

static GtkColumnViewColumn *
add_column (GtkColumnView    *view,
            GType             type,
            const char       *title,
            const ColumnSpec *spec,
            gboolean          expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  g_autoptr(GtkSorter) sorter = sorter_for (type, spec);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_label), (gpointer) spec);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_label), (gpointer) spec);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_label), (gpointer) spec);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
  return column;
}

static void
refresh_sparkline (PbSparkline *sparkline)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (sparkline), "pb-list-item");
  PbProfilerRow *row = gtk_list_item_get_item (list_item);
  double samples[PB_PROFILER_HISTORY];
  guint n = row != NULL ? pb_profiler_row_copy_history (row, samples) : 0;

  pb_sparkline_set_values (sparkline, samples, n, PB_PROFILER_HISTORY);
}

static void
setup_sparkline (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item)
{
  GtkWidget *sparkline = pb_sparkline_new ();

  gtk_widget_set_valign (sparkline, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (sparkline, 6);
  gtk_widget_set_margin_end (sparkline, 6);
  gtk_widget_set_tooltip_text (sparkline, _("Busy time per second, over the last minute"));
  g_object_set_data (G_OBJECT (sparkline), "pb-list-item", list_item);
  gtk_list_item_set_child (list_item, sparkline);
}

static void
bind_sparkline (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item)
{
  GtkWidget *sparkline = gtk_list_item_get_child (list_item);
  gulong id;

  pb_profiler_row_watch (gtk_list_item_get_item (list_item), TRUE);
  refresh_sparkline (PB_SPARKLINE (sparkline));
  id = g_signal_connect_swapped (gtk_list_item_get_item (list_item), "notify::samples",
                                 G_CALLBACK (refresh_sparkline), sparkline);
  g_object_set_data (G_OBJECT (sparkline), "pb-handler", GSIZE_TO_POINTER (id));
}

static void
unbind_sparkline (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item)
{
  GtkWidget *sparkline = gtk_list_item_get_child (list_item);
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (sparkline), "pb-handler"));

  if (id != 0)
    g_signal_handler_disconnect (gtk_list_item_get_item (list_item), id);
  pb_profiler_row_watch (gtk_list_item_get_item (list_item), FALSE);
  g_object_set_data (G_OBJECT (sparkline), "pb-handler", NULL);
}

static void
setup_source_button (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("text-x-generic-symbolic");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Show Generated C"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Show Generated C"),
                                  -1);
  gtk_list_item_set_child (list_item, button);
}

static void
bind_source_button (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item)
{
  PbProfilerChain *chain = gtk_list_item_get_item (list_item);
  GtkActionable *button = GTK_ACTIONABLE (gtk_list_item_get_child (list_item));

  /* The target first: an action with a parameter refuses a button that
   * names it without one. */
  gtk_actionable_set_action_target_value (button, g_variant_new_uint64 (pb_profiler_chain_get_head (chain)));
  gtk_actionable_set_action_name (button, "profiler.show-source");
}

/**
 * _pb_profiler_add_process_columns:
 * @view: the process table
 *
 * Returns: (transfer none): the share column, which the table sorts by
 *   at first
 */
GtkColumnViewColumn *
_pb_profiler_add_process_columns (GtkColumnView *view)
{
  GtkListItemFactory *factory;
  GtkColumnViewColumn *column;
  GtkColumnViewColumn *share;

  add_column (view, PB_TYPE_PROFILER_ROW, _("Process"), &process_columns[0], TRUE);
  add_column (view, PB_TYPE_PROFILER_ROW, _("Kind"), &process_columns[1], FALSE);
  add_column (view, PB_TYPE_PROFILER_ROW, _("Calls"), &process_columns[2], FALSE);
  add_column (view, PB_TYPE_PROFILER_ROW, _("Busy"), &process_columns[3], FALSE);
  share = add_column (view, PB_TYPE_PROFILER_ROW, _("Share"), &process_columns[4], FALSE);
  add_column (view, PB_TYPE_PROFILER_ROW, _("Items/s"), &process_columns[5], FALSE);
  add_column (view, PB_TYPE_PROFILER_ROW, _("Per Item"), &process_columns[6], FALSE);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_sparkline), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_sparkline), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_sparkline), NULL);
  column = gtk_column_view_column_new (_("Last Minute"), factory);
  gtk_column_view_column_set_fixed_width (column, 120);
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
  return share;
}

/**
 * _pb_profiler_add_chain_columns:
 * @view: the chain table
 *
 * Adds its columns, the last a button that activates
 * profiler.show-source for the row's chain.
 */
void
_pb_profiler_add_chain_columns (GtkColumnView *view)
{
  GtkListItemFactory *factory;
  GtkColumnViewColumn *column;

  add_column (view, PB_TYPE_PROFILER_CHAIN, _("Chain"), &chain_columns[0], TRUE);
  add_column (view, PB_TYPE_PROFILER_CHAIN, _("Processes"), &chain_columns[1], FALSE);
  add_column (view, PB_TYPE_PROFILER_CHAIN, _("Compile Time"), &chain_columns[2], FALSE);
  add_column (view, PB_TYPE_PROFILER_CHAIN, _("Code Size"), &chain_columns[3], FALSE);
  add_column (view, PB_TYPE_PROFILER_CHAIN, _("Recompiles"), &chain_columns[4], FALSE);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_source_button), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_source_button), NULL);
  column = gtk_column_view_column_new (NULL, factory);
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
}

/**
 * _pb_profiler_add_comparison_columns:
 * @view: the comparison of two runs
 *
 * Returns: (transfer none): the change column, which it sorts by at
 *   first
 */
GtkColumnViewColumn *
_pb_profiler_add_comparison_columns (GtkColumnView *view)
{
  add_column (view, PB_TYPE_RUN_DIFF, _("Process"), &compare_columns[0], TRUE);
  add_column (view, PB_TYPE_RUN_DIFF, _("Kind"), &compare_columns[1], FALSE);
  add_column (view, PB_TYPE_RUN_DIFF, _("Per Item, A"), &compare_columns[2], FALSE);
  add_column (view, PB_TYPE_RUN_DIFF, _("Per Item, B"), &compare_columns[3], FALSE);
  return add_column (view, PB_TYPE_RUN_DIFF, _("Change"), &compare_columns[4], FALSE);
}
