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
 * The edits of one command reach the runtime together, between
 * pb_runner_begin() and pb_runner_commit(), so that a paste or an undo
 * step goes live at one flow entry. Moving nodes never reaches the
 * runtime.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <pushback/kinds.h>
#include <pushback/link.h>
#include <pushback/pipeline.h>
#include <pushback/runner.h>
#include <pushback/store.h>

#include "pb-document.h"
#include "pb-error.h"

/* How often the nodes' states follow the runtime's, while it runs. */
#define STATUS_INTERVAL_MS 100

struct _PbDocument
{
  GObject      parent_instance;

  pb_runner   *runner;
  GFile       *file;
  char        *title;
  PbRunState   run_state;

  GListStore  *nodes;
  GListStore  *links;
  GHashTable  *node_by_addr;   /* pb_addr (process) -> PbNode */
  GHashTable  *link_by_port;   /* pb_addr (either end) -> PbLink */
  PbUndoStack *undo_stack;

  guint        status_source;
  PbRateTracker *rates;
};

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
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Addresses are 64-bit; GHashTable keys are pointers, which on the 64-bit
 * machines we build for hold one exactly. */
G_STATIC_ASSERT (sizeof (gpointer) >= sizeof (pb_addr));
#define ADDR_KEY(a) ((gpointer) (guintptr) (a))

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
static void
refresh_port_types (PbDocument     *self,
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

          /* A port its parameters take away (the output of c with
           * out=none) carries nothing. */
          if (pb_link_port_info (graph, pb_port_get_address (port), &info) == PB_OK)
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

  refresh_port_types (self, graph);
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
 * failed write leaves the file as it was. */
static gboolean
write_to (PbDocument  *self,
          GFile       *file,
          GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree pb_store_layout *layout = NULL;
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

  rc = pb_store_open (path, PB_STORE_WRITE, &store, &err);
  if (rc == PB_OK)
    {
      const pb_graph *graph = pb_runner_lock_graph (self->runner);

      rc = pb_store_save (store, graph, &doc, &err);
      pb_runner_unlock_graph (self->runner);
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
  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  if (file == NULL)
    file = self->file;
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!write_to (self, file, error))
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

  return write_to (self, file, error);
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

static void
remove_from_store (GListStore *store,
                   gpointer    item)
{
  guint position;

  if (g_list_store_find (store, item, &position))
    g_list_store_remove (store, position);
}

/* Applies one op to the runner; on success, to the models. */
static int
apply_op (PbDocument *self,
          PbOp       *op,
          pb_error   *err)
{
  int rc = PB_OK;

  pb_error_clear (err);

  switch (op->type)
    {
    case PB_OP_ADD:
      {
        const pb_kind *kind = pb_kind_find (op->kind);
        g_autoptr(PbNode) node = NULL;

        if (kind == NULL)
          return pb_error_set (err, PB_ENOENT, "unknown kind '%s'", op->kind);

        /* The first time, the runtime chooses the address; redoing puts
         * the process back at that address, which later ops (and the
         * steps after this one) name. */
        if (op->a == 0)
          rc = pb_runner_add_process (self->runner, 0, op->kind, &op->a);
        else
          rc = pb_runner_insert_process (self->runner, op->a, op->kind);
        if (rc != PB_OK)
          return rc;

        if (op->name != NULL)
          rc = pb_runner_set_name (self->runner, op->a, op->name);
        for (guint i = 0; rc == PB_OK && op->params != NULL && op->params[i] != NULL; i += 2)
          rc = pb_runner_set_param (self->runner, op->a, op->params[i], op->params[i + 1]);
        if (rc != PB_OK)
          {
            pb_runner_remove_process (self->runner, op->a);
            return rc;
          }

        node = pb_node_new (op->a, kind);
        pb_node_set_name (node, op->name);
        for (guint i = 0; op->params != NULL && op->params[i] != NULL; i += 2)
          pb_node_set_param (node, op->params[i], op->params[i + 1]);
        pb_node_set_position (node, op->x, op->y);
        g_hash_table_insert (self->node_by_addr, ADDR_KEY (op->a), g_object_ref (node));
        g_list_store_append (self->nodes, node);
        break;
      }

    case PB_OP_REMOVE:
      {
        PbNode *node = pb_document_find_node (self, op->a);

        rc = pb_runner_remove_process (self->runner, op->a);
        if (rc != PB_OK)
          return rc;
        if (node != NULL)
          {
            remove_from_store (self->nodes, node);
            g_hash_table_remove (self->node_by_addr, ADDR_KEY (op->a));
          }
        break;
      }

    case PB_OP_CONNECT:
      {
        g_autoptr(PbLink) link = NULL;

        rc = pb_runner_connect (self->runner, op->a, op->b);
        if (rc == PB_OK && op->flags != 0)
          {
            rc = pb_runner_set_link_flags (self->runner, op->a, op->flags);
            if (rc != PB_OK)
              pb_runner_disconnect (self->runner, op->a);
          }
        if (rc != PB_OK)
          return rc;

        link = pb_link_new (op->a, op->b, op->flags);
        g_hash_table_insert (self->link_by_port, ADDR_KEY (op->a), g_object_ref (link));
        g_hash_table_insert (self->link_by_port, ADDR_KEY (op->b), g_object_ref (link));
        pb_node_set_peer (pb_document_find_node (self, op->a), op->a, op->b);
        pb_node_set_peer (pb_document_find_node (self, op->b), op->b, op->a);
        g_list_store_append (self->links, link);
        break;
      }

    case PB_OP_DISCONNECT:
      {
        PbLink *link = pb_document_find_link (self, op->a);

        rc = pb_runner_disconnect (self->runner, op->a);
        if (rc != PB_OK)
          return rc;
        if (link != NULL)
          {
            remove_from_store (self->links, link);
            g_hash_table_remove (self->link_by_port, ADDR_KEY (op->a));
            g_hash_table_remove (self->link_by_port, ADDR_KEY (op->b));
          }
        pb_node_set_peer (pb_document_find_node (self, op->a), op->a, 0);
        pb_node_set_peer (pb_document_find_node (self, op->b), op->b, 0);
        break;
      }

    case PB_OP_SET_PARAM:
      rc = pb_runner_set_param (self->runner, op->a, op->key, op->new_value);
      if (rc != PB_OK)
        return rc;
      pb_node_set_param (pb_document_find_node (self, op->a), op->key, op->new_value);
      break;

    case PB_OP_SET_NAME:
      rc = pb_runner_set_name (self->runner, op->a, op->new_value);
      if (rc != PB_OK)
        return rc;
      pb_node_set_name (pb_document_find_node (self, op->a), op->new_value);
      break;

    case PB_OP_SET_FLAGS:
      rc = pb_runner_set_link_flags (self->runner, op->a, op->flags);
      if (rc != PB_OK)
        return rc;
      pb_link_set_flags (pb_document_find_link (self, op->a), op->flags);
      break;

    case PB_OP_MOVE:
      {
        PbNode *node = pb_document_find_node (self, op->a);

        if (node == NULL)
          return pb_error_set (err, PB_ENOENT, "no process to move");
        pb_node_set_position (node, op->x, op->y);
        break;
      }

    default:
      g_assert_not_reached ();
    }

  return PB_OK;
}

static void
apply_reverse (PbDocument *self,
               const PbOp *op,
               pb_error   *err)
{
  PbOp reverse;

  pb_op_reverse (op, &reverse);
  apply_op (self, &reverse, err);
  pb_op_clear (&reverse);
}

/* Applies every op of @command forwards (or, undoing, the reverse of each,
 * last first), as one batch of the runner. An op the runner refuses stops
 * the command: the ops applied before it are reverted, so a command takes
 * effect whole or not at all. */
static gboolean
apply_command (PbDocument  *self,
               PbCommand   *command,
               gboolean     undo,
               GError     **error)
{
  guint n = pb_command_get_n_ops (command);
  gboolean touches = pb_command_touches_graph (command);
  pb_error err;
  guint done;
  int rc = PB_OK;

  if (touches)
    pb_runner_begin (self->runner);

  for (done = 0; done < n; done++)
    {
      PbOp *op = pb_command_get_op (command, undo ? n - 1 - done : done);

      if (undo)
        {
          PbOp reverse;

          pb_op_reverse (op, &reverse);
          rc = apply_op (self, &reverse, &err);
          pb_op_clear (&reverse);
        }
      else
        rc = apply_op (self, op, &err);
      if (rc != PB_OK)
        break;
    }

  if (rc != PB_OK)
    {
      pb_error scratch;

      while (done-- > 0)
        {
          PbOp *op = pb_command_get_op (command, undo ? n - 1 - done : done);

          if (undo)
            apply_op (self, op, &scratch);
          else
            apply_reverse (self, op, &scratch);
        }
    }

  if (touches)
    pb_runner_commit (self->runner);

  /* Also after a refusal: undoing what was done may have put back nodes,
   * made anew, whose sockets do not know their types yet. */
  if (touches)
    {
      const pb_graph *graph = pb_runner_lock_graph (self->runner);

      refresh_port_types (self, graph);
      pb_runner_unlock_graph (self->runner);
    }
  if (rc == PB_OK)
    g_signal_emit (self, signals[CHANGED], 0);

  return pb_propagate_result (error, rc, &err);
}

/**
 * pb_document_execute:
 * @command: (transfer none): a command not applied yet
 * @error: why the runtime refused it
 *
 * Applies @command as one step and makes it the next step to undo. When
 * any op is refused, nothing changes.
 *
 * Returns: whether @command was applied
 */
gboolean
pb_document_execute (PbDocument  *self,
                     PbCommand   *command,
                     GError     **error)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (PB_IS_COMMAND (command), FALSE);

  if (!apply_command (self, command, FALSE, error))
    return FALSE;
  pb_undo_stack_push (self->undo_stack, command);
  return TRUE;
}

/**
 * pb_document_undo:
 *
 * Reverts the last step done. Undoing cannot normally fail, since it puts
 * back what was there; it fails only if memory runs out.
 *
 * Returns: whether a step was undone
 */
gboolean
pb_document_undo (PbDocument  *self,
                  GError     **error)
{
  PbCommand *command;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  command = pb_undo_stack_next_undo (self->undo_stack);
  if (command == NULL || !apply_command (self, command, TRUE, error))
    return FALSE;
  pb_undo_stack_undone (self->undo_stack);
  return TRUE;
}

/**
 * pb_document_redo:
 *
 * Applies the last step undone again.
 *
 * Returns: whether a step was redone
 */
gboolean
pb_document_redo (PbDocument  *self,
                  GError     **error)
{
  PbCommand *command;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  command = pb_undo_stack_next_redo (self->undo_stack);
  if (command == NULL || !apply_command (self, command, FALSE, error))
    return FALSE;
  pb_undo_stack_redone (self->undo_stack);
  return TRUE;
}

/**
 * pb_document_dup_free_name:
 * @base: what to name after, a kind such as "map"
 * @taken: (nullable) (element-type utf8 utf8): names to avoid besides
 *   those of the graph, as a set; the name returned is added to it
 *
 * A new process is named after its kind and the lowest number free, as
 * pipelines name theirs: map0, map1...
 *
 * Returns: (transfer full): a name no process has
 */
char *
pb_document_dup_free_name (PbDocument *self,
                           const char *base,
                           GHashTable *taken)
{
  const pb_graph *graph;
  char *name = NULL;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);

  graph = pb_runner_lock_graph (self->runner);
  for (guint i = 0; name == NULL; i++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s%u", base, i);

      if (pb_graph_find_name (graph, candidate) == 0
          && (taken == NULL || !g_hash_table_contains (taken, candidate)))
        name = g_steal_pointer (&candidate);
    }
  pb_runner_unlock_graph (self->runner);

  if (taken != NULL)
    g_hash_table_add (taken, g_strdup (name));
  return name;
}

/**
 * pb_document_reserve_addresses:
 * @n: how many processes a command is about to add
 * @addresses: (out caller-allocates) (array length=n): their addresses
 *
 * Chooses the lowest free addresses, so that a command that adds
 * processes and joins them (a paste) can name them before they exist.
 *
 * Returns: whether @n addresses were free
 */
gboolean
pb_document_reserve_addresses (PbDocument *self,
                               guint       n,
                               pb_addr    *addresses)
{
  const pb_graph *graph;
  guint found = 0;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  graph = pb_runner_lock_graph (self->runner);
  for (uint32_t id = 1; found < n && id <= PB_PROCESS_MAX; id++)
    {
      pb_addr candidate = pb_addr_make (0, id, 0);

      if (!pb_graph_has_process (graph, candidate))
        addresses[found++] = candidate;
    }
  pb_runner_unlock_graph (self->runner);
  return found == n;
}

/**
 * pb_document_add_node:
 * @kind: a kind of the catalogue
 * @x: where the node's left edge goes
 * @y: where its top edge goes
 *
 * Adds a process of @kind, named after it, as one step.
 *
 * Returns: (transfer none) (nullable): the new node, or %NULL
 */
PbNode *
pb_document_add_node (PbDocument  *self,
                      const char  *kind,
                      double       x,
                      double       y,
                      GError     **error)
{
  g_autoptr(PbCommand) command = NULL;
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  PbOp *op;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  if (pb_kind_find (kind) == NULL)
    {
      g_set_error (error, PB_RUNTIME_ERROR, PB_ENOENT, _("There is no kind “%s”"), kind);
      return NULL;
    }

  name = pb_document_dup_free_name (self, kind, NULL);
  /* Translators: an undo step; %s is a kind of process, such as "map". */
  label = g_strdup_printf (_("Add %s"), kind);
  command = pb_command_new (label);
  op = pb_command_add (command, kind, name, NULL, x, y);
  if (!pb_document_execute (self, command, error))
    return NULL;
  return pb_document_find_node (self, op->a);
}

/**
 * pb_document_check_link:
 * @a: a port
 * @b: another port
 * @error: why they cannot be joined, for people: a wrong direction, item
 *   types that differ, a port in use, a flow cycle
 *
 * Asks the runtime whether @a and @b may be joined, as the engine and the
 * loader would judge it; nothing changes.
 *
 * Returns: whether the link may be made
 */
gboolean
pb_document_check_link (PbDocument  *self,
                        pb_addr      a,
                        pb_addr      b,
                        GError     **error)
{
  const pb_graph *graph;
  pb_error why;
  int rc;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  graph = pb_runner_lock_graph (self->runner);
  rc = pb_link_check (graph, a, b, &why);
  pb_runner_unlock_graph (self->runner);

  return pb_propagate_result (error, rc, &why);
}

/**
 * pb_document_connect:
 * @a: a port
 * @b: another port, in either order
 *
 * Joins @a and @b as one step, after pb_document_check_link().
 *
 * Returns: whether they were joined
 */
gboolean
pb_document_connect (PbDocument  *self,
                     pb_addr      a,
                     pb_addr      b,
                     GError     **error)
{
  g_autoptr(PbCommand) command = NULL;
  PbNode *node_a;
  const pb_port_spec *spec_a;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  if (!pb_document_check_link (self, a, b, error))
    return FALSE;

  /* Links are kept oriented as items flow, from the output. The kind
   * says which way a port goes, also for an element of a range that its
   * node does not show as a socket yet. */
  node_a = pb_document_find_node (self, a);
  spec_a = node_a != NULL ? pb_kind_port_lookup (pb_node_get_kind (node_a), pb_addr_port (a), NULL) : NULL;
  if (spec_a != NULL && spec_a->dir == PB_PORT_IN)
    {
      pb_addr t = a;

      a = b;
      b = t;
    }

  command = pb_command_new (_("Connect"));
  pb_command_connect (command, a, b, 0);
  return pb_document_execute (self, command, error);
}

static char **
dup_params (PbNode *node)
{
  const pb_kind *kind = pb_node_get_kind (node);
  GStrvBuilder *builder = g_strv_builder_new ();
  char **params;

  for (size_t i = 0; i < pb_kind_n_params (kind); i++)
    {
      const char *key = pb_kind_param (kind, i)->name;
      const char *value = pb_node_get_param (node, key);

      if (value != NULL)
        {
          g_strv_builder_add (builder, key);
          g_strv_builder_add (builder, value);
        }
    }
  params = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return params;
}

static void
add_disconnect (PbCommand  *command,
                GHashTable *broken,
                PbLink     *link)
{
  if (!g_hash_table_add (broken, link))
    return;
  pb_command_disconnect (command, pb_link_get_source (link),
                         pb_link_get_sink (link), pb_link_get_flags (link));
}

/**
 * pb_document_delete:
 * @nodes: (element-type PbNode) (nullable): nodes to remove, with their
 *   links
 * @links: (element-type PbLink) (nullable): links to remove
 *
 * Removes @nodes and @links as one step.
 *
 * Returns: whether anything was removed
 */
gboolean
pb_document_delete (PbDocument  *self,
                    GPtrArray   *nodes,
                    GPtrArray   *links,
                    GError     **error)
{
  g_autoptr(PbCommand) command = NULL;
  g_autoptr(GHashTable) broken = g_hash_table_new (NULL, NULL);
  guint n_nodes = nodes != NULL ? nodes->len : 0;
  guint n_links = links != NULL ? links->len : 0;
  g_autofree char *label = NULL;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  if (n_nodes + n_links == 0)
    return FALSE;

  if (n_nodes == 0)
    label = g_strdup (g_dngettext (GETTEXT_PACKAGE, "Delete Link", "Delete Links", n_links));
  else if (n_nodes == 1)
    label = g_strdup_printf (_("Delete %s"), pb_node_get_name (g_ptr_array_index (nodes, 0)));
  else
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %u Node", "Delete %u Nodes", n_nodes), n_nodes);
  command = pb_command_new (label);

  for (guint i = 0; i < n_links; i++)
    add_disconnect (command, broken, g_ptr_array_index (links, i));

  for (guint i = 0; i < n_nodes; i++)
    {
      GListModel *ports = pb_node_get_ports (g_ptr_array_index (nodes, i));

      for (guint p = 0; p < g_list_model_get_n_items (ports); p++)
        {
          g_autoptr(PbPort) port = g_list_model_get_item (ports, p);
          PbLink *link = pb_document_find_link (self, pb_port_get_address (port));

          if (link != NULL)
            add_disconnect (command, broken, link);
        }
    }

  for (guint i = 0; i < n_nodes; i++)
    {
      PbNode *node = g_ptr_array_index (nodes, i);
      g_auto(GStrv) params = dup_params (node);

      pb_command_remove (command, pb_node_get_address (node), pb_node_get_kind_name (node),
                         pb_node_get_name (node), (const char * const *) params,
                         pb_node_get_x (node), pb_node_get_y (node));
    }

  return pb_document_execute (self, command, error);
}

/**
 * pb_document_set_param:
 * @value: (nullable): the new value; %NULL or "" for the kind's default
 * @error: why the value is refused, naming the parameter
 *
 * Sets a parameter as one step, once its kind accepts the value.
 * Expressions and code are checked when their chain compiles: a mistake
 * there shows as the node's failure, and the edit stays, to be mended.
 *
 * Returns: whether the value was set
 */
gboolean
pb_document_set_param (PbDocument  *self,
                       PbNode      *node,
                       const char  *key,
                       const char  *value,
                       GError     **error)
{
  g_autoptr(PbCommand) command = NULL;
  g_autofree char *label = NULL;
  pb_error err;
  int rc;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (PB_IS_NODE (node), FALSE);

  if (value != NULL && value[0] == '\0')
    value = NULL;
  if (g_strcmp0 (pb_node_get_param (node, key), value) == 0)
    return TRUE;

  if (value != NULL)
    {
      rc = pb_kind_check_param (pb_node_get_kind (node), key, value, &err);
      if (rc != PB_OK)
        return pb_propagate_result (error, rc, &err);
    }

  /* Translators: an undo step; %s is a parameter, such as "expr". */
  label = g_strdup_printf (_("Set %s"), key);
  command = pb_command_new (label);
  pb_command_set_param (command, pb_node_get_address (node), key,
                        pb_node_get_param (node, key), value);
  return pb_document_execute (self, command, error);
}

/**
 * pb_document_rename:
 * @name: the new name; one line, unique in the document
 *
 * Returns: whether the node was renamed; %FALSE with PB_EEXIST or
 *   PB_EINVAL from the graph when the name is taken or not one line
 */
gboolean
pb_document_rename (PbDocument  *self,
                    PbNode      *node,
                    const char  *name,
                    GError     **error)
{
  g_autoptr(PbCommand) command = NULL;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (PB_IS_NODE (node), FALSE);

  if (name == NULL || name[0] == '\0')
    {
      g_set_error_literal (error, PB_RUNTIME_ERROR, PB_EINVAL, _("A process needs a name"));
      return FALSE;
    }
  if (g_strcmp0 (pb_node_get_name (node), name) == 0)
    return TRUE;

  command = pb_command_new (_("Rename"));
  pb_command_set_name (command, pb_node_get_address (node), pb_node_get_name (node), name);
  return pb_document_execute (self, command, error);
}

/**
 * pb_document_set_link_flags:
 * @flags: the link's new flags (PB_LINK_BREAK_INLINING)
 *
 * Returns: whether the flags were set
 */
gboolean
pb_document_set_link_flags (PbDocument  *self,
                            PbLink      *link,
                            guint32      flags,
                            GError     **error)
{
  g_autoptr(PbCommand) command = NULL;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (PB_IS_LINK (link), FALSE);

  if (pb_link_get_flags (link) == flags)
    return TRUE;

  command = pb_command_new ((flags & PB_LINK_BREAK_INLINING) ? _("Break Inlining")
                                                             : _("Allow Inlining"));
  pb_command_set_flags (command, pb_link_get_source (link), pb_link_get_sink (link),
                        pb_link_get_flags (link), flags);
  return pb_document_execute (self, command, error);
}

/**
 * pb_document_moved:
 * @nodes: (element-type PbNode): the nodes a drag moved
 * @dx: how far they moved, in canvas units
 * @dy: how far they moved
 *
 * Records, as one step, a move that a drag already made live: the canvas
 * moves nodes as the pointer goes, and the whole drag undoes at once.
 */
void
pb_document_moved (PbDocument *self,
                   GPtrArray  *nodes,
                   double      dx,
                   double      dy)
{
  g_autoptr(PbCommand) command = NULL;

  g_return_if_fail (PB_IS_DOCUMENT (self));

  if (nodes == NULL || nodes->len == 0 || (dx == 0 && dy == 0))
    return;

  command = pb_command_new (g_dngettext (GETTEXT_PACKAGE, "Move Node", "Move Nodes", nodes->len));
  for (guint i = 0; i < nodes->len; i++)
    {
      PbNode *node = g_ptr_array_index (nodes, i);
      double x = pb_node_get_x (node), y = pb_node_get_y (node);

      pb_command_move (command, pb_node_get_address (node), x - dx, y - dy, x, y);
    }
  pb_undo_stack_push (self->undo_stack, command);
}

PbRunState
pb_document_get_run_state (PbDocument *self)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), PB_RUN_STOPPED);
  return self->run_state;
}

static void
set_run_state (PbDocument *self,
               PbRunState  state)
{
  if (self->run_state == state)
    return;
  self->run_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN_STATE]);
}

static gboolean
status_tick (gpointer user_data)
{
  pb_document_refresh_status (user_data);
  return G_SOURCE_CONTINUE;
}

/**
 * pb_document_run:
 *
 * Starts the runtime on the topology, or resumes it when paused. From
 * then on every edit goes live at once.
 *
 * Returns: whether it runs
 */
gboolean
pb_document_run (PbDocument  *self,
                 GError     **error)
{
  pb_error err;
  int rc;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  switch (self->run_state)
    {
    case PB_RUN_RUNNING:
      return TRUE;
    case PB_RUN_PAUSED:
      rc = pb_runner_resume (self->runner);
      pb_error_clear (&err);
      break;
    case PB_RUN_STOPPED:
    default:
      rc = pb_runner_start (self->runner, &err);
      break;
    }
  if (!pb_propagate_result (error, rc, &err))
    return FALSE;

  if (self->status_source == 0)
    self->status_source = g_timeout_add (STATUS_INTERVAL_MS, status_tick, self);
  set_run_state (self, PB_RUN_RUNNING);
  return TRUE;
}

/**
 * pb_document_pause:
 *
 * Holds the runtime where it is; every state and item is kept.
 */
void
pb_document_pause (PbDocument *self)
{
  g_return_if_fail (PB_IS_DOCUMENT (self));

  if (self->run_state != PB_RUN_RUNNING)
    return;
  pb_runner_pause (self->runner);
  set_run_state (self, PB_RUN_PAUSED);
}

/**
 * pb_document_stop:
 *
 * Ends the run: processes release what they hold, and the next run starts
 * from scratch.
 */
void
pb_document_stop (PbDocument *self)
{
  g_return_if_fail (PB_IS_DOCUMENT (self));

  if (self->run_state == PB_RUN_STOPPED)
    return;
  pb_runner_stop (self->runner);
  g_clear_handle_id (&self->status_source, g_source_remove);
  set_run_state (self, PB_RUN_STOPPED);
  pb_document_refresh_status (self);
}

/**
 * pb_document_restart:
 *
 * Runs the topology again from scratch, every state reset.
 *
 * Returns: whether it runs
 */
gboolean
pb_document_restart (PbDocument  *self,
                     GError     **error)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);

  pb_document_stop (self);
  pb_rate_tracker_reset (self->rates);
  return pb_document_run (self, error);
}

/**
 * pb_document_refresh_status:
 *
 * Brings every node's state and message in line with the runtime's latest
 * snapshot; the document does this by itself while it runs.
 */
void
pb_document_refresh_status (PbDocument *self)
{
  pb_snapshot *snap;
  guint n;

  g_return_if_fail (PB_IS_DOCUMENT (self));

  snap = pb_runner_snapshot (self->runner);
  if (snap != NULL)
    pb_rate_tracker_update (self->rates, snap);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->nodes));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (G_LIST_MODEL (self->nodes), i);
      long index = snap != NULL ? pb_snapshot_find_process (snap, pb_node_get_address (node)) : -1;
      pb_process_info info;

      pb_chain_info chain;
      PbRates rates;

      if (index >= 0 && pb_snapshot_process (snap, index, &info) == PB_OK)
        {
          gboolean running = self->run_state != PB_RUN_STOPPED && info.state != PB_PROCESS_WAITING;

          pb_node_set_status (node, info.state, info.message);
          if (running && pb_rate_tracker_lookup (self->rates, info.process, &rates))
            pb_node_set_live (node, &rates, info.result);
          else
            pb_node_set_live (node, NULL, info.result);
          /* A chain is named by its head, which an edit elsewhere does
           * not renumber as it does the chain's index. */
          if (pb_snapshot_chain (snap, info.chain, &chain) == PB_OK && chain.n_processes > 0)
            pb_node_set_chain (node, chain.processes[0]);
          else
            pb_node_set_chain (node, 0);
        }
      else
        {
          pb_node_set_status (node, PB_PROCESS_READY, NULL);
          pb_node_set_chain (node, 0);
          pb_node_set_live (node, NULL, NULL);
        }
    }
  pb_snapshot_free (snap);
}

/**
 * pb_document_sync:
 * @timeout_ms: the longest to wait
 *
 * Waits until every edit made so far is live in the runtime.
 *
 * Returns: whether they are, within @timeout_ms
 */
gboolean
pb_document_sync (PbDocument *self,
                  guint       timeout_ms)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  return pb_runner_sync (self->runner, (uint64_t) timeout_ms * 1000000) == PB_OK;
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

  return g_string_free (text, FALSE);
}

static void
pb_document_dispose (GObject *object)
{
  PbDocument *self = PB_DOCUMENT (object);

  g_clear_handle_id (&self->status_source, g_source_remove);
  g_clear_pointer (&self->runner, pb_runner_free);
  g_clear_pointer (&self->rates, pb_rate_tracker_free);
  if (self->nodes != NULL)
    g_list_store_remove_all (self->nodes);
  if (self->links != NULL)
    g_list_store_remove_all (self->links);
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
  g_clear_object (&self->undo_stack);

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
}

static void
pb_document_init (PbDocument *self)
{
  self->nodes = g_list_store_new (PB_TYPE_NODE);
  self->links = g_list_store_new (PB_TYPE_LINK);
  self->node_by_addr = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->link_by_port = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->undo_stack = pb_undo_stack_new ();
  self->rates = pb_rate_tracker_new ();
  g_signal_connect_object (self->undo_stack, "notify::clean",
                           G_CALLBACK (on_undo_clean_changed), self,
                           G_CONNECT_SWAPPED);
}
