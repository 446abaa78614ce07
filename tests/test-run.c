/* test-run.c — pushback-run, run as people run it
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <pushback/pushback.h>

/* No run may hang the test: past this, SIGALRM kills it. */
#define WATCHDOG_S 30

typedef struct
{
  int   status; /* the exit status; -1 when it did not exit */
  char *out;
  char *err;
  gsize out_len;
} Cli;

static const char *
runner (void)
{
  const char *path = g_getenv ("PUSHBACK_RUN");

  g_assert_nonnull (path);
  return path;
}

/* Runs pushback-run with @args (NULL-terminated, without argv[0]), feeding
 * it @input on standard input when not NULL. */
static Cli *
cli_run_input (const char *const *args,
               const char        *input)
{
  Cli *r = g_new0 (Cli, 1);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) in = input != NULL ? g_bytes_new (input, strlen (input)) : NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  GError *error = NULL;
  const char *data;
  gsize len;

  g_ptr_array_add (argv, (gpointer) runner ());
  for (size_t i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  alarm (WATCHDOG_S);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE
                            | (input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : G_SUBPROCESS_FLAGS_STDIN_INHERIT),
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, in, NULL, &out, &err, &error);
  g_assert_no_error (error);
  alarm (0);

  r->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  data = g_bytes_get_data (out, &len);
  r->out = g_strndup (data != NULL ? data : "", len);
  r->out_len = len;
  data = g_bytes_get_data (err, &len);
  r->err = g_strndup (data != NULL ? data : "", len);
  return r;
}

static Cli *
cli_run (const char *const *args)
{
  return cli_run_input (args, NULL);
}

/* Runs `pushback-run -e TEXT`. */
static Cli *
cli_e (const char *text)
{
  const char *args[] = { "-e", text, NULL };

  return cli_run (args);
}

static void
cli_free (Cli *r)
{
  g_free (r->out);
  g_free (r->err);
  g_free (r);
}

/* The pipeline runs cleanly and prints @expected. */
static void
assert_prints (const char *text,
               const char *expected)
{
  Cli *r = cli_e (text);

  if (r->status != 0)
    g_test_message ("'%s': %s", text, r->err);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->err, ==, "");
  g_assert_cmpstr (r->out, ==, expected);
  cli_free (r);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

/* Fails with status 1 and one line on stderr that holds every string of
 * @needles. */
static void
assert_fails (const char *const *args,
              const char *const *needles)
{
  Cli *r = cli_run (args);

  g_test_message ("stderr: %s", r->err);
  g_assert_cmpint (r->status, ==, 1);
  g_assert_true (g_str_has_prefix (r->err, "pushback-run: "));
  g_assert_cmpuint (count_lines (r->err), ==, 1);
  g_assert_true (g_str_has_suffix (r->err, "\n"));
  for (size_t i = 0; needles[i] != NULL; i++)
    g_assert_nonnull (strstr (r->err, needles[i]));
  cli_free (r);
}

#define FAILS_E(text, ...) \
  G_STMT_START { \
    const char *args_[] = { "-e", text, NULL }; \
    const char *needles_[] = { __VA_ARGS__, NULL }; \
    assert_fails (args_, needles_); \
  } G_STMT_END

static void
test_examples (void)
{
  assert_prints ("seq from=1 to=1000000 ! map expr=\"x*3\" ! filter expr=\"x%2==0\" ! sum", "750001500000\n");
  assert_prints ("seq from=1 to=1000 ! broadcast name=t ! map expr=\"x*2\" ! merge name=m ! sum  t. ! m.",
                 "1501500\n");
  assert_prints ("seq from=1 to=1000 ! map expr=\"x*3\" ! sum", "1501500\n");
}

static void
test_results (void)
{
  /* Several results: each after its process's name. */
  assert_prints ("seq to=10 ! broadcast name=b ! sum name=total  b. ! count  b. ! stats",
                 "total: 55\ncount0: 10\nstats0: count=10 min=1 max=10 mean=5.5\n");
  /* Several independent pipelines in one description, as gst-launch
   * takes them. */
  assert_prints ("seq to=10 ! sum  seq to=5 ! sum", "sum0: 55\nsum1: 15\n");
  /* A sink without a result prints nothing. */
  assert_prints ("seq to=10 ! discard", "");
}

static void
test_words (void)
{
  const char *args[] = { "seq", "to=10", "!", "map", "expr=x * 3", "!", "sum", NULL };
  const char *both[] = { "-e", "seq to=3 ! sum", "seq", NULL };
  const char *bad[] = { "seq", "to=3", "!", "!", "sum", NULL };
  Cli *r = cli_run (args);

  /* Each word is one item, as the shell split them. */
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "165\n");
  g_assert_cmpstr (r->err, ==, "");
  cli_free (r);

  r = cli_run (both);
  g_assert_cmpint (r->status, ==, 2);
  g_assert_cmpuint (count_lines (r->err), ==, 1);
  g_assert_cmpstr (r->out, ==, "");
  cli_free (r);

  {
    const char *needles[] = { "column", NULL };

    assert_fails (bad, needles);
  }
}

static void
test_print (void)
{
  assert_prints ("seq from=1 to=5 ! print", "1\n2\n3\n4\n5\n");
  assert_prints ("seq from=-1 to=1 ! print", "-1\n0\n1\n");
  assert_prints ("seq from=0.5 to=2 step=0.75 type=f64 ! print", "0.5\n1.25\n2\n");
  assert_prints ("seq to=3 type=f64 ! map expr=\"x / 3\" ! print",
                 "0.33333333333333331\n0.66666666666666663\n1\n");
  /* Bytes as they are. */
  assert_prints ("seq from=72 to=73 ! c out=u8 code=\"emit (x);\" ! print", "HI");
  assert_prints ("seq to=3 ! format ! print", "1\n2\n3\n");
  /* Items as they come; the result at the end. */
  assert_prints ("seq to=3 ! broadcast name=b ! print  b. ! sum", "1\n2\n3\n6\n");
  {
    Cli *r = cli_e ("seq to=100000 ! print");

    g_assert_cmpint (r->status, ==, 0);
    g_assert_cmpuint (count_lines (r->out), ==, 100000);
    g_assert_true (g_str_has_prefix (r->out, "1\n2\n3\n"));
    g_assert_true (g_str_has_suffix (r->out, "\n99999\n100000\n"));
    cli_free (r);
  }
}

static void
test_stdin (void)
{
  const char *parse[] = { "-e", "stdin ! parse ! sum", NULL };
  const char *count[] = { "-e", "stdin ! count", NULL };
  const char *echo[] = { "-e", "stdin ! print", NULL };
  g_autoptr(GString) big = g_string_new (NULL);
  Cli *r;

  r = cli_run_input (parse, "1\n2\n3\n");
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "6\n");
  g_assert_cmpstr (r->err, ==, "");
  cli_free (r);

  r = cli_run_input (parse, "");
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "0\n");
  cli_free (r);

  r = cli_run_input (parse, "1\n\n 2\n3");
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "6\n");
  cli_free (r);

  r = cli_run_input (echo, "hello\nworld");
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "hello\nworld");
  cli_free (r);

  /* More than a pipe and a read buffer hold. */
  for (int i = 1; i <= 200000; i++)
    g_string_append_printf (big, "%d\n", i);
  r = cli_run_input (parse, big->str);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "20000100000\n");
  cli_free (r);
  r = cli_run_input (count, big->str);
  g_assert_cmpint (r->status, ==, 0);
  {
    g_autofree char *expected = g_strdup_printf ("%" G_GSIZE_FORMAT "\n", big->len);

    g_assert_cmpstr (r->out, ==, expected);
  }
  cli_free (r);

  r = cli_run_input (parse, "1\nx\n");
  g_assert_cmpint (r->status, ==, 1);
  g_assert_cmpstr (r->err, ==, "pushback-run: parse0: line 2 is not a number\n");
  cli_free (r);
}

static void
test_help (void)
{
  const char *args[] = { "--help", NULL };
  Cli *r = cli_run (args);

  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, "--dump-c"));
  g_assert_nonnull (strstr (r->out, "--stats"));
  g_assert_nonnull (strstr (r->out, "-e, --expression"));
  /* Every kind, with its description and each of its parameters. */
  for (size_t i = 0; i < pb_kind_count (); i++)
    {
      const pb_kind *kind = pb_kind_at (i);
      g_autofree char *line = g_strdup_printf ("\n  %-12s %s", pb_kind_name (kind),
                                               pb_kind_description (kind));
      const char *at = strstr (r->out, line);
      const char *end;

      g_test_message ("kind %s", pb_kind_name (kind));
      g_assert_nonnull (at);
      end = strstr (at + strlen (line), "\n\n");
      if (end == NULL)
        end = r->out + strlen (r->out);
      for (size_t j = 0; j < pb_kind_n_params (kind); j++)
        {
          const pb_param_spec *p = pb_kind_param (kind, j);
          g_autofree char *entry = g_strdup_printf ("\n      %-13s %s", p->name, p->doc);
          const char *found = strstr (at, entry);

          g_assert_nonnull (found);
          g_assert_true (found < end);
          if (p->default_value == NULL)
            g_assert_nonnull (g_strstr_len (found, strchr (found + 1, '\n') - found, "required"));
        }
    }
  /* Ports, inputs before outputs, with their roles as references use them. */
  g_assert_nonnull (strstr (r->out, "\n  broadcast    Sends every item to every branch out[i]. (routing)\n"
                                    "      ports         in (any) -> out[i] (any)\n"));
  g_assert_nonnull (strstr (r->out, "\n  sum          Adds items up; prints the sum at end of stream. (sink)\n"
                                    "      ports         in (i64|f64)\n"));
  cli_free (r);
}

static void
test_dump_c (void)
{
  Cli *r = cli_run ((const char *[]) { "--dump-c", "-e",
                                       "seq to=3 ! map expr=\"x * 4321\" ! broadcast name=b ! sum  b. ! count",
                                       NULL });

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->err, ==, "");
  g_assert_nonnull (strstr (r->out, "/* chain 0 */"));
  g_assert_nonnull (strstr (r->out, "/* chain 2 */"));
  g_assert_null (strstr (r->out, "/* chain 3 */"));
  g_assert_nonnull (strstr (r->out, "pb_run"));
  g_assert_nonnull (strstr (r->out, "x * 4321"));
  /* It prints code instead of running: no results. */
  g_assert_false (g_str_has_suffix (r->out, "\n6\n"));
  g_assert_null (strstr (r->out, "sum0: 6"));
  cli_free (r);

  /* A chain that does not compile still fails the run. */
  r = cli_run ((const char *[]) { "--dump-c", "-e", "seq to=3 ! map expr=\"x *\" ! sum", NULL });
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "map0.expr:1:"));
  cli_free (r);
}

static void
test_stats_table (void)
{
  Cli *r = cli_run ((const char *[]) { "--stats", "-e",
                                       "seq to=1000 ! filter name=half expr=\"x % 2\" ! broadcast name=b ! sum  b. ! count",
                                       NULL });
  g_auto(GStrv) lines = NULL;
  const char *names[] = { "seq0", "half", "b", "sum0", "count0" };
  const char *kinds[] = { "seq", "filter", "broadcast", "sum", "count" };
  const char *items[][2] = { { "0", "1000" }, { "1000", "500" }, { "500", "500" }, { "500", "0" }, { "500", "0" } };

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "sum0: 250000\ncount0: 500\n");
  lines = g_strsplit (r->err, "\n", -1);
  /* A header, then a row per process, in the order of their ids. */
  g_assert_cmpuint (g_strv_length (lines), >, 7);
  g_assert_nonnull (strstr (lines[0], "name"));
  g_assert_nonnull (strstr (lines[0], "items in"));
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_auto(GStrv) cols = g_strsplit_set (g_strstrip (lines[i + 1]), " ", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();

      for (size_t j = 0; cols[j] != NULL; j++)
        if (cols[j][0] != '\0')
          g_ptr_array_add (words, cols[j]);
      g_test_message ("row %s", lines[i + 1]);
      /* id name kind calls busy in out state */
      g_assert_cmpuint (words->len, ==, 8);
      g_assert_cmpint (atoi (g_ptr_array_index (words, 0)), ==, (int) i + 1);
      g_assert_cmpstr (g_ptr_array_index (words, 1), ==, names[i]);
      g_assert_cmpstr (g_ptr_array_index (words, 2), ==, kinds[i]);
      g_assert_cmpint (atoi (g_ptr_array_index (words, 3)), >, 0);
      g_assert_cmpstr (g_ptr_array_index (words, 5), ==, items[i][0]);
      g_assert_cmpstr (g_ptr_array_index (words, 6), ==, items[i][1]);
      g_assert_cmpstr (g_ptr_array_index (words, 7), ==, "done");
    }
  g_assert_cmpstr (lines[6], ==, "");
  /* Then the chains. */
  g_assert_nonnull (strstr (r->err, "compiles"));
  g_assert_nonnull (strstr (r->err, "seq0 ! half ! b"));
  cli_free (r);
}

/* Checks the JSON with Python's parser; prints a summary to compare. */
static const char json_check[] =
  "import json, sys\n"
  "d = json.load (sys.stdin)\n"
  "assert set (d) == {'processes', 'chains'}, d.keys ()\n"
  "for p in d['processes']:\n"
  "    assert set (p) == {'id', 'name', 'kind', 'calls', 'busy_ns', 'items_in', 'items_out'}, p.keys ()\n"
  "    assert all (type (p[k]) is int for k in ('id', 'calls', 'busy_ns', 'items_in', 'items_out'))\n"
  "    print ('P', p['id'], p['name'], p['kind'], p['calls'] > 0, p['items_in'], p['items_out'])\n"
  "for c in d['chains']:\n"
  "    assert set (c) == {'id', 'processes', 'compile_ns', 'code_bytes', 'compiles'}, c.keys ()\n"
  "    assert c['compile_ns'] > 0 and c['code_bytes'] > 0\n"
  "    print ('C', c['id'], c['processes'], c['compiles'])\n";

static void
test_stats_json (void)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autoptr(GSubprocess) check = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *check_err = NULL;
  GError *error = NULL;
  Cli *r = cli_run ((const char *[]) { "--stats=json", "-e",
                                       "seq to=10 ! map name=m expr=x ! round-robin name=r ! sum  r. ! count",
                                       NULL });

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "sum0: 25\ncount0: 5\n");
  /* One object, on one line. */
  g_assert_cmpuint (count_lines (r->err), ==, 1);
  g_assert_true (g_str_has_prefix (r->err, "{\"processes\": ["));
  if (python == NULL)
    {
      cli_free (r);
      g_test_skip ("no python3 to parse the JSON");
      return;
    }
  check = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                            | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                            python, "-c", json_check, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (check, r->err, NULL, &summary, &check_err, &error);
  g_assert_no_error (error);
  g_test_message ("%s", check_err);
  g_assert_true (g_subprocess_get_successful (check));
  g_assert_cmpstr (summary, ==,
                   "P 1 seq0 seq True 0 10\n"
                   "P 2 m map True 10 10\n"
                   "P 3 r round-robin True 10 10\n"
                   "P 4 sum0 sum True 5 0\n"
                   "P 5 count0 count True 5 0\n"
                   "C 0 [1, 2, 3] 1\n"
                   "C 1 [4] 1\n"
                   "C 2 [5] 1\n");
  cli_free (r);
}

/* How many times @needle occurs in @text. */
static guint
count_of (const char *text,
          const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* --interval prints the counters while the run goes on, then once more at
 * its end: here about 0.3 s of throttled items, every 0.05 s. */
static void
test_stats_interval (void)
{
  Cli *r = cli_run ((const char *[]) { "--stats=json", "--interval=0.05", "-e",
                                       "seq to=30000 ! throttle rate=100000 ! sum", NULL });
  g_auto(GStrv) lines = NULL;
  guint n;

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "450015000\n");
  lines = g_strsplit (r->err, "\n", -1);
  n = g_strv_length (lines) - 1;
  g_test_message ("%u lines of counters", n);
  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpstr (lines[n], ==, "");
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (g_str_has_prefix (lines[i], "{\"processes\": ["));
      g_assert_true (g_str_has_suffix (lines[i], "]}"));
    }
  /* The counters moved between the first line and the last. */
  g_assert_cmpstr (lines[0], !=, lines[n - 1]);
  g_assert_nonnull (strstr (lines[n - 1], "\"items_in\": 30000"));
  cli_free (r);

  r = cli_run ((const char *[]) { "--stats", "--interval=0.05", "-e",
                                  "seq to=30000 ! throttle rate=100000 ! sum", NULL });
  g_assert_cmpint (r->status, ==, 0);
  /* A table, with its header, each time. */
  g_assert_cmpuint (count_of (r->err, "items in"), >=, 3);
  cli_free (r);

  r = cli_run ((const char *[]) { "--interval=1", "-e", "seq to=3 ! sum", NULL });
  g_assert_cmpint (r->status, ==, 2);
  g_assert_nonnull (strstr (r->err, "--stats"));
  cli_free (r);
  r = cli_run ((const char *[]) { "--stats", "--interval=-1", "-e", "seq to=3 ! sum", NULL });
  g_assert_cmpint (r->status, ==, 2);
  cli_free (r);
}

/* Ctrl+C ends an endless run cleanly: the counters and the sum so far
 * are printed, the file written is flushed and closed (every line whole,
 * in order), and the status is 130. */
static void
test_sigint (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pushback-run-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "out.txt", NULL);
  g_autofree char *text = g_strdup_printf ("seq to=1000000000000 ! throttle rate=200000 ! broadcast name=b "
                                           "! format ! file-out path=%s  b. ! sum", path);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize len = 0;
  guint n;

  g_assert_no_error (error);
  alarm (WATCHDOG_S);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           runner (), "--stats=json", "-e", text, NULL);
  g_assert_no_error (error);
  /* Once it has written something: under the sanitizers, starting its
   * worker and compiler takes longer than a fixed pause. */
  {
    gint64 until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    GStatBuf st;

    while ((g_stat (path, &st) != 0 || st.st_size == 0) && g_get_monotonic_time () < until)
      g_usleep (10000);
    g_usleep (100000);
  }
  g_subprocess_send_signal (proc, SIGINT);
  g_subprocess_communicate (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  alarm (0);

  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 130);
  stdout_text = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  g_test_message ("stdout: %s", stdout_text);
  g_assert_cmpuint (strtoull (stdout_text, NULL, 10), >, 0);
  /* The final counters, as one JSON line. */
  stderr_text = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
  g_assert_cmpuint (count_lines (stderr_text), ==, 1);
  g_assert_true (g_str_has_prefix (stderr_text, "{\"processes\": ["));

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 0);
  g_assert_cmpint (contents[len - 1], ==, '\n');
  lines = g_strsplit (contents, "\n", -1);
  n = g_strv_length (lines) - 1;
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (strtoull (lines[i], NULL, 10), ==, i + 1);

  g_remove (path);
  g_rmdir (dir);
}

static void
test_errors (void)
{
  FAILS_E ("seqq to=3 ! sum", "unknown kind 'seqq'");
  FAILS_E ("seq to=3 foo=1 ! sum", "seq0", "'foo'");
  FAILS_E ("seq to=3 ! map name=triple exp=\"x*3\" ! sum", "triple", "'exp'");
  FAILS_E ("seq to=abc ! sum", "seq0", "to=abc");
  FAILS_E ("seq to=3 ! take n=-2 ! sum", "take0", "n=-2");
  FAILS_E ("seq ! sum", "seq0", "'to'");
  FAILS_E ("seq to=3 ! broadcast name=b ! sum  b.", "'b.'");
  FAILS_E ("seq to=3 ! nowhere.", "'nowhere.'");
  FAILS_E ("seq to=3 ! format ! sum", "format0", "sum0", "u8");
  FAILS_E ("seq to=3 ! map expr=\"x *\" ! sum", "map0.expr:1:");
  FAILS_E ("seq to=3 ! c code=\"int a;\na = b;\" ! sum", "c0.code:2:", "'b'");
  FAILS_E ("seq to=3 ! map expr=x", "map0", "not connected");
  FAILS_E ("seq to=3 ! seq0.out", "seq0", "not an input");
  FAILS_E ("seq from=1 to=10 ! merge name=m ! broadcast name=b ! sum  b. ! m.", "cycle");
  FAILS_E ("seq to=3 ! map expr=\"x*2 ! sum", "quote");
  FAILS_E ("file-in path=/nonexistent/pushback ! count", "file-in0", "/nonexistent/pushback");
  /* Failures while running. */
  FAILS_E ("seq from=1 to=10 ! map expr=\"x/(x-5)\" ! sum", "map0", "division by zero");
  FAILS_E ("seq to=3 ! c code=\"int *p = 0; emit (*p);\" ! sum", "c0", "segmentation fault");
  FAILS_E ("seq to=3 ! c code=\"emit (x); emit (x);\" ! sum", "c0", "max-emit");
}

static void
test_partial_failure (void)
{
  /* A healthy branch still gives its result; the run still fails. */
  Cli *r = cli_e ("seq from=1 to=10 ! broadcast name=b ! map expr=\"x/(x-5)\" ! sum name=bad  b. ! sum name=good");

  g_assert_cmpint (r->status, ==, 1);
  g_assert_cmpstr (r->out, ==, "55\n");
  g_assert_cmpuint (count_lines (r->err), ==, 1);
  g_assert_nonnull (strstr (r->err, "division by zero"));
  cli_free (r);
}

static void
test_usage (void)
{
  const char *none[] = { NULL };
  const char *bad_option[] = { "--no-such-option", NULL };
  const char *bad_stats[] = { "--stats=xml", "-e", "seq to=3 ! sum", NULL };
  const char *const *cases[] = { none, bad_option, bad_stats };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Cli *r = cli_run (cases[i]);

      g_assert_cmpint (r->status, ==, 2);
      g_assert_cmpstr (r->out, ==, "");
      g_assert_true (g_str_has_prefix (r->err, "pushback-run: "));
      g_assert_cmpuint (count_lines (r->err), ==, 1);
      cli_free (r);
    }
}

/* A file's bytes, to prove a refused command left it alone. */
static GBytes *
file_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static void
test_documents (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pushback-run-XXXXXX", &error);
  g_autofree char *doc = g_build_filename (dir, "t.pushback", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.pushback", NULL);
  const char *save[] = { "--save", doc, "-e", "seq from=1 to=100 ! map expr=\"x*2\" ! sum name=total", NULL };
  const char *check[] = { "--check", doc, NULL };
  const char *run[] = { doc, NULL };
  const char *record[] = { "--record", doc, NULL };
  const char *save_bad[] = { "--save", bad, "-e", "seq to=3 ! format ! sum", NULL };
  const char *check_bad[] = { "--check", bad, NULL };
  const char *needles_bad[] = { "type mismatch", "format0", NULL };
  pb_store *store = NULL;
  const pb_store_run *runs = NULL;
  size_t n_runs = 0;
  pb_error err;
  Cli *r;

  g_assert_no_error (error);

  /* Saved without running: nothing printed, and the document checks. */
  r = cli_run (save);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_cmpstr (r->err, ==, "");
  cli_free (r);
  r = cli_run (check);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_cmpstr (r->err, ==, "");
  cli_free (r);

  /* Run as it was saved, names and all; recorded twice. */
  r = cli_run (run);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "10100\n");
  cli_free (r);
  for (int i = 0; i < 2; i++)
    {
      r = cli_run (record);
      g_assert_cmpint (r->status, ==, 0);
      g_assert_cmpstr (r->out, ==, "10100\n");
      g_assert_cmpstr (r->err, ==, "");
      cli_free (r);
    }
  g_assert_cmpint (pb_store_open (doc, PB_STORE_READ, &store, &err), ==, PB_OK);
  g_assert_cmpint (pb_store_list_runs (store, &runs, &n_runs, &err), ==, PB_OK);
  g_assert_cmpuint (n_runs, ==, 2);
  g_assert_cmpint (runs[0].id, <, runs[1].id);
  g_assert_cmpuint (runs[1].n_processes, ==, 3);
  g_assert_cmpint (runs[1].started_us, >, 0);
  pb_store_close (store);

  /* A topology that cannot run saves (the editor can mend it), but does
   * not check, with the reason. */
  r = cli_run (save_bad);
  g_assert_cmpint (r->status, ==, 0);
  cli_free (r);
  assert_fails (check_bad, needles_bad);

  g_remove (doc);
  g_remove (bad);
  g_rmdir (dir);
}

static void
test_document_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pushback-run-XXXXXX", &error);
  g_autofree char *text = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.pushback", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.pushback", NULL);
  const char *check_missing[] = { "--check", missing, NULL };
  const char *run_missing[] = { missing, NULL };
  const char *run_text[] = { "--check", text, NULL };
  const char *save_text[] = { "--save", text, "-e", "seq to=3 ! sum", NULL };
  const char *record_text[] = { "--record", text, NULL };
  const char *run_empty[] = { empty, NULL };
  const char *needles_missing[] = { "missing.pushback", "No such file", NULL };
  const char *needles_text[] = { "notes.txt", "not an SQLite database", NULL };
  const char *needles_empty[] = { "empty.pushback", "empty file", NULL };
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  g_assert_no_error (error);
  g_file_set_contents (text, "not a topology\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (empty, "", 0, &error);
  g_assert_no_error (error);
  before = file_bytes (text);

  assert_fails (check_missing, needles_missing);
  assert_fails (run_missing, needles_missing);
  assert_fails (run_text, needles_text);
  /* Neither saving over it nor recording into it touches a file that is
   * not a document. */
  assert_fails (save_text, needles_text);
  assert_fails (record_text, needles_text);
  after = file_bytes (text);
  g_assert_true (g_bytes_equal (before, after));
  assert_fails (run_empty, needles_empty);

  g_remove (text);
  g_remove (empty);
  g_rmdir (dir);
}

static void
test_document_usage (void)
{
  const char *save_doc[] = { "--save", "a.pushback", "b.pushback", NULL };
  const char *two[] = { "--check", "a.pushback", "--record", "b.pushback", NULL };
  const char *both[] = { "-e", "seq to=3 ! sum", "--check", "a.pushback", NULL };
  const char *const *cases[] = { save_doc, two, both };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Cli *r = cli_run (cases[i]);

      g_assert_cmpint (r->status, ==, 2);
      g_assert_cmpuint (count_lines (r->err), ==, 1);
      cli_free (r);
    }
}

/* Runs `pushback-run OPTION ARGUMENT` with its standard output
 * redirected by @redirect, as a shell writes it (">/dev/full", ">&-");
 * @argument may be %NULL. */
static Cli *
cli_redirected (const char *option,
                const char *argument,
                const char *redirect)
{
  Cli *r = g_new0 (Cli, 1);
  g_autofree char *script = g_strdup_printf ("exec \"$0\" \"$@\" %s", redirect);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) err = NULL;
  GError *error = NULL;

  alarm (WATCHDOG_S);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           "/bin/sh", "-c", script, runner (), option, argument, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  alarm (0);
  r->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  r->out = g_strdup ("");
  r->err = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
  return r;
}

/*
 * Output that cannot be written is an error: each sink that writes to
 * standard output, on a full disk (/dev/full) and on a closed descriptor,
 * fails with a message and status 1. An endless print into /dev/full
 * fails too, rather than run on.
 */
static void
test_output_errors (void)
{
  static const char *const pipelines[] = {
    "seq to=10 ! print",
    "seq to=10 ! sum",
    "seq to=10 ! stats",
    "seq to=10 ! format ! print",
    "seq to=1000000000000 ! print",
  };
  static const char *const redirects[] = { ">/dev/full", ">&-" };

  for (size_t i = 0; i < G_N_ELEMENTS (pipelines); i++)
    for (size_t k = 0; k < G_N_ELEMENTS (redirects); k++)
      {
        Cli *r = cli_redirected ("-e", pipelines[i], redirects[k]);

        g_test_message ("%s %s: %d, %s", pipelines[i], redirects[k], r->status, r->err);
        g_assert_cmpint (r->status, ==, 1);
        g_assert_true (g_str_has_prefix (r->err, "pushback-run: "));
        g_assert_cmpuint (count_lines (r->err), ==, 1);
        g_assert_nonnull (strstr (r->err, "cannot write to standard output: "));
        g_assert_nonnull (strstr (r->err, k == 0 ? g_strerror (ENOSPC) : g_strerror (EBADF)));
        cli_free (r);
      }

  /* The help, printed by GOption, which exits by itself, is output too. */
  for (size_t k = 0; k < G_N_ELEMENTS (redirects); k++)
    {
      Cli *r = cli_redirected ("--help", NULL, redirects[k]);

      g_test_message ("--help %s: %d, %s", redirects[k], r->status, r->err);
      g_assert_cmpint (r->status, ==, 1);
      g_assert_cmpuint (count_lines (r->err), ==, 1);
      g_assert_nonnull (strstr (r->err, "cannot write to standard output: "));
      cli_free (r);
    }
}

/* Reads one line of @argv's standard output, closes the pipe, and
 * returns how the program ended (a wait status) and what it wrote on
 * standard error. */
static int
first_line_then_close (const char *const *argv,
                       char             **err_text)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  GError *error = NULL;
  GInputStream *err_stream;
  char buf[4096];
  gssize n;
  GString *err = g_string_new (NULL);

  alarm (WATCHDOG_S);
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "1");
  g_input_stream_close (G_INPUT_STREAM (lines), NULL, NULL);
  g_input_stream_close (g_subprocess_get_stdout_pipe (proc), NULL, NULL);
  err_stream = g_subprocess_get_stderr_pipe (proc);
  while ((n = g_input_stream_read (err_stream, buf, sizeof buf, NULL, &error)) > 0)
    g_string_append_len (err, buf, n);
  g_assert_no_error (error);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  alarm (0);
  *err_text = g_string_free (err, FALSE);
  return g_subprocess_get_status (proc);
}

/* `pushback-run -e 'seq ! print' | head -1` ends as `seq | head -1`
 * does: quietly, by SIGPIPE. */
static void
test_print_head (void)
{
  const char *run_argv[] = { runner (), "-e", "seq to=1000000 ! print", NULL };
  const char *seq_argv[] = { "seq", "1000000", NULL };
  g_autofree char *run_err = NULL;
  g_autofree char *seq_err = NULL;
  int run_status = first_line_then_close (run_argv, &run_err);
  int seq_status = first_line_then_close (seq_argv, &seq_err);

  g_test_message ("pushback-run: status 0x%x, %s; seq: status 0x%x", run_status, run_err,
                  seq_status);
  g_assert_cmpint (run_status, ==, seq_status);
  g_assert_cmpstr (run_err, ==, "");
  g_assert_cmpstr (seq_err, ==, "");
}

/*
 * parse reads lines of at most 79 bytes, and fails at the 80th byte of a
 * longer one, without waiting for its end: a line of 2^31 bytes wrapped
 * its length and wrote out of bounds, and /dev/zero is a line that never
 * ends.
 */
static void
test_parse_long_lines (void)
{
  const char *parse[] = { "-e", "stdin ! parse ! sum", NULL };
  g_autofree char *longest = g_strdup_printf ("%079d\n%080d\n", 7, 1);
  Cli *r;

  /* 79 bytes: a number. */
  longest[79] = '\0';
  r = cli_run_input (parse, longest);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "7\n");
  cli_free (r);

  /* 80 bytes: too long, named as such. */
  longest[79] = '\n';
  r = cli_run_input (parse, longest);
  g_test_message ("%s", r->err);
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "parse0: line 2 is longer than 79 bytes"));
  cli_free (r);

  FAILS_E ("file-in path=/dev/zero ! parse ! sum",
           "parse0: line 1 is longer than 79 bytes, the most a number may take");
}

/* An f64 seq whose step is below the precision of its values would give
 * the same value again and again: it is refused, naming the step. */
static void
test_seq_precision (void)
{
  FAILS_E ("seq type=f64 from=1e17 to=2e17 step=1 ! sum",
           "seq0: step 1 is below the precision of values from 1e+17 to 2e+17");
  FAILS_E ("seq type=f64 from=0 to=1e17 step=1 ! sum", "seq0: step 1 is below the precision");
  FAILS_E ("seq type=f64 from=-1e17 to=0 step=1 ! sum", "seq0: step 1 is below the precision");
  FAILS_E ("seq type=f64 from=1e17 to=-1e17 step=-1 ! sum", "seq0: step -1 is below the precision");
  /* Where the step still counts, for a single value, and in i64, the
   * same ranges run. */
  assert_prints ("seq type=f64 from=1e300 to=1e300 ! sum", "1e+300\n");
  assert_prints ("seq type=f64 from=1e15 to=1000000000000003 step=1 ! sum", "4000000000000006\n");
  assert_prints ("seq from=100000000000000000 to=100000000000000002 ! sum",
                 "300000000000000003\n");
}

/*
 * Checking and showing the code run nothing: a `c` process's init (which
 * here would write a file) does not run, and a `file-out` target is not
 * truncated, whether the topology is a pipeline or a document.
 */
static void
test_check_runs_nothing (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pushback-run-XXXXXX", &error);
  g_autofree char *target = g_build_filename (dir, "keep.txt", NULL);
  g_autofree char *marker = g_build_filename (dir, "init-ran", NULL);
  g_autofree char *doc = g_build_filename (dir, "t.pushback", NULL);
  g_autofree char *text = g_strdup_printf (
    "seq to=3 ! c init=\"FILE *f = fopen (\\\"%s\\\", \\\"w\\\"); if (f) fclose (f);\" "
    "code=\"emit (x);\" ! format ! file-out path=%s", marker, target);
  const char *dump[] = { "--dump-c", "-e", text, NULL };
  const char *save[] = { "--save", doc, "-e", text, NULL };
  const char *check[] = { "--check", doc, NULL };
  const char *dump_doc[] = { "--dump-c", doc, NULL };
  const char *const *runs[] = { dump, check, dump_doc };
  g_autofree char *contents = NULL;
  Cli *r;

  g_assert_no_error (error);
  r = cli_run (save);
  g_assert_cmpint (r->status, ==, 0);
  cli_free (r);
  for (size_t i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_file_set_contents (target, "mine\n", -1, &error);
      g_assert_no_error (error);
      r = cli_run (runs[i]);
      g_test_message ("%s %s: %d %s", runs[i][0], runs[i][1], r->status, r->err);
      g_assert_cmpint (r->status, ==, 0);
      g_assert_cmpstr (r->err, ==, "");
      cli_free (r);
      g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
      g_file_get_contents (target, &contents, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (contents, ==, "mine\n");
      g_clear_pointer (&contents, g_free);
    }

  /* Run, the same topology does both. */
  r = cli_e (text);
  g_assert_cmpint (r->status, ==, 0);
  cli_free (r);
  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));
  g_file_get_contents (target, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "1\n2\n3\n");

  g_remove (target);
  g_remove (marker);
  g_remove (doc);
  g_rmdir (dir);
}

/* Adds to @found the processes @pid has forked, from every one of its
 * threads, and theirs. */
static void
add_descendants (GPid    pid,
                 GArray *found)
{
  g_autofree char *tasks = g_strdup_printf ("/proc/%d/task", pid);
  g_autoptr(GDir) dir = g_dir_open (tasks, 0, NULL);
  const char *task;

  if (dir == NULL)
    return;
  while ((task = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/children", tasks, task);
      g_autofree char *text = NULL;
      g_auto(GStrv) words = NULL;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;
      words = g_strsplit (g_strstrip (text), " ", -1);
      for (size_t i = 0; words[i] != NULL; i++)
        if (words[i][0] != '\0')
          {
            GPid child = atoi (words[i]);

            g_array_append_val (found, child);
            add_descendants (child, found);
          }
    }
}

/* The zygote, the compiler and the workers of a run. */
static GArray *
descendants_of (GPid pid)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (GPid));

  add_descendants (pid, found);
  return found;
}

/* Whether @pid has ended (gone, or a zombie no one reaps). */
static gboolean
ended (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  const char *paren;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return TRUE;
  paren = strrchr (text, ')');
  return paren != NULL && paren[1] == ' ' && paren[2] == 'Z';
}

/* A run killed while its worker is inside a call that never returns
 * leaves no worker behind: each watches the run, not only between
 * calls. */
static void
test_no_orphans (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GArray) workers = NULL;
  gint64 until;
  GPid pid;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, runner (), "-e", "seq to=10 ! c code=\"for (;;);\" ! sum",
                           NULL);
  g_assert_no_error (error);
  pid = atoi (g_subprocess_get_identifier (proc));
  /* Long enough to be in the loop; shorter than the time limit. */
  g_usleep (700000);
  workers = descendants_of (pid);
  /* The zygote, a worker and its standby at least. */
  g_assert_cmpuint (workers->len, >=, 3);
  g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  for (guint i = 0; i < workers->len; i++)
    {
      GPid worker = g_array_index (workers, GPid, i);

      while (!ended (worker) && g_get_monotonic_time () < until)
        g_usleep (10000);
      if (!ended (worker))
        {
          kill (worker, SIGKILL);
          g_error ("worker %d outlived its run", worker);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Pushback/Run/examples", test_examples);
  g_test_add_func ("/Pushback/Run/results", test_results);
  g_test_add_func ("/Pushback/Run/words", test_words);
  g_test_add_func ("/Pushback/Run/print", test_print);
  g_test_add_func ("/Pushback/Run/stdin", test_stdin);
  g_test_add_func ("/Pushback/Run/help", test_help);
  g_test_add_func ("/Pushback/Run/dump-c", test_dump_c);
  g_test_add_func ("/Pushback/Run/stats-table", test_stats_table);
  g_test_add_func ("/Pushback/Run/stats-json", test_stats_json);
  g_test_add_func ("/Pushback/Run/stats-interval", test_stats_interval);
  g_test_add_func ("/Pushback/Run/sigint", test_sigint);
  g_test_add_func ("/Pushback/Run/errors", test_errors);
  g_test_add_func ("/Pushback/Run/partial-failure", test_partial_failure);
  g_test_add_func ("/Pushback/Run/usage", test_usage);
  g_test_add_func ("/Pushback/Run/documents", test_documents);
  g_test_add_func ("/Pushback/Run/document-errors", test_document_errors);
  g_test_add_func ("/Pushback/Run/document-usage", test_document_usage);
  g_test_add_func ("/Pushback/Run/output-errors", test_output_errors);
  g_test_add_func ("/Pushback/Run/print-head", test_print_head);
  g_test_add_func ("/Pushback/Run/parse-long-lines", test_parse_long_lines);
  g_test_add_func ("/Pushback/Run/seq-precision", test_seq_precision);
  g_test_add_func ("/Pushback/Run/check-runs-nothing", test_check_runs_nothing);
  g_test_add_func ("/Pushback/Run/no-orphans", test_no_orphans);

  return g_test_run ();
}
