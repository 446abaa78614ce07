/* pb-stats-json.c — a snapshot's counters as JSON
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One writer for `pushback-run --stats=json` and the profiler's "Export
 * as JSON", so that a script reads both alike. It needs GLib and no
 * GTK, so the headless runner links it as it is; the runtime itself
 * stays free of GLib and of any text format.
 *
 * The shape:
 *
 *     {"processes": [{"id": 1, "name": "clock0", "kind": "clock",
 *                     "calls": 10, "busy_ns": 1200, "items_in": 0,
 *                     "items_out": 10}, ...],
 *      "chains": [{"id": 0, "processes": [1, 2], "compile_ns": 900000,
 *                  "code_bytes": 2048, "compiles": 1}, ...]}
 */

#include "config.h"

#include <pushback/addr.h>

#include "pb-stats-json.h"

static void
append_string (GString    *s,
               const char *text)
{
  g_string_append_c (s, '"');
  for (const char *p = text ? text : ""; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (s, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (s, "\\u%04x", c);
      else
        g_string_append_c (s, (char) c);
    }
  g_string_append_c (s, '"');
}

/**
 * pb_stats_json:
 * @snapshot: the counters to write
 *
 * Returns: (transfer full): one line of JSON, ending in a newline, with
 *   every process and every chain of @snapshot
 */
char *
pb_stats_json (const pb_snapshot *snapshot)
{
  GString *s = g_string_new ("{\"processes\": [");

  for (size_t i = 0; i < pb_snapshot_n_processes (snapshot); i++)
    {
      pb_process_info info;

      pb_snapshot_process (snapshot, i, &info);
      g_string_append_printf (s, "%s{\"id\": %u, \"name\": ", i ? ", " : "",
                              pb_addr_process (info.process));
      append_string (s, info.name);
      g_string_append (s, ", \"kind\": ");
      append_string (s, info.kind);
      g_string_append_printf (s, ", \"calls\": %" G_GUINT64_FORMAT ", \"busy_ns\": %" G_GUINT64_FORMAT
                              ", \"items_in\": %" G_GUINT64_FORMAT ", \"items_out\": %" G_GUINT64_FORMAT "}",
                              info.calls, info.busy_ns, info.items_in, info.items_out);
    }
  g_string_append (s, "], \"chains\": [");
  for (size_t i = 0; i < pb_snapshot_n_chains (snapshot); i++)
    {
      pb_chain_info info;

      pb_snapshot_chain (snapshot, i, &info);
      g_string_append_printf (s, "%s{\"id\": %zu, \"processes\": [", i ? ", " : "", i);
      for (size_t k = 0; k < info.n_processes; k++)
        g_string_append_printf (s, "%s%u", k ? ", " : "", pb_addr_process (info.processes[k]));
      g_string_append_printf (s, "], \"compile_ns\": %" G_GUINT64_FORMAT ", \"code_bytes\": %" G_GUINT64_FORMAT
                              ", \"compiles\": %" G_GUINT64_FORMAT "}",
                              info.compile_ns, info.code_bytes, info.compiles);
    }
  g_string_append (s, "]}\n");
  return g_string_free (s, FALSE);
}
