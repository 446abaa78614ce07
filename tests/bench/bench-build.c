/* bench-build.c — how building an engine scales with the topology
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds one large topology in memory and times pb_engine_build() on it,
 * strict as `pushback-run --check` builds (check, partition, generate,
 * compile). Prints one machine-readable line: the median build time, on
 * the wall clock and in CPU time (the build runs on one thread; on a
 * shared machine its CPU time varies far less), and the peak resident
 * memory of the process.
 *
 *   bench-build stages N RUNS      seq ! map x (N - 2) ! sum: one chain
 *   bench-build pairs N RUNS       N / 2 chains of seq ! sum
 *   bench-build broadcast N RUNS   seq ! broadcast with N - 2 branches,
 *                                  each ! sum
 *   bench-build reversed N RUNS    as stages, each process added before
 *                                  the one that feeds it
 *   bench-build loose N RUNS       N / 2 pairs of seq ! map whose output is
 *                                  not connected, built lenient (as the
 *                                  runner builds): every pair waits
 *
 * A quadratic path shows as a time that grows a hundredfold from 1,000
 * to 10,000 processes instead of tenfold.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <pushback/pushback.h>

static uint64_t
clock_ns (clockid_t id)
{
  struct timespec ts;

  clock_gettime (id, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static int
compare_u64 (const void *a,
             const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

  return x < y ? -1 : x > y;
}

static pb_addr
add (pb_graph   *g,
     const char *kind)
{
  pb_addr a;

  if (pb_graph_add_process (g, 0, kind, &a) != PB_OK)
    {
      fprintf (stderr, "cannot add a %s\n", kind);
      exit (1);
    }
  return a;
}

/* Links output @out_port of @a to the input of @b. */
static void
join (pb_graph *g,
      pb_addr   a,
      uint32_t  out_port,
      pb_addr   b)
{
  if (pb_graph_connect (g, pb_addr_with_port (a, out_port), pb_addr_with_port (b, 0)) != PB_OK)
    {
      fprintf (stderr, "cannot link\n");
      exit (1);
    }
}

static pb_addr
add_seq (pb_graph *g)
{
  pb_addr s = add (g, "seq");

  pb_graph_set_param (g, s, "to", "10");
  return s;
}

static pb_graph *
make (const char *shape,
      size_t      n)
{
  pb_graph *g = pb_graph_new (0);

  if (g == NULL || n < 3)
    exit (1);
  if (strcmp (shape, "stages") == 0)
    {
      pb_addr prev = add_seq (g);
      uint32_t out = 0; /* seq's output; a map's is port 1 */

      for (size_t i = 0; i + 2 < n; i++)
        {
          pb_addr m = add (g, "map");

          pb_graph_set_param (g, m, "expr", "x+1");
          join (g, prev, out, m);
          prev = m;
          out = 1;
        }
      join (g, prev, out, add (g, "sum"));
    }
  else if (strcmp (shape, "reversed") == 0)
    {
      pb_addr next = add (g, "sum");

      for (size_t i = 0; i + 2 < n; i++)
        {
          pb_addr m = add (g, "map");

          pb_graph_set_param (g, m, "expr", "x+1");
          join (g, m, 1, next);
          next = m;
        }
      join (g, add_seq (g), 0, next);
    }
  else if (strcmp (shape, "loose") == 0)
    for (size_t i = 0; i + 1 < n; i += 2)
      {
        pb_addr m = add (g, "map");

        pb_graph_set_param (g, m, "expr", "x+1");
        join (g, add_seq (g), 0, m);
      }
  else if (strcmp (shape, "pairs") == 0)
    for (size_t i = 0; i + 1 < n; i += 2)
      join (g, add_seq (g), 0, add (g, "sum"));
  else if (strcmp (shape, "broadcast") == 0)
    {
      pb_addr t = add (g, "broadcast");

      join (g, add_seq (g), 0, t);
      for (size_t i = 0; i + 2 < n; i++)
        join (g, t, 1 + (uint32_t) i, add (g, "sum"));
    }
  else
    {
      fprintf (stderr, "unknown shape '%s'\n", shape);
      exit (2);
    }
  return g;
}

int
main (int    argc,
      char **argv)
{
  const char *shape;
  size_t n, runs;
  uint64_t *times, *cpu;
  struct rusage usage;
  size_t chains = 0;

  if (argc != 4)
    {
      fprintf (stderr, "usage: bench-build stages|reversed|pairs|broadcast|loose N RUNS\n");
      return 2;
    }
  shape = argv[1];
  n = strtoull (argv[2], NULL, 10);
  runs = strtoull (argv[3], NULL, 10);
  if (runs == 0)
    runs = 1;
  times = calloc (runs, sizeof *times);
  cpu = calloc (runs, sizeof *cpu);
  for (size_t r = 0; r < runs; r++)
    {
      pb_graph *g = make (shape, n);
      pb_engine *e = pb_engine_new (g);
      pb_error err = { PB_OK, "" };
      bool lenient = strcmp (shape, "loose") == 0;
      uint64_t t0 = clock_ns (CLOCK_MONOTONIC);
      uint64_t c0 = clock_ns (CLOCK_PROCESS_CPUTIME_ID);

      pb_engine_set_lenient (e, lenient);
      if (pb_engine_build (e, &err) != PB_OK && !lenient)
        {
          fprintf (stderr, "build: %s\n", err.message);
          return 1;
        }
      times[r] = clock_ns (CLOCK_MONOTONIC) - t0;
      cpu[r] = clock_ns (CLOCK_PROCESS_CPUTIME_ID) - c0;
      chains = pb_engine_n_chains (e);
      pb_engine_free (e);
      pb_graph_free (g);
    }
  qsort (times, runs, sizeof *times, compare_u64);
  qsort (cpu, runs, sizeof *cpu, compare_u64);
  getrusage (RUSAGE_SELF, &usage);
  printf ("build shape=%s processes=%zu chains=%zu build_ms=%.1f cpu_ms=%.1f max_rss_mb=%.1f\n",
          shape, n, chains, (double) times[runs / 2] / 1e6, (double) cpu[runs / 2] / 1e6,
          (double) usage.ru_maxrss / 1024.0);
  free (times);
  free (cpu);
  return 0;
}
