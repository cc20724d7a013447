/* pl-export-junit.c: run reports as JUnit XML for CI.
 *
 * The de facto JUnit format that Jenkins, GitLab and GitHub read: one
 * <testsuite> per scenario, one <testcase> per expectation, <failure> for
 * one that did not hold, and a lone <error> testcase for a scenario that
 * could not run (bad input).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-export"

#include <string.h>

#include <libxml/xmlwriter.h>

#include "pl-export.h"

typedef struct {
  GOutputStream *out;
  GError *error;
} Sink;

/* A failed write is kept in the sink and reported once the document is
 * done; libxml2 is told all went well so it does not print its own "I/O
 * error" on stderr. Later writes are skipped. */
static int
on_sink_write (void       *context,
               const char *buffer,
               int         len)
{
  Sink *sink = context;

  if (sink->error == NULL)
    g_output_stream_write_all (sink->out, buffer, len, NULL, NULL, &sink->error);
  return len;
}

static int
on_sink_close (void *context)
{
  return 0;
}

/* XML 1.0 allows neither invalid UTF-8 nor most control characters, not
 * even as character references: both become U+FFFD. */
static char *
xml_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  GString *str = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
          c == 0xfffe || c == 0xffff)
        g_string_append_unichar (str, 0xfffd);
      else
        g_string_append_len (str, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (str, FALSE);
}

static gboolean
attr (xmlTextWriterPtr  w,
      const char       *name,
      const char       *value)
{
  g_autofree char *text = xml_text (value);

  return xmlTextWriterWriteAttribute (w, BAD_CAST name, BAD_CAST text) >= 0;
}

static gboolean
attr_uint (xmlTextWriterPtr  w,
           const char       *name,
           guint64           value)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, value);
  return attr (w, name, buf);
}

static gboolean
attr_seconds (xmlTextWriterPtr  w,
              const char       *name,
              double            seconds)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return attr (w, name, g_ascii_formatd (buf, sizeof buf, "%.3f", seconds));
}

static gboolean
property (xmlTextWriterPtr  w,
          const char       *name,
          const char       *value)
{
  return xmlTextWriterStartElement (w, BAD_CAST "property") >= 0 &&
         attr (w, "name", name) &&
         attr (w, "value", value) &&
         xmlTextWriterEndElement (w) >= 0;
}

/* "pushlab.a3-subscribe-notify" for "scenarios/a3-subscribe-notify.xml". */
static char *
report_classname (const PlReport *report)
{
  g_autofree char *base = g_path_get_basename (report->file ? report->file : "unnamed");

  if (g_str_has_suffix (base, ".xml") && strlen (base) > 4)
    base[strlen (base) - 4] = '\0';
  return g_strconcat ("pushlab.", base, NULL);
}

/* The failure or error element: message attribute and the same text as
 * content, so it shows both in summaries and in full logs. */
static gboolean
write_problem (xmlTextWriterPtr  w,
               const char       *element,
               const char       *message)
{
  g_autofree char *text = xml_text (message ? message : "");

  return xmlTextWriterStartElement (w, BAD_CAST element) >= 0 &&
         attr (w, "message", text) &&
         xmlTextWriterWriteString (w, BAD_CAST text) >= 0 &&
         xmlTextWriterEndElement (w) >= 0;
}

static gboolean
write_testcase (xmlTextWriterPtr  w,
                const char       *classname,
                const char       *name,
                const char       *problem_element,
                const char       *message)
{
  if (xmlTextWriterStartElement (w, BAD_CAST "testcase") < 0 ||
      !attr (w, "classname", classname) ||
      !attr (w, "name", name))
    return FALSE;
  if (problem_element != NULL && !write_problem (w, problem_element, message))
    return FALSE;
  return xmlTextWriterEndElement (w) >= 0;
}

static gboolean
write_suite (xmlTextWriterPtr  w,
             const PlReport   *report)
{
  g_autofree char *classname = report_classname (report);
  g_autofree char *suite_name = NULL;
  char buf[32];
  gboolean is_error = report->verdict == PL_VERDICT_ERROR;
  guint n_tests = is_error ? 1 : report->checks->len;

  suite_name = g_strdup (report->name ? report->name
                                      : classname + strlen ("pushlab."));

  if (xmlTextWriterStartElement (w, BAD_CAST "testsuite") < 0 ||
      !attr (w, "name", suite_name) ||
      !attr_uint (w, "tests", n_tests) ||
      !attr_uint (w, "failures", is_error ? 0 : pl_report_n_failed (report)) ||
      !attr_uint (w, "errors", is_error ? 1 : 0) ||
      !attr_seconds (w, "time", report->wall_seconds))
    return FALSE;

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, report->duration);
  if (xmlTextWriterStartElement (w, BAD_CAST "properties") < 0 ||
      !property (w, "file", report->file ? report->file : "") ||
      !property (w, "verdict", pl_verdict_to_string (report->verdict)) ||
      !property (w, "virtual_time_us", buf))
    return FALSE;
  g_snprintf (buf, sizeof buf, "%u", report->n_messages);
  if (!property (w, "messages", buf) ||
      xmlTextWriterEndElement (w) < 0)
    return FALSE;

  if (is_error)
    {
      if (!write_testcase (w, classname, "run", "error",
                           report->error ? report->error : "scenario error"))
        return FALSE;
    }
  else
    {
      for (guint i = 0; i < report->checks->len; i++)
        {
          const PlCheck *check = g_ptr_array_index (report->checks, i);

          if (!write_testcase (w, classname, check->name,
                               check->passed ? NULL : "failure",
                               check->message ? check->message : "failed"))
            return FALSE;
        }
    }
  return xmlTextWriterEndElement (w) >= 0;
}

static gboolean
write_all (xmlTextWriterPtr  w,
           GPtrArray        *reports)
{
  guint n_tests = 0;
  guint n_failures = 0;
  guint n_errors = 0;
  double wall = 0;

  for (guint i = 0; i < reports->len; i++)
    {
      const PlReport *report = g_ptr_array_index (reports, i);

      if (report->verdict == PL_VERDICT_ERROR)
        {
          n_tests++;
          n_errors++;
        }
      else
        {
          n_tests += report->checks->len;
          n_failures += pl_report_n_failed (report);
        }
      wall += report->wall_seconds;
    }

  if (xmlTextWriterSetIndent (w, 1) < 0 ||
      xmlTextWriterSetIndentString (w, BAD_CAST "  ") < 0 ||
      xmlTextWriterStartDocument (w, NULL, "UTF-8", NULL) < 0 ||
      xmlTextWriterStartElement (w, BAD_CAST "testsuites") < 0 ||
      !attr (w, "name", "pushlab") ||
      !attr_uint (w, "tests", n_tests) ||
      !attr_uint (w, "failures", n_failures) ||
      !attr_uint (w, "errors", n_errors) ||
      !attr_seconds (w, "time", wall))
    return FALSE;

  for (guint i = 0; i < reports->len; i++)
    if (!write_suite (w, g_ptr_array_index (reports, i)))
      return FALSE;

  return xmlTextWriterEndDocument (w) >= 0 && xmlTextWriterFlush (w) >= 0;
}

/**
 * pl_export_junit:
 * @reports: (element-type PlReport): the runs, in order
 * @out: where to write; not closed
 * @error: return location for a #GError
 *
 * Writes @reports as JUnit XML. A testcase's classname is
 * "pushlab.<scenario file basename without .xml>".
 *
 * Returns: %TRUE on success
 */
gboolean
pl_export_junit (GPtrArray      *reports,
                 GOutputStream  *out,
                 GError        **error)
{
  Sink sink = { out, NULL };
  xmlOutputBufferPtr buffer;
  xmlTextWriterPtr w;
  gboolean ok;

  g_return_val_if_fail (reports != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  buffer = xmlOutputBufferCreateIO (on_sink_write, on_sink_close, &sink, NULL);
  if (buffer == NULL)
    {
      g_set_error_literal (error, PL_EXPORT_ERROR, PL_EXPORT_ERROR_FAILED,
                           "Could not create an XML output buffer");
      return FALSE;
    }
  w = xmlNewTextWriter (buffer);   /* owns @buffer from here */
  if (w == NULL)
    {
      xmlOutputBufferClose (buffer);
      g_set_error_literal (error, PL_EXPORT_ERROR, PL_EXPORT_ERROR_FAILED,
                           "Could not create an XML writer");
      return FALSE;
    }

  ok = write_all (w, reports);
  xmlFreeTextWriter (w);

  if (sink.error != NULL)
    {
      g_propagate_error (error, sink.error);
      return FALSE;
    }
  if (!ok)
    {
      g_set_error_literal (error, PL_EXPORT_ERROR, PL_EXPORT_ERROR_FAILED,
                           "Could not write the JUnit XML report");
      return FALSE;
    }
  return TRUE;
}
