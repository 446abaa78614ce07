/* source.h — generated C, shared between an engine and its snapshots (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdatomic.h>

/*
 * A chain's generated C does not change once generated, and the editor
 * shows it ("Show generated C") from a snapshot taken on another thread.
 * Snapshots are taken 30 times a second: copying every chain's text (some
 * kilobytes each) into each would cost far more than taking a reference.
 *
 * Every chain's text begins with the same prelude (codegen.h), which is
 * most of a short chain's text: 6 of the 11 KB of `seq ! sum`, 126 MB
 * of 20,000 such chains. A chain's text is made without it, which is
 * what a unit of several chains compiles (the prelude once, then each
 * chain's own text), and a source puts the whole together when asked.
 */
typedef struct
{
  atomic_uint      refs;
  char            *text;    /* what follows the prelude */
  size_t           length;  /* of @text */
  const char      *prelude;
  size_t           prelude_length;
  _Atomic (char *) whole;   /* made on first ask */
} pb_source;

/* Wraps @text (transfer full), a chain's generated C without its
 * @prelude (static: it outlives every source); NULL if memory ran out
 * (@text is freed). */
pb_source  *pb__source_new   (char       *text,
                              const char *prelude);
/* The whole text, prelude and all, made on the first call and kept as
 * long as @s (transfer none); NULL if memory ran out. Any thread. */
const char *pb__source_whole (pb_source  *s);
/* Another reference to @s. */
pb_source *pb__source_ref   (pb_source *s);
/* Drops a reference to @s (nullable); the last frees it. */
void       pb__source_unref (pb_source *s);
