/* typing.h — the item-type rules of kinds (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <pushback/link.h>

#include "kind.h"

/*
 * What types a process takes and gives, from its kind and parameters. The
 * engine (pb__resolve_types() in engine-check.c) and pb_link_check() (link.c)
 * both ask here, so an editor never accepts a link the engine refuses. Sets
 * of types are PB_ITEM_MASK() bits. Every function is pure: any thread.
 */

/* The set a kind's type list names: "i64|f64", or "any" for all of them.
 * NULL (no input) is the empty set. */
uint32_t     pb__types_parse     (const char   *types);

/* Writes @mask as the kinds write it, "i64|f64", or "none" for the empty
 * set. Returns: @buf. */
const char  *pb__types_format    (uint32_t      mask,
                                  char          buf[16]);

/* The parameter that fixes the input type (c's in=), or NULL. */
const char  *pb__kind_in_param   (const pb_kind *kind);

/* The types a process of @kind accepts on its inputs, @in_value being the
 * value of pb__kind_in_param() (or NULL when the kind has none). An
 * invalid value narrows nothing: the engine refuses it as a parameter. */
uint32_t     pb__kind_in_types   (const pb_kind *kind,
                                  const char    *in_value);

/* Whether a process of @kind has an output, @out_value being the value of
 * kind->out_param (NULL when the kind has none): c with out=none has not. */
bool         pb__kind_has_output (const pb_kind *kind,
                                  const char    *out_value);

/* The type its output gives when its input carries @in; PB_ITEM_NONE for
 * no output, or when @out_value names no type. */
pb_item_type pb__kind_out_type   (const pb_kind *kind,
                                  const char    *out_value,
                                  pb_item_type   in);
