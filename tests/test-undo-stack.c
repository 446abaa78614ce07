/* test-undo-stack.c — commands as data, and the stack that keeps them
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PbCommand and PbUndoStack on their own, with no document and no
 * runtime: the reverse of every op, and the stack's position, labels and
 * clean state.
 */

#include "config.h"

#include <libglib-testing/signal-logger.h>

#include <pushback/graph.h>

#include "pb-command.h"
#include "pb-undo-stack.h"

/* Reversing an op twice gives back what it does. */
static void
assert_reverse_twice (const PbOp *op)
{
  PbOp reverse, again;

  pb_op_reverse (op, &reverse);
  pb_op_reverse (&reverse, &again);

  g_assert_cmpint (again.type, ==, op->type);
  g_assert_cmphex (again.a, ==, op->a);
  g_assert_cmphex (again.b, ==, op->b);
  g_assert_cmpstr (again.kind, ==, op->kind);
  g_assert_cmpstr (again.key, ==, op->key);
  g_assert_cmpstr (again.old_value, ==, op->old_value);
  g_assert_cmpstr (again.new_value, ==, op->new_value);
  g_assert_cmpstr (again.name, ==, op->name);
  g_assert_true (g_strv_equal ((const char * const *) (again.params != NULL ? again.params : (char *[]) { NULL }),
                               (const char * const *) (op->params != NULL ? op->params : (char *[]) { NULL })));
  g_assert_cmpfloat (again.x, ==, op->x);
  g_assert_cmpfloat (again.y, ==, op->y);
  g_assert_cmpuint (again.flags, ==, op->flags);

  pb_op_clear (&reverse);
  pb_op_clear (&again);
}

static void
test_reverse (void)
{
  g_autoptr(PbCommand) command = pb_command_new ("Everything");
  static const char * const params[] = { "expr", "x * 2", NULL };
  PbOp reverse;
  PbOp *add;

  add = pb_command_add (command, "map", "map0", params, 10, 20);
  add->a = 0x10000;
  pb_command_remove (command, 0x20000, "seq", "seq0", NULL, 30, 40);
  pb_command_connect (command, 0x10001, 0x30000, PB_LINK_BREAK_INLINING);
  pb_command_disconnect (command, 0x10001, 0x30000, PB_LINK_BREAK_INLINING);
  pb_command_set_param (command, 0x10000, "expr", "x * 2", NULL);
  pb_command_set_name (command, 0x10000, "map0", "double");
  pb_command_set_flags (command, 0x10001, 0x30000, 0, PB_LINK_BREAK_INLINING);
  pb_command_move (command, 0x10000, 10, 20, 15.5, -4.25);
  g_assert_cmpuint (pb_command_get_n_ops (command), ==, 8);
  g_assert_cmpstr (pb_command_get_label (command), ==, "Everything");
  g_assert_true (pb_command_touches_graph (command));

  for (guint i = 0; i < pb_command_get_n_ops (command); i++)
    assert_reverse_twice (pb_command_get_op (command, i));

  /* Each reverse, field by field. */
  pb_op_reverse (pb_command_get_op (command, 0), &reverse);
  g_assert_cmpint (reverse.type, ==, PB_OP_REMOVE);
  g_assert_cmphex (reverse.a, ==, 0x10000);
  g_assert_cmpstr (reverse.kind, ==, "map");
  g_assert_cmpstr (reverse.name, ==, "map0");
  g_assert_cmpstr (reverse.params[1], ==, "x * 2");
  g_assert_cmpfloat (reverse.x, ==, 10);
  g_assert_cmpfloat (reverse.y, ==, 20);
  pb_op_clear (&reverse);

  pb_op_reverse (pb_command_get_op (command, 1), &reverse);
  g_assert_cmpint (reverse.type, ==, PB_OP_ADD);
  g_assert_cmphex (reverse.a, ==, 0x20000);
  g_assert_cmpfloat (reverse.x, ==, 30);
  g_assert_cmpfloat (reverse.y, ==, 40);
  pb_op_clear (&reverse);

  pb_op_reverse (pb_command_get_op (command, 2), &reverse);
  g_assert_cmpint (reverse.type, ==, PB_OP_DISCONNECT);
  g_assert_cmpuint (reverse.flags, ==, PB_LINK_BREAK_INLINING);
  pb_op_clear (&reverse);

  pb_op_reverse (pb_command_get_op (command, 3), &reverse);
  g_assert_cmpint (reverse.type, ==, PB_OP_CONNECT);
  g_assert_cmpuint (reverse.flags, ==, PB_LINK_BREAK_INLINING);
  pb_op_clear (&reverse);

  pb_op_reverse (pb_command_get_op (command, 4), &reverse);
  g_assert_cmpint (reverse.type, ==, PB_OP_SET_PARAM);
  g_assert_cmpstr (reverse.key, ==, "expr");
  g_assert_null (reverse.old_value);
  g_assert_cmpstr (reverse.new_value, ==, "x * 2");
  pb_op_clear (&reverse);

  pb_op_reverse (pb_command_get_op (command, 5), &reverse);
  g_assert_cmpint (reverse.type, ==, PB_OP_SET_NAME);
  g_assert_cmpstr (reverse.old_value, ==, "double");
  g_assert_cmpstr (reverse.new_value, ==, "map0");
  pb_op_clear (&reverse);

  pb_op_reverse (pb_command_get_op (command, 6), &reverse);
  g_assert_cmpint (reverse.type, ==, PB_OP_SET_FLAGS);
  g_assert_cmpuint (reverse.old_flags, ==, PB_LINK_BREAK_INLINING);
  g_assert_cmpuint (reverse.flags, ==, 0);
  pb_op_clear (&reverse);

  pb_op_reverse (pb_command_get_op (command, 7), &reverse);
  g_assert_cmpint (reverse.type, ==, PB_OP_MOVE);
  g_assert_cmpfloat (reverse.x, ==, 10);
  g_assert_cmpfloat (reverse.y, ==, 20);
  g_assert_cmpfloat (reverse.old_x, ==, 15.5);
  g_assert_cmpfloat (reverse.old_y, ==, -4.25);
  pb_op_clear (&reverse);
}

static void
test_touches_graph (void)
{
  g_autoptr(PbCommand) moves = pb_command_new ("Move Nodes");

  g_assert_false (pb_command_touches_graph (moves));
  pb_command_move (moves, 0x10000, 0, 0, 1, 1);
  pb_command_move (moves, 0x20000, 0, 0, 1, 1);
  g_assert_false (pb_command_touches_graph (moves));
  pb_command_set_name (moves, 0x10000, "a", "b");
  g_assert_true (pb_command_touches_graph (moves));
}

static void
assert_labels (PbUndoStack *stack,
               const char  *undo,
               const char  *redo)
{
  g_autofree char *undo_label = NULL;
  g_autofree char *redo_label = NULL;
  gboolean can_undo, can_redo;

  g_object_get (stack,
                "undo-label", &undo_label,
                "redo-label", &redo_label,
                "can-undo", &can_undo,
                "can-redo", &can_redo,
                NULL);
  g_assert_cmpstr (undo_label, ==, undo);
  g_assert_cmpstr (redo_label, ==, redo);
  g_assert_cmpint (can_undo, ==, undo != NULL);
  g_assert_cmpint (can_redo, ==, redo != NULL);
}

static void
test_stack (void)
{
  g_autoptr(PbUndoStack) stack = pb_undo_stack_new ();
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  g_autoptr(PbCommand) one = pb_command_new ("One");
  g_autoptr(PbCommand) two = pb_command_new ("Two");
  g_autoptr(PbCommand) three = pb_command_new ("Three");

  g_assert_true (pb_undo_stack_is_clean (stack));
  assert_labels (stack, NULL, NULL);
  g_assert_null (pb_undo_stack_next_undo (stack));
  g_assert_null (pb_undo_stack_next_redo (stack));

  gt_signal_logger_connect (logger, stack, "notify::can-undo");
  pb_undo_stack_push (stack, one);
  gt_signal_logger_assert_notify_emission_pop (logger, stack, "can-undo");
  gt_signal_logger_assert_no_emissions (logger);
  pb_undo_stack_push (stack, two);
  while (gt_signal_logger_get_n_emissions (logger) > 0)
    gt_signal_logger_assert_notify_emission_pop (logger, stack, "can-undo");
  g_assert_false (pb_undo_stack_is_clean (stack));
  assert_labels (stack, "Two", NULL);
  g_assert_true (pb_undo_stack_next_undo (stack) == two);

  pb_undo_stack_set_clean (stack);
  g_assert_true (pb_undo_stack_is_clean (stack));

  pb_undo_stack_undone (stack);
  assert_labels (stack, "One", "Two");
  g_assert_false (pb_undo_stack_is_clean (stack));
  pb_undo_stack_undone (stack);
  assert_labels (stack, NULL, "One");
  while (gt_signal_logger_get_n_emissions (logger) > 0)
    gt_signal_logger_assert_notify_emission_pop (logger, stack, "can-undo");
  g_assert_false (pb_undo_stack_can_undo (stack));

  pb_undo_stack_redone (stack);
  pb_undo_stack_redone (stack);
  g_assert_true (pb_undo_stack_is_clean (stack));
  assert_labels (stack, "Two", NULL);

  /* A push after an undo drops what could have been redone, and with it
   * the clean state when that was among it. */
  pb_undo_stack_undone (stack);
  pb_undo_stack_push (stack, three);
  assert_labels (stack, "Three", NULL);
  g_assert_false (pb_undo_stack_is_clean (stack));
  pb_undo_stack_undone (stack);
  g_assert_false (pb_undo_stack_is_clean (stack));
  pb_undo_stack_undone (stack);
  g_assert_false (pb_undo_stack_is_clean (stack));
  assert_labels (stack, NULL, "One");

  /* A push at the clean position keeps it reachable. */
  pb_undo_stack_set_clean (stack);
  pb_undo_stack_push (stack, two);
  pb_undo_stack_undone (stack);
  g_assert_true (pb_undo_stack_is_clean (stack));

  pb_undo_stack_push (stack, one);
  pb_undo_stack_clear (stack);
  g_assert_true (pb_undo_stack_is_clean (stack));
  assert_labels (stack, NULL, NULL);

  gt_signal_logger_free (g_steal_pointer (&logger));
  g_assert_finalize_object (g_steal_pointer (&stack));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Pushback/Command/reverse", test_reverse);
  g_test_add_func ("/Pushback/Command/touches-graph", test_touches_graph);
  g_test_add_func ("/Pushback/UndoStack/stack", test_stack);

  return g_test_run ();
}
