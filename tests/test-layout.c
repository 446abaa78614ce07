/* test-layout.c — automatic layout with Graphviz, without a display
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib.h>

#include "pb-layout.h"

/* Nodes of the sizes the canvas draws: a little wider than high, and not
 * all alike, so that ranks of mixed widths are tested. */
static PbLayoutNode *
make_nodes (gsize n)
{
  PbLayoutNode *nodes = g_new0 (PbLayoutNode, n);

  for (gsize i = 0; i < n; i++)
    {
      nodes[i].id = 0x1000 + (guint64) i * 0x10000;
      nodes[i].width = 120 + (i % 3) * 30;
      nodes[i].height = 48 + (i % 2) * 24;
      nodes[i].x = nodes[i].y = -1;
    }
  return nodes;
}

static void
assert_no_overlap (const PbLayoutNode *nodes,
                   gsize               n)
{
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat (nodes[i].x, >=, 0);
      g_assert_cmpfloat (nodes[i].y, >=, 0);
      for (gsize j = i + 1; j < n; j++)
        {
          const PbLayoutNode *a = &nodes[i], *b = &nodes[j];
          gboolean apart = a->x + a->width <= b->x || b->x + b->width <= a->x
                           || a->y + a->height <= b->y || b->y + b->height <= a->y;

          if (!apart)
            g_test_message ("nodes %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT " overlap", i, j);
          g_assert_true (apart);
        }
    }
}

static const PbLayoutNode *
node_of (const PbLayoutNode *nodes,
         gsize               n,
         guint64             id)
{
  for (gsize i = 0; i < n; i++)
    if (nodes[i].id == id)
      return &nodes[i];
  g_assert_not_reached ();
}

/* Every edge enters its reader to the right of where it leaves its writer. */
static void
assert_left_to_right (const PbLayoutNode *nodes,
                      gsize               n,
                      const PbLayoutEdge *edges,
                      gsize               n_edges)
{
  for (gsize i = 0; i < n_edges; i++)
    {
      const PbLayoutNode *from = node_of (nodes, n, edges[i].from);
      const PbLayoutNode *to = node_of (nodes, n, edges[i].to);

      g_assert_cmpfloat (to->x, >=, from->x + from->width);
    }
}

static void
test_empty (void)
{
  GError *error = NULL;

  g_assert_true (pb_layout_nodes (NULL, 0, NULL, 0, &error));
  g_assert_no_error (error);
}

static void
test_isolated (void)
{
  g_autofree PbLayoutNode *nodes = make_nodes (5);
  GError *error = NULL;

  g_assert_true (pb_layout_nodes (nodes, 5, NULL, 0, &error));
  g_assert_no_error (error);
  assert_no_overlap (nodes, 5);
}

static void
test_chain (void)
{
  g_autofree PbLayoutNode *nodes = make_nodes (3);
  PbLayoutEdge edges[] = {
    { nodes[1].id, 0, nodes[2].id, 0 },
    { nodes[0].id, 0, nodes[1].id, 0 },
  };
  GError *error = NULL;
  double left = G_MAXDOUBLE, top = G_MAXDOUBLE;

  g_assert_true (pb_layout_nodes (nodes, 3, edges, G_N_ELEMENTS (edges), &error));
  g_assert_no_error (error);
  assert_left_to_right (nodes, 3, edges, G_N_ELEMENTS (edges));
  assert_no_overlap (nodes, 3);
  /* The bounding box starts at the origin. */
  for (gsize i = 0; i < 3; i++)
    {
      left = MIN (left, nodes[i].x);
      top = MIN (top, nodes[i].y);
    }
  g_assert_cmpfloat_with_epsilon (left, 0, 1e-6);
  g_assert_cmpfloat_with_epsilon (top, 0, 1e-6);
}

/* A fan-out's branches stack without overlap, and the result does not
 * depend on the order the edges come in. */
static void
test_fan_out (void)
{
  g_autofree PbLayoutNode *nodes = make_nodes (4);
  PbLayoutEdge edges[] = {
    { nodes[0].id, 2, nodes[1].id, 0 },
    { nodes[0].id, 0, nodes[2].id, 0 },
    { nodes[0].id, 1, nodes[3].id, 0 },
  };
  PbLayoutNode first[4];
  PbLayoutEdge swapped;
  GError *error = NULL;

  g_assert_true (pb_layout_nodes (nodes, 4, edges, G_N_ELEMENTS (edges), &error));
  g_assert_no_error (error);
  assert_left_to_right (nodes, 4, edges, G_N_ELEMENTS (edges));
  assert_no_overlap (nodes, 4);
  memcpy (first, nodes, sizeof first);
  memcpy (&swapped, &edges[0], sizeof swapped);
  memcpy (&edges[0], &edges[2], sizeof swapped);
  memcpy (&edges[2], &swapped, sizeof swapped);
  g_assert_true (pb_layout_nodes (nodes, 4, edges, G_N_ELEMENTS (edges), &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < 4; i++)
    {
      g_assert_cmpfloat (nodes[i].x, ==, first[i].x);
      g_assert_cmpfloat (nodes[i].y, ==, first[i].y);
    }
}

/* A frame's nodes stay together, with room around them for the frame's
 * border and above them for its header: no other node comes within. */
static void
test_clusters (void)
{
  g_autofree PbLayoutNode *nodes = make_nodes (7);
  PbLayoutEdge edges[] = {
    { nodes[0].id, 0, nodes[1].id, 0 },
    { nodes[1].id, 0, nodes[2].id, 0 },
    { nodes[2].id, 0, nodes[3].id, 0 },
    { nodes[0].id, 1, nodes[4].id, 0 },
    { nodes[4].id, 0, nodes[5].id, 0 },
    { nodes[0].id, 2, nodes[6].id, 0 },
  };
  double left = G_MAXDOUBLE, top = G_MAXDOUBLE, right = -G_MAXDOUBLE, bottom = -G_MAXDOUBLE;
  GError *error = NULL;

  /* The middle of the first chain, and the end of the second, framed. */
  nodes[1].cluster = nodes[2].cluster = 7;
  g_assert_true (pb_layout_nodes (nodes, 7, edges, G_N_ELEMENTS (edges), &error));
  g_assert_no_error (error);
  assert_no_overlap (nodes, 7);
  for (gsize i = 1; i <= 2; i++)
    {
      left = MIN (left, nodes[i].x);
      top = MIN (top, nodes[i].y);
      right = MAX (right, nodes[i].x + nodes[i].width);
      bottom = MAX (bottom, nodes[i].y + nodes[i].height);
    }
  /* The frame as the canvas draws it: 16 px around, a 36 px header. */
  left -= 16;
  right += 16;
  top -= 36;
  bottom += 16;
  for (gsize i = 0; i < 7; i++)
    {
      const PbLayoutNode *n = &nodes[i];
      gboolean apart = n->x + n->width <= left || right <= n->x
                       || n->y + n->height <= top || bottom <= n->y;

      if (i == 1 || i == 2)
        continue;
      if (!apart)
        g_test_message ("node %" G_GSIZE_FORMAT " is inside the frame", i);
      g_assert_true (apart);
    }
}

/* Laying out a selection: links to nodes outside it are ignored. */
static void
test_selection (void)
{
  g_autofree PbLayoutNode *nodes = make_nodes (2);
  PbLayoutEdge edges[] = {
    { 0xdead, 0, nodes[0].id, 0 },
    { nodes[0].id, 0, nodes[1].id, 0 },
    { nodes[1].id, 0, 0xbeef, 0 },
  };
  GError *error = NULL;

  g_assert_true (pb_layout_nodes (nodes, 2, edges, G_N_ELEMENTS (edges), &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (nodes[1].x, >=, nodes[0].x + nodes[0].width);
}

static void
test_invalid (void)
{
  g_autofree PbLayoutNode *nodes = make_nodes (2);
  GError *error = NULL;

  nodes[1].id = nodes[0].id;
  g_assert_false (pb_layout_nodes (nodes, 2, NULL, 0, &error));
  g_assert_error (error, PB_LAYOUT_ERROR, PB_LAYOUT_ERROR_INVALID);
  g_clear_error (&error);
  /* On failure the nodes are left as they were. */
  g_assert_cmpfloat (nodes[0].x, ==, -1);

  nodes[1].id++;
  nodes[1].width = 0;
  g_assert_false (pb_layout_nodes (nodes, 2, NULL, 0, &error));
  g_assert_error (error, PB_LAYOUT_ERROR, PB_LAYOUT_ERROR_INVALID);
  g_clear_error (&error);
}

/* A random acyclic topology of @n nodes, shaped like what people build:
 * pipelines of up to 16 processes, each reading from one of the few
 * before it (so branches), and about one in eight with a second input from
 * a nearby pipeline (merges). */
static PbLayoutEdge *
make_dag (GRand              *rand,
          const PbLayoutNode *nodes,
          gsize               n,
          gsize              *n_edges)
{
  PbLayoutEdge *edges = g_new0 (PbLayoutEdge, 2 * n);
  gsize k = 0;

  for (gsize i = 1; i < n; i++)
    {
      gsize start = i - i % 16;
      gsize from;

      if (i == start)
        continue;
      from = (gsize) g_rand_int_range (rand, (gint) MAX (start, i < 3 ? 0 : i - 3), (gint) i);
      edges[k++] = (PbLayoutEdge) { nodes[from].id, (guint) (i % 3), nodes[i].id, 0 };
      if (g_rand_int_range (rand, 0, 8) == 0)
        {
          from = (gsize) g_rand_int_range (rand, (gint) (i < 40 ? 0 : i - 40), (gint) i);
          edges[k++] = (PbLayoutEdge) { nodes[from].id, 3, nodes[i].id, 1 };
        }
    }
  *n_edges = k;
  return edges;
}

static void
test_deterministic (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autofree PbLayoutNode *a = make_nodes (200);
  g_autofree PbLayoutNode *b = make_nodes (200);
  gsize n_edges;
  g_autofree PbLayoutEdge *edges = make_dag (rand, a, 200, &n_edges);
  GError *error = NULL;

  g_assert_true (pb_layout_nodes (a, 200, edges, n_edges, &error));
  g_assert_no_error (error);
  g_assert_true (pb_layout_nodes (b, 200, edges, n_edges, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < 200; i++)
    {
      g_assert_cmpfloat (a[i].x, ==, b[i].x);
      g_assert_cmpfloat (a[i].y, ==, b[i].y);
    }
}

static void
test_large (void)
{
  const gsize n = 1000;
  g_autoptr (GRand) rand = g_rand_new_with_seed (1000);
  g_autofree PbLayoutNode *nodes = make_nodes (n);
  gsize n_edges;
  g_autofree PbLayoutEdge *edges = make_dag (rand, nodes, n, &n_edges);
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_true (pb_layout_nodes (nodes, n, edges, n_edges, &error));
  g_assert_no_error (error);
  g_test_message ("%" G_GSIZE_FORMAT " nodes, %" G_GSIZE_FORMAT " edges: %.0f ms",
                  n, n_edges, (g_get_monotonic_time () - start) / 1000.0);
  assert_left_to_right (nodes, n, edges, n_edges);
  assert_no_overlap (nodes, n);
}

/* Graphviz prints nothing: what it has to say comes back as a GError. */
static void
test_silent (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GRand) rand = g_rand_new_with_seed (3);
      g_autofree PbLayoutNode *nodes = make_nodes (50);
      gsize n_edges;
      g_autofree PbLayoutEdge *edges = make_dag (rand, nodes, 50, &n_edges);

      g_assert_true (pb_layout_nodes (nodes, 50, edges, n_edges, NULL));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Pushback/Layout/empty", test_empty);
  g_test_add_func ("/Pushback/Layout/isolated", test_isolated);
  g_test_add_func ("/Pushback/Layout/chain", test_chain);
  g_test_add_func ("/Pushback/Layout/fan-out", test_fan_out);
  g_test_add_func ("/Pushback/Layout/selection", test_selection);
  g_test_add_func ("/Pushback/Layout/clusters", test_clusters);
  g_test_add_func ("/Pushback/Layout/invalid", test_invalid);
  g_test_add_func ("/Pushback/Layout/deterministic", test_deterministic);
  g_test_add_func ("/Pushback/Layout/large", test_large);
  g_test_add_func ("/Pushback/Layout/silent", test_silent);

  return g_test_run ();
}
