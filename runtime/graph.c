/* graph.c — the topology: processes, their ports, and connections
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include <pushback/error.h>
#include <pushback/graph.h>
#include <pushback/kinds.h>

#include "idtable.h"
#include "quote.h"

/* One connected port of a process, and the port it is joined to. The
 * link's flags are kept at both ends, so that either end answers alone. */
typedef struct
{
  pb_addr  peer;
  uint32_t port;
  uint32_t flags;
} port_link;

typedef struct
{
  char *key;
  char *value;
} graph_param;

/*
 * Ports are sparse (a broadcast process may use ports 0 to 300 or just
 * 40000), so each process keeps only its connected ports, sorted by port
 * for binary search. Parameters are few, and are kept sorted by key for
 * the same reason and so that they list in order.
 */
typedef struct graph_process graph_process;

struct graph_process
{
  pb_addr        addr; /* port bits 0 */
  char          *kind;
  char          *name;      /* NULL for none, never "" */
  bool           bypassed;
  graph_process *name_next; /* the next process whose name has its hash */
  port_link     *links;
  size_t         n_links;
  size_t         links_capacity;
  graph_param   *params;
  size_t         n_params;
  size_t         params_capacity;
};

/*
 * The ids in use on one host, to find the lowest free one quickly. Bit
 * (id % 64) of used[id / 64] is set when id is taken; bit 0 of word 0 is
 * always set, since id 0 means "no process".
 *
 * The bitmap only grows as far as pb_graph_add_process() needs: the lowest
 * free id is at most one more than the number of processes, so its size
 * follows that number. Ids that pb_graph_insert_process() placed beyond its
 * end are only counted, in @outside, and found in the process table when
 * the bitmap grows over them.
 */
typedef struct
{
  uint64_t *used;
  size_t    n_words;
  size_t    first_free;  /* no word before this one has a clear bit */
  size_t    outside;     /* processes with ids at or past n_words * 64 */
  uint32_t  n_processes;
} graph_host;

typedef struct
{
  uint32_t          id; /* 0 once removed while listeners were running */
  pb_graph_listener fn;
  void             *data;
} graph_listener;

struct pb_graph
{
  uint32_t        local_host;
  pb_idtable      processes;     /* process address -> graph_process */
  pb_idtable      hosts;         /* host id -> graph_host, if it has any */
  pb_idtable      names;         /* name hash -> first graph_process */
  size_t          n_connections;
  graph_listener *listeners;
  size_t          n_listeners;
  size_t          listeners_capacity;
  bool            listeners_removed;
  uint32_t        next_listener_id;
  unsigned        notifying;
};

static graph_process *
lookup_process (const pb_graph *g,
                pb_addr         a)
{
  return pb_idtable_lookup (&g->processes, pb_addr_process_of (a));
}

/* Returns: where @port is in the links of @p, or where it would go. */
static size_t
link_index (const graph_process *p,
            uint32_t             port)
{
  size_t lo = 0;
  size_t hi = p->n_links;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (p->links[mid].port < port)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Returns: the link of @port of @p, or NULL if @port is not connected. */
static port_link *
find_link (const graph_process *p,
           uint32_t             port)
{
  size_t i = link_index (p, port);

  if (i < p->n_links && p->links[i].port == port)
    return &p->links[i];
  return NULL;
}

static pb_addr
port_peer (const graph_process *p,
           uint32_t             port)
{
  const port_link *link = find_link (p, port);

  return link != NULL ? link->peer : 0;
}

static bool
reserve_links (graph_process *p,
               size_t         n)
{
  size_t capacity = p->links_capacity != 0 ? p->links_capacity : 4;
  port_link *links;

  if (p->n_links + n <= p->links_capacity)
    return true;
  while (capacity < p->n_links + n)
    capacity *= 2;
  links = realloc (p->links, capacity * sizeof *links);
  if (links == NULL)
    return false;
  p->links = links;
  p->links_capacity = capacity;
  return true;
}

/* Stores a link in room made by reserve_links(). */
static void
insert_link (graph_process *p,
             uint32_t       port,
             pb_addr        peer)
{
  size_t i = link_index (p, port);

  memmove (&p->links[i + 1], &p->links[i],
           (p->n_links - i) * sizeof *p->links);
  p->links[i].port = port;
  p->links[i].peer = peer;
  p->links[i].flags = 0;
  p->n_links++;
}

static void
remove_link (graph_process *p,
             uint32_t       port)
{
  size_t i = link_index (p, port);

  memmove (&p->links[i], &p->links[i + 1],
           (p->n_links - i - 1) * sizeof *p->links);
  p->n_links--;
}

/* Separates @port of @p from @peer, at both ends; @p may own @peer too. */
static void
unlink_port (pb_graph      *g,
             graph_process *p,
             uint32_t       port,
             pb_addr        peer)
{
  remove_link (p, port);
  remove_link (lookup_process (g, peer), pb_addr_port (peer));
  g->n_connections--;
}

/*
 * Names are indexed by their 64-bit FNV-1a hash, so that finding one costs
 * the same whatever the size of the graph. Distinct names may share a hash:
 * the entry for a hash is the first of a chain, through name_next, of the
 * processes whose names have it, and strcmp tells them apart. A chain is
 * almost always one long.
 */
static uint64_t
hash_name (const char *name)
{
  uint64_t h = UINT64_C (0xcbf29ce484222325);

  for (; *name != '\0'; name++)
    {
      h ^= (unsigned char) *name;
      h *= UINT64_C (0x100000001b3);
    }
  return h;
}

static graph_process *
find_name (const pb_graph *g,
           const char     *name)
{
  graph_process *p = pb_idtable_lookup (&g->names, hash_name (name));

  while (p != NULL && strcmp (p->name, name) != 0)
    p = p->name_next;
  return p;
}

/* Enters the name of @p, which no other process has, in room made by
 * pb_idtable_reserve(). */
static void
index_name (pb_graph      *g,
            graph_process *p)
{
  uint64_t hash = hash_name (p->name);
  graph_process *first = pb_idtable_lookup (&g->names, hash);

  /* Joining a chain second leaves its entry in the table as it is. */
  if (first != NULL)
    {
      p->name_next = first->name_next;
      first->name_next = p;
    }
  else
    {
      p->name_next = NULL;
      pb_idtable_insert (&g->names, hash, p);
    }
}

static void
unindex_name (pb_graph      *g,
              graph_process *p)
{
  uint64_t hash = hash_name (p->name);
  graph_process *first = pb_idtable_lookup (&g->names, hash);

  if (first != p)
    {
      while (first->name_next != p)
        first = first->name_next;
      first->name_next = p->name_next;
    }
  else if (p->name_next != NULL)
    pb_idtable_replace (&g->names, hash, p->name_next);
  else
    pb_idtable_remove (&g->names, hash);
  p->name_next = NULL;
}

/* Returns: where @key is in the parameters of @p, or where it would go. */
static size_t
param_index (const graph_process *p,
             const char          *key)
{
  size_t lo = 0;
  size_t hi = p->n_params;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (strcmp (p->params[mid].key, key) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static bool
reserve_params (graph_process *p,
                size_t         n)
{
  size_t capacity = p->params_capacity != 0 ? p->params_capacity : 4;
  graph_param *params;

  if (p->n_params + n <= p->params_capacity)
    return true;
  while (capacity < p->n_params + n)
    capacity *= 2;
  params = realloc (p->params, capacity * sizeof *params);
  if (params == NULL)
    return false;
  p->params = params;
  p->params_capacity = capacity;
  return true;
}

static void
compact_listeners (pb_graph *g)
{
  size_t n = 0;
  size_t i;

  for (i = 0; i < g->n_listeners; i++)
    if (g->listeners[i].id != 0)
      g->listeners[n++] = g->listeners[i];
  g->n_listeners = n;
  g->listeners_removed = false;
}

static void
notify (pb_graph            *g,
        pb_graph_event_type  type,
        pb_addr              a,
        pb_addr              b)
{
  pb_graph_event event = { type, a, b };
  size_t n = g->n_listeners;
  size_t i;

  /* A listener may add or remove listeners. Those it adds hear from the
   * next event on, so only the first n entries are visited, re-read each
   * time because adding may move the array. Those it removes are only
   * marked, so that no entry shifts under this loop, and are dropped
   * afterwards. */
  g->notifying++;
  for (i = 0; i < n; i++)
    if (g->listeners[i].id != 0)
      g->listeners[i].fn (g, &event, g->listeners[i].data);
  g->notifying--;
  if (g->notifying == 0 && g->listeners_removed)
    compact_listeners (g);
}

/* Returns: the index of the listener called @id, or n_listeners. */
static size_t
find_listener (const pb_graph *g,
               uint32_t        id)
{
  size_t i;

  /* Entries removed during a notification have id 0, which names none. */
  for (i = 0; id != 0 && i < g->n_listeners; i++)
    if (g->listeners[i].id == id)
      return i;
  return g->n_listeners;
}

static unsigned
lowest_clear_bit (uint64_t word)
{
  uint64_t clear = ~word;
  unsigned bit = 0;
  unsigned width;

  /* A binary search, as C11 has no count-trailing-zeros; @word must have
   * a clear bit. */
  for (width = 32; width > 0; width /= 2)
    if ((clear & ((UINT64_C (1) << width) - 1)) == 0)
      {
        clear >>= width;
        bit += width;
      }
  return bit;
}

/* Doubles the bitmap of @h, which is on @host, marking in the new words
 * the ids that pb_graph_insert_process() placed past its old end. */
static bool
grow_host (pb_graph   *g,
           uint32_t    host,
           graph_host *h)
{
  size_t n = h->n_words != 0 ? h->n_words * 2 : 1;
  uint64_t *used;
  size_t w;

  used = realloc (h->used, n * sizeof *used);
  if (used == NULL)
    return false;
  for (w = h->n_words; w < n; w++)
    {
      unsigned b;

      used[w] = 0;
      for (b = 0; b < 64 && h->outside > 0; b++)
        {
          uint32_t id = (uint32_t) (w * 64 + b);

          if (pb_idtable_lookup (&g->processes,
                                 pb_addr_make (host, id, 0)) != NULL)
            {
              used[w] |= UINT64_C (1) << b;
              h->outside--;
            }
        }
    }
  if (h->n_words == 0)
    used[0] |= 1;
  h->used = used;
  h->n_words = n;
  return true;
}

/*
 * Finds the lowest free id of @h, which is on @host and has fewer than
 * PB_PROCESS_MAX processes: a free id then exists, and the bitmap never
 * needs more than the 2^28 bits of every id. Sequential adds cost
 * amortised O(1): first_free only moves back when an id is freed, and the
 * bitmap only doubles once it is full.
 */
static bool
find_free_id (pb_graph   *g,
              uint32_t    host,
              graph_host *h,
              uint32_t   *id)
{
  for (;;)
    {
      while (h->first_free < h->n_words
             && h->used[h->first_free] == UINT64_MAX)
        h->first_free++;
      if (h->first_free < h->n_words)
        break;
      if (!grow_host (g, host, h))
        return false;
    }
  *id = (uint32_t) (h->first_free * 64
                    + lowest_clear_bit (h->used[h->first_free]));
  return true;
}

static void
free_host_if_empty (pb_graph   *g,
                    uint32_t    host,
                    graph_host *h)
{
  if (h->n_processes != 0)
    return;
  pb_idtable_remove (&g->hosts, host);
  free (h->used);
  free (h);
}

static void
free_process (graph_process *p)
{
  size_t i;

  for (i = 0; i < p->n_params; i++)
    {
      free (p->params[i].key);
      free (p->params[i].value);
    }
  free (p->params);
  free (p->kind);
  free (p->name);
  free (p->links);
  free (p);
}

/*
 * Allocates all that adding a process to @host needs, before anything
 * visible changes: the host's record, room in the tables, the process and
 * its kind. Returns: the process, its address not yet set; NULL if memory
 * ran out, leaving the graph as it was.
 */
static graph_process *
prepare_process (pb_graph    *g,
                 uint32_t     host,
                 const char  *kind,
                 graph_host **host_out)
{
  graph_host *h = pb_idtable_lookup (&g->hosts, host);
  graph_process *p;

  if (h == NULL)
    {
      h = calloc (1, sizeof *h);
      if (h == NULL)
        return NULL;
      if (!pb_idtable_reserve (&g->hosts, 1))
        {
          free (h);
          return NULL;
        }
      pb_idtable_insert (&g->hosts, host, h);
    }

  p = calloc (1, sizeof *p);
  if (p == NULL || !pb_idtable_reserve (&g->processes, 1))
    goto fail;
  if (kind != NULL)
    {
      p->kind = strdup (kind);
      if (p->kind == NULL)
        goto fail;
    }
  *host_out = h;
  return p;

fail:
  free (p);
  free_host_if_empty (g, host, h);
  return NULL;
}

/* Enters @p, prepared by prepare_process() and given its address. */
static void
commit_process (pb_graph      *g,
                graph_host    *h,
                graph_process *p)
{
  uint32_t id = pb_addr_process (p->addr);

  if (id / 64 < h->n_words)
    h->used[id / 64] |= UINT64_C (1) << (id % 64);
  else
    h->outside++;
  h->n_processes++;
  pb_idtable_insert (&g->processes, p->addr, p);
}

pb_graph *
pb_graph_new (uint32_t local_host)
{
  pb_graph *g;

  if (local_host > PB_HOST_MAX)
    return NULL;
  g = calloc (1, sizeof *g);
  if (g == NULL)
    return NULL;
  g->local_host = local_host;
  pb_idtable_init (&g->processes);
  pb_idtable_init (&g->hosts);
  pb_idtable_init (&g->names);
  g->next_listener_id = 1;
  return g;
}

void
pb_graph_free (pb_graph *g)
{
  size_t i;

  if (g == NULL)
    return;
  for (i = 0; i < g->processes.capacity; i++)
    if (g->processes.entries[i].value != NULL)
      free_process (g->processes.entries[i].value);
  for (i = 0; i < g->hosts.capacity; i++)
    {
      graph_host *h = g->hosts.entries[i].value;

      if (h != NULL)
        {
          free (h->used);
          free (h);
        }
    }
  pb_idtable_clear (&g->processes);
  pb_idtable_clear (&g->hosts);
  pb_idtable_clear (&g->names);
  free (g->listeners);
  free (g);
}

uint32_t
pb_graph_local_host (const pb_graph *g)
{
  return g->local_host;
}

/*
 * Every edit checks its arguments against the graph before refusing to run
 * inside a listener, so that a listener learns the same reason for a bad
 * edit as anyone else would, and allocates only once it may proceed. An
 * edit that would change nothing is one of those checks: it succeeds at
 * once, from a listener too, as it does not touch the graph.
 */

int
pb_graph_add_process (pb_graph   *g,
                      uint32_t    host,
                      const char *kind,
                      pb_addr    *process)
{
  graph_host *h;
  graph_process *p;
  uint32_t id;

  if (host > PB_HOST_MAX)
    return PB_EINVAL;
  h = pb_idtable_lookup (&g->hosts, host);
  if (h != NULL && h->n_processes == PB_PROCESS_MAX)
    return PB_ENOSPC;
  if (g->notifying != 0)
    return PB_EDEADLK;

  p = prepare_process (g, host, kind, &h);
  if (p == NULL)
    return PB_ENOMEM;
  if (!find_free_id (g, host, h, &id))
    {
      free_process (p);
      free_host_if_empty (g, host, h);
      return PB_ENOMEM;
    }
  p->addr = pb_addr_make (host, id, 0);
  commit_process (g, h, p);

  if (process != NULL)
    *process = p->addr;
  notify (g, PB_GRAPH_PROCESS_ADDED, p->addr, 0);
  return PB_OK;
}

int
pb_graph_insert_process (pb_graph   *g,
                         pb_addr     process,
                         const char *kind)
{
  pb_addr addr = pb_addr_process_of (process);
  graph_host *h;
  graph_process *p;

  if (pb_addr_process (addr) == 0)
    return PB_EINVAL;
  if (lookup_process (g, addr) != NULL)
    return PB_EEXIST;
  if (g->notifying != 0)
    return PB_EDEADLK;

  p = prepare_process (g, pb_addr_host (addr), kind, &h);
  if (p == NULL)
    return PB_ENOMEM;
  p->addr = addr;
  commit_process (g, h, p);

  notify (g, PB_GRAPH_PROCESS_ADDED, addr, 0);
  return PB_OK;
}

int
pb_graph_remove_process (pb_graph *g,
                         pb_addr   process)
{
  graph_process *p = lookup_process (g, process);
  graph_host *h;
  pb_addr addr;
  uint32_t host, id;

  if (p == NULL)
    return PB_ENOENT;
  if (g->notifying != 0)
    return PB_EDEADLK;

  /* Taking links from the end keeps each removal from this process's own
   * array free of moves. When both ends are on this process, unlink_port()
   * removes both entries at once, so the link is reported once. Each
   * listener sees the graph as it is after the link it hears about. */
  while (p->n_links > 0)
    {
      const port_link *last = &p->links[p->n_links - 1];
      pb_addr a = pb_addr_with_port (p->addr, last->port);
      pb_addr b = last->peer;

      unlink_port (g, p, last->port, b);
      notify (g, PB_GRAPH_DISCONNECTED, a, b);
    }

  addr = p->addr;
  host = pb_addr_host (addr);
  id = pb_addr_process (addr);
  h = pb_idtable_lookup (&g->hosts, host);
  if (id / 64 < h->n_words)
    {
      h->used[id / 64] &= ~(UINT64_C (1) << (id % 64));
      if (id / 64 < h->first_free)
        h->first_free = id / 64;
    }
  else
    h->outside--;
  h->n_processes--;
  free_host_if_empty (g, host, h);
  pb_idtable_remove (&g->processes, addr);
  if (p->name != NULL)
    unindex_name (g, p);
  free_process (p);

  notify (g, PB_GRAPH_PROCESS_REMOVED, addr, 0);
  return PB_OK;
}

int
pb_graph_connect (pb_graph *g,
                  pb_addr   a,
                  pb_addr   b)
{
  graph_process *pa, *pb;
  bool reserved;

  if (a == b)
    return PB_EINVAL;
  pa = lookup_process (g, a);
  pb = lookup_process (g, b);
  if (pa == NULL || pb == NULL)
    return PB_ENOENT;
  if (port_peer (pa, pb_addr_port (a)) != 0
      || port_peer (pb, pb_addr_port (b)) != 0)
    return PB_EBUSY;
  if (g->notifying != 0)
    return PB_EDEADLK;

  /* Room for both entries is made first, so that running out of memory
   * leaves no half-made link; spare capacity is not a visible change. */
  if (pa == pb)
    reserved = reserve_links (pa, 2);
  else
    reserved = reserve_links (pa, 1) && reserve_links (pb, 1);
  if (!reserved)
    return PB_ENOMEM;

  insert_link (pa, pb_addr_port (a), b);
  insert_link (pb, pb_addr_port (b), a);
  g->n_connections++;

  notify (g, PB_GRAPH_CONNECTED, a, b);
  return PB_OK;
}

int
pb_graph_disconnect (pb_graph *g,
                     pb_addr   a)
{
  graph_process *p = lookup_process (g, a);
  pb_addr b;

  if (p == NULL)
    return PB_ENOENT;
  b = port_peer (p, pb_addr_port (a));
  if (b == 0)
    return PB_ENOTCONN;
  if (g->notifying != 0)
    return PB_EDEADLK;

  unlink_port (g, p, pb_addr_port (a), b);

  notify (g, PB_GRAPH_DISCONNECTED, a, b);
  return PB_OK;
}

pb_addr
pb_graph_peer (const pb_graph *g,
               pb_addr         a)
{
  const graph_process *p = lookup_process (g, a);

  return p != NULL ? port_peer (p, pb_addr_port (a)) : 0;
}

bool
pb_graph_has_process (const pb_graph *g,
                      pb_addr         a)
{
  return lookup_process (g, a) != NULL;
}

const char *
pb_graph_process_kind (const pb_graph *g,
                       pb_addr         a)
{
  const graph_process *p = lookup_process (g, a);

  return p != NULL ? p->kind : NULL;
}

size_t
pb_graph_n_processes (const pb_graph *g)
{
  return g->processes.count;
}

size_t
pb_graph_n_connections (const pb_graph *g)
{
  return g->n_connections;
}

/*
 * The list functions return the first n_out items of a sorted list. A
 * selection finds them in the caller's array, without allocating, so that
 * listing cannot fail: items are stored as they come while there is room;
 * after that the array becomes a max-heap, and each new item that is
 * smaller than its largest replaces it. The survivors are sorted at the end.
 */
typedef struct
{
  unsigned char  *out;
  size_t          n_out;
  size_t          size;  /* of an item, at most sizeof (pb_connection) */
  int           (*compare) (const void *,
                            const void *);
  size_t          n_seen;
} selection;

static unsigned char *
selection_item (const selection *s,
                size_t           i)
{
  return s->out + i * s->size;
}

static void
selection_sift_down (selection *s,
                     size_t     i)
{
  for (;;)
    {
      unsigned char tmp[sizeof (pb_connection)];
      size_t largest = i;
      size_t child = 2 * i + 1;

      if (child < s->n_out
          && s->compare (selection_item (s, child),
                         selection_item (s, largest)) > 0)
        largest = child;
      child++;
      if (child < s->n_out
          && s->compare (selection_item (s, child),
                         selection_item (s, largest)) > 0)
        largest = child;
      if (largest == i)
        return;
      memcpy (tmp, selection_item (s, i), s->size);
      memcpy (selection_item (s, i), selection_item (s, largest), s->size);
      memcpy (selection_item (s, largest), tmp, s->size);
      i = largest;
    }
}

static void
selection_offer (selection  *s,
                 const void *item)
{
  if (s->n_seen < s->n_out)
    memcpy (selection_item (s, s->n_seen), item, s->size);
  else if (s->n_out > 0)
    {
      if (s->n_seen == s->n_out)
        {
          size_t i;

          for (i = s->n_out / 2; i-- > 0;)
            selection_sift_down (s, i);
        }
      if (s->compare (item, s->out) < 0)
        {
          memcpy (s->out, item, s->size);
          selection_sift_down (s, 0);
        }
    }
  s->n_seen++;
}

/* Returns: how many items were offered. */
static size_t
selection_finish (selection *s)
{
  size_t n = s->n_seen < s->n_out ? s->n_seen : s->n_out;

  if (n > 0)
    qsort (s->out, n, s->size, s->compare);
  return s->n_seen;
}

static int
compare_addr (pb_addr x,
              pb_addr y)
{
  return (x > y) - (x < y);
}

static int
compare_processes (const void *x,
                   const void *y)
{
  return compare_addr (*(const pb_addr *) x, *(const pb_addr *) y);
}

static int
compare_connections (const void *x,
                     const void *y)
{
  return compare_addr (((const pb_connection *) x)->a,
                       ((const pb_connection *) y)->a);
}

size_t
pb_graph_list_processes (const pb_graph *g,
                         pb_addr        *out,
                         size_t          n_out)
{
  selection s = { (unsigned char *) out, n_out, sizeof *out,
                  compare_processes, 0 };
  size_t i;

  if (out == NULL || n_out == 0)
    return g->processes.count;
  for (i = 0; i < g->processes.capacity; i++)
    if (g->processes.entries[i].value != NULL)
      selection_offer (&s, &g->processes.entries[i].key);
  return selection_finish (&s);
}

size_t
pb_graph_list_connections (const pb_graph *g,
                           pb_connection  *out,
                           size_t          n_out)
{
  selection s = { (unsigned char *) out, n_out, sizeof *out,
                  compare_connections, 0 };
  size_t i, j;

  if (out == NULL || n_out == 0)
    return g->n_connections;

  /* Each link is stored at both ends; it is offered from the end with the
   * lower address, which also holds for both ends on one process. */
  for (i = 0; i < g->processes.capacity; i++)
    {
      const graph_process *p = g->processes.entries[i].value;

      if (p == NULL)
        continue;
      for (j = 0; j < p->n_links; j++)
        {
          pb_connection c;

          c.a = pb_addr_with_port (p->addr, p->links[j].port);
          c.b = p->links[j].peer;
          if (c.a < c.b)
            selection_offer (&s, &c);
        }
    }
  return selection_finish (&s);
}

size_t
pb_graph_list_ports (const pb_graph *g,
                     pb_addr         process,
                     pb_connection  *out,
                     size_t          n_out)
{
  const graph_process *p = lookup_process (g, process);
  size_t i;

  if (p == NULL)
    return 0;
  for (i = 0; out != NULL && i < n_out && i < p->n_links; i++)
    {
      out[i].a = pb_addr_with_port (p->addr, p->links[i].port);
      out[i].b = p->links[i].peer;
    }
  return p->n_links;
}

int
pb_graph_add_listener (pb_graph          *g,
                       pb_graph_listener  fn,
                       void              *data,
                       uint32_t          *id)
{
  graph_listener *l;

  if (g->n_listeners == g->listeners_capacity)
    {
      size_t capacity = g->listeners_capacity != 0
                        ? g->listeners_capacity * 2 : 4;
      graph_listener *listeners = realloc (g->listeners,
                                           capacity * sizeof *listeners);

      if (listeners == NULL)
        return PB_ENOMEM;
      g->listeners = listeners;
      g->listeners_capacity = capacity;
    }

  l = &g->listeners[g->n_listeners];
  /* Ids skip 0 and, once the counter has wrapped, any still in use. */
  do
    l->id = g->next_listener_id++;
  while (l->id == 0 || find_listener (g, l->id) != g->n_listeners);
  l->fn = fn;
  l->data = data;
  g->n_listeners++;
  *id = l->id;
  return PB_OK;
}

int
pb_graph_remove_listener (pb_graph *g,
                          uint32_t  id)
{
  size_t i = find_listener (g, id);

  if (i == g->n_listeners)
    return PB_ENOENT;
  if (g->notifying != 0)
    {
      g->listeners[i].id = 0;
      g->listeners_removed = true;
    }
  else
    {
      memmove (&g->listeners[i], &g->listeners[i + 1],
               (g->n_listeners - i - 1) * sizeof *g->listeners);
      g->n_listeners--;
    }
  return PB_OK;
}

/* Names are shown on one line, in messages and on nodes: valid UTF-8,
 * without control characters. */
static bool
name_valid (const char *name)
{
  for (const unsigned char *c = (const unsigned char *) name; *c != '\0'; c++)
    if (*c < 0x20 || *c == 0x7f)
      return false;
  return pb_utf8_valid (name, strlen (name));
}

int
pb_graph_set_bypass (pb_graph *g,
                     pb_addr   process,
                     bool      bypass)
{
  graph_process *p = lookup_process (g, process);
  const pb_kind *kind;

  if (p == NULL)
    return PB_ENOENT;
  kind = pb_kind_find (p->kind);
  if (kind == NULL || !pb_kind_can_bypass (kind))
    return PB_EINVAL;
  if (p->bypassed == bypass)
    return PB_OK;
  if (g->notifying != 0)
    return PB_EDEADLK;
  p->bypassed = bypass;
  notify (g, PB_GRAPH_PROCESS_CHANGED, p->addr, 0);
  return PB_OK;
}

bool
pb_graph_get_bypass (const pb_graph *g,
                     pb_addr         a)
{
  const graph_process *p = lookup_process (g, a);

  return p != NULL && p->bypassed;
}

int
pb_graph_set_name (pb_graph   *g,
                   pb_addr     process,
                   const char *name)
{
  graph_process *p = lookup_process (g, process);
  char *copy = NULL;

  if (p == NULL)
    return PB_ENOENT;
  if (name != NULL && name[0] == '\0')
    name = NULL;
  if (name != NULL && !name_valid (name))
    return PB_EINVAL;
  if (name == NULL
      ? p->name == NULL
      : p->name != NULL && strcmp (p->name, name) == 0)
    return PB_OK;
  /* Any owner found now is another process, as the name is not @p's. */
  if (name != NULL && find_name (g, name) != NULL)
    return PB_EEXIST;
  if (g->notifying != 0)
    return PB_EDEADLK;

  if (name != NULL)
    {
      copy = strdup (name);
      if (copy == NULL || !pb_idtable_reserve (&g->names, 1))
        {
          free (copy);
          return PB_ENOMEM;
        }
    }

  if (p->name != NULL)
    unindex_name (g, p);
  free (p->name);
  p->name = copy;
  if (copy != NULL)
    index_name (g, p);

  notify (g, PB_GRAPH_PROCESS_CHANGED, p->addr, 0);
  return PB_OK;
}

const char *
pb_graph_process_name (const pb_graph *g,
                       pb_addr         a)
{
  const graph_process *p = lookup_process (g, a);

  return p != NULL ? p->name : NULL;
}

pb_addr
pb_graph_find_name (const pb_graph *g,
                    const char     *name)
{
  const graph_process *p;

  /* No process is called "", as that name means none. */
  if (name == NULL || name[0] == '\0')
    return 0;
  p = find_name (g, name);
  return p != NULL ? p->addr : 0;
}

/* Stores a copy of @key and @value at @i in the parameters of @p, or
 * returns false, changing nothing, if memory ran out. */
static bool
insert_param (graph_process *p,
              size_t         i,
              const char    *key,
              const char    *value)
{
  char *key_copy = strdup (key);
  char *value_copy = strdup (value);

  if (key_copy == NULL || value_copy == NULL || !reserve_params (p, 1))
    {
      free (key_copy);
      free (value_copy);
      return false;
    }
  memmove (&p->params[i + 1], &p->params[i],
           (p->n_params - i) * sizeof *p->params);
  p->params[i].key = key_copy;
  p->params[i].value = value_copy;
  p->n_params++;
  return true;
}

static void
remove_param (graph_process *p,
              size_t         i)
{
  free (p->params[i].key);
  free (p->params[i].value);
  memmove (&p->params[i], &p->params[i + 1],
           (p->n_params - i - 1) * sizeof *p->params);
  p->n_params--;
}

int
pb_graph_set_param (pb_graph   *g,
                    pb_addr     process,
                    const char *key,
                    const char *value)
{
  graph_process *p;
  graph_param *param = NULL;
  size_t i;

  if (key == NULL || key[0] == '\0')
    return PB_EINVAL;
  p = lookup_process (g, process);
  if (p == NULL)
    return PB_ENOENT;
  i = param_index (p, key);
  if (i < p->n_params && strcmp (p->params[i].key, key) == 0)
    param = &p->params[i];
  if (param == NULL
      ? value == NULL
      : value != NULL && strcmp (param->value, value) == 0)
    return PB_OK;
  if (g->notifying != 0)
    return PB_EDEADLK;

  if (value == NULL)
    remove_param (p, i);
  else if (param == NULL)
    {
      if (!insert_param (p, i, key, value))
        return PB_ENOMEM;
    }
  else
    {
      char *copy = strdup (value);

      if (copy == NULL)
        return PB_ENOMEM;
      free (param->value);
      param->value = copy;
    }

  notify (g, PB_GRAPH_PROCESS_CHANGED, p->addr, 0);
  return PB_OK;
}

const char *
pb_graph_get_param (const pb_graph *g,
                    pb_addr         a,
                    const char     *key)
{
  const graph_process *p = lookup_process (g, a);
  size_t i;

  if (p == NULL || key == NULL)
    return NULL;
  i = param_index (p, key);
  if (i < p->n_params && strcmp (p->params[i].key, key) == 0)
    return p->params[i].value;
  return NULL;
}

size_t
pb_graph_list_params (const pb_graph  *g,
                      pb_addr          process,
                      const char     **keys,
                      const char     **values,
                      size_t           n_out)
{
  const graph_process *p = lookup_process (g, process);
  size_t i;

  if (p == NULL)
    return 0;
  for (i = 0; i < n_out && i < p->n_params; i++)
    {
      if (keys != NULL)
        keys[i] = p->params[i].key;
      if (values != NULL)
        values[i] = p->params[i].value;
    }
  return p->n_params;
}

int
pb_graph_set_link_flags (pb_graph *g,
                         pb_addr   a,
                         uint32_t  flags)
{
  graph_process *p = lookup_process (g, a);
  port_link *link;
  pb_addr b;

  if (p == NULL)
    return PB_ENOENT;
  link = find_link (p, pb_addr_port (a));
  if (link == NULL)
    return PB_ENOTCONN;
  if (link->flags == flags)
    return PB_OK;
  if (g->notifying != 0)
    return PB_EDEADLK;

  b = link->peer;
  link->flags = flags;
  find_link (lookup_process (g, b), pb_addr_port (b))->flags = flags;

  notify (g, PB_GRAPH_LINK_CHANGED, a, b);
  return PB_OK;
}

uint32_t
pb_graph_link_flags (const pb_graph *g,
                     pb_addr         a)
{
  const graph_process *p = lookup_process (g, a);
  const port_link *link = p != NULL ? find_link (p, pb_addr_port (a)) : NULL;

  return link != NULL ? link->flags : 0;
}
