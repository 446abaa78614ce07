/* pb-source-window.c — the C a chain runs, read-only
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Show Generated C": the function the runtime generated for a chain,
 * every process's body pasted in, exactly as libtcc compiled it, so that
 * a person can see what inlining made of their topology.
 */

#include "config.h"

#include <gtksourceview/gtksource.h>

#include "pb-source-window.h"

struct _PbSourceWindow
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkSourceView  *view;
};

G_DEFINE_FINAL_TYPE (PbSourceWindow, pb_source_window, ADW_TYPE_WINDOW)

static void
follow_style (PbSourceWindow *self)
{
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view)));
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  gtk_source_buffer_set_style_scheme (buffer,
                                      gtk_source_style_scheme_manager_get_scheme (schemes, dark ? "Adwaita-dark" : "Adwaita"));
}

/* The text begins with the same prelude for every chain (types, libc
 * declarations): show the chain's own code first, its states and its
 * function, which the generator marks with #line "chain of ...". */
static void
show_chain (PbSourceWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view));
  GtkTextIter start, match;

  gtk_text_buffer_get_start_iter (buffer, &start);
  if (!gtk_text_iter_forward_search (&start, "\"chain of ", GTK_TEXT_SEARCH_TEXT_ONLY, &match, NULL, NULL))
    return;
  gtk_text_iter_set_line_offset (&match, 0);
  gtk_text_buffer_place_cursor (buffer, &match);
}

static gboolean
scroll_to_cursor (gpointer data)
{
  GtkTextView *view = data;

  gtk_text_view_scroll_to_mark (view, gtk_text_buffer_get_insert (gtk_text_view_get_buffer (view)),
                                0, TRUE, 0, 0);
  return G_SOURCE_REMOVE;
}

/* Scrolling waits until the text view has measured its lines, which it
 * does in idle time after it is first shown: before, it would scroll by
 * heights it only guesses. */
static void
on_view_mapped (PbSourceWindow *self)
{
  g_timeout_add_full (G_PRIORITY_LOW, 100, scroll_to_cursor, g_object_ref (self->view), g_object_unref);
}

/**
 * pb_source_window_new:
 * @parent: the window it belongs to
 * @subtitle: which chain: its processes, "clock ! wave ! fan"
 * @source: the generated C
 *
 * Returns: (transfer none): a new window, shown by the caller
 */
GtkWidget *
pb_source_window_new (GtkWindow  *parent,
                      const char *subtitle,
                      const char *source)
{
  PbSourceWindow *self = g_object_new (PB_TYPE_SOURCE_WINDOW,
                                       "transient-for", parent,
                                       NULL);
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view)));

  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_source_buffer_set_language (buffer, gtk_source_language_manager_get_language (languages, "c"));
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (buffer), source, -1);
  show_chain (self);
  return GTK_WIDGET (self);
}

/**
 * pb_source_window_dup_text:
 *
 * Returns: (transfer full): the source shown
 */
char *
pb_source_window_dup_text (PbSourceWindow *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (PB_IS_SOURCE_WINDOW (self), NULL);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
pb_source_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PB_TYPE_SOURCE_WINDOW);

  G_OBJECT_CLASS (pb_source_window_parent_class)->dispose (object);
}

static void
pb_source_window_class_init (PbSourceWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_source_window_dispose;

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/pushback/Pushback/ui/pb-source-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PbSourceWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, PbSourceWindow, view);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pb_source_window_init (PbSourceWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->view, "map", G_CALLBACK (on_view_mapped), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  follow_style (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (follow_style), self, G_CONNECT_SWAPPED);
}
