/* link.h — whether two ports may be joined, and what a port carries
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include <pushback/addr.h>
#include <pushback/error.h>
#include <pushback/graph.h>
#include <pushback/kinds.h>

/*
 * The graph joins any two ports (graph.h); the engine refuses a topology
 * whose links are wrong only when it builds. These functions let an editor
 * (or a loader, or pushback-run) refuse a bad link before making it, with a
 * reason, the way GStreamer's pad link results say why. They apply the
 * engine's own rules of kinds, directions and item types (the same code),
 * so a graph in which every link passed pb_link_check() when it was made
 * builds as far as directions, types and cycles go.
 *
 * Item types are inferred as the engine infers them: a kind like map
 * passes its input type on, cast, parse and c take theirs from parameters,
 * and a process's inputs all carry one type. A port whose type is not known
 * yet, because what would decide it is not connected, accepts every type
 * it could still carry.
 *
 * Thread safety: these functions only read @g, which is not thread-safe
 * (graph.h): call them from the thread that uses @g, or hold whatever lock
 * serialises it. They keep no state between calls.
 */

/**
 * PB_ITEM_MASK:
 *
 * The bit of one item type in a set of types, as pb_port_info.types holds.
 */
#define PB_ITEM_MASK(type) (UINT32_C (1) << (type))

/** PB_ITEM_MASK_ALL: every item type: what an unconstrained port may carry. */
#define PB_ITEM_MASK_ALL \
  (PB_ITEM_MASK (PB_ITEM_I64) | PB_ITEM_MASK (PB_ITEM_F64) | PB_ITEM_MASK (PB_ITEM_U8))

/**
 * pb_link_check:
 * @g: a graph
 * @a: one port
 * @b: the other port, in either order: the output may be @a or @b
 * @why: (nullable): on failure, one line for people naming both ends, such
 *   as "map1.out gives f64 but sum2.in takes i64"
 *
 * Says whether pb_graph_connect (@g, @a, @b) would make a link that the
 * engine accepts. It checks, in this order, and returns the first problem:
 *
 *  1. PB_ENOENT: a process does not exist, or has no kind or a kind that
 *     is not in the catalogue;
 *  2. PB_ENOENT: a port is not one of its kind's (or is the output of a c
 *     process with out=none, which has none);
 *  3. PB_EDIRECTION: the two ports are not one output and one input (a
 *     port joined to itself is two of the same);
 *  4. PB_EBUSY: either port is connected already;
 *  5. PB_EINVAL: the processes are on different hosts, which the engine
 *     does not support yet;
 *  6. PB_ETYPE: no item type could flow on the link: what the output can
 *     give, and what the input can take, given what each is connected to
 *     already, have no type in common;
 *  7. PB_ECYCLE: the link would close a flow cycle (the output's process is
 *     downstream of the input's, or is the same process).
 *
 * Links already in @g that are themselves wrong (wrong direction, to a
 * port the kind lacks, to another host) constrain nothing here; the engine
 * reports them when it builds.
 *
 * Returns: PB_OK when the link may be made; one of the codes above; or
 *   PB_ENOMEM. @g is never changed.
 * Thread safety: see above: the thread that uses @g.
 */
int pb_link_check (const pb_graph *g,
                   pb_addr         a,
                   pb_addr         b,
                   pb_error       *why);

/**
 * pb_port_info:
 * @spec: the kind's spec that gives the port its role; static
 * @index: the element of a range (2 for out[2]), else 0
 * @dir: whether items flow in or out
 * @types: PB_ITEM_MASK() bits of every type the port may carry in @g as it
 *   is: the kind's types, narrowed by parameters and by what is connected
 *   upstream and downstream; 0 when the graph already disagrees with
 *   itself there (the engine would refuse it)
 * @type: the one type in @types, or PB_ITEM_NONE while several remain
 *   (or none)
 * @peer: the port it is joined to, or 0
 */
typedef struct
{
  const pb_port_spec *spec;
  uint32_t            index;
  pb_port_dir         dir;
  uint32_t            types;
  pb_item_type        type;
  pb_addr             peer;
} pb_port_info;

/**
 * pb_link_port_info:
 * @g: a graph
 * @port: a port address
 * @info: (out caller-allocates): filled on success
 *
 * Describes a port as an editor draws its socket: its role, direction, and
 * the item type it carries, inferred as pb_link_check() infers it.
 *
 * Returns: PB_OK; PB_ENOENT when the process does not exist, its kind is
 *   unknown, or the kind has no such port (the output of c with out=none
 *   included), with *@info untouched; PB_ENOMEM.
 * Thread safety: the thread that uses @g.
 */
int pb_link_port_info (const pb_graph *g,
                       pb_addr         port,
                       pb_port_info   *info);

/**
 * pb_link_list_ports:
 * @g: a graph
 * @process: a process (port bits ignored)
 * @ports: (out caller-allocates) (nullable): room for @n_out port numbers
 * @n_out: capacity of @ports
 *
 * Lists the ports an editor shows on the node of @process, in ascending
 * order: every fixed port of its kind (not the output of c with out=none);
 * and for a range such as broadcast's out[i], the elements that are
 * connected plus the lowest one that is not, so there is always a free
 * socket to drag a new link from.
 *
 * Returns: how many ports there are, which may exceed @n_out (call with
 *   @n_out 0 to size the array); 0 when the process does not exist or its
 *   kind is unknown.
 * Thread safety: the thread that uses @g.
 */
size_t pb_link_list_ports (const pb_graph *g,
                           pb_addr         process,
                           uint32_t       *ports,
                           size_t          n_out);
