/* pb-socket.c — a port's socket on a node
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A socket is a real widget, not a drawing, so that it is in the
 * accessibility tree (GTK 4.8 makes only widgets accessible) with the
 * process's name, the port's role and its item type, and so that picking
 * it under the pointer is GTK's own gtk_widget_pick(). It draws a disc in
 * the colour of its item type: filled when joined, a ring when free.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-socket.h"

#define SOCKET_SIZE 12

struct _PbSocket
{
  GtkWidget  parent_instance;

  PbPort    *port;
  char      *process_name;
};

G_DEFINE_FINAL_TYPE (PbSocket, pb_socket, GTK_TYPE_WIDGET)

/**
 * pb_socket_item_color:
 * @type: an item type, or PB_ITEM_NONE for one that follows its links
 * @color: (out caller-allocates): the colour its sockets and wires take
 *
 * The palette is GNOME's: blue for integers, green for floats, orange for
 * bytes, a neutral grey for what is not decided yet.
 */
void
pb_socket_item_color (pb_item_type  type,
                      GdkRGBA      *color)
{
  static const char *names[] = {
    [PB_ITEM_NONE] = "#9a9996",
    [PB_ITEM_I64] = "#3584e4",
    [PB_ITEM_F64] = "#33d17a",
    [PB_ITEM_U8] = "#ff7800",
  };

  gdk_rgba_parse (color, names[type <= PB_ITEM_U8 ? type : PB_ITEM_NONE]);
}

/* What the socket carries: the type the runtime inferred, or while that
 * is open, what its kind allows ("any", "i64|f64"). */
static const char *
carried (PbSocket *self)
{
  pb_item_type type = pb_port_get_item_type (self->port);

  return type != PB_ITEM_NONE ? pb_item_type_name (type) : pb_port_get_types (self->port);
}

static void
update_accessible (PbSocket *self)
{
  const char *process_name = self->process_name;
  g_autofree char *label = NULL;
  g_autofree char *tooltip = NULL;
  char hex[PB_ADDR_STRLEN];
  char hex_text[24];
  pb_addr address = pb_port_get_address (self->port);
  const char *direction = pb_port_get_direction (self->port) == PB_PORT_IN ? _("input") : _("output");

  pb_addr_format (address, hex);
  /* Translators: how a screen reader names a socket: "map0 out, output, i64". */
  label = g_strdup_printf (_("%s %s, %s, %s"), process_name,
                           pb_port_get_role (self->port), direction, carried (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  pb_port_get_peer (self->port) != 0 ? _("Connected") : _("Free"),
                                  -1);

  g_snprintf (hex_text, sizeof hex_text, "0x%016" G_GINT64_MODIFIER "x", address);
  /* Translators: a socket's tooltip: its role, its item types, and its
   * 64-bit address in hex and as host:process:port. */
  tooltip = g_strdup_printf (_("<b>%s</b> (%s)\n%s\n%s"),
                             pb_port_get_role (self->port), carried (self),
                             hex_text, hex);
  gtk_widget_set_tooltip_markup (GTK_WIDGET (self), tooltip);
}

static void
on_port_changed (PbSocket *self)
{
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * pb_socket_new:
 * @port: the port it stands for
 * @process_name: the process's name, for people and screen readers
 *
 * Returns: (transfer floating): a new socket
 */
GtkWidget *
pb_socket_new (PbPort     *port,
               const char *process_name)
{
  PbSocket *self;

  g_return_val_if_fail (PB_IS_PORT (port), NULL);

  self = g_object_new (PB_TYPE_SOCKET, NULL);
  self->port = g_object_ref (port);
  g_signal_connect_object (port, "notify::peer", G_CALLBACK (on_port_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (port, "notify::item-type", G_CALLBACK (on_port_changed),
                           self, G_CONNECT_SWAPPED);
  self->process_name = g_strdup (process_name != NULL ? process_name : "");
  update_accessible (self);

  return GTK_WIDGET (self);
}

/**
 * pb_socket_get_port:
 *
 * Returns: (transfer none): the port
 */
PbPort *
pb_socket_get_port (PbSocket *self)
{
  g_return_val_if_fail (PB_IS_SOCKET (self), NULL);
  return self->port;
}

/**
 * pb_socket_get_center:
 * @target: a widget sharing a common ancestor with the socket
 * @x: (out): the centre of the disc in @target's coordinates
 * @y: (out): likewise
 *
 * Where wires end; it follows the node's position and the canvas's zoom,
 * since both are transforms of the node's allocation.
 */
void
pb_socket_get_center (PbSocket  *self,
                      GtkWidget *target,
                      double    *x,
                      double    *y)
{
  graphene_point_t center = GRAPHENE_POINT_INIT (gtk_widget_get_width (GTK_WIDGET (self)) / 2.f,
                                                 gtk_widget_get_height (GTK_WIDGET (self)) / 2.f);
  graphene_point_t out;

  if (!gtk_widget_compute_point (GTK_WIDGET (self), target, &center, &out))
    out = center;
  *x = out.x;
  *y = out.y;
}

static void
pb_socket_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  *minimum = *natural = SOCKET_SIZE;
}

static void
pb_socket_snapshot (GtkWidget   *widget,
                    GtkSnapshot *snapshot)
{
  PbSocket *self = PB_SOCKET (widget);
  float w = gtk_widget_get_width (widget);
  float h = gtk_widget_get_height (widget);
  float d = MIN (w, h);
  GskRoundedRect disc;
  GdkRGBA color;

  pb_socket_item_color (pb_port_get_item_type (self->port), &color);

  gsk_rounded_rect_init_from_rect (&disc, &GRAPHENE_RECT_INIT ((w - d) / 2, (h - d) / 2, d, d), d / 2);

  /* A free socket is a ring, so the node's own background shows through
   * in light and dark styles alike; a joined one, or one that would take
   * the wire being dragged, is a disc. */
  if (pb_port_get_peer (self->port) == 0 && !gtk_widget_has_css_class (widget, "candidate"))
    {
      const float widths[4] = { 2.5f, 2.5f, 2.5f, 2.5f };
      const GdkRGBA colors[4] = { color, color, color, color };

      gtk_snapshot_append_border (snapshot, &disc, widths, colors);
    }
  else
    {
      gtk_snapshot_push_rounded_clip (snapshot, &disc);
      gtk_snapshot_append_color (snapshot, &color, &disc.bounds);
      gtk_snapshot_pop (snapshot);
    }
}

static void
pb_socket_dispose (GObject *object)
{
  PbSocket *self = PB_SOCKET (object);

  g_clear_object (&self->port);
  g_clear_pointer (&self->process_name, g_free);

  G_OBJECT_CLASS (pb_socket_parent_class)->dispose (object);
}

static void
pb_socket_class_init (PbSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_socket_dispose;

  widget_class->measure = pb_socket_measure;
  widget_class->snapshot = pb_socket_snapshot;

  gtk_widget_class_set_css_name (widget_class, "socket");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
}

static void
pb_socket_init (PbSocket *self)
{
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
}
