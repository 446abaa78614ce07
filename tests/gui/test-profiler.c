/* test-profiler.c — the profiler pane on the running demo: it fills,
 * sorts, follows and drives the canvas's selection, shows a chain's C,
 * records and compares runs, and exports JSON and CSV
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test opens the demo in a real PbWindow of a running
 * GtkApplication under Xvfb and opens the pane through its action, as
 * Ctrl+Shift+P does. Exported files are read back by Python's json and
 * csv modules, which GLib has no equal of, so that "valid" means what a
 * script reading them would say.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "pb-application.h"
#include "pb-canvas.h"
#include "pb-document.h"
#include "pb-profiler.h"
#include "pb-profiler-chain.h"
#include "pb-profiler-row.h"
#include "pb-recorded-run.h"
#include "pb-run-diff.h"
#include "pb-source-window.h"
#include "gui-test-utils.h"
#include "pb-window.h"

typedef struct _Fixture Fixture;
typedef void (*TestBody) (Fixture *fixture);

struct _Fixture
{
  PbApplication *app;
  TestBody       body;

  PbWindow      *window;
  PbCanvas      *canvas;
  PbDocument    *document;
  PbProfiler    *profiler;
  GtkColumnView *view;
};

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.pushback.Pushback");

  g_settings_set_int (settings, "window-width", 1270);
  g_settings_set_int (settings, "window-height", 780);
  g_settings_set_boolean (settings, "window-maximized", FALSE);

  fixture->app = pb_application_new ();
  g_application_set_flags (G_APPLICATION (fixture->app), G_APPLICATION_NON_UNIQUE);
  fixture->body = (TestBody) data;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->app);
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* Spins until every process has a row that counted calls: the runtime
 * ran and the pane followed it. */
static void
wait_for_counters (Fixture *fixture)
{
  GListModel *rows = pb_profiler_get_processes (fixture->profiler);
  guint n_nodes = g_list_model_get_n_items (pb_document_get_nodes (fixture->document));
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      guint counted = 0;

      for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
        {
          g_autoptr(PbProfilerRow) row = g_list_model_get_item (rows, i);

          counted += pb_profiler_row_get_calls (row) > 0;
        }
      if (counted == n_nodes && counted > 0
          && g_list_model_get_n_items (pb_profiler_get_chains (fixture->profiler)) > 0)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
activated (GApplication *application,
           Fixture      *fixture)
{
  GtkWindow *window;

  pb_application_open_demo (PB_APPLICATION (application));
  window = gtk_application_get_active_window (GTK_APPLICATION (application));
  g_assert_true (PB_IS_WINDOW (window));
  fixture->window = g_object_ref (PB_WINDOW (window));
  fixture->canvas = pb_window_get_canvas (fixture->window);
  fixture->document = pb_window_get_document (fixture->window);
  fixture->profiler = PB_PROFILER (gui_test_find (GTK_WIDGET (window), PB_TYPE_PROFILER));
  fixture->view = GTK_COLUMN_VIEW (gui_test_find (GTK_WIDGET (fixture->profiler), GTK_TYPE_COLUMN_VIEW));
  g_assert_nonnull (fixture->profiler);
  g_assert_true (pb_profiler_get_document (fixture->profiler) == fixture->document);

  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-profiler", NULL));
  gui_test_wait_for_draw (GTK_WIDGET (window));
  spin (400);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->profiler)));
  wait_for_counters (fixture);

  fixture->body (fixture);

  pb_undo_stack_set_clean (pb_document_get_undo_stack (fixture->document));
  gtk_window_close (window);
  g_assert_finalize_object (fixture->window);
}

static void
run_test (Fixture       *fixture,
          gconstpointer  data)
{
  g_signal_connect_after (fixture->app, "activate", G_CALLBACK (activated), fixture);
  g_assert_cmpint (g_application_run (G_APPLICATION (fixture->app), 0, NULL), ==, 0);
}

static GtkColumnViewColumn *
find_column (GtkColumnView *view,
             const char    *title)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;
    }
  g_assert_not_reached ();
}

/* The table */

static void
fills_body (Fixture *fixture)
{
  GListModel *rows = pb_profiler_get_processes (fixture->profiler);
  GListModel *chains = pb_profiler_get_chains (fixture->profiler);
  g_autoptr(GPtrArray) labels = NULL;
  gboolean found = FALSE;

  g_assert_cmpuint (g_list_model_get_n_items (rows), ==,
                    g_list_model_get_n_items (pb_document_get_nodes (fixture->document)));
  g_assert_cmpuint (g_list_model_get_n_items (chains), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (chains); i++)
    {
      g_autoptr(PbProfilerChain) chain = g_list_model_get_item (chains, i);

      g_assert_cmpuint (pb_profiler_chain_get_n_processes (chain), >, 0);
      g_assert_cmpuint (pb_profiler_chain_get_code_bytes (chain), >, 0);
      g_assert_cmpuint (pb_profiler_chain_get_compile_ns (chain), >, 0);
      g_assert_nonnull (strstr (pb_profiler_chain_get_names (chain), pb_profiler_chain_get_n_processes (chain) > 1 ? " ! " : ""));
    }

  /* The cells on screen show the figures, in units. */
  gui_test_wait_for_draw (GTK_WIDGET (fixture->view));
  labels = gui_test_find_all (GTK_WIDGET (fixture->view), GTK_TYPE_LABEL);
  for (guint i = 0; i < labels->len; i++)
    found |= g_str_has_suffix (gtk_label_get_label (g_ptr_array_index (labels, i)), "/s");
  g_assert_true (found);

  /* A sparkline has samples after a second or two. */
  spin (2300);
  {
    g_autoptr(PbProfilerRow) row = g_list_model_get_item (rows, 0);
    double samples[PB_PROFILER_HISTORY];

    g_assert_cmpuint (pb_profiler_row_copy_history (row, samples), >=, 1);
  }
}

static void
check_names_ascending (GListModel *rows)
{
  for (guint i = 1; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(PbProfilerRow) a = g_list_model_get_item (rows, i - 1);
      g_autoptr(PbProfilerRow) b = g_list_model_get_item (rows, i);

      g_assert_cmpint (g_utf8_collate (pb_profiler_row_get_name (a), pb_profiler_row_get_name (b)), <=, 0);
    }
}

static void
sorts_body (Fixture *fixture)
{
  GListModel *rows = pb_profiler_get_processes (fixture->profiler);

  gtk_column_view_sort_by_column (fixture->view, find_column (fixture->view, "Process"), GTK_SORT_ASCENDING);
  check_names_ascending (rows);

  gtk_column_view_sort_by_column (fixture->view, find_column (fixture->view, "Busy"), GTK_SORT_DESCENDING);
  for (guint i = 1; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(PbProfilerRow) a = g_list_model_get_item (rows, i - 1);
      g_autoptr(PbProfilerRow) b = g_list_model_get_item (rows, i);

      g_assert_cmpuint (pb_profiler_row_get_busy_ns (a), >=, pb_profiler_row_get_busy_ns (b));
    }
  /* The demo's slow stage is built to be the hot one: it takes ten
   * times the next one's time per item. Early on, one call that the
   * machine preempted can outweigh that (a call's time is wall-clock
   * time, in a worker as here), so the table is given the seconds it
   * takes to show it. */
  {
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    g_autoptr(PbProfilerRow) top = g_list_model_get_item (rows, 0);

    while (g_strcmp0 (pb_profiler_row_get_name (top), "slow") != 0
           && g_get_monotonic_time () < end)
      {
        spin (250);
        gtk_column_view_sort_by_column (fixture->view, find_column (fixture->view, "Busy"),
                                        GTK_SORT_DESCENDING);
        g_clear_object (&top);
        top = g_list_model_get_item (rows, 0);
      }
    g_assert_cmpstr (pb_profiler_row_get_name (top), ==, "slow");
  }

  /* Live figures move, and the table keeps its order as they do. */
  gtk_column_view_sort_by_column (fixture->view, find_column (fixture->view, "Calls"), GTK_SORT_DESCENDING);
  spin (2300);
  for (guint i = 1; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(PbProfilerRow) a = g_list_model_get_item (rows, i - 1);
      g_autoptr(PbProfilerRow) b = g_list_model_get_item (rows, i);

      /* Sorted at the last second's sample, updated since: allow for
       * a second of calls. */
      g_assert_cmpuint (pb_profiler_row_get_calls (a) + 2000, >=, pb_profiler_row_get_calls (b));
    }
}

static void
select_body (Fixture *fixture)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (fixture->view));
  GListModel *rows = pb_profiler_get_processes (fixture->profiler);
  g_autoptr(PbProfilerRow) first = g_list_model_get_item (rows, 0);
  g_autoptr(PbProfilerRow) last = g_list_model_get_item (rows, g_list_model_get_n_items (rows) - 1);
  PbProfilerRow *selected;

  /* A row selects its node. */
  gtk_single_selection_set_selected (selection, 0);
  g_assert_true (pb_canvas_get_selected_node (fixture->canvas) == pb_profiler_row_get_node (first));
  g_assert_true (pb_node_get_selected (pb_profiler_row_get_node (first)));

  /* The pane scrolls a selected row into view through its list view's
   * action, GTK 4.8 having no gtk_column_view_scroll_to(). */
  g_assert_true (GTK_IS_LIST_VIEW (gtk_widget_get_last_child (GTK_WIDGET (fixture->view))));

  /* A node selects its row. */
  pb_canvas_select_node (fixture->canvas, pb_profiler_row_get_node (last), FALSE);
  selected = gtk_single_selection_get_selected_item (selection);
  g_assert_nonnull (selected);
  g_assert_true (pb_profiler_row_get_node (selected) == pb_profiler_row_get_node (last));
  g_assert_false (pb_node_get_selected (pb_profiler_row_get_node (first)));

  /* Sorting again keeps the selection on its node. */
  gtk_column_view_sort_by_column (fixture->view, find_column (fixture->view, "Process"), GTK_SORT_DESCENDING);
  selected = gtk_single_selection_get_selected_item (selection);
  g_assert_nonnull (selected);
  g_assert_true (pb_profiler_row_get_node (selected) == pb_profiler_row_get_node (last));
  g_assert_true (pb_canvas_get_selected_node (fixture->canvas) == pb_profiler_row_get_node (last));
}

static void
source_body (Fixture *fixture)
{
  GListModel *chains = pb_profiler_get_chains (fixture->profiler);
  g_autoptr(PbProfilerChain) chain = g_list_model_get_item (chains, 0);
  GListModel *toplevels = gtk_window_get_toplevels ();
  PbSourceWindow *source = NULL;
  g_autofree char *text = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->profiler), "profiler.show-source", "t",
                                             (guint64) pb_profiler_chain_get_head (chain)));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (PB_IS_SOURCE_WINDOW (window))
        source = PB_SOURCE_WINDOW (window);
    }
  g_assert_nonnull (source);
  text = pb_source_window_dup_text (source);
  g_assert_nonnull (strstr (text, "{"));
  gtk_window_destroy (GTK_WINDOW (source));
}

/* Recorded runs */

static void
compare_body (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GListModel *runs = pb_document_get_runs (fixture->document);
  GListModel *diffs = pb_profiler_get_comparison (fixture->profiler);
  g_autofree char *dir = g_dir_make_tmp ("pushback-profiler-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(PbDocument) reloaded = NULL;
  PbRecordedRun *a;
  PbRecordedRun *b;
  guint compared = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (diffs), ==, 0);

  a = pb_document_record_run (fixture->document, &error);
  g_assert_no_error (error);
  g_assert_nonnull (a);
  g_assert_cmpint (pb_recorded_run_get_id (a), ==, 0);   /* no file yet */
  spin (600);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->profiler), "profiler.record", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 2);
  b = g_list_model_get_item (runs, 1);
  g_object_unref (b);
  g_assert_cmpuint (pb_recorded_run_get_duration (b), >, pb_recorded_run_get_duration (a));

  /* The new run is compared with the one before, process by process. */
  g_assert_cmpuint (g_list_model_get_n_items (diffs), ==,
                    g_list_model_get_n_items (pb_document_get_nodes (fixture->document)));
  for (guint i = 0; i < g_list_model_get_n_items (diffs); i++)
    {
      g_autoptr(PbRunDiff) diff = g_list_model_get_item (diffs, i);

      g_assert_nonnull (pb_document_find_node (fixture->document, pb_run_diff_get_process (diff)));
      if (isfinite (pb_run_diff_get_change (diff)))
        {
          double expected = (pb_run_diff_get_cost_b (diff) - pb_run_diff_get_cost_a (diff))
                            / pb_run_diff_get_cost_a (diff) * 100;

          g_assert_cmpfloat_with_epsilon (pb_run_diff_get_change (diff), expected, 1e-9);
          compared++;
        }
      else
        /* Busy time is sampled: a process may have none yet in A. */
        g_assert_false (pb_run_diff_get_cost_a (diff) > 0 && isfinite (pb_run_diff_get_cost_b (diff)));
    }
  g_assert_cmpuint (compared, >, 0);

  /* Saving writes the runs that waited for a file; they load again. */
  path = g_build_filename (dir, "runs.pushback", NULL);
  file = g_file_new_for_path (path);
  g_assert_true (pb_document_save (fixture->document, file, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pb_recorded_run_get_id (a), ==, 1);
  g_assert_cmpint (pb_recorded_run_get_id (b), ==, 2);
  /* The drop-downs name the runs by their number in the file now. */
  {
    GtkDropDown *dropdown = GTK_DROP_DOWN (gui_test_find (GTK_WIDGET (fixture->profiler), GTK_TYPE_DROP_DOWN));
    g_autoptr(GPtrArray) labels = NULL;
    gboolean named = FALSE;

    gui_test_wait_for_draw (GTK_WIDGET (dropdown));
    labels = gui_test_find_all (GTK_WIDGET (dropdown), GTK_TYPE_LABEL);
    for (guint i = 0; i < labels->len; i++)
      named |= g_str_has_prefix (gtk_label_get_label (g_ptr_array_index (labels, i)), "Run 1,");
    g_assert_true (named);
  }

  /* A document with a file records straight into it. */
  g_assert_nonnull (pb_document_record_run (fixture->document, &error));
  g_assert_no_error (error);

  reloaded = pb_document_load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_runs (reloaded)), ==, 3);
  {
    g_autoptr(PbRecordedRun) first = g_list_model_get_item (pb_document_get_runs (reloaded), 0);
    gsize n = 0;

    pb_recorded_run_get_counters (first, &n);
    g_assert_cmpuint (n, ==, g_list_model_get_n_items (pb_document_get_nodes (fixture->document)));
    g_assert_cmpuint (pb_recorded_run_get_duration (first), ==, pb_recorded_run_get_duration (a));
  }
}

/* Export */

static char *
python (const char *script,
        const char *path)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "python3", "-c", script, path, NULL };
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_strstrip (out);
}

static void
export_body (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pushback-profiler-XXXXXX", &error);
  g_autofree char *json_path = g_build_filename (dir, "counters.json", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "profile.csv", NULL);
  g_autoptr(GFile) json = g_file_new_for_path (json_path);
  g_autoptr(GFile) csv = g_file_new_for_path (csv_path);
  g_autofree char *n_nodes = g_strdup_printf ("%u", g_list_model_get_n_items (pb_document_get_nodes (fixture->document)));
  g_autofree char *json_read = NULL;
  g_autofree char *csv_read = NULL;
  g_autofree char *expected_csv = NULL;
  g_autoptr(PbProfilerRow) first = g_list_model_get_item (pb_profiler_get_processes (fixture->profiler), 0);

  g_assert_no_error (error);

  g_assert_true (pb_profiler_write_json (fixture->profiler, json, &error));
  g_assert_no_error (error);
  json_read = python ("import json, sys\n"
                      "d = json.load (open (sys.argv[1]))\n"
                      "assert all (p['calls'] > 0 and p['busy_ns'] >= 0 and p['name'] for p in d['processes'])\n"
                      "assert all (c['code_bytes'] > 0 and c['processes'] for c in d['chains'])\n"
                      "print (len (d['processes']))\n", json_path);
  g_assert_cmpstr (json_read, ==, n_nodes);

  g_assert_true (pb_profiler_write_csv (fixture->profiler, csv, &error));
  g_assert_no_error (error);
  csv_read = python ("import csv, sys\n"
                     "rows = list (csv.reader (open (sys.argv[1], newline='')))\n"
                     "assert rows[0] == ['name', 'kind', 'calls', 'busy_ns', 'share', 'items_per_second', 'ns_per_item'], rows[0]\n"
                     "assert all (len (r) == 7 and int (r[2]) >= 0 and 0 <= float (r[4]) <= 1 for r in rows[1:])\n"
                     "print (len (rows) - 1, rows[1][0])\n", csv_path);
  /* In the table's order. */
  expected_csv = g_strdup_printf ("%s %s", n_nodes, pb_profiler_row_get_name (first));
  g_assert_cmpstr (csv_read, ==, expected_csv);
}

/* The pane opens 300 px high, its handle sets its height, and hiding
 * and showing it again keeps what the handle set. */
static void
resize_body (Fixture *fixture)
{
  GtkPaned *paned = GTK_PANED (gtk_widget_get_parent (GTK_WIDGET (fixture->profiler)));
  GtkWidget *window = GTK_WIDGET (fixture->window);
  int height = gtk_widget_get_height (GTK_WIDGET (paned));

  g_assert_true (GTK_IS_PANED (paned));
  g_assert_cmpint (abs (gtk_widget_get_height (GTK_WIDGET (fixture->profiler)) - 300), <=, 2);
  gtk_paned_set_position (paned, height - 200);
  gui_test_wait_for_draw (window);
  g_assert_cmpint (abs (gtk_widget_get_height (GTK_WIDGET (fixture->profiler)) - 200), <=, 2);
  g_assert_true (gtk_widget_activate_action (window, "win.show-profiler", NULL));
  gui_test_wait_for_draw (window);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->profiler)));
  g_assert_true (gtk_widget_activate_action (window, "win.show-profiler", NULL));
  gui_test_wait_for_draw (window);
  spin (200);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->profiler)));
  g_assert_cmpint (abs (gtk_widget_get_height (GTK_WIDGET (fixture->profiler)) - 200), <=, 2);
  gui_test_save_png (window, "profiler-resized.png");
}

int
main (int   argc,
      char *argv[])
{
  gui_test_isolate_data ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, body) \
  g_test_add ("/pushback/profiler/" path, Fixture, (gconstpointer) (body), \
              fixture_set_up, run_test, fixture_tear_down)

  ADD ("fills", fills_body);
  ADD ("sorts", sorts_body);
  ADD ("select", select_body);
  ADD ("show-source", source_body);
  ADD ("compare", compare_body);
  ADD ("export", export_body);
  ADD ("resize", resize_body);

#undef ADD

  return g_test_run ();
}
