/* test-document.c — the editor's model, without a display
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PbDocument, its commands and its undo stack, driven through the asks
 * the canvas and the inspector make. Nothing here needs a display: the
 * model is GObject and GIO only, and GTK is never initialised.
 *
 * The random test is the heart of it: seeded sequences of edits, some of
 * them refused, each one's result recorded as the document's graph text;
 * undoing everything must give back every recorded text in turn, and
 * redoing everything every one again. After every step the list models
 * must agree with the runtime's graph.
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>
#include <libglib-testing/signal-logger.h>
#include <sqlite3.h>

#include <pushback/graph.h>
#include <pushback/kinds.h>

#include "pb-document.h"
#include "pb-error.h"
#include "pb-trust.h"

/* Files. */

static char *
make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("pb-document-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_assert_cmpint (g_rmdir (path), ==, 0);
      else
        g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static void
write_bytes (const char *path,
             const void *data,
             gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

static void
assert_no_sidecars (const char *path)
{
  static const char * const suffixes[] = { "-journal", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *sidecar = g_strconcat (path, suffixes[i], NULL);

      g_assert_false (g_file_test (sidecar, G_FILE_TEST_EXISTS));
    }
}

/* What the model says, written as pb_document_dup_graph_text() writes the
 * runtime's graph: when the two texts are equal, every node has its
 * process with the same kind, name and parameters, and every link is in
 * the graph with the same flags, and nothing else is. */

static int
compare_nodes (gconstpointer a,
               gconstpointer b)
{
  pb_addr x = pb_node_get_address (*(PbNode **) a);
  pb_addr y = pb_node_get_address (*(PbNode **) b);

  return x < y ? -1 : x > y;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

typedef struct
{
  pb_addr a;
  pb_addr b;
  guint32 flags;
} Edge;

static int
compare_edges (gconstpointer a,
               gconstpointer b)
{
  const Edge *x = a, *y = b;

  return x->a < y->a ? -1 : x->a > y->a;
}

static char *
dup_model_text (PbDocument *doc)
{
  GListModel *nodes = pb_document_get_nodes (doc);
  GListModel *links = pb_document_get_links (doc);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    g_ptr_array_add (sorted, g_list_model_get_item (nodes, i));
  g_ptr_array_sort (sorted, compare_nodes);

  for (guint i = 0; i < sorted->len; i++)
    {
      PbNode *node = g_ptr_array_index (sorted, i);
      const pb_kind *kind = pb_node_get_kind (node);
      g_autoptr(GPtrArray) keys = g_ptr_array_new ();

      g_string_append_printf (text, "process %" G_GINT64_MODIFIER "x %s name=%s",
                              pb_node_get_address (node), pb_node_get_kind_name (node),
                              pb_node_get_name (node));
      for (size_t k = 0; k < pb_kind_n_params (kind); k++)
        if (pb_node_get_param (node, pb_kind_param (kind, k)->name) != NULL)
          g_ptr_array_add (keys, (gpointer) pb_kind_param (kind, k)->name);
      g_ptr_array_sort (keys, compare_strings);
      for (guint k = 0; k < keys->len; k++)
        g_string_append_printf (text, " %s=%s", (const char *) g_ptr_array_index (keys, k),
                                pb_node_get_param (node, g_ptr_array_index (keys, k)));
      g_string_append_printf (text, " at %g,%g\n", pb_node_get_x (node), pb_node_get_y (node));
    }

  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);
      pb_addr source = pb_link_get_source (link), sink = pb_link_get_sink (link);
      Edge edge = {
        .a = MIN (source, sink),
        .b = MAX (source, sink),
        .flags = pb_link_get_flags (link),
      };

      g_array_append_val (edges, edge);
    }
  g_array_sort (edges, compare_edges);
  for (guint i = 0; i < edges->len; i++)
    {
      Edge *edge = &g_array_index (edges, Edge, i);

      g_string_append_printf (text, "link %" G_GINT64_MODIFIER "x %" G_GINT64_MODIFIER "x flags=%u\n",
                              edge->a, edge->b, edge->flags);
    }

  /* Frames, from what each says of itself. */
  for (guint i = 0; i < g_list_model_get_n_items (pb_document_get_frames (doc)); i++)
    {
      g_autoptr(PbFrame) frame = g_list_model_get_item (pb_document_get_frames (doc), i);
      gsize n;
      const pb_addr *members = pb_frame_get_members (frame, &n);
      g_autoptr(GVariant) state = g_variant_ref_sink (
        pb_frame_state_new (pb_frame_get_title (frame), pb_frame_get_color (frame),
                            pb_frame_get_note (frame), pb_frame_get_collapsed (frame),
                            members, n));
      g_autofree char *printed = g_variant_print (state, FALSE);

      g_string_append_printf (text, "frame %s\n", printed);
    }

  return g_string_free (text, FALSE);
}

static const pb_port_spec *
spec_of (PbDocument *doc,
         pb_addr     port)
{
  PbNode *node = pb_document_find_node (doc, port);

  g_assert_nonnull (node);
  return pb_kind_port_lookup (pb_node_get_kind (node), pb_addr_port (port), NULL);
}

/* Every socket shows the peer the graph gives it; a link runs from an
 * output to an input, and both its sockets show it; a range shows its
 * joined elements and the lowest free one, nothing else. */
static void
assert_ports_agree (PbDocument *doc)
{
  GListModel *nodes = pb_document_get_nodes (doc);
  GListModel *links = pb_document_get_links (doc);
  g_autoptr(GHashTable) linked = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (pb_addr));

  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);
      pb_addr source = pb_link_get_source (link), sink = pb_link_get_sink (link);
      PbPort *out, *in;

      g_assert_cmpint (spec_of (doc, source)->dir, ==, PB_PORT_OUT);
      g_assert_cmpint (spec_of (doc, sink)->dir, ==, PB_PORT_IN);
      g_assert_true (pb_document_find_link (doc, source) == link);
      g_assert_true (pb_document_find_link (doc, sink) == link);

      out = pb_node_find_port (pb_document_find_node (doc, source), source);
      in = pb_node_find_port (pb_document_find_node (doc, sink), sink);
      g_assert_nonnull (out);
      g_assert_nonnull (in);
      g_assert_cmphex (pb_port_get_peer (out), ==, sink);
      g_assert_cmphex (pb_port_get_peer (in), ==, source);
      g_assert_cmpint (pb_port_get_direction (out), ==, PB_PORT_OUT);
      g_assert_cmpint (pb_port_get_direction (in), ==, PB_PORT_IN);

      g_array_append_val (ends, source);
      g_array_append_val (ends, sink);
    }
  for (guint i = 0; i < ends->len; i++)
    g_hash_table_add (linked, &g_array_index (ends, pb_addr, i));

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);
      const pb_kind *kind = pb_node_get_kind (node);
      GListModel *ports = pb_node_get_ports (node);
      g_autoptr(GHashTable) shown = g_hash_table_new (NULL, NULL);
      pb_addr previous = 0;

      g_assert_true (pb_document_find_node (doc, pb_node_get_address (node)) == node);

      for (guint p = 0; p < g_list_model_get_n_items (ports); p++)
        {
          g_autoptr(PbPort) port = g_list_model_get_item (ports, p);
          pb_addr address = pb_port_get_address (port);
          PbLink *link = pb_document_find_link (doc, address);

          g_assert_cmphex (pb_addr_process_of (address), ==, pb_node_get_address (node));
          g_assert_cmphex (address, >, previous);
          previous = address;
          g_hash_table_add (shown, GUINT_TO_POINTER (pb_addr_port (address)));

          if (pb_port_get_peer (port) == 0)
            g_assert_null (link);
          else
            g_assert_nonnull (link);
        }

      for (size_t s = 0; s < pb_kind_n_ports (kind); s++)
        {
          const pb_port_spec *spec = pb_kind_port (kind, s);
          uint32_t number;

          if (!spec->range)
            {
              g_assert_true (g_hash_table_contains (shown, GUINT_TO_POINTER (spec->first)));
              continue;
            }
          for (number = spec->first; number <= spec->first + 64; number++)
            {
              pb_addr address = pb_addr_with_port (pb_node_get_address (node), number);

              if (!g_hash_table_contains (linked, &address))
                break;
              g_assert_true (g_hash_table_contains (shown, GUINT_TO_POINTER (number)));
            }
          /* The lowest free element is shown, and no free one above it. */
          g_assert_true (g_hash_table_contains (shown, GUINT_TO_POINTER (number)));
          for (uint32_t above = number + 1; above <= number + 64; above++)
            {
              pb_addr address = pb_addr_with_port (pb_node_get_address (node), above);

              if (!g_hash_table_contains (linked, &address))
                g_assert_false (g_hash_table_contains (shown, GUINT_TO_POINTER (above)));
            }
        }
    }
}

/* What every socket carries, as the document last asked the runtime:
 * the same graph must give the same types, however it was reached. */
static char *
dup_types_text (PbDocument *doc)
{
  GListModel *nodes = pb_document_get_nodes (doc);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new_with_free_func (g_object_unref);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    g_ptr_array_add (sorted, g_list_model_get_item (nodes, i));
  g_ptr_array_sort (sorted, compare_nodes);

  for (guint i = 0; i < sorted->len; i++)
    {
      GListModel *ports = pb_node_get_ports (g_ptr_array_index (sorted, i));

      for (guint p = 0; p < g_list_model_get_n_items (ports); p++)
        {
          g_autoptr(PbPort) port = g_list_model_get_item (ports, p);

          g_string_append_printf (text, "%" G_GINT64_MODIFIER "x %s %s\n",
                                  pb_port_get_address (port), pb_port_get_role (port),
                                  pb_item_type_name (pb_port_get_item_type (port)));
        }
    }
  return g_string_free (text, FALSE);
}

/* The graph and the types, together: what a step must give back. */
static char *
dup_state_text (PbDocument *doc)
{
  g_autofree char *graph = pb_document_dup_graph_text (doc);
  g_autofree char *types = dup_types_text (doc);

  return g_strconcat (graph, "--\n", types, NULL);
}

/* Every frame holds nodes of the document, at least one, and each of
 * them lies in that frame alone. */
static void
assert_frames_agree (PbDocument *doc)
{
  GListModel *frames = pb_document_get_frames (doc);
  GListModel *nodes = pb_document_get_nodes (doc);
  guint n_framed = 0;

  for (guint i = 0; i < g_list_model_get_n_items (frames); i++)
    {
      g_autoptr(PbFrame) frame = g_list_model_get_item (frames, i);
      gsize n;
      const pb_addr *members = pb_frame_get_members (frame, &n);

      g_assert_cmpuint (n, >, 0);
      for (gsize k = 0; k < n; k++)
        {
          g_assert_nonnull (pb_document_find_node (doc, members[k]));
          g_assert_true (pb_document_get_frame_of (doc, members[k]) == frame);
        }
      n_framed += n;
    }
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

      n_framed -= pb_document_get_frame_of (doc, pb_node_get_address (node)) != NULL;
    }
  g_assert_cmpuint (n_framed, ==, 0);
}

static void
assert_models_agree (PbDocument *doc)
{
  g_autofree char *graph = pb_document_dup_graph_text (doc);
  g_autofree char *model = dup_model_text (doc);

  assert_frames_agree (doc);

  g_assert_cmpstr (model, ==, graph);
  g_assert_null (strstr (graph, "(no node)"));
  g_assert_null (strstr (graph, "(no link)"));
  assert_ports_agree (doc);
}

/* Ports by direction: the @index'th socket of @node that @dir. */
static pb_addr
port_of (PbNode      *node,
         pb_port_dir  dir,
         guint        index)
{
  GListModel *ports = pb_node_get_ports (node);

  for (guint i = 0; i < g_list_model_get_n_items (ports); i++)
    {
      g_autoptr(PbPort) port = g_list_model_get_item (ports, i);

      if (pb_port_get_direction (port) == dir && index-- == 0)
        return pb_port_get_address (port);
    }
  g_assert_not_reached ();
}

static PbNode *
add_node (PbDocument *doc,
          const char *kind,
          double      x,
          double      y)
{
  g_autoptr(GError) error = NULL;
  PbNode *node = pb_document_add_node (doc, kind, x, y, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
set_param (PbDocument *doc,
           PbNode     *node,
           const char *key,
           const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pb_document_set_param (doc, node, key, value, &error));
  g_assert_no_error (error);
}

static void
connect_ports (PbDocument *doc,
               pb_addr     a,
               pb_addr     b)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pb_document_connect (doc, a, b, &error));
  g_assert_no_error (error);
}

/* The random walk. */

typedef struct
{
  GRand       *rand;
  PbDocument  *doc;
  GPtrArray   *texts;     /* the graph text after each step of the stack */
  guint        position;  /* how many of those steps are done */
  guint        n_names;
  guint        changed;   /* PbDocument::changed emissions */
  gboolean     running;   /* only kinds that touch no file or terminal */
  guint        n_done;
  guint        n_refused;
  guint        n_links;   /* the most links the document had at once */
  guint        n_frames;  /* the most frames, likewise */
} Walk;

static void
on_changed (PbDocument *doc,
            Walk       *walk)
{
  walk->changed++;
}

static PbNode *
random_node (Walk *walk)
{
  GListModel *nodes = pb_document_get_nodes (walk->doc);
  guint n = g_list_model_get_n_items (nodes);
  g_autoptr(PbNode) node = NULL;

  if (n == 0)
    return NULL;
  node = g_list_model_get_item (nodes, g_rand_int_range (walk->rand, 0, n));
  /* The document holds it as long as the walk needs it. */
  return node;
}

static PbLink *
random_link (Walk *walk)
{
  GListModel *links = pb_document_get_links (walk->doc);
  guint n = g_list_model_get_n_items (links);
  g_autoptr(PbLink) link = NULL;

  if (n == 0)
    return NULL;
  link = g_list_model_get_item (links, g_rand_int_range (walk->rand, 0, n));
  return link;
}

/* A port of @node as a person could pick it: mostly a socket the node
 * shows, sometimes any port its kind has (an element of a range that is
 * not shown yet), rarely a port it does not have. */
static pb_addr
random_port (Walk   *walk,
             PbNode *node)
{
  const pb_kind *kind = pb_node_get_kind (node);
  int dice = g_rand_int_range (walk->rand, 0, 100);

  if (dice < 70)
    {
      GListModel *ports = pb_node_get_ports (node);
      g_autoptr(PbPort) port = g_list_model_get_item (ports,
                                                     g_rand_int_range (walk->rand, 0, g_list_model_get_n_items (ports)));

      return pb_port_get_address (port);
    }
  if (dice < 95)
    {
      const pb_port_spec *spec = pb_kind_port (kind, g_rand_int_range (walk->rand, 0, pb_kind_n_ports (kind)));
      uint32_t number = spec->first + (spec->range ? g_rand_int_range (walk->rand, 0, 5) : 0);

      return pb_addr_with_port (pb_node_get_address (node), number);
    }
  return pb_addr_with_port (pb_node_get_address (node), 40);
}

/* A free socket of @node that goes @dir, as a drag would start from,
 * or 0 when it has none. */
static pb_addr
random_socket (Walk        *walk,
               PbNode      *node,
               pb_port_dir  dir)
{
  GListModel *ports = pb_node_get_ports (node);
  g_autoptr(GArray) free_ports = g_array_new (FALSE, FALSE, sizeof (pb_addr));

  for (guint i = 0; i < g_list_model_get_n_items (ports); i++)
    {
      g_autoptr(PbPort) port = g_list_model_get_item (ports, i);
      pb_addr address = pb_port_get_address (port);

      if (pb_port_get_direction (port) == dir && pb_port_get_peer (port) == 0)
        g_array_append_val (free_ports, address);
    }
  if (free_ports->len == 0)
    return 0;
  return g_array_index (free_ports, pb_addr, g_rand_int_range (walk->rand, 0, free_ports->len));
}

static char *
random_value (Walk                *walk,
              const pb_param_spec *spec)
{
  double low = spec->min, high = spec->max;

  if (low == 0 && high == 0)
    {
      low = -1000;
      high = 1000;
    }
  high = MIN (high, low + 1000);

  switch (spec->type)
    {
    case PB_PARAM_INT:
      {
        gint64 v = (gint64) low + g_rand_int_range (walk->rand, 0, (gint32) (high - low) + 1);

        if (v >= 0 && g_rand_boolean (walk->rand))
          return g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", v);
        return g_strdup_printf ("%" G_GINT64_FORMAT, v);
      }
    case PB_PARAM_FLOAT:
      return g_strdup_printf ("%.3f", g_rand_double_range (walk->rand, low, high));
    case PB_PARAM_CHOICE:
      {
        g_auto(GStrv) words = g_strsplit (spec->choices, "|", -1);

        return g_strdup (words[g_rand_int_range (walk->rand, 0, g_strv_length (words))]);
      }
    case PB_PARAM_STRING:
      return g_strdup_printf ("/nonexistent/pb-%u", g_rand_int (walk->rand));
    case PB_PARAM_EXPR:
      return g_strdup_printf ("x + %d", g_rand_int_range (walk->rand, 0, 100));
    case PB_PARAM_CODE:
      return g_strdup_printf ("emit (x * %d);", g_rand_int_range (walk->rand, 0, 100));
    default:
      g_assert_not_reached ();
    }
}

/* A value the kind refuses, or NULL when every value suits @spec. */
static const char *
bad_value (Walk                *walk,
           const pb_param_spec *spec)
{
  switch (spec->type)
    {
    case PB_PARAM_INT:
      return g_rand_boolean (walk->rand) ? "1.5" : "ten";
    case PB_PARAM_FLOAT:
      return g_rand_boolean (walk->rand) ? "1e999" : "one";
    case PB_PARAM_CHOICE:
      return "no-such-choice";
    case PB_PARAM_EXPR:
      return g_rand_boolean (walk->rand) ? " \t " : "x\n#include \"/etc/passwd\"";
    case PB_PARAM_CODE:
      return "/* a macro */ #define A x";
    case PB_PARAM_STRING:
    default:
      return NULL;
    }
}

static PbCommand *
top_command (Walk *walk)
{
  return pb_undo_stack_next_undo (pb_document_get_undo_stack (walk->doc));
}

/* After an ask: if it made a step, the step is recorded; if it did not,
 * nothing changed. */
static void
after_ask (Walk       *walk,
           PbCommand  *before,
           const char *text_before,
           gboolean    done,
           guint       changed_before)
{
  g_autofree char *text = dup_state_text (walk->doc);
  PbCommand *after = top_command (walk);

  if (after != before)
    {
      g_assert_true (done);
      g_ptr_array_set_size (walk->texts, walk->position + 1);
      g_ptr_array_add (walk->texts, g_steal_pointer (&text));
      walk->position++;
      walk->n_done++;
      g_assert_false (pb_undo_stack_can_redo (pb_document_get_undo_stack (walk->doc)));
    }
  else
    {
      walk->n_refused += !done;
      g_assert_cmpstr (text, ==, text_before);
      g_assert_cmpuint (walk->changed, ==, changed_before);
    }
  walk->n_links = MAX (walk->n_links, g_list_model_get_n_items (pb_document_get_links (walk->doc)));
  walk->n_frames = MAX (walk->n_frames, g_list_model_get_n_items (pb_document_get_frames (walk->doc)));
  assert_models_agree (walk->doc);
}

/* Kinds that read or write files or the terminal: a running walk leaves
 * them out, so that the test's output stays TAP. */
static gboolean
kind_touches_outside (const pb_kind *kind)
{
  static const char * const kinds[] = { "file-in", "stdin", "print", "file-out", NULL };

  return g_strv_contains (kinds, pb_kind_name (kind));
}

static void
walk_add (Walk *walk)
{
  const pb_kind *kind = pb_kind_at (g_rand_int_range (walk->rand, 0, pb_kind_count ()));
  g_autoptr(GError) error = NULL;
  PbNode *node;

  while (walk->running && kind_touches_outside (kind))
    kind = pb_kind_at (g_rand_int_range (walk->rand, 0, pb_kind_count ()));

  node = pb_document_add_node (walk->doc, pb_kind_name (kind),
                               g_rand_int_range (walk->rand, -2000, 2000) / 4.0,
                               g_rand_int_range (walk->rand, -2000, 2000) / 4.0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (pb_node_get_kind (node) == kind);
  g_assert_true (g_str_has_prefix (pb_node_get_name (node), pb_kind_name (kind)));
}

static gboolean
walk_connect (Walk *walk)
{
  PbNode *x = random_node (walk), *y = random_node (walk);
  g_autoptr(GError) check_error = NULL;
  g_autoptr(GError) error = NULL;
  gboolean may, done;
  pb_addr a, b;

  if (x == NULL)
    return FALSE;
  a = random_socket (walk, x, PB_PORT_OUT);
  b = random_socket (walk, y, PB_PORT_IN);
  if (a == 0 || b == 0 || g_rand_int_range (walk->rand, 0, 100) < 40)
    {
      a = random_port (walk, x);
      b = random_port (walk, y);
    }
  else if (g_rand_boolean (walk->rand))
    {
      pb_addr t = a;

      a = b;
      b = t;
    }
  may = pb_document_check_link (walk->doc, a, b, &check_error);
  done = pb_document_connect (walk->doc, a, b, &error);
  g_assert_cmpint (may, ==, done);
  if (!done)
    {
      g_assert_error (error, PB_RUNTIME_ERROR, check_error->code);
      g_assert_cmpstr (error->message, ==, check_error->message);
      g_assert_true (error->code == PB_ENOENT || error->code == PB_EDIRECTION ||
                     error->code == PB_EBUSY || error->code == PB_ETYPE ||
                     error->code == PB_ECYCLE);
      g_assert_cmpstr (error->message, !=, "");
    }
  else
    {
      PbLink *link = pb_document_find_link (walk->doc, a);

      g_assert_no_error (error);
      g_assert_nonnull (link);
      g_assert_true (pb_document_find_link (walk->doc, b) == link);
    }
  return done;
}

static gboolean
walk_delete (Walk *walk)
{
  GListModel *nodes = pb_document_get_nodes (walk->doc);
  GListModel *links = pb_document_get_links (walk->doc);
  g_autoptr(GPtrArray) doomed_nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) doomed_links = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  gboolean done;

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    if (g_rand_int_range (walk->rand, 0, 100) < 15)
      g_ptr_array_add (doomed_nodes, g_list_model_get_item (nodes, i));
  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    if (g_rand_int_range (walk->rand, 0, 100) < 25)
      g_ptr_array_add (doomed_links, g_list_model_get_item (links, i));

  /* A node named twice is refused whole, after its first removal was
   * made: what was done is put back. */
  if (doomed_nodes->len > 0 && g_rand_int_range (walk->rand, 0, 100) < 15)
    {
      g_ptr_array_add (doomed_nodes, g_object_ref (g_ptr_array_index (doomed_nodes, 0)));
      done = pb_document_delete (walk->doc, doomed_nodes, doomed_links, &error);
      g_assert_false (done);
      g_assert_error (error, PB_RUNTIME_ERROR, PB_ENOENT);
      return FALSE;
    }

  done = pb_document_delete (walk->doc, doomed_nodes, doomed_links, &error);
  g_assert_no_error (error);
  g_assert_cmpint (done, ==, doomed_nodes->len + doomed_links->len > 0);

  for (guint i = 0; i < doomed_nodes->len; i++)
    {
      PbNode *node = g_ptr_array_index (doomed_nodes, i);

      g_assert_null (pb_document_find_node (walk->doc, pb_node_get_address (node)));
    }
  for (guint i = 0; i < doomed_links->len; i++)
    {
      PbLink *link = g_ptr_array_index (doomed_links, i);

      g_assert_false (g_list_store_find (G_LIST_STORE (links), link, NULL));
    }
  return done;
}

static gboolean
walk_set_param (Walk *walk)
{
  PbNode *node = random_node (walk);
  const pb_kind *kind;
  const pb_param_spec *spec;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  const char *bad;
  int dice = g_rand_int_range (walk->rand, 0, 100);
  gboolean done;

  if (node == NULL)
    return FALSE;
  kind = pb_node_get_kind (node);

  if (pb_kind_n_params (kind) == 0 || dice < 5)
    {
      done = pb_document_set_param (walk->doc, node, "no-such-param", "1", &error);
      g_assert_false (done);
      g_assert_error (error, PB_RUNTIME_ERROR, PB_ENOENT);
      g_assert_nonnull (strstr (error->message, "no-such-param"));
      return FALSE;
    }

  spec = pb_kind_param (kind, g_rand_int_range (walk->rand, 0, pb_kind_n_params (kind)));
  bad = bad_value (walk, spec);
  if (dice < 25 && bad != NULL)
    {
      done = pb_document_set_param (walk->doc, node, spec->name, bad, &error);
      g_assert_false (done);
      g_assert_error (error, PB_RUNTIME_ERROR, PB_EINVAL);
      g_assert_nonnull (strstr (error->message, spec->name));
      return FALSE;
    }

  if (dice < 35)
    {
      /* Back to the kind's default, which may be where it is. */
      done = pb_document_set_param (walk->doc, node, spec->name,
                                    g_rand_boolean (walk->rand) ? NULL : "", &error);
      g_assert_no_error (error);
      g_assert_true (done);
      g_assert_null (pb_node_get_param (node, spec->name));
      return TRUE;
    }

  value = random_value (walk, spec);
  done = pb_document_set_param (walk->doc, node, spec->name, value, &error);
  g_assert_no_error (error);
  g_assert_true (done);
  g_assert_cmpstr (pb_node_get_param (node, spec->name), ==, value);
  return TRUE;
}

static gboolean
walk_rename (Walk *walk)
{
  PbNode *node = random_node (walk), *other = random_node (walk);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  int dice = g_rand_int_range (walk->rand, 0, 100);
  gboolean done;

  if (node == NULL)
    return FALSE;

  if (dice < 20 && other != node)
    {
      name = g_strdup (pb_node_get_name (other));
      done = pb_document_rename (walk->doc, node, name, &error);
      g_assert_false (done);
      g_assert_error (error, PB_RUNTIME_ERROR, PB_EEXIST);
      g_assert_cmpstr (pb_node_get_name (node), !=, name);
      return FALSE;
    }
  if (dice < 35)
    {
      done = pb_document_rename (walk->doc, node,
                                 g_rand_boolean (walk->rand) ? "" : "two\nlines", &error);
      g_assert_false (done);
      g_assert_error (error, PB_RUNTIME_ERROR, PB_EINVAL);
      return FALSE;
    }
  if (dice < 45)
    {
      /* Its own name: nothing to do, and no step. */
      name = g_strdup (pb_node_get_name (node));
      done = pb_document_rename (walk->doc, node, name, &error);
      g_assert_no_error (error);
      g_assert_true (done);
      return FALSE;
    }

  name = g_strdup_printf ("node %u", walk->n_names++);
  done = pb_document_rename (walk->doc, node, name, &error);
  g_assert_no_error (error);
  g_assert_true (done);
  g_assert_cmpstr (pb_node_get_name (node), ==, name);
  g_assert_true (pb_document_find_named (walk->doc, name) == node);
  g_assert_null (pb_document_find_named (walk->doc, "no such name"));
  return TRUE;
}

static gboolean
walk_set_link_flags (Walk *walk)
{
  PbLink *link = random_link (walk);
  g_autoptr(GError) error = NULL;
  guint32 flags = g_rand_int_range (walk->rand, 0, 4);
  gboolean done;

  if (link == NULL)
    return FALSE;
  done = pb_document_set_link_flags (walk->doc, link, flags, &error);
  g_assert_no_error (error);
  g_assert_true (done);
  g_assert_cmpuint (pb_link_get_flags (link), ==, flags);
  return TRUE;
}

static gboolean
walk_move (Walk *walk)
{
  GListModel *nodes = pb_document_get_nodes (walk->doc);
  g_autoptr(GPtrArray) moved = g_ptr_array_new_with_free_func (g_object_unref);
  double dx = g_rand_int_range (walk->rand, 1, 400) / 4.0;
  double dy = g_rand_int_range (walk->rand, -400, 400) / 4.0;

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    if (g_rand_int_range (walk->rand, 0, 100) < 30)
      g_ptr_array_add (moved, g_list_model_get_item (nodes, i));

  /* As the canvas does: the drag moves the nodes live, and its end
   * records the whole of it as one step. */
  for (guint i = 0; i < moved->len; i++)
    {
      PbNode *node = g_ptr_array_index (moved, i);

      pb_node_set_position (node, pb_node_get_x (node) + dx, pb_node_get_y (node) + dy);
    }
  pb_document_moved (walk->doc, moved, dx, dy);
  return moved->len > 0;
}

static PbFrame *
random_frame (Walk *walk)
{
  GListModel *frames = pb_document_get_frames (walk->doc);
  guint n = g_list_model_get_n_items (frames);
  g_autoptr(PbFrame) frame = NULL;

  if (n == 0)
    return NULL;
  frame = g_list_model_get_item (frames, g_rand_int_range (walk->rand, 0, n));
  return frame;
}

/* Frames: drawn around some nodes (taking them from the frames they were
 * in), edited, some edits refused, and removed. */
static gboolean
walk_frame (Walk *walk)
{
  GListModel *nodes = pb_document_get_nodes (walk->doc);
  PbFrame *frame = random_frame (walk);
  const char * const *colors = pb_frame_colors ();
  g_autoptr(GError) error = NULL;
  int dice = g_rand_int_range (walk->rand, 0, 100);
  gboolean done;

  if (frame == NULL || dice < 40)
    {
      g_autoptr(GPtrArray) framed = g_ptr_array_new_with_free_func (g_object_unref);
      PbFrame *made;

      for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
        if (g_rand_int_range (walk->rand, 0, 100) < 30)
          g_ptr_array_add (framed, g_list_model_get_item (nodes, i));
      if (framed->len == 0)
        return FALSE;
      made = pb_document_add_frame (walk->doc, framed, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (made);
      for (guint i = 0; i < framed->len; i++)
        g_assert_true (pb_document_get_frame_of (walk->doc,
                                                 pb_node_get_address (g_ptr_array_index (framed, i)))
                       == made);
      return TRUE;
    }
  if (dice < 50)
    {
      done = pb_document_edit_frame (walk->doc, frame, g_rand_boolean (walk->rand) ? " " : "a\nb",
                                     NULL, NULL, -1, &error);
      g_assert_false (done);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      return FALSE;
    }
  if (dice < 80)
    {
      g_autofree char *title = g_strdup_printf ("frame %u", walk->n_names++);
      g_autofree char *note = g_strdup_printf ("note\n%u", g_rand_int (walk->rand));
      const char *color = colors[g_rand_int_range (walk->rand, 0, g_strv_length ((char **) colors))];
      gboolean collapsed = !pb_frame_get_collapsed (frame);

      switch (g_rand_int_range (walk->rand, 0, 4))
        {
        case 0:
          done = pb_document_edit_frame (walk->doc, frame, title, NULL, NULL, -1, &error);
          g_assert_cmpstr (pb_frame_get_title (frame), ==, title);
          break;
        case 1:
          done = pb_document_edit_frame (walk->doc, frame, NULL, color, NULL, -1, &error);
          g_assert_cmpstr (pb_frame_get_color (frame), ==, color);
          break;
        case 2:
          done = pb_document_edit_frame (walk->doc, frame, NULL, NULL, note, -1, &error);
          g_assert_cmpstr (pb_frame_get_note (frame), ==, note);
          break;
        default:
          done = pb_document_edit_frame (walk->doc, frame, NULL, NULL, NULL, collapsed, &error);
          g_assert_cmpint (pb_frame_get_collapsed (frame), ==, collapsed);
          break;
        }
      /* A colour it has already makes no step, which after_ask() sees. */
      g_assert_no_error (error);
      g_assert_true (done);
      return done;
    }
  done = pb_document_remove_frame (walk->doc, frame, &error);
  g_assert_no_error (error);
  g_assert_true (done);
  return TRUE;
}

static void
walk_undo (Walk *walk)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (pb_document_undo (walk->doc, &error));
  g_assert_no_error (error);
  walk->position--;
  text = dup_state_text (walk->doc);
  g_assert_cmpstr (text, ==, g_ptr_array_index (walk->texts, walk->position));
  assert_models_agree (walk->doc);
}

static void
walk_redo (Walk *walk)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (pb_document_redo (walk->doc, &error));
  g_assert_no_error (error);
  walk->position++;
  text = dup_state_text (walk->doc);
  g_assert_cmpstr (text, ==, g_ptr_array_index (walk->texts, walk->position));
  assert_models_agree (walk->doc);
}

static void
walk_step (Walk *walk)
{
  g_autofree char *text = dup_state_text (walk->doc);
  PbCommand *before = top_command (walk);
  guint changed = walk->changed;
  guint n = g_list_model_get_n_items (pb_document_get_nodes (walk->doc));
  int dice = g_rand_int_range (walk->rand, 0, 100);
  gboolean done;

  if (dice < (n < 4 ? 40 : n > 24 ? 4 : 16))
    {
      walk_add (walk);
      done = TRUE;
    }
  else if (dice < 42)
    done = walk_connect (walk);
  else if (dice < 46)
    done = walk_delete (walk);
  else if (dice < 64)
    done = walk_set_param (walk);
  else if (dice < 74)
    done = walk_rename (walk);
  else if (dice < 80)
    done = walk_set_link_flags (walk);
  else if (dice < 86)
    done = walk_move (walk);
  else if (dice < 92)
    done = walk_frame (walk);
  else if (dice < 96)
    {
      if (walk->position > 0)
        walk_undo (walk);
      return;
    }
  else
    {
      if (walk->position + 1 < walk->texts->len)
        walk_redo (walk);
      return;
    }

  after_ask (walk, before, text, done, changed);
}

static void
random_undo_redo (guint32  seed,
                  gboolean running)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  PbUndoStack *stack = pb_document_get_undo_stack (doc);
  Walk walk = { .rand = rand, .doc = doc, .texts = texts, .running = running };
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "walk.pushback", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) reopened = NULL;
  g_autofree char *final = NULL;
  g_autofree char *text = NULL;
  guint n_steps;

  g_test_message ("seed %u", seed);
  g_signal_connect (doc, "changed", G_CALLBACK (on_changed), &walk);
  g_ptr_array_add (texts, dup_state_text (doc));
  if (running)
    {
      g_assert_true (pb_document_run (doc, &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < 400; i++)
    walk_step (&walk);

  g_test_message ("%u steps done, %u refused, %u links and %u frames at most",
                  walk.n_done, walk.n_refused, walk.n_links, walk.n_frames);
  g_assert_cmpuint (walk.n_refused, >, 20);
  g_assert_cmpuint (walk.n_links, >, 3);
  g_assert_cmpuint (walk.n_frames, >, 1);

  /* Steps the walk undid last can still be redone: redoing everything
   * goes up to the last of them. */
  n_steps = texts->len - 1;
  final = g_strdup (g_ptr_array_index (texts, n_steps));
  g_assert_cmpuint (n_steps, >, 50);

  while (walk.position > 0)
    walk_undo (&walk);
  g_assert_false (pb_undo_stack_can_undo (stack));
  g_assert_false (pb_document_undo (doc, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_nodes (doc)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (pb_document_get_links (doc)), ==, 0);

  while (walk.position < n_steps)
    walk_redo (&walk);
  g_assert_false (pb_undo_stack_can_redo (stack));
  g_assert_false (pb_document_redo (doc, &error));
  g_assert_no_error (error);
  text = dup_state_text (doc);
  g_assert_cmpstr (text, ==, final);

  if (running)
    {
      /* Every edit reached the runtime, which still runs. */
      g_assert_true (pb_document_sync (doc, 10000));
      g_assert_cmpint (pb_document_get_run_state (doc), ==, PB_RUN_RUNNING);
      pb_document_stop (doc);
    }

  /* Save and reopen equal: addresses, names, parameters, links, flags
   * and positions, and models that agree with the graph again. */
  g_assert_true (pb_document_save (doc, file, &error));
  g_assert_no_error (error);
  g_assert_false (pb_document_get_modified (doc));
  reopened = pb_document_load (file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reopened);
  g_clear_pointer (&text, g_free);
  text = dup_state_text (reopened);
  g_assert_cmpstr (text, ==, final);
  assert_models_agree (reopened);
  g_assert_false (pb_document_get_modified (reopened));
  g_assert_false (pb_undo_stack_can_undo (pb_document_get_undo_stack (reopened)));
  g_assert_cmpint (pb_document_get_run_state (reopened), ==, PB_RUN_STOPPED);

  g_assert_finalize_object (g_steal_pointer (&reopened));
  g_assert_finalize_object (g_steal_pointer (&doc));
  remove_tree (dir);
}

static void
test_random_undo_redo (gconstpointer data)
{
  random_undo_redo (GPOINTER_TO_UINT (data), FALSE);
}

/* The same while the runtime runs: every step, done or undone, goes live
 * as one batch. */
static void
test_random_undo_redo_running (gconstpointer data)
{
  random_undo_redo (GPOINTER_TO_UINT (data), TRUE);
}

/* Connecting a port of a range that shows no socket yet (in[3] of a merge
 * whose in[0] is free, as a paste or a script may name it), input first:
 * the link must still run from the output to the input. */
static void
test_connect_range_orientation (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  PbNode *seq = add_node (doc, "seq", 0, 0);
  PbNode *merge = add_node (doc, "merge", 200, 0);
  pb_addr out = port_of (seq, PB_PORT_OUT, 0);
  pb_addr in3 = pb_addr_with_port (pb_node_get_address (merge), 1 + 3);
  PbLink *link;

  g_assert_null (pb_node_find_port (merge, in3));
  connect_ports (doc, in3, out);

  link = pb_document_find_link (doc, out);
  g_assert_nonnull (link);
  g_assert_cmphex (pb_link_get_source (link), ==, out);
  g_assert_cmphex (pb_link_get_sink (link), ==, in3);
  assert_models_agree (doc);
}

/* A command refused after some of its ops were made is put back whole:
 * the node its first op removed comes back with sockets that know what
 * they carry, as before. */
static void
test_refused_delete_keeps_types (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  PbNode *seq = add_node (doc, "seq", 0, 0);
  PbNode *sum = add_node (doc, "sum", 100, 0);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(PbPort) back = NULL;

  set_param (doc, seq, "type", "f64");
  connect_ports (doc, port_of (seq, PB_PORT_OUT, 0), port_of (sum, PB_PORT_IN, 0));
  before = dup_state_text (doc);
  g_assert_nonnull (strstr (before, "out f64"));

  g_ptr_array_add (doomed, g_object_ref (seq));
  g_ptr_array_add (doomed, g_object_ref (seq));
  g_assert_false (pb_document_delete (doc, doomed, NULL, &error));
  g_assert_error (error, PB_RUNTIME_ERROR, PB_ENOENT);

  after = dup_state_text (doc);
  g_assert_cmpstr (after, ==, before);
  back = g_list_model_get_item (pb_node_get_ports (pb_document_find_node (doc, pb_node_get_address (seq))), 0);
  g_assert_cmpint (pb_port_get_item_type (back), ==, PB_ITEM_F64);
  assert_models_agree (doc);
}

/* What a socket carries follows the parameters that decide it, also when
 * they take the port away: a c process with out=none has no output, so
 * its socket carries nothing, as when the document is opened. */
static void
test_port_types_follow_params (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GError) error = NULL;
  PbNode *c = add_node (doc, "c", 0, 0);
  PbPort *out = pb_node_find_port (c, port_of (c, PB_PORT_OUT, 0));

  g_assert_cmpint (pb_port_get_item_type (out), ==, PB_ITEM_I64);
  set_param (doc, c, "out", "f64");
  g_assert_cmpint (pb_port_get_item_type (out), ==, PB_ITEM_F64);
  g_assert_true (pb_port_get_present (out));
  set_param (doc, c, "out", "none");
  g_assert_cmpint (pb_port_get_item_type (out), ==, PB_ITEM_NONE);
  /* With out=none the process has no output at all: no socket for it. */
  g_assert_false (pb_port_get_present (out));
  g_assert_true (pb_document_undo (doc, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pb_port_get_item_type (out), ==, PB_ITEM_F64);
  g_assert_true (pb_port_get_present (out));
  assert_models_agree (doc);
}

/* Undo and the clean state: saving marks it, undoing back to it clears
 * "modified" again, and a new branch loses it for good. */
static void
test_modified (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "modified.pushback", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) moved = g_ptr_array_new ();
  PbNode *node;

  g_assert_false (pb_document_get_modified (doc));
  gt_signal_logger_connect (logger, doc, "notify::modified");

  node = add_node (doc, "seq", 0, 0);
  g_assert_true (pb_document_get_modified (doc));
  gt_signal_logger_assert_notify_emission_pop (logger, doc, "modified");
  gt_signal_logger_assert_no_emissions (logger);

  g_assert_true (pb_document_save (doc, file, &error));
  g_assert_no_error (error);
  g_assert_false (pb_document_get_modified (doc));
  gt_signal_logger_assert_notify_emission_pop (logger, doc, "modified");
  gt_signal_logger_assert_no_emissions (logger);
  g_assert_true (pb_document_get_file (doc) == file);

  set_param (doc, node, "to", "10");
  g_assert_true (pb_document_get_modified (doc));
  gt_signal_logger_assert_notify_emission_pop (logger, doc, "modified");
  gt_signal_logger_assert_no_emissions (logger);

  g_assert_true (pb_document_undo (doc, &error));
  g_assert_no_error (error);
  g_assert_false (pb_document_get_modified (doc));
  gt_signal_logger_assert_notify_emission_pop (logger, doc, "modified");
  gt_signal_logger_assert_no_emissions (logger);

  /* Before the save is modified too. */
  g_assert_true (pb_document_undo (doc, &error));
  g_assert_true (pb_document_get_modified (doc));
  gt_signal_logger_assert_notify_emission_pop (logger, doc, "modified");
  gt_signal_logger_assert_no_emissions (logger);
  g_assert_true (pb_document_redo (doc, &error));
  g_assert_false (pb_document_get_modified (doc));
  gt_signal_logger_assert_notify_emission_pop (logger, doc, "modified");
  gt_signal_logger_assert_no_emissions (logger);
  /* Redoing the add made the node anew, at the same address. */
  node = g_list_model_get_item (pb_document_get_nodes (doc), 0);
  g_object_unref (node);
  g_assert_cmpstr (pb_node_get_name (node), ==, "seq0");

  /* A move is an edit of the document, though not of the graph. */
  g_ptr_array_add (moved, node);
  pb_node_set_position (node, 10, 20);
  pb_document_moved (doc, moved, 10, 20);
  g_assert_true (pb_document_get_modified (doc));
  gt_signal_logger_assert_notify_emission_pop (logger, doc, "modified");
  gt_signal_logger_assert_no_emissions (logger);
  g_assert_true (pb_document_undo (doc, &error));
  g_assert_false (pb_document_get_modified (doc));
  g_assert_cmpfloat (pb_node_get_x (node), ==, 0);
  g_assert_cmpfloat (pb_node_get_y (node), ==, 0);
  gt_signal_logger_assert_notify_emission_pop (logger, doc, "modified");
  gt_signal_logger_assert_no_emissions (logger);

  /* Undo past the save, then edit: the saved state is on a branch no
   * redo reaches, so no undo comes back to it. */
  g_assert_true (pb_document_undo (doc, &error));
  gt_signal_logger_assert_notify_emission_pop (logger, doc, "modified");
  add_node (doc, "map", 0, 0);
  g_assert_true (pb_document_get_modified (doc));
  g_assert_true (pb_document_undo (doc, &error));
  g_assert_true (pb_document_get_modified (doc));
  g_assert_no_error (error);

  g_assert_true (pb_document_save (doc, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (pb_document_get_modified (doc));

  g_assert_finalize_object (g_steal_pointer (&doc));
  remove_tree (dir);
}

/* Forgets what @logger saw, which a test does not pin down. */
static void
drain (GtSignalLogger *logger)
{
  while (gt_signal_logger_get_n_emissions (logger) > 0)
    {
      gpointer obj = NULL;
      g_autofree char *type_name = NULL;
      g_autofree char *signal_name = NULL;
      g_autoptr(GtSignalLoggerEmission) emission = NULL;

      g_assert_true (gt_signal_logger_pop_emission (logger, &obj, &type_name,
                                                    &signal_name, &emission));
    }
}

/* Signals, as views see them. */
static void
test_signals (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GtSignalLogger) models = gt_signal_logger_new ();
  g_autoptr(GtSignalLogger) steps = gt_signal_logger_new ();
  GListModel *nodes = pb_document_get_nodes (doc);
  GListModel *links = pb_document_get_links (doc);
  PbUndoStack *stack = pb_document_get_undo_stack (doc);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) doomed = g_ptr_array_new ();
  g_autofree char *key = NULL;
  guint position = 99, removed = 99, added = 99;
  PbNode *seq, *map, *first;

  gt_signal_logger_connect (models, nodes, "items-changed");
  gt_signal_logger_connect (models, links, "items-changed");
  gt_signal_logger_connect (models, doc, "changed");
  gt_signal_logger_connect (steps, stack, "notify::can-undo");

  seq = add_node (doc, "seq", 0, 0);
  gt_signal_logger_assert_emission_pop (models, nodes, "items-changed", &position, &removed, &added);
  g_assert_cmpuint (position, ==, 0);
  g_assert_cmpuint (removed, ==, 0);
  g_assert_cmpuint (added, ==, 1);
  gt_signal_logger_assert_emission_pop (models, doc, "changed", NULL);
  gt_signal_logger_assert_no_emissions (models);
  g_assert_true (pb_undo_stack_can_undo (stack));
  gt_signal_logger_assert_notify_emission_pop (steps, stack, "can-undo");
  gt_signal_logger_assert_no_emissions (steps);

  map = add_node (doc, "map", 100, 0);
  gt_signal_logger_assert_emission_pop (models, nodes, "items-changed", &position, &removed, &added);
  g_assert_cmpuint (position, ==, 1);
  g_assert_cmpuint (removed, ==, 0);
  g_assert_cmpuint (added, ==, 1);
  gt_signal_logger_assert_emission_pop (models, doc, "changed", NULL);
  gt_signal_logger_assert_no_emissions (models);
  drain (steps);

  /* A node's name and parameters. */
  gt_signal_logger_connect (models, map, "notify::name");
  gt_signal_logger_connect (models, map, "param-changed");
  g_assert_true (pb_document_rename (doc, map, "double", &error));
  g_assert_no_error (error);
  gt_signal_logger_assert_notify_emission_pop (models, map, "name");
  gt_signal_logger_assert_emission_pop (models, doc, "changed", NULL);
  gt_signal_logger_assert_no_emissions (models);

  set_param (doc, map, "expr", "x * 2");
  gt_signal_logger_assert_emission_pop (models, map, "param-changed", &key);
  g_assert_cmpstr (key, ==, "expr");
  g_clear_pointer (&key, g_free);
  gt_signal_logger_assert_emission_pop (models, doc, "changed", NULL);
  gt_signal_logger_assert_no_emissions (models);

  /* Refusals change nothing and say nothing. */
  drain (steps);
  g_assert_false (pb_document_rename (doc, map, "seq0", &error));
  g_assert_error (error, PB_RUNTIME_ERROR, PB_EEXIST);
  g_clear_error (&error);
  g_assert_false (pb_document_set_param (doc, seq, "type", "u16", &error));
  g_assert_error (error, PB_RUNTIME_ERROR, PB_EINVAL);
  g_assert_nonnull (strstr (error->message, "u16"));
  g_clear_error (&error);
  g_assert_false (pb_document_connect (doc, port_of (seq, PB_PORT_OUT, 0),
                                       port_of (seq, PB_PORT_OUT, 0), &error));
  g_assert_error (error, PB_RUNTIME_ERROR, PB_EDIRECTION);
  g_clear_error (&error);
  gt_signal_logger_assert_no_emissions (models);
  gt_signal_logger_assert_no_emissions (steps);

  /* A link, and undoing it. */
  connect_ports (doc, port_of (seq, PB_PORT_OUT, 0), port_of (map, PB_PORT_IN, 0));
  gt_signal_logger_assert_emission_pop (models, links, "items-changed", &position, &removed, &added);
  g_assert_cmpuint (position, ==, 0);
  g_assert_cmpuint (added, ==, 1);
  gt_signal_logger_assert_emission_pop (models, doc, "changed", NULL);
  gt_signal_logger_assert_no_emissions (models);
  g_assert_true (pb_document_undo (doc, &error));
  g_assert_no_error (error);
  gt_signal_logger_assert_emission_pop (models, links, "items-changed", &position, &removed, &added);
  g_assert_cmpuint (position, ==, 0);
  g_assert_cmpuint (removed, ==, 1);
  g_assert_cmpuint (added, ==, 0);
  gt_signal_logger_assert_emission_pop (models, doc, "changed", NULL);
  gt_signal_logger_assert_no_emissions (models);
  g_assert_true (pb_undo_stack_can_redo (stack));

  /* Undoing the parameter and the name say so too. */
  g_assert_true (pb_document_undo (doc, &error));
  gt_signal_logger_assert_emission_pop (models, map, "param-changed", &key);
  g_assert_cmpstr (key, ==, "expr");
  g_clear_pointer (&key, g_free);
  g_assert_null (pb_node_get_param (map, "expr"));
  gt_signal_logger_assert_emission_pop (models, doc, "changed", NULL);
  g_assert_true (pb_document_undo (doc, &error));
  gt_signal_logger_assert_notify_emission_pop (models, map, "name");
  g_assert_cmpstr (pb_node_get_name (map), ==, "map0");
  gt_signal_logger_assert_emission_pop (models, doc, "changed", NULL);
  gt_signal_logger_assert_no_emissions (models);

  /* Deleting the first node removes it from its place in the list. */
  g_object_ref (map);
  g_ptr_array_add (doomed, seq);
  g_assert_true (pb_document_delete (doc, doomed, NULL, &error));
  g_assert_no_error (error);
  gt_signal_logger_assert_emission_pop (models, nodes, "items-changed", &position, &removed, &added);
  g_assert_cmpuint (position, ==, 0);
  g_assert_cmpuint (removed, ==, 1);
  g_assert_cmpuint (added, ==, 0);
  gt_signal_logger_assert_emission_pop (models, doc, "changed", NULL);
  gt_signal_logger_assert_no_emissions (models);
  first = g_list_model_get_item (nodes, 0);
  g_assert_true (first == map);
  g_object_unref (first);

  /* Everything undone: nothing can be undone any more. */
  while (pb_document_undo (doc, &error))
    ;
  g_assert_no_error (error);
  g_assert_false (pb_undo_stack_can_undo (stack));
  g_assert_cmpuint (g_list_model_get_n_items (nodes), ==, 0);

  gt_signal_logger_free (g_steal_pointer (&models));
  gt_signal_logger_free (g_steal_pointer (&steps));
  g_assert_finalize_object (g_steal_pointer (&doc));
  g_assert_finalize_object (map);
}

/* Bad files. */

typedef struct
{
  GBytes          *bytes;
  struct timespec  mtime;
} FileState;

static FileState
take_state (const char *path)
{
  FileState state;
  struct stat st;

  g_assert_cmpint (g_stat (path, (GStatBuf *) &st), ==, 0);
  state.bytes = g_file_test (path, G_FILE_TEST_IS_REGULAR) ? read_bytes (path) : NULL;
  state.mtime = st.st_mtim;
  return state;
}

static void
assert_state (const char *path,
              FileState  *state)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, (GStatBuf *) &st), ==, 0);
  g_assert_cmpint (st.st_mtim.tv_sec, ==, state->mtime.tv_sec);
  g_assert_cmpint (st.st_mtim.tv_nsec, ==, state->mtime.tv_nsec);
  if (state->bytes != NULL)
    {
      g_autoptr(GBytes) now = read_bytes (path);

      g_assert_true (g_bytes_equal (now, state->bytes));
    }
  assert_no_sidecars (path);
  g_clear_pointer (&state->bytes, g_bytes_unref);
}

static void
assert_load_refused (const char *path,
                     int         code,
                     const char *problem)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) doc = NULL;
  FileState state = take_state (path);

  doc = pb_document_load (file, &error);
  g_assert_null (doc);
  g_assert_error (error, PB_RUNTIME_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, problem));
  assert_state (path, &state);
}

static void
sql_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static void
test_bad_files (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "bad.pushback", NULL);
  g_autofree char *good = g_build_filename (dir, "good.pushback", NULL);
  g_autofree char *sub = g_build_filename (dir, "folder.pushback", NULL);
  g_autoptr(GFile) missing = g_file_new_for_path (path);
  g_autoptr(GFile) good_file = g_file_new_for_path (good);
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) none = NULL;
  g_autoptr(GBytes) bytes = NULL;
  PbNode *seq, *sum;

  /* A path with nothing there. */
  none = pb_document_load (missing, &error);
  g_assert_null (none);
  g_assert_error (error, PB_RUNTIME_ERROR, PB_ENOENT);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  assert_no_sidecars (path);
  g_clear_error (&error);

  write_bytes (path, "", 0);
  assert_load_refused (path, PB_EFORMAT, "empty file");

  write_bytes (path, "seq to=10 ! sum\n", 16);
  assert_load_refused (path, PB_EFORMAT, "not an SQLite database");

  g_assert_cmpint (g_remove (path), ==, 0);
  sql_exec (path, "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine');");
  assert_load_refused (path, PB_EFORMAT, "application id");

  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  assert_load_refused (sub, PB_EFORMAT, "directory");

  /* A real document, cut short. */
  seq = add_node (doc, "seq", 0, 0);
  sum = add_node (doc, "sum", 100, 0);
  set_param (doc, seq, "to", "100");
  connect_ports (doc, port_of (seq, PB_PORT_OUT, 0), port_of (sum, PB_PORT_IN, 0));
  g_assert_true (pb_document_save (doc, good_file, &error));
  g_assert_no_error (error);
  bytes = read_bytes (good);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, 8192);
  write_bytes (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) / 2);
  assert_load_refused (path, PB_EFORMAT, "is corrupt");
  write_bytes (path, g_bytes_get_data (bytes, NULL), 100);
  assert_load_refused (path, PB_EFORMAT, "is corrupt");

  g_assert_finalize_object (g_steal_pointer (&doc));
  remove_tree (dir);
}

/* Trust. */

static PbDocument *
code_document (const char *expr,
               const char *code)
{
  PbDocument *doc = pb_document_new ();
  PbNode *seq = add_node (doc, "seq", 0, 0);
  PbNode *map = add_node (doc, "map", 100, 0);
  PbNode *c = add_node (doc, "c", 200, 0);
  PbNode *sum = add_node (doc, "sum", 300, 0);

  set_param (doc, seq, "to", "10");
  set_param (doc, map, "expr", expr);
  set_param (doc, c, "code", code);
  connect_ports (doc, port_of (seq, PB_PORT_OUT, 0), port_of (map, PB_PORT_IN, 0));
  connect_ports (doc, port_of (map, PB_PORT_OUT, 0), port_of (c, PB_PORT_IN, 0));
  connect_ports (doc, port_of (c, PB_PORT_OUT, 0), port_of (sum, PB_PORT_IN, 0));
  return doc;
}

static void
test_code_digest (void)
{
  g_autoptr(PbDocument) plain = pb_document_new ();
  g_autoptr(PbDocument) one = code_document ("x + 1", "emit (x);");
  g_autoptr(PbDocument) same = code_document ("x + 1", "emit (x);");
  g_autoptr(PbDocument) other_expr = code_document ("x + 2", "emit (x);");
  g_autoptr(PbDocument) other_code = code_document ("x + 1", "emit (x + 0);");
  g_autofree char *digest = NULL;
  g_autofree char *digest_same = NULL;
  g_autofree char *digest_expr = NULL;
  g_autofree char *digest_code = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GError) error = NULL;
  PbNode *seq, *sum, *c;

  /* No expressions, no code: nothing of anyone's runs. */
  seq = add_node (plain, "seq", 0, 0);
  sum = add_node (plain, "sum", 0, 0);
  set_param (plain, seq, "to", "10");
  set_param (plain, seq, "type", "f64");
  connect_ports (plain, port_of (seq, PB_PORT_OUT, 0), port_of (sum, PB_PORT_IN, 0));
  g_assert_null (pb_document_dup_code_digest (plain));

  digest = pb_document_dup_code_digest (one);
  digest_same = pb_document_dup_code_digest (same);
  digest_expr = pb_document_dup_code_digest (other_expr);
  digest_code = pb_document_dup_code_digest (other_code);
  g_assert_nonnull (digest);
  g_assert_cmpuint (strlen (digest), ==, 64);
  g_assert_cmpstr (digest, ==, digest_same);
  g_assert_cmpstr (digest, !=, digest_expr);
  g_assert_cmpstr (digest, !=, digest_code);
  g_assert_cmpstr (digest_expr, !=, digest_code);

  /* A parameter that is not code does not change it; code does, and
   * undoing the change gives the same digest back. */
  c = g_list_model_get_item (pb_document_get_nodes (one), 2);
  g_object_unref (c);
  g_assert_cmpstr (pb_node_get_kind_name (c), ==, "c");
  set_param (one, c, "out", "f64");
  again = pb_document_dup_code_digest (one);
  g_assert_cmpstr (again, ==, digest);
  g_clear_pointer (&again, g_free);
  set_param (one, c, "init", "int unused = 0;");
  again = pb_document_dup_code_digest (one);
  g_assert_cmpstr (again, !=, digest);
  g_clear_pointer (&again, g_free);
  g_assert_true (pb_document_undo (one, &error));
  g_assert_no_error (error);
  again = pb_document_dup_code_digest (one);
  g_assert_cmpstr (again, ==, digest);
  g_clear_pointer (&again, g_free);

  /* Code in a filter counts as well. */
  {
    PbNode *filter = add_node (plain, "filter", 0, 0);

    g_assert_null (pb_document_dup_code_digest (plain));
    set_param (plain, filter, "expr", "x > 2");
    again = pb_document_dup_code_digest (plain);
    g_assert_nonnull (again);
  }
}

static void
test_trust_settings (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = g_settings_new_with_backend (APPLICATION_ID, backend);
  g_autoptr(PbDocument) doc = code_document ("x + 1", "emit (x);");
  g_autofree char *digest = pb_document_dup_code_digest (doc);
  g_auto(GStrv) trusted = NULL;
  char first[65], last[65];

  /* Nothing of anyone's: always trusted. */
  g_assert_true (pb_trust_is_trusted (settings, NULL));
  g_assert_false (pb_trust_is_trusted (settings, digest));

  pb_trust_remember (settings, digest);
  g_assert_true (pb_trust_is_trusted (settings, digest));
  pb_trust_remember (settings, digest);
  trusted = g_settings_get_strv (settings, "trusted-code");
  g_assert_cmpuint (g_strv_length (trusted), ==, 1);
  g_clear_pointer (&trusted, g_strfreev);

  /* The list keeps the latest digests, so the oldest is forgotten. */
  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *other = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) &i, sizeof i);

      pb_trust_remember (settings, other);
      if (i == 0)
        g_strlcpy (first, other, sizeof first);
      g_strlcpy (last, other, sizeof last);
    }
  trusted = g_settings_get_strv (settings, "trusted-code");
  g_assert_cmpuint (g_strv_length (trusted), ==, 500);
  g_assert_false (pb_trust_is_trusted (settings, digest));
  g_assert_true (pb_trust_is_trusted (settings, first));
  g_assert_true (pb_trust_is_trusted (settings, last));
}

/* A document that opens does not compile its code until it runs: a bad
 * expression shows no failure before the run, and does once it runs. */
static gboolean
wait_for_state (PbDocument       *doc,
                PbNode           *node,
                pb_process_state  state)
{
  for (guint i = 0; i < 1000; i++)
    {
      pb_document_refresh_status (doc);
      if (pb_node_get_state (node) == state)
        return TRUE;
      g_usleep (10 * 1000);
    }
  return FALSE;
}

static void
test_loaded_stopped (void)
{
  g_autoptr(PbDocument) doc = code_document ("x +* 2", "emit (x);");
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "untrusted.pushback", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) loaded = NULL;
  g_autofree char *digest = pb_document_dup_code_digest (doc);
  g_autofree char *loaded_digest = NULL;
  GListModel *nodes;

  g_assert_true (pb_document_save (doc, file, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&doc));

  loaded = pb_document_load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pb_document_get_run_state (loaded), ==, PB_RUN_STOPPED);
  loaded_digest = pb_document_dup_code_digest (loaded);
  g_assert_cmpstr (loaded_digest, ==, digest);

  nodes = pb_document_get_nodes (loaded);
  g_assert_true (pb_document_sync (loaded, 5000));
  pb_document_refresh_status (loaded);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

      g_assert_cmpint (pb_node_get_state (node), ==, PB_PROCESS_READY);
      g_assert_null (pb_node_get_message (node));
    }

  /* Once it runs, the expression is compiled, and refused. */
  g_assert_true (pb_document_run (loaded, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pb_document_get_run_state (loaded), ==, PB_RUN_RUNNING);
  {
    g_autoptr(PbNode) map = g_list_model_get_item (nodes, 1);

    g_assert_cmpstr (pb_node_get_kind_name (map), ==, "map");
    g_assert_true (pb_document_sync (loaded, 10000));
    g_assert_true (wait_for_state (loaded, map, PB_PROCESS_FAILED));
    g_test_message ("%s", pb_node_get_message (map));
    g_assert_nonnull (strstr (pb_node_get_message (map), pb_node_get_name (map)));
  }
  pb_document_stop (loaded);
  g_assert_cmpint (pb_document_get_run_state (loaded), ==, PB_RUN_STOPPED);

  g_assert_finalize_object (g_steal_pointer (&loaded));
  remove_tree (dir);
}

/* Running: edits reach the runtime, failures show on their node. */

typedef struct
{
  PbNode *source;
  PbNode *map;
  PbNode *sink;
} Chain;

static Chain
add_chain (PbDocument *doc,
           const char *to,
           const char *expr,
           const char *sink,
           double      y)
{
  Chain chain;

  chain.source = add_node (doc, "seq", 0, y);
  chain.map = add_node (doc, "map", 100, y);
  chain.sink = add_node (doc, sink, 200, y);
  set_param (doc, chain.source, "to", to);
  set_param (doc, chain.map, "expr", expr);
  connect_ports (doc, port_of (chain.source, PB_PORT_OUT, 0), port_of (chain.map, PB_PORT_IN, 0));
  connect_ports (doc, port_of (chain.map, PB_PORT_OUT, 0), port_of (chain.sink, PB_PORT_IN, 0));
  return chain;
}

static void
test_run_compile_error (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GError) error = NULL;
  Chain chain;

  g_assert_true (pb_document_run (doc, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pb_document_get_run_state (doc), ==, PB_RUN_RUNNING);

  chain = add_chain (doc, "1000", "x * 2", "sum", 0);
  g_assert_true (pb_document_sync (doc, 10000));
  g_assert_true (wait_for_state (doc, chain.sink, PB_PROCESS_DONE));
  g_assert_cmpint (pb_node_get_state (chain.map), !=, PB_PROCESS_FAILED);

  set_param (doc, chain.map, "expr", "x +* 2");
  g_assert_true (pb_document_sync (doc, 10000));
  g_assert_true (wait_for_state (doc, chain.map, PB_PROCESS_FAILED));
  g_test_message ("%s", pb_node_get_message (chain.map));
  g_assert_nonnull (strstr (pb_node_get_message (chain.map), pb_node_get_name (chain.map)));

  /* Mended, the failure goes. */
  set_param (doc, chain.map, "expr", "x * 3");
  g_assert_true (pb_document_sync (doc, 10000));
  pb_document_refresh_status (doc);
  g_assert_cmpint (pb_node_get_state (chain.map), !=, PB_PROCESS_FAILED);
  g_assert_null (pb_node_get_message (chain.map));

  /* Undone, it fails again; redone, it is mended again. */
  g_assert_true (pb_document_undo (doc, &error));
  g_assert_true (pb_document_sync (doc, 10000));
  g_assert_true (wait_for_state (doc, chain.map, PB_PROCESS_FAILED));
  g_assert_true (pb_document_redo (doc, &error));
  g_assert_true (pb_document_sync (doc, 10000));
  pb_document_refresh_status (doc);
  g_assert_cmpint (pb_node_get_state (chain.map), !=, PB_PROCESS_FAILED);
  g_assert_no_error (error);

  pb_document_stop (doc);
  g_assert_finalize_object (g_steal_pointer (&doc));
}

static void
test_run_fault (void)
{
  g_autoptr(PbDocument) doc = pb_document_new ();
  g_autoptr(GError) error = NULL;
  Chain faulty, steady;

  g_assert_true (pb_document_run (doc, &error));
  g_assert_no_error (error);

  steady = add_chain (doc, "1000000000000", "x + 1", "count", 200);
  faulty = add_chain (doc, "1000", "x / (x - x)", "sum", 0);
  g_assert_true (pb_document_sync (doc, 10000));

  g_assert_true (wait_for_state (doc, faulty.map, PB_PROCESS_FAILED));
  g_test_message ("%s", pb_node_get_message (faulty.map));
  g_assert_nonnull (pb_node_get_message (faulty.map));

  /* The other chain runs on. */
  g_usleep (100 * 1000);
  pb_document_refresh_status (doc);
  g_assert_cmpint (pb_node_get_state (steady.source), ==, PB_PROCESS_READY);
  g_assert_cmpint (pb_node_get_state (steady.map), ==, PB_PROCESS_READY);
  g_assert_cmpint (pb_node_get_state (steady.sink), ==, PB_PROCESS_READY);
  g_assert_null (pb_node_get_message (steady.map));
  g_assert_cmpint (pb_document_get_run_state (doc), ==, PB_RUN_RUNNING);

  pb_document_stop (doc);
  g_assert_finalize_object (g_steal_pointer (&doc));
}

int
main (int   argc,
      char *argv[])
{
  static const guint32 seeds[] = { 1, 2, 3, 4, 5, 1234, 20260101 };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autofree char *name = g_strdup_printf ("/Pushback/Document/random-undo-redo/%u", seeds[i]);

      g_test_add_data_func (name, GUINT_TO_POINTER (seeds[i]), test_random_undo_redo);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("/Pushback/Document/random-undo-redo-running/%u", seeds[i]);

      g_test_add_data_func (name, GUINT_TO_POINTER (seeds[i]), test_random_undo_redo_running);
    }
  g_test_add_func ("/Pushback/Document/connect-range-orientation", test_connect_range_orientation);
  g_test_add_func ("/Pushback/Document/refused-delete-keeps-types", test_refused_delete_keeps_types);
  g_test_add_func ("/Pushback/Document/port-types-follow-params", test_port_types_follow_params);
  g_test_add_func ("/Pushback/Document/modified", test_modified);
  g_test_add_func ("/Pushback/Document/signals", test_signals);
  g_test_add_func ("/Pushback/Document/bad-files", test_bad_files);
  g_test_add_func ("/Pushback/Document/code-digest", test_code_digest);
  g_test_add_func ("/Pushback/Document/trust-settings", test_trust_settings);
  g_test_add_func ("/Pushback/Document/loaded-stopped", test_loaded_stopped);
  g_test_add_func ("/Pushback/Document/run-compile-error", test_run_compile_error);
  g_test_add_func ("/Pushback/Document/run-fault", test_run_fault);

  return g_test_run ();
}
