/* runner.h — a topology running on a thread of its own, edited while it runs
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pushback/engine.h>
#include <pushback/error.h>
#include <pushback/graph.h>
#include <pushback/kinds.h>

/**
 * pb_runner:
 *
 * Owns a graph and, while started, an engine that runs it on a thread of
 * its own: what the editor talks to. Any thread may edit the graph through
 * the runner; each edit is checked against the graph at once, and an
 * accepted edit is built by a second thread of the runner, the build
 * thread, as pb_engine_build() would: only the chains whose code changed
 * are compiled, and meanwhile the runner thread keeps running every
 * chain. Only the part of the topology linked, directly or not, to the
 * processes an edit changed is planned again (pb_rebuild_info.planned);
 * every other chain is kept as it runs. The new code is swapped in at the
 * runner thread's next step boundary, or between two chain calls of a
 * step, where states and the items in rings are kept; the old code is
 * freed there, since no other thread runs chain code.
 *
 * The engine is lenient (pb_engine_set_lenient()): a part of the topology
 * that is incomplete, as it is most of the time while a person draws it,
 * waits with its problem as its processes' message, and every complete
 * part runs. It holds a failed chain's input (pb_engine_set_hold_failed_
 * input()): items wait in its rings for the edit that mends it.
 *
 * Before the first pb_runner_start() (a document just opened, whose code
 * the user has not yet agreed to run) and after pb_runner_stop(), edits
 * only edit the graph: nothing is compiled or run.
 *
 * The build thread holds the graph lock while it reads the graph (a few
 * microseconds per process), not while it compiles: an edit or
 * pb_runner_lock_graph() made meanwhile waits that long at most.
 *
 * Thread safety: every function may be called from any thread, at any
 * time, except pb_runner_free(), which no other call may overlap, and
 * where a function says otherwise.
 */
typedef struct pb_runner pb_runner;

/**
 * pb_snapshot:
 *
 * One consistent copy of every counter of a running engine, taken between
 * two steps: every process, chain and ring as they stood at one moment.
 * It is immutable and owns every string and array its infos point to.
 */
typedef struct pb_snapshot pb_snapshot;

typedef enum
{
  PB_RUNNER_STOPPED,  /* never started, or stopped: no engine */
  PB_RUNNER_RUNNING,  /* its thread steps the engine */
  PB_RUNNER_PAUSED,   /* started, paused: nothing steps, edits still build */
  PB_RUNNER_FINISHED, /* started, and every chain has ended; an edit that
                       * brings in new work makes it run again */
} pb_runner_state;

/**
 * pb_rebuild_info:
 * @edits: accepted edits that the build made live
 * @recompiled: chains it compiled (or tried to: one that fails counts)
 * @kept: chains that kept their compiled code
 * @latency_ns: from the first of those edits to the engine built
 * @planned: processes the build read from the graph and planned: those
 *   linked, directly or not, to a process that the edits changed; the
 *   whole topology (but processes of other hosts) for the first build
 *   after pb_runner_start(), for a build after one that could not be
 *   made (out of memory, a topology a headless runner refused), for one
 *   that joins chains once a ring has drained, and for a headless
 *   runner. Every other process, chain and ring is kept as it was.
 *
 * A copy: pb_runner_last_rebuild() fills it under the runner's lock, so
 * its fields are of one build.
 */
typedef struct
{
  uint64_t edits;
  size_t   recompiled;
  size_t   kept;
  uint64_t latency_ns;
  size_t   planned;
} pb_rebuild_info;

/**
 * pb_runner_new:
 * @graph: (transfer full): the topology; from now on, read and edit it
 *   only through the runner
 *
 * Returns: (transfer full): a stopped runner, to be freed with
 *   pb_runner_free(); NULL if memory ran out (@graph is then freed).
 */
pb_runner *pb_runner_new (pb_graph *graph);

/**
 * pb_runner_free:
 * @r: (nullable) (transfer full): a runner
 *
 * Stops it as pb_runner_stop() does, joining its thread, then frees it
 * with its graph. Snapshots taken from it stay valid.
 * Thread safety: any thread but the runner's, with no other call on @r
 *   running or to come.
 */
void pb_runner_free (pb_runner *r);

/**
 * pb_runner_set_headless:
 * @headless: whether to run as `pushback-run` does
 *
 * A headless runner builds strictly, as pb_engine_build() does by default:
 * a problem of the topology (an unconnected port, a type mismatch, a bad
 * parameter...) is not set aside as waiting but ends the run, and
 * pb_runner_wait() returns it as the failure. The input of a failed chain
 * is dropped, so that the chains feeding it go on to their end. The
 * default is live, as the editor wants (see pb_runner).
 *
 * Returns: PB_OK; PB_EBUSY while started (it takes effect at the next
 *   pb_runner_start()).
 */
int pb_runner_set_headless (pb_runner *r,
                            bool       headless);

/**
 * pb_runner_set_isolation:
 * @isolation: where the topology's compiled code runs
 *
 * As pb_engine_set_isolation(), for the engine of each start. The editor
 * runs user code in a worker process, so that no code can take it down.
 * The default is %PB_ISOLATION_NONE.
 *
 * Returns: PB_OK; PB_EBUSY while started (it takes effect at the next
 *   pb_runner_start()).
 * Thread safety: any thread.
 */
int pb_runner_set_isolation (pb_runner    *r,
                             pb_isolation  isolation);

/**
 * pb_runner_start:
 * @r: a runner
 * @err: (nullable): why it could not start
 *
 * Makes a fresh engine of the graph and starts the runner thread, which
 * builds it and runs it; returns at once, without waiting for the build
 * (pb_runner_sync() does). Starting again after pb_runner_stop() starts
 * from the beginning: new states, empty rings, counters at zero.
 * Problems of the topology or of the code do not stop a start: they show
 * in snapshots as waiting or failed processes.
 *
 * Returns: PB_OK; PB_EBUSY if it is already started; PB_ENOMEM, or
 *   PB_EAGAIN if the thread could not be created.
 */
int pb_runner_start (pb_runner *r,
                     pb_error  *err);

/**
 * pb_runner_pause:
 *
 * Stops stepping at the next step boundary; the chain call under way ends
 * first. Edits still build while paused, and pb_runner_sync() works.
 *
 * Returns: PB_OK (also when already paused); PB_EINVAL if not started.
 */
int pb_runner_pause (pb_runner *r);

/**
 * pb_runner_resume:
 *
 * Returns: PB_OK (also when not paused); PB_EINVAL if not started.
 */
int pb_runner_resume (pb_runner *r);

/**
 * pb_runner_stop:
 *
 * Ends the run: the runner thread publishes a last snapshot, frees the
 * engine (each process releases what it holds: files are flushed and
 * closed) and is joined. The graph keeps every edit.
 *
 * Returns: PB_OK, also when it was not started.
 */
int pb_runner_stop (pb_runner *r);

/**
 * pb_runner_get_state:
 *
 * Returns: how the runner stands now; by the time the caller looks, the
 *   runner thread may have moved from RUNNING to FINISHED.
 */
pb_runner_state pb_runner_get_state (pb_runner *r);

/*
 * Edits. Each takes the graph lock, applies the pb_graph_* call of the same
 * name and returns its result, checked at once: on refusal (PB_EBUSY,
 * PB_ENOENT, PB_EEXIST, ...) nothing changed. An accepted edit goes live at
 * the next step boundary, or at pb_runner_commit() inside a batch. An
 * accepted edit that changes nothing (a parameter set to the value it
 * has) is live at once: nothing is planned or compiled for it, and
 * pb_runner_last_rebuild() does not count it.
 *
 * Every edit returns PB_EDEADLK when the calling thread holds the graph
 * lock (pb_runner_lock_graph()), since the edit would wait for itself.
 */
int pb_runner_add_process    (pb_runner  *r,
                              uint32_t    host,
                              const char *kind,
                              pb_addr    *process);
int pb_runner_remove_process (pb_runner  *r,
                              pb_addr     process);
int pb_runner_connect        (pb_runner  *r,
                              pb_addr     a,
                              pb_addr     b);
int pb_runner_disconnect     (pb_runner  *r,
                              pb_addr     a);
int pb_runner_set_param      (pb_runner  *r,
                              pb_addr     process,
                              const char *key,
                              const char *value);
int pb_runner_set_name       (pb_runner  *r,
                              pb_addr     process,
                              const char *name);
int pb_runner_set_link_flags (pb_runner  *r,
                              pb_addr     a,
                              uint32_t    flags);
int pb_runner_set_bypass     (pb_runner  *r,
                              pb_addr     process,
                              bool        bypass);
/* Puts a process back at the address it had (undoing a removal keeps
 * every link and document row that names it valid): PB_EEXIST if taken. */
int pb_runner_insert_process (pb_runner  *r,
                              pb_addr     process,
                              const char *kind);

/**
 * pb_runner_set_probe:
 * @output: the address of an output port
 * @on: whether to watch the items that leave it
 *
 * Sets or clears a probe, as pb_engine_set_probe() does, going live as
 * an edit does: only the chain holding @output is compiled again, and
 * pb_runner_sync() waits for it. Snapshots then carry the latest items
 * (pb_snapshot_probe()). Probes are not part of the graph: they last
 * as long as the runner, across restarts, and no document saves them.
 *
 * Returns: PB_OK (also when nothing changed); PB_ENOENT when no process
 *   has @output's address; PB_ENOMEM; PB_EDEADLK as for other edits.
 * Thread safety: any thread.
 */
int pb_runner_set_probe (pb_runner *r,
                         pb_addr    output,
                         bool       on);

/**
 * pb_runner_begin:
 *
 * Opens a batch: edits made until pb_runner_commit() go live together, at
 * one step boundary (a paste, a multi-selection delete, an undo step).
 * Batches nest within one thread. One thread has a batch open at a time:
 * pb_runner_begin() from another thread waits until it is committed, and
 * while a batch is open the edits of other threads wait with it.
 *
 * Returns: PB_OK; PB_EDEADLK when the calling thread holds the graph lock.
 */
int pb_runner_begin (pb_runner *r);

/**
 * pb_runner_commit:
 *
 * Closes the batch the calling thread opened (the outermost commit makes
 * its edits live).
 *
 * Returns: PB_OK; PB_EINVAL if the calling thread has no batch open.
 */
int pb_runner_commit (pb_runner *r);

/**
 * pb_runner_lock_graph:
 *
 * Takes the graph lock, so that the caller can read the graph (names,
 * parameters, peers) while the runner runs. Hold it briefly: edits and
 * builds wait for it. It does not nest, and the thread holding it must
 * not edit through the runner (edits then return PB_EDEADLK).
 *
 * Returns: (transfer none): the graph, to read until
 *   pb_runner_unlock_graph(); NULL when the calling thread holds it
 *   already.
 */
const pb_graph *pb_runner_lock_graph (pb_runner *r);

/** pb_runner_unlock_graph: releases what pb_runner_lock_graph() took. */
void pb_runner_unlock_graph (pb_runner *r);

/**
 * pb_runner_sync:
 * @timeout_ns: the longest wait; UINT64_MAX for none
 *
 * Waits until every edit accepted before the call is live: built,
 * compiled and running, or failed with its message. When the runner is
 * not started, edits are live as soon as they are made.
 *
 * Returns: PB_OK; PB_ETIMEDOUT; PB_EDEADLK when the calling thread has a
 *   batch open or holds the graph lock (its edits could not go live).
 */
int pb_runner_sync (pb_runner *r,
                    uint64_t   timeout_ns);

/**
 * pb_runner_wait:
 * @timeout_ns: the longest wait; UINT64_MAX for none
 * @err: (nullable): the first failure, naming the process
 *
 * Waits until every chain has ended and every edit accepted before the
 * call is live. Waiting processes are in no chain: they do not hold it
 * up. A stopped runner has nothing to wait for and reports how its last
 * run ended.
 *
 * Returns: PB_OK when every chain ended cleanly; the first failure's code
 *   (PB_EFAILED, PB_EFAULT, PB_ECOMPILE) otherwise; PB_ETIMEDOUT;
 *   PB_EDEADLK as pb_runner_sync().
 */
int pb_runner_wait (pb_runner *r,
                    uint64_t   timeout_ns,
                    pb_error  *err);

/**
 * pb_runner_last_rebuild:
 * @info: (out caller-allocates): what the latest build did
 *
 * Returns: PB_OK; PB_ENOENT if no build happened since the runner started
 *   (or ever).
 */
int pb_runner_last_rebuild (pb_runner       *r,
                            pb_rebuild_info *info);

/**
 * pb_runner_snapshot:
 *
 * Asks the runner thread for a copy of every counter, taken at its next
 * step boundary, and waits for it a few milliseconds at most: if a chain
 * call is still under way then, it returns the latest copy instead (its
 * time says when it was taken). The runtime does not stop. Sinks that are
 * running report their value so far as their result (a sum, a count).
 * While stopped, it returns the last run's final copy, or an empty one
 * before any run.
 *
 * Returns: (transfer full): a snapshot, to free with pb_snapshot_free();
 *   NULL if memory ran out.
 */
pb_snapshot *pb_runner_snapshot (pb_runner *r);

/**
 * pb_sink_display:
 *
 * What a live view of a sink shows; see pb_sink_value.
 */
typedef enum
{
  PB_SINK_NONE,   /* nothing: not a sink with a view, or no state yet */
  PB_SINK_SCALAR, /* one number: count, sum */
  PB_SINK_STATS,  /* count, min, max and mean: stats */
  PB_SINK_LINES,  /* the last lines it wrote: print */
  PB_SINK_SERIES, /* its latest values, to plot: scope */
} pb_sink_display;

/** The most lines a PB_SINK_LINES value holds. */
#define PB_SINK_LINES_MAX 4

/**
 * pb_sink_value:
 * @display: which of the fields below hold something
 * @type: the type of the items the sink consumes (PB_ITEM_I64 for count)
 * @count: the items it consumed so far (SCALAR of count, STATS, LINES,
 *   SERIES); 0 for a sum, which does not count them: its process info's
 *   items_in does
 * @i64: the SCALAR when @type is PB_ITEM_I64, exactly
 * @f64: the SCALAR as a double, whatever @type
 * @min: STATS: the least value, once @count > 0; SERIES: the least of
 *   @values
 * @max: the greatest, likewise
 * @mean: STATS: the mean of every value; SERIES: the mean of @values
 * @values: SERIES: the latest values, oldest first, as doubles (i64
 *   values beyond 2^53 are rounded)
 * @n_values: how many: the least of @count and @capacity
 * @capacity: SERIES: how many values the sink keeps (its parameter n)
 * @lines: LINES: the last lines it wrote, oldest first, without their
 *   newline: numbers as print writes them, or the text of a byte stream
 *   (its bytes as they came, not checked to be UTF-8; a line still being
 *   written comes last)
 * @n_lines: how many, at most PB_SINK_LINES_MAX
 *
 * A sink's value as a live view shows it, copied when the snapshot was
 * taken: the fields other than @display, @type and @count are 0 or NULL
 * where @display does not use them.
 */
typedef struct
{
  pb_sink_display     display;
  pb_item_type        type;
  int64_t             count;
  int64_t             i64;
  double              f64;
  double              min;
  double              max;
  double              mean;
  const double       *values;
  size_t              n_values;
  size_t              capacity;
  const char * const *lines;
  size_t              n_lines;
} pb_sink_value;

/** pb_snapshot_free: @s: (nullable) (transfer full): a snapshot. */
void pb_snapshot_free (pb_snapshot *s);

/*
 * Reading a snapshot: any thread; a snapshot does not change. The strings
 * and arrays in the infos it fills are owned by @s and live as long as it.
 */

/** pb_snapshot_time_ns: Returns: CLOCK_MONOTONIC when it was taken; 0
 *  for the empty snapshot of a runner that never ran. */
uint64_t pb_snapshot_time_ns      (const pb_snapshot *s);
/** pb_snapshot_finished: Returns: whether every chain had ended. */
bool     pb_snapshot_finished     (const pb_snapshot *s);
size_t   pb_snapshot_n_processes  (const pb_snapshot *s);
/**
 * pb_snapshot_process:
 * @i: 0 to pb_snapshot_n_processes() - 1, in ascending address order
 *
 * Fills @info as pb_engine_process_info() does, except that a running sink
 * has its value so far as its result.
 *
 * Returns: PB_OK; PB_ENOENT for an index out of range.
 */
int      pb_snapshot_process      (const pb_snapshot *s,
                                   size_t             i,
                                   pb_process_info   *info);
/** pb_snapshot_find_process: Returns: the index of @process, or -1. */
long     pb_snapshot_find_process (const pb_snapshot *s,
                                   pb_addr            process);
/**
 * pb_snapshot_sink:
 * @i: a process index, as for pb_snapshot_process()
 * @value: (out caller-allocates): filled in; its arrays and strings are
 *   owned by @s and live as long as it
 *
 * What sink @i showed when @s was taken, for a live view: the value of a
 * count or a sum, the figures of a stats, the last lines of a print, the
 * latest values of a scope. Running, ended and stopped sinks all have
 * one, as long as the run that made their state goes on (the final
 * snapshot of a stopped runner keeps them); a waiting sink, or one whose
 * code did not compile, has none. The copy was made between two steps of
 * the runner thread, so every field agrees with the others; reading it
 * costs nothing more.
 *
 * Returns: PB_OK; PB_ENOENT for an index out of range or a process that
 *   shows nothing (@value is then zeroed: display PB_SINK_NONE).
 */
int      pb_snapshot_sink         (const pb_snapshot *s,
                                   size_t             i,
                                   pb_sink_value     *value);
size_t   pb_snapshot_n_chains     (const pb_snapshot *s);
/** pb_snapshot_chain: Returns: PB_OK; PB_ENOENT out of range. */
int      pb_snapshot_chain        (const pb_snapshot *s,
                                   size_t             i,
                                   pb_chain_info     *info);
/**
 * pb_snapshot_chain_source:
 * @i: a chain index, as for pb_snapshot_chain()
 *
 * The generated C that chain @i was running when @s was taken ("Show
 * generated C"): to show the code of a process, find the process and
 * read the source of its info's chain. The snapshot shares the text with
 * the engine instead of copying it, so taking snapshots costs no more for
 * it; the text stays valid as long as @s, even after the chain was
 * recompiled or the runner freed.
 *
 * Returns: (transfer none) (nullable): the source; NULL for an index out
 *   of range, or a chain whose code could not be generated.
 */
const char *pb_snapshot_chain_source (const pb_snapshot *s,
                                      size_t             i);

/**
 * pb_snapshot_probe:
 * @output: an output port with a probe set (pb_runner_set_probe())
 * @info: (out caller-allocates): the latest items that left it
 *
 * Returns: PB_OK; PB_ENOENT when the probe was not live when @s was
 *   taken (not set, or its chain not yet compiled with it).
 */
int pb_snapshot_probe (const pb_snapshot *s,
                       pb_addr            output,
                       pb_probe_info     *info);
size_t   pb_snapshot_n_rings      (const pb_snapshot *s);
/** pb_snapshot_ring: Returns: PB_OK; PB_ENOENT out of range. */
int      pb_snapshot_ring         (const pb_snapshot *s,
                                   size_t             i,
                                   pb_ring_info      *info);
