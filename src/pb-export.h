/* pb-export.h — the graph as a picture, PNG or SVG, drawn with cairo
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "pb-document.h"

G_BEGIN_DECLS

gboolean pb_export_document (PbDocument  *document,
                             const char  *path,
                             GError     **error);
gboolean pb_export_wanted   (int          argc,
                             char       **argv);
int      pb_export_main     (int          argc,
                             char       **argv);

G_END_DECLS
