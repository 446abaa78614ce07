/* clock.h — cheap monotonic ticks for always-on counters (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
# include <x86intrin.h>
# define PB_CLOCK_TSC 1
#else
# define PB_CLOCK_TSC 0
#endif

/*
 * Counters are kept around every process call, so reading the clock must
 * cost a few nanoseconds, not the 20 or more of clock_gettime(). On x86 the
 * time-stamp counter is constant-rate on every CPU we support, so we count
 * ticks on the hot path and convert to nanoseconds only when a counter is
 * read. Elsewhere, ticks are nanoseconds.
 */
static inline uint64_t
pb_clock_ticks (void)
{
#if PB_CLOCK_TSC
  return __rdtsc ();
#else
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * UINT64_C (1000000000) + (uint64_t) ts.tv_nsec;
#endif
}

/* Monotonic nanoseconds from clock_gettime(), for coarse timing. */
uint64_t pb_clock_now_ns (void);

/*
 * Converts a tick count to nanoseconds. The first call calibrates the tick
 * rate against CLOCK_MONOTONIC (about 20 ms); any thread may call it.
 */
uint64_t pb_clock_ticks_to_ns (uint64_t ticks);

/* The inverse, for deadlines kept in ticks; calibrates the same way. */
uint64_t pb_clock_ns_to_ticks (uint64_t ns);
