/* worker.h — a process of its own for the code a topology runs (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pushback/error.h>

#include "chain-abi.h"
#include "guard.h"
#include "shared-mem.h"

/*
 * The in-process guard (guard.h) catches a fault, but not code that
 * corrupts memory, ends the process by a system call, or is stopped
 * while it holds a lock of the C library. A worker is a process of its
 * own, forked by the zygote (zygote.h), that makes the engine's calls of
 * compiled code
 * instead: chain calls, and the init and fini of states. All the memory
 * that code touches is shared (shared-mem.h), so each call is a few
 * words through a control block and no copy of the items.
 *
 * When a worker dies (a fault, a wild write, exit, a time-out, which
 * kills it), the call it was making fails with the cause, and the next
 * call goes to a standby worker forked ahead of time, while another is
 * forked to stand by: states and rings are in shared memory, so every
 * other chain carries on where it stopped. What a dead worker held of
 * its own is gone with it: open files are taken up again by the kinds'
 * reopen code (file-in, file-out) before the new worker's first call of
 * their chain, memory a `c` process allocated is lost, and a state
 * made in an earlier worker is not given to its fini.
 *
 * Workers cannot fork, exec, ptrace, signal another process (directly or
 * through the kernel's SIGIO), or end themselves by exit: a seccomp
 * filter traps those calls, and the call that made them fails with the
 * reason (guard.c's messages). A worker that runs user code sees the code
 * region read-only and the compiler's region not at all, keeps no
 * capability, and watches the application's pidfd so as never to outlive
 * it.
 *
 * A pb__worker is used by one thread at a time (the engine's); its
 * functions may be called from different threads one after the other.
 */

typedef struct pb__worker pb__worker;

/* How many of each array a chain call's pb_chain_io points to, so that
 * the worker's copy has them all. */
typedef struct
{
  size_t n_outs;
  size_t n_stages;    /* state, ticks, marks */
  size_t n_counts;
  size_t n_probe_words;
} pb__worker_shape;

/*
 * pb__worker_new:
 *
 * @home: the shared region of its control blocks: PB_SHARED_DATA for
 *   a worker that runs user code, PB_SHARED_COMPILE for the compiler,
 *   whose blocks the other workers cannot reach
 * @runs_code: whether it runs user code: then it is sealed
 *   (pb__shared_seal()) before its first call
 *
 * Sets up shared memory (pb__shared_init()) and a worker record; the
 * processes are forked at the first call. The first worker makes this
 * process undumpable (PR_SET_DUMPABLE), so that a worker's code cannot
 * reach into it through /proc; workers keep no capability.
 *
 * Returns: PB_OK with *@w set; PB_ENOMEM.
 */
int      pb__worker_new   (pb__worker       **w,
                           pb_shared_region   home,
                           bool               runs_code,
                           pb_error          *err);

/* Sets up what every worker needs, once: the shared memory, this
 * process made undumpable, the zygote forked. pb__worker_new() does it
 * too; pb_isolation_prepare() lets a program do it before it has
 * threads. Returns: PB_OK, or why not (said in @err). Any thread. */
int      pb__worker_prepare (pb_error      *err);

/* Kills the worker processes and frees @w (nullable). */
void     pb__worker_free  (pb__worker     *w);

/*
 * A caller spins for a short while on its call's answer before it sleeps,
 * since a chain call is often over sooner than a sleeping thread wakes:
 * it keeps a CPU busy, and with the worker running, two. While
 * *@restrain is true, it sleeps at once, and its CPU goes to whoever
 * needs it more (a runner's build thread, compiling an edit). @restrain
 * (nullable) must outlive @w. Only between calls, on the thread making
 * them.
 */
void     pb__worker_set_restraint (pb__worker        *w,
                                   const atomic_bool *restrain);

/*
 * pb__worker_run:
 * @fn: the chain's run function, in shared code
 * @io: the call, whose arrays are copied in and out
 * @limit_ns: 0 for no limit; past it the worker is killed
 * @result: (out): what @fn returned
 * @ticks: (out): how long @fn ran, in pb_clock_ticks(), as the worker
 *   timed it: without the time the call took to cross
 *
 * Returns: PB_OK when @fn returned; PB_EFAILED when it faulted, made a
 *   refused call, ran past @limit_ns or its worker died, said in @err;
 *   PB_EAGAIN when no worker could be started (@fn was not called).
 */
int      pb__worker_run   (pb__worker             *w,
                           pb_chain_run_fn         fn,
                           pb_chain_io            *io,
                           const pb__worker_shape *shape,
                           uint64_t                limit_ns,
                           int                    *result,
                           uint64_t               *ticks,
                           pb_error               *err);

/* Like pb__worker_run(), for a state's init (@error: its message,
 * copied back). */
int      pb__worker_init  (pb__worker             *w,
                           pb_state_init_fn        fn,
                           void                   *state,
                           char                   *error,
                           size_t                  error_size,
                           uint64_t                limit_ns,
                           int                    *result,
                           pb_error               *err);

/* Like pb__worker_run(), for any function of this program: @data must
 * be in shared memory (shared-mem.h), where @fn reads its arguments and
 * writes its results. */
int      pb__worker_call  (pb__worker             *w,
                           pb_guard_fn             fn,
                           void                   *data,
                           uint64_t                limit_ns,
                           int                    *result,
                           pb_error               *err);

/* Runs a state's fini, if the worker that made the state (@made_in, its
 * pb__worker_generation() then) still lives: what the state held died
 * with any other. */
void     pb__worker_fini  (pb__worker             *w,
                           uint64_t                made_in,
                           pb_state_fini_fn        fn,
                           void                   *state);

/* Bounds the memory one call may add to its worker's (@bytes; 0 for no
 * bound): past it the worker is killed and the call fails with "used
 * more than N MB of memory". It is looked at every few milliseconds of
 * a call that lasts, so the bound may be passed by what a call takes in
 * that time. */
void     pb__worker_set_memory_limit (pb__worker *w,
                                      size_t      bytes);

/* Which worker process makes calls now: changes when one dies. */
uint64_t pb__worker_generation (const pb__worker *w);
