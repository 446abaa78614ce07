/* test-profile.c — the counters tell the truth: each stage's share of its
 * chain's time, against what timing the stage alone gives
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A chain's time is shared among its stages by profiling (engine.c). The
 * truth to compare with is what each stage costs when its chain is timed
 * with and without it: file-in ! parse ! discard against file-in ! discard
 * gives parse. Both sides are timings on a shared machine, so every
 * pipeline runs in ROUNDS interleaved rounds and the medians are compared.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <pushback/pushback.h>

/* No test may hang: a run that takes longer than this kills the program
 * (SIGALRM's default action), which fails the test. */
#define WATCHDOG_S 60
#define ROUNDS 7
#define ITEMS 2000000

static char *tmpdir;

/*
 * One stage of the pipeline under test, and how to time it alone: the
 * chain busy time of @with less that of @without (NULL: nothing). A stage
 * with neither (a discard) costs nothing alone.
 */
typedef struct
{
  const char *name;
  const char *with;
  const char *without;
} Stage;

/* Runs @text to its end; returns its one chain's busy time, and the busy
 * time of each of the @n_stages processes of @stages in @busy when not
 * NULL. */
static double
run_timed (const char  *text,
           const Stage *stages,
           size_t       n_stages,
           double      *busy)
{
  pb_graph *graph = pb_graph_new (0);
  pb_engine *engine;
  pb_error err = { PB_OK, "" };
  pb_chain_info chain;
  int rc;

  g_assert_nonnull (graph);
  rc = pb_pipeline_build_text (graph, text, &err);
  if (rc != PB_OK)
    g_test_message ("pipeline '%s': %s", text, err.message);
  g_assert_cmpint (rc, ==, PB_OK);
  engine = pb_engine_new (graph);
  g_assert_nonnull (engine);
  g_assert_cmpint (pb_engine_build (engine, &err), ==, PB_OK);
  alarm (WATCHDOG_S);
  rc = pb_engine_run (engine, &err);
  alarm (0);
  if (rc != PB_OK)
    g_test_message ("running '%s': %s", text, err.message);
  g_assert_cmpint (rc, ==, PB_OK);
  g_assert_cmpuint (pb_engine_n_chains (engine), ==, 1);
  g_assert_cmpint (pb_engine_chain_info (engine, 0, &chain), ==, PB_OK);
  for (size_t k = 0; busy != NULL && k < n_stages; k++)
    {
      long i = pb_engine_find_process (engine, pb_graph_find_name (graph, stages[k].name));
      pb_process_info info;

      g_assert_cmpint (i, >=, 0);
      g_assert_cmpint (pb_engine_process_info (engine, (size_t) i, &info), ==, PB_OK);
      busy[k] = (double) info.busy_ns;
    }
  pb_engine_free (engine);
  pb_graph_free (graph);
  return (double) chain.busy_ns;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v)
{
  qsort (v, ROUNDS, sizeof *v, compare_double);
  return v[ROUNDS / 2];
}

/*
 * Runs @whole, whose stages are @stages, and each stage alone, ROUNDS
 * times in turn; then each stage's median share of the chain's time must
 * be within 20 % of its share of the sum of the stages' median times
 * alone, or within 12 points for a stage under 60 %. Stages that run one
 * after the other on each item overlap in the processor, so that timing
 * one alone is not quite what it costs among others (a cheap map before
 * a dear one costs less than alone), and the profile, which times single
 * items, cannot tell a cheap stage's cost to a few per cent of its chain:
 * it gets it to a few points.
 */
static void
assert_shares (const char  *whole,
               const Stage *stages,
               size_t       n_stages)
{
  double share[8][ROUNDS], alone[8][ROUNDS], total_alone = 0;
  double busy[8];

  g_assert_cmpuint (n_stages, <=, G_N_ELEMENTS (busy));
  for (int round = 0; round < ROUNDS; round++)
    {
      double sum = 0;

      run_timed (whole, stages, n_stages, busy);
      for (size_t k = 0; k < n_stages; k++)
        sum += busy[k];
      g_assert_cmpfloat (sum, >, 0);
      for (size_t k = 0; k < n_stages; k++)
        share[k][round] = busy[k] / sum;
      for (size_t k = 0; k < n_stages; k++)
        {
          double with = stages[k].with ? run_timed (stages[k].with, NULL, 0, NULL) : 0;
          double without = stages[k].without ? run_timed (stages[k].without, NULL, 0, NULL) : 0;

          alone[k][round] = with - without;
        }
    }
  for (size_t k = 0; k < n_stages; k++)
    {
      double t = median (alone[k]);

      alone[k][0] = t > 0 ? t : 0;
      total_alone += alone[k][0];
    }
  g_assert_cmpfloat (total_alone, >, 0);
  for (size_t k = 0; k < n_stages; k++)
    {
      double truth = alone[k][0] / total_alone;
      double counted = median (share[k]);
      double bound = 0.2 * (truth > 0.6 ? truth : 0.6);

      g_test_message ("%s: %.3f of the chain's time, %.3f alone (%.1f ms)",
                      stages[k].name, counted, truth, alone[k][0] / 1e6);
      g_assert_cmpfloat (counted, >=, truth - bound);
      g_assert_cmpfloat (counted, <=, truth + bound);
    }
}

/* Issue 7's case: a byte source whose cost comes per byte, and a parse
 * whose cost comes mostly per line. Profiling calls cut to 64 bytes gave
 * file-in three times parse's time, when it takes a third as much. */
static void
test_parse (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "nums.txt", NULL);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *whole = NULL;
  g_autofree char *file_in = NULL;

  for (int i = 1; i <= ITEMS; i++)
    g_string_append_printf (text, "%d\n", i);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));
  whole = g_strdup_printf ("file-in path=%s ! parse to=i64 ! discard", path);
  file_in = g_strdup_printf ("file-in path=%s ! discard", path);
  {
    const Stage stages[] = {
      { "file-in0", file_in, NULL },
      { "parse0", whole, file_in },
      { "discard0", NULL, NULL },
    };

    assert_shares (whole, stages, G_N_ELEMENTS (stages));
  }
  g_unlink (path);
}

/* format's cost comes per number, its items go on as bytes, eight or so
 * for each: the sink after it is entered eight times as often. */
static void
test_format (void)
{
  g_autofree char *whole = g_strdup_printf ("seq to=%d ! format ! discard", ITEMS);
  g_autofree char *seq = g_strdup_printf ("seq to=%d ! discard", ITEMS);
  const Stage stages[] = {
    { "seq0", seq, NULL },
    { "format0", whole, seq },
    { "discard0", NULL, NULL },
  };

  assert_shares (whole, stages, G_N_ELEMENTS (stages));
}

/* Two maps of unequal cost: one with a loop five times the other's. */
#define CHEAP "map name=cheap expr=\"({ long long a = x; for (int i = 0; i < 8; i++) a = a * 3 + i; a; })\""
#define DEAR "map name=dear expr=\"({ long long a = x; for (int i = 0; i < 40; i++) a = a * 3 + i; a; })\""

static void
test_maps (void)
{
  g_autofree char *whole = g_strdup_printf ("seq to=%d ! " CHEAP " ! " DEAR " ! discard", ITEMS);
  g_autofree char *seq = g_strdup_printf ("seq to=%d ! discard", ITEMS);
  g_autofree char *cheap = g_strdup_printf ("seq to=%d ! " CHEAP " ! discard", ITEMS);
  g_autofree char *dear = g_strdup_printf ("seq to=%d ! " DEAR " ! discard", ITEMS);
  const Stage stages[] = {
    { "seq0", seq, NULL },
    { "cheap", cheap, seq },
    { "dear", dear, seq },
    { "discard0", NULL, NULL },
  };

  assert_shares (whole, stages, G_N_ELEMENTS (stages));
}

int
main (int   argc,
      char *argv[])
{
  GError *error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("pushback-profile-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/Pushback/Profile/parse", test_parse);
  g_test_add_func ("/Pushback/Profile/format", test_format);
  g_test_add_func ("/Pushback/Profile/maps", test_maps);

  status = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return status;
}
