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
 * libtcc's parser also recurses once per unary operator, `?:`, cast,
 * sizeof and statement under if, else, for, while, switch or do, and a
 * deep enough text overflows the compiling thread's stack (100,000 casts
 * or `if (x)` did). The nesting a text may hold is bounded, far beyond
 * what a person writes; for the last kinds, which only a parser could
 * tell nested from consecutive, the bound is on how many the text holds:
 * 1,024 of them take about 750 KB of stack at most, less than the 2 MB
 * of the smallest default thread stack.
 */

/* The most parentheses, brackets and braces open at once (codegen.c,
 * which names the line of an unbalanced one, follows 64), unary
 * operators in a row, conditional operators, and casts, sizeofs and
 * governed statements a text may hold. */
#define PB_USER_TEXT_MAX_DEPTH 64
#define PB_USER_TEXT_MAX_NESTING 256
#define PB_USER_TEXT_MAX_CONDITIONALS 1024
#define PB_USER_TEXT_MAX_PREFIXES 1024

/*
 * pb__user_text_check:
 * @name: the parameter the text is the value of, for the message
 * @text: C text from a person, NUL-terminated
 * @err: (nullable): on failure, the reason, naming @name and its line
 *
 * Returns: PB_OK when @text may be compiled; PB_EINVAL when it holds a
 *   preprocessor directive other than `#include <...>` of a standard
 *   header, or nests deeper or holds more than the bounds above.
 * Thread safety: any thread.
 */
int pb__user_text_check (const char *name,
                         const char *text,
                         pb_error   *err);
