/* pb-node.c — a process as the editor shows it
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A PbNode mirrors one process of the document's graph: its kind, name
 * and parameters, its sockets and what they are joined to, where it sits
 * on the canvas, and how it stands in the running engine. Only the
 * document changes a node, after the runtime accepted the edit; views
 * read nodes and redraw on their notifications.
 */

#include "config.h"

#include <string.h>

#include "pb-node.h"

struct _PbNode
{
  GObject           parent_instance;

  pb_addr           address;
  const pb_kind    *kind;
  char             *name;
  gboolean          bypassed;
  GHashTable       *params;
  GListStore       *ports;

  double            x;
  double            y;
  gboolean          placed;
  gboolean          selected;

  pb_process_state  state;
  char             *message;
  pb_addr           chain;

  gboolean          live;
  PbRates           rates;
  char             *value;
  /* What a sink shows, copied from a snapshot: its arrays point into
   * @values and @lines, which the node owns and reuses. */
  pb_sink_value     sink;
  double           *values;
  gsize             values_room;
  GStrv             lines;
  gboolean          sink_changed;
};

G_DEFINE_FINAL_TYPE (PbNode, pb_node, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_KIND,
  PROP_NAME,
  PROP_X,
  PROP_Y,
  PROP_SELECTED,
  PROP_STATE,
  PROP_MESSAGE,
  PROP_CHAIN,
  PROP_BYPASSED,
  N_PROPS
};

enum {
  PARAM_CHANGED,
  LIVE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* g_set_str() arrives in GLib 2.76; this is its meaning for 2.74. */
static gboolean
replace_str (char       **slot,
             const char  *value)
{
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;
  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

/* Ports are kept in ascending order of address, which is the order of
 * the kind's specs: inputs before outputs, out[0] before out[1]. */
static int
compare_ports (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  pb_addr pa = pb_port_get_address ((PbPort *) a);
  pb_addr pb = pb_port_get_address ((PbPort *) b);

  return pa < pb ? -1 : pa > pb;
}

static void
add_port (PbNode              *self,
          const pb_port_spec  *spec,
          uint32_t             number)
{
  g_autoptr(PbPort) port = NULL;
  char role[32];

  pb_kind_port_format (self->kind, number, role);
  port = pb_port_new (pb_addr_with_port (self->address, number),
                      role, spec->dir, spec->types);
  g_list_store_insert_sorted (self->ports, port, compare_ports, NULL);
}

/* A range of ports (out[0], out[1]...) shows every element that is joined,
 * and the first one that is not, to drag a new link from. */
static void
sync_range (PbNode             *self,
            const pb_port_spec *spec)
{
  g_autoptr(GHashTable) shown = g_hash_table_new (NULL, NULL);
  uint32_t free_number = spec->first;
  guint i;

  for (i = g_list_model_get_n_items (G_LIST_MODEL (self->ports)); i > 0; i--)
    {
      g_autoptr(PbPort) port = g_list_model_get_item (G_LIST_MODEL (self->ports), i - 1);
      uint32_t number = pb_addr_port (pb_port_get_address (port));

      if (number < spec->first)
        continue;
      if (pb_port_get_peer (port) == 0)
        g_list_store_remove (self->ports, i - 1);
      else
        g_hash_table_add (shown, GUINT_TO_POINTER (number));
    }

  while (g_hash_table_contains (shown, GUINT_TO_POINTER (free_number)))
    free_number++;
  if (free_number <= PB_PORT_MAX)
    add_port (self, spec, free_number);
}

/**
 * pb_node_new:
 * @address: the process's address (port bits 0)
 * @kind: its kind, from the catalogue
 *
 * Returns: (transfer full): a node with the kind's sockets, unplaced,
 *   named after nothing yet
 */
PbNode *
pb_node_new (pb_addr        address,
             const pb_kind *kind)
{
  PbNode *self;
  size_t i;

  g_return_val_if_fail (kind != NULL, NULL);

  self = g_object_new (PB_TYPE_NODE, NULL);
  self->address = pb_addr_process_of (address);
  self->kind = kind;

  for (i = 0; i < pb_kind_n_ports (kind); i++)
    {
      const pb_port_spec *spec = pb_kind_port (kind, i);

      if (spec->range)
        sync_range (self, spec);
      else
        add_port (self, spec, spec->first);
    }

  return self;
}

pb_addr
pb_node_get_address (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), 0);
  return self->address;
}

const pb_kind *
pb_node_get_kind (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), NULL);
  return self->kind;
}

const char *
pb_node_get_kind_name (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), NULL);
  return pb_kind_name (self->kind);
}

/**
 * pb_node_get_name:
 *
 * Returns: (nullable): the process's unique name, NULL when it has none
 */
const char *
pb_node_get_name (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), NULL);
  return self->name;
}

/**
 * pb_node_get_bypassed:
 *
 * Returns: whether the process is bypassed: the runtime passes its items
 *   on unchanged instead of running it
 */
gboolean
pb_node_get_bypassed (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), FALSE);
  return self->bypassed;
}

void
pb_node_set_bypassed (PbNode   *self,
                      gboolean  bypassed)
{
  g_return_if_fail (PB_IS_NODE (self));

  bypassed = !!bypassed;
  if (self->bypassed == bypassed)
    return;
  self->bypassed = bypassed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYPASSED]);
}

void
pb_node_set_name (PbNode     *self,
                  const char *name)
{
  g_return_if_fail (PB_IS_NODE (self));

  if (replace_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

double
pb_node_get_x (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), 0);
  return self->x;
}

double
pb_node_get_y (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), 0);
  return self->y;
}

/**
 * pb_node_set_position:
 * @x: the left edge of the node, in canvas units
 * @y: its top edge
 *
 * Places the node; a node is unplaced until it is first positioned, and
 * the document lays unplaced nodes out when it opens.
 */
void
pb_node_set_position (PbNode *self,
                      double  x,
                      double  y)
{
  g_return_if_fail (PB_IS_NODE (self));

  self->placed = TRUE;
  g_object_freeze_notify (G_OBJECT (self));
  if (self->x != x)
    {
      self->x = x;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_X]);
    }
  if (self->y != y)
    {
      self->y = y;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Y]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
pb_node_get_placed (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), FALSE);
  return self->placed;
}

gboolean
pb_node_get_selected (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), FALSE);
  return self->selected;
}

/**
 * pb_node_set_selected:
 *
 * Selection is view state: it is neither saved nor undone.
 */
void
pb_node_set_selected (PbNode   *self,
                      gboolean  selected)
{
  g_return_if_fail (PB_IS_NODE (self));

  selected = !!selected;
  if (self->selected == selected)
    return;
  self->selected = selected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

/**
 * pb_node_get_param:
 * @key: a parameter of the node's kind
 *
 * Returns: (nullable): the value set for @key, or NULL when it has the
 *   kind's default
 */
const char *
pb_node_get_param (PbNode     *self,
                   const char *key)
{
  g_return_val_if_fail (PB_IS_NODE (self), NULL);
  return g_hash_table_lookup (self->params, key);
}

/**
 * pb_node_set_param:
 * @value: (nullable): the new value, or NULL for the kind's default
 *
 * Emits #PbNode::param-changed, detailed by @key, when the value changes.
 */
void
pb_node_set_param (PbNode     *self,
                   const char *key,
                   const char *value)
{
  g_return_if_fail (PB_IS_NODE (self));
  g_return_if_fail (key != NULL);

  if (g_strcmp0 (g_hash_table_lookup (self->params, key), value) == 0)
    return;
  if (value != NULL)
    g_hash_table_replace (self->params, g_strdup (key), g_strdup (value));
  else
    g_hash_table_remove (self->params, key);
  g_signal_emit (self, signals[PARAM_CHANGED], g_quark_from_string (key), key);
}

/**
 * pb_node_get_ports:
 *
 * Returns: (transfer none): a #GListModel of #PbPort, in order of port
 *   number; a range (out[i]) shows its joined elements and one free one
 */
GListModel *
pb_node_get_ports (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), NULL);
  return G_LIST_MODEL (self->ports);
}

/**
 * pb_node_find_port:
 * @port: a port address of this process
 *
 * Returns: (transfer none) (nullable): the socket for @port, or NULL when
 *   the node does not show it
 */
PbPort *
pb_node_find_port (PbNode  *self,
                   pb_addr  port)
{
  guint n;

  g_return_val_if_fail (PB_IS_NODE (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->ports));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PbPort) item = g_list_model_get_item (G_LIST_MODEL (self->ports), i);

      if (pb_port_get_address (item) == port)
        return item;
    }
  return NULL;
}

/**
 * pb_node_set_peer:
 * @port: a port address of this process
 * @peer: the port it is now joined to, or 0
 *
 * Mirrors a link made or broken in the graph: the socket shows its peer,
 * and a range gains or loses elements so that one free element remains.
 */
void
pb_node_set_peer (PbNode  *self,
                  pb_addr  port,
                  pb_addr  peer)
{
  const pb_port_spec *spec;
  PbPort *socket;

  g_return_if_fail (PB_IS_NODE (self));

  spec = pb_kind_port_lookup (self->kind, pb_addr_port (port), NULL);
  g_return_if_fail (spec != NULL);

  socket = pb_node_find_port (self, port);
  if (socket == NULL)
    {
      g_return_if_fail (spec->range);
      add_port (self, spec, pb_addr_port (port));
      socket = pb_node_find_port (self, port);
    }
  pb_port_set_peer (socket, peer);

  if (spec->range)
    sync_range (self, spec);
}

pb_process_state
pb_node_get_state (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), PB_PROCESS_READY);
  return self->state;
}

/**
 * pb_node_get_message:
 *
 * Returns: (nullable): why the process failed, stopped or waits
 */
const char *
pb_node_get_message (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), NULL);
  return self->message;
}

/**
 * pb_node_set_status:
 * @state: how the process stands in the running engine
 * @message: (nullable): why it failed, stopped or waits
 */
void
pb_node_set_status (PbNode           *self,
                    pb_process_state  state,
                    const char       *message)
{
  g_return_if_fail (PB_IS_NODE (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (replace_str (&self->message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * pb_node_get_chain:
 *
 * Returns: the first process of the compiled chain that runs this one,
 *   or 0 when none does (not running, or left out)
 */
pb_addr
pb_node_get_chain (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), 0);
  return self->chain;
}

/**
 * pb_node_set_chain:
 * @chain: the head of the chain that runs the process, or 0
 */
void
pb_node_set_chain (PbNode  *self,
                   pb_addr  chain)
{
  g_return_if_fail (PB_IS_NODE (self));

  if (self->chain == chain)
    return;
  self->chain = chain;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHAIN]);
}

/**
 * pb_node_set_live:
 * @rates: (nullable): its rates now, or %NULL when it is not running
 * @value: (nullable): a sink's value so far ("500500")
 *
 * Emits #PbNode::live-changed: counters change ten times a second, so
 * they have one signal rather than a notification per figure.
 */
void
pb_node_set_live (PbNode        *self,
                  const PbRates *rates,
                  const char    *value)
{
  g_return_if_fail (PB_IS_NODE (self));

  if (rates == NULL && !self->live && self->value == NULL && !self->sink_changed)
    return;
  self->sink_changed = FALSE;
  self->live = rates != NULL;
  if (rates != NULL)
    self->rates = *rates;
  else
    memset (&self->rates, 0, sizeof self->rates);
  replace_str (&self->value, value);
  g_signal_emit (self, signals[LIVE_CHANGED], 0);
}

/**
 * pb_node_set_sink:
 * @value: (nullable): what the sink shows now, from a snapshot; %NULL or
 *   %PB_SINK_NONE for nothing
 *
 * Keeps a copy of @value (its arrays too, in buffers the node reuses, so
 * that ten copies a second allocate nothing once they are large enough).
 * The next pb_node_set_live() emits #PbNode::live-changed for it.
 */
void
pb_node_set_sink (PbNode              *self,
                  const pb_sink_value *value)
{
  g_return_if_fail (PB_IS_NODE (self));

  if (value == NULL || value->display == PB_SINK_NONE)
    {
      if (self->sink.display != PB_SINK_NONE)
        self->sink_changed = TRUE;
      memset (&self->sink, 0, sizeof self->sink);
      g_clear_pointer (&self->lines, g_strfreev);
      return;
    }

  self->sink = *value;
  self->sink_changed = TRUE;
  if (value->n_values > self->values_room)
    {
      self->values_room = MAX (value->capacity, value->n_values);
      self->values = g_renew (double, self->values, self->values_room);
    }
  if (value->n_values > 0)
    memcpy (self->values, value->values, value->n_values * sizeof *self->values);
  self->sink.values = value->n_values > 0 ? self->values : NULL;

  g_clear_pointer (&self->lines, g_strfreev);
  if (value->n_lines > 0)
    {
      self->lines = g_new0 (char *, value->n_lines + 1);
      for (size_t i = 0; i < value->n_lines; i++)
        self->lines[i] = g_utf8_make_valid (value->lines[i], -1);
    }
  self->sink.lines = (const char * const *) self->lines;
}

/**
 * pb_node_get_sink:
 *
 * Returns: (transfer none): what the sink showed at the latest snapshot;
 *   display %PB_SINK_NONE when nothing. Its lines are valid UTF-8.
 */
const pb_sink_value *
pb_node_get_sink (PbNode *self)
{
  g_return_val_if_fail (PB_IS_NODE (self), NULL);
  return &self->sink;
}

/**
 * pb_node_get_live:
 * @rates: (out caller-allocates) (optional): its rates
 * @value: (out) (optional) (transfer none) (nullable): a sink's value
 *
 * Returns: whether the process is running, so that @rates mean something
 */
gboolean
pb_node_get_live (PbNode      *self,
                  PbRates     *rates,
                  const char **value)
{
  g_return_val_if_fail (PB_IS_NODE (self), FALSE);

  if (rates != NULL)
    *rates = self->rates;
  if (value != NULL)
    *value = self->value;
  return self->live;
}

static void
pb_node_finalize (GObject *object)
{
  PbNode *self = PB_NODE (object);

  g_free (self->name);
  g_free (self->message);
  g_free (self->value);
  g_free (self->values);
  g_clear_pointer (&self->lines, g_strfreev);
  g_clear_pointer (&self->params, g_hash_table_unref);
  g_clear_object (&self->ports);

  G_OBJECT_CLASS (pb_node_parent_class)->finalize (object);
}

static void
pb_node_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  PbNode *self = PB_NODE (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_uint64 (value, self->address);
      break;
    case PROP_KIND:
      g_value_set_string (value, pb_kind_name (self->kind));
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_X:
      g_value_set_double (value, self->x);
      break;
    case PROP_Y:
      g_value_set_double (value, self->y);
      break;
    case PROP_SELECTED:
      g_value_set_boolean (value, self->selected);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_CHAIN:
      g_value_set_uint64 (value, self->chain);
      break;
    case PROP_BYPASSED:
      g_value_set_boolean (value, self->bypassed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_node_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  PbNode *self = PB_NODE (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      pb_node_set_selected (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_node_class_init (PbNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pb_node_finalize;
  object_class->get_property = pb_node_get_property;
  object_class->set_property = pb_node_set_property;

  properties[PROP_ADDRESS] =
    g_param_spec_uint64 ("address", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_X] =
    g_param_spec_double ("x", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_Y] =
    g_param_spec_double ("y", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED] =
    g_param_spec_boolean ("selected", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, 0, G_MAXINT, PB_PROCESS_READY,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_CHAIN] =
    g_param_spec_uint64 ("chain", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * PbNode:bypassed:
   *
   * Whether the runtime passes the process's items on unchanged.
   */
  properties[PROP_BYPASSED] =
    g_param_spec_boolean ("bypassed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PbNode::param-changed:
   * @key: the parameter that changed
   *
   * A parameter was set or returned to its default.
   */
  signals[PARAM_CHANGED] =
    g_signal_new ("param-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * PbNode::live-changed:
   *
   * The process's live counters or its value changed.
   */
  signals[LIVE_CHANGED] =
    g_signal_new ("live-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
pb_node_init (PbNode *self)
{
  self->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->ports = g_list_store_new (PB_TYPE_PORT);
}
