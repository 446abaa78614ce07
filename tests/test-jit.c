/* test-jit.c — the libtcc compile service
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib.h>
#include <pushback/pushback.h>

#include "jit.h"
#include "shared-mem.h"

typedef int (*int_fn_int) (int);

static int host_calls;
static int host_offset = 1000;

static int
host_twice (int x)
{
  host_calls++;
  return 2 * x;
}

static pb_jit_unit *
compile_ok (const char          *source,
            const pb_jit_symbol *symbols,
            size_t               n_symbols)
{
  pb_jit_unit *unit = NULL;
  pb_error err;
  int rc;

  pb_error_clear (&err);
  rc = pb_jit_compile (source, symbols, n_symbols, &unit, &err);
  if (rc != PB_OK)
    g_test_message ("compile failed: %s", err.message);
  g_assert_cmpint (rc, ==, PB_OK);
  g_assert_nonnull (unit);
  return unit;
}

static void
test_jit_call (void)
{
  static const char source[] =
    "#line 1 \"add\"\n"
    "int add (int a, int b)\n"
    "{\n"
    "  return a + b;\n"
    "}\n";
  pb_jit_unit *unit = compile_ok (source, NULL, 0);
  int (*add) (int, int) = (int (*) (int, int)) pb_jit_unit_symbol (unit, "add");

  g_assert_nonnull (add);
  g_assert_cmpint (add (2, 40), ==, 42);
  g_assert_cmpint (add (-7, 7), ==, 0);
  g_assert_cmpuint (pb_jit_unit_code_bytes (unit), >, 0);
  g_assert_cmpuint (pb_jit_unit_compile_ns (unit), >, 0);
  g_assert_null (pb_jit_unit_symbol (unit, "no_such_symbol"));
  pb_jit_unit_unref (unit);
  pb_jit_unit_unref (NULL);
}

/* The code stays while any reference does: a process state made by a
 * chain that is gone still has its fini. */
static void
test_jit_references (void)
{
  static const char source[] = "int twice (int a) { return 2 * a; }\n";
  pb_jit_unit *unit = compile_ok (source, NULL, 0);
  int (*twice) (int) = (int (*) (int)) pb_jit_unit_symbol (unit, "twice");

  g_assert_true (pb_jit_unit_ref (unit) == unit);
  g_assert_true (pb_jit_unit_ref (unit) == unit);
  pb_jit_unit_unref (unit);
  pb_jit_unit_unref (unit);
  /* One reference left: the code is still there (ASan would see it gone). */
  g_assert_cmpint (twice (21), ==, 42);
  g_assert_true (pb_jit_unit_symbol (unit, "twice") == (void *) twice);
  pb_jit_unit_unref (unit);
}

static void
test_jit_host_symbols (void)
{
  static const char source[] =
    "#line 1 \"host\"\n"
    "int host_twice (int);\n"
    "extern int host_offset;\n"
    "int f (int x)\n"
    "{\n"
    "  return host_twice (x) + host_offset;\n"
    "}\n";
  const pb_jit_symbol symbols[] = {
    { "host_twice", (const void *) host_twice },
    { "host_offset", &host_offset },
  };
  pb_jit_unit *unit = compile_ok (source, symbols, G_N_ELEMENTS (symbols));
  int_fn_int f = (int_fn_int) pb_jit_unit_symbol (unit, "f");

  g_assert_nonnull (f);
  host_calls = 0;
  g_assert_cmpint (f (21), ==, 1042);
  g_assert_cmpint (host_calls, ==, 1);
  host_offset = 0;
  g_assert_cmpint (f (5), ==, 10);
  g_assert_cmpint (host_calls, ==, 2);
  host_offset = 1000;

  /* What the unit imports is not one of its own symbols. */
  g_assert_null (pb_jit_unit_symbol (unit, "host_twice"));
  pb_jit_unit_unref (unit);
}

static void
test_jit_libc_libm (void)
{
  /* Through the system headers, as user code would write it. */
  static const char source[] =
    "#include <math.h>\n"
    "#include <string.h>\n"
    "#line 1 \"libc\"\n"
    "static const char text[] = \"pushback\";\n"
    "char copy[16];\n"
    "int length (void)\n"
    "{\n"
    "  memcpy (copy, text, sizeof text);\n"
    "  return (int) strlen (copy);\n"
    "}\n"
    "double root (double x)\n"
    "{\n"
    "  return sqrt (x);\n"
    "}\n";
  pb_jit_unit *unit = compile_ok (source, NULL, 0);
  int (*length) (void) = (int (*) (void)) pb_jit_unit_symbol (unit, "length");
  double (*root) (double) = (double (*) (double)) pb_jit_unit_symbol (unit, "root");
  const char *copy = pb_jit_unit_symbol (unit, "copy");

  g_assert_nonnull (length);
  g_assert_nonnull (root);
  g_assert_nonnull (copy);
  g_assert_cmpint (length (), ==, 8);
  g_assert_cmpstr (copy, ==, "pushback");
  g_assert_cmpfloat_with_epsilon (root (2.0), 1.41421356237, 1e-9);
  pb_jit_unit_unref (unit);
}

static void
test_jit_compile_error (void)
{
  static const char source[] =
    "int generated_prologue;\n"
    "#line 1 \"map0\"\n"
    "int f (int x)\n"
    "{\n"
    "  return x + y;\n"
    "}\n";
  pb_jit_unit *unit = (pb_jit_unit *) &unit; /* must be reset to NULL */
  pb_error err;

  pb_error_clear (&err);
  g_assert_cmpint (pb_jit_compile (source, NULL, 0, &unit, &err), ==, PB_EINVAL);
  g_assert_null (unit);
  g_assert_cmpint (err.code, ==, PB_EINVAL);
  g_test_message ("compile error: %s", err.message);
  g_assert_cmpstr (err.message, ==, "map0:3: error: 'y' undeclared");

  /* A syntax error is found at the next token, which tcc reports with its
   * own line: a line later here. */
  g_assert_cmpint (pb_jit_compile ("#line 1 \"map0\"\nint f (int x)\n{\n  return x +;\n}\n",
                                   NULL, 0, &unit, &err), ==, PB_EINVAL);
  g_assert_cmpstr (err.message, ==, "map0:4: error: identifier expected");

  /* An error in an included file comes as several lines; the last one,
   * which names the place, is kept. */
  g_assert_cmpint (pb_jit_compile ("#line 7 \"map5\"\n#include <no-such-header.h>\n",
                                   NULL, 0, &unit, &err), ==, PB_EINVAL);
  g_assert_cmpstr (err.message, ==, "map5:7: error: include file 'no-such-header.h' not found");

  /* A NULL err is allowed. */
  g_assert_cmpint (pb_jit_compile (source, NULL, 0, &unit, NULL), ==, PB_EINVAL);
  g_assert_null (unit);
}

static void
test_jit_error_not_warning (void)
{
  /* tcc warns about the implicit declaration; the first error, not the
   * first message, is what a failure reports. */
  static const char source[] =
    "#line 1 \"map1\"\n"
    "int f (int x)\n"
    "{\n"
    "  return no_such_function (x);\n"
    "}\n";
  pb_jit_unit *unit = NULL;
  pb_error err;

  pb_error_clear (&err);
  g_assert_cmpint (pb_jit_compile (source, NULL, 0, &unit, &err), ==, PB_EINVAL);
  g_assert_null (unit);
  g_test_message ("link error: %s", err.message);
  g_assert_nonnull (strstr (err.message, "'no_such_function'"));
  g_assert_null (strstr (err.message, "warning"));
}

static void
test_jit_link_error (void)
{
  static const char source[] =
    "#line 1 \"map2\"\n"
    "int undefined_helper (int);\n"
    "int f (int x)\n"
    "{\n"
    "  return undefined_helper (x);\n"
    "}\n";
  pb_jit_unit *unit = NULL;
  pb_error err;

  pb_error_clear (&err);
  g_assert_cmpint (pb_jit_compile (source, NULL, 0, &unit, &err), ==, PB_EINVAL);
  g_assert_null (unit);
  g_assert_cmpint (err.code, ==, PB_EINVAL);
  g_assert_nonnull (strstr (err.message, "undefined symbol 'undefined_helper'"));
}

static void
test_jit_many_units (void)
{
  enum { N = 40 };
  pb_jit_unit *units[N];
  int (*values[N]) (void);
  int *counters[N];
  int order[N];
  int i, j;

  for (i = 0; i < N; i++)
    {
      char *source = g_strdup_printf ("int counter = %d;\n"
                                      "int value (void)\n"
                                      "{\n"
                                      "  return ++counter * 1000 + %d;\n"
                                      "}\n", 10 * i, i);

      units[i] = compile_ok (source, NULL, 0);
      values[i] = (int (*) (void)) pb_jit_unit_symbol (units[i], "value");
      counters[i] = pb_jit_unit_symbol (units[i], "counter");
      g_assert_nonnull (values[i]);
      g_assert_nonnull (counters[i]);
      g_free (source);
    }

  /* Every unit has its own code and data. */
  for (i = 0; i < N; i++)
    g_assert_cmpint (values[i] (), ==, (10 * i + 1) * 1000 + i);

  /* Free in an order unrelated to creation; the rest keep working. */
  for (i = 0; i < N; i++)
    order[i] = (i * 17) % N;
  for (i = 0; i < N; i++)
    {
      pb_jit_unit_unref (units[order[i]]);
      units[order[i]] = NULL;
      for (j = 0; j < N; j++)
        if (units[j] != NULL)
          g_assert_cmpint (values[j] () % 1000, ==, j);
    }
}

typedef struct
{
  int base;
  int failures;
} compile_job;

static gpointer
compile_many (gpointer data)
{
  compile_job *job = data;
  int i;

  for (i = 0; i < 100; i++)
    {
      char *source = g_strdup_printf ("#line 1 \"thread%d\"\n"
                                      "int f (int x)\n"
                                      "{\n"
                                      "  return x * %d + %d;\n"
                                      "}\n", job->base, job->base, i);
      pb_jit_unit *unit = NULL;
      int_fn_int f;

      if (pb_jit_compile (source, NULL, 0, &unit, NULL) != PB_OK)
        job->failures++;
      else
        {
          f = (int_fn_int) pb_jit_unit_symbol (unit, "f");
          if (f == NULL || f (3) != 3 * job->base + i)
            job->failures++;
          pb_jit_unit_unref (unit);
        }
      g_free (source);
    }
  return NULL;
}

static void
test_jit_threads (void)
{
  compile_job jobs[2] = { { 7, 0 }, { 11, 0 } };
  GThread *threads[2];
  int i;

  for (i = 0; i < 2; i++)
    threads[i] = g_thread_new ("compile", compile_many, &jobs[i]);
  for (i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  g_assert_cmpint (jobs[0].failures, ==, 0);
  g_assert_cmpint (jobs[1].failures, ==, 0);
}

/* The best of a few compiles, to keep a busy machine's noise out. */
static uint64_t
fastest_compile_ns (const char *source,
                    const char *entry)
{
  uint64_t best = UINT64_MAX;
  int i;

  for (i = 0; i < 5; i++)
    {
      pb_jit_unit *unit = compile_ok (source, NULL, 0);

      g_assert_nonnull (pb_jit_unit_symbol (unit, entry));
      best = MIN (best, pb_jit_unit_compile_ns (unit));
      pb_jit_unit_unref (unit);
    }
  return best;
}

static void
test_jit_timing (void)
{
  GString *small = g_string_new ("#line 1 \"small\"\nint f (const int *in, int *out, int n)\n{\n"
                                 "  int i, sum = 0;\n");
  GString *large = g_string_new ("#line 1 \"large\"\n");
  uint64_t small_ns, large_ns;
  int i;

  /* About 20 lines: one small stage loop. */
  for (i = 0; i < 7; i++)
    g_string_append_printf (small, "  sum += %d;\n", i);
  g_string_append (small,
                   "  for (i = 0; i < n; i++)\n"
                   "    {\n"
                   "      out[i] = in[i] * 3 + sum;\n"
                   "      if (out[i] < 0)\n"
                   "        out[i] = 0;\n"
                   "    }\n"
                   "  return n;\n"
                   "}\n");

  /* About 2,000 lines: 200 functions of 10 lines. */
  for (i = 0; i < 200; i++)
    g_string_append_printf (large,
                            "int stage%d (int *v, int n)\n"
                            "{\n"
                            "  int i, acc = %d;\n"
                            "  for (i = 0; i < n; i++)\n"
                            "    {\n"
                            "      acc = acc * 31 + v[i];\n"
                            "      v[i] = acc ^ %d;\n"
                            "    }\n"
                            "  return acc;\n"
                            "}\n", i, i, i);

  small_ns = fastest_compile_ns (small->str, "f");
  large_ns = fastest_compile_ns (large->str, "stage199");
  g_test_message ("compile + relocate: 20 lines %.3f ms, 2,000 lines %.3f ms",
                  small_ns / 1e6, large_ns / 1e6);
  g_assert_cmpuint (small_ns, >, 0);
  g_assert_cmpuint (large_ns, >, small_ns);

  g_string_free (small, TRUE);
  g_string_free (large, TRUE);
}

/* A compile links without libc's linker script once the libc names its
 * code calls are known: the first compile that calls snprintf learns it,
 * and the next links lean. Code that needs libtcc1.a (a conversion of a
 * double to an unsigned 64-bit integer, a variadic function) and data of
 * libc (stderr) link too, and give the same results. */
static void
test_jit_lean (void)
{
  static const char source[] =
    "#include <stdarg.h>\n"
    "#include <stdio.h>\n"
    "#line 1 \"lean\"\n"
    "static int sum (int n, ...)\n"
    "{\n"
    "  va_list ap;\n"
    "  int total = 0;\n"
    "  va_start (ap, n);\n"
    "  while (n-- > 0)\n"
    "    total += va_arg (ap, int);\n"
    "  va_end (ap);\n"
    "  return total;\n"
    "}\n"
    "unsigned long long big (double d) { return (unsigned long long) d; }\n"
    "int has_stderr (void) { return stderr != 0; }\n"
    "int print (char *buf, int x)\n"
    "{\n"
    "  return snprintf (buf, 32, \"%d/%d\", x, sum (3, 1, 2, 3));\n"
    "}\n";
  uint64_t lean0, full0, lean1, full1;
  char buf[32];

  for (int round = 0; round < 2; round++)
    {
      pb_jit_unit *unit;
      int (*print) (char *, int);
      unsigned long long (*big) (double);
      int (*has_stderr) (void);

      pb_jit_counts (&lean0, &full0);
      unit = compile_ok (source, NULL, 0);
      pb_jit_counts (&lean1, &full1);
      print = (int (*) (char *, int)) pb_jit_unit_symbol (unit, "print");
      big = (unsigned long long (*) (double)) pb_jit_unit_symbol (unit, "big");
      has_stderr = (int (*) (void)) pb_jit_unit_symbol (unit, "has_stderr");
      g_assert_cmpint (print (buf, 42), ==, 4);
      g_assert_cmpstr (buf, ==, "42/6");
      g_assert_cmpuint (big (1.8e19), ==, 18000000000000000000ull);
      g_assert_cmpint (has_stderr (), ==, 1);
      pb_jit_unit_unref (unit);
      /* The second round at least is lean, where the build found
       * libtcc1.a. */
#ifdef PB_LIBTCC1
      if (round == 1)
#else
      if (round == 1 && lean1 != 0)
#endif
        {
          g_assert_cmpuint (lean1, ==, lean0 + 1);
          g_assert_cmpuint (full1, ==, full0);
        }
    }
}

/* With shared memory (as with a worker), libtcc runs in a compiler
 * process of its own: its code runs here all the same, host symbols and
 * errors as in-process, and a compile that crashes libtcc fails alone. */
static void
test_jit_elsewhere (void)
{
  static const char twice[] =
    "int host_twice (int);\n"
    "int f (int x) { return host_twice (x) + 1; }\n";
  pb_jit_symbol symbols[] = { { "host_twice", (const void *) host_twice } };
  GString *crash;
  pb_jit_unit *unit;
  int_fn_int f;
  pb_error err;

  if (!g_test_subprocess ())
    {
      /* Its messages show in the log should it fail. */
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  g_assert_cmpint (pb__shared_init (NULL), ==, PB_OK);
  unit = compile_ok (twice, symbols, 1);
  f = (int_fn_int) pb_jit_unit_symbol (unit, "f");
  g_assert_nonnull (f);
  g_assert_cmpint (f (20), ==, 41);
  g_assert_true (pb__shared_contains ((const void *) f));
  pb_jit_unit_unref (unit);

  pb_error_clear (&err);
  g_assert_cmpint (pb_jit_compile ("#line 1 \"bad\"\nint f (void) { return x; }\n", NULL, 0,
                                   &unit, &err), ==, PB_EINVAL);
  g_assert_nonnull (strstr (err.message, "bad:1:"));

  /* 100,000 nested `!` overflow libtcc's parser's stack. */
  crash = g_string_new ("int f (void) { return ");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (crash, '!');
  g_string_append (crash, "0; }\n");
  pb_error_clear (&err);
  g_assert_cmpint (pb_jit_compile (crash->str, NULL, 0, &unit, &err), ==, PB_EINVAL);
  if (strstr (err.message, "the compiler failed") == NULL)
    g_error ("100,000 '!': %s", err.message);
  g_string_free (crash, TRUE);

  /* Two gigabytes of initialised data: libtcc builds them in memory. */
  pb_error_clear (&err);
  g_assert_cmpint (pb_jit_compile ("static char a[1000000000] = { 1 };\n"
                                   "static char b[1000000000] = { 1 };\n"
                                   "int f (void) { return a[0] + b[0]; }\n", NULL, 0, &unit, &err),
                   ==, PB_EINVAL);
  if (strstr (err.message, "the compiler failed: used more than 1024 MB") == NULL)
    g_error ("2 GB of data: %s", err.message);

  /* The next compile goes to a new compiler. */
  unit = compile_ok (twice, symbols, 1);
  f = (int_fn_int) pb_jit_unit_symbol (unit, "f");
  g_assert_cmpint (f (1), ==, 3);
  pb_jit_unit_unref (unit);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jit/call", test_jit_call);
  g_test_add_func ("/jit/references", test_jit_references);
  g_test_add_func ("/jit/host-symbols", test_jit_host_symbols);
  g_test_add_func ("/jit/libc-libm", test_jit_libc_libm);
  g_test_add_func ("/jit/lean", test_jit_lean);
  g_test_add_func ("/jit/compile-error", test_jit_compile_error);
  g_test_add_func ("/jit/error-not-warning", test_jit_error_not_warning);
  g_test_add_func ("/jit/link-error", test_jit_link_error);
  g_test_add_func ("/jit/many-units", test_jit_many_units);
  g_test_add_func ("/jit/threads", test_jit_threads);
  g_test_add_func ("/jit/timing", test_jit_timing);
  g_test_add_func ("/jit/elsewhere", test_jit_elsewhere);

  return g_test_run ();
}
