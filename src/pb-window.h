/* pb-window.h — a top-level window showing one topology
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_WINDOW (pb_window_get_type ())

G_DECLARE_FINAL_TYPE (PbWindow, pb_window, PB, WINDOW, AdwApplicationWindow)

PbWindow *pb_window_new (PbApplication *application);

G_END_DECLS
