/* pb-application.c — the application object
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-application.h"
#include "pb-autosave.h"
#include "pb-canvas.h"
#include "pb-window.h"

/* The demo that `pushback --demo` opens, running: a wave from a clock,
 * fanned out to a live statistic, a scope plotting a second of it, a
 * deliberately slow stage, and a `c` process whose code can be changed
 * while it runs. */
static const char demo_pipeline[] =
  "clock name=clock rate=1000 ! map name=wave expr=\"sin(x * 6.283) * 100\" "
  "! broadcast name=fan ! stats name=level "
  " fan. ! scope name=plot n=1000 "
  " fan. ! map name=slow expr=\"({ double a = x; for (int i = 0; i < 2000; i++) a = a * 0.999 + 0.001; a; })\" "
  "! sum name=total "
  " fan. ! c name=smooth in=f64 out=f64 state=\"double acc;\" "
  "code=\"s->acc = s->acc * 0.9 + x * 0.1; emit(s->acc);\" "
  "! window-mean name=mean ! stats name=smoothed";

/* The demo's frames: which processes each holds, its title, colour and
 * note. */
static const struct
{
  const char *members[4];
  const char *title;
  const char *color;
  const char *note;
} demo_frames[] = {
  { { "clock", "wave", NULL }, N_("Signal"), "teal",
    N_("A sine wave, 1,000 items a second.\nEdit wave’s expression while it runs.") },
  { { "smooth", "mean", "smoothed", NULL }, N_("Smoothing"), "purple",
    N_("smooth is C code with a state of its own:\nchange it and watch the mean follow.") },
};

#define RECENT_MAX 10

struct _PbApplication
{
  AdwApplication parent_instance;

  gboolean       recovered;
};

G_DEFINE_FINAL_TYPE (PbApplication, pb_application, ADW_TYPE_APPLICATION)

static void pb_application_about (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data);
static void pb_application_quit  (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data);
static void pb_application_new_window (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data);
static void pb_application_demo  (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data);

static void pb_application_open_uri (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data);

static const GActionEntry app_entries[] = {
  { .name = "open-uri", .activate = pb_application_open_uri, .parameter_type = "s" },
  { .name = "about", .activate = pb_application_about },
  { .name = "quit",  .activate = pb_application_quit },
  { .name = "new-window", .activate = pb_application_new_window },
  { .name = "demo", .activate = pb_application_demo },
};

/**
 * pb_application_new:
 *
 * Creates the application object; main() runs it.
 *
 * Returns: (transfer full): a new #PbApplication
 */
PbApplication *
pb_application_new (void)
{
  return g_object_new (PB_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

/**
 * pb_application_add_recent:
 * @file: (nullable): a document just opened or saved
 *
 * Puts @file first in the recent documents, in the application's own
 * list and in the desktop's.
 */
void
pb_application_add_recent (PbApplication *self,
                           GFile         *file)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) recent = NULL;
  g_auto(GStrv) updated = NULL;
  g_autofree char *uri = NULL;
  guint kept = 1;

  g_return_if_fail (PB_IS_APPLICATION (self));

  if (file == NULL)
    return;

  uri = g_file_get_uri (file);
  settings = g_settings_new (APPLICATION_ID);
  recent = g_settings_get_strv (settings, "recent-files");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, uri);
  for (guint i = 0; recent[i] != NULL && kept < RECENT_MAX; i++)
    if (!g_str_equal (recent[i], uri))
      {
        g_strv_builder_add (builder, recent[i]);
        kept++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "recent-files", (const char * const *) updated);

  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

/**
 * pb_application_open_file:
 * @file: a document
 * @window: (nullable): the window asking; it shows the document if it is
 *   still a new, untouched one, and the error if the file does not open
 *
 * Opens @file in a window. A file that does not open is left as it was,
 * and the loader's reason is shown.
 */
void
pb_application_open_file (PbApplication *self,
                          GFile         *file,
                          PbWindow      *window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) document = NULL;

  g_return_if_fail (PB_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (file));

  document = pb_document_load (file, &error);
  if (document == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *heading = g_strdup_printf (_("Could Not Open “%s”"), name);

      if (window == NULL)
        {
          window = pb_window_new (self);
          gtk_window_present (GTK_WINDOW (window));
        }
      pb_window_show_error (window, heading, error);
      return;
    }

  if (window == NULL || !pb_window_is_pristine (window))
    window = pb_window_new (self);
  pb_window_set_document (window, document, FALSE);
  pb_application_add_recent (self, file);
  gtk_window_present (GTK_WINDOW (window));
}

/* Work a crash left unsaved comes back, once per session, each in a
 * window of its own, modified, to be saved where it belongs. */
static void
recover_unsaved (PbApplication *self)
{
  g_autoptr(GPtrArray) recoveries = NULL;

  if (self->recovered)
    return;
  self->recovered = TRUE;

  recoveries = pb_autosave_list ();
  for (guint i = 0; i < recoveries->len; i++)
    {
      PbRecovery *recovery = g_ptr_array_index (recoveries, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(PbDocument) document = pb_document_load (recovery->autosave, &error);
      g_autofree char *title = NULL;
      g_autofree char *message = NULL;
      PbWindow *window;

      if (document == NULL)
        {
          g_warning ("Could not recover unsaved work: %s", error->message);
          continue;
        }
      pb_document_set_recovered (document, recovery->original);
      window = pb_window_new (self);
      pb_window_set_document (window, document, FALSE);
      gtk_window_present (GTK_WINDOW (window));
      pb_autosave_forget (recovery);

      title = pb_document_dup_title (document);
      /* Translators: %s is a document's name. */
      message = g_strdup_printf (_("Recovered unsaved changes to “%s”"), title);
      pb_window_show_toast (window, message);
    }
}

/* Frames around parts of the demo, which say what they are for. They are
 * part of the demo as it opens, not steps to undo. */
static void
add_demo_frames (PbDocument *document)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_frames); i++)
    {
      g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      PbFrame *frame;

      for (guint k = 0; demo_frames[i].members[k] != NULL; k++)
        g_ptr_array_add (nodes, pb_document_find_named (document, demo_frames[i].members[k]));
      frame = pb_document_add_frame (document, nodes, _(demo_frames[i].title), &error);
      g_assert_no_error (error);
      pb_document_edit_frame (document, frame, NULL, demo_frames[i].color,
                              _(demo_frames[i].note), -1, &error);
      g_assert_no_error (error);
    }
  pb_undo_stack_clear (pb_document_get_undo_stack (document));
}

/**
 * pb_application_open_demo:
 *
 * Opens the demo topology, running, in a window of its own unless the
 * active window is still untouched.
 */
void
pb_application_open_demo (PbApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) document = NULL;
  PbWindow *window;

  g_return_if_fail (PB_IS_APPLICATION (self));

  recover_unsaved (self);
  document = pb_document_new_from_pipeline (demo_pipeline, &error);
  /* The demo ships with the application: it always builds. */
  g_assert_no_error (error);
  pb_document_set_title (document, _("Demo"));
  add_demo_frames (document);

  window = PB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (self)));
  if (window == NULL || !pb_window_is_pristine (window))
    window = pb_window_new (self);
  pb_window_set_document (window, document, TRUE);
  gtk_window_present (GTK_WINDOW (window));
}

static void
pb_application_about (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  PbApplication *self = user_data;

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Pushback"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("The Pushback developers"),
                         "version", PACKAGE_VERSION,
                         "copyright", _("© 2026 The Pushback developers"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: put your names here, one per line. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
pb_application_quit (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  PbApplication *self = user_data;
  g_autolist(GtkWindow) windows = NULL;
  const GList *l;

  /* Closing the windows, rather than calling g_application_quit(), lets
   * each one save its state in its close-request handler; the application
   * exits by itself when the last window is gone.  The list is copied and
   * referenced because closing a window removes it from the original. */
  for (l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    windows = g_list_prepend (windows, g_object_ref (l->data));

  for (l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
pb_application_new_window (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (pb_window_new (PB_APPLICATION (user_data))));
}

static void
pb_application_open_uri (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  PbApplication *self = user_data;
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  pb_application_open_file (self, file,
                            PB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (self))));
}

static void
pb_application_demo (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  pb_application_open_demo (PB_APPLICATION (user_data));
}

static void
pb_application_startup (GApplication *application)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.new-window", { "<Control>n", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "win.undo", { "<Control>z", NULL } },
    { "win.redo", { "<Control><Shift>z", "<Control>y", NULL } },
    { "win.run", { "F5", NULL } },
    { "win.pause", { "F6", NULL } },
    { "win.stop", { "<Shift>F5", NULL } },
    { "win.restart", { "<Control><Shift>F5", NULL } },
    { "win.zoom-fit", { "<Control>1", NULL } },
    { "win.find", { "<Control>f", NULL } },
    { "win.show-profiler", { "<Control><Shift>p", NULL } },
    { "win.add-pipeline", { "<Control><Shift>v", NULL } },
    { "win.copy-pipeline", { "<Control><Shift>c", NULL } },
    { "win.arrange", { "<Control><Shift>l", NULL } },
    { "win.show-minimap", { "<Control><Shift>m", NULL } },
  };

  G_APPLICATION_CLASS (pb_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application),
                                   app_entries,
                                   G_N_ELEMENTS (app_entries),
                                   application);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                           accels[i].action, accels[i].accels);
}

static void
pb_application_activate (GApplication *application)
{
  GtkWindow *window;

  recover_unsaved (PB_APPLICATION (application));

  window = gtk_application_get_active_window (GTK_APPLICATION (application));
  if (window == NULL)
    window = GTK_WINDOW (pb_window_new (PB_APPLICATION (application)));

  gtk_window_present (window);
}

static void
pb_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  recover_unsaved (PB_APPLICATION (application));
  for (int i = 0; i < n_files; i++)
    pb_application_open_file (PB_APPLICATION (application), files[i], NULL);
}

static int
pb_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  /* --demo is handled in the primary instance, once it has started up. */
  if (g_variant_dict_contains (options, "demo"))
    {
      g_autoptr(GError) error = NULL;

      if (!g_application_register (application, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return EXIT_FAILURE;
        }
      g_action_group_activate_action (G_ACTION_GROUP (application), "demo", NULL);
      return EXIT_SUCCESS;
    }
  return -1;
}

static void
pb_application_class_init (PbApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = pb_application_startup;
  app_class->activate = pb_application_activate;
  app_class->open = pb_application_open;
  app_class->handle_local_options = pb_application_handle_local_options;
}

static void
pb_application_init (PbApplication *self)
{
  static const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Open the demo topology, running"), NULL },
    /* Made by main() before the application starts (pb-export.c); here
     * only for --help. */
    { "export", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Write a picture of the graph (.png or .svg) and exit"), N_("FILE") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}
