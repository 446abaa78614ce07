/* guard.c — running untrusted compiled code without losing the process
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * A guarded call is a sigsetjmp() on the calling thread; the signal
 * handler, seeing that the fault (or the watchdog's signal) arrived while
 * that thread was inside a guarded call, siglongjmps back to it. Anything
 * else goes to the handler that was there before ours, so ASan's reports
 * and the default core dump still happen for faults outside guarded code.
 *
 * The engine guards every chain call, so a call must cost next to nothing:
 * it makes no system call. sigsetjmp() does not save the signal mask (the
 * fault path restores it instead), and the time limit is a deadline in
 * memory that one watchdog thread checks, signalling only a thread whose
 * call has run past it. The watchdog sleeps on a condition variable while
 * no guarded call is running.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "guard.h"
#include "i18n.h"

/* Our handler needs little, but a handler we chain to for a fault outside
 * guarded code (a crash reporter) runs on the same stack and may need more. */
#define ALT_STACK_BYTES (64 * 1024)

/* GLib and GTK use no real-time signal; libraries that do tend to take
 * SIGRTMIN itself, so we keep clear of the first few. */
#define TIMER_SIGNAL_OFFSET 4

/* How often the watchdog looks, as a fraction of the shortest limit, and
 * within what bounds: a time-out is noticed at most this late. */
#define WATCH_FRACTION 10
#define WATCH_MIN_NS   UINT64_C (1000000)
#define WATCH_MAX_NS   UINT64_C (100000000)
/* Empty looks before the watchdog sleeps until the next guarded call. */
#define WATCH_IDLE_LOOKS 4

enum
{
  SLOT_SEGV,
  SLOT_BUS,
  SLOT_FPE,
  SLOT_ILL,
  SLOT_TIMER,
  N_SLOTS
};

typedef struct guard_state guard_state;

struct guard_state
{
  sigjmp_buf            jump;
  volatile sig_atomic_t inside;    /* running a guarded call's fn */
  int                   ready;     /* registered, signal stack set up */
  void                 *alt_stack; /* ours; NULL if the thread had one */
  pthread_t             thread;
  /* When the current call must end, in clock ticks; 0: no limit.
   * Written by the thread, read by the watchdog and the handler. */
  _Atomic uint64_t      deadline;
  guard_state          *next;      /* in the watchdog's list */

  /* What ended the call, written by the handler before it jumps:
   * a signal, or (signo 0) the name of a function refused. */
  const char           *refused;
  int                   signo;
  int                   code;
  void                 *address;
};

/* initial-exec: the handler reads this, and the general TLS model may
 * allocate on first access, which a signal handler must not do. The runtime
 * is linked into executables only, where initial-exec always holds. */
static _Thread_local guard_state thread_guard __attribute__ ((tls_model ("initial-exec")));

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int signals[N_SLOTS];
static sigset_t guard_signals;

/* The watchdog: every thread that made a guarded call, and how often to
 * look at their deadlines. */
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t watch_wake = PTHREAD_COND_INITIALIZER;
static guard_state *watched;
static _Atomic uint64_t watch_period = WATCH_MAX_NS;
static atomic_bool watch_sleeping;
static bool watch_started;
static bool watch_running;
static struct sigaction previous[N_SLOTS];
static pthread_key_t release_key;
static int install_failed;

/* The slot of a signal on_signal() handles. */
static int
slot_of (int signo)
{
  int i;

  for (i = 0; i < SLOT_TIMER; i++)
    if (signals[i] == signo)
      return i;
  return SLOT_TIMER;
}

static void
chain (int        signo,
       siginfo_t *info,
       void      *context)
{
  const struct sigaction *prev = &previous[slot_of (signo)];
  struct sigaction dfl;

  if (prev->sa_flags & SA_SIGINFO)
    prev->sa_sigaction (signo, info, context);
  else if (prev->sa_handler == SIG_IGN && info->si_code <= 0)
    return;
  else if (prev->sa_handler == SIG_DFL || prev->sa_handler == SIG_IGN)
    {
      /* Die of the signal as if we had never been installed (the kernel
       * does not let a process ignore a fault it raised either): raised
       * now, it stays pending until the handler returns. */
      memset (&dfl, 0, sizeof dfl);
      dfl.sa_handler = SIG_DFL;
      sigaction (signo, &dfl, NULL);
      raise (signo);
    }
  else
    prev->sa_handler (signo);
}

/* Deadlines are in time-stamp counter ticks: a call reads the counter in
 * a few nanoseconds where clock_gettime() costs tens, and the counter runs
 * at one rate on every CPU, so the watchdog may compare it from its own.
 * Reading it is async-signal-safe. */
static uint64_t
now_ticks (void)
{
  return pb_clock_ticks ();
}

static void
on_signal (int        signo,
           siginfo_t *info,
           void      *context)
{
  guard_state *st = &thread_guard;
  int from_timer = signo == signals[SLOT_TIMER];
  int ours;

  /* Only what the guarded code causes counts: a fault the kernel raised on
   * one of its instructions (si_code > 0; kill() and sigqueue() give
   * <= 0), or the watchdog's signal while this thread's deadline has
   * passed. A signal the watchdog sent just as a call ended finds no
   * deadline, or the later one of the next call, and is dropped. */
  if (from_timer)
    {
      uint64_t deadline = atomic_load (&st->deadline);

      ours = info->si_code == SI_TKILL;
      if (ours && (deadline == 0 || now_ticks () < deadline))
        return;
    }
  else
    ours = info->si_code > 0;

  if (ours && st->inside)
    {
      /* Cleared first, so that the timer expiring while we leave is taken
       * for a late signal below instead of jumping a second time. */
      st->inside = 0;
      st->signo = signo;
      st->code = info->si_code;
      st->address = info->si_addr;
      siglongjmp (st->jump, 1);
    }

  /* The watchdog's signal, arriving after the call ended: nothing left
   * to stop. */
  if (ours && from_timer)
    return;

  chain (signo, info, context);
}

static void
drop_alt_stack (guard_state *st)
{
  stack_t off;

  if (st->alt_stack == NULL)
    return;
  memset (&off, 0, sizeof off);
  off.ss_flags = SS_DISABLE;
  sigaltstack (&off, NULL);
  munmap (st->alt_stack, ALT_STACK_BYTES);
  st->alt_stack = NULL;
}

static void
release_thread (void *data)
{
  guard_state *st = data;

  pthread_mutex_lock (&watch_lock);
  for (guard_state **p = &watched; *p != NULL; p = &(*p)->next)
    if (*p == st)
      {
        *p = st->next;
        break;
      }
  pthread_mutex_unlock (&watch_lock);
  drop_alt_stack (st);
  st->ready = 0;
}

/* Signals each thread whose guarded call has run past its deadline; sleeps
 * until the next guarded call when none has been running for a while. */
static void *
watch (void *data)
{
  unsigned idle = 0;

  /* Started: prepare_thread() waits for this, so that a fork made right
   * after a thread's first guarded call (a worker's) finds this thread
   * done with its start, and whatever locks that takes, released. */
  pthread_mutex_lock (&watch_lock);
  watch_running = true;
  pthread_cond_broadcast (&watch_wake);
  pthread_mutex_unlock (&watch_lock);

  for (;;)
    {
      uint64_t period = atomic_load (&watch_period);
      struct timespec pause = { (time_t) (period / 1000000000), (long) (period % 1000000000) };
      uint64_t now;
      bool busy = false;

      nanosleep (&pause, NULL);
      now = now_ticks ();
      pthread_mutex_lock (&watch_lock);
      for (guard_state *st = watched; st != NULL; st = st->next)
        {
          uint64_t deadline = atomic_load (&st->deadline);

          if (deadline == 0)
            continue;
          busy = true;
          if (now >= deadline)
            pthread_kill (st->thread, signals[SLOT_TIMER]);
        }
      idle = busy ? 0 : idle + 1;
      if (idle >= WATCH_IDLE_LOOKS)
        {
          /* Announce the sleep, then look once more: a call that set its
           * deadline before the announcement is seen here, and one after it
           * sees the announcement and wakes us (both sides are seq_cst). */
          atomic_store (&watch_sleeping, true);
          busy = false;
          for (guard_state *st = watched; st != NULL; st = st->next)
            busy |= atomic_load (&st->deadline) != 0;
          while (!busy && atomic_load (&watch_sleeping))
            pthread_cond_wait (&watch_wake, &watch_lock);
          atomic_store (&watch_sleeping, false);
          idle = 0;
        }
      pthread_mutex_unlock (&watch_lock);
    }
  return data;
}

/* At the first guarded call, not at start-up: our handlers must be
 * installed after ASan's (which it installs before main) to see faults
 * first and pass the others on. */
static void
install (void)
{
  struct sigaction sa;
  int i;

  signals[SLOT_SEGV] = SIGSEGV;
  signals[SLOT_BUS] = SIGBUS;
  signals[SLOT_FPE] = SIGFPE;
  signals[SLOT_ILL] = SIGILL;
  signals[SLOT_TIMER] = SIGRTMIN + TIMER_SIGNAL_OFFSET;

  if (pthread_key_create (&release_key, release_thread) != 0)
    {
      install_failed = 1;
      return;
    }

  sigemptyset (&guard_signals);
  for (i = 0; i < N_SLOTS; i++)
    sigaddset (&guard_signals, signals[i]);

  memset (&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  /* SA_ONSTACK: a stack overflow leaves no room to run the handler on the
   * thread's own stack. The guard's signals are blocked while one is
   * handled, so that a fault and the timer never interleave. */
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset (&sa.sa_mask);
  for (i = 0; i < N_SLOTS; i++)
    sigaddset (&sa.sa_mask, signals[i]);
  for (i = 0; i < N_SLOTS; i++)
    sigaction (signals[i], &sa, &previous[i]);
}

static int
prepare_thread (guard_state *st,
                pb_error    *err)
{
  stack_t ss;

  /* A thread that already has an alternate stack (ASan gives every thread
   * one) keeps it. */
  sigaltstack (NULL, &ss);
  if (ss.ss_flags & SS_DISABLE)
    {
      st->alt_stack = mmap (NULL, ALT_STACK_BYTES, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
      if (st->alt_stack == MAP_FAILED)
        {
          st->alt_stack = NULL;
          return pb_error_set (err, PB_ENOMEM, _("cannot allocate a signal stack"));
        }
      memset (&ss, 0, sizeof ss);
      ss.ss_sp = st->alt_stack;
      ss.ss_size = ALT_STACK_BYTES;
      sigaltstack (&ss, NULL);
    }

  pthread_mutex_lock (&watch_lock);
  if (!watch_started)
    {
      pthread_t watcher;
      pthread_attr_t attr;
      sigset_t all, old;
      int rc;

      /* The watchdog must never take a guard signal itself. */
      sigfillset (&all);
      pthread_sigmask (SIG_SETMASK, &all, &old);
      pthread_attr_init (&attr);
      pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
      rc = pthread_create (&watcher, &attr, watch, NULL);
      pthread_attr_destroy (&attr);
      pthread_sigmask (SIG_SETMASK, &old, NULL);
      if (rc != 0)
        {
          pthread_mutex_unlock (&watch_lock);
          drop_alt_stack (st);
          return pb_error_set (err, PB_ENOMEM, _("cannot start the time-limit watchdog"));
        }
      watch_started = true;
      while (!watch_running)
        pthread_cond_wait (&watch_wake, &watch_lock);
    }
  st->thread = pthread_self ();
  st->next = watched;
  watched = st;
  pthread_mutex_unlock (&watch_lock);

  /* A fault whose signal is blocked kills the process, and a blocked
   * watchdog signal stops nothing. Threads may start with every signal
   * blocked (GLib's worker threads do), so the guard's signals are
   * unblocked here, once, and again after each fault. */
  pthread_sigmask (SIG_UNBLOCK, &guard_signals, NULL);

  pthread_setspecific (release_key, st);
  st->ready = 1;
  return PB_OK;
}

static const char *
arithmetic_fault (int code)
{
  switch (code)
    {
    /* x86 reports INT_MIN / -1 as a division by zero too. */
    case FPE_INTDIV: return _("integer division by zero");
    case FPE_INTOVF: return _("integer overflow");
    case FPE_FLTDIV: return _("floating-point division by zero");
    case FPE_FLTOVF: return _("floating-point overflow");
    case FPE_FLTUND: return _("floating-point underflow");
    case FPE_FLTRES: return _("inexact floating-point result");
    case FPE_FLTINV: return _("invalid floating-point operation");
    case FPE_FLTSUB: return _("subscript out of range");
    }
  return _("unknown cause");
}

static int
describe (const guard_state *st,
          uint64_t           limit_ns,
          pb_error          *err)
{
  /* An address as unsigned long, which on Linux is as wide as a pointer:
   * the <inttypes.h> macros would make awkward messages to translate. */
  unsigned long at = (unsigned long) (uintptr_t) st->address;

  if (st->signo == 0 && st->refused != NULL)
    {
      if (strcmp (st->refused, "fork") == 0 || strcmp (st->refused, "vfork") == 0
          || strcmp (st->refused, "clone") == 0 || strcmp (st->refused, "daemon") == 0)
        return pb_error_set (err, PB_EFAILED,
                             _("called %s(), which would copy the whole application"),
                             st->refused);
      if (strncmp (st->refused, "exec", 4) == 0 || strcmp (st->refused, "system") == 0
          || strcmp (st->refused, "popen") == 0 || strncmp (st->refused, "posix_spawn", 11) == 0)
        return pb_error_set (err, PB_EFAILED,
                             _("called %s(), which would run another program"), st->refused);
      if (strcmp (st->refused, "ptrace") == 0 || strcmp (st->refused, "kill") == 0
          || strcmp (st->refused, "tgkill") == 0 || strcmp (st->refused, "tkill") == 0
          || strcmp (st->refused, "sigqueue") == 0 || strncmp (st->refused, "pidfd_", 6) == 0
          || strncmp (st->refused, "process_vm_", 11) == 0
          || strcmp (st->refused, "fcntl") == 0 || strcmp (st->refused, "ioctl") == 0)
        return pb_error_set (err, PB_EFAILED,
                             _("called %s(), which would reach into another program"),
                             st->refused);
      if (strcmp (st->refused, "signal") == 0 || strcmp (st->refused, "sigaction") == 0)
        return pb_error_set (err, PB_EFAILED,
                             _("called %s(), which would take the application's signals"),
                             st->refused);
      if (strcmp (st->refused, "exit") != 0 && strcmp (st->refused, "_exit") != 0
          && strcmp (st->refused, "_Exit") != 0 && strcmp (st->refused, "quick_exit") != 0
          && strcmp (st->refused, "abort") != 0 && strcmp (st->refused, "pthread_exit") != 0
          && strcmp (st->refused, "raise") != 0)
        return pb_error_set (err, PB_EFAILED, _("called %s(), which a process may not call"),
                             st->refused);
      return pb_error_set (err, PB_EFAILED,
                           _("called %s(), which would end the whole application"), st->refused);
    }

  switch (st->signo)
    {
    case SIGSEGV:
      /* SI_KERNEL: a general protection fault (a non-canonical address),
       * for which the kernel gives no address. */
      if (st->code == SI_KERNEL)
        return pb_error_set (err, PB_EFAILED, _("segmentation fault (invalid memory access)"));
      return pb_error_set (err, PB_EFAILED,
                           _("segmentation fault (invalid memory access at 0x%lx)"), at);
    case SIGBUS:
      return pb_error_set (err, PB_EFAILED,
                           _("bus error (invalid memory access at 0x%lx)"), at);
    case SIGILL:
      return pb_error_set (err, PB_EFAILED, _("illegal instruction (at 0x%lx)"), at);
    case SIGFPE:
      return pb_error_set (err, PB_EFAILED, _("arithmetic fault (%s)"),
                           arithmetic_fault (st->code));
    }

  if (limit_ns % 1000000 == 0)
    return pb_error_set (err, PB_EFAILED, _("ran for longer than %llu ms"),
                         (unsigned long long) (limit_ns / 1000000));
  return pb_error_set (err, PB_EFAILED, _("ran for longer than %.3f ms"),
                       (double) limit_ns / 1e6);
}

/* Makes the watchdog look at least every WATCH_FRACTION-th of @limit_ns,
 * and wakes it if it sleeps. */
static void
watch_deadline (uint64_t limit_ns)
{
  uint64_t period = limit_ns / WATCH_FRACTION;
  uint64_t current = atomic_load (&watch_period);

  if (period < WATCH_MIN_NS)
    period = WATCH_MIN_NS;
  while (period < current
         && !atomic_compare_exchange_weak (&watch_period, &current, period))
    ;
  if (atomic_load (&watch_sleeping))
    {
      pthread_mutex_lock (&watch_lock);
      atomic_store (&watch_sleeping, false);
      pthread_cond_signal (&watch_wake);
      pthread_mutex_unlock (&watch_lock);
    }
}

int
pb_guard_call (pb_guard_fn  fn,
               void        *data,
               uint64_t     limit_ns,
               int         *result,
               pb_error    *err)
{
  guard_state *st = &thread_guard;
  int value;
  int rc;

  pthread_once (&install_once, install);
  if (install_failed)
    return pb_error_set (err, PB_ENOMEM, _("cannot set up the guard (no thread key left)"));
  if (st->inside)
    return pb_error_set (err, PB_EDEADLK, _("a guarded call cannot make another"));
  if (!st->ready)
    {
      rc = prepare_thread (st, err);
      if (rc != PB_OK)
        return rc;
    }

  /* No mask saved (0): that would be a system call on every call. The
   * fault path unblocks the guard's signals itself. */
  if (sigsetjmp (st->jump, 0) == 0)
    {
      st->refused = NULL;
      st->signo = 0;
      st->inside = 1;
      if (limit_ns > 0)
        {
          atomic_store (&st->deadline, now_ticks () + pb_clock_ns_to_ticks (limit_ns));
          watch_deadline (limit_ns);
        }
      value = fn (data);
      atomic_store (&st->deadline, 0);
      st->inside = 0;
      *result = value;
      return PB_OK;
    }

  atomic_store (&st->deadline, 0);
  /* The handler ran with the guard's signals blocked, and jumped out. */
  pthread_sigmask (SIG_UNBLOCK, &guard_signals, NULL);
  return describe (st, limit_ns, err);
}

void
pb__guard_refuse (const char *what)
{
  guard_state *st = &thread_guard;

  if (!st->inside)
    abort ();
  st->inside = 0;
  atomic_store (&st->deadline, 0);
  st->signo = 0;
  st->refused = what;
  siglongjmp (st->jump, 1);
}
