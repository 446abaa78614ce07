/* pb-error.c — runtime results as GErrors
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pb-error.h"

G_DEFINE_QUARK (pb-runtime-error-quark, pb_runtime_error)

/**
 * pb_propagate_result:
 * @error: (nullable): where to put the error
 * @code: a pb_result
 * @err: (nullable): the runtime's message for @code, if it gave one
 *
 * Turns a runtime result into the GLib convention. A result without a
 * message gets pb_strerror()'s.
 *
 * Returns: %TRUE for PB_OK, %FALSE (with @error set) otherwise
 */
gboolean
pb_propagate_result (GError         **error,
                     int              code,
                     const pb_error  *err)
{
  if (code == PB_OK)
    return TRUE;

  if (err != NULL && err->code != PB_OK && err->message[0] != '\0')
    g_set_error_literal (error, PB_RUNTIME_ERROR, code, err->message);
  else
    g_set_error_literal (error, PB_RUNTIME_ERROR, code, pb_strerror (code));
  return FALSE;
}
