/* pb-application.h — the application object
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_APPLICATION (pb_application_get_type ())

G_DECLARE_FINAL_TYPE (PbApplication, pb_application, PB, APPLICATION, AdwApplication)

PbApplication *pb_application_new (void);

G_END_DECLS
