/* mux.h — the resource scheduler of micro-processes
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * pb_mux:
 *
 * The scheduler of the original pushback (seed 000), with its gaps closed.
 * Resources are numbered bits in two vectors: availability (a buffer has
 * items, a descriptor is readable...) and error (end of stream, failure).
 * A micro-process is a function predicated on a set of resources; it is
 * runnable when all of their availability bits are set. Bits are
 * level-triggered latches: a process clears the bits it drains.
 *
 * A resource index maps each resource to the processes that depend on it,
 * so finding runnable processes costs in proportion to the set bits, not to
 * the number of processes.
 *
 * Thread safety: a mux is not thread-safe. One thread at a time uses it
 * (the engine's runtime thread). Process functions run on the thread that
 * calls pb_mux_step() and may call any pb_mux function except
 * pb_mux_step() and pb_mux_free().
 */
typedef struct pb_mux pb_mux;

/**
 * pb_mux_fn:
 * @data: the pointer given to pb_mux_when()
 *
 * A micro-process body.
 *
 * Returns: 0 when all went well; any other value fails the process: it is
 *   removed and the value is reported through pb_mux_on_fail().
 */
typedef int (*pb_mux_fn) (void *data);

/**
 * pb_mux_fail_fn:
 * @pid: the process that failed, still readable with pb_mux_stats() during
 *   the call, free for reuse after it. A body that removed its own process
 *   and then returned nonzero is not reported: its pid may already belong
 *   to another process.
 * @code: the nonzero value its body returned
 * @data: the pointer given to pb_mux_on_fail()
 */
typedef void (*pb_mux_fail_fn) (uint32_t  pid,
                                int       code,
                                void     *data);

/**
 * pb_mux_new:
 *
 * Returns: (transfer full): a mux with no processes and every bit clear;
 *   NULL if memory ran out. Free it with pb_mux_free().
 * Thread safety: any thread.
 */
pb_mux *pb_mux_new (void);

/**
 * pb_mux_free:
 * @m: (nullable) (transfer full): a mux, not inside pb_mux_step()
 *
 * Frees @m. The data pointers of its processes are not touched.
 */
void pb_mux_free (pb_mux *m);

/**
 * pb_mux_when:
 * @m: a mux
 * @deps: (array length=n_deps): resources that must all be available
 * @n_deps: how many; duplicates are allowed and count once
 * @fn: the body
 * @data: passed to @fn
 * @pid: (out) (optional): the new process id
 *
 * Adds a micro-process that runs when all of @deps are available. Pids are
 * the lowest free, starting at 0. Resource ids are any uint32; the vectors
 * grow to hold them. A process added while pb_mux_step() runs is not run by
 * that step.
 *
 * Returns: PB_OK; PB_EINVAL if @n_deps is 0 (the process would spin) or
 *   @fn is NULL; PB_ENOSPC when every pid is taken; PB_ENOMEM.
 */
int pb_mux_when (pb_mux          *m,
                 const uint32_t  *deps,
                 size_t           n_deps,
                 pb_mux_fn        fn,
                 void            *data,
                 uint32_t        *pid);

/**
 * pb_mux_remove:
 * @m: a mux
 * @pid: a process id
 *
 * Removes a process and frees its pid for reuse. A process removed during a
 * step (by itself or another) does not run again in that step.
 *
 * Returns: PB_OK; PB_ENOENT if @pid names no process.
 */
int pb_mux_remove (pb_mux   *m,
                   uint32_t  pid);

/**
 * pb_mux_set_avail:
 * @m: a mux
 * @resource: any resource id
 * @on: the new value of its availability bit
 *
 * Sets or clears one availability bit. Bits of resources no process uses
 * are kept too, for processes added later. Clearing a bit that was never
 * set allocates nothing. Setting a bit of a resource that no process has
 * depended on yet may need memory; if none can be had, the bit is not set
 * (the resources of every registered process always have their memory).
 */
void pb_mux_set_avail (pb_mux   *m,
                       uint32_t  resource,
                       bool      on);

/** pb_mux_set_error: As pb_mux_set_avail(), for the error bit. */
void pb_mux_set_error (pb_mux   *m,
                       uint32_t  resource,
                       bool      on);

/** pb_mux_get_avail: Returns: the availability bit of @resource. */
bool pb_mux_get_avail (const pb_mux *m,
                       uint32_t      resource);

/** pb_mux_get_error: Returns: the error bit of @resource. */
bool pb_mux_get_error (const pb_mux *m,
                       uint32_t      resource);

/**
 * pb_mux_step:
 * @m: a mux
 *
 * Runs one scheduling pass.
 *
 * First, the candidates: the processes indexed by each set availability
 * bit, in ascending resource order, each process once, in the order first
 * seen. Just before each candidate would run, all of its dependencies are
 * checked against the live vector, so a process that clears a bit keeps a
 * later candidate from running. Candidates removed during the step, and
 * processes added during it, do not run.
 *
 * Then, whenever any error bit is set, every process indexed by a set error
 * bit runs once, whatever its other dependencies, so that it can flush,
 * pass end-of-stream on, or fail. (The original's error pass was never
 * switched on.) The error bits are read once, when this pass starts; a
 * body that clears one does not keep the others' processes from running.
 * A process can run in both passes of one step.
 *
 * A body that returns nonzero fails its process: it is removed, its pid
 * freed, and the pb_mux_on_fail() callback told.
 *
 * Returns: how many process bodies ran, in both passes; 0 when called from
 *   inside a process body (re-entry is refused).
 */
size_t pb_mux_step (pb_mux *m);

/**
 * pb_mux_yield_fn:
 * @data: the pointer given to pb_mux_set_yield()
 *
 * Returns: whether the step under way should stop now, after the body that
 *   just ran, so that its thread can attend to something else.
 */
typedef bool (*pb_mux_yield_fn) (void *data);

/**
 * pb_mux_set_yield:
 * @m: a mux
 * @fn: (nullable): asked after each body a step runs; NULL for never
 * @data: passed to @fn
 *
 * A pass over many processes takes as long as all their bodies: a thread
 * that must answer soon (a runner swapping in new code) asks to stop
 * early. When @fn returns true, pb_mux_step() returns at once, and the
 * next pb_mux_step() goes on with the same step where it stopped: the
 * candidates of that pass that have not run yet (still rechecked, and
 * skipped if removed meanwhile; processes added meanwhile do not run),
 * then the error pass; only then does a step start a new pass. Every
 * process still runs once a pass, however often steps stop.
 */
void pb_mux_set_yield (pb_mux          *m,
                       pb_mux_yield_fn  fn,
                       void            *data);

/**
 * pb_mux_yielded:
 *
 * Returns: whether the last pb_mux_step() stopped early, so that the next
 *   goes on with it. A step that went on with one and ran nothing says
 *   nothing about the processes it did not list: the caller steps again
 *   before it concludes that nothing can run.
 */
bool pb_mux_yielded (const pb_mux *m);

/**
 * pb_mux_on_fail:
 * @m: a mux
 * @cb: (nullable): called for each failed process; NULL for none
 * @data: passed to @cb
 *
 * Sets the failure callback, replacing any earlier one.
 */
void pb_mux_on_fail (pb_mux         *m,
                     pb_mux_fail_fn  cb,
                     void           *data);

/**
 * pb_mux_stats:
 * @m: a mux
 * @pid: a process id
 * @calls: (out) (optional): how many times its body has run
 * @ns: (out) (optional): the nanoseconds spent in its body, in total
 *
 * Counters are kept for every call, including the one that fails a
 * process, and cost two reads of the CPU's time-stamp counter per call.
 *
 * Returns: PB_OK; PB_ENOENT if @pid names no process.
 */
int pb_mux_stats (const pb_mux *m,
                  uint32_t      pid,
                  uint64_t     *calls,
                  uint64_t     *ns);

/** pb_mux_n_processes: Returns: how many processes @m holds. */
size_t pb_mux_n_processes (const pb_mux *m);
