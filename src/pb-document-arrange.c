/* pb-document-arrange.c — arrange, align and distribute nodes
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each of these moves several nodes at once, as one command of move ops,
 * the same ops a drag records: one undo puts every node back. Only the
 * views know how big a node is drawn, so the caller passes each node's
 * size; the document decides where they go.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-document-private.h"
#include "pb-error.h"
#include "pb-layout.h"

/* The room left between new nodes and those already there. */
#define PLACE_GAP 40.0

/**
 * pb_document_move_nodes:
 * @nodes: (element-type PbNode): the nodes to move
 * @positions: (array): for each node, its new x then its new y
 * @label: the undo step's name
 *
 * Moves @nodes to @positions as one step. Nodes that are already there
 * are left out of it; when none moves, nothing is recorded.
 *
 * Returns: whether the step applied
 */
gboolean
pb_document_move_nodes (PbDocument    *self,
                        GPtrArray     *nodes,
                        const double  *positions,
                        const char    *label,
                        GError       **error)
{
  g_autoptr(PbCommand) command = NULL;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (nodes != NULL, FALSE);
  g_return_val_if_fail (positions != NULL || nodes->len == 0, FALSE);

  command = pb_command_new (label);
  for (guint i = 0; i < nodes->len; i++)
    {
      PbNode *node = g_ptr_array_index (nodes, i);
      double x = pb_node_get_x (node), y = pb_node_get_y (node);

      if (x != positions[2 * i] || y != positions[2 * i + 1])
        pb_command_move (command, pb_node_get_address (node), x, y,
                         positions[2 * i], positions[2 * i + 1]);
    }
  if (pb_command_get_n_ops (command) == 0)
    return TRUE;
  return pb_document_execute (self, command, error);
}

static gboolean
need (GPtrArray  *nodes,
      guint       least,
      GError    **error)
{
  if (nodes != NULL && nodes->len >= least)
    return TRUE;
  g_set_error (error, PB_RUNTIME_ERROR, PB_EINVAL,
               g_dngettext (GETTEXT_PACKAGE, "Select at least %u node", "Select at least %u nodes", least),
               least);
  return FALSE;
}

static double
size_of (const double *sizes,
         guint         i,
         guint         axis)
{
  return sizes != NULL ? sizes[2 * i + axis] : 0;
}

/**
 * pb_document_arrange:
 * @nodes: (element-type PbNode): the nodes to lay out; the links among
 *   them guide the layout, links to other nodes are ignored
 * @sizes: (array) (nullable): each node's width then height, as drawn
 *
 * Lays @nodes out with Graphviz's dot, left to right along the flow, as
 * one step. The group keeps its top-left corner where it was, so a
 * selection arranged stays where the person was looking.
 *
 * Returns: whether the step applied
 */
gboolean
pb_document_arrange (PbDocument    *self,
                     GPtrArray     *nodes,
                     const double  *sizes,
                     GError       **error)
{
  g_autofree PbLayoutNode *places = NULL;
  g_autofree double *positions = NULL;
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (PbLayoutEdge));
  GListModel *links;
  double left = G_MAXDOUBLE, top = G_MAXDOUBLE;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  if (!need (nodes, 1, error))
    return FALSE;

  places = g_new0 (PbLayoutNode, nodes->len);
  positions = g_new0 (double, 2 * nodes->len);
  for (guint i = 0; i < nodes->len; i++)
    {
      PbNode *node = g_ptr_array_index (nodes, i);

      PbFrame *frame = pb_document_get_frame_of (self, pb_node_get_address (node));

      /* A frame's nodes stay together, with room for its header. */
      places[i] = (PbLayoutNode) { .id = pb_node_get_address (node),
                                   .width = MAX (size_of (sizes, i, 0), 1),
                                   .height = MAX (size_of (sizes, i, 1), 1),
                                   .cluster = frame != NULL ? pb_frame_get_id (frame) : 0 };
      left = MIN (left, pb_node_get_x (node));
      top = MIN (top, pb_node_get_y (node));
    }

  links = pb_document_get_links (self);
  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);
      pb_addr source = pb_link_get_source (link), sink = pb_link_get_sink (link);

      g_array_append_val (edges, ((PbLayoutEdge) { .from = pb_addr_process_of (source),
                                                   .from_port = pb_addr_port (source),
                                                   .to = pb_addr_process_of (sink),
                                                   .to_port = pb_addr_port (sink) }));
    }
  if (!pb_layout_nodes (places, nodes->len, (PbLayoutEdge *) edges->data, edges->len, error))
    return FALSE;

  for (guint i = 0; i < nodes->len; i++)
    {
      positions[2 * i] = left + places[i].x;
      positions[2 * i + 1] = top + places[i].y;
    }
  return pb_document_move_nodes (self, nodes, positions, _("Arrange"), error);
}

/**
 * pb_document_align:
 * @nodes: (element-type PbNode): at least two nodes
 * @sizes: (array) (nullable): each node's width then height, as drawn;
 *   needed for every alignment but left and top
 * @how: which edges or centres to line up
 *
 * Lines up an edge or the centre of each of @nodes, as one step: on the
 * outermost such edge, or on the middle of the group for centres.
 *
 * Returns: whether the step applied; %FALSE for fewer than two nodes
 */
gboolean
pb_document_align (PbDocument    *self,
                   GPtrArray     *nodes,
                   const double  *sizes,
                   PbAlign        how,
                   GError       **error)
{
  g_autofree double *positions = NULL;
  guint axis = (how == PB_ALIGN_TOP || how == PB_ALIGN_BOTTOM || how == PB_ALIGN_CENTER_Y) ? 1 : 0;
  double low = G_MAXDOUBLE, high = -G_MAXDOUBLE;
  const char *label;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  if (!need (nodes, 2, error))
    return FALSE;

  positions = g_new0 (double, 2 * nodes->len);
  for (guint i = 0; i < nodes->len; i++)
    {
      PbNode *node = g_ptr_array_index (nodes, i);
      double at = axis == 0 ? pb_node_get_x (node) : pb_node_get_y (node);

      positions[2 * i] = pb_node_get_x (node);
      positions[2 * i + 1] = pb_node_get_y (node);
      low = MIN (low, at);
      high = MAX (high, at + size_of (sizes, i, axis));
    }

  for (guint i = 0; i < nodes->len; i++)
    {
      double size = size_of (sizes, i, axis);
      double *at = &positions[2 * i + axis];

      switch (how)
        {
        case PB_ALIGN_LEFT:
        case PB_ALIGN_TOP:
          *at = low;
          break;
        case PB_ALIGN_RIGHT:
        case PB_ALIGN_BOTTOM:
          *at = high - size;
          break;
        case PB_ALIGN_CENTER_X:
        case PB_ALIGN_CENTER_Y:
        default:
          *at = (low + high) / 2 - size / 2;
          break;
        }
    }

  switch (how)
    {
    case PB_ALIGN_LEFT:
      label = _("Align Left Edges");
      break;
    case PB_ALIGN_RIGHT:
      label = _("Align Right Edges");
      break;
    case PB_ALIGN_TOP:
      label = _("Align Top Edges");
      break;
    case PB_ALIGN_BOTTOM:
      label = _("Align Bottom Edges");
      break;
    case PB_ALIGN_CENTER_X:
      label = _("Align Centres in a Column");
      break;
    case PB_ALIGN_CENTER_Y:
    default:
      label = _("Align Centres in a Row");
      break;
    }
  return pb_document_move_nodes (self, nodes, positions, label, error);
}

typedef struct
{
  guint  index;
  double at;
} Slot;

static int
compare_slots (gconstpointer a,
               gconstpointer b)
{
  const Slot *sa = a, *sb = b;

  if (sa->at != sb->at)
    return (sa->at > sb->at) - (sa->at < sb->at);
  return (sa->index > sb->index) - (sa->index < sb->index);
}

/**
 * pb_document_distribute:
 * @nodes: (element-type PbNode): at least three nodes
 * @sizes: (array) (nullable): each node's width then height, as drawn
 * @vertically: whether to space them top to bottom rather than left to
 *   right
 *
 * Spaces @nodes evenly along one axis, as one step: the first and the
 * last stay, and the others move so that the gaps between neighbours are
 * equal. The other axis is left alone.
 *
 * Returns: whether the step applied; %FALSE for fewer than three nodes
 */
gboolean
pb_document_distribute (PbDocument    *self,
                        GPtrArray     *nodes,
                        const double  *sizes,
                        gboolean       vertically,
                        GError       **error)
{
  g_autofree double *positions = NULL;
  g_autofree Slot *slots = NULL;
  guint axis = vertically ? 1 : 0;
  double total = 0, gap, at;
  guint n;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  if (!need (nodes, 3, error))
    return FALSE;

  n = nodes->len;
  positions = g_new0 (double, 2 * n);
  slots = g_new0 (Slot, n);
  for (guint i = 0; i < n; i++)
    {
      PbNode *node = g_ptr_array_index (nodes, i);

      positions[2 * i] = pb_node_get_x (node);
      positions[2 * i + 1] = pb_node_get_y (node);
      slots[i] = (Slot) { i, positions[2 * i + axis] };
      total += size_of (sizes, i, axis);
    }
  qsort (slots, n, sizeof (Slot), compare_slots);

  /* The span from the first's near edge to the last's far edge, less
   * the nodes themselves, shared into n - 1 equal gaps. */
  gap = (slots[n - 1].at + size_of (sizes, slots[n - 1].index, axis) - slots[0].at - total) / (n - 1);
  at = slots[0].at;
  for (guint s = 0; s < n; s++)
    {
      positions[2 * slots[s].index + axis] = at;
      at += size_of (sizes, slots[s].index, axis) + gap;
    }

  return pb_document_move_nodes (self, nodes, positions,
                                 vertically ? _("Distribute Vertically") : _("Distribute Horizontally"),
                                 error);
}

/* Whether a group of @width × @height centred on (@x, @y), with room
 * around it, would cover a placed node of @self, each node taken as big
 * as a laid out one. */
static gboolean
covers_a_node (PbDocument *self,
               double      x,
               double      y,
               double      width,
               double      height)
{
  GListModel *nodes = pb_document_get_nodes (self);
  double left = x - width / 2 - PLACE_GAP, top = y - height / 2 - PLACE_GAP;
  double right = x + width / 2 + PLACE_GAP, bottom = y + height / 2 + PLACE_GAP;

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);
      double nx = pb_node_get_x (node), ny = pb_node_get_y (node);

      if (pb_node_get_placed (node) && nx < right && nx + PB_DOCUMENT_NODE_WIDTH > left
          && ny < bottom && ny + PB_DOCUMENT_NODE_HEIGHT > top)
        return TRUE;
    }
  return FALSE;
}

/**
 * pb_document_find_free_place:
 * @width: the group's size, in canvas units
 * @height: likewise
 * @x: (inout): the middle of where the group would go
 * @y: (inout): likewise
 *
 * Moves (@x, @y) to the free place nearest it for a group of new nodes
 * (pasted text, a node from the palette): the first of rings of places
 * around it, each a node's height further out, below and above first,
 * then right and left, where the group would cover no node; (@x, @y)
 * itself when the rings are full too. Nodes are taken as big as
 * PB_DOCUMENT_NODE_WIDTH × PB_DOCUMENT_NODE_HEIGHT.
 */
void
pb_document_find_free_place (PbDocument *self,
                 double      width,
                 double      height,
                 double     *x,
                 double     *y)
{
  double step = PB_DOCUMENT_NODE_HEIGHT + PLACE_GAP;

  for (int ring = 0; ring <= 40; ring++)
    {
      const double offsets[][2] = {
        { 0, ring * step }, { 0, -ring * step }, { ring * step, 0 }, { -ring * step, 0 },
      };

      for (guint k = 0; k < G_N_ELEMENTS (offsets); k++)
        if (!covers_a_node (self, *x + offsets[k][0], *y + offsets[k][1], width, height))
          {
            *x += offsets[k][0];
            *y += offsets[k][1];
            return;
          }
    }
}
