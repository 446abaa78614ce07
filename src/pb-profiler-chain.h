/* pb-profiler-chain.h — one chain in the profiler's table
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include <pushback/engine.h>

#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_PROFILER_CHAIN (pb_profiler_chain_get_type ())

G_DECLARE_FINAL_TYPE (PbProfilerChain, pb_profiler_chain, PB, PROFILER_CHAIN, GObject)

PbProfilerChain *pb_profiler_chain_new            (pb_addr               head);
pb_addr          pb_profiler_chain_get_head       (PbProfilerChain      *self);
const char      *pb_profiler_chain_get_names      (PbProfilerChain      *self);
guint            pb_profiler_chain_get_n_processes (PbProfilerChain     *self);
guint64          pb_profiler_chain_get_compile_ns (PbProfilerChain      *self);
guint64          pb_profiler_chain_get_code_bytes (PbProfilerChain      *self);
guint64          pb_profiler_chain_get_recompiles (PbProfilerChain      *self);
void             pb_profiler_chain_update         (PbProfilerChain      *self,
                                                   const pb_chain_info  *info,
                                                   const char           *names);

G_END_DECLS
