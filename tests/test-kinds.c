/* test-kinds.c — the catalogue of process kinds
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib.h>
#include <pushback/pushback.h>

/* What the issue asks the catalogue for, at least. */
static const char *const required_kinds[] = {
  "seq", "random", "file-in", "stdin", "clock",
  "map", "filter", "take", "skip", "accumulate", "window-mean", "throttle", "cast", "parse",
  "format", "pass",
  "broadcast", "round-robin", "merge",
  "discard", "count", "sum", "stats", "print", "file-out",
  "c",
};

static int
category_rank (const char *category)
{
  static const char *const order[] = { "source", "transform", "routing", "sink" };

  for (int i = 0; i < (int) G_N_ELEMENTS (order); i++)
    if (g_str_equal (category, order[i]))
      return i;
  return -1;
}

/* Each word of "a|b|c" passes @check. */
static void
assert_words (const char *words,
              gboolean  (*check) (const char *word))
{
  g_auto(GStrv) list = g_strsplit (words, "|", -1);

  g_assert_cmpuint (g_strv_length (list), >=, 1);
  for (size_t i = 0; list[i] != NULL; i++)
    {
      g_assert_cmpstr (list[i], !=, "");
      g_assert_true (check (list[i]));
      for (size_t j = 0; j < i; j++)
        g_assert_cmpstr (list[i], !=, list[j]);
    }
}

static gboolean
is_item_type (const char *word)
{
  return pb_item_type_parse (word) != PB_ITEM_NONE;
}

static gboolean
is_word (const char *word)
{
  for (const char *p = word; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static void
assert_sentence (const char *text)
{
  g_assert_nonnull (text);
  g_assert_cmpuint (strlen (text), >, 3);
  g_assert_null (strchr (text, '\n'));
  g_assert_true (g_ascii_isupper (text[0]));
  g_assert_true (g_str_has_suffix (text, "."));
}

static void
test_catalogue (void)
{
  size_t n = pb_kind_count ();
  int last_rank = 0;

  g_assert_cmpuint (n, >=, G_N_ELEMENTS (required_kinds));
  for (size_t i = 0; i < G_N_ELEMENTS (required_kinds); i++)
    {
      const pb_kind *kind = pb_kind_find (required_kinds[i]);

      g_assert_nonnull (kind);
      g_assert_cmpstr (pb_kind_name (kind), ==, required_kinds[i]);
    }

  for (size_t i = 0; i < n; i++)
    {
      const pb_kind *kind = pb_kind_at (i);
      const char *name = pb_kind_name (kind);
      int rank = category_rank (pb_kind_category (kind));

      g_assert_nonnull (kind);
      g_assert_nonnull (name);
      g_assert_cmpstr (name, !=, "");
      g_assert_true (is_word (name));
      g_assert_true (pb_kind_find (name) == kind);
      for (size_t j = 0; j < i; j++)
        g_assert_cmpstr (pb_kind_name (pb_kind_at (j)), !=, name);
      assert_sentence (pb_kind_description (kind));
      g_assert_cmpint (rank, >=, 0);
      /* Sources, transforms, routing, sinks; user code last. */
      if (i + 1 < n)
        {
          g_assert_cmpint (rank, >=, last_rank);
          last_rank = rank;
        }
      else
        g_assert_cmpstr (name, ==, "c");
    }
  g_assert_null (pb_kind_at (n));
  g_assert_null (pb_kind_find ("nope"));
  g_assert_null (pb_kind_find (""));
  g_assert_null (pb_kind_find (NULL));
  g_assert_null (pb_kind_find ("Seq"));

  g_assert_cmpstr (pb_kind_category (pb_kind_find ("seq")), ==, "source");
  g_assert_cmpstr (pb_kind_category (pb_kind_find ("map")), ==, "transform");
  g_assert_cmpstr (pb_kind_category (pb_kind_find ("merge")), ==, "routing");
  g_assert_cmpstr (pb_kind_category (pb_kind_find ("sum")), ==, "sink");
}

static void
test_ports (void)
{
  for (size_t i = 0; i < pb_kind_count (); i++)
    {
      const pb_kind *kind = pb_kind_at (i);
      const char *category = pb_kind_category (kind);
      size_t n = pb_kind_n_ports (kind);
      size_t n_in = 0, n_out = 0;

      g_test_message ("kind %s", pb_kind_name (kind));
      g_assert_cmpuint (n, >=, 1);
      g_assert_cmpuint (n, <=, 2);
      for (size_t j = 0; j < n; j++)
        {
          const pb_port_spec *spec = pb_kind_port (kind, j);
          uint32_t index = 99;

          g_assert_nonnull (spec);
          /* A role says its direction. */
          if (g_str_equal (spec->role, "in"))
            g_assert_cmpint (spec->dir, ==, PB_PORT_IN);
          else
            {
              g_assert_cmpstr (spec->role, ==, "out");
              g_assert_cmpint (spec->dir, ==, PB_PORT_OUT);
            }
          n_in += spec->dir == PB_PORT_IN;
          n_out += spec->dir == PB_PORT_OUT;
          /* Fixed roles from 0, a range last. */
          if (spec->range)
            g_assert_cmpuint (j, ==, n - 1);
          g_assert_cmpuint (spec->first, ==, j);
          if (g_str_equal (spec->types, "any"))
            ;
          else
            assert_words (spec->types, is_item_type);
          assert_sentence (spec->doc);
          for (size_t k = 0; k < j; k++)
            g_assert_true (!g_str_equal (pb_kind_port (kind, k)->role, spec->role)
                           || pb_kind_port (kind, k)->range != spec->range);

          g_assert_true (pb_kind_port_lookup (kind, spec->first, &index) == spec);
          g_assert_cmpuint (index, ==, 0);
          if (spec->range)
            {
              g_assert_true (pb_kind_port_lookup (kind, spec->first + 5, &index) == spec);
              g_assert_cmpuint (index, ==, 5);
              g_assert_true (pb_kind_port_lookup (kind, PB_PORT_MAX, NULL) == spec);
            }
        }
      g_assert_null (pb_kind_port (kind, n));
      if (!pb_kind_port (kind, n - 1)->range)
        g_assert_null (pb_kind_port_lookup (kind, (uint32_t) n, NULL));

      /* The category says which ports there are. */
      if (g_str_equal (category, "source"))
        g_assert_cmpuint (n_in, ==, 0);
      else
        g_assert_cmpuint (n_in, ==, 1);
      if (g_str_equal (category, "sink"))
        g_assert_cmpuint (n_out, ==, 0);
      else
        g_assert_cmpuint (n_out, ==, 1);
    }

  /* The rule: a transform reads port 0 and writes port 1. */
  g_assert_cmpuint (pb_kind_port (pb_kind_find ("map"), 0)->first, ==, 0);
  g_assert_cmpuint (pb_kind_port (pb_kind_find ("map"), 1)->first, ==, 1);
  g_assert_true (pb_kind_port (pb_kind_find ("broadcast"), 1)->range);
  g_assert_true (pb_kind_port (pb_kind_find ("round-robin"), 1)->range);
  g_assert_true (pb_kind_port (pb_kind_find ("merge"), 1)->range);
  g_assert_cmpint (pb_kind_port (pb_kind_find ("merge"), 1)->dir, ==, PB_PORT_IN);
  g_assert_cmpstr (pb_kind_port (pb_kind_find ("file-out"), 0)->types, ==, "u8");
  g_assert_cmpstr (pb_kind_port (pb_kind_find ("file-in"), 0)->types, ==, "u8");
}

static void
assert_port (const char *kind,
             const char *role,
             uint32_t    expected)
{
  uint32_t port = 12345;
  pb_error err = { 42, "untouched" };

  g_assert_cmpint (pb_kind_port_parse (pb_kind_find (kind), role, &port, &err), ==, PB_OK);
  g_assert_cmpuint (port, ==, expected);
  g_assert_cmpint (err.code, ==, 42);
}

static void
assert_no_port (const char *kind,
                const char *role)
{
  uint32_t port = 12345;
  pb_error err = { PB_OK, "" };
  g_autofree char *message = g_strdup_printf ("%s has no port '%s'", kind, role);

  g_test_message ("%s %s", kind, role);

  g_assert_cmpint (pb_kind_port_parse (pb_kind_find (kind), role, &port, &err), ==, PB_ENOENT);
  g_assert_cmpint (err.code, ==, PB_ENOENT);
  g_assert_cmpstr (err.message, ==, message);
  g_assert_cmpuint (port, ==, 12345);
  g_assert_cmpint (pb_kind_port_parse (pb_kind_find (kind), role, &port, NULL), ==, PB_ENOENT);
}

static void
test_port_parse (void)
{
  assert_port ("map", "in", 0);
  assert_port ("map", "out", 1);
  assert_port ("seq", "out", 0);
  assert_port ("sum", "in", 0);
  assert_port ("broadcast", "in", 0);
  assert_port ("broadcast", "out[0]", 1);
  assert_port ("broadcast", "out[2]", 3);
  assert_port ("broadcast", "out2", 3);
  assert_port ("broadcast", "out10", 11);
  assert_port ("round-robin", "out[7]", 8);
  assert_port ("merge", "out", 0);
  assert_port ("merge", "in[0]", 1);
  assert_port ("merge", "in1", 2);
  /* The last port number there is. */
  assert_port ("broadcast", "out[65534]", 65535);

  assert_no_port ("map", "out[0]");
  assert_no_port ("map", "out1");
  assert_no_port ("map", "input");
  assert_no_port ("map", "");
  assert_no_port ("map", "IN");
  assert_no_port ("seq", "in");
  assert_no_port ("sum", "out");
  assert_no_port ("broadcast", "out[65535]");
  assert_no_port ("broadcast", "out[99999999999999999999]");
  assert_no_port ("broadcast", "out[-1]");
  assert_no_port ("broadcast", "out[+1]");
  assert_no_port ("broadcast", "out[ 1]");
  assert_no_port ("broadcast", "out[]");
  assert_no_port ("broadcast", "out[1");
  assert_no_port ("broadcast", "out1]");
  assert_no_port ("broadcast", "out[1]]");
  assert_no_port ("broadcast", "out[1x]");
  assert_no_port ("broadcast", "in[0]");
  assert_no_port ("merge", "out[0]");
}

static void
test_port_format (void)
{
  char buf[32];

  g_assert_cmpstr (pb_kind_port_format (pb_kind_find ("map"), 0, buf), ==, "in");
  g_assert_true (pb_kind_port_format (pb_kind_find ("map"), 0, buf) == buf);
  g_assert_cmpstr (pb_kind_port_format (pb_kind_find ("map"), 1, buf), ==, "out");
  g_assert_cmpstr (pb_kind_port_format (pb_kind_find ("map"), 2, buf), ==, "port 2");
  g_assert_cmpstr (pb_kind_port_format (pb_kind_find ("seq"), 1, buf), ==, "port 1");
  g_assert_cmpstr (pb_kind_port_format (pb_kind_find ("broadcast"), 3, buf), ==, "out[2]");
  g_assert_cmpstr (pb_kind_port_format (pb_kind_find ("broadcast"), 65535, buf), ==, "out[65534]");
  g_assert_cmpstr (pb_kind_port_format (pb_kind_find ("merge"), 0, buf), ==, "out");
  g_assert_cmpstr (pb_kind_port_format (pb_kind_find ("merge"), 2, buf), ==, "in[1]");

  /* Every port a kind has reads back as itself. */
  for (size_t i = 0; i < pb_kind_count (); i++)
    {
      const pb_kind *kind = pb_kind_at (i);

      for (uint32_t port = 0; port < 6; port++)
        {
          uint32_t back = 12345;

          pb_kind_port_format (kind, port, buf);
          if (pb_kind_port_lookup (kind, port, NULL) == NULL)
            {
              g_assert_true (g_str_has_prefix (buf, "port "));
              g_assert_cmpint (pb_kind_port_parse (kind, buf, &back, NULL), ==, PB_ENOENT);
              continue;
            }
          g_assert_cmpint (pb_kind_port_parse (kind, buf, &back, NULL), ==, PB_OK);
          g_assert_cmpuint (back, ==, port);
        }
    }
}

static void
test_params (void)
{
  for (size_t i = 0; i < pb_kind_count (); i++)
    {
      const pb_kind *kind = pb_kind_at (i);
      size_t n = pb_kind_n_params (kind);

      g_test_message ("kind %s", pb_kind_name (kind));
      for (size_t j = 0; j < n; j++)
        {
          const pb_param_spec *spec = pb_kind_param (kind, j);

          g_assert_nonnull (spec);
          g_assert_true (is_word (spec->name));
          g_assert_cmpstr (spec->name, !=, "");
          g_assert_cmpstr (spec->name, !=, "name");
          assert_sentence (spec->doc);
          g_assert_true (pb_kind_find_param (kind, spec->name) == spec);
          for (size_t k = 0; k < j; k++)
            g_assert_cmpstr (pb_kind_param (kind, k)->name, !=, spec->name);
          g_assert_cmpfloat (spec->min, <=, spec->max);
          switch (spec->type)
            {
            case PB_PARAM_CHOICE:
              g_assert_nonnull (spec->choices);
              assert_words (spec->choices, is_word);
              g_assert_nonnull (spec->default_value);
              break;
            case PB_PARAM_INT:
            case PB_PARAM_FLOAT:
            case PB_PARAM_STRING:
            case PB_PARAM_EXPR:
            case PB_PARAM_CODE:
              g_assert_null (spec->choices);
              break;
            default:
              g_assert_not_reached ();
            }
          /* A default is a valid value. */
          if (spec->default_value != NULL)
            {
              pb_error err = { PB_OK, "" };
              int rc = pb_kind_check_param (kind, spec->name, spec->default_value, &err);

              if (rc != PB_OK)
                g_test_message ("%s.%s: %s", pb_kind_name (kind), spec->name, err.message);
              g_assert_cmpint (rc, ==, PB_OK);
            }
        }
      g_assert_null (pb_kind_param (kind, n));
      g_assert_null (pb_kind_find_param (kind, "no-such-param"));
    }

  /* What the issue asks for. */
  g_assert_cmpint (pb_kind_find_param (pb_kind_find ("map"), "expr")->type, ==, PB_PARAM_EXPR);
  g_assert_null (pb_kind_find_param (pb_kind_find ("map"), "expr")->default_value);
  g_assert_cmpint (pb_kind_find_param (pb_kind_find ("filter"), "expr")->type, ==, PB_PARAM_EXPR);
  g_assert_cmpint (pb_kind_find_param (pb_kind_find ("take"), "n")->type, ==, PB_PARAM_INT);
  g_assert_cmpint (pb_kind_find_param (pb_kind_find ("seq"), "step")->type, ==, PB_PARAM_FLOAT);
  g_assert_cmpstr (pb_kind_find_param (pb_kind_find ("random"), "distribution")->choices, ==,
                   "uniform|normal");
  g_assert_cmpstr (pb_kind_find_param (pb_kind_find ("cast"), "to")->choices, ==, "i64|f64");
  g_assert_cmpint (pb_kind_find_param (pb_kind_find ("file-in"), "path")->type, ==, PB_PARAM_STRING);
  g_assert_cmpint (pb_kind_find_param (pb_kind_find ("c"), "code")->type, ==, PB_PARAM_CODE);
  g_assert_nonnull (pb_kind_find_param (pb_kind_find ("clock"), "rate"));
  g_assert_nonnull (pb_kind_find_param (pb_kind_find ("throttle"), "rate"));
  g_assert_nonnull (pb_kind_find_param (pb_kind_find ("window-mean"), "n"));
  g_assert_nonnull (pb_kind_find_param (pb_kind_find ("parse"), "to"));
  g_assert_cmpuint (pb_kind_n_params (pb_kind_find ("sum")), ==, 0);
}

static void
assert_param_ok (const char *kind,
                 const char *name,
                 const char *value)
{
  pb_error err = { 42, "untouched" };
  int rc = pb_kind_check_param (pb_kind_find (kind), name, value, &err);

  if (rc != PB_OK)
    g_test_message ("%s %s=%s: %s", kind, name, value, err.message);
  g_assert_cmpint (rc, ==, PB_OK);
  g_assert_cmpint (err.code, ==, 42);
  g_assert_cmpstr (err.message, ==, "untouched");
}

static void
assert_param_bad (const char *kind,
                  const char *name,
                  const char *value,
                  int         code,
                  const char *message)
{
  pb_error err = { PB_OK, "" };

  g_assert_cmpint (pb_kind_check_param (pb_kind_find (kind), name, value, &err), ==, code);
  g_assert_cmpint (err.code, ==, code);
  g_assert_cmpstr (err.message, ==, message);
  g_assert_cmpint (pb_kind_check_param (pb_kind_find (kind), name, value, NULL), ==, code);
}

static void
test_check_param (void)
{
  /* Whole numbers. */
  assert_param_ok ("take", "n", "5");
  assert_param_ok ("take", "n", "0");
  assert_param_ok ("take", "n", "0x10");
  assert_param_ok ("take", "n", "0X1f");
  assert_param_ok ("take", "n", "010");
  assert_param_ok ("take", "n", "+7");
  assert_param_ok ("random", "seed", "-3");
  assert_param_ok ("random", "seed", "-9223372036854775808");
  assert_param_ok ("random", "seed", "9223372036854775807");
  assert_param_bad ("random", "seed", "9223372036854775808", PB_EINVAL,
                    "seed=9223372036854775808 is not a whole number");
  assert_param_bad ("take", "n", "abc", PB_EINVAL, "n=abc is not a whole number");
  assert_param_bad ("take", "n", "1.5", PB_EINVAL, "n=1.5 is not a whole number");
  assert_param_bad ("take", "n", "1e3", PB_EINVAL, "n=1e3 is not a whole number");
  assert_param_bad ("take", "n", "", PB_EINVAL, "n= is not a whole number");
  assert_param_bad ("take", "n", "0x", PB_EINVAL, "n=0x is not a whole number");
  assert_param_bad ("take", "n", "12 ", PB_EINVAL, "n=12  is not a whole number");
  assert_param_bad ("take", "n", "-1", PB_EINVAL, "n=-1 is out of range (0 to 9.2e+18)");
  /* Ranges. */
  assert_param_ok ("window-mean", "n", "1");
  assert_param_ok ("window-mean", "n", "1048576");
  assert_param_bad ("window-mean", "n", "0", PB_EINVAL, "n=0 is out of range (1 to 1.04858e+06)");
  assert_param_bad ("window-mean", "n", "1048577", PB_EINVAL,
                    "n=1048577 is out of range (1 to 1.04858e+06)");
  assert_param_ok ("c", "max-emit", "1024");
  assert_param_bad ("c", "max-emit", "1025", PB_EINVAL, "max-emit=1025 is out of range (0 to 1024)");

  /* Numbers. */
  assert_param_ok ("seq", "from", "1e3");
  assert_param_ok ("seq", "from", "-2.5");
  assert_param_ok ("seq", "from", ".5");
  assert_param_ok ("seq", "from", "0x10");
  assert_param_ok ("seq", "to", "-9223372036854775808");
  assert_param_bad ("seq", "to", "abc", PB_EINVAL, "to=abc is not a number");
  assert_param_bad ("seq", "to", "", PB_EINVAL, "to= is not a number");
  assert_param_bad ("seq", "to", "1x", PB_EINVAL, "to=1x is not a number");
  assert_param_bad ("seq", "to", "inf", PB_EINVAL, "to=inf is not a number");
  assert_param_bad ("seq", "to", "nan", PB_EINVAL, "to=nan is not a number");
  assert_param_bad ("seq", "to", "1e400", PB_EINVAL, "to=1e400 is not a number");
  assert_param_ok ("clock", "rate", "0.001");
  assert_param_ok ("clock", "rate", "1e9");
  assert_param_bad ("clock", "rate", "0", PB_EINVAL, "rate=0 is out of range (0.001 to 1e+09)");
  assert_param_bad ("clock", "rate", "-5", PB_EINVAL, "rate=-5 is out of range (0.001 to 1e+09)");
  assert_param_bad ("throttle", "rate", "2e12", PB_EINVAL, "rate=2e12 is out of range (0.001 to 1e+12)");

  /* Choices. */
  assert_param_ok ("random", "distribution", "uniform");
  assert_param_ok ("random", "distribution", "normal");
  assert_param_ok ("c", "out", "none");
  assert_param_ok ("c", "in", "u8");
  assert_param_bad ("random", "distribution", "Normal", PB_EINVAL,
                    "distribution=Normal is not one of uniform|normal");
  assert_param_bad ("random", "distribution", "norm", PB_EINVAL,
                    "distribution=norm is not one of uniform|normal");
  assert_param_bad ("random", "distribution", "", PB_EINVAL,
                    "distribution= is not one of uniform|normal");
  assert_param_bad ("random", "distribution", "uniform|normal", PB_EINVAL,
                    "distribution=uniform|normal is not one of uniform|normal");
  assert_param_bad ("cast", "to", "u8", PB_EINVAL, "to=u8 is not one of i64|f64");
  assert_param_bad ("c", "in", "none", PB_EINVAL, "in=none is not one of i64|f64|u8");

  /* Expressions: only emptiness is checked here; the compiler does the
   * rest. */
  assert_param_ok ("map", "expr", "x");
  assert_param_ok ("map", "expr", "x * (");
  assert_param_bad ("map", "expr", "", PB_EINVAL, "expr is empty");
  assert_param_bad ("filter", "expr", " \t\n", PB_EINVAL, "expr is empty");
  /* Code and text take anything. */
  assert_param_ok ("c", "state", "");
  assert_param_ok ("c", "code", "emit (x);");
  assert_param_ok ("file-in", "path", "/some/where with spaces");

  /* Unknown parameters. */
  assert_param_bad ("map", "foo", "1", PB_ENOENT, "map has no parameter 'foo'");
  assert_param_bad ("sum", "n", "1", PB_ENOENT, "sum has no parameter 'n'");
  assert_param_bad ("seq", "name", "x", PB_ENOENT, "seq has no parameter 'name'");
}

static void
test_item_types (void)
{
  g_assert_cmpstr (pb_item_type_name (PB_ITEM_I64), ==, "i64");
  g_assert_cmpstr (pb_item_type_name (PB_ITEM_F64), ==, "f64");
  g_assert_cmpstr (pb_item_type_name (PB_ITEM_U8), ==, "u8");
  g_assert_cmpstr (pb_item_type_name (PB_ITEM_NONE), ==, "none");
  g_assert_cmpstr (pb_item_type_name ((pb_item_type) 99), ==, "none");

  for (int t = PB_ITEM_I64; t <= PB_ITEM_U8; t++)
    g_assert_cmpint (pb_item_type_parse (pb_item_type_name ((pb_item_type) t)), ==, t);
  g_assert_cmpint (pb_item_type_parse ("none"), ==, PB_ITEM_NONE);
  g_assert_cmpint (pb_item_type_parse ("I64"), ==, PB_ITEM_NONE);
  g_assert_cmpint (pb_item_type_parse ("i64 "), ==, PB_ITEM_NONE);
  g_assert_cmpint (pb_item_type_parse ("i6"), ==, PB_ITEM_NONE);
  g_assert_cmpint (pb_item_type_parse (""), ==, PB_ITEM_NONE);
  g_assert_cmpint (pb_item_type_parse ("any"), ==, PB_ITEM_NONE);
}

/* A value quoted in a message cannot break the message's single line, nor
 * its UTF-8: newlines, control bytes and invalid bytes show as '?', and a
 * long value is cut. */
static void
test_kinds_message_quoting (void)
{
  const pb_kind *seq = pb_kind_find ("seq");
  const pb_kind *take = pb_kind_find ("take");
  g_autofree char *long_value = g_strnfill (500, '7');
  pb_error err;

  g_assert_cmpint (pb_kind_check_param (seq, "to", "1\n2", &err), ==, PB_EINVAL);
  g_assert_cmpstr (err.message, ==, "to=1?2 is not a number");
  g_assert_cmpint (pb_kind_check_param (take, "n", "\xff\x01x", &err), ==, PB_EINVAL);
  g_assert_cmpstr (err.message, ==, "n=??x is not a whole number");
  g_assert_cmpint (pb_kind_check_param (take, "bad\tkey", "1", &err), ==, PB_ENOENT);
  g_assert_cmpstr (err.message, ==, "take has no parameter 'bad?key'");
  g_assert_cmpint (pb_kind_check_param (take, "n", long_value, &err), ==, PB_EINVAL);
  g_assert_null (strchr (err.message, '\n'));
  g_assert_cmpuint (strlen (err.message), <, 100);
  g_assert_true (g_utf8_validate (err.message, -1, NULL));
}

/* User text reaches the compiling machine through the preprocessor:
 * directives are refused, but an include of a standard header, and '#'
 * inside literals and comments; so is nesting that would overflow
 * libtcc's recursive parser. */
static void
test_user_text (void)
{
  g_autofree char *bangs = g_strnfill (100000, '!');
  g_autofree char *deep_bangs = g_strconcat (bangs, "x", NULL);
  g_autofree char *parens = g_strnfill (300, '(');
  g_autofree char *deep_parens = g_strconcat (parens, "x", NULL);
  g_autoptr(GString) ternaries = g_string_new ("x");
  g_autoptr(GString) max_parens = g_string_new ("x");
  g_autofree char *max_bangs = g_strnfill (256, '!');
  g_autofree char *fine_bangs = g_strconcat (max_bangs, "x", NULL);
  const char *refused = "preprocessor directives are not allowed in code, "
                        "except #include <...> of a standard C header";
  g_autofree char *line2 = g_strdup_printf ("expr, line 2: %s", refused);
  g_autofree char *code1 = g_strdup_printf ("code, line 1: %s", refused);
  g_autofree char *code3 = g_strdup_printf ("code, line 3: %s", refused);

  for (int i = 0; i < 1100; i++)
    g_string_append (ternaries, " ? x : x");
  for (int i = 0; i < 64; i++)
    {
      g_string_prepend_c (max_parens, '(');
      g_string_append_c (max_parens, ')');
    }

  assert_param_ok ("map", "expr", "x * 2");
  assert_param_ok ("map", "expr", "x + '#'");
  assert_param_ok ("c", "code", "emit (x); /* # not a directive */ // #define A\n");
  assert_param_ok ("c", "code", "const char *s = \"#include \\\"x\\\"\"; emit (x);");
  assert_param_ok ("c", "state", "#include <math.h>\ndouble last;");
  assert_param_ok ("c", "state", "  #  include   <stdint.h>  \nint64_t n;");
  assert_param_ok ("map", "expr", fine_bangs);

  assert_param_bad ("map", "expr", "x\n#include \"/etc/shadow\"\n", PB_EINVAL, line2);
  assert_param_bad ("c", "code", "/* */ #define A x+x\nemit (A);", PB_EINVAL, code1);
  assert_param_bad ("c", "code", "int a;\n/* a\n*/ #include <unistd.h>\n", PB_EINVAL, code3);
  assert_param_bad ("c", "code", "#include </etc/passwd>", PB_EINVAL, code1);
  assert_param_bad ("c", "code", "#include <math.h> x", PB_EINVAL, code1);
  assert_param_bad ("c", "code", "%:define A 1", PB_EINVAL, code1);
  assert_param_bad ("c", "code", "?\?=define A 1", PB_EINVAL, code1);
  assert_param_bad ("c", "code", "emit (x); #pragma once", PB_EINVAL, code1);
  assert_param_bad ("map", "expr", deep_bangs, PB_EINVAL, "expr, line 1: nested more than 256 levels deep");
  assert_param_bad ("map", "expr", deep_parens, PB_EINVAL, "expr, line 1: nested more than 64 levels deep");
  /* Not "unbalanced", which the code generator said of 65 levels. */
  assert_param_ok ("map", "expr", max_parens->str);
  g_string_prepend_c (max_parens, '(');
  g_string_append_c (max_parens, ')');
  assert_param_bad ("map", "expr", max_parens->str, PB_EINVAL,
                    "expr, line 1: nested more than 64 levels deep");
  assert_param_bad ("map", "expr", ternaries->str, PB_EINVAL,
                    "expr holds more than 1024 conditional operators");
}

/*
 * The compiler joins a line ending in a backslash to the next, before it
 * looks for comments: "*\\", a line's end and "/" close a comment. The
 * check must see the text as the compiler does, or a comment it thinks
 * still open hides a directive or a deep nesting.
 */
static void
test_user_text_joined_lines (void)
{
  const char *refused = "preprocessor directives are not allowed in code, "
                        "except #include <...> of a standard C header";
  g_autofree char *line3 = g_strdup_printf ("code, line 3: %s", refused);
  g_autofree char *bangs = g_strnfill (100000, '!');
  g_autofree char *hidden_bangs = g_strconcat ("x = /* *\\\r\n/ ", bangs, "x; /* */ emit (x);",
                                               NULL);
  GString *spliced_bangs = g_string_new ("x = ");

  for (int i = 0; i < 100000; i++)
    g_string_append (spliced_bangs, "!\\\n");
  g_string_append (spliced_bangs, "x;");

  assert_param_bad ("c", "code", "/* *\\\n/\n#include \"/etc/shadow\"\n/* */ emit (x);",
                    PB_EINVAL, line3);
  assert_param_bad ("c", "code", "/* *\\\r/\n#include \"/etc/shadow\"\n/* */ emit (x);",
                    PB_EINVAL, line3);
  assert_param_bad ("c", "code", "/\\\n* \" */\n#define A 1\n", PB_EINVAL, line3);
  assert_param_bad ("c", "code", hidden_bangs, PB_EINVAL,
                    "code, line 2: nested more than 256 levels deep");
  assert_param_bad ("c", "code", spliced_bangs->str, PB_EINVAL,
                    "code, line 257: nested more than 256 levels deep");
  /* A joined line comment goes on; a joined string too. */
  assert_param_bad ("c", "code", "// a \\\nb\n#define A 1", PB_EINVAL, line3);
  assert_param_ok ("c", "code", "// a \\\n#define A 1\nemit (x);");
  assert_param_ok ("c", "code", "const char *s = \"a\\\n#b\"; emit (x);");
  g_string_free (spliced_bangs, TRUE);
}

/* Strings of @n copies of @unit, then @tail, for the test below. */
static char *
repeated (const char *unit,
          int         n,
          const char *tail)
{
  GString *s = g_string_new (NULL);

  for (int i = 0; i < n; i++)
    g_string_append (s, unit);
  g_string_append (s, tail);
  return g_string_free (s, FALSE);
}

/*
 * libtcc's parser recurses once per cast, sizeof and statement under if,
 * else, for, while, switch or do, however the text is spelled: 100,000 of
 * any of these crashed the application, whose stack they overflowed. A
 * backslash at the end of a line, which the compiler joins to the next,
 * and comments must not hide a run from the count.
 */
static void
test_user_text_prefixes (void)
{
  static const struct
  {
    const char *param;
    const char *unit;
    const char *tail;
  } deep[] = {
    { "expr", "(long) ", "x" },
    { "expr", "(long) -", "x" },
    { "expr", "(long)/* */(long)\\\n", "x" },
    { "expr", "sizeof ", "x" },
    { "expr", "_Alignof ", "x" },
    { "code", "if (x) ", "emit (x);" },
    { "code", "if (x) ; else ", "emit (x);" },
    { "code", "if (x) { } else ", "emit (x);" },
    { "code", "while (x) ", "emit (x);" },
    { "code", "for (;;) ", "emit (x);" },
    { "code", "switch (x) ", "emit (x);" },
    { "code", "do ", "emit (x);" },
    { "code", "e\\\nlse ", "emit (x);" },
  };
  const char *refused = "holds more than 1024 casts, sizeof operators and statements "
                        "under if, else, for, while, switch or do";

  for (size_t i = 0; i < G_N_ELEMENTS (deep); i++)
    {
      g_autofree char *text = repeated (deep[i].unit, 100000, deep[i].tail);
      g_autofree char *message = g_strdup_printf ("%s %s", deep[i].param, refused);

      g_test_message ("%s", deep[i].unit);
      assert_param_bad (deep[i].param[0] == 'e' ? "map" : "c", deep[i].param, text, PB_EINVAL,
                        message);
    }

  /* What a person writes, many times over, is fine. */
  {
    g_autofree char *casts = repeated ("(long) ", 1024, "x");
    g_autofree char *more = repeated ("(long) ", 1025, "x");
    g_autofree char *code = repeated ("if (x > 2) { x = (x + 1) * 2; } else if (x) x--; "
                                      "do x++; while (x < 0);\n", 250, "emit (x);");
    g_autofree char *message = g_strdup_printf ("expr %s", refused);

    assert_param_ok ("map", "expr", casts);
    assert_param_bad ("map", "expr", more, PB_EINVAL, message);
    assert_param_ok ("c", "code", code);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Pushback/Kinds/catalogue", test_catalogue);
  g_test_add_func ("/Pushback/Kinds/ports", test_ports);
  g_test_add_func ("/Pushback/Kinds/port-parse", test_port_parse);
  g_test_add_func ("/Pushback/Kinds/port-format", test_port_format);
  g_test_add_func ("/Pushback/Kinds/params", test_params);
  g_test_add_func ("/Pushback/Kinds/check-param", test_check_param);
  g_test_add_func ("/Pushback/Kinds/user-text", test_user_text);
  g_test_add_func ("/Pushback/Kinds/user-text-prefixes", test_user_text_prefixes);
  g_test_add_func ("/Pushback/Kinds/user-text-joined-lines", test_user_text_joined_lines);
  g_test_add_func ("/Pushback/Kinds/item-types", test_item_types);
  g_test_add_func ("/Pushback/Kinds/message-quoting", test_kinds_message_quoting);

  return g_test_run ();
}
