/* pb-document-probes.c — the links a person is watching
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A probe shows the latest items that crossed a link, with no rewiring
 * (pb_runner_set_probe()): the chain holding the link's output is
 * compiled again with a tap, and only while someone looks. Views watch a
 * link while they show it (a tooltip, a pinned probe); several may watch
 * the same one, so the document counts them and keeps the runtime's
 * probe on while any does. Each refresh copies what the probes saw into
 * their links.
 */

#include "config.h"

#include "pb-document-private.h"

static void
set_probe (PbDocument *self,
           PbLink     *link,
           gboolean    on)
{
  /* A link deleted meanwhile leaves no process to probe: nothing to do. */
  if (self->runner != NULL)
    pb_runner_set_probe (self->runner, pb_link_get_source (link), on);
}

/**
 * pb_document_watch_link:
 * @link: a link of @self
 *
 * Starts watching @link: from the next refresh on (once its chain is
 * compiled with the probe), pb_link_get_probe() gives the latest items
 * that crossed it. Each call needs its pb_document_unwatch_link().
 */
void
pb_document_watch_link (PbDocument *self,
                        PbLink     *link)
{
  guint count;

  g_return_if_fail (PB_IS_DOCUMENT (self));
  g_return_if_fail (PB_IS_LINK (link));

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->watched, link));
  if (count == 0)
    set_probe (self, link, TRUE);
  g_hash_table_insert (self->watched, g_object_ref (link), GUINT_TO_POINTER (count + 1));
}

/**
 * pb_document_unwatch_link:
 * @link: a link given to pb_document_watch_link()
 *
 * Stops one watch of @link; the last one takes the probe out of the
 * running code and clears what the link saw.
 */
void
pb_document_unwatch_link (PbDocument *self,
                          PbLink     *link)
{
  guint count;

  g_return_if_fail (PB_IS_DOCUMENT (self));
  g_return_if_fail (PB_IS_LINK (link));

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->watched, link));
  g_return_if_fail (count > 0);
  if (count > 1)
    {
      g_hash_table_insert (self->watched, g_object_ref (link), GUINT_TO_POINTER (count - 1));
      return;
    }
  set_probe (self, link, FALSE);
  pb_link_set_probe (link, NULL, 0);
  g_hash_table_remove (self->watched, link);
}

/**
 * pb_document_is_watched:
 *
 * Returns: whether any view watches @link
 */
gboolean
pb_document_is_watched (PbDocument *self,
                        PbLink     *link)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  return g_hash_table_contains (self->watched, link);
}

/* Copies what each watched link's probe saw in @snap (nullable) into it. */
void
_pb_document_refresh_probes (PbDocument        *self,
                             const pb_snapshot *snap)
{
  GHashTableIter iter;
  gpointer key;
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      PbLink *link = key;
      pb_probe_info info;

      if (snap != NULL && self->run_state != PB_RUN_STOPPED
          && pb_snapshot_probe (snap, pb_link_get_source (link), &info) == PB_OK)
        pb_link_set_probe (link, &info, now);
      else
        pb_link_set_probe (link, NULL, now);
    }
}
