/* source.c — generated C, shared between an engine and its snapshots
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include "source.h"

pb_source *
pb__source_new (char       *text,
                const char *prelude)
{
  pb_source *s = malloc (sizeof *s);
  size_t length = strlen (text);
  char *shrunk;

  if (s == NULL)
    {
      free (text);
      return NULL;
    }
  /* The buffer the text was written in may have twice its size. */
  shrunk = realloc (text, length + 1);
  atomic_init (&s->refs, 1);
  s->text = shrunk != NULL ? shrunk : text;
  s->length = length;
  s->prelude = prelude;
  s->prelude_length = strlen (prelude);
  atomic_init (&s->whole, NULL);
  return s;
}

const char *
pb__source_whole (pb_source *s)
{
  char *whole = atomic_load_explicit (&s->whole, memory_order_acquire);
  char *found = NULL;
  size_t skip;

  if (whole != NULL)
    return whole;
  skip = s->prelude_length;
  whole = malloc (skip + s->length + 1);
  if (whole == NULL)
    return NULL;
  memcpy (whole, s->prelude, skip);
  memcpy (whole + skip, s->text, s->length + 1);
  /* Two threads may ask at once: the first to finish keeps its copy. */
  if (!atomic_compare_exchange_strong_explicit (&s->whole, &found, whole,
                                                memory_order_acq_rel, memory_order_acquire))
    {
      free (whole);
      return found;
    }
  return whole;
}

pb_source *
pb__source_ref (pb_source *s)
{
  atomic_fetch_add_explicit (&s->refs, 1, memory_order_relaxed);
  return s;
}

void
pb__source_unref (pb_source *s)
{
  if (s == NULL || atomic_fetch_sub_explicit (&s->refs, 1, memory_order_acq_rel) != 1)
    return;
  free (atomic_load_explicit (&s->whole, memory_order_relaxed));
  free (s->text);
  free (s);
}
