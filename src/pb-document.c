/* pb-document.c — one topology being edited, and the runtime running it
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The document is the only object that changes a topology. It owns the
 * runner (and through it the graph the runtime runs), the file, where
 * every node is drawn, and the undo stack. Views read its list models of
 * nodes and links, which mirror the graph, and ask it for edits; every
 * edit is a command, applied to the runner first (which checks it and
 * refuses with a reason) and then to the models, which notify the views.
 *
 * This file holds the document itself: making, loading and saving it,
 * and what views read. Edits are in pb-document-edit.c, running in
 * pb-document-run.c.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <pushback/kinds.h>
#include <pushback/link.h>
#include <pushback/pipeline.h>
#include <pushback/runner.h>
#include <pushback/store.h>

#include "pb-document-private.h"
#include "pb-error.h"
#include "pb-recorded-run.h"

G_DEFINE_FINAL_TYPE (PbDocument, pb_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_TITLE,
  PROP_MODIFIED,
  PROP_RUN_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  COUNTERS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_undo_clean_changed (PbDocument *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static PbDocument *
document_new_for_graph (pb_graph *graph)
{
  PbDocument *self = g_object_new (PB_TYPE_DOCUMENT, NULL);

  self->runner = pb_runner_new (graph);
  /* No code a person writes may take the editor down (issue 11). */
  pb_runner_set_isolation (self->runner, PB_ISOLATION_WORKER);
  return self;
}

/**
 * pb_document_new:
 *
 * Returns: (transfer full): an empty, unsaved document, stopped
 */
PbDocument *
pb_document_new (void)
{
  return document_new_for_graph (pb_graph_new (0));
}

/* What each socket carries follows from kinds, parameters and links
 * together: after every edit, every port asks the runtime, which infers
 * types as the engine will when it builds. */
void
_pb_document_refresh_port_types (PbDocument     *self,
                                 const pb_graph *graph)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->nodes));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (G_LIST_MODEL (self->nodes), i);
      GListModel *ports = pb_node_get_ports (node);

      for (guint p = 0; p < g_list_model_get_n_items (ports); p++)
        {
          g_autoptr(PbPort) port = g_list_model_get_item (ports, p);
          pb_port_info info;
          int rc = pb_link_port_info (graph, pb_port_get_address (port), &info);

          /* A port its parameters take away (the output of c with
           * out=none) is not shown, and carries nothing. */
          pb_port_set_present (port, rc != PB_ENOENT);
          if (rc == PB_OK)
            pb_port_set_item_type (port, info.type);
          else
            pb_port_set_item_type (port, PB_ITEM_NONE);
        }
    }
}

/* The mirror of the graph, built once when a document is loaded. */
static void
mirror_graph (PbDocument         *self,
              const pb_graph     *graph,
              const pb_store_doc *doc)
{
  size_t n = pb_graph_n_processes (graph);
  g_autofree pb_addr *procs = g_new (pb_addr, n);
  size_t n_links;
  g_autofree pb_connection *links = NULL;

  pb_graph_list_processes (graph, procs, n);
  for (size_t i = 0; i < n; i++)
    {
      const pb_kind *kind = pb_kind_find (pb_graph_process_kind (graph, procs[i]));
      size_t n_params = pb_graph_list_params (graph, procs[i], NULL, NULL, 0);
      g_autofree const char **keys = g_new (const char *, n_params + 1);
      g_autofree const char **values = g_new (const char *, n_params + 1);
      g_autoptr(PbNode) node = NULL;

      /* The loader refuses unknown kinds, so every process has one. */
      g_assert (kind != NULL);
      node = pb_node_new (procs[i], kind);
      pb_node_set_name (node, pb_graph_process_name (graph, procs[i]));
      pb_node_set_bypassed (node, pb_graph_get_bypass (graph, procs[i]));
      pb_graph_list_params (graph, procs[i], keys, values, n_params);
      for (size_t k = 0; k < n_params; k++)
        pb_node_set_param (node, keys[k], values[k]);
      g_hash_table_insert (self->node_by_addr, ADDR_KEY (procs[i]), g_object_ref (node));
      g_list_store_append (self->nodes, node);
    }

  for (size_t i = 0; doc != NULL && i < doc->n_layout; i++)
    {
      PbNode *node = g_hash_table_lookup (self->node_by_addr,
                                          ADDR_KEY (doc->layout[i].process));

      if (node != NULL && doc->layout[i].placed)
        pb_node_set_position (node, doc->layout[i].x, doc->layout[i].y);
    }

  n_links = pb_graph_n_connections (graph);
  links = g_new (pb_connection, n_links);
  pb_graph_list_connections (graph, links, n_links);
  for (size_t i = 0; i < n_links; i++)
    {
      pb_port_info info;
      pb_addr source = links[i].a, sink = links[i].b;
      g_autoptr(PbLink) link = NULL;

      if (pb_link_port_info (graph, source, &info) == PB_OK && info.dir == PB_PORT_IN)
        {
          source = links[i].b;
          sink = links[i].a;
        }
      link = pb_link_new (source, sink, pb_graph_link_flags (graph, source));
      g_hash_table_insert (self->link_by_port, ADDR_KEY (source), g_object_ref (link));
      g_hash_table_insert (self->link_by_port, ADDR_KEY (sink), g_object_ref (link));
      g_list_store_append (self->links, link);
      pb_node_set_peer (pb_document_find_node (self, source), source, sink);
      pb_node_set_peer (pb_document_find_node (self, sink), sink, source);
    }

  _pb_document_refresh_port_types (self, graph);
  if (doc != NULL)
    _pb_document_load_frames (self, doc);
}

/**
 * pb_document_load:
 * @file: a `.pushback` document
 * @error: the loader's message, naming the file and the problem
 *
 * Reads @file, which is never written to by loading, whatever it holds.
 * The document comes stopped: whether its code may run is for the caller
 * to decide.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL
 */
PbDocument *
pb_document_load (GFile   *file,
                  GError **error)
{
  g_autofree char *path = NULL;
  pb_store *store = NULL;
  pb_graph *graph = NULL;
  pb_store_doc doc;
  pb_error err;
  PbDocument *self;
  int rc;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Only local files can be opened"));
      return NULL;
    }

  rc = pb_store_open (path, PB_STORE_READ, &store, &err);
  if (rc == PB_OK)
    rc = pb_store_load (store, 0, &graph, &doc, &err);
  if (rc != PB_OK)
    {
      pb_store_close (store);
      return pb_propagate_result (error, rc, &err), NULL;
    }

  self = document_new_for_graph (graph);
  self->file = g_object_ref (file);
  self->title = g_strdup (doc.title);
  /* The runner owns the graph now, but nothing runs until asked: reading
   * it here, on the thread that made it, is safe. */
  mirror_graph (self, graph, &doc);
  pb_store_close (store);

  return self;
}

/**
 * pb_document_new_from_pipeline:
 * @text: a pipeline description, as `pushback-run -e` takes
 * @error: the parser's message, naming the element
 *
 * Builds a document from pipeline text. Its nodes are unplaced, for a
 * view to lay out.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL
 */
PbDocument *
pb_document_new_from_pipeline (const char  *text,
                               GError     **error)
{
  pb_graph *graph = pb_graph_new (0);
  PbDocument *self;
  pb_error err;
  int rc;

  rc = pb_pipeline_build_text (graph, text, &err);
  if (rc != PB_OK)
    {
      pb_graph_free (graph);
      return pb_propagate_result (error, rc, &err), NULL;
    }

  self = document_new_for_graph (graph);
  mirror_graph (self, graph, NULL);
  return self;
}

/**
 * pb_document_dup_code_digest:
 *
 * The code a document would run: every expression and every piece of C of
 * its processes, with the process and parameter each belongs to, hashed.
 * Trust is given to this digest, not to a path, so that a file changed
 * behind the user's back is not trusted for its name.
 *
 * Returns: (transfer full) (nullable): a SHA-256 digest in hex, or %NULL
 *   when the document runs no code of anyone's
 */
char *
pb_document_dup_code_digest (PbDocument *self)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  const pb_graph *graph;
  g_autofree pb_addr *procs = NULL;
  gboolean any = FALSE;
  size_t n;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);

  graph = pb_runner_lock_graph (self->runner);
  n = pb_graph_n_processes (graph);
  procs = g_new (pb_addr, n);
  pb_graph_list_processes (graph, procs, n);
  for (size_t i = 0; i < n; i++)
    {
      const pb_kind *kind = pb_kind_find (pb_graph_process_kind (graph, procs[i]));

      for (size_t k = 0; kind != NULL && k < pb_kind_n_params (kind); k++)
        {
          const pb_param_spec *spec = pb_kind_param (kind, k);
          const char *value = pb_graph_get_param (graph, procs[i], spec->name);
          g_autofree char *entry = NULL;

          if (value == NULL || (spec->type != PB_PARAM_EXPR && spec->type != PB_PARAM_CODE))
            continue;
          /* Lengths first, so that no two lists of entries hash alike. */
          entry = g_strdup_printf ("%" G_GINT64_MODIFIER "x %zu:%s %zu:%s\n", procs[i],
                                   strlen (spec->name), spec->name, strlen (value), value);
          g_checksum_update (checksum, (const guchar *) entry, -1);
          any = TRUE;
        }
    }
  pb_runner_unlock_graph (self->runner);

  return any ? g_strdup (g_checksum_get_string (checksum)) : NULL;
}

static void
fill_layout (PbDocument      *self,
             pb_store_layout *layout)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->nodes));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (G_LIST_MODEL (self->nodes), i);

      layout[i] = (pb_store_layout) {
        .process = pb_node_get_address (node),
        .x = pb_node_get_x (node),
        .y = pb_node_get_y (node),
        .placed = pb_node_get_placed (node),
      };
    }
}

/* Writes the topology and its layout to @file in one transaction; a
 * failed write leaves the file as it was. The runs recorded since the
 * last save go with them; with @all_runs, every run does (a document
 * saved under a new name takes its runs along). */
static gboolean
write_to (PbDocument  *self,
          GFile       *file,
          gboolean     all_runs,
          GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree pb_store_layout *layout = NULL;
  g_autofree pb_store_frame *frames = NULL;
  pb_store *store = NULL;
  pb_store_doc doc = { 0 };
  pb_error err;
  int rc;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Only local files can be saved to"));
      return FALSE;
    }

  layout = g_new0 (pb_store_layout, g_list_model_get_n_items (G_LIST_MODEL (self->nodes)) + 1);
  fill_layout (self, layout);
  doc.title = self->title != NULL ? self->title : "";
  doc.view.zoom = 1;
  doc.layout = layout;
  doc.n_layout = g_list_model_get_n_items (G_LIST_MODEL (self->nodes));
  frames = _pb_document_dup_store_frames (self, &doc.n_frames);
  doc.frames = frames;

  rc = pb_store_open (path, PB_STORE_WRITE, &store, &err);
  if (rc == PB_OK)
    {
      const pb_graph *graph = pb_runner_lock_graph (self->runner);

      rc = pb_store_save (store, graph, &doc, &err);
      pb_runner_unlock_graph (self->runner);
      if (rc == PB_OK)
        rc = _pb_document_write_pending_runs (self, store, all_runs, &err);
    }
  pb_store_close (store);
  return pb_propagate_result (error, rc, &err);
}

/**
 * pb_document_save:
 * @file: (nullable): where to save; %NULL for the document's own file
 * @error: the store's message when the save fails
 *
 * Saves the topology and its layout in one transaction; a failed save
 * leaves the file as it was. The document then belongs to @file and is
 * no longer modified.
 *
 * Returns: whether the document was saved
 */
gboolean
pb_document_save (PbDocument  *self,
                  GFile       *file,
                  GError     **error)
{
  gboolean new_name;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  if (file == NULL)
    file = self->file;
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  /* Saved under a new name, the document takes its recorded runs along:
   * they are read from the old file before it is left behind. */
  new_name = self->file != NULL && !g_file_equal (file, self->file);
  if (new_name)
    pb_document_get_runs (self);
  if (!write_to (self, file, new_name, error))
    return FALSE;

  if (self->file != file)
    {
      g_set_object (&self->file, file);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
  pb_undo_stack_set_clean (self->undo_stack);
  return TRUE;
}

/**
 * pb_document_save_copy:
 * @file: where to write a copy
 *
 * Writes the document to @file as pb_document_save() does, but the
 * document stays what it was: its own file, modified or not. Autosave
 * uses it.
 *
 * Returns: whether the copy was written
 */
gboolean
pb_document_save_copy (PbDocument  *self,
                       GFile       *file,
                       GError     **error)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  return write_to (self, file, FALSE, error);
}

/**
 * pb_document_set_recovered:
 * @original: (nullable): the file the document's changes were meant for,
 *   or %NULL for a document that was never saved
 *
 * Makes a document loaded from an autosave stand for @original, with
 * changes not saved there yet, so that saving it writes them where they
 * belong and closing it asks first.
 */
void
pb_document_set_recovered (PbDocument *self,
                           GFile      *original)
{
  g_return_if_fail (PB_IS_DOCUMENT (self));

  g_set_object (&self->file, original);
  pb_undo_stack_forget_clean (self->undo_stack);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/**
 * pb_document_get_file:
 *
 * Returns: (transfer none) (nullable): the file the document was loaded
 *   from or last saved to; %NULL for a new document
 */
GFile *
pb_document_get_file (PbDocument *self)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);
  return self->file;
}

/**
 * pb_document_dup_title:
 *
 * Returns: (transfer full): what to call the document: its title, else
 *   its file's name, else "Untitled"
 */
char *
pb_document_dup_title (PbDocument *self)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);

  if (self->title != NULL && self->title[0] != '\0')
    return g_strdup (self->title);
  if (self->file != NULL)
    return g_file_get_basename (self->file);
  return g_strdup (_("Untitled"));
}

/**
 * pb_document_set_title:
 * @title: (nullable): the document's own title, saved in it; %NULL or ""
 *   to go by its file's name
 */
void
pb_document_set_title (PbDocument *self,
                       const char *title)
{
  g_return_if_fail (PB_IS_DOCUMENT (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

gboolean
pb_document_get_modified (PbDocument *self)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  return !pb_undo_stack_is_clean (self->undo_stack);
}

/**
 * pb_document_get_nodes:
 *
 * Returns: (transfer none): a #GListModel of #PbNode, one per process, in
 *   the order they were added
 */
GListModel *
pb_document_get_nodes (PbDocument *self)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);
  return G_LIST_MODEL (self->nodes);
}

/**
 * pb_document_get_links:
 *
 * Returns: (transfer none): a #GListModel of #PbLink, one per link
 */
GListModel *
pb_document_get_links (PbDocument *self)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);
  return G_LIST_MODEL (self->links);
}

/**
 * pb_document_find_named:
 * @name: a process's name
 *
 * Returns: (transfer none) (nullable): the node of the process named
 *   @name, by the runtime's index of names
 */
PbNode *
pb_document_find_named (PbDocument *self,
                        const char *name)
{
  pb_addr process;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  process = pb_graph_find_name (pb_runner_lock_graph (self->runner), name);
  pb_runner_unlock_graph (self->runner);
  return process != 0 ? pb_document_find_node (self, process) : NULL;
}

/**
 * pb_document_find_node:
 * @process: any address of the process (port bits are ignored)
 *
 * Returns: (transfer none) (nullable): its node
 */
PbNode *
pb_document_find_node (PbDocument *self,
                       pb_addr     process)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);
  return g_hash_table_lookup (self->node_by_addr, ADDR_KEY (pb_addr_process_of (process)));
}

/**
 * pb_document_find_link:
 * @port: either end of a link
 *
 * Returns: (transfer none) (nullable): the link at @port
 */
PbLink *
pb_document_find_link (PbDocument *self,
                       pb_addr     port)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);
  return g_hash_table_lookup (self->link_by_port, ADDR_KEY (port));
}

/**
 * pb_document_get_undo_stack:
 *
 * Returns: (transfer none): the document's undo stack, whose properties
 *   (can-undo, undo-label...) views bind to
 */
PbUndoStack *
pb_document_get_undo_stack (PbDocument *self)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);
  return self->undo_stack;
}

/**
 * _pb_document_emit_changed:
 *
 * Emits #PbDocument::changed, after a step was done, undone or redone.
 */
void
_pb_document_emit_changed (PbDocument *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

void
_pb_document_emit_counters (PbDocument        *self,
                            const pb_snapshot *snapshot)
{
  g_signal_emit (self, signals[COUNTERS], 0, snapshot);
}

/**
 * _pb_document_notify:
 * @property: the name of a property of the document
 */
void
_pb_document_notify (PbDocument *self,
                     const char *property)
{
  g_object_notify (G_OBJECT (self), property);
}

/**
 * pb_document_dup_graph_text:
 *
 * Describes the runtime's graph and the layout as text, one line per
 * process and per link, in address order: two documents describe alike
 * exactly when they hold the same topology drawn the same way.
 *
 * Returns: (transfer full): the description
 */
char *
pb_document_dup_graph_text (PbDocument *self)
{
  GString *text = g_string_new (NULL);
  const pb_graph *graph;
  size_t n;
  g_autofree pb_addr *procs = NULL;
  g_autofree pb_connection *links = NULL;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);

  graph = pb_runner_lock_graph (self->runner);
  n = pb_graph_n_processes (graph);
  procs = g_new (pb_addr, n);
  pb_graph_list_processes (graph, procs, n);
  for (size_t i = 0; i < n; i++)
    {
      PbNode *node = pb_document_find_node (self, procs[i]);
      size_t n_params = pb_graph_list_params (graph, procs[i], NULL, NULL, 0);
      g_autofree const char **keys = g_new (const char *, n_params + 1);
      g_autofree const char **values = g_new (const char *, n_params + 1);

      g_string_append_printf (text, "process %" G_GINT64_MODIFIER "x %s name=%s",
                              procs[i], pb_graph_process_kind (graph, procs[i]),
                              pb_graph_process_name (graph, procs[i]));
      pb_graph_list_params (graph, procs[i], keys, values, n_params);
      for (size_t k = 0; k < n_params; k++)
        g_string_append_printf (text, " %s=%s", keys[k], values[k]);
      if (node != NULL)
        g_string_append_printf (text, " at %g,%g", pb_node_get_x (node), pb_node_get_y (node));
      else
        g_string_append (text, " (no node)");
      g_string_append_c (text, '\n');
    }

  n = pb_graph_n_connections (graph);
  links = g_new (pb_connection, n);
  pb_graph_list_connections (graph, links, n);
  for (size_t i = 0; i < n; i++)
    g_string_append_printf (text, "link %" G_GINT64_MODIFIER "x %" G_GINT64_MODIFIER "x flags=%u%s\n",
                            links[i].a, links[i].b, pb_graph_link_flags (graph, links[i].a),
                            pb_document_find_link (self, links[i].a) != NULL ? "" : " (no link)");
  pb_runner_unlock_graph (self->runner);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->frames)); i++)
    {
      g_autoptr(PbFrame) frame = g_list_model_get_item (G_LIST_MODEL (self->frames), i);
      g_autofree char *state = g_variant_print (pb_frame_get_state (frame), FALSE);

      g_string_append_printf (text, "frame %s\n", state);
    }

  return g_string_free (text, FALSE);
}

static void
pb_document_dispose (GObject *object)
{
  PbDocument *self = PB_DOCUMENT (object);

  g_clear_handle_id (&self->status_source, g_source_remove);
  g_clear_pointer (&self->runner, pb_runner_free);
  g_clear_pointer (&self->rates, pb_rate_tracker_free);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  if (self->nodes != NULL)
    g_list_store_remove_all (self->nodes);
  if (self->links != NULL)
    g_list_store_remove_all (self->links);
  if (self->frames != NULL)
    g_list_store_remove_all (self->frames);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (pb_document_parent_class)->dispose (object);
}

static void
pb_document_finalize (GObject *object)
{
  PbDocument *self = PB_DOCUMENT (object);

  g_free (self->title);
  g_clear_object (&self->nodes);
  g_clear_object (&self->links);
  g_clear_pointer (&self->node_by_addr, g_hash_table_unref);
  g_clear_pointer (&self->link_by_port, g_hash_table_unref);
  g_clear_object (&self->frames);
  g_clear_pointer (&self->frame_of, g_hash_table_unref);
  g_clear_object (&self->undo_stack);
  g_clear_object (&self->runs);

  G_OBJECT_CLASS (pb_document_parent_class)->finalize (object);
}

static void
pb_document_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  PbDocument *self = PB_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_TITLE:
      g_value_take_string (value, pb_document_dup_title (self));
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, pb_document_get_modified (self));
      break;
    case PROP_RUN_STATE:
      g_value_set_int (value, self->run_state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_document_class_init (PbDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pb_document_dispose;
  object_class->finalize = pb_document_finalize;
  object_class->get_property = pb_document_get_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUN_STATE] =
    g_param_spec_int ("run-state", NULL, NULL, PB_RUN_STOPPED, PB_RUN_PAUSED, PB_RUN_STOPPED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PbDocument::changed:
   *
   * A step was done, undone or redone: views that draw what no single
   * node or link notifies about (wire colours, say) redraw.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * PbDocument::counters:
   * @snapshot: (type gpointer): the runtime's latest `pb_snapshot`,
   *   valid during the emission only
   *
   * The document read the runtime's counters (ten times a second while
   * it runs, and once when it stops), and every node follows them now:
   * views that show more than a node holds (the profiler) read the same
   * snapshot instead of taking one of their own.
   */
  signals[COUNTERS] =
    g_signal_new ("counters",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
pb_document_init (PbDocument *self)
{
  self->nodes = g_list_store_new (PB_TYPE_NODE);
  self->links = g_list_store_new (PB_TYPE_LINK);
  self->frames = g_list_store_new (PB_TYPE_FRAME);
  self->frame_of = g_hash_table_new (NULL, NULL);
  self->next_frame_id = 1;
  self->node_by_addr = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->link_by_port = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->undo_stack = pb_undo_stack_new ();
  self->rates = pb_rate_tracker_new ();
  self->watched = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->runs = g_list_store_new (PB_TYPE_RECORDED_RUN);
  g_signal_connect_object (self->undo_stack, "notify::clean",
                           G_CALLBACK (on_undo_clean_changed), self,
                           G_CONNECT_SWAPPED);
}
