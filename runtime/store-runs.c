/* store-runs.c — recorded runs: their counters, kept in the document
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include <pushback/version.h>

#include "i18n.h"
#include "store-private.h"

/*
 * Runs.
 */

int
pb_store_record_run (pb_store                *s,
                     int64_t                  started_us,
                     uint64_t                 duration_ns,
                     const pb_store_counters *counters,
                     size_t                   n_counters,
                     int64_t                 *run_id,
                     pb_error                *err)
{
  sqlite3_stmt *ins_run = NULL, *ins_counter = NULL;
  int64_t id = 0;
  size_t i;
  char label[LABEL_MAX];
  int rc;

  if (s == NULL || (counters == NULL && n_counters > 0))
    return pb_error_set (err, PB_EINVAL, _("pb_store_record_run: invalid argument"));
  if (s->mode != PB_STORE_WRITE)
    return pb_error_set (err, PB_EINVAL, _("%s is open read-only"), s->path);
  if (duration_ns > INT64_MAX)
    return pb_error_set (err, PB_EINVAL, _("%s: cannot record the run: its duration "
                                           "exceeds INT64_MAX"), s->path);
  for (i = 0; i < n_counters; i++)
    {
      const pb_store_counters *c = &counters[i];

      pb_store__process_label (c->process, NULL, label);
      if (pb_addr_process (c->process) == 0 || pb_addr_port (c->process) != 0)
        return pb_error_set (err, PB_EINVAL, _("%s: cannot record the run: %s is not a "
                                               "process address"), s->path, label);
      if (!pb_store__text_valid (c->name) || !pb_store__text_valid (c->kind))
        return pb_error_set (err, PB_EINVAL, _("%s: cannot record the run: the name or "
                                               "kind of %s is not UTF-8"), s->path, label);
      if (c->calls > INT64_MAX || c->busy_ns > INT64_MAX
          || c->items_in > INT64_MAX || c->items_out > INT64_MAX)
        return pb_error_set (err, PB_EINVAL, _("%s: cannot record the run: a counter of "
                                               "%s exceeds INT64_MAX"), s->path, label);
    }

  rc = pb_store__begin_write (s, err);
  if (rc != PB_OK)
    return rc;
  rc = pb_store__prepare (s, s->db, "INSERT INTO runs (started_us, duration_ns, app_version) "
                "VALUES (?, ?, ?)", &ins_run, err);
  if (rc == PB_OK)
    {
      sqlite3_bind_int64 (ins_run, 1, started_us);
      sqlite3_bind_int64 (ins_run, 2, (int64_t) duration_ns);
      sqlite3_bind_text (ins_run, 3, PB_VERSION, -1, SQLITE_STATIC);
      rc = pb_store__run (s, ins_run, err);
      id = sqlite3_last_insert_rowid (s->db);
    }
  if (rc == PB_OK)
    rc = pb_store__prepare (s, s->db, "INSERT INTO run_counters (run, host, id, name, kind, calls, "
                  "busy_ns, items_in, items_out) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  &ins_counter, err);
  for (i = 0; rc == PB_OK && i < n_counters; i++)
    {
      const pb_store_counters *c = &counters[i];
      int src;

      sqlite3_bind_int64 (ins_counter, 1, id);
      sqlite3_bind_int64 (ins_counter, 2, pb_addr_host (c->process));
      sqlite3_bind_int64 (ins_counter, 3, pb_addr_process (c->process));
      sqlite3_bind_text (ins_counter, 4, c->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (ins_counter, 5, c->kind, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (ins_counter, 6, (int64_t) c->calls);
      sqlite3_bind_int64 (ins_counter, 7, (int64_t) c->busy_ns);
      sqlite3_bind_int64 (ins_counter, 8, (int64_t) c->items_in);
      sqlite3_bind_int64 (ins_counter, 9, (int64_t) c->items_out);
      src = sqlite3_step (ins_counter);
      sqlite3_reset (ins_counter);
      if (src == SQLITE_CONSTRAINT_PRIMARYKEY)
        rc = pb_error_set (err, PB_EINVAL, _("%s: cannot record the run: %s appears twice"),
                           s->path, pb_store__process_label (c->process, NULL, label));
      else if (src != SQLITE_DONE)
        rc = pb_store__sql_error (s, s->db, src, N_("record the run"), err);
    }
  sqlite3_finalize (ins_run);
  sqlite3_finalize (ins_counter);
  rc = pb_store__end_write (s, rc, err);
  if (rc == PB_OK && run_id != NULL)
    *run_id = id;
  return rc;
}

int
pb_store_list_runs (pb_store            *s,
                    const pb_store_run **runs,
                    size_t              *n_runs,
                    pb_error            *err)
{
  sqlite3_stmt *st = NULL;
  listing fresh = { 0 };
  int rc;

  if (runs != NULL)
    *runs = NULL;
  if (n_runs != NULL)
    *n_runs = 0;
  if (s == NULL || runs == NULL || n_runs == NULL)
    return pb_error_set (err, PB_EINVAL, _("pb_store_list_runs: invalid argument"));

  rc = pb_store__prepare (s, pb_store__reader (s), "SELECT r.id, r.started_us, r.duration_ns, r.app_version, "
                "(SELECT count(*) FROM run_counters c WHERE c.run = r.id) "
                "FROM runs r ORDER BY r.id", &st, err);
  while (rc == PB_OK && (rc = pb_store__step (s, st, N_("read the runs"), err)) == SQLITE_ROW)
    {
      pb_store_run r;
      int64_t duration, count;
      const char *version;

      rc = PB_OK;
      if (!pb_store__column_int (st, 0, 1, INT64_MAX, &r.id)
          || !pb_store__column_int (st, 1, INT64_MIN, INT64_MAX, &r.started_us)
          || !pb_store__column_int (st, 2, 0, INT64_MAX, &duration)
          || !pb_store__column_text (st, 3, false, &version)
          || !pb_store__column_int (st, 4, 0, INT64_MAX, &count))
        {
          rc = pb_store__bad_row (s, err, _("a recorded run has a value of the wrong type or range"));
          break;
        }
      r.duration_ns = (uint64_t) duration;
      r.n_processes = (size_t) count;
      if (!pb_store__string_list_add (&fresh.strings, version, &r.app_version)
          || !pb_store__listing_add (&fresh, &r, sizeof r))
        {
          rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
          break;
        }
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  sqlite3_finalize (st);
  if (rc != PB_OK)
    {
      pb_store__listing_clear (&fresh);
      return rc;
    }
  pb_store__listing_keep (&s->runs, &fresh);
  *runs = s->runs.items;
  *n_runs = s->runs.n;
  return PB_OK;
}

int
pb_store_run_counters (pb_store                 *s,
                       int64_t                   run_id,
                       const pb_store_counters **counters,
                       size_t                   *n_counters,
                       pb_error                 *err)
{
  sqlite3_stmt *st = NULL;
  listing fresh = { 0 };
  int rc;

  if (counters != NULL)
    *counters = NULL;
  if (n_counters != NULL)
    *n_counters = 0;
  if (s == NULL || counters == NULL || n_counters == NULL)
    return pb_error_set (err, PB_EINVAL, _("pb_store_run_counters: invalid argument"));

  rc = pb_store__prepare (s, pb_store__reader (s), "SELECT 1 FROM runs WHERE id = ?", &st, err);
  if (rc == PB_OK)
    {
      sqlite3_bind_int64 (st, 1, run_id);
      rc = pb_store__step (s, st, N_("read the runs"), err);
      if (rc == SQLITE_DONE)
        rc = pb_error_set (err, PB_ENOENT, _("%s has no run %lld"), s->path,
                           (long long) run_id);
      else if (rc == SQLITE_ROW)
        rc = PB_OK;
    }
  sqlite3_finalize (st);
  st = NULL;
  if (rc != PB_OK)
    return rc;

  rc = pb_store__prepare (s, pb_store__reader (s), "SELECT host, id, name, kind, calls, busy_ns, items_in, "
                "items_out FROM run_counters WHERE run = ? ORDER BY host, id", &st, err);
  if (rc == PB_OK)
    sqlite3_bind_int64 (st, 1, run_id);
  while (rc == PB_OK && (rc = pb_store__step (s, st, N_("read the counters"), err)) == SQLITE_ROW)
    {
      pb_store_counters c;
      int64_t host, id, v[4];
      const char *name, *kind;
      int k;

      rc = PB_OK;
      if (!pb_store__column_int (st, 0, 0, PB_HOST_MAX, &host)
          || !pb_store__column_int (st, 1, 1, PB_PROCESS_MAX, &id)
          || !pb_store__column_text (st, 2, true, &name)
          || !pb_store__column_text (st, 3, true, &kind))
        {
          rc = pb_store__bad_row (s, err, _("a counter of run %lld names no valid process"),
                        (long long) run_id);
          break;
        }
      for (k = 0; k < 4 && rc == PB_OK; k++)
        if (!pb_store__column_int (st, 4 + k, 0, INT64_MAX, &v[k]))
          rc = pb_store__bad_row (s, err, _("a counter of run %lld is not an integer from 0"),
                        (long long) run_id);
      if (rc != PB_OK)
        break;
      c.process = pb_addr_make ((uint32_t) host, (uint32_t) id, 0);
      c.calls = (uint64_t) v[0];
      c.busy_ns = (uint64_t) v[1];
      c.items_in = (uint64_t) v[2];
      c.items_out = (uint64_t) v[3];
      if (!pb_store__string_list_add (&fresh.strings, name, &c.name)
          || !pb_store__string_list_add (&fresh.strings, kind, &c.kind)
          || !pb_store__listing_add (&fresh, &c, sizeof c))
        {
          rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
          break;
        }
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  sqlite3_finalize (st);
  if (rc != PB_OK)
    {
      pb_store__listing_clear (&fresh);
      return rc;
    }
  pb_store__listing_keep (&s->counters, &fresh);
  *counters = s->counters.items;
  *n_counters = s->counters.n;
  return PB_OK;
}
