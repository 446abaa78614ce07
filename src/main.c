/* main.c — entry point of the Pushback editor
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-application.h"

/* An executable run from the build tree finds its GSettings schema where
 * the build compiled it, so that `_build/src/pushback` runs as an
 * installed one does; a schema directory the caller set wins. */
static void
use_build_schemas (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  if (exe != NULL && g_str_has_prefix (exe, BUILD_ROOT "/"))
    g_setenv ("GSETTINGS_SCHEMA_DIR", BUILD_SCHEMA_DIR, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PbApplication) app = NULL;

  use_build_schemas ();

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = pb_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
