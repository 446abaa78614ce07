/* runner.c — a topology running on a thread of its own, edited while it runs
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * Two threads: the runner thread steps the engine, and the build thread
 * turns edits into compiled plans (engine-private.h), so that compiling
 * never stalls the chains an edit did not touch. A build goes:
 *
 * 1. the build thread, holding the graph lock, reads the graph into a
 *    plan (a few microseconds per process: edits wait that long): only
 *    the part of it linked to the processes the edits changed, which the
 *    graph's events name, so that an edit costs what it touched; the
 *    whole graph after a start, a join, or a plan that failed;
 * 2. it generates and compiles the chains whose code changed, with no
 *    lock held, while the runner thread keeps stepping the old engine;
 * 3. it hands the plan over and pokes the runner thread, which swaps it
 *    in between two chain calls (its engine's steps yield when poked),
 *    keeping every chain outside the planned part as it is. Only the
 *    runner thread runs chain code, so the units of the old chains, freed
 *    by the swap, have no thread inside.
 *
 * The build thread starts no plan while one waits to be swapped in: the
 * compile step reads the engine's chains, which only a swap changes.
 *
 * Three locks, always taken in this order:
 *
 * - control serialises start, stop and free, since a stop joins threads;
 * - graph_lock guards the graph: edits, readers through
 *   pb_runner_lock_graph(), and the build thread while it reads it;
 * - lock guards the rest of the shared state, and goes with `changed`,
 *   the condition that waiters (sync, wait, snapshot, begin, the build
 *   thread) sleep on.
 *
 * The engine belongs to the runner thread alone. Other threads ask it for
 * work (a swap, a snapshot, a pause, the end) by changing the shared state
 * under `lock` and then poking it: bumping `attention`, which the thread
 * reads between two steps without a lock, and writing to an eventfd, which
 * wakes it from its sleep. The eventfd is in the same poll() as the
 * descriptors and timers that the engine's waiting chains sleep on, so an
 * idle runner sleeps until whichever comes first, and never spins.
 */

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <pushback/runner.h>

#include "clock.h"
#include "engine-private.h"
#include "snapshot.h"
#include "i18n.h"

/* How long pb_runner_snapshot() waits for a fresh copy before it takes
 * the latest one: a few frames of a live view. */
#define SNAPSHOT_WAIT_NS UINT64_C (20000000)
#define STALE_WAIT_NS    UINT64_C (2000000000)
/* How long edits must pause before the profiling variants are compiled: an
 * edit arriving while the build thread compiles them would wait for it, so
 * a burst of edits (typing an expression, dragging) goes first. */
#define PROFILE_QUIET_NS UINT64_C (100000000)

struct pb_runner
{
  pb_graph          *graph;
  pthread_mutex_t    graph_lock;
  pthread_mutex_t    control;

  pthread_mutex_t    lock;
  pthread_cond_t     changed;
  int                wake_fd;
  atomic_uint_fast64_t attention;
  /* Whether the build thread has an edit to plan and compile, or is
   * compiling profiles: the runner thread leaves it the CPU it would
   * spin on waiting for the worker (note_building()). */
  atomic_bool        building;
  bool               profiling;   /* under `lock` */

  bool               headless;    /* a strict engine: see pb_runner_set_headless() */
  pb_isolation       isolation;
  bool               started;     /* the threads exist */
  bool               quit;
  bool               paused;
  bool               finished;    /* every chain had ended at the last look */
  bool               need_build;  /* a fresh engine, not built yet */
  bool               need_plan;   /* ... nor planned */
  pthread_t          thread;
  pthread_t          builder;
  /* The runner thread's: the attention it last saw (see should_yield()). */
  uint64_t           seen;
  pb_engine         *engine;      /* the runner thread's, but for plans */

  /* Events the graph sent, under graph_lock: an edit that sent none
   * changed nothing (a parameter set to its value) and is not counted. */
  uint64_t           graph_events;
  uint64_t           events_before;
  /* The processes those events named, under graph_lock, since the last
   * plan: the build thread plans only their part of the topology
   * (pb__plan_new_scoped()). `dirty_all` when that part is not known, or
   * is large: the next plan takes the whole graph. */
  pb_addr           *dirty;
  size_t             n_dirty;
  size_t             dirty_room;
  bool               dirty_all;
  bool               whole_next;  /* under `lock`: a plan or swap failed */
  /* Probed output ports, under graph_lock; each plan gives the engine
   * a copy (pb_runner_set_probe()). */
  pb_addr           *probes;
  size_t             n_probes;
  uint32_t           listener;
  uint64_t           edits;       /* accepted, and changing the graph */
  uint64_t           planned;     /* of those, in a plan */
  uint64_t           live;        /* of those, built into the engine */
  uint64_t           first_pending_ns;
  uint64_t           last_edit_ns;
  pb__plan          *pending;     /* compiled, waiting to be swapped in */
  /* Profiling variants, compiled after the swap that needed the chains
   * (engine-private.h): wanted, then waiting to be swapped in. */
  bool               profile_wanted;
  pb__profile       *pending_profile;
  uint64_t           pending_edits;
  uint64_t           pending_since;
  unsigned           batch_depth;
  pthread_t          batch_owner;

  uint64_t           snap_asked;
  uint64_t           snap_given;
  pb_snapshot       *latest;
  uint64_t           latest_live; /* r->live when latest was taken */

  bool               have_rebuild;
  pb_rebuild_info    rebuild;
  int                result;
  pb_error           failure;
  pb_error           refused;     /* why a headless build refused the topology */
};

/* Which runner's graph lock the calling thread holds: an edit from that
 * thread would wait for itself. */
static _Thread_local const pb_runner *graph_holder;

/* With `lock` held: says whether the build thread has work, which a
 * 2-core machine otherwise delays by milliseconds: the runner thread
 * spinning on a call in the worker holds one CPU, the worker the other. */
static void
note_building (pb_runner *r)
{
  atomic_store_explicit (&r->building, r->edits != r->planned || r->profiling,
                         memory_order_relaxed);
}

static void
poke (pb_runner *r)
{
  uint64_t one = 1;

  atomic_fetch_add_explicit (&r->attention, 1, memory_order_release);
  /* A full counter (2^64 - 2 pokes) still wakes the reader: ignore it. */
  if (write (r->wake_fd, &one, sizeof one) < 0)
    return;
}

static void
drain (pb_runner *r)
{
  uint64_t count;

  if (read (r->wake_fd, &count, sizeof count) < 0)
    return; /* EAGAIN: nobody poked */
}

/* Waits on `changed` until @deadline_ns (CLOCK_MONOTONIC), UINT64_MAX for
 * ever. Returns: false once the deadline has passed. */
static bool
wait_changed (pb_runner *r,
              uint64_t   deadline_ns)
{
  struct timespec ts;

  if (deadline_ns == UINT64_MAX)
    {
      pthread_cond_wait (&r->changed, &r->lock);
      return true;
    }
  if (pb_clock_now_ns () >= deadline_ns)
    return false;
  ts.tv_sec = (time_t) (deadline_ns / UINT64_C (1000000000));
  ts.tv_nsec = (long) (deadline_ns % UINT64_C (1000000000));
  return pthread_cond_timedwait (&r->changed, &r->lock, &ts) != ETIMEDOUT
         || pb_clock_now_ns () < deadline_ns;
}

static uint64_t
deadline_of (uint64_t timeout_ns)
{
  uint64_t now = pb_clock_now_ns ();

  return timeout_ns >= UINT64_MAX - now ? UINT64_MAX : now + timeout_ns;
}

/* On the runner thread, with `lock` held: how the run stands. */
static void
note_end (pb_runner *r)
{
  r->finished = pb_engine_finished (r->engine);
  pb_error_clear (&r->failure);
  r->result = pb_engine_failure (r->engine, &r->failure);
  /* A refused topology left the engine empty, and so without failure. */
  if (r->refused.code != PB_OK)
    {
      r->result = r->refused.code;
      r->failure = r->refused;
    }
}

/* On the runner thread: publishes a fresh snapshot to every asker. */
static void
publish (pb_runner *r)
{
  pb_snapshot *s;
  uint64_t asked;
  uint64_t live;

  pthread_mutex_lock (&r->lock);
  asked = r->snap_asked;
  live = r->live;
  pthread_mutex_unlock (&r->lock);
  s = pb__snapshot_take (r->engine);
  pthread_mutex_lock (&r->lock);
  if (s != NULL)
    {
      pb_snapshot_free (r->latest);
      r->latest = s;
      r->latest_live = live;
    }
  /* Out of memory, askers get the latest copy rather than wait. */
  r->snap_given = asked;
  note_end (r);
  pthread_cond_broadcast (&r->changed);
  pthread_mutex_unlock (&r->lock);
}

/* On the runner thread: when a ring kept for a join has drained, asks the
 * build thread for the plan that joins its chains. */
static void
plan_rejoin (pb_runner *r)
{
  if (!pb__engine_take_rejoin (r->engine))
    return;
  pthread_mutex_lock (&r->lock);
  r->need_plan = true;
  pthread_cond_broadcast (&r->changed);
  pthread_mutex_unlock (&r->lock);
}

/* On the runner thread, between two steps: swaps in the plan the build
 * thread compiled. */
static void
swap_in (pb_runner *r)
{
  pb__plan *pl;
  uint64_t target, since, edits;
  size_t compiled, kept;
  int rc;

  pthread_mutex_lock (&r->lock);
  pl = r->pending;
  target = r->planned;
  since = r->pending_since;
  edits = r->pending_edits;
  pthread_mutex_unlock (&r->lock);
  /* Problems show in the processes' states and messages; out of memory,
   * the engine stays as it was and the next edit tries again. */
  rc = pb__plan_swap (r->engine, pl, NULL);
  if (rc == PB_EAGAIN)
    {
      /* The plan joins two chains across a ring that still holds items:
       * the engine keeps that ring now, and the same edits are planned
       * again, keeping the two apart until it has drained. The next plan
       * takes the whole graph (need_plan). */
      pthread_mutex_lock (&r->lock);
      r->pending = NULL;
      r->planned = r->live;
      r->need_plan = true;
      note_building (r);
      r->first_pending_ns = since;
      pthread_cond_broadcast (&r->changed);
      pthread_mutex_unlock (&r->lock);
      return;
    }
  pb_engine_last_build (r->engine, &compiled, &kept);
  plan_rejoin (r);

  pthread_mutex_lock (&r->lock);
  /* Out of memory, the engine may not have all of the plan: the next plan
   * takes the whole graph. */
  r->whole_next |= rc == PB_ENOMEM;
  /* Cleared only now: until the swap is over, the build thread must not
   * start its next compile, which reads the chains being swapped. */
  r->pending = NULL;
  r->live = target;
  r->need_build = false;
  r->have_rebuild = true;
  r->rebuild = (pb_rebuild_info) { edits, compiled, kept, pb_clock_now_ns () - since,
                                   r->engine->last_planned };
  r->profile_wanted |= r->engine->profile_due;
  r->engine->profile_due = false;
  /* With the edits live, whether the run has ended must be true of the
   * new engine, or pb_runner_wait() would end on the old one's. */
  note_end (r);
  /* The build thread waits for the swap before it plans again. */
  pthread_cond_broadcast (&r->changed);
  pthread_mutex_unlock (&r->lock);
  /* No snapshot is taken here: a copy of every process costs milliseconds
   * at 10,000 of them, and the next swap would wait for it. Whoever wants
   * one asks (pb_runner_snapshot()), and gets it at the next boundary. */
}

/* On the runner thread, between two steps: gives the chains the
 * profiling variants the build thread compiled. */
static void
profile_in (pb_runner *r)
{
  pb__profile *pf;

  pthread_mutex_lock (&r->lock);
  pf = r->pending_profile;
  pthread_mutex_unlock (&r->lock);
  pb__profile_swap (r->engine, pf);
  pthread_mutex_lock (&r->lock);
  /* Cleared only now, as for a plan: a compile reads what this changed. */
  r->pending_profile = NULL;
  r->profile_wanted |= r->engine->profile_due;
  r->engine->profile_due = false;
  pthread_cond_broadcast (&r->changed);
  pthread_mutex_unlock (&r->lock);
}

/* With `lock` held: whether the build thread has a plan to make. */
static bool
plan_due (const pb_runner *r)
{
  return r->batch_depth == 0 && r->pending == NULL && r->pending_profile == NULL
         && (r->need_plan || r->edits != r->planned);
}

/* With `lock` held: whether the build thread has profiling variants to
 * compile; edits waiting to go live come first, and the compile waits
 * for PROFILE_QUIET_NS without edits. */
static bool
profile_due (const pb_runner *r)
{
  return r->profile_wanted && r->batch_depth == 0 && !r->need_plan
         && r->edits == r->planned && r->pending == NULL && r->pending_profile == NULL;
}

/* The build thread: plans and compiles every edit accepted so far, and
 * hands the plan to the runner thread. */
static void *
builder_main (void *data)
{
  pb_runner *r = data;

  pthread_mutex_lock (&r->lock);
  for (;;)
    {
      pb__plan *pl = NULL;
      pb_error perr = { PB_OK, "" };
      uint64_t target, since;
      bool whole;

      while (!r->quit && !plan_due (r))
        {
          uint64_t quiet = r->last_edit_ns + PROFILE_QUIET_NS;

          if (profile_due (r) && pb_clock_now_ns () >= quiet)
            break;
          wait_changed (r, profile_due (r) ? quiet : UINT64_MAX);
        }
      if (r->quit)
        break;
      if (!plan_due (r))
        {
          pb__profile *pf = NULL;

          r->profile_wanted = false;
          r->profiling = true;
          note_building (r);
          pthread_mutex_unlock (&r->lock);
          /* Out of memory, the chains only run unprofiled. */
          pb__profile_compile (r->engine, &pf);
          pthread_mutex_lock (&r->lock);
          r->profiling = false;
          note_building (r);
          if (pf != NULL)
            {
              r->pending_profile = pf;
              poke (r);
            }
          continue;
        }
      pthread_mutex_unlock (&r->lock);

      pthread_mutex_lock (&r->graph_lock);
      pthread_mutex_lock (&r->lock);
      /* Read under the graph lock: a batch that opened meanwhile may have
       * edits in the graph already, which must wait for the rest of their
       * batch; the edits counted are exactly those in the graph. */
      if (r->batch_depth > 0)
        {
          pthread_mutex_unlock (&r->graph_lock);
          continue;
        }
      target = r->edits;
      since = r->first_pending_ns;
      /* A fresh engine, a join whose ring has drained and a plan that
       * could not be made or swapped in (need_plan) take the whole graph;
       * edits, only their part of it. */
      whole = r->need_plan || r->whole_next || r->dirty_all;
      r->whole_next = false;
      pthread_mutex_unlock (&r->lock);
      if (pb__probe_set_copy (&r->engine->probes, &r->engine->n_probes,
                              r->probes, r->n_probes) != PB_OK)
        pl = NULL;
      else if ((whole ? pb__plan_new (r->engine, &pl, &perr)
                : pb__plan_new_scoped (r->engine, r->dirty, r->n_dirty, &pl, &perr)) != PB_OK)
        pl = NULL;
      r->n_dirty = 0;
      r->dirty_all = false;
      pthread_mutex_unlock (&r->graph_lock);
      if (pl != NULL && pb__plan_compile (r->engine, pl, NULL) != PB_OK)
        {
          pb__plan_free (pl);
          pl = NULL;
        }

      pthread_mutex_lock (&r->lock);
      r->pending_edits = target - r->planned;
      r->planned = target;
      note_building (r);
      r->need_plan = false;
      r->pending_since = since;
      if (pl != NULL)
        {
          pb_error_clear (&r->refused);
          r->pending = pl;
          poke (r);
        }
      else
        {
          /* Out of memory, or a headless runner's topology refused: the
           * engine stays as it was, the edits count as live (sync
           * returns), and the next edit tries again, planning the whole
           * graph, since the part these edits changed is not built. */
          r->whole_next = true;
          if (r->headless && perr.code != PB_ENOMEM)
            {
              r->refused = perr;
              r->result = perr.code;
              r->failure = perr;
            }
          r->live = target;
          r->need_build = false;
          pthread_cond_broadcast (&r->changed);
          /* A fresh engine's runner thread waits for its first build. */
          poke (r);
        }
    }
  pthread_mutex_unlock (&r->lock);
  return NULL;
}

/* On the runner thread, between two chain calls of a step: whether it
 * has been asked to look at something else. A step of a thousand running
 * chains calls each once, which takes tens of milliseconds: an edit
 * waiting to be swapped in does not wait for all of them. */
static bool
should_yield (void *data)
{
  pb_runner *r = data;

  return atomic_load_explicit (&r->attention, memory_order_relaxed) != r->seen;
}

/* On the runner thread: steps until asked to look at something else, the
 * run ends, or nothing can move; then sleeps until something can, or it is
 * asked. */
static void
run (pb_runner *r,
     uint64_t   seen)
{
  pb_engine *e = r->engine;

  r->seen = seen;
  while (atomic_load_explicit (&r->attention, memory_order_relaxed) == seen)
    {
      if (pb_engine_step (e))
        {
          plan_rejoin (r);
          continue;
        }
      if (pb_engine_finished (e))
        {
          publish (r);
          return;
        }
      pb_engine_wait (e, r->wake_fd, -1);
    }
}

static void *
runner_main (void *data)
{
  pb_runner *r = data;

  for (;;)
    {
      uint64_t seen;
      bool swap, swap_profile, snap, go;

      drain (r);
      seen = atomic_load_explicit (&r->attention, memory_order_acquire);
      pthread_mutex_lock (&r->lock);
      if (r->quit)
        {
          pthread_mutex_unlock (&r->lock);
          break;
        }
      swap = r->pending != NULL;
      swap_profile = r->pending_profile != NULL;
      snap = r->snap_asked != r->snap_given;
      go = !r->paused && !r->finished && !r->need_build;
      pthread_mutex_unlock (&r->lock);

      if (swap)
        swap_in (r);
      else if (swap_profile)
        profile_in (r);
      else if (snap)
        publish (r);
      else if (go)
        run (r, seen);
      else
        {
          struct pollfd fd = { r->wake_fd, POLLIN, 0 };

          poll (&fd, 1, -1);
        }
    }
  /* The last copy says how the run stood when it was stopped. The engine
   * is freed by whoever joins both threads: the build thread may still be
   * reading its chains for a compile when this one sees `quit`. */
  if (!r->need_build)
    publish (r);
  return NULL;
}

/* Beyond this many processes named since the last plan, planning the
 * whole graph costs little more than finding their part of it. */
#define DIRTY_MAX 4096

/* Under graph_lock: notes that the process of @addr (0: none) changed. */
static void
mark_dirty (pb_runner *r,
            pb_addr    addr)
{
  addr = pb_addr_process_of (addr);
  if (addr == 0 || r->dirty_all)
    return;
  if (r->n_dirty == DIRTY_MAX)
    {
      r->dirty_all = true;
      return;
    }
  if (r->n_dirty == r->dirty_room)
    {
      size_t room = r->dirty_room ? 2 * r->dirty_room : 16;
      pb_addr *more = realloc (r->dirty, room * sizeof *more);

      if (more == NULL)
        {
          r->dirty_all = true; /* out of memory: plan everything */
          return;
        }
      r->dirty = more;
      r->dirty_room = room;
    }
  r->dirty[r->n_dirty++] = addr;
}

/* On the thread that edits, under graph_lock (edits through the runner
 * hold it; see pb_runner_lock_graph()). */
static void
count_event (const pb_graph       *graph,
             const pb_graph_event *event,
             void                 *data)
{
  pb_runner *r = data;

  r->graph_events++;
  mark_dirty (r, event->a);
  mark_dirty (r, event->b);
}

pb_runner *
pb_runner_new (pb_graph *graph)
{
  pb_runner *r = calloc (1, sizeof *r);
  pthread_condattr_t attr;

  if (r == NULL)
    {
      pb_graph_free (graph);
      return NULL;
    }
  r->graph = graph;
  r->wake_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (r->wake_fd < 0)
    {
      pb_graph_free (graph);
      free (r);
      return NULL;
    }
  pthread_mutex_init (&r->graph_lock, NULL);
  pthread_mutex_init (&r->control, NULL);
  pthread_mutex_init (&r->lock, NULL);
  /* Time-outs are measured on the monotonic clock, like everything else. */
  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (&r->changed, &attr);
  pthread_condattr_destroy (&attr);
  atomic_init (&r->attention, 0);
  atomic_init (&r->building, false);
  if (pb_graph_add_listener (graph, count_event, r, &r->listener) != PB_OK)
    {
      pb_runner_free (r);
      return NULL;
    }
  return r;
}

void
pb_runner_free (pb_runner *r)
{
  if (r == NULL)
    return;
  pb_runner_stop (r);
  pthread_cond_destroy (&r->changed);
  pthread_mutex_destroy (&r->lock);
  pthread_mutex_destroy (&r->control);
  pthread_mutex_destroy (&r->graph_lock);
  close (r->wake_fd);
  pb_snapshot_free (r->latest);
  if (r->listener != 0)
    pb_graph_remove_listener (r->graph, r->listener);
  pb_graph_free (r->graph);
  free (r->probes);
  free (r->dirty);
  free (r);
}

int
pb_runner_start (pb_runner *r,
                 pb_error  *err)
{
  pb_engine *e;
  int rc = PB_OK;

  pthread_mutex_lock (&r->control);
  pthread_mutex_lock (&r->lock);
  if (r->started)
    {
      rc = pb_error_set (err, PB_EBUSY, _("the runner is already started"));
      goto out;
    }
  e = pb_engine_new (r->graph);
  if (e == NULL)
    {
      rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
      goto out;
    }
  if ((rc = pb_engine_set_isolation (e, r->isolation, err)) != PB_OK)
    {
      pb_engine_free (e);
      goto out;
    }
  pb_engine_set_lenient (e, !r->headless);
  pb_engine_set_hold_failed_input (e, !r->headless);
  /* Compiled on the build thread, not on the one running the chains. */
  e->profile_elsewhere = true;
  pb__engine_set_yield (e, should_yield, r);
  pb__engine_set_restraint (e, &r->building);
  pb_error_clear (&r->refused);
  r->engine = e;
  r->started = true;
  r->quit = r->paused = r->finished = false;
  r->need_build = r->need_plan = true;
  r->planned = r->live = r->edits;
  r->have_rebuild = false;
  r->first_pending_ns = pb_clock_now_ns ();
  r->result = PB_OK;
  pb_error_clear (&r->failure);
  /* Copies of the last run would pass for this one's. */
  pb_snapshot_free (r->latest);
  r->latest = NULL;
  if (pthread_create (&r->thread, NULL, runner_main, r) != 0)
    {
      r->started = false;
      r->engine = NULL;
      pb_engine_free (e);
      rc = pb_error_set (err, PB_EAGAIN, _("cannot start the runner thread"));
    }
  else if (pthread_create (&r->builder, NULL, builder_main, r) != 0)
    {
      /* The runner thread has nothing to run: it only waits to quit. */
      r->quit = true;
      poke (r);
      pthread_mutex_unlock (&r->lock);
      pthread_join (r->thread, NULL);
      pb_engine_free (e);
      pthread_mutex_lock (&r->lock);
      r->started = false;
      r->engine = NULL;
      rc = pb_error_set (err, PB_EAGAIN, _("cannot start the build thread"));
    }
out:
  pthread_mutex_unlock (&r->lock);
  pthread_mutex_unlock (&r->control);
  return rc;
}

int
pb_runner_set_headless (pb_runner *r,
                        bool       headless)
{
  int rc = PB_OK;

  pthread_mutex_lock (&r->lock);
  if (r->started)
    rc = PB_EBUSY;
  else
    r->headless = headless;
  pthread_mutex_unlock (&r->lock);
  return rc;
}

int
pb_runner_set_isolation (pb_runner    *r,
                         pb_isolation  isolation)
{
  int rc = PB_OK;

  pthread_mutex_lock (&r->lock);
  if (r->started)
    rc = PB_EBUSY;
  else
    r->isolation = isolation;
  pthread_mutex_unlock (&r->lock);
  return rc;
}

static int
set_paused (pb_runner *r,
            bool       paused)
{
  int rc = PB_OK;

  pthread_mutex_lock (&r->lock);
  if (!r->started)
    rc = PB_EINVAL;
  else
    {
      r->paused = paused;
      poke (r);
    }
  pthread_mutex_unlock (&r->lock);
  return rc;
}

int
pb_runner_pause (pb_runner *r)
{
  return set_paused (r, true);
}

int
pb_runner_resume (pb_runner *r)
{
  return set_paused (r, false);
}

int
pb_runner_stop (pb_runner *r)
{
  pthread_mutex_lock (&r->control);
  pthread_mutex_lock (&r->lock);
  if (!r->started)
    {
      pthread_mutex_unlock (&r->lock);
      pthread_mutex_unlock (&r->control);
      return PB_OK;
    }
  r->quit = true;
  /* The build thread goes first: its compile step reads the engine that
   * the runner thread frees as it ends. */
  pthread_cond_broadcast (&r->changed);
  pthread_mutex_unlock (&r->lock);
  pthread_join (r->builder, NULL);
  pthread_mutex_lock (&r->lock);
  poke (r);
  pthread_mutex_unlock (&r->lock);
  pthread_join (r->thread, NULL);
  pb_engine_free (r->engine);
  pthread_mutex_lock (&r->lock);
  pb__plan_free (r->pending);
  r->pending = NULL;
  pb__profile_free (r->pending_profile);
  r->pending_profile = NULL;
  r->profile_wanted = false;
  r->started = false;
  r->engine = NULL;
  pthread_cond_broadcast (&r->changed);
  pthread_mutex_unlock (&r->lock);
  pthread_mutex_unlock (&r->control);
  return PB_OK;
}

pb_runner_state
pb_runner_get_state (pb_runner *r)
{
  pb_runner_state state;

  pthread_mutex_lock (&r->lock);
  if (!r->started)
    state = PB_RUNNER_STOPPED;
  else if (r->paused)
    state = PB_RUNNER_PAUSED;
  else if (r->finished && !r->need_build && r->edits == r->live)
    state = PB_RUNNER_FINISHED;
  else
    state = PB_RUNNER_RUNNING;
  pthread_mutex_unlock (&r->lock);
  return state;
}

static int
edit_begin (pb_runner *r)
{
  if (graph_holder == r)
    return PB_EDEADLK;
  pthread_mutex_lock (&r->graph_lock);
  r->events_before = r->graph_events;
  return PB_OK;
}

/* Ends an edit made under the graph lock: an accepted one that changed the
 * graph is counted there, so that a build sees exactly the edits it
 * counts. One that changed nothing is live already. */
static int
edit_end (pb_runner *r,
          int        rc)
{
  if (rc == PB_OK && r->graph_events != r->events_before)
    {
      pthread_mutex_lock (&r->lock);
      r->last_edit_ns = pb_clock_now_ns ();
      if (r->edits == r->planned)
        r->first_pending_ns = r->last_edit_ns;
      r->edits++;
      note_building (r);
      pthread_cond_broadcast (&r->changed);
      pthread_mutex_unlock (&r->lock);
    }
  pthread_mutex_unlock (&r->graph_lock);
  return rc;
}

int
pb_runner_add_process (pb_runner  *r,
                       uint32_t    host,
                       const char *kind,
                       pb_addr    *process)
{
  int rc = edit_begin (r);

  return rc != PB_OK ? rc : edit_end (r, pb_graph_add_process (r->graph, host, kind, process));
}

int
pb_runner_remove_process (pb_runner *r,
                          pb_addr    process)
{
  int rc = edit_begin (r);

  return rc != PB_OK ? rc : edit_end (r, pb_graph_remove_process (r->graph, process));
}

int
pb_runner_connect (pb_runner *r,
                   pb_addr    a,
                   pb_addr    b)
{
  int rc = edit_begin (r);

  return rc != PB_OK ? rc : edit_end (r, pb_graph_connect (r->graph, a, b));
}

int
pb_runner_disconnect (pb_runner *r,
                      pb_addr    a)
{
  int rc = edit_begin (r);

  return rc != PB_OK ? rc : edit_end (r, pb_graph_disconnect (r->graph, a));
}

int
pb_runner_set_param (pb_runner  *r,
                     pb_addr     process,
                     const char *key,
                     const char *value)
{
  int rc = edit_begin (r);

  return rc != PB_OK ? rc : edit_end (r, pb_graph_set_param (r->graph, process, key, value));
}

int
pb_runner_set_name (pb_runner  *r,
                    pb_addr     process,
                    const char *name)
{
  int rc = edit_begin (r);

  return rc != PB_OK ? rc : edit_end (r, pb_graph_set_name (r->graph, process, name));
}

int
pb_runner_set_bypass (pb_runner *r,
                      pb_addr    process,
                      bool       bypass)
{
  int rc = edit_begin (r);

  return rc != PB_OK ? rc : edit_end (r, pb_graph_set_bypass (r->graph, process, bypass));
}

int
pb_runner_set_link_flags (pb_runner *r,
                          pb_addr    a,
                          uint32_t   flags)
{
  int rc = edit_begin (r);

  return rc != PB_OK ? rc : edit_end (r, pb_graph_set_link_flags (r->graph, a, flags));
}

int
pb_runner_set_probe (pb_runner *r,
                     pb_addr    output,
                     bool       on)
{
  bool had;
  int rc = edit_begin (r);

  if (rc != PB_OK)
    return rc;
  if (!pb_graph_has_process (r->graph, output))
    return edit_end (r, PB_ENOENT);
  had = pb__probe_set_index (r->probes, r->n_probes, output) >= 0;
  rc = pb__probe_set_change (&r->probes, &r->n_probes, output, on);
  /* Counted as an edit of the graph, so that pb_runner_sync() waits for
   * the chain compiled with (or without) its probe. */
  if (rc == PB_OK && had != on)
    {
      r->graph_events++;
      mark_dirty (r, output);
    }
  return edit_end (r, rc);
}

int
pb_runner_insert_process (pb_runner  *r,
                          pb_addr     process,
                          const char *kind)
{
  int rc = edit_begin (r);

  return rc != PB_OK ? rc : edit_end (r, pb_graph_insert_process (r->graph, process, kind));
}

/* With `lock` held: whether the calling thread has a batch open. */
static bool
in_own_batch (const pb_runner *r)
{
  return r->batch_depth > 0 && pthread_equal (r->batch_owner, pthread_self ());
}

int
pb_runner_begin (pb_runner *r)
{
  if (graph_holder == r)
    return PB_EDEADLK;
  pthread_mutex_lock (&r->lock);
  while (r->batch_depth > 0 && !in_own_batch (r))
    pthread_cond_wait (&r->changed, &r->lock);
  r->batch_owner = pthread_self ();
  r->batch_depth++;
  pthread_mutex_unlock (&r->lock);
  return PB_OK;
}

int
pb_runner_commit (pb_runner *r)
{
  int rc = PB_OK;

  pthread_mutex_lock (&r->lock);
  if (!in_own_batch (r))
    rc = PB_EINVAL;
  else if (--r->batch_depth == 0)
    pthread_cond_broadcast (&r->changed);
  pthread_mutex_unlock (&r->lock);
  return rc;
}

const pb_graph *
pb_runner_lock_graph (pb_runner *r)
{
  if (graph_holder == r)
    return NULL;
  pthread_mutex_lock (&r->graph_lock);
  graph_holder = r;
  return r->graph;
}

void
pb_runner_unlock_graph (pb_runner *r)
{
  if (graph_holder != r)
    return;
  graph_holder = NULL;
  pthread_mutex_unlock (&r->graph_lock);
}

/* With `lock` held: whether every edit accepted up to @target is live. */
static bool
edits_live (const pb_runner *r,
            uint64_t         target)
{
  return !r->started || (!r->need_build && r->live >= target);
}

int
pb_runner_sync (pb_runner *r,
                uint64_t   timeout_ns)
{
  uint64_t deadline = deadline_of (timeout_ns);
  uint64_t target;
  int rc = PB_OK;

  if (graph_holder == r)
    return PB_EDEADLK;
  pthread_mutex_lock (&r->lock);
  target = r->edits;
  if (in_own_batch (r))
    rc = PB_EDEADLK;
  while (rc == PB_OK && !edits_live (r, target))
    if (!wait_changed (r, deadline))
      rc = PB_ETIMEDOUT;
  pthread_mutex_unlock (&r->lock);
  return rc;
}

int
pb_runner_wait (pb_runner *r,
                uint64_t   timeout_ns,
                pb_error  *err)
{
  uint64_t deadline = deadline_of (timeout_ns);
  uint64_t target;
  int rc = PB_OK;

  if (graph_holder == r)
    return PB_EDEADLK;
  pthread_mutex_lock (&r->lock);
  target = r->edits;
  if (in_own_batch (r))
    rc = PB_EDEADLK;
  while (rc == PB_OK && r->started && !(edits_live (r, target) && r->finished))
    if (!wait_changed (r, deadline))
      rc = PB_ETIMEDOUT;
  if (rc == PB_OK && r->result != PB_OK)
    {
      rc = r->result;
      if (err != NULL)
        *err = r->failure;
    }
  pthread_mutex_unlock (&r->lock);
  return rc;
}

int
pb_runner_last_rebuild (pb_runner       *r,
                        pb_rebuild_info *info)
{
  int rc = PB_ENOENT;

  pthread_mutex_lock (&r->lock);
  if (r->have_rebuild)
    {
      *info = r->rebuild;
      rc = PB_OK;
    }
  pthread_mutex_unlock (&r->lock);
  return rc;
}

pb_snapshot *
pb_runner_snapshot (pb_runner *r)
{
  pb_snapshot *s = NULL;

  pthread_mutex_lock (&r->lock);
  if (r->started)
    {
      /* A copy from before the topology that is live now would miss
       * its processes: one is waited for longer (a swap that runs
       * states' init, a busy machine). */
      uint64_t deadline = deadline_of (r->latest == NULL || r->latest_live < r->live
                                       ? STALE_WAIT_NS : SNAPSHOT_WAIT_NS);
      uint64_t asked = ++r->snap_asked;

      poke (r);
      while (r->started && r->snap_given < asked && wait_changed (r, deadline))
        ;
    }
  if (r->latest != NULL)
    s = pb__snapshot_ref (r->latest);
  pthread_mutex_unlock (&r->lock);
  return s != NULL ? s : pb__snapshot_take (NULL);
}
