/* pb-profiler.c — the table of what every process and chain costs
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The profiler shows the counters the nodes show, for every process at
 * once and sortable, as GNOME System Monitor lists processes: calls,
 * busy time, share of busy time, items per second, time per item, and a
 * sparkline of its load over the last minute. A second page lists the
 * chains, the units the runtime compiles, with what compiling them cost
 * and the C each runs now; a third compares two recorded runs.
 *
 * It takes no snapshot of its own: the document reads the runtime ten
 * times a second for the nodes and hands each snapshot on
 * (PbDocument::counters). Its rows follow twice a second while it
 * shows; hidden, it only samples once a second, so that the sparklines
 * hold the last minute when it opens. Rows are re-sorted once a second,
 * not at every update, so that they hold still long enough to be read
 * and clicked. What each column shows is in pb-profiler-columns.c.
 */

#include "config.h"

#include <string.h>
#include <time.h>

#include <glib/gi18n.h>
#include <adwaita.h>

#include <pushback/runner.h>

#include "pb-profiler.h"
#include "pb-profiler-private.h"
#include "pb-profiler-chain.h"
#include "pb-profiler-row.h"
#include "pb-recorded-run.h"
#include "pb-run-diff.h"
#include "pb-source-window.h"

#define NS_PER_SECOND G_GUINT64_CONSTANT (1000000000)
/* A little under half a second, so that updates ten times a second
 * land on every fifth. */
#define UPDATE_INTERVAL_NS G_GUINT64_CONSTANT (450000000)

struct _PbProfiler
{
  GtkWidget           parent_instance;

  PbDocument         *document;
  GListStore         *rows;          /* PbProfilerRow, in the nodes' order */
  GListStore         *chains;        /* PbProfilerChain */
  GListStore         *diffs;         /* PbRunDiff */
  GtkSortListModel   *sorted_rows;
  GtkSingleSelection *selection;
  PbNode             *selected;      /* the node of the selected row */
  gboolean            selecting;     /* selecting for pb_profiler_select_node() */
  guint64             sample_ns;     /* when the latest sample was taken */
  guint64             update_ns;     /* when the rows were last updated */
  gboolean            stale;         /* shown again: update all at once */
  gint64              update_us;     /* what the latest update cost */

  GtkWidget          *toolbar;
  GtkLabel           *summary;
  AdwViewStack       *stack;
  GtkColumnView      *process_view;
  GtkColumnView      *chain_view;
  GtkColumnView      *compare_view;
  GtkDropDown        *run_a;
  GtkDropDown        *run_b;
  GtkStack           *compare_stack;
};

G_DEFINE_FINAL_TYPE (PbProfiler, pb_profiler, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  NODE_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Following the document */

/* The main thread's processor time: what an update costs, whatever the
 * threads of the running topology take of a small machine meanwhile. */
static gint64
thread_time_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
on_nodes_changed (GListModel *nodes,
                  guint       position,
                  guint       removed,
                  guint       added,
                  PbProfiler *self)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, position + i);

      g_ptr_array_add (rows, pb_profiler_row_new (node));
    }
  g_list_store_splice (self->rows, position, removed, rows->pdata, rows->len);
}

static char *
chain_names (PbProfiler          *self,
             const pb_chain_info *info)
{
  GString *names = g_string_new (NULL);

  for (size_t i = 0; i < info->n_processes; i++)
    {
      PbNode *node = pb_document_find_node (self->document, info->processes[i]);

      if (i > 0)
        g_string_append (names, " ! ");
      g_string_append (names, node != NULL && pb_node_get_name (node) != NULL ? pb_node_get_name (node) : "?");
    }
  return g_string_free (names, FALSE);
}

static void
update_chains (PbProfiler        *self,
               const pb_snapshot *snap)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  GListModel *model = G_LIST_MODEL (self->chains);
  size_t n = pb_snapshot_n_chains (snap);
  g_autoptr(GHashTable) by_head = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      PbProfilerChain *chain = g_list_model_get_item (model, i);

      g_hash_table_insert (by_head, GSIZE_TO_POINTER (pb_profiler_chain_get_head (chain)), chain);
      g_object_unref (chain);
    }

  for (size_t i = 0; i < n; i++)
    {
      pb_chain_info info;
      PbProfilerChain *chain;
      g_autofree char *names = NULL;

      if (pb_snapshot_chain (snap, i, &info) != PB_OK || info.n_processes == 0)
        continue;
      chain = g_hash_table_lookup (by_head, GSIZE_TO_POINTER (info.processes[0]));
      if (chain == NULL)
        {
          g_autoptr(PbProfilerChain) added = pb_profiler_chain_new (info.processes[0]);

          g_list_store_append (self->chains, added);
          chain = added;
          g_hash_table_insert (by_head, GSIZE_TO_POINTER (info.processes[0]), chain);
        }
      names = chain_names (self, &info);
      pb_profiler_chain_update (chain, &info, names);
      g_hash_table_add (seen, chain);
    }

  for (guint i = g_list_model_get_n_items (model); i > 0; i--)
    {
      g_autoptr(PbProfilerChain) chain = g_list_model_get_item (model, i - 1);

      if (!g_hash_table_contains (seen, chain))
        g_list_store_remove (self->chains, i - 1);
    }
}

/* Sorts again when a live figure moved a row out of its place: the
 * sorter does not watch the rows. */
static void
resort (GtkSortListModel *model)
{
  GtkSorter *sorter = gtk_sort_list_model_get_sorter (model);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_autoptr(GObject) previous = NULL;

  if (sorter == NULL || n < 2)
    return;
  previous = g_list_model_get_item (G_LIST_MODEL (model), 0);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (gtk_sorter_compare (sorter, previous, item) == GTK_ORDERING_LARGER)
        {
          gtk_sorter_changed (sorter, GTK_SORTER_CHANGE_DIFFERENT);
          return;
        }
      g_set_object (&previous, item);
    }
}

static void
update_summary (PbProfiler *self)
{
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  guint n_chains = g_list_model_get_n_items (G_LIST_MODEL (self->chains));
  g_autofree char *rows = g_strdup_printf (ngettext ("%u process", "%u processes", n_rows), n_rows);
  g_autofree char *chains = g_strdup_printf (ngettext ("%u chain", "%u chains", n_chains), n_chains);
  g_autofree char *text = g_strdup_printf ("%s · %s", rows, chains);

  gtk_label_set_label (self->summary, text);
}

static void
on_counters (PbDocument        *document,
             const pb_snapshot *snap,
             PbProfiler        *self)
{
  guint64 now = pb_snapshot_time_ns (snap);
  gboolean sample = self->sample_ns == 0 || now >= self->sample_ns + NS_PER_SECOND;
  gboolean shown = gtk_widget_get_mapped (GTK_WIDGET (self));
  GListModel *rows = G_LIST_MODEL (self->rows);
  gint64 start;

  /* Twice a second, as system monitors update: figures that change ten
   * times a second cannot be read in a table, and each change of a cell
   * costs a label its layout. */
  if (!sample && !(shown && self->stale) && (!shown || now < self->update_ns + UPDATE_INTERVAL_NS))
    {
      self->update_us = -1;
      return;
    }
  self->update_ns = now;
  start = thread_time_us ();

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      PbProfilerRow *row = g_list_model_get_item (rows, i);
      PbNode *node = pb_profiler_row_get_node (row);
      long index = pb_snapshot_find_process (snap, pb_node_get_address (node));
      pb_process_info info;
      PbRates rates;
      gboolean live = pb_node_get_live (node, &rates, NULL);

      gboolean found = index >= 0 && pb_snapshot_process (snap, index, &info) == PB_OK;

      /* Hidden, rows keep still: GTK keeps a couple of hundred of them
       * bound to cells, which would follow every change unseen. */
      if (shown)
        pb_profiler_row_update (row, found ? &info : NULL, found && live ? &rates : NULL);
      if (sample && now > 0)
        pb_profiler_row_take_sample (row, found ? info.busy_ns : 0, now);
      g_object_unref (row);
    }
  /* Chains change when an edit recompiles them: once a second is soon
   * enough, unless their page shows. */
  if (shown && (sample || self->stale
                || g_strcmp0 (adw_view_stack_get_visible_child_name (self->stack), "chains") == 0))
    update_chains (self, snap);
  if (shown && (sample || self->stale))
    resort (self->sorted_rows);
  if (sample || self->stale)
    update_summary (self);
  if (sample)
    self->sample_ns = now;
  if (shown)
    self->stale = FALSE;
  self->update_us = thread_time_us () - start;
}

/* Selection */

static void
on_selected_item (PbProfiler *self)
{
  PbProfilerRow *row = gtk_single_selection_get_selected_item (self->selection);
  PbNode *node = row != NULL ? pb_profiler_row_get_node (row) : NULL;

  /* Sorting again moves the selected row, which notifies: only a
   * different node is news. */
  if (node == self->selected)
    return;
  g_set_object (&self->selected, node);
  if (!self->selecting)
    g_signal_emit (self, signals[NODE_SELECTED], 0, node);
}

/**
 * pb_profiler_select_node:
 * @node: (nullable): the node selected on the canvas, or %NULL for none
 *   or several
 *
 * Selects @node's row, without emitting PbProfiler::node-selected.
 */
void
pb_profiler_select_node (PbProfiler *self,
                         PbNode     *node)
{
  GListModel *model;
  guint position = GTK_INVALID_LIST_POSITION;

  g_return_if_fail (PB_IS_PROFILER (self));
  g_return_if_fail (node == NULL || PB_IS_NODE (node));

  model = G_LIST_MODEL (self->sorted_rows);
  for (guint i = 0; node != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PbProfilerRow) row = g_list_model_get_item (model, i);

      if (pb_profiler_row_get_node (row) == node)
        {
          position = i;
          break;
        }
    }
  self->selecting = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->selecting = FALSE;
  /* GTK 4.8 has no gtk_column_view_scroll_to(): its list view has the
   * action that keyboard navigation uses. */
  if (position != GTK_INVALID_LIST_POSITION)
    {
      GtkWidget *list = gtk_widget_get_last_child (GTK_WIDGET (self->process_view));

      if (list != NULL)
        gtk_widget_activate_action (list, "list.scroll-to-item", "u", position);
    }
}

/* Recorded runs */

/* GTK 4.8's drop-down evaluates its expression once per bind: its
 * labels follow a run's "label" here, so that a run saved with the
 * document reads "Run 2" at once. */
static void
refresh_run_label (GtkLabel *label)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (label), "pb-list-item");
  PbRecordedRun *run = gtk_list_item_get_item (list_item);
  g_autofree char *text = run != NULL ? pb_recorded_run_dup_label (run) : NULL;

  gtk_label_set_label (label, text != NULL ? text : "");
}

static void
setup_run_label (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  g_object_set_data (G_OBJECT (label), "pb-list-item", list_item);
  gtk_list_item_set_child (list_item, label);
}

static void
bind_run_label (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  gulong id;

  refresh_run_label (GTK_LABEL (label));
  id = g_signal_connect_swapped (gtk_list_item_get_item (list_item), "notify::label",
                                 G_CALLBACK (refresh_run_label), label);
  g_object_set_data (G_OBJECT (label), "pb-handler", GSIZE_TO_POINTER (id));
}

static void
unbind_run_label (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (label), "pb-handler"));

  if (id != 0)
    g_signal_handler_disconnect (gtk_list_item_get_item (list_item), id);
  g_object_set_data (G_OBJECT (label), "pb-handler", NULL);
}

/**
 * pb_profiler_compare:
 * @run_a: the position of run A in the document's runs
 * @run_b: the position of run B
 *
 * Fills the comparison with every process of either run.
 */
void
pb_profiler_compare (PbProfiler *self,
                     guint       run_a,
                     guint       run_b)
{
  GListModel *runs;
  g_autoptr(PbRecordedRun) a = NULL;
  g_autoptr(PbRecordedRun) b = NULL;
  g_autoptr(GPtrArray) diffs = g_ptr_array_new_with_free_func (g_object_unref);
  const pb_store_counters *counters;
  gsize n;

  g_return_if_fail (PB_IS_PROFILER (self));

  if (self->document == NULL)
    return;
  runs = pb_document_get_runs (self->document);
  a = g_list_model_get_item (runs, run_a);
  b = g_list_model_get_item (runs, run_b);
  if (a != NULL && b != NULL)
    {
      counters = pb_recorded_run_get_counters (b, &n);
      for (gsize i = 0; i < n; i++)
        g_ptr_array_add (diffs, pb_run_diff_new (pb_recorded_run_find (a, counters[i].process),
                                                 pb_recorded_run_get_duration (a),
                                                 &counters[i], pb_recorded_run_get_duration (b)));
      counters = pb_recorded_run_get_counters (a, &n);
      for (gsize i = 0; i < n; i++)
        if (pb_recorded_run_find (b, counters[i].process) == NULL)
          g_ptr_array_add (diffs, pb_run_diff_new (&counters[i], pb_recorded_run_get_duration (a),
                                                   NULL, pb_recorded_run_get_duration (b)));
    }
  g_list_store_splice (self->diffs, 0, g_list_model_get_n_items (G_LIST_MODEL (self->diffs)),
                       diffs->pdata, diffs->len);
  gtk_stack_set_visible_child_name (self->compare_stack,
                                    g_list_model_get_n_items (runs) >= 2 ? "table" : "empty");
  if (gtk_drop_down_get_selected (self->run_a) != run_a)
    gtk_drop_down_set_selected (self->run_a, run_a);
  if (gtk_drop_down_get_selected (self->run_b) != run_b)
    gtk_drop_down_set_selected (self->run_b, run_b);
}

static void
on_run_chosen (PbProfiler *self)
{
  guint a = gtk_drop_down_get_selected (self->run_a);
  guint b = gtk_drop_down_get_selected (self->run_b);

  if (a != GTK_INVALID_LIST_POSITION && b != GTK_INVALID_LIST_POSITION)
    pb_profiler_compare (self, a, b);
}

/* A new run is compared with the one before it. */
static void
on_runs_changed (GListModel *runs,
                 guint       position,
                 guint       removed,
                 guint       added,
                 PbProfiler *self)
{
  guint n = g_list_model_get_n_items (runs);

  pb_profiler_compare (self, n >= 2 ? n - 2 : 0, n >= 1 ? n - 1 : 0);
}

/* Actions */

static void
show_error (PbProfiler   *self,
            const char   *heading,
            const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
record_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PbProfiler *self = PB_PROFILER (widget);
  g_autoptr(GError) error = NULL;

  if (self->document == NULL)
    return;
  if (pb_document_record_run (self->document, &error) == NULL)
    show_error (self, _("Could Not Record the Run"), error);
  else
    adw_view_stack_set_visible_child_name (self->stack, "runs");
}

static void
show_source_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PbProfiler *self = PB_PROFILER (widget);
  g_autofree char *chain = NULL;
  g_autofree char *source = NULL;
  GtkRoot *root;

  if (self->document == NULL)
    return;
  source = pb_document_dup_chain_source (self->document, g_variant_get_uint64 (parameter), &chain);
  if (source == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                                     _("Only a running chain has generated code"));

      show_error (self, _("No Generated Code"), error);
      return;
    }
  root = gtk_widget_get_root (widget);
  gtk_window_present (GTK_WINDOW (pb_source_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                        chain, source)));
}

static gboolean
write_file (GFile       *file,
            const char  *text,
            GError     **error)
{
  return g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

/**
 * pb_profiler_write_json:
 * @file: where to write
 *
 * Writes the runtime's counters now, in the shape of
 * `pushback-run --stats=json`.
 *
 * Returns: whether it was written
 */
gboolean
pb_profiler_write_json (PbProfiler  *self,
                        GFile       *file,
                        GError     **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (PB_IS_PROFILER (self), FALSE);
  g_return_val_if_fail (self->document != NULL, FALSE);

  json = pb_document_dup_stats_json (self->document);
  return write_file (file, json, error);
}

static void
append_csv_field (GString    *csv,
                  const char *text)
{
  if (strpbrk (text, ",\"\n\r") == NULL)
    {
      g_string_append (csv, text);
      return;
    }
  g_string_append_c (csv, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

static void
append_csv_number (GString *csv,
                   double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* A dot for the decimals whatever the locale: CSV has commas. */
  g_string_append (csv, g_ascii_formatd (buffer, sizeof buffer, "%.6g", value));
}

/**
 * pb_profiler_write_csv:
 * @file: where to write
 *
 * Writes the process table as it is sorted, one process a line, with
 * the figures in plain units (nanoseconds, items per second, the share
 * as a fraction) for a spreadsheet to compute with.
 *
 * Returns: whether it was written
 */
gboolean
pb_profiler_write_csv (PbProfiler  *self,
                       GFile       *file,
                       GError     **error)
{
  GListModel *model;
  g_autoptr(GString) csv = g_string_new ("name,kind,calls,busy_ns,share,items_per_second,ns_per_item\r\n");

  g_return_val_if_fail (PB_IS_PROFILER (self), FALSE);

  model = G_LIST_MODEL (self->sorted_rows);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PbProfilerRow) row = g_list_model_get_item (model, i);

      append_csv_field (csv, pb_profiler_row_get_name (row));
      g_string_append_c (csv, ',');
      append_csv_field (csv, pb_profiler_row_get_kind (row));
      g_string_append_printf (csv, ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",",
                              pb_profiler_row_get_calls (row), pb_profiler_row_get_busy_ns (row));
      append_csv_number (csv, pb_profiler_row_get_share (row));
      g_string_append_c (csv, ',');
      append_csv_number (csv, pb_profiler_row_get_rate (row));
      g_string_append_c (csv, ',');
      append_csv_number (csv, pb_profiler_row_get_ns_per_item (row));
      g_string_append (csv, "\r\n");
    }
  return write_file (file, csv->str, error);
}

static void
on_export_response (GtkNativeDialog *native,
                    int              response,
                    PbProfiler      *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (native), "pb-json"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      if (!(json ? pb_profiler_write_json (self, file, &error) : pb_profiler_write_csv (self, file, &error)))
        show_error (self, _("Could Not Export"), error);
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
  g_object_unref (self);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PbProfiler *self = PB_PROFILER (widget);
  gboolean json = g_str_equal (action_name, "profiler.export-json");
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  /* GtkFileDialog comes in GTK 4.10; 4.8 has the native chooser. */
  native = gtk_file_chooser_native_new (json ? _("Export Counters as JSON") : _("Export Table as CSV"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_filter_set_name (filter, json ? _("JSON Files") : _("CSV Files"));
  gtk_file_filter_add_mime_type (filter, json ? "application/json" : "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), json ? "counters.json" : "profile.csv");
  g_object_set_data (G_OBJECT (native), "pb-json", GINT_TO_POINTER (json));
  g_signal_connect (native, "response", G_CALLBACK (on_export_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* The document */

/**
 * pb_profiler_set_document:
 * @document: (nullable): the document whose runtime to show
 */
void
pb_profiler_set_document (PbProfiler *self,
                          PbDocument *document)
{
  GListModel *nodes;
  GListModel *runs;

  g_return_if_fail (PB_IS_PROFILER (self));
  g_return_if_fail (document == NULL || PB_IS_DOCUMENT (document));

  if (self->document == document)
    return;
  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      g_signal_handlers_disconnect_by_data (pb_document_get_nodes (self->document), self);
      g_signal_handlers_disconnect_by_data (pb_document_get_runs (self->document), self);
    }
  g_set_object (&self->document, document);
  g_list_store_remove_all (self->rows);
  g_list_store_remove_all (self->chains);
  g_list_store_remove_all (self->diffs);
  g_clear_object (&self->selected);
  self->sample_ns = 0;
  self->update_ns = 0;

  if (document != NULL)
    {
      nodes = pb_document_get_nodes (document);
      runs = pb_document_get_runs (document);
      on_nodes_changed (nodes, 0, 0, g_list_model_get_n_items (nodes), self);
      g_signal_connect_object (nodes, "items-changed", G_CALLBACK (on_nodes_changed), self, 0);
      g_signal_connect_object (document, "counters", G_CALLBACK (on_counters), self, 0);
      /* After the drop-downs' own models saw the new run, so that they
       * can select it. */
      g_signal_connect_object (runs, "items-changed", G_CALLBACK (on_runs_changed), self, G_CONNECT_AFTER);
      gtk_drop_down_set_model (self->run_a, runs);
      gtk_drop_down_set_model (self->run_b, runs);
      on_runs_changed (runs, 0, 0, 0, self);
    }
  else
    {
      gtk_drop_down_set_model (self->run_a, NULL);
      gtk_drop_down_set_model (self->run_b, NULL);
    }
  update_summary (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/** pb_profiler_get_document: Returns: (transfer none) (nullable): it */
PbDocument *
pb_profiler_get_document (PbProfiler *self)
{
  g_return_val_if_fail (PB_IS_PROFILER (self), NULL);
  return self->document;
}

/**
 * pb_profiler_get_processes:
 *
 * Returns: (transfer none): the process rows (#PbProfilerRow) as the
 *   table sorts them
 */
GListModel *
pb_profiler_get_processes (PbProfiler *self)
{
  g_return_val_if_fail (PB_IS_PROFILER (self), NULL);
  return G_LIST_MODEL (self->sorted_rows);
}

/**
 * pb_profiler_get_chains:
 *
 * Returns: (transfer none): the chain rows (#PbProfilerChain), unsorted
 */
GListModel *
pb_profiler_get_chains (PbProfiler *self)
{
  g_return_val_if_fail (PB_IS_PROFILER (self), NULL);
  return G_LIST_MODEL (self->chains);
}

/**
 * pb_profiler_get_comparison:
 *
 * Returns: (transfer none): the compared processes (#PbRunDiff), unsorted
 */
GListModel *
pb_profiler_get_comparison (PbProfiler *self)
{
  g_return_val_if_fail (PB_IS_PROFILER (self), NULL);
  return G_LIST_MODEL (self->diffs);
}

/**
 * pb_profiler_get_update_us:
 *
 * Returns: the processor time, in microseconds, that the latest update
 *   of the tables took on the calling thread, or -1 when the pane let it pass (the benchmark reads it)
 */
gint64
pb_profiler_get_update_us (PbProfiler *self)
{
  g_return_val_if_fail (PB_IS_PROFILER (self), 0);
  return self->update_us;
}

/**
 * pb_profiler_new:
 *
 * Returns: (transfer floating): a profiler showing no document
 */
GtkWidget *
pb_profiler_new (void)
{
  return g_object_new (PB_TYPE_PROFILER, NULL);
}

static void
build_columns (PbProfiler *self)
{
  GtkColumnViewColumn *share;
  GtkColumnViewColumn *column;
  GtkSortListModel *sorted;
  g_autoptr(GtkSelectionModel) chain_selection = NULL;
  g_autoptr(GtkSelectionModel) compare_selection = NULL;

  share = _pb_profiler_add_process_columns (self->process_view);

  self->sorted_rows = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->rows)),
                                               g_object_ref (gtk_column_view_get_sorter (self->process_view)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sorted_rows)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_swapped (self->selection, "notify::selected-item", G_CALLBACK (on_selected_item), self);
  gtk_column_view_set_model (self->process_view, GTK_SELECTION_MODEL (self->selection));
  /* The hot process first. */
  gtk_column_view_sort_by_column (self->process_view, share, GTK_SORT_DESCENDING);

  _pb_profiler_add_chain_columns (self->chain_view);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->chains)),
                                    g_object_ref (gtk_column_view_get_sorter (self->chain_view)));
  chain_selection = GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (sorted)));
  gtk_column_view_set_model (self->chain_view, chain_selection);

  column = _pb_profiler_add_comparison_columns (self->compare_view);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->diffs)),
                                    g_object_ref (gtk_column_view_get_sorter (self->compare_view)));
  compare_selection = GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (sorted)));
  gtk_column_view_set_model (self->compare_view, compare_selection);
  gtk_column_view_sort_by_column (self->compare_view, column, GTK_SORT_DESCENDING);
}

/* Hidden, the pane only sampled: the next update, whenever it comes,
 * brings the whole table in line at once. */
static void
pb_profiler_map (GtkWidget *widget)
{
  PB_PROFILER (widget)->stale = TRUE;

  GTK_WIDGET_CLASS (pb_profiler_parent_class)->map (widget);
}

static void
pb_profiler_dispose (GObject *object)
{
  PbProfiler *self = PB_PROFILER (object);
  GtkWidget *child;

  pb_profiler_set_document (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_PROFILER);
  /* The bar's scrolled window has no name in the template. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted_rows);
  g_clear_object (&self->rows);
  g_clear_object (&self->chains);
  g_clear_object (&self->diffs);
  g_clear_object (&self->selected);

  G_OBJECT_CLASS (pb_profiler_parent_class)->dispose (object);
}

static void
pb_profiler_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  PbProfiler *self = PB_PROFILER (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_profiler_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  PbProfiler *self = PB_PROFILER (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      pb_profiler_set_document (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_profiler_class_init (PbProfilerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_profiler_dispose;
  object_class->get_property = pb_profiler_get_property;
  object_class->set_property = pb_profiler_set_property;
  widget_class->map = pb_profiler_map;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, PB_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PbProfiler::node-selected:
   * @node: (nullable): the node of the row the person selected
   *
   * The person selected a row (not pb_profiler_select_node()).
   */
  signals[NODE_SELECTED] =
    g_signal_new ("node-selected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PB_TYPE_NODE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/pushback/Pushback/ui/pb-profiler.ui");
  gtk_widget_class_bind_template_child (widget_class, PbProfiler, toolbar);
  gtk_widget_class_bind_template_child (widget_class, PbProfiler, summary);
  gtk_widget_class_bind_template_child (widget_class, PbProfiler, stack);
  gtk_widget_class_bind_template_child (widget_class, PbProfiler, process_view);
  gtk_widget_class_bind_template_child (widget_class, PbProfiler, chain_view);
  gtk_widget_class_bind_template_child (widget_class, PbProfiler, compare_view);
  gtk_widget_class_bind_template_child (widget_class, PbProfiler, run_a);
  gtk_widget_class_bind_template_child (widget_class, PbProfiler, run_b);
  gtk_widget_class_bind_template_child (widget_class, PbProfiler, compare_stack);

  gtk_widget_class_install_action (widget_class, "profiler.record", NULL, record_action);
  gtk_widget_class_install_action (widget_class, "profiler.export-json", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "profiler.export-csv", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "profiler.show-source", "t", show_source_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "profiler");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pb_profiler_init (PbProfiler *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  self->rows = g_list_store_new (PB_TYPE_PROFILER_ROW);
  self->chains = g_list_store_new (PB_TYPE_PROFILER_CHAIN);
  self->diffs = g_list_store_new (PB_TYPE_RUN_DIFF);
  build_columns (self);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_run_label), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_run_label), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_run_label), NULL);
  gtk_drop_down_set_factory (self->run_a, factory);
  gtk_drop_down_set_factory (self->run_b, factory);
  g_signal_connect_swapped (self->run_a, "notify::selected", G_CALLBACK (on_run_chosen), self);
  g_signal_connect_swapped (self->run_b, "notify::selected", G_CALLBACK (on_run_chosen), self);
  update_summary (self);
}
