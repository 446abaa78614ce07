/* pb-window.c — a top-level window showing one topology
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window puts a document on screen: the canvas in the middle, the
 * controls of the run in the header bar, and the banner that holds back a
 * document's code until the person trusts it. Its actions live in
 * pb-window-actions.c.
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "pb-application.h"
#include "pb-trust.h"
#include "pb-window-private.h"

G_DEFINE_FINAL_TYPE (PbWindow, pb_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SHOW_PROFILER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * pb_window_new:
 * @application: the application the window belongs to
 *
 * Creates a window sized as the last one closed was, showing a new empty
 * document, running.
 *
 * Returns: (transfer none): a new #PbWindow, owned by GTK like every
 *   toplevel; gtk_window_destroy() ends it
 */
PbWindow *
pb_window_new (PbApplication *application)
{
  g_return_val_if_fail (PB_IS_APPLICATION (application), NULL);

  return g_object_new (PB_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * pb_window_get_document:
 *
 * Returns: (transfer none): the document shown
 */
PbDocument *
pb_window_get_document (PbWindow *self)
{
  g_return_val_if_fail (PB_IS_WINDOW (self), NULL);
  return self->document;
}

/**
 * pb_window_get_canvas:
 *
 * Returns: (transfer none): the canvas
 */
PbCanvas *
pb_window_get_canvas (PbWindow *self)
{
  g_return_val_if_fail (PB_IS_WINDOW (self), NULL);
  return self->canvas;
}

/**
 * pb_window_is_pristine:
 *
 * Returns: whether the window shows a new document nobody has touched,
 *   which opening a file may replace rather than open a window beside
 */
gboolean
pb_window_is_pristine (PbWindow *self)
{
  g_return_val_if_fail (PB_IS_WINDOW (self), FALSE);

  return pb_document_get_file (self->document) == NULL
      && !pb_undo_stack_can_undo (pb_document_get_undo_stack (self->document))
      && g_list_model_get_n_items (pb_document_get_nodes (self->document)) == 0;
}

/**
 * pb_window_show_toast:
 * @title: a short message, for a few seconds
 */
void
pb_window_show_toast (PbWindow   *self,
                      const char *title)
{
  g_return_if_fail (PB_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (title));
}

/**
 * pb_window_show_error:
 * @heading: what failed, for people: "Could Not Open “x.pushback”"
 * @error: why, as the runtime or the loader said it
 */
void
pb_window_show_error (PbWindow     *self,
                      const char   *heading,
                      const GError *error)
{
  GtkWidget *dialog;

  g_return_if_fail (PB_IS_WINDOW (self));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
update_title (PbWindow *self)
{
  g_autofree char *title = pb_document_dup_title (self->document);
  g_autofree char *shown = NULL;
  GFile *file = pb_document_get_file (self->document);
  g_autofree char *folder = NULL;

  if (pb_document_get_modified (self->document))
    shown = g_strdup_printf ("• %s", title);
  else
    shown = g_strdup (title);

  if (file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (file);

      if (parent != NULL)
        folder = g_file_get_parse_name (parent);
    }

  adw_window_title_set_title (self->window_title, shown);
  adw_window_title_set_subtitle (self->window_title, folder);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
update_trust_banner (PbWindow *self)
{
  GListModel *nodes = pb_document_get_nodes (self->document);
  guint with_code = 0;

  if (self->trusted)
    {
      gtk_revealer_set_reveal_child (self->trust_banner, FALSE);
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);
      const pb_kind *kind = pb_node_get_kind (node);

      for (size_t k = 0; k < pb_kind_n_params (kind); k++)
        {
          const pb_param_spec *spec = pb_kind_param (kind, k);

          if ((spec->type == PB_PARAM_EXPR || spec->type == PB_PARAM_CODE)
              && pb_node_get_param (node, spec->name) != NULL)
            {
              with_code++;
              break;
            }
        }
    }

  {
    g_autofree char *text =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                    "This document has C code in %u process. Its code has not been run, nor compiled: run it only if you trust where the document comes from.",
                                    "This document has C code in %u processes. Its code has not been run, nor compiled: run it only if you trust where the document comes from.",
                                    with_code),
                       with_code);
    gtk_label_set_label (self->trust_label, text);
  }
  gtk_revealer_set_reveal_child (self->trust_banner, TRUE);
}

/**
 * _pb_window_trust:
 *
 * The person agreed to run the document's code: remember its digest, and
 * run it.
 */
void
_pb_window_trust (PbWindow *self)
{
  g_autofree char *digest = pb_document_dup_code_digest (self->document);
  g_autoptr(GError) error = NULL;

  pb_trust_remember (self->settings, digest);
  self->trusted = TRUE;
  update_trust_banner (self);
  if (!pb_document_run (self->document, &error))
    pb_window_show_error (self, _("Could Not Run"), error);
  _pb_window_update_actions (self);
}

static void
update_empty_page (PbWindow *self)
{
  gtk_widget_set_visible (self->empty_page,
                          g_list_model_get_n_items (pb_document_get_nodes (self->document)) == 0);
}

static void
on_document_notify (PbWindow *self)
{
  update_title (self);
  _pb_window_update_actions (self);
}

/**
 * pb_window_set_document:
 * @document: the document to show
 * @trusted: whether its code may run: a new document, the demo, or code
 *   whose digest the user trusted; an untrusted document shows a banner
 *   and runs nothing until the person agrees
 *
 * Shows @document, and runs it when it is trusted.
 */
void
pb_window_set_document (PbWindow   *self,
                        PbDocument *document,
                        gboolean    trusted)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PB_IS_WINDOW (self));
  g_return_if_fail (PB_IS_DOCUMENT (document));

  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      g_signal_handlers_disconnect_by_data (pb_document_get_undo_stack (self->document), self);
      g_signal_handlers_disconnect_by_data (pb_document_get_nodes (self->document), self);
      pb_document_stop (self->document);
    }
  g_set_object (&self->document, document);
  g_clear_object (&self->autosave);
  self->autosave = pb_autosave_new (document);
  /* A recovered document differs from its file already: its copy is kept
   * from the start, not from its first edit. */
  if (pb_document_get_modified (document))
    pb_autosave_save_now (self->autosave, NULL);

  g_signal_connect_swapped (document, "notify", G_CALLBACK (on_document_notify), self);
  g_signal_connect_swapped (pb_document_get_undo_stack (document), "notify",
                            G_CALLBACK (on_document_notify), self);
  g_signal_connect_swapped (pb_document_get_nodes (document), "items-changed",
                            G_CALLBACK (update_empty_page), self);
  pb_canvas_set_document (self->canvas, document);
  pb_profiler_set_document (self->profiler, document);

  if (!trusted)
    {
      g_autofree char *digest = pb_document_dup_code_digest (document);

      trusted = pb_trust_is_trusted (self->settings, digest);
    }
  self->trusted = trusted;
  update_title (self);
  update_trust_banner (self);
  update_empty_page (self);
  if (self->trusted && !pb_document_run (document, &error))
    pb_window_show_error (self, _("Could Not Run"), error);
  _pb_window_update_actions (self);
}

/* The palette's kind goes to the middle of the view, selected, so that
 * the inspector shows it at once. */
static void
on_kind_activated (PbPalette  *palette,
                   const char *kind,
                   PbWindow   *self)
{
  g_autoptr(GError) error = NULL;
  PbNode *node;
  double x, y;

  /* In the middle of the view, or the free place nearest it: a new node
   * must not hide another, nor its wires. */
  pb_canvas_get_center (self->canvas, &x, &y);
  pb_document_find_free_place (self->document, PB_DOCUMENT_NODE_WIDTH, PB_DOCUMENT_NODE_HEIGHT,
                               &x, &y);
  node = pb_document_add_node (self->document, kind, x - PB_DOCUMENT_NODE_WIDTH / 2,
                               y - PB_DOCUMENT_NODE_HEIGHT / 2, &error);
  if (node == NULL)
    pb_window_show_error (self, _("Could Not Add the Process"), error);
  else
    pb_canvas_select_node (self->canvas, node, FALSE);
}

static void
on_rename_requested (PbInspector *inspector,
                     PbNode      *node,
                     const char  *name,
                     PbWindow    *self)
{
  g_autoptr(GError) error = NULL;

  if (!pb_document_rename (self->document, node, name, &error))
    pb_inspector_show_error (inspector, NULL, error);
}

static void
on_param_requested (PbInspector *inspector,
                    PbNode      *node,
                    const char  *key,
                    const char  *value,
                    PbWindow    *self)
{
  g_autoptr(GError) error = NULL;

  if (!pb_document_set_param (self->document, node, key, value, &error))
    pb_inspector_show_error (inspector, key, error);
}

static void
on_bypass_requested (PbInspector *inspector,
                     PbNode      *node,
                     gboolean     bypass,
                     PbWindow    *self)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (nodes, node);
  if (!pb_document_set_bypass (self->document, nodes, bypass, &error))
    pb_inspector_show_error (inspector, NULL, error);
}

static void
on_selected_node_changed (PbWindow *self)
{
  PbNode *node = pb_canvas_get_selected_node (self->canvas);

  /* The inspector slides in beside the canvas, narrowing it: the node
   * it shows must not end up under it. */
  if (node != NULL && !gtk_revealer_get_reveal_child (self->inspector_revealer))
    pb_canvas_keep_in_view (self->canvas, node);
  pb_inspector_set_node (self->inspector, node);
  gtk_revealer_set_reveal_child (self->inspector_revealer, node != NULL);
  pb_profiler_select_node (self->profiler, node);
}

/* A row chosen in the profiler selects its node, and brings it into
 * view when it is off screen. */
static void
on_profiler_node_selected (PbProfiler *profiler,
                           PbNode     *node,
                           PbWindow   *self)
{
  double left, top, right, bottom;

  if (node == NULL)
    return;
  pb_canvas_select_node (self->canvas, node, FALSE);
  pb_canvas_to_canvas (self->canvas, 0, 0, &left, &top);
  pb_canvas_to_canvas (self->canvas,
                       gtk_widget_get_width (GTK_WIDGET (self->canvas)),
                       gtk_widget_get_height (GTK_WIDGET (self->canvas)),
                       &right, &bottom);
  if (pb_node_get_x (node) < left || pb_node_get_x (node) > right - 60
      || pb_node_get_y (node) < top || pb_node_get_y (node) > bottom - 40)
    pb_canvas_scroll_to (self->canvas,
                         pb_node_get_x (node) - (right - left) / 3,
                         pb_node_get_y (node) - (bottom - top) / 3);
}

/* A failed node's badge: the inspector, which follows the selection,
 * opens on the node; the cursor goes to the failing line. */
static void
on_failure_activated (PbWindow *self,
                      PbNode   *node)
{
  on_selected_node_changed (self);
  pb_inspector_show_failure (self->inspector);
}

/* The open button's menu: the recent documents, newest first, each
 * opened by app.open-uri. */
static void
update_recent_menu (PbWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-files");
  g_autoptr(GMenu) menu = g_menu_new ();

  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (recent[i]);
      g_autofree char *name = g_file_get_basename (file);
      g_autoptr(GMenuItem) item = g_menu_item_new (name, NULL);

      g_menu_item_set_action_and_target_value (item, "app.open-uri", g_variant_new_string (recent[i]));
      g_menu_append_item (menu, item);
    }
  if (recent[0] == NULL)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No Recent Documents"), "win.nothing");

      g_menu_append_item (menu, item);
    }
  adw_split_button_set_menu_model (self->open_button, G_MENU_MODEL (menu));
}

static void
on_close_response (AdwMessageDialog *dialog,
                   const char       *response,
                   PbWindow         *self)
{
  g_autoptr(GError) error = NULL;

  if (g_str_equal (response, "discard"))
    {
      pb_undo_stack_set_clean (pb_document_get_undo_stack (self->document));
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (g_str_equal (response, "save"))
    {
      if (pb_document_get_file (self->document) == NULL)
        _pb_window_save_as (self, TRUE);
      else if (pb_document_save (self->document, NULL, &error))
        gtk_window_close (GTK_WINDOW (self));
      else
        pb_window_show_error (self, _("Could Not Save"), error);
    }
}

static gboolean
ask_to_save (PbWindow *self)
{
  g_autofree char *title = pb_document_dup_title (self->document);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  body = g_strdup_printf (_("“%s” has unsaved changes. Changes which are not saved will be permanently lost."), title);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save Changes?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_close_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static gboolean
pb_window_close_request (GtkWindow *window)
{
  PbWindow *self = PB_WINDOW (window);
  int width;
  int height;

  if (self->document != NULL && pb_document_get_modified (self->document))
    return ask_to_save (self);
  /* Closing with nothing left to save: the person saved, or discarded. */
  pb_autosave_discard (self->autosave);

  /* The default size follows the window while it is neither maximized nor
   * fullscreen, so it is the size to come back to next time even if the
   * window is maximized now. */
  gtk_window_get_default_size (window, &width, &height);

  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (pb_window_parent_class)->close_request (window);
}

static void
pb_window_dispose (GObject *object)
{
  PbWindow *self = PB_WINDOW (object);

  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      g_signal_handlers_disconnect_by_data (pb_document_get_undo_stack (self->document), self);
      g_signal_handlers_disconnect_by_data (pb_document_get_nodes (self->document), self);
    }
  /* The settings' actions keep the settings alive as long as the
   * window's action group: nothing of the window may hear from them. */
  if (self->settings != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->settings, self);
      g_settings_unbind (self->canvas, "snap-to-grid");
      g_settings_unbind (self->minimap, "enabled");
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_WINDOW);
  g_clear_object (&self->autosave);
  g_clear_object (&self->document);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pb_window_parent_class)->dispose (object);
}

static void
pb_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PbWindow *self = PB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SHOW_PROFILER:
      /* The action asks for its state until the window is finalized,
       * after dispose dropped the template's children. */
      g_value_set_boolean (value, self->profiler != NULL
                                  && gtk_widget_get_visible (GTK_WIDGET (self->profiler)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
place_profiler (GtkWidget     *paned,
                GdkFrameClock *clock,
                gpointer       data)
{
  PbWindow *self = data;
  int height = gtk_widget_get_height (paned);

  /* Laid out with both children first: until then, the paned still
   * counts from the size it had with one, and would move the handle. */
  if (gtk_widget_get_height (GTK_WIDGET (self->profiler)) == 0)
    return G_SOURCE_CONTINUE;
  gtk_paned_set_position (GTK_PANED (paned), MAX (height / 3, height - self->profiler_height));
  return G_SOURCE_REMOVE;
}

/* Shows the profiler pane at the height it was left at, or hides it,
 * keeping that height for next time. */
static void
show_profiler (PbWindow *self,
               gboolean  show)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self->profiler_paned));

  if (!show)
    {
      if (height > 0)
        self->profiler_height = height - gtk_paned_get_position (self->profiler_paned);
      gtk_widget_set_visible (GTK_WIDGET (self->profiler), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->profiler), TRUE);
  /* After the paned has laid out its new child at its natural height. */
  gtk_widget_add_tick_callback (GTK_WIDGET (self->profiler_paned), place_profiler, self, NULL);
}

static void
pb_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  PbWindow *self = PB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SHOW_PROFILER:
      if (self->profiler != NULL
          && gtk_widget_get_visible (GTK_WIDGET (self->profiler)) != g_value_get_boolean (value))
        {
          show_profiler (self, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The problems button says how many processes wait or failed, in the
 * warning colour, so that they are seen without opening the list. */
static void
on_problems_changed (PbWindow   *self,
                     GParamSpec *pspec,
                     PbProblems *problems)
{
  guint n = pb_problems_get_n_problems (problems);
  g_autofree char *count = g_strdup_printf ("%u", n);
  g_autofree char *tip = NULL;

  gtk_label_set_text (self->problems_count, count);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_count), n > 0);
  if (n > 0)
    gtk_widget_add_css_class (self->problems_button, "warning");
  else
    gtk_widget_remove_css_class (self->problems_button, "warning");
  tip = n > 0 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Problem", "%u Problems", n), n)
              : g_strdup (_("No Problems"));
  gtk_widget_set_tooltip_text (self->problems_button, tip);
}

static void
pb_window_class_init (PbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = pb_window_dispose;
  object_class->get_property = pb_window_get_property;
  object_class->set_property = pb_window_set_property;

  /* Whether the profiler pane shows; win.show-profiler toggles it. */
  properties[PROP_SHOW_PROFILER] =
    g_param_spec_boolean ("show-profiler", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  window_class->close_request = pb_window_close_request;

  g_type_ensure (PB_TYPE_CANVAS);
  g_type_ensure (PB_TYPE_FIND_BAR);
  g_type_ensure (PB_TYPE_MINIMAP);
  g_type_ensure (PB_TYPE_PROBLEMS);
  g_type_ensure (PB_TYPE_INSPECTOR);
  g_type_ensure (PB_TYPE_PALETTE);
  g_type_ensure (PB_TYPE_PROFILER);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/pushback/Pushback/ui/pb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PbWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, trust_banner);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, trust_label);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, palette);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, inspector_revealer);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, inspector);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_rename_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_param_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_bypass_requested);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, find_bar);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, minimap);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, profiler_paned);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, profiler);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, problems_button);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, problems_count);
  gtk_widget_class_bind_template_callback (widget_class, on_problems_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_profiler_node_selected);

  _pb_window_class_add_actions (widget_class);
}

static void
pb_window_init (PbWindow *self)
{
  g_autoptr(PbDocument) document = pb_document_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->profiler_height = 300;
  g_signal_connect_swapped (self->canvas, "failure-activated",
                            G_CALLBACK (on_failure_activated), self);
  g_signal_connect_swapped (self->canvas, "notify::selected-node",
                            G_CALLBACK (on_selected_node_changed), self);

  self->settings = g_settings_new (APPLICATION_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* Snapping and the overview are preferences: their actions are the
   * settings' own, so a toggle is remembered for the next window. */
  g_settings_bind (self->settings, "snap-to-grid", self->canvas, "snap-to-grid", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "show-minimap", self->minimap, "enabled", G_SETTINGS_BIND_GET);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GAction) action = g_settings_create_action (self->settings,
                                                            i == 0 ? "snap-to-grid" : "show-minimap");

      g_action_map_add_action (G_ACTION_MAP (self), action);
    }

  g_signal_connect_swapped (self->settings, "changed::recent-files",
                            G_CALLBACK (update_recent_menu), self);
  update_recent_menu (self);

  pb_window_set_document (self, document, TRUE);
}
