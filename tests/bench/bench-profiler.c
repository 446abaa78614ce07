/* bench-profiler.c — the profiler pane's cost per counter update
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-profiler [GROUPS] [SECONDS]
 *
 * Builds a topology of GROUPS diamonds (7 processes each; 143 groups
 * are 1,001 processes), runs it, and shows the profiler pane on it in a
 * 1280×800 window for SECONDS, then hidden for as long, then shown
 * with the run paused (the updates go on, the runtime's threads rest:
 * the pane's cost without their competition). The document
 * reads the runtime's counters ten times a second and hands each
 * snapshot to the pane, which updates its rows twice a second while it
 * shows (and samples once a second while hidden): it times its own work
 * (rows, chains, and once a second the sparkline samples and the
 * re-sort). "update" figures are per update it made, per_tick its work
 * spread over every counter update of the document. It also takes each frame's paint (before-paint to
 * after-paint, which includes laying out and drawing the visible rows).
 * Prints one line of key=value per phase. Run it under Xvfb with
 * GSK_RENDERER=cairo.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <adwaita.h>

#include "pb-document.h"
#include "pb-profiler.h"

typedef struct
{
  PbProfiler *profiler;
  GArray     *updates;   /* gint64 µs per update */
  GArray     *paint;
  gint64      paint_start;
  gboolean    measuring;
  guint       ticks;     /* counter updates the document handed on */
  gint64      total_us;  /* the pane's work over them */
} Bench;

static char *
make_pipeline (guint groups)
{
  GString *text = g_string_new (NULL);

  for (guint g = 0; g < groups; g++)
    g_string_append_printf (text,
                            "clock name=s%u rate=1000 ! broadcast name=b%u ! map name=a%u expr=x "
                            "! merge name=g%u ! map name=c%u expr=x ! sum name=u%u  "
                            "b%u. ! map name=d%u expr=x ! g%u.  ",
                            g, g, g, g, g, g, g, g, g);
  return g_string_free (text, FALSE);
}

static int
compare (gconstpointer a,
         gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare);
  return g_array_index (values, gint64, (guint) (p * (values->len - 1))) / 1000.0;
}

/* After the pane's own handler: it has just timed itself. */
static void
on_counters (PbDocument *document,
             gpointer    snapshot,
             Bench      *bench)
{
  gint64 us = pb_profiler_get_update_us (bench->profiler);

  bench->ticks += bench->measuring;
  if (bench->measuring && us >= 0)
    {
      g_array_append_val (bench->updates, us);
      bench->total_us += us;
    }
}

static void
on_before_paint (GdkFrameClock *clock,
                 Bench         *bench)
{
  bench->paint_start = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Bench         *bench)
{
  gint64 us = g_get_monotonic_time () - bench->paint_start;

  if (bench->measuring)
    g_array_append_val (bench->paint, us);
}

static void
spin (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

static void
report (const char *phase,
        Bench      *bench,
        guint       processes)
{
  printf ("phase=%s processes=%u ticks=%u per_tick_ms=%.3f updates=%u update_p50_ms=%.3f update_p95_ms=%.3f update_max_ms=%.3f "
          "frames=%u paint_p50_ms=%.3f paint_p95_ms=%.3f\n",
          phase, processes, bench->ticks, bench->ticks > 0 ? bench->total_us / 1000.0 / bench->ticks : 0,
          bench->updates->len,
          percentile (bench->updates, 0.5), percentile (bench->updates, 0.95),
          percentile (bench->updates, 1.0),
          bench->paint->len, percentile (bench->paint, 0.5), percentile (bench->paint, 0.95));
  fflush (stdout);
  g_array_set_size (bench->updates, 0);
  g_array_set_size (bench->paint, 0);
  bench->ticks = 0;
  bench->total_us = 0;
}

int
main (int   argc,
      char *argv[])
{
  guint groups = argc > 1 ? (guint) atoi (argv[1]) : 143;
  double seconds = argc > 2 ? atof (argv[2]) : 10;
  g_autofree char *text = make_pipeline (groups);
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) document = NULL;
  Bench bench = { 0 };
  GtkWidget *window;
  GdkFrameClock *clock;
  guint processes;

  gtk_init ();
  adw_init ();

  document = pb_document_new_from_pipeline (text, &error);
  if (document == NULL)
    {
      fprintf (stderr, "bench-profiler: %s\n", error->message);
      return 1;
    }
  processes = g_list_model_get_n_items (pb_document_get_nodes (document));

  bench.updates = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.paint = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.profiler = PB_PROFILER (pb_profiler_new ());
  pb_profiler_set_document (bench.profiler, document);
  g_signal_connect_after (document, "counters", G_CALLBACK (on_counters), &bench);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (bench.profiler));
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &bench);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &bench);

  if (!pb_document_run (document, &error))
    {
      fprintf (stderr, "bench-profiler: %s\n", error->message);
      return 1;
    }
  /* Let the build settle and the first samples come in. */
  spin (2);

  bench.measuring = TRUE;
  spin (seconds);
  report ("shown", &bench, processes);

  gtk_widget_set_visible (GTK_WIDGET (bench.profiler), FALSE);
  spin (seconds);
  report ("hidden", &bench, processes);

  /* Paused, the runtime's threads leave the processors to the pane:
   * its own cost, apart from the competition of the running topology
   * on a small machine. */
  gtk_widget_set_visible (GTK_WIDGET (bench.profiler), TRUE);
  pb_document_pause (document);
  spin (seconds);
  report ("shown-paused", &bench, processes);
  bench.measuring = FALSE;

  pb_document_stop (document);
  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (bench.updates);
  g_array_unref (bench.paint);
  return 0;
}
