/* store-sql.c — what the parts of the store share: SQL, columns, messages
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pushback/kinds.h>

#include "i18n.h"
#include "store-private.h"

/* Names of pb_param_type values in the params table. */
const char *const pb_store__param_type_names[] = {
  [PB_PARAM_INT] = "int",
  [PB_PARAM_FLOAT] = "float",
  [PB_PARAM_STRING] = "string",
  [PB_PARAM_CHOICE] = "choice",
  [PB_PARAM_EXPR] = "expr",
  [PB_PARAM_CODE] = "code",
};


int64_t
pb_store__now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}



bool
pb_store__port_exists (const pb_graph *g,
                       pb_addr         a)
{
  const pb_kind *kind = pb_kind_find (pb_graph_process_kind (g, a));

  return kind != NULL && pb_kind_port_lookup (kind, pb_addr_port (a), NULL) != NULL;
}

bool
pb_store__text_valid (const char *s)
{
  return s == NULL || pb_utf8_valid (s, strlen (s));
}


/* "process 0:5" or "process 0:5 (name)", for messages. */
const char *
pb_store__process_label (pb_addr     process,
               const char *name,
               char        buf[LABEL_MAX])
{
  char q[PB_QUOTE_MAX];

  if (name != NULL)
    snprintf (buf, LABEL_MAX, _("process %u:%u (%s)"), pb_addr_host (process),
              pb_addr_process (process), pb_quote (name, q));
  else
    snprintf (buf, LABEL_MAX, _("process %u:%u"), pb_addr_host (process),
              pb_addr_process (process));
  return buf;
}

void
pb_store__string_list_clear (string_list *l)
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
bool
pb_store__string_list_add (string_list  *l,
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

void
pb_store__listing_clear (listing *l)
{
  free (l->items);
  pb_store__string_list_clear (&l->strings);
  memset (l, 0, sizeof *l);
}

/* Appends a copy of @item, of @size bytes. Returns: false if memory ran
 * out, leaving @l as it was. */
bool
pb_store__listing_add (listing    *l,
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
void
pb_store__listing_keep (listing *kept,
              listing *fresh)
{
  pb_store__listing_clear (kept);
  *kept = *fresh;
  memset (fresh, 0, sizeof *fresh);
}

/* The connection that reads: the migrated copy while there is one. */
sqlite3 *
pb_store__reader (const pb_store *s)
{
  return s->migrated != NULL ? s->migrated : s->db;
}

/* Fills @err for a failed SQLite call on @db, and returns its pb_result. */
int
pb_store__sql_error (const pb_store *s,
           sqlite3        *db,
           int             rc,
           const char     *doing,
           pb_error       *err)
{
  const char *message = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  if ((rc & 0xff) == SQLITE_CORRUPT)
    return pb_error_set (err, PB_EFORMAT, _("%s is corrupt: %s"), s->path, message);
  /* Translators: the second %s is what failed, such as "read the
   * document" (translated on its own), the last SQLite's English reason. */
  return pb_error_set (err, pb_store_code (rc), _("%s: cannot %s: %s"), s->path, _(doing),
                       message);
}

int
pb_store__exec (const pb_store *s,
      sqlite3        *db,
      const char     *sql,
      const char     *doing,
      pb_error       *err)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return pb_store__sql_error (s, db, rc, doing, err);
  return PB_OK;
}

int
pb_store__prepare (const pb_store  *s,
         sqlite3         *db,
         const char      *sql,
         sqlite3_stmt   **st,
         pb_error        *err)
{
  int rc = sqlite3_prepare_v2 (db, sql, -1, st, NULL);

  if (rc != SQLITE_OK)
    return pb_store__sql_error (s, db, rc, N_("query the document"), err);
  return PB_OK;
}

/* Steps @st. Returns: SQLITE_ROW, SQLITE_DONE, or a (negative) pb_result
 * for a failure, reported in @err. */
int
pb_store__step (const pb_store *s,
      sqlite3_stmt   *st,
      const char     *doing,
      pb_error       *err)
{
  int rc = sqlite3_step (st);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;
  return pb_store__sql_error (s, sqlite3_db_handle (st), rc, doing, err);
}

/* Runs @st, which returns no rows, and resets it for the next row. */
int
pb_store__run (const pb_store *s,
     sqlite3_stmt   *st,
     pb_error       *err)
{
  int rc = pb_store__step (s, st, N_("write the document"), err);

  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  return rc < 0 ? rc : PB_OK;
}

/*
 * Column readers for rows from a file that may come from anywhere: each
 * checks the storage type, so that a text where a number belongs is an
 * error rather than a 0.
 */
bool
pb_store__column_int (sqlite3_stmt *st,
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

bool
pb_store__column_address (sqlite3_stmt *st,
                int           col,
                pb_addr      *out)
{
  if (sqlite3_column_type (st, col) != SQLITE_INTEGER)
    return false;
  *out = pb_store__addr_from_sql (sqlite3_column_int64 (st, col));
  return true;
}

/* REAL columns may hold whole numbers as integers. */
bool
pb_store__column_real (sqlite3_stmt *st,
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
bool
pb_store__column_text (sqlite3_stmt  *st,
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
const char *
pb_store__column_quote (sqlite3_stmt *st,
              int           col,
              char          buf[PB_QUOTE_MAX])
{
  const char *text = (const char *) sqlite3_column_text (st, col);

  return pb_quote (text != NULL ? text : "NULL", buf);
}

/* Reports an invalid document: "PATH: what is wrong". */
int
pb_store__bad_row (const pb_store *s,
         pb_error       *err,
         const char     *format,
         ...)
{
  char what[PB_ERROR_MESSAGE_MAX];
  va_list args;

  va_start (args, format);
  vsnprintf (what, sizeof what, format, args);
  va_end (args);
  return pb_error_set (err, PB_EFORMAT, _("%s: %s"), s->path, what);
}

/* Reads one integer from a pragma or a query with no parameters. */
int
pb_store__query_int (const pb_store *s,
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
    rc = pb_error_set (err, PB_EFORMAT, _("%s is not an SQLite database, so not a "
                                          "Pushback document"), s->path);
  else if (rc == SQLITE_READONLY_ROLLBACK)
    rc = pb_error_set (err, PB_EIO, _("%s holds a save that a crash cut short, in the "
                                      "journal beside it; opening it in the editor rolls "
                                      "that save back"),
                       s->path);
  else if (rc != SQLITE_OK)
    rc = pb_store__sql_error (s, db, rc, N_("read the document"), err);
  sqlite3_finalize (st);
  return rc;
}
