/* bench-chain.c — throughput of compiled chains, and their compile times
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each mode prints one machine-readable line of medians; tests/bench/run
 * puts them side by side with the peers measured in the same run.
 *
 *   bench-chain map STAGES ITEMS RUNS
 *       seq ! map x STAGES ! sum on i64, against the same work written by
 *       hand as one loop compiled by gcc -O2 (this file's own build)
 *   bench-chain pass STAGES ITEMS_PER_MESSAGE MESSAGES RUNS fused|split|stream
 *       seq ! pass x STAGES ! discard. fused: one chain call per message
 *       of ITEMS_PER_MESSAGE items; split: the same with a ring between
 *       every stage, so every message crosses STAGES boundaries as in
 *       GStreamer; stream: calls of the default batch (4096 items), the
 *       messages counted as ITEMS_PER_MESSAGE items each
 *   bench-chain f64 STAGES ITEMS RUNS
 *       seq type=f64 ! map expr="x*1" x STAGES ! discard (for Pure Data)
 *   bench-chain compile STAGES RUNS
 *       one chain of STAGES maps: generate and compile it
 *   bench-chain worker STAGES ITEMS PAIRS
 *       seq ! map x STAGES ! sum run in-process and in a worker process,
 *       in PAIRS interleaved pairs (each pair's order alternates): the
 *       median of each, and of the pairs' ratios (worker time over
 *       in-process time)
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pushback/pushback.h>

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

static uint64_t
median (uint64_t *v,
        size_t    n)
{
  qsort (v, n, sizeof *v, compare_u64);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Stage k of the map benchmark: affine and xor-shift stages alternate so
 * that gcc cannot fold the chain into one operation, which would measure
 * its algebra rather than its code. */
static const char *
stage_expr (int k)
{
  return k % 2 == 0 ? "x*3+1" : "x^(x>>7)";
}

#define MUL_ADD(x) x = (int64_t) ((uint64_t) (x) * 3u + 1u);
#define XOR_SHIFT(x) x = x ^ (x >> 7);
#define TWO(x) MUL_ADD (x) XOR_SHIFT (x)
#define EIGHT(x) TWO (x) TWO (x) TWO (x) TWO (x)

/* The same work by hand: one loop, every stage inline, as gcc -O2 compiles
 * it. noinline keeps the stage count from being specialised away. */
static __attribute__ ((noinline)) int64_t
hand_loop (int64_t n,
           int     stages)
{
  uint64_t sum = 0;

  switch (stages)
    {
    case 1:
      for (int64_t i = 1; i <= n; i++)
        {
          int64_t x = i;

          MUL_ADD (x)
          sum += (uint64_t) x;
        }
      break;
    case 8:
      for (int64_t i = 1; i <= n; i++)
        {
          int64_t x = i;

          EIGHT (x)
          sum += (uint64_t) x;
        }
      break;
    case 32:
      for (int64_t i = 1; i <= n; i++)
        {
          int64_t x = i;

          EIGHT (x) EIGHT (x) EIGHT (x) EIGHT (x)
          sum += (uint64_t) x;
        }
      break;
    default:
      abort ();
    }
  return (int64_t) sum;
}

static char *
pipeline (const char *source,
          const char *stage_kind,
          int         stages,
          bool        map_exprs,
          const char *fixed_expr,
          const char *sink)
{
  size_t cap = 256 + (size_t) stages * 64;
  char *text = malloc (cap);
  size_t len = (size_t) snprintf (text, cap, "%s", source);

  for (int k = 0; k < stages; k++)
    {
      if (map_exprs)
        len += (size_t) snprintf (text + len, cap - len, " ! %s expr=\"%s\"", stage_kind,
                                  fixed_expr ? fixed_expr : stage_expr (k));
      else
        len += (size_t) snprintf (text + len, cap - len, " ! %s", stage_kind);
    }
  snprintf (text + len, cap - len, " ! %s", sink);
  return text;
}

typedef struct
{
  pb_graph  *graph;
  pb_engine *engine;
} built;

static built
build_isolated (const char   *text,
                uint64_t      batch,
                bool          split,
                pb_isolation  isolation)
{
  built b;
  pb_error err;

  b.graph = pb_graph_new (0);
  if (pb_pipeline_build_text (b.graph, text, &err) != PB_OK)
    {
      fprintf (stderr, "bench-chain: %s\n", err.message);
      exit (1);
    }
  if (split)
    {
      size_t n = pb_graph_n_connections (b.graph);
      pb_connection *links = calloc (n, sizeof *links);

      pb_graph_list_connections (b.graph, links, n);
      for (size_t i = 0; i < n; i++)
        pb_graph_set_link_flags (b.graph, links[i].a, PB_LINK_BREAK_INLINING);
      free (links);
    }
  b.engine = pb_engine_new (b.graph);
  if (pb_engine_set_isolation (b.engine, isolation, &err) != PB_OK)
    {
      fprintf (stderr, "bench-chain: %s\n", err.message);
      exit (1);
    }
  pb_engine_set_batch (b.engine, batch);
  if (pb_engine_build (b.engine, &err) != PB_OK)
    {
      fprintf (stderr, "bench-chain: %s\n", err.message);
      exit (1);
    }
  return b;
}

static built
build (const char *text,
       uint64_t    batch,
       bool        split)
{
  return build_isolated (text, batch, split, PB_ISOLATION_NONE);
}

static void
destroy (built b)
{
  pb_engine_free (b.engine);
  pb_graph_free (b.graph);
}

static uint64_t
run (built b)
{
  pb_error err;
  uint64_t t0 = now_ns ();

  if (pb_engine_run (b.engine, &err) != PB_OK)
    {
      fprintf (stderr, "bench-chain: %s\n", err.message);
      exit (1);
    }
  return now_ns () - t0;
}

static const char *
sink_result (built b)
{
  for (size_t i = 0; i < pb_engine_n_processes (b.engine); i++)
    {
      pb_process_info info;

      pb_engine_process_info (b.engine, i, &info);
      if (info.result != NULL)
        return info.result;
    }
  return "";
}

static int
bench_map (int      stages,
           int64_t  items,
           int      runs)
{
  uint64_t *pb = calloc ((size_t) runs, sizeof *pb);
  uint64_t *gcc = calloc ((size_t) runs, sizeof *gcc);
  char source[64];
  char *text;
  char expected[32];

  snprintf (source, sizeof source, "seq from=1 to=%" PRId64, items);
  text = pipeline (source, "map", stages, true, NULL, "sum");
  for (int r = 0; r < runs; r++)
    {
      built b = build (text, 4096, false);
      uint64_t t0;
      int64_t sum;

      pb[r] = run (b);
      t0 = now_ns ();
      sum = hand_loop (items, stages);
      gcc[r] = now_ns () - t0;
      /* Both must have done the same work, or the ratio means nothing. */
      snprintf (expected, sizeof expected, "%" PRId64, sum);
      if (strcmp (sink_result (b), expected) != 0)
        {
          fprintf (stderr, "bench-chain: pushback gave %s, gcc %s\n", sink_result (b), expected);
          return 1;
        }
      destroy (b);
    }
  {
    uint64_t p = median (pb, (size_t) runs), g = median (gcc, (size_t) runs);

    printf ("map stages=%d items=%" PRId64 " pushback_items_per_s=%.0f gcc_items_per_s=%.0f ratio=%.2f\n",
            stages, items, (double) items * 1e9 / (double) p, (double) items * 1e9 / (double) g,
            (double) p / (double) g);
  }
  free (text);
  free (pb);
  free (gcc);
  return 0;
}

static int
bench_pass (int         stages,
            int64_t     per_message,
            int64_t     messages,
            int         runs,
            const char *mode)
{
  uint64_t *t = calloc ((size_t) runs, sizeof *t);
  bool split = strcmp (mode, "split") == 0;
  uint64_t batch = strcmp (mode, "stream") == 0 ? 4096 : (uint64_t) per_message;
  char source[64];
  char *text;

  snprintf (source, sizeof source, "seq from=1 to=%" PRId64, per_message * messages);
  text = pipeline (source, "pass", stages, false, NULL, "discard");
  for (int r = 0; r < runs; r++)
    {
      built b = build (text, batch, split);

      t[r] = run (b);
      destroy (b);
    }
  printf ("pass stages=%d items_per_message=%" PRId64 " mode=%s messages_per_s=%.0f\n",
          stages, per_message, mode, (double) messages * 1e9 / (double) median (t, (size_t) runs));
  free (text);
  free (t);
  return 0;
}

static int
bench_f64 (int     stages,
           int64_t items,
           int     runs)
{
  uint64_t *t = calloc ((size_t) runs, sizeof *t);
  char source[80];
  char *text;

  snprintf (source, sizeof source, "seq from=1 to=%" PRId64 " type=f64", items);
  text = pipeline (source, "map", stages, true, "x*1", "discard");
  for (int r = 0; r < runs; r++)
    {
      built b = build (text, 4096, false);

      t[r] = run (b);
      destroy (b);
    }
  printf ("f64 stages=%d items=%" PRId64 " ns_per_item=%.4f\n",
          stages, items, (double) median (t, (size_t) runs) / (double) items);
  free (text);
  free (t);
  return 0;
}

static int
bench_compile (int stages,
               int runs)
{
  uint64_t *t = calloc ((size_t) runs, sizeof *t);
  uint64_t bytes = 0;
  char *text = pipeline ("seq from=1 to=10", "map", stages, true, NULL, "sum");

  for (int r = 0; r < runs; r++)
    {
      built b = build (text, 4096, false);
      pb_chain_info info;

      if (pb_engine_n_chains (b.engine) != 1)
        return 1;
      pb_engine_chain_info (b.engine, 0, &info);
      t[r] = info.compile_ns;
      bytes = info.code_bytes;
      destroy (b);
    }
  printf ("compile stages=%d compile_ms=%.3f code_bytes=%" PRIu64 "\n",
          stages, (double) median (t, (size_t) runs) / 1e6, bytes);
  free (text);
  free (t);
  return 0;
}

static int
bench_worker (int     stages,
              int64_t items,
              int     pairs)
{
  uint64_t *t[2] = { calloc ((size_t) pairs, sizeof (uint64_t)),
                     calloc ((size_t) pairs, sizeof (uint64_t)) };
  uint64_t *ratio = calloc ((size_t) pairs, sizeof *ratio);
  char source[64];
  char *text;
  char first[32] = "";

  snprintf (source, sizeof source, "seq from=1 to=%" PRId64, items);
  text = pipeline (source, "map", stages, true, NULL, "sum");
  for (int p = 0; p < pairs; p++)
    {
      for (int k = 0; k < 2; k++)
        {
          /* 0: in-process, 1: worker; who goes first alternates. */
          int mode = (p + k) % 2;
          built b = build_isolated (text, 4096, false,
                                    mode ? PB_ISOLATION_WORKER : PB_ISOLATION_NONE);

          t[mode][p] = run (b);
          if (first[0] == '\0')
            snprintf (first, sizeof first, "%s", sink_result (b));
          else if (strcmp (first, sink_result (b)) != 0)
            {
              fprintf (stderr, "bench-chain: %s, then %s\n", first, sink_result (b));
              return 1;
            }
          destroy (b);
        }
      /* Per mille, to keep the median in integers. */
      ratio[p] = t[1][p] * 1000 / t[0][p];
    }
  printf ("worker stages=%d items=%" PRId64 " pairs=%d in_process_items_per_s=%.0f"
          " worker_items_per_s=%.0f ratio=%.3f\n", stages, items, pairs,
          (double) items * 1e9 / (double) median (t[0], (size_t) pairs),
          (double) items * 1e9 / (double) median (t[1], (size_t) pairs),
          (double) median (ratio, (size_t) pairs) / 1000.0);
  free (text);
  free (t[0]);
  free (t[1]);
  free (ratio);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 5 && strcmp (argv[1], "worker") == 0)
    return bench_worker (atoi (argv[2]), atoll (argv[3]), atoi (argv[4]));
  if (argc == 5 && strcmp (argv[1], "map") == 0)
    return bench_map (atoi (argv[2]), atoll (argv[3]), atoi (argv[4]));
  if (argc == 7 && strcmp (argv[1], "pass") == 0)
    return bench_pass (atoi (argv[2]), atoll (argv[3]), atoll (argv[4]), atoi (argv[5]), argv[6]);
  if (argc == 5 && strcmp (argv[1], "f64") == 0)
    return bench_f64 (atoi (argv[2]), atoll (argv[3]), atoi (argv[4]));
  if (argc == 4 && strcmp (argv[1], "compile") == 0)
    return bench_compile (atoi (argv[2]), atoi (argv[3]));
  fprintf (stderr, "usage: see the comment at the top of bench-chain.c\n");
  return 2;
}
