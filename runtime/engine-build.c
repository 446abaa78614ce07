/* engine-build.c — from a graph to a plan of compiled chains
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A build goes check (engine-check.c), partition (engine-partition.c),
 * generate and compile (engine-compile.c), then swap in. This file
 * plans: it has the checked processes partitioned into chains and rings,
 * sets aside what a lenient build cannot run, gives processes their
 * states, and merges a plan of the whole topology, or of the part an
 * edit touched, into the engine.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-private.h"
#include "guard.h"
#include "quote.h"
#include "shared-mem.h"
#include "state-mem.h"
#include "strbuf.h"
#include "typing.h"
#include "i18n.h"

/* The least capacity of a ring, in items; a power of two. */
#define RING_MIN 4096

static void
proc_clear (proc *p)
{
  if (p->params != NULL)
    for (size_t i = 0; i < p->kind->n_params; i++)
      free (p->params[i]);
  free (p->params);
  free (p->name);
  free (p->unknown_kind);
  free (p->ins);
  free (p->outs);
  free (p->message);
  free (p->result);
  if (p->state_mem != NULL && p->state_fini != NULL)
    {
      if (p->state_worker != NULL)
        pb__worker_fini (p->state_worker, p->state_worker_gen, p->state_fini, p->state_mem);
      else
        p->state_fini (p->state_mem);
    }
  pb_jit_unit_unref (p->state_unit);
  pb__state_mem_free (&p->state_alloc);
  free (p->state_text);
  memset (p, 0, sizeof *p);
}

proc *
pb__find_proc (proc    *procs,
               size_t   n,
               pb_addr  addr)
{
  size_t lo = 0, hi = n;

  addr = pb_addr_process_of (addr);
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (procs[mid].addr < addr)
        lo = mid + 1;
      else if (procs[mid].addr > addr)
        hi = mid;
      else
        return &procs[mid];
    }
  return NULL;
}

static void
chain_free (chain *c)
{
  if (c == NULL)
    return;
  free (c->procs);
  free (c->addrs);
  free (c->ins);
  free (c->outs);
  pb__source_unref (c->code);
  pb_jit_unit_unref (c->unit);
  pb_codegen_layout_clear (&c->layout, c->n_procs);
  free (c->finis);
  free (c->reports);
  free (c->views);
  free (c->states);
  free (c->out_io);
  free (c->counts);
  free (c->ticks);
  free (c->marks);
  free (c->profile);
  free (c->share);
  free (c->probes);
  free (c);
}

/* A ring's items lie in shared memory once the runtime has workers
 * (shared-mem.h), which run the code that reads and writes them. */
static void
ring_free (ring *r)
{
  if (r == NULL)
    return;
  if (pb__shared_contains (r->base))
    pb__shared_free (r->base, r->capacity * r->item_size, PB_SHARED_DATA);
  else
    free (r->base);
  free (r);
}


/* Undoes a partition, which a lenient build tries again once it has set
 * a problem's processes aside. */
static void
plan_clear_chains (plan *pl)
{
  for (size_t i = 0; i < pl->n_chains; i++)
    chain_free (pl->chains[i]);
  free (pl->chains);
  for (size_t i = 0; i < pl->n_rings; i++)
    ring_free (pl->rings[i]);
  free (pl->rings);
  pl->chains = NULL;
  pl->rings = NULL;
  pl->n_chains = pl->n_rings = 0;
}

static void
plan_clear (plan *pl)
{
  for (size_t i = 0; i < pl->n_procs; i++)
    proc_clear (&pl->procs[i]);
  free (pl->procs);
  plan_clear_chains (pl);
  for (size_t i = 0; i < pl->n_parked; i++)
    ring_free (pl->parked[i]);
  free (pl->parked);
  free (pl->scope);
  free (pl->probes);
  memset (pl, 0, sizeof *pl);
}

static uint64_t
next_pow2 (uint64_t v)
{
  uint64_t p = 1;

  while (p < v)
    p <<= 1;
  return p;
}

typedef struct
{
  pb_state_init_fn fn;
  void            *state;
  char            *error;
  size_t           error_size;
} init_call;

static int
call_init (void *data)
{
  init_call *call = data;

  return call->fn (call->state, call->error, call->error_size);
}

/* Hands the state of @from, with what releases it, to @to. */
static void
state_move (proc *to,
            proc *from)
{
  to->state_mem = from->state_mem;
  to->state_alloc = from->state_alloc;
  to->state_text = from->state_text;
  to->state_unit = from->state_unit;
  to->state_fini = from->state_fini;
  to->state_worker = from->state_worker;
  to->state_worker_gen = from->state_worker_gen;
  from->state_mem = NULL;
  from->state_alloc = (pb_state_mem) { 0 };
  from->state_text = NULL;
  from->state_unit = NULL;
  from->state_fini = NULL;
  from->state_worker = NULL;
}

/* Takes over the old state of @p, of any layout, for code that may come
 * later. */
static void
keep_state (pb_engine *e,
            proc      *p)
{
  proc *old = pb__find_proc (e->procs, e->n_procs, p->addr);

  if (old != NULL && p->kind != NULL && old->kind == p->kind && old->state_mem != NULL)
    {
      state_move (p, old);
      p->taken = true;
    }
}

/* A chain that does not compile keeps the states of its processes for the
 * code that will compile once the mistake is mended: a typo in an
 * expression must not restart a running sum. */
static void
keep_states (pb_engine *e,
             plan      *pl,
             chain     *c)
{
  for (size_t k = 0; k < c->n_procs; k++)
    keep_state (e, &pl->procs[c->procs[k]]);
}

/* Gives each process of @c its state: the old one when its layout is
 * unchanged, else (when @create) a new one, initialised. */
static int
chain_states (pb_engine *e,
              plan      *pl,
              chain     *c,
              bool       create,
              pb_error  *err)
{
  for (size_t k = 0; k < c->n_procs; k++)
    {
      proc *p = &pl->procs[c->procs[k]];
      proc *old = pb__find_proc (e->procs, e->n_procs, p->addr);
      char sym[32];
      uint64_t (*size_fn) (void);
      pb_state_init_fn init;
      init_call call;
      char message[PB_ERROR_MESSAGE_MAX];
      int result = 0;

      if (old != NULL && old->kind == p->kind && old->state_text != NULL
          && strcmp (old->state_text, c->layout.state_text[k]) == 0)
        {
          state_move (p, old);
          p->taken = true;
          /* The layout is the same, so the new code releases it as well;
           * the old code can go. */
          pb_jit_unit_unref (p->state_unit);
          p->state_unit = pb_jit_unit_ref (c->unit);
          p->state_fini = c->finis[k];
          c->states[k] = p->state_mem;
          continue;
        }
      if (!create)
        continue;

      snprintf (sym, sizeof sym, "pb_size_%zu", k);
      size_fn = (uint64_t (*) (void)) pb__chain_symbol (c, sym);
      /* Code a person wrote gets a state it cannot write past unseen. */
      if (!pb__state_mem_alloc (&p->state_alloc, size_fn (), p->kind->user_code))
        return pb_error_set (err, PB_ENOMEM, _("out of memory"));
      p->state_mem = p->state_alloc.mem;
      p->state_text = strdup (c->layout.state_text[k]);
      if (p->state_text == NULL)
        return pb_error_set (err, PB_ENOMEM, _("out of memory"));
      c->states[k] = p->state_mem;
      if (e->worker != NULL)
        {
          p->state_worker = e->worker;
          p->state_worker_gen = pb__worker_generation (e->worker);
        }

      snprintf (sym, sizeof sym, "pb_init_%zu", k);
      init = (pb_state_init_fn) pb__chain_symbol (c, sym);
      if (init == NULL)
        {
          p->state_unit = pb_jit_unit_ref (c->unit);
          p->state_fini = c->finis[k];
          continue;
        }
      message[0] = '\0';
      call = (init_call) { init, p->state_mem, message, sizeof message };
      if ((e->worker != NULL
           ? pb__worker_init (e->worker, init, p->state_mem, message, sizeof message,
                              e->time_limit_ns, &result, err)
           : pb_guard_call (call_init, &call, e->time_limit_ns, &result, err)) != PB_OK)
        {
          char why[PB_ERROR_MESSAGE_MAX];

          snprintf (why, sizeof why, "%s", err ? err->message : _("faulted"));
          return pb_error_set (err, PB_EFAULT, "%s: %s", p->name, why);
        }
      if (result != 0)
        {
          /* Its init failed: nothing to release, so no fini either. */
          free (p->state_text);
          p->state_text = NULL;
          return pb_error_set (err, PB_EFAILED, "%s: %s", p->name, message);
        }
      p->state_unit = pb_jit_unit_ref (c->unit);
      p->state_fini = c->finis[k];
    }
  return PB_OK;
}

static int
ring_alloc (ring     *r,
            uint64_t  need,
            pb_error *err)
{
  r->capacity = next_pow2 (need < RING_MIN ? RING_MIN : need);
  if (pb__shared_on ())
    r->base = r->capacity <= SIZE_MAX / r->item_size
              ? pb__shared_alloc (r->capacity * r->item_size, PB_SHARED_DATA) : NULL;
  else
    r->base = calloc (r->capacity, r->item_size);
  if (r->base == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  return PB_OK;
}

/* Keeps the items of a ring that survives the edit, so nothing in flight
 * is lost; a new ring starts empty. */
static int
compare_ring_writer (const void *a,
                     const void *b)
{
  pb_addr x = (*(ring *const *) a)->writer, y = (*(ring *const *) b)->writer;

  return x < y ? -1 : x > y;
}

/* Moves the items of @old into @r, a larger ring, at the same positions. */
static void
ring_copy_items (ring       *r,
                 const ring *old)
{
  for (uint64_t pos = old->rpos; pos != old->wpos; pos++)
    memcpy ((char *) r->base + (pos & (r->capacity - 1)) * r->item_size,
            (const char *) old->base + (pos & (old->capacity - 1)) * old->item_size,
            r->item_size);
  r->rpos = old->rpos;
  r->wpos = old->wpos;
}

/* Keeps, in a new ring of @pl, the items of the old ring @old, whose
 * writer or reader waits in @pl: they are wanted when it comes back. */
static int
park (plan *pl,
      ring *old)
{
  ring *r = calloc (1, sizeof *r);
  ring **parked = realloc (pl->parked, (pl->n_parked + 1) * sizeof *parked);

  if (parked != NULL)
    pl->parked = parked;
  if (r == NULL || parked == NULL)
    {
      free (r);
      return PB_ENOMEM;
    }
  r->writer = old->writer;
  r->reader = old->reader;
  r->type = old->type;
  r->item_size = old->item_size;
  r->base = old->base;
  r->capacity = old->capacity;
  r->rpos = old->rpos;
  r->wpos = old->wpos;
  old->base = NULL;
  pl->parked[pl->n_parked++] = r;
  return PB_OK;
}

static bool in_scope (const plan *pl,
                      pb_addr     addr);

/* Whether ring @r of the engine belongs to the part @pl plans. Its
 * writer and reader were linked, so a part that holds one holds the
 * other; either will do, since a parked ring's link may be gone. */
static bool
ring_in_scope (const plan *pl,
               const ring *r)
{
  return in_scope (pl, r->writer) || in_scope (pl, r->reader);
}

static int
plan_rings (pb_engine *e,
            plan      *pl,
            pb_error  *err)
{
  /* Old rings, and those parked, by writer, so that finding each is not a
   * scan of all. */
  size_t n_old = e->n_rings + e->n_parked;
  ring **by_writer = calloc (n_old + 1, sizeof *by_writer);
  int rc = PB_OK;

  if (by_writer == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  /* A plan of part of the topology takes only the rings of that part:
   * the others stay in the engine as they are. */
  n_old = 0;
  for (size_t i = 0; i < e->n_rings + e->n_parked; i++)
    {
      ring *old = i < e->n_rings ? e->rings[i] : e->parked[i - e->n_rings];

      if (ring_in_scope (pl, old))
        by_writer[n_old++] = old;
    }
  if (n_old > 1)
    qsort (by_writer, n_old, sizeof *by_writer, compare_ring_writer);
  for (size_t i = 0; i < pl->n_rings && rc == PB_OK; i++)
    {
      ring *r = pl->rings[i];
      ring **found = n_old > 0 ? bsearch (&r, by_writer, n_old, sizeof *by_writer,
                                          compare_ring_writer) : NULL;
      ring *old = found != NULL ? *found : NULL;
      chain *w = pl->chains[r->writer_chain];
      uint64_t need = 2 * (uint64_t) (w->layout.expand > w->layout.finish_emit
                                      ? w->layout.expand : w->layout.finish_emit);

      if (old != NULL && old->reader == r->reader && old->type == r->type && old->base != NULL)
        {
          if (old->capacity >= need)
            {
              r->base = old->base;
              r->capacity = old->capacity;
              r->rpos = old->rpos;
              r->wpos = old->wpos;
              old->base = NULL;
            }
          else if ((rc = ring_alloc (r, need, err)) == PB_OK)
            ring_copy_items (r, old); /* its writer now emits more per item */
          /* A writer that runs again (its code changed) will end the
           * stream again; one that stays ended does so at once. */
          r->eos = false;
          r->error = false;
        }
      else
        rc = ring_alloc (r, need, err);
      /* A ring kept for draining that has nothing left to drain: the plan
       * after this one joins its chains. */
      if (r->draining && r->wpos == r->rpos)
        {
          r->draining = false;
          pl->rejoin = true;
        }
    }
  for (size_t i = 0; i < n_old && rc == PB_OK; i++)
    {
      ring *old = by_writer[i];
      const proc *w, *q;

      if (old->base == NULL || old->wpos == old->rpos)
        continue;
      w = pb__find_proc (pl->procs, pl->n_procs, old->writer);
      q = pb__find_proc (pl->procs, pl->n_procs, old->reader);
      if (w != NULL && q != NULL
          && (w->state == PB_PROCESS_WAITING || q->state == PB_PROCESS_WAITING)
          && park (pl, old) != PB_OK)
        rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
    }
  free (by_writer);
  return rc;
}

/* Finds the rings of the engine that @pl would drop with items in them
 * because it joins their writer's and reader's chains into one, and keeps
 * each for draining (engine-private.h). Returns: how many it found. */
static size_t
defer_joins (pb_engine *e,
             plan      *pl)
{
  size_t found = 0;

  for (size_t i = 0; i < e->n_rings; i++)
    {
      ring *r = e->rings[i];
      const proc *w, *q;
      ring **draining;

      if (r->wpos == r->rpos)
        continue;
      w = pb__find_proc (pl->procs, pl->n_procs, r->writer);
      q = pb__find_proc (pl->procs, pl->n_procs, r->reader);
      if (w == NULL || q == NULL || w->chain == SIZE_MAX || w->chain != q->chain
          || q->stage != w->stage + 1)
        continue;
      draining = realloc (e->draining, (e->n_draining + 1) * sizeof *draining);
      if (draining == NULL)
        continue; /* out of memory: the join goes ahead, losing them */
      e->draining = draining;
      e->draining[e->n_draining++] = r;
      atomic_store (&r->drained, false);
      found++;
    }
  return found;
}

/* Releases what the processes of the old plan hold that the new one did not
 * take over: their states, through the code that made them. */
void
pb__engine_release (pb_engine *e)
{
  /* Each state left holds a reference to the code that releases it, so
   * the chains can go first. */
  for (size_t i = 0; i < e->n_chains; i++)
    chain_free (e->chains[i]);
  free (e->chains);
  for (size_t i = 0; i < e->n_rings; i++)
    ring_free (e->rings[i]);
  free (e->rings);
  for (size_t i = 0; i < e->n_parked; i++)
    ring_free (e->parked[i]);
  free (e->parked);
  free (e->draining);
  for (size_t i = 0; i < e->n_procs; i++)
    proc_clear (&e->procs[i]);
  free (e->procs);
  e->chains = NULL;
  e->rings = NULL;
  e->parked = NULL;
  e->draining = NULL;
  e->procs = NULL;
  e->n_chains = e->n_rings = e->n_procs = e->n_parked = e->n_draining = 0;
}

/* Carries the counters and outcome of processes that survive the edit. */
static void
carry_over (pb_engine *e,
            plan      *pl)
{
  for (size_t i = 0; i < pl->n_procs; i++)
    {
      proc *p = &pl->procs[i];
      proc *old = pb__find_proc (e->procs, e->n_procs, p->addr);

      if (old == NULL)
        continue;
      p->calls = old->calls;
      p->busy_ticks = old->busy_ticks;
      p->items_in = old->items_in;
      p->items_out = old->items_out;
    }
}

/* Fails chain @c of a plan being built: the process the message names (a
 * compile error reads "map0.expr:1: ..."), else its head. */
void
pb__fail_at_build (plan     *pl,
                   chain    *c,
                   int       code,
                   pb_error *cerr,
                   pb_error *first)
{
  size_t culprit = 0;

  for (size_t k = 0; k < c->n_procs; k++)
    {
      const char *name = pl->procs[c->procs[k]].name;
      size_t len = strlen (name);

      if (strncmp (cerr->message, name, len) == 0
          && (cerr->message[len] == '.' || cerr->message[len] == ':'))
        culprit = k;
    }
  c->status = CHAIN_FAILED;
  c->inherit = CHAIN_RUNNING;
  pb__proc_fail (&pl->procs[c->procs[culprit]], cerr->message);
  for (size_t k = 0; k < c->n_procs; k++)
    if (k != culprit)
      {
        char why[PB_ERROR_MESSAGE_MAX];

        snprintf (why, sizeof why, _("stopped: %s failed"), pl->procs[c->procs[culprit]].name);
        pl->procs[c->procs[k]].state = PB_PROCESS_STOPPED;
        pb__set_text (&pl->procs[c->procs[k]].message, why);
      }
  if (first->code == PB_OK)
    {
      pb_error_set (first, code == PB_ECOMPILE ? PB_ECOMPILE : PB_EFAILED, "%s", cerr->message);
      pl->first_proc = pl->procs[c->procs[culprit]].addr;
    }
}

static bool
has_failed_process (const pb_engine *e,
                    const chain     *c)
{
  for (size_t k = 0; k < c->n_procs; k++)
    if (e->procs[c->procs[k]].state == PB_PROCESS_FAILED)
      return true;
  return false;
}

/*
 * Decides which chains of the new plan stay ended. A chain whose code is
 * unchanged and that had ended stays as it ended: its state is spent (a
 * source at its end, a take satisfied), so running it again would only run
 * its finish code twice (a second result, items emitted twice) or, for a
 * failed chain, the code that faulted on state it may have half written.
 * A chain whose code changed runs again, with its states kept, and so
 * does a chain that was stopped only because something upstream failed,
 * once that upstream runs again.
 */
static void
inherit_ends (pb_engine *e,
              plan      *pl)
{
  bool changed = true;

  for (size_t i = 0; i < pl->n_chains; i++)
    {
      chain *c = pl->chains[i];
      const chain *old = c->from;

      c->inherit = CHAIN_RUNNING;
      if (c->status != CHAIN_RUNNING || old == NULL || old->status == CHAIN_RUNNING
          || old->n_procs != c->n_procs
          || memcmp (old->addrs, c->addrs, c->n_procs * sizeof *c->addrs) != 0)
        continue;
      c->inherit = old->status;
    }
  while (changed)
    {
      changed = false;
      for (size_t i = 0; i < pl->n_chains; i++)
        {
          chain *c = pl->chains[i];

          if (c->inherit != CHAIN_FAILED || has_failed_process (e, c->from))
            continue;
          for (size_t j = 0; j < c->n_ins; j++)
            if (pl->chains[c->ins[j]->writer_chain]->inherit == CHAIN_RUNNING)
              {
                c->inherit = CHAIN_RUNNING;
                changed = true;
                break;
              }
        }
    }
  for (size_t i = 0; i < pl->n_chains; i++)
    {
      chain *c = pl->chains[i];

      if (c->inherit == CHAIN_RUNNING)
        continue;
      for (size_t k = 0; k < c->n_procs; k++)
        {
          proc *p = &pl->procs[c->procs[k]];
          const proc *old = pb__find_proc (e->procs, e->n_procs, p->addr);

          if (old == NULL)
            continue; /* cannot be: the old chain had the same processes */
          p->state = old->state;
          pb__set_text (&p->message, old->message);
          pb__set_text (&p->result, old->result);
        }
    }
}

/* Sets aside @culprit, which waits with its problem as message, and every
 * process linked to it, directly or not: they wait, and the rest can be
 * built. The walk costs what it sets aside, not the topology. */
static int
set_aside (pb_engine  *e,
           plan       *pl,
           proc       *culprit)
{
  proc **stack = NULL;
  size_t depth = 0, room = 0;
  char waits[PB_ERROR_MESSAGE_MAX];
  int rc = PB_OK;

  snprintf (waits, sizeof waits, "waiting for %s", culprit->name);
  if ((stack = malloc (16 * sizeof *stack)) == NULL)
    return PB_ENOMEM;
  room = 16;
  stack[depth++] = culprit;
  while (depth > 0 && rc == PB_OK)
    {
      proc *p = stack[--depth];
      size_t n_ports = pb_graph_list_ports (e->graph, p->addr, NULL, 0);
      pb_connection *ports = calloc (n_ports + 1, sizeof *ports);

      if (ports == NULL)
        {
          rc = PB_ENOMEM;
          break;
        }
      pb_graph_list_ports (e->graph, p->addr, ports, n_ports);
      for (size_t i = 0; i < n_ports; i++)
        {
          proc *q = pb__find_proc (pl->procs, pl->n_procs, ports[i].b);

          /* Each process is pushed once: when it turns waiting. */
          if (q == NULL || q->state == PB_PROCESS_WAITING)
            continue;
          if (depth == room)
            {
              proc **more = realloc (stack, 2 * room * sizeof *stack);

              if (more == NULL)
                {
                  rc = PB_ENOMEM;
                  break;
                }
              stack = more;
              room *= 2;
            }
          q->state = PB_PROCESS_WAITING;
          pb__set_text (&q->message, waits);
          stack[depth++] = q;
        }
      free (ports);
    }
  free (stack);
  return rc;
}

/* A problem with @culprit, found by a check (@rc, said in @perr): a
 * strict engine refuses the topology with it; a lenient one sets
 * @culprit aside with what is linked to it, keeps the first problem as
 * the plan's `waiting`, and the check goes on. Returns: PB_OK to go on,
 * else the error to return. */
int
pb__refuse (pb_engine       *e,
            struct pb__plan *pl,
            proc            *culprit,
            int              rc,
            pb_error        *perr,
            pb_error        *err)
{
  if (rc == PB_ENOMEM || !e->lenient)
    {
      if (err != NULL)
        *err = *perr;
      return rc;
    }
  if (pl->waiting.code == PB_OK)
    pl->waiting = *perr;
  culprit->state = PB_PROCESS_WAITING;
  pb__set_text (&culprit->message, perr->message);
  if (set_aside (e, pl, culprit) != PB_OK)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  return PB_OK;
}

/* Checks the topology and partitions it into chains. A lenient engine sets
 * each problem aside with what is linked to it (pb__refuse()), so every
 * complete part is built. The link and type checks find every problem in
 * one pass; a cycle among chains (which those checks find first, as a
 * cycle among processes) would cost another. */
static int
plan_topology (pb_engine *e,
               plan      *pl,
               pb_error  *err)
{
  int rc = pb__check_links (e, pl, pl->procs, pl->n_procs, err);

  if (rc == PB_OK)
    rc = pb__resolve_types (e, pl, pl->procs, pl->n_procs, err);
  while (rc == PB_OK)
    {
      proc *culprit = NULL;
      pb_error perr = { PB_OK, "" };

      rc = pb__partition (pl, &culprit, &perr);
      if (rc == PB_OK)
        rc = pb__check_chain_cycles (pl, &culprit, &perr);
      if (rc == PB_OK)
        return PB_OK;
      if (culprit == NULL)
        {
          if (err != NULL)
            *err = perr;
          return rc;
        }
      plan_clear_chains (pl);
      rc = pb__refuse (e, pl, culprit, rc, &perr, err);
    }
  return rc;
}

/* Keeps apart the chains of each link whose ring still drains: see
 * engine-private.h. */
static void
mark_draining (const pb_engine *e,
               plan            *pl)
{
  for (size_t i = 0; i < e->n_draining; i++)
    {
      const ring *r = e->draining[i];
      proc *w = pb__find_proc (pl->procs, pl->n_procs, r->writer);

      if (w == NULL || atomic_load (&r->drained))
        continue;
      for (size_t j = 0; j < w->n_outs; j++)
        if (w->outs[j].port == pb_addr_port (r->writer) && w->outs[j].peer == r->reader)
          w->outs[j].flags |= LINK_DRAINING;
    }
}

/* Reads the processes @addrs (ascending; those of other hosts, or that
 * the graph no longer has, are skipped) into @pl, and plans them. */
static int
plan_processes (pb_engine     *e,
                plan          *pl,
                const pb_addr *addrs,
                size_t         n_all,
                pb_error      *err)
{
  uint32_t host = pb_graph_local_host (e->graph);
  int rc = PB_OK;

  pl->procs = calloc (n_all + 1, sizeof *pl->procs);
  if (pl->procs == NULL
      || pb__probe_set_copy (&pl->probes, &pl->n_probes, e->probes, e->n_probes) != PB_OK)
    rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
  for (size_t i = 0; i < n_all && rc == PB_OK; i++)
    if (pb_addr_host (addrs[i]) == host
        && (pl->scope == NULL || pb_graph_has_process (e->graph, addrs[i])))
      {
        proc *p = &pl->procs[pl->n_procs++];
        pb_error perr = { PB_OK, "" };

        rc = pb__load_proc (e, addrs[i], p, &perr);
        if (rc != PB_OK && rc != PB_ENOMEM && e->lenient)
          {
            /* Set aside once every process is loaded, since what is
             * linked to it must be loaded to be marked. */
            if (pl->waiting.code == PB_OK)
              pl->waiting = perr;
            p->state = PB_PROCESS_WAITING;
            pb__set_text (&p->message, perr.message);
            p->mark = 1;
            rc = PB_OK;
          }
        else if (rc != PB_OK && err != NULL)
          *err = perr;
      }
  if (rc == PB_OK)
    mark_draining (e, pl);
  for (size_t i = 0; i < pl->n_procs && rc == PB_OK; i++)
    if (pl->procs[i].mark && set_aside (e, pl, &pl->procs[i]) != PB_OK)
      rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));

  if (rc == PB_OK)
    rc = plan_topology (e, pl, err);
  e->last_planned = pl->n_procs;
  return rc;
}

int
pb__plan_new (pb_engine  *e,
              pb__plan  **out,
              pb_error   *err)
{
  size_t n_all = pb_graph_n_processes (e->graph);
  pb_addr *addrs = calloc (n_all + 1, sizeof *addrs);
  plan *pl = calloc (1, sizeof *pl);
  int rc;

  *out = NULL;
  if (addrs == NULL || pl == NULL)
    {
      free (addrs);
      free (pl);
      return pb_error_set (err, PB_ENOMEM, _("out of memory"));
    }
  pb_graph_list_processes (e->graph, addrs, n_all);
  rc = plan_processes (e, pl, addrs, n_all, err);
  free (addrs);
  if (rc != PB_OK)
    {
      pb__plan_free (pl);
      return rc;
    }
  *out = pl;
  return PB_OK;
}

/* A set of process addresses, open-addressed: the part a scoped plan
 * covers, found by a walk that must not revisit. */
typedef struct
{
  pb_addr *slots;  /* 0: empty (process IDs are nonzero) */
  size_t   room;   /* a power of two */
  pb_addr *list;   /* the members, in the order they came */
  size_t   n;
} addr_set;

static size_t
addr_slot (pb_addr addr,
           size_t  room)
{
  return (size_t) ((addr * UINT64_C (0x9E3779B97F4A7C15)) >> 17) & (room - 1);
}

/* Adds process @addr to @set. Returns: PB_OK (also when it was in it),
 * PB_ENOMEM. */
static int
addr_set_add (addr_set *set,
              pb_addr   addr)
{
  size_t slot;

  addr = pb_addr_process_of (addr);
  if (addr == 0)
    return PB_OK;
  if (2 * (set->n + 1) > set->room)
    {
      size_t room = set->room ? 2 * set->room : 64;
      pb_addr *slots = calloc (room, sizeof *slots);
      pb_addr *list = realloc (set->list, room * sizeof *list);

      if (list != NULL)
        set->list = list;
      if (slots == NULL || list == NULL)
        {
          free (slots);
          return PB_ENOMEM;
        }
      for (size_t i = 0; i < set->n; i++)
        {
          size_t k = addr_slot (set->list[i], room);

          while (slots[k] != 0)
            k = (k + 1) & (room - 1);
          slots[k] = set->list[i];
        }
      free (set->slots);
      set->slots = slots;
      set->room = room;
    }
  slot = addr_slot (addr, set->room);
  while (set->slots[slot] != 0 && set->slots[slot] != addr)
    slot = (slot + 1) & (set->room - 1);
  if (set->slots[slot] == addr)
    return PB_OK;
  set->slots[slot] = addr;
  set->list[set->n++] = addr;
  return PB_OK;
}

static int
compare_addr (const void *a,
              const void *b)
{
  pb_addr x = *(const pb_addr *) a, y = *(const pb_addr *) b;

  return x < y ? -1 : x > y;
}

/* Whether process @addr is in the part @pl plans (any, for a plan of the
 * whole). */
static bool
in_scope (const plan *pl,
          pb_addr     addr)
{
  addr = pb_addr_process_of (addr);
  return pl->scope == NULL
         || bsearch (&addr, pl->scope, pl->n_scope, sizeof addr, compare_addr) != NULL;
}

/* Grows @set, which holds the processes an edit changed, to every process
 * linked to one of them through a link of the graph, or of the engine (a
 * link just removed, a process just removed). Its list is a queue: each
 * member is visited once, when the walk comes to it. */
static int
close_scope (pb_engine *e,
             addr_set  *set)
{
  pb_connection *ports = NULL;
  size_t room = 0;
  int rc = PB_OK;

  for (size_t i = 0; i < set->n && rc == PB_OK; i++)
    {
      pb_addr a = set->list[i];
      const proc *old = pb__find_proc (e->procs, e->n_procs, a);
      size_t n_ports = pb_graph_has_process (e->graph, a)
                       ? pb_graph_list_ports (e->graph, a, NULL, 0) : 0;

      if (n_ports > room)
        {
          pb_connection *more = realloc (ports, n_ports * sizeof *more);

          if (more == NULL)
            {
              rc = PB_ENOMEM;
              break;
            }
          ports = more;
          room = n_ports;
        }
      if (n_ports > 0)
        pb_graph_list_ports (e->graph, a, ports, n_ports);
      for (size_t j = 0; j < n_ports && rc == PB_OK; j++)
        rc = addr_set_add (set, ports[j].b);
      for (size_t j = 0; old != NULL && j < old->n_ins && rc == PB_OK; j++)
        rc = addr_set_add (set, old->ins[j].peer);
      for (size_t j = 0; old != NULL && j < old->n_outs && rc == PB_OK; j++)
        rc = addr_set_add (set, old->outs[j].peer);
    }
  free (ports);
  return rc;
}

int
pb__plan_new_scoped (pb_engine     *e,
                     const pb_addr *dirty,
                     size_t         n_dirty,
                     pb__plan     **out,
                     pb_error      *err)
{
  addr_set set = { NULL, 0, NULL, 0 };
  plan *pl;
  int rc = PB_OK;

  *out = NULL;
  if (!e->lenient)
    return pb__plan_new (e, out, err);
  for (size_t i = 0; i < n_dirty && rc == PB_OK; i++)
    rc = addr_set_add (&set, dirty[i]);
  if (rc == PB_OK)
    rc = close_scope (e, &set);
  pl = calloc (1, sizeof *pl);
  if (rc != PB_OK || pl == NULL)
    {
      free (set.slots);
      free (set.list);
      free (pl);
      return pb_error_set (err, PB_ENOMEM, _("out of memory"));
    }
  free (set.slots);
  qsort (set.list, set.n, sizeof *set.list, compare_addr);
  /* Never NULL, even for an empty part: NULL means the whole. */
  pl->scope = set.list != NULL ? set.list : calloc (1, sizeof *pl->scope);
  pl->n_scope = set.n;
  if (pl->scope == NULL)
    rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
  else
    rc = plan_processes (e, pl, pl->scope, pl->n_scope, err);
  if (rc != PB_OK)
    {
      pb__plan_free (pl);
      return rc;
    }
  *out = pl;
  return PB_OK;
}

void
pb__plan_free (pb__plan *pl)
{
  if (pl == NULL)
    return;
  plan_clear (pl);
  free (pl);
}

/* The arrays of an engine that a plan of part of it is merged into,
 * allocated before anything changes. */
typedef struct
{
  proc    *procs;
  size_t   n_procs;
  chain  **chains;
  size_t   n_chains;
  ring   **rings;
  size_t   n_rings;
  ring   **parked;
  size_t   n_parked;
  size_t  *proc_map;   /* old index of a process, or of a chain, to new */
  size_t  *chain_map;
  size_t  *part_proc_map;
  size_t  *part_chain_map;
} merge_space;

static void
merge_space_free (merge_space *m)
{
  free (m->procs);
  free (m->chains);
  free (m->rings);
  free (m->parked);
  free (m->proc_map);
  free (m->chain_map);
  free (m->part_proc_map);
  free (m->part_chain_map);
  memset (m, 0, sizeof *m);
}

/* Sizes and allocates what merge_part() needs, changing nothing.
 * Returns: PB_OK, PB_ENOMEM. */
static int
merge_prepare (const pb_engine *e,
               const plan      *pl,
               merge_space     *m,
               pb_error        *err)
{
  size_t n_procs = pl->n_procs, n_chains = pl->n_chains;
  size_t n_rings = pl->n_rings, n_parked = pl->n_parked;

  m->proc_map = calloc (e->n_procs + 1, sizeof *m->proc_map);
  m->chain_map = calloc (e->n_chains + 1, sizeof *m->chain_map);
  m->part_proc_map = calloc (pl->n_procs + 1, sizeof *m->part_proc_map);
  m->part_chain_map = calloc (pl->n_chains + 1, sizeof *m->part_chain_map);
  if (m->proc_map == NULL || m->chain_map == NULL || m->part_proc_map == NULL
      || m->part_chain_map == NULL)
    goto oom;
  for (size_t i = 0; i < e->n_procs; i++)
    {
      m->proc_map[i] = in_scope (pl, e->procs[i].addr) ? SIZE_MAX : 0;
      n_procs += m->proc_map[i] == 0;
    }
  for (size_t i = 0; i < e->n_chains; i++)
    {
      m->chain_map[i] = m->proc_map[e->chains[i]->procs[0]];
      n_chains += m->chain_map[i] == 0;
    }
  for (size_t i = 0; i < e->n_rings; i++)
    n_rings += !ring_in_scope (pl, e->rings[i]);
  for (size_t i = 0; i < e->n_parked; i++)
    n_parked += !ring_in_scope (pl, e->parked[i]);
  m->procs = calloc (n_procs + 1, sizeof *m->procs);
  m->chains = calloc (n_chains + 1, sizeof *m->chains);
  m->rings = calloc (n_rings + 1, sizeof *m->rings);
  m->parked = calloc (n_parked + 1, sizeof *m->parked);
  if (m->procs == NULL || m->chains == NULL || m->rings == NULL || m->parked == NULL)
    goto oom;
  return PB_OK;

oom:
  merge_space_free (m);
  return pb_error_set (err, PB_ENOMEM, _("out of memory"));
}

/*
 * Brings the part that @pl planned into the engine and keeps the rest as
 * it is: the part's old chains, rings and processes are freed (what the
 * plan took over from them was moved out already), and the arrays are
 * merged, processes in address order and chains in the order of their
 * heads, as a plan of the whole would have them. Indices into the arrays
 * (a chain's processes, a process's chain, a ring's chains) follow.
 * Costs a pass over the engine's arrays, with no allocation but @m's.
 */
static void
merge_part (pb_engine   *e,
            plan        *pl,
            merge_space *m)
{
  size_t i, j, n;

  /* Chains first: a state holds its own reference to the code that
   * releases it. */
  for (i = 0; i < e->n_chains; i++)
    if (m->chain_map[i] == SIZE_MAX)
      chain_free (e->chains[i]);
  for (i = 0, n = 0; i < e->n_rings; i++)
    if (ring_in_scope (pl, e->rings[i]))
      ring_free (e->rings[i]);
    else
      m->rings[n++] = e->rings[i];
  for (j = 0; j < pl->n_rings; j++)
    m->rings[n++] = pl->rings[j];
  m->n_rings = n;
  for (i = 0, n = 0; i < e->n_parked; i++)
    if (ring_in_scope (pl, e->parked[i]))
      ring_free (e->parked[i]);
    else
      m->parked[n++] = e->parked[i];
  for (j = 0; j < pl->n_parked; j++)
    m->parked[n++] = pl->parked[j];
  m->n_parked = n;

  /* Processes, by address: the old ones of the part go. */
  for (i = 0, j = 0, n = 0; i < e->n_procs || j < pl->n_procs;)
    {
      if (i < e->n_procs && m->proc_map[i] == SIZE_MAX)
        {
          proc_clear (&e->procs[i++]);
          continue;
        }
      if (j >= pl->n_procs || (i < e->n_procs && e->procs[i].addr < pl->procs[j].addr))
        {
          m->proc_map[i] = n;
          m->procs[n++] = e->procs[i++];
        }
      else
        {
          m->part_proc_map[j] = n;
          m->procs[n++] = pl->procs[j++];
        }
    }
  m->n_procs = n;

  /* Chains, by the address of their head. */
  for (i = 0, j = 0, n = 0; i < e->n_chains || j < pl->n_chains;)
    {
      chain *c;
      const size_t *map;

      if (i < e->n_chains && m->chain_map[i] == SIZE_MAX)
        {
          i++;
          continue;
        }
      if (j >= pl->n_chains
          || (i < e->n_chains && e->chains[i]->addrs[0] < pl->chains[j]->addrs[0]))
        {
          m->chain_map[i] = n;
          c = e->chains[i++];
          map = m->proc_map;
        }
      else
        {
          m->part_chain_map[j] = n;
          c = pl->chains[j++];
          map = m->part_proc_map;
        }
      for (size_t k = 0; k < c->n_procs; k++)
        {
          c->procs[k] = map[c->procs[k]];
          m->procs[c->procs[k]].chain = n;
        }
      m->chains[n++] = c;
    }
  m->n_chains = n;
  for (i = 0; i < m->n_rings; i++)
    {
      ring *r = m->rings[i];
      const size_t *map = i < m->n_rings - pl->n_rings ? m->chain_map : m->part_chain_map;

      r->writer_chain = map[r->writer_chain];
      r->reader_chain = map[r->reader_chain];
    }

  free (e->procs);
  free (e->chains);
  free (e->rings);
  free (e->parked);
  e->procs = m->procs;
  e->n_procs = m->n_procs;
  e->chains = m->chains;
  e->n_chains = m->n_chains;
  e->rings = m->rings;
  e->n_rings = m->n_rings;
  e->parked = m->parked;
  e->n_parked = m->n_parked;
  m->procs = NULL;
  m->chains = NULL;
  m->rings = NULL;
  m->parked = NULL;
  merge_space_free (m);
}

int
pb__plan_swap (pb_engine *e,
               pb__plan  *pl,
               pb_error  *err)
{
  int rc = PB_OK;
  size_t n_draining = 0;
  merge_space merged = { 0 };
  bool keep_failure;
  pb_error kept_failure = { PB_OK, "" };
  chain **fresh;
  size_t n_fresh;

  if (defer_joins (e, pl) > 0)
    {
      pb__plan_free (pl);
      return PB_EAGAIN;
    }
  e->last_compiled = pl->compiled;
  e->last_kept = pl->kept;
  e->last_planned = pl->n_procs;
  e->generation++;
  e->profile_next = 0;
  e->profile_due |= pl->compiled > 0;
  for (size_t i = 0; i < pl->n_procs; i++)
    if (pl->procs[i].state == PB_PROCESS_WAITING)
      keep_state (e, &pl->procs[i]);
  carry_over (e, pl);
  inherit_ends (e, pl);
  for (size_t i = 0; i < pl->n_chains && rc == PB_OK; i++)
    {
      chain *c = pl->chains[i];
      pb_error cerr = { PB_OK, "" };
      int crc;

      if (c->status == CHAIN_FAILED)
        {
          keep_states (e, pl, c);
          continue;
        }
      /* A chain that stays failed takes its old states, to release them
       * at the end, but starts none; nor does an engine that only
       * compiles, since starting a state runs process code. */
      crc = chain_states (e, pl, c, c->inherit != CHAIN_FAILED && !e->compile_only, &cerr);
      if (crc == PB_ENOMEM)
        rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
      else if (crc != PB_OK)
        pb__fail_at_build (pl, c, crc, &cerr, &pl->first);
    }
  if (rc == PB_OK)
    rc = plan_rings (e, pl, err);
  if (rc == PB_OK && pl->scope != NULL)
    rc = merge_prepare (e, pl, &merged, err);
  if (rc != PB_OK)
    {
      /* Out of memory half-way: the old engine is restored as it was. The
       * states the new plan took from it go back; states made for the new
       * plan are released through their code, and the units it shares
       * with the old chains are only unreferenced. */
      for (size_t i = 0; i < pl->n_procs; i++)
        {
          proc *p = &pl->procs[i];
          proc *old = pb__find_proc (e->procs, e->n_procs, p->addr);

          if (p->state_mem != NULL && p->taken && old != NULL)
            state_move (old, p);
        }
      pb__plan_free (pl);
      return rc;
    }

  /* Only the thread that runs the engine swaps, between two steps: no
   * thread is inside the old chains' code when their units go. */
  keep_failure = pl->scope != NULL && e->failure.code != PB_OK
                 && !in_scope (pl, e->failure_proc);
  if (keep_failure)
    kept_failure = e->failure;
  fresh = pl->chains;
  n_fresh = pl->n_chains;
  if (pl->scope != NULL)
    {
      merge_part (e, pl, &merged);
      /* The chains outside the part kept their code too. */
      e->last_kept += e->n_chains - n_fresh;
    }
  else
    {
      pb__engine_release (e);
      e->procs = pl->procs;
      e->n_procs = pl->n_procs;
      e->chains = pl->chains;
      e->n_chains = pl->n_chains;
      e->rings = pl->rings;
      e->n_rings = pl->n_rings;
      e->parked = pl->parked;
      e->n_parked = pl->n_parked;
    }
  e->rejoin_due |= pl->rejoin;
  free (e->built_probes);
  e->built_probes = pl->probes;
  e->n_built_probes = pl->n_probes;
  pl->probes = NULL;
  /* Out of memory for the list, the rings still drain (their writers are
   * held by the ring's flag) and only wait longer to be joined. */
  free (e->draining);
  e->n_draining = 0;
  for (size_t i = 0; i < e->n_rings; i++)
    n_draining += e->rings[i]->draining;
  e->draining = calloc (n_draining + 1, sizeof *e->draining);
  for (size_t i = 0; i < e->n_rings && e->draining != NULL; i++)
    if (e->rings[i]->draining)
      e->draining[e->n_draining++] = e->rings[i];
  pb_error_clear (&e->failure);
  e->failure_proc = 0;
  if (pl->first.code != PB_OK)
    {
      e->failure = pl->first;
      e->failure_proc = pl->first_proc;
    }
  rc = pb__engine_schedule (e, err);
  if (rc == PB_OK)
    {
      if (pl->first.code != PB_OK)
        rc = pb_error_set (err, pl->first.code, "%s", pl->first.message);
      else if (pl->waiting.code != PB_OK)
        rc = pb_error_set (err, pl->waiting.code, "%s", pl->waiting.message);
    }
  if (pl->scope != NULL)
    {
      /* Its arrays were merged into the engine's; the chains of the
       * part are still to be ended below. */
      free (pl->procs);
      free (pl->rings);
      free (pl->parked);
      free (pl->scope);
    }
  free (pl);
  if (rc == PB_ENOMEM)
    {
      if (fresh != e->chains)
        free (fresh);
      return rc;
    }

  /* A chain that failed to build ends now, so its readers see an error
   * end-of-stream and nothing waits on it; so does a chain that stays
   * ended, whose processes keep how they ended (no result twice, no
   * finish code run again). */
  for (size_t i = 0; i < n_fresh; i++)
    {
      chain *c = fresh[i];

      if (c->status == CHAIN_FAILED)
        {
          c->status = CHAIN_RUNNING;
          pb__chain_end (e, c, CHAIN_FAILED, NULL);
        }
      else if (c->inherit != CHAIN_RUNNING)
        {
          pb_error *f = &e->failure;

          for (size_t k = 0; k < c->n_procs && f->code == PB_OK; k++)
            {
              const proc *p = &e->procs[c->procs[k]];

              if (p->state == PB_PROCESS_FAILED)
                {
                  pb_error_set (f, PB_EFAILED, "%s: %s", p->name,
                                p->message ? p->message : "failed");
                  e->failure_proc = p->addr;
                }
            }
          pb__chain_end (e, c, c->inherit, NULL);
        }
    }
  /* A failure of the rest of the topology is still how the run stands. */
  if (keep_failure && e->failure.code == PB_OK)
    e->failure = kept_failure;
  if (fresh != e->chains)
    free (fresh);
  return rc;
}

int
pb_engine_build (pb_engine *e,
                 pb_error  *err)
{
  pb__plan *pl;
  int rc;

  pb_error_clear (err);
  e->last_compiled = e->last_kept = 0;
  /* A swap refused for a join waiting on its ring's items has kept that
   * ring: planning again keeps the two chains apart, and each refusal
   * keeps at least one more ring, so this ends. */
  do
    {
      rc = pb__plan_new (e, &pl, err);
      if (rc != PB_OK)
        return rc;
      rc = pb__plan_compile (e, pl, err);
      if (rc != PB_OK)
        {
          pb__plan_free (pl);
          return rc;
        }
      rc = pb__plan_swap (e, pl, err);
    }
  while (rc == PB_EAGAIN);
  return rc;
}
