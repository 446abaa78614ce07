/* bench-watch.c — what watching a run live costs the run
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-watch [SECONDS] [RUNS]
 *
 * Throughput of an 8-stage chain (seq ! 8 × map ! discard) run two
 * ways, in interleaved runs: as pushback-run runs it (a headless runner,
 * nothing reading its counters but the two snapshots that measure it),
 * and in the editor, the document running it and a canvas in a shown
 * 1280×800 window drawing every node's counters, its chain tint and its
 * heat as the document reads them (ten times a second). Each run warms
 * up for half a second, then counts the items that reached the sink
 * over SECONDS, between two of the runtime's own snapshots. Prints the
 * median items/s of each way, how much slower the watched run is, and
 * the share of a processor the editor's main thread took meanwhile: on
 * a machine with a processor to spare for it, the runtime's thread does
 * not feel it; on a loaded one, the two compete.
 * Run it under Xvfb with GSK_RENDERER=cairo.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <adwaita.h>
#include <pushback/pushback.h>

#include "pb-canvas.h"
#include "pb-document.h"

#define PIPELINE "seq name=src to=1000000000000000 " \
                 "! map expr=\"x*3+1\" ! map expr=\"x^(x>>7)\" " \
                 "! map expr=\"x*3+1\" ! map expr=\"x^(x>>7)\" " \
                 "! map expr=\"x*3+1\" ! map expr=\"x^(x>>7)\" " \
                 "! map expr=\"x*3+1\" ! map expr=\"x^(x>>7)\" ! discard name=end"
#define WARM_US (G_USEC_PER_SEC / 2)

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

/* The sink's items so far and the snapshot's time, in @s. */
static void
read_sink (const pb_snapshot *s,
           pb_addr            sink,
           guint64           *items,
           guint64           *time_ns)
{
  long i = pb_snapshot_find_process (s, sink);
  pb_process_info info;

  g_assert (i >= 0);
  g_assert (pb_snapshot_process (s, (size_t) i, &info) == PB_OK);
  *items = info.items_in;
  *time_ns = pb_snapshot_time_ns (s);
}

/* Processor time the calling thread has used, in seconds. */
static double
thread_cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return (double) usage.ru_utime.tv_sec + (double) usage.ru_stime.tv_sec
         + ((double) usage.ru_utime.tv_usec + (double) usage.ru_stime.tv_usec) / 1e6;
}

static void
sleep_in_loop (gint64 us)
{
  gint64 end = g_get_monotonic_time () + us;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
}

/* As pushback-run runs it. */
static double
headless (double seconds)
{
  pb_graph *graph = pb_graph_new (0);
  pb_error err = { PB_OK, "" };
  pb_snapshot *s;
  pb_addr sink = 0;
  guint64 n0, n1, t0, t1;
  pb_runner *r;

  g_assert (pb_pipeline_build_text (graph, PIPELINE, &err) == PB_OK);
  sink = pb_graph_find_name (graph, "end");
  g_assert (sink != 0);
  r = pb_runner_new (graph);
  g_assert (pb_runner_set_headless (r, true) == PB_OK);
  g_assert (pb_runner_start (r, &err) == PB_OK);
  g_usleep (WARM_US);
  s = pb_runner_snapshot (r);
  read_sink (s, sink, &n0, &t0);
  pb_snapshot_free (s);
  g_usleep ((gulong) (seconds * G_USEC_PER_SEC));
  s = pb_runner_snapshot (r);
  read_sink (s, sink, &n1, &t1);
  pb_snapshot_free (s);
  pb_runner_free (r);
  return (double) (n1 - n0) / ((double) (t1 - t0) / 1e9);
}

typedef struct
{
  pb_addr  sink;
  guint64  items;
  guint64  time_ns;
} Latest;

static void
on_counters (PbDocument        *document,
             const pb_snapshot *snapshot,
             Latest            *latest)
{
  read_sink (snapshot, latest->sink, &latest->items, &latest->time_ns);
}

/* In the editor, shown live. @ui_share: the share of a processor the
 * main thread took meanwhile (laying out, drawing, reading counters). */
static double
watched (double  seconds,
         double *ui_share)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) document = pb_document_new_from_pipeline (PIPELINE, &error);
  GListModel *nodes;
  GtkWidget *window, *canvas;
  Latest latest = { 0 };
  guint64 n0, t0;
  double cpu0;

  g_assert_no_error (error);
  nodes = pb_document_get_nodes (document);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

      if (g_strcmp0 (pb_node_get_name (node), "end") == 0)
        latest.sink = pb_node_get_address (node);
    }
  g_assert (latest.sink != 0);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  canvas = pb_canvas_new ();
  pb_canvas_set_document (PB_CANVAS (canvas), document);
  gtk_window_set_child (GTK_WINDOW (window), canvas);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (document, "counters", G_CALLBACK (on_counters), &latest);
  g_assert (pb_document_run (document, &error));
  g_assert_no_error (error);

  /* Compiled and counting first: on a loaded machine that may take a
   * while. */
  while (latest.time_ns == 0)
    g_main_context_iteration (NULL, TRUE);
  sleep_in_loop (WARM_US);
  n0 = latest.items;
  t0 = latest.time_ns;
  cpu0 = thread_cpu_s ();
  sleep_in_loop ((gint64) (seconds * G_USEC_PER_SEC));
  g_assert (latest.time_ns > t0);
  *ui_share = (thread_cpu_s () - cpu0) / ((double) (latest.time_ns - t0) / 1e9);

  g_signal_handlers_disconnect_by_data (document, &latest);
  pb_document_stop (document);
  gtk_window_destroy (GTK_WINDOW (window));
  sleep_in_loop (100 * 1000);
  return (double) (latest.items - n0) / ((double) (latest.time_ns - t0) / 1e9);
}

int
main (int   argc,
      char *argv[])
{
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 3;
  guint runs = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 5;
  g_autoptr(GArray) plain = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) shown = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ui = g_array_new (FALSE, FALSE, sizeof (double));
  double a, b;

  gtk_init ();
  adw_init ();
  for (guint i = 0; i < runs; i++)
    {
      double share;
      double x = headless (seconds), y = watched (seconds, &share);

      g_array_append_val (plain, x);
      g_array_append_val (shown, y);
      g_array_append_val (ui, share);
      fprintf (stderr, "run %u: headless %.0f, watched %.0f items/s; main thread %.1f %% of a processor\n",
               i, x, y, 100 * share);
    }
  a = median (plain);
  b = median (shown);
  printf ("watch runs=%u seconds=%.1f headless_items_per_s=%.0f watched_items_per_s=%.0f "
          "slower_pct=%.2f ui_cpu_pct=%.1f\n",
          runs, seconds, a, b, 100 * (a - b) / a, 100 * median (ui));
  return 0;
}
