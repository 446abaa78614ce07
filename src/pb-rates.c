/* pb-rates.c — live rates from the runtime's counter snapshots
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The runtime counts what each process did since it started; people want
 * to know what it does now. The tracker keeps each process's counters of
 * the previous snapshot and turns the difference into rates over the
 * time between the two, smoothed so that ten updates a second read as a
 * steady figure rather than flicker: an exponential average whose weight
 * follows the interval, so that the figure settles in about a second
 * whatever the update rate.
 */

#include "config.h"

#include <math.h>

#include "pb-rates.h"

/* How long the smoothing takes to forget, in seconds. */
#define SETTLE_SECONDS 0.7

typedef struct
{
  uint64_t items_in;
  uint64_t items_out;
  uint64_t busy_ns;
  PbRates  rates;
  gboolean has_rates;
  gboolean has_share;   /* a share was measured: blend from it */
  gboolean seen;
} Entry;

struct _PbRateTracker
{
  GHashTable *entries;   /* pb_addr -> Entry */
  uint64_t    time_ns;   /* of the previous snapshot; 0 before the first */
};

#define ADDR_KEY(a) ((gpointer) (guintptr) (a))

/**
 * pb_rate_tracker_new:
 *
 * Returns: (transfer full): a tracker that has seen no snapshot
 */
PbRateTracker *
pb_rate_tracker_new (void)
{
  PbRateTracker *self = g_new0 (PbRateTracker, 1);

  self->entries = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  return self;
}

void
pb_rate_tracker_free (PbRateTracker *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->entries);
  g_free (self);
}

/**
 * pb_rate_tracker_reset:
 *
 * Forgets every counter: for a run that starts again from zero.
 */
void
pb_rate_tracker_reset (PbRateTracker *self)
{
  g_hash_table_remove_all (self->entries);
  self->time_ns = 0;
}

static double
delta (uint64_t now,
       uint64_t before)
{
  /* A counter that went back means a new run: count from zero. */
  return now >= before ? (double) (now - before) : (double) now;
}

/**
 * pb_rate_tracker_update:
 * @snapshot: the runtime's latest counters
 *
 * Takes a new snapshot into account. Processes not in it are forgotten.
 */
void
pb_rate_tracker_update (PbRateTracker     *self,
                        const pb_snapshot *snapshot)
{
  uint64_t now = pb_snapshot_time_ns (snapshot);
  size_t n = pb_snapshot_n_processes (snapshot);
  double seconds = self->time_ns != 0 && now > self->time_ns ? (now - self->time_ns) / 1e9 : 0;
  double weight = seconds > 0 ? 1 - exp (-seconds / SETTLE_SECONDS) : 1;
  double busy_total = 0;
  g_autofree double *busy = g_new0 (double, n + 1);
  GHashTableIter iter;
  Entry *entry;

  if (self->time_ns != 0 && now <= self->time_ns)
    return;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    entry->seen = FALSE;

  for (size_t i = 0; i < n; i++)
    {
      pb_process_info info;

      if (pb_snapshot_process (snapshot, i, &info) != PB_OK)
        continue;
      entry = g_hash_table_lookup (self->entries, ADDR_KEY (info.process));
      if (entry != NULL && seconds > 0)
        busy[i] = delta (info.busy_ns, entry->busy_ns);
      busy_total += busy[i];
    }

  for (size_t i = 0; i < n; i++)
    {
      pb_process_info info;
      PbRates now_rates = { 0 };
      double items;

      if (pb_snapshot_process (snapshot, i, &info) != PB_OK)
        continue;
      entry = g_hash_table_lookup (self->entries, ADDR_KEY (info.process));
      if (entry == NULL)
        {
          entry = g_new0 (Entry, 1);
          g_hash_table_insert (self->entries, ADDR_KEY (info.process), entry);
        }
      else if (seconds > 0)
        {
          now_rates.rate_in = delta (info.items_in, entry->items_in) / seconds;
          now_rates.rate_out = delta (info.items_out, entry->items_out) / seconds;
          items = delta (info.items_in, entry->items_in);
          if (items == 0)
            items = delta (info.items_out, entry->items_out);
          now_rates.ns_per_item = items > 0 ? busy[i] / items : 0;
          now_rates.share = busy_total > 0 ? busy[i] / busy_total : 0;

          /* The first interval is taken as it is, not blended with
           * zero, so that the shares add up to one from the start. */
          if (!entry->has_rates)
            {
              entry->rates = now_rates;
              entry->has_rates = TRUE;
            }
          entry->rates.rate_in += weight * (now_rates.rate_in - entry->rates.rate_in);
          entry->rates.rate_out += weight * (now_rates.rate_out - entry->rates.rate_out);
          /* An interval with no busy time measured (counters are
           * sampled, and a loaded machine may run few calls in one)
           * says nothing of the shares: blended, it would pull them all
           * towards zero, and they would no longer add up to one. The
           * first that measures some is taken as it is, as above: when
           * the first intervals measured none, blending from their zero
           * left the shares adding up to less than one for seconds. */
          if (busy_total > 0 && !entry->has_share)
            {
              entry->rates.share = now_rates.share;
              entry->has_share = TRUE;
            }
          else if (busy_total > 0)
            entry->rates.share += weight * (now_rates.share - entry->rates.share);
          /* Time per item means nothing while nothing moves: keep the
           * last figure rather than decay it to zero. */
          if (items > 0)
            entry->rates.ns_per_item = entry->rates.ns_per_item == 0
              ? now_rates.ns_per_item
              : entry->rates.ns_per_item + weight * (now_rates.ns_per_item - entry->rates.ns_per_item);
        }
      entry->items_in = info.items_in;
      entry->items_out = info.items_out;
      entry->busy_ns = info.busy_ns;
      entry->seen = TRUE;
    }

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (!entry->seen)
      g_hash_table_iter_remove (&iter);

  self->time_ns = now;
}

/**
 * pb_rate_tracker_lookup:
 * @process: a process
 * @rates: (out caller-allocates): its rates
 *
 * Returns: whether the latest snapshot had @process
 */
gboolean
pb_rate_tracker_lookup (PbRateTracker *self,
                        pb_addr        process,
                        PbRates       *rates)
{
  Entry *entry = g_hash_table_lookup (self->entries, ADDR_KEY (pb_addr_process_of (process)));

  if (entry == NULL)
    return FALSE;
  *rates = entry->rates;
  return TRUE;
}
