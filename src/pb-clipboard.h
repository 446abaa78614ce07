/* pb-clipboard.h — processes and their links as clipboard contents
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pb-command.h"
#include "pb-document.h"

G_BEGIN_DECLS

/** The clipboard format of copied processes, between windows too. */
#define PB_CLIPBOARD_MIME_TYPE "application/x-pushback-processes"

GBytes    *pb_clipboard_encode (PbDocument  *document,
                                GPtrArray   *nodes);
PbCommand *pb_clipboard_decode (PbDocument  *document,
                                GBytes      *bytes,
                                double       x,
                                double       y,
                                GError     **error);

G_END_DECLS
