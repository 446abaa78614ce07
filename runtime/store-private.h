/* store-private.h — what the parts of the store share (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include <pushback/store.h>

#include "quote.h"
#include "store-schema.h"

/*
 * The store is in parts, each read top to bottom: store.c opens a
 * document, checks what it is and frames every write; store-sql.c holds
 * the helpers below; store-load.c reads a topology, store-save.c writes
 * one, store-runs.c records and lists runs. Nothing here is thread-safe:
 * a store is used by one thread at a time, as pb_store says.
 */

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

/* Frames read from a document, or checked for saving: @members holds
 * every frame's members, frame after frame. */
typedef struct
{
  pb_store_frame *frames;
  size_t          n;
  pb_addr        *members;
  string_list     strings;
} stored_frames;

struct pb_store
{
  char                  *path;
  pb_store_mode          mode;
  const pb_store_schema *schema;
  sqlite3               *db;           /* the file */
  sqlite3               *migrated;     /* a migrated copy in memory, while
                                        * the file's schema is older */
  uint32_t               file_version;
  int64_t                schema_cookie; /* the file's schema version
                                         * counter when its schema was
                                         * checked */
  bool                   rollback;     /* the file's journal mode checked,
                                        * and made a rollback journal */

  /* What pb_store_load() returned. */
  pb_store_layout       *layout;
  char                  *title;
  stored_frames          frames;
  /* What pb_store_get_info() returned. */
  char                  *info_title;
  char                  *info_app_version;
  /* What pb_store_list_runs() and pb_store_run_counters() returned. */
  listing                runs;
  listing                counters;
};

/* A row of the links table. */
typedef struct
{
  pb_addr  port;
  pb_addr  peer;
  uint32_t flags;
} link_row;

/* Names of pb_param_type values in the params table. */
extern const char *const pb_store__param_type_names[];

/* Addresses are unsigned; SQLite integers are signed: the same 64 bits. */
static inline int64_t
pb_store__addr_to_sql (pb_addr a)
{
  return (int64_t) a;
}

static inline pb_addr
pb_store__addr_from_sql (int64_t v)
{
  return (pb_addr) v;
}

/* The time of day in microseconds since the Unix epoch. */
int64_t     pb_store__now_us            (void);

/* Whether port @a exists on the kind of its process in @g. */
bool        pb_store__port_exists       (const pb_graph *g,
                                         pb_addr         a);

/* Whether @s is NULL or valid UTF-8. */
bool        pb_store__text_valid        (const char   *s);

/* Writes "process 0:5" or "process 0:5 (name)" into @buf, for messages,
 * and returns @buf. */
const char *pb_store__process_label     (pb_addr       process,
                                         const char   *name,
                                         char          buf[LABEL_MAX]);

/* String lists and listings (see the types above). _add returns false when
 * memory ran out; _keep moves @fresh into @kept, freeing what @kept had. */
void        pb_store__string_list_clear (string_list  *l);
bool        pb_store__string_list_add   (string_list  *l,
                                         const char   *s,
                                         const char  **copy);
void        pb_store__listing_clear     (listing      *l);
bool        pb_store__listing_add       (listing      *l,
                                         const void   *item,
                                         size_t        size);
void        pb_store__listing_keep      (listing      *kept,
                                         listing      *fresh);

/* The connection that reads: the migrated copy while there is one. */
sqlite3    *pb_store__reader            (const pb_store *s);

/*
 * SQL on a connection of @s. Each fills @err, naming the file, when it
 * fails, and returns a pb_result: PB_EFORMAT for a corrupt file, else
 * pb_store_code() of SQLite's result. @doing says what failed ("read the
 * document"), marked with N_() by the caller: the message translates
 * it. pb_store__step() returns SQLITE_ROW or SQLITE_DONE on success;
 * pb_store__run() steps a statement that returns no rows and resets it
 * for the next.
 */
int         pb_store__sql_error         (const pb_store *s,
                                         sqlite3        *db,
                                         int             rc,
                                         const char     *doing,
                                         pb_error       *err);
int         pb_store__exec              (const pb_store *s,
                                         sqlite3        *db,
                                         const char     *sql,
                                         const char     *doing,
                                         pb_error       *err);
int         pb_store__prepare           (const pb_store  *s,
                                         sqlite3         *db,
                                         const char      *sql,
                                         sqlite3_stmt   **st,
                                         pb_error        *err);
int         pb_store__step              (const pb_store *s,
                                         sqlite3_stmt   *st,
                                         const char     *doing,
                                         pb_error       *err);
int         pb_store__run               (const pb_store *s,
                                         sqlite3_stmt   *st,
                                         pb_error       *err);
int         pb_store__query_int         (const pb_store *s,
                                         sqlite3        *db,
                                         const char     *sql,
                                         int64_t        *out,
                                         pb_error       *err);

/*
 * Column readers for rows from a file that may come from anywhere: each
 * returns false when the value is not of the type and range asked for.
 * Text is valid UTF-8 without NUL bytes, owned by the statement.
 */
bool        pb_store__column_int        (sqlite3_stmt *st,
                                         int           col,
                                         int64_t       min,
                                         int64_t       max,
                                         int64_t      *out);
bool        pb_store__column_address    (sqlite3_stmt *st,
                                         int           col,
                                         pb_addr      *out);
bool        pb_store__column_real       (sqlite3_stmt *st,
                                         int           col,
                                         double       *out);
bool        pb_store__column_text       (sqlite3_stmt *st,
                                         int           col,
                                         bool          nullable,
                                         const char  **out);
const char *pb_store__column_quote      (sqlite3_stmt *st,
                                         int           col,
                                         char          buf[PB_QUOTE_MAX]);

/* Reports an invalid document, "PATH: what is wrong", and returns
 * PB_EFORMAT. */
int         pb_store__bad_row           (const pb_store *s,
                                         pb_error       *err,
                                         const char     *format,
                                         ...) __attribute__ ((format (printf, 3, 4)));

/*
 * Frames every write (store.c): pb_store__begin_write() starts a write
 * transaction, in a rollback journal, after checking that the store is
 * writable and that nobody changed the document's schema since it was
 * checked, and migrates the file within it when its schema is older;
 * pb_store__end_write() commits it, or rolls it back when @rc is not
 * PB_OK, and returns the first failure.
 */
int         pb_store__begin_write       (pb_store *s,
                                         pb_error *err);
int         pb_store__end_write         (pb_store *s,
                                         int       rc,
                                         pb_error *err);

/*
 * Frames (store-frames.c). pb_store__check_frames() checks @doc's frames
 * against @g before a save, copying their members into @checked;
 * pb_store__write_frames() writes them within the save's transaction;
 * pb_store__read_frames() reads the saved ones through @db, checking them
 * against @g, or as they lie within a save when @g is NULL (see there).
 * Each fills @err and returns a
 * pb_result; pb_store__frames_clear() frees what they filled.
 */
int         pb_store__check_frames      (const pb_store      *s,
                                         const pb_graph      *g,
                                         const pb_store_doc  *doc,
                                         stored_frames       *checked,
                                         pb_error            *err);
int         pb_store__write_frames      (pb_store            *s,
                                         const pb_store_doc  *doc,
                                         const stored_frames *checked,
                                         pb_error            *err);
int         pb_store__read_frames       (const pb_store      *s,
                                         sqlite3             *db,
                                         const pb_graph      *g,
                                         stored_frames       *frames,
                                         pb_error            *err);
void        pb_store__frames_clear      (stored_frames       *frames);
