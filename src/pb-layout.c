/* pb-layout.c — automatic layout of a topology with Graphviz
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pb-layout.h"

#include <stdio.h>

#include <graphviz/gvc.h>

/* Graphviz measures in points and inches; a canvas pixel is taken as a
 * point, so coordinates come back in pixels as they are. */
#define PIXELS_PER_INCH 72.0

/* Gaps in pixels: between nodes of one rank (one above the other), and
 * between ranks (left to right), where the wires need room to bend. */
#define NODE_GAP 24.0
#define RANK_GAP 64.0

/* How many nodes make a graph big enough to lay out more roughly. */
#define BIG_GRAPH 200
/* Around a frame's nodes (pb-canvas-frames.c pads by 16 px and puts a
 * header of about 36 px above): a cluster's margin, in points, which the
 * layout takes as pixels, and the font size whose blank line is about
 * as tall as the header. */
#define FRAME_MARGIN "20"
#define FRAME_HEADER_FONT "30"

G_DEFINE_QUARK (pb-layout-error-quark, pb_layout_error)

/* Graphviz's error reporting, like the rest of it, is global: one lock
 * serialises layouts, and while it is held the messages of the running
 * layout are collected here instead of going to stderr. */
G_LOCK_DEFINE_STATIC (graphviz);
static GVC_t   *gvc;
static GString *errors;

static int
collect_error (char *message)
{
  g_string_append (errors, message);
  return 0;
}

typedef struct
{
  guint from;
  guint from_port;
  guint to;
  guint to_port;
} Edge;

static int
edge_compare (gconstpointer pa,
              gconstpointer pb)
{
  const Edge *a = pa, *b = pb;

  if (a->from != b->from)
    return a->from < b->from ? -1 : 1;
  if (a->from_port != b->from_port)
    return a->from_port < b->from_port ? -1 : 1;
  if (a->to != b->to)
    return a->to < b->to ? -1 : 1;
  if (a->to_port != b->to_port)
    return a->to_port < b->to_port ? -1 : 1;
  return 0;
}

/* The edges among @nodes, as indices, sorted by their ends and ports: dot
 * starts its ordering from the order edges are made, so the layout does
 * not depend on the order the caller lists them in, and branches start
 * out in port order. (ordering=out would keep that order, but crashes
 * Graphviz 2.43's mincross on large graphs, as AddressSanitizer shows.) */
static GArray *
edges_among (GHashTable         *index,
             const PbLayoutEdge *edges,
             gsize               n_edges)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (Edge));

  for (gsize i = 0; i < n_edges; i++)
    {
      gpointer from, to;
      Edge e;

      if (!g_hash_table_lookup_extended (index, &edges[i].from, NULL, &from)
          || !g_hash_table_lookup_extended (index, &edges[i].to, NULL, &to))
        continue;
      e.from = (guint) GPOINTER_TO_SIZE (from);
      e.from_port = edges[i].from_port;
      e.to = (guint) GPOINTER_TO_SIZE (to);
      e.to_port = edges[i].to_port;
      g_array_append_val (out, e);
    }
  g_array_sort (out, edge_compare);
  return out;
}

static void
set_inches (Agnode_t *n,
            Agsym_t  *sym,
            double    pixels)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (buf, sizeof buf, pixels / PIXELS_PER_INCH);
  agxset (n, sym, buf);
}

/* The subgraph of frame @cluster, made at its first node. dot keeps a
 * subgraph named cluster_* together in a box: its margin is the frame's
 * padding, and a label of a blank line reserves the header's height. */
static Agraph_t *
cluster_of (Agraph_t   *g,
            GHashTable *clusters,
            guint       cluster)
{
  Agraph_t *sub = g_hash_table_lookup (clusters, GUINT_TO_POINTER (cluster));
  char name[32];

  if (sub != NULL)
    return sub;
  g_snprintf (name, sizeof name, "cluster_%u", cluster);
  sub = agsubg (g, name, TRUE);
  agsafeset (sub, (char *) "margin", (char *) FRAME_MARGIN, (char *) "");
  agsafeset (sub, (char *) "label", (char *) " ", (char *) "");
  agsafeset (sub, (char *) "labelloc", (char *) "t", (char *) "");
  agsafeset (sub, (char *) "fontsize", (char *) FRAME_HEADER_FONT, (char *) "");
  g_hash_table_insert (clusters, GUINT_TO_POINTER (cluster), sub);
  return sub;
}

/* Runs dot on the nodes and edges; the lock is held. */
static gboolean
layout_locked (PbLayoutNode *nodes,
               gsize         n_nodes,
               GArray       *edges,
               GError      **error)
{
  g_autofree Agnode_t **vertices = g_new0 (Agnode_t *, n_nodes);
  g_autoptr(GHashTable) clusters = g_hash_table_new (NULL, NULL);
  char gap[G_ASCII_DTOSTR_BUF_SIZE], rank_gap[G_ASCII_DTOSTR_BUF_SIZE];
  Agraph_t *g;
  Agsym_t *width, *height;
  boxf bb;

  if (gvc == NULL)
    gvc = gvContext ();
  if (gvc == NULL)
    {
      g_set_error (error, PB_LAYOUT_ERROR, PB_LAYOUT_ERROR_FAILED,
                   "Graphviz could not start");
      return FALSE;
    }

  g = agopen ((char *) "layout", Agdirected, NULL);
  g_ascii_dtostr (gap, sizeof gap, NODE_GAP / PIXELS_PER_INCH);
  g_ascii_dtostr (rank_gap, sizeof rank_gap, RANK_GAP / PIXELS_PER_INCH);
  agattr (g, AGRAPH, (char *) "rankdir", (char *) "LR");
  agattr (g, AGRAPH, (char *) "nodesep", gap);
  agattr (g, AGRAPH, (char *) "ranksep", rank_gap);
  /* Only positions are wanted: straight lines skip the spline router,
   * which costs more than ranking and ordering together. */
  agattr (g, AGRAPH, (char *) "splines", (char *) "line");
  agattr (g, AGNODE, (char *) "shape", (char *) "box");
  agattr (g, AGNODE, (char *) "fixedsize", (char *) "true");
  agattr (g, AGNODE, (char *) "label", (char *) "");
  /* Past a few hundred nodes, the network simplex passes (ranking and x
   * positions) and crossing minimisation take seconds on long edges: they
   * are cut short, which costs some tidiness but keeps 1,000 nodes well
   * under a second. */
  if (n_nodes > BIG_GRAPH)
    {
      agattr (g, AGRAPH, (char *) "nslimit", (char *) "1");
      agattr (g, AGRAPH, (char *) "nslimit1", (char *) "1");
      agattr (g, AGRAPH, (char *) "mclimit", (char *) "0.3");
    }
  width = agattr (g, AGNODE, (char *) "width", (char *) "1");
  height = agattr (g, AGNODE, (char *) "height", (char *) "1");

  for (gsize i = 0; i < n_nodes; i++)
    {
      char name[32];
      Agraph_t *in = nodes[i].cluster != 0 ? cluster_of (g, clusters, nodes[i].cluster) : g;

      g_snprintf (name, sizeof name, "n%" G_GSIZE_FORMAT, i);
      vertices[i] = agnode (in, name, TRUE);
      set_inches (vertices[i], width, nodes[i].width);
      set_inches (vertices[i], height, nodes[i].height);
    }
  for (guint i = 0; i < edges->len; i++)
    {
      const Edge *e = &g_array_index (edges, Edge, i);

      agedge (g, vertices[e->from], vertices[e->to], NULL, TRUE);
    }

  if (gvLayout (gvc, g, "dot") != 0)
    {
      g_set_error (error, PB_LAYOUT_ERROR, PB_LAYOUT_ERROR_FAILED,
                   "Graphviz could not lay the graph out: %s",
                   errors->len > 0 ? g_strstrip (errors->str) : "no reason given");
      agclose (g);
      return FALSE;
    }

  /* Graphviz's y grows upwards from the bottom of the bounding box; the
   * canvas's grows downwards from its top. */
  bb = GD_bb (g);
  for (gsize i = 0; i < n_nodes; i++)
    {
      pointf c = ND_coord (vertices[i]);

      nodes[i].x = c.x - bb.LL.x - nodes[i].width / 2;
      nodes[i].y = bb.UR.y - c.y - nodes[i].height / 2;
    }
  gvFreeLayout (gvc, g);
  agclose (g);
  return TRUE;
}

gboolean
pb_layout_nodes (PbLayoutNode       *nodes,
                 gsize               n_nodes,
                 const PbLayoutEdge *edges,
                 gsize               n_edges,
                 GError            **error)
{
  g_autoptr (GHashTable) index = NULL;
  g_autoptr (GArray) among = NULL;
  agusererrf old_errf;
  agerrlevel_t old_level;
  gboolean ok;

  g_return_val_if_fail (nodes != NULL || n_nodes == 0, FALSE);
  g_return_val_if_fail (edges != NULL || n_edges == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_nodes == 0)
    return TRUE;

  index = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (gsize i = 0; i < n_nodes; i++)
    {
      if (!(nodes[i].width > 0 && nodes[i].height > 0))
        {
          g_set_error (error, PB_LAYOUT_ERROR, PB_LAYOUT_ERROR_INVALID,
                       "node %" G_GUINT64_FORMAT " has no size", nodes[i].id);
          return FALSE;
        }
      if (!g_hash_table_insert (index, &nodes[i].id, GSIZE_TO_POINTER (i)))
        {
          g_set_error (error, PB_LAYOUT_ERROR, PB_LAYOUT_ERROR_INVALID,
                       "two nodes have the id %" G_GUINT64_FORMAT, nodes[i].id);
          return FALSE;
        }
    }
  among = edges_among (index, edges, n_edges);

  G_LOCK (graphviz);
  errors = g_string_new ("");
  old_errf = agseterrf (collect_error);
  /* Warnings (below AGERR) are kept inside Graphviz, errors come to
   * collect_error(): neither reaches stderr. */
  old_level = agseterr (AGERR);
  ok = layout_locked (nodes, n_nodes, among, error);
  agseterr (old_level);
  agseterrf (old_errf);
  g_string_free (errors, TRUE);
  errors = NULL;
  G_UNLOCK (graphviz);
  return ok;
}
