/* engine-swap.c — bringing a compiled plan into the engine
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The last step of a build (engine-build.c plans, engine-compile.c
 * compiles), on the thread that steps the engine, between two steps:
 * processes get their states (the old one when its layout is unchanged,
 * so a running sum survives an edit), rings keep the items in flight,
 * chains that had ended stay ended, and a plan of part of the topology
 * is merged into the engine's arrays while the rest stays as it is.
 * pb_engine_build(), at the end, runs the three steps in a row.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-private.h"
#include "i18n.h"

/* The least capacity of a ring, in items; a power of two. */
#define RING_MIN 4096

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
    r->base = r->capacity <= SIZE_MAX / r->item_size ? malloc (r->capacity * r->item_size) : NULL;
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

/* Whether ring @r of the engine belongs to the part @pl plans. Its
 * writer and reader were linked, so a part that holds one holds the
 * other; either will do, since a parked ring's link may be gone. */
static bool
ring_in_scope (const plan *pl,
               const ring *r)
{
  return pb__plan_in_scope (pl, r->writer) || pb__plan_in_scope (pl, r->reader);
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
      m->proc_map[i] = pb__plan_in_scope (pl, e->procs[i].addr) ? SIZE_MAX : 0;
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

/* Into @out: the rings of @old outside the part @pl planned (those in it
 * are freed), then @fresh, the plan's. Returns: how many. */
static size_t
merge_rings (const plan *pl,
             ring      **old,
             size_t      n_old,
             ring      **fresh,
             size_t      n_fresh,
             ring      **out)
{
  size_t n = 0;

  for (size_t i = 0; i < n_old; i++)
    if (ring_in_scope (pl, old[i]))
      pb__ring_free (old[i]);
    else
      out[n++] = old[i];
  for (size_t j = 0; j < n_fresh; j++)
    out[n++] = fresh[j];
  return n;
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
      pb__chain_free (e->chains[i]);
  m->n_rings = merge_rings (pl, e->rings, e->n_rings, pl->rings, pl->n_rings, m->rings);
  m->n_parked = merge_rings (pl, e->parked, e->n_parked, pl->parked, pl->n_parked, m->parked);

  /* Processes, by address: the old ones of the part go. */
  for (i = 0, j = 0, n = 0; i < e->n_procs || j < pl->n_procs;)
    {
      if (i < e->n_procs && m->proc_map[i] == SIZE_MAX)
        {
          pb__proc_clear (&e->procs[i++]);
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
                 && !pb__plan_in_scope (pl, e->failure_proc);
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
