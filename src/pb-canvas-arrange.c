/* pb-canvas-arrange.c — arrange, align, distribute and snap, on the canvas
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The canvas asks and the document moves: the canvas knows how big each
 * node is drawn, so it passes the sizes along with the selection, and
 * pb-document-arrange.c turns them into one step of moves. Arrange works
 * on the whole graph when nothing is selected.
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "pb-canvas-private.h"

/* The selection, or every node when none is selected; and their sizes. */
static GPtrArray *
nodes_and_sizes (PbCanvas  *self,
                 gboolean   all_if_none,
                 double   **sizes)
{
  GPtrArray *nodes = pb_canvas_get_selected_nodes (self);

  if (nodes->len == 0 && all_if_none)
    {
      GListModel *model = pb_document_get_nodes (self->document);

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        g_ptr_array_add (nodes, g_list_model_get_item (model, i));
    }
  *sizes = g_new0 (double, 2 * nodes->len + 1);
  for (guint i = 0; i < nodes->len; i++)
    pb_canvas_get_node_size (self, g_ptr_array_index (nodes, i), &(*sizes)[2 * i], &(*sizes)[2 * i + 1]);
  return nodes;
}

static void
arrange_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(GPtrArray) nodes = NULL;
  g_autofree double *sizes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean everything;

  if (self->document == NULL)
    return;
  nodes = nodes_and_sizes (self, TRUE, &sizes);
  if (nodes->len == 0)
    return;
  everything = nodes->len == g_list_model_get_n_items (pb_document_get_nodes (self->document));
  if (!pb_document_arrange (self->document, nodes, sizes, &error))
    _pb_canvas_report_error (self, error);
  else if (everything)
    pb_canvas_zoom_to_fit (self);
}

static const struct
{
  const char *action;
  PbAlign     how;
} aligns[] = {
  { "canvas.align-left", PB_ALIGN_LEFT },
  { "canvas.align-right", PB_ALIGN_RIGHT },
  { "canvas.align-top", PB_ALIGN_TOP },
  { "canvas.align-bottom", PB_ALIGN_BOTTOM },
  { "canvas.align-center-x", PB_ALIGN_CENTER_X },
  { "canvas.align-center-y", PB_ALIGN_CENTER_Y },
};

static void
align_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(GPtrArray) nodes = NULL;
  g_autofree double *sizes = NULL;
  g_autoptr(GError) error = NULL;
  PbAlign how = PB_ALIGN_LEFT;

  if (self->document == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (aligns); i++)
    if (g_str_equal (action_name, aligns[i].action))
      how = aligns[i].how;
  nodes = nodes_and_sizes (self, FALSE, &sizes);
  if (!pb_document_align (self->document, nodes, sizes, how, &error))
    _pb_canvas_report_error (self, error);
}

static void
distribute_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(GPtrArray) nodes = NULL;
  g_autofree double *sizes = NULL;
  g_autoptr(GError) error = NULL;

  if (self->document == NULL)
    return;
  nodes = nodes_and_sizes (self, FALSE, &sizes);
  if (!pb_document_distribute (self->document, nodes, sizes,
                               g_str_equal (action_name, "canvas.distribute-vertically"), &error))
    _pb_canvas_report_error (self, error);
}

/**
 * _pb_canvas_append_arrange_menu:
 * @n_selected: how many nodes are selected
 *
 * Adds to a context menu what can be done with that many nodes: arrange
 * always, align from two, distribute from three.
 */
void
_pb_canvas_append_arrange_menu (PbCanvas *self,
                                GMenu    *menu,
                                guint     n_selected)
{
  g_autoptr(GMenu) section = g_menu_new ();

  g_menu_append (section, n_selected > 0 ? _("_Arrange Selection") : _("_Arrange All"), "canvas.arrange");
  if (n_selected >= 2)
    {
      g_autoptr(GMenu) align = g_menu_new ();

      g_menu_append (align, _("_Left Edges"), "canvas.align-left");
      g_menu_append (align, _("_Right Edges"), "canvas.align-right");
      g_menu_append (align, _("_Top Edges"), "canvas.align-top");
      g_menu_append (align, _("_Bottom Edges"), "canvas.align-bottom");
      g_menu_append (align, _("Centres in a _Column"), "canvas.align-center-x");
      g_menu_append (align, _("Centres in a _Row"), "canvas.align-center-y");
      g_menu_append_submenu (section, _("Al_ign"), G_MENU_MODEL (align));
    }
  if (n_selected >= 3)
    {
      g_autoptr(GMenu) distribute = g_menu_new ();

      g_menu_append (distribute, _("_Horizontally"), "canvas.distribute-horizontally");
      g_menu_append (distribute, _("_Vertically"), "canvas.distribute-vertically");
      g_menu_append_submenu (section, _("D_istribute"), G_MENU_MODEL (distribute));
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
}

/* Snapping */

static double
snap (double v)
{
  return round (v / GRID) * GRID;
}

/**
 * _pb_canvas_snap_moved:
 * @nodes: (element-type PbNode): nodes a drag just let go
 * @dx: (inout): how far the drag moved them, in canvas units
 * @dy: (inout): likewise
 *
 * With snapping on, moves @nodes on so that the first lands on the grid,
 * keeping the group's shape, and adds that to the drag's distance.
 */
void
_pb_canvas_snap_moved (PbCanvas  *self,
                       GPtrArray *nodes,
                       double    *dx,
                       double    *dy)
{
  PbNode *first;
  double ex, ey;

  if (!self->snap_to_grid || nodes->len == 0)
    return;
  first = g_ptr_array_index (nodes, 0);
  ex = snap (pb_node_get_x (first)) - pb_node_get_x (first);
  ey = snap (pb_node_get_y (first)) - pb_node_get_y (first);
  for (guint i = 0; i < nodes->len; i++)
    {
      PbNode *node = g_ptr_array_index (nodes, i);

      pb_node_set_position (node, pb_node_get_x (node) + ex, pb_node_get_y (node) + ey);
    }
  *dx += ex;
  *dy += ey;
}

/**
 * _pb_canvas_snap_point:
 *
 * With snapping on, moves the canvas point (@x, @y) to the nearest
 * crossing of the grid.
 */
void
_pb_canvas_snap_point (PbCanvas *self,
                       double   *x,
                       double   *y)
{
  if (!self->snap_to_grid)
    return;
  *x = snap (*x);
  *y = snap (*y);
}

void
_pb_canvas_class_add_arrange (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "canvas.arrange", NULL, arrange_action);
  for (guint i = 0; i < G_N_ELEMENTS (aligns); i++)
    gtk_widget_class_install_action (widget_class, aligns[i].action, NULL, align_action);
  gtk_widget_class_install_action (widget_class, "canvas.distribute-horizontally", NULL, distribute_action);
  gtk_widget_class_install_action (widget_class, "canvas.distribute-vertically", NULL, distribute_action);

  /* Arrange's key is the window's, win.arrange, as it needs no selection. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK | GDK_SHIFT_MASK,
                                       "canvas.align-left", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK | GDK_SHIFT_MASK,
                                       "canvas.align-right", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK | GDK_SHIFT_MASK,
                                       "canvas.align-top", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK | GDK_SHIFT_MASK,
                                       "canvas.align-bottom", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_C, GDK_ALT_MASK | GDK_SHIFT_MASK,
                                       "canvas.align-center-x", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R, GDK_ALT_MASK | GDK_SHIFT_MASK,
                                       "canvas.align-center-y", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_D, GDK_ALT_MASK | GDK_SHIFT_MASK,
                                       "canvas.distribute-horizontally", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_E, GDK_ALT_MASK | GDK_SHIFT_MASK,
                                       "canvas.distribute-vertically", NULL);
}
