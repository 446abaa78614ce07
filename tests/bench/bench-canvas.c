/* bench-canvas.c — the canvas's own work per frame, with many nodes
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-canvas [GROUPS] [FRAMES] [framed]
 *
 * Builds a topology of GROUPS diamonds (clock ! broadcast ! map, map !
 * merge ! map ! sum: 7 processes and 7 links each; 143 groups are 1,001
 * of each), shows it on a canvas in a 1280×800 window, and pans it by 6
 * pixels a frame for FRAMES frames, first at 100 % (most of it out of
 * view), then zooms it in and out between 50 % and 200 %, then pans it
 * zoomed to fit (all of it in view); then runs it, with every node's
 * counters updated 20 times a second, and pans again at 100 % and fit. For each frame it takes
 * the canvas's own work (its allocation plus its snapshot, timed inside
 * it) and the whole paint (the frame clock's before-paint to
 * after-paint, which includes GTK's rendering). It also times the first
 * frame of the window, from creating it. Prints one line of key=value
 * per phase. With "framed", each group lies in a frame of its own (143
 * frames of 7 nodes), which the canvas sizes at every layout. Run it
 * under Xvfb with GSK_RENDERER=cairo (or on a desktop).
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <gtk/gtk.h>

#include "pb-canvas.h"
#include "pb-document.h"

typedef struct
{
  GtkWidget  *window;
  PbCanvas   *canvas;
  GArray     *work;      /* gint64 µs per frame */
  GArray     *paint;
  GArray     *alloc;
  gint64      paint_start;
  guint       frames;
  guint       frame;
  double      x;
  double      y;
  gboolean    done;
  gboolean    zooming;
  gint64      created;
  gint64      first_frame;
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
  g_array_sort (values, compare);
  return g_array_index (values, gint64, (guint) (p * (values->len - 1))) / 1000.0;
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
  gint64 allocate_us, snapshot_us, paint_us;

  if (bench->first_frame == 0)
    bench->first_frame = g_get_monotonic_time ();
  if (bench->frames == 0 || bench->frame >= bench->frames)
    return;

  paint_us = g_get_monotonic_time () - bench->paint_start;
  pb_canvas_take_work_us (bench->canvas, &allocate_us, &snapshot_us);
  g_array_append_val (bench->paint, paint_us);
  g_array_append_val (bench->alloc, allocate_us);
  allocate_us += snapshot_us;
  g_array_append_val (bench->work, allocate_us);
  bench->frame++;
}

static gboolean
pan (GtkWidget     *widget,
     GdkFrameClock *clock,
     gpointer       user_data)
{
  Bench *bench = user_data;

  if (bench->frame >= bench->frames)
    {
      bench->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  if (bench->zooming)
    {
      double zoom = pb_canvas_get_zoom (bench->canvas);

      /* In and out between 50 % and 200 %, about the middle. */
      if (bench->frame % 140 >= 70)
        zoom /= 1.02;
      else
        zoom *= 1.02;
      pb_canvas_set_zoom (bench->canvas, zoom, 640, 400);
      return G_SOURCE_CONTINUE;
    }
  bench->x += 6 / pb_canvas_get_zoom (bench->canvas);
  pb_canvas_scroll_to (bench->canvas, bench->x, bench->y);
  return G_SOURCE_CONTINUE;
}

static void
wait_until (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
settle (guint ms)
{
  gboolean flag = FALSE;

  g_timeout_add (ms, set_flag, &flag);
  wait_until (&flag);
}

static gboolean
refresh_counters (gpointer document)
{
  pb_document_refresh_status (document);
  return G_SOURCE_CONTINUE;
}

static void
run_phase (Bench      *bench,
           const char *phase,
           guint       frames)
{
  guint allocated = 0;

  g_array_set_size (bench->work, 0);
  g_array_set_size (bench->paint, 0);
  g_array_set_size (bench->alloc, 0);
  bench->frames = frames;
  bench->frame = 0;
  bench->done = FALSE;
  gtk_widget_add_tick_callback (GTK_WIDGET (bench->canvas), pan, bench, NULL);
  wait_until (&bench->done);

  /* A frame that allocates follows a rest: the view stood still for
   * 150 ms, which slow software paints alone can make it do. */
  for (guint i = 0; i < bench->alloc->len; i++)
    allocated += g_array_index (bench->alloc, gint64, i) > 0;
  printf ("phase=%s frames=%u allocated=%u zoom=%.3f allocate_p50_ms=%.3f allocate_p95_ms=%.3f work_p50_ms=%.3f work_p95_ms=%.3f paint_p50_ms=%.3f paint_p95_ms=%.3f renderer=%s\n",
          phase, bench->work->len, allocated, pb_canvas_get_zoom (bench->canvas),
          percentile (bench->alloc, 0.5), percentile (bench->alloc, 0.95),
          percentile (bench->work, 0.5), percentile (bench->work, 0.95),
          percentile (bench->paint, 0.5), percentile (bench->paint, 0.95),
          g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "default");
  fflush (stdout);
}

/* A frame around each group: its nodes' names end in its number. */
static void
frame_groups (PbDocument *document,
              guint       groups)
{
  GListModel *nodes = pb_document_get_nodes (document);
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  for (guint g = 0; g < groups; g++)
    g_ptr_array_add (members, g_ptr_array_new_with_free_func (g_object_unref));
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      PbNode *node = g_list_model_get_item (nodes, i);
      guint g = (guint) atoi (pb_node_get_name (node) + 1);

      g_ptr_array_add (g_ptr_array_index (members, g), node);
    }
  for (guint g = 0; g < groups; g++)
    {
      g_autoptr(GError) error = NULL;

      if (pb_document_add_frame (document, g_ptr_array_index (members, g), NULL, &error) == NULL)
        g_error ("bench-canvas: %s", error->message);
    }
}

int
main (int   argc,
      char *argv[])
{
  guint groups = argc > 1 ? (guint) atoi (argv[1]) : 143;
  guint frames = argc > 2 ? (guint) atoi (argv[2]) : 300;
  g_autofree char *text = make_pipeline (groups);
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) document = NULL;
  GdkFrameClock *clock;
  Bench bench = { 0 };
  guint refresh;

  gtk_init ();

  document = pb_document_new_from_pipeline (text, &error);
  if (document == NULL)
    {
      fprintf (stderr, "bench-canvas: %s\n", error->message);
      return 1;
    }

  if (argc > 3 && g_str_equal (argv[3], "framed"))
    frame_groups (document, groups);

  bench.work = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.paint = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.alloc = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.created = g_get_monotonic_time ();
  bench.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1280, 800);
  bench.canvas = PB_CANVAS (pb_canvas_new ());
  pb_canvas_set_document (bench.canvas, document);
  gtk_window_set_child (GTK_WINDOW (bench.window), GTK_WIDGET (bench.canvas));
  gtk_window_present (GTK_WINDOW (bench.window));

  gtk_widget_realize (bench.window);
  clock = gtk_widget_get_frame_clock (bench.window);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &bench);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &bench);

  /* The nodes are placed by Graphviz once measured, in an idle. */
  while (bench.first_frame == 0)
    g_main_context_iteration (NULL, TRUE);
  printf ("phase=first-frame nodes=%u first_frame_ms=%.1f\n",
          g_list_model_get_n_items (pb_document_get_nodes (document)),
          (bench.first_frame - bench.created) / 1000.0);
  settle (1500);

  pb_canvas_set_zoom (bench.canvas, 1.0, 0, 0);
  bench.x = bench.y = 0;
  run_phase (&bench, "pan-100%", frames);

  bench.zooming = TRUE;
  pb_canvas_set_zoom (bench.canvas, 0.5, 640, 400);
  settle (200);
  run_phase (&bench, "zoom-50%-200%", frames);
  bench.zooming = FALSE;

  pb_canvas_zoom_to_fit (bench.canvas);
  settle (200);
  bench.x = bench.y = 0;
  pb_canvas_to_canvas (bench.canvas, 0, 0, &bench.x, &bench.y);
  run_phase (&bench, "pan-fit", frames);

  /* Running, every node's counters change 20 times a second. */
  if (!pb_document_run (document, &error))
    {
      fprintf (stderr, "bench-canvas: %s\n", error->message);
      return 1;
    }
  refresh = g_timeout_add (50, refresh_counters, document);
  pb_canvas_set_zoom (bench.canvas, 1.0, 0, 0);
  settle (500);
  bench.x = bench.y = 0;
  pb_canvas_to_canvas (bench.canvas, 0, 0, &bench.x, &bench.y);
  run_phase (&bench, "pan-100%-live-20Hz", frames);
  pb_canvas_zoom_to_fit (bench.canvas);
  settle (500);
  pb_canvas_to_canvas (bench.canvas, 0, 0, &bench.x, &bench.y);
  run_phase (&bench, "pan-fit-live-20Hz", frames);
  g_source_remove (refresh);
  pb_document_stop (document);

  gtk_window_destroy (GTK_WINDOW (bench.window));
  g_array_unref (bench.work);
  g_array_unref (bench.paint);
  g_array_unref (bench.alloc);
  return 0;
}
