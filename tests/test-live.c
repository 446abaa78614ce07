/* test-live.c — live counters of a running document, without a display
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include <glib.h>

#include "pb-document.h"
#include "pb-rates.h"

/* The node named @name, which the pipeline has. */
static PbNode *
node_named (PbDocument *document,
            const char *name)
{
  PbNode *node = pb_document_find_named (document, name);

  g_assert_nonnull (node);
  return node;
}

/* A steady clock fanned out to a cheap stage and a costly one. */
static const char pipeline[] =
  "clock name=clock rate=20000 ! broadcast name=fan ! map name=cheap expr=\"x + 1\" ! sum name=total "
  " fan. ! map name=costly expr=\"({ double a = x; for (int i = 0; i < 3000; i++) a = a * 0.999 + 0.001; a; })\" "
  "! discard name=sink";

static void
run_for (PbDocument *document,
         guint       ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_usleep (50 * 1000);
      pb_document_refresh_status (document);
    }
}

static double
sum_shares (PbDocument        *document,
            const char *const *names,
            guint              n)
{
  double shares = 0;

  for (guint i = 0; i < n; i++)
    {
      PbRates rates;

      g_assert_true (pb_node_get_live (node_named (document, names[i]), &rates, NULL));
      shares += rates.share;
    }
  return shares;
}

static void
test_rates (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) document = pb_document_new_from_pipeline (pipeline, &error);
  const char *names[] = { "clock", "fan", "cheap", "total", "costly", "sink" };
  PbRates rates, costly, cheap;
  const char *value;
  double shares = 0;

  g_assert_no_error (error);
  /* Stopped, nothing is live. */
  pb_document_refresh_status (document);
  g_assert_false (pb_node_get_live (node_named (document, "clock"), NULL, NULL));

  g_assert_true (pb_document_run (document, &error));
  g_assert_true (pb_document_sync (document, 5000));
  run_for (document, 1500);

  /* The shares are of all busy time, so they add up to one, once any
   * busy time was measured: on a loaded machine the first intervals may
   * measure none, which leaves every share at 0. */
  for (gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
       sum_shares (document, names, G_N_ELEMENTS (names)) == 0
       && g_get_monotonic_time () < end;)
    run_for (document, 100);
  /* A second more, for the figures to settle over more than the first
   * interval measured. */
  run_for (document, 1000);
  shares = sum_shares (document, names, G_N_ELEMENTS (names));
  g_assert_cmpfloat_with_epsilon (shares, 1.0, 0.01);

  /* The clock gives 20,000 items a second, and every stage sees them. */
  g_assert_true (pb_node_get_live (node_named (document, "clock"), &rates, NULL));
  g_assert_cmpfloat (rates.rate_out, >, 12000);
  g_assert_cmpfloat (rates.rate_out, <, 28000);
  g_assert_true (pb_node_get_live (node_named (document, "sink"), &rates, NULL));
  g_assert_cmpfloat (rates.rate_in, >, 12000);

  /* The costly stage stands out: most of the time, and per item far more
   * than the cheap one. */
  g_assert_true (pb_node_get_live (node_named (document, "costly"), &costly, NULL));
  g_assert_true (pb_node_get_live (node_named (document, "cheap"), &cheap, NULL));
  g_assert_cmpfloat (costly.share, >, 0.5);
  g_assert_cmpfloat (costly.ns_per_item, >, 10 * cheap.ns_per_item);

  /* A sink shows its value so far, and it grows. */
  g_assert_true (pb_node_get_live (node_named (document, "total"), NULL, &value));
  g_assert_nonnull (value);

  /* Stopped again, nothing is live any more. */
  pb_document_stop (document);
  g_assert_false (pb_node_get_live (node_named (document, "costly"), NULL, NULL));
}

static void
test_tracker_restart (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) document = pb_document_new_from_pipeline (pipeline, &error);
  PbRates rates;

  g_assert_no_error (error);
  g_assert_true (pb_document_run (document, &error));
  run_for (document, 600);
  /* Restarting counts from zero again: no negative or absurd rate from
   * counters that went back. */
  g_assert_true (pb_document_restart (document, &error));
  run_for (document, 600);
  g_assert_true (pb_node_get_live (node_named (document, "clock"), &rates, NULL));
  g_assert_cmpfloat (rates.rate_out, >, 0);
  g_assert_cmpfloat (rates.rate_out, <, 40000);
  pb_document_stop (document);
}

/* Paused, no busy time accrues: the intervals measured meanwhile say
 * nothing of the shares, which must still add up to one. */
static void
test_shares_paused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) document = pb_document_new_from_pipeline (pipeline, &error);
  const char *names[] = { "clock", "fan", "cheap", "total", "costly", "sink" };

  g_assert_no_error (error);
  g_assert_true (pb_document_run (document, &error));
  g_assert_true (pb_document_sync (document, 5000));
  run_for (document, 800);
  /* Shares that add up to one before the pause (which a loaded machine
   * may take longer to measure), and after it. */
  for (gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
       fabs (sum_shares (document, names, G_N_ELEMENTS (names)) - 1) > 0.01
       && g_get_monotonic_time () < end;)
    run_for (document, 100);
  pb_document_pause (document);
  run_for (document, 1000);
  g_assert_cmpfloat_with_epsilon (sum_shares (document, names, G_N_ELEMENTS (names)), 1.0, 0.01);
  pb_document_stop (document);
}

/* When the first intervals measure no busy time (paused from the start
 * here, as a loaded machine may leave a run unmeasured), the first that
 * measures some gives shares that add up to one at once, not shares
 * blended up from zero. */
static void
test_shares_first_measured (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PbDocument) document = pb_document_new_from_pipeline (pipeline, &error);
  const char *names[] = { "clock", "fan", "cheap", "total", "costly", "sink" };
  double shares = 0;

  g_assert_no_error (error);
  g_assert_true (pb_document_run (document, &error));
  pb_document_pause (document);
  g_assert_true (pb_document_sync (document, 20000));
  run_for (document, 300);
  g_assert_cmpfloat (sum_shares (document, names, G_N_ELEMENTS (names)), ==, 0);

  g_assert_true (pb_document_run (document, &error));
  for (gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
       (shares = sum_shares (document, names, G_N_ELEMENTS (names))) == 0
       && g_get_monotonic_time () < end;)
    run_for (document, 50);
  g_assert_cmpfloat_with_epsilon (shares, 1.0, 0.01);
  pb_document_stop (document);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pushback/live/rates", test_rates);
  g_test_add_func ("/pushback/live/restart", test_tracker_restart);
  g_test_add_func ("/pushback/live/shares-paused", test_shares_paused);
  g_test_add_func ("/pushback/live/shares-first-measured", test_shares_first_measured);

  return g_test_run ();
}
