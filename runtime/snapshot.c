/* snapshot.c — copies of an engine's counters, shared between threads
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine-private.h"
#include "snapshot.h"
#include "strbuf.h"

/* The room for a running sink's value; a stats line fits. */
#define VALUE_MAX 256

/* The strings of a process info: each is kept as an offset into one text
 * block while the block grows, and becomes a pointer at the end. */
enum
{
  STR_NAME,
  STR_KIND,
  STR_MESSAGE,
  STR_RESULT,
  N_STRS
};

struct pb_snapshot
{
  atomic_uint      refs;
  uint64_t         time_ns;
  bool             finished;
  pb_process_info *procs;
  size_t           n_procs;
  pb_chain_info   *chains;
  size_t           n_chains;
  pb_ring_info    *rings;
  size_t           n_rings;
  pb_addr         *addrs;   /* every chain's processes, one after another */
  pb_source      **sources; /* every chain's generated C, shared */
  char            *text;    /* every string of the process infos */
  pb_probe_info   *probes;  /* by output port, ascending */
  size_t           n_probes;
};

/* Appends @s with its NUL; returns its offset + 1, or 0 for NULL. */
static size_t
add_text (pb_strbuf  *b,
          const char *s)
{
  size_t at = b->len;

  if (s == NULL)
    return 0;
  pb_strbuf_append_n (b, s, strlen (s) + 1);
  return at + 1;
}

static const char *
text_at (const char *text,
         size_t      offset)
{
  return offset != 0 ? text + offset - 1 : NULL;
}

static int
take_processes (pb_snapshot *s,
                pb_engine   *e)
{
  size_t *offsets = calloc (s->n_procs * N_STRS + 1, sizeof *offsets);
  pb_strbuf b;

  if (offsets == NULL)
    return PB_ENOMEM;
  pb_strbuf_init (&b);
  for (size_t i = 0; i < s->n_procs; i++)
    {
      pb_process_info *info = &s->procs[i];
      size_t *o = &offsets[i * N_STRS];
      char value[VALUE_MAX];

      pb_engine_process_info (e, i, info);
      o[STR_NAME] = add_text (&b, info->name);
      o[STR_KIND] = add_text (&b, info->kind);
      o[STR_MESSAGE] = add_text (&b, info->message);
      /* A running sink's value so far is what a live view shows. */
      if (info->state == PB_PROCESS_READY && pb_engine_sink_value (e, i, value, sizeof value) == PB_OK)
        o[STR_RESULT] = add_text (&b, value);
      else
        o[STR_RESULT] = add_text (&b, info->result);
    }
  if (pb_strbuf_failed (&b))
    {
      pb_strbuf_clear (&b);
      free (offsets);
      return PB_ENOMEM;
    }
  s->text = pb_strbuf_steal (&b);
  for (size_t i = 0; i < s->n_procs; i++)
    {
      pb_process_info *info = &s->procs[i];
      const size_t *o = &offsets[i * N_STRS];

      info->name = text_at (s->text, o[STR_NAME]);
      info->kind = text_at (s->text, o[STR_KIND]);
      info->message = text_at (s->text, o[STR_MESSAGE]);
      info->result = text_at (s->text, o[STR_RESULT]);
    }
  free (offsets);
  return PB_OK;
}

static int
take_chains (pb_snapshot *s,
             pb_engine   *e)
{
  size_t n_addrs = 0;

  for (size_t i = 0; i < s->n_chains; i++)
    {
      pb_engine_chain_info (e, i, &s->chains[i]);
      n_addrs += s->chains[i].n_processes;
    }
  s->addrs = calloc (n_addrs + 1, sizeof *s->addrs);
  s->sources = calloc (s->n_chains + 1, sizeof *s->sources);
  if (s->addrs == NULL || s->sources == NULL)
    return PB_ENOMEM;
  n_addrs = 0;
  for (size_t i = 0; i < s->n_chains; i++)
    {
      pb_chain_info *info = &s->chains[i];

      pb_source *code = pb__engine_chain_code (e, i);

      s->sources[i] = code != NULL ? pb__source_ref (code) : NULL;
      memcpy (s->addrs + n_addrs, info->processes, info->n_processes * sizeof *s->addrs);
      info->processes = s->addrs + n_addrs;
      n_addrs += info->n_processes;
    }
  return PB_OK;
}

/* The probes whose chains are built, in the engine's order (ascending). */
static int
take_probes (pb_snapshot *s,
             pb_engine   *e)
{
  if (e->n_probes == 0)
    return PB_OK;
  s->probes = calloc (e->n_probes, sizeof *s->probes);
  if (s->probes == NULL)
    return PB_ENOMEM;
  for (size_t i = 0; i < e->n_probes; i++)
    if (pb_engine_probe (e, e->probes[i], &s->probes[s->n_probes]) == PB_OK)
      s->n_probes++;
  return PB_OK;
}

pb_snapshot *
pb__snapshot_take (pb_engine *e)
{
  pb_snapshot *s = calloc (1, sizeof *s);

  if (s == NULL)
    return NULL;
  atomic_init (&s->refs, 1);
  if (e == NULL)
    {
      s->finished = true;
      return s;
    }
  s->time_ns = pb_clock_now_ns ();
  s->finished = pb_engine_finished (e);
  s->n_procs = pb_engine_n_processes (e);
  s->n_chains = pb_engine_n_chains (e);
  s->n_rings = pb_engine_n_rings (e);
  s->procs = calloc (s->n_procs + 1, sizeof *s->procs);
  s->chains = calloc (s->n_chains + 1, sizeof *s->chains);
  s->rings = calloc (s->n_rings + 1, sizeof *s->rings);
  if (s->procs == NULL || s->chains == NULL || s->rings == NULL
      || take_processes (s, e) != PB_OK || take_chains (s, e) != PB_OK)
    {
      pb_snapshot_free (s);
      return NULL;
    }
  for (size_t i = 0; i < s->n_rings; i++)
    pb_engine_ring_info (e, i, &s->rings[i]);
  if (take_probes (s, e) != PB_OK)
    {
      pb_snapshot_free (s);
      return NULL;
    }
  return s;
}

pb_snapshot *
pb__snapshot_ref (pb_snapshot *s)
{
  atomic_fetch_add_explicit (&s->refs, 1, memory_order_relaxed);
  return s;
}

void
pb_snapshot_free (pb_snapshot *s)
{
  if (s == NULL || atomic_fetch_sub_explicit (&s->refs, 1, memory_order_acq_rel) != 1)
    return;
  free (s->procs);
  free (s->chains);
  free (s->rings);
  free (s->addrs);
  for (size_t i = 0; s->sources != NULL && i < s->n_chains; i++)
    pb__source_unref (s->sources[i]);
  free (s->sources);
  free (s->text);
  free (s->probes);
  free (s);
}

uint64_t
pb_snapshot_time_ns (const pb_snapshot *s)
{
  return s->time_ns;
}

bool
pb_snapshot_finished (const pb_snapshot *s)
{
  return s->finished;
}

size_t
pb_snapshot_n_processes (const pb_snapshot *s)
{
  return s->n_procs;
}

int
pb_snapshot_process (const pb_snapshot *s,
                     size_t             i,
                     pb_process_info   *info)
{
  if (i >= s->n_procs)
    return PB_ENOENT;
  *info = s->procs[i];
  return PB_OK;
}

long
pb_snapshot_find_process (const pb_snapshot *s,
                          pb_addr            process)
{
  size_t lo = 0, hi = s->n_procs;

  process = pb_addr_process_of (process);
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (s->procs[mid].process < process)
        lo = mid + 1;
      else if (s->procs[mid].process > process)
        hi = mid;
      else
        return (long) mid;
    }
  return -1;
}

size_t
pb_snapshot_n_chains (const pb_snapshot *s)
{
  return s->n_chains;
}

int
pb_snapshot_chain (const pb_snapshot *s,
                   size_t             i,
                   pb_chain_info     *info)
{
  if (i >= s->n_chains)
    return PB_ENOENT;
  *info = s->chains[i];
  return PB_OK;
}

size_t
pb_snapshot_n_rings (const pb_snapshot *s)
{
  return s->n_rings;
}

int
pb_snapshot_ring (const pb_snapshot *s,
                  size_t             i,
                  pb_ring_info      *info)
{
  if (i >= s->n_rings)
    return PB_ENOENT;
  *info = s->rings[i];
  return PB_OK;
}

const char *
pb_snapshot_chain_source (const pb_snapshot *s,
                          size_t             i)
{
  return i < s->n_chains && s->sources[i] != NULL ? s->sources[i]->text : NULL;
}

int
pb_snapshot_probe (const pb_snapshot *s,
                   pb_addr            output,
                   pb_probe_info     *info)
{
  size_t lo = 0, hi = s->n_probes;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (s->probes[mid].output < output)
        lo = mid + 1;
      else if (s->probes[mid].output > output)
        hi = mid;
      else
        {
          *info = s->probes[mid];
          return PB_OK;
        }
    }
  return PB_ENOENT;
}
