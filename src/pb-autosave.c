/* pb-autosave.c — nothing lost on a crash: copies of unsaved work
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * While a document has changes not saved, a copy of it is written a few
 * seconds after each step, as a document of its own under the user's
 * data directory (pushback/autosave/), beside a key file naming the
 * document it belongs to. Saving the document, or undoing back to what
 * was saved, removes the copy; so does closing without saving, since the
 * person chose then. What remains at start-up is work a crash would have
 * lost, and the application offers it back.
 *
 * A copy is written with pb_document_save_copy(), which never touches
 * the document's own file: a failed autosave costs nothing but itself.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "pb-autosave.h"

/* How long after a step the copy is written: long enough that a burst of
 * edits writes once, short enough that little is ever lost. */
#define DELAY_SECONDS 2

#define GROUP "Autosave"

struct _PbAutosave
{
  GObject     parent_instance;

  PbDocument *document;
  char       *id;
  guint       timeout;
  gboolean    written;
};

G_DEFINE_FINAL_TYPE (PbAutosave, pb_autosave, G_TYPE_OBJECT)

static char *
autosave_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "pushback", "autosave", NULL);
}

static char *
path_of (const char *id,
         const char *suffix)
{
  g_autofree char *dir = autosave_dir ();
  g_autofree char *name = g_strconcat (id, suffix, NULL);

  return g_build_filename (dir, name, NULL);
}

void
pb_recovery_free (PbRecovery *recovery)
{
  if (recovery == NULL)
    return;
  g_clear_object (&recovery->autosave);
  g_clear_object (&recovery->original);
  g_free (recovery);
}

/**
 * pb_autosave_get_file:
 *
 * Returns: (transfer full): where the copy of @self's document goes
 */
GFile *
pb_autosave_get_file (PbAutosave *self)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (PB_IS_AUTOSAVE (self), NULL);

  path = path_of (self->id, ".pushback");
  return g_file_new_for_path (path);
}

static void
remove_files (const char *id)
{
  g_autofree char *copy = path_of (id, ".pushback");
  g_autofree char *keys = path_of (id, ".ini");

  g_remove (keys);
  g_remove (copy);
}

/**
 * pb_autosave_discard:
 *
 * Removes the copy, if any: the person saved, or chose not to.
 */
void
pb_autosave_discard (PbAutosave *self)
{
  g_return_if_fail (PB_IS_AUTOSAVE (self));

  g_clear_handle_id (&self->timeout, g_source_remove);
  if (self->written)
    remove_files (self->id);
  self->written = FALSE;
}

/**
 * pb_autosave_save_now:
 *
 * Writes the copy at once, if the document has unsaved changes.
 *
 * Returns: whether all is well: the copy is written, or not needed
 */
gboolean
pb_autosave_save_now (PbAutosave  *self,
                      GError     **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GFile) copy = NULL;
  g_autofree char *dir = autosave_dir ();
  g_autofree char *keys_path = NULL;
  GFile *original;

  g_return_val_if_fail (PB_IS_AUTOSAVE (self), FALSE);

  g_clear_handle_id (&self->timeout, g_source_remove);
  if (!pb_document_get_modified (self->document))
    {
      pb_autosave_discard (self);
      return TRUE;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not make the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  copy = pb_autosave_get_file (self);
  if (!pb_document_save_copy (self->document, copy, error))
    return FALSE;

  original = pb_document_get_file (self->document);
  if (original != NULL)
    {
      g_autofree char *uri = g_file_get_uri (original);

      g_key_file_set_string (keys, GROUP, "Original", uri);
    }
  g_key_file_set_int64 (keys, GROUP, "Written", g_get_real_time ());
  keys_path = path_of (self->id, ".ini");
  if (!g_key_file_save_to_file (keys, keys_path, error))
    return FALSE;

  self->written = TRUE;
  return TRUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  PbAutosave *self = user_data;
  g_autoptr(GError) error = NULL;

  self->timeout = 0;
  if (!pb_autosave_save_now (self, &error))
    g_warning ("Could not write the autosave copy: %s", error->message);
  return G_SOURCE_REMOVE;
}

static void
on_document_changed (PbAutosave *self)
{
  if (!pb_document_get_modified (self->document))
    {
      pb_autosave_discard (self);
      return;
    }
  g_clear_handle_id (&self->timeout, g_source_remove);
  self->timeout = g_timeout_add_seconds (DELAY_SECONDS, on_timeout, self);
}

/**
 * pb_autosave_new:
 * @document: the document to keep copies of
 *
 * Returns: (transfer full): an autosave that follows @document's changes
 *   for as long as it lives
 */
PbAutosave *
pb_autosave_new (PbDocument *document)
{
  PbAutosave *self;

  g_return_val_if_fail (PB_IS_DOCUMENT (document), NULL);

  self = g_object_new (PB_TYPE_AUTOSAVE, NULL);
  self->document = g_object_ref (document);
  self->id = g_uuid_string_random ();
  g_signal_connect_object (document, "notify::modified", G_CALLBACK (on_document_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (document, "changed", G_CALLBACK (on_document_changed),
                           self, G_CONNECT_SWAPPED);
  return self;
}

/**
 * pb_autosave_list:
 *
 * Returns: (transfer full) (element-type PbRecovery): the copies of work
 *   left unsaved by a session that ended without saving or discarding it,
 *   newest first
 */
GPtrArray *
pb_autosave_list (void)
{
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_recovery_free);
  g_autofree char *dir_path = autosave_dir ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(GKeyFile) keys = g_key_file_new ();
      g_autofree char *id = NULL;
      g_autofree char *keys_path = NULL;
      g_autofree char *copy_path = NULL;
      g_autofree char *uri = NULL;
      PbRecovery *recovery;

      if (!g_str_has_suffix (name, ".ini"))
        continue;
      id = g_strndup (name, strlen (name) - strlen (".ini"));
      keys_path = path_of (id, ".ini");
      copy_path = path_of (id, ".pushback");
      if (!g_key_file_load_from_file (keys, keys_path, G_KEY_FILE_NONE, NULL)
          || !g_file_test (copy_path, G_FILE_TEST_IS_REGULAR))
        continue;

      recovery = g_new0 (PbRecovery, 1);
      recovery->autosave = g_file_new_for_path (copy_path);
      uri = g_key_file_get_string (keys, GROUP, "Original", NULL);
      if (uri != NULL)
        recovery->original = g_file_new_for_uri (uri);
      g_ptr_array_add (found, recovery);
    }
  return found;
}

/**
 * pb_autosave_forget:
 *
 * Removes a recovered copy, once it is open again (or refused).
 */
void
pb_autosave_forget (PbRecovery *recovery)
{
  g_autofree char *path = g_file_get_path (recovery->autosave);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *id = g_strndup (base, strlen (base) - strlen (".pushback"));

  remove_files (id);
}

static void
pb_autosave_dispose (GObject *object)
{
  PbAutosave *self = PB_AUTOSAVE (object);

  g_clear_handle_id (&self->timeout, g_source_remove);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (pb_autosave_parent_class)->dispose (object);
}

static void
pb_autosave_finalize (GObject *object)
{
  PbAutosave *self = PB_AUTOSAVE (object);

  g_free (self->id);

  G_OBJECT_CLASS (pb_autosave_parent_class)->finalize (object);
}

static void
pb_autosave_class_init (PbAutosaveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pb_autosave_dispose;
  object_class->finalize = pb_autosave_finalize;
}

static void
pb_autosave_init (PbAutosave *self)
{
}
