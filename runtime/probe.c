/* probe.c — watching the items that leave an output port
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A probe is a tap compiled into the chain that holds the port: each item
 * leaving it is stored in a small ring of its own (codegen.c, probe_tap),
 * which this file reads between two steps. An engine keeps the set of
 * probed ports sorted, and a build compiles again only the chains whose
 * probes changed, since a probe is part of a chain's text.
 */

#include <stdlib.h>
#include <string.h>

#include "engine-private.h"

long
pb__probe_set_index (const pb_addr *set,
                     size_t         n,
                     pb_addr        output)
{
  size_t lo = 0, hi = n;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (set[mid] == output)
        return (long) mid;
      if (set[mid] < output)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -(long) lo - 1;
}

int
pb__probe_set_change (pb_addr **set,
                      size_t   *n,
                      pb_addr   output,
                      bool      on)
{
  long i = pb__probe_set_index (*set, *n, output);

  if (on && i < 0)
    {
      size_t at = (size_t) (-i - 1);
      pb_addr *grown = realloc (*set, (*n + 1) * sizeof *grown);

      if (grown == NULL)
        return PB_ENOMEM;
      memmove (grown + at + 1, grown + at, (*n - at) * sizeof *grown);
      grown[at] = output;
      *set = grown;
      (*n)++;
    }
  else if (!on && i >= 0)
    {
      memmove (*set + i, *set + i + 1, (*n - (size_t) i - 1) * sizeof **set);
      (*n)--;
    }
  return PB_OK;
}

int
pb__probe_set_copy (pb_addr       **set,
                    size_t         *n,
                    const pb_addr  *from,
                    size_t          n_from)
{
  pb_addr *copy = malloc ((n_from + 1) * sizeof *copy);

  if (copy == NULL)
    return PB_ENOMEM;
  if (n_from > 0)
    memcpy (copy, from, n_from * sizeof *copy);
  free (*set);
  *set = copy;
  *n = n_from;
  return PB_OK;
}

int
pb_engine_set_probe (pb_engine *e,
                     pb_addr    output,
                     bool       on)
{
  return pb__probe_set_change (&e->probes, &e->n_probes, output, on);
}

int
pb_engine_probe (const pb_engine *e,
                 pb_addr          output,
                 pb_probe_info   *info)
{
  const proc *p = pb__find_proc (e->procs, e->n_procs, output);
  const chain *c;
  const uint64_t *words;
  bool has_port = false;
  int slot;

  if (p == NULL || !p->probed || p->chain >= e->n_chains)
    return PB_ENOENT;
  for (size_t j = 0; j < p->n_outs; j++)
    has_port |= pb_addr_with_port (p->addr, p->outs[j].port) == output;
  c = e->chains[p->chain];
  slot = c->layout.probe_slot != NULL ? c->layout.probe_slot[p->stage] : -1;
  if (!has_port || slot < 0 || c->probes == NULL)
    return PB_ENOENT;

  words = c->probes + (size_t) slot * PB_PROBE_STRIDE;
  memset (info, 0, sizeof *info);
  info->output = output;
  info->type = p->out_type;
  info->seen = words[0];
  info->n_values = info->seen < PB_PROBE_VALUES ? (size_t) info->seen : PB_PROBE_VALUES;
  for (size_t k = 0; k < info->n_values; k++)
    {
      /* The ring's oldest item first; each sits in the first bytes of
       * its word, as the tap stored it. */
      const uint64_t *word = words + 1 + ((info->seen - info->n_values + k) & (PB_PROBE_VALUES - 1));

      switch (info->type)
        {
        case PB_ITEM_F64:
          memcpy (&info->values[k].f64, word, sizeof (double));
          break;
        case PB_ITEM_U8:
          memcpy (&info->values[k].u8, word, 1);
          break;
        default:
          memcpy (&info->values[k].i64, word, sizeof (int64_t));
          break;
        }
    }
  return PB_OK;
}
