/* pb-node-view.c — a node on the canvas
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A card showing one process: its name, its kind, and a socket per port,
 * inputs down the left edge and outputs down the right, so that wires run
 * left to right as items flow. Under them, while it runs, its counters
 * and what a sink holds (a scope's chart, a stats's figures, a print's
 * last lines), in room given once for its kind; a failed process shows
 * its message on a red strip above its sockets. It follows its PbNode's
 * notifications and changes nothing itself: the canvas decides what a
 * click or a drag on it means, and the strip only activates
 * canvas.show-failure.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "pb-node-chart.h"
#include "pb-node-stats.h"
#include "pb-node-view.h"
#include "pb-units.h"

struct _PbNodeView
{
  GtkWidget   parent_instance;

  PbNode     *node;
  GHashTable *sockets;   /* pb_addr -> PbSocket, not owned */

  GtkWidget  *box;
  GtkLabel   *name_label;
  GtkLabel   *kind_label;
  GtkWidget  *badge;
  GtkLabel   *badge_label;
  GtkBox     *inputs;
  GtkBox     *outputs;
  PbNodeChart *chart;
  PbNodeStats *stats;
  double      heat;
};

G_DEFINE_FINAL_TYPE (PbNodeView, pb_node_view, GTK_TYPE_WIDGET)

#define ADDR_KEY(a) ((gpointer) (guintptr) (a))

/* How many of its last lines a print node shows. */
#define PRINT_LINES 3

static const char *
display_name (PbNodeView *self)
{
  const char *name = pb_node_get_name (self->node);

  return name != NULL ? name : pb_node_get_kind_name (self->node);
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/* One row per port: the socket on the outer edge, its role beside it. */
static void
rebuild_sockets (PbNodeView *self)
{
  GListModel *ports = pb_node_get_ports (self->node);
  guint n = g_list_model_get_n_items (ports);

  clear_box (self->inputs);
  clear_box (self->outputs);
  g_hash_table_remove_all (self->sockets);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PbPort) port = g_list_model_get_item (ports, i);
      gboolean input = pb_port_get_direction (port) == PB_PORT_IN;
      GtkWidget *row;
      GtkWidget *socket;
      GtkWidget *label;

      /* A port comes and goes with parameters (c's out=none). */
      g_signal_handlers_disconnect_by_func (port, rebuild_sockets, self);
      g_signal_connect_object (port, "notify::present", G_CALLBACK (rebuild_sockets),
                               self, G_CONNECT_SWAPPED);
      if (!pb_port_get_present (port))
        continue;

      row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      socket = pb_socket_new (port, display_name (self));
      label = gtk_label_new (pb_port_get_role (port));

      gtk_widget_add_css_class (label, "port");
      gtk_widget_set_halign (row, input ? GTK_ALIGN_START : GTK_ALIGN_END);
      if (input)
        {
          gtk_box_append (GTK_BOX (row), socket);
          gtk_box_append (GTK_BOX (row), label);
          gtk_box_append (self->inputs, row);
        }
      else
        {
          gtk_box_append (GTK_BOX (row), label);
          gtk_box_append (GTK_BOX (row), socket);
          gtk_box_append (self->outputs, row);
        }
      g_hash_table_insert (self->sockets, ADDR_KEY (pb_port_get_address (port)), socket);
    }
}

/* A bypassed node is drawn dimmed, and says so under its name. */
static void
update_title (PbNodeView *self)
{
  g_autofree char *label = NULL;
  g_autofree char *kind = NULL;

  if (pb_node_get_bypassed (self->node))
    {
      /* Translators: under a bypassed node's name: its kind ("map"). */
      kind = g_strdup_printf (_("%s · bypassed"), pb_node_get_kind_name (self->node));
      gtk_widget_add_css_class (GTK_WIDGET (self), "bypassed");
    }
  else
    {
      kind = g_strdup (pb_node_get_kind_name (self->node));
      gtk_widget_remove_css_class (GTK_WIDGET (self), "bypassed");
    }
  gtk_label_set_label (self->name_label, display_name (self));
  gtk_label_set_label (self->kind_label, kind);

  /* Translators: how a screen reader names a node: "map0, map". */
  label = g_strdup_printf (_("%s, %s"), display_name (self), kind);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  pb_kind_description (pb_node_get_kind (self->node)),
                                  -1);
}

/* The badge's words: the message's first line, without what the node
 * already says. A compile error, "map0.expr:2: error: ...", becomes
 * "expr, line 2: ..."; the tooltip keeps the whole message. */
static char *
brief_message (PbNodeView *self,
               const char *message)
{
  g_autofree char *first = g_strdup (message != NULL ? message : "");
  const char *name = display_name (self);
  char *newline = strchr (first, '\n');
  const char *rest = first;
  g_autofree char *param = NULL;
  guint line = 0;

  if (newline != NULL)
    *newline = '\0';
  if (g_str_has_prefix (rest, name) && rest[strlen (name)] == '.')
    {
      const char *p = rest + strlen (name) + 1;
      const char *colon = strchr (p, ':');
      char *end = NULL;

      if (colon != NULL && g_ascii_isdigit (colon[1]))
        {
          line = (guint) g_ascii_strtoull (colon + 1, &end, 10);
          if (end != NULL && *end == ':')
            {
              param = g_strndup (p, colon - p);
              rest = end + 1;
            }
        }
    }
  else if (g_str_has_prefix (rest, name) && g_str_has_prefix (rest + strlen (name), ": "))
    rest += strlen (name) + 2;
  while (*rest == ' ')
    rest++;
  if (g_str_has_prefix (rest, "error: "))
    rest += strlen ("error: ");
  if (param != NULL)
    /* Translators: a failed node's badge: the code parameter, the line
     * of it that failed, and the compiler's words
     * ("code, line 2: pointer expected"). */
    return g_strdup_printf (_("%s, line %u: %s"), param, line, rest);
  return g_strdup (rest);
}

static void
update_status (PbNodeView *self)
{
  pb_process_state state = pb_node_get_state (self->node);
  const char *message = pb_node_get_message (self->node);
  gboolean failed = state == PB_PROCESS_FAILED;
  gboolean waiting = state == PB_PROCESS_WAITING;

  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self), "failed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "failed");
  if (waiting)
    gtk_widget_add_css_class (GTK_WIDGET (self), "waiting");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "waiting");

  gtk_widget_set_visible (self->badge, failed);
  gtk_widget_set_tooltip_text (self->badge, failed ? message : NULL);
  if (failed)
    {
      g_autofree char *brief = brief_message (self, message);

      gtk_label_set_label (self->badge_label, brief);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->badge),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Show the error"),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), waiting ? message : NULL);
}

/* The processes of one compiled chain share a tint, from eight of GNOME's
 * palette, chosen by the chain's first process so that it stays put
 * while the rest of the topology changes. */
#define N_CHAIN_TINTS 8

static void
update_chain (PbNodeView *self)
{
  pb_addr chain = pb_node_get_chain (self->node);

  for (guint i = 0; i < N_CHAIN_TINTS; i++)
    {
      char name[16];

      g_snprintf (name, sizeof name, "chain-%u", i);
      if (chain != 0 && pb_addr_process (chain) % N_CHAIN_TINTS == i)
        gtk_widget_add_css_class (GTK_WIDGET (self), name);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self), name);
    }
}

static void
update_selected (PbNodeView *self)
{
  gboolean selected = pb_node_get_selected (self->node);

  if (selected)
    gtk_widget_set_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED, FALSE);
  else
    gtk_widget_unset_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self),
                               GTK_ACCESSIBLE_STATE_SELECTED, selected,
                               -1);
}

/* A figure of a sink for the counter line: four significant digits and a
 * real minus sign, in as little room as a node has. */
static char *
format_figure (double value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_snprintf (text, sizeof text, "%.4g", fabs (value));
  return value < 0 ? g_strconcat ("−", text, NULL) : g_strdup (text);
}

/* The value line of a sink, from the figures it showed; NULL to show its
 * result text as it is (a count or a sum, exact). */
static char *
format_sink (const pb_sink_value *sink)
{
  switch (sink->display)
    {
    case PB_SINK_STATS:
      if (sink->count == 0)
        return g_strdup (_("No values yet"));
      else
        {
          g_autofree char *mean = format_figure (sink->mean);
          g_autofree char *min = format_figure (sink->min);
          g_autofree char *max = format_figure (sink->max);
          g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, sink->count);

          /* Translators: a stats node's live figures, on two lines:
           * how many values, their mean, their least and greatest
           * ("n 1200 · mean 0.52\nmin −100 · max 100"). */
          return g_strdup_printf (_("n %s · mean %s\nmin %s · max %s"), count, mean, min, max);
        }

    case PB_SINK_LINES:
      {
        /* The last few lines, as many as the node has room for. */
        size_t first = sink->n_lines > PRINT_LINES ? sink->n_lines - PRINT_LINES : 0;
        GString *text = g_string_new (NULL);

        for (size_t i = first; i < sink->n_lines; i++)
          {
            if (i > first)
              g_string_append_c (text, '\n');
            g_string_append (text, sink->lines[i]);
          }
        return g_string_free (text, FALSE);
      }

    case PB_SINK_SERIES:
      if (sink->n_values == 0)
        return g_strdup (_("No values yet"));
      else
        {
          g_autofree char *last = format_figure (sink->values[sink->n_values - 1]);

          /* Translators: a scope node's newest value, under its chart. */
          return g_strdup_printf (_("latest %s"), last);
        }

    case PB_SINK_SCALAR:
      /* A float sum's 17 digits would be cut off; an integer is exact. */
      if (sink->type == PB_ITEM_F64)
        {
          char text[G_ASCII_DTOSTR_BUF_SIZE];

          g_snprintf (text, sizeof text, "%.7g", fabs (sink->f64));
          return sink->f64 < 0 ? g_strconcat ("−", text, NULL) : g_strdup (text);
        }
      return NULL;

    case PB_SINK_NONE:
    default:
      return NULL;
    }
}

/* The live line: how fast items go through, what each costs, and the
 * share of busy time; the heat tint follows that share. Under it, what
 * a sink shows, and a scope's chart. */
static void
update_live (PbNodeView *self)
{
  const pb_kind *kind = pb_node_get_kind (self->node);
  gboolean source = TRUE;
  const char *value = NULL;
  g_autofree char *rate = NULL;
  g_autofree char *cost = NULL;
  g_autofree char *share = NULL;
  g_autofree char *rates_line = NULL;
  g_autofree char *sink_text = NULL;
  PbRates rates;
  gboolean live = pb_node_get_live (self->node, &rates, &value);
  const pb_sink_value *sink = pb_node_get_sink (self->node);
  /* The tint moves in steps of 5 %: finer, it would redraw every node on
   * every tick for a change no one sees. */
  double heat = live ? round (rates.share * 20) / 20 : 0;

  for (size_t i = 0; i < pb_kind_n_ports (kind); i++)
    if (pb_kind_port (kind, i)->dir == PB_PORT_IN)
      source = FALSE;

  if (self->heat != heat)
    {
      self->heat = heat;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }

  if (live)
    {
      rate = pb_format_rate (source ? rates.rate_out : rates.rate_in);
      cost = pb_format_duration (rates.ns_per_item);
      share = pb_format_share (rates.share);
      /* Translators: a node's live counters: items per second, time per
       * item, share of busy time ("1.23 M/s · 48.0 ns · 37 %"). */
      rates_line = g_strdup_printf (_("%s · %s · %s"), rate, cost, share);
    }
  sink_text = format_sink (sink);
  pb_node_stats_set (self->stats, rates_line, sink_text != NULL ? sink_text : value, heat);
  if (gtk_widget_get_visible (GTK_WIDGET (self->chart)))
    pb_node_chart_set_values (self->chart, sink->values, sink->n_values, sink->capacity);
}

/* Sinks that show more than a line get their room once, as they are
 * made, so that starting a run lays nothing out again. */
static void
setup_for_kind (PbNodeView *self)
{
  const char *kind = pb_node_get_kind_name (self->node);

  gtk_widget_set_visible (GTK_WIDGET (self->chart), g_strcmp0 (kind, "scope") == 0);
  if (g_strcmp0 (kind, "stats") == 0)
    pb_node_stats_set_value_lines (self->stats, 2);
  else if (g_strcmp0 (kind, "print") == 0)
    pb_node_stats_set_value_lines (self->stats, PRINT_LINES);
}

static void
on_name_changed (PbNodeView *self)
{
  update_title (self);
  /* Sockets carry the process's name for screen readers. */
  rebuild_sockets (self);
}

/**
 * pb_node_view_new:
 * @node: the node to show
 *
 * Returns: (transfer floating): a view of @node that follows its changes
 */
GtkWidget *
pb_node_view_new (PbNode *node)
{
  PbNodeView *self;

  g_return_val_if_fail (PB_IS_NODE (node), NULL);

  self = g_object_new (PB_TYPE_NODE_VIEW, NULL);
  self->node = g_object_ref (node);

  g_signal_connect_object (node, "notify::name", G_CALLBACK (on_name_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (node, "notify::bypassed", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (node, "notify::state", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (node, "notify::message", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (node, "notify::selected", G_CALLBACK (update_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (node, "notify::chain", G_CALLBACK (update_chain), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (node, "live-changed", G_CALLBACK (update_live), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pb_node_get_ports (node), "items-changed",
                           G_CALLBACK (rebuild_sockets), self, G_CONNECT_SWAPPED);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->badge), "t",
                                    (guint64) pb_node_get_address (node));
  setup_for_kind (self);
  update_title (self);
  update_status (self);
  update_selected (self);
  update_chain (self);
  update_live (self);
  rebuild_sockets (self);

  return GTK_WIDGET (self);
}

/**
 * pb_node_view_get_node:
 *
 * Returns: (transfer none): the node shown
 */
PbNode *
pb_node_view_get_node (PbNodeView *self)
{
  g_return_val_if_fail (PB_IS_NODE_VIEW (self), NULL);
  return self->node;
}

/**
 * pb_node_view_set_brief:
 * @brief: whether the node is drawn too small for its counters to read
 */
void
pb_node_view_set_brief (PbNodeView *self,
                        gboolean    brief)
{
  g_return_if_fail (PB_IS_NODE_VIEW (self));
  pb_node_stats_set_brief (self->stats, brief);
}

/**
 * pb_node_view_find_socket:
 * @port: a port address of the node's process
 *
 * Returns: (transfer none) (nullable): its socket, or %NULL if the node
 *   does not show that port
 */
PbSocket *
pb_node_view_find_socket (PbNodeView *self,
                          pb_addr     port)
{
  g_return_val_if_fail (PB_IS_NODE_VIEW (self), NULL);
  return g_hash_table_lookup (self->sockets, ADDR_KEY (port));
}

/**
 * pb_node_view_foreach_socket:
 * @func: called with each #PbSocket and @user_data
 */
void
pb_node_view_foreach_socket (PbNodeView *self,
                             GFunc       func,
                             gpointer    user_data)
{
  GHashTableIter iter;
  gpointer socket;

  g_return_if_fail (PB_IS_NODE_VIEW (self));

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &socket))
    func (socket, user_data);
}

/* The heat tint: a wash of red over the card, as strong as the node's
 * share of busy time, under its text. */
static void
pb_node_view_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  PbNodeView *self = PB_NODE_VIEW (widget);

  if (self->heat > 0.02)
    {
      GskRoundedRect card;
      GdkRGBA wash = { 0.878f, 0.106f, 0.141f, (float) (0.28 * MIN (self->heat, 1.0)) };

      gsk_rounded_rect_init_from_rect (&card,
                                       &GRAPHENE_RECT_INIT (0, 0,
                                                            gtk_widget_get_width (widget),
                                                            gtk_widget_get_height (widget)),
                                       10);
      gtk_snapshot_push_rounded_clip (snapshot, &card);
      gtk_snapshot_append_color (snapshot, &wash, &card.bounds);
      gtk_snapshot_pop (snapshot);
    }

  GTK_WIDGET_CLASS (pb_node_view_parent_class)->snapshot (widget, snapshot);
}

static void
pb_node_view_dispose (GObject *object)
{
  PbNodeView *self = PB_NODE_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_NODE_VIEW);
  g_clear_object (&self->node);

  G_OBJECT_CLASS (pb_node_view_parent_class)->dispose (object);
}

static void
pb_node_view_finalize (GObject *object)
{
  PbNodeView *self = PB_NODE_VIEW (object);

  g_hash_table_unref (self->sockets);

  G_OBJECT_CLASS (pb_node_view_parent_class)->finalize (object);
}

static void
pb_node_view_class_init (PbNodeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_node_view_dispose;
  object_class->finalize = pb_node_view_finalize;

  widget_class->snapshot = pb_node_view_snapshot;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/pushback/Pushback/ui/pb-node-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PbNodeView, box);
  gtk_widget_class_bind_template_child (widget_class, PbNodeView, name_label);
  gtk_widget_class_bind_template_child (widget_class, PbNodeView, kind_label);
  gtk_widget_class_bind_template_child (widget_class, PbNodeView, badge);
  gtk_widget_class_bind_template_child (widget_class, PbNodeView, badge_label);
  gtk_widget_class_bind_template_child (widget_class, PbNodeView, chart);
  gtk_widget_class_bind_template_child (widget_class, PbNodeView, inputs);
  gtk_widget_class_bind_template_child (widget_class, PbNodeView, outputs);
  gtk_widget_class_bind_template_child (widget_class, PbNodeView, stats);

  gtk_widget_class_set_css_name (widget_class, "node");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pb_node_view_init (PbNodeView *self)
{
  g_type_ensure (PB_TYPE_NODE_CHART);
  g_type_ensure (PB_TYPE_NODE_STATS);
  self->sockets = g_hash_table_new (NULL, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
}
