/* pipeline.c — parser of gst-launch-style pipeline descriptions
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parsing has two stages. A lexer (one for text, one for argv) turns the
 * description into a list of tokens: `!`, or a word with its quotes already
 * removed. The parser then walks the tokens once, filling arrays whose size
 * the token count bounds, and settles names and references at the end,
 * when every name given in the text is known.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pushback/pipeline.h>

#include "i18n.h"

/* The characters of kinds, keys and names. */
#define IDENT_CHARS \
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"

/* Ports may also be indexed: `out[2]`. */
#define PORT_CHARS IDENT_CHARS "[]"

/* Room for the decimal digits of any size_t, with the NUL. */
#define NUMBER_MAX sizeof "18446744073709551615"

/* The room for a piece of the user's text quoted in a message. */
#define SHOW_MAX 64

/* ---- Arena ------------------------------------------------------------- */

/* Everything a pb_pipeline holds lives in one arena, and so does the
 * parser's scratch: freeing either, after success or after an error at any
 * point, is one walk over a list of chunks. */
typedef struct chunk chunk;
struct chunk
{
  chunk       *next;
  size_t       size;
  size_t       used;
  max_align_t  data[];
};

typedef struct
{
  chunk *head;
} arena;

/* Big enough that a usual description takes one or two chunks. */
#define CHUNK_SIZE 4096

static void *
arena_alloc (arena  *a,
             size_t  size)
{
  chunk *c = a->head;
  void *mem;

  /* Sizes come from the length of the text; refusing absurd ones keeps the
   * rounding and the chunk header below from overflowing. */
  if (size > SIZE_MAX / 2)
    return NULL;
  size = (size + sizeof (max_align_t) - 1) / sizeof (max_align_t)
         * sizeof (max_align_t);
  if (c == NULL || c->size - c->used < size)
    {
      size_t room = size > CHUNK_SIZE ? size : CHUNK_SIZE;

      c = malloc (sizeof *c + room);
      if (c == NULL)
        return NULL;
      c->next = a->head;
      c->size = room;
      c->used = 0;
      a->head = c;
    }
  mem = (char *) c->data + c->used;
  c->used += size;
  return mem;
}

static void *
arena_array (arena  *a,
             size_t  n,
             size_t  size)
{
  if (n > SIZE_MAX / size)
    return NULL;
  return arena_alloc (a, n * size);
}

static void
arena_free (arena *a)
{
  while (a->head != NULL)
    {
      chunk *next = a->head->next;

      free (a->head);
      a->head = next;
    }
}

/* ---- Name table -------------------------------------------------------- */

/*
 * Each reference and each candidate generated name is looked up, and so is
 * every pb_pipeline_find() argument: an open-addressing table keeps that
 * linear in the size of the description. It never grows, since the number
 * of elements, which bounds its entries, is known before the first insert.
 */
typedef struct
{
  const char *key; /* NULL when the slot is free */
  size_t      value;
} slot;

typedef struct
{
  slot   *slots;
  size_t  mask;
} table;

static bool
table_init (table  *t,
            arena  *a,
            size_t  n)
{
  size_t size = 8;

  /* At most half full, so probes stay short. */
  while (size < n * 2)
    size *= 2;
  t->slots = arena_array (a, size, sizeof *t->slots);
  if (t->slots == NULL)
    return false;
  memset (t->slots, 0, size * sizeof *t->slots);
  t->mask = size - 1;
  return true;
}

/* Returns: the slot that holds @key, or the free slot where it would go. */
static slot *
table_lookup (const table *t,
              const char  *key)
{
  uint64_t hash = UINT64_C (14695981039346656037);
  const unsigned char *c;
  size_t i;

  /* FNV-1a: names are short, and this is plenty for them. */
  for (c = (const unsigned char *) key; *c != '\0'; c++)
    hash = (hash ^ *c) * UINT64_C (1099511628211);
  i = (size_t) hash & t->mask;
  while (t->slots[i].key != NULL && strcmp (t->slots[i].key, key) != 0)
    i = (i + 1) & t->mask;
  return &t->slots[i];
}

/* ---- The pipeline ------------------------------------------------------ */

struct pb_pipeline
{
  arena                mem;
  pb_pipeline_element *elements;
  size_t               n_elements;
  pb_pipeline_link    *links;
  size_t               n_links;
  table                names; /* name → index in @elements */
};

void
pb_pipeline_free (pb_pipeline *p)
{
  if (p == NULL)
    return;
  arena_free (&p->mem);
  free (p);
}

size_t
pb_pipeline_n_elements (const pb_pipeline *p)
{
  return p->n_elements;
}

const pb_pipeline_element *
pb_pipeline_element_at (const pb_pipeline *p,
                        size_t             i)
{
  return i < p->n_elements ? &p->elements[i] : NULL;
}

size_t
pb_pipeline_n_links (const pb_pipeline *p)
{
  return p->n_links;
}

const pb_pipeline_link *
pb_pipeline_link_at (const pb_pipeline *p,
                     size_t             i)
{
  return i < p->n_links ? &p->links[i] : NULL;
}

long
pb_pipeline_find (const pb_pipeline *p,
                  const char        *name)
{
  const slot *s = table_lookup (&p->names, name);

  return s->key != NULL ? (long) s->value : -1;
}

/* ---- Parser state ------------------------------------------------------ */

typedef struct token token;
struct token
{
  token      *next;
  size_t      column;
  const char *raw;     /* as written, for messages; not NUL-terminated */
  size_t      raw_len;
  char       *value;   /* unquoted, in the pipeline's arena; NULL for `!` */
};

/* One end of a link while it is parsed. */
typedef struct
{
  token      *ref;     /* the reference, or NULL for an element */
  size_t      element; /* the element, when @ref is NULL */
  const char *port;
} item;

/* The references of one link, to resolve once all names are known. */
typedef struct
{
  const token *src;
  const token *dst;
} link_refs;

typedef struct
{
  pb_pipeline       *p;
  pb_error          *err;
  arena              scratch;
  token             *tokens;
  token            **tail;
  size_t             n_words;
  size_t             n_bangs;
  pb_pipeline_prop  *props;    /* all elements' props, element after element */
  size_t             n_props;
  const token      **prop_tok; /* the word of each prop, for messages */
  const token      **name_tok; /* each element's name= word, or NULL */
  link_refs         *refs;     /* one for each link */
} parser;

static int
no_memory (parser *ps)
{
  return pb_error_set (ps->err, PB_ENOMEM,
                       _("out of memory while parsing a pipeline description"));
}

/*
 * Copies @len bytes of @s into @buf, for quoting in a message. Messages are
 * one short line, so the copy stops before a control character (such as a
 * newline inside quotes) or after SHOW_MAX - 4 bytes, at a character
 * boundary; a copy cut short ends in "...".
 */
static const char *
show (char        buf[SHOW_MAX],
      const char *s,
      size_t      len)
{
  size_t n = 0;

  while (n < len && n < SHOW_MAX - 4
         && (unsigned char) s[n] >= 0x20 && s[n] != 0x7f)
    n++;
  if (n == len)
    {
      memcpy (buf, s, n);
      buf[n] = '\0';
      return buf;
    }
  while (n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80)
    n--;
  memcpy (buf, s, n);
  memcpy (buf + n, "...", sizeof "...");
  return buf;
}

/* Columns count characters, so that an editor can put the cursor there. */
static size_t
count_chars (const char *s,
             size_t      len)
{
  size_t n = 0;
  size_t i;

  for (i = 0; i < len; i++)
    n += ((unsigned char) s[i] & 0xc0) != 0x80;
  return n;
}

static bool
is_identifier (const char *s,
               size_t      len)
{
  return len > 0 && strspn (s, IDENT_CHARS) >= len;
}

/* A kind never holds `.` and a property always holds `=`, so this tells a
 * reference from either before it is checked in full. */
static bool
is_reference (const char *value)
{
  return strchr (value, '=') == NULL && strchr (value, '.') != NULL;
}

static bool
append_token (parser     *ps,
              const char *raw,
              size_t      raw_len,
              size_t      column,
              char       *value)
{
  token *tok = arena_alloc (&ps->scratch, sizeof *tok);

  if (tok == NULL)
    return false;
  tok->next = NULL;
  tok->column = column;
  tok->raw = raw;
  tok->raw_len = raw_len;
  tok->value = value;
  *ps->tail = tok;
  ps->tail = &tok->next;
  if (value != NULL)
    ps->n_words++;
  else
    ps->n_bangs++;
  return true;
}

/* ---- Lexers ------------------------------------------------------------ */

static bool
is_space (char c)
{
  return c != '\0' && strchr (" \t\n\r\v\f", c) != NULL;
}

static void
emit (char **out,
      char   c)
{
  if (out != NULL)
    *(*out)++ = c;
}

/*
 * Reads the quoted string that starts at @s, at a `"` or a `'`, appending
 * what it holds to *@out unless @out is NULL.
 *
 * Returns: the character after the closing quote, or NULL if there is none.
 */
static const char *
read_quoted (const char  *s,
             char       **out)
{
  char quote = *s++;

  for (; *s != quote; s++)
    {
      if (*s == '\0')
        return NULL;
      /* Only the two escapes that "..." needs: other backslashes are kept,
       * as the expressions and patterns in values use them. */
      if (quote == '"' && *s == '\\' && (s[1] == '"' || s[1] == '\\'))
        s++;
      emit (out, *s);
    }
  return s + 1;
}

/*
 * Reads the word that starts at @s, up to whitespace, an unquoted `!` or
 * the end, removing quotes wherever they open, as a shell does. Its value
 * goes to *@out unless @out is NULL; it is never longer than the word.
 *
 * Returns: the end of the word, or NULL if a quote is not closed.
 */
static const char *
read_word (const char  *s,
           char       **out)
{
  while (*s != '\0' && *s != '!' && !is_space (*s))
    {
      if (*s == '"' || *s == '\'')
        {
          s = read_quoted (s, out);
          if (s == NULL)
            return NULL;
        }
      else
        emit (out, *s++);
    }
  return s;
}

static int
lex_text (parser     *ps,
          const char *text)
{
  const char *s = text;
  size_t column = 1;

  for (;;)
    {
      const char *end;
      char *value;
      char *out;
      char b[SHOW_MAX];

      /* Whitespace is ASCII: one byte, one column. */
      while (is_space (*s))
        {
          s++;
          column++;
        }
      if (*s == '\0')
        return PB_OK;

      if (*s == '!')
        {
          if (!append_token (ps, s, 1, column, NULL))
            return no_memory (ps);
          s++;
          column++;
          continue;
        }

      end = read_word (s, NULL);
      if (end == NULL)
        return pb_error_set (ps->err, PB_EINVAL,
                             _("unterminated quote in '%s' at column %zu"),
                             show (b, s, strlen (s)), column);
      value = arena_alloc (&ps->p->mem, (size_t) (end - s) + 1);
      if (value == NULL)
        return no_memory (ps);
      out = value;
      read_word (s, &out);
      *out = '\0';
      if (!append_token (ps, s, (size_t) (end - s), column, value))
        return no_memory (ps);
      column += count_chars (s, (size_t) (end - s));
      s = end;
    }
}

/*
 * Copies an argv word to @out. The shell has removed one level of quotes,
 * so the word is taken as it is, except for a `key=value` whose value is
 * exactly one quoted string: that second level was written for the sake of
 * the text form (`'expr="x*2"'`), and is read as the text form reads it.
 */
static void
copy_argv_word (const char *word,
                size_t      len,
                char       *out)
{
  const char *eq = strchr (word, '=');
  const char *end = NULL;

  if (eq != NULL && (eq[1] == '"' || eq[1] == '\''))
    end = read_quoted (eq + 1, NULL);
  if (end != NULL && *end == '\0')
    {
      memcpy (out, word, (size_t) (eq + 1 - word));
      out += eq + 1 - word;
      read_quoted (eq + 1, &out);
      *out = '\0';
    }
  else
    memcpy (out, word, len + 1);
}

static int
lex_argv (parser            *ps,
          int                argc,
          const char *const *argv)
{
  size_t column = 1;
  int i;

  for (i = 0; i < argc; i++)
    {
      size_t len = strlen (argv[i]);
      char *value = NULL;

      if (strcmp (argv[i], "!") != 0)
        {
          value = arena_alloc (&ps->p->mem, len + 1);
          if (value == NULL)
            return no_memory (ps);
          copy_argv_word (argv[i], len, value);
        }
      if (!append_token (ps, argv[i], len, column, value))
        return no_memory (ps);
      /* As if the words were joined by single spaces. */
      column += count_chars (argv[i], len) + 1;
    }
  return PB_OK;
}

/* ---- Parser ------------------------------------------------------------ */

static int
parse_reference (parser *ps,
                 token  *tok,
                 item   *it)
{
  char *dot = strchr (tok->value, '.');
  char b[SHOW_MAX];

  if (!is_identifier (tok->value, (size_t) (dot - tok->value))
      || strspn (dot + 1, PORT_CHARS) != strlen (dot + 1))
    return pb_error_set (ps->err, PB_EINVAL,
                         _("invalid reference '%s' at column %zu: "
                           "expected NAME. or NAME.PORT"),
                         show (b, tok->raw, tok->raw_len), tok->column);
  /* The token is used up: cut its value into the name and the port. */
  *dot = '\0';
  it->ref = tok;
  it->element = 0;
  it->port = dot[1] != '\0' ? dot + 1 : NULL;
  return PB_OK;
}

static int
parse_prop (parser *ps,
            size_t  element,
            token  *tok)
{
  pb_pipeline_element *e = &ps->p->elements[element];
  char *eq = strchr (tok->value, '=');
  const token *earlier = NULL;
  size_t first = (size_t) (e->props - ps->props);
  size_t i;
  char b1[SHOW_MAX];
  char b2[SHOW_MAX];

  if (eq == NULL)
    return pb_error_set (ps->err, PB_EINVAL,
                         _("expected key=value after '%s', got '%s' "
                           "at column %zu"),
                         show (b1, e->kind, strlen (e->kind)),
                         show (b2, tok->raw, tok->raw_len), tok->column);
  if (eq == tok->value)
    return pb_error_set (ps->err, PB_EINVAL,
                         _("empty key in '%s' at column %zu"),
                         show (b1, tok->raw, tok->raw_len), tok->column);
  if (!is_identifier (tok->value, (size_t) (eq - tok->value)))
    return pb_error_set (ps->err, PB_EINVAL,
                         _("invalid key in '%s' at column %zu: "
                           "use letters, digits, '-' and '_'"),
                         show (b1, tok->raw, tok->raw_len), tok->column);
  /* The token is used up: cut its value into the key and the value. */
  *eq = '\0';

  if (strcmp (tok->value, "name") == 0)
    earlier = ps->name_tok[element];
  for (i = 0; i < e->n_props && earlier == NULL; i++)
    if (strcmp (e->props[i].key, tok->value) == 0)
      earlier = ps->prop_tok[first + i];
  if (earlier != NULL)
    return pb_error_set (ps->err, PB_EINVAL,
                         _("key '%s' given twice to '%s' (columns %zu and %zu)"),
                         show (b1, tok->value, strlen (tok->value)),
                         show (b2, e->kind, strlen (e->kind)),
                         earlier->column, tok->column);

  if (strcmp (tok->value, "name") == 0)
    {
      /* A name that a reference cannot spell would be no use. */
      if (!is_identifier (eq + 1, strlen (eq + 1)))
        return pb_error_set (ps->err, PB_EINVAL,
                             _("invalid element name in '%s' at column %zu: "
                               "use letters, digits, '-' and '_'"),
                             show (b1, tok->raw, tok->raw_len), tok->column);
      e->name = eq + 1;
      ps->name_tok[element] = tok;
      return PB_OK;
    }

  ps->props[ps->n_props].key = tok->value;
  ps->props[ps->n_props].value = eq + 1;
  ps->prop_tok[ps->n_props] = tok;
  ps->n_props++;
  e->n_props++;
  return PB_OK;
}

/* Parses an element at *@tokp, leaving *@tokp after its last property. */
static int
parse_element (parser  *ps,
               token  **tokp,
               item    *it)
{
  size_t element = ps->p->n_elements++;
  pb_pipeline_element *e = &ps->p->elements[element];
  token *tok = *tokp;
  int r;

  e->kind = tok->value;
  e->name = NULL;
  e->props = ps->props + ps->n_props;
  e->n_props = 0;
  e->column = tok->column;
  ps->name_tok[element] = NULL;

  /* A reference ends the element, and so does a plain word (a kind): each
   * starts a branch of its own, as in gst-launch, where one description
   * holds several pipelines. */
  for (tok = tok->next;
       tok != NULL && tok->value != NULL && !is_reference (tok->value)
       && !(strchr (tok->value, '=') == NULL && is_identifier (tok->value, strlen (tok->value)));
       tok = tok->next)
    {
      r = parse_prop (ps, element, tok);
      if (r != PB_OK)
        return r;
    }
  *tokp = tok;
  it->ref = NULL;
  it->element = element;
  it->port = NULL;
  return PB_OK;
}

/* Parses the element or reference at *@tokp, and moves *@tokp past it. */
static int
parse_item (parser  *ps,
            token  **tokp,
            item    *it)
{
  token *tok = *tokp;
  char b[SHOW_MAX];

  if (is_reference (tok->value))
    {
      *tokp = tok->next;
      return parse_reference (ps, tok, it);
    }
  if (!is_identifier (tok->value, strlen (tok->value)))
    return pb_error_set (ps->err, PB_EINVAL,
                         _("expected an element kind or a reference, "
                           "got '%s' at column %zu"),
                         show (b, tok->raw, tok->raw_len), tok->column);
  return parse_element (ps, tokp, it);
}

/* A branch that is one reference alone links nothing: surely a mistake. */
static int
check_branch (parser     *ps,
              const item *first,
              size_t      length)
{
  char b[SHOW_MAX];

  if (length == 1 && first->ref != NULL)
    return pb_error_set (ps->err, PB_EINVAL,
                         _("'%s' at column %zu is not linked to anything"),
                         show (b, first->ref->raw, first->ref->raw_len),
                         first->ref->column);
  return PB_OK;
}

static void
add_link (parser     *ps,
          const item *src,
          const item *dst,
          size_t      column)
{
  pb_pipeline_link *l = &ps->p->links[ps->p->n_links];

  l->src.element = src->element;
  l->src.port = src->port;
  l->dst.element = dst->element;
  l->dst.port = dst->port;
  l->column = column;
  ps->refs[ps->p->n_links].src = src->ref;
  ps->refs[ps->p->n_links].dst = dst->ref;
  ps->p->n_links++;
}

/*
 * Gives every element its name: first the given ones, wherever they are in
 * the text, so that a generated name never takes one that the user chose;
 * then KIND + the lowest free number for the others, in the text's order.
 */
static int
name_elements (parser *ps)
{
  pb_pipeline *p = ps->p;
  table next_number; /* kind → the lowest number that may still be free */
  size_t i;
  char b[SHOW_MAX];

  if (!table_init (&p->names, &p->mem, p->n_elements)
      || !table_init (&next_number, &ps->scratch, p->n_elements))
    return no_memory (ps);

  for (i = 0; i < p->n_elements; i++)
    {
      const char *name = p->elements[i].name;
      slot *s;

      if (name == NULL)
        continue;
      s = table_lookup (&p->names, name);
      if (s->key != NULL)
        return pb_error_set (ps->err, PB_EINVAL,
                             _("element name '%s' used twice "
                               "(columns %zu and %zu)"),
                             show (b, name, strlen (name)),
                             ps->name_tok[s->value]->column,
                             ps->name_tok[i]->column);
      s->key = name;
      s->value = i;
    }

  for (i = 0; i < p->n_elements; i++)
    {
      pb_pipeline_element *e = &p->elements[i];
      size_t size = strlen (e->kind) + NUMBER_MAX;
      slot *kind;
      slot *s;
      char *name;
      size_t n;

      if (e->name != NULL)
        continue;
      name = arena_alloc (&p->mem, size);
      if (name == NULL)
        return no_memory (ps);
      /* Names only ever get taken, so the numbers below the one the last
       * element of this kind got are still taken. */
      kind = table_lookup (&next_number, e->kind);
      n = kind->key != NULL ? kind->value : 0;
      for (;; n++)
        {
          snprintf (name, size, "%s%zu", e->kind, n);
          s = table_lookup (&p->names, name);
          if (s->key == NULL)
            break;
        }
      s->key = name;
      s->value = i;
      e->name = name;
      kind->key = e->kind;
      kind->value = n + 1;
    }
  return PB_OK;
}

static int
resolve (parser      *ps,
         const token *ref,
         size_t      *element)
{
  const slot *s = table_lookup (&ps->p->names, ref->value);
  char b1[SHOW_MAX];
  char b2[SHOW_MAX];

  if (s->key == NULL)
    return pb_error_set (ps->err, PB_EINVAL,
                         _("'%s' at column %zu refers to no element named '%s'"),
                         show (b1, ref->raw, ref->raw_len), ref->column,
                         show (b2, ref->value, strlen (ref->value)));
  *element = s->value;
  return PB_OK;
}

static int
parse (parser *ps)
{
  pb_pipeline *p = ps->p;
  token *tok = ps->tokens;
  const token *bang = NULL; /* a `!` still waiting for what follows it */
  item prev = { NULL, 0, NULL };
  item first = { NULL, 0, NULL }; /* of the current branch */
  size_t branch_length = 0;
  size_t i;
  int r;

  if (tok == NULL)
    return pb_error_set (ps->err, PB_EINVAL, _("empty pipeline description"));

  /* Each word makes at most one element or prop, each `!` one link. */
  p->elements = arena_array (&p->mem, ps->n_words, sizeof *p->elements);
  p->links = arena_array (&p->mem, ps->n_bangs, sizeof *p->links);
  ps->props = arena_array (&p->mem, ps->n_words, sizeof *ps->props);
  ps->prop_tok = arena_array (&ps->scratch, ps->n_words, sizeof *ps->prop_tok);
  ps->name_tok = arena_array (&ps->scratch, ps->n_words, sizeof *ps->name_tok);
  ps->refs = arena_array (&ps->scratch, ps->n_bangs, sizeof *ps->refs);
  if (p->elements == NULL || p->links == NULL || ps->props == NULL
      || ps->prop_tok == NULL || ps->name_tok == NULL || ps->refs == NULL)
    return no_memory (ps);

  while (tok != NULL)
    {
      item it;

      if (tok->value == NULL)
        {
          if (bang != NULL)
            return pb_error_set (ps->err, PB_EINVAL,
                                 _("nothing between '!' at column %zu "
                                   "and '!' at column %zu"),
                                 bang->column, tok->column);
          if (branch_length == 0)
            return pb_error_set (ps->err, PB_EINVAL,
                                 _("nothing before '!' at column %zu"),
                                 tok->column);
          bang = tok;
          tok = tok->next;
          continue;
        }

      /* Two items with no `!` between them: a new branch. */
      if (bang == NULL && branch_length > 0)
        {
          r = check_branch (ps, &first, branch_length);
          if (r != PB_OK)
            return r;
          branch_length = 0;
        }

      r = parse_item (ps, &tok, &it);
      if (r != PB_OK)
        return r;
      if (bang != NULL)
        {
          add_link (ps, &prev, &it, bang->column);
          bang = NULL;
        }
      if (branch_length == 0)
        first = it;
      prev = it;
      branch_length++;
    }
  if (bang != NULL)
    return pb_error_set (ps->err, PB_EINVAL,
                         _("nothing after '!' at column %zu"), bang->column);
  r = check_branch (ps, &first, branch_length);
  if (r != PB_OK)
    return r;

  /* References may name elements given later, and generated names. */
  r = name_elements (ps);
  for (i = 0; i < p->n_links && r == PB_OK; i++)
    {
      if (ps->refs[i].src != NULL)
        r = resolve (ps, ps->refs[i].src, &p->links[i].src.element);
      if (ps->refs[i].dst != NULL && r == PB_OK)
        r = resolve (ps, ps->refs[i].dst, &p->links[i].dst.element);
    }
  return r;
}

static int
parser_init (parser   *ps,
             pb_error *err)
{
  memset (ps, 0, sizeof *ps);
  ps->err = err;
  ps->tail = &ps->tokens;
  ps->p = calloc (1, sizeof *ps->p);
  if (ps->p == NULL)
    return no_memory (ps);
  return PB_OK;
}

/* Hands the pipeline out if @r is PB_OK, frees it otherwise. */
static int
parser_finish (parser       *ps,
               int           r,
               pb_pipeline **pipeline)
{
  arena_free (&ps->scratch);
  if (r != PB_OK)
    {
      pb_pipeline_free (ps->p);
      ps->p = NULL;
    }
  *pipeline = ps->p;
  return r;
}

int
pb_pipeline_parse (const char   *text,
                   pb_pipeline **pipeline,
                   pb_error     *err)
{
  parser ps;
  int r;

  r = parser_init (&ps, err);
  if (r == PB_OK)
    r = lex_text (&ps, text);
  if (r == PB_OK)
    r = parse (&ps);
  return parser_finish (&ps, r, pipeline);
}

int
pb_pipeline_parse_argv (int                argc,
                        const char *const *argv,
                        pb_pipeline      **pipeline,
                        pb_error          *err)
{
  parser ps;
  int r;

  r = parser_init (&ps, err);
  if (r == PB_OK)
    r = lex_argv (&ps, argc, argv);
  if (r == PB_OK)
    r = parse (&ps);
  return parser_finish (&ps, r, pipeline);
}
