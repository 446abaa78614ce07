/* worker.c — a process of its own for the code a topology runs
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * A call is a control block in shared memory: the engine's thread writes
 * the call and bumps `cmd`; the worker, waiting on `cmd`, makes the call
 * under the guard (a fault is then described exactly, as in-process),
 * writes what came out and bumps `done`. Each side spins a little before
 * it sleeps on the futex, since chain calls come back to back, and wakes
 * the other only when it sleeps. Spinning, the two sides hold both CPUs
 * of a small machine, where a woken thread (the window's, the build's)
 * waited for the next scheduler tick, 4 ms, before it ran: past the first
 * microseconds, a spinning side yields its CPU at each turn. The engine's side sleeps in slices, and
 * between two it looks whether the worker died or ran out of time.
 *
 * A worker that faulted answers, then kills itself: a fault may have
 * left the C library's locks held, so it is not trusted with another
 * call.
 */


#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <linux/sockios.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "futex.h"
#include "guard.h"
#include "i18n.h"
#include "shared-mem.h"
#include "worker.h"
#include "zygote.h"

/* How long each side spins before it sleeps: about a short chain call.
 * For the first PAUSE_NS it only pauses; then it yields its CPU at each
 * turn (wait_turn()). */
#define SPIN_NS UINT64_C (30000)
#define PAUSE_NS UINT64_C (3000)
/* How often a waiting engine looks whether its worker still lives. */
#define LOOK_NS UINT64_C (2000000)
/* The longest a state's fini may take (a close that blocks on a FIFO). */
#define FINI_LIMIT_NS (UINT64_C (5) * 1000000000)
/* The first room for a call's arrays; grown as calls need. */
#define AREA_MIN 4096

enum
{
  OP_RUN,
  OP_INIT,
  OP_FINI,
  OP_CALL,
};

typedef struct
{
  _Atomic uint32_t cmd;
  _Atomic uint32_t done;
  _Atomic uint32_t worker_sleeps;
  _Atomic uint32_t engine_sleeps;
  int32_t          op;
  void            *fn;
  void            *state;
  int32_t          result;
  int32_t          faulted;
  uint64_t         ticks;     /* how long the call took, in the worker */
  char             message[PB_ERROR_MESSAGE_MAX];
  pb_chain_io      io;
  pb_chain_io     *io_at;    /* where the worker finds the call's io */
  /* For the zygote (zygote.h): what to start, and how it ended. */
  int32_t          app;      /* the application's pid */
  int32_t          runs_code;
  pb_zygote_child  child;
} control;

typedef struct
{
  pid_t     pid;       /* 0: none */
  control  *ctl;       /* in shared memory */
  uint32_t  seq;
} process;

struct pb__worker
{
  pthread_mutex_t  lock;
  const atomic_bool *restrain; /* see pb__worker_set_restraint() */
  pb_shared_region home;      /* where its control blocks lie */
  bool             runs_code; /* user code: sealed (pb__shared_seal()) */
  process         active;
  process         standby;
  uint64_t        generation;
  size_t          memory_limit; /* bytes a call may add; 0: none */
  unsigned char  *area;      /* shared: a call's arrays */
  size_t          area_size;
};


/* One turn of a spin that began @spun ns ago: a pause while the answer
 * is likely within microseconds, else a yield to whoever waits for the
 * CPU, which returns at once when nobody does. */
static void
wait_turn (uint64_t spun)
{
  if (spun < PAUSE_NS)
    {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause ();
#endif
    }
  else
    sched_yield ();
}

/* ---- The worker's side ------------------------------------------------ */

/* LeakSanitizer ptraces the process at exit, which the filter forbids; a
 * worker never exits normally anyway, but say so. */
extern void __lsan_disable (void) __attribute__ ((weak));

static const char *
syscall_name (int nr)
{
  switch (nr)
    {
    case SYS_fork: return "fork";
    case SYS_vfork: return "vfork";
    case SYS_clone: return "clone";
    case SYS_execve: return "execve";
    case SYS_execveat: return "execveat";
    case SYS_ptrace: return "ptrace";
    case SYS_kill: return "kill";
    case SYS_tgkill: return "tgkill";
    case SYS_exit: return "exit";
    case SYS_exit_group: return "exit";
    case SYS_tkill: return "tkill";
    case SYS_rt_sigqueueinfo: return "sigqueue";
    case SYS_rt_tgsigqueueinfo: return "sigqueue";
    case SYS_pidfd_open: return "pidfd_open";
    case SYS_pidfd_send_signal: return "pidfd_send_signal";
    case SYS_pidfd_getfd: return "pidfd_getfd";
    case SYS_process_vm_readv: return "process_vm_readv";
    case SYS_process_vm_writev: return "process_vm_writev";
    case SYS_io_uring_setup: return "io_uring_setup";
    case SYS_fcntl: return "fcntl";
    case SYS_ioctl: return "ioctl";
    }
  return "syscall";
}

/* A call the filter trapped: the guarded call ends with its name, as one
 * that called a refused function of the C library does. */
static void
on_sigsys (int        signo,
           siginfo_t *info,
           void      *context)
{
  (void) signo;
  (void) context;
  pb__guard_refuse (syscall_name (info->si_syscall));
}

static int
install_filter (pid_t self)
{
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  /* Calls that make, replace, end or reach into processes; and io_uring,
   * whose operations no filter sees. */
  static const int trapped[] = {
    SCMP_SYS (fork), SCMP_SYS (vfork), SCMP_SYS (execve), SCMP_SYS (execveat),
    SCMP_SYS (ptrace), SCMP_SYS (exit), SCMP_SYS (exit_group), SCMP_SYS (tkill),
    SCMP_SYS (pidfd_open), SCMP_SYS (pidfd_send_signal), SCMP_SYS (pidfd_getfd),
    SCMP_SYS (process_vm_readv), SCMP_SYS (process_vm_writev), SCMP_SYS (io_uring_setup),
  };
  int rc = 0;

  if (ctx == NULL)
    return -1;
  for (size_t i = 0; i < sizeof trapped / sizeof *trapped; i++)
    rc |= seccomp_rule_add (ctx, SCMP_ACT_TRAP, trapped[i], 0);
  /* glibc 2.36 makes threads with clone3, whose flags sit behind a
   * pointer a filter cannot read: ENOSYS makes it fall back to clone,
   * which may make threads and nothing else. */
  rc |= seccomp_rule_add (ctx, SCMP_ACT_ERRNO (ENOSYS), SCMP_SYS (clone3), 0);
  rc |= seccomp_rule_add (ctx, SCMP_ACT_TRAP, SCMP_SYS (clone), 1,
                          SCMP_A0 (SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
  /* Nor through the kernel: a descriptor's owner gets SIGIO, or any
   * signal F_SETSIG names, when it becomes ready (O_ASYNC). */
  rc |= seccomp_rule_add (ctx, SCMP_ACT_TRAP, SCMP_SYS (fcntl), 1,
                          SCMP_A1 (SCMP_CMP_EQ, F_SETOWN));
  rc |= seccomp_rule_add (ctx, SCMP_ACT_TRAP, SCMP_SYS (fcntl), 1,
                          SCMP_A1 (SCMP_CMP_EQ, F_SETOWN_EX));
  rc |= seccomp_rule_add (ctx, SCMP_ACT_TRAP, SCMP_SYS (fcntl), 1,
                          SCMP_A1 (SCMP_CMP_EQ, F_SETSIG));
  rc |= seccomp_rule_add (ctx, SCMP_ACT_TRAP, SCMP_SYS (ioctl), 1,
                          SCMP_A1 (SCMP_CMP_EQ, FIOSETOWN));
  rc |= seccomp_rule_add (ctx, SCMP_ACT_TRAP, SCMP_SYS (ioctl), 1,
                          SCMP_A1 (SCMP_CMP_EQ, SIOCSPGRP));
  /* Signals for itself only (raise, the guard's own), none for others. */
  rc |= seccomp_rule_add (ctx, SCMP_ACT_TRAP, SCMP_SYS (kill), 1,
                          SCMP_A0 (SCMP_CMP_NE, (scmp_datum_t) self));
  rc |= seccomp_rule_add (ctx, SCMP_ACT_TRAP, SCMP_SYS (tgkill), 1,
                          SCMP_A0 (SCMP_CMP_NE, (scmp_datum_t) self));
  rc |= seccomp_rule_add (ctx, SCMP_ACT_TRAP, SCMP_SYS (rt_sigqueueinfo), 1,
                          SCMP_A0 (SCMP_CMP_NE, (scmp_datum_t) self));
  rc |= seccomp_rule_add (ctx, SCMP_ACT_TRAP, SCMP_SYS (rt_tgsigqueueinfo), 1,
                          SCMP_A0 (SCMP_CMP_NE, (scmp_datum_t) self));
  if (rc == 0)
    rc = seccomp_load (ctx);
  seccomp_release (ctx);
  return rc;
}

typedef struct
{
  control *ctl;
} call_data;

static int
make_call (void *data)
{
  control *ctl = data;

  switch (ctl->op)
    {
    case OP_RUN:
      return ((pb_chain_run_fn) ctl->fn) (ctl->io_at);
    case OP_INIT:
      return ((pb_state_init_fn) ctl->fn) (ctl->state, ctl->message, sizeof ctl->message);
    case OP_FINI:
      ((pb_state_fini_fn) ctl->fn) (ctl->state);
      return 0;
    case OP_CALL:
      return ((pb_guard_fn) ctl->fn) (ctl->state);
    }
  return 0;
}

static uint32_t
await_command (control  *ctl,
               uint32_t  seen)
{
  uint64_t start = pb_clock_now_ns ();
  uint32_t cmd;

  while ((cmd = atomic_load (&ctl->cmd)) == seen)
    {
      uint64_t spun = pb_clock_now_ns () - start;

      if (spun < SPIN_NS)
        {
          wait_turn (spun);
          continue;
        }
      atomic_store (&ctl->worker_sleeps, 1);
      if (atomic_load (&ctl->cmd) == seen)
        pb__futex (&ctl->cmd, FUTEX_WAIT, seen, NULL);
      atomic_store (&ctl->worker_sleeps, 0);
    }
  return cmd;
}

/* A thread of the worker that ends it when the application ends, even
 * while the worker is inside a call that never returns. */
static void *
watch_app (void *data)
{
  struct pollfd fd = { (int) (intptr_t) data, POLLIN, 0 };

  while (poll (&fd, 1, -1) < 0 && errno == EINTR)
    ;
  kill (getpid (), SIGKILL);
  return NULL;
}

/* Ends the worker unless the application lives, and watches it from a
 * thread of its own (a pidfd becomes readable when the process ends): a
 * worker is the zygote's child, not the application's. */
static void
tie_to_app (pid_t app)
{
  int fd = (int) syscall (SYS_pidfd_open, app, 0);
  sigset_t all, old;
  pthread_t thread;

  if (fd < 0)
    kill (getpid (), SIGKILL);
  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  if (pthread_create (&thread, NULL, watch_app, (void *) (intptr_t) fd) != 0)
    kill (getpid (), SIGKILL);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
}

/* A worker keeps no capability (as root, it would have CAP_SYS_PTRACE,
 * and with it the application's memory through /proc). */
static void
drop_capabilities (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];

  memset (data, 0, sizeof data);
  if (syscall (SYS_capset, &header, data) != 0)
    kill (getpid (), SIGKILL);
}

/* A worker's life, in a process the zygote forked (zygote.h). */
static void
worker_main (void *data)
{
  control *ctl = data;
  bool runs_code = ctl->runs_code;
  struct sigaction sa;
  /* Not read from @ctl: the first command may already be there. */
  uint32_t seen = 0;
  pid_t self = getpid ();

  if (__lsan_disable != NULL)
    __lsan_disable ();
  if (runs_code && pb__shared_seal () != 0)
    kill (self, SIGKILL);
  /* Nothing of the application's open files: a state's stale descriptor
   * must not reach its display connection. */
  close_range (3, ~0u, 0);
  tie_to_app (ctl->app);
  drop_capabilities ();

  memset (&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGSYS, &sa, NULL);
  if (install_filter (self) != 0)
    kill (self, SIGKILL);

  for (;;)
    {
      pb_error err;
      int result = 0;
      uint64_t t0;
      bool faulted;

      seen = await_command (ctl, seen);
      pb__shared_sync ();
      ctl->message[0] = '\0';
      t0 = pb_clock_ticks ();
      faulted = pb_guard_call (make_call, ctl, 0, &result, &err) != PB_OK;
      ctl->ticks = pb_clock_ticks () - t0;
      /* What the call printed is out before it answers: a worker is
       * killed, never flushed at exit. */
      if (!faulted)
        {
          fflush (stdout);
          fflush (stderr);
        }
      ctl->result = result;
      ctl->faulted = faulted;
      if (faulted)
        snprintf (ctl->message, sizeof ctl->message, "%s", err.message);
      atomic_store (&ctl->done, seen);
      if (atomic_load (&ctl->engine_sleeps))
        pb__futex (&ctl->done, FUTEX_WAKE, 1, NULL);
      if (faulted)
        kill (self, SIGKILL);
    }
}

/* ---- The engine's side ------------------------------------------------ */

/* Kills @p's process and waits, a second at most, for the zygote to
 * have reaped it. */
static void
process_kill (process *p)
{
  struct timespec slice = { 0, 10000000 };

  if (p->pid <= 0)
    return;
  kill (p->pid, SIGKILL);
  for (int i = 0; i < 100 && !atomic_load (&p->ctl->child.ended); i++)
    pb__futex (&p->ctl->child.ended, FUTEX_WAIT, 0, &slice);
  p->pid = 0;
}

static bool
process_ended (const process *p)
{
  return atomic_load (&p->ctl->child.ended) != 0;
}

static int
process_spawn (process          *p,
               pb_shared_region  home,
               bool              runs_code,
               pb_error         *err)
{
  pid_t pid;
  int rc;

  if (p->ctl == NULL)
    p->ctl = pb__shared_alloc (sizeof *p->ctl, home);
  if (p->ctl == NULL)
    return pb_error_set (err, PB_EAGAIN, _("cannot start a worker process: out of shared memory"));
  atomic_store (&p->ctl->cmd, 0);
  atomic_store (&p->ctl->done, 0);
  p->seq = 0;
  p->ctl->app = getpid ();
  p->ctl->runs_code = runs_code;
  if ((rc = pb__zygote_spawn (worker_main, p->ctl, &p->ctl->child, &pid, err)) != PB_OK)
    return rc;
  p->pid = pid;
  return PB_OK;
}

/* LeakSanitizer traces the process at exit, which a process that is not
 * dumpable refuses without CAP_SYS_PTRACE. */
static void
dumpable_again (void)
{
  prctl (PR_SET_DUMPABLE, 1);
}

static void
make_undumpable (void)
{
  prctl (PR_SET_DUMPABLE, 0);
  atexit (dumpable_again);
}

int
pb__worker_prepare (pb_error *err)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  int rc = pb__shared_init (err);

  if (rc != PB_OK)
    return rc;
  /* A worker's code could otherwise write into this process through
   * /proc/PID/mem, as its owner may. */
  pthread_once (&once, make_undumpable);
  /* Forked now, on the thread that sets the engine up, before the
   * engine's own threads start, unless the program did it earlier. */
  return pb__zygote_start (err);
}

int
pb__worker_new (pb__worker       **w,
                pb_shared_region   home,
                bool               runs_code,
                pb_error          *err)
{
  int rc = pb__worker_prepare (err);

  *w = NULL;
  if (rc != PB_OK)
    return rc;
  *w = calloc (1, sizeof **w);
  if (*w == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  pthread_mutex_init (&(*w)->lock, NULL);
  (*w)->generation = 1;
  (*w)->home = home;
  (*w)->runs_code = runs_code;
  return PB_OK;
}

void
pb__worker_set_restraint (pb__worker        *w,
                          const atomic_bool *restrain)
{
  w->restrain = restrain;
}

void
pb__worker_free (pb__worker *w)
{
  if (w == NULL)
    return;
  process_kill (&w->active);
  process_kill (&w->standby);
  pb__shared_free (w->active.ctl, sizeof *w->active.ctl, w->home);
  pb__shared_free (w->standby.ctl, sizeof *w->standby.ctl, w->home);
  pb__shared_free (w->area, w->area_size, w->home);
  pthread_mutex_destroy (&w->lock);
  free (w);
}

void
pb__worker_set_memory_limit (pb__worker *w,
                             size_t      bytes)
{
  pthread_mutex_lock (&w->lock);
  w->memory_limit = bytes;
  pthread_mutex_unlock (&w->lock);
}

uint64_t
pb__worker_generation (const pb__worker *w)
{
  return w->generation;
}

/* A live worker to call, forking one (and its standby) if need be. */
static int
ready (pb__worker *w,
       pb_error   *err)
{
  int rc;

  /* A standby may have died waiting (the system killed it): its first
   * call must not fail in its place. */
  if (w->active.pid == 0 && w->standby.pid != 0 && process_ended (&w->standby))
    w->standby.pid = 0;
  if (w->active.pid == 0)
    {
      if (w->standby.pid != 0)
        {
          process spare = w->active;

          w->active = w->standby;
          w->standby = spare;
          w->standby.pid = 0;
        }
      else if ((rc = process_spawn (&w->active, w->home, w->runs_code, err)) != PB_OK)
        return rc;
    }
  /* Without a standby the next recovery forks one: slower, not worse. */
  if (w->standby.pid == 0)
    process_spawn (&w->standby, w->home, w->runs_code, NULL);
  return PB_OK;
}

/* The worker died or was killed: the next call goes to the standby. */
static void
lose_active (pb__worker *w)
{
  process_kill (&w->active);
  w->generation++;
}

/* How much of @pid's memory is resident, in bytes. A fork starts with
 * as much as its parent had: a call's own is what it adds. */
static bool
resident_now (pid_t   pid,
              size_t *bytes)
{
  char path[64];
  unsigned long size, resident;
  FILE *f;
  bool ok;

  snprintf (path, sizeof path, "/proc/%d/statm", (int) pid);
  f = fopen (path, "re");
  if (f == NULL)
    return false;
  ok = fscanf (f, "%lu %lu", &size, &resident) == 2;
  fclose (f);
  *bytes = (size_t) resident * (size_t) sysconf (_SC_PAGESIZE);
  return ok;
}

static int
describe_death (int       status,
                pb_error *err)
{
  struct sigaction pipe_action;

  /* A write to a closed pipe would have ended this process without a
   * worker: so it does, quietly, as `seq | head -1` ends. An application
   * that ignores SIGPIPE gets the failure instead. */
  if (WIFSIGNALED (status) && WTERMSIG (status) == SIGPIPE
      && sigaction (SIGPIPE, NULL, &pipe_action) == 0 && pipe_action.sa_handler == SIG_DFL)
    raise (SIGPIPE);
  if (WIFSIGNALED (status))
    return pb_error_set (err, PB_EFAILED, _("its worker process died (%s)"),
                         strsignal (WTERMSIG (status)));
  return pb_error_set (err, PB_EFAILED, _("its worker process ended (exit status %d)"),
                       WIFEXITED (status) ? WEXITSTATUS (status) : -1);
}

/* Posts the call written in the active worker's block, and waits for
 * its answer, its death or its time limit. */
static int
call (pb__worker *w,
      uint64_t    limit_ns,
      int        *result,
      pb_error   *err)
{
  process *p = &w->active;
  control *ctl = p->ctl;
  uint64_t start = pb_clock_now_ns ();
  uint64_t deadline = limit_ns > 0 ? start + limit_ns : UINT64_MAX;
  uint32_t seq = ++p->seq;
  size_t resident = 0, base_resident = 0;
  int status;

  atomic_store (&ctl->cmd, seq);
  if (atomic_load (&ctl->worker_sleeps))
    pb__futex (&ctl->cmd, FUTEX_WAKE, 1, NULL);

  while (atomic_load (&ctl->done) != seq)
    {
      uint64_t now = pb_clock_now_ns ();
      uint64_t slice;
      struct timespec ts;

      if (now - start < SPIN_NS
          && (w->restrain == NULL || !atomic_load_explicit (w->restrain, memory_order_relaxed)))
        {
          wait_turn (now - start);
          continue;
        }
      if (now >= deadline)
        {
          lose_active (w);
          if (limit_ns % 1000000 == 0)
            return pb_error_set (err, PB_EFAILED, _("ran for longer than %llu ms"),
                                 (unsigned long long) (limit_ns / 1000000));
          return pb_error_set (err, PB_EFAILED, _("ran for longer than %.3f ms"),
                               (double) limit_ns / 1e6);
        }
      if (w->memory_limit > 0 && resident_now (p->pid, &resident))
        {
          if (base_resident == 0)
            base_resident = resident;
          else if (resident > base_resident + w->memory_limit)
            {
              lose_active (w);
              return pb_error_set (err, PB_EFAILED, _("used more than %zu MB of memory"),
                                   w->memory_limit >> 20);
            }
        }
      if (process_ended (p))
        {
          status = p->ctl->child.status;
          p->pid = 0;
          w->generation++;
          /* It may have answered just before it died. */
          if (atomic_load (&ctl->done) == seq)
            break;
          return describe_death (status, err);
        }
      slice = deadline - now < LOOK_NS ? deadline - now : LOOK_NS;
      ts = (struct timespec) { 0, (long) slice };
      atomic_store (&ctl->engine_sleeps, 1);
      if (atomic_load (&ctl->done) != seq)
        pb__futex (&ctl->done, FUTEX_WAIT, seq - 1, &ts);
      atomic_store (&ctl->engine_sleeps, 0);
    }

  *result = ctl->result;
  if (ctl->faulted)
    {
      /* It kills itself after a fault: reap it now. */
      lose_active (w);
      return pb_error_set (err, PB_EFAILED, "%s", ctl->message);
    }
  return PB_OK;
}

/* Room in the shared area for @bytes of a call's arrays. */
static bool
area_fit (pb__worker *w,
          size_t      bytes)
{
  size_t size = w->area_size ? w->area_size : AREA_MIN;

  if (bytes <= w->area_size)
    return true;
  while (size < bytes)
    size *= 2;
  pb__shared_free (w->area, w->area_size, w->home);
  w->area = pb__shared_alloc (size, w->home);
  w->area_size = w->area != NULL ? size : 0;
  return w->area != NULL;
}

/*
 * The worker runs user code, which may write anything into the shared
 * memory it sees: the io it answers with included, and at any time, from
 * a thread of its own. So the answer is read once, from the places this
 * side laid out, and checked: a stage that failed is one of the chain's,
 * the items taken are no more than admitted, and a ring moved no further
 * than it holds. Anything else is a worker that cannot be trusted: it
 * goes, and the call fails.
 */
static bool
answer_sane (const pb_chain_io       *sent,
             const pb_chain_io       *got,
             const pb_ring_io        *outs_before,
             const pb_ring_io        *outs_after,
             const pb__worker_shape  *shape)
{
  if (got->failed < -1 || got->failed >= (int64_t) shape->n_stages)
    return false;
  if (got->consumed < 0 || got->consumed > (sent->room > 0 ? sent->room : 0))
    return false;
  for (size_t j = 0; j < shape->n_outs; j++)
    if (outs_after[j].pos - outs_before[j].pos > outs_before[j].mask + 1)
      return false;
  return true;
}

int
pb__worker_run (pb__worker             *w,
                pb_chain_run_fn         fn,
                pb_chain_io            *io,
                const pb__worker_shape *shape,
                uint64_t                limit_ns,
                int                    *result,
                uint64_t               *ticks,
                pb_error               *err)
{
  size_t out_bytes = (shape->n_outs + 1) * sizeof *io->out;
  size_t stage_bytes = shape->n_stages * sizeof (uint64_t);
  size_t count_bytes = shape->n_counts * sizeof *io->counts;
  size_t probe_bytes = shape->n_probe_words * sizeof *io->probes;
  size_t error_bytes = io->error_size;
  size_t need = out_bytes + 3 * stage_bytes + count_bytes + probe_bytes + error_bytes;
  pb_chain_io *copy, laid, got;
  pb_ring_io few[8];
  pb_ring_io *before = out_bytes <= sizeof few ? few : NULL;
  unsigned char *at;
  int rc;

  pthread_mutex_lock (&w->lock);
  if ((rc = ready (w, err)) != PB_OK)
    goto out;
  /* The rings' positions going in; most chains have few outputs. */
  if (before == NULL)
    before = malloc (out_bytes);
  if (before == NULL || !area_fit (w, need))
    {
      rc = pb_error_set (err, PB_EAGAIN, _("cannot start a worker process: out of shared memory"));
      goto out;
    }
  memcpy (before, io->out, out_bytes);

  /* The io, its arrays after it in the area: @laid keeps where. */
  laid = *io;
  at = w->area;
  laid.out = memcpy (at, io->out, out_bytes), at += out_bytes;
  laid.state = memcpy (at, io->state, stage_bytes), at += stage_bytes;
  laid.ticks = memcpy (at, io->ticks, stage_bytes), at += stage_bytes;
  laid.marks = memcpy (at, io->marks, stage_bytes), at += stage_bytes;
  laid.counts = memcpy (at, io->counts, count_bytes), at += count_bytes;
  laid.probes = memcpy (at, io->probes, probe_bytes), at += probe_bytes;
  laid.error = (char *) at;
  laid.error[0] = '\0';
  copy = &w->active.ctl->io;
  *copy = laid;
  w->active.ctl->op = OP_RUN;
  w->active.ctl->fn = (void *) fn;
  w->active.ctl->io_at = copy;

  rc = call (w, limit_ns, result, err);
  if (rc != PB_OK)
    goto out;
  *ticks = w->active.ctl->ticks;

  /* Read once, then only the copies are looked at. */
  got = *copy;
  memcpy (io->out, laid.out, out_bytes);
  memcpy (io->ticks, laid.ticks, stage_bytes);
  memcpy (io->marks, laid.marks, stage_bytes);
  memcpy (io->counts, laid.counts, count_bytes);
  memcpy (io->probes, laid.probes, probe_bytes);
  memcpy (io->error, laid.error, error_bytes);
  io->error[error_bytes - 1] = '\0';
  if (!answer_sane (&laid, &got, before, io->out, shape))
    {
      memcpy (io->out, before, out_bytes);
      lose_active (w);
      rc = pb_error_set (err, PB_EFAILED, _("its worker process gave an answer no call can give"));
      goto out;
    }
  io->consumed = got.consumed;
  io->done = got.done;
  io->wake_ns = got.wake_ns;
  io->wait_fd = got.wait_fd;
  io->failed = got.failed;
  io->sample_gap = got.sample_gap;
  io->sample_rng = got.sample_rng;
out:
  if (before != few)
    free (before);
  pthread_mutex_unlock (&w->lock);
  return rc;
}

/* A call of @op, with @fn and @data, in a live worker. */
static int
simple_call (pb__worker *w,
             int         op,
             void       *fn,
             void       *data,
             uint64_t    limit_ns,
             int        *result,
             pb_error   *err)
{
  int rc = ready (w, err);

  if (rc != PB_OK)
    return rc;
  w->active.ctl->op = op;
  w->active.ctl->fn = fn;
  w->active.ctl->state = data;
  return call (w, limit_ns, result, err);
}

int
pb__worker_init (pb__worker       *w,
                 pb_state_init_fn  fn,
                 void             *state,
                 char             *error,
                 size_t            error_size,
                 uint64_t          limit_ns,
                 int              *result,
                 pb_error         *err)
{
  int rc;

  pthread_mutex_lock (&w->lock);
  rc = simple_call (w, OP_INIT, (void *) fn, state, limit_ns, result, err);
  if (rc == PB_OK && error_size > 0)
    snprintf (error, error_size, "%s", w->active.ctl->message);
  pthread_mutex_unlock (&w->lock);
  return rc;
}

int
pb__worker_call (pb__worker  *w,
                 pb_guard_fn  fn,
                 void        *data,
                 uint64_t     limit_ns,
                 int         *result,
                 pb_error    *err)
{
  int rc;

  pthread_mutex_lock (&w->lock);
  rc = simple_call (w, OP_CALL, (void *) fn, data, limit_ns, result, err);
  pthread_mutex_unlock (&w->lock);
  return rc;
}

void
pb__worker_fini (pb__worker       *w,
                 uint64_t          made_in,
                 pb_state_fini_fn  fn,
                 void             *state)
{
  int result;

  pthread_mutex_lock (&w->lock);
  if (made_in == w->generation && w->active.pid != 0)
    simple_call (w, OP_FINI, (void *) fn, state, FINI_LIMIT_NS, &result, NULL);
  pthread_mutex_unlock (&w->lock);
}
