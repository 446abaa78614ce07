/* pb-command.h — one undoable step: a list of edits and how to revert them
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include <pushback/addr.h>

#include "pb-types.h"

G_BEGIN_DECLS

/**
 * PbOpType:
 * @PB_OP_ADD: a process appears: @a, @kind, @name, @params, at @x, @y,
 *   bypassed when @bypassed
 * @PB_OP_REMOVE: the same process goes; its links went in earlier ops
 * @PB_OP_CONNECT: the output port @a is joined to the input port @b, with
 *   @flags
 * @PB_OP_DISCONNECT: the link from @a to @b, with @flags, is broken
 * @PB_OP_SET_PARAM: parameter @key of process @a goes from @old_value to
 *   @new_value (NULL: the kind's default)
 * @PB_OP_SET_NAME: process @a is renamed from @old_value to @new_value
 * @PB_OP_SET_FLAGS: the link from @a to @b has its flags go from
 *   @old_flags to @flags
 * @PB_OP_MOVE: the node of process @a goes from (@old_x, @old_y) to
 *   (@x, @y); layout only, the runtime never hears of it
 * @PB_OP_SET_BYPASS: process @a goes from bypassed when @old_bypassed to
 *   bypassed when @bypassed
 *
 * Every op carries what its reverse needs, so undoing a command is
 * applying the reverse of each op, last first (pb_op_reverse()).
 */
typedef enum
{
  PB_OP_ADD,
  PB_OP_REMOVE,
  PB_OP_CONNECT,
  PB_OP_DISCONNECT,
  PB_OP_SET_PARAM,
  PB_OP_SET_NAME,
  PB_OP_SET_FLAGS,
  PB_OP_MOVE,
  PB_OP_SET_BYPASS,
  PB_OP_FRAME,
} PbOpType;

typedef struct
{
  PbOpType   type;
  pb_addr    a;
  pb_addr    b;
  char      *kind;
  char      *key;
  char      *old_value;
  char      *new_value;
  char      *name;
  char     **params;   /* ADD and REMOVE: key, value, key, value..., NULL */
  double     old_x;
  double     old_y;
  double     x;
  double     y;
  guint32    old_flags;
  guint32    flags;
  gboolean   old_bypassed;
  gboolean   bypassed;
  guint      frame;      /* FRAME: the frame's id in the document */
  GVariant  *old_state;  /* FRAME: its state before and after, */
  GVariant  *state;      /* PB_FRAME_STATE_TYPE; NULL where it is absent */
} PbOp;

void pb_op_clear   (PbOp       *op);
void pb_op_reverse (const PbOp *op,
                    PbOp       *reverse);

#define PB_TYPE_COMMAND (pb_command_get_type ())

G_DECLARE_FINAL_TYPE (PbCommand, pb_command, PB, COMMAND, GObject)

PbCommand  *pb_command_new            (const char  *label);
const char *pb_command_get_label      (PbCommand   *self);
guint       pb_command_get_n_ops      (PbCommand   *self);
PbOp       *pb_command_get_op         (PbCommand   *self,
                                       guint        i);
gboolean    pb_command_touches_graph  (PbCommand   *self);
PbOp       *pb_command_add            (PbCommand   *self,
                                       const char  *kind,
                                       const char  *name,
                                       const char * const *params,
                                       double       x,
                                       double       y);
PbOp       *pb_command_remove         (PbCommand   *self,
                                       pb_addr      process,
                                       const char  *kind,
                                       const char  *name,
                                       const char * const *params,
                                       double       x,
                                       double       y);
void        pb_command_connect        (PbCommand   *self,
                                       pb_addr      source,
                                       pb_addr      sink,
                                       guint32      flags);
void        pb_command_disconnect     (PbCommand   *self,
                                       pb_addr      source,
                                       pb_addr      sink,
                                       guint32      flags);
void        pb_command_set_param      (PbCommand   *self,
                                       pb_addr      process,
                                       const char  *key,
                                       const char  *old_value,
                                       const char  *new_value);
void        pb_command_set_bypass     (PbCommand   *self,
                                       pb_addr      process,
                                       gboolean     old_bypassed,
                                       gboolean     bypassed);
void        pb_command_set_name       (PbCommand   *self,
                                       pb_addr      process,
                                       const char  *old_name,
                                       const char  *new_name);
void        pb_command_set_flags      (PbCommand   *self,
                                       pb_addr      source,
                                       pb_addr      sink,
                                       guint32      old_flags,
                                       guint32      flags);
void        pb_command_frame          (PbCommand   *self,
                                       guint        frame,
                                       GVariant    *old_state,
                                       GVariant    *state);
void        pb_command_move           (PbCommand   *self,
                                       pb_addr      process,
                                       double       old_x,
                                       double       old_y,
                                       double       x,
                                       double       y);

G_END_DECLS
