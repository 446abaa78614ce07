/* guard.h — running untrusted compiled code without losing the process
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdint.h>

#include <pushback/error.h>

/*
 * A user's C code may fault (a bad pointer, a division by zero) or never
 * return. The engine runs compiled chains through pb_guard_call(), which
 * turns a synchronous fault or an overrun of the time limit into an error
 * return on the calling thread, so that one chain fails with a message and
 * the application, the editor and every other chain go on.
 *
 * The state a faulting call was changing may be half-written; the caller
 * must treat everything the call touched as lost (the engine fails the
 * chain and does not run that code again).
 *
 * Limits, which the engine and generated code must respect:
 *
 * - A fault or time-out abandons @fn's frames with siglongjmp(): nothing
 *   they hold is released. @fn must not take locks, nor be inside malloc,
 *   stdio or any other libc function that keeps a lock or global state,
 *   when it may fault or be stopped; a time-out can strike anywhere, so
 *   code run with a limit should call only functions that are safe to
 *   abandon (generated code calls lock-free host helpers and pure libc and
 *   libm functions such as memcpy and sqrt). Otherwise the next use of
 *   that lock deadlocks.
 * - Only synchronous faults of the calling thread are caught: SIGSEGV
 *   (stack overflow included: each thread runs the handler on an alternate
 *   signal stack), SIGBUS, SIGFPE and SIGILL raised by an instruction.
 *   A fault in another thread, or memory corrupted without a fault, are
 *   not. Calls that would end or copy the whole process (exit(), fork())
 *   are caught only where compiled code reaches them through the names
 *   pb__guard_refuse() stands in for (jit.c).
 * - The limit is wall-clock time (CLOCK_MONOTONIC): time @fn spends
 *   preempted or blocked counts. It is enforced by a POSIX timer per
 *   thread that sends SIGRTMIN + 4 to that thread only.
 * - The handlers of SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGRTMIN + 4 are
 *   installed at the first call, and pass every signal that is not from a
 *   guarded call to the handler that was there before (ASan's, or the
 *   default action). Code that installs its own handler for these signals
 *   afterwards disables the guard.
 * - On its first call, a thread gets a timer and, unless it has one, a
 *   64 KiB alternate signal stack, both released when it exits, and the
 *   guard's signals are unblocked in it: they must stay unblocked.
 * - Cost: saving and restoring the signal mask (sigsetjmp) and, with a
 *   limit, arming and disarming the timer: a few system calls per call,
 *   so guard a batch of work, not each item.
 */

typedef int (*pb_guard_fn) (void *data);

/*
 * pb_guard_call:
 * @fn: the function to run
 * @data: its argument
 * @limit_ns: the longest @fn may run, in nanoseconds; 0 for no limit
 * @result: (out): what @fn returned, when it returned
 * @err: (nullable): on a fault or time-out, what happened, e.g.
 *   "segmentation fault (invalid memory access at 0x10)",
 *   "arithmetic fault (integer division by zero)",
 *   "ran for longer than 2000 ms"
 *
 * Calls @fn (@data) on the calling thread.
 *
 * Returns: PB_OK when @fn returned (its value is in *@result);
 *   PB_EFAILED after a fault or time-out; PB_EDEADLK when called from
 *   inside a guarded call on the same thread (guards do not nest);
 *   PB_ENOMEM when the thread's timer or signal stack cannot be set up
 *   (@fn was not called).
 * Thread safety: any thread; each thread has its own guard state.
 */
int pb_guard_call (pb_guard_fn  fn,
                   void        *data,
                   uint64_t     limit_ns,
                   int         *result,
                   pb_error    *err);

/*
 * pb__guard_refuse:
 * @what: the function the guarded code called, e.g. "exit"; static
 *
 * Ends the calling thread's guarded call as a fault would, with the
 * message "called exit(), which would end the whole application" (or
 * its like for @what): compiled code calls this in place of functions a
 * process must not call. Outside a guarded call there is no call to end
 * and nothing safe to do: it aborts.
 * Thread safety: any thread, from inside the guarded call.
 */
_Noreturn void pb__guard_refuse (const char *what);
