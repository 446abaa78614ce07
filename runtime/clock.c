/* clock.c — calibration of the tick counter
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <pthread.h>

#include "clock.h"

uint64_t
pb_clock_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * UINT64_C (1000000000) + (uint64_t) ts.tv_nsec;
}

#if PB_CLOCK_TSC
static pthread_once_t calibrate_once = PTHREAD_ONCE_INIT;
static double ns_per_tick = 1.0;

static void
calibrate (void)
{
  /* Twenty milliseconds: each clock is read once at either end, so a
   * read's jitter of a microsecond or less is 0.005 % of the span, and
   * the wait goes unnoticed at start-up. Sleeping rather than spinning
   * leaves the CPU to others on a shared machine. */
  const struct timespec wait = { 0, 20 * 1000 * 1000 };
  uint64_t ns0 = pb_clock_now_ns ();
  uint64_t t0 = pb_clock_ticks ();
  uint64_t ns1, t1;

  nanosleep (&wait, NULL);
  ns1 = pb_clock_now_ns ();
  t1 = pb_clock_ticks ();
  if (t1 > t0 && ns1 > ns0)
    ns_per_tick = (double) (ns1 - ns0) / (double) (t1 - t0);
}
#endif

uint64_t
pb_clock_ticks_to_ns (uint64_t ticks)
{
#if PB_CLOCK_TSC
  pthread_once (&calibrate_once, calibrate);
  return (uint64_t) ((double) ticks * ns_per_tick);
#else
  return ticks;
#endif
}

uint64_t
pb_clock_ns_to_ticks (uint64_t ns)
{
#if PB_CLOCK_TSC
  pthread_once (&calibrate_once, calibrate);
  return (uint64_t) ((double) ns / ns_per_tick);
#else
  return ns;
#endif
}
