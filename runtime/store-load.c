/* store-load.c — reading a topology from a document
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pushback/kinds.h>

#include "i18n.h"
#include "store-private.h"

/*
 * Loading. Each step reads one table in the order of its key and checks
 * every row before it touches the graph; the graph's own refusals (a
 * process or a name twice, a port linked twice) are reported as problems
 * of the document too.
 */

static int
load_document (pb_store      *s,
               sqlite3       *db,
               char         **title,
               pb_store_view *view,
               pb_error      *err)
{
  sqlite3_stmt *st = NULL;
  const char *t;
  int64_t id = 0;
  int rc = pb_store__prepare (s, db, "SELECT id, title, zoom, scroll_x, scroll_y FROM document", &st, err);

  if (rc != PB_OK)
    return rc;
  rc = pb_store__step (s, st, N_("read the metadata"), err);
  if (rc == SQLITE_DONE)
    rc = pb_store__bad_row (s, err, _("the metadata row is missing"));
  else if (rc == SQLITE_ROW)
    {
      if (!pb_store__column_int (st, 0, 1, 1, &id))
        rc = pb_store__bad_row (s, err, _("the metadata row is not row 1"));
      else if (!pb_store__column_text (st, 1, false, &t))
        rc = pb_store__bad_row (s, err, _("the title is not text"));
      else if (!pb_store__column_real (st, 2, &view->zoom) || view->zoom <= 0
               || !pb_store__column_real (st, 3, &view->scroll_x)
               || !pb_store__column_real (st, 4, &view->scroll_y))
        rc = pb_store__bad_row (s, err, _("the view is not a zoom greater than 0 and a finite scroll "
                                          "position"));
      else if ((*title = strdup (t)) == NULL)
        rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
      else if ((rc = pb_store__step (s, st, N_("read the metadata"), err)) == SQLITE_ROW)
        rc = pb_store__bad_row (s, err, _("there is more than one metadata row"));
      else if (rc == SQLITE_DONE)
        rc = PB_OK;
    }
  sqlite3_finalize (st);
  return rc;
}

static int
load_processes (pb_store         *s,
                sqlite3          *db,
                pb_graph         *g,
                pb_store_layout **layout,
                pb_error         *err)
{
  sqlite3_stmt *st = NULL;
  pb_store_layout *lay = NULL;
  size_t n = 0, capacity = 0;
  int rc = pb_store__prepare (s, db, "SELECT host, id, kind, name, x, y, width, height, "
                    "collapsed, bypassed FROM processes ORDER BY host, id", &st, err);

  while (rc == PB_OK && (rc = pb_store__step (s, st, N_("read the processes"), err)) == SQLITE_ROW)
    {
      int64_t host, id, collapsed = 0, bypassed = 0;
      const char *kind, *name;
      pb_store_layout l = { 0 };
      char label[LABEL_MAX], q[PB_QUOTE_MAX];
      int grc;

      rc = PB_OK;
      if (!pb_store__column_int (st, 0, 0, PB_HOST_MAX, &host)
          || !pb_store__column_int (st, 1, 1, PB_PROCESS_MAX, &id))
        {
          char qh[PB_QUOTE_MAX], qi[PB_QUOTE_MAX];

          rc = pb_store__bad_row (s, err, _("a process has host %s and id %s: hosts are integers "
                                            "from 0 to %u, ids from 1 to %u"),
                                  pb_store__column_quote (st, 0, qh),
                                  pb_store__column_quote (st, 1, qi), PB_HOST_MAX, PB_PROCESS_MAX);
          break;
        }
      l.process = pb_addr_make ((uint32_t) host, (uint32_t) id, 0);
      pb_store__process_label (l.process, NULL, label);
      if (!pb_store__column_text (st, 2, false, &kind))
        rc = pb_store__bad_row (s, err, _("%s has a kind that is not UTF-8 text"), label);
      else if (pb_kind_find (kind) == NULL)
        rc = pb_store__bad_row (s, err, _("%s has an unknown kind '%s'"), label, pb_quote (kind, q));
      else if (!pb_store__column_text (st, 3, true, &name) || (name != NULL && name[0] == '\0'))
        rc = pb_store__bad_row (s, err, _("%s has a name that is empty or not UTF-8 text"), label);
      else if (sqlite3_column_type (st, 4) == SQLITE_NULL
               && sqlite3_column_type (st, 5) == SQLITE_NULL)
        l.placed = false;
      else if (pb_store__column_real (st, 4, &l.x) && pb_store__column_real (st, 5, &l.y))
        l.placed = true;
      else
        rc = pb_store__bad_row (s, err, _("%s has a position that is not two finite numbers"), label);
      if (rc != PB_OK)
        break;
      if (!pb_store__column_real (st, 6, &l.width) || l.width < 0
          || !pb_store__column_real (st, 7, &l.height) || l.height < 0)
        rc = pb_store__bad_row (s, err, _("%s has a size that is not two finite numbers, not "
                                          "negative"), label);
      else if (!pb_store__column_int (st, 8, 0, 1, &collapsed))
        rc = pb_store__bad_row (s, err, _("%s has a collapsed flag that is not 0 or 1"), label);
      else if (!pb_store__column_int (st, 9, 0, 1, &bypassed))
        rc = pb_store__bad_row (s, err, _("%s has a bypass flag that is not 0 or 1"), label);
      if (rc != PB_OK)
        break;
      l.collapsed = collapsed != 0;

      grc = pb_graph_insert_process (g, l.process, kind);
      if (grc == PB_EEXIST)
        rc = pb_store__bad_row (s, err, _("%s appears twice"), label);
      else if (grc == PB_OK && name != NULL
               && (grc = pb_graph_set_name (g, l.process, name)) == PB_EEXIST)
        rc = pb_store__bad_row (s, err, _("two processes are named '%s'"), pb_quote (name, q));
      else if (grc == PB_EINVAL)
        rc = pb_store__bad_row (s, err, _("%s has a name that is not one line of text ('%s')"), label,
                      pb_quote (name, q));
      else if (grc != PB_OK)
        rc = pb_error_set (err, grc, _("%s: cannot load %s: %s"), s->path, label,
                           pb_strerror (grc));
      else if (bypassed && pb_graph_set_bypass (g, l.process, true) != PB_OK)
        rc = pb_store__bad_row (s, err, _("%s is bypassed, which a %s cannot be"), label,
                                pb_quote (kind, q));
      if (rc != PB_OK)
        break;

      if (n == capacity)
        {
          size_t c = capacity != 0 ? capacity * 2 : 64;
          pb_store_layout *more = realloc (lay, c * sizeof *more);

          if (more == NULL)
            {
              rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
              break;
            }
          lay = more;
          capacity = c;
        }
      lay[n++] = l;
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  sqlite3_finalize (st);
  if (rc != PB_OK)
    {
      free (lay);
      return rc;
    }
  *layout = lay;
  return PB_OK;
}

static int
load_params (pb_store *s,
             sqlite3  *db,
             pb_graph *g,
             pb_error *err)
{
  sqlite3_stmt *st = NULL;
  pb_addr last = 0;
  const pb_kind *kind = NULL;
  char *last_key = NULL;
  int rc = pb_store__prepare (s, db, "SELECT host, id, key, type, value FROM params "
                    "ORDER BY host, id, key", &st, err);

  while (rc == PB_OK && (rc = pb_store__step (s, st, N_("read the parameters"), err)) == SQLITE_ROW)
    {
      int64_t host, id;
      pb_addr process;
      const char *key, *type, *value;
      const pb_param_spec *spec;
      char label[LABEL_MAX], q[PB_QUOTE_MAX], q2[PB_QUOTE_MAX];
      pb_error perr;
      int grc;

      rc = PB_OK;
      if (!pb_store__column_int (st, 0, 0, PB_HOST_MAX, &host)
          || !pb_store__column_int (st, 1, 1, PB_PROCESS_MAX, &id))
        {
          char qh[PB_QUOTE_MAX], qi[PB_QUOTE_MAX];

          rc = pb_store__bad_row (s, err, _("a parameter belongs to host %s and id %s, which is no "
                                            "process address"), pb_store__column_quote (st, 0, qh),
                        pb_store__column_quote (st, 1, qi));
          break;
        }
      process = pb_addr_make ((uint32_t) host, (uint32_t) id, 0);
      pb_store__process_label (process, pb_graph_process_name (g, process), label);
      if (!pb_graph_has_process (g, process))
        {
          rc = pb_store__bad_row (s, err, _("a parameter belongs to %s, which does not exist"), label);
          break;
        }
      if (process != last)
        {
          free (last_key);
          last_key = NULL;
          last = process;
          kind = pb_kind_find (pb_graph_process_kind (g, process));
        }
      if (!pb_store__column_text (st, 2, false, &key) || key[0] == '\0')
        rc = pb_store__bad_row (s, err, _("%s has a parameter whose key is not text"), label);
      else if (last_key != NULL && strcmp (last_key, key) == 0)
        rc = pb_store__bad_row (s, err, _("%s has parameter '%s' twice"), label, pb_quote (key, q));
      else if ((spec = pb_kind_find_param (kind, key)) == NULL)
        rc = pb_store__bad_row (s, err, _("%s: kind '%s' has no parameter '%s'"), label,
                      pb_kind_name (kind), pb_quote (key, q));
      else if (!pb_store__column_text (st, 3, false, &type))
        rc = pb_store__bad_row (s, err, _("%s: parameter '%s' has a type that is not text"), label, key);
      else if (strcmp (type, pb_store__param_type_names[spec->type]) != 0)
        rc = pb_store__bad_row (s, err, _("%s: parameter '%s' was saved as %s, but kind '%s' takes %s"),
                      label, key, pb_quote (type, q2), pb_kind_name (kind),
                      pb_store__param_type_names[spec->type]);
      else if (!pb_store__column_text (st, 4, false, &value))
        rc = pb_store__bad_row (s, err, _("%s: parameter '%s' has a value that is not UTF-8 text"),
                      label, key);
      else if (pb_kind_check_param (kind, key, value, &perr) != PB_OK)
        rc = pb_store__bad_row (s, err, _("%s: %s"), label, perr.message);
      if (rc != PB_OK)
        break;

      grc = pb_graph_set_param (g, process, key, value);
      if (grc != PB_OK)
        {
          rc = pb_error_set (err, grc, _("%s: cannot load %s: %s"), s->path, label,
                             pb_strerror (grc));
          break;
        }
      free (last_key);
      if ((last_key = strdup (key)) == NULL)
        {
          rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
          break;
        }
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  free (last_key);
  sqlite3_finalize (st);
  return rc;
}

/* Orders rows by peer, then port: the order of the links they close. */
static int
compare_by_peer (const void *a,
                 const void *b)
{
  const link_row *x = a, *y = b;

  if (x->peer != y->peer)
    return x->peer < y->peer ? -1 : 1;
  return x->port < y->port ? -1 : x->port > y->port;
}

/*
 * Each link has two rows, (a, b) and (b, a). The row with the lower
 * address makes the link in the graph, which refuses a port linked twice;
 * the other rows are kept, sorted by peer, and must then match the graph's
 * links (listed with a < b, by a) one for one, flags included.
 */
static int
load_links (pb_store *s,
            sqlite3  *db,
            pb_graph *g,
            pb_error *err)
{
  sqlite3_stmt *st = NULL;
  link_row *back = NULL;
  pb_connection *links = NULL;
  size_t n_back = 0, capacity = 0, n_links, i;
  char pa[PB_ADDR_STRLEN], pb[PB_ADDR_STRLEN];
  int rc = pb_store__prepare (s, db, "SELECT port, peer, flags FROM links ORDER BY port", &st, err);

  while (rc == PB_OK && (rc = pb_store__step (s, st, N_("read the links"), err)) == SQLITE_ROW)
    {
      link_row r;
      int64_t flags = 0;
      const char *problem = NULL;
      int grc;

      rc = PB_OK;
      if (!pb_store__column_address (st, 0, &r.port) || !pb_store__column_address (st, 1, &r.peer))
        {
          rc = pb_store__bad_row (s, err, _("a link has an address that is not an integer"));
          break;
        }
      /* Addresses are formatted only for a message: this loop runs twice
       * per link. */
      if (!pb_store__column_int (st, 2, 0, UINT32_MAX, &flags))
        problem = N_("has flags that are not an integer from 0 to 4294967295");
      else if (pb_addr_process (r.port) == 0 || pb_addr_process (r.peer) == 0)
        problem = N_("has an end on process id 0");
      else if (r.port == r.peer)
        problem = N_("joins a port to itself");
      else if (!pb_graph_has_process (g, r.port))
        problem = N_("starts at a process that does not exist");
      else if (!pb_graph_has_process (g, r.peer))
        problem = N_("ends at a process that does not exist");
      else if (!pb_store__port_exists (g, r.port))
        problem = N_("starts at a port that the kind of its process does not have");
      if (problem != NULL)
        {
          /* Translators: the last %s says what is wrong with the link, as
           * "has an end on process id 0" (translated on its own). */
          rc = pb_store__bad_row (s, err, _("link %s -> %s %s"), pb_addr_format (r.port, pa),
                        pb_addr_format (r.peer, pb), _(problem));
          break;
        }
      r.flags = (uint32_t) flags;

      if (r.port > r.peer)
        {
          if (n_back == capacity)
            {
              size_t c = capacity != 0 ? capacity * 2 : 64;
              link_row *more = realloc (back, c * sizeof *more);

              if (more == NULL)
                {
                  rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
                  break;
                }
              back = more;
              capacity = c;
            }
          back[n_back++] = r;
          continue;
        }
      grc = pb_graph_connect (g, r.port, r.peer);
      if (grc == PB_EBUSY)
        rc = pb_store__bad_row (s, err, _("port %s is linked twice"),
                      pb_addr_format (pb_graph_peer (g, r.port) != 0 ? r.port : r.peer, pa));
      else if (grc == PB_OK)
        grc = pb_graph_set_link_flags (g, r.port, r.flags);
      if (rc == PB_OK && grc != PB_OK)
        rc = pb_error_set (err, grc, _("%s: cannot load link %s -> %s: %s"), s->path,
                           pb_addr_format (r.port, pa), pb_addr_format (r.peer, pb),
                           pb_strerror (grc));
      if (rc != PB_OK)
        break;
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  sqlite3_finalize (st);

  n_links = pb_graph_n_connections (g);
  if (rc == PB_OK && n_links > 0
      && (links = malloc (n_links * sizeof *links)) == NULL)
    rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
  if (rc == PB_OK)
    {
      pb_graph_list_connections (g, links, n_links);
      if (n_back > 0)
        qsort (back, n_back, sizeof *back, compare_by_peer);
      for (i = 0; rc == PB_OK && (i < n_links || i < n_back); i++)
        {
          /* The first mismatch in two sorted lists: whichever is smaller
           * has no partner in the other. */
          if (i < n_links
              && (i == n_back || links[i].a < back[i].peer
                  || (links[i].a == back[i].peer && links[i].b < back[i].port)))
            rc = pb_store__bad_row (s, err, _("link %s -> %s has no row for the way back"),
                          pb_addr_format (links[i].a, pa), pb_addr_format (links[i].b, pb));
          else if (i == n_links || links[i].a != back[i].peer || links[i].b != back[i].port)
            rc = pb_store__bad_row (s, err, _("link %s -> %s has no row for the way back, or is "
                                              "linked twice"), pb_addr_format (back[i].port, pa),
                          pb_addr_format (back[i].peer, pb));
          else if (pb_graph_link_flags (g, links[i].a) != back[i].flags)
            rc = pb_store__bad_row (s, err, _("link %s -> %s has different flags at its two ends"),
                          pb_addr_format (links[i].a, pa), pb_addr_format (links[i].b, pb));
        }
    }
  free (links);
  free (back);
  return rc;
}

int
pb_store_load (pb_store      *s,
               uint32_t       local_host,
               pb_graph     **graph,
               pb_store_doc  *doc,
               pb_error      *err)
{
  sqlite3 *db;
  pb_graph *g;
  pb_store_layout *layout = NULL;
  stored_frames frames = { 0 };
  char *title = NULL;
  pb_store_view view = { 0 };
  int rc;

  if (graph != NULL)
    *graph = NULL;
  if (s == NULL || graph == NULL || local_host > PB_HOST_MAX)
    return pb_error_set (err, PB_EINVAL, _("pb_store_load: invalid argument"));

  g = pb_graph_new (local_host);
  if (g == NULL)
    return pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);

  /* One read transaction, so that a concurrent save is seen whole or not
   * at all. */
  db = pb_store__reader (s);
  rc = pb_store__exec (s, db, "BEGIN", N_("read the document"), err);
  if (rc == PB_OK)
    {
      rc = load_document (s, db, &title, &view, err);
      if (rc == PB_OK)
        rc = load_processes (s, db, g, &layout, err);
      if (rc == PB_OK)
        rc = load_params (s, db, g, err);
      if (rc == PB_OK)
        rc = load_links (s, db, g, err);
      if (rc == PB_OK)
        rc = pb_store__read_frames (s, db, g, &frames, err);
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
    }
  if (rc != PB_OK)
    {
      pb_graph_free (g);
      free (layout);
      free (title);
      return rc;
    }

  free (s->layout);
  free (s->title);
  pb_store__frames_clear (&s->frames);
  s->layout = layout;
  s->title = title;
  s->frames = frames;
  if (doc != NULL)
    {
      doc->title = title;
      doc->view = view;
      doc->layout = layout;
      doc->n_layout = pb_graph_n_processes (g);
      doc->frames = frames.frames;
      doc->n_frames = frames.n;
    }
  *graph = g;
  return PB_OK;
}
