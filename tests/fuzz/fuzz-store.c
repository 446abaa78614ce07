/* fuzz-store.c — the loader on any bytes at all (a libFuzzer target)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input is written to a file, as a document comes, and goes through
 * the real open path: pb_store_open() read-only, then every reading
 * function. Whatever the bytes, that must not crash or leak, and:
 *
 * - a refusal has a negative code and a message that names the file;
 * - the input file is never modified, refused or not;
 * - what loads is valid: it saves into a new document, and that loads
 *   again as exactly the same topology and document.
 *
 * A broken rule aborts, which libFuzzer reports as a crash. Plain C, no
 * GLib: the same file builds the fuzzer (with clang) and the replay test
 * (tests/fuzz/replay.c, with any compiler).
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pushback/pushback.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static char dir[256];
static char input_path[300];
static char copy_path[300];

static void
fail (const char *what,
      const char *message)
{
  fprintf (stderr, "fuzz-store: %s%s%s\n", what, message != NULL ? ": " : "",
           message != NULL ? message : "");
  abort ();
}

/* Removes @path and what SQLite may leave beside it. */
static void
remove_document (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  char p[320];
  size_t i;

  for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
    {
      snprintf (p, sizeof p, "%s%s", path, suffixes[i]);
      unlink (p);
    }
}

static void
cleanup (void)
{
  remove_document (input_path);
  remove_document (copy_path);
  rmdir (dir);
}

/* A private directory, in memory where there is one: each input is a
 * file write and an fsync-free read. */
static void
setup (void)
{
  const char *base = access ("/dev/shm", W_OK) == 0 ? "/dev/shm"
                     : getenv ("TMPDIR") != NULL ? getenv ("TMPDIR") : "/tmp";

  snprintf (dir, sizeof dir, "%s/pb-fuzz-store-XXXXXX", base);
  if (mkdtemp (dir) == NULL)
    fail ("cannot make a directory", dir);
  snprintf (input_path, sizeof input_path, "%s/input.pushback", dir);
  snprintf (copy_path, sizeof copy_path, "%s/copy.pushback", dir);
  atexit (cleanup);
}

static void
write_input (const uint8_t *data,
             size_t         size)
{
  FILE *f;

  remove_document (input_path);
  f = fopen (input_path, "wb");
  if (f == NULL || fwrite (data, 1, size, f) != size || fclose (f) != 0)
    fail ("cannot write the input", input_path);
}

/* Whether the input file still holds exactly @data. */
static bool
input_unchanged (const uint8_t *data,
                 size_t         size)
{
  FILE *f = fopen (input_path, "rb");
  uint8_t buf[4096];
  size_t offset = 0, n;
  bool same = f != NULL;

  while (same && (n = fread (buf, 1, sizeof buf, f)) > 0)
    {
      same = offset + n <= size && memcmp (buf, data + offset, n) == 0;
      offset += n;
    }
  if (f != NULL)
    fclose (f);
  return same && offset == size;
}

static void
check_refusal_of (const char     *path,
                  int             rc,
                  const pb_error *err)
{
  if (rc >= 0 || err->code != rc)
    fail ("a refusal without its code", err->message);
  if (strncmp (err->message, path, strlen (path)) != 0)
    fail ("a message that does not name the file", err->message);
}

static void
check_refusal (int             rc,
               const pb_error *err)
{
  check_refusal_of (input_path, rc, err);
}

static bool
same_text (const char *a,
           const char *b)
{
  return a == NULL ? b == NULL : b != NULL && strcmp (a, b) == 0;
}

/* Whether two loaded documents are the same, field by field. */
static bool
same_document (const pb_graph     *a,
               const pb_store_doc *da,
               const pb_graph     *b,
               const pb_store_doc *db)
{
  size_t n = pb_graph_n_processes (a), n_links = pb_graph_n_connections (a);
  pb_addr *pa, *pb;
  pb_connection *la, *lb;
  bool same;
  size_t i, j;

  if (n != pb_graph_n_processes (b) || n_links != pb_graph_n_connections (b)
      || !same_text (da->title, db->title) || da->n_layout != n || db->n_layout != n
      || da->view.zoom != db->view.zoom || da->view.scroll_x != db->view.scroll_x
      || da->view.scroll_y != db->view.scroll_y)
    return false;

  pa = malloc ((n + 1) * sizeof *pa);
  pb = malloc ((n + 1) * sizeof *pb);
  la = malloc ((n_links + 1) * sizeof *la);
  lb = malloc ((n_links + 1) * sizeof *lb);
  if (pa == NULL || pb == NULL || la == NULL || lb == NULL)
    fail ("out of memory", NULL);
  pb_graph_list_processes (a, pa, n);
  pb_graph_list_processes (b, pb, n);
  pb_graph_list_connections (a, la, n_links);
  pb_graph_list_connections (b, lb, n_links);
  same = true;
  for (i = 0; same && i < n; i++)
    {
      const pb_store_layout *x = &da->layout[i], *y = &db->layout[i];
      size_t n_params = pb_graph_list_params (a, pa[i], NULL, NULL, 0);

      same = pa[i] == pb[i]
             && same_text (pb_graph_process_kind (a, pa[i]), pb_graph_process_kind (b, pb[i]))
             && same_text (pb_graph_process_name (a, pa[i]), pb_graph_process_name (b, pb[i]))
             && n_params == pb_graph_list_params (b, pb[i], NULL, NULL, 0)
             && x->process == y->process && x->placed == y->placed
             && x->collapsed == y->collapsed && x->x == y->x && x->y == y->y
             && x->width == y->width && x->height == y->height;
      if (same && n_params > 0)
        {
          const char **ka = malloc (n_params * sizeof *ka), **va = malloc (n_params * sizeof *va);
          const char **kb = malloc (n_params * sizeof *kb), **vb = malloc (n_params * sizeof *vb);

          if (ka == NULL || va == NULL || kb == NULL || vb == NULL)
            fail ("out of memory", NULL);
          pb_graph_list_params (a, pa[i], ka, va, n_params);
          pb_graph_list_params (b, pb[i], kb, vb, n_params);
          for (j = 0; same && j < n_params; j++)
            same = strcmp (ka[j], kb[j]) == 0 && strcmp (va[j], vb[j]) == 0;
          free (ka);
          free (va);
          free (kb);
          free (vb);
        }
    }
  for (i = 0; same && i < n_links; i++)
    same = la[i].a == lb[i].a && la[i].b == lb[i].b
           && pb_graph_link_flags (a, la[i].a) == pb_graph_link_flags (b, lb[i].a);
  free (pa);
  free (pb);
  free (la);
  free (lb);
  return same;
}

/* What loaded must save, and load again as itself. */
static void
check_resave (const pb_graph     *g,
              const pb_store_doc *doc)
{
  pb_store *store = NULL;
  pb_graph *again = NULL;
  pb_store_doc doc_again;
  pb_error err = { 0 };

  remove_document (copy_path);
  if (pb_store_open (copy_path, PB_STORE_WRITE, &store, &err) != PB_OK
      || pb_store_save (store, g, doc, &err) != PB_OK)
    fail ("a document that loads does not save", err.message);
  pb_store_close (store);
  if (pb_store_open (copy_path, PB_STORE_READ, &store, &err) != PB_OK
      || pb_store_load (store, pb_graph_local_host (g), &again, &doc_again, &err) != PB_OK)
    fail ("a saved copy does not load", err.message);
  if (!same_document (g, doc, again, &doc_again))
    fail ("a saved copy loads as something else", NULL);
  pb_graph_free (again);
  pb_store_close (store);
}

/*
 * Saving over a document that loads keeps its recorded runs, whatever
 * its topology becomes: a file must not be able to make our writes
 * delete anything (a foreign key, a trigger of its own). The save goes to
 * a copy of the input, which stays as it was.
 */
static void
check_runs_kept (const uint8_t *data,
                 size_t         size,
                 size_t         n_runs)
{
  pb_store *store = NULL;
  pb_graph *empty = pb_graph_new (0);
  const pb_store_run *runs = NULL;
  size_t n_after = 0;
  pb_error err = { 0 };
  FILE *f;

  remove_document (copy_path);
  f = fopen (copy_path, "wb");
  if (empty == NULL || f == NULL || fwrite (data, 1, size, f) != size || fclose (f) != 0)
    fail ("cannot copy the input", copy_path);
  /* A writer checks more than a reader (the whole integrity check), so
   * it may refuse what loads; but what it opens must take a save. */
  if (pb_store_open (copy_path, PB_STORE_WRITE, &store, &err) != PB_OK)
    {
      check_refusal_of (copy_path, err.code, &err);
      pb_graph_free (empty);
      return;
    }
  if (pb_store_save (store, empty, NULL, &err) != PB_OK
      || pb_store_list_runs (store, &runs, &n_after, &err) != PB_OK)
    fail ("a document that loads does not take a save", err.message);
  if (n_after != n_runs)
    fail ("a save deleted recorded runs", NULL);
  pb_store_close (store);
  pb_graph_free (empty);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  pb_store *store = NULL;
  pb_graph *g = NULL;
  pb_store_doc doc;
  pb_store_info info;
  const pb_store_run *runs = NULL;
  const pb_store_counters *counters = NULL;
  size_t n_runs = 0, n_counters, i;
  pb_error err = { 0 };
  bool runs_listed = false;
  int rc;

  if (dir[0] == '\0')
    setup ();
  write_input (data, size);

  rc = pb_store_open (input_path, PB_STORE_READ, &store, &err);
  if (rc != PB_OK)
    check_refusal (rc, &err);
  else
    {
      if ((rc = pb_store_get_info (store, &info, &err)) != PB_OK)
        check_refusal (rc, &err);
      if ((rc = pb_store_list_runs (store, &runs, &n_runs, &err)) != PB_OK)
        check_refusal (rc, &err);
      else
        runs_listed = true;
      for (i = 0; i < n_runs; i++)
        if ((rc = pb_store_run_counters (store, runs[i].id, &counters, &n_counters, &err)) != PB_OK)
          check_refusal (rc, &err);
      rc = pb_store_load (store, 0, &g, &doc, &err);
      if (rc != PB_OK)
        check_refusal (rc, &err);
      else
        {
          check_resave (g, &doc);
          pb_graph_free (g);
        }
      pb_store_close (store);
      if (rc == PB_OK && runs_listed)
        check_runs_kept (data, size, n_runs);
    }
  if (!input_unchanged (data, size))
    fail ("the input file was modified", NULL);
  return 0;
}
