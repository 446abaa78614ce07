/* link.c — whether two ports may be joined, and what a port carries
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pushback/link.h>

#include "i18n.h"
#include "quote.h"
#include "typing.h"

/*
 * Types are inferred as equalities: each process has one input type (all
 * its inputs carry it) and one output type; a link makes its two ends
 * equal, and a kind that passes its type on (map) makes its own two
 * equal. So the types of a graph fall into classes, found with union-find,
 * and each class may carry the types that every member allows. The engine
 * resolves types from the sources instead, but in a graph with every port
 * connected and no cycle, a class is empty exactly when the engine finds a
 * mismatch in it; a class without a source is what "not known yet" means.
 */

typedef struct
{
  pb_addr        addr;
  const char    *kind_name;  /* as the graph has it */
  const pb_kind *kind;       /* NULL: no kind, or not in the catalogue */
  const char    *name;
  bool           has_output;
} node;

typedef struct
{
  const pb_graph *g;
  node           *nodes;     /* sorted by address, as the graph lists them */
  size_t          n;
  size_t         *parent;    /* variable 2i is node i's input, 2i+1 its output */
  uint32_t       *types;     /* the types a class allows, at its root */
} typing;

static const char *
param_value (const pb_graph *g,
             pb_addr         addr,
             const pb_kind  *kind,
             const char     *name)
{
  const pb_param_spec *spec = name != NULL ? pb_kind_find_param (kind, name) : NULL;

  return spec != NULL ? pb_kind_param_value (kind, spec, pb_graph_get_param (g, addr, name))
                      : NULL;
}

static void
node_load (const pb_graph *g,
           pb_addr         addr,
           node           *nd)
{
  nd->addr = pb_addr_process_of (addr);
  nd->kind_name = pb_graph_process_kind (g, addr);
  nd->kind = pb_kind_find (nd->kind_name);
  nd->name = pb_graph_process_name (g, addr);
  nd->has_output = nd->kind != NULL
                   && pb__kind_has_output (nd->kind,
                                           param_value (g, addr, nd->kind, nd->kind->out_param));
}

/* How people know a process: its name, else its kind and id, as the
 * engine names it. */
static const char *
label (const node *nd,
       char        buf[64])
{
  if (nd->name != NULL)
    return nd->name;
  snprintf (buf, 64, "%s%" PRIu32, nd->kind_name != NULL ? nd->kind_name : "process",
            pb_addr_process (nd->addr));
  return buf;
}

/* The port's spec on @nd's kind, or NULL when it has no such port: none of
 * an unknown kind, and no output while c says out=none. */
static const pb_port_spec *
port_spec (const node *nd,
           pb_addr     port,
           uint32_t   *index)
{
  const pb_port_spec *spec;

  if (nd->kind == NULL)
    return NULL;
  spec = pb_kind_port_lookup (nd->kind, pb_addr_port (port), index);
  if (spec != NULL && spec->dir == PB_PORT_OUT && !nd->has_output)
    return NULL;
  return spec;
}

static node *
find_node (const typing *t,
           pb_addr       addr)
{
  size_t lo = 0, hi = t->n;

  addr = pb_addr_process_of (addr);
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (t->nodes[mid].addr < addr)
        lo = mid + 1;
      else if (t->nodes[mid].addr > addr)
        hi = mid;
      else
        return &t->nodes[mid];
    }
  return NULL;
}

static size_t
find_root (const typing *t,
           size_t        v)
{
  while (t->parent[v] != v)
    {
      t->parent[v] = t->parent[t->parent[v]];
      v = t->parent[v];
    }
  return v;
}

static void
join (typing *t,
      size_t  v,
      size_t  w)
{
  v = find_root (t, v);
  w = find_root (t, w);
  if (v == w)
    return;
  t->parent[w] = v;
  t->types[v] &= t->types[w];
}

/* The variable of a port: its process's input or output type. */
static size_t
port_var (const typing       *t,
          const node         *nd,
          const pb_port_spec *spec)
{
  return 2 * (size_t) (nd - t->nodes) + (spec->dir == PB_PORT_OUT);
}

/* Whether a link of the graph is one the engine would accept as far as
 * kinds, ports, directions and hosts go; such links carry types. Fills
 * *@out and *@in with its two ends. */
static bool
valid_link (const typing        *t,
            pb_addr              a,
            pb_addr              b,
            const node         **out_node,
            const pb_port_spec **out_spec,
            const node         **in_node,
            const pb_port_spec **in_spec)
{
  const node *na = find_node (t, a), *nb = find_node (t, b);
  const pb_port_spec *sa = na ? port_spec (na, a, NULL) : NULL;
  const pb_port_spec *sb = nb ? port_spec (nb, b, NULL) : NULL;

  if (sa == NULL || sb == NULL || sa->dir == sb->dir
      || pb_addr_host (a) != pb_addr_host (b))
    return false;
  if (sa->dir == PB_PORT_OUT)
    {
      *out_node = na, *out_spec = sa, *in_node = nb, *in_spec = sb;
    }
  else
    {
      *out_node = nb, *out_spec = sb, *in_node = na, *in_spec = sa;
    }
  return true;
}

static void
typing_clear (typing *t)
{
  free (t->nodes);
  free (t->parent);
  free (t->types);
}

/* Infers the types of the whole graph. */
static int
typing_init (typing         *t,
             const pb_graph *g)
{
  size_t n = pb_graph_n_processes (g);
  size_t n_links = pb_graph_n_connections (g);
  pb_addr *addrs = calloc (n + 1, sizeof *addrs);
  pb_connection *links = calloc (n_links + 1, sizeof *links);

  memset (t, 0, sizeof *t);
  t->g = g;
  t->nodes = calloc (n + 1, sizeof *t->nodes);
  t->parent = calloc (2 * n + 1, sizeof *t->parent);
  t->types = calloc (2 * n + 1, sizeof *t->types);
  if (addrs == NULL || links == NULL || t->nodes == NULL || t->parent == NULL
      || t->types == NULL)
    {
      free (addrs);
      free (links);
      typing_clear (t);
      return PB_ENOMEM;
    }

  pb_graph_list_processes (g, addrs, n);
  t->n = n;
  for (size_t i = 0; i < n; i++)
    {
      node *nd = &t->nodes[i];

      node_load (g, addrs[i], nd);
      t->parent[2 * i] = 2 * i;
      t->parent[2 * i + 1] = 2 * i + 1;
      t->types[2 * i] = PB_ITEM_MASK_ALL;
      t->types[2 * i + 1] = PB_ITEM_MASK_ALL;
      if (nd->kind == NULL)
        continue;
      t->types[2 * i] = pb__kind_in_types (nd->kind,
                                           param_value (g, nd->addr, nd->kind,
                                                        pb__kind_in_param (nd->kind)));
      if (nd->kind->out_rule == PB_OUT_SAME)
        join (t, 2 * i, 2 * i + 1);
      else if (nd->has_output)
        {
          pb_item_type out = pb__kind_out_type (nd->kind,
                                                param_value (g, nd->addr, nd->kind,
                                                             nd->kind->out_param),
                                                PB_ITEM_NONE);

          /* A parameter that names no type narrows nothing: the engine
           * refuses the parameter itself. */
          if (out != PB_ITEM_NONE)
            t->types[2 * i + 1] = PB_ITEM_MASK (out);
        }
    }

  pb_graph_list_connections (g, links, n_links);
  for (size_t i = 0; i < n_links; i++)
    {
      const node *on, *in;
      const pb_port_spec *os, *is;

      if (valid_link (t, links[i].a, links[i].b, &on, &os, &in, &is))
        join (t, port_var (t, on, os), port_var (t, in, is));
    }
  free (addrs);
  free (links);
  return PB_OK;
}

/* Whether @to's process is downstream of @from's (or is it), following
 * the valid links from outputs to inputs. */
static int
reaches (const typing *t,
         const node   *from,
         const node   *to,
         bool         *found)
{
  size_t *stack = calloc (t->n + 1, sizeof *stack);
  bool *seen = calloc (t->n + 1, sizeof *seen);
  pb_connection *ports = NULL;
  size_t depth = 0, room = 0;
  int rc = PB_OK;

  *found = false;
  if (stack == NULL || seen == NULL)
    {
      rc = PB_ENOMEM;
      goto out;
    }
  stack[depth++] = (size_t) (from - t->nodes);
  seen[from - t->nodes] = true;
  while (depth > 0 && !*found)
    {
      const node *nd = &t->nodes[stack[--depth]];
      size_t n_ports = pb_graph_list_ports (t->g, nd->addr, NULL, 0);

      if (nd == to)
        {
          *found = true;
          break;
        }
      if (n_ports > room)
        {
          pb_connection *bigger = realloc (ports, n_ports * sizeof *ports);

          if (bigger == NULL)
            {
              rc = PB_ENOMEM;
              goto out;
            }
          ports = bigger;
          room = n_ports;
        }
      pb_graph_list_ports (t->g, nd->addr, ports, n_ports);
      for (size_t i = 0; i < n_ports; i++)
        {
          const node *on, *in;
          const pb_port_spec *os, *is;
          size_t next;

          if (!valid_link (t, ports[i].a, ports[i].b, &on, &os, &in, &is) || on != nd)
            continue;
          next = (size_t) (in - t->nodes);
          if (!seen[next])
            {
              seen[next] = true;
              stack[depth++] = next;
            }
        }
    }
out:
  free (stack);
  free (seen);
  free (ports);
  return rc;
}

int
pb_link_check (const pb_graph *g,
               pb_addr         a,
               pb_addr         b,
               pb_error       *why)
{
  typing t;
  const node *na, *nb, *on, *in;
  const pb_port_spec *sa, *sb, *os, *is;
  char la[64], lb[64], pa[32], pb[32], ta[16], tb[16];
  const char *an, *bn;
  uint32_t gives, takes;
  bool cycle;
  int rc;

  if (typing_init (&t, g) != PB_OK)
    return pb_error_set (why, PB_ENOMEM, _("out of memory"));

  na = find_node (&t, a);
  nb = find_node (&t, b);
  for (int i = 0; i < 2; i++)
    {
      const node *nd = i == 0 ? na : nb;
      pb_addr port = i == 0 ? a : b;
      char addr[PB_ADDR_STRLEN], q[PB_QUOTE_MAX];

      if (nd == NULL)
        {
          rc = pb_error_set (why, PB_ENOENT, _("no process at %s"), pb_addr_format (port, addr));
          goto out;
        }
      if (nd->kind == NULL)
        {
          rc = pb_error_set (why, PB_ENOENT, _("%s: unknown kind '%s'"), label (nd, la),
                             pb_quote (nd->kind_name != NULL ? nd->kind_name : "", q));
          goto out;
        }
    }
  sa = port_spec (na, a, NULL);
  sb = port_spec (nb, b, NULL);
  if (sa == NULL || sb == NULL)
    {
      const node *nd = sa == NULL ? na : nb;
      pb_addr port = sa == NULL ? a : b;

      pb_kind_port_format (nd->kind, pb_addr_port (port), pa);
      if (nd->has_output)
        rc = pb_error_set (why, PB_ENOENT, _("%s has no %s"), label (nd, la), pa);
      else
        rc = pb_error_set (why, PB_ENOENT, _("%s has no %s while out=none"), label (nd, la), pa);
      goto out;
    }
  pb_kind_port_format (na->kind, pb_addr_port (a), pa);
  pb_kind_port_format (nb->kind, pb_addr_port (b), pb);
  an = label (na, la);
  bn = label (nb, lb);
  if (sa->dir == sb->dir)
    {
      if (sa->dir == PB_PORT_OUT)
        rc = pb_error_set (why, PB_EDIRECTION, _("%s.%s and %s.%s are both outputs"),
                           an, pa, bn, pb);
      else
        rc = pb_error_set (why, PB_EDIRECTION, _("%s.%s and %s.%s are both inputs"),
                           an, pa, bn, pb);
      goto out;
    }
  if (pb_graph_peer (g, a) != 0 || pb_graph_peer (g, b) != 0)
    {
      bool first = pb_graph_peer (g, a) != 0;

      rc = pb_error_set (why, PB_EBUSY, _("%s.%s is connected already"),
                         first ? an : bn, first ? pa : pb);
      goto out;
    }
  if (pb_addr_host (a) != pb_addr_host (b))
    {
      rc = pb_error_set (why, PB_EINVAL,
                         _("%s and %s are on different hosts: links between hosts are not supported yet"),
                         an, bn);
      goto out;
    }

  valid_link (&t, a, b, &on, &os, &in, &is);
  gives = t.types[find_root (&t, port_var (&t, on, os))];
  takes = t.types[find_root (&t, port_var (&t, in, is))];
  /* A class that is empty already disagrees elsewhere: the engine will say
   * where, and this link is not the cause. */
  if (gives != 0 && takes != 0 && (gives & takes) == 0)
    {
      bool a_out = on == na && os == sa;

      rc = pb_error_set (why, PB_ETYPE, _("%s.%s gives %s but %s.%s takes %s"),
                         a_out ? an : bn, a_out ? pa : pb, pb__types_format (gives, ta),
                         a_out ? bn : an, a_out ? pb : pa, pb__types_format (takes, tb));
      goto out;
    }

  rc = reaches (&t, in, on, &cycle);
  if (rc != PB_OK)
    rc = pb_error_set (why, rc, _("out of memory"));
  else if (cycle)
    rc = pb_error_set (why, PB_ECYCLE, _("%s.%s to %s.%s would close a flow cycle: "
                                         "feedback loops are not supported"), an, pa, bn, pb);
out:
  typing_clear (&t);
  return rc;
}

int
pb_link_port_info (const pb_graph *g,
                   pb_addr         port,
                   pb_port_info   *info)
{
  typing t;
  const node *nd;
  const pb_port_spec *spec;
  uint32_t index;
  int rc = PB_OK;

  if (typing_init (&t, g) != PB_OK)
    return PB_ENOMEM;
  nd = find_node (&t, port);
  spec = nd != NULL ? port_spec (nd, port, &index) : NULL;
  if (spec == NULL)
    rc = PB_ENOENT;
  else
    {
      uint32_t types = t.types[find_root (&t, port_var (&t, nd, spec))];

      info->spec = spec;
      info->index = index;
      info->dir = spec->dir;
      info->types = types;
      info->type = PB_ITEM_NONE;
      for (pb_item_type ty = PB_ITEM_I64; ty <= PB_ITEM_U8; ty++)
        if (types == PB_ITEM_MASK (ty))
          info->type = ty;
      info->peer = pb_graph_peer (g, port);
    }
  typing_clear (&t);
  return rc;
}

/* Appends @port to the list pb_link_list_ports() fills. */
static void
list_add (uint32_t *ports,
          size_t    n_out,
          size_t   *count,
          uint32_t  port)
{
  if (*count < n_out)
    ports[*count] = port;
  (*count)++;
}

size_t
pb_link_list_ports (const pb_graph *g,
                    pb_addr         process,
                    uint32_t       *ports,
                    size_t          n_out)
{
  node nd;
  size_t count = 0;
  size_t unseen = pb_graph_list_ports (g, process, NULL, 0);

  if (!pb_graph_has_process (g, process))
    return 0;
  node_load (g, process, &nd);
  if (nd.kind == NULL)
    return 0;
  for (size_t i = 0; i < nd.kind->n_ports; i++)
    {
      const pb_port_spec *spec = pb_kind_port (nd.kind, i);
      bool free_shown = false;

      if (spec->dir == PB_PORT_OUT && !nd.has_output)
        continue;
      if (!spec->range)
        {
          unseen -= pb_graph_peer (g, pb_addr_with_port (process, spec->first)) != 0;
          list_add (ports, n_out, &count, spec->first);
          continue;
        }
      /* The range is the last spec: the connected ports left are all in
       * it, so the walk stops after the last of them (or at the first free
       * one), without reading the whole port space. */
      for (uint32_t p = spec->first; p <= PB_PORT_MAX && (unseen > 0 || !free_shown); p++)
        {
          bool connected = pb_graph_peer (g, pb_addr_with_port (process, p)) != 0;

          if (connected)
            unseen--;
          else if (free_shown)
            continue;
          else
            free_shown = true;
          list_add (ports, n_out, &count, p);
        }
    }
  return count;
}
