/* snapshot.h — copies of an engine's counters, shared between threads (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <pushback/runner.h>

/*
 * The runner thread takes a snapshot between two steps and publishes it;
 * other threads take references to it. A snapshot never changes once
 * taken, so its reference count is all that threads share.
 */

/* A copy of every counter of @e, which the calling thread must own; NULL
 * if memory ran out. @e may be NULL: an empty snapshot. */
pb_snapshot *pb__snapshot_take (pb_engine *e);

/* Another reference to @s, freed by pb_snapshot_free(). */
pb_snapshot *pb__snapshot_ref  (pb_snapshot *s);
