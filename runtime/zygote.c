/* zygote.c — where worker processes are forked from
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "futex.h"
#include "guard.h"
#include "i18n.h"
#include "shared-mem.h"
#include "zygote.h"

/* The most processes the zygote keeps track of at once: two workers and
 * their standbys per engine, and the compiler's. */
#define MAX_CHILDREN 1024
/* How often an idle zygote looks whether the application lives. */
#define LOOK_NS 500000000L
/* How long a spawn may wait for the zygote. */
#define SPAWN_WAIT_NS (UINT64_C (10) * 1000000000)

typedef struct
{
  _Atomic uint32_t  cmd;
  _Atomic uint32_t  done;
  pb_zygote_main    main;
  void             *data;
  pb_zygote_child  *child;
  int32_t           pid;     /* the answer: the new process, or -errno */
} zygote_control;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static zygote_control *ctl;
static pid_t zygote;
static uint32_t seq;


/* ---- The zygote's side ------------------------------------------------ */

/* Only there to make the zygote's futex wait return (EINTR). */
static void
on_child (int signo)
{
  (void) signo;
}

static _Noreturn void
zygote_main (pid_t app)
{
  static pid_t pids[MAX_CHILDREN];
  static pb_zygote_child *children[MAX_CHILDREN];
  struct timespec look = { 0, LOOK_NS };
  struct sigaction sa;
  uint32_t seen = 0;
  sigset_t mask;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_child;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGCHLD, &sa, NULL);
  sigemptyset (&mask);
  sigaddset (&mask, SIGCHLD);
  pthread_sigmask (SIG_UNBLOCK, &mask, NULL);

  for (;;)
    {
      int status;
      pid_t pid;

      if (atomic_load (&ctl->cmd) == seen)
        pb__futex (&ctl->cmd, FUTEX_WAIT, seen, &look);
      if (getppid () != app)
        _exit (0);

      while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
        for (size_t i = 0; i < MAX_CHILDREN; i++)
          if (pids[i] == pid)
            {
              children[i]->status = status;
              atomic_store (&children[i]->ended, 1);
              pb__futex (&children[i]->ended, FUTEX_WAKE, 1, NULL);
              pids[i] = 0;
              break;
            }

      if (atomic_load (&ctl->cmd) == seen)
        continue;
      seen = atomic_load (&ctl->cmd);
      {
        /* Read before the fork: once answered, the block takes the next
         * request while the child may not have run yet. */
        pb_zygote_main main = ctl->main;
        void *data = ctl->data;
        size_t slot = 0;

        while (slot < MAX_CHILDREN && pids[slot] != 0)
          slot++;
        if (slot == MAX_CHILDREN)
          ctl->pid = -EAGAIN;
        else if ((pid = fork ()) == 0)
          main (data);
        else if (pid < 0)
          ctl->pid = -errno;
        else
          {
            pids[slot] = pid;
            children[slot] = ctl->child;
            ctl->pid = pid;
          }
      }
      atomic_store (&ctl->done, seen);
      pb__futex (&ctl->done, FUTEX_WAKE, 1, NULL);
    }
}

/* ---- The application's side ------------------------------------------ */

static int
nothing (void *data)
{
  (void) data;
  return 0;
}

/* Called with @lock held. */
static int
start_locked (pb_error *err)
{
  pid_t app = getpid ();
  pid_t pid;
  int result;

  if (zygote > 0 && waitpid (zygote, NULL, WNOHANG) == 0)
    return PB_OK;
  zygote = 0;
  if (ctl == NULL)
    ctl = pb__shared_alloc (sizeof *ctl, PB_SHARED_COMPILE);
  if (ctl == NULL)
    return pb_error_set (err, PB_EAGAIN, _("cannot start a worker process: out of shared memory"));
  atomic_store (&ctl->cmd, 0);
  atomic_store (&ctl->done, 0);
  seq = 0;
  /* The guard sets a thread up at its first call, taking locks another
   * thread may hold when we fork: the workers' threads, copies of this
   * one, must find it done. */
  if (pb_guard_call (nothing, NULL, 0, &result, err) != PB_OK)
    return PB_EAGAIN;
  pb__shared_fork_begin ();
  pid = fork ();
  if (pid == 0)
    zygote_main (app);
  pb__shared_fork_end ();
  if (pid < 0)
    return pb_error_set (err, PB_EAGAIN, _("cannot start a worker process: %s"), strerror (errno));
  zygote = pid;
  return PB_OK;
}

int
pb__zygote_start (pb_error *err)
{
  int rc;

  pthread_mutex_lock (&lock);
  rc = start_locked (err);
  pthread_mutex_unlock (&lock);
  return rc;
}

int
pb__zygote_spawn (pb_zygote_main   main,
                  void            *data,
                  pb_zygote_child *child,
                  pid_t           *pid,
                  pb_error        *err)
{
  struct timespec slice = { 0, 2000000 };
  struct timespec start;
  uint32_t mine;
  int rc;

  pthread_mutex_lock (&lock);
  if ((rc = start_locked (err)) != PB_OK)
    goto out;
  atomic_store (&child->ended, 0);
  ctl->main = main;
  ctl->data = data;
  ctl->child = child;
  ctl->pid = 0;
  mine = ++seq;
  atomic_store (&ctl->cmd, mine);
  pb__futex (&ctl->cmd, FUTEX_WAKE, 1, NULL);
  clock_gettime (CLOCK_MONOTONIC, &start);
  while (atomic_load (&ctl->done) != mine)
    {
      struct timespec now;

      pb__futex (&ctl->done, FUTEX_WAIT, mine - 1, &slice);
      clock_gettime (CLOCK_MONOTONIC, &now);
      if ((uint64_t) (now.tv_sec - start.tv_sec) * 1000000000u + (uint64_t) now.tv_nsec
          - (uint64_t) start.tv_nsec > SPAWN_WAIT_NS
          || waitpid (zygote, NULL, WNOHANG) != 0)
        {
          /* Gone or stuck: the next spawn starts another. */
          kill (zygote, SIGKILL);
          waitpid (zygote, NULL, 0);
          zygote = 0;
          rc = pb_error_set (err, PB_EAGAIN, _("cannot start a worker process: %s"),
                             strerror (ECHILD));
          goto out;
        }
    }
  if (ctl->pid < 0)
    rc = pb_error_set (err, PB_EAGAIN, _("cannot start a worker process: %s"),
                       strerror (-ctl->pid));
  else
    *pid = ctl->pid;
out:
  pthread_mutex_unlock (&lock);
  return rc;
}
