/* pb-profiler-row.c — one process in the profiler's table
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row holds the figures its columns show and sort by, as properties:
 * the column view's sorters read them through property expressions, and
 * the cells follow their notifications. Counters change ten times a
 * second on a thousand rows while a screen shows some twenty: a row
 * notifies only while a cell shows it (pb_profiler_row_watch()), and
 * only what changed. The sorters read the fields directly. The row also keeps the last minute
 * of its load (busy time per second), one sample a second, for its
 * sparkline; "samples"
 * counts the samples taken, so a sparkline redraws once a second.
 */

#include "config.h"

#include "pb-profiler-row.h"

struct _PbProfilerRow
{
  GObject  parent_instance;

  PbNode  *node;
  char    *name;
  guint64  calls;
  guint64  busy_ns;
  double   share;
  double   rate;
  double   ns_per_item;

  double   history[PB_PROFILER_HISTORY];   /* a ring, oldest at next */
  guint    next;
  guint    n_samples;
  guint64  sample_time_ns;   /* of the previous sample; 0 before it */
  guint64  sample_busy_ns;
  guint    watchers;         /* cells showing the row */
};

G_DEFINE_FINAL_TYPE (PbProfilerRow, pb_profiler_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NODE,
  PROP_NAME,
  PROP_KIND,
  PROP_CALLS,
  PROP_BUSY_NS,
  PROP_SHARE,
  PROP_RATE,
  PROP_NS_PER_ITEM,
  PROP_SAMPLES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * pb_profiler_row_new:
 * @node: the process the row stands for
 *
 * Returns: (transfer full): a row with no counters yet
 */
PbProfilerRow *
pb_profiler_row_new (PbNode *node)
{
  g_return_val_if_fail (PB_IS_NODE (node), NULL);
  return g_object_new (PB_TYPE_PROFILER_ROW, "node", node, NULL);
}

/** pb_profiler_row_get_node: Returns: (transfer none): its process */
PbNode *
pb_profiler_row_get_node (PbProfilerRow *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_ROW (self), NULL);
  return self->node;
}

const char *
pb_profiler_row_get_name (PbProfilerRow *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_ROW (self), NULL);
  return self->name != NULL ? self->name : "";
}

const char *
pb_profiler_row_get_kind (PbProfilerRow *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_ROW (self), NULL);
  return pb_node_get_kind_name (self->node);
}

guint64
pb_profiler_row_get_calls (PbProfilerRow *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_ROW (self), 0);
  return self->calls;
}

guint64
pb_profiler_row_get_busy_ns (PbProfilerRow *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_ROW (self), 0);
  return self->busy_ns;
}

double
pb_profiler_row_get_share (PbProfilerRow *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_ROW (self), 0);
  return self->share;
}

double
pb_profiler_row_get_rate (PbProfilerRow *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_ROW (self), 0);
  return self->rate;
}

double
pb_profiler_row_get_ns_per_item (PbProfilerRow *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_ROW (self), 0);
  return self->ns_per_item;
}

static void
sync_name (PbProfilerRow *self)
{
  const char *name = pb_node_get_name (self->node);

  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

#define SET(field, prop, value)                                          \
  G_STMT_START {                                                         \
    if (self->field != (value))                                          \
      {                                                                  \
        self->field = (value);                                           \
        if (self->watchers > 0)                                          \
          g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);  \
      }                                                                  \
  } G_STMT_END

/**
 * pb_profiler_row_update:
 * @info: (nullable): the process's counters in the latest snapshot, or
 *   %NULL when it has none (not running)
 * @rates: (nullable): its smoothed rates, or %NULL while it moves nothing
 *
 * Brings the row in line with the latest counters; only what changed is
 * notified.
 */
void
pb_profiler_row_update (PbProfilerRow         *self,
                        const pb_process_info *info,
                        const PbRates         *rates)
{
  g_return_if_fail (PB_IS_PROFILER_ROW (self));

  sync_name (self);
  SET (calls, PROP_CALLS, info != NULL ? info->calls : 0);
  SET (busy_ns, PROP_BUSY_NS, info != NULL ? info->busy_ns : 0);
  SET (share, PROP_SHARE, rates != NULL ? rates->share : 0);
  SET (rate, PROP_RATE, rates != NULL ? MAX (rates->rate_in, rates->rate_out) : 0);
  SET (ns_per_item, PROP_NS_PER_ITEM, rates != NULL ? rates->ns_per_item : 0);
}

#undef SET

/**
 * pb_profiler_row_take_sample:
 * @busy_ns: the process's busy time in all, now
 * @time_ns: when @busy_ns was counted
 *
 * Adds to the last minute the share of wall time the process was busy
 * since the previous sample (0 to 1, more on several threads); the
 * oldest sample goes. The first call only starts counting.
 */
void
pb_profiler_row_take_sample (PbProfilerRow *self,
                             guint64        busy_ns,
                             guint64        time_ns)
{
  double load;

  g_return_if_fail (PB_IS_PROFILER_ROW (self));

  if (self->sample_time_ns != 0 && time_ns > self->sample_time_ns)
    {
      /* A counter that went back means a new run: count from zero. */
      guint64 busy = busy_ns >= self->sample_busy_ns ? busy_ns - self->sample_busy_ns : busy_ns;

      load = (double) busy / (double) (time_ns - self->sample_time_ns);
      self->history[self->next] = load;
      self->next = (self->next + 1) % PB_PROFILER_HISTORY;
      self->n_samples++;
      if (self->watchers > 0)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAMPLES]);
    }
  self->sample_time_ns = time_ns;
  self->sample_busy_ns = busy_ns;
}

/**
 * pb_profiler_row_watch:
 * @watch: %TRUE when a cell starts to show the row, %FALSE when it stops
 *
 * Counts the cells that show the row: only a row that is shown notifies
 * its properties as its figures change. Read the getters for the others.
 */
void
pb_profiler_row_watch (PbProfilerRow *self,
                       gboolean       watch)
{
  g_return_if_fail (PB_IS_PROFILER_ROW (self));
  g_return_if_fail (watch || self->watchers > 0);

  self->watchers += watch ? 1 : -1;
}

/**
 * pb_profiler_row_copy_history:
 * @samples: (out caller-allocates) (array fixed-size=60): the samples,
 *   oldest first
 *
 * Returns: how many samples it copied, at most PB_PROFILER_HISTORY
 */
guint
pb_profiler_row_copy_history (PbProfilerRow *self,
                              double        *samples)
{
  guint n;
  guint first;

  g_return_val_if_fail (PB_IS_PROFILER_ROW (self), 0);

  n = MIN (self->n_samples, PB_PROFILER_HISTORY);
  first = (self->next + PB_PROFILER_HISTORY - n) % PB_PROFILER_HISTORY;
  for (guint i = 0; i < n; i++)
    samples[i] = self->history[(first + i) % PB_PROFILER_HISTORY];
  return n;
}

static void
pb_profiler_row_dispose (GObject *object)
{
  PbProfilerRow *self = PB_PROFILER_ROW (object);

  g_clear_object (&self->node);

  G_OBJECT_CLASS (pb_profiler_row_parent_class)->dispose (object);
}

static void
pb_profiler_row_finalize (GObject *object)
{
  PbProfilerRow *self = PB_PROFILER_ROW (object);

  g_free (self->name);

  G_OBJECT_CLASS (pb_profiler_row_parent_class)->finalize (object);
}

static void
pb_profiler_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PbProfilerRow *self = PB_PROFILER_ROW (object);

  switch (prop_id)
    {
    case PROP_NODE:
      g_value_set_object (value, self->node);
      break;
    case PROP_NAME:
      g_value_set_string (value, pb_profiler_row_get_name (self));
      break;
    case PROP_KIND:
      g_value_set_string (value, pb_profiler_row_get_kind (self));
      break;
    case PROP_CALLS:
      g_value_set_uint64 (value, self->calls);
      break;
    case PROP_BUSY_NS:
      g_value_set_uint64 (value, self->busy_ns);
      break;
    case PROP_SHARE:
      g_value_set_double (value, self->share);
      break;
    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;
    case PROP_NS_PER_ITEM:
      g_value_set_double (value, self->ns_per_item);
      break;
    case PROP_SAMPLES:
      g_value_set_uint (value, self->n_samples);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_profiler_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PbProfilerRow *self = PB_PROFILER_ROW (object);

  switch (prop_id)
    {
    case PROP_NODE:
      self->node = g_value_dup_object (value);
      sync_name (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_profiler_row_class_init (PbProfilerRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = pb_profiler_row_dispose;
  object_class->finalize = pb_profiler_row_finalize;
  object_class->get_property = pb_profiler_row_get_property;
  object_class->set_property = pb_profiler_row_set_property;

  properties[PROP_NODE] =
    g_param_spec_object ("node", NULL, NULL, PB_TYPE_NODE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, ro);
  properties[PROP_CALLS] = g_param_spec_uint64 ("calls", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_BUSY_NS] = g_param_spec_uint64 ("busy-ns", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_SHARE] = g_param_spec_double ("share", NULL, NULL, 0, 1, 0, ro);
  properties[PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_NS_PER_ITEM] = g_param_spec_double ("ns-per-item", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_SAMPLES] = g_param_spec_uint ("samples", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pb_profiler_row_init (PbProfilerRow *self)
{
}
