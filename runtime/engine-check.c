/* engine-check.c — reading a graph's processes and checking their links
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The check step of a build (engine-private.h): each process read from
 * the graph with its kind and parameters checked, every link joining an
 * output to an input of ports its kind has, and item types inferred from
 * the sources downstream. A problem goes to pb__refuse() (engine-build.c),
 * which refuses the topology or, in a lenient engine, sets the process
 * aside with what is linked to it.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-private.h"
#include "i18n.h"
#include "quote.h"
#include "typing.h"

/* The value of parameter @name (NULL for none) of a loaded process. */
static const char *
param_of (const proc *p,
          const char *name)
{
  const pb_param_spec *spec = name != NULL ? pb_kind_find_param (p->kind, name) : NULL;

  return spec != NULL ? p->params[spec - p->kind->params] : NULL;
}

/* Reads one process from the graph: kind, name, parameters, links. */
int
pb__load_proc (pb_engine *e,
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
 * engine sets each problem aside as it finds it (pb__refuse()), so one pass
 * finds them all. */
int
pb__check_links (pb_engine       *e,
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
      if (rc != PB_OK && (rc = pb__refuse (e, pl, &procs[i], rc, &perr, err)) != PB_OK)
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
int
pb__resolve_types (pb_engine       *e,
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
          rc = pb__refuse (e, pl, p, perr.code, &perr, err);
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
        rc = pb__refuse (e, pl, p, PB_ECYCLE, &perr, err);
      }
  /* Partitioning marks afresh. */
  return rc;
}

/* Sets aside @culprit, which waits with its problem as message, and every
 * process linked to it, directly or not: they wait, and the rest can be
 * built. The walk costs what it sets aside, not the topology. */
int
pb__set_aside (pb_engine *e,
               plan      *pl,
               proc      *culprit)
{
  proc **stack = NULL;
  size_t depth = 0, room = 0;
  char waits[PB_ERROR_MESSAGE_MAX];
  const char *problem = culprit->message != NULL ? culprit->message : "";
  size_t name_len = strlen (culprit->name);
  int rc = PB_OK;

  /* Each waits saying for what, and why: a person looking at a process
   * far from the culprit learns what to mend without looking for it. */
  if (strncmp (problem, culprit->name, name_len) == 0 && strncmp (problem + name_len, ": ", 2) == 0)
    problem += name_len + 2;
  if (problem[0] != '\0')
    snprintf (waits, sizeof waits, _("waiting for %s: %s"), culprit->name, problem);
  else
    snprintf (waits, sizeof waits, _("waiting for %s"), culprit->name);
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
  if (pb__set_aside (e, pl, culprit) != PB_OK)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  return PB_OK;
}
