/* pb-canvas-pipeline.c — pipeline text on the canvas: add, paste, copy
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A person who knows `pushback-run -e` can type a chain faster than draw
 * it: "Add From Pipeline Text…" opens a popover with one entry, and text
 * that parses as a pipeline can be pasted with Ctrl+V. Either way the
 * document builds it as one step, around the middle of the view, and
 * the new nodes are selected. Text that does not parse shows the
 * parser's message where it was typed, and changes nothing. Copy as
 * Pipeline writes the selection back, or says why it cannot.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-canvas-private.h"

static void
select_nodes (PbCanvas  *self,
              GPtrArray *nodes)
{
  _pb_canvas_select_none (self);
  for (guint i = 0; i < nodes->len; i++)
    pb_node_set_selected (g_ptr_array_index (nodes, i), TRUE);
}

/**
 * _pb_canvas_add_pipeline_text:
 * @text: pipeline text
 *
 * Adds what @text describes around the middle of the view, as one step,
 * and selects it.
 *
 * Returns: whether it was added; %FALSE with @error set otherwise
 */
gboolean
_pb_canvas_add_pipeline_text (PbCanvas    *self,
                              const char  *text,
                              GError     **error)
{
  g_autoptr(GPtrArray) nodes = NULL;
  double x, y;

  if (self->document == NULL)
    return FALSE;
  pb_canvas_get_center (self, &x, &y);
  nodes = pb_document_add_pipeline (self->document, text, x, y, error);
  if (nodes == NULL)
    return FALSE;
  select_nodes (self, nodes);
  return TRUE;
}

/* The popover */

static void
show_pipeline_error (PbCanvas   *self,
                     const char *message)
{
  gtk_label_set_label (self->pipeline_error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->pipeline_error), message != NULL);
}

static void
on_pipeline_activate (PbCanvas *self)
{
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->pipeline_entry));

  if (_pb_canvas_add_pipeline_text (self, text, &error))
    {
      show_pipeline_error (self, NULL);
      gtk_popover_popdown (GTK_POPOVER (self->pipeline_popover));
      gtk_widget_grab_focus (GTK_WIDGET (self));
    }
  else if (error != NULL)
    {
      /* The text stays as typed, the cursor where it was, to mend. */
      show_pipeline_error (self, error->message);
      gtk_entry_grab_focus_without_selecting (self->pipeline_entry);
    }
}

static void
on_pipeline_changed (PbCanvas *self)
{
  show_pipeline_error (self, NULL);
}

static void
build_pipeline_popover (PbCanvas *self)
{
  GtkWidget *box, *title, *buttons, *add;

  title = gtk_label_new (_("Add From Pipeline Text"));
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);

  self->pipeline_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_width_chars (GTK_EDITABLE (self->pipeline_entry), 48);
  gtk_entry_set_placeholder_text (self->pipeline_entry, "seq to=10 ! map expr=\"x*2\" ! sum");
  gtk_widget_add_css_class (GTK_WIDGET (self->pipeline_entry), "monospace");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pipeline_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Pipeline text"), -1);
  g_signal_connect_swapped (self->pipeline_entry, "activate", G_CALLBACK (on_pipeline_activate), self);
  g_signal_connect_swapped (self->pipeline_entry, "changed", G_CALLBACK (on_pipeline_changed), self);

  self->pipeline_error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->pipeline_error, 0);
  gtk_label_set_wrap (self->pipeline_error, TRUE);
  gtk_label_set_max_width_chars (self->pipeline_error, 56);
  gtk_label_set_selectable (self->pipeline_error, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->pipeline_error), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->pipeline_error), FALSE);

  add = gtk_button_new_with_mnemonic (_("_Add"));
  gtk_widget_add_css_class (add, "suggested-action");
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (on_pipeline_activate), self);
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (buttons), add);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->pipeline_entry));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->pipeline_error));
  gtk_box_append (GTK_BOX (box), buttons);

  self->pipeline_popover = gtk_popover_new ();
  gtk_widget_add_css_class (self->pipeline_popover, "pipeline-text");
  gtk_popover_set_child (GTK_POPOVER (self->pipeline_popover), box);
  gtk_popover_set_position (GTK_POPOVER (self->pipeline_popover), GTK_POS_BOTTOM);
  gtk_widget_set_parent (self->pipeline_popover, GTK_WIDGET (self));
}

/**
 * pb_canvas_begin_add_pipeline:
 *
 * Opens the popover where pipeline text is typed, at the middle of the
 * view, with the text typed last still there to mend.
 */
void
pb_canvas_begin_add_pipeline (PbCanvas *self)
{
  int width, height;

  g_return_if_fail (PB_IS_CANVAS (self));

  if (self->pipeline_popover == NULL)
    build_pipeline_popover (self);
  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->pipeline_popover),
                               &(GdkRectangle) { width / 2, height / 3, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->pipeline_popover));
  gtk_widget_grab_focus (GTK_WIDGET (self->pipeline_entry));
}

/**
 * pb_canvas_copy_as_pipeline:
 * @error: why the selection cannot be written as pipeline text
 *
 * Puts the selection on the clipboard as pipeline text.
 *
 * Returns: (transfer full) (nullable): the text copied, or %NULL
 */
char *
pb_canvas_copy_as_pipeline (PbCanvas  *self,
                            GError   **error)
{
  g_autoptr(GPtrArray) nodes = NULL;
  char *text;

  g_return_val_if_fail (PB_IS_CANVAS (self), NULL);

  if (self->document == NULL)
    return NULL;
  nodes = pb_canvas_get_selected_nodes (self);
  text = pb_document_dup_pipeline_text (self->document, nodes, error);
  if (text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  return text;
}

static void
copy_pipeline_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PbCanvas *self = PB_CANVAS (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = pb_canvas_copy_as_pipeline (self, &error);

  if (text == NULL && error != NULL)
    _pb_canvas_report_error (self, error);
}

static void
add_pipeline_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  pb_canvas_begin_add_pipeline (PB_CANVAS (widget));
}

/* Pasting text */

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PbCanvas) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);

  if (text == NULL || self->document == NULL)
    return;
  g_strstrip (text);
  if (!_pb_canvas_add_pipeline_text (self, text, &error) && error != NULL)
    {
      /* Translators: %s is the pipeline parser's message. */
      g_autofree char *message = g_strdup_printf (_("The clipboard’s text is not a pipeline: %s"),
                                                  error->message);

      _pb_canvas_show_refusal (self, message, self->pointer_x, self->pointer_y);
    }
}

/**
 * _pb_canvas_paste_text:
 *
 * Reads the clipboard's text and adds it as a pipeline.
 */
void
_pb_canvas_paste_text (PbCanvas *self)
{
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (self)), NULL,
                                 on_text_read, g_object_ref (self));
}

void
_pb_canvas_pipeline_allocate (PbCanvas *self)
{
  if (self->pipeline_popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->pipeline_popover));
}

void
_pb_canvas_pipeline_dispose (PbCanvas *self)
{
  g_clear_pointer (&self->pipeline_popover, gtk_widget_unparent);
}

void
_pb_canvas_class_add_pipeline (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "canvas.copy-pipeline", NULL, copy_pipeline_action);
  gtk_widget_class_install_action (widget_class, "canvas.add-pipeline", NULL, add_pipeline_action);

  /* Their keys are the window's, win.copy-pipeline and win.add-pipeline. */
}
