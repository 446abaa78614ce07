/* pb-undo-stack.c — the steps that can be undone and redone
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The stack only keeps commands and a position among them; the document
 * applies them. It also remembers the position of the last save, so that
 * "modified" is a comparison, and undoing back to the saved state makes
 * the document clean again.
 */

#include "config.h"

#include "pb-undo-stack.h"

struct _PbUndoStack
{
  GObject    parent_instance;

  GPtrArray *commands;
  guint      position;  /* commands before it are done, after it undone */
  gint64     clean;     /* the position of the last save; -1 when lost */
};

G_DEFINE_FINAL_TYPE (PbUndoStack, pb_undo_stack, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_UNDO_LABEL,
  PROP_REDO_LABEL,
  PROP_CLEAN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * pb_undo_stack_new:
 *
 * Returns: (transfer full): an empty stack, clean
 */
PbUndoStack *
pb_undo_stack_new (void)
{
  return g_object_new (PB_TYPE_UNDO_STACK, NULL);
}

static void
notify_all (PbUndoStack *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 1; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * pb_undo_stack_push:
 * @command: a command the document has just applied
 *
 * Records @command as the next step to undo; the steps that were undone
 * can no longer be redone.
 */
void
pb_undo_stack_push (PbUndoStack *self,
                    PbCommand   *command)
{
  g_return_if_fail (PB_IS_UNDO_STACK (self));
  g_return_if_fail (PB_IS_COMMAND (command));

  if (self->position < self->commands->len)
    {
      if (self->clean > (gint64) self->position)
        self->clean = -1;
      g_ptr_array_set_size (self->commands, self->position);
    }
  g_ptr_array_add (self->commands, g_object_ref (command));
  self->position++;
  notify_all (self);
}

/**
 * pb_undo_stack_next_undo:
 *
 * Returns: (transfer none) (nullable): the command that undo reverts
 */
PbCommand *
pb_undo_stack_next_undo (PbUndoStack *self)
{
  g_return_val_if_fail (PB_IS_UNDO_STACK (self), NULL);

  if (self->position == 0)
    return NULL;
  return g_ptr_array_index (self->commands, self->position - 1);
}

/**
 * pb_undo_stack_next_redo:
 *
 * Returns: (transfer none) (nullable): the command that redo applies again
 */
PbCommand *
pb_undo_stack_next_redo (PbUndoStack *self)
{
  g_return_val_if_fail (PB_IS_UNDO_STACK (self), NULL);

  if (self->position == self->commands->len)
    return NULL;
  return g_ptr_array_index (self->commands, self->position);
}

/**
 * pb_undo_stack_undone:
 *
 * Says that the document reverted pb_undo_stack_next_undo().
 */
void
pb_undo_stack_undone (PbUndoStack *self)
{
  g_return_if_fail (PB_IS_UNDO_STACK (self));
  g_return_if_fail (self->position > 0);

  self->position--;
  notify_all (self);
}

/**
 * pb_undo_stack_redone:
 *
 * Says that the document applied pb_undo_stack_next_redo() again.
 */
void
pb_undo_stack_redone (PbUndoStack *self)
{
  g_return_if_fail (PB_IS_UNDO_STACK (self));
  g_return_if_fail (self->position < self->commands->len);

  self->position++;
  notify_all (self);
}

gboolean
pb_undo_stack_can_undo (PbUndoStack *self)
{
  g_return_val_if_fail (PB_IS_UNDO_STACK (self), FALSE);
  return self->position > 0;
}

gboolean
pb_undo_stack_can_redo (PbUndoStack *self)
{
  g_return_val_if_fail (PB_IS_UNDO_STACK (self), FALSE);
  return self->position < self->commands->len;
}

/**
 * pb_undo_stack_set_clean:
 *
 * Marks the present position as the saved state.
 */
void
pb_undo_stack_set_clean (PbUndoStack *self)
{
  g_return_if_fail (PB_IS_UNDO_STACK (self));

  self->clean = self->position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLEAN]);
}

/**
 * pb_undo_stack_is_clean:
 *
 * Returns: whether the document is as it was last saved
 */
gboolean
pb_undo_stack_is_clean (PbUndoStack *self)
{
  g_return_val_if_fail (PB_IS_UNDO_STACK (self), FALSE);
  return self->clean == (gint64) self->position;
}

/**
 * pb_undo_stack_forget_clean:
 *
 * Says that no position of the stack is the saved state: the document
 * differs from its file whatever is undone (a recovered autosave).
 */
void
pb_undo_stack_forget_clean (PbUndoStack *self)
{
  g_return_if_fail (PB_IS_UNDO_STACK (self));

  self->clean = -1;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLEAN]);
}

/**
 * pb_undo_stack_clear:
 *
 * Forgets every step; the present state becomes the clean one.
 */
void
pb_undo_stack_clear (PbUndoStack *self)
{
  g_return_if_fail (PB_IS_UNDO_STACK (self));

  g_ptr_array_set_size (self->commands, 0);
  self->position = 0;
  self->clean = 0;
  notify_all (self);
}

static void
pb_undo_stack_finalize (GObject *object)
{
  PbUndoStack *self = PB_UNDO_STACK (object);

  g_ptr_array_unref (self->commands);

  G_OBJECT_CLASS (pb_undo_stack_parent_class)->finalize (object);
}

static const char *
label_of (PbCommand *command)
{
  return command != NULL ? pb_command_get_label (command) : NULL;
}

static void
pb_undo_stack_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PbUndoStack *self = PB_UNDO_STACK (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, pb_undo_stack_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, pb_undo_stack_can_redo (self));
      break;
    case PROP_UNDO_LABEL:
      g_value_set_string (value, label_of (pb_undo_stack_next_undo (self)));
      break;
    case PROP_REDO_LABEL:
      g_value_set_string (value, label_of (pb_undo_stack_next_redo (self)));
      break;
    case PROP_CLEAN:
      g_value_set_boolean (value, pb_undo_stack_is_clean (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_undo_stack_class_init (PbUndoStackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pb_undo_stack_finalize;
  object_class->get_property = pb_undo_stack_get_property;

  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNDO_LABEL] =
    g_param_spec_string ("undo-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REDO_LABEL] =
    g_param_spec_string ("redo-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLEAN] =
    g_param_spec_boolean ("clean", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pb_undo_stack_init (PbUndoStack *self)
{
  self->commands = g_ptr_array_new_with_free_func (g_object_unref);
}
