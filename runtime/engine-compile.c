/* engine-compile.c — from a planned chain to the code it runs
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The generate and compile steps of a build (engine-private.h): a chain
 * whose inputs are those of the chain that ran before keeps its text and
 * its compiled unit; the others are generated (codegen.c) and compiled
 * through libtcc (jit.c), up to 64 to a unit, the text of chains that
 * differ only in names once. The profiling variants of the chains are
 * compiled here too, after the swap that needed the chains.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "engine-private.h"
#include "i18n.h"
#include "jit.h"
#include "strbuf.h"

/* The most chains compiled as one unit, and the text after which a unit
 * takes no more: enough to spread tcc's fixed cost per unit, small enough
 * that a mistake in one chain costs a second compile of few. */
#define BATCH_CHAINS 64
#define BATCH_BYTES (512 * 1024)

/* The chain of the engine that ran @c's head, or NULL. Only the thread
 * that builds reads it, and only what a build alone changes. */
static const chain *
old_chain_of (const pb_engine *e,
              const chain     *c)
{
  const proc *head = pb__find_proc (e->procs, e->n_procs, c->addrs[0]);

  return head != NULL && head->chain < e->n_chains ? e->chains[head->chain] : NULL;
}

/* Whether chain @c of the plan has what @old was generated from: the
 * same processes, kinds, bypasses, names, parameters and item types,
 * and as many outputs. Generating a chain's text costs more than compiling a short
 * one, so an edit must not generate the chains it did not touch. */
static bool
same_inputs (const pb_engine *e,
             const chain     *old,
             const plan      *pl,
             const chain     *c)
{
  if (old->code == NULL || old->unit == NULL || old->n_procs != c->n_procs
      || old->n_outs != c->n_outs || old->source != c->source)
    return false;
  for (size_t k = 0; k < c->n_procs; k++)
    {
      const proc *p = &pl->procs[c->procs[k]];
      const proc *q = &e->procs[old->procs[k]];

      if (p->addr != q->addr || p->kind != q->kind || p->in_type != q->in_type
          || p->out_type != q->out_type || p->probed != q->probed
          || p->bypassed != q->bypassed || strcmp (p->name, q->name) != 0)
        return false;
      for (size_t i = 0; i < p->kind->n_params; i++)
        if (strcmp (p->params[i], q->params[i]) != 0)
          return false;
    }
  return true;
}

static int
layout_copy (pb_codegen_layout       *to,
             const pb_codegen_layout *from,
             size_t                   n_stages)
{
  *to = *from;
  to->in_point = calloc (n_stages + 1, sizeof *to->in_point);
  to->out_point = calloc (n_stages + 1, sizeof *to->out_point);
  to->state_text = calloc (n_stages + 1, sizeof *to->state_text);
  to->probe_slot = calloc (n_stages + 1, sizeof *to->probe_slot);
  if (to->in_point == NULL || to->out_point == NULL || to->state_text == NULL
      || to->probe_slot == NULL)
    return PB_ENOMEM;
  memcpy (to->in_point, from->in_point, n_stages * sizeof *to->in_point);
  memcpy (to->out_point, from->out_point, n_stages * sizeof *to->out_point);
  memcpy (to->probe_slot, from->probe_slot, n_stages * sizeof *to->probe_slot);
  for (size_t k = 0; k < n_stages; k++)
    if ((to->state_text[k] = strdup (from->state_text[k])) == NULL)
      return PB_ENOMEM;
  return PB_OK;
}

/* Generates the text of chain @c into c->code and c->layout. */
static int
generate (plan     *pl,
          chain    *c,
          pb_error *err)
{
  pb_codegen_stage *stages = calloc (c->n_procs, sizeof *stages);
  pb_codegen_chain spec;
  char unit_name[96];
  char *code = NULL;
  int rc;

  if (stages == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  for (size_t k = 0; k < c->n_procs; k++)
    {
      proc *p = &pl->procs[c->procs[k]];

      /* A bypassed process runs as pass: its parameters are its own
       * kind's, which pass never reads. */
      stages[k].kind = p->bypassed ? pb_kind_find ("pass") : p->kind;
      stages[k].name = p->name;
      stages[k].params = (const char **) p->params;
      stages[k].in_type = p->in_type;
      stages[k].out_type = p->out_type;
      stages[k].probed = p->probed;
    }
  snprintf (unit_name, sizeof unit_name, "chain of %s", stages[0].name);
  spec.stages = stages;
  spec.n_stages = c->n_procs;
  spec.in_type = c->source ? PB_ITEM_NONE : pl->procs[c->procs[0]].in_type;
  spec.n_outputs = c->n_outs;
  spec.profile = true;
  spec.unit_name = unit_name;
  spec.no_prelude = true;
  rc = pb_codegen_chain_source (&spec, &code, &c->layout, err);
  free (stages);
  if (rc != PB_OK)
    return rc;
  c->code = pb__source_new (code, pb_codegen_prelude ());
  if (c->code == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));
  return PB_OK;
}

/* The address of @c's symbol @name ("pb_run", "pb_fini_2"), under the name
 * it has in a unit shared with other chains. */
void *
pb__chain_symbol (const chain *c,
                  const char  *name)
{
  char renamed[48];

  if (c->unit_index == 0)
    return pb_jit_unit_symbol (c->unit, name);
  snprintf (renamed, sizeof renamed, "pb%u_%s", c->unit_index, name + 3);
  return pb_jit_unit_symbol (c->unit, renamed);
}

/* Gives chain @c its text, generated or shared with the old chain that
 * had the same inputs, and its unit when the old chain had the very same
 * text. A chain left without a unit is to be compiled. */
static int
chain_prepare (pb_engine *e,
               plan      *pl,
               chain     *c,
               pb_error  *err)
{
  const chain *old = old_chain_of (e, c);
  int rc;

  if (old != NULL && same_inputs (e, old, pl, c))
    {
      c->code = pb__source_ref (old->code);
      if (layout_copy (&c->layout, &old->layout, c->n_procs) != PB_OK)
        return pb_error_set (err, PB_ENOMEM, _("out of memory"));
    }
  else if ((rc = generate (pl, c, err)) != PB_OK)
    return rc;

  c->finis = calloc (c->n_procs, sizeof *c->finis);
  c->reports = calloc (c->n_procs, sizeof *c->reports);
  c->views = calloc (c->n_procs, sizeof *c->views);
  c->states = calloc (c->n_procs, sizeof *c->states);
  c->out_io = calloc (c->n_outs + 1, sizeof *c->out_io);
  c->counts = calloc (c->layout.n_counts, sizeof *c->counts);
  c->ticks = calloc (c->n_procs, sizeof *c->ticks);
  c->marks = calloc (c->n_procs, sizeof *c->marks);
  c->profile = calloc (c->n_procs, sizeof *c->profile);
  c->share = calloc (c->n_procs, sizeof *c->share);
  /* Any nonzero state will do: xorshift stays at zero. */
  c->sample_gap = 1;
  c->sample_rng = UINT64_C (0x9e3779b97f4a7c15);
  c->probes = calloc (c->layout.n_probes * PB_PROBE_STRIDE + 1, sizeof *c->probes);
  if (c->finis == NULL || c->reports == NULL || c->views == NULL || c->states == NULL
      || c->out_io == NULL || c->counts == NULL || c->ticks == NULL || c->marks == NULL
      || c->profile == NULL || c->share == NULL
      || c->probes == NULL)
    return pb_error_set (err, PB_ENOMEM, _("out of memory"));

  /* Reuse the unit of the old chain with identical code: this is what
   * makes an edit recompile only the chains it touched. Identical code
   * names the same head, so only the head's old chain can have it. The
   * old chain keeps its reference: it may be running meanwhile. */
  if (old != NULL && old->unit != NULL && old->code != NULL
      && (old->code == c->code || strcmp (old->code->text, c->code->text) == 0))
    {
      c->unit = pb_jit_unit_ref (old->unit);
      c->unit_index = old->unit_index;
      c->from = old;
      c->compile_ns = old->compile_ns;
      c->code_bytes = old->code_bytes;
      c->compiles = old->compiles;
      pl->kept++;
    }
  else
    c->compiles = old != NULL ? old->compiles + 1 : 1;
  return PB_OK;
}

/* Finds the compiled functions of chain @c in its unit. */
static void
chain_link (chain *c)
{
  c->run = (pb_chain_run_fn) pb__chain_symbol (c, "pb_run");
  c->run_prof = (pb_chain_run_fn) pb__chain_symbol (c, "pb_run_prof");
  for (size_t k = 0; k < c->n_procs; k++)
    {
      char sym[32];

      snprintf (sym, sizeof sym, "pb_fini_%zu", k);
      c->finis[k] = (pb_state_fini_fn) pb__chain_symbol (c, sym);
      snprintf (sym, sizeof sym, "pb_report_%zu", k);
      c->reports[k] = (pb_state_report_fn) pb__chain_symbol (c, sym);
      snprintf (sym, sizeof sym, "pb_view_%zu", k);
      c->views[k] = (pb_state_view_fn) pb__chain_symbol (c, sym);
    }
}

/* The length of what chain @c's text adds to the prelude, to compile:
 * whole, with its profiling variant, or (@full false) only what running
 * it needs. */
static size_t
chain_text_length (const chain *c,
                   bool         full)
{
  return full ? c->code->length : c->layout.lean_length;
}

/* Compiles chain @c alone into *@unit. */
static int
compile_one (const chain  *c,
             bool          full,
             pb_jit_unit **unit,
             pb_error     *err)
{
  pb_strbuf b;
  char *text;
  int rc;

  pb_strbuf_init (&b);
  pb_strbuf_append (&b, c->code->prelude);
  pb_strbuf_append_n (&b, c->code->text, chain_text_length (c, full));
  if (pb_strbuf_failed (&b))
    {
      pb_strbuf_clear (&b);
      return pb_error_set (err, PB_ENOMEM, _("out of memory"));
    }
  text = pb_strbuf_steal (&b);
  rc = pb_jit_compile (text, NULL, 0, unit, err) != PB_OK ? PB_ECOMPILE : PB_OK;
  free (text);
  return rc;
}

/* Appends to @b a #define (or, when @undef, an #undef) renaming symbol
 * pb_@name to pb@index_@name. */
static void
rename_symbol (pb_strbuf  *b,
               unsigned    index,
               const char *name,
               bool        undef)
{
  if (undef)
    pb_strbuf_printf (b, "#undef pb_%s\n", name);
  else
    pb_strbuf_printf (b, "#define pb_%s pb%u_%s\n", name, index, name);
}

static void
rename_symbols (pb_strbuf   *b,
                const chain *c,
                unsigned     index,
                bool         undef)
{
  static const char *const per_stage[] = { "state", "size", "init", "reopen", "fini", "report", "view" };

  rename_symbol (b, index, "run", undef);
  rename_symbol (b, index, "run_prof", undef);
  for (size_t k = 0; k < c->n_procs; k++)
    for (size_t i = 0; i < sizeof per_stage / sizeof *per_stage; i++)
      {
        char name[32];

        snprintf (name, sizeof name, "%s_%zu", per_stage[i], k);
        rename_symbol (b, index, name, undef);
      }
}

/*
 * Compiles @n chains as one unit, since tcc costs about a millisecond per
 * unit whatever its size (it reads its runtime library at each
 * relocation): the prelude once, then each chain's own text with its
 * symbols renamed (codegen.h). If the unit does not compile, each chain
 * is compiled alone, so that a mistake fails its own chain only.
 * @units[i] gets a reference to chain i's unit and @index[i] its index
 * in it (0: alone), or NULL with the reason in @errs[i].
 * Returns: PB_OK, or PB_ENOMEM.
 */
static int
compile_batch (chain       **batch,
               size_t        n,
               bool          full,
               pb_jit_unit **units,
               unsigned     *index,
               pb_error     *errs)
{
  pb_jit_unit *unit = NULL;
  pb_strbuf b;
  char *text;

  if (n > 1)
    {
      pb_strbuf_init (&b);
      pb_strbuf_append (&b, batch[0]->code->prelude);
      for (size_t i = 0; i < n; i++)
        {
          rename_symbols (&b, batch[i], (unsigned) i + 1, false);
          pb_strbuf_append_n (&b, batch[i]->code->text, chain_text_length (batch[i], full));
          rename_symbols (&b, batch[i], (unsigned) i + 1, true);
        }
      if (pb_strbuf_failed (&b))
        {
          pb_strbuf_clear (&b);
          return PB_ENOMEM;
        }
      text = pb_strbuf_steal (&b);
      if (pb_jit_compile (text, NULL, 0, &unit, NULL) != PB_OK)
        unit = NULL;
      free (text);
    }
  for (size_t i = 0; i < n; i++)
    {
      errs[i] = (pb_error) { PB_OK, "" };
      units[i] = NULL;
      index[i] = 0;
      if (unit != NULL)
        {
          units[i] = pb_jit_unit_ref (unit);
          index[i] = (unsigned) i + 1;
        }
      else if (compile_one (batch[i], full, &units[i], &errs[i]) == PB_ENOMEM)
        {
          for (size_t j = 0; j <= i; j++)
            pb_jit_unit_unref (units[j]);
          pb_jit_unit_unref (unit);
          return PB_ENOMEM;
        }
    }
  pb_jit_unit_unref (unit);
  return PB_OK;
}

/* What of its unit's compile a chain counts as its own. */
typedef struct
{
  uint64_t ns;
  uint64_t bytes;
} unit_share;

/* Gives chain @c the unit @unit (taking the reference) at @index, and
 * finds its functions there. */
static void
chain_set_unit (chain            *c,
                pb_jit_unit      *unit,
                unsigned          index,
                const unit_share *share)
{
  pb_jit_unit_unref (c->unit);
  c->unit = unit;
  c->unit_index = index;
  c->compile_ns += share->ns;
  c->code_bytes = share->bytes;
  chain_link (c);
}

/*
 * Two chains are twins when their texts are the same but for the names
 * of their processes, which a text gives only in the file names of its
 * #line directives (they lead compile errors to the process). A text is
 * read as pieces: the code up to the next #line, then that directive up
 * to its file name. Twins have the same pieces. Whole pieces are hashed
 * a word at a time and compared with memcmp(): 20,000 chains hold 100 MB
 * of text, which read a line and a byte at a time took a third of a
 * build.
 */
static size_t
next_piece (const char **p,
            const char **piece)
{
  const char *s = *p, *directive, *end, *quote;

  *piece = s;
  if (strncmp (s, "#line ", 6) != 0)
    {
      directive = strstr (s, "\n#line ");
      end = directive != NULL ? directive + 1 : s + strlen (s);
      *p = end;
      return (size_t) (end - s);
    }
  end = strchrnul (s, '\n');
  quote = memchr (s, '"', (size_t) (end - s));
  *p = *end != '\0' ? end + 1 : end;
  return (size_t) ((quote != NULL ? quote : end) - s);
}

/* Whether @a and @b are the same code, but for the names of processes. */
static bool
same_code (const char *a,
           const char *b)
{
  while (*a != '\0' && *b != '\0')
    {
      const char *pa, *pb;
      size_t la = next_piece (&a, &pa), lb = next_piece (&b, &pb);

      if (la != lb || memcmp (pa, pb, la) != 0)
        return false;
    }
  return *a == *b;
}

static uint64_t
code_hash (const char *p)
{
  const uint64_t prime = UINT64_C (1099511628211);
  uint64_t h = UINT64_C (14695981039346656037);

  while (*p != '\0')
    {
      const char *piece;
      size_t len = next_piece (&p, &piece), i = 0;

      for (; i + 8 <= len; i += 8)
        {
          uint64_t w;

          memcpy (&w, piece + i, sizeof w);
          h = (h ^ w) * prime;
          h ^= h >> 29;
        }
      for (; i < len; i++)
        h = (h ^ (unsigned char) piece[i]) * prime;
      h = (h ^ len) * prime;
    }
  return h;
}

/* Compiles the chains @chains (@in_batch of them, at @batch in the list
 * compile_chains() was given) as one unit, and files the results. */
static int
flush_batch (chain       **chains,
             const size_t *batch,
             size_t        in_batch,
             bool          full,
             pb_jit_unit **units,
             unsigned     *index,
             pb_error     *errs,
             unit_share   *shares)
{
  pb_jit_unit *u[BATCH_CHAINS];
  unsigned x[BATCH_CHAINS];
  pb_error e[BATCH_CHAINS];
  double own[BATCH_CHAINS], total = 0;

  if (compile_batch (chains, in_batch, full, u, x, e) != PB_OK)
    return PB_ENOMEM;
  for (size_t k = 0; k < in_batch; k++)
    {
      own[k] = (double) chain_text_length (chains[k], full);
      total += own[k];
    }
  for (size_t k = 0; k < in_batch; k++)
    {
      /* libtcc gives a unit's time and size, not each chain's: a chain
       * in a unit of several gets the part its own text is of theirs,
       * and one compiled alone (index 0) the whole. */
      double part = x[k] == 0 || total <= 0 ? 1.0 : own[k] / total;

      units[batch[k]] = u[k];
      index[batch[k]] = x[k];
      errs[batch[k]] = e[k];
      shares[batch[k]] = u[k] != NULL
        ? (unit_share) { (uint64_t) ((double) pb_jit_unit_compile_ns (u[k]) * part),
                         (uint64_t) ((double) pb_jit_unit_code_bytes (u[k]) * part) }
        : (unit_share) { 0, 0 };
    }
  return PB_OK;
}

/*
 * Compiles the @n chains of @list (@full: with their profiling variant),
 * giving @units[i] a reference to chain i's unit, @index[i] its index
 * there and @shares[i] its share of the unit's time and size, or a NULL
 * unit and the reason
 * in @errs[i]. Chains whose code is the same but for names (the same
 * kinds and parameters, as a broadcast's identical branches) are compiled
 * once and share the unit: their states are apart (pb_io->state), so the
 * code is theirs to share, unless it has static storage of its own. A
 * text that does not compile is compiled again for each of its twins, so
 * that each fails with its own names.
 * Returns: PB_OK, or PB_ENOMEM.
 */
static int
compile_chains (chain       **list,
                size_t        n,
                bool          full,
                pb_jit_unit **units,
                unsigned     *index,
                pb_error     *errs,
                unit_share   *shares)
{
  size_t n_slots = 16;
  size_t *slots, *rep;
  size_t batch[BATCH_CHAINS];
  chain *chains[BATCH_CHAINS];
  size_t in_batch = 0, bytes = 0;
  int rc = PB_OK;

  while (n_slots < 2 * n)
    n_slots *= 2;
  slots = malloc (n_slots * sizeof *slots);
  rep = calloc (n + 1, sizeof *rep);
  if (slots == NULL || rep == NULL)
    {
      free (slots);
      free (rep);
      return PB_ENOMEM;
    }
  memset (slots, 0xff, n_slots * sizeof *slots);
  for (size_t i = 0; i < n && rc == PB_OK; i++)
    {
      const char *text = list[i]->code->text;
      size_t len = chain_text_length (list[i], full);

      units[i] = NULL;
      index[i] = 0;
      shares[i] = (unit_share) { 0, 0 };
      errs[i] = (pb_error) { PB_OK, "" };
      rep[i] = i;
      /* The lean text is a prefix of the whole one: twins in one are twins
       * in the other, so the whole text is what is compared. */
      if (strstr (text, "static") == NULL)
        {
          size_t slot = code_hash (text) & (n_slots - 1);

          while (slots[slot] != SIZE_MAX
                 && !same_code (list[slots[slot]]->code->text, text))
            slot = (slot + 1) & (n_slots - 1);
          if (slots[slot] != SIZE_MAX)
            {
              rep[i] = slots[slot];
              continue;
            }
          slots[slot] = i;
        }
      batch[in_batch] = i;
      chains[in_batch++] = list[i];
      bytes += len;
      if (in_batch == BATCH_CHAINS || bytes >= BATCH_BYTES)
        {
          rc = flush_batch (chains, batch, in_batch, full, units, index, errs, shares);
          in_batch = bytes = 0;
        }
    }
  if (rc == PB_OK && in_batch > 0)
    rc = flush_batch (chains, batch, in_batch, full, units, index, errs, shares);
  for (size_t i = 0; i < n && rc == PB_OK; i++)
    {
      if (rep[i] == i)
        continue;
      if (units[rep[i]] != NULL)
        {
          /* It runs its twin's code: that code's size, and no time. */
          units[i] = pb_jit_unit_ref (units[rep[i]]);
          index[i] = index[rep[i]];
          shares[i].bytes = shares[rep[i]].bytes;
        }
      else if (compile_one (list[i], full, &units[i], &errs[i]) == PB_ENOMEM)
        rc = PB_ENOMEM;
      else if (units[i] != NULL)
        shares[i] = (unit_share) { pb_jit_unit_compile_ns (units[i]),
                                   pb_jit_unit_code_bytes (units[i]) };
    }
  if (rc != PB_OK)
    for (size_t i = 0; i < n; i++)
      {
        pb_jit_unit_unref (units[i]);
        units[i] = NULL;
      }
  free (slots);
  free (rep);
  return rc;
}

int
pb__plan_compile (pb_engine *e,
                  pb__plan  *pl,
                  pb_error  *err)
{
  chain **list = calloc (pl->n_chains + 1, sizeof *list);
  pb_jit_unit **units = calloc (pl->n_chains + 1, sizeof *units);
  unsigned *index = calloc (pl->n_chains + 1, sizeof *index);
  pb_error *errs = calloc (pl->n_chains + 1, sizeof *errs);
  unit_share *shares = calloc (pl->n_chains + 1, sizeof *shares);
  size_t n = 0;
  int rc = PB_OK;

  if (list == NULL || units == NULL || index == NULL || errs == NULL || shares == NULL)
    rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
  /* The topology is sound: from here on a chain that cannot be compiled or
   * started fails alone, and the rest is built. */
  for (size_t i = 0; i < pl->n_chains && rc == PB_OK; i++)
    {
      chain *c = pl->chains[i];
      pb_error cerr = { PB_OK, "" };
      int crc;

      c->engine = e;
      crc = chain_prepare (e, pl, c, &cerr);
      if (crc == PB_ENOMEM)
        rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
      else if (crc != PB_OK)
        pb__fail_at_build (pl, c, crc, &cerr, &pl->first);
      else if (c->unit != NULL)
        {
          /* The old chain's very code: its functions, found already. */
          c->run = c->from->run;
          c->run_prof = c->from->run_prof;
          memcpy (c->finis, c->from->finis, c->n_procs * sizeof *c->finis);
          memcpy (c->reports, c->from->reports, c->n_procs * sizeof *c->reports);
          memcpy (c->views, c->from->views, c->n_procs * sizeof *c->views);
        }
      else
        list[n++] = c;
    }
  pl->compiled = n;
  if (rc == PB_OK && compile_chains (list, n, false, units, index, errs, shares) != PB_OK)
    rc = pb_error_set (err, PB_ENOMEM, _("out of memory"));
  for (size_t i = 0; i < n && rc == PB_OK; i++)
    if (units[i] == NULL)
      pb__fail_at_build (pl, list[i], PB_ECOMPILE, &errs[i], &pl->first);
    else
      chain_set_unit (list[i], units[i], index[i], &shares[i]);
  free (list);
  free (units);
  free (index);
  free (errs);
  free (shares);
  return rc;
}

/* The profiling variants of an engine's chains, compiled after the swap
 * that brought the chains in: see engine-private.h. */
struct pb__profile
{
  uint64_t      generation;  /* the engine's, when they were compiled */
  chain       **chains;
  pb_jit_unit **units;
  unsigned     *index;
  unit_share   *shares;      /* each one's share of its unit */
  size_t        n;
  size_t        next;        /* the chain the next pass starts from */
  bool          more;        /* chains from there on want theirs */
};

void
pb__profile_free (pb__profile *pf)
{
  if (pf == NULL)
    return;
  for (size_t i = 0; i < pf->n; i++)
    pb_jit_unit_unref (pf->units[i]);
  free (pf->chains);
  free (pf->units);
  free (pf->index);
  free (pf->shares);
  free (pf);
}

int
pb__profile_compile (pb_engine    *e,
                     pb__profile **out)
{
  pb__profile *pf = calloc (1, sizeof *pf);
  pb_error *errs = NULL;
  size_t n = 0;
  int rc = PB_OK;

  *out = NULL;
  if (pf == NULL)
    return PB_ENOMEM;
  pf->generation = e->generation;
  pf->chains = calloc (e->n_chains + 1, sizeof *pf->chains);
  pf->units = calloc (e->n_chains + 1, sizeof *pf->units);
  pf->index = calloc (e->n_chains + 1, sizeof *pf->index);
  pf->shares = calloc (e->n_chains + 1, sizeof *pf->shares);
  errs = calloc (e->n_chains + 1, sizeof *errs);
  if (pf->chains == NULL || pf->units == NULL || pf->index == NULL || pf->shares == NULL
      || errs == NULL)
    rc = PB_ENOMEM;
  /* Only what a swap changes is read here (engine-private.h): a chain with
   * code and a unit, but not the profiling variant. */
  /* A pass compiles one unit's worth, so that an edit coming meanwhile
   * waits for that much at most; the next pass goes on from where this
   * one stopped, and a chain whose variant did not compile is not tried
   * again until the next swap. */
  for (size_t i = e->profile_next; i < e->n_chains && rc == PB_OK; i++)
    {
      chain *c = e->chains[i];

      if (n == BATCH_CHAINS)
        {
          pf->more = true;
          break;
        }
      pf->next = i + 1;
      if (c->unit != NULL && c->run_prof == NULL && c->code != NULL
          && chain_text_length (c, false) < c->code->length)
        pf->chains[n++] = c;
    }
  if (rc == PB_OK)
    rc = compile_chains (pf->chains, n, true, pf->units, pf->index, errs, pf->shares);
  /* A chain whose whole text does not compile runs on, unprofiled. */
  for (size_t i = 0; i < n && rc == PB_OK; i++)
    if (pf->units[i] != NULL)
      {
        pf->chains[pf->n] = pf->chains[i];
        pf->units[pf->n] = pf->units[i];
        pf->index[pf->n] = pf->index[i];
        pf->shares[pf->n++] = pf->shares[i];
      }
  free (errs);
  if (rc != PB_OK || (pf->n == 0 && !pf->more))
    {
      pb__profile_free (pf);
      return rc;
    }
  *out = pf;
  return PB_OK;
}

void
pb__profile_swap (pb_engine   *e,
                  pb__profile *pf)
{
  if (pf == NULL)
    return;
  /* The chains are the engine's still only if no plan was swapped in since:
   * else they are gone, and the next pass compiles the new ones. */
  if (pf->generation == e->generation)
    {
      for (size_t i = 0; i < pf->n; i++)
        {
          /* The states keep the unit that made them, with their fini; the
           * chain's code moves to the whole unit, which has the same
           * layout and adds pb_run_prof. */
          chain_set_unit (pf->chains[i], pf->units[i], pf->index[i], &pf->shares[i]);
          pf->units[i] = NULL;
        }
      e->profile_next = pf->next;
      e->profile_due |= pf->more;
    }
  else
    e->profile_due = true;
  pb__profile_free (pf);
}
