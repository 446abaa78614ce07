/* store-frames.c — the frames a document draws around its processes
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Frames are few, and change rarely: a save compares them with the saved
 * ones and, only when they differ, writes them all again. Their ids are
 * their places in the order saved, so two saves of the same frames write
 * the same rows.
 */

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "store-private.h"

static const char *const colors[] = {
  "blue", "teal", "green", "yellow", "orange", "red", "pink", "purple", "slate",
};

bool
pb_store_frame_color_valid (const char *color)
{
  if (color == NULL)
    return false;
  for (size_t i = 0; i < sizeof colors / sizeof colors[0]; i++)
    if (strcmp (color, colors[i]) == 0)
      return true;
  return false;
}

static int
compare_addr (const void *a,
              const void *b)
{
  pb_addr x = *(const pb_addr *) a;
  pb_addr y = *(const pb_addr *) b;

  return x < y ? -1 : x > y;
}

static bool
title_valid (const char *title)
{
  return title != NULL && title[0] != '\0' && pb_store__text_valid (title)
         && strchr (title, '\n') == NULL;
}

void
pb_store__frames_clear (stored_frames *f)
{
  free (f->frames);
  free (f->members);
  pb_store__string_list_clear (&f->strings);
  memset (f, 0, sizeof *f);
}

/* Checks @doc's frames against @g, and copies their members, each
 * frame's sorted, into @f->members (@f->frames is left empty). */
int
pb_store__check_frames (const pb_store     *s,
                        const pb_graph     *g,
                        const pb_store_doc *doc,
                        stored_frames      *f,
                        pb_error           *err)
{
  size_t n = 0, at = 0;
  pb_addr *all;
  int rc = PB_OK;

  if (doc == NULL || doc->n_frames == 0)
    return PB_OK;
  if (doc->frames == NULL)
    return pb_error_set (err, PB_EINVAL, _("pb_store_save: invalid argument"));
  for (size_t i = 0; i < doc->n_frames; i++)
    {
      const pb_store_frame *fr = &doc->frames[i];

      if (!title_valid (fr->title))
        return pb_error_set (err, PB_EINVAL, _("%s: cannot save frame %zu: its title must "
                                               "be one line of UTF-8 text, not empty"),
                             s->path, i + 1);
      if (!pb_store_frame_color_valid (fr->color))
        return pb_error_set (err, PB_EINVAL, _("%s: cannot save frame '%s': it has no "
                                               "colour of the palette"), s->path, fr->title);
      if (fr->note == NULL || !pb_store__text_valid (fr->note))
        return pb_error_set (err, PB_EINVAL, _("%s: cannot save frame '%s': its note is not "
                                               "UTF-8 text"), s->path, fr->title);
      if (fr->n_members == 0 || fr->members == NULL)
        return pb_error_set (err, PB_EINVAL, _("%s: cannot save frame '%s': it holds no "
                                               "process"), s->path, fr->title);
      n += fr->n_members;
    }

  f->members = malloc (n * sizeof *f->members);
  all = malloc (n * sizeof *all);
  if (f->members == NULL || all == NULL)
    {
      free (all);
      return pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
    }
  for (size_t i = 0; i < doc->n_frames; i++)
    {
      const pb_store_frame *fr = &doc->frames[i];

      memcpy (f->members + at, fr->members, fr->n_members * sizeof *fr->members);
      qsort (f->members + at, fr->n_members, sizeof *f->members, compare_addr);
      at += fr->n_members;
    }
  memcpy (all, f->members, n * sizeof *all);
  qsort (all, n, sizeof *all, compare_addr);
  for (size_t i = 0; i < n && rc == PB_OK; i++)
    {
      char label[LABEL_MAX];

      pb_store__process_label (all[i], pb_graph_has_process (g, all[i])
                                        ? pb_graph_process_name (g, all[i]) : NULL, label);
      if (!pb_graph_has_process (g, all[i]) || pb_addr_port (all[i]) != 0)
        rc = pb_error_set (err, PB_EINVAL, _("%s: cannot save the frames: %s is not a "
                                             "process of the topology"), s->path, label);
      else if (i > 0 && all[i - 1] == all[i])
        rc = pb_error_set (err, PB_EINVAL, _("%s: cannot save the frames: %s lies in two "
                                             "frames"), s->path, label);
    }
  free (all);
  return rc;
}

/* Reads the frames through @db into @f, checking every row against @g.
 * With no @g, what a save compares with, members are not checked, and a
 * frame may be empty: deleting processes empties frames before the save
 * writes its own. */
int
pb_store__read_frames (const pb_store *s,
                       sqlite3        *db,
                       const pb_graph *g,
                       stored_frames  *f,
                       pb_error       *err)
{
  sqlite3_stmt *st = NULL;
  size_t capacity = 0, members_capacity = 0, n_members = 0;
  int64_t *ids = NULL;
  int rc = pb_store__prepare (s, db, "SELECT id, title, color, note, collapsed FROM frames "
                              "ORDER BY id", &st, err);

  while (rc == PB_OK && (rc = pb_store__step (s, st, N_("read the frames"), err)) == SQLITE_ROW)
    {
      pb_store_frame fr = { 0 };
      int64_t id, collapsed;
      const char *text[3];
      char q[PB_QUOTE_MAX];

      rc = PB_OK;
      if (!pb_store__column_int (st, 0, 1, INT64_MAX, &id)
          || !pb_store__column_text (st, 1, false, &text[0]) || !title_valid (text[0]))
        rc = pb_store__bad_row (s, err, _("frame %s has a title that is not one line of "
                                          "text"), pb_store__column_quote (st, 0, q));
      else if (!pb_store__column_text (st, 2, false, &text[1])
               || !pb_store_frame_color_valid (text[1]))
        rc = pb_store__bad_row (s, err, _("frame '%s' has an unknown colour '%s'"), text[0],
                                pb_store__column_quote (st, 2, q));
      else if (!pb_store__column_text (st, 3, false, &text[2]))
        rc = pb_store__bad_row (s, err, _("frame '%s' has a note that is not UTF-8 text"),
                                text[0]);
      else if (!pb_store__column_int (st, 4, 0, 1, &collapsed))
        rc = pb_store__bad_row (s, err, _("frame '%s' has a collapsed flag that is not 0 "
                                          "or 1"), text[0]);
      if (rc != PB_OK)
        break;
      fr.collapsed = collapsed != 0;
      if (f->n == capacity)
        {
          size_t more = capacity != 0 ? capacity * 2 : 8;
          pb_store_frame *frames = realloc (f->frames, more * sizeof *frames);
          int64_t *more_ids = frames != NULL ? realloc (ids, more * sizeof *ids) : NULL;

          if (frames != NULL)
            f->frames = frames;
          if (more_ids == NULL)
            {
              rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
              break;
            }
          ids = more_ids;
          capacity = more;
        }
      if (!pb_store__string_list_add (&f->strings, text[0], &fr.title)
          || !pb_store__string_list_add (&f->strings, text[1], &fr.color)
          || !pb_store__string_list_add (&f->strings, text[2], &fr.note))
        {
          rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
          break;
        }
      ids[f->n] = id;
      f->frames[f->n++] = fr;
    }
  sqlite3_finalize (st);
  st = NULL;

  /* The members, frame by frame in the frames' order, each frame's in
   * ascending address order: the primary key (host, id) orders them. */
  if (rc == PB_OK || rc == SQLITE_DONE)
    rc = pb_store__prepare (s, db, "SELECT frame, host, id FROM frame_members "
                            "ORDER BY frame, host, id", &st, err);
  for (size_t i = 0; rc == PB_OK && (rc = pb_store__step (s, st, N_("read the frames"), err)) == SQLITE_ROW;)
    {
      int64_t frame, host, id;
      pb_addr process;
      char label[LABEL_MAX];

      rc = PB_OK;
      if (!pb_store__column_int (st, 0, 1, INT64_MAX, &frame)
          || !pb_store__column_int (st, 1, 0, PB_HOST_MAX, &host)
          || !pb_store__column_int (st, 2, 1, PB_PROCESS_MAX, &id))
        {
          rc = pb_store__bad_row (s, err, _("a frame's member is not a frame and a process"));
          break;
        }
      process = pb_addr_make ((uint32_t) host, (uint32_t) id, 0);
      pb_store__process_label (process, NULL, label);
      while (i < f->n && ids[i] < frame)
        i++;
      if (i == f->n || ids[i] != frame)
        rc = pb_store__bad_row (s, err, _("%s lies in frame %lld, which does not exist"), label,
                                (long long) frame);
      else if (g != NULL && !pb_graph_has_process (g, process))
        rc = pb_store__bad_row (s, err, _("frame '%s' holds %s, which does not exist"),
                                f->frames[i].title, label);
      if (rc != PB_OK)
        break;
      if (n_members == members_capacity)
        {
          size_t more = members_capacity != 0 ? members_capacity * 2 : 64;
          pb_addr *members = realloc (f->members, more * sizeof *members);

          if (members == NULL)
            {
              rc = pb_error_set (err, PB_ENOMEM, _("%s: out of memory"), s->path);
              break;
            }
          f->members = members;
          members_capacity = more;
        }
      f->members[n_members++] = process;
      f->frames[i].n_members++;
    }
  sqlite3_finalize (st);
  free (ids);
  if (rc == SQLITE_DONE)
    rc = PB_OK;

  /* Point each frame at its members, now that they no longer move. */
  for (size_t i = 0, at = 0; rc == PB_OK && i < f->n; i++)
    {
      if (f->frames[i].n_members == 0 && g != NULL)
        rc = pb_store__bad_row (s, err, _("frame '%s' holds no process"), f->frames[i].title);
      f->frames[i].members = f->members + at;
      at += f->frames[i].n_members;
    }
  if (rc != PB_OK)
    pb_store__frames_clear (f);
  return rc;
}

static bool
frames_equal (const pb_store_doc  *doc,
              const stored_frames *checked,
              const stored_frames *saved)
{
  const pb_addr *members = checked->members;

  if (doc->n_frames != saved->n)
    return false;
  for (size_t i = 0; i < saved->n; i++)
    {
      const pb_store_frame *a = &doc->frames[i], *b = &saved->frames[i];

      if (strcmp (a->title, b->title) != 0 || strcmp (a->color, b->color) != 0
          || strcmp (a->note, b->note) != 0 || a->collapsed != b->collapsed
          || a->n_members != b->n_members
          || memcmp (members, b->members, a->n_members * sizeof *members) != 0)
        return false;
      members += a->n_members;
    }
  return true;
}

/* Writes @doc's frames, checked into @checked, in the write transaction:
 * nothing when they equal the saved ones. A NULL @doc saves none. */
int
pb_store__write_frames (pb_store            *s,
                        const pb_store_doc  *doc,
                        const stored_frames *checked,
                        pb_error            *err)
{
  static const pb_store_doc none = { 0 };
  stored_frames saved = { 0 };
  sqlite3_stmt *frame = NULL, *member = NULL;
  const pb_addr *members = checked->members;
  int rc;

  if (doc == NULL)
    doc = &none;
  rc = pb_store__read_frames (s, s->db, NULL, &saved, err);
  if (rc != PB_OK || frames_equal (doc, checked, &saved))
    {
      pb_store__frames_clear (&saved);
      return rc;
    }
  pb_store__frames_clear (&saved);

  rc = pb_store__exec (s, s->db, "DELETE FROM frame_members; DELETE FROM frames",
                       N_("write the frames"), err);
  if (rc == PB_OK)
    rc = pb_store__prepare (s, s->db, "INSERT INTO frames (id, title, color, note, collapsed) "
                            "VALUES (?, ?, ?, ?, ?)", &frame, err);
  if (rc == PB_OK)
    rc = pb_store__prepare (s, s->db, "INSERT INTO frame_members (host, id, frame) "
                            "VALUES (?, ?, ?)", &member, err);
  for (size_t i = 0; rc == PB_OK && i < doc->n_frames; i++)
    {
      const pb_store_frame *fr = &doc->frames[i];

      sqlite3_bind_int64 (frame, 1, (int64_t) i + 1);
      sqlite3_bind_text (frame, 2, fr->title, -1, SQLITE_STATIC);
      sqlite3_bind_text (frame, 3, fr->color, -1, SQLITE_STATIC);
      sqlite3_bind_text (frame, 4, fr->note, -1, SQLITE_STATIC);
      sqlite3_bind_int (frame, 5, fr->collapsed);
      rc = pb_store__run (s, frame, err);
      for (size_t k = 0; rc == PB_OK && k < fr->n_members; k++)
        {
          sqlite3_bind_int64 (member, 1, pb_addr_host (members[k]));
          sqlite3_bind_int64 (member, 2, pb_addr_process (members[k]));
          sqlite3_bind_int64 (member, 3, (int64_t) i + 1);
          rc = pb_store__run (s, member, err);
        }
      members += fr->n_members;
    }
  sqlite3_finalize (frame);
  sqlite3_finalize (member);
  return rc;
}
