/* i18n.h — marking the runtime's messages for translation (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The runtime's messages reach people through the editor and
 * pushback-run, so they are translated with the application's, in the same
 * catalogue (the "pushback" text domain, GETTEXT_PACKAGE, given by meson).
 * As GLib does for its own messages, the runtime asks for its domain by
 * name with dgettext() at each message, and never calls textdomain():
 * the program decides the locale and where the catalogue lies
 * (setlocale(), bindtextdomain()). A program that does neither, such as
 * the runtime's tests, gets the English text. libintl is part of glibc,
 * so this costs the runtime no dependency.
 *
 * _() translates a message where it is made, such as the format given
 * to pb_error_set(). N_() only marks text for xgettext where a call
 * cannot stand, in static initialisers (the catalogue's descriptions
 * and docs), which are translated where they are handed out.
 */

#pragma once

#include <libintl.h>

#ifndef GETTEXT_PACKAGE
#error "GETTEXT_PACKAGE must name the text domain (runtime/meson.build)"
#endif

#define _(s)  dgettext (GETTEXT_PACKAGE, s)
#define N_(s) (s)
