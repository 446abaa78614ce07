/* engine.h — running a topology: chains, JIT, flow and counters
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pushback/error.h>
#include <pushback/graph.h>
#include <pushback/kinds.h>

/**
 * pb_engine:
 *
 * Runs the processes of a graph's local host. Building it checks the
 * topology against the kinds (directions, item types, parameters),
 * partitions it into chains of processes linked one to one, puts a bounded
 * ring buffer on every other link, and compiles one C function per chain
 * through libtcc. Running it moves items through the chains with
 * negotiated flow: each chain call is admitted as many items as every
 * stage and every output ring can take, and moves exactly those.
 *
 * Building again after the graph changed recompiles only the chains whose
 * generated code changed; the state of every process whose state layout is
 * unchanged (a running sum, a file being written) and the items in every
 * ring that still exists are kept. A ring between processes that a lenient
 * build leaves waiting keeps its items for when they come back. A build
 * that would join two chains (a link no longer marked to break inlining)
 * while the ring between them holds items keeps them apart instead and
 * holds the writer's chain, so that the reader drains the ring; the first
 * build after the ring is empty joins them (the runner makes that build
 * by itself). A chain that has ended (done or failed)
 * and whose code is unchanged stays ended, its processes as they ended:
 * nothing is reported or emitted twice, and code that faulted is not run
 * again. A chain whose code changed runs again with the states kept, and so
 * does a chain stopped by a failure upstream once that upstream runs again.
 *
 * A chain whose code does not compile, faults, or runs past the time limit
 * fails alone: its processes report the message, the chains downstream see
 * an error end-of-stream, and the others go on. The call that faulted
 * writes nothing to its output rings, and the kinds whose state is a few
 * scalars (seq, sum, take...) keep the state they had before it, so a
 * fixed chain sends that call's items again; other kinds may keep what
 * the call changed before the fault.
 *
 * A chain that does not compile keeps its processes' states for the code
 * that will, so mending a typo resumes a source where it was and a sum
 * with what it had. While it is failed, its input rings are closed: items
 * that reach it through a ring are dropped, so that the chains feeding it
 * do not stall.
 *
 * Thread safety: an engine and its graph are used from one thread at a
 * time; the engine reads the graph only inside pb_engine_build().
 */
typedef struct pb_engine pb_engine;

typedef enum
{
  PB_PROCESS_READY,   /* built, not ended */
  PB_PROCESS_DONE,    /* its stream ended */
  PB_PROCESS_FAILED,  /* it failed; see the message */
  PB_PROCESS_STOPPED, /* upstream failed, so it ended without a result */
  PB_PROCESS_WAITING, /* left out by a lenient build: its part of the
                       * topology is incomplete; see the message */
} pb_process_state;

/**
 * pb_process_info:
 * @process: its address
 * @name: its name in the graph, or KIND + id when it has none
 * @kind: its kind's name
 * @state: how it stands
 * @chain: the index of its chain (see pb_engine_chain_info()); SIZE_MAX
 *   for a waiting process, which is in no chain
 * @calls: chain calls that included it
 * @busy_ns: its share of the time its chain ran, measured by sampling;
 *   what the chain ran before its first profiled call is shared out with
 *   that call
 * @items_in: items it took
 * @items_out: items it gave (for routing: items it passed on, each once)
 * @message: (nullable): why it failed or stopped
 * @result: (nullable): a sink's result, once its stream ended ("500500")
 *
 * The strings are owned by the engine and valid until the next
 * pb_engine_build() or pb_engine_free().
 */
typedef struct
{
  pb_addr           process;
  const char       *name;
  const char       *kind;
  pb_process_state  state;
  size_t            chain;
  uint64_t          calls;
  uint64_t          busy_ns;
  uint64_t          items_in;
  uint64_t          items_out;
  const char       *message;
  const char       *result;
} pb_process_info;

/**
 * pb_chain_info:
 * @processes: its processes, upstream first; owned by the engine
 * @compile_ns: how long its latest compile took
 * @code_bytes: the size of its compiled code
 * @compiles: how many times it has been compiled
 * @calls: how many times it ran
 * @busy_ns: how long it ran, in all
 */
typedef struct
{
  const pb_addr *processes;
  size_t         n_processes;
  uint64_t       compile_ns;
  uint64_t       code_bytes;
  uint64_t       compiles;
  uint64_t       calls;
  uint64_t       busy_ns;
} pb_chain_info;

/**
 * pb_ring_info:
 * @writer: the output port that fills it
 * @reader: the input port it feeds
 * @fill: items in it, written and not yet read
 * @capacity: the most items it holds
 */
typedef struct
{
  pb_addr  writer;
  pb_addr  reader;
  uint64_t fill;
  uint64_t capacity;
} pb_ring_info;

/**
 * pb_engine_new:
 * @graph: (transfer none): the topology, which must outlive the engine
 *
 * Returns: (transfer full): an engine with nothing built, or NULL if memory
 *   ran out. Free it with pb_engine_free().
 */
pb_engine *pb_engine_new (pb_graph *graph);

/**
 * pb_engine_free:
 * @e: (nullable) (transfer full): an engine
 *
 * Frees the engine, its compiled code and its rings, and lets each process
 * release what it holds (files are flushed and closed).
 */
void pb_engine_free (pb_engine *e);

/**
 * pb_engine_set_time_limit:
 * @limit_ns: the longest one chain call may run; 0 for no limit
 *
 * A chain call past the limit fails its chain (user code that loops). The
 * default is two seconds.
 */
void pb_engine_set_time_limit (pb_engine *e,
                               uint64_t   limit_ns);

/**
 * pb_isolation:
 * @PB_ISOLATION_NONE: compiled code runs on the engine's own thread,
 *   under the in-process guard: a fault or a time-out fails its chain,
 *   but code that corrupts memory, ends the process by a system call or
 *   is stopped inside the C library can take the application down
 * @PB_ISOLATION_WORKER: compiled code runs in a worker process, which
 *   the engine replaces when it dies; states and rings are in memory the
 *   two share, so nothing but the call that killed it is lost
 *
 * Where the code of a topology runs.
 */
typedef enum
{
  PB_ISOLATION_NONE,
  PB_ISOLATION_WORKER,
} pb_isolation;

/**
 * pb_isolation_prepare:
 *
 * Sets up, now, what %PB_ISOLATION_WORKER needs: the shared memory, this
 * process made undumpable, and the zygote that forks the workers, which
 * the first engine given a worker would otherwise fork. Call it early in
 * main(), before the program has threads of its own (a toolkit's, a
 * runner's): a fork copies the locks other threads hold at that moment,
 * and the zygote, which forks every worker, would keep them.
 *
 * Returns: PB_OK (also on later calls, which do nothing); PB_ENOMEM or
 *   PB_EAGAIN when the memory cannot be set up or the zygote forked, said
 *   in @err (an engine then tries again when given a worker).
 * Thread safety: any thread.
 */
int pb_isolation_prepare (pb_error *err);

/**
 * pb_engine_set_isolation:
 * @isolation: where compiled code runs
 *
 * Sets where the engine runs compiled code (the default is
 * %PB_ISOLATION_NONE). With a worker, everything the process builds from
 * then on is allocated in memory it shares with its workers (code,
 * states, rings), so set it before the engine's first build.
 *
 * A worker cannot fork, exec, trace or signal other processes, nor end
 * itself: a seccomp filter traps those calls, and the process that made
 * one fails, naming the call. A call past the time limit kills the
 * worker. Either way, the next call goes to a standby worker forked in
 * advance, and another is forked to stand by. The workers are forked by
 * a zygote, a process forked here at the first call of this function.
 *
 * Side effects on this process: from the first call it is not dumpable
 * (PR_SET_DUMPABLE; no core dump, no ptrace from processes of the same
 * user without CAP_SYS_PTRACE), so that no worker can write into it
 * through /proc; and libtcc compiles in a compiler process of its own
 * (20 s and 1 GiB at most per compile).
 *
 * A worker killed by SIGPIPE (code that wrote to a closed pipe) ends this
 * process by the same signal when SIGPIPE has its default action here,
 * as the write would have without a worker.
 *
 * Returns: PB_OK; PB_EBUSY after the engine's first build; PB_ENOMEM when
 *   the shared memory cannot be set up (said in @err).
 * Thread safety: the thread that owns @e.
 */
int pb_engine_set_isolation (pb_engine    *e,
                             pb_isolation  isolation,
                             pb_error     *err);

/**
 * pb_engine_set_batch:
 * @items: the most items one chain call may move, 1 or more
 *
 * Large batches amortise the cost of each call (the default, 4096 items,
 * is about an L1 cache of i64); small ones bound the latency of live
 * views and let a benchmark compare per-message costs.
 *
 * Returns: PB_OK; PB_EINVAL for 0.
 */
int pb_engine_set_batch (pb_engine *e,
                         uint64_t   items);

/**
 * pb_engine_set_lenient:
 * @lenient: whether pb_engine_build() builds what is complete
 *
 * A topology being drawn is incomplete most of the time. A lenient engine
 * builds it anyway: a process with a problem of the topology (an unknown
 * kind, a bad parameter, an unconnected port, a type mismatch, a cycle...)
 * is left out, in state PB_PROCESS_WAITING with the problem as its
 * message, and so is everything linked to it, directly or not (its
 * connected component), with "waiting for NAME" as message; every other
 * part is built and runs. A waiting process keeps the state it had, so
 * mending the topology brings it back where it was. The default is strict:
 * such a problem refuses the whole build, as `pushback-run` wants.
 */
void pb_engine_set_lenient (pb_engine *e,
                            bool       lenient);

/**
 * pb_engine_set_compile_only:
 * @compile_only: whether pb_engine_build() stops after compiling
 *
 * Checking a topology, or showing its code, must not run it: a `c`
 * process's init is user code, and a `file-out` process truncates its
 * target when it starts. An engine that compiles only checks and compiles
 * as any other, but starts no process (no state is made, no init runs, no
 * file is opened), so it cannot run: pb_engine_step() does nothing and
 * returns false, pb_engine_run() returns PB_EINVAL. Set it before the
 * first build; the default is off.
 * Thread safety: the thread that builds @e, before pb_engine_build().
 */
void pb_engine_set_compile_only (pb_engine *e,
                                 bool       compile_only);

/**
 * pb_engine_set_hold_failed_input:
 * @hold: whether a failed chain keeps the items that reach it
 *
 * By default the input rings of a chain that failed are closed: what
 * reaches it is dropped, so that the chains feeding it go on to their end,
 * as a headless run wants. When held, those rings keep their items and
 * fill up, and the chains feeding them wait (memory stays bounded): a
 * build that mends the failed chain resumes it on every item, as a live
 * editor wants. A held chain's writers never end while it stays failed.
 */
void pb_engine_set_hold_failed_input (pb_engine *e,
                                      bool       hold);

/**
 * pb_engine_set_probe:
 * @output: the address of an output port
 * @on: whether to watch the items that leave it
 *
 * A probe keeps the latest PB_PROBE_VALUES items that left @output, for
 * a person to see what crosses a link without rewiring anything. It
 * costs nothing until it is set: the build after this call compiles the
 * chain holding @output again, with a store of each item into a small
 * buffer, and no other chain. Turning a probe off compiles that chain
 * again without it. A broadcast's or round-robin's probe sees every item
 * the process passes on, on whichever branch.
 *
 * Returns: PB_OK (also when nothing changed); PB_ENOMEM.
 * Thread safety: the thread that builds @e, while no other changes its
 *   graph (a runner calls it under its graph lock).
 */
int pb_engine_set_probe (pb_engine *e,
                         pb_addr    output,
                         bool       on);

/**
 * pb_engine_build:
 * @e: an engine
 * @err: (nullable): the first problem found, naming the process
 *
 * Brings the engine in line with its graph. Problems of the topology are
 * found before anything changes: an unknown kind, an unknown or bad
 * parameter, a port the kind does not have, a link between two outputs, a
 * type mismatch, an unconnected port, a flow cycle, a link to another host.
 * Compiling comes after: a chain that does not compile (or whose process
 * cannot start, such as a file that does not open) fails alone, and the
 * rest of the engine is built.
 *
 * Returns: PB_OK; for a problem of the topology PB_ENOENT, PB_EINVAL,
 *   PB_EDIRECTION, PB_ETYPE, PB_ENOTCONN or PB_ECYCLE, with the engine as
 *   it was (lenient: with the engine built, the problem's processes
 *   waiting); PB_ECOMPILE or PB_EFAILED when some chain failed to compile
 *   or start, with the engine built; PB_ENOMEM.
 */
int pb_engine_build (pb_engine *e,
                     pb_error  *err);

/**
 * pb_engine_last_build:
 * @compiled: (out) (optional): chains the latest build compiled (or tried
 *   to: a chain that does not compile counts)
 * @kept: (out) (optional): chains that kept their compiled code
 */
void pb_engine_last_build (const pb_engine *e,
                           size_t          *compiled,
                           size_t          *kept);

/**
 * pb_engine_step:
 * @e: an engine
 *
 * Runs one pass of the scheduler over the chains that can move items, and
 * wakes the chains whose timer is due or whose descriptor is readable. It
 * never blocks.
 *
 * Returns: whether any items moved or any stream ended; also true when
 *   the step was cut short, or went on with one that was (a runner's
 *   engine stops a step between two chain calls when the runner is asked
 *   for something), since the next step may then do more.
 */
bool pb_engine_step (pb_engine *e);

/**
 * pb_engine_run:
 * @e: a built engine
 * @err: (nullable): the first failure, naming the process
 *
 * Runs until every chain has ended, sleeping while all of them wait for
 * time or input.
 *
 * Returns: PB_OK when every stream ended cleanly; PB_EFAILED (or the code
 *   of the first failure) when some process failed; PB_EAGAIN if nothing
 *   can move and nothing is awaited (a stall, which is a bug in a kind).
 */
int pb_engine_run (pb_engine *e,
                   pb_error  *err);

/**
 * pb_engine_wait:
 * @e: an engine
 * @wake_fd: a descriptor that ends the wait when it becomes readable (an
 *   eventfd another thread writes to), or -1
 * @timeout_ms: the longest wait in milliseconds; -1 for no limit
 *
 * Sleeps until a chain that waits for a time or for input can go on,
 * @wake_fd is readable, or the time-out passes; whichever comes first.
 * It is how a caller that steps the engine itself sleeps while nothing
 * moves, as pb_engine_run() does.
 */
void pb_engine_wait (pb_engine *e,
                     int        wake_fd,
                     int        timeout_ms);

/**
 * pb_engine_failure:
 * @err: (nullable): filled with the first failure, when there was one
 *
 * Returns: PB_OK while no process has failed since the latest build; else
 *   the code of the first failure (PB_EFAILED, PB_EFAULT, PB_ECOMPILE).
 */
int pb_engine_failure (const pb_engine *e,
                       pb_error        *err);

/** pb_engine_finished: Returns: whether every chain has ended. */
bool pb_engine_finished (const pb_engine *e);

/** pb_engine_n_processes: Returns: how many processes the engine runs. */
size_t pb_engine_n_processes (const pb_engine *e);

/** PB_PROBE_VALUES: how many of the latest items a probe keeps. */
#define PB_PROBE_VALUES 64

/**
 * pb_probe_info:
 * @output: the output port watched
 * @type: the type of its items
 * @seen: items that left it since its chain was last compiled
 * @n_values: how many of @values hold items: the smaller of @seen and
 *   PB_PROBE_VALUES
 * @values: the latest items, oldest first; read the member of @type
 */
typedef struct
{
  pb_addr      output;
  pb_item_type type;
  uint64_t     seen;
  size_t       n_values;
  union
  {
    int64_t i64;
    double  f64;
    uint8_t u8;
  } values[PB_PROBE_VALUES];
} pb_probe_info;

/**
 * pb_engine_probe:
 * @output: an output port with a probe set (pb_engine_set_probe())
 * @info: (out caller-allocates): filled in
 *
 * Returns: PB_OK; PB_ENOENT when no built chain has a probe on @output
 *   (not set, set after the last build, or its process is not running).
 * Thread safety: the thread that steps @e, between two steps.
 */
int pb_engine_probe (const pb_engine *e,
                     pb_addr          output,
                     pb_probe_info   *info);

/**
 * pb_engine_process_info:
 * @i: 0 to pb_engine_n_processes() - 1, in ascending address order
 * @info: (out caller-allocates): filled in
 *
 * Returns: PB_OK; PB_ENOENT for an index out of range.
 */
int pb_engine_process_info (const pb_engine *e,
                            size_t           i,
                            pb_process_info *info);

/**
 * pb_engine_find_process:
 *
 * Returns: the index of process @process for pb_engine_process_info(), or
 *   -1 when the engine does not run it.
 */
long pb_engine_find_process (const pb_engine *e,
                             pb_addr          process);

/**
 * pb_engine_sink_value:
 * @i: a process index, as for pb_engine_process_info()
 * @buf: (out caller-allocates): room for the value, as text
 * @size: the size of @buf
 *
 * Formats what a sink holds so far ("1275" for a sum, "count=3 min=..."
 * for stats) while it runs; once it has ended, its result. It runs the
 * sink's compiled report code, under the engine's guard.
 *
 * Returns: PB_OK; PB_ENOENT for an index out of range or a process that
 *   reports nothing (not a sink, not built, waiting); PB_EFAULT if the
 *   report faulted.
 */
int pb_engine_sink_value (pb_engine *e,
                          size_t     i,
                          char      *buf,
                          size_t     size);

/** pb_engine_n_rings: Returns: how many rings join the engine's chains. */
size_t pb_engine_n_rings (const pb_engine *e);

/**
 * pb_engine_ring_info:
 * @i: 0 to pb_engine_n_rings() - 1
 * @info: (out caller-allocates): filled in
 *
 * Returns: PB_OK; PB_ENOENT for an index out of range.
 */
int pb_engine_ring_info (const pb_engine *e,
                         size_t           i,
                         pb_ring_info    *info);

/** pb_engine_n_chains: Returns: how many chains the engine has. */
size_t pb_engine_n_chains (const pb_engine *e);

/**
 * pb_engine_chain_info:
 *
 * Returns: PB_OK; PB_ENOENT for an index out of range.
 */
int pb_engine_chain_info (const pb_engine *e,
                          size_t           i,
                          pb_chain_info   *info);

/**
 * pb_engine_chain_source:
 *
 * Returns: (transfer none) (nullable): the generated C of chain @i, as it
 *   was compiled; NULL for an index out of range.
 */
const char *pb_engine_chain_source (const pb_engine *e,
                                    size_t           i);
