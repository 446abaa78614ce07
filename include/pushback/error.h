/* error.h — result codes shared by every libpushback function
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/**
 * Result codes.
 *
 * Functions that can fail return 0 (PB_OK) on success and one of these
 * negative constants on failure, in the style of libuv and PipeWire. The
 * values are stable: they may be stored or compared, and new codes are only
 * ever appended.
 */
typedef enum
{
  PB_OK        =   0, /* success */
  PB_EINVAL    =  -1, /* an argument is out of range or contradictory */
  PB_ENOENT    =  -2, /* the process, port, pid or object does not exist */
  PB_EBUSY     =  -3, /* the port is already connected */
  PB_ENOTCONN  =  -4, /* the port is not connected */
  PB_ENOMEM    =  -5, /* memory could not be allocated */
  PB_ENOSPC    =  -6, /* an identifier space (ids, pids) is exhausted */
  PB_EAGAIN    =  -7, /* not now; retry after the next step */
  PB_EDEADLK   =  -8, /* the call would re-enter a function already running */
  PB_EFAILED   =  -9, /* a process reported failure from its body */
  PB_EEXIST    = -10, /* the id or name is already taken */
  PB_EDIRECTION = -11, /* a link joins two inputs or two outputs */
  PB_ETYPE     = -12, /* a link joins ports of different item types */
  PB_ECOMPILE  = -13, /* generated or user code does not compile */
  PB_EFAULT    = -14, /* compiled code faulted or ran past its time limit */
  PB_ECYCLE    = -15, /* the links form a flow cycle */
  PB_EIO       = -16, /* reading or writing a file failed */
  PB_EFORMAT   = -17, /* a file is not a valid document */
  PB_ETIMEDOUT = -18, /* what was awaited did not happen in time */
} pb_result;

/**
 * pb_strerror:
 * @code: a result code, as returned by any libpushback function
 *
 * Describes @code in a short sentence fragment, suitable to follow
 * "could not connect: ". Unknown codes get a generic description that
 * includes no number, so callers never need to check for NULL. It is
 * English unless the program has called setlocale() and bound the
 * "pushback" text domain (bindtextdomain()), as the editor and
 * pushback-run do: then it is in the language of LC_MESSAGES, as are the
 * messages of pb_error.
 *
 * Returns: a static string; never NULL; the caller must not free it.
 * Thread safety: any thread, at any time.
 */
const char *pb_strerror (int code);

/** The room pb_error keeps for its message, with the NUL. */
#define PB_ERROR_MESSAGE_MAX 512

/**
 * pb_error:
 * @code: a pb_result code, PB_OK when nothing went wrong
 * @message: one line for a person, naming what was wrong (the element, the
 *   file, the port), without a trailing newline; "" when @code is PB_OK.
 *   The runtime writes it in the language of LC_MESSAGES when the program
 *   has bound the "pushback" text domain (see pb_strerror()), else in
 *   English: show it, but never parse it.
 *
 * Where a result code alone cannot say enough (a pipeline that does not
 * parse, a file that does not load, code that does not compile), functions
 * take a `pb_error *` as their last argument, in the way GLib functions
 * take a GError, but with no allocation: the caller owns the struct,
 * usually on its stack. Such an argument may be NULL when the caller only
 * needs the returned code. A function fills it only when it fails.
 */
typedef struct
{
  int  code;
  char message[PB_ERROR_MESSAGE_MAX];
} pb_error;

/**
 * pb_error_set:
 * @err: (nullable): where to store the error; nothing happens when NULL
 * @code: a negative pb_result code
 * @format: printf-style format of the message
 *
 * Fills @err. A message longer than PB_ERROR_MESSAGE_MAX - 1 bytes is
 * truncated at a UTF-8 character boundary.
 *
 * Returns: @code, so that a failing function can `return pb_error_set (...)`.
 * Thread safety: any thread, for an @err no other thread uses.
 */
int pb_error_set (pb_error   *err,
                  int         code,
                  const char *format,
                  ...) __attribute__ ((format (printf, 3, 4)));

/**
 * pb_error_clear:
 * @err: (nullable): an error
 *
 * Resets @err to PB_OK with an empty message.
 */
void pb_error_clear (pb_error *err);
