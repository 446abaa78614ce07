/* idtable.h — a hash table from 64-bit ids to pointers (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct
{
  uint64_t  key;
  void     *value; /* NULL marks an empty slot */
} pb_idtable_entry;

/*
 * An open-addressing table with linear probing, for ids that are too sparse
 * to index an array: 28-bit process ids, 20-bit hosts. A NULL value marks
 * an empty slot, so values must not be NULL, and every key, 0 included, is
 * usable. Inserting is split into a fallible pb_idtable_reserve() and an
 * infallible pb_idtable_insert(), so that a caller can allocate everything
 * an edit needs before changing anything.
 *
 * To visit every entry, walk entries[0 .. capacity) and skip those whose
 * value is NULL; the order is arbitrary, and the table must not change
 * during the walk.
 */
typedef struct
{
  pb_idtable_entry *entries;
  size_t            capacity; /* 0 or a power of two */
  size_t            count;
} pb_idtable;

/* Makes @t an empty table; it allocates nothing until the first reserve. */
void pb_idtable_init (pb_idtable *t);

/* Frees the storage of @t (not the values) and leaves it empty. */
void pb_idtable_clear (pb_idtable *t);

/* Returns: the value stored under @key, or NULL. */
void *pb_idtable_lookup (const pb_idtable *t,
                         uint64_t          key);

/* Makes room for @n more entries. Returns: false if memory ran out, in
 * which case @t is unchanged. */
bool pb_idtable_reserve (pb_idtable *t,
                         size_t      n);

/* Stores @value (not NULL) under @key, which must be absent, in room made
 * by an earlier pb_idtable_reserve(). */
void pb_idtable_insert (pb_idtable *t,
                        uint64_t    key,
                        void       *value);

/* Stores @value (not NULL) under @key, which must be present, in place of
 * the value it had; it needs no room, as the entry stays where it is. */
void pb_idtable_replace (pb_idtable *t,
                         uint64_t    key,
                         void       *value);

/* Removes @key. The table may shrink, but room made by a reserve for one
 * more entry survives. Returns: the value it had, or NULL if it was
 * absent. */
void *pb_idtable_remove (pb_idtable *t,
                         uint64_t    key);
