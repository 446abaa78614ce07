/* pb-units.c — numbers as people read them: rates, durations, shares
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three significant digits and an SI prefix, as system monitors show
 * them: "1.23 M/s", "48.0 ns", "3.40 ms". Counters update many times a
 * second, so the width must not jump: the number always has three digits
 * (nodes draw it in tabular figures).
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "pb-units.h"

/* "%.3g" would give "1e+03"; this keeps three digits in fixed notation.
 * The decimals are chosen for the value as it will round: 99.96 is
 * "100", not "100.0". */
static char *
three_digits (double      value,
              const char *unit)
{
  int decimals = value >= 99.95 ? 0 : value >= 9.995 ? 1 : 2;

  return g_strdup_printf ("%.*f %s", decimals, value, unit);
}

/**
 * pb_format_rate:
 * @per_second: items per second, not negative
 *
 * Returns: (transfer full): "0/s", "950/s", "12.3 k/s", "1.23 M/s"...
 */
char *
pb_format_rate (double per_second)
{
  /* Translators: units of a rate of items: per second, thousands per
   * second, millions, billions. */
  static const char *units[] = { N_("/s"), N_("k/s"), N_("M/s"), N_("G/s") };
  guint i = 0;

  if (!(per_second > 0.5))
    return g_strdup (_("0/s"));
  /* 999.7 would round to "1000/s": it is "1.00 k/s". */
  if (per_second < 999.5)
    return g_strdup_printf ("%.0f%s", per_second, _(units[0]));
  while (per_second >= 999.5 && i + 1 < G_N_ELEMENTS (units))
    {
      per_second /= 1000;
      i++;
    }
  return three_digits (per_second, _(units[i]));
}

/**
 * pb_format_duration:
 * @nanoseconds: a time, not negative
 *
 * Returns: (transfer full): "48.0 ns", "1.20 µs", "3.40 ms", "2.00 s"
 */
char *
pb_format_duration (double nanoseconds)
{
  /* Translators: units of time. */
  static const char *units[] = { N_("ns"), N_("µs"), N_("ms"), N_("s") };
  guint i = 0;

  if (!(nanoseconds > 0))
    return three_digits (0, _(units[0]));
  while (nanoseconds >= 999.5 && i + 1 < G_N_ELEMENTS (units))
    {
      nanoseconds /= 1000;
      i++;
    }
  return three_digits (nanoseconds, _(units[i]));
}

/**
 * pb_format_share:
 * @share: a fraction, 0 to 1
 *
 * Returns: (transfer full): "0 %", "37 %", "100 %", as GNOME writes them
 */
char *
pb_format_share (double share)
{
  /* Translators: a share of time, as a percentage. */
  return g_strdup_printf (_("%.0f %%"), CLAMP (share, 0, 1) * 100);
}
