/* pl-report.c: scenario run outcome.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-report"

#include "pl-report.h"

static void
check_free (gpointer data)
{
  PlCheck *check = data;

  g_free (check->name);
  g_free (check->message);
  g_free (check);
}

PlReport *
pl_report_new (const char *name,
               const char *file)
{
  PlReport *report = g_new0 (PlReport, 1);

  report->name = g_strdup (name);
  report->file = g_strdup (file);
  report->checks = g_ptr_array_new_with_free_func (check_free);
  return report;
}

void
pl_report_free (PlReport *report)
{
  if (report == NULL)
    return;
  g_free (report->name);
  g_free (report->file);
  g_free (report->error);
  g_ptr_array_unref (report->checks);
  g_free (report);
}

void
pl_report_add_check (PlReport   *report,
                     const char *name,
                     gboolean    passed,
                     const char *message)
{
  PlCheck *check;

  g_return_if_fail (report != NULL);

  check = g_new0 (PlCheck, 1);
  check->name = g_strdup (name);
  check->passed = passed;
  check->message = g_strdup (message);
  g_ptr_array_add (report->checks, check);
  if (!passed && report->verdict == PL_VERDICT_PASS)
    report->verdict = PL_VERDICT_FAIL;
}

guint
pl_report_n_failed (const PlReport *report)
{
  guint n = 0;

  g_return_val_if_fail (report != NULL, 0);
  for (guint i = 0; i < report->checks->len; i++)
    if (!((PlCheck *) g_ptr_array_index (report->checks, i))->passed)
      n++;
  return n;
}

const char *
pl_verdict_to_string (PlVerdict verdict)
{
  switch (verdict)
    {
    case PL_VERDICT_PASS:
      return "PASS";
    case PL_VERDICT_FAIL:
      return "FAIL";
    case PL_VERDICT_ERROR:
      return "ERROR";
    default:
      g_assert_not_reached ();
    }
}
