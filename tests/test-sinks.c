/* test-sinks.c — what sinks show live: pb_snapshot_sink()
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <pushback/pushback.h>

/* No test may hang: past this the program dies of SIGALRM. */
#define WATCHDOG_S 60
#define SECOND UINT64_C (1000000000)

static pb_runner *
runner_of_text (const char *text)
{
  pb_graph *g = pb_graph_new (0);
  pb_error err = { PB_OK, "" };
  pb_runner *r;

  g_assert_nonnull (g);
  if (pb_pipeline_build_text (g, text, &err) != PB_OK)
    g_error ("pipeline '%s': %s", text, err.message);
  r = pb_runner_new (g);
  g_assert_nonnull (r);
  return r;
}

static pb_addr
addr_of (pb_runner  *r,
         const char *name)
{
  const pb_graph *g = pb_runner_lock_graph (r);
  pb_addr a = pb_graph_find_name (g, name);

  pb_runner_unlock_graph (r);
  g_assert_cmpuint (a, !=, 0);
  return a;
}

/* Runs @text to its end; print's output goes to /dev/null, since standard
 * output carries the TAP stream. */
static pb_runner *
run_to_end (const char *text)
{
  pb_runner *r = runner_of_text (text);
  pb_error err = { PB_OK, "" };
  int saved = dup (STDOUT_FILENO);
  int null = open ("/dev/null", O_WRONLY);

  g_assert_cmpint (saved, >=, 0);
  g_assert_cmpint (null, >=, 0);
  fflush (stdout);
  dup2 (null, STDOUT_FILENO);
  g_assert_cmpint (pb_runner_start (r, &err), ==, PB_OK);
  g_assert_cmpint (pb_runner_wait (r, 20 * SECOND, &err), ==, PB_OK);
  fflush (stdout);
  dup2 (saved, STDOUT_FILENO);
  close (saved);
  close (null);
  return r;
}

/* The value of sink @name in @s. */
static pb_sink_value
sink_in (pb_runner         *r,
         const pb_snapshot *s,
         const char        *name)
{
  long i = pb_snapshot_find_process (s, addr_of (r, name));
  pb_sink_value value;

  g_assert_cmpint (i, >=, 0);
  g_assert_cmpint (pb_snapshot_sink (s, (size_t) i, &value), ==, PB_OK);
  return value;
}

static void
test_scalars (void)
{
  pb_runner *r = run_to_end ("seq to=1000 ! broadcast name=b ! count name=c "
                             "b.out[1] ! sum name=s "
                             "b.out[2] ! cast to=f64 ! sum name=fs");
  pb_snapshot *s = pb_runner_snapshot (r);
  pb_sink_value v;

  v = sink_in (r, s, "c");
  g_assert_cmpint (v.display, ==, PB_SINK_SCALAR);
  g_assert_cmpint (v.type, ==, PB_ITEM_I64);
  g_assert_cmpint (v.count, ==, 1000);
  g_assert_cmpint (v.i64, ==, 1000);

  v = sink_in (r, s, "s");
  g_assert_cmpint (v.display, ==, PB_SINK_SCALAR);
  g_assert_cmpint (v.type, ==, PB_ITEM_I64);
  g_assert_cmpint (v.i64, ==, 500500);
  g_assert_cmpfloat (v.f64, ==, 500500.0);

  v = sink_in (r, s, "fs");
  g_assert_cmpint (v.type, ==, PB_ITEM_F64);
  g_assert_cmpint (v.i64, ==, 0);
  g_assert_cmpfloat (v.f64, ==, 500500.0);

  /* A transform shows nothing, and an index past the end is refused. */
  g_assert_cmpint (pb_snapshot_sink (s, (size_t) pb_snapshot_find_process (s, addr_of (r, "b")), &v),
                   ==, PB_ENOENT);
  g_assert_cmpint (v.display, ==, PB_SINK_NONE);
  g_assert_cmpint (pb_snapshot_sink (s, pb_snapshot_n_processes (s), &v), ==, PB_ENOENT);
  pb_snapshot_free (s);
  pb_runner_free (r);
}

static void
test_stats (void)
{
  pb_runner *r = run_to_end ("seq from=-5 to=10 ! stats name=st");
  pb_snapshot *s = pb_runner_snapshot (r);
  pb_sink_value v = sink_in (r, s, "st");

  g_assert_cmpint (v.display, ==, PB_SINK_STATS);
  g_assert_cmpint (v.count, ==, 16);
  g_assert_cmpfloat (v.min, ==, -5);
  g_assert_cmpfloat (v.max, ==, 10);
  g_assert_cmpfloat (v.mean, ==, 2.5);
  pb_snapshot_free (s);
  pb_runner_free (r);
}

/* A scope keeps its last n values, oldest first, also once the ring has
 * turned over many times; and fewer while it has seen fewer. */
static void
test_scope_keeps_last (void)
{
  pb_runner *r = run_to_end ("seq to=1003 ! broadcast name=b ! scope name=full n=10 "
                             "b.out[1] ! take n=3 ! scope name=few n=10 "
                             "b.out[2] ! cast to=f64 ! map expr=\"-x / 2\" ! scope name=neg");
  pb_snapshot *s = pb_runner_snapshot (r);
  pb_sink_value v = sink_in (r, s, "full");

  g_assert_cmpint (v.display, ==, PB_SINK_SERIES);
  g_assert_cmpint (v.type, ==, PB_ITEM_I64);
  g_assert_cmpint (v.count, ==, 1003);
  g_assert_cmpuint (v.capacity, ==, 10);
  g_assert_cmpuint (v.n_values, ==, 10);
  for (size_t k = 0; k < v.n_values; k++)
    g_assert_cmpfloat (v.values[k], ==, 994 + k);
  g_assert_cmpfloat (v.min, ==, 994);
  g_assert_cmpfloat (v.max, ==, 1003);
  g_assert_cmpfloat (v.mean, ==, 998.5);

  v = sink_in (r, s, "few");
  g_assert_cmpint (v.count, ==, 3);
  g_assert_cmpuint (v.n_values, ==, 3);
  for (size_t k = 0; k < v.n_values; k++)
    g_assert_cmpfloat (v.values[k], ==, 1 + k);

  /* The default keeps 200. */
  v = sink_in (r, s, "neg");
  g_assert_cmpint (v.type, ==, PB_ITEM_F64);
  g_assert_cmpuint (v.capacity, ==, 200);
  g_assert_cmpuint (v.n_values, ==, 200);
  g_assert_cmpfloat (v.values[0], ==, -804 / 2.0);
  g_assert_cmpfloat (v.values[199], ==, -1003 / 2.0);
  g_assert_cmpfloat (v.min, ==, -1003 / 2.0);
  pb_snapshot_free (s);
  pb_runner_free (r);
}

static void
test_print_lines (void)
{
  pb_runner *r = run_to_end ("seq to=7 ! broadcast name=b ! print name=nums "
                             "b.out[1] ! cast to=f64 ! map expr=\"x / 4\" ! print name=floats "
                             "b.out[2] ! format ! print name=two");
  pb_snapshot *s = pb_runner_snapshot (r);
  pb_sink_value v = sink_in (r, s, "nums");

  g_assert_cmpint (v.display, ==, PB_SINK_LINES);
  g_assert_cmpint (v.count, ==, 7);
  g_assert_cmpuint (v.n_lines, ==, PB_SINK_LINES_MAX);
  g_assert_cmpstr (v.lines[0], ==, "4");
  g_assert_cmpstr (v.lines[3], ==, "7");

  v = sink_in (r, s, "floats");
  g_assert_cmpstr (v.lines[0], ==, "1");
  g_assert_cmpstr (v.lines[3], ==, "1.75");

  v = sink_in (r, s, "two");
  g_assert_cmpint (v.type, ==, PB_ITEM_U8);
  g_assert_cmpuint (v.n_lines, ==, 4);
  g_assert_cmpstr (v.lines[0], ==, "4");
  g_assert_cmpstr (v.lines[3], ==, "7");
  pb_snapshot_free (s);
  pb_runner_free (r);

  /* Text that outgrew the ring: its last lines, whole. */
  r = run_to_end ("seq to=100000 ! format ! print name=text");
  s = pb_runner_snapshot (r);
  v = sink_in (r, s, "text");
  g_assert_cmpuint (v.n_lines, ==, 4);
  g_assert_cmpstr (v.lines[0], ==, "99997");
  g_assert_cmpstr (v.lines[3], ==, "100000");
  pb_snapshot_free (s);
  pb_runner_free (r);
}

/* While it runs, each snapshot's copy agrees with itself: the values are
 * consecutive and the last is the count, as seq gives 1, 2, 3... */
static void
test_scope_live (void)
{
  pb_runner *r = runner_of_text ("seq to=1000000000000 ! throttle rate=200000 ! scope name=sc n=50");
  pb_error err = { PB_OK, "" };
  pb_addr sc = addr_of (r, "sc");
  int64_t seen = 0;
  int rounds = 0;

  g_assert_cmpint (pb_runner_start (r, &err), ==, PB_OK);
  while (rounds < 20)
    {
      pb_snapshot *s = pb_runner_snapshot (r);
      long i = pb_snapshot_find_process (s, sc);
      pb_sink_value v;

      if (i >= 0 && pb_snapshot_sink (s, (size_t) i, &v) == PB_OK && v.count > 50)
        {
          g_assert_cmpuint (v.n_values, ==, 50);
          g_assert_cmpfloat (v.values[49], ==, (double) v.count);
          for (size_t k = 1; k < v.n_values; k++)
            g_assert_cmpfloat (v.values[k], ==, v.values[k - 1] + 1);
          g_assert_cmpint (v.count, >=, seen);
          if (v.count > seen)
            rounds++;
          seen = v.count;
        }
      pb_snapshot_free (s);
      g_usleep (2000);
    }
  pb_runner_free (r);
}

/* A waiting sink and a stopped runner's empty snapshot show nothing. */
static void
test_nothing_to_show (void)
{
  pb_runner *r = runner_of_text ("scope name=lonely");
  pb_error err = { PB_OK, "" };
  pb_snapshot *s;
  pb_sink_value v;
  long i;

  s = pb_runner_snapshot (r);
  g_assert_cmpint (pb_snapshot_sink (s, 0, &v), ==, PB_ENOENT);
  pb_snapshot_free (s);

  g_assert_cmpint (pb_runner_start (r, &err), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  s = pb_runner_snapshot (r);
  i = pb_snapshot_find_process (s, addr_of (r, "lonely"));
  g_assert_cmpint (i, >=, 0);
  g_assert_cmpint (pb_snapshot_sink (s, (size_t) i, &v), ==, PB_ENOENT);
  g_assert_cmpint (v.display, ==, PB_SINK_NONE);
  pb_snapshot_free (s);
  pb_runner_free (r);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  alarm (WATCHDOG_S);

  g_test_add_func ("/Pushback/Sinks/scalars", test_scalars);
  g_test_add_func ("/Pushback/Sinks/stats", test_stats);
  g_test_add_func ("/Pushback/Sinks/scope-keeps-last", test_scope_keeps_last);
  g_test_add_func ("/Pushback/Sinks/print-lines", test_print_lines);
  g_test_add_func ("/Pushback/Sinks/scope-live", test_scope_live);
  g_test_add_func ("/Pushback/Sinks/nothing-to-show", test_nothing_to_show);

  return g_test_run ();
}
