/* pb-find-bar.c — find processes by name, kind or parameter value
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A search bar over the canvas. As a person types, every node whose name,
 * kind or any parameter value holds the text is marked (the "find-match"
 * style class on its view); Enter selects the next match and brings it
 * into view, Shift+Enter the one before. Finding changes nothing in the
 * document.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "pb-find-bar.h"

struct _PbFindBar
{
  GtkWidget       parent_instance;

  PbCanvas       *canvas;
  GtkSearchBar   *bar;
  GtkSearchEntry *entry;
  GtkLabel       *count;
  GPtrArray      *matches;  /* PbNode, in the order of the nodes model */
};

G_DEFINE_FINAL_TYPE (PbFindBar, pb_find_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CANVAS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
holds (const char *haystack,
       const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;
  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle) != NULL;
}

/**
 * pb_find_bar_node_matches:
 * @text: what a person typed
 *
 * Returns: whether @node's name, kind or a parameter value holds @text,
 *   ignoring case
 */
gboolean
pb_find_bar_node_matches (PbNode     *node,
                          const char *text)
{
  g_autofree char *needle = NULL;
  const pb_kind *kind;

  g_return_val_if_fail (PB_IS_NODE (node), FALSE);

  if (text == NULL || text[0] == '\0')
    return FALSE;
  needle = g_utf8_casefold (text, -1);
  if (holds (pb_node_get_name (node), needle) || holds (pb_node_get_kind_name (node), needle))
    return TRUE;
  kind = pb_node_get_kind (node);
  for (size_t i = 0; i < pb_kind_n_params (kind); i++)
    if (holds (pb_node_get_param (node, pb_kind_param (kind, i)->name), needle))
      return TRUE;
  return FALSE;
}

static void
mark (PbFindBar *self,
      PbNode    *node,
      gboolean   match)
{
  GtkWidget *view = pb_canvas_find_view (self->canvas, node);

  PbFrame *frame = pb_document_get_frame_of (pb_canvas_get_document (self->canvas),
                                             pb_node_get_address (node));
  GtkWidget *box = frame != NULL ? pb_canvas_find_frame_view (self->canvas, frame) : NULL;

  if (view == NULL)
    return;
  if (match)
    gtk_widget_add_css_class (view, "find-match");
  else
    gtk_widget_remove_css_class (view, "find-match");

  /* A match hidden in a collapsed frame marks the frame's box: it is
   * where the node is. */
  if (box != NULL)
    {
      gsize n;
      const pb_addr *members = pb_frame_get_members (frame, &n);
      gboolean any = FALSE;

      for (gsize i = 0; i < n && !any; i++)
        {
          PbNode *member = pb_document_find_node (pb_canvas_get_document (self->canvas), members[i]);
          GtkWidget *member_view = member != NULL ? pb_canvas_find_view (self->canvas, member) : NULL;

          any = member_view != NULL && gtk_widget_has_css_class (member_view, "find-match");
        }
      if (any && pb_frame_get_collapsed (frame))
        gtk_widget_add_css_class (box, "find-match");
      else
        gtk_widget_remove_css_class (box, "find-match");
    }
}

static void
update_count (PbFindBar *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  PbNode *selected = self->canvas != NULL ? pb_canvas_get_selected_node (self->canvas) : NULL;
  g_autofree char *label = NULL;
  guint at = 0;

  if (text[0] == '\0')
    {
      gtk_label_set_label (self->count, "");
      return;
    }
  if (self->matches->len == 0)
    {
      gtk_label_set_label (self->count, _("No matches"));
      return;
    }
  if (selected != NULL && g_ptr_array_find (self->matches, selected, &at))
    /* Translators: which match of how many is selected, as in "2 of 5". */
    label = g_strdup_printf (_("%u of %u"), at + 1, self->matches->len);
  else
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u match", "%u matches", self->matches->len),
                             self->matches->len);
  gtk_label_set_label (self->count, label);
}

static void
clear_marks (PbFindBar *self)
{
  for (guint i = 0; i < self->matches->len; i++)
    mark (self, g_ptr_array_index (self->matches, i), FALSE);
  g_ptr_array_set_size (self->matches, 0);
}

/* Marks every node that matches what the entry holds now. */
static void
refresh (PbFindBar *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  PbDocument *document = self->canvas != NULL ? pb_canvas_get_document (self->canvas) : NULL;
  GListModel *nodes;

  clear_marks (self);
  if (document != NULL && gtk_search_bar_get_search_mode (self->bar))
    {
      nodes = pb_document_get_nodes (document);
      for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
        {
          g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

          if (pb_find_bar_node_matches (node, text))
            {
              g_ptr_array_add (self->matches, g_object_ref (node));
              mark (self, node, TRUE);
            }
        }
    }
  update_count (self);
}

/* Selects the match after (or before) the selected node and centres the
 * view on it. */
static void
jump (PbFindBar *self,
      int        step)
{
  PbNode *selected;
  PbNode *node;
  guint at;

  refresh (self);
  if (self->matches->len == 0)
    return;

  selected = pb_canvas_get_selected_node (self->canvas);
  if (selected != NULL && g_ptr_array_find (self->matches, selected, &at))
    at = (at + self->matches->len + step) % self->matches->len;
  else
    at = step > 0 ? 0 : self->matches->len - 1;
  node = g_ptr_array_index (self->matches, at);

  pb_canvas_reveal_node (self->canvas, node);

  /* Typing goes on in the entry. */
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
  update_count (self);
}

/**
 * pb_find_bar_next:
 *
 * Selects the next node that matches, and reveals it.
 */
void
pb_find_bar_next (PbFindBar *self)
{
  g_return_if_fail (PB_IS_FIND_BAR (self));

  jump (self, 1);
}

static void
on_previous (PbFindBar *self)
{
  jump (self, -1);
}

static gboolean
on_entry_key (GtkEventControllerKey *controller,
              guint                  keyval,
              guint                  keycode,
              GdkModifierType        state,
              PbFindBar             *self)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) && (state & GDK_SHIFT_MASK))
    {
      jump (self, -1);
      return TRUE;
    }
  return FALSE;
}

static void
on_search_mode (PbFindBar *self)
{
  if (!gtk_search_bar_get_search_mode (self->bar) && self->canvas != NULL)
    {
      PbNode *found = pb_canvas_get_selected_node (self->canvas);
      GtkWidget *view = found != NULL ? pb_canvas_find_view (self->canvas, found) : NULL;

      clear_marks (self);
      /* Closed on what it found, the keyboard goes on from there: Tab
       * leaves that node for the next, not the first of the canvas. */
      if (view == NULL || !gtk_widget_grab_focus (view))
        gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
}

/**
 * pb_find_bar_begin:
 *
 * Shows the bar with its entry focused and its text selected, and marks
 * what that text matches.
 */
void
pb_find_bar_begin (PbFindBar *self)
{
  g_return_if_fail (PB_IS_FIND_BAR (self));

  gtk_search_bar_set_search_mode (self->bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
  refresh (self);
}

/**
 * pb_find_bar_set_text:
 *
 * Finds @text, as if typed.
 */
void
pb_find_bar_set_text (PbFindBar  *self,
                      const char *text)
{
  g_return_if_fail (PB_IS_FIND_BAR (self));

  gtk_search_bar_set_search_mode (self->bar, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  refresh (self);
}

/**
 * pb_find_bar_get_n_matches:
 *
 * Returns: how many nodes match the text now
 */
guint
pb_find_bar_get_n_matches (PbFindBar *self)
{
  g_return_val_if_fail (PB_IS_FIND_BAR (self), 0);

  return self->matches->len;
}

static void
pb_find_bar_dispose (GObject *object)
{
  PbFindBar *self = PB_FIND_BAR (object);

  if (self->canvas != NULL)
    clear_marks (self);
  g_clear_object (&self->canvas);
  if (self->bar != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->bar));
      self->bar = NULL;
    }

  G_OBJECT_CLASS (pb_find_bar_parent_class)->dispose (object);
}

static void
pb_find_bar_finalize (GObject *object)
{
  PbFindBar *self = PB_FIND_BAR (object);

  g_ptr_array_unref (self->matches);

  G_OBJECT_CLASS (pb_find_bar_parent_class)->finalize (object);
}

static void
pb_find_bar_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  PbFindBar *self = PB_FIND_BAR (object);

  switch (prop_id)
    {
    case PROP_CANVAS:
      g_value_set_object (value, self->canvas);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_find_bar_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  PbFindBar *self = PB_FIND_BAR (object);

  switch (prop_id)
    {
    case PROP_CANVAS:
      clear_marks (self);
      g_set_object (&self->canvas, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_find_bar_class_init (PbFindBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_find_bar_dispose;
  object_class->finalize = pb_find_bar_finalize;
  object_class->get_property = pb_find_bar_get_property;
  object_class->set_property = pb_find_bar_set_property;

  properties[PROP_CANVAS] =
    g_param_spec_object ("canvas", NULL, NULL, PB_TYPE_CANVAS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "findbar");
}

static void
pb_find_bar_init (PbFindBar *self)
{
  GtkWidget *box, *previous, *next;
  GtkEventController *keys;

  self->matches = g_ptr_array_new_with_free_func (g_object_unref);

  self->entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->entry, "placeholder-text", _("Find a name, kind or value"), NULL);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 28);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Find processes"),
                                  -1);
  g_signal_connect_swapped (self->entry, "search-changed", G_CALLBACK (refresh), self);
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (pb_find_bar_next), self);
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_entry_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);

  self->count = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->count), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->count), "numeric");
  gtk_label_set_width_chars (self->count, 10);

  previous = gtk_button_new_from_icon_name ("go-up-symbolic");
  gtk_widget_set_tooltip_text (previous, _("Previous Match"));
  g_signal_connect_swapped (previous, "clicked", G_CALLBACK (on_previous), self);
  next = gtk_button_new_from_icon_name ("go-down-symbolic");
  gtk_widget_set_tooltip_text (next, _("Next Match"));
  g_signal_connect_swapped (next, "clicked", G_CALLBACK (pb_find_bar_next), self);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->entry));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->count));
  {
    GtkWidget *linked = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

    gtk_widget_add_css_class (linked, "linked");
    gtk_box_append (GTK_BOX (linked), previous);
    gtk_box_append (GTK_BOX (linked), next);
    gtk_box_append (GTK_BOX (box), linked);
  }

  self->bar = GTK_SEARCH_BAR (gtk_search_bar_new ());
  gtk_search_bar_set_child (self->bar, box);
  gtk_search_bar_set_show_close_button (self->bar, TRUE);
  gtk_search_bar_connect_entry (self->bar, GTK_EDITABLE (self->entry));
  g_signal_connect_swapped (self->bar, "notify::search-mode-enabled", G_CALLBACK (on_search_mode), self);
  gtk_widget_set_parent (GTK_WIDGET (self->bar), GTK_WIDGET (self));
}

/**
 * pb_find_bar_new:
 *
 * Returns: (transfer floating): a find bar for @canvas, hidden
 */
GtkWidget *
pb_find_bar_new (PbCanvas *canvas)
{
  return g_object_new (PB_TYPE_FIND_BAR, "canvas", canvas, NULL);
}
