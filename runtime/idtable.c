/* idtable.c — a hash table from 64-bit ids to pointers
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>

#include "idtable.h"

/* Small tables are not worth shrinking further than this. */
#define MIN_CAPACITY 16

/*
 * Ids are often sequential and differ only in their low bits, while the
 * table uses the low bits of the hash as the slot: the splitmix64 finaliser
 * spreads every input bit over the whole word, so runs of ids do not pile
 * up into long probe sequences.
 */
static size_t
slot_of (uint64_t key,
         size_t   mask)
{
  key ^= key >> 30;
  key *= UINT64_C (0xbf58476d1ce4e5b9);
  key ^= key >> 27;
  key *= UINT64_C (0x94d049bb133111eb);
  key ^= key >> 31;
  return (size_t) key & mask;
}

/* Returns: the slot that holds @key, or the empty slot where it would go. */
static size_t
find_slot (const pb_idtable *t,
           uint64_t          key)
{
  size_t mask = t->capacity - 1;
  size_t i = slot_of (key, mask);

  while (t->entries[i].value != NULL && t->entries[i].key != key)
    i = (i + 1) & mask;
  return i;
}

static bool
resize (pb_idtable *t,
        size_t      capacity)
{
  pb_idtable old = *t;
  size_t i;

  t->entries = calloc (capacity, sizeof *t->entries);
  if (t->entries == NULL)
    {
      *t = old;
      return false;
    }
  t->capacity = capacity;
  for (i = 0; i < old.capacity; i++)
    if (old.entries[i].value != NULL)
      t->entries[find_slot (t, old.entries[i].key)] = old.entries[i];
  free (old.entries);
  return true;
}

void
pb_idtable_init (pb_idtable *t)
{
  t->entries = NULL;
  t->capacity = 0;
  t->count = 0;
}

void
pb_idtable_clear (pb_idtable *t)
{
  free (t->entries);
  pb_idtable_init (t);
}

void *
pb_idtable_lookup (const pb_idtable *t,
                   uint64_t          key)
{
  if (t->count == 0)
    return NULL;
  return t->entries[find_slot (t, key)].value;
}

bool
pb_idtable_reserve (pb_idtable *t,
                    size_t      n)
{
  size_t capacity = t->capacity != 0 ? t->capacity : MIN_CAPACITY;

  /* Linear probing stays short while at most half the slots are used. */
  if (n > SIZE_MAX / 4 - t->count)
    return false;
  while (capacity < (t->count + n) * 2)
    capacity *= 2;
  if (capacity == t->capacity)
    return true;
  return resize (t, capacity);
}

void
pb_idtable_insert (pb_idtable *t,
                   uint64_t    key,
                   void       *value)
{
  size_t i = find_slot (t, key);

  t->entries[i].key = key;
  t->entries[i].value = value;
  t->count++;
}

void
pb_idtable_replace (pb_idtable *t,
                    uint64_t    key,
                    void       *value)
{
  t->entries[find_slot (t, key)].value = value;
}

void *
pb_idtable_remove (pb_idtable *t,
                   uint64_t    key)
{
  size_t mask = t->capacity - 1;
  size_t i, j;
  void *value;

  if (t->count == 0)
    return NULL;
  i = find_slot (t, key);
  value = t->entries[i].value;
  if (value == NULL)
    return NULL;

  /* Close the gap instead of leaving a tombstone: each later entry of the
   * same run moves back into the hole if the hole lies between its home
   * slot and where it sits, so every lookup still finds it. */
  for (j = (i + 1) & mask; t->entries[j].value != NULL; j = (j + 1) & mask)
    {
      size_t home = slot_of (t->entries[j].key, mask);

      if (((j - home) & mask) >= ((j - i) & mask))
        {
          t->entries[i] = t->entries[j];
          i = j;
        }
    }
  t->entries[i].key = 0;
  t->entries[i].value = NULL;
  t->count--;

  /* Memory follows the number of entries. Shrinking is only an economy:
   * if it cannot allocate, the larger table keeps working. It leaves the
   * table under a quarter full, so room reserved for one more entry
   * survives it. */
  if (t->capacity > MIN_CAPACITY && t->count * 8 < t->capacity)
    resize (t, t->capacity / 2);
  return value;
}
