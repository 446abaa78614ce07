/* pushback-run.c — run topologies without the editor
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gi18n.h>
#include <pushback/pushback.h>

#include "pb-build-tree.h"
#include "pb-stats-json.h"

typedef enum
{
  STATS_NONE,
  STATS_TABLE,
  STATS_JSON,
} stats_format;

static char *pipeline_text;
static char **pipeline_words;
static char *save_path;
static char *check_path;
static char *record_path;
static gboolean dump_c;
static gboolean in_process;
static stats_format stats = STATS_NONE;
static double interval_s;

/* Set by SIGINT: the run ends cleanly, as it stands. */
static volatile sig_atomic_t interrupted;

/* The status of a run that SIGINT ended, as shells report it. */
#define STATUS_INTERRUPTED 130

/* How soon a run notices SIGINT. */
#define POLL_NS G_GUINT64_CONSTANT (20000000)

static gboolean
parse_stats (const char  *option,
             const char  *value,
             gpointer     data,
             GError     **error)
{
  if (value == NULL || g_str_equal (value, "table"))
    stats = STATS_TABLE;
  else if (g_str_equal (value, "json"))
    stats = STATS_JSON;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--stats takes “table” or “json”, not “%s”"), value);
      return FALSE;
    }
  return TRUE;
}

static const GOptionEntry entries[] = {
  { "expression", 'e', 0, G_OPTION_ARG_STRING, &pipeline_text,
    N_("Run the pipeline described in TEXT"), N_("TEXT") },
  { "save", 0, 0, G_OPTION_ARG_FILENAME, &save_path,
    N_("Save the pipeline as the topology of document FILE instead of running it"), N_("FILE") },
  { "check", 0, 0, G_OPTION_ARG_FILENAME, &check_path,
    N_("Load, validate and compile document FILE without running it"), N_("FILE") },
  { "record", 0, 0, G_OPTION_ARG_FILENAME, &record_path,
    N_("Run document FILE and record the run's counters into it"), N_("FILE") },
  { "dump-c", 0, 0, G_OPTION_ARG_NONE, &dump_c,
    N_("Print the generated C of each chain instead of running"), NULL },
  { "in-process", 0, 0, G_OPTION_ARG_NONE, &in_process,
    N_("Run compiled code in this process rather than in a worker process: a little faster to start, but code that corrupts memory or ends its process ends the run"), NULL },
  { "stats", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, parse_stats,
    N_("Print per-process counters at exit, as a table or as JSON"), N_("table|json") },
  { "interval", 0, 0, G_OPTION_ARG_DOUBLE, &interval_s,
    N_("With --stats, also print the counters every SECONDS while running"), N_("SECONDS") },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &pipeline_words,
    NULL, N_("[FILE | PIPELINE…]") },
  { NULL }
};

static const char *
param_type_name (pb_param_type type)
{
  switch (type)
    {
    case PB_PARAM_INT:    return _("integer");
    case PB_PARAM_FLOAT:  return _("number");
    case PB_PARAM_STRING: return _("text");
    case PB_PARAM_CHOICE: return _("choice");
    case PB_PARAM_EXPR:   return _("C expression");
    case PB_PARAM_CODE:
    default:              return _("C code");
    }
}

/* The catalogue, for --help: every kind with its ports and parameters. */
static char *
describe_kinds (void)
{
  GString *s = g_string_new (_("Pipelines are written as in gst-launch:\n"
                               "  pushback-run -e 'seq from=1 to=1000000 ! map expr=\"x*3\" ! sum'\n"
                               "  pushback-run -e 'seq from=1 to=1000 ! broadcast name=t ! map expr=\"x*2\" ! merge name=m ! sum  t. ! m.'\n"
                               "or as words, one per argument:\n"
                               "  pushback-run seq to=10 ! map 'expr=x * 3' ! sum\n"
                               "Documents (.pushback files) are run, checked and written with:\n"
                               "  pushback-run FILE\n"
                               "  pushback-run --check FILE\n"
                               "  pushback-run --record FILE\n"
                               "  pushback-run --save FILE -e 'seq to=10 ! sum'\n"
                               "\nKinds:\n"));

  for (size_t i = 0; i < pb_kind_count (); i++)
    {
      const pb_kind *kind = pb_kind_at (i);
      bool has_inputs = false;

      g_string_append_printf (s, "\n  %-12s %s (%s)\n", pb_kind_name (kind),
                              pb_kind_description (kind), pb_kind_category (kind));
      /* Inputs, then outputs: "in (i64|f64) -> out[i] (any)". Translators:
       * "ports" heads them in the column of parameter names, so keep it
       * under 13 characters. */
      g_string_append_printf (s, "      %-13s ", _("ports"));
      for (int dir = PB_PORT_IN; dir <= PB_PORT_OUT; dir++)
        {
          size_t n = 0;

          for (size_t j = 0; j < pb_kind_n_ports (kind); j++)
            {
              const pb_port_spec *port = pb_kind_port (kind, j);

              if ((int) port->dir != dir)
                continue;
              if (dir == PB_PORT_OUT && n == 0 && has_inputs)
                g_string_append (s, " -> ");
              g_string_append_printf (s, "%s%s%s (%s)", n++ ? ", " : "", port->role,
                                      port->range ? "[i]" : "", port->types);
            }
          if (dir == PB_PORT_IN)
            has_inputs = n > 0;
        }
      g_string_append_c (s, '\n');
      for (size_t j = 0; j < pb_kind_n_params (kind); j++)
        {
          const pb_param_spec *p = pb_kind_param (kind, j);

          g_string_append_printf (s, "      %-13s %s (%s", p->name, pb_text (p->doc),
                                  p->type == PB_PARAM_CHOICE ? p->choices : param_type_name (p->type));
          if (p->default_value == NULL)
            g_string_append (s, _(", required"));
          else if (p->default_value[0] != '\0')
            g_string_append_printf (s, _(", default %s"), p->default_value);
          g_string_append (s, ")\n");
        }
    }
  return g_string_free (s, FALSE);
}

static const char *
state_name (pb_process_state state)
{
  switch (state)
    {
    case PB_PROCESS_DONE:    return "done";
    case PB_PROCESS_FAILED:  return "failed";
    case PB_PROCESS_STOPPED: return "stopped";
    case PB_PROCESS_WAITING: return "waiting";
    case PB_PROCESS_READY:
    default:                 return "ready";
    }
}

static void
print_stats_json (const pb_snapshot *snap)
{
  g_autofree char *json = pb_stats_json (snap);

  fputs (json, stderr);
  fflush (stderr);
}

static void
print_stats_table (const pb_snapshot *snap)
{
  fprintf (stderr, "%4s  %-14s %-12s %10s %12s %14s %14s  %s\n",
           "id", "name", "kind", "calls", "busy ms", "items in", "items out", "state");
  for (size_t i = 0; i < pb_snapshot_n_processes (snap); i++)
    {
      pb_process_info info;

      pb_snapshot_process (snap, i, &info);
      fprintf (stderr, "%4u  %-14s %-12s %10" G_GUINT64_FORMAT " %12.3f %14" G_GUINT64_FORMAT
               " %14" G_GUINT64_FORMAT "  %s\n",
               pb_addr_process (info.process), info.name, info.kind, info.calls,
               (double) info.busy_ns / 1e6, info.items_in, info.items_out,
               state_name (info.state));
    }
  fprintf (stderr, "\n%5s  %-40s %12s %10s %9s\n", "chain", "processes", "compile ms", "code B", "compiles");
  for (size_t i = 0; i < pb_snapshot_n_chains (snap); i++)
    {
      pb_chain_info info;
      g_autoptr(GString) names = g_string_new (NULL);

      pb_snapshot_chain (snap, i, &info);
      for (size_t k = 0; k < info.n_processes; k++)
        {
          long j = pb_snapshot_find_process (snap, info.processes[k]);
          pb_process_info p;

          pb_snapshot_process (snap, (size_t) j, &p);
          g_string_append_printf (names, "%s%s", k ? " ! " : "", p.name);
        }
      fprintf (stderr, "%5zu  %-40s %12.3f %10" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT "\n",
               i, names->str, (double) info.compile_ns / 1e6, info.code_bytes, info.compiles);
    }
  fflush (stderr);
}

static void
print_stats (const pb_snapshot *snap)
{
  if (stats == STATS_TABLE)
    print_stats_table (snap);
  else if (stats == STATS_JSON)
    print_stats_json (snap);
}

/* Whether process @info prints its result: a sink at the end of its
 * stream, or, when the run was interrupted, any sink with its value so
 * far. */
static gboolean
has_result (const pb_process_info *info)
{
  return info->result != NULL
         && (info->state == PB_PROCESS_DONE || (interrupted && info->state == PB_PROCESS_READY));
}

/* Sinks with a result print it: alone when there is one, else after the
 * name of their process. */
static void
print_results (const pb_snapshot *snap)
{
  size_t n_results = 0;

  for (size_t i = 0; i < pb_snapshot_n_processes (snap); i++)
    {
      pb_process_info info;

      pb_snapshot_process (snap, i, &info);
      n_results += has_result (&info);
    }
  for (size_t i = 0; i < pb_snapshot_n_processes (snap); i++)
    {
      pb_process_info info;

      pb_snapshot_process (snap, i, &info);
      if (!has_result (&info))
        continue;
      if (n_results == 1)
        printf ("%s\n", info.result);
      else
        printf ("%s: %s\n", info.name, info.result);
    }
  fflush (stdout);
}

/* Loads the topology of a document, leaving the file untouched. */
static int
load_document (const char  *path,
               pb_graph   **graph,
               pb_error    *err)
{
  pb_store *store = NULL;
  int rc = pb_store_open (path, PB_STORE_READ, &store, err);

  if (rc == PB_OK)
    rc = pb_store_load (store, 0, graph, NULL, err);
  pb_store_close (store);
  return rc;
}

/* Saves @graph as the topology of a document, keeping its title, view and
 * recorded runs if it exists; processes are saved unplaced, for the editor
 * to lay out. */
static int
save_document (const char *path,
               pb_graph   *graph,
               pb_error   *err)
{
  pb_store *store = NULL;
  int rc = pb_store_open (path, PB_STORE_WRITE, &store, err);

  if (rc == PB_OK)
    rc = pb_store_save (store, graph, NULL, err);
  pb_store_close (store);
  return rc;
}

static int
record_run (const char        *path,
            const pb_snapshot *snap,
            int64_t            started_us,
            uint64_t           duration_ns,
            pb_error          *err)
{
  size_t n = pb_snapshot_n_processes (snap);
  g_autofree pb_store_counters *counters = g_new0 (pb_store_counters, n + 1);
  pb_store *store = NULL;
  int rc;

  for (size_t i = 0; i < n; i++)
    {
      pb_process_info info;

      pb_snapshot_process (snap, i, &info);
      counters[i] = (pb_store_counters) { info.process, info.name, info.kind, info.calls,
                                          info.busy_ns, info.items_in, info.items_out };
    }
  rc = pb_store_open (path, PB_STORE_WRITE, &store, err);
  if (rc == PB_OK)
    rc = pb_store_record_run (store, started_us, duration_ns, counters, n, NULL, err);
  pb_store_close (store);
  return rc;
}

static void
on_sigint (int sig)
{
  (void) sig;
  interrupted = 1;
}

/*
 * Standard descriptors that the caller closed (`pushback-run ... >&-`)
 * are taken by /dev/null, opened so that using them fails as using a
 * closed one does (EBADF): otherwise the next descriptor we open (the
 * document, a runner's wake-up pipe, a file-out target) would take the
 * number, and `print` would write into it.
 */
static void
hold_standard_descriptors (void)
{
  for (int fd = 0; fd <= 2; fd++)
    {
      int held;

      if (fcntl (fd, F_GETFD) >= 0 || errno != EBADF)
        continue;
      held = open ("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
      if (held >= 0 && held != fd)
        {
          dup2 (held, fd);
          close (held);
        }
    }
}

/*
 * Output that was not written is an error, as in coreutils: a result
 * printed to a full disk or a closed descriptor must not end with status
 * 0. Returns: whether everything written to standard output got there.
 */
static gboolean
flush_standard_output (void)
{
  if (fflush (stdout) == 0 && !ferror (stdout))
    return TRUE;
  g_printerr ("pushback-run: %s: %s\n", _("cannot write to standard output"),
              g_strerror (errno));
  return FALSE;
}

/* GOption prints --help and exits by itself, inside the parse, so the
 * output of an exit there is checked at exit, as gnulib's close_stdout
 * does. After the parse, main() reports its own output errors. */
static gboolean options_parsed;

static void
flush_standard_output_at_exit (void)
{
  if (!options_parsed && !flush_standard_output ())
    _exit (1);
}

/* Runs @runner to its end, printing the counters every --interval, or
 * until SIGINT. SIGINT is blocked in the runner's threads, which inherit
 * the mask, so that it interrupts this thread alone.
 * Returns: as pb_runner_wait(); PB_ETIMEDOUT when interrupted. */
static int
run (pb_runner *runner,
     pb_error  *err)
{
  struct sigaction action;
  sigset_t sigint, old;
  uint64_t every_ns = (uint64_t) (interval_s * 1e9);
  int64_t next_us = g_get_monotonic_time () + (int64_t) (every_ns / 1000);
  int rc;

  memset (&action, 0, sizeof action);
  action.sa_handler = on_sigint;
  sigemptyset (&action.sa_mask);
  sigaction (SIGINT, &action, NULL);
  sigemptyset (&sigint);
  sigaddset (&sigint, SIGINT);
  pthread_sigmask (SIG_BLOCK, &sigint, &old);
  rc = pb_runner_start (runner, err);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (rc != PB_OK)
    return rc;

  for (;;)
    {
      uint64_t wait_ns = POLL_NS;

      if (every_ns > 0)
        {
          int64_t left_us = next_us - g_get_monotonic_time ();

          if (left_us <= 0)
            {
              pb_snapshot *snap = pb_runner_snapshot (runner);

              if (snap != NULL)
                print_stats (snap);
              pb_snapshot_free (snap);
              next_us += (int64_t) (every_ns / 1000);
              continue;
            }
          if ((uint64_t) left_us * 1000 < wait_ns)
            wait_ns = (uint64_t) left_us * 1000;
        }
      rc = pb_runner_wait (runner, wait_ns, err);
      if (rc != PB_ETIMEDOUT || interrupted)
        return rc;
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kinds = NULL;
  pb_graph *graph = NULL;
  pb_engine *engine = NULL;
  pb_runner *runner = NULL;
  pb_snapshot *snap = NULL;
  pb_error err = { PB_OK, "" };
  const char *document = NULL;
  const char *usage = NULL;
  gboolean from_words = FALSE;
  int sources;
  int64_t started_us, started;
  int status = 1;

  hold_standard_descriptors ();
  atexit (flush_standard_output_at_exit);
  setlocale (LC_ALL, "");
  pb_bind_resources ();

  context = g_option_context_new (_("— run a Pushback topology"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  kinds = describe_kinds ();
  g_option_context_set_description (context, kinds);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("pushback-run: %s\n", error->message);
      return 2;
    }
  options_parsed = TRUE;
  /* One argument naming a file, or ending in .pushback, is a document
   * (so a missing one is reported as missing, not as a bad pipeline); any
   * other words are a pipeline, as gst-launch takes them. */
  document = check_path != NULL ? check_path : record_path;
  if (document == NULL && pipeline_text == NULL && pipeline_words != NULL
      && g_strv_length (pipeline_words) == 1
      && (g_file_test (pipeline_words[0], G_FILE_TEST_IS_REGULAR)
          || g_str_has_suffix (pipeline_words[0], ".pushback")))
    document = pipeline_words[0];
  else if (pipeline_words != NULL)
    from_words = TRUE;

  sources = (pipeline_text != NULL) + from_words + (document != NULL);
  if ((check_path != NULL) + (record_path != NULL) + (save_path != NULL) > 1)
    usage = _("--save, --check and --record go one at a time");
  else if (sources == 0)
    usage = _("nothing to run: give a pipeline with -e, or a document (see --help)");
  else if (sources > 1)
    usage = _("give one pipeline or one document, not several");
  else if (save_path != NULL && document != NULL)
    usage = _("--save takes a pipeline, given with -e or as words");
  else if (interval_s < 0 || (interval_s > 0 && stats == STATS_NONE))
    usage = _("--interval takes a number of seconds above 0, with --stats");
  if (usage != NULL)
    {
      g_printerr ("pushback-run: %s\n", usage);
      return 2;
    }

  if (document != NULL)
    {
      if (load_document (document, &graph, &err) != PB_OK)
        goto out;
    }
  else if ((graph = pb_graph_new (0)) == NULL)
    {
      pb_error_set (&err, PB_ENOMEM, "out of memory");
      goto out;
    }
  else if (pipeline_text != NULL)
    {
      if (pb_pipeline_build_text (graph, pipeline_text, &err) != PB_OK)
        goto out;
    }
  else
    {
      /* As gst-launch takes it: `pushback-run seq to=3 ! sum`, each word
       * as the shell gave it. */
      pb_pipeline *pipeline = NULL;

      if (pb_pipeline_parse_argv ((int) g_strv_length (pipeline_words),
                                  (const char *const *) pipeline_words, &pipeline, &err) == PB_OK)
        pb_pipeline_build (pipeline, graph, 0, &err);
      pb_pipeline_free (pipeline);
      if (err.code != PB_OK)
        goto out;
    }

  if (save_path != NULL)
    {
      if (save_document (save_path, graph, &err) == PB_OK)
        status = 0;
      goto out;
    }

  /* Checking and showing the code build an engine without running it. */
  if (check_path != NULL || dump_c)
    {
      engine = pb_engine_new (graph);
      if (engine == NULL)
        {
          pb_error_set (&err, PB_ENOMEM, "out of memory");
          goto out;
        }
      pb_engine_set_compile_only (engine, true);
      if (pb_engine_build (engine, &err) != PB_OK)
        goto out;
      for (size_t i = 0; dump_c && i < pb_engine_n_chains (engine); i++)
        {
          const char *code = pb_engine_chain_source (engine, i);

          if (code != NULL)
            printf ("/* chain %zu */\n%s\n", i, code);
        }
      status = 0;
      goto out;
    }

  /* A headless runner refuses an incomplete topology, as a strict engine
   * build does, and reports it as the run's failure. */
  runner = pb_runner_new (graph);
  graph = NULL;
  if (runner == NULL)
    {
      pb_error_set (&err, PB_ENOMEM, "out of memory");
      goto out;
    }
  pb_runner_set_headless (runner, TRUE);
  pb_runner_set_isolation (runner, in_process ? PB_ISOLATION_NONE : PB_ISOLATION_WORKER);
  started_us = g_get_real_time ();
  started = g_get_monotonic_time ();
  if (run (runner, &err) == PB_OK)
    status = 0;
  else if (interrupted)
    {
      status = STATUS_INTERRUPTED;
      pb_error_clear (&err);
    }
  /* Stopped, the engine is freed: files are flushed and closed. */
  pb_runner_stop (runner);
  snap = pb_runner_snapshot (runner);
  if (snap == NULL)
    {
      pb_error_set (&err, PB_ENOMEM, "out of memory");
      status = 1;
      goto out;
    }
  print_results (snap);
  /* A failed run is recorded too: its counters show where it failed. */
  if (record_path != NULL)
    {
      pb_error rerr = { PB_OK, "" };

      if (record_run (record_path, snap, started_us,
                      (uint64_t) (g_get_monotonic_time () - started) * 1000, &rerr) != PB_OK)
        {
          g_printerr ("pushback-run: %s\n", rerr.message);
          status = 1;
        }
    }
  print_stats (snap);

out:
  if (err.code != PB_OK)
    g_printerr ("pushback-run: %s\n", err.message);
  /* A run that failed has said why; its output may have been the cause. */
  if (status == 0 && !flush_standard_output ())
    status = 1;
  pb_snapshot_free (snap);
  pb_runner_free (runner);
  pb_engine_free (engine);
  pb_graph_free (graph);
  g_free (pipeline_text);
  g_strfreev (pipeline_words);
  g_free (save_path);
  g_free (check_path);
  g_free (record_path);
  return status;
}
