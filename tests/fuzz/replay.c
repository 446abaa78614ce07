/* replay.c — runs files through a libFuzzer target, without libFuzzer
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: fuzz-store-replay FILE|DIR...
 *
 * Feeds every file named, and every file in every directory named, to
 * LLVMFuzzerTestOneInput(), in name order. The target aborts when a rule
 * breaks, so exit status 0 means every input passed. This is how the
 * normal test suite, built by any compiler, replays the seed corpus and
 * any crash a fuzzer found.
 */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static int
replay_file (const char *path)
{
  FILE *f = fopen (path, "rb");
  uint8_t *data = NULL;
  size_t size = 0, capacity = 0, n;

  if (f == NULL)
    {
      perror (path);
      return 1;
    }
  do
    {
      if (size == capacity)
        {
          uint8_t *more;

          capacity = capacity != 0 ? capacity * 2 : 65536;
          more = realloc (data, capacity);
          if (more == NULL)
            {
              fclose (f);
              free (data);
              fprintf (stderr, "%s: out of memory\n", path);
              return 1;
            }
          data = more;
        }
      n = fread (data + size, 1, capacity - size, f);
      size += n;
    }
  while (n > 0);
  fclose (f);
  LLVMFuzzerTestOneInput (data, size);
  free (data);
  printf ("ok %s (%zu bytes)\n", path, size);
  return 0;
}

static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
replay_dir (const char *path)
{
  DIR *d = opendir (path);
  struct dirent *e;
  char **names = NULL;
  size_t n = 0, i;
  int failed = 0;

  if (d == NULL)
    {
      perror (path);
      return 1;
    }
  while ((e = readdir (d)) != NULL)
    {
      char **more;

      if (e->d_name[0] == '.')
        continue;
      more = realloc (names, (n + 1) * sizeof *names);
      if (more == NULL)
        break;
      names = more;
      names[n] = malloc (strlen (path) + strlen (e->d_name) + 2);
      if (names[n] == NULL)
        break;
      sprintf (names[n], "%s/%s", path, e->d_name);
      n++;
    }
  closedir (d);
  if (n > 0)
    qsort (names, n, sizeof *names, compare_names);
  for (i = 0; i < n; i++)
    {
      failed |= replay_file (names[i]);
      free (names[i]);
    }
  free (names);
  return failed;
}

int
main (int   argc,
      char *argv[])
{
  struct stat st;
  int failed = 0;
  int i;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s FILE|DIR...\n", argv[0]);
      return 2;
    }
  for (i = 1; i < argc; i++)
    {
      if (stat (argv[i], &st) != 0)
        {
          perror (argv[i]);
          failed = 1;
        }
      else if (S_ISDIR (st.st_mode))
        failed |= replay_dir (argv[i]);
      else
        failed |= replay_file (argv[i]);
    }
  return failed;
}
