/* main.c — entry point of the Pushback editor
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-application.h"

/* An executable run from the build tree finds its GSettings schema and
 * its translations where the build made them, so that
 * `_build/src/pushback` runs as an installed one does; a schema directory
 * the caller set wins. */
static gboolean
run_from_build_tree (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  return exe != NULL && g_str_has_prefix (exe, BUILD_ROOT "/");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PbApplication) app = NULL;

  if (run_from_build_tree ())
    {
      g_setenv ("GSETTINGS_SCHEMA_DIR", BUILD_SCHEMA_DIR, FALSE);
      bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
    }
  else
    bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = pb_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
