/* test-document-tools.c — the rewiring edits, without a display
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The asks behind quick-add, insert on a wire, delete with reconnect and
 * moving a wire's end (pb-document-tools.c), each checked as one undo
 * step, and each refusal checked to change nothing: the graph text before
 * and after a refused ask is the same.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "pb-clipboard.h"
#include "pb-document.h"
#include "pb-error.h"

static PbNode *
add (PbDocument *doc,
     const char *kind)
{
  g_autoptr(GError) error = NULL;
  PbNode *node = pb_document_add_node (doc, kind, 0, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static pb_addr
port (PbNode     *node,
      const char *role)
{
  GListModel *ports = pb_node_get_ports (node);

  for (guint i = 0; i < g_list_model_get_n_items (ports); i++)
    {
      g_autoptr(PbPort) p = g_list_model_get_item (ports, i);

      if (g_str_equal (pb_port_get_role (p), role))
        return pb_port_get_address (p);
    }
  g_error ("%s has no port %s", pb_node_get_name (node), role);
  return 0;
}

static void
join (PbDocument *doc,
      pb_addr     a,
      pb_addr     b)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pb_document_connect (doc, a, b, &error));
  g_assert_no_error (error);
}

static void
assert_link (PbDocument *doc,
             pb_addr     source,
             pb_addr     sink)
{
  PbLink *link = pb_document_find_link (doc, source);

  g_assert_nonnull (link);
  g_assert_cmphex (pb_link_get_source (link), ==, source);
  g_assert_cmphex (pb_link_get_sink (link), ==, sink);
}

static guint
n_links (PbDocument *doc)
{
  return g_list_model_get_n_items (pb_document_get_links (doc));
}

static void
undo (PbDocument *doc)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pb_document_undo (doc, &error));
  g_assert_no_error (error);
}

static void
test_joinable_kinds (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  PbNode *clock = add (doc, "clock");
  PbNode *sum = add (doc, "sum");
  g_auto(GStrv) from_clock = pb_document_dup_joinable_kinds (doc, port (clock, "out"));
  g_auto(GStrv) to_sum = pb_document_dup_joinable_kinds (doc, port (sum, "in"));
  g_auto(GStrv) busy = NULL;

  /* f64 out: what takes f64 in; never a source, never c (i64 by default). */
  g_assert_true (g_strv_contains ((const char * const *) from_clock, "map"));
  g_assert_true (g_strv_contains ((const char * const *) from_clock, "sum"));
  g_assert_false (g_strv_contains ((const char * const *) from_clock, "seq"));
  g_assert_false (g_strv_contains ((const char * const *) from_clock, "c"));
  /* An input: what gives; never a sink. */
  g_assert_true (g_strv_contains ((const char * const *) to_sum, "seq"));
  g_assert_false (g_strv_contains ((const char * const *) to_sum, "stats"));

  /* In use, from either end: what goes into the link, f64 in and out. */
  join (doc, port (clock, "out"), port (sum, "in"));
  busy = pb_document_dup_joinable_kinds (doc, port (clock, "out"));
  g_assert_true (g_strv_contains ((const char * const *) busy, "map"));
  g_assert_false (g_strv_contains ((const char * const *) busy, "sum"));
  g_assert_false (g_strv_contains ((const char * const *) busy, "seq"));
  g_assert_false (g_strv_contains ((const char * const *) busy, "c"));
  g_strfreev (busy);
  busy = pb_document_dup_joinable_kinds (doc, port (sum, "in"));
  g_assert_true (g_strv_contains ((const char * const *) busy, "map"));
  g_assert_false (g_strv_contains ((const char * const *) busy, "stats"));
}

static void
test_quick_add (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  PbNode *clock = add (doc, "clock");
  g_autoptr(GError) error = NULL;
  PbNode *added;
  g_autofree char *before = pb_document_dup_graph_text (doc);

  /* c takes i64 unless told otherwise: refused, nothing added. */
  g_assert_null (pb_document_quick_add (doc, port (clock, "out"), "c", 10, 10, &error));
  g_assert_error (error, PB_RUNTIME_ERROR, PB_ETYPE);
  g_clear_error (&error);
  {
    g_autofree char *after = pb_document_dup_graph_text (doc);

    g_assert_cmpstr (after, ==, before);
  }

  added = pb_document_quick_add (doc, port (clock, "out"), "stats", 10, 10, &error);
  g_assert_no_error (error);
  g_assert_nonnull (added);
  assert_link (doc, port (clock, "out"), port (added, "in"));
  undo (doc);
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_nodes (doc)), ==, 1);
  g_assert_cmpuint (n_links (doc), ==, 0);
}

static void
test_insert_on_link (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  PbNode *seq = add (doc, "seq");
  PbNode *sum = add (doc, "sum");
  PbNode *map = add (doc, "map");
  PbNode *clock = add (doc, "clock");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  join (doc, port (seq, "out"), port (sum, "in"));
  before = pb_document_dup_graph_text (doc);

  /* A source has no input: refused, the link stays. */
  g_assert_false (pb_document_insert_on_link (doc, clock, pb_document_find_link (doc, port (seq, "out")),
                                              0, 0, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  after = pb_document_dup_graph_text (doc);
  g_assert_cmpstr (after, ==, before);

  g_assert_true (pb_document_insert_on_link (doc, map, pb_document_find_link (doc, port (seq, "out")),
                                             0, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_links (doc), ==, 2);
  assert_link (doc, port (seq, "out"), port (map, "in"));
  assert_link (doc, port (map, "out"), port (sum, "in"));
  undo (doc);
  g_assert_cmpuint (n_links (doc), ==, 1);
  assert_link (doc, port (seq, "out"), port (sum, "in"));
}

static void
test_delete_reconnect (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  PbNode *seq = add (doc, "seq");
  PbNode *map = add (doc, "map");
  PbNode *sum = add (doc, "sum");
  pb_addr map_in = port (map, "in");
  g_autoptr(GError) error = NULL;

  join (doc, port (seq, "out"), map_in);
  join (doc, port (map, "out"), port (sum, "in"));
  g_assert_true (pb_document_delete_reconnect (doc, map, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_links (doc), ==, 1);
  assert_link (doc, port (seq, "out"), port (sum, "in"));
  undo (doc);
  g_assert_cmpuint (n_links (doc), ==, 2);
  assert_link (doc, port (seq, "out"), map_in);
}

/* Neighbours whose types do not fit: the node goes, nothing is joined. */
static void
test_delete_reconnect_misfit (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  PbNode *clock = add (doc, "clock");
  PbNode *cast = add (doc, "cast");
  PbNode *c = add (doc, "c");
  g_autoptr(GError) error = NULL;

  join (doc, port (clock, "out"), port (cast, "in"));
  join (doc, port (cast, "out"), port (c, "in"));
  g_assert_true (pb_document_delete_reconnect (doc, cast, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_nodes (doc)), ==, 2);
  g_assert_cmpuint (n_links (doc), ==, 0);
  undo (doc);
  g_assert_cmpuint (n_links (doc), ==, 2);
}

static void
test_relink (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  PbNode *seq = add (doc, "seq");
  PbNode *sum0 = add (doc, "sum");
  PbNode *sum1 = add (doc, "sum");
  PbNode *c = add (doc, "c");
  PbNode *clock = add (doc, "clock");
  PbLink *link;
  g_autoptr(GError) error = NULL;

  join (doc, port (clock, "out"), port (sum0, "in"));
  link = pb_document_find_link (doc, port (clock, "out"));

  /* f64 into c: refused with the runtime's reason, nothing moved. */
  g_assert_false (pb_document_check_relink (doc, link, port (clock, "out"), port (c, "in"), NULL));
  g_assert_false (pb_document_relink (doc, link, port (clock, "out"), port (c, "in"), &error));
  g_assert_error (error, PB_RUNTIME_ERROR, PB_ETYPE);
  g_clear_error (&error);
  assert_link (doc, port (clock, "out"), port (sum0, "in"));

  /* The sink end moves; then the source end. */
  g_assert_true (pb_document_check_relink (doc, link, port (clock, "out"), port (sum1, "in"), NULL));
  g_assert_true (pb_document_relink (doc, link, port (clock, "out"), port (sum1, "in"), &error));
  g_assert_no_error (error);
  assert_link (doc, port (clock, "out"), port (sum1, "in"));
  g_assert_cmpuint (n_links (doc), ==, 1);
  link = pb_document_find_link (doc, port (sum1, "in"));
  g_assert_true (pb_document_relink (doc, link, port (sum1, "in"), port (seq, "out"), &error));
  g_assert_no_error (error);
  assert_link (doc, port (seq, "out"), port (sum1, "in"));

  undo (doc);
  assert_link (doc, port (clock, "out"), port (sum1, "in"));
  undo (doc);
  assert_link (doc, port (clock, "out"), port (sum0, "in"));
  g_assert_cmpuint (n_links (doc), ==, 1);
}

static guint
n_nodes (PbDocument *doc)
{
  return g_list_model_get_n_items (pb_document_get_nodes (doc));
}

/* Pipeline text pasted is one step; copied back it reads the same. */
static void
test_pipeline_round_trip (void)
{
  static const char *texts[] = {
    "seq to=10 ! map expr=\"x*2\" ! sum",
    "seq to=5 ! broadcast name=t ! sum  t. ! count",
    "seq to=3 ! sum  seq from=2 to=4 ! count",
    "seq name=numbers to=3 ! map name=double expr=\"x + x\" ! sum",
  };

  for (gsize t = 0; t < G_N_ELEMENTS (texts); t++)
    {
      g_autoptr(PbDocument) doc = pb_document_new ();
      g_autoptr(PbDocument) copy = pb_document_new ();
      g_autoptr(GPtrArray) nodes = NULL;
      g_autoptr(GPtrArray) again = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *copied = NULL;

      add (doc, "clock");
      nodes = pb_document_add_pipeline (doc, texts[t], 500, 300, &error);
      g_assert_no_error (error);
      g_assert_nonnull (nodes);
      g_assert_cmpuint (n_nodes (doc), ==, nodes->len + 1);

      text = pb_document_dup_pipeline_text (doc, nodes, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (text, ==, texts[t]);

      /* The same text pasted elsewhere makes the same graph. */
      again = pb_document_add_pipeline (copy, text, 0, 0, &error);
      g_assert_no_error (error);
      copied = pb_document_dup_pipeline_text (copy, again, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (copied, ==, texts[t]);

      /* Placed around the middle asked for, in one undo step. */
      for (guint i = 0; i < nodes->len; i++)
        {
          PbNode *node = g_ptr_array_index (nodes, i);

          g_assert_cmpfloat (fabs (pb_node_get_x (node) - 500), <, 600);
          g_assert_cmpfloat (fabs (pb_node_get_y (node) - 300), <, 400);
        }
      undo (doc);
      g_assert_cmpuint (n_nodes (doc), ==, 1);
      g_assert_cmpuint (n_links (doc), ==, 0);
    }
}

/* Values with quotes, backslashes and lines come back as they were. */
static void
test_pipeline_quoting (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(PbDocument) copy = pb_document_new ();
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *value;

  nodes = pb_document_add_pipeline (doc, "seq ! map expr='x + 1 /* \"a\\b\"\n */' ! sum", 0, 0, &error);
  g_assert_no_error (error);
  value = pb_node_get_param (g_ptr_array_index (nodes, 1), "expr");
  g_assert_cmpstr (value, ==, "x + 1 /* \"a\\b\"\n */");
  text = pb_document_dup_pipeline_text (doc, nodes, &error);
  g_assert_no_error (error);
  again = pb_document_add_pipeline (copy, text, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pb_node_get_param (g_ptr_array_index (again, 1), "expr"), ==, value);
}

static void
test_pipeline_bad_text (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  add (doc, "seq");
  before = pb_document_dup_graph_text (doc);
  nodes = pb_document_add_pipeline (doc, "seq to=10 ! ! sum", 0, 0, &error);
  g_assert_null (nodes);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "!"));
  g_clear_error (&error);
  nodes = pb_document_add_pipeline (doc, "seq nosuchkey=1 ! sum", 0, 0, &error);
  g_assert_null (nodes);
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* It builds, but bytes do not go into a sum: refused as a drawn link
   * would be. */
  nodes = pb_document_add_pipeline (doc, "stdin ! sum", 0, 0, &error);
  g_assert_null (nodes);
  g_assert_error (error, PB_RUNTIME_ERROR, PB_ETYPE);
  after = pb_document_dup_graph_text (doc);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (n_nodes (doc), ==, 1);
}

/* A merge cannot be written as pipeline text without names: it says so. */
static void
test_pipeline_copy_refused (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autofree char *text = NULL;

  nodes = pb_document_add_pipeline (doc, "seq ! merge name=m ! sum  seq ! m.", 0, 0, &error);
  g_assert_no_error (error);
  text = pb_document_dup_pipeline_text (doc, nodes, &error);
  g_assert_null (text);
  g_assert_error (error, PB_RUNTIME_ERROR, PB_EINVAL);
  g_assert_nonnull (strstr (error->message, "m"));
}

static GPtrArray *
three_nodes (PbDocument *doc)
{
  GPtrArray *nodes = g_ptr_array_new ();
  PbNode *a = add (doc, "seq"), *b = add (doc, "map"), *c = add (doc, "sum");

  pb_node_set_position (a, 0, 0);
  pb_node_set_position (b, 100, 50);
  pb_node_set_position (c, 500, 20);
  g_ptr_array_add (nodes, a);
  g_ptr_array_add (nodes, b);
  g_ptr_array_add (nodes, c);
  return nodes;
}

static void
test_align (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GPtrArray) nodes = three_nodes (doc);
  g_autoptr(GError) error = NULL;
  double sizes[] = { 100, 40, 200, 60, 100, 100 };

  g_assert_true (pb_document_align (doc, nodes, sizes, PB_ALIGN_RIGHT, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (pb_node_get_x (g_ptr_array_index (nodes, 0)), ==, 500);
  g_assert_cmpfloat (pb_node_get_x (g_ptr_array_index (nodes, 1)), ==, 400);
  g_assert_cmpfloat (pb_node_get_x (g_ptr_array_index (nodes, 2)), ==, 500);
  g_assert_cmpfloat (pb_node_get_y (g_ptr_array_index (nodes, 1)), ==, 50);
  undo (doc);
  g_assert_cmpfloat (pb_node_get_x (g_ptr_array_index (nodes, 1)), ==, 100);

  g_assert_true (pb_document_align (doc, nodes, sizes, PB_ALIGN_TOP, &error));
  for (guint i = 0; i < 3; i++)
    g_assert_cmpfloat (pb_node_get_y (g_ptr_array_index (nodes, i)), ==, 0);
  undo (doc);

  /* Centres on the middle of the group: 0 to 120 high. */
  g_assert_true (pb_document_align (doc, nodes, sizes, PB_ALIGN_CENTER_Y, &error));
  g_assert_cmpfloat (pb_node_get_y (g_ptr_array_index (nodes, 0)), ==, 40);
  g_assert_cmpfloat (pb_node_get_y (g_ptr_array_index (nodes, 2)), ==, 10);
  undo (doc);

  g_ptr_array_set_size (nodes, 1);
  g_assert_false (pb_document_align (doc, nodes, sizes, PB_ALIGN_LEFT, &error));
  g_assert_error (error, PB_RUNTIME_ERROR, PB_EINVAL);
}

static void
test_distribute (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GPtrArray) nodes = three_nodes (doc);
  g_autoptr(GError) error = NULL;
  double sizes[] = { 100, 40, 200, 60, 100, 100 };

  /* 0..600 holds 400 of nodes: two gaps of 100. */
  g_assert_true (pb_document_distribute (doc, nodes, sizes, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (pb_node_get_x (g_ptr_array_index (nodes, 0)), ==, 0);
  g_assert_cmpfloat (pb_node_get_x (g_ptr_array_index (nodes, 1)), ==, 200);
  g_assert_cmpfloat (pb_node_get_x (g_ptr_array_index (nodes, 2)), ==, 500);
  undo (doc);
  g_assert_cmpfloat (pb_node_get_x (g_ptr_array_index (nodes, 1)), ==, 100);

  g_ptr_array_set_size (nodes, 2);
  g_assert_false (pb_document_distribute (doc, nodes, sizes, TRUE, &error));
  g_assert_error (error, PB_RUNTIME_ERROR, PB_EINVAL);
}

static void
test_arrange (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GError) error = NULL;
  double sizes[] = { 150, 80, 150, 80, 150, 80 };
  double x[3];

  nodes = pb_document_add_pipeline (doc, "seq ! map expr=x ! sum", 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    pb_node_set_position (g_ptr_array_index (nodes, i), 10 + 30 * (2 - i), 20 + 5 * i);

  g_assert_true (pb_document_arrange (doc, nodes, sizes, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    x[i] = pb_node_get_x (g_ptr_array_index (nodes, i));
  /* Left to right along the flow, from the group's old corner. */
  g_assert_cmpfloat (x[0] + 150, <=, x[1]);
  g_assert_cmpfloat (x[1] + 150, <=, x[2]);
  g_assert_cmpfloat (x[0], ==, 10);
  undo (doc);
  g_assert_cmpfloat (pb_node_get_x (g_ptr_array_index (nodes, 0)), ==, 70);
}

static PbNode *
named (PbDocument *doc,
       const char *name)
{
  PbNode *node = pb_document_find_named (doc, name);

  if (node == NULL)
    g_error ("no node %s", name);
  return node;
}

/* Bypass: one undoable step, refused for a kind that changes what it
 * takes, restored with a deleted node, saved, and run as pass. */
static void
test_bypass (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) doc = pb_document_new_from_pipeline (
    "seq to=100 ! map name=m expr=\"x * 10\" ! sum name=total", &error);
  g_autoptr(PbDocument) again = NULL;
  g_autoptr(GPtrArray) maps = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) sums = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autofree char *dir = g_dir_make_tmp ("pushback-bypass-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bypass.pushback", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  PbNode *m, *total;
  const char *value = NULL;

  g_assert_no_error (error);
  m = named (doc, "m");
  total = named (doc, "total");
  g_ptr_array_add (maps, g_object_ref (m));
  g_ptr_array_add (sums, g_object_ref (total));

  g_assert_true (pb_document_set_bypass (doc, maps, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (pb_node_get_bypassed (m));
  g_assert_false (pb_document_set_bypass (doc, sums, TRUE, &error));
  g_assert_error (error, PB_RUNTIME_ERROR, PB_EINVAL);
  g_assert_cmpstr (error->message, ==, "total cannot be bypassed: a sum does not pass on the items it takes");
  g_clear_error (&error);
  g_assert_false (pb_node_get_bypassed (total));

  g_assert_true (pb_document_undo (doc, &error));
  g_assert_false (pb_node_get_bypassed (m));
  g_assert_true (pb_document_redo (doc, &error));
  g_assert_true (pb_node_get_bypassed (m));

  /* Deleted and put back, it is bypassed still. */
  g_assert_true (pb_document_delete (doc, maps, none, &error));
  g_assert_no_error (error);
  g_assert_null (pb_document_find_node (doc, pb_node_get_address (m)));
  g_assert_true (pb_document_undo (doc, &error));
  m = named (doc, "m");
  g_assert_true (pb_node_get_bypassed (m));

  /* Copied and pasted, it comes bypassed. */
  {
    g_autoptr(GPtrArray) one = g_ptr_array_new ();
    g_autoptr(GBytes) copied = NULL;
    g_autoptr(PbCommand) paste = NULL;
    guint before = g_list_model_get_n_items (pb_document_get_nodes (doc));
    g_autoptr(PbNode) pasted = NULL;

    g_ptr_array_add (one, m);
    copied = pb_clipboard_encode (doc, one);
    paste = pb_clipboard_decode (doc, copied, 500, 500, &error);
    g_assert_no_error (error);
    g_assert_true (pb_document_execute (doc, paste, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_nodes (doc)), ==, before + 1);
    pasted = g_list_model_get_item (pb_document_get_nodes (doc), before);
    g_assert_true (pb_node_get_bypassed (pasted));
    g_assert_true (pb_document_undo (doc, &error));
  }

  g_assert_true (pb_document_save (doc, file, &error));
  g_assert_no_error (error);
  again = pb_document_load (file, &error);
  g_assert_no_error (error);
  g_assert_true (pb_node_get_bypassed (named (again, "m")));
  g_assert_false (pb_node_get_bypassed (named (again, "total")));

  /* It runs as pass: the sum is of the items, not of ten times them. */
  g_assert_true (pb_document_run (doc, &error));
  g_assert_no_error (error);
  g_assert_true (pb_document_sync (doc, 10000));
  for (int i = 0; i < 500 && g_strcmp0 (value, "5050") != 0; i++)
    {
      g_usleep (10000);
      pb_document_refresh_status (doc);
      pb_node_get_live (named (doc, "total"), NULL, &value);
    }
  g_assert_cmpstr (value, ==, "5050");
  pb_document_stop (doc);
  g_unlink (path);
  g_rmdir (dir);
}

/* Text pasted twice at the same place does not land on itself: the
 * second group goes to the nearest free place, and nothing overlaps. */
static void
test_pipeline_free_place (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GError) error = NULL;

  first = pb_document_add_pipeline (doc, "seq ! map expr=x ! sum", 400, 300, &error);
  g_assert_no_error (error);
  second = pb_document_add_pipeline (doc, "seq ! map expr=x ! sum", 400, 300, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < first->len; i++)
    for (guint k = 0; k < second->len; k++)
      {
        PbNode *a = g_ptr_array_index (first, i), *b = g_ptr_array_index (second, k);

        /* As big as laid out nodes are taken to be: 190 × 96. */
        g_assert_true (fabs (pb_node_get_x (a) - pb_node_get_x (b)) >= 190
                       || fabs (pb_node_get_y (a) - pb_node_get_y (b)) >= 96);
      }
  /* Undone, the first group is where it was put. */
  g_assert_true (pb_document_undo (doc, &error));
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_nodes (doc)), ==, 3);
}

static GBytes *
bytes_of (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* Copying every process of a frame copies the frame, and pasting makes a
 * new frame around the new processes, in the same step; a frame only
 * partly copied stays behind; what an older version copied pastes still;
 * frames that name what is not pasted are refused. */
static void
test_paste_frames (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GPtrArray) framed = g_ptr_array_new ();
  g_autoptr(GPtrArray) half = g_ptr_array_new ();
  g_autoptr(GBytes) copied = NULL;
  g_autoptr(GBytes) partly = NULL;
  g_autoptr(PbCommand) paste = NULL;
  g_autoptr(PbFrame) pasted = NULL;
  g_autoptr(GError) error = NULL;
  PbNode *seq = add (doc, "seq"), *map = add (doc, "map"), *sum = add (doc, "sum");
  GListModel *frames = pb_document_get_frames (doc);
  PbFrame *frame;
  gsize n;
  const pb_addr *members;

  g_ptr_array_add (framed, seq);
  g_ptr_array_add (framed, map);
  frame = pb_document_add_frame (doc, framed, "Input", &error);
  g_assert_no_error (error);
  g_assert_true (pb_document_edit_frame (doc, frame, NULL, "red", "two\nlines", TRUE, &error));

  g_ptr_array_add (framed, sum);
  copied = pb_clipboard_encode (doc, framed);
  paste = pb_clipboard_decode (doc, copied, 900, 900, &error);
  g_assert_no_error (error);
  g_assert_true (pb_document_execute (doc, paste, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (frames), ==, 2);
  pasted = g_list_model_get_item (frames, 1);
  g_assert_cmpstr (pb_frame_get_title (pasted), ==, "Input");
  g_assert_cmpstr (pb_frame_get_color (pasted), ==, "red");
  g_assert_cmpstr (pb_frame_get_note (pasted), ==, "two\nlines");
  g_assert_true (pb_frame_get_collapsed (pasted));
  members = pb_frame_get_members (pasted, &n);
  g_assert_cmpuint (n, ==, 2);
  for (gsize i = 0; i < n; i++)
    {
      PbNode *node = pb_document_find_node (doc, members[i]);

      g_assert_nonnull (node);
      g_assert_true (node != seq && node != map);
      g_assert_cmpfloat (pb_node_get_x (node), >=, 900);
    }
  /* One step: undone, neither the processes nor the frame remain. */
  g_assert_true (pb_document_undo (doc, &error));
  g_assert_cmpuint (g_list_model_get_n_items (frames), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_nodes (doc)), ==, 3);

  g_ptr_array_add (half, map);
  g_ptr_array_add (half, sum);
  partly = pb_clipboard_encode (doc, half);
  g_clear_object (&paste);
  paste = pb_clipboard_decode (doc, partly, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_true (pb_document_execute (doc, paste, &error));
  g_assert_cmpuint (g_list_model_get_n_items (frames), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_nodes (doc)), ==, 5);

  /* The clipboard of a version without frames. */
  {
    g_autoptr(GBytes) old = bytes_of ("([('seq', 'a', {}, 0.0, 0.0, false)], @a(uquqt) [])");
    g_autoptr(PbCommand) command = pb_clipboard_decode (doc, old, 0, 0, &error);

    g_assert_no_error (error);
    g_assert_nonnull (command);
  }
  /* Frames that cannot be: each refused with the reason, nothing made. */
  {
    static const char *const bad[] = {
      "([('seq', 'a', {}, 0.0, 0.0, false)], @a(uquqt) [], [('F', 'red', '', false, [0, 0])])",
      "([('seq', 'a', {}, 0.0, 0.0, false)], @a(uquqt) [], [('F', 'red', '', false, [1])])",
      "([('seq', 'a', {}, 0.0, 0.0, false)], @a(uquqt) [], [('F', 'mauve', '', false, [0])])",
      "([('seq', 'a', {}, 0.0, 0.0, false)], @a(uquqt) [], [('', 'red', '', false, [0])])",
      "([('seq', 'a', {}, 0.0, 0.0, false)], @a(uquqt) [], [('F', 'red', '', false, @au [])])",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GBytes) text = bytes_of (bad[i]);
        g_autoptr(PbCommand) command = pb_clipboard_decode (doc, text, 0, 0, &error);

        g_assert_null (command);
        g_assert_error (error, PB_RUNTIME_ERROR, PB_EINVAL);
        g_test_message ("%s", error->message);
        g_assert_true (g_str_has_prefix (error->message, "The clipboard does not hold processes"));
        g_clear_error (&error);
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Pushback/DocumentTools/joinable-kinds", test_joinable_kinds);
  g_test_add_func ("/Pushback/DocumentTools/bypass", test_bypass);
  g_test_add_func ("/Pushback/DocumentTools/paste-frames", test_paste_frames);
  g_test_add_func ("/Pushback/DocumentTools/quick-add", test_quick_add);
  g_test_add_func ("/Pushback/DocumentTools/insert-on-link", test_insert_on_link);
  g_test_add_func ("/Pushback/DocumentTools/delete-reconnect", test_delete_reconnect);
  g_test_add_func ("/Pushback/DocumentTools/delete-reconnect-misfit", test_delete_reconnect_misfit);
  g_test_add_func ("/Pushback/DocumentTools/relink", test_relink);
  g_test_add_func ("/Pushback/DocumentTools/pipeline-round-trip", test_pipeline_round_trip);
  g_test_add_func ("/Pushback/DocumentTools/pipeline-free-place", test_pipeline_free_place);
  g_test_add_func ("/Pushback/DocumentTools/pipeline-quoting", test_pipeline_quoting);
  g_test_add_func ("/Pushback/DocumentTools/pipeline-bad-text", test_pipeline_bad_text);
  g_test_add_func ("/Pushback/DocumentTools/pipeline-copy-refused", test_pipeline_copy_refused);
  g_test_add_func ("/Pushback/DocumentTools/align", test_align);
  g_test_add_func ("/Pushback/DocumentTools/distribute", test_distribute);
  g_test_add_func ("/Pushback/DocumentTools/arrange", test_arrange);

  return g_test_run ();
}
