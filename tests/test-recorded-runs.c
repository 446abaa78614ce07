/* test-recorded-runs.c — recorded runs and their comparison, without a
 * display
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the profiler's Record Run and Compare Runs rest on: a document
 * records its runs (into its file, or into memory until its first save),
 * they load again with the document, and a comparison of two runs gives
 * each process's change in cost, per item, or per second of the run for
 * a process that moved no item.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "pb-document.h"
#include "pb-recorded-run.h"
#include "pb-run-diff.h"

static void
wait_ms (guint ms)
{
  g_usleep (ms * 1000);
}

/* Whether the first process shows counters: the run has published
 * some. */
static gboolean
is_live (PbDocument *document)
{
  g_autoptr(PbNode) node = g_list_model_get_item (pb_document_get_nodes (document), 0);

  pb_document_refresh_status (document);
  return pb_node_get_live (node, NULL, NULL);
}

static void
test_record_and_reload (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) document = pb_document_new_from_pipeline ("seq to=1000000000 ! map expr=\"x * 2\" ! sum", &error);
  g_autofree char *dir = g_dir_make_tmp ("pb-runs-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "runs.pushback", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PbDocument) reloaded = NULL;
  GListModel *runs;
  PbRecordedRun *first;
  PbRecordedRun *second;
  const pb_store_counters *counters;
  gsize n = 0;

  g_assert_no_error (error);
  runs = pb_document_get_runs (document);

  /* Nothing ran: nothing to record. */
  g_assert_null (pb_document_record_run (document, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 0);

  g_assert_true (pb_document_run (document, &error));
  g_assert_no_error (error);
  /* Running and measured, not just asked to: a loaded machine may
   * take a while to publish its first counters. */
  g_assert_true (pb_document_sync (document, 20000));
  wait_ms (200);
  for (gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
       !is_live (document) && g_get_monotonic_time () < end;)
    wait_ms (50);
  first = pb_document_record_run (document, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_cmpint (pb_recorded_run_get_id (first), ==, 0);
  g_assert_cmpuint (pb_recorded_run_get_duration (first), >, 100 * 1000 * 1000);
  counters = pb_recorded_run_get_counters (first, &n);
  g_assert_cmpuint (n, ==, 3);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_nonnull (counters[i].name);
      g_assert_nonnull (counters[i].kind);
      g_assert_true (pb_recorded_run_find (first, counters[i].process) == &counters[i]);
    }

  /* The first save writes the waiting run; later ones go in at once. */
  g_assert_true (pb_document_save (document, file, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pb_recorded_run_get_id (first), ==, 1);
  wait_ms (100);
  second = pb_document_record_run (document, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pb_recorded_run_get_id (second), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 2);
  pb_document_stop (document);

  reloaded = pb_document_load (file, &error);
  g_assert_no_error (error);
  runs = pb_document_get_runs (reloaded);
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(PbRecordedRun) run = g_list_model_get_item (runs, i);
      PbRecordedRun *recorded = i == 0 ? first : second;
      const pb_store_counters *a = pb_recorded_run_get_counters (recorded, &n);
      gsize n_loaded = 0;

      pb_recorded_run_get_counters (run, &n_loaded);

      g_assert_cmpint (pb_recorded_run_get_id (run), ==, i + 1);
      g_assert_cmpuint (pb_recorded_run_get_duration (run), ==, pb_recorded_run_get_duration (recorded));
      g_assert_cmpint (pb_recorded_run_get_started (run), ==, pb_recorded_run_get_started (recorded));
      g_assert_cmpuint (n_loaded, ==, n);
      for (gsize k = 0; k < n; k++)
        {
          const pb_store_counters *same = pb_recorded_run_find (run, a[k].process);

          g_assert_nonnull (same);
          g_assert_cmpstr (same->name, ==, a[k].name);
          g_assert_cmpuint (same->busy_ns, ==, a[k].busy_ns);
          g_assert_cmpuint (same->items_in, ==, a[k].items_in);
        }
    }

  /* Saved under a new name, a document takes its runs along. */
  {
    g_autofree char *other_path = g_build_filename (dir, "other.pushback", NULL);
    g_autoptr(GFile) other = g_file_new_for_path (other_path);
    g_autoptr(PbDocument) moved = NULL;
    g_autoptr(PbDocument) again = pb_document_load (file, &error);

    g_assert_no_error (error);
    g_assert_true (pb_document_save (again, other, &error));
    g_assert_no_error (error);
    moved = pb_document_load (other, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_runs (moved)), ==, 2);
    /* Saving again where it is now writes none twice. */
    g_assert_true (pb_document_save (again, NULL, &error));
    g_assert_no_error (error);
    g_clear_object (&moved);
    moved = pb_document_load (other, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_runs (moved)), ==, 2);
    g_assert_cmpint (g_remove (other_path), ==, 0);
  }

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_diff (void)
{
  pb_store_counters a = { .process = 1 << 16, .name = "m", .kind = "map",
                          .busy_ns = 2000, .items_in = 100, .items_out = 100 };
  pb_store_counters b = { .process = 1 << 16, .name = "m2", .kind = "map",
                          .busy_ns = 3000, .items_in = 100, .items_out = 100 };
  pb_store_counters idle_a = { .process = 2 << 16, .name = "clock", .kind = "clock", .busy_ns = 1000 };
  pb_store_counters idle_b = { .process = 2 << 16, .name = "clock", .kind = "clock", .busy_ns = 1000 };
  g_autoptr(PbRunDiff) per_item = pb_run_diff_new (&a, 1000000000, &b, 2000000000);
  g_autoptr(PbRunDiff) per_second = pb_run_diff_new (&idle_a, 1000000000, &idle_b, 2000000000);
  g_autoptr(PbRunDiff) only_b = pb_run_diff_new (NULL, 1000000000, &b, 2000000000);
  gboolean flag;

  /* 20 ns an item against 30: half as much again, whatever the run's
   * length. The name is the newer run's. */
  g_assert_cmpfloat_with_epsilon (pb_run_diff_get_cost_a (per_item), 20, 1e-9);
  g_assert_cmpfloat_with_epsilon (pb_run_diff_get_cost_b (per_item), 30, 1e-9);
  g_assert_cmpfloat_with_epsilon (pb_run_diff_get_change (per_item), 50, 1e-9);
  g_assert_cmpstr (pb_run_diff_get_name (per_item), ==, "m2");
  g_object_get (per_item, "per-item", &flag, NULL);
  g_assert_true (flag);

  /* No item moved: busy time per second of each run, halved. */
  g_object_get (per_second, "per-item", &flag, NULL);
  g_assert_false (flag);
  g_assert_cmpfloat_with_epsilon (pb_run_diff_get_cost_a (per_second), 1000, 1e-9);
  g_assert_cmpfloat_with_epsilon (pb_run_diff_get_cost_b (per_second), 500, 1e-9);
  g_assert_cmpfloat_with_epsilon (pb_run_diff_get_change (per_second), -50, 1e-9);

  /* A process only one run had cannot compare. */
  g_assert_true (isnan (pb_run_diff_get_cost_a (only_b)));
  g_assert_true (isnan (pb_run_diff_get_change (only_b)));
  g_assert_cmpuint (pb_run_diff_get_process (only_b), ==, 1 << 16);
}

static void
test_stats_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) document = pb_document_new_from_pipeline ("seq to=10 ! sum", &error);
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  g_assert_true (pb_document_run (document, &error));
  g_assert_true (pb_document_sync (document, 5000));
  wait_ms (100);
  pb_document_stop (document);
  json = pb_document_dup_stats_json (document);
  g_assert_true (g_str_has_prefix (json, "{\"processes\": [{\"id\": 1, \"name\": "));
  g_assert_nonnull (strstr (json, "\"kind\": \"seq\""));
  g_assert_nonnull (strstr (json, "\"items_out\": 10}"));
  g_assert_nonnull (strstr (json, "], \"chains\": [{\"id\": 0, \"processes\": [1, 2]"));
  g_assert_true (g_str_has_suffix (json, "]}\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Pushback/RecordedRuns/record-and-reload", test_record_and_reload);
  g_test_add_func ("/Pushback/RecordedRuns/diff", test_diff);
  g_test_add_func ("/Pushback/RecordedRuns/stats-json", test_stats_json);

  return g_test_run ();
}
