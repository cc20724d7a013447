/* pl-xml-attr.c: typed attributes of scenario elements, and the units
 * (durations, bandwidths) they are written in.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-xml"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "pl-xml.h"

const char *
pl_xml_attr (xmlNode    *node,
             const char *name)
{
  xmlAttr *attr;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (attr = node->properties; attr != NULL; attr = attr->next)
    {
      if (attr->ns != NULL || !xmlStrEqual (attr->name, BAD_CAST name))
        continue;
      if (attr->children == NULL)
        return "";
      /* Without a DTD there are no entity references: one text child. */
      if (attr->children->type == XML_TEXT_NODE && attr->children->content != NULL)
        return (const char *) attr->children->content;
      return "";
    }
  return NULL;
}

gboolean
pl_xml_check_attrs (PlXmlContext        *ctx,
                    xmlNode             *node,
                    const char * const  *allowed,
                    GError             **error)
{
  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (node != NULL, FALSE);

  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
    {
      const char *name = (const char *) attr->name;
      g_autofree char *list = NULL;

      if (attr->ns == NULL && allowed != NULL && g_strv_contains (allowed, name))
        continue;
      list = allowed ? g_strjoinv (", ", (char **) allowed) : g_strdup ("none");
      return pl_xml_error (ctx, error, node, name,
                           "attribute '%s' is not allowed on <%s> (allowed: %s)",
                           name, (const char *) node->name, list);
    }
  return TRUE;
}

gboolean
pl_xml_require_attr (PlXmlContext  *ctx,
                     xmlNode       *node,
                     const char    *name,
                     const char   **out,
                     GError       **error)
{
  const char *value;

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (node != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    return pl_xml_error (ctx, error, node, NULL,
                         "<%s> needs the attribute '%s'",
                         (const char *) node->name, name);
  if (*value == '\0')
    return pl_xml_error (ctx, error, node, name,
                         "attribute '%s' of <%s> must not be empty",
                         name, (const char *) node->name);
  if (out)
    *out = value;
  return TRUE;
}

static gboolean
bad_value (PlXmlContext  *ctx,
           GError       **error,
           xmlNode       *node,
           const char    *name,
           const char    *expected,
           const char    *value)
{
  return pl_xml_error (ctx, error, node, name,
                       "attribute '%s' of <%s>: expected %s, got '%s'",
                       name, (const char *) node->name, expected, value);
}

gboolean
pl_xml_attr_duration (PlXmlContext  *ctx,
                      xmlNode       *node,
                      const char    *name,
                      PlTime         def,
                      PlTime        *out,
                      GError       **error)
{
  const char *value;
  PlTime t;

  g_return_val_if_fail (ctx != NULL && node != NULL && name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    {
      *out = def;
      return TRUE;
    }
  if (!pl_parse_duration (value, &t))
    return bad_value (ctx, error, node, name,
                      "a duration such as 40ms or 1.5s", value);
  *out = t;
  return TRUE;
}

gboolean
pl_xml_attr_bandwidth (PlXmlContext  *ctx,
                       xmlNode       *node,
                       const char    *name,
                       guint64        def,
                       guint64       *out,
                       GError       **error)
{
  const char *value;
  guint64 v;

  g_return_val_if_fail (ctx != NULL && node != NULL && name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    {
      *out = def;
      return TRUE;
    }
  if (!pl_parse_bandwidth (value, &v))
    return bad_value (ctx, error, node, name,
                      "a bandwidth such as 64kbps, 1.5Mbps or 9600 (bits per second)", value);
  *out = v;
  return TRUE;
}

gboolean
pl_xml_attr_uint (PlXmlContext  *ctx,
                  xmlNode       *node,
                  const char    *name,
                  guint64        def,
                  guint64        min,
                  guint64        max,
                  guint64       *out,
                  GError       **error)
{
  const char *value;
  guint64 v;

  g_return_val_if_fail (ctx != NULL && node != NULL && name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    {
      *out = def;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (value, 10, min, max, &v, NULL))
    {
      g_autofree char *expected = NULL;

      if (max == G_MAXUINT64 && min == 0)
        expected = g_strdup ("a whole number");
      else if (max == G_MAXUINT64)
        expected = g_strdup_printf ("a whole number of at least %" G_GUINT64_FORMAT, min);
      else
        expected = g_strdup_printf ("a whole number from %" G_GUINT64_FORMAT
                                    " to %" G_GUINT64_FORMAT, min, max);
      return bad_value (ctx, error, node, name, expected, value);
    }
  *out = v;
  return TRUE;
}

gboolean
pl_xml_attr_double (PlXmlContext  *ctx,
                    xmlNode       *node,
                    const char    *name,
                    double         def,
                    double         min,
                    double         max,
                    double        *out,
                    GError       **error)
{
  const char *value;
  char *end = NULL;
  double v;

  g_return_val_if_fail (ctx != NULL && node != NULL && name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    {
      *out = def;
      return TRUE;
    }
  errno = 0;
  v = g_ascii_strtod (value, &end);
  if (*value == '\0' || g_ascii_isspace (*value) || end == NULL || *end != '\0' ||
      errno != 0 || !isfinite (v) || v < min || v > max)
    {
      g_autofree char *expected = g_strdup_printf ("a number from %g to %g", min, max);
      return bad_value (ctx, error, node, name, expected, value);
    }
  *out = v;
  return TRUE;
}

gboolean
pl_xml_attr_bool (PlXmlContext  *ctx,
                  xmlNode       *node,
                  const char    *name,
                  gboolean       def,
                  gboolean      *out,
                  GError       **error)
{
  const char *value;

  g_return_val_if_fail (ctx != NULL && node != NULL && name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    *out = def;
  else if (g_str_equal (value, "true") || g_str_equal (value, "yes") || g_str_equal (value, "1"))
    *out = TRUE;
  else if (g_str_equal (value, "false") || g_str_equal (value, "no") || g_str_equal (value, "0"))
    *out = FALSE;
  else
    return bad_value (ctx, error, node, name, "true or false", value);
  return TRUE;
}

gboolean
pl_xml_attr_enum (PlXmlContext        *ctx,
                  xmlNode             *node,
                  const char          *name,
                  const char * const  *values,
                  int                  def,
                  int                 *out,
                  GError             **error)
{
  const char *value;
  g_autofree char *list = NULL;
  g_autofree char *expected = NULL;

  g_return_val_if_fail (ctx != NULL && node != NULL && name != NULL, FALSE);
  g_return_val_if_fail (values != NULL && out != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    {
      *out = def;
      return TRUE;
    }
  for (int i = 0; values[i] != NULL; i++)
    {
      if (g_str_equal (values[i], value))
        {
          *out = i;
          return TRUE;
        }
    }
  list = g_strjoinv (", ", (char **) values);
  expected = g_strdup_printf ("one of %s", list);
  return bad_value (ctx, error, node, name, expected, value);
}

char *
pl_xml_text (xmlNode *node)
{
  xmlChar *content;
  char *text;

  g_return_val_if_fail (node != NULL, NULL);

  content = xmlNodeGetContent (node);
  text = g_strstrip (g_strdup (content ? (const char *) content : ""));
  xmlFree (content);
  return text;
}

/* Numbers with units -------------------------------------------------- */

#define MAX_FRACTION_DIGITS 9

/* Reads "digits[.digits]" at *p; the fraction keeps at most 9 digits. */
static gboolean
parse_decimal (const char **p,
               guint64     *integer,
               guint64     *fraction,
               guint64     *scale)
{
  const char *s = *p;
  guint64 i = 0, f = 0, sc = 1;

  if (!g_ascii_isdigit (*s))
    return FALSE;
  for (; g_ascii_isdigit (*s); s++)
    {
      guint d = *s - '0';

      if (i > (G_MAXUINT64 - d) / 10)
        return FALSE;
      i = i * 10 + d;
    }
  if (*s == '.')
    {
      s++;
      if (!g_ascii_isdigit (*s))
        return FALSE;
      for (int n = 0; g_ascii_isdigit (*s); s++, n++)
        {
          if (n < MAX_FRACTION_DIGITS)
            {
              f = f * 10 + (guint64) (*s - '0');
              sc *= 10;
            }
        }
    }
  *p = s;
  *integer = i;
  *fraction = f;
  *scale = sc;
  return TRUE;
}

/* integer.fraction * unit, rounded to the nearest whole number. */
static gboolean
scale_decimal (guint64  integer,
               guint64  fraction,
               guint64  scale,
               guint64  unit,
               guint64  max,
               guint64 *out)
{
  guint64 whole, part;

  if (unit != 0 && integer > max / unit)
    return FALSE;
  whole = integer * unit;
  /* fraction < 10^9 and unit <= 3.6e9 (an hour in us): no overflow. */
  part = (fraction * unit + scale / 2) / scale;
  if (whole > max - part)
    return FALSE;
  *out = whole + part;
  return TRUE;
}

gboolean
pl_parse_duration (const char *text,
                   PlTime     *out)
{
  static const struct {
    const char *suffix;
    guint64 unit;
  } units[] = {
    { "us", 1 },
    { "ms", 1000 },
    { "s", G_USEC_PER_SEC },
    { "min", 60 * (guint64) G_USEC_PER_SEC },
    { "h", 3600 * (guint64) G_USEC_PER_SEC },
  };
  const char *p;
  guint64 integer, fraction, scale, value;

  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  p = text;
  while (g_ascii_isspace (*p))
    p++;
  if (!parse_decimal (&p, &integer, &fraction, &scale))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      gsize len = strlen (units[i].suffix);
      const char *q = p + len;

      if (strncmp (p, units[i].suffix, len) != 0)
        continue;
      while (g_ascii_isspace (*q))
        q++;
      if (*q != '\0')
        return FALSE;
      if (!scale_decimal (integer, fraction, scale, units[i].unit, G_MAXINT64, &value))
        return FALSE;
      *out = (PlTime) value;
      return TRUE;
    }

  /* A bare number is ambiguous (seconds? milliseconds?), except zero. */
  while (g_ascii_isspace (*p))
    p++;
  if (*p == '\0' && integer == 0 && fraction == 0)
    {
      *out = 0;
      return TRUE;
    }
  return FALSE;
}

gboolean
pl_parse_bandwidth (const char *text,
                    guint64    *out)
{
  static const struct {
    const char *suffix;
    guint64 unit;
  } units[] = {
    { "bps", 1 },
    { "kbps", 1000 },
    { "Kbps", 1000 },
    { "Mbps", 1000 * 1000 },
    { "Gbps", 1000 * 1000 * 1000 },
  };
  const char *p;
  guint64 integer, fraction, scale;

  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  p = text;
  while (g_ascii_isspace (*p))
    p++;
  if (!parse_decimal (&p, &integer, &fraction, &scale))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      gsize len = strlen (units[i].suffix);
      const char *q = p + len;

      if (strncmp (p, units[i].suffix, len) != 0)
        continue;
      while (g_ascii_isspace (*q))
        q++;
      if (*q != '\0')
        return FALSE;
      return scale_decimal (integer, fraction, scale, units[i].unit, G_MAXUINT64, out);
    }

  /* Bare bits per second: whole numbers only. */
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0' || scale != 1)
    return FALSE;
  *out = integer;
  return TRUE;
}

char *
pl_xml_text_only (PlXmlContext  *ctx,
                  xmlNode       *element,
                  GError       **error)
{
  xmlNode *child;

  g_return_val_if_fail (ctx != NULL, NULL);
  g_return_val_if_fail (element != NULL, NULL);

  child = xmlFirstElementChild (element);
  if (child != NULL)
    {
      pl_xml_error (ctx, error, child, NULL,
                    "unexpected element <%s> in <%s>, which holds text only",
                    (const char *) child->name, (const char *) element->name);
      return NULL;
    }
  return pl_xml_text (element);
}
