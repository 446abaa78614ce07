/* pb-export.c — the graph as a picture, PNG or SVG, drawn with cairo
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The picture is drawn from the document alone (nodes, their positions
 * and ports, and links), never from widgets, so that it can be made
 * without a window or a display, as `dot -Tsvg` makes one: `pushback
 * --export=graph.svg DOC.pushback` in documentation builds and CI. Nodes
 * look as the canvas draws them: a card with the name and the kind,
 * inputs on the left edge and outputs on the right, wires coloured by
 * item type. Nodes with no position yet are laid out by Graphviz, as the
 * canvas would place them.
 *
 * cairo's SVG surface writes text as glyph outlines, which look right
 * everywhere but cannot be searched or read: the file is given a layer of
 * invisible text on top, one element per process, so that a browser's
 * find and a screen reader see the names.
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "pb-export.h"
#include "pb-layout.h"
#include "pb-socket.h"
#include "pb-wire.h"

#define MARGIN 32.0
#define MIN_WIDTH 132.0
#define HEADER 46.0
#define ROW 22.0
#define FOOT 10.0
#define SOCKET_RADIUS 5.0
#define PNG_SCALE 2.0
/* An open frame on the canvas (pb-canvas-frames.c): its padding around
 * its nodes, and its header's height above them. */
#define FRAME_PADDING 16.0
#define FRAME_HEADER 40.0

typedef struct
{
  PbNode *node;       /* not owned: the document holds it */
  double  x, y;       /* top left, in canvas units */
  double  width;
  double  height;
  GPtrArray *inputs;  /* PbPort, shown ones, top to bottom */
  GPtrArray *outputs;
} Box;

static void
box_clear (Box *box)
{
  g_clear_pointer (&box->inputs, g_ptr_array_unref);
  g_clear_pointer (&box->outputs, g_ptr_array_unref);
}

static double
text_width (PangoLayout *layout,
            const char  *font,
            const char  *text)
{
  PangoFontDescription *description = pango_font_description_from_string (font);
  int width, height;

  pango_layout_set_font_description (layout, description);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &width, &height);
  pango_font_description_free (description);
  return width;
}

/* Measures every node, and places those without a position. */
static GArray *
measure (PbDocument  *document,
         GError     **error)
{
  GListModel *nodes = pb_document_get_nodes (document);
  GListModel *links = pb_document_get_links (document);
  guint n = g_list_model_get_n_items (nodes);
  GArray *boxes = g_array_sized_new (FALSE, TRUE, sizeof (Box), n);
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (scratch);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(GArray) unplaced = g_array_new (FALSE, TRUE, sizeof (PbLayoutNode));
  g_autoptr(GArray) edges = g_array_new (FALSE, TRUE, sizeof (PbLayoutEdge));
  gboolean any_placed = FALSE;
  double right = 0, top = G_MAXDOUBLE;

  g_array_set_clear_func (boxes, (GDestroyNotify) box_clear);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (nodes, i);
      GListModel *ports = pb_node_get_ports (node);
      Box box = { node, pb_node_get_x (node), pb_node_get_y (node), MIN_WIDTH, 0,
                  g_ptr_array_new_with_free_func (g_object_unref),
                  g_ptr_array_new_with_free_func (g_object_unref) };
      double in_width = 0, out_width = 0;

      for (guint p = 0; p < g_list_model_get_n_items (ports); p++)
        {
          PbPort *port = g_list_model_get_item (ports, p);
          double w = text_width (layout, "Sans 9", pb_port_get_role (port));

          if (!pb_port_get_present (port))
            {
              g_object_unref (port);
              continue;
            }
          if (pb_port_get_direction (port) == PB_PORT_IN)
            {
              g_ptr_array_add (box.inputs, port);
              in_width = MAX (in_width, w);
            }
          else
            {
              g_ptr_array_add (box.outputs, port);
              out_width = MAX (out_width, w);
            }
        }
      box.width = MAX (box.width, text_width (layout, "Sans Bold 10", pb_node_get_name (node)) + 28);
      box.width = MAX (box.width, text_width (layout, "Sans 8", pb_node_get_kind_name (node)) + 28);
      box.width = MAX (box.width, in_width + out_width + 48);
      box.height = HEADER + ROW * MAX (box.inputs->len, box.outputs->len) + FOOT;
      box.node = node;

      if (pb_node_get_placed (node))
        {
          any_placed = TRUE;
          right = MAX (right, box.x + box.width);
          top = MIN (top, box.y);
        }
      else
        {
          PbLayoutNode place = { pb_node_get_address (node), box.width, box.height, 0, 0 };

          g_array_append_val (unplaced, place);
        }
      g_array_append_val (boxes, box);
    }
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);

  if (unplaced->len == 0)
    return boxes;

  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);
      PbLayoutEdge edge = {
        pb_addr_process_of (pb_link_get_source (link)), pb_addr_port (pb_link_get_source (link)),
        pb_addr_process_of (pb_link_get_sink (link)), pb_addr_port (pb_link_get_sink (link)),
      };
      gboolean from = FALSE, to = FALSE;

      for (guint u = 0; u < unplaced->len; u++)
        {
          guint64 id = g_array_index (unplaced, PbLayoutNode, u).id;

          from |= id == edge.from;
          to |= id == edge.to;
        }
      if (from && to)
        g_array_append_val (edges, edge);
    }
  if (!pb_layout_nodes ((PbLayoutNode *) unplaced->data, unplaced->len,
                        (PbLayoutEdge *) edges->data, edges->len, error))
    {
      g_array_unref (boxes);
      return NULL;
    }

  /* As the canvas does: what had no place goes right of what had one. */
  for (guint u = 0; u < unplaced->len; u++)
    {
      const PbLayoutNode *place = &g_array_index (unplaced, PbLayoutNode, u);

      for (guint i = 0; i < boxes->len; i++)
        {
          Box *box = &g_array_index (boxes, Box, i);

          if (pb_node_get_address (box->node) != place->id)
            continue;
          box->x = any_placed ? right + 80 + place->x : place->x;
          box->y = any_placed ? top + place->y : place->y;
        }
    }
  return boxes;
}

static Box *
find_box (GArray  *boxes,
          pb_addr  port,
          double  *x,
          double  *y)
{
  for (guint i = 0; i < boxes->len; i++)
    {
      Box *box = &g_array_index (boxes, Box, i);

      if (pb_addr_process (pb_node_get_address (box->node)) != pb_addr_process (port))
        continue;
      for (guint p = 0; p < box->inputs->len; p++)
        if (pb_port_get_address (g_ptr_array_index (box->inputs, p)) == port)
          {
            *x = box->x;
            *y = box->y + HEADER + ROW * p + ROW / 2;
            return box;
          }
      for (guint p = 0; p < box->outputs->len; p++)
        if (pb_port_get_address (g_ptr_array_index (box->outputs, p)) == port)
          {
            *x = box->x + box->width;
            *y = box->y + HEADER + ROW * p + ROW / 2;
            return box;
          }
    }
  return NULL;
}

static void
set_color (cairo_t    *cr,
           const char *spec)
{
  GdkRGBA color;

  gdk_rgba_parse (&color, spec);
  gdk_cairo_set_source_rgba (cr, &color);
}

static void
rounded_rect (cairo_t *cr,
              double   x,
              double   y,
              double   w,
              double   h,
              double   r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
show_text (cairo_t     *cr,
           PangoLayout *layout,
           const char  *font,
           const char  *text,
           double       x,
           double       y,
           gboolean     right_aligned)
{
  PangoFontDescription *description = pango_font_description_from_string (font);
  int width, height;

  pango_layout_set_font_description (layout, description);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &width, &height);
  cairo_move_to (cr, right_aligned ? x - width : x, y - height / 2.0);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (description);
}

/* Where @frame is drawn: around its members' boxes, with its header
 * above them, as the canvas draws an open frame. */
static gboolean
frame_rect (PbFrame *frame,
            GArray  *boxes,
            double  *x,
            double  *y,
            double  *w,
            double  *h)
{
  double right = -G_MAXDOUBLE, bottom = -G_MAXDOUBLE;

  *x = *y = G_MAXDOUBLE;
  for (guint i = 0; i < boxes->len; i++)
    {
      Box *box = &g_array_index (boxes, Box, i);

      if (!pb_frame_has_member (frame, pb_node_get_address (box->node)))
        continue;
      *x = MIN (*x, box->x);
      *y = MIN (*y, box->y);
      right = MAX (right, box->x + box->width);
      bottom = MAX (bottom, box->y + box->height);
    }
  if (right < *x)
    return FALSE;
  *x -= FRAME_PADDING;
  *y -= FRAME_HEADER;
  *w = right + FRAME_PADDING - *x;
  *h = bottom + FRAME_PADDING - *y;
  return TRUE;
}

/* Frames beneath everything: a wash of their colour, a header strip with
 * the title and the note's first line. An export shows every process,
 * so a collapsed frame is drawn open. */
static void
draw_frames (cairo_t     *cr,
             PangoLayout *layout,
             PbDocument  *document,
             GArray      *boxes)
{
  GListModel *frames = pb_document_get_frames (document);

  for (guint i = 0; i < g_list_model_get_n_items (frames); i++)
    {
      g_autoptr(PbFrame) frame = g_list_model_get_item (frames, i);
      const char *note = pb_frame_get_note (frame);
      g_autofree char *first_line = g_strndup (note, strcspn (note, "\n"));
      GdkRGBA color;
      double x, y, w, h;

      if (!frame_rect (frame, boxes, &x, &y, &w, &h))
        continue;
      gdk_rgba_parse (&color, pb_frame_color_value (pb_frame_get_color (frame)));
      rounded_rect (cr, x, y, w, h, 14);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.10);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.45);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
      cairo_save (cr);
      rounded_rect (cr, x, y, w, h, 14);
      cairo_clip (cr);
      cairo_rectangle (cr, x, y, w, FRAME_HEADER - 6);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.22);
      cairo_fill (cr);
      cairo_restore (cr);
      set_color (cr, "rgba(0,0,0,0.8)");
      show_text (cr, layout, "Sans Bold 10", pb_frame_get_title (frame), x + 12,
                 y + (first_line[0] != '\0' ? 12 : 14), FALSE);
      if (first_line[0] != '\0')
        {
          set_color (cr, "rgba(0,0,0,0.6)");
          show_text (cr, layout, "Sans 8", first_line, x + 12, y + 26, FALSE);
        }
    }
}

static void
draw (cairo_t    *cr,
      PbDocument *document,
      GArray     *boxes,
      double      left,
      double      top)
{
  GListModel *links = pb_document_get_links (document);
  PangoLayout *layout = pango_cairo_create_layout (cr);

  cairo_translate (cr, MARGIN - left, MARGIN - top);
  set_color (cr, "#fafafa");
  cairo_paint (cr);
  draw_frames (cr, layout, document, boxes);

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(PbLink) link = g_list_model_get_item (links, i);
      static const double dash[] = { 6, 4 };
      double x0, y0, x1, y1;
      PbWire wire;
      GdkRGBA color;
      Box *source = find_box (boxes, pb_link_get_source (link), &x0, &y0);

      if (source == NULL || find_box (boxes, pb_link_get_sink (link), &x1, &y1) == NULL)
        continue;
      pb_wire_init (&wire, x0, y0, x1, y1);
      pb_wire_path (&wire, cr);
      pb_socket_item_color (pb_port_get_item_type (pb_node_find_port (source->node, pb_link_get_source (link))),
                            &color);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_set_line_width (cr, 2.5);
      cairo_set_dash (cr, dash, (pb_link_get_flags (link) & PB_LINK_BREAK_INLINING) ? 2 : 0, 0);
      cairo_stroke (cr);
    }
  cairo_set_dash (cr, NULL, 0, 0);

  for (guint i = 0; i < boxes->len; i++)
    {
      Box *box = &g_array_index (boxes, Box, i);

      rounded_rect (cr, box->x + 0.5, box->y + 1.5, box->width, box->height, 10);
      set_color (cr, "rgba(0,0,0,0.08)");
      cairo_fill (cr);
      rounded_rect (cr, box->x, box->y, box->width, box->height, 10);
      set_color (cr, "#ffffff");
      cairo_fill_preserve (cr);
      set_color (cr, "rgba(0,0,0,0.18)");
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);

      set_color (cr, "rgba(0,0,0,0.8)");
      show_text (cr, layout, "Sans Bold 10", pb_node_get_name (box->node), box->x + 12, box->y + 16, FALSE);
      set_color (cr, "rgba(0,0,0,0.5)");
      show_text (cr, layout, "Sans 8", pb_node_get_kind_name (box->node), box->x + 12, box->y + 33, FALSE);

      for (int side = 0; side < 2; side++)
        {
          GPtrArray *ports = side == 0 ? box->inputs : box->outputs;

          for (guint p = 0; p < ports->len; p++)
            {
              PbPort *port = g_ptr_array_index (ports, p);
              double x = side == 0 ? box->x : box->x + box->width;
              double y = box->y + HEADER + ROW * p + ROW / 2;
              GdkRGBA color;

              /* Text leaves a current point: a fresh path, or the arc
               * would start with a line from it. */
              cairo_new_path (cr);
              pb_socket_item_color (pb_port_get_item_type (port), &color);
              if (pb_port_get_peer (port) == 0)
                {
                  /* A free socket is a ring, as on the canvas. */
                  cairo_arc (cr, x, y, SOCKET_RADIUS - 1.25, 0, 2 * G_PI);
                  set_color (cr, "#ffffff");
                  cairo_fill_preserve (cr);
                  gdk_cairo_set_source_rgba (cr, &color);
                  cairo_set_line_width (cr, 2.5);
                  cairo_stroke (cr);
                }
              else
                {
                  cairo_arc (cr, x, y, SOCKET_RADIUS, 0, 2 * G_PI);
                  gdk_cairo_set_source_rgba (cr, &color);
                  cairo_fill_preserve (cr);
                  set_color (cr, "#ffffff");
                  cairo_set_line_width (cr, 1.5);
                  cairo_stroke (cr);
                }
              set_color (cr, "rgba(0,0,0,0.7)");
              show_text (cr, layout, "Sans 9", pb_port_get_role (port),
                         side == 0 ? x + 12 : x - 12, y, side == 1);
            }
        }
    }
  g_object_unref (layout);
}

/* Adds, before the closing tag of the SVG at @path, a layer of invisible
 * text: the name and kind of every process where its node is drawn, and
 * the title of every frame on its header. */
static gboolean
add_text_layer (const char  *path,
                PbDocument  *document,
                GArray      *boxes,
                double       left,
                double       top,
                GError     **error)
{
  g_autofree char *svg = NULL;
  g_autoptr(GString) out = NULL;
  const char *end;
  gsize length;

  if (!g_file_get_contents (path, &svg, &length, error))
    return FALSE;
  end = g_strrstr (svg, "</svg>");
  if (end == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("cairo wrote no SVG to %s"), path);
      return FALSE;
    }

  out = g_string_new_len (svg, end - svg);
  g_string_append (out, "<g id=\"process-names\" fill-opacity=\"0\" font-family=\"sans-serif\" font-size=\"13\">\n");
  for (guint i = 0; i < boxes->len; i++)
    {
      Box *box = &g_array_index (boxes, Box, i);
      g_autofree char *name = g_markup_escape_text (pb_node_get_name (box->node), -1);
      g_autofree char *kind = g_markup_escape_text (pb_node_get_kind_name (box->node), -1);
      char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (x, sizeof x, "%.1f", box->x + 12 + MARGIN - left);
      g_ascii_formatd (y, sizeof y, "%.1f", box->y + 21 + MARGIN - top);
      g_string_append_printf (out, "<text x=\"%s\" y=\"%s\"><title>%s (%s)</title>%s</text>\n",
                              x, y, name, kind, name);
    }
  for (guint i = 0; i < g_list_model_get_n_items (pb_document_get_frames (document)); i++)
    {
      g_autoptr(PbFrame) frame = g_list_model_get_item (pb_document_get_frames (document), i);
      g_autofree char *title = g_markup_escape_text (pb_frame_get_title (frame), -1);
      char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];
      double fx, fy, fw, fh;

      if (!frame_rect (frame, boxes, &fx, &fy, &fw, &fh))
        continue;
      g_ascii_formatd (x, sizeof x, "%.1f", fx + 12 + MARGIN - left);
      g_ascii_formatd (y, sizeof y, "%.1f", fy + 18 + MARGIN - top);
      g_string_append_printf (out, "<text x=\"%s\" y=\"%s\"><title>frame</title>%s</text>\n",
                              x, y, title);
    }
  g_string_append (out, "</g>\n");
  g_string_append (out, end);
  return g_file_set_contents (path, out->str, out->len, error);
}

/**
 * pb_export_document:
 * @path: where to write; its extension, .png or .svg, says how
 *
 * Draws the graph of @document into a picture file, from the document's
 * nodes, positions and links: no widget, window or display is needed.
 *
 * Returns: whether the file was written; G_IO_ERROR_NOT_SUPPORTED for
 *   another extension, and cairo's or Graphviz's reason otherwise
 */
gboolean
pb_export_document (PbDocument  *document,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(GArray) boxes = NULL;
  g_autofree char *lower = NULL;
  double left = G_MAXDOUBLE, top = G_MAXDOUBLE, right = -G_MAXDOUBLE, bottom = -G_MAXDOUBLE;
  double width, height;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  gboolean svg;

  g_return_val_if_fail (PB_IS_DOCUMENT (document), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  svg = g_str_has_suffix (lower, ".svg");
  if (!svg && !g_str_has_suffix (lower, ".png"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Cannot export to “%s”: the name must end in .png or .svg"), path);
      return FALSE;
    }

  boxes = measure (document, error);
  if (boxes == NULL)
    return FALSE;
  for (guint i = 0; i < boxes->len; i++)
    {
      Box *box = &g_array_index (boxes, Box, i);

      left = MIN (left, box->x - SOCKET_RADIUS);
      top = MIN (top, box->y);
      right = MAX (right, box->x + box->width + SOCKET_RADIUS);
      bottom = MAX (bottom, box->y + box->height + 2);
    }
  for (guint i = 0; i < g_list_model_get_n_items (pb_document_get_frames (document)); i++)
    {
      g_autoptr(PbFrame) frame = g_list_model_get_item (pb_document_get_frames (document), i);
      double x, y, w, h;

      if (!frame_rect (frame, boxes, &x, &y, &w, &h))
        continue;
      left = MIN (left, x);
      top = MIN (top, y);
      right = MAX (right, x + w);
      bottom = MAX (bottom, y + h);
    }
  if (boxes->len == 0)
    left = top = right = bottom = 0;
  width = ceil (right - left + 2 * MARGIN);
  height = ceil (bottom - top + 2 * MARGIN);

  if (svg)
    surface = cairo_svg_surface_create (path, width, height);
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                          (int) (width * PNG_SCALE), (int) (height * PNG_SCALE));
  cr = cairo_create (surface);
  if (!svg)
    cairo_scale (cr, PNG_SCALE, PNG_SCALE);
  draw (cr, document, boxes, left, top);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && !svg)
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return !svg || add_text_layer (path, document, boxes, left, top, error);
}

/**
 * pb_export_wanted:
 *
 * Returns: whether the command line asks for an export, which
 *   pb_export_main() makes without starting the application
 */
gboolean
pb_export_wanted (int    argc,
                  char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        return FALSE;
      if (g_str_equal (argv[i], "--export") || g_str_has_prefix (argv[i], "--export="))
        return TRUE;
    }
  return FALSE;
}

/**
 * pb_export_main:
 *
 * `pushback --export=PICTURE DOCUMENT`: writes the picture and exits,
 * before GTK would need a display.
 *
 * Returns: the exit status
 */
int
pb_export_main (int    argc,
                char **argv)
{
  g_autofree char *target = NULL;
  g_auto(GStrv) documents = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(PbDocument) document = NULL;
  const GOptionEntry entries[] = {
    { "export", 0, 0, G_OPTION_ARG_FILENAME, &target,
      N_("Write a picture of the graph (.png or .svg) and exit"), N_("FILE") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &documents, NULL, N_("DOCUMENT") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (target == NULL || documents == NULL || documents[0] == NULL || documents[1] != NULL)
    {
      g_printerr ("%s\n", _("Usage: pushback --export=PICTURE.svg|PICTURE.png DOCUMENT"));
      return 2;
    }

  file = g_file_new_for_commandline_arg (documents[0]);
  document = pb_document_load (file, &error);
  if (document == NULL || !pb_export_document (document, target, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}
