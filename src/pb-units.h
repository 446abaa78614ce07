/* pb-units.h — numbers as people read them: rates, durations, shares
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *pb_format_rate     (double per_second);
char *pb_format_duration (double nanoseconds);
char *pb_format_share    (double share);

G_END_DECLS
