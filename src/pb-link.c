/* pb-link.c — a connection as the editor shows it
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A PbLink mirrors one link of the graph, oriented as items flow: from an
 * output port (the source) to an input port (the sink), with the link's
 * flags (PB_LINK_BREAK_INLINING). Only the document changes a link.
 */

#include "config.h"

#include "pb-link.h"

struct _PbLink
{
  GObject   parent_instance;

  pb_addr   source;
  pb_addr   sink;
  guint32   flags;
  gboolean  selected;

  double    fill;       /* of its ring, 0 to 1; -1 when it has none */
  double    delay_ns;   /* what its queue adds: items held / rate out */

  /* What its probe saw lately (pb_document_watch_link()), when watched. */
  pb_probe_info *probe;
  gint64         probe_us;
  double         probe_rate;
};

G_DEFINE_FINAL_TYPE (PbLink, pb_link, G_TYPE_OBJECT)

enum {
  FILL_CHANGED,
  PROBE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_SINK,
  PROP_FLAGS,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * pb_link_new:
 * @source: the output port items leave by
 * @sink: the input port they arrive at
 * @flags: the link's flags in the graph
 *
 * Returns: (transfer full): a new link
 */
PbLink *
pb_link_new (pb_addr source,
             pb_addr sink,
             guint32 flags)
{
  PbLink *self = g_object_new (PB_TYPE_LINK, NULL);

  self->source = source;
  self->sink = sink;
  self->flags = flags;
  self->fill = -1;

  return self;
}

/**
 * pb_link_set_queue:
 * @fill: how full the link's ring is, 0 to 1; -1 when the link has no
 *   ring (its two processes are pasted into one chain) or is not running
 * @delay_ns: how long an item waits in the ring: the items held divided
 *   by the rate its reader takes them at
 *
 * Emits #PbLink::queue-changed, not a notification: it changes ten
 * times a second, and views that cache the wires must not redo them.
 */
void
pb_link_set_queue (PbLink *self,
                   double  fill,
                   double  delay_ns)
{
  g_return_if_fail (PB_IS_LINK (self));

  if (self->fill == fill && self->delay_ns == delay_ns)
    return;
  self->fill = fill;
  self->delay_ns = delay_ns;
  g_signal_emit (self, signals[FILL_CHANGED], 0);
}

/**
 * pb_link_get_queue:
 * @delay_ns: (out) (optional): how long an item waits in the ring
 *
 * Returns: how full the ring is, 0 to 1, or -1 for none
 */
double
pb_link_get_queue (PbLink *self,
                   double *delay_ns)
{
  g_return_val_if_fail (PB_IS_LINK (self), -1);

  if (delay_ns != NULL)
    *delay_ns = self->delay_ns;
  return self->fill;
}

/**
 * pb_link_set_probe:
 * @info: (nullable): the latest items its probe saw, or %NULL when it is
 *   not watched or the probe is not live yet
 * @time_us: when @info was taken (g_get_monotonic_time())
 *
 * Keeps a copy of @info, and the rate items crossed at since the last
 * one, and emits #PbLink::probe-changed.
 */
void
pb_link_set_probe (PbLink              *self,
                   const pb_probe_info *info,
                   gint64               time_us)
{
  g_return_if_fail (PB_IS_LINK (self));

  if (info == NULL)
    {
      if (self->probe == NULL)
        return;
      g_clear_pointer (&self->probe, g_free);
      self->probe_rate = 0;
    }
  else
    {
      /* A recompiled chain starts counting again: no rate across it. */
      if (self->probe != NULL && info->seen >= self->probe->seen && time_us > self->probe_us)
        self->probe_rate = (double) (info->seen - self->probe->seen) * G_USEC_PER_SEC
                           / (double) (time_us - self->probe_us);
      else
        self->probe_rate = 0;
      if (self->probe == NULL)
        self->probe = g_new (pb_probe_info, 1);
      *self->probe = *info;
      self->probe_us = time_us;
    }
  g_signal_emit (self, signals[PROBE_CHANGED], 0);
}

/**
 * pb_link_get_probe:
 * @rate: (out) (optional): items per second across the link, lately
 *
 * Returns: (nullable): what its probe saw lately, or %NULL
 */
const pb_probe_info *
pb_link_get_probe (PbLink *self,
                   double *rate)
{
  g_return_val_if_fail (PB_IS_LINK (self), NULL);

  if (rate != NULL)
    *rate = self->probe_rate;
  return self->probe;
}

pb_addr
pb_link_get_source (PbLink *self)
{
  g_return_val_if_fail (PB_IS_LINK (self), 0);
  return self->source;
}

pb_addr
pb_link_get_sink (PbLink *self)
{
  g_return_val_if_fail (PB_IS_LINK (self), 0);
  return self->sink;
}

guint32
pb_link_get_flags (PbLink *self)
{
  g_return_val_if_fail (PB_IS_LINK (self), 0);
  return self->flags;
}

void
pb_link_set_flags (PbLink  *self,
                   guint32  flags)
{
  g_return_if_fail (PB_IS_LINK (self));

  if (self->flags == flags)
    return;
  self->flags = flags;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLAGS]);
}

gboolean
pb_link_get_selected (PbLink *self)
{
  g_return_val_if_fail (PB_IS_LINK (self), FALSE);
  return self->selected;
}

/**
 * pb_link_set_selected:
 *
 * Selection is view state: it is neither saved nor undone.
 */
void
pb_link_set_selected (PbLink   *self,
                      gboolean  selected)
{
  g_return_if_fail (PB_IS_LINK (self));

  selected = !!selected;
  if (self->selected == selected)
    return;
  self->selected = selected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
pb_link_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  PbLink *self = PB_LINK (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_uint64 (value, self->source);
      break;
    case PROP_SINK:
      g_value_set_uint64 (value, self->sink);
      break;
    case PROP_FLAGS:
      g_value_set_uint (value, self->flags);
      break;
    case PROP_SELECTED:
      g_value_set_boolean (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_link_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  PbLink *self = PB_LINK (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      pb_link_set_selected (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_link_finalize (GObject *object)
{
  PbLink *self = PB_LINK (object);

  g_free (self->probe);
  G_OBJECT_CLASS (pb_link_parent_class)->finalize (object);
}

static void
pb_link_class_init (PbLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pb_link_finalize;
  object_class->get_property = pb_link_get_property;
  object_class->set_property = pb_link_set_property;

  properties[PROP_SOURCE] =
    g_param_spec_uint64 ("source", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SINK] =
    g_param_spec_uint64 ("sink", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLAGS] =
    g_param_spec_uint ("flags", NULL, NULL, 0, G_MAXUINT32, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED] =
    g_param_spec_boolean ("selected", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PbLink::queue-changed:
   *
   * The fill of the link's ring, or the delay it adds, changed.
   */
  signals[FILL_CHANGED] =
    g_signal_new ("queue-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * PbLink::probe-changed:
   *
   * What its probe saw changed: see pb_link_get_probe().
   */
  signals[PROBE_CHANGED] =
    g_signal_new ("probe-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
pb_link_init (PbLink *self)
{
}
