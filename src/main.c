/* main.c — entry point of the Pushback editor
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include <glib/gi18n.h>

#include "pb-application.h"
#include "pb-build-tree.h"
#include "pb-export.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PbApplication) app = NULL;

  pb_bind_resources ();

  /* An export needs no window, and so no display: it is made before the
   * application starts, as `dot -Tsvg` would make it. */
  if (pb_export_wanted (argc, argv))
    return pb_export_main (argc, argv);

  /* A `print` whose standard output was closed (the terminal that
   * started us is gone) fails with a message, not the editor with it:
   * its worker inherits this. */
  signal (SIGPIPE, SIG_IGN);

  /* Documents run their code in worker processes, forked by a zygote
   * that is best forked now, while this process has one thread: GTK's
   * come next. Should it fail, the first document's engine tries again
   * and says why. */
  pb_isolation_prepare (NULL);

  app = pb_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
