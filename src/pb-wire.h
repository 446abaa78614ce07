/* pb-wire.h — the shape of a wire between two sockets
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/**
 * PbWire:
 *
 * A wire is a cubic Bézier curve from an output socket (x0, y0) to an
 * input socket (x1, y1), leaving and arriving horizontally, as items flow
 * left to right; the two control points are set off horizontally by half
 * the distance, at least a minimum, so that a wire running backwards
 * loops round instead of folding on itself.
 */
typedef struct
{
  double x0, y0;
  double c0x, c0y;
  double c1x, c1y;
  double x1, y1;
} PbWire;

void   pb_wire_init     (PbWire       *wire,
                         double        x0,
                         double        y0,
                         double        x1,
                         double        y1);
void   pb_wire_path     (const PbWire *wire,
                         cairo_t      *cr);
void   pb_wire_point    (const PbWire *wire,
                         double        t,
                         double       *x,
                         double       *y);
double pb_wire_distance (const PbWire *wire,
                         double        x,
                         double        y);
void   pb_wire_bounds   (const PbWire *wire,
                         double       *x,
                         double       *y,
                         double       *width,
                         double       *height);

G_END_DECLS
