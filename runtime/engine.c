/* engine.c — running a topology: chains, JIT, flow and counters
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pushback/engine.h>
#include <pushback/mux.h>

#include "chain-abi.h"
#include "clock.h"
#include "codegen.h"
#include "guard.h"
#include "jit.h"
#include "kind.h"

/* Items one chain call may move at most: about an L1 cache of i64. */
#define BATCH 4096
/* The least capacity of a ring, in items; a power of two. */
#define RING_MIN 4096
/* One chain call in PROFILE_EVERY runs the profiling variant, on at most
 * PROFILE_ITEMS items, to apportion the chain's time among its stages. It
 * reads the time-stamp counter twice per stage per item, which costs
 * several times the work of a stage; sampled this thinly it costs about
 * 1 % (measured with bench-chain). */
#define PROFILE_EVERY 64
#define PROFILE_ITEMS 64

typedef enum
{
  CHAIN_RUNNING,
  CHAIN_DONE,
  CHAIN_FAILED,
} chain_status;

typedef struct
{
  uint32_t port;
  pb_addr  peer;
  uint32_t flags;
} link_end;

typedef struct
{
  pb_addr           addr;
  const pb_kind    *kind;
  char             *name;
  char            **params;     /* a value per kind parameter */
  pb_item_type      in_type;
  pb_item_type      out_type;
  bool              sink;       /* no output: a sink, or c with out=none */
  link_end         *ins;        /* connected inputs, by port */
  size_t            n_ins;
  link_end         *outs;       /* connected outputs, by port */
  size_t            n_outs;

  pb_process_state  state;
  char             *message;
  char             *result;
  uint64_t          calls;
  uint64_t          busy_ticks;
  uint64_t          items_in;
  uint64_t          items_out;

  void             *state_mem;
  char             *state_text; /* the layout state_mem was made for */
  bool              taken;      /* state_mem came from the old engine */
  size_t            chain;
  size_t            stage;
  int               mark;       /* scratch for graph walks */
} proc;

typedef struct
{
  pb_addr       writer;         /* the output port feeding it */
  pb_addr       reader;         /* the input port it feeds */
  pb_item_type  type;
  size_t        item_size;
  void         *base;
  uint64_t      capacity;       /* a power of two */
  uint64_t      rpos;
  uint64_t      wpos;
  bool          eos;            /* the writer has ended */
  bool          error;          /* ... because it failed */
  bool          closed;         /* the reader has ended */
  uint32_t      res_read;       /* the reader chain's input resource */
  uint32_t      res_write;
  size_t        writer_chain;
  size_t        reader_chain;
} ring;

typedef struct chain
{
  pb_engine          *engine;
  size_t             *procs;    /* indices into engine procs, head first */
  size_t              n_procs;
  pb_addr            *addrs;    /* the same, as addresses, for info */
  ring              **ins;      /* the rings it reads (fan-in: several) */
  size_t              n_ins;
  ring              **outs;
  size_t              n_outs;
  bool                source;

  char               *code;
  pb_jit_unit        *unit;
  pb_chain_run_fn     run;
  pb_chain_run_fn     run_prof;
  pb_codegen_layout   layout;
  pb_state_fini_fn   *finis;
  pb_state_report_fn *reports;
  void              **states;
  pb_ring_io         *out_io;
  uint64_t           *counts;
  uint64_t           *ticks;    /* one profiled call */
  uint64_t           *profile;  /* all profiled calls */

  uint64_t            compile_ns;
  uint64_t            compiles;
  uint64_t            calls;
  uint64_t            busy_ticks;

  chain_status        status;
  /* While building: the old chain whose compiled unit this one took over
   * (the very same code), and the ended status it inherits from it. */
  const struct chain *from;
  chain_status        inherit;
  uint32_t            pid;
  bool                in_mux;
  uint32_t            res_go;
  uint32_t            res_in;
  bool                waiting;
  uint64_t            wake_ns;
  int                 wait_fd;
  size_t              next_in;  /* fan-in: where to look first */
} chain;

struct pb_engine
{
  pb_graph  *graph;
  pb_mux    *mux;
  proc      *procs;
  size_t     n_procs;
  chain    **chains;
  size_t     n_chains;
  ring     **rings;
  size_t     n_rings;
  uint64_t   time_limit_ns;
  uint64_t   batch;
  size_t     n_waiting;   /* chains that may be waiting on time or input */
  uint64_t   progress;
  pb_error   failure;
};

static void chain_end (pb_engine    *e,
                       chain        *c,
                       chain_status  status,
                       const char   *why);

static char *
dup_or_null (const char *s)
{
  return s != NULL ? strdup (s) : NULL;
}

static void
set_text (char      **slot,
          const char *text)
{
  free (*slot);
  *slot = dup_or_null (text);
}

/* ---- building: processes and their links ---- */

static void
proc_clear (proc *p)
{
  if (p->params != NULL)
    for (size_t i = 0; i < p->kind->n_params; i++)
      free (p->params[i]);
  free (p->params);
  free (p->name);
  free (p->ins);
  free (p->outs);
  free (p->message);
  free (p->result);
  free (p->state_mem);
  free (p->state_text);
  memset (p, 0, sizeof *p);
}

static proc *
find_proc (proc    *procs,
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

static bool
type_accepted (const char   *types,
               pb_item_type  type)
{
  const char *name = pb_item_type_name (type);
  size_t len = strlen (name);

  if (strcmp (types, "any") == 0)
    return true;
  for (const char *p = types; *p != '\0';)
    {
      const char *bar = strchr (p, '|');
      size_t n = bar != NULL ? (size_t) (bar - p) : strlen (p);

      if (n == len && strncmp (p, name, n) == 0)
        return true;
      p += n + (bar != NULL);
    }
  return false;
}

static const char *
param_of (const proc *p,
          const char *name)
{
  const pb_param_spec *spec = pb_kind_find_param (p->kind, name);

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
  int rc = PB_OK;

  p->addr = addr;
  p->state = PB_PROCESS_READY;
  p->kind = pb_kind_find (kind_name);
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
    return pb_error_set (err, PB_ENOMEM, "out of memory");
  if (p->kind == NULL)
    return pb_error_set (err, PB_ENOENT, "%s: unknown kind '%s'", p->name,
                         kind_name ? kind_name : "");

  p->params = calloc (p->kind->n_params + 1, sizeof (char *));
  keys = calloc (n_set + 1, sizeof (char *));
  values = calloc (n_set + 1, sizeof (char *));
  if (p->params == NULL || keys == NULL || values == NULL)
    {
      rc = pb_error_set (err, PB_ENOMEM, "out of memory");
      goto out;
    }
  pb_graph_list_params (e->graph, addr, keys, values, n_set);
  for (size_t i = 0; i < n_set; i++)
    {
      const pb_param_spec *spec = pb_kind_find_param (p->kind, keys[i]);
      pb_error perr;

      if (spec == NULL)
        {
          rc = pb_error_set (err, PB_ENOENT, "%s: %s has no parameter '%s'",
                             p->name, p->kind->name, keys[i]);
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
          rc = pb_error_set (err, PB_EINVAL, "%s: parameter '%s' is required", p->name, spec->name);
          goto out;
        }
      p->params[i] = strdup (spec->default_value);
    }
  for (size_t i = 0; i < p->kind->n_params; i++)
    if (p->params[i] == NULL)
      {
        rc = pb_error_set (err, PB_ENOMEM, "out of memory");
        goto out;
      }

  p->sink = p->kind->out_rule == PB_OUT_NONE
            || (p->kind->out_rule == PB_OUT_PARAM
                && strcmp (param_of (p, p->kind->out_param), "none") == 0);

  n_ports = pb_graph_list_ports (e->graph, addr, NULL, 0);
  ports = calloc (n_ports + 1, sizeof *ports);
  p->ins = calloc (n_ports + 1, sizeof *p->ins);
  p->outs = calloc (n_ports + 1, sizeof *p->outs);
  if (ports == NULL || p->ins == NULL || p->outs == NULL)
    {
      rc = pb_error_set (err, PB_ENOMEM, "out of memory");
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
          rc = pb_error_set (err, PB_ENOENT, "%s: %s has no port %" PRIu32,
                             p->name, p->kind->name, port);
          goto out;
        }
      if (pb_addr_host (ports[i].b) != pb_addr_host (addr))
        {
          rc = pb_error_set (err, PB_EINVAL, "%s: links to other hosts are not supported yet",
                             p->name);
          goto out;
        }
      if (spec->dir == PB_PORT_IN)
        p->ins[p->n_ins++] = end;
      else if (p->sink)
        {
          rc = pb_error_set (err, PB_EINVAL, "%s: out=none, so its output cannot be connected",
                             p->name);
          goto out;
        }
      else
        p->outs[p->n_outs++] = end;
    }

out:
  free (ports);
  free (keys);
  free (values);
  return rc;
}

/* Checks that every link joins an output to an input, and that every port
 * the kind needs is connected. */
static int
check_links (pb_engine *e,
             proc      *procs,
             size_t     n,
             pb_error  *err)
{
  for (size_t i = 0; i < n; i++)
    {
      proc *p = &procs[i];
      pb_shape shape = p->kind->shape;

      for (size_t j = 0; j < p->n_outs; j++)
        {
          proc *q = find_proc (procs, n, p->outs[j].peer);
          const pb_port_spec *spec = q ? pb_kind_port_lookup (q->kind, pb_addr_port (p->outs[j].peer), NULL) : NULL;
          char a[32], b[32];

          if (q == NULL || spec == NULL)
            continue; /* reported when q itself is loaded */
          if (spec->dir != PB_PORT_IN)
            return pb_error_set (err, PB_EDIRECTION, "%s.%s and %s.%s are both outputs",
                                 p->name, pb_kind_port_format (p->kind, p->outs[j].port, a),
                                 q->name, pb_kind_port_format (q->kind, pb_addr_port (p->outs[j].peer), b));
        }
      for (size_t j = 0; j < p->n_ins; j++)
        {
          proc *q = find_proc (procs, n, p->ins[j].peer);
          const pb_port_spec *spec = q ? pb_kind_port_lookup (q->kind, pb_addr_port (p->ins[j].peer), NULL) : NULL;
          char a[32], b[32];

          if (q != NULL && spec != NULL && spec->dir != PB_PORT_OUT)
            return pb_error_set (err, PB_EDIRECTION, "%s.%s and %s.%s are both inputs",
                                 p->name, pb_kind_port_format (p->kind, p->ins[j].port, a),
                                 q->name, pb_kind_port_format (q->kind, pb_addr_port (p->ins[j].peer), b));
        }

      if (shape != PB_SHAPE_SOURCE && p->n_ins == 0)
        return pb_error_set (err, PB_ENOTCONN, "%s: its input is not connected", p->name);
      if (!p->sink && p->n_outs == 0)
        return pb_error_set (err, PB_ENOTCONN, "%s: its output is not connected", p->name);
    }
  (void) e;
  return PB_OK;
}

static pb_item_type
rule_out_type (const proc   *p,
               pb_item_type  in)
{
  switch (p->kind->out_rule)
    {
    case PB_OUT_FIXED: return p->kind->out_fixed;
    case PB_OUT_SAME:  return in;
    case PB_OUT_PARAM: return pb_item_type_parse (param_of (p, p->kind->out_param));
    case PB_OUT_NONE:
    default:           return PB_ITEM_NONE;
    }
}

/* Gives every process its item types, from the sources downstream, and
 * refuses a link whose two ends disagree. */
static int
resolve_types (proc     *procs,
               size_t    n,
               pb_error *err)
{
  bool changed = true;

  for (size_t i = 0; i < n; i++)
    {
      procs[i].mark = 0;
      if (procs[i].kind->shape == PB_SHAPE_SOURCE)
        {
          procs[i].out_type = rule_out_type (&procs[i], PB_ITEM_NONE);
          procs[i].mark = 1;
        }
    }

  while (changed)
    {
      changed = false;
      for (size_t i = 0; i < n; i++)
        {
          proc *p = &procs[i];
          pb_item_type in = PB_ITEM_NONE;
          bool known = true;

          if (p->mark)
            continue;
          for (size_t j = 0; j < p->n_ins && known; j++)
            {
              proc *q = find_proc (procs, n, p->ins[j].peer);
              char a[32], b[32];

              if (q == NULL || !q->mark)
                known = false;
              else if (in != PB_ITEM_NONE && q->out_type != in)
                return pb_error_set (err, PB_ETYPE, "%s: its inputs carry different types (%s and %s)",
                                     p->name, pb_item_type_name (in), pb_item_type_name (q->out_type));
              else if (!type_accepted (p->kind->in_types, q->out_type)
                       || (strcmp (p->kind->name, "c") == 0
                           && q->out_type != pb_item_type_parse (param_of (p, "in"))))
                return pb_error_set (err, PB_ETYPE, "type mismatch: %s.%s gives %s but %s.%s takes %s",
                                     q->name, pb_kind_port_format (q->kind, pb_addr_port (p->ins[j].peer), a),
                                     pb_item_type_name (q->out_type),
                                     p->name, pb_kind_port_format (p->kind, p->ins[j].port, b),
                                     strcmp (p->kind->name, "c") == 0 ? param_of (p, "in") : p->kind->in_types);
              else
                in = q->out_type;
            }
          if (!known)
            continue;
          p->in_type = in;
          p->out_type = p->sink ? PB_ITEM_NONE : rule_out_type (p, in);
          p->mark = 1;
          changed = true;
        }
    }

  /* What is left is on a cycle or downstream of one: walking upstream
   * through what is left for n steps ends on the cycle, to name it. */
  for (size_t i = 0; i < n; i++)
    if (!procs[i].mark)
      {
        proc *p = &procs[i];

        for (size_t step = 0; step < n; step++)
          for (size_t j = 0; j < p->n_ins; j++)
            {
              proc *q = find_proc (procs, n, p->ins[j].peer);

              if (q != NULL && !q->mark)
                {
                  p = q;
                  break;
                }
            }
        return pb_error_set (err, PB_ECYCLE, "%s: it is on a flow cycle: feedback loops are not supported",
                             p->name);
      }
  return PB_OK;
}

/* ---- building: chains and rings ---- */

/* Whether the link out of @p into @q can be pasted into one chain. */
static bool
fusible (const proc     *p,
         const link_end *out,
         const proc     *q)
{
  return !(out->flags & PB_LINK_BREAK_INLINING)
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
  free (c->code);
  pb_jit_unit_free (c->unit);
  pb_codegen_layout_clear (&c->layout, c->n_procs);
  free (c->finis);
  free (c->reports);
  free (c->states);
  free (c->out_io);
  free (c->counts);
  free (c->ticks);
  free (c->profile);
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

typedef struct
{
  proc   *procs;
  size_t  n_procs;
  chain **chains;
  size_t  n_chains;
  ring  **rings;
  size_t  n_rings;
} plan;

static void
plan_clear (plan *pl)
{
  for (size_t i = 0; i < pl->n_procs; i++)
    proc_clear (&pl->procs[i]);
  free (pl->procs);
  for (size_t i = 0; i < pl->n_chains; i++)
    chain_free (pl->chains[i]);
  free (pl->chains);
  for (size_t i = 0; i < pl->n_rings; i++)
    ring_free (pl->rings[i]);
  free (pl->rings);
  memset (pl, 0, sizeof *pl);
}

static ring *
find_ring (ring  **rings,
           size_t  n,
           pb_addr writer)
{
  for (size_t i = 0; i < n; i++)
    if (rings[i]->writer == writer)
      return rings[i];
  return NULL;
}

/* Partitions the processes into chains, walking from each head along
 * fusible links. */
static int
partition (plan     *pl,
           pb_error *err)
{
  proc *procs = pl->procs;
  size_t n = pl->n_procs;

  pl->chains = calloc (n + 1, sizeof (chain *));
  pl->rings = calloc (n * 2 + 1, sizeof (ring *));
  if (pl->chains == NULL || pl->rings == NULL)
    return pb_error_set (err, PB_ENOMEM, "out of memory");

  for (size_t i = 0; i < n; i++)
    procs[i].mark = 0;

  for (size_t i = 0; i < n; i++)
    {
      proc *head = &procs[i];
      bool is_head = head->kind->shape == PB_SHAPE_SOURCE || head->n_ins != 1;
      chain *c;
      size_t len = 0;

      if (!is_head)
        {
          proc *up = find_proc (procs, n, head->ins[0].peer);
          link_end *out = NULL;

          for (size_t j = 0; up != NULL && j < up->n_outs; j++)
            if (up->outs[j].peer == pb_addr_with_port (head->addr, head->ins[0].port))
              out = &up->outs[j];
          is_head = up == NULL || out == NULL || !fusible (up, out, head);
        }
      if (!is_head)
        continue;

      c = calloc (1, sizeof *c);
      if (c == NULL)
        return pb_error_set (err, PB_ENOMEM, "out of memory");
      pl->chains[pl->n_chains++] = c;
      c->procs = calloc (n + 1, sizeof (size_t));
      c->addrs = calloc (n + 1, sizeof (pb_addr));
      if (c->procs == NULL || c->addrs == NULL)
        return pb_error_set (err, PB_ENOMEM, "out of memory");
      c->source = head->kind->shape == PB_SHAPE_SOURCE;
      c->wait_fd = -1;

      for (proc *p = head; p != NULL;)
        {
          proc *next = NULL;

          p->mark = 1;
          p->chain = pl->n_chains - 1;
          p->stage = len;
          c->addrs[len] = p->addr;
          c->procs[len++] = (size_t) (p - procs);
          if (p->n_outs == 1)
            {
              proc *q = find_proc (procs, n, p->outs[0].peer);

              if (fusible (p, &p->outs[0], q) && !q->mark)
                next = q;
            }
          p = next;
        }
      c->n_procs = len;
    }

  for (size_t i = 0; i < n; i++)
    if (!procs[i].mark)
      return pb_error_set (err, PB_ECYCLE, "%s: it is on a flow cycle with no source", procs[i].name);

  /* A ring on every link that did not fuse. */
  for (size_t ci = 0; ci < pl->n_chains; ci++)
    {
      chain *c = pl->chains[ci];
      proc *tail = &procs[c->procs[c->n_procs - 1]];

      if (tail->sink)
        continue;
      c->outs = calloc (tail->n_outs + 1, sizeof (ring *));
      if (c->outs == NULL)
        return pb_error_set (err, PB_ENOMEM, "out of memory");
      for (size_t j = 0; j < tail->n_outs; j++)
        {
          ring *r = calloc (1, sizeof *r);
          proc *q = find_proc (procs, n, tail->outs[j].peer);

          if (r == NULL)
            return pb_error_set (err, PB_ENOMEM, "out of memory");
          pl->rings[pl->n_rings++] = r;
          r->writer = pb_addr_with_port (tail->addr, tail->outs[j].port);
          r->reader = tail->outs[j].peer;
          r->type = tail->out_type;
          r->item_size = tail->out_type == PB_ITEM_U8 ? 1 : 8;
          r->writer_chain = ci;
          r->reader_chain = q->chain;
          c->outs[c->n_outs++] = r;
        }
    }
  for (size_t ci = 0; ci < pl->n_chains; ci++)
    {
      chain *c = pl->chains[ci];
      proc *head = &procs[c->procs[0]];

      if (c->source)
        continue;
      c->ins = calloc (head->n_ins + 1, sizeof (ring *));
      if (c->ins == NULL)
        return pb_error_set (err, PB_ENOMEM, "out of memory");
      for (size_t j = 0; j < head->n_ins; j++)
        c->ins[c->n_ins++] = find_ring (pl->rings, pl->n_rings, head->ins[j].peer);
    }
  return PB_OK;
}

/* Refuses a cycle among chains: with bounded rings a feedback loop can
 * fill up and wait on itself forever, and its streams would never end. */
static int
check_chain_cycles (plan     *pl,
                    pb_error *err)
{
  size_t n = pl->n_chains;
  int *color = calloc (n + 1, sizeof (int));
  size_t *stack = calloc (n + 1, sizeof (size_t));
  size_t *edge = calloc (n + 1, sizeof (size_t));
  int rc = PB_OK;

  if (color == NULL || stack == NULL || edge == NULL)
    {
      rc = pb_error_set (err, PB_ENOMEM, "out of memory");
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

                  rc = pb_error_set (err, PB_ECYCLE,
                                     "flow cycle through %s and %s: feedback loops are not supported",
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

/* ---- building: code ---- */

static uint64_t
next_pow2 (uint64_t v)
{
  uint64_t p = 1;

  while (p < v)
    p <<= 1;
  return p;
}

/* Generates a chain's code; compiles it unless an old chain had the very
 * same code, whose unit it then takes over. */
static int
chain_compile (pb_engine *e,
               plan      *pl,
               chain     *c,
               pb_error  *err)
{
  pb_codegen_stage *stages = calloc (c->n_procs, sizeof *stages);
  pb_codegen_chain spec;
  char unit_name[96];
  int rc;

  if (stages == NULL)
    return pb_error_set (err, PB_ENOMEM, "out of memory");
  for (size_t k = 0; k < c->n_procs; k++)
    {
      proc *p = &pl->procs[c->procs[k]];

      stages[k].kind = p->kind;
      stages[k].name = p->name;
      stages[k].params = (const char **) p->params;
      stages[k].in_type = p->in_type;
      stages[k].out_type = p->out_type;
    }
  snprintf (unit_name, sizeof unit_name, "chain of %s", stages[0].name);
  spec.stages = stages;
  spec.n_stages = c->n_procs;
  spec.in_type = c->source ? PB_ITEM_NONE : pl->procs[c->procs[0]].in_type;
  spec.n_outputs = c->n_outs;
  spec.profile = true;
  spec.unit_name = unit_name;
  rc = pb_codegen_chain_source (&spec, &c->code, &c->layout, err);
  free (stages);
  if (rc != PB_OK)
    return rc;

  c->finis = calloc (c->n_procs, sizeof *c->finis);
  c->reports = calloc (c->n_procs, sizeof *c->reports);
  c->states = calloc (c->n_procs, sizeof *c->states);
  c->out_io = calloc (c->n_outs + 1, sizeof *c->out_io);
  c->counts = calloc (c->layout.n_counts, sizeof *c->counts);
  c->ticks = calloc (c->n_procs, sizeof *c->ticks);
  c->profile = calloc (c->n_procs, sizeof *c->profile);
  if (c->finis == NULL || c->reports == NULL || c->states == NULL || c->out_io == NULL
      || c->counts == NULL || c->ticks == NULL || c->profile == NULL)
    return pb_error_set (err, PB_ENOMEM, "out of memory");

  /* Reuse the unit of an old chain with identical code: this is what makes
   * an edit recompile only the chains it touched. */
  for (size_t i = 0; i < e->n_chains; i++)
    {
      chain *old = e->chains[i];

      if (old->unit != NULL && old->code != NULL && strcmp (old->code, c->code) == 0)
        {
          c->unit = old->unit;
          c->from = old;
          old->unit = NULL;
          c->compile_ns = old->compile_ns;
          c->compiles = old->compiles;
          break;
        }
    }
  if (c->unit == NULL)
    {
      rc = pb_jit_compile (c->code, NULL, 0, &c->unit, err);
      if (rc != PB_OK)
        return PB_ECOMPILE;
      c->compile_ns = pb_jit_unit_compile_ns (c->unit);
      for (size_t i = 0; i < e->n_chains; i++)
        if (e->chains[i]->addrs[0] == c->addrs[0])
          c->compiles = e->chains[i]->compiles;
      c->compiles++;
    }

  c->run = (pb_chain_run_fn) pb_jit_unit_symbol (c->unit, "pb_run");
  c->run_prof = (pb_chain_run_fn) pb_jit_unit_symbol (c->unit, "pb_run_prof");
  for (size_t k = 0; k < c->n_procs; k++)
    {
      char sym[32];

      snprintf (sym, sizeof sym, "pb_fini_%zu", k);
      c->finis[k] = (pb_state_fini_fn) pb_jit_unit_symbol (c->unit, sym);
      snprintf (sym, sizeof sym, "pb_report_%zu", k);
      c->reports[k] = (pb_state_report_fn) pb_jit_unit_symbol (c->unit, sym);
    }
  return PB_OK;
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
      proc *old = find_proc (e->procs, e->n_procs, p->addr);
      char sym[32];
      uint64_t (*size_fn) (void);
      pb_state_init_fn init;
      init_call call;
      char message[PB_ERROR_MESSAGE_MAX];
      int result = 0;

      if (old != NULL && old->kind == p->kind && old->state_text != NULL
          && strcmp (old->state_text, c->layout.state_text[k]) == 0)
        {
          p->state_mem = old->state_mem;
          p->state_text = old->state_text;
          p->taken = true;
          old->state_mem = NULL;
          old->state_text = NULL;
          c->states[k] = p->state_mem;
          continue;
        }
      if (!create)
        continue;

      snprintf (sym, sizeof sym, "pb_size_%zu", k);
      size_fn = (uint64_t (*) (void)) pb_jit_unit_symbol (c->unit, sym);
      p->state_mem = calloc (1, size_fn ());
      p->state_text = strdup (c->layout.state_text[k]);
      if (p->state_mem == NULL || p->state_text == NULL)
        return pb_error_set (err, PB_ENOMEM, "out of memory");
      c->states[k] = p->state_mem;

      snprintf (sym, sizeof sym, "pb_init_%zu", k);
      init = (pb_state_init_fn) pb_jit_unit_symbol (c->unit, sym);
      if (init == NULL)
        continue;
      message[0] = '\0';
      call = (init_call) { init, p->state_mem, message, sizeof message };
      if (pb_guard_call (call_init, &call, e->time_limit_ns, &result, err) != PB_OK)
        {
          char why[PB_ERROR_MESSAGE_MAX];

          snprintf (why, sizeof why, "%s", err ? err->message : "faulted");
          return pb_error_set (err, PB_EFAULT, "%s: %s", p->name, why);
        }
      if (result != 0)
        {
          /* Its init failed: nothing to release, so no fini either. */
          free (p->state_text);
          p->state_text = NULL;
          return pb_error_set (err, PB_EFAILED, "%s: %s", p->name, message);
        }
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
    return pb_error_set (err, PB_ENOMEM, "out of memory");
  return PB_OK;
}

/* Keeps the items of a ring that survives the edit, so nothing in flight
 * is lost; a new ring starts empty. */
static int
plan_rings (pb_engine *e,
            plan      *pl,
            pb_error  *err)
{
  for (size_t i = 0; i < pl->n_rings; i++)
    {
      ring *r = pl->rings[i];
      ring *old = find_ring (e->rings, e->n_rings, r->writer);
      chain *w = pl->chains[r->writer_chain];
      uint64_t need = 2 * (uint64_t) (w->layout.expand > w->layout.finish_emit
                                      ? w->layout.expand : w->layout.finish_emit);

      if (old != NULL && old->reader == r->reader && old->type == r->type
          && old->base != NULL && old->capacity >= need)
        {
          r->base = old->base;
          r->capacity = old->capacity;
          r->rpos = old->rpos;
          r->wpos = old->wpos;
          /* A writer that runs again (its code changed) will end the
           * stream again; one that stays ended does so at once. */
          r->eos = false;
          r->error = false;
          old->base = NULL;
          continue;
        }
      if (ring_alloc (r, need, err) != PB_OK)
        return PB_ENOMEM;
    }
  return PB_OK;
}

/* ---- running ---- */

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

static void
chain_set_go (pb_engine *e,
              chain     *c,
              bool       on)
{
  pb_mux_set_avail (e->mux, c->res_go, on);
}

static void
proc_fail (proc       *p,
           const char *message)
{
  p->state = PB_PROCESS_FAILED;
  set_text (&p->message, message);
}

/* Ends a chain: its readers see end-of-stream (an error one if it failed),
 * its writers see it gone, and its sinks give their results. */
static void
chain_end (pb_engine  *e,
           chain      *c,
           chain_status status,
           const char *why)
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

              buf[0] = '\0';
              c->reports[k] (p->state_mem, buf, sizeof buf);
              set_text (&p->result, buf);
            }
        }
      else
        {
          p->state = PB_PROCESS_STOPPED;
          set_text (&p->message, why);
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

      /* Nobody will read these items: let the writer run free, and end
       * when all its readers have gone. */
      r->closed = true;
      r->rpos = r->wpos;
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

  proc_fail (culprit, message);
  if (e->failure.code == PB_OK)
    pb_error_set (&e->failure, PB_EFAILED, "%s: %s", culprit->name, message);
  snprintf (why, sizeof why, "stopped: %s failed", culprit->name);
  chain_end (e, c, CHAIN_FAILED, why);
}

typedef struct
{
  pb_chain_run_fn  fn;
  pb_chain_io     *io;
} run_call;

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
  bool profiled = c->calls % PROFILE_EVERY == 0;
  char message[PB_ERROR_MESSAGE_MAX];
  run_call call;
  pb_error gerr;
  uint64_t t0, t1;
  int result = 0;

  if (c->status != CHAIN_RUNNING)
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
      chain_end (e, c, CHAIN_DONE, NULL);
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

              snprintf (why, sizeof why, "stopped: %s failed", failed_writer_name (e, c));
              chain_end (e, c, CHAIN_FAILED, why);
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
  if (profiled && room > PROFILE_ITEMS)
    room = PROFILE_ITEMS;

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
    memset (c->ticks, 0, c->n_procs * sizeof *c->ticks);
  io.ticks = c->ticks;
  message[0] = '\0';
  io.error = message;
  io.error_size = sizeof message;

  call.fn = profiled ? c->run_prof : c->run;
  call.io = &io;
  t0 = pb_clock_ticks ();
  if (pb_guard_call (call_run, &call, e->time_limit_ns, &result, &gerr) != PB_OK)
    {
      char why[PB_ERROR_MESSAGE_MAX];
      size_t suspect = user_code_stage (e, c);

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

  /* Counters, then the rings; a failed call has moved what it moved. */
  c->calls++;
  c->busy_ticks += t1 - t0;
  c->counts[0] = (uint64_t) io.consumed;
  if (profiled)
    for (size_t k = 0; k < c->n_procs; k++)
      c->profile[k] += c->ticks[k];
  {
    uint64_t total = 0;

    for (size_t k = 0; k < c->n_procs; k++)
      total += c->profile[k];
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
        if (total > 0)
          p->busy_ticks += (uint64_t) ((double) (t1 - t0) * (double) c->profile[k] / (double) total);
      }
  }
  if (in != NULL)
    in->rpos += (uint64_t) io.consumed;
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
      chain_end (e, c, CHAIN_DONE, NULL);
      return 0;
    }
  update_reader_bits (e, c);
  if (io.consumed == 0 && (io.wake_ns != 0 || io.wait_fd >= 0))
    {
      /* Nothing to do until a time or some input: sleep off the mux. */
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
static int
plan_mux (pb_engine *e,
          pb_error  *err)
{
  pb_mux *mux = pb_mux_new ();
  uint32_t next_res = 0;

  if (mux == NULL)
    return pb_error_set (err, PB_ENOMEM, "out of memory");
  pb_mux_on_fail (mux, on_mux_fail, e);
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
      if (c->status != CHAIN_RUNNING)
        continue;
      deps = calloc (c->n_outs + 2, sizeof *deps);
      if (deps == NULL)
        return pb_error_set (err, PB_ENOMEM, "out of memory");
      deps[n++] = c->res_go;
      if (!c->source)
        deps[n++] = c->res_in;
      for (size_t j = 0; j < c->n_outs; j++)
        deps[n++] = c->outs[j]->res_write;
      rc = pb_mux_when (mux, deps, n, chain_turn, c, &c->pid);
      free (deps);
      if (rc != PB_OK)
        return pb_error_set (err, rc, "cannot schedule a chain: %s", pb_strerror (rc));
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

/* Releases what the processes of the old plan hold that the new one did not
 * take over: their states, through the code that made them. */
static void
release_old (pb_engine *e)
{
  for (size_t i = 0; i < e->n_chains; i++)
    {
      chain *c = e->chains[i];

      for (size_t k = 0; k < c->n_procs; k++)
        {
          proc *p = &e->procs[c->procs[k]];

          if (p->state_mem != NULL && p->state_text != NULL && c->finis != NULL
              && c->finis[k] != NULL && c->unit != NULL)
            c->finis[k] (p->state_mem);
        }
    }
  for (size_t i = 0; i < e->n_chains; i++)
    chain_free (e->chains[i]);
  free (e->chains);
  for (size_t i = 0; i < e->n_rings; i++)
    ring_free (e->rings[i]);
  free (e->rings);
  for (size_t i = 0; i < e->n_procs; i++)
    proc_clear (&e->procs[i]);
  free (e->procs);
  e->chains = NULL;
  e->rings = NULL;
  e->procs = NULL;
  e->n_chains = e->n_rings = e->n_procs = 0;
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
  release_old (e);
  pb_mux_free (e->mux);
  free (e);
}

void
pb_engine_set_time_limit (pb_engine *e,
                          uint64_t   limit_ns)
{
  e->time_limit_ns = limit_ns;
}

/* Carries the counters and outcome of processes that survive the edit. */
static void
carry_over (pb_engine *e,
            plan      *pl)
{
  for (size_t i = 0; i < pl->n_procs; i++)
    {
      proc *p = &pl->procs[i];
      proc *old = find_proc (e->procs, e->n_procs, p->addr);

      if (old == NULL)
        continue;
      p->calls = old->calls;
      p->busy_ticks = old->busy_ticks;
      p->items_in = old->items_in;
      p->items_out = old->items_out;
    }
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
  proc_fail (&pl->procs[c->procs[culprit]], cerr->message);
  for (size_t k = 0; k < c->n_procs; k++)
    if (k != culprit)
      {
        char why[PB_ERROR_MESSAGE_MAX];

        snprintf (why, sizeof why, "stopped: %s failed", pl->procs[c->procs[culprit]].name);
        pl->procs[c->procs[k]].state = PB_PROCESS_STOPPED;
        set_text (&pl->procs[c->procs[k]].message, why);
      }
  if (first->code == PB_OK)
    pb_error_set (first, code == PB_ECOMPILE ? PB_ECOMPILE : PB_EFAILED, "%s", cerr->message);
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
          const proc *old = find_proc (e->procs, e->n_procs, p->addr);

          if (old == NULL)
            continue; /* cannot be: the old chain had the same processes */
          p->state = old->state;
          set_text (&p->message, old->message);
          set_text (&p->result, old->result);
        }
    }
}

int
pb_engine_build (pb_engine *e,
                 pb_error  *err)
{
  size_t n_all = pb_graph_n_processes (e->graph);
  pb_addr *addrs = calloc (n_all + 1, sizeof *addrs);
  uint32_t host = pb_graph_local_host (e->graph);
  plan pl = { 0 };
  pb_error first = { PB_OK, "" };
  int rc = PB_OK;

  pb_error_clear (err);
  if (addrs == NULL)
    return pb_error_set (err, PB_ENOMEM, "out of memory");
  pb_graph_list_processes (e->graph, addrs, n_all);
  pl.procs = calloc (n_all + 1, sizeof *pl.procs);
  if (pl.procs == NULL)
    {
      free (addrs);
      return pb_error_set (err, PB_ENOMEM, "out of memory");
    }
  for (size_t i = 0; i < n_all && rc == PB_OK; i++)
    if (pb_addr_host (addrs[i]) == host)
      rc = load_proc (e, addrs[i], &pl.procs[pl.n_procs++], err);
  free (addrs);

  if (rc == PB_OK)
    rc = check_links (e, pl.procs, pl.n_procs, err);
  if (rc == PB_OK)
    rc = resolve_types (pl.procs, pl.n_procs, err);
  if (rc == PB_OK)
    rc = partition (&pl, err);
  if (rc == PB_OK)
    rc = check_chain_cycles (&pl, err);
  if (rc != PB_OK)
    {
      plan_clear (&pl);
      return rc;
    }

  /* The topology is sound: from here on a chain that cannot be compiled or
   * started fails alone, and the rest is built. */
  carry_over (e, &pl);
  for (size_t i = 0; i < pl.n_chains && rc == PB_OK; i++)
    {
      chain *c = pl.chains[i];
      pb_error cerr = { PB_OK, "" };
      int crc;

      c->engine = e;
      crc = chain_compile (e, &pl, c, &cerr);
      if (crc == PB_ENOMEM)
        rc = pb_error_set (err, PB_ENOMEM, "out of memory");
      else if (crc != PB_OK)
        fail_at_build (&pl, c, crc, &cerr, &first);
    }
  if (rc == PB_OK)
    inherit_ends (e, &pl);
  for (size_t i = 0; i < pl.n_chains && rc == PB_OK; i++)
    {
      chain *c = pl.chains[i];
      pb_error cerr = { PB_OK, "" };
      int crc;

      if (c->status == CHAIN_FAILED)
        continue;
      /* A chain that stays failed takes its old states, to release them
       * at the end, but starts none. */
      crc = chain_states (e, &pl, c, c->inherit != CHAIN_FAILED, &cerr);
      if (crc == PB_ENOMEM)
        rc = pb_error_set (err, PB_ENOMEM, "out of memory");
      else if (crc != PB_OK)
        fail_at_build (&pl, c, crc, &cerr, &first);
    }
  if (rc == PB_OK)
    rc = plan_rings (e, &pl, err);
  if (rc != PB_OK)
    {
      /* Out of memory half-way: the old engine is restored as it was. The
       * states and units the new plan took from it go back; states made
       * for the new plan are released through their code. */
      for (size_t i = 0; i < pl.n_chains; i++)
        {
          chain *c = pl.chains[i];

          for (size_t k = 0; k < c->n_procs; k++)
            {
              proc *p = &pl.procs[c->procs[k]];
              proc *old = find_proc (e->procs, e->n_procs, p->addr);

              if (p->state_mem == NULL)
                continue;
              if (p->taken && old != NULL)
                {
                  old->state_mem = p->state_mem;
                  old->state_text = p->state_text;
                  p->state_mem = NULL;
                  p->state_text = NULL;
                }
              else if (c->finis != NULL && c->finis[k] != NULL && p->state_text != NULL)
                c->finis[k] (p->state_mem);
            }
          if (c->from != NULL)
            {
              ((chain *) c->from)->unit = c->unit;
              c->unit = NULL;
            }
        }
      plan_clear (&pl);
      return rc;
    }

  release_old (e);
  e->procs = pl.procs;
  e->n_procs = pl.n_procs;
  e->chains = pl.chains;
  e->n_chains = pl.n_chains;
  e->rings = pl.rings;
  e->n_rings = pl.n_rings;
  pb_error_clear (&e->failure);

  rc = plan_mux (e, err);
  if (rc != PB_OK)
    return rc;

  /* A chain that failed to build ends now, so its readers see an error
   * end-of-stream and nothing waits on it; so does a chain that stays
   * ended, whose processes keep how they ended (no result twice, no
   * finish code run again). */
  for (size_t i = 0; i < e->n_chains; i++)
    {
      chain *c = e->chains[i];

      if (c->status == CHAIN_FAILED)
        {
          c->status = CHAIN_RUNNING;
          chain_end (e, c, CHAIN_FAILED, NULL);
        }
      else if (c->inherit != CHAIN_RUNNING)
        {
          for (size_t k = 0; k < c->n_procs && e->failure.code == PB_OK; k++)
            {
              const proc *p = &e->procs[c->procs[k]];

              if (p->state == PB_PROCESS_FAILED)
                pb_error_set (&e->failure, PB_EFAILED, "%s: %s", p->name,
                              p->message ? p->message : "failed");
            }
          chain_end (e, c, c->inherit, NULL);
        }
    }
  if (first.code != PB_OK)
    {
      e->failure = first;
      if (err != NULL)
        *err = first;
      return first.code;
    }
  return PB_OK;
}

/* Wakes the chains whose time has come or whose descriptor is readable;
 * waits up to @timeout_ms for one when asked to. Returns: whether any chain
 * waits at all. */
static bool
wake_waiting (pb_engine *e,
              int        timeout_ms)
{
  struct pollfd fds[16];
  chain *owners[16];
  size_t n_fds = 0;
  uint64_t now;
  uint64_t next = UINT64_MAX;
  bool any = false;

  /* Called on every step: with no chain waiting, it must cost nothing (not
   * even a clock read, which is the price of a short chain call). */
  if (e->n_waiting == 0)
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
  if (!any)
    return false;
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
        if (fds[i].revents != 0)
          {
            owners[i]->waiting = false;
            chain_set_go (e, owners[i], true);
          }
    }
  return true;
}

bool
pb_engine_step (pb_engine *e)
{
  uint64_t before = e->progress;

  wake_waiting (e, 0);
  pb_mux_step (e->mux);
  return e->progress != before;
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
  while (!pb_engine_finished (e))
    {
      if (pb_engine_step (e))
        continue;
      /* Nothing moved: sleep until a chain's time or input comes. */
      if (!wake_waiting (e, 1000) && !pb_engine_step (e))
        {
          for (size_t i = 0; i < e->n_chains; i++)
            if (e->chains[i]->status == CHAIN_RUNNING)
              return pb_error_set (err, PB_EAGAIN, "the chain of %s stalled: nothing can move",
                                   e->procs[e->chains[i]->procs[0]].name);
        }
    }
  if (e->failure.code != PB_OK)
    {
      if (err != NULL)
        *err = e->failure;
      return e->failure.code;
    }
  return PB_OK;
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
  info->kind = p->kind->name;
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
  const proc *p = find_proc (e->procs, e->n_procs, process);

  return p != NULL ? (long) (p - e->procs) : -1;
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
  info->code_bytes = c->unit != NULL ? pb_jit_unit_code_bytes (c->unit) : 0;
  info->compiles = c->compiles;
  info->calls = c->calls;
  info->busy_ns = pb_clock_ticks_to_ns (c->busy_ticks);
  return PB_OK;
}

const char *
pb_engine_chain_source (const pb_engine *e,
                        size_t           i)
{
  return i < e->n_chains ? e->chains[i]->code : NULL;
}
