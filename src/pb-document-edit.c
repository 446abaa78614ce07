/* pb-document-edit.c — the document's edits: commands applied, undone, asked for
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every edit is a command (pb-command.c): its ops go to the runner first,
 * which checks each and refuses with a reason, and to the models after,
 * which notify the views; the ops of one command go live together, in
 * one runner batch, and a command refused part-way is rolled back whole.
 * The asks at the end of this file (add, connect, delete, set a
 * parameter...) build the command for one user action and execute it.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <pushback/kinds.h>
#include <pushback/link.h>
#include <pushback/runner.h>

#include "pb-document-private.h"
#include "pb-error.h"

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
        if (rc == PB_OK && op->bypassed)
          rc = pb_runner_set_bypass (self->runner, op->a, TRUE);
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
        pb_node_set_bypassed (node, op->bypassed);
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

    case PB_OP_SET_BYPASS:
      rc = pb_runner_set_bypass (self->runner, op->a, op->bypassed);
      if (rc != PB_OK)
        return rc;
      pb_node_set_bypassed (pb_document_find_node (self, op->a), op->bypassed);
      break;

    case PB_OP_SET_FLAGS:
      rc = pb_runner_set_link_flags (self->runner, op->a, op->flags);
      if (rc != PB_OK)
        return rc;
      pb_link_set_flags (pb_document_find_link (self, op->a), op->flags);
      break;

    case PB_OP_FRAME:
      return _pb_document_apply_frame (self, op, err);

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

      _pb_document_refresh_port_types (self, graph);
      pb_runner_unlock_graph (self->runner);
    }
  if (rc == PB_OK)
    _pb_document_emit_changed (self);

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

  _pb_document_complete_frames (self, command);
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
                         pb_node_get_x (node), pb_node_get_y (node))->bypassed
        = pb_node_get_bypassed (node);
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
 * pb_document_set_bypass:
 * @nodes: (element-type PbNode): the nodes to bypass, or run again
 * @bypass: whether the runtime passes their items on unchanged
 *
 * Bypasses every node of @nodes, or runs them again, as one step. Only
 * nodes whose kind passes on the type it takes can be bypassed
 * (pb_kind_can_bypass()); any other refuses the whole step.
 *
 * Returns: whether it was done; %FALSE with PB_EINVAL naming the node
 *   that cannot be bypassed
 */
gboolean
pb_document_set_bypass (PbDocument  *self,
                        GPtrArray   *nodes,
                        gboolean     bypass,
                        GError     **error)
{
  g_autoptr(PbCommand) command = NULL;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (nodes != NULL, FALSE);

  for (guint i = 0; i < nodes->len; i++)
    {
      PbNode *node = g_ptr_array_index (nodes, i);

      if (bypass && !pb_kind_can_bypass (pb_node_get_kind (node)))
        {
          /* Translators: %s is a process, %s its kind, such as "stats". */
          g_set_error (error, PB_RUNTIME_ERROR, PB_EINVAL,
                       _("%s cannot be bypassed: a %s does not pass on the items it takes"),
                       pb_node_get_name (node), pb_node_get_kind_name (node));
          return FALSE;
        }
    }

  command = pb_command_new (bypass ? g_dngettext (GETTEXT_PACKAGE, "Bypass Node", "Bypass Nodes",
                                                  nodes->len)
                                   : g_dngettext (GETTEXT_PACKAGE, "Run Node Again",
                                                  "Run Nodes Again", nodes->len));
  for (guint i = 0; i < nodes->len; i++)
    {
      PbNode *node = g_ptr_array_index (nodes, i);

      if (pb_node_get_bypassed (node) != !!bypass)
        pb_command_set_bypass (command, pb_node_get_address (node),
                               pb_node_get_bypassed (node), bypass);
    }
  if (pb_command_get_n_ops (command) == 0)
    return TRUE;
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
