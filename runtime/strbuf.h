/* strbuf.h — a growing string for generated source (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * The code generator writes C text piece by piece and needs to know the
 * current line, to emit `#line` directives that lead compile errors back to
 * the user's text. Allocation failure is sticky: appends after a failure do
 * nothing and pb_strbuf_failed() reports it once, at the end.
 */
typedef struct
{
  char   *data;
  size_t  len;
  size_t  cap;
  size_t  line;   /* 1-based line the next character will be on */
  bool    failed;
} pb_strbuf;

void   pb_strbuf_init     (pb_strbuf  *b);
void   pb_strbuf_clear    (pb_strbuf  *b);
void   pb_strbuf_append   (pb_strbuf  *b,
                           const char *s);
void   pb_strbuf_append_n (pb_strbuf  *b,
                           const char *s,
                           size_t      n);
void   pb_strbuf_printf   (pb_strbuf  *b,
                           const char *format,
                           ...) __attribute__ ((format (printf, 2, 3)));
bool   pb_strbuf_failed   (const pb_strbuf *b);

/* Hands the text to the caller (free() it); the buffer is left empty. */
char  *pb_strbuf_steal    (pb_strbuf  *b);
