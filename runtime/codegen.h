/* codegen.h — one C function per chain, process bodies pasted in (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <pushback/engine.h>

#include "kind.h"

/* One process of a chain, as the generator needs it. */
typedef struct
{
  const pb_kind  *kind;
  const char     *name;      /* the process's name, for #line and messages */
  const char    **params;    /* a value for each of kind's parameters */
  pb_item_type    in_type;   /* PB_ITEM_NONE for a source */
  pb_item_type    out_type;  /* PB_ITEM_NONE when it has no output */
  bool            probed;    /* keep its latest items (PB_PROBE_STRIDE) */
} pb_codegen_stage;

/* A probe's words in pb_chain_io.probes: how many items it saw, then
 * PB_PROBE_VALUES items, each in the first bytes of its word. */
#define PB_PROBE_STRIDE (1 + PB_PROBE_VALUES)

typedef struct
{
  const pb_codegen_stage *stages;
  size_t                  n_stages;
  /* What the first stage reads from a ring; PB_ITEM_NONE when it is a
   * source and makes its own items. */
  pb_item_type            in_type;
  /* How many rings the last stage writes: 0 for a sink, the number of
   * branches for broadcast and round-robin, else 1. */
  size_t                  n_outputs;
  /* Whether to emit pb_run_prof too: the same code with the time-stamp
   * counter read at every change of stage, run on a sample of batches to
   * apportion the chain's time among its processes. */
  bool                    profile;
  /* The name the generated text gives itself in #line directives. */
  const char             *unit_name;
  /* Whether to leave out the prelude (below): the text begins where it
   * would end, and its #line directives count the prelude's lines. */
  bool                    no_prelude;
} pb_codegen_chain;

/*
 * Every chain's source begins with the same prelude (types, the C library's
 * declarations, helpers), this text; what follows defines only
 * struct pb_state_K and pb_size_K, pb_init_K, pb_reopen_K, pb_fini_K,
 * pb_report_K, pb_view_K for each stage K, and pb_run and pb_run_prof.
 * So several chains compile as
 * one unit: the prelude once, then each chain's rest with those names
 * renamed by #define.
 */
const char *pb_codegen_prelude (void);

/*
 * What the generated unit looks like from outside. Counting points: point 0
 * is the count of items the chain consumed (io->consumed); the others are
 * counted in the generated code into io->counts[p].
 */
typedef struct
{
  size_t   n_counts;     /* counting points, including point 0 */
  int     *in_point;     /* per stage: the point counting its input, -1: none */
  int     *out_point;    /* per stage: the point counting its output, -1: none */
  char   **state_text;   /* per stage: its state struct's body, "" if none */
  unsigned expand;       /* the most items the tail writes per item consumed */
  unsigned finish_emit;  /* the most items the tail writes when finishing */
  bool     uses_now;     /* whether the head reads io->now_ns */
  int     *probe_slot;   /* per stage: its probe's index, -1: none */
  size_t   n_probes;
  /* With pb_run_prof asked for: the bytes before it, a unit of its own
   * without it (compiled first, the profiling variant after); else the
   * whole text's length. Either way, of the text as made. */
  size_t   lean_length;
} pb_codegen_layout;

/*
 * pb_codegen_chain_source:
 * @chain: the chain
 * @source: (out) (transfer full): the C text, free() it
 * @layout: (out): filled in; free its members with pb_codegen_layout_clear()
 * @err: (nullable): why no code could be made
 *
 * The unit defines pb_run (and pb_run_prof when asked), and for each stage k
 * that has them, pb_init_K, pb_reopen_K, pb_fini_K, pb_report_K, pb_view_K
 * and pb_size_K.
 *
 * Returns: PB_OK; PB_EINVAL for a template that does not expand (a missing
 *   parameter); PB_ENOMEM.
 */
int  pb_codegen_chain_source (const pb_codegen_chain *chain,
                              char                  **source,
                              pb_codegen_layout      *layout,
                              pb_error               *err);

void pb_codegen_layout_clear (pb_codegen_layout      *layout,
                              size_t                  n_stages);

/*
 * pb_codegen_calibration_source:
 *
 * A unit defining `int pb_calibrate (pb_chain_io *pb_io, int64_t n)`,
 * which makes 2 * @n profiling marks with nothing between them, between
 * stages 0 and 1 of io->ticks and io->marks: what a mark itself costs,
 * which the engine takes away from the time a profiled call gives each
 * stage.
 *
 * Returns: (transfer full): the C text, free() it; NULL if memory ran out.
 */
char *pb_codegen_calibration_source (void);

/* The C type of items of @type: "int64_t", "double" or "uint8_t". */
const char *pb_codegen_ctype (pb_item_type type);
