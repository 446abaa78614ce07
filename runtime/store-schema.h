/* store-schema.h — the tables of a document and their migrations (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdint.h>

#include <sqlite3.h>

#include <pushback/error.h>
#include <pushback/store.h>

/*
 * A schema is the list of steps that build it: step v takes a document of
 * version v to version v + 1, so step 0 creates the tables in an empty
 * database, and a document of any older version reaches the current one by
 * the steps after its own. A released step never changes; a new version
 * appends one. Steps run inside a transaction with foreign keys on, so a
 * step that rebuilds a table must leave every key satisfied at commit.
 */
typedef struct
{
  const char *const *steps;
  uint32_t           version; /* how many steps: the version they reach */
} pb_store_schema;

/*
 * The pb_result for an SQLite result code: memory, the system (I/O, locks,
 * permissions, a full disk), or else the document itself.
 */
static inline int
pb_store_code (int sqlite_rc)
{
  switch (sqlite_rc & 0xff)
    {
    case SQLITE_NOMEM:
      return PB_ENOMEM;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_PROTOCOL:
    case SQLITE_INTERRUPT:
    case SQLITE_ABORT:
      return PB_EIO;
    default:
      return PB_EFORMAT;
    }
}

/* The schema of PB_STORE_SCHEMA_VERSION. */
extern const pb_store_schema pb_store_schema_current;

/*
 * Runs the steps that take @db from version @from (0 for an empty
 * database) to @schema->version, and records the version, and from 0 the
 * application id, in the header. It runs inside the caller's write
 * transaction, so that a failed step leaves nothing behind. @path names
 * the file in messages.
 *
 * Returns: PB_OK; PB_EFORMAT if @from is newer than @schema or a step
 *   fails on this document; PB_EIO or PB_ENOMEM from SQLite.
 */
int pb_store_schema_migrate (sqlite3               *db,
                             const pb_store_schema *schema,
                             uint32_t               from,
                             const char            *path,
                             pb_error              *err);

/*
 * Compares the schema of @db, a document of version @version, with the
 * one @schema's steps build for that version: the same tables, each with
 * the same columns (names, types, NOT NULL, defaults, keys), foreign keys
 * and their actions, indexes, options and constraints, and nothing else
 * (no other table, index, trigger or view). A document is never trusted:
 * a foreign key, trigger or view that a file adds would otherwise act on
 * our writes. @path names the file in messages, which say what differs.
 *
 * Returns: PB_OK; PB_EFORMAT if the schemas differ; PB_EIO or PB_ENOMEM
 *   from SQLite.
 */
int pb_store_schema_check (sqlite3               *db,
                           const pb_store_schema *schema,
                           uint32_t               version,
                           const char            *path,
                           pb_error              *err);

/*
 * pb_store_open() with another schema than the current one, so that tests
 * can prove the migration path on a document of today's version with a
 * schema of tomorrow's.
 */
int pb_store_open_with_schema (const char             *path,
                               pb_store_mode           mode,
                               const pb_store_schema  *schema,
                               pb_store              **store,
                               pb_error               *err);
