/* test-runner.c — the live runner: edits, batches, snapshots, lifecycle
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <pushback/pushback.h>

/* No test may hang: past this the program dies of SIGALRM. The whole
 * program takes about 40 s under AddressSanitizer, and meson's own
 * timeout is 120 s. */
#define WATCHDOG_S 110
#define SECOND UINT64_C (1000000000)

/* A graph of one or more pipelines, each a separate text. */
static pb_runner *
runner_of (const char *const *texts)
{
  pb_graph *g = pb_graph_new (0);
  pb_runner *r;

  g_assert_nonnull (g);
  for (size_t i = 0; texts[i] != NULL; i++)
    {
      pb_error err = { PB_OK, "" };

      if (pb_pipeline_build_text (g, texts[i], &err) != PB_OK)
        g_error ("pipeline '%s': %s", texts[i], err.message);
    }
  r = pb_runner_new (g);
  g_assert_nonnull (r);
  return r;
}

static pb_runner *
runner_of_text (const char *text)
{
  const char *texts[] = { text, NULL };

  return runner_of (texts);
}

static void
start (pb_runner *r)
{
  pb_error err = { PB_OK, "" };

  g_assert_cmpint (pb_runner_start (r, &err), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
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

/* Process @name in @s. */
static pb_process_info
info_in (const pb_snapshot *s,
         pb_addr            process)
{
  pb_process_info info;
  long i = pb_snapshot_find_process (s, process);

  g_assert_cmpint (i, >=, 0);
  g_assert_cmpint (pb_snapshot_process (s, (size_t) i, &info), ==, PB_OK);
  return info;
}

/* A fresh snapshot's view of process @name; strings are not kept. */
static pb_process_info
info_now (pb_runner  *r,
          const char *name)
{
  pb_addr a = addr_of (r, name);
  pb_snapshot *s = pb_runner_snapshot (r);
  pb_process_info info = info_in (s, a);

  info.name = info.kind = info.message = info.result = NULL;
  pb_snapshot_free (s);
  return info;
}

static char *
result_now (pb_runner  *r,
            const char *name)
{
  pb_addr a = addr_of (r, name);
  pb_snapshot *s = pb_runner_snapshot (r);
  char *result = g_strdup (info_in (s, a).result);

  pb_snapshot_free (s);
  return result;
}

static char *
message_now (pb_runner  *r,
             const char *name)
{
  pb_addr a = addr_of (r, name);
  pb_snapshot *s = pb_runner_snapshot (r);
  char *message = g_strdup (info_in (s, a).message);

  pb_snapshot_free (s);
  return message;
}

/* Waits until process @name has taken at least @n items. */
static void
until_items (pb_runner  *r,
             const char *name,
             uint64_t    n)
{
  while (info_now (r, name).items_in < n)
    g_usleep (1000);
}

static uint64_t
triangle (uint64_t n)
{
  return n * (n + 1) / 2;
}

static void
test_edit_while_running (void)
{
  pb_runner *r = runner_of_text ("seq from=1 to=200000 ! throttle rate=400000 "
                                 "! map name=m expr=\"x*2\" ! sum name=s");
  uint64_t k0, k1, n = 200000, sum, tk;
  g_autofree char *result = NULL;

  start (r);
  until_items (r, "m", 20000);
  k0 = info_now (r, "m").items_in;
  g_assert_cmpint (pb_runner_set_param (r, addr_of (r, "m"), "expr", "x*3"), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  k1 = info_now (r, "m").items_in;
  g_assert_cmpuint (k1, <, n);
  g_assert_cmpint (pb_runner_wait (r, 10 * SECOND, NULL), ==, PB_OK);
  g_assert_cmpint (pb_runner_get_state (r), ==, PB_RUNNER_FINISHED);

  /* The first k items were doubled and the rest tripled, for one k
   * between what had passed before the edit and after it went live:
   * the sum is 3 T(n) - T(k). */
  result = result_now (r, "s");
  sum = g_ascii_strtoull (result, NULL, 10);
  tk = 3 * triangle (n) - sum;
  g_assert_cmpuint (tk, >=, triangle (k0));
  g_assert_cmpuint (tk, <=, triangle (k1));
  g_assert_cmpint (info_now (r, "s").state, ==, PB_PROCESS_DONE);
  pb_runner_free (r);
}

#define N_CHAINS 50

static void
test_fifty_chains (void)
{
  char *texts[N_CHAINS + 1];
  pb_rebuild_info info, again;
  pb_runner *r;

  for (int i = 0; i < N_CHAINS; i++)
    texts[i] = g_strdup_printf ("seq name=q%d to=1000000000000 ! map name=m%d expr=\"x+%d\" ! discard name=d%d", i, i, i, i);
  texts[N_CHAINS] = NULL;
  r = runner_of ((const char *const *) texts);
  start (r);
  g_assert_cmpint (pb_runner_last_rebuild (r, &info), ==, PB_OK);
  g_assert_cmpuint (info.recompiled, ==, N_CHAINS);

  g_assert_cmpint (pb_runner_set_param (r, addr_of (r, "m17"), "expr", "x-1"), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  g_assert_cmpint (pb_runner_last_rebuild (r, &info), ==, PB_OK);
  g_assert_cmpuint (info.edits, ==, 1);
  g_assert_cmpuint (info.recompiled, ==, 1);
  g_assert_cmpuint (info.kept, ==, N_CHAINS - 1);
  g_assert_cmpuint (info.latency_ns, >, 0);
  g_assert_cmpint (pb_runner_get_state (r), ==, PB_RUNNER_RUNNING);

  /* Setting a parameter to the value it has changes nothing: it is live
   * at once, and nothing is planned or compiled for it. */
  g_assert_cmpint (pb_runner_set_param (r, addr_of (r, "m17"), "expr", "x-1"), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 0), ==, PB_OK);
  g_assert_cmpint (pb_runner_last_rebuild (r, &again), ==, PB_OK);
  g_assert_cmpuint (again.edits, ==, info.edits);
  g_assert_cmpuint (again.latency_ns, ==, info.latency_ns);
  pb_runner_free (r);
  for (int i = 0; i < N_CHAINS; i++)
    g_free (texts[i]);
}

/* An edit plans only the part of the topology linked to what it changed,
 * and every other part keeps how it stands: a chain that ended keeps its
 * result, a failure stays the run's failure, a process that waits keeps
 * waiting, and running chains keep their counters. */
static void
test_scoped_plan (void)
{
  const char *texts[] = {
    "seq name=q0 to=1000000000000 ! map name=m0 expr=\"x\" ! discard name=d0",
    "seq name=q1 to=1000000000000 ! map name=m1 expr=\"x\" ! discard name=d1",
    "seq name=q2 from=1 to=100 ! sum name=done",
    "seq name=q3 from=1 to=100 ! map name=bad expr=\"x/(x-50)\" ! sum name=bs",
    "seq name=w from=1 to=100 ! map name=lonely expr=\"x\"",
    NULL,
  };
  pb_runner *r = runner_of (texts);
  pb_rebuild_info info;
  pb_error err = { PB_OK, "" };
  g_autofree char *done = NULL;
  g_autofree char *waits = NULL;
  uint64_t before;
  pb_addr d, m1 = addr_of (r, "m1");

  start (r);
  g_assert_cmpint (pb_runner_last_rebuild (r, &info), ==, PB_OK);
  g_assert_cmpuint (info.planned, ==, 13);
  while (info_now (r, "bad").state != PB_PROCESS_FAILED
         || info_now (r, "done").state != PB_PROCESS_DONE)
    g_usleep (1000);
  until_items (r, "d0", 10000);

  before = info_now (r, "d0").items_in;
  g_assert_cmpint (pb_runner_set_param (r, m1, "expr", "x+1"), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  g_assert_cmpint (pb_runner_last_rebuild (r, &info), ==, PB_OK);
  g_assert_cmpuint (info.planned, ==, 3);
  g_assert_cmpuint (info.recompiled, ==, 1);
  g_assert_cmpuint (info.kept, ==, 3);
  g_assert_cmpuint (info_now (r, "d0").items_in, >=, before);
  done = result_now (r, "done");
  g_assert_cmpstr (done, ==, "5050");
  g_assert_cmpint (info_now (r, "done").state, ==, PB_PROCESS_DONE);
  g_assert_cmpint (info_now (r, "bad").state, ==, PB_PROCESS_FAILED);
  g_assert_cmpint (info_now (r, "lonely").state, ==, PB_PROCESS_WAITING);
  waits = message_now (r, "w");
  g_assert_cmpstr (waits, ==, "waiting for lonely: its output is not connected");
  g_assert_cmpint (pb_runner_wait (r, 0, &err), ==, PB_ETIMEDOUT);
  g_assert_cmpint (info_now (r, "m1").state, ==, PB_PROCESS_READY);

  /* Two parts joined by a link are planned as one: the waiting map gets
   * the sink of the first part, whose discard takes its place there. */
  g_assert_cmpint (pb_runner_begin (r), ==, PB_OK);
  d = addr_of (r, "d1");
  g_assert_cmpint (pb_runner_disconnect (r, d), ==, PB_OK);
  g_assert_cmpint (pb_runner_connect (r, pb_addr_with_port (addr_of (r, "lonely"), 1), d),
                   ==, PB_OK);
  g_assert_cmpint (pb_runner_commit (r), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  g_assert_cmpint (pb_runner_last_rebuild (r, &info), ==, PB_OK);
  g_assert_cmpuint (info.planned, ==, 5);
  while (info_now (r, "d1").state != PB_PROCESS_DONE)
    g_usleep (1000);
  g_assert_cmpint (info_now (r, "m1").state, ==, PB_PROCESS_WAITING);
  g_assert_cmpint (info_now (r, "q0").state, ==, PB_PROCESS_READY);

  /* The failure of the other part is still how the run stands. */
  g_assert_cmpint (pb_runner_stop (r), ==, PB_OK);
  g_assert_cmpint (pb_runner_wait (r, 0, &err), !=, PB_OK);
  g_assert_nonnull (strstr (err.message, "bad: "));
  pb_runner_free (r);
}

/* The fill of the ring into process @process, in a fresh snapshot. */
static uint64_t
fill_into (pb_runner *r,
           pb_addr    process,
           uint64_t  *capacity)
{
  pb_snapshot *s = pb_runner_snapshot (r);
  pb_ring_info ring;
  uint64_t fill = 0;

  for (size_t i = 0; pb_snapshot_ring (s, i, &ring) == PB_OK; i++)
    if (pb_addr_process_of (ring.reader) == process)
      {
        fill = ring.fill;
        *capacity = ring.capacity;
      }
  pb_snapshot_free (s);
  return fill;
}

/* While the runner is live, a failed stage holds its input back: its
 * ring fills and upstream waits, with bounded memory. Mending its
 * expression resumes it, and not one item is lost. */
static void
test_hold_and_mend (void)
{
  pb_runner *r = runner_of_text ("seq name=q from=1 to=100000 ! broadcast name=b ! sum name=s  "
                                 "b. ! map name=bad expr=\"x/(x-50000)\" ! count name=t");
  pb_addr bad = addr_of (r, "bad");
  uint64_t capacity = 0, made;
  g_autofree char *why = NULL, *counted = NULL, *summed = NULL;

  start (r);
  while (info_now (r, "bad").state != PB_PROCESS_FAILED)
    g_usleep (1000);
  why = message_now (r, "bad");
  g_assert_nonnull (strstr (why, "division by zero"));
  while (fill_into (r, bad, &capacity) < capacity || capacity == 0)
    g_usleep (1000);
  made = info_now (r, "q").items_out;
  g_assert_cmpuint (made, <, 100000);
  g_usleep (100000);
  g_assert_cmpuint (info_now (r, "q").items_out, ==, made);
  g_assert_cmpint (pb_runner_wait (r, 0, NULL), ==, PB_ETIMEDOUT);

  g_assert_cmpint (pb_runner_set_param (r, bad, "expr", "x"), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  g_assert_cmpint (pb_runner_wait (r, 10 * SECOND, NULL), ==, PB_OK);
  counted = result_now (r, "t");
  summed = result_now (r, "s");
  g_assert_cmpstr (counted, ==, "100000");
  g_assert_cmpstr (summed, ==, "5000050000");
  pb_runner_free (r);
}

static void
test_batch (void)
{
  const char *texts[] = {
    "seq name=p to=1000000000000 ! map name=a expr=\"x\" ! discard name=c",
    "seq name=q to=1000000000000 ! map name=b expr=\"x\" ! discard name=d",
    NULL,
  };
  pb_runner *r = runner_of (texts);
  pb_rebuild_info before, after;

  start (r);
  g_assert_cmpint (pb_runner_last_rebuild (r, &before), ==, PB_OK);
  g_assert_cmpint (pb_runner_begin (r), ==, PB_OK);
  g_assert_cmpint (pb_runner_set_param (r, addr_of (r, "a"), "expr", "x+1"), ==, PB_OK);
  g_assert_cmpint (pb_runner_begin (r), ==, PB_OK);
  g_assert_cmpint (pb_runner_set_param (r, addr_of (r, "b"), "expr", "x+2"), ==, PB_OK);
  g_assert_cmpint (pb_runner_commit (r), ==, PB_OK);
  /* Inside the batch nothing goes live, and syncing would wait for ever. */
  g_assert_cmpint (pb_runner_sync (r, SECOND), ==, PB_EDEADLK);
  g_usleep (50000);
  g_assert_cmpint (pb_runner_last_rebuild (r, &after), ==, PB_OK);
  g_assert_cmpuint (after.recompiled, ==, before.recompiled);
  g_assert_cmpuint (after.edits, ==, before.edits);
  g_assert_cmpint (pb_runner_commit (r), ==, PB_OK);
  g_assert_cmpint (pb_runner_commit (r), ==, PB_EINVAL);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  g_assert_cmpint (pb_runner_last_rebuild (r, &after), ==, PB_OK);
  g_assert_cmpuint (after.edits, ==, 2);
  g_assert_cmpuint (after.recompiled, ==, 2);
  g_assert_cmpuint (after.kept, ==, 0);
  pb_runner_free (r);
}

/* Bypassing a process recompiles its chain alone, and its neighbours
 * keep their states: the sum counts the map's 1s, then adds the items
 * themselves, from where it was. */
static void
test_bypass (void)
{
  const char *texts[] = {
    "seq name=p to=1000000000000 ! map name=m expr=\"1\" ! sum name=total",
    "seq name=q to=1000000000000 ! discard name=d",
    NULL,
  };
  pb_runner *r = runner_of (texts);
  pb_rebuild_info info;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *expected = NULL;
  uint64_t k, n;

  g_assert_cmpint (pb_runner_set_bypass (r, addr_of (r, "p"), true), ==, PB_EINVAL);
  g_assert_cmpint (pb_runner_set_bypass (r, addr_of (r, "d"), true), ==, PB_EINVAL);
  start (r);
  until_items (r, "total", 10000);
  g_assert_cmpint (pb_runner_pause (r), ==, PB_OK);
  k = info_now (r, "total").items_in;
  before = result_now (r, "total");
  g_assert_cmpuint (g_ascii_strtoull (before, NULL, 10), ==, k);

  g_assert_cmpint (pb_runner_set_bypass (r, addr_of (r, "m"), true), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  g_assert_cmpint (pb_runner_last_rebuild (r, &info), ==, PB_OK);
  g_assert_cmpuint (info.recompiled, ==, 1);
  g_assert_cmpuint (info.kept, ==, 1);
  /* Setting it again changes nothing. */
  g_assert_cmpint (pb_runner_set_bypass (r, addr_of (r, "m"), true), ==, PB_OK);

  g_assert_cmpint (pb_runner_resume (r), ==, PB_OK);
  until_items (r, "total", k + 10000);
  g_assert_cmpint (pb_runner_pause (r), ==, PB_OK);
  n = info_now (r, "total").items_in;
  after = result_now (r, "total");
  expected = g_strdup_printf ("%" G_GUINT64_FORMAT, k + triangle (n) - triangle (k));
  g_assert_cmpstr (after, ==, expected);
  pb_runner_free (r);
}

static void
test_incomplete (void)
{
  const char *texts[] = {
    "seq to=1000 ! sum name=s",
    "seq name=a from=1 to=100 ! map name=m expr=\"x*2\"",
    NULL,
  };
  pb_runner *r = runner_of (texts);
  pb_addr m = addr_of (r, "m"), t;
  g_autofree char *message = NULL;
  g_autofree char *waits = NULL;
  g_autofree char *result = NULL;
  g_autofree char *done = NULL;
  pb_snapshot *s;

  start (r);
  g_assert_cmpint (pb_runner_wait (r, 10 * SECOND, NULL), ==, PB_OK);
  result = result_now (r, "s");
  g_assert_cmpstr (result, ==, "500500");
  g_assert_cmpint (info_now (r, "m").state, ==, PB_PROCESS_WAITING);
  g_assert_cmpint (info_now (r, "a").state, ==, PB_PROCESS_WAITING);
  message = message_now (r, "m");
  g_assert_nonnull (strstr (message, "not connected"));
  waits = message_now (r, "a");
  g_assert_cmpstr (waits, ==, "waiting for m: its output is not connected");
  s = pb_runner_snapshot (r);
  g_assert_cmpuint (info_in (s, m).chain, ==, SIZE_MAX);
  pb_snapshot_free (s);

  /* The missing sink comes: the part runs. */
  g_assert_cmpint (pb_runner_add_process (r, 0, "sum", &t), ==, PB_OK);
  g_assert_cmpint (pb_runner_set_name (r, t, "t"), ==, PB_OK);
  g_assert_cmpint (pb_runner_connect (r, pb_addr_with_port (m, 1), t), ==, PB_OK);
  g_assert_cmpint (pb_runner_wait (r, 10 * SECOND, NULL), ==, PB_OK);
  done = result_now (r, "t");
  g_assert_cmpstr (done, ==, "10100");
  g_assert_cmpint (info_now (r, "m").state, ==, PB_PROCESS_DONE);
  pb_runner_free (r);
}

/* A process that was running waits while its sink is gone, and keeps its
 * state: connected again, the source goes on where it was. */
static void
test_waiting_keeps_state (void)
{
  pb_runner *r = runner_of_text ("seq name=a from=1 to=100000 ! throttle rate=200000 ! sum name=s");
  pb_addr s = addr_of (r, "s"), th = addr_of (r, "throttle0"), s2;
  g_autofree char *result = NULL;

  start (r);
  until_items (r, "s", 5000);
  g_assert_cmpint (pb_runner_remove_process (r, s), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  g_assert_cmpint (info_now (r, "throttle0").state, ==, PB_PROCESS_WAITING);
  g_assert_cmpint (pb_runner_add_process (r, 0, "count", &s2), ==, PB_OK);
  g_assert_cmpint (pb_runner_set_name (r, s2, "c"), ==, PB_OK);
  g_assert_cmpint (pb_runner_connect (r, pb_addr_with_port (th, 1), s2), ==, PB_OK);
  g_assert_cmpint (pb_runner_wait (r, 10 * SECOND, NULL), ==, PB_OK);
  /* The items the sum took are not sent again. */
  result = result_now (r, "c");
  g_assert_cmpuint (g_ascii_strtoull (result, NULL, 10), <, 100000 - 4000);
  g_assert_cmpuint (info_now (r, "a").items_out, ==, 100000);
  pb_runner_free (r);
}

/* A bad parameter sets a running part aside, waiting, and mending it
 * brings it back: the items in its ring (between the source and the
 * throttle, which heads a chain) wait with it, and the sum is exact. */
static void
test_waiting_keeps_items (void)
{
  pb_runner *r = runner_of_text ("seq from=1 to=100000 ! throttle rate=200000 "
                                 "! take name=t n=1000000 ! sum name=s");
  pb_addr t = addr_of (r, "t");
  g_autofree char *result = NULL;

  start (r);
  until_items (r, "s", 5000);
  g_assert_cmpint (pb_runner_set_param (r, t, "n", "many"), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  g_assert_cmpint (info_now (r, "s").state, ==, PB_PROCESS_WAITING);
  g_assert_cmpint (info_now (r, "seq0").state, ==, PB_PROCESS_WAITING);
  g_assert_cmpint (pb_runner_set_param (r, t, "n", "1000000"), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  g_assert_cmpint (pb_runner_wait (r, 10 * SECOND, NULL), ==, PB_OK);
  result = result_now (r, "s");
  g_assert_cmpstr (result, ==, "5000050000");
  pb_runner_free (r);
}

static void
test_refused_edits (void)
{
  pb_runner *r = runner_of_text ("seq to=1000000000000 ! map name=m expr=\"x\" ! discard name=d");
  pb_addr m = addr_of (r, "m"), d = addr_of (r, "d"), q;
  pb_rebuild_info before, after;
  const pb_graph *g;

  start (r);
  g_assert_cmpint (pb_runner_last_rebuild (r, &before), ==, PB_OK);
  g_assert_cmpint (pb_runner_connect (r, pb_addr_with_port (m, 1), d), ==, PB_EBUSY);
  g_assert_cmpint (pb_runner_remove_process (r, pb_addr_make (0, 999, 0)), ==, PB_ENOENT);
  g_assert_cmpint (pb_runner_insert_process (r, m, "map"), ==, PB_EEXIST);
  g_assert_cmpint (pb_runner_disconnect (r, pb_addr_with_port (m, 7)), ==, PB_ENOTCONN);
  g_assert_cmpint (pb_runner_set_name (r, m, "d"), ==, PB_EEXIST);
  g_assert_cmpint (pb_runner_set_param (r, m, "", "1"), ==, PB_EINVAL);

  g = pb_runner_lock_graph (r);
  g_assert_nonnull (g);
  g_assert_null (pb_runner_lock_graph (r));
  g_assert_cmpuint (pb_graph_n_processes (g), ==, 3);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 2);
  g_assert_cmpuint (pb_graph_find_name (g, "m"), ==, m);
  /* Editing while holding the lock would wait for itself. */
  g_assert_cmpint (pb_runner_add_process (r, 0, "sum", &q), ==, PB_EDEADLK);
  g_assert_cmpint (pb_runner_sync (r, SECOND), ==, PB_EDEADLK);
  pb_runner_unlock_graph (r);

  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  g_assert_cmpint (pb_runner_last_rebuild (r, &after), ==, PB_OK);
  g_assert_cmpuint (after.edits, ==, before.edits);
  g_assert_cmpuint (after.recompiled, ==, before.recompiled);
  pb_runner_free (r);
}

typedef struct
{
  pb_runner *runner;
  pb_addr    sink;
  int        taken;
} Watcher;

static gpointer
watch (gpointer data)
{
  Watcher *w = data;
  uint64_t last_time = 0, last_items = 0, last_calls = 0;

  for (w->taken = 0; w->taken < 30; w->taken++)
    {
      pb_snapshot *s = pb_runner_snapshot (w->runner);
      pb_process_info info = info_in (s, w->sink);
      pb_chain_info chain;

      g_assert_cmpuint (pb_snapshot_time_ns (s), >=, last_time);
      g_assert_cmpuint (info.items_in, >=, last_items);
      g_assert_cmpuint (info.calls, >=, last_calls);
      g_assert_cmpint (pb_snapshot_chain (s, info.chain, &chain), ==, PB_OK);
      /* One moment: the chain ran at least as often as its sink. */
      g_assert_cmpuint (chain.calls, ==, info.calls);
      g_assert_cmpuint (pb_snapshot_n_rings (s), ==, 1);
      last_time = pb_snapshot_time_ns (s);
      last_items = info.items_in;
      last_calls = info.calls;
      pb_snapshot_free (s);
      g_usleep (10000);
    }
  return NULL;
}

static void
test_snapshots (void)
{
  pb_runner *r = runner_of_text ("seq to=1000000000000 ! throttle rate=1000000 ! sum name=s");
  Watcher w[2] = { { r, 0, 0 }, { r, 0, 0 } };
  GThread *threads[2];
  pb_snapshot *s;
  pb_ring_info ring;

  w[0].sink = w[1].sink = addr_of (r, "s");
  start (r);
  threads[0] = g_thread_new ("watch", watch, &w[0]);
  threads[1] = g_thread_new ("watch", watch, &w[1]);
  g_thread_join (threads[0]);
  g_thread_join (threads[1]);

  s = pb_runner_snapshot (r);
  g_assert_cmpint (pb_snapshot_ring (s, 0, &ring), ==, PB_OK);
  g_assert_cmpuint (ring.capacity, >=, 4096);
  g_assert_cmpuint (ring.fill, <=, ring.capacity);
  g_assert_cmpint (pb_snapshot_ring (s, 1, &ring), ==, PB_ENOENT);
  /* A running sum shows its value so far. */
  g_assert_nonnull (info_in (s, w[0].sink).result);
  g_assert_cmpuint (g_ascii_strtoull (info_in (s, w[0].sink).result, NULL, 10), >, 0);
  pb_snapshot_free (s);
  pb_runner_free (r);
}

/* A long compile happens off the runner thread: while it lasts, the
 * chains already running go on moving items, and the runner keeps
 * publishing fresh snapshots of them. */
static void
test_compile_off_thread (void)
{
  pb_runner *r = runner_of_text ("seq to=1000000000000 ! throttle rate=1000000 ! count name=a");
  pb_addr a = addr_of (r, "a"), prev, p;
  uint64_t committed, first = 0, last = 0;
  pb_rebuild_info info;
  int fresh = 0;

  start (r);
  until_items (r, "a", 1000);
  /* 2,002 processes in a line, which the engine cuts into 2 chains of at
   * most 1,024: about 40 ms of tcc, for what the swap needs alone (the
   * profiling variant is compiled after it). More would only slow the
   * sanitizer build, whose string checks make tcc's parsing quadratic. */
  g_assert_cmpint (pb_runner_begin (r), ==, PB_OK);
  g_assert_cmpint (pb_runner_add_process (r, 0, "seq", &prev), ==, PB_OK);
  g_assert_cmpint (pb_runner_set_param (r, prev, "to", "10"), ==, PB_OK);
  prev = pb_addr_with_port (prev, 0);
  for (int i = 0; i < 2000; i++)
    {
      g_assert_cmpint (pb_runner_add_process (r, 0, "map", &p), ==, PB_OK);
      g_assert_cmpint (pb_runner_set_param (r, p, "expr", "x+1"), ==, PB_OK);
      g_assert_cmpint (pb_runner_connect (r, prev, p), ==, PB_OK);
      prev = pb_addr_with_port (p, 1);
    }
  g_assert_cmpint (pb_runner_add_process (r, 0, "discard", &p), ==, PB_OK);
  g_assert_cmpint (pb_runner_connect (r, prev, p), ==, PB_OK);
  committed = g_get_monotonic_time () * 1000;
  g_assert_cmpint (pb_runner_commit (r), ==, PB_OK);

  while (pb_runner_sync (r, 0) == PB_ETIMEDOUT)
    {
      pb_snapshot *s = pb_runner_snapshot (r);

      /* Only copies taken while the build was under way count. */
      if (pb_snapshot_time_ns (s) > committed && pb_runner_sync (r, 0) == PB_ETIMEDOUT)
        {
          uint64_t items = info_in (s, a).items_in;

          if (fresh++ == 0)
            first = items;
          last = items;
        }
      pb_snapshot_free (s);
      g_usleep (1000);
    }
  g_assert_cmpint (pb_runner_last_rebuild (r, &info), ==, PB_OK);
  g_assert_cmpuint (info.latency_ns, >, 10000000);
  g_assert_cmpuint (info.recompiled, ==, 2);
  g_assert_cmpuint (info.kept, ==, 2);
  g_assert_cmpint (fresh, >=, 2);
  g_assert_cmpuint (last, >, first);
  pb_runner_free (r);
}

typedef struct
{
  pb_runner *runner;
  pb_addr    q, m1, m2, total;
  pb_addr    path[5];        /* the processes after the source */
  int        edits;
  int        while_running;  /* edits made live before the sink ended */
} Editor;

/* Toggles break-inlining on the link into @process: joining two chains
 * removes the ring between them, items and all, and splitting one adds
 * a ring. */
static void
toggle_break (pb_runner *r,
              pb_addr    process)
{
  pb_addr in = pb_addr_with_port (process, 0);
  const pb_graph *g = pb_runner_lock_graph (r);
  uint32_t flags = pb_graph_link_flags (g, in);

  pb_runner_unlock_graph (r);
  g_assert_cmpint (pb_runner_set_link_flags (r, in, flags ^ PB_LINK_BREAK_INLINING), ==, PB_OK);
}

/* 1,000 random edits, each made live before the next: equivalent
 * expressions and break-inlining marks on the items' path, and a
 * pipeline elsewhere added, re-parameterised, connected and removed. */
static gpointer
edit_randomly (gpointer data)
{
  Editor *ed = data;
  pb_runner *r = ed->runner;
  static const char *const exprs[] = { "x", "x+0", "x*1", "(x)", "x-0" };
  pb_addr other = 0, sink = 0;
  GRand *rand = g_rand_new_with_seed (7);

  for (ed->edits = 0; ed->edits < 1000; ed->edits++)
    {
      pb_addr m = g_rand_boolean (rand) ? ed->m1 : ed->m2;

      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0:
          g_assert_cmpint (pb_runner_set_param (r, m, "expr", exprs[g_rand_int_range (rand, 0, 5)]), ==, PB_OK);
          break;
        case 1:
          if (other == 0)
            {
              g_assert_cmpint (pb_runner_add_process (r, 0, "seq", &other), ==, PB_OK);
              g_assert_cmpint (pb_runner_add_process (r, 0, "discard", &sink), ==, PB_OK);
              g_assert_cmpint (pb_runner_connect (r, pb_addr_with_port (other, 0), sink), ==, PB_OK);
            }
          g_assert_cmpint (pb_runner_set_param (r, other, "to", g_rand_boolean (rand) ? "100" : "200"), ==, PB_OK);
          break;
        case 2:
          toggle_break (r, ed->path[g_rand_int_range (rand, 0, G_N_ELEMENTS (ed->path))]);
          break;
        default:
          if (other != 0)
            {
              g_assert_cmpint (pb_runner_remove_process (r, other), ==, PB_OK);
              g_assert_cmpint (pb_runner_remove_process (r, sink), ==, PB_OK);
              other = sink = 0;
            }
          break;
        }
      g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
      if (pb_runner_get_state (r) == PB_RUNNER_RUNNING)
        {
          pb_snapshot *s = pb_runner_snapshot (r);

          ed->while_running += info_in (s, ed->total).state == PB_PROCESS_READY;
          pb_snapshot_free (s);
        }
    }
  g_rand_free (rand);
  return NULL;
}

/* Every item exactly once, in order, through 1,000 live edits. The check
 * turns each item into 1 when it follows the one before, and a billion
 * when it does not (lost, repeated or out of order): the sum is N exactly
 * when all N came in order. PB_ORDER_ITEMS makes it shorter (under
 * sanitizers); the throttle keeps the stream flowing for about as long
 * as the edits take, 10^7 items over four seconds. */
static void
test_order (void)
{
  const char *env = g_getenv ("PB_ORDER_ITEMS");
  uint64_t n = env != NULL ? g_ascii_strtoull (env, NULL, 10) : 10000000;
  g_autofree char *text = g_strdup_printf (
    "seq name=q from=1 to=%" PRIu64 " ! map name=m1 expr=\"x\" ! throttle rate=%" PRIu64 " "
    "! map name=m2 expr=\"x\" ! c name=chk state=\"long long prev;\" "
    "code=\"emit (x == s->prev + 1 ? 1 : 1000000000); s->prev = x;\" ! sum name=total",
    n, n / 4 + 1);
  g_autofree char *expected = g_strdup_printf ("%" PRIu64, n);
  g_autofree char *result = NULL;
  pb_runner *r = runner_of_text (text);
  Editor ed = { r, addr_of (r, "q"), addr_of (r, "m1"), addr_of (r, "m2"), addr_of (r, "total"),
                { addr_of (r, "m1"), addr_of (r, "throttle0"), addr_of (r, "m2"), addr_of (r, "chk"),
                  addr_of (r, "total") }, 0, 0 };
  GThread *editor;

  start (r);
  editor = g_thread_new ("edit", edit_randomly, &ed);
  g_thread_join (editor);
  g_assert_cmpint (pb_runner_wait (r, 60 * SECOND, NULL), ==, PB_OK);
  result = result_now (r, "total");
  g_assert_cmpstr (result, ==, expected);
  g_assert_cmpuint (info_now (r, "chk").items_in, ==, n);
  g_test_message ("%d of 1000 edits went live while the items flowed", ed.while_running);
  g_assert_cmpint (ed.while_running, >=, 100);
  pb_runner_free (r);
}

/* The source of the chain that runs process @m in @s. */
static const char *
source_of (const pb_snapshot *s,
           pb_addr            m)
{
  size_t chain = info_in (s, m).chain;

  g_assert_cmpuint (chain, <, pb_snapshot_n_chains (s));
  return pb_snapshot_chain_source (s, chain);
}

/* "Show generated C" reads a snapshot: the code the chain runs, which an
 * older snapshot keeps after a recompile, and even after the runner. */
static void
test_chain_source (void)
{
  pb_runner *r = runner_of_text ("seq to=1000000000000 ! map name=m expr=\"x*7\" ! discard");
  pb_addr m = addr_of (r, "m");
  pb_snapshot *before, *after;

  start (r);
  before = pb_runner_snapshot (r);
  g_assert_nonnull (strstr (source_of (before, m), "x*7"));
  g_assert_null (pb_snapshot_chain_source (before, pb_snapshot_n_chains (before)));
  g_assert_cmpint (pb_runner_set_param (r, m, "expr", "x*11"), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  after = pb_runner_snapshot (r);
  g_assert_nonnull (strstr (source_of (after, m), "x*11"));
  g_assert_null (strstr (source_of (after, m), "x*7"));
  pb_runner_free (r);
  g_assert_nonnull (strstr (source_of (before, m), "x*7"));
  g_assert_null (strstr (source_of (before, m), "x*11"));
  pb_snapshot_free (before);
  pb_snapshot_free (after);
}

static void
test_pause_resume (void)
{
  pb_runner *r = runner_of_text ("seq to=1000000000000 ! throttle rate=1000000 ! sum name=s");
  uint64_t a, b;

  g_assert_cmpint (pb_runner_pause (r), ==, PB_EINVAL);
  start (r);
  until_items (r, "s", 1000);
  g_assert_cmpint (pb_runner_pause (r), ==, PB_OK);
  g_assert_cmpint (pb_runner_get_state (r), ==, PB_RUNNER_PAUSED);
  /* Once the snapshot was taken at a step boundary after the pause,
   * nothing moves. */
  a = info_now (r, "s").items_in;
  g_usleep (50000);
  b = info_now (r, "s").items_in;
  g_assert_cmpuint (a, ==, b);
  g_assert_cmpint (pb_runner_resume (r), ==, PB_OK);
  until_items (r, "s", b + 1000);
  g_assert_cmpint (pb_runner_get_state (r), ==, PB_RUNNER_RUNNING);
  pb_runner_free (r);
}

static void
test_restart (void)
{
  pb_runner *r = runner_of_text ("seq to=1000 ! sum name=s");
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  pb_snapshot *s;

  /* Never started: edits edit, nothing runs. */
  g_assert_cmpint (pb_runner_get_state (r), ==, PB_RUNNER_STOPPED);
  g_assert_cmpint (pb_runner_sync (r, 0), ==, PB_OK);
  s = pb_runner_snapshot (r);
  g_assert_cmpuint (pb_snapshot_n_processes (s), ==, 0);
  pb_snapshot_free (s);

  start (r);
  g_assert_cmpint (pb_runner_start (r, NULL), ==, PB_EBUSY);
  g_assert_cmpint (pb_runner_wait (r, 10 * SECOND, NULL), ==, PB_OK);
  first = result_now (r, "s");
  g_assert_cmpint (pb_runner_stop (r), ==, PB_OK);
  g_assert_cmpint (pb_runner_get_state (r), ==, PB_RUNNER_STOPPED);
  /* The last run's copy stays readable. */
  g_assert_cmpuint (info_now (r, "s").items_in, ==, 1000);

  start (r);
  g_assert_cmpint (pb_runner_wait (r, 10 * SECOND, NULL), ==, PB_OK);
  second = result_now (r, "s");
  g_assert_cmpstr (first, ==, "500500");
  g_assert_cmpstr (second, ==, "500500");
  g_assert_cmpuint (info_now (r, "s").items_in, ==, 1000);
  pb_runner_free (r);
}

static void
test_fault (void)
{
  const char *texts[] = {
    "seq from=1 to=100 ! map name=m expr=\"x/(x-50)\" ! sum name=bad",
    "seq name=q to=100000 ! throttle rate=400000 ! sum name=good",
    NULL,
  };
  pb_runner *r = runner_of (texts);
  g_autofree char *message = NULL;
  g_autofree char *good = NULL;
  pb_error err = { PB_OK, "" };

  start (r);
  while (info_now (r, "m").state != PB_PROCESS_FAILED)
    g_usleep (1000);
  message = message_now (r, "m");
  g_assert_nonnull (strstr (message, "division by zero"));
  /* The other chain goes on. */
  g_assert_cmpint (info_now (r, "good").state, ==, PB_PROCESS_READY);
  g_assert_cmpint (pb_runner_wait (r, 10 * SECOND, &err), ==, PB_EFAULT);
  g_assert_nonnull (strstr (err.message, "m: "));
  good = result_now (r, "good");
  g_assert_cmpstr (good, ==, "5000050000");
  pb_runner_free (r);
}

static void
test_free_while_running (void)
{
  pb_runner *r = runner_of_text ("seq to=1000000000000 ! map expr=\"x\" ! sum name=s");

  start (r);
  until_items (r, "s", 10000);
  pb_runner_free (r);
  pb_runner_free (NULL);
}

/* Waits for a full probe on @output, and returns it. */
static pb_probe_info
full_probe (pb_runner *r,
            pb_addr    output)
{
  pb_probe_info probe = { 0 };
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      pb_snapshot *s = pb_runner_snapshot (r);
      int rc = pb_snapshot_probe (s, output, &probe);

      pb_snapshot_free (s);
      if (rc == PB_OK && probe.n_values == PB_PROBE_VALUES)
        return probe;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (2000);
    }
}

/*
 * A probe shows the latest items that left a port without rewiring:
 * setting one compiles again only the chain that holds the port, its
 * values are what the port emitted, in order, oldest first, and clearing
 * it takes the tap out again. The source's chain ends in a ring (before
 * the throttle), the map sits inside its chain: both kinds of tap.
 */
static void
test_probe (void)
{
  pb_runner *r = runner_of_text ("seq name=src to=1000000000000 ! throttle rate=200000 "
                                 "! map name=m expr=\"x*2\" ! count name=a");
  pb_addr src = addr_of (r, "src"), m = addr_of (r, "m");
  pb_addr m_out = pb_addr_with_port (m, 1), src_out = pb_addr_with_port (src, 0);
  pb_rebuild_info info;
  pb_probe_info probe;
  pb_snapshot *s;

  start (r);
  until_items (r, "a", 100);
  s = pb_runner_snapshot (r);
  g_assert_cmpint (pb_snapshot_probe (s, m_out, &probe), ==, PB_ENOENT);
  g_assert_null (strstr (source_of (s, m), "pb_io->probes"));
  pb_snapshot_free (s);

  g_assert_cmpint (pb_runner_set_probe (r, m_out, true), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  g_assert_cmpint (pb_runner_last_rebuild (r, &info), ==, PB_OK);
  g_assert_cmpuint (info.recompiled, ==, 1);
  g_assert_cmpuint (info.kept, ==, 1);
  probe = full_probe (r, m_out);
  g_assert_cmpuint (probe.output, ==, m_out);
  g_assert_cmpint (probe.type, ==, PB_ITEM_I64);
  g_assert_cmpuint (probe.seen, >=, PB_PROBE_VALUES);
  g_assert_cmpint (probe.values[0].i64 % 2, ==, 0);
  for (size_t k = 1; k < probe.n_values; k++)
    g_assert_cmpint (probe.values[k].i64, ==, probe.values[k - 1].i64 + 2);

  /* At the tail of a chain, where the item goes into a ring. */
  g_assert_cmpint (pb_runner_set_probe (r, src_out, true), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  probe = full_probe (r, src_out);
  for (size_t k = 1; k < probe.n_values; k++)
    g_assert_cmpint (probe.values[k].i64, ==, probe.values[k - 1].i64 + 1);

  /* A port of no process is refused; setting a probe twice changes
   * nothing and compiles nothing. */
  g_assert_cmpint (pb_runner_set_probe (r, pb_addr_make (0, 4000, 1), true), ==, PB_ENOENT);
  g_assert_cmpint (pb_runner_set_probe (r, m_out, true), ==, PB_OK);

  g_assert_cmpint (pb_runner_set_probe (r, m_out, false), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  g_assert_cmpint (pb_runner_last_rebuild (r, &info), ==, PB_OK);
  g_assert_cmpuint (info.recompiled, ==, 1);
  s = pb_runner_snapshot (r);
  g_assert_cmpint (pb_snapshot_probe (s, m_out, &probe), ==, PB_ENOENT);
  g_assert_cmpint (pb_snapshot_probe (s, src_out, &probe), ==, PB_OK);
  g_assert_null (strstr (source_of (s, m), "pb_io->probes"));
  pb_snapshot_free (s);
  pb_runner_free (r);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  alarm (WATCHDOG_S);

  g_test_add_func ("/Pushback/Runner/edit-while-running", test_edit_while_running);
  g_test_add_func ("/Pushback/Runner/fifty-chains", test_fifty_chains);
  g_test_add_func ("/Pushback/Runner/scoped-plan", test_scoped_plan);
  g_test_add_func ("/Pushback/Runner/batch", test_batch);
  g_test_add_func ("/Pushback/Runner/bypass", test_bypass);
  g_test_add_func ("/Pushback/Runner/incomplete", test_incomplete);
  g_test_add_func ("/Pushback/Runner/waiting-keeps-state", test_waiting_keeps_state);
  g_test_add_func ("/Pushback/Runner/waiting-keeps-items", test_waiting_keeps_items);
  g_test_add_func ("/Pushback/Runner/refused-edits", test_refused_edits);
  g_test_add_func ("/Pushback/Runner/snapshots", test_snapshots);
  g_test_add_func ("/Pushback/Runner/compile-off-thread", test_compile_off_thread);
  g_test_add_func ("/Pushback/Runner/order", test_order);
  g_test_add_func ("/Pushback/Runner/chain-source", test_chain_source);
  g_test_add_func ("/Pushback/Runner/probe", test_probe);
  g_test_add_func ("/Pushback/Runner/pause-resume", test_pause_resume);
  g_test_add_func ("/Pushback/Runner/restart", test_restart);
  g_test_add_func ("/Pushback/Runner/fault", test_fault);
  g_test_add_func ("/Pushback/Runner/hold-and-mend", test_hold_and_mend);
  g_test_add_func ("/Pushback/Runner/free-while-running", test_free_while_running);
  return g_test_run ();
}
