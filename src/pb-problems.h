/* pb-problems.h — every process that is left out or failed, in one list
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pb-canvas.h"
#include "pb-node.h"
#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_PROBLEMS (pb_problems_get_type ())

G_DECLARE_FINAL_TYPE (PbProblems, pb_problems, PB, PROBLEMS, GtkWidget)

guint    pb_problems_get_n_problems   (PbProblems *self);
gboolean pb_problems_node_has_problem (PbNode     *node);

G_END_DECLS
