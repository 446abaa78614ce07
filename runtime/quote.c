/* quote.c — user text, made fit for a one-line message
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "quote.h"

/* Whether @s[0 .. @n) is well-formed UTF-8: no overlong forms, surrogates
 * or code points past U+10FFFF. */
bool
pb_utf8_valid (const char *s,
               size_t      n)
{
  const unsigned char *p = (const unsigned char *) s;
  const unsigned char *end = p + n;

  while (p < end)
    {
      unsigned c = *p++;
      unsigned need, min, cp;

      if (c < 0x80)
        continue;
      if (c >= 0xc2 && c <= 0xdf)
        need = 1, min = 0x80, cp = c & 0x1f;
      else if (c >= 0xe0 && c <= 0xef)
        need = 2, min = 0x800, cp = c & 0x0f;
      else if (c >= 0xf0 && c <= 0xf4)
        need = 3, min = 0x10000, cp = c & 0x07;
      else
        return false;
      if ((size_t) (end - p) < need)
        return false;
      while (need-- > 0)
        {
          if ((*p & 0xc0) != 0x80)
            return false;
          cp = cp << 6 | (*p++ & 0x3f);
        }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return false;
    }
  return true;
}

/* Writes @s for a one-line message: at most 40 bytes of it, whole UTF-8
 * characters only, with '?' for control characters and invalid bytes. */
const char *
pb_quote (const char *s,
          char        buf[PB_QUOTE_MAX])
{
  const unsigned char *p = (const unsigned char *) s;
  size_t i = 0, len;

  while (*p != '\0')
    {
      len = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
      if (strnlen ((const char *) p, len) < len || !pb_utf8_valid ((const char *) p, len))
        len = 1;
      if (i + len > 40)
        break;
      if (len == 1 && (*p < 0x20 || *p >= 0x7f))
        buf[i] = '?';
      else
        memcpy (buf + i, p, len);
      i += len;
      p += len;
    }
  if (*p != '\0')
    {
      memcpy (buf + i, "...", 3);
      i += 3;
    }
  buf[i] = '\0';
  return buf;
}
