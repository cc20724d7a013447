/* pl-studio-report.c: the expectations page.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-studio"

#include "pl-studio-report.h"

#include "pl-studio-text.h"

struct _PlStudioReport {
  GtkBox parent_instance;

  GtkWidget *text;
};

G_DEFINE_FINAL_TYPE (PlStudioReport, pl_studio_report, GTK_TYPE_BOX)

static void
pl_studio_report_class_init (PlStudioReportClass *klass)
{
}

static void
pl_studio_report_init (PlStudioReport *self)
{
  self->text = pl_studio_text_view_new ("Expectations");
  gtk_box_append (GTK_BOX (self), self->text);
  gtk_widget_set_hexpand (self->text, TRUE);
  pl_studio_report_clear (self);
}

PlStudioReport *
pl_studio_report_new (void)
{
  return g_object_new (PL_TYPE_STUDIO_REPORT, NULL);
}

void
pl_studio_report_clear (PlStudioReport *self)
{
  GtkTextBuffer *buffer = pl_studio_text_view_clear (self->text);

  pl_studio_text_append (buffer, "The scenario's expectations are checked when the run ends.",
                         -1, "dim", NULL);
}

void
pl_studio_report_update (PlStudioReport *self,
                         PlPlayer       *player)
{
  g_autoptr (PlReport) report = NULL;
  g_autofree char *summary = NULL;
  GtkTextBuffer *buffer;

  g_return_if_fail (PL_IS_STUDIO_REPORT (self));

  if (pl_player_get_scenario (player) == NULL)
    return;
  report = pl_player_check (player);
  buffer = pl_studio_text_view_clear (self->text);
  summary = g_strdup_printf ("%s: %u of %u checks hold\n",
                             pl_verdict_to_string (report->verdict),
                             report->checks->len - pl_report_n_failed (report),
                             report->checks->len);
  pl_studio_text_append (buffer, summary, -1, "heading", NULL);
  if (pl_player_get_n_rules (player))
    pl_studio_text_append (buffer, "The studio's rules altered this run: failures may be "
                           "what the alteration shows.\n", -1, "dim", NULL);
  for (guint i = 0; i < report->checks->len; i++)
    {
      const PlCheck *check = g_ptr_array_index (report->checks, i);

      pl_studio_text_append (buffer, check->passed ? "PASS " : "FAIL ", -1,
                             check->passed ? "pass" : "fail", "key", NULL);
      pl_studio_text_append (buffer, check->name, -1, NULL, NULL);
      pl_studio_text_append (buffer, "\n", -1, NULL, NULL);
      if (!check->passed && check->message)
        {
          pl_studio_text_append (buffer, check->message, -1, "dim", NULL);
          pl_studio_text_append (buffer, "\n", -1, NULL, NULL);
        }
    }
}

char *
pl_studio_report_get_text (PlStudioReport *self)
{
  return pl_studio_text_view_get_text (self->text);
}
