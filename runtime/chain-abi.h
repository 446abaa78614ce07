/* chain-abi.h — what compiled chains and the engine exchange (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * These declarations are compiled twice: by the C compiler, for the engine,
 * and by libtcc, pasted as text into the prelude of every chain (through
 * PB_CHAIN_ABI_TEXT), so the two sides agree on the layout by construction.
 * They may use only what both accept: no stdint macros, no attributes.
 */
#define PB_CHAIN_ABI(...) __VA_ARGS__
#define PB_CHAIN_ABI_DECLS PB_CHAIN_ABI (                                   \
  /* One ring a chain reads or writes: items at base[pos & mask]. */       \
  typedef struct                                                           \
  {                                                                        \
    void     *base;                                                        \
    uint64_t  mask;                                                        \
    uint64_t  pos;                                                         \
  } pb_ring_io;                                                            \
                                                                           \
  /* One call of a chain: the admittance the engine computed going in, */  \
  /* what flowed coming out. */                                            \
  typedef struct                                                           \
  {                                                                        \
    int64_t      room;       /* in: the most input items it may take */    \
    int64_t      consumed;   /* out: items taken from input or source */   \
    int32_t      finishing;  /* in: the input has ended; flush */          \
    int32_t      done;       /* out: the chain has ended */                \
    uint64_t     now_ns;     /* in: monotonic time */                      \
    uint64_t     wake_ns;    /* out: run again at this time (0: no) */     \
    int32_t      wait_fd;    /* out: run again when readable (-1: no) */   \
    int32_t      failed;     /* out: the stage that failed, or -1 */       \
    pb_ring_io   in;         /* the input ring of a ring-fed chain */      \
    pb_ring_io  *out;        /* the output rings, if any */                \
    void       **state;      /* each stage's state struct */               \
    uint64_t    *counts;     /* items counted at each counting point */    \
    uint64_t    *ticks;      /* profiling, out: ticks spent per stage */   \
    uint64_t    *marks;      /* profiling, out: marks that ended them */   \
    int64_t      sample_gap; /* profiling, in/out: items to the next */    \
                             /* sampled one */                             \
    uint64_t     sample_rng; /* profiling, in/out: the gaps' generator */  \
    uint64_t    *probes;     /* per probed stage: count, then the items */ \
    char        *error;      /* out: why it failed */                      \
    uint64_t     error_size;                                               \
  } pb_chain_io;                                                           \
                                                                           \
  /* A profiled call times one item in about PB_SAMPLE_GAP, and */       \
  /* counts each one's ticks and marks as many times. */                  \
  enum { PB_SAMPLE_GAP = 64 };                                             \
                                                                           \
  /* What a sink shows while it runs, filled by its view function */      \
  /* between two calls of its chain: scalars, and where its recent */     \
  /* items lie in its state. The engine copies them out itself. */        \
  enum { PB_VIEW_NONE, PB_VIEW_SCALAR, PB_VIEW_STATS, PB_VIEW_LINES,      \
         PB_VIEW_SERIES };                                                 \
  typedef struct                                                           \
  {                                                                        \
    int32_t      display;    /* PB_VIEW_*, as pb_sink_display */           \
    int32_t      type;       /* pb_item_type of the items below */         \
    int64_t      count;      /* items consumed so far */                   \
    int64_t      i64;        /* the scalar, when type is i64 */            \
    double       f64;        /* the scalar, as a double */                 \
    double       min;                                                      \
    double       max;                                                      \
    double       mean;                                                     \
    const void  *ring;       /* recent items, a ring in the state */      \
    uint64_t     ring_size;  /* its length, in items */                    \
    uint64_t     ring_next;  /* where the next item goes */                \
  } pb_view_io;                                                            \
)

#define PB_CHAIN_ABI_STR2(...) #__VA_ARGS__
#define PB_CHAIN_ABI_STR(...) PB_CHAIN_ABI_STR2 (__VA_ARGS__)
#define PB_CHAIN_ABI_TEXT PB_CHAIN_ABI_STR (PB_CHAIN_ABI_DECLS)

PB_CHAIN_ABI_DECLS

/* The entry points every compiled chain unit defines. */
typedef int (*pb_chain_run_fn)    (pb_chain_io *io);
typedef int (*pb_state_init_fn)   (void *state, char *error, uint64_t error_size);
typedef void (*pb_state_fini_fn)  (void *state);
typedef void (*pb_state_report_fn) (void *state, char *buf, uint64_t size);
typedef void (*pb_state_view_fn)   (void *state, pb_view_io *view);
