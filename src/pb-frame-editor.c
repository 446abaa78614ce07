/* pb-frame-editor.c — a popover to name, colour and annotate a frame
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The editor changes nothing itself: it asks, through PbFrameEditor::edit,
 * and whoever shows it makes the undoable step. A colour is asked for as
 * it is picked; the title when Enter is pressed or the popover closes;
 * the note when it closes, so that typing a note is one step, not one
 * per key.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-frame-editor.h"

struct _PbFrameEditor
{
  GtkPopover  parent_instance;

  PbFrame    *frame;
  gboolean    updating;      /* the widgets are being set from the frame */

  GtkEntry   *title_entry;
  GtkBox     *swatches;
  GtkTextView *note_view;
};

G_DEFINE_FINAL_TYPE (PbFrameEditor, pb_frame_editor, GTK_TYPE_POPOVER)

enum {
  EDIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
ask (PbFrameEditor *self,
     const char    *title,
     const char    *color,
     const char    *note)
{
  if (self->frame != NULL && !self->updating)
    g_signal_emit (self, signals[EDIT], 0, self->frame, title, color, note);
}

static char *
dup_note (PbFrameEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->note_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* What was typed and not asked for yet. */
static void
flush (PbFrameEditor *self)
{
  g_autofree char *note = NULL;
  const char *title;

  if (self->frame == NULL)
    return;
  title = gtk_editable_get_text (GTK_EDITABLE (self->title_entry));
  if (g_strcmp0 (title, pb_frame_get_title (self->frame)) != 0)
    ask (self, title, NULL, NULL);
  note = dup_note (self);
  if (self->frame != NULL && g_strcmp0 (note, pb_frame_get_note (self->frame)) != 0)
    ask (self, NULL, NULL, note);
}

static void
on_title_activate (PbFrameEditor *self)
{
  flush (self);
  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
on_swatch_toggled (GtkToggleButton *swatch,
                   PbFrameEditor   *self)
{
  /* What was typed goes first: the frame's change shows it again. */
  if (gtk_toggle_button_get_active (swatch) && !self->updating)
    {
      flush (self);
      ask (self, NULL, g_object_get_data (G_OBJECT (swatch), "color"), NULL);
    }
}

static void
update (PbFrameEditor *self)
{
  GtkWidget *swatch;

  if (self->frame == NULL)
    return;
  self->updating = TRUE;
  if (!gtk_widget_has_focus (GTK_WIDGET (self->title_entry))
      || gtk_editable_get_text (GTK_EDITABLE (self->title_entry))[0] == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->title_entry), pb_frame_get_title (self->frame));
  for (swatch = gtk_widget_get_first_child (GTK_WIDGET (self->swatches)); swatch != NULL;
       swatch = gtk_widget_get_next_sibling (swatch))
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (swatch),
                                  g_strcmp0 (g_object_get_data (G_OBJECT (swatch), "color"),
                                             pb_frame_get_color (self->frame)) == 0);
  self->updating = FALSE;
}

/**
 * pb_frame_editor_new:
 *
 * Returns: (transfer floating): an editor showing no frame
 */
GtkWidget *
pb_frame_editor_new (void)
{
  return g_object_new (PB_TYPE_FRAME_EDITOR, NULL);
}

/* The title ready to be typed over. Again once the popover has shown:
 * opened from a menu, the menu closing after it took the focus back. */
static gboolean
focus_title (gpointer user_data)
{
  PbFrameEditor *self = user_data;

  if (gtk_widget_get_visible (GTK_WIDGET (self)))
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->title_entry));
      gtk_editable_select_region (GTK_EDITABLE (self->title_entry), 0, -1);
    }
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
pb_frame_editor_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pb_frame_editor_parent_class)->map (widget);
  g_idle_add (focus_title, g_object_ref (widget));
}

/**
 * pb_frame_editor_set_frame:
 * @frame: (nullable): the frame to edit
 *
 * Shows @frame, with its title selected, ready to be typed over.
 */
void
pb_frame_editor_set_frame (PbFrameEditor *self,
                           PbFrame       *frame)
{
  g_return_if_fail (PB_IS_FRAME_EDITOR (self));

  if (self->frame != NULL)
    g_signal_handlers_disconnect_by_func (self->frame, update, self);
  g_set_object (&self->frame, frame);
  if (frame == NULL)
    return;
  g_signal_connect_swapped (frame, "changed", G_CALLBACK (update), self);
  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->title_entry), pb_frame_get_title (frame));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_view),
                            pb_frame_get_note (frame), -1);
  self->updating = FALSE;
  update (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->title_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->title_entry), 0, -1);
}

/**
 * pb_frame_editor_get_frame:
 *
 * Returns: (transfer none) (nullable): the frame shown
 */
PbFrame *
pb_frame_editor_get_frame (PbFrameEditor *self)
{
  g_return_val_if_fail (PB_IS_FRAME_EDITOR (self), NULL);
  return self->frame;
}

static void
pb_frame_editor_closed (GtkPopover *popover)
{
  PbFrameEditor *self = PB_FRAME_EDITOR (popover);

  flush (self);
  pb_frame_editor_set_frame (self, NULL);
}

static void
pb_frame_editor_dispose (GObject *object)
{
  PbFrameEditor *self = PB_FRAME_EDITOR (object);

  pb_frame_editor_set_frame (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_FRAME_EDITOR);

  G_OBJECT_CLASS (pb_frame_editor_parent_class)->dispose (object);
}

static void
pb_frame_editor_class_init (PbFrameEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkPopoverClass *popover_class = GTK_POPOVER_CLASS (klass);

  object_class->dispose = pb_frame_editor_dispose;
  widget_class->map = pb_frame_editor_map;
  popover_class->closed = pb_frame_editor_closed;

  /**
   * PbFrameEditor::edit:
   * @frame: the frame
   * @title: (nullable): the title asked for, or %NULL to keep it
   * @color: (nullable): the colour asked for, or %NULL
   * @note: (nullable): the note asked for, or %NULL
   *
   * The person asked for a change to @frame.
   */
  signals[EDIT] =
    g_signal_new ("edit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, PB_TYPE_FRAME, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/pushback/Pushback/ui/pb-frame-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, PbFrameEditor, title_entry);
  gtk_widget_class_bind_template_child (widget_class, PbFrameEditor, swatches);
  gtk_widget_class_bind_template_child (widget_class, PbFrameEditor, note_view);
}

static void
pb_frame_editor_init (PbFrameEditor *self)
{
  const char * const *colors = pb_frame_colors ();
  GtkWidget *group = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->title_entry, "activate", G_CALLBACK (on_title_activate), self);

  for (guint i = 0; colors[i] != NULL; i++)
    {
      GtkWidget *swatch = gtk_toggle_button_new ();

      g_object_set_data (G_OBJECT (swatch), "color", (gpointer) colors[i]);
      gtk_widget_add_css_class (swatch, "frame-swatch");
      gtk_widget_set_halign (swatch, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (swatch, colors[i]);
      gtk_widget_set_tooltip_text (swatch, pb_frame_color_label (colors[i]));
      gtk_accessible_update_property (GTK_ACCESSIBLE (swatch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      pb_frame_color_label (colors[i]), -1);
      if (group != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (swatch), GTK_TOGGLE_BUTTON (group));
      else
        group = swatch;
      g_signal_connect (swatch, "toggled", G_CALLBACK (on_swatch_toggled), self);
      gtk_box_append (self->swatches, swatch);
    }
}
