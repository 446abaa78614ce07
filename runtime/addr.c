/* addr.c — formatting of port addresses
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <inttypes.h>
#include <stdio.h>

#include <pushback/addr.h>

char *
pb_addr_format (pb_addr a,
                char    buf[PB_ADDR_STRLEN])
{
  snprintf (buf, PB_ADDR_STRLEN, "%" PRIu32 ":%" PRIu32 ":%" PRIu32,
            pb_addr_host (a), pb_addr_process (a), pb_addr_port (a));
  return buf;
}
