/* pb-port.c — one socket of a node: a port of a process
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A PbPort is what the views know of a port: its 64-bit address, the role
 * its kind gives it ("in", "out[1]"), its direction, the item types it
 * takes, and the port it is joined to. It is a plain value that the
 * document keeps up to date; the runtime's graph stays the truth.
 */

#include "config.h"

#include "pb-port.h"

struct _PbPort
{
  GObject      parent_instance;

  pb_addr      address;
  char        *role;
  pb_port_dir  direction;
  char        *types;
  pb_item_type item_type;
  pb_addr      peer;
  gboolean     present;
};

G_DEFINE_FINAL_TYPE (PbPort, pb_port, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_ROLE,
  PROP_DIRECTION,
  PROP_TYPES,
  PROP_PEER,
  PROP_ITEM_TYPE,
  PROP_PRESENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * pb_port_new:
 * @address: the port's address (host, process and port bits)
 * @role: its role as people write it: "in", "out[2]"
 * @direction: whether items flow in or out
 * @types: the item types it takes, as the kind says: "i64|f64", "any"
 *
 * Returns: (transfer full): a new, unconnected port
 */
PbPort *
pb_port_new (pb_addr      address,
             const char  *role,
             pb_port_dir  direction,
             const char  *types)
{
  PbPort *self = g_object_new (PB_TYPE_PORT, NULL);

  self->address = address;
  self->role = g_strdup (role);
  self->direction = direction;
  self->types = g_strdup (types);
  self->item_type = pb_item_type_parse (types);
  self->present = TRUE;

  return self;
}

pb_addr
pb_port_get_address (PbPort *self)
{
  g_return_val_if_fail (PB_IS_PORT (self), 0);
  return self->address;
}

const char *
pb_port_get_role (PbPort *self)
{
  g_return_val_if_fail (PB_IS_PORT (self), NULL);
  return self->role;
}

pb_port_dir
pb_port_get_direction (PbPort *self)
{
  g_return_val_if_fail (PB_IS_PORT (self), PB_PORT_IN);
  return self->direction;
}

const char *
pb_port_get_types (PbPort *self)
{
  g_return_val_if_fail (PB_IS_PORT (self), NULL);
  return self->types;
}

/**
 * pb_port_get_item_type:
 *
 * Returns: the one item type the port carries, as the runtime infers it
 *   from the kind, the parameters and the links; PB_ITEM_NONE while
 *   several are possible (a `map` joined to nothing yet)
 */
pb_item_type
pb_port_get_item_type (PbPort *self)
{
  g_return_val_if_fail (PB_IS_PORT (self), PB_ITEM_NONE);
  return self->item_type;
}

/**
 * pb_port_set_item_type:
 *
 * For the document, which asks the runtime what each port carries after
 * every edit.
 */
void
pb_port_set_item_type (PbPort       *self,
                       pb_item_type  type)
{
  g_return_if_fail (PB_IS_PORT (self));

  if (self->item_type == type)
    return;
  self->item_type = type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM_TYPE]);
}

/**
 * pb_port_get_peer:
 *
 * Returns: the address of the port this one is joined to, or 0
 */
pb_addr
pb_port_get_peer (PbPort *self)
{
  g_return_val_if_fail (PB_IS_PORT (self), 0);
  return self->peer;
}

/**
 * pb_port_set_peer:
 * @peer: the port joined to this one, or 0 when it is left unconnected
 *
 * For the document, which mirrors the graph's links here.
 */
void
pb_port_set_peer (PbPort  *self,
                  pb_addr  peer)
{
  g_return_if_fail (PB_IS_PORT (self));

  if (self->peer == peer)
    return;
  self->peer = peer;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER]);
}

/**
 * pb_port_get_present:
 *
 * Returns: whether the process has this port as its parameters stand: a
 *   `c` process with out=none has no output, though its kind has one
 */
gboolean
pb_port_get_present (PbPort *self)
{
  g_return_val_if_fail (PB_IS_PORT (self), FALSE);
  return self->present;
}

/**
 * pb_port_set_present:
 *
 * For the document, which asks the runtime after every edit.
 */
void
pb_port_set_present (PbPort   *self,
                     gboolean  present)
{
  g_return_if_fail (PB_IS_PORT (self));

  present = !!present;
  if (self->present == present)
    return;
  self->present = present;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENT]);
}

static void
pb_port_finalize (GObject *object)
{
  PbPort *self = PB_PORT (object);

  g_free (self->role);
  g_free (self->types);

  G_OBJECT_CLASS (pb_port_parent_class)->finalize (object);
}

static void
pb_port_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  PbPort *self = PB_PORT (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_uint64 (value, self->address);
      break;
    case PROP_ROLE:
      g_value_set_string (value, self->role);
      break;
    case PROP_DIRECTION:
      g_value_set_int (value, self->direction);
      break;
    case PROP_TYPES:
      g_value_set_string (value, self->types);
      break;
    case PROP_PEER:
      g_value_set_uint64 (value, self->peer);
      break;
    case PROP_ITEM_TYPE:
      g_value_set_int (value, self->item_type);
      break;
    case PROP_PRESENT:
      g_value_set_boolean (value, self->present);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_port_class_init (PbPortClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pb_port_finalize;
  object_class->get_property = pb_port_get_property;

  properties[PROP_ADDRESS] =
    g_param_spec_uint64 ("address", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE] =
    g_param_spec_string ("role", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIRECTION] =
    g_param_spec_int ("direction", NULL, NULL, PB_PORT_IN, PB_PORT_OUT, PB_PORT_IN,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TYPES] =
    g_param_spec_string ("types", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PEER] =
    g_param_spec_uint64 ("peer", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_ITEM_TYPE] =
    g_param_spec_int ("item-type", NULL, NULL, PB_ITEM_NONE, PB_ITEM_U8, PB_ITEM_NONE,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_PRESENT] =
    g_param_spec_boolean ("present", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pb_port_init (PbPort *self)
{
}
