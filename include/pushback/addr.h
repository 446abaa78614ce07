/* addr.h — 64-bit port addresses
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stdint.h>

/**
 * pb_addr:
 *
 * A port address: `host << 44 | process << 16 | port`, with a 20-bit host,
 * a 28-bit process id and a 16-bit port, as in the original pushback's
 * process model. Process ids are never 0, so every address of a real port is
 * nonzero and the value 0 means "no port" (a disconnected peer). An address
 * whose port bits are 0 also names the process itself.
 */
typedef uint64_t pb_addr;

#define PB_HOST_MASK    UINT64_C (0xfffff00000000000)
#define PB_PROCESS_MASK UINT64_C (0x00000fffffff0000)
#define PB_PORT_MASK    UINT64_C (0x000000000000ffff)

#define PB_HOST_SHIFT    44
#define PB_PROCESS_SHIFT 16

/* The largest value each field can hold. */
#define PB_HOST_MAX    UINT32_C (0xfffff)
#define PB_PROCESS_MAX UINT32_C (0xfffffff)
#define PB_PORT_MAX    UINT32_C (0xffff)

/**
 * pb_addr_make:
 * @host: host id, 0 to PB_HOST_MAX
 * @process: process id, 1 to PB_PROCESS_MAX (0 only for "no process")
 * @port: port number, 0 to PB_PORT_MAX
 *
 * Packs the three fields into an address. Bits beyond each field's width
 * are discarded, so the result always decomposes into valid fields; callers
 * that take fields from outside (files, command lines) check them against
 * the PB_*_MAX constants first, or use pb_addr_fields_valid().
 *
 * Returns: the address.
 * Thread safety: any thread.
 */
static inline pb_addr
pb_addr_make (uint32_t host,
              uint32_t process,
              uint32_t port)
{
  return ((pb_addr) (host & PB_HOST_MAX) << PB_HOST_SHIFT)
       | ((pb_addr) (process & PB_PROCESS_MAX) << PB_PROCESS_SHIFT)
       | (pb_addr) (port & PB_PORT_MAX);
}

/**
 * pb_addr_fields_valid:
 *
 * Returns: true when each field fits its width and @process is nonzero, so
 *   that pb_addr_make() would keep every bit. Thread safety: any thread.
 */
static inline bool
pb_addr_fields_valid (uint32_t host,
                      uint32_t process,
                      uint32_t port)
{
  return host <= PB_HOST_MAX && process != 0 && process <= PB_PROCESS_MAX
      && port <= PB_PORT_MAX;
}

/** pb_addr_host: Returns: the host field of @a. Thread safety: any thread. */
static inline uint32_t
pb_addr_host (pb_addr a)
{
  return (uint32_t) (a >> PB_HOST_SHIFT);
}

/** pb_addr_process: Returns: the process field of @a (0 for no process). */
static inline uint32_t
pb_addr_process (pb_addr a)
{
  return (uint32_t) ((a & PB_PROCESS_MASK) >> PB_PROCESS_SHIFT);
}

/** pb_addr_port: Returns: the port field of @a. Thread safety: any thread. */
static inline uint32_t
pb_addr_port (pb_addr a)
{
  return (uint32_t) (a & PB_PORT_MASK);
}

/**
 * pb_addr_process_of:
 *
 * Returns: the address of the process that owns port @a: @a with its port
 *   bits cleared. Thread safety: any thread.
 */
static inline pb_addr
pb_addr_process_of (pb_addr a)
{
  return a & ~PB_PORT_MASK;
}

/**
 * pb_addr_with_port:
 *
 * Returns: the address of port @port of the process that @a names (any port
 *   bits of @a are replaced). Thread safety: any thread.
 */
static inline pb_addr
pb_addr_with_port (pb_addr  a,
                   uint32_t port)
{
  return (a & ~PB_PORT_MASK) | (port & PB_PORT_MAX);
}

/** Length of the buffer that pb_addr_format() needs, with its NUL. */
#define PB_ADDR_STRLEN 24

/**
 * pb_addr_format:
 * @a: an address
 * @buf: (out caller-allocates): at least PB_ADDR_STRLEN bytes
 *
 * Writes @a as "host:process:port" in decimal, for messages and logs.
 *
 * Returns: @buf. Thread safety: any thread.
 */
char *pb_addr_format (pb_addr a,
                      char    buf[PB_ADDR_STRLEN]);
