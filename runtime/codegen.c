/* codegen.c — one C function per chain, process bodies pasted in
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain-abi.h"
#include "codegen.h"
#include "strbuf.h"

/*
 * libtcc does not inline, so a chain of stages called one by one pays a
 * call per item per stage. Instead each stage's body is pasted where the
 * stage before it emits an item: the chain becomes one loop over its input
 * with every stage nested inside, the way a person would write it by hand.
 *
 * The prelude declares what templates and user code may use, without
 * system headers: parsing <stdio.h> and <math.h> would cost more than
 * compiling a whole chain.
 */
static const char prelude[] =
  "typedef signed char int8_t; typedef unsigned char uint8_t;\n"
  "typedef short int16_t; typedef unsigned short uint16_t;\n"
  "typedef int int32_t; typedef unsigned int uint32_t;\n"
  "typedef long long int64_t; typedef unsigned long long uint64_t;\n"
  "typedef unsigned long size_t; typedef long ssize_t;\n"
  "#define NULL ((void *) 0)\n"
  "#define INT64_MAX 0x7fffffffffffffffLL\n"
  "#define INT64_MIN (-INT64_MAX - 1)\n"
  "#define UINT64_MAX 0xffffffffffffffffULL\n"
  "#define EINTR 4\n"
  "#define EAGAIN 11\n"
  "typedef struct _IO_FILE FILE;\n"
  "extern FILE *stdout; extern FILE *stderr;\n"
  "int printf (const char *, ...); int fprintf (FILE *, const char *, ...);\n"
  "int snprintf (char *, size_t, const char *, ...);\n"
  "int putchar_unlocked (int); int putc_unlocked (int, FILE *);\n"
  "int fputs (const char *, FILE *); size_t fwrite (const void *, size_t, size_t, FILE *);\n"
  "int fflush (FILE *); int ferror (FILE *);\n"
  "FILE *fopen (const char *, const char *); int fclose (FILE *);\n"
  "int open (const char *, int, ...); ssize_t read (int, void *, size_t);\n"
  "ssize_t write (int, const void *, size_t); int close (int);\n"
  "long lseek (int, long, int); int ftruncate (int, long);\n"
  "int *__errno_location (void);\n"
  "#define errno (*__errno_location ())\n"
  "char *strerror (int);\n"
  "void *memcpy (void *, const void *, size_t); void *memset (void *, int, size_t);\n"
  "size_t strlen (const char *); int strcmp (const char *, const char *);\n"
  "long long strtoll (const char *, char **, int); double strtod (const char *, char **);\n"
  "void *malloc (size_t); void *calloc (size_t, size_t); void free (void *);\n"
  "int abs (int); long long llabs (long long);\n"
  "double sqrt (double); double exp (double); double log (double);\n"
  "double log2 (double); double log10 (double); double pow (double, double);\n"
  "double sin (double); double cos (double); double tan (double);\n"
  "double asin (double); double acos (double); double atan (double);\n"
  "double atan2 (double, double); double hypot (double, double);\n"
  "double fabs (double); double floor (double); double ceil (double);\n"
  "double round (double); double trunc (double); double fmod (double, double);\n"
  "double fmin (double, double); double fmax (double, double);\n"
  "struct pollfd { int fd; short events; short revents; };\n"
  "int poll (struct pollfd *, unsigned long, int);\n"
  PB_CHAIN_ABI_TEXT "\n"
  "#define PB_FORMAT_MAX 32\n"
  "#define PB_TYPE_i64 1\n#define PB_TYPE_f64 2\n#define PB_TYPE_u8 3\n"
  "#define PB_ADD_i64(a, b) ((int64_t) ((uint64_t) (a) + (uint64_t) (b)))\n"
  "#define PB_ADD_f64(a, b) ((a) + (b))\n"
  "#define PB_ADD_u8(a, b) ((uint8_t) ((a) + (b)))\n"
  "static int pb_write_all (int fd, const uint8_t *p, int64_t n) { while (n > 0) {\n"
  "  ssize_t w = write (fd, p, (size_t) n); if (w < 0) { if (errno == EINTR) continue; return -1; }\n"
  "  p += w; n -= w; } return 0; }\n"
  "static int pb_fmt_i64 (char *b, int64_t v) { return snprintf (b, PB_FORMAT_MAX, \"%lld\", (long long) v); }\n"
  /* The shortest of %.15g and %.17g that reads back as the same double. */
  "static int pb_fmt_f64 (char *b, double v) { int n = snprintf (b, PB_FORMAT_MAX, \"%.15g\", v);\n"
  "  if (strtod (b, NULL) != v) n = snprintf (b, PB_FORMAT_MAX, \"%.17g\", v); return n; }\n"
  "static int pb_fmt_u8 (char *b, uint8_t v) { return snprintf (b, PB_FORMAT_MAX, \"%u\", (unsigned) v); }\n"
  "static void pb_print_i64 (int64_t v) { printf (\"%lld\\n\", (long long) v); }\n"
  "static void pb_print_f64 (double v) { char b[PB_FORMAT_MAX]; pb_fmt_f64 (b, v); printf (\"%s\\n\", b); }\n"
  "static void pb_print_u8 (uint8_t v) { putchar_unlocked (v); }\n"
  /* 1: a number; 0: a blank line; -1: not a number. */
  "static int pb_parse_text (const char *t, int len, char *buf) {\n"
  "  int a = 0, z = len; if (len >= 80) return -1;\n"
  "  while (a < z && (t[a] == ' ' || t[a] == '\\t' || t[a] == '\\r')) a++;\n"
  "  while (z > a && (t[z - 1] == ' ' || t[z - 1] == '\\t' || t[z - 1] == '\\r')) z--;\n"
  "  memcpy (buf, t + a, z - a); buf[z - a] = 0; return z > a; }\n"
  "static int pb_parse_i64 (const char *t, int len, int64_t *out) { char b[80], *e; int r = pb_parse_text (t, len, b);\n"
  "  if (r <= 0) return r; errno = 0; *out = strtoll (b, &e, 10); return *e || errno ? -1 : 1; }\n"
  "static int pb_parse_f64 (const char *t, int len, double *out) { char b[80], *e; int r = pb_parse_text (t, len, b);\n"
  "  if (r <= 0) return r; *out = strtod (b, &e); return *e ? -1 : 1; }\n"
  /* splitmix64: small state, good enough for test data. */
  "static double pb_uniform (uint64_t *s) { uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);\n"
  "  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL; z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;\n"
  "  return (double) ((z ^ (z >> 31)) >> 11) * (1.0 / 9007199254740992.0); }\n"
  "static uint64_t pb_seq_length_i64 (int64_t from, int64_t to, int64_t step) { uint64_t d, s, n;\n"
  "  if (step > 0 ? from > to : from < to) return 0;\n"
  "  d = step > 0 ? (uint64_t) to - (uint64_t) from : (uint64_t) from - (uint64_t) to;\n"
  "  s = step > 0 ? (uint64_t) step : (uint64_t) 0 - (uint64_t) step; n = d / s;\n"
  "  return n >= UINT64_MAX - 1 ? UINT64_MAX - 1 : n + 1; }\n"
  "static uint64_t pb_seq_length_f64 (double from, double to, double step) { double n = floor ((to - from) / step);\n"
  "  if (n < 0) return 0; if (!(n < 1.8e19)) return UINT64_MAX; return (uint64_t) n + 1; }\n"
  "static int pb_readable (int fd) { struct pollfd p; p.fd = fd; p.events = 1; p.revents = 0; return poll (&p, 1, 0) > 0; }\n"
  /* A mark of a profiled call ends the current stage's interval and
   * starts stage k's; the interval and the mark count pb_tk_w times, and
   * not at all outside what is timed. A macro, since tcc would not inline
   * a function. */
  "#define PB_MARK(k) { uint32_t pb_lo, pb_hi; uint64_t pb_t; __asm__ __volatile__ (\"rdtsc\" : \"=a\" (pb_lo), \"=d\" (pb_hi));\\\n"
  "  pb_t = ((uint64_t) pb_hi << 32) | pb_lo; pb_io->ticks[pb_tk_cur] += (pb_t - pb_tk_last) * pb_tk_w;\\\n"
  "  pb_io->marks[pb_tk_cur] += pb_tk_w; pb_tk_last = pb_t; pb_tk_cur = (k); }\n"
  /* Starts timing, for w each: the mark that starts it counts nothing. */
  "#define PB_TIME(w) { pb_tk_w = 0; PB_MARK (0) pb_tk_w = (w); }\n"
  /* Samples an item, and draws the items to the next sampled one: 1 to
   * 2 * PB_SAMPLE_GAP, by xorshift. */
  "#define PB_SAMPLE { pb_rng ^= pb_rng << 13; pb_rng ^= pb_rng >> 7; pb_rng ^= pb_rng << 17;\\\n"
  "  pb_gap = 1 + (int64_t) ((pb_rng >> 32) & (2 * PB_SAMPLE_GAP - 1)); PB_TIME (PB_SAMPLE_GAP) }\n";

typedef enum
{
  CTX_RUN,   /* inside pb_run: $FAIL jumps to the failure exit */
  CTX_INIT,  /* inside pb_init_K: $FAIL returns -1 */
  CTX_PLAIN, /* state, fini, report: no control flow */
} context;

typedef struct
{
  const pb_codegen_chain *chain;
  pb_codegen_layout      *layout;
  pb_error               *err;
  int                     status;
  bool                    profile;
  bool                   *has_stop;
  /* While chain_bodies() writes a stage's body into @body: where the next
   * stage's body goes in it, and the name of the item that one takes. */
  pb_strbuf              *body;
  bool                    has_next;
  size_t                  next_at;
  char                    next_x[32];
} gen;

static void chain_bodies (gen        *g,
                          pb_strbuf  *b,
                          size_t      k,
                          const char *xname);

static int
fail (gen        *g,
      int         code,
      const char *message,
      const char *detail)
{
  if (g->status == PB_OK)
    g->status = pb_error_set (g->err, code, "%s%s", message, detail);
  return g->status;
}

const char *
pb_codegen_ctype (pb_item_type type)
{
  switch (type)
    {
    case PB_ITEM_F64: return "double";
    case PB_ITEM_U8:  return "uint8_t";
    case PB_ITEM_I64:
    case PB_ITEM_NONE:
    default:          return "int64_t";
    }
}

static const char *
short_name (pb_item_type type)
{
  return type == PB_ITEM_NONE ? "i64" : pb_item_type_name (type);
}

static int
param_index (const pb_kind *kind,
             const char    *name,
             size_t         len)
{
  for (size_t i = 0; i < kind->n_params; i++)
    if (strlen (kind->params[i].name) == len && strncmp (kind->params[i].name, name, len) == 0)
      return (int) i;
  return -1;
}

static void
append_c_string (pb_strbuf  *b,
                 const char *s)
{
  pb_strbuf_append (b, "\"");
  for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        pb_strbuf_printf (b, "\\%c", *p);
      else if (*p < 0x20 || *p >= 0x7f)
        pb_strbuf_printf (b, "\\%03o", *p);
      else
        pb_strbuf_append_n (b, (const char *) p, 1);
    }
  pb_strbuf_append (b, "\"");
}

/* An integer as a C literal of type int64_t. INT64_MIN has none: its
 * digits alone do not fit, so it is written as an expression. */
static void
append_int64 (pb_strbuf *b,
              int64_t    v)
{
  if (v == INT64_MIN)
    pb_strbuf_append (b, "((int64_t) (-0x7fffffffffffffffLL - 1))");
  else
    pb_strbuf_printf (b, "((int64_t) %lldLL)", (long long) v);
}

/* A parameter value as a C literal. The engine has checked the value
 * against its spec, so it parses here. Numbers are written from their
 * parsed value rather than pasted as the user wrote them: "010" is ten to
 * the user and eight to C, "0x1.8" is no C literal, and
 * -9223372036854775808 overflows as C reads it. */
static void
append_literal (gen                 *g,
                pb_strbuf           *b,
                const pb_param_spec *spec,
                const char          *value)
{
  int64_t whole = 0;

  switch (spec->type)
    {
    case PB_PARAM_INT:
      pb_kind_parse_int (value, &whole);
      append_int64 (b, whole);
      break;
    case PB_PARAM_FLOAT:
      /* A whole number stays exact as an integer (doubles have only 53
       * bits); any other is written so that it reads back the same. */
      if (pb_kind_parse_int (value, &whole))
        append_int64 (b, whole);
      else
        pb_strbuf_printf (b, "(%.17g)", strtod (value, NULL));
      break;
    case PB_PARAM_CHOICE:
      pb_strbuf_printf (b, "%d", pb_kind_choice_index (spec, value));
      break;
    case PB_PARAM_STRING:
    case PB_PARAM_EXPR:
    case PB_PARAM_CODE:
    default:
      append_c_string (b, value);
      break;
    }
}

/* An unclosed parenthesis or quote in user text would swallow the code
 * after it, and the compiler would blame the generated text; catch it here
 * and name the user's line instead. Returns: 0, or the line at fault. */
static size_t
unbalanced_line (const char *text,
                 char       *what)
{
  char stack[64];
  size_t lines[64];
  size_t depth = 0;
  size_t line = 1;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n')
        line++;
      else if (p[0] == '/' && p[1] == '/')
        {
          while (p[1] != '\0' && p[1] != '\n')
            p++;
        }
      else if (p[0] == '/' && p[1] == '*')
        {
          const char *end = strstr (p + 2, "*/");

          if (end == NULL)
            return *what = '/', line;
          for (; p < end + 1; p++)
            line += *p == '\n';
        }
      else if (*p == '"' || *p == '\'')
        {
          char quote = *p;
          size_t at = line;

          for (p++; *p != '\0' && *p != quote && *p != '\n'; p++)
            if (*p == '\\' && p[1] != '\0')
              p++;
          if (*p != quote)
            return *what = quote, at;
        }
      else if (*p == '(' || *p == '[' || *p == '{')
        {
          if (depth == sizeof stack)
            return *what = *p, line;
          stack[depth] = *p;
          lines[depth++] = line;
        }
      else if (*p == ')' || *p == ']' || *p == '}')
        {
          char want = *p == ')' ? '(' : *p == ']' ? '[' : '{';

          if (depth == 0 || stack[depth - 1] != want)
            return *what = *p, line;
          depth--;
        }
    }
  if (depth > 0)
    return *what = stack[depth - 1], lines[depth - 1];
  return 0;
}

typedef enum
{
  USER_EXPRESSION,   /* a C expression, wrapped in parentheses */
  USER_STATEMENTS,   /* statements, wrapped in a block */
  USER_DECLARATIONS, /* struct fields: no wrapper is possible */
} user_text;

/* Pastes user text so that a compile error in it reads "map0.expr:LINE",
 * then returns the line numbering to the generated text. tcc reports an
 * error where its lexer is, one token past the culprit, so the wrapper's
 * two closing tokens stay on the user's last line (unless a // comment
 * ends that line): the lexer is still in the user's text when it stops. */
static void
append_user_text (gen        *g,
                  pb_strbuf  *b,
                  size_t      k,
                  const char *param,
                  const char *text,
                  const char *xname,
                  user_text   what)
{
  const pb_codegen_stage *stage = &g->chain->stages[k];
  const char *last_line = strrchr (text, '\n');
  bool comment_ends = strstr (last_line ? last_line : text, "//") != NULL;
  static const char *const open[] = { "((", "{ ", "" };
  static const char *const close[] = { "))", " ; }", " ;" };
  char culprit = 0;
  size_t bad = unbalanced_line (text, &culprit);

  if (bad != 0)
    {
      char where[160];

      snprintf (where, sizeof where, "%s.%s:%zu: error: %s '%c'", stage->name, param, bad,
                culprit == '/' ? "unterminated comment after" :
                culprit == '"' || culprit == '\'' ? "unterminated quote" : "unbalanced",
                culprit);
      fail (g, PB_ECOMPILE, where, "");
      return;
    }

  pb_strbuf_append (b, "\n");
  if (xname != NULL)
    pb_strbuf_printf (b, "#define x %s\n", xname);
  pb_strbuf_printf (b, "#define s pb_s%zu\n", k);
  pb_strbuf_printf (b, "#line 1 \"%s.%s\"\n", stage->name, param);
  pb_strbuf_append (b, open[what]);
  pb_strbuf_append (b, text);
  if (comment_ends)
    pb_strbuf_append (b, "\n");
  pb_strbuf_append (b, close[what]);
  pb_strbuf_append (b, "\n#undef s\n");
  if (xname != NULL)
    pb_strbuf_append (b, "#undef x\n");
  pb_strbuf_printf (b, "#line %zu \"%s\"\n", b->line + 1, g->chain->unit_name);
}

/* Reads the string literals that begin @text (@len bytes) into @out as
 * the string they make, joined as C joins adjacent ones, and unescaped
 * (a template writes only \" and \\). Returns: the bytes they took, 0
 * when @text does not begin with one. */
static size_t
read_literals (const char *text,
               size_t      len,
               pb_strbuf  *out)
{
  size_t i = 0, taken = 0;

  for (;;)
    {
      while (i < len && isspace ((unsigned char) text[i]))
        i++;
      if (i == len || text[i] != '"')
        return taken;
      for (i++; i < len && text[i] != '"'; i++)
        {
          if (text[i] == '\\' && i + 1 < len)
            i++;
          pb_strbuf_append_n (out, text + i, 1);
        }
      if (i == len)
        return 0;
      taken = ++i;
    }
}

/* Finds the text between the parenthesis at *p and its match, skipping
 * string and character literals. */
static bool
take_parens (const char **p,
             const char **start,
             size_t      *len)
{
  const char *q = *p;
  int depth = 0;

  while (*q == ' ')
    q++;
  if (*q != '(')
    return false;
  *start = q + 1;
  for (; *q != '\0'; q++)
    {
      if (*q == '"' || *q == '\'')
        {
          char quote = *q;

          for (q++; *q != '\0' && *q != quote; q++)
            if (*q == '\\' && q[1] != '\0')
              q++;
          if (*q == '\0')
            return false;
          continue;
        }
      if (*q == '(')
        depth++;
      else if (*q == ')' && --depth == 0)
        {
          *len = (size_t) (q - *start);
          *p = q + 1;
          return true;
        }
    }
  return false;
}

static bool
take_braces (const char **p,
             const char **name,
             size_t      *len)
{
  const char *q = *p;
  const char *end;

  if (*q != '{')
    return false;
  end = strchr (q, '}');
  if (end == NULL)
    return false;
  *name = q + 1;
  *len = (size_t) (end - q - 1);
  *p = end + 1;
  return true;
}

static void expand (gen        *g,
                    pb_strbuf  *b,
                    size_t      k,
                    const char *tmpl,
                    size_t      tmpl_len,
                    const char *xname,
                    context     ctx);

static void
expand_to_string (gen        *g,
                  pb_strbuf  *out,
                  size_t      k,
                  const char *tmpl,
                  size_t      len,
                  const char *xname,
                  context     ctx)
{
  pb_strbuf_init (out);
  expand (g, out, k, tmpl, len, xname, ctx);
}

/* With a probe on stage @k's output: stores @value, the name of an item
 * leaving it (evaluated once, before), in the probe's words: the count
 * first, then the item in its place in a ring of PB_PROBE_VALUES. */
static void
probe_tap (gen        *g,
           pb_strbuf  *b,
           size_t      k,
           const char *value)
{
  int slot = g->layout->probe_slot[k];

  if (slot < 0)
    return;
  pb_strbuf_printf (b, "{ uint64_t *pb_pr = pb_io->probes + %zu; "
                    "*(%s *) (pb_pr + 1 + (pb_pr[0]++ & %d)) = %s; }\n",
                    (size_t) slot * PB_PROBE_STRIDE,
                    pb_codegen_ctype (g->chain->stages[k].out_type),
                    PB_PROBE_VALUES - 1, value);
}

/* Where stage @k's body goes, taking the item named @xname: inside a
 * stage's body, only marked, for chain_bodies() to paste; inside a finish,
 * which no body holds, written here. */
static void
next_stage (gen        *g,
            pb_strbuf  *b,
            size_t      k,
            const char *xname)
{
  if (b != g->body)
    {
      chain_bodies (g, b, k, xname);
      return;
    }
  if (g->has_next)
    {
      fail (g, PB_EINVAL, "more than one $EMIT in the body of ", g->chain->stages[k - 1].kind->name);
      return;
    }
  g->has_next = true;
  g->next_at = b->len;
  snprintf (g->next_x, sizeof g->next_x, "%s", xname);
}

/* What $EMIT (value) at stage k becomes: the next stage's body, or a write
 * to the output ring at the end of the chain. */
static void
continuation (gen        *g,
              pb_strbuf  *b,
              size_t      k,
              const char *value,
              const char *xname)
{
  const pb_codegen_chain *chain = g->chain;
  const pb_codegen_stage *stage = &chain->stages[k];
  int point = g->layout->out_point[k];
  bool counted = point > 0 && point != g->layout->in_point[k];

  pb_strbuf_append (b, "{ ");
  if (counted)
    pb_strbuf_printf (b, "pb_c%d++; ", point);
  if (k + 1 == chain->n_stages)
    {
      if (chain->n_outputs == 1 && g->layout->probe_slot[k] >= 0)
        {
          char probed[32];

          /* Named for the stage: a template may have a pb_v of its own. */
          snprintf (probed, sizeof probed, "pb_probed%zu", k);
          pb_strbuf_printf (b, "%s %s = (%s) (%s);\n", pb_codegen_ctype (stage->out_type),
                            probed, pb_codegen_ctype (stage->out_type), value);
          probe_tap (g, b, k, probed);
          pb_strbuf_printf (b, "pb_o0[pb_w0++ & pb_m0] = %s;", probed);
        }
      else if (chain->n_outputs == 1)
        pb_strbuf_printf (b, "pb_o0[pb_w0++ & pb_m0] = (%s) (%s);",
                          pb_codegen_ctype (stage->out_type), value);
      pb_strbuf_append (b, " }\n");
      return;
    }

  if (xname != NULL && strcmp (value, xname) == 0
      && stage->out_type == stage->in_type)
    {
      /* Passing the item on unchanged needs no copy. */
      pb_strbuf_append (b, "\n");
      probe_tap (g, b, k, xname);
      next_stage (g, b, k + 1, xname);
    }
  else
    {
      char next[32];

      snprintf (next, sizeof next, "x%zu", k + 1);
      pb_strbuf_printf (b, "%s %s = (%s) (%s);\n",
                        pb_codegen_ctype (stage->out_type), next,
                        pb_codegen_ctype (stage->out_type), value);
      probe_tap (g, b, k, next);
      next_stage (g, b, k + 1, next);
    }
  pb_strbuf_append (b, "}\n");
  if (g->profile)
    pb_strbuf_printf (b, "PB_MARK (%zu)\n", k);
}

/* The body of the c kind: user statements that call emit (v) any number of
 * times up to max-emit; the items are collected, then passed on in one
 * place, so the rest of the chain is pasted only once. */
static void
user_block (gen        *g,
            pb_strbuf  *b,
            size_t      k,
            const char *param,
            const char *xname)
{
  const pb_codegen_stage *stage = &g->chain->stages[k];
  const pb_kind *kind = stage->kind;
  int code = param_index (kind, param, strlen (param));
  int max = param_index (kind, "max-emit", 8);
  const char *text = code >= 0 ? stage->params[code] : "";
  long n_max = max >= 0 ? strtol (stage->params[max], NULL, 10) : 1;
  bool emits = stage->out_type != PB_ITEM_NONE;
  const char *u = pb_codegen_ctype (stage->out_type);

  if (text[0] == '\0')
    return;
  pb_strbuf_append (b, "{\n");
  if (emits)
    {
      pb_strbuf_printf (b, "%s pb_e%zu[%ld]; int pb_ne%zu = 0;\n", u, k, n_max + 1, k);
      pb_strbuf_printf (b, "#define emit(v) do { if (pb_ne%zu >= %ld) "
                        "{ snprintf (pb_err, pb_errn, \"emitted more than max-emit=%ld items at once\"); "
                        "pb_io->failed = %zu; goto pb_fail; } pb_e%zu[pb_ne%zu++] = (%s) (v); } while (0)\n",
                        k, n_max, n_max, k, k, k, u);
    }
  else
    pb_strbuf_printf (b, "#define emit(v) do { snprintf (pb_err, pb_errn, "
                      "\"emit () needs an output type: set out=i64, f64 or u8\"); "
                      "pb_io->failed = %zu; goto pb_fail; } while (0)\n", k);
  append_user_text (g, b, k, param, text, xname, USER_STATEMENTS);
  pb_strbuf_append (b, "#undef emit\n");
  if (emits)
    {
      char value[48];

      snprintf (value, sizeof value, "pb_e%zu[pb_j%zu]", k, k);
      pb_strbuf_printf (b, "for (int pb_j%zu = 0; pb_j%zu < pb_ne%zu; pb_j%zu++)\n", k, k, k, k);
      continuation (g, b, k, value, NULL);
    }
  pb_strbuf_append (b, "}\n");
}

static void
expand (gen        *g,
        pb_strbuf  *b,
        size_t      k,
        const char *tmpl,
        size_t      tmpl_len,
        const char *xname,
        context     ctx)
{
  const pb_codegen_stage *stage = &g->chain->stages[k];
  const pb_kind *kind = stage->kind;
  const char *p = tmpl;
  const char *end = tmpl + tmpl_len;

  while (p < end && g->status == PB_OK)
    {
      const char *dollar = memchr (p, '$', (size_t) (end - p));
      const char *name;
      size_t len;
      int i;

      if (dollar == NULL)
        {
          pb_strbuf_append_n (b, p, (size_t) (end - p));
          break;
        }
      pb_strbuf_append_n (b, p, (size_t) (dollar - p));
      p = dollar + 1;

#define WORD(w) (strncmp (p, w, strlen (w)) == 0 && (p += strlen (w), true))
      if (WORD ("EMIT"))
        {
          pb_strbuf arg;
          char *value;

          if (!take_parens (&p, &name, &len))
            {
              fail (g, PB_EINVAL, "bad $EMIT in the template of ", kind->name);
              return;
            }
          expand_to_string (g, &arg, k, name, len, xname, ctx);
          value = pb_strbuf_steal (&arg);
          if (value == NULL)
            {
              fail (g, PB_ENOMEM, "out of memory", "");
              return;
            }
          continuation (g, b, k, value, xname);
          free (value);
        }
      else if (WORD ("FAIL"))
        {
          pb_strbuf format;
          size_t taken;

          if (!take_parens (&p, &name, &len))
            {
              fail (g, PB_EINVAL, "bad $FAIL in the template of ", kind->name);
              return;
            }
          /* Its format, in the person's language: one the catalogue
           * knows (kinds.c), or the template is refused. */
          pb_strbuf_init (&format);
          taken = read_literals (name, len, &format);
          if (taken == 0 || pb_strbuf_failed (&format) || !pb__kind_failure_known (format.data))
            {
              pb_strbuf_clear (&format);
              fail (g, PB_EINVAL, "a $FAIL format the catalogue lacks, in the template of ",
                    kind->name);
              return;
            }
          pb_strbuf_append (b, "{ snprintf (pb_err, pb_errn, ");
          append_c_string (b, pb_text (format.data));
          pb_strbuf_clear (&format);
          expand (g, b, k, name + taken, len - taken, xname, ctx);
          if (ctx == CTX_INIT)
            pb_strbuf_append (b, "); return -1; }");
          else
            pb_strbuf_printf (b, "); pb_io->failed = %zu; goto pb_fail; }", k);
        }
      else if (WORD ("STOP"))
        {
          g->has_stop[k] = true;
          pb_strbuf_printf (b, "goto pb_stop_%zu", k);
        }
      else if (WORD ("USER"))
        {
          char param[32];

          if (!take_braces (&p, &name, &len) || len >= sizeof param)
            {
              fail (g, PB_EINVAL, "bad $USER in the template of ", kind->name);
              return;
            }
          memcpy (param, name, len);
          param[len] = '\0';
          user_block (g, b, k, param, xname);
        }
      else if (WORD ("room"))
        pb_strbuf_append (b, "pb_io->room");
      else if (WORD ("avail"))
        pb_strbuf_append (b, "pb_avail");
      else if (WORD ("now"))
        pb_strbuf_append (b, "pb_io->now_ns");
      else if (WORD ("wake"))
        pb_strbuf_append (b, "pb_io->wake_ns");
      else if (WORD ("wait"))
        pb_strbuf_append (b, "pb_io->wait_fd");
      else if (WORD ("consumed"))
        pb_strbuf_append (b, "pb_i");
      else if (*p == 'p' || *p == 'e' || *p == 'c')
        {
          char which = *p++;

          if (!take_braces (&p, &name, &len) || (i = param_index (kind, name, len)) < 0)
            {
              fail (g, PB_EINVAL, "bad parameter reference in the template of ", kind->name);
              return;
            }
          if (which == 'p')
            append_literal (g, b, &kind->params[i], stage->params[i]);
          else
            append_user_text (g, b, k, kind->params[i].name, stage->params[i],
                              which == 'e' ? xname : NULL,
                              which == 'e' ? USER_EXPRESSION
                              : ctx == CTX_PLAIN ? USER_DECLARATIONS : USER_STATEMENTS);
        }
      else if (*p == 'x')
        {
          p++;
          pb_strbuf_append (b, xname != NULL ? xname : "0");
        }
      else if (*p == 's')
        {
          p++;
          if (ctx != CTX_RUN || !kind->cached_state)
            pb_strbuf_printf (b, "pb_s%zu", k);
          else if (strncmp (p, "->", 2) == 0)
            {
              p += 2;
              pb_strbuf_printf (b, "pb_ls%zu.", k);
            }
          else
            pb_strbuf_printf (b, "(&pb_ls%zu)", k);
        }
      else if (*p == 'T')
        {
          p++;
          pb_strbuf_append (b, pb_codegen_ctype (stage->in_type));
        }
      else if (*p == 'U')
        {
          p++;
          pb_strbuf_append (b, pb_codegen_ctype (stage->out_type));
        }
      else if (*p == 't')
        {
          p++;
          pb_strbuf_append (b, short_name (stage->in_type));
        }
      else if (*p == 'u')
        {
          p++;
          pb_strbuf_append (b, short_name (stage->out_type));
        }
      else
        {
          fail (g, PB_EINVAL, "unknown placeholder in the template of ", kind->name);
          return;
        }
#undef WORD
    }
}

/* Fan-out has no template: its body writes the item to its branches. */
static void
fanout_body (gen        *g,
             pb_strbuf  *b,
             size_t      k,
             const char *xname)
{
  const pb_codegen_chain *chain = g->chain;
  bool round_robin = strcmp (chain->stages[k].kind->name, "round-robin") == 0;

  probe_tap (g, b, k, xname);
  if (round_robin)
    {
      pb_strbuf_printf (b, "switch (pb_s%zu->next) {\n", k);
      for (size_t j = 0; j < chain->n_outputs; j++)
        pb_strbuf_printf (b, "case %zu: pb_o%zu[pb_w%zu++ & pb_m%zu] = %s; break;\n",
                          j, j, j, j, xname);
      pb_strbuf_printf (b, "}\nif (++pb_s%zu->next == %zu) pb_s%zu->next = 0;\n",
                        k, chain->n_outputs, k);
    }
  else
    for (size_t j = 0; j < chain->n_outputs; j++)
      pb_strbuf_printf (b, "pb_o%zu[pb_w%zu++ & pb_m%zu] = %s;\n", j, j, j, xname);
}

static void
stage_body (gen        *g,
            pb_strbuf  *b,
            size_t      k,
            const char *xname)
{
  const pb_kind *kind = g->chain->stages[k].kind;

  pb_strbuf_append (b, "{\n");
  if (g->profile && k > 0)
    pb_strbuf_printf (b, "PB_MARK (%zu)\n", k);
  if (kind->shape == PB_SHAPE_FANOUT)
    fanout_body (g, b, k, xname);
  else if (kind->body != NULL)
    expand (g, b, k, kind->body, strlen (kind->body), xname, CTX_RUN);
  pb_strbuf_append (b, "}\n");
}

/* Appends @n bytes of @text, written apart from @b, numbering again each
 * directive that returns to the unit's own lines after user text: @text
 * did not know on which line of @b it would start. */
static void
append_renumbered (gen        *g,
                   pb_strbuf  *b,
                   const char *text,
                   size_t      n)
{
  const char *unit = g->chain->unit_name;
  size_t unit_len = strlen (unit);
  const char *end = text + n;

  for (const char *p = text, *stop; p < end; p = stop)
    {
      const char *nl = memchr (p, '\n', (size_t) (end - p));
      const char *q = p + 6;

      stop = nl != NULL ? nl + 1 : end;
      if ((p != text || b->len == 0 || b->data[b->len - 1] == '\n')
          && (size_t) (stop - p) > 6 && strncmp (p, "#line ", 6) == 0)
        {
          while (q < stop && *q >= '0' && *q <= '9')
            q++;
          if (q > p + 6 && (size_t) (stop - q) == unit_len + 4 && strncmp (q, " \"", 2) == 0
              && memcmp (q + 2, unit, unit_len) == 0 && strncmp (q + 2 + unit_len, "\"\n", 2) == 0)
            {
              pb_strbuf_printf (b, "#line %zu \"%s\"\n", b->line + 1, unit);
              continue;
            }
        }
      pb_strbuf_append_n (b, p, (size_t) (stop - p));
    }
}

/*
 * Writes the bodies of stages @k to the end of the chain, the item named
 * @xname entering stage @k: each nests inside the one before, where its
 * $EMIT is. Each body is written apart and cut there; the first parts are
 * joined in order, then the second parts in reverse. A loop rather than a
 * call per stage, so that a long chain cannot exhaust the stack.
 */
static void
chain_bodies (gen        *g,
              pb_strbuf  *b,
              size_t      k,
              const char *xname)
{
  size_t n = g->chain->n_stages - k, depth = 0;
  pb_strbuf *bodies = calloc (n, sizeof *bodies);
  size_t *cuts = calloc (n, sizeof *cuts);
  pb_strbuf *outer = g->body;
  char name[sizeof g->next_x];

  if (bodies == NULL || cuts == NULL)
    {
      free (bodies);
      free (cuts);
      fail (g, PB_ENOMEM, "out of memory", "");
      return;
    }
  for (size_t j = k; j < g->chain->n_stages && g->status == PB_OK; j++)
    {
      pb_strbuf *t = &bodies[depth++];

      pb_strbuf_init (t);
      g->body = t;
      g->has_next = false;
      stage_body (g, t, j, xname);
      if (pb_strbuf_failed (t))
        fail (g, PB_ENOMEM, "out of memory", "");
      cuts[depth - 1] = g->has_next ? g->next_at : t->len;
      if (!g->has_next)
        break;
      /* The next body's own $EMIT overwrites next_x. */
      snprintf (name, sizeof name, "%s", g->next_x);
      xname = name;
    }
  g->body = outer;
  for (size_t i = 0; i < depth && g->status == PB_OK; i++)
    append_renumbered (g, b, bodies[i].data, cuts[i]);
  for (size_t i = depth; i-- > 0;)
    {
      if (g->status == PB_OK)
        append_renumbered (g, b, bodies[i].data + cuts[i], bodies[i].len - cuts[i]);
      pb_strbuf_clear (&bodies[i]);
    }
  free (bodies);
  free (cuts);
}

static void
stage_finish (gen       *g,
              pb_strbuf *b,
              size_t     k)
{
  const pb_kind *kind = g->chain->stages[k].kind;

  if (kind->finish == NULL)
    return;
  pb_strbuf_append (b, "{\n");
  expand (g, b, k, kind->finish, strlen (kind->finish), NULL, CTX_RUN);
  pb_strbuf_append (b, "}\n");
}

/* Counting points: an item is counted where its number can change. A
 * one-to-one stage emits as many items as it takes, so it shares its
 * input's point and costs nothing per item. */
static void
plan_counts (gen *g)
{
  const pb_codegen_chain *chain = g->chain;
  pb_codegen_layout *layout = g->layout;
  int next = 1;

  for (size_t k = 0; k < chain->n_stages; k++)
    {
      const pb_codegen_stage *stage = &chain->stages[k];
      bool source = k == 0 && chain->in_type == PB_ITEM_NONE;

      layout->in_point[k] = k == 0 ? (source ? -1 : 0) : layout->out_point[k - 1];
      if (stage->out_type == PB_ITEM_NONE)
        layout->out_point[k] = -1;
      else if (source)
        layout->out_point[k] = 0;
      else if (stage->kind->one_to_one || stage->kind->shape == PB_SHAPE_FANOUT)
        layout->out_point[k] = layout->in_point[k];
      else
        layout->out_point[k] = next++;
    }
  layout->n_counts = (size_t) next;
}

/* The head's body for the item at pb_i; profiled, a sampled item, which
 * run_function ends. */
static void
head_item (gen       *g,
           pb_strbuf *b,
           bool       ring_fed)
{
  if (ring_fed)
    pb_strbuf_printf (b, "  %s x0 = pb_in[(pb_r + pb_i) & pb_im];\n",
                      pb_codegen_ctype (g->chain->in_type));
  if (g->profile)
    pb_strbuf_append (b, "  PB_SAMPLE\n");
  chain_bodies (g, b, 0, ring_fed ? "x0" : NULL);
}

static void
run_function (gen        *g,
              pb_strbuf  *b,
              const char *fname)
{
  const pb_codegen_chain *chain = g->chain;
  const pb_codegen_stage *head = &chain->stages[0];
  bool ring_fed = chain->in_type != PB_ITEM_NONE;

  pb_strbuf_printf (b, "int\n%s (pb_chain_io *pb_io)\n{\n", fname);
  pb_strbuf_append (b, "  char *pb_err = pb_io->error; uint64_t pb_errn = pb_io->error_size;\n"
                       "  int64_t pb_i = 0, pb_n = 0, pb_avail;\n");
  for (size_t k = 0; k < chain->n_stages; k++)
    {
      pb_strbuf_printf (b, "  struct pb_state_%zu *pb_s%zu = pb_io->state[%zu];\n", k, k, k);
      /* tcc keeps nothing in registers: through a pointer, every use of
       * a field is two loads. A local copy of a small state is one. */
      if (chain->stages[k].kind->cached_state)
        pb_strbuf_printf (b, "  struct pb_state_%zu pb_ls%zu = *pb_s%zu;\n", k, k, k);
    }
  if (ring_fed)
    pb_strbuf_printf (b, "  const %s *pb_in = pb_io->in.base; uint64_t pb_im = pb_io->in.mask, pb_r = pb_io->in.pos;\n",
                      pb_codegen_ctype (chain->in_type));
  for (size_t j = 0; j < chain->n_outputs; j++)
    pb_strbuf_printf (b, "  %s *pb_o%zu = pb_io->out[%zu].base; uint64_t pb_m%zu = pb_io->out[%zu].mask, pb_w%zu = pb_io->out[%zu].pos;\n",
                      pb_codegen_ctype (chain->stages[chain->n_stages - 1].out_type),
                      j, j, j, j, j, j);
  for (size_t p = 1; p < g->layout->n_counts; p++)
    pb_strbuf_printf (b, "  uint64_t pb_c%zu = 0;\n", p);
  if (g->profile)
    pb_strbuf_append (b, "  uint64_t pb_tk_last = 0, pb_tk_cur = 0, pb_rng = pb_io->sample_rng;\n"
                         "  int64_t pb_tk_w = 0, pb_gap = pb_io->sample_gap;\n");
  pb_strbuf_append (b, "  pb_io->failed = -1;\n"
                       "  if (pb_io->finishing) goto pb_finish;\n"
                       "  pb_avail = pb_io->room;\n");
  if (head->kind->prologue != NULL)
    {
      /* What a call costs whatever its items (a read) is the head's,
       * counted in full. */
      pb_strbuf_append (b, g->profile ? "  PB_TIME (1)\n  {\n" : "  {\n");
      expand (g, b, 0, head->kind->prologue, strlen (head->kind->prologue), NULL, CTX_RUN);
      pb_strbuf_append (b, g->profile ? "  }\n  PB_MARK (0)\n  pb_tk_w = 0;\n" : "  }\n");
    }
  /* A do-while: tcc gives it one branch per item, a for loop two. */
  pb_strbuf_append (b, "  if (pb_avail < 0) goto pb_finish;\n"
                       "  pb_n = pb_avail;\n"
                       "  if (pb_n > 0)\n  do\n    {\n");
  if (g->profile)
    {
      /* The profiled call runs a whole batch, so that what comes once
       * per call (file-in's read) weighs what it does in other calls: a
       * call cut to 64 items makes file-in seem to cost three times what
       * parse does, when it costs a third. Two marks per stage per item
       * cost several times a cheap stage's work, so it times only one
       * item in about PB_SAMPLE_GAP, each counted for as many, and runs
       * the items between as the unprofiled code does, in a loop of
       * their own. The gaps are random, so that no stage's costly items
       * (a line's end) fall always in them or always out of them. A
       * sampled item ends in the next turn of the loop, or after it, so
       * that it counts what the loop costs per item too. */
      pb_strbuf_append (b, "  if (pb_tk_w > 0) { PB_MARK (0) pb_tk_w = 0; }\n"
                           "  if (pb_gap > 1)\n    {\n"
                           "  int64_t pb_m = pb_n - pb_i < pb_gap - 1 ? pb_n : pb_i + pb_gap - 1;\n"
                           "  pb_gap -= pb_m - pb_i;\n"
                           "  do\n    {\n");
      g->profile = false;
      head_item (g, b, ring_fed);
      g->profile = true;
      /* The loop below steps past the last of them. */
      pb_strbuf_append (b, "    }\n  while (++pb_i < pb_m);\n  pb_i--;\n  continue;\n    }\n");
      head_item (g, b, ring_fed);
    }
  else
    head_item (g, b, ring_fed);
  pb_strbuf_append (b, "    }\n  while (++pb_i < pb_n);\n");
  if (g->profile)
    pb_strbuf_append (b, "  if (pb_tk_w > 0) PB_MARK (0)\n");
  pb_strbuf_append (b, "  goto pb_out;\n");

  for (size_t k = 0; k < chain->n_stages; k++)
    {
      if (!g->has_stop[k])
        continue;
      /* take is done: the item that completed it is consumed, what is
       * downstream finishes, and what is upstream is simply abandoned. */
      pb_strbuf_printf (b, "pb_stop_%zu:\n  if (!pb_io->finishing) pb_i++;\n", k);
      /* The item that stopped it may have been sampled: what the end of
       * a stream costs is not timed. */
      if (g->profile)
        pb_strbuf_append (b, "  pb_tk_w = 0;\n");
      for (size_t j = k + 1; j < chain->n_stages; j++)
        stage_finish (g, b, j);
      pb_strbuf_append (b, "  pb_io->done = 1;\n  goto pb_out;\n");
    }

  pb_strbuf_append (b, "pb_finish:\n");
  for (size_t k = 0; k < chain->n_stages; k++)
    stage_finish (g, b, k);
  pb_strbuf_append (b, "  pb_io->done = 1;\n");

  for (int failing = 0; failing < 2; failing++)
    {
      pb_strbuf_append (b, failing ? "pb_fail:\n" : "pb_out:\n");
      if (g->profile)
        pb_strbuf_append (b, "  pb_io->sample_gap = pb_gap; pb_io->sample_rng = pb_rng;\n");
      pb_strbuf_append (b, "  pb_io->consumed = pb_i;\n");
      if (head->kind->epilogue != NULL)
        {
          pb_strbuf_append (b, "  {\n");
          expand (g, b, 0, head->kind->epilogue, strlen (head->kind->epilogue), NULL, CTX_RUN);
          pb_strbuf_append (b, "  }\n");
        }
      for (size_t k = 0; k < chain->n_stages; k++)
        if (chain->stages[k].kind->cached_state)
          pb_strbuf_printf (b, "  *pb_s%zu = pb_ls%zu;\n", k, k);
      for (size_t j = 0; j < chain->n_outputs; j++)
        pb_strbuf_printf (b, "  pb_io->out[%zu].pos = pb_w%zu;\n", j, j);
      for (size_t p = 1; p < g->layout->n_counts; p++)
        pb_strbuf_printf (b, "  pb_io->counts[%zu] += pb_c%zu;\n", p, p);
      pb_strbuf_append (b, failing ? "  return -1;\n" : "  return 0;\n");
    }
  pb_strbuf_append (b, "}\n\n");
}

/* The layout of a state, from the text of its struct's body: the same
 * text but for what names the stage's place, its index in the chain and
 * the chain's name, since a process whose link is marked to break
 * inlining moves to another chain with its state as it is. */
static char *
state_key (const char *text,
           size_t      k,
           const char *unit_name)
{
  char define[48];
  size_t define_len, unit_len = strlen (unit_name);
  pb_strbuf key;

  snprintf (define, sizeof define, "#define s pb_s%zu\n", k);
  define_len = strlen (define);
  pb_strbuf_init (&key);
  while (*text != '\0')
    {
      if (strncmp (text, define, define_len) == 0)
        {
          pb_strbuf_append (&key, "#define s pb_s\n");
          text += define_len;
        }
      else if (text[0] == '"' && strncmp (text + 1, unit_name, unit_len) == 0
               && text[1 + unit_len] == '"')
        {
          pb_strbuf_append (&key, "\"\"");
          text += unit_len + 2;
        }
      else
        pb_strbuf_append_n (&key, text++, 1);
    }
  return pb_strbuf_failed (&key) ? (pb_strbuf_clear (&key), NULL) : pb_strbuf_steal (&key);
}

static void
state_functions (gen       *g,
                 pb_strbuf *b,
                 size_t     k)
{
  const pb_kind *kind = g->chain->stages[k].kind;
  pb_strbuf state;
  char *text;

  expand_to_string (g, &state, k, kind->state ? kind->state : "",
                    kind->state ? strlen (kind->state) : 0, NULL, CTX_PLAIN);
  text = pb_strbuf_steal (&state);
  g->layout->state_text[k] = text != NULL ? state_key (text, k, g->chain->unit_name) : NULL;
  if (g->layout->state_text[k] == NULL)
    {
      free (text);
      fail (g, PB_ENOMEM, "out of memory", "");
      return;
    }

  /* The state text was expanded on its own, to compare it between
   * compiles, so its #line directives count from its own start: they
   * are numbered again where it lands. */
  pb_strbuf_printf (b, "struct pb_state_%zu\n{\n", k);
  append_renumbered (g, b, text, strlen (text));
  pb_strbuf_append (b, "\n  char pb_pad;\n};\n");
  free (text);
  pb_strbuf_printf (b, "#line %zu \"%s\"\n", b->line + 1, g->chain->unit_name);
  pb_strbuf_printf (b, "uint64_t pb_size_%zu (void) { return sizeof (struct pb_state_%zu); }\n", k, k);

  if (kind->init != NULL)
    {
      pb_strbuf_printf (b, "int\npb_init_%zu (void *pb_state, char *pb_err, uint64_t pb_errn)\n{\n"
                        "  struct pb_state_%zu *pb_s%zu = pb_state;\n", k, k, k);
      expand (g, b, k, kind->init, strlen (kind->init), NULL, CTX_INIT);
      pb_strbuf_append (b, "  return 0;\n}\n");
    }
  if (kind->reopen != NULL)
    {
      pb_strbuf_printf (b, "int\npb_reopen_%zu (void *pb_state, char *pb_err, uint64_t pb_errn)\n{\n"
                        "  struct pb_state_%zu *pb_s%zu = pb_state;\n", k, k, k);
      expand (g, b, k, kind->reopen, strlen (kind->reopen), NULL, CTX_INIT);
      pb_strbuf_append (b, "  return 0;\n}\n");
    }
  if (kind->fini != NULL)
    {
      pb_strbuf_printf (b, "void\npb_fini_%zu (void *pb_state)\n{\n"
                        "  struct pb_state_%zu *pb_s%zu = pb_state;\n", k, k, k);
      expand (g, b, k, kind->fini, strlen (kind->fini), NULL, CTX_PLAIN);
      pb_strbuf_append (b, "}\n");
    }
  if (kind->report != NULL)
    {
      pb_strbuf_printf (b, "void\npb_report_%zu (void *pb_state, char *pb_buf, uint64_t pb_size)\n{\n"
                        "  struct pb_state_%zu *pb_s%zu = pb_state;\n", k, k, k);
      expand (g, b, k, kind->report, strlen (kind->report), NULL, CTX_PLAIN);
      pb_strbuf_append (b, "}\n");
    }
  if (kind->view != NULL)
    {
      pb_strbuf_printf (b, "void\npb_view_%zu (void *pb_state, pb_view_io *pb_v)\n{\n"
                        "  struct pb_state_%zu *pb_s%zu = pb_state;\n", k, k, k);
      expand (g, b, k, kind->view, strlen (kind->view), NULL, CTX_PLAIN);
      pb_strbuf_append (b, "}\n");
    }
}

const char *
pb_codegen_prelude (void)
{
  return prelude;
}

/* The line a text's next character is on after the prelude. */
static size_t
prelude_lines (void)
{
  size_t line = 1;

  for (const char *p = prelude; *p != '\0'; p++)
    line += *p == '\n';
  return line;
}

int
pb_codegen_chain_source (const pb_codegen_chain *chain,
                         char                  **source,
                         pb_codegen_layout      *layout,
                         pb_error               *err)
{
  gen g = { chain, layout, err, PB_OK, false, NULL, NULL, false, 0, "" };
  pb_strbuf b;
  unsigned expand_all = 1;
  unsigned finish_all = 0;

  memset (layout, 0, sizeof *layout);
  layout->in_point = calloc (chain->n_stages, sizeof (int));
  layout->out_point = calloc (chain->n_stages, sizeof (int));
  layout->state_text = calloc (chain->n_stages, sizeof (char *));
  layout->probe_slot = calloc (chain->n_stages, sizeof (int));
  g.has_stop = calloc (chain->n_stages, sizeof (bool));
  if (layout->in_point == NULL || layout->out_point == NULL
      || layout->state_text == NULL || layout->probe_slot == NULL || g.has_stop == NULL)
    {
      free (g.has_stop);
      pb_codegen_layout_clear (layout, chain->n_stages);
      return pb_error_set (err, PB_ENOMEM, "out of memory");
    }
  plan_counts (&g);
  for (size_t k = 0; k < chain->n_stages; k++)
    layout->probe_slot[k] = chain->stages[k].probed && chain->stages[k].out_type != PB_ITEM_NONE
                            ? (int) layout->n_probes++ : -1;

  /* Admittance: the items one consumed item can become at the tail, and
   * what finishing can add, bound how many items the chain may take. */
  for (size_t k = 0; k < chain->n_stages; k++)
    {
      const pb_kind *kind = chain->stages[k].kind;
      unsigned e = kind->shape == PB_SHAPE_SOURCE || kind->expand == 0 ? 1 : kind->expand;

      if (strcmp (kind->name, "c") == 0)
        {
          int max = param_index (kind, "max-emit", 8);

          e = (unsigned) strtoul (chain->stages[k].params[max], NULL, 10);
          finish_all = finish_all * (e ? e : 1) + e;
        }
      else
        finish_all = finish_all * e + kind->finish_emit;
      expand_all *= e ? e : 1;
    }
  layout->expand = expand_all;
  layout->finish_emit = finish_all;
  layout->uses_now = chain->stages[0].kind->prologue != NULL
                     && strstr (chain->stages[0].kind->prologue, "$now") != NULL;

  pb_strbuf_init (&b);
  if (chain->no_prelude)
    b.line = prelude_lines ();
  else
    pb_strbuf_append (&b, prelude);
  pb_strbuf_printf (&b, "#line %zu \"%s\"\n", b.line + 1, chain->unit_name);
  for (size_t k = 0; k < chain->n_stages && g.status == PB_OK; k++)
    state_functions (&g, &b, k);
  if (g.status == PB_OK)
    run_function (&g, &b, "pb_run");
  layout->lean_length = b.len;
  if (g.status == PB_OK && chain->profile)
    {
      memset (g.has_stop, 0, chain->n_stages * sizeof (bool));
      g.profile = true;
      run_function (&g, &b, "pb_run_prof");
    }
  free (g.has_stop);

  if (g.status == PB_OK && pb_strbuf_failed (&b))
    g.status = pb_error_set (err, PB_ENOMEM, "out of memory");
  if (g.status != PB_OK)
    {
      pb_strbuf_clear (&b);
      pb_codegen_layout_clear (layout, chain->n_stages);
      return g.status;
    }
  *source = pb_strbuf_steal (&b);
  return PB_OK;
}

void
pb_codegen_layout_clear (pb_codegen_layout *layout,
                         size_t             n_stages)
{
  if (layout->state_text != NULL)
    for (size_t k = 0; k < n_stages; k++)
      free (layout->state_text[k]);
  free (layout->state_text);
  free (layout->in_point);
  free (layout->out_point);
  free (layout->probe_slot);
  memset (layout, 0, sizeof *layout);
}

char *
pb_codegen_calibration_source (void)
{
  pb_strbuf b;

  pb_strbuf_init (&b);
  pb_strbuf_append (&b, prelude);
  pb_strbuf_append (&b,
                    "int\npb_calibrate (pb_chain_io *pb_io, int64_t n)\n{\n"
                    "  uint64_t pb_tk_last = 0, pb_tk_cur = 0;\n"
                    "  int64_t pb_tk_w = 0, i;\n"
                    "  PB_TIME (1)\n"
                    "  for (i = 0; i < n; i++)\n"
                    "    {\n      PB_MARK (1)\n      PB_MARK (0)\n    }\n"
                    "  return 0;\n}\n");
  if (pb_strbuf_failed (&b))
    {
      pb_strbuf_clear (&b);
      return NULL;
    }
  return pb_strbuf_steal (&b);
}
