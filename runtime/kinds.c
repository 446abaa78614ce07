/* kinds.c — the catalogue of process kinds
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pushback/addr.h>

#include "i18n.h"
#include "kind.h"
#include "quote.h"
#include "user-text.h"

/*
 * Port numbers follow one rule for every kind: fixed roles first, from 0;
 * a range (out[i], in[i]) last, from the next number up. So a transform
 * reads port 0 and writes port 1, and broadcast's out[2] is port 3.
 */
#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

#define PORT_IN(types, doc)  { "in", PB_PORT_IN, false, 0, types, doc }
#define PORT_OUT(n, types, doc) { "out", PB_PORT_OUT, false, n, types, doc }

static const pb_port_spec source_ports_i64[] = {
  PORT_OUT (0, "i64|f64", N_("The generated items.")),
};
static const pb_port_spec source_ports_f64[] = {
  PORT_OUT (0, "f64", N_("The generated items.")),
};
static const pb_port_spec source_ports_u8[] = {
  PORT_OUT (0, "u8", N_("The bytes read.")),
};
static const pb_port_spec transform_num_ports[] = {
  PORT_IN ("i64|f64", N_("Items to transform.")),
  PORT_OUT (1, "i64|f64", N_("Transformed items.")),
};
static const pb_port_spec transform_any_ports[] = {
  PORT_IN ("any", N_("Items to pass on.")),
  PORT_OUT (1, "any", N_("The items passed on.")),
};
static const pb_port_spec mean_ports[] = {
  PORT_IN ("i64|f64", N_("Numbers.")),
  PORT_OUT (1, "f64", N_("The mean of the last n numbers.")),
};
static const pb_port_spec cast_ports[] = {
  PORT_IN ("i64|f64|u8", N_("Numbers or bytes.")),
  PORT_OUT (1, "i64|f64", N_("The same values in the new type.")),
};
static const pb_port_spec parse_ports[] = {
  PORT_IN ("u8", N_("Text, one number per line.")),
  PORT_OUT (1, "i64|f64", N_("The numbers.")),
};
static const pb_port_spec format_ports[] = {
  PORT_IN ("i64|f64", N_("Numbers.")),
  PORT_OUT (1, "u8", N_("Text, one number per line.")),
};
static const pb_port_spec fanout_ports[] = {
  PORT_IN ("any", N_("Items to route.")),
  { "out", PB_PORT_OUT, true, 1, "any", N_("Branches, out[0], out[1]...") },
};
static const pb_port_spec merge_ports[] = {
  PORT_OUT (0, "any", N_("The items of every input.")),
  { "in", PB_PORT_IN, true, 1, "any", N_("Inputs, in[0], in[1]...") },
};
static const pb_port_spec sink_any_ports[] = {
  PORT_IN ("any", N_("Items to consume.")),
};
static const pb_port_spec sink_num_ports[] = {
  PORT_IN ("i64|f64", N_("Numbers to consume.")),
};
static const pb_port_spec sink_u8_ports[] = {
  PORT_IN ("u8", N_("Bytes to write.")),
};
static const pb_port_spec c_ports[] = {
  PORT_IN ("any", N_("Items for the code, as x (type: parameter in).")),
  PORT_OUT (1, "any", N_("Items the code emits (type: parameter out).")),
};

/* Parameters.  { name, type, default, choices, min, max, doc } */
static const pb_param_spec seq_params[] = {
  { "from", PB_PARAM_FLOAT, "1", NULL, 0, 0, N_("First value.") },
  { "to", PB_PARAM_FLOAT, NULL, NULL, 0, 0, N_("Last value (included when reached).") },
  { "step", PB_PARAM_FLOAT, "1", NULL, 0, 0, N_("Difference between values; not 0.") },
  { "type", PB_PARAM_CHOICE, "i64", "i64|f64", 0, 0, N_("Item type.") },
};
static const pb_param_spec random_params[] = {
  { "seed", PB_PARAM_INT, "1", NULL, 0, 0, N_("Seed; equal seeds give equal streams.") },
  { "distribution", PB_PARAM_CHOICE, "uniform", "uniform|normal", 0, 0,
    N_("Uniform on [0, 1), or normal with mean 0 and deviation 1.") },
  { "count", PB_PARAM_INT, "0", NULL, 0, 9.2e18, N_("How many items; 0 for no end.") },
};
static const pb_param_spec path_params[] = {
  { "path", PB_PARAM_STRING, NULL, NULL, 0, 0, N_("The file.") },
};
static const pb_param_spec clock_params[] = {
  { "rate", PB_PARAM_FLOAT, "10", NULL, 1e-3, 1e9, N_("Items per second.") },
  { "count", PB_PARAM_INT, "0", NULL, 0, 9.2e18, N_("How many items; 0 for no end.") },
};
static const pb_param_spec expr_params[] = {
  { "expr", PB_PARAM_EXPR, NULL, NULL, 0, 0, N_("A C expression in x.") },
};
static const pb_param_spec count_n_params[] = {
  { "n", PB_PARAM_INT, NULL, NULL, 0, 9.2e18, N_("How many items.") },
};
static const pb_param_spec window_params[] = {
  { "n", PB_PARAM_INT, "10", NULL, 1, 1048576, N_("Window length, in items.") },
};
static const pb_param_spec scope_params[] = {
  { "n", PB_PARAM_INT, "200", NULL, 2, 65536, N_("How many of the latest values it keeps to plot.") },
};
static const pb_param_spec rate_params[] = {
  { "rate", PB_PARAM_FLOAT, NULL, NULL, 1e-3, 1e12, N_("Items per second.") },
};
static const pb_param_spec to_num_params[] = {
  { "to", PB_PARAM_CHOICE, "i64", "i64|f64", 0, 0, N_("Type of the output.") },
};
static const pb_param_spec c_params[] = {
  { "in", PB_PARAM_CHOICE, "i64", "i64|f64|u8", 0, 0, N_("Type of x, the input item.") },
  { "out", PB_PARAM_CHOICE, "i64", "none|i64|f64|u8", 0, 0,
    N_("Type of emitted items; none for a sink.") },
  { "state", PB_PARAM_CODE, "", NULL, 0, 0,
    N_("Declarations of state fields, reached in code as s->NAME.") },
  { "init", PB_PARAM_CODE, "", NULL, 0, 0, N_("Statements run once, before any item.") },
  { "code", PB_PARAM_CODE, NULL, NULL, 0, 0,
    N_("Statements run for each item x; emit (v) passes v on.") },
  { "finish", PB_PARAM_CODE, "", NULL, 0, 0,
    N_("Statements run at end of stream; may emit (v).") },
  { "max-emit", PB_PARAM_INT, "1", NULL, 0, 1024,
    N_("The most items code or finish may emit at one time.") },
};

#define PORTS(a) a, N_ELEMENTS (a)
#define PARAMS(a) a, N_ELEMENTS (a)
#define NO_PARAMS NULL, 0

/*
 * The templates. The engine makes sure the parameters they paste are
 * valid (numbers in range, choices known) before generating code, so a
 * template only checks what depends on several parameters together.
 */
static const pb_kind catalogue[] = {
  /* Sources. */
  {
    .name = "seq", .category = "source",
    .description = N_("Counts from one value to another."),
    .shape = PB_SHAPE_SOURCE, PORTS (source_ports_i64), PARAMS (seq_params),
    .out_rule = PB_OUT_PARAM, .out_param = "type",
    .cached_state = true,
    .state = "$U cur; $U step; uint64_t left;",
    .init =
      "$s->cur = ($U) ($p{from}); $s->step = ($U) ($p{step});\n"
      "if ((double) $s->cur != (double) ($p{from}) || (double) $s->step != (double) ($p{step})\n"
      "    || (double) ($U) ($p{to}) != (double) ($p{to}))\n"
      "  $FAIL (\"from, to and step must be whole numbers for type=i64; add type=f64\");\n"
      "if ($s->step == 0) $FAIL (\"step must not be 0\");\n"
      "$s->left = pb_seq_length_$u ($s->cur, ($U) ($p{to}), $s->step);\n"
      "if ($s->left == UINT64_MAX) $FAIL (\"from, to and step never end\");\n"
      /* In f64, a step below the precision of the values adds nothing:
       * seq would give one value again and again, practically forever.
       * The values are largest at one end, so that is where to look. */
      "if (($U) 0.5 != 0 && $s->left > 1\n"
      "    && ($s->cur + $s->step == $s->cur || ($U) ($p{to}) - $s->step == ($U) ($p{to})))\n"
      "  $FAIL (\"step %g is below the precision of values from %g to %g: seq would give the \"\n"
      "         \"same value again and again\", (double) $s->step, (double) $s->cur,\n"
      "         (double) ($p{to}));\n",
    .prologue = "$avail = $s->left == 0 ? -1 : $s->left < (uint64_t) $room ? (int64_t) $s->left : $room;\n",
    /* The prologue admits no more than is left, so the count is settled
     * once per call; cur may step past the end, wrapping harmlessly,
     * after the last item. */
    .body = "$U pb_v = $s->cur;\n$s->cur = PB_ADD_$u ($s->cur, $s->step);\n$EMIT (pb_v)\n",
    .epilogue = "$s->left -= (uint64_t) $consumed;\n",
  },
  {
    .name = "random", .category = "source",
    .description = N_("Pseudo-random numbers from a seed: uniform or normal."),
    .shape = PB_SHAPE_SOURCE, PORTS (source_ports_f64), PARAMS (random_params),
    .out_rule = PB_OUT_FIXED, .out_fixed = PB_ITEM_F64,
    .cached_state = true,
    .state = "uint64_t rng; uint64_t left; int endless; int have_spare; double spare;",
    .init = "$s->rng = (uint64_t) ($p{seed}); $s->left = (uint64_t) ($p{count}); $s->endless = $s->left == 0;\n",
    .prologue = "$avail = !$s->endless && $s->left == 0 ? -1 : $s->endless || $s->left > (uint64_t) $room ? $room : (int64_t) $s->left;\n",
    .body =
      "double pb_v;\n"
      "if ($p{distribution} == 0) pb_v = pb_uniform (&$s->rng);\n"
      "else if ($s->have_spare) { $s->have_spare = 0; pb_v = $s->spare; }\n"
      "else { double pb_u = pb_uniform (&$s->rng), pb_w = pb_uniform (&$s->rng);\n"
      "  double pb_r = sqrt (-2.0 * log (1.0 - pb_u));\n"
      "  pb_v = pb_r * cos (6.283185307179586 * pb_w); $s->spare = pb_r * sin (6.283185307179586 * pb_w); $s->have_spare = 1; }\n"
      "if (!$s->endless) $s->left--;\n"
      "$EMIT (pb_v)\n",
  },
  {
    .name = "file-in", .category = "source",
    .description = N_("Reads the bytes of a file."),
    .shape = PB_SHAPE_SOURCE, PORTS (source_ports_u8), PARAMS (path_params),
    .out_rule = PB_OUT_FIXED, .out_fixed = PB_ITEM_U8,
    /* `off`: how far it has read, where a new worker takes the file up. */
    .state = "int fd; int64_t pos; int64_t len; int64_t off; uint8_t buf[16384];",
    .init = "$s->fd = open ($p{path}, 0);\nif ($s->fd < 0) $FAIL (\"cannot open '%s': %s\", $p{path}, strerror (errno));\n",
    .reopen = "$s->fd = open ($p{path}, 0);\nif ($s->fd < 0) $FAIL (\"cannot open '%s': %s\", $p{path}, strerror (errno));\n"
      "if (lseek ($s->fd, $s->off, 0) != $s->off) $FAIL (\"cannot read '%s': %s\", $p{path}, strerror (errno));\n",
    .fini = "if ($s->fd >= 0) close ($s->fd);\n",
    .prologue =
      "if ($s->pos == $s->len) { int64_t pb_r = read ($s->fd, $s->buf, $room < (int64_t) sizeof $s->buf ? (size_t) $room : sizeof $s->buf);\n"
      "  if (pb_r < 0) $FAIL (\"cannot read '%s': %s\", $p{path}, strerror (errno));\n"
      "  $s->pos = 0; $s->len = pb_r; $s->off += pb_r; }\n"
      "$avail = $s->len == 0 ? -1 : $s->len - $s->pos;\n",
    .body = "$EMIT ($s->buf[$s->pos++])\n",
  },
  {
    .name = "stdin", .category = "source",
    .description = N_("Reads the bytes of standard input."),
    .shape = PB_SHAPE_SOURCE, PORTS (source_ports_u8), NO_PARAMS,
    .out_rule = PB_OUT_FIXED, .out_fixed = PB_ITEM_U8,
    .state = "int64_t pos; int64_t len; int eof; uint8_t buf[16384];",
    .prologue =
      "if ($s->pos == $s->len && !$s->eof) {\n"
      "  if (!pb_readable (0)) $wait = 0;\n"
      "  else { int64_t pb_r = read (0, $s->buf, $room < (int64_t) sizeof $s->buf ? (size_t) $room : sizeof $s->buf);\n"
      "    if (pb_r < 0 && errno != EINTR && errno != EAGAIN) $FAIL (\"cannot read standard input: %s\", strerror (errno));\n"
      "    $s->pos = 0; $s->len = pb_r < 0 ? 0 : pb_r; $s->eof = pb_r == 0; } }\n"
      "$avail = $s->eof && $s->pos == $s->len ? -1 : $s->len - $s->pos;\n",
    .body = "$EMIT ($s->buf[$s->pos++])\n",
  },
  {
    .name = "clock", .category = "source",
    .description = N_("A steady ramp of seconds since start, at a fixed rate, for live views."),
    .shape = PB_SHAPE_SOURCE, PORTS (source_ports_f64), PARAMS (clock_params),
    .out_rule = PB_OUT_FIXED, .out_fixed = PB_ITEM_F64,
    .cached_state = true,
    .state = "uint64_t t0; uint64_t k;",
    .prologue =
      "if ($s->t0 == 0) $s->t0 = $now;\n"
      "if ($p{count} != 0 && $s->k >= (uint64_t) ($p{count})) $avail = -1;\n"
      "else { int64_t pb_due = (int64_t) ((double) ($now - $s->t0) * ($p{rate}) / 1e9) + 1 - (int64_t) $s->k;\n"
      "  if ($p{count} != 0 && pb_due > (int64_t) ($p{count}) - (int64_t) $s->k) pb_due = (int64_t) ($p{count}) - (int64_t) $s->k;\n"
      "  if (pb_due <= 0) { $avail = 0; $wake = $s->t0 + (uint64_t) ((double) $s->k * 1e9 / ($p{rate})); }\n"
      "  else $avail = pb_due < $room ? pb_due : $room; }\n",
    .body = "double pb_v = (double) $s->k++ / ($p{rate});\n$EMIT (pb_v)\n",
  },

  /* Transforms. */
  {
    .name = "map", .category = "transform",
    .description = N_("Replaces each item x by the value of a C expression in x."),
    .shape = PB_SHAPE_TRANSFORM, PORTS (transform_any_ports), PARAMS (expr_params),
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_SAME, .one_to_one = true, .expand = 1,
    .body = "$EMIT (($U) ($e{expr}))\n",
  },
  {
    .name = "filter", .category = "transform",
    .description = N_("Passes on the items x for which a C predicate in x holds."),
    .shape = PB_SHAPE_TRANSFORM, PORTS (transform_any_ports), PARAMS (expr_params),
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_SAME, .expand = 1,
    .body = "if ($e{expr})\n$EMIT ($x)\n",
  },
  {
    .name = "take", .category = "transform",
    .description = N_("Passes on the first n items, then ends the stream."),
    .shape = PB_SHAPE_TRANSFORM, PORTS (transform_any_ports), PARAMS (count_n_params),
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_SAME, .expand = 1,
    .cached_state = true,
    .state = "int64_t seen;",
    .body = "if ($s->seen >= $p{n}) $STOP;\n$s->seen++;\n$EMIT ($x)\nif ($s->seen >= $p{n}) $STOP;\n",
  },
  {
    .name = "skip", .category = "transform",
    .description = N_("Drops the first n items and passes on the rest."),
    .shape = PB_SHAPE_TRANSFORM, PORTS (transform_any_ports), PARAMS (count_n_params),
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_SAME, .expand = 1,
    .cached_state = true,
    .state = "int64_t seen;",
    .body = "if ($s->seen < $p{n}) $s->seen++;\nelse\n$EMIT ($x)\n",
  },
  {
    .name = "accumulate", .category = "transform",
    .description = N_("Emits the running sum of the items so far."),
    .shape = PB_SHAPE_TRANSFORM, PORTS (transform_num_ports), NO_PARAMS,
    .in_types = "i64|f64", .out_rule = PB_OUT_SAME, .one_to_one = true, .expand = 1,
    .cached_state = true,
    .state = "$U sum;",
    .body = "$s->sum = PB_ADD_$t ($s->sum, $x);\n$EMIT ($s->sum)\n",
  },
  {
    .name = "window-mean", .category = "transform",
    .description = N_("Emits the mean of the last n items (fewer at the start)."),
    .shape = PB_SHAPE_TRANSFORM, PORTS (mean_ports), PARAMS (window_params),
    .in_types = "i64|f64", .out_rule = PB_OUT_FIXED, .out_fixed = PB_ITEM_F64,
    .one_to_one = true, .expand = 1,
    .state = "int64_t pos; int64_t fill; double sum; double win[$p{n}];",
    .body =
      "if ($s->fill == $p{n}) $s->sum -= $s->win[$s->pos]; else $s->fill++;\n"
      "$s->win[$s->pos] = (double) $x; $s->sum += (double) $x;\n"
      /* A running sum drifts; recomputing it once per window keeps the
       * error bounded at constant cost per item. */
      "if (++$s->pos == $p{n}) { $s->pos = 0; $s->sum = 0; for (int64_t pb_i = 0; pb_i < $s->fill; pb_i++) $s->sum += $s->win[pb_i]; }\n"
      "$EMIT ($s->sum / (double) $s->fill)\n",
  },
  {
    .name = "throttle", .category = "transform",
    .description = N_("Passes items on no faster than a given rate."),
    .shape = PB_SHAPE_TRANSFORM, PORTS (transform_any_ports), PARAMS (rate_params),
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_SAME, .one_to_one = true, .expand = 1,
    .heads_chain = true,
    .cached_state = true,
    .state = "uint64_t t0; uint64_t k;",
    .prologue =
      "if ($s->t0 == 0) $s->t0 = $now;\n"
      "{ int64_t pb_due = (int64_t) ((double) ($now - $s->t0) * ($p{rate}) / 1e9) + 1 - (int64_t) $s->k;\n"
      "  if (pb_due <= 0) { $avail = 0; $wake = $s->t0 + (uint64_t) ((double) $s->k * 1e9 / ($p{rate})); }\n"
      "  else if (pb_due < $avail) $avail = pb_due; }\n",
    .body = "$s->k++;\n$EMIT ($x)\n",
  },
  {
    .name = "cast", .category = "transform",
    .description = N_("Converts items to another number type."),
    .shape = PB_SHAPE_TRANSFORM, PORTS (cast_ports), PARAMS (to_num_params),
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_PARAM, .out_param = "to",
    .one_to_one = true, .expand = 1,
    .body = "$EMIT (($U) $x)\n",
  },
  {
    .name = "parse", .category = "transform",
    .description = N_("Reads text as numbers, one per line of at most 79 bytes; blank lines are skipped."),
    .shape = PB_SHAPE_TRANSFORM, PORTS (parse_ports), PARAMS (to_num_params),
    .in_types = "u8", .out_rule = PB_OUT_PARAM, .out_param = "to",
    .expand = 1, .finish_emit = 1,
    /* A line that outgrows the buffer fails at once: no number is that
     * long, and a line of gigabytes must neither wrap a count nor wait
     * for a newline that may never come. */
    .state = "int64_t line; size_t len; char text[80];",
    .body =
      "if ($x != '\\n') {\n"
      "  if ($s->len == sizeof $s->text - 1)\n"
      "    $FAIL (\"line %lld is longer than %d bytes, the most a number may take\",\n"
      "           (long long) $s->line + 1, (int) sizeof $s->text - 1);\n"
      "  $s->text[$s->len++] = (char) $x; }\n"
      "else { $U pb_v; int pb_r = pb_parse_$u ($s->text, (int) $s->len, &pb_v); $s->line++; $s->len = 0;\n"
      "  if (pb_r < 0) $FAIL (\"line %lld is not a number\", (long long) $s->line);\n"
      "  if (pb_r > 0)\n"
      "$EMIT (pb_v)\n"
      "}\n",
    .finish =
      "if ($s->len > 0) { $U pb_v; int pb_r = pb_parse_$u ($s->text, (int) $s->len, &pb_v); $s->line++; $s->len = 0;\n"
      "  if (pb_r < 0) $FAIL (\"line %lld is not a number\", (long long) $s->line);\n"
      "  if (pb_r > 0)\n"
      "$EMIT (pb_v)\n"
      "}\n",
  },
  {
    .name = "format", .category = "transform",
    .description = N_("Writes numbers as text, one per line."),
    .shape = PB_SHAPE_TRANSFORM, PORTS (format_ports), NO_PARAMS,
    .in_types = "i64|f64", .out_rule = PB_OUT_FIXED, .out_fixed = PB_ITEM_U8,
    .expand = PB_FORMAT_MAX,
    .body =
      "char pb_b[PB_FORMAT_MAX]; int pb_n = pb_fmt_$t (pb_b, $x); pb_b[pb_n++] = '\\n';\n"
      "for (int pb_i = 0; pb_i < pb_n; pb_i++)\n"
      "$EMIT ((uint8_t) pb_b[pb_i])\n",
  },
  {
    .name = "pass", .category = "transform",
    .description = N_("Passes every item on unchanged, like the original's cat."),
    .shape = PB_SHAPE_TRANSFORM, PORTS (transform_any_ports), NO_PARAMS,
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_SAME, .one_to_one = true, .expand = 1,
    .body = "$EMIT ($x)\n",
  },

  /* Routing. Their bodies are written by the code generator, which knows
   * the branches; each branch has its own ring, so a full branch holds the
   * others back but is never over-committed. */
  {
    .name = "broadcast", .category = "routing",
    .description = N_("Sends every item to every branch out[i]."),
    .shape = PB_SHAPE_FANOUT, PORTS (fanout_ports), NO_PARAMS,
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_SAME, .expand = 1,
  },
  {
    .name = "round-robin", .category = "routing",
    .description = N_("Sends each item to the next branch out[i] in turn."),
    .shape = PB_SHAPE_FANOUT, PORTS (fanout_ports), NO_PARAMS,
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_SAME, .expand = 1,
    .cached_state = true,
    .state = "int64_t next;",
  },
  {
    .name = "merge", .category = "routing",
    .description = N_("Passes on the items of every input in[i], as they come."),
    .shape = PB_SHAPE_FANIN, PORTS (merge_ports), NO_PARAMS,
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_SAME, .one_to_one = true, .expand = 1,
    .heads_chain = true,
    .body = "$EMIT ($x)\n",
  },

  /* Sinks. */
  {
    .name = "discard", .category = "sink",
    .description = N_("Consumes items and does nothing with them."),
    .shape = PB_SHAPE_SINK, PORTS (sink_any_ports), NO_PARAMS,
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_NONE,
    .body = "",
  },
  {
    .name = "count", .category = "sink",
    .description = N_("Counts items; prints the count at end of stream."),
    .shape = PB_SHAPE_SINK, PORTS (sink_any_ports), NO_PARAMS,
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_NONE,
    .cached_state = true,
    .state = "int64_t n;",
    .body = "$s->n++;\n",
    .report = "snprintf (pb_buf, pb_size, \"%lld\", (long long) $s->n);\n",
    .view = "pb_v->display = PB_VIEW_SCALAR; pb_v->type = PB_TYPE_i64;\n"
            "pb_v->count = pb_v->i64 = $s->n; pb_v->f64 = (double) $s->n;\n",
  },
  {
    .name = "sum", .category = "sink",
    .description = N_("Adds items up; prints the sum at end of stream."),
    .shape = PB_SHAPE_SINK, PORTS (sink_num_ports), NO_PARAMS,
    .in_types = "i64|f64", .out_rule = PB_OUT_NONE,
    .cached_state = true,
    .state = "$T sum;",
    .body = "$s->sum = PB_ADD_$t ($s->sum, $x);\n",
    .report = "pb_fmt_$t (pb_buf, $s->sum);\n",
    /* A sum counts nothing, to keep its loop one addition: its count is
     * the process's items in. */
    .view = "pb_v->display = PB_VIEW_SCALAR; pb_v->type = PB_TYPE_$t;\n"
            "pb_v->i64 = PB_TYPE_$t == PB_TYPE_i64 ? (int64_t) $s->sum : 0; pb_v->f64 = (double) $s->sum;\n",
  },
  {
    .name = "stats", .category = "sink",
    .description = N_("Prints count, min, max and mean at end of stream."),
    .shape = PB_SHAPE_SINK, PORTS (sink_num_ports), NO_PARAMS,
    .in_types = "i64|f64", .out_rule = PB_OUT_NONE,
    .cached_state = true,
    .state = "int64_t n; $T min; $T max; double sum;",
    .body =
      "if ($s->n == 0 || $x < $s->min) $s->min = $x;\n"
      "if ($s->n == 0 || $x > $s->max) $s->max = $x;\n"
      "$s->sum += (double) $x; $s->n++;\n",
    .report =
      "if ($s->n == 0) snprintf (pb_buf, pb_size, \"count=0\");\n"
      "else { char pb_a[PB_FORMAT_MAX], pb_b[PB_FORMAT_MAX], pb_c[PB_FORMAT_MAX];\n"
      "  pb_fmt_$t (pb_a, $s->min); pb_fmt_$t (pb_b, $s->max); pb_fmt_f64 (pb_c, $s->sum / (double) $s->n);\n"
      "  snprintf (pb_buf, pb_size, \"count=%lld min=%s max=%s mean=%s\", (long long) $s->n, pb_a, pb_b, pb_c); }\n",
    .view =
      "pb_v->display = PB_VIEW_STATS; pb_v->type = PB_TYPE_$t; pb_v->count = $s->n;\n"
      "if ($s->n > 0) { pb_v->min = (double) $s->min; pb_v->max = (double) $s->max;\n"
      "  pb_v->mean = $s->sum / (double) $s->n; }\n",
  },
  {
    .name = "scope", .category = "sink",
    .description = N_("Keeps the last n numbers, which the editor plots as a line chart."),
    .shape = PB_SHAPE_SINK, PORTS (sink_num_ports), PARAMS (scope_params),
    .in_types = "i64|f64", .out_rule = PB_OUT_NONE,
    /* The count and the position are read at each item: a local copy of
     * them is not worth it beside the array, which stays in the state. */
    .state = "int64_t n; int64_t pos; $T last[$p{n}];",
    .body = "$s->last[$s->pos] = $x; if (++$s->pos == $p{n}) $s->pos = 0; $s->n++;\n",
    .report =
      "if ($s->n == 0) snprintf (pb_buf, pb_size, \"count=0\");\n"
      "else { char pb_a[PB_FORMAT_MAX]; pb_fmt_$t (pb_a, $s->last[((uint64_t) $s->pos + $p{n} - 1) % $p{n}]);\n"
      "  snprintf (pb_buf, pb_size, \"count=%lld last=%s\", (long long) $s->n, pb_a); }\n",
    .view =
      "pb_v->display = PB_VIEW_SERIES; pb_v->type = PB_TYPE_$t; pb_v->count = $s->n;\n"
      "pb_v->ring = $s->last; pb_v->ring_size = $p{n}; pb_v->ring_next = (uint64_t) $s->pos;\n",
  },
  {
    .name = "print", .category = "sink",
    .description = N_("Writes items to standard output: numbers one per line, bytes as they are."),
    .shape = PB_SHAPE_SINK, PORTS (sink_any_ports), NO_PARAMS,
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_NONE,
    /* Output that cannot be written (a full disk, a closed descriptor) is
     * an error. The stream's error flag is looked at every 4096 items, so
     * that an endless stream into /dev/full fails too, at little cost per
     * byte. (A closed pipe is SIGPIPE's, which ends the program quietly,
     * as it ends `seq | head -1`.) */
    /* It keeps what it printed last, for a live view: a few numbers, or
     * enough bytes for a few lines of text. */
    .state = "uint64_t n; $T tail[sizeof ($T) == 1 ? 512 : 8];",
    .body =
      "$s->tail[$s->n & (sizeof $s->tail / sizeof $s->tail[0] - 1)] = $x;\n"
      "pb_print_$t ($x);\n"
      "if ((++$s->n & 4095) == 0 && ferror (stdout))\n"
      "  $FAIL (\"cannot write to standard output: %s\", strerror (errno));\n",
    .finish =
      "if (fflush (stdout) != 0 || ferror (stdout))\n"
      "  $FAIL (\"cannot write to standard output: %s\", strerror (errno));\n",
    .view =
      "pb_v->display = PB_VIEW_LINES; pb_v->type = PB_TYPE_$t; pb_v->count = (int64_t) $s->n;\n"
      "pb_v->ring = $s->tail; pb_v->ring_size = sizeof $s->tail / sizeof $s->tail[0];\n"
      "pb_v->ring_next = $s->n & (sizeof $s->tail / sizeof $s->tail[0] - 1);\n",
  },
  {
    .name = "file-out", .category = "sink",
    .description = N_("Writes bytes to a file, replacing it."),
    .shape = PB_SHAPE_SINK, PORTS (sink_u8_ports), PARAMS (path_params),
    .in_types = "u8", .out_rule = PB_OUT_NONE,
    /* Bytes wait in the state, not in a FILE of the process that runs
     * the code: the state outlives a worker, so a new one writes them,
     * and reopens the file at what was written (`written`) before. */
    .state = "int fd; int64_t n; int64_t written; uint8_t buf[65536];",
    /* O_WRONLY | O_CREAT | O_TRUNC, and without O_TRUNC. */
    .init = "$s->fd = open ($p{path}, 01 | 0100 | 01000, 0666);\n"
      "if ($s->fd < 0) $FAIL (\"cannot open '%s' for writing: %s\", $p{path}, strerror (errno));\n",
    .reopen = "$s->fd = open ($p{path}, 01 | 0100, 0666);\n"
      "if ($s->fd < 0) $FAIL (\"cannot open '%s' for writing: %s\", $p{path}, strerror (errno));\n"
      "if (ftruncate ($s->fd, $s->written) != 0 || lseek ($s->fd, $s->written, 0) != $s->written)\n"
      "  $FAIL (\"cannot write '%s': %s\", $p{path}, strerror (errno));\n",
    .fini = "if (pb_write_all ($s->fd, $s->buf, $s->n) == 0) $s->n = 0;\nclose ($s->fd);\n",
    .body = "$s->buf[$s->n++] = $x;\n"
      "if ($s->n == (int64_t) sizeof $s->buf) {\n"
      "  if (pb_write_all ($s->fd, $s->buf, $s->n) != 0) $FAIL (\"cannot write '%s': %s\", $p{path}, strerror (errno));\n"
      "  $s->written += $s->n; $s->n = 0; }\n",
    .finish = "if (pb_write_all ($s->fd, $s->buf, $s->n) != 0) $FAIL (\"cannot write '%s': %s\", $p{path}, strerror (errno));\n"
      "$s->written += $s->n; $s->n = 0;\n",
  },

  /* User code. */
  {
    .name = "c", .category = "transform",
    .description = N_("Runs your C code for each item, with declared types and state."),
    .shape = PB_SHAPE_TRANSFORM, PORTS (c_ports), PARAMS (c_params),
    .in_types = "i64|f64|u8", .out_rule = PB_OUT_PARAM, .out_param = "out",
    .user_code = true,
    .state = "$c{state}",
    .init = "$c{init}",
    .body = "$USER{code}",
    .finish = "$USER{finish}",
  },
};

size_t
pb_kind_count (void)
{
  return N_ELEMENTS (catalogue);
}

const pb_kind *
pb_kind_at (size_t i)
{
  return i < N_ELEMENTS (catalogue) ? &catalogue[i] : NULL;
}

const pb_kind *
pb_kind_find (const char *name)
{
  if (name == NULL)
    return NULL;
  for (size_t i = 0; i < N_ELEMENTS (catalogue); i++)
    if (strcmp (catalogue[i].name, name) == 0)
      return &catalogue[i];
  return NULL;
}

const char *
pb_kind_name (const pb_kind *kind)
{
  return kind->name;
}

bool
pb_kind_can_bypass (const pb_kind *kind)
{
  return kind->shape == PB_SHAPE_TRANSFORM && kind->out_rule == PB_OUT_SAME;
}

const char *
pb_kind_category (const pb_kind *kind)
{
  return kind->category;
}

const char *
pb_kind_description (const pb_kind *kind)
{
  return pb_text (kind->description);
}

/*
 * The formats the kinds' templates fail with ($FAIL), for xgettext, which
 * cannot see into the templates' string literals: codegen translates each
 * where it generates the code (pb__kind_failure_known()), so a failure
 * reads in the person's language like every other message.
 */
static const char *const failures[] = {
  N_("from, to and step must be whole numbers for type=i64; add type=f64"),
  N_("step must not be 0"),
  N_("from, to and step never end"),
  N_("step %g is below the precision of values from %g to %g: seq would give the same value "
     "again and again"),
  N_("cannot open '%s': %s"),
  N_("cannot read '%s': %s"),
  N_("cannot read standard input: %s"),
  N_("line %lld is longer than %d bytes, the most a number may take"),
  N_("line %lld is not a number"),
  N_("cannot write to standard output: %s"),
  N_("cannot open '%s' for writing: %s"),
  N_("cannot write '%s': %s"),
};

bool
pb__kind_failure_known (const char *format)
{
  for (size_t i = 0; i < N_ELEMENTS (failures); i++)
    if (strcmp (failures[i], format) == 0)
      return true;
  return false;
}

const char *
pb_text (const char *msgid)
{
  /* dgettext ("") would return the catalogue's header. */
  if (msgid == NULL || msgid[0] == '\0')
    return msgid;
  return dgettext (GETTEXT_PACKAGE, msgid);
}

size_t
pb_kind_n_ports (const pb_kind *kind)
{
  return kind->n_ports;
}

const pb_port_spec *
pb_kind_port (const pb_kind *kind,
              size_t         i)
{
  return i < kind->n_ports ? &kind->ports[i] : NULL;
}

size_t
pb_kind_n_params (const pb_kind *kind)
{
  return kind->n_params;
}

const pb_param_spec *
pb_kind_param (const pb_kind *kind,
               size_t         i)
{
  return i < kind->n_params ? &kind->params[i] : NULL;
}

const pb_param_spec *
pb_kind_find_param (const pb_kind *kind,
                    const char    *name)
{
  for (size_t i = 0; i < kind->n_params; i++)
    if (strcmp (kind->params[i].name, name) == 0)
      return &kind->params[i];
  return NULL;
}

const char *
pb_kind_param_value (const pb_kind       *kind,
                     const pb_param_spec *param,
                     const char          *given)
{
  return given != NULL ? given : param->default_value;
}

const pb_port_spec *
pb_kind_port_lookup (const pb_kind *kind,
                     uint32_t       port,
                     uint32_t      *index)
{
  for (size_t i = 0; i < kind->n_ports; i++)
    {
      const pb_port_spec *spec = &kind->ports[i];

      if (spec->range ? port >= spec->first : port == spec->first)
        {
          if (index != NULL)
            *index = port - spec->first;
          return spec;
        }
    }
  return NULL;
}

int
pb_kind_port_parse (const pb_kind *kind,
                    const char    *role,
                    uint32_t      *port,
                    pb_error      *err)
{
  char q[PB_QUOTE_MAX];

  for (size_t i = 0; i < kind->n_ports; i++)
    {
      const pb_port_spec *spec = &kind->ports[i];
      size_t len = strlen (spec->role);
      const char *rest;
      char *end;
      unsigned long index;
      bool bracket;

      if (strncmp (role, spec->role, len) != 0)
        continue;
      rest = role + len;
      if (*rest == '\0' && !spec->range)
        {
          *port = spec->first;
          return PB_OK;
        }
      if (!spec->range)
        continue;
      /* out[2] and out2 both name element 2 of the range; a bracket
       * opened must be closed ("out[2" is no port). */
      bracket = *rest == '[';
      if (bracket)
        rest++;
      if (*rest < '0' || *rest > '9')
        continue;
      errno = 0;
      index = strtoul (rest, &end, 10);
      if (bracket && *end++ != ']')
        continue;
      if (*end != '\0' || errno != 0 || index > PB_PORT_MAX - spec->first)
        continue;
      *port = spec->first + (uint32_t) index;
      return PB_OK;
    }
  return pb_error_set (err, PB_ENOENT, _("%s has no port '%s'"), kind->name, pb_quote (role, q));
}

char *
pb_kind_port_format (const pb_kind *kind,
                     uint32_t       port,
                     char           buf[32])
{
  uint32_t index;
  const pb_port_spec *spec = pb_kind_port_lookup (kind, port, &index);

  if (spec == NULL)
    snprintf (buf, 32, "port %u", port);
  else if (spec->range)
    snprintf (buf, 32, "%s[%u]", spec->role, index);
  else
    snprintf (buf, 32, "%s", spec->role);
  return buf;
}

static bool
choice_index (const char *choices,
              const char *value,
              int        *index)
{
  size_t len = strlen (value);
  int i = 0;

  for (const char *p = choices; *p != '\0'; i++)
    {
      const char *bar = strchr (p, '|');
      size_t n = bar != NULL ? (size_t) (bar - p) : strlen (p);

      if (n == len && strncmp (p, value, n) == 0)
        {
          if (index != NULL)
            *index = i;
          return true;
        }
      p += n + (bar != NULL);
    }
  return false;
}

int
pb_kind_check_param (const pb_kind *kind,
                     const char    *name,
                     const char    *value,
                     pb_error      *err)
{
  const pb_param_spec *spec = pb_kind_find_param (kind, name);
  char *end;
  double number;
  char q[PB_QUOTE_MAX];

  if (spec == NULL)
    return pb_error_set (err, PB_ENOENT, _("%s has no parameter '%s'"), kind->name,
                         pb_quote (name, q));

  switch (spec->type)
    {
    case PB_PARAM_INT:
      {
        int64_t whole;

        if (!pb_kind_parse_int (value, &whole))
          return pb_error_set (err, PB_EINVAL, _("%s=%s is not a whole number"), name,
                               pb_quote (value, q));
        number = (double) whole;
      }
      break;

    case PB_PARAM_FLOAT:
      errno = 0;
      number = strtod (value, &end);
      if (end == value || *end != '\0' || errno != 0 || !isfinite (number))
        return pb_error_set (err, PB_EINVAL, _("%s=%s is not a number"), name, pb_quote (value, q));
      break;

    case PB_PARAM_CHOICE:
      if (!choice_index (spec->choices, value, NULL))
        return pb_error_set (err, PB_EINVAL, _("%s=%s is not one of %s"), name,
                             pb_quote (value, q), spec->choices);
      return PB_OK;

    case PB_PARAM_EXPR:
      if (strspn (value, " \t\n") == strlen (value))
        return pb_error_set (err, PB_EINVAL, _("%s is empty"), name);
      return pb__user_text_check (name, value, err);

    case PB_PARAM_CODE:
      return pb__user_text_check (name, value, err);

    case PB_PARAM_STRING:
    default:
      return PB_OK;
    }

  if ((spec->min != 0 || spec->max != 0) && (number < spec->min || number > spec->max))
    return pb_error_set (err, PB_EINVAL, _("%s=%s is out of range (%g to %g)"),
                         name, pb_quote (value, q), spec->min, spec->max);
  return PB_OK;
}

bool
pb_kind_parse_int (const char *text,
                   int64_t    *value)
{
  const char *digits = text + (text[0] == '+' || text[0] == '-');
  bool hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
  char *end;
  long long v;

  /* strtoll's base 0 would read 010 as octal 8, which nobody means in a
   * parameter, and the docs promise decimal or 0x. */
  if (!(hex ? isxdigit ((unsigned char) digits[2]) : isdigit ((unsigned char) digits[0])))
    return false;
  errno = 0;
  v = strtoll (text, &end, hex ? 16 : 10);
  if (*end != '\0' || errno != 0)
    return false;
  *value = v;
  return true;
}

int
pb_kind_choice_index (const pb_param_spec *spec,
                      const char          *value)
{
  int index = -1;

  choice_index (spec->choices, value, &index);
  return index;
}

const char *
pb_item_type_name (pb_item_type type)
{
  switch (type)
    {
    case PB_ITEM_I64: return "i64";
    case PB_ITEM_F64: return "f64";
    case PB_ITEM_U8:  return "u8";
    case PB_ITEM_NONE:
    default:          return "none";
    }
}

pb_item_type
pb_item_type_parse (const char *name)
{
  if (strcmp (name, "i64") == 0)
    return PB_ITEM_I64;
  if (strcmp (name, "f64") == 0)
    return PB_ITEM_F64;
  if (strcmp (name, "u8") == 0)
    return PB_ITEM_U8;
  return PB_ITEM_NONE;
}
