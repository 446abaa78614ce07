/* test-addr.c — port address packing and result codes
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib.h>
#include <pushback/pushback.h>

static void
test_addr_masks (void)
{
  /* The masks must tile the 64 bits exactly: no overlap, no gap. */
  g_assert_cmphex (PB_HOST_MASK & PB_PROCESS_MASK, ==, 0);
  g_assert_cmphex (PB_PROCESS_MASK & PB_PORT_MASK, ==, 0);
  g_assert_cmphex (PB_HOST_MASK & PB_PORT_MASK, ==, 0);
  g_assert_cmphex (PB_HOST_MASK | PB_PROCESS_MASK | PB_PORT_MASK, ==, UINT64_MAX);
  g_assert_cmphex (PB_HOST_MASK, ==, (guint64) PB_HOST_MAX << PB_HOST_SHIFT);
  g_assert_cmphex (PB_PROCESS_MASK, ==, (guint64) PB_PROCESS_MAX << PB_PROCESS_SHIFT);
}

static void
test_addr_seed_example (void)
{
  /* The example of seed 001: process 4 port 43 joined to process 91 port 7. */
  pb_addr a = pb_addr_make (0, 4, 43);
  pb_addr b = pb_addr_make (0, 91, 7);

  g_assert_cmphex (a, ==, (4u << 16) | 43);
  g_assert_cmphex (b, ==, (91u << 16) | 7);
  g_assert_cmphex (pb_addr_make (3, 91, 7), ==, (UINT64_C (3) << 44) | (91u << 16) | 7);
}

static void
test_addr_full_ranges (void)
{
  static const guint32 hosts[] = { 0, 1, 0x7ffff, PB_HOST_MAX };
  static const guint32 procs[] = { 1, 2, 0x8000000, PB_PROCESS_MAX };
  static const guint32 ports[] = { 0, 1, 0x8000, PB_PORT_MAX };

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    for (guint j = 0; j < G_N_ELEMENTS (procs); j++)
      for (guint k = 0; k < G_N_ELEMENTS (ports); k++)
        {
          pb_addr a = pb_addr_make (hosts[i], procs[j], ports[k]);

          g_assert_true (pb_addr_fields_valid (hosts[i], procs[j], ports[k]));
          g_assert_cmpuint (pb_addr_host (a), ==, hosts[i]);
          g_assert_cmpuint (pb_addr_process (a), ==, procs[j]);
          g_assert_cmpuint (pb_addr_port (a), ==, ports[k]);
          g_assert_cmphex (pb_addr_process_of (a), ==, pb_addr_make (hosts[i], procs[j], 0));
          g_assert_cmphex (pb_addr_with_port (a, 9), ==, pb_addr_make (hosts[i], procs[j], 9));
          g_assert_cmphex (a, !=, 0);
        }
}

static void
test_addr_out_of_range (void)
{
  /* Out-of-range fields are reported by the check and truncated by make,
   * never allowed to spill into a neighbouring field. */
  g_assert_false (pb_addr_fields_valid (PB_HOST_MAX + 1, 1, 0));
  g_assert_false (pb_addr_fields_valid (0, PB_PROCESS_MAX + 1, 0));
  g_assert_false (pb_addr_fields_valid (0, 1, PB_PORT_MAX + 1));
  g_assert_false (pb_addr_fields_valid (0, 0, 5));

  g_assert_cmphex (pb_addr_make (0, 1, PB_PORT_MAX + 1), ==, pb_addr_make (0, 1, 0));
  g_assert_cmphex (pb_addr_make (0, PB_PROCESS_MAX + 2, 0), ==, pb_addr_make (0, 1, 0));
  g_assert_cmphex (pb_addr_make (PB_HOST_MAX + 1, 1, 0), ==, pb_addr_make (0, 1, 0));
}

static void
test_addr_format (void)
{
  char buf[PB_ADDR_STRLEN];

  g_assert_cmpstr (pb_addr_format (pb_addr_make (2, 91, 7), buf), ==, "2:91:7");
  /* The longest address fills the buffer exactly. */
  pb_addr_format (pb_addr_make (PB_HOST_MAX, PB_PROCESS_MAX, PB_PORT_MAX), buf);
  g_assert_cmpstr (buf, ==, "1048575:268435455:65535");
  g_assert_cmpuint (strlen (buf) + 1, ==, PB_ADDR_STRLEN);
}

static void
test_strerror (void)
{
  static const int codes[] = {
    PB_OK, PB_EINVAL, PB_ENOENT, PB_EBUSY, PB_ENOTCONN, PB_ENOMEM,
    PB_ENOSPC, PB_EAGAIN, PB_EDEADLK, PB_EFAILED, PB_EEXIST,
    PB_EDIRECTION, PB_ETYPE, PB_ECOMPILE, PB_EFAULT, PB_ECYCLE, PB_EIO,
    PB_EFORMAT, PB_ETIMEDOUT,
  };
  const char *unknown = pb_strerror (-9999);

  g_assert_nonnull (unknown);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      /* Every known code has its own description. */
      g_assert_nonnull (pb_strerror (codes[i]));
      g_assert_cmpstr (pb_strerror (codes[i]), !=, unknown);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (pb_strerror (codes[i]), !=, pb_strerror (codes[j]));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Pushback/Addr/masks", test_addr_masks);
  g_test_add_func ("/Pushback/Addr/seed-example", test_addr_seed_example);
  g_test_add_func ("/Pushback/Addr/full-ranges", test_addr_full_ranges);
  g_test_add_func ("/Pushback/Addr/out-of-range", test_addr_out_of_range);
  g_test_add_func ("/Pushback/Addr/format", test_addr_format);
  g_test_add_func ("/Pushback/Error/strerror", test_strerror);

  return g_test_run ();
}
