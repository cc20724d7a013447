/* test-inspect.c: messages of bundled scenarios taken apart as the
 * studio's inspector shows them; the scenario steps and their notes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "pl-inspect.h"
#include "pl-models.h"
#include "pl-scenario.h"

static PlScenario *
run_bundled (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "scenarios", name, NULL);
  g_autoptr(GError) error = NULL;
  PlScenario *scenario = NULL;
  PlReport *report = pl_scenario_run_file (path, NULL, &scenario, &error);

  g_assert_no_error (error);
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_PASS);
  pl_report_free (report);
  return scenario;
}

static PlTrace *
trace_of (PlScenario *scenario)
{
  return pl_sim_get_trace (pl_scenario_get_sim (scenario));
}

/* The @nth (from 0) message event of @kind from @from to @to whose label
 * starts with @label. */
static guint
find_message (PlTrace     *trace,
              PlEventKind  kind,
              const char  *from,
              const char  *to,
              const char  *label,
              guint        nth)
{
  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (!pl_trace_event_is_message (ev) || ev->kind != kind ||
          g_strcmp0 (pl_trace_get_node_id (trace, ev->from), from) != 0 ||
          g_strcmp0 (pl_trace_get_node_id (trace, ev->to), to) != 0 ||
          !g_str_has_prefix (ev->label ? ev->label : "", label))
        continue;
      if (nth-- == 0)
        return i;
    }
  g_assert_not_reached ();
  return PL_INSPECT_NONE;
}

static guint64
hop_of (PlTrace *trace,
        guint    index)
{
  return pl_trace_get_event (trace, index)->hop;
}

static const PlRelated *
find_related (const PlInspection *in,
              guint64             hop)
{
  for (guint i = 0; i < in->related->len; i++)
    if (g_array_index (in->related, PlRelated, i).hop == hop)
      return &g_array_index (in->related, PlRelated, i);
  return NULL;
}

/* Aborts the test when the message has no such header. */
static const PlHeaderSpan *
get_header (const PlMessageView *view,
            const char          *name)
{
  for (guint i = 0; i < view->headers->len; i++)
    {
      const PlHeaderSpan *h = &g_array_index (view->headers, PlHeaderSpan, i);

      if (g_ascii_strcasecmp (h->name, name) == 0)
        return h;
    }
  g_error ("no %s header", name);
}

/* Aborts the test when @hop is not related. */
static const PlRelated *
get_related (const PlInspection *in,
             guint64             hop)
{
  for (guint i = 0; i < in->related->len; i++)
    if (g_array_index (in->related, PlRelated, i).hop == hop)
      return &g_array_index (in->related, PlRelated, i);
  g_error ("hop %" G_GUINT64_FORMAT " is not related", hop);
}

static char *
span_text (const PlMessageView *view,
           gsize                start,
           gsize                end)
{
  g_assert_cmpuint (start, <=, end);
  g_assert_cmpuint (end, <=, strlen (view->text));
  return g_strndup (view->text + start, end - start);
}

static gboolean
has_node_event (PlTrace            *trace,
                const PlInspection *in,
                const char         *name,
                const char         *node)
{
  for (guint i = 0; i < in->node_events->len; i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, g_array_index (in->node_events, guint, i));

      if (g_strcmp0 (ev->name, name) == 0 && g_strcmp0 (pl_trace_get_node_id (trace, ev->node), node) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A.2: the MESSAGE as the S-CSCF receives it. */
static void
test_message_at_scscf (void)
{
  g_autoptr(PlScenario) scenario = run_bundled ("a2-message.xml");
  PlTrace *trace = trace_of (scenario);
  guint deliver = find_message (trace, PL_EVENT_DELIVER, "psa", "scscf", "MESSAGE", 0);
  guint send = find_message (trace, PL_EVENT_SEND, "psa", "scscf", "MESSAGE", 0);
  guint ok = find_message (trace, PL_EVENT_SEND, "scscf", "psa", "200", 0);
  guint forwarded = find_message (trace, PL_EVENT_SEND, "scscf", "pcscf", "MESSAGE", 0);
  guint registered = find_message (trace, PL_EVENT_SEND, "ue", "pcscf", "REGISTER", 0);
  g_autoptr(PlInspection) in = pl_inspect_message (trace, deliver);
  g_autoptr(PlInspection) from_send = pl_inspect_message (trace, send);
  const PlMessageView *v;
  const PlHeaderSpan *h;
  const PlRelated *r;
  g_autofree char *start = NULL, *branch = NULL;

  g_assert_nonnull (in);
  g_assert_cmpuint (in->send_index, ==, send);
  g_assert_cmpuint (in->end_index, ==, deliver);
  g_assert_cmpint (in->end_kind, ==, PL_EVENT_DELIVER);
  g_assert_cmpuint (from_send->hop, ==, in->hop);
  g_assert_cmpuint (from_send->end_index, ==, deliver);
  g_assert_false (in->altered);
  g_assert_null (in->diff);
  g_assert_true (g_bytes_equal (in->sent->wire, in->delivered->wire));

  v = in->delivered;
  g_assert_true (v->start_line.parsed);
  g_assert_true (v->start_line.is_request);
  g_assert_cmpstr (v->start_line.method, ==, "MESSAGE");
  g_assert_cmpstr (v->start_line.uri, ==, "sip:john.doe@home1.net");
  g_assert_cmpstr (v->start_line.protocol, ==, "SIP/2.0");
  g_assert_null (v->start_line.problem);
  start = span_text (v, v->start_line.start, v->start_line.end);
  g_assert_cmpstr (start, ==, "MESSAGE sip:john.doe@home1.net SIP/2.0");

  /* Every span points at its own name and value. */
  g_assert_cmpuint (v->headers->len, >=, 10);
  for (guint i = 0; i < v->headers->len; i++)
    {
      const PlHeaderSpan *s = &g_array_index (v->headers, PlHeaderSpan, i);
      g_autofree char *name = span_text (v, s->name_start, s->name_end);
      g_autofree char *value = span_text (v, s->value_start, s->value_end);
      g_autofree char *line = span_text (v, s->line_start, s->line_end);

      g_assert_cmpstr (name, ==, s->name);
      g_assert_cmpstr (value, ==, s->value);
      g_assert_true (g_str_has_prefix (line, name));
      g_assert_true (g_str_has_suffix (line, value));
      g_assert_cmpuint (s->line_start, >, v->start_line.end);
      g_assert_cmpuint (s->line_end, <, v->body_start);
      g_assert_false (s->changed);
    }
  h = get_header (v, "Accept-Contact");
  g_assert_cmpstr (h->value, ==, "*;+g.oma.sip-push.0x05;require;explicit");
  h = get_header (v, "CSeq");
  g_assert_cmpstr (h->value, ==, "1 MESSAGE");

  /* The body is the pushed text, as is. */
  g_assert_cmpstr (v->content_type, ==, "application/vnd.syncml.ds.notification");
  g_assert_cmpint (v->body_kind, ==, PL_BODY_TEXT);
  g_assert_nonnull (strstr (v->body, "SyncML DS server alert"));
  g_assert_true (g_str_has_prefix (v->text + v->body_start, "SyncML DS server alert"));

  /* Transaction: the top Via's branch and the method; no dialog. */
  h = get_header (v, "Via");
  branch = g_strdup (strstr (h->value, "branch=") + strlen ("branch="));
  branch[strcspn (branch, ";")] = '\0';
  {
    g_autofree char *want = g_strdup_printf ("%s MESSAGE", branch);
    g_assert_cmpstr (in->transaction_key, ==, want);
  }
  g_assert_null (in->dialog_key);

  /* Related: its 200 in the same transaction, the copy it caused. */
  r = get_related (in, hop_of (trace, ok));
  g_assert_cmpuint (r->why, ==, PL_RELATED_TRANSACTION);
  g_assert_cmpuint (r->send_index, ==, ok);
  r = get_related (in, hop_of (trace, forwarded));
  g_assert_cmpuint (r->why, ==, PL_RELATED_CAUSED_BY);
  g_assert_null (find_related (in, hop_of (trace, registered)));
  g_assert_null (find_related (in, in->hop));
  for (guint i = 1; i < in->related->len; i++)
    g_assert_cmpuint (g_array_index (in->related, PlRelated, i - 1).hop, <,
                      g_array_index (in->related, PlRelated, i).hop);

  /* Node events its delivery caused: the S-CSCF's iFC and routing. */
  g_assert_true (has_node_event (trace, in, "ifc", "scscf"));
  g_assert_true (has_node_event (trace, in, "route", "scscf"));
  g_assert_false (has_node_event (trace, in, "push", "ue"));

  {
    g_autofree char *why = pl_related_flags_to_string (PL_RELATED_TRANSACTION | PL_RELATED_CAUSE);
    g_assert_cmpstr (why, ==, "transaction, cause");
  }
  g_assert_null (pl_inspect_message (trace, 0));  /* a node event */
  g_assert_null (pl_inspect_message (trace, pl_trace_get_n_events (trace)));
}

/* The 200 the S-CSCF sends back: caused by the 200 it received. */
static void
test_response_cause (void)
{
  g_autoptr(PlScenario) scenario = run_bundled ("a2-message.xml");
  PlTrace *trace = trace_of (scenario);
  guint ok = find_message (trace, PL_EVENT_DELIVER, "scscf", "psa", "200", 0);
  guint ok_in = find_message (trace, PL_EVENT_DELIVER, "pcscf", "scscf", "200", 0);
  guint message = find_message (trace, PL_EVENT_SEND, "psa", "scscf", "MESSAGE", 0);
  g_autoptr(PlInspection) in = pl_inspect_message (trace, ok);
  const PlRelated *r;

  g_assert_false (in->delivered->start_line.is_request);
  g_assert_cmpuint (in->delivered->start_line.status, ==, 200);
  g_assert_cmpstr (in->delivered->start_line.reason, ==, "OK");
  g_assert_cmpint (in->delivered->body_kind, ==, PL_BODY_NONE);
  r = get_related (in, hop_of (trace, message));
  g_assert_cmpuint (r->why, ==, PL_RELATED_TRANSACTION);
  r = get_related (in, hop_of (trace, ok_in));
  g_assert_true (r->why & PL_RELATED_CAUSE);
}

/* A.3: the SUBSCRIBE dialog: the NOTIFYs and the SUBSCRIBE share it. */
static void
test_dialog (void)
{
  g_autoptr(PlScenario) scenario = run_bundled ("a3-subscribe-notify.xml");
  PlTrace *trace = trace_of (scenario);
  g_autoptr(PlTraceIndex) index = pl_trace_index_new (trace);
  guint notify = find_message (trace, PL_EVENT_DELIVER, "pcscf", "ue", "NOTIFY", 1);
  guint subscribe = find_message (trace, PL_EVENT_SEND, "ue", "pcscf", "SUBSCRIBE", 0);
  guint first_notify = find_message (trace, PL_EVENT_SEND, "psa", "scscf", "NOTIFY", 0);
  guint message_register = find_message (trace, PL_EVENT_SEND, "ue", "pcscf", "REGISTER", 0);
  g_autoptr(PlInspection) in = pl_trace_index_inspect (index, notify);
  g_autoptr(PlInspection) sub = pl_trace_index_inspect (index, subscribe);
  g_auto(GStrv) parts = NULL;
  const PlRelated *r;

  g_assert_nonnull (in->dialog_key);
  parts = g_strsplit (in->dialog_key, ";", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 3);  /* Call-ID and both tags */
  g_assert_cmpint (strcmp (parts[1], parts[2]), <, 0);
  r = get_related (in, hop_of (trace, subscribe));
  g_assert_true (r->why & PL_RELATED_DIALOG);
  r = get_related (in, hop_of (trace, first_notify));
  g_assert_true (r->why & PL_RELATED_DIALOG);
  g_assert_null (find_related (in, hop_of (trace, message_register)));

  /* The SUBSCRIBE before the dialog has its second tag. */
  g_assert_nonnull (sub->dialog_key);
  g_assert_nonnull (find_related (sub, hop_of (trace, notify)));
  g_assert_cmpuint (pl_trace_index_get_send (index, in->hop), ==, in->send_index);
  g_assert_cmpuint (pl_trace_index_get_end (index, in->hop), ==, notify);
  g_assert_cmpuint (pl_trace_index_get_send (index, 0), ==, PL_INSPECT_NONE);
}

/* sip-alteration.xml: a rule retypes the first MESSAGE on delivery. */
static void
test_altered (void)
{
  g_autoptr(PlScenario) scenario = run_bundled ("sip-alteration.xml");
  PlTrace *trace = trace_of (scenario);
  guint deliver = find_message (trace, PL_EVENT_DELIVER, "proxy", "bob", "MESSAGE", 0);
  guint second = find_message (trace, PL_EVENT_DROP, "proxy", "bob", "MESSAGE", 0);
  g_autoptr(PlInspection) in = pl_inspect_message (trace, deliver);
  g_autoptr(PlInspection) refused = pl_inspect_message (trace, second);
  const PlTraceEvent *rule;
  guint n_changed = 0;

  g_assert_true (in->altered);
  g_assert_nonnull (in->diff);
  for (guint i = 0; i < in->diff->len; i++)
    {
      const PlDiffLine *d = &g_array_index (in->diff, PlDiffLine, i);

      if (d->op == PL_DIFF_SAME)
        {
          g_assert_cmpstr (d->sent, ==, d->delivered);
          continue;
        }
      n_changed++;
      g_assert_cmpint (d->op, ==, PL_DIFF_CHANGED);
      g_assert_cmpstr (d->sent, ==, "Content-Type: text/plain");
      g_assert_cmpstr (d->delivered, ==, "Content-Type: application/vnd.example+xml");
      g_assert_cmpuint (d->sent_line, ==, d->delivered_line);
    }
  g_assert_cmpuint (n_changed, ==, 1);

  for (guint i = 0; i < in->delivered->headers->len; i++)
    {
      const PlHeaderSpan *h = &g_array_index (in->delivered->headers, PlHeaderSpan, i);

      g_assert_cmpint (h->changed, ==, g_ascii_strcasecmp (h->name, "Content-Type") == 0);
    }
  g_assert_true (get_header (in->sent, "Content-Type")->changed);
  g_assert_cmpstr (in->sent->content_type, ==, "text/plain");
  g_assert_cmpstr (in->delivered->content_type, ==, "application/vnd.example+xml");
  /* "one" is not XML: shown as is, with libxml2's reason. */
  g_assert_cmpint (in->delivered->body_kind, ==, PL_BODY_TEXT);
  g_assert_nonnull (in->delivered->body_note);

  g_assert_cmpuint (in->rule_events->len, ==, 1);
  rule = pl_trace_get_event (trace, g_array_index (in->rule_events, guint, 0));
  g_assert_cmpint (rule->kind, ==, PL_EVENT_RULE);
  g_assert_cmpstr (pl_trace_event_get_field (rule, "rule")->str, ==, "retype");

  /* The second is answered by a rule: dropped on the way. */
  g_assert_cmpint (refused->end_kind, ==, PL_EVENT_DROP);
  g_assert_cmpuint (refused->rule_events->len, ==, 1);
  g_assert_false (refused->altered);
}

/* B.3: the INVITE's SDP through sofia-sip; the MSRP SEND's start line. */
static void
test_sdp_and_msrp (void)
{
  g_autoptr(PlScenario) scenario = run_bundled ("b3-invite-msrp.xml");
  PlTrace *trace = trace_of (scenario);
  guint invite = find_message (trace, PL_EVENT_DELIVER, "proxy", "pra", "INVITE", 0);
  guint chunk = find_message (trace, PL_EVENT_DELIVER, "psa", "pra", "SEND", 0);
  g_autoptr(PlInspection) in = pl_inspect_message (trace, invite);
  g_autoptr(PlInspection) send = pl_inspect_message (trace, chunk);
  const PlMessageView *v = in->delivered;
  g_autofree char *key = NULL;

  g_assert_cmpstr (v->content_type, ==, "application/sdp");
  g_assert_cmpint (v->body_kind, ==, PL_BODY_SDP);
  g_assert_null (v->body_note);
  g_assert_true (g_str_has_prefix (v->body, "v=0\r\n"));
  g_assert_nonnull (strstr (v->body, "\r\nm=message "));
  g_assert_nonnull (strstr (v->body, " TCP/MSRP *\r\n"));
  g_assert_nonnull (strstr (v->body, "\r\na=path:msrp://"));
  g_assert_nonnull (in->dialog_key);

  v = send->delivered;
  g_assert_true (v->start_line.parsed);
  g_assert_cmpstr (v->start_line.protocol, ==, "MSRP");
  g_assert_cmpstr (v->start_line.method, ==, "SEND");
  g_assert_nonnull (v->start_line.transaction_id);
  key = g_strdup_printf ("MSRP %s", v->start_line.transaction_id);
  g_assert_cmpstr (send->transaction_key, ==, key);
  g_assert_cmpstr (g_array_index (v->headers, PlHeaderSpan, 0).name, ==, "To-Path");
  g_assert_cmpstr (v->content_type, ==, "application/vnd.oma.push");
  g_assert_nonnull (v->body);
  /* Its 200 is in the same MSRP transaction. */
  g_assert_nonnull (find_related (send, hop_of (trace, find_message (trace, PL_EVENT_SEND,
                                                                      "pra", "psa", "200", 0))));
}

/* A.4: the PIDF document re-indented by libxml2; the HTTP fetch. */
static void
test_pidf_and_http (void)
{
  g_autoptr(PlScenario) scenario = run_bundled ("a4-presence-capabilities.xml");
  PlTrace *trace = trace_of (scenario);
  guint publish = find_message (trace, PL_EVENT_DELIVER, "pcscf", "scscf", "PUBLISH", 0);
  g_autoptr(PlInspection) in = pl_inspect_message (trace, publish);
  const PlMessageView *v = in->delivered;
  guint get = PL_INSPECT_NONE;

  g_assert_cmpstr (v->content_type, ==, "application/pidf+xml");
  g_assert_cmpint (v->body_kind, ==, PL_BODY_XML);
  g_assert_true (g_str_has_prefix (v->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<presence "));
  g_assert_nonnull (strstr (v->body, "\n  <tuple id="));
  g_assert_nonnull (strstr (v->body, "\n    <status>\n      <basic>open</basic>\n"));
  g_assert_nonnull (strstr (v->body, "od:device-profile"));

  for (guint i = 0; i < pl_trace_get_n_events (trace) && get == PL_INSPECT_NONE; i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (ev->kind == PL_EVENT_DELIVER && ev->proto == g_intern_static_string ("http"))
        get = i;
    }
  g_assert_cmpuint (get, !=, PL_INSPECT_NONE);
  {
    g_autoptr(PlInspection) http = pl_inspect_message (trace, get);

    g_assert_true (http->delivered->start_line.parsed);
    g_assert_true (http->delivered->start_line.is_request);
    g_assert_cmpstr (http->delivered->start_line.method, ==, "GET");
    g_assert_true (g_str_has_prefix (http->delivered->start_line.uri, "/"));
    g_assert_cmpstr (http->delivered->start_line.protocol, ==, "HTTP/1.1");
    g_assert_cmpstr (get_header (http->delivered, "Host")->name, ==, "Host");
  }
}

static void
test_body_kinds (void)
{
  static const char sdp_bad[] = "v=0\r\nm=message 1 TCP/MSRP a/b\r\n";
  static const char doctype[] = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"boom\">]><x>&e;</x>";
  static const char binary[] = { 0x00, 0x01, (char) 0xff, 'A' };
  PlBodyKind kind;
  g_autofree char *note = NULL;
  g_autofree char *out = pl_body_pretty ("application/sdp", sdp_bad, strlen (sdp_bad), &kind, &note);

  /* The m= line guard: shown as is, never handed to sdp_parse. */
  g_assert_cmpint (kind, ==, PL_BODY_TEXT);
  g_assert_cmpstr (out, ==, sdp_bad);
  g_assert_nonnull (strstr (note, "is not m=<media>"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&note, g_free);

  out = pl_body_pretty ("application/resource-lists+xml; charset=UTF-8", doctype, strlen (doctype),
                        &kind, &note);
  g_assert_cmpint (kind, ==, PL_BODY_TEXT);
  g_assert_cmpstr (out, ==, doctype);
  g_assert_nonnull (note);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&note, g_free);

  out = pl_body_pretty ("message/sipfrag", "SIP/2.0 200 OK\r\n", 16, &kind, &note);
  g_assert_cmpint (kind, ==, PL_BODY_TEXT);
  g_assert_cmpstr (out, ==, "SIP/2.0 200 OK\r\n");
  g_assert_null (note);
  g_clear_pointer (&out, g_free);

  out = pl_body_pretty ("application/octet-stream", binary, sizeof binary, &kind, NULL);
  g_assert_cmpint (kind, ==, PL_BODY_BINARY);
  g_assert_cmpstr (out, ==, "00000000  00 01 ff 41                                       |...A|\n");
  g_clear_pointer (&out, g_free);

  out = pl_body_pretty (NULL, "<a><b>x</b></a>", 15, &kind, NULL);
  g_assert_cmpint (kind, ==, PL_BODY_XML);
  g_assert_cmpstr (out, ==, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\n  <b>x</b>\n</a>\n");
  g_clear_pointer (&out, g_free);

  g_assert_null (pl_body_pretty ("text/plain", "", 0, &kind, NULL));
  g_assert_cmpint (kind, ==, PL_BODY_NONE);
}

static void
test_diff_lines (void)
{
  static const char a[] = "A\r\nB\r\nC\r\nD\r\n\r\n";
  static const char b[] = "A\r\nX\r\nC\r\nD\r\nE\r\n\r\n";
  g_autoptr(GArray) diff = pl_diff_lines (a, strlen (a), b, strlen (b));
  static const PlDiffOp want[] = {
    PL_DIFF_SAME, PL_DIFF_CHANGED, PL_DIFF_SAME, PL_DIFF_SAME, PL_DIFF_ADDED, PL_DIFF_SAME,
  };

  g_assert_cmpuint (diff->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < diff->len; i++)
    g_assert_cmpint (g_array_index (diff, PlDiffLine, i).op, ==, want[i]);
  g_assert_cmpstr (g_array_index (diff, PlDiffLine, 1).sent, ==, "B");
  g_assert_cmpstr (g_array_index (diff, PlDiffLine, 1).delivered, ==, "X");
  g_assert_cmpstr (g_array_index (diff, PlDiffLine, 4).delivered, ==, "E");
  g_assert_cmpuint (g_array_index (diff, PlDiffLine, 4).sent_line, ==, 0);
  g_assert_cmpuint (g_array_index (diff, PlDiffLine, 4).delivered_line, ==, 5);
  g_assert_cmpuint (g_array_index (diff, PlDiffLine, 5).sent_line, ==, 5);
  g_assert_cmpuint (g_array_index (diff, PlDiffLine, 5).delivered_line, ==, 6);

  /* A line removed: the others stay paired. */
  g_clear_pointer (&diff, g_array_unref);
  diff = pl_diff_lines ("1\n2\n3\n", 6, "1\n3\n", 4);
  g_assert_cmpuint (diff->len, ==, 3);
  g_assert_cmpint (g_array_index (diff, PlDiffLine, 1).op, ==, PL_DIFF_REMOVED);
  g_assert_cmpstr (g_array_index (diff, PlDiffLine, 1).sent, ==, "2");
  g_assert_null (g_array_index (diff, PlDiffLine, 1).delivered);
}

/* The index follows a run under way. */
static void
test_incremental (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "scenarios", "a2-message.xml", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PlScenario) scenario = pl_scenario_load (path, NULL, &error);
  PlScheduler *scheduler;
  PlTrace *trace;
  g_autoptr(PlTraceIndex) index = NULL;
  guint send = PL_INSPECT_NONE;

  g_assert_no_error (error);
  pl_scenario_start (scenario);
  scheduler = pl_sim_get_scheduler (pl_scenario_get_sim (scenario));
  trace = trace_of (scenario);
  index = pl_trace_index_new (trace);
  while (send == PL_INSPECT_NONE && pl_scheduler_step (scheduler))
    for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
      {
        const PlTraceEvent *ev = pl_trace_get_event (trace, i);

        if (ev->kind == PL_EVENT_SEND && g_strcmp0 (ev->label, "MESSAGE") == 0)
          send = i;
      }
  g_assert_cmpuint (send, !=, PL_INSPECT_NONE);
  {
    g_autoptr(PlInspection) in = pl_trace_index_inspect (index, send);
    const char *label = NULL, *note = NULL;

    g_assert_cmpuint (in->end_index, ==, PL_INSPECT_NONE);  /* in flight */
    g_assert_null (in->delivered);
    g_assert_nonnull (in->sent);
    /* Not matched yet: step 1 is its delivery. */
    g_assert_false (pl_scenario_get_step_for_event (scenario, send, &label, &note));
  }
  pl_scheduler_run (scheduler);
  {
    g_autoptr(PlInspection) in = pl_trace_index_inspect (index, send);
    const char *label = NULL, *note = NULL;

    g_assert_cmpuint (in->end_index, !=, PL_INSPECT_NONE);
    g_assert_nonnull (in->delivered);
    g_assert_cmpuint (in->related->len, >, 0);
    g_assert_true (pl_scenario_get_step_for_event (scenario, send, &label, &note));
    g_assert_cmpstr (label, ==, "1");
  }
}

static void
test_steps (void)
{
  g_autoptr(PlScenario) a2 = run_bundled ("a2-message.xml");
  g_autoptr(PlScenario) a3 = run_bundled ("a3-subscribe-notify.xml");
  PlTrace *trace = trace_of (a2);
  guint message = find_message (trace, PL_EVENT_DELIVER, "psa", "scscf", "MESSAGE", 0);
  guint message_send = find_message (trace, PL_EVENT_SEND, "psa", "scscf", "MESSAGE", 0);
  guint at_ue = find_message (trace, PL_EVENT_DELIVER, "pcscf", "ue", "MESSAGE", 0);
  guint last = find_message (trace, PL_EVENT_DELIVER, "scscf", "psa", "200", 0);
  guint reg = find_message (trace, PL_EVENT_DELIVER, "ue", "pcscf", "REGISTER", 0);
  const char *label, *note;

  g_assert_true (pl_scenario_get_step_for_event (a2, message, &label, &note));
  g_assert_cmpstr (label, ==, "1");
  g_assert_true (g_str_has_prefix (note, "A.2 (Figure 3), §6.3.2: the Push Sender agent SHALL set the Accept-Contact"));
  /* The send of the same transmission shows the same step. */
  g_assert_true (pl_scenario_get_step_for_event (a2, message_send, &label, NULL));
  g_assert_cmpstr (label, ==, "1");
  g_assert_true (pl_scenario_get_step_for_event (a2, at_ue, &label, &note));
  g_assert_cmpstr (label, ==, "3");
  g_assert_nonnull (strstr (note, "route the incoming MESSAGE to the correct push application"));
  g_assert_true (pl_scenario_get_step_for_event (a2, last, &label, &note));
  g_assert_cmpstr (label, ==, "6");
  g_assert_nonnull (strstr (note, "Push request accepted"));
  g_assert_false (pl_scenario_get_step_for_event (a2, reg, &label, &note));
  g_assert_null (label);
  g_assert_null (note);
  g_assert_false (pl_scenario_get_step_for_event (a2, pl_trace_get_n_events (trace), NULL, NULL));

  trace = trace_of (a3);
  g_assert_true (pl_scenario_get_step_for_event (a3, find_message (trace, PL_EVENT_DELIVER, "pcscf", "ue",
                                                                   "NOTIFY", 0), &label, &note));
  g_assert_cmpstr (label, ==, "6");
  g_assert_cmpstr (note, ==, "A.3 step 6: The SIP/IP Core network forwards the SIP NOTIFY request "
                             "to the appropriate Push Receiver agent.");
  g_assert_true (pl_scenario_get_step_for_event (a3, find_message (trace, PL_EVENT_DELIVER, "scscf", "psa",
                                                                   "200", 1), &label, &note));
  g_assert_cmpstr (label, ==, "12");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pl_models_register ();

  g_test_add_func ("/inspect/message-at-scscf", test_message_at_scscf);
  g_test_add_func ("/inspect/response-cause", test_response_cause);
  g_test_add_func ("/inspect/dialog", test_dialog);
  g_test_add_func ("/inspect/altered", test_altered);
  g_test_add_func ("/inspect/sdp-and-msrp", test_sdp_and_msrp);
  g_test_add_func ("/inspect/pidf-and-http", test_pidf_and_http);
  g_test_add_func ("/inspect/body-kinds", test_body_kinds);
  g_test_add_func ("/inspect/diff-lines", test_diff_lines);
  g_test_add_func ("/inspect/incremental", test_incremental);
  g_test_add_func ("/inspect/steps", test_steps);
  return g_test_run ();
}
