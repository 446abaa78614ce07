/* bitvec.h — paged bit vectors indexed by any uint32 (internal)
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The availability and error vectors of the mux. A flat array would need
 * 512 MiB to hold bit 0xFFFFFFFF, so bits live in leaves of 4096 (512
 * bytes) allocated on first use, under a radix of two levels of 1024-way
 * nodes. The top node is part of the vector and the middle ones are
 * allocated as needed, so the highest bit costs about 9 KiB.
 *
 * Every leaf and node also summarises which of its words or children hold a
 * set bit, so that visiting the set bits costs in proportion to how many
 * there are, not to the span of the ids in use.
 *
 * Leaves are freed only with the vector. Each has a pointer for the owner
 * of the vector, where the mux keeps the processes of the leaf's resources,
 * so that visiting a set bit finds them without another lookup.
 */

#define PB_BITVEC_LEAF_SHIFT 12
#define PB_BITVEC_LEAF_WORDS ((1u << PB_BITVEC_LEAF_SHIFT) / 64)
#define PB_BITVEC_NODE_SHIFT 10
#define PB_BITVEC_NODE_SIZE  (1u << PB_BITVEC_NODE_SHIFT)
#define PB_BITVEC_NODE_WORDS (PB_BITVEC_NODE_SIZE / 64)

typedef struct
{
  uint64_t  summary; /* bit w is set when words[w] is not 0 */
  void     *user;    /* for the owner of the vector; NULL at first */
  uint64_t  words[PB_BITVEC_LEAF_WORDS];
} pb_bitleaf;

typedef struct
{
  uint64_t  summary; /* bit w is set when used[w] is not 0 */
  uint64_t  used[PB_BITVEC_NODE_WORDS]; /* bit c: child c holds a set bit */
  void     *child[PB_BITVEC_NODE_SIZE]; /* nodes under the top, then leaves */
} pb_bitnode;

typedef struct
{
  size_t     count; /* how many bits are set */
  pb_bitnode top;
} pb_bitvec;

/* Makes @v a vector of clear bits; it allocates nothing. */
void pb_bitvec_init (pb_bitvec *v);

/* Frees the storage of @v, which is left empty, after passing the user
 * pointer of each leaf that has one to @free_user, unless it is NULL. */
void pb_bitvec_release (pb_bitvec  *v,
                        void      (*free_user) (void *user));

/* Returns: the leaf holding @bit, allocated if need be; NULL if memory ran
 * out. */
pb_bitleaf *pb_bitvec_ensure_leaf (pb_bitvec *v,
                                   uint32_t   bit);

static inline unsigned
pb_bitvec_top_index (uint32_t bit)
{
  return bit >> (PB_BITVEC_LEAF_SHIFT + PB_BITVEC_NODE_SHIFT);
}

static inline unsigned
pb_bitvec_mid_index (uint32_t bit)
{
  return (bit >> PB_BITVEC_LEAF_SHIFT) & (PB_BITVEC_NODE_SIZE - 1);
}

static inline unsigned
pb_bitvec_word_index (uint32_t bit)
{
  return (bit / 64) & (PB_BITVEC_LEAF_WORDS - 1);
}

static inline uint64_t
pb_bitvec_mask (uint32_t bit)
{
  return UINT64_C (1) << (bit % 64);
}

/* Returns: the leaf holding @bit, or NULL if it was never allocated. */
static inline pb_bitleaf *
pb_bitvec_leaf (const pb_bitvec *v,
                uint32_t         bit)
{
  const pb_bitnode *mid = v->top.child[pb_bitvec_top_index (bit)];

  return mid != NULL ? mid->child[pb_bitvec_mid_index (bit)] : NULL;
}

/* Returns: the leaf holding @bit, which must have been allocated. */
static inline pb_bitleaf *
pb_bitvec_leaf_allocated (const pb_bitvec *v,
                          uint32_t         bit)
{
  const pb_bitnode *mid = v->top.child[pb_bitvec_top_index (bit)];

  return mid->child[pb_bitvec_mid_index (bit)];
}

static inline bool
pb_bitvec_get (const pb_bitvec *v,
               uint32_t         bit)
{
  const pb_bitleaf *leaf = pb_bitvec_leaf (v, bit);

  return leaf != NULL
         && (leaf->words[pb_bitvec_word_index (bit)] & pb_bitvec_mask (bit)) != 0;
}

/* Records that child @c of @n holds a set bit. Returns: whether @n held
 * none before. */
static inline bool
pb_bitnode_mark (pb_bitnode *n,
                 unsigned    c)
{
  bool was_empty = n->summary == 0;

  n->summary |= UINT64_C (1) << (c / 64);
  n->used[c / 64] |= UINT64_C (1) << (c % 64);
  return was_empty;
}

/* Records that child @c of @n holds no set bit any more. Returns: whether
 * @n holds none now. */
static inline bool
pb_bitnode_unmark (pb_bitnode *n,
                   unsigned    c)
{
  n->used[c / 64] &= ~(UINT64_C (1) << (c % 64));
  if (n->used[c / 64] == 0)
    n->summary &= ~(UINT64_C (1) << (c / 64));
  return n->summary == 0;
}

/* Sets @bit in a leaf about to be allocated. Returns: false if memory ran
 * out. Kept out of line so that pb_bitvec_set() saves no registers. */
bool pb_bitvec_set_in_new_leaf (pb_bitvec *v,
                                uint32_t   bit);

/* Sets @bit. Returns: false if its leaf had to be allocated and memory ran
 * out; the bit is then still clear. */
static inline bool
pb_bitvec_set (pb_bitvec *v,
               uint32_t   bit)
{
  pb_bitleaf *leaf = pb_bitvec_leaf (v, bit);
  unsigned w = pb_bitvec_word_index (bit);
  uint64_t mask = pb_bitvec_mask (bit);
  uint64_t old;

  if (leaf == NULL)
    return pb_bitvec_set_in_new_leaf (v, bit);
  old = leaf->words[w];
  if ((old & mask) != 0)
    return true;
  leaf->words[w] = old | mask;
  v->count++;
  if (old == 0)
    {
      if (leaf->summary == 0
          && pb_bitnode_mark (v->top.child[pb_bitvec_top_index (bit)],
                              pb_bitvec_mid_index (bit)))
        pb_bitnode_mark (&v->top, pb_bitvec_top_index (bit));
      leaf->summary |= UINT64_C (1) << w;
    }
  return true;
}

/* Clears @bit; this never allocates. */
static inline void
pb_bitvec_unset (pb_bitvec *v,
                 uint32_t   bit)
{
  pb_bitleaf *leaf = pb_bitvec_leaf (v, bit);
  unsigned w = pb_bitvec_word_index (bit);
  uint64_t mask = pb_bitvec_mask (bit);
  uint64_t old;

  if (leaf == NULL)
    return;
  old = leaf->words[w];
  if ((old & mask) == 0)
    return;
  leaf->words[w] = old & ~mask;
  v->count--;
  if (old == mask)
    {
      leaf->summary &= ~(UINT64_C (1) << w);
      if (leaf->summary == 0
          && pb_bitnode_unmark (v->top.child[pb_bitvec_top_index (bit)],
                                pb_bitvec_mid_index (bit)))
        pb_bitnode_unmark (&v->top, pb_bitvec_top_index (bit));
    }
}

/*
 * Calls @visit for every set bit of @v, in ascending order, with the user
 * pointer of its leaf. @visit must not change @v. This is inline so that a
 * constant @visit is inlined into the walk: the scheduler calls it on every
 * step.
 */
static inline void
pb_bitvec_foreach (const pb_bitvec *v,
                   void           (*visit) (void     *data,
                                            void     *user,
                                            uint32_t  bit),
                   void            *data)
{
  const pb_bitnode *top = &v->top;

  for (uint64_t ts = top->summary; ts != 0; ts &= ts - 1)
    {
      unsigned tw = (unsigned) __builtin_ctzll (ts);

      for (uint64_t tu = top->used[tw]; tu != 0; tu &= tu - 1)
        {
          unsigned t = tw * 64 + (unsigned) __builtin_ctzll (tu);
          const pb_bitnode *mid = top->child[t];

          for (uint64_t ms = mid->summary; ms != 0; ms &= ms - 1)
            {
              unsigned mw = (unsigned) __builtin_ctzll (ms);

              for (uint64_t mu = mid->used[mw]; mu != 0; mu &= mu - 1)
                {
                  unsigned mi = mw * 64 + (unsigned) __builtin_ctzll (mu);
                  const pb_bitleaf *leaf = mid->child[mi];
                  uint32_t base = ((uint32_t) t << (PB_BITVEC_LEAF_SHIFT + PB_BITVEC_NODE_SHIFT))
                                  | ((uint32_t) mi << PB_BITVEC_LEAF_SHIFT);

                  for (uint64_t ls = leaf->summary; ls != 0; ls &= ls - 1)
                    {
                      unsigned lw = (unsigned) __builtin_ctzll (ls);

                      for (uint64_t bits = leaf->words[lw]; bits != 0; bits &= bits - 1)
                        visit (data, leaf->user,
                               base | (uint32_t) (lw * 64)
                               | (uint32_t) __builtin_ctzll (bits));
                    }
                }
            }
        }
    }
}
