/* quote.h — user text, made fit for a one-line message (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Messages name what was wrong, often by quoting it: a parameter's value,
 * a kind's name, a name from a file. Such text can hold newlines, control
 * characters and bytes that are not UTF-8, which would break the promise
 * of one readable line (and a GTK label), or be very long.
 */

/* Room for pb_quote()'s result, with its NUL. */
#define PB_QUOTE_MAX 48

/* Whether @s[0 .. @n) is well-formed UTF-8. Any thread. */
bool        pb_utf8_valid (const char *s,
                           size_t      n);

/* Writes at most 40 bytes of @s to @buf, whole UTF-8 characters only, '?'
 * for control characters and invalid bytes, and "..." when cut. Returns:
 * @buf. Any thread. */
const char *pb_quote      (const char *s,
                           char        buf[PB_QUOTE_MAX]);
