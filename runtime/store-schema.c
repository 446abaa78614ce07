/* store-schema.c — the tables of a document and their migrations
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <string.h>

#include "i18n.h"
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

/* Version 2: a process may be bypassed (pb_graph_set_bypass()). */
static const char schema_v2[] =
  "ALTER TABLE processes ADD COLUMN\n"
  "  bypassed INTEGER NOT NULL DEFAULT 0 CHECK (bypassed IN (0, 1));\n";

/* Version 3: frames around processes (pb_store_frame). A process lies in
 * one frame at most, so it is the key of frame_members; a frame holds at
 * least one process, which the loader checks. The colours are the accent
 * colours of GNOME, by name, so the editor can draw each to suit light
 * and dark styles. */
static const char schema_v3[] =
  "CREATE TABLE frames (\n"
  "  id        INTEGER PRIMARY KEY,\n"
  "  title     TEXT NOT NULL CHECK (title <> ''),\n"
  "  color     TEXT NOT NULL\n"
  "            CHECK (color = 'blue' OR color = 'teal' OR color = 'green'\n"
  "                   OR color = 'yellow' OR color = 'orange' OR color = 'red'\n"
  "                   OR color = 'pink' OR color = 'purple' OR color = 'slate'),\n"
  "  note      TEXT NOT NULL DEFAULT '',\n"
  "  collapsed INTEGER NOT NULL DEFAULT 0 CHECK (collapsed IN (0, 1))\n"
  ") STRICT;\n"
  "CREATE TABLE frame_members (\n"
  "  host  INTEGER NOT NULL,\n"
  "  id    INTEGER NOT NULL,\n"
  "  frame INTEGER NOT NULL REFERENCES frames (id) ON DELETE CASCADE,\n"
  "  PRIMARY KEY (host, id),\n"
  "  FOREIGN KEY (host, id) REFERENCES processes (host, id) ON DELETE CASCADE\n"
  ") STRICT, WITHOUT ROWID;\n";

static const char *const steps_current[] = {
  schema_v1,
  schema_v2,
  schema_v3,
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
                         _("%s: schema version %u is newer than this version of "
                           "Pushback reads (%u)"), path, from, schema->version);

  for (v = from; v < schema->version; v++)
    {
      rc = sqlite3_exec (db, schema->steps[v], NULL, NULL, &message);
      if (rc != SQLITE_OK)
        {
          rc = pb_error_set (err, pb_store_code (rc),
                             _("%s: cannot migrate from schema version %u to %u: %s"),
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
    return pb_error_set (err, pb_store_code (rc), _("%s: cannot record the schema version: %s"),
                         path, sqlite3_errmsg (db));
  return PB_OK;
}

/*
 * Comparing a document's schema with ours. Each object of a schema is
 * described as lines of text, one per fact SQLite reports about it
 * (a column with its type, constraint and default; a foreign key with its
 * actions; an index with its columns; the table's options), then by the
 * SQL it was created with, which holds the rest (CHECK constraints,
 * DEFERRABLE). The first line that one side has and the other lacks
 * names the problem.
 */

/* The objects of a schema, but for the indexes SQLite derives from a
 * table's keys (they have no SQL of their own), which the index facts of
 * their table cover. */
static const char objects_sql[] =
  "SELECT type, name, tbl_name FROM sqlite_schema "
  "WHERE NOT (type = 'index' AND sql IS NULL) ORDER BY name";

static const char facts_sql[] =
  "SELECT 'column ' || quote (name) || ' ' || iif (type = '', 'without a type', type)"
  "       || iif (\"notnull\", ' NOT NULL', '')"
  "       || iif (dflt_value IS NULL, '', ' DEFAULT ' || dflt_value)"
  "       || iif (pk > 0, ' (primary key column ' || pk || ')', '')"
  "       || iif (hidden > 0, ' (hidden)', '')"
  "  FROM pragma_table_xinfo (?1) "
  "UNION ALL "
  "SELECT 'foreign key (' || group_concat (\"from\", ', ') || ') referencing '"
  "       || quote (\"table\") || ' (' || group_concat (coalesce (\"to\", 'its key'), ', ')"
  "       || ') ON UPDATE ' || on_update || ' ON DELETE ' || on_delete"
  "  FROM (SELECT * FROM pragma_foreign_key_list (?1) ORDER BY id, seq) GROUP BY id "
  "UNION ALL "
  "SELECT iif (il.\"unique\", 'unique ', '') || 'index ' || quote (il.name) || ' on ('"
  "       || (SELECT group_concat (coalesce (ii.name, 'an expression'), ', ')"
  "             FROM pragma_index_info (il.name) AS ii)"
  "       || ')' || iif (il.partial, ' with a WHERE clause', '')"
  "  FROM pragma_index_list (?1) AS il "
  "UNION ALL "
  "SELECT 'options' || iif (strict, ' STRICT', '') || iif (wr, ' WITHOUT ROWID', '')"
  "  FROM pragma_table_list (?1) WHERE schema = 'main' "
  "UNION ALL "
  "SELECT 'definition ' || coalesce (sql, '') FROM sqlite_schema WHERE name = ?1 "
  "  OR (type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL)";

/* The lines of @query on @db, with ?1 bound to @name, as one string each
 * in @lines (sqlite3_malloc'd), in order. */
static int
collect_lines (sqlite3      *db,
               const char   *query,
               const char   *name,
               char       ***lines,
               size_t       *n_lines)
{
  sqlite3_stmt *st = NULL;
  char **list = NULL, **grown;
  size_t n = 0;
  int rc = sqlite3_prepare_v2 (db, query, -1, &st, NULL);

  if (rc == SQLITE_OK && name != NULL)
    rc = sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
  while (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (st, 0);
      int i, n_columns = sqlite3_column_count (st);
      char *line = sqlite3_mprintf ("%s", text != NULL ? text : "");

      /* The objects query gives three columns: keep them apart with a
       * character that no name of ours holds. */
      for (i = 1; line != NULL && i < n_columns; i++)
        {
          const char *more = (const char *) sqlite3_column_text (st, i);
          char *joined = sqlite3_mprintf ("%s\x1f%s", line, more != NULL ? more : "");

          sqlite3_free (line);
          line = joined;
        }
      grown = sqlite3_realloc64 (list, (n + 1) * sizeof *list);
      if (line == NULL || grown == NULL)
        {
          sqlite3_free (line);
          rc = SQLITE_NOMEM;
          if (grown != NULL)
            list = grown;
          break;
        }
      list = grown;
      list[n++] = line;
      rc = SQLITE_OK;
    }
  if (rc == SQLITE_DONE)
    rc = SQLITE_OK;
  sqlite3_finalize (st);
  if (rc != SQLITE_OK)
    {
      while (n > 0)
        sqlite3_free (list[--n]);
      sqlite3_free (list);
      return rc;
    }
  *lines = list;
  *n_lines = n;
  return SQLITE_OK;
}

static void
free_lines (char   **lines,
            size_t   n_lines)
{
  size_t i;

  for (i = 0; i < n_lines; i++)
    sqlite3_free (lines[i]);
  sqlite3_free (lines);
}

/* The first of @lines that @others lacks, or NULL. */
static const char *
first_missing (char *const *lines,
               size_t       n_lines,
               char *const *others,
               size_t       n_others)
{
  size_t i, j;

  for (i = 0; i < n_lines; i++)
    {
      for (j = 0; j < n_others && strcmp (lines[i], others[j]) != 0; j++)
        ;
      if (j == n_others)
        return lines[i];
    }
  return NULL;
}

/* Splits an objects line into its type, name and table. */
static void
split_object (const char  *line,
              char        *type,
              char        *name,
              char        *table,
              size_t       size)
{
  const char *a = strchr (line, '\x1f');
  const char *b = a != NULL ? strchr (a + 1, '\x1f') : NULL;

  if (a == NULL || b == NULL)
    {
      snprintf (type, size, "object");
      snprintf (name, size, "%s", line);
      table[0] = '\0';
      return;
    }
  snprintf (type, size, "%.*s", (int) (a - line), line);
  snprintf (name, size, "%.*s", (int) (b - a - 1), a + 1);
  snprintf (table, size, "%s", b + 1);
}

/* Compares the facts of table @name in @db and @expected. */
static int
check_table (sqlite3    *db,
             sqlite3    *expected,
             const char *name,
             const char *path,
             pb_error   *err)
{
  char **have = NULL, **want = NULL;
  size_t n_have = 0, n_want = 0;
  const char *extra, *lacking;
  int rc = collect_lines (db, facts_sql, name, &have, &n_have);

  if (rc == SQLITE_OK)
    rc = collect_lines (expected, facts_sql, name, &want, &n_want);
  if (rc != SQLITE_OK)
    {
      free_lines (have, n_have);
      return pb_error_set (err, pb_store_code (rc), _("%s: cannot read the schema of '%s': %s"),
                           path, name, sqlite3_errstr (rc));
    }
  extra = first_missing (have, n_have, want, n_want);
  lacking = first_missing (want, n_want, have, n_have);
  if (extra != NULL && lacking != NULL
      && strncmp (extra, "definition ", 11) != 0 && strncmp (lacking, "definition ", 11) != 0)
    rc = pb_error_set (err, PB_EFORMAT, _("%s: the table '%s' is not a Pushback document's: "
                                          "it has %s where Pushback's has %s"),
                       path, name, extra, lacking);
  else if (extra != NULL && strncmp (extra, "definition ", 11) != 0)
    rc = pb_error_set (err, PB_EFORMAT, _("%s: the table '%s' is not a Pushback document's: "
                                          "it has %s, which Pushback's does not"), path, name, extra);
  else if (lacking != NULL && strncmp (lacking, "definition ", 11) != 0)
    rc = pb_error_set (err, PB_EFORMAT, _("%s: the table '%s' is not a Pushback document's: "
                                          "it lacks %s"), path, name, lacking);
  else if (extra != NULL || lacking != NULL)
    rc = pb_error_set (err, PB_EFORMAT, _("%s: the table '%s' is not a Pushback document's: "
                                          "its constraints differ"), path, name);
  else
    rc = PB_OK;
  free_lines (have, n_have);
  free_lines (want, n_want);
  return rc;
}

/* "a table", "an index"...: SQLite's type of a schema object, with its
 * article, as one phrase to translate; a type SQLite adds later keeps
 * its own name. */
static const char *
object_type_phrase (const char *type)
{
  if (strcmp (type, "table") == 0)
    return _("a table");
  if (strcmp (type, "index") == 0)
    return _("an index");
  if (strcmp (type, "view") == 0)
    return _("a view");
  if (strcmp (type, "trigger") == 0)
    return _("a trigger");
  return type;
}

int
pb_store_schema_check (sqlite3               *db,
                       const pb_store_schema *schema,
                       uint32_t               version,
                       const char            *path,
                       pb_error              *err)
{
  const pb_store_schema at_version = { schema->steps, version };
  sqlite3 *expected = NULL;
  char **have = NULL, **want = NULL;
  size_t n_have = 0, n_want = 0, i;
  const char *extra, *lacking;
  char type[128], name[128], table[128];
  int rc;

  /* The schema of @version, as our own steps built it. */
  rc = sqlite3_open_v2 (":memory:", &expected, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    {
      sqlite3_close (expected);
      return pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), path);
    }
  rc = pb_store_schema_migrate (expected, &at_version, 0, path, err);
  if (rc != PB_OK)
    goto out;

  rc = collect_lines (db, objects_sql, NULL, &have, &n_have);
  if (rc == SQLITE_OK)
    rc = collect_lines (expected, objects_sql, NULL, &want, &n_want);
  if (rc != SQLITE_OK)
    {
      rc = pb_error_set (err, pb_store_code (rc), _("%s: cannot read the schema: %s"), path,
                         sqlite3_errstr (rc));
      goto out;
    }

  /* A missing or replaced table first, then anything added. */
  lacking = first_missing (want, n_want, have, n_have);
  if (lacking != NULL)
    {
      split_object (lacking, type, name, table, sizeof type);
      for (i = 0; i < n_have; i++)
        {
          char t[128], n[128], tb[128];

          split_object (have[i], t, n, tb, sizeof t);
          if (strcmp (n, name) == 0)
            break;
        }
      /* Translators: here %s after "a" or "the" is SQLite's own word for
       * the kind of schema object (table, index, view, trigger). */
      if (i < n_have)
        rc = pb_error_set (err, PB_EFORMAT, _("%s: '%s' is not a %s"), path, name, type);
      else
        rc = pb_error_set (err, PB_EFORMAT, _("%s: the %s '%s' is missing"), path, type, name);
      goto out;
    }
  extra = first_missing (have, n_have, want, n_want);
  if (extra != NULL)
    {
      const char *what;

      split_object (extra, type, name, table, sizeof type);
      what = object_type_phrase (type);
      /* Translators: the second %s is "a table", "an index", "a view" or
       * "a trigger", as translated on their own; the third a name. */
      if (strcmp (type, "table") == 0 || strcmp (name, table) == 0)
        rc = pb_error_set (err, PB_EFORMAT, _("%s: it has %s '%s' that Pushback documents "
                                              "do not have"), path, what, name);
      else
        rc = pb_error_set (err, PB_EFORMAT, _("%s: it has %s '%s' on the table '%s' that "
                                              "Pushback documents do not have"),
                           path, what, name, table);
      goto out;
    }

  rc = PB_OK;
  for (i = 0; rc == PB_OK && i < n_want; i++)
    {
      split_object (want[i], type, name, table, sizeof type);
      if (strcmp (type, "table") == 0)
        rc = check_table (db, expected, name, path, err);
    }

out:
  free_lines (have, n_have);
  free_lines (want, n_want);
  sqlite3_close (expected);
  return rc;
}
