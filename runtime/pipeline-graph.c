/* pipeline-graph.c — turning a parsed pipeline into processes and links
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>

#include <pushback/kinds.h>
#include <pushback/pipeline.h>

#include "i18n.h"

/* The lowest port of @dir that @process has and has not linked yet. */
static int
next_free_port (pb_graph      *graph,
                pb_addr        process,
                const pb_kind *kind,
                pb_port_dir    dir,
                uint32_t      *port)
{
  for (size_t i = 0; i < pb_kind_n_ports (kind); i++)
    {
      const pb_port_spec *spec = pb_kind_port (kind, i);

      if (spec->dir != dir)
        continue;
      if (!spec->range)
        {
          if (pb_graph_peer (graph, pb_addr_with_port (process, spec->first)) == 0)
            {
              *port = spec->first;
              return PB_OK;
            }
          continue;
        }
      for (uint32_t p = spec->first; p <= PB_PORT_MAX; p++)
        if (pb_graph_peer (graph, pb_addr_with_port (process, p)) == 0)
          {
            *port = p;
            return PB_OK;
          }
    }
  return PB_EBUSY;
}

static int
resolve_end (const pb_pipeline     *p,
             pb_graph              *graph,
             const pb_addr         *addrs,
             const pb_pipeline_end *end,
             pb_port_dir            dir,
             size_t                 column,
             pb_addr               *out,
             pb_error              *err)
{
  const pb_pipeline_element *el = pb_pipeline_element_at (p, end->element);
  const pb_kind *kind = pb_kind_find (el->kind);
  uint32_t port;

  if (end->port != NULL)
    {
      const pb_port_spec *spec;
      pb_error perr;

      if (pb_kind_port_parse (kind, end->port, &port, &perr) != PB_OK)
        return pb_error_set (err, PB_ENOENT, _("%s: %s (column %zu)"), el->name, perr.message, column);
      spec = pb_kind_port_lookup (kind, port, NULL);
      if (spec->dir != dir)
        return pb_error_set (err, PB_EDIRECTION,
                             dir == PB_PORT_OUT ? _("%s: '%s' is not an output (column %zu)")
                                                : _("%s: '%s' is not an input (column %zu)"),
                             el->name, end->port, column);
      if (pb_graph_peer (graph, pb_addr_with_port (addrs[end->element], port)) != 0)
        return pb_error_set (err, PB_EBUSY, _("%s.%s is linked twice (column %zu)"),
                             el->name, end->port, column);
    }
  else if (next_free_port (graph, addrs[end->element], kind, dir, &port) != PB_OK)
    return pb_error_set (err, PB_EBUSY,
                         dir == PB_PORT_OUT ? _("%s: %s has no free output (column %zu)")
                                            : _("%s: %s has no free input (column %zu)"),
                         el->name, el->kind, column);
  *out = pb_addr_with_port (addrs[end->element], port);
  return PB_OK;
}

int
pb_pipeline_build (const pb_pipeline *p,
                   pb_graph          *graph,
                   uint32_t           host,
                   pb_error          *err)
{
  size_t n = pb_pipeline_n_elements (p);
  pb_addr *addrs = calloc (n + 1, sizeof *addrs);
  size_t added = 0;
  int rc = PB_OK;

  if (addrs == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));

  for (size_t i = 0; i < n && rc == PB_OK; i++)
    {
      const pb_pipeline_element *el = pb_pipeline_element_at (p, i);
      const pb_kind *kind = pb_kind_find (el->kind);

      if (kind == NULL)
        {
          rc = pb_error_set (err, PB_ENOENT, _("unknown kind '%s' at column %zu (pushback-run --help lists them)"),
                             el->kind, el->column);
          break;
        }
      rc = pb_graph_add_process (graph, host, el->kind, &addrs[i]);
      if (rc != PB_OK)
        {
          pb_error_set (err, rc, _("%s: cannot add it: %s"), el->name, pb_strerror (rc));
          break;
        }
      added++;
      rc = pb_graph_set_name (graph, addrs[i], el->name);
      if (rc != PB_OK)
        pb_error_set (err, rc, _("%s: cannot name it: %s"), el->name, pb_strerror (rc));
      for (size_t j = 0; j < el->n_props && rc == PB_OK; j++)
        {
          pb_error perr;

          if (pb_kind_check_param (kind, el->props[j].key, el->props[j].value, &perr) != PB_OK)
            rc = pb_error_set (err, perr.code, _("%s: %s"), el->name, perr.message);
          else if ((rc = pb_graph_set_param (graph, addrs[i], el->props[j].key,
                                             el->props[j].value)) != PB_OK)
            pb_error_set (err, rc, _("%s: %s"), el->name, pb_strerror (rc));
        }
    }

  for (size_t i = 0; i < pb_pipeline_n_links (p) && rc == PB_OK; i++)
    {
      const pb_pipeline_link *link = pb_pipeline_link_at (p, i);
      pb_addr a, b;

      rc = resolve_end (p, graph, addrs, &link->src, PB_PORT_OUT, link->column, &a, err);
      if (rc == PB_OK)
        rc = resolve_end (p, graph, addrs, &link->dst, PB_PORT_IN, link->column, &b, err);
      if (rc == PB_OK && (rc = pb_graph_connect (graph, a, b)) != PB_OK)
        pb_error_set (err, rc, _("cannot link at column %zu: %s"), link->column, pb_strerror (rc));
    }

  /* Nothing half-built stays behind. */
  if (rc != PB_OK)
    for (size_t i = 0; i < added; i++)
      pb_graph_remove_process (graph, addrs[i]);
  free (addrs);
  return rc;
}

int
pb_pipeline_build_text (pb_graph   *graph,
                        const char *text,
                        pb_error   *err)
{
  pb_pipeline *p = NULL;
  int rc = pb_pipeline_parse (text, &p, err);

  if (rc == PB_OK)
    rc = pb_pipeline_build (p, graph, 0, err);
  pb_pipeline_free (p);
  return rc;
}
