/* pb-error.h — runtime results as GErrors
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include <pushback/error.h>

G_BEGIN_DECLS

/**
 * PB_RUNTIME_ERROR:
 *
 * The domain of errors that the runtime reported: the code is the
 * pb_result (PB_EBUSY, PB_ETYPE...), the message the runtime's, which
 * names the process or the file.
 */
#define PB_RUNTIME_ERROR (pb_runtime_error_quark ())

GQuark   pb_runtime_error_quark (void);
gboolean pb_propagate_result    (GError         **error,
                                 int              code,
                                 const pb_error  *err);

G_END_DECLS
