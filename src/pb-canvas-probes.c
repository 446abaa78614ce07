/* pb-canvas-probes.c — probes pinned on the canvas's wires
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A tooltip shows what crosses a wire while the pointer rests on it; a
 * pinned probe keeps showing it, in a small card under the wire's middle
 * that follows the wire as its nodes move. The card holds a PbProbeView,
 * which watches the link only while the card is on screen, so probes
 * still cost nothing while no one looks. Pins are view state, like the
 * selection: they are not edits, are not undone, and are not saved.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-canvas-private.h"
#include "pb-probe-view.h"

/* How far under the nodes a card's top sits, in pixels. */
#define PIN_GAP 10.0

/* "wave.out → fan.in": the ports a link joins, by their nodes' names. */
static char *
describe_end (PbDocument *document,
              pb_addr     port)
{
  PbNode *node = pb_document_find_node (document, port);
  PbPort *p = node != NULL ? pb_node_find_port (node, port) : NULL;

  if (node == NULL || p == NULL)
    return g_strdup ("?");
  return g_strdup_printf ("%s.%s", pb_node_get_name (node), pb_port_get_role (p));
}

static void
on_unpin_clicked (GtkButton *button,
                  PbCanvas  *self)
{
  PbLink *link = g_object_get_data (G_OBJECT (button), "pb-link");

  pb_canvas_unpin_probe (self, link);
}

static GtkWidget *
new_card (PbCanvas *self,
          PbLink   *link,
          GtkWidget *view)
{
  g_autofree char *from = describe_end (self->document, pb_link_get_source (link));
  g_autofree char *to = describe_end (self->document, pb_link_get_sink (link));
  /* Translators: a pinned probe's title: the ports its link joins. */
  g_autofree char *title = g_strdup_printf (_("%s → %s"), from, to);
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");

  gtk_widget_add_css_class (card, "probe-pin");
  gtk_widget_add_css_class (card, "card");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_add_css_class (close, "circular");
  gtk_widget_set_tooltip_text (close, _("Unpin Probe"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (close),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Unpin Probe"),
                                  -1);
  g_object_set_data_full (G_OBJECT (close), "pb-link", g_object_ref (link), g_object_unref);
  g_signal_connect (close, "clicked", G_CALLBACK (on_unpin_clicked), self);
  gtk_box_append (GTK_BOX (header), label);
  gtk_box_append (GTK_BOX (header), close);
  gtk_box_append (GTK_BOX (card), header);
  gtk_box_append (GTK_BOX (card), view);
  gtk_accessible_update_property (GTK_ACCESSIBLE (card),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  return card;
}

/**
 * pb_canvas_pin_probe:
 * @link: a link of the canvas's document
 *
 * Pins a probe on @link: a card under the wire that shows, live, the
 * latest items that crossed it and their rate. Pinning a link pinned
 * already gives the probe it has.
 *
 * Returns: (transfer none): the card's #PbProbeView
 */
GtkWidget *
pb_canvas_pin_probe (PbCanvas *self,
                     PbLink   *link)
{
  GtkWidget *view, *card;

  g_return_val_if_fail (PB_IS_CANVAS (self), NULL);
  g_return_val_if_fail (PB_IS_LINK (link), NULL);
  g_return_val_if_fail (self->document != NULL, NULL);

  if ((view = pb_canvas_get_probe (self, link)) != NULL)
    return view;
  view = pb_probe_view_new (self->document);
  pb_probe_view_set_link (PB_PROBE_VIEW (view), link);
  card = new_card (self, link, view);
  gtk_widget_set_parent (card, GTK_WIDGET (self));
  g_hash_table_insert (self->pins, g_object_ref (link), card);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  return view;
}

/**
 * pb_canvas_unpin_probe:
 * @link: a link with a pinned probe, or without
 *
 * Takes the probe pinned on @link away, if there is one.
 */
void
pb_canvas_unpin_probe (PbCanvas *self,
                       PbLink   *link)
{
  GtkWidget *card;

  g_return_if_fail (PB_IS_CANVAS (self));

  if ((card = g_hash_table_lookup (self->pins, link)) == NULL)
    return;
  gtk_widget_unparent (card);
  g_hash_table_remove (self->pins, link);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

/**
 * pb_canvas_get_probe:
 *
 * Returns: (transfer none) (nullable): the #PbProbeView pinned on @link
 */
GtkWidget *
pb_canvas_get_probe (PbCanvas *self,
                     PbLink   *link)
{
  GtkWidget *card;

  g_return_val_if_fail (PB_IS_CANVAS (self), NULL);

  card = g_hash_table_lookup (self->pins, link);
  return card != NULL ? gtk_widget_get_last_child (card) : NULL;
}

/* Drops the pins of links the document no longer has: a deleted wire
 * takes its probe with it. */
void
_pb_canvas_prune_pins (PbCanvas *self)
{
  GListModel *links = self->document != NULL ? pb_document_get_links (self->document) : NULL;
  g_autoptr(GHashTable) alive = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer link, card;

  if (g_hash_table_size (self->pins) == 0)
    return;
  for (guint i = 0; links != NULL && i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) item = g_list_model_get_item (links, i);

      g_hash_table_add (alive, item);
    }
  g_hash_table_iter_init (&iter, self->pins);
  while (g_hash_table_iter_next (&iter, &link, &card))
    if (!g_hash_table_contains (alive, link))
      {
        gtk_widget_unparent (card);
        g_hash_table_iter_remove (&iter);
      }
}

/* The lowest edge of the node views @link joins, in the canvas's
 * allocation: a card goes under both, so that it never hides the
 * figures of the nodes whose wire it watches. */
static double
below_ends (PbCanvas *self,
            PbLink   *link,
            double    y)
{
  pb_addr ends[] = { pb_link_get_source (link), pb_link_get_sink (link) };

  for (guint i = 0; i < G_N_ELEMENTS (ends); i++)
    {
      PbNode *node = pb_document_find_node (self->document, ends[i]);
      GtkWidget *view = node != NULL ? pb_canvas_find_view (self, node) : NULL;
      graphene_rect_t bounds;

      if (view != NULL && gtk_widget_compute_bounds (view, GTK_WIDGET (self), &bounds))
        y = MAX (y, bounds.origin.y + bounds.size.height);
    }
  return y;
}

/* Places each card, at its natural size, centred on its wire's middle
 * and under the nodes it joins. Cards keep their size at every zoom: a
 * probe is read, and a few pixels of text are not. A wire off its
 * nodes hides its card. */
void
_pb_canvas_allocate_pins (PbCanvas *self)
{
  GHashTableIter iter;
  gpointer link, card;

  g_hash_table_iter_init (&iter, self->pins);
  while (g_hash_table_iter_next (&iter, &link, &card))
    {
      PbWire wire;
      double x, y;
      int w, h;

      gtk_widget_set_child_visible (card, _pb_canvas_link_wire (self, link, &wire));
      if (!gtk_widget_get_child_visible (card))
        continue;
      pb_wire_point (&wire, 0.5, &x, &y);
      y = below_ends (self, link, y);
      gtk_widget_measure (card, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
      gtk_widget_measure (card, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
      gtk_widget_allocate (card, w, h, -1,
                           gsk_transform_translate (NULL,
                                                    &GRAPHENE_POINT_INIT (round (x - w / 2.0),
                                                                          round (y + PIN_GAP))));
    }
}

/* Draws the cards, over the nodes. */
void
_pb_canvas_snapshot_pins (PbCanvas    *self,
                          GtkSnapshot *snapshot)
{
  GHashTableIter iter;
  gpointer card;

  g_hash_table_iter_init (&iter, self->pins);
  while (g_hash_table_iter_next (&iter, NULL, &card))
    gtk_widget_snapshot_child (GTK_WIDGET (self), card, snapshot);
}

/* Unpins every probe: the document they watch is going. */
void
_pb_canvas_clear_pins (PbCanvas *self)
{
  GHashTableIter iter;
  gpointer card;

  g_hash_table_iter_init (&iter, self->pins);
  while (g_hash_table_iter_next (&iter, NULL, &card))
    {
      gtk_widget_unparent (card);
      g_hash_table_iter_remove (&iter);
    }
}

/* canvas.toggle-probe: pins a probe on the link whose menu is open, or
 * unpins the one it has. */
static void
toggle_probe (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(PbLink) link = g_steal_pointer (&self->menu_link);

  if (link == NULL || self->document == NULL)
    return;
  if (pb_canvas_get_probe (self, link) != NULL)
    pb_canvas_unpin_probe (self, link);
  else
    pb_canvas_pin_probe (self, link);
}

void
_pb_canvas_class_add_probes (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "canvas.toggle-probe", NULL, toggle_probe);
}
