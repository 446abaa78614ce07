/* shared-mem.h — memory the runtime shares with its worker processes (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pushback/error.h>

/*
 * A worker process (worker.c) runs compiled chains on the engine's behalf,
 * so that user code which faults, loops or ends its process takes only
 * the worker down. Everything that code touches must then be memory both
 * processes see at the same address: the compiled code itself, process
 * states and the rings between chains. It also has to outlive a worker,
 * so that the next one carries on where the dead one stopped.
 *
 * So once pb__shared_init() has run, the runtime takes these from
 * regions of memfd-backed memory reserved at start, mapped shared, which
 * every worker inherits when it is forked: data (read-write), code
 * (read-write-execute; libtcc relocates into it) and what the compiler
 * process alone shares with us (its requests). All are reserved
 * sparse, so only what is in use costs memory, and a free gives the pages
 * back to the system at once (but short runs of code, kept for the next
 * compile).
 *
 * Allocations are whole pages, zeroed. States and rings are few and
 * large enough for that; the small arrays of a call are copied into a
 * worker's own call block instead.
 *
 * Guard pages (a `c` process's state ends at one) must fault in the
 * worker, which runs the code, and a worker's mappings are its own once
 * forked: pb__shared_protect() applies a protection here and records it
 * in a bitmap in the data region, which each worker brings its own
 * mappings in line with (pb__shared_sync()) before it runs code.
 */

typedef enum
{
  PB_SHARED_DATA,
  PB_SHARED_CODE,
  PB_SHARED_COMPILE,
} pb_shared_region;

/*
 * pb__shared_init:
 *
 * Reserves the shared regions, once per process; later calls do nothing.
 * Memory allocated before it stays private, so call it before building
 * anything a worker is to run.
 *
 * Returns: PB_OK; PB_ENOMEM when the regions cannot be made.
 * Thread safety: any thread.
 */
int   pb__shared_init    (pb_error         *err);

/* Whether pb__shared_init() has succeeded. Any thread. */
bool  pb__shared_on      (void);

/*
 * pb__shared_alloc:
 * @size: bytes; rounded up to whole pages
 *
 * Returns: (nullable): page-aligned memory of @region (zeroed in the data
 *   region), NULL when
 *   the region is full or not set up.
 * Thread safety: any thread of the process that called pb__shared_init()
 *   (not a worker).
 */
void *pb__shared_alloc   (size_t            size,
                          pb_shared_region  region);

/* Gives back what pb__shared_alloc() gave, with the same @size and
 * @region; its pages go back to the system. NULL is ignored. */
void  pb__shared_free    (void             *mem,
                          size_t            size,
                          pb_shared_region  region);

/* Whether @mem lies in a shared region. Any thread. */
bool  pb__shared_contains (const void      *mem);

/*
 * pb__shared_protect:
 * @mem: page-aligned, in the data region
 * @size: a multiple of the page size
 * @none: true to make the pages inaccessible, false to make them
 *   read-write again
 *
 * Protects pages here and in every worker (each, at its next
 * pb__shared_sync()).
 *
 * Returns: PB_OK, or PB_ENOMEM when mprotect() refuses (too many
 *   mappings).
 * Thread safety: as pb__shared_alloc().
 */
int   pb__shared_protect (void             *mem,
                          size_t            size,
                          bool              none);

/*
 * The worker side. pb__shared_fork_begin() is called just before fork():
 * it holds allocations back, so that the child sees every protection it
 * inherits recorded, and keeps a copy of the bitmap as it is; the parent
 * then calls pb__shared_fork_end(). In the child, pb__shared_sync()
 * brings its mappings in line with the bitmap. No allocation in between.
 */
void  pb__shared_fork_begin (void);
void  pb__shared_fork_end   (void);
/* In a worker, before it runs code: cheap when nothing changed. */
void  pb__shared_sync       (void);

/*
 * pb__shared_seal:
 *
 * In a worker that runs user code, before it closes its descriptors:
 * maps the code region and the guard bitmap again read-only, from
 * descriptors that cannot make them writable again (so that the code can
 * change neither the code every process runs, this one included, nor
 * which pages fault), and unmaps the compiler's region.
 *
 * Returns: 0, or -1 when one step failed (the worker must not go on).
 */
int   pb__shared_seal       (void);
