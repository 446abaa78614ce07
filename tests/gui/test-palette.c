/* test-palette.c — the palette of kinds: catalogue, search, activation, drag
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <pushback/kinds.h>

#include "gui-test-utils.h"
#include "pb-palette.h"

typedef struct
{
  GtkWindow      *window;
  PbPalette      *palette;
  GtkSearchEntry *search_entry;
  GtkListBox     *list_box;
  GPtrArray      *activated;
} Fixture;

static void
kind_activated_cb (PbPalette  *palette,
                   const char *kind,
                   Fixture    *fixture)
{
  g_ptr_array_add (fixture->activated, g_strdup (kind));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->palette = g_object_ref_sink (PB_PALETTE (pb_palette_new ()));
  fixture->activated = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (fixture->palette, "kind-activated", G_CALLBACK (kind_activated_cb), fixture);

  fixture->window = gui_test_show (GTK_WIDGET (fixture->palette), 250, 760);
  fixture->search_entry = GTK_SEARCH_ENTRY (gui_test_find (GTK_WIDGET (fixture->palette), GTK_TYPE_SEARCH_ENTRY));
  fixture->list_box = GTK_LIST_BOX (gui_test_find (GTK_WIDGET (fixture->palette), GTK_TYPE_LIST_BOX));
  g_assert_nonnull (fixture->search_entry);
  g_assert_nonnull (fixture->list_box);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  g_ptr_array_unref (fixture->activated);
  g_assert_finalize_object (fixture->palette);
}

/* The kind a row offers, as its drag source gives it to the canvas. */
static char *
row_dup_dragged_kind (GtkListBoxRow *row)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (row));
  guint i;

  for (i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      g_autoptr(GdkContentProvider) content = NULL;
      g_auto(GValue) value = G_VALUE_INIT;

      if (!GTK_IS_DRAG_SOURCE (controller))
        continue;

      g_signal_emit_by_name (controller, "prepare", 10.0, 10.0, &content);
      g_assert_nonnull (content);
      g_value_init (&value, G_TYPE_STRING);
      g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
      return g_value_dup_string (&value);
    }

  return NULL;
}

static GPtrArray *
shown_kinds (Fixture *fixture)
{
  GPtrArray *kinds = g_ptr_array_new_with_free_func (g_free);
  GtkListBoxRow *row;
  int i;

  for (i = 0; (row = gtk_list_box_get_row_at_index (fixture->list_box, i)) != NULL; i++)
    g_ptr_array_add (kinds, row_dup_dragged_kind (row));

  return kinds;
}

static gboolean
contains_kind (GPtrArray  *kinds,
               const char *kind)
{
  return g_ptr_array_find_with_equal_func (kinds, kind, g_str_equal, NULL);
}

typedef struct
{
  const char *text;
  gboolean    done;
} Search;

static void
search_changed_cb (GtkSearchEntry *entry,
                   Search         *search)
{
  if (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (entry)), search->text))
    search->done = TRUE;
}

/* Types @text into the search and waits for the list to follow, through
 * the search entry's own delay. Replacing text empties the entry first,
 * and the entry reports an empty search at once: that one is not it. */
static void
search (Fixture    *fixture,
        const char *text)
{
  Search pending = { text, FALSE };
  gulong id;

  id = g_signal_connect (fixture->search_entry, "search-changed", G_CALLBACK (search_changed_cb), &pending);
  gtk_editable_set_text (GTK_EDITABLE (fixture->search_entry), text);
  while (!pending.done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (fixture->search_entry, id);

  gui_test_wait_for_draw (GTK_WIDGET (fixture->window));
}

static void
test_palette_catalogue (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) kinds = shown_kinds (fixture);
  const char *headings[] = { "Sources", "Transforms", "Routing", "Sinks" };
  const char *category = NULL;
  guint n_headings = 0;
  size_t i;

  g_assert_cmpuint (kinds->len, ==, pb_kind_count ());
  for (i = 0; i < pb_kind_count (); i++)
    g_assert_true (contains_kind (kinds, pb_kind_name (pb_kind_at (i))));

  /* One heading per category, in order, each above a row of its own. */
  for (i = 0; i < kinds->len; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (fixture->list_box, (int) i);
      GtkWidget *header = gtk_list_box_row_get_header (row);
      const char *row_category = pb_kind_category (pb_kind_find (g_ptr_array_index (kinds, i)));

      if (header != NULL)
        {
          g_assert_cmpuint (n_headings, <, G_N_ELEMENTS (headings));
          g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (header)), ==, headings[n_headings]);
          n_headings++;
          category = row_category;
        }
      g_assert_cmpstr (row_category, ==, category);

      /* Every row tells its whole description and ports on hover. */
      g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (GTK_WIDGET (row)),
                                       pb_kind_description (pb_kind_find (g_ptr_array_index (kinds, i)))));
    }
  g_assert_cmpuint (n_headings, ==, G_N_ELEMENTS (headings));

  gui_test_save_png (GTK_WIDGET (fixture->window), "palette.png");
}

static void
test_palette_search (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) found = NULL;
  GtkStack *stack = GTK_STACK (gui_test_find (GTK_WIDGET (fixture->palette), GTK_TYPE_STACK));
  guint i;

  /* Words match names and descriptions, in any order, ignoring case. */
  search (fixture, "MEAN");
  found = shown_kinds (fixture);
  g_assert_true (contains_kind (found, "window-mean"));
  g_assert_true (contains_kind (found, "stats"));
  g_assert_false (contains_kind (found, "map"));
  for (i = 0; i < found->len; i++)
    {
      const pb_kind *kind = pb_kind_find (g_ptr_array_index (found, i));
      g_autofree char *text = g_ascii_strdown (pb_kind_description (kind), -1);

      g_assert_true (strstr (pb_kind_name (kind), "mean") != NULL || strstr (text, "mean") != NULL);
    }
  g_clear_pointer (&found, g_ptr_array_unref);

  search (fixture, "window mean");
  found = shown_kinds (fixture);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (found, 0), ==, "window-mean");
  g_assert_nonnull (gtk_list_box_row_get_header (gtk_list_box_get_row_at_index (fixture->list_box, 0)));
  g_clear_pointer (&found, g_ptr_array_unref);
  gui_test_save_png (GTK_WIDGET (fixture->window), "palette-search.png");

  search (fixture, "no such kind");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  gui_test_save_png (GTK_WIDGET (fixture->window), "palette-empty.png");

  search (fixture, "");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");
  found = shown_kinds (fixture);
  g_assert_cmpuint (found->len, ==, pb_kind_count ());
}

static void
test_palette_activate (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) kinds = shown_kinds (fixture);
  int map = -1;
  guint i;

  for (i = 0; i < kinds->len; i++)
    if (g_str_equal (g_ptr_array_index (kinds, i), "map"))
      map = (int) i;
  g_assert_cmpint (map, >=, 0);

  /* Enter or a double click on a row. */
  gtk_widget_activate (GTK_WIDGET (gtk_list_box_get_row_at_index (fixture->list_box, map)));
  g_assert_cmpuint (fixture->activated->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->activated, 0), ==, "map");

  /* Enter in the search adds the first match, even before the search's
   * delay has run out. */
  gtk_editable_set_text (GTK_EDITABLE (fixture->search_entry), "round");
  g_signal_emit_by_name (fixture->search_entry, "activate");
  g_assert_cmpuint (fixture->activated->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->activated, 1), ==, "round-robin");
}

static void
test_palette_drag (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) kinds = shown_kinds (fixture);

  /* shown_kinds() reads each row's drag content: every row offers its
   * kind by name, as a string the canvas can drop. */
  g_assert_cmpuint (kinds->len, ==, pb_kind_count ());
  g_assert_cmpstr (g_ptr_array_index (kinds, 0), ==, "seq");
}

static GtkEventController *
find_key_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  guint i;

  for (i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        return controller;
    }

  return NULL;
}

static void
test_palette_keyboard (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkEventController *keys = find_key_controller (GTK_WIDGET (fixture->search_entry));
  GtkWidget *first = GTK_WIDGET (gtk_list_box_get_row_at_index (fixture->list_box, 0));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (fixture->palette));
  gboolean handled = FALSE;

  g_assert_nonnull (keys);

  /* Down in the search goes to the first row... */
  gtk_widget_grab_focus (GTK_WIDGET (fixture->search_entry));
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Down, 0, 0, &handled);
  g_assert_true (handled);
  g_assert_true (gtk_root_get_focus (root) == first);

  /* ... other keys are the search's ... */
  handled = TRUE;
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_a, 0, 0, &handled);
  g_assert_false (handled);

  /* ... and up from the first row comes back to the search. */
  g_signal_emit_by_name (fixture->list_box, "keynav-failed", GTK_DIR_UP, &handled);
  g_assert_true (handled);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (root), GTK_WIDGET (fixture->search_entry)));

  /* Typing anywhere in the palette types into the search. */
  g_assert_true (gtk_search_entry_get_key_capture_widget (fixture->search_entry) == GTK_WIDGET (fixture->palette));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_isolate_data ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/pushback/palette/catalogue", Fixture, NULL,
              fixture_set_up, test_palette_catalogue, fixture_tear_down);
  g_test_add ("/pushback/palette/search", Fixture, NULL,
              fixture_set_up, test_palette_search, fixture_tear_down);
  g_test_add ("/pushback/palette/activate", Fixture, NULL,
              fixture_set_up, test_palette_activate, fixture_tear_down);
  g_test_add ("/pushback/palette/drag", Fixture, NULL,
              fixture_set_up, test_palette_drag, fixture_tear_down);
  g_test_add ("/pushback/palette/keyboard", Fixture, NULL,
              fixture_set_up, test_palette_keyboard, fixture_tear_down);

  return g_test_run ();
}
