/* pb-build-tree.h — running from the build tree as installed
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An executable run from the build tree finds its GSettings schema and
 * its translations where the build made them, so that `_build/src/...`
 * runs as an installed one does. Shared by the editor and pushback-run,
 * which link nothing else in common, hence a header.
 */

#pragma once

#include <glib.h>
#include <glib/gi18n.h>

#include "config.h"

/* Binds the text domain, and points GSettings at the build's schema
 * (unless the caller set a schema directory) when run uninstalled. */
static inline void
pb_bind_resources (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  if (exe != NULL && g_str_has_prefix (exe, BUILD_ROOT "/"))
    {
      g_setenv ("GSETTINGS_SCHEMA_DIR", BUILD_SCHEMA_DIR, FALSE);
      bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
    }
  else
    bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
