/* pb-document-runs.c — a document's recorded runs
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Recording a run keeps its counters in the document, as
 * `pushback-run --record` does, so that two runs can be compared later
 * (before and after an edit, say). A document with a file writes the run
 * into it at once, in a transaction of its own that leaves the topology
 * alone; a new document keeps its runs until its first save writes them.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-document-private.h"
#include "pb-error.h"
#include "pb-recorded-run.h"
#include "pb-stats-json.h"

static void
load_runs (PbDocument *self)
{
  g_autofree char *path = NULL;
  pb_store *store = NULL;
  const pb_store_run *runs = NULL;
  size_t n_runs = 0;
  pb_error err;

  self->runs_loaded = TRUE;
  if (self->file == NULL || (path = g_file_get_path (self->file)) == NULL)
    return;
  /* A document that cannot be read has no runs to show: its load or
   * save reports why, not this list. */
  if (pb_store_open (path, PB_STORE_READ, &store, &err) != PB_OK
      || pb_store_list_runs (store, &runs, &n_runs, &err) != PB_OK)
    {
      pb_store_close (store);
      return;
    }
  for (size_t i = 0; i < n_runs; i++)
    {
      const pb_store_counters *counters = NULL;
      size_t n_counters = 0;
      g_autoptr(PbRecordedRun) run = NULL;
      pb_store_run copy = runs[i];

      if (pb_store_run_counters (store, copy.id, &counters, &n_counters, &err) != PB_OK)
        continue;
      run = pb_recorded_run_new (copy.id, copy.started_us, copy.duration_ns, counters, n_counters);
      g_list_store_append (self->runs, run);
    }
  pb_store_close (store);
}

/**
 * pb_document_get_runs:
 *
 * Returns: (transfer none): the recorded runs (#PbRecordedRun), oldest
 *   first, including those that wait for the document's first save
 */
GListModel *
pb_document_get_runs (PbDocument *self)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);

  if (!self->runs_loaded)
    load_runs (self);
  return G_LIST_MODEL (self->runs);
}

static int
write_run (pb_store      *store,
           PbRecordedRun *run,
           pb_error      *err)
{
  gsize n = 0;
  const pb_store_counters *counters = pb_recorded_run_get_counters (run, &n);
  int64_t id = 0;
  int rc;

  rc = pb_store_record_run (store, pb_recorded_run_get_started (run),
                            pb_recorded_run_get_duration (run), counters, n, &id, err);
  if (rc == PB_OK)
    pb_recorded_run_set_id (run, id);
  return rc;
}

/**
 * _pb_document_write_pending_runs:
 * @store: the document's file, open for writing, just saved
 * @all: whether to write every run, for a file that has none of them
 *   (the document saved under a new name): they take its ids
 *
 * Writes the runs recorded while the document had no file, or that a
 * failed write left waiting.
 *
 * Returns: PB_OK, or the store's result for the first that failed
 */
int
_pb_document_write_pending_runs (PbDocument *self,
                                 pb_store   *store,
                                 gboolean    all,
                                 pb_error   *err)
{
  GListModel *runs = G_LIST_MODEL (self->runs);

  for (guint i = 0; i < g_list_model_get_n_items (runs); i++)
    {
      g_autoptr(PbRecordedRun) run = g_list_model_get_item (runs, i);
      int rc;

      if (!all && pb_recorded_run_get_id (run) != 0)
        continue;
      if ((rc = write_run (store, run, err)) != PB_OK)
        return rc;
    }
  return PB_OK;
}

/**
 * pb_document_record_run:
 * @error: why it could not be written to the document's file
 *
 * Records every process's counters as they are now, with the time the
 * run started and how long it has run. A document with a file writes the
 * run into it at once; the topology there is left as it was saved.
 *
 * Returns: (transfer none) (nullable): the run, added to
 *   pb_document_get_runs(); %NULL when nothing has run yet or the write
 *   failed
 */
PbRecordedRun *
pb_document_record_run (PbDocument  *self,
                        GError     **error)
{
  g_autoptr(PbRecordedRun) run = NULL;
  g_autofree pb_store_counters *counters = NULL;
  g_autofree char *path = NULL;
  pb_snapshot *snap;
  size_t n;
  guint64 now;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);

  snap = pb_runner_snapshot (self->runner);
  if (snap == NULL || pb_snapshot_time_ns (snap) == 0 || self->run_started_us == 0)
    {
      pb_snapshot_free (snap);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("Nothing has run yet"));
      return NULL;
    }

  n = pb_snapshot_n_processes (snap);
  counters = g_new0 (pb_store_counters, n + 1);
  for (size_t i = 0; i < n; i++)
    {
      pb_process_info info;

      pb_snapshot_process (snap, i, &info);
      counters[i] = (pb_store_counters) { info.process, info.name, info.kind, info.calls,
                                          info.busy_ns, info.items_in, info.items_out };
    }
  now = pb_snapshot_time_ns (snap);
  run = pb_recorded_run_new (0, self->run_started_us,
                             now > self->run_started_ns ? now - self->run_started_ns : 0,
                             counters, n);
  pb_snapshot_free (snap);

  if (!self->runs_loaded)
    load_runs (self);

  if (self->file != NULL && (path = g_file_get_path (self->file)) != NULL)
    {
      pb_store *store = NULL;
      pb_error err;
      int rc;

      rc = pb_store_open (path, PB_STORE_WRITE, &store, &err);
      if (rc == PB_OK)
        rc = write_run (store, run, &err);
      pb_store_close (store);
      if (!pb_propagate_result (error, rc, &err))
        return NULL;
    }
  g_list_store_append (self->runs, run);
  return run;
}

/**
 * pb_document_dup_stats_json:
 *
 * Returns: (transfer full): the runtime's counters now, as
 *   `pushback-run --stats=json` prints them
 */
char *
pb_document_dup_stats_json (PbDocument *self)
{
  pb_snapshot *snap;
  char *json;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);

  snap = pb_runner_snapshot (self->runner);
  json = snap != NULL ? pb_stats_json (snap) : g_strdup ("{\"processes\": [], \"chains\": []}\n");
  pb_snapshot_free (snap);
  return json;
}
