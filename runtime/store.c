/* store.c — topologies as SQLite documents
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <pushback/kinds.h>
#include <pushback/store.h>
#include <pushback/version.h>

#include "quote.h"
#include "store-schema.h"

/* How long a store waits for another connection's lock. */
#define BUSY_TIMEOUT_MS 5000

/* The longest string or row SQLite will read or write for us: well above
 * any parameter a person writes, and low enough that a hostile file cannot
 * make us allocate gigabytes. */
#define MAX_LENGTH (64 * 1024 * 1024)

/* Room for "process 1048575:268435455 (NAME)" with NAME cut short. */
#define LABEL_MAX 96

/* Strings copied for the results of one function, freed together. */
typedef struct
{
  char   **items;
  size_t   n;
  size_t   capacity;
} string_list;

/*
 * What a listing function hands out: an array of records and the strings
 * they point to. The store keeps the last listing of each sort, so that
 * what it returned stays valid until the same function is called again.
 */
typedef struct
{
  void        *items;
  size_t       n;
  size_t       capacity;
  string_list  strings;
} listing;

struct pb_store
{
  char                  *path;
  pb_store_mode          mode;
  const pb_store_schema *schema;
  sqlite3               *db;           /* the file */
  sqlite3               *migrated;     /* a migrated copy in memory, while
                                        * the file's schema is older */
  uint32_t               file_version;
  bool                   wal;          /* switched to WAL by our first write */

  /* What pb_store_load() returned. */
  pb_store_layout       *layout;
  char                  *title;
  /* What pb_store_get_info() returned. */
  char                  *info_title;
  char                  *info_app_version;
  /* What pb_store_list_runs() and pb_store_run_counters() returned. */
  listing                runs;
  listing                counters;
};

/* The tables the loader reads, in the current schema. */
static const char *const read_tables[] = {
  "document", "processes", "params", "links", "runs", "run_counters",
};

/* Names of pb_param_type values in the params table. */
static const char *const param_type_names[] = {
  [PB_PARAM_INT] = "int",
  [PB_PARAM_FLOAT] = "float",
  [PB_PARAM_STRING] = "string",
  [PB_PARAM_CHOICE] = "choice",
  [PB_PARAM_EXPR] = "expr",
  [PB_PARAM_CODE] = "code",
};

static int64_t
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Addresses are unsigned; SQLite integers are signed: the same 64 bits. */
static int64_t
addr_to_sql (pb_addr a)
{
  return (int64_t) a;
}

static pb_addr
addr_from_sql (int64_t v)
{
  return (pb_addr) v;
}


static bool
text_valid (const char *s)
{
  return s == NULL || pb_utf8_valid (s, strlen (s));
}


/* "process 0:5" or "process 0:5 (name)", for messages. */
static const char *
process_label (pb_addr     process,
               const char *name,
               char        buf[LABEL_MAX])
{
  char q[PB_QUOTE_MAX];

  if (name != NULL)
    snprintf (buf, LABEL_MAX, "process %u:%u (%s)", pb_addr_host (process),
              pb_addr_process (process), pb_quote (name, q));
  else
    snprintf (buf, LABEL_MAX, "process %u:%u", pb_addr_host (process),
              pb_addr_process (process));
  return buf;
}

static void
string_list_clear (string_list *l)
{
  size_t i;

  for (i = 0; i < l->n; i++)
    free (l->items[i]);
  free (l->items);
  l->items = NULL;
  l->n = 0;
  l->capacity = 0;
}

/* Returns: a copy of @s (NULL for NULL) that @l owns; false if memory ran
 * out. */
static bool
string_list_add (string_list  *l,
                 const char   *s,
                 const char  **copy)
{
  char *c;

  *copy = NULL;
  if (s == NULL)
    return true;
  if (l->n == l->capacity)
    {
      size_t capacity = l->capacity != 0 ? l->capacity * 2 : 16;
      char **items = realloc (l->items, capacity * sizeof *items);

      if (items == NULL)
        return false;
      l->items = items;
      l->capacity = capacity;
    }
  c = strdup (s);
  if (c == NULL)
    return false;
  l->items[l->n++] = c;
  *copy = c;
  return true;
}

static void
listing_clear (listing *l)
{
  free (l->items);
  string_list_clear (&l->strings);
  memset (l, 0, sizeof *l);
}

/* Appends a copy of @item, of @size bytes. Returns: false if memory ran
 * out, leaving @l as it was. */
static bool
listing_add (listing    *l,
             const void *item,
             size_t      size)
{
  if (l->n == l->capacity)
    {
      size_t capacity = l->capacity != 0 ? l->capacity * 2 : 16;
      void *items = realloc (l->items, capacity * size);

      if (items == NULL)
        return false;
      l->items = items;
      l->capacity = capacity;
    }
  memcpy ((char *) l->items + l->n * size, item, size);
  l->n++;
  return true;
}

/* Makes @fresh the listing the store keeps in @kept, in place of the last
 * one; @fresh is left empty. */
static void
listing_keep (listing *kept,
              listing *fresh)
{
  listing_clear (kept);
  *kept = *fresh;
  memset (fresh, 0, sizeof *fresh);
}

/* The connection that reads: the migrated copy while there is one. */
static sqlite3 *
reader (const pb_store *s)
{
  return s->migrated != NULL ? s->migrated : s->db;
}

/* Fills @err for a failed SQLite call on @db, and returns its pb_result. */
static int
sql_error (const pb_store *s,
           sqlite3        *db,
           int             rc,
           const char     *doing,
           pb_error       *err)
{
  const char *message = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  if ((rc & 0xff) == SQLITE_CORRUPT)
    return pb_error_set (err, PB_EFORMAT, "%s is corrupt: %s", s->path, message);
  return pb_error_set (err, pb_store_code (rc), "%s: cannot %s: %s", s->path, doing,
                       message);
}

static int
exec (const pb_store *s,
      sqlite3        *db,
      const char     *sql,
      const char     *doing,
      pb_error       *err)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return sql_error (s, db, rc, doing, err);
  return PB_OK;
}

static int
prepare (const pb_store  *s,
         sqlite3         *db,
         const char      *sql,
         sqlite3_stmt   **st,
         pb_error        *err)
{
  int rc = sqlite3_prepare_v2 (db, sql, -1, st, NULL);

  if (rc != SQLITE_OK)
    return sql_error (s, db, rc, "query the document", err);
  return PB_OK;
}

/* Steps @st. Returns: SQLITE_ROW, SQLITE_DONE, or a (negative) pb_result
 * for a failure, reported in @err. */
static int
step (const pb_store *s,
      sqlite3_stmt   *st,
      const char     *doing,
      pb_error       *err)
{
  int rc = sqlite3_step (st);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;
  return sql_error (s, sqlite3_db_handle (st), rc, doing, err);
}

/* Runs @st, which returns no rows, and resets it for the next row. */
static int
run (const pb_store *s,
     sqlite3_stmt   *st,
     pb_error       *err)
{
  int rc = step (s, st, "write the document", err);

  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  return rc < 0 ? rc : PB_OK;
}

/*
 * Column readers for rows from a file that may come from anywhere: each
 * checks the storage type, so that a text where a number belongs is an
 * error rather than a 0.
 */
static bool
column_int (sqlite3_stmt *st,
            int           col,
            int64_t       min,
            int64_t       max,
            int64_t      *out)
{
  if (sqlite3_column_type (st, col) != SQLITE_INTEGER)
    return false;
  *out = sqlite3_column_int64 (st, col);
  return *out >= min && *out <= max;
}

static bool
column_address (sqlite3_stmt *st,
                int           col,
                pb_addr      *out)
{
  if (sqlite3_column_type (st, col) != SQLITE_INTEGER)
    return false;
  *out = addr_from_sql (sqlite3_column_int64 (st, col));
  return true;
}

/* REAL columns may hold whole numbers as integers. */
static bool
column_real (sqlite3_stmt *st,
             int           col,
             double       *out)
{
  int type = sqlite3_column_type (st, col);

  if (type != SQLITE_FLOAT && type != SQLITE_INTEGER)
    return false;
  *out = sqlite3_column_double (st, col);
  return isfinite (*out);
}

/* Text with no NUL inside and valid UTF-8; NULL for SQL NULL when
 * @nullable. */
static bool
column_text (sqlite3_stmt  *st,
             int            col,
             bool           nullable,
             const char   **out)
{
  int type = sqlite3_column_type (st, col);
  const char *text;
  size_t n;

  *out = NULL;
  if (type == SQLITE_NULL)
    return nullable;
  if (type != SQLITE_TEXT)
    return false;
  text = (const char *) sqlite3_column_text (st, col);
  n = (size_t) sqlite3_column_bytes (st, col);
  if (text == NULL || strlen (text) != n || !pb_utf8_valid (text, n))
    return false;
  *out = text;
  return true;
}

/* Column @col of a row already found invalid, as text for a message;
 * "NULL" for SQL NULL. */
static const char *
column_quote (sqlite3_stmt *st,
              int           col,
              char          buf[PB_QUOTE_MAX])
{
  const char *text = (const char *) sqlite3_column_text (st, col);

  return pb_quote (text != NULL ? text : "NULL", buf);
}

static int
bad_row (const pb_store *s,
         pb_error       *err,
         const char     *format,
         ...) __attribute__ ((format (printf, 3, 4)));

/* Reports an invalid document: "PATH: what is wrong". */
static int
bad_row (const pb_store *s,
         pb_error       *err,
         const char     *format,
         ...)
{
  char what[PB_ERROR_MESSAGE_MAX];
  va_list args;

  va_start (args, format);
  vsnprintf (what, sizeof what, format, args);
  va_end (args);
  return pb_error_set (err, PB_EFORMAT, "%s: %s", s->path, what);
}

/*
 * Settings of every connection. The file may be hostile: views, triggers
 * and functions it defines must not run, and no value may be huge. (Not
 * SQLITE_DBCONFIG_DEFENSIVE: it guards against hostile SQL, and we run
 * only our own; it would also forbid the journal_mode=OFF that
 * begin_write() needs.)
 */
static int
configure (const pb_store *s,
           sqlite3        *db,
           pb_error       *err)
{
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  sqlite3_limit (db, SQLITE_LIMIT_LENGTH, MAX_LENGTH);
  sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
  /* Checks each b-tree cell as it is read, so that a damaged page is an
   * error rather than a wrong answer. */
  return exec (s, db, "PRAGMA cell_size_check = ON; PRAGMA foreign_keys = ON;",
               "configure the connection", err);
}

static int
open_connection (const pb_store  *s,
                 int              flags,
                 sqlite3        **out,
                 pb_error        *err)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (s->path, &db, flags, NULL);

  if (rc != SQLITE_OK)
    {
      rc = db == NULL ? pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path)
                      : sql_error (s, db, rc, "open it", err);
      sqlite3_close (db);
      return rc;
    }
  rc = configure (s, db, err);
  if (rc != PB_OK)
    {
      sqlite3_close (db);
      return rc;
    }
  *out = db;
  return PB_OK;
}

/* Reads one integer from a pragma or a query with no parameters. */
static int
query_int (const pb_store *s,
           sqlite3        *db,
           const char     *sql,
           int64_t        *out,
           pb_error       *err)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &st, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      *out = sqlite3_column_int64 (st, 0);
      rc = SQLITE_OK;
    }
  else if (rc == SQLITE_DONE)
    rc = SQLITE_ERROR;
  if ((rc & 0xff) == SQLITE_NOTADB)
    rc = pb_error_set (err, PB_EFORMAT, "%s is not an SQLite database, so not a "
                       "Pushback document", s->path);
  else if (rc == SQLITE_READONLY_ROLLBACK)
    rc = pb_error_set (err, PB_EIO, "%s holds a transaction that a crashed program left "
                       "unfinished (a hot journal); sqlite3 can roll it back", s->path);
  else if (rc != SQLITE_OK)
    rc = sql_error (s, db, rc, "read the document", err);
  sqlite3_finalize (st);
  return rc;
}

typedef enum
{
  DOCUMENT_VALID,
  DOCUMENT_EMPTY, /* a 0-byte file, or a database with nothing in it */
} document_state;

/*
 * Checks what the file is before anything reads its tables: an SQLite
 * database, ours, of a version we read, and intact. An empty file or an
 * empty database is reported as DOCUMENT_EMPTY with PB_EFORMAT, for a
 * writer to take as a new document.
 */
static int
check_document (pb_store       *s,
                sqlite3        *db,
                off_t           size,
                document_state *state,
                pb_error       *err)
{
  int64_t app_id = 0, version = 0, n_objects = 0;
  sqlite3_stmt *st = NULL;
  const char *result;
  int rc;

  *state = DOCUMENT_VALID;
  if ((rc = query_int (s, db, "PRAGMA application_id", &app_id, err)) != PB_OK
      || (rc = query_int (s, db, "PRAGMA user_version", &version, err)) != PB_OK
      || (rc = query_int (s, db, "SELECT count(*) FROM sqlite_schema", &n_objects, err)) != PB_OK)
    return rc;

  if (app_id == 0 && version == 0 && n_objects == 0)
    {
      *state = DOCUMENT_EMPTY;
      if (size == 0)
        return pb_error_set (err, PB_EFORMAT, "%s is an empty file (0 bytes), not a "
                             "Pushback document", s->path);
      return pb_error_set (err, PB_EFORMAT, "%s is an empty SQLite database, not a "
                           "Pushback document", s->path);
    }
  if (app_id != PB_STORE_APPLICATION_ID)
    {
      if (app_id == 0)
        return pb_error_set (err, PB_EFORMAT, "%s is an SQLite database without "
                             "Pushback's application id: another application's data, "
                             "not a Pushback document", s->path);
      return pb_error_set (err, PB_EFORMAT, "%s is another application's SQLite "
                           "database (application id 0x%08x), not a Pushback document",
                           s->path, (unsigned) app_id);
    }
  if (version <= 0)
    return pb_error_set (err, PB_EFORMAT, "%s is damaged: it has no schema version",
                         s->path);
  if (version > s->schema->version)
    return pb_error_set (err, PB_EFORMAT, "%s was written by a newer version of "
                         "Pushback (schema version %lld; this one reads up to %u)",
                         s->path, (long long) version, s->schema->version);

  /*
   * quick_check reads every page and checks the b-trees, in time linear in
   * the size of the file; enough for reading, as the loader checks
   * uniqueness itself. A writer runs the full integrity_check, four times
   * slower, which also matches every index against its table: a save
   * writes through the indexes, and must not spread damage.
   */
  rc = prepare (s, db, s->mode == PB_STORE_WRITE ? "PRAGMA integrity_check(1)"
                                                 : "PRAGMA quick_check(1)", &st, err);
  if (rc != PB_OK)
    return rc;
  rc = step (s, st, "check the document", err);
  if (rc == SQLITE_ROW)
    {
      result = (const char *) sqlite3_column_text (st, 0);
      if (result == NULL || strcmp (result, "ok") != 0)
        {
          static const char prefix[] = "*** in database main ***\n";
          char first[160];
          size_t i;

          /* The first finding, on one line, without SQLite's heading. */
          if (result == NULL)
            result = "no answer from the check";
          else if (strncmp (result, prefix, sizeof prefix - 1) == 0)
            result += sizeof prefix - 1;
          for (i = 0; i < sizeof first - 1 && result[i] != '\0' && result[i] != '\n'; i++)
            first[i] = (unsigned char) result[i] < 0x20 ? ' ' : result[i];
          first[i] = '\0';
          rc = pb_error_set (err, PB_EFORMAT, "%s is corrupt: %s", s->path, first);
        }
      else
        rc = PB_OK;
    }
  else if (rc == SQLITE_DONE)
    rc = pb_error_set (err, PB_EFORMAT, "%s is corrupt", s->path);
  sqlite3_finalize (st);
  if (rc != PB_OK)
    return rc;

  s->file_version = (uint32_t) version;
  return PB_OK;
}

/* Makes a copy of the file in memory, migrated to the current schema, for
 * reading a document of an older version without writing to it. */
static int
migrate_in_memory (pb_store *s,
                   pb_error *err)
{
  sqlite3 *mem = NULL;
  sqlite3_backup *backup;
  int rc = sqlite3_open_v2 (":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);

  if (rc != SQLITE_OK)
    {
      sqlite3_close (mem);
      return pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);
    }
  rc = configure (s, mem, err);
  if (rc == PB_OK)
    {
      backup = sqlite3_backup_init (mem, "main", s->db, "main");
      if (backup == NULL)
        rc = sql_error (s, mem, sqlite3_errcode (mem), "copy the document", err);
      else
        {
          sqlite3_backup_step (backup, -1);
          if (sqlite3_backup_finish (backup) != SQLITE_OK)
            rc = sql_error (s, mem, sqlite3_errcode (mem), "copy the document", err);
        }
    }
  if (rc == PB_OK)
    rc = exec (s, mem, "BEGIN", "migrate the document", err);
  if (rc == PB_OK)
    {
      rc = pb_store_schema_migrate (mem, s->schema, s->file_version, s->path, err);
      if (rc == PB_OK)
        rc = exec (s, mem, "COMMIT", "migrate the document", err);
    }
  if (rc != PB_OK)
    {
      sqlite3_close (mem);
      return rc;
    }
  s->migrated = mem;
  return PB_OK;
}

/*
 * Views are switched off on every connection, so a view or anything else
 * in the place of a table would fail later with a less clear message; say
 * here which table is missing.
 */
static int
check_tables (pb_store *s,
              pb_error *err)
{
  sqlite3 *db = reader (s);
  sqlite3_stmt *st = NULL;
  size_t i;
  int rc = prepare (s, db, "SELECT type FROM sqlite_schema WHERE name = ?", &st, err);

  for (i = 0; rc == PB_OK && i < sizeof read_tables / sizeof read_tables[0]; i++)
    {
      sqlite3_reset (st);
      sqlite3_bind_text (st, 1, read_tables[i], -1, SQLITE_STATIC);
      rc = step (s, st, "read the document", err);
      if (rc == SQLITE_DONE)
        rc = bad_row (s, err, "the table '%s' is missing", read_tables[i]);
      else if (rc == SQLITE_ROW)
        {
          const char *type = (const char *) sqlite3_column_text (st, 0);

          rc = type != NULL && strcmp (type, "table") == 0
               ? PB_OK
               : bad_row (s, err, "'%s' is not a table", read_tables[i]);
        }
    }
  sqlite3_finalize (st);
  return rc;
}

/* Opens a document that exists, read-only, and checks it. */
static int
open_existing (pb_store       *s,
               off_t           size,
               document_state *state,
               pb_error       *err)
{
  int rc = open_connection (s, SQLITE_OPEN_READONLY, &s->db, err);

  if (rc == PB_OK)
    rc = check_document (s, s->db, size, state, err);
  if (rc == PB_OK && s->file_version < s->schema->version)
    rc = migrate_in_memory (s, err);
  if (rc == PB_OK)
    rc = check_tables (s, err);
  return rc;
}

/* Runs a journal_mode pragma on the file; *@wal says whether the mode it
 * reports is WAL. */
static int
journal_mode (const pb_store *s,
              const char     *sql,
              bool           *wal,
              pb_error       *err)
{
  sqlite3_stmt *st = NULL;
  const char *mode;
  int rc = prepare (s, s->db, sql, &st, err);

  *wal = false;
  if (rc == PB_OK)
    {
      rc = step (s, st, "set the journal mode", err);
      if (rc == SQLITE_ROW)
        {
          mode = (const char *) sqlite3_column_text (st, 0);
          *wal = mode != NULL && strcmp (mode, "wal") == 0;
        }
      rc = rc < 0 ? rc : PB_OK;
    }
  sqlite3_finalize (st);
  return rc;
}

/*
 * Starts a write transaction on the file, in WAL mode. The switch between
 * journal modes writes the header of page 1, and SQLite journals that
 * write when it switches from or to a rollback journal: a crash during the
 * switch would leave a hot journal, which a read-only loader cannot roll
 * back. Going through journal_mode=OFF makes the switch one unjournaled
 * write of page 1, whose old and new contents differ only in a few header
 * bytes, each of whose values is valid, so no crash can damage it.
 */
static int
begin_write (pb_store *s,
             pb_error *err)
{
  int rc;

  if (s->mode != PB_STORE_WRITE)
    return pb_error_set (err, PB_EINVAL, "%s is open read-only", s->path);

  if (!s->wal)
    {
      /* A crash may have left the file in WAL mode already. */
      rc = journal_mode (s, "PRAGMA journal_mode", &s->wal, err);
      if (rc == PB_OK && !s->wal)
        {
          rc = exec (s, s->db, "PRAGMA journal_mode = OFF", "switch to WAL", err);
          if (rc == PB_OK)
            rc = journal_mode (s, "PRAGMA journal_mode = WAL", &s->wal, err);
          /* Where WAL is not to be had (some network file systems), a
           * rollback journal is atomic too; but never write without one. */
          if (!s->wal
              && sqlite3_exec (s->db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK
              && rc == PB_OK)
            rc = sql_error (s, s->db, sqlite3_errcode (s->db), "restore the journal", err);
        }
      if (rc != PB_OK)
        return rc;
    }

  rc = exec (s, s->db, "BEGIN IMMEDIATE", "start writing", err);
  if (rc != PB_OK)
    return rc;
  if (s->file_version < s->schema->version)
    {
      rc = pb_store_schema_migrate (s->db, s->schema, s->file_version, s->path, err);
      if (rc != PB_OK)
        {
          sqlite3_exec (s->db, "ROLLBACK", NULL, NULL, NULL);
          return rc;
        }
    }
  return PB_OK;
}

/* Commits what begin_write() started, or rolls it back when @rc is not
 * PB_OK; returns the first failure. */
static int
end_write (pb_store *s,
           int       rc,
           pb_error *err)
{
  if (rc == PB_OK)
    {
      rc = exec (s, s->db, "COMMIT", "commit", err);
      if (rc == PB_OK)
        {
          /* The file has the current schema now; read it directly. */
          s->file_version = s->schema->version;
          sqlite3_close (s->migrated);
          s->migrated = NULL;
          return PB_OK;
        }
    }
  sqlite3_exec (s->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

/*
 * Opens the connection that writes. synchronous=FULL makes WAL mode sync
 * the log at every commit, so a save that returned survives a power cut;
 * NORMAL would be atomic still, but could lose the last saves, and what a
 * person saved must not be lost. The fsync costs a few milliseconds a
 * save.
 */
static int
open_writer (pb_store *s,
             int       flags,
             pb_error *err)
{
  int rc = open_connection (s, SQLITE_OPEN_READWRITE | flags, &s->db, err);

  if (rc == PB_OK)
    rc = exec (s, s->db, "PRAGMA synchronous = FULL", "configure the connection", err);
  return rc;
}

/* Creates a new document in an empty or missing file. */
static int
create_document (pb_store *s,
                 pb_error *err)
{
  sqlite3_stmt *st = NULL;
  int rc = open_writer (s, SQLITE_OPEN_CREATE, err);
  int64_t now = now_us ();

  if (rc != PB_OK)
    return rc;
  s->file_version = 0;
  rc = begin_write (s, err);
  if (rc != PB_OK)
    return rc;
  rc = prepare (s, s->db, "UPDATE document SET created_us = ?1, modified_us = ?1, "
                "app_version = ?2", &st, err);
  if (rc == PB_OK)
    {
      sqlite3_bind_int64 (st, 1, now);
      sqlite3_bind_text (st, 2, PB_VERSION, -1, SQLITE_STATIC);
      rc = run (s, st, err);
    }
  sqlite3_finalize (st);
  return end_write (s, rc, err);
}

int
pb_store_open_with_schema (const char             *path,
                           pb_store_mode           mode,
                           const pb_store_schema  *schema,
                           pb_store              **store,
                           pb_error               *err)
{
  pb_store *s;
  struct stat st;
  document_state state = DOCUMENT_VALID;
  bool exists, missing;
  int rc;

  if (store != NULL)
    *store = NULL;
  if (path == NULL || store == NULL || schema == NULL
      || (mode != PB_STORE_READ && mode != PB_STORE_WRITE))
    return pb_error_set (err, PB_EINVAL, "pb_store_open: invalid argument");

  s = calloc (1, sizeof *s);
  if (s == NULL || (s->path = strdup (path)) == NULL)
    {
      free (s);
      return pb_error_set (err, PB_ENOMEM, "%s: out of memory", path);
    }
  s->mode = mode;
  s->schema = schema;

  exists = stat (path, &st) == 0;
  missing = !exists && errno == ENOENT;
  if (!exists && (!missing || mode == PB_STORE_READ))
    rc = pb_error_set (err, errno == ENOENT ? PB_ENOENT : PB_EIO, "%s: %s", path,
                       strerror (errno));
  else if (exists && S_ISDIR (st.st_mode))
    rc = pb_error_set (err, PB_EFORMAT, "%s is a directory, not a Pushback document", path);
  else if (exists && !S_ISREG (st.st_mode))
    rc = pb_error_set (err, PB_EFORMAT, "%s is not a regular file, so not a Pushback "
                       "document", path);
  else if (exists)
    rc = open_existing (s, st.st_size, &state, err);
  else
    rc = PB_OK;

  if (mode == PB_STORE_WRITE && (missing || state == DOCUMENT_EMPTY))
    {
      /* Nothing to lose: a missing file, or an empty one. */
      sqlite3_close (s->db);
      s->db = NULL;
      pb_error_clear (err);
      rc = create_document (s, err);
    }
  else if (mode == PB_STORE_WRITE && rc == PB_OK)
    {
      /* Checked read-only; now the connection that will write. */
      sqlite3_close (s->db);
      s->db = NULL;
      rc = open_writer (s, 0, err);
    }

  if (rc != PB_OK)
    {
      pb_store_close (s);
      return rc;
    }
  *store = s;
  return PB_OK;
}

int
pb_store_open (const char     *path,
               pb_store_mode   mode,
               pb_store      **store,
               pb_error       *err)
{
  return pb_store_open_with_schema (path, mode, &pb_store_schema_current, store, err);
}

void
pb_store_close (pb_store *s)
{
  if (s == NULL)
    return;

  /* Back to a rollback journal, so that the closed document is one file.
   * Another connection may still have it open: then the switch fails at
   * once, without waiting, and that connection's close will do it. */
  if (s->wal)
    {
      bool wal = true;

      sqlite3_busy_timeout (s->db, 0);
      if (journal_mode (s, "PRAGMA journal_mode = OFF", &wal, NULL) == PB_OK && !wal)
        sqlite3_exec (s->db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    }
  sqlite3_close (s->migrated);
  sqlite3_close (s->db);
  free (s->layout);
  free (s->title);
  free (s->info_title);
  free (s->info_app_version);
  listing_clear (&s->runs);
  listing_clear (&s->counters);
  free (s->path);
  free (s);
}

const char *
pb_store_path (const pb_store *s)
{
  return s->path;
}

int
pb_store_get_info (pb_store      *s,
                   pb_store_info *info,
                   pb_error      *err)
{
  sqlite3_stmt *st = NULL;
  const char *title = NULL, *version = NULL;
  int64_t created = 0, modified = 0;
  char *title_copy = NULL, *version_copy = NULL;
  int rc;

  if (s == NULL || info == NULL)
    return pb_error_set (err, PB_EINVAL, "pb_store_get_info: invalid argument");

  rc = prepare (s, reader (s), "SELECT title, created_us, modified_us, app_version "
                "FROM document WHERE id = 1", &st, err);
  if (rc == PB_OK)
    {
      rc = step (s, st, "read the metadata", err);
      if (rc == SQLITE_DONE)
        rc = bad_row (s, err, "the metadata row is missing");
      else if (rc == SQLITE_ROW)
        {
          if (!column_text (st, 0, false, &title))
            rc = bad_row (s, err, "the title is not text");
          else if (!column_int (st, 1, INT64_MIN, INT64_MAX, &created)
                   || !column_int (st, 2, INT64_MIN, INT64_MAX, &modified))
            rc = bad_row (s, err, "the dates are not integers");
          else if (!column_text (st, 3, false, &version))
            rc = bad_row (s, err, "the application version is not text");
          else if ((title_copy = strdup (title)) == NULL
                   || (version_copy = strdup (version)) == NULL)
            rc = pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);
          else
            rc = PB_OK;
        }
    }
  sqlite3_finalize (st);
  if (rc != PB_OK)
    {
      free (title_copy);
      free (version_copy);
      return rc;
    }

  free (s->info_title);
  free (s->info_app_version);
  s->info_title = title_copy;
  s->info_app_version = version_copy;
  info->title = title_copy;
  info->created_us = created;
  info->modified_us = modified;
  info->app_version = version_copy;
  info->schema_version = s->file_version;
  return PB_OK;
}

/*
 * Loading. Each step reads one table in the order of its key and checks
 * every row before it touches the graph; the graph's own refusals (a
 * process or a name twice, a port linked twice) are reported as problems
 * of the document too.
 */

static int
load_document (pb_store      *s,
               sqlite3       *db,
               char         **title,
               pb_store_view *view,
               pb_error      *err)
{
  sqlite3_stmt *st = NULL;
  const char *t;
  int64_t id = 0;
  int rc = prepare (s, db, "SELECT id, title, zoom, scroll_x, scroll_y FROM document", &st, err);

  if (rc != PB_OK)
    return rc;
  rc = step (s, st, "read the metadata", err);
  if (rc == SQLITE_DONE)
    rc = bad_row (s, err, "the metadata row is missing");
  else if (rc == SQLITE_ROW)
    {
      if (!column_int (st, 0, 1, 1, &id))
        rc = bad_row (s, err, "the metadata row is not row 1");
      else if (!column_text (st, 1, false, &t))
        rc = bad_row (s, err, "the title is not text");
      else if (!column_real (st, 2, &view->zoom) || view->zoom <= 0
               || !column_real (st, 3, &view->scroll_x)
               || !column_real (st, 4, &view->scroll_y))
        rc = bad_row (s, err, "the view is not a zoom greater than 0 and a finite scroll "
                      "position");
      else if ((*title = strdup (t)) == NULL)
        rc = pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);
      else if ((rc = step (s, st, "read the metadata", err)) == SQLITE_ROW)
        rc = bad_row (s, err, "there is more than one metadata row");
      else if (rc == SQLITE_DONE)
        rc = PB_OK;
    }
  sqlite3_finalize (st);
  return rc;
}

static int
load_processes (pb_store         *s,
                sqlite3          *db,
                pb_graph         *g,
                pb_store_layout **layout,
                pb_error         *err)
{
  sqlite3_stmt *st = NULL;
  pb_store_layout *lay = NULL;
  size_t n = 0, capacity = 0;
  int rc = prepare (s, db, "SELECT host, id, kind, name, x, y, width, height, collapsed "
                    "FROM processes ORDER BY host, id", &st, err);

  while (rc == PB_OK && (rc = step (s, st, "read the processes", err)) == SQLITE_ROW)
    {
      int64_t host, id, collapsed = 0;
      const char *kind, *name;
      pb_store_layout l = { 0 };
      char label[LABEL_MAX], q[PB_QUOTE_MAX];
      int grc;

      rc = PB_OK;
      if (!column_int (st, 0, 0, PB_HOST_MAX, &host)
          || !column_int (st, 1, 1, PB_PROCESS_MAX, &id))
        {
          char qh[PB_QUOTE_MAX], qi[PB_QUOTE_MAX];

          rc = bad_row (s, err, "a process has host %s and id %s: hosts are integers "
                        "from 0 to %u, ids from 1 to %u", column_quote (st, 0, qh),
                        column_quote (st, 1, qi), PB_HOST_MAX, PB_PROCESS_MAX);
          break;
        }
      l.process = pb_addr_make ((uint32_t) host, (uint32_t) id, 0);
      process_label (l.process, NULL, label);
      if (!column_text (st, 2, false, &kind))
        rc = bad_row (s, err, "%s has a kind that is not UTF-8 text", label);
      else if (pb_kind_find (kind) == NULL)
        rc = bad_row (s, err, "%s has an unknown kind '%s'", label, pb_quote (kind, q));
      else if (!column_text (st, 3, true, &name) || (name != NULL && name[0] == '\0'))
        rc = bad_row (s, err, "%s has a name that is empty or not UTF-8 text", label);
      else if (sqlite3_column_type (st, 4) == SQLITE_NULL
               && sqlite3_column_type (st, 5) == SQLITE_NULL)
        l.placed = false;
      else if (column_real (st, 4, &l.x) && column_real (st, 5, &l.y))
        l.placed = true;
      else
        rc = bad_row (s, err, "%s has a position that is not two finite numbers", label);
      if (rc != PB_OK)
        break;
      if (!column_real (st, 6, &l.width) || l.width < 0
          || !column_real (st, 7, &l.height) || l.height < 0)
        rc = bad_row (s, err, "%s has a size that is not two finite numbers, not "
                      "negative", label);
      else if (!column_int (st, 8, 0, 1, &collapsed))
        rc = bad_row (s, err, "%s has a collapsed flag that is not 0 or 1", label);
      if (rc != PB_OK)
        break;
      l.collapsed = collapsed != 0;

      grc = pb_graph_insert_process (g, l.process, kind);
      if (grc == PB_EEXIST)
        rc = bad_row (s, err, "%s appears twice", label);
      else if (grc == PB_OK && name != NULL
               && (grc = pb_graph_set_name (g, l.process, name)) == PB_EEXIST)
        rc = bad_row (s, err, "two processes are named '%s'", pb_quote (name, q));
      else if (grc == PB_EINVAL)
        rc = bad_row (s, err, "%s has a name that is not one line of text ('%s')", label,
                      pb_quote (name, q));
      else if (grc != PB_OK)
        rc = pb_error_set (err, grc, "%s: cannot load %s: %s", s->path, label,
                           pb_strerror (grc));
      if (rc != PB_OK)
        break;

      if (n == capacity)
        {
          size_t c = capacity != 0 ? capacity * 2 : 64;
          pb_store_layout *more = realloc (lay, c * sizeof *more);

          if (more == NULL)
            {
              rc = pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);
              break;
            }
          lay = more;
          capacity = c;
        }
      lay[n++] = l;
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  sqlite3_finalize (st);
  if (rc != PB_OK)
    {
      free (lay);
      return rc;
    }
  *layout = lay;
  return PB_OK;
}

static int
load_params (pb_store *s,
             sqlite3  *db,
             pb_graph *g,
             pb_error *err)
{
  sqlite3_stmt *st = NULL;
  pb_addr last = 0;
  const pb_kind *kind = NULL;
  char *last_key = NULL;
  int rc = prepare (s, db, "SELECT host, id, key, type, value FROM params "
                    "ORDER BY host, id, key", &st, err);

  while (rc == PB_OK && (rc = step (s, st, "read the parameters", err)) == SQLITE_ROW)
    {
      int64_t host, id;
      pb_addr process;
      const char *key, *type, *value;
      const pb_param_spec *spec;
      char label[LABEL_MAX], q[PB_QUOTE_MAX], q2[PB_QUOTE_MAX];
      pb_error perr;
      int grc;

      rc = PB_OK;
      if (!column_int (st, 0, 0, PB_HOST_MAX, &host)
          || !column_int (st, 1, 1, PB_PROCESS_MAX, &id))
        {
          char qh[PB_QUOTE_MAX], qi[PB_QUOTE_MAX];

          rc = bad_row (s, err, "a parameter belongs to host %s and id %s, which is no "
                        "process address", column_quote (st, 0, qh),
                        column_quote (st, 1, qi));
          break;
        }
      process = pb_addr_make ((uint32_t) host, (uint32_t) id, 0);
      process_label (process, pb_graph_process_name (g, process), label);
      if (!pb_graph_has_process (g, process))
        {
          rc = bad_row (s, err, "a parameter belongs to %s, which does not exist", label);
          break;
        }
      if (process != last)
        {
          free (last_key);
          last_key = NULL;
          last = process;
          kind = pb_kind_find (pb_graph_process_kind (g, process));
        }
      if (!column_text (st, 2, false, &key) || key[0] == '\0')
        rc = bad_row (s, err, "%s has a parameter whose key is not text", label);
      else if (last_key != NULL && strcmp (last_key, key) == 0)
        rc = bad_row (s, err, "%s has parameter '%s' twice", label, pb_quote (key, q));
      else if ((spec = pb_kind_find_param (kind, key)) == NULL)
        rc = bad_row (s, err, "%s: kind '%s' has no parameter '%s'", label,
                      pb_kind_name (kind), pb_quote (key, q));
      else if (!column_text (st, 3, false, &type))
        rc = bad_row (s, err, "%s: parameter '%s' has a type that is not text", label, key);
      else if (strcmp (type, param_type_names[spec->type]) != 0)
        rc = bad_row (s, err, "%s: parameter '%s' was saved as %s, but kind '%s' takes %s",
                      label, key, pb_quote (type, q2), pb_kind_name (kind),
                      param_type_names[spec->type]);
      else if (!column_text (st, 4, false, &value))
        rc = bad_row (s, err, "%s: parameter '%s' has a value that is not UTF-8 text",
                      label, key);
      else if (pb_kind_check_param (kind, key, value, &perr) != PB_OK)
        rc = bad_row (s, err, "%s: %s", label, perr.message);
      if (rc != PB_OK)
        break;

      grc = pb_graph_set_param (g, process, key, value);
      if (grc != PB_OK)
        {
          rc = pb_error_set (err, grc, "%s: cannot load %s: %s", s->path, label,
                             pb_strerror (grc));
          break;
        }
      free (last_key);
      if ((last_key = strdup (key)) == NULL)
        {
          rc = pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);
          break;
        }
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  free (last_key);
  sqlite3_finalize (st);
  return rc;
}

/* A row of the links table. */
typedef struct
{
  pb_addr  port;
  pb_addr  peer;
  uint32_t flags;
} link_row;

/* Orders rows by peer, then port: the order of the links they close. */
static int
compare_by_peer (const void *a,
                 const void *b)
{
  const link_row *x = a, *y = b;

  if (x->peer != y->peer)
    return x->peer < y->peer ? -1 : 1;
  return x->port < y->port ? -1 : x->port > y->port;
}

/* Checks that port @a exists on the kind of its process. */
static bool
port_exists (const pb_graph *g,
             pb_addr         a)
{
  const pb_kind *kind = pb_kind_find (pb_graph_process_kind (g, a));

  return kind != NULL && pb_kind_port_lookup (kind, pb_addr_port (a), NULL) != NULL;
}

/*
 * Each link has two rows, (a, b) and (b, a). The row with the lower
 * address makes the link in the graph, which refuses a port linked twice;
 * the other rows are kept, sorted by peer, and must then match the graph's
 * links (listed with a < b, by a) one for one, flags included.
 */
static int
load_links (pb_store *s,
            sqlite3  *db,
            pb_graph *g,
            pb_error *err)
{
  sqlite3_stmt *st = NULL;
  link_row *back = NULL;
  pb_connection *links = NULL;
  size_t n_back = 0, capacity = 0, n_links, i;
  char pa[PB_ADDR_STRLEN], pb[PB_ADDR_STRLEN];
  int rc = prepare (s, db, "SELECT port, peer, flags FROM links ORDER BY port", &st, err);

  while (rc == PB_OK && (rc = step (s, st, "read the links", err)) == SQLITE_ROW)
    {
      link_row r;
      int64_t flags = 0;
      const char *problem = NULL;
      int grc;

      rc = PB_OK;
      if (!column_address (st, 0, &r.port) || !column_address (st, 1, &r.peer))
        {
          rc = bad_row (s, err, "a link has an address that is not an integer");
          break;
        }
      /* Addresses are formatted only for a message: this loop runs twice
       * per link. */
      if (!column_int (st, 2, 0, UINT32_MAX, &flags))
        problem = "has flags that are not an integer from 0 to 4294967295";
      else if (pb_addr_process (r.port) == 0 || pb_addr_process (r.peer) == 0)
        problem = "has an end on process id 0";
      else if (r.port == r.peer)
        problem = "joins a port to itself";
      else if (!pb_graph_has_process (g, r.port))
        problem = "starts at a process that does not exist";
      else if (!pb_graph_has_process (g, r.peer))
        problem = "ends at a process that does not exist";
      else if (!port_exists (g, r.port))
        problem = "starts at a port that the kind of its process does not have";
      if (problem != NULL)
        {
          rc = bad_row (s, err, "link %s -> %s %s", pb_addr_format (r.port, pa),
                        pb_addr_format (r.peer, pb), problem);
          break;
        }
      r.flags = (uint32_t) flags;

      if (r.port > r.peer)
        {
          if (n_back == capacity)
            {
              size_t c = capacity != 0 ? capacity * 2 : 64;
              link_row *more = realloc (back, c * sizeof *more);

              if (more == NULL)
                {
                  rc = pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);
                  break;
                }
              back = more;
              capacity = c;
            }
          back[n_back++] = r;
          continue;
        }
      grc = pb_graph_connect (g, r.port, r.peer);
      if (grc == PB_EBUSY)
        rc = bad_row (s, err, "port %s is linked twice",
                      pb_addr_format (pb_graph_peer (g, r.port) != 0 ? r.port : r.peer, pa));
      else if (grc == PB_OK)
        grc = pb_graph_set_link_flags (g, r.port, r.flags);
      if (rc == PB_OK && grc != PB_OK)
        rc = pb_error_set (err, grc, "%s: cannot load link %s -> %s: %s", s->path,
                           pb_addr_format (r.port, pa), pb_addr_format (r.peer, pb),
                           pb_strerror (grc));
      if (rc != PB_OK)
        break;
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  sqlite3_finalize (st);

  n_links = pb_graph_n_connections (g);
  if (rc == PB_OK && n_links > 0
      && (links = malloc (n_links * sizeof *links)) == NULL)
    rc = pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);
  if (rc == PB_OK)
    {
      pb_graph_list_connections (g, links, n_links);
      if (n_back > 0)
        qsort (back, n_back, sizeof *back, compare_by_peer);
      for (i = 0; rc == PB_OK && (i < n_links || i < n_back); i++)
        {
          /* The first mismatch in two sorted lists: whichever is smaller
           * has no partner in the other. */
          if (i < n_links
              && (i == n_back || links[i].a < back[i].peer
                  || (links[i].a == back[i].peer && links[i].b < back[i].port)))
            rc = bad_row (s, err, "link %s -> %s has no row for the way back",
                          pb_addr_format (links[i].a, pa), pb_addr_format (links[i].b, pb));
          else if (i == n_links || links[i].a != back[i].peer || links[i].b != back[i].port)
            rc = bad_row (s, err, "link %s -> %s has no row for the way back, or is "
                          "linked twice", pb_addr_format (back[i].port, pa),
                          pb_addr_format (back[i].peer, pb));
          else if (pb_graph_link_flags (g, links[i].a) != back[i].flags)
            rc = bad_row (s, err, "link %s -> %s has different flags at its two ends",
                          pb_addr_format (links[i].a, pa), pb_addr_format (links[i].b, pb));
        }
    }
  free (links);
  free (back);
  return rc;
}

int
pb_store_load (pb_store      *s,
               uint32_t       local_host,
               pb_graph     **graph,
               pb_store_doc  *doc,
               pb_error      *err)
{
  sqlite3 *db;
  pb_graph *g;
  pb_store_layout *layout = NULL;
  char *title = NULL;
  pb_store_view view = { 0 };
  int rc;

  if (graph != NULL)
    *graph = NULL;
  if (s == NULL || graph == NULL || local_host > PB_HOST_MAX)
    return pb_error_set (err, PB_EINVAL, "pb_store_load: invalid argument");

  g = pb_graph_new (local_host);
  if (g == NULL)
    return pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);

  /* One read transaction, so that a concurrent save is seen whole or not
   * at all. */
  db = reader (s);
  rc = exec (s, db, "BEGIN", "read the document", err);
  if (rc == PB_OK)
    {
      rc = load_document (s, db, &title, &view, err);
      if (rc == PB_OK)
        rc = load_processes (s, db, g, &layout, err);
      if (rc == PB_OK)
        rc = load_params (s, db, g, err);
      if (rc == PB_OK)
        rc = load_links (s, db, g, err);
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
    }
  if (rc != PB_OK)
    {
      pb_graph_free (g);
      free (layout);
      free (title);
      return rc;
    }

  free (s->layout);
  free (s->title);
  s->layout = layout;
  s->title = title;
  if (doc != NULL)
    {
      doc->title = title;
      doc->view = view;
      doc->layout = layout;
      doc->n_layout = pb_graph_n_processes (g);
    }
  *graph = g;
  return PB_OK;
}

/*
 * Saving. A save checks everything first, then writes, in one transaction,
 * only what differs from the saved rows: each table is merged with what
 * the graph says, both in the order of the table's key. A save after a
 * small edit writes little, and a save into a new document only inserts.
 * Deleting every row and inserting them again would cost more than all
 * the rest together: with foreign keys on, SQLite deletes row by row.
 */

/* A growable array of 64-bit numbers: addresses or indices. */
typedef struct
{
  uint64_t *items;
  size_t    n;
  size_t    capacity;
} u64_list;

static bool
u64_list_add (u64_list *l,
              uint64_t  v)
{
  if (l->n == l->capacity)
    {
      size_t capacity = l->capacity != 0 ? l->capacity * 2 : 64;
      uint64_t *items = realloc (l->items, capacity * sizeof *items);

      if (items == NULL)
        return false;
      l->items = items;
      l->capacity = capacity;
    }
  l->items[l->n++] = v;
  return true;
}

/* What the graph says of one process, with its layout entry if any. */
typedef struct
{
  pb_addr                process;
  const char            *kind;
  const char            *name;
  const pb_store_layout *layout;
} process_row;

/* One parameter; the strings belong to the graph or the catalogue. */
typedef struct
{
  pb_addr     process;
  const char *key;
  const char *type;
  const char *value;
} param_row;

/* Everything a save writes, checked. */
typedef struct
{
  process_row *processes;
  size_t       n_processes;
  param_row   *params;
  size_t       n_params;
  size_t       params_capacity;
  link_row    *links;
  size_t       n_links;
  const char **keys;      /* room to list one process's parameters */
  const char **values;
  size_t       keys_capacity;
} save_rows;

static void
save_rows_clear (save_rows *r)
{
  free (r->processes);
  free (r->params);
  free (r->links);
  free (r->keys);
  free (r->values);
}

/* Makes room for @n more parameters in @r, and to list @n at once. */
static bool
save_rows_reserve_params (save_rows *r,
                          size_t     n)
{
  if (r->n_params + n > r->params_capacity)
    {
      size_t capacity = r->params_capacity != 0 ? r->params_capacity : 64;
      param_row *more;

      while (capacity < r->n_params + n)
        capacity *= 2;
      more = realloc (r->params, capacity * sizeof *more);
      if (more == NULL)
        return false;
      r->params = more;
      r->params_capacity = capacity;
    }
  if (n > r->keys_capacity)
    {
      const char **keys = realloc (r->keys, n * sizeof *keys);
      const char **values;

      if (keys == NULL)
        return false;
      r->keys = keys;
      values = realloc (r->values, n * sizeof *values);
      if (values == NULL)
        return false;
      r->values = values;
      r->keys_capacity = n;
    }
  return true;
}

static int
compare_layout (const void *a,
                const void *b)
{
  pb_addr x = ((const pb_store_layout *) a)->process;
  pb_addr y = ((const pb_store_layout *) b)->process;

  return x < y ? -1 : x > y;
}

/* Links are kept in the order of their key, signed. */
static int
compare_by_sql_port (const void *a,
                     const void *b)
{
  int64_t x = addr_to_sql (((const link_row *) a)->port);
  int64_t y = addr_to_sql (((const link_row *) b)->port);

  return x < y ? -1 : x > y;
}

/* Checks the layout entries, sorted by process, against the processes of
 * the graph, sorted too, and points each process at its entry. */
static int
check_layout (const pb_store        *s,
              const pb_store_layout *layout,
              size_t                 n_layout,
              save_rows             *rows,
              pb_error              *err)
{
  size_t i, j = 0;
  char label[LABEL_MAX];

  for (i = 0; i < n_layout; i++)
    {
      const pb_store_layout *l = &layout[i];

      process_label (l->process, NULL, label);
      if (pb_addr_port (l->process) != 0)
        return pb_error_set (err, PB_EINVAL, "%s: cannot save the layout of %s: its "
                             "address has port bits", s->path, label);
      if (i > 0 && layout[i - 1].process == l->process)
        return pb_error_set (err, PB_EINVAL, "%s: cannot save the layout: %s appears "
                             "twice", s->path, label);
      while (j < rows->n_processes && rows->processes[j].process < l->process)
        j++;
      if (j == rows->n_processes || rows->processes[j].process != l->process)
        return pb_error_set (err, PB_EINVAL, "%s: cannot save the layout of %s: the "
                             "graph has no such process", s->path, label);
      if ((l->placed && (!isfinite (l->x) || !isfinite (l->y)))
          || !isfinite (l->width) || l->width < 0
          || !isfinite (l->height) || l->height < 0)
        return pb_error_set (err, PB_EINVAL, "%s: cannot save the layout of %s: a "
                             "coordinate is not finite, or a size is negative", s->path,
                             label);
      rows->processes[j].layout = l;
    }
  return PB_OK;
}

/* Refuses in process @r of @g what the loader would refuse, and adds its
 * parameters to @rows. */
static int
check_process (const pb_store *s,
               const pb_graph *g,
               process_row    *r,
               save_rows      *rows,
               pb_error       *err)
{
  const char *kind_name = pb_graph_process_kind (g, r->process);
  const pb_kind *kind = pb_kind_find (kind_name);
  char label[LABEL_MAX], q[PB_QUOTE_MAX];
  size_t n = pb_graph_list_params (g, r->process, NULL, NULL, 0);
  size_t i;
  pb_error perr;

  r->name = pb_graph_process_name (g, r->process);
  process_label (r->process, text_valid (r->name) ? r->name : NULL, label);
  if (kind == NULL && kind_name == NULL)
    return pb_error_set (err, PB_EINVAL, "%s: cannot save %s: it has no kind", s->path,
                         label);
  if (kind == NULL)
    return pb_error_set (err, PB_EINVAL, "%s: cannot save %s: its kind '%s' is not in "
                         "the catalogue", s->path, label, pb_quote (kind_name, q));
  r->kind = pb_kind_name (kind);

  if (!save_rows_reserve_params (rows, n))
    return pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);
  pb_graph_list_params (g, r->process, rows->keys, rows->values, n);
  for (i = 0; i < n; i++)
    {
      const char *key = rows->keys[i], *value = rows->values[i];
      param_row *p = &rows->params[rows->n_params++];

      if (pb_kind_check_param (kind, key, value, &perr) != PB_OK)
        return pb_error_set (err, PB_EINVAL, "%s: cannot save %s: %s", s->path, label,
                             perr.message);
      if (!text_valid (value))
        return pb_error_set (err, PB_EINVAL, "%s: cannot save %s: parameter '%s' is not "
                             "UTF-8", s->path, label, key);
      p->process = r->process;
      p->key = key;
      p->type = param_type_names[pb_kind_find_param (kind, key)->type];
      p->value = value;
    }
  return PB_OK;
}

/* Collects and checks what a save of @g and @doc writes. */
static int
collect_rows (const pb_store     *s,
              const pb_graph     *g,
              const pb_store_doc *doc,
              pb_store_layout   **layout,
              save_rows          *rows,
              pb_error           *err)
{
  size_t n = pb_graph_n_processes (g);
  size_t n_links = pb_graph_n_connections (g);
  size_t n_layout = doc != NULL ? doc->n_layout : 0;
  pb_addr *procs = malloc ((n + 1) * sizeof *procs);
  pb_connection *links = malloc ((n_links + 1) * sizeof *links);
  char pa[PB_ADDR_STRLEN], pb[PB_ADDR_STRLEN];
  size_t i;
  int rc = PB_OK;

  *layout = malloc ((n_layout + 1) * sizeof **layout);
  rows->processes = calloc (n + 1, sizeof *rows->processes);
  rows->links = malloc ((2 * n_links + 1) * sizeof *rows->links);
  if (procs == NULL || links == NULL || *layout == NULL || rows->processes == NULL
      || rows->links == NULL)
    rc = pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);

  if (rc == PB_OK)
    {
      pb_graph_list_processes (g, procs, n);
      for (i = 0; i < n; i++)
        rows->processes[i].process = procs[i];
      rows->n_processes = n;
      if (n_layout > 0)
        {
          memcpy (*layout, doc->layout, n_layout * sizeof **layout);
          qsort (*layout, n_layout, sizeof **layout, compare_layout);
        }
      rc = check_layout (s, *layout, n_layout, rows, err);
    }
  for (i = 0; rc == PB_OK && i < n; i++)
    rc = check_process (s, g, &rows->processes[i], rows, err);

  if (rc == PB_OK)
    pb_graph_list_connections (g, links, n_links);
  for (i = 0; rc == PB_OK && i < n_links; i++)
    {
      pb_addr a = links[i].a, b = links[i].b;
      pb_addr bad = !port_exists (g, a) ? a : !port_exists (g, b) ? b : 0;
      uint32_t flags = pb_graph_link_flags (g, a);

      if (bad != 0)
        rc = pb_error_set (err, PB_EINVAL, "%s: cannot save link %s -> %s: the kind of "
                           "the process of %s has no port %u", s->path,
                           pb_addr_format (a, pa), pb_addr_format (b, pb),
                           bad == a ? pa : pb, pb_addr_port (bad));
      rows->links[2 * i] = (link_row) { a, b, flags };
      rows->links[2 * i + 1] = (link_row) { b, a, flags };
    }
  if (rc == PB_OK)
    {
      rows->n_links = 2 * n_links;
      qsort (rows->links, rows->n_links, sizeof *rows->links, compare_by_sql_port);
    }
  free (links);
  free (procs);
  return rc;
}

/* Whether column @col holds the text @want (NULL for SQL NULL). */
static bool
column_is_text (sqlite3_stmt *st,
                int           col,
                const char   *want)
{
  const char *text;

  if (want == NULL)
    return sqlite3_column_type (st, col) == SQLITE_NULL;
  if (sqlite3_column_type (st, col) != SQLITE_TEXT)
    return false;
  text = (const char *) sqlite3_column_text (st, col);
  return text != NULL && (size_t) sqlite3_column_bytes (st, col) == strlen (want)
         && strcmp (text, want) == 0;
}

static bool
column_is_real (sqlite3_stmt *st,
                int           col,
                double        want)
{
  double v;

  return column_real (st, col, &v) && v == want;
}

/* Whether the saved row under @st (host, id, kind, name, x, y, width,
 * height, collapsed) already says what @r says. */
static bool
process_row_equal (sqlite3_stmt      *st,
                   const process_row *r)
{
  const pb_store_layout *l = r->layout;

  return column_is_text (st, 2, r->kind)
         && column_is_text (st, 3, r->name)
         && (l != NULL && l->placed
             ? column_is_real (st, 4, l->x) && column_is_real (st, 5, l->y)
             : sqlite3_column_type (st, 4) == SQLITE_NULL
               && sqlite3_column_type (st, 5) == SQLITE_NULL)
         && column_is_real (st, 6, l != NULL ? l->width : 0)
         && column_is_real (st, 7, l != NULL ? l->height : 0)
         && sqlite3_column_type (st, 8) == SQLITE_INTEGER
         && sqlite3_column_int64 (st, 8) == (l != NULL && l->collapsed);
}

/* The saved process under @st (host, id first), or 0 when its address is
 * not valid; such rows are deleted. */
static pb_addr
column_process (sqlite3_stmt *st)
{
  int64_t host, id;

  if (!column_int (st, 0, 0, PB_HOST_MAX, &host) || !column_int (st, 1, 1, PB_PROCESS_MAX, &id))
    return 0;
  return pb_addr_make ((uint32_t) host, (uint32_t) id, 0);
}

/* Runs @sql, which takes (host, id), for every process in @gone. */
static int
delete_processes (pb_store       *s,
                  const char     *sql,
                  const u64_list *gone,
                  pb_error       *err)
{
  sqlite3_stmt *st = NULL;
  size_t k;
  int rc = gone->n > 0 ? prepare (s, s->db, sql, &st, err) : PB_OK;

  for (k = 0; rc == PB_OK && k < gone->n; k++)
    {
      sqlite3_bind_int64 (st, 1, pb_addr_host (gone->items[k]));
      sqlite3_bind_int64 (st, 2, pb_addr_process (gone->items[k]));
      rc = run (s, st, err);
    }
  sqlite3_finalize (st);
  return rc;
}

/* Binds the columns of @r to @st, in the order of the table. */
static void
bind_process (sqlite3_stmt      *st,
              const process_row *r)
{
  const pb_store_layout *l = r->layout;

  sqlite3_bind_int64 (st, 1, pb_addr_host (r->process));
  sqlite3_bind_int64 (st, 2, pb_addr_process (r->process));
  sqlite3_bind_text (st, 3, r->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, r->name, -1, SQLITE_STATIC);
  if (l != NULL && l->placed)
    {
      sqlite3_bind_double (st, 5, l->x);
      sqlite3_bind_double (st, 6, l->y);
    }
  sqlite3_bind_double (st, 7, l != NULL ? l->width : 0);
  sqlite3_bind_double (st, 8, l != NULL ? l->height : 0);
  sqlite3_bind_int (st, 9, l != NULL && l->collapsed);
}

/*
 * The processes table. Saved rows the graph lacks are deleted, and their
 * parameters with them (the foreign key cascades); differing rows are
 * updated and new rows inserted. Names are unique, so a saved process
 * whose name another process of @g is about to take lets go of it first:
 * a save may swap two names.
 */
static int
sync_processes (pb_store        *s,
                const pb_graph  *g,
                const save_rows *rows,
                pb_error        *err)
{
  sqlite3_stmt *st = NULL, *put = NULL;
  u64_list gone = { 0 }, changed = { 0 }, added = { 0 }, unnamed = { 0 };
  size_t i = 0, k;
  bool ok = true;
  int rc = prepare (s, s->db, "SELECT host, id, kind, name, x, y, width, height, collapsed "
                    "FROM processes ORDER BY host, id", &st, err);

  while (rc == PB_OK && ok && (rc = step (s, st, "save", err)) == SQLITE_ROW)
    {
      pb_addr saved = column_process (st);

      if (saved == 0)
        {
          rc = bad_row (s, err, "a saved process has an invalid address");
          break;
        }
      rc = PB_OK;
      while (ok && i < rows->n_processes && rows->processes[i].process < saved)
        ok = u64_list_add (&added, i++);
      if (i < rows->n_processes && rows->processes[i].process == saved)
        {
          if (!process_row_equal (st, &rows->processes[i]))
            {
              /* After the type: reading text converts a value. */
              const char *name = sqlite3_column_type (st, 3) == SQLITE_TEXT
                                 ? (const char *) sqlite3_column_text (st, 3) : NULL;
              pb_addr owner = pb_graph_find_name (g, name);

              ok = u64_list_add (&changed, i)
                   && (owner == 0 || owner == saved || u64_list_add (&unnamed, saved));
            }
          i++;
        }
      else
        ok = u64_list_add (&gone, saved);
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  while (rc == PB_OK && ok && i < rows->n_processes)
    ok = u64_list_add (&added, i++);
  sqlite3_finalize (st);
  if (rc == PB_OK && !ok)
    rc = pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);

  if (rc == PB_OK)
    rc = delete_processes (s, "DELETE FROM processes WHERE host = ? AND id = ?", &gone, err);
  if (rc == PB_OK)
    rc = delete_processes (s, "UPDATE processes SET name = NULL WHERE host = ? AND id = ?",
                           &unnamed, err);
  if (rc == PB_OK && changed.n > 0)
    rc = prepare (s, s->db, "UPDATE processes SET kind = ?3, name = ?4, x = ?5, y = ?6, "
                  "width = ?7, height = ?8, collapsed = ?9 WHERE host = ?1 AND id = ?2",
                  &put, err);
  for (k = 0; rc == PB_OK && k < changed.n; k++)
    {
      bind_process (put, &rows->processes[changed.items[k]]);
      rc = run (s, put, err);
    }
  sqlite3_finalize (put);
  put = NULL;
  if (rc == PB_OK && added.n > 0)
    rc = prepare (s, s->db, "INSERT INTO processes (host, id, kind, name, x, y, width, "
                  "height, collapsed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &put, err);
  for (k = 0; rc == PB_OK && k < added.n; k++)
    {
      bind_process (put, &rows->processes[added.items[k]]);
      rc = run (s, put, err);
    }
  sqlite3_finalize (put);
  free (gone.items);
  free (changed.items);
  free (added.items);
  free (unnamed.items);
  return rc;
}

/* Orders a saved parameter (host, id, key under @st) against @p. */
static int
compare_param_key (sqlite3_stmt    *st,
                   pb_addr          saved,
                   const param_row *p)
{
  if (saved != p->process)
    return saved < p->process ? -1 : 1;
  return strcmp ((const char *) sqlite3_column_text (st, 2), p->key);
}

/* Runs @sql, which takes (host, id, key, type, value), for the parameters
 * of @rows listed in @which. */
static int
put_params (pb_store        *s,
            const char      *sql,
            const save_rows *rows,
            const u64_list  *which,
            pb_error        *err)
{
  sqlite3_stmt *st = NULL;
  size_t k;
  int rc = prepare (s, s->db, sql, &st, err);

  for (k = 0; rc == PB_OK && k < which->n; k++)
    {
      const param_row *p = &rows->params[which->items[k]];

      sqlite3_bind_int64 (st, 1, pb_addr_host (p->process));
      sqlite3_bind_int64 (st, 2, pb_addr_process (p->process));
      sqlite3_bind_text (st, 3, p->key, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 4, p->type, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 5, p->value, -1, SQLITE_STATIC);
      rc = run (s, st, err);
    }
  sqlite3_finalize (st);
  return rc;
}

/* The params table, after sync_processes(); keys sort as strcmp() does,
 * both in the graph and in SQLite's BINARY collation. */
static int
sync_params (pb_store        *s,
             const save_rows *rows,
             pb_error        *err)
{
  sqlite3_stmt *st = NULL, *del = NULL;
  u64_list changed = { 0 }, added = { 0 }, gone = { 0 };
  string_list gone_keys = { 0 };
  size_t i = 0, k;
  bool ok = true;
  int rc = prepare (s, s->db, "SELECT host, id, key, type, value FROM params "
                    "ORDER BY host, id, key", &st, err);

  while (rc == PB_OK && ok && (rc = step (s, st, "save", err)) == SQLITE_ROW)
    {
      pb_addr saved = column_process (st);
      int c = 1;

      if (saved == 0 || sqlite3_column_type (st, 2) != SQLITE_TEXT)
        {
          rc = bad_row (s, err, "a saved parameter has an invalid address or key");
          break;
        }
      rc = PB_OK;
      while (ok && i < rows->n_params
             && (c = compare_param_key (st, saved, &rows->params[i])) > 0)
        ok = u64_list_add (&added, i++);
      if (i < rows->n_params && c == 0)
        {
          if (!column_is_text (st, 3, rows->params[i].type)
              || !column_is_text (st, 4, rows->params[i].value))
            ok = u64_list_add (&changed, i);
          i++;
        }
      else
        {
          const char *key;

          ok = u64_list_add (&gone, saved)
               && string_list_add (&gone_keys, (const char *) sqlite3_column_text (st, 2),
                                   &key);
        }
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  while (rc == PB_OK && ok && i < rows->n_params)
    ok = u64_list_add (&added, i++);
  sqlite3_finalize (st);
  if (rc == PB_OK && !ok)
    rc = pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);

  if (rc == PB_OK && gone.n > 0)
    rc = prepare (s, s->db, "DELETE FROM params WHERE host = ? AND id = ? AND key = ?",
                  &del, err);
  for (k = 0; rc == PB_OK && k < gone.n; k++)
    {
      sqlite3_bind_int64 (del, 1, pb_addr_host (gone.items[k]));
      sqlite3_bind_int64 (del, 2, pb_addr_process (gone.items[k]));
      sqlite3_bind_text (del, 3, gone_keys.items[k], -1, SQLITE_STATIC);
      rc = run (s, del, err);
    }
  if (rc == PB_OK && changed.n > 0)
    rc = put_params (s, "UPDATE params SET type = ?4, value = ?5 "
                     "WHERE host = ?1 AND id = ?2 AND key = ?3", rows, &changed, err);
  if (rc == PB_OK && added.n > 0)
    rc = put_params (s, "INSERT INTO params (host, id, key, type, value) "
                     "VALUES (?, ?, ?, ?, ?)", rows, &added, err);
  sqlite3_finalize (del);
  free (changed.items);
  free (added.items);
  free (gone.items);
  string_list_clear (&gone_keys);
  return rc;
}

/*
 * The links table. A row whose peer or flags changed is deleted and
 * inserted again, and all deletions come first: peer is unique, and
 * rewiring two links would otherwise collide half-way. The symmetry key
 * is deferred to the commit.
 */
static int
sync_links (pb_store        *s,
            const save_rows *rows,
            pb_error        *err)
{
  sqlite3_stmt *st = NULL, *del = NULL, *put = NULL;
  u64_list added = { 0 }, gone = { 0 };
  size_t i = 0, k;
  bool ok = true;
  int rc = prepare (s, s->db, "SELECT port, peer, flags FROM links ORDER BY port", &st, err);

  while (rc == PB_OK && ok && (rc = step (s, st, "save", err)) == SQLITE_ROW)
    {
      int64_t port;
      const link_row *r;

      if (sqlite3_column_type (st, 0) != SQLITE_INTEGER)
        {
          rc = bad_row (s, err, "a saved link has an address that is not an integer");
          break;
        }
      port = sqlite3_column_int64 (st, 0);
      rc = PB_OK;
      while (ok && i < rows->n_links && addr_to_sql (rows->links[i].port) < port)
        ok = u64_list_add (&added, i++);
      r = i < rows->n_links && addr_to_sql (rows->links[i].port) == port ? &rows->links[i] : NULL;
      if (r != NULL)
        i++;
      if (r != NULL && sqlite3_column_type (st, 1) == SQLITE_INTEGER
          && sqlite3_column_int64 (st, 1) == addr_to_sql (r->peer)
          && sqlite3_column_type (st, 2) == SQLITE_INTEGER
          && sqlite3_column_int64 (st, 2) == r->flags)
        continue;
      ok = u64_list_add (&gone, (uint64_t) port)
           && (r == NULL || u64_list_add (&added, (uint64_t) (r - rows->links)));
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  while (rc == PB_OK && ok && i < rows->n_links)
    ok = u64_list_add (&added, i++);
  sqlite3_finalize (st);
  if (rc == PB_OK && !ok)
    rc = pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);

  /* When most saved links go, emptying the table in one statement and
   * writing every link again is quicker than one delete per row. */
  if (rc == PB_OK && gone.n > 0 && gone.n >= rows->n_links / 2)
    {
      rc = exec (s, s->db, "DELETE FROM links", "save", err);
      added.n = 0;
      for (k = 0; rc == PB_OK && ok && k < rows->n_links; k++)
        ok = u64_list_add (&added, k);
      if (rc == PB_OK && !ok)
        rc = pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);
      gone.n = 0;
    }
  if (rc == PB_OK && gone.n > 0)
    rc = prepare (s, s->db, "DELETE FROM links WHERE port = ?", &del, err);
  for (k = 0; rc == PB_OK && k < gone.n; k++)
    {
      sqlite3_bind_int64 (del, 1, (int64_t) gone.items[k]);
      rc = run (s, del, err);
    }
  if (rc == PB_OK && added.n > 0)
    rc = prepare (s, s->db, "INSERT INTO links (port, peer, flags) VALUES (?, ?, ?)",
                  &put, err);
  for (k = 0; rc == PB_OK && k < added.n; k++)
    {
      const link_row *r = &rows->links[added.items[k]];

      sqlite3_bind_int64 (put, 1, addr_to_sql (r->port));
      sqlite3_bind_int64 (put, 2, addr_to_sql (r->peer));
      sqlite3_bind_int64 (put, 3, r->flags);
      rc = run (s, put, err);
    }
  sqlite3_finalize (del);
  sqlite3_finalize (put);
  free (added.items);
  free (gone.items);
  return rc;
}

static int
write_document (pb_store           *s,
                const pb_store_doc *doc,
                pb_error           *err)
{
  sqlite3_stmt *st = NULL;
  int rc;

  if (doc != NULL)
    rc = prepare (s, s->db, "UPDATE document SET modified_us = ?, app_version = ?, "
                  "title = ?, zoom = ?, scroll_x = ?, scroll_y = ?", &st, err);
  else
    rc = prepare (s, s->db, "UPDATE document SET modified_us = ?, app_version = ?",
                  &st, err);
  if (rc != PB_OK)
    return rc;
  sqlite3_bind_int64 (st, 1, now_us ());
  sqlite3_bind_text (st, 2, PB_VERSION, -1, SQLITE_STATIC);
  if (doc != NULL)
    {
      sqlite3_bind_text (st, 3, doc->title, -1, SQLITE_STATIC);
      sqlite3_bind_double (st, 4, doc->view.zoom);
      sqlite3_bind_double (st, 5, doc->view.scroll_x);
      sqlite3_bind_double (st, 6, doc->view.scroll_y);
    }
  rc = run (s, st, err);
  sqlite3_finalize (st);
  return rc;
}

int
pb_store_save (pb_store           *s,
               const pb_graph     *g,
               const pb_store_doc *doc,
               pb_error           *err)
{
  save_rows rows = { 0 };
  pb_store_layout *layout = NULL;
  int rc;

  if (s == NULL || g == NULL
      || (doc != NULL && (doc->title == NULL || (doc->layout == NULL && doc->n_layout > 0))))
    return pb_error_set (err, PB_EINVAL, "pb_store_save: invalid argument");
  if (s->mode != PB_STORE_WRITE)
    return pb_error_set (err, PB_EINVAL, "%s is open read-only", s->path);
  if (doc != NULL && !text_valid (doc->title))
    return pb_error_set (err, PB_EINVAL, "%s: cannot save the title: it is not UTF-8",
                         s->path);
  if (doc != NULL && (!isfinite (doc->view.zoom) || doc->view.zoom <= 0
                      || !isfinite (doc->view.scroll_x) || !isfinite (doc->view.scroll_y)))
    return pb_error_set (err, PB_EINVAL, "%s: cannot save the view: the zoom must be "
                         "finite and greater than 0, the scroll position finite", s->path);

  rc = collect_rows (s, g, doc, &layout, &rows, err);
  if (rc == PB_OK)
    rc = begin_write (s, err);
  if (rc == PB_OK)
    {
      rc = sync_processes (s, g, &rows, err);
      if (rc == PB_OK)
        rc = sync_params (s, &rows, err);
      if (rc == PB_OK)
        rc = sync_links (s, &rows, err);
      if (rc == PB_OK)
        rc = write_document (s, doc, err);
      rc = end_write (s, rc, err);
    }
  save_rows_clear (&rows);
  free (layout);
  return rc;
}

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
    return pb_error_set (err, PB_EINVAL, "pb_store_record_run: invalid argument");
  if (s->mode != PB_STORE_WRITE)
    return pb_error_set (err, PB_EINVAL, "%s is open read-only", s->path);
  if (duration_ns > INT64_MAX)
    return pb_error_set (err, PB_EINVAL, "%s: cannot record the run: its duration "
                         "exceeds INT64_MAX", s->path);
  for (i = 0; i < n_counters; i++)
    {
      const pb_store_counters *c = &counters[i];

      process_label (c->process, NULL, label);
      if (pb_addr_process (c->process) == 0 || pb_addr_port (c->process) != 0)
        return pb_error_set (err, PB_EINVAL, "%s: cannot record the run: %s is not a "
                             "process address", s->path, label);
      if (!text_valid (c->name) || !text_valid (c->kind))
        return pb_error_set (err, PB_EINVAL, "%s: cannot record the run: the name or "
                             "kind of %s is not UTF-8", s->path, label);
      if (c->calls > INT64_MAX || c->busy_ns > INT64_MAX
          || c->items_in > INT64_MAX || c->items_out > INT64_MAX)
        return pb_error_set (err, PB_EINVAL, "%s: cannot record the run: a counter of "
                             "%s exceeds INT64_MAX", s->path, label);
    }

  rc = begin_write (s, err);
  if (rc != PB_OK)
    return rc;
  rc = prepare (s, s->db, "INSERT INTO runs (started_us, duration_ns, app_version) "
                "VALUES (?, ?, ?)", &ins_run, err);
  if (rc == PB_OK)
    {
      sqlite3_bind_int64 (ins_run, 1, started_us);
      sqlite3_bind_int64 (ins_run, 2, (int64_t) duration_ns);
      sqlite3_bind_text (ins_run, 3, PB_VERSION, -1, SQLITE_STATIC);
      rc = run (s, ins_run, err);
      id = sqlite3_last_insert_rowid (s->db);
    }
  if (rc == PB_OK)
    rc = prepare (s, s->db, "INSERT INTO run_counters (run, host, id, name, kind, calls, "
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
        rc = pb_error_set (err, PB_EINVAL, "%s: cannot record the run: %s appears twice",
                           s->path, process_label (c->process, NULL, label));
      else if (src != SQLITE_DONE)
        rc = sql_error (s, s->db, src, "record the run", err);
    }
  sqlite3_finalize (ins_run);
  sqlite3_finalize (ins_counter);
  rc = end_write (s, rc, err);
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
    return pb_error_set (err, PB_EINVAL, "pb_store_list_runs: invalid argument");

  rc = prepare (s, reader (s), "SELECT r.id, r.started_us, r.duration_ns, r.app_version, "
                "(SELECT count(*) FROM run_counters c WHERE c.run = r.id) "
                "FROM runs r ORDER BY r.id", &st, err);
  while (rc == PB_OK && (rc = step (s, st, "read the runs", err)) == SQLITE_ROW)
    {
      pb_store_run r;
      int64_t duration, count;
      const char *version;

      rc = PB_OK;
      if (!column_int (st, 0, 1, INT64_MAX, &r.id)
          || !column_int (st, 1, INT64_MIN, INT64_MAX, &r.started_us)
          || !column_int (st, 2, 0, INT64_MAX, &duration)
          || !column_text (st, 3, false, &version)
          || !column_int (st, 4, 0, INT64_MAX, &count))
        {
          rc = bad_row (s, err, "a recorded run has a value of the wrong type or range");
          break;
        }
      r.duration_ns = (uint64_t) duration;
      r.n_processes = (size_t) count;
      if (!string_list_add (&fresh.strings, version, &r.app_version)
          || !listing_add (&fresh, &r, sizeof r))
        {
          rc = pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);
          break;
        }
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  sqlite3_finalize (st);
  if (rc != PB_OK)
    {
      listing_clear (&fresh);
      return rc;
    }
  listing_keep (&s->runs, &fresh);
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
    return pb_error_set (err, PB_EINVAL, "pb_store_run_counters: invalid argument");

  rc = prepare (s, reader (s), "SELECT 1 FROM runs WHERE id = ?", &st, err);
  if (rc == PB_OK)
    {
      sqlite3_bind_int64 (st, 1, run_id);
      rc = step (s, st, "read the runs", err);
      if (rc == SQLITE_DONE)
        rc = pb_error_set (err, PB_ENOENT, "%s has no run %lld", s->path,
                           (long long) run_id);
      else if (rc == SQLITE_ROW)
        rc = PB_OK;
    }
  sqlite3_finalize (st);
  st = NULL;
  if (rc != PB_OK)
    return rc;

  rc = prepare (s, reader (s), "SELECT host, id, name, kind, calls, busy_ns, items_in, "
                "items_out FROM run_counters WHERE run = ? ORDER BY host, id", &st, err);
  if (rc == PB_OK)
    sqlite3_bind_int64 (st, 1, run_id);
  while (rc == PB_OK && (rc = step (s, st, "read the counters", err)) == SQLITE_ROW)
    {
      pb_store_counters c;
      int64_t host, id, v[4];
      const char *name, *kind;
      int k;

      rc = PB_OK;
      if (!column_int (st, 0, 0, PB_HOST_MAX, &host)
          || !column_int (st, 1, 1, PB_PROCESS_MAX, &id)
          || !column_text (st, 2, true, &name)
          || !column_text (st, 3, true, &kind))
        {
          rc = bad_row (s, err, "a counter of run %lld names no valid process",
                        (long long) run_id);
          break;
        }
      for (k = 0; k < 4 && rc == PB_OK; k++)
        if (!column_int (st, 4 + k, 0, INT64_MAX, &v[k]))
          rc = bad_row (s, err, "a counter of run %lld is not an integer from 0",
                        (long long) run_id);
      if (rc != PB_OK)
        break;
      c.process = pb_addr_make ((uint32_t) host, (uint32_t) id, 0);
      c.calls = (uint64_t) v[0];
      c.busy_ns = (uint64_t) v[1];
      c.items_in = (uint64_t) v[2];
      c.items_out = (uint64_t) v[3];
      if (!string_list_add (&fresh.strings, name, &c.name)
          || !string_list_add (&fresh.strings, kind, &c.kind)
          || !listing_add (&fresh, &c, sizeof c))
        {
          rc = pb_error_set (err, PB_ENOMEM, "%s: out of memory", s->path);
          break;
        }
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  sqlite3_finalize (st);
  if (rc != PB_OK)
    {
      listing_clear (&fresh);
      return rc;
    }
  listing_keep (&s->counters, &fresh);
  *counters = s->counters.items;
  *n_counters = s->counters.n;
  return PB_OK;
}
