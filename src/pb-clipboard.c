/* pb-clipboard.c — processes and their links as clipboard contents
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Copied processes travel as the text of a GVariant: each process's kind,
 * name, parameters and place, the links among them by index and port
 * number, and the frames around them. Addresses do not travel, since a paste makes new processes: the
 * paste is one command that adds them at addresses reserved beforehand
 * and joins them, so it goes live, and undoes, as one step. Pasted text
 * may come from anywhere, so it is parsed strictly and checked as any
 * edit is; the runtime refuses what does not fit, and nothing changes.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <pushback/kinds.h>
#include <pushback/store.h>

#include "pb-clipboard.h"
#include "pb-error.h"

/* (processes, links, frames): a process is (kind, name, params, x, y,
 * bypassed); a link is (source index, source port, sink index, sink port,
 * flags); a frame is (title, colour, note, collapsed, member indices),
 * for the frames all of whose processes were copied. */
#define FORMAT "(a(ssa{ss}ddb)a(uquqt)a(sssbau))"
/* What the clipboard held before frames travelled, still pasted. */
#define FORMAT_WITHOUT_FRAMES "(a(ssa{ss}ddb)a(uquqt))"

/* A paste larger than this is not a selection someone copied. */
#define MAX_PROCESSES 100000

static guint
index_of (GPtrArray *nodes,
          pb_addr    process)
{
  for (guint i = 0; i < nodes->len; i++)
    if (pb_node_get_address (g_ptr_array_index (nodes, i)) == pb_addr_process_of (process))
      return i;
  return G_MAXUINT;
}

/**
 * pb_clipboard_encode:
 * @nodes: (element-type PbNode): the processes to copy
 *
 * Returns: (transfer full): @nodes, the links among them and the frames
 *   around only them, as PB_CLIPBOARD_MIME_TYPE contents
 */
GBytes *
pb_clipboard_encode (PbDocument *document,
                     GPtrArray  *nodes)
{
  GVariantBuilder processes;
  GVariantBuilder links;
  GVariantBuilder frames;
  GListModel *all_links = pb_document_get_links (document);
  GListModel *all_frames = pb_document_get_frames (document);
  g_autoptr(GVariant) value = NULL;
  char *text;

  g_variant_builder_init (&processes, G_VARIANT_TYPE ("a(ssa{ss}ddb)"));
  for (guint i = 0; i < nodes->len; i++)
    {
      PbNode *node = g_ptr_array_index (nodes, i);
      const pb_kind *kind = pb_node_get_kind (node);
      GVariantBuilder params;

      g_variant_builder_init (&params, G_VARIANT_TYPE ("a{ss}"));
      for (size_t k = 0; k < pb_kind_n_params (kind); k++)
        {
          const char *key = pb_kind_param (kind, k)->name;
          const char *param = pb_node_get_param (node, key);

          if (param != NULL)
            g_variant_builder_add (&params, "{ss}", key, param);
        }
      g_variant_builder_add (&processes, "(ssa{ss}ddb)",
                             pb_node_get_kind_name (node),
                             pb_node_get_name (node) != NULL ? pb_node_get_name (node) : "",
                             &params, pb_node_get_x (node), pb_node_get_y (node),
                             pb_node_get_bypassed (node));
    }

  g_variant_builder_init (&links, G_VARIANT_TYPE ("a(uquqt)"));
  for (guint i = 0; i < g_list_model_get_n_items (all_links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (all_links, i);
      guint from = index_of (nodes, pb_link_get_source (link));
      guint to = index_of (nodes, pb_link_get_sink (link));

      if (from != G_MAXUINT && to != G_MAXUINT)
        g_variant_builder_add (&links, "(uquqt)",
                               from, (guint16) pb_addr_port (pb_link_get_source (link)),
                               to, (guint16) pb_addr_port (pb_link_get_sink (link)),
                               (guint64) pb_link_get_flags (link));
    }

  g_variant_builder_init (&frames, G_VARIANT_TYPE ("a(sssbau)"));
  for (guint i = 0; i < g_list_model_get_n_items (all_frames); i++)
    {
      g_autoptr(PbFrame) frame = g_list_model_get_item (all_frames, i);
      gsize n_members;
      const pb_addr *members = pb_frame_get_members (frame, &n_members);
      GVariantBuilder indices;
      gboolean whole = TRUE;

      g_variant_builder_init (&indices, G_VARIANT_TYPE ("au"));
      for (gsize k = 0; k < n_members && whole; k++)
        {
          guint index = index_of (nodes, members[k]);

          whole = index != G_MAXUINT;
          if (whole)
            g_variant_builder_add (&indices, "u", index);
        }
      if (whole)
        g_variant_builder_add (&frames, "(sssb@au)", pb_frame_get_title (frame),
                               pb_frame_get_color (frame), pb_frame_get_note (frame),
                               pb_frame_get_collapsed (frame), g_variant_builder_end (&indices));
      else
        g_variant_builder_clear (&indices);
    }

  value = g_variant_ref_sink (g_variant_new (FORMAT, &processes, &links, &frames));
  text = g_variant_print (value, TRUE);
  return g_bytes_new_take (text, strlen (text));
}

static gboolean
name_in_use (PbDocument *document,
             const char *name)
{
  GListModel *nodes = pb_document_get_nodes (document);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);

      if (g_strcmp0 (pb_node_get_name (node), name) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
refuse (GError     **error,
        const char  *why)
{
  g_set_error (error, PB_RUNTIME_ERROR, PB_EINVAL,
               _("The clipboard does not hold processes: %s"), why);
  return FALSE;
}

/* Adds to @command a frame for each of @frames, around the pasted
 * processes at @addresses that it names, checked as a loaded document's
 * frames are. */
static gboolean
add_frames (PbDocument     *document,
            PbCommand      *command,
            GVariant       *frames,
            const pb_addr  *addresses,
            gsize           n,
            GError        **error)
{
  guint id = pb_document_get_next_frame_id (document);
  g_autoptr(GHashTable) framed = g_hash_table_new (NULL, NULL);

  for (gsize i = 0; i < g_variant_n_children (frames); i++)
    {
      g_autoptr(GVariant) indices = NULL;
      g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (pb_addr));
      const char *title, *color, *note;
      gboolean collapsed;
      GVariantIter iter;
      guint32 index;

      g_variant_get_child (frames, i, "(&s&s&sb@au)", &title, &color, &note, &collapsed,
                           &indices);
      if (title[0] == '\0' || strchr (title, '\n') != NULL || !pb_store_frame_color_valid (color))
        return refuse (error, _("a frame has no title or an unknown colour"));
      g_variant_iter_init (&iter, indices);
      while (g_variant_iter_next (&iter, "u", &index))
        {
          if (index >= n || !g_hash_table_add (framed, GUINT_TO_POINTER (index + 1)))
            return refuse (error, _("a frame names a process that is not there, or one in "
                                    "another frame"));
          g_array_append_val (members, addresses[index]);
        }
      if (members->len == 0)
        return refuse (error, _("a frame holds no process"));
      pb_command_frame (command, id++, NULL,
                        pb_frame_state_new (title, color, note, collapsed,
                                            (const pb_addr *) members->data, members->len));
    }
  return TRUE;
}

/**
 * pb_clipboard_decode:
 * @bytes: PB_CLIPBOARD_MIME_TYPE contents, from any source
 * @x: where the top left of the pasted group goes, in canvas units
 * @y: likewise
 * @error: why the contents cannot be pasted
 *
 * Returns: (transfer full) (nullable): the command that pastes @bytes,
 *   not applied yet; %NULL when they do not parse or name what does not
 *   exist (an unknown kind, a parameter it does not take, a link to a
 *   process that is not in the paste)
 */
PbCommand *
pb_clipboard_decode (PbDocument  *document,
                     GBytes      *bytes,
                     double       x,
                     double       y,
                     GError     **error)
{
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariant) processes = NULL;
  g_autoptr(GVariant) links = NULL;
  g_autoptr(GVariant) frames = NULL;
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(PbCommand) command = NULL;
  g_autofree pb_addr *addresses = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) parse_error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  double left = G_MAXDOUBLE, top = G_MAXDOUBLE;
  gsize n;

  if (!g_utf8_validate_len (data, size, NULL))
    return refuse (error, _("it is not text")), NULL;
  text = g_strndup (data, size);
  value = g_variant_parse (G_VARIANT_TYPE (FORMAT), text, NULL, NULL, &parse_error);
  if (value == NULL)
    value = g_variant_parse (G_VARIANT_TYPE (FORMAT_WITHOUT_FRAMES), text, NULL, NULL, NULL);
  if (value == NULL)
    return refuse (error, parse_error->message), NULL;

  processes = g_variant_get_child_value (value, 0);
  links = g_variant_get_child_value (value, 1);
  if (g_variant_n_children (value) > 2)
    frames = g_variant_get_child_value (value, 2);
  n = g_variant_n_children (processes);
  if (n == 0 || n > MAX_PROCESSES)
    return refuse (error, n == 0 ? _("it is empty") : _("it holds too many")), NULL;

  addresses = g_new (pb_addr, n);
  if (!pb_document_reserve_addresses (document, n, addresses))
    {
      g_set_error_literal (error, PB_RUNTIME_ERROR, PB_ENOSPC, _("There is no room for more processes"));
      return NULL;
    }

  for (gsize i = 0; i < n; i++)
    {
      double px, py;

      g_variant_get_child (processes, i, "(&s&s@a{ss}ddb)", NULL, NULL, NULL, &px, &py, NULL);
      left = MIN (left, px);
      top = MIN (top, py);
    }

  command = pb_command_new (g_dngettext (GETTEXT_PACKAGE, "Paste Process", "Paste Processes", n));
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) params = NULL;
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) pairs = NULL;
      g_autofree char *fresh = NULL;
      const char *kind_name, *name, *key, *param;
      const pb_kind *kind;
      GVariantIter iter;
      double px, py;
      gboolean bypassed;
      PbOp *op;

      g_variant_get_child (processes, i, "(&s&s@a{ss}ddb)", &kind_name, &name, &params, &px, &py,
                           &bypassed);
      kind = pb_kind_find (kind_name);
      if (kind == NULL)
        {
          g_set_error (error, PB_RUNTIME_ERROR, PB_ENOENT, _("There is no kind “%s”"), kind_name);
          return NULL;
        }
      if (bypassed && !pb_kind_can_bypass (kind))
        {
          g_set_error (error, PB_RUNTIME_ERROR, PB_EINVAL,
                       _("%s cannot be bypassed: a %s does not pass on the items it takes"),
                       name, kind_name);
          return NULL;
        }
      g_variant_iter_init (&iter, params);
      while (g_variant_iter_next (&iter, "{&s&s}", &key, &param))
        {
          pb_error err;
          int rc = pb_kind_check_param (kind, key, param, &err);

          if (rc != PB_OK)
            return pb_propagate_result (error, rc, &err), NULL;
          g_strv_builder_add (builder, key);
          g_strv_builder_add (builder, param);
        }
      pairs = g_strv_builder_end (builder);

      /* A pasted process keeps its name where no process has it (after a
       * cut, say); otherwise it is named as a new one is. */
      if (name[0] != '\0' && !g_hash_table_contains (taken, name) && !name_in_use (document, name))
        {
          fresh = g_strdup (name);
          g_hash_table_add (taken, g_strdup (name));
        }
      else
        fresh = pb_document_dup_free_name (document, kind_name, taken);

      op = pb_command_add (command, kind_name, fresh, (const char * const *) pairs,
                           x + px - left, y + py - top);
      op->a = addresses[i];
      op->bypassed = bypassed;
    }

  for (gsize i = 0; i < g_variant_n_children (links); i++)
    {
      guint32 from, to;
      guint16 from_port, to_port;
      guint64 flags;

      g_variant_get_child (links, i, "(uquqt)", &from, &from_port, &to, &to_port, &flags);
      if (from >= n || to >= n || flags > G_MAXUINT32)
        return refuse (error, _("a link names a process that is not there")), NULL;
      pb_command_connect (command,
                          pb_addr_with_port (addresses[from], from_port),
                          pb_addr_with_port (addresses[to], to_port),
                          (guint32) flags);
    }

  if (frames != NULL && !add_frames (document, command, frames, addresses, n, error))
    return NULL;
  return g_steal_pointer (&command);
}
