/* test-inspector.c — the inspector: rows per parameter, requests, errors
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gtksourceview/gtksource.h>

#include "gui-test-utils.h"
#include "pb-inspector.h"
#include "pb-node.h"

typedef struct
{
  GtkWindow   *window;
  PbInspector *inspector;
  PbNode      *node;

  /* What the inspector asked for, as "KEY=VALUE" ("=NAME" for a rename). */
  GPtrArray   *requests;

  /* When set, requests are refused with this message, as the document
   * would; otherwise they are applied to the node. */
  const char  *refusal;
} Fixture;

static void
answer (Fixture    *fixture,
        PbNode     *node,
        const char *key,
        const char *value)
{
  g_assert_true (node == fixture->node);
  g_ptr_array_add (fixture->requests, g_strdup_printf ("%s=%s", key != NULL ? key : "", value));

  if (fixture->refusal != NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, fixture->refusal);

      pb_inspector_show_error (fixture->inspector, key, error);
    }
  else if (key == NULL)
    pb_node_set_name (node, value);
  else
    pb_node_set_param (node, key, value[0] != '\0' ? value : NULL);
}

/* A bypass request: recorded as "bypass=1" or "bypass=0", and applied
 * unless the fixture refuses. */
static void
bypass_requested_cb (PbInspector *inspector,
                     PbNode      *node,
                     gboolean     bypass,
                     Fixture     *fixture)
{
  g_assert_true (node == fixture->node);
  g_ptr_array_add (fixture->requests, g_strdup_printf ("bypass=%d", bypass));
  if (fixture->refusal != NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, fixture->refusal);

      pb_inspector_show_error (fixture->inspector, NULL, error);
    }
  else
    pb_node_set_bypassed (node, bypass);
}

static void
rename_requested_cb (PbInspector *inspector,
                     PbNode      *node,
                     const char  *name,
                     Fixture     *fixture)
{
  answer (fixture, node, NULL, name);
}

static void
param_requested_cb (PbInspector *inspector,
                    PbNode      *node,
                    const char  *key,
                    const char  *value,
                    Fixture     *fixture)
{
  answer (fixture, node, key, value);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *kind = data;

  fixture->inspector = g_object_ref_sink (PB_INSPECTOR (pb_inspector_new ()));
  fixture->requests = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (fixture->inspector, "rename-requested", G_CALLBACK (rename_requested_cb), fixture);
  g_signal_connect (fixture->inspector, "param-requested", G_CALLBACK (param_requested_cb), fixture);
  g_signal_connect (fixture->inspector, "bypass-requested", G_CALLBACK (bypass_requested_cb), fixture);

  if (kind != NULL)
    {
      fixture->node = pb_node_new (pb_addr_make (1, 1, 0), pb_kind_find (kind));
      pb_inspector_set_node (fixture->inspector, fixture->node);
    }

  fixture->window = gui_test_show (GTK_WIDGET (fixture->inspector), 360, 760);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  g_ptr_array_unref (fixture->requests);
  g_assert_finalize_object (fixture->inspector);
  if (fixture->node != NULL)
    g_assert_finalize_object (fixture->node);
}

static GtkSourceView *
find_code_view (Fixture    *fixture,
                const char *key)
{
  GtkWidget *group = gui_test_find_row (GTK_WIDGET (fixture->inspector), key);

  g_assert_true (ADW_IS_PREFERENCES_GROUP (group));
  return GTK_SOURCE_VIEW (gui_test_find (group, GTK_SOURCE_TYPE_VIEW));
}

static GtkWidget *
find_apply_button (Fixture    *fixture,
                   const char *key)
{
  GtkWidget *group = gui_test_find_row (GTK_WIDGET (fixture->inspector), key);
  g_autoptr(GPtrArray) buttons = gui_test_find_all (group, GTK_TYPE_BUTTON);
  guint i;

  for (i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), "Apply") == 0)
      return g_ptr_array_index (buttons, i);

  g_assert_not_reached ();
}

static char *
dup_buffer_text (GtkSourceView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_iter_get_text (&start, &end);
}

static guint
count_error_marks (GtkSourceView *view,
                   int            line)
{
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  GSList *marks = gtk_source_buffer_get_source_marks_at_line (buffer, line, "error");
  guint n = g_slist_length (marks);

  g_slist_free (marks);
  return n;
}

/* The label under a code editor: its one visible GtkLabel after the view. */
static GtkLabel *
find_code_message (Fixture    *fixture,
                   const char *key)
{
  GtkWidget *view = GTK_WIDGET (find_code_view (fixture, key));
  GtkWidget *scroller = gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW);

  return GTK_LABEL (gtk_widget_get_next_sibling (scroller));
}

static void
test_inspector_empty (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkWidget *status = gui_test_find (GTK_WIDGET (fixture->inspector), ADW_TYPE_STATUS_PAGE);

  g_assert_null (pb_inspector_get_node (fixture->inspector));
  g_assert_true (gtk_widget_get_mapped (status));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "No Process Selected");

  gui_test_save_png (GTK_WIDGET (fixture->window), "inspector-empty.png");
}

/* Every parameter of the kind has the editor its type asks for, in the
 * kind's order, and nothing else is there. */
static void
test_inspector_rows (Fixture       *fixture,
                     gconstpointer  data)
{
  const pb_kind *kind = pb_node_get_kind (fixture->node);
  g_autoptr(GPtrArray) entries = gui_test_find_all (GTK_WIDGET (fixture->inspector), ADW_TYPE_ENTRY_ROW);
  g_autoptr(GPtrArray) combos = gui_test_find_all (GTK_WIDGET (fixture->inspector), ADW_TYPE_COMBO_ROW);
  g_autoptr(GPtrArray) views = gui_test_find_all (GTK_WIDGET (fixture->inspector), GTK_SOURCE_TYPE_VIEW);
  guint n_entries = 1;
  guint n_combos = 0;
  guint n_views = 0;
  size_t i;

  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (entries, 0)), ==, "Name");
  g_assert_nonnull (gui_test_find_row (GTK_WIDGET (fixture->inspector), pb_kind_name (kind)));

  for (i = 0; i < pb_kind_n_params (kind); i++)
    {
      const pb_param_spec *spec = pb_kind_param (kind, i);
      GtkWidget *editor = gui_test_find_row (GTK_WIDGET (fixture->inspector), spec->name);

      g_test_message ("parameter %s", spec->name);
      g_assert_nonnull (editor);
      switch (spec->type)
        {
        case PB_PARAM_INT:
        case PB_PARAM_FLOAT:
          g_assert_true (editor == g_ptr_array_index (entries, n_entries++));
          g_assert_cmpint (adw_entry_row_get_input_purpose (ADW_ENTRY_ROW (editor)), ==, GTK_INPUT_PURPOSE_NUMBER);
          break;
        case PB_PARAM_STRING:
          g_assert_true (editor == g_ptr_array_index (entries, n_entries++));
          break;
        case PB_PARAM_CHOICE:
          g_assert_true (editor == g_ptr_array_index (combos, n_combos++));
          g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (editor))),
                           ==, spec->default_value);
          break;
        case PB_PARAM_EXPR:
        case PB_PARAM_CODE:
          g_assert_true (GTK_WIDGET (find_code_view (fixture, spec->name)) == g_ptr_array_index (views, n_views++));
          g_assert_cmpint (gtk_source_view_get_show_line_numbers (find_code_view (fixture, spec->name)),
                           ==, spec->type == PB_PARAM_CODE);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_assert_cmpuint (n_entries, ==, entries->len);
  g_assert_cmpuint (n_combos, ==, combos->len);
  g_assert_cmpuint (n_views, ==, views->len);
}

static void
test_inspector_apply_entry (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkWidget *row = gui_test_find_row (GTK_WIDGET (fixture->inspector), "max-emit");
  GtkWidget *name = gui_test_find_row (GTK_WIDGET (fixture->inspector), "Name");

  gtk_editable_set_text (GTK_EDITABLE (row), "4");
  g_signal_emit_by_name (row, "apply");
  g_assert_cmpuint (fixture->requests->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->requests, 0), ==, "max-emit=4");
  g_assert_cmpstr (pb_node_get_param (fixture->node, "max-emit"), ==, "4");

  /* The node changes from elsewhere (an undo): the field follows. */
  pb_node_set_param (fixture->node, "max-emit", "8");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "8");
  pb_node_set_param (fixture->node, "max-emit", NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");

  gtk_editable_set_text (GTK_EDITABLE (name), "square");
  g_signal_emit_by_name (name, "apply");
  g_assert_cmpstr (g_ptr_array_index (fixture->requests, 1), ==, "=square");
  g_assert_cmpstr (pb_node_get_name (fixture->node), ==, "square");
  pb_node_set_name (fixture->node, "cube");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "cube");
}

static void
test_inspector_apply_choice (Fixture       *fixture,
                             gconstpointer  data)
{
  GtkWidget *row = gui_test_find_row (GTK_WIDGET (fixture->inspector), "in");

  /* Picking a choice applies it at once. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 1);
  g_assert_cmpuint (fixture->requests->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->requests, 0), ==, "in=f64");

  /* And the node's changes select their choice without asking again. */
  pb_node_set_param (fixture->node, "in", "u8");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 2);
  g_assert_cmpuint (fixture->requests->len, ==, 1);
}

static void
test_inspector_apply_code (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkSourceView *view = find_code_view (fixture, "expr");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkWidget *apply = find_apply_button (fixture, "expr");
  g_autofree char *text = NULL;

  g_assert_false (gtk_widget_get_sensitive (apply));
  gtk_text_buffer_set_text (buffer, "x * 2", -1);
  g_assert_true (gtk_widget_get_sensitive (apply));

  g_signal_emit_by_name (apply, "clicked");
  g_assert_cmpuint (fixture->requests->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->requests, 0), ==, "expr=x * 2");
  g_assert_cmpstr (pb_node_get_param (fixture->node, "expr"), ==, "x * 2");
  g_assert_false (gtk_widget_get_sensitive (apply));

  /* Text being typed is not clobbered by the node's notifications. */
  gtk_text_buffer_set_text (buffer, "x * 3 +", -1);
  pb_node_set_param (fixture->node, "expr", "x * 4");
  text = dup_buffer_text (view);
  g_assert_cmpstr (text, ==, "x * 3 +");
}

/* Ctrl+Enter in a code editor applies it, as the Apply button does. */
static void
test_inspector_apply_shortcut (Fixture       *fixture,
                               gconstpointer  data)
{
  GtkSourceView *view = find_code_view (fixture, "code");
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (view));
  g_autoptr(GtkShortcut) shortcut = NULL;
  g_autofree char *trigger = NULL;
  guint i;

  for (i = 0; i < g_list_model_get_n_items (controllers) && shortcut == NULL; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_SHORTCUT_CONTROLLER (controller))
        shortcut = g_list_model_get_item (G_LIST_MODEL (controller), 0);
    }
  g_assert_nonnull (shortcut);
  trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
  g_assert_nonnull (strstr (trigger, "<Control>Return"));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "emit (x * x);", -1);
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                               GTK_WIDGET (view), NULL));
  g_assert_cmpuint (fixture->requests->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->requests, 0), ==, "code=emit (x * x);");
}

/* The C editors follow the desktop's dark style. */
static void
test_inspector_dark (Fixture       *fixture,
                     gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkSourceView *view = find_code_view (fixture, "code");
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));

  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buffer)), ==, "Adwaita");

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buffer)), ==, "Adwaita-dark");
  pb_node_set_param (fixture->node, "code", "if (x > 0)\n  emit (x);");
  gui_test_save_png (GTK_WIDGET (fixture->window), "inspector-c-dark.png");

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buffer)), ==, "Adwaita");
}

static void
test_inspector_show_error (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkWidget *row = gui_test_find_row (GTK_WIDGET (fixture->inspector), "max-emit");
  GtkWidget *error_row;

  fixture->refusal = "max-emit: 5000 is above the maximum, 1024";
  gtk_editable_set_text (GTK_EDITABLE (row), "5000");
  g_signal_emit_by_name (row, "apply");
  g_assert_cmpstr (g_ptr_array_index (fixture->requests, 0), ==, "max-emit=5000");

  /* The row is marked, says why, and keeps what the user typed. */
  error_row = gui_test_find_row (GTK_WIDGET (fixture->inspector), fixture->refusal);
  g_assert_nonnull (error_row);
  g_assert_true (gtk_widget_get_visible (error_row));
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "5000");
  g_assert_null (pb_node_get_param (fixture->node, "max-emit"));

  /* Another parameter changing leaves it alone. */
  pb_node_set_param (fixture->node, "in", "f64");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "5000");
  g_assert_true (gtk_widget_get_visible (error_row));
  gui_test_save_png (GTK_WIDGET (fixture->window), "inspector-c-refused.png");

  /* A value the document takes clears the mark. */
  fixture->refusal = NULL;
  gtk_editable_set_text (GTK_EDITABLE (row), "16");
  g_signal_emit_by_name (row, "apply");
  g_assert_false (gtk_widget_get_visible (error_row));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_cmpstr (pb_node_get_param (fixture->node, "max-emit"), ==, "16");
}

static void
test_inspector_compile_error (Fixture       *fixture,
                              gconstpointer  data)
{
  GtkSourceView *view = find_code_view (fixture, "expr");
  GtkLabel *message = find_code_message (fixture, "expr");
  GtkWidget *status;

  pb_node_set_param (fixture->node, "expr", "y + 1");
  g_assert_cmpuint (count_error_marks (view, 0), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));

  pb_node_set_status (fixture->node, PB_PROCESS_FAILED, "map0.expr:1: error: 'y' undeclared");
  g_assert_cmpuint (count_error_marks (view, 0), ==, 1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_cmpstr (gtk_label_get_text (message), ==, "Line 1: error: 'y' undeclared");

  status = gui_test_find_row (GTK_WIDGET (fixture->inspector), "map0.expr:1: error: 'y' undeclared");
  g_assert_nonnull (status);
  g_assert_true (gtk_widget_get_visible (status));
  g_assert_true (gtk_widget_has_css_class (status, "error"));
  gui_test_save_png (GTK_WIDGET (fixture->window), "inspector-map-failed.png");

  /* Mended: the mark and the message go. */
  pb_node_set_status (fixture->node, PB_PROCESS_READY, NULL);
  g_assert_cmpuint (count_error_marks (view, 0), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_false (gtk_widget_get_visible (status));
}

static void
test_inspector_compile_error_code (Fixture       *fixture,
                                   gconstpointer  data)
{
  GtkSourceView *code = find_code_view (fixture, "code");
  GtkSourceView *init = find_code_view (fixture, "init");

  pb_node_set_param (fixture->node, "state", "int64_t n;");
  pb_node_set_param (fixture->node, "code", "s->n++;\nif (s->n % 2)\n  emit (x) \n");
  pb_node_set_status (fixture->node, PB_PROCESS_FAILED, "c0.code:3: error: ';' expected (got \"}\")");

  g_assert_cmpuint (count_error_marks (code, 2), ==, 1);
  g_assert_cmpuint (count_error_marks (code, 0), ==, 0);
  g_assert_cmpuint (count_error_marks (init, 0), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (find_code_message (fixture, "init"))));
  g_assert_cmpstr (gtk_label_get_text (find_code_message (fixture, "code")), ==,
                   "Line 3: error: ';' expected (got \"}\")");

  gtk_widget_set_size_request (GTK_WIDGET (fixture->window), 360, 1500);
  gui_test_save_png (GTK_WIDGET (fixture->window), "inspector-c-failed.png");

  /* A failure that names no line marks nothing. */
  pb_node_set_status (fixture->node, PB_PROCESS_FAILED, "division by zero");
  g_assert_cmpuint (count_error_marks (code, 2), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (find_code_message (fixture, "code"))));
}

static void
test_inspector_switch_node (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(PbNode) other = pb_node_new (pb_addr_make (1, 2, 0), pb_kind_find ("seq"));

  pb_inspector_set_node (fixture->inspector, other);
  g_assert_nonnull (gui_test_find_row (GTK_WIDGET (fixture->inspector), "from"));
  g_assert_null (gui_test_find_row (GTK_WIDGET (fixture->inspector), "expr"));
  gui_test_save_png (GTK_WIDGET (fixture->window), "inspector-seq.png");

  /* The old node no longer drives the inspector. */
  pb_node_set_name (fixture->node, "old");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gui_test_find_row (GTK_WIDGET (fixture->inspector), "Name"))), ==, "");

  pb_inspector_set_node (fixture->inspector, NULL);
  g_assert_true (gtk_widget_get_mapped (gui_test_find (GTK_WIDGET (fixture->inspector), ADW_TYPE_STATUS_PAGE)));
}

/* The Bypass switch: shown for kinds that can be bypassed, it asks, and
 * it shows what the node is, even when the request is refused. */
static void
test_inspector_bypass (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkSwitch *flip = GTK_SWITCH (gui_test_find (GTK_WIDGET (fixture->inspector), GTK_TYPE_SWITCH));
  g_autoptr(PbNode) sum = pb_node_new (pb_addr_make (1, 2, 0), pb_kind_find ("sum"));

  g_assert_nonnull (flip);
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (flip)));
  g_assert_false (gtk_switch_get_active (flip));

  gtk_switch_set_active (flip, TRUE);
  g_assert_cmpuint (fixture->requests->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->requests, 0), ==, "bypass=1");
  g_assert_true (pb_node_get_bypassed (fixture->node));
  g_assert_true (gtk_switch_get_active (flip));

  /* The node changed elsewhere (an undo): the switch follows, asking
   * nothing. */
  pb_node_set_bypassed (fixture->node, FALSE);
  g_assert_false (gtk_switch_get_active (flip));
  g_assert_cmpuint (fixture->requests->len, ==, 1);

  /* Refused: the switch goes back. */
  fixture->refusal = "cannot be bypassed";
  gtk_switch_set_active (flip, TRUE);
  g_assert_cmpuint (fixture->requests->len, ==, 2);
  g_assert_false (gtk_switch_get_active (flip));
  g_assert_false (pb_node_get_bypassed (fixture->node));
  fixture->refusal = NULL;

  /* A sum gives a number of what it takes: no switch. */
  pb_inspector_set_node (fixture->inspector, sum);
  g_assert_false (gtk_widget_is_visible (GTK_WIDGET (flip)));
  pb_inspector_set_node (fixture->inspector, fixture->node);
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (flip)));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_isolate_data ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/pushback/inspector/empty", Fixture, NULL,
              fixture_set_up, test_inspector_empty, fixture_tear_down);
  g_test_add ("/pushback/inspector/rows/map", Fixture, "map",
              fixture_set_up, test_inspector_rows, fixture_tear_down);
  g_test_add ("/pushback/inspector/rows/c", Fixture, "c",
              fixture_set_up, test_inspector_rows, fixture_tear_down);
  g_test_add ("/pushback/inspector/rows/seq", Fixture, "seq",
              fixture_set_up, test_inspector_rows, fixture_tear_down);
  g_test_add ("/pushback/inspector/rows/file-out", Fixture, "file-out",
              fixture_set_up, test_inspector_rows, fixture_tear_down);
  g_test_add ("/pushback/inspector/apply/entry", Fixture, "c",
              fixture_set_up, test_inspector_apply_entry, fixture_tear_down);
  g_test_add ("/pushback/inspector/apply/choice", Fixture, "c",
              fixture_set_up, test_inspector_apply_choice, fixture_tear_down);
  g_test_add ("/pushback/inspector/apply/code", Fixture, "map",
              fixture_set_up, test_inspector_apply_code, fixture_tear_down);
  g_test_add ("/pushback/inspector/apply/shortcut", Fixture, "c",
              fixture_set_up, test_inspector_apply_shortcut, fixture_tear_down);
  g_test_add ("/pushback/inspector/dark", Fixture, "c",
              fixture_set_up, test_inspector_dark, fixture_tear_down);
  g_test_add ("/pushback/inspector/show-error", Fixture, "c",
              fixture_set_up, test_inspector_show_error, fixture_tear_down);
  g_test_add ("/pushback/inspector/compile-error/map", Fixture, "map",
              fixture_set_up, test_inspector_compile_error, fixture_tear_down);
  g_test_add ("/pushback/inspector/compile-error/c", Fixture, "c",
              fixture_set_up, test_inspector_compile_error_code, fixture_tear_down);
  g_test_add ("/pushback/inspector/switch-node", Fixture, "map",
              fixture_set_up, test_inspector_switch_node, fixture_tear_down);
  g_test_add ("/pushback/inspector/bypass", Fixture, "map",
              fixture_set_up, test_inspector_bypass, fixture_tear_down);

  return g_test_run ();
}
