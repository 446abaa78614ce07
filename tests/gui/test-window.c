/* test-window.c — the application shell: window, menu, actions, saved size
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "pb-application.h"
#include "pb-canvas.h"
#include "pb-document.h"
#include "pb-port.h"
#include "gui-test-utils.h"
#include "pb-window.h"

typedef struct
{
  PbApplication *app;
  GSettings     *settings;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  /* The memory backend lives as long as the process: start each test from
   * the defaults whatever the previous one saved. */
  fixture->settings = g_settings_new ("org.pushback.Pushback");
  g_settings_reset (fixture->settings, "window-width");
  g_settings_reset (fixture->settings, "window-height");
  g_settings_reset (fixture->settings, "window-maximized");
  g_settings_reset (fixture->settings, "trusted-code");
  g_settings_reset (fixture->settings, "recent-files");

  fixture->app = pb_application_new ();

  /* A Pushback already running on the bus must not take our activations. */
  g_application_set_flags (G_APPLICATION (fixture->app), G_APPLICATION_NON_UNIQUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->settings);
  g_assert_finalize_object (fixture->app);
}

/* Runs the application as a launch from the desktop would, with @body
 * connected after the application's own activate handler, which has made
 * the window by then.  The run ends when @body has closed every window;
 * running to the end matters, as GtkApplication only drops its references
 * to itself in shutdown. */
static void
run_application (Fixture   *fixture,
                 GCallback  body)
{
  g_signal_connect_after (fixture->app, "activate", body, fixture);

  g_assert_cmpint (g_application_run (G_APPLICATION (fixture->app), 0, NULL), ==, 0);
}

/* Presents @window and returns once it has been mapped and drawn. */
static void
present_and_wait (GtkWindow *window)
{
  gtk_window_present (window);

  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);

  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
}

/* Returns a reference to the window activation made, for
 * g_assert_finalize_object(), once it is on screen. */
static PbWindow *
get_activated_window (Fixture *fixture)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (fixture->app));
  g_assert_true (PB_IS_WINDOW (window));

  present_and_wait (window);

  return g_object_ref (PB_WINDOW (window));
}

static GtkWidget *
find_primary_menu_button (GtkWidget *widget)
{
  GtkWidget *child;

  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget)))
    return widget;

  for (child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_primary_menu_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The window holds several status pages (the palette's empty search, the
 * inspector's empty selection): this finds one by its title. */
static GtkWidget *
find_status_page (GtkWidget  *widget,
                  const char *title)
{
  GtkWidget *child;

  if (ADW_IS_STATUS_PAGE (widget)
      && g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), title) == 0)
    return widget;

  for (child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_status_page (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
window_shell_activated (GApplication *application,
                        Fixture      *fixture)
{
  PbWindow *window = get_activated_window (fixture);
  GtkWidget *status_page;
  GtkWidget *menu_button;

  /* A new window holds a new, empty document, with a canvas to draw it
   * on and a page saying how to start. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Untitled");
  g_assert_nonnull (pb_window_get_document (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (pb_window_get_canvas (window))));
  g_assert_true (pb_canvas_get_document (pb_window_get_canvas (window)) == pb_window_get_document (window));

  status_page = find_status_page (GTK_WIDGET (window), "No Processes Yet");
  g_assert_nonnull (status_page);
  g_assert_true (gtk_widget_get_mapped (status_page));

  /* The Open button's recent menu is a menu button too: the main menu is
   * the primary one. */
  menu_button = find_primary_menu_button (GTK_WIDGET (window));
  g_assert_nonnull (menu_button);
  g_assert_nonnull (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)));

  gtk_window_close (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
test_window_shell (Fixture       *fixture,
                   gconstpointer  data)
{
  run_application (fixture, G_CALLBACK (window_shell_activated));
}

static void
window_size_saved_activated (GApplication *application,
                             Fixture      *fixture)
{
  PbWindow *window = get_activated_window (fixture);
  int width;
  int height;

  /* Between closing the first window and opening the second there is no
   * window to keep the application running. */
  g_application_hold (application);

  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_finalize_object (window);

  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-width"), ==, 700);
  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-height"), ==, 500);
  g_assert_false (g_settings_get_boolean (fixture->settings, "window-maximized"));

  /* The next window opens at the size the last one was closed at. */
  window = g_object_ref (pb_window_new (fixture->app));
  present_and_wait (GTK_WINDOW (window));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 500);

  gtk_window_close (GTK_WINDOW (window));
  g_assert_finalize_object (window);

  g_application_release (application);
}

static void
test_window_size_saved (Fixture       *fixture,
                        gconstpointer  data)
{
  run_application (fixture, G_CALLBACK (window_size_saved_activated));
}

static void
application_about_activated (GApplication *application,
                             Fixture      *fixture)
{
  PbWindow *window = get_activated_window (fixture);
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *about = NULL;
  guint i;

  g_action_group_activate_action (G_ACTION_GROUP (application), "about", NULL);

  for (i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (toplevel))
        about = g_object_ref (toplevel);
    }

  g_assert_nonnull (about);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (window));
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);

  present_and_wait (about);
  gtk_window_destroy (about);
  g_assert_finalize_object (about);

  gtk_window_close (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
test_application_about (Fixture       *fixture,
                        gconstpointer  data)
{
  run_application (fixture, G_CALLBACK (application_about_activated));
}

static void
application_quit_activated (GApplication *application,
                            Fixture      *fixture)
{
  PbWindow *first = get_activated_window (fixture);
  PbWindow *second = g_object_ref (pb_window_new (fixture->app));

  present_and_wait (GTK_WINDOW (second));
  gtk_window_set_default_size (GTK_WINDOW (first), 640, 480);
  gtk_window_set_default_size (GTK_WINDOW (second), 640, 480);

  g_action_group_activate_action (G_ACTION_GROUP (application), "quit", NULL);

  /* Quitting closes every window, which saves its size on the way out. */
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (application)));
  g_assert_finalize_object (first);
  g_assert_finalize_object (second);
  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-width"), ==, 640);
  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-height"), ==, 480);
}

static void
test_application_quit (Fixture       *fixture,
                       gconstpointer  data)
{
  run_application (fixture, G_CALLBACK (application_quit_activated));
}

/* Opening documents */

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("pushback-open-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @dir, sorted, joined by spaces: what a writer left beside
 * a document (a journal, a WAL) shows here. */
static char *
dup_listing (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* Returns: (transfer full) (nullable): the one message dialog on screen */
static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *dialog = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel))
        {
          g_assert_null (dialog);
          dialog = g_object_ref (toplevel);
        }
    }
  return dialog != NULL ? ADW_MESSAGE_DIALOG (dialog) : NULL;
}

static guint
count_windows (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type))
        n++;
    }
  return n;
}

/* A file's mtime is set far in the past: any write brings it to now. */
#define OLD_MTIME G_GUINT64_CONSTANT (1000000000)

static void
make_old (GFile *file)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_attribute_uint64 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, OLD_MTIME,
                                              G_FILE_QUERY_INFO_NONE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_attribute_uint32 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC, 0,
                                              G_FILE_QUERY_INFO_NONE, NULL, &error));
  g_assert_no_error (error);
}

static void
assert_untouched (GFile      *file,
                  const char *contents,
                  gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *now = NULL;
  gsize now_length;

  g_assert_true (g_file_load_contents (file, NULL, &now, &now_length, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (now, now_length, contents, length);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                            G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED), ==, OLD_MTIME);
  g_assert_cmpuint (g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC), ==, 0);
}

/* The address of @node's first port going @direction. */
static pb_addr
port_address (PbNode      *node,
              pb_port_dir  direction)
{
  GListModel *ports = pb_node_get_ports (node);

  for (guint i = 0; i < g_list_model_get_n_items (ports); i++)
    {
      g_autoptr(PbPort) port = g_list_model_get_item (ports, i);

      if (pb_port_get_direction (port) == direction)
        return pb_port_get_address (port);
    }
  g_error ("%s has no port that way", pb_node_get_name (node));
  return 0;
}

/* A document with two processes and no code, saved to @path; its bytes
 * in @contents. */
static void
save_plain_document (const char  *path,
                     char       **contents,
                     gsize       *length)
{
  g_autoptr(PbDocument) document = pb_document_new ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  PbNode *seq = pb_document_add_node (document, "seq", 40, 60, &error);
  PbNode *sum;

  g_assert_no_error (error);
  sum = pb_document_add_node (document, "sum", 300, 60, &error);
  g_assert_no_error (error);
  g_assert_true (pb_document_connect (document, port_address (seq, PB_PORT_OUT),
                                      port_address (sum, PB_PORT_IN), &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_save (document, file, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&document));
  g_assert_true (g_file_get_contents (path, contents, length, &error));
  g_assert_no_error (error);
}

/* Opens @path, which does not open, in @window: the loader's message is
 * shown over it, and neither the window nor the file changes. */
static void
assert_open_refused (Fixture    *fixture,
                     PbWindow   *window,
                     const char *path,
                     const char *contents,
                     gsize       length)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) loaded = NULL;
  g_autoptr(AdwMessageDialog) dialog = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *listing = NULL;
  g_autofree char *listing_after = NULL;
  PbDocument *document = pb_window_get_document (window);
  PbCanvas *canvas = pb_window_get_canvas (window);

  g_assert_true (g_file_set_contents (path, contents, length, &error));
  g_assert_no_error (error);
  make_old (file);
  listing = dup_listing (dir);

  /* What the loader says, for the dialog to show. */
  loaded = pb_document_load (file, &error);
  g_assert_null (loaded);
  g_assert_nonnull (error);
  g_test_message ("%s: %s", name, error->message);
  assert_untouched (file, contents, length);

  g_assert_true (pb_window_is_pristine (window));
  pb_application_open_file (fixture->app, file, window);

  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  present_and_wait (GTK_WINDOW (dialog));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), name));
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, error->message);
  /* Naming the file, and saying what is wrong with it. */
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), path));
  g_assert_cmpuint (strlen (adw_message_dialog_get_body (dialog)), >, strlen (path) + 8);

  /* The window still shows its new document, and no other came. */
  g_assert_cmpuint (count_windows (PB_TYPE_WINDOW), ==, 1);
  g_assert_true (pb_window_get_document (window) == document);
  g_assert_true (pb_canvas_get_document (canvas) == document);
  g_assert_true (pb_window_is_pristine (window));
  g_assert_null (pb_document_get_file (document));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Untitled");

  /* and the file is as it was, with nothing left beside it. */
  assert_untouched (file, contents, length);
  listing_after = dup_listing (dir);
  g_assert_cmpstr (listing_after, ==, listing);

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (g_steal_pointer (&dialog));
  g_assert_cmpint (g_remove (path), ==, 0);
}

static void
open_bad_files_activated (GApplication *application,
                          Fixture      *fixture)
{
  PbWindow *window = get_activated_window (fixture);
  g_autofree char *dir = make_dir ();
  g_autofree char *good_path = g_build_filename (dir, "good.pushback", NULL);
  g_autofree char *path = NULL;
  g_autofree char *good = NULL;
  g_autoptr(GFile) good_file = NULL;
  gsize good_length;
  static const char text[] = "clock ! map expr=\"x * 2\" ! stats\n";
  static const guchar png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };

  save_plain_document (good_path, &good, &good_length);

  path = g_build_filename (dir, "empty.pushback", NULL);
  assert_open_refused (fixture, window, path, "", 0);
  g_clear_pointer (&path, g_free);

  path = g_build_filename (dir, "pipeline.txt", NULL);
  assert_open_refused (fixture, window, path, text, strlen (text));
  g_clear_pointer (&path, g_free);

  path = g_build_filename (dir, "picture.pushback", NULL);
  assert_open_refused (fixture, window, path, (const char *) png, sizeof png);
  g_clear_pointer (&path, g_free);

  /* A document cut short, as a full disk or a broken copy leaves it: at
   * half its length, and inside its header. */
  path = g_build_filename (dir, "truncated.pushback", NULL);
  assert_open_refused (fixture, window, path, good, good_length / 2);
  assert_open_refused (fixture, window, path, good, 100);

  /* The whole document opens, in the same window: the window was
   * pristine all along. */
  good_file = g_file_new_for_path (good_path);
  pb_application_open_file (fixture->app, good_file, window);
  g_assert_null (find_message_dialog ());
  g_assert_cmpuint (count_windows (PB_TYPE_WINDOW), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_nodes (pb_window_get_document (window))), ==, 2);
  g_assert_true (g_file_equal (pb_document_get_file (pb_window_get_document (window)), good_file));

  gtk_window_close (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  g_assert_cmpint (g_remove (good_path), ==, 0);
  remove_dir (dir);
}

static void
test_open_bad_files (Fixture       *fixture,
                     gconstpointer  data)
{
  run_application (fixture, G_CALLBACK (open_bad_files_activated));
}

static GtkWidget *
find_label_containing (GtkWidget  *widget,
                       const char *text)
{
  g_autoptr(GPtrArray) labels = gui_test_find_all (widget, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_label (g_ptr_array_index (labels, i)), text) != NULL)
      return g_ptr_array_index (labels, i);
  return NULL;
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  g_autoptr(GPtrArray) buttons = gui_test_find_all (widget, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), action) == 0)
      return g_ptr_array_index (buttons, i);
  g_error ("no button activates %s", action);
  return NULL;
}

/* The banner that holds a document's code back: the revealer around the
 * button that trusts it. */
static GtkRevealer *
find_trust_banner (PbWindow *window)
{
  GtkWidget *revealer = gtk_widget_get_ancestor (find_action_button (GTK_WIDGET (window), "win.trust"),
                                                 GTK_TYPE_REVEALER);

  g_assert_nonnull (revealer);
  return GTK_REVEALER (revealer);
}

static PbNode *
node_of_kind (PbDocument *document,
              const char *kind)
{
  GListModel *nodes = pb_document_get_nodes (document);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

      if (g_str_equal (pb_node_get_kind_name (node), kind))
        return node;
    }
  g_error ("no %s in the document", kind);
  return NULL;
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Turns the main loop, where the document's status tick runs, until
 * @node is in @state or 10 s have passed. */
static gboolean
wait_for_state (PbNode           *node,
                pb_process_state  state)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (20, wake_up, NULL);

  while (pb_node_get_state (node) != state && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return pb_node_get_state (node) == state;
}

/* A source, a map whose expression does not compile, and a sink: if the
 * expression were compiled, the map would fail, which is how the tests
 * see whether a document's code was compiled. */
static void
save_code_document (const char *path)
{
  g_autoptr(PbDocument) document = pb_document_new ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  PbNode *nodes[3];
  const char *kinds[] = { "seq", "map", "sum" };

  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      nodes[i] = pb_document_add_node (document, kinds[i], 40 + 260 * i, 60, &error);
      g_assert_no_error (error);
    }
  g_assert_true (pb_document_set_param (document, nodes[0], "to", "10", &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_set_param (document, nodes[1], "expr", "x +* 2", &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (pb_document_connect (document, port_address (nodes[i], PB_PORT_OUT),
                                          port_address (nodes[i + 1], PB_PORT_IN), &error));
      g_assert_no_error (error);
    }
  g_assert_true (pb_document_save (document, file, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&document));
}

static void
untrusted_activated (GApplication *application,
                     Fixture      *fixture)
{
  PbWindow *window = get_activated_window (fixture);
  PbWindow *again;
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "stranger.pushback", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_auto(GStrv) trusted = NULL;
  GtkRevealer *banner;
  PbDocument *document;
  PbNode *map;

  save_code_document (path);

  /* Nothing trusted yet: saving a document is not trusting it. */
  trusted = g_settings_get_strv (fixture->settings, "trusted-code");
  g_assert_cmpuint (g_strv_length (trusted), ==, 0);
  g_clear_pointer (&trusted, g_strfreev);

  pb_application_open_file (fixture->app, file, window);
  g_assert_null (find_message_dialog ());
  document = pb_window_get_document (window);
  g_assert_true (g_file_equal (pb_document_get_file (document), file));
  map = node_of_kind (document, "map");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* Stopped, its code not even compiled, and the banner says why. */
  g_assert_cmpint (pb_document_get_run_state (document), ==, PB_RUN_STOPPED);
  g_assert_true (pb_document_sync (document, 10000));
  pb_document_refresh_status (document);
  g_assert_cmpint (pb_node_get_state (map), !=, PB_PROCESS_FAILED);
  banner = find_trust_banner (window);
  g_assert_true (gtk_revealer_get_reveal_child (banner));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (banner)));
  g_assert_nonnull (find_label_containing (GTK_WIDGET (banner), "has C code in 1 process"));

  /* Run is not offered, and asked for anyway, does nothing. */
  g_assert_false (gtk_widget_get_sensitive (find_action_button (GTK_WIDGET (window), "win.run")));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  g_assert_cmpint (pb_document_get_run_state (document), ==, PB_RUN_STOPPED);
  g_assert_true (gtk_widget_get_sensitive (find_action_button (GTK_WIDGET (window), "win.trust")));

  /* Trusting it runs it: the expression is compiled now, and refused. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.trust", NULL));
  g_assert_cmpint (pb_document_get_run_state (document), ==, PB_RUN_RUNNING);
  g_assert_false (gtk_revealer_get_reveal_child (banner));
  g_assert_false (gtk_widget_get_sensitive (find_action_button (GTK_WIDGET (window), "win.trust")));
  g_assert_true (wait_for_state (map, PB_PROCESS_FAILED));
  trusted = g_settings_get_strv (fixture->settings, "trusted-code");
  g_assert_cmpuint (g_strv_length (trusted), ==, 1);

  /* Trust follows the code: opened again, the document runs at once. */
  pb_application_open_file (fixture->app, file, NULL);
  g_assert_cmpuint (count_windows (PB_TYPE_WINDOW), ==, 2);
  again = PB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (application)));
  if (again == window)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (application));

      again = PB_WINDOW (windows->data == window ? windows->next->data : windows->data);
    }
  g_object_ref (again);
  present_and_wait (GTK_WINDOW (again));
  g_assert_cmpint (pb_document_get_run_state (pb_window_get_document (again)), ==, PB_RUN_RUNNING);
  g_assert_false (gtk_revealer_get_reveal_child (find_trust_banner (again)));

  gtk_window_close (GTK_WINDOW (again));
  g_assert_finalize_object (again);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  remove_dir (dir);
}

static void
test_untrusted (Fixture       *fixture,
                gconstpointer  data)
{
  run_application (fixture, G_CALLBACK (untrusted_activated));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_isolate_data ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/pushback/window/shell", Fixture, NULL,
              fixture_set_up, test_window_shell, fixture_tear_down);
  g_test_add ("/pushback/window/size-saved", Fixture, NULL,
              fixture_set_up, test_window_size_saved, fixture_tear_down);
  g_test_add ("/pushback/application/about", Fixture, NULL,
              fixture_set_up, test_application_about, fixture_tear_down);
  g_test_add ("/pushback/application/quit", Fixture, NULL,
              fixture_set_up, test_application_quit, fixture_tear_down);

  g_test_add ("/pushback/application/open-bad-files", Fixture, NULL,
              fixture_set_up, test_open_bad_files, fixture_tear_down);
  g_test_add ("/pushback/application/untrusted", Fixture, NULL,
              fixture_set_up, test_untrusted, fixture_tear_down);

  return g_test_run ();
}
