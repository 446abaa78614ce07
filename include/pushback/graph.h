/* graph.h — the topology: processes, their ports, and connections
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pushback/addr.h>

/**
 * pb_graph:
 *
 * The whole topology, for every host: which processes exist and which of
 * their ports are joined. It implements the port model of the original
 * pushback (seed 001): a connection has exactly two endpoints and
 * monopolises both ports, and both ends store the other's address.
 *
 * To the graph, ports are only numbers (0 to 65535, all usable) and a
 * process's kind is only a string it keeps for others: it checks no
 * direction and no type. The engine and the editor give ports meaning.
 *
 * Thread safety: a graph is not thread-safe. Any one thread may use it at a
 * time; the caller serialises. Listeners run on the thread that made the
 * edit, before the editing call returns.
 */
typedef struct pb_graph pb_graph;

/** pb_connection: one link, or one connected port and its peer. */
typedef struct
{
  pb_addr a;
  pb_addr b;
} pb_connection;

typedef enum
{
  PB_GRAPH_PROCESS_ADDED,   /* a = the new process (port bits 0), b = 0 */
  PB_GRAPH_PROCESS_REMOVED, /* a = the removed process, b = 0 */
  PB_GRAPH_CONNECTED,       /* a and b = the two ports just joined */
  PB_GRAPH_DISCONNECTED,    /* a and b = the two ports just separated */
  PB_GRAPH_PROCESS_CHANGED, /* a = the process whose name or a parameter
                             * changed, b = 0 */
  PB_GRAPH_LINK_CHANGED,    /* a and b = the ends of the link whose flags
                             * changed */
} pb_graph_event_type;

/**
 * PB_LINK_BREAK_INLINING:
 *
 * A link flag: the engine puts a boundary buffer on this link instead of
 * pasting the two processes into one chain, so that an edit on one side
 * recompiles less (seed 001).
 */
#define PB_LINK_BREAK_INLINING (1u << 0)

/**
 * pb_graph_event:
 *
 * What one edit touched. Removing a process reports a DISCONNECTED event
 * for each of its connections first (in descending order of its own port,
 * with a = its port), then PROCESS_REMOVED, so a listener that tracks links
 * never sees a link to a process that is gone.
 */
typedef struct
{
  pb_graph_event_type type;
  pb_addr             a;
  pb_addr             b;
} pb_graph_event;

/**
 * pb_graph_listener:
 * @graph: the graph that changed; the listener may read it, but must not
 *   edit it (edits from a listener return PB_EDEADLK)
 * @event: what changed; valid only during the call
 * @data: the pointer given to pb_graph_add_listener()
 */
typedef void (*pb_graph_listener) (const pb_graph       *graph,
                                   const pb_graph_event *event,
                                   void                 *data);

/*
 * Order of checks: every editing function checks its arguments and the
 * graph's state first (PB_EINVAL, PB_ENOENT, PB_EBUSY, PB_EEXIST,
 * PB_ENOTCONN, in the order each function lists them), then whether it is
 * called from a listener (PB_EDEADLK), and allocates last (PB_ENOMEM). A
 * failed edit changes nothing and notifies no one. An edit that would
 * change nothing (setting a name or parameter to its value) returns PB_OK
 * without an event, even from a listener.
 */

/**
 * pb_graph_new:
 * @local_host: the host id of the runtime that owns this graph, 0 to
 *   PB_HOST_MAX; it only records which processes a runtime will execute
 *
 * Returns: (transfer full): a new empty graph, to be freed with
 *   pb_graph_free(); NULL if memory ran out or @local_host is out of range.
 * Thread safety: any thread.
 */
pb_graph *pb_graph_new (uint32_t local_host);

/**
 * pb_graph_free:
 * @g: (nullable) (transfer full): a graph
 *
 * Frees @g with all its processes and connections. Listeners are not told.
 * Thread safety: the thread that uses @g.
 */
void pb_graph_free (pb_graph *g);

/** pb_graph_local_host: Returns: the local host id given at creation. */
uint32_t pb_graph_local_host (const pb_graph *g);

/**
 * pb_graph_add_process:
 * @g: a graph
 * @host: the host the process runs on, 0 to PB_HOST_MAX
 * @kind: (nullable): the process's kind name, copied; NULL for none
 * @process: (out) (optional): the new process's address, port bits 0
 *
 * Adds a process with the lowest free nonzero id on @host, so ids of removed
 * processes are reused lowest-first, as file descriptors are.
 *
 * Returns: PB_OK; PB_EINVAL if @host is out of range; PB_ENOSPC if @host
 *   already has PB_PROCESS_MAX processes; PB_ENOMEM; PB_EDEADLK from a
 *   listener. On failure nothing changes and *@process is untouched.
 * Thread safety: the thread that uses @g.
 */
int pb_graph_add_process (pb_graph   *g,
                          uint32_t    host,
                          const char *kind,
                          pb_addr    *process);

/**
 * pb_graph_insert_process:
 * @g: a graph
 * @process: the exact address to use (port bits are ignored)
 * @kind: (nullable): the kind name, copied
 *
 * Adds a process under a given id, as a loader restoring a saved topology
 * must. Later pb_graph_add_process() calls still take the lowest free id.
 *
 * Returns: PB_OK; PB_EINVAL if the process id is 0; PB_EEXIST if that id is
 *   taken on that host; PB_ENOMEM; PB_EDEADLK from a listener.
 * Thread safety: the thread that uses @g.
 */
int pb_graph_insert_process (pb_graph   *g,
                             pb_addr     process,
                             const char *kind);

/**
 * pb_graph_remove_process:
 * @g: a graph
 * @process: the process (port bits are ignored)
 *
 * Disconnects every port of @process (each reported to listeners), then
 * removes it and frees its id for reuse.
 *
 * Returns: PB_OK; PB_ENOENT if no such process exists; PB_EDEADLK from a
 *   listener.
 * Thread safety: the thread that uses @g.
 */
int pb_graph_remove_process (pb_graph *g,
                             pb_addr   process);

/**
 * pb_graph_connect:
 * @g: a graph
 * @a: one port
 * @b: the other port
 *
 * Joins @a and @b: afterwards pb_graph_peer(@a) is @b and the reverse. The
 * two ports may belong to one process, and to any hosts.
 *
 * Returns: PB_OK; PB_EINVAL if @a == @b; PB_ENOENT if either process does
 *   not exist; PB_EBUSY if either port is already connected; PB_ENOMEM;
 *   PB_EDEADLK from a listener. On failure nothing changes. When several
 *   apply, the first in this list is returned.
 * Thread safety: the thread that uses @g.
 */
int pb_graph_connect (pb_graph *g,
                      pb_addr   a,
                      pb_addr   b);

/**
 * pb_graph_disconnect:
 * @g: a graph
 * @a: either end of a connection
 *
 * Separates @a from its peer, clearing both ends.
 *
 * Returns: PB_OK; PB_ENOENT if the process of @a does not exist;
 *   PB_ENOTCONN if @a is not connected; PB_EDEADLK from a listener.
 * Thread safety: the thread that uses @g.
 */
int pb_graph_disconnect (pb_graph *g,
                         pb_addr   a);

/**
 * pb_graph_peer:
 *
 * Returns: the address of the port joined to @a, or 0 if @a is not
 *   connected or its process does not exist.
 * Thread safety: the thread that uses @g.
 */
pb_addr pb_graph_peer (const pb_graph *g,
                       pb_addr         a);

/**
 * pb_graph_has_process:
 *
 * Returns: whether the process that @a names (port bits ignored) exists.
 * Thread safety: the thread that uses @g.
 */
bool pb_graph_has_process (const pb_graph *g,
                           pb_addr         a);

/**
 * pb_graph_process_kind:
 *
 * Returns: (transfer none) (nullable): the kind name given when the process
 *   of @a was added, owned by @g and valid until the process is removed;
 *   NULL if it has none or does not exist.
 * Thread safety: the thread that uses @g.
 */
const char *pb_graph_process_kind (const pb_graph *g,
                                   pb_addr         a);

/** pb_graph_n_processes: Returns: how many processes @g holds, all hosts. */
size_t pb_graph_n_processes (const pb_graph *g);

/** pb_graph_n_connections: Returns: how many links @g holds, all hosts. */
size_t pb_graph_n_connections (const pb_graph *g);

/**
 * pb_graph_list_processes:
 * @g: a graph
 * @out: (out caller-allocates) (nullable): room for @n_out addresses
 * @n_out: capacity of @out
 *
 * Writes the address of every process, in ascending order (so by host,
 * then id), up to @n_out of them.
 *
 * Returns: the total number of processes, which may exceed @n_out; call
 *   with @n_out 0 to size the array.
 * Thread safety: the thread that uses @g.
 */
size_t pb_graph_list_processes (const pb_graph *g,
                                pb_addr        *out,
                                size_t          n_out);

/**
 * pb_graph_list_connections:
 * @g: a graph
 * @out: (out caller-allocates) (nullable): room for @n_out links
 * @n_out: capacity of @out
 *
 * Writes every link once, with a < b, in ascending order of a.
 *
 * Returns: the total number of links, which may exceed @n_out.
 * Thread safety: the thread that uses @g.
 */
size_t pb_graph_list_connections (const pb_graph *g,
                                  pb_connection  *out,
                                  size_t          n_out);

/**
 * pb_graph_list_ports:
 * @g: a graph
 * @process: a process (port bits ignored)
 * @out: (out caller-allocates) (nullable): room for @n_out entries
 * @n_out: capacity of @out
 *
 * Writes each connected port of @process as (a = the port, b = its peer),
 * in ascending port order.
 *
 * Returns: the number of connected ports, which may exceed @n_out; 0 if the
 *   process does not exist.
 * Thread safety: the thread that uses @g.
 */
size_t pb_graph_list_ports (const pb_graph *g,
                            pb_addr         process,
                            pb_connection  *out,
                            size_t          n_out);

/**
 * pb_graph_add_listener:
 * @g: a graph
 * @fn: called after each edit with what it touched
 * @data: passed to @fn
 * @id: (out): an id for pb_graph_remove_listener(), never 0
 *
 * Listeners run in the order they were added.
 *
 * Returns: PB_OK; PB_ENOMEM.
 * Thread safety: the thread that uses @g.
 */
int pb_graph_add_listener (pb_graph          *g,
                           pb_graph_listener  fn,
                           void              *data,
                           uint32_t          *id);

/**
 * pb_graph_remove_listener:
 *
 * Returns: PB_OK; PB_ENOENT if @id names no listener of @g.
 * Thread safety: the thread that uses @g.
 */
int pb_graph_remove_listener (pb_graph *g,
                              uint32_t  id);

/**
 * pb_graph_set_name:
 * @g: a graph
 * @process: a process (port bits ignored)
 * @name: (nullable): the new name, copied; NULL or "" removes the name
 *
 * Names a process, as a pipeline's `name=` or the editor's title of a node
 * does. Names are unique within a graph, across hosts, and are one line of
 * text: valid UTF-8 without control characters, since messages and nodes
 * show them.
 *
 * Returns: PB_OK (also when the name is unchanged, without an event);
 *   PB_ENOENT if the process does not exist; PB_EINVAL if @name is not
 *   valid UTF-8 or holds a control character; PB_EEXIST if another process
 *   has that name; PB_EDEADLK from a listener; PB_ENOMEM.
 * Thread safety: the thread that uses @g.
 */
int pb_graph_set_name (pb_graph   *g,
                       pb_addr     process,
                       const char *name);

/**
 * pb_graph_set_bypass:
 * @g: a graph
 * @process: a process (port bits ignored)
 * @bypass: whether the engine passes the process's input on unchanged
 *   instead of running it
 *
 * Bypasses a process, or runs it again: a bypassed process keeps its
 * kind, parameters and links, and the engine runs it as `pass` would
 * (only its chain is compiled again; its own state starts afresh when it
 * runs again). Only kinds for which pb_kind_can_bypass() holds may be
 * bypassed.
 *
 * Returns: PB_OK (also when unchanged, without an event); PB_ENOENT if
 *   the process does not exist; PB_EINVAL if its kind is unknown or
 *   cannot be bypassed; PB_EDEADLK from a listener. A change sends
 *   PB_GRAPH_PROCESS_CHANGED.
 * Thread safety: the thread that uses @g.
 */
int pb_graph_set_bypass (pb_graph *g,
                         pb_addr   process,
                         bool      bypass);

/**
 * pb_graph_get_bypass:
 *
 * Returns: whether the process of @a is bypassed; false if it does not
 *   exist.
 * Thread safety: the thread that uses @g.
 */
bool pb_graph_get_bypass (const pb_graph *g,
                          pb_addr         a);

/**
 * pb_graph_process_name:
 *
 * Returns: (transfer none) (nullable): the name of the process of @a, owned
 *   by @g and valid until it changes; NULL if it has none or does not exist.
 * Thread safety: the thread that uses @g.
 */
const char *pb_graph_process_name (const pb_graph *g,
                                   pb_addr         a);

/**
 * pb_graph_find_name:
 *
 * Returns: the address of the process called @name, or 0 if none is (and
 *   for NULL or ""). It costs the same whatever the size of the graph.
 * Thread safety: the thread that uses @g.
 */
pb_addr pb_graph_find_name (const pb_graph *g,
                            const char     *name);

/**
 * pb_graph_set_param:
 * @g: a graph
 * @process: a process (port bits ignored)
 * @key: a parameter name, not empty
 * @value: (nullable): its value, copied; NULL removes the parameter
 *
 * Sets one parameter of a process. To the graph, parameters are only
 * strings: kinds give them meaning, and the engine checks them.
 *
 * Returns: PB_OK (also when nothing changes, without an event); PB_EINVAL
 *   for a NULL or empty key; PB_ENOENT if the process does not exist;
 *   PB_EDEADLK from a listener; PB_ENOMEM.
 * Thread safety: the thread that uses @g.
 */
int pb_graph_set_param (pb_graph   *g,
                        pb_addr     process,
                        const char *key,
                        const char *value);

/**
 * pb_graph_get_param:
 *
 * Returns: (transfer none) (nullable): the value of parameter @key of the
 *   process of @a, owned by @g and valid until the parameter changes; NULL
 *   if it is not set or the process does not exist.
 * Thread safety: the thread that uses @g.
 */
const char *pb_graph_get_param (const pb_graph *g,
                                pb_addr         a,
                                const char     *key);

/**
 * pb_graph_list_params:
 * @g: a graph
 * @process: a process
 * @keys: (out caller-allocates) (nullable): room for @n_out keys
 * @values: (out caller-allocates) (nullable): room for @n_out values
 * @n_out: capacity of @keys and @values
 *
 * Writes the parameters of @process in ascending order of key (strcmp).
 * The strings are owned by @g, valid until the parameters change.
 *
 * Returns: how many parameters the process has (0 if it does not exist),
 *   which may exceed @n_out.
 * Thread safety: the thread that uses @g.
 */
size_t pb_graph_list_params (const pb_graph  *g,
                             pb_addr          process,
                             const char     **keys,
                             const char     **values,
                             size_t           n_out);

/**
 * pb_graph_set_link_flags:
 * @g: a graph
 * @a: either end of a link
 * @flags: the new flags, such as PB_LINK_BREAK_INLINING
 *
 * Sets the flags of a link; both ends report them. A new link has flags 0,
 * and they go with it when it is disconnected. Bits other than the
 * PB_LINK_* flags are stored and reported as they are, for later use.
 *
 * Returns: PB_OK (also when unchanged, without an event); PB_ENOENT if the
 *   process of @a does not exist; PB_ENOTCONN if @a is not connected;
 *   PB_EDEADLK from a listener.
 * Thread safety: the thread that uses @g.
 */
int pb_graph_set_link_flags (pb_graph *g,
                             pb_addr   a,
                             uint32_t  flags);

/**
 * pb_graph_link_flags:
 *
 * Returns: the flags of the link at @a; 0 if it is not connected.
 * Thread safety: the thread that uses @g.
 */
uint32_t pb_graph_link_flags (const pb_graph *g,
                              pb_addr         a);
