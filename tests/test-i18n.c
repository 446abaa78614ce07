/* test-i18n.c — the runtime speaks the user's language
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The runtime translates its own messages with the application's
 * catalogue, which the program binds. This test binds the build tree's
 * compiled catalogue and runs with LANGUAGE=de (see tests/meson.build):
 * the refusal of a link, the description of a kind, the docs of ports and
 * parameters and the result codes must come back in German.
 */

#include <libintl.h>
#include <locale.h>

#include <glib.h>
#include <pushback/pushback.h>

static pb_addr
add (pb_graph   *g,
     const char *kind)
{
  pb_addr addr = 0;

  g_assert_cmpint (pb_graph_add_process (g, 0, kind, &addr), ==, PB_OK);
  return addr;
}

/* The address of port @role of @process. */
static pb_addr
port (pb_graph   *g,
      pb_addr     process,
      const char *role)
{
  const pb_kind *kind = pb_kind_find (pb_graph_process_kind (g, process));
  uint32_t number = 0;

  g_assert_nonnull (kind);
  g_assert_cmpint (pb_kind_port_parse (kind, role, &number, NULL), ==, PB_OK);
  return pb_addr_with_port (process, number);
}

/* What a wire dropped on a taken port shows. */
static void
test_link_refusal (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr seq = add (g, "seq");
  pb_addr sum = add (g, "sum");
  pb_addr count = add (g, "count");
  pb_error why = { PB_OK, "" };

  g_assert_cmpint (pb_graph_connect (g, port (g, seq, "out"), port (g, sum, "in")), ==, PB_OK);
  g_assert_cmpint (pb_link_check (g, port (g, seq, "out"), port (g, count, "in"), &why),
                   ==, PB_EBUSY);
  g_assert_cmpstr (why.message, ==, "seq1.out ist bereits verbunden");
  pb_graph_free (g);
}

/* What the palette and a node's tooltip show. */
static void
test_kind_description (void)
{
  g_assert_cmpstr (pb_kind_description (pb_kind_find ("seq")), ==,
                   "Zählt von einem Wert bis zu einem anderen.");
}

/* What the inspector shows beside a parameter, and a port's tooltip: the
 * public specs hold English, which pb_text() translates. */
static void
test_docs (void)
{
  const pb_kind *seq = pb_kind_find ("seq");

  g_assert_cmpstr (pb_text (pb_kind_find_param (seq, "from")->doc), ==, "Erster Wert.");
  g_assert_cmpstr (pb_text (pb_kind_port (seq, 0)->doc), ==, "Die erzeugten Elemente.");
  /* What the catalogue lacks stays as it is; "" is no message (dgettext
   * would give the catalogue's header). */
  g_assert_cmpstr (pb_text ("no such message"), ==, "no such message");
  g_assert_cmpstr (pb_text (""), ==, "");
  g_assert_null (pb_text (NULL));
}

static void
test_messages (void)
{
  pb_error err = { PB_OK, "" };

  g_assert_cmpstr (pb_strerror (PB_ENOMEM), ==, "nicht genug Speicher");
  g_assert_cmpint (pb_kind_check_param (pb_kind_find ("seq"), "step", "x", &err), ==, PB_EINVAL);
  g_assert_cmpstr (err.message, ==, "step=x ist keine Zahl");
}

/* A process's failure is made inside generated code, from a format the
 * template gives: it reads in German too, with its figures. */
static void
test_failure_in_code (void)
{
  const struct { const char *text, *want; } cases[] = {
    { "seq to=3 step=0 ! sum", "seq0: step darf nicht 0 sein" },
    { "file-in path=/nonexistent/nums ! discard",
      "file-in0: „/nonexistent/nums“ kann nicht geöffnet werden: " },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      pb_graph *g = pb_graph_new (0);
      pb_engine *e;
      pb_error err = { PB_OK, "" };

      g_assert_cmpint (pb_pipeline_build_text (g, cases[i].text, &err), ==, PB_OK);
      e = pb_engine_new (g);
      pb_engine_build (e, &err);
      if (err.code == PB_OK)
        pb_engine_run (e, &err);
      g_assert_cmpint (err.code, !=, PB_OK);
      g_assert_true (g_str_has_prefix (err.message, cases[i].want));
      pb_engine_free (e);
      pb_graph_free (g);
    }
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("PUSHBACK_LOCALEDIR");

  /* As the editor and pushback-run start. */
  if (setlocale (LC_ALL, "") == NULL)
    g_error ("the locale of the test's environment is not installed");
  g_assert_nonnull (localedir);
  bindtextdomain ("pushback", localedir);
  bind_textdomain_codeset ("pushback", "UTF-8");

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/i18n/link-refusal", test_link_refusal);
  g_test_add_func ("/i18n/kind-description", test_kind_description);
  g_test_add_func ("/i18n/docs", test_docs);
  g_test_add_func ("/i18n/messages", test_messages);
  g_test_add_func ("/i18n/failure-in-code", test_failure_in_code);
  return g_test_run ();
}
