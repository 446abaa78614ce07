/* store.h — topologies as SQLite documents
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pushback/addr.h>
#include <pushback/error.h>
#include <pushback/graph.h>

/**
 * pb_store:
 *
 * An open Pushback document (a `.pushback` file): an SQLite database that
 * holds one topology with its layout and view, the document's metadata,
 * and the counters of recorded runs.
 *
 * The format. `PRAGMA application_id` is PB_STORE_APPLICATION_ID and
 * `PRAGMA user_version` the schema version. Processes are rows keyed by
 * (host, id); their parameters are rows of (key, type, value), the type
 * being the kind's at save time, so user code reads as `expr` or `code`.
 * Links are stored as one row per connected port: (port, peer, flags),
 * both 64-bit port addresses. The schema itself enforces the monopoly
 * rule: port is the primary key, peer is unique, and a deferred foreign
 * key (peer, port) -> (port, peer) makes every link symmetric. Addresses
 * are unsigned but SQLite integers are signed: an address is stored as the
 * int64_t of the same bits, so hosts of 2^19 and above are negative
 * numbers in the file. The exact tables are in runtime/store-schema.c.
 *
 * Nothing a person saved may be lost or silently changed, so:
 *
 * - Saving is one transaction: a crash, a kill or a power cut during a save
 *   leaves the previous version. A completed save is durable (fsync'd)
 *   before pb_store_save() returns.
 * - Saving refuses what loading would refuse (an unknown kind, a bad
 *   parameter, a link on a port its kind lacks): every saved document
 *   loads again, and loads as exactly what was saved.
 * - Opening and loading validate everything and refuse with a message that
 *   names the file and the problem; they never write: a document that
 *   fails to open or load is left byte for byte as it was.
 * - A document of an older schema version is migrated forward: in memory
 *   for reading, and in the file only within the first write.
 *
 * A document is one self-contained file in rollback-journal mode, as
 * SQLite recommends for application files: a copy of the file made at any
 * moment between saves holds the latest save, and reading it never creates
 * files beside it. A save waits for other connections' reads to finish
 * before it writes the file (up to the lock timeout below). A save that
 * fails (a read-only directory, a full disk) leaves the file byte for byte
 * as it was; one that a crash cuts short leaves a journal beside the file,
 * which the next pb_store_open() for writing rolls back.
 *
 * A document is never trusted: besides its rows, opening compares its
 * schema (tables, columns, keys, foreign-key actions, indexes, and any
 * trigger or view) with the one this library made for its version, and
 * refuses any difference, so that nothing a file defines runs when we
 * write to it.
 *
 * In use, with error checks left out:
 *
 *     // Run or check a document.
 *     pb_store_open (path, PB_STORE_READ, &store, &err);
 *     pb_store_load (store, 0, &graph, NULL, &err);
 *     pb_store_close (store);
 *
 *     // Save a topology that has no layout (a pipeline), keeping the
 *     // document's title, view and runs if it exists.
 *     pb_store_open (path, PB_STORE_WRITE, &store, &err);
 *     pb_store_save (store, graph, NULL, &err);
 *     pb_store_close (store);
 *
 *     // Record a run: one pb_store_counters per pb_engine_process_info().
 *     pb_store_open (path, PB_STORE_WRITE, &store, &err);
 *     pb_store_record_run (store, started_us, duration_ns, counters, n,
 *                          &run_id, &err);
 *     pb_store_close (store);
 *
 * The editor keeps a PB_STORE_WRITE store open for the document's life:
 * it loads with a pb_store_doc for the layout, and saves with one.
 *
 * Thread safety: a store is not thread-safe; one thread at a time may use
 * it, and the caller serialises. Distinct stores, of one file or of
 * several, may be used from different threads and processes at once:
 * SQLite's locks serialise writers, and a store waits up to 5 seconds for
 * a lock before it fails with PB_EIO.
 */
typedef struct pb_store pb_store;

/** The application id of Pushback documents: "PUSH" in ASCII. */
#define PB_STORE_APPLICATION_ID 0x50555348

/** The schema version this library writes, and the newest it reads. */
#define PB_STORE_SCHEMA_VERSION 3

typedef enum
{
  PB_STORE_READ,  /* open an existing document; never write to it */
  PB_STORE_WRITE, /* open a document for saving and recording, or create
                   * one where there is no file, or an empty one */
} pb_store_mode;

/**
 * pb_store_layout:
 * @process: the process (port bits 0)
 * @x: the left edge of its node on the canvas; meaningful when @placed
 * @y: the top edge of its node; meaningful when @placed
 * @width: its width, or 0 for its natural width
 * @height: its height, or 0 for its natural height
 * @placed: whether it has a position; a process saved without one (from
 *   `pushback-run --save`, say) is for the editor to place
 * @collapsed: whether its node is folded to its title
 *
 * Where the editor draws one process. The graph knows nothing of this, so
 * it travels beside the graph. Numbers must be finite, sizes not negative.
 * They are kept exactly, except that -0 reads back as 0 (SQLite stores a
 * whole number as an integer).
 */
typedef struct
{
  pb_addr process;
  double  x;
  double  y;
  double  width;
  double  height;
  bool    placed;
  bool    collapsed;
} pb_store_layout;

/**
 * pb_store_view:
 * @zoom: the canvas scale, greater than 0 (1 for a new document)
 * @scroll_x: the canvas coordinate at the left edge of the view
 * @scroll_y: the canvas coordinate at the top edge of the view
 */
typedef struct
{
  double zoom;
  double scroll_x;
  double scroll_y;
} pb_store_view;

/**
 * pb_store_frame:
 * @title: its name: one line of UTF-8 text, not empty
 * @color: the name of its colour, one of the accent colours GNOME offers:
 *   "blue", "teal", "green", "yellow", "orange", "red", "pink", "purple"
 *   or "slate" (pb_store_frame_color_valid())
 * @note: what a person wrote about it, UTF-8; "" for none
 * @collapsed: whether it is folded to one box showing its external sockets
 * @members: (array length=n_members): the processes inside it (port bits
 *   0), in any order; a process lies in one frame at most
 * @n_members: the number of @members, at least 1
 *
 * A frame the editor draws around some processes, with a name, a colour
 * and a note. It has no place of its own: it lies around its members and
 * moves with them.
 */
typedef struct
{
  const char    *title;
  const char    *color;
  const char    *note;
  bool           collapsed;
  const pb_addr *members;
  size_t         n_members;
} pb_store_frame;

/**
 * pb_store_frame_color_valid:
 * @color: (nullable): a colour's name
 *
 * Returns: whether @color is one a frame may have (see pb_store_frame).
 * Thread safety: any thread.
 */
bool pb_store_frame_color_valid (const char *color);

/**
 * pb_store_doc:
 * @title: the document's title, UTF-8; "" for none
 * @view: where the canvas was scrolled and zoomed
 * @layout: (array length=n_layout): the layout of some or all processes
 * @n_layout: the number of entries of @layout
 * @frames: (array length=n_frames): the frames drawn around processes
 * @n_frames: the number of entries of @frames
 *
 * What the editor keeps of a document beside its graph.
 */
typedef struct
{
  const char            *title;
  pb_store_view          view;
  const pb_store_layout *layout;
  size_t                 n_layout;
  const pb_store_frame  *frames;
  size_t                 n_frames;
} pb_store_doc;

/**
 * pb_store_info:
 * @title: the document's title; "" for none
 * @created_us: when the document was created, in microseconds since the
 *   Unix epoch (as g_get_real_time() counts)
 * @modified_us: when its topology was last saved, in the same unit
 * @app_version: the version of Pushback that last saved it, "0.1.0"
 * @schema_version: the schema version of the file; less than
 *   PB_STORE_SCHEMA_VERSION until the first write migrates it
 */
typedef struct
{
  const char *title;
  int64_t     created_us;
  int64_t     modified_us;
  const char *app_version;
  uint32_t    schema_version;
} pb_store_info;

/**
 * pb_store_counters:
 * @process: the process (port bits 0)
 * @name: (nullable): its name at the time, for people reading the file
 * @kind: (nullable): its kind's name at the time
 * @calls: chain calls that included it
 * @busy_ns: its share of the time its chain ran
 * @items_in: items it took
 * @items_out: items it gave
 *
 * One process's counters at the end of a run, as pb_engine_process_info()
 * reports them. The counters must not exceed INT64_MAX.
 */
typedef struct
{
  pb_addr     process;
  const char *name;
  const char *kind;
  uint64_t    calls;
  uint64_t    busy_ns;
  uint64_t    items_in;
  uint64_t    items_out;
} pb_store_counters;

/**
 * pb_store_run:
 * @id: the run's id in this document, from 1, in the order of recording
 * @started_us: when it started, in microseconds since the Unix epoch
 * @duration_ns: how long it ran
 * @app_version: the version of Pushback that ran it
 * @n_processes: how many processes it has counters for
 */
typedef struct
{
  int64_t     id;
  int64_t     started_us;
  uint64_t    duration_ns;
  const char *app_version;
  size_t      n_processes;
} pb_store_run;

/*
 * Results. Besides PB_OK, store functions return PB_EINVAL when the caller
 * passed something wrong (and the message says what), PB_ENOENT for a file
 * or run that does not exist, PB_EFORMAT for a file that is not a valid
 * Pushback document, PB_EIO when the system or SQLite failed (a full disk,
 * a denied permission, a lock held past the timeout), and PB_ENOMEM. Every
 * function that takes a pb_error fills it when it fails; the message starts
 * with the file's path.
 *
 * Strings and arrays that a store returns are owned by the store and stay
 * valid until the next call of the same function on that store, or
 * pb_store_close(). Strings and arrays passed in are copied as needed.
 */

/**
 * pb_store_open:
 * @path: the file, in the file system's encoding
 * @mode: PB_STORE_READ or PB_STORE_WRITE
 * @store: (out) (transfer full): the open store, to be closed with
 *   pb_store_close(); NULL on failure
 * @err: (nullable): filled on failure
 *
 * Opens a document and checks that it is one: an SQLite database (not an
 * empty file), with Pushback's application id, of a schema version this
 * library reads, whose size is the one its header declares (a file cut
 * short is refused), whose schema is exactly the one of its version, and
 * that passes SQLite's integrity check. Whether its topology loads is for
 * pb_store_load() to say.
 *
 * With PB_STORE_WRITE, a path where no file exists, or an empty file, or
 * an SQLite database with nothing in it, becomes a new empty document at
 * once. Any other file that is not a Pushback document is refused and
 * left alone. An existing document is not written to until the first
 * pb_store_save() or pb_store_record_run(), except that a save a crash cut
 * short is rolled back from its journal.
 *
 * Returns: PB_OK; PB_ENOENT if @path does not exist (with PB_STORE_READ);
 *   PB_EFORMAT if the file is not a valid document: not an SQLite
 *   database, empty, cut short, another application's database, of a
 *   newer schema version, of another schema, or corrupt; PB_EIO if it
 *   cannot be read or created, or (with PB_STORE_READ) holds a save that a
 *   crash cut short, in a journal beside it, which only a writer can roll
 *   back; PB_ENOMEM.
 * Thread safety: any thread.
 */
int pb_store_open (const char     *path,
                   pb_store_mode   mode,
                   pb_store      **store,
                   pb_error       *err);

/**
 * pb_store_close:
 * @store: (nullable) (transfer full): a store
 *
 * Closes @store. Nothing that was saved depends on this: a store that is
 * never closed (a crash) loses nothing saved.
 * Thread safety: the thread that uses @store.
 */
void pb_store_close (pb_store *store);

/**
 * pb_store_path:
 *
 * Returns: (transfer none): the path @store was opened with, owned by it.
 */
const char *pb_store_path (const pb_store *store);

/**
 * pb_store_get_info:
 * @store: a store
 * @info: (out caller-allocates): filled on success; the strings are owned
 *   by @store
 * @err: (nullable): filled on failure
 *
 * Reads the document's metadata.
 *
 * Returns: PB_OK; PB_EFORMAT if the metadata is missing or invalid;
 *   PB_EIO; PB_ENOMEM.
 * Thread safety: the thread that uses @store.
 */
int pb_store_get_info (pb_store      *store,
                       pb_store_info *info,
                       pb_error      *err);

/**
 * pb_store_load:
 * @store: a store
 * @local_host: the host id of the runtime that will use the graph, as for
 *   pb_graph_new()
 * @graph: (out) (transfer full): a new graph holding the document's
 *   topology, processes under their saved ids; NULL on failure
 * @doc: (out caller-allocates) (optional): the title, the view, the
 *   layout of every process, in ascending address order (the order of
 *   pb_graph_list_processes()), and the frames, in the order they were
 *   saved, each frame's members in ascending address order; all owned by
 *   @store until its next pb_store_load() or pb_store_close()
 * @err: (nullable): filled on failure
 *
 * Reads the topology, in one read transaction, and checks every row:
 * types, ranges of hosts and ids, that both ends of every link belong to
 * processes that exist, that links are symmetric and no port is linked
 * twice, that every kind is in the catalogue and every parameter is one
 * its kind takes with a value it accepts (pb_kind_check_param()), and that
 * every link's ports exist on their kinds (pb_kind_port_lookup()). The
 * first problem found is reported, naming the row.
 *
 * Returns: PB_OK; PB_EINVAL if @local_host is out of range; PB_EFORMAT if
 *   the document is invalid; PB_EIO; PB_ENOMEM. The file is never
 *   modified.
 * Thread safety: the thread that uses @store.
 */
int pb_store_load (pb_store      *store,
                   uint32_t       local_host,
                   pb_graph     **graph,
                   pb_store_doc  *doc,
                   pb_error      *err);

/**
 * pb_store_save:
 * @store: a store opened with PB_STORE_WRITE
 * @graph: the topology to save; it replaces the saved one
 * @doc: (nullable): the title, view and layout to save; processes without
 *   an entry in its layout are saved unplaced. NULL keeps the saved title
 *   and view and saves every process unplaced and no frames, as a
 *   headless tool does.
 * @err: (nullable): filled on failure
 *
 * Saves @graph in one transaction, with the modification time and this
 * library's version; only the rows that changed since the saved version
 * are written, so saving after a small edit is quick. Recorded runs are
 * kept. @graph is checked first as
 * pb_store_load() would check the result: every process must have a kind
 * from the catalogue, parameters it takes with values it accepts, and
 * links on ports its kind has. @doc's layout must name processes of
 * @graph, each once, with finite numbers and sizes not negative; its zoom
 * must be finite and greater than 0, its title valid UTF-8. Its frames
 * must each have a valid title and colour, a UTF-8 note and at least one
 * member, every member a process of @graph in no other frame.
 *
 * Returns: PB_OK; PB_EINVAL if @store is read-only, or @graph or @doc
 *   cannot be saved (the message names the process and the problem);
 *   PB_EIO if writing failed; PB_ENOMEM. On failure the document keeps
 *   its previous version.
 * Thread safety: the thread that uses @store.
 */
int pb_store_save (pb_store           *store,
                   const pb_graph     *graph,
                   const pb_store_doc *doc,
                   pb_error           *err);

/**
 * pb_store_record_run:
 * @store: a store opened with PB_STORE_WRITE
 * @started_us: when the run started, in microseconds since the Unix epoch
 * @duration_ns: how long it ran; at most INT64_MAX
 * @counters: (array length=n_counters): each process's counters at the end
 *   of the run, each process once, in any order
 * @n_counters: the number of entries of @counters
 * @run_id: (out) (optional): the new run's id
 * @err: (nullable): filled on failure
 *
 * Records a run, in one transaction, with this library's version. The
 * counters are a snapshot: they name processes by address, with the name
 * and kind they had, and do not change when the topology does.
 *
 * Returns: PB_OK; PB_EINVAL if @store is read-only, a process address is
 *   not one (id 0, or port bits set) or is repeated, a name or kind is not
 *   valid UTF-8, or a number exceeds INT64_MAX; PB_EIO; PB_ENOMEM. On
 *   failure nothing is recorded.
 * Thread safety: the thread that uses @store.
 */
int pb_store_record_run (pb_store                *store,
                         int64_t                  started_us,
                         uint64_t                 duration_ns,
                         const pb_store_counters *counters,
                         size_t                   n_counters,
                         int64_t                 *run_id,
                         pb_error                *err);

/**
 * pb_store_list_runs:
 * @store: a store
 * @runs: (out) (transfer none): the recorded runs in ascending id order,
 *   owned by @store; NULL when there are none
 * @n_runs: (out): how many there are
 * @err: (nullable): filled on failure
 *
 * Returns: PB_OK; PB_EFORMAT if a run's row is invalid; PB_EIO; PB_ENOMEM.
 * Thread safety: the thread that uses @store.
 */
int pb_store_list_runs (pb_store            *store,
                        const pb_store_run **runs,
                        size_t              *n_runs,
                        pb_error            *err);

/**
 * pb_store_run_counters:
 * @store: a store
 * @run_id: a run's id, from pb_store_list_runs() or pb_store_record_run()
 * @counters: (out) (transfer none): its counters in ascending address
 *   order, owned by @store; NULL when there are none
 * @n_counters: (out): how many there are
 * @err: (nullable): filled on failure
 *
 * Returns: PB_OK; PB_ENOENT if there is no such run; PB_EFORMAT if a row is
 *   invalid; PB_EIO; PB_ENOMEM.
 * Thread safety: the thread that uses @store.
 */
int pb_store_run_counters (pb_store                 *store,
                           int64_t                   run_id,
                           const pb_store_counters **counters,
                           size_t                   *n_counters,
                           pb_error                 *err);
