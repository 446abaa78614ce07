/* typing.c — the item-type rules of kinds
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <string.h>

#include "typing.h"

uint32_t
pb__types_parse (const char *types)
{
  uint32_t mask = 0;

  if (types == NULL)
    return 0;
  if (strcmp (types, "any") == 0)
    return PB_ITEM_MASK_ALL;
  for (const char *p = types; *p != '\0';)
    {
      const char *bar = strchr (p, '|');
      size_t n = bar != NULL ? (size_t) (bar - p) : strlen (p);
      char name[8];

      if (n < sizeof name)
        {
          memcpy (name, p, n);
          name[n] = '\0';
          if (pb_item_type_parse (name) != PB_ITEM_NONE)
            mask |= PB_ITEM_MASK (pb_item_type_parse (name));
        }
      p += n + (bar != NULL);
    }
  return mask;
}

const char *
pb__types_format (uint32_t mask,
                  char     buf[16])
{
  static const pb_item_type order[] = { PB_ITEM_I64, PB_ITEM_F64, PB_ITEM_U8 };
  size_t len = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    if (mask & PB_ITEM_MASK (order[i]))
      len += (size_t) snprintf (buf + len, 16 - len, "%s%s", len ? "|" : "",
                                pb_item_type_name (order[i]));
  if (len == 0)
    snprintf (buf, 16, "none");
  return buf;
}

const char *
pb__kind_in_param (const pb_kind *kind)
{
  /* Only user code declares its input type: every other kind takes what
   * its in_types allow and adapts its code to it. */
  return strcmp (kind->name, "c") == 0 ? "in" : NULL;
}

uint32_t
pb__kind_in_types (const pb_kind *kind,
                   const char    *in_value)
{
  uint32_t mask = pb__types_parse (kind->in_types);
  pb_item_type declared;

  if (pb__kind_in_param (kind) == NULL || in_value == NULL)
    return mask;
  declared = pb_item_type_parse (in_value);
  return declared != PB_ITEM_NONE ? mask & PB_ITEM_MASK (declared) : mask;
}

bool
pb__kind_has_output (const pb_kind *kind,
                     const char    *out_value)
{
  return kind->out_rule != PB_OUT_NONE
         && !(kind->out_rule == PB_OUT_PARAM && out_value != NULL
              && strcmp (out_value, "none") == 0);
}

pb_item_type
pb__kind_out_type (const pb_kind *kind,
                   const char    *out_value,
                   pb_item_type   in)
{
  switch (kind->out_rule)
    {
    case PB_OUT_FIXED: return kind->out_fixed;
    case PB_OUT_SAME:  return in;
    case PB_OUT_PARAM: return out_value != NULL ? pb_item_type_parse (out_value) : PB_ITEM_NONE;
    case PB_OUT_NONE:
    default:           return PB_ITEM_NONE;
    }
}
