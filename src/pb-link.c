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
};

G_DEFINE_FINAL_TYPE (PbLink, pb_link, G_TYPE_OBJECT)

enum {
  FILL_CHANGED,
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
pb_link_class_init (PbLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

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
}

static void
pb_link_init (PbLink *self)
{
}
