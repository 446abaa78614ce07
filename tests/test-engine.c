/* test-engine.c — the flow engine: every kind, routing, errors, rebuilds
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <pushback/pushback.h>

#include "codegen.h"

/* No test may hang: a run that takes longer than this kills the program
 * (SIGALRM's default action), which fails the test. */
#define WATCHDOG_S 30

static char *tmpdir;

typedef struct
{
  pb_graph  *graph;
  pb_engine *engine;
  int        build_rc;
  pb_error   build_err;
  int        run_rc;
  pb_error   run_err;
} Run;

/* A path in the test's temporary directory; g_free() it. */
static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* Builds @text into a graph, which must work, and an engine, which may
 * fail: build_rc says. */
static Run *
run_build (const char *text)
{
  Run *r = g_new0 (Run, 1);
  pb_error err = { PB_OK, "" };
  int rc;

  r->graph = pb_graph_new (0);
  g_assert_nonnull (r->graph);
  rc = pb_pipeline_build_text (r->graph, text, &err);
  if (rc != PB_OK)
    g_test_message ("pipeline '%s': %s", text, err.message);
  g_assert_cmpint (rc, ==, PB_OK);
  r->engine = pb_engine_new (r->graph);
  g_assert_nonnull (r->engine);
  r->build_rc = pb_engine_build (r->engine, &r->build_err);
  if (r->build_rc != PB_OK)
    g_test_message ("building '%s': %s", text, r->build_err.message);
  return r;
}

static int
run_go (Run *r)
{
  alarm (WATCHDOG_S);
  r->run_rc = pb_engine_run (r->engine, &r->run_err);
  alarm (0);
  if (r->run_rc != PB_OK)
    g_test_message ("running: %s", r->run_err.message);
  return r->run_rc;
}

static void
run_free (Run *r)
{
  pb_engine_free (r->engine);
  pb_graph_free (r->graph);
  g_free (r);
}

/* Builds and runs @text; both must succeed. */
static Run *
run_ok (const char *text)
{
  Run *r = run_build (text);

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  g_assert_cmpstr (r->build_err.message, ==, "");
  g_assert_cmpint (run_go (r), ==, PB_OK);
  g_assert_true (pb_engine_finished (r->engine));
  return r;
}

static pb_process_info
info_of (Run        *r,
         const char *name)
{
  pb_addr addr = pb_graph_find_name (r->graph, name);
  pb_process_info info;
  long i;

  g_assert_cmpuint (addr, !=, 0);
  i = pb_engine_find_process (r->engine, addr);
  g_assert_cmpint (i, >=, 0);
  g_assert_cmpint (pb_engine_process_info (r->engine, (size_t) i, &info), ==, PB_OK);
  g_assert_cmpuint (info.process, ==, addr);
  g_assert_cmpstr (info.name, ==, name);
  return info;
}

/* The result of sink @name, which must have ended cleanly. */
static const char *
result_of (Run        *r,
           const char *name)
{
  pb_process_info info = info_of (r, name);

  g_assert_cmpint (info.state, ==, PB_PROCESS_DONE);
  g_assert_null (info.message);
  g_assert_nonnull (info.result);
  return info.result;
}

/* Runs @text and returns the result of sink @name. */
static char *
run_result (const char *text,
            const char *name)
{
  Run *r = run_ok (text);
  char *result = g_strdup (result_of (r, name));

  run_free (r);
  return result;
}

static void
assert_result (const char *text,
               const char *name,
               const char *expected)
{
  g_autofree char *result = run_result (text, name);

  g_assert_cmpstr (result, ==, expected);
}

static char *
read_file (const char *path,
           gsize      *len)
{
  char *contents = NULL;
  GError *error = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

/* Runs @text, a pipeline of numbers, with its items written as text to a
 * file, and returns that text: one item per line. */
static char *
run_collect (const char *text)
{
  g_autofree char *path = tmp_path ("collect.txt");
  g_autofree char *full = g_strdup_printf ("%s ! format ! file-out path='%s'", text, path);
  Run *r = run_ok (full);
  char *contents = read_file (path, NULL);

  run_free (r);
  g_unlink (path);
  return contents;
}

static void
assert_collect (const char *text,
                const char *expected)
{
  g_autofree char *got = run_collect (text);

  g_assert_cmpstr (got, ==, expected);
}

/* Parses "count=N min=A max=B mean=M" from stats. */
static void
parse_stats (const char *result,
             gint64     *count,
             double     *min,
             double     *max,
             double     *mean)
{
  int n = sscanf (result, "count=%" G_GINT64_FORMAT " min=%lf max=%lf mean=%lf",
                  count, min, max, mean);

  g_assert_cmpint (n, ==, 4);
}

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

/* ---- sources ---- */

static void
test_seq (void)
{
  assert_result ("seq from=1 to=1000 ! sum", "sum0", "500500");
  assert_result ("seq to=10 ! sum", "sum0", "55");
  assert_collect ("seq from=10 to=1 step=-3", "10\n7\n4\n1\n");
  assert_collect ("seq from=0 to=10 step=3", "0\n3\n6\n9\n");
  assert_collect ("seq from=-2 to=2", "-2\n-1\n0\n1\n2\n");
  assert_collect ("seq from=3 to=3", "3\n");
  /* Hexadecimal and leading zeros: decimal unless 0x. */
  assert_collect ("seq from=0x10 to=18", "16\n17\n18\n");
  assert_collect ("seq from=010 to=11", "10\n11\n");
}

static void
test_seq_f64 (void)
{
  assert_collect ("seq from=0 to=1 step=0.25 type=f64", "0\n0.25\n0.5\n0.75\n1\n");
  assert_collect ("seq from=1 to=0 step=-0.5 type=f64", "1\n0.5\n0\n");
  assert_collect ("seq from=0.5 to=3 type=f64", "0.5\n1.5\n2.5\n");
  assert_result ("seq from=0 to=1 step=0.25 type=f64 ! sum", "sum0", "2.5");
  assert_result ("seq from=0.5 to=3 type=f64 ! stats", "stats0",
                 "count=3 min=0.5 max=2.5 mean=1.5");
}

static void
test_seq_empty (void)
{
  Run *r = run_ok ("seq from=5 to=1 ! broadcast name=b ! sum name=s  b. ! count name=c  b. ! stats name=st");

  g_assert_cmpstr (result_of (r, "s"), ==, "0");
  g_assert_cmpstr (result_of (r, "c"), ==, "0");
  g_assert_cmpstr (result_of (r, "st"), ==, "count=0");
  g_assert_cmpuint (info_of (r, "seq0").items_out, ==, 0);
  g_assert_cmpint (info_of (r, "seq0").state, ==, PB_PROCESS_DONE);
  run_free (r);

  assert_result ("seq from=1 to=2 step=-1 ! count", "count0", "0");
  assert_result ("seq from=1 to=0 type=f64 ! count", "count0", "0");
}

static void
test_seq_extremes (void)
{
  assert_collect ("seq from=9223372036854775805 to=9223372036854775807",
                  "9223372036854775805\n9223372036854775806\n9223372036854775807\n");
  assert_collect ("seq from=-9223372036854775808 to=-9223372036854775806",
                  "-9223372036854775808\n-9223372036854775807\n-9223372036854775806\n");
  assert_collect ("seq from=-9223372036854775806 to=-9223372036854775808 step=-1",
                  "-9223372036854775806\n-9223372036854775807\n-9223372036854775808\n");
  /* The whole range in three steps, without overflowing on the way. */
  assert_collect ("seq from=-9223372036854775808 to=9223372036854775807 step=9223372036854775807",
                  "-9223372036854775808\n-1\n9223372036854775806\n");
  assert_collect ("seq from=9223372036854775807 to=-9223372036854775808 step=-9223372036854775808",
                  "9223372036854775807\n-1\n");
  /* A sum wraps as two's complement does. */
  assert_result ("seq from=9223372036854775806 to=9223372036854775807 ! sum", "sum0", "-3");
}

static void
assert_build_fails (const char *text,
                    int         code,
                    const char *process,
                    const char *message)
{
  Run *r = run_build (text);
  pb_process_info info;

  g_assert_cmpint (r->build_rc, ==, code);
  g_assert_cmpint (r->build_err.code, ==, code);
  g_assert_nonnull (strstr (r->build_err.message, message));
  if (process != NULL)
    {
      info = info_of (r, process);
      g_assert_cmpint (info.state, ==, PB_PROCESS_FAILED);
      g_assert_nonnull (info.message);
      g_assert_nonnull (strstr (info.message, message));
      g_assert_true (g_str_has_prefix (r->build_err.message, process)
                     || strstr (r->build_err.message, process) != NULL);
      /* It is failed already; running says so and ends. */
      g_assert_cmpint (run_go (r), !=, PB_OK);
      g_assert_true (pb_engine_finished (r->engine));
    }
  run_free (r);
}

static void
test_seq_bad (void)
{
  assert_build_fails ("seq from=0.5 to=3 ! sum", PB_EFAILED, "seq0", "whole numbers");
  assert_build_fails ("seq from=1 to=3 step=0 ! sum", PB_EFAILED, "seq0", "step must not be 0");
  assert_build_fails ("seq from=1 to=3 step=0 type=f64 ! sum", PB_EFAILED, "seq0", "step must not be 0");
}

static void
test_random (void)
{
  g_autofree char *a = run_collect ("random seed=7 count=1000");
  g_autofree char *b = run_collect ("random seed=7 count=1000");
  g_autofree char *c = run_collect ("random seed=8 count=1000");
  g_auto(GStrv) lines = g_strsplit (a, "\n", -1);
  g_autofree char *n = run_result ("random count=12345 ! count", "count0");

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
  g_assert_cmpstr (n, ==, "12345");
  /* 1000 lines and the empty string after the last newline. */
  g_assert_cmpuint (g_strv_length (lines), ==, 1001);
  for (size_t i = 0; i < 1000; i++)
    {
      double v = g_ascii_strtod (lines[i], NULL);

      g_assert_cmpfloat (v, >=, 0.0);
      g_assert_cmpfloat (v, <, 1.0);
    }
  /* Not a constant. */
  g_assert_cmpstr (lines[0], !=, lines[1]);
}

static void
test_random_uniform (void)
{
  g_autofree char *result = run_result ("random seed=3 count=200000 ! stats", "stats0");
  gint64 count;
  double min, max, mean;

  parse_stats (result, &count, &min, &max, &mean);
  g_assert_cmpint (count, ==, 200000);
  g_assert_cmpfloat (min, >=, 0.0);
  g_assert_cmpfloat (min, <, 0.001);
  g_assert_cmpfloat (max, <, 1.0);
  g_assert_cmpfloat (max, >, 0.999);
  /* The deviation of the mean is 0.29 / sqrt (n) = 0.00065. */
  g_assert_cmpfloat (fabs (mean - 0.5), <, 0.005);
}

static void
test_random_normal (void)
{
  g_autofree char *stats = run_result ("random seed=5 count=200000 distribution=normal ! stats",
                                       "stats0");
  g_autofree char *squares = run_result ("random seed=5 count=200000 distribution=normal "
                                         "! map expr=\"x*x\" ! stats", "stats0");
  g_autofree char *odd = run_result ("random seed=5 count=3 distribution=normal ! count", "count0");
  gint64 count;
  double min, max, mean;

  parse_stats (stats, &count, &min, &max, &mean);
  g_assert_cmpint (count, ==, 200000);
  g_assert_cmpfloat (fabs (mean), <, 0.02);
  g_assert_cmpfloat (min, <, -3.0);
  g_assert_cmpfloat (max, >, 3.0);
  g_assert_cmpfloat (min, >, -7.0);
  g_assert_cmpfloat (max, <, 7.0);
  /* The variance: the mean of the squares. */
  parse_stats (squares, &count, &min, &max, &mean);
  g_assert_cmpfloat (fabs (mean - 1.0), <, 0.03);
  /* Normal values come in pairs; an odd count is still exact. */
  g_assert_cmpstr (odd, ==, "3");
}

static void
test_file_round_trip (void)
{
  g_autofree char *in = tmp_path ("in.bin");
  g_autofree char *out = tmp_path ("out.bin");
  g_autofree char *text = g_strdup_printf ("file-in path='%s' ! file-out path='%s'", in, out);
  g_autofree char *count = g_strdup_printf ("file-in path='%s' ! count", in);
  g_autofree char *copy = NULL;
  guint8 *data = g_malloc (100000);
  GError *error = NULL;
  gsize len = 0;
  Run *r;

  /* Every byte value, and more than one read's worth. */
  for (size_t i = 0; i < 100000; i++)
    data[i] = (guint8) (i * 7 + i / 256);
  g_file_set_contents (in, (const char *) data, 100000, &error);
  g_assert_no_error (error);

  r = run_ok (text);
  g_assert_cmpuint (info_of (r, "file-in0").items_out, ==, 100000);
  g_assert_cmpuint (info_of (r, "file-out0").items_in, ==, 100000);
  g_assert_cmpint (info_of (r, "file-out0").state, ==, PB_PROCESS_DONE);
  run_free (r);
  copy = read_file (out, &len);
  g_assert_cmpmem (copy, len, data, 100000);

  assert_result (count, "count0", "100000");
  g_free (data);
}

static void
test_file_text (void)
{
  g_autofree char *path = tmp_path ("numbers.txt");
  g_autofree char *write = g_strdup_printf ("seq from=1 to=100000 ! format ! file-out path='%s'", path);
  g_autofree char *read = g_strdup_printf ("file-in path='%s' ! parse ! sum", path);
  g_autofree char *contents = NULL;
  gsize len;

  run_free (run_ok (write));
  contents = read_file (path, &len);
  g_assert_true (g_str_has_prefix (contents, "1\n2\n3\n"));
  g_assert_true (g_str_has_suffix (contents, "\n99999\n100000\n"));
  assert_result (read, "sum0", "5000050000");
}

static void
test_file_empty (void)
{
  g_autofree char *path = tmp_path ("empty.txt");
  g_autofree char *text = g_strdup_printf ("file-in path='%s' ! count", path);
  GError *error = NULL;

  g_file_set_contents (path, "", 0, &error);
  g_assert_no_error (error);
  assert_result (text, "count0", "0");
}

static void
test_file_missing (void)
{
  g_autofree char *path = tmp_path ("no-such-dir/missing.txt");
  g_autofree char *text = g_strdup_printf ("file-in path='%s' ! parse ! sum", path);
  g_autofree char *out = g_strdup_printf ("seq to=3 ! format ! file-out path='%s'", path);
  Run *r = run_build (text);
  pb_process_info info;

  g_assert_cmpint (r->build_rc, ==, PB_EFAILED);
  g_assert_nonnull (strstr (r->build_err.message, path));
  g_assert_true (g_str_has_prefix (r->build_err.message, "file-in0: "));
  info = info_of (r, "file-in0");
  g_assert_cmpint (info.state, ==, PB_PROCESS_FAILED);
  g_assert_nonnull (strstr (info.message, path));
  g_assert_nonnull (strstr (info.message, "No such file"));
  info = info_of (r, "sum0");
  g_assert_cmpint (info.state, ==, PB_PROCESS_STOPPED);
  g_assert_null (info.result);
  g_assert_cmpint (run_go (r), ==, PB_EFAILED);
  g_assert_nonnull (strstr (r->run_err.message, path));
  run_free (r);

  assert_build_fails (out, PB_EFAILED, "file-out0", path);
}

static void
test_clock (void)
{
  gint64 t0 = now_us ();
  Run *r = run_ok ("clock rate=200 count=20 ! broadcast name=b ! count name=c  b. ! sum name=s");
  gint64 elapsed = now_us () - t0;

  /* 20 items at 200 per second: the first at once, the last after 95 ms. */
  g_assert_cmpstr (result_of (r, "c"), ==, "20");
  g_assert_cmpfloat (fabs (g_ascii_strtod (result_of (r, "s"), NULL) - 0.95), <, 1e-9);
  g_assert_cmpint (elapsed, >=, 85000);
  g_assert_cmpint (elapsed, <, 1000000);
  run_free (r);

  /* A steady ramp of seconds. */
  assert_collect ("clock rate=4 count=3", "0\n0.25\n0.5\n");
  /* No count: no end, until something downstream has enough. */
  assert_result ("clock rate=1000 ! take n=5 ! count", "count0", "5");
}

/* ---- transforms ---- */

static void
test_map (void)
{
  Run *r = run_ok ("seq from=1 to=1000 ! map expr=\"x*3\" ! sum");

  g_assert_cmpstr (result_of (r, "sum0"), ==, "1501500");
  g_assert_cmpuint (info_of (r, "map0").items_in, ==, 1000);
  g_assert_cmpuint (info_of (r, "map0").items_out, ==, 1000);
  run_free (r);

  assert_collect ("seq to=4 ! map expr=\"x * x - 1\"", "0\n3\n8\n15\n");
  assert_collect ("seq to=3 type=f64 ! map expr=\"x / 4\"", "0.25\n0.5\n0.75\n");
  assert_collect ("seq to=3 type=f64 ! map expr=\"sqrt (x * 4)\"", "2\n2.8284271247461903\n3.4641016151377544\n");
  /* The result is converted to the item type. */
  assert_collect ("seq to=3 ! map expr=\"x * 1.5\"", "1\n3\n4\n");
  assert_collect ("seq to=2 ! map expr='x > 1 ? -1 : 1' ! map expr=\"x*100\"", "100\n-100\n");
}

static void
test_map_u8 (void)
{
  g_autofree char *in = tmp_path ("letters.txt");
  g_autofree char *out = tmp_path ("shifted.txt");
  g_autofree char *text = g_strdup_printf ("file-in path='%s' ! map expr=\"x >= 'a' && x <= 'z' ? x - 32 : x\" "
                                           "! file-out path='%s'", in, out);
  g_autofree char *got = NULL;
  GError *error = NULL;
  Run *r;

  g_file_set_contents (in, "hello, world\n", -1, &error);
  g_assert_no_error (error);
  r = run_ok (text);
  run_free (r);
  got = read_file (out, NULL);
  g_assert_cmpstr (got, ==, "HELLO, WORLD\n");
}

static void
test_filter (void)
{
  Run *r = run_ok ("seq from=1 to=1000 ! filter expr=\"x%2==0\" ! sum");
  pb_process_info f = info_of (r, "filter0");

  g_assert_cmpstr (result_of (r, "sum0"), ==, "250500");
  g_assert_cmpuint (f.items_in, ==, 1000);
  g_assert_cmpuint (f.items_out, ==, 500);
  g_assert_cmpuint (info_of (r, "sum0").items_in, ==, 500);
  run_free (r);

  assert_collect ("seq to=20 ! filter expr=\"x % 7 == 0\"", "7\n14\n");
  assert_result ("seq to=20 ! filter expr=\"0\" ! count", "count0", "0");
  assert_collect ("seq to=1 step=0.25 from=0 type=f64 ! filter expr=\"x > 0.4\"", "0.5\n0.75\n1\n");
}

static void
test_take (void)
{
  Run *r = run_ok ("seq from=1 to=1000 ! take n=10 ! sum");
  pb_process_info t = info_of (r, "take0");

  g_assert_cmpstr (result_of (r, "sum0"), ==, "55");
  g_assert_cmpuint (t.items_in, ==, 10);
  g_assert_cmpuint (t.items_out, ==, 10);
  /* take ended the stream: the source did not make the rest. */
  g_assert_cmpuint (info_of (r, "seq0").items_out, ==, 10);
  run_free (r);

  assert_result ("seq to=5 ! take n=10 ! sum", "sum0", "15");
  assert_result ("seq to=5 ! take n=0 ! count", "count0", "0");
  assert_result ("seq to=5 ! take n=5 ! count", "count0", "5");
  assert_result ("seq to=100000 ! take n=9000 ! count", "count0", "9000");
  assert_collect ("seq to=10 ! take n=3 ! take n=2", "1\n2\n");
  /* Whole numbers are decimal, or hexadecimal after 0x. */
  assert_result ("seq to=100 ! take n=010 ! count", "count0", "10");
  assert_result ("seq to=100 ! take n=0x10 ! count", "count0", "16");
}

static void
test_skip (void)
{
  Run *r = run_ok ("seq to=10 ! skip n=7 ! sum");

  g_assert_cmpstr (result_of (r, "sum0"), ==, "27");
  g_assert_cmpuint (info_of (r, "skip0").items_in, ==, 10);
  g_assert_cmpuint (info_of (r, "skip0").items_out, ==, 3);
  run_free (r);

  assert_result ("seq to=10 ! skip n=20 ! count", "count0", "0");
  assert_result ("seq to=10 ! skip n=0 ! count", "count0", "10");
  assert_result ("seq to=100000 ! skip n=9000 ! count", "count0", "91000");
}

static void
test_accumulate (void)
{
  assert_collect ("seq to=5 ! accumulate", "1\n3\n6\n10\n15\n");
  assert_collect ("seq to=1 from=0 step=0.5 type=f64 ! accumulate", "0\n0.5\n1.5\n");
  assert_result ("seq to=1000 ! accumulate ! sum", "sum0", "167167000");
}

static void
test_window_mean (void)
{
  assert_collect ("seq to=10 ! window-mean n=3", "1\n1.5\n2\n3\n4\n5\n6\n7\n8\n9\n");
  assert_collect ("seq to=7 ! window-mean n=4", "1\n1.5\n2\n2.5\n3.5\n4.5\n5.5\n");
  assert_collect ("seq to=4 ! window-mean n=1", "1\n2\n3\n4\n");
  assert_collect ("seq to=3 ! window-mean", "1\n1.5\n2\n");
  assert_collect ("seq to=2 step=0.5 type=f64 ! window-mean n=2", "1\n1.25\n1.75\n");
  /* Long runs stay exact: the window's sum does not drift. */
  {
    g_autofree char *got = run_collect ("seq to=100000 ! map expr=\"x % 3\" ! cast to=f64 "
                                        "! map expr=\"x + 0.1\" ! window-mean n=3 ! skip n=99990");
    g_auto(GStrv) lines = g_strsplit (got, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 11);
    for (size_t i = 0; i < 10; i++)
      g_assert_cmpfloat (fabs (g_ascii_strtod (lines[i], NULL) - 1.1), <, 1e-12);
  }
}

static void
test_throttle (void)
{
  gint64 t0 = now_us ();
  Run *r = run_ok ("seq from=1 to=50 ! throttle rate=500 ! sum");
  gint64 elapsed = now_us () - t0;

  g_assert_cmpstr (result_of (r, "sum0"), ==, "1275");
  g_assert_cmpuint (info_of (r, "throttle0").items_in, ==, 50);
  g_assert_cmpuint (info_of (r, "throttle0").items_out, ==, 50);
  /* 50 items at 500 per second: the last leaves after 98 ms. */
  g_assert_cmpint (elapsed, >=, 90000);
  g_assert_cmpint (elapsed, <, 2000000);
  run_free (r);

  /* A fast rate does not hold anything back for long. */
  t0 = now_us ();
  assert_result ("seq to=100000 ! throttle rate=1e9 ! count", "count0", "100000");
  g_assert_cmpint (now_us () - t0, <, 2000000);
}

static void
test_cast (void)
{
  g_autofree char *path = tmp_path ("ab.txt");
  g_autofree char *bytes = g_strdup_printf ("file-in path='%s' ! cast", path);
  GError *error = NULL;

  assert_collect ("seq to=3 ! cast to=f64 ! map expr=\"x / 2\"", "0.5\n1\n1.5\n");
  assert_collect ("seq from=0.5 to=3 type=f64 ! cast to=i64", "0\n1\n2\n");
  assert_collect ("seq from=-2.5 to=-1 type=f64 ! cast", "-2\n-1\n");
  g_file_set_contents (path, "AB\n", -1, &error);
  g_assert_no_error (error);
  assert_collect (bytes, "65\n66\n10\n");
}

static void
write_text (const char *name,
            const char *contents,
            char      **path)
{
  GError *error = NULL;

  *path = tmp_path (name);
  g_file_set_contents (*path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_parse (void)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;
  g_autofree char *ta = NULL, *tb = NULL, *tc = NULL, *td = NULL, *te = NULL, *tf = NULL;
  Run *r;
  pb_process_info info;

  /* Blank lines skipped, spaces and CR trimmed, no final newline. */
  write_text ("a.txt", "1\n\n  2 \r\n\n-3\n40", &a);
  ta = g_strdup_printf ("file-in path='%s' ! parse", a);
  assert_collect (ta, "1\n2\n-3\n40\n");
  write_text ("c.txt", "1.5\n2.25\n\n", &c);
  tc = g_strdup_printf ("file-in path='%s' ! parse to=f64 ! sum", c);
  assert_result (tc, "sum0", "3.75");

  /* A bad line fails, naming it: lines count from 1, blank ones too. */
  write_text ("b.txt", "1\n\n2\nseven\n3\n", &b);
  tb = g_strdup_printf ("file-in path='%s' ! parse ! sum", b);
  r = run_build (tb);
  g_assert_cmpint (r->build_rc, ==, PB_OK);
  g_assert_cmpint (run_go (r), ==, PB_EFAILED);
  g_assert_cmpstr (r->run_err.message, ==, "parse0: line 4 is not a number");
  info = info_of (r, "parse0");
  g_assert_cmpint (info.state, ==, PB_PROCESS_FAILED);
  g_assert_cmpstr (info.message, ==, "line 4 is not a number");
  info = info_of (r, "sum0");
  g_assert_cmpint (info.state, ==, PB_PROCESS_STOPPED);
  g_assert_null (info.result);
  run_free (r);

  /* A number with a fraction is not an i64. */
  td = g_strdup_printf ("file-in path='%s' ! parse ! sum", c);
  r = run_build (td);
  g_assert_cmpint (run_go (r), ==, PB_EFAILED);
  g_assert_cmpstr (info_of (r, "parse0").message, ==, "line 1 is not a number");
  run_free (r);

  /* A bad final line without a newline is found at end of stream. */
  write_text ("d.txt", "1\n2\n3x", &d);
  te = g_strdup_printf ("file-in path='%s' ! parse ! sum", d);
  r = run_build (te);
  g_assert_cmpint (run_go (r), ==, PB_EFAILED);
  g_assert_cmpstr (info_of (r, "parse0").message, ==, "line 3 is not a number");
  run_free (r);

  /* An overlong line fails at its 80th byte, as too long. */
  {
    g_autofree char *longline = g_strnfill (100, '1');
    g_autofree char *text = g_strdup_printf ("5\n%s\n", longline);

    write_text ("e.txt", text, &e);
  }
  tf = g_strdup_printf ("file-in path='%s' ! parse ! sum", e);
  r = run_build (tf);
  g_assert_cmpint (run_go (r), ==, PB_EFAILED);
  g_assert_cmpstr (info_of (r, "parse0").message, ==,
                   "line 2 is longer than 79 bytes, the most a number may take");
  run_free (r);
}

static void
test_format (void)
{
  assert_result ("seq to=3 ! format ! count", "count0", "6");
  assert_result ("seq from=-10 to=-10 ! format ! count", "count0", "4");
  assert_collect ("seq to=3 ! format ! parse", "1\n2\n3\n");
  /* Doubles are written so that they read back exactly. */
  assert_collect ("seq to=3 type=f64 ! map expr=\"x / 3\"",
                  "0.33333333333333331\n0.66666666666666663\n1\n");
  assert_collect ("seq to=2 type=f64 ! map expr=\"x / 10\"", "0.1\n0.2\n");
  assert_collect ("seq from=1e300 to=1e300 type=f64", "1e+300\n");
  /* Through text and back, nothing is lost. */
  {
    g_autofree char *direct = run_result ("seq to=1000 type=f64 ! map expr=\"x / 7.3 + 1e-9\" ! sum", "sum0");
    g_autofree char *round = run_result ("seq to=1000 type=f64 ! map expr=\"x / 7.3 + 1e-9\" "
                                         "! format ! parse to=f64 ! sum", "sum0");

    g_assert_cmpstr (round, ==, direct);
    g_assert_cmpuint (strlen (direct), >, 15);
  }
}

static void
test_pass (void)
{
  Run *r = run_ok ("seq to=100 ! pass ! pass ! sum");

  g_assert_cmpstr (result_of (r, "sum0"), ==, "5050");
  g_assert_cmpuint (info_of (r, "pass0").items_in, ==, 100);
  g_assert_cmpuint (info_of (r, "pass1").items_out, ==, 100);
  run_free (r);
}

/* ---- routing ---- */

/* Branches with the same code (but for their names) are compiled once and
 * share the code, each with its own state. */
static void
test_twins (void)
{
  Run *r = run_ok ("seq to=10 ! broadcast name=b ! sum name=s1  b. ! sum name=s2  b. ! sum name=s3 "
                   " seq to=4 ! sum name=s4");
  const char *names[] = { "s1", "s2", "s3" };
  size_t compiled = 0;

  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      pb_chain_info chain;

      g_assert_cmpstr (result_of (r, names[i]), ==, "55");
      g_assert_cmpint (pb_engine_chain_info (r->engine, info_of (r, names[i]).chain, &chain), ==, PB_OK);
      /* A twin took its code from the first: it cost no compile. */
      compiled += chain.compile_ns > 0;
    }
  g_assert_cmpuint (compiled, ==, 1);
  g_assert_cmpstr (result_of (r, "s4"), ==, "10");
  run_free (r);

  /* Chains that differ in one character of user text, right after the
   * #line that names its process, are not twins. */
  r = run_ok ("seq to=10 ! map name=m1 expr=\"x+1\" ! sum name=p1 "
              " seq to=10 ! map name=m2 expr=\"x+2\" ! sum name=p2");
  g_assert_cmpstr (result_of (r, "p1"), ==, "65");
  g_assert_cmpstr (result_of (r, "p2"), ==, "75");
  run_free (r);
}

static void
test_broadcast (void)
{
  Run *r = run_ok ("seq to=100 ! broadcast name=b ! sum name=s  b. ! count name=c  b. ! stats name=st");

  g_assert_cmpstr (result_of (r, "s"), ==, "5050");
  g_assert_cmpstr (result_of (r, "c"), ==, "100");
  g_assert_cmpstr (result_of (r, "st"), ==, "count=100 min=1 max=100 mean=50.5");
  g_assert_cmpuint (info_of (r, "b").items_in, ==, 100);
  g_assert_cmpuint (info_of (r, "b").items_out, ==, 100);
  run_free (r);

  /* Many items: more than a ring holds. */
  assert_result ("seq to=1000000 ! broadcast name=b ! sum  b. ! discard", "sum0", "500000500000");
}

static void
test_round_robin (void)
{
  Run *r = run_ok ("seq to=10 ! round-robin name=r ! sum name=a  r. ! sum name=b");

  /* Items alternate: 1, 3, 5... and 2, 4, 6... */
  g_assert_cmpstr (result_of (r, "a"), ==, "25");
  g_assert_cmpstr (result_of (r, "b"), ==, "30");
  g_assert_cmpuint (info_of (r, "r").items_in, ==, 10);
  g_assert_cmpuint (info_of (r, "a").items_in, ==, 5);
  run_free (r);

  r = run_ok ("seq to=9 ! round-robin name=r ! sum name=a  r. ! sum name=b  r. ! stats name=c");
  g_assert_cmpstr (result_of (r, "a"), ==, "12");
  g_assert_cmpstr (result_of (r, "b"), ==, "15");
  g_assert_cmpstr (result_of (r, "c"), ==, "count=3 min=3 max=9 mean=6");
  run_free (r);

  /* The turn goes on across batches and ring wrap-arounds. */
  r = run_ok ("seq to=1000001 ! round-robin name=r ! sum name=a  r. ! sum name=b");
  g_assert_cmpstr (result_of (r, "a"), ==, "250001000001");
  g_assert_cmpstr (result_of (r, "b"), ==, "250000500000");
  run_free (r);
}

static void
test_merge (void)
{
  Run *r = run_ok ("seq to=10 ! m.  seq from=100 to=101 ! m.  merge name=m ! sum");

  g_assert_cmpstr (result_of (r, "sum0"), ==, "256");
  g_assert_cmpuint (info_of (r, "m").items_in, ==, 12);
  g_assert_cmpuint (info_of (r, "m").items_out, ==, 12);
  run_free (r);

  assert_result ("seq to=100000 ! m.  seq to=10 ! m.  seq from=1 to=0 ! m.  merge name=m ! count",
                 "count0", "100010");
  assert_result ("seq to=3 type=f64 ! m.  seq from=0.5 to=0.5 type=f64 ! m.  merge name=m ! sum",
                 "sum0", "6.5");
  /* A slow input does not hold the fast one back, nor end early. */
  assert_result ("clock rate=200 count=5 ! cast ! m.  seq to=100000 ! m.  merge name=m ! count",
                 "count0", "100005");
}

static void
test_fan_combinations (void)
{
  /* A diamond: broadcast into merge. */
  assert_result ("seq from=1 to=1000 ! broadcast name=t ! map expr=\"x*2\" ! merge name=m ! sum  t. ! m.",
                 "sum0", "1501500");
  /* Round-robin into merge: odd items doubled. */
  assert_result ("seq to=1000 ! round-robin name=r ! map expr=\"x*2\" ! merge name=m ! sum  r. ! m.",
                 "sum0", "750500");
  /* Three ways out and back in. */
  assert_result ("seq to=100 ! round-robin name=r ! m.  r. ! m.  r. ! m.  merge name=m ! sum",
                 "sum0", "5050");
  /* Fan-out of fan-out. */
  {
    Run *r = run_ok ("seq to=100 ! broadcast name=a ! broadcast name=b ! sum name=s1  b. ! sum name=s2  "
                     "a. ! round-robin name=c ! sum name=s3  c. ! count name=s4");

    g_assert_cmpstr (result_of (r, "s1"), ==, "5050");
    g_assert_cmpstr (result_of (r, "s2"), ==, "5050");
    g_assert_cmpstr (result_of (r, "s3"), ==, "2500");
    g_assert_cmpstr (result_of (r, "s4"), ==, "50");
    run_free (r);
  }
  /* Fan-in of fan-in, with many items. */
  assert_result ("seq to=200000 ! m1.  seq to=100000 ! m1.  merge name=m1 ! m2.  seq to=3 ! m2.  "
                 "merge name=m2 ! count", "count0", "300003");
}

static void
test_end_of_stream_routing (void)
{
  /* Empty streams end every branch of every routing kind. */
  Run *r = run_ok ("seq from=1 to=0 ! broadcast name=b ! count name=c1  b. ! count name=c2");

  g_assert_cmpstr (result_of (r, "c1"), ==, "0");
  g_assert_cmpstr (result_of (r, "c2"), ==, "0");
  run_free (r);
  r = run_ok ("seq from=1 to=0 ! round-robin name=r ! count name=c1  r. ! count name=c2");
  g_assert_cmpstr (result_of (r, "c1"), ==, "0");
  g_assert_cmpstr (result_of (r, "c2"), ==, "0");
  run_free (r);
  r = run_ok ("seq from=1 to=0 ! m.  seq from=1 to=0 ! m.  merge name=m ! count name=c");
  g_assert_cmpstr (result_of (r, "c"), ==, "0");
  run_free (r);
  /* One item: fewer items than branches. */
  r = run_ok ("seq to=1 ! round-robin name=r ! count name=c1  r. ! count name=c2  r. ! count name=c3");
  g_assert_cmpstr (result_of (r, "c1"), ==, "1");
  g_assert_cmpstr (result_of (r, "c2"), ==, "0");
  g_assert_cmpstr (result_of (r, "c3"), ==, "0");
  run_free (r);
  /* Items a stage makes at end of stream cross a ring behind a routing
   * kind. */
  r = run_ok ("seq to=4 ! broadcast name=b ! c state=\"long long n;\" code=\"s->n += x;\" "
              "finish=\"emit (s->n);\" ! m.  b. ! m.  merge name=m ! sum");
  g_assert_cmpstr (result_of (r, "sum0"), ==, "20");
  run_free (r);
}

static void
test_take_after_broadcast (void)
{
  Run *r = run_build ("seq to=1000000 ! broadcast name=b ! take n=5 ! sum name=t  b. ! sum name=all");
  int steps = 0;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  /* The take branch ends early, while the other goes on. */
  alarm (WATCHDOG_S);
  while (info_of (r, "t").state == PB_PROCESS_READY)
    {
      pb_engine_step (r->engine);
      g_assert_cmpint (++steps, <, 1000);
    }
  g_assert_cmpint (info_of (r, "all").state, ==, PB_PROCESS_READY);
  g_assert_false (pb_engine_finished (r->engine));
  /* Built again meanwhile, the ended branch stays ended. */
  g_assert_cmpint (pb_engine_build (r->engine, NULL), ==, PB_OK);
  g_assert_cmpint (info_of (r, "t").state, ==, PB_PROCESS_DONE);
  g_assert_cmpint (info_of (r, "all").state, ==, PB_PROCESS_READY);
  g_assert_cmpint (run_go (r), ==, PB_OK);
  g_assert_cmpstr (result_of (r, "t"), ==, "15");
  g_assert_cmpstr (result_of (r, "all"), ==, "500000500000");
  g_assert_cmpuint (info_of (r, "take0").items_in, ==, 5);
  g_assert_cmpuint (info_of (r, "seq0").items_out, ==, 1000000);
  run_free (r);
}

static void
test_take_ends_infinite (void)
{
  /* Upstream of a ring: take ends the source's chain. */
  Run *r = run_ok ("random ! take n=5 ! broadcast name=b ! count name=c1  b. ! count name=c2");

  g_assert_cmpstr (result_of (r, "c1"), ==, "5");
  g_assert_cmpstr (result_of (r, "c2"), ==, "5");
  run_free (r);

  /* Downstream of rings: when every reader has ended, so does the writer. */
  r = run_ok ("random ! broadcast name=b ! take n=5 ! count name=c1  b. ! take n=7000 ! count name=c2");
  g_assert_cmpstr (result_of (r, "c1"), ==, "5");
  g_assert_cmpstr (result_of (r, "c2"), ==, "7000");
  g_assert_cmpint (info_of (r, "random0").state, ==, PB_PROCESS_DONE);
  run_free (r);

  r = run_ok ("random ! throttle rate=1e9 ! take n=5 ! count");
  g_assert_cmpstr (result_of (r, "count0"), ==, "5");
  run_free (r);
  r = run_ok ("random ! round-robin name=r ! take n=3 ! m.  r. ! take n=4 ! m.  merge name=m ! count");
  g_assert_cmpstr (result_of (r, "count0"), ==, "7");
  run_free (r);
}

/* ---- sinks ---- */

static void
test_sinks (void)
{
  Run *r = run_ok ("seq to=1000 ! broadcast name=b ! discard name=d  b. ! count name=c  b. ! sum name=s  "
                   "b. ! stats name=st");
  pb_process_info d = info_of (r, "d");

  g_assert_cmpint (d.state, ==, PB_PROCESS_DONE);
  g_assert_null (d.result);
  g_assert_cmpuint (d.items_in, ==, 1000);
  g_assert_cmpuint (d.items_out, ==, 0);
  g_assert_cmpstr (result_of (r, "c"), ==, "1000");
  g_assert_cmpstr (result_of (r, "s"), ==, "500500");
  g_assert_cmpstr (result_of (r, "st"), ==, "count=1000 min=1 max=1000 mean=500.5");
  run_free (r);

  assert_result ("seq from=-5 to=5 ! stats", "stats0", "count=11 min=-5 max=5 mean=0");
  assert_result ("seq from=0.5 to=2 step=0.5 type=f64 ! sum", "sum0", "5");
  assert_result ("seq to=3 type=f64 ! map expr=\"x / 10\" ! sum", "sum0", "0.60000000000000009");
}

/* ---- c ---- */

static void
test_c_emit (void)
{
  Run *r = run_build ("seq to=3 ! c max-emit=3 code=\"emit (x); emit (-x); emit (100);\" ! sum");

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  g_assert_cmpint (run_go (r), ==, PB_OK);
  g_assert_cmpstr (result_of (r, "sum0"), ==, "300");
  g_assert_cmpuint (info_of (r, "c0").items_in, ==, 3);
  g_assert_cmpuint (info_of (r, "c0").items_out, ==, 9);
  run_free (r);

  assert_collect ("seq to=2 ! c max-emit=3 code=\"emit (x); emit (-x); emit (100);\"",
                  "1\n-1\n100\n2\n-2\n100\n");
  /* Emitting nothing for some items: a filter. */
  assert_collect ("seq to=10 ! c code=\"if (x % 4 == 0) emit (x);\"", "4\n8\n");
  /* Types: in and out. */
  assert_collect ("seq to=2 type=f64 ! c in=f64 out=i64 code=\"emit (x * 10 + 0.5);\"", "10\n20\n");
  assert_collect ("seq to=2 ! c out=f64 code=\"emit (x / 4.0);\"", "0.25\n0.5\n");
  /* Many emits per item, more than a batch of items in all. */
  assert_result ("seq to=10000 ! c max-emit=100 code=\"for (int i = 0; i < 100; i++) emit (1);\" ! count",
                 "count0", "1000000");
}

static void
test_c_max_emit (void)
{
  Run *r = run_build ("seq to=5 ! c code=\"emit (x); emit (x * 10);\" ! sum");
  pb_process_info info;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  g_assert_cmpint (run_go (r), !=, PB_OK);
  g_assert_cmpstr (r->run_err.message, ==, "c0: emitted more than max-emit=1 items at once");
  info = info_of (r, "c0");
  g_assert_cmpint (info.state, ==, PB_PROCESS_FAILED);
  g_assert_cmpstr (info.message, ==, "emitted more than max-emit=1 items at once");
  info = info_of (r, "sum0");
  g_assert_cmpint (info.state, ==, PB_PROCESS_STOPPED);
  g_assert_nonnull (info.message);
  g_assert_null (info.result);
  run_free (r);

  /* emit with no output type fails too. */
  r = run_build ("seq to=5 ! c out=none code=\"emit (x);\"");
  g_assert_cmpint (r->build_rc, ==, PB_OK);
  g_assert_cmpint (run_go (r), !=, PB_OK);
  g_assert_nonnull (strstr (info_of (r, "c0").message, "needs an output type"));
  run_free (r);
}

static void
test_c_sink (void)
{
  g_autofree char *path = tmp_path ("c-sink.txt");
  g_autofree char *text = g_strdup_printf ("seq to=10 ! c out=none state='FILE *f; long long n;' "
                                           "init='s->f = fopen (\"%s\", \"w\");' "
                                           "code='fprintf (s->f, \"%%lld,\", x); s->n++;' "
                                           "finish='fprintf (s->f, \"n=%%lld\", s->n); fclose (s->f); s->f = 0;'",
                                           path);
  g_autofree char *got = NULL;
  Run *r = run_ok (text);
  pb_process_info info = info_of (r, "c0");

  g_assert_cmpint (info.state, ==, PB_PROCESS_DONE);
  g_assert_cmpuint (info.items_in, ==, 10);
  g_assert_cmpuint (info.items_out, ==, 0);
  g_assert_null (info.result);
  run_free (r);
  got = read_file (path, NULL);
  g_assert_cmpstr (got, ==, "1,2,3,4,5,6,7,8,9,10,n=10");
}

static void
test_c_state (void)
{
  /* State and init: running sums from 1000. */
  assert_collect ("seq to=4 ! c state=\"long long t;\" init=\"s->t = 1000;\" code=\"s->t += x; emit (s->t);\"",
                  "1001\n1003\n1006\n1010\n");
  /* finish may emit: one item at the end. */
  assert_collect ("seq to=7 ! c state=\"long long n;\" code=\"s->n++;\" finish=\"emit (s->n * 100);\"",
                  "700\n");
  assert_collect ("seq from=1 to=0 ! c state=\"long long n;\" code=\"s->n++;\" finish=\"emit (-1); emit (s->n);\" "
                  "max-emit=2", "-1\n0\n");
  /* Several c stages in one chain keep their own state. */
  assert_collect ("seq to=3 ! c state=\"long long a;\" code=\"s->a += x; emit (s->a);\" "
                  "! c state=\"long long a;\" init=\"s->a = 100;\" code=\"s->a += x; emit (s->a);\"",
                  "101\n104\n110\n");
  /* Bytes in and out. */
  assert_collect ("seq from=65 to=67 ! c out=u8 code=\"emit (x); emit ('\\\\n');\" max-emit=2 "
                  "! c in=u8 code=\"if (x != '\\\\n') emit (x);\"", "65\n66\n67\n");
}

/* ---- counters ---- */

static void
test_counters (void)
{
  Run *r = run_ok ("seq to=200000 ! map name=light expr=\"x + 1\" "
                   "! c name=heavy code=\"double a = x; for (int i = 0; i < 200; i++) a = a * 1.0000001 + 1.0; "
                   "emit ((long long) a);\" ! filter expr=\"x % 2 == 0\" ! sum");
  pb_process_info seq = info_of (r, "seq0");
  pb_process_info light = info_of (r, "light");
  pb_process_info heavy = info_of (r, "heavy");
  pb_process_info filter = info_of (r, "filter0");
  pb_process_info sum = info_of (r, "sum0");
  pb_chain_info chain;
  uint64_t total;

  g_assert_cmpuint (seq.items_in, ==, 0);
  g_assert_cmpuint (seq.items_out, ==, 200000);
  g_assert_cmpuint (light.items_in, ==, 200000);
  g_assert_cmpuint (heavy.items_out, ==, 200000);
  g_assert_cmpuint (filter.items_in, ==, 200000);
  g_assert_cmpuint (filter.items_out, ==, sum.items_in);
  g_assert_cmpuint (filter.items_out, >, 50000);
  g_assert_cmpuint (filter.items_out, <, 150000);
  g_assert_cmpuint (seq.calls, >, 0);
  g_assert_cmpuint (seq.calls, ==, sum.calls);

  /* One chain: its time is shared among its stages, mostly the heavy one. */
  g_assert_cmpuint (pb_engine_n_chains (r->engine), ==, 1);
  g_assert_cmpint (pb_engine_chain_info (r->engine, 0, &chain), ==, PB_OK);
  g_assert_cmpuint (chain.n_processes, ==, 5);
  g_assert_cmpuint (chain.calls, ==, seq.calls);
  g_assert_cmpuint (chain.busy_ns, >, 0);
  g_assert_cmpuint (chain.compiles, ==, 1);
  g_assert_cmpuint (chain.code_bytes, >, 0);
  g_assert_cmpuint (chain.compile_ns, >, 0);
  g_assert_cmpuint (heavy.busy_ns, >, 0);
  g_assert_cmpuint (heavy.busy_ns, >, light.busy_ns);
  g_assert_cmpuint (heavy.busy_ns, >, sum.busy_ns);
  total = seq.busy_ns + light.busy_ns + heavy.busy_ns + filter.busy_ns + sum.busy_ns;
  g_assert_cmpuint (heavy.busy_ns, >, total / 2);
  g_assert_cmpuint (total, <=, chain.busy_ns + chain.busy_ns / 50 + 1000);
  g_assert_cmpuint (total, >=, chain.busy_ns / 2);
  g_assert_cmpint (pb_engine_chain_info (r->engine, 1, &chain), ==, PB_ENOENT);
  g_assert_null (pb_engine_chain_source (r->engine, 1));
  run_free (r);
}

static void
test_chains_and_source (void)
{
  Run *r = run_ok ("seq to=10 ! map expr=\"x * 77\" ! broadcast name=b ! sum name=s1  b. ! throttle rate=1e9 ! sum name=s2");
  pb_process_info seq = info_of (r, "seq0");
  pb_process_info map = info_of (r, "map0");
  pb_process_info b = info_of (r, "b");
  pb_process_info s1 = info_of (r, "s1");
  pb_process_info s2 = info_of (r, "s2");
  pb_process_info th = info_of (r, "throttle0");
  pb_chain_info chain;
  const char *code;

  /* seq ! map ! broadcast are one chain; each branch its own. */
  g_assert_cmpuint (pb_engine_n_chains (r->engine), ==, 3);
  g_assert_cmpuint (seq.chain, ==, map.chain);
  g_assert_cmpuint (seq.chain, ==, b.chain);
  g_assert_cmpuint (s1.chain, !=, seq.chain);
  g_assert_cmpuint (th.chain, ==, s2.chain);
  g_assert_cmpuint (th.chain, !=, s1.chain);
  g_assert_cmpint (pb_engine_chain_info (r->engine, seq.chain, &chain), ==, PB_OK);
  g_assert_cmpuint (chain.n_processes, ==, 3);
  g_assert_cmpuint (chain.processes[0], ==, seq.process);
  g_assert_cmpuint (chain.processes[1], ==, map.process);
  g_assert_cmpuint (chain.processes[2], ==, b.process);
  code = pb_engine_chain_source (r->engine, seq.chain);
  g_assert_nonnull (code);
  g_assert_nonnull (strstr (code, "pb_run"));
  g_assert_nonnull (strstr (code, "x * 77"));
  g_assert_cmpstr (result_of (r, "s1"), ==, "4235");
  g_assert_cmpstr (result_of (r, "s2"), ==, "4235");
  run_free (r);
}

static void
test_break_inlining (void)
{
  Run *r = run_build ("seq to=1000 ! map name=m expr=\"x * 2\" ! sum");
  pb_addr m = pb_graph_find_name (r->graph, "m");
  pb_addr seq = pb_graph_find_name (r->graph, "seq0");

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  g_assert_cmpuint (pb_engine_n_chains (r->engine), ==, 1);
  g_assert_cmpint (pb_graph_set_link_flags (r->graph, pb_addr_with_port (m, 1), PB_LINK_BREAK_INLINING), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_link_flags (r->graph, pb_addr_with_port (seq, 0), PB_LINK_BREAK_INLINING), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, NULL), ==, PB_OK);
  g_assert_cmpuint (pb_engine_n_chains (r->engine), ==, 3);
  g_assert_cmpint (run_go (r), ==, PB_OK);
  g_assert_cmpstr (result_of (r, "sum0"), ==, "1001000");
  run_free (r);
}

/* Marking a link to break inlining moves the processes after it to a
 * chain of their own, and unmarking it moves them back: a `c` process
 * keeps its state through both, since its state's text names neither
 * its chain nor its place in it. The check counts 1 for each item that
 * follows the one before and a billion for any other. */
static void
test_break_inlining_keeps (void)
{
  Run *r = run_build ("seq from=1 to=100000 ! map name=m expr=\"x\" "
                      "! c name=chk state=\"long long prev;\" "
                      "code=\"emit (x == s->prev + 1 ? 1 : 1000000000); s->prev = x;\" ! sum name=total");
  pb_addr in = pb_addr_with_port (pb_graph_find_name (r->graph, "chk"), 0);
  uint64_t flags = 0;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  pb_engine_set_batch (r->engine, 1000);
  for (int edit = 0; edit < 20; edit++)
    {
      for (int step = 0; step < 3; step++)
        pb_engine_step (r->engine);
      flags ^= PB_LINK_BREAK_INLINING;
      g_assert_cmpint (pb_graph_set_link_flags (r->graph, in, (uint32_t) flags), ==, PB_OK);
      g_assert_cmpint (pb_engine_build (r->engine, NULL), ==, PB_OK);
    }
  g_assert_cmpint (run_go (r), ==, PB_OK);
  g_assert_cmpstr (result_of (r, "total"), ==, "100000");
  run_free (r);
}

/* ---- errors ---- */

static void
assert_pipeline_fails (const char *text,
                       int         code,
                       const char *message)
{
  pb_graph *g = pb_graph_new (0);
  pb_error err = { PB_OK, "" };

  g_assert_cmpint (pb_pipeline_build_text (g, text, &err), ==, code);
  g_assert_cmpint (err.code, ==, code);
  if (strstr (err.message, message) == NULL)
    g_test_message ("'%s' gave '%s'", text, err.message);
  g_assert_nonnull (strstr (err.message, message));
  /* Nothing half-built stays behind. */
  g_assert_cmpuint (pb_graph_n_processes (g), ==, 0);
  pb_graph_free (g);
}

/* A problem of the topology: refused, naming the process, and nothing
 * built. */
static void
assert_topology_fails (const char *text,
                       int         code,
                       const char *message)
{
  Run *r = run_build (text);

  g_assert_cmpint (r->build_rc, ==, code);
  g_assert_cmpint (r->build_err.code, ==, code);
  if (strstr (r->build_err.message, message) == NULL)
    g_test_message ("'%s' gave '%s'", text, r->build_err.message);
  g_assert_nonnull (strstr (r->build_err.message, message));
  g_assert_null (strchr (r->build_err.message, '\n'));
  g_assert_cmpuint (pb_engine_n_processes (r->engine), ==, 0);
  g_assert_cmpuint (pb_engine_n_chains (r->engine), ==, 0);
  run_free (r);
}

static void
test_errors_pipeline (void)
{
  assert_pipeline_fails ("seqq to=3 ! sum", PB_ENOENT, "unknown kind 'seqq'");
  assert_pipeline_fails ("seq to=3 foo=1 ! sum", PB_ENOENT, "seq0: seq has no parameter 'foo'");
  assert_pipeline_fails ("seq to=abc ! sum", PB_EINVAL, "seq0: to=abc is not a number");
  assert_pipeline_fails ("seq to=3 ! take n=-1 ! sum", PB_EINVAL, "take0: n=-1 is out of range");
  assert_pipeline_fails ("seq to=3 type=u8 ! sum", PB_EINVAL, "seq0: type=u8 is not one of i64|f64");
  assert_pipeline_fails ("seq to=3 ! map expr=' ' ! sum", PB_EINVAL, "map0: expr is empty");
  /* Dangling branches. */
  assert_pipeline_fails ("seq to=3 ! broadcast name=b ! sum  b.", PB_EINVAL, "b.");
  assert_pipeline_fails ("seq to=3 ! x.", PB_EINVAL, "'x.'");
  /* A link into an output. */
  assert_pipeline_fails ("seq to=3 ! seq0.out", PB_EDIRECTION, "seq0: 'out' is not an input");
  assert_pipeline_fails ("seq to=3 ! b.out[0]  broadcast name=b ! sum", PB_EDIRECTION,
                         "b: 'out[0]' is not an input");
  assert_pipeline_fails ("seq to=3 ! sum  sum0.in ! count", PB_EDIRECTION, "sum0: 'in' is not an output");
  assert_pipeline_fails ("seq to=3 ! b.in2  broadcast name=b ! sum", PB_ENOENT, "broadcast has no port 'in2'");
  assert_pipeline_fails ("seq to=3 ! sum  seq0. ! sum", PB_EBUSY, "seq0: seq has no free output");
  /* Explicit ports are fine. */
  {
    Run *r = run_ok ("seq to=3 ! broadcast name=t  t.out[1] ! sum name=a  t.out[0] ! m.in[1]  merge name=m ! sum name=b");

    g_assert_cmpstr (result_of (r, "a"), ==, "6");
    g_assert_cmpstr (result_of (r, "b"), ==, "6");
    run_free (r);
  }
}

static void
test_errors_topology (void)
{
  assert_topology_fails ("seq to=3 ! format ! sum", PB_ETYPE,
                         "type mismatch: format0.out gives u8 but sum0.in takes i64|f64");
  assert_topology_fails ("seq to=3 type=f64 ! c code=\"emit (x);\" ! sum", PB_ETYPE, "c0.in takes i64");
  assert_topology_fails ("seq to=3 ! parse ! sum", PB_ETYPE, "parse0.in takes u8");
  assert_topology_fails ("seq to=3 ! file-out path=/dev/null", PB_ETYPE, "file-out0.in takes u8");
  assert_topology_fails ("seq to=3 ! m.  seq to=3 type=f64 ! m.  merge name=m ! sum", PB_ETYPE,
                         "m: its inputs carry different types");
  assert_topology_fails ("seq to=3 ! map expr=x", PB_ENOTCONN, "map0: its output is not connected");
  assert_topology_fails ("seq to=3", PB_ENOTCONN, "seq0: its output is not connected");
  assert_topology_fails ("seq to=3 ! broadcast", PB_ENOTCONN, "broadcast0: its output is not connected");
  assert_topology_fails ("merge ! count", PB_ENOTCONN, "merge0: its input is not connected");
  assert_topology_fails ("seq ! sum", PB_EINVAL, "seq0: parameter 'to' is required");
  assert_topology_fails ("seq to=3 ! c out=none code=\"\" ! sum", PB_EINVAL, "c0: out=none");
}

static void
test_errors_graph (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_engine *e = pb_engine_new (g);
  pb_addr seq, map, sum, a, b, other;
  pb_error err;

  /* An unknown kind and a bad parameter, set through the graph. */
  g_assert_cmpint (pb_graph_add_process (g, 0, "nope", &a), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (e, &err), ==, PB_ENOENT);
  g_assert_nonnull (strstr (err.message, "unknown kind 'nope'"));
  g_assert_cmpint (pb_graph_remove_process (g, a), ==, PB_OK);

  g_assert_cmpint (pb_graph_add_process (g, 0, "seq", &seq), ==, PB_OK);
  g_assert_cmpint (pb_graph_add_process (g, 0, "map", &map), ==, PB_OK);
  g_assert_cmpint (pb_graph_add_process (g, 0, "sum", &sum), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_param (g, seq, "to", "10"), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_param (g, map, "expr", "x * 2"), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (seq, 0), pb_addr_with_port (map, 0)), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (map, 1), pb_addr_with_port (sum, 0)), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (e, &err), ==, PB_OK);
  g_assert_cmpuint (pb_engine_n_processes (e), ==, 3);

  /* Each refusal leaves the engine as it was. */
  g_assert_cmpint (pb_graph_set_param (g, map, "bogus", "1"), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (e, &err), ==, PB_ENOENT);
  g_assert_nonnull (strstr (err.message, "has no parameter 'bogus'"));
  g_assert_cmpint (pb_graph_set_param (g, map, "bogus", NULL), ==, PB_OK);
  g_assert_cmpuint (pb_engine_n_processes (e), ==, 3);

  g_assert_cmpint (pb_graph_set_param (g, seq, "step", "fast"), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (e, &err), ==, PB_EINVAL);
  g_assert_nonnull (strstr (err.message, "step=fast is not a number"));
  g_assert_cmpint (pb_graph_set_param (g, seq, "step", NULL), ==, PB_OK);

  /* Two outputs joined. */
  g_assert_cmpint (pb_graph_disconnect (g, pb_addr_with_port (map, 1)), ==, PB_OK);
  g_assert_cmpint (pb_graph_add_process (g, 0, "seq", &other), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_param (g, other, "to", "1"), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (map, 1), pb_addr_with_port (other, 0)), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (e, &err), ==, PB_EDIRECTION);
  g_assert_nonnull (strstr (err.message, "are both outputs"));
  g_assert_cmpint (pb_graph_disconnect (g, pb_addr_with_port (map, 1)), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_process (g, other), ==, PB_OK);

  /* Two inputs joined. */
  g_assert_cmpint (pb_graph_add_process (g, 0, "count", &a), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (map, 1), pb_addr_with_port (sum, 0)), ==, PB_OK);
  g_assert_cmpint (pb_graph_add_process (g, 0, "count", &b), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (a, 0), pb_addr_with_port (b, 0)), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (e, &err), ==, PB_EDIRECTION);
  g_assert_nonnull (strstr (err.message, "are both inputs"));
  g_assert_cmpint (pb_graph_remove_process (g, a), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_process (g, b), ==, PB_OK);

  /* A port the kind does not have. */
  g_assert_cmpint (pb_graph_add_process (g, 0, "count", &a), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (seq, 7), pb_addr_with_port (a, 0)), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (e, &err), ==, PB_ENOENT);
  g_assert_nonnull (strstr (err.message, "seq has no port 7"));
  g_assert_cmpint (pb_graph_remove_process (g, a), ==, PB_OK);

  /* An input not connected. */
  g_assert_cmpint (pb_graph_add_process (g, 0, "count", &a), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (e, &err), ==, PB_ENOTCONN);
  g_assert_nonnull (strstr (err.message, "its input is not connected"));
  g_assert_cmpint (pb_graph_remove_process (g, a), ==, PB_OK);

  /* A link to another host. */
  g_assert_cmpint (pb_graph_add_process (g, 1, "count", &a), ==, PB_OK);
  g_assert_cmpint (pb_graph_disconnect (g, pb_addr_with_port (map, 1)), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (map, 1), pb_addr_with_port (a, 0)), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (e, &err), ==, PB_EINVAL);
  g_assert_nonnull (strstr (err.message, "other hosts"));
  g_assert_cmpint (pb_graph_remove_process (g, a), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (map, 1), pb_addr_with_port (sum, 0)), ==, PB_OK);

  /* The engine still runs what it had. */
  g_assert_cmpuint (pb_engine_n_processes (e), ==, 3);
  alarm (WATCHDOG_S);
  g_assert_cmpint (pb_engine_run (e, &err), ==, PB_OK);
  alarm (0);
  {
    pb_process_info info;

    g_assert_cmpint (pb_engine_process_info (e, (size_t) pb_engine_find_process (e, sum), &info), ==, PB_OK);
    g_assert_cmpstr (info.result, ==, "110");
    g_assert_cmpint (pb_engine_process_info (e, 3, &info), ==, PB_ENOENT);
  }
  g_assert_cmpint (pb_engine_find_process (e, pb_addr_make (0, 999, 0)), ==, -1);
  pb_engine_free (e);
  pb_graph_free (g);
}

static void
test_cycle (void)
{
  pb_graph *g;
  pb_engine *e;
  pb_addr p1, p2;
  pb_error err;

  alarm (WATCHDOG_S);
  assert_topology_fails ("seq from=1 to=10 ! merge name=m ! broadcast name=b ! sum  b. ! m.",
                         PB_ECYCLE, "on a flow cycle");
  assert_topology_fails ("seq from=1 to=10 ! merge name=m ! map expr=x ! round-robin name=r ! sum  r. ! pass ! m.",
                         PB_ECYCLE, "on a flow cycle");

  /* Two processes feeding each other, with no source at all. */
  g = pb_graph_new (0);
  e = pb_engine_new (g);
  g_assert_cmpint (pb_graph_add_process (g, 0, "pass", &p1), ==, PB_OK);
  g_assert_cmpint (pb_graph_add_process (g, 0, "pass", &p2), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (p1, 1), pb_addr_with_port (p2, 0)), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (p2, 1), pb_addr_with_port (p1, 0)), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (e, &err), ==, PB_ECYCLE);
  g_assert_nonnull (strstr (err.message, "cycle"));
  /* A process looped onto itself. */
  g_assert_cmpint (pb_graph_remove_process (g, p2), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (p1, 1), pb_addr_with_port (p1, 0)), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (e, &err), ==, PB_ECYCLE);
  g_assert_nonnull (strstr (err.message, "cycle"));
  pb_engine_free (e);
  pb_graph_free (g);
  alarm (0);
}

static void
test_compile_errors (void)
{
  Run *r = run_build ("seq to=3 ! map expr=\"x *\" ! sum");
  pb_process_info info;

  g_assert_cmpint (r->build_rc, ==, PB_ECOMPILE);
  g_assert_true (g_str_has_prefix (r->build_err.message, "map0.expr:1:"));
  g_assert_null (strchr (r->build_err.message, '\n'));
  info = info_of (r, "map0");
  g_assert_cmpint (info.state, ==, PB_PROCESS_FAILED);
  g_assert_true (g_str_has_prefix (info.message, "map0.expr:1:"));
  g_assert_cmpint (info_of (r, "seq0").state, ==, PB_PROCESS_STOPPED);
  g_assert_cmpint (info_of (r, "sum0").state, ==, PB_PROCESS_STOPPED);
  g_assert_cmpint (run_go (r), ==, PB_ECOMPILE);
  g_assert_true (pb_engine_finished (r->engine));
  run_free (r);

  assert_build_fails ("seq to=3 ! map expr=\"y + 1\" ! sum", PB_ECOMPILE, "map0", "map0.expr:1:");
  assert_build_fails ("seq to=3 ! map expr=x ! map expr=\"x +\" ! sum", PB_ECOMPILE, "map1", "map1.expr:1:");
  assert_build_fails ("seq to=3 ! map expr=\"(x + 1\" ! sum", PB_ECOMPILE, "map0", "map0.expr:1:");
  assert_build_fails ("seq to=3 ! filter expr=\"x ==\" ! sum", PB_ECOMPILE, "filter0", "filter0.expr:1:");
  assert_build_fails ("seq to=3 ! c code=\"int a;\na = 1;\na = b;\nemit (a);\" ! sum", PB_ECOMPILE,
                      "c0", "c0.code:3:");
  assert_build_fails ("seq to=3 ! c code=\"emit (x);\" init=\"\n\nint q = ;\" ! sum", PB_ECOMPILE,
                      "c0", "c0.init:3:");
  assert_build_fails ("seq to=3 ! c code=\"emit (x);\" finish=\"\nemit (;\" ! sum", PB_ECOMPILE,
                      "c0", "c0.finish:2:");
  assert_build_fails ("seq to=3 ! c code=\"emit (x); /* no end\" ! sum", PB_ECOMPILE, "c0", "c0.code:1:");
  assert_build_fails ("seq to=3 ! c code=\"emit (x);\" state=\"int a\nint b;\" ! sum", PB_ECOMPILE,
                      "c0", "c0.state:");

  /* The other chains are built and run. */
  r = run_build ("seq to=3 ! broadcast name=b ! map expr=\"x +* 1\" ! sum name=bad  b. ! sum name=good");
  g_assert_cmpint (r->build_rc, ==, PB_ECOMPILE);
  g_assert_cmpint (run_go (r), ==, PB_ECOMPILE);
  g_assert_cmpstr (result_of (r, "good"), ==, "6");
  g_assert_cmpint (info_of (r, "bad").state, ==, PB_PROCESS_STOPPED);
  run_free (r);
}

/* A c process writing past the end of its state faults on the page after
 * it, and fails alone: nothing next to it is corrupted. */
static void
test_state_overrun (void)
{
  Run *r = run_build ("seq from=1 to=100 ! broadcast name=b ! c state=\"int a;\" "
                      "code=\"char *p = (char *) s; for (int i = 0; i < 64; i++) "
                      "p[sizeof *s + i] = 1; emit (x);\" ! sum name=bad  b. ! sum name=good");
  pb_process_info info;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  g_assert_cmpint (run_go (r), !=, PB_OK);
  info = info_of (r, "c0");
  g_assert_cmpint (info.state, ==, PB_PROCESS_FAILED);
  g_assert_nonnull (strstr (info.message, "segmentation fault"));
  g_assert_cmpstr (result_of (r, "good"), ==, "5050");
  run_free (r);
}

/* Chains compiled in one unit each count their own part of its size
 * and time, not the whole unit's: the profiler's chain rows say what
 * each chain costs. */
static void
test_chain_shares (void)
{
  Run *r = run_build ("seq to=10 ! sum name=short  "
                      "seq to=10 ! map expr=\"x * 2\" ! map expr=\"x + 1\" ! map expr=\"x / 3\" "
                      "! map expr=\"x - 7\" ! map expr=\"x ^ 5\" ! sum name=long");
  pb_chain_info a, b;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  g_assert_cmpuint (pb_engine_n_chains (r->engine), ==, 2);
  g_assert_cmpint (pb_engine_chain_info (r->engine, info_of (r, "short").chain, &a), ==, PB_OK);
  g_assert_cmpint (pb_engine_chain_info (r->engine, info_of (r, "long").chain, &b), ==, PB_OK);
  g_test_message ("short: %" G_GUINT64_FORMAT " B, %" G_GUINT64_FORMAT " ns; "
                  "long: %" G_GUINT64_FORMAT " B, %" G_GUINT64_FORMAT " ns",
                  a.code_bytes, a.compile_ns, b.code_bytes, b.compile_ns);
  g_assert_cmpuint (a.code_bytes, >, 0);
  g_assert_cmpuint (b.code_bytes, >, a.code_bytes);
  g_assert_cmpuint (b.compile_ns, >, a.compile_ns);
  run_free (r);
}

/* Code that would end, copy or replace the whole application fails its
 * own process instead, with a message naming what it called; the rest
 * runs on. */
static void
test_refused_calls (void)
{
  static const struct
  {
    const char *code;
    const char *message;
  } cases[] = {
    { "exit (0);", "c0: called exit(), which would end the whole application" },
    { "_exit (3);", "c0: called _exit(), which would end the whole application" },
    { "abort ();", "c0: called abort(), which would end the whole application" },
    { "if (fork () == 0) for (;;);", "c0: called fork(), which would copy the whole application" },
    { "system (\\\"true\\\");", "c0: called system(), which would run another program" },
    { "execv (0, 0);", "c0: called execv(), which would run another program" },
    { "signal (11, 0);", "c0: called signal(), which would take the application's signals" },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("seq from=1 to=10 ! broadcast name=b "
                                               "! c code=\"if (x == 5) { %s } emit (x);\" "
                                               "! sum name=bad  b. ! sum name=good",
                                               cases[i].code);
      Run *r = run_build (text);
      pb_process_info info;

      g_test_message ("%s", text);
      g_assert_cmpint (r->build_rc, ==, PB_OK);
      g_assert_cmpint (run_go (r), !=, PB_OK);
      g_assert_cmpstr (r->run_err.message, ==, cases[i].message);
      info = info_of (r, "c0");
      g_assert_cmpint (info.state, ==, PB_PROCESS_FAILED);
      g_assert_cmpstr (result_of (r, "good"), ==, "55");
      run_free (r);
    }
}

static void
test_fault_division (void)
{
  Run *r = run_build ("seq from=1 to=10 ! broadcast name=b ! map expr=\"x/(x-5)\" ! sum name=bad  "
                      "b. ! sum name=good");
  pb_process_info info;
  int rc;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  rc = run_go (r);
  g_assert_cmpint (rc, !=, PB_OK);
  g_assert_cmpint (rc, ==, r->run_err.code);
  g_assert_true (g_str_has_prefix (r->run_err.message, "map0: "));
  g_assert_nonnull (strstr (r->run_err.message, "division by zero"));
  info = info_of (r, "map0");
  g_assert_cmpint (info.state, ==, PB_PROCESS_FAILED);
  g_assert_nonnull (strstr (info.message, "arithmetic fault"));
  g_assert_nonnull (strstr (info.message, "division by zero"));
  /* Downstream of the failure stops; the healthy branch finishes. */
  info = info_of (r, "bad");
  g_assert_cmpint (info.state, ==, PB_PROCESS_STOPPED);
  g_assert_null (info.result);
  g_assert_nonnull (strstr (info.message, "map0"));
  g_assert_cmpstr (result_of (r, "good"), ==, "55");
  g_assert_true (pb_engine_finished (r->engine));
  run_free (r);

  /* In a single chain, the stage with the user's code is named. */
  r = run_build ("seq from=1 to=10 ! map expr=\"x/(x-5)\" ! sum");
  g_assert_cmpint (run_go (r), !=, PB_OK);
  g_assert_cmpint (info_of (r, "map0").state, ==, PB_PROCESS_FAILED);
  g_assert_cmpint (info_of (r, "sum0").state, ==, PB_PROCESS_STOPPED);
  /* The call that faulted counts, with its time; what it moved does not. */
  g_assert_cmpuint (info_of (r, "map0").calls, ==, 1);
  g_assert_cmpuint (info_of (r, "sum0").calls, ==, 1);
  g_assert_cmpuint (info_of (r, "seq0").busy_ns + info_of (r, "map0").busy_ns
                    + info_of (r, "sum0").busy_ns, >, 0);
  g_assert_cmpuint (info_of (r, "sum0").items_in, ==, 0);
  run_free (r);
}

static void
test_fault_segv (void)
{
  Run *r = run_build ("seq from=1 to=10 ! c code=\"int *p = 0; emit (*p);\" ! sum");
  pb_process_info info;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  g_assert_cmpint (run_go (r), ==, PB_EFAULT);
  info = info_of (r, "c0");
  g_assert_cmpint (info.state, ==, PB_PROCESS_FAILED);
  g_assert_nonnull (strstr (info.message, "segmentation fault"));
  g_assert_cmpint (info_of (r, "sum0").state, ==, PB_PROCESS_STOPPED);
  run_free (r);

  /* A fault in init fails at build. */
  r = run_build ("seq from=1 to=10 ! c init=\"int *p = 0; *p = 1;\" code=\"emit (x);\" ! sum");
  g_assert_cmpint (r->build_rc, ==, PB_EFAILED);
  g_assert_nonnull (strstr (r->build_err.message, "segmentation fault"));
  g_assert_true (g_str_has_prefix (r->build_err.message, "c0: "));
  g_assert_cmpint (info_of (r, "c0").state, ==, PB_PROCESS_FAILED);
  g_assert_cmpint (run_go (r), !=, PB_OK);
  run_free (r);
}

static void
test_time_limit (void)
{
  Run *r = run_build ("seq from=1 to=10 ! broadcast name=b ! c code=\"for (;;) {}\" ! sum name=bad  "
                      "b. ! sum name=good");
  gint64 t0, elapsed;
  pb_process_info info;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  pb_engine_set_time_limit (r->engine, 200 * 1000 * 1000);
  t0 = now_us ();
  g_assert_cmpint (run_go (r), ==, PB_EFAULT);
  elapsed = now_us () - t0;
  g_assert_cmpint (elapsed, >=, 190000);
  g_assert_cmpint (elapsed, <, 1500000);
  info = info_of (r, "c0");
  g_assert_cmpint (info.state, ==, PB_PROCESS_FAILED);
  g_assert_nonnull (strstr (info.message, "ran for longer than 200 ms"));
  g_assert_cmpstr (result_of (r, "good"), ==, "55");
  run_free (r);
}

/* ---- memory and rebuilding ---- */

static long
resident_kib (void)
{
  long size = 0, resident = 0;
  FILE *f = fopen ("/proc/self/statm", "r");

  g_assert_nonnull (f);
  g_assert_cmpint (fscanf (f, "%ld %ld", &size, &resident), ==, 2);
  fclose (f);
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static void
test_backpressure (void)
{
  Run *r = run_build ("seq from=1 to=1000000000 ! broadcast name=t ! throttle rate=1000 ! discard name=slow  "
                      "t. ! discard name=fast");
  long before, after;
  gint64 t0;
  pb_process_info seq, th, fast;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  /* Let the rings and the code settle first. */
  for (int i = 0; i < 10; i++)
    pb_engine_step (r->engine);
  before = resident_kib ();
  t0 = now_us ();
  while (now_us () - t0 < 300000)
    if (!pb_engine_step (r->engine))
      g_usleep (200);
  after = resident_kib ();

  seq = info_of (r, "seq0");
  th = info_of (r, "throttle0");
  fast = info_of (r, "fast");
  g_test_message ("resident %ld -> %ld KiB; seq gave %" G_GUINT64_FORMAT ", throttle took %" G_GUINT64_FORMAT,
                  before, after, seq.items_out, th.items_in);
  /* The slow branch took about 300 items; the source may be ahead of it by
   * no more than one ring (4096 items) and one batch. */
  g_assert_cmpuint (th.items_in, >, 100);
  g_assert_cmpuint (th.items_in, <, 1000);
  g_assert_cmpuint (seq.items_out, <=, th.items_in + 2 * 4096);
  g_assert_cmpuint (fast.items_in, <=, seq.items_out);
  g_assert_cmpint (info_of (r, "slow").state, ==, PB_PROCESS_READY);
  g_assert_cmpint (after - before, <, 4096);
  run_free (r);
}

static uint64_t
sum_range (uint64_t from,
           uint64_t to)
{
  return from > to ? 0 : (from + to) * (to - from + 1) / 2;
}

static uint64_t
chain_compiles (Run        *r,
                const char *name)
{
  pb_chain_info chain;

  g_assert_cmpint (pb_engine_chain_info (r->engine, info_of (r, name).chain, &chain), ==, PB_OK);
  return chain.compiles;
}

/* Steps until @name has taken at least @n items. */
static void
step_until (Run        *r,
            const char *name,
            uint64_t    n)
{
  alarm (WATCHDOG_S);
  while (info_of (r, name).items_in < n)
    if (!pb_engine_step (r->engine))
      g_usleep (100);
  alarm (0);
}

/* The sink @name got x*2 for the items 1 to @k, and x*3 for the rest up to
 * @n: a map's expression changed from one to the other after @k items. */
static void
assert_two_phase_sum (Run        *r,
                      const char *name,
                      uint64_t    k,
                      uint64_t    n)
{
  g_autofree char *expected = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                               2 * sum_range (1, k) + 3 * sum_range (k + 1, n));

  g_assert_cmpstr (result_of (r, name), ==, expected);
}

static void
test_rebuild_keeps_state (void)
{
  /* seq fills a ring that throttle drains slowly; the map's chain writes
   * two rings. Items wait in all of them when the map changes. */
  Run *r = run_build ("seq from=1 to=20000 ! throttle rate=100000 ! map name=m expr=\"x*2\" "
                      "! broadcast name=b ! sum name=s  b. ! count name=c");
  pb_addr m = pb_graph_find_name (r->graph, "m");
  pb_error err;
  uint64_t k;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  g_assert_cmpuint (pb_engine_n_chains (r->engine), ==, 4);
  /* After a stall (a loaded machine), throttle may have caught up with
   * seq: step on until items wait between them again. */
  alarm (WATCHDOG_S);
  while (info_of (r, "m").items_in < 5000
         || info_of (r, "seq0").items_out <= info_of (r, "m").items_in)
    if (!pb_engine_step (r->engine))
      g_usleep (100);
  alarm (0);
  k = info_of (r, "m").items_in;
  g_assert_cmpuint (k, <, 20000);
  g_assert_cmpuint (info_of (r, "seq0").items_out, >, k);

  g_assert_cmpint (pb_graph_set_param (r->graph, m, "expr", "x*3"), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, &err), ==, PB_OK);
  /* Only the touched chain was compiled again; counters go on. */
  g_assert_cmpuint (chain_compiles (r, "m"), ==, 2);
  g_assert_cmpuint (chain_compiles (r, "seq0"), ==, 1);
  g_assert_cmpuint (chain_compiles (r, "s"), ==, 1);
  g_assert_cmpuint (chain_compiles (r, "c"), ==, 1);
  g_assert_cmpuint (info_of (r, "m").items_in, ==, k);
  g_assert_nonnull (strstr (pb_engine_chain_source (r->engine, info_of (r, "m").chain), "x*3"));

  g_assert_cmpint (run_go (r), ==, PB_OK);
  g_assert_cmpuint (info_of (r, "m").items_in, ==, 20000);
  g_assert_cmpstr (result_of (r, "c"), ==, "20000");
  assert_two_phase_sum (r, "s", k, 20000);
  run_free (r);
}

static void
test_rebuild_sum_in_touched_chain (void)
{
  /* The sum is pasted into the chain that is compiled again. */
  Run *r = run_build ("seq from=1 to=20000 ! throttle rate=100000 ! map name=m expr=\"x*2\" ! sum name=s");
  pb_addr m = pb_graph_find_name (r->graph, "m");
  uint64_t k;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  g_assert_cmpuint (info_of (r, "m").chain, ==, info_of (r, "s").chain);
  step_until (r, "m", 3000);
  k = info_of (r, "m").items_in;
  g_assert_cmpint (pb_graph_set_param (r->graph, m, "expr", "x*3"), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, NULL), ==, PB_OK);
  g_assert_cmpuint (chain_compiles (r, "m"), ==, 2);
  g_assert_cmpuint (chain_compiles (r, "seq0"), ==, 1);
  g_assert_cmpint (run_go (r), ==, PB_OK);
  assert_two_phase_sum (r, "s", k, 20000);
  run_free (r);
}

/* An edit that does not compile fails the chain, but its processes keep
 * their states for the code that compiles once the mistake is mended: the
 * source goes on where it was, and the sum keeps what it had. */
static void
test_rebuild_through_typo (void)
{
  Run *r = run_build ("seq from=1 to=20000 ! map name=m expr=\"x*2\" ! sum name=s");
  pb_addr m = pb_graph_find_name (r->graph, "m");
  pb_error err;
  uint64_t k;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  g_assert_cmpint (pb_engine_set_batch (r->engine, 1000), ==, PB_OK);
  g_assert_true (pb_engine_step (r->engine));
  k = info_of (r, "m").items_in;
  g_assert_cmpuint (k, >, 0);
  g_assert_cmpuint (k, <, 20000);

  g_assert_cmpint (pb_graph_set_param (r->graph, m, "expr", "x*"), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, &err), ==, PB_ECOMPILE);
  g_assert_true (g_str_has_prefix (err.message, "m.expr:1:"));
  g_assert_cmpint (info_of (r, "m").state, ==, PB_PROCESS_FAILED);

  g_assert_cmpint (pb_graph_set_param (r->graph, m, "expr", "x*3"), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, &err), ==, PB_OK);
  g_assert_cmpint (info_of (r, "m").state, ==, PB_PROCESS_READY);
  g_assert_cmpint (run_go (r), ==, PB_OK);
  assert_two_phase_sum (r, "s", k, 20000);
  run_free (r);
}

static void
test_rebuild_unchanged (void)
{
  Run *r = run_build ("seq from=1 to=20000 ! throttle rate=100000 ! sum name=s");

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  step_until (r, "s", 1000);
  /* Nothing changed: nothing is compiled, nothing is lost. */
  g_assert_cmpint (pb_engine_build (r->engine, NULL), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, NULL), ==, PB_OK);
  g_assert_cmpuint (chain_compiles (r, "s"), ==, 1);
  g_assert_cmpuint (chain_compiles (r, "seq0"), ==, 1);
  g_assert_cmpint (run_go (r), ==, PB_OK);
  g_assert_cmpstr (result_of (r, "s"), ==, "200010000");
  run_free (r);
}

static void
test_rebuild_after_end (void)
{
  /* A finished engine built again stays finished: nothing runs twice. */
  Run *r = run_ok ("seq to=5 ! c state=\"long long t;\" code=\"s->t += x;\" finish=\"emit (s->t);\" "
                   "! broadcast name=b ! sum name=s  b. ! count name=n");

  g_assert_cmpstr (result_of (r, "s"), ==, "15");
  g_assert_cmpint (pb_engine_build (r->engine, NULL), ==, PB_OK);
  g_assert_true (pb_engine_finished (r->engine));
  g_assert_cmpstr (result_of (r, "s"), ==, "15");
  g_assert_cmpint (run_go (r), ==, PB_OK);
  g_assert_cmpstr (result_of (r, "s"), ==, "15");
  g_assert_cmpstr (result_of (r, "n"), ==, "1");
  g_assert_cmpuint (info_of (r, "c0").items_out, ==, 1);
  run_free (r);
}

static void
test_rebuild_after_failure (void)
{
  Run *r = run_build ("seq from=1 to=10 ! map name=m expr=\"x *\" ! sum name=s");
  pb_addr m = pb_graph_find_name (r->graph, "m");
  pb_process_info info;

  g_assert_cmpint (r->build_rc, ==, PB_ECOMPILE);
  /* Fixed, it compiles and runs. */
  g_assert_cmpint (pb_graph_set_param (r->graph, m, "expr", "x * 2"), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, NULL), ==, PB_OK);
  g_assert_cmpint (info_of (r, "m").state, ==, PB_PROCESS_READY);
  g_assert_null (info_of (r, "m").message);
  g_assert_cmpint (run_go (r), ==, PB_OK);
  g_assert_cmpstr (result_of (r, "s"), ==, "110");
  run_free (r);

  /* A chain that faulted is not run again by an unrelated edit. */
  r = run_build ("seq from=1 to=10 ! broadcast name=b ! map name=m expr=\"x/(x-5)\" ! sum name=bad  "
                 "b. ! map name=ok expr=\"x\" ! sum name=good");
  g_assert_cmpint (run_go (r), ==, PB_EFAULT);
  g_assert_cmpstr (result_of (r, "good"), ==, "55");
  g_assert_cmpint (pb_graph_set_param (r->graph, pb_graph_find_name (r->graph, "ok"), "expr", "x + 1"), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, NULL), ==, PB_OK);
  info = info_of (r, "m");
  g_assert_cmpint (info.state, ==, PB_PROCESS_FAILED);
  g_assert_nonnull (strstr (info.message, "division by zero"));
  g_assert_cmpint (info_of (r, "bad").state, ==, PB_PROCESS_STOPPED);
  g_assert_cmpint (run_go (r), !=, PB_OK);
  g_assert_cmpuint (chain_compiles (r, "m"), ==, 1);
  g_assert_cmpuint (chain_compiles (r, "ok"), ==, 2);
  run_free (r);

  /* What stopped because its upstream failed goes on once that is fixed. */
  r = run_build ("seq from=1 to=10 ! map name=m expr=\"x/(x-5)\" ! broadcast name=b ! sum name=s1  "
                 "b. ! sum name=s2");
  g_assert_cmpint (run_go (r), ==, PB_EFAULT);
  g_assert_cmpint (info_of (r, "s1").state, ==, PB_PROCESS_STOPPED);
  g_assert_cmpint (info_of (r, "s2").state, ==, PB_PROCESS_STOPPED);
  g_assert_cmpint (pb_graph_set_param (r->graph, m = pb_graph_find_name (r->graph, "m"), "expr", "x"), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, NULL), ==, PB_OK);
  g_assert_cmpint (info_of (r, "s1").state, ==, PB_PROCESS_READY);
  g_assert_cmpint (info_of (r, "m").state, ==, PB_PROCESS_READY);
  g_assert_cmpint (run_go (r), ==, PB_OK);
  /* The call that faulted left no trace: it wrote nothing to the rings,
   * and seq's state (kept in a local copy during a call) is as it was
   * before it, so the fixed chain sends every item again. */
  g_assert_cmpstr (result_of (r, "s1"), ==, "55");
  g_assert_cmpstr (result_of (r, "s2"), ==, "55");
  g_assert_cmpuint (chain_compiles (r, "s1"), ==, 1);
  run_free (r);
}

static void
test_rebuild_add_remove (void)
{
  Run *r = run_build ("seq from=1 to=20000 ! throttle rate=100000 ! broadcast name=b ! sum name=s  "
                      "b. ! count name=c");
  pb_error err = { PB_OK, "" };

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  step_until (r, "s", 2000);

  /* A new pipeline beside the running one: only it is compiled. */
  g_assert_cmpint (pb_pipeline_build_text (r->graph, "seq name=src2 to=5 ! sum name=new", &err), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, &err), ==, PB_OK);
  g_assert_cmpuint (chain_compiles (r, "new"), ==, 1);
  g_assert_cmpuint (chain_compiles (r, "s"), ==, 1);
  g_assert_cmpuint (chain_compiles (r, "b"), ==, 1);
  step_until (r, "s", 4000);

  /* A branch removed: the broadcast's chain changes, the sum's does not,
   * and nothing in flight to the sum is lost. */
  g_assert_cmpint (pb_graph_remove_process (r->graph, pb_graph_find_name (r->graph, "c")), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, &err), ==, PB_OK);
  g_assert_cmpuint (pb_engine_n_processes (r->engine), ==, 6);
  g_assert_cmpuint (chain_compiles (r, "b"), ==, 2);
  g_assert_cmpuint (chain_compiles (r, "s"), ==, 1);
  g_assert_cmpint (run_go (r), ==, PB_OK);
  g_assert_cmpstr (result_of (r, "s"), ==, "200010000");
  g_assert_cmpstr (result_of (r, "new"), ==, "15");
  g_assert_cmpuint (info_of (r, "b").items_in, ==, 20000);
  run_free (r);
}

static void
test_free_while_running (void)
{
  g_autofree char *path = tmp_path ("partial.txt");
  g_autofree char *text = g_strdup_printf ("seq to=1000000 ! throttle rate=20000 ! format ! file-out path='%s'", path);
  g_autofree char *contents = NULL;
  Run *r = run_build (text);
  gsize len;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  step_until (r, "file-out0", 100);
  g_assert_false (pb_engine_finished (r->engine));
  /* Freed before the end, the file is flushed and closed. */
  run_free (r);
  contents = read_file (path, &len);
  g_assert_cmpuint (len, >=, 100);
  g_assert_true (g_str_has_prefix (contents, "1\n2\n3\n"));
  g_assert_true (g_str_has_suffix (contents, "\n"));
}

/* A lenient build runs what is complete and sets the rest aside, waiting
 * with its problem; a strict one refuses it all. */
static void
test_lenient (void)
{
  Run *r = run_build ("seq to=10 ! sum name=s");
  pb_error err = { PB_OK, "" };
  pb_addr m, t;
  pb_process_info info;

  g_assert_cmpint (pb_pipeline_build_text (r->graph, "seq name=a to=3 ! map name=m expr=\"x\"", &err), ==, PB_OK);
  g_assert_cmpint (pb_graph_add_process (r->graph, 0, "no-such-kind", NULL), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, &err), ==, PB_ENOENT);
  g_assert_cmpuint (pb_engine_n_processes (r->engine), ==, 2);

  pb_engine_set_lenient (r->engine, true);
  g_assert_cmpint (pb_engine_build (r->engine, &err), ==, PB_ENOENT);
  g_assert_nonnull (strstr (err.message, "unknown kind"));
  g_assert_cmpuint (pb_engine_n_processes (r->engine), ==, 5);
  g_assert_cmpuint (pb_engine_n_chains (r->engine), ==, 1);
  info = info_of (r, "m");
  g_assert_cmpint (info.state, ==, PB_PROCESS_WAITING);
  g_assert_cmpuint (info.chain, ==, SIZE_MAX);
  g_assert_cmpstr (info.message, ==, "m: its output is not connected");
  g_assert_cmpstr (info_of (r, "a").message, ==, "waiting for m: its output is not connected");
  g_assert_cmpint (run_go (r), ==, PB_OK);
  g_assert_cmpstr (result_of (r, "s"), ==, "55");

  m = pb_graph_find_name (r->graph, "m");
  g_assert_cmpint (pb_graph_add_process (r->graph, 0, "sum", &t), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_name (r->graph, t, "t"), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (r->graph, pb_addr_with_port (m, 1), t), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, &err), ==, PB_ENOENT);
  g_assert_cmpint (run_go (r), ==, PB_OK);
  g_assert_cmpstr (result_of (r, "t"), ==, "6");
  g_assert_cmpstr (result_of (r, "s"), ==, "55");
  run_free (r);
}

/* Held, a failed chain's input waits in its ring for the fix, and not one
 * item is lost; by default it is dropped. */
static void
test_hold_failed_input (void)
{
  Run *r = run_build ("seq from=1 to=10000 ! map name=m expr=\"x\" ! broadcast name=b ! sum name=s  "
                      "b. ! map name=bad expr=\"x/(x-5000)\" ! count name=t");
  pb_addr bad = pb_graph_find_name (r->graph, "bad");
  pb_ring_info ring;
  bool held = false;

  g_assert_cmpint (r->build_rc, ==, PB_OK);
  pb_engine_set_hold_failed_input (r->engine, true);
  pb_engine_set_batch (r->engine, 1000);
  for (int i = 0; i < 100 && info_of (r, "bad").state != PB_PROCESS_FAILED; i++)
    pb_engine_step (r->engine);
  g_assert_cmpint (info_of (r, "bad").state, ==, PB_PROCESS_FAILED);
  for (int i = 0; i < 100; i++)
    pb_engine_step (r->engine);
  g_assert_false (pb_engine_finished (r->engine));
  for (size_t i = 0; i < pb_engine_n_rings (r->engine); i++)
    {
      g_assert_cmpint (pb_engine_ring_info (r->engine, i, &ring), ==, PB_OK);
      held |= pb_addr_process_of (ring.reader) == bad && ring.fill > 0;
    }
  g_assert_true (held);
  g_assert_cmpint (pb_engine_ring_info (r->engine, pb_engine_n_rings (r->engine), &ring), ==, PB_ENOENT);

  g_assert_cmpint (pb_graph_set_param (r->graph, bad, "expr", "x"), ==, PB_OK);
  g_assert_cmpint (pb_engine_build (r->engine, NULL), ==, PB_OK);
  g_assert_cmpint (run_go (r), ==, PB_OK);
  g_assert_cmpstr (result_of (r, "t"), ==, "10000");
  g_assert_cmpstr (result_of (r, "s"), ==, "50005000");
  run_free (r);
}

static void
test_empty_engine (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_engine *e = pb_engine_new (g);
  pb_process_info info;
  pb_chain_info chain;

  g_assert_false (pb_engine_step (e));
  g_assert_true (pb_engine_finished (e));
  g_assert_cmpint (pb_engine_build (e, NULL), ==, PB_OK);
  g_assert_cmpuint (pb_engine_n_processes (e), ==, 0);
  g_assert_cmpuint (pb_engine_n_chains (e), ==, 0);
  g_assert_cmpint (pb_engine_run (e, NULL), ==, PB_OK);
  g_assert_cmpint (pb_engine_process_info (e, 0, &info), ==, PB_ENOENT);
  g_assert_cmpint (pb_engine_chain_info (e, 0, &chain), ==, PB_ENOENT);
  g_assert_null (pb_engine_chain_source (e, 0));
  pb_engine_free (e);
  pb_engine_free (NULL);
  pb_graph_free (g);
}

/*
 * A chain longer than the generator nests is cut into chains joined by
 * rings: 25,000 stages used to overflow the stack in codegen (issue 11),
 * where nesting grew with the chain. 2,500 stages make three chains,
 * which is what this checks (more would only slow the sanitizer build,
 * whose string checks make tcc's parsing quadratic). The sum comes out
 * whole, and every stage counts every item.
 */
static void
test_long_chain (void)
{
  GString *text = g_string_new ("seq from=1 to=3000");
  Run *r;

  for (int i = 0; i < 2500; i++)
    g_string_append (text, i % 2 ? " ! pass" : " ! map expr=\"x+1\"");
  g_string_append (text, " ! sum name=total");
  r = run_ok (text->str);
  /* Each item gained 1,250: 3000 * 3001 / 2 + 3000 * 1250. */
  g_assert_cmpstr (result_of (r, "total"), ==, "8251500");
  g_assert_cmpuint (pb_engine_n_chains (r->engine), ==, 3);
  g_assert_cmpuint (info_of (r, "pass1249").items_in, ==, 3000);
  run_free (r);
  g_string_free (text, TRUE);
}

/* Every #line directive back to a chain's own text names the line that
 * follows it, so that a compile error in generated code points at it;
 * those after a c process's state text (expanded on its own) did not. */
static void
test_line_directives (void)
{
  Run *r = run_ok ("seq to=10 ! c name=k state=\"int a;\nint b;\nint c;\" "
                   "init=\"s->a = 1;\" code=\"s->b += x;\nemit (x);\" "
                   "finish=\"emit (s->b);\" max-emit=2 ! map expr=\"x+1\" ! sum name=total");
  size_t checked = 0;

  for (size_t i = 0; i < pb_engine_n_chains (r->engine); i++)
    {
      g_auto (GStrv) lines = g_strsplit (pb_engine_chain_source (r->engine, i), "\n", -1);

      for (size_t n = 0; lines[n] != NULL; n++)
        {
          unsigned long number;
          char file[64];

          if (sscanf (lines[n], "#line %lu \"%63[^\"]\"", &number, file) != 2
              || !g_str_has_prefix (file, "chain of "))
            continue;
          /* Line n + 1 (counting from 1) is the directive's: the next is n + 2. */
          g_assert_cmpuint (number, ==, n + 2);
          checked++;
        }
    }
  g_assert_cmpuint (checked, >, 4);
  g_assert_cmpstr (result_of (r, "total"), ==, "121");
  run_free (r);
}

/* The generated C of all chains of @r, in bytes. */
static size_t
source_bytes (Run *r)
{
  size_t total = 0;

  for (size_t i = 0; i < pb_engine_n_chains (r->engine); i++)
    total += strlen (pb_engine_chain_source (r->engine, i));
  return total;
}

/*
 * A stage whose finish emits (parse, at the end of a line cut short)
 * pastes the rest of its chain again, once more for each take upstream:
 * 200 `format ! parse` made 36 MB of C, and 40 `take ! format ! parse`
 * gigabytes. The code grows as the processes do, as for any chain.
 */
static void
test_long_chain_finishing (void)
{
  static const char *const units[] = { " ! format ! parse", " ! take n=100 ! format ! parse" };
  static const size_t counts[] = { 100, 20 };

  for (size_t i = 0; i < G_N_ELEMENTS (units); i++)
    {
      size_t bytes[2];

      for (size_t twice = 0; twice < 2; twice++)
        {
          GString *text = g_string_new ("seq from=1 to=10");
          Run *r;

          for (size_t k = 0; k < counts[i] * (twice + 1); k++)
            g_string_append (text, units[i]);
          g_string_append (text, " ! sum name=total");
          r = run_ok (text->str);
          bytes[twice] = source_bytes (r);
          g_test_message ("%zu times%s: %zu chains, %zu bytes of C", counts[i] * (twice + 1),
                          units[i], pb_engine_n_chains (r->engine), bytes[twice]);
          g_assert_cmpstr (result_of (r, "total"), ==, "55");
          run_free (r);
          g_string_free (text, TRUE);
        }
      g_assert_cmpuint (bytes[1], <, 3 * bytes[0]);
    }
}

/* A chain of @data's number of pass stages, fed by a ring, generated. */
static void *
generate_passes (void *data)
{
  size_t n = *(size_t *) data;
  pb_codegen_stage *stages = g_new0 (pb_codegen_stage, n);
  pb_codegen_layout layout;
  pb_codegen_chain chain = { stages, n, PB_ITEM_I64, 1, true, "chain of pass" };
  pb_error err = { PB_OK, "" };
  char *source = NULL;
  int rc;

  for (size_t k = 0; k < n; k++)
    {
      stages[k].kind = pb_kind_find ("pass");
      stages[k].name = "pass";
      stages[k].in_type = stages[k].out_type = PB_ITEM_I64;
    }
  rc = pb_codegen_chain_source (&chain, &source, &layout, &err);
  if (rc == PB_OK)
    {
      *(size_t *) data = strlen (source);
      pb_codegen_layout_clear (&layout, n);
    }
  free (source);
  g_free (stages);
  return GINT_TO_POINTER (rc);
}

/*
 * Generating a chain's code takes no stack per stage: 100,000 stages on a
 * thread of 128 KB, where the generator, which called itself three times
 * a stage, crashed at 300. (The engine still cuts chains at 1,024 stages,
 * for libtcc's parser, which recurses on the nested blocks.)
 */
static void
test_codegen_long_chain (void)
{
  size_t n = 100000;
  pthread_attr_t attr;
  pthread_t thread;
  void *rc = NULL;

  g_assert_cmpint (pthread_attr_init (&attr), ==, 0);
  g_assert_cmpint (pthread_attr_setstacksize (&attr, 128 * 1024), ==, 0);
  g_assert_cmpint (pthread_create (&thread, &attr, generate_passes, &n), ==, 0);
  g_assert_cmpint (pthread_join (thread, &rc), ==, 0);
  pthread_attr_destroy (&attr);
  g_assert_cmpint (GPOINTER_TO_INT (rc), ==, PB_OK);
  g_assert_cmpuint (n, >, 100000 * strlen ("{\n}\n"));
}

int
main (int   argc,
      char *argv[])
{
  GError *error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("pushback-engine-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/Pushback/Engine/lenient", test_lenient);
  g_test_add_func ("/Pushback/Engine/hold-failed-input", test_hold_failed_input);
  g_test_add_func ("/Pushback/Engine/seq", test_seq);
  g_test_add_func ("/Pushback/Engine/seq-f64", test_seq_f64);
  g_test_add_func ("/Pushback/Engine/seq-empty", test_seq_empty);
  g_test_add_func ("/Pushback/Engine/seq-extremes", test_seq_extremes);
  g_test_add_func ("/Pushback/Engine/seq-bad", test_seq_bad);
  g_test_add_func ("/Pushback/Engine/random", test_random);
  g_test_add_func ("/Pushback/Engine/random-uniform", test_random_uniform);
  g_test_add_func ("/Pushback/Engine/random-normal", test_random_normal);
  g_test_add_func ("/Pushback/Engine/file-round-trip", test_file_round_trip);
  g_test_add_func ("/Pushback/Engine/file-text", test_file_text);
  g_test_add_func ("/Pushback/Engine/file-empty", test_file_empty);
  g_test_add_func ("/Pushback/Engine/file-missing", test_file_missing);
  g_test_add_func ("/Pushback/Engine/clock", test_clock);
  g_test_add_func ("/Pushback/Engine/map", test_map);
  g_test_add_func ("/Pushback/Engine/map-u8", test_map_u8);
  g_test_add_func ("/Pushback/Engine/filter", test_filter);
  g_test_add_func ("/Pushback/Engine/take", test_take);
  g_test_add_func ("/Pushback/Engine/skip", test_skip);
  g_test_add_func ("/Pushback/Engine/accumulate", test_accumulate);
  g_test_add_func ("/Pushback/Engine/window-mean", test_window_mean);
  g_test_add_func ("/Pushback/Engine/throttle", test_throttle);
  g_test_add_func ("/Pushback/Engine/cast", test_cast);
  g_test_add_func ("/Pushback/Engine/parse", test_parse);
  g_test_add_func ("/Pushback/Engine/format", test_format);
  g_test_add_func ("/Pushback/Engine/pass", test_pass);
  g_test_add_func ("/Pushback/Engine/broadcast", test_broadcast);
  g_test_add_func ("/Pushback/Engine/round-robin", test_round_robin);
  g_test_add_func ("/Pushback/Engine/merge", test_merge);
  g_test_add_func ("/Pushback/Engine/fan-combinations", test_fan_combinations);
  g_test_add_func ("/Pushback/Engine/end-of-stream-routing", test_end_of_stream_routing);
  g_test_add_func ("/Pushback/Engine/take-after-broadcast", test_take_after_broadcast);
  g_test_add_func ("/Pushback/Engine/take-ends-infinite", test_take_ends_infinite);
  g_test_add_func ("/Pushback/Engine/sinks", test_sinks);
  g_test_add_func ("/Pushback/Engine/c-emit", test_c_emit);
  g_test_add_func ("/Pushback/Engine/c-max-emit", test_c_max_emit);
  g_test_add_func ("/Pushback/Engine/c-sink", test_c_sink);
  g_test_add_func ("/Pushback/Engine/c-state", test_c_state);
  g_test_add_func ("/Pushback/Engine/counters", test_counters);
  g_test_add_func ("/Pushback/Engine/chains-and-source", test_chains_and_source);
  g_test_add_func ("/Pushback/Engine/line-directives", test_line_directives);
  g_test_add_func ("/Pushback/Engine/break-inlining", test_break_inlining);
  g_test_add_func ("/Pushback/Engine/break-inlining-keeps", test_break_inlining_keeps);
  g_test_add_func ("/Pushback/Engine/errors-pipeline", test_errors_pipeline);
  g_test_add_func ("/Pushback/Engine/errors-topology", test_errors_topology);
  g_test_add_func ("/Pushback/Engine/errors-graph", test_errors_graph);
  g_test_add_func ("/Pushback/Engine/cycle", test_cycle);
  g_test_add_func ("/Pushback/Engine/compile-errors", test_compile_errors);
  g_test_add_func ("/Pushback/Engine/fault-division", test_fault_division);
  g_test_add_func ("/Pushback/Engine/refused-calls", test_refused_calls);
  g_test_add_func ("/Pushback/Engine/chain-shares", test_chain_shares);
  g_test_add_func ("/Pushback/Engine/state-overrun", test_state_overrun);
  g_test_add_func ("/Pushback/Engine/fault-segv", test_fault_segv);
  g_test_add_func ("/Pushback/Engine/time-limit", test_time_limit);
  g_test_add_func ("/Pushback/Engine/backpressure", test_backpressure);
  g_test_add_func ("/Pushback/Engine/rebuild-keeps-state", test_rebuild_keeps_state);
  g_test_add_func ("/Pushback/Engine/rebuild-sum-in-touched-chain", test_rebuild_sum_in_touched_chain);
  g_test_add_func ("/Pushback/Engine/rebuild-unchanged", test_rebuild_unchanged);
  g_test_add_func ("/Pushback/Engine/rebuild-through-typo", test_rebuild_through_typo);
  g_test_add_func ("/Pushback/Engine/rebuild-after-end", test_rebuild_after_end);
  g_test_add_func ("/Pushback/Engine/rebuild-after-failure", test_rebuild_after_failure);
  g_test_add_func ("/Pushback/Engine/rebuild-add-remove", test_rebuild_add_remove);
  g_test_add_func ("/Pushback/Engine/free-while-running", test_free_while_running);
  g_test_add_func ("/Pushback/Engine/empty-engine", test_empty_engine);
  g_test_add_func ("/Pushback/Engine/twins", test_twins);
  g_test_add_func ("/Pushback/Engine/long-chain", test_long_chain);
  g_test_add_func ("/Pushback/Engine/long-chain-finishing", test_long_chain_finishing);
  g_test_add_func ("/Pushback/Engine/codegen-long-chain", test_codegen_long_chain);

  status = g_test_run ();

  {
    GDir *dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = tmp_path (name);

        g_unlink (path);
      }
    if (dir != NULL)
      g_dir_close (dir);
    g_rmdir (tmpdir);
    g_free (tmpdir);
  }
  return status;
}
