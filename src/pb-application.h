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

PbApplication *pb_application_new        (void);
void           pb_application_open_file  (PbApplication *self,
                                          GFile         *file,
                                          PbWindow      *window);
void           pb_application_open_demo  (PbApplication *self);
void           pb_application_add_recent (PbApplication *self,
                                          GFile         *file);

G_END_DECLS
