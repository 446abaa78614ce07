/* bench-store.c — saving and loading a large topology
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 10,000 processes (map, each with a name, an expression and a position)
 * joined by 10,000 links into a ring, saved to and loaded from a document
 * in DIR (by default $TMPDIR or /tmp: put it on the disk you care about,
 * since every save waits for fsync). Medians of RUNS runs of:
 *
 * - save: pb_store_save() of the topology into a new document, so every
 *   row is written;
 * - load: pb_store_open() read-only, pb_store_load(), pb_store_close(), as
 *   `pushback-run FILE` loads, integrity check included;
 * - edit_save: pb_store_save() into the open document after moving 100
 *   nodes and changing 10 parameters, as the editor saves;
 * - replace_save: pb_store_save() of another topology of the same size
 *   (other names, parameters and links) over the saved one;
 * - open_save_close: a new document, opened, saved and closed, as
 *   `pushback-run --save` does, its journal and fsyncs included.
 *
 * Usage: bench-store [RUNS [DIR]], by default 7 runs. The last line of
 * output is machine-readable.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pushback/pushback.h>

#include "clock.h"

#define N_PROCESSES 10000
#define MAX_RUNS    101

static void
check (int         rc,
       const char *what,
       pb_error   *err)
{
  if (rc != PB_OK)
    {
      fprintf (stderr, "bench-store: %s: %s\n", what, err->message);
      exit (1);
    }
}

/* A ring of map processes: out of each into the next one's in, or the
 * one after that for @variant 1, which also names and sets every process
 * differently. */
static pb_graph *
make_topology (pb_store_layout *layout,
               int              variant)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr procs[N_PROCESSES];
  char text[64];
  int i;

  for (i = 0; i < N_PROCESSES; i++)
    {
      if (pb_graph_add_process (g, 0, "map", &procs[i]) != PB_OK)
        exit (1);
      snprintf (text, sizeof text, "stage-%d-%d", variant, i);
      pb_graph_set_name (g, procs[i], text);
      snprintf (text, sizeof text, "x * %d + %d", i % 97, variant);
      pb_graph_set_param (g, procs[i], "expr", text);
      layout[i] = (pb_store_layout) { procs[i], (i % 100) * 160.0 + variant,
                                      (i / 100) * 80.0, 140, 60, true, i % 10 == 0 };
    }
  for (i = 0; i < N_PROCESSES; i++)
    {
      pb_addr from = pb_addr_with_port (procs[i], 1);
      pb_addr to = pb_addr_with_port (procs[(i + 1 + variant) % N_PROCESSES], 0);

      if (pb_graph_connect (g, from, to) != PB_OK)
        exit (1);
      if (i % 50 == variant)
        pb_graph_set_link_flags (g, from, PB_LINK_BREAK_INLINING);
    }
  return g;
}

/* Removes the document and the journal a cut-short save leaves. */
static void
remove_document (const char *path)
{
  char side[4200];

  unlink (path);
  snprintf (side, sizeof side, "%s-journal", path);
  unlink (side);
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v,
        int     n)
{
  qsort (v, (size_t) n, sizeof *v, compare_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double
ms_since (uint64_t t0)
{
  return (double) (pb_clock_now_ns () - t0) / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  int runs = argc > 1 ? atoi (argv[1]) : 7;
  const char *dir = argc > 2 ? argv[2] : getenv ("TMPDIR") != NULL ? getenv ("TMPDIR") : "/tmp";
  static pb_store_layout layout[N_PROCESSES], layout2[N_PROCESSES];
  double save_ms[MAX_RUNS], load_ms[MAX_RUNS], edit_ms[MAX_RUNS], replace_ms[MAX_RUNS];
  double cycle_ms[MAX_RUNS];
  char path[4096];
  pb_store_doc doc = { "bench", { 1, 0, 0 }, layout, N_PROCESSES };
  pb_store_doc doc2 = { "bench", { 1, 0, 0 }, layout2, N_PROCESSES };
  pb_store *store = NULL;
  pb_graph *g, *g2, *loaded = NULL;
  pb_error err = { 0 };
  struct stat st;
  uint64_t t0;
  int i, k;

  if (runs < 1 || runs > MAX_RUNS)
    {
      fprintf (stderr, "usage: bench-store [RUNS (1 to %d) [DIR]]\n", MAX_RUNS);
      return 2;
    }
  snprintf (path, sizeof path, "%s/bench-store-%ld.pushback", dir, (long) getpid ());
  g = make_topology (layout, 0);
  g2 = make_topology (layout2, 1);

  for (i = 0; i < runs; i++)
    {
      remove_document (path);
      check (pb_store_open (path, PB_STORE_WRITE, &store, &err), "open", &err);
      t0 = pb_clock_now_ns ();
      check (pb_store_save (store, g, &doc, &err), "save", &err);
      save_ms[i] = ms_since (t0);
      pb_store_close (store);
    }
  if (stat (path, &st) != 0)
    st.st_size = 0;

  for (i = 0; i < runs; i++)
    {
      t0 = pb_clock_now_ns ();
      check (pb_store_open (path, PB_STORE_READ, &store, &err), "open", &err);
      check (pb_store_load (store, 0, &loaded, NULL, &err), "load", &err);
      pb_store_close (store);
      load_ms[i] = ms_since (t0);
      if (pb_graph_n_processes (loaded) != N_PROCESSES
          || pb_graph_n_connections (loaded) != N_PROCESSES)
        {
          fprintf (stderr, "bench-store: the loaded topology differs\n");
          return 1;
        }
      pb_graph_free (loaded);
    }

  check (pb_store_open (path, PB_STORE_WRITE, &store, &err), "open", &err);
  for (i = 0; i < runs; i++)
    {
      char expr[32];

      for (k = 0; k < 100; k++)
        layout[(i * 997 + k * 101) % N_PROCESSES].x += 8;
      for (k = 0; k < 10; k++)
        {
          snprintf (expr, sizeof expr, "x + %d", i);
          pb_graph_set_param (g, layout[(i * 31 + k * 1009) % N_PROCESSES].process, "expr", expr);
        }
      t0 = pb_clock_now_ns ();
      check (pb_store_save (store, g, &doc, &err), "save", &err);
      edit_ms[i] = ms_since (t0);
    }
  for (i = 0; i < runs; i++)
    {
      t0 = pb_clock_now_ns ();
      if (i % 2 == 0)
        check (pb_store_save (store, g2, &doc2, &err), "save", &err);
      else
        check (pb_store_save (store, g, &doc, &err), "save", &err);
      replace_ms[i] = ms_since (t0);
    }
  pb_store_close (store);

  for (i = 0; i < runs; i++)
    {
      remove_document (path);
      t0 = pb_clock_now_ns ();
      check (pb_store_open (path, PB_STORE_WRITE, &store, &err), "open", &err);
      check (pb_store_save (store, g, &doc, &err), "save", &err);
      pb_store_close (store);
      cycle_ms[i] = ms_since (t0);
    }

  remove_document (path);
  pb_graph_free (g);
  pb_graph_free (g2);

  printf ("%d processes, %d links, %d runs, file of %" PRIdMAX " bytes in %s\n",
          N_PROCESSES, N_PROCESSES, runs, (intmax_t) st.st_size, dir);
  printf ("store save_ms=%.2f load_ms=%.2f edit_save_ms=%.2f replace_save_ms=%.2f "
          "open_save_close_ms=%.2f\n", median (save_ms, runs), median (load_ms, runs),
          median (edit_ms, runs), median (replace_ms, runs), median (cycle_ms, runs));
  return 0;
}
