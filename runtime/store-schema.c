/* store-schema.c — the tables of a document and their migrations
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>

#include "store-schema.h"

/*
 * Version 1. The tables are STRICT, so SQLite itself refuses a value of
 * the wrong type, and their CHECK constraints hold the ranges of the
 * address fields. The loader checks all of it again: a file may come from
 * anywhere, and constraints are easily switched off.
 *
 * document: one row (id 1) of metadata and view state.
 * processes: keyed by (host, id); x and y are both NULL for a process not
 *   placed on the canvas; kind is a catalogue name.
 * params: one row per parameter; type is the kind's type of the parameter
 *   when it was saved (int, float, string, choice, expr, code). The check
 *   is a chain of ORs: SQLite evaluates an IN list through a temporary
 *   table on every row, which made inserting parameters three times
 *   slower.
 * links: one row per connected port (the monopoly rule: port is the key,
 *   peer is unique), addresses as signed 64-bit integers; the deferred
 *   foreign key (peer, port) -> (port, peer) demands the row of the other
 *   end, so every link is symmetric when a transaction commits. Port and
 *   peer may not be equal, and neither may name process id 0.
 * runs, run_counters: recorded runs, and the counters of each process at
 *   the end of each; a snapshot, with no tie to the current processes.
 */
static const char schema_v1[] =
  "CREATE TABLE document (\n"
  "  id          INTEGER PRIMARY KEY CHECK (id = 1),\n"
  "  title       TEXT NOT NULL DEFAULT '',\n"
  "  created_us  INTEGER NOT NULL,\n"
  "  modified_us INTEGER NOT NULL,\n"
  "  app_version TEXT NOT NULL,\n"
  "  zoom        REAL NOT NULL DEFAULT 1.0 CHECK (zoom > 0),\n"
  "  scroll_x    REAL NOT NULL DEFAULT 0.0,\n"
  "  scroll_y    REAL NOT NULL DEFAULT 0.0\n"
  ") STRICT;\n"
  "INSERT INTO document (id, created_us, modified_us, app_version)\n"
  "  VALUES (1, 0, 0, '');\n"
  "CREATE TABLE processes (\n"
  "  host      INTEGER NOT NULL CHECK (host BETWEEN 0 AND 1048575),\n"
  "  id        INTEGER NOT NULL CHECK (id BETWEEN 1 AND 268435455),\n"
  "  kind      TEXT NOT NULL CHECK (kind <> ''),\n"
  "  name      TEXT UNIQUE CHECK (name <> ''),\n"
  "  x         REAL,\n"
  "  y         REAL,\n"
  "  width     REAL NOT NULL DEFAULT 0.0 CHECK (width >= 0),\n"
  "  height    REAL NOT NULL DEFAULT 0.0 CHECK (height >= 0),\n"
  "  collapsed INTEGER NOT NULL DEFAULT 0 CHECK (collapsed IN (0, 1)),\n"
  "  PRIMARY KEY (host, id),\n"
  "  CHECK ((x IS NULL) = (y IS NULL))\n"
  ") STRICT, WITHOUT ROWID;\n"
  "CREATE TABLE params (\n"
  "  host  INTEGER NOT NULL,\n"
  "  id    INTEGER NOT NULL,\n"
  "  key   TEXT NOT NULL CHECK (key <> ''),\n"
  "  type  TEXT NOT NULL\n"
  "        CHECK (type = 'int' OR type = 'float' OR type = 'string'\n"
  "               OR type = 'choice' OR type = 'expr' OR type = 'code'),\n"
  "  value TEXT NOT NULL,\n"
  "  PRIMARY KEY (host, id, key),\n"
  "  FOREIGN KEY (host, id) REFERENCES processes (host, id) ON DELETE CASCADE\n"
  ") STRICT, WITHOUT ROWID;\n"
  "CREATE TABLE links (\n"
  "  port  INTEGER PRIMARY KEY CHECK ((port >> 16) & 268435455 <> 0),\n"
  "  peer  INTEGER NOT NULL UNIQUE CHECK ((peer >> 16) & 268435455 <> 0),\n"
  "  flags INTEGER NOT NULL DEFAULT 0 CHECK (flags BETWEEN 0 AND 4294967295),\n"
  "  CHECK (port <> peer),\n"
  "  UNIQUE (port, peer),\n"
  "  FOREIGN KEY (peer, port) REFERENCES links (port, peer)\n"
  "    DEFERRABLE INITIALLY DEFERRED\n"
  ") STRICT;\n"
  "CREATE TABLE runs (\n"
  "  id          INTEGER PRIMARY KEY,\n"
  "  started_us  INTEGER NOT NULL,\n"
  "  duration_ns INTEGER NOT NULL CHECK (duration_ns >= 0),\n"
  "  app_version TEXT NOT NULL\n"
  ") STRICT;\n"
  "CREATE TABLE run_counters (\n"
  "  run       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
  "  host      INTEGER NOT NULL CHECK (host BETWEEN 0 AND 1048575),\n"
  "  id        INTEGER NOT NULL CHECK (id BETWEEN 1 AND 268435455),\n"
  "  name      TEXT,\n"
  "  kind      TEXT,\n"
  "  calls     INTEGER NOT NULL CHECK (calls >= 0),\n"
  "  busy_ns   INTEGER NOT NULL CHECK (busy_ns >= 0),\n"
  "  items_in  INTEGER NOT NULL CHECK (items_in >= 0),\n"
  "  items_out INTEGER NOT NULL CHECK (items_out >= 0),\n"
  "  PRIMARY KEY (run, host, id)\n"
  ") STRICT, WITHOUT ROWID;\n";

static const char *const steps_current[] = {
  schema_v1,
};

const pb_store_schema pb_store_schema_current = {
  steps_current,
  sizeof steps_current / sizeof steps_current[0],
};

_Static_assert (sizeof steps_current / sizeof steps_current[0]
                == PB_STORE_SCHEMA_VERSION,
                "one migration step per schema version");

int
pb_store_schema_migrate (sqlite3               *db,
                         const pb_store_schema *schema,
                         uint32_t               from,
                         const char            *path,
                         pb_error              *err)
{
  char sql[96];
  char *message = NULL;
  uint32_t v;
  int rc;

  if (from > schema->version)
    return pb_error_set (err, PB_EFORMAT,
                         "%s: schema version %u is newer than this version of "
                         "Pushback reads (%u)", path, from, schema->version);

  for (v = from; v < schema->version; v++)
    {
      rc = sqlite3_exec (db, schema->steps[v], NULL, NULL, &message);
      if (rc != SQLITE_OK)
        {
          rc = pb_error_set (err, pb_store_code (rc),
                             "%s: cannot migrate from schema version %u to %u: %s",
                             path, v, v + 1,
                             message != NULL ? message : sqlite3_errstr (rc));
          sqlite3_free (message);
          return rc;
        }
    }

  /* Pragmas take no parameters; the numbers are ours. Both are written in
   * the header of page 1, within the caller's transaction. */
  if (from == 0)
    snprintf (sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %u;",
              PB_STORE_APPLICATION_ID, schema->version);
  else
    snprintf (sql, sizeof sql, "PRAGMA user_version = %u;", schema->version);
  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return pb_error_set (err, pb_store_code (rc), "%s: cannot record the schema version: %s",
                         path, sqlite3_errmsg (db));
  return PB_OK;
}
