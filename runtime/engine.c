/* engine.c — running a topology: admittance, flow, scheduling, counters
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine-private.h"
#include "guard.h"
#include "i18n.h"

/* Items one chain call may move at most: about an L1 cache of i64. */
#define BATCH 4096
/* One chain call in PROFILE_EVERY runs the profiling variant, to apportion
 * the chain's time among its stages. It runs a whole batch, like any call:
 * cut short, a call would weigh what comes once per call (file-in's read)
 * as if it came as many times more often as the call is shorter. Within
 * it, only sampled items read the time-stamp counter (codegen.c). */
#define PROFILE_EVERY 64

/* A mark costs several times a cheap stage's work, so without taking it
 * away every cheap stage would seem as slow as a mark. What it costs is
 * measured beside each profiled call, with the very macro chains use: the
 * processor's pace changes with what else the machine runs (another
 * thread on the same core), so that a measure taken once may be far from
 * the call's. The unit lives as long as the program. */
typedef int (*calibrate_fn) (pb_chain_io *io, int64_t n);
static pb_jit_unit *calibration_unit;
static calibrate_fn calibrate;
static pthread_once_t calibration_once = PTHREAD_ONCE_INIT;

static void
compile_calibration (void)
{
  char *source = pb_codegen_calibration_source ();

  if (source != NULL && pb_jit_compile (source, NULL, 0, &calibration_unit, NULL) == PB_OK)
    calibrate = (calibrate_fn) pb_jit_unit_symbol (calibration_unit, "pb_calibrate");
  free (source);
}

/* What one mark costs now, in ticks: the least of a few short runs of
 * marks with nothing between them (an interrupt lengthens one run). */
static double
mark_ticks (void)
{
  double best = 0;

  pthread_once (&calibration_once, compile_calibration);
  for (int run = 0; calibrate != NULL && run < 3; run++)
    {
      uint64_t ticks[2] = { 0, 0 }, marks[2] = { 0, 0 };
      pb_chain_io io;
      double each;

      memset (&io, 0, sizeof io);
      io.ticks = ticks;
      io.marks = marks;
      calibrate (&io, 32);
      each = (double) (ticks[0] + ticks[1]) / (double) (marks[0] + marks[1]);
      if (run == 0 || each < best)
        best = each;
    }
  return best;
}

/* Adds the profiled call in c->ticks and c->marks to chain @c's profile,
 * each stage's ticks less what the marks that ended its intervals cost
 * (@mark each), and shares the chain's time anew. Noise can leave a cheap
 * stage below zero: it gets nothing. */
static void
add_profile (chain  *c,
             double  mark)
{
  c->share_total = 0;
  for (size_t k = 0; k < c->n_procs; k++)
    {
      c->profile[k] += (double) c->ticks[k] - mark * (double) c->marks[k];
      c->share[k] = c->profile[k] > 0 ? c->profile[k] : 0;
      c->share_total += c->share[k];
    }
}

/* Shares chain @c's @ticks among its processes as its profile shares
 * them so far. Until there is a profile the ticks wait, to be shared with
 * the first call that has one. */
static void
share_ticks (pb_engine *e,
             chain     *c,
             uint64_t   ticks)
{
  if (c->share_total <= 0)
    {
      c->unshared_ticks += ticks;
      return;
    }
  ticks += c->unshared_ticks;
  c->unshared_ticks = 0;
  for (size_t k = 0; k < c->n_procs; k++)
    e->procs[c->procs[k]].busy_ticks += (uint64_t) ((double) ticks * c->share[k] / c->share_total);
}

static uint64_t
ring_fill (const ring *r)
{
  return r->wpos - r->rpos;
}

static uint64_t
ring_room (const ring *r)
{
  return r->capacity - ring_fill (r);
}

/* The reader's input is readable when any of its rings has items, and in
 * error (must look) when one has ended and is empty. */
static void
update_reader_bits (pb_engine *e,
                    chain     *c)
{
  bool readable = false;
  bool ended = false;

  if (c->status != CHAIN_RUNNING || c->source)
    return;
  for (size_t i = 0; i < c->n_ins; i++)
    {
      ring *r = c->ins[i];

      if (ring_fill (r) > 0)
        readable = true;
      else if (r->eos)
        ended = true;
    }
  pb_mux_set_avail (e->mux, c->res_in, readable);
  pb_mux_set_error (e->mux, c->res_in, ended);
}

static void
update_writer_bit (pb_engine *e,
                   ring      *r)
{
  chain *w = e->chains[r->writer_chain];
  uint64_t need = w->layout.expand ? w->layout.expand : 1;

  pb_mux_set_avail (e->mux, r->res_write, r->closed || ring_room (r) >= need);
}

/* A held chain does not run, whatever else would let it. */
static void
chain_set_go (pb_engine *e,
              chain     *c,
              bool       on)
{
  pb_mux_set_avail (e->mux, c->res_go, on && !c->held);
}

/* After @r's reader took items: a draining ring that is now empty can go,
 * its chains joined, once the thread that plans knows. */
static void
note_drained (pb_engine *e,
              ring      *r)
{
  if (r->draining && ring_fill (r) == 0 && !atomic_load (&r->drained))
    {
      atomic_store (&r->drained, true);
      e->rejoin_due = true;
    }
}

bool
pb__engine_take_rejoin (pb_engine *e)
{
  bool due = e->rejoin_due;

  e->rejoin_due = false;
  return due;
}

typedef struct
{
  pb_state_report_fn  fn;
  void               *state;
  char               *buf;
  size_t              size;
} report_call;

static int
call_report (void *data)
{
  report_call *call = data;

  call->fn (call->state, call->buf, call->size);
  return 0;
}

/* Ends a chain: its readers see end-of-stream (an error one if it failed),
 * its writers see it gone, and its sinks give their results. */
void
pb__chain_end (pb_engine    *e,
               chain        *c,
               chain_status  status,
               const char   *why)
{
  if (c->status != CHAIN_RUNNING)
    return;
  c->status = status;
  if (c->in_mux)
    {
      pb_mux_remove (e->mux, c->pid);
      c->in_mux = false;
    }
  chain_set_go (e, c, false);
  if (!c->source)
    {
      pb_mux_set_avail (e->mux, c->res_in, false);
      pb_mux_set_error (e->mux, c->res_in, false);
    }

  for (size_t k = 0; k < c->n_procs; k++)
    {
      proc *p = &e->procs[c->procs[k]];

      if (p->state != PB_PROCESS_READY)
        continue;
      if (status == CHAIN_DONE)
        {
          p->state = PB_PROCESS_DONE;
          if (c->reports[k] != NULL && p->state_mem != NULL)
            {
              char buf[256];
              report_call call = { c->reports[k], p->state_mem, buf, sizeof buf };
              int result;

              /* The report reads a state that user code in a worker may
               * have written anything into: guarded like any call. */
              buf[0] = '\0';
              if (pb_guard_call (call_report, &call, e->time_limit_ns, &result, NULL) == PB_OK)
                pb__set_text (&p->result, buf);
            }
        }
      else
        {
          p->state = PB_PROCESS_STOPPED;
          pb__set_text (&p->message, why);
        }
    }

  for (size_t j = 0; j < c->n_outs; j++)
    {
      ring *r = c->outs[j];

      r->eos = true;
      r->error = status != CHAIN_DONE;
      update_reader_bits (e, e->chains[r->reader_chain]);
    }
  for (size_t j = 0; j < c->n_ins; j++)
    {
      ring *r = c->ins[j];

      /* A held failed chain keeps what reaches it for the code that will
       * mend it; its writers wait on the full rings. */
      if (status == CHAIN_FAILED && e->hold_failed_input)
        continue;
      /* Nobody will read these items: let the writer run free, and end
       * when all its readers have gone. */
      r->closed = true;
      r->rpos = r->wpos;
      note_drained (e, r);
      update_writer_bit (e, r);
    }
  e->progress++;
}

static void
chain_fail (pb_engine  *e,
            chain      *c,
            size_t      stage,
            const char *message)
{
  proc *culprit = &e->procs[c->procs[stage]];
  char why[PB_ERROR_MESSAGE_MAX];

  pb__proc_fail (culprit, message);
  if (e->failure.code == PB_OK)
    {
      pb_error_set (&e->failure, PB_EFAILED, "%s: %s", culprit->name, message);
      e->failure_proc = culprit->addr;
    }
  snprintf (why, sizeof why, _("stopped: %s failed"), culprit->name);
  pb__chain_end (e, c, CHAIN_FAILED, why);
}

typedef struct
{
  pb_chain_run_fn  fn;
  pb_chain_io     *io;
} run_call;

/* Counts a call that faulted: a call for the chain and each process, and
 * its time, shared as the chain's profile shares it so far (to the first
 * process when there is no profile yet, since the chain runs no more). */
static void
count_faulted_call (pb_engine *e,
                    chain     *c,
                    uint64_t   ticks)
{
  c->calls++;
  c->busy_ticks += ticks;
  for (size_t k = 0; k < c->n_procs; k++)
    e->procs[c->procs[k]].calls++;
  share_ticks (e, c, ticks);
  e->procs[c->procs[0]].busy_ticks += c->unshared_ticks;
  c->unshared_ticks = 0;
}

static int
call_run (void *data)
{
  run_call *call = data;

  return call->fn (call->io);
}

static bool
upstream_failed (const chain *c)
{
  for (size_t i = 0; i < c->n_ins; i++)
    if (c->ins[i]->error && ring_fill (c->ins[i]) == 0)
      return true;
  return false;
}

static const char *
failed_writer_name (pb_engine   *e,
                    const chain *c)
{
  for (size_t i = 0; i < c->n_ins; i++)
    if (c->ins[i]->error)
      {
        chain *w = e->chains[c->ins[i]->writer_chain];

        return e->procs[w->procs[w->n_procs - 1]].name;
      }
  return "upstream";
}

/* The one stage of @c whose process runs user code (an expression or
 * statements), or SIZE_MAX when none or several do. */
static size_t
user_code_stage (pb_engine   *e,
                 const chain *c)
{
  size_t found = SIZE_MAX;

  for (size_t k = 0; k < c->n_procs; k++)
    {
      const pb_kind *kind = e->procs[c->procs[k]].kind;
      bool user = false;

      for (size_t i = 0; i < kind->n_params; i++)
        user |= kind->params[i].type == PB_PARAM_EXPR || kind->params[i].type == PB_PARAM_CODE;
      if (!user)
        continue;
      if (found != SIZE_MAX)
        return SIZE_MAX;
      found = k;
    }
  return found;
}

/* A worker died since @c's last call: the new one takes up what each
 * state held of the dead one's own (the kind's reopen, an open file),
 * and runs its fini from now on. Returns: false when one failed, and
 * with it the chain. */
static bool
reopen_states (pb_engine *e,
               chain     *c)
{
  uint64_t gen = pb__worker_generation (e->worker);

  for (size_t k = 0; k < c->n_procs; k++)
    {
      proc *p = &e->procs[c->procs[k]];
      char sym[32], message[PB_ERROR_MESSAGE_MAX];
      pb_state_init_fn reopen;
      pb_error err;
      int result = 0;

      if (p->state_mem == NULL || p->state_worker == NULL || p->state_worker_gen == gen)
        continue;
      p->state_worker_gen = gen;
      snprintf (sym, sizeof sym, "pb_reopen_%zu", k);
      reopen = (pb_state_init_fn) pb__chain_symbol (c, sym);
      if (reopen == NULL)
        continue;
      message[0] = '\0';
      if (pb__worker_init (e->worker, reopen, p->state_mem, message, sizeof message,
                           e->time_limit_ns, &result, &err) != PB_OK)
        {
          chain_fail (e, c, k, err.message);
          return false;
        }
      if (result != 0)
        {
          chain_fail (e, c, k, message);
          return false;
        }
    }
  c->worker_gen = gen;
  return true;
}

/* The longest a chain sleeps before it looks again, and how soon one
 * that names a descriptor it cannot wait on looks again. */
#define WAKE_MAX_NS   UINT64_C (1000000000)
#define WAKE_RETRY_NS UINT64_C (1000000)

/* One turn of a chain, as a micro-process of the mux: admittance (how many
 * items every output ring has room for, and the input has), then one call
 * of the compiled flow, which moves exactly that many or fewer only where a
 * stage ends the stream (take). */
static int
chain_turn (void *data)
{
  chain *c = data;
  pb_engine *e = c->engine;
  pb_chain_io io;
  ring *in = NULL;
  int64_t room = (int64_t) e->batch;
  bool finishing = false;
  bool all_closed = c->n_outs > 0;
  /* Until its profiling variant is compiled, a chain runs unprofiled. */
  bool profiled = c->run_prof != NULL && c->calls % PROFILE_EVERY == 0;
  char message[PB_ERROR_MESSAGE_MAX];
  run_call call;
  pb_error gerr;
  uint64_t t0, t1, worker_ticks = 0;
  int result = 0;

  if (c->status != CHAIN_RUNNING || c->held)
    return 0;

  for (size_t j = 0; j < c->n_outs; j++)
    {
      ring *r = c->outs[j];
      int64_t free_items;

      if (r->closed)
        continue;
      all_closed = false;
      free_items = (int64_t) (ring_room (r) / (c->layout.expand ? c->layout.expand : 1));
      if (free_items < room)
        room = free_items;
    }
  if (all_closed)
    {
      /* Every reader has ended (a take downstream was satisfied): stop
       * producing, which in turn releases whatever feeds this chain. */
      pb__chain_end (e, c, CHAIN_DONE, NULL);
      return 0;
    }

  if (!c->source)
    {
      bool all_ended = true;

      for (size_t i = 0; i < c->n_ins && in == NULL; i++)
        {
          ring *r = c->ins[(c->next_in + i) % c->n_ins];

          if (ring_fill (r) > 0)
            {
              in = r;
              c->next_in = (c->next_in + i + 1) % c->n_ins;
            }
          else if (!r->eos)
            all_ended = false;
        }
      if (in == NULL)
        {
          if (!all_ended)
            {
              update_reader_bits (e, c);
              return 0;
            }
          if (upstream_failed (c))
            {
              char why[PB_ERROR_MESSAGE_MAX];

              snprintf (why, sizeof why, _("stopped: %s failed"), failed_writer_name (e, c));
              pb__chain_end (e, c, CHAIN_FAILED, why);
              return 0;
            }
          finishing = true;
          for (size_t j = 0; j < c->n_outs; j++)
            if (!c->outs[j]->closed && ring_room (c->outs[j]) < c->layout.finish_emit)
              return 0;
        }
      else if ((int64_t) ring_fill (in) < room)
        room = (int64_t) ring_fill (in);
    }
  if (!finishing && room <= 0)
    return 0;

  memset (&io, 0, sizeof io);
  io.room = finishing ? 0 : room;
  io.finishing = finishing;
  /* Reading the clock costs as much as a short call: only for the heads
   * that keep time (clock, throttle). */
  io.now_ns = c->layout.uses_now ? pb_clock_now_ns () : 0;
  io.wait_fd = -1;
  if (in != NULL)
    io.in = (pb_ring_io) { in->base, in->capacity - 1, in->rpos };
  for (size_t j = 0; j < c->n_outs; j++)
    c->out_io[j] = (pb_ring_io) { c->outs[j]->base, c->outs[j]->capacity - 1, c->outs[j]->wpos };
  io.out = c->out_io;
  io.state = c->states;
  memset (c->counts, 0, c->layout.n_counts * sizeof *c->counts);
  io.counts = c->counts;
  if (profiled)
    {
      memset (c->ticks, 0, c->n_procs * sizeof *c->ticks);
      memset (c->marks, 0, c->n_procs * sizeof *c->marks);
      io.sample_gap = c->sample_gap;
      io.sample_rng = c->sample_rng;
    }
  io.ticks = c->ticks;
  io.marks = c->marks;
  io.probes = c->probes;
  message[0] = '\0';
  io.error = message;
  io.error_size = sizeof message;

  if (e->worker != NULL && c->worker_gen != pb__worker_generation (e->worker)
      && !reopen_states (e, c))
    return 0;
  call.fn = profiled ? c->run_prof : c->run;
  call.io = &io;
  t0 = pb_clock_ticks ();
  if ((e->worker != NULL
       ? pb__worker_run (e->worker, call.fn, &io,
                         &(pb__worker_shape) { c->n_outs, c->n_procs, c->layout.n_counts,
                                               c->layout.n_probes * PB_PROBE_STRIDE + 1 },
                         e->time_limit_ns, &result, &worker_ticks, &gerr)
       : pb_guard_call (call_run, &call, e->time_limit_ns, &result, &gerr)) != PB_OK)
    {
      char why[PB_ERROR_MESSAGE_MAX];
      size_t suspect = user_code_stage (e, c);

      /* The call that faulted is counted, with its time, like any other;
       * what it moved is lost with its uncommitted rings. */
      count_faulted_call (e, c, pb_clock_ticks () - t0);
      /* A fault does not say which stage it was in. The catalogue's own
       * templates do not fault, so when one stage holds user code it is
       * the culprit; otherwise name the chain. */
      if (suspect != SIZE_MAX)
        snprintf (why, sizeof why, "%s", gerr.message);
      else
        snprintf (why, sizeof why, "%.400s (in the chain of %.80s)", gerr.message,
                  e->procs[c->procs[0]].name);
      chain_fail (e, c, suspect != SIZE_MAX ? suspect : 0, why);
      if (e->failure.code == PB_EFAILED)
        e->failure.code = PB_EFAULT;
      return 0;
    }
  t1 = pb_clock_ticks ();
  /* The call's own time: crossing to the worker is no stage's cost. */
  if (e->worker != NULL)
    t1 = t0 + worker_ticks;

  /* Counters, then the rings; a failed call has moved what it moved. */
  c->calls++;
  c->busy_ticks += t1 - t0;
  c->counts[0] = (uint64_t) io.consumed;
  if (profiled)
    {
      double mark = mark_ticks ();
      double timed = 0;

      c->sample_gap = io.sample_gap;
      c->sample_rng = io.sample_rng;
      for (size_t k = 0; k < c->n_procs; k++)
        timed += (double) c->ticks[k] - mark * (double) c->marks[k];
      /* A timed item counts PB_SAMPLE_GAP times: so would an interrupt
       * that came while it ran (a timer, another thread on the core). A
       * call of many items times enough of them that their time hardly
       * strays from the call's own; one that strays that far is thrown
       * away rather than let it outweigh a hundred others. */
      if (io.consumed < 16 * PB_SAMPLE_GAP || timed <= 3.0 * (double) (t1 - t0))
        add_profile (c, mark);
    }
  for (size_t k = 0; k < c->n_procs; k++)
    {
      proc *p = &e->procs[c->procs[k]];
      int ip = c->layout.in_point[k];
      int op = c->layout.out_point[k];

      p->calls++;
      if (ip >= 0)
        p->items_in += c->counts[ip];
      if (op >= 0)
        p->items_out += c->counts[op];
    }
  share_ticks (e, c, t1 - t0);
  if (in != NULL)
    {
      in->rpos += (uint64_t) io.consumed;
      note_drained (e, in);
    }
  for (size_t j = 0; j < c->n_outs; j++)
    {
      ring *r = c->outs[j];

      r->wpos = c->out_io[j].pos;
      if (r->closed)
        r->rpos = r->wpos;
    }
  if (io.consumed > 0)
    e->progress++;

  if (result != 0)
    {
      chain_fail (e, c, io.failed >= 0 ? (size_t) io.failed : 0,
                  message[0] ? message : "failed");
      return 0;
    }

  for (size_t j = 0; j < c->n_outs; j++)
    {
      update_reader_bits (e, e->chains[c->outs[j]->reader_chain]);
      update_writer_bit (e, c->outs[j]);
    }
  for (size_t j = 0; j < c->n_ins; j++)
    update_writer_bit (e, c->ins[j]);

  if (io.done)
    {
      pb__chain_end (e, c, CHAIN_DONE, NULL);
      return 0;
    }
  update_reader_bits (e, c);
  if (io.consumed == 0 && (io.wake_ns != 0 || io.wait_fd >= 0))
    {
      uint64_t now = pb_clock_now_ns ();

      /* Nothing to do until a time or some input: sleep off the mux. The
       * chain's code says how long, so it is held to a second at a time
       * (it looks again then); a worker's, to the descriptors the two
       * processes share, standard input, output and error. */
      if (io.wait_fd > 2 && e->worker != NULL)
        {
          io.wait_fd = -1;
          io.wake_ns = now + WAKE_RETRY_NS;
        }
      if (io.wake_ns > now + WAKE_MAX_NS)
        io.wake_ns = now + WAKE_MAX_NS;
      c->waiting = true;
      e->n_waiting++;
      c->wake_ns = io.wake_ns;
      c->wait_fd = io.wait_fd;
      chain_set_go (e, c, false);
    }
  return 0;
}

static void
on_mux_fail (uint32_t  pid,
             int       code,
             void     *data)
{
  (void) pid;
  (void) code;
  (void) data;
}

/* Registers the running chains with a fresh mux: resources for each chain's
 * pace and input, and for each ring's room. */
int
pb__engine_schedule (pb_engine *e,
                     pb_error  *err)
{
  pb_mux *mux = pb_mux_new ();
  uint32_t next_res = 0;

  if (mux == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  pb_mux_on_fail (mux, on_mux_fail, e);
  pb_mux_set_yield (mux, e->yield, e->yield_data);
  pb_mux_free (e->mux);
  e->mux = mux;

  for (size_t i = 0; i < e->n_chains; i++)
    {
      chain *c = e->chains[i];

      c->res_go = next_res++;
      c->res_in = next_res++;
      for (size_t j = 0; j < c->n_ins; j++)
        c->ins[j]->res_read = c->res_in;
    }
  for (size_t i = 0; i < e->n_rings; i++)
    e->rings[i]->res_write = next_res++;

  for (size_t i = 0; i < e->n_chains; i++)
    {
      chain *c = e->chains[i];
      uint32_t *deps;
      size_t n = 0;
      int rc;

      c->engine = e;
      c->held = false;
      for (size_t j = 0; j < c->n_outs; j++)
        c->held |= c->outs[j]->draining;
      if (c->status != CHAIN_RUNNING)
        continue;
      deps = calloc (c->n_outs + 2, sizeof *deps);
      if (deps == NULL)
        return pb_error_set (err, PB_ENOMEM, _("out of memory"));
      deps[n++] = c->res_go;
      if (!c->source)
        deps[n++] = c->res_in;
      for (size_t j = 0; j < c->n_outs; j++)
        deps[n++] = c->outs[j]->res_write;
      rc = pb_mux_when (mux, deps, n, chain_turn, c, &c->pid);
      free (deps);
      if (rc != PB_OK)
        return pb_error_set (err, rc, _("cannot schedule a chain: %s"), pb_strerror (rc));
      c->in_mux = true;
    }

  e->n_waiting = 0;
  for (size_t i = 0; i < e->n_chains; i++)
    {
      chain *c = e->chains[i];

      if (c->status != CHAIN_RUNNING)
        continue;
      chain_set_go (e, c, !c->waiting);
      e->n_waiting += c->waiting;
      update_reader_bits (e, c);
    }
  for (size_t i = 0; i < e->n_rings; i++)
    update_writer_bit (e, e->rings[i]);
  return PB_OK;
}

void
pb__engine_set_yield (pb_engine       *e,
                      pb_mux_yield_fn  fn,
                      void            *data)
{
  e->yield = fn;
  e->yield_data = data;
  pb_mux_set_yield (e->mux, fn, data);
}

void
pb__engine_set_restraint (pb_engine         *e,
                          const atomic_bool *restrain)
{
  e->restrain = restrain;
  if (e->worker != NULL)
    pb__worker_set_restraint (e->worker, restrain);
}

pb_engine *
pb_engine_new (pb_graph *graph)
{
  pb_engine *e = calloc (1, sizeof *e);

  if (e == NULL)
    return NULL;
  e->graph = graph;
  e->time_limit_ns = UINT64_C (2000000000);
  e->batch = BATCH;
  e->mux = pb_mux_new ();
  if (e->mux == NULL)
    {
      free (e);
      return NULL;
    }
  return e;
}

void
pb_engine_free (pb_engine *e)
{
  if (e == NULL)
    return;
  pb__engine_release (e);
  pb__worker_free (e->worker);
  pb_mux_free (e->mux);
  free (e->probes);
  free (e->built_probes);
  free (e);
}

void
pb_engine_set_time_limit (pb_engine *e,
                          uint64_t   limit_ns)
{
  e->time_limit_ns = limit_ns;
}

int
pb_isolation_prepare (pb_error *err)
{
  return pb__worker_prepare (err);
}

int
pb_engine_set_isolation (pb_engine    *e,
                         pb_isolation  isolation,
                         pb_error     *err)
{
  if (e->generation != 0)
    return pb_error_set (err, PB_EBUSY, _("the engine has already been built"));
  if (isolation == PB_ISOLATION_WORKER && e->worker == NULL)
    {
      int rc = pb__worker_new (&e->worker, PB_SHARED_DATA, true, err);

      if (rc == PB_OK)
        pb__worker_set_restraint (e->worker, e->restrain);
      return rc;
    }
  if (isolation == PB_ISOLATION_NONE)
    {
      pb__worker_free (e->worker);
      e->worker = NULL;
    }
  return PB_OK;
}

int
pb_engine_set_batch (pb_engine *e,
                     uint64_t   items)
{
  if (items == 0 || items > INT64_MAX)
    return PB_EINVAL;
  e->batch = items;
  return PB_OK;
}

void
pb_engine_set_lenient (pb_engine *e,
                       bool       lenient)
{
  e->lenient = lenient;
}

void
pb_engine_set_compile_only (pb_engine *e,
                            bool       compile_only)
{
  e->compile_only = compile_only;
}

void
pb_engine_set_hold_failed_input (pb_engine *e,
                                 bool       hold)
{
  e->hold_failed_input = hold;
}

void
pb_engine_last_build (const pb_engine *e,
                      size_t          *compiled,
                      size_t          *kept)
{
  if (compiled != NULL)
    *compiled = e->last_compiled;
  if (kept != NULL)
    *kept = e->last_kept;
}

/* Wakes the chains whose time has come or whose descriptor is readable;
 * waits up to @timeout_ms for one, or for @extra_fd to be readable, when
 * asked to. Returns: whether any chain waits at all. */
static bool
wake_waiting (pb_engine *e,
              int        timeout_ms,
              int        extra_fd)
{
  struct pollfd fds[17];
  chain *owners[17];
  size_t n_fds = 0;
  uint64_t now;
  uint64_t next = UINT64_MAX;
  bool any = false;

  /* Called on every step: with no chain waiting, it must cost nothing (not
   * even a clock read, which is the price of a short chain call). */
  if (e->n_waiting == 0 && extra_fd < 0)
    return false;
  now = pb_clock_now_ns ();
  e->n_waiting = 0;
  for (size_t i = 0; i < e->n_chains; i++)
    {
      chain *c = e->chains[i];

      if (c->status != CHAIN_RUNNING || !c->waiting)
        continue;
      any = true;
      if (c->wake_ns != 0 && c->wake_ns <= now)
        {
          c->waiting = false;
          chain_set_go (e, c, true);
          timeout_ms = 0;
        }
      else if (c->wake_ns != 0 && c->wake_ns < next)
        next = c->wake_ns;
      if (c->waiting)
        e->n_waiting++;
      if (c->waiting && c->wait_fd >= 0 && n_fds < 16)
        {
          fds[n_fds] = (struct pollfd) { c->wait_fd, POLLIN, 0 };
          owners[n_fds++] = c;
        }
    }
  if (!any && extra_fd < 0)
    return false;
  if (extra_fd >= 0)
    {
      fds[n_fds] = (struct pollfd) { extra_fd, POLLIN, 0 };
      owners[n_fds++] = NULL;
    }
  if (timeout_ms != 0 && next != UINT64_MAX)
    {
      uint64_t ms = (next - now + 999999) / 1000000;

      if (timeout_ms < 0 || ms < (uint64_t) timeout_ms)
        timeout_ms = (int) ms;
    }
  if (n_fds > 0 || timeout_ms != 0)
    {
      int ready = poll (fds, n_fds, timeout_ms);

      for (size_t i = 0; ready > 0 && i < n_fds; i++)
        if (fds[i].revents != 0 && owners[i] != NULL)
          {
            owners[i]->waiting = false;
            chain_set_go (e, owners[i], true);
          }
    }
  return any;
}

void
pb_engine_wait (pb_engine *e,
                int        wake_fd,
                int        timeout_ms)
{
  wake_waiting (e, timeout_ms, wake_fd);
}

bool
pb_engine_step (pb_engine *e)
{
  uint64_t before = e->progress;
  bool resumed;

  if (e->compile_only)
    return false;

  if (e->profile_due && !e->profile_elsewhere)
    {
      pb__profile *pf = NULL;

      /* Out of memory, the chains only run unprofiled. */
      e->profile_due = false;
      if (pb__profile_compile (e, &pf) == PB_OK)
        pb__profile_swap (e, pf);
    }
  wake_waiting (e, 0, -1);
  /* A step that goes on with one that yielded runs only what that one
   * had listed: it cannot tell that nothing else can run. */
  resumed = pb_mux_yielded (e->mux);
  pb_mux_step (e->mux);
  return e->progress != before || resumed || pb_mux_yielded (e->mux);
}

bool
pb_engine_finished (const pb_engine *e)
{
  for (size_t i = 0; i < e->n_chains; i++)
    if (e->chains[i]->status == CHAIN_RUNNING)
      return false;
  return true;
}

int
pb_engine_run (pb_engine *e,
               pb_error  *err)
{
  if (e->compile_only)
    return pb_error_set (err, PB_EINVAL, _("the engine compiles only: it cannot run"));
  while (!pb_engine_finished (e))
    {
      if (pb_engine_step (e))
        continue;
      /* Nothing moved: sleep until a chain's time or input comes. */
      if (!wake_waiting (e, 1000, -1) && !pb_engine_step (e))
        {
          for (size_t i = 0; i < e->n_chains; i++)
            if (e->chains[i]->status == CHAIN_RUNNING)
              return pb_error_set (err, PB_EAGAIN, _("the chain of %s stalled: nothing can move"),
                                   e->procs[e->chains[i]->procs[0]].name);
        }
    }
  return pb_engine_failure (e, err);
}

int
pb_engine_failure (const pb_engine *e,
                   pb_error        *err)
{
  if (e->failure.code != PB_OK && err != NULL)
    *err = e->failure;
  return e->failure.code;
}

size_t
pb_engine_n_processes (const pb_engine *e)
{
  return e->n_procs;
}

int
pb_engine_process_info (const pb_engine *e,
                        size_t           i,
                        pb_process_info *info)
{
  const proc *p;

  if (i >= e->n_procs)
    return PB_ENOENT;
  p = &e->procs[i];
  info->process = p->addr;
  info->name = p->name;
  info->kind = p->kind != NULL ? p->kind->name : p->unknown_kind;
  info->state = p->state;
  info->chain = p->chain;
  info->calls = p->calls;
  info->busy_ns = pb_clock_ticks_to_ns (p->busy_ticks);
  info->items_in = p->items_in;
  info->items_out = p->items_out;
  info->message = p->message;
  info->result = p->result;
  return PB_OK;
}

long
pb_engine_find_process (const pb_engine *e,
                        pb_addr          process)
{
  const proc *p = pb__find_proc (e->procs, e->n_procs, process);

  return p != NULL ? (long) (p - e->procs) : -1;
}

int
pb_engine_sink_value (pb_engine *e,
                      size_t     i,
                      char      *buf,
                      size_t     size)
{
  const proc *p;
  const chain *c;
  report_call call;
  int result;

  if (i >= e->n_procs || size == 0)
    return PB_ENOENT;
  p = &e->procs[i];
  if (p->result != NULL)
    {
      snprintf (buf, size, "%s", p->result);
      return PB_OK;
    }
  if (p->state != PB_PROCESS_READY || p->chain >= e->n_chains || p->state_mem == NULL)
    return PB_ENOENT;
  c = e->chains[p->chain];
  if (c->reports == NULL || c->reports[p->stage] == NULL)
    return PB_ENOENT;
  buf[0] = '\0';
  call = (report_call) { c->reports[p->stage], p->state_mem, buf, size };
  if (pb_guard_call (call_report, &call, e->time_limit_ns, &result, NULL) != PB_OK)
    return PB_EFAULT;
  return PB_OK;
}

typedef struct
{
  pb_state_view_fn  fn;
  void             *state;
  pb_view_io       *view;
} view_call;

static int
call_view (void *data)
{
  view_call *call = data;

  call->fn (call->state, call->view);
  return 0;
}

int
pb__engine_sink_view (pb_engine  *e,
                      size_t      i,
                      pb_view_io *view)
{
  const proc *p;
  const chain *c;
  view_call call;
  int result;

  memset (view, 0, sizeof *view);
  if (i >= e->n_procs)
    return PB_ENOENT;
  p = &e->procs[i];
  if (p->state == PB_PROCESS_WAITING || p->chain >= e->n_chains || p->state_mem == NULL)
    return PB_ENOENT;
  c = e->chains[p->chain];
  if (c->views == NULL || c->views[p->stage] == NULL)
    return PB_ENOENT;
  call = (view_call) { c->views[p->stage], p->state_mem, view };
  if (pb_guard_call (call_view, &call, e->time_limit_ns, &result, NULL) != PB_OK)
    {
      memset (view, 0, sizeof *view);
      return PB_EFAULT;
    }
  /* The view is compiled code reading a state that user code in the same
   * chain may have scribbled over: trust only what cannot overrun. */
  if (view->ring == NULL || view->ring_size == 0)
    view->ring_size = view->ring_next = 0;
  else
    view->ring_next %= view->ring_size;
  if (view->count < 0)
    view->count = 0;
  return PB_OK;
}

size_t
pb_engine_n_rings (const pb_engine *e)
{
  return e->n_rings;
}

int
pb_engine_ring_info (const pb_engine *e,
                     size_t           i,
                     pb_ring_info    *info)
{
  const ring *r;

  if (i >= e->n_rings)
    return PB_ENOENT;
  r = e->rings[i];
  info->writer = r->writer;
  info->reader = r->reader;
  info->fill = ring_fill (r);
  info->capacity = r->capacity;
  return PB_OK;
}

size_t
pb_engine_n_chains (const pb_engine *e)
{
  return e->n_chains;
}

int
pb_engine_chain_info (const pb_engine *e,
                      size_t           i,
                      pb_chain_info   *info)
{
  const chain *c;

  if (i >= e->n_chains)
    return PB_ENOENT;
  c = e->chains[i];
  info->processes = c->addrs;
  info->n_processes = c->n_procs;
  info->compile_ns = c->compile_ns;
  info->code_bytes = c->unit != NULL ? c->code_bytes : 0;
  info->compiles = c->compiles;
  info->calls = c->calls;
  info->busy_ns = pb_clock_ticks_to_ns (c->busy_ticks);
  return PB_OK;
}

const char *
pb_engine_chain_source (const pb_engine *e,
                        size_t           i)
{
  return i < e->n_chains && e->chains[i]->code != NULL
         ? pb__source_whole (e->chains[i]->code) : NULL;
}

pb_source *
pb__engine_chain_code (const pb_engine *e,
                       size_t           i)
{
  return i < e->n_chains ? e->chains[i]->code : NULL;
}
