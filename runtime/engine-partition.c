/* engine-partition.c — the checked processes cut into chains and rings
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A chain is a run of processes joined by fusible links, which codegen.c
 * pastes into one function; every other link gets a ring. A chain is
 * also bounded, so that neither the generator nor tcc's parser grows
 * without bound on what a document holds. Flow cycles are refused here:
 * within a chain (no source feeds it) and among chains (bounded rings
 * would wait on themselves for ever).
 */

#include <stdlib.h>
#include <string.h>

#include "engine-private.h"
#include "i18n.h"

/* The most processes one chain holds, and the most items one item
 * entering it may become: see chain_length(). */
#define CHAIN_MAX_STAGES 1024
#define CHAIN_MAX_EXPAND (1u << 16)

/* Whether the link out of @p into @q can be pasted into one chain. */
static bool
fusible (const proc     *p,
         const link_end *out,
         const proc     *q)
{
  return !(out->flags & (PB_LINK_BREAK_INLINING | LINK_DRAINING))
         && p->kind->shape != PB_SHAPE_FANOUT
         && q->kind->shape != PB_SHAPE_FANIN
         && !q->kind->heads_chain;
}

/* The process that @p's chain continues with, or NULL at its end. */
static proc *
chain_next (proc   *procs,
            size_t  n,
            proc   *p)
{
  proc *q;

  if (p->n_outs != 1)
    return NULL;
  q = pb__find_proc (procs, n, p->outs[0].peer);
  return q != NULL && fusible (p, &p->outs[0], q) && !q->mark ? q : NULL;
}

/* Whether @p's finish code passes items down its chain (parse's last
 * line, a c process's finish), and whether its body can stop the chain
 * (take), as codegen.c pastes them. */
static bool
finish_feeds_chain (const proc *p)
{
  const pb_param_spec *user;

  if (p->bypassed || p->kind == NULL || p->kind->finish == NULL)
    return false;
  if (strstr (p->kind->finish, "$EMIT") != NULL)
    return true;
  user = strstr (p->kind->finish, "$USER{finish}") != NULL
         ? pb_kind_find_param (p->kind, "finish") : NULL;
  return user != NULL && p->params[user - p->kind->params][0] != '\0';
}

static bool
body_stops_chain (const proc *p)
{
  return !p->bypassed && p->kind != NULL && p->kind->body != NULL
         && strstr (p->kind->body, "$STOP") != NULL;
}

/* The most items one item reaching @p can become, as codegen.c counts
 * it for the chain's admittance and the size of its output rings. */
static uint64_t
stage_expand (const proc *p)
{
  const pb_param_spec *max;
  uint64_t e;

  if (p->bypassed || p->kind == NULL || p->kind->shape == PB_SHAPE_SOURCE)
    return 1;
  max = p->kind->user_code ? pb_kind_find_param (p->kind, "max-emit") : NULL;
  e = max != NULL ? strtoull (p->params[max - p->kind->params], NULL, 10) : p->kind->expand;
  return e > 0 ? e : 1;
}

/*
 * How many processes the chain headed by @head will hold: at most
 * CHAIN_MAX_STAGES, and fewer when its code would hold more than
 * CHAIN_MAX_STAGES copies of their bodies, or one item could become more
 * than CHAIN_MAX_EXPAND at its end. A chain's code pastes each body after
 * its upstream neighbour's $EMIT, and again after each finish upstream
 * that emits; a finish is pasted at the end of the stream and again where
 * each take upstream stops. Unbounded, 40 `take ! format ! parse` made
 * gigabytes of C. The items one item can become multiply along the chain
 * (32 per format), and the ring after it must hold them.
 */
static size_t
chain_length (proc   *procs,
              size_t  n,
              proc   *head)
{
  size_t len = 0, copies = 0, feeds = 0, stops = 0;
  uint64_t expand = 1;

  /* Marks keep a walk on a cycle from running for ever; they are undone
   * so that partition() walks the same way. */
  for (proc *p = head; p != NULL && len < CHAIN_MAX_STAGES; p = chain_next (procs, n, p))
    {
      size_t finishes = p->kind != NULL && p->kind->finish != NULL ? 1 + stops : 0;
      size_t cost = 1 + feeds + finishes;
      uint64_t e = stage_expand (p);

      if (len > 0 && (copies + cost > CHAIN_MAX_STAGES || expand * e > CHAIN_MAX_EXPAND))
        break;
      copies += cost;
      expand *= e;
      if (finish_feeds_chain (p))
        feeds += finishes;
      if (body_stops_chain (p))
        stops++;
      p->mark = 1;
      len++;
    }
  for (size_t k = 0; k < len; k++)
    {
      head->mark = 0;
      if (k + 1 < len)
        head = pb__find_proc (procs, n, head->outs[0].peer);
    }
  return len;
}

static int
compare_port (const void *key,
              const void *end)
{
  uint32_t p = *(const uint32_t *) key, q = ((const link_end *) end)->port;

  return p < q ? -1 : p > q;
}

/* The end of the link leaving @up through its output @port, found by
 * bisection (a process's outputs are sorted by port): one scan per
 * branch of a broadcast of 40,000 made partitioning quadratic. */
static link_end *
find_out (proc     *up,
          uint32_t  port)
{
  return up->n_outs > 0 ? bsearch (&port, up->outs, up->n_outs, sizeof *up->outs, compare_port)
                        : NULL;
}

static int
compare_ring_reader (const void *a,
                     const void *b)
{
  pb_addr x = (*(ring *const *) a)->reader, y = (*(ring *const *) b)->reader;

  return x < y ? -1 : x > y;
}

/* Makes the chain headed by @head, walking along fusible links for at
 * most chain_length() processes, and sets *@rest to the process the
 * walk stopped short of, which must head a chain of its own, or NULL.
 * Returns: PB_OK, PB_ENOMEM. */
static int
make_chain (plan     *pl,
            proc     *head,
            proc    **rest,
            pb_error *err)
{
  proc *procs = pl->procs;
  size_t n = pl->n_procs;
  chain *c = calloc (1, sizeof *c);
  size_t len;
  proc *p;

  if (c == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  pl->chains[pl->n_chains++] = c;
  /* Sized by the chain, not the topology: 20,000 short chains. */
  len = chain_length (procs, n, head);
  c->procs = calloc (len + 1, sizeof (size_t));
  c->addrs = calloc (len + 1, sizeof (pb_addr));
  if (c->procs == NULL || c->addrs == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  c->source = head->kind->shape == PB_SHAPE_SOURCE;
  c->wait_fd = -1;
  c->n_procs = len;

  p = head;
  for (size_t k = 0; k < len; k++)
    {
      p->mark = 1;
      p->chain = pl->n_chains - 1;
      p->stage = k;
      c->addrs[k] = p->addr;
      c->procs[k] = (size_t) (p - procs);
      p = chain_next (procs, n, p);
    }
  *rest = p;
  return PB_OK;
}

/* Partitions the processes into chains, walking from each head along
 * fusible links. A chain longer than chain_length() allows is cut into
 * several joined by rings: the code of one chain nests a block per stage
 * and pastes some bodies several times, and neither our generator nor
 * tcc's parser should recurse or grow without bound on what a document
 * holds. */
int
pb__partition (plan      *pl,
               proc     **culprit,
               pb_error  *err)
{
  proc *procs = pl->procs;
  size_t n = pl->n_procs;

  pl->chains = calloc (n + 1, sizeof (chain *));
  pl->rings = calloc (n * 2 + 1, sizeof (ring *));
  if (pl->chains == NULL || pl->rings == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));

  for (size_t i = 0; i < n; i++)
    {
      procs[i].mark = procs[i].state == PB_PROCESS_WAITING;
      procs[i].chain = SIZE_MAX;
    }

  for (size_t i = 0; i < n; i++)
    {
      proc *head = &procs[i];
      bool is_head;

      if (head->state == PB_PROCESS_WAITING)
        continue;
      is_head = head->kind->shape == PB_SHAPE_SOURCE || head->n_ins != 1;
      if (!is_head)
        {
          proc *up = pb__find_proc (procs, n, head->ins[0].peer);
          link_end *out = up != NULL ? find_out (up, pb_addr_port (head->ins[0].peer)) : NULL;

          if (out != NULL && out->peer != pb_addr_with_port (head->addr, head->ins[0].port))
            out = NULL;
          is_head = up == NULL || out == NULL || !fusible (up, out, head);
        }
      /* A chain cut short goes on in a chain of its own, at once. */
      while (is_head && head != NULL)
        {
          int rc = make_chain (pl, head, &head, err);

          if (rc != PB_OK)
            return rc;
        }
    }

  for (size_t i = 0; i < n; i++)
    if (!procs[i].mark)
      {
        *culprit = &procs[i];
        return pb_error_set (err, PB_ECYCLE, _("%s: it is on a flow cycle with no source"), procs[i].name);
      }

  /* A ring on every link that did not fuse; each reader chain gets its
   * rings as they are made, in port order once all are made. */
  for (size_t ci = 0; ci < pl->n_chains; ci++)
    {
      chain *c = pl->chains[ci];

      if (c->source)
        continue;
      c->ins = calloc (procs[c->procs[0]].n_ins + 1, sizeof (ring *));
      if (c->ins == NULL)
        return pb_error_set (err, PB_ENOMEM, _("out of memory"));
    }
  for (size_t ci = 0; ci < pl->n_chains; ci++)
    {
      chain *c = pl->chains[ci];
      proc *tail = &procs[c->procs[c->n_procs - 1]];

      if (tail->sink)
        continue;
      c->outs = calloc (tail->n_outs + 1, sizeof (ring *));
      if (c->outs == NULL)
        return pb_error_set (err, PB_ENOMEM, _("out of memory"));
      for (size_t j = 0; j < tail->n_outs; j++)
        {
          ring *r = calloc (1, sizeof *r);
          proc *q = pb__find_proc (procs, n, tail->outs[j].peer);

          if (r == NULL)
            return pb_error_set (err, PB_ENOMEM, _("out of memory"));
          pl->rings[pl->n_rings++] = r;
          r->writer = pb_addr_with_port (tail->addr, tail->outs[j].port);
          r->reader = tail->outs[j].peer;
          r->type = tail->out_type;
          r->item_size = tail->out_type == PB_ITEM_U8 ? 1 : 8;
          r->draining = (tail->outs[j].flags & LINK_DRAINING) != 0;
          r->writer_chain = ci;
          r->reader_chain = q->chain;
          c->outs[c->n_outs++] = r;
          pl->chains[q->chain]->ins[pl->chains[q->chain]->n_ins++] = r;
        }
    }
  for (size_t ci = 0; ci < pl->n_chains; ci++)
    if (pl->chains[ci]->n_ins > 1)
      qsort (pl->chains[ci]->ins, pl->chains[ci]->n_ins, sizeof (ring *), compare_ring_reader);
  return PB_OK;
}

/* Refuses a cycle among chains: with bounded rings a feedback loop can
 * fill up and wait on itself forever, and its streams would never end. */
int
pb__check_chain_cycles (plan      *pl,
                        proc     **culprit,
                        pb_error  *err)
{
  size_t n = pl->n_chains;
  int *color = calloc (n + 1, sizeof (int));
  size_t *stack = calloc (n + 1, sizeof (size_t));
  size_t *edge = calloc (n + 1, sizeof (size_t));
  int rc = PB_OK;

  if (color == NULL || stack == NULL || edge == NULL)
    {
      rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
      goto out;
    }
  for (size_t start = 0; start < n && rc == PB_OK; start++)
    {
      size_t depth = 0;

      if (color[start] != 0)
        continue;
      stack[depth] = start;
      edge[depth] = 0;
      color[start] = 1;
      while (depth != SIZE_MAX && rc == PB_OK)
        {
          chain *c = pl->chains[stack[depth]];

          if (edge[depth] < c->n_outs)
            {
              size_t next = c->outs[edge[depth]++]->reader_chain;

              if (color[next] == 1)
                {
                  chain *d = pl->chains[next];

                  *culprit = &pl->procs[d->procs[0]];
                  rc = pb_error_set (err, PB_ECYCLE,
                                     _("flow cycle through %s and %s: feedback loops are not supported"),
                                     pl->procs[d->procs[0]].name,
                                     pl->procs[c->procs[c->n_procs - 1]].name);
                }
              else if (color[next] == 0)
                {
                  color[next] = 1;
                  stack[++depth] = next;
                  edge[depth] = 0;
                }
            }
          else
            {
              color[stack[depth]] = 2;
              depth = depth == 0 ? SIZE_MAX : depth - 1;
            }
        }
    }
out:
  free (color);
  free (stack);
  free (edge);
  return rc;
}

