/* jit.c — the one libtcc compile service
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * How a compile goes, and why:
 *
 * - libtcc keeps global state (the token tables, the current file, the
 *   code generator's position), so one mutex covers every libtcc call from
 *   tcc_new() to tcc_delete(), not just the compile.
 *
 * - The TCCState lives only for the compile. tcc_relocate (s, NULL) gives
 *   the size of the image; we relocate into pages we mmap ourselves, copy
 *   out the unit's own global symbols, and delete the state at once. This
 *   frees libtcc's sections and symbol tables (far larger than the code)
 *   while the unit lives, lets pb_jit_unit_symbol() run without the lock,
 *   and keeps the pages libtcc makes writable and executable to our own
 *   mapping: with TCC_RELOCATE_AUTO it mallocs the image and mprotects the
 *   surrounding heap pages too.
 *
 * - With -nostdlib, libtcc 0.9.27 does not resolve undefined names
 *   against the libraries the process has loaded, so generated code could
 *   not call memcpy or sqrt. Without it, relocation links libtcc1.a (from
 *   the tcc package) and reads libc's linker script, libc.so (from
 *   libc6-dev): both are run-time requirements of the engine. That
 *   loading (the script, libc.so.6's symbol table, libc_nonshared.a) is
 *   about 0.4 ms of every compile, as much as compiling a short chain.
 *   So a compile first goes lean: -nostdlib, libtcc1.a added by hand
 *   (PB_LIBTCC1, found when the build is configured), and every libc name
 *   an earlier compile needed, resolved once with dlsym() as libtcc itself
 *   would. A lean compile that leaves names undefined learns them (when
 *   dlsym() finds them all) and goes lean again; one that still does not
 *   link is compiled the default way, which reports the error.
 *
 * - libtcc's built-in library path (CONFIG_TCCDIR) is where the tcc
 *   package puts libtcc1.a and its headers on Debian, so we do not set one.
 *
 * - Compiled code runs inside the application. The functions that would
 *   end it (exit, abort), copy it (fork) or replace it (exec) are defined
 *   in every unit as traps that end the guarded call instead, with a
 *   message naming the function (pb__guard_refuse()): a name defined in
 *   the unit comes before the C library's. Code can still reach the
 *   system by other ways (syscall(), asm): a worker process (worker.h)
 *   contains that, and its seccomp filter traps those calls too.
 *
 * - With workers, libtcc runs in a compiler process too: see "Compiling
 *   elsewhere" below.
 */

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libtcc.h>

#include "clock.h"
#include "guard.h"
#include "i18n.h"
#include "jit.h"
#include "shared-mem.h"
#include "worker.h"

typedef struct
{
  char *name;
  void *address;
} unit_symbol;

struct pb_jit_unit
{
  void        *image;        /* mmap'd; holds code and data */
  size_t       mapped_bytes; /* the mapping, whole pages */
  /* The image was given (a compile in the compiler process): relocate
   * into it, or say how much it lacks. */
  bool         image_given;
  size_t       image_short;  /* the bytes needed, when it lacked room */
  size_t       code_bytes;   /* what libtcc asked for */
  uint64_t     compile_ns;   /* tcc_new to tcc_delete, not the lock wait */
  unit_symbol *symbols;
  size_t       n_symbols;
  atomic_uint  refs;
};

/* What the error callback gathers during one compile. Twice pb_error's
 * room, so that a long message is cut by pb_error_set(), which cuts at a
 * character boundary. */
typedef struct
{
  char first[2 * PB_ERROR_MESSAGE_MAX];
  int  have_first;
  /* The names a lean compile left undefined, as libtcc reports them. */
  char undefined[16][64];
  int  n_undefined;
  bool overflow;           /* more, or longer, than fit */
} compile_log;

/* The libc names lean compiles resolve by hand (see the top), learned from
 * the compiles that needed them; under tcc_lock. */
typedef struct
{
  char *name;
  void *address;
} known_symbol;

static known_symbol *known;
static size_t n_known;
static uint64_t lean_compiles, full_compiles;

/* Collects the symbol table of a freshly relocated unit. */
typedef struct
{
  pb_jit_unit *unit;
  size_t       allocated;
  int          failed;
} symbol_walk;

static pthread_mutex_t tcc_lock = PTHREAD_MUTEX_INITIALIZER;

/* libtcc 0.9.27 (Debian's 0.9.27+git20200814) leaves its label stacks
 * pointing into the symbol pool of a compile that an error abandoned
 * inside a function with labels: tcc_delete() frees the pool, and the next
 * compile walks the stale list in label_pop() and crashes (or reports
 * "label '(null)' used but not defined"). The two lists are globals of
 * libtcc.a; every compile must start with them empty. */
extern void *global_label_stack;
extern void *local_label_stack;

static void
on_tcc_message (void       *opaque,
                const char *message)
{
  compile_log *log = opaque;
  const char *line = strrchr (message, '\n');

  /* An error inside an included file comes as several lines ("In file
   * included from ...") of which the last names the place of the error
   * itself; pb_error holds one line. */
  line = line != NULL ? line + 1 : message;

  {
    const char *name = strstr (line, "undefined symbol '");
    const char *end = name != NULL ? strchr (name + 18, '\'') : NULL;

    if (end != NULL && log->n_undefined < 16 && end - (name + 18) < 64)
      {
        snprintf (log->undefined[log->n_undefined], 64, "%.*s",
                  (int) (end - (name + 18)), name + 18);
        log->n_undefined++;
      }
    else if (name != NULL)
      log->overflow = true;
  }

  /* Warnings reach the same callback; they do not fail a compile. */
  if (log->have_first || strstr (line, ": warning: ") != NULL)
    return;

  snprintf (log->first, sizeof log->first, "%s", line);
  log->have_first = 1;
}

static void
add_unit_symbol (void       *opaque,
                 const char *name,
                 const void *address)
{
  symbol_walk *walk = opaque;
  pb_jit_unit *unit = walk->unit;
  const char *start = unit->image;
  const char *at = address;
  unit_symbol *grown;

  /* The list also names what the unit imports (memcpy, host symbols):
   * those are not "in" the unit. */
  if (walk->failed || at < start || at >= start + unit->code_bytes)
    return;

  if (unit->n_symbols == walk->allocated)
    {
      size_t allocated = walk->allocated != 0 ? 2 * walk->allocated : 16;

      grown = realloc (unit->symbols, allocated * sizeof *grown);
      if (grown == NULL)
        {
          walk->failed = 1;
          return;
        }
      unit->symbols = grown;
      walk->allocated = allocated;
    }

  unit->symbols[unit->n_symbols].name = strdup (name);
  if (unit->symbols[unit->n_symbols].name == NULL)
    {
      walk->failed = 1;
      return;
    }
  unit->symbols[unit->n_symbols].address = (void *) address;
  unit->n_symbols++;
}

static int
compare_symbols (const void *a,
                 const void *b)
{
  return strcmp (((const unit_symbol *) a)->name, ((const unit_symbol *) b)->name);
}

#define TRAP(name) \
  static void trap_##name (void) { pb__guard_refuse (#name); }
TRAP (exit) TRAP (_exit) TRAP (_Exit) TRAP (quick_exit) TRAP (abort)
TRAP (pthread_exit) TRAP (fork) TRAP (vfork) TRAP (clone) TRAP (daemon)
TRAP (system) TRAP (popen) TRAP (execl) TRAP (execle) TRAP (execlp)
TRAP (execv) TRAP (execve) TRAP (execvp) TRAP (execvpe) TRAP (fexecve)
TRAP (posix_spawn) TRAP (posix_spawnp) TRAP (signal) TRAP (sigaction)
TRAP (raise) TRAP (kill)
#undef TRAP

#define TRAP(name) { #name, (void *) trap_##name }
static const pb_jit_symbol traps[] = {
  TRAP (exit), TRAP (_exit), TRAP (_Exit), TRAP (quick_exit), TRAP (abort),
  TRAP (pthread_exit), TRAP (fork), TRAP (vfork), TRAP (clone), TRAP (daemon),
  TRAP (system), TRAP (popen), TRAP (execl), TRAP (execle), TRAP (execlp),
  TRAP (execv), TRAP (execve), TRAP (execvp), TRAP (execvpe), TRAP (fexecve),
  TRAP (posix_spawn), TRAP (posix_spawnp), TRAP (signal), TRAP (sigaction),
  TRAP (raise), TRAP (kill),
};
#undef TRAP

/* Pages for a unit's image: our own mapping, or once the runtime has
 * workers (shared-mem.h) pages of the shared code region, where the
 * workers that run the code see it at the same address. */
static void *
image_alloc (size_t bytes)
{
  void *image;

  if (pb__shared_on ())
    return pb__shared_alloc (bytes, PB_SHARED_CODE);
  image = mmap (NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return image != MAP_FAILED ? image : NULL;
}

static void
image_free (void   *image,
            size_t  bytes)
{
  if (pb__shared_contains (image))
    {
      /* libtcc may have made the text read-only here: the next unit
       * given these pages writes them. */
      mprotect (image, bytes, PROT_READ | PROT_WRITE | PROT_EXEC);
      pb__shared_free (image, bytes, PB_SHARED_CODE);
    }
  else
    munmap (image, bytes);
}

/* Called with tcc_lock held. Fills @unit's image and symbols from @source:
 * @lean without libc's linker script (see the top); *@linking tells
 * whether it got past compiling. */
static int
compile_locked (TCCState            *s,
                compile_log         *log,
                const char          *source,
                const pb_jit_symbol *symbols,
                size_t               n_symbols,
                bool                 lean,
                bool                *linking,
                pb_jit_unit         *unit,
                pb_error            *err)
{
  symbol_walk walk = { unit, 0, 0 };
  long page = sysconf (_SC_PAGESIZE);
  size_t needed;
  int size;
  size_t i;

  global_label_stack = NULL;
  local_label_stack = NULL;
  tcc_set_error_func (s, log, on_tcc_message);
  if (lean)
    tcc_set_options (s, "-nostdlib");
  if (tcc_set_output_type (s, TCC_OUTPUT_MEMORY) < 0)
    return pb_error_set (err, PB_EINVAL, _("libtcc cannot compile to memory"));

  if (tcc_compile_string (s, source) < 0)
    return pb_error_set (err, PB_EINVAL, "%s",
                         log->have_first ? log->first : _("the C code does not compile"));

  *linking = true;
  for (i = 0; i < sizeof traps / sizeof traps[0]; i++)
    if (tcc_add_symbol (s, traps[i].name, traps[i].address) < 0)
      return pb_error_set (err, PB_EINVAL, _("cannot add host symbol '%s'"), traps[i].name);
  for (i = 0; i < n_symbols; i++)
    if (tcc_add_symbol (s, symbols[i].name, symbols[i].address) < 0)
      return pb_error_set (err, PB_EINVAL, _("cannot add host symbol '%s'"),
                           symbols[i].name);
#ifdef PB_LIBTCC1
  if (lean)
    {
      if (tcc_add_file (s, PB_LIBTCC1) < 0)
        return pb_error_set (err, PB_EINVAL, "cannot add %s", PB_LIBTCC1);
      for (i = 0; i < n_known; i++)
        if (tcc_add_symbol (s, known[i].name, known[i].address) < 0)
          return pb_error_set (err, PB_EINVAL, "cannot add '%s'", known[i].name);
    }
#endif

  /* Sizing the image links it: undefined names are reported here. */
  size = tcc_relocate (s, NULL);
  if (size < 0)
    return pb_error_set (err, PB_EINVAL, "%s",
                         log->have_first ? log->first : _("the C code does not link"));

  unit->code_bytes = (size_t) size;
  needed = ((size_t) size + (size_t) page - 1) & ~((size_t) page - 1);
  if (needed == 0)
    needed = (size_t) page;
  if (unit->image_given && needed > unit->mapped_bytes)
    {
      unit->image_short = needed;
      return pb_error_set (err, PB_ENOMEM, _("cannot map %zu bytes for compiled code"), needed);
    }
  if (!unit->image_given)
    {
      unit->mapped_bytes = needed;
      unit->image = image_alloc (needed);
      if (unit->image == NULL)
        return pb_error_set (err, PB_ENOMEM, _("cannot map %zu bytes for compiled code"),
                             needed);
    }

  /* libtcc copies the sections in and makes the code pages executable. */
  if (tcc_relocate (s, unit->image) < 0)
    return pb_error_set (err, PB_EINVAL, "%s",
                         log->have_first ? log->first : _("the C code does not relocate"));

  tcc_list_symbols (s, &walk, add_unit_symbol);
  if (walk.failed)
    return pb_error_set (err, PB_ENOMEM, _("out of memory for the symbol table"));
  /* A chain of N stages exports about 4 N names, each looked up once:
   * sorted, a build of one long chain is not quadratic. */
  qsort (unit->symbols, unit->n_symbols, sizeof *unit->symbols, compare_symbols);

  return PB_OK;
}

/* Called with tcc_lock held: one compile of @source into @u, lean or
 * not, from a fresh state and log. */
static int
attempt (const char          *source,
         const pb_jit_symbol *symbols,
         size_t               n_symbols,
         bool                 lean,
         compile_log         *log,
         bool                *linking,
         pb_jit_unit         *u,
         pb_error            *err)
{
  TCCState *s = tcc_new ();
  int rc;

  memset (log, 0, sizeof *log);
  *linking = false;
  if (s == NULL)
    return pb_error_set (err, PB_ENOMEM, "libtcc could not start a compile");
  rc = compile_locked (s, log, source, symbols, n_symbols, lean, linking, u, err);
  tcc_delete (s);
  /* A compile that failed in its last relocation leaves its pages: the
   * next attempt maps its own. */
  if (rc != PB_OK && u->image != NULL && !u->image_given)
    {
      image_free (u->image, u->mapped_bytes);
      u->image = NULL;
    }
  if (rc != PB_OK)
    {
      for (size_t i = 0; i < u->n_symbols; i++)
        free (u->symbols[i].name);
      free (u->symbols);
      u->symbols = NULL;
      u->n_symbols = 0;
    }
  return rc;
}

#ifdef PB_LIBTCC1
/* Called with tcc_lock held: adds the names a lean compile left undefined
 * to those lean compiles resolve by hand. Returns: whether it did, every
 * one of them having an address (else a lean compile cannot link it). */
static bool
learn (const compile_log *log)
{
  void *addresses[16];
  known_symbol *more;

  if (log->n_undefined == 0 || log->overflow)
    return false;
  for (int i = 0; i < log->n_undefined; i++)
    {
      for (size_t k = 0; k < n_known; k++)
        if (strcmp (known[k].name, log->undefined[i]) == 0)
          return false; /* known, yet undefined: something else is wrong */
      addresses[i] = dlsym (RTLD_DEFAULT, log->undefined[i]);
      if (addresses[i] == NULL)
        return false;
    }
  more = realloc (known, (n_known + (size_t) log->n_undefined) * sizeof *more);
  if (more == NULL)
    return false;
  known = more;
  for (int i = 0; i < log->n_undefined; i++)
    {
      char *name = strdup (log->undefined[i]);

      if (name == NULL)
        return false;
      known[n_known++] = (known_symbol) { name, addresses[i] };
    }
  return true;
}
#endif

/* Called with tcc_lock held: a compile, lean first (see the top). */
static int
compile_here (const char          *source,
              const pb_jit_symbol *symbols,
              size_t               n_symbols,
              pb_jit_unit         *u,
              bool                *lean,
              pb_error            *err)
{
  compile_log log;
  bool linking;
  int rc;

#ifdef PB_LIBTCC1
  *lean = true;
  rc = attempt (source, symbols, n_symbols, true, &log, &linking, u, err);
  if (rc == PB_EINVAL && linking && learn (&log))
    rc = attempt (source, symbols, n_symbols, true, &log, &linking, u, err);
  if (rc == PB_EINVAL && linking)
    {
      *lean = false;
      rc = attempt (source, symbols, n_symbols, false, &log, &linking, u, err);
    }
#else
  *lean = false;
  rc = attempt (source, symbols, n_symbols, false, &log, &linking, u, err);
#endif
  return rc;
}

/*
 * Compiling elsewhere. Once the runtime has workers (shared-mem.h), libtcc
 * runs in a compiler process of its own, a worker (worker.h), so that a
 * crash or a runaway compile fails that compile alone: the request, the
 * source and what comes back lie in shared memory, and the compiler
 * relocates into code pages given to it, where every process sees the
 * code at the same address. Everything the code links to (the C library,
 * the host symbols) is at the same address in the compiler, a fork of
 * this process.
 */
typedef struct
{
  const char          *source;
  const pb_jit_symbol *symbols;
  size_t               n_symbols;
  char                *image;
  size_t               image_room;
  char                *names;      /* out: the unit's symbols, NUL after each */
  size_t               names_room;
  void               **addresses;  /* out: theirs */
  size_t               addresses_room;
  int                  rc;
  size_t               code_bytes;
  size_t               image_short;
  size_t               n_out;
  bool                 lean;
  pb_error             err;
} request;

/* Past these a compile is stopped, its process killed. */
#define COMPILE_LIMIT_NS (UINT64_C (20) * 1000000000)
#define COMPILE_LIMIT_BYTES ((size_t) 1 << 30)

static pb__worker *compiler;
/* Under tcc_lock. */
static request *request_mem;
static size_t request_size;

static void
drop_compiler (void)
{
  pb__worker_free (compiler);
  compiler = NULL;
}

/* In the compiler process, which has one thread and makes one compile
 * at a time: tcc_lock is not needed there. */
static int
compile_request (void *data)
{
  request *rq = data;
  pb_jit_unit u;
  size_t used = 0;

  memset (&u, 0, sizeof u);
  u.image = rq->image;
  u.mapped_bytes = rq->image_room;
  u.image_given = true;
  rq->rc = compile_here (rq->source, rq->symbols, rq->n_symbols, &u, &rq->lean, &rq->err);
  rq->code_bytes = u.code_bytes;
  rq->image_short = u.image_short;
  rq->n_out = 0;
  for (size_t i = 0; rq->rc == PB_OK && i < u.n_symbols; i++)
    {
      size_t len = strlen (u.symbols[i].name) + 1;

      if (used + len > rq->names_room || i >= rq->addresses_room)
        rq->rc = pb_error_set (&rq->err, PB_ENOMEM, _("out of memory for the symbol table"));
      else
        {
          memcpy (rq->names + used, u.symbols[i].name, len);
          rq->addresses[i] = u.symbols[i].address;
          used += len;
          rq->n_out++;
        }
    }
  for (size_t i = 0; i < u.n_symbols; i++)
    free (u.symbols[i].name);
  free (u.symbols);
  return 0;
}

/* Takes the symbols @rq brought back into @u. */
static int
take_symbols (const request *rq,
              pb_jit_unit   *u,
              pb_error      *err)
{
  const char *name = rq->names;

  u->symbols = calloc (rq->n_out + 1, sizeof *u->symbols);
  if (u->symbols == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory for the symbol table"));
  for (size_t i = 0; i < rq->n_out; i++)
    {
      u->symbols[i].name = strdup (name);
      if (u->symbols[i].name == NULL)
        return pb_error_set (err, PB_ENOMEM, _("out of memory for the symbol table"));
      u->symbols[i].address = rq->addresses[i];
      u->n_symbols++;
      name += strlen (name) + 1;
    }
  return PB_OK;
}

/* @at, rounded up to pointers' alignment. */
static char *
align8 (char *at)
{
  return at + (8 - (uintptr_t) at % 8) % 8;
}

/* Called with tcc_lock held. */
static int
compile_elsewhere (const char          *source,
                   const pb_jit_symbol *symbols,
                   size_t               n_symbols,
                   pb_jit_unit         *u,
                   bool                *lean,
                   pb_error            *err)
{
  size_t page = (size_t) sysconf (_SC_PAGESIZE);
  size_t len = strlen (source) + 1;
  size_t names = 0, room, total;
  pb_error werr;
  request *rq;
  char *at;
  int result, rc = PB_OK;

  if (compiler == NULL)
    {
      if ((rc = pb__worker_new (&compiler, PB_SHARED_COMPILE, false, err)) != PB_OK)
        return rc;
      pb__worker_set_memory_limit (compiler, COMPILE_LIMIT_BYTES);
      /* Its processes go with this one, not half a second after. */
      atexit (drop_compiler);
    }
  for (size_t i = 0; i < n_symbols; i++)
    names += strlen (symbols[i].name) + 1;
  /* The unit's names are in the source; room for twice as many. */
  room = 2 * len + 4096;
  total = sizeof *rq + len + n_symbols * sizeof *symbols + names
          + room + (room / 4) * sizeof (void *) + 64;
  /* One request block, kept from compile to compile. */
  if (total > request_size)
    {
      pb__shared_free (request_mem, request_size, PB_SHARED_COMPILE);
      request_size = (total + page - 1) / page * page;
      request_mem = pb__shared_alloc (request_size, PB_SHARED_COMPILE);
      if (request_mem == NULL)
        {
          request_size = 0;
          return pb_error_set (err, PB_ENOMEM, _("out of memory"));
        }
    }
  rq = request_mem;
  memset (rq, 0, sizeof *rq);
  at = (char *) (rq + 1);
  rq->source = memcpy (at, source, len), at += len;
  at = align8 (at);
  {
    pb_jit_symbol *copy = (pb_jit_symbol *) (void *) at;

    at += n_symbols * sizeof *symbols;
    for (size_t i = 0; i < n_symbols; i++)
      {
        size_t n = strlen (symbols[i].name) + 1;

        copy[i] = (pb_jit_symbol) { memcpy (at, symbols[i].name, n), symbols[i].address };
        at += n;
      }
    rq->symbols = copy;
    rq->n_symbols = n_symbols;
  }
  at = align8 (at);
  rq->addresses = (void **) (void *) at;
  rq->addresses_room = room / 4;
  at += rq->addresses_room * sizeof (void *);
  rq->names = at;
  rq->names_room = room;

  /* Code is about as long as its text; when not, the compiler says how
   * much it needs, and the second try has it. */
  rq->image_room = (len + 65536 + page - 1) / page * page;
  for (int tries = 0; tries < 2; tries++)
    {
      rq->image = pb__shared_alloc (rq->image_room, PB_SHARED_CODE);
      if (rq->image == NULL)
        {
          rc = pb_error_set (err, PB_ENOMEM, _("cannot map %zu bytes for compiled code"),
                             rq->image_room);
          break;
        }
      if (pb__worker_call (compiler, compile_request, rq, COMPILE_LIMIT_NS, &result, &werr)
          != PB_OK)
        {
          rc = pb_error_set (err, PB_EINVAL, _("the compiler failed: %s"), werr.message);
          image_free (rq->image, rq->image_room);
          break;
        }
      if (rq->rc == PB_OK)
        {
          size_t used = (rq->code_bytes + page - 1) / page * page;

          if (used == 0)
            used = page;
          /* What it did not use goes back. */
          if (used < rq->image_room)
            image_free (rq->image + used, rq->image_room - used);
          u->image = rq->image;
          u->mapped_bytes = used;
          u->code_bytes = rq->code_bytes;
          *lean = rq->lean;
          rc = take_symbols (rq, u, err);
          break;
        }
      image_free (rq->image, rq->image_room);
      if (rq->image_short > rq->image_room)
        {
          rq->image_room = rq->image_short;
          continue;
        }
      rc = rq->err.code;
      if (err != NULL)
        *err = rq->err;
      break;
    }
  return rc;
}

void
pb_jit_counts (uint64_t *lean,
               uint64_t *full)
{
  pthread_mutex_lock (&tcc_lock);
  *lean = lean_compiles;
  *full = full_compiles;
  pthread_mutex_unlock (&tcc_lock);
}

int
pb_jit_compile (const char          *source,
                const pb_jit_symbol *symbols,
                size_t               n_symbols,
                pb_jit_unit        **unit,
                pb_error            *err)
{
  pb_jit_unit *u;
  bool lean = false;
  uint64_t t0;
  int rc;

  *unit = NULL;
  if (source == NULL || (symbols == NULL && n_symbols != 0))
    return pb_error_set (err, PB_EINVAL, _("no source or symbols to compile"));

  u = calloc (1, sizeof *u);
  if (u != NULL)
    atomic_init (&u->refs, 1);
  if (u == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory for a compiled unit"));

  pthread_mutex_lock (&tcc_lock);
  t0 = pb_clock_now_ns ();
  if (pb__shared_on ())
    rc = compile_elsewhere (source, symbols, n_symbols, u, &lean, err);
  else
    rc = compile_here (source, symbols, n_symbols, u, &lean, err);
  if (rc == PB_OK && lean)
    lean_compiles++;
  else if (rc == PB_OK)
    full_compiles++;
  u->compile_ns = pb_clock_now_ns () - t0;
  pthread_mutex_unlock (&tcc_lock);

  if (rc != PB_OK)
    {
      pb_jit_unit_unref (u);
      return rc;
    }
  *unit = u;
  return PB_OK;
}

void *
pb_jit_unit_symbol (const pb_jit_unit *unit,
                    const char        *name)
{
  unit_symbol key = { (char *) name, NULL };
  const unit_symbol *found;

  if (unit->n_symbols == 0)
    return NULL;
  found = bsearch (&key, unit->symbols, unit->n_symbols,
                                      sizeof *unit->symbols, compare_symbols);

  return found != NULL ? found->address : NULL;
}

size_t
pb_jit_unit_code_bytes (const pb_jit_unit *unit)
{
  return unit->code_bytes;
}

uint64_t
pb_jit_unit_compile_ns (const pb_jit_unit *unit)
{
  return unit->compile_ns;
}

pb_jit_unit *
pb_jit_unit_ref (pb_jit_unit *unit)
{
  atomic_fetch_add (&unit->refs, 1);
  return unit;
}

void
pb_jit_unit_unref (pb_jit_unit *unit)
{
  size_t i;

  if (unit == NULL || atomic_fetch_sub (&unit->refs, 1) != 1)
    return;
  if (unit->image != NULL)
    image_free (unit->image, unit->mapped_bytes);
  for (i = 0; i < unit->n_symbols; i++)
    free (unit->symbols[i].name);
  free (unit->symbols);
  free (unit);
}
