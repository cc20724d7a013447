/* pl-callerpref.c: terminating target selection by caller preferences
 * (RFC 3841 §7.2) on sofia-sip's matching functions.
 *
 * sofia-sip does the feature matching (sip_contact_reject,
 * sip_contact_accept, sip_contact_score); this file decides what to drop
 * and how to group. Two places where sofia-sip's answer alone is not what
 * a push network needs:
 *
 *  - sip_contact_accept() returns S = N = 0 for a Contact without any
 *    parameter, so "explicit" (S < N) never fires for it. N is counted
 *    here instead: a contact that registered nothing registered nothing
 *    explicitly.
 *  - sip_contact_score() calls a Contact without feature parameters
 *    "immune" and gives it the best score, 1000. An OMA push carries
 *    Accept-Contact to reach the push-capable device (000_… §6.3.2,
 *    003_… B.2); an immune device outranking it would defeat that. So a
 *    contact without feature tags scores what its empty feature set
 *    earns: 0 against any Accept-Contact naming features.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-callerpref"

#include <math.h>

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_alloc.h>

#include "pl-registrar.h"

typedef struct {
  PlBinding *binding;
  int score;                 /* Qa × 1000 */
  int q;                     /* q × 1000 */
  guint order;               /* registration order, for a stable sort */
} Candidate;

static guint
count_feature_tags (const sip_caller_prefs_t *cp)
{
  guint n = 0;

  for (guint i = 0; cp->cp_params && cp->cp_params[i]; i++)
    if (sip_is_callerpref (cp->cp_params[i]))
      n++;
  return n;
}

/* RFC 3841 §7.2.4 for one Accept-Contact value: FALSE when a feature
 * value conflicts; *S the features the contact registered with a matching
 * value, *N the features the predicate names. */
static gboolean
accept_matches (const sip_contact_t        *m,
                const sip_accept_contact_t *ac,
                unsigned                   *S,
                unsigned                   *N)
{
  int error = 0;
  gboolean ok = sip_contact_accept (m, ac, S, N, &error) != 0;

  if (m->m_params == NULL)
    {
      *S = 0;
      *N = count_feature_tags (ac);
    }
  return ok;
}

static char *
header_text (su_home_t         *home,
             const sip_header_t *h)
{
  char *s = sip_header_as_string (home, h);

  return s ? s : "?";
}

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *x = a;
  const Candidate *y = b;

  /* The order to try (header: Qa, then the callee's q), then the order
   * of registration so that equal candidates keep a stable order. */
  if (x->score != y->score)
    return y->score - x->score;
  if (x->q != y->q)
    return y->q - x->q;
  return (x->order > y->order) - (x->order < y->order);
}

GPtrArray *
pl_callerpref_select (GPtrArray   *bindings,
                      const sip_t *request,
                      GString     *why)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autoptr (GArray) kept = NULL;
  GPtrArray *groups;
  const sip_accept_contact_t *accept;
  const sip_reject_contact_t *reject;

  g_return_val_if_fail (request != NULL, NULL);

  groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  kept = g_array_new (FALSE, TRUE, sizeof (Candidate));
  accept = request->sip_accept_contact;
  reject = request->sip_reject_contact;

  for (guint i = 0; bindings && i < bindings->len; i++)
    {
      PlBinding *b = g_ptr_array_index (bindings, i);
      const sip_contact_t *m = b->header;
      const char *dropped = NULL;
      const sip_caller_prefs_t *by = NULL;
      Candidate c = { b, 1000, (int) lround (b->q * 1000), i };

      /* §7.2.4: a contact matching every feature of a Reject-Contact
       * value goes. */
      for (const sip_reject_contact_t *rc = reject; rc && !dropped; rc = rc->cp_next)
        if (sip_contact_reject (m, rc))
          dropped = "matches Reject-Contact", by = rc;

      /* §7.2.4: "require" drops contacts whose features conflict with
       * the predicate; "require;explicit" also those that did not
       * register every feature it names. */
      for (const sip_accept_contact_t *ac = accept; ac && !dropped; ac = ac->cp_next)
        {
          unsigned S = 0, N = 0;
          gboolean match = accept_matches (m, ac, &S, &N);

          if (!ac->cp_require)
            continue;
          if (!match)
            dropped = "conflicts with required Accept-Contact", by = ac;
          else if (ac->cp_explicit && S < N)
            dropped = "did not register every feature of Accept-Contact", by = ac;
        }

      if (dropped)
        {
          if (why)
            g_string_append_printf (why, "%s: dropped, %s %s\n", b->uri, dropped,
                                    header_text (home, (const sip_header_t *) by));
          continue;
        }

      /* §7.2.4: Qa, the average score over the Accept-Contact values the
       * contact matches, from sofia-sip; without any Accept-Contact every
       * contact has the same Qa and only q orders them. */
      if (accept == NULL)
        c.score = 1000;
      else if (sip_contact_is_immune (m))
        c.score = 0;
      else
        c.score = MAX (sip_contact_score (m, accept, reject), 0);
      g_array_append_val (kept, c);
    }

  g_array_sort (kept, compare_candidates);

  /* Equal (Qa, q): one parallel group (RFC 3841 §7.2.4, RFC 3261 §16.6). */
  for (guint i = 0; i < kept->len; i++)
    {
      Candidate *c = &g_array_index (kept, Candidate, i);
      Candidate *prev = i > 0 ? &g_array_index (kept, Candidate, i - 1) : NULL;
      GPtrArray *group;

      if (prev == NULL || prev->score != c->score || prev->q != c->q)
        g_ptr_array_add (groups, g_ptr_array_new ());
      group = g_ptr_array_index (groups, groups->len - 1);
      g_ptr_array_add (group, c->binding);
      if (why)
        g_string_append_printf (why, "%s: Qa %d.%03d, q %d.%03d, group %u\n", c->binding->uri,
                                c->score / 1000, c->score % 1000, c->q / 1000, c->q % 1000,
                                groups->len);
    }

  su_home_deinit (home);
  return groups;
}
