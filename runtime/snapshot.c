/* snapshot.c — copies of an engine's counters, shared between threads
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <assert.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine-private.h"
#include "snapshot.h"
#include "strbuf.h"

/* The room for a running sink's value; a stats line fits. */
#define VALUE_MAX 256

/* The compiled views speak the public enum's values. */
static_assert ((int) PB_VIEW_NONE == (int) PB_SINK_NONE && (int) PB_VIEW_SCALAR == (int) PB_SINK_SCALAR
               && (int) PB_VIEW_STATS == (int) PB_SINK_STATS && (int) PB_VIEW_LINES == (int) PB_SINK_LINES
               && (int) PB_VIEW_SERIES == (int) PB_SINK_SERIES, "view and sink displays agree");

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
  pb_sink_value   *sinks;   /* per process; NULL when no sink shows */
  double          *values;  /* every series, one after another */
  const char     **lines;   /* every sink's lines, one after another */
  char            *line_text;
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
  if (e->n_built_probes == 0)
    return PB_OK;
  s->probes = calloc (e->n_built_probes, sizeof *s->probes);
  if (s->probes == NULL)
    return PB_ENOMEM;
  for (size_t i = 0; i < e->n_built_probes; i++)
    if (pb_engine_probe (e, e->built_probes[i], &s->probes[s->n_probes]) == PB_OK)
      s->n_probes++;
  return PB_OK;
}

/* Item @k of a view's ring, as a double. */
static double
ring_value (const pb_view_io *v,
            uint64_t          k)
{
  switch (v->type)
    {
    case PB_ITEM_I64: return (double) ((const int64_t *) v->ring)[k];
    case PB_ITEM_F64: return ((const double *) v->ring)[k];
    case PB_ITEM_U8:  return ((const uint8_t *) v->ring)[k];
    default:          return 0;
    }
}

/* How many of a view's latest items its ring holds, and where the oldest
 * of them is. */
static uint64_t
ring_held (const pb_view_io *v,
           uint64_t         *oldest)
{
  uint64_t held = (uint64_t) v->count < v->ring_size ? (uint64_t) v->count : v->ring_size;

  *oldest = (v->ring_next + v->ring_size - held) % (v->ring_size ? v->ring_size : 1);
  return held;
}

/* Writes the last lines of print @v into @b, each with its NUL, and
 * returns how many. Numbers are written as print writes them; of a byte
 * stream, a line cut off at the start of the ring is left out. */
static size_t
add_lines (pb_strbuf        *b,
           const pb_view_io *v)
{
  uint64_t oldest;
  uint64_t held = ring_held (v, &oldest);
  size_t n = 0;

  if (v->type != PB_ITEM_U8)
    {
      uint64_t first = held > PB_SINK_LINES_MAX ? held - PB_SINK_LINES_MAX : 0;

      for (uint64_t k = first; k < held; k++, n++)
        {
          uint64_t at = (oldest + k) % v->ring_size;
          char line[32];

          if (v->type == PB_ITEM_I64)
            snprintf (line, sizeof line, "%" PRId64, ((const int64_t *) v->ring)[at]);
          else
            {
              double d = ((const double *) v->ring)[at];

              snprintf (line, sizeof line, "%.15g", d);
              if (strtod (line, NULL) != d)
                snprintf (line, sizeof line, "%.17g", d);
            }
          pb_strbuf_append_n (b, line, strlen (line) + 1);
        }
      return n;
    }
  else
    {
      const uint8_t *bytes = v->ring;
      char text[1024];
      size_t len = 0, start = 0, end;
      size_t starts[PB_SINK_LINES_MAX];
      size_t ends[PB_SINK_LINES_MAX];

      for (uint64_t k = 0; k < held && len < sizeof text; k++)
        text[len++] = (char) bytes[(oldest + k) % v->ring_size];
      /* The first line is partial when the ring has turned over. */
      if ((uint64_t) v->count > held)
        {
          char *nl = memchr (text, '\n', len);

          if (nl != NULL)
            start = (size_t) (nl - text) + 1;
        }
      end = len > start && text[len - 1] == '\n' ? len - 1 : len;
      /* From the end back: the last PB_SINK_LINES_MAX lines. */
      while (end > start && n < PB_SINK_LINES_MAX)
        {
          size_t a = end;

          while (a > start && text[a - 1] != '\n')
            a--;
          starts[n] = a;
          ends[n] = end > a && text[end - 1] == '\r' ? end - 1 : end;
          n++;
          end = a > start ? a - 1 : start;
          if (a == start)
            break;
        }
      for (size_t j = n; j-- > 0;)
        {
          pb_strbuf_append_n (b, text + starts[j], ends[j] - starts[j]);
          pb_strbuf_append_n (b, "", 1);
        }
      return n;
    }
}

/*
 * Copies what each sink shows: its scalars, and the items of its ring,
 * which the view only points at. Runs on the runner thread between steps,
 * so the rings do not move while they are copied.
 */
static int
take_sinks (pb_snapshot *s,
            pb_engine   *e)
{
  pb_view_io *views = calloc (s->n_procs + 1, sizeof *views);
  size_t *line_at = calloc (s->n_procs + 1, sizeof *line_at);
  size_t n_values = 0, v_at = 0, l_at = 0;
  bool any = false;
  pb_strbuf b;

  if (views == NULL || line_at == NULL)
    {
      free (views);
      free (line_at);
      return PB_ENOMEM;
    }
  for (size_t i = 0; i < s->n_procs; i++)
    if (pb__engine_sink_view (e, i, &views[i]) == PB_OK && views[i].display != PB_VIEW_NONE)
      {
        uint64_t oldest;

        any = true;
        if (views[i].display == PB_VIEW_SERIES)
          n_values += ring_held (&views[i], &oldest);
      }
    else
      views[i].display = PB_VIEW_NONE;
  if (!any)
    {
      free (views);
      free (line_at);
      return PB_OK;
    }

  pb_strbuf_init (&b);
  s->sinks = calloc (s->n_procs, sizeof *s->sinks);
  s->values = calloc (n_values + 1, sizeof *s->values);
  s->lines = calloc (s->n_procs * PB_SINK_LINES_MAX + 1, sizeof *s->lines);
  for (size_t i = 0; i < s->n_procs && s->sinks != NULL && s->values != NULL && s->lines != NULL; i++)
    {
      const pb_view_io *v = &views[i];
      pb_sink_value *out = &s->sinks[i];

      out->display = (pb_sink_display) v->display;
      if (v->display == PB_VIEW_NONE)
        continue;
      out->type = (pb_item_type) v->type;
      out->count = v->count;
      switch (v->display)
        {
        case PB_VIEW_SCALAR:
          out->i64 = v->i64;
          out->f64 = v->f64;
          break;
        case PB_VIEW_STATS:
          out->min = v->min;
          out->max = v->max;
          out->mean = v->mean;
          break;
        case PB_VIEW_LINES:
          line_at[i] = b.len;
          out->n_lines = add_lines (&b, v);
          break;
        case PB_VIEW_SERIES:
          {
            uint64_t oldest;
            uint64_t held = ring_held (v, &oldest);
            double sum = 0;

            out->values = s->values + v_at;
            out->n_values = held;
            out->capacity = v->ring_size;
            for (uint64_t k = 0; k < held; k++)
              {
                double d = ring_value (v, (oldest + k) % v->ring_size);

                s->values[v_at + k] = d;
                if (k == 0 || d < out->min)
                  out->min = d;
                if (k == 0 || d > out->max)
                  out->max = d;
                sum += d;
              }
            out->mean = held > 0 ? sum / (double) held : 0;
            v_at += held;
          }
          break;
        default:
          out->display = PB_SINK_NONE;
          break;
        }
    }
  free (views);
  if (s->sinks == NULL || s->values == NULL || s->lines == NULL || pb_strbuf_failed (&b))
    {
      pb_strbuf_clear (&b);
      free (line_at);
      return PB_ENOMEM;
    }
  /* The text stopped moving: now the lines can point into it. */
  s->line_text = pb_strbuf_steal (&b);
  for (size_t i = 0; i < s->n_procs; i++)
    {
      pb_sink_value *out = &s->sinks[i];
      const char *at = s->line_text != NULL ? s->line_text + line_at[i] : NULL;

      if (out->display != PB_SINK_LINES)
        continue;
      out->lines = s->lines + l_at;
      for (size_t j = 0; j < out->n_lines; j++)
        {
          s->lines[l_at++] = at;
          at += strlen (at) + 1;
        }
    }
  free (line_at);
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
      || take_processes (s, e) != PB_OK || take_chains (s, e) != PB_OK
      || take_sinks (s, e) != PB_OK)
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
  free (s->sinks);
  free (s->values);
  free (s->lines);
  free (s->line_text);
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

int
pb_snapshot_sink (const pb_snapshot *s,
                  size_t             i,
                  pb_sink_value     *value)
{
  memset (value, 0, sizeof *value);
  if (i >= s->n_procs || s->sinks == NULL || s->sinks[i].display == PB_SINK_NONE)
    return PB_ENOENT;
  *value = s->sinks[i];
  return PB_OK;
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
  return i < s->n_chains && s->sources[i] != NULL ? pb__source_whole (s->sources[i]) : NULL;
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
