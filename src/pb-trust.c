/* pb-trust.c — which documents' code this user has agreed to run
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A document's expressions and C code run on the user's machine, with the
 * user's rights. As Blender does with scripts in files it did not make,
 * a document opens with its code neither compiled nor run until the
 * person says so; the yes is remembered for that exact code, by the
 * digest pb_document_dup_code_digest() gives, in the "trusted-code" key.
 * The list keeps the latest digests only, so it cannot grow without end.
 */

#include "config.h"

#include "pb-trust.h"

#define TRUST_KEY "trusted-code"
#define TRUST_MAX 500

/**
 * pb_trust_is_trusted:
 * @digest: (nullable): a document's code digest; %NULL for a document
 *   that runs no code of anyone's, which is always trusted
 *
 * Returns: whether the user has agreed to run this code
 */
gboolean
pb_trust_is_trusted (GSettings  *settings,
                     const char *digest)
{
  g_auto(GStrv) trusted = NULL;

  if (digest == NULL)
    return TRUE;

  trusted = g_settings_get_strv (settings, TRUST_KEY);
  return g_strv_contains ((const char * const *) trusted, digest);
}

/**
 * pb_trust_remember:
 * @digest: (nullable): code the user agreed to run, or typed
 *
 * Trusts @digest from now on, forgetting the oldest digest when the list
 * is full.
 */
void
pb_trust_remember (GSettings  *settings,
                   const char *digest)
{
  g_auto(GStrv) trusted = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) updated = NULL;
  guint n;

  if (digest == NULL || pb_trust_is_trusted (settings, digest))
    return;

  trusted = g_settings_get_strv (settings, TRUST_KEY);
  n = g_strv_length (trusted);
  builder = g_strv_builder_new ();
  for (guint i = n >= TRUST_MAX ? n - TRUST_MAX + 1 : 0; i < n; i++)
    g_strv_builder_add (builder, trusted[i]);
  g_strv_builder_add (builder, digest);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (settings, TRUST_KEY, (const char * const *) updated);
}
