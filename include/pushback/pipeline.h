/* pipeline.h — gst-launch-style pipeline descriptions
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include <pushback/error.h>
#include <pushback/graph.h>

/**
 * pb_pipeline:
 *
 * The parsed form of a pipeline description, such as
 *
 *     seq from=1 to=1000 ! broadcast name=t ! map expr="x*2" ! merge name=m ! sum  t. ! m.
 *
 * Elements are separated by `!`; an element is `kind key=value ...`. A value
 * may be quoted with "..." (backslash escapes \" and \\) or '...' (taken
 * literally), so it may hold spaces and shell-special characters. `name=N`
 * names an element; unnamed elements get the first free name of the form
 * KIND + number (`map0`, `map1`). A reference `NAME.` or `NAME.PORT` starts
 * or ends a branch at a named element, which may be defined later in the
 * text (forward references). A new branch starts after whitespace where no
 * `!` joins two items.
 *
 * Parsing knows nothing of kinds: whether a kind exists, which keys it takes
 * and which ports "next free input" means are settled by the engine when it
 * builds the pipeline.
 *
 * Thread safety: a pb_pipeline is immutable once parsed; any thread may read
 * it. Parsing is reentrant.
 */
typedef struct pb_pipeline pb_pipeline;

/** pb_pipeline_prop: one `key=value` of an element. */
typedef struct
{
  const char *key;
  const char *value; /* unquoted, escapes resolved */
} pb_pipeline_prop;

/** pb_pipeline_element: one element, in the order of the text. */
typedef struct
{
  const char             *kind;
  const char             *name;     /* given with name=, or generated */
  const pb_pipeline_prop *props;    /* without name=, in the text's order */
  size_t                  n_props;
  size_t                  column;   /* 1-based column where it starts */
} pb_pipeline_element;

/**
 * pb_pipeline_end:
 * @element: index into the elements
 * @port: (nullable): the port named after `NAME.`, or NULL for "the next
 *   free one" (always NULL for a link written between two elements)
 */
typedef struct
{
  size_t      element;
  const char *port;
} pb_pipeline_end;

/** pb_pipeline_link: data flows from @src to @dst. */
typedef struct
{
  pb_pipeline_end src;
  pb_pipeline_end dst;
  size_t          column; /* 1-based column of the `!` that makes it */
} pb_pipeline_link;

/**
 * pb_pipeline_parse:
 * @text: the description, UTF-8
 * @pipeline: (out) (transfer full): the result, to be freed with
 *   pb_pipeline_free(); NULL on failure
 * @err: (nullable): filled on failure
 *
 * Parses @text. In detail:
 *
 * - Whitespace separates words. An unquoted `!` is always a separator, with
 *   or without whitespace around it (`seq!sum`).
 * - Quotes may open anywhere in a word and are removed as a shell removes
 *   them: `expr="x * 2"`, `"expr=x * 2"` and `expr=x" * "2` are the same
 *   property. In "...", `\"` and `\\` are escapes and other backslashes
 *   stay; '...' is literal; outside quotes a backslash is no escape.
 * - The first word of an element is its kind; every further word must be
 *   `key=value`, split at its first `=`. Kinds, keys and names are made of
 *   ASCII letters, digits, `-` and `_`. A value may be empty (`key=`).
 * - A word without `=` that holds a `.` is a reference: NAME, `.`, then an
 *   optional PORT made of the characters of names and `[`, `]` (`t.`,
 *   `t.out`, `rr.out[2]`). References are resolved once the whole text is
 *   read, against every name, given or generated.
 * - A new branch starts at a reference not preceded by `!`, or at an
 *   element that follows another item without `!`: one description may
 *   hold several independent pipelines (`seq to=10 ! sum  seq to=5 ! sum`).
 *   After an element's kind, a word without `=` that is a valid kind
 *   starts the next element; any other word without `=` is an error. A
 *   forgotten `!` (`seq map`) thus parses, and building refuses the
 *   unconnected ports it leaves.
 * - Unnamed elements are named KIND + the lowest number that no other
 *   element's name uses; given names, even those later in the text, come
 *   first, then generated ones in the order of the text.
 * - Columns count characters (UTF-8 code points) from 1 at the start of
 *   @text; a newline counts as one character.
 *
 * On failure, the message is one line that names the column and the
 * offending text (cut short if long): an unterminated quote, a `!` with
 * nothing on one side, a word that is neither `key=value` nor a kind after
 * a kind, an
 * invalid kind, key, name or reference, an empty key, a duplicate key in
 * one element, a name used twice, a reference to a name that no element
 * has, a branch that is only a reference, an empty description.
 *
 * Returns: PB_OK; PB_EINVAL when @text does not parse; PB_ENOMEM.
 * Thread safety: any thread.
 */
int pb_pipeline_parse (const char   *text,
                       pb_pipeline **pipeline,
                       pb_error     *err);

/**
 * pb_pipeline_parse_argv:
 *
 * As pb_pipeline_parse(), for a description split into words by a shell, as
 * `pushback-run seq ! sum` gives it. Each word is one item and is never
 * split, neither at spaces nor at `!`: a word that the shell unquoted
 * (`expr=x * 2`) is one property, and only a word that is exactly `!` is a
 * separator. Words are taken verbatim, without removing quotes, except
 * that the value of a `key=value` word that is exactly one quoted string
 * (`'expr="x*2"'` in the shell) is unquoted as pb_pipeline_parse() would.
 *
 * Columns, in elements, links and messages, are those of the words joined
 * by single spaces, so a caller may print that text to show where they are.
 */
int pb_pipeline_parse_argv (int                argc,
                            const char *const *argv,
                            pb_pipeline      **pipeline,
                            pb_error          *err);

/** pb_pipeline_free: Frees @p and every string it holds. NULL is ignored. */
void pb_pipeline_free (pb_pipeline *p);

/** pb_pipeline_n_elements: Returns: how many elements @p has. */
size_t pb_pipeline_n_elements (const pb_pipeline *p);

/**
 * pb_pipeline_element_at:
 *
 * Returns: (transfer none) (nullable): element @i (0-based), valid as long
 *   as @p, or NULL when @i is not below pb_pipeline_n_elements().
 */
const pb_pipeline_element *pb_pipeline_element_at (const pb_pipeline *p,
                                                   size_t             i);

/** pb_pipeline_n_links: Returns: how many links @p has. */
size_t pb_pipeline_n_links (const pb_pipeline *p);

/**
 * pb_pipeline_link_at:
 *
 * Returns: (transfer none) (nullable): link @i, in the order of the text,
 *   valid as long as @p, or NULL when @i is not below pb_pipeline_n_links().
 */
const pb_pipeline_link *pb_pipeline_link_at (const pb_pipeline *p,
                                             size_t             i);

/**
 * pb_pipeline_find:
 *
 * Returns: the index of the element called @name, given or generated, or
 *   -1 if none is.
 */
long pb_pipeline_find (const pb_pipeline *p,
                       const char        *name);

/**
 * pb_pipeline_build:
 * @p: a parsed pipeline
 * @graph: the graph to add its processes and links to
 * @host: the host its processes run on
 * @err: (nullable): the first problem, naming the element
 *
 * Adds a process for each element, with its name and parameters, and links
 * them. A reference without a port takes the element's next free output
 * (as a source) or input (as a destination), in port order. Each kind and
 * parameter is checked against the catalogue: an unknown kind, an unknown
 * parameter or a bad value, a port the kind does not have, a port used
 * twice, or a link from an input or into an output is refused.
 *
 * Returns: PB_OK; PB_ENOENT, PB_EINVAL, PB_EBUSY or PB_EDIRECTION, with the
 *   graph as it was before the call; PB_ENOMEM.
 * Thread safety: the thread that uses @graph.
 */
int pb_pipeline_build (const pb_pipeline *p,
                       pb_graph          *graph,
                       uint32_t           host,
                       pb_error          *err);

/**
 * pb_pipeline_build_text:
 *
 * Parses @text and builds it on host 0 of @graph, as pb_pipeline_parse()
 * and pb_pipeline_build() do.
 */
int pb_pipeline_build_text (pb_graph   *graph,
                            const char *text,
                            pb_error   *err);
