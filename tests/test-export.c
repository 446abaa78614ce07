/* test-export.c — pictures of the graph, from the command line with no display
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `pushback --export=FILE DOC` must work where there is no display at all
 * (documentation builds, CI): the editor is run with DISPLAY and
 * WAYLAND_DISPLAY unset, and what it writes is read back: an SVG that is
 * well-formed XML naming every process, a PNG that is a PNG.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "pb-document.h"
#include "pb-export.h"
#include "pb-socket.h"

typedef struct
{
  char *dir;
  char *document;
  char *names[8];
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) document = NULL;
  g_autoptr(GFile) file = NULL;
  GListModel *nodes;
  guint n;

  fixture->dir = g_dir_make_tmp ("pushback-export-XXXXXX", &error);
  g_assert_no_error (error);
  document = pb_document_new_from_pipeline ("seq from=1 to=1000 ! broadcast name=t ! map expr=\"x*2\" "
                                            "! merge name=m ! sum  t. ! m.", &error);
  g_assert_no_error (error);

  /* A name with what XML must escape. */
  nodes = pb_document_get_nodes (document);
  n = g_list_model_get_n_items (nodes);
  g_assert_cmpuint (n, ==, 5);
  {
    g_autoptr(PbNode) first = g_list_model_get_item (nodes, 0);

    g_assert_true (pb_document_rename (document, first, "numbers <1 & up>", &error));
    g_assert_no_error (error);
  }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

      fixture->names[i] = g_strdup (pb_node_get_name (node));
    }
  /* A frame around the first two, with a title to escape and a note. */
  {
    g_autoptr(GPtrArray) framed = g_ptr_array_new_with_free_func (g_object_unref);
    PbFrame *frame;

    g_ptr_array_add (framed, g_list_model_get_item (nodes, 0));
    g_ptr_array_add (framed, g_list_model_get_item (nodes, 1));
    frame = pb_document_add_frame (document, framed, "Input & <fan>", &error);
    g_assert_no_error (error);
    g_assert_true (pb_document_edit_frame (document, frame, NULL, "green", "Counts\nthen fans out",
                                           -1, &error));
    g_assert_no_error (error);
    fixture->names[n] = g_strdup ("Input & <fan>");
  }

  fixture->document = g_build_filename (fixture->dir, "graph.pushback", NULL);
  file = g_file_new_for_path (fixture->document);
  g_assert_true (pb_document_save (document, file, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->document);
  for (guint i = 0; i < G_N_ELEMENTS (fixture->names); i++)
    g_free (fixture->names[i]);
}

/* Runs the editor's executable on @args with no display; returns its
 * exit status, and what it printed on standard error. */
static int
run_pushback (const char * const *args,
              char              **errors)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  const char *exe = g_getenv ("PUSHBACK");
  int status;

  g_assert_nonnull (exe);
  env = g_environ_unsetenv (env, "DISPLAY");
  env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
  /* Not even a session bus to fall back on. */
  env = g_environ_unsetenv (env, "DBUS_SESSION_BUS_ADDRESS");

  g_ptr_array_add (argv, (char *) exe);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                NULL, errors, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

typedef struct
{
  gboolean  in_text;
  gboolean  svg_root;
  GString  *text;
} SvgReader;

static void
start_element (GMarkupParseContext *context,
               const char          *element,
               const char         **names,
               const char         **values,
               gpointer             user_data,
               GError             **error)
{
  SvgReader *reader = user_data;

  if (g_markup_parse_context_get_element_stack (context)->next == NULL)
    reader->svg_root = g_str_equal (element, "svg");
  if (g_str_equal (element, "text"))
    reader->in_text = TRUE;
}

static void
end_element (GMarkupParseContext *context,
             const char          *element,
             gpointer             user_data,
             GError             **error)
{
  SvgReader *reader = user_data;

  if (g_str_equal (element, "text"))
    {
      reader->in_text = FALSE;
      g_string_append_c (reader->text, '\n');
    }
}

static void
text (GMarkupParseContext *context,
      const char          *chars,
      gsize                length,
      gpointer             user_data,
      GError             **error)
{
  SvgReader *reader = user_data;

  /* The text of <text> itself, not of its <title>. */
  if (reader->in_text && g_str_equal (g_markup_parse_context_get_element (context), "text"))
    g_string_append_len (reader->text, chars, length);
}

static void
svg_body (Fixture       *fixture,
          gconstpointer  data)
{
  static const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };
  g_autofree char *svg_path = g_build_filename (fixture->dir, "graph.svg", NULL);
  g_autofree char *option = g_strconcat ("--export=", svg_path, NULL);
  const char *args[] = { option, fixture->document, NULL };
  g_autofree char *errors = NULL;
  g_autofree char *svg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_auto(GStrv) lines = NULL;
  SvgReader reader = { FALSE, FALSE, g_string_new (NULL) };
  gsize length;

  g_assert_cmpint (run_pushback (args, &errors), ==, 0);
  g_assert_cmpstr (errors, ==, "");
  g_assert_true (g_file_get_contents (svg_path, &svg, &length, &error));
  g_assert_no_error (error);

  /* Well-formed XML (GMarkup refuses what is not), an <svg> at the root. */
  context = g_markup_parse_context_new (&parser, G_MARKUP_DEFAULT_FLAGS, &reader, NULL);
  g_assert_true (g_str_has_prefix (svg, "<?xml"));
  g_assert_true (g_markup_parse_context_parse (context, svg, length, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_true (reader.svg_root);

  /* Every process's name, and the frame's title, as text, once. */
  lines = g_strsplit (reader.text->str, "\n", -1);
  for (guint i = 0; fixture->names[i] != NULL; i++)
    g_assert_true (g_strv_contains ((const char * const *) lines, fixture->names[i]));
  g_assert_cmpuint (g_strv_length (lines), ==, 5 + 1 + 1);
  g_string_free (reader.text, TRUE);
}

static void
png_body (Fixture       *fixture,
          gconstpointer  data)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree char *png_path = g_build_filename (fixture->dir, "graph.png", NULL);
  const char *args[] = { "--export", png_path, fixture->document, NULL };
  g_autofree char *errors = NULL;
  g_autofree char *png = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_assert_cmpint (run_pushback (args, &errors), ==, 0);
  g_assert_true (g_file_get_contents (png_path, &png, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 1000);
  g_assert_cmpmem (png, sizeof signature, signature, sizeof signature);
}

/* Whether the pixel at (@x, @y) of @image has @color, give or take. */
static gboolean
pixel_is (cairo_surface_t *image,
          int              x,
          int              y,
          const GdkRGBA   *color)
{
  const guint8 *row = cairo_image_surface_get_data (image) + y * cairo_image_surface_get_stride (image);
  guint32 argb;

  memcpy (&argb, row + 4 * x, sizeof argb);
  return ABS ((int) ((argb >> 16) & 0xff) - (int) (color->red * 255)) < 12
         && ABS ((int) ((argb >> 8) & 0xff) - (int) (color->green * 255)) < 12
         && ABS ((int) (argb & 0xff) - (int) (color->blue * 255)) < 12;
}

/* A socket no link joins is drawn as a ring, as the canvas draws it, and
 * a joined one as a disc: the middle of the first shows the node, that
 * of the second the colour of its items. */
static void
sockets_body (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *png_path = g_build_filename (fixture->dir, "sockets.png", NULL);
  g_autoptr(PbDocument) document = pb_document_new ();
  g_autoptr(GError) error = NULL;
  PbNode *seq, *joined, *lone;
  cairo_surface_t *image;
  GdkRGBA item;

  seq = pb_document_add_node (document, "seq", 0, 0, &error);
  joined = pb_document_add_node (document, "sum", 300, 0, &error);
  lone = pb_document_add_node (document, "sum", 0, 300, &error);
  g_assert_no_error (error);
  g_assert_true (pb_document_connect (document, pb_addr_with_port (pb_node_get_address (seq), 0),
                                      pb_addr_with_port (pb_node_get_address (joined), 0), &error));
  g_assert_true (pb_export_document (document, png_path, &error));
  g_assert_no_error (error);
  image = cairo_image_surface_create_from_png (png_path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  pb_socket_item_color (PB_ITEM_I64, &item);
  /* An input lies on its node's left edge, 57 below its top; the
   * picture's margin is 32, past the leftmost socket's radius of 5, and
   * a PNG has two pixels to the unit (pb-export.c). */
  g_assert_true (pixel_is (image, 2 * (int) (pb_node_get_x (joined) + 37),
                           2 * (int) (pb_node_get_y (joined) + 89), &item));
  g_assert_false (pixel_is (image, 2 * (int) (pb_node_get_x (lone) + 37),
                            2 * (int) (pb_node_get_y (lone) + 89), &item));
  /* Its ring is there, a little off the middle, in its own colour (an
   * input no link joins has no type yet). */
  pb_socket_item_color (pb_port_get_item_type (pb_node_find_port (lone, pb_addr_with_port (pb_node_get_address (lone), 0))),
                        &item);
  g_assert_false (pixel_is (image, 2 * (int) (pb_node_get_x (lone) + 37),
                            2 * (int) (pb_node_get_y (lone) + 89), &item));
  g_assert_true (pixel_is (image, 2 * (int) (pb_node_get_x (lone) + 37) + 8,
                           2 * (int) (pb_node_get_y (lone) + 89), &item));
  cairo_surface_destroy (image);
}

/* A wrong extension or a missing document fails with a message, and
 * still needs no display. */
static void
refusals_body (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *gif = g_build_filename (fixture->dir, "graph.gif", NULL);
  g_autofree char *option = g_strconcat ("--export=", gif, NULL);
  const char *wrong[] = { option, fixture->document, NULL };
  const char *missing[] = { "--export=x.svg", "/nonexistent/graph.pushback", NULL };
  const char *none[] = { "--export=x.svg", NULL };
  g_autofree char *errors = NULL;

  g_assert_cmpint (run_pushback (wrong, &errors), ==, 1);
  g_assert_nonnull (strstr (errors, ".svg"));
  g_assert_false (g_file_test (gif, G_FILE_TEST_EXISTS));
  g_clear_pointer (&errors, g_free);
  g_assert_cmpint (run_pushback (missing, &errors), ==, 1);
  g_assert_cmpstr (errors, !=, "");
  g_clear_pointer (&errors, g_free);
  g_assert_cmpint (run_pushback (none, &errors), ==, 2);
  g_assert_cmpstr (errors, !=, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, body) \
  g_test_add ("/pushback/export/" path, Fixture, NULL, fixture_set_up, body, fixture_tear_down)

  ADD ("svg", svg_body);
  ADD ("png", png_body);
  ADD ("sockets", sockets_body);
  ADD ("refusals", refusals_body);

#undef ADD

  return g_test_run ();
}
