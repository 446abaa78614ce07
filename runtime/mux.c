/* mux.c — the resource scheduler of micro-processes
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include <pushback/error.h>
#include <pushback/mux.h>

#include "bitvec.h"
#include "clock.h"

/* Most processes have few dependencies, which are kept in the slot. */
#define PROC_INLINE_DEPS 6

/*
 * A process slot, indexed by pid: one cache line, which is all that
 * running a candidate reads. What a step needs to know about every pid is
 * in the stamps, apart, so that it stays in the first-level cache.
 */
typedef struct
{
  pb_mux_fn  fn;     /* NULL while the slot is free */
  void      *data;
  uint64_t   calls;
  uint64_t   ticks;
  uint32_t   n_deps; /* sorted, without duplicates */
  union
  {
    uint32_t  inline_deps[PROC_INLINE_DEPS];
    uint32_t *deps;
  } u;
} proc;

_Static_assert (sizeof (proc) == 64, "a slot fills one cache line");

/*
 * The processes that depend on one resource, in the order they were added.
 * Most resources have one or two, which are kept inline.
 */
#define INDEX_INLINE 2

typedef struct
{
  uint32_t n;
  uint32_t cap; /* 0 while the pids are inline */
  union
  {
    uint32_t  inline_pids[INDEX_INLINE];
    uint32_t *pids;
  } u;
} index_entry;

/*
 * The index is kept in leaves of the resources of a leaf of the bit
 * vectors, to which it is attached: a step finds the processes of a set bit
 * without a lookup. Every resource in use has its leaves, allocated by
 * pb_mux_when(). The availability vector owns the index leaves.
 */
#define INDEX_LEAF_SIZE (1u << PB_BITVEC_LEAF_SHIFT)

typedef struct
{
  index_entry e[INDEX_LEAF_SIZE];
} index_leaf;

struct pb_mux
{
  proc           *procs;        /* aligned to cache lines */
  size_t          procs_len;    /* one past the highest pid ever used */
  size_t          procs_cap;
  size_t          n_procs;
  uint32_t       *stamps;       /* per pid: see pb_mux_step() */
  size_t          stamps_cap;

  uint64_t       *pid_used;     /* one bit per pid */
  size_t          pid_words;
  size_t          pid_hint;     /* every word below this one is full */

  uint32_t       *cand;         /* candidates of the current pass */
  size_t          n_cand;
  size_t          cand_cap;     /* above the most processes ever held */

  uint32_t        stamp;        /* the last stamp a step has used */
  uint32_t        pass;         /* the stamp of the running pass */
  bool            stepping;
  /* A step that yielded: which pass it stopped in (0: none, 1: the
   * availability pass, 2: the error pass), and the next candidate. */
  int             resume_phase;
  size_t          resume;
  pb_mux_yield_fn yield;
  void           *yield_data;

  pb_mux_fail_fn  on_fail;
  void           *on_fail_data;

  pb_bitvec       avail;
  pb_bitvec       error;
};

static inline const uint32_t *
proc_deps (const proc *p)
{
  return p->n_deps <= PROC_INLINE_DEPS ? p->u.inline_deps : p->u.deps;
}

static inline uint32_t *
entry_pids (index_entry *e)
{
  return e->cap != 0 ? e->u.pids : e->u.inline_pids;
}

/* Returns: the entry of @resource, which some process depends on. */
static inline index_entry *
index_at (const pb_mux *m,
          uint32_t      resource)
{
  index_leaf *leaf = pb_bitvec_leaf_allocated (&m->avail, resource)->user;

  return &leaf->e[resource % INDEX_LEAF_SIZE];
}

/* Makes room in the index for one more process on @resource, whose leaves
 * are given. */
static bool
index_reserve (uint32_t    resource,
               pb_bitleaf *avail_leaf,
               pb_bitleaf *error_leaf)
{
  index_entry *e;
  uint32_t *pids;
  uint32_t cap;

  if (avail_leaf->user == NULL
      && (avail_leaf->user = calloc (1, sizeof (index_leaf))) == NULL)
    return false;
  error_leaf->user = avail_leaf->user;
  e = &((index_leaf *) avail_leaf->user)->e[resource % INDEX_LEAF_SIZE];
  if (e->n < (e->cap != 0 ? e->cap : INDEX_INLINE))
    return true;

  cap = e->cap != 0 ? e->cap * 2 : INDEX_INLINE * 2;
  pids = realloc (e->cap != 0 ? e->u.pids : NULL, cap * sizeof *pids);
  if (pids == NULL)
    return false;
  if (e->cap == 0)
    memcpy (pids, e->u.inline_pids, sizeof e->u.inline_pids);
  e->u.pids = pids;
  e->cap = cap;
  return true;
}

/* Removes @pid from the processes of @resource, keeping their order. */
static void
index_drop (pb_mux   *m,
            uint32_t  resource,
            uint32_t  pid)
{
  index_entry *e = index_at (m, resource);
  uint32_t *pids = entry_pids (e);
  uint32_t i = 0;

  while (pids[i] != pid)
    i++;
  memmove (pids + i, pids + i + 1, (e->n - i - 1) * sizeof *pids);
  e->n--;

  /* Going back inline keeps the memory of a resource that once had many
   * processes in proportion to those it has now. */
  if (e->cap != 0 && e->n <= INDEX_INLINE)
    {
      memcpy (e->u.inline_pids, pids, e->n * sizeof *pids);
      free (pids);
      e->cap = 0;
    }
}

static void
index_leaf_free (void *user)
{
  index_leaf *leaf = user;

  for (size_t i = 0; i < INDEX_LEAF_SIZE; i++)
    if (leaf->e[i].cap != 0)
      free (leaf->e[i].u.pids);
  free (leaf);
}

/* Returns: the slot of @pid if it holds a process, else NULL. */
static proc *
lookup (const pb_mux *m,
        uint32_t      pid)
{
  if (pid >= m->procs_len || m->procs[pid].fn == NULL)
    return NULL;
  return &m->procs[pid];
}

/* Returns: the lowest free pid, above UINT32_MAX when none is left. */
static uint64_t
lowest_free_pid (const pb_mux *m)
{
  for (size_t w = m->pid_hint; w < m->pid_words; w++)
    if (m->pid_used[w] != UINT64_MAX)
      return (uint64_t) w * 64 + (uint64_t) __builtin_ctzll (~m->pid_used[w]);
  return (uint64_t) m->pid_words * 64;
}

static size_t
grown_capacity (size_t cap,
                size_t need)
{
  size_t new_cap = cap != 0 ? cap : 64;

  while (new_cap < need)
    new_cap *= 2;
  return new_cap;
}

/* Returns: @array, of @cap elements of @size bytes, grown to hold at least
 * @need of them, new ones zeroed; NULL if memory ran out, @array being
 * left as it was. */
static void *
grow (void   *array,
      size_t *cap,
      size_t  need,
      size_t  size)
{
  size_t new_cap;
  char *p;

  if (need <= *cap)
    return array;
  new_cap = grown_capacity (*cap, need);
  p = realloc (array, new_cap * size);
  if (p == NULL)
    return NULL;
  memset (p + *cap * size, 0, (new_cap - *cap) * size);
  *cap = new_cap;
  return p;
}

/* Grows the slot array to hold pid @need - 1. It is aligned by hand, since
 * realloc() cannot keep an alignment: a slot across two cache lines would
 * cost a step two misses. */
static bool
reserve_procs (pb_mux *m,
               size_t  need)
{
  size_t cap;
  proc *procs;

  if (need <= m->procs_cap)
    return true;
  cap = grown_capacity (m->procs_cap, need);
  procs = aligned_alloc (64, cap * sizeof *procs);
  if (procs == NULL)
    return false;
  if (m->procs_len > 0)
    memcpy (procs, m->procs, m->procs_len * sizeof *procs);
  free (m->procs);
  m->procs = procs;
  m->procs_cap = cap;
  return true;
}

static int
compare_ids (const void *a,
             const void *b)
{
  uint32_t x = *(const uint32_t *) a;
  uint32_t y = *(const uint32_t *) b;

  return (x > y) - (x < y);
}

/* Sorts @ids and drops duplicates. Returns: how many are left. */
static size_t
sort_unique (uint32_t *ids,
             size_t    n)
{
  size_t kept = 1;

  qsort (ids, n, sizeof *ids, compare_ids);
  for (size_t i = 1; i < n; i++)
    if (ids[i] != ids[kept - 1])
      ids[kept++] = ids[i];
  return kept;
}

pb_mux *
pb_mux_new (void)
{
  pb_mux *m = calloc (1, sizeof *m);

  if (m == NULL)
    return NULL;
  pb_bitvec_init (&m->avail);
  pb_bitvec_init (&m->error);
  return m;
}

void
pb_mux_free (pb_mux *m)
{
  if (m == NULL)
    return;
  for (size_t pid = 0; pid < m->procs_len; pid++)
    if (m->procs[pid].fn != NULL && m->procs[pid].n_deps > PROC_INLINE_DEPS)
      free (m->procs[pid].u.deps);
  pb_bitvec_release (&m->avail, index_leaf_free);
  pb_bitvec_release (&m->error, NULL);
  free (m->procs);
  free (m->stamps);
  free (m->pid_used);
  free (m->cand);
  free (m);
}

int
pb_mux_when (pb_mux          *m,
             const uint32_t  *deps,
             size_t           n_deps,
             pb_mux_fn        fn,
             void            *data,
             uint32_t        *pid)
{
  uint64_t id;
  uint32_t *ids, *stamps, *cand;
  uint64_t *pid_used;
  size_t n;
  proc *p;

  if (deps == NULL || n_deps == 0 || fn == NULL)
    return PB_EINVAL;
  id = lowest_free_pid (m);
  if (id > UINT32_MAX)
    return PB_ENOSPC;
  if (n_deps > UINT32_MAX || n_deps > SIZE_MAX / sizeof *ids)
    return PB_ENOMEM;
  ids = malloc (n_deps * sizeof *ids);
  if (ids == NULL)
    return PB_ENOMEM;
  memcpy (ids, deps, n_deps * sizeof *ids);
  n = sort_unique (ids, n_deps);

  /* Allocate everything before changing anything, so that running out of
   * memory leaves the mux as it was. What was allocated stays: larger
   * arrays, empty leaves and roomier index entries are valid states. The
   * leaves of the dependencies are allocated in both vectors so that
   * setting a bit of a resource in use never needs memory. */
  if (!reserve_procs (m, (size_t) id + 1))
    goto nomem;
  stamps = grow (m->stamps, &m->stamps_cap, (size_t) id + 1, sizeof *stamps);
  if (stamps == NULL)
    goto nomem;
  m->stamps = stamps;
  pid_used = grow (m->pid_used, &m->pid_words, (size_t) (id / 64) + 1,
                   sizeof *pid_used);
  if (pid_used == NULL)
    goto nomem;
  m->pid_used = pid_used;
  cand = grow (m->cand, &m->cand_cap, m->n_procs + 2, sizeof *cand);
  if (cand == NULL)
    goto nomem;
  m->cand = cand;
  for (size_t i = 0; i < n; i++)
    {
      pb_bitleaf *avail_leaf = pb_bitvec_ensure_leaf (&m->avail, ids[i]);
      pb_bitleaf *error_leaf = pb_bitvec_ensure_leaf (&m->error, ids[i]);

      if (avail_leaf == NULL || error_leaf == NULL
          || !index_reserve (ids[i], avail_leaf, error_leaf))
        goto nomem;
    }

  for (size_t i = 0; i < n; i++)
    {
      index_entry *e = index_at (m, ids[i]);

      entry_pids (e)[e->n++] = (uint32_t) id;
    }
  p = &m->procs[id];
  p->fn = fn;
  p->data = data;
  p->calls = 0;
  p->ticks = 0;
  p->n_deps = (uint32_t) n;
  if (n <= PROC_INLINE_DEPS)
    {
      memcpy (p->u.inline_deps, ids, n * sizeof *ids);
      free (ids);
    }
  else
    {
      uint32_t *shrunk = realloc (ids, n * sizeof *ids);

      p->u.deps = shrunk != NULL ? shrunk : ids;
    }

  m->pid_used[id / 64] |= UINT64_C (1) << (id % 64);
  m->pid_hint = (size_t) (id / 64);
  if (id >= m->procs_len)
    m->procs_len = (size_t) id + 1;
  m->n_procs++;
  m->stamps[id] = m->stepping ? m->pass + 1 : 0;
  if (pid != NULL)
    *pid = (uint32_t) id;
  return PB_OK;

nomem:
  free (ids);
  return PB_ENOMEM;
}

/* Removes the process in slot @pid, which must hold one. */
static void
remove_slot (pb_mux   *m,
             uint32_t  pid)
{
  proc *p = &m->procs[pid];
  const uint32_t *ids = proc_deps (p);

  for (uint32_t i = 0; i < p->n_deps; i++)
    index_drop (m, ids[i], pid);
  if (p->n_deps > PROC_INLINE_DEPS)
    free (p->u.deps);
  p->fn = NULL;
  p->data = NULL;
  p->n_deps = 0;
  m->stamps[pid] = 0;
  m->pid_used[pid / 64] &= ~(UINT64_C (1) << (pid % 64));
  if (pid / 64 < m->pid_hint)
    m->pid_hint = pid / 64;
  m->n_procs--;
}

int
pb_mux_remove (pb_mux   *m,
               uint32_t  pid)
{
  if (lookup (m, pid) == NULL)
    return PB_ENOENT;
  remove_slot (m, pid);
  return PB_OK;
}

void
pb_mux_set_avail (pb_mux   *m,
                  uint32_t  resource,
                  bool      on)
{
  /* Setting can fail only for a resource no process depends on, as
   * pb_mux_when() allocates the leaves of dependencies; the bit is then
   * lost, which this function has no way to report. */
  if (on)
    pb_bitvec_set (&m->avail, resource);
  else
    pb_bitvec_unset (&m->avail, resource);
}

void
pb_mux_set_error (pb_mux   *m,
                  uint32_t  resource,
                  bool      on)
{
  if (on)
    pb_bitvec_set (&m->error, resource);
  else
    pb_bitvec_unset (&m->error, resource);
}

bool
pb_mux_get_avail (const pb_mux *m,
                  uint32_t      resource)
{
  return pb_bitvec_get (&m->avail, resource);
}

bool
pb_mux_get_error (const pb_mux *m,
                  uint32_t      resource)
{
  return pb_bitvec_get (&m->error, resource);
}

/*
 * Lists the processes of one set bit as candidates, skipping those already
 * listed in this pass: their stamp says so, which saves clearing a set on
 * every pass. Processes added during the step have a stamp that keeps
 * them off the list (see pb_mux_step()).
 *
 * Whether a process is new to the list is as good as random, so the list
 * is written without a branch: every pid is stored, and the length grows
 * only for new ones. The list has one spare element for that. The slots
 * of candidates are fetched into the cache meanwhile, for the recheck.
 */
static void
gather_resource (void     *data,
                 void     *user,
                 uint32_t  resource)
{
  pb_mux *m = data;
  index_leaf *leaf = user;
  index_entry *e;
  const uint32_t *pids;
  uint32_t *stamps = m->stamps;
  const proc *procs = m->procs;
  uint32_t *cand = m->cand;
  uint32_t pass = m->pass;
  size_t n_cand = m->n_cand;
  uint32_t n;

  if (leaf == NULL)
    return;
  e = &leaf->e[resource % INDEX_LEAF_SIZE];
  pids = entry_pids (e);
  n = e->n;
  for (uint32_t i = 0; i < n; i++)
    {
      uint32_t pid = pids[i];
      bool fresh = stamps[pid] != pass;

      stamps[pid] = pass;
      cand[n_cand] = pid;
      n_cand += fresh;
      __builtin_prefetch (&procs[pid]);
    }
  m->n_cand = n_cand;
}

static inline bool
deps_ready (const pb_bitvec *avail,
            const proc      *p)
{
  const uint32_t *deps = proc_deps (p);

  for (uint32_t i = 0; i < p->n_deps; i++)
    if (!pb_bitvec_get (avail, deps[i]))
      return false;
  return true;
}

/*
 * Runs the body of @pid and counts the call. The body may add processes,
 * which can move the slot array, and remove any process, its own included:
 * the slot is looked up again afterwards, and the process is still there
 * only if its stamp is still that of the pass.
 *
 * A body that fails is reported to the callback while it can still be
 * read, then removed unless the callback already did.
 */
static void
call (pb_mux   *m,
      uint32_t  pid)
{
  proc *p = &m->procs[pid];
  uint64_t t0, t1;
  int code;

  t0 = pb_clock_ticks ();
  code = p->fn (p->data);
  t1 = pb_clock_ticks ();
  if (m->stamps[pid] != m->pass)
    return;
  p = &m->procs[pid];
  p->calls++;
  p->ticks += t1 - t0;
  if (code == 0)
    return;
  if (m->on_fail != NULL)
    m->on_fail (pid, code, m->on_fail_data);
  if (m->stamps[pid] == m->pass)
    remove_slot (m, pid);
}

/* Lists the candidates of the set bits of @v, for the pass to run. */
static void
gather (pb_mux          *m,
        const pb_bitvec *v)
{
  m->n_cand = 0;
  m->resume = 0;
  pb_bitvec_foreach (v, gather_resource, m);
}

/*
 * Runs the candidates of the pass under way that are still there, from
 * m->resume on; rechecks each one's dependencies first when @recheck.
 * Reads the candidates through @m at each turn because a body adding a
 * process can move them. Returns: whether the yield function asked to
 * stop (m->resume then says where to go on); adds to *@ran the bodies run.
 */
static bool
run_candidates (pb_mux *m,
                bool    recheck,
                size_t *ran)
{
  for (size_t i = m->resume; i < m->n_cand; i++)
    {
      uint32_t pid = m->cand[i];

      if (m->stamps[pid] != m->pass
          || (recheck && !deps_ready (&m->avail, &m->procs[pid])))
        continue;
      call (m, pid);
      (*ran)++;
      if (m->yield != NULL && m->yield (m->yield_data))
        {
          m->resume = i + 1;
          return true;
        }
    }
  return false;
}

/*
 * The stamp of a pid tells the passes what they need to know of it. A step
 * takes three consecutive stamps, larger than all before: the first pass
 * lists its candidates with the first, and runs only those that still have
 * it; the error pass does the same with the second. A process removed gets
 * 0, and one added during a pass gets the stamp after that of the pass: so
 * one added in the first pass is already "listed" for the error pass, and
 * one added in the error pass (the third stamp) is new to the next step.
 * Outside steps, new processes get 0. A step that yielded keeps its
 * stamps: the next call goes on with it (pb_mux_set_yield()).
 */
size_t
pb_mux_step (pb_mux *m)
{
  size_t ran = 0;

  if (m->stepping)
    return 0;
  m->stepping = true;

  if (m->resume_phase == 0)
    {
      /* After a billion steps or so the stamps run out; forgetting them
       * all is then correct, as no step is running. */
      if (m->stamp > UINT32_MAX - 3)
        {
          for (size_t pid = 0; pid < m->procs_len; pid++)
            m->stamps[pid] = 0;
          m->stamp = 0;
        }
      m->pass = m->stamp + 1;
      m->stamp += 3;
      m->resume_phase = 1;
      m->n_cand = m->resume = 0;
      if (m->avail.count > 0)
        gather (m, &m->avail);
    }
  if (m->resume_phase == 1)
    {
      if (run_candidates (m, true, &ran))
        goto yielded;
      /* The first pass may have set or cleared error bits: the count is
       * read only now. */
      m->pass++;
      m->resume_phase = 2;
      m->n_cand = m->resume = 0;
      if (m->error.count > 0)
        gather (m, &m->error);
    }
  if (run_candidates (m, false, &ran))
    goto yielded;
  m->resume_phase = 0;
yielded:
  m->stepping = false;
  return ran;
}

bool
pb_mux_yielded (const pb_mux *m)
{
  return m->resume_phase != 0;
}

void
pb_mux_set_yield (pb_mux          *m,
                  pb_mux_yield_fn  fn,
                  void            *data)
{
  m->yield = fn;
  m->yield_data = data;
}

void
pb_mux_on_fail (pb_mux         *m,
                pb_mux_fail_fn  cb,
                void           *data)
{
  m->on_fail = cb;
  m->on_fail_data = data;
}

int
pb_mux_stats (const pb_mux *m,
              uint32_t      pid,
              uint64_t     *calls,
              uint64_t     *ns)
{
  const proc *p = lookup (m, pid);

  if (p == NULL)
    return PB_ENOENT;
  if (calls != NULL)
    *calls = p->calls;
  if (ns != NULL)
    *ns = pb_clock_ticks_to_ns (p->ticks);
  return PB_OK;
}

size_t
pb_mux_n_processes (const pb_mux *m)
{
  return m->n_procs;
}
