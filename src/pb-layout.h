/* pb-layout.h — automatic layout of a topology with Graphviz
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PB_LAYOUT_ERROR (pb_layout_error_quark ())

typedef enum
{
  PB_LAYOUT_ERROR_INVALID, /* two nodes share an id, or a size is not positive */
  PB_LAYOUT_ERROR_FAILED,  /* Graphviz could not lay the graph out */
} PbLayoutError;

/**
 * PbLayoutNode:
 * @id: what the caller knows the node by, such as a process address; ids
 *   are unique within one call
 * @width: the node's width in canvas pixels, > 0
 * @height: its height in canvas pixels, > 0
 * @x: (out): the left edge the layout gives it
 * @y: (out): the top edge the layout gives it (y grows downwards)
 * @cluster: the frame it lies in, which the layout keeps together with
 *   room for the frame's border and header; 0 for none
 */
typedef struct
{
  guint64 id;
  double  width;
  double  height;
  double  x;
  double  y;
  guint   cluster;
} PbLayoutNode;

/**
 * PbLayoutEdge:
 * @from: the id of the node the edge leaves (the writer)
 * @from_port: which of that node's outputs it leaves (0 for out[0]); dot
 *   starts from port order but may reorder branches to avoid crossings
 * @to: the id of the node it enters (the reader)
 * @to_port: which input it enters
 */
typedef struct
{
  guint64 from;
  guint   from_port;
  guint64 to;
  guint   to_port;
} PbLayoutEdge;

GQuark   pb_layout_error_quark (void);

/**
 * pb_layout_nodes:
 * @nodes: (array length=n_nodes) (inout): the nodes to place; their x and
 *   y are written
 * @n_nodes: how many; 0 is allowed and does nothing
 * @edges: (array length=n_edges) (nullable): the links among them; an edge
 *   whose either end is not in @nodes is ignored, so a caller may lay out
 *   a selection and pass every link
 * @n_edges: how many
 * @error: return location for a #PbLayoutError
 *
 * Places the nodes left to right along the flow with Graphviz's dot, in
 * canvas pixels. The result's bounding box has its top-left corner at
 * (0, 0): the caller moves it where it wants. The same input always gives
 * the same result. Graphviz's warnings are not printed; its errors come
 * back in @error.
 *
 * Thread safety: Graphviz keeps global state, so calls are serialised by a
 * lock inside; any thread may call, but a big layout blocks the others.
 *
 * Returns: %TRUE on success; %FALSE with @error set, the nodes unchanged.
 */
gboolean pb_layout_nodes       (PbLayoutNode       *nodes,
                                gsize               n_nodes,
                                const PbLayoutEdge *edges,
                                gsize               n_edges,
                                GError            **error);

G_END_DECLS
