/* pb-palette.c — every kind of process, to add to the topology
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The palette lists the catalogue grouped by category, with a search at
 * the top. It never adds a process itself: activating a row emits
 * PbPalette::kind-activated for the window, and dragging a row offers the
 * kind's name as a string for the canvas to drop.
 *
 * A GtkListBox rather than a GtkListView: the catalogue is a few dozen
 * kinds, and GTK 4.8's list views have no section headers (those came in
 * 4.12), while a list box has header rows that are not focusable.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "pb-kind-item.h"
#include "pb-palette.h"

struct _PbPalette
{
  GtkWidget           parent_instance;

  GtkFilterListModel *filter_model;

  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkListBox         *list_box;
};

G_DEFINE_FINAL_TYPE (PbPalette, pb_palette, GTK_TYPE_WIDGET)

enum {
  KIND_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The categories in the order the palette shows them. The catalogue keeps
 * its own order (the c kind, a transform, comes last), so the list is
 * built category by category rather than in catalogue order. */
static const struct
{
  const char *category;
  const char *title;
} categories[] = {
  { "source",    N_("Sources") },
  { "transform", N_("Transforms") },
  { "routing",   N_("Routing") },
  { "sink",      N_("Sinks") },
};

static GQuark item_quark;

static PbKindItem *
row_get_item (GtkListBoxRow *row)
{
  return g_object_get_qdata (G_OBJECT (row), item_quark);
}

static const char *
category_title (const char *category)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (categories); i++)
    if (g_str_equal (categories[i].category, category))
      return _(categories[i].title);

  return category;
}

static GListModel *
create_catalogue (void)
{
  GListStore *store = g_list_store_new (PB_TYPE_KIND_ITEM);
  guint c;
  size_t i;

  for (c = 0; c < G_N_ELEMENTS (categories); c++)
    for (i = 0; i < pb_kind_count (); i++)
      {
        const pb_kind *kind = pb_kind_at (i);
        g_autoptr(PbKindItem) item = NULL;

        if (!g_str_equal (pb_kind_category (kind), categories[c].category))
          continue;
        item = pb_kind_item_new (kind);
        g_list_store_append (store, item);
      }

  return G_LIST_MODEL (store);
}

static gboolean
filter_item (gpointer item,
             gpointer user_data)
{
  PbPalette *self = user_data;

  return pb_kind_item_matches (item, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 PbKindItem    *item)
{
  return gdk_content_provider_new_typed (G_TYPE_STRING, pb_kind_item_get_name (item));
}

/* The row itself under the pointer, so the user sees what they carry. */
static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               gpointer       user_data)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (row);
  GdkEventSequence *sequence = gtk_gesture_single_get_current_sequence (GTK_GESTURE_SINGLE (source));
  double x;
  double y;

  if (!gtk_gesture_get_point (GTK_GESTURE (source), sequence, &x, &y))
    x = y = 0;
  gtk_drag_source_set_icon (source, paintable, (int) x, (int) y);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  PbKindItem *kind = item;
  g_autofree char *ports = pb_kind_item_dup_ports (kind);
  g_autofree char *tooltip = NULL;
  GtkDragSource *drag_source;
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *name;
  GtkWidget *description;

  name = g_object_new (GTK_TYPE_LABEL,
                       "label", pb_kind_item_get_name (kind),
                       "xalign", 0.0f,
                       NULL);

  /* Two lines at most: the tooltip holds the whole text. */
  description = g_object_new (GTK_TYPE_LABEL,
                              "label", pb_kind_item_get_description (kind),
                              "xalign", 0.0f,
                              "wrap", TRUE,
                              "wrap-mode", PANGO_WRAP_WORD_CHAR,
                              "lines", 2,
                              "ellipsize", PANGO_ELLIPSIZE_END,
                              "max-width-chars", 30,
                              "css-classes", (const char *[]) { "caption", "dim-label", NULL },
                              NULL);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), description);

  tooltip = g_strdup_printf ("%s\n%s", pb_kind_item_get_description (kind), ports);
  row = g_object_new (GTK_TYPE_LIST_BOX_ROW,
                      "child", box,
                      "tooltip-text", tooltip,
                      NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, pb_kind_item_get_name (kind),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, pb_kind_item_get_description (kind),
                                  -1);
  g_object_set_qdata_full (G_OBJECT (row), item_quark, g_object_ref (kind), g_object_unref);

  drag_source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (drag_source, GDK_ACTION_COPY);
  g_signal_connect (drag_source, "prepare", G_CALLBACK (drag_prepare_cb), kind);
  g_signal_connect (drag_source, "drag-begin", G_CALLBACK (drag_begin_cb), NULL);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (drag_source));

  return row;
}

/* A heading above the first row of each category still shown. */
static void
update_header (GtkListBoxRow *row,
               GtkListBoxRow *before,
               gpointer       user_data)
{
  const char *category = pb_kind_item_get_category (row_get_item (row));
  GtkWidget *header;

  if (before != NULL && g_str_equal (category, pb_kind_item_get_category (row_get_item (before))))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = g_object_new (GTK_TYPE_LABEL,
                         "label", category_title (category),
                         "xalign", 0.0f,
                         "margin-top", before != NULL ? 18 : 6,
                         "margin-bottom", 6,
                         "margin-start", 14,
                         "margin-end", 14,
                         "css-classes", (const char *[]) { "heading", NULL },
                         "accessible-role", GTK_ACCESSIBLE_ROLE_HEADING,
                         NULL);
  gtk_list_box_row_set_header (row, header);
}

static void
search_changed_cb (PbPalette *self)
{
  gtk_filter_changed (gtk_filter_list_model_get_filter (self->filter_model),
                      GTK_FILTER_CHANGE_DIFFERENT);
  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) > 0 ?
                                    "list" : "empty");
}

static void
activate_row (PbPalette     *self,
              GtkListBoxRow *row)
{
  g_signal_emit (self, signals[KIND_ACTIVATED], 0, pb_kind_item_get_name (row_get_item (row)));
}

static void
row_activated_cb (PbPalette     *self,
                  GtkListBoxRow *row)
{
  activate_row (self, row);
}

/* Enter in the search adds the first match, so that typing a kind's name
 * and Enter is enough. The search may still be pending its delay. */
static void
search_activated_cb (PbPalette *self)
{
  GtkListBoxRow *row;

  search_changed_cb (self);
  row = gtk_list_box_get_row_at_index (self->list_box, 0);
  if (row != NULL)
    activate_row (self, row);
}

static void
stop_search_cb (PbPalette *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* Down from the search goes into the list, and up from the first row
 * back to the search, as in GNOME Settings' search. */
static gboolean
search_key_pressed_cb (PbPalette       *self,
                       guint            keyval,
                       guint            keycode,
                       GdkModifierType  state)
{
  GtkListBoxRow *row;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return GDK_EVENT_PROPAGATE;

  row = gtk_list_box_get_row_at_index (self->list_box, 0);
  if (row == NULL)
    return GDK_EVENT_PROPAGATE;

  gtk_widget_grab_focus (GTK_WIDGET (row));
  return GDK_EVENT_STOP;
}

static gboolean
list_keynav_failed_cb (PbPalette        *self,
                       GtkDirectionType  direction)
{
  if (direction != GTK_DIR_UP)
    return FALSE;

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

/**
 * pb_palette_new:
 *
 * Returns: (transfer floating): a palette of every kind of the catalogue
 */
GtkWidget *
pb_palette_new (void)
{
  return g_object_new (PB_TYPE_PALETTE, NULL);
}

static void
pb_palette_dispose (GObject *object)
{
  PbPalette *self = PB_PALETTE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_PALETTE);
  g_clear_object (&self->filter_model);

  G_OBJECT_CLASS (pb_palette_parent_class)->dispose (object);
}

static void
pb_palette_class_init (PbPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_palette_dispose;

  item_quark = g_quark_from_static_string ("pb-palette-kind-item");

  /**
   * PbPalette::kind-activated:
   * @kind: the name of the kind, such as "map"
   *
   * The user asked to add a process of @kind, with Enter or a double
   * click on its row, or Enter in the search for its first match.
   */
  signals[KIND_ACTIVATED] =
    g_signal_new ("kind-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/pushback/Pushback/ui/pb-palette.ui");
  gtk_widget_class_bind_template_child (widget_class, PbPalette, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PbPalette, stack);
  gtk_widget_class_bind_template_child (widget_class, PbPalette, list_box);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_key_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_keynav_failed_cb);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pb_palette_init (PbPalette *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->filter_model = gtk_filter_list_model_new (create_catalogue (),
                                                  GTK_FILTER (gtk_custom_filter_new (filter_item, self, NULL)));

  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->filter_model),
                           create_row, NULL, NULL);
  gtk_list_box_set_header_func (self->list_box, update_header, NULL, NULL);

  /* Typing anywhere in the palette searches. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
}
