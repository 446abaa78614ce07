/* pb-profiler-chain.c — one chain in the profiler's table
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A chain is the unit the runtime compiles: its row shows what compiling
 * it cost and how often an edit made it compile again. Chains are
 * renumbered by edits elsewhere, so a row is named by the chain's head,
 * its first process, as nodes name their chain.
 */

#include "config.h"

#include "pb-profiler-chain.h"

struct _PbProfilerChain
{
  GObject  parent_instance;

  pb_addr  head;
  char    *names;
  guint    n_processes;
  guint64  compile_ns;
  guint64  code_bytes;
  guint64  recompiles;
  guint64  busy_ns;
};

G_DEFINE_FINAL_TYPE (PbProfilerChain, pb_profiler_chain, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HEAD,
  PROP_NAMES,
  PROP_N_PROCESSES,
  PROP_COMPILE_NS,
  PROP_CODE_BYTES,
  PROP_RECOMPILES,
  PROP_BUSY_NS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * pb_profiler_chain_new:
 * @head: the chain's first process
 *
 * Returns: (transfer full): a row with no figures yet
 */
PbProfilerChain *
pb_profiler_chain_new (pb_addr head)
{
  PbProfilerChain *self = g_object_new (PB_TYPE_PROFILER_CHAIN, NULL);

  self->head = head;
  return self;
}

pb_addr
pb_profiler_chain_get_head (PbProfilerChain *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_CHAIN (self), 0);
  return self->head;
}

/** pb_profiler_chain_get_names: Returns: "clock ! wave ! fan" */
const char *
pb_profiler_chain_get_names (PbProfilerChain *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_CHAIN (self), NULL);
  return self->names != NULL ? self->names : "";
}

guint
pb_profiler_chain_get_n_processes (PbProfilerChain *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_CHAIN (self), 0);
  return self->n_processes;
}

guint64
pb_profiler_chain_get_compile_ns (PbProfilerChain *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_CHAIN (self), 0);
  return self->compile_ns;
}

guint64
pb_profiler_chain_get_code_bytes (PbProfilerChain *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_CHAIN (self), 0);
  return self->code_bytes;
}

/** pb_profiler_chain_get_recompiles: Returns: compiles after the first */
guint64
pb_profiler_chain_get_recompiles (PbProfilerChain *self)
{
  g_return_val_if_fail (PB_IS_PROFILER_CHAIN (self), 0);
  return self->recompiles;
}

#define SET(field, prop, value)                                          \
  G_STMT_START {                                                         \
    if (self->field != (value))                                          \
      {                                                                  \
        self->field = (value);                                           \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);    \
      }                                                                  \
  } G_STMT_END

/**
 * pb_profiler_chain_update:
 * @info: the chain in the latest snapshot
 * @names: its processes' names, joined as pipeline text joins them
 */
void
pb_profiler_chain_update (PbProfilerChain     *self,
                          const pb_chain_info *info,
                          const char          *names)
{
  g_return_if_fail (PB_IS_PROFILER_CHAIN (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->names, names) != 0)
    {
      g_free (self->names);
      self->names = g_strdup (names);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAMES]);
    }
  SET (n_processes, PROP_N_PROCESSES, (guint) info->n_processes);
  SET (compile_ns, PROP_COMPILE_NS, info->compile_ns);
  SET (code_bytes, PROP_CODE_BYTES, info->code_bytes);
  SET (recompiles, PROP_RECOMPILES, info->compiles > 0 ? info->compiles - 1 : 0);
  SET (busy_ns, PROP_BUSY_NS, info->busy_ns);
  g_object_thaw_notify (G_OBJECT (self));
}

#undef SET

static void
pb_profiler_chain_finalize (GObject *object)
{
  PbProfilerChain *self = PB_PROFILER_CHAIN (object);

  g_free (self->names);

  G_OBJECT_CLASS (pb_profiler_chain_parent_class)->finalize (object);
}

static void
pb_profiler_chain_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PbProfilerChain *self = PB_PROFILER_CHAIN (object);

  switch (prop_id)
    {
    case PROP_HEAD:
      g_value_set_uint64 (value, self->head);
      break;
    case PROP_NAMES:
      g_value_set_string (value, pb_profiler_chain_get_names (self));
      break;
    case PROP_N_PROCESSES:
      g_value_set_uint (value, self->n_processes);
      break;
    case PROP_COMPILE_NS:
      g_value_set_uint64 (value, self->compile_ns);
      break;
    case PROP_CODE_BYTES:
      g_value_set_uint64 (value, self->code_bytes);
      break;
    case PROP_RECOMPILES:
      g_value_set_uint64 (value, self->recompiles);
      break;
    case PROP_BUSY_NS:
      g_value_set_uint64 (value, self->busy_ns);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_profiler_chain_class_init (PbProfilerChainClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pb_profiler_chain_finalize;
  object_class->get_property = pb_profiler_chain_get_property;

  properties[PROP_HEAD] = g_param_spec_uint64 ("head", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_NAMES] = g_param_spec_string ("names", NULL, NULL, NULL, ro);
  properties[PROP_N_PROCESSES] = g_param_spec_uint ("n-processes", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_COMPILE_NS] = g_param_spec_uint64 ("compile-ns", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_CODE_BYTES] = g_param_spec_uint64 ("code-bytes", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_RECOMPILES] = g_param_spec_uint64 ("recompiles", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_BUSY_NS] = g_param_spec_uint64 ("busy-ns", NULL, NULL, 0, G_MAXUINT64, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pb_profiler_chain_init (PbProfilerChain *self)
{
}
