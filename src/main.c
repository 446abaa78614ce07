/* main.c — entry point of the Pushback editor
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pb-application.h"
#include "pb-build-tree.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PbApplication) app = NULL;

  pb_bind_resources ();

  app = pb_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
