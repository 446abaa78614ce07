/* test-guard.c — faults and time-outs turned into errors
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>
#include <pushback/pushback.h>

#include "guard.h"
#include "jit.h"

/* The faults below are on purpose: UBSan would report them (and then let
 * them happen) before the guard sees them. */
#define DELIBERATE_FAULT __attribute__ ((no_sanitize ("undefined"), noinline))

/* The real-time signal guard.h documents for the timer. */
#define GUARD_TIMER_SIGNAL (SIGRTMIN + 4)

static int
return_data (void *data)
{
  return *(int *) data;
}

DELIBERATE_FAULT static int
read_address (void *data)
{
  int *volatile p = data;

  return *p;
}

DELIBERATE_FAULT static int
divide_by_zero (void *data)
{
  volatile int a = 1;
  volatile int b = 0;

  return a / b;
}

DELIBERATE_FAULT static int
trap (void *data)
{
  __builtin_trap ();
}

/* Reads a page that a file of size zero backs. */
DELIBERATE_FAULT static int
read_past_end_of_file (void *data)
{
  volatile int *page = data;

  return page[0];
}

static int
spin_forever (void *data)
{
  volatile unsigned long n = 0;

  for (;;)
    n++;
  return (int) n;
}

DELIBERATE_FAULT static int
recurse (int depth)
{
  volatile char frame[1024];

  /* The bound is never reached; it keeps gcc from calling this infinite. */
  if (depth > 100000000)
    return 0;
  frame[0] = (char) depth;
  return recurse (depth + 1) + frame[0];
}

static int
overflow_stack (void *data)
{
  return recurse (0);
}

static int
spin_for (void *data)
{
  gint64 until = g_get_monotonic_time () + *(gint64 *) data;

  while (g_get_monotonic_time () < until)
    ;
  return 1;
}

/* After any failure, the thread's next guarded calls must work, with and
 * without a limit. */
static void
assert_guard_works (void)
{
  int value = 1234;
  int result = 0;
  pb_error err;

  pb_error_clear (&err);
  g_assert_cmpint (pb_guard_call (return_data, &value, 0, &result, &err), ==, PB_OK);
  g_assert_cmpint (result, ==, 1234);
  g_assert_cmpint (err.code, ==, PB_OK);
  result = 0;
  g_assert_cmpint (pb_guard_call (return_data, &value, 1000000000, &result, &err), ==, PB_OK);
  g_assert_cmpint (result, ==, 1234);
}

/* Runs @fn guarded and checks that it failed with a message starting with
 * @prefix. */
static void
assert_fails (pb_guard_fn  fn,
              void        *data,
              uint64_t     limit_ns,
              const char  *prefix)
{
  int result = -1;
  pb_error err;

  pb_error_clear (&err);
  g_assert_cmpint (pb_guard_call (fn, data, limit_ns, &result, &err), ==, PB_EFAILED);
  g_assert_cmpint (err.code, ==, PB_EFAILED);
  g_assert_cmpint (result, ==, -1);
  g_test_message ("%s", err.message);
  if (!g_str_has_prefix (err.message, prefix))
    g_assert_cmpstr (err.message, ==, prefix);
  assert_guard_works ();
}

static void
test_guard_normal (void)
{
  assert_guard_works ();
  assert_guard_works ();
}

static void
test_guard_null (void)
{
  assert_fails (read_address, NULL, 0,
                "segmentation fault (invalid memory access at 0x0)");
  assert_fails (read_address, (void *) 0x10, 0,
                "segmentation fault (invalid memory access at 0x10)");
  /* Faults with a time limit armed leave no timer behind. */
  assert_fails (read_address, NULL, 1000000000,
                "segmentation fault (invalid memory access at 0x0)");
}

static void
test_guard_division (void)
{
  assert_fails (divide_by_zero, NULL, 0, "arithmetic fault (integer division by zero)");
}

static void
test_guard_illegal_instruction (void)
{
  assert_fails (trap, NULL, 0, "illegal instruction (at 0x");
}

static void
test_guard_bus_error (void)
{
  int fd = memfd_create ("empty", 0);
  long page_size = sysconf (_SC_PAGESIZE);
  void *page;

  g_assert_cmpint (fd, >=, 0);
  page = mmap (NULL, (size_t) page_size, PROT_READ, MAP_SHARED, fd, 0);
  g_assert_true (page != MAP_FAILED);
  assert_fails (read_past_end_of_file, page, 0, "bus error (invalid memory access at 0x");
  munmap (page, (size_t) page_size);
  close (fd);
}

static void
test_guard_time_limit (void)
{
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  assert_fails (spin_forever, NULL, 50 * 1000000, "ran for longer than 50 ms");
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("stopped after %.1f ms", elapsed / 1e3);
  g_assert_cmpint (elapsed, >=, 50 * 1000);
  g_assert_cmpint (elapsed, <, 150 * 1000);

  assert_fails (spin_forever, NULL, 2500000, "ran for longer than 2.500 ms");
}

static void
test_guard_stack_overflow (void)
{
  assert_fails (overflow_stack, NULL, 0, "segmentation fault (invalid memory access at 0x");
  assert_fails (overflow_stack, NULL, 0, "segmentation fault (invalid memory access at 0x");
}

static int
call_nested (void *data)
{
  pb_error *inner = data;
  int value = 5;
  int result = 0;

  return pb_guard_call (return_data, &value, 0, &result, inner);
}

static void
test_guard_nested (void)
{
  pb_error inner;
  int result = 0;

  pb_error_clear (&inner);
  g_assert_cmpint (pb_guard_call (call_nested, &inner, 1000000000, &result, NULL), ==, PB_OK);
  g_assert_cmpint (result, ==, PB_EDEADLK);
  g_assert_cmpint (inner.code, ==, PB_EDEADLK);
  g_assert_cmpstr (inner.message, !=, "");
  assert_guard_works ();
}

static void
test_guard_jit (void)
{
  static const char source[] =
    "#line 1 \"faulty\"\n"
    "int twice (void *data)\n"
    "{\n"
    "  return *(int *) data * 2;\n"
    "}\n"
    "int deref (void *data)\n"
    "{\n"
    "  int *p = 0;\n"
    "  return *p;\n"
    "}\n"
    "int divide (void *data)\n"
    "{\n"
    "  return 100 / *(int *) data;\n"
    "}\n"
    "int loop (void *data)\n"
    "{\n"
    "  volatile int n = 0;\n"
    "  for (;;)\n"
    "    n++;\n"
    "  return n;\n"
    "}\n";
  pb_jit_unit *unit = NULL;
  pb_error err;
  int zero = 0;
  int ten = 10;
  int result = 0;

  pb_error_clear (&err);
  g_assert_cmpint (pb_jit_compile (source, NULL, 0, &unit, &err), ==, PB_OK);
  g_assert_cmpint (pb_guard_call ((pb_guard_fn) pb_jit_unit_symbol (unit, "twice"), &ten,
                                  1000000000, &result, &err), ==, PB_OK);
  g_assert_cmpint (result, ==, 20);
  assert_fails ((pb_guard_fn) pb_jit_unit_symbol (unit, "deref"), NULL, 0,
                "segmentation fault (invalid memory access at 0x0)");
  assert_fails ((pb_guard_fn) pb_jit_unit_symbol (unit, "divide"), &zero, 0,
                "arithmetic fault (integer division by zero)");
  assert_fails ((pb_guard_fn) pb_jit_unit_symbol (unit, "loop"), NULL, 20 * 1000000,
                "ran for longer than 20 ms");
  pb_jit_unit_unref (unit);
}

static gpointer
guard_repeatedly (gpointer data)
{
  int *failures = data;
  int value = 77;
  int i;

  for (i = 0; i < 20; i++)
    {
      int result = 0;
      pb_error err;

      if (pb_guard_call (return_data, &value, 1000000000, &result, NULL) != PB_OK
          || result != value)
        (*failures)++;
      if (pb_guard_call (read_address, NULL, 1000000000, &result, &err) != PB_EFAILED
          || !g_str_has_prefix (err.message, "segmentation fault"))
        (*failures)++;
      if (pb_guard_call (divide_by_zero, NULL, 0, &result, &err) != PB_EFAILED
          || strstr (err.message, "division by zero") == NULL)
        (*failures)++;
      if (pb_guard_call (spin_forever, NULL, 5 * 1000000, &result, &err) != PB_EFAILED
          || strcmp (err.message, "ran for longer than 5 ms") != 0)
        (*failures)++;
    }
  return NULL;
}

static void
test_guard_threads (void)
{
  int failures[2] = { 0, 0 };
  GThread *threads[2];
  int i;

  for (i = 0; i < 2; i++)
    threads[i] = g_thread_new ("guard", guard_repeatedly, &failures[i]);
  for (i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  g_assert_cmpint (failures[0], ==, 0);
  g_assert_cmpint (failures[1], ==, 0);
  assert_guard_works ();
}

static gpointer
guard_with_signals_blocked (gpointer data)
{
  sigset_t all;

  /* As GLib's worker threads start. */
  sigfillset (&all);
  pthread_sigmask (SIG_BLOCK, &all, NULL);
  assert_fails (divide_by_zero, NULL, 0, "arithmetic fault (integer division by zero)");
  assert_fails (spin_forever, NULL, 5 * 1000000, "ran for longer than 5 ms");
  return data;
}

static void
test_guard_blocked_signals (void)
{
  g_thread_join (g_thread_new ("blocked", guard_with_signals_blocked, NULL));
}

static void
test_guard_no_late_timer (void)
{
  sigset_t timer_only, pending;
  gboolean conclusive = FALSE;
  int timed_out = 0;
  int returned = 0;
  int round, i;

  /* A call that ends just as its limit expires races the timer: either
   * outcome is right, but the timer must be dead once the call returns. */
  for (i = 0; i < 300; i++)
    {
      gint64 spin_us = 60 + i % 80;
      int result = 0;
      int rc = pb_guard_call (spin_for, &spin_us, 100 * 1000, &result, NULL);

      g_assert_true (rc == PB_OK || rc == PB_EFAILED);
      if (rc == PB_OK)
        returned++;
      else
        timed_out++;
    }
  g_test_message ("at the limit: %d returned, %d timed out", returned, timed_out);

  for (i = 0; i < 300; i++)
    assert_guard_works ();

  /* Block the timer's signal, wait well past the limit, and look for one
   * the kernel would still have sent. Blocked, an expiry during a call
   * would stay pending too; a round where a call took as long as the
   * limit (a loaded machine) proves nothing and is run again. */
  sigemptyset (&timer_only);
  sigaddset (&timer_only, GUARD_TIMER_SIGNAL);
  for (round = 0; round < 10 && !conclusive; round++)
    {
      gint64 slowest = 0;

      g_assert_cmpint (pthread_sigmask (SIG_BLOCK, &timer_only, NULL), ==, 0);
      for (i = 0; i < 100; i++)
        {
          gint64 start = g_get_monotonic_time ();
          int result = 0;

          /* A limit of 5 ms on calls that take a microsecond. */
          g_assert_cmpint (pb_guard_call (return_data, &i, 5 * 1000000, &result, NULL), ==, PB_OK);
          slowest = MAX (slowest, g_get_monotonic_time () - start);
        }
      g_usleep (30 * 1000);
      g_assert_cmpint (sigpending (&pending), ==, 0);
      conclusive = slowest < 5 * 1000;
      if (conclusive)
        g_assert_false (sigismember (&pending, GUARD_TIMER_SIGNAL));
      /* A pending expiry, delivered now outside any call, is ignored. */
      g_assert_cmpint (pthread_sigmask (SIG_UNBLOCK, &timer_only, NULL), ==, 0);
    }
  if (!conclusive)
    g_test_incomplete ("every round had a call as slow as its limit");
  assert_guard_works ();
}

static void
test_guard_fault_outside (void)
{
  /* A fault outside any guarded call goes to the handler that was there
   * before (ASan's, or the default action): the process dies as without
   * the guard. */
  if (g_test_subprocess ())
    {
      assert_guard_works ();
      read_address (NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

static void
test_guard_cost (void)
{
  enum { N = 20000 };
  int value = 1;
  int result = 0;
  gint64 start;
  double plain_ns, limited_ns;
  int i;

  start = g_get_monotonic_time ();
  for (i = 0; i < N; i++)
    pb_guard_call (return_data, &value, 0, &result, NULL);
  plain_ns = (g_get_monotonic_time () - start) * 1e3 / N;

  start = g_get_monotonic_time ();
  for (i = 0; i < N; i++)
    pb_guard_call (return_data, &value, 1000000000, &result, NULL);
  limited_ns = (g_get_monotonic_time () - start) * 1e3 / N;

  g_test_message ("guarded call: %.0f ns without a limit, %.0f ns with one",
                  plain_ns, limited_ns);
  g_assert_cmpint (result, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/guard/normal", test_guard_normal);
  g_test_add_func ("/guard/null", test_guard_null);
  g_test_add_func ("/guard/division", test_guard_division);
  g_test_add_func ("/guard/illegal-instruction", test_guard_illegal_instruction);
  g_test_add_func ("/guard/bus-error", test_guard_bus_error);
  g_test_add_func ("/guard/time-limit", test_guard_time_limit);
  g_test_add_func ("/guard/stack-overflow", test_guard_stack_overflow);
  g_test_add_func ("/guard/nested", test_guard_nested);
  g_test_add_func ("/guard/jit", test_guard_jit);
  g_test_add_func ("/guard/threads", test_guard_threads);
  g_test_add_func ("/guard/blocked-signals", test_guard_blocked_signals);
  g_test_add_func ("/guard/no-late-timer", test_guard_no_late_timer);
  g_test_add_func ("/guard/fault-outside", test_guard_fault_outside);
  g_test_add_func ("/guard/cost", test_guard_cost);

  return g_test_run ();
}
