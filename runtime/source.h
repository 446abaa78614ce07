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
 */
typedef struct
{
  atomic_uint  refs;
  char        *text;
} pb_source;

/* Wraps @text (transfer full); NULL if memory ran out (@text is freed). */
pb_source *pb__source_new   (char      *text);
/* Another reference to @s. */
pb_source *pb__source_ref   (pb_source *s);
/* Drops a reference to @s (nullable); the last frees it. */
void       pb__source_unref (pb_source *s);
