/* test-store.c — Pushback documents: format, validation, saves, runs
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fixtures: tests/data holds a document of each released schema version,
 * and tests/fuzz/corpus the fuzzer's seeds. Both are made by the test
 * /Pushback/Store/write-fixtures, which exists only when the environment
 * names the source tree's tests directory:
 *
 *   PB_STORE_WRITE_FIXTURES=$PWD/tests ./_build/tests/test-store \
 *     -p /Pushback/Store/write-fixtures
 *
 * It rewrites the corpus, but never a data file that exists: a released
 * version's document stays as that version wrote it.
 */

#include <float.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <pushback/pushback.h>

#include "store-schema.h"

/* Files and directories. */

static char *
make_tmpdir (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("pb-store-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_dir_close (d);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
write_file (const char *path,
            const void *data,
            gsize       len)
{
  GError *error = NULL;

  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

static GBytes *
read_file (const char *path)
{
  GError *error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr (GBytes) b = read_file (from);

  write_file (to, g_bytes_get_data (b, NULL), g_bytes_get_size (b));
}

static bool
sidecar_exists (const char *path,
                const char *suffix)
{
  g_autofree char *p = g_strconcat (path, suffix, NULL);

  return g_file_test (p, G_FILE_TEST_EXISTS);
}

/* What a file was: its bytes and modification time, to prove that a
 * failed load wrote nothing, not even the header, and created no journal
 * beside it. */
typedef struct
{
  GBytes          *bytes;
  struct timespec  mtime;
} snapshot;

static snapshot
take_snapshot (const char *path)
{
  snapshot snap;
  struct stat st;

  g_assert_cmpint (stat (path, &st), ==, 0);
  snap.bytes = read_file (path);
  snap.mtime = st.st_mtim;
  return snap;
}

static void
assert_unchanged (const char *path,
                  snapshot   *snap)
{
  g_autoptr (GBytes) now = read_file (path);
  struct stat st;

  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_true (g_bytes_equal (now, snap->bytes));
  g_assert_cmpint (st.st_mtim.tv_sec, ==, snap->mtime.tv_sec);
  g_assert_cmpint (st.st_mtim.tv_nsec, ==, snap->mtime.tv_nsec);
  g_assert_false (sidecar_exists (path, "-wal"));
  g_assert_false (sidecar_exists (path, "-shm"));
  g_assert_false (sidecar_exists (path, "-journal"));
  g_bytes_unref (snap->bytes);
  snap->bytes = NULL;
}

/* Raw SQL on a file, past the store, to make what the store never would. */
static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  gint64 v;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  return v;
}

/* Graphs. */

static pb_addr
insert (pb_graph   *g,
        uint32_t    host,
        uint32_t    id,
        const char *kind,
        const char *name)
{
  pb_addr p = pb_addr_make (host, id, 0);

  g_assert_cmpint (pb_graph_insert_process (g, p, kind), ==, PB_OK);
  if (name != NULL)
    g_assert_cmpint (pb_graph_set_name (g, p, name), ==, PB_OK);
  return p;
}

/* The address of port @role ("in", "out[2]") of @process. */
static pb_addr
port (const pb_graph *g,
      pb_addr         process,
      const char     *role)
{
  const pb_kind *kind = pb_kind_find (pb_graph_process_kind (g, process));
  uint32_t number = 0;

  g_assert_nonnull (kind);
  g_assert_cmpint (pb_kind_port_parse (kind, role, &number, NULL), ==, PB_OK);
  return pb_addr_with_port (process, number);
}

static void
link_ports (pb_graph *g,
            pb_addr   a,
            pb_addr   b,
            uint32_t  flags)
{
  g_assert_cmpint (pb_graph_connect (g, a, b), ==, PB_OK);
  g_assert_cmpint (pb_graph_set_link_flags (g, a, flags), ==, PB_OK);
}

static void
set_param (pb_graph   *g,
           pb_addr     p,
           const char *key,
           const char *value)
{
  g_assert_cmpint (pb_graph_set_param (g, p, key, value), ==, PB_OK);
}

/* Describes everything the store keeps of a graph: processes with kinds,
 * names and parameters, links with flags. Equal descriptions, equal
 * topologies. */
static void
describe_graph (GString        *s,
                const pb_graph *g)
{
  size_t n = pb_graph_list_processes (g, NULL, 0);
  size_t n_links = pb_graph_list_connections (g, NULL, 0);
  g_autofree pb_addr *procs = g_new0 (pb_addr, n + 1);
  g_autofree pb_connection *links = g_new0 (pb_connection, n_links + 1);
  size_t i, j;

  pb_graph_list_processes (g, procs, n);
  pb_graph_list_connections (g, links, n_links);
  g_string_append_printf (s, "%zu processes, %zu links\n", n, n_links);
  for (i = 0; i < n; i++)
    {
      const char *name = pb_graph_process_name (g, procs[i]);
      size_t n_params = pb_graph_list_params (g, procs[i], NULL, NULL, 0);
      g_autofree const char **keys = g_new0 (const char *, n_params + 1);
      g_autofree const char **values = g_new0 (const char *, n_params + 1);

      pb_graph_list_params (g, procs[i], keys, values, n_params);
      g_string_append_printf (s, "%016" G_GINT64_MODIFIER "x %s %s%s\n", procs[i],
                              pb_graph_process_kind (g, procs[i]),
                              name != NULL ? name : "(unnamed)",
                              pb_graph_get_bypass (g, procs[i]) ? " bypassed" : "");
      for (j = 0; j < n_params; j++)
        g_string_append_printf (s, "  %s=%s\n", keys[j], values[j]);
    }
  for (i = 0; i < n_links; i++)
    g_string_append_printf (s, "link %016" G_GINT64_MODIFIER "x %016" G_GINT64_MODIFIER
                            "x %x\n", links[i].a, links[i].b,
                            pb_graph_link_flags (g, links[i].a));
}

/*
 * What a load returns as the layout of @g, saved with @layout: an entry
 * for every process in address order, processes without one unplaced, and
 * no position for the unplaced.
 */
static GArray *
expected_layout (const pb_graph        *g,
                 const pb_store_layout *layout,
                 size_t                 n_layout)
{
  size_t n = pb_graph_list_processes (g, NULL, 0);
  g_autofree pb_addr *procs = g_new0 (pb_addr, n + 1);
  GArray *out = g_array_new (FALSE, TRUE, sizeof (pb_store_layout));
  size_t i, j;

  pb_graph_list_processes (g, procs, n);
  for (i = 0; i < n; i++)
    {
      pb_store_layout l = { .process = procs[i] };

      for (j = 0; j < n_layout; j++)
        if (layout[j].process == procs[i])
          l = layout[j];
      /* SQLite keeps -0 as the integer 0; adding 0 makes -0 into 0. */
      if (!l.placed)
        l.x = l.y = 0;
      l.x += 0.0;
      l.y += 0.0;
      l.width += 0.0;
      l.height += 0.0;
      g_array_append_val (out, l);
    }
  return out;
}

static void
describe_layout (GString               *s,
                 const pb_store_layout *layout,
                 size_t                 n)
{
  size_t i;

  for (i = 0; i < n; i++)
    g_string_append_printf (s, "layout %016" G_GINT64_MODIFIER "x %s %.17g %.17g "
                            "%.17g %.17g %s\n", layout[i].process,
                            layout[i].placed ? "placed" : "unplaced",
                            layout[i].x, layout[i].y, layout[i].width, layout[i].height,
                            layout[i].collapsed ? "collapsed" : "open");
}

static int
compare_addr (gconstpointer a,
              gconstpointer b)
{
  pb_addr x = *(const pb_addr *) a, y = *(const pb_addr *) b;

  return x < y ? -1 : x > y;
}

/* The frames, each with its members in ascending order, as a load gives
 * them. */
static void
describe_frames (GString              *s,
                 const pb_store_frame *frames,
                 size_t                n)
{
  for (size_t i = 0; i < n; i++)
    {
      g_autofree pb_addr *members = g_memdup2 (frames[i].members,
                                               frames[i].n_members * sizeof (pb_addr));

      qsort (members, frames[i].n_members, sizeof (pb_addr), compare_addr);
      g_string_append_printf (s, "frame %s %s %s [%s]:", frames[i].title, frames[i].color,
                              frames[i].collapsed ? "collapsed" : "open", frames[i].note);
      for (size_t k = 0; k < frames[i].n_members; k++)
        g_string_append_printf (s, " %016" G_GINT64_MODIFIER "x", members[k]);
      g_string_append_c (s, '\n');
    }
}

/* A graph with its document: what the editor saves. */
typedef struct
{
  pb_graph      *graph;
  GArray        *layout; /* of pb_store_layout, some processes only */
  pb_store_doc   doc;
  char          *title;
} document;

static void
document_init (document   *d,
               pb_graph   *g,
               const char *title)
{
  d->graph = g;
  d->layout = g_array_new (FALSE, TRUE, sizeof (pb_store_layout));
  d->title = g_strdup (title);
  d->doc = (pb_store_doc) { 0 };
  d->doc.title = d->title;
  d->doc.view = (pb_store_view) { 1.0, 0.0, 0.0 };
}

static void
document_clear (document *d)
{
  pb_graph_free (d->graph);
  g_array_unref (d->layout);
  g_free (d->title);
}

static const pb_store_doc *
document_doc (document *d)
{
  d->doc.layout = (const pb_store_layout *) d->layout->data;
  d->doc.n_layout = d->layout->len;
  return &d->doc;
}

/* The description that loading the saved @d must give. */
static char *
describe_document (document *d)
{
  GString *s = g_string_new (NULL);
  g_autoptr (GArray) layout = expected_layout (d->graph, (pb_store_layout *) d->layout->data,
                                               d->layout->len);

  describe_graph (s, d->graph);
  describe_layout (s, (pb_store_layout *) layout->data, layout->len);
  describe_frames (s, d->doc.frames, d->doc.n_frames);
  g_string_append_printf (s, "title %s\nview %.17g %.17g %.17g\n", d->title,
                          d->doc.view.zoom, d->doc.view.scroll_x + 0.0,
                          d->doc.view.scroll_y + 0.0);
  return g_string_free (s, FALSE);
}

static char *
describe_loaded (const pb_graph     *g,
                 const pb_store_doc *doc)
{
  GString *s = g_string_new (NULL);

  describe_graph (s, g);
  g_assert_cmpuint (doc->n_layout, ==, pb_graph_n_processes (g));
  describe_layout (s, doc->layout, doc->n_layout);
  describe_frames (s, doc->frames, doc->n_frames);
  g_string_append_printf (s, "title %s\nview %.17g %.17g %.17g\n", doc->title,
                          doc->view.zoom, doc->view.scroll_x, doc->view.scroll_y);
  return g_string_free (s, FALSE);
}

/* Loads @path through a store of its own and describes what it holds. */
static char *
load_description (const char *path)
{
  pb_store *store = NULL;
  pb_graph *g = NULL;
  pb_store_doc doc;
  pb_error err = { 0 };
  char *description;

  if (pb_store_open (path, PB_STORE_READ, &store, &err) != PB_OK)
    g_error ("%s", err.message);
  if (pb_store_load (store, 0, &g, &doc, &err) != PB_OK)
    g_error ("%s", err.message);
  description = describe_loaded (g, &doc);
  pb_graph_free (g);
  pb_store_close (store);
  return description;
}

static void
save_document (const char *path,
               document   *d)
{
  pb_store *store = NULL;
  pb_error err = { 0 };

  if (pb_store_open (path, PB_STORE_WRITE, &store, &err) != PB_OK
      || pb_store_save (store, d->graph, document_doc (d), &err) != PB_OK)
    g_error ("%s", err.message);
  pb_store_close (store);
}

static void
add_layout (document *d,
            pb_addr   process,
            bool      placed,
            double    x,
            double    y,
            double    width,
            double    height,
            bool      collapsed)
{
  pb_store_layout l = { process, x, y, width, height, placed, collapsed };

  g_array_append_val (d->layout, l);
}

/*
 * The sample document: most kinds of parameter (user code with quotes,
 * newlines and non-ASCII text among them), extreme hosts and ids (the top
 * bit of an address set, so negative in SQLite), a range port at 65535,
 * link flags with every bit, and a layout with placed, unplaced and
 * collapsed nodes.
 */
static void
sample_document (document *d)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr seq, map, fan, code, sum, far, low, merge;

  document_init (d, g, "Sample — «stats» ☃");
  seq = insert (g, 0, 1, "seq", "source");
  set_param (g, seq, "from", "1");
  set_param (g, seq, "to", "1000");
  set_param (g, seq, "type", "f64");
  map = insert (g, 0, 2, "map", "double");
  set_param (g, map, "expr", "x * 2 /* ü */");
  fan = insert (g, 0, 3, "broadcast", "fan");
  code = insert (g, 0, 4, "c", NULL);
  set_param (g, code, "in", "f64");
  set_param (g, code, "out", "f64");
  set_param (g, code, "state", "double acc;");
  set_param (g, code, "code", "s->acc += x;\n\temit (s->acc / 2); // \"quoted\" 'too'");
  set_param (g, code, "max-emit", "1");
  sum = insert (g, 0, 5, "sum", "total");
  merge = insert (g, 0x80000, 7, "merge", "join");
  far = insert (g, PB_HOST_MAX, PB_PROCESS_MAX, "print", "far ☃");
  low = insert (g, PB_HOST_MAX, 1, "file-out", NULL);
  set_param (g, low, "path", "/tmp/out put.txt");

  link_ports (g, port (g, seq, "out"), port (g, map, "in"), 0);
  link_ports (g, port (g, map, "out"), port (g, fan, "in"), PB_LINK_BREAK_INLINING);
  link_ports (g, port (g, fan, "out[0]"), port (g, code, "in"), 0);
  link_ports (g, port (g, code, "out"), port (g, sum, "in"), 0xffffffffu);
  link_ports (g, port (g, fan, "out[65534]"), port (g, merge, "in[3]"), 0);
  link_ports (g, port (g, merge, "out"), port (g, far, "in"), PB_LINK_BREAK_INLINING);

  add_layout (d, seq, true, 10, 20, 0, 0, false);
  add_layout (d, map, true, -1e9, 0.1, 120.5, 44, false);
  add_layout (d, code, true, 300, 1e-300, 400, 300, true);
  add_layout (d, far, false, 0, 0, 80, 0, true);
  add_layout (d, low, true, DBL_MAX, -DBL_MAX, 0, DBL_MAX, false);
  d->doc.view = (pb_store_view) { 1.5, -250.25, 1e6 };
}

/* The sample with two frames, as a document of the current schema holds
 * it: one around three processes on two hosts, given out of order, with a
 * note of two lines; one collapsed around a single process. */
static const pb_addr sample_frame_members[] = {
  (pb_addr) 0x80000 << PB_HOST_SHIFT | (pb_addr) 7 << PB_PROCESS_SHIFT,
  (pb_addr) 1 << PB_PROCESS_SHIFT,
  (pb_addr) 2 << PB_PROCESS_SHIFT,
  (pb_addr) 5 << PB_PROCESS_SHIFT,
};

static const pb_store_frame sample_frames[] = {
  { "Input — «ü»", "teal", "reads numbers\nand doubles them", false, sample_frame_members, 3 },
  { "Totals", "orange", "", true, sample_frame_members + 3, 1 },
};

static void
framed_sample_document (document *d)
{
  sample_document (d);
  d->doc.frames = sample_frames;
  d->doc.n_frames = G_N_ELEMENTS (sample_frames);
}

/* Addresses as constants: host << 44 | id << 16. */
#define ADDR(host, id) ((pb_addr) (host) << PB_HOST_SHIFT | (pb_addr) (id) << PB_PROCESS_SHIFT)

static const pb_store_counters sample_counters[] = {
  { ADDR (0, 1), "source", "seq", 10, 12345, 0, 1000 },
  { ADDR (0, 5), "total", "sum", 10, 99, 1000, 0 },
  { ADDR (PB_HOST_MAX, PB_PROCESS_MAX), "far ☃", "print",
    INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX },
  { ADDR (0x80000, 7), NULL, NULL, 0, 0, 0, 0 },
};

static void
record_sample_runs (const char *path)
{
  pb_store *store = NULL;
  pb_error err = { 0 };
  int64_t id = 0;

  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  g_assert_cmpint (pb_store_record_run (store, 1767225600000000, 1500000000, sample_counters,
                                        G_N_ELEMENTS (sample_counters), &id, &err), ==, PB_OK);
  g_assert_cmpint (id, ==, 1);
  g_assert_cmpint (pb_store_record_run (store, 1767225660000000, 0, sample_counters, 1,
                                        &id, &err), ==, PB_OK);
  g_assert_cmpint (id, ==, 2);
  pb_store_close (store);
}

static void
assert_sample_runs (pb_store *store)
{
  const pb_store_run *runs = NULL;
  const pb_store_counters *c = NULL;
  size_t n = 0, i;
  pb_error err = { 0 };

  g_assert_cmpint (pb_store_list_runs (store, &runs, &n, &err), ==, PB_OK);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (runs[0].id, ==, 1);
  g_assert_cmpint (runs[0].started_us, ==, 1767225600000000);
  g_assert_cmpuint (runs[0].duration_ns, ==, 1500000000);
  g_assert_cmpuint (runs[0].n_processes, ==, G_N_ELEMENTS (sample_counters));
  g_assert_cmpstr (runs[0].app_version, ==, PB_VERSION);
  g_assert_cmpint (runs[1].id, ==, 2);
  g_assert_cmpuint (runs[1].duration_ns, ==, 0);
  g_assert_cmpuint (runs[1].n_processes, ==, 1);

  g_assert_cmpint (pb_store_run_counters (store, 1, &c, &n, &err), ==, PB_OK);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (sample_counters));
  /* In address order: 0:1, 0:5, 0x80000:7, then the last host. */
  {
    static const size_t order[] = { 0, 1, 3, 2 };

    for (i = 0; i < n; i++)
      {
        const pb_store_counters *want = &sample_counters[order[i]];

        g_assert_cmphex (c[i].process, ==, want->process);
        g_assert_cmpstr (c[i].name, ==, want->name);
        g_assert_cmpstr (c[i].kind, ==, want->kind);
        g_assert_cmpuint (c[i].calls, ==, want->calls);
        g_assert_cmpuint (c[i].busy_ns, ==, want->busy_ns);
        g_assert_cmpuint (c[i].items_in, ==, want->items_in);
        g_assert_cmpuint (c[i].items_out, ==, want->items_out);
      }
  }
}

/* Expects @path to be refused by opening or loading, with @code and a
 * message naming @path and holding @what, and to be left as it was. */
static void
assert_refused (const char *path,
                int         code,
                const char *what)
{
  snapshot snap = take_snapshot (path);
  pb_store *store = NULL;
  pb_graph *g = NULL;
  pb_error err = { 0 };
  int rc;

  rc = pb_store_open (path, PB_STORE_READ, &store, &err);
  if (rc == PB_OK)
    {
      pb_store_doc doc = { 0 };

      rc = pb_store_load (store, 0, &g, &doc, &err);
      g_assert_null (g);
      pb_store_close (store);
    }
  else
    g_assert_null (store);
  g_test_message ("%s", err.message);
  g_assert_cmpint (rc, ==, code);
  g_assert_cmpint (err.code, ==, code);
  g_assert_true (g_str_has_prefix (err.message, path));
  if (strstr (err.message, what) == NULL)
    g_error ("expected \"%s\" in: %s", what, err.message);
  assert_unchanged (path, &snap);
}

/* Tests. */

static void
test_new_document (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "new.pushback", NULL);
  pb_store *store = NULL;
  pb_graph *g = NULL;
  pb_store_doc doc;
  pb_store_info info;
  pb_error err = { 0 };
  gint64 before = g_get_real_time ();

  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  g_assert_cmpstr (pb_store_path (store), ==, path);
  g_assert_cmpint (pb_store_get_info (store, &info, &err), ==, PB_OK);
  g_assert_cmpstr (info.title, ==, "");
  g_assert_cmpstr (info.app_version, ==, PB_VERSION);
  g_assert_cmpint (info.created_us, >=, before);
  g_assert_cmpint (info.created_us, <=, g_get_real_time ());
  g_assert_cmpint (info.modified_us, ==, info.created_us);
  g_assert_cmpuint (info.schema_version, ==, PB_STORE_SCHEMA_VERSION);
  /* Open for writing, and written: still one file, with no log beside it. */
  g_assert_false (sidecar_exists (path, "-wal"));
  g_assert_false (sidecar_exists (path, "-journal"));
  g_assert_cmpint (pb_store_load (store, 3, &g, &doc, &err), ==, PB_OK);
  g_assert_cmpuint (pb_graph_n_processes (g), ==, 0);
  g_assert_cmpuint (pb_graph_local_host (g), ==, 3);
  g_assert_cmpstr (doc.title, ==, "");
  g_assert_cmpfloat (doc.view.zoom, ==, 1.0);
  g_assert_cmpuint (doc.n_layout, ==, 0);
  pb_graph_free (g);
  pb_store_close (store);

  /* Closed: one self-contained file with a rollback journal. */
  g_assert_false (sidecar_exists (path, "-wal"));
  g_assert_false (sidecar_exists (path, "-shm"));
  g_assert_cmpint (raw_int (path, "PRAGMA application_id"), ==, 0x50555348);
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, PB_STORE_SCHEMA_VERSION);
  {
    g_autoptr (GBytes) bytes = read_file (path);
    const guint8 *header = g_bytes_get_data (bytes, NULL);

    g_assert_cmpuint (g_bytes_get_size (bytes), >=, 100);
    g_assert_cmpmem (header, 16, "SQLite format 3", 16);
    g_assert_cmpuint (header[18], ==, 1);
    g_assert_cmpuint (header[19], ==, 1);
  }

  /* A closed document loads read-only without a trace. */
  {
    snapshot snap = take_snapshot (path);
    g_autofree char *d = load_description (path);

    g_assert_cmpstr (d, ==, "0 processes, 0 links\ntitle \nview 1 0 0\n");
    assert_unchanged (path, &snap);
  }
  remove_tree (dir);
}

static void
test_round_trip (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "sample.pushback", NULL);
  g_autofree char *want = NULL;
  g_autofree char *got = NULL;
  document d;
  pb_store *store = NULL;
  pb_store_info info;
  pb_error err = { 0 };

  sample_document (&d);
  want = describe_document (&d);
  save_document (path, &d);
  got = load_description (path);
  g_assert_cmpstr (got, ==, want);

  /* The params table says which values are user code. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM params WHERE type = 'code'"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM params WHERE type = 'expr'"), ==, 1);
  /* Addresses with the top bit set are negative integers in the file. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM links WHERE port < 0"), ==, 3);

  g_assert_cmpint (pb_store_open (path, PB_STORE_READ, &store, &err), ==, PB_OK);
  g_assert_cmpint (pb_store_get_info (store, &info, &err), ==, PB_OK);
  g_assert_cmpstr (info.title, ==, d.title);
  g_assert_cmpint (info.modified_us, >=, info.created_us);
  pb_store_close (store);
  document_clear (&d);
  remove_tree (dir);
}

/* Whether @value suits parameter @spec of @kind. */
static bool
param_ok (const pb_kind       *kind,
          const pb_param_spec *spec,
          const char          *value)
{
  return pb_kind_check_param (kind, spec->name, value, NULL) == PB_OK;
}

/* A random valid value for @spec. */
static char *
random_value (GRand               *rand,
              const pb_kind       *kind,
              const pb_param_spec *spec)
{
  static const char *const candidates[] = {
    "0", "1", "2", "42", "-7", "0x10", "3.5", "1e3", "1024", "i64", "f64", "u8",
    "none", "normal", "uniform", "x * 2", "x % 3 == 0", "s->acc += x;\nemit (s->acc);",
    "/tmp/a b/ü.txt", "", "'\"\\", "\xe2\x98\x83",
  };
  guint i, start = (guint) g_rand_int_range (rand, 0, G_N_ELEMENTS (candidates));

  for (i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      const char *c = candidates[(start + i) % G_N_ELEMENTS (candidates)];

      if (param_ok (kind, spec, c))
        return g_strdup (c);
    }
  if (spec->default_value != NULL && param_ok (kind, spec, spec->default_value))
    return g_strdup (spec->default_value);
  return NULL;
}

static uint32_t
random_field (GRand    *rand,
              uint32_t  max,
              uint32_t  min)
{
  switch (g_rand_int_range (rand, 0, 6))
    {
    case 0:
      return min;
    case 1:
      return max;
    case 2:
      return max / 2 + 1;
    case 3:
      return min + (uint32_t) g_rand_int_range (rand, 0, 4);
    default:
      return min + (uint32_t) (g_rand_double (rand) * (max - min));
    }
}

/* A random port number that @kind has, often at the end of a range. */
static uint32_t
random_port (GRand         *rand,
             const pb_kind *kind)
{
  const pb_port_spec *spec =
    pb_kind_port (kind, (size_t) g_rand_int_range (rand, 0, (gint32) pb_kind_n_ports (kind)));

  if (!spec->range)
    return spec->first;
  if (g_rand_boolean (rand))
    return PB_PORT_MAX - (uint32_t) g_rand_int_range (rand, 0, 3);
  return spec->first + (uint32_t) g_rand_int_range (rand, 0, 40);
}

static double
random_coordinate (GRand *rand)
{
  static const double special[] = { 0.0, -0.0, 1e-300, -1e300, DBL_MAX, 0.1, 1.0 / 3 };

  if (g_rand_int_range (rand, 0, 4) == 0)
    return special[g_rand_int_range (rand, 0, G_N_ELEMENTS (special))];
  return g_rand_double_range (rand, -1e4, 1e4);
}

/* A random topology of up to @max processes that the store accepts. */
static void
random_document (document *d,
                 GRand    *rand,
                 int       max)
{
  pb_graph *g = pb_graph_new (0);
  int n = g_rand_int_range (rand, 0, max + 1);
  int i, tries;
  g_autofree pb_addr *procs = g_new0 (pb_addr, n + 1);
  int n_procs = 0;
  g_autofree char *title = g_strdup_printf ("random %u", g_rand_int (rand));

  document_init (d, g, title);
  for (i = 0; i < n; i++)
    {
      const pb_kind *kind = pb_kind_at ((size_t) g_rand_int_range (rand, 0, (gint32) pb_kind_count ()));
      uint32_t host = random_field (rand, PB_HOST_MAX, 0);
      uint32_t id = random_field (rand, PB_PROCESS_MAX, 1);
      pb_addr p = pb_addr_make (host, id, 0);
      size_t j;

      if (pb_graph_insert_process (g, p, pb_kind_name (kind)) != PB_OK)
        continue;
      procs[n_procs++] = p;
      if (g_rand_boolean (rand))
        {
          g_autofree char *name = g_strdup_printf ("%s %d é", pb_kind_name (kind), i);

          g_assert_cmpint (pb_graph_set_name (g, p, name), ==, PB_OK);
        }
      for (j = 0; j < pb_kind_n_params (kind); j++)
        if (g_rand_boolean (rand))
          {
            const pb_param_spec *spec = pb_kind_param (kind, j);
            g_autofree char *value = random_value (rand, kind, spec);

            if (value != NULL)
              set_param (g, p, spec->name, value);
          }
      if (g_rand_int_range (rand, 0, 3) != 0)
        add_layout (d, p, g_rand_boolean (rand), random_coordinate (rand),
                    random_coordinate (rand), fabs (random_coordinate (rand)),
                    fabs (random_coordinate (rand)), g_rand_boolean (rand));
    }
  for (tries = 0; n_procs > 0 && tries < 2 * n_procs; tries++)
    {
      pb_addr a = procs[g_rand_int_range (rand, 0, n_procs)];
      pb_addr b = procs[g_rand_int_range (rand, 0, n_procs)];
      const pb_kind *ka = pb_kind_find (pb_graph_process_kind (g, a));
      const pb_kind *kb = pb_kind_find (pb_graph_process_kind (g, b));
      static const uint32_t flags[] = { 0, 0, PB_LINK_BREAK_INLINING, 0xffffffffu, 0x80000000u };
      pb_addr pa, pb;

      if (pb_kind_n_ports (ka) == 0 || pb_kind_n_ports (kb) == 0)
        continue;
      pa = pb_addr_with_port (a, random_port (rand, ka));
      pb = pb_addr_with_port (b, random_port (rand, kb));
      if (pa == pb || pb_graph_peer (g, pa) != 0 || pb_graph_peer (g, pb) != 0)
        continue;
      link_ports (g, pa, pb, flags[g_rand_int_range (rand, 0, G_N_ELEMENTS (flags))]);
    }
  d->doc.view = (pb_store_view) { g_rand_double_range (rand, 1e-3, 1e3),
                                  random_coordinate (rand), random_coordinate (rand) };
}

static void
test_round_trip_random (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "random.pushback", NULL);
  GRand *rand = g_rand_new_with_seed (20260401);
  pb_store *store = NULL;
  pb_error err = { 0 };
  int i;

  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  for (i = 0; i < 300; i++)
    {
      document d;
      g_autofree char *want = NULL;
      g_autofree char *got = NULL;
      pb_graph *g = NULL;
      pb_store_doc doc;

      random_document (&d, rand, i % 10 == 9 ? 400 : 40);
      want = describe_document (&d);
      if (pb_store_save (store, d.graph, document_doc (&d), &err) != PB_OK)
        g_error ("%s", err.message);
      /* Through the writing store, and through a store of its own. */
      g_assert_cmpint (pb_store_load (store, 0, &g, &doc, &err), ==, PB_OK);
      got = describe_loaded (g, &doc);
      g_assert_cmpstr (got, ==, want);
      pb_graph_free (g);
      if (i % 20 == 0)
        {
          g_autofree char *again = load_description (path);

          g_assert_cmpstr (again, ==, want);
        }
      document_clear (&d);
    }
  pb_store_close (store);
  g_rand_free (rand);
  remove_tree (dir);
}

static void
test_save_keeps (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "keep.pushback", NULL);
  document d;
  pb_store *store = NULL;
  pb_graph *g = NULL;
  pb_store_doc doc;
  pb_store_info info;
  pb_error err = { 0 };
  int64_t created;
  size_t i;

  sample_document (&d);
  save_document (path, &d);
  record_sample_runs (path);

  /* A headless save (no doc) keeps the title, the view and the runs, and
   * saves every process unplaced. */
  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  g_assert_cmpint (pb_store_get_info (store, &info, &err), ==, PB_OK);
  created = info.created_us;
  g_assert_cmpint (pb_store_save (store, d.graph, NULL, &err), ==, PB_OK);
  g_assert_cmpint (pb_store_load (store, 0, &g, &doc, &err), ==, PB_OK);
  g_assert_cmpstr (doc.title, ==, d.title);
  g_assert_cmpfloat (doc.view.zoom, ==, d.doc.view.zoom);
  g_assert_cmpfloat (doc.view.scroll_x, ==, d.doc.view.scroll_x);
  g_assert_cmpfloat (doc.view.scroll_y, ==, d.doc.view.scroll_y);
  g_assert_cmpuint (doc.n_layout, ==, pb_graph_n_processes (d.graph));
  for (i = 0; i < doc.n_layout; i++)
    {
      g_assert_false (doc.layout[i].placed);
      g_assert_false (doc.layout[i].collapsed);
    }
  g_assert_cmpint (pb_store_get_info (store, &info, &err), ==, PB_OK);
  g_assert_cmpint (info.created_us, ==, created);
  g_assert_cmpint (info.modified_us, >=, created);
  assert_sample_runs (store);
  pb_graph_free (g);
  pb_store_close (store);
  document_clear (&d);
  remove_tree (dir);
}

/* Saves write only what changed; each kind of change must land exactly,
 * including those that collide half-way in a naive order. */
static void
test_save_edits (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "edits.pushback", NULL);
  document d;
  pb_store *store = NULL;
  pb_error err = { 0 };
  pb_addr seq, map, code, sum, fresh;
  int step;

  sample_document (&d);
  seq = pb_graph_find_name (d.graph, "source");
  map = pb_graph_find_name (d.graph, "double");
  sum = pb_graph_find_name (d.graph, "total");
  code = pb_addr_make (0, 4, 0);
  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  for (step = 0; step < 8; step++)
    {
      g_autofree char *want = NULL;
      g_autofree char *got = NULL;
      pb_graph *g = NULL;
      pb_store_doc doc;

      switch (step)
        {
        case 1:
          /* Swap two names, through a third. */
          g_assert_cmpint (pb_graph_set_name (d.graph, seq, "tmp"), ==, PB_OK);
          g_assert_cmpint (pb_graph_set_name (d.graph, map, "source"), ==, PB_OK);
          g_assert_cmpint (pb_graph_set_name (d.graph, seq, "double"), ==, PB_OK);
          break;
        case 2:
          /* Rewire: seq -> map and code -> sum become seq -> sum and
           * code -> map, so each new peer is an old one's. */
          g_assert_cmpint (pb_graph_disconnect (d.graph, port (d.graph, seq, "out")), ==, PB_OK);
          g_assert_cmpint (pb_graph_disconnect (d.graph, port (d.graph, code, "out")), ==, PB_OK);
          link_ports (d.graph, port (d.graph, seq, "out"), port (d.graph, sum, "in"), 0);
          link_ports (d.graph, port (d.graph, code, "out"), port (d.graph, map, "in"), 7);
          break;
        case 3:
          g_assert_cmpint (pb_graph_set_link_flags (d.graph, port (d.graph, seq, "out"),
                                                    PB_LINK_BREAK_INLINING), ==, PB_OK);
          break;
        case 4:
          set_param (d.graph, seq, "to", NULL);
          set_param (d.graph, seq, "step", "2");
          set_param (d.graph, code, "code", "emit (x);");
          break;
        case 5:
          /* A process goes, another comes under its id, of another kind,
           * taking the name of one that is renamed. */
          g_assert_cmpint (pb_graph_remove_process (d.graph, map), ==, PB_OK);
          g_assert_cmpint (pb_graph_set_name (d.graph, sum, "sum"), ==, PB_OK);
          fresh = insert (d.graph, 0, 2, "take", "total");
          set_param (d.graph, fresh, "n", "5");
          link_ports (d.graph, port (d.graph, code, "out"), port (d.graph, fresh, "in"), 0);
          break;
        case 6:
          g_array_set_size (d.layout, 1);
          g_array_index (d.layout, pb_store_layout, 0).collapsed = true;
          add_layout (&d, sum, true, -0.5, 0.5, 1, 2, false);
          g_free (d.title);
          d.title = g_strdup ("renamed");
          d.doc.title = d.title;
          break;
        case 7:
          /* Everything goes. */
          pb_graph_free (d.graph);
          d.graph = pb_graph_new (0);
          g_array_set_size (d.layout, 0);
          break;
        default:
          break;
        }
      want = describe_document (&d);
      if (pb_store_save (store, d.graph, document_doc (&d), &err) != PB_OK)
        g_error ("step %d: %s", step, err.message);
      g_assert_cmpint (pb_store_load (store, 0, &g, &doc, &err), ==, PB_OK);
      got = describe_loaded (g, &doc);
      g_assert_cmpstr (got, ==, want);
      pb_graph_free (g);
    }
  pb_store_close (store);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM processes"), ==, 0);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM params"), ==, 0);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM links"), ==, 0);
  document_clear (&d);
  remove_tree (dir);
}

/* Expects saving @g with @doc to be refused, with a message holding
 * @what. */
static void
assert_save_refused (pb_store           *store,
                     const pb_graph     *g,
                     const pb_store_doc *doc,
                     const char         *what)
{
  pb_error err = { 0 };

  g_assert_cmpint (pb_store_save (store, g, doc, &err), ==, PB_EINVAL);
  g_assert_cmpint (err.code, ==, PB_EINVAL);
  g_test_message ("%s", err.message);
  if (strstr (err.message, what) == NULL)
    g_error ("expected \"%s\" in: %s", what, err.message);
}

/* Saving refuses what loading would refuse, and leaves the file alone. */
static void
test_save_refuses (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "refuse.pushback", NULL);
  document d;
  pb_store *store = NULL;
  pb_error err = { 0 };
  pb_addr map, extra;
  snapshot snap;
  pb_store_layout bad;
  pb_store_doc doc;

  sample_document (&d);
  save_document (path, &d);
  snap = take_snapshot (path);
  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  map = pb_graph_find_name (d.graph, "double");

  /* A kind outside the catalogue, or none. */
  extra = insert (d.graph, 2, 9, "teleport", NULL);
  assert_save_refused (store, d.graph, document_doc (&d), "'teleport' is not in the catalogue");
  g_assert_cmpint (pb_graph_remove_process (d.graph, extra), ==, PB_OK);
  extra = insert (d.graph, 2, 9, NULL, NULL);
  assert_save_refused (store, d.graph, document_doc (&d), "it has no kind");
  g_assert_cmpint (pb_graph_remove_process (d.graph, extra), ==, PB_OK);

  /* Parameters the kind does not take, or values it does not accept. */
  set_param (d.graph, map, "speed", "3");
  assert_save_refused (store, d.graph, document_doc (&d), "speed");
  set_param (d.graph, map, "speed", NULL);
  set_param (d.graph, pb_graph_find_name (d.graph, "source"), "type", "u16");
  assert_save_refused (store, d.graph, document_doc (&d), "source");
  set_param (d.graph, pb_graph_find_name (d.graph, "source"), "type", "f64");
  set_param (d.graph, map, "expr", "x \xff");
  assert_save_refused (store, d.graph, document_doc (&d), "not UTF-8");
  set_param (d.graph, map, "expr", "x * 2 /* ü */");
  /* A name that is not one line of UTF-8 never reaches the store: the
   * graph refuses it. */
  g_assert_cmpint (pb_graph_set_name (d.graph, map, "bad \xc0\x80"), ==, PB_EINVAL);

  /* A link on a port the kind lacks: map has ports 0 and 1 only. */
  extra = insert (d.graph, 2, 9, "discard", NULL);
  g_assert_cmpint (pb_graph_connect (d.graph, pb_addr_with_port (extra, 0),
                                     pb_addr_with_port (map, 7)), ==, PB_OK);
  assert_save_refused (store, d.graph, document_doc (&d), "has no port 7");
  g_assert_cmpint (pb_graph_remove_process (d.graph, extra), ==, PB_OK);

  /* A layout of a process that is not there, twice, or not finite. */
  doc = *document_doc (&d);
  bad = (pb_store_layout) { pb_addr_make (9, 9, 0), 0, 0, 0, 0, true, false };
  doc.layout = &bad;
  doc.n_layout = 1;
  assert_save_refused (store, d.graph, &doc, "no such process");
  bad.process = map;
  bad.x = NAN;
  assert_save_refused (store, d.graph, &doc, "not finite");
  bad.x = 0;
  bad.height = -1;
  assert_save_refused (store, d.graph, &doc, "negative");
  bad.height = 0;
  bad.process = pb_addr_with_port (map, 1);
  assert_save_refused (store, d.graph, &doc, "port bits");
  {
    pb_store_layout twice[2] = { { map }, { map } };

    doc.layout = twice;
    doc.n_layout = 2;
    assert_save_refused (store, d.graph, &doc, "twice");
  }
  doc = *document_doc (&d);
  doc.view.zoom = 0;
  assert_save_refused (store, d.graph, &doc, "zoom");
  doc.view.zoom = INFINITY;
  assert_save_refused (store, d.graph, &doc, "zoom");
  doc = *document_doc (&d);
  doc.title = "\xed\xa0\x80";
  assert_save_refused (store, d.graph, &doc, "title");

  pb_store_close (store);
  assert_unchanged (path, &snap);

  /* A read-only store writes nothing. */
  snap = take_snapshot (path);
  g_assert_cmpint (pb_store_open (path, PB_STORE_READ, &store, &err), ==, PB_OK);
  g_assert_cmpint (pb_store_save (store, d.graph, NULL, &err), ==, PB_EINVAL);
  g_assert_nonnull (strstr (err.message, "read-only"));
  g_assert_cmpint (pb_store_record_run (store, 0, 0, NULL, 0, NULL, &err), ==, PB_EINVAL);
  pb_store_close (store);
  assert_unchanged (path, &snap);
  document_clear (&d);
  remove_tree (dir);
}

static void
test_refuse_files (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "x.pushback", NULL);
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  pb_store *store = NULL;
  pb_error err = { 0 };

  g_assert_cmpint (pb_store_open (path, PB_STORE_READ, &store, &err), ==, PB_ENOENT);
  g_assert_null (store);
  g_assert_true (g_str_has_prefix (err.message, path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  write_file (path, "", 0);
  assert_refused (path, PB_EFORMAT, "empty file (0 bytes)");

  write_file (path, "hello, world\n", 13);
  assert_refused (path, PB_EFORMAT, "not an SQLite database");

  {
    /* The header of an SQLite file, then garbage. */
    char bytes[4096];

    memset (bytes, 0x5a, sizeof bytes);
    memcpy (bytes, "SQLite format 3", 16);
    write_file (path, bytes, sizeof bytes);
    assert_refused (path, PB_EFORMAT, "not an SQLite database");
  }

  g_assert_cmpint (g_remove (path), ==, 0);
  raw_exec (path, "CREATE TABLE t (x); DROP TABLE t;");
  assert_refused (path, PB_EFORMAT, "empty SQLite database");

  g_assert_cmpint (g_remove (path), ==, 0);
  raw_exec (path, "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine');");
  assert_refused (path, PB_EFORMAT, "without Pushback's application id");

  raw_exec (path, "PRAGMA application_id = 1234");
  assert_refused (path, PB_EFORMAT, "application id 0x000004d2");

  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_cmpint (pb_store_open (sub, PB_STORE_READ, &store, &err), ==, PB_EFORMAT);
  g_assert_nonnull (strstr (err.message, "directory"));
  g_assert_cmpint (pb_store_open (sub, PB_STORE_WRITE, &store, &err), ==, PB_EFORMAT);
  g_assert_cmpint (g_rmdir (sub), ==, 0);
  remove_tree (dir);
}

static void
test_refuse_versions (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "v.pushback", NULL);
  document d;

  sample_document (&d);
  save_document (path, &d);
  raw_exec (path, "PRAGMA user_version = 99");
  assert_refused (path, PB_EFORMAT, "newer version of Pushback (schema version 99");
  raw_exec (path, "PRAGMA user_version = 0");
  assert_refused (path, PB_EFORMAT, "no schema version");
  raw_exec (path, "PRAGMA user_version = -1");
  assert_refused (path, PB_EFORMAT, "no schema version");
  document_clear (&d);
  remove_tree (dir);
}

/* Damaged bytes: every page's b-tree header, the file's header, a cut. */
static void
test_refuse_corrupt (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *good = g_build_filename (dir, "good.pushback", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.pushback", NULL);
  g_autoptr (GBytes) bytes = NULL;
  document d;
  gsize size, page;

  sample_document (&d);
  save_document (good, &d);
  /* No free pages, so that every page is a b-tree page. */
  raw_exec (good, "VACUUM");
  bytes = read_file (good);
  size = g_bytes_get_size (bytes);
  g_assert_cmpuint (size % 4096, ==, 0);

  for (page = 1; page < size / 4096; page++)
    {
      g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), size);

      /* The page type and the first free block: nonsense. */
      memset (copy + page * 4096, 0xee, 4);
      write_file (path, copy, size);
      assert_refused (path, PB_EFORMAT, "");
    }
  {
    /* A name in the index of names, changed in place: the b-trees are
     * sound and the rows right, so a reader loads the document, but a
     * writer, which would write through that index, refuses it. */
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), size);
    gint64 root = raw_int (good, "SELECT rootpage FROM sqlite_schema "
                                 "WHERE name = 'sqlite_autoindex_processes_1'");
    guint8 *index = copy + (root - 1) * 4096;
    guint8 *name = memmem (index, 4096, "double", 6);
    pb_store *store = NULL;
    pb_error err = { 0 };
    snapshot snap;

    g_assert_nonnull (name);
    name[5] = 'f';
    write_file (path, copy, size);
    snap = take_snapshot (path);
    g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_EFORMAT);
    g_assert_nonnull (strstr (err.message, "is corrupt"));
    assert_unchanged (path, &snap);
    g_free (load_description (path));
  }
  {
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), size);

    copy[3] = 'X';
    write_file (path, copy, size);
    assert_refused (path, PB_EFORMAT, "not an SQLite database");
    write_file (path, g_bytes_get_data (bytes, NULL), size - 4096);
    assert_refused (path, PB_EFORMAT, "");
    /* Cut short by one byte, which SQLite would read as a zero. */
    write_file (path, g_bytes_get_data (bytes, NULL), size - 1);
    assert_refused (path, PB_EFORMAT, "is cut short or damaged");
  }
  {
    g_autofree guint8 *copy = g_malloc0 (size + 1);

    memcpy (copy, g_bytes_get_data (bytes, NULL), size);
    write_file (path, copy, size + 1);
    assert_refused (path, PB_EFORMAT, "is cut short or damaged");
  }
  document_clear (&d);
  remove_tree (dir);
}

/*
 * Rows that the schema forbids, written past it: CHECK constraints and
 * foreign keys switched off on the connection that writes them. The
 * loader must find each.
 */
static void
test_refuse_rows (void)
{
  static const struct
  {
    const char *sql;
    const char *what;
  } cases[] = {
    { "UPDATE processes SET host = 1048576 WHERE host = 0 AND id = 1", "a process has host 1048576 and id 1: hosts are" },
    { "UPDATE processes SET host = -1 WHERE host = 0 AND id = 1", "host -1 and id 1" },
    { "UPDATE processes SET id = 0 WHERE host = 0 AND id = 1", "host 0 and id 0" },
    { "UPDATE processes SET id = 268435456 WHERE host = 0 AND id = 1", "host 0 and id 268435456" },
    { "UPDATE processes SET kind = 'teleport' WHERE id = 2", "unknown kind 'teleport'" },
    { "UPDATE processes SET kind = '' WHERE id = 2", "unknown kind ''" },
    { "UPDATE processes SET name = '' WHERE id = 2", "name that is empty" },
    { "UPDATE processes SET name = 'two' || char (10) || 'lines' WHERE id = 2",
      "name that is not one line of text ('two?lines')" },
    { "UPDATE processes SET x = NULL WHERE id = 2", "position" },
    { "UPDATE processes SET width = -1 WHERE id = 2", "size" },
    { "UPDATE processes SET height = 9e999 WHERE id = 2", "size" },
    { "UPDATE processes SET collapsed = 2 WHERE id = 2", "collapsed" },
    { "UPDATE params SET value = 'u16' WHERE key = 'type'", "process 0:1 (source)" },
    { "UPDATE params SET key = 'speed' WHERE key = 'expr'", "has no parameter 'speed'" },
    { "UPDATE params SET type = 'code' WHERE key = 'expr'", "saved as code, but kind 'map' takes expr" },
    { "UPDATE params SET type = 'blob' WHERE key = 'expr'", "saved as blob" },
    { "UPDATE params SET id = 99 WHERE key = 'expr'", "process 0:99, which does not exist" },
    { "UPDATE params SET value = CAST(x'78ff' AS TEXT) WHERE key = 'expr'", "not UTF-8" },
    { "UPDATE params SET value = CAST(x'780078' AS TEXT) WHERE key = 'expr'", "not UTF-8" },
    /* seq 0:1 out (65536) -> map 0:2 in (131072): rows (65536, 131072)
     * and (131072, 65536). */
    { "DELETE FROM links WHERE port = 131072", "0:1:0 -> 0:2:0 has no row for the way back" },
    { "UPDATE links SET flags = 1 WHERE port = 131072", "different flags" },
    { "UPDATE links SET flags = 4294967296 WHERE port = 131072", "flags that are not" },
    { "UPDATE links SET flags = -1 WHERE port = 131072", "flags that are not" },
    { "DELETE FROM links WHERE port IN (65536, 131072);"
      "INSERT INTO links VALUES (65536, 65536, 0)", "joins a port to itself" },
    { "UPDATE links SET port = 65536 * 99 WHERE port = 65536", "starts at a process that does not exist" },
    { "UPDATE links SET port = 7 WHERE port = 65536", "end on process id 0" },
    { "UPDATE links SET peer = 65536 * 99 WHERE port = 131072", "ends at a process that does not exist" },
    { "UPDATE links SET port = 65536 + 9 WHERE port = 65536", "starts at a port that the kind" },
    { "DELETE FROM document", "the metadata row is missing" },
    { "INSERT INTO document (id, created_us, modified_us, app_version) VALUES (2, 0, 0, '')", "more than one" },
    { "UPDATE document SET zoom = 0", "zoom" },
    { "DROP TABLE runs", "the table 'runs' is missing" },
    { "DROP TABLE links; CREATE VIEW links AS SELECT 1 AS port, 2 AS peer, 0 AS flags", "'links' is not a table" },
  };
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *good = g_build_filename (dir, "good.pushback", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.pushback", NULL);
  document d;
  size_t i;

  sample_document (&d);
  save_document (good, &d);
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA foreign_keys = OFF; "
                                              "PRAGMA ignore_check_constraints = ON; %s",
                                              cases[i].sql);

      g_test_message ("%s", cases[i].sql);
      copy_file (good, path);
      raw_exec (path, sql);
      assert_refused (path, PB_EFORMAT, cases[i].what);
      g_assert_cmpint (g_remove (path), ==, 0);
    }
  document_clear (&d);
  remove_tree (dir);
}

/*
 * A file written by another tool with our application id and version but
 * a lax schema: no types, no keys, no constraints. The loader compares
 * the schema first, and refuses it whatever rows it holds: rows that
 * break our schema cannot reach the row checks, which test_refuse_rows()
 * proves on a file with our own schema.
 */
static void
forge (const char *path,
       const char *rows)
{
  g_autofree char *sql = g_strdup_printf (
    "PRAGMA application_id = 0x50555348; PRAGMA user_version = 1;"
    "CREATE TABLE document (id, title, created_us, modified_us, app_version, zoom, "
    "  scroll_x, scroll_y);"
    "INSERT INTO document VALUES (1, 'forged', 0, 0, '0', 1.0, 0.0, 0.0);"
    "CREATE TABLE processes (host, id, kind, name, x, y, width, height, collapsed);"
    "CREATE TABLE params (host, id, key, type, value);"
    "CREATE TABLE links (port, peer, flags);"
    "CREATE TABLE runs (id, started_us, duration_ns, app_version);"
    "CREATE TABLE run_counters (run, host, id, name, kind, calls, busy_ns, items_in, "
    "  items_out);"
    "%s", rows);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    g_assert_cmpint (g_remove (path), ==, 0);
  raw_exec (path, sql);
}

/* Two processes, seq 0:1 and sum 0:2, linked out -> in. */
#define FORGED_PAIR \
  "INSERT INTO processes VALUES (0, 1, 'seq', NULL, NULL, NULL, 0, 0, 0);" \
  "INSERT INTO processes VALUES (0, 2, 'sum', NULL, NULL, NULL, 0, 0, 0);"
#define FORGED_LINK \
  "INSERT INTO links VALUES (65536, 131072, 0);" \
  "INSERT INTO links VALUES (131072, 65536, 0);"

static void
test_refuse_forged (void)
{
  static const char *const cases[] = {
    FORGED_PAIR FORGED_PAIR,
    FORGED_PAIR "UPDATE processes SET name = 'same'",
    FORGED_PAIR "UPDATE processes SET host = '0'",
    FORGED_PAIR "UPDATE processes SET id = 1.0 WHERE id = 1",
    FORGED_PAIR "UPDATE processes SET kind = x'736571' WHERE id = 1",
    FORGED_PAIR "UPDATE processes SET kind = NULL WHERE id = 1",
    FORGED_PAIR "UPDATE processes SET name = 5 WHERE id = 1",
    FORGED_PAIR "UPDATE processes SET x = 'left', y = 0 WHERE id = 1",
    FORGED_PAIR "UPDATE processes SET collapsed = 'yes' WHERE id = 1",
    FORGED_PAIR "INSERT INTO params VALUES (0, 1, 'to', 'float', '10');"
      "INSERT INTO params VALUES (0, 1, 'to', 'float', '20');",
    FORGED_PAIR "INSERT INTO params VALUES (0, 1, 'to', 'float', 10)",
    FORGED_PAIR "INSERT INTO params VALUES (0, 1, '', 'float', '10')",
    FORGED_PAIR "INSERT INTO params VALUES (0, 1, 'to', NULL, '10')",
    FORGED_PAIR "INSERT INTO params VALUES ('0', 1, 'to', 'float', '10')",
    FORGED_PAIR FORGED_LINK FORGED_LINK,
    FORGED_PAIR FORGED_LINK "INSERT INTO links VALUES (131072, 65536, 0)",
    FORGED_PAIR "INSERT INTO links VALUES ('65536', 131072, 0)",
    FORGED_PAIR "INSERT INTO links VALUES (65536, 131072, 0);"
      "INSERT INTO links VALUES (131072, 65536, 0.0)",
    FORGED_PAIR "INSERT INTO links VALUES (131072, 65536, 0)",
    "UPDATE document SET title = NULL",
    "UPDATE document SET zoom = 'big'",
  };
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "forged.pushback", NULL);
  size_t i;

  /* Even a valid topology in a lax schema is refused. */
  forge (path, FORGED_PAIR FORGED_LINK);
  assert_refused (path, PB_EFORMAT, "the table 'document' is not a Pushback document's: "
                  "it has column 'id' without a type where Pushback's has column 'id' "
                  "INTEGER (primary key column 1)");
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i]);
      forge (path, cases[i]);
      assert_refused (path, PB_EFORMAT, "is not a Pushback document's");
    }
  remove_tree (dir);
}

/* Opening for writing creates a document only where nothing would be
 * lost, and never touches a file it refuses. */
static void
test_write_open (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "w.pushback", NULL);
  pb_store *store = NULL;
  pb_error err = { 0 };
  snapshot snap;

  write_file (path, "", 0);
  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  pb_store_close (store);
  g_assert_cmpint (raw_int (path, "PRAGMA application_id"), ==, PB_STORE_APPLICATION_ID);

  g_assert_cmpint (g_remove (path), ==, 0);
  raw_exec (path, "CREATE TABLE t (x); DROP TABLE t;");
  g_assert_cmpuint (raw_int (path, "PRAGMA page_count"), >, 0);
  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  pb_store_close (store);
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, PB_STORE_SCHEMA_VERSION);

  write_file (path, "my notes\n", 9);
  snap = take_snapshot (path);
  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_EFORMAT);
  g_assert_null (store);
  assert_unchanged (path, &snap);

  g_assert_cmpint (g_remove (path), ==, 0);
  raw_exec (path, "CREATE TABLE notes (t TEXT)");
  snap = take_snapshot (path);
  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_EFORMAT);
  assert_unchanged (path, &snap);

  raw_exec (path, "PRAGMA application_id = 0x50555348; PRAGMA user_version = 9");
  snap = take_snapshot (path);
  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_EFORMAT);
  g_assert_nonnull (strstr (err.message, "newer"));
  assert_unchanged (path, &snap);

  /* A document that opens for writing is not written until a save. */
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  pb_store_close (store);
  snap = take_snapshot (path);
  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  {
    pb_graph *g = NULL;

    g_assert_cmpint (pb_store_load (store, 0, &g, NULL, &err), ==, PB_OK);
    pb_graph_free (g);
  }
  pb_store_close (store);
  assert_unchanged (path, &snap);
  remove_tree (dir);
}

static void
test_runs (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "runs.pushback", NULL);
  pb_store *store = NULL;
  const pb_store_run *runs = NULL;
  const pb_store_counters *counters = NULL;
  size_t n = 99;
  pb_error err = { 0 };
  pb_store_counters bad[2];

  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  g_assert_cmpint (pb_store_list_runs (store, &runs, &n, &err), ==, PB_OK);
  g_assert_cmpuint (n, ==, 0);
  g_assert_null (runs);
  g_assert_cmpint (pb_store_run_counters (store, 1, &counters, &n, &err), ==, PB_ENOENT);
  g_assert_nonnull (strstr (err.message, "no run 1"));
  pb_store_close (store);

  record_sample_runs (path);
  g_assert_cmpint (pb_store_open (path, PB_STORE_READ, &store, &err), ==, PB_OK);
  assert_sample_runs (store);
  pb_store_close (store);

  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  bad[0] = sample_counters[0];
  bad[1] = sample_counters[0];
  g_assert_cmpint (pb_store_record_run (store, 0, 0, bad, 2, NULL, &err), ==, PB_EINVAL);
  g_assert_nonnull (strstr (err.message, "appears twice"));
  bad[1].process = pb_addr_make (1, 0, 0);
  g_assert_cmpint (pb_store_record_run (store, 0, 0, bad, 2, NULL, &err), ==, PB_EINVAL);
  g_assert_nonnull (strstr (err.message, "not a process address"));
  bad[1] = sample_counters[1];
  bad[1].busy_ns = (uint64_t) INT64_MAX + 1;
  g_assert_cmpint (pb_store_record_run (store, 0, 0, bad, 2, NULL, &err), ==, PB_EINVAL);
  g_assert_nonnull (strstr (err.message, "INT64_MAX"));
  g_assert_cmpint (pb_store_record_run (store, 0, UINT64_MAX, bad, 1, NULL, &err), ==, PB_EINVAL);
  bad[1] = sample_counters[1];
  bad[1].name = "\xff";
  g_assert_cmpint (pb_store_record_run (store, 0, 0, bad, 2, NULL, &err), ==, PB_EINVAL);
  /* Nothing of the refused runs was kept. */
  assert_sample_runs (store);
  pb_store_close (store);
  remove_tree (dir);
}

/* The next schema version, made up: it proves the migration path on a
 * document of today's version. */
static const char migration_next[] =
  "ALTER TABLE processes ADD COLUMN color TEXT;"
  "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT;"
  "INSERT INTO notes (text) VALUES ('migrated');";

static void
test_migrate (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.pushback", NULL);
  g_autofree char *want = NULL;
  const char *steps[PB_STORE_SCHEMA_VERSION + 1];
  const pb_store_schema v2 = { steps, PB_STORE_SCHEMA_VERSION + 1 };
  const char *broken_steps[PB_STORE_SCHEMA_VERSION + 1];
  const pb_store_schema broken = { broken_steps, PB_STORE_SCHEMA_VERSION + 1 };
  g_autofree char *cannot = g_strdup_printf ("cannot migrate from schema version %d to %d",
                                             PB_STORE_SCHEMA_VERSION,
                                             PB_STORE_SCHEMA_VERSION + 1);
  g_autofree char *newer = g_strdup_printf ("newer version of Pushback (schema version %d; "
                                            "this one reads up to %d)",
                                            PB_STORE_SCHEMA_VERSION + 1, PB_STORE_SCHEMA_VERSION);
  document d;
  pb_store *store = NULL;
  pb_graph *g = NULL;
  pb_store_doc doc;
  pb_store_info info;
  pb_error err = { 0 };
  snapshot snap;

  for (unsigned i = 0; i < PB_STORE_SCHEMA_VERSION; i++)
    steps[i] = broken_steps[i] = pb_store_schema_current.steps[i];
  steps[PB_STORE_SCHEMA_VERSION] = migration_next;
  broken_steps[PB_STORE_SCHEMA_VERSION] = "CREATE TABLE links (x);";
  sample_document (&d);
  want = describe_document (&d);
  save_document (path, &d);
  record_sample_runs (path);

  /* Reading migrates in memory, and writes nothing. */
  snap = take_snapshot (path);
  g_assert_cmpint (pb_store_open_with_schema (path, PB_STORE_READ, &v2, &store, &err), ==, PB_OK);
  g_assert_cmpint (pb_store_get_info (store, &info, &err), ==, PB_OK);
  g_assert_cmpuint (info.schema_version, ==, PB_STORE_SCHEMA_VERSION);
  g_assert_cmpint (pb_store_load (store, 0, &g, &doc, &err), ==, PB_OK);
  {
    g_autofree char *got = describe_loaded (g, &doc);

    g_assert_cmpstr (got, ==, want);
  }
  assert_sample_runs (store);
  pb_graph_free (g);
  pb_store_close (store);
  assert_unchanged (path, &snap);

  /* A failing step refuses the document, and writes nothing either. */
  snap = take_snapshot (path);
  g_assert_cmpint (pb_store_open_with_schema (path, PB_STORE_WRITE, &broken, &store, &err), ==, PB_EFORMAT);
  g_assert_nonnull (strstr (err.message, cannot));
  assert_unchanged (path, &snap);

  /* Writing migrates the file, within the first write. */
  snap = take_snapshot (path);
  g_assert_cmpint (pb_store_open_with_schema (path, PB_STORE_WRITE, &v2, &store, &err), ==, PB_OK);
  g_assert_cmpint (pb_store_load (store, 0, &g, NULL, &err), ==, PB_OK);
  pb_store_close (store);
  assert_unchanged (path, &snap);
  g_assert_cmpint (pb_store_open_with_schema (path, PB_STORE_WRITE, &v2, &store, &err), ==, PB_OK);
  g_assert_cmpint (pb_store_save (store, g, document_doc (&d), &err), ==, PB_OK);
  g_assert_cmpint (pb_store_get_info (store, &info, &err), ==, PB_OK);
  g_assert_cmpuint (info.schema_version, ==, PB_STORE_SCHEMA_VERSION + 1);
  assert_sample_runs (store);
  pb_graph_free (g);
  pb_store_close (store);
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, PB_STORE_SCHEMA_VERSION + 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM notes WHERE text = 'migrated'"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM processes WHERE color IS NULL"), ==,
                   (gint64) pb_graph_n_processes (d.graph));

  /* Today's version reads no further than its own. */
  assert_refused (path, PB_EFORMAT, newer);
  document_clear (&d);
  remove_tree (dir);
}

/* Every document of a released version in tests/data opens, and loads as
 * what it was made from. */
static void
test_data_files (void)
{
  g_autofree char *data = g_test_build_filename (G_TEST_DIST, "data", NULL);
  GDir *d = g_dir_open (data, 0, NULL);
  const char *name;
  unsigned n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (data, name, NULL);
      pb_store *store = NULL;
      pb_graph *g = NULL;
      pb_store_doc doc;
      pb_store_info info;
      pb_error err = { 0 };
      snapshot snap;

      if (!g_str_has_suffix (name, ".pushback"))
        continue;
      g_test_message ("%s", name);
      snap = take_snapshot (path);
      if (pb_store_open (path, PB_STORE_READ, &store, &err) != PB_OK
          || pb_store_load (store, 0, &g, &doc, &err) != PB_OK
          || pb_store_get_info (store, &info, &err) != PB_OK)
        g_error ("%s", err.message);
      if (strcmp (name, "v1.pushback") == 0)
        {
          document sample;
          g_autofree char *want = NULL;
          g_autofree char *got = describe_loaded (g, &doc);

          sample_document (&sample);
          want = describe_document (&sample);
          g_assert_cmpstr (got, ==, want);
          g_assert_cmpuint (info.schema_version, ==, 1);
          assert_sample_runs (store);
          document_clear (&sample);
        }
      else if (strcmp (name, "v3.pushback") == 0)
        {
          document sample;
          g_autofree char *want = NULL;
          g_autofree char *got = describe_loaded (g, &doc);

          framed_sample_document (&sample);
          want = describe_document (&sample);
          g_assert_cmpstr (got, ==, want);
          g_assert_cmpuint (info.schema_version, ==, 3);
          assert_sample_runs (store);
          document_clear (&sample);
        }
      pb_graph_free (g);
      pb_store_close (store);
      assert_unchanged (path, &snap);
      n++;
    }
  g_dir_close (d);
  g_assert_cmpuint (n, >=, PB_STORE_SCHEMA_VERSION);
}

/* A chain of @n map processes with names, parameters and a layout; @seed
 * changes every name and parameter. */
static void
large_document (document *d,
                int       n,
                int       seed)
{
  pb_graph *g = pb_graph_new (0);
  pb_addr prev = 0;
  int i;

  document_init (d, g, seed == 0 ? "version A" : "version B");
  for (i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("m%d-%d", seed, i);
      g_autofree char *expr = g_strdup_printf ("x * %d + %d", seed + 2, i);
      pb_addr p = insert (g, (uint32_t) (i % 3) * 0x7ffff, (uint32_t) i + 1, "map", name);

      set_param (g, p, "expr", expr);
      if (prev != 0)
        link_ports (g, pb_addr_with_port (prev, 1), pb_addr_with_port (p, 0), (uint32_t) (i % 2));
      add_layout (d, p, true, i * 10.0 + seed, -i, 100, 40, i % 7 == 0);
      prev = p;
    }
}

/*
 * Kill a process that saves, at random moments, many times: the file
 * must always load, as one of the two versions it alternates between. A
 * kill during a commit leaves a journal beside the file: a reader then
 * refuses the file rather than read a half-written one, and the next
 * writer's open rolls the save back.
 */
static void
test_crash (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "crash.pushback", NULL);
  g_autofree char *want_a = NULL;
  g_autofree char *want_b = NULL;
  GRand *rand = g_rand_new_with_seed (7);
  document a, b;
  unsigned seen_a = 0, seen_b = 0, left_journal = 0;
  int i;

  large_document (&a, 3000, 0);
  large_document (&b, 2000, 1);
  want_a = describe_document (&a);
  want_b = describe_document (&b);
  save_document (path, &a);

  for (i = 0; i < 50; i++)
    {
      g_autofree char *got = NULL;
      pid_t pid;
      int status = 0;

      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          /* The child saves until it is killed; any failure is an exit. */
          for (;;)
            {
              pb_store *store = NULL;
              int k;

              if (pb_store_open (path, PB_STORE_WRITE, &store, NULL) != PB_OK)
                _exit (2);
              for (k = 0; k < 4; k++)
                {
                  document *v = k % 2 == 0 ? &b : &a;

                  if (pb_store_save (store, v->graph, document_doc (v), NULL) != PB_OK)
                    _exit (3);
                }
              pb_store_close (store);
            }
        }
      g_usleep ((gulong) g_rand_int_range (rand, 0, 250000));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
      g_assert_false (sidecar_exists (path, "-wal"));
      if (sidecar_exists (path, "-journal"))
        {
          pb_store *store = NULL;
          pb_error err = { 0 };

          left_journal++;
          if (pb_store_open (path, PB_STORE_READ, &store, &err) == PB_OK)
            pb_store_close (store);
          else
            g_assert_nonnull (strstr (err.message, "a crash cut short"));
          /* The journal may be one that the kill left before it held
           * anything (not hot): then it is left for the next save. */
          g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
          pb_store_close (store);
        }

      got = load_description (path);
      if (strcmp (got, want_a) == 0)
        seen_a++;
      else if (strcmp (got, want_b) == 0)
        seen_b++;
      else
        g_error ("after kill %d, the document is neither version", i);
    }
  g_test_message ("version A %u times, version B %u times; %u kills left a journal",
                  seen_a, seen_b, left_journal);

  /* The next writer tidies up whatever the kills left. */
  save_document (path, &a);
  g_assert_false (sidecar_exists (path, "-wal"));
  g_assert_false (sidecar_exists (path, "-shm"));
  g_assert_false (sidecar_exists (path, "-journal"));
  document_clear (&a);
  document_clear (&b);
  g_rand_free (rand);
  remove_tree (dir);
}

/* Two stores of one document: a reader sees whole saves, and the writer
 * that closes first leaves the WAL to the other. */
static void
test_concurrent (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "two.pushback", NULL);
  g_autofree char *want_a = NULL;
  g_autofree char *want_b = NULL;
  document a, b;
  pb_store *writer = NULL, *reader = NULL;
  pb_graph *g = NULL;
  pb_store_doc doc;
  pb_error err = { 0 };

  large_document (&a, 50, 0);
  large_document (&b, 30, 1);
  want_a = describe_document (&a);
  want_b = describe_document (&b);

  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &writer, &err), ==, PB_OK);
  g_assert_cmpint (pb_store_save (writer, a.graph, document_doc (&a), &err), ==, PB_OK);
  g_assert_cmpint (pb_store_open (path, PB_STORE_READ, &reader, &err), ==, PB_OK);
  g_assert_cmpint (pb_store_load (reader, 0, &g, &doc, &err), ==, PB_OK);
  {
    g_autofree char *got = describe_loaded (g, &doc);

    g_assert_cmpstr (got, ==, want_a);
  }
  pb_graph_free (g);
  g_assert_cmpint (pb_store_save (writer, b.graph, document_doc (&b), &err), ==, PB_OK);
  g_assert_cmpint (pb_store_load (reader, 0, &g, &doc, &err), ==, PB_OK);
  {
    g_autofree char *got = describe_loaded (g, &doc);

    g_assert_cmpstr (got, ==, want_b);
  }
  pb_graph_free (g);
  pb_store_close (writer);
  pb_store_close (reader);
  {
    g_autofree char *got = load_description (path);

    g_assert_cmpstr (got, ==, want_b);
  }
  save_document (path, &a);
  g_assert_false (sidecar_exists (path, "-wal"));
  document_clear (&a);
  document_clear (&b);
  remove_tree (dir);
}

/*
 * Schemas that a hostile or careless program made: each is refused by a
 * reader and by a writer, before anything writes through it. The first
 * is the attack of issue 11: a `runs` table rebuilt with a foreign key to
 * `processes` ON DELETE CASCADE, which made a later save delete the
 * recorded runs.
 */
static void
test_refuse_schemas (void)
{
  static const struct
  {
    const char *sql;
    const char *what;
  } cases[] = {
    { "CREATE TABLE runs2 (\n"
      "  id          INTEGER PRIMARY KEY,\n"
      "  started_us  INTEGER NOT NULL,\n"
      "  duration_ns INTEGER NOT NULL CHECK (duration_ns >= 0),\n"
      "  app_version TEXT NOT NULL,\n"
      "  host        INTEGER NOT NULL DEFAULT 0,\n"
      "  pid         INTEGER NOT NULL DEFAULT 1,\n"
      "  FOREIGN KEY (host, pid) REFERENCES processes (host, id) ON DELETE CASCADE\n"
      ") STRICT;\n"
      "INSERT INTO runs2 (id, started_us, duration_ns, app_version)\n"
      "  SELECT id, started_us, duration_ns, app_version FROM runs;\n"
      "DROP TABLE runs; ALTER TABLE runs2 RENAME TO runs;",
      "the table 'runs' is not a Pushback document's: it has column 'host' INTEGER NOT NULL "
      "DEFAULT 0, which Pushback's does not" },
    { "CREATE TABLE runs2 (\n"
      "  id          INTEGER PRIMARY KEY REFERENCES processes (id) ON DELETE CASCADE,\n"
      "  started_us  INTEGER NOT NULL,\n"
      "  duration_ns INTEGER NOT NULL CHECK (duration_ns >= 0),\n"
      "  app_version TEXT NOT NULL\n"
      ") STRICT;\n"
      "INSERT INTO runs2 SELECT * FROM runs;\n"
      "DROP TABLE runs; ALTER TABLE runs2 RENAME TO runs;",
      "the table 'runs' is not a Pushback document's: it has foreign key (id) referencing "
      "'processes' (id) ON UPDATE NO ACTION ON DELETE CASCADE, which Pushback's does not" },
    { "CREATE TRIGGER wipe AFTER DELETE ON processes BEGIN DELETE FROM runs; END",
      "it has a trigger 'wipe' on the table 'processes' that Pushback documents do not have" },
    { "CREATE VIEW v AS SELECT * FROM runs", "it has a view 'v'" },
    { "CREATE TABLE notes (t TEXT)", "it has a table 'notes'" },
    { "CREATE INDEX by_version ON runs (app_version)",
      "it has an index 'by_version' on the table 'runs'" },
    { "ANALYZE", "it has a table 'sqlite_stat1'" },
    { "ALTER TABLE processes ADD COLUMN color TEXT",
      "it has column 'color' TEXT, which Pushback's does not" },
    { "ALTER TABLE runs DROP COLUMN app_version", "it lacks column 'app_version' TEXT NOT NULL" },
    /* Only a CHECK constraint differs: the SQL the table was made with says
     * it. */
    { "CREATE TABLE runs2 (\n"
      "  id          INTEGER PRIMARY KEY,\n"
      "  started_us  INTEGER NOT NULL,\n"
      "  duration_ns INTEGER NOT NULL,\n"
      "  app_version TEXT NOT NULL\n"
      ") STRICT;\n"
      "INSERT INTO runs2 SELECT * FROM runs;\n"
      "DROP TABLE runs; ALTER TABLE runs2 RENAME TO runs;",
      "the table 'runs' is not a Pushback document's: its constraints differ" },
  };
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *good = g_build_filename (dir, "good.pushback", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.pushback", NULL);
  document d;
  size_t i;

  sample_document (&d);
  save_document (good, &d);
  record_sample_runs (good);
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA foreign_keys = OFF; "
                                              "PRAGMA legacy_alter_table = ON; %s",
                                              cases[i].sql);
      pb_store *store = NULL;
      pb_error err = { 0 };
      snapshot snap;

      g_test_message ("%s", cases[i].sql);
      copy_file (good, path);
      raw_exec (path, sql);
      assert_refused (path, PB_EFORMAT, cases[i].what);

      /* A writer refuses it too, so no save can follow what it defines. */
      snap = take_snapshot (path);
      g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_EFORMAT);
      g_assert_null (store);
      g_assert_nonnull (strstr (err.message, cases[i].what));
      assert_unchanged (path, &snap);
      if (strstr (cases[i].sql, "runs2") != NULL)
        g_assert_cmpint (raw_int (path, "SELECT count(*) FROM runs"), ==, 2);
      g_assert_cmpint (g_remove (path), ==, 0);
    }
  document_clear (&d);
  remove_tree (dir);
}

/* A bypassed process stays bypassed through a save and a load, and a
 * row that bypasses a kind that cannot be is refused. */
static void
test_bypass (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "bypass.pushback", NULL);
  g_autofree char *want = NULL;
  g_autofree char *got = NULL;
  pb_graph *g = pb_graph_new (0);
  pb_addr seq = insert (g, 0, 1, "seq", "s");
  pb_addr map = insert (g, 0, 2, "map", "m");
  document d;

  set_param (g, map, "expr", "x * 2");
  link_ports (g, pb_addr_with_port (seq, 0), pb_addr_with_port (map, 0), 0);
  g_assert_cmpint (pb_graph_set_bypass (g, map, true), ==, PB_OK);
  document_init (&d, g, "bypass");
  want = describe_document (&d);
  g_assert_nonnull (strstr (want, "map m bypassed"));
  save_document (path, &d);
  got = load_description (path);
  g_assert_cmpstr (got, ==, want);
  /* Saving it unbypassed writes the change. */
  g_assert_cmpint (pb_graph_set_bypass (g, map, false), ==, PB_OK);
  save_document (path, &d);
  g_free (got);
  got = load_description (path);
  g_assert_null (strstr (got, "bypassed"));

  raw_exec (path, "UPDATE processes SET bypassed = 1 WHERE kind = 'seq'");
  assert_refused (path, PB_EFORMAT, "is bypassed, which a seq cannot be");
  document_clear (&d);
  remove_tree (dir);
}

/* Saving @d into @path is refused with a message holding @what, and
 * leaves the file as it was. */
static void
assert_frames_refused (const char *path,
                       document   *d,
                       const char *what)
{
  snapshot snap = take_snapshot (path);
  pb_store *store = NULL;
  pb_error err = { 0 };

  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  assert_save_refused (store, d->graph, document_doc (d), what);
  pb_store_close (store);
  assert_unchanged (path, &snap);
}

/* Frames keep their titles, colours, notes, collapsed state and members
 * through a save; a save without them removes them; what the editor
 * could never write is refused on saving and on loading, by name. */
static void
test_frames (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "frames.pushback", NULL);
  g_autofree char *want = NULL;
  g_autofree char *got = NULL;
  pb_addr members[3];
  pb_store_frame frames[2];
  document d;

  framed_sample_document (&d);
  want = describe_document (&d);
  g_assert_nonnull (strstr (want, "frame Totals orange collapsed []: 0000000000050000"));
  save_document (path, &d);
  got = load_description (path);
  g_assert_cmpstr (got, ==, want);

  /* Fewer frames, one changed: written. */
  memcpy (frames, sample_frames, sizeof frames);
  frames[0].color = "purple";
  frames[0].collapsed = true;
  d.doc.frames = frames;
  d.doc.n_frames = 1;
  g_free (want);
  want = describe_document (&d);
  save_document (path, &d);
  g_free (got);
  got = load_description (path);
  g_assert_cmpstr (got, ==, want);
  g_assert_null (strstr (got, "Totals"));

  /* What cannot be saved is refused, naming the frame or process. */
  memcpy (members, sample_frame_members, sizeof members);
  frames[0] = (pb_store_frame) { "Twice", "blue", "", false, members, 2 };
  frames[1] = (pb_store_frame) { "Again", "blue", "", false, members + 1, 2 };
  d.doc.n_frames = 2;
  assert_frames_refused (path, &d, "lies in two frames");
  frames[1] = (pb_store_frame) { "Mauve", "mauve", "", false, members + 2, 1 };
  assert_frames_refused (path, &d, "frame 'Mauve': it has no colour of the palette");
  frames[1] = (pb_store_frame) { "Two\nlines", "red", "", false, members + 2, 1 };
  assert_frames_refused (path, &d, "frame 2: its title must be one line");
  frames[1] = (pb_store_frame) { "", "red", "", false, members + 2, 1 };
  assert_frames_refused (path, &d, "frame 2: its title must be one line");
  frames[1] = (pb_store_frame) { "Empty", "red", "", false, members + 2, 0 };
  assert_frames_refused (path, &d, "frame 'Empty': it holds no process");
  frames[1] = (pb_store_frame) { "Bad note", "red", "\xff", false, members + 2, 1 };
  assert_frames_refused (path, &d, "frame 'Bad note': its note is not UTF-8");
  members[2] = ADDR (9, 9);
  frames[1] = (pb_store_frame) { "Ghost", "red", "", false, members + 2, 1 };
  assert_frames_refused (path, &d, "process 9:9 is not a process of the topology");
  g_free (got);
  got = load_description (path);
  g_assert_cmpstr (got, ==, want);

  /* A headless save keeps no layout, and so no frames. */
  {
    pb_store *store = NULL;
    pb_error err = { 0 };

    g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
    g_assert_cmpint (pb_store_save (store, d.graph, NULL, &err), ==, PB_OK);
    pb_store_close (store);
    g_free (got);
    got = load_description (path);
    g_assert_null (strstr (got, "frame "));
  }

  /* Rows no save writes are refused as the document loads. */
  d.doc.frames = sample_frames;
  d.doc.n_frames = G_N_ELEMENTS (sample_frames);
  save_document (path, &d);
  raw_exec (path, "PRAGMA ignore_check_constraints = ON; UPDATE frames SET color = 'mauve' "
                  "WHERE id = 2");
  assert_refused (path, PB_EFORMAT, "frame 'Totals' has an unknown colour 'mauve'");
  g_assert_cmpint (g_remove (path), ==, 0);
  save_document (path, &d);
  raw_exec (path, "DELETE FROM frame_members WHERE frame = 2");
  assert_refused (path, PB_EFORMAT, "frame 'Totals' holds no process");
  g_assert_cmpint (g_remove (path), ==, 0);
  save_document (path, &d);
  raw_exec (path, "PRAGMA foreign_keys = OFF; UPDATE frame_members SET frame = 7 "
                  "WHERE frame = 2");
  assert_refused (path, PB_EFORMAT, "lies in frame 7, which does not exist");
  g_assert_cmpint (g_remove (path), ==, 0);
  save_document (path, &d);
  raw_exec (path, "PRAGMA ignore_check_constraints = ON; UPDATE frames SET title = 'a' "
                  "|| char (10) || 'b' WHERE id = 1");
  assert_refused (path, PB_EFORMAT, "frame 1 has a title that is not one line of text");
  document_clear (&d);
  remove_tree (dir);
}

/* A document is anyone's text: code in it that would reach the
 * compiling machine through the preprocessor is refused as it loads,
 * naming the process and the line, and the file is left as it was. */
static void
test_refuse_directives (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "include.pushback", NULL);
  document d;

  sample_document (&d);
  save_document (path, &d);
  raw_exec (path, "UPDATE params SET value = 'x' || char (10) || '#include \"/etc/shadow\"' "
                  "WHERE key = 'expr'");
  assert_refused (path, PB_EFORMAT,
                  "(double): expr, line 2: preprocessor directives are not allowed in code");

  /* The same, behind a comment closed across a joined line. */
  raw_exec (path, "UPDATE params SET value = '/* *\\' || char (10) || '/' || char (10) "
                  "|| '#include \"/etc/shadow\"' || char (10) || '/* */ x' WHERE key = 'expr'");
  assert_refused (path, PB_EFORMAT,
                  "(double): expr, line 3: preprocessor directives are not allowed in code");

  /* Casts enough to overflow the compiler's stack. */
  raw_exec (path, "UPDATE params SET value = replace (printf ('%.1100c', '@'), '@', '(long)') "
                  "|| 'x' WHERE key = 'expr'");
  assert_refused (path, PB_EFORMAT, "(double): expr holds more than 1024 casts");
  document_clear (&d);
  remove_tree (dir);
}

/* A writer checks the schema again when it writes: another program may
 * have changed it since the store was opened. */
static void
test_schema_changed (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "s.pushback", NULL);
  pb_store *store = NULL;
  pb_error err = { 0 };
  document d;

  sample_document (&d);
  save_document (path, &d);
  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  raw_exec (path, "CREATE TRIGGER wipe AFTER DELETE ON processes BEGIN DELETE FROM runs; END");
  g_assert_cmpint (pb_store_save (store, d.graph, document_doc (&d), &err), ==, PB_EFORMAT);
  g_assert_nonnull (strstr (err.message, "another program changed its schema"));
  g_assert_cmpint (pb_store_record_run (store, 0, 0, NULL, 0, NULL, &err), ==, PB_EFORMAT);
  pb_store_close (store);
  document_clear (&d);
  remove_tree (dir);
}

/*
 * A save that fails changes no byte of the document, and leaves no file
 * beside it: in a directory the saver cannot write to (where no journal
 * can be made), and on a full disk (here a file size limit, which fails
 * writes past it as a full disk does). Each runs in a child that drops
 * root, which the tests may run as, so that permissions apply.
 */
static void
test_save_fails (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "f.pushback", NULL);
  g_autofree char *want = NULL;
  document small, big;
  int limit;

  large_document (&small, 20, 0);
  large_document (&big, 3000, 1);
  want = describe_document (&small);
  save_document (path, &small);

  for (limit = 0; limit < 2; limit++)
    {
      snapshot snap = take_snapshot (path);
      pid_t pid;
      int status = 0;

      g_assert_cmpint (chmod (dir, limit ? 0777 : 0555), ==, 0);
      g_assert_cmpint (chmod (path, 0666), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          pb_store *store = NULL;
          pb_error err = { 0 };
          struct stat st;

          if (limit)
            {
              struct rlimit rl;

              /* Room for the journal, not for the bigger document. */
              g_assert_cmpint (stat (path, &st), ==, 0);
              rl.rlim_cur = rl.rlim_max = (rlim_t) st.st_size * 2;
              signal (SIGXFSZ, SIG_IGN);
              if (setrlimit (RLIMIT_FSIZE, &rl) != 0)
                _exit (10);
            }
          if (setgid (65534) != 0 || setuid (65534) != 0)
            _exit (11);
          if (pb_store_open (path, PB_STORE_WRITE, &store, &err) != PB_OK)
            _exit (12);
          if (pb_store_save (store, big.graph, document_doc (&big), &err) != PB_EIO
              || !g_str_has_prefix (err.message, path))
            _exit (13);
          pb_store_close (store);
          _exit (0);
        }
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
      g_assert_cmpint (chmod (dir, 0700), ==, 0);
      if (limit)
        {
          /* The rollback rewrote the pages it had written, with the same
           * bytes: only the modification time may differ. */
          g_autoptr (GBytes) now = read_file (path);

          g_assert_true (g_bytes_equal (now, snap.bytes));
          g_bytes_unref (snap.bytes);
          g_assert_false (sidecar_exists (path, "-journal"));
          g_assert_false (sidecar_exists (path, "-wal"));
        }
      else
        assert_unchanged (path, &snap);
      {
        g_autofree char *got = load_description (path);

        g_assert_cmpstr (got, ==, want);
      }
    }
  document_clear (&small);
  document_clear (&big);
  remove_tree (dir);
}

typedef struct
{
  sqlite3 *db;
} held_read;

static gpointer
end_read_later (gpointer data)
{
  held_read *h = data;

  g_usleep (300000);
  g_assert_cmpint (sqlite3_exec (h->db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  return NULL;
}

/*
 * A save while another program reads: the save waits for the read to end
 * and then writes the file itself, so that a copy of the file alone, made
 * as soon as the save returns, holds what was saved.
 */
static void
test_save_while_reading (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "r.pushback", NULL);
  g_autofree char *copy = g_build_filename (dir, "copy.pushback", NULL);
  g_autofree char *want_b = NULL;
  document a, b;
  pb_store *store = NULL;
  pb_error err = { 0 };
  held_read h = { 0 };
  GThread *thread;

  large_document (&a, 50, 0);
  large_document (&b, 30, 1);
  want_b = describe_document (&b);
  g_assert_cmpint (pb_store_open (path, PB_STORE_WRITE, &store, &err), ==, PB_OK);
  g_assert_cmpint (pb_store_save (store, a.graph, document_doc (&a), &err), ==, PB_OK);

  g_assert_cmpint (sqlite3_open_v2 (path, &h.db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (h.db, "BEGIN; SELECT count(*) FROM processes;", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  thread = g_thread_new ("reader", end_read_later, &h);
  g_assert_cmpint (pb_store_save (store, b.graph, document_doc (&b), &err), ==, PB_OK);
  copy_file (path, copy);
  {
    g_autofree char *got = load_description (copy);

    g_assert_cmpstr (got, ==, want_b);
  }
  g_thread_join (thread);
  sqlite3_close (h.db);
  pb_store_close (store);
  document_clear (&a);
  document_clear (&b);
  remove_tree (dir);
}

static void
test_arguments (void)
{
  pb_store *store = (pb_store *) 1;
  pb_graph *g = (pb_graph *) 1;
  pb_error err = { 0 };

  g_assert_cmpint (pb_store_open (NULL, PB_STORE_READ, &store, &err), ==, PB_EINVAL);
  g_assert_null (store);
  g_assert_cmpint (pb_store_open ("x", 7, &store, NULL), ==, PB_EINVAL);
  g_assert_cmpint (pb_store_load (NULL, 0, &g, NULL, &err), ==, PB_EINVAL);
  g_assert_null (g);
  pb_store_close (NULL);
}

/* The path of fuzzer seed @name, with no file there yet. */
static char *
fresh_seed (const char *name)
{
  char *path = g_build_filename (g_getenv ("PB_STORE_WRITE_FIXTURES"), "fuzz", "corpus",
                                 name, NULL);

  g_remove (path);
  return path;
}

/* Seeds are small: pages of 512 bytes give the fuzzer less to wade
 * through. */
static void
shrink (const char *path)
{
  raw_exec (path, "PRAGMA page_size = 512; VACUUM;");
}

/*
 * A document an older version left in WAL mode, in a directory the reader
 * cannot write: SQLite must make a -shm file beside it to read it, and
 * reading failed with "attempt to write a readonly database". With no
 * -wal file beside it, the file holds every commit, and it is read as it
 * is, changing nothing. Its name holds what a URI must escape.
 */
static void
test_read_wal_readonly (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old ?#%20.pushback", NULL);
  g_autofree char *want = NULL;
  g_autoptr (GBytes) header = NULL;
  snapshot snap;
  document d;
  pid_t pid;
  int status = 0;

  sample_document (&d);
  save_document (path, &d);
  want = load_description (path);
  raw_exec (path, "PRAGMA journal_mode = WAL");
  header = read_file (path);
  g_assert_cmpint (((const guint8 *) g_bytes_get_data (header, NULL))[18], ==, 2);
  g_assert_false (sidecar_exists (path, "-wal"));
  snap = take_snapshot (path);

  g_assert_cmpint (chmod (dir, 0555), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      pb_store *store = NULL;
      pb_error err = { 0 };

      if (setgid (65534) != 0 || setuid (65534) != 0)
        _exit (11);
      if (pb_store_open (path, PB_STORE_READ, &store, &err) != PB_OK)
        {
          g_printerr ("%s\n", err.message);
          _exit (12);
        }
      pb_store_close (store);
      _exit (g_strcmp0 (load_description (path), want) == 0 ? 0 : 13);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_cmpint (chmod (dir, 0700), ==, 0);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  assert_unchanged (path, &snap);
  document_clear (&d);
  remove_tree (dir);
}

/* Writes the fixtures: see the top of this file. */
static void
test_write_fixtures (void)
{
  g_autofree char *data = g_strdup_printf ("%s/data/v%d.pushback",
                                           g_getenv ("PB_STORE_WRITE_FIXTURES"),
                                           PB_STORE_SCHEMA_VERSION);
  g_autofree char *sample = fresh_seed ("sample.pushback");
  g_autofree char *empty = fresh_seed ("empty-document.pushback");
  g_autofree char *forged = fresh_seed ("forged.pushback");
  g_autofree char *other = fresh_seed ("other-application.sqlite");
  g_autofree char *newer = fresh_seed ("newer.pushback");
  g_autofree char *text = fresh_seed ("text.txt");
  g_autofree char *nothing = fresh_seed ("empty");
  g_autofree char *cascade = fresh_seed ("hostile-cascade.pushback");
  g_autofree char *trigger = fresh_seed ("hostile-trigger.pushback");
  g_autofree char *view = fresh_seed ("hostile-view.pushback");
  g_autofree char *include = fresh_seed ("hostile-include.pushback");
  g_autofree char *joined = fresh_seed ("hostile-joined-comment.pushback");
  g_autofree char *casts = fresh_seed ("hostile-casts.pushback");
  g_autofree char *cut = fresh_seed ("cut-short.pushback");
  document d, blank;

  framed_sample_document (&d);
  if (!g_file_test (data, G_FILE_TEST_EXISTS))
    {
      save_document (data, &d);
      record_sample_runs (data);
      raw_exec (data, "VACUUM");
    }

  save_document (sample, &d);
  record_sample_runs (sample);
  shrink (sample);
  document_init (&blank, pb_graph_new (0), "");
  save_document (empty, &blank);
  shrink (empty);
  forge (forged, FORGED_PAIR FORGED_LINK "INSERT INTO params VALUES (0, 1, 'to', 'float', '10');");
  shrink (forged);
  raw_exec (other, "PRAGMA page_size = 512; PRAGMA application_id = 1234;"
            "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
  copy_file (empty, newer);
  raw_exec (newer, "PRAGMA user_version = 99");
  write_file (text, "seq ! sum\n", 10);
  write_file (nothing, "", 0);
  /* Hostile schemas (test_refuse_schemas()), on the sample with its runs. */
  copy_file (sample, cascade);
  raw_exec (cascade, "PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON;"
            "CREATE TABLE runs2 (id INTEGER PRIMARY KEY REFERENCES processes (id) "
            "  ON DELETE CASCADE, started_us INTEGER NOT NULL, duration_ns INTEGER NOT NULL "
            "  CHECK (duration_ns >= 0), app_version TEXT NOT NULL) STRICT;"
            "INSERT INTO runs2 SELECT * FROM runs; DROP TABLE runs;"
            "ALTER TABLE runs2 RENAME TO runs; VACUUM;");
  copy_file (sample, trigger);
  raw_exec (trigger, "CREATE TRIGGER wipe AFTER DELETE ON processes "
            "BEGIN DELETE FROM runs; END; VACUUM;");
  copy_file (sample, view);
  raw_exec (view, "DROP TABLE links; CREATE VIEW links AS SELECT 1 AS port, 2 AS peer, "
            "0 AS flags; VACUUM;");
  copy_file (sample, include);
  raw_exec (include, "UPDATE params SET value = 'x' || char (10) || '#include \"/etc/shadow\"' "
                     "WHERE key = 'expr'; VACUUM;");
  copy_file (sample, joined);
  raw_exec (joined, "UPDATE params SET value = '/* *\\' || char (10) || '/' || char (10) "
                    "|| '#include \"/etc/shadow\"' || char (10) || '/* */ x' "
                    "WHERE key = 'expr'; VACUUM;");
  copy_file (sample, casts);
  raw_exec (casts, "UPDATE params SET value = replace (printf ('%.1100c', '@'), '@', '(long)') "
                   "|| 'x' WHERE key = 'expr'; VACUUM;");
  {
    g_autoptr (GBytes) bytes = read_file (sample);

    write_file (cut, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) - 1);
  }
  document_clear (&blank);
  document_clear (&d);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Pushback/Store/arguments", test_arguments);
  g_test_add_func ("/Pushback/Store/new-document", test_new_document);
  g_test_add_func ("/Pushback/Store/round-trip", test_round_trip);
  g_test_add_func ("/Pushback/Store/frames", test_frames);
  g_test_add_func ("/Pushback/Store/round-trip-random", test_round_trip_random);
  g_test_add_func ("/Pushback/Store/save-keeps", test_save_keeps);
  g_test_add_func ("/Pushback/Store/save-edits", test_save_edits);
  g_test_add_func ("/Pushback/Store/save-refuses", test_save_refuses);
  g_test_add_func ("/Pushback/Store/refuse-files", test_refuse_files);
  g_test_add_func ("/Pushback/Store/refuse-versions", test_refuse_versions);
  g_test_add_func ("/Pushback/Store/refuse-corrupt", test_refuse_corrupt);
  g_test_add_func ("/Pushback/Store/refuse-rows", test_refuse_rows);
  g_test_add_func ("/Pushback/Store/refuse-forged", test_refuse_forged);
  g_test_add_func ("/Pushback/Store/write-open", test_write_open);
  g_test_add_func ("/Pushback/Store/runs", test_runs);
  g_test_add_func ("/Pushback/Store/migrate", test_migrate);
  g_test_add_func ("/Pushback/Store/data-files", test_data_files);
  g_test_add_func ("/Pushback/Store/crash", test_crash);
  g_test_add_func ("/Pushback/Store/concurrent", test_concurrent);
  g_test_add_func ("/Pushback/Store/refuse-schemas", test_refuse_schemas);
  g_test_add_func ("/Pushback/Store/refuse-directives", test_refuse_directives);
  g_test_add_func ("/Pushback/Store/bypass", test_bypass);
  g_test_add_func ("/Pushback/Store/schema-changed", test_schema_changed);
  g_test_add_func ("/Pushback/Store/save-fails", test_save_fails);
  g_test_add_func ("/Pushback/Store/save-while-reading", test_save_while_reading);
  g_test_add_func ("/Pushback/Store/read-wal-readonly", test_read_wal_readonly);
  if (g_getenv ("PB_STORE_WRITE_FIXTURES") != NULL)
    g_test_add_func ("/Pushback/Store/write-fixtures", test_write_fixtures);

  return g_test_run ();
}
