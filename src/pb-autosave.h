/* pb-autosave.h — nothing lost on a crash: copies of unsaved work
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pb-document.h"
#include "pb-types.h"

G_BEGIN_DECLS

#define PB_TYPE_AUTOSAVE (pb_autosave_get_type ())

G_DECLARE_FINAL_TYPE (PbAutosave, pb_autosave, PB, AUTOSAVE, GObject)

/**
 * PbRecovery:
 * @autosave: the copy of the unsaved work
 * @original: (nullable): the document it was meant for; %NULL for work
 *   never saved
 */
typedef struct
{
  GFile *autosave;
  GFile *original;
} PbRecovery;

void        pb_recovery_free         (PbRecovery *recovery);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbRecovery, pb_recovery_free)

PbAutosave *pb_autosave_new          (PbDocument *document);
gboolean    pb_autosave_save_now     (PbAutosave *self,
                                      GError    **error);
GFile      *pb_autosave_get_file     (PbAutosave *self);
void        pb_autosave_discard      (PbAutosave *self);
GPtrArray  *pb_autosave_list         (void);
void        pb_autosave_forget       (PbRecovery *recovery);

G_END_DECLS
