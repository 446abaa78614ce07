/* fuzz-pipeline.c — the pipeline parser and builder under libFuzzer
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pipeline text comes from people, shells and scripts. Whatever it is,
 * parsing either succeeds with a pipeline whose every index is in range
 * and whose names are unique, or fails with PB_EINVAL and one line of
 * message; building either adds the pipeline to the graph or fails with a
 * message and leaves the graph as it was. The input is tried twice: as
 * text, and as argv words split at NUL bytes. Any broken rule aborts.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pushback/pushback.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_refusal (int             rc,
               const pb_error *err)
{
  if (rc != PB_EINVAL && rc != PB_ENOMEM)
    abort ();
  if (err->message[0] == '\0' || strchr (err->message, '\n') != NULL)
    abort ();
}

static void
check_pipeline (const pb_pipeline *p)
{
  size_t n = pb_pipeline_n_elements (p);

  if (n == 0)
    abort ();
  for (size_t i = 0; i < n; i++)
    {
      const pb_pipeline_element *el = pb_pipeline_element_at (p, i);

      if (el->kind[0] == '\0' || el->name[0] == '\0'
          || pb_pipeline_find (p, el->name) != (long) i)
        abort ();
    }
  for (size_t i = 0; i < pb_pipeline_n_links (p); i++)
    {
      const pb_pipeline_link *l = pb_pipeline_link_at (p, i);

      if (l->src.element >= n || l->dst.element >= n)
        abort ();
    }
  if (pb_pipeline_element_at (p, n) != NULL)
    abort ();
}

/* Building succeeds, or fails with a message and leaves @g empty. */
static void
check_build (const pb_pipeline *p)
{
  pb_graph *g = pb_graph_new (0);
  pb_error err = { PB_OK, "" };
  int rc;

  if (g == NULL)
    return;
  rc = pb_pipeline_build (p, g, 0, &err);
  if (rc == PB_OK)
    {
      if (pb_graph_n_processes (g) != pb_pipeline_n_elements (p))
        abort ();
    }
  else if (err.message[0] == '\0' || strchr (err.message, '\n') != NULL
           || pb_graph_n_processes (g) != 0 || pb_graph_n_connections (g) != 0)
    abort ();
  pb_graph_free (g);
}

static void
try_text (const uint8_t *data,
          size_t         size)
{
  char *text = malloc (size + 1);
  pb_pipeline *p = NULL;
  pb_error err = { PB_OK, "" };
  int rc;

  if (text == NULL)
    return;
  memcpy (text, data, size);
  text[size] = '\0';
  rc = pb_pipeline_parse (text, &p, &err);
  if (rc == PB_OK)
    {
      check_pipeline (p);
      check_build (p);
    }
  else
    {
      check_refusal (rc, &err);
      if (p != NULL)
        abort ();
    }
  pb_pipeline_free (p);
  free (text);
}

static void
try_words (const uint8_t *data,
           size_t         size)
{
  char *copy = malloc (size + 1);
  const char **words = calloc (size + 1, sizeof *words);
  pb_pipeline *p = NULL;
  pb_error err = { PB_OK, "" };
  int n = 0;
  int rc;

  if (copy == NULL || words == NULL)
    goto out;
  memcpy (copy, data, size);
  copy[size] = '\0';
  words[n++] = copy;
  for (size_t i = 0; i < size; i++)
    if (copy[i] == '\0')
      words[n++] = copy + i + 1;
  rc = pb_pipeline_parse_argv (n, words, &p, &err);
  if (rc == PB_OK)
    {
      check_pipeline (p);
      check_build (p);
    }
  else
    check_refusal (rc, &err);
  pb_pipeline_free (p);
out:
  free (copy);
  free (words);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* Longer descriptions exercise nothing new and slow the search. */
  if (size > 4096)
    return 0;
  try_text (data, size);
  try_words (data, size);
  return 0;
}
