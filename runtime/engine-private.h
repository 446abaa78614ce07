/* engine-private.h — what the engine's files share (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pushback/engine.h>
#include <pushback/mux.h>

#include "chain-abi.h"
#include "codegen.h"
#include "jit.h"
#include "kind.h"
#include "source.h"
#include "state-mem.h"
#include "worker.h"

/*
 * The engine is two halves: the build turns the graph into a plan
 * (processes checked against their kinds, chains, rings, compiled code)
 * and swaps it in (engine-build.c and the files it names), and engine.c
 * runs a plan (admittance, flow, scheduling, counters).
 * These are the structures they share.
 */

typedef enum
{
  CHAIN_RUNNING,
  CHAIN_DONE,
  CHAIN_FAILED,
} chain_status;

typedef struct
{
  uint32_t port;
  pb_addr  peer;
  uint32_t flags;
} link_end;

/* A link_end flag of the engine's own, beside the graph's: the link keeps
 * its ring until the ring has drained (see `draining` below). */
#define LINK_DRAINING (1u << 31)

typedef struct
{
  pb_addr           addr;
  const pb_kind    *kind;       /* NULL when no kind has its name */
  char             *unknown_kind; /* then: the name the graph gives */
  char             *name;
  char            **params;     /* a value per kind parameter */
  pb_item_type      in_type;
  pb_item_type      out_type;
  bool              sink;       /* no output: a sink, or c with out=none */
  bool              probed;     /* an output has a probe (pb_engine_set_probe) */
  bool              bypassed;   /* runs as pass (pb_graph_set_bypass) */
  link_end         *ins;        /* connected inputs, by port */
  size_t            n_ins;
  link_end         *outs;       /* connected outputs, by port */
  size_t            n_outs;

  pb_process_state  state;
  char             *message;
  char             *result;
  uint64_t          calls;
  uint64_t          busy_ticks;
  uint64_t          items_in;
  uint64_t          items_out;

  void             *state_mem;
  char             *state_text; /* the layout state_mem was made for */
  pb_state_mem      state_alloc; /* where state_mem lies (state-mem.h) */
  bool              taken;      /* state_mem came from the old engine */
  /* The code that made state_mem, and its fini: a state outlives any one
   * chain (an edit that does not compile keeps it for the fixed code), so
   * it holds what releases it. */
  pb_jit_unit      *state_unit;
  pb_state_fini_fn  state_fini;
  /* The worker whose process made the state, and which one it was
   * (worker.h): its fini runs there, or not at all. NULL in-process. */
  pb__worker       *state_worker;
  uint64_t          state_worker_gen;
  size_t            chain;
  size_t            stage;
  int               mark;       /* scratch for graph walks */
} proc;

typedef struct
{
  pb_addr       writer;         /* the output port feeding it */
  pb_addr       reader;         /* the input port it feeds */
  pb_item_type  type;
  size_t        item_size;
  void         *base;
  uint64_t      capacity;       /* a power of two */
  uint64_t      rpos;
  uint64_t      wpos;
  bool          eos;            /* the writer has ended */
  bool          error;          /* ... because it failed */
  bool          closed;         /* the reader has ended */
  /*
   * Joining two chains removes the ring between them. Its items cannot
   * enter the joined chain half-way, so a join waits while the ring holds
   * items: the link keeps its ring, `draining`, whose writer is held
   * while its reader empties it. Once empty, the runner thread sets
   * `drained`, which the build thread reads while it plans the join.
   */
  bool          draining;
  atomic_bool   drained;
  uint32_t      res_read;       /* the reader chain's input resource */
  uint32_t      res_write;
  size_t        writer_chain;
  size_t        reader_chain;
} ring;

typedef struct chain
{
  pb_engine          *engine;
  size_t             *procs;    /* indices into engine procs, head first */
  size_t              n_procs;
  pb_addr            *addrs;    /* the same, as addresses, for info */
  ring              **ins;      /* the rings it reads (fan-in: several) */
  size_t              n_ins;
  ring              **outs;
  size_t              n_outs;
  bool                source;

  pb_source          *code;     /* its generated C */
  pb_jit_unit        *unit;
  /* 0 when @unit is the chain's alone; N when it was compiled with other
   * chains, where its symbols are named pbN_... for pb_... */
  unsigned            unit_index;
  pb_chain_run_fn     run;
  pb_chain_run_fn     run_prof;
  pb_codegen_layout   layout;
  pb_state_fini_fn   *finis;
  pb_state_report_fn *reports;
  pb_state_view_fn   *views;
  void              **states;
  pb_ring_io         *out_io;
  uint64_t           *counts;
  /* Profiling (engine.c): one profiled call's ticks and marks per stage,
   * the ticks of all the profiled calls it kept less what their marks
   * cost, and the shares of the chain's time they give the stages. */
  uint64_t           *ticks;
  uint64_t           *marks;
  double             *profile;
  double             *share;
  double              share_total;   /* 0: no profile yet */
  int64_t             sample_gap;    /* the item sampler's, between calls */
  uint64_t            sample_rng;
  uint64_t           *probes;   /* PB_PROBE_STRIDE words per probed stage */

  uint64_t            compile_ns;
  uint64_t            code_bytes; /* its share of its unit's (engine-compile.c) */
  uint64_t            compiles;
  uint64_t            calls;
  uint64_t            busy_ticks;
  uint64_t            unshared_ticks; /* run before it had a profile */

  chain_status        status;
  /* While building: the old chain whose compiled unit this one took over
   * (the very same code), and the ended status it inherits from it. */
  const struct chain *from;
  chain_status        inherit;
  uint32_t            pid;
  bool                in_mux;
  bool                held;     /* it writes into a draining ring */
  uint32_t            res_go;
  uint32_t            res_in;
  bool                waiting;
  uint64_t            wake_ns;
  /* The worker (pb__worker_generation()) whose process its states were
   * last taken up in: see reopen_states() in engine.c. */
  uint64_t            worker_gen;
  int                 wait_fd;
  size_t              next_in;  /* fan-in: where to look first */
} chain;

struct pb_engine
{
  pb_graph  *graph;
  pb_mux    *mux;
  proc      *procs;
  size_t     n_procs;
  chain    **chains;
  size_t     n_chains;
  ring     **rings;
  size_t     n_rings;
  /* Rings whose link fuses in the graph but that keep it split while they
   * hold items (a join waiting to happen); read by plans, changed only by
   * swaps. */
  ring     **draining;
  size_t     n_draining;
  bool       rejoin_due;  /* a draining ring emptied: plan the join */
  /* Rings with items between processes that wait (left out by a lenient
   * build): kept for when their part of the topology comes back. */
  ring     **parked;
  size_t     n_parked;
  /* Output ports with a probe, ascending; read by plans, under the same
   * guard as the graph. */
  pb_addr   *probes;
  size_t     n_probes;
  /* The probes that the swapped-in chains were built with, for snapshots:
   * only swaps change it, on the thread that steps the engine, while a
   * build thread may be changing `probes` for its next plan. */
  pb_addr   *built_probes;
  size_t     n_built_probes;
  uint64_t   time_limit_ns;
  uint64_t   batch;
  bool       lenient;     /* incomplete parts wait instead of refusing */
  bool       compile_only; /* builds make no states: no process code runs */
  bool       hold_failed_input;
  pb__worker *worker;     /* where compiled code runs; NULL: here */
  /* Counts swaps, so that profiling variants compiled for the chains of
   * one swap are dropped when another came first. */
  uint64_t   generation;
  /* Chains run without their profiling variant, compiled after the swap:
   * by the engine at its next step, or (profile_elsewhere) by its owner's
   * build thread. */
  bool       profile_due;
  bool       profile_elsewhere;
  size_t     profile_next; /* the chain the next profiling pass starts at */
  size_t     last_compiled;
  size_t     last_kept;
  size_t     last_planned; /* processes the last plan read from the graph */
  /* The process whose failure `failure` reports (0 for none): a plan of
   * part of the topology keeps a failure of the rest. */
  pb_addr    failure_proc;
  size_t     n_waiting;   /* chains that may be waiting on time or input */
  /* Asked between two chain calls of a step: see pb__engine_set_yield(). */
  pb_mux_yield_fn yield;
  void      *yield_data;
  const atomic_bool *restrain; /* see pb__engine_set_restraint() */
  uint64_t   progress;
  pb_error   failure;
};

/*
 * A build in three steps (engine-build.c, engine-compile.c,
 * engine-swap.c), so that a runner can compile
 * on one thread while another runs the engine:
 *
 * - pb__plan_new() reads the graph (the caller keeps it from changing):
 *   processes checked against their kinds, chains and rings;
 * - pb__plan_compile() generates and compiles each chain's code, sharing
 *   the unit of the engine's chain whose code is the same. It reads only
 *   what a swap alone changes in the engine (its processes' addresses and
 *   chains, its chains' code and units), so it may run on another thread
 *   than the one stepping the engine, as long as no swap overlaps it;
 * - pb__plan_swap() brings the engine in line with the plan, between two
 *   steps, on the thread that steps it: states and the items in rings are
 *   kept, new states initialised, the old chains freed. It takes @pl.
 *
 * pb__plan_swap() refuses, with PB_EAGAIN and nothing changed, a plan that
 * joins two chains whose ring still holds items: the engine then keeps
 * that ring (e->draining) and holds its writer, and the next plan, made
 * after the refusal, keeps the two chains apart. Once the ring is empty
 * pb__engine_take_rejoin() says so, and a plan made after that joins them.
 *
 * pb_engine_build() is the three in a row, with the same results.
 */
typedef struct pb__plan pb__plan;

/* What a build makes before it touches the engine: see below. */
struct pb__plan
{
  proc     *procs;
  size_t    n_procs;
  chain   **chains;
  size_t    n_chains;
  ring    **rings;
  size_t    n_rings;
  ring    **parked;   /* see pb_engine.parked */
  size_t    n_parked;
  bool      rejoin;   /* it keeps apart chains whose ring is empty */
  size_t    compiled;
  size_t    kept;
  pb_error  first;    /* the first chain that failed to compile */
  pb_addr   first_proc; /* ... the process it names */
  pb_error  waiting;  /* the first problem a lenient build set aside */
  /* A plan of part of the topology (pb__plan_new_scoped()): the processes
   * of the part, whether the graph still has them or not, ascending;
   * NULL for a plan of the whole. */
  pb_addr  *scope;
  size_t    n_scope;
  pb_addr  *probes;   /* the engine's, when it was made */
  size_t    n_probes;
};

/* Inside the build's files (engine-build.c, engine-compile.c,
 * engine-swap.c). */
typedef struct pb__plan plan;

/* In engine-build.c: fails chain @c of plan @pl being built, naming the
 * process its message names; @first keeps the first failure. */
void  pb__fail_at_build (plan     *pl,
                         chain    *c,
                         int       code,
                         pb_error *cerr,
                         pb_error *first);
/* In engine-check.c: a problem with @culprit found by a check (@rc, said
 * in @perr): a strict engine refuses the topology with it, a lenient one
 * sets @culprit aside and the check goes on. Returns: PB_OK to go on,
 * else the error to return. pb__set_aside() sets @culprit aside, with
 * every process linked to it: they wait (PB_OK, PB_ENOMEM). */
int   pb__refuse        (pb_engine   *e,
                         plan        *pl,
                         proc        *culprit,
                         int          rc,
                         pb_error    *perr,
                         pb_error    *err);
int   pb__set_aside     (pb_engine   *e,
                         plan        *pl,
                         proc        *culprit);
/* In engine-check.c: reads process @addr of the graph into @p. */
int   pb__load_proc     (pb_engine   *e,
                         pb_addr      addr,
                         proc        *p,
                         pb_error    *err);
/* In engine-check.c: checks the links of @procs, then gives them their
 * item types; each problem goes to pb__refuse(). */
int   pb__check_links   (pb_engine   *e,
                         plan        *pl,
                         proc        *procs,
                         size_t       n,
                         pb_error    *err);
int   pb__resolve_types (pb_engine   *e,
                         plan        *pl,
                         proc        *procs,
                         size_t       n,
                         pb_error    *err);
/* In engine-compile.c: the address of @c's symbol @name ("pb_run",
 * "pb_fini_2") in its unit, under the name the unit gives it. */
void *pb__chain_symbol  (const chain *c,
                         const char  *name);

int   pb__plan_new          (pb_engine   *e,
                             pb__plan   **pl,
                             pb_error    *err);

/*
 * A plan of part of the topology: pb__plan_new_scoped() plans only the
 * processes linked, directly or not, to one of @dirty (process addresses,
 * in any order, repeats allowed), through the links of the graph or of the
 * engine; it reads no other process. Every link of such a part stays
 * inside it, so the rest of the engine cannot change: pb__plan_swap()
 * then keeps every other process, chain and ring as it is (their states,
 * counters, rings and code), and replaces only those of the part. Its
 * work follows the size of the part, but for a pass over the engine's
 * arrays without allocation (merging them, and scheduling).
 *
 * A strict engine (not lenient) refuses a topology as a whole: plan it
 * whole. Returns: as pb__plan_new().
 */
int   pb__plan_new_scoped   (pb_engine     *e,
                             const pb_addr *dirty,
                             size_t         n_dirty,
                             pb__plan     **pl,
                             pb_error      *err);
int   pb__plan_compile      (pb_engine   *e,
                             pb__plan    *pl,
                             pb_error    *err);
int   pb__plan_swap         (pb_engine   *e,
                             pb__plan    *pl,
                             pb_error    *err);
void  pb__plan_free         (pb__plan    *pl);

/*
 * The profiling variant of each chain (pb_run_prof, codegen.h), compiled
 * after the swap, since a swap needs only pb_run: an edit goes live in
 * half the compile.
 *
 * - pb__profile_compile() compiles the whole text of the chains of @e
 *   that run without it, one unit's worth (64 chains) a pass, so that an
 *   edit waits for that much at most: pb__profile_swap() sets
 *   e->profile_due again while chains remain. Like pb__plan_compile() it
 *   reads only what a swap changes, so it may run on a build thread while
 *   another steps the engine, as long as no swap (of a plan or of
 *   profiles) overlaps it. Returns: PB_OK with *@pf NULL when there is nothing to compile;
 *   PB_ENOMEM. A chain whose whole text does not compile runs on,
 *   unprofiled.
 * - pb__profile_swap() gives the chains their new units, on the thread
 *   that steps the engine, between two steps; it takes @pf (nullable),
 *   and drops it if a plan was swapped in since it was compiled (then it
 *   sets e->profile_due again).
 */
typedef struct pb__profile pb__profile;

int   pb__profile_compile   (pb_engine    *e,
                             pb__profile **pf);
void  pb__profile_swap      (pb_engine    *e,
                             pb__profile  *pf);
void  pb__profile_free      (pb__profile  *pf);

/* Whether a draining ring has emptied since the last call, so that a new
 * plan would join its chains; only on the thread that steps the engine. */
bool  pb__engine_take_rejoin (pb_engine *e);

/* In probe.c: sets of probed output ports, as sorted arrays. The index
 * of @output in @set, or -1 - where it would go; adding or removing it
 * (PB_OK, PB_ENOMEM); replacing @set by a copy of @from. */
long  pb__probe_set_index   (const pb_addr  *set,
                             size_t          n,
                             pb_addr         output);
int   pb__probe_set_change  (pb_addr       **set,
                             size_t         *n,
                             pb_addr         output,
                             bool            on);
int   pb__probe_set_copy    (pb_addr       **set,
                             size_t         *n,
                             const pb_addr  *from,
                             size_t          n_from);

/* In engine-parts.c. pb__find_proc() finds process @addr (or the process
 * of a port address) in @procs, sorted by address: NULL if absent. The
 * others release a process's, a chain's or a ring's memory (a process's
 * state through the code that made it), or all of an engine's parts. */
proc *pb__find_proc         (proc        *procs,
                             size_t       n,
                             pb_addr      addr);
void  pb__proc_clear        (proc        *p);
void  pb__chain_free        (chain       *c);
void  pb__ring_free         (ring        *r);
void  pb__engine_release    (pb_engine   *e);
/* Sets @slot to a copy of @text (nullable), freeing what it held. */
void  pb__set_text          (char       **slot,
                             const char  *text);
/* Fails process @p with @message. */
void  pb__proc_fail         (proc        *p,
                             const char  *message);

/* In engine-build.c: whether process @addr is in the part @pl plans
 * (always, for a plan of the whole). */
bool  pb__plan_in_scope     (const plan  *pl,
                             pb_addr      addr);

/* In engine-partition.c. pb__partition() cuts the processes of @pl that
 * do not wait into chains, each bounded in length, and makes a ring on
 * every link between two chains; pb__check_chain_cycles() refuses a flow
 * cycle among the chains. Each returns PB_OK, or PB_ECYCLE with the
 * process at fault in *@culprit, or PB_ENOMEM, said in @err. */
int   pb__partition         (plan        *pl,
                             proc       **culprit,
                             pb_error    *err);
int   pb__check_chain_cycles (plan       *pl,
                             proc       **culprit,
                             pb_error    *err);

/* In engine.c. */
/* Lets pb_engine_step() return between two chain calls when @fn says so,
 * rather than after a call of every runnable chain (pb_mux_set_yield()):
 * a runner swaps in new code that much sooner. Kept across builds. */
void  pb__engine_set_yield  (pb_engine       *e,
                             pb_mux_yield_fn  fn,
                             void            *data);
/* While *@restrain is true, a chain call to the worker sleeps at once
 * rather than spin for its answer (pb__worker_set_restraint()). Kept
 * across builds and a change of isolation. */
void  pb__engine_set_restraint (pb_engine         *e,
                                const atomic_bool *restrain);
/* The generated C of chain @i (nullable), for a snapshot to keep. */
pb_source *pb__engine_chain_code (const pb_engine *e,
                                  size_t           i);
/* Fills @view with what sink @i shows (a sink whose kind has a view, with
 * a state: running, ended, or stopped), running its compiled view under
 * the guard; only on the thread that steps the engine, between steps,
 * where every state is written back. The view's ring points into the
 * state until the next step. Returns: PB_OK; PB_ENOENT when process @i
 * shows nothing; PB_EFAULT if the view faulted. */
int   pb__engine_sink_view  (pb_engine   *e,
                             size_t       i,
                             pb_view_io  *view);
void  pb__chain_end         (pb_engine   *e,
                             chain       *c,
                             chain_status status,
                             const char  *why);
int   pb__engine_schedule   (pb_engine   *e,
                             pb_error    *err);
