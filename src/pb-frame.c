/* pb-frame.c — a named, coloured frame drawn around some processes
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A frame groups processes for people: a title, a colour, a note, and
 * whether it is folded to one box. It has no position of its own; the
 * canvas draws it around its members, so it moves with them. Its whole
 * state is one GVariant, which undoable ops keep as their before and
 * after (pb-command.c); only the document sets it.
 */

#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>
#include <pushback/store.h>

#include "pb-frame.h"

struct _PbFrame
{
  GObject   parent_instance;

  guint     id;
  GVariant *state;
  /* Views of the state, which owns them. */
  const char    *title;
  const char    *color;
  const char    *note;
  gboolean       collapsed;
  const pb_addr *members;
  gsize          n_members;
};

G_DEFINE_FINAL_TYPE (PbFrame, pb_frame, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_COLOR,
  PROP_NOTE,
  PROP_COLLAPSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The accent colours of GNOME, which the store takes by name. */
static const char *const colors[] = {
  "blue", "teal", "green", "yellow", "orange", "red", "pink", "purple", "slate", NULL,
};

/**
 * pb_frame_colors:
 *
 * Returns: (transfer none) (array zero-terminated=1): the names of the
 *   colours a frame may have, in the order a palette shows them
 */
const char * const *
pb_frame_colors (void)
{
  return colors;
}

/* Each colour's name for people, and its value: GNOME's accent colour,
 * which style.css uses too. */
static const struct
{
  const char *name;
  const char *label;
  const char *value;
} color_info[] = {
  { "blue", N_("Blue"), "#3584e4" },
  { "teal", N_("Teal"), "#2190a4" },
  { "green", N_("Green"), "#3a944a" },
  { "yellow", N_("Yellow"), "#c88800" },
  { "orange", N_("Orange"), "#ed5b00" },
  { "red", N_("Red"), "#e62d42" },
  { "pink", N_("Pink"), "#d56199" },
  { "purple", N_("Purple"), "#9141ac" },
  { "slate", N_("Slate"), "#6f8396" },
};

/**
 * pb_frame_color_label:
 * @color: a colour's name from pb_frame_colors()
 *
 * Returns: (transfer none): the colour's name for people, translated
 */
const char *
pb_frame_color_label (const char *color)
{
  for (guint i = 0; i < G_N_ELEMENTS (color_info); i++)
    if (g_strcmp0 (color, color_info[i].name) == 0)
      return _(color_info[i].label);
  return color;
}

/**
 * pb_frame_color_value:
 * @color: a colour's name from pb_frame_colors()
 *
 * Returns: (transfer none): the colour as "#rrggbb", for drawings made
 *   without the style sheet
 */
const char *
pb_frame_color_value (const char *color)
{
  for (guint i = 0; i < G_N_ELEMENTS (color_info); i++)
    if (g_strcmp0 (color, color_info[i].name) == 0)
      return color_info[i].value;
  return color_info[G_N_ELEMENTS (color_info) - 1].value;
}

static int
compare_addr (gconstpointer a,
              gconstpointer b)
{
  pb_addr x = *(const pb_addr *) a, y = *(const pb_addr *) b;

  return x < y ? -1 : x > y;
}

/**
 * pb_frame_state_new:
 * @title: one line of text, not empty
 * @color: a name from pb_frame_colors()
 * @note: (nullable): what a person wrote about the frame
 * @members: (array length=n_members): processes, in any order, each once
 *
 * Returns: (transfer floating): a frame's state (PB_FRAME_STATE_TYPE),
 *   its members sorted
 */
GVariant *
pb_frame_state_new (const char    *title,
                    const char    *color,
                    const char    *note,
                    gboolean       collapsed,
                    const pb_addr *members,
                    gsize          n_members)
{
  g_autofree pb_addr *sorted = g_memdup2 (members, n_members * sizeof *members);

  g_return_val_if_fail (title != NULL && pb_store_frame_color_valid (color), NULL);

  qsort (sorted, n_members, sizeof *sorted, compare_addr);
  return g_variant_new ("(sssb@at)", title, color, note != NULL ? note : "", collapsed,
                        g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, sorted, n_members,
                                                   sizeof *sorted));
}

/**
 * pb_frame_new:
 * @id: the frame's id in its document, which undoable ops name it by
 * @state: a PB_FRAME_STATE_TYPE; a floating reference is taken
 *
 * Returns: (transfer full): a new frame
 */
PbFrame *
pb_frame_new (guint     id,
              GVariant *state)
{
  PbFrame *self = g_object_new (PB_TYPE_FRAME, NULL);

  self->id = id;
  pb_frame_set_state (self, state);
  return self;
}

guint
pb_frame_get_id (PbFrame *self)
{
  g_return_val_if_fail (PB_IS_FRAME (self), 0);
  return self->id;
}

const char *
pb_frame_get_title (PbFrame *self)
{
  g_return_val_if_fail (PB_IS_FRAME (self), NULL);
  return self->title;
}

/**
 * pb_frame_get_color:
 *
 * Returns: the name of its colour, from pb_frame_colors()
 */
const char *
pb_frame_get_color (PbFrame *self)
{
  g_return_val_if_fail (PB_IS_FRAME (self), NULL);
  return self->color;
}

/**
 * pb_frame_get_note:
 *
 * Returns: its note, "" for none
 */
const char *
pb_frame_get_note (PbFrame *self)
{
  g_return_val_if_fail (PB_IS_FRAME (self), NULL);
  return self->note;
}

gboolean
pb_frame_get_collapsed (PbFrame *self)
{
  g_return_val_if_fail (PB_IS_FRAME (self), FALSE);
  return self->collapsed;
}

/**
 * pb_frame_get_members:
 * @n_members: (out): how many there are
 *
 * Returns: (transfer none) (array length=n_members): the processes in the
 *   frame, in ascending address order; valid until its state changes
 */
const pb_addr *
pb_frame_get_members (PbFrame *self,
                      gsize   *n_members)
{
  g_return_val_if_fail (PB_IS_FRAME (self), NULL);
  *n_members = self->n_members;
  return self->members;
}

gboolean
pb_frame_has_member (PbFrame *self,
                     pb_addr  process)
{
  g_return_val_if_fail (PB_IS_FRAME (self), FALSE);
  return bsearch (&process, self->members, self->n_members, sizeof process,
                  compare_addr) != NULL;
}

/**
 * pb_frame_get_state:
 *
 * Returns: (transfer none): its whole state, PB_FRAME_STATE_TYPE
 */
GVariant *
pb_frame_get_state (PbFrame *self)
{
  g_return_val_if_fail (PB_IS_FRAME (self), NULL);
  return self->state;
}

/**
 * pb_frame_set_state:
 * @state: a PB_FRAME_STATE_TYPE from pb_frame_state_new() or
 *   pb_frame_get_state(); a floating reference is taken
 *
 * Sets the frame's whole state, notifying the properties that changed,
 * then emits PbFrame::changed, members included. For the document, whose
 * ops keep frames' states.
 */
void
pb_frame_set_state (PbFrame  *self,
                    GVariant *state)
{
  g_autoptr(GVariant) old = NULL;
  g_autoptr(GVariant) members = NULL;

  g_return_if_fail (PB_IS_FRAME (self));
  g_return_if_fail (g_variant_is_of_type (state, PB_FRAME_STATE_TYPE));

  old = g_steal_pointer (&self->state);
  self->state = g_variant_ref_sink (state);
  g_variant_get (self->state, "(&s&s&sb@at)", &self->title, &self->color, &self->note,
                 &self->collapsed, &members);
  self->members = g_variant_get_fixed_array (members, &self->n_members, sizeof (pb_addr));

  g_object_freeze_notify (G_OBJECT (self));
  {
    const char *before_title = "", *before_color = "", *before_note = "";
    gboolean before_collapsed = FALSE;

    if (old != NULL)
      g_variant_get (old, "(&s&s&sb@at)", &before_title, &before_color, &before_note,
                     &before_collapsed, NULL);
    if (old == NULL || g_strcmp0 (before_title, self->title) != 0)
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    if (old == NULL || g_strcmp0 (before_color, self->color) != 0)
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR]);
    if (old == NULL || g_strcmp0 (before_note, self->note) != 0)
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTE]);
    if (old == NULL || before_collapsed != self->collapsed)
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLLAPSED]);
  }
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
pb_frame_finalize (GObject *object)
{
  PbFrame *self = PB_FRAME (object);

  g_clear_pointer (&self->state, g_variant_unref);
  G_OBJECT_CLASS (pb_frame_parent_class)->finalize (object);
}

static void
pb_frame_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  PbFrame *self = PB_FRAME (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_COLOR:
      g_value_set_string (value, self->color);
      break;
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    case PROP_COLLAPSED:
      g_value_set_boolean (value, self->collapsed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_frame_class_init (PbFrameClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pb_frame_finalize;
  object_class->get_property = pb_frame_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLOR] =
    g_param_spec_string ("color", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLLAPSED] =
    g_param_spec_boolean ("collapsed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PbFrame::changed:
   *
   * Its state changed: any property, or its members.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
}

static void
pb_frame_init (PbFrame *self)
{
}
