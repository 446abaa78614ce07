/* kind.h — what the engine knows of a kind (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <pushback/kinds.h>

/* How a kind moves items, which decides where chains start and end. */
typedef enum
{
  PB_SHAPE_SOURCE,    /* no input, one output */
  PB_SHAPE_TRANSFORM, /* one input, one output */
  PB_SHAPE_SINK,      /* one input, no output */
  PB_SHAPE_FANOUT,    /* one input, out[i]: ends a chain, one ring per branch */
  PB_SHAPE_FANIN,     /* in[i], one output: starts a chain, reads rings */
} pb_shape;

/* Where the type of the output comes from. */
typedef enum
{
  PB_OUT_NONE,  /* no output */
  PB_OUT_FIXED, /* always out_fixed */
  PB_OUT_SAME,  /* the input's type */
  PB_OUT_PARAM, /* the type named by parameter out_param */
} pb_out_rule;

/*
 * The templates are C text that the code generator pastes into one function
 * per chain, with these substitutions:
 *
 *   $x          the current input item
 *   $T, $U      the C types of the input and the output items
 *   $t          the input type's short name (i64, f64, u8)
 *   $s          a pointer to the process's state struct
 *   $p{NAME}    parameter NAME as a C literal (a choice gives its index)
 *   $e{NAME}    parameter NAME, a user expression, with #line directives
 *   $c{NAME}    parameter NAME, user statements, with #line directives
 *   $EMIT(v)    passes v downstream (the rest of the chain is pasted here)
 *   $STOP       nothing more flows after the current item (take is done)
 *   $FAIL(...)  fails the process with a printf-style message
 *   $room       in a prologue: how many items the chain may take now
 *   $avail      in a prologue: set it to how many items may flow now, or
 *               to -1 once the source has ended
 *   $now        in a prologue: the engine's monotonic clock, in ns
 *   $wake       in a prologue: set it to a time in ns to be run again then
 *   $consumed   in an epilogue: how many items the call took
 *   PB_TYPE_$t  the input type as a pb_item_type, in a view
 *
 * Each template holds at most one $EMIT, so the chain's code is pasted once.
 */
struct pb_kind
{
  const char          *name;
  const char          *category;
  const char          *description;
  pb_shape             shape;
  const pb_port_spec  *ports;
  size_t               n_ports;
  const pb_param_spec *params;
  size_t               n_params;

  const char          *in_types;   /* accepted input types; NULL: no input */
  pb_out_rule          out_rule;
  pb_item_type         out_fixed;
  const char          *out_param;

  /* Whether it must start a chain: it decides its own pace (throttle). */
  bool                 heads_chain;
  /* Its state is a few scalars that every item touches: the generated
   * loop works on a local copy, written back when the call ends. */
  bool                 cached_state;
  /* Each input item gives exactly one output item, so its counters equal
   * its upstream neighbour's and need no code of their own. */
  bool                 one_to_one;
  /* It runs statements a person wrote, which may write past its state:
   * the state gets pages of its own (state-mem.h). */
  bool                 user_code;
  /* The most items one input item can give, for admittance; and the most
   * its finish code can give. */
  unsigned             expand;
  unsigned             finish_emit;

  const char          *state;      /* fields of its state struct */
  const char          *init;       /* once, when the process is created */
  const char          *fini;       /* once, when it is destroyed */
  /* In a new worker process (worker.h), before its first call there:
   * takes up again what the state held of the dead worker's own (an open
   * file), where the last whole call left it. Kinds without it hold
   * nothing outside their state. */
  const char          *reopen;
  const char          *prologue;   /* at the start of each batch (heads) */
  const char          *epilogue;   /* at the end of each call (heads) */
  const char          *body;       /* for each item */
  const char          *finish;     /* at end of stream */
  const char          *report;     /* writes its result: pb_buf, pb_size */
  const char          *view;       /* fills pb_view_io *pb_v for live views */
};

/* The most bytes `format` writes for one number, with its newline. */
#define PB_FORMAT_MAX 32

/* The index of @value among the choices of @spec, or -1. */
int pb_kind_choice_index (const pb_param_spec *spec,
                          const char          *value);

/* Reads a PB_PARAM_INT value: decimal, or hexadecimal after 0x, with an
 * optional sign; a leading 0 is no octal prefix. Returns: whether @text is
 * such a number in range, the whole of it. */
bool pb_kind_parse_int (const char *text,
                        int64_t    *value);

/* The parameter's value for a process, or its default. */
const char *pb_kind_param_value (const pb_kind       *kind,
                                 const pb_param_spec *param,
                                 const char          *given);

/* Whether @format is one of the formats the kinds' templates give $FAIL,
 * which the catalogue translates (kinds.c). Any thread. */
bool pb__kind_failure_known (const char *format);
