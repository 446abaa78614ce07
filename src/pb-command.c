/* pb-command.c — one undoable step: a list of edits and how to revert them
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A command is data, as in qpwgraph's command objects: the ops of one
 * step of the user's (a paste is many adds and connects; a drag of many
 * nodes is many moves), each holding both its before and its after. The
 * document applies ops to the runtime and to its model; a command never
 * applies itself, so that it can be built, inspected and tested without
 * a runtime.
 */

#include "config.h"

#include <string.h>

#include "pb-command.h"

struct _PbCommand
{
  GObject  parent_instance;

  char    *label;
  GArray  *ops;
};

G_DEFINE_FINAL_TYPE (PbCommand, pb_command, G_TYPE_OBJECT)

/**
 * pb_op_clear:
 *
 * Frees what @op owns and zeroes it.
 */
void
pb_op_clear (PbOp *op)
{
  g_free (op->kind);
  g_free (op->key);
  g_free (op->old_value);
  g_free (op->new_value);
  g_free (op->name);
  g_strfreev (op->params);
  g_clear_pointer (&op->old_state, g_variant_unref);
  g_clear_pointer (&op->state, g_variant_unref);
  memset (op, 0, sizeof *op);
}

/**
 * pb_op_reverse:
 * @op: an op
 * @reverse: (out caller-allocates): the op that undoes @op, owning copies
 *   of its strings; free with pb_op_clear()
 */
void
pb_op_reverse (const PbOp *op,
               PbOp       *reverse)
{
  static const PbOpType opposite[] = {
    [PB_OP_ADD] = PB_OP_REMOVE,
    [PB_OP_REMOVE] = PB_OP_ADD,
    [PB_OP_CONNECT] = PB_OP_DISCONNECT,
    [PB_OP_DISCONNECT] = PB_OP_CONNECT,
    [PB_OP_SET_PARAM] = PB_OP_SET_PARAM,
    [PB_OP_SET_NAME] = PB_OP_SET_NAME,
    [PB_OP_SET_FLAGS] = PB_OP_SET_FLAGS,
    [PB_OP_MOVE] = PB_OP_MOVE,
    [PB_OP_SET_BYPASS] = PB_OP_SET_BYPASS,
    [PB_OP_FRAME] = PB_OP_FRAME,
  };

  *reverse = (PbOp) {
    .type = opposite[op->type],
    .a = op->a,
    .b = op->b,
    .kind = g_strdup (op->kind),
    .key = g_strdup (op->key),
    .old_value = g_strdup (op->new_value),
    .new_value = g_strdup (op->old_value),
    .name = g_strdup (op->name),
    .params = g_strdupv (op->params),
    .old_x = op->x,
    .old_y = op->y,
    .x = op->old_x,
    .y = op->old_y,
    .old_flags = op->flags,
    .flags = op->old_flags,
    .old_bypassed = op->bypassed,
    .bypassed = op->old_bypassed,
    .frame = op->frame,
    .old_state = op->state != NULL ? g_variant_ref (op->state) : NULL,
    .state = op->old_state != NULL ? g_variant_ref (op->old_state) : NULL,
  };

  /* A link's flags belong to it, not to a change: joining again restores
   * the flags it was broken with. */
  if (op->type == PB_OP_CONNECT || op->type == PB_OP_DISCONNECT)
    reverse->flags = op->flags;
  /* A process comes back where it was, as it was. */
  if (op->type == PB_OP_ADD || op->type == PB_OP_REMOVE)
    {
      reverse->x = op->x;
      reverse->y = op->y;
      reverse->bypassed = op->bypassed;
    }
}

/**
 * pb_command_new:
 * @label: what the step does, for people: "Add map", "Delete 3 nodes"
 *
 * Returns: (transfer full): a command with no ops
 */
PbCommand *
pb_command_new (const char *label)
{
  PbCommand *self = g_object_new (PB_TYPE_COMMAND, NULL);

  self->label = g_strdup (label);
  return self;
}

const char *
pb_command_get_label (PbCommand *self)
{
  g_return_val_if_fail (PB_IS_COMMAND (self), NULL);
  return self->label;
}

guint
pb_command_get_n_ops (PbCommand *self)
{
  g_return_val_if_fail (PB_IS_COMMAND (self), 0);
  return self->ops->len;
}

/**
 * pb_command_get_op:
 * @i: 0 to pb_command_get_n_ops() - 1, in the order they apply
 *
 * Returns: (transfer none): op @i; the document fills in the address of
 *   an add when it first applies it, so the op is not const
 */
PbOp *
pb_command_get_op (PbCommand *self,
                   guint      i)
{
  g_return_val_if_fail (PB_IS_COMMAND (self), NULL);
  g_return_val_if_fail (i < self->ops->len, NULL);
  return &g_array_index (self->ops, PbOp, i);
}

/**
 * pb_command_touches_graph:
 *
 * Returns: whether any op changes the topology, rather than only how it
 *   is drawn: where nodes are, and the frames around them
 */
gboolean
pb_command_touches_graph (PbCommand *self)
{
  g_return_val_if_fail (PB_IS_COMMAND (self), FALSE);

  for (guint i = 0; i < self->ops->len; i++)
    {
      PbOpType type = g_array_index (self->ops, PbOp, i).type;

      if (type != PB_OP_MOVE && type != PB_OP_FRAME)
        return TRUE;
    }
  return FALSE;
}

static PbOp *
append (PbCommand *self,
        PbOpType   type)
{
  PbOp op = { .type = type };

  g_array_append_val (self->ops, op);
  return &g_array_index (self->ops, PbOp, self->ops->len - 1);
}

/**
 * pb_command_add:
 * @kind: the new process's kind
 * @name: (nullable): its name
 * @params: (nullable) (array zero-terminated=1): key, value pairs
 * @x: where its node goes
 * @y: where its node goes
 *
 * Appends the creation of a process. Its address is chosen when the op
 * first applies; later ops of the same command may name it through the
 * returned op's @a after that.
 *
 * Returns: (transfer none): the op
 */
PbOp *
pb_command_add (PbCommand          *self,
                const char         *kind,
                const char         *name,
                const char * const *params,
                double              x,
                double              y)
{
  PbOp *op;

  g_return_val_if_fail (PB_IS_COMMAND (self), NULL);

  op = append (self, PB_OP_ADD);
  op->kind = g_strdup (kind);
  op->name = g_strdup (name);
  op->params = g_strdupv ((char **) params);
  op->x = x;
  op->y = y;
  return op;
}

/**
 * pb_command_remove:
 *
 * Appends the removal of process @process, with everything needed to put
 * it back; its links must be broken by earlier ops of the command.
 *
 * Returns: (transfer none): the op, whose @bypassed the caller sets when
 *   the process is bypassed
 */
PbOp *
pb_command_remove (PbCommand          *self,
                   pb_addr             process,
                   const char         *kind,
                   const char         *name,
                   const char * const *params,
                   double              x,
                   double              y)
{
  PbOp *op;

  g_return_val_if_fail (PB_IS_COMMAND (self), NULL);

  op = append (self, PB_OP_REMOVE);
  op->a = process;
  op->kind = g_strdup (kind);
  op->name = g_strdup (name);
  op->params = g_strdupv ((char **) params);
  op->x = x;
  op->y = y;
  return op;
}

static void
append_link (PbCommand *self,
             PbOpType   type,
             pb_addr    source,
             pb_addr    sink,
             guint32    flags)
{
  PbOp *op = append (self, type);

  op->a = source;
  op->b = sink;
  op->flags = flags;
}

void
pb_command_connect (PbCommand *self,
                    pb_addr    source,
                    pb_addr    sink,
                    guint32    flags)
{
  g_return_if_fail (PB_IS_COMMAND (self));
  append_link (self, PB_OP_CONNECT, source, sink, flags);
}

void
pb_command_disconnect (PbCommand *self,
                       pb_addr    source,
                       pb_addr    sink,
                       guint32    flags)
{
  g_return_if_fail (PB_IS_COMMAND (self));
  append_link (self, PB_OP_DISCONNECT, source, sink, flags);
}

void
pb_command_set_param (PbCommand  *self,
                      pb_addr     process,
                      const char *key,
                      const char *old_value,
                      const char *new_value)
{
  PbOp *op;

  g_return_if_fail (PB_IS_COMMAND (self));

  op = append (self, PB_OP_SET_PARAM);
  op->a = process;
  op->key = g_strdup (key);
  op->old_value = g_strdup (old_value);
  op->new_value = g_strdup (new_value);
}

void
pb_command_set_bypass (PbCommand *self,
                       pb_addr    process,
                       gboolean   old_bypassed,
                       gboolean   bypassed)
{
  PbOp *op;

  g_return_if_fail (PB_IS_COMMAND (self));

  op = append (self, PB_OP_SET_BYPASS);
  op->a = process;
  op->old_bypassed = old_bypassed;
  op->bypassed = bypassed;
}

void
pb_command_set_name (PbCommand  *self,
                     pb_addr     process,
                     const char *old_name,
                     const char *new_name)
{
  PbOp *op;

  g_return_if_fail (PB_IS_COMMAND (self));

  op = append (self, PB_OP_SET_NAME);
  op->a = process;
  op->old_value = g_strdup (old_name);
  op->new_value = g_strdup (new_name);
}

void
pb_command_set_flags (PbCommand *self,
                      pb_addr    source,
                      pb_addr    sink,
                      guint32    old_flags,
                      guint32    flags)
{
  PbOp *op;

  g_return_if_fail (PB_IS_COMMAND (self));

  op = append (self, PB_OP_SET_FLAGS);
  op->a = source;
  op->b = sink;
  op->old_flags = old_flags;
  op->flags = flags;
}

void
pb_command_move (PbCommand *self,
                 pb_addr    process,
                 double     old_x,
                 double     old_y,
                 double     x,
                 double     y)
{
  PbOp *op;

  g_return_if_fail (PB_IS_COMMAND (self));

  op = append (self, PB_OP_MOVE);
  op->a = process;
  op->old_x = old_x;
  op->old_y = old_y;
  op->x = x;
  op->y = y;
}

/**
 * pb_command_frame:
 * @frame: the frame's id in the document
 * @old_state: (nullable): its state before (PB_FRAME_STATE_TYPE); NULL
 *   when the op makes it
 * @state: (nullable): its state after; NULL when the op removes it
 *
 * Adds an op that makes, changes or removes a frame. Floating references
 * to the states are taken.
 */
void
pb_command_frame (PbCommand *self,
                  guint      frame,
                  GVariant  *old_state,
                  GVariant  *state)
{
  PbOp *op;

  g_return_if_fail (PB_IS_COMMAND (self));
  g_return_if_fail (old_state != NULL || state != NULL);

  op = append (self, PB_OP_FRAME);
  op->frame = frame;
  op->old_state = old_state != NULL ? g_variant_ref_sink (old_state) : NULL;
  op->state = state != NULL ? g_variant_ref_sink (state) : NULL;
}

static void
pb_command_finalize (GObject *object)
{
  PbCommand *self = PB_COMMAND (object);

  g_free (self->label);
  g_array_unref (self->ops);

  G_OBJECT_CLASS (pb_command_parent_class)->finalize (object);
}

static void
pb_command_class_init (PbCommandClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pb_command_finalize;
}

static void
pb_command_init (PbCommand *self)
{
  self->ops = g_array_new (FALSE, TRUE, sizeof (PbOp));
  g_array_set_clear_func (self->ops, (GDestroyNotify) pb_op_clear);
}
