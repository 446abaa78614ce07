/* pb-recorded-run.h — one run's counters, recorded into a document
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include <pushback/store.h>

#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_RECORDED_RUN (pb_recorded_run_get_type ())

G_DECLARE_FINAL_TYPE (PbRecordedRun, pb_recorded_run, PB, RECORDED_RUN, GObject)

PbRecordedRun           *pb_recorded_run_new          (gint64                   id,
                                                       gint64                   started_us,
                                                       guint64                  duration_ns,
                                                       const pb_store_counters *counters,
                                                       gsize                    n_counters);
gint64                   pb_recorded_run_get_id       (PbRecordedRun           *self);
void                     pb_recorded_run_set_id       (PbRecordedRun           *self,
                                                       gint64                   id);
gint64                   pb_recorded_run_get_started  (PbRecordedRun           *self);
guint64                  pb_recorded_run_get_duration (PbRecordedRun           *self);
const pb_store_counters *pb_recorded_run_get_counters (PbRecordedRun           *self,
                                                       gsize                   *n_counters);
const pb_store_counters *pb_recorded_run_find         (PbRecordedRun           *self,
                                                       pb_addr                  process);
char                    *pb_recorded_run_dup_label    (PbRecordedRun           *self);

G_END_DECLS
