/* test-worker.c — user code in a worker process: what it cannot take down
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <pushback/pushback.h>

/* No test may hang: past this the program dies of SIGALRM. */
#define WATCHDOG_S 110
#define SECOND UINT64_C (1000000000)

/* A source without end (in a test's time) into a running sum: the chain that must carry on,
 * with its state, whatever happens to the other. */
#define KEEP "seq name=counter from=1 to=1000000000000 ! sum name=keep"

static pb_runner *
worker_runner (const char *const *texts)
{
  pb_graph *g = pb_graph_new (0);
  pb_runner *r;
  pb_error err = { PB_OK, "" };

  g_assert_nonnull (g);
  for (size_t i = 0; texts[i] != NULL; i++)
    if (pb_pipeline_build_text (g, texts[i], &err) != PB_OK)
      g_error ("pipeline '%s': %s", texts[i], err.message);
  r = pb_runner_new (g);
  g_assert_nonnull (r);
  g_assert_cmpint (pb_runner_set_isolation (r, PB_ISOLATION_WORKER), ==, PB_OK);
  g_assert_cmpint (pb_runner_start (r, &err), ==, PB_OK);
  g_assert_cmpint (pb_runner_sync (r, 10 * SECOND), ==, PB_OK);
  return r;
}

/* What a fresh snapshot says of process @name: its state, items taken,
 * and copies of its message and result. */
typedef struct
{
  pb_process_state state;
  uint64_t         items_in;
  char            *message;
  char            *result;
} seen;

static seen
look (pb_runner  *r,
      const char *name)
{
  const pb_graph *g = pb_runner_lock_graph (r);
  pb_addr a = pb_graph_find_name (g, name);
  pb_snapshot *s;
  pb_process_info info;
  seen out;
  long i;

  pb_runner_unlock_graph (r);
  g_assert_cmpuint (a, !=, 0);
  /* The first snapshot may come before the first build's. */
  while ((i = pb_snapshot_find_process (s = pb_runner_snapshot (r), a)) < 0)
    {
      pb_snapshot_free (s);
      g_usleep (1000);
    }
  g_assert_cmpint (pb_snapshot_process (s, (size_t) i, &info), ==, PB_OK);
  out = (seen) { info.state, info.items_in, g_strdup (info.message), g_strdup (info.result) };
  pb_snapshot_free (s);
  return out;
}

static void
seen_clear (seen *s)
{
  g_clear_pointer (&s->message, g_free);
  g_clear_pointer (&s->result, g_free);
}

/* Waits until process @name has failed; returns its message. */
static char *
until_failed (pb_runner  *r,
              const char *name)
{
  for (;;)
    {
      seen s = look (r, name);

      if (s.state == PB_PROCESS_FAILED)
        {
          g_free (s.result);
          return s.message;
        }
      seen_clear (&s);
      g_usleep (1000);
    }
}

/* The sum of 1..n, as `keep` shows it after taking n items: a state lost
 * on the way, or items lost or taken twice, would not give it. */
static void
assert_keep_whole (pb_runner *r)
{
  seen before = look (r, "keep");
  seen after;
  uint64_t n;

  /* It goes on... */
  do
    {
      after = look (r, "keep");
      if (after.items_in <= before.items_in)
        seen_clear (&after);
      else
        break;
      g_usleep (1000);
    }
  while (TRUE);
  g_assert_cmpint (after.state, ==, PB_PROCESS_READY);
  /* ...from where it was. */
  n = after.items_in;
  g_assert_nonnull (after.result);
  g_assert_cmpuint (g_ascii_strtoull (after.result, NULL, 10), ==, n * (n + 1) / 2);
  seen_clear (&before);
  seen_clear (&after);
}

/* User code that @code does fails its process with a message holding
 * @expect, and the other chain keeps its state and goes on. */
static void
assert_contained (const char *code,
                  const char *expect)
{
  g_autofree char *bad = g_strdup_printf ("seq name=feed from=1 to=1000000000000 ! c name=bad code=\"%s\" ! discard name=drop",
                                          code);
  const char *texts[] = { KEEP, bad, NULL };
  pb_runner *r = worker_runner (texts);
  g_autofree char *message = until_failed (r, "bad");

  if (strstr (message, expect) == NULL)
    g_error ("'%s' failed with '%s', not '%s'", code, message, expect);
  assert_keep_whole (r);
  pb_runner_free (r);
}

static void
test_runs (void)
{
  const char *texts[] = { "seq to=1000000 ! map expr=\"x*2\" ! sum name=total", NULL };
  pb_runner *r = worker_runner (texts);
  pb_error err = { PB_OK, "" };
  seen s;

  g_assert_cmpint (pb_runner_wait (r, 20 * SECOND, &err), ==, PB_OK);
  s = look (r, "total");
  g_assert_cmpstr (s.result, ==, "1000001000000");
  seen_clear (&s);
  pb_runner_free (r);
}

static void
test_fault (void)
{
  assert_contained ("if (x == 100000) *(volatile int *) 16 = 1; emit (x);",
                    "segmentation fault");
}

static void
test_exit (void)
{
  assert_contained ("if (x == 1000) exit (0); emit (x);", "called exit()");
}

static void
test_exit_syscall (void)
{
  assert_contained ("long syscall (long, ...); if (x == 1000) syscall (60, 0); emit (x);",
                    "called exit()");
  assert_contained ("long syscall (long, ...); if (x == 1000) syscall (231, 0); emit (x);",
                    "called exit()");
}

static void
test_fork_syscall (void)
{
  assert_contained ("long syscall (long, ...); if (x == 1000) syscall (57); emit (x);",
                    "called fork()");
}

static void
test_kill_parent (void)
{
  assert_contained ("int kill (int, int); int getppid (void); "
                    "if (x == 1000) kill (getppid (), 9); emit (x);",
                    "called kill()");
}

static void
test_stuck_in_malloc (void)
{
  /* Stopped inside malloc, the worker dies rather than leave its lock
   * held: the next call goes to a fresh one. */
  assert_contained ("if (x == 1000) for (;;) { void *p = malloc (5000); free (p); } emit (x);",
                    "ran for longer than");
  assert_contained ("if (x == 1000) for (;;) fflush (stdout); emit (x);", "ran for longer than");
}

static void
test_wild_write (void)
{
  /* 64 bytes past its state: the guard page after it, not a neighbour. */
  assert_contained ("if (x == 1000) memset ((char *) s + sizeof *s, 1, 64); emit (x);",
                    "segmentation fault");
}

static void
test_signals (void)
{
  /* Every call that signals another process, not only kill(). */
  assert_contained ("long syscall (long, ...); int getppid (void); "
                    "if (x == 1000) syscall (200, getppid (), 9); emit (x);",
                    "called tkill()");
  assert_contained ("long syscall (long, ...); int getppid (void); char info[128]; "
                    "if (x == 1000) syscall (129, getppid (), 15, info); emit (x);",
                    "called sigqueue()");
  assert_contained ("long syscall (long, ...); int getppid (void); "
                    "if (x == 1000) syscall (434, getppid (), 0); emit (x);",
                    "called pidfd_open()");
}

/* Process @name's state, once it is no longer running. */
static seen
until_ended (pb_runner  *r,
             const char *name)
{
  for (;;)
    {
      seen s = look (r, name);

      if (s.state != PB_PROCESS_READY)
        return s;
      seen_clear (&s);
      g_usleep (1000);
    }
}

static void
test_async_owner (void)
{
  /* The kernel signals a descriptor's owner when it is ready: no way
   * round the filter to this process. */
  g_autofree char *code = g_strdup_printf (
    "int fcntl (int, int, ...); int pipe (int *); "
    "if (x == 1000) { int fds[2]; pipe (fds); fcntl (fds[0], 8, %d); fcntl (fds[0], 10, 9); "
    "fcntl (fds[0], 4, 020000); write (fds[1], fds, 1); } emit (x);", (int) getpid ());

  assert_contained (code, "called fcntl()");
}

/* A report reads a sink's state, which user code in the worker can
 * write: scope's kept position, set to point its latest value into the
 * guard page of the c process before it. */
static void
test_hostile_state (void)
{
  const char *texts[] = {
    "seq name=few to=100 ! c name=writer code=\"emit (x);\" "
    "finish=\"long long *sc = pb_io->state[2]; "
    "char *g = (char *) (((unsigned long) pb_io->state[1] | 4095) + 1); "
    "long long idx = (g - (char *) (sc + 2)) / 8; sc[1] = idx - 65536 + 1;\" "
    "! scope name=plot n=65536",
    NULL
  };
  pb_runner *r = worker_runner (texts);
  pb_error err = { PB_OK, "" };
  seen s;

  pb_runner_wait (r, 20 * SECOND, &err);
  s = until_ended (r, "plot");
  g_assert_cmpint (s.state, ==, PB_PROCESS_DONE);
  seen_clear (&s);
  pb_runner_free (r);
}

static void
test_code_read_only (void)
{
  /* The code every process runs (this one too: its reports) is not the
   * worker's to change. */
  assert_contained ("if (x == 1000) *(volatile unsigned char *) (void *) pb_run = 0xc3; emit (x);",
                    "segmentation fault");
}

static void
test_no_proc_mem (void)
{
  /* Nor is this process's memory, through /proc. */
  const char *texts[] = {
    "seq name=one to=1 ! c name=opener code=\"int getppid (void); char p[64]; "
    "snprintf (p, sizeof p, \\\"/proc/%d/mem\\\", getppid ()); int fd = open (p, 2); "
    "emit (fd < 0);\" ! sum name=refused",
    NULL
  };
  pb_runner *r = worker_runner (texts);
  pb_error err = { PB_OK, "" };
  seen s;

  g_assert_cmpint (pb_runner_wait (r, 20 * SECOND, &err), ==, PB_OK);
  s = look (r, "refused");
  g_assert_cmpstr (s.result, ==, "1");
  seen_clear (&s);
  pb_runner_free (r);
}

static void
test_impossible_answer (void)
{
  /* A stage number the chain does not have: it used to index past the
   * chain's processes here. */
  assert_contained ("if (x == 1000) { pb_io->failed = 1000; goto pb_fail; } emit (x);",
                    "gave an answer no call can give");
}

/* Files are open in the worker that opened them: a new worker takes each
 * up where the last whole call left it, so a file read or written across
 * a worker's death has every byte once. */
static void
test_files_carry_on (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pushback-worker-XXXXXX", &error);
  g_autofree char *in = g_build_filename (dir, "in.txt", NULL);
  g_autofree char *out = g_build_filename (dir, "out.txt", NULL);
  g_autoptr(GString) numbers = g_string_new (NULL);
  g_autofree char *reader = NULL;
  g_autofree char *writer = NULL;
  g_autofree char *written = NULL;
  const char *texts[4];
  pb_runner *r;
  seen total, file_out;
  g_autofree char *message = NULL;
  gsize len;

  g_assert_no_error (error);
  for (int i = 1; i <= 400000; i++)
    g_string_append_printf (numbers, "%d\n", i);
  g_assert_true (g_file_set_contents (in, numbers->str, (gssize) numbers->len, &error));
  reader = g_strdup_printf ("file-in name=reader path=%s ! parse ! sum name=total", in);
  writer = g_strdup_printf ("seq name=numbers to=400000 ! format ! file-out name=writer path=%s",
                            out);
  texts[0] = reader;
  texts[1] = writer;
  /* Kills its worker while the files are half done. */
  texts[2] = "seq name=feed from=1 to=1000000000000 "
             "! c name=bad code=\"if (x == 20000) *(volatile int *) 16 = 1; emit (x);\" "
             "! discard name=drop";
  texts[3] = NULL;
  r = worker_runner (texts);
  message = until_failed (r, "bad");
  g_assert_nonnull (strstr (message, "segmentation fault"));
  total = until_ended (r, "total");
  file_out = until_ended (r, "writer");
  if (total.state != PB_PROCESS_DONE)
    {
      seen rd = look (r, "reader");

      g_error ("total: %s; reader: %s", total.message, rd.message);
    }
  g_assert_cmpstr (total.result, ==, "80000200000");
  g_assert_cmpint (file_out.state, ==, PB_PROCESS_DONE);
  pb_runner_free (r);
  g_assert_true (g_file_get_contents (out, &written, &len, &error));
  g_assert_cmpuint (len, ==, numbers->len);
  g_assert_true (memcmp (written, numbers->str, len) == 0);
  seen_clear (&total);
  seen_clear (&file_out);
  g_remove (in);
  g_remove (out);
  g_rmdir (dir);
}

/* How many processes have this one as their parent. */
static guint
n_children (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *stat = NULL;
      const char *after;
      int ppid = 0;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      /* "pid (comm) state ppid ...": comm may hold spaces and parentheses. */
      after = strrchr (stat, ')');
      if (after != NULL && sscanf (after + 1, " %*c %d", &ppid) == 1 && ppid == getpid ())
        n++;
    }
  return n;
}

/* A program may set workers up before it has threads (the editor does,
 * before GTK's): the zygote is forked then, and this process made
 * undumpable; doing it again, or an engine given a worker, adds none. */
static void
test_prepare (void)
{
  pb_error err = { PB_OK, "" };
  guint before = n_children ();

  g_assert_cmpint (prctl (PR_GET_DUMPABLE), ==, 1);
  g_assert_cmpint (pb_isolation_prepare (&err), ==, PB_OK);
  g_assert_cmpint (prctl (PR_GET_DUMPABLE), ==, 0);
  g_assert_cmpuint (n_children (), ==, before + 1);
  g_assert_cmpint (pb_isolation_prepare (&err), ==, PB_OK);
  g_assert_cmpuint (n_children (), ==, before + 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  alarm (WATCHDOG_S);

  /* First: it sees this process before any worker. */
  g_test_add_func ("/Pushback/Worker/prepare", test_prepare);
  g_test_add_func ("/Pushback/Worker/runs", test_runs);
  g_test_add_func ("/Pushback/Worker/fault", test_fault);
  g_test_add_func ("/Pushback/Worker/exit", test_exit);
  g_test_add_func ("/Pushback/Worker/exit-syscall", test_exit_syscall);
  g_test_add_func ("/Pushback/Worker/fork-syscall", test_fork_syscall);
  g_test_add_func ("/Pushback/Worker/kill-parent", test_kill_parent);
  g_test_add_func ("/Pushback/Worker/stuck-in-malloc", test_stuck_in_malloc);
  g_test_add_func ("/Pushback/Worker/wild-write", test_wild_write);
  g_test_add_func ("/Pushback/Worker/files-carry-on", test_files_carry_on);
  g_test_add_func ("/Pushback/Worker/signals", test_signals);
  g_test_add_func ("/Pushback/Worker/code-read-only", test_code_read_only);
  g_test_add_func ("/Pushback/Worker/async-owner", test_async_owner);
  g_test_add_func ("/Pushback/Worker/hostile-state", test_hostile_state);
  g_test_add_func ("/Pushback/Worker/no-proc-mem", test_no_proc_mem);
  g_test_add_func ("/Pushback/Worker/impossible-answer", test_impossible_answer);
  return g_test_run ();
}
