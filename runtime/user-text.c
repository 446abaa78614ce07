/* user-text.c — what C text from a person may hold
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small scanner that knows what the preprocessor knows: string and
 * character literals, comments, lines joined by a backslash at their end,
 * and where a line begins. It errs on the side of refusing: a '#' anywhere
 * outside literals and comments is taken for a directive (C has no other
 * use for it), and so are the digraph %: and the trigraph ??=, which some
 * compilers read as '#'.
 */

#include <stdbool.h>
#include <string.h>

#include "i18n.h"
#include "user-text.h"

/* The headers of the C standard library (C11), which `#include <...>`
 * may name: they hold declarations only. */
static const char *const standard_headers[] = {
  "assert.h", "complex.h", "ctype.h", "errno.h", "fenv.h", "float.h",
  "inttypes.h", "iso646.h", "limits.h", "locale.h", "math.h", "setjmp.h",
  "signal.h", "stdalign.h", "stdarg.h", "stdatomic.h", "stdbool.h",
  "stddef.h", "stdint.h", "stdio.h", "stdlib.h", "stdnoreturn.h",
  "string.h", "tgmath.h", "threads.h", "time.h", "uchar.h", "wchar.h",
  "wctype.h",
};

static bool
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static bool
is_word_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The length of a backslash that joins the line at @p to the next, with
 * the line's end, or 0. libtcc ends a line there with "\n", "\r\n" or
 * "\r" alone. */
static size_t
splice_length (const char *p)
{
  if (p[0] != '\\' || (p[1] != '\n' && p[1] != '\r'))
    return 0;
  return p[1] == '\r' && p[2] == '\n' ? 3 : 2;
}

/* The character the compiler sees after the one at @p: past any joined
 * lines. */
static const char *
following (const char *p)
{
  size_t skip;

  for (p++; (skip = splice_length (p)) > 0; p += skip)
    ;
  return p;
}

/* Moves from @p to @next (from following()), counting in *@line the
 * lines joined between them. */
static const char *
consume (const char *p,
         const char *next,
         unsigned   *line)
{
  for (p++; p < next; p++)
    if (*p == '\n' || (*p == '\r' && p[1] != '\n'))
      (*line)++;
  return next;
}

/* Reads the word (identifier, keyword or number) at @p, across joined
 * lines, counting them in *@line; copies up to @size - 1 of its
 * characters into @word, and returns where it ends. */
static const char *
read_word (const char *p,
           char       *word,
           size_t      size,
           unsigned   *line)
{
  size_t n = 0, skip;

  for (;;)
    {
      if ((skip = splice_length (p)) > 0)
        {
          p += skip;
          (*line)++;
          continue;
        }
      if (!is_word_char (*p))
        break;
      if (n + 1 < size)
        word[n++] = *p;
      p++;
    }
  word[n] = '\0';
  return p;
}

/* The words after which libtcc's parser calls itself for what follows:
 * the statement under `else` and `do`, the operand of sizeof. */
static bool
is_prefix_word (const char *word)
{
  static const char *const prefixes[] = {
    "else", "do", "sizeof", "_Alignof", "alignof", "__alignof", "__alignof__",
  };

  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strcmp (word, prefixes[i]) == 0)
      return true;
  return false;
}

static bool
is_unary_char (char c)
{
  return c == '!' || c == '~' || c == '-' || c == '+' || c == '*' || c == '&';
}

static bool
is_standard_header (const char *name,
                    size_t      n)
{
  for (size_t i = 0; i < sizeof standard_headers / sizeof standard_headers[0]; i++)
    if (strlen (standard_headers[i]) == n && memcmp (standard_headers[i], name, n) == 0)
      return true;
  return false;
}

/* Whether the directive at @p (just after its '#') is an include of a
 * standard header alone on its line: "include <math.h>". */
static bool
allowed_directive (const char *p)
{
  const char *name;

  while (is_space (*p))
    p++;
  if (strncmp (p, "include", 7) != 0)
    return false;
  p += 7;
  while (is_space (*p))
    p++;
  if (*p != '<')
    return false;
  name = ++p;
  while (*p != '\0' && *p != '>' && *p != '\n')
    p++;
  if (*p != '>' || !is_standard_header (name, (size_t) (p - name)))
    return false;
  for (p++; is_space (*p); p++)
    ;
  return *p == '\0' || *p == '\n';
}

int
pb__user_text_check (const char *name,
                     const char *text,
                     pb_error   *err)
{
  enum { CODE, LINE_COMMENT, BLOCK_COMMENT, STRING, CHARACTER } in = CODE;
  unsigned line = 1, depth = 0, unary = 0, conditionals = 0, prefixes = 0;
  /* Whether the last token was ')': a cast, or the condition of if, for,
   * while or switch, whose operand or statement follows. */
  bool after_close = false;

  for (const char *p = text; *p != '\0'; p++)
    {
      char c = *p;
      const char *next;
      size_t skip;

      /* The compiler joins lines before anything else, in code,
       * literals and comments alike: a '*' with a backslash ending its
       * line, then '/', ends a comment. The scan must not think it open
       * while the compiler reads on. */
      if ((skip = splice_length (p)) > 0)
        {
          p += skip - 1;
          line++;
          continue;
        }
      next = following (p);
      if (c == '\n')
        line++;
      switch (in)
        {
        case LINE_COMMENT:
          if (c == '\n')
            in = CODE;
          continue;
        case BLOCK_COMMENT:
          if (c == '*' && *next == '/')
            {
              in = CODE;
              p = consume (p, next, &line);
            }
          continue;
        case STRING:
        case CHARACTER:
          if (c == '\\' && *next != '\0')
            p = consume (p, next, &line);
          else if (c == (in == STRING ? '"' : '\'') || c == '\n')
            in = CODE;
          continue;
        case CODE:
          break;
        }

      if (c == '/' && (*next == '/' || *next == '*'))
        {
          in = *next == '/' ? LINE_COMMENT : BLOCK_COMMENT;
          p = consume (p, next, &line);
          continue;
        }
      if (c == '"' || c == '\'')
        {
          in = c == '"' ? STRING : CHARACTER;
          unary = 0;
          continue;
        }
      if (c == '#' || (c == '%' && p[1] == ':') || (c == '?' && p[1] == '?' && p[2] == '='))
        {
          if (c == '#' && allowed_directive (p + 1))
            {
              /* The rest of its line is the header's name. */
              while (p[1] != '\0' && p[1] != '\n')
                p++;
              continue;
            }
          return pb_error_set (err, PB_EINVAL,
                               _("%s, line %u: preprocessor directives are not allowed "
                                 "in code, except #include <...> of a standard C header"),
                               name, line);
        }

      if (is_space (c) || c == '\n')
        continue;
      /* A ')' followed by what may begin another cast, unary operator or
       * statement counts once; so that `(a + b) * c` counts too is the
       * price of not parsing C. */
      if (after_close && (c == '(' || is_unary_char (c) || is_word_char (c)))
        prefixes++;
      after_close = c == ')';
      if (is_word_char (c))
        {
          char word[16];

          p = read_word (p, word, sizeof word, &line) - 1;
          if (is_prefix_word (word))
            prefixes++;
          unary = 0;
        }
      else
        {
          if (c == '(' || c == '[' || c == '{')
            depth++;
          else if ((c == ')' || c == ']' || c == '}') && depth > 0)
            depth--;
          if (is_unary_char (c))
            unary++;
          else if (c != '(')
            unary = 0;
          if (c == '?')
            conditionals++;
        }
      if (depth > PB_USER_TEXT_MAX_DEPTH)
        return pb_error_set (err, PB_EINVAL, _("%s, line %u: nested more than %u levels deep"),
                             name, line, PB_USER_TEXT_MAX_DEPTH);
      if (unary > PB_USER_TEXT_MAX_NESTING)
        return pb_error_set (err, PB_EINVAL, _("%s, line %u: nested more than %u levels deep"),
                             name, line, PB_USER_TEXT_MAX_NESTING);
      if (conditionals > PB_USER_TEXT_MAX_CONDITIONALS)
        return pb_error_set (err, PB_EINVAL, _("%s holds more than %u conditional operators"),
                             name, PB_USER_TEXT_MAX_CONDITIONALS);
      if (prefixes > PB_USER_TEXT_MAX_PREFIXES)
        return pb_error_set (err, PB_EINVAL,
                             _("%s holds more than %u casts, sizeof operators and statements "
                               "under if, else, for, while, switch or do"),
                             name, PB_USER_TEXT_MAX_PREFIXES);
    }
  return PB_OK;
}
