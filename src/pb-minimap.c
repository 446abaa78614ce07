/* pb-minimap.c — a small overview of a big graph, to pan with
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * It sits over a corner of the canvas while the graph does not fit the
 * view: every node a rectangle, the part the view shows a frame. A click
 * or a drag in it centres the view there. It draws again only when the
 * graph's shape or the view changes (an edit, an undo, a pan, a zoom),
 * never for the counters that tick ten times a second.
 *
 * It covers a corner of the canvas, so it rests, faded to let the nodes
 * under it show, once the view has held still for a moment and the
 * pointer is not over it, as overlay scrollbars do; a person's pan or
 * zoom, or the pointer, wakes it. The view moving by itself to show a
 * node (found, chosen in the profiler) does not: it must not then cover
 * what it was moved to show.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-minimap.h"

#define MINIMAP_WIDTH 200
#define MINIMAP_HEIGHT 140
#define MINIMAP_PADDING 8.0
/* How long after the view last moved the minimap fades. */
#define MINIMAP_REST_MS 1500

struct _PbMinimap
{
  GtkWidget   parent_instance;

  PbCanvas   *canvas;
  PbDocument *document;
  gboolean    enabled;

  /* The mapping of the latest snapshot: canvas point = origin + widget
   * point / scale. */
  double      origin_x;
  double      origin_y;
  double      scale;
  /* While a drag pans, the mapping holds still under the pointer. */
  gboolean    dragging;
  double      press_x;
  double      press_y;
  guint       update_source;
  guint       rest_source;
  gboolean    hovered;
  guint       n_draws;        /* for tests: how often it has drawn */
};

G_DEFINE_FINAL_TYPE (PbMinimap, pb_minimap, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CANVAS,
  PROP_ENABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The area the minimap shows: the graph and the view, so that the frame
 * is always in it. */
static void
shown_area (PbMinimap       *self,
            graphene_rect_t *area)
{
  graphene_rect_t visible;

  pb_canvas_get_graph_bounds (self->canvas, area);
  pb_canvas_get_visible_area (self->canvas, &visible);
  graphene_rect_union (area, &visible, area);
}

static void
update_mapping (PbMinimap *self)
{
  graphene_rect_t area;
  double width = gtk_widget_get_width (GTK_WIDGET (self)) - 2 * MINIMAP_PADDING;
  double height = gtk_widget_get_height (GTK_WIDGET (self)) - 2 * MINIMAP_PADDING;

  if (self->dragging)
    return;
  self->scale = 1;
  self->origin_x = self->origin_y = 0;
  if (self->canvas == NULL || width <= 0 || height <= 0)
    return;
  shown_area (self, &area);
  if (area.size.width <= 0 || area.size.height <= 0)
    return;
  self->scale = MIN (width / area.size.width, height / area.size.height);
  /* Centred in the widget, whichever way it is narrower. */
  self->origin_x = area.origin.x - (MINIMAP_PADDING + (width - area.size.width * self->scale) / 2) / self->scale;
  self->origin_y = area.origin.y - (MINIMAP_PADDING + (height - area.size.height * self->scale) / 2) / self->scale;
}

static gboolean
on_rest (gpointer user_data)
{
  PbMinimap *self = user_data;

  self->rest_source = 0;
  gtk_widget_add_css_class (GTK_WIDGET (self), "resting");
  return G_SOURCE_REMOVE;
}

/* Shows the minimap plainly, and fades it again once the view has held
 * still for MINIMAP_REST_MS, unless the pointer is on it. */
static void
wake (PbMinimap *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "resting");
  g_clear_handle_id (&self->rest_source, g_source_remove);
  if (!self->hovered && !self->dragging)
    self->rest_source = g_timeout_add (MINIMAP_REST_MS, on_rest, self);
}

static void
on_enter (GtkEventControllerMotion *motion,
          double                    x,
          double                    y,
          PbMinimap                *self)
{
  self->hovered = TRUE;
  wake (self);
}

static void
on_leave (GtkEventControllerMotion *motion,
          PbMinimap                *self)
{
  self->hovered = FALSE;
  wake (self);
}

/* Shown while enabled and the graph does not fit the view. */
static void
update_now (PbMinimap *self)
{
  gboolean show = FALSE;

  if (self->enabled && self->canvas != NULL && self->document != NULL
      && g_list_model_get_n_items (pb_document_get_nodes (self->document)) > 0)
    {
      graphene_rect_t graph, visible;

      pb_canvas_get_graph_bounds (self->canvas, &graph);
      pb_canvas_get_visible_area (self->canvas, &visible);
      show = visible.size.width > 0 && !graphene_rect_contains_rect (&visible, &graph);
    }
  /* Appearing, it shows plainly for a moment, then rests. */
  if (show && !gtk_widget_get_visible (GTK_WIDGET (self)))
    wake (self);
  gtk_widget_set_visible (GTK_WIDGET (self), show);
  if (show)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_update_idle (gpointer user_data)
{
  PbMinimap *self = user_data;

  self->update_source = 0;
  update_now (self);
  return G_SOURCE_REMOVE;
}

/* The canvas says its view changed while it is being allocated: showing
 * or hiding a widget then would resize the overlay in the middle of its
 * allocation, so the answer waits for the frame to finish, and several
 * changes in one frame are answered once. */
static void
update (PbMinimap *self)
{
  if (self->update_source == 0)
    self->update_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, on_update_idle, self, NULL);
}

/**
 * pb_minimap_to_canvas:
 * @x: a point in the minimap
 * @y: likewise
 * @canvas_x: (out): the canvas point it shows
 * @canvas_y: (out): likewise
 */
void
pb_minimap_to_canvas (PbMinimap *self,
                      double     x,
                      double     y,
                      double    *canvas_x,
                      double    *canvas_y)
{
  g_return_if_fail (PB_IS_MINIMAP (self));

  update_mapping (self);
  *canvas_x = self->origin_x + x / self->scale;
  *canvas_y = self->origin_y + y / self->scale;
}

static void
pan_to (PbMinimap *self,
        double     x,
        double     y)
{
  double cx, cy;

  if (self->canvas == NULL)
    return;
  pb_minimap_to_canvas (self, x, y, &cx, &cy);
  pb_canvas_center_on (self->canvas, cx, cy);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               PbMinimap      *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  pan_to (self, x, y);
  self->press_x = x;
  self->press_y = y;
  self->dragging = TRUE;
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             PbMinimap      *self)
{
  self->dragging = FALSE;
  wake (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                PbMinimap      *self)
{
  pan_to (self, self->press_x + dx, self->press_y + dy);
}

/* Each frame as a wash of its colour around its nodes, beneath them:
 * where the groups a person named lie. */
static void
snapshot_frames (PbMinimap   *self,
                 GtkSnapshot *snapshot)
{
  GListModel *frames = pb_document_get_frames (self->document);

  for (guint i = 0; i < g_list_model_get_n_items (frames); i++)
    {
      g_autoptr(PbFrame) frame = g_list_model_get_item (frames, i);
      gsize n;
      const pb_addr *members = pb_frame_get_members (frame, &n);
      graphene_rect_t area = GRAPHENE_RECT_INIT (0, 0, 0, 0);
      gboolean any = FALSE;
      GdkRGBA color;

      for (gsize k = 0; k < n; k++)
        {
          PbNode *node = pb_document_find_node (self->document, members[k]);
          graphene_rect_t rect;
          double w, h;

          if (node == NULL)
            continue;
          pb_canvas_get_node_size (self->canvas, node, &w, &h);
          graphene_rect_init (&rect, pb_node_get_x (node), pb_node_get_y (node), w, h);
          if (any)
            graphene_rect_union (&area, &rect, &area);
          else
            area = rect;
          any = TRUE;
        }
      if (!any)
        continue;
      /* About the frame's padding, and its header above. */
      graphene_rect_inset (&area, -16, -16);
      area.origin.y -= 24;
      area.size.height += 24;
      gdk_rgba_parse (&color, pb_frame_color_value (pb_frame_get_color (frame)));
      color.alpha = 0.3f;
      gtk_snapshot_append_color (snapshot, &color,
                                 &GRAPHENE_RECT_INIT ((area.origin.x - self->origin_x) * self->scale,
                                                      (area.origin.y - self->origin_y) * self->scale,
                                                      area.size.width * self->scale,
                                                      area.size.height * self->scale));
    }
}

static void
pb_minimap_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  PbMinimap *self = PB_MINIMAP (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GskRoundedRect outline;
  graphene_rect_t visible, frame;
  GdkRGBA node_color, frame_color, fg;
  GListModel *nodes;

  if (self->canvas == NULL || self->document == NULL)
    return;
  self->n_draws++;
  update_mapping (self);

  /* GTK 4.10 calls this gtk_widget_get_color(); 4.8 has only this. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  node_color = fg;
  node_color.alpha = 0.3;
  /* Libadwaita's default accent, as the canvas marks a selection. */
  frame_color = (GdkRGBA) { 0.21, 0.52, 0.89, 1 };

  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, width, height), 8);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);

  snapshot_frames (self, snapshot);
  nodes = pb_document_get_nodes (self->document);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);
      double w, h;

      pb_canvas_get_node_size (self->canvas, node, &w, &h);
      gtk_snapshot_append_color (snapshot, &node_color,
                                 &GRAPHENE_RECT_INIT ((pb_node_get_x (node) - self->origin_x) * self->scale,
                                                      (pb_node_get_y (node) - self->origin_y) * self->scale,
                                                      MAX (w * self->scale, 2),
                                                      MAX (h * self->scale, 2)));
    }

  pb_canvas_get_visible_area (self->canvas, &visible);
  frame = GRAPHENE_RECT_INIT ((visible.origin.x - self->origin_x) * self->scale,
                              (visible.origin.y - self->origin_y) * self->scale,
                              visible.size.width * self->scale,
                              visible.size.height * self->scale);
  {
    GskRoundedRect border;
    GdkRGBA fill = frame_color;

    fill.alpha = 0.12;
    gtk_snapshot_append_color (snapshot, &fill, &frame);
    gsk_rounded_rect_init_from_rect (&border, &frame, 2);
    gtk_snapshot_append_border (snapshot, &border, (float[4]) { 2, 2, 2, 2 },
                                (GdkRGBA[4]) { frame_color, frame_color, frame_color, frame_color });
  }
  gtk_snapshot_pop (snapshot);
}

static void
pb_minimap_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? MINIMAP_WIDTH : MINIMAP_HEIGHT;
}

static void
disconnect_document (PbMinimap *self)
{
  if (self->document == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->document, self);
  g_signal_handlers_disconnect_by_data (pb_document_get_nodes (self->document), self);
  g_signal_handlers_disconnect_by_data (pb_document_get_undo_stack (self->document), self);
  g_clear_object (&self->document);
}

static void
on_document_changed (PbMinimap *self)
{
  disconnect_document (self);
  if (self->canvas != NULL && pb_canvas_get_document (self->canvas) != NULL)
    {
      self->document = g_object_ref (pb_canvas_get_document (self->canvas));
      /* Edits, undos and drags (which the undo stack records) move
       * nodes; counters do not come this way. */
      g_signal_connect_swapped (self->document, "changed", G_CALLBACK (update), self);
      g_signal_connect_swapped (pb_document_get_nodes (self->document), "items-changed",
                                G_CALLBACK (update), self);
      g_signal_connect_swapped (pb_document_get_undo_stack (self->document), "notify",
                                G_CALLBACK (update), self);
    }
  update (self);
}

/**
 * pb_minimap_set_canvas:
 * @canvas: (nullable): the canvas to show and to pan
 */
void
pb_minimap_set_canvas (PbMinimap *self,
                       PbCanvas  *canvas)
{
  g_return_if_fail (PB_IS_MINIMAP (self));

  if (self->canvas == canvas)
    return;
  if (self->canvas != NULL)
    g_signal_handlers_disconnect_by_data (self->canvas, self);
  disconnect_document (self);
  g_set_weak_pointer (&self->canvas, canvas);
  if (canvas != NULL)
    {
      g_signal_connect_swapped (canvas, "viewport-changed", G_CALLBACK (update), self);
      g_signal_connect_swapped (canvas, "view-moved", G_CALLBACK (wake), self);
      g_signal_connect_swapped (canvas, "notify::document", G_CALLBACK (on_document_changed), self);
    }
  on_document_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CANVAS]);
}

PbCanvas *
pb_minimap_get_canvas (PbMinimap *self)
{
  g_return_val_if_fail (PB_IS_MINIMAP (self), NULL);

  return self->canvas;
}

gboolean
pb_minimap_get_enabled (PbMinimap *self)
{
  g_return_val_if_fail (PB_IS_MINIMAP (self), FALSE);

  return self->enabled;
}

/**
 * pb_minimap_set_enabled:
 * @enabled: whether the minimap shows itself when the graph does not fit
 */
void
pb_minimap_set_enabled (PbMinimap *self,
                        gboolean   enabled)
{
  g_return_if_fail (PB_IS_MINIMAP (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;
  update_now (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

/**
 * pb_minimap_get_n_draws:
 *
 * Returns: how many times the minimap has drawn itself, so that a test
 *   can tell it does not draw for every counter tick
 */
guint
pb_minimap_get_n_draws (PbMinimap *self)
{
  g_return_val_if_fail (PB_IS_MINIMAP (self), 0);

  return self->n_draws;
}

GtkWidget *
pb_minimap_new (void)
{
  return g_object_new (PB_TYPE_MINIMAP, NULL);
}

static void
pb_minimap_dispose (GObject *object)
{
  PbMinimap *self = PB_MINIMAP (object);

  if (self->canvas != NULL)
    g_signal_handlers_disconnect_by_data (self->canvas, self);
  disconnect_document (self);
  g_clear_weak_pointer (&self->canvas);
  g_clear_handle_id (&self->update_source, g_source_remove);
  g_clear_handle_id (&self->rest_source, g_source_remove);

  G_OBJECT_CLASS (pb_minimap_parent_class)->dispose (object);
}

static void
pb_minimap_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PbMinimap *self = PB_MINIMAP (object);

  switch (prop_id)
    {
    case PROP_CANVAS:
      g_value_set_object (value, self->canvas);
      break;
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_minimap_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  PbMinimap *self = PB_MINIMAP (object);

  switch (prop_id)
    {
    case PROP_CANVAS:
      pb_minimap_set_canvas (self, g_value_get_object (value));
      break;
    case PROP_ENABLED:
      pb_minimap_set_enabled (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_minimap_class_init (PbMinimapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_minimap_dispose;
  object_class->get_property = pb_minimap_get_property;
  object_class->set_property = pb_minimap_set_property;

  widget_class->measure = pb_minimap_measure;
  widget_class->snapshot = pb_minimap_snapshot;

  properties[PROP_CANVAS] =
    g_param_spec_object ("canvas", NULL, NULL, PB_TYPE_CANVAS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "minimap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pb_minimap_init (PbMinimap *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->scale = 1;
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), _("Overview: click or drag to move the view"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Overview of the topology"),
                                  -1);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (motion, "enter", G_CALLBACK (on_enter), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}
