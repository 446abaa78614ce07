/* pb-document.h — one topology being edited, and the runtime running it
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include <pushback/addr.h>

#include "pb-command.h"
#include "pb-frame.h"
#include "pb-link.h"
#include "pb-node.h"
#include "pb-types.h"
#include "pb-undo-stack.h"

G_BEGIN_DECLS

/**
 * PbRunState:
 * @PB_RUN_STOPPED: nothing runs; the next run starts from scratch
 * @PB_RUN_RUNNING: the runtime runs the topology and follows every edit
 * @PB_RUN_PAUSED: the runtime holds everything where it is
 */
typedef enum
{
  PB_RUN_STOPPED,
  PB_RUN_RUNNING,
  PB_RUN_PAUSED,
} PbRunState;

#define PB_TYPE_DOCUMENT (pb_document_get_type ())

G_DECLARE_FINAL_TYPE (PbDocument, pb_document, PB, DOCUMENT, GObject)

PbDocument  *pb_document_new              (void);
PbDocument  *pb_document_load             (GFile       *file,
                                           GError     **error);
PbDocument  *pb_document_new_from_pipeline (const char *text,
                                           GError     **error);
char        *pb_document_dup_code_digest  (PbDocument  *self);
gboolean     pb_document_save             (PbDocument  *self,
                                           GFile       *file,
                                           GError     **error);
gboolean     pb_document_save_copy        (PbDocument  *self,
                                           GFile       *file,
                                           GError     **error);
void         pb_document_set_recovered    (PbDocument  *self,
                                           GFile       *original);
GFile       *pb_document_get_file         (PbDocument  *self);
char        *pb_document_dup_title        (PbDocument  *self);
void         pb_document_set_title        (PbDocument  *self,
                                           const char  *title);
gboolean     pb_document_get_modified     (PbDocument  *self);

GListModel  *pb_document_get_nodes        (PbDocument  *self);
GListModel  *pb_document_get_links        (PbDocument  *self);
PbNode      *pb_document_find_node        (PbDocument  *self,
                                           pb_addr      process);
PbNode      *pb_document_find_named       (PbDocument  *self,
                                           const char  *name);
PbLink      *pb_document_find_link        (PbDocument  *self,
                                           pb_addr      port);
PbUndoStack *pb_document_get_undo_stack   (PbDocument  *self);

gboolean     pb_document_execute          (PbDocument  *self,
                                           PbCommand   *command,
                                           GError     **error);
gboolean     pb_document_undo             (PbDocument  *self,
                                           GError     **error);
gboolean     pb_document_redo             (PbDocument  *self,
                                           GError     **error);

char        *pb_document_dup_free_name    (PbDocument  *self,
                                           const char  *base,
                                           GHashTable  *taken);
gboolean     pb_document_reserve_addresses (PbDocument *self,
                                           guint        n,
                                           pb_addr     *addresses);
PbNode      *pb_document_add_node         (PbDocument  *self,
                                           const char  *kind,
                                           double       x,
                                           double       y,
                                           GError     **error);
gboolean     pb_document_check_link       (PbDocument  *self,
                                           pb_addr      a,
                                           pb_addr      b,
                                           GError     **error);
gboolean     pb_document_connect          (PbDocument  *self,
                                           pb_addr      a,
                                           pb_addr      b,
                                           GError     **error);
gboolean     pb_document_delete           (PbDocument  *self,
                                           GPtrArray   *nodes,
                                           GPtrArray   *links,
                                           GError     **error);
gboolean     pb_document_set_param        (PbDocument  *self,
                                           PbNode      *node,
                                           const char  *key,
                                           const char  *value,
                                           GError     **error);
gboolean     pb_document_rename           (PbDocument  *self,
                                           PbNode      *node,
                                           const char  *name,
                                           GError     **error);
gboolean     pb_document_set_bypass       (PbDocument  *self,
                                           GPtrArray   *nodes,
                                           gboolean     bypass,
                                           GError     **error);
gboolean     pb_document_set_link_flags   (PbDocument  *self,
                                           PbLink      *link,
                                           guint32      flags,
                                           GError     **error);
void         pb_document_moved            (PbDocument  *self,
                                           GPtrArray   *nodes,
                                           double       dx,
                                           double       dy);

PbRunState   pb_document_get_run_state    (PbDocument  *self);
gboolean     pb_document_run              (PbDocument  *self,
                                           GError     **error);
void         pb_document_pause            (PbDocument  *self);
void         pb_document_stop             (PbDocument  *self);
gboolean     pb_document_restart          (PbDocument  *self,
                                           GError     **error);
void         pb_document_refresh_status   (PbDocument  *self);
char        *pb_document_dup_chain_source (PbDocument  *self,
                                           pb_addr      process,
                                           char       **chain);
gboolean     pb_document_sync             (PbDocument  *self,
                                           guint        timeout_ms);
char        *pb_document_dup_graph_text   (PbDocument  *self);

/* In pb-document-frames.c: frames around processes. */
GListModel  *pb_document_get_frames       (PbDocument  *self);
guint        pb_document_get_next_frame_id (PbDocument *self);
PbFrame     *pb_document_get_frame_of     (PbDocument  *self,
                                           pb_addr      process);
PbFrame     *pb_document_add_frame        (PbDocument  *self,
                                           GPtrArray   *nodes,
                                           const char  *title,
                                           GError     **error);
gboolean     pb_document_remove_frame     (PbDocument  *self,
                                           PbFrame     *frame,
                                           GError     **error);
gboolean     pb_document_edit_frame       (PbDocument  *self,
                                           PbFrame     *frame,
                                           const char  *title,
                                           const char  *color,
                                           const char  *note,
                                           int          collapsed,
                                           GError     **error);

/* In pb-document-probes.c: what crosses the links a person watches. */
void         pb_document_watch_link       (PbDocument  *self,
                                           PbLink      *link);
void         pb_document_unwatch_link     (PbDocument  *self,
                                           PbLink      *link);
gboolean     pb_document_is_watched       (PbDocument  *self,
                                           PbLink      *link);

/* In pb-document-tools.c: edits that rewire. */
char       **pb_document_dup_joinable_kinds (PbDocument *self,
                                           pb_addr      from);
PbNode      *pb_document_quick_add        (PbDocument  *self,
                                           pb_addr      from,
                                           const char  *kind,
                                           double       x,
                                           double       y,
                                           GError     **error);
gboolean     pb_document_insert_on_link   (PbDocument  *self,
                                           PbNode      *node,
                                           PbLink      *link,
                                           double       old_x,
                                           double       old_y,
                                           GError     **error);
gboolean     pb_document_delete_reconnect (PbDocument  *self,
                                           PbNode      *node,
                                           GError     **error);
gboolean     pb_document_check_relink     (PbDocument  *self,
                                           PbLink      *link,
                                           pb_addr      keep,
                                           pb_addr      to,
                                           GError     **error);
gboolean     pb_document_relink           (PbDocument  *self,
                                           PbLink      *link,
                                           pb_addr      keep,
                                           pb_addr      to,
                                           GError     **error);
/* In pb-document-pipeline.c: pipeline text in and out. */
/* A node's size for placing new ones, before any view has measured it:
 * about what the canvas draws for a node of a few ports. */
#define PB_DOCUMENT_NODE_WIDTH 190.0
#define PB_DOCUMENT_NODE_HEIGHT 96.0

void         pb_document_find_free_place  (PbDocument  *self,
                                           double       width,
                                           double       height,
                                           double      *x,
                                           double      *y);
GPtrArray   *pb_document_add_pipeline     (PbDocument  *self,
                                           const char  *text,
                                           double       x,
                                           double       y,
                                           GError     **error);
char        *pb_document_dup_pipeline_text (PbDocument *self,
                                           GPtrArray   *nodes,
                                           GError     **error);

/* In pb-document-arrange.c: moving several nodes as one step. */
/**
 * PbAlign:
 * @PB_ALIGN_LEFT: left edges on the leftmost
 * @PB_ALIGN_RIGHT: right edges on the rightmost
 * @PB_ALIGN_TOP: top edges on the topmost
 * @PB_ALIGN_BOTTOM: bottom edges on the lowest
 * @PB_ALIGN_CENTER_X: centres in a column: on one vertical line, the
 *   middle of them all
 * @PB_ALIGN_CENTER_Y: centres in a row: on one horizontal line
 */
typedef enum
{
  PB_ALIGN_LEFT,
  PB_ALIGN_RIGHT,
  PB_ALIGN_TOP,
  PB_ALIGN_BOTTOM,
  PB_ALIGN_CENTER_X,
  PB_ALIGN_CENTER_Y,
} PbAlign;

gboolean     pb_document_move_nodes       (PbDocument  *self,
                                           GPtrArray   *nodes,
                                           const double *positions,
                                           const char  *label,
                                           GError     **error);
gboolean     pb_document_arrange          (PbDocument  *self,
                                           GPtrArray   *nodes,
                                           const double *sizes,
                                           GError     **error);
gboolean     pb_document_align            (PbDocument  *self,
                                           GPtrArray   *nodes,
                                           const double *sizes,
                                           PbAlign      how,
                                           GError     **error);
gboolean     pb_document_distribute       (PbDocument  *self,
                                           GPtrArray   *nodes,
                                           const double *sizes,
                                           gboolean     vertically,
                                           GError     **error);
GListModel  *pb_document_get_runs         (PbDocument  *self);
PbRecordedRun *pb_document_record_run     (PbDocument  *self,
                                           GError     **error);
char        *pb_document_dup_stats_json   (PbDocument  *self);

G_END_DECLS
