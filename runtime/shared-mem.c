/* shared-mem.c — memory the runtime shares with its worker processes
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * Each region is one memfd, sized sparse and mapped whole at start, so a
 * forked worker has it at the same address. Pages are handed out as runs:
 * a run freed goes back to the system (its range is punched out of the
 * memfd, which also zeroes it) and onto a list of free runs of its length,
 * from which the next allocation of that length takes it; longer runs are
 * split first-fit. The lists are this process's own (workers never
 * allocate), under one mutex.
 *
 * The guard bitmap (a bit per data page, set when the page must fault)
 * lives at the start of the data region, where workers read it, with an
 * epoch that changes with it.
 */


#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "i18n.h"
#include "shared-mem.h"

/* Address space only: pages cost memory when touched. */
#define DATA_BYTES (UINT64_C (64) << 30)
#define CODE_BYTES (UINT64_C (4) << 30)
#define COMPILE_BYTES (UINT64_C (1) << 30)
/* Runs shorter than this many pages have a free list of their own. */
#define N_BINS 64

typedef struct
{
  size_t  first;   /* page index */
  size_t  n;       /* pages */
} run;

typedef struct
{
  run    *runs;
  size_t  n_runs;
  size_t  room;
} run_list;

typedef struct
{
  int       fd;
  char     *base;
  size_t    n_pages;
  size_t    top;           /* pages ever handed out: the rest is untouched */
  run_list  bins[N_BINS];  /* free runs of exactly i pages */
  run_list  long_runs;     /* free runs of N_BINS pages or more */
} region;

/* What workers read, at the start of the data region. */
typedef struct
{
  _Atomic uint64_t epoch;
  _Atomic size_t   top;    /* data pages the bitmap may have set */
  uint8_t          bits[]; /* a bit per data page: inaccessible */
} guard_map;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool on;
static region regions[3];
static size_t page;
static guard_map *guards;
static size_t guard_pages;  /* the data pages the map itself takes */

/* In a worker: the bitmap its mappings follow, and the epoch it was
 * brought in line with. Copied from the parent's at fork. */
static uint8_t *applied;
static size_t applied_len;
static uint64_t applied_epoch;

static int
region_init (region      *r,
             const char  *name,
             uint64_t     bytes,
             int          prot)
{
  r->fd = memfd_create (name, MFD_CLOEXEC);
  if (r->fd < 0)
    return -1;
  if (ftruncate (r->fd, (off_t) bytes) != 0)
    {
      close (r->fd);
      return -1;
    }
  r->base = mmap (NULL, bytes, prot, MAP_SHARED | MAP_NORESERVE, r->fd, 0);
  if (r->base == MAP_FAILED)
    {
      close (r->fd);
      r->base = NULL;
      return -1;
    }
  r->n_pages = bytes / page;
  return 0;
}

int
pb__shared_init (pb_error *err)
{
  size_t map_bytes;
  int rc = PB_OK;

  if (atomic_load (&on))
    return PB_OK;
  pthread_mutex_lock (&lock);
  if (atomic_load (&on))
    goto out;
  page = (size_t) sysconf (_SC_PAGESIZE);
  if (region_init (&regions[PB_SHARED_DATA], "pushback-data", DATA_BYTES,
                   PROT_READ | PROT_WRITE) != 0)
    {
      rc = pb_error_set (err, PB_ENOMEM, _("cannot make shared memory: %s"), strerror (errno));
      goto out;
    }
  if (region_init (&regions[PB_SHARED_CODE], "pushback-code", CODE_BYTES,
                   PROT_READ | PROT_WRITE | PROT_EXEC) != 0)
    {
      rc = pb_error_set (err, PB_ENOMEM, _("cannot make shared memory for code: %s"),
                         strerror (errno));
      munmap (regions[PB_SHARED_DATA].base, DATA_BYTES);
      close (regions[PB_SHARED_DATA].fd);
      memset (regions, 0, sizeof regions);
      goto out;
    }
  if (region_init (&regions[PB_SHARED_COMPILE], "pushback-compile", COMPILE_BYTES,
                   PROT_READ | PROT_WRITE) != 0)
    {
      rc = pb_error_set (err, PB_ENOMEM, _("cannot make shared memory: %s"), strerror (errno));
      for (int i = 0; i < 2; i++)
        {
          munmap (regions[i].base, regions[i].n_pages * page);
          close (regions[i].fd);
        }
      memset (regions, 0, sizeof regions);
      goto out;
    }
  map_bytes = sizeof (guard_map) + regions[PB_SHARED_DATA].n_pages / 8;
  guard_pages = (map_bytes + page - 1) / page;
  guards = (guard_map *) regions[PB_SHARED_DATA].base;
  regions[PB_SHARED_DATA].top = guard_pages;
  atomic_store (&on, true);
out:
  pthread_mutex_unlock (&lock);
  return rc;
}

bool
pb__shared_on (void)
{
  return atomic_load (&on);
}

bool
pb__shared_contains (const void *mem)
{
  const char *p = mem;

  if (!atomic_load (&on))
    return false;
  for (int i = 0; i < 3; i++)
    if (p >= regions[i].base && p < regions[i].base + regions[i].n_pages * page)
      return true;
  return false;
}

static bool
list_push (run_list *l,
           run       r)
{
  if (l->n_runs == l->room)
    {
      size_t room = l->room ? 2 * l->room : 16;
      run *more = realloc (l->runs, room * sizeof *more);

      if (more == NULL)
        return false;
      l->runs = more;
      l->room = room;
    }
  l->runs[l->n_runs++] = r;
  return true;
}

/* Takes a free run of @n pages: the last freed of its length, else the
 * first long enough, split. Returns: its first page, or SIZE_MAX. */
static size_t
take_free (region *r,
           size_t  n)
{
  run_list *l;

  if (n < N_BINS && r->bins[n].n_runs > 0)
    return r->bins[n].runs[--r->bins[n].n_runs].first;
  l = &r->long_runs;
  for (size_t i = 0; i < l->n_runs; i++)
    if (l->runs[i].n >= n)
      {
        size_t first = l->runs[i].first;
        run rest = { first + n, l->runs[i].n - n };

        l->runs[i] = l->runs[--l->n_runs];
        /* The rest was punched when it was freed: still zero. */
        if (rest.n > 0)
          list_push (rest.n < N_BINS ? &r->bins[rest.n] : l, rest);
        return first;
      }
  return SIZE_MAX;
}

void *
pb__shared_alloc (size_t           size,
                  pb_shared_region which)
{
  region *r = &regions[which];
  size_t n, first;

  if (!atomic_load (&on) || size == 0)
    return NULL;
  n = (size + page - 1) / page;
  if (n == 0)
    return NULL;
  pthread_mutex_lock (&lock);
  first = take_free (r, n);
  if (first == SIZE_MAX)
    {
      if (r->top + n > r->n_pages || r->top + n < r->top)
        {
          pthread_mutex_unlock (&lock);
          return NULL;
        }
      first = r->top;
      r->top += n;
      if (which == PB_SHARED_DATA)
        atomic_store (&guards->top, r->top);
    }
  pthread_mutex_unlock (&lock);
  return r->base + first * page;
}

void
pb__shared_free (void            *mem,
                 size_t           size,
                 pb_shared_region which)
{
  region *r = &regions[which];
  run freed;

  if (mem == NULL || size == 0)
    return;
  freed.first = (size_t) ((char *) mem - r->base) / page;
  freed.n = (size + page - 1) / page;
  /* Back to the system, and zero for the next taker. Short runs of code
   * stay: every compile takes and gives some back, libtcc overwrites
   * them, and keeping them spares each process a page fault per page. */
  if (which == PB_SHARED_DATA || freed.n >= N_BINS)
    fallocate (r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
               (off_t) (freed.first * page), (off_t) (freed.n * page));
  pthread_mutex_lock (&lock);
  /* Out of memory for the list: the pages are lost to reuse, not to the
   * system, which already has them back. */
  list_push (freed.n < N_BINS ? &r->bins[freed.n] : &r->long_runs, freed);
  pthread_mutex_unlock (&lock);
}

int
pb__shared_protect (void   *mem,
                    size_t  size,
                    bool    none)
{
  size_t first = (size_t) ((char *) mem - regions[PB_SHARED_DATA].base) / page;
  size_t n = size / page;

  if (mprotect (mem, size, none ? PROT_NONE : PROT_READ | PROT_WRITE) != 0)
    return PB_ENOMEM;
  pthread_mutex_lock (&lock);
  for (size_t i = first; i < first + n; i++)
    {
      uint8_t bit = (uint8_t) (1u << (i % 8));

      if (none)
        guards->bits[i / 8] |= bit;
      else
        guards->bits[i / 8] &= (uint8_t) ~bit;
    }
  atomic_fetch_add (&guards->epoch, 1);
  pthread_mutex_unlock (&lock);
  return PB_OK;
}

void
pb__shared_fork_begin (void)
{
  size_t len;

  pthread_mutex_lock (&lock);
  if (!atomic_load (&on))
    return;
  /* The child's mappings are ours as they are now: so is this copy. */
  len = (regions[PB_SHARED_DATA].top + 7) / 8;
  free (applied);
  applied = malloc (len);
  applied_len = applied != NULL ? len : 0;
  if (applied != NULL)
    memcpy (applied, guards->bits, len);
  applied_epoch = atomic_load (&guards->epoch);
}

void
pb__shared_fork_end (void)
{
  pthread_mutex_unlock (&lock);
}

/* Sets pages [@from, @to) of the data region as the bitmap says. */
static void
apply_run (size_t from,
           size_t to,
           bool   none)
{
  if (from < to)
    mprotect (regions[PB_SHARED_DATA].base + from * page, (to - from) * page,
              none ? PROT_NONE : PROT_READ | PROT_WRITE);
}

/* Maps @bytes at @at again from @r's memfd, opened anew read-only. */
static int
remap_read_only (const region *r,
                 char         *at,
                 size_t        bytes,
                 int           prot)
{
  char path[64];
  int fd;
  void *mapped;

  snprintf (path, sizeof path, "/proc/self/fd/%d", r->fd);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  mapped = mmap (at, bytes, prot, MAP_SHARED | MAP_FIXED | MAP_NORESERVE, fd,
                 (off_t) (at - r->base));
  close (fd);
  return mapped == at ? 0 : -1;
}

int
pb__shared_seal (void)
{
  region *code = &regions[PB_SHARED_CODE];
  region *data = &regions[PB_SHARED_DATA];
  region *compile = &regions[PB_SHARED_COMPILE];

  if (remap_read_only (code, code->base, code->n_pages * page, PROT_READ | PROT_EXEC) != 0
      || remap_read_only (data, data->base, guard_pages * page, PROT_READ) != 0
      || munmap (compile->base, compile->n_pages * page) != 0)
    return -1;
  return 0;
}

void
pb__shared_sync (void)
{
  uint64_t epoch;
  size_t top, len;

  if (guards == NULL)
    return;
  epoch = atomic_load (&guards->epoch);
  if (epoch == applied_epoch)
    return;
  top = atomic_load (&guards->top);
  len = (top + 7) / 8;
  if (len > applied_len)
    {
      uint8_t *more = realloc (applied, len);

      if (more == NULL)
        return;
      memset (more + applied_len, 0, len - applied_len);
      applied = more;
      applied_len = len;
    }
  /* Byte by byte, then the pages of each byte that changed, in runs. */
  for (size_t i = 0; i < len; i++)
    {
      uint8_t want = atomic_load_explicit ((_Atomic uint8_t *) &guards->bits[i],
                                           memory_order_relaxed);

      if (want == applied[i])
        continue;
      for (size_t b = 0; b < 8; b++)
        {
          bool w = want & (1u << b);

          if (w != (bool) (applied[i] & (1u << b)))
            apply_run (i * 8 + b, i * 8 + b + 1, w);
        }
      applied[i] = want;
    }
  applied_epoch = epoch;
}
