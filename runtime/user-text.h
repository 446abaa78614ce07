/* user-text.h — what C text from a person may hold (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <pushback/error.h>

/*
 * Expressions and code come from people and from documents, which anyone
 * may have written, and are pasted into the text libtcc compiles. The
 * preprocessor would let that text reach the compiling machine itself:
 * `#include "/etc/shadow"` puts the file's first word in a compile error,
 * `#include "/tmp/fifo"` waits for ever, and a page of #define expands to
 * gigabytes. So user text may hold no preprocessor directive but
 * `#include <...>` of a C standard header.
 *
 * libtcc's parser also recurses once per unary operator and per `?:`,
 * and a deep enough text overflows the compiling thread's stack: the
 * nesting a text may hold is bounded, far beyond what a person writes.
 */

/* The most parentheses, brackets and braces open at once, unary
 * operators in a row, and conditional operators a text may hold. */
#define PB_USER_TEXT_MAX_NESTING 256
#define PB_USER_TEXT_MAX_CONDITIONALS 1024

/*
 * pb__user_text_check:
 * @name: the parameter the text is the value of, for the message
 * @text: C text from a person, NUL-terminated
 * @err: (nullable): on failure, the reason, naming @name and its line
 *
 * Returns: PB_OK when @text may be compiled; PB_EINVAL when it holds a
 *   preprocessor directive other than `#include <...>` of a standard
 *   header, or nests deeper than the bounds above.
 * Thread safety: any thread.
 */
int pb__user_text_check (const char *name,
                         const char *text,
                         pb_error   *err);
