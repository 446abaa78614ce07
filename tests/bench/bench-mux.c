/* bench-mux.c — selection sets per second of the mux
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The workload of the original pushback benchmark (dev/hackery/mux-scheduler):
 * 4096 processes, each depending on 1 to 5 random resources among 8192. A
 * selection set makes the resources of 5 random processes available, steps
 * the mux, and clears them again. The Perl original did 35,000 a second.
 *
 * Usage: bench-mux [RUNS [SECONDS]], by default 7 runs of 1 second. The
 * last line of output is machine-readable.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <pushback/pushback.h>

#include "clock.h"

#define N_PROCESSES   4096
#define N_RESOURCES   8192
#define MAX_DEPS      5
#define PICKS_PER_SET 5
/* Picks are drawn before timing, for this many sets, then reused in a
 * loop: 1.25 MiB, small enough to stay in cache. */
#define N_SETS        4096
/* Sets between two readings of the clock. */
#define BATCH         1024

typedef struct
{
  uint32_t deps[MAX_DEPS];
  uint32_t n_deps;
} bench_process;

typedef struct
{
  double sets_per_s;
  double bodies_per_step;
} bench_result;

static uint64_t rng_state = UINT64_C (0x9e3779b97f4a7c15);

/* splitmix64: fast, and the same numbers on every platform. */
static uint32_t
rng_below (uint32_t n)
{
  uint64_t z = (rng_state += UINT64_C (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * UINT64_C (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C (0x94d049bb133111eb);
  z ^= z >> 31;
  return (uint32_t) ((z >> 32) * n >> 32);
}

static int
body (void *data)
{
  (*(uint64_t *) data)++;
  return 0;
}

static void
set_resources (pb_mux              *m,
               const bench_process *procs,
               const uint32_t      *pick,
               bool                 on)
{
  for (unsigned j = 0; j < PICKS_PER_SET; j++)
    {
      const bench_process *p = &procs[pick[j]];

      for (uint32_t d = 0; d < p->n_deps; d++)
        pb_mux_set_avail (m, p->deps[d], on);
    }
}

static bench_result
run_once (pb_mux              *m,
          const bench_process *procs,
          const uint32_t      *picks,
          double               seconds)
{
  uint64_t duration = (uint64_t) (seconds * 1e9);
  uint64_t sets = 0, bodies = 0, t0, elapsed;
  size_t next = 0;
  bench_result res;

  t0 = pb_clock_now_ns ();
  do
    {
      for (unsigned k = 0; k < BATCH; k++)
        {
          const uint32_t *pick = &picks[next * PICKS_PER_SET];

          set_resources (m, procs, pick, true);
          bodies += pb_mux_step (m);
          set_resources (m, procs, pick, false);
          next = (next + 1) % N_SETS;
        }
      sets += BATCH;
      elapsed = pb_clock_now_ns () - t0;
    }
  while (elapsed < duration);

  res.sets_per_s = (double) sets * 1e9 / (double) elapsed;
  res.bodies_per_step = (double) bodies / (double) sets;
  return res;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Returns: the median of @rates, which stay in their order. */
static double
median (const double *rates,
        int           n)
{
  double *sorted = malloc ((size_t) n * sizeof *sorted);
  double mid;

  if (sorted == NULL)
    return 0;
  for (int i = 0; i < n; i++)
    sorted[i] = rates[i];
  qsort (sorted, (size_t) n, sizeof *sorted, compare_doubles);
  mid = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  free (sorted);
  return mid;
}

int
main (int   argc,
      char *argv[])
{
  int runs = argc > 1 ? atoi (argv[1]) : 7;
  double seconds = argc > 2 ? atof (argv[2]) : 1.0;
  bench_process *procs;
  uint32_t *picks;
  double *rates;
  double bodies_per_step = 0;
  uint64_t body_calls = 0, calls_seen = 0, calls, ns, ns_seen = 0;
  pb_mux *m;

  if (argc > 3 || runs < 1 || !(seconds > 0))
    {
      fprintf (stderr, "usage: %s [RUNS [SECONDS]]\n", argv[0]);
      return 2;
    }
  procs = calloc (N_PROCESSES, sizeof *procs);
  picks = malloc (N_SETS * PICKS_PER_SET * sizeof *picks);
  rates = calloc ((size_t) runs, sizeof *rates);
  m = pb_mux_new ();
  if (procs == NULL || picks == NULL || rates == NULL || m == NULL)
    {
      fprintf (stderr, "bench-mux: out of memory\n");
      return 1;
    }

  for (uint32_t i = 0; i < N_PROCESSES; i++)
    {
      uint32_t pid;
      int rc;

      procs[i].n_deps = 1 + rng_below (MAX_DEPS);
      for (uint32_t d = 0; d < procs[i].n_deps; d++)
        procs[i].deps[d] = rng_below (N_RESOURCES);
      rc = pb_mux_when (m, procs[i].deps, procs[i].n_deps, body, &body_calls, &pid);
      if (rc != PB_OK)
        {
          fprintf (stderr, "bench-mux: pb_mux_when: %s\n", pb_strerror (rc));
          return 1;
        }
      if (pid != i)
        {
          fprintf (stderr, "bench-mux: got pid %" PRIu32 ", not %" PRIu32 "\n", pid, i);
          return 1;
        }
    }
  for (size_t i = 0; i < (size_t) N_SETS * PICKS_PER_SET; i++)
    picks[i] = rng_below (N_PROCESSES);

  printf ("bench-mux: %d processes with 1-%d of %d resources, "
          "%d processes per set, %d runs of %.2f s\n",
          N_PROCESSES, MAX_DEPS, N_RESOURCES, PICKS_PER_SET, runs, seconds);

  /* One short untimed run warms the caches and the CPU's clock up. */
  run_once (m, procs, picks, seconds / 10);
  for (int r = 0; r < runs; r++)
    {
      bench_result res = run_once (m, procs, picks, seconds);

      rates[r] = res.sets_per_s;
      bodies_per_step = res.bodies_per_step;
      printf ("run %d: %.0f selection sets/s, %.2f bodies/step\n",
              r + 1, res.sets_per_s, res.bodies_per_step);
    }

  /* The counters must agree with what the bodies saw. */
  for (uint32_t i = 0; i < N_PROCESSES; i++)
    if (pb_mux_stats (m, i, &calls, &ns) == PB_OK)
      {
        calls_seen += calls;
        ns_seen += ns;
      }
  if (calls_seen != body_calls)
    {
      fprintf (stderr, "bench-mux: counters saw %" PRIu64 " calls, bodies %" PRIu64 "\n",
               calls_seen, body_calls);
      return 1;
    }
  printf ("%" PRIu64 " calls, %.1f ns each on average inside bodies and counters\n",
          calls_seen, (double) ns_seen / (double) calls_seen);

  printf ("mux_selection_sets_per_s median=%.0f runs=", median (rates, runs));
  for (int r = 0; r < runs; r++)
    printf ("%s%.0f", r > 0 ? "," : "", rates[r]);
  printf (" bodies_per_step=%.2f\n", bodies_per_step);

  pb_mux_free (m);
  free (rates);
  free (picks);
  free (procs);
  return 0;
}
