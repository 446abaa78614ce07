/* store-save.c — writing a topology into a document, row by changed row
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pushback/kinds.h>
#include <pushback/version.h>

#include "i18n.h"
#include "store-private.h"

/*
 * Saving. A save checks everything first, then writes, in one transaction,
 * only what differs from the saved rows: each table is merged with what
 * the graph says, both in the order of the table's key. A save after a
 * small edit writes little, and a save into a new document only inserts.
 * Deleting every row and inserting them again would cost more than all
 * the rest together: with foreign keys on, SQLite deletes row by row.
 */

/* A growable array of 64-bit numbers: addresses or indices. */
typedef struct
{
  uint64_t *items;
  size_t    n;
  size_t    capacity;
} u64_list;

static bool
u64_list_add (u64_list *l,
              uint64_t  v)
{
  if (l->n == l->capacity)
    {
      size_t capacity = l->capacity != 0 ? l->capacity * 2 : 64;
      uint64_t *items = realloc (l->items, capacity * sizeof *items);

      if (items == NULL)
        return false;
      l->items = items;
      l->capacity = capacity;
    }
  l->items[l->n++] = v;
  return true;
}

/* What the graph says of one process, with its layout entry if any. */
typedef struct
{
  pb_addr                process;
  const char            *kind;
  const char            *name;
  bool                   bypassed;
  const pb_store_layout *layout;
} process_row;

/* One parameter; the strings belong to the graph or the catalogue. */
typedef struct
{
  pb_addr     process;
  const char *key;
  const char *type;
  const char *value;
} param_row;

/* Everything a save writes, checked. */
typedef struct
{
  process_row *processes;
  size_t       n_processes;
  param_row   *params;
  size_t       n_params;
  size_t       params_capacity;
  link_row    *links;
  size_t       n_links;
  const char **keys;      /* room to list one process's parameters */
  const char **values;
  size_t       keys_capacity;
} save_rows;

static void
save_rows_clear (save_rows *r)
{
  free (r->processes);
  free (r->params);
  free (r->links);
  free (r->keys);
  free (r->values);
}

/* Makes room for @n more parameters in @r, and to list @n at once. */
static bool
save_rows_reserve_params (save_rows *r,
                          size_t     n)
{
  if (r->n_params + n > r->params_capacity)
    {
      size_t capacity = r->params_capacity != 0 ? r->params_capacity : 64;
      param_row *more;

      while (capacity < r->n_params + n)
        capacity *= 2;
      more = realloc (r->params, capacity * sizeof *more);
      if (more == NULL)
        return false;
      r->params = more;
      r->params_capacity = capacity;
    }
  if (n > r->keys_capacity)
    {
      const char **keys = realloc (r->keys, n * sizeof *keys);
      const char **values;

      if (keys == NULL)
        return false;
      r->keys = keys;
      values = realloc (r->values, n * sizeof *values);
      if (values == NULL)
        return false;
      r->values = values;
      r->keys_capacity = n;
    }
  return true;
}

static int
compare_layout (const void *a,
                const void *b)
{
  pb_addr x = ((const pb_store_layout *) a)->process;
  pb_addr y = ((const pb_store_layout *) b)->process;

  return x < y ? -1 : x > y;
}

/* Links are kept in the order of their key, signed. */
static int
compare_by_sql_port (const void *a,
                     const void *b)
{
  int64_t x = pb_store__addr_to_sql (((const link_row *) a)->port);
  int64_t y = pb_store__addr_to_sql (((const link_row *) b)->port);

  return x < y ? -1 : x > y;
}

/* Checks the layout entries, sorted by process, against the processes of
 * the graph, sorted too, and points each process at its entry. */
static int
check_layout (const pb_store        *s,
              const pb_store_layout *layout,
              size_t                 n_layout,
              save_rows             *rows,
              pb_error              *err)
{
  size_t i, j = 0;
  char label[LABEL_MAX];

  for (i = 0; i < n_layout; i++)
    {
      const pb_store_layout *l = &layout[i];

      pb_store__process_label (l->process, NULL, label);
      if (pb_addr_port (l->process) != 0)
        return pb_error_set (err, PB_EINVAL, _("%s: cannot save the layout of %s: its "
                                               "address has port bits"), s->path, label);
      if (i > 0 && layout[i - 1].process == l->process)
        return pb_error_set (err, PB_EINVAL, _("%s: cannot save the layout: %s appears "
                                               "twice"), s->path, label);
      while (j < rows->n_processes && rows->processes[j].process < l->process)
        j++;
      if (j == rows->n_processes || rows->processes[j].process != l->process)
        return pb_error_set (err, PB_EINVAL, _("%s: cannot save the layout of %s: the "
                                               "graph has no such process"), s->path, label);
      if ((l->placed && (!isfinite (l->x) || !isfinite (l->y)))
          || !isfinite (l->width) || l->width < 0
          || !isfinite (l->height) || l->height < 0)
        return pb_error_set (err, PB_EINVAL, _("%s: cannot save the layout of %s: a coordinate "
                                               "is not finite, or a size is negative"),
                             s->path, label);
      rows->processes[j].layout = l;
    }
  return PB_OK;
}

/* Refuses in process @r of @g what the loader would refuse, and adds its
 * parameters to @rows. */
static int
check_process (const pb_store *s,
               const pb_graph *g,
               process_row    *r,
               save_rows      *rows,
               pb_error       *err)
{
  const char *kind_name = pb_graph_process_kind (g, r->process);
  const pb_kind *kind = pb_kind_find (kind_name);
  char label[LABEL_MAX], q[PB_QUOTE_MAX];
  size_t n = pb_graph_list_params (g, r->process, NULL, NULL, 0);
  size_t i;
  pb_error perr;

  r->name = pb_graph_process_name (g, r->process);
  pb_store__process_label (r->process, pb_store__text_valid (r->name) ? r->name : NULL, label);
  if (kind == NULL && kind_name == NULL)
    return pb_error_set (err, PB_EINVAL, _("%s: cannot save %s: it has no kind"), s->path,
                         label);
  if (kind == NULL)
    return pb_error_set (err, PB_EINVAL, _("%s: cannot save %s: its kind '%s' is not in "
                                           "the catalogue"), s->path, label, pb_quote (kind_name, q));
  r->kind = pb_kind_name (kind);
  r->bypassed = pb_graph_get_bypass (g, r->process);

  if (!save_rows_reserve_params (rows, n))
    return pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
  pb_graph_list_params (g, r->process, rows->keys, rows->values, n);
  for (i = 0; i < n; i++)
    {
      const char *key = rows->keys[i], *value = rows->values[i];
      param_row *p = &rows->params[rows->n_params++];

      if (pb_kind_check_param (kind, key, value, &perr) != PB_OK)
        return pb_error_set (err, PB_EINVAL, _("%s: cannot save %s: %s"), s->path, label,
                             perr.message);
      if (!pb_store__text_valid (value))
        return pb_error_set (err, PB_EINVAL, _("%s: cannot save %s: parameter '%s' is not "
                                               "UTF-8"), s->path, label, key);
      p->process = r->process;
      p->key = key;
      p->type = pb_store__param_type_names[pb_kind_find_param (kind, key)->type];
      p->value = value;
    }
  return PB_OK;
}

/* Collects and checks what a save of @g and @doc writes. */
static int
collect_rows (const pb_store     *s,
              const pb_graph     *g,
              const pb_store_doc *doc,
              pb_store_layout   **layout,
              save_rows          *rows,
              pb_error           *err)
{
  size_t n = pb_graph_n_processes (g);
  size_t n_links = pb_graph_n_connections (g);
  size_t n_layout = doc != NULL ? doc->n_layout : 0;
  pb_addr *procs = malloc ((n + 1) * sizeof *procs);
  pb_connection *links = malloc ((n_links + 1) * sizeof *links);
  char pa[PB_ADDR_STRLEN], pb[PB_ADDR_STRLEN];
  size_t i;
  int rc = PB_OK;

  *layout = malloc ((n_layout + 1) * sizeof **layout);
  rows->processes = calloc (n + 1, sizeof *rows->processes);
  rows->links = malloc ((2 * n_links + 1) * sizeof *rows->links);
  if (procs == NULL || links == NULL || *layout == NULL || rows->processes == NULL
      || rows->links == NULL)
    rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);

  if (rc == PB_OK)
    {
      pb_graph_list_processes (g, procs, n);
      for (i = 0; i < n; i++)
        rows->processes[i].process = procs[i];
      rows->n_processes = n;
      if (n_layout > 0)
        {
          memcpy (*layout, doc->layout, n_layout * sizeof **layout);
          qsort (*layout, n_layout, sizeof **layout, compare_layout);
        }
      rc = check_layout (s, *layout, n_layout, rows, err);
    }
  for (i = 0; rc == PB_OK && i < n; i++)
    rc = check_process (s, g, &rows->processes[i], rows, err);

  if (rc == PB_OK)
    pb_graph_list_connections (g, links, n_links);
  for (i = 0; rc == PB_OK && i < n_links; i++)
    {
      pb_addr a = links[i].a, b = links[i].b;
      pb_addr bad = !pb_store__port_exists (g, a) ? a : !pb_store__port_exists (g, b) ? b : 0;
      uint32_t flags = pb_graph_link_flags (g, a);

      if (bad != 0)
        rc = pb_error_set (err, PB_EINVAL, _("%s: cannot save link %s -> %s: the kind of "
                                             "the process of %s has no port %u"), s->path,
                           pb_addr_format (a, pa), pb_addr_format (b, pb),
                           bad == a ? pa : pb, pb_addr_port (bad));
      rows->links[2 * i] = (link_row) { a, b, flags };
      rows->links[2 * i + 1] = (link_row) { b, a, flags };
    }
  if (rc == PB_OK)
    {
      rows->n_links = 2 * n_links;
      qsort (rows->links, rows->n_links, sizeof *rows->links, compare_by_sql_port);
    }
  free (links);
  free (procs);
  return rc;
}

/* Whether column @col holds the text @want (NULL for SQL NULL). */
static bool
column_is_text (sqlite3_stmt *st,
                int           col,
                const char   *want)
{
  const char *text;

  if (want == NULL)
    return sqlite3_column_type (st, col) == SQLITE_NULL;
  if (sqlite3_column_type (st, col) != SQLITE_TEXT)
    return false;
  text = (const char *) sqlite3_column_text (st, col);
  return text != NULL && (size_t) sqlite3_column_bytes (st, col) == strlen (want)
         && strcmp (text, want) == 0;
}

static bool
column_is_real (sqlite3_stmt *st,
                int           col,
                double        want)
{
  double v;

  return pb_store__column_real (st, col, &v) && v == want;
}

/* Whether the saved row under @st (host, id, kind, name, x, y, width,
 * height, collapsed, bypassed) already says what @r says. */
static bool
process_row_equal (sqlite3_stmt      *st,
                   const process_row *r)
{
  const pb_store_layout *l = r->layout;

  return column_is_text (st, 2, r->kind)
         && column_is_text (st, 3, r->name)
         && (l != NULL && l->placed
             ? column_is_real (st, 4, l->x) && column_is_real (st, 5, l->y)
             : sqlite3_column_type (st, 4) == SQLITE_NULL
               && sqlite3_column_type (st, 5) == SQLITE_NULL)
         && column_is_real (st, 6, l != NULL ? l->width : 0)
         && column_is_real (st, 7, l != NULL ? l->height : 0)
         && sqlite3_column_type (st, 8) == SQLITE_INTEGER
         && sqlite3_column_int64 (st, 8) == (l != NULL && l->collapsed)
         && sqlite3_column_type (st, 9) == SQLITE_INTEGER
         && sqlite3_column_int64 (st, 9) == r->bypassed;
}

/* The saved process under @st (host, id first), or 0 when its address is
 * not valid; such rows are deleted. */
static pb_addr
column_process (sqlite3_stmt *st)
{
  int64_t host, id;

  if (!pb_store__column_int (st, 0, 0, PB_HOST_MAX, &host) || !pb_store__column_int (st, 1, 1, PB_PROCESS_MAX, &id))
    return 0;
  return pb_addr_make ((uint32_t) host, (uint32_t) id, 0);
}

/* Runs @sql, which takes (host, id), for every process in @gone. */
static int
delete_processes (pb_store       *s,
                  const char     *sql,
                  const u64_list *gone,
                  pb_error       *err)
{
  sqlite3_stmt *st = NULL;
  size_t k;
  int rc = gone->n > 0 ? pb_store__prepare (s, s->db, sql, &st, err) : PB_OK;

  for (k = 0; rc == PB_OK && k < gone->n; k++)
    {
      sqlite3_bind_int64 (st, 1, pb_addr_host (gone->items[k]));
      sqlite3_bind_int64 (st, 2, pb_addr_process (gone->items[k]));
      rc = pb_store__run (s, st, err);
    }
  sqlite3_finalize (st);
  return rc;
}

/* Binds the columns of @r to @st, in the order of the table. */
static void
bind_process (sqlite3_stmt      *st,
              const process_row *r)
{
  const pb_store_layout *l = r->layout;

  sqlite3_bind_int64 (st, 1, pb_addr_host (r->process));
  sqlite3_bind_int64 (st, 2, pb_addr_process (r->process));
  sqlite3_bind_text (st, 3, r->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, r->name, -1, SQLITE_STATIC);
  if (l != NULL && l->placed)
    {
      sqlite3_bind_double (st, 5, l->x);
      sqlite3_bind_double (st, 6, l->y);
    }
  sqlite3_bind_double (st, 7, l != NULL ? l->width : 0);
  sqlite3_bind_double (st, 8, l != NULL ? l->height : 0);
  sqlite3_bind_int (st, 9, l != NULL && l->collapsed);
  sqlite3_bind_int (st, 10, r->bypassed);
}

/*
 * The processes table. Saved rows the graph lacks are deleted, and their
 * parameters with them (the foreign key cascades); differing rows are
 * updated and new rows inserted. Names are unique, so a saved process
 * whose name another process of @g is about to take lets go of it first:
 * a save may swap two names.
 */
static int
sync_processes (pb_store        *s,
                const pb_graph  *g,
                const save_rows *rows,
                pb_error        *err)
{
  sqlite3_stmt *st = NULL, *put = NULL;
  u64_list gone = { 0 }, changed = { 0 }, added = { 0 }, unnamed = { 0 };
  size_t i = 0, k;
  bool ok = true;
  int rc = pb_store__prepare (s, s->db, "SELECT host, id, kind, name, x, y, width, height, "
                    "collapsed, bypassed FROM processes ORDER BY host, id", &st, err);

  while (rc == PB_OK && ok && (rc = pb_store__step (s, st, N_("save"), err)) == SQLITE_ROW)
    {
      pb_addr saved = column_process (st);

      if (saved == 0)
        {
          rc = pb_store__bad_row (s, err, _("a saved process has an invalid address"));
          break;
        }
      rc = PB_OK;
      while (ok && i < rows->n_processes && rows->processes[i].process < saved)
        ok = u64_list_add (&added, i++);
      if (i < rows->n_processes && rows->processes[i].process == saved)
        {
          if (!process_row_equal (st, &rows->processes[i]))
            {
              /* After the type: reading text converts a value. */
              const char *name = sqlite3_column_type (st, 3) == SQLITE_TEXT
                                 ? (const char *) sqlite3_column_text (st, 3) : NULL;
              pb_addr owner = pb_graph_find_name (g, name);

              ok = u64_list_add (&changed, i)
                   && (owner == 0 || owner == saved || u64_list_add (&unnamed, saved));
            }
          i++;
        }
      else
        ok = u64_list_add (&gone, saved);
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  while (rc == PB_OK && ok && i < rows->n_processes)
    ok = u64_list_add (&added, i++);
  sqlite3_finalize (st);
  if (rc == PB_OK && !ok)
    rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);

  if (rc == PB_OK)
    rc = delete_processes (s, "DELETE FROM processes WHERE host = ? AND id = ?", &gone, err);
  if (rc == PB_OK)
    rc = delete_processes (s, "UPDATE processes SET name = NULL WHERE host = ? AND id = ?",
                           &unnamed, err);
  if (rc == PB_OK && changed.n > 0)
    rc = pb_store__prepare (s, s->db, "UPDATE processes SET kind = ?3, name = ?4, x = ?5, y = ?6, "
                  "width = ?7, height = ?8, collapsed = ?9, bypassed = ?10 "
                  "WHERE host = ?1 AND id = ?2",
                  &put, err);
  for (k = 0; rc == PB_OK && k < changed.n; k++)
    {
      bind_process (put, &rows->processes[changed.items[k]]);
      rc = pb_store__run (s, put, err);
    }
  sqlite3_finalize (put);
  put = NULL;
  if (rc == PB_OK && added.n > 0)
    rc = pb_store__prepare (s, s->db, "INSERT INTO processes (host, id, kind, name, x, y, width, "
                  "height, collapsed, bypassed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  &put, err);
  for (k = 0; rc == PB_OK && k < added.n; k++)
    {
      bind_process (put, &rows->processes[added.items[k]]);
      rc = pb_store__run (s, put, err);
    }
  sqlite3_finalize (put);
  free (gone.items);
  free (changed.items);
  free (added.items);
  free (unnamed.items);
  return rc;
}

/* Orders a saved parameter (host, id, key under @st) against @p. */
static int
compare_param_key (sqlite3_stmt    *st,
                   pb_addr          saved,
                   const param_row *p)
{
  if (saved != p->process)
    return saved < p->process ? -1 : 1;
  return strcmp ((const char *) sqlite3_column_text (st, 2), p->key);
}

/* Runs @sql, which takes (host, id, key, type, value), for the parameters
 * of @rows listed in @which. */
static int
put_params (pb_store        *s,
            const char      *sql,
            const save_rows *rows,
            const u64_list  *which,
            pb_error        *err)
{
  sqlite3_stmt *st = NULL;
  size_t k;
  int rc = pb_store__prepare (s, s->db, sql, &st, err);

  for (k = 0; rc == PB_OK && k < which->n; k++)
    {
      const param_row *p = &rows->params[which->items[k]];

      sqlite3_bind_int64 (st, 1, pb_addr_host (p->process));
      sqlite3_bind_int64 (st, 2, pb_addr_process (p->process));
      sqlite3_bind_text (st, 3, p->key, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 4, p->type, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 5, p->value, -1, SQLITE_STATIC);
      rc = pb_store__run (s, st, err);
    }
  sqlite3_finalize (st);
  return rc;
}

/* The params table, after sync_processes(); keys sort as strcmp() does,
 * both in the graph and in SQLite's BINARY collation. */
static int
sync_params (pb_store        *s,
             const save_rows *rows,
             pb_error        *err)
{
  sqlite3_stmt *st = NULL, *del = NULL;
  u64_list changed = { 0 }, added = { 0 }, gone = { 0 };
  string_list gone_keys = { 0 };
  size_t i = 0, k;
  bool ok = true;
  int rc = pb_store__prepare (s, s->db, "SELECT host, id, key, type, value FROM params "
                    "ORDER BY host, id, key", &st, err);

  while (rc == PB_OK && ok && (rc = pb_store__step (s, st, N_("save"), err)) == SQLITE_ROW)
    {
      pb_addr saved = column_process (st);
      int c = 1;

      if (saved == 0 || sqlite3_column_type (st, 2) != SQLITE_TEXT)
        {
          rc = pb_store__bad_row (s, err, _("a saved parameter has an invalid address or key"));
          break;
        }
      rc = PB_OK;
      while (ok && i < rows->n_params
             && (c = compare_param_key (st, saved, &rows->params[i])) > 0)
        ok = u64_list_add (&added, i++);
      if (i < rows->n_params && c == 0)
        {
          if (!column_is_text (st, 3, rows->params[i].type)
              || !column_is_text (st, 4, rows->params[i].value))
            ok = u64_list_add (&changed, i);
          i++;
        }
      else
        {
          const char *key;

          ok = u64_list_add (&gone, saved)
               && pb_store__string_list_add (&gone_keys, (const char *) sqlite3_column_text (st, 2),
                                   &key);
        }
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  while (rc == PB_OK && ok && i < rows->n_params)
    ok = u64_list_add (&added, i++);
  sqlite3_finalize (st);
  if (rc == PB_OK && !ok)
    rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);

  if (rc == PB_OK && gone.n > 0)
    rc = pb_store__prepare (s, s->db, "DELETE FROM params WHERE host = ? AND id = ? AND key = ?",
                  &del, err);
  for (k = 0; rc == PB_OK && k < gone.n; k++)
    {
      sqlite3_bind_int64 (del, 1, pb_addr_host (gone.items[k]));
      sqlite3_bind_int64 (del, 2, pb_addr_process (gone.items[k]));
      sqlite3_bind_text (del, 3, gone_keys.items[k], -1, SQLITE_STATIC);
      rc = pb_store__run (s, del, err);
    }
  if (rc == PB_OK && changed.n > 0)
    rc = put_params (s, "UPDATE params SET type = ?4, value = ?5 "
                     "WHERE host = ?1 AND id = ?2 AND key = ?3", rows, &changed, err);
  if (rc == PB_OK && added.n > 0)
    rc = put_params (s, "INSERT INTO params (host, id, key, type, value) "
                     "VALUES (?, ?, ?, ?, ?)", rows, &added, err);
  sqlite3_finalize (del);
  free (changed.items);
  free (added.items);
  free (gone.items);
  pb_store__string_list_clear (&gone_keys);
  return rc;
}

/*
 * The links table. A row whose peer or flags changed is deleted and
 * inserted again, and all deletions come first: peer is unique, and
 * rewiring two links would otherwise collide half-way. The symmetry key
 * is deferred to the commit.
 */
static int
sync_links (pb_store        *s,
            const save_rows *rows,
            pb_error        *err)
{
  sqlite3_stmt *st = NULL, *del = NULL, *put = NULL;
  u64_list added = { 0 }, gone = { 0 };
  size_t i = 0, k;
  bool ok = true;
  int rc = pb_store__prepare (s, s->db, "SELECT port, peer, flags FROM links ORDER BY port", &st, err);

  while (rc == PB_OK && ok && (rc = pb_store__step (s, st, N_("save"), err)) == SQLITE_ROW)
    {
      int64_t port;
      const link_row *r;

      if (sqlite3_column_type (st, 0) != SQLITE_INTEGER)
        {
          rc = pb_store__bad_row (s, err, _("a saved link has an address that is not an integer"));
          break;
        }
      port = sqlite3_column_int64 (st, 0);
      rc = PB_OK;
      while (ok && i < rows->n_links && pb_store__addr_to_sql (rows->links[i].port) < port)
        ok = u64_list_add (&added, i++);
      r = i < rows->n_links && pb_store__addr_to_sql (rows->links[i].port) == port ? &rows->links[i] : NULL;
      if (r != NULL)
        i++;
      if (r != NULL && sqlite3_column_type (st, 1) == SQLITE_INTEGER
          && sqlite3_column_int64 (st, 1) == pb_store__addr_to_sql (r->peer)
          && sqlite3_column_type (st, 2) == SQLITE_INTEGER
          && sqlite3_column_int64 (st, 2) == r->flags)
        continue;
      ok = u64_list_add (&gone, (uint64_t) port)
           && (r == NULL || u64_list_add (&added, (uint64_t) (r - rows->links)));
    }
  if (rc == SQLITE_DONE)
    rc = PB_OK;
  while (rc == PB_OK && ok && i < rows->n_links)
    ok = u64_list_add (&added, i++);
  sqlite3_finalize (st);
  if (rc == PB_OK && !ok)
    rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);

  /* When most saved links go, emptying the table in one statement and
   * writing every link again is quicker than one delete per row. */
  if (rc == PB_OK && gone.n > 0 && gone.n >= rows->n_links / 2)
    {
      rc = pb_store__exec (s, s->db, "DELETE FROM links", N_("save"), err);
      added.n = 0;
      for (k = 0; rc == PB_OK && ok && k < rows->n_links; k++)
        ok = u64_list_add (&added, k);
      if (rc == PB_OK && !ok)
        rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
      gone.n = 0;
    }
  if (rc == PB_OK && gone.n > 0)
    rc = pb_store__prepare (s, s->db, "DELETE FROM links WHERE port = ?", &del, err);
  for (k = 0; rc == PB_OK && k < gone.n; k++)
    {
      sqlite3_bind_int64 (del, 1, (int64_t) gone.items[k]);
      rc = pb_store__run (s, del, err);
    }
  if (rc == PB_OK && added.n > 0)
    rc = pb_store__prepare (s, s->db, "INSERT INTO links (port, peer, flags) VALUES (?, ?, ?)",
                  &put, err);
  for (k = 0; rc == PB_OK && k < added.n; k++)
    {
      const link_row *r = &rows->links[added.items[k]];

      sqlite3_bind_int64 (put, 1, pb_store__addr_to_sql (r->port));
      sqlite3_bind_int64 (put, 2, pb_store__addr_to_sql (r->peer));
      sqlite3_bind_int64 (put, 3, r->flags);
      rc = pb_store__run (s, put, err);
    }
  sqlite3_finalize (del);
  sqlite3_finalize (put);
  free (added.items);
  free (gone.items);
  return rc;
}

static int
write_document (pb_store           *s,
                const pb_store_doc *doc,
                pb_error           *err)
{
  sqlite3_stmt *st = NULL;
  int rc;

  if (doc != NULL)
    rc = pb_store__prepare (s, s->db, "UPDATE document SET modified_us = ?, app_version = ?, "
                  "title = ?, zoom = ?, scroll_x = ?, scroll_y = ?", &st, err);
  else
    rc = pb_store__prepare (s, s->db, "UPDATE document SET modified_us = ?, app_version = ?",
                  &st, err);
  if (rc != PB_OK)
    return rc;
  sqlite3_bind_int64 (st, 1, pb_store__now_us ());
  sqlite3_bind_text (st, 2, PB_VERSION, -1, SQLITE_STATIC);
  if (doc != NULL)
    {
      sqlite3_bind_text (st, 3, doc->title, -1, SQLITE_STATIC);
      sqlite3_bind_double (st, 4, doc->view.zoom);
      sqlite3_bind_double (st, 5, doc->view.scroll_x);
      sqlite3_bind_double (st, 6, doc->view.scroll_y);
    }
  rc = pb_store__run (s, st, err);
  sqlite3_finalize (st);
  return rc;
}

int
pb_store_save (pb_store           *s,
               const pb_graph     *g,
               const pb_store_doc *doc,
               pb_error           *err)
{
  save_rows rows = { 0 };
  pb_store_layout *layout = NULL;
  stored_frames frames = { 0 };
  int rc;

  if (s == NULL || g == NULL
      || (doc != NULL && (doc->title == NULL || (doc->layout == NULL && doc->n_layout > 0))))
    return pb_error_set (err, PB_EINVAL, _("pb_store_save: invalid argument"));
  if (s->mode != PB_STORE_WRITE)
    return pb_error_set (err, PB_EINVAL, _("%s is open read-only"), s->path);
  if (doc != NULL && !pb_store__text_valid (doc->title))
    return pb_error_set (err, PB_EINVAL, _("%s: cannot save the title: it is not UTF-8"),
                         s->path);
  if (doc != NULL && (!isfinite (doc->view.zoom) || doc->view.zoom <= 0
                      || !isfinite (doc->view.scroll_x) || !isfinite (doc->view.scroll_y)))
    return pb_error_set (err, PB_EINVAL, _("%s: cannot save the view: the zoom must be "
                                           "finite and greater than 0, the scroll position "
                                           "finite"), s->path);

  rc = collect_rows (s, g, doc, &layout, &rows, err);
  if (rc == PB_OK)
    rc = pb_store__check_frames (s, g, doc, &frames, err);
  if (rc == PB_OK)
    rc = pb_store__begin_write (s, err);
  if (rc == PB_OK)
    {
      rc = sync_processes (s, g, &rows, err);
      if (rc == PB_OK)
        rc = sync_params (s, &rows, err);
      if (rc == PB_OK)
        rc = sync_links (s, &rows, err);
      if (rc == PB_OK)
        rc = pb_store__write_frames (s, doc, &frames, err);
      if (rc == PB_OK)
        rc = write_document (s, doc, err);
      rc = pb_store__end_write (s, rc, err);
    }
  pb_store__frames_clear (&frames);
  save_rows_clear (&rows);
  free (layout);
  return rc;
}
