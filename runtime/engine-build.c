/* engine-build.c — from a graph to a plan of chains
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A build goes check (engine-check.c), partition (engine-partition.c),
 * generate and compile (engine-compile.c), then swap in (engine-swap.c).
 * This file plans: it reads the graph's processes, has them checked and
 * partitioned into chains and rings, sets aside what a lenient build
 * cannot run, and for an edit, plans only the part of the topology that
 * the edit touched.
 *
 * Data flows one way through the engine's files: engine-swap.c calls
 * engine.c, the compile and the plan; engine.c the compile; the compile
 * the plan; the plan the check and the partition; and all of them
 * engine-parts.c, which calls none.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-private.h"
#include "i18n.h"

/* Undoes a partition, which a lenient build tries again once it has set
 * a problem's processes aside. */
static void
plan_clear_chains (plan *pl)
{
  for (size_t i = 0; i < pl->n_chains; i++)
    pb__chain_free (pl->chains[i]);
  free (pl->chains);
  for (size_t i = 0; i < pl->n_rings; i++)
    pb__ring_free (pl->rings[i]);
  free (pl->rings);
  pl->chains = NULL;
  pl->rings = NULL;
  pl->n_chains = pl->n_rings = 0;
}

static void
plan_clear (plan *pl)
{
  for (size_t i = 0; i < pl->n_procs; i++)
    pb__proc_clear (&pl->procs[i]);
  free (pl->procs);
  plan_clear_chains (pl);
  for (size_t i = 0; i < pl->n_parked; i++)
    pb__ring_free (pl->parked[i]);
  free (pl->parked);
  free (pl->scope);
  free (pl->probes);
  memset (pl, 0, sizeof *pl);
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
    if (pl->procs[i].mark && pb__set_aside (e, pl, &pl->procs[i]) != PB_OK)
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
bool
pb__plan_in_scope (const plan *pl,
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

