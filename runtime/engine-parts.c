/* engine-parts.c — the parts an engine is made of, and their ends
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Processes, chains and rings (engine-private.h) are made by the build
 * and run by engine.c. Both ask here to find a process and to release a
 * part: at the bottom of the engine's files, this calls none of them.
 */

#include <stdlib.h>
#include <string.h>

#include "engine-private.h"

static char *
dup_or_null (const char *s)
{
  return s != NULL ? strdup (s) : NULL;
}

void
pb__set_text (char      **slot,
              const char *text)
{
  free (*slot);
  *slot = dup_or_null (text);
}

void
pb__proc_fail (proc       *p,
               const char *message)
{
  p->state = PB_PROCESS_FAILED;
  pb__set_text (&p->message, message);
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

void
pb__proc_clear (proc *p)
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

void
pb__chain_free (chain *c)
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
void
pb__ring_free (ring *r)
{
  if (r == NULL)
    return;
  if (pb__shared_contains (r->base))
    pb__shared_free (r->base, r->capacity * r->item_size, PB_SHARED_DATA);
  else
    free (r->base);
  free (r);
}

/* Releases what the processes of the old plan hold that the new one did not
 * take over: their states, through the code that made them. */
void
pb__engine_release (pb_engine *e)
{
  /* Each state left holds a reference to the code that releases it, so
   * the chains can go first. */
  for (size_t i = 0; i < e->n_chains; i++)
    pb__chain_free (e->chains[i]);
  free (e->chains);
  for (size_t i = 0; i < e->n_rings; i++)
    pb__ring_free (e->rings[i]);
  free (e->rings);
  for (size_t i = 0; i < e->n_parked; i++)
    pb__ring_free (e->parked[i]);
  free (e->parked);
  free (e->draining);
  for (size_t i = 0; i < e->n_procs; i++)
    pb__proc_clear (&e->procs[i]);
  free (e->procs);
  e->chains = NULL;
  e->rings = NULL;
  e->parked = NULL;
  e->draining = NULL;
  e->procs = NULL;
  e->n_chains = e->n_rings = e->n_procs = e->n_parked = e->n_draining = 0;
}
