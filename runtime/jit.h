/* jit.h — the one libtcc compile service (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include <pushback/error.h>

/*
 * Every use of libtcc in the project goes through this file. libtcc 0.9.27
 * keeps global state, so compiles are serialised behind one lock here; and
 * the machine code of a unit lives in memory this file owns, so that it
 * can be freed exactly when the engine knows no thread can be inside it.
 *
 * Thread safety: every function may be called from any thread; compiles
 * from several threads run one at a time.
 */

typedef struct pb_jit_unit pb_jit_unit;

/* A host function or object that generated code may call or read by name
 * (functions of the executable itself are not visible to libtcc otherwise). */
typedef struct
{
  const char *name;
  const void *address;
} pb_jit_symbol;

/*
 * pb_jit_compile:
 * @source: C source; it should carry `#line N "NAME"` directives so that
 *   errors point at a process and a line of the user's text
 * @symbols: (array length=n_symbols) (nullable): host symbols to expose
 * @unit: (out) (transfer full): the compiled unit, holding one reference,
 *   released with pb_jit_unit_unref()
 * @err: (nullable): on failure, the first error libtcc reported, as
 *   "NAME:LINE: message" following the #line directives (a syntax error
 *   is reported at the token after the mistake, which may be on the next
 *   line); an undefined name as "tcc: error: undefined symbol 'NAME'"
 *
 * Compiles and relocates @source into executable memory. Once the
 * runtime shares memory with workers (pb__shared_init()), libtcc runs in
 * a compiler process of its own and the code lands in shared memory: a
 * compile that crashes libtcc, runs for longer than 20 s or takes more
 * than 1 GiB of memory fails alone,
 * as "the compiler failed: segmentation fault (...)".
 *
 * Returns: PB_OK; PB_EINVAL when the source does not compile or link, or
 *   the compiler failed (the message says why); PB_ENOMEM.
 */
int pb_jit_compile (const char          *source,
                    const pb_jit_symbol *symbols,
                    size_t               n_symbols,
                    pb_jit_unit        **unit,
                    pb_error            *err);

/*
 * pb_jit_counts:
 * @lean: (out): compiles that linked without libc's linker script
 * @full: (out): compiles that linked with it (libtcc's default way)
 *
 * Counts the successful compiles of the process so far, by how they
 * linked (see jit.c): a test of the lean way, and a measure of it.
 */
void pb_jit_counts (uint64_t *lean,
                    uint64_t *full);

/*
 * pb_jit_unit_symbol:
 * Returns: the address of global symbol @name in @unit, or NULL if it has
 *   none. The address is valid while a reference to @unit is held.
 */
void *pb_jit_unit_symbol (const pb_jit_unit *unit,
                          const char        *name);

/* pb_jit_unit_code_bytes: Returns: the size of @unit's relocated image. */
size_t pb_jit_unit_code_bytes (const pb_jit_unit *unit);

/* pb_jit_unit_compile_ns: Returns: how long compiling and relocating took. */
uint64_t pb_jit_unit_compile_ns (const pb_jit_unit *unit);

/*
 * pb_jit_unit_ref:
 *
 * Takes another reference to @unit: a process state that outlives the
 * chain whose code made it keeps that code, whose fini releases it.
 *
 * Returns: @unit.
 */
pb_jit_unit *pb_jit_unit_ref (pb_jit_unit *unit);

/*
 * pb_jit_unit_unref:
 * @unit: (nullable) (transfer full): a reference to a unit
 *
 * Releases one reference; the last one frees the code, which no thread may
 * be executing then, nor execute later: every pointer obtained from the
 * unit dies with it.
 */
void pb_jit_unit_unref (pb_jit_unit *unit);
