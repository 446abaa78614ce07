/* pb-kind-item.h — one kind of the catalogue, as a list item
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include <pushback/kinds.h>

G_BEGIN_DECLS

#define PB_TYPE_KIND_ITEM (pb_kind_item_get_type ())

G_DECLARE_FINAL_TYPE (PbKindItem, pb_kind_item, PB, KIND_ITEM, GObject)

PbKindItem    *pb_kind_item_new             (const pb_kind *kind);
const char    *pb_kind_item_get_name        (PbKindItem    *self);
const char    *pb_kind_item_get_description (PbKindItem    *self);
const char    *pb_kind_item_get_category    (PbKindItem    *self);
char          *pb_kind_item_dup_ports       (PbKindItem    *self);
gboolean       pb_kind_item_matches         (PbKindItem    *self,
                                             const char    *search);

G_END_DECLS
