/* pb-wire.c — the shape of a wire between two sockets
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure geometry, with no widget in it, so that what the canvas draws and
 * what it hit-tests are the same curve, and both can be tested alone.
 */

#include "config.h"

#include <math.h>

#include "pb-wire.h"

/* The least horizontal reach of a control point, in canvas units. */
#define MIN_REACH 40.0

/* How many straight pieces approximate the curve for hit-testing: enough
 * that the error is well under the tolerance the canvas uses. */
#define SEGMENTS 32

/**
 * pb_wire_init:
 * @wire: (out caller-allocates): the wire
 * @x0: the output socket's centre
 * @y0: likewise
 * @x1: the input socket's centre
 * @y1: likewise
 */
void
pb_wire_init (PbWire *wire,
              double  x0,
              double  y0,
              double  x1,
              double  y1)
{
  double reach = MAX (fabs (x1 - x0) / 2, MIN_REACH);

  *wire = (PbWire) {
    .x0 = x0, .y0 = y0,
    .c0x = x0 + reach, .c0y = y0,
    .c1x = x1 - reach, .c1y = y1,
    .x1 = x1, .y1 = y1,
  };
}

/**
 * pb_wire_path:
 * @cr: a cairo context; the wire is appended to its current path
 */
void
pb_wire_path (const PbWire *wire,
              cairo_t      *cr)
{
  cairo_move_to (cr, wire->x0, wire->y0);
  cairo_curve_to (cr, wire->c0x, wire->c0y, wire->c1x, wire->c1y, wire->x1, wire->y1);
}

/**
 * pb_wire_point:
 * @t: 0 at the output, 1 at the input
 * @x: (out): the point of the curve at @t
 * @y: (out): likewise
 */
void
pb_wire_point (const PbWire *wire,
               double        t,
               double       *x,
               double       *y)
{
  double u = 1 - t;
  double a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;

  *x = a * wire->x0 + b * wire->c0x + c * wire->c1x + d * wire->x1;
  *y = a * wire->y0 + b * wire->c0y + c * wire->c1y + d * wire->y1;
}

static double
segment_distance (double ax,
                  double ay,
                  double bx,
                  double by,
                  double px,
                  double py)
{
  double dx = bx - ax, dy = by - ay;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;

  t = CLAMP (t, 0, 1);
  return hypot (px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * pb_wire_distance:
 *
 * Returns: how far (@x, @y) is from the curve, to within a fraction of a
 *   unit for wires of canvas size
 */
double
pb_wire_distance (const PbWire *wire,
                  double        x,
                  double        y)
{
  double best = G_MAXDOUBLE;
  double px = wire->x0, py = wire->y0;

  for (int i = 1; i <= SEGMENTS; i++)
    {
      double qx, qy;

      pb_wire_point (wire, (double) i / SEGMENTS, &qx, &qy);
      best = MIN (best, segment_distance (px, py, qx, qy, x, y));
      px = qx;
      py = qy;
    }
  return best;
}

/**
 * pb_wire_bounds:
 * @x: (out): the left of a box holding the whole curve
 * @y: (out): its top
 * @width: (out): its width
 * @height: (out): its height
 *
 * A Bézier curve lies within the hull of its four points, so their box
 * holds it: enough to skip wires far from the view or the pointer.
 */
void
pb_wire_bounds (const PbWire *wire,
                double       *x,
                double       *y,
                double       *width,
                double       *height)
{
  double x_min = MIN (MIN (wire->x0, wire->x1), MIN (wire->c0x, wire->c1x));
  double x_max = MAX (MAX (wire->x0, wire->x1), MAX (wire->c0x, wire->c1x));
  double y_min = MIN (MIN (wire->y0, wire->y1), MIN (wire->c0y, wire->c1y));
  double y_max = MAX (MAX (wire->y0, wire->y1), MAX (wire->c0y, wire->c1y));

  *x = x_min;
  *y = y_min;
  *width = x_max - x_min;
  *height = y_max - y_min;
}
