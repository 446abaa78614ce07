/* test-mux.c — the resource scheduler of micro-processes
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <malloc.h>
#include <string.h>

#include <glib.h>
#include <pushback/pushback.h>

/*
 * A process of the tests: its body records its pid in a shared log, then
 * does what its fields say, in this order.
 */
typedef struct
{
  pb_mux        *m;
  GArray        *log;               /* guint32 pids, in the order bodies ran */
  guint32        pid;
  guint          calls;
  guint32        clear_avail;       /* a resource to clear, if has_clear */
  gboolean       has_clear;
  guint32        set_avail;         /* a resource to set, if has_set */
  gboolean       has_set;
  guint32        set_error;         /* an error bit to set, if has_set_error */
  gboolean       has_set_error;
  guint32        remove_pid;        /* a process to remove, if has_remove */
  gboolean       has_remove;
  int            remove_result;
  gboolean       remove_self;
  gpointer       add;               /* a TestProc to add once, on add_deps */
  const guint32 *add_deps;
  gsize          n_add_deps;
  int            add_result;
  gboolean       step_inside;       /* whether to call pb_mux_step() */
  gsize          inner_step_result;
  gulong         spin_us;           /* busy time, for the counters */
  int            ret;
  int            fail_on_call;      /* if not 0, return ret on this call only */
} TestProc;

static int test_body (void *data);

static void
test_proc_init (TestProc *p,
                pb_mux   *m,
                GArray   *log)
{
  memset (p, 0, sizeof *p);
  p->m = m;
  p->log = log;
  p->pid = G_MAXUINT32;
}

/* Adds @p on @deps and checks the pid it gets. */
static void
add_proc (TestProc      *p,
          const guint32 *deps,
          gsize          n_deps,
          guint32        expected_pid)
{
  guint32 pid = G_MAXUINT32;

  g_assert_cmpint (pb_mux_when (p->m, deps, n_deps, test_body, p, &pid), ==, PB_OK);
  g_assert_cmpuint (pid, ==, expected_pid);
  p->pid = pid;
}

static int
test_body (void *data)
{
  TestProc *p = data;

  g_array_append_val (p->log, p->pid);
  p->calls++;
  if (p->spin_us > 0)
    {
      gint64 end = g_get_monotonic_time () + (gint64) p->spin_us;

      while (g_get_monotonic_time () < end)
        ;
    }
  if (p->has_clear)
    pb_mux_set_avail (p->m, p->clear_avail, FALSE);
  if (p->has_set)
    pb_mux_set_avail (p->m, p->set_avail, TRUE);
  if (p->has_set_error)
    pb_mux_set_error (p->m, p->set_error, TRUE);
  if (p->has_remove)
    p->remove_result = pb_mux_remove (p->m, p->remove_pid);
  if (p->remove_self)
    g_assert_cmpint (pb_mux_remove (p->m, p->pid), ==, PB_OK);
  if (p->add != NULL)
    {
      TestProc *child = p->add;
      guint32 pid = G_MAXUINT32;

      p->add_result = pb_mux_when (p->m, p->add_deps, p->n_add_deps,
                                   test_body, child, &pid);
      child->pid = pid;
      p->add = NULL;
    }
  if (p->step_inside)
    p->inner_step_result = pb_mux_step (p->m);
  if (p->fail_on_call != 0)
    return p->calls == (guint) p->fail_on_call ? p->ret : 0;
  return p->ret;
}

static void
assert_log (GArray        *log,
            const guint32 *expected,
            gsize          n)
{
  g_assert_cmpuint (log->len, ==, n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (log, guint32, i), ==, expected[i]);
  g_array_set_size (log, 0);
}

/* Bytes the allocator has handed out, mapped blocks included. */
static gsize
allocated_bytes (void)
{
  struct mallinfo2 mi = mallinfo2 ();

  return mi.uordblks + mi.hblkhd;
}

static void
test_mux_new_free (void)
{
  pb_mux *m = pb_mux_new ();

  g_assert_nonnull (m);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 0);
  g_assert_false (pb_mux_get_avail (m, 0));
  g_assert_false (pb_mux_get_error (m, 0));
  g_assert_false (pb_mux_get_avail (m, G_MAXUINT32));
  g_assert_cmpuint (pb_mux_step (m), ==, 0);
  pb_mux_free (m);
  pb_mux_free (NULL);
}

static void
test_mux_when_invalid (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint32 deps[] = { 1 };
  guint32 pid = 77;
  TestProc p;

  test_proc_init (&p, m, log);
  g_assert_cmpint (pb_mux_when (m, deps, 0, test_body, &p, &pid), ==, PB_EINVAL);
  g_assert_cmpint (pb_mux_when (m, NULL, 0, test_body, &p, &pid), ==, PB_EINVAL);
  g_assert_cmpint (pb_mux_when (m, deps, 1, NULL, &p, &pid), ==, PB_EINVAL);
  g_assert_cmpuint (pid, ==, 77);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 0);

  /* The pid is optional. */
  g_assert_cmpint (pb_mux_when (m, deps, 1, test_body, &p, NULL), ==, PB_OK);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 1);
  p.pid = 0;
  pb_mux_set_avail (m, 1, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 1);
  assert_log (log, (const guint32[]) { 0 }, 1);

  pb_mux_free (m);
  g_array_unref (log);
}

static void
test_mux_pid_reuse (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint32 deps[] = { 3 };
  TestProc p[8];

  for (guint i = 0; i < G_N_ELEMENTS (p); i++)
    test_proc_init (&p[i], m, log);
  for (guint i = 0; i < 4; i++)
    add_proc (&p[i], deps, 1, i);

  /* The lowest free pid comes first, whatever the order of removal. */
  g_assert_cmpint (pb_mux_remove (m, 2), ==, PB_OK);
  g_assert_cmpint (pb_mux_remove (m, 1), ==, PB_OK);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 2);
  add_proc (&p[4], deps, 1, 1);
  add_proc (&p[5], deps, 1, 2);
  add_proc (&p[6], deps, 1, 4);
  g_assert_cmpint (pb_mux_remove (m, 0), ==, PB_OK);
  add_proc (&p[7], deps, 1, 0);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 5);

  /* Removing what is not there fails, and changes nothing. */
  g_assert_cmpint (pb_mux_remove (m, 5), ==, PB_ENOENT);
  g_assert_cmpint (pb_mux_remove (m, 1000), ==, PB_ENOENT);
  g_assert_cmpint (pb_mux_remove (m, G_MAXUINT32), ==, PB_ENOENT);
  g_assert_cmpint (pb_mux_remove (m, 4), ==, PB_OK);
  g_assert_cmpint (pb_mux_remove (m, 4), ==, PB_ENOENT);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 4);

  /* Index order is the order of addition, not of pids. */
  pb_mux_set_avail (m, 3, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 4);
  assert_log (log, (const guint32[]) { 3, 1, 2, 0 }, 4);

  pb_mux_free (m);
  g_array_unref (log);
}

static void
test_mux_deps_all_required (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint32 deps[] = { 1, 2, 300 };
  TestProc p;

  test_proc_init (&p, m, log);
  add_proc (&p, deps, G_N_ELEMENTS (deps), 0);
  pb_mux_set_avail (m, 1, TRUE);
  pb_mux_set_avail (m, 300, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 0);
  pb_mux_set_avail (m, 2, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 1);
  g_assert_cmpuint (pb_mux_step (m), ==, 1);
  pb_mux_set_avail (m, 300, FALSE);
  g_assert_cmpuint (pb_mux_step (m), ==, 0);
  pb_mux_set_avail (m, 1, FALSE);
  pb_mux_set_avail (m, 300, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 0);
  assert_log (log, (const guint32[]) { 0, 0 }, 2);
  g_assert_cmpint (pb_mux_remove (m, 0), ==, PB_OK);

  /* However many dependencies, each one is required: with one missing
   * (in turn each of them) nothing runs, with all of them set it does. */
  for (guint n = 1; n <= 9; n++)
    {
      guint32 many[9];

      for (guint i = 0; i < n; i++)
        many[i] = 1000 + 37 * (n - i);
      add_proc (&p, many, n, 0);
      for (guint i = 0; i < n; i++)
        pb_mux_set_avail (m, many[i], TRUE);
      g_assert_cmpuint (pb_mux_step (m), ==, 1);
      for (guint missing = 0; missing < n; missing++)
        {
          pb_mux_set_avail (m, many[missing], FALSE);
          g_assert_cmpuint (pb_mux_step (m), ==, 0);
          pb_mux_set_avail (m, many[missing], TRUE);
        }
      for (guint i = 0; i < n; i++)
        pb_mux_set_avail (m, many[i], FALSE);
      g_assert_cmpint (pb_mux_remove (m, 0), ==, PB_OK);
    }
  g_assert_cmpuint (log->len, ==, 9);

  pb_mux_free (m);
  g_array_unref (log);
}

static void
test_mux_duplicate_deps (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint32 deps[] = { 5, 5, 70, 5, 70 };
  const guint32 other[] = { 5 };
  TestProc p, q;

  test_proc_init (&p, m, log);
  test_proc_init (&q, m, log);
  add_proc (&p, deps, G_N_ELEMENTS (deps), 0);
  pb_mux_set_avail (m, 5, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 0);

  /* Indexed under 5 three times and under 70 twice, it still runs once. */
  pb_mux_set_avail (m, 70, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 1);
  assert_log (log, (const guint32[]) { 0 }, 1);

  /* Removal takes every duplicate out of the index: the next process on 5
   * runs alone, and once. */
  g_assert_cmpint (pb_mux_remove (m, 0), ==, PB_OK);
  add_proc (&q, other, 1, 0);
  g_assert_cmpuint (pb_mux_step (m), ==, 1);
  assert_log (log, (const guint32[]) { 0 }, 1);
  g_assert_cmpuint (q.calls, ==, 1);
  g_assert_cmpuint (p.calls, ==, 1);

  pb_mux_free (m);
  g_array_unref (log);
}

static void
test_mux_huge_ids (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint32 deps[] = { G_MAXUINT32, 0x80000000u };
  TestProc p;
  gsize before, after;

  test_proc_init (&p, m, log);

  /* The highest resource id costs a few pages, not a vector of 512 MiB. */
  before = allocated_bytes ();
  add_proc (&p, deps, G_N_ELEMENTS (deps), 0);
  pb_mux_set_avail (m, G_MAXUINT32, TRUE);
  pb_mux_set_error (m, G_MAXUINT32, TRUE);
  after = allocated_bytes ();
  g_assert_cmpuint (after - before, <, 1024 * 1024);

  g_assert_true (pb_mux_get_avail (m, G_MAXUINT32));
  g_assert_false (pb_mux_get_avail (m, G_MAXUINT32 - 1));
  g_assert_false (pb_mux_get_avail (m, 0x80000000u));
  g_assert_true (pb_mux_get_error (m, G_MAXUINT32));
  pb_mux_set_error (m, G_MAXUINT32, FALSE);
  g_assert_cmpuint (pb_mux_step (m), ==, 0);
  pb_mux_set_avail (m, 0x80000000u, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 1);
  assert_log (log, (const guint32[]) { 0 }, 1);

  g_assert_cmpint (pb_mux_remove (m, 0), ==, PB_OK);
  g_assert_true (pb_mux_get_avail (m, G_MAXUINT32));
  pb_mux_free (m);
  g_array_unref (log);
}

static void
test_mux_clear_allocates_nothing (void)
{
  pb_mux *m = pb_mux_new ();
  gsize before = allocated_bytes ();

  /* Clearing bits far apart that were never set must not allocate. */
  for (guint32 r = 0; r < 64; r++)
    {
      pb_mux_set_avail (m, r * 0x04000000u + 4097, FALSE);
      pb_mux_set_error (m, r * 0x04000000u + 4097, FALSE);
    }
  pb_mux_set_avail (m, G_MAXUINT32, FALSE);
  g_assert_cmpuint (allocated_bytes (), ==, before);
  g_assert_false (pb_mux_get_avail (m, 4097));
  g_assert_cmpuint (pb_mux_step (m), ==, 0);
  pb_mux_free (m);
}

static void
test_mux_bits (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  static const guint32 ids[] = { 0, 1, 63, 64, 4095, 4096, 4097, 70000, 0x00400000,
                                 0x7fffffff, 0xfffff000, G_MAXUINT32 };
  const guint32 deps[] = { 42 };
  TestProc p;

  /* The vectors are independent, and each bit is its own. */
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      pb_mux_set_avail (m, ids[i], TRUE);
      pb_mux_set_avail (m, ids[i], TRUE);
      for (guint j = 0; j < G_N_ELEMENTS (ids); j++)
        {
          g_assert_true (pb_mux_get_avail (m, ids[j]) == (j <= i));
          g_assert_false (pb_mux_get_error (m, ids[j]));
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (ids); i += 2)
    {
      pb_mux_set_avail (m, ids[i], FALSE);
      pb_mux_set_error (m, ids[i], TRUE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_assert_true (pb_mux_get_avail (m, ids[i]) == (i % 2 == 1));
      g_assert_true (pb_mux_get_error (m, ids[i]) == (i % 2 == 0));
      g_assert_false (pb_mux_get_avail (m, ids[i] ^ 2));
    }

  /* With no process on them, set bits run nothing. */
  g_assert_cmpuint (pb_mux_step (m), ==, 0);

  /* A bit set before any process uses it is kept for later ones. */
  pb_mux_set_avail (m, 42, TRUE);
  test_proc_init (&p, m, log);
  add_proc (&p, deps, 1, 0);
  g_assert_cmpuint (pb_mux_step (m), ==, 1);
  assert_log (log, (const guint32[]) { 0 }, 1);

  pb_mux_free (m);
  g_array_unref (log);
}

static void
test_mux_step_recheck (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint32 deps_a[] = { 1 };
  const guint32 deps_b[] = { 2 };
  const guint32 deps_c[] = { 0 };
  const guint32 deps_d[] = { 3, 4 };
  const guint32 deps_e[] = { 5 };
  TestProc a, b, c, d, e;

  test_proc_init (&a, m, log);
  test_proc_init (&b, m, log);
  add_proc (&b, deps_b, 1, 0);
  add_proc (&a, deps_a, 1, 1);

  /* A comes first (resource 1) and consumes resource 2: B, a candidate
   * when the step began, must not run. */
  a.has_clear = TRUE;
  a.clear_avail = 2;
  pb_mux_set_avail (m, 1, TRUE);
  pb_mux_set_avail (m, 2, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 1);
  assert_log (log, (const guint32[]) { 1 }, 1);
  g_assert_false (pb_mux_get_avail (m, 2));
  g_assert_cmpuint (b.calls, ==, 0);
  pb_mux_set_avail (m, 1, FALSE);

  /* The other way round: C sets 4, which D, a later candidate by way of
   * 3, lacked when the step began; the recheck sees the live vector, so D
   * runs. D sets 5, but E, on 5 alone, was no candidate, so it waits for
   * the next step. */
  test_proc_init (&c, m, log);
  test_proc_init (&d, m, log);
  test_proc_init (&e, m, log);
  add_proc (&c, deps_c, 1, 2);
  add_proc (&d, deps_d, 2, 3);
  add_proc (&e, deps_e, 1, 4);
  c.has_set = TRUE;
  c.set_avail = 4;
  d.has_set = TRUE;
  d.set_avail = 5;
  pb_mux_set_avail (m, 0, TRUE);
  pb_mux_set_avail (m, 3, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 2);
  assert_log (log, (const guint32[]) { 2, 3 }, 2);
  g_assert_cmpuint (pb_mux_step (m), ==, 3);
  assert_log (log, (const guint32[]) { 2, 3, 4 }, 3);

  pb_mux_free (m);
  g_array_unref (log);
}

static void
test_mux_candidate_order (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint32 d30[] = { 30 };
  const guint32 d10[] = { 10 };
  const guint32 d20_10[] = { 20, 10 };
  const guint32 d5000_20[] = { 5000, 20 };
  TestProc p[6];

  for (guint i = 0; i < G_N_ELEMENTS (p); i++)
    test_proc_init (&p[i], m, log);
  add_proc (&p[0], d30, 1, 0);
  add_proc (&p[1], d10, 1, 1);
  add_proc (&p[2], d20_10, 2, 2);
  add_proc (&p[3], d10, 1, 3);
  add_proc (&p[4], d5000_20, 2, 4);
  pb_mux_set_avail (m, 5000, TRUE);
  pb_mux_set_avail (m, 30, TRUE);
  pb_mux_set_avail (m, 20, TRUE);
  pb_mux_set_avail (m, 10, TRUE);

  /* Ascending resources; within one, the order of addition; each process
   * where it is first seen. */
  g_assert_cmpuint (pb_mux_step (m), ==, 5);
  assert_log (log, (const guint32[]) { 1, 2, 3, 4, 0 }, 5);

  /* A process that takes a freed lower pid still comes last in the index. */
  g_assert_cmpint (pb_mux_remove (m, 1), ==, PB_OK);
  add_proc (&p[5], d10, 1, 1);
  g_assert_cmpuint (pb_mux_step (m), ==, 5);
  assert_log (log, (const guint32[]) { 2, 3, 1, 4, 0 }, 5);

  pb_mux_free (m);
  g_array_unref (log);
}

static void
test_mux_remove_later_candidate (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint32 deps[] = { 8 };
  TestProc p[3];

  for (guint i = 0; i < G_N_ELEMENTS (p); i++)
    {
      test_proc_init (&p[i], m, log);
      add_proc (&p[i], deps, 1, i);
    }

  /* 0 removes 2, a candidate not yet run, which then must not run. */
  p[0].has_remove = TRUE;
  p[0].remove_pid = 2;
  pb_mux_set_avail (m, 8, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 2);
  assert_log (log, (const guint32[]) { 0, 1 }, 2);
  g_assert_cmpint (p[0].remove_result, ==, PB_OK);
  g_assert_cmpuint (p[2].calls, ==, 0);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 2);

  /* Removing an earlier candidate, already run, is fine too. */
  p[0].has_remove = FALSE;
  p[1].has_remove = TRUE;
  p[1].remove_pid = 0;
  g_assert_cmpuint (pb_mux_step (m), ==, 2);
  assert_log (log, (const guint32[]) { 0, 1 }, 2);
  g_assert_cmpint (p[1].remove_result, ==, PB_OK);
  g_assert_cmpuint (pb_mux_step (m), ==, 1);
  assert_log (log, (const guint32[]) { 1 }, 1);
  g_assert_cmpint (p[1].remove_result, ==, PB_ENOENT);

  pb_mux_free (m);
  g_array_unref (log);
}

static void
test_mux_remove_self (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint32 deps[] = { 4, 9 };
  TestProc p[2];

  for (guint i = 0; i < G_N_ELEMENTS (p); i++)
    {
      test_proc_init (&p[i], m, log);
      add_proc (&p[i], deps, 2, i);
    }
  p[0].remove_self = TRUE;
  pb_mux_set_avail (m, 4, TRUE);
  pb_mux_set_avail (m, 9, TRUE);

  /* Indexed under two set bits, the process that removed itself is not
   * run a second time, and the pid is gone. */
  g_assert_cmpuint (pb_mux_step (m), ==, 2);
  assert_log (log, (const guint32[]) { 0, 1 }, 2);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 1);
  g_assert_cmpint (pb_mux_stats (m, 0, NULL, NULL), ==, PB_ENOENT);
  g_assert_cmpuint (pb_mux_step (m), ==, 1);
  assert_log (log, (const guint32[]) { 1 }, 1);
  g_assert_cmpuint (p[0].calls, ==, 1);

  pb_mux_free (m);
  g_array_unref (log);
}

static void
test_mux_add_during_step (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint32 deps[] = { 6 };
  TestProc p[3], child, reuse, heir, err_child;
  const guint32 err_deps[] = { 7 };
  guint64 calls;

  for (guint i = 0; i < G_N_ELEMENTS (p); i++)
    {
      test_proc_init (&p[i], m, log);
      add_proc (&p[i], deps, 1, i);
    }
  test_proc_init (&child, m, log);
  test_proc_init (&reuse, m, log);
  test_proc_init (&heir, m, log);
  test_proc_init (&err_child, m, log);

  /* 0 adds a process on the set bit: it is not run by this step. */
  p[0].add = &child;
  p[0].add_deps = deps;
  p[0].n_add_deps = 1;
  pb_mux_set_avail (m, 6, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 3);
  assert_log (log, (const guint32[]) { 0, 1, 2 }, 3);
  g_assert_cmpint (p[0].add_result, ==, PB_OK);
  g_assert_cmpuint (child.pid, ==, 3);
  g_assert_cmpuint (child.calls, ==, 0);

  /* The next one runs it. */
  g_assert_cmpuint (pb_mux_step (m), ==, 4);
  assert_log (log, (const guint32[]) { 0, 1, 2, 3 }, 4);

  /* 0 removes 1, a later candidate, and adds a process that takes pid 1
   * on the same bit: the candidate list names pid 1, but the newcomer must
   * wait for the next step. */
  p[0].has_remove = TRUE;
  p[0].remove_pid = 1;
  p[0].add = &reuse;
  g_assert_cmpuint (pb_mux_step (m), ==, 3);
  assert_log (log, (const guint32[]) { 0, 2, 3 }, 3);
  g_assert_cmpint (p[0].remove_result, ==, PB_OK);
  g_assert_cmpint (p[0].add_result, ==, PB_OK);
  g_assert_cmpuint (reuse.pid, ==, 1);
  g_assert_cmpuint (reuse.calls, ==, 0);
  p[0].has_remove = FALSE;
  g_assert_cmpuint (pb_mux_step (m), ==, 4);
  assert_log (log, (const guint32[]) { 0, 2, 3, 1 }, 4);

  /* 3 removes itself and adds a process, which takes its pid: the call
   * is not counted for the newcomer, which waits for the next step. */
  p[0].add = NULL;
  child.remove_self = TRUE;
  child.add = &heir;
  child.add_deps = deps;
  child.n_add_deps = 1;
  g_assert_cmpuint (pb_mux_step (m), ==, 4);
  assert_log (log, (const guint32[]) { 0, 2, 3, 1 }, 4);
  g_assert_cmpint (child.add_result, ==, PB_OK);
  g_assert_cmpuint (heir.pid, ==, 3);
  g_assert_cmpint (pb_mux_stats (m, 3, &calls, NULL), ==, PB_OK);
  g_assert_cmpuint (calls, ==, 0);
  g_assert_cmpuint (pb_mux_step (m), ==, 4);
  assert_log (log, (const guint32[]) { 0, 2, 1, 3 }, 4);
  g_assert_cmpint (pb_mux_stats (m, 3, &calls, NULL), ==, PB_OK);
  g_assert_cmpuint (calls, ==, 1);
  g_assert_cmpuint (heir.calls, ==, 1);

  /* A process added in the first pass on a set error bit is not run by
   * the error pass of the same step either. */
  pb_mux_set_error (m, 7, TRUE);
  p[2].add = &err_child;
  p[2].add_deps = err_deps;
  p[2].n_add_deps = 1;
  g_assert_cmpuint (pb_mux_step (m), ==, 4);
  assert_log (log, (const guint32[]) { 0, 2, 1, 3 }, 4);
  g_assert_cmpuint (err_child.pid, ==, 4);
  g_assert_cmpuint (pb_mux_step (m), ==, 5);
  assert_log (log, (const guint32[]) { 0, 2, 1, 3, 4 }, 5);

  pb_mux_free (m);
  g_array_unref (log);
}

typedef struct
{
  pb_mux   *m;
  GArray   *fails;       /* pairs of guint32 pid and code */
  guint64   calls_seen;  /* counted calls of the failing process, read in the callback */
  int       stats_result;
  gboolean  remove_in_callback;
  TestProc *replacement; /* added in the callback, after the removal */
} FailLog;

static void
on_fail (uint32_t  pid,
         int       code,
         void     *data)
{
  FailLog *f = data;
  guint32 entry[2] = { pid, (guint32) code };

  g_array_append_vals (f->fails, entry, 2);
  f->stats_result = pb_mux_stats (f->m, pid, &f->calls_seen, NULL);
  if (f->remove_in_callback)
    g_assert_cmpint (pb_mux_remove (f->m, pid), ==, PB_OK);
  if (f->replacement != NULL)
    {
      const guint32 deps[] = { 11 };

      add_proc (f->replacement, deps, 1, pid);
      f->replacement = NULL;
    }
}

static void
test_mux_failure (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  FailLog f = { m, g_array_new (FALSE, FALSE, sizeof (guint32)), 0, 1, FALSE, NULL };
  const guint32 deps[] = { 11 };
  TestProc p[3], again, third, replacement;
  guint64 calls;

  for (guint i = 0; i < G_N_ELEMENTS (p); i++)
    {
      test_proc_init (&p[i], m, log);
      add_proc (&p[i], deps, 1, i);
    }
  test_proc_init (&again, m, log);
  test_proc_init (&third, m, log);
  pb_mux_on_fail (m, on_fail, &f);

  /* 1 fails on its third call: it is counted, reported with its pid and
   * code while still readable, then removed. */
  p[1].fail_on_call = 3;
  p[1].ret = -42;
  pb_mux_set_avail (m, 11, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 3);
  g_assert_cmpuint (pb_mux_step (m), ==, 3);
  g_assert_cmpuint (f.fails->len, ==, 0);
  g_assert_cmpuint (pb_mux_step (m), ==, 3);
  g_assert_cmpuint (f.fails->len, ==, 2);
  g_assert_cmpuint (g_array_index (f.fails, guint32, 0), ==, 1);
  g_assert_cmpint ((int) g_array_index (f.fails, guint32, 1), ==, -42);
  g_assert_cmpint (f.stats_result, ==, PB_OK);
  g_assert_cmpuint (f.calls_seen, ==, 3);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 2);
  g_assert_cmpint (pb_mux_stats (m, 1, &calls, NULL), ==, PB_ENOENT);
  g_assert_cmpint (pb_mux_remove (m, 1), ==, PB_ENOENT);
  g_array_set_size (log, 0);
  g_assert_cmpuint (pb_mux_step (m), ==, 2);
  assert_log (log, (const guint32[]) { 0, 2 }, 2);

  /* The pid is free for the next process. */
  add_proc (&again, deps, 1, 1);
  g_assert_cmpint (pb_mux_stats (m, 1, &calls, NULL), ==, PB_OK);
  g_assert_cmpuint (calls, ==, 0);

  /* A callback that removes the process itself is fine; without a
   * callback the process is removed all the same. */
  g_array_set_size (f.fails, 0);
  f.remove_in_callback = TRUE;
  again.ret = 5;
  g_assert_cmpuint (pb_mux_step (m), ==, 3);
  g_assert_cmpuint (f.fails->len, ==, 2);
  g_assert_cmpuint (g_array_index (f.fails, guint32, 0), ==, 1);
  g_assert_cmpint ((int) g_array_index (f.fails, guint32, 1), ==, 5);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 2);

  /* A callback that removes the process and adds another, which takes
   * the pid: the newcomer stays. */
  test_proc_init (&replacement, m, log);
  f.replacement = &replacement;
  p[0].ret = 6;
  g_array_set_size (log, 0);
  g_assert_cmpuint (pb_mux_step (m), ==, 2);
  assert_log (log, (const guint32[]) { 0, 2 }, 2);
  g_assert_cmpuint (replacement.pid, ==, 0);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 2);
  g_assert_cmpint (pb_mux_stats (m, 0, &calls, NULL), ==, PB_OK);
  g_assert_cmpuint (calls, ==, 0);
  g_assert_cmpuint (pb_mux_step (m), ==, 2);
  assert_log (log, (const guint32[]) { 2, 0 }, 2);
  g_assert_cmpuint (replacement.calls, ==, 1);
  f.remove_in_callback = FALSE;
  g_array_set_size (f.fails, 0);

  pb_mux_on_fail (m, NULL, NULL);
  replacement.ret = 1;
  g_assert_cmpuint (pb_mux_step (m), ==, 2);
  assert_log (log, (const guint32[]) { 2, 0 }, 2);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 1);
  g_assert_cmpuint (f.fails->len, ==, 0);
  add_proc (&third, deps, 1, 0);

  pb_mux_free (m);
  g_array_unref (f.fails);
  g_array_unref (log);
}

static void
test_mux_error_pass (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  FailLog f = { m, g_array_new (FALSE, FALSE, sizeof (guint32)), 0, 1, FALSE, NULL };
  const guint32 deps_p[] = { 1, 2 };
  const guint32 deps_q[] = { 3, 4 };
  const guint32 deps_r[] = { 1 };
  const guint32 deps_s[] = { 4 };
  TestProc p, q, r, s;

  test_proc_init (&p, m, log);
  test_proc_init (&q, m, log);
  test_proc_init (&r, m, log);
  test_proc_init (&s, m, log);
  add_proc (&p, deps_p, 2, 0);
  add_proc (&q, deps_q, 2, 1);
  add_proc (&r, deps_r, 1, 2);
  add_proc (&s, deps_s, 1, 3);
  pb_mux_on_fail (m, on_fail, &f);

  /* No error bit: nothing runs, whatever the processes. */
  g_assert_cmpuint (pb_mux_step (m), ==, 0);

  /* An error bit runs the processes it indexes, though none of their
   * availability bits are set; Q is indexed by two set error bits and runs
   * once; R, indexed by no error bit, does not run. */
  pb_mux_set_error (m, 4, TRUE);
  pb_mux_set_error (m, 3, TRUE);
  pb_mux_set_error (m, 2, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 3);
  assert_log (log, (const guint32[]) { 0, 1, 3 }, 3);

  /* A process can run in both passes of a step. */
  pb_mux_set_error (m, 3, FALSE);
  pb_mux_set_error (m, 4, FALSE);
  pb_mux_set_avail (m, 1, TRUE);
  pb_mux_set_avail (m, 2, TRUE);
  g_assert_cmpuint (pb_mux_step (m), ==, 3);
  assert_log (log, (const guint32[]) { 0, 2, 0 }, 3);

  /* Error candidates are gathered after the first pass, so an error bit
   * that Q sets there counts. Then P removes S, a later error candidate,
   * which does not run, and R fails, and is removed and reported. */
  pb_mux_set_avail (m, 1, FALSE);
  pb_mux_set_avail (m, 2, FALSE);
  pb_mux_set_error (m, 2, FALSE);
  pb_mux_set_avail (m, 3, TRUE);
  pb_mux_set_avail (m, 4, TRUE);
  pb_mux_set_error (m, 4, TRUE);
  q.has_set_error = TRUE;
  q.set_error = 1;
  p.has_remove = TRUE;
  p.remove_pid = 3;
  r.ret = 9;
  g_assert_cmpuint (pb_mux_step (m), ==, 5);
  assert_log (log, (const guint32[]) { 1, 3, 0, 2, 1 }, 5);
  g_assert_cmpint (p.remove_result, ==, PB_OK);
  g_assert_cmpuint (f.fails->len, ==, 2);
  g_assert_cmpuint (g_array_index (f.fails, guint32, 0), ==, 2);
  g_assert_cmpint ((int) g_array_index (f.fails, guint32, 1), ==, 9);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 2);

  /* Clearing every error bit turns the pass off again. */
  pb_mux_set_error (m, 1, FALSE);
  pb_mux_set_error (m, 4, FALSE);
  pb_mux_set_avail (m, 3, FALSE);
  g_assert_cmpuint (pb_mux_step (m), ==, 0);

  /* With no error bit set when the step begins, one set in the first pass
   * still switches the error pass on. */
  pb_mux_set_avail (m, 3, TRUE);
  g_assert_false (pb_mux_get_error (m, 1));
  g_assert_cmpuint (pb_mux_step (m), ==, 2);
  assert_log (log, (const guint32[]) { 1, 0 }, 2);

  pb_mux_free (m);
  g_array_unref (f.fails);
  g_array_unref (log);
}

static void
test_mux_reentrant_step (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint32 deps[] = { 2 };
  TestProc p[2];

  for (guint i = 0; i < G_N_ELEMENTS (p); i++)
    {
      test_proc_init (&p[i], m, log);
      add_proc (&p[i], deps, 1, i);
    }
  p[0].step_inside = TRUE;
  p[0].inner_step_result = 99;
  pb_mux_set_avail (m, 2, TRUE);
  pb_mux_set_error (m, 2, TRUE);

  /* The inner step is refused and runs nothing; the outer one goes on. */
  g_assert_cmpuint (pb_mux_step (m), ==, 4);
  g_assert_cmpuint (p[0].inner_step_result, ==, 0);
  assert_log (log, (const guint32[]) { 0, 1, 0, 1 }, 4);

  /* Once the outer step is over, stepping works again. */
  p[0].step_inside = FALSE;
  g_assert_cmpuint (pb_mux_step (m), ==, 4);
  assert_log (log, (const guint32[]) { 0, 1, 0, 1 }, 4);

  pb_mux_free (m);
  g_array_unref (log);
}

static void
test_mux_stats (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint32 deps_busy[] = { 1 };
  const guint32 deps_idle[] = { 2 };
  TestProc busy, idle;
  guint64 calls = 99, ns = 99, last_ns;

  test_proc_init (&busy, m, log);
  test_proc_init (&idle, m, log);
  add_proc (&busy, deps_busy, 1, 0);
  add_proc (&idle, deps_idle, 1, 1);
  busy.spin_us = 200;

  g_assert_cmpint (pb_mux_stats (m, 0, &calls, &ns), ==, PB_OK);
  g_assert_cmpuint (calls, ==, 0);
  g_assert_cmpuint (ns, ==, 0);
  g_assert_cmpint (pb_mux_stats (m, 0, NULL, NULL), ==, PB_OK);
  g_assert_cmpint (pb_mux_stats (m, 2, &calls, &ns), ==, PB_ENOENT);
  g_assert_cmpint (pb_mux_stats (m, G_MAXUINT32, NULL, NULL), ==, PB_ENOENT);

  pb_mux_set_avail (m, 1, TRUE);
  last_ns = 0;
  for (guint i = 1; i <= 5; i++)
    {
      g_assert_cmpuint (pb_mux_step (m), ==, 1);
      g_assert_cmpint (pb_mux_stats (m, 0, &calls, NULL), ==, PB_OK);
      g_assert_cmpuint (calls, ==, i);
      g_assert_cmpint (pb_mux_stats (m, 0, NULL, &ns), ==, PB_OK);

      /* Each call spins 200 µs: the total grows by about that much. */
      g_assert_cmpuint (ns, >, last_ns);
      g_assert_cmpuint (ns - last_ns, >=, 150 * 1000);
      last_ns = ns;
    }
  g_assert_cmpint (pb_mux_stats (m, 1, &calls, &ns), ==, PB_OK);
  g_assert_cmpuint (calls, ==, 0);
  g_assert_cmpuint (ns, ==, 0);

  /* Counters belong to the process, not the pid. */
  g_assert_cmpint (pb_mux_remove (m, 0), ==, PB_OK);
  g_assert_cmpint (pb_mux_stats (m, 0, &calls, &ns), ==, PB_ENOENT);
  add_proc (&busy, deps_busy, 1, 0);
  g_assert_cmpint (pb_mux_stats (m, 0, &calls, &ns), ==, PB_OK);
  g_assert_cmpuint (calls, ==, 0);
  g_assert_cmpuint (ns, ==, 0);

  pb_mux_free (m);
  g_array_unref (log);
}

static int
count_body (void *data)
{
  (*(guint *) data)++;
  return 0;
}

static void
test_mux_many_processes (void)
{
  enum { N = 100000, N_RESOURCES = 4096 };
  pb_mux *m = pb_mux_new ();
  guint *runs = g_new0 (guint, N);
  guint32 (*deps)[3] = g_malloc_n (N, sizeof *deps);
  GRand *rand = g_rand_new_with_seed (7);
  gsize expected = 0;

  for (guint i = 0; i < N; i++)
    {
      guint32 pid;

      for (guint d = 0; d < 3; d++)
        deps[i][d] = (guint32) g_rand_int_range (rand, 0, N_RESOURCES);
      g_assert_cmpint (pb_mux_when (m, deps[i], 3, count_body, &runs[i], &pid), ==, PB_OK);
      g_assert_cmpuint (pid, ==, i);
    }
  g_assert_cmpuint (pb_mux_n_processes (m), ==, N);

  /* With every even resource set, exactly the processes with only even
   * dependencies run, once each. */
  for (guint32 r = 0; r < N_RESOURCES; r += 2)
    pb_mux_set_avail (m, r, TRUE);
  for (guint i = 0; i < N; i++)
    expected += deps[i][0] % 2 == 0 && deps[i][1] % 2 == 0 && deps[i][2] % 2 == 0;
  g_assert_cmpuint (pb_mux_step (m), ==, expected);
  for (guint i = 0; i < N; i++)
    g_assert_cmpuint (runs[i], ==, deps[i][0] % 2 == 0 && deps[i][1] % 2 == 0
                                   && deps[i][2] % 2 == 0);

  /* Remove the odd pids, then the even ones from the top down. */
  for (guint i = 1; i < N; i += 2)
    g_assert_cmpint (pb_mux_remove (m, i), ==, PB_OK);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, N / 2);
  for (guint i = N; i >= 2; i -= 2)
    g_assert_cmpint (pb_mux_remove (m, i - 2), ==, PB_OK);
  g_assert_cmpuint (pb_mux_n_processes (m), ==, 0);
  g_assert_cmpuint (pb_mux_step (m), ==, 0);

  /* Everything is free again, from pid 0. */
  for (guint i = 0; i < 3; i++)
    {
      guint32 pid;

      g_assert_cmpint (pb_mux_when (m, deps[i], 3, count_body, &runs[i], &pid), ==, PB_OK);
      g_assert_cmpuint (pid, ==, i);
    }

  pb_mux_free (m);
  g_rand_free (rand);
  g_free (deps);
  g_free (runs);
}

/*
 * The randomized test runs the mux and a plain reference scheduler, written
 * from the contract, side by side: the same random bit flips, additions and
 * removals, and bodies that flip bits, add and remove processes, step, fail,
 * and log everything they do. The logs must be equal after every step.
 */

/* Resources in use, ascending, across words, leaves and the whole range. */
static const guint32 rand_resources[] = {
  0, 1, 2, 3, 5, 8, 13, 21, 34, 62, 63, 64, 65, 127, 128, 4095, 4096, 4097,
  8191, 70000, 0x003fffff, 0x00400000, 0x7fffffff, 0x80000000u, 0xfffff000u,
  0xfffffffeu, G_MAXUINT32,
};
#define N_RAND_RES G_N_ELEMENTS (rand_resources)
#define RAND_MAX_DEPS 3
#define RAND_PID_RANGE 48

enum
{
  EV_RUN = 1,
  EV_REMOVE,
  EV_REMOVE_SELF,
  EV_ADD,
  EV_INNER_STEP,
  EV_FAIL,
};

typedef struct World World;

typedef struct
{
  World   *w;
  guint32  pid;
  guint64  rng;
  guint    deps[RAND_MAX_DEPS];  /* positions in rand_resources */
  guint    n_deps;
} Actor;

typedef struct
{
  gboolean  live;
  guint64   serial;
  guint     deps[RAND_MAX_DEPS];  /* positions, without duplicates */
  guint     n_deps;
  Actor    *actor;
  guint64   calls;
} RefProc;

typedef struct
{
  GArray   *procs;               /* RefProc, by pid */
  GArray   *index[N_RAND_RES];   /* guint32 pids, in the order added */
  gboolean  avail[N_RAND_RES];
  gboolean  error[N_RAND_RES];
  guint64   serial;
  gboolean  stepping;
} Ref;

struct World
{
  pb_mux    *mux;     /* NULL in the reference world */
  Ref        ref;
  GArray    *events;  /* guint64 triples: kind, and two values */
  GPtrArray *actors;
};

static guint64
rng_next (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static void
log_event (World   *w,
           guint64  kind,
           guint64  a,
           guint64  b)
{
  guint64 e[3] = { kind, a, b };

  g_array_append_vals (w->events, e, 3);
}

static RefProc *
ref_proc (Ref     *r,
          guint32  pid)
{
  return &g_array_index (r->procs, RefProc, pid);
}

static int
ref_when (Ref     *r,
          Actor   *a,
          guint32 *pid)
{
  guint32 id = 0;
  RefProc *p;

  while (id < r->procs->len && ref_proc (r, id)->live)
    id++;
  if (id == r->procs->len)
    g_array_set_size (r->procs, id + 1);
  p = ref_proc (r, id);
  memset (p, 0, sizeof *p);
  p->live = TRUE;
  p->serial = ++r->serial;
  p->actor = a;
  for (guint i = 0; i < a->n_deps; i++)
    {
      gboolean dup = FALSE;

      for (guint j = 0; j < p->n_deps; j++)
        dup |= p->deps[j] == a->deps[i];
      if (dup)
        continue;
      p->deps[p->n_deps++] = a->deps[i];
      g_array_append_val (r->index[a->deps[i]], id);
    }
  *pid = id;
  return PB_OK;
}

static int
ref_remove (Ref     *r,
            guint32  pid)
{
  RefProc *p;

  if (pid >= r->procs->len || !ref_proc (r, pid)->live)
    return PB_ENOENT;
  p = ref_proc (r, pid);
  for (guint i = 0; i < p->n_deps; i++)
    {
      GArray *pids = r->index[p->deps[i]];

      for (guint j = 0; j < pids->len; j++)
        if (g_array_index (pids, guint32, j) == pid)
          {
            g_array_remove_index (pids, j);
            break;
          }
    }
  p->live = FALSE;
  return PB_OK;
}

static int actor_act (Actor *a);
static void world_on_fail (uint32_t pid, int code, void *data);

static void
ref_call (World   *w,
          guint32  pid)
{
  Ref *r = &w->ref;
  guint64 serial = ref_proc (r, pid)->serial;
  int code = actor_act (ref_proc (r, pid)->actor);

  if (!ref_proc (r, pid)->live || ref_proc (r, pid)->serial != serial)
    return;
  ref_proc (r, pid)->calls++;
  if (code == 0)
    return;
  world_on_fail (pid, code, w);
  if (ref_proc (r, pid)->live && ref_proc (r, pid)->serial == serial)
    ref_remove (r, pid);
}

static gsize
ref_step (World *w)
{
  Ref *r = &w->ref;
  guint64 start = r->serial;
  gsize ran = 0;

  if (r->stepping)
    return 0;
  r->stepping = TRUE;
  for (guint pass = 0; pass < 2; pass++)
    {
      const gboolean *bits = pass == 0 ? r->avail : r->error;
      GArray *cand = g_array_new (FALSE, FALSE, sizeof (guint32));
      gboolean *seen = g_new0 (gboolean, r->procs->len);
      gboolean any = FALSE;

      for (guint res = 0; res < N_RAND_RES; res++)
        {
          any |= bits[res];
          for (guint j = 0; bits[res] && j < r->index[res]->len; j++)
            {
              guint32 pid = g_array_index (r->index[res], guint32, j);

              if (!seen[pid])
                {
                  seen[pid] = TRUE;
                  g_array_append_val (cand, pid);
                }
            }
        }
      for (guint i = 0; any && i < cand->len; i++)
        {
          guint32 pid = g_array_index (cand, guint32, i);
          RefProc *p = ref_proc (r, pid);
          gboolean ready = TRUE;

          if (!p->live || p->serial > start)
            continue;
          for (guint d = 0; pass == 0 && d < p->n_deps; d++)
            ready &= r->avail[p->deps[d]];
          if (!ready)
            continue;
          ref_call (w, pid);
          ran++;
        }
      g_free (seen);
      g_array_unref (cand);
    }
  r->stepping = FALSE;
  return ran;
}

static int
actor_body (void *data)
{
  return actor_act (data);
}

static Actor *
actor_new (World   *w,
           guint64  seed)
{
  Actor *a = g_new0 (Actor, 1);

  a->w = w;
  a->rng = seed;
  a->pid = G_MAXUINT32;
  a->n_deps = 1 + (guint) (rng_next (&a->rng) % RAND_MAX_DEPS);
  for (guint i = 0; i < a->n_deps; i++)
    a->deps[i] = (guint) (rng_next (&a->rng) % N_RAND_RES);
  g_ptr_array_add (w->actors, a);
  return a;
}

static int
world_when (World   *w,
            Actor   *a,
            guint32 *pid)
{
  guint32 ids[RAND_MAX_DEPS];

  if (w->mux == NULL)
    return ref_when (&w->ref, a, pid);
  for (guint i = 0; i < a->n_deps; i++)
    ids[i] = rand_resources[a->deps[i]];
  return pb_mux_when (w->mux, ids, a->n_deps, actor_body, a, pid);
}

/* Adds a new actor. Returns: its pid, or G_MAXUINT32 on failure. */
static guint32
world_add (World   *w,
           guint64  seed)
{
  Actor *a = actor_new (w, seed);
  guint32 pid = G_MAXUINT32;
  int rc = world_when (w, a, &pid);

  g_assert_cmpint (rc, ==, PB_OK);
  a->pid = pid;
  return pid;
}

static int
world_remove (World   *w,
              guint32  pid)
{
  return w->mux != NULL ? pb_mux_remove (w->mux, pid) : ref_remove (&w->ref, pid);
}

static void
world_set (World    *w,
           gboolean  error,
           guint     res,
           gboolean  on)
{
  if (w->mux == NULL)
    (error ? w->ref.error : w->ref.avail)[res] = on;
  else if (error)
    pb_mux_set_error (w->mux, rand_resources[res], on);
  else
    pb_mux_set_avail (w->mux, rand_resources[res], on);
}

static gboolean
world_get (World    *w,
           gboolean  error,
           guint     res)
{
  if (w->mux == NULL)
    return (error ? w->ref.error : w->ref.avail)[res];
  return error ? pb_mux_get_error (w->mux, rand_resources[res])
               : pb_mux_get_avail (w->mux, rand_resources[res]);
}

static gsize
world_step (World *w)
{
  return w->mux != NULL ? pb_mux_step (w->mux) : ref_step (w);
}

static int
world_stats (World   *w,
             guint32  pid,
             guint64 *calls)
{
  if (w->mux != NULL)
    return pb_mux_stats (w->mux, pid, calls, NULL);
  if (pid >= w->ref.procs->len || !ref_proc (&w->ref, pid)->live)
    return PB_ENOENT;
  *calls = ref_proc (&w->ref, pid)->calls;
  return PB_OK;
}

static gsize
world_n_processes (World *w)
{
  gsize n = 0;

  if (w->mux != NULL)
    return pb_mux_n_processes (w->mux);
  for (guint i = 0; i < w->ref.procs->len; i++)
    n += ref_proc (&w->ref, i)->live;
  return n;
}

static void
world_on_fail (uint32_t  pid,
               int       code,
               void     *data)
{
  World *w = data;
  guint64 calls = 0;

  /* The failed process is still there, its last call counted. */
  g_assert_cmpint (world_stats (w, pid, &calls), ==, PB_OK);
  g_assert_cmpuint (calls, >=, 1);
  log_event (w, EV_FAIL, pid, ((guint64) (guint32) code << 32) | calls);
}

/* What a body does is drawn from the actor's own generator, so both worlds
 * do the same as long as they agree. */
static int
actor_act (Actor *a)
{
  World *w = a->w;
  guint64 x;

  log_event (w, EV_RUN, a->pid, 0);
  x = rng_next (&a->rng);
  if (x % 100 < 55)
    world_set (w, FALSE, a->deps[(x >> 8) % a->n_deps], FALSE);
  x = rng_next (&a->rng);
  if (x % 100 < 25)
    world_set (w, FALSE, (guint) ((x >> 8) % N_RAND_RES), TRUE);
  x = rng_next (&a->rng);
  if (x % 100 < 5)
    world_set (w, TRUE, (guint) ((x >> 8) % N_RAND_RES), (x >> 16) % 3 == 0);
  x = rng_next (&a->rng);
  if (x % 100 < 6)
    {
      guint32 target = (guint32) ((x >> 8) % RAND_PID_RANGE);

      log_event (w, EV_REMOVE, target, (guint64) (gint64) world_remove (w, target));
    }
  x = rng_next (&a->rng);
  if (x % 100 < 6)
    log_event (w, EV_ADD, world_add (w, rng_next (&a->rng)), 0);
  x = rng_next (&a->rng);
  if (x % 100 < 2)
    log_event (w, EV_INNER_STEP, world_step (w), 0);
  x = rng_next (&a->rng);
  if (x % 100 < 3)
    {
      log_event (w, EV_REMOVE_SELF, a->pid, (guint64) (gint64) world_remove (w, a->pid));
      return (x >> 8) % 2 ? 7 : 0;
    }
  x = rng_next (&a->rng);
  return x % 100 < 4 ? 100 + (int) ((x >> 8) % 7) : 0;
}

static void
world_init (World    *w,
            gboolean  reference)
{
  memset (w, 0, sizeof *w);
  w->events = g_array_new (FALSE, FALSE, sizeof (guint64));
  w->actors = g_ptr_array_new_with_free_func (g_free);
  if (!reference)
    {
      w->mux = pb_mux_new ();
      pb_mux_on_fail (w->mux, world_on_fail, w);
      return;
    }
  w->ref.procs = g_array_new (FALSE, TRUE, sizeof (RefProc));
  for (guint i = 0; i < N_RAND_RES; i++)
    w->ref.index[i] = g_array_new (FALSE, FALSE, sizeof (guint32));
}

static void
world_clear (World *w)
{
  if (w->mux != NULL)
    pb_mux_free (w->mux);
  else
    {
      g_array_unref (w->ref.procs);
      for (guint i = 0; i < N_RAND_RES; i++)
        g_array_unref (w->ref.index[i]);
    }
  g_array_unref (w->events);
  g_ptr_array_unref (w->actors);
}

static void
assert_worlds_agree (World *mux,
                     World *ref)
{
  g_assert_cmpuint (mux->events->len, ==, ref->events->len);
  for (guint i = 0; i < ref->events->len; i++)
    g_assert_cmphex (g_array_index (mux->events, guint64, i), ==,
                     g_array_index (ref->events, guint64, i));
  g_assert_cmpuint (world_n_processes (mux), ==, world_n_processes (ref));
  for (guint res = 0; res < N_RAND_RES; res++)
    {
      g_assert_true (world_get (mux, FALSE, res) == world_get (ref, FALSE, res));
      g_assert_true (world_get (mux, TRUE, res) == world_get (ref, TRUE, res));
    }
  for (guint32 pid = 0; pid < RAND_PID_RANGE + 16; pid++)
    {
      guint64 mux_calls = 0, ref_calls = 0;

      g_assert_cmpint (world_stats (mux, pid, &mux_calls), ==,
                       world_stats (ref, pid, &ref_calls));
      g_assert_cmpuint (mux_calls, ==, ref_calls);
    }
}

static guint
count_events (GArray  *events,
              guint64  kind)
{
  guint n = 0;

  for (guint i = 0; i < events->len; i += 3)
    n += g_array_index (events, guint64, i) == kind;
  return n;
}

static void
test_mux_random (void)
{
  World mux, ref;
  guint64 rng = 20260412;
  guint runs = 0, fails = 0, adds = 0, removes = 0, inner = 0, self = 0;

  world_init (&mux, FALSE);
  world_init (&ref, TRUE);
  for (guint step = 0; step < 2000; step++)
    {
      guint64 x = rng_next (&rng);
      gsize ran_mux, ran_ref;

      for (guint k = 0; k < x % 6; k++)
        {
          guint64 y = rng_next (&rng);
          guint res = (guint) ((y >> 8) % N_RAND_RES);
          gboolean error = y % 100 < 8;
          gboolean on = (y >> 32) % 100 < (error ? 40 : 65);

          world_set (&mux, error, res, on);
          world_set (&ref, error, res, on);
        }
      x = rng_next (&rng);
      if (world_n_processes (&ref) < 20 || x % 100 < 15)
        {
          guint64 seed = rng_next (&rng);

          g_assert_cmpuint (world_add (&mux, seed), ==, world_add (&ref, seed));
        }
      x = rng_next (&rng);
      if (x % 100 < 8)
        {
          guint32 target = (guint32) ((x >> 8) % RAND_PID_RANGE);

          g_assert_cmpint (world_remove (&mux, target), ==, world_remove (&ref, target));
        }

      ran_mux = world_step (&mux);
      ran_ref = world_step (&ref);
      g_assert_cmpuint (ran_mux, ==, ran_ref);
      assert_worlds_agree (&mux, &ref);

      runs += count_events (ref.events, EV_RUN);
      fails += count_events (ref.events, EV_FAIL);
      adds += count_events (ref.events, EV_ADD);
      removes += count_events (ref.events, EV_REMOVE);
      inner += count_events (ref.events, EV_INNER_STEP);
      self += count_events (ref.events, EV_REMOVE_SELF);
      g_array_set_size (mux.events, 0);
      g_array_set_size (ref.events, 0);
    }

  /* The run went through every kind of event, many times. */
  g_test_message ("random: %u runs, %u failures, %u additions, %u removals, "
                  "%u self-removals, %u inner steps",
                  runs, fails, adds, removes, self, inner);
  g_assert_cmpuint (runs, >, 5000);
  g_assert_cmpuint (fails, >, 50);
  g_assert_cmpuint (adds, >, 50);
  g_assert_cmpuint (removes, >, 50);
  g_assert_cmpuint (self, >, 20);
  g_assert_cmpuint (inner, >, 20);

  world_clear (&mux);
  world_clear (&ref);
}

static bool
yield_always (void *data)
{
  guint *asked = data;

  (*asked)++;
  return true;
}

/* A step that yields goes on where it stopped at the next step: every
 * process runs once a pass however often steps stop, one removed
 * meanwhile does not run, and only then does a new pass start. */
static void
test_mux_yield (void)
{
  pb_mux *m = pb_mux_new ();
  GArray *log = g_array_new (FALSE, FALSE, sizeof (guint32));
  TestProc p[4];
  guint asked = 0;
  const guint32 expected[] = { 0, 1, 3, 0, 1, 3 };

  for (guint32 i = 0; i < 4; i++)
    {
      test_proc_init (&p[i], m, log);
      add_proc (&p[i], &i, 1, i);
      pb_mux_set_avail (m, i, true);
    }
  pb_mux_set_yield (m, yield_always, &asked);
  g_assert_false (pb_mux_yielded (m));
  g_assert_cmpuint (pb_mux_step (m), ==, 1);
  g_assert_true (pb_mux_yielded (m));
  g_assert_cmpuint (pb_mux_step (m), ==, 1);
  g_assert_cmpint (pb_mux_remove (m, 2), ==, PB_OK);
  g_assert_cmpuint (pb_mux_step (m), ==, 1);
  g_assert_true (pb_mux_yielded (m));
  /* Nothing of that pass is left: the step ends it, running nothing. */
  g_assert_cmpuint (pb_mux_step (m), ==, 0);
  g_assert_false (pb_mux_yielded (m));
  g_assert_cmpuint (asked, ==, 3);

  /* Without a yield function a step runs the whole pass. */
  pb_mux_set_yield (m, NULL, NULL);
  g_assert_cmpuint (pb_mux_step (m), ==, 3);
  g_assert_false (pb_mux_yielded (m));
  g_assert_cmpuint (log->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < log->len; i++)
    g_assert_cmpuint (g_array_index (log, guint32, i), ==, expected[i]);
  pb_mux_free (m);
  g_array_free (log, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Pushback/Mux/new-free", test_mux_new_free);
  g_test_add_func ("/Pushback/Mux/when-invalid", test_mux_when_invalid);
  g_test_add_func ("/Pushback/Mux/pid-reuse", test_mux_pid_reuse);
  g_test_add_func ("/Pushback/Mux/deps-all-required", test_mux_deps_all_required);
  g_test_add_func ("/Pushback/Mux/duplicate-deps", test_mux_duplicate_deps);
  g_test_add_func ("/Pushback/Mux/huge-ids", test_mux_huge_ids);
  g_test_add_func ("/Pushback/Mux/clear-allocates-nothing", test_mux_clear_allocates_nothing);
  g_test_add_func ("/Pushback/Mux/bits", test_mux_bits);
  g_test_add_func ("/Pushback/Mux/step-recheck", test_mux_step_recheck);
  g_test_add_func ("/Pushback/Mux/candidate-order", test_mux_candidate_order);
  g_test_add_func ("/Pushback/Mux/remove-later-candidate", test_mux_remove_later_candidate);
  g_test_add_func ("/Pushback/Mux/remove-self", test_mux_remove_self);
  g_test_add_func ("/Pushback/Mux/add-during-step", test_mux_add_during_step);
  g_test_add_func ("/Pushback/Mux/failure", test_mux_failure);
  g_test_add_func ("/Pushback/Mux/error-pass", test_mux_error_pass);
  g_test_add_func ("/Pushback/Mux/reentrant-step", test_mux_reentrant_step);
  g_test_add_func ("/Pushback/Mux/stats", test_mux_stats);
  g_test_add_func ("/Pushback/Mux/many-processes", test_mux_many_processes);
  g_test_add_func ("/Pushback/Mux/random", test_mux_random);
  g_test_add_func ("/Pushback/Mux/yield", test_mux_yield);

  return g_test_run ();
}
