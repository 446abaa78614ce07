/* pb-document-run.c — running a document: start, pause, stop, and its live state
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * While it runs, the document reads the runtime's counters ten times a
 * second and brings every node's state, chain and live rates in line.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <pushback/kinds.h>
#include <pushback/link.h>
#include <pushback/runner.h>

#include "pb-document-private.h"
#include "pb-error.h"

/* How often the nodes follow the runtime, while it runs. */
#define STATUS_INTERVAL_MS 100

PbRunState
pb_document_get_run_state (PbDocument *self)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), PB_RUN_STOPPED);
  return self->run_state;
}

static void
set_run_state (PbDocument *self,
               PbRunState  state)
{
  if (self->run_state == state)
    return;
  self->run_state = state;
  _pb_document_notify (self, "run-state");
}

static gboolean
status_tick (gpointer user_data)
{
  pb_document_refresh_status (user_data);
  return G_SOURCE_CONTINUE;
}

/**
 * pb_document_run:
 *
 * Starts the runtime on the topology, or resumes it when paused. From
 * then on every edit goes live at once.
 *
 * Returns: whether it runs
 */
gboolean
pb_document_run (PbDocument  *self,
                 GError     **error)
{
  pb_error err;
  int rc;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  switch (self->run_state)
    {
    case PB_RUN_RUNNING:
      return TRUE;
    case PB_RUN_PAUSED:
      rc = pb_runner_resume (self->runner);
      pb_error_clear (&err);
      break;
    case PB_RUN_STOPPED:
    default:
      rc = pb_runner_start (self->runner, &err);
      self->run_started_us = g_get_real_time ();
      self->run_started_ns = (guint64) g_get_monotonic_time () * 1000;
      break;
    }
  if (!pb_propagate_result (error, rc, &err))
    return FALSE;

  if (self->status_source == 0)
    self->status_source = g_timeout_add (STATUS_INTERVAL_MS, status_tick, self);
  set_run_state (self, PB_RUN_RUNNING);
  return TRUE;
}

/**
 * pb_document_pause:
 *
 * Holds the runtime where it is; every state and item is kept.
 */
void
pb_document_pause (PbDocument *self)
{
  g_return_if_fail (PB_IS_DOCUMENT (self));

  if (self->run_state != PB_RUN_RUNNING)
    return;
  pb_runner_pause (self->runner);
  set_run_state (self, PB_RUN_PAUSED);
}

/**
 * pb_document_stop:
 *
 * Ends the run: processes release what they hold, and the next run starts
 * from scratch.
 */
void
pb_document_stop (PbDocument *self)
{
  g_return_if_fail (PB_IS_DOCUMENT (self));

  if (self->run_state == PB_RUN_STOPPED)
    return;
  pb_runner_stop (self->runner);
  g_clear_handle_id (&self->status_source, g_source_remove);
  set_run_state (self, PB_RUN_STOPPED);
  pb_document_refresh_status (self);
}

/**
 * pb_document_restart:
 *
 * Runs the topology again from scratch, every state reset.
 *
 * Returns: whether it runs
 */
gboolean
pb_document_restart (PbDocument  *self,
                     GError     **error)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  pb_document_stop (self);
  pb_rate_tracker_reset (self->rates);
  return pb_document_run (self, error);
}

/* Each link with a ring shows how full it is and the delay it adds, so
 * that a person sees where items queue up. Links without one (pasted
 * into a chain) and links of a stopped run show none. */
static void
refresh_queues (PbDocument        *self,
                const pb_snapshot *snap)
{
  g_autoptr(GHashTable) queued = g_hash_table_new (NULL, NULL);
  GListModel *links = G_LIST_MODEL (self->links);
  size_t n = snap != NULL && self->run_state != PB_RUN_STOPPED ? pb_snapshot_n_rings (snap) : 0;

  for (size_t i = 0; i < n; i++)
    {
      pb_ring_info ring;
      PbLink *link;
      PbRates rates;
      double delay = 0;

      if (pb_snapshot_ring (snap, i, &ring) != PB_OK
          || (link = pb_document_find_link (self, ring.reader)) == NULL)
        continue;
      if (pb_rate_tracker_lookup (self->rates, ring.reader, &rates) && rates.rate_in > 0)
        delay = ring.fill / rates.rate_in * 1e9;
      pb_link_set_queue (link, ring.capacity > 0 ? (double) ring.fill / ring.capacity : 0, delay);
      g_hash_table_add (queued, link);
    }

  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);

      if (!g_hash_table_contains (queued, link))
        pb_link_set_queue (link, -1, 0);
    }
}

/**
 * pb_document_refresh_status:
 *
 * Brings every node's state and message in line with the runtime's latest
 * snapshot; the document does this by itself while it runs.
 */
void
pb_document_refresh_status (PbDocument *self)
{
  pb_snapshot *snap;
  guint n;

  g_return_if_fail (PB_IS_DOCUMENT (self));

  snap = pb_runner_snapshot (self->runner);
  if (snap != NULL)
    pb_rate_tracker_update (self->rates, snap);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->nodes));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (G_LIST_MODEL (self->nodes), i);
      long index = snap != NULL ? pb_snapshot_find_process (snap, pb_node_get_address (node)) : -1;
      pb_process_info info;

      pb_chain_info chain;
      PbRates rates;

      if (index >= 0 && pb_snapshot_process (snap, index, &info) == PB_OK)
        {
          gboolean running = self->run_state != PB_RUN_STOPPED && info.state != PB_PROCESS_WAITING;
          pb_sink_value sink;

          pb_node_set_status (node, info.state, info.message);
          /* A stopped run's last snapshot keeps what its sinks showed. */
          pb_snapshot_sink (snap, index, &sink);
          pb_node_set_sink (node, &sink);
          if (running && pb_rate_tracker_lookup (self->rates, info.process, &rates))
            pb_node_set_live (node, &rates, info.result);
          else
            pb_node_set_live (node, NULL, info.result);
          /* A chain is named by its head, which an edit elsewhere does
           * not renumber as it does the chain's index. */
          if (pb_snapshot_chain (snap, info.chain, &chain) == PB_OK && chain.n_processes > 0)
            pb_node_set_chain (node, chain.processes[0]);
          else
            pb_node_set_chain (node, 0);
        }
      else
        {
          pb_node_set_status (node, PB_PROCESS_READY, NULL);
          pb_node_set_chain (node, 0);
          pb_node_set_sink (node, NULL);
          pb_node_set_live (node, NULL, NULL);
        }
    }
  refresh_queues (self, snap);
  _pb_document_refresh_probes (self, snap);
  if (snap != NULL)
    _pb_document_emit_counters (self, snap);
  pb_snapshot_free (snap);
}

/**
 * pb_document_dup_chain_source:
 * @process: a process
 * @chain: (out) (optional) (transfer full): the chain's processes, as
 *   pipeline text would join them: "clock ! wave ! fan"
 *
 * Returns: (transfer full) (nullable): the generated C of the chain that
 *   runs @process now, or %NULL when none does (stopped, or left out)
 */
char *
pb_document_dup_chain_source (PbDocument  *self,
                              pb_addr      process,
                              char       **chain)
{
  pb_snapshot *snap;
  pb_process_info info;
  pb_chain_info chain_info;
  char *source = NULL;
  long index;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);

  snap = pb_runner_snapshot (self->runner);
  index = snap != NULL && self->run_state != PB_RUN_STOPPED ? pb_snapshot_find_process (snap, process) : -1;
  if (index >= 0 && pb_snapshot_process (snap, index, &info) == PB_OK
      && info.state != PB_PROCESS_WAITING
      && pb_snapshot_chain (snap, info.chain, &chain_info) == PB_OK)
    {
      source = g_strdup (pb_snapshot_chain_source (snap, info.chain));
      if (chain != NULL)
        {
          GString *names = g_string_new (NULL);

          for (size_t i = 0; i < chain_info.n_processes; i++)
            {
              PbNode *node = pb_document_find_node (self, chain_info.processes[i]);

              if (i > 0)
                g_string_append (names, " ! ");
              g_string_append (names, node != NULL && pb_node_get_name (node) != NULL
                                      ? pb_node_get_name (node) : "?");
            }
          *chain = g_string_free (names, FALSE);
        }
    }
  pb_snapshot_free (snap);
  return source;
}

/**
 * pb_document_sync:
 * @timeout_ms: the longest to wait
 *
 * Waits until every edit made so far is live in the runtime.
 *
 * Returns: whether they are, within @timeout_ms
 */
gboolean
pb_document_sync (PbDocument *self,
                  guint       timeout_ms)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  return pb_runner_sync (self->runner, (uint64_t) timeout_ms * 1000000) == PB_OK;
}
