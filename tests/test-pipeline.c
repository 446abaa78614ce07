/* test-pipeline.c — parsing of pipeline descriptions
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib.h>
#include <pushback/pushback.h>

static pb_pipeline *
parse_ok (const char *text)
{
  pb_pipeline *p = NULL;
  pb_error err = { 42, "untouched" };
  int r = pb_pipeline_parse (text, &p, &err);

  if (r != PB_OK)
    g_test_message ("parsing \"%s\": %s", text, err.message);
  g_assert_cmpint (r, ==, PB_OK);
  g_assert_nonnull (p);
  /* Only a failure fills the error. */
  g_assert_cmpint (err.code, ==, 42);
  g_assert_cmpstr (err.message, ==, "untouched");
  return p;
}

static pb_pipeline *
parse_argv_ok (int                argc,
               const char *const *argv)
{
  pb_pipeline *p = NULL;
  pb_error err = { 42, "untouched" };
  int r = pb_pipeline_parse_argv (argc, argv, &p, &err);

  if (r != PB_OK)
    g_test_message ("parsing argv: %s", err.message);
  g_assert_cmpint (r, ==, PB_OK);
  g_assert_nonnull (p);
  g_assert_cmpint (err.code, ==, 42);
  return p;
}

static void
assert_element (const pb_pipeline *p,
                size_t             i,
                const char        *kind,
                const char        *name,
                size_t             column,
                size_t             n_props)
{
  const pb_pipeline_element *e = pb_pipeline_element_at (p, i);

  g_assert_nonnull (e);
  g_assert_cmpstr (e->kind, ==, kind);
  g_assert_cmpstr (e->name, ==, name);
  g_assert_cmpuint (e->column, ==, column);
  g_assert_cmpuint (e->n_props, ==, n_props);
  g_assert_cmpint (pb_pipeline_find (p, name), ==, (long) i);
}

static void
assert_prop (const pb_pipeline *p,
             size_t             i,
             size_t             j,
             const char        *key,
             const char        *value)
{
  const pb_pipeline_element *e = pb_pipeline_element_at (p, i);

  g_assert_cmpuint (j, <, e->n_props);
  g_assert_cmpstr (e->props[j].key, ==, key);
  g_assert_cmpstr (e->props[j].value, ==, value);
}

static void
assert_link (const pb_pipeline *p,
             size_t             i,
             size_t             src,
             const char        *src_port,
             size_t             dst,
             const char        *dst_port,
             size_t             column)
{
  const pb_pipeline_link *l = pb_pipeline_link_at (p, i);

  g_assert_nonnull (l);
  g_assert_cmpuint (l->src.element, ==, src);
  g_assert_cmpstr (l->src.port, ==, src_port);
  g_assert_cmpuint (l->dst.element, ==, dst);
  g_assert_cmpstr (l->dst.port, ==, dst_port);
  g_assert_cmpuint (l->column, ==, column);
}

static void
assert_fails (const char *text,
              const char *message)
{
  pb_pipeline *p = (pb_pipeline *) &p; /* a value that failure must clear */
  pb_error err = { 0, "" };
  int r = pb_pipeline_parse (text, &p, &err);

  g_assert_cmpint (r, ==, PB_EINVAL);
  g_assert_cmpint (err.code, ==, PB_EINVAL);
  g_assert_null (p);
  g_assert_cmpstr (err.message, ==, message);
}

static void
assert_argv_fails (int                argc,
                   const char *const *argv,
                   const char        *message)
{
  pb_pipeline *p = (pb_pipeline *) &p;
  pb_error err = { 0, "" };
  int r = pb_pipeline_parse_argv (argc, argv, &p, &err);

  g_assert_cmpint (r, ==, PB_EINVAL);
  g_assert_cmpint (err.code, ==, PB_EINVAL);
  g_assert_null (p);
  g_assert_cmpstr (err.message, ==, message);
}

static void
test_pipeline_chain (void)
{
  pb_pipeline *p = parse_ok ("seq from=1 to=1000000 ! map expr=\"x*3\" "
                             "! filter expr=\"x%2==0\" ! sum");

  g_assert_cmpuint (pb_pipeline_n_elements (p), ==, 4);
  assert_element (p, 0, "seq", "seq0", 1, 2);
  assert_prop (p, 0, 0, "from", "1");
  assert_prop (p, 0, 1, "to", "1000000");
  assert_element (p, 1, "map", "map0", 25, 1);
  assert_prop (p, 1, 0, "expr", "x*3");
  assert_element (p, 2, "filter", "filter0", 42, 1);
  assert_prop (p, 2, 0, "expr", "x%2==0");
  assert_element (p, 3, "sum", "sum0", 65, 0);

  g_assert_cmpuint (pb_pipeline_n_links (p), ==, 3);
  assert_link (p, 0, 0, NULL, 1, NULL, 23);
  assert_link (p, 1, 1, NULL, 2, NULL, 40);
  assert_link (p, 2, 2, NULL, 3, NULL, 63);

  g_assert_null (pb_pipeline_element_at (p, 4));
  g_assert_null (pb_pipeline_link_at (p, 3));
  pb_pipeline_free (p);
}

static void
test_pipeline_branches (void)
{
  pb_pipeline *p = parse_ok ("seq from=1 to=1000 ! broadcast name=t ! "
                             "map expr=\"x*2\" ! merge name=m ! sum  "
                             "t. ! m.");

  g_assert_cmpuint (pb_pipeline_n_elements (p), ==, 5);
  assert_element (p, 0, "seq", "seq0", 1, 2);
  assert_prop (p, 0, 0, "from", "1");
  assert_prop (p, 0, 1, "to", "1000");
  /* name= names the element and is no property. */
  assert_element (p, 1, "broadcast", "t", 22, 0);
  assert_element (p, 2, "map", "map0", 41, 1);
  assert_prop (p, 2, 0, "expr", "x*2");
  assert_element (p, 3, "merge", "m", 58, 0);
  assert_element (p, 4, "sum", "sum0", 73, 0);

  g_assert_cmpuint (pb_pipeline_n_links (p), ==, 5);
  assert_link (p, 0, 0, NULL, 1, NULL, 20);
  assert_link (p, 1, 1, NULL, 2, NULL, 39);
  assert_link (p, 2, 2, NULL, 3, NULL, 56);
  assert_link (p, 3, 3, NULL, 4, NULL, 71);
  assert_link (p, 4, 1, NULL, 3, NULL, 81);
  pb_pipeline_free (p);
}

static void
test_pipeline_many_branches (void)
{
  /* A reference after an element, and an element after a reference, each
   * start a branch; references may come before the name they use. */
  pb_pipeline *p = parse_ok ("seq name=a ! b.  seq ! b.  merge name=b ! sum  "
                             "a. ! sum");

  g_assert_cmpuint (pb_pipeline_n_elements (p), ==, 5);
  assert_element (p, 0, "seq", "a", 1, 0);
  assert_element (p, 1, "seq", "seq0", 18, 0);
  assert_element (p, 2, "merge", "b", 28, 0);
  assert_element (p, 3, "sum", "sum0", 43, 0);
  assert_element (p, 4, "sum", "sum1", 53, 0);

  g_assert_cmpuint (pb_pipeline_n_links (p), ==, 4);
  assert_link (p, 0, 0, NULL, 2, NULL, 12);
  assert_link (p, 1, 1, NULL, 2, NULL, 22);
  assert_link (p, 2, 2, NULL, 3, NULL, 41);
  assert_link (p, 3, 0, NULL, 4, NULL, 51);
  pb_pipeline_free (p);

  /* An element after an element's properties: independent pipelines. */
  p = parse_ok ("seq to=10 ! sum  seq to=5 ! sum");
  g_assert_cmpuint (pb_pipeline_n_elements (p), ==, 4);
  assert_element (p, 0, "seq", "seq0", 1, 1);
  assert_element (p, 1, "sum", "sum0", 13, 0);
  assert_element (p, 2, "seq", "seq1", 18, 1);
  assert_element (p, 3, "sum", "sum1", 29, 0);
  g_assert_cmpuint (pb_pipeline_n_links (p), ==, 2);
  assert_link (p, 0, 0, NULL, 1, NULL, 11);
  assert_link (p, 1, 2, NULL, 3, NULL, 27);
  pb_pipeline_free (p);
}

static void
test_pipeline_forward_references (void)
{
  pb_pipeline *p = parse_ok ("seq ! m.  seq ! merge name=m ! sum");

  g_assert_cmpuint (pb_pipeline_n_elements (p), ==, 4);
  assert_element (p, 0, "seq", "seq0", 1, 0);
  assert_element (p, 1, "seq", "seq1", 11, 0);
  assert_element (p, 2, "merge", "m", 17, 0);
  assert_element (p, 3, "sum", "sum0", 32, 0);
  g_assert_cmpuint (pb_pipeline_n_links (p), ==, 3);
  assert_link (p, 0, 0, NULL, 2, NULL, 5);
  assert_link (p, 1, 1, NULL, 2, NULL, 15);
  assert_link (p, 2, 2, NULL, 3, NULL, 30);
  pb_pipeline_free (p);

  /* A link may join two references, both defined later. */
  p = parse_ok ("t. ! m.  seq ! broadcast name=t ! merge name=m ! sum");
  g_assert_cmpuint (pb_pipeline_n_links (p), ==, 4);
  assert_link (p, 0, 1, NULL, 2, NULL, 4);
  pb_pipeline_free (p);

  /* Generated names may be referred to as well. */
  p = parse_ok ("seq ! sum  seq0. ! sum");
  g_assert_cmpuint (pb_pipeline_n_links (p), ==, 2);
  assert_element (p, 2, "sum", "sum1", 20, 0);
  assert_link (p, 1, 0, NULL, 2, NULL, 18);
  pb_pipeline_free (p);
}

static void
test_pipeline_ports (void)
{
  pb_pipeline *p = parse_ok ("seq ! rr.in  seq ! round-robin name=rr ! sum  "
                             "rr.out[2] ! file-out path=/tmp/x  "
                             "rr.out_1 ! rr.in-2");

  g_assert_cmpuint (pb_pipeline_n_elements (p), ==, 5);
  assert_element (p, 2, "round-robin", "rr", 20, 0);
  assert_element (p, 4, "file-out", "file-out0", 59, 1);
  assert_prop (p, 4, 0, "path", "/tmp/x");
  g_assert_cmpuint (pb_pipeline_n_links (p), ==, 5);
  assert_link (p, 0, 0, NULL, 2, "in", 5);
  assert_link (p, 1, 1, NULL, 2, NULL, 18);
  assert_link (p, 2, 2, NULL, 3, NULL, 40);
  assert_link (p, 3, 2, "out[2]", 4, NULL, 57);
  assert_link (p, 4, 2, "out_1", 2, "in-2", 90);
  pb_pipeline_free (p);
}

static void
test_pipeline_quoting (void)
{
  pb_pipeline *p;

  p = parse_ok ("map expr=\"a \\\"q\\\" \\\\ b\\n\" s='x\\y \"z\"' e= q=\"\" "
                "bang=\"a!b\" shell='|;&<> $HOME `x`' mid=a\" b \"c "
                "\"k=v w\" dots=1.5 eq=a==b");
  assert_element (p, 0, "map", "map0", 1, 10);
  /* Only \" and \\ are escapes in "...". */
  assert_prop (p, 0, 0, "expr", "a \"q\" \\ b\\n");
  /* '...' is literal. */
  assert_prop (p, 0, 1, "s", "x\\y \"z\"");
  assert_prop (p, 0, 2, "e", "");
  assert_prop (p, 0, 3, "q", "");
  assert_prop (p, 0, 4, "bang", "a!b");
  assert_prop (p, 0, 5, "shell", "|;&<> $HOME `x`");
  /* Quotes open anywhere in a word, as in a shell. */
  assert_prop (p, 0, 6, "mid", "a b c");
  assert_prop (p, 0, 7, "k", "v w");
  /* '=' makes a property, whatever '.' it holds. */
  assert_prop (p, 0, 8, "dots", "1.5");
  assert_prop (p, 0, 9, "eq", "a==b");
  g_assert_cmpuint (pb_pipeline_n_links (p), ==, 0);
  pb_pipeline_free (p);

  /* An unquoted '!' separates without spaces; other whitespace counts as
   * space; a quoted kind is a kind. */
  p = parse_ok ("seq!sum\n\t!\"map\" x='!'");
  g_assert_cmpuint (pb_pipeline_n_elements (p), ==, 3);
  assert_element (p, 0, "seq", "seq0", 1, 0);
  assert_element (p, 1, "sum", "sum0", 5, 0);
  assert_element (p, 2, "map", "map0", 11, 1);
  assert_prop (p, 2, 0, "x", "!");
  assert_link (p, 0, 0, NULL, 1, NULL, 4);
  assert_link (p, 1, 1, NULL, 2, NULL, 10);
  pb_pipeline_free (p);

  /* Columns count characters, not bytes. */
  p = parse_ok ("seq ! map expr=\"é→x\" ! sum");
  assert_prop (p, 1, 0, "expr", "é→x");
  assert_element (p, 2, "sum", "sum0", 24, 0);
  assert_link (p, 1, 1, NULL, 2, NULL, 22);
  pb_pipeline_free (p);
}

static void
test_pipeline_default_names (void)
{
  pb_pipeline *p;
  GString *text;

  /* Given names come first... */
  p = parse_ok ("map ! map name=map0 ! map");
  assert_element (p, 0, "map", "map1", 1, 0);
  assert_element (p, 1, "map", "map0", 7, 0);
  assert_element (p, 2, "map", "map2", 23, 0);
  pb_pipeline_free (p);

  /* ...even when they come later in the text. */
  p = parse_ok ("map ! map ! map name=map1");
  assert_element (p, 0, "map", "map0", 1, 0);
  assert_element (p, 1, "map", "map2", 7, 0);
  assert_element (p, 2, "map", "map1", 13, 0);
  pb_pipeline_free (p);

  /* A generated name may collide with another kind's. */
  text = g_string_new ("map1");
  for (guint i = 0; i < 11; i++)
    g_string_append (text, " ! map");
  p = parse_ok (text->str);
  assert_element (p, 0, "map1", "map10", 1, 0);
  for (guint i = 0; i < 10; i++)
    {
      char *name = g_strdup_printf ("map%u", i);

      assert_element (p, i + 1, "map", name, 8 + 6 * i, 0);
      g_free (name);
    }
  assert_element (p, 11, "map", "map11", 68, 0);
  pb_pipeline_free (p);
  g_string_free (text, TRUE);

  /* Dashes in kinds, and names that look generated. */
  p = parse_ok ("window-mean ! round-robin name=window-mean1 ! window-mean");
  assert_element (p, 0, "window-mean", "window-mean0", 1, 0);
  assert_element (p, 1, "round-robin", "window-mean1", 15, 0);
  assert_element (p, 2, "window-mean", "window-mean2", 47, 0);
  g_assert_cmpint (pb_pipeline_find (p, "window-mean3"), ==, -1);
  g_assert_cmpint (pb_pipeline_find (p, "round-robin0"), ==, -1);
  g_assert_cmpint (pb_pipeline_find (p, ""), ==, -1);
  pb_pipeline_free (p);
}

static void
test_pipeline_large (void)
{
  /* Enough elements and text to take many chunks of memory, and a value
   * longer than a chunk. */
  GString *text = g_string_new ("seq");
  char *big = g_strnfill (10000, 'x');
  size_t column = 0;
  pb_pipeline *p;

  for (guint i = 0; i < 3000; i++)
    {
      if (i == 2998)
        column = text->len + sizeof " ! ";
      g_string_append_printf (text, " ! map k%u=%u", i, i);
    }
  g_string_append_printf (text, " ! sum expr=\"%s\"", big);
  p = parse_ok (text->str);
  g_assert_cmpuint (pb_pipeline_n_elements (p), ==, 3002);
  g_assert_cmpuint (pb_pipeline_n_links (p), ==, 3001);
  assert_element (p, 2999, "map", "map2998", column, 1);
  assert_prop (p, 2999, 0, "k2998", "2998");
  g_assert_cmpint (pb_pipeline_find (p, "map2999"), ==, 3000);
  assert_prop (p, 3001, 0, "expr", big);
  pb_pipeline_free (p);
  g_string_free (text, TRUE);
  g_free (big);
}

static void
test_pipeline_errors (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "", "empty pipeline description" },
    { " \t\n ", "empty pipeline description" },
    { "! seq", "nothing before '!' at column 1" },
    { "seq !", "nothing after '!' at column 5" },
    { "seq ! ! sum", "nothing between '!' at column 5 and '!' at column 7" },
    { "seq!!sum", "nothing between '!' at column 4 and '!' at column 5" },
    { "seq ! map expr=\"x*2",
      "unterminated quote in 'expr=\"x*2' at column 11" },
    { "seq ! map expr='x*2 ! sum",
      "unterminated quote in 'expr='x*2 ! sum' at column 11" },
    { "seq ! map expr=\"x\\\" ! sum",
      "unterminated quote in 'expr=\"x\\\" ! sum' at column 11" },
    { "seq ! map foo* ! sum",
      "expected key=value after 'map', got 'foo*' at column 11" },
    { "seq 'a b'", "expected key=value after 'seq', got ''a b'' at column 5" },
    { "seq =5", "empty key in '=5' at column 5" },
    { "seq ! from=1",
      "expected an element kind or a reference, got 'from=1' at column 7" },
    { "se*q",
      "expected an element kind or a reference, got 'se*q' at column 1" },
    { "seq ! \"\"",
      "expected an element kind or a reference, got '\"\"' at column 7" },
    { "seq ! t. x=1",
      "expected an element kind or a reference, got 'x=1' at column 10" },
    { "map x*2=1",
      "invalid key in 'x*2=1' at column 5: use letters, digits, '-' and '_'" },
    { "map \"a b\"=1",
      "invalid key in '\"a b\"=1' at column 5: "
      "use letters, digits, '-' and '_'" },
    { "map expr=1 expr=2",
      "key 'expr' given twice to 'map' (columns 5 and 12)" },
    { "map name=a x=1 name=b",
      "key 'name' given twice to 'map' (columns 5 and 16)" },
    { "map name=",
      "invalid element name in 'name=' at column 5: "
      "use letters, digits, '-' and '_'" },
    { "map name=a.b",
      "invalid element name in 'name=a.b' at column 5: "
      "use letters, digits, '-' and '_'" },
    { "seq name=m ! merge name=m",
      "element name 'm' used twice (columns 5 and 20)" },
    { "seq ! sum name=m  m. ! merge name=m",
      "element name 'm' used twice (columns 11 and 30)" },
    { "seq ! t.", "'t.' at column 7 refers to no element named 't'" },
    { "t.out[1] ! seq",
      "'t.out[1]' at column 1 refers to no element named 't'" },
    { "seq ! map0.", "'map0.' at column 7 refers to no element named 'map0'" },
    { "t.", "'t.' at column 1 is not linked to anything" },
    { "seq name=t  t.", "'t.' at column 13 is not linked to anything" },
    { "t. seq name=t", "'t.' at column 1 is not linked to anything" },
    { "t. ! m.  t.", "'t.' at column 10 is not linked to anything" },
    { "seq ! t.o+t",
      "invalid reference 't.o+t' at column 7: expected NAME. or NAME.PORT" },
    { "seq ! .out",
      "invalid reference '.out' at column 7: expected NAME. or NAME.PORT" },
    { "seq ! x.y.z",
      "invalid reference 'x.y.z' at column 7: expected NAME. or NAME.PORT" },
    /* Columns count characters; a message stays on one line. */
    { "seq ! map expr=\"é\" ! ünknown",
      "expected an element kind or a reference, got 'ünknown' at column 22" },
    { "seq ! \"a\nb\"",
      "expected an element kind or a reference, got '\"a...' at column 7" },
    { "seq ! map x=1 ! map expr='a\n\nb",
      "unterminated quote in 'expr='a...' at column 21" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %u", i);
      assert_fails (cases[i].text, cases[i].message);
    }
}

static void
test_pipeline_long_messages (void)
{
  /* Quoted text is cut at 60 bytes, never inside a character. */
  char *xs = g_strnfill (100, 'x');
  char *x60 = g_strnfill (60, 'x');
  char *x59 = g_strnfill (59, 'x');
  char *text;
  char *message;

  text = g_strconcat ("seq ! ", xs, "*", NULL);
  message = g_strdup_printf ("expected an element kind or a reference, "
                             "got '%s...' at column 7", x60);
  assert_fails (text, message);
  g_free (text);
  g_free (message);

  text = g_strconcat ("seq ! ", x59, "é*", NULL);
  message = g_strdup_printf ("expected an element kind or a reference, "
                             "got '%s...' at column 7", x59);
  assert_fails (text, message);
  g_free (text);
  g_free (message);

  /* Exactly 60 bytes are shown whole. */
  text = g_strconcat ("seq ! map ", x59, "*", NULL);
  message = g_strdup_printf ("expected key=value after 'map', "
                             "got '%s*' at column 11", x59);
  assert_fails (text, message);
  g_free (text);
  g_free (message);

  g_free (xs);
  g_free (x60);
  g_free (x59);
}

static void
test_pipeline_null_error (void)
{
  pb_pipeline *p = NULL;

  g_assert_cmpint (pb_pipeline_parse ("seq !", &p, NULL), ==, PB_EINVAL);
  g_assert_null (p);
  g_assert_cmpint (pb_pipeline_parse_argv (0, NULL, &p, NULL), ==, PB_EINVAL);
  g_assert_null (p);
  g_assert_cmpint (pb_pipeline_parse ("seq ! sum", &p, NULL), ==, PB_OK);
  g_assert_nonnull (p);
  pb_pipeline_free (p);
  pb_pipeline_free (NULL);
}

static void
test_pipeline_argv (void)
{
  static const char *const shell[] = {
    "seq", "from=1", "!", "map", "expr=x * 2", "!", "sum",
  };
  static const char *const quoted[] = {
    "map", "a=\"x*2\"", "b='p q'", "c=\"x\\\"y\"", "d=\"a\" + \"b\"",
    "e=\"open", "f=\"\"", "g=it's", "\"h\"=1",
  };
  static const char *const branches[] = {
    "seq", "!", "broadcast", "name=t", "!", "sum", "t.out", "!", "é-sink=x",
  };
  pb_pipeline *p;

  p = parse_argv_ok (G_N_ELEMENTS (shell), shell);
  g_assert_cmpuint (pb_pipeline_n_elements (p), ==, 3);
  assert_element (p, 0, "seq", "seq0", 1, 1);
  assert_prop (p, 0, 0, "from", "1");
  /* Spaces inside a word do not split it. */
  assert_element (p, 1, "map", "map0", 14, 1);
  assert_prop (p, 1, 0, "expr", "x * 2");
  assert_element (p, 2, "sum", "sum0", 31, 0);
  /* Columns are those of "seq from=1 ! map expr=x * 2 ! sum". */
  assert_link (p, 0, 0, NULL, 1, NULL, 12);
  assert_link (p, 1, 1, NULL, 2, NULL, 29);
  pb_pipeline_free (p);

  /* Only a value that is exactly one quoted string is unquoted. */
  p = parse_argv_ok (G_N_ELEMENTS (quoted) - 1, quoted);
  assert_element (p, 0, "map", "map0", 1, 7);
  assert_prop (p, 0, 0, "a", "x*2");
  assert_prop (p, 0, 1, "b", "p q");
  assert_prop (p, 0, 2, "c", "x\"y");
  assert_prop (p, 0, 3, "d", "\"a\" + \"b\"");
  assert_prop (p, 0, 4, "e", "\"open");
  assert_prop (p, 0, 5, "f", "");
  assert_prop (p, 0, 6, "g", "it's");
  pb_pipeline_free (p);
  assert_argv_fails (G_N_ELEMENTS (quoted), quoted,
                     "invalid key in '\"h\"=1' at column 62: "
                     "use letters, digits, '-' and '_'");

  p = parse_argv_ok (G_N_ELEMENTS (branches) - 3, branches);
  g_assert_cmpuint (pb_pipeline_n_elements (p), ==, 3);
  assert_element (p, 1, "broadcast", "t", 7, 0);
  assert_element (p, 2, "sum", "sum0", 26, 0);
  pb_pipeline_free (p);
  /* Columns count characters in argv too. */
  assert_argv_fails (G_N_ELEMENTS (branches), branches,
                     "expected an element kind or a reference, "
                     "got 'é-sink=x' at column 38");
}

static void
test_pipeline_argv_errors (void)
{
  static const char *const one_word[] = { "seq ! sum" };
  static const char *const bangs[] = { "seq", "!", "!", "sum" };
  static const char *const leading[] = { "!", "seq" };
  static const char *const trailing[] = { "seq", "!" };
  static const char *const plain[] = { "seq", "map*" };
  static const char *const dangling[] = { "seq", "name=t", "t." };
  static const char *const unknown[] = { "seq", "!", "m.in" };
  static const char *const empty[] = { "" };

  assert_argv_fails (0, NULL, "empty pipeline description");
  /* Words are never split. */
  assert_argv_fails (1, one_word, "expected an element kind or a reference, "
                     "got 'seq ! sum' at column 1");
  assert_argv_fails (4, bangs, "nothing between '!' at column 5 "
                     "and '!' at column 7");
  assert_argv_fails (2, leading, "nothing before '!' at column 1");
  assert_argv_fails (2, trailing, "nothing after '!' at column 5");
  assert_argv_fails (2, plain, "expected key=value after 'seq', "
                     "got 'map*' at column 5");
  assert_argv_fails (3, dangling,
                     "'t.' at column 12 is not linked to anything");
  assert_argv_fails (3, unknown, "'m.in' at column 7 refers to no element "
                     "named 'm'");
  assert_argv_fails (1, empty, "expected an element kind or a reference, "
                     "got '' at column 1");
}

/* Checks what every successful parse must give. */
static void
check_consistent (const pb_pipeline *p)
{
  size_t n = pb_pipeline_n_elements (p);

  g_assert_cmpuint (n, >, 0);
  for (size_t i = 0; i < n; i++)
    {
      const pb_pipeline_element *e = pb_pipeline_element_at (p, i);

      g_assert_nonnull (e->kind);
      g_assert_cmpstr (e->kind, !=, "");
      g_assert_nonnull (e->name);
      /* Names are unique: each finds its own element. */
      g_assert_cmpint (pb_pipeline_find (p, e->name), ==, (long) i);
      g_assert_cmpuint (e->column, >, 0);
      for (size_t j = 0; j < e->n_props; j++)
        {
          g_assert_cmpstr (e->props[j].key, !=, "");
          g_assert_cmpstr (e->props[j].key, !=, "name");
          g_assert_nonnull (e->props[j].value);
        }
    }
  for (size_t i = 0; i < pb_pipeline_n_links (p); i++)
    {
      const pb_pipeline_link *l = pb_pipeline_link_at (p, i);

      g_assert_cmpuint (l->src.element, <, n);
      g_assert_cmpuint (l->dst.element, <, n);
      g_assert_cmpuint (l->column, >, 0);
      if (l->src.port != NULL)
        g_assert_cmpstr (l->src.port, !=, "");
      if (l->dst.port != NULL)
        g_assert_cmpstr (l->dst.port, !=, "");
    }
}

static void
check_outcome (int                r,
               const pb_pipeline *p,
               const pb_error    *err)
{
  if (r == PB_OK)
    {
      g_assert_nonnull (p);
      check_consistent (p);
      return;
    }
  g_assert_cmpint (r, ==, PB_EINVAL);
  g_assert_cmpint (err->code, ==, PB_EINVAL);
  g_assert_null (p);
  g_assert_cmpuint (strlen (err->message), >, 0);
  g_assert_null (strpbrk (err->message, "\n\r"));
}

static void
test_pipeline_fuzz (void)
{
  /* The pieces that open quotes come last, so that some rounds can leave
   * them out: almost every text with them has an unterminated quote. */
  static const char *const alphabet[] = {
    "seq", "!", "t.", "name=t", " ", "=", ".", "m.out", "name=m", "sum",
    "map0.", "\n", "x=\"", "'", "\"", "\\",
  };
  const int n_unquoted = 12;
  guint successes = 0;

  for (guint round = 0; round < 20000; round++)
    {
      const char *words[16];
      int n_words = g_test_rand_int_range (0, G_N_ELEMENTS (words));
      int n_pieces = round % 2 == 0 ? n_unquoted : G_N_ELEMENTS (alphabet);
      GString *text = g_string_new (NULL);
      pb_pipeline *p = NULL;
      pb_error err = { 0, "" };
      int r;

      /* Half of the texts have no quotes and their pieces apart, so that
       * they parse more often; the others run all kinds of pieces
       * together. */
      for (int i = 0; i < n_words; i++)
        {
          words[i] = alphabet[g_test_rand_int_range (0, n_pieces)];
          if (round % 2 == 0 && i > 0)
            g_string_append_c (text, ' ');
          g_string_append (text, words[i]);
        }

      r = pb_pipeline_parse (text->str, &p, &err);
      check_outcome (r, p, &err);
      successes += r == PB_OK;
      pb_pipeline_free (p);

      /* The same pieces, as the words of a command line. */
      p = NULL;
      err = (pb_error) { 0, "" };
      r = pb_pipeline_parse_argv (n_words, words, &p, &err);
      check_outcome (r, p, &err);
      pb_pipeline_free (p);

      /* And bytes of any value: control characters, broken UTF-8. */
      g_string_truncate (text, 0);
      for (int i = g_test_rand_int_range (0, 24); i > 0; i--)
        g_string_append_c (text, (char) g_test_rand_int_range (1, 256));
      p = NULL;
      err = (pb_error) { 0, "" };
      r = pb_pipeline_parse (text->str, &p, &err);
      check_outcome (r, p, &err);
      pb_pipeline_free (p);
      g_string_free (text, TRUE);
    }
  /* The alphabet makes valid pipelines too, not only errors. */
  g_test_message ("%u of 20000 texts parsed", successes);
  g_assert_cmpuint (successes, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Pushback/Pipeline/chain", test_pipeline_chain);
  g_test_add_func ("/Pushback/Pipeline/branches", test_pipeline_branches);
  g_test_add_func ("/Pushback/Pipeline/many-branches",
                   test_pipeline_many_branches);
  g_test_add_func ("/Pushback/Pipeline/forward-references",
                   test_pipeline_forward_references);
  g_test_add_func ("/Pushback/Pipeline/ports", test_pipeline_ports);
  g_test_add_func ("/Pushback/Pipeline/quoting", test_pipeline_quoting);
  g_test_add_func ("/Pushback/Pipeline/default-names",
                   test_pipeline_default_names);
  g_test_add_func ("/Pushback/Pipeline/large", test_pipeline_large);
  g_test_add_func ("/Pushback/Pipeline/errors", test_pipeline_errors);
  g_test_add_func ("/Pushback/Pipeline/long-messages",
                   test_pipeline_long_messages);
  g_test_add_func ("/Pushback/Pipeline/null-error", test_pipeline_null_error);
  g_test_add_func ("/Pushback/Pipeline/argv", test_pipeline_argv);
  g_test_add_func ("/Pushback/Pipeline/argv-errors", test_pipeline_argv_errors);
  g_test_add_func ("/Pushback/Pipeline/fuzz", test_pipeline_fuzz);

  return g_test_run ();
}
