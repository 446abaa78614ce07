/* engine-build.c — from a graph to a plan of compiled chains
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-private.h"
#include "guard.h"
#include "quote.h"
#include "strbuf.h"
#include "typing.h"
#include "i18n.h"

/* The least capacity of a ring, in items; a power of two. */
#define RING_MIN 4096
/* The most chains compiled as one unit, and the text after which a unit
 * takes no more: enough to spread tcc's fixed cost per unit, small enough
 * that a mistake in one chain costs a second compile of few. */
#define BATCH_CHAINS 64
#define BATCH_BYTES (512 * 1024)

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
    p->state_fini (p->state_mem);
  pb_jit_unit_unref (p->state_unit);
  free (p->state_mem);
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

/* The value of parameter @name (NULL for none) of a loaded process. */
static const char *
param_of (const proc *p,
          const char *name)
{
  const pb_param_spec *spec = name != NULL ? pb_kind_find_param (p->kind, name) : NULL;

  return spec != NULL ? p->params[spec - p->kind->params] : NULL;
}

/* Reads one process from the graph: kind, name, parameters, links. */
static int
load_proc (pb_engine *e,
           pb_addr    addr,
           proc      *p,
           pb_error  *err)
{
  const char *kind_name = pb_graph_process_kind (e->graph, addr);
  const char *name = pb_graph_process_name (e->graph, addr);
  size_t n_set = pb_graph_list_params (e->graph, addr, NULL, NULL, 0);
  const char **keys = NULL, **values = NULL;
  pb_connection *ports = NULL;
  size_t n_ports;
  char q[PB_QUOTE_MAX];
  int rc = PB_OK;

  p->addr = addr;
  p->state = PB_PROCESS_READY;
  p->kind = pb_kind_find (kind_name);
  p->bypassed = pb_graph_get_bypass (e->graph, addr);
  if (name != NULL)
    p->name = strdup (name);
  else
    {
      char buf[64];

      snprintf (buf, sizeof buf, "%s%" PRIu32, kind_name ? kind_name : "process",
                pb_addr_process (addr));
      p->name = strdup (buf);
    }
  if (p->name == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  if (p->kind == NULL)
    {
      p->unknown_kind = strdup (kind_name ? kind_name : "");
      if (p->unknown_kind == NULL)
        return pb_error_set (err, PB_ENOMEM, _("out of memory"));
      return pb_error_set (err, PB_ENOENT, _("%s: unknown kind '%s'"), p->name,
                           pb_quote (p->unknown_kind, q));
    }

  p->params = calloc (p->kind->n_params + 1, sizeof (char *));
  keys = calloc (n_set + 1, sizeof (char *));
  values = calloc (n_set + 1, sizeof (char *));
  if (p->params == NULL || keys == NULL || values == NULL)
    {
      rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
      goto out;
    }
  pb_graph_list_params (e->graph, addr, keys, values, n_set);
  for (size_t i = 0; i < n_set; i++)
    {
      const pb_param_spec *spec = pb_kind_find_param (p->kind, keys[i]);
      pb_error perr;

      if (spec == NULL)
        {
          rc = pb_error_set (err, PB_ENOENT, _("%s: %s has no parameter '%s'"),
                             p->name, p->kind->name, pb_quote (keys[i], q));
          goto out;
        }
      if (pb_kind_check_param (p->kind, keys[i], values[i], &perr) != PB_OK)
        {
          rc = pb_error_set (err, PB_EINVAL, "%s: %s", p->name, perr.message);
          goto out;
        }
      p->params[spec - p->kind->params] = strdup (values[i]);
    }
  for (size_t i = 0; i < p->kind->n_params; i++)
    {
      const pb_param_spec *spec = &p->kind->params[i];

      if (p->params[i] != NULL)
        continue;
      if (spec->default_value == NULL)
        {
          rc = pb_error_set (err, PB_EINVAL, _("%s: parameter '%s' is required"), p->name, spec->name);
          goto out;
        }
      p->params[i] = strdup (spec->default_value);
    }
  for (size_t i = 0; i < p->kind->n_params; i++)
    if (p->params[i] == NULL)
      {
        rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
        goto out;
      }

  p->sink = !pb__kind_has_output (p->kind, param_of (p, p->kind->out_param));

  n_ports = pb_graph_list_ports (e->graph, addr, NULL, 0);
  ports = calloc (n_ports + 1, sizeof *ports);
  p->ins = calloc (n_ports + 1, sizeof *p->ins);
  p->outs = calloc (n_ports + 1, sizeof *p->outs);
  if (ports == NULL || p->ins == NULL || p->outs == NULL)
    {
      rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
      goto out;
    }
  pb_graph_list_ports (e->graph, addr, ports, n_ports);
  for (size_t i = 0; i < n_ports; i++)
    {
      uint32_t port = pb_addr_port (ports[i].a);
      const pb_port_spec *spec = pb_kind_port_lookup (p->kind, port, NULL);
      link_end end = { port, ports[i].b, pb_graph_link_flags (e->graph, ports[i].a) };

      if (spec == NULL)
        {
          rc = pb_error_set (err, PB_ENOENT, _("%s: %s has no port %u"),
                             p->name, p->kind->name, (unsigned) port);
          goto out;
        }
      if (pb_addr_host (ports[i].b) != pb_addr_host (addr))
        {
          rc = pb_error_set (err, PB_EINVAL, _("%s: links to other hosts are not supported yet"),
                             p->name);
          goto out;
        }
      if (spec->dir == PB_PORT_IN)
        p->ins[p->n_ins++] = end;
      else if (p->sink)
        {
          rc = pb_error_set (err, PB_EINVAL, _("%s: out=none, so its output cannot be connected"),
                             p->name);
          goto out;
        }
      else
        {
          p->outs[p->n_outs++] = end;
          p->probed |= pb__probe_set_index (e->probes, e->n_probes,
                                            pb_addr_with_port (addr, end.port)) >= 0;
        }
    }

out:
  free (ports);
  free (keys);
  free (values);
  return rc;
}

struct pb__plan;

static int refuse (pb_engine       *e,
                   struct pb__plan *pl,
                   proc            *culprit,
                   int              rc,
                   pb_error        *perr,
                   pb_error        *err);

/* The problem with @p's links, in @perr, or PB_OK. */
static int
link_problem (proc     *procs,
              size_t    n,
              proc     *p,
              pb_error *perr)
{
  for (size_t j = 0; j < p->n_outs; j++)
    {
      proc *q = pb__find_proc (procs, n, p->outs[j].peer);
      const pb_port_spec *spec = q ? pb_kind_port_lookup (q->kind, pb_addr_port (p->outs[j].peer), NULL) : NULL;
      char a[32], b[32];

      if (q == NULL || spec == NULL)
        continue; /* reported when q itself is loaded */
      if (spec->dir != PB_PORT_IN)
        return pb_error_set (perr, PB_EDIRECTION, _("%s.%s and %s.%s are both outputs"),
                             p->name, pb_kind_port_format (p->kind, p->outs[j].port, a),
                             q->name, pb_kind_port_format (q->kind, pb_addr_port (p->outs[j].peer), b));
    }
  for (size_t j = 0; j < p->n_ins; j++)
    {
      proc *q = pb__find_proc (procs, n, p->ins[j].peer);
      const pb_port_spec *spec = q ? pb_kind_port_lookup (q->kind, pb_addr_port (p->ins[j].peer), NULL) : NULL;
      char a[32], b[32];

      if (q != NULL && spec != NULL && spec->dir != PB_PORT_OUT)
        return pb_error_set (perr, PB_EDIRECTION, _("%s.%s and %s.%s are both inputs"),
                             p->name, pb_kind_port_format (p->kind, p->ins[j].port, a),
                             q->name, pb_kind_port_format (q->kind, pb_addr_port (p->ins[j].peer), b));
    }
  if (p->kind->shape != PB_SHAPE_SOURCE && p->n_ins == 0)
    return pb_error_set (perr, PB_ENOTCONN, _("%s: its input is not connected"), p->name);
  if (!p->sink && p->n_outs == 0)
    return pb_error_set (perr, PB_ENOTCONN, _("%s: its output is not connected"), p->name);
  return PB_OK;
}

/* Checks that every link joins an output to an input, and that every port
 * the kind needs is connected. Waiting processes are left out here and in
 * every check after it: what is linked to them waits as well. A lenient
 * engine sets each problem aside as it finds it (refuse()), so one pass
 * finds them all. */
static int
check_links (pb_engine       *e,
             struct pb__plan *pl,
             proc            *procs,
             size_t           n,
             pb_error        *err)
{
  for (size_t i = 0; i < n; i++)
    {
      pb_error perr = { PB_OK, "" };
      int rc;

      if (procs[i].state == PB_PROCESS_WAITING)
        continue;
      rc = link_problem (procs, n, &procs[i], &perr);
      if (rc != PB_OK && (rc = refuse (e, pl, &procs[i], rc, &perr, err)) != PB_OK)
        return rc;
    }
  return PB_OK;
}

/* Gives @p its item types from its inputs, all typed, or says in @perr
 * why their types do not fit. */
static int
type_one (proc     *procs,
          size_t    n,
          proc     *p,
          pb_error *perr)
{
  pb_item_type in = PB_ITEM_NONE;
  uint32_t takes = pb__kind_in_types (p->kind, param_of (p, pb__kind_in_param (p->kind)));

  for (size_t j = 0; j < p->n_ins; j++)
    {
      proc *q = pb__find_proc (procs, n, p->ins[j].peer);
      char a[32], b[32], t[16];

      if (in != PB_ITEM_NONE && q->out_type != in)
        return pb_error_set (perr, PB_ETYPE, _("%s: its inputs carry different types (%s and %s)"),
                             p->name, pb_item_type_name (in), pb_item_type_name (q->out_type));
      if (!(takes & PB_ITEM_MASK (q->out_type)))
        return pb_error_set (perr, PB_ETYPE, _("type mismatch: %s.%s gives %s but %s.%s takes %s"),
                             q->name, pb_kind_port_format (q->kind, pb_addr_port (p->ins[j].peer), a),
                             pb_item_type_name (q->out_type),
                             p->name, pb_kind_port_format (p->kind, p->ins[j].port, b),
                             pb__types_format (takes, t));
      in = q->out_type;
    }
  p->in_type = in;
  if (p->kind->shape == PB_SHAPE_SOURCE)
    p->out_type = pb__kind_out_type (p->kind, param_of (p, p->kind->out_param), PB_ITEM_NONE);
  else
    p->out_type = p->sink ? PB_ITEM_NONE
                          : pb__kind_out_type (p->kind, param_of (p, p->kind->out_param), in);
  return PB_OK;
}

/* Gives every process its item types, from the sources downstream in
 * topological order (each process once, once all its inputs are typed:
 * linear in the links), and refuses a link whose two ends disagree. */
static int
resolve_types (pb_engine       *e,
               struct pb__plan *pl,
               proc            *procs,
               size_t           n,
               pb_error        *err)
{
  /* For each process, `mark` counts its inputs not typed yet; a queue of
   * those with none left. */
  size_t *queue = calloc (n + 1, sizeof *queue);
  size_t head = 0, tail = 0;
  int rc = PB_OK;

  if (queue == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  for (size_t i = 0; i < n; i++)
    {
      procs[i].mark = (int) procs[i].n_ins;
      if (procs[i].state != PB_PROCESS_WAITING && procs[i].mark == 0)
        queue[tail++] = i;
    }
  while (head < tail && rc == PB_OK)
    {
      proc *p = &procs[queue[head++]];
      pb_error perr = { PB_OK, "" };

      /* Set aside since it was queued, with what is linked to it. */
      if (p->state == PB_PROCESS_WAITING)
        continue;
      if (type_one (procs, n, p, &perr) != PB_OK)
        {
          rc = refuse (e, pl, p, perr.code, &perr, err);
          continue;
        }
      p->mark = -1; /* typed */
      for (size_t j = 0; j < p->n_outs; j++)
        {
          proc *q = pb__find_proc (procs, n, p->outs[j].peer);

          if (q != NULL && q->mark > 0 && --q->mark == 0)
            queue[tail++] = (size_t) (q - procs);
        }
    }
  free (queue);

  /* What is left is on a cycle or downstream of one: walking upstream
   * through what is left ends on the cycle, to name it; the walk marks
   * what it passes (-2), so it stops where it comes back. */
  for (size_t i = 0; i < n && rc == PB_OK; i++)
    if (procs[i].mark >= 0 && procs[i].state != PB_PROCESS_WAITING)
      {
        proc *p = &procs[i];
        pb_error perr = { PB_OK, "" };

        for (;;)
          {
            proc *up = NULL;

            p->mark = -2;
            for (size_t j = 0; j < p->n_ins && up == NULL; j++)
              {
                proc *q = pb__find_proc (procs, n, p->ins[j].peer);

                if (q != NULL && q->mark != -1)
                  up = q;
              }
            if (up == NULL || up->mark == -2)
              {
                p = up != NULL ? up : p;
                break;
              }
            p = up;
          }
        pb_error_set (&perr, PB_ECYCLE, _("%s: it is on a flow cycle: feedback loops are not supported"),
                      p->name);
        rc = refuse (e, pl, p, PB_ECYCLE, &perr, err);
      }
  /* Partitioning marks afresh. */
  return rc;
}

/* The most processes one chain holds: see partition(). */
#define CHAIN_MAX_STAGES 1024

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
  free (c->profile);
  free (c->probes);
  free (c);
}

static void
ring_free (ring *r)
{
  if (r == NULL)
    return;
  free (r->base);
  free (r);
}

/* What a build makes before it touches the engine: see engine-private.h. */
struct pb__plan
{
  proc     *procs;
  size_t    n_procs;
  chain   **chains;
  size_t    n_chains;
  ring    **rings;
  size_t    n_rings;
  ring    **parked;   /* see pb_engine.parked */
  size_t    n_parked;
  bool      rejoin;   /* it keeps apart chains whose ring is empty */
  size_t    compiled;
  size_t    kept;
  pb_error  first;    /* the first chain that failed to compile */
  pb_addr   first_proc; /* ... the process it names */
  pb_error  waiting;  /* the first problem a lenient build set aside */
  /* A plan of part of the topology (pb__plan_new_scoped()): the processes
   * of the part, whether the graph still has them or not, ascending;
   * NULL for a plan of the whole. */
  pb_addr  *scope;
  size_t    n_scope;
  pb_addr  *probes;   /* the engine's, when it was made */
  size_t    n_probes;
};

typedef struct pb__plan plan;

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

/* How many processes the chain headed by @head will hold: at most
 * CHAIN_MAX_STAGES. */
static size_t
chain_length (proc   *procs,
              size_t  n,
              proc   *head)
{
  size_t len = 0;

  /* Marks keep a walk on a cycle from running for ever; they are undone
   * so that partition() walks the same way. */
  for (proc *p = head; p != NULL && len < CHAIN_MAX_STAGES; p = chain_next (procs, n, p))
    {
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
compare_ring_reader (const void *a,
                     const void *b)
{
  pb_addr x = (*(ring *const *) a)->reader, y = (*(ring *const *) b)->reader;

  return x < y ? -1 : x > y;
}

/* Makes the chain headed by @head, walking along fusible links for at
 * most CHAIN_MAX_STAGES processes, and sets *@rest to the process the
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
 * fusible links. A chain longer than CHAIN_MAX_STAGES is cut into several
 * joined by rings: the code of one chain nests a block per stage, and
 * neither our generator nor tcc's parser should recurse without bound on
 * what a document holds. */
static int
partition (plan      *pl,
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
          link_end *out = NULL;

          for (size_t j = 0; up != NULL && j < up->n_outs; j++)
            if (up->outs[j].peer == pb_addr_with_port (head->addr, head->ins[0].port))
              out = &up->outs[j];
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
static int
check_chain_cycles (plan      *pl,
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

static uint64_t
next_pow2 (uint64_t v)
{
  uint64_t p = 1;

  while (p < v)
    p <<= 1;
  return p;
}

/* The chain of the engine that ran @c's head, or NULL. Only the thread
 * that builds reads it, and only what a build alone changes. */
static const chain *
old_chain_of (const pb_engine *e,
              const chain     *c)
{
  const proc *head = pb__find_proc (e->procs, e->n_procs, c->addrs[0]);

  return head != NULL && head->chain < e->n_chains ? e->chains[head->chain] : NULL;
}

/* Whether chain @c of the plan has what @old was generated from: the
 * same processes, kinds, bypasses, names, parameters and item types,
 * and as many outputs. Generating a chain's text costs more than compiling a short
 * one, so an edit must not generate the chains it did not touch. */
static bool
same_inputs (const pb_engine *e,
             const chain     *old,
             const plan      *pl,
             const chain     *c)
{
  if (old->code == NULL || old->unit == NULL || old->n_procs != c->n_procs
      || old->n_outs != c->n_outs || old->source != c->source)
    return false;
  for (size_t k = 0; k < c->n_procs; k++)
    {
      const proc *p = &pl->procs[c->procs[k]];
      const proc *q = &e->procs[old->procs[k]];

      if (p->addr != q->addr || p->kind != q->kind || p->in_type != q->in_type
          || p->out_type != q->out_type || p->probed != q->probed
          || p->bypassed != q->bypassed || strcmp (p->name, q->name) != 0)
        return false;
      for (size_t i = 0; i < p->kind->n_params; i++)
        if (strcmp (p->params[i], q->params[i]) != 0)
          return false;
    }
  return true;
}

static int
layout_copy (pb_codegen_layout       *to,
             const pb_codegen_layout *from,
             size_t                   n_stages)
{
  *to = *from;
  to->in_point = calloc (n_stages + 1, sizeof *to->in_point);
  to->out_point = calloc (n_stages + 1, sizeof *to->out_point);
  to->state_text = calloc (n_stages + 1, sizeof *to->state_text);
  to->probe_slot = calloc (n_stages + 1, sizeof *to->probe_slot);
  if (to->in_point == NULL || to->out_point == NULL || to->state_text == NULL
      || to->probe_slot == NULL)
    return PB_ENOMEM;
  memcpy (to->in_point, from->in_point, n_stages * sizeof *to->in_point);
  memcpy (to->out_point, from->out_point, n_stages * sizeof *to->out_point);
  memcpy (to->probe_slot, from->probe_slot, n_stages * sizeof *to->probe_slot);
  for (size_t k = 0; k < n_stages; k++)
    if ((to->state_text[k] = strdup (from->state_text[k])) == NULL)
      return PB_ENOMEM;
  return PB_OK;
}

/* Generates the text of chain @c into c->code and c->layout. */
static int
generate (plan     *pl,
          chain    *c,
          pb_error *err)
{
  pb_codegen_stage *stages = calloc (c->n_procs, sizeof *stages);
  pb_codegen_chain spec;
  char unit_name[96];
  char *code = NULL, *shrunk;
  int rc;

  if (stages == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  for (size_t k = 0; k < c->n_procs; k++)
    {
      proc *p = &pl->procs[c->procs[k]];

      /* A bypassed process runs as pass: its parameters are its own
       * kind's, which pass never reads. */
      stages[k].kind = p->bypassed ? pb_kind_find ("pass") : p->kind;
      stages[k].name = p->name;
      stages[k].params = (const char **) p->params;
      stages[k].in_type = p->in_type;
      stages[k].out_type = p->out_type;
      stages[k].probed = p->probed;
    }
  snprintf (unit_name, sizeof unit_name, "chain of %s", stages[0].name);
  spec.stages = stages;
  spec.n_stages = c->n_procs;
  spec.in_type = c->source ? PB_ITEM_NONE : pl->procs[c->procs[0]].in_type;
  spec.n_outputs = c->n_outs;
  spec.profile = true;
  spec.unit_name = unit_name;
  rc = pb_codegen_chain_source (&spec, &code, &c->layout, err);
  free (stages);
  if (rc != PB_OK)
    return rc;
  /* The text lives as long as the chain, and the buffer it was written in
   * has up to twice its size: 20,000 chains waste 150 MB. */
  shrunk = realloc (code, strlen (code) + 1);
  c->code = pb__source_new (shrunk != NULL ? shrunk : code);
  if (c->code == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  return PB_OK;
}

/* The address of @c's symbol @name ("pb_run", "pb_fini_2"), under the name
 * it has in a unit shared with other chains. */
static void *
chain_symbol (const chain *c,
              const char  *name)
{
  char renamed[48];

  if (c->unit_index == 0)
    return pb_jit_unit_symbol (c->unit, name);
  snprintf (renamed, sizeof renamed, "pb%u_%s", c->unit_index, name + 3);
  return pb_jit_unit_symbol (c->unit, renamed);
}

/* Gives chain @c its text, generated or shared with the old chain that
 * had the same inputs, and its unit when the old chain had the very same
 * text. A chain left without a unit is to be compiled. */
static int
chain_prepare (pb_engine *e,
               plan      *pl,
               chain     *c,
               pb_error  *err)
{
  const chain *old = old_chain_of (e, c);
  int rc;

  if (old != NULL && same_inputs (e, old, pl, c))
    {
      c->code = pb__source_ref (old->code);
      if (layout_copy (&c->layout, &old->layout, c->n_procs) != PB_OK)
        return pb_error_set (err, PB_ENOMEM, _("out of memory"));
    }
  else if ((rc = generate (pl, c, err)) != PB_OK)
    return rc;

  c->finis = calloc (c->n_procs, sizeof *c->finis);
  c->reports = calloc (c->n_procs, sizeof *c->reports);
  c->views = calloc (c->n_procs, sizeof *c->views);
  c->states = calloc (c->n_procs, sizeof *c->states);
  c->out_io = calloc (c->n_outs + 1, sizeof *c->out_io);
  c->counts = calloc (c->layout.n_counts, sizeof *c->counts);
  c->ticks = calloc (c->n_procs, sizeof *c->ticks);
  c->profile = calloc (c->n_procs, sizeof *c->profile);
  c->probes = calloc (c->layout.n_probes * PB_PROBE_STRIDE + 1, sizeof *c->probes);
  if (c->finis == NULL || c->reports == NULL || c->views == NULL || c->states == NULL
      || c->out_io == NULL || c->counts == NULL || c->ticks == NULL || c->profile == NULL
      || c->probes == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));

  /* Reuse the unit of the old chain with identical code: this is what
   * makes an edit recompile only the chains it touched. Identical code
   * names the same head, so only the head's old chain can have it. The
   * old chain keeps its reference: it may be running meanwhile. */
  if (old != NULL && old->unit != NULL && old->code != NULL
      && (old->code == c->code || strcmp (old->code->text, c->code->text) == 0))
    {
      c->unit = pb_jit_unit_ref (old->unit);
      c->unit_index = old->unit_index;
      c->from = old;
      c->compile_ns = old->compile_ns;
      c->code_bytes = old->code_bytes;
      c->compiles = old->compiles;
      pl->kept++;
    }
  else
    c->compiles = old != NULL ? old->compiles + 1 : 1;
  return PB_OK;
}

/* Finds the compiled functions of chain @c in its unit. */
static void
chain_link (chain *c)
{
  c->run = (pb_chain_run_fn) chain_symbol (c, "pb_run");
  c->run_prof = (pb_chain_run_fn) chain_symbol (c, "pb_run_prof");
  for (size_t k = 0; k < c->n_procs; k++)
    {
      char sym[32];

      snprintf (sym, sizeof sym, "pb_fini_%zu", k);
      c->finis[k] = (pb_state_fini_fn) chain_symbol (c, sym);
      snprintf (sym, sizeof sym, "pb_report_%zu", k);
      c->reports[k] = (pb_state_report_fn) chain_symbol (c, sym);
      snprintf (sym, sizeof sym, "pb_view_%zu", k);
      c->views[k] = (pb_state_view_fn) chain_symbol (c, sym);
    }
}

/* The text of chain @c to compile: whole, with its profiling variant, or
 * (@full false) only what running it needs. */
static size_t
chain_text_length (const chain *c,
                   bool         full)
{
  return full ? strlen (c->code->text) : c->layout.lean_length;
}

/* Compiles chain @c alone into *@unit. */
static int
compile_one (const chain  *c,
             bool          full,
             pb_jit_unit **unit,
             pb_error     *err)
{
  char *text = strndup (c->code->text, chain_text_length (c, full));
  int rc;

  if (text == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  rc = pb_jit_compile (text, NULL, 0, unit, err) != PB_OK ? PB_ECOMPILE : PB_OK;
  free (text);
  return rc;
}

/* Appends to @b a #define (or, when @undef, an #undef) renaming symbol
 * pb_@name to pb@index_@name. */
static void
rename_symbol (pb_strbuf  *b,
               unsigned    index,
               const char *name,
               bool        undef)
{
  if (undef)
    pb_strbuf_printf (b, "#undef pb_%s\n", name);
  else
    pb_strbuf_printf (b, "#define pb_%s pb%u_%s\n", name, index, name);
}

static void
rename_symbols (pb_strbuf   *b,
                const chain *c,
                unsigned     index,
                bool         undef)
{
  static const char *const per_stage[] = { "state", "size", "init", "fini", "report", "view" };

  rename_symbol (b, index, "run", undef);
  rename_symbol (b, index, "run_prof", undef);
  for (size_t k = 0; k < c->n_procs; k++)
    for (size_t i = 0; i < sizeof per_stage / sizeof *per_stage; i++)
      {
        char name[32];

        snprintf (name, sizeof name, "%s_%zu", per_stage[i], k);
        rename_symbol (b, index, name, undef);
      }
}

/*
 * Compiles @n chains as one unit, since tcc costs about a millisecond per
 * unit whatever its size (it reads its runtime library at each
 * relocation): the prelude once, then each chain's own text with its
 * symbols renamed (codegen.h). If the unit does not compile, each chain
 * is compiled alone, so that a mistake fails its own chain only.
 * @units[i] gets a reference to chain i's unit and @index[i] its index
 * in it (0: alone), or NULL with the reason in @errs[i].
 * Returns: PB_OK, or PB_ENOMEM.
 */
static int
compile_batch (chain       **batch,
               size_t        n,
               bool          full,
               pb_jit_unit **units,
               unsigned     *index,
               pb_error     *errs)
{
  size_t prelude = pb_codegen_prelude_length ();
  pb_jit_unit *unit = NULL;
  pb_strbuf b;
  char *text;

  if (n > 1)
    {
      pb_strbuf_init (&b);
      pb_strbuf_append_n (&b, batch[0]->code->text, prelude);
      for (size_t i = 0; i < n; i++)
        {
          rename_symbols (&b, batch[i], (unsigned) i + 1, false);
          pb_strbuf_append_n (&b, batch[i]->code->text + prelude,
                              chain_text_length (batch[i], full) - prelude);
          rename_symbols (&b, batch[i], (unsigned) i + 1, true);
        }
      if (pb_strbuf_failed (&b))
        {
          pb_strbuf_clear (&b);
          return PB_ENOMEM;
        }
      text = pb_strbuf_steal (&b);
      if (pb_jit_compile (text, NULL, 0, &unit, NULL) != PB_OK)
        unit = NULL;
      free (text);
    }
  for (size_t i = 0; i < n; i++)
    {
      errs[i] = (pb_error) { PB_OK, "" };
      units[i] = NULL;
      index[i] = 0;
      if (unit != NULL)
        {
          units[i] = pb_jit_unit_ref (unit);
          index[i] = (unsigned) i + 1;
        }
      else if (compile_one (batch[i], full, &units[i], &errs[i]) == PB_ENOMEM)
        {
          for (size_t j = 0; j <= i; j++)
            pb_jit_unit_unref (units[j]);
          pb_jit_unit_unref (unit);
          return PB_ENOMEM;
        }
    }
  pb_jit_unit_unref (unit);
  return PB_OK;
}

/* What of its unit's compile a chain counts as its own. */
typedef struct
{
  uint64_t ns;
  uint64_t bytes;
} unit_share;

/* Gives chain @c the unit @unit (taking the reference) at @index, and
 * finds its functions there. */
static void
chain_set_unit (chain            *c,
                pb_jit_unit      *unit,
                unsigned          index,
                const unit_share *share)
{
  pb_jit_unit_unref (c->unit);
  c->unit = unit;
  c->unit_index = index;
  c->compile_ns += share->ns;
  c->code_bytes = share->bytes;
  chain_link (c);
}

static void fail_at_build (plan     *pl,
                           chain    *c,
                           int       code,
                           pb_error *cerr,
                           pb_error *first);

/* The length of the line at @p that matters to the code: a #line
 * directive's file name is the only place where a chain's text names its
 * processes (it leads compile errors to them), so it is left out. */
static size_t
code_line (const char  *p,
           const char **end)
{
  size_t len;
  const char *quote;

  *end = strchrnul (p, '\n');
  len = (size_t) (*end - p);
  if (len > 6 && strncmp (p, "#line ", 6) == 0 && (quote = memchr (p, '"', len)) != NULL)
    len = (size_t) (quote - p);
  return len;
}

/* Whether @a and @b are the same code, but for the names of processes. */
static bool
same_code (const char *a,
           const char *b)
{
  for (;;)
    {
      const char *ea, *eb;
      size_t la = code_line (a, &ea), lb = code_line (b, &eb);

      if (la != lb || memcmp (a, b, la) != 0)
        return false;
      if (*ea == '\0' || *eb == '\0')
        return *ea == *eb;
      a = ea + 1;
      b = eb + 1;
    }
}

static uint64_t
code_hash (const char *p)
{
  uint64_t h = UINT64_C (14695981039346656037);

  for (;;)
    {
      const char *end;
      size_t len = code_line (p, &end);

      for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char) p[i]) * UINT64_C (1099511628211);
      h = (h ^ '\n') * UINT64_C (1099511628211);
      if (*end == '\0')
        return h;
      p = end + 1;
    }
}

/* Compiles the chains @chains (@in_batch of them, at @batch in the list
 * compile_chains() was given) as one unit, and files the results. */
static int
flush_batch (chain       **chains,
             const size_t *batch,
             size_t        in_batch,
             bool          full,
             pb_jit_unit **units,
             unsigned     *index,
             pb_error     *errs,
             unit_share   *shares)
{
  size_t prelude = pb_codegen_prelude_length ();
  pb_jit_unit *u[BATCH_CHAINS];
  unsigned x[BATCH_CHAINS];
  pb_error e[BATCH_CHAINS];
  double own[BATCH_CHAINS], total = 0;

  if (compile_batch (chains, in_batch, full, u, x, e) != PB_OK)
    return PB_ENOMEM;
  for (size_t k = 0; k < in_batch; k++)
    {
      own[k] = (double) (chain_text_length (chains[k], full) - prelude);
      total += own[k];
    }
  for (size_t k = 0; k < in_batch; k++)
    {
      /* libtcc gives a unit's time and size, not each chain's: a chain
       * in a unit of several gets the part its own text is of theirs,
       * and one compiled alone (index 0) the whole. */
      double part = x[k] == 0 || total <= 0 ? 1.0 : own[k] / total;

      units[batch[k]] = u[k];
      index[batch[k]] = x[k];
      errs[batch[k]] = e[k];
      shares[batch[k]] = u[k] != NULL
        ? (unit_share) { (uint64_t) ((double) pb_jit_unit_compile_ns (u[k]) * part),
                         (uint64_t) ((double) pb_jit_unit_code_bytes (u[k]) * part) }
        : (unit_share) { 0, 0 };
    }
  return PB_OK;
}

/*
 * Compiles the @n chains of @list (@full: with their profiling variant),
 * giving @units[i] a reference to chain i's unit, @index[i] its index
 * there and @shares[i] its share of the unit's time and size, or a NULL
 * unit and the reason
 * in @errs[i]. Chains whose code is the same but for names (the same
 * kinds and parameters, as a broadcast's identical branches) are compiled
 * once and share the unit: their states are apart (pb_io->state), so the
 * code is theirs to share, unless it has static storage of its own. A
 * text that does not compile is compiled again for each of its twins, so
 * that each fails with its own names.
 * Returns: PB_OK, or PB_ENOMEM.
 */
static int
compile_chains (chain       **list,
                size_t        n,
                bool          full,
                pb_jit_unit **units,
                unsigned     *index,
                pb_error     *errs,
                unit_share   *shares)
{
  size_t prelude = pb_codegen_prelude_length ();
  size_t n_slots = 16;
  size_t *slots, *rep;
  size_t batch[BATCH_CHAINS];
  chain *chains[BATCH_CHAINS];
  size_t in_batch = 0, bytes = 0;
  int rc = PB_OK;

  while (n_slots < 2 * n)
    n_slots *= 2;
  slots = malloc (n_slots * sizeof *slots);
  rep = calloc (n + 1, sizeof *rep);
  if (slots == NULL || rep == NULL)
    {
      free (slots);
      free (rep);
      return PB_ENOMEM;
    }
  memset (slots, 0xff, n_slots * sizeof *slots);
  for (size_t i = 0; i < n && rc == PB_OK; i++)
    {
      const char *text = list[i]->code->text;
      size_t len = chain_text_length (list[i], full);

      units[i] = NULL;
      index[i] = 0;
      shares[i] = (unit_share) { 0, 0 };
      errs[i] = (pb_error) { PB_OK, "" };
      rep[i] = i;
      /* The lean text is a prefix of the whole one: twins in one are twins
       * in the other, so the whole text is what is compared. */
      if (strstr (text + prelude, "static") == NULL)
        {
          size_t slot = code_hash (text + prelude) & (n_slots - 1);

          while (slots[slot] != SIZE_MAX
                 && !same_code (list[slots[slot]]->code->text + prelude, text + prelude))
            slot = (slot + 1) & (n_slots - 1);
          if (slots[slot] != SIZE_MAX)
            {
              rep[i] = slots[slot];
              continue;
            }
          slots[slot] = i;
        }
      batch[in_batch] = i;
      chains[in_batch++] = list[i];
      bytes += len;
      if (in_batch == BATCH_CHAINS || bytes >= BATCH_BYTES)
        {
          rc = flush_batch (chains, batch, in_batch, full, units, index, errs, shares);
          in_batch = bytes = 0;
        }
    }
  if (rc == PB_OK && in_batch > 0)
    rc = flush_batch (chains, batch, in_batch, full, units, index, errs, shares);
  for (size_t i = 0; i < n && rc == PB_OK; i++)
    {
      if (rep[i] == i)
        continue;
      if (units[rep[i]] != NULL)
        {
          /* It runs its twin's code: that code's size, and no time. */
          units[i] = pb_jit_unit_ref (units[rep[i]]);
          index[i] = index[rep[i]];
          shares[i].bytes = shares[rep[i]].bytes;
        }
      else if (compile_one (list[i], full, &units[i], &errs[i]) == PB_ENOMEM)
        rc = PB_ENOMEM;
      else if (units[i] != NULL)
        shares[i] = (unit_share) { pb_jit_unit_compile_ns (units[i]),
                                   pb_jit_unit_code_bytes (units[i]) };
    }
  if (rc != PB_OK)
    for (size_t i = 0; i < n; i++)
      {
        pb_jit_unit_unref (units[i]);
        units[i] = NULL;
      }
  free (slots);
  free (rep);
  return rc;
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
  to->state_text = from->state_text;
  to->state_unit = from->state_unit;
  to->state_fini = from->state_fini;
  from->state_mem = NULL;
  from->state_text = NULL;
  from->state_unit = NULL;
  from->state_fini = NULL;
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
      size_fn = (uint64_t (*) (void)) chain_symbol (c, sym);
      p->state_mem = calloc (1, size_fn ());
      p->state_text = strdup (c->layout.state_text[k]);
      if (p->state_mem == NULL || p->state_text == NULL)
        return pb_error_set (err, PB_ENOMEM, _("out of memory"));
      c->states[k] = p->state_mem;

      snprintf (sym, sizeof sym, "pb_init_%zu", k);
      init = (pb_state_init_fn) chain_symbol (c, sym);
      if (init == NULL)
        {
          p->state_unit = pb_jit_unit_ref (c->unit);
          p->state_fini = c->finis[k];
          continue;
        }
      message[0] = '\0';
      call = (init_call) { init, p->state_mem, message, sizeof message };
      if (pb_guard_call (call_init, &call, e->time_limit_ns, &result, err) != PB_OK)
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
static void
fail_at_build (plan     *pl,
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
static int
refuse (pb_engine       *e,
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
 * each problem aside with what is linked to it (refuse()), so every
 * complete part is built. The link and type checks find every problem in
 * one pass; a cycle among chains (which those checks find first, as a
 * cycle among processes) would cost another. */
static int
plan_topology (pb_engine *e,
               plan      *pl,
               pb_error  *err)
{
  int rc = check_links (e, pl, pl->procs, pl->n_procs, err);

  if (rc == PB_OK)
    rc = resolve_types (e, pl, pl->procs, pl->n_procs, err);
  while (rc == PB_OK)
    {
      proc *culprit = NULL;
      pb_error perr = { PB_OK, "" };

      rc = partition (pl, &culprit, &perr);
      if (rc == PB_OK)
        rc = check_chain_cycles (pl, &culprit, &perr);
      if (rc == PB_OK)
        return PB_OK;
      if (culprit == NULL)
        {
          if (err != NULL)
            *err = perr;
          return rc;
        }
      plan_clear_chains (pl);
      rc = refuse (e, pl, culprit, rc, &perr, err);
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

        rc = load_proc (e, addrs[i], p, &perr);
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

int
pb__plan_compile (pb_engine *e,
                  pb__plan  *pl,
                  pb_error  *err)
{
  chain **list = calloc (pl->n_chains + 1, sizeof *list);
  pb_jit_unit **units = calloc (pl->n_chains + 1, sizeof *units);
  unsigned *index = calloc (pl->n_chains + 1, sizeof *index);
  pb_error *errs = calloc (pl->n_chains + 1, sizeof *errs);
  unit_share *shares = calloc (pl->n_chains + 1, sizeof *shares);
  size_t n = 0;
  int rc = PB_OK;

  if (list == NULL || units == NULL || index == NULL || errs == NULL || shares == NULL)
    rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
  /* The topology is sound: from here on a chain that cannot be compiled or
   * started fails alone, and the rest is built. */
  for (size_t i = 0; i < pl->n_chains && rc == PB_OK; i++)
    {
      chain *c = pl->chains[i];
      pb_error cerr = { PB_OK, "" };
      int crc;

      c->engine = e;
      crc = chain_prepare (e, pl, c, &cerr);
      if (crc == PB_ENOMEM)
        rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
      else if (crc != PB_OK)
        fail_at_build (pl, c, crc, &cerr, &pl->first);
      else if (c->unit != NULL)
        {
          /* The old chain's very code: its functions, found already. */
          c->run = c->from->run;
          c->run_prof = c->from->run_prof;
          memcpy (c->finis, c->from->finis, c->n_procs * sizeof *c->finis);
          memcpy (c->reports, c->from->reports, c->n_procs * sizeof *c->reports);
          memcpy (c->views, c->from->views, c->n_procs * sizeof *c->views);
        }
      else
        list[n++] = c;
    }
  pl->compiled = n;
  if (rc == PB_OK && compile_chains (list, n, false, units, index, errs, shares) != PB_OK)
    rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
  for (size_t i = 0; i < n && rc == PB_OK; i++)
    if (units[i] == NULL)
      fail_at_build (pl, list[i], PB_ECOMPILE, &errs[i], &pl->first);
    else
      chain_set_unit (list[i], units[i], index[i], &shares[i]);
  free (list);
  free (units);
  free (index);
  free (errs);
  free (shares);
  return rc;
}

/* The profiling variants of an engine's chains, compiled after the swap
 * that brought the chains in: see engine-private.h. */
struct pb__profile
{
  uint64_t      generation;  /* the engine's, when they were compiled */
  chain       **chains;
  pb_jit_unit **units;
  unsigned     *index;
  unit_share   *shares;      /* each one's share of its unit */
  size_t        n;
  size_t        next;        /* the chain the next pass starts from */
  bool          more;        /* chains from there on want theirs */
};

void
pb__profile_free (pb__profile *pf)
{
  if (pf == NULL)
    return;
  for (size_t i = 0; i < pf->n; i++)
    pb_jit_unit_unref (pf->units[i]);
  free (pf->chains);
  free (pf->units);
  free (pf->index);
  free (pf->shares);
  free (pf);
}

int
pb__profile_compile (pb_engine    *e,
                     pb__profile **out)
{
  pb__profile *pf = calloc (1, sizeof *pf);
  pb_error *errs = NULL;
  size_t n = 0;
  int rc = PB_OK;

  *out = NULL;
  if (pf == NULL)
    return PB_ENOMEM;
  pf->generation = e->generation;
  pf->chains = calloc (e->n_chains + 1, sizeof *pf->chains);
  pf->units = calloc (e->n_chains + 1, sizeof *pf->units);
  pf->index = calloc (e->n_chains + 1, sizeof *pf->index);
  pf->shares = calloc (e->n_chains + 1, sizeof *pf->shares);
  errs = calloc (e->n_chains + 1, sizeof *errs);
  if (pf->chains == NULL || pf->units == NULL || pf->index == NULL || pf->shares == NULL
      || errs == NULL)
    rc = PB_ENOMEM;
  /* Only what a swap changes is read here (engine-private.h): a chain with
   * code and a unit, but not the profiling variant. */
  /* A pass compiles one unit's worth, so that an edit coming meanwhile
   * waits for that much at most; the next pass goes on from where this
   * one stopped, and a chain whose variant did not compile is not tried
   * again until the next swap. */
  for (size_t i = e->profile_next; i < e->n_chains && rc == PB_OK; i++)
    {
      chain *c = e->chains[i];

      if (n == BATCH_CHAINS)
        {
          pf->more = true;
          break;
        }
      pf->next = i + 1;
      if (c->unit != NULL && c->run_prof == NULL && c->code != NULL
          && c->layout.lean_length < strlen (c->code->text))
        pf->chains[n++] = c;
    }
  if (rc == PB_OK)
    rc = compile_chains (pf->chains, n, true, pf->units, pf->index, errs, pf->shares);
  /* A chain whose whole text does not compile runs on, unprofiled. */
  for (size_t i = 0; i < n && rc == PB_OK; i++)
    if (pf->units[i] != NULL)
      {
        pf->chains[pf->n] = pf->chains[i];
        pf->units[pf->n] = pf->units[i];
        pf->index[pf->n] = pf->index[i];
        pf->shares[pf->n++] = pf->shares[i];
      }
  free (errs);
  if (rc != PB_OK || (pf->n == 0 && !pf->more))
    {
      pb__profile_free (pf);
      return rc;
    }
  *out = pf;
  return PB_OK;
}

void
pb__profile_swap (pb_engine   *e,
                  pb__profile *pf)
{
  if (pf == NULL)
    return;
  /* The chains are the engine's still only if no plan was swapped in since:
   * else they are gone, and the next pass compiles the new ones. */
  if (pf->generation == e->generation)
    {
      for (size_t i = 0; i < pf->n; i++)
        {
          /* The states keep the unit that made them, with their fini; the
           * chain's code moves to the whole unit, which has the same
           * layout and adds pb_run_prof. */
          chain_set_unit (pf->chains[i], pf->units[i], pf->index[i], &pf->shares[i]);
          pf->units[i] = NULL;
        }
      e->profile_next = pf->next;
      e->profile_due |= pf->more;
    }
  else
    e->profile_due = true;
  pb__profile_free (pf);
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
        fail_at_build (pl, c, crc, &cerr, &pl->first);
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
