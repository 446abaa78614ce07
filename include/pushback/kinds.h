/* kinds.h — the catalogue of process kinds
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pushback/error.h>

/**
 * pb_kind:
 *
 * What a process does: its ports, with their roles, directions and item
 * types; its parameters; and the C templates the engine pastes into
 * compiled chains. The catalogue is built in and immutable: every function
 * here may be called from any thread at any time, and every pointer it
 * returns is static.
 *
 * Its text for people (descriptions, the @doc of ports and parameters,
 * the messages of pb_kind_check_param() and pb_kind_port_parse()) is
 * translated, in the catalogue of the application ("pushback"), once the
 * program has called setlocale() and bound that text domain with
 * bindtextdomain(); until then it is English. Names, roles, types and
 * choices are words of the pipeline language and are never translated.
 */
typedef struct pb_kind pb_kind;

/** pb_item_type: what a stream carries, as fixed-size items. */
typedef enum
{
  PB_ITEM_NONE = 0, /* no stream, or not known yet */
  PB_ITEM_I64,      /* 64-bit signed integers */
  PB_ITEM_F64,      /* 64-bit IEEE 754 floats */
  PB_ITEM_U8,       /* bytes: text or binary data */
} pb_item_type;

/** pb_item_type_name: Returns: "i64", "f64", "u8", or "none". */
const char *pb_item_type_name (pb_item_type type);

/**
 * pb_item_type_parse:
 * Returns: the type called @name ("i64", "f64", "u8"), or PB_ITEM_NONE.
 */
pb_item_type pb_item_type_parse (const char *name);

typedef enum
{
  PB_PORT_IN,  /* data flows into the process */
  PB_PORT_OUT, /* data flows out of it */
} pb_port_dir;

/**
 * pb_port_spec:
 * @role: "in" or "out", or the base of a range ("out" for out[i])
 * @dir: direction
 * @range: whether this is a range of ports, out[0], out[1]...: it takes
 *   every port number from @first up, and is always the last spec
 * @first: the port number of this role (of its element 0 for a range)
 * @types: the item types it accepts, e.g. "i64|f64", or "any"
 * @doc: one sentence for people, in English: show pb_text (@doc)
 */
typedef struct
{
  const char  *role;
  pb_port_dir  dir;
  bool         range;
  uint32_t     first;
  const char  *types;
  const char  *doc;
} pb_port_spec;

typedef enum
{
  PB_PARAM_INT,    /* a 64-bit integer, decimal or 0x hexadecimal */
  PB_PARAM_FLOAT,  /* a number, as C's strtod reads it */
  PB_PARAM_STRING, /* any text, such as a path */
  PB_PARAM_CHOICE, /* one of the words in @choices, separated by '|' */
  PB_PARAM_EXPR,   /* a C expression in x */
  PB_PARAM_CODE,   /* C statements or declarations */
} pb_param_type;

/**
 * pb_param_spec:
 * @name: the key, as in `map expr=...`
 * @type: what values it takes
 * @default_value: (nullable): the value when none is given; NULL when the
 *   parameter is required
 * @choices: (nullable): for PB_PARAM_CHOICE, the allowed words, "a|b"
 * @min: for numbers, the least value allowed
 * @max: for numbers, the greatest value allowed; when @min and @max are
 *   both 0, any value is allowed
 * @doc: one sentence for people, in English: show pb_text (@doc)
 */
typedef struct
{
  const char    *name;
  pb_param_type  type;
  const char    *default_value;
  const char    *choices;
  double         min;
  double         max;
  const char    *doc;
} pb_param_spec;

/** pb_kind_count: Returns: how many kinds the catalogue has. */
size_t pb_kind_count (void);

/**
 * pb_kind_at:
 * Returns: kind @i of the catalogue (0-based, < pb_kind_count()), in the
 *   order of the catalogue: sources, transforms, routing, sinks, code.
 */
const pb_kind *pb_kind_at (size_t i);

/** pb_kind_find: Returns: (nullable): the kind called @name, or NULL. */
const pb_kind *pb_kind_find (const char *name);

/** pb_kind_name: Returns: the kind's name, e.g. "window-mean". */
const char *pb_kind_name (const pb_kind *kind);

/** pb_kind_category: Returns: "source", "transform", "routing" or "sink". */
const char *pb_kind_category (const pb_kind *kind);

/**
 * pb_kind_can_bypass:
 *
 * Returns: whether a process of @kind may be bypassed
 *   (pb_graph_set_bypass()): it has one input and one output, and gives
 *   items of the type it takes, so passing them on unchanged fits the
 *   links on both sides.
 * Thread safety: any thread.
 */
bool pb_kind_can_bypass (const pb_kind *kind);

/**
 * pb_kind_description:
 * Returns: one line saying what the kind does, translated as pb_text()
 *   translates.
 */
const char *pb_kind_description (const pb_kind *kind);

/**
 * pb_text:
 * @msgid: (nullable): English text of the catalogue: the @doc of a
 *   pb_port_spec or a pb_param_spec
 *
 * Translates text that the catalogue hands out in English because it
 * lies in public structs: read `pb_text (spec->doc)` where a person will
 * see it. The translation comes from the "pushback" text domain, in the
 * language of LC_MESSAGES (and LANGUAGE), as dgettext() finds it; the
 * program must have called setlocale() and bindtextdomain() first, as
 * the editor and pushback-run do at start.
 *
 * Returns: (nullable): the translation, or @msgid itself when there is
 *   none (no catalogue bound, the "C" locale, an unknown text), NULL for
 *   NULL and "" for "". Static storage: never free it; it stays valid as
 *   long as the program runs.
 * Thread safety: any thread, at any time, as dgettext(); but not while
 *   another thread calls setlocale() or bindtextdomain().
 */
const char *pb_text (const char *msgid);

/** pb_kind_n_ports: Returns: how many port specs @kind has. */
size_t pb_kind_n_ports (const pb_kind *kind);

/** pb_kind_port: Returns: port spec @i of @kind (< pb_kind_n_ports()). */
const pb_port_spec *pb_kind_port (const pb_kind *kind,
                                  size_t         i);

/** pb_kind_n_params: Returns: how many parameters @kind takes. */
size_t pb_kind_n_params (const pb_kind *kind);

/** pb_kind_param: Returns: parameter spec @i of @kind. */
const pb_param_spec *pb_kind_param (const pb_kind *kind,
                                    size_t         i);

/** pb_kind_find_param: Returns: (nullable): the parameter @name, or NULL. */
const pb_param_spec *pb_kind_find_param (const pb_kind *kind,
                                         const char    *name);

/**
 * pb_kind_port_lookup:
 * @kind: a kind
 * @port: a port number
 * @index: (out) (optional): the element of a range (2 for out[2]), else 0
 *
 * Returns: (nullable): the spec that gives @port its role, or NULL when
 *   @kind has no port of that number.
 */
const pb_port_spec *pb_kind_port_lookup (const pb_kind *kind,
                                         uint32_t       port,
                                         uint32_t      *index);

/**
 * pb_kind_port_parse:
 * @kind: a kind
 * @role: a role as people write it: "in", "out", "out[2]" ("out2" too)
 * @port: (out): the port number it names
 * @err: (nullable): says why @role names no port of @kind
 *
 * Returns: PB_OK; PB_ENOENT when @kind has no such port.
 */
int pb_kind_port_parse (const pb_kind *kind,
                        const char    *role,
                        uint32_t      *port,
                        pb_error      *err);

/**
 * pb_kind_port_format:
 * @buf: (out caller-allocates): at least 32 bytes
 *
 * Writes the role of @port as people write it ("in", "out[2]"), or "port N"
 * when @kind does not know the number.
 *
 * Returns: @buf.
 */
char *pb_kind_port_format (const pb_kind *kind,
                           uint32_t       port,
                           char           buf[32]);

/**
 * pb_kind_check_param:
 * @kind: a kind
 * @name: a parameter name
 * @value: a value, as text
 * @err: (nullable): says what is wrong, naming the parameter
 *
 * Checks that @kind takes @name and that @value suits its type (a number
 * parses and is in range, a choice is one of the words). Expressions and
 * code are only checked when their chain is compiled.
 *
 * Returns: PB_OK; PB_ENOENT for an unknown parameter; PB_EINVAL for a bad
 *   value.
 */
int pb_kind_check_param (const pb_kind *kind,
                         const char    *name,
                         const char    *value,
                         pb_error      *err);
