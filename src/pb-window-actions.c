/* pb-window-actions.c — what the window's buttons, menus and keys do
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Window actions are installed on the class, as GNOME Text Editor does,
 * so the header bar, the menus and the shortcuts window all name them as
 * win.NAME; their accelerators are set in PbApplication's startup.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "pb-application.h"
#include "pb-export.h"
#include "pb-source-window.h"
#include "pb-trust.h"
#include "pb-window-private.h"

/**
 * _pb_window_update_actions:
 *
 * Enables what makes sense now: undo when there is a step to undo, run
 * when the document is trusted and not running, and so on.
 */
void
_pb_window_update_actions (PbWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  PbUndoStack *undo = pb_document_get_undo_stack (self->document);
  PbRunState state = pb_document_get_run_state (self->document);

  gtk_widget_action_set_enabled (widget, "win.undo", pb_undo_stack_can_undo (undo));
  gtk_widget_action_set_enabled (widget, "win.redo", pb_undo_stack_can_redo (undo));
  gtk_widget_action_set_enabled (widget, "win.run", self->trusted && state != PB_RUN_RUNNING);
  gtk_widget_action_set_enabled (widget, "win.pause", state == PB_RUN_RUNNING);
  gtk_widget_action_set_enabled (widget, "win.stop", state != PB_RUN_STOPPED);
  gtk_widget_action_set_enabled (widget, "win.restart", self->trusted);
  gtk_widget_action_set_enabled (widget, "win.trust", !self->trusted);
  gtk_widget_action_set_enabled (widget, "win.nothing", FALSE);

  /* One of run and pause shows at a time, as a media player's button. */
  gtk_widget_set_visible (self->run_button, state != PB_RUN_RUNNING);
  gtk_widget_set_visible (self->pause_button, state == PB_RUN_RUNNING);
}

static void
toast (PbWindow   *self,
       const char *title)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (title));
}

static void
report (PbWindow     *self,
        const GError *error)
{
  if (error != NULL)
    toast (self, error->message);
}

static void
saved (PbWindow *self)
{
  g_autofree char *title = pb_document_dup_title (self->document);
  g_autofree char *message = NULL;

  /* Code the person typed, or agreed to run, stays trusted under its new
   * digest; an untrusted document stays untrusted however it is saved. */
  if (self->trusted)
    {
      g_autofree char *digest = pb_document_dup_code_digest (self->document);

      pb_trust_remember (self->settings, digest);
    }
  pb_application_add_recent (PB_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                             pb_document_get_file (self->document));
  /* Translators: %s is a document's name. */
  message = g_strdup_printf (_("Saved “%s”"), title);
  toast (self, message);
}

typedef struct
{
  PbWindow *window;
  gboolean  close_after;
} SaveAs;

static void
on_save_as_response (GtkNativeDialog *chooser,
                     int              response,
                     SaveAs          *save)
{
  PbWindow *self = save->window;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (pb_document_save (self->document, file, &error))
        {
          saved (self);
          if (save->close_after)
            gtk_window_close (GTK_WINDOW (self));
        }
      else
        pb_window_show_error (self, _("Could Not Save"), error);
    }

  g_object_unref (save->window);
  g_free (save);
  g_object_unref (chooser);
}

static GtkFileFilter *
document_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Pushback Documents"));
  gtk_file_filter_add_mime_type (filter, "application/x-pushback");
  gtk_file_filter_add_suffix (filter, "pushback");
  return filter;
}

/**
 * _pb_window_save_as:
 * @close_after: whether to close the window once saved
 *
 * Asks where to save the document, and saves it there.
 */
void
_pb_window_save_as (PbWindow *self,
                    gboolean  close_after)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = document_filter ();
  g_autofree char *title = pb_document_dup_title (self->document);
  g_autofree char *name = NULL;
  SaveAs *save = g_new0 (SaveAs, 1);

  chooser = gtk_file_chooser_native_new (_("Save As"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  name = g_str_has_suffix (title, ".pushback") ? g_strdup (title)
                                               : g_strdup_printf ("%s.pushback", title);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  save->window = g_object_ref (self);
  save->close_after = close_after;
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_as_response), save);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  _pb_window_save_as (PB_WINDOW (widget), FALSE);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PbWindow *self = PB_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (pb_document_get_file (self->document) == NULL)
    _pb_window_save_as (self, FALSE);
  else if (pb_document_save (self->document, NULL, &error))
    saved (self);
  else
    pb_window_show_error (self, _("Could Not Save"), error);
}

static void
on_open_response (GtkNativeDialog *chooser,
                  int              response,
                  PbWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      pb_application_open_file (PB_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                                file, self);
    }

  g_object_unref (self);
  g_object_unref (chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PbWindow *self = PB_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = document_filter ();

  chooser = gtk_file_chooser_native_new (_("Open"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_open_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PbWindow *self = PB_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (g_str_equal (action_name, "win.undo"))
    pb_document_undo (self->document, &error);
  else
    pb_document_redo (self->document, &error);
  report (self, error);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  PbWindow *self = PB_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (g_str_equal (action_name, "win.run"))
    pb_document_run (self->document, &error);
  else if (g_str_equal (action_name, "win.pause"))
    pb_document_pause (self->document);
  else if (g_str_equal (action_name, "win.stop"))
    pb_document_stop (self->document);
  else
    pb_document_restart (self->document, &error);

  if (error != NULL)
    pb_window_show_error (self, _("Could Not Run"), error);
  _pb_window_update_actions (self);
}

static void
trust_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  _pb_window_trust (PB_WINDOW (widget));
}

static void
show_source_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PbWindow *self = PB_WINDOW (widget);
  PbNode *node = pb_canvas_get_selected_node (self->canvas);
  g_autofree char *chain = NULL;
  g_autofree char *source = NULL;

  if (node == NULL)
    return;
  source = pb_document_dup_chain_source (self->document, pb_node_get_address (node), &chain);
  if (source == NULL)
    {
      toast (self, _("Only a running process has generated code"));
      return;
    }
  gtk_window_present (GTK_WINDOW (pb_source_window_new (GTK_WINDOW (self), chain, source)));
}

static void
zoom_fit_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  /* The canvas's own action: a person moved the view. */
  gtk_widget_activate_action (GTK_WIDGET (PB_WINDOW (widget)->canvas), "canvas.zoom-fit", NULL);
}

static void
on_export_response (GtkNativeDialog *chooser,
                    int              response,
                    PbWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        toast (self, _("Pictures can only be exported to local files"));
      else if (!pb_export_document (self->document, path, &error))
        report (self, error);
      else
        {
          g_autofree char *basename = g_file_get_basename (file);
          /* Translators: %s is a file name, such as "graph.svg". */
          g_autofree char *title = g_strdup_printf (_("Exported “%s”"), basename);

          toast (self, title);
        }
    }

  g_object_unref (self);
  g_object_unref (chooser);
}

/* Asks where to write a picture of the graph; the name's extension, .svg
 * or .png, says which kind. */
static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PbWindow *self = PB_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) pictures = gtk_file_filter_new ();
  g_autofree char *title = pb_document_dup_title (self->document);
  g_autofree char *name = NULL;

  gtk_file_filter_set_name (pictures, _("SVG or PNG Pictures"));
  gtk_file_filter_add_suffix (pictures, "svg");
  gtk_file_filter_add_suffix (pictures, "png");
  chooser = gtk_file_chooser_native_new (_("Export Picture"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), pictures);
  if (g_str_has_suffix (title, ".pushback"))
    title[strlen (title) - strlen (".pushback")] = '\0';
  name = g_strdup_printf ("%s.svg", title);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  pb_find_bar_begin (PB_WINDOW (widget)->find_bar);
}

static void
add_pipeline_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  pb_canvas_begin_add_pipeline (PB_WINDOW (widget)->canvas);
}

/* Copies the selection as pipeline text, and says so, or why not. */
static void
copy_pipeline_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PbWindow *self = PB_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = pb_canvas_copy_as_pipeline (self->canvas, &error);
  GListModel *links = pb_document_get_links (self->document);
  guint leaving = 0;

  if (text == NULL)
    {
      report (self, error);
      return;
    }
  /* The text holds the selection alone: say what it leaves behind. */
  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);
      PbNode *from = pb_document_find_node (self->document, pb_link_get_source (link));
      PbNode *to = pb_document_find_node (self->document, pb_link_get_sink (link));

      leaving += (from != NULL && pb_node_get_selected (from)) != (to != NULL && pb_node_get_selected (to));
    }
  if (leaving == 0)
    toast (self, _("Copied as pipeline text"));
  else
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Copied as pipeline text, without the %u link that leaves the selection",
                                      "Copied as pipeline text, without the %u links that leave the selection",
                                      leaving),
                         leaving);

      toast (self, message);
    }
}

static void
arrange_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  gtk_widget_activate_action (GTK_WIDGET (PB_WINDOW (widget)->canvas), "canvas.arrange", NULL);
}

/**
 * _pb_window_class_add_actions:
 *
 * Installs the window's actions on its class.
 */
void
_pb_window_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "win.pause", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "win.restart", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "win.trust", NULL, trust_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, zoom_fit_action);
  gtk_widget_class_install_action (widget_class, "win.show-source", NULL, show_source_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.add-pipeline", NULL, add_pipeline_action);
  gtk_widget_class_install_action (widget_class, "win.copy-pipeline", NULL, copy_pipeline_action);
  gtk_widget_class_install_action (widget_class, "win.arrange", NULL, arrange_action);
  gtk_widget_class_install_property_action (widget_class, "win.show-profiler", "show-profiler");
  /* Never enabled: the menu item that says there is nothing to open. */
  gtk_widget_class_install_action (widget_class, "win.nothing", NULL, NULL);
}
