/* test-containment.c — no code a person writes takes the editor down
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <adwaita.h>

#include "gui-test-app.h"
#include "gui-test-utils.h"
#include "pb-node.h"

/* Each way user code has of ending, hanging or corrupting the process it
 * runs in, from issue 11, with what its node must say. */
static const struct
{
  const char *code;
  const char *message;
} hostile[] = {
  { "if (x > 0) *(volatile int *) 16 = 1; emit (x);", "segmentation fault" },
  { "if (x > 0) memset ((char *) s + sizeof *s, 1, 64); emit (x);", "segmentation fault" },
  { "if (x > 0) exit (0); emit (x);", "called exit()" },
  { "long syscall (long, ...); if (x > 0) syscall (60, 0); emit (x);", "called exit()" },
  { "long syscall (long, ...); if (x > 0) syscall (57); emit (x);", "called fork()" },
  { "int kill (int, int); int getppid (void); if (x > 0) kill (getppid (), 9); emit (x);",
    "called kill()" },
  { "if (x > 0) for (;;) { void *p = malloc (5000); free (p); } emit (x);",
    "ran for longer than" },
  { "if (x > 0) for (;;) fflush (stdout); emit (x);", "ran for longer than" },
  { "long syscall (long, ...); int getppid (void); if (x > 0) syscall (200, getppid (), 9); emit (x);",
    "called tkill()" },
  { "if (x > 0) *(volatile unsigned char *) (void *) pb_run = 0xc3; emit (x);",
    "segmentation fault" },
};

typedef gboolean (*Condition) (GuiApp  *fixture,
                               gpointer data);

static gboolean
wake_up (gpointer data)
{
  (void) data;
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop, as the editor does, until @done or @timeout_ms. */
static gboolean
wait_until (GuiApp    *fixture,
            Condition  done,
            gpointer   data,
            guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint tick = g_timeout_add (20, wake_up, NULL);
  gboolean reached;

  while (!(reached = done (fixture, data)) && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, TRUE);
      pb_document_refresh_status (fixture->document);
    }
  g_source_remove (tick);
  return reached;
}

static gboolean
node_failed (GuiApp   *fixture,
             gpointer  data)
{
  (void) fixture;
  return pb_node_get_state (data) == PB_PROCESS_FAILED;
}

static gboolean
node_runs (GuiApp   *fixture,
           gpointer  data)
{
  (void) fixture;
  return pb_node_get_state (data) == PB_PROCESS_READY;
}

/* The running sum @data shows, as a number (0 before it shows one). */
static guint64
sum_shown (PbNode *node)
{
  const char *value = NULL;

  pb_node_get_live (node, NULL, &value);
  return value != NULL ? g_ascii_strtoull (value, NULL, 10) : 0;
}

typedef struct
{
  PbNode  *node;
  guint64  past;
} Passing;

static gboolean
sum_passes (GuiApp   *fixture,
            gpointer  data)
{
  Passing *p = data;

  (void) fixture;
  return sum_shown (p->node) > p->past;
}

static void
test_contained (GuiApp *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  PbNode *keep, *bad;

  kept = pb_document_add_pipeline (fixture->document,
                                   "seq name=counter from=1 to=1000000000000 ! sum name=keep",
                                   40, 40, &error);
  g_assert_no_error (error);
  feed = pb_document_add_pipeline (fixture->document,
                                   "seq name=feed from=1 to=1000000000000 "
                                   "! c name=bad code=\"emit (x);\" ! discard name=drop",
                                   40, 240, &error);
  g_assert_no_error (error);
  keep = g_ptr_array_index (kept, 1);
  bad = g_ptr_array_index (feed, 1);
  g_assert_cmpstr (pb_node_get_name (keep), ==, "keep");
  g_assert_cmpstr (pb_node_get_name (bad), ==, "bad");
  g_assert_true (pb_document_sync (fixture->document, 10000));

  for (size_t i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      Passing passing = { keep, 0 };

      g_test_message ("%s", hostile[i].code);
      g_assert_true (pb_document_set_param (fixture->document, bad, "code", hostile[i].code,
                                            &error));
      g_assert_no_error (error);
      g_assert_true (pb_document_sync (fixture->document, 10000));
      if (!wait_until (fixture, node_failed, bad, 30000))
        g_error ("'%s' did not fail: %s", hostile[i].code, pb_node_get_message (bad));
      if (strstr (pb_node_get_message (bad), hostile[i].message) == NULL)
        g_error ("'%s' failed with '%s'", hostile[i].code, pb_node_get_message (bad));

      /* The editor lives (this is its process), draws, and the other
       * chain's sum goes on from where it was. */
      gui_test_wait_for_draw (GTK_WIDGET (fixture->window));
      if (i == 0)
        gui_test_save_png (GTK_WIDGET (fixture->window), "containment-failed.png");
      passing.past = sum_shown (keep);
      g_assert_true (wait_until (fixture, sum_passes, &passing, 30000));
      g_assert_cmpint (pb_node_get_state (keep), ==, PB_PROCESS_READY);

      /* Mended, the process runs again. */
      g_assert_true (pb_document_set_param (fixture->document, bad, "code", "emit (x);", &error));
      g_assert_no_error (error);
      g_assert_true (pb_document_sync (fixture->document, 10000));
      g_assert_true (wait_until (fixture, node_runs, bad, 30000));
    }
  gui_test_save_png (GTK_WIDGET (fixture->window), "containment.png");
}

/* The hostile documents of the fuzz corpus (a cascading key that would
 * delete recorded runs, a trigger, a view, an #include in an expression,
 * nested casts for libtcc's parser...): the running editor refuses each
 * with a message naming the problem, and goes on. */
static void
test_hostile_documents (GuiApp *fixture)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "..", "fuzz", "corpus", NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint seen = 0;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GFile) file = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(PbDocument) document = NULL;

      if (!g_str_has_prefix (name, "hostile-"))
        continue;
      path = g_build_filename (dir, name, NULL);
      file = g_file_new_for_path (path);
      document = pb_document_load (file, &error);
      g_test_message ("%s: %s", name, error != NULL ? error->message : "opened");
      g_assert_null (document);
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, !=, "");
      seen++;
    }
  g_assert_cmpuint (seen, >=, 6);
  gui_test_wait_for_draw (GTK_WIDGET (fixture->window));
}

/* Text that would crash or stall libtcc, typed into a parameter: the
 * edit is refused, or its process fails, with the reason. */
static void
test_compiler_bombs (GuiApp *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GString) bangs = g_string_new ("x + ");
  const char *bombs[3];
  PbNode *map;

  for (int i = 0; i < 100000; i++)
    g_string_append_c (bangs, '!');
  g_string_append (bangs, "x");
  bombs[0] = bangs->str;
  bombs[1] = "#include \"/etc/shadow\"\nx";
  bombs[2] = "#define A x x x x x x x x\n#define B A A A A A A A A\nB";
  nodes = pb_document_add_pipeline (fixture->document,
                                    "seq name=numbers from=1 to=1000000000000 ! map name=m expr=\"x\" "
                                    "! discard name=out", 40, 40, &error);
  g_assert_no_error (error);
  map = g_ptr_array_index (nodes, 1);
  g_assert_true (pb_document_sync (fixture->document, 10000));
  for (size_t i = 0; i < G_N_ELEMENTS (bombs); i++)
    {
      g_autoptr(GError) refused = NULL;

      if (pb_document_set_param (fixture->document, map, "expr", bombs[i], &refused))
        {
          g_assert_true (pb_document_sync (fixture->document, 30000));
          if (!wait_until (fixture, node_failed, map, 30000))
            g_error ("bomb %zu neither refused nor failed", i);
          g_test_message ("bomb %zu: %s", i, pb_node_get_message (map));
        }
      else
        {
          g_assert_nonnull (refused);
          g_test_message ("bomb %zu refused: %s", i, refused->message);
        }
      gui_test_wait_for_draw (GTK_WIDGET (fixture->window));
    }
}

/* Data that used to hang, crash or lose output (issue 11's findings 5 to
 * 7), in a running editor: each process fails with what happened. */
static void
test_hostile_data (GuiApp *fixture)
{
  static const struct
  {
    const char *pipeline;
    const char *name;
    const char *message;
  } cases[] = {
    { "seq name=tiny type=f64 from=1e17 to=2e17 step=1 ! sum name=s1", "tiny",
      "below the precision" },
    { "seq name=bytes to=100000 ! format name=f ! file-out name=full path=/dev/full", "full",
      "cannot write" },
    { "file-in name=zeros path=/dev/zero ! parse name=p ! sum name=s2", "p",
      "longer than 79 bytes" },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) nodes = pb_document_add_pipeline (fixture->document, cases[i].pipeline,
                                                             40, 40 + 160 * (double) i, &error);
      PbNode *node;

      g_assert_no_error (error);
      node = pb_document_find_named (fixture->document, cases[i].name);
      g_assert_nonnull (node);
      g_assert_true (pb_document_sync (fixture->document, 10000));
      if (!wait_until (fixture, node_failed, node, 30000))
        g_error ("%s did not fail: %s", cases[i].name, pb_node_get_message (node));
      if (strstr (pb_node_get_message (node), cases[i].message) == NULL)
        g_error ("%s failed with '%s'", cases[i].name, pb_node_get_message (node));
      gui_test_wait_for_draw (GTK_WIDGET (fixture->window));
    }
}

int
main (int    argc,
      char **argv)
{
  gui_test_isolate_data ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  GUI_APP_ADD ("/pushback/containment/hostile-code", test_contained);
  GUI_APP_ADD ("/pushback/containment/hostile-documents", test_hostile_documents);
  GUI_APP_ADD ("/pushback/containment/compiler-bombs", test_compiler_bombs);
  GUI_APP_ADD ("/pushback/containment/hostile-data", test_hostile_data);

  return g_test_run ();
}
