/* pb-document-pipeline.c — pipeline text in and out of a document
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The text that `pushback-run -e` takes is a quick way to write a chain:
 * `seq to=10 ! map expr="x*2" ! sum`. Pasting such text builds it on a
 * scratch graph with the runtime's own parser and builder, so that the
 * person sees the parser's message when it does not parse, and then adds
 * its processes and links to the document as one command, laid out by
 * Graphviz. Copying the other way writes what pipeline text can say
 * without names for every element: chains, and broadcasts whose branches
 * start from a named tee. The text written is parsed back and compared
 * with the selection before it is offered, so that what is copied always
 * means what was selected.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <pushback/graph.h>
#include <pushback/kinds.h>
#include <pushback/link.h>
#include <pushback/pipeline.h>

#include "pb-document-private.h"
#include "pb-error.h"
#include "pb-layout.h"

#define PIPELINE_PORT_HEIGHT 24.0

static gboolean
name_in_use (PbDocument *self,
             const char *name)
{
  GListModel *nodes = G_LIST_MODEL (self->nodes);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

      if (g_strcmp0 (pb_node_get_name (node), name) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_output (const pb_graph *graph,
           pb_addr         port)
{
  const pb_kind *kind = pb_kind_find (pb_graph_process_kind (graph, pb_addr_process_of (port)));
  const pb_port_spec *spec = kind != NULL ? pb_kind_port_lookup (kind, pb_addr_port (port), NULL) : NULL;

  return spec != NULL && spec->dir == PB_PORT_OUT;
}

/* Where in @processes @process is; they are sorted, as the graph lists
 * them. */
static guint
index_of (const pb_addr *processes,
          gsize          n,
          pb_addr        process)
{
  for (gsize i = 0; i < n; i++)
    if (processes[i] == process)
      return i;
  g_return_val_if_reached (0);
}

/**
 * pb_document_add_pipeline:
 * @text: a pipeline description, as `pushback-run -e` takes
 * @x: where the middle of the new processes goes, in canvas units
 * @y: likewise
 * @error: the parser's or the builder's message, naming the element
 *
 * Adds the processes and links that @text describes, laid out left to
 * right around (@x, @y), or around the free place nearest it where they
 * would cover nodes there, as one step. Each keeps the name the text gives
 * it where no process has that name; otherwise it is named as a new
 * process is. Text that does not parse or build, or that makes a link
 * the runtime would refuse (item types that differ, a flow cycle),
 * changes nothing.
 *
 * Returns: (transfer container) (element-type PbNode) (nullable): the new
 *   nodes, in the order of their addresses; %NULL with @error set
 */
GPtrArray *
pb_document_add_pipeline (PbDocument  *self,
                          const char  *text,
                          double       x,
                          double       y,
                          GError     **error)
{
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(PbCommand) command = NULL;
  g_autofree pb_addr *processes = NULL;
  g_autofree pb_addr *addresses = NULL;
  g_autofree PbLayoutNode *places = NULL;
  g_autofree PbLayoutEdge *edges = NULL;
  g_autofree pb_connection *links = NULL;
  g_autoptr(GError) layout_error = NULL;
  GPtrArray *nodes;
  pb_graph *graph;
  pb_error err;
  gsize n, n_links;
  double width = 0, height = 0;
  int rc;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  graph = pb_graph_new (0);
  rc = pb_pipeline_build_text (graph, text, &err);
  if (rc != PB_OK)
    {
      pb_graph_free (graph);
      return pb_propagate_result (error, rc, &err), NULL;
    }

  n = pb_graph_list_processes (graph, NULL, 0);
  processes = g_new0 (pb_addr, n + 1);
  pb_graph_list_processes (graph, processes, n);
  n_links = pb_graph_list_connections (graph, NULL, 0);
  links = g_new0 (pb_connection, n_links + 1);
  pb_graph_list_connections (graph, links, n_links);

  /* The builder checks ports and directions, not item types or cycles:
   * each link is checked as one a person draws, with all the others
   * made, and a link the runtime would refuse refuses the text. */
  for (gsize i = 0; i < n_links; i++)
    {
      guint32 flags = pb_graph_link_flags (graph, links[i].a);

      pb_graph_disconnect (graph, links[i].a);
      rc = pb_link_check (graph, links[i].a, links[i].b, &err);
      pb_graph_connect (graph, links[i].a, links[i].b);
      pb_graph_set_link_flags (graph, links[i].a, flags);
      if (rc != PB_OK)
        {
          pb_graph_free (graph);
          return pb_propagate_result (error, rc, &err), NULL;
        }
    }

  addresses = g_new0 (pb_addr, n + 1);
  if (!pb_document_reserve_addresses (self, n, addresses))
    {
      pb_graph_free (graph);
      g_set_error_literal (error, PB_RUNTIME_ERROR, PB_ENOSPC, _("There is no room for more processes"));
      return NULL;
    }

  /* Graphviz places them; each node is as tall as its linked ports
   * need. */
  places = g_new0 (PbLayoutNode, n + 1);
  edges = g_new0 (PbLayoutEdge, n_links + 1);
  for (gsize i = 0; i < n; i++)
    places[i] = (PbLayoutNode) { .id = i, .width = PB_DOCUMENT_NODE_WIDTH, .height = PB_DOCUMENT_NODE_HEIGHT };
  for (gsize i = 0; i < n_links; i++)
    {
      gboolean forward = is_output (graph, links[i].a);
      pb_addr source = forward ? links[i].a : links[i].b;
      pb_addr sink = forward ? links[i].b : links[i].a;
      guint from = index_of (processes, n, pb_addr_process_of (source));
      guint to = index_of (processes, n, pb_addr_process_of (sink));

      edges[i] = (PbLayoutEdge) { .from = from, .from_port = pb_addr_port (source),
                                  .to = to, .to_port = pb_addr_port (sink) };
      places[from].height += PIPELINE_PORT_HEIGHT / 2;
      places[to].height += PIPELINE_PORT_HEIGHT / 2;
    }
  if (!pb_layout_nodes (places, n, edges, n_links, &layout_error))
    {
      /* A layout that fails leaves the nodes in a row, still usable. */
      for (gsize i = 0; i < n; i++)
        {
          places[i].x = i * (PB_DOCUMENT_NODE_WIDTH + 40);
          places[i].y = 0;
        }
    }
  for (gsize i = 0; i < n; i++)
    {
      width = MAX (width, places[i].x + places[i].width);
      height = MAX (height, places[i].y + places[i].height);
    }
  pb_document_find_free_place (self, width, height, &x, &y);

  command = pb_command_new (g_dngettext (GETTEXT_PACKAGE, "Add Process From Text",
                                         "Add Processes From Text", n));
  for (gsize i = 0; i < n; i++)
    {
      size_t n_params = pb_graph_list_params (graph, processes[i], NULL, NULL, 0);
      g_autofree const char **keys = g_new0 (const char *, n_params + 1);
      g_autofree const char **values = g_new0 (const char *, n_params + 1);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) params = NULL;
      g_autofree char *name = NULL;
      const char *kind = pb_graph_process_kind (graph, processes[i]);
      const char *given = pb_graph_process_name (graph, processes[i]);

      pb_graph_list_params (graph, processes[i], keys, values, n_params);
      for (size_t p = 0; p < n_params; p++)
        {
          g_strv_builder_add (builder, keys[p]);
          g_strv_builder_add (builder, values[p]);
        }
      params = g_strv_builder_end (builder);

      if (given != NULL && !g_hash_table_contains (taken, given) && !name_in_use (self, given))
        {
          name = g_strdup (given);
          g_hash_table_add (taken, g_strdup (given));
        }
      else
        name = pb_document_dup_free_name (self, kind, taken);

      pb_command_add (command, kind, name, (const char * const *) params,
                      x - width / 2 + places[i].x, y - height / 2 + places[i].y)->a = addresses[i];
    }
  for (gsize i = 0; i < n_links; i++)
    {
      const PbLayoutEdge *edge = &edges[i];
      gboolean forward = is_output (graph, links[i].a);

      pb_command_connect (command,
                          pb_addr_with_port (addresses[edge->from], edge->from_port),
                          pb_addr_with_port (addresses[edge->to], edge->to_port),
                          pb_graph_link_flags (graph, forward ? links[i].a : links[i].b));
    }
  pb_graph_free (graph);

  if (!pb_document_execute (self, command, error))
    return NULL;

  nodes = g_ptr_array_new ();
  for (gsize i = 0; i < n; i++)
    {
      PbNode *node = pb_document_find_node (self, addresses[i]);

      if (node != NULL)
        g_ptr_array_add (nodes, node);
    }
  return nodes;
}

/* Writing pipeline text */

/* A value goes bare when the parser would read it back as it is, and in
 * double quotes otherwise, with " and \ escaped. */
static void
append_value (GString    *text,
              const char *value)
{
  gboolean bare = value[0] != '\0';

  for (const char *c = value; *c != '\0' && bare; c++)
    bare = g_ascii_isalnum (*c) || strchr ("_-+.,:/%@", *c) != NULL;
  if (bare)
    {
      g_string_append (text, value);
      return;
    }
  g_string_append_c (text, '"');
  for (const char *c = value; *c != '\0'; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (text, '\\');
      g_string_append_c (text, *c);
    }
  g_string_append_c (text, '"');
}

typedef struct
{
  PbDocument *document;
  GPtrArray  *nodes;       /* the selection, in the order written */
  GHashTable *index;       /* PbNode -> its place in the selection + 1 */
  GPtrArray  *outputs;     /* per node: GPtrArray of PbLink, by source port */
  GHashTable *tees;        /* PbNode with more than one link out */
  GString    *text;
  GString    *branches;    /* branches that start at a tee, written last */
  GPtrArray  *order;       /* the nodes, in the order their elements appear */
} Writer;

static int
compare_by_source (gconstpointer a,
                   gconstpointer b)
{
  guint pa = pb_addr_port (pb_link_get_source (*(PbLink **) a));
  guint pb = pb_addr_port (pb_link_get_source (*(PbLink **) b));

  return (pa > pb) - (pa < pb);
}

static void write_chain (Writer  *writer,
                         GString *text,
                         PbNode  *node);

/* Whether @node's name is worth writing: one a person gave (such as
 * "slow"), not the kind and a number the parser would give again, and
 * one the parser reads as a name. */
static gboolean
name_is_given (PbNode *node)
{
  const char *name = pb_node_get_name (node);
  const char *kind = pb_node_get_kind_name (node);
  const char *rest;

  if (name == NULL || name[0] == '\0')
    return FALSE;
  for (const char *c = name; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-')
      return FALSE;
  if (!g_str_has_prefix (name, kind))
    return TRUE;
  rest = name + strlen (kind);
  if (*rest == '\0')
    return TRUE;
  for (; *rest != '\0'; rest++)
    if (!g_ascii_isdigit (*rest))
      return TRUE;
  return FALSE;
}

static void
write_element (Writer  *writer,
               GString *text,
               PbNode  *node)
{
  const pb_kind *kind = pb_node_get_kind (node);

  g_ptr_array_add (writer->order, node);
  g_string_append (text, pb_node_get_kind_name (node));
  if (g_hash_table_contains (writer->tees, node) || name_is_given (node))
    {
      g_string_append (text, " name=");
      g_string_append (text, pb_node_get_name (node));
    }
  for (size_t i = 0; i < pb_kind_n_params (kind); i++)
    {
      const char *key = pb_kind_param (kind, i)->name;
      const char *value = pb_node_get_param (node, key);

      if (value == NULL)
        continue;
      g_string_append_printf (text, " %s=", key);
      append_value (text, value);
    }
}

static void
write_chain (Writer  *writer,
             GString *text,
             PbNode  *node)
{
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (writer->index, node)) - 1;
  GPtrArray *outputs = g_ptr_array_index (writer->outputs, i);

  write_element (writer, text, node);
  for (guint o = 0; o < outputs->len; o++)
    {
      PbNode *next = pb_document_find_node (writer->document,
                                            pb_link_get_sink (g_ptr_array_index (outputs, o)));

      if (o == 0)
        {
          g_string_append (text, " ! ");
          write_chain (writer, text, next);
        }
      else
        {
          g_autoptr(GString) branch = g_string_new (NULL);

          g_string_append_printf (branch, "  %s. ! ", pb_node_get_name (node));
          write_chain (writer, branch, next);
          g_string_append (writer->branches, branch->str);
        }
    }
}

/* Whether @text, built on a scratch graph, gives processes of the kinds
 * and with the parameters of @order, joined port to port as @links
 * joins them. */
static gboolean
same_graph (PbDocument *self,
            const char *text,
            GPtrArray  *order,
            GPtrArray  *links)
{
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pb_pipeline *pipeline = NULL;
  pb_graph *graph = NULL;
  gboolean same = FALSE;
  gsize n, n_links;

  if (pb_pipeline_parse (text, &pipeline, NULL) != PB_OK)
    return FALSE;
  graph = pb_graph_new (0);
  if (pb_pipeline_build (pipeline, graph, 0, NULL) != PB_OK)
    goto out;

  n = pb_graph_list_processes (graph, NULL, 0);
  n_links = pb_graph_list_connections (graph, NULL, 0);
  if (n != order->len || n_links != links->len)
    goto out;

  /* Each link as "element:port element:port", from the output. */
  for (guint i = 0; i < links->len; i++)
    {
      PbLink *link = g_ptr_array_index (links, i);
      PbNode *from = pb_document_find_node (self, pb_link_get_source (link));
      PbNode *to = pb_document_find_node (self, pb_link_get_sink (link));
      guint a = 0, b = 0;

      g_ptr_array_find (order, from, &a);
      g_ptr_array_find (order, to, &b);
      g_hash_table_add (expected, g_strdup_printf ("%u:%u %u:%u",
                                                   a, pb_addr_port (pb_link_get_source (link)),
                                                   b, pb_addr_port (pb_link_get_sink (link))));
    }

  {
    g_autofree pb_addr *processes = g_new0 (pb_addr, n + 1);
    g_autofree pb_connection *built = g_new0 (pb_connection, n_links + 1);

    pb_graph_list_processes (graph, processes, n);
    for (gsize i = 0; i < n; i++)
      {
        long e = pb_pipeline_find (pipeline, pb_graph_process_name (graph, processes[i]));

        PbNode *node;
        const pb_kind *kind;

        if (e < 0 || (gsize) e >= order->len)
          goto out;
        node = g_ptr_array_index (order, e);
        kind = pb_node_get_kind (node);
        if (g_strcmp0 (pb_graph_process_kind (graph, processes[i]), pb_node_get_kind_name (node)) != 0)
          goto out;
        /* Every value reads back as it was, quotes and all. */
        for (size_t k = 0; k < pb_kind_n_params (kind); k++)
          {
            const char *key = pb_kind_param (kind, k)->name;

            if (g_strcmp0 (pb_graph_get_param (graph, processes[i], key), pb_node_get_param (node, key)) != 0)
              goto out;
          }
      }
    pb_graph_list_connections (graph, built, n_links);
    for (gsize i = 0; i < n_links; i++)
      {
        gboolean forward = is_output (graph, built[i].a);
        pb_addr source = forward ? built[i].a : built[i].b;
        pb_addr sink = forward ? built[i].b : built[i].a;
        long a = pb_pipeline_find (pipeline, pb_graph_process_name (graph, pb_addr_process_of (source)));
        long b = pb_pipeline_find (pipeline, pb_graph_process_name (graph, pb_addr_process_of (sink)));
        g_autofree char *key = g_strdup_printf ("%ld:%u %ld:%u", a, pb_addr_port (source),
                                                b, pb_addr_port (sink));

        if (!g_hash_table_remove (expected, key))
          goto out;
      }
  }
  same = g_hash_table_size (expected) == 0;

out:
  pb_graph_free (graph);
  pb_pipeline_free (pipeline);
  return same;
}

/* Chains are written in the order their processes were added, which is
 * the order of the text they were pasted from. */
static int
compare_by_address (gconstpointer a,
                    gconstpointer b)
{
  pb_addr pa = pb_node_get_address (*(PbNode **) a);
  pb_addr pb = pb_node_get_address (*(PbNode **) b);

  return (pa > pb) - (pa < pb);
}

/**
 * pb_document_dup_pipeline_text:
 * @nodes: (element-type PbNode): the processes to write, such as a
 *   selection; links to processes outside it are left out
 * @error: why they cannot be written as pipeline text
 *
 * Writes @nodes as the text `pushback-run -e` takes: a chain as
 * `seq to=10 ! map expr="x*2" ! sum`, several chains one after another,
 * and a process that feeds more than one as a named tee whose further
 * branches follow (`broadcast name=t ! sum  t. ! count`). Names a person
 * gave are kept (`map name=slow`); names such as map0, which the parser
 * gives again, are left out. A process fed
 * by more than one link, or links that the parser's port order would not
 * give back, cannot be written so and are refused, saying why.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL with @error set
 */
char *
pb_document_dup_pipeline_text (PbDocument  *self,
                               GPtrArray   *nodes,
                               GError     **error)
{
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GPtrArray) inner = g_ptr_array_new ();
  g_autoptr(GHashTable) fed = g_hash_table_new (NULL, NULL);
  Writer writer = { 0 };
  GListModel *links;
  char *result = NULL;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);

  if (nodes == NULL || nodes->len == 0)
    {
      g_set_error_literal (error, PB_RUNTIME_ERROR, PB_EINVAL, _("Nothing is selected"));
      return NULL;
    }

  /* A copy that owns nothing: g_ptr_array_copy() would take @nodes's
   * free function without its references. */
  sorted = g_ptr_array_sized_new (nodes->len);
  for (guint i = 0; i < nodes->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (nodes, i));
  g_ptr_array_sort (sorted, compare_by_address);

  writer.document = self;
  writer.nodes = sorted;
  writer.index = g_hash_table_new (NULL, NULL);
  writer.outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  writer.tees = g_hash_table_new (NULL, NULL);
  writer.text = g_string_new (NULL);
  writer.branches = g_string_new (NULL);
  writer.order = g_ptr_array_new ();
  for (guint i = 0; i < sorted->len; i++)
    {
      g_hash_table_insert (writer.index, g_ptr_array_index (sorted, i), GUINT_TO_POINTER (i + 1));
      g_ptr_array_add (writer.outputs, g_ptr_array_new ());
    }

  links = pb_document_get_links (self);
  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);
      PbNode *from = pb_document_find_node (self, pb_link_get_source (link));
      PbNode *to = pb_document_find_node (self, pb_link_get_sink (link));
      guint f = GPOINTER_TO_UINT (g_hash_table_lookup (writer.index, from));

      if (f == 0 || !g_hash_table_contains (writer.index, to))
        continue;
      if (g_hash_table_contains (fed, to))
        {
          g_set_error (error, PB_RUNTIME_ERROR, PB_EINVAL,
                       /* Translators: %s is a process's name. */
                       _("%s is fed by more than one process: pipeline text writes only chains and broadcasts"),
                       pb_node_get_name (to));
          goto out;
        }
      g_hash_table_add (fed, to);
      g_ptr_array_add (g_ptr_array_index (writer.outputs, f - 1), link);
      g_ptr_array_add (inner, link);
    }

  for (guint i = 0; i < sorted->len; i++)
    {
      GPtrArray *outputs = g_ptr_array_index (writer.outputs, i);

      g_ptr_array_sort (outputs, compare_by_source);
      if (outputs->len > 1)
        g_hash_table_add (writer.tees, g_ptr_array_index (sorted, i));
    }

  /* Every chain starts at a process nothing selected feeds. */
  for (guint i = 0; i < sorted->len; i++)
    {
      PbNode *node = g_ptr_array_index (sorted, i);

      if (g_hash_table_contains (fed, node))
        continue;
      if (writer.text->len > 0)
        g_string_append (writer.text, "  ");
      write_chain (&writer, writer.text, node);
    }
  g_string_append (writer.text, writer.branches->str);

  if (writer.order->len != sorted->len
      || !same_graph (self, writer.text->str, writer.order, inner))
    {
      g_set_error_literal (error, PB_RUNTIME_ERROR, PB_EINVAL,
                           _("The selection’s links use ports in an order that pipeline text cannot write"));
      goto out;
    }
  result = g_strdup (writer.text->str);

out:
  g_hash_table_unref (writer.index);
  g_ptr_array_unref (writer.outputs);
  g_hash_table_unref (writer.tees);
  g_string_free (writer.text, TRUE);
  g_string_free (writer.branches, TRUE);
  g_ptr_array_unref (writer.order);
  return result;
}
