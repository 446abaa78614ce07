/* test-link.c — pb_link_check and the port queries, against the engine
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdarg.h>
#include <string.h>

#include <glib.h>
#include <pushback/pushback.h>

/* Adds a process of @kind on host 0, with the parameters in @params
 * (key, value, ..., NULL), and returns its address. */
static pb_addr
add (pb_graph   *g,
     const char *kind,
     ...)
{
  pb_addr addr = 0;
  va_list ap;
  const char *key;

  g_assert_cmpint (pb_graph_add_process (g, 0, kind, &addr), ==, PB_OK);
  va_start (ap, kind);
  while ((key = va_arg (ap, const char *)) != NULL)
    g_assert_cmpint (pb_graph_set_param (g, addr, key, va_arg (ap, const char *)), ==, PB_OK);
  va_end (ap);
  return addr;
}

/* The address of port @role ("in", "out[2]") of @process. */
static pb_addr
port (pb_graph   *g,
      pb_addr     process,
      const char *role)
{
  const pb_kind *kind = pb_kind_find (pb_graph_process_kind (g, process));
  uint32_t number = 0;

  g_assert_nonnull (kind);
  g_assert_cmpint (pb_kind_port_parse (kind, role, &number, NULL), ==, PB_OK);
  return pb_addr_with_port (process, number);
}

/* Checks the link @a–@b both ways round (the order must not matter) and
 * returns the code, with its message in *@why. */
static int
check (pb_graph *g,
       pb_addr   a,
       pb_addr   b,
       pb_error *why)
{
  pb_error back = { PB_OK, "" };
  int rc = pb_link_check (g, a, b, why);

  g_assert_cmpint (pb_link_check (g, b, a, &back), ==, rc);
  if (rc != PB_OK)
    {
      g_assert_cmpint (why->code, ==, rc);
      g_assert_cmpstr (why->message, !=, "");
      g_assert_null (strchr (why->message, '\n'));
    }
  return rc;
}

static void
connect_ok (pb_graph *g,
            pb_addr   a,
            pb_addr   b)
{
  pb_error why = { PB_OK, "" };

  g_assert_cmpint (check (g, a, b, &why), ==, PB_OK);
  g_assert_cmpint (pb_graph_connect (g, a, b), ==, PB_OK);
}

static void
test_ok (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr seq = add (g, "seq", "to", "3", NULL);
  pb_addr sum = add (g, "sum", NULL);
  pb_error why = { PB_OK, "" };

  g_assert_cmpint (pb_link_check (g, port (g, seq, "out"), port (g, sum, "in"), &why), ==, PB_OK);
  /* A check that passes leaves the error as it was, as every function
   * taking a pb_error does, and changes nothing in the graph. */
  g_assert_cmpint (why.code, ==, PB_OK);
  g_assert_cmpuint (pb_graph_n_connections (g), ==, 0);
  g_assert_cmpint (pb_link_check (g, port (g, sum, "in"), port (g, seq, "out"), NULL), ==, PB_OK);
  pb_graph_free (g);
}

static void
test_enoent (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr map = add (g, "map", "expr", "x", NULL);
  pb_addr sum = add (g, "sum", NULL);
  pb_addr odd = add (g, "no-such-kind", NULL);
  pb_addr bare = add (g, NULL, NULL);
  pb_addr c = add (g, "c", "out", "none", "code", "(void) x;", NULL);
  pb_error why = { PB_OK, "" };

  g_assert_cmpint (check (g, pb_addr_make (0, 99, 1), port (g, sum, "in"), &why), ==, PB_ENOENT);
  g_assert_cmpstr (why.message, ==, "no process at 0:99:1");
  g_assert_cmpint (check (g, pb_addr_with_port (odd, 1), port (g, sum, "in"), &why), ==, PB_ENOENT);
  g_assert_cmpstr (why.message, ==, "no-such-kind3: unknown kind 'no-such-kind'");
  g_assert_cmpint (check (g, pb_addr_with_port (bare, 1), port (g, sum, "in"), &why), ==, PB_ENOENT);
  /* Port 2 of map, and port 1 of a sink, are not ports of their kinds. */
  g_assert_cmpint (check (g, pb_addr_with_port (map, 2), port (g, sum, "in"), &why), ==, PB_ENOENT);
  g_assert_cmpstr (why.message, ==, "map1 has no port 2");
  g_assert_cmpint (check (g, port (g, map, "out"), pb_addr_with_port (sum, 1), &why), ==, PB_ENOENT);
  /* c with out=none has no output; with out=i64 it has one again. */
  g_assert_cmpint (check (g, port (g, c, "out"), port (g, sum, "in"), &why), ==, PB_ENOENT);
  g_assert_cmpstr (why.message, ==, "c5 has no out while out=none");
  g_assert_cmpint (pb_graph_set_param (g, c, "out", "i64"), ==, PB_OK);
  g_assert_cmpint (check (g, port (g, c, "out"), port (g, sum, "in"), &why), ==, PB_OK);
  pb_graph_free (g);
}

static void
test_direction (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr a = add (g, "map", "expr", "x", NULL);
  pb_addr b = add (g, "map", "expr", "x", NULL);
  pb_error why = { PB_OK, "" };

  g_assert_cmpint (pb_graph_set_name (g, a, "a"), ==, PB_OK);
  g_assert_cmpint (check (g, port (g, a, "out"), port (g, b, "out"), &why), ==, PB_EDIRECTION);
  g_assert_cmpstr (why.message, ==, "a.out and map2.out are both outputs");
  g_assert_cmpint (check (g, port (g, a, "in"), port (g, b, "in"), &why), ==, PB_EDIRECTION);
  g_assert_cmpstr (why.message, ==, "a.in and map2.in are both inputs");
  g_assert_cmpint (check (g, port (g, a, "in"), port (g, a, "in"), &why), ==, PB_EDIRECTION);
  pb_graph_free (g);
}

static void
test_busy (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr seq = add (g, "seq", "to", "3", NULL);
  pb_addr sum = add (g, "sum", NULL);
  pb_addr count = add (g, "count", NULL);
  pb_addr seq2 = add (g, "seq", "to", "3", NULL);
  pb_error why = { PB_OK, "" };

  connect_ok (g, port (g, seq, "out"), port (g, sum, "in"));
  g_assert_cmpint (check (g, port (g, seq, "out"), port (g, count, "in"), &why), ==, PB_EBUSY);
  g_assert_cmpstr (why.message, ==, "seq1.out is connected already");
  g_assert_cmpint (check (g, port (g, seq2, "out"), port (g, sum, "in"), &why), ==, PB_EBUSY);
  g_assert_cmpstr (why.message, ==, "sum2.in is connected already");
  /* Direction comes before busy: a wrong link says what is wrong with it
   * first, whether or not its ports are free. */
  g_assert_cmpint (check (g, port (g, seq, "out"), port (g, seq2, "out"), &why), ==, PB_EDIRECTION);
  pb_graph_free (g);
}

static void
test_host (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr seq = add (g, "seq", "to", "3", NULL);
  pb_addr sum = 0;
  pb_error why = { PB_OK, "" };

  g_assert_cmpint (pb_graph_add_process (g, 1, "sum", &sum), ==, PB_OK);
  g_assert_cmpint (check (g, port (g, seq, "out"), port (g, sum, "in"), &why), ==, PB_EINVAL);
  g_assert_nonnull (strstr (why.message, "different hosts"));
  pb_graph_free (g);
}

static void
test_type_fixed (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr random = add (g, "random", NULL);
  pb_addr parse = add (g, "parse", NULL);
  pb_addr format = add (g, "format", NULL);
  pb_error why = { PB_OK, "" };

  g_assert_cmpint (check (g, port (g, random, "out"), port (g, parse, "in"), &why), ==, PB_ETYPE);
  g_assert_cmpstr (why.message, ==, "random1.out gives f64 but parse2.in takes u8");
  g_assert_cmpint (check (g, port (g, parse, "in"), port (g, random, "out"), &why), ==, PB_ETYPE);
  g_assert_cmpstr (why.message, ==, "random1.out gives f64 but parse2.in takes u8");
  g_assert_cmpint (check (g, port (g, random, "out"), port (g, format, "in"), &why), ==, PB_OK);
  g_assert_cmpint (check (g, port (g, format, "out"), port (g, parse, "in"), &why), ==, PB_OK);
  pb_graph_free (g);
}

/* Types that parameters decide: seq type=, cast to=, c in= and out=. */
static void
test_type_param (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr seq = add (g, "seq", "to", "3", "type", "f64", NULL);
  pb_addr c = add (g, "c", "code", "(void) x;", NULL);
  pb_addr cast = add (g, "cast", "to", "f64", NULL);
  pb_addr parse = add (g, "parse", NULL);
  pb_error why = { PB_OK, "" };

  /* c takes i64 by default. */
  g_assert_cmpint (check (g, port (g, seq, "out"), port (g, c, "in"), &why), ==, PB_ETYPE);
  g_assert_cmpstr (why.message, ==, "seq1.out gives f64 but c2.in takes i64");
  g_assert_cmpint (pb_graph_set_param (g, c, "in", "f64"), ==, PB_OK);
  g_assert_cmpint (check (g, port (g, seq, "out"), port (g, c, "in"), &why), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_param (g, seq, "type", "i64"), ==, PB_OK);
  g_assert_cmpint (check (g, port (g, seq, "out"), port (g, c, "in"), &why), ==, PB_ETYPE);

  g_assert_cmpint (check (g, port (g, cast, "out"), port (g, c, "in"), &why), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_param (g, cast, "to", "i64"), ==, PB_OK);
  g_assert_cmpint (check (g, port (g, cast, "out"), port (g, c, "in"), &why), ==, PB_ETYPE);
  g_assert_cmpstr (why.message, ==, "cast3.out gives i64 but c2.in takes f64");

  /* c out=u8 feeds parse; by default it gives i64, which parse refuses. */
  g_assert_cmpint (check (g, port (g, c, "out"), port (g, parse, "in"), &why), ==, PB_ETYPE);
  g_assert_cmpint (pb_graph_set_param (g, c, "out", "u8"), ==, PB_OK);
  g_assert_cmpint (check (g, port (g, c, "out"), port (g, parse, "in"), &why), ==, PB_OK);
  pb_graph_free (g);
}

/* Types that what is connected decides: map passes its input type on, in
 * both directions of inference, and merge's inputs carry one type. */
static void
test_type_inferred (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr random = add (g, "random", NULL);
  pb_addr map = add (g, "map", "expr", "x", NULL);
  pb_addr map2 = add (g, "map", "expr", "x", NULL);
  pb_addr file_in = add (g, "file-in", "path", "/dev/null", NULL);
  pb_addr file_out = add (g, "file-out", "path", "/dev/null", NULL);
  pb_addr merge = add (g, "merge", NULL);
  pb_addr seq = add (g, "seq", "to", "3", NULL);
  pb_error why = { PB_OK, "" };

  /* Unconnected, map could carry anything: both links are allowed. */
  g_assert_cmpint (check (g, port (g, map, "out"), port (g, file_out, "in"), &why), ==, PB_OK);
  g_assert_cmpint (check (g, port (g, random, "out"), port (g, map, "in"), &why), ==, PB_OK);

  /* Upstream decides: random makes map f64, which file-out refuses. */
  connect_ok (g, port (g, random, "out"), port (g, map, "in"));
  g_assert_cmpint (check (g, port (g, map, "out"), port (g, file_out, "in"), &why), ==, PB_ETYPE);
  g_assert_cmpstr (why.message, ==, "map2.out gives f64 but file-out5.in takes u8");

  /* Downstream decides: map2 feeds file-out, so it takes only bytes. */
  connect_ok (g, port (g, map2, "out"), port (g, file_out, "in"));
  g_assert_cmpint (check (g, port (g, map, "out"), port (g, map2, "in"), &why), ==, PB_ETYPE);
  g_assert_cmpstr (why.message, ==, "map2.out gives f64 but map3.in takes u8");
  g_assert_cmpint (check (g, port (g, file_in, "out"), port (g, map2, "in"), &why), ==, PB_OK);

  /* merge: once in[0] carries f64, in[1] takes nothing else. */
  connect_ok (g, port (g, map, "out"), port (g, merge, "in[0]"));
  g_assert_cmpint (check (g, port (g, seq, "out"), port (g, merge, "in[1]"), &why), ==, PB_ETYPE);
  g_assert_cmpstr (why.message, ==, "seq7.out gives i64 but merge6.in[1] takes f64");
  g_assert_cmpint (pb_graph_set_param (g, seq, "type", "f64"), ==, PB_OK);
  g_assert_cmpint (check (g, port (g, seq, "out"), port (g, merge, "in[1]"), &why), ==, PB_OK);
  pb_graph_free (g);
}

static void
test_cycle (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr a = add (g, "map", "expr", "x", NULL);
  pb_addr b = add (g, "filter", "expr", "x", NULL);
  pb_addr merge = add (g, "merge", NULL);
  pb_addr bc = add (g, "broadcast", NULL);
  pb_addr b2 = add (g, "map", "expr", "x", NULL);
  pb_addr m2 = add (g, "merge", NULL);
  pb_error why = { PB_OK, "" };

  g_assert_cmpint (check (g, port (g, a, "out"), port (g, a, "in"), &why), ==, PB_ECYCLE);
  g_assert_cmpstr (why.message, ==,
                   "map1.out to map1.in would close a flow cycle: feedback loops are not supported");
  connect_ok (g, port (g, a, "out"), port (g, b, "in"));
  g_assert_cmpint (check (g, port (g, b, "out"), port (g, a, "in"), &why), ==, PB_ECYCLE);

  /* Through routing, over several hops. */
  connect_ok (g, port (g, merge, "out"), port (g, a, "in"));
  connect_ok (g, port (g, b, "out"), port (g, bc, "in"));
  g_assert_cmpint (check (g, port (g, bc, "out[1]"), port (g, merge, "in[0]"), &why), ==, PB_ECYCLE);
  g_assert_cmpint (check (g, port (g, bc, "out[1]"), port (g, merge, "in[3]"), &why), ==, PB_ECYCLE);

  /* Two paths that meet again close no cycle. */
  connect_ok (g, port (g, bc, "out[0]"), port (g, b2, "in"));
  connect_ok (g, port (g, b2, "out"), port (g, m2, "in[0]"));
  g_assert_cmpint (check (g, port (g, bc, "out[1]"), port (g, m2, "in[1]"), &why), ==, PB_OK);
  pb_graph_free (g);
}

static void
test_port_info (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr random = add (g, "random", NULL);
  pb_addr map = add (g, "map", "expr", "x", NULL);
  pb_addr bc = add (g, "broadcast", NULL);
  pb_addr c = add (g, "c", "in", "u8", "out", "none", "code", "(void) x;", NULL);
  pb_addr sum = add (g, "sum", NULL);
  pb_port_info info;

  g_assert_cmpint (pb_link_port_info (g, port (g, map, "out"), &info), ==, PB_OK);
  g_assert_cmpint (info.dir, ==, PB_PORT_OUT);
  g_assert_cmpstr (info.spec->role, ==, "out");
  g_assert_cmpuint (info.types, ==, PB_ITEM_MASK_ALL);
  g_assert_cmpint (info.type, ==, PB_ITEM_NONE);
  g_assert_cmpuint (info.peer, ==, 0);

  connect_ok (g, port (g, map, "out"), port (g, bc, "in"));
  connect_ok (g, port (g, bc, "out[2]"), port (g, sum, "in"));
  g_assert_cmpint (pb_link_port_info (g, port (g, map, "in"), &info), ==, PB_OK);
  g_assert_cmpint (info.dir, ==, PB_PORT_IN);
  g_assert_cmpuint (info.types, ==, PB_ITEM_MASK (PB_ITEM_I64) | PB_ITEM_MASK (PB_ITEM_F64));
  g_assert_cmpint (info.type, ==, PB_ITEM_NONE);

  connect_ok (g, port (g, random, "out"), port (g, map, "in"));
  g_assert_cmpint (pb_link_port_info (g, port (g, bc, "out[2]"), &info), ==, PB_OK);
  g_assert_cmpuint (info.index, ==, 2);
  g_assert_cmpint (info.type, ==, PB_ITEM_F64);
  g_assert_cmpuint (info.peer, ==, port (g, sum, "in"));
  g_assert_cmpint (pb_link_port_info (g, port (g, bc, "out[7]"), &info), ==, PB_OK);
  g_assert_cmpint (info.type, ==, PB_ITEM_F64);

  g_assert_cmpint (pb_link_port_info (g, port (g, c, "in"), &info), ==, PB_OK);
  g_assert_cmpint (info.type, ==, PB_ITEM_U8);
  info.index = 12345;
  g_assert_cmpint (pb_link_port_info (g, port (g, c, "out"), &info), ==, PB_ENOENT);
  g_assert_cmpuint (info.index, ==, 12345);
  g_assert_cmpint (pb_link_port_info (g, pb_addr_with_port (sum, 1), &info), ==, PB_ENOENT);
  g_assert_cmpint (pb_link_port_info (g, pb_addr_make (0, 99, 0), &info), ==, PB_ENOENT);
  pb_graph_free (g);
}

/* The ports of @process as pb_link_list_ports() gives them, as text. */
static char *
list_ports (pb_graph *g,
            pb_addr   process)
{
  uint32_t ports[16];
  size_t n = pb_link_list_ports (g, process, NULL, 0);
  GString *s = g_string_new ("");

  g_assert_cmpuint (n, <=, G_N_ELEMENTS (ports));
  g_assert_cmpuint (pb_link_list_ports (g, process, ports, G_N_ELEMENTS (ports)), ==, n);
  for (size_t i = 0; i < n; i++)
    g_string_append_printf (s, "%s%u", i ? " " : "", ports[i]);
  return g_string_free (s, FALSE);
}

static void
assert_ports (pb_graph   *g,
              pb_addr     process,
              const char *expected)
{
  char *got = list_ports (g, process);

  g_assert_cmpstr (got, ==, expected);
  g_free (got);
}

static void
test_list_ports (void)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr map = add (g, "map", "expr", "x", NULL);
  pb_addr bc = add (g, "broadcast", NULL);
  pb_addr merge = add (g, "merge", NULL);
  pb_addr c = add (g, "c", "out", "none", "code", "(void) x;", NULL);
  pb_addr sink[3];
  uint32_t one;

  for (size_t i = 0; i < G_N_ELEMENTS (sink); i++)
    sink[i] = add (g, "count", NULL);
  assert_ports (g, map, "0 1");
  assert_ports (g, c, "0");
  /* A range shows its lowest free element... */
  assert_ports (g, bc, "0 1");
  assert_ports (g, merge, "0 1");
  connect_ok (g, port (g, bc, "out[0]"), port (g, sink[0], "in"));
  assert_ports (g, bc, "0 1 2");
  /* ... and every connected one, with the gap a removed link left. */
  connect_ok (g, port (g, bc, "out[2]"), port (g, sink[1], "in"));
  assert_ports (g, bc, "0 1 2 3");
  connect_ok (g, port (g, bc, "out[1]"), port (g, sink[2], "in"));
  assert_ports (g, bc, "0 1 2 3 4");
  /* Of several free elements below a connected one, only the lowest. */
  g_assert_cmpint (pb_graph_disconnect (g, port (g, bc, "out[0]")), ==, PB_OK);
  g_assert_cmpint (pb_graph_disconnect (g, port (g, bc, "out[1]")), ==, PB_OK);
  assert_ports (g, bc, "0 1 3");
  /* Room for fewer: the count is whole, the array filled as far as it goes. */
  g_assert_cmpuint (pb_link_list_ports (g, bc, &one, 1), ==, 3);
  g_assert_cmpuint (one, ==, 0);
  g_assert_cmpuint (pb_link_list_ports (g, pb_addr_make (0, 99, 0), NULL, 0), ==, 0);
  pb_graph_free (g);
}

/*
 * The promise that matters: the engine builds a topology exactly when every
 * link in it passed pb_link_check() as it was made. Random topologies have
 * every port connected (so the engine judges links, not missing ones):
 * processes of kinds whose types interact, with random type parameters,
 * their ports paired at random, mostly output to input and downstream.
 */

typedef struct
{
  const char *kind;
  const char *params[6];
  int         range;    /* ports of its range to use, 0 for none */
} Proto;

static const Proto protos[] = {
  { "seq", { "to", "3", NULL }, 0 },
  { "seq", { "to", "3", "type", "f64", NULL }, 0 },
  { "random", { "count", "3", NULL }, 0 },
  { "map", { "expr", "x", NULL }, 0 },
  { "filter", { "expr", "1", NULL }, 0 },
  { "accumulate", { NULL }, 0 },
  { "window-mean", { NULL }, 0 },
  { "cast", { "to", "f64", NULL }, 0 },
  { "cast", { "to", "i64", NULL }, 0 },
  { "parse", { "to", "f64", NULL }, 0 },
  { "format", { NULL }, 0 },
  { "c", { "in", "f64", "out", "u8", "code", "(void) x;" }, 0 },
  { "c", { "in", "u8", "out", "i64", "code", "(void) x;" }, 0 },
  { "broadcast", { NULL }, 2 },
  { "merge", { NULL }, 2 },
  { "sum", { NULL }, 0 },
  { "count", { NULL }, 0 },
};

typedef enum
{
  OUTCOME_BUILT,
  OUTCOME_DIRECTION,
  OUTCOME_TYPE,
  OUTCOME_CYCLE,
  N_OUTCOMES,
} Outcome;

/* Makes one random topology and compares the checks with the engine.
 * Returns: what the first refused check said, or OUTCOME_BUILT. */
static Outcome
agree_once (GRand *rand)
{
  pb_graph *g = pb_graph_new (0);
  g_autoptr (GArray) outs = g_array_new (FALSE, FALSE, sizeof (pb_addr));
  g_autoptr (GArray) ins = g_array_new (FALSE, FALSE, sizeof (pb_addr));
  int n_procs = g_rand_int_range (rand, 2, 9);
  Outcome outcome = OUTCOME_BUILT;
  pb_engine *engine;
  pb_error err = { PB_OK, "" };
  int rc;

  for (int i = 0; i < n_procs; i++)
    {
      const Proto *proto = &protos[g_rand_int_range (rand, 0, G_N_ELEMENTS (protos))];
      pb_addr addr = 0;
      uint32_t list[8];
      size_t n;

      g_assert_cmpint (pb_graph_add_process (g, 0, proto->kind, &addr), ==, PB_OK);
      for (size_t k = 0; k + 1 < G_N_ELEMENTS (proto->params) && proto->params[k]; k += 2)
        g_assert_cmpint (pb_graph_set_param (g, addr, proto->params[k], proto->params[k + 1]), ==, PB_OK);
      n = pb_link_list_ports (g, addr, list, G_N_ELEMENTS (list));
      for (size_t k = 0; k < n; k++)
        {
          pb_addr p = pb_addr_with_port (addr, list[k]);
          pb_port_info info;

          g_assert_cmpint (pb_link_port_info (g, p, &info), ==, PB_OK);
          g_array_append_val (info.dir == PB_PORT_OUT ? outs : ins, p);
          /* A range shows one free port; add its next elements. */
          if (info.spec->range)
            for (int r = 1; r < proto->range; r++)
              {
                pb_addr next = pb_addr_with_port (p, list[k] + (uint32_t) r);

                g_array_append_val (info.dir == PB_PORT_OUT ? outs : ins, next);
              }
        }
    }

  /* Pair every port: output with input while both remain, now and then two
   * of a kind, and the rest among themselves. */
  while (outs->len + ins->len >= 2)
    {
      bool same = outs->len == 0 || ins->len == 0 || g_rand_int_range (rand, 0, 40) == 0;
      GArray *first = same ? (outs->len >= 2 ? outs : ins) : outs;
      GArray *second = same ? first : ins;
      guint i = g_rand_int_range (rand, 0, first->len);
      pb_addr a = g_array_index (first, pb_addr, i), b;
      pb_error why = { PB_OK, "" };

      g_array_remove_index_fast (first, i);
      if (second->len == 0)
        break; /* one port left over: it stays unconnected */
      i = g_rand_int_range (rand, 0, second->len);
      /* Mostly downstream, to a later process, so that not every
       * topology has a cycle. */
      if (!same && g_rand_int_range (rand, 0, 8) != 0)
        for (guint k = 0; k < second->len; k++)
          if (pb_addr_process_of (g_array_index (second, pb_addr, k)) > pb_addr_process_of (a))
            {
              i = k;
              break;
            }
      b = g_array_index (second, pb_addr, i);
      g_array_remove_index_fast (second, i);

      rc = pb_link_check (g, a, b, &why);
      if (rc != PB_OK && outcome == OUTCOME_BUILT)
        {
          g_assert_true (rc == PB_EDIRECTION || rc == PB_ETYPE || rc == PB_ECYCLE);
          outcome = rc == PB_EDIRECTION ? OUTCOME_DIRECTION
                    : rc == PB_ETYPE ? OUTCOME_TYPE : OUTCOME_CYCLE;
        }
      g_assert_cmpint (pb_graph_connect (g, a, b), ==, PB_OK);
    }

  engine = pb_engine_new (g);
  g_assert_nonnull (engine);
  rc = pb_engine_build (engine, &err);
  if (rc == PB_ENOTCONN)
    outcome = N_OUTCOMES; /* a port was left over: nothing to compare */
  else if (outcome == OUTCOME_BUILT)
    {
      /* Compiling or starting may still fail: that is not the topology. */
      if (rc != PB_OK && rc != PB_ECOMPILE && rc != PB_EFAILED)
        g_test_message ("all links checked, yet the engine says: %s", err.message);
      g_assert_true (rc == PB_OK || rc == PB_ECOMPILE || rc == PB_EFAILED);
    }
  else
    {
      if (!(rc == PB_EDIRECTION || rc == PB_ETYPE || rc == PB_ECYCLE))
        g_test_message ("a link was refused (outcome %d), yet the engine says %d: %s",
                        outcome, rc, err.message);
      g_assert_true (rc == PB_EDIRECTION || rc == PB_ETYPE || rc == PB_ECYCLE);
    }
  pb_engine_free (engine);
  pb_graph_free (g);
  return outcome;
}

static void
test_agrees_with_engine (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20260501);
  unsigned seen[N_OUTCOMES + 1] = { 0 };

  for (int i = 0; i < 4000; i++)
    seen[agree_once (rand)]++;
  g_test_message ("built %u, direction %u, type %u, cycle %u, incomplete %u",
                  seen[OUTCOME_BUILT], seen[OUTCOME_DIRECTION], seen[OUTCOME_TYPE],
                  seen[OUTCOME_CYCLE], seen[N_OUTCOMES]);
  /* Each verdict must have been put to the test, or the loop proves little. */
  for (int o = 0; o < N_OUTCOMES; o++)
    g_assert_cmpuint (seen[o], >=, 50);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Pushback/Link/ok", test_ok);
  g_test_add_func ("/Pushback/Link/enoent", test_enoent);
  g_test_add_func ("/Pushback/Link/direction", test_direction);
  g_test_add_func ("/Pushback/Link/busy", test_busy);
  g_test_add_func ("/Pushback/Link/host", test_host);
  g_test_add_func ("/Pushback/Link/type-fixed", test_type_fixed);
  g_test_add_func ("/Pushback/Link/type-param", test_type_param);
  g_test_add_func ("/Pushback/Link/type-inferred", test_type_inferred);
  g_test_add_func ("/Pushback/Link/cycle", test_cycle);
  g_test_add_func ("/Pushback/Link/port-info", test_port_info);
  g_test_add_func ("/Pushback/Link/list-ports", test_list_ports);
  g_test_add_func ("/Pushback/Link/agrees-with-engine", test_agrees_with_engine);

  return g_test_run ();
}
