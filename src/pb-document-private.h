/* pb-document-private.h — what the document's files share (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <pushback/runner.h>
#include <pushback/store.h>

#include "pb-document.h"
#include "pb-rates.h"

G_BEGIN_DECLS

struct _PbDocument
{
  GObject      parent_instance;

  pb_runner   *runner;
  GFile       *file;
  char        *title;
  PbRunState   run_state;

  GListStore  *nodes;
  GListStore  *links;
  GHashTable  *node_by_addr;   /* pb_addr (process) -> PbNode */
  GHashTable  *link_by_port;   /* pb_addr (either end) -> PbLink */
  GListStore  *frames;
  GHashTable  *frame_of;       /* pb_addr (process) -> PbFrame */
  guint        next_frame_id;
  PbUndoStack *undo_stack;

  guint        status_source;
  PbRateTracker *rates;
  GHashTable  *watched;        /* PbLink -> how many views watch it */

  /* Recorded runs (pb-document-runs.c): read from the file on first
   * use; runs recorded before the document has a file wait in it for
   * the first save. */
  GListStore  *runs;
  gboolean     runs_loaded;
  gint64       run_started_us;   /* wall clock, when the run started */
  guint64      run_started_ns;   /* CLOCK_MONOTONIC, likewise */
};

/* Addresses are 64-bit; GHashTable keys are pointers, which on the 64-bit
 * machines we build for hold one exactly. */
G_STATIC_ASSERT (sizeof (gpointer) >= sizeof (pb_addr));
#define ADDR_KEY(a) ((gpointer) (guintptr) (a))

/* In pb-document-frames.c. */
int  _pb_document_apply_frame        (PbDocument         *self,
                                      const PbOp         *op,
                                      pb_error           *err);
void _pb_document_complete_frames    (PbDocument         *self,
                                      PbCommand          *command);
void _pb_document_load_frames        (PbDocument         *self,
                                      const pb_store_doc *doc);
pb_store_frame *_pb_document_dup_store_frames (PbDocument *self,
                                      size_t             *n_frames);

/* In pb-document-probes.c. */
void _pb_document_refresh_probes     (PbDocument        *self,
                                      const pb_snapshot *snap);

/* In pb-document.c. */
void _pb_document_refresh_port_types (PbDocument     *self,
                                      const pb_graph *graph);
void _pb_document_emit_changed       (PbDocument     *self);
void _pb_document_notify             (PbDocument     *self,
                                      const char     *property);
void _pb_document_emit_counters      (PbDocument        *self,
                                      const pb_snapshot *snapshot);

/* In pb-document-runs.c. */
int  _pb_document_write_pending_runs (PbDocument     *self,
                                      pb_store       *store,
                                      gboolean        all,
                                      pb_error       *err);

G_END_DECLS
