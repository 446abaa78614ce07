/* bitvec.c — allocation of the paged bit vectors
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include "bitvec.h"

void
pb_bitvec_init (pb_bitvec *v)
{
  memset (v, 0, sizeof *v);
}

void
pb_bitvec_release (pb_bitvec  *v,
                   void      (*free_user) (void *user))
{
  for (unsigned t = 0; t < PB_BITVEC_NODE_SIZE; t++)
    {
      pb_bitnode *mid = v->top.child[t];

      if (mid == NULL)
        continue;
      for (unsigned i = 0; i < PB_BITVEC_NODE_SIZE; i++)
        {
          pb_bitleaf *leaf = mid->child[i];

          if (leaf != NULL && leaf->user != NULL && free_user != NULL)
            free_user (leaf->user);
          free (leaf);
        }
      free (mid);
    }
  pb_bitvec_init (v);
}

pb_bitleaf *
pb_bitvec_ensure_leaf (pb_bitvec *v,
                       uint32_t   bit)
{
  unsigned t = pb_bitvec_top_index (bit);
  unsigned i = pb_bitvec_mid_index (bit);
  pb_bitnode *mid = v->top.child[t];

  if (mid == NULL)
    {
      mid = calloc (1, sizeof *mid);
      if (mid == NULL)
        return NULL;
      v->top.child[t] = mid;
    }
  if (mid->child[i] == NULL)
    mid->child[i] = calloc (1, sizeof (pb_bitleaf));
  return mid->child[i];
}

bool
pb_bitvec_set_in_new_leaf (pb_bitvec *v,
                           uint32_t   bit)
{
  return pb_bitvec_ensure_leaf (v, bit) != NULL && pb_bitvec_set (v, bit);
}
