/* pb-trust.h — which documents' code this user has agreed to run
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean pb_trust_is_trusted (GSettings  *settings,
                              const char *digest);
void     pb_trust_remember   (GSettings  *settings,
                              const char *digest);

G_END_DECLS
