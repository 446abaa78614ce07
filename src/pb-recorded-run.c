/* pb-recorded-run.c — one run's counters, recorded into a document
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What pb_store_record_run() writes and pb_store_run_counters() reads,
 * held as an object so that a list of runs is a GListModel the profiler
 * can offer in its drop-downs. The store owns the strings it returns
 * only until its next call, so a run keeps copies of its own.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-recorded-run.h"
#include "pb-units.h"

struct _PbRecordedRun
{
  GObject            parent_instance;

  gint64             id;
  gint64             started_us;
  guint64            duration_ns;
  pb_store_counters *counters;   /* names and kinds owned, see finalize */
  gsize              n_counters;
};

G_DEFINE_FINAL_TYPE (PbRecordedRun, pb_recorded_run, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * pb_recorded_run_new:
 * @id: its id in the document, or 0 while it is not written yet
 * @started_us: when it started, in microseconds since the Unix epoch
 * @duration_ns: how long it ran
 * @counters: (array length=n_counters): each process's counters, copied
 *
 * Returns: (transfer full): the run
 */
PbRecordedRun *
pb_recorded_run_new (gint64                   id,
                     gint64                   started_us,
                     guint64                  duration_ns,
                     const pb_store_counters *counters,
                     gsize                    n_counters)
{
  PbRecordedRun *self = g_object_new (PB_TYPE_RECORDED_RUN, NULL);

  self->id = id;
  self->started_us = started_us;
  self->duration_ns = duration_ns;
  self->n_counters = n_counters;
  self->counters = g_new0 (pb_store_counters, n_counters + 1);
  for (gsize i = 0; i < n_counters; i++)
    {
      self->counters[i] = counters[i];
      self->counters[i].name = g_strdup (counters[i].name);
      self->counters[i].kind = g_strdup (counters[i].kind);
    }
  return self;
}

gint64
pb_recorded_run_get_id (PbRecordedRun *self)
{
  g_return_val_if_fail (PB_IS_RECORDED_RUN (self), 0);
  return self->id;
}

/**
 * pb_recorded_run_set_id:
 * @id: the id the document gave it when it was written
 */
void
pb_recorded_run_set_id (PbRecordedRun *self,
                        gint64         id)
{
  g_return_if_fail (PB_IS_RECORDED_RUN (self));

  if (self->id == id)
    return;
  self->id = id;
  /* A run saved with its document is "Run 2" from now on. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

gint64
pb_recorded_run_get_started (PbRecordedRun *self)
{
  g_return_val_if_fail (PB_IS_RECORDED_RUN (self), 0);
  return self->started_us;
}

guint64
pb_recorded_run_get_duration (PbRecordedRun *self)
{
  g_return_val_if_fail (PB_IS_RECORDED_RUN (self), 0);
  return self->duration_ns;
}

/**
 * pb_recorded_run_get_counters:
 * @n_counters: (out): how many there are
 *
 * Returns: (transfer none) (array length=n_counters): every process's
 *   counters, owned by the run
 */
const pb_store_counters *
pb_recorded_run_get_counters (PbRecordedRun *self,
                              gsize         *n_counters)
{
  g_return_val_if_fail (PB_IS_RECORDED_RUN (self), NULL);
  *n_counters = self->n_counters;
  return self->counters;
}

/**
 * pb_recorded_run_find:
 * @process: a process
 *
 * Returns: (transfer none) (nullable): its counters in this run, or %NULL
 *   if the run had no such process
 */
const pb_store_counters *
pb_recorded_run_find (PbRecordedRun *self,
                      pb_addr        process)
{
  g_return_val_if_fail (PB_IS_RECORDED_RUN (self), NULL);

  for (gsize i = 0; i < self->n_counters; i++)
    if (self->counters[i].process == process)
      return &self->counters[i];
  return NULL;
}

/**
 * pb_recorded_run_dup_label:
 *
 * Returns: (transfer full): what a person picks it by: "Run 2, 18:04:11,
 *   ran 12.0 s"
 */
char *
pb_recorded_run_dup_label (PbRecordedRun *self)
{
  g_autoptr(GDateTime) started = NULL;
  g_autofree char *time = NULL;
  g_autofree char *duration = NULL;

  g_return_val_if_fail (PB_IS_RECORDED_RUN (self), NULL);

  started = g_date_time_new_from_unix_local (self->started_us / G_USEC_PER_SEC);
  time = started != NULL ? g_date_time_format (started, "%X") : g_strdup ("?");
  duration = pb_format_duration ((double) self->duration_ns);
  if (self->id == 0)
    /* Translators: a recorded run not yet saved with the document: its
     * start time, and how long it ran ("18:04:11, ran 12.0 s"). */
    return g_strdup_printf (_("New run, %s, ran %s"), time, duration);
  /* Translators: a recorded run: its number in the document, its start
   * time, and how long it ran ("Run 2, 18:04:11, ran 12.0 s"). */
  return g_strdup_printf (_("Run %d, %s, ran %s"), (int) self->id, time, duration);
}

static void
pb_recorded_run_finalize (GObject *object)
{
  PbRecordedRun *self = PB_RECORDED_RUN (object);

  for (gsize i = 0; i < self->n_counters; i++)
    {
      g_free ((char *) self->counters[i].name);
      g_free ((char *) self->counters[i].kind);
    }
  g_free (self->counters);

  G_OBJECT_CLASS (pb_recorded_run_parent_class)->finalize (object);
}

static void
pb_recorded_run_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PbRecordedRun *self = PB_RECORDED_RUN (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_take_string (value, pb_recorded_run_dup_label (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_recorded_run_class_init (PbRecordedRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pb_recorded_run_finalize;
  object_class->get_property = pb_recorded_run_get_property;

  /* What pb_recorded_run_dup_label() says, for drop-downs to follow. */
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pb_recorded_run_init (PbRecordedRun *self)
{
}
