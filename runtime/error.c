/* error.c — descriptions of result codes
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdarg.h>
#include <stdio.h>

#include <pushback/error.h>

#include "i18n.h"

const char *
pb_strerror (int code)
{
  switch ((pb_result) code)
    {
    case PB_OK:       return _("success");
    case PB_EINVAL:   return _("invalid argument");
    case PB_ENOENT:   return _("no such process or port");
    case PB_EBUSY:    return _("port already connected");
    case PB_ENOTCONN: return _("port not connected");
    case PB_ENOMEM:   return _("out of memory");
    case PB_ENOSPC:   return _("no free identifier left");
    case PB_EAGAIN:   return _("not ready, try again");
    case PB_EDEADLK:  return _("call would re-enter a running operation");
    case PB_EFAILED:  return _("process failed");
    case PB_EEXIST:   return _("identifier already in use");
    case PB_EDIRECTION: return _("ports have the wrong direction");
    case PB_ETYPE:    return _("ports carry different item types");
    case PB_ECOMPILE: return _("code does not compile");
    case PB_EFAULT:   return _("code faulted or ran too long");
    case PB_ECYCLE:   return _("links form a flow cycle");
    case PB_EIO:      return _("input/output error");
    case PB_EFORMAT:  return _("not a valid document");
    case PB_ETIMEDOUT: return _("timed out");
    }
  return _("unknown error");
}

int
pb_error_set (pb_error   *err,
              int         code,
              const char *format,
              ...)
{
  va_list args;
  int len;

  if (err == NULL)
    return code;

  err->code = code;
  va_start (args, format);
  len = vsnprintf (err->message, sizeof err->message, format, args);
  va_end (args);

  /* vsnprintf cuts at a byte; drop a UTF-8 sequence it cut in two, so the
   * message stays valid text for the editor's labels. */
  if (len >= (int) sizeof err->message)
    {
      size_t end = sizeof err->message - 1;
      size_t lead = end;
      size_t want = 1;
      unsigned char c;

      while (lead > 0 && ((unsigned char) err->message[lead - 1] & 0xc0) == 0x80)
        lead--;
      if (lead > 0)
        {
          c = (unsigned char) err->message[lead - 1];
          want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
          if (end - (lead - 1) < want)
            err->message[lead - 1] = '\0';
        }
    }
  return code;
}

void
pb_error_clear (pb_error *err)
{
  if (err == NULL)
    return;
  err->code = PB_OK;
  err->message[0] = '\0';
}
