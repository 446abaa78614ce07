/* pb-run-diff.c — one process compared across two recorded runs
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two runs seldom last equally long, so totals do not compare; what a
 * process costs per item does. A process that handled no item (a source
 * that waited, a sink that got nothing) is compared by its busy time per
 * second of the run instead. The change is B against A, in percent:
 * +25 means B spent a quarter more; NAN when either run lacks the
 * process or A spent nothing.
 */

#include "config.h"

#include <math.h>

#include "pb-run-diff.h"

struct _PbRunDiff
{
  GObject  parent_instance;

  pb_addr  process;
  char    *name;
  char    *kind;
  double   cost_a;
  double   cost_b;
  double   change;
  gboolean per_item;
};

G_DEFINE_FINAL_TYPE (PbRunDiff, pb_run_diff, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_KIND,
  PROP_COST_A,
  PROP_COST_B,
  PROP_CHANGE,
  PROP_PER_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint64
items_of (const pb_store_counters *c)
{
  return c->items_in > 0 ? c->items_in : c->items_out;
}

/* Nanoseconds per item, or per second of the run when it moved none. */
static double
cost_of (const pb_store_counters *c,
         guint64                  duration_ns,
         gboolean                 per_item)
{
  if (c == NULL)
    return NAN;
  if (per_item)
    return items_of (c) > 0 ? (double) c->busy_ns / items_of (c) : NAN;
  return duration_ns > 0 ? (double) c->busy_ns / (duration_ns / 1e9) : NAN;
}

/**
 * pb_run_diff_new:
 * @a: (nullable): the process's counters in run A
 * @b: (nullable): its counters in run B; one of @a and @b is not %NULL
 *
 * Returns: (transfer full): the comparison
 */
PbRunDiff *
pb_run_diff_new (const pb_store_counters *a,
                 guint64                  a_duration_ns,
                 const pb_store_counters *b,
                 guint64                  b_duration_ns)
{
  PbRunDiff *self = g_object_new (PB_TYPE_RUN_DIFF, NULL);
  const pb_store_counters *any = a != NULL ? a : b;

  g_return_val_if_fail (any != NULL, self);

  self->process = any->process;
  self->name = g_strdup (b != NULL && b->name != NULL ? b->name : any->name);
  self->kind = g_strdup (b != NULL && b->kind != NULL ? b->kind : any->kind);
  self->per_item = (a == NULL || items_of (a) > 0) && (b == NULL || items_of (b) > 0);
  self->cost_a = cost_of (a, a_duration_ns, self->per_item);
  self->cost_b = cost_of (b, b_duration_ns, self->per_item);
  self->change = isfinite (self->cost_a) && isfinite (self->cost_b) && self->cost_a > 0
                 ? (self->cost_b - self->cost_a) / self->cost_a * 100
                 : NAN;
  return self;
}

const char *
pb_run_diff_get_name (PbRunDiff *self)
{
  g_return_val_if_fail (PB_IS_RUN_DIFF (self), NULL);
  return self->name != NULL ? self->name : "";
}

pb_addr
pb_run_diff_get_process (PbRunDiff *self)
{
  g_return_val_if_fail (PB_IS_RUN_DIFF (self), 0);
  return self->process;
}

/** pb_run_diff_get_cost_a: Returns: ns per item (or per second) in A; NAN */
double
pb_run_diff_get_cost_a (PbRunDiff *self)
{
  g_return_val_if_fail (PB_IS_RUN_DIFF (self), NAN);
  return self->cost_a;
}

double
pb_run_diff_get_cost_b (PbRunDiff *self)
{
  g_return_val_if_fail (PB_IS_RUN_DIFF (self), NAN);
  return self->cost_b;
}

/** pb_run_diff_get_change: Returns: B against A in percent, or NAN */
double
pb_run_diff_get_change (PbRunDiff *self)
{
  g_return_val_if_fail (PB_IS_RUN_DIFF (self), NAN);
  return self->change;
}

static void
pb_run_diff_finalize (GObject *object)
{
  PbRunDiff *self = PB_RUN_DIFF (object);

  g_free (self->name);
  g_free (self->kind);

  G_OBJECT_CLASS (pb_run_diff_parent_class)->finalize (object);
}

static void
pb_run_diff_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  PbRunDiff *self = PB_RUN_DIFF (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, pb_run_diff_get_name (self));
      break;
    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case PROP_COST_A:
      g_value_set_double (value, self->cost_a);
      break;
    case PROP_COST_B:
      g_value_set_double (value, self->cost_b);
      break;
    case PROP_CHANGE:
      /* Sorted by their change, processes that cannot compare go last. */
      g_value_set_double (value, isfinite (self->change) ? self->change : -G_MAXDOUBLE);
      break;
    case PROP_PER_ITEM:
      g_value_set_boolean (value, self->per_item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_run_diff_class_init (PbRunDiffClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pb_run_diff_finalize;
  object_class->get_property = pb_run_diff_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, ro);
  properties[PROP_COST_A] = g_param_spec_double ("cost-a", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, ro);
  properties[PROP_COST_B] = g_param_spec_double ("cost-b", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, ro);
  properties[PROP_CHANGE] = g_param_spec_double ("change", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, ro);
  properties[PROP_PER_ITEM] = g_param_spec_boolean ("per-item", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pb_run_diff_init (PbRunDiff *self)
{
}
