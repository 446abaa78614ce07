/* pb-kind-item.c — one kind of the catalogue, as a list item
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The catalogue is a static C array; list models and their filters need
 * GObjects. A PbKindItem wraps one kind and keeps what searching it needs.
 */

#include "config.h"

#include <string.h>

#include "pb-kind-item.h"

struct _PbKindItem
{
  GObject        parent_instance;

  const pb_kind *kind;

  /* The name and description, case-folded once, for searches. */
  char          *haystack;
};

G_DEFINE_FINAL_TYPE (PbKindItem, pb_kind_item, G_TYPE_OBJECT)

/**
 * pb_kind_item_new:
 * @kind: a kind of the catalogue
 *
 * Returns: (transfer full): an item for @kind
 */
PbKindItem *
pb_kind_item_new (const pb_kind *kind)
{
  PbKindItem *self;
  g_autofree char *text = NULL;

  g_return_val_if_fail (kind != NULL, NULL);

  self = g_object_new (PB_TYPE_KIND_ITEM, NULL);
  self->kind = kind;
  text = g_strconcat (pb_kind_name (kind), "\n", pb_kind_description (kind), NULL);
  self->haystack = g_utf8_casefold (text, -1);

  return self;
}

const char *
pb_kind_item_get_name (PbKindItem *self)
{
  g_return_val_if_fail (PB_IS_KIND_ITEM (self), NULL);
  return pb_kind_name (self->kind);
}

const char *
pb_kind_item_get_description (PbKindItem *self)
{
  g_return_val_if_fail (PB_IS_KIND_ITEM (self), NULL);
  return pb_kind_description (self->kind);
}

/**
 * pb_kind_item_get_category:
 *
 * Returns: "source", "transform", "routing" or "sink"
 */
const char *
pb_kind_item_get_category (PbKindItem *self)
{
  g_return_val_if_fail (PB_IS_KIND_ITEM (self), NULL);
  return pb_kind_category (self->kind);
}

static void
append_ports (GString       *text,
              const pb_kind *kind,
              pb_port_dir    dir)
{
  gboolean first = TRUE;
  size_t i;

  for (i = 0; i < pb_kind_n_ports (kind); i++)
    {
      const pb_port_spec *spec = pb_kind_port (kind, i);

      if (spec->dir != dir)
        continue;
      if (!first)
        g_string_append (text, ", ");
      g_string_append_printf (text, "%s%s: %s",
                              spec->role, spec->range ? "[i]" : "", spec->types);
      first = FALSE;
    }
}

/**
 * pb_kind_item_dup_ports:
 *
 * Describes the kind's ports and the item types they take, inputs first,
 * as "in: i64|f64 → out: f64"; a source has only outputs, a sink only
 * inputs, and a range of ports shows as "out[i]".
 *
 * Returns: (transfer full): the description
 */
char *
pb_kind_item_dup_ports (PbKindItem *self)
{
  GString *text;

  g_return_val_if_fail (PB_IS_KIND_ITEM (self), NULL);

  text = g_string_new (NULL);
  append_ports (text, self->kind, PB_PORT_IN);
  if (text->len > 0)
    g_string_append (text, " → ");
  append_ports (text, self->kind, PB_PORT_OUT);
  if (g_str_has_suffix (text->str, " → "))
    g_string_truncate (text, text->len - strlen (" → "));

  return g_string_free (text, FALSE);
}

/**
 * pb_kind_item_matches:
 * @search: (nullable): words typed by the user
 *
 * Every word of @search must occur in the kind's name or description,
 * ignoring case, so that "mean window" finds window-mean.
 *
 * Returns: whether the kind matches; an empty search matches every kind
 */
gboolean
pb_kind_item_matches (PbKindItem *self,
                      const char *search)
{
  g_autofree char *folded = NULL;
  g_auto(GStrv) words = NULL;
  guint i;

  g_return_val_if_fail (PB_IS_KIND_ITEM (self), FALSE);

  if (search == NULL)
    return TRUE;

  folded = g_utf8_casefold (search, -1);
  words = g_strsplit_set (folded, " \t\n", -1);
  for (i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0' && strstr (self->haystack, words[i]) == NULL)
      return FALSE;

  return TRUE;
}

static void
pb_kind_item_finalize (GObject *object)
{
  PbKindItem *self = PB_KIND_ITEM (object);

  g_free (self->haystack);

  G_OBJECT_CLASS (pb_kind_item_parent_class)->finalize (object);
}

static void
pb_kind_item_class_init (PbKindItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pb_kind_item_finalize;
}

static void
pb_kind_item_init (PbKindItem *self)
{
}
