/* pb-canvas-private.h — what the canvas's files share (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pb-canvas.h"
#include "pb-frame-view.h"
#include "pb-node-view.h"
#include "pb-socket.h"
#include "pb-wire.h"

G_BEGIN_DECLS

#define ZOOM_MIN 0.1
#define ZOOM_MAX 4.0
#define ZOOM_STEP 1.2
/* How near the pointer must come to a wire to pick it, in pixels. */
#define WIRE_PICK_DISTANCE 6.0
/* How long a refusal's reason stays up. */
#define REFUSAL_SECONDS 4
#define GRID 24.0
/* Below this zoom, counters are a few pixels high: nodes draw their
 * heat bar alone. */
#define BRIEF_ZOOM 0.5

typedef struct
{
  PbLink *link;             /* not owned: the links model holds it */
  double  x;                /* in the coordinates of the allocation */
  double  y;
} Midpoint;

typedef enum
{
  DRAG_NONE,
  DRAG_WIRE,
  DRAG_MOVE,
  DRAG_BAND,
  DRAG_PAN,
} DragMode;

struct _PbCanvas
{
  GtkWidget   parent_instance;

  PbDocument *document;
  GPtrArray  *views;        /* PbNodeView, in the order of the nodes model */
  GHashTable *view_of;      /* PbNode -> PbNodeView */

  double      zoom;
  double      origin_x;     /* the canvas point at the widget's top left */
  double      origin_y;

  /* Panning translates what the latest allocation placed, and allocates
   * again only once the pan rests: these are the origin and zoom of that
   * allocation, and each node's bounds in it. */
  double      alloc_origin_x;
  double      alloc_origin_y;
  double      alloc_zoom;
  GArray     *bounds;       /* graphene_rect_t per view, widget coordinates */
  guint       rest_timeout;
  gboolean    fit_pending;  /* zoom to fit at the next allocation */
  GskRenderNode *wires;     /* the wires as last drawn, until one changes */
  GArray     *midpoints;    /* Midpoint: where each wire's queue mark goes */

  DragMode    mode;
  double      press_x;      /* widget coordinates where the drag began */
  double      press_y;
  double      pointer_x;    /* widget coordinates of the pointer now */
  double      pointer_y;
  GPtrArray  *moving;       /* PbNode being dragged */
  GArray     *moving_from;  /* their positions when the drag began */
  PbSocket   *wire_from;
  PbSocket   *wire_to;      /* a socket under the dragged wire's end */
  double      zoom_begin;

  GtkWidget  *refusal;
  GtkLabel   *refusal_label;
  guint       refusal_timeout;

  GtkWidget  *link_menu;
  /* A wire's tooltip, kept across tooltips (GTK keeps a custom widget
   * it is given again): its queue and, while running, its probe. */
  GtkWidget  *tip;
  GtkLabel   *tip_label;
  GtkWidget  *tip_probe;
  PbLink     *menu_link;
  /* Pinned probes: PbLink (owned) -> its card, a child of the canvas. */
  GHashTable *pins;

  /* Quick-add: a searchable list of the kinds that fit a socket. */
  GtkWidget  *quick_add;
  GtkSearchEntry *quick_add_entry;
  GtkListBox *quick_add_list;
  pb_addr     quick_add_from;   /* the socket's port, or 0 */
  double      quick_add_x;      /* where the node goes, in canvas units */
  double      quick_add_y;
  double      quick_add_wx;     /* where the popover points, in the */
  double      quick_add_wy;     /* widget's coordinates */

  /* A wire whose end is being dragged to another socket: wire_from is
   * the end that stays. */
  PbLink     *relinking;
  /* The wire a lone node being dragged would go into, if let go. */
  PbLink     *insert_target;

  guint       place_source;

  /* What the canvas's own work cost since pb_canvas_take_work_us() was
   * last called, for benchmarks: its allocations and snapshots, in µs. */
  gint64      allocate_us;
  gint64      snapshot_us;
  PbNode     *selected_node;  /* the one node selected, if only one is */

  /* Add From Pipeline Text: an entry, and the parser's message. */
  GtkWidget  *pipeline_popover;
  GtkEntry   *pipeline_entry;
  GtkLabel   *pipeline_error;

  /* Dropped nodes land on the grid's lines. */
  gboolean    snap_to_grid;

  /* Frames (pb-canvas-frames.c): a PbFrameView per frame, in the order
   * of the frames model, and each one's bounds in the allocation. */
  GPtrArray  *frame_views;
  GHashTable *frame_view_of;  /* PbFrame -> PbFrameView */
  GArray     *frame_bounds;   /* graphene_rect_t per frame view */
  GtkWidget  *frame_editor;
  guint       frame_selection_source;
  int         viewport_width;   /* the size viewport-changed last saw */
  int         viewport_height;

  /* A node kept in view while the canvas is resized, until keep_until
   * (pb_canvas_keep_in_view()); set while the canvas pans for it. */
  PbNode     *keep_in_view;
  gint64      keep_until;
  gboolean    keep_panning;
};


/* In pb-canvas.c: the view itself. _pb_canvas_settle() brings into view
 * what pb_canvas_keep_in_view() keeps, once a click ends; a drag that
 * moved something (@moved) ends the keeping: the person placed it. */
void      _pb_canvas_person_moved     (PbCanvas     *self);
void      _pb_canvas_settle           (PbCanvas     *self,
                                       gboolean      moved);
void      _pb_canvas_to_allocated     (PbCanvas     *self,
                                       double        x,
                                       double        y,
                                       double       *ax,
                                       double       *ay);
PbSocket *_pb_canvas_find_socket      (PbCanvas     *self,
                                       pb_addr       port);
gboolean  _pb_canvas_link_wire        (PbCanvas     *self,
                                       PbLink       *link,
                                       PbWire       *wire);
PbSocket *_pb_canvas_socket_at        (PbCanvas     *self,
                                       double        x,
                                       double        y);
PbNodeView *_pb_canvas_view_at        (PbCanvas     *self,
                                       double        x,
                                       double        y);
PbLink   *_pb_canvas_link_at          (PbCanvas     *self,
                                       double        x,
                                       double        y);
gboolean  _pb_canvas_on_control       (PbCanvas     *self,
                                       double        x,
                                       double        y);
void      _pb_canvas_select_none      (PbCanvas     *self);
void      _pb_canvas_scroll_by        (PbCanvas     *self,
                                       double        dx,
                                       double        dy);
void      _pb_canvas_pan_to           (PbCanvas     *self,
                                       double        origin_x,
                                       double        origin_y);
void      _pb_canvas_redraw_wires     (PbCanvas     *self);

/* In pb-canvas-draw.c: what the canvas draws itself. */
void      _pb_canvas_snapshot         (GtkWidget    *widget,
                                       GtkSnapshot  *snapshot);

/* In pb-canvas-input.c: what the pointer and the keys ask. */
void      _pb_canvas_show_refusal     (PbCanvas     *self,
                                       const char   *message,
                                       double        x,
                                       double        y);
void      _pb_canvas_report_error     (PbCanvas     *self,
                                       const GError *error);
void      _pb_canvas_add_controllers  (PbCanvas     *self);
void      _pb_canvas_activate_failure (PbCanvas     *self,
                                       PbNode       *node);
void      _pb_canvas_popup_menu       (PbCanvas     *self,
                                       double        x,
                                       double        y,
                                       gboolean      frame_first);
void      _pb_canvas_popup_link_menu  (PbCanvas     *self,
                                       PbLink       *link,
                                       double        x,
                                       double        y);
void      _pb_canvas_popup_bare_menu  (PbCanvas     *self,
                                       double        x,
                                       double        y);

/* In pb-canvas-tools.c: quick-add, insert, reconnect, relink. */
void      _pb_canvas_quick_add        (PbCanvas     *self,
                                       pb_addr       from,
                                       double        x,
                                       double        y);
void      _pb_canvas_track_insert     (PbCanvas     *self);
gboolean  _pb_canvas_drop_on_link     (PbCanvas     *self,
                                       PbNode       *node,
                                       double        old_x,
                                       double        old_y);
void      _pb_canvas_tools_dispose    (PbCanvas     *self);
void      _pb_canvas_class_add_tools  (GtkWidgetClass *widget_class);

/* In pb-canvas-probes.c: probes pinned on wires. */
void      _pb_canvas_prune_pins       (PbCanvas     *self);
void      _pb_canvas_clear_pins       (PbCanvas     *self);
void      _pb_canvas_allocate_pins    (PbCanvas     *self);
void      _pb_canvas_snapshot_pins    (PbCanvas     *self,
                                       GtkSnapshot  *snapshot);
void      _pb_canvas_class_add_probes (GtkWidgetClass *widget_class);

/* In pb-canvas-pipeline.c: pipeline text in and out. */
gboolean  _pb_canvas_add_pipeline_text (PbCanvas    *self,
                                        const char  *text,
                                        GError     **error);
void      _pb_canvas_paste_text       (PbCanvas     *self);
void      _pb_canvas_pipeline_allocate (PbCanvas    *self);
void      _pb_canvas_pipeline_dispose (PbCanvas     *self);
void      _pb_canvas_class_add_pipeline (GtkWidgetClass *widget_class);

/* In pb-canvas-arrange.c: arrange, align, distribute, snap. */
void      _pb_canvas_snap_moved       (PbCanvas     *self,
                                       GPtrArray    *nodes,
                                       double       *dx,
                                       double       *dy);
void      _pb_canvas_snap_point       (PbCanvas     *self,
                                       double       *x,
                                       double       *y);
void      _pb_canvas_append_arrange_menu (PbCanvas  *self,
                                       GMenu        *menu,
                                       guint         n_selected);
void      _pb_canvas_class_add_arrange (GtkWidgetClass *widget_class);

/* In pb-canvas-frames.c: frames around nodes. */
void      _pb_canvas_frames_attach    (PbCanvas     *self);
void      _pb_canvas_frames_detach    (PbCanvas     *self);
void      _pb_canvas_frames_update_members (PbCanvas *self);
void      _pb_canvas_frames_update_selection (PbCanvas *self);
void      _pb_canvas_allocate_frames  (PbCanvas     *self);
void      _pb_canvas_frames_inflate   (PbCanvas     *self,
                                       PbNode       *node,
                                       graphene_rect_t *rect);
void      _pb_canvas_snapshot_frames  (PbCanvas     *self,
                                       GtkSnapshot  *snapshot,
                                       const graphene_rect_t *view);
PbSocket *_pb_canvas_frame_socket     (PbCanvas     *self,
                                       pb_addr       port,
                                       gboolean     *hidden);
gboolean  _pb_canvas_frame_bounds     (PbCanvas     *self,
                                       PbNode       *node,
                                       graphene_rect_t *bounds);
PbFrameView *_pb_canvas_frame_at      (PbCanvas     *self,
                                       double        x,
                                       double        y);
void      _pb_canvas_select_frame     (PbCanvas     *self,
                                       PbFrame      *frame,
                                       gboolean      extend);
void      _pb_canvas_append_frame_menu (PbCanvas    *self,
                                       GMenu        *menu,
                                       guint         n_selected);
void      _pb_canvas_frames_present   (PbCanvas     *self);
void      _pb_canvas_frames_dispose   (PbCanvas     *self);
void      _pb_canvas_class_add_frames (GtkWidgetClass *widget_class);

/* In pb-canvas-actions.c: the canvas.* actions and their keys. */
void      _pb_canvas_delete_selection (GtkWidget    *widget,
                                       const char   *action_name,
                                       GVariant     *parameter);
void      _pb_canvas_class_add_actions (GtkWidgetClass *widget_class);

G_END_DECLS
