/* state-mem.h — where processes keep their states (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * A process's state is plain memory its compiled code reads and writes.
 * Code a person wrote (a `c` process) may write past the end of its
 * state: in the heap, that corrupts whatever lies next to it, and the
 * application dies later, somewhere else. Such a state gets pages of its
 * own instead, with the state at their very end and a page that cannot
 * be touched after them, so the first byte written past it faults, and
 * the guard (guard.c) fails that chain alone. It costs two pages of
 * address space per state, so only code a person wrote has it.
 *
 * Once the runtime shares memory with worker processes (shared-mem.h),
 * every state is in the shared region, so that a worker can run the code
 * that uses it and the state outlives the worker.
 */

typedef struct
{
  void   *mem;    /* the state: zeroed */
  void   *map;    /* its pages, when guarded or shared; else NULL */
  size_t  map_len;
  bool    shared; /* in the shared data region (shared-mem.h) */
  bool    guarded;
} pb_state_mem;

/* Allocates @size bytes of zeroed state, @guarded as above. Returns:
 * false when out of memory. Any thread. */
bool pb__state_mem_alloc (pb_state_mem *s,
                          size_t        size,
                          bool          guarded);

/* Frees what pb__state_mem_alloc() gave, and zeroes @s. Any thread. */
void pb__state_mem_free  (pb_state_mem *s);
