/* futex.h — waiting on a word of shared memory (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* FUTEX_WAIT or FUTEX_WAKE on @word, shared between processes (so never
 * the _PRIVATE forms). glibc has no wrapper. Returns: as futex(2). */
static inline long
pb__futex (_Atomic uint32_t      *word,
           int                    op,
           uint32_t               value,
           const struct timespec *timeout)
{
  return syscall (SYS_futex, word, op, value, timeout, NULL, 0);
}
