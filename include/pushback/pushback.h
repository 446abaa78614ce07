/* pushback.h — the public interface of libpushback
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libpushback is the runtime of Pushback: plain C11 with pthreads, libtcc
 * and SQLite, and no GTK. Include this header; it includes the rest.
 * Unless a function's documentation says otherwise, objects are not
 * thread-safe and the caller serialises access to each one.
 */

#pragma once

#include <pushback/error.h>
#include <pushback/addr.h>
#include <pushback/graph.h>
#include <pushback/mux.h>
#include <pushback/kinds.h>
#include <pushback/link.h>
#include <pushback/engine.h>
#include <pushback/runner.h>
#include <pushback/pipeline.h>
#include <pushback/store.h>
#include <pushback/version.h>
