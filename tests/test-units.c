/* test-units.c — numbers as the live view shows them
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include <glib.h>

#include "pb-units.h"

static void
check (char       *got,
       const char *expected)
{
  g_assert_cmpstr (got, ==, expected);
  g_free (got);
}

static void
test_rate (void)
{
  check (pb_format_rate (0), "0/s");
  check (pb_format_rate (0.4), "0/s");
  check (pb_format_rate (7), "7/s");
  check (pb_format_rate (994.2), "994/s");
  check (pb_format_rate (999.4), "999/s");
  check (pb_format_rate (1000), "1.00 k/s");
  /* Rounding up to the next digit goes to the next prefix, or the next
   * number of decimals: never four digits. */
  check (pb_format_rate (999.7), "1.00 k/s");
  check (pb_format_rate (99996), "100 k/s");
  check (pb_format_rate (9996), "10.0 k/s");
  check (pb_format_rate (12345), "12.3 k/s");
  check (pb_format_rate (999499), "999 k/s");
  check (pb_format_rate (1234567), "1.23 M/s");
  check (pb_format_rate (2.5e9), "2.50 G/s");
  /* Beyond the last prefix the number grows rather than the unit. */
  check (pb_format_rate (4.2e12), "4200 G/s");
}

static void
test_duration (void)
{
  check (pb_format_duration (0), "0.00 ns");
  check (pb_format_duration (3.14159), "3.14 ns");
  check (pb_format_duration (48), "48.0 ns");
  check (pb_format_duration (999), "999 ns");
  check (pb_format_duration (99.96), "100 ns");
  check (pb_format_duration (9.996), "10.0 ns");
  check (pb_format_duration (1200), "1.20 µs");
  check (pb_format_duration (3.4e6), "3.40 ms");
  check (pb_format_duration (2e9), "2.00 s");
  check (pb_format_duration (-1), "0.00 ns");
}

static void
test_share (void)
{
  check (pb_format_share (0), "0 %");
  check (pb_format_share (0.374), "37 %");
  check (pb_format_share (1), "100 %");
  check (pb_format_share (1.7), "100 %");
  check (pb_format_share (-0.2), "0 %");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pushback/units/rate", test_rate);
  g_test_add_func ("/pushback/units/duration", test_duration);
  g_test_add_func ("/pushback/units/share", test_share);

  return g_test_run ();
}
