/* source.c — generated C, shared between an engine and its snapshots
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>

#include "source.h"

pb_source *
pb__source_new (char *text)
{
  pb_source *s = malloc (sizeof *s);

  if (s == NULL)
    {
      free (text);
      return NULL;
    }
  atomic_init (&s->refs, 1);
  s->text = text;
  return s;
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
  free (s->text);
  free (s);
}
