/* strbuf.c — a growing string for generated source
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void
pb_strbuf_init (pb_strbuf *b)
{
  memset (b, 0, sizeof *b);
  b->line = 1;
}

void
pb_strbuf_clear (pb_strbuf *b)
{
  free (b->data);
  pb_strbuf_init (b);
}

static bool
reserve (pb_strbuf *b,
         size_t     extra)
{
  size_t need;
  char *data;

  if (b->failed)
    return false;
  need = b->len + extra + 1;
  if (need <= b->cap)
    return true;
  if (need < b->cap * 2)
    need = b->cap * 2;
  if (need < 256)
    need = 256;
  data = realloc (b->data, need);
  if (data == NULL)
    {
      b->failed = true;
      return false;
    }
  b->data = data;
  b->cap = need;
  return true;
}

static void
count_lines (pb_strbuf  *b,
             const char *s,
             size_t      n)
{
  for (const char *p = memchr (s, '\n', n); p != NULL;
       p = memchr (p + 1, '\n', n - (size_t) (p + 1 - s)))
    b->line++;
}

void
pb_strbuf_append_n (pb_strbuf  *b,
                    const char *s,
                    size_t      n)
{
  if (!reserve (b, n))
    return;
  memcpy (b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  count_lines (b, s, n);
}

void
pb_strbuf_append (pb_strbuf  *b,
                  const char *s)
{
  pb_strbuf_append_n (b, s, strlen (s));
}

void
pb_strbuf_printf (pb_strbuf  *b,
                  const char *format,
                  ...)
{
  va_list args;
  size_t room = b->data != NULL && !b->failed ? b->cap - b->len : 0;
  int n;

  /* Formatted once where it fits, which is nearly always: generating a
   * chain's code is mostly small printfs. */
  va_start (args, format);
  n = vsnprintf (room > 0 ? b->data + b->len : NULL, room, format, args);
  va_end (args);
  if (n < 0 || !reserve (b, (size_t) n))
    {
      b->failed = true;
      return;
    }
  if ((size_t) n >= room)
    {
      va_start (args, format);
      vsnprintf (b->data + b->len, (size_t) n + 1, format, args);
      va_end (args);
    }
  count_lines (b, b->data + b->len, (size_t) n);
  b->len += (size_t) n;
}

bool
pb_strbuf_failed (const pb_strbuf *b)
{
  return b->failed;
}

char *
pb_strbuf_steal (pb_strbuf *b)
{
  char *data = b->data;

  if (data == NULL && !b->failed)
    data = calloc (1, 1);
  pb_strbuf_init (b);
  return data;
}
