/* pb-inspector.c — the name, kind, status and parameters of one process
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The inspector shows one PbNode and follows its notifications. It never
 * changes the node: applying a field emits a request that the window
 * passes to the document, which either changes the node (and the field
 * follows it) or refuses, and then the window calls
 * pb_inspector_show_error() so that the field keeps what the user typed
 * and says why it was refused.
 *
 * A field is reset from the node only while the user has not changed it:
 * a notification must not wipe out a half-typed expression.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <adwaita.h>
#include <gtksourceview/gtksource.h>

#include "pb-inspector.h"

/* The mark category of compile errors in the source views. */
#define ERROR_CATEGORY "error"

typedef struct
{
  /* NULL for the process's name, which is edited like a parameter. */
  const pb_param_spec *spec;

  /* An AdwEntryRow, an AdwComboRow or a GtkSourceView. */
  GtkWidget           *editor;

  /* Where a refusal or a compile error shows: a row under an entry or
   * combo row, or a label under a source view. */
  GtkWidget           *error_row;
  GtkLabel            *error_label;
  GtkWidget           *apply_button;

  char                *refusal;
  char                *diagnostic;

  /* The user changed the editor since the node last filled it. */
  gboolean             dirty;

  /* The inspector itself is filling the editor. */
  gboolean             updating;
} Field;

struct _PbInspector
{
  GtkWidget            parent_instance;

  PbNode              *node;
  GSignalGroup        *node_signals;

  /* Field of the name, then one per parameter of the node's kind. */
  GPtrArray           *fields;

  /* The groups made for the current node's parameters. */
  GPtrArray           *groups;

  /* Bumped whenever the fields are rebuilt, so that code running after
   * a signal emission can tell its field is gone. */
  guint                generation;

  GtkStack            *stack;
  AdwPreferencesPage  *page;
  AdwEntryRow         *name_row;
  AdwActionRow        *name_error_row;
  AdwActionRow        *kind_row;
  AdwActionRow        *status_row;
  GtkLabel            *state_label;
  AdwActionRow        *bypass_row;
  GtkSwitch           *bypass_switch;
  AdwActionRow        *message_row;

  /* pb_inspector_show_failure() waiting for its field to be laid out. */
  char                *failure_key;
  guint                failure_tick;
  guint                failure_frames;
};

G_DEFINE_FINAL_TYPE (PbInspector, pb_inspector, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_NODE,
  N_PROPS
};

enum {
  RENAME_REQUESTED,
  PARAM_REQUESTED,
  BYPASS_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
field_free (Field *field)
{
  g_free (field->refusal);
  g_free (field->diagnostic);
  g_free (field);
}

static const char *
field_key (Field *field)
{
  return field->spec != NULL ? field->spec->name : NULL;
}

static Field *
find_field (PbInspector *self,
            const char  *key)
{
  guint i;

  for (i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (g_strcmp0 (field_key (field), key) == 0)
        return field;
    }

  return NULL;
}

static Field *
find_field_by_editor (PbInspector *self,
                      GtkWidget   *editor)
{
  guint i;

  for (i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (field->editor == editor)
        return field;
    }

  return NULL;
}

static GtkSourceBuffer *
field_get_buffer (Field *field)
{
  return GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->editor)));
}

static char *
field_dup_text (Field *field)
{
  if (ADW_IS_COMBO_ROW (field->editor))
    {
      GtkStringObject *choice = adw_combo_row_get_selected_item (ADW_COMBO_ROW (field->editor));

      return g_strdup (choice != NULL ? gtk_string_object_get_string (choice) : "");
    }

  if (GTK_SOURCE_IS_VIEW (field->editor))
    {
      GtkTextIter start;
      GtkTextIter end;

      gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (field_get_buffer (field)), &start, &end);
      return gtk_text_iter_get_text (&start, &end);
    }

  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (field->editor)));
}

static void
field_set_dirty (Field    *field,
                 gboolean  dirty)
{
  field->dirty = dirty;
  if (field->apply_button != NULL)
    gtk_widget_set_sensitive (field->apply_button, dirty);
}

/* What the node holds for @field, as its editor shows it: an unset
 * parameter shows empty, with its default as placeholder, except a
 * choice, which shows its default selected. */
static const char *
node_value (PbInspector *self,
            Field       *field)
{
  const char *value;

  if (field->spec == NULL)
    value = pb_node_get_name (self->node);
  else
    value = pb_node_get_param (self->node, field->spec->name);

  if (value == NULL && field->spec != NULL && field->spec->type == PB_PARAM_CHOICE)
    value = field->spec->default_value;

  return value != NULL ? value : "";
}

static void
field_set_text (Field      *field,
                const char *text)
{
  field->updating = TRUE;

  if (ADW_IS_COMBO_ROW (field->editor))
    {
      GListModel *choices = adw_combo_row_get_model (ADW_COMBO_ROW (field->editor));
      guint n = g_list_model_get_n_items (choices);
      guint i;

      for (i = 0; i < n; i++)
        {
          g_autoptr(GtkStringObject) choice = g_list_model_get_item (choices, i);

          if (g_str_equal (gtk_string_object_get_string (choice), text))
            adw_combo_row_set_selected (ADW_COMBO_ROW (field->editor), i);
        }
    }
  else if (GTK_SOURCE_IS_VIEW (field->editor))
    {
      g_autofree char *current = field_dup_text (field);

      /* Setting equal text would still move the cursor to the end. */
      if (!g_str_equal (current, text))
        gtk_text_buffer_set_text (GTK_TEXT_BUFFER (field_get_buffer (field)), text, -1);
    }
  else if (!g_str_equal (gtk_editable_get_text (GTK_EDITABLE (field->editor)), text))
    {
      gtk_editable_set_text (GTK_EDITABLE (field->editor), text);
    }

  field->updating = FALSE;
  field_set_dirty (field, FALSE);
}

static void
field_sync (PbInspector *self,
            Field       *field)
{
  if (!field->dirty)
    field_set_text (field, node_value (self, field));
}

/* Shows the refusal of the last value applied, or else the compile error
 * the field's code caused, or nothing. */
static void
field_show_message (Field *field)
{
  const char *message = field->refusal != NULL ? field->refusal : field->diagnostic;

  /* Red text suits a refused number or name; in a code editor it would
   * hide the syntax colours, so there the mark and the label say it. */
  if (message != NULL && !GTK_SOURCE_IS_VIEW (field->editor))
    gtk_widget_add_css_class (field->editor, "error");
  else
    gtk_widget_remove_css_class (field->editor, "error");

  if (field->error_row != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->error_row), message != NULL ? message : "");
      gtk_widget_set_visible (field->error_row, message != NULL);
    }
  if (field->error_label != NULL)
    {
      gtk_label_set_text (field->error_label, message != NULL ? message : "");
      gtk_widget_set_visible (GTK_WIDGET (field->error_label), message != NULL);
    }
}

static void
field_apply (PbInspector *self,
             Field       *field)
{
  g_autoptr(PbNode) node = NULL;
  g_autofree char *key = g_strdup (field_key (field));
  g_autofree char *text = field_dup_text (field);
  guint generation = self->generation;

  /* Fields are only on screen while a node is shown. */
  g_return_if_fail (self->node != NULL);
  node = g_object_ref (self->node);

  g_clear_pointer (&field->refusal, g_free);
  field_set_dirty (field, FALSE);

  if (key == NULL)
    g_signal_emit (self, signals[RENAME_REQUESTED], 0, node, text);
  else
    g_signal_emit (self, signals[PARAM_REQUESTED], 0, node, key, text);

  /* A handler may have shown another node. */
  if (self->generation != generation)
    return;

  /* Accepted: the field shows what the node holds now, which may be
   * written differently ("" returns a parameter to its default).
   * Refused: pb_inspector_show_error() kept the user's text. */
  field_sync (self, field);
  field_show_message (field);
}

/* The state in a word; it follows the live counters too, which say
 * whether a ready process is running, so it only changes the label when
 * the word changes. */
static void
update_state_label (PbInspector *self)
{
  const char *label;

  if (self->node == NULL)
    return;

  switch (pb_node_get_state (self->node))
    {
    case PB_PROCESS_DONE:
      label = _("Finished");
      break;
    case PB_PROCESS_FAILED:
      label = _("Failed");
      break;
    case PB_PROCESS_STOPPED:
      label = _("Stopped");
      break;
    case PB_PROCESS_WAITING:
      label = _("Waiting");
      break;
    case PB_PROCESS_READY:
    default:
      label = pb_node_get_live (self->node, NULL, NULL) ? _("Running") : _("Ready");
      break;
    }
  if (g_strcmp0 (gtk_label_get_text (self->state_label), label) != 0)
    gtk_label_set_text (self->state_label, label);
}

static void
update_status (PbInspector *self)
{
  pb_process_state state = pb_node_get_state (self->node);
  const char *message = pb_node_get_message (self->node);
  gboolean failed = state == PB_PROCESS_FAILED;

  update_state_label (self);

  /* A process that only waits or stopped because another failed is a
   * warning; its own failure is an error. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->message_row), message != NULL ? message : "");
  adw_action_row_set_icon_name (self->message_row, failed ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  gtk_widget_set_visible (GTK_WIDGET (self->message_row), message != NULL && message[0] != '\0');
  if (failed)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->message_row), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_row), "warning");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->message_row), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_row), "error");
    }
}

/* Finds where a compile error is: the engine pastes each expression or
 * code parameter under a #line directive, so tcc reports its errors as
 * "NAME.PARAM:LINE: error: ...", where NAME is the process's name.
 * Returns the parameter, the line (1-based) and the rest of the message. */
static gboolean
parse_location (const char  *message,
                char       **param,
                guint       *line,
                const char **rest)
{
  const char *colon;

  for (colon = strchr (message, ':'); colon != NULL; colon = strchr (colon + 1, ':'))
    {
      const char *digits = colon + 1;
      const char *end = digits;
      const char *dot;

      while (g_ascii_isdigit (*end))
        end++;
      if (end == digits || *end != ':')
        continue;

      dot = g_strrstr_len (message, colon - message, ".");
      if (dot == NULL)
        return FALSE;

      *param = g_strndup (dot + 1, colon - dot - 1);
      *line = (guint) strtoul (digits, NULL, 10);
      *rest = end + 1;
      while (**rest == ' ')
        (*rest)++;
      return TRUE;
    }

  return FALSE;
}

/* Marks the line of a failed node's compile error in the editor of the
 * parameter it names, and clears the marks once the node is mended. */
static void
update_diagnostics (PbInspector *self)
{
  const char *message = pb_node_get_message (self->node);
  g_autofree char *param = NULL;
  const char *rest = NULL;
  guint line = 0;
  guint i;

  if (pb_node_get_state (self->node) == PB_PROCESS_FAILED && message != NULL)
    parse_location (message, &param, &line, &rest);

  for (i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      GtkTextBuffer *buffer;
      GtkTextIter start;
      GtkTextIter end;
      GtkTextIter at;

      if (!GTK_SOURCE_IS_VIEW (field->editor))
        continue;

      buffer = GTK_TEXT_BUFFER (field_get_buffer (field));
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      gtk_source_buffer_remove_source_marks (GTK_SOURCE_BUFFER (buffer), &start, &end, ERROR_CATEGORY);
      g_clear_pointer (&field->diagnostic, g_free);

      if (g_strcmp0 (param, field->spec->name) == 0)
        {
          GtkSourceMark *mark;

          /* Translators: a compile error in a code editor, such as
           * "Line 2: error: 'y' undeclared". */
          field->diagnostic = g_strdup_printf (_("Line %u: %s"), line, rest);

          /* tcc may report one line past the end of the user's text. */
          if (line == 0 || !gtk_text_buffer_get_iter_at_line (buffer, &at, (int) line - 1))
            gtk_text_buffer_get_end_iter (buffer, &at);
          mark = gtk_source_buffer_create_source_mark (GTK_SOURCE_BUFFER (buffer), NULL,
                                                       ERROR_CATEGORY, &at);
          /* A view not laid out yet would scroll by guessed line
           * heights, cutting its first line: it shows from the top. */
          if (gtk_widget_get_height (field->editor) > 0)
            gtk_text_view_scroll_mark_onscreen (GTK_TEXT_VIEW (field->editor), GTK_TEXT_MARK (mark));
        }

      field_show_message (field);
    }
}

/* A field the user is editing keeps their text, and the reason it was
 * refused if it was; any other field shows the node's new value. */
static void
field_node_changed (PbInspector *self,
                    Field       *field)
{
  if (field == NULL || field->dirty)
    return;

  g_clear_pointer (&field->refusal, g_free);
  field_sync (self, field);
  field_show_message (field);
}

static void
node_name_changed_cb (PbInspector *self)
{
  field_node_changed (self, find_field (self, NULL));
}

static void
node_param_changed_cb (PbInspector *self,
                       const char  *key)
{
  field_node_changed (self, find_field (self, key));
}

static void
node_status_changed_cb (PbInspector *self)
{
  update_status (self);
  update_diagnostics (self);
}

static void
editor_changed_cb (GtkWidget   *editor,
                   PbInspector *self)
{
  Field *field = find_field_by_editor (self, editor);

  if (field != NULL && !field->updating)
    field_set_dirty (field, TRUE);
}

static void
editor_applied_cb (GtkWidget   *editor,
                   PbInspector *self)
{
  Field *field = find_field_by_editor (self, editor);

  if (field != NULL)
    field_apply (self, field);
}

/* A choice takes effect as soon as it is picked: there is nothing to
 * type, so nothing to confirm. */
static void
choice_selected_cb (GtkWidget   *editor,
                    GParamSpec  *pspec,
                    PbInspector *self)
{
  Field *field = find_field_by_editor (self, editor);

  if (field != NULL && !field->updating)
    field_apply (self, field);
}

static void
buffer_changed_cb (GtkTextBuffer *buffer,
                   PbInspector   *self)
{
  guint i;

  for (i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (GTK_SOURCE_IS_VIEW (field->editor) &&
          gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->editor)) == buffer &&
          !field->updating)
        field_set_dirty (field, TRUE);
    }
}

static void
code_apply_clicked_cb (GtkWidget   *button,
                       PbInspector *self)
{
  guint i;

  for (i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (field->apply_button == button)
        {
          field_apply (self, field);
          return;
        }
    }
}

static gboolean
code_apply_shortcut_cb (GtkWidget *view,
                        GVariant  *args,
                        gpointer   user_data)
{
  PbInspector *self = PB_INSPECTOR (gtk_widget_get_ancestor (view, PB_TYPE_INSPECTOR));
  Field *field = find_field_by_editor (self, view);

  if (field == NULL)
    return FALSE;

  field_apply (self, field);
  return TRUE;
}

static void
update_scheme (GtkSourceBuffer *buffer)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  gtk_source_buffer_set_style_scheme (buffer,
                                      gtk_source_style_scheme_manager_get_scheme (schemes,
                                                                                  dark ? "Adwaita-dark" : "Adwaita"));
}

static void
dark_changed_cb (PbInspector *self)
{
  guint i;

  for (i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (GTK_SOURCE_IS_VIEW (field->editor))
        update_scheme (field_get_buffer (field));
    }
}

static GtkWidget *
create_error_row (void)
{
  return g_object_new (ADW_TYPE_ACTION_ROW,
                       "visible", FALSE,
                       "activatable", FALSE,
                       "icon-name", "dialog-error-symbolic",
                       "use-markup", FALSE,
                       "title-lines", 0,
                       "title-selectable", TRUE,
                       "css-classes", (const char *[]) { "error", NULL },
                       NULL);
}

static Field *
create_choice_field (PbInspector         *self,
                     const pb_param_spec *spec)
{
  g_auto(GStrv) choices = g_strsplit (spec->choices, "|", -1);
  g_autoptr(GtkStringList) model = gtk_string_list_new ((const char * const *) choices);
  Field *field = g_new0 (Field, 1);

  field->spec = spec;
  field->editor = g_object_new (ADW_TYPE_COMBO_ROW,
                                "title", spec->name,
                                "subtitle", pb_text (spec->doc),
                                "subtitle-lines", 0,
                                "use-markup", FALSE,
                                "model", model,
                                NULL);
  g_signal_connect_object (field->editor, "notify::selected",
                           G_CALLBACK (choice_selected_cb), self, 0);
  field->error_row = create_error_row ();

  return field;
}

static Field *
create_entry_field (PbInspector         *self,
                    const pb_param_spec *spec)
{
  g_autofree char *hint = NULL;
  Field *field = g_new0 (Field, 1);
  GtkEditable *text;

  field->spec = spec;
  field->editor = g_object_new (ADW_TYPE_ENTRY_ROW,
                                "title", spec->name,
                                "use-markup", FALSE,
                                "show-apply-button", TRUE,
                                "tooltip-text", pb_text (spec->doc),
                                NULL);
  if (spec->type == PB_PARAM_INT || spec->type == PB_PARAM_FLOAT)
    adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (field->editor), GTK_INPUT_PURPOSE_NUMBER);

  /* The row's title stands where a placeholder would while the row is
   * empty and unfocused; once focused, the default shows in its place. */
  text = gtk_editable_get_delegate (GTK_EDITABLE (field->editor));
  if (GTK_IS_TEXT (text) && spec->default_value != NULL)
    gtk_text_set_placeholder_text (GTK_TEXT (text), spec->default_value);

  /* An entry row has no subtitle: the default, or that there is none,
   * goes beside the text, so that an empty row still says what it means. */
  if (spec->default_value == NULL)
    {
      hint = g_strdup (_("Required"));
    }
  else
    {
      /* Translators: beside a parameter left empty; %s is its default. */
      hint = g_strdup_printf (_("Default: %s"), spec->default_value);
    }
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (field->editor),
                            g_object_new (GTK_TYPE_LABEL,
                                          "label", hint,
                                          "css-classes", (const char *[]) { "dim-label", NULL },
                                          NULL));

  g_signal_connect_object (field->editor, "changed",
                           G_CALLBACK (editor_changed_cb), self, 0);
  g_signal_connect_object (field->editor, "apply",
                           G_CALLBACK (editor_applied_cb), self, 0);
  field->error_row = create_error_row ();

  return field;
}

/* Expressions and code get a C editor of their own group, with the
 * parameter's description above it and an Apply button beside that. */
static Field *
create_code_field (PbInspector         *self,
                   const pb_param_spec *spec,
                   GtkWidget          **group)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  g_autoptr(GtkSourceMarkAttributes) attributes = gtk_source_mark_attributes_new ();
  g_autoptr(GtkSourceBuffer) buffer = NULL;
  g_autofree char *description = NULL;
  g_autofree char *title = g_markup_escape_text (spec->name, -1);
  g_autofree char *apply_label = NULL;
  gboolean is_code = spec->type == PB_PARAM_CODE;
  GtkShortcutController *shortcuts;
  GtkWidget *scroller;
  GtkWidget *box;
  Field *field = g_new0 (Field, 1);
  GdkRGBA error_background = { 0.878, 0.106, 0.141, 0.2 };

  field->spec = spec;

  buffer = gtk_source_buffer_new_with_language (gtk_source_language_manager_get_language (languages, "c"));
  update_scheme (buffer);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (buffer_changed_cb), self, 0);

  field->editor = g_object_new (GTK_SOURCE_TYPE_VIEW,
                                "buffer", buffer,
                                "monospace", TRUE,
                                "show-line-numbers", is_code,
                                "show-line-marks", TRUE,
                                "auto-indent", TRUE,
                                "insert-spaces-instead-of-tabs", TRUE,
                                "tab-width", 4,
                                "wrap-mode", is_code ? GTK_WRAP_NONE : GTK_WRAP_WORD_CHAR,
                                "top-margin", 6,
                                "bottom-margin", 6,
                                "left-margin", 6,
                                "right-margin", 6,
                                NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (field->editor),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, spec->name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, pb_text (spec->doc),
                                  -1);

  gtk_source_mark_attributes_set_icon_name (attributes, "dialog-error-symbolic");
  gtk_source_mark_attributes_set_background (attributes, &error_background);
  gtk_source_view_set_mark_attributes (GTK_SOURCE_VIEW (field->editor), ERROR_CATEGORY, attributes, 0);

  /* Capture: the text view would take Return for a new line first. */
  shortcuts = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (shortcuts), GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (shortcuts,
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>Return|<Control>KP_Enter"),
                                                          gtk_callback_action_new (code_apply_shortcut_cb, NULL, NULL)));
  gtk_widget_add_controller (field->editor, GTK_EVENT_CONTROLLER (shortcuts));

  scroller = g_object_new (GTK_TYPE_SCROLLED_WINDOW,
                           "child", field->editor,
                           "hscrollbar-policy", is_code ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER,
                           "min-content-height", is_code ? 112 : 56,
                           "max-content-height", is_code ? 400 : 120,
                           "propagate-natural-height", TRUE,
                           "overflow", GTK_OVERFLOW_HIDDEN,
                           "css-classes", (const char *[]) { "card", NULL },
                           NULL);

  field->error_label = g_object_new (GTK_TYPE_LABEL,
                                     "visible", FALSE,
                                     "xalign", 0.0f,
                                     "wrap", TRUE,
                                     "wrap-mode", PANGO_WRAP_WORD_CHAR,
                                     "selectable", TRUE,
                                     "css-classes", (const char *[]) { "error", NULL },
                                     NULL);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (field->error_label));

  field->apply_button = g_object_new (GTK_TYPE_BUTTON,
                                      "label", _("Apply"),
                                      "tooltip-text", _("Apply (Ctrl+Enter)"),
                                      "valign", GTK_ALIGN_CENTER,
                                      "sensitive", FALSE,
                                      NULL);
  /* Translators: the accessible name of the Apply button of the code
   * editor of parameter %s, such as "expr". */
  apply_label = g_strdup_printf (_("Apply %s"), spec->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (field->apply_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, apply_label,
                                  -1);
  g_signal_connect_object (field->apply_button, "clicked",
                           G_CALLBACK (code_apply_clicked_cb), self, 0);

  description = g_markup_escape_text (pb_text (spec->doc), -1);
  *group = g_object_new (ADW_TYPE_PREFERENCES_GROUP,
                         "title", title,
                         "description", description,
                         "header-suffix", field->apply_button,
                         NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (*group), box);

  return field;
}

static void
add_group (PbInspector *self,
           GtkWidget   *group)
{
  adw_preferences_page_add (self->page, ADW_PREFERENCES_GROUP (group));
  g_ptr_array_add (self->groups, group);
}

/* Makes one editor per parameter of the node's kind: rows for numbers,
 * text and choices in one group, then a group per code editor. */
static void
rebuild_fields (PbInspector *self)
{
  const pb_kind *kind;
  GtkWidget *params_group = NULL;
  Field *name_field;
  size_t n_params;
  size_t n_rows = 0;
  size_t i;

  self->generation++;

  for (i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->page, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);

  /* The name field lives in the template; only its state is reset. */
  name_field = g_ptr_array_steal_index (self->fields, 0);
  g_ptr_array_set_size (self->fields, 0);
  g_clear_pointer (&name_field->refusal, g_free);
  name_field->dirty = FALSE;
  g_ptr_array_add (self->fields, name_field);

  if (self->node == NULL)
    return;

  kind = pb_node_get_kind (self->node);
  n_params = pb_kind_n_params (kind);
  for (i = 0; i < n_params; i++)
    if (pb_kind_param (kind, i)->type != PB_PARAM_EXPR && pb_kind_param (kind, i)->type != PB_PARAM_CODE)
      n_rows++;

  /* A kind with nothing but code needs no empty group of rows. */
  if (n_rows > 0 || n_params == 0)
    {
      params_group = g_object_new (ADW_TYPE_PREFERENCES_GROUP,
                                   "title", _("Parameters"),
                                   NULL);
      if (n_params == 0)
        adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (params_group),
                                               _("This kind takes no parameters"));
      add_group (self, params_group);
    }

  for (i = 0; i < n_params; i++)
    {
      const pb_param_spec *spec = pb_kind_param (kind, i);
      Field *field;

      if (spec->type == PB_PARAM_EXPR || spec->type == PB_PARAM_CODE)
        continue;

      if (spec->type == PB_PARAM_CHOICE)
        field = create_choice_field (self, spec);
      else
        field = create_entry_field (self, spec);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (params_group), field->editor);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (params_group), field->error_row);
      g_ptr_array_add (self->fields, field);
    }

  for (i = 0; i < n_params; i++)
    {
      const pb_param_spec *spec = pb_kind_param (kind, i);
      GtkWidget *group;

      if (spec->type != PB_PARAM_EXPR && spec->type != PB_PARAM_CODE)
        continue;

      g_ptr_array_add (self->fields, create_code_field (self, spec, &group));
      add_group (self, group);
    }
}

static void bypass_toggled_cb (PbInspector *self);

/* The switch says what the node is: changing it here asks, and only
 * the node's own change moves it for good. */
static void
update_bypass (PbInspector *self)
{
  gboolean can = self->node != NULL && pb_kind_can_bypass (pb_node_get_kind (self->node));

  gtk_widget_set_visible (GTK_WIDGET (self->bypass_row), can);
  g_signal_handlers_block_by_func (self->bypass_switch, bypass_toggled_cb, self);
  gtk_switch_set_active (self->bypass_switch, can && pb_node_get_bypassed (self->node));
  g_signal_handlers_unblock_by_func (self->bypass_switch, bypass_toggled_cb, self);
}

static void
bypass_toggled_cb (PbInspector *self)
{
  gboolean wanted = gtk_switch_get_active (self->bypass_switch);

  if (self->node == NULL)
    return;
  g_signal_emit (self, signals[BYPASS_REQUESTED], 0, self->node, wanted);
  /* Refused, or done: the switch shows what the node is now. */
  update_bypass (self);
}

static void
show_node (PbInspector *self)
{
  const pb_kind *kind;
  guint i;

  rebuild_fields (self);

  if (self->node == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  kind = pb_node_get_kind (self->node);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->kind_row), pb_kind_name (kind));
  adw_action_row_set_subtitle (self->kind_row, pb_kind_description (kind));

  for (i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      field_sync (self, field);
      field_show_message (field);
    }
  update_status (self);
  update_diagnostics (self);
  update_bypass (self);

  gtk_stack_set_visible_child_name (self->stack, "node");
}

/**
 * pb_inspector_new:
 *
 * Returns: (transfer floating): an inspector showing no process
 */
GtkWidget *
pb_inspector_new (void)
{
  return g_object_new (PB_TYPE_INSPECTOR, NULL);
}

/**
 * pb_inspector_get_node:
 *
 * Returns: (transfer none) (nullable): the process shown
 */
PbNode *
pb_inspector_get_node (PbInspector *self)
{
  g_return_val_if_fail (PB_IS_INSPECTOR (self), NULL);
  return self->node;
}

/**
 * pb_inspector_set_node:
 * @node: (nullable): the process to show, or %NULL for none
 *
 * Shows @node and follows its changes. Whatever the user typed for the
 * previous node and did not apply is dropped.
 */
void
pb_inspector_set_node (PbInspector *self,
                       PbNode      *node)
{
  g_return_if_fail (PB_IS_INSPECTOR (self));
  g_return_if_fail (node == NULL || PB_IS_NODE (node));

  if (!g_set_object (&self->node, node))
    return;

  g_signal_group_set_target (self->node_signals, node);
  show_node (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
}

/**
 * pb_inspector_show_error:
 * @key: (nullable): the parameter whose value was refused, or %NULL for
 *   the name
 * @error: why the document refused it
 *
 * Marks the field of @key as refused, with @error's message beside it.
 * The field keeps the text the user applied, to be mended; the mark
 * clears when the user applies again or the node's value changes.
 */
void
pb_inspector_show_error (PbInspector  *self,
                         const char   *key,
                         const GError *error)
{
  Field *field;

  g_return_if_fail (PB_IS_INSPECTOR (self));
  g_return_if_fail (error != NULL);

  field = find_field (self, key);
  g_return_if_fail (field != NULL);

  g_free (field->refusal);
  field->refusal = g_strdup (error->message);
  field_set_dirty (field, TRUE);
  field_show_message (field);
}

/* Puts the cursor at the start of the error mark's line in @field. */
static void
place_cursor_at_error (Field *field)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (field_get_buffer (field));
  GSList *marks;
  GtkTextIter end;
  GtkTextIter at;

  gtk_text_buffer_get_bounds (buffer, &at, &end);
  /* The error mark: at the very start, or the first one after it. */
  marks = gtk_source_buffer_get_source_marks_at_iter (GTK_SOURCE_BUFFER (buffer), &at,
                                                      ERROR_CATEGORY);
  if (marks == NULL
      && !gtk_source_buffer_forward_iter_to_source_mark (GTK_SOURCE_BUFFER (buffer), &at,
                                                         ERROR_CATEGORY))
    at = end;
  g_slist_free (marks);
  gtk_text_iter_set_line_offset (&at, 0);
  gtk_text_buffer_place_cursor (buffer, &at);
  gtk_text_view_scroll_mark_onscreen (GTK_TEXT_VIEW (field->editor), gtk_text_buffer_get_insert (buffer));

}

/* Scrolls the page so that @field's editor shows, with its title above
 * it: the outermost scrolled window inside the page is the page's own
 * (a code editor may have one of its own). */
static void
scroll_page_to (PbInspector *self,
                Field       *field)
{
  GtkWidget *page = GTK_WIDGET (self->page);
  GtkScrolledWindow *outer = NULL;
  GtkAdjustment *adjustment;
  GtkWidget *content;
  double x, y;

  for (GtkWidget *w = field->editor; w != NULL && w != page; w = gtk_widget_get_parent (w))
    if (GTK_IS_SCROLLED_WINDOW (w))
      outer = GTK_SCROLLED_WINDOW (w);
  if (outer == NULL || (content = gtk_scrolled_window_get_child (outer)) == NULL
      || !gtk_widget_translate_coordinates (field->editor, content, 0, 0, &x, &y))
    return;
  adjustment = gtk_scrolled_window_get_vadjustment (outer);
  gtk_adjustment_clamp_page (adjustment, MAX (0, y - 72),
                             y + MIN (gtk_widget_get_height (field->editor), 160));
}

/* The fields of a node just selected are laid out at the next frame:
 * only then can the page scroll to one. Gives up after a few frames. */
static gboolean
show_failure_tick (GtkWidget     *widget,
                   GdkFrameClock *clock,
                   gpointer       user_data)
{
  PbInspector *self = PB_INSPECTOR (widget);
  Field *field = find_field (self, self->failure_key);

  if (field == NULL || self->failure_frames++ > 30)
    goto done;
  if (gtk_widget_get_height (field->editor) == 0)
    return G_SOURCE_CONTINUE;
  scroll_page_to (self, field);
  gtk_widget_grab_focus (field->editor);
  place_cursor_at_error (field);

done:
  self->failure_tick = 0;
  g_clear_pointer (&self->failure_key, g_free);
  return G_SOURCE_REMOVE;
}

/**
 * pb_inspector_show_failure:
 *
 * Takes the user to why the node failed: when its message names a line
 * of one of its code parameters, the page scrolls to that parameter's
 * editor, which takes the focus with the cursor on that line, as soon as
 * it is laid out (at the next frame, for a node just shown); otherwise
 * the first field takes the focus, with the message above it.
 *
 * Returns: whether a failing line was found
 */
gboolean
pb_inspector_show_failure (PbInspector *self)
{
  g_return_val_if_fail (PB_IS_INSPECTOR (self), FALSE);

  if (self->node == NULL)
    return FALSE;
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (field->diagnostic == NULL || !GTK_SOURCE_IS_VIEW (field->editor))
        continue;
      g_free (self->failure_key);
      self->failure_key = g_strdup (field_key (field));
      self->failure_frames = 0;
      if (self->failure_tick == 0)
        self->failure_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), show_failure_tick,
                                                           NULL, NULL);
      return TRUE;
    }
  if (self->fields->len > 0)
    gtk_widget_grab_focus (((Field *) g_ptr_array_index (self->fields, 0))->editor);
  return FALSE;
}

static void
pb_inspector_dispose (GObject *object)
{
  PbInspector *self = PB_INSPECTOR (object);

  if (self->node_signals != NULL)
    g_signal_group_set_target (self->node_signals, NULL);
  g_clear_object (&self->node);
  if (self->failure_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->failure_tick);
  self->failure_tick = 0;
  g_clear_pointer (&self->failure_key, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_INSPECTOR);
  g_clear_object (&self->node_signals);

  G_OBJECT_CLASS (pb_inspector_parent_class)->dispose (object);
}

static void
pb_inspector_finalize (GObject *object)
{
  PbInspector *self = PB_INSPECTOR (object);

  g_ptr_array_unref (self->groups);
  g_ptr_array_unref (self->fields);

  G_OBJECT_CLASS (pb_inspector_parent_class)->finalize (object);
}

static void
pb_inspector_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  PbInspector *self = PB_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_NODE:
      g_value_set_object (value, self->node);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_inspector_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  PbInspector *self = PB_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_NODE:
      pb_inspector_set_node (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_inspector_class_init (PbInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_inspector_dispose;
  object_class->finalize = pb_inspector_finalize;
  object_class->get_property = pb_inspector_get_property;
  object_class->set_property = pb_inspector_set_property;

  properties[PROP_NODE] =
    g_param_spec_object ("node", NULL, NULL,
                         PB_TYPE_NODE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PbInspector::rename-requested:
   * @node: the node shown when the user applied the name
   * @name: the name the user applied
   *
   * Answer with pb_document_rename(), and with
   * pb_inspector_show_error() for the %NULL key if it refuses.
   */
  signals[RENAME_REQUESTED] =
    g_signal_new ("rename-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, PB_TYPE_NODE, G_TYPE_STRING);

  /**
   * PbInspector::param-requested:
   * @node: the node shown when the user applied the value
   * @key: the parameter
   * @value: the value as text; "" returns the parameter to its default
   *
   * Answer with pb_document_set_param(), and with
   * pb_inspector_show_error() for @key if it refuses.
   */
  signals[PARAM_REQUESTED] =
    g_signal_new ("param-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, PB_TYPE_NODE, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * PbInspector::bypass-requested:
   * @node: the node shown when the user flipped the switch
   * @bypass: whether they asked to bypass it or to run it again
   *
   * Answer with pb_document_set_bypass(), and with
   * pb_inspector_show_error() for the %NULL key if it refuses.
   */
  signals[BYPASS_REQUESTED] =
    g_signal_new ("bypass-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, PB_TYPE_NODE, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/pushback/Pushback/ui/pb-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, PbInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, PbInspector, page);
  gtk_widget_class_bind_template_child (widget_class, PbInspector, name_row);
  gtk_widget_class_bind_template_child (widget_class, PbInspector, name_error_row);
  gtk_widget_class_bind_template_child (widget_class, PbInspector, kind_row);
  gtk_widget_class_bind_template_child (widget_class, PbInspector, bypass_row);
  gtk_widget_class_bind_template_child (widget_class, PbInspector, bypass_switch);
  gtk_widget_class_bind_template_callback (widget_class, bypass_toggled_cb);
  gtk_widget_class_bind_template_child (widget_class, PbInspector, status_row);
  gtk_widget_class_bind_template_child (widget_class, PbInspector, state_label);
  gtk_widget_class_bind_template_child (widget_class, PbInspector, message_row);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  /* The source views are made in code; this registers GtkSourceView's
   * types and its translations. */
  gtk_source_init ();
}

static void
pb_inspector_init (PbInspector *self)
{
  Field *name_field = g_new0 (Field, 1);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->groups = g_ptr_array_new ();
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);

  name_field->editor = GTK_WIDGET (self->name_row);
  name_field->error_row = GTK_WIDGET (self->name_error_row);
  g_ptr_array_add (self->fields, name_field);
  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (editor_changed_cb), self, 0);
  g_signal_connect_object (self->name_row, "apply", G_CALLBACK (editor_applied_cb), self, 0);

  self->node_signals = g_signal_group_new (PB_TYPE_NODE);
  g_signal_group_connect_object (self->node_signals, "notify::name",
                                 G_CALLBACK (node_name_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->node_signals, "param-changed",
                                 G_CALLBACK (node_param_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->node_signals, "notify::state",
                                 G_CALLBACK (node_status_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->node_signals, "notify::message",
                                 G_CALLBACK (node_status_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->node_signals, "live-changed",
                                 G_CALLBACK (update_state_label), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->node_signals, "notify::bypassed",
                                 G_CALLBACK (update_bypass), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (dark_changed_cb), self, G_CONNECT_SWAPPED);

  gtk_stack_set_visible_child_name (self->stack, "empty");
}
