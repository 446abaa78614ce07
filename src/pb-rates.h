/* pb-rates.h — live rates from the runtime's counter snapshots
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include <pushback/runner.h>

G_BEGIN_DECLS

/**
 * PbRates:
 * @rate_in: items taken per second
 * @rate_out: items given per second
 * @ns_per_item: busy time per item it handled (taken, or given by a
 *   source); 0 while it handles none
 * @share: its share of the busy time of every process, 0 to 1
 *
 * One process's rates over the latest interval, smoothed.
 */
typedef struct
{
  double rate_in;
  double rate_out;
  double ns_per_item;
  double share;
} PbRates;

typedef struct _PbRateTracker PbRateTracker;

PbRateTracker *pb_rate_tracker_new    (void);
void           pb_rate_tracker_free   (PbRateTracker     *self);
void           pb_rate_tracker_update (PbRateTracker     *self,
                                       const pb_snapshot *snapshot);
gboolean       pb_rate_tracker_lookup (PbRateTracker     *self,
                                       pb_addr            process,
                                       PbRates           *rates);
void           pb_rate_tracker_reset  (PbRateTracker     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbRateTracker, pb_rate_tracker_free)

G_END_DECLS
