/* pb-undo-stack.h — the steps that can be undone and redone
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "pb-command.h"
#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_UNDO_STACK (pb_undo_stack_get_type ())

G_DECLARE_FINAL_TYPE (PbUndoStack, pb_undo_stack, PB, UNDO_STACK, GObject)

PbUndoStack *pb_undo_stack_new       (void);
void         pb_undo_stack_push      (PbUndoStack *self,
                                      PbCommand   *command);
PbCommand   *pb_undo_stack_next_undo (PbUndoStack *self);
PbCommand   *pb_undo_stack_next_redo (PbUndoStack *self);
void         pb_undo_stack_undone    (PbUndoStack *self);
void         pb_undo_stack_redone    (PbUndoStack *self);
gboolean     pb_undo_stack_can_undo  (PbUndoStack *self);
gboolean     pb_undo_stack_can_redo  (PbUndoStack *self);
void         pb_undo_stack_set_clean (PbUndoStack *self);
gboolean     pb_undo_stack_is_clean  (PbUndoStack *self);
void         pb_undo_stack_forget_clean (PbUndoStack *self);
void         pb_undo_stack_clear     (PbUndoStack *self);

G_END_DECLS
