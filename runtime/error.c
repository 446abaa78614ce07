/* error.c — descriptions of result codes
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdarg.h>
#include <stdio.h>

#include <pushback/error.h>

const char *
pb_strerror (int code)
{
  switch ((pb_result) code)
    {
    case PB_OK:       return "success";
    case PB_EINVAL:   return "invalid argument";
    case PB_ENOENT:   return "no such process or port";
    case PB_EBUSY:    return "port already connected";
    case PB_ENOTCONN: return "port not connected";
    case PB_ENOMEM:   return "out of memory";
    case PB_ENOSPC:   return "no free identifier left";
    case PB_EAGAIN:   return "not ready, try again";
    case PB_EDEADLK:  return "call would re-enter a running operation";
    case PB_EFAILED:  return "process failed";
    case PB_EEXIST:   return "identifier already in use";
    case PB_EDIRECTION: return "ports have the wrong direction";
    case PB_ETYPE:    return "ports carry different item types";
    case PB_ECOMPILE: return "code does not compile";
    case PB_EFAULT:   return "code faulted or ran too long";
    case PB_ECYCLE:   return "links form a flow cycle";
    case PB_EIO:      return "input/output error";
    case PB_EFORMAT:  return "not a valid document";
    case PB_ETIMEDOUT: return "timed out";
    }
  return "unknown error";
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
