/* state-mem.c — where processes keep their states
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shared-mem.h"
#include "state-mem.h"

/* States are aligned as malloc() aligns. */
#define STATE_ALIGN 16

/* In the shared data region, where a worker can run the code: whole
 * pages either way, the guard page protected in every worker. */
static bool
shared_alloc (pb_state_mem *s,
              size_t        size,
              size_t        aligned,
              bool          guarded,
              size_t        page)
{
  size_t writable = (aligned + page - 1) / page * page;
  char *map;

  if (aligned < size)
    return false;
  if (writable == 0)
    writable = page;
  s->map_len = writable + (guarded ? page : 0);
  map = pb__shared_alloc (s->map_len, PB_SHARED_DATA);
  if (map == NULL)
    return false;
  if (guarded && pb__shared_protect (map + writable, page, true) != PB_OK)
    {
      pb__shared_free (map, s->map_len, PB_SHARED_DATA);
      return false;
    }
  s->map = map;
  s->shared = true;
  s->guarded = guarded;
  s->mem = map + writable - aligned;
  return true;
}

bool
pb__state_mem_alloc (pb_state_mem *s,
                     size_t        size,
                     bool          guarded)
{
  size_t page = (size_t) sysconf (_SC_PAGESIZE);
  size_t aligned = (size + STATE_ALIGN - 1) & ~(size_t) (STATE_ALIGN - 1);
  size_t writable;
  char *map;

  *s = (pb_state_mem) { NULL, NULL, 0, false, false };
  if (pb__shared_on ())
    return shared_alloc (s, size, aligned, guarded, page);
  if (!guarded)
    {
      s->mem = calloc (1, size > 0 ? size : 1);
      return s->mem != NULL;
    }
  if (aligned < size)
    return false;
  writable = (aligned + page - 1) / page * page;
  if (writable == 0)
    writable = page;
  map = mmap (NULL, writable + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED)
    return false;
  if (mprotect (map + writable, page, PROT_NONE) != 0)
    {
      munmap (map, writable + page);
      return false;
    }
  s->map = map;
  s->map_len = writable + page;
  s->mem = map + writable - aligned;
  return true;
}

void
pb__state_mem_free (pb_state_mem *s)
{
  if (s->shared)
    {
      size_t page = (size_t) sysconf (_SC_PAGESIZE);

      if (s->guarded)
        pb__shared_protect ((char *) s->map + s->map_len - page, page, false);
      pb__shared_free (s->map, s->map_len, PB_SHARED_DATA);
    }
  else if (s->map != NULL)
    munmap (s->map, s->map_len);
  else
    free (s->mem);
  *s = (pb_state_mem) { NULL, NULL, 0, false, false };
}
