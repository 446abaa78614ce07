/* pb-frame-view.c — a frame as the canvas draws it
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Open, a frame is a tinted area around its members with a header strip:
 * a button to collapse it, its title and note, and a button for its
 * menu. Only the header takes the pointer; the area under it stays the
 * canvas's, to band-select across. The canvas sizes it around its
 * members (pb-canvas-frames.c).
 *
 * Collapsed, it is one box in place of its members, showing the sockets
 * of their ports that are linked outside the frame: the same PbPorts the
 * hidden nodes would show, so wires end on them and new wires start from
 * them as from any socket.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-frame-view.h"
#include "pb-socket.h"

#define ADDR_KEY(a) ((gpointer) (guintptr) (a))

struct _PbFrameView
{
  GtkWidget   parent_instance;

  PbFrame    *frame;
  PbDocument *document;       /* not owned: it outlives its views */
  GHashTable *sockets;        /* pb_addr (port) -> PbSocket, when collapsed */

  GtkWidget  *box;
  GtkWidget  *header;
  GtkWidget  *collapse_button;
  GtkLabel   *title_label;
  GtkLabel   *note_label;
  GtkWidget  *menu_button;
  GtkWidget  *ports;
  GtkBox     *inputs;
  GtkBox     *outputs;
};

G_DEFINE_FINAL_TYPE (PbFrameView, pb_frame_view, GTK_TYPE_WIDGET)

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/* A port of a member is external when its link leaves the frame. */
static gboolean
is_external (PbFrameView *self,
             PbPort      *port)
{
  PbLink *link = pb_document_find_link (self->document, pb_port_get_address (port));
  pb_addr peer;

  if (link == NULL)
    return FALSE;
  peer = pb_link_get_source (link) == pb_port_get_address (port) ? pb_link_get_sink (link)
                                                                  : pb_link_get_source (link);
  return !pb_frame_has_member (self->frame, pb_addr_process_of (peer));
}

/**
 * pb_frame_view_update_sockets:
 *
 * Shows, while the frame is collapsed, a socket for every port of its
 * members linked outside it; the canvas calls it when links change.
 */
void
pb_frame_view_update_sockets (PbFrameView *self)
{
  gsize n;
  const pb_addr *members;

  g_return_if_fail (PB_IS_FRAME_VIEW (self));

  clear_box (self->inputs);
  clear_box (self->outputs);
  g_hash_table_remove_all (self->sockets);
  if (!pb_frame_get_collapsed (self->frame))
    return;

  members = pb_frame_get_members (self->frame, &n);
  for (gsize i = 0; i < n; i++)
    {
      PbNode *node = pb_document_find_node (self->document, members[i]);
      GListModel *ports = node != NULL ? pb_node_get_ports (node) : NULL;

      for (guint p = 0; ports != NULL && p < g_list_model_get_n_items (ports); p++)
        {
          g_autoptr(PbPort) port = g_list_model_get_item (ports, p);
          gboolean input = pb_port_get_direction (port) == PB_PORT_IN;
          g_autofree char *text = NULL;
          GtkWidget *row, *socket, *label;

          if (!pb_port_get_present (port) || !is_external (self, port))
            continue;
          row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
          socket = pb_socket_new (port, pb_node_get_name (node));
          /* Translators: a collapsed frame's socket: the process, then
           * its port. */
          text = g_strdup_printf (_("%s · %s"), pb_node_get_name (node), pb_port_get_role (port));
          label = gtk_label_new (text);
          gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
          gtk_label_set_max_width_chars (GTK_LABEL (label), 22);
          gtk_widget_add_css_class (label, "port");
          gtk_widget_set_halign (row, input ? GTK_ALIGN_START : GTK_ALIGN_END);
          gtk_box_append (GTK_BOX (row), input ? socket : label);
          gtk_box_append (GTK_BOX (row), input ? label : socket);
          gtk_box_append (input ? self->inputs : self->outputs, row);
          g_hash_table_insert (self->sockets, ADDR_KEY (pb_port_get_address (port)), socket);
        }
    }
}

static void
update (PbFrameView *self)
{
  const char * const *colors = pb_frame_colors ();
  const char *note = pb_frame_get_note (self->frame);
  gboolean collapsed = pb_frame_get_collapsed (self->frame);
  g_autofree char *first_line = g_strndup (note, strcspn (note, "\n"));
  guint id = pb_frame_get_id (self->frame);

  for (guint i = 0; colors[i] != NULL; i++)
    if (g_strcmp0 (colors[i], pb_frame_get_color (self->frame)) == 0)
      gtk_widget_add_css_class (GTK_WIDGET (self), colors[i]);
    else
      gtk_widget_remove_css_class (GTK_WIDGET (self), colors[i]);
  if (collapsed)
    gtk_widget_add_css_class (GTK_WIDGET (self), "collapsed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "collapsed");

  gtk_label_set_text (self->title_label, pb_frame_get_title (self->frame));
  /* Collapsed, it says how much it holds; open, that shows. */
  if (collapsed)
    {
      gsize n;
      g_autofree char *count = NULL;

      pb_frame_get_members (self->frame, &n);
      count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u process", "%u processes", n),
                               (guint) n);
      gtk_label_set_text (self->note_label, count);
    }
  else
    gtk_label_set_text (self->note_label, first_line);
  gtk_widget_set_visible (GTK_WIDGET (self->note_label),
                          collapsed || first_line[0] != '\0');
  gtk_widget_set_tooltip_text (self->header, note[0] != '\0' ? note : NULL);
  gtk_widget_set_visible (self->ports, collapsed);

  gtk_button_set_icon_name (GTK_BUTTON (self->collapse_button),
                            collapsed ? "pan-end-symbolic" : "pan-down-symbolic");
  gtk_widget_set_tooltip_text (self->collapse_button,
                               collapsed ? _("Expand Frame") : _("Collapse Frame"));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->collapse_button), "(us)", id, "toggle");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->menu_button), "(us)", id, "menu");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  pb_frame_get_title (self->frame), -1);
  pb_frame_view_update_sockets (self);
}

/**
 * pb_frame_view_new:
 * @frame: the frame to show
 * @document: the document that holds it, and its members and links
 *
 * Returns: (transfer floating): a view of @frame
 */
GtkWidget *
pb_frame_view_new (PbFrame    *frame,
                   PbDocument *document)
{
  PbFrameView *self;

  g_return_val_if_fail (PB_IS_FRAME (frame), NULL);
  g_return_val_if_fail (PB_IS_DOCUMENT (document), NULL);

  self = g_object_new (PB_TYPE_FRAME_VIEW, NULL);
  self->frame = g_object_ref (frame);
  self->document = document;
  g_signal_connect_object (frame, "changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  return GTK_WIDGET (self);
}

/**
 * pb_frame_view_get_frame:
 *
 * Returns: (transfer none): the frame shown
 */
PbFrame *
pb_frame_view_get_frame (PbFrameView *self)
{
  g_return_val_if_fail (PB_IS_FRAME_VIEW (self), NULL);
  return self->frame;
}

/**
 * pb_frame_view_find_socket:
 * @port: a port of a member
 *
 * Returns: (transfer none) (nullable): its socket on the collapsed frame
 */
PbSocket *
pb_frame_view_find_socket (PbFrameView *self,
                           pb_addr      port)
{
  g_return_val_if_fail (PB_IS_FRAME_VIEW (self), NULL);
  return g_hash_table_lookup (self->sockets, ADDR_KEY (port));
}

/**
 * pb_frame_view_get_header_height:
 *
 * Returns: the natural height of its header strip, unscaled
 */
int
pb_frame_view_get_header_height (PbFrameView *self)
{
  int height;

  g_return_val_if_fail (PB_IS_FRAME_VIEW (self), 0);
  gtk_widget_measure (self->header, GTK_ORIENTATION_VERTICAL, -1, NULL, &height, NULL, NULL);
  return height;
}

/**
 * pb_frame_view_get_anchor:
 *
 * Returns: (transfer none): the widget a popover about the frame points
 *   at: its header
 */
GtkWidget *
pb_frame_view_get_anchor (PbFrameView *self)
{
  g_return_val_if_fail (PB_IS_FRAME_VIEW (self), NULL);
  return self->header;
}

/**
 * pb_frame_view_set_selected:
 * @selected: whether all its members are selected
 */
void
pb_frame_view_set_selected (PbFrameView *self,
                            gboolean     selected)
{
  g_return_if_fail (PB_IS_FRAME_VIEW (self));
  if (selected)
    gtk_widget_set_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED, FALSE);
  else
    gtk_widget_unset_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED);
}

/* Open, only the header is the frame's to pick: the canvas under the
 * rest of it takes band selections and wires. */
static gboolean
pb_frame_view_contains (GtkWidget *widget,
                        double     x,
                        double     y)
{
  PbFrameView *self = PB_FRAME_VIEW (widget);
  graphene_rect_t bounds;

  if (pb_frame_get_collapsed (self->frame))
    return GTK_WIDGET_CLASS (pb_frame_view_parent_class)->contains (widget, x, y);
  return gtk_widget_compute_bounds (self->header, widget, &bounds)
         && graphene_rect_contains_point (&bounds, &GRAPHENE_POINT_INIT (x, y));
}

static void
pb_frame_view_dispose (GObject *object)
{
  PbFrameView *self = PB_FRAME_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_FRAME_VIEW);
  g_clear_object (&self->frame);

  G_OBJECT_CLASS (pb_frame_view_parent_class)->dispose (object);
}

static void
pb_frame_view_finalize (GObject *object)
{
  PbFrameView *self = PB_FRAME_VIEW (object);

  g_hash_table_unref (self->sockets);

  G_OBJECT_CLASS (pb_frame_view_parent_class)->finalize (object);
}

static void
pb_frame_view_class_init (PbFrameViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_frame_view_dispose;
  object_class->finalize = pb_frame_view_finalize;

  widget_class->contains = pb_frame_view_contains;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/pushback/Pushback/ui/pb-frame-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PbFrameView, box);
  gtk_widget_class_bind_template_child (widget_class, PbFrameView, header);
  gtk_widget_class_bind_template_child (widget_class, PbFrameView, collapse_button);
  gtk_widget_class_bind_template_child (widget_class, PbFrameView, title_label);
  gtk_widget_class_bind_template_child (widget_class, PbFrameView, note_label);
  gtk_widget_class_bind_template_child (widget_class, PbFrameView, menu_button);
  gtk_widget_class_bind_template_child (widget_class, PbFrameView, ports);
  gtk_widget_class_bind_template_child (widget_class, PbFrameView, inputs);
  gtk_widget_class_bind_template_child (widget_class, PbFrameView, outputs);

  gtk_widget_class_set_css_name (widget_class, "frame");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pb_frame_view_init (PbFrameView *self)
{
  self->sockets = g_hash_table_new (NULL, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}
