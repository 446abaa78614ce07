/* pb-document-tools.c — edits that rewire: quick-add, insert, reconnect, move an end
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each of these edits is one command of several ops (a process added and
 * joined, a link broken and two made). The runner checks only what the
 * graph checks (a port in use), not item types or cycles, so each
 * command is first tried on a copy of the graph, where every link it
 * makes goes through pb_link_check(): a command that would give a wrong
 * link is refused with the runtime's own reason, and nothing changes.
 * The same copy answers what may be offered: which kinds can join a
 * socket, whether a wire may move to another.
 */

#include "config.h"

#include <glib/gi18n.h>

#include <pushback/graph.h>
#include <pushback/kinds.h>
#include <pushback/link.h>

#include "pb-document-private.h"
#include "pb-error.h"

/* A copy of the document's graph: processes at their addresses, with
 * their kinds and parameters, and every link with its flags. */
static pb_graph *
copy_graph (PbDocument *self)
{
  const pb_graph *graph = pb_runner_lock_graph (self->runner);
  pb_graph *copy = pb_graph_new (pb_graph_local_host (graph));
  size_t n = pb_graph_list_processes (graph, NULL, 0);
  g_autofree pb_addr *processes = g_new0 (pb_addr, n + 1);
  size_t n_links = pb_graph_list_connections (graph, NULL, 0);
  g_autofree pb_connection *links = g_new0 (pb_connection, n_links + 1);

  pb_graph_list_processes (graph, processes, n);
  for (size_t i = 0; i < n; i++)
    {
      size_t n_params = pb_graph_list_params (graph, processes[i], NULL, NULL, 0);
      g_autofree const char **keys = g_new0 (const char *, n_params + 1);
      g_autofree const char **values = g_new0 (const char *, n_params + 1);

      pb_graph_insert_process (copy, processes[i], pb_graph_process_kind (graph, processes[i]));
      pb_graph_list_params (graph, processes[i], keys, values, n_params);
      for (size_t p = 0; p < n_params; p++)
        pb_graph_set_param (copy, processes[i], keys[p], values[p]);
    }
  pb_graph_list_connections (graph, links, n_links);
  for (size_t i = 0; i < n_links; i++)
    {
      pb_graph_connect (copy, links[i].a, links[i].b);
      pb_graph_set_link_flags (copy, links[i].a, pb_graph_link_flags (graph, links[i].a));
    }
  pb_runner_unlock_graph (self->runner);
  return copy;
}

/* Applies the ops of @command to @graph, checking each link as the editor
 * checks one a person draws. */
static int
try_ops (pb_graph  *graph,
         PbCommand *command,
         pb_error  *why)
{
  int rc = PB_OK;

  pb_error_clear (why);
  for (guint i = 0; rc == PB_OK && i < pb_command_get_n_ops (command); i++)
    {
      PbOp *op = pb_command_get_op (command, i);

      switch (op->type)
        {
        case PB_OP_ADD:
          rc = pb_graph_insert_process (graph, op->a, op->kind);
          for (guint p = 0; rc == PB_OK && op->params != NULL && op->params[p] != NULL; p += 2)
            rc = pb_graph_set_param (graph, op->a, op->params[p], op->params[p + 1]);
          break;
        case PB_OP_REMOVE:
          rc = pb_graph_remove_process (graph, op->a);
          break;
        case PB_OP_CONNECT:
          rc = pb_link_check (graph, op->a, op->b, why);
          if (rc == PB_OK)
            rc = pb_graph_connect (graph, op->a, op->b);
          break;
        case PB_OP_DISCONNECT:
          rc = pb_graph_disconnect (graph, op->a);
          break;
        case PB_OP_SET_PARAM:
        case PB_OP_SET_NAME:
        case PB_OP_SET_FLAGS:
        case PB_OP_SET_BYPASS:
        case PB_OP_MOVE:
        default:
          break;
        }
    }
  return rc;
}

/* Whether @command would apply, with every link it makes checked. */
static gboolean
check_command (PbDocument  *self,
               PbCommand   *command,
               GError     **error)
{
  pb_graph *graph = copy_graph (self);
  pb_error why;
  int rc = try_ops (graph, command, &why);

  pb_graph_free (graph);
  return pb_propagate_result (error, rc, &why);
}

static gboolean
execute_checked (PbDocument  *self,
                 PbCommand   *command,
                 GError     **error)
{
  return check_command (self, command, error) && pb_document_execute (self, command, error);
}

static pb_port_dir
port_direction (PbDocument *self,
                pb_addr     port)
{
  PbNode *node = pb_document_find_node (self, port);
  const pb_port_spec *spec = NULL;

  if (node != NULL)
    spec = pb_kind_port_lookup (pb_node_get_kind (node), pb_addr_port (port), NULL);
  return spec != NULL ? spec->dir : PB_PORT_OUT;
}

/* Adds the link between @a and @b to @command, from the output. */
static void
add_connect (PbDocument *self,
             PbCommand  *command,
             pb_addr     a,
             pb_addr     b,
             guint32     flags)
{
  if (port_direction (self, a) == PB_PORT_IN)
    pb_command_connect (command, b, a, flags);
  else
    pb_command_connect (command, a, b, flags);
}

/* The first port of a process of @kind, at @process in @graph, that may
 * be joined to @from; 0 if none. Ranges offer their first element. */
static pb_addr
joinable_port (pb_graph      *graph,
               const pb_kind *kind,
               pb_addr        process,
               pb_addr        from)
{
  for (size_t i = 0; i < pb_kind_n_ports (kind); i++)
    {
      const pb_port_spec *spec = pb_kind_port (kind, i);
      pb_addr port = pb_addr_with_port (process, spec->first);

      if (pb_link_check (graph, from, port, NULL) == PB_OK)
        return port;
    }
  return 0;
}

/* For a new process of @kind at @process in @graph, with the link from
 * @source to @sink broken: an input that may take @source, and then an
 * output that may feed @sink, into @in and @out. Returns whether both
 * exist; the graph is left with @source joined to @in. */
static gboolean
insertable_ports (pb_graph      *graph,
                  const pb_kind *kind,
                  pb_addr        process,
                  pb_addr        source,
                  pb_addr        sink,
                  pb_addr       *in,
                  pb_addr       *out)
{
  *in = joinable_port (graph, kind, process, source);
  *out = 0;
  if (*in == 0 || pb_graph_connect (graph, source, *in) != PB_OK)
    return FALSE;
  *out = joinable_port (graph, kind, process, sink);
  return *out != 0;
}

/* The two ends of the link at @port, from its output: FALSE if none. */
static gboolean
link_ends (pb_graph *graph,
           pb_addr   port,
           pb_addr  *source,
           pb_addr  *sink)
{
  pb_addr peer = pb_graph_peer (graph, port);
  pb_port_info info;

  if (peer == 0)
    return FALSE;
  if (pb_link_port_info (graph, port, &info) == PB_OK && info.dir == PB_PORT_IN)
    {
      *source = peer;
      *sink = port;
    }
  else
    {
      *source = port;
      *sink = peer;
    }
  return TRUE;
}

/**
 * pb_document_dup_joinable_kinds:
 * @from: a port, usually a free socket a wire was dragged from
 *
 * Lists the kinds of the catalogue of which a new process could be
 * joined to @from as it is now: its item types fit, it goes the other
 * way. When @from is in use, the kinds of which a process could go into
 * its link instead: taking what the link's source gives and giving what
 * its sink takes. The runtime decides, on a copy of the graph with such
 * a process added.
 *
 * Returns: (transfer full): kind names, in the catalogue's order; empty
 *   when @from is not a port
 */
char **
pb_document_dup_joinable_kinds (PbDocument *self,
                                pb_addr     from)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  pb_graph *graph;
  pb_addr process, source = 0, sink = 0;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);

  graph = copy_graph (self);
  if (link_ends (graph, from, &source, &sink))
    pb_graph_disconnect (graph, from);
  if (pb_document_reserve_addresses (self, 1, &process))
    for (size_t i = 0; i < pb_kind_count (); i++)
      {
        const pb_kind *kind = pb_kind_at (i);
        pb_addr in, out;

        if (pb_graph_insert_process (graph, process, pb_kind_name (kind)) != PB_OK)
          continue;
        if (source != 0 ? insertable_ports (graph, kind, process, source, sink, &in, &out)
                        : joinable_port (graph, kind, process, from) != 0)
          g_strv_builder_add (builder, pb_kind_name (kind));
        /* Removing the process takes the link it was given too. */
        pb_graph_remove_process (graph, process);
      }
  pb_graph_free (graph);
  return g_strv_builder_end (builder);
}

/**
 * pb_document_quick_add:
 * @from: (nullable): a port to join the new process to, or 0
 * @kind: a kind of the catalogue
 * @x: where the node's left edge goes
 * @y: where its top edge goes
 *
 * Adds a process of @kind and joins its first fitting port to @from, as
 * one step: undoing it takes both away. When @from is in use, the
 * process goes into its link instead: the link's source feeds its first
 * fitting input, and its first fitting output feeds the link's sink.
 *
 * Returns: (transfer none) (nullable): the new node, or %NULL with the
 *   reason, such as no port of @kind fitting @from
 */
PbNode *
pb_document_quick_add (PbDocument  *self,
                       pb_addr      from,
                       const char  *kind,
                       double       x,
                       double       y,
                       GError     **error)
{
  g_autoptr(PbCommand) command = NULL;
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  const pb_kind *spec;
  pb_addr process, port = 0;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  if (from == 0)
    return pb_document_add_node (self, kind, x, y, error);

  spec = pb_kind_find (kind);
  if (spec == NULL)
    {
      g_set_error (error, PB_RUNTIME_ERROR, PB_ENOENT, _("There is no kind “%s”"), kind);
      return NULL;
    }
  if (!pb_document_reserve_addresses (self, 1, &process))
    {
      g_set_error_literal (error, PB_RUNTIME_ERROR, PB_ENOSPC, _("There is no room for more processes"));
      return NULL;
    }

  {
    pb_graph *graph = copy_graph (self);
    pb_addr source, sink;

    if (link_ends (graph, from, &source, &sink))
      {
        pb_addr in, out;
        guint32 flags = pb_graph_link_flags (graph, source);
        gboolean fits;

        pb_graph_disconnect (graph, source);
        fits = pb_graph_insert_process (graph, process, kind) == PB_OK
               && insertable_ports (graph, spec, process, source, sink, &in, &out);
        pb_graph_free (graph);
        if (!fits)
          {
            g_set_error (error, PB_RUNTIME_ERROR, PB_ETYPE,
                         _("A %s cannot go into this link: its types do not fit"), kind);
            return NULL;
          }
        name = pb_document_dup_free_name (self, kind, NULL);
        /* Translators: an undo step; %s is a process's name. */
        label = g_strdup_printf (_("Insert %s"), name);
        command = pb_command_new (label);
        pb_command_add (command, kind, name, NULL, x, y)->a = process;
        pb_command_disconnect (command, source, sink, flags);
        pb_command_connect (command, source, in, flags);
        pb_command_connect (command, out, sink, 0);
        if (!execute_checked (self, command, error))
          return NULL;
        return pb_document_find_node (self, process);
      }
    if (pb_graph_insert_process (graph, process, kind) == PB_OK)
      port = joinable_port (graph, spec, process, from);
    pb_graph_free (graph);
  }
  if (port == 0)
    {
      g_set_error (error, PB_RUNTIME_ERROR, PB_ETYPE, _("No port of %s fits this socket"), kind);
      return NULL;
    }

  name = pb_document_dup_free_name (self, kind, NULL);
  label = g_strdup_printf (_("Add %s"), kind);
  command = pb_command_new (label);
  pb_command_add (command, kind, name, NULL, x, y)->a = process;
  add_connect (self, command, from, port, 0);
  if (!execute_checked (self, command, error))
    return NULL;
  return pb_document_find_node (self, process);
}

/* Every link of @node, in the order of its ports. */
static GPtrArray *
node_links (PbDocument *self,
            PbNode     *node)
{
  GListModel *ports = pb_node_get_ports (node);
  GPtrArray *links = g_ptr_array_new ();

  for (guint p = 0; p < g_list_model_get_n_items (ports); p++)
    {
      g_autoptr(PbPort) port = g_list_model_get_item (ports, p);
      PbLink *link = pb_document_find_link (self, pb_port_get_address (port));

      if (link != NULL && !g_ptr_array_find (links, link, NULL))
        g_ptr_array_add (links, link);
    }
  return links;
}

/**
 * pb_document_insert_on_link:
 * @node: a node with no links
 * @link: the link to put it in
 * @old_x: where @node was before a drag brought it onto @link
 * @old_y: the same, vertically
 *
 * Puts @node into @link: the link's source goes to an input of @node and
 * an output of @node goes to the link's sink, where their types fit. The
 * move that brought the node there, the link broken and the two made
 * are one step; undoing it gives back the one link.
 *
 * Returns: whether @node was put in
 */
gboolean
pb_document_insert_on_link (PbDocument  *self,
                            PbNode      *node,
                            PbLink      *link,
                            double       old_x,
                            double       old_y,
                            GError     **error)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GError) last = NULL;
  GListModel *ports;
  pb_addr source, sink;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (PB_IS_NODE (node), FALSE);
  g_return_val_if_fail (PB_IS_LINK (link), FALSE);

  links = node_links (self, node);
  if (links->len > 0)
    {
      g_set_error_literal (error, PB_RUNTIME_ERROR, PB_EBUSY,
                           _("Only a node with no links can go into a link"));
      return FALSE;
    }

  source = pb_link_get_source (link);
  sink = pb_link_get_sink (link);
  ports = pb_node_get_ports (node);
  for (guint i = 0; i < g_list_model_get_n_items (ports); i++)
    {
      g_autoptr(PbPort) in = g_list_model_get_item (ports, i);

      if (pb_port_get_direction (in) != PB_PORT_IN)
        continue;
      for (guint o = 0; o < g_list_model_get_n_items (ports); o++)
        {
          g_autoptr(PbPort) out = g_list_model_get_item (ports, o);
          g_autoptr(PbCommand) command = NULL;
          g_autofree char *label = NULL;

          if (pb_port_get_direction (out) != PB_PORT_OUT)
            continue;

          /* Translators: an undo step; %s is a process's name. */
          label = g_strdup_printf (_("Insert %s"), pb_node_get_name (node));
          command = pb_command_new (label);
          if (old_x != pb_node_get_x (node) || old_y != pb_node_get_y (node))
            pb_command_move (command, pb_node_get_address (node), old_x, old_y,
                             pb_node_get_x (node), pb_node_get_y (node));
          pb_command_disconnect (command, source, sink, pb_link_get_flags (link));
          pb_command_connect (command, source, pb_port_get_address (in), pb_link_get_flags (link));
          pb_command_connect (command, pb_port_get_address (out), sink, 0);

          g_clear_error (&last);
          if (check_command (self, command, &last))
            return pb_document_execute (self, command, error);
        }
    }

  if (last != NULL)
    g_propagate_error (error, g_steal_pointer (&last));
  else
    g_set_error (error, PB_RUNTIME_ERROR, PB_EDIRECTION,
                 _("%s has no input and output to go into a link"), pb_node_get_name (node));
  return FALSE;
}

/**
 * pb_document_delete_reconnect:
 * @node: the node to remove
 *
 * Removes @node and its links, and joins what fed its input to what its
 * first linked output fed, where the types fit, as one step. With
 * nothing to join, or nothing that fits, it is a plain delete.
 *
 * Returns: whether @node was removed
 */
gboolean
pb_document_delete_reconnect (PbDocument  *self,
                              PbNode      *node,
                              GError     **error)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(PbCommand) command = NULL;
  g_autofree char *label = NULL;
  g_auto(GStrv) params = NULL;
  pb_addr process, upstream = 0, downstream = 0;
  guint32 flags = 0;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (PB_IS_NODE (node), FALSE);

  process = pb_node_get_address (node);
  links = node_links (self, node);

  /* Translators: an undo step; %s is a process's name. */
  label = g_strdup_printf (_("Delete %s and Reconnect"), pb_node_get_name (node));
  command = pb_command_new (label);
  for (guint i = 0; i < links->len; i++)
    {
      PbLink *link = g_ptr_array_index (links, i);
      pb_addr source = pb_link_get_source (link);
      pb_addr sink = pb_link_get_sink (link);

      pb_command_disconnect (command, source, sink, pb_link_get_flags (link));
      if (pb_addr_process (sink) == pb_addr_process (process) && upstream == 0)
        {
          upstream = source;
          flags = pb_link_get_flags (link);
        }
      else if (pb_addr_process (source) == pb_addr_process (process) && downstream == 0)
        downstream = sink;
    }

  {
    const pb_kind *kind = pb_node_get_kind (node);
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

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
  }
  pb_command_remove (command, process, pb_node_get_kind_name (node), pb_node_get_name (node),
                     (const char * const *) params, pb_node_get_x (node),
                     pb_node_get_y (node))->bypassed = pb_node_get_bypassed (node);

  if (upstream != 0 && downstream != 0)
    {
      pb_command_connect (command, upstream, downstream, flags);
      if (check_command (self, command, NULL))
        return pb_document_execute (self, command, error);

      /* The neighbours do not fit each other: delete alone. */
      g_clear_object (&command);
      command = pb_command_new (label);
      for (guint i = 0; i < links->len; i++)
        {
          PbLink *link = g_ptr_array_index (links, i);

          pb_command_disconnect (command, pb_link_get_source (link), pb_link_get_sink (link),
                                 pb_link_get_flags (link));
        }
      pb_command_remove (command, process, pb_node_get_kind_name (node), pb_node_get_name (node),
                         (const char * const *) params, pb_node_get_x (node),
                         pb_node_get_y (node))->bypassed = pb_node_get_bypassed (node);
    }
  return pb_document_execute (self, command, error);
}

static PbCommand *
relink_command (PbDocument *self,
                PbLink     *link,
                pb_addr     keep,
                pb_addr     to)
{
  PbCommand *command = pb_command_new (_("Move Link"));

  pb_command_disconnect (command, pb_link_get_source (link), pb_link_get_sink (link),
                         pb_link_get_flags (link));
  add_connect (self, command, keep, to, pb_link_get_flags (link));
  return command;
}

/**
 * pb_document_check_relink:
 * @link: a link
 * @keep: the end of @link that stays
 * @to: the port its other end would go to
 * @error: (nullable): why it may not
 *
 * Says whether @link could leave its other end for @to; nothing changes.
 *
 * Returns: whether pb_document_relink() would succeed
 */
gboolean
pb_document_check_relink (PbDocument  *self,
                          PbLink      *link,
                          pb_addr      keep,
                          pb_addr      to,
                          GError     **error)
{
  g_autoptr(PbCommand) command = NULL;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (PB_IS_LINK (link), FALSE);

  command = relink_command (self, link, keep, to);
  return check_command (self, command, error);
}

/**
 * pb_document_relink:
 * @link: a link
 * @keep: the end of @link that stays, its source or its sink
 * @to: the port its other end goes to
 *
 * Moves one end of @link to @to, keeping its flags, as one step.
 *
 * Returns: whether the link moved
 */
gboolean
pb_document_relink (PbDocument  *self,
                    PbLink      *link,
                    pb_addr      keep,
                    pb_addr      to,
                    GError     **error)
{
  g_autoptr(PbCommand) command = NULL;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (PB_IS_LINK (link), FALSE);
  g_return_val_if_fail (keep == pb_link_get_source (link) || keep == pb_link_get_sink (link), FALSE);

  if (to == pb_link_get_source (link) || to == pb_link_get_sink (link))
    return TRUE;
  command = relink_command (self, link, keep, to);
  return execute_checked (self, command, error);
}
