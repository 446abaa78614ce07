/* store.c — opening, checking and closing documents; the frame of every write
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pushback/version.h>

#include "i18n.h"
#include "store-private.h"

/*
 * Settings of every connection. The file may be hostile: views, triggers
 * and functions it defines must not run, and no value may be huge.
 * SQLITE_DBCONFIG_DEFENSIVE also forbids what could damage the file
 * through SQL (writable_schema, journal_mode=OFF): we run only our own
 * SQL, but a bug of ours must not be able to corrupt a document either.
 */
static int
configure (const pb_store *s,
           sqlite3        *db,
           pb_error       *err)
{
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  sqlite3_limit (db, SQLITE_LIMIT_LENGTH, MAX_LENGTH);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
  /* Checks each b-tree cell as it is read, so that a damaged page is an
   * error rather than a wrong answer. */
  return pb_store__exec (s, db, "PRAGMA cell_size_check = ON; PRAGMA foreign_keys = ON;",
               N_("configure the connection"), err);
}

/*
 * A file that an older version left in WAL mode can only be read where
 * SQLite can make its -shm file, so not from a directory the reader cannot
 * write ("attempt to write a readonly database"). With no -wal file beside
 * it, every commit is in the file itself: then a reader opens it as
 * immutable, which needs no file beside it. Returns: the URI that does,
 * for sqlite3_free(), or NULL when @path opens as it is.
 */
static char *
immutable_uri (const char *path)
{
  const char *slash = strrchr (path, '/');
  char *dir = slash == NULL ? NULL : sqlite3_mprintf ("%.*s", (int) (slash - path + 1), path);
  char *wal = sqlite3_mprintf ("%s-wal", path);
  unsigned char header[20];
  bool readonly_wal = false;
  FILE *f = fopen (path, "rb");
  sqlite3_str *uri;

  if (f != NULL && wal != NULL && (slash == NULL || dir != NULL))
    readonly_wal = fread (header, 1, sizeof header, f) == sizeof header
                   && header[18] == 2 && header[19] == 2
                   && access (wal, F_OK) != 0 && access (dir != NULL ? dir : ".", W_OK) != 0;
  if (f != NULL)
    fclose (f);
  sqlite3_free (dir);
  sqlite3_free (wal);
  if (!readonly_wal)
    return NULL;

  /* A path in a URI escapes all but unreserved characters and '/'. */
  uri = sqlite3_str_new (NULL);
  sqlite3_str_appendall (uri, "file:");
  for (const unsigned char *p = (const unsigned char *) path; *p != '\0'; p++)
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
        || strchr ("-._~/", *p) != NULL)
      sqlite3_str_appendchar (uri, 1, (char) *p);
    else
      sqlite3_str_appendf (uri, "%%%02X", *p);
  sqlite3_str_appendall (uri, "?immutable=1");
  return sqlite3_str_finish (uri);
}

static int
open_connection (const pb_store  *s,
                 int              flags,
                 sqlite3        **out,
                 pb_error        *err)
{
  sqlite3 *db = NULL;
  char *uri = (flags & SQLITE_OPEN_READONLY) ? immutable_uri (s->path) : NULL;
  int rc = sqlite3_open_v2 (uri != NULL ? uri : s->path, &db,
                            uri != NULL ? flags | SQLITE_OPEN_URI : flags, NULL);

  sqlite3_free (uri);
  if (rc != SQLITE_OK)
    {
      rc = db == NULL ? pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path)
                      : pb_store__sql_error (s, db, rc, N_("open it"), err);
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

/*
 * SQLite reads a file cut short as if the missing bytes were zeros, and
 * zeros are often valid: a document that lost its tail could load with
 * rows missing. Its header says how many pages it has; the file must hold
 * exactly those. (In WAL mode, which older versions left after a crash,
 * the newest pages may be in the log, so only whole pages are asked for.)
 * The size is taken here, not before opening: a writer's first read may
 * have rolled back a journal, which restores the file's size.
 */
static int
check_size (const pb_store *s,
            sqlite3        *db,
            pb_error       *err)
{
  sqlite3_stmt *st = NULL;
  int64_t page_size = 0, page_count = 0;
  struct stat info;
  bool wal = false;
  int rc;

  if ((rc = pb_store__query_int (s, db, "PRAGMA page_size", &page_size, err)) != PB_OK
      || (rc = pb_store__query_int (s, db, "PRAGMA page_count", &page_count, err)) != PB_OK)
    return rc;
  rc = pb_store__prepare (s, db, "PRAGMA journal_mode", &st, err);
  if (rc == PB_OK && pb_store__step (s, st, N_("read the journal mode"), err) == SQLITE_ROW)
    wal = sqlite3_column_text (st, 0) != NULL
          && strcmp ((const char *) sqlite3_column_text (st, 0), "wal") == 0;
  sqlite3_finalize (st);
  if (rc != PB_OK)
    return rc;
  if (stat (s->path, &info) != 0)
    return pb_error_set (err, PB_EIO, _("%s: %s"), s->path, strerror (errno));
  if (page_size <= 0 || info.st_size % page_size != 0
      || (!wal && info.st_size != page_count * page_size))
    return pb_error_set (err, PB_EFORMAT, _("%s is cut short or damaged: it has %lld bytes, "
                                            "but its header declares %lld pages of %lld bytes"),
                         s->path, (long long) info.st_size, (long long) page_count,
                         (long long) page_size);
  return PB_OK;
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
  if ((rc = pb_store__query_int (s, db, "PRAGMA application_id", &app_id, err)) != PB_OK
      || (rc = pb_store__query_int (s, db, "PRAGMA user_version", &version, err)) != PB_OK
      || (rc = pb_store__query_int (s, db, "SELECT count(*) FROM sqlite_schema", &n_objects, err)) != PB_OK)
    return rc;

  if (app_id == 0 && version == 0 && n_objects == 0)
    {
      *state = DOCUMENT_EMPTY;
      if (size == 0)
        return pb_error_set (err, PB_EFORMAT, _("%s is an empty file (0 bytes), not a "
                                                "Pushback document"), s->path);
      return pb_error_set (err, PB_EFORMAT, _("%s is an empty SQLite database, not a "
                                              "Pushback document"), s->path);
    }
  if (app_id != PB_STORE_APPLICATION_ID)
    {
      if (app_id == 0)
        return pb_error_set (err, PB_EFORMAT, _("%s is an SQLite database without "
                                                "Pushback's application id: another "
                                                "application's data, not a Pushback document"),
                             s->path);
      return pb_error_set (err, PB_EFORMAT, _("%s is another application's SQLite "
                                              "database (application id 0x%08x), not a "
                                              "Pushback document"),
                           s->path, (unsigned) app_id);
    }
  if (version <= 0)
    return pb_error_set (err, PB_EFORMAT, _("%s is damaged: it has no schema version"),
                         s->path);
  if (version > s->schema->version)
    return pb_error_set (err, PB_EFORMAT, _("%s was written by a newer version of "
                                            "Pushback (schema version %lld; this one reads up to %u)"),
                         s->path, (long long) version, s->schema->version);
  rc = check_size (s, db, err);
  if (rc != PB_OK)
    return rc;

  /*
   * quick_check reads every page and checks the b-trees, in time linear in
   * the size of the file; enough for reading, as the loader checks
   * uniqueness itself. A writer runs the full integrity_check, four times
   * slower, which also matches every index against its table: a save
   * writes through the indexes, and must not spread damage.
   */
  rc = pb_store__prepare (s, db, s->mode == PB_STORE_WRITE ? "PRAGMA integrity_check(1)"
                                                 : "PRAGMA quick_check(1)", &st, err);
  if (rc != PB_OK)
    return rc;
  rc = pb_store__step (s, st, N_("check the document"), err);
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
          rc = pb_error_set (err, PB_EFORMAT, _("%s is corrupt: %s"), s->path, first);
        }
      else
        rc = PB_OK;
    }
  else if (rc == SQLITE_DONE)
    rc = pb_error_set (err, PB_EFORMAT, _("%s is corrupt"), s->path);
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
      return pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
    }
  rc = configure (s, mem, err);
  if (rc == PB_OK)
    {
      backup = sqlite3_backup_init (mem, "main", s->db, "main");
      if (backup == NULL)
        rc = pb_store__sql_error (s, mem, sqlite3_errcode (mem), N_("copy the document"), err);
      else
        {
          sqlite3_backup_step (backup, -1);
          if (sqlite3_backup_finish (backup) != SQLITE_OK)
            rc = pb_store__sql_error (s, mem, sqlite3_errcode (mem), N_("copy the document"), err);
        }
    }
  if (rc == PB_OK)
    rc = pb_store__exec (s, mem, "BEGIN", N_("migrate the document"), err);
  if (rc == PB_OK)
    {
      rc = pb_store_schema_migrate (mem, s->schema, s->file_version, s->path, err);
      if (rc == PB_OK)
        rc = pb_store__exec (s, mem, "COMMIT", N_("migrate the document"), err);
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
 * Opens a document that exists and checks it. A writer opens it for
 * writing at once, so that a save that a crash cut short (a hot journal
 * beside the file) is rolled back to the version saved before it; a reader
 * cannot, and reports it.
 */
static int
open_existing (pb_store       *s,
               off_t           size,
               document_state *state,
               pb_error       *err)
{
  int rc = open_connection (s, s->mode == PB_STORE_WRITE ? SQLITE_OPEN_READWRITE
                                                         : SQLITE_OPEN_READONLY,
                            &s->db, err);

  if (rc == PB_OK)
    rc = check_document (s, s->db, size, state, err);
  if (rc == PB_OK)
    rc = pb_store_schema_check (s->db, s->schema, s->file_version, s->path, err);
  if (rc == PB_OK)
    rc = pb_store__query_int (s, s->db, "PRAGMA schema_version", &s->schema_cookie, err);
  if (rc == PB_OK && s->file_version < s->schema->version)
    rc = migrate_in_memory (s, err);
  return rc;
}

/*
 * Starts a write transaction on the file, in a rollback journal. A
 * document is one self-contained file: it can be copied, mailed or read
 * from a read-only directory at any moment, which a write-ahead log would
 * break, since the latest saves would sit in a -wal file beside it until
 * a checkpoint that a reader can hold off indefinitely. With a rollback
 * journal, a commit writes the file itself, and waits for readers to
 * finish first. A file that an older version of Pushback left in WAL mode
 * (it crashed before it could switch back) is checkpointed and switched
 * here, before the first write.
 */
int
pb_store__begin_write (pb_store *s,
             pb_error *err)
{
  int64_t cookie = 0;
  int rc;

  if (s->mode != PB_STORE_WRITE)
    return pb_error_set (err, PB_EINVAL, _("%s is open read-only"), s->path);

  if (!s->rollback)
    {
      rc = pb_store__exec (s, s->db, "PRAGMA journal_mode = DELETE", N_("switch to a rollback journal"),
                 err);
      if (rc != PB_OK)
        return rc;
      s->rollback = true;
    }

  rc = pb_store__exec (s, s->db, "BEGIN IMMEDIATE", N_("start writing"), err);
  if (rc != PB_OK)
    return rc;
  /* Another program may have changed the schema since it was checked:
   * then what we would write through is no longer known. */
  rc = pb_store__query_int (s, s->db, "PRAGMA schema_version", &cookie, err);
  if (rc == PB_OK && cookie != s->schema_cookie)
    rc = pb_error_set (err, PB_EFORMAT, _("%s: another program changed its schema since "
                                          "it was opened; open it again"), s->path);
  if (rc != PB_OK)
    {
      sqlite3_exec (s->db, "ROLLBACK", NULL, NULL, NULL);
      return rc;
    }
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
int
pb_store__end_write (pb_store *s,
           int       rc,
           pb_error *err)
{
  if (rc == PB_OK)
    {
      rc = pb_store__exec (s, s->db, "COMMIT", N_("commit"), err);
      if (rc == PB_OK)
        {
          /* The file has the current schema now; read it directly. */
          s->file_version = s->schema->version;
          sqlite3_close (s->migrated);
          s->migrated = NULL;
          return pb_store__query_int (s, s->db, "PRAGMA schema_version", &s->schema_cookie, err);
        }
    }
  sqlite3_exec (s->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

/*
 * Opens the connection that writes. synchronous=EXTRA syncs the journal
 * and the file at every commit and, after deleting the journal (which is
 * what commits), the directory: so a save that returned survives a power
 * cut. Under FULL, a journal whose deletion was not yet on disk could come
 * back after a power cut and roll the save back; and what a person saved
 * must not be lost. The fsyncs cost a few milliseconds a save.
 */
static int
open_writer (pb_store *s,
             int       flags,
             pb_error *err)
{
  int rc = open_connection (s, SQLITE_OPEN_READWRITE | flags, &s->db, err);

  if (rc == PB_OK)
    rc = pb_store__exec (s, s->db, "PRAGMA synchronous = EXTRA", N_("configure the connection"), err);
  return rc;
}

/* Creates a new document in an empty or missing file. */
static int
create_document (pb_store *s,
                 pb_error *err)
{
  sqlite3_stmt *st = NULL;
  int rc = open_writer (s, SQLITE_OPEN_CREATE, err);
  int64_t now = pb_store__now_us ();

  if (rc != PB_OK)
    return rc;
  s->file_version = 0;
  /* An empty database has no schema to check, but may have had one: its
   * schema counter need not be 0. */
  rc = pb_store__query_int (s, s->db, "PRAGMA schema_version", &s->schema_cookie, err);
  if (rc == PB_OK)
    rc = pb_store__begin_write (s, err);
  if (rc != PB_OK)
    return rc;
  rc = pb_store__prepare (s, s->db, "UPDATE document SET created_us = ?1, modified_us = ?1, "
                "app_version = ?2", &st, err);
  if (rc == PB_OK)
    {
      sqlite3_bind_int64 (st, 1, now);
      sqlite3_bind_text (st, 2, PB_VERSION, -1, SQLITE_STATIC);
      rc = pb_store__run (s, st, err);
    }
  sqlite3_finalize (st);
  return pb_store__end_write (s, rc, err);
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
    return pb_error_set (err, PB_EINVAL, _("pb_store_open: invalid argument"));

  s = calloc (1, sizeof *s);
  if (s == NULL || (s->path = strdup (path)) == NULL)
    {
      free (s);
      return pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), path);
    }
  s->mode = mode;
  s->schema = schema;

  exists = stat (path, &st) == 0;
  missing = !exists && errno == ENOENT;
  if (!exists && (!missing || mode == PB_STORE_READ))
    rc = pb_error_set (err, errno == ENOENT ? PB_ENOENT : PB_EIO, _("%s: %s"), path,
                       strerror (errno));
  else if (exists && S_ISDIR (st.st_mode))
    rc = pb_error_set (err, PB_EFORMAT, _("%s is a directory, not a Pushback document"), path);
  else if (exists && !S_ISREG (st.st_mode))
    rc = pb_error_set (err, PB_EFORMAT, _("%s is not a regular file, so not a Pushback "
                                          "document"), path);
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

  sqlite3_close (s->migrated);
  sqlite3_close (s->db);
  free (s->layout);
  free (s->title);
  pb_store__frames_clear (&s->frames);
  free (s->info_title);
  free (s->info_app_version);
  pb_store__listing_clear (&s->runs);
  pb_store__listing_clear (&s->counters);
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
    return pb_error_set (err, PB_EINVAL, _("pb_store_get_info: invalid argument"));

  rc = pb_store__prepare (s, pb_store__reader (s), "SELECT title, created_us, modified_us, app_version "
                "FROM document WHERE id = 1", &st, err);
  if (rc == PB_OK)
    {
      rc = pb_store__step (s, st, N_("read the metadata"), err);
      if (rc == SQLITE_DONE)
        rc = pb_store__bad_row (s, err, _("the metadata row is missing"));
      else if (rc == SQLITE_ROW)
        {
          if (!pb_store__column_text (st, 0, false, &title))
            rc = pb_store__bad_row (s, err, _("the title is not text"));
          else if (!pb_store__column_int (st, 1, INT64_MIN, INT64_MAX, &created)
                   || !pb_store__column_int (st, 2, INT64_MIN, INT64_MAX, &modified))
            rc = pb_store__bad_row (s, err, _("the dates are not integers"));
          else if (!pb_store__column_text (st, 3, false, &version))
            rc = pb_store__bad_row (s, err, _("the application version is not text"));
          else if ((title_copy = strdup (title)) == NULL
                   || (version_copy = strdup (version)) == NULL)
            rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
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
