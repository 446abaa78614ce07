/* bench-runner.c — the live runner: edit-to-live latency, snapshot cost
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each mode prints one machine-readable line.
 *
 *   bench-runner edit CHAINS EDITS
 *       CHAINS running chains of 10 stages (seq ! map x 8 ! discard); each
 *       edit sets the expression of a map in one of them, and is timed
 *       from pb_runner_set_param() to pb_runner_sync() returning: p50 and
 *       p99, the chains recompiled and the processes planned per edit
 *   bench-runner edit-worker CHAINS EDITS
 *       the same, with compiled code in a worker process
 *   bench-runner snapshot SECONDS PAIRS
 *       throughput of seq ! map x 8 ! discard with a thread taking 30
 *       snapshots a second, against none, in interleaved phases of one
 *       run
 *   bench-runner recover CHAINS RUNS
 *       CHAINS chains as for edit, in a worker, beside one c process;
 *       each run sets its code to fault, and times from the snapshot that
 *       shows it failed to the first in which every other chain has moved
 *       on: the medians of that, and of the edit to the failure
 */

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pushback/pushback.h>

#define SECOND UINT64_C (1000000000)
#define MAPS 8

static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static int
compare_u64 (const void *a,
             const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

  return x < y ? -1 : x > y;
}

static void
check (int         rc,
       const char *what)
{
  if (rc != PB_OK)
    {
      fprintf (stderr, "%s: %s\n", what, pb_strerror (rc));
      exit (1);
    }
}

/* Adds seq ! map x MAPS ! discard, endless; stores its maps' addresses. */
static void
add_chain (pb_graph *g,
           pb_addr  *maps)
{
  pb_addr prev, p;

  check (pb_graph_add_process (g, 0, "seq", &prev), "seq");
  check (pb_graph_set_param (g, prev, "to", "1000000000000000"), "to");
  prev = pb_addr_with_port (prev, 0);
  for (int k = 0; k < MAPS; k++)
    {
      check (pb_graph_add_process (g, 0, "map", &p), "map");
      check (pb_graph_set_param (g, p, "expr", k % 2 ? "x^(x>>7)" : "x*3+1"), "expr");
      check (pb_graph_connect (g, prev, p), "connect");
      prev = pb_addr_with_port (p, 1);
      maps[k] = p;
    }
  check (pb_graph_add_process (g, 0, "discard", &p), "discard");
  check (pb_graph_connect (g, prev, p), "connect");
}

static int
edit (size_t       chains,
      size_t       edits,
      pb_isolation isolation)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr *maps = calloc (chains * MAPS, sizeof *maps);
  uint64_t *times = calloc (edits, sizeof *times);
  size_t recompiled = 0, planned = 0;
  pb_error err = { PB_OK, "" };
  pb_runner *r;

  for (size_t i = 0; i < chains; i++)
    add_chain (g, maps + i * MAPS);
  r = pb_runner_new (g);
  check (pb_runner_set_isolation (r, isolation), "isolation");
  check (pb_runner_start (r, &err), "start");
  check (pb_runner_sync (r, 600 * SECOND), "sync");
  srand (1);
  for (size_t i = 0; i < edits; i++)
    {
      pb_addr m = maps[(size_t) rand () % (chains * MAPS)];
      char expr[64];
      pb_rebuild_info info;
      uint64_t t0;

      /* Equivalent, different text: the chain's code changes. */
      snprintf (expr, sizeof expr, "x+%zu-%zu", i, i);
      t0 = now_ns ();
      check (pb_runner_set_param (r, m, "expr", expr), "set_param");
      check (pb_runner_sync (r, 60 * SECOND), "sync");
      times[i] = now_ns () - t0;
      check (pb_runner_last_rebuild (r, &info), "last_rebuild");
      recompiled += info.recompiled;
      planned += info.planned;
    }
  qsort (times, edits, sizeof *times, compare_u64);
  printf ("edit%s processes=%zu chains=%zu edits=%zu p50_ms=%.3f p99_ms=%.3f recompiled_per_edit=%.2f"
          " planned_per_edit=%.1f\n", isolation == PB_ISOLATION_WORKER ? "-worker" : "",
          chains * (MAPS + 2), chains, edits, (double) times[edits / 2] / 1e6,
          (double) times[edits * 99 / 100] / 1e6, (double) recompiled / (double) edits,
          (double) planned / (double) edits);
  pb_runner_free (r);
  free (maps);
  free (times);
  return 0;
}

typedef struct
{
  pb_runner  *runner;
  atomic_bool stop;
  uint64_t    taken;
} watcher;

static void *
watch (void *data)
{
  watcher *w = data;

  while (!atomic_load (&w->stop))
    {
      pb_snapshot_free (pb_runner_snapshot (w->runner));
      w->taken++;
      usleep (1000000 / 30);
    }
  return NULL;
}

/* What the last process of @r's chain has taken, and when, from a
 * snapshot. */
static void
count (pb_runner *r,
       uint64_t  *items,
       uint64_t  *when)
{
  pb_snapshot *s = pb_runner_snapshot (r);
  pb_process_info info;

  pb_snapshot_process (s, pb_snapshot_n_processes (s) - 1, &info);
  *items = info.items_in;
  *when = pb_snapshot_time_ns (s);
  pb_snapshot_free (s);
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/*
 * One running chain, in @pairs pairs of phases of @seconds: one with a
 * thread taking 30 snapshots a second, one without, their order flipped
 * from pair to pair. Separate runs of the same chain differ by up to
 * 1.7x on a 2-core virtual machine (where its threads land), which
 * buried a cost of a few percent; phases of one run share that. Prints
 * the medians of each kind of phase and of the pairs' ratios.
 */
static int
snapshot_cost (double seconds,
               size_t pairs)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr maps[MAPS];
  pb_error err = { PB_OK, "" };
  double *with = calloc (pairs, sizeof *with), *without = calloc (pairs, sizeof *without);
  double *ratio = calloc (pairs, sizeof *ratio);
  pb_runner *r;

  add_chain (g, maps);
  r = pb_runner_new (g);
  check (pb_runner_start (r, &err), "start");
  check (pb_runner_sync (r, 60 * SECOND), "sync");
  usleep (100000);
  for (size_t i = 0; i < pairs; i++)
    for (int k = 0; k < 2; k++)
      {
        bool watched = (i + (size_t) k) % 2 == 0;
        watcher w = { r, false, 0 };
        pthread_t thread;
        uint64_t n0, t0, n1, t1;

        /* Two snapshots a phase, watched or not, count the items. */
        count (r, &n0, &t0);
        if (watched)
          pthread_create (&thread, NULL, watch, &w);
        usleep ((useconds_t) (seconds * 1e6));
        if (watched)
          {
            atomic_store (&w.stop, true);
            pthread_join (thread, NULL);
          }
        count (r, &n1, &t1);
        (watched ? with : without)[i] = (double) (n1 - n0) / ((double) (t1 - t0) / 1e9);
      }
  pb_runner_free (r);
  for (size_t i = 0; i < pairs; i++)
    ratio[i] = with[i] / without[i];
  qsort (with, pairs, sizeof *with, compare_double);
  qsort (without, pairs, sizeof *without, compare_double);
  qsort (ratio, pairs, sizeof *ratio, compare_double);
  printf ("snapshot pairs=%zu none_items_per_s=%.0f watched_items_per_s=%.0f slower_pct=%.2f"
          " ratio_min=%.3f ratio_max=%.3f\n", pairs, without[pairs / 2], with[pairs / 2],
          100.0 * (1.0 - ratio[pairs / 2]), ratio[0], ratio[pairs - 1]);
  free (with);
  free (without);
  free (ratio);
  return 0;
}

/* The state of every process in @s, and the items each has moved. */
static void
read_all (const pb_snapshot *s,
          pb_process_state  *states,
          uint64_t          *items)
{
  for (size_t i = 0; i < pb_snapshot_n_processes (s); i++)
    {
      pb_process_info info;

      pb_snapshot_process (s, i, &info);
      states[i] = info.state;
      items[i] = info.items_in + info.items_out;
    }
}

static int
recover (size_t chains,
         size_t runs)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr *maps = calloc (chains * MAPS, sizeof *maps);
  uint64_t *to_fail = calloc (runs, sizeof *to_fail), *to_resume = calloc (runs, sizeof *to_resume);
  size_t n = chains * (MAPS + 2) + 3;
  pb_process_state *states = calloc (n, sizeof *states);
  uint64_t *at_fail = calloc (n, sizeof *at_fail), *now = calloc (n, sizeof *now);
  pb_error err = { PB_OK, "" };
  pb_addr seq, bad, sink;
  long bad_i;
  pb_runner *r;

  for (size_t i = 0; i < chains; i++)
    add_chain (g, maps + i * MAPS);
  check (pb_graph_add_process (g, 0, "seq", &seq), "seq");
  check (pb_graph_set_param (g, seq, "to", "1000000000000000"), "to");
  check (pb_graph_add_process (g, 0, "c", &bad), "c");
  check (pb_graph_set_param (g, bad, "code", "emit (x);"), "code");
  check (pb_graph_add_process (g, 0, "discard", &sink), "discard");
  check (pb_graph_connect (g, pb_addr_with_port (seq, 0), bad), "connect");
  check (pb_graph_connect (g, pb_addr_with_port (bad, 1), sink), "connect");
  r = pb_runner_new (g);
  check (pb_runner_set_isolation (r, PB_ISOLATION_WORKER), "isolation");
  check (pb_runner_start (r, &err), "start");
  check (pb_runner_sync (r, 600 * SECOND), "sync");
  for (size_t run = 0; run < runs; run++)
    {
      pb_snapshot *s;
      uint64_t t0, t_fail;
      bool moved;

      usleep (200000);
      t0 = now_ns ();
      check (pb_runner_set_param (r, bad, "code", "if (x > 0) *(volatile int *) 16 = 1; emit (x);"),
             "code");
      for (;;)
        {
          s = pb_runner_snapshot (r);
          bad_i = pb_snapshot_find_process (s, bad);
          read_all (s, states, at_fail);
          if (bad_i >= 0 && states[bad_i] == PB_PROCESS_FAILED)
            break;
          pb_snapshot_free (s);
        }
      t_fail = pb_snapshot_time_ns (s);
      to_fail[run] = t_fail - t0;
      pb_snapshot_free (s);
      do
        {
          s = pb_runner_snapshot (r);
          read_all (s, states, now);
          moved = true;
          for (size_t i = 0; i < pb_snapshot_n_processes (s); i++)
            if (states[i] == PB_PROCESS_READY && (long) i != bad_i && now[i] <= at_fail[i])
              moved = false;
          to_resume[run] = pb_snapshot_time_ns (s) - t_fail;
          pb_snapshot_free (s);
          /* A snapshot stops the runner between two steps: asked for
           * without a pause, they would be what slows it. */
          if (!moved)
            usleep (1000);
        }
      while (!moved);
      check (pb_runner_set_param (r, bad, "code", "emit (x);"), "code");
      check (pb_runner_sync (r, 60 * SECOND), "sync");
    }
  qsort (to_fail, runs, sizeof *to_fail, compare_u64);
  qsort (to_resume, runs, sizeof *to_resume, compare_u64);
  printf ("recover processes=%zu runs=%zu edit_to_failed_ms=%.3f failed_to_all_moving_ms=%.3f"
          " worst_ms=%.3f\n", n, runs, (double) to_fail[runs / 2] / 1e6,
          (double) to_resume[runs / 2] / 1e6, (double) to_resume[runs - 1] / 1e6);
  pb_runner_free (r);
  free (maps);
  free (to_fail);
  free (to_resume);
  free (states);
  free (at_fail);
  free (now);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  if (argc == 4 && strcmp (argv[1], "edit") == 0)
    return edit (strtoull (argv[2], NULL, 10), strtoull (argv[3], NULL, 10), PB_ISOLATION_NONE);
  if (argc == 4 && strcmp (argv[1], "edit-worker") == 0)
    return edit (strtoull (argv[2], NULL, 10), strtoull (argv[3], NULL, 10), PB_ISOLATION_WORKER);
  if (argc == 4 && strcmp (argv[1], "recover") == 0)
    return recover (strtoull (argv[2], NULL, 10), strtoull (argv[3], NULL, 10));
  if (argc == 4 && strcmp (argv[1], "snapshot") == 0)
    return snapshot_cost (strtod (argv[2], NULL), strtoull (argv[3], NULL, 10));
  fprintf (stderr, "usage: bench-runner edit|edit-worker CHAINS EDITS | snapshot SECONDS PAIRS"
           " | recover CHAINS RUNS\n");
  return 2;
}
