/* test-graph.c — processes, ports, connections and listeners of pb_graph
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib.h>
#include <pushback/pushback.h>

/* Records every event a graph reports, in order. */
typedef struct
{
  GArray *events; /* of pb_graph_event */
} event_log;

static void
log_event (const pb_graph       *graph,
           const pb_graph_event *event,
           void                 *data)
{
  event_log *log = data;

  g_array_append_val (log->events, *event);
}

static void
event_log_init (event_log *log,
                pb_graph  *g)
{
  uint32_t id = 0;

  log->events = g_array_new (FALSE, FALSE, sizeof (pb_graph_event));
  g_assert_cmpint (pb_graph_add_listener (g, log_event, log, &id), ==, PB_OK);
  g_assert_cmpuint (id, !=, 0);
}

static void
event_log_clear (event_log *log)
{
  g_array_unref (log->events);
}

static const pb_graph_event *
event_at (const event_log *log,
          guint            i)
{
  g_assert_cmpuint (i, <, log->events->len);
  return &g_array_index (log->events, pb_graph_event, i);
}

static void
assert_event (const event_log     *log,
              guint                i,
              pb_graph_event_type  type,
              pb_addr              a,
              pb_addr              b)
{
  const pb_graph_event *e = event_at (log, i);

  g_assert_cmpint (e->type, ==, type);
  g_assert_cmphex (e->a, ==, a);
  g_assert_cmphex (e->b, ==, b);
}

static pb_addr
add (pb_graph   *g,
     uint32_t    host,
     const char *kind)
{
  pb_addr p = 0;

  g_assert_cmpint (pb_graph_add_process (g, host, kind, &p), ==, PB_OK);
  g_assert_cmpuint (pb_addr_host (p), ==, host);
  g_assert_cmpuint (pb_addr_port (p), ==, 0);
  g_assert_true (pb_graph_has_process (g, p));
  return p;
}

/* Returns: the id that pb_graph_add_process() gave on @host. */
static uint32_t
add_id (pb_graph *g,
        uint32_t  host)
{
  return pb_addr_process (add (g, host, NULL));
}

/*
 * Describes everything observable about @g: the counts, every process with
 * its kind, name and parameters, and every connected port with its peer
 * and the flags of its link, through every query function. Two equal
 * descriptions mean two equal graphs.
 */
static char *
describe (const pb_graph *g)
{
  GString *s = g_string_new (NULL);
  size_t n = pb_graph_list_processes (g, NULL, 0);
  size_t n_conn = pb_graph_list_connections (g, NULL, 0);
  g_autofree pb_addr *procs = g_new0 (pb_addr, n + 1);
  g_autofree pb_connection *conns = g_new0 (pb_connection, n_conn + 1);
  size_t i, j;

  g_assert_cmpuint (n, ==, pb_graph_n_processes (g));
  g_assert_cmpuint (n_conn, ==, pb_graph_n_connections (g));
  g_assert_cmpuint (pb_graph_list_processes (g, procs, n + 1), ==, n);
  g_assert_cmpuint (pb_graph_list_connections (g, conns, n_conn + 1), ==, n_conn);

  g_string_append_printf (s, "%zu processes, %zu links\n", n, n_conn);
  for (i = 0; i < n; i++)
    {
      const char *kind = pb_graph_process_kind (g, procs[i]);
      const char *name = pb_graph_process_name (g, procs[i]);
      size_t n_ports = pb_graph_list_ports (g, procs[i], NULL, 0);
      size_t n_params = pb_graph_list_params (g, procs[i], NULL, NULL, 0);
      g_autofree pb_connection *ports = g_new0 (pb_connection, n_ports + 1);
      g_autofree const char **keys = g_new0 (const char *, n_params + 1);
      g_autofree const char **values = g_new0 (const char *, n_params + 1);

      g_assert_cmpuint (pb_graph_list_ports (g, procs[i], ports, n_ports + 1), ==, n_ports);
      g_assert_cmpuint (pb_graph_list_params (g, procs[i], keys, values, n_params + 1), ==, n_params);
      g_string_append_printf (s, "%" G_GINT64_MODIFIER "x %s %s\n", procs[i],
                              kind != NULL ? kind : "(none)",
                              name != NULL ? name : "(unnamed)");
      if (name != NULL)
        {
          g_assert_cmpstr (name, !=, "");
          g_assert_cmphex (pb_graph_find_name (g, name), ==, procs[i]);
        }
      for (j = 0; j < n_params; j++)
        {
          if (j > 0)
            g_assert_cmpint (strcmp (keys[j - 1], keys[j]), <, 0);
          g_assert_cmpstr (pb_graph_get_param (g, procs[i], keys[j]), ==, values[j]);
          g_string_append_printf (s, "  %s=%s\n", keys[j], values[j]);
        }
      for (j = 0; j < n_ports; j++)
        {
          uint32_t flags = pb_graph_link_flags (g, ports[j].a);

          g_assert_cmphex (pb_graph_peer (g, ports[j].a), ==, ports[j].b);
          g_assert_cmphex (pb_graph_link_flags (g, ports[j].b), ==, flags);
          g_string_append_printf (s, "  %" G_GINT64_MODIFIER "x -> %"
                                  G_GINT64_MODIFIER "x flags %x\n",
                                  ports[j].a, ports[j].b, flags);
        }
    }
  for (i = 0; i < n_conn; i++)
    g_string_append_printf (s, "link %" G_GINT64_MODIFIER "x %"
                            G_GINT64_MODIFIER "x\n", conns[i].a, conns[i].b);
  return g_string_free (s, FALSE);
}

static void
test_new_free (void)
{
  pb_graph *g = pb_graph_new (7);
  pb_addr p;
  pb_connection c;

  g_assert_nonnull (g);
  g_assert_cmpuint (pb_graph_local_host (g), ==, 7);
  g_assert_cmpuint (pb_graph_n_processes (g), ==, 0);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 0);
  g_assert_cmpuint (pb_graph_list_processes (g, &p, 1), ==, 0);
  g_assert_cmpuint (pb_graph_list_connections (g, &c, 1), ==, 0);
  pb_graph_free (g);

  g = pb_graph_new (PB_HOST_MAX);
  g_assert_nonnull (g);
  g_assert_cmpuint (pb_graph_local_host (g), ==, PB_HOST_MAX);
  pb_graph_free (g);

  g_assert_null (pb_graph_new (PB_HOST_MAX + 1));
  pb_graph_free (NULL);
}

static void
test_add_lowest_first (void)
{
  pb_graph *g = pb_graph_new (0);
  uint32_t i;

  for (i = 1; i <= 10; i++)
    g_assert_cmpuint (add_id (g, 0), ==, i);
  g_assert_cmpuint (pb_graph_n_processes (g), ==, 10);

  /* Freed ids come back lowest first, whatever order they were freed in,
   * and only then do new ids follow. */
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (0, 7, 0)), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (0, 3, 0)), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (0, 5, 0)), ==, PB_OK);
  g_assert_cmpuint (pb_graph_n_processes (g), ==, 7);
  g_assert_false (pb_graph_has_process (g, pb_addr_make (0, 3, 0)));

  g_assert_cmpuint (add_id (g, 0), ==, 3);
  g_assert_cmpuint (add_id (g, 0), ==, 5);
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (0, 1, 0)), ==, PB_OK);
  g_assert_cmpuint (add_id (g, 0), ==, 1);
  g_assert_cmpuint (add_id (g, 0), ==, 7);
  g_assert_cmpuint (add_id (g, 0), ==, 11);
  g_assert_cmpuint (pb_graph_n_processes (g), ==, 11);

  /* Across a word of the id bitmap too. */
  for (i = 12; i <= 200; i++)
    g_assert_cmpuint (add_id (g, 0), ==, i);
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (0, 130, 0)), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (0, 64, 0)), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (0, 63, 0)), ==, PB_OK);
  g_assert_cmpuint (add_id (g, 0), ==, 63);
  g_assert_cmpuint (add_id (g, 0), ==, 64);
  g_assert_cmpuint (add_id (g, 0), ==, 130);
  g_assert_cmpuint (add_id (g, 0), ==, 201);

  /* A host that lost all its processes starts again from 1. */
  for (i = 1; i <= 201; i++)
    g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (0, i, 0)), ==, PB_OK);
  g_assert_cmpuint (pb_graph_n_processes (g), ==, 0);
  g_assert_cmpuint (add_id (g, 0), ==, 1);

  pb_graph_free (g);
}

static void
test_ids_per_host (void)
{
  pb_graph *g = pb_graph_new (0);
  event_log log;
  pb_addr p = 12345;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpuint (add_id (g, 0), ==, 1);
  g_assert_cmpuint (add_id (g, 5), ==, 1);
  g_assert_cmpuint (add_id (g, 5), ==, 2);
  g_assert_cmpuint (add_id (g, 0), ==, 2);
  g_assert_cmpuint (add_id (g, PB_HOST_MAX), ==, 1);
  g_assert_cmpuint (pb_graph_n_processes (g), ==, 5);

  /* Freeing an id on one host leaves the others' ids alone. */
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (5, 1, 0)), ==, PB_OK);
  g_assert_true (pb_graph_has_process (g, pb_addr_make (0, 1, 0)));
  g_assert_cmpuint (add_id (g, 0), ==, 3);
  g_assert_cmpuint (add_id (g, 5), ==, 1);

  /* A host out of range is refused and changes nothing. */
  event_log_init (&log, g);
  before = describe (g);
  g_assert_cmpint (pb_graph_add_process (g, PB_HOST_MAX + 1, "x", &p), ==, PB_EINVAL);
  g_assert_cmpint (pb_graph_add_process (g, UINT32_MAX, NULL, NULL), ==, PB_EINVAL);
  after = describe (g);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmphex (p, ==, 12345);
  g_assert_cmpuint (log.events->len, ==, 0);

  event_log_clear (&log);
  pb_graph_free (g);
}

static void
test_full_ranges (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr big = pb_addr_make (PB_HOST_MAX, PB_PROCESS_MAX, 0);
  pb_addr small = pb_addr_make (0, 1, 0);
  pb_addr big_last = pb_addr_with_port (big, PB_PORT_MAX);
  pb_addr big_first = pb_addr_with_port (big, 0);
  pb_addr small_last = pb_addr_with_port (small, PB_PORT_MAX);
  pb_addr procs[3];
  pb_connection conns[3];
  pb_connection ports[3];

  g_assert_cmpint (pb_graph_insert_process (g, big, "big"), ==, PB_OK);
  g_assert_true (pb_graph_has_process (g, big));
  g_assert_cmpstr (pb_graph_process_kind (g, big_last), ==, "big");
  g_assert_cmpuint (pb_graph_n_processes (g), ==, 1);
  g_assert_cmphex (add (g, 0, NULL), ==, small);
  /* The highest id on the highest host leaves id 1 free there. */
  g_assert_cmphex (add (g, PB_HOST_MAX, NULL), ==, pb_addr_make (PB_HOST_MAX, 1, 0));

  /* Port 0 and port 65535 are ports like any other. */
  g_assert_cmpint (pb_graph_connect (g, big_last, small), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, big_first, small_last), ==, PB_OK);
  g_assert_cmphex (pb_graph_peer (g, big_last), ==, small);
  g_assert_cmphex (pb_graph_peer (g, small), ==, big_last);
  g_assert_cmphex (pb_graph_peer (g, big_first), ==, small_last);
  g_assert_cmphex (pb_graph_peer (g, small_last), ==, big_first);
  g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (big, 1)), ==, 0);
  g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (big, PB_PORT_MAX - 1)), ==, 0);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 2);

  g_assert_cmpuint (pb_graph_list_processes (g, procs, 3), ==, 3);
  g_assert_cmphex (procs[0], ==, small);
  g_assert_cmphex (procs[1], ==, pb_addr_make (PB_HOST_MAX, 1, 0));
  g_assert_cmphex (procs[2], ==, big);

  g_assert_cmpuint (pb_graph_list_connections (g, conns, 3), ==, 2);
  g_assert_cmphex (conns[0].a, ==, small);
  g_assert_cmphex (conns[0].b, ==, big_last);
  g_assert_cmphex (conns[1].a, ==, small_last);
  g_assert_cmphex (conns[1].b, ==, big_first);

  g_assert_cmpuint (pb_graph_list_ports (g, big, ports, 3), ==, 2);
  g_assert_cmphex (ports[0].a, ==, big_first);
  g_assert_cmphex (ports[0].b, ==, small_last);
  g_assert_cmphex (ports[1].a, ==, big_last);
  g_assert_cmphex (ports[1].b, ==, small);

  g_assert_cmpint (pb_graph_disconnect (g, big_last), ==, PB_OK);
  g_assert_cmphex (pb_graph_peer (g, small), ==, 0);
  g_assert_cmpint (pb_graph_remove_process (g, big), ==, PB_OK);
  g_assert_cmphex (pb_graph_peer (g, small_last), ==, 0);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 0);
  g_assert_cmpuint (pb_graph_n_processes (g), ==, 2);

  pb_graph_free (g);
}

static void
test_kind (void)
{
  pb_graph *g = pb_graph_new (0);
  char name[] = "sine";
  pb_addr p = add (g, 0, name);
  pb_addr q = add (g, 0, NULL);

  /* The kind is a copy, and port bits do not matter. */
  name[0] = 'l';
  g_assert_cmpstr (pb_graph_process_kind (g, p), ==, "sine");
  g_assert_cmpstr (pb_graph_process_kind (g, pb_addr_with_port (p, 9)), ==, "sine");
  g_assert_null (pb_graph_process_kind (g, q));
  g_assert_null (pb_graph_process_kind (g, pb_addr_make (0, 3, 0)));
  g_assert_null (pb_graph_process_kind (g, 0));

  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 8, 0), name), ==, PB_OK);
  g_assert_cmpstr (pb_graph_process_kind (g, pb_addr_make (0, 8, 0)), ==, "line");
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 9, 0), ""), ==, PB_OK);
  g_assert_cmpstr (pb_graph_process_kind (g, pb_addr_make (0, 9, 0)), ==, "");

  g_assert_cmpint (pb_graph_remove_process (g, p), ==, PB_OK);
  g_assert_null (pb_graph_process_kind (g, p));
  g_assert_cmpstr (pb_graph_process_kind (g, add (g, 0, "other")), ==, "other");

  pb_graph_free (g);
}

static void
test_insert_process (void)
{
  pb_graph *g = pb_graph_new (0);
  event_log log;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  uint32_t i;

  event_log_init (&log, g);

  /* Port bits are ignored; the event carries the process address. */
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 2, 77), "a"), ==, PB_OK);
  g_assert_true (pb_graph_has_process (g, pb_addr_make (0, 2, 0)));
  assert_event (&log, 0, PB_GRAPH_PROCESS_ADDED, pb_addr_make (0, 2, 0), 0);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 4, 0), NULL), ==, PB_OK);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 1, 0), NULL), ==, PB_OK);
  g_assert_cmpuint (log.events->len, ==, 3);

  /* Refusals change nothing and report nothing. */
  before = describe (g);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 2, 0), "b"), ==, PB_EEXIST);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 2, 5), "b"), ==, PB_EEXIST);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 0, 0), "b"), ==, PB_EINVAL);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (3, 0, 9), "b"), ==, PB_EINVAL);
  after = describe (g);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (pb_graph_process_kind (g, pb_addr_make (0, 2, 0)), ==, "a");
  g_assert_cmpuint (log.events->len, ==, 3);

  /* Adding still takes the lowest free id, around inserted ones. */
  g_assert_cmpuint (add_id (g, 0), ==, 3);
  g_assert_cmpuint (add_id (g, 0), ==, 5);

  /* Inserted ids far past the added ones are skipped when reached. */
  for (i = 7; i <= 300; i++)
    if (i != 100 && i != 200)
      g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, i, 0), NULL), ==, PB_OK);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, PB_PROCESS_MAX, 0), NULL), ==, PB_OK);
  g_assert_cmpuint (add_id (g, 0), ==, 6);
  g_assert_cmpuint (add_id (g, 0), ==, 100);
  g_assert_cmpuint (add_id (g, 0), ==, 200);
  g_assert_cmpuint (add_id (g, 0), ==, 301);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 302, 0), NULL), ==, PB_OK);
  g_assert_cmpuint (add_id (g, 0), ==, 303);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 303, 0), NULL), ==, PB_EEXIST);
  g_assert_cmpuint (pb_graph_n_processes (g), ==, 304);

  /* The inserted id is freed like any other. */
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (0, 150, 0)), ==, PB_OK);
  g_assert_cmpuint (add_id (g, 0), ==, 150);

  /* A huge id alone on its host leaves that host's low ids free. */
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (9, PB_PROCESS_MAX, 0), NULL), ==, PB_OK);
  g_assert_cmpuint (add_id (g, 9), ==, 1);
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (9, PB_PROCESS_MAX, 0)), ==, PB_OK);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (9, PB_PROCESS_MAX, 0), NULL), ==, PB_OK);

  event_log_clear (&log);
  pb_graph_free (g);
}

static void
test_connect (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr p4, p91, a, b;
  pb_connection c[2];

  /* The example of seed 001: process 4 port 43 to process 91 port 7. */
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 4, 0), NULL), ==, PB_OK);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 91, 0), NULL), ==, PB_OK);
  p4 = pb_addr_make (0, 4, 0);
  p91 = pb_addr_make (0, 91, 0);
  a = pb_addr_with_port (p4, 43);
  b = pb_addr_with_port (p91, 7);

  g_assert_cmpint (pb_graph_connect (g, a, b), ==, PB_OK);
  g_assert_cmphex (pb_graph_peer (g, a), ==, b);
  g_assert_cmphex (pb_graph_peer (g, b), ==, a);
  g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (p4, 7)), ==, 0);
  g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (p91, 43)), ==, 0);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 1);

  g_assert_cmpuint (pb_graph_list_ports (g, p4, c, 2), ==, 1);
  g_assert_cmphex (c[0].a, ==, a);
  g_assert_cmphex (c[0].b, ==, b);
  g_assert_cmpuint (pb_graph_list_ports (g, pb_addr_with_port (p91, 3), c, 2), ==, 1);
  g_assert_cmphex (c[0].a, ==, b);
  g_assert_cmphex (c[0].b, ==, a);

  /* Links may cross hosts, in either argument order. */
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (3, 4, 0), NULL), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_make (3, 4, 1), pb_addr_make (0, 4, 1)), ==, PB_OK);
  g_assert_cmphex (pb_graph_peer (g, pb_addr_make (0, 4, 1)), ==, pb_addr_make (3, 4, 1));
  g_assert_cmphex (pb_graph_peer (g, pb_addr_make (3, 4, 1)), ==, pb_addr_make (0, 4, 1));
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 2);
  g_assert_cmpuint (pb_graph_list_connections (g, c, 2), ==, 2);
  g_assert_cmphex (c[0].a, ==, pb_addr_make (0, 4, 1));
  g_assert_cmphex (c[0].b, ==, pb_addr_make (3, 4, 1));
  g_assert_cmphex (c[1].a, ==, a);
  g_assert_cmphex (c[1].b, ==, b);

  pb_graph_free (g);
}

static void
test_connect_order (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr p = add (g, 0, NULL);
  pb_addr q = add (g, 0, NULL);
  pb_addr gone = pb_addr_make (0, 3, 0);
  pb_addr other_host = pb_addr_make (1, 1, 0);
  pb_addr busy = pb_addr_with_port (p, 1);
  pb_addr free_port = pb_addr_with_port (q, 1);

  g_assert_cmpint (pb_graph_connect (g, busy, pb_addr_with_port (q, 9)), ==, PB_OK);

  /* EINVAL comes first: a port cannot join itself, even when it is busy or
   * its process does not exist. */
  g_assert_cmpint (pb_graph_connect (g, free_port, free_port), ==, PB_EINVAL);
  g_assert_cmpint (pb_graph_connect (g, busy, busy), ==, PB_EINVAL);
  g_assert_cmpint (pb_graph_connect (g, gone, gone), ==, PB_EINVAL);
  g_assert_cmpint (pb_graph_connect (g, 0, 0), ==, PB_EINVAL);

  /* Then ENOENT, even when the other port is busy. */
  g_assert_cmpint (pb_graph_connect (g, busy, gone), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_connect (g, gone, busy), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_connect (g, free_port, gone), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_connect (g, free_port, other_host), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_connect (g, free_port, 0), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_connect (g, 0, free_port), ==, PB_ENOENT);

  /* Then EBUSY, for either end, including the ends of one link. */
  g_assert_cmpint (pb_graph_connect (g, busy, free_port), ==, PB_EBUSY);
  g_assert_cmpint (pb_graph_connect (g, free_port, busy), ==, PB_EBUSY);
  g_assert_cmpint (pb_graph_connect (g, busy, pb_addr_with_port (q, 9)), ==, PB_EBUSY);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (q, 9), busy), ==, PB_EBUSY);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (q, 9), pb_addr_with_port (p, 2)), ==, PB_EBUSY);

  g_assert_cmpint (pb_graph_connect (g, free_port, pb_addr_with_port (p, 2)), ==, PB_OK);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 2);

  pb_graph_free (g);
}

static void
test_connect_refused (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr p = add (g, 0, "p");
  pb_addr q = add (g, 0, "q");
  pb_addr r = add (g, 2, "r");
  pb_addr tries[][2] = {
    { pb_addr_with_port (p, 1), pb_addr_with_port (p, 1) },
    { pb_addr_with_port (p, 5), pb_addr_make (0, 9, 1) },
    { pb_addr_make (4, 1, 0), pb_addr_with_port (q, 5) },
    { pb_addr_with_port (p, 1), pb_addr_with_port (q, 5) },
    { pb_addr_with_port (q, 5), pb_addr_with_port (p, 1) },
    { pb_addr_with_port (r, 3), pb_addr_with_port (q, 2) },
    { pb_addr_with_port (q, 2), pb_addr_with_port (r, 3) },
    { pb_addr_with_port (p, 1), pb_addr_with_port (q, 2) },
  };
  g_autofree char *before = NULL;
  event_log log;
  guint i;

  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (p, 1), pb_addr_with_port (q, 2)), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (r, 3), pb_addr_with_port (r, 4)), ==, PB_OK);
  event_log_init (&log, g);
  before = describe (g);

  for (i = 0; i < G_N_ELEMENTS (tries); i++)
    {
      g_autofree char *after = NULL;

      g_assert_cmpint (pb_graph_connect (g, tries[i][0], tries[i][1]), <, 0);
      after = describe (g);
      g_assert_cmpstr (before, ==, after);
      g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (p, 5)), ==, 0);
      g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (q, 5)), ==, 0);
      g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (p, 1)), ==, pb_addr_with_port (q, 2));
      g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (r, 4)), ==, pb_addr_with_port (r, 3));
      g_assert_cmpuint (pb_graph_n_connections (g), ==, 2);
      g_assert_cmpuint (pb_graph_n_processes (g), ==, 3);
      g_assert_cmpuint (log.events->len, ==, 0);
    }

  event_log_clear (&log);
  pb_graph_free (g);
}

static void
test_disconnect (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr p = add (g, 0, NULL);
  pb_addr q = add (g, 1, NULL);
  pb_addr a = pb_addr_with_port (p, 3);
  pb_addr b = pb_addr_with_port (q, 4);
  g_autofree char *empty = describe (g);
  g_autofree char *now = NULL;

  /* From either end, it clears both ends. */
  g_assert_cmpint (pb_graph_connect (g, a, b), ==, PB_OK);
  g_assert_cmpint (pb_graph_disconnect (g, a), ==, PB_OK);
  g_assert_cmphex (pb_graph_peer (g, a), ==, 0);
  g_assert_cmphex (pb_graph_peer (g, b), ==, 0);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 0);
  now = describe (g);
  g_assert_cmpstr (now, ==, empty);

  g_assert_cmpint (pb_graph_connect (g, a, b), ==, PB_OK);
  g_assert_cmpint (pb_graph_disconnect (g, b), ==, PB_OK);
  g_assert_cmphex (pb_graph_peer (g, a), ==, 0);
  g_assert_cmphex (pb_graph_peer (g, b), ==, 0);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 0);

  /* Both ports are free again, for anyone. */
  g_assert_cmpint (pb_graph_connect (g, a, pb_addr_with_port (q, 5)), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, b, pb_addr_with_port (p, 5)), ==, PB_OK);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 2);

  /* ENOTCONN for an idle port of a live process, ENOENT when the process
   * is missing, whether or not that port number is used elsewhere. */
  g_assert_cmpint (pb_graph_disconnect (g, pb_addr_with_port (p, 4)), ==, PB_ENOTCONN);
  g_assert_cmpint (pb_graph_disconnect (g, p), ==, PB_ENOTCONN);
  g_assert_cmpint (pb_graph_disconnect (g, pb_addr_make (0, 2, 3)), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_disconnect (g, pb_addr_make (5, 1, 3)), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_disconnect (g, 0), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_disconnect (g, a), ==, PB_OK);
  g_assert_cmpint (pb_graph_disconnect (g, a), ==, PB_ENOTCONN);
  g_assert_cmpint (pb_graph_disconnect (g, pb_addr_with_port (q, 5)), ==, PB_ENOTCONN);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 1);
  g_assert_cmphex (pb_graph_peer (g, b), ==, pb_addr_with_port (p, 5));

  pb_graph_free (g);
}

static void
test_peer_missing (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr p = add (g, 0, NULL);
  pb_addr q = add (g, 0, NULL);

  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (p, 1), pb_addr_with_port (q, 1)), ==, PB_OK);

  /* The same port number on a process that does not exist has no peer. */
  g_assert_cmphex (pb_graph_peer (g, pb_addr_make (0, 3, 1)), ==, 0);
  g_assert_cmphex (pb_graph_peer (g, pb_addr_make (1, 1, 1)), ==, 0);
  g_assert_cmphex (pb_graph_peer (g, pb_addr_make (0, 0, 1)), ==, 0);
  g_assert_cmphex (pb_graph_peer (g, 0), ==, 0);
  g_assert_false (pb_graph_has_process (g, 0));
  g_assert_false (pb_graph_has_process (g, pb_addr_make (1, 1, 0)));
  g_assert_true (pb_graph_has_process (g, pb_addr_with_port (p, 77)));
  g_assert_cmpuint (pb_graph_list_ports (g, pb_addr_make (0, 3, 0), NULL, 0), ==, 0);

  /* Nor does a port of a process once it is removed. */
  g_assert_cmpint (pb_graph_remove_process (g, q), ==, PB_OK);
  g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (q, 1)), ==, 0);
  g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (p, 1)), ==, 0);
  g_assert_cmpuint (pb_graph_list_ports (g, q, NULL, 0), ==, 0);

  pb_graph_free (g);
}

static void
test_self_process (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr p = add (g, 0, NULL);
  pb_addr q = add (g, 0, NULL);
  pb_addr a = pb_addr_with_port (p, 2);
  pb_addr b = pb_addr_with_port (p, 1);
  pb_connection c[4];
  event_log log;

  g_assert_cmpint (pb_graph_connect (g, a, b), ==, PB_OK);
  g_assert_cmphex (pb_graph_peer (g, a), ==, b);
  g_assert_cmphex (pb_graph_peer (g, b), ==, a);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 1);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (p, 3), pb_addr_with_port (q, 3)), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (p, 0), pb_addr_with_port (p, 4)), ==, PB_OK);

  /* The link is listed once, from its lower end. */
  g_assert_cmpuint (pb_graph_list_connections (g, c, 4), ==, 3);
  g_assert_cmphex (c[0].a, ==, pb_addr_with_port (p, 0));
  g_assert_cmphex (c[0].b, ==, pb_addr_with_port (p, 4));
  g_assert_cmphex (c[1].a, ==, b);
  g_assert_cmphex (c[1].b, ==, a);
  g_assert_cmphex (c[2].a, ==, pb_addr_with_port (p, 3));
  g_assert_cmpuint (pb_graph_list_ports (g, p, c, 4), ==, 5);
  g_assert_cmphex (c[1].a, ==, b);
  g_assert_cmphex (c[1].b, ==, a);
  g_assert_cmphex (c[2].a, ==, a);
  g_assert_cmphex (c[2].b, ==, b);

  g_assert_cmpint (pb_graph_disconnect (g, a), ==, PB_OK);
  g_assert_cmphex (pb_graph_peer (g, b), ==, 0);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 2);
  g_assert_cmpint (pb_graph_connect (g, b, a), ==, PB_OK);

  /* Removing the process reports each link once. */
  event_log_init (&log, g);
  g_assert_cmpint (pb_graph_remove_process (g, p), ==, PB_OK);
  g_assert_cmpuint (log.events->len, ==, 4);
  assert_event (&log, 3, PB_GRAPH_PROCESS_REMOVED, p, 0);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 0);
  g_assert_cmpuint (pb_graph_list_ports (g, q, NULL, 0), ==, 0);

  event_log_clear (&log);
  pb_graph_free (g);
}

/* Checks, at each event of a process removal, that the graph already shows
 * what the event reports and nothing more. */
typedef struct
{
  pb_addr process;
  size_t  n_connections;
  GArray *events;
} removal_check;

static void
check_removal_event (const pb_graph       *g,
                     const pb_graph_event *event,
                     void                 *data)
{
  removal_check *check = data;

  g_array_append_val (check->events, *event);
  if (event->type == PB_GRAPH_DISCONNECTED)
    {
      /* The process is still there, minus this link. */
      g_assert_true (pb_graph_has_process (g, check->process));
      g_assert_cmphex (pb_graph_peer (g, event->a), ==, 0);
      g_assert_cmphex (pb_graph_peer (g, event->b), ==, 0);
      g_assert_true (pb_addr_process_of (event->a) == check->process
                     || pb_addr_process_of (event->b) == check->process);
      check->n_connections--;
      g_assert_cmpuint (pb_graph_n_connections (g), ==, check->n_connections);
    }
  else
    {
      g_assert_cmpint (event->type, ==, PB_GRAPH_PROCESS_REMOVED);
      g_assert_false (pb_graph_has_process (g, check->process));
      g_assert_cmpuint (pb_graph_list_ports (g, check->process, NULL, 0), ==, 0);
    }
}

static void
test_remove_process (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr p = add (g, 0, NULL);
  pb_addr q = add (g, 0, NULL);
  pb_addr r = add (g, 6, NULL);
  pb_addr links[][2] = {
    { pb_addr_with_port (p, 0), pb_addr_with_port (q, 0) },
    { pb_addr_with_port (r, 9), pb_addr_with_port (p, 1) },
    { pb_addr_with_port (p, 2), pb_addr_with_port (p, 7) },
    { pb_addr_with_port (p, PB_PORT_MAX), pb_addr_with_port (q, 5) },
    { pb_addr_with_port (p, 40000), pb_addr_with_port (r, 40000) },
  };
  removal_check check = { p, 0, NULL };
  GHashTable *expected = g_hash_table_new (g_int64_hash, g_int64_equal);
  uint32_t id;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (links); i++)
    {
      g_assert_cmpint (pb_graph_connect (g, links[i][0], links[i][1]), ==, PB_OK);
      g_hash_table_add (expected, &links[i][0]);
    }
  /* A link that does not involve p survives. */
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (q, 1), pb_addr_with_port (r, 1)), ==, PB_OK);

  check.n_connections = pb_graph_n_connections (g);
  check.events = g_array_new (FALSE, FALSE, sizeof (pb_graph_event));
  g_assert_cmpint (pb_graph_add_listener (g, check_removal_event, &check, &id), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_with_port (p, 3)), ==, PB_OK);

  /* One DISCONNECTED per link, each exactly once and in either
   * orientation, then PROCESS_REMOVED last. */
  g_assert_cmpuint (check.events->len, ==, G_N_ELEMENTS (links) + 1);
  for (i = 0; i < G_N_ELEMENTS (links); i++)
    {
      const pb_graph_event *e = &g_array_index (check.events, pb_graph_event, i);
      guint k;

      g_assert_cmpint (e->type, ==, PB_GRAPH_DISCONNECTED);
      for (k = 0; k < G_N_ELEMENTS (links); k++)
        if ((links[k][0] == e->a && links[k][1] == e->b)
            || (links[k][0] == e->b && links[k][1] == e->a))
          break;
      g_assert_cmpuint (k, <, G_N_ELEMENTS (links));
      g_assert_true (g_hash_table_remove (expected, &links[k][0]));
    }
  g_assert_cmpuint (g_hash_table_size (expected), ==, 0);
  g_assert_cmpint (g_array_index (check.events, pb_graph_event, i).type, ==, PB_GRAPH_PROCESS_REMOVED);
  g_assert_cmphex (g_array_index (check.events, pb_graph_event, i).a, ==, p);
  g_assert_cmphex (g_array_index (check.events, pb_graph_event, i).b, ==, 0);

  g_assert_cmpuint (pb_graph_n_processes (g), ==, 2);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 1);
  g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (q, 1)), ==, pb_addr_with_port (r, 1));
  g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (q, 0)), ==, 0);
  g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (r, 40000)), ==, 0);
  g_assert_cmpuint (pb_graph_list_ports (g, q, NULL, 0), ==, 1);
  g_assert_cmpuint (pb_graph_list_ports (g, r, NULL, 0), ==, 1);

  /* A missing process is refused without a word; the id is free again. */
  g_array_set_size (check.events, 0);
  g_assert_cmpint (pb_graph_remove_process (g, p), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_remove_process (g, 0), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (6, 2, 0)), ==, PB_ENOENT);
  g_assert_cmpuint (check.events->len, ==, 0);
  g_assert_cmpint (pb_graph_remove_listener (g, id), ==, PB_OK);
  g_assert_cmphex (add (g, 0, NULL), ==, p);
  g_assert_cmpuint (pb_graph_list_ports (g, p, NULL, 0), ==, 0);

  g_array_unref (check.events);
  g_hash_table_unref (expected);
  pb_graph_free (g);
}

static void
test_listener_events (void)
{
  pb_graph *g = pb_graph_new (0);
  event_log log;
  pb_addr p, q, r;

  event_log_init (&log, g);

  p = add (g, 0, NULL);
  assert_event (&log, 0, PB_GRAPH_PROCESS_ADDED, p, 0);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (2, 50, 1), "x"), ==, PB_OK);
  q = pb_addr_make (2, 50, 0);
  assert_event (&log, 1, PB_GRAPH_PROCESS_ADDED, q, 0);
  r = add (g, 0, NULL);
  assert_event (&log, 2, PB_GRAPH_PROCESS_ADDED, r, 0);

  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (q, 5), pb_addr_with_port (p, 3)), ==, PB_OK);
  assert_event (&log, 3, PB_GRAPH_CONNECTED, pb_addr_with_port (q, 5), pb_addr_with_port (p, 3));
  /* Disconnecting reports the given end first. */
  g_assert_cmpint (pb_graph_disconnect (g, pb_addr_with_port (p, 3)), ==, PB_OK);
  assert_event (&log, 4, PB_GRAPH_DISCONNECTED, pb_addr_with_port (p, 3), pb_addr_with_port (q, 5));

  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (r, 1), pb_addr_with_port (p, 1)), ==, PB_OK);
  assert_event (&log, 5, PB_GRAPH_CONNECTED, pb_addr_with_port (r, 1), pb_addr_with_port (p, 1));
  g_assert_cmpint (pb_graph_remove_process (g, r), ==, PB_OK);
  assert_event (&log, 6, PB_GRAPH_DISCONNECTED, pb_addr_with_port (r, 1), pb_addr_with_port (p, 1));
  assert_event (&log, 7, PB_GRAPH_PROCESS_REMOVED, r, 0);
  g_assert_cmpuint (log.events->len, ==, 8);

  /* Failed edits are not reported. */
  g_assert_cmpint (pb_graph_remove_process (g, r), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_disconnect (g, p), ==, PB_ENOTCONN);
  g_assert_cmpint (pb_graph_connect (g, p, p), ==, PB_EINVAL);
  g_assert_cmpint (pb_graph_insert_process (g, q, NULL), ==, PB_EEXIST);
  g_assert_cmpint (pb_graph_add_process (g, PB_HOST_MAX + 1, NULL, NULL), ==, PB_EINVAL);
  g_assert_cmpuint (log.events->len, ==, 8);

  event_log_clear (&log);
  pb_graph_free (g);
}

/* Appends its tag to a shared string, to show the order of listeners. */
typedef struct
{
  const char *tag;
  GString    *order;
} tagged_listener;

static void
tag_listener (const pb_graph       *g,
              const pb_graph_event *event,
              void                 *data)
{
  const tagged_listener *t = data;

  g_string_append (t->order, t->tag);
}

static void
test_listener_order (void)
{
  pb_graph *g = pb_graph_new (0);
  GString *order = g_string_new (NULL);
  tagged_listener tags[] = {
    { "a", order }, { "b", order }, { "c", order }, { "d", order },
  };
  uint32_t ids[G_N_ELEMENTS (tags)];
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      g_assert_cmpint (pb_graph_add_listener (g, tag_listener, &tags[i], &ids[i]), ==, PB_OK);
      g_assert_cmpuint (ids[i], !=, 0);
      for (j = 0; j < i; j++)
        g_assert_cmpuint (ids[i], !=, ids[j]);
    }

  add (g, 0, NULL);
  g_assert_cmpstr (order->str, ==, "abcd");

  /* Removing one keeps the others in order; its id is then unknown. */
  g_assert_cmpint (pb_graph_remove_listener (g, ids[1]), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_listener (g, ids[1]), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_remove_listener (g, 0), ==, PB_ENOENT);
  g_string_truncate (order, 0);
  add (g, 0, NULL);
  g_assert_cmpstr (order->str, ==, "acd");

  /* A listener added later runs last, even with the same function. */
  g_assert_cmpint (pb_graph_add_listener (g, tag_listener, &tags[1], &ids[1]), ==, PB_OK);
  g_string_truncate (order, 0);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_make (0, 1, 1), pb_addr_make (0, 2, 1)), ==, PB_OK);
  g_assert_cmpstr (order->str, ==, "acdb");

  for (i = 0; i < G_N_ELEMENTS (tags); i++)
    g_assert_cmpint (pb_graph_remove_listener (g, ids[i]), ==, PB_OK);
  g_string_truncate (order, 0);
  g_assert_cmpint (pb_graph_disconnect (g, pb_addr_make (0, 1, 1)), ==, PB_OK);
  g_assert_cmpstr (order->str, ==, "");

  g_string_free (order, TRUE);
  pb_graph_free (g);
}

/* Tries every kind of edit from inside a listener. */
typedef struct
{
  pb_graph *g;
  pb_addr   p;      /* port 1 joined to port 1 of linked */
  pb_addr   linked;
  pb_addr   spare;  /* no links */
  guint     calls;
} deadlock_check;

static void
edit_from_listener (const pb_graph       *graph,
                    const pb_graph_event *event,
                    void                 *data)
{
  deadlock_check *check = data;
  pb_graph *g = check->g;
  pb_addr out = 99;
  pb_addr p1 = pb_addr_with_port (check->p, 1);
  size_t n_processes = pb_graph_n_processes (graph);
  size_t n_connections = pb_graph_n_connections (graph);
  g_autofree char *name = g_strdup (pb_graph_process_name (graph, check->p));
  g_autofree char *value = g_strdup (pb_graph_get_param (graph, check->p, "k"));
  uint32_t flags = pb_graph_link_flags (graph, p1);
  g_autofree char *before = describe (graph);
  g_autofree char *after = NULL;

  g_assert_true (graph == g);
  check->calls++;

  /* Each of these would succeed outside a listener. */
  g_assert_cmpint (pb_graph_add_process (g, 0, "x", &out), ==, PB_EDEADLK);
  g_assert_cmphex (out, ==, 99);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 1000, 0), NULL), ==, PB_EDEADLK);
  g_assert_cmpint (pb_graph_remove_process (g, check->spare), ==, PB_EDEADLK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (check->p, 20), pb_addr_with_port (check->spare, 20)), ==, PB_EDEADLK);
  g_assert_cmpint (pb_graph_disconnect (g, pb_addr_with_port (check->p, 1)), ==, PB_EDEADLK);
  g_assert_cmpint (pb_graph_set_name (g, check->spare, "free"), ==, PB_EDEADLK);
  g_assert_cmpint (pb_graph_set_name (g, check->p, NULL), ==, PB_EDEADLK);
  g_assert_cmpint (pb_graph_set_param (g, check->p, "k", "other"), ==, PB_EDEADLK);
  g_assert_cmpint (pb_graph_set_param (g, check->p, "k", NULL), ==, PB_EDEADLK);
  g_assert_cmpint (pb_graph_set_param (g, check->spare, "k", "v"), ==, PB_EDEADLK);
  g_assert_cmpint (pb_graph_set_link_flags (g, p1, flags ^ PB_LINK_BREAK_INLINING), ==, PB_EDEADLK);

  /* An edit that is wrong anyway gets its own reason first, as the header
   * orders the codes. */
  g_assert_cmpint (pb_graph_connect (g, check->p, check->p), ==, PB_EINVAL);
  g_assert_cmpint (pb_graph_set_name (g, check->spare, name), ==, PB_EEXIST);
  g_assert_cmpint (pb_graph_set_name (g, pb_addr_make (0, 1000, 0), "free"), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_set_param (g, check->p, "", "v"), ==, PB_EINVAL);
  g_assert_cmpint (pb_graph_set_param (g, pb_addr_make (0, 1000, 0), "k", "v"), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_set_link_flags (g, pb_addr_with_port (check->p, 20), 1), ==, PB_ENOTCONN);
  g_assert_cmpint (pb_graph_set_link_flags (g, pb_addr_make (0, 1000, 1), 1), ==, PB_ENOENT);

  /* An edit that would change nothing touches nothing, so it succeeds. */
  g_assert_cmpint (pb_graph_set_name (g, check->p, name), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_name (g, check->spare, NULL), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_param (g, check->p, "k", value), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_param (g, check->spare, "k", NULL), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_link_flags (g, p1, flags), ==, PB_OK);

  g_assert_cmpuint (pb_graph_n_processes (graph), ==, n_processes);
  g_assert_cmpuint (pb_graph_n_connections (graph), ==, n_connections);
  g_assert_false (pb_graph_has_process (graph, pb_addr_make (0, 1000, 0)));
  g_assert_true (pb_graph_has_process (graph, check->spare));
  g_assert_cmphex (pb_graph_peer (graph, pb_addr_with_port (check->p, 20)), ==, 0);
  g_assert_cmphex (pb_graph_peer (graph, pb_addr_with_port (check->p, 1)), ==, pb_addr_with_port (check->linked, 1));
  after = describe (graph);
  g_assert_cmpstr (before, ==, after);
}

static void
test_listener_deadlock (void)
{
  pb_graph *g = pb_graph_new (0);
  deadlock_check check = { g, 0, 0, 0, 0 };
  uint32_t id;

  check.p = add (g, 0, NULL);
  check.linked = add (g, 0, NULL);
  check.spare = add (g, 0, NULL);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (check.p, 1), pb_addr_with_port (check.linked, 1)), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_name (g, check.p, "p"), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_param (g, check.p, "k", "v"), ==, PB_OK);
  g_assert_cmpint (pb_graph_add_listener (g, edit_from_listener, &check, &id), ==, PB_OK);

  /* One edit of each type, each heard once. */
  add (g, 0, NULL);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (1, 7, 0), NULL), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (check.p, 2), pb_addr_make (1, 7, 2)), ==, PB_OK);
  g_assert_cmpint (pb_graph_disconnect (g, pb_addr_make (1, 7, 2)), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (1, 7, 0)), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_name (g, check.p, "renamed"), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_param (g, check.p, "k", "w"), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_link_flags (g, pb_addr_with_port (check.p, 1), PB_LINK_BREAK_INLINING), ==, PB_OK);
  g_assert_cmpuint (check.calls, ==, 8);

  /* Once the listener has returned, editing works again. */
  g_assert_cmpint (pb_graph_remove_listener (g, id), ==, PB_OK);
  g_assert_cmpint (pb_graph_insert_process (g, pb_addr_make (0, 1000, 0), NULL), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_process (g, check.spare), ==, PB_OK);
  g_assert_cmpint (pb_graph_disconnect (g, pb_addr_with_port (check.p, 1)), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_name (g, check.linked, "free"), ==, PB_OK);
  g_assert_cmpuint (check.calls, ==, 8);

  pb_graph_free (g);
}

/* Listeners that change the list of listeners while it runs. */
typedef struct
{
  pb_graph *g;
  uint32_t  self;
  uint32_t  victim;
  guint     calls;
  guint     added_calls;
  uint32_t  added;
} churn_check;

static void
counting_listener (const pb_graph       *g,
                   const pb_graph_event *event,
                   void                 *data)
{
  guint *calls = data;

  (*calls)++;
}

static void
churn_listener (const pb_graph       *graph,
                const pb_graph_event *event,
                void                 *data)
{
  churn_check *check = data;

  check->calls++;
  if (check->calls == 1)
    {
      /* Remove itself and a later listener, and add a new one: the removed
       * ones stop at once, the new one starts with the next event. */
      g_assert_cmpint (pb_graph_remove_listener (check->g, check->self), ==, PB_OK);
      g_assert_cmpint (pb_graph_remove_listener (check->g, check->self), ==, PB_ENOENT);
      g_assert_cmpint (pb_graph_remove_listener (check->g, check->victim), ==, PB_OK);
      g_assert_cmpint (pb_graph_add_listener (check->g, counting_listener, &check->added_calls, &check->added), ==, PB_OK);
      g_assert_cmpuint (check->added, !=, 0);
      g_assert_cmpuint (check->added, !=, check->self);
      g_assert_cmpuint (check->added, !=, check->victim);
    }
}

static void
test_listener_churn (void)
{
  pb_graph *g = pb_graph_new (0);
  churn_check check = { g, 0, 0, 0, 0, 0 };
  guint before = 0, victim = 0, after = 0;
  uint32_t before_id, after_id;

  g_assert_cmpint (pb_graph_add_listener (g, counting_listener, &before, &before_id), ==, PB_OK);
  g_assert_cmpint (pb_graph_add_listener (g, churn_listener, &check, &check.self), ==, PB_OK);
  g_assert_cmpint (pb_graph_add_listener (g, counting_listener, &victim, &check.victim), ==, PB_OK);
  g_assert_cmpint (pb_graph_add_listener (g, counting_listener, &after, &after_id), ==, PB_OK);

  add (g, 0, NULL);
  g_assert_cmpuint (before, ==, 1);
  g_assert_cmpuint (check.calls, ==, 1);
  g_assert_cmpuint (victim, ==, 0);
  g_assert_cmpuint (after, ==, 1);
  g_assert_cmpuint (check.added_calls, ==, 0);

  add (g, 0, NULL);
  g_assert_cmpuint (before, ==, 2);
  g_assert_cmpuint (check.calls, ==, 1);
  g_assert_cmpuint (victim, ==, 0);
  g_assert_cmpuint (after, ==, 2);
  g_assert_cmpuint (check.added_calls, ==, 1);

  g_assert_cmpint (pb_graph_remove_listener (g, check.victim), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_remove_listener (g, check.added), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_listener (g, after_id), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_listener (g, before_id), ==, PB_OK);

  pb_graph_free (g);
}

static int
compare_addr_ptr (const void *x,
                  const void *y)
{
  pb_addr a = *(const pb_addr *) x;
  pb_addr b = *(const pb_addr *) y;

  return (a > b) - (a < b);
}

static void
test_list_processes (void)
{
  pb_graph *g = pb_graph_new (0);
  /* Inserted out of order, over hosts whose ids sort differently from
   * their processes' ids. */
  static const guint32 fields[][2] = {
    { 3, 9 }, { 0, 70 }, { PB_HOST_MAX, 1 }, { 0, 2 }, { 3, 1 },
    { 1, PB_PROCESS_MAX }, { 0, 65 }, { 0, 1 }, { 1, 5 }, { 0, 64 },
  };
  pb_addr expected[G_N_ELEMENTS (fields)];
  pb_addr out[G_N_ELEMENTS (fields) + 2];
  size_t n;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      expected[i] = pb_addr_make (fields[i][0], fields[i][1], 0);
      g_assert_cmpint (pb_graph_insert_process (g, pb_addr_with_port (expected[i], i), NULL), ==, PB_OK);
    }
  qsort (expected, G_N_ELEMENTS (expected), sizeof *expected, compare_addr_ptr);

  g_assert_cmpuint (pb_graph_list_processes (g, NULL, 0), ==, G_N_ELEMENTS (fields));
  g_assert_cmpuint (pb_graph_list_processes (g, out, 0), ==, G_N_ELEMENTS (fields));

  /* Every prefix length gives the prefix of the sorted list and writes
   * nothing past it. */
  for (n = 0; n <= G_N_ELEMENTS (out); n++)
    {
      size_t k;

      memset (out, 0xab, sizeof out);
      g_assert_cmpuint (pb_graph_list_processes (g, out, n), ==, G_N_ELEMENTS (fields));
      for (k = 0; k < G_N_ELEMENTS (out); k++)
        if (k < n && k < G_N_ELEMENTS (fields))
          g_assert_cmphex (out[k], ==, expected[k]);
        else
          g_assert_cmphex (out[k], ==, G_GUINT64_CONSTANT (0xabababababababab));
    }

  pb_graph_free (g);
}

static void
test_list_connections (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr p = add (g, 0, NULL);
  pb_addr q = add (g, 0, NULL);
  pb_addr r = add (g, 4, NULL);
  pb_connection links[] = {
    { pb_addr_with_port (r, 3), pb_addr_with_port (p, 3) },
    { pb_addr_with_port (q, 1), pb_addr_with_port (p, 9) },
    { pb_addr_with_port (p, 2), pb_addr_with_port (q, 7) },
    { pb_addr_with_port (q, 6), pb_addr_with_port (q, 5) },
    { pb_addr_with_port (r, 0), pb_addr_with_port (r, PB_PORT_MAX) },
    { pb_addr_with_port (p, 1), pb_addr_with_port (r, 1) },
  };
  pb_addr lows[G_N_ELEMENTS (links)];
  pb_connection out[G_N_ELEMENTS (links) + 2];
  pb_connection ports[4];
  size_t n;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (links); i++)
    {
      g_assert_cmpint (pb_graph_connect (g, links[i].a, links[i].b), ==, PB_OK);
      lows[i] = MIN (links[i].a, links[i].b);
    }
  qsort (lows, G_N_ELEMENTS (lows), sizeof *lows, compare_addr_ptr);

  g_assert_cmpuint (pb_graph_list_connections (g, NULL, 0), ==, G_N_ELEMENTS (links));
  for (n = 0; n <= G_N_ELEMENTS (out); n++)
    {
      size_t k;

      memset (out, 0xcd, sizeof out);
      g_assert_cmpuint (pb_graph_list_connections (g, out, n), ==, G_N_ELEMENTS (links));
      for (k = 0; k < G_N_ELEMENTS (out); k++)
        if (k < n && k < G_N_ELEMENTS (links))
          {
            g_assert_cmphex (out[k].a, ==, lows[k]);
            g_assert_cmphex (out[k].a, <, out[k].b);
            g_assert_cmphex (pb_graph_peer (g, out[k].a), ==, out[k].b);
          }
        else
          {
            g_assert_cmphex (out[k].a, ==, G_GUINT64_CONSTANT (0xcdcdcdcdcdcdcdcd));
            g_assert_cmphex (out[k].b, ==, G_GUINT64_CONSTANT (0xcdcdcdcdcdcdcdcd));
          }
    }

  /* The ports of one process, in port order, truncated likewise. */
  memset (ports, 0, sizeof ports);
  g_assert_cmpuint (pb_graph_list_ports (g, pb_addr_with_port (p, 5), ports, 3), ==, 4);
  g_assert_cmphex (ports[0].a, ==, pb_addr_with_port (p, 1));
  g_assert_cmphex (ports[0].b, ==, pb_addr_with_port (r, 1));
  g_assert_cmphex (ports[1].a, ==, pb_addr_with_port (p, 2));
  g_assert_cmphex (ports[1].b, ==, pb_addr_with_port (q, 7));
  g_assert_cmphex (ports[2].a, ==, pb_addr_with_port (p, 3));
  g_assert_cmphex (ports[2].b, ==, pb_addr_with_port (r, 3));
  g_assert_cmphex (ports[3].a, ==, 0);
  g_assert_cmpuint (pb_graph_list_ports (g, p, NULL, 0), ==, 4);
  g_assert_cmpuint (pb_graph_list_ports (g, pb_addr_make (0, 3, 0), ports, 4), ==, 0);

  pb_graph_free (g);
}

/* A name is one line of text: messages and nodes show it. */
static void
test_name_text (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr p = add (g, 0, "map");
  static const char *const refused[] = {
    "two\nlines", "tab\there", "bell\a", "del\x7f", "\xff\xfe", "\xc3", "\xed\xa0\x80",
  };

  for (size_t i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_cmpint (pb_graph_set_name (g, p, refused[i]), ==, PB_EINVAL);
      g_assert_null (pb_graph_process_name (g, p));
    }
  /* Spaces and any language are fine. */
  g_assert_cmpint (pb_graph_set_name (g, p, "échelle de Ré ♪"), ==, PB_OK);
  g_assert_cmpstr (pb_graph_process_name (g, p), ==, "échelle de Ré ♪");
  /* A refused rename keeps the name it had. */
  g_assert_cmpint (pb_graph_set_name (g, p, "new\nname"), ==, PB_EINVAL);
  g_assert_cmpstr (pb_graph_process_name (g, p), ==, "échelle de Ré ♪");
  pb_graph_free (g);
}

static void
test_names (void)
{
  pb_graph *g = pb_graph_new (0);
  char name[] = "osc";
  pb_addr p = add (g, 0, "sine");
  pb_addr q = add (g, 3, NULL);
  pb_addr r = add (g, 0, NULL);
  pb_addr missing = pb_addr_make (0, 9, 0);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  event_log log;

  event_log_init (&log, g);
  g_assert_null (pb_graph_process_name (g, p));

  /* The name is a copy; port bits do not matter, and the event and
   * pb_graph_find_name() give the process's address. */
  g_assert_cmpint (pb_graph_set_name (g, pb_addr_with_port (p, 4), name), ==, PB_OK);
  name[0] = 'l';
  g_assert_cmpstr (pb_graph_process_name (g, p), ==, "osc");
  g_assert_cmpstr (pb_graph_process_name (g, pb_addr_with_port (p, 9)), ==, "osc");
  g_assert_cmphex (pb_graph_find_name (g, "osc"), ==, p);
  g_assert_cmphex (pb_graph_find_name (g, "lsc"), ==, 0);
  g_assert_cmphex (pb_graph_find_name (g, "os"), ==, 0);
  g_assert_cmphex (pb_graph_find_name (g, "osc2"), ==, 0);
  g_assert_cmphex (pb_graph_find_name (g, "Osc"), ==, 0);
  g_assert_cmpuint (log.events->len, ==, 1);
  assert_event (&log, 0, PB_GRAPH_PROCESS_CHANGED, p, 0);

  /* Names are unique across hosts; refusals change nothing. */
  before = describe (g);
  g_assert_cmpint (pb_graph_set_name (g, q, "osc"), ==, PB_EEXIST);
  g_assert_cmpint (pb_graph_set_name (g, r, "osc"), ==, PB_EEXIST);
  /* ENOENT comes before EEXIST. */
  g_assert_cmpint (pb_graph_set_name (g, missing, "osc"), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_set_name (g, missing, "free"), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_set_name (g, 0, NULL), ==, PB_ENOENT);
  after = describe (g);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (log.events->len, ==, 1);

  /* The same name again, or no name again, is no change and no event. */
  g_assert_cmpint (pb_graph_set_name (g, p, "osc"), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_name (g, q, NULL), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_name (g, q, ""), ==, PB_OK);
  g_assert_cmpuint (log.events->len, ==, 1);

  /* Similar names are different names. */
  g_assert_cmpint (pb_graph_set_name (g, q, "osc2"), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_name (g, r, "Osc"), ==, PB_OK);
  assert_event (&log, 1, PB_GRAPH_PROCESS_CHANGED, q, 0);
  assert_event (&log, 2, PB_GRAPH_PROCESS_CHANGED, r, 0);
  g_assert_cmphex (pb_graph_find_name (g, "osc"), ==, p);
  g_assert_cmphex (pb_graph_find_name (g, "osc2"), ==, q);
  g_assert_cmphex (pb_graph_find_name (g, "Osc"), ==, r);

  /* Renaming frees the old name for others. */
  g_assert_cmpint (pb_graph_set_name (g, p, "lfo"), ==, PB_OK);
  assert_event (&log, 3, PB_GRAPH_PROCESS_CHANGED, p, 0);
  g_assert_cmphex (pb_graph_find_name (g, "osc"), ==, 0);
  g_assert_cmphex (pb_graph_find_name (g, "lfo"), ==, p);
  g_assert_cmpint (pb_graph_set_name (g, q, "osc"), ==, PB_OK);
  g_assert_cmphex (pb_graph_find_name (g, "osc"), ==, q);
  g_assert_cmphex (pb_graph_find_name (g, "osc2"), ==, 0);

  /* NULL and "" both remove a name, and free it. */
  g_assert_cmpint (pb_graph_set_name (g, p, NULL), ==, PB_OK);
  assert_event (&log, 5, PB_GRAPH_PROCESS_CHANGED, p, 0);
  g_assert_null (pb_graph_process_name (g, p));
  g_assert_cmphex (pb_graph_find_name (g, "lfo"), ==, 0);
  g_assert_cmpint (pb_graph_set_name (g, r, ""), ==, PB_OK);
  assert_event (&log, 6, PB_GRAPH_PROCESS_CHANGED, r, 0);
  g_assert_null (pb_graph_process_name (g, r));
  g_assert_cmphex (pb_graph_find_name (g, "Osc"), ==, 0);
  g_assert_cmpint (pb_graph_set_name (g, r, "lfo"), ==, PB_OK);
  g_assert_cmphex (pb_graph_find_name (g, "lfo"), ==, r);
  g_assert_cmpuint (log.events->len, ==, 8);

  /* No process is called "" or NULL. */
  g_assert_cmphex (pb_graph_find_name (g, ""), ==, 0);
  g_assert_cmphex (pb_graph_find_name (g, NULL), ==, 0);
  g_assert_null (pb_graph_process_name (g, missing));
  g_assert_null (pb_graph_process_name (g, 0));

  /* Removing a process frees its name; its id comes back unnamed. */
  g_assert_cmpint (pb_graph_remove_process (g, q), ==, PB_OK);
  g_assert_cmphex (pb_graph_find_name (g, "osc"), ==, 0);
  g_assert_null (pb_graph_process_name (g, q));
  g_assert_cmphex (add (g, 3, NULL), ==, q);
  g_assert_null (pb_graph_process_name (g, q));
  g_assert_cmpint (pb_graph_set_name (g, p, "osc"), ==, PB_OK);
  g_assert_cmphex (pb_graph_find_name (g, "osc"), ==, p);

  event_log_clear (&log);
  pb_graph_free (g);
}

/* FNV-1a, the hash that the graph indexes names by. */
static guint64
fnv1a (const char *s)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (; *s != '\0'; s++)
    {
      h ^= (guchar) *s;
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return h;
}

/*
 * Names whose 64-bit FNV-1a hashes are equal, so that they share an entry
 * of the graph's name index. Each of the two pairs of halves was found by a
 * Pollard rho search, the second starting from the hash of the first. As
 * FNV-1a carries only its state from byte to byte, any first half followed
 * by any second half gives the same hash: four names in one chain.
 */
#define COLLIDING_A0 "540c23d42d0e12fa"
#define COLLIDING_A1 "1c9612425b6590f9"
#define COLLIDING_B0 "42a54f0fa13ada12"
#define COLLIDING_B1 "7b894ae81e420806"

static const char *const colliding_names[] = {
  COLLIDING_A0 COLLIDING_B0,
  COLLIDING_A0 COLLIDING_B1,
  COLLIDING_A1 COLLIDING_B0,
  COLLIDING_A1 COLLIDING_B1,
};

/* Checks that names[i] is the name of owners[i], or of none if that is 0. */
static void
assert_owners (const pb_graph    *g,
               const char *const *names,
               const pb_addr     *owners,
               guint              n)
{
  guint i;

  for (i = 0; i < n; i++)
    {
      g_assert_cmphex (pb_graph_find_name (g, names[i]), ==, owners[i]);
      if (owners[i] != 0)
        g_assert_cmpstr (pb_graph_process_name (g, owners[i]), ==, names[i]);
    }
}

static void
test_name_collisions (void)
{
  enum { N = G_N_ELEMENTS (colliding_names) };
  pb_graph *g = pb_graph_new (0);
  const char *const *names = colliding_names;
  pb_addr procs[N];
  pb_addr owners[N] = { 0 };
  pb_addr spare;
  guint i, j;

  /* The test data really collide. */
  g_assert_cmphex (fnv1a (COLLIDING_A0), ==, fnv1a (COLLIDING_A1));
  for (i = 0; i < N; i++)
    {
      procs[i] = add (g, i % 2, NULL);
      g_assert_cmphex (fnv1a (names[i]), ==, fnv1a (names[0]));
      for (j = 0; j < i; j++)
        g_assert_cmpstr (names[i], !=, names[j]);
    }
  spare = add (g, 0, NULL);

  /* One chain holds them all, each found by its own name. */
  for (i = 0; i < N; i++)
    {
      assert_owners (g, names, owners, N);
      g_assert_cmpint (pb_graph_set_name (g, procs[i], names[i]), ==, PB_OK);
      owners[i] = procs[i];
    }
  assert_owners (g, names, owners, N);
  for (i = 0; i < N; i++)
    g_assert_cmpint (pb_graph_set_name (g, spare, names[i]), ==, PB_EEXIST);

  /* The shorter pair collides too, in another chain. */
  g_assert_cmpint (pb_graph_set_name (g, spare, COLLIDING_A1), ==, PB_OK);
  g_assert_cmphex (pb_graph_find_name (g, COLLIDING_A0), ==, 0);
  g_assert_cmphex (pb_graph_find_name (g, COLLIDING_A1), ==, spare);
  assert_owners (g, names, owners, N);

  /* As the graph builds chains, this one runs 0, 3, 2, 1: names leave it
   * from the middle, the end and the front, each in one of the ways a
   * name goes (cleared, renamed, with its process), then it is empty. */
  g_assert_cmpint (pb_graph_set_name (g, procs[2], NULL), ==, PB_OK);
  owners[2] = 0;
  assert_owners (g, names, owners, N);
  g_assert_cmpint (pb_graph_set_name (g, procs[1], "plain"), ==, PB_OK);
  owners[1] = 0;
  assert_owners (g, names, owners, N);
  g_assert_cmphex (pb_graph_find_name (g, "plain"), ==, procs[1]);
  g_assert_cmpint (pb_graph_remove_process (g, procs[0]), ==, PB_OK);
  owners[0] = 0;
  assert_owners (g, names, owners, N);
  g_assert_cmpint (pb_graph_set_name (g, procs[3], ""), ==, PB_OK);
  owners[3] = 0;
  assert_owners (g, names, owners, N);

  /* Freed names are taken again, and renames within the chain work. */
  g_assert_cmphex (add (g, 0, NULL), ==, procs[0]);
  g_assert_cmpint (pb_graph_set_name (g, procs[0], names[3]), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_name (g, procs[3], names[2]), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_name (g, procs[2], names[1]), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_name (g, procs[1], names[0]), ==, PB_OK);
  owners[0] = procs[1];
  owners[1] = procs[2];
  owners[2] = procs[3];
  owners[3] = procs[0];
  assert_owners (g, names, owners, N);
  g_assert_cmpint (pb_graph_set_name (g, procs[1], names[0]), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_name (g, procs[1], names[2]), ==, PB_EEXIST);
  g_assert_cmpint (pb_graph_set_name (g, procs[3], NULL), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_name (g, procs[1], names[2]), ==, PB_OK);
  owners[0] = 0;
  owners[2] = procs[1];
  assert_owners (g, names, owners, N);
  g_assert_cmphex (pb_graph_find_name (g, COLLIDING_A1), ==, spare);

  pb_graph_free (g);
}

static void
test_params (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr p = add (g, 0, "sine");
  pb_addr q = add (g, 2, NULL);
  pb_addr missing = pb_addr_make (0, 9, 0);
  static const char *const sorted[] = { "alpha", "beta", "freq", "zeta" };
  const char *keys[G_N_ELEMENTS (sorted) + 2];
  const char *values[G_N_ELEMENTS (sorted) + 2];
  char value[] = "440";
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  event_log log;
  size_t n;
  guint i;

  event_log_init (&log, g);
  g_assert_null (pb_graph_get_param (g, p, "freq"));
  g_assert_cmpuint (pb_graph_list_params (g, p, keys, values, G_N_ELEMENTS (keys)), ==, 0);

  /* The value is a copy; port bits do not matter. */
  g_assert_cmpint (pb_graph_set_param (g, pb_addr_with_port (p, 3), "freq", value), ==, PB_OK);
  value[0] = '8';
  g_assert_cmpstr (pb_graph_get_param (g, p, "freq"), ==, "440");
  g_assert_cmpstr (pb_graph_get_param (g, pb_addr_with_port (p, 7), "freq"), ==, "440");
  g_assert_null (pb_graph_get_param (g, q, "freq"));
  g_assert_null (pb_graph_get_param (g, p, "fre"));
  g_assert_null (pb_graph_get_param (g, p, "freq2"));
  g_assert_cmpuint (log.events->len, ==, 1);
  assert_event (&log, 0, PB_GRAPH_PROCESS_CHANGED, p, 0);

  /* Only changes are reported. */
  g_assert_cmpint (pb_graph_set_param (g, p, "freq", "440"), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_param (g, p, "absent", NULL), ==, PB_OK);
  g_assert_cmpuint (log.events->len, ==, 1);
  g_assert_cmpint (pb_graph_set_param (g, p, "freq", value), ==, PB_OK);
  g_assert_cmpstr (pb_graph_get_param (g, p, "freq"), ==, "840");
  assert_event (&log, 1, PB_GRAPH_PROCESS_CHANGED, p, 0);

  /* An empty value is a value, unlike NULL. */
  g_assert_cmpint (pb_graph_set_param (g, q, "freq", ""), ==, PB_OK);
  assert_event (&log, 2, PB_GRAPH_PROCESS_CHANGED, q, 0);
  g_assert_cmpstr (pb_graph_get_param (g, q, "freq"), ==, "");
  g_assert_cmpint (pb_graph_set_param (g, q, "freq", ""), ==, PB_OK);
  g_assert_cmpuint (log.events->len, ==, 3);
  g_assert_cmpint (pb_graph_set_param (g, q, "freq", NULL), ==, PB_OK);
  assert_event (&log, 3, PB_GRAPH_PROCESS_CHANGED, q, 0);
  g_assert_null (pb_graph_get_param (g, q, "freq"));
  g_assert_cmpstr (pb_graph_get_param (g, p, "freq"), ==, "840");

  /* Keys list in strcmp order, whatever order they were set in. */
  g_assert_cmpint (pb_graph_set_param (g, p, "zeta", "z"), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_param (g, p, "alpha", "a"), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_param (g, p, "beta", "b"), ==, PB_OK);
  g_assert_cmpuint (pb_graph_list_params (g, p, NULL, NULL, 0), ==, G_N_ELEMENTS (sorted));
  for (n = 0; n <= G_N_ELEMENTS (keys); n++)
    {
      size_t k;

      for (k = 0; k < G_N_ELEMENTS (keys); k++)
        keys[k] = values[k] = "untouched";
      g_assert_cmpuint (pb_graph_list_params (g, p, keys, values, n), ==, G_N_ELEMENTS (sorted));
      for (k = 0; k < G_N_ELEMENTS (keys); k++)
        if (k < n && k < G_N_ELEMENTS (sorted))
          {
            g_assert_cmpstr (keys[k], ==, sorted[k]);
            g_assert_cmpstr (values[k], ==, pb_graph_get_param (g, p, sorted[k]));
          }
        else
          {
            g_assert_cmpstr (keys[k], ==, "untouched");
            g_assert_cmpstr (values[k], ==, "untouched");
          }
    }
  /* Either array may be left out. */
  keys[0] = values[0] = "untouched";
  g_assert_cmpuint (pb_graph_list_params (g, p, keys, NULL, 1), ==, G_N_ELEMENTS (sorted));
  g_assert_cmpstr (keys[0], ==, "alpha");
  g_assert_cmpuint (pb_graph_list_params (g, p, NULL, values, 1), ==, G_N_ELEMENTS (sorted));
  g_assert_cmpstr (values[0], ==, "a");

  /* Removing from the middle keeps the order. */
  g_assert_cmpint (pb_graph_set_param (g, p, "beta", NULL), ==, PB_OK);
  g_assert_null (pb_graph_get_param (g, p, "beta"));
  g_assert_cmpuint (pb_graph_list_params (g, p, keys, values, G_N_ELEMENTS (keys)), ==, 3);
  g_assert_cmpstr (keys[0], ==, "alpha");
  g_assert_cmpstr (keys[1], ==, "freq");
  g_assert_cmpstr (keys[2], ==, "zeta");
  g_assert_cmpstr (values[2], ==, "z");
  g_assert_cmpuint (log.events->len, ==, 8);

  /* Refusals change nothing: EINVAL for the key comes before ENOENT. */
  before = describe (g);
  g_assert_cmpint (pb_graph_set_param (g, p, "", "x"), ==, PB_EINVAL);
  g_assert_cmpint (pb_graph_set_param (g, p, NULL, "x"), ==, PB_EINVAL);
  g_assert_cmpint (pb_graph_set_param (g, p, "", NULL), ==, PB_EINVAL);
  g_assert_cmpint (pb_graph_set_param (g, missing, "", "x"), ==, PB_EINVAL);
  g_assert_cmpint (pb_graph_set_param (g, missing, "freq", "x"), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_set_param (g, missing, "freq", NULL), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_set_param (g, 0, "freq", "x"), ==, PB_ENOENT);
  after = describe (g);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (log.events->len, ==, 8);
  g_assert_null (pb_graph_get_param (g, missing, "freq"));
  g_assert_null (pb_graph_get_param (g, p, NULL));
  g_assert_null (pb_graph_get_param (g, p, ""));
  g_assert_cmpuint (pb_graph_list_params (g, missing, keys, values, G_N_ELEMENTS (keys)), ==, 0);

  /* Many keys, set in a scrambled order, stay sorted. */
  for (i = 0; i < 100; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%03u", (i * 37) % 100);
      g_autofree char *val = g_strdup_printf ("%u", (i * 37) % 100);

      g_assert_cmpint (pb_graph_set_param (g, q, key, val), ==, PB_OK);
    }
  g_assert_cmpuint (pb_graph_list_params (g, q, NULL, NULL, 0), ==, 100);
  for (i = 0; i < 100; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%03u", i);
      g_autofree char *val = g_strdup_printf ("%u", i);

      g_assert_cmpstr (pb_graph_get_param (g, q, key), ==, val);
    }

  /* Removing a process frees its parameters; its id comes back with none. */
  g_assert_cmpint (pb_graph_remove_process (g, p), ==, PB_OK);
  g_assert_null (pb_graph_get_param (g, p, "freq"));
  g_assert_cmphex (add (g, 0, NULL), ==, p);
  g_assert_cmpuint (pb_graph_list_params (g, p, NULL, NULL, 0), ==, 0);
  g_assert_null (pb_graph_get_param (g, p, "alpha"));

  event_log_clear (&log);
  pb_graph_free (g);
}

static void
test_link_flags (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr p = add (g, 0, NULL);
  pb_addr q = add (g, 4, NULL);
  pb_addr a = pb_addr_with_port (p, 3);
  pb_addr b = pb_addr_with_port (q, 8);
  pb_addr c = pb_addr_with_port (q, 9);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  event_log log;

  g_assert_cmpint (pb_graph_connect (g, a, b), ==, PB_OK);
  event_log_init (&log, g);

  /* A new link has flags 0; either end sets them, both ends report them,
   * and the event gives the given end first. */
  g_assert_cmphex (pb_graph_link_flags (g, a), ==, 0);
  g_assert_cmphex (pb_graph_link_flags (g, b), ==, 0);
  g_assert_cmpint (pb_graph_set_link_flags (g, a, PB_LINK_BREAK_INLINING), ==, PB_OK);
  g_assert_cmphex (pb_graph_link_flags (g, a), ==, PB_LINK_BREAK_INLINING);
  g_assert_cmphex (pb_graph_link_flags (g, b), ==, PB_LINK_BREAK_INLINING);
  assert_event (&log, 0, PB_GRAPH_LINK_CHANGED, a, b);
  g_assert_cmpint (pb_graph_set_link_flags (g, b, PB_LINK_BREAK_INLINING | 0x80000000u), ==, PB_OK);
  g_assert_cmphex (pb_graph_link_flags (g, a), ==, PB_LINK_BREAK_INLINING | 0x80000000u);
  assert_event (&log, 1, PB_GRAPH_LINK_CHANGED, b, a);

  /* Unchanged flags are no change. */
  g_assert_cmpint (pb_graph_set_link_flags (g, a, PB_LINK_BREAK_INLINING | 0x80000000u), ==, PB_OK);
  g_assert_cmpuint (log.events->len, ==, 2);

  /* Other ports, of the same processes, are not touched. */
  g_assert_cmphex (pb_graph_link_flags (g, c), ==, 0);
  g_assert_cmphex (pb_graph_link_flags (g, pb_addr_with_port (p, 8)), ==, 0);
  g_assert_cmphex (pb_graph_link_flags (g, pb_addr_make (0, 9, 3)), ==, 0);

  /* Refusals change nothing: ENOENT comes before ENOTCONN. */
  before = describe (g);
  g_assert_cmpint (pb_graph_set_link_flags (g, c, 1), ==, PB_ENOTCONN);
  g_assert_cmpint (pb_graph_set_link_flags (g, p, 1), ==, PB_ENOTCONN);
  g_assert_cmpint (pb_graph_set_link_flags (g, c, 0), ==, PB_ENOTCONN);
  g_assert_cmpint (pb_graph_set_link_flags (g, pb_addr_make (0, 9, 3), 1), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_set_link_flags (g, pb_addr_make (1, 1, 3), 0), ==, PB_ENOENT);
  g_assert_cmpint (pb_graph_set_link_flags (g, 0, 1), ==, PB_ENOENT);
  after = describe (g);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (log.events->len, ==, 2);

  /* The flags go with the link: a new link on the same ports, or on one
   * of them, starts at 0. */
  g_assert_cmpint (pb_graph_disconnect (g, b), ==, PB_OK);
  g_assert_cmphex (pb_graph_link_flags (g, a), ==, 0);
  g_assert_cmphex (pb_graph_link_flags (g, b), ==, 0);
  g_assert_cmpint (pb_graph_set_link_flags (g, a, 1), ==, PB_ENOTCONN);
  g_assert_cmpint (pb_graph_connect (g, a, b), ==, PB_OK);
  g_assert_cmphex (pb_graph_link_flags (g, a), ==, 0);
  g_assert_cmphex (pb_graph_link_flags (g, b), ==, 0);
  g_assert_cmpint (pb_graph_set_link_flags (g, a, PB_LINK_BREAK_INLINING), ==, PB_OK);
  g_assert_cmpint (pb_graph_disconnect (g, a), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, a, c), ==, PB_OK);
  g_assert_cmphex (pb_graph_link_flags (g, a), ==, 0);
  g_assert_cmphex (pb_graph_link_flags (g, c), ==, 0);

  /* Both ends on one process. */
  g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (p, 1), pb_addr_with_port (p, 2)), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_link_flags (g, pb_addr_with_port (p, 2), 6), ==, PB_OK);
  g_assert_cmphex (pb_graph_link_flags (g, pb_addr_with_port (p, 1)), ==, 6);
  g_assert_cmphex (pb_graph_link_flags (g, pb_addr_with_port (p, 2)), ==, 6);
  g_assert_cmphex (pb_graph_link_flags (g, a), ==, 0);

  /* Removing a process takes its links' flags with them. */
  g_assert_cmpint (pb_graph_set_link_flags (g, c, PB_LINK_BREAK_INLINING), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_process (g, p), ==, PB_OK);
  g_assert_cmphex (pb_graph_link_flags (g, c), ==, 0);
  g_assert_cmphex (pb_graph_link_flags (g, a), ==, 0);
  g_assert_cmphex (add (g, 0, NULL), ==, p);
  g_assert_cmpint (pb_graph_connect (g, a, c), ==, PB_OK);
  g_assert_cmphex (pb_graph_link_flags (g, c), ==, 0);
  g_assert_cmphex (pb_graph_link_flags (g, pb_addr_with_port (p, 1)), ==, 0);

  event_log_clear (&log);
  pb_graph_free (g);
}

static void
test_broadcast (void)
{
  /* A broadcast process with hundreds of ports, joined and separated in a
   * shuffled order. */
  GRand *rand = g_rand_new_with_seed (600);
  pb_graph *g = pb_graph_new (0);
  pb_addr hub = add (g, 0, "broadcast");
  enum { N = 600 };
  guint32 order[N];
  pb_addr sinks[N];
  pb_connection ports[N];
  guint i;

  for (i = 0; i < N; i++)
    {
      order[i] = i;
      sinks[i] = add (g, 0, NULL);
    }
  for (i = N - 1; i > 0; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i + 1);
      guint32 t = order[i];

      order[i] = order[j];
      order[j] = t;
    }
  for (i = 0; i < N; i++)
    {
      guint32 port = order[i] * 100;

      g_assert_cmpint (pb_graph_connect (g, pb_addr_with_port (hub, port),
                                         pb_addr_with_port (sinks[order[i]], 0)), ==, PB_OK);
    }
  g_assert_cmpuint (pb_graph_n_connections (g), ==, N);
  g_assert_cmpuint (pb_graph_list_ports (g, hub, ports, N), ==, N);
  for (i = 0; i < N; i++)
    {
      g_assert_cmphex (ports[i].a, ==, pb_addr_with_port (hub, i * 100));
      g_assert_cmphex (ports[i].b, ==, pb_addr_with_port (sinks[i], 0));
      g_assert_cmphex (pb_graph_peer (g, ports[i].b), ==, ports[i].a);
    }

  /* Take every other one away, in the shuffled order. */
  for (i = 0; i < N; i++)
    if (order[i] % 2 == 1)
      g_assert_cmpint (pb_graph_disconnect (g, pb_addr_with_port (hub, order[i] * 100)), ==, PB_OK);
  g_assert_cmpuint (pb_graph_list_ports (g, hub, ports, N), ==, N / 2);
  for (i = 0; i < N / 2; i++)
    g_assert_cmphex (ports[i].a, ==, pb_addr_with_port (hub, i * 200));
  g_assert_cmpuint (pb_graph_n_connections (g), ==, N / 2);

  g_assert_cmpint (pb_graph_remove_process (g, hub), ==, PB_OK);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 0);
  for (i = 0; i < N; i++)
    g_assert_cmpuint (pb_graph_list_ports (g, sinks[i], NULL, 0), ==, 0);

  g_rand_free (rand);
  pb_graph_free (g);
}

static void
test_many_processes (void)
{
  enum { N = 100000, STRIDE = 10 };
  pb_graph *g = pb_graph_new (0);
  gdouble elapsed;
  uint32_t i;

  g_test_timer_start ();

  for (i = 1; i <= N; i++)
    g_assert_cmpuint (add_id (g, 0), ==, i);
  for (i = 1; i < N; i++)
    g_assert_cmpint (pb_graph_connect (g, pb_addr_make (0, i, 1), pb_addr_make (0, i + 1, 0)), ==, PB_OK);
  g_assert_cmpuint (pb_graph_n_processes (g), ==, N);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, N - 1);

  /* Every tenth process goes, with both its links (the last has one). */
  for (i = STRIDE; i <= N; i += STRIDE)
    g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (0, i, 0)), ==, PB_OK);
  g_assert_cmpuint (pb_graph_n_processes (g), ==, N - N / STRIDE);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, N - 1 - (2 * (N / STRIDE) - 1));
  g_assert_cmphex (pb_graph_peer (g, pb_addr_make (0, 9, 1)), ==, 0);
  g_assert_cmphex (pb_graph_peer (g, pb_addr_make (0, 11, 0)), ==, 0);
  g_assert_cmphex (pb_graph_peer (g, pb_addr_make (0, 11, 1)), ==, pb_addr_make (0, 12, 0));

  /* Their ids come back in order, then new ones follow. */
  for (i = STRIDE; i <= N; i += STRIDE)
    g_assert_cmpuint (add_id (g, 0), ==, i);
  g_assert_cmpuint (add_id (g, 0), ==, N + 1);
  g_assert_cmpuint (pb_graph_n_processes (g), ==, N + 1);

  /* Relink the chain; it is whole again. */
  for (i = STRIDE; i <= N; i += STRIDE)
    {
      g_assert_cmpint (pb_graph_connect (g, pb_addr_make (0, i - 1, 1), pb_addr_make (0, i, 0)), ==, PB_OK);
      if (i < N)
        g_assert_cmpint (pb_graph_connect (g, pb_addr_make (0, i, 1), pb_addr_make (0, i + 1, 0)), ==, PB_OK);
    }
  g_assert_cmpuint (pb_graph_n_connections (g), ==, N - 1);
  g_assert_cmpuint (pb_graph_list_connections (g, NULL, 0), ==, N - 1);

  /* Freed from the top down, ids still come back lowest first. */
  for (i = N; i >= N - 1000; i--)
    g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (0, i, 0)), ==, PB_OK);
  g_assert_cmpint (pb_graph_remove_process (g, pb_addr_make (0, 5, 0)), ==, PB_OK);
  g_assert_cmpuint (add_id (g, 0), ==, 5);
  g_assert_cmpuint (add_id (g, 0), ==, N - 1000);
  g_assert_cmpuint (add_id (g, 0), ==, N - 999);

  elapsed = g_test_timer_elapsed ();
  g_test_message ("100,000 processes: %.3f s", elapsed);
  /* Well under a second in a normal build; the bound leaves room for
   * sanitisers and busy machines while still catching quadratic work. */
  g_assert_cmpfloat (elapsed, <, 5.0);

  pb_graph_free (g);
}

static void
test_many_names (void)
{
  enum { N = 100000 };
  pb_graph *g = pb_graph_new (0);
  g_autofree pb_addr *procs = g_new0 (pb_addr, N + 1);
  char name[32];
  gdouble elapsed;
  uint32_t i;

  for (i = 1; i <= N; i++)
    {
      procs[i] = add (g, i % 4, NULL);
      g_snprintf (name, sizeof name, "node-%u", i);
      g_assert_cmpint (pb_graph_set_name (g, procs[i], name), ==, PB_OK);
    }

  /* A scan of the processes would make this loop quadratic: five billion
   * string comparisons, not a few milliseconds. */
  g_test_timer_start ();
  for (i = 1; i <= N; i++)
    {
      g_snprintf (name, sizeof name, "node-%u", i);
      g_assert_cmphex (pb_graph_find_name (g, name), ==, procs[i]);
    }
  for (i = N + 1; i <= 2 * N; i++)
    {
      g_snprintf (name, sizeof name, "node-%u", i);
      g_assert_cmphex (pb_graph_find_name (g, name), ==, 0);
    }
  elapsed = g_test_timer_elapsed ();
  g_test_message ("100,000 names found, 100,000 missed: %.3f s", elapsed);
  g_assert_cmpfloat (elapsed, <, 1.0);

  /* Half the processes go, and the other half take their names. */
  for (i = 2; i <= N; i += 2)
    g_assert_cmpint (pb_graph_remove_process (g, procs[i]), ==, PB_OK);
  for (i = 1; i <= N; i += 2)
    {
      g_snprintf (name, sizeof name, "node-%u", i + 1);
      g_assert_cmpint (pb_graph_set_name (g, procs[i], name), ==, PB_OK);
    }
  for (i = 1; i <= N; i++)
    {
      g_snprintf (name, sizeof name, "node-%u", i);
      g_assert_cmphex (pb_graph_find_name (g, name), ==, i % 2 == 0 ? procs[i - 1] : 0);
    }

  pb_graph_free (g);
}

/*
 * A reference model for the randomized test: a small world of hosts, ids
 * and ports, where every edit is easy to check by hand. Names, parameter
 * keys and values are drawn from small pools, so that they clash often;
 * the model stores them as 1 + their index in the pool, 0 for none.
 */
enum
{
  MODEL_HOSTS = 3,
  MODEL_IDS = 40,  /* ids 1 .. MODEL_IDS */
  MODEL_PORTS = 6,
  MODEL_NAMES = 12,
  MODEL_KEYS = 3,
  MODEL_VALUES = 3,
};

static const guint32 model_hosts[MODEL_HOSTS] = { 0, 1, PB_HOST_MAX };

/* The four colliding names share one chain of the name index. */
static const char *const model_names[MODEL_NAMES] = {
  COLLIDING_A0 COLLIDING_B0, COLLIDING_A0 COLLIDING_B1,
  COLLIDING_A1 COLLIDING_B0, COLLIDING_A1 COLLIDING_B1,
  COLLIDING_A0, COLLIDING_A1, "osc", "osc2", "lfo", "mix", "out", "x",
};

/* In strcmp order, as pb_graph_list_params() lists them. */
static const char *const model_keys[MODEL_KEYS] = { "a", "b", "freq" };

static const char *const model_values[MODEL_VALUES] = { "", "0", "440" };

typedef struct
{
  gboolean exists[MODEL_HOSTS][MODEL_IDS + 1];
  pb_addr  peer[MODEL_HOSTS][MODEL_IDS + 1][MODEL_PORTS];
  guint32  flags[MODEL_HOSTS][MODEL_IDS + 1][MODEL_PORTS];
  guint    name[MODEL_HOSTS][MODEL_IDS + 1];
  guint    param[MODEL_HOSTS][MODEL_IDS + 1][MODEL_KEYS];
  size_t   n_processes;
  size_t   n_connections;
  size_t   n_changes; /* of names, parameters and link flags */
} model;

static guint
model_host_index (uint32_t host)
{
  guint h;

  for (h = 0; h < MODEL_HOSTS; h++)
    if (model_hosts[h] == host)
      return h;
  g_assert_not_reached ();
}

static pb_addr *
model_peer (model   *m,
            pb_addr  a)
{
  return &m->peer[model_host_index (pb_addr_host (a))][pb_addr_process (a)][pb_addr_port (a)];
}

static guint32 *
model_flags (model   *m,
             pb_addr  a)
{
  return &m->flags[model_host_index (pb_addr_host (a))][pb_addr_process (a)][pb_addr_port (a)];
}

static guint *
model_name (model   *m,
            pb_addr  a)
{
  return &m->name[model_host_index (pb_addr_host (a))][pb_addr_process (a)];
}

static guint *
model_params (model   *m,
              pb_addr  a)
{
  return m->param[model_host_index (pb_addr_host (a))][pb_addr_process (a)];
}

static gboolean
model_exists (const model *m,
              pb_addr      a)
{
  return pb_addr_process (a) != 0
         && m->exists[model_host_index (pb_addr_host (a))][pb_addr_process (a)];
}

/* A process comes and goes without a name or parameters. */
static void
model_set_exists (model    *m,
                  pb_addr   a,
                  gboolean  exists)
{
  m->exists[model_host_index (pb_addr_host (a))][pb_addr_process (a)] = exists;
  *model_name (m, a) = 0;
  memset (model_params (m, a), 0, MODEL_KEYS * sizeof (guint));
  if (exists)
    m->n_processes++;
  else
    m->n_processes--;
}

static void
model_link (model   *m,
            pb_addr  a,
            pb_addr  b)
{
  *model_peer (m, a) = b;
  *model_peer (m, b) = a;
  m->n_connections++;
}

static void
model_unlink (model   *m,
              pb_addr  a)
{
  pb_addr b = *model_peer (m, a);

  *model_peer (m, a) = 0;
  *model_peer (m, b) = 0;
  *model_flags (m, a) = 0;
  *model_flags (m, b) = 0;
  m->n_connections--;
}

/* Returns: 1 + the index of @s in @pool, or 0 if @s is NULL. */
static guint
pool_index (const char *const *pool,
            guint              n,
            const char        *s)
{
  guint i;

  if (s == NULL)
    return 0;
  for (i = 0; i < n; i++)
    if (strcmp (pool[i], s) == 0)
      return i + 1;
  g_assert_not_reached ();
}

/* A listener that rebuilds its own model from events, reading what the
 * graph says now only for the process or link that an event names. */
static void
mirror_event (const pb_graph       *g,
              const pb_graph_event *event,
              void                 *data)
{
  model *mirror = data;
  guint k;

  switch (event->type)
    {
    case PB_GRAPH_PROCESS_ADDED:
      g_assert_false (model_exists (mirror, event->a));
      g_assert_null (pb_graph_process_name (g, event->a));
      g_assert_cmpuint (pb_graph_list_params (g, event->a, NULL, NULL, 0), ==, 0);
      model_set_exists (mirror, event->a, TRUE);
      break;
    case PB_GRAPH_PROCESS_REMOVED:
      {
        guint port;

        /* Its links were all reported before. */
        for (port = 0; port < MODEL_PORTS; port++)
          g_assert_cmphex (*model_peer (mirror, pb_addr_with_port (event->a, port)), ==, 0);
        model_set_exists (mirror, event->a, FALSE);
      }
      break;
    case PB_GRAPH_PROCESS_CHANGED:
      g_assert_true (model_exists (mirror, event->a));
      g_assert_cmphex (event->b, ==, 0);
      *model_name (mirror, event->a) = pool_index (model_names, MODEL_NAMES,
                                                   pb_graph_process_name (g, event->a));
      for (k = 0; k < MODEL_KEYS; k++)
        model_params (mirror, event->a)[k] = pool_index (model_values, MODEL_VALUES,
                                                         pb_graph_get_param (g, event->a, model_keys[k]));
      mirror->n_changes++;
      break;
    case PB_GRAPH_CONNECTED:
      g_assert_cmphex (pb_graph_link_flags (g, event->a), ==, 0);
      g_assert_cmphex (pb_graph_link_flags (g, event->b), ==, 0);
      model_link (mirror, event->a, event->b);
      break;
    case PB_GRAPH_DISCONNECTED:
      g_assert_true (model_exists (mirror, event->a));
      g_assert_true (model_exists (mirror, event->b));
      g_assert_cmphex (*model_peer (mirror, event->a), ==, event->b);
      model_unlink (mirror, event->a);
      break;
    case PB_GRAPH_LINK_CHANGED:
      g_assert_cmphex (*model_peer (mirror, event->a), ==, event->b);
      *model_flags (mirror, event->a) = pb_graph_link_flags (g, event->a);
      *model_flags (mirror, event->b) = pb_graph_link_flags (g, event->b);
      mirror->n_changes++;
      break;
    default:
      g_assert_not_reached ();
    }
}

static pb_addr
random_port (GRand *rand)
{
  return pb_addr_make (model_hosts[g_rand_int_range (rand, 0, MODEL_HOSTS)],
                       (guint32) g_rand_int_range (rand, 0, MODEL_IDS + 1),
                       (guint32) g_rand_int_range (rand, 0, MODEL_PORTS));
}

static int
model_connect (model   *m,
               pb_addr  a,
               pb_addr  b)
{
  if (a == b)
    return PB_EINVAL;
  if (!model_exists (m, a) || !model_exists (m, b))
    return PB_ENOENT;
  if (*model_peer (m, a) != 0 || *model_peer (m, b) != 0)
    return PB_EBUSY;
  model_link (m, a, b);
  return PB_OK;
}

static int
model_disconnect (model   *m,
                  pb_addr  a)
{
  if (!model_exists (m, a))
    return PB_ENOENT;
  if (*model_peer (m, a) == 0)
    return PB_ENOTCONN;
  model_unlink (m, a);
  return PB_OK;
}

static int
model_remove (model   *m,
              pb_addr  a)
{
  guint port;

  if (!model_exists (m, a))
    return PB_ENOENT;
  for (port = 0; port < MODEL_PORTS; port++)
    if (*model_peer (m, pb_addr_with_port (a, port)) != 0)
      model_unlink (m, pb_addr_with_port (a, port));
  model_set_exists (m, pb_addr_process_of (a), FALSE);
  return PB_OK;
}

/* @name: 1 + an index in model_names, or 0 for none. */
static int
model_set_name (model   *m,
                pb_addr  a,
                guint    name)
{
  guint h, id;

  if (!model_exists (m, a))
    return PB_ENOENT;
  if (*model_name (m, a) == name)
    return PB_OK;
  for (h = 0; h < MODEL_HOSTS && name != 0; h++)
    for (id = 1; id <= MODEL_IDS; id++)
      if (m->exists[h][id] && m->name[h][id] == name)
        return PB_EEXIST;
  *model_name (m, a) = name;
  m->n_changes++;
  return PB_OK;
}

/* @key: an index in model_keys, or -1 for an invalid key; @value: 1 + an
 * index in model_values, or 0 to remove. */
static int
model_set_param (model   *m,
                 pb_addr  a,
                 gint     key,
                 guint    value)
{
  if (key < 0)
    return PB_EINVAL;
  if (!model_exists (m, a))
    return PB_ENOENT;
  if (model_params (m, a)[key] == value)
    return PB_OK;
  model_params (m, a)[key] = value;
  m->n_changes++;
  return PB_OK;
}

static int
model_set_link_flags (model   *m,
                      pb_addr  a,
                      guint32  flags)
{
  pb_addr b;

  if (!model_exists (m, a))
    return PB_ENOENT;
  b = *model_peer (m, a);
  if (b == 0)
    return PB_ENOTCONN;
  if (*model_flags (m, a) == flags)
    return PB_OK;
  *model_flags (m, a) = flags;
  *model_flags (m, b) = flags;
  m->n_changes++;
  return PB_OK;
}

static void
assert_matches_model (const pb_graph *g,
                      const model    *m)
{
  pb_connection conns[MODEL_HOSTS * MODEL_IDS * MODEL_PORTS];
  pb_addr procs[MODEL_HOSTS * MODEL_IDS];
  pb_addr owners[MODEL_NAMES] = { 0 };
  size_t n, i, k = 0;
  guint h, id, port;

  g_assert_cmpuint (pb_graph_n_processes (g), ==, m->n_processes);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, m->n_connections);

  n = pb_graph_list_processes (g, procs, G_N_ELEMENTS (procs));
  g_assert_cmpuint (n, ==, m->n_processes);
  for (h = 0; h < MODEL_HOSTS; h++)
    for (id = 1; id <= MODEL_IDS; id++)
      {
        pb_addr p = pb_addr_make (model_hosts[h], id, 0);
        const char *keys[MODEL_KEYS + 1];
        const char *values[MODEL_KEYS + 1];
        size_t n_params = 0;
        guint key;

        g_assert_cmpint (pb_graph_has_process (g, p), ==, m->exists[h][id]);
        if (m->exists[h][id])
          g_assert_cmphex (procs[k++], ==, p);
        for (port = 0; port < MODEL_PORTS; port++)
          {
            g_assert_cmphex (pb_graph_peer (g, pb_addr_with_port (p, port)), ==, m->peer[h][id][port]);
            g_assert_cmphex (pb_graph_link_flags (g, pb_addr_with_port (p, port)), ==, m->flags[h][id][port]);
          }

        if (m->name[h][id] != 0)
          {
            g_assert_cmpstr (pb_graph_process_name (g, p), ==, model_names[m->name[h][id] - 1]);
            owners[m->name[h][id] - 1] = p;
          }
        else
          g_assert_null (pb_graph_process_name (g, p));

        g_assert_cmpuint (pb_graph_list_params (g, p, keys, values, G_N_ELEMENTS (keys)), <=, MODEL_KEYS);
        for (key = 0; key < MODEL_KEYS; key++)
          {
            guint value = m->param[h][id][key];

            if (value == 0)
              {
                g_assert_null (pb_graph_get_param (g, p, model_keys[key]));
                continue;
              }
            g_assert_cmpstr (pb_graph_get_param (g, p, model_keys[key]), ==, model_values[value - 1]);
            g_assert_cmpstr (keys[n_params], ==, model_keys[key]);
            g_assert_cmpstr (values[n_params], ==, model_values[value - 1]);
            n_params++;
          }
        g_assert_cmpuint (pb_graph_list_params (g, p, NULL, NULL, 0), ==, n_params);
      }
  for (i = 0; i < MODEL_NAMES; i++)
    g_assert_cmphex (pb_graph_find_name (g, model_names[i]), ==, owners[i]);

  /* Symmetry: each listed link is seen the same way from both ends. */
  n = pb_graph_list_connections (g, conns, G_N_ELEMENTS (conns));
  g_assert_cmpuint (n, ==, m->n_connections);
  for (i = 0; i < n; i++)
    {
      g_assert_cmphex (conns[i].a, <, conns[i].b);
      if (i > 0)
        g_assert_cmphex (conns[i - 1].a, <, conns[i].a);
      g_assert_cmphex (pb_graph_peer (g, conns[i].a), ==, conns[i].b);
      g_assert_cmphex (pb_graph_peer (g, conns[i].b), ==, conns[i].a);
      g_assert_cmphex (pb_graph_peer (g, pb_graph_peer (g, conns[i].a)), ==, conns[i].a);
    }
}

static void
assert_models_equal (const model *a,
                     const model *b)
{
  g_assert_cmpuint (a->n_processes, ==, b->n_processes);
  g_assert_cmpuint (a->n_connections, ==, b->n_connections);
  g_assert_cmpuint (a->n_changes, ==, b->n_changes);
  g_assert_cmpmem (a->exists, sizeof a->exists, b->exists, sizeof b->exists);
  g_assert_cmpmem (a->peer, sizeof a->peer, b->peer, sizeof b->peer);
  g_assert_cmpmem (a->flags, sizeof a->flags, b->flags, sizeof b->flags);
  g_assert_cmpmem (a->name, sizeof a->name, b->name, sizeof b->name);
  g_assert_cmpmem (a->param, sizeof a->param, b->param, sizeof b->param);
}

static void
test_random (void)
{
  /* A fixed seed makes every run take the same walk, so that a failure
   * can be replayed. */
  GRand *rand = g_rand_new_with_seed (20260101);
  pb_graph *g = pb_graph_new (0);
  model *m = g_new0 (model, 1);
  model *mirror = g_new0 (model, 1);
  guint counts[9] = { 0 };
  guint h, id, n_named = 0, n_params = 0;
  uint32_t listener;
  guint step;

  g_assert_cmpint (pb_graph_add_listener (g, mirror_event, mirror, &listener), ==, PB_OK);

  for (step = 0; step < 10000; step++)
    {
      pb_addr a = random_port (rand);
      pb_addr b = random_port (rand);
      guint op = (guint) g_rand_int_range (rand, 0, 100);
      size_t changes = m->n_changes;
      int expected, result;

      if (op < 8)
        {
          /* Add, where the model's world has room. */
          guint32 lowest = 1;
          pb_addr p = 0;

          h = model_host_index (pb_addr_host (a));
          while (lowest <= MODEL_IDS && m->exists[h][lowest])
            lowest++;
          if (lowest > MODEL_IDS)
            continue;
          result = pb_graph_add_process (g, model_hosts[h], NULL, &p);
          g_assert_cmpint (result, ==, PB_OK);
          g_assert_cmphex (p, ==, pb_addr_make (model_hosts[h], lowest, 0));
          model_set_exists (m, p, TRUE);
          counts[0]++;
        }
      else if (op < 16)
        {
          pb_addr p = pb_addr_process_of (a);

          if (pb_addr_process (p) == 0)
            expected = PB_EINVAL;
          else if (model_exists (m, p))
            expected = PB_EEXIST;
          else
            {
              expected = PB_OK;
              model_set_exists (m, p, TRUE);
            }
          g_assert_cmpint (pb_graph_insert_process (g, a, NULL), ==, expected);
          counts[1]++;
        }
      else if (op < 24)
        {
          expected = model_remove (m, a);
          g_assert_cmpint (pb_graph_remove_process (g, a), ==, expected);
          counts[2]++;
        }
      else if (op < 52)
        {
          /* Ports of one process are joined now and then on purpose. */
          if (op < 32)
            b = pb_addr_with_port (a, (guint32) g_rand_int_range (rand, 0, MODEL_PORTS));
          expected = model_connect (m, a, b);
          g_assert_cmpint (pb_graph_connect (g, a, b), ==, expected);
          counts[3 + (expected == PB_OK)]++;
        }
      else if (op < 64)
        {
          expected = model_disconnect (m, a);
          g_assert_cmpint (pb_graph_disconnect (g, a), ==, expected);
          counts[5]++;
        }
      else if (op < 76)
        {
          /* Past the pool: NULL, then "", which both mean no name; they
           * come up as often as a name, or every name would soon be taken
           * and refused. */
          guint i = (guint) g_rand_int_range (rand, 0, 2 * MODEL_NAMES);
          const char *name = i < MODEL_NAMES ? model_names[i] : i % 2 == 0 ? NULL : "";

          /* Aim at a process most of the time, as most ids are free. */
          if (op < 74)
            for (id = 0; id < 20 && !model_exists (m, a); id++)
              a = random_port (rand);

          expected = model_set_name (m, a, i < MODEL_NAMES ? i + 1 : 0);
          g_assert_cmpint (pb_graph_set_name (g, a, name), ==, expected);
          counts[6] += m->n_changes - changes;
        }
      else if (op < 88)
        {
          /* Past the pools: NULL, then "" for the key; NULL for the value. */
          gint k = g_rand_int_range (rand, 0, MODEL_KEYS + 2);
          guint v = (guint) g_rand_int_range (rand, 0, MODEL_VALUES + 1);
          const char *key = k < MODEL_KEYS ? model_keys[k] : k == MODEL_KEYS ? NULL : "";

          if (op < 86)
            for (id = 0; id < 20 && !model_exists (m, a); id++)
              a = random_port (rand);

          expected = model_set_param (m, a, k < MODEL_KEYS ? k : -1, v < MODEL_VALUES ? v + 1 : 0);
          g_assert_cmpint (pb_graph_set_param (g, a, key, v < MODEL_VALUES ? model_values[v] : NULL), ==, expected);
          counts[7] += m->n_changes - changes;
        }
      else
        {
          guint32 flags = (guint32) g_rand_int_range (rand, 0, 4);

          /* Aim at a link most of the time, as most ports have none. */
          if (op < 98)
            for (id = 0; id < 20 && *model_peer (m, a) == 0; id++)
              a = random_port (rand);
          expected = model_set_link_flags (m, a, flags);
          g_assert_cmpint (pb_graph_set_link_flags (g, a, flags), ==, expected);
          counts[8] += m->n_changes - changes;
        }

      assert_matches_model (g, m);
      assert_models_equal (m, mirror);
    }

  /* The walk must have exercised every kind of edit, and left names,
   * parameters and links about. */
  g_test_message ("adds %u, inserts %u, removes %u, refused %u, connects %u, disconnects %u, "
                  "names changed %u, params changed %u, flags changed %u",
                  counts[0], counts[1], counts[2], counts[3], counts[4], counts[5],
                  counts[6], counts[7], counts[8]);
  for (step = 0; step < G_N_ELEMENTS (counts); step++)
    g_assert_cmpuint (counts[step], >, 100);
  g_assert_cmpuint (m->n_connections, >, 0);
  for (h = 0; h < MODEL_HOSTS; h++)
    for (id = 1; id <= MODEL_IDS; id++)
      {
        n_named += m->name[h][id] != 0;
        n_params += m->param[h][id][0] != 0;
      }
  g_assert_cmpuint (n_named, >, 0);
  g_assert_cmpuint (n_params, >, 0);

  g_free (mirror);
  g_free (m);
  g_rand_free (rand);
  pb_graph_free (g);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Pushback/Graph/new-free", test_new_free);
  g_test_add_func ("/Pushback/Graph/add-lowest-first", test_add_lowest_first);
  g_test_add_func ("/Pushback/Graph/ids-per-host", test_ids_per_host);
  g_test_add_func ("/Pushback/Graph/full-ranges", test_full_ranges);
  g_test_add_func ("/Pushback/Graph/kind", test_kind);
  g_test_add_func ("/Pushback/Graph/insert-process", test_insert_process);
  g_test_add_func ("/Pushback/Graph/connect", test_connect);
  g_test_add_func ("/Pushback/Graph/connect-order", test_connect_order);
  g_test_add_func ("/Pushback/Graph/connect-refused", test_connect_refused);
  g_test_add_func ("/Pushback/Graph/disconnect", test_disconnect);
  g_test_add_func ("/Pushback/Graph/peer-missing", test_peer_missing);
  g_test_add_func ("/Pushback/Graph/self-process", test_self_process);
  g_test_add_func ("/Pushback/Graph/remove-process", test_remove_process);
  g_test_add_func ("/Pushback/Graph/listener-events", test_listener_events);
  g_test_add_func ("/Pushback/Graph/listener-order", test_listener_order);
  g_test_add_func ("/Pushback/Graph/listener-deadlock", test_listener_deadlock);
  g_test_add_func ("/Pushback/Graph/listener-churn", test_listener_churn);
  g_test_add_func ("/Pushback/Graph/list-processes", test_list_processes);
  g_test_add_func ("/Pushback/Graph/list-connections", test_list_connections);
  g_test_add_func ("/Pushback/Graph/names", test_names);
  g_test_add_func ("/Pushback/Graph/name-text", test_name_text);
  g_test_add_func ("/Pushback/Graph/name-collisions", test_name_collisions);
  g_test_add_func ("/Pushback/Graph/params", test_params);
  g_test_add_func ("/Pushback/Graph/link-flags", test_link_flags);
  g_test_add_func ("/Pushback/Graph/broadcast", test_broadcast);
  g_test_add_func ("/Pushback/Graph/many-processes", test_many_processes);
  g_test_add_func ("/Pushback/Graph/many-names", test_many_names);
  g_test_add_func ("/Pushback/Graph/random", test_random);

  return g_test_run ();
}
