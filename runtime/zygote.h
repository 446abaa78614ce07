/* zygote.h — where worker processes are forked from (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include <pushback/error.h>

/*
 * A process with threads cannot fork safely: a lock another thread held
 * at that moment stays held in the child for good. glibc's malloc and
 * stdio take care of theirs, but not every allocator does (the one of
 * AddressSanitizer does not), nor every library. So workers are forked
 * from a zygote: a process forked once, when the first worker is wanted,
 * that has one thread, takes no lock, allocates nothing, and forks each
 * worker when asked through shared memory. It reaps them and says when
 * one has ended, with its wait status, since a worker is not a child of
 * the application.
 *
 * The zygote's own control block lies in the compiler's region
 * (shared-mem.h), which workers that run user code do not see.
 */

/* How a spawned process ended, written by the zygote: in shared memory
 * the caller owns, watched by the caller. */
typedef struct
{
  _Atomic uint32_t ended;
  int32_t          status;    /* its wait status, once ended */
} pb_zygote_child;

/* What a spawned process runs; it must not return. */
typedef void (*pb_zygote_main) (void *data);

/*
 * pb__zygote_start:
 *
 * Forks the zygote, once per process (later calls do nothing), from the
 * calling thread, which should be one where the application is quiet
 * (the first engine's set-up). pb__shared_init() must have run.
 *
 * Returns: PB_OK; PB_EAGAIN when it cannot fork.
 * Thread safety: any thread.
 */
int pb__zygote_start (pb_error        *err);

/*
 * pb__zygote_spawn:
 * @main: what the new process runs, with @data (in shared memory)
 * @child: (out): where the zygote says when it has ended
 * @pid: (out): its process id
 *
 * Returns: PB_OK; PB_EAGAIN when the zygote cannot fork (it is started
 *   again if it had died).
 * Thread safety: any thread.
 */
int pb__zygote_spawn (pb_zygote_main   main,
                      void            *data,
                      pb_zygote_child *child,
                      pid_t           *pid,
                      pb_error        *err);
