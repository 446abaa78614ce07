/* pb-document-frames.c — the frames a person draws around processes
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Frames belong to the document, not to the runtime: their ops change
 * only the models, and are undone like every other step. A process lies
 * in one frame at most. Deleting processes takes them out of their
 * frames within the same step, and a frame left empty goes with them.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <pushback/store.h>

#include "pb-document-private.h"

/**
 * pb_document_get_frames:
 *
 * Returns: (transfer none): a list model of the document's PbFrames, in
 *   the order they were made; drawn in that order, later ones on top
 */
GListModel *
pb_document_get_frames (PbDocument *self)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);
  return G_LIST_MODEL (self->frames);
}

/**
 * pb_document_get_next_frame_id:
 *
 * Returns: the id the next frame made will have, which no frame has had
 *   since the document was opened; a paste numbers its frames from it
 */
guint
pb_document_get_next_frame_id (PbDocument *self)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), 0);
  return self->next_frame_id;
}

/**
 * pb_document_get_frame_of:
 * @process: a process (the port bits are ignored)
 *
 * Returns: (transfer none) (nullable): the frame @process lies in
 */
PbFrame *
pb_document_get_frame_of (PbDocument *self,
                          pb_addr     process)
{
  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);
  return g_hash_table_lookup (self->frame_of, ADDR_KEY (pb_addr_process_of (process)));
}

static PbFrame *
find_frame (PbDocument *self,
            guint       id,
            guint      *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->frames));

  for (guint i = 0; i < n; i++)
    {
      PbFrame *frame = g_list_model_get_item (G_LIST_MODEL (self->frames), i);

      g_object_unref (frame);
      if (pb_frame_get_id (frame) == id)
        {
          if (position != NULL)
            *position = i;
          return frame;
        }
    }
  return NULL;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  guint x = pb_frame_get_id ((PbFrame *) a), y = pb_frame_get_id ((PbFrame *) b);

  return x < y ? -1 : x > y;
}

/* Indexes, or unindexes, the members @state names as @frame's. */
static void
index_members (PbDocument *self,
               PbFrame    *frame,
               GVariant   *state,
               gboolean    add)
{
  g_autoptr(GVariant) array = g_variant_get_child_value (state, 4);
  gsize n;
  const pb_addr *members = g_variant_get_fixed_array (array, &n, sizeof (pb_addr));

  for (gsize i = 0; i < n; i++)
    if (add)
      g_hash_table_insert (self->frame_of, ADDR_KEY (members[i]), frame);
    else if (g_hash_table_lookup (self->frame_of, ADDR_KEY (members[i])) == frame)
      g_hash_table_remove (self->frame_of, ADDR_KEY (members[i]));
}

/* Applies a PB_OP_FRAME: makes, changes or removes the frame. */
int
_pb_document_apply_frame (PbDocument *self,
                          const PbOp *op,
                          pb_error   *err)
{
  guint position = 0;
  PbFrame *frame = find_frame (self, op->frame, &position);

  if (op->old_state == NULL)
    {
      g_autoptr(PbFrame) made = NULL;

      if (frame != NULL)
        return pb_error_set (err, PB_EEXIST, "frame %u exists", op->frame);
      made = pb_frame_new (op->frame, op->state);
      index_members (self, made, op->state, TRUE);
      self->next_frame_id = MAX (self->next_frame_id, op->frame + 1);
      /* In the order they were first made, which undoing a removal
       * keeps, and saving and loading too. */
      g_list_store_insert_sorted (self->frames, made, compare_ids, NULL);
      return PB_OK;
    }
  if (frame == NULL)
    return pb_error_set (err, PB_ENOENT, "no frame %u", op->frame);
  /* The index first: views that hear of the change ask it. */
  index_members (self, frame, pb_frame_get_state (frame), FALSE);
  if (op->state == NULL)
    {
      g_list_store_remove (self->frames, position);
      return PB_OK;
    }
  index_members (self, frame, op->state, TRUE);
  pb_frame_set_state (frame, op->state);
  return PB_OK;
}

/* @state without the members in @drop; NULL when none would be left. */
static GVariant *
state_with_members (GVariant   *state,
                    GHashTable *drop)
{
  const char *title, *color, *note;
  gboolean collapsed;
  g_autoptr(GVariant) members = NULL;
  g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (pb_addr));
  const pb_addr *old;
  gsize n;

  g_variant_get (state, "(&s&s&sb@at)", &title, &color, &note, &collapsed, &members);
  old = g_variant_get_fixed_array (members, &n, sizeof (pb_addr));
  for (gsize i = 0; i < n; i++)
    if (!g_hash_table_contains (drop, ADDR_KEY (old[i])))
      g_array_append_val (kept, old[i]);
  if (kept->len == 0)
    return NULL;
  return pb_frame_state_new (title, color, note, collapsed, (const pb_addr *) kept->data,
                             kept->len);
}

/* Adds to @command, which is about to be executed, the frame ops its
 * removals of processes call for: each process removed leaves its frame,
 * and a frame left with none goes too. Undoing the step brings both
 * back. */
void
_pb_document_complete_frames (PbDocument *self,
                              PbCommand  *command)
{
  g_autoptr(GHashTable) removed = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) touched = g_ptr_array_new ();
  guint n = pb_command_get_n_ops (command);

  for (guint i = 0; i < n; i++)
    {
      const PbOp *op = pb_command_get_op (command, i);
      PbFrame *frame;

      /* A step that already says what becomes of frames is complete. */
      if (op->type == PB_OP_FRAME)
        return;
      if (op->type != PB_OP_REMOVE || (frame = pb_document_get_frame_of (self, op->a)) == NULL)
        continue;
      g_hash_table_add (removed, ADDR_KEY (op->a));
      if (!g_ptr_array_find (touched, frame, NULL))
        g_ptr_array_add (touched, frame);
    }
  for (guint i = 0; i < touched->len; i++)
    {
      PbFrame *frame = g_ptr_array_index (touched, i);
      GVariant *state = pb_frame_get_state (frame);

      pb_command_frame (command, pb_frame_get_id (frame), state,
                        state_with_members (state, removed));
    }
}

/* Puts the frames of a loaded document in the model; they are numbered
 * from 1, as the store saved them. */
void
_pb_document_load_frames (PbDocument         *self,
                          const pb_store_doc *doc)
{
  for (size_t i = 0; i < doc->n_frames; i++)
    {
      const pb_store_frame *f = &doc->frames[i];
      g_autoptr(PbFrame) frame = pb_frame_new ((guint) i + 1,
                                               pb_frame_state_new (f->title, f->color, f->note,
                                                                   f->collapsed, f->members,
                                                                   f->n_members));

      index_members (self, frame, pb_frame_get_state (frame), TRUE);
      g_list_store_append (self->frames, frame);
    }
  self->next_frame_id = (guint) doc->n_frames + 1;
}

/* The frames as the store saves them, pointing into the frames' states:
 * valid until a frame changes. Free with g_free(). */
pb_store_frame *
_pb_document_dup_store_frames (PbDocument *self,
                               size_t     *n_frames)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->frames));
  pb_store_frame *frames = g_new0 (pb_store_frame, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PbFrame) frame = g_list_model_get_item (G_LIST_MODEL (self->frames), i);
      gsize n_members;

      frames[i].title = pb_frame_get_title (frame);
      frames[i].color = pb_frame_get_color (frame);
      frames[i].note = pb_frame_get_note (frame);
      frames[i].collapsed = pb_frame_get_collapsed (frame);
      frames[i].members = pb_frame_get_members (frame, &n_members);
      frames[i].n_members = n_members;
    }
  *n_frames = n;
  return frames;
}

/* A colour for a new frame: the first of the palette that no frame has,
 * or, when all are taken, the next in turn. */
static const char *
next_color (PbDocument *self)
{
  const char * const *colors = pb_frame_colors ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->frames));
  guint n_colors = g_strv_length ((char **) colors);

  for (guint c = 0; c < n_colors; c++)
    {
      gboolean taken = FALSE;

      for (guint i = 0; i < n && !taken; i++)
        {
          g_autoptr(PbFrame) frame = g_list_model_get_item (G_LIST_MODEL (self->frames), i);

          taken = g_strcmp0 (pb_frame_get_color (frame), colors[c]) == 0;
        }
      if (!taken)
        return colors[c];
    }
  return colors[n % n_colors];
}

/**
 * pb_document_add_frame:
 * @nodes: (element-type PbNode): the nodes to frame, at least one
 * @title: (nullable): its title; %NULL for "Frame", numbered if taken
 * @error: why no frame was made
 *
 * Draws a frame around @nodes as one step, in a colour no other frame
 * has where one is left. Nodes already in other frames leave them; a
 * frame left empty goes.
 *
 * Returns: (transfer none) (nullable): the new frame
 */
PbFrame *
pb_document_add_frame (PbDocument  *self,
                       GPtrArray   *nodes,
                       const char  *title,
                       GError     **error)
{
  g_autoptr(PbCommand) command = NULL;
  g_autoptr(GHashTable) moved = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) left = g_ptr_array_new ();
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (pb_addr));
  g_autofree char *free_title = NULL;
  guint id;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (nodes != NULL && nodes->len > 0, NULL);

  if (title == NULL)
    {
      g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->frames));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(PbFrame) frame = g_list_model_get_item (G_LIST_MODEL (self->frames), i);

          g_hash_table_add (taken, (gpointer) pb_frame_get_title (frame));
        }
      /* Translators: the title of a new frame, numbered after the first. */
      free_title = g_strdup (_("Frame"));
      for (guint k = 2; g_hash_table_contains (taken, free_title); k++)
        {
          g_free (free_title);
          free_title = g_strdup_printf (_("Frame %u"), k);
        }
      title = free_title;
    }

  command = pb_command_new (_("Add Frame"));
  for (guint i = 0; i < nodes->len; i++)
    {
      pb_addr process = pb_node_get_address (g_ptr_array_index (nodes, i));
      PbFrame *frame = pb_document_get_frame_of (self, process);

      g_hash_table_add (moved, ADDR_KEY (process));
      g_array_append_val (members, process);
      if (frame != NULL && !g_ptr_array_find (left, frame, NULL))
        g_ptr_array_add (left, frame);
    }
  for (guint i = 0; i < left->len; i++)
    {
      PbFrame *frame = g_ptr_array_index (left, i);
      GVariant *state = pb_frame_get_state (frame);

      pb_command_frame (command, pb_frame_get_id (frame), state,
                        state_with_members (state, moved));
    }
  id = self->next_frame_id;
  pb_command_frame (command, id, NULL,
                    pb_frame_state_new (title, next_color (self), "", FALSE,
                                        (const pb_addr *) members->data, members->len));
  if (!pb_document_execute (self, command, error))
    return NULL;
  return find_frame (self, id, NULL);
}

/**
 * pb_document_remove_frame:
 *
 * Removes @frame as one step; its nodes stay where they are.
 *
 * Returns: whether it was removed
 */
gboolean
pb_document_remove_frame (PbDocument  *self,
                          PbFrame     *frame,
                          GError     **error)
{
  g_autoptr(PbCommand) command = NULL;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (PB_IS_FRAME (frame), FALSE);

  command = pb_command_new (_("Remove Frame"));
  pb_command_frame (command, pb_frame_get_id (frame), pb_frame_get_state (frame), NULL);
  return pb_document_execute (self, command, error);
}

/**
 * pb_document_edit_frame:
 * @title: (nullable): a new title, one line, not empty; %NULL keeps it
 * @color: (nullable): a name from pb_frame_colors(); %NULL keeps it
 * @note: (nullable): a new note; %NULL keeps it
 * @collapsed: 0 or 1 to expand or collapse it; -1 keeps it
 * @error: why the change was refused: a title that is empty or not one
 *   line
 *
 * Changes @frame as one step, named for what changed ("Rename Frame",
 * "Collapse Frame"...). A change to what it already is does nothing.
 *
 * Returns: whether the frame is now as asked
 */
gboolean
pb_document_edit_frame (PbDocument  *self,
                        PbFrame     *frame,
                        const char  *title,
                        const char  *color,
                        const char  *note,
                        int          collapsed,
                        GError     **error)
{
  g_autoptr(PbCommand) command = NULL;
  g_autoptr(GVariant) state = NULL;
  g_autofree char *clean = title != NULL ? g_strstrip (g_strdup (title)) : NULL;
  const char *label;
  gsize n;
  const pb_addr *members;

  g_return_val_if_fail (PB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (PB_IS_FRAME (frame), FALSE);
  g_return_val_if_fail (color == NULL || pb_store_frame_color_valid (color), FALSE);

  title = clean;
  if (title != NULL && (title[0] == '\0' || strchr (title, '\n') != NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A frame’s title is one line of text, not empty"));
      return FALSE;
    }

  if (collapsed >= 0 && (collapsed != 0) != pb_frame_get_collapsed (frame))
    label = collapsed ? _("Collapse Frame") : _("Expand Frame");
  else if (title != NULL && g_strcmp0 (title, pb_frame_get_title (frame)) != 0)
    label = _("Rename Frame");
  else if (color != NULL && g_strcmp0 (color, pb_frame_get_color (frame)) != 0)
    label = _("Change Frame Colour");
  else if (note != NULL && g_strcmp0 (note, pb_frame_get_note (frame)) != 0)
    label = _("Edit Frame Note");
  else
    return TRUE;

  members = pb_frame_get_members (frame, &n);
  state = g_variant_ref_sink (pb_frame_state_new (title != NULL ? title : pb_frame_get_title (frame),
                                                  color != NULL ? color : pb_frame_get_color (frame),
                                                  note != NULL ? note : pb_frame_get_note (frame),
                                                  collapsed >= 0 ? collapsed != 0
                                                                 : pb_frame_get_collapsed (frame),
                                                  members, n));
  command = pb_command_new (label);
  pb_command_frame (command, pb_frame_get_id (frame), pb_frame_get_state (frame), state);
  return pb_document_execute (self, command, error);
}
