/* pl-export-pcapng.c: the trace as a packet capture.
 *
 * A hand-written pcapng writer (draft-ietf-opsawg-pcapng): one section, one
 * interface with LINKTYPE_RAW so packets start at the IP header, a name
 * resolution block naming each node's addresses, then one Enhanced Packet
 * Block per packet. Wireshark, tshark and sngrep open the result.
 *
 * What is written is what crossed the wire: every send and retransmit with
 * its bytes. When a rule rewrote a message in flight, the bytes delivered
 * are written too, at the delivery, commented "altered in flight". TCP gets
 * what a stack would put around the data: a three-way handshake when a pair
 * of nodes first talks (keyed by the unordered pair and the protocol, so
 * answers come back on the same connection), sequence and acknowledgement
 * numbers per direction, and an ACK from the receiver at each delivery
 * (or earlier, before a 64 KiB window would fill). An altered TCP copy
 * reuses its original's sequence numbers, so Wireshark marks it as a
 * retransmission of that segment.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-export"

#include <string.h>

#include "pl-address.h"
#include "pl-export.h"

#define FLUSH_SIZE (256 * 1024)

#define BLOCK_SHB 0x0A0D0D0Au
#define BLOCK_IDB 0x00000001u
#define BLOCK_NRB 0x00000004u
#define BLOCK_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define LINKTYPE_RAW 101

#define OPT_END 0
#define OPT_COMMENT 1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2
#define OPT_IF_TSRESOL 9
#define NRB_END 0
#define NRB_IPV4 1
#define NRB_IPV6 2

#define IPPROTO_NUM_TCP 6
#define IPPROTO_NUM_UDP 17
#define TTL 64

#define TCP_SYN 0x02
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_WINDOW 65535
/* Largest TCP payload per segment; bigger messages are split. */
#define TCP_MAX_SEGMENT 65000
#define MSRP_PORT 2855
/* RFC 7230 §2.7.1: the default port of "http" URIs. */
#define HTTP_PORT 80
#define EPHEMERAL_BASE 49152

/* One TCP connection. Side 0 opened it, side 1 listened. */
typedef struct {
  int a;                 /* lower node index of the pair */
  int b;                 /* higher node index */
  const char *proto;     /* interned */
  int opener;            /* node index of side 0 */
  guint16 port[2];
  guint32 nxt[2];        /* next sequence number each side sends */
  guint32 rcv[2];        /* what each side has received, i.e. will ack */
  guint32 acked[2];      /* the last ack each side sent */
} Conn;

/* What a delivery needs to know about its transmission. */
typedef struct {
  const PlTraceEvent *send;
  Conn *conn;            /* TCP only */
  int side;              /* the sending side */
  guint32 seq;           /* first sequence number of the data */
  guint32 end;           /* sequence number after it */
} HopInfo;

typedef struct {
  PlTrace *trace;
  GOutputStream *out;
  int n_nodes;
  PlAddress *v4;         /* per node */
  PlAddress *v6;
  PlAddress *own;        /* in the family of the node's host */
  GByteArray *buf;       /* output not yet written */
  GHashTable *conns;     /* Conn* set */
  GHashTable *hops;      /* guint64 *hop -> index into hop_info, plus 1 */
  GArray *hop_info;      /* HopInfo */
  guint16 ip_id;
} Pcap;

static void
pcap_clear (Pcap *self)
{
  g_clear_pointer (&self->v4, g_free);
  g_clear_pointer (&self->v6, g_free);
  g_clear_pointer (&self->own, g_free);
  g_clear_pointer (&self->buf, g_byte_array_unref);
  g_clear_pointer (&self->conns, g_hash_table_unref);
  g_clear_pointer (&self->hops, g_hash_table_unref);
  g_clear_pointer (&self->hop_info, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Pcap, pcap_clear)

static guint
conn_hash (gconstpointer data)
{
  const Conn *c = data;

  return (guint) c->a * 1000003u ^ (guint) c->b * 31u ^ g_direct_hash (c->proto);
}

static gboolean
conn_equal (gconstpointer x,
            gconstpointer y)
{
  const Conn *c = x;
  const Conn *d = y;

  return c->a == d->a && c->b == d->b && c->proto == d->proto;
}

/* pcapng blocks are little-endian, packet headers big-endian. */

static void
put_le16 (GByteArray *b,
          guint16     v)
{
  v = GUINT16_TO_LE (v);
  g_byte_array_append (b, (const guint8 *) &v, 2);
}

static void
put_le32 (GByteArray *b,
          guint32     v)
{
  v = GUINT32_TO_LE (v);
  g_byte_array_append (b, (const guint8 *) &v, 4);
}

static void
store16 (guint8  *p,
         guint16  v)
{
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

static void
store32 (guint8  *p,
         guint32  v)
{
  store16 (p, v >> 16);
  store16 (p + 2, v & 0xffff);
}

static void
pad32 (GByteArray *b)
{
  static const guint8 zero[4] = { 0, };
  g_byte_array_append (b, zero, (4 - b->len % 4) % 4);
}

static void
put_option (GByteArray *b,
            guint16     code,
            const void *data,
            gsize       len)
{
  len = MIN (len, G_MAXUINT16 - 3);
  put_le16 (b, code);
  put_le16 (b, (guint16) len);
  g_byte_array_append (b, data, len);
  pad32 (b);
}

static guint
block_begin (GByteArray *b,
             guint32     type)
{
  guint start = b->len;

  put_le32 (b, type);
  put_le32 (b, 0);        /* total length, set by block_end() */
  return start;
}

static void
block_end (GByteArray *b,
           guint       start)
{
  guint32 total;

  pad32 (b);
  total = b->len - start + 4;
  put_le32 (b, total);
  total = GUINT32_TO_LE (total);
  memcpy (b->data + start + 4, &total, 4);
}

/* RFC 1071 Internet checksum, summed in 16-bit big-endian words. @data may
 * have an odd length only as the last piece of a sum. */
static guint64
csum_add (guint64       sum,
          const guint8 *data,
          gsize         len)
{
  gsize i;

  for (i = 0; i + 1 < len; i += 2)
    sum += (guint64) data[i] << 8 | data[i + 1];
  if (i < len)
    sum += (guint64) data[i] << 8;
  return sum;
}

static guint16
csum_fold (guint64 sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

static gboolean
pcap_flush (Pcap    *self,
            gboolean force,
            GError **error)
{
  if (self->buf->len == 0 || (!force && self->buf->len < FLUSH_SIZE))
    return TRUE;
  if (!g_output_stream_write_all (self->out, self->buf->data, self->buf->len,
                                  NULL, NULL, error))
    return FALSE;
  g_byte_array_set_size (self->buf, 0);
  return TRUE;
}

static void
write_header (Pcap *self)
{
  static const char app[] = "PushLab";
  static const char ifname[] = "pushlab virtual network";
  static const guint8 tsresol = 6;  /* microseconds, the virtual clock's unit */
  guint start;

  start = block_begin (self->buf, BLOCK_SHB);
  put_le32 (self->buf, BYTE_ORDER_MAGIC);
  put_le16 (self->buf, 1);
  put_le16 (self->buf, 0);
  put_le32 (self->buf, 0xffffffffu);  /* section length: not given */
  put_le32 (self->buf, 0xffffffffu);
  put_option (self->buf, OPT_SHB_USERAPPL, app, strlen (app));
  put_option (self->buf, OPT_END, NULL, 0);
  block_end (self->buf, start);

  start = block_begin (self->buf, BLOCK_IDB);
  put_le16 (self->buf, LINKTYPE_RAW);
  put_le16 (self->buf, 0);
  put_le32 (self->buf, 0);            /* snap length: no limit */
  put_option (self->buf, OPT_IF_NAME, ifname, strlen (ifname));
  put_option (self->buf, OPT_IF_TSRESOL, &tsresol, 1);
  put_option (self->buf, OPT_END, NULL, 0);
  block_end (self->buf, start);
}

static void
put_nrb_record (GByteArray   *b,
                guint16       type,
                const guint8 *addr,
                gsize         addr_len,
                const char   *name)
{
  gsize name_len = strlen (name) + 1;

  put_le16 (b, type);
  put_le16 (b, (guint16) (addr_len + name_len));
  g_byte_array_append (b, addr, addr_len);
  g_byte_array_append (b, (const guint8 *) name, name_len);
  pad32 (b);
}

/* Both addresses of every node are named after its host without port, so
 * a capture reads "pcscf1.visited1.net" where the spec's flows do. */
static void
write_names (Pcap *self)
{
  guint start = block_begin (self->buf, BLOCK_NRB);

  for (int i = 0; i < self->n_nodes; i++)
    {
      const char *host = pl_trace_get_node_host (self->trace, i);
      g_autofree char *name = NULL;

      pl_address_parse_host (host, &name, NULL, NULL);
      if (*name == '\0')
        {
          g_free (name);
          name = g_strdup (pl_trace_get_node_id (self->trace, i));
        }
      if (name == NULL || *name == '\0' || strlen (name) > 1024)
        continue;
      put_nrb_record (self->buf, NRB_IPV4, self->v4[i].addr, 4, name);
      put_nrb_record (self->buf, NRB_IPV6, self->v6[i].addr, 16, name);
    }
  put_le16 (self->buf, NRB_END);
  put_le16 (self->buf, 0);
  block_end (self->buf, start);
}

/* Writes one Enhanced Packet Block: an IP header built here, the transport
 * header @l4 (its checksum, at @csum_offset, filled in here) and @payload.
 * Checksums as RFC 1071 computes them, over the RFC 768 or RFC 8200 §8.1
 * pseudo-header. */
static void
write_packet (Pcap            *self,
              PlTime           t_us,
              const PlAddress *src,
              const PlAddress *dst,
              guint8           ipproto,
              guint8          *l4,
              gsize            l4_len,
              guint            csum_offset,
              const guint8    *payload,
              gsize            len,
              const char      *comment)
{
  guint64 ts = t_us > 0 ? (guint64) t_us : 0;
  gsize seg_len = l4_len + len;
  guint8 ip[40] = { 0, };
  guint ip_len;
  guint64 sum;
  guint16 csum;
  guint start;

  g_assert (src->v6 == dst->v6);
  g_assert (seg_len + (src->v6 ? 0 : 20) <= G_MAXUINT16);

  if (src->v6)
    {
      ip_len = 40;
      ip[0] = 0x60;                   /* version 6, class 0, flow 0 */
      store16 (ip + 4, (guint16) seg_len);
      ip[6] = ipproto;
      ip[7] = TTL;
      memcpy (ip + 8, src->addr, 16);
      memcpy (ip + 24, dst->addr, 16);
      sum = csum_add (0, ip + 8, 32) + seg_len + ipproto;
    }
  else
    {
      ip_len = 20;
      ip[0] = 0x45;                   /* version 4, 20-byte header */
      store16 (ip + 2, (guint16) (ip_len + seg_len));
      store16 (ip + 4, self->ip_id++);
      store16 (ip + 6, ipproto == IPPROTO_NUM_TCP ? 0x4000 : 0);  /* DF */
      ip[8] = TTL;
      ip[9] = ipproto;
      memcpy (ip + 12, src->addr, 4);
      memcpy (ip + 16, dst->addr, 4);
      store16 (ip + 10, csum_fold (csum_add (0, ip, 20)));
      sum = csum_add (0, ip + 12, 8) + ipproto + seg_len;
    }

  store16 (l4 + csum_offset, 0);
  csum = csum_fold (csum_add (csum_add (sum, l4, l4_len), payload, len));
  /* RFC 768: a computed zero is sent as all ones (zero means "none"). */
  if (csum == 0 && ipproto == IPPROTO_NUM_UDP)
    csum = 0xffff;
  store16 (l4 + csum_offset, csum);

  start = block_begin (self->buf, BLOCK_EPB);
  put_le32 (self->buf, 0);            /* interface */
  put_le32 (self->buf, (guint32) (ts >> 32));
  put_le32 (self->buf, (guint32) ts);
  put_le32 (self->buf, ip_len + seg_len);
  put_le32 (self->buf, ip_len + seg_len);
  g_byte_array_append (self->buf, ip, ip_len);
  g_byte_array_append (self->buf, l4, l4_len);
  if (len > 0)
    g_byte_array_append (self->buf, payload, len);
  pad32 (self->buf);
  if (comment != NULL)
    {
      put_option (self->buf, OPT_COMMENT, comment, strlen (comment));
      put_option (self->buf, OPT_END, NULL, 0);
    }
  block_end (self->buf, start);
}

static void
hop_addresses (Pcap      *self,
               int        from,
               int        to,
               PlAddress *src,
               PlAddress *dst)
{
  gboolean v6 = pl_address_hop_is_v6 (&self->own[from], &self->own[to]);

  *src = v6 ? self->v6[from] : self->v4[from];
  *dst = v6 ? self->v6[to] : self->v4[to];
}

static guint16
listen_port (Pcap       *self,
             int         node,
             const char *proto)
{
  if (g_str_equal (proto, "msrp"))
    return MSRP_PORT;
  if (g_str_equal (proto, "http"))
    return HTTP_PORT;
  return self->v4[node].port;
}

static void
write_udp (Pcap               *self,
           PlTime              t_us,
           const PlTraceEvent *ev,
           const guint8       *data,
           gsize               len,
           const char         *comment)
{
  g_autofree char *note = NULL;
  guint8 hdr[8] = { 0, };
  PlAddress src, dst;
  gsize max;

  hop_addresses (self, ev->from, ev->to, &src, &dst);
  /* Nothing larger fits the IP length field: keep the head, and say so. */
  max = src.v6 ? G_MAXUINT16 - 8 : G_MAXUINT16 - 28;
  if (len > max)
    {
      note = g_strdup_printf ("%s, truncated from %" G_GSIZE_FORMAT " bytes",
                              comment, len);
      comment = note;
      len = max;
    }

  store16 (hdr, listen_port (self, ev->from, ev->proto));
  store16 (hdr + 2, listen_port (self, ev->to, ev->proto));
  store16 (hdr + 4, (guint16) (8 + len));
  write_packet (self, t_us, &src, &dst, IPPROTO_NUM_UDP,
                hdr, sizeof hdr, 6, data, len, comment);
}

static void
write_tcp (Pcap         *self,
           PlTime        t_us,
           Conn         *conn,
           int           side,
           guint8        flags,
           guint32       seq,
           const guint8 *data,
           gsize         len,
           const char   *comment)
{
  int from = side == 0 ? conn->opener : (conn->opener == conn->a ? conn->b : conn->a);
  int to = side == 1 ? conn->opener : (conn->opener == conn->a ? conn->b : conn->a);
  guint8 hdr[20] = { 0, };
  guint32 ack = (flags & TCP_ACK) ? conn->rcv[side] : 0;
  PlAddress src, dst;

  hop_addresses (self, from, to, &src, &dst);
  store16 (hdr, conn->port[side]);
  store16 (hdr + 2, conn->port[!side]);
  store32 (hdr + 4, seq);
  store32 (hdr + 8, ack);
  hdr[12] = 5 << 4;                   /* data offset: 20 bytes, no options */
  hdr[13] = flags;
  store16 (hdr + 14, TCP_WINDOW);
  write_packet (self, t_us, &src, &dst, IPPROTO_NUM_TCP,
                hdr, sizeof hdr, 16, data, len, comment);
  if (flags & TCP_ACK)
    conn->acked[side] = ack;
}

/* The connection of @ev, opened with a handshake on first use. */
static Conn *
tcp_connect (Pcap               *self,
             const PlTraceEvent *ev)
{
  Conn probe = { MIN (ev->from, ev->to), MAX (ev->from, ev->to), ev->proto, };
  char comment[64];
  Conn *conn = g_hash_table_lookup (self->conns, &probe);

  if (conn != NULL)
    return conn;

  conn = g_new0 (Conn, 1);
  *conn = probe;
  conn->opener = ev->from;
  conn->port[0] = EPHEMERAL_BASE + ev->from % (G_MAXUINT16 + 1 - EPHEMERAL_BASE);
  conn->port[1] = listen_port (self, ev->to, ev->proto);
  /* Fixed initial sequence numbers: the capture must be reproducible. */
  conn->nxt[0] = 1000000u * (guint32) (ev->from % 4000 + 1);
  conn->nxt[1] = 1000000u * (guint32) (ev->to % 4000 + 1) + 500000u;
  g_hash_table_add (self->conns, conn);

  g_snprintf (comment, sizeof comment, "syn for hop %" G_GUINT64_FORMAT, ev->hop);
  write_tcp (self, ev->t_us, conn, 0, TCP_SYN, conn->nxt[0]++, NULL, 0, comment);
  conn->rcv[1] = conn->nxt[0];
  g_snprintf (comment, sizeof comment, "syn-ack for hop %" G_GUINT64_FORMAT, ev->hop);
  write_tcp (self, ev->t_us, conn, 1, TCP_SYN | TCP_ACK, conn->nxt[1]++, NULL, 0, comment);
  conn->rcv[0] = conn->nxt[1];
  g_snprintf (comment, sizeof comment, "ack for hop %" G_GUINT64_FORMAT, ev->hop);
  write_tcp (self, ev->t_us, conn, 0, TCP_ACK, conn->nxt[0], NULL, 0, comment);
  return conn;
}

/* Writes @data as PSH|ACK segments from @side starting at @seq. */
static void
write_tcp_data (Pcap         *self,
                PlTime        t_us,
                Conn         *conn,
                int           side,
                guint32       seq,
                const guint8 *data,
                gsize         len,
                const char   *what)
{
  gsize n_segments = MAX ((len + TCP_MAX_SEGMENT - 1) / TCP_MAX_SEGMENT, 1);

  for (gsize i = 0; i < n_segments; i++)
    {
      gsize off = i * TCP_MAX_SEGMENT;
      gsize seg = MIN (len - off, TCP_MAX_SEGMENT);
      g_autofree char *comment = NULL;

      /* Flow control: the receiver's window must never be filled, or
       * Wireshark flags "TCP Window Full". Before a segment would reach
       * it, the receiver acknowledges what was sent so far. */
      if ((gint32) (seq + off + seg - conn->acked[!side]) >= TCP_WINDOW)
        {
          comment = g_strdup_printf ("window ack before %s", what);
          if ((gint32) (seq + off - conn->rcv[!side]) > 0)
            conn->rcv[!side] = seq + (guint32) off;
          write_tcp (self, t_us, conn, !side, TCP_ACK, conn->nxt[!side],
                     NULL, 0, comment);
          g_clear_pointer (&comment, g_free);
        }
      if (n_segments == 1)
        comment = g_strdup (what);
      else
        comment = g_strdup_printf ("%s, segment %" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT,
                                   what, i + 1, n_segments);
      write_tcp (self, t_us, conn, side, TCP_PSH | TCP_ACK, seq + (guint32) off,
                 data + off, seg, comment);
    }
}

static void
on_transmission (Pcap               *self,
                 const PlTraceEvent *ev)
{
  g_autofree char *comment = g_strdup_printf ("%s hop %" G_GUINT64_FORMAT,
                                              ev->name, ev->hop);
  HopInfo info = { ev, NULL, 0, 0, 0 };
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (ev->wire, &len);

  /* HTTP runs over TCP only (RFC 7230 §2.1), whatever the link's
   * transport says for SIP. */
  if (ev->transport == PL_TRANSPORT_TCP || g_strcmp0 (ev->proto, "http") == 0)
    {
      info.conn = tcp_connect (self, ev);
      info.side = ev->from == info.conn->opener ? 0 : 1;
      info.seq = info.conn->nxt[info.side];
      info.end = info.seq + (guint32) len;
      write_tcp_data (self, ev->t_us, info.conn, info.side, info.seq, data, len, comment);
      info.conn->nxt[info.side] = info.end;
    }
  else
    {
      write_udp (self, ev->t_us, ev, data, len, comment);
    }

  g_array_append_val (self->hop_info, info);
  g_hash_table_insert (self->hops, (gpointer) &ev->hop,
                       GUINT_TO_POINTER (self->hop_info->len));
}

static void
on_arrival (Pcap               *self,
            const PlTraceEvent *ev)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (self->hops, &ev->hop));
  HopInfo *info;

  if (index == 0)
    return;
  info = &g_array_index (self->hop_info, HopInfo, index - 1);

  if (ev->wire != NULL &&
      !g_bytes_equal (ev->wire, info->send->wire))
    {
      g_autofree char *comment = NULL;
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (ev->wire, &len);

      comment = g_strdup_printf ("%s hop %" G_GUINT64_FORMAT ", altered in flight",
                                 ev->name, ev->hop);
      if (info->conn != NULL)
        write_tcp_data (self, ev->t_us, info->conn, info->side, info->seq,
                        data, len, comment);
      else
        write_udp (self, ev->t_us, info->send, data, len, comment);
    }

  /* The receiving stack acknowledges what reached it. */
  if (info->conn != NULL)
    {
      Conn *conn = info->conn;
      int rside = !info->side;

      if ((gint32) (info->end - conn->rcv[rside]) > 0)
        conn->rcv[rside] = info->end;
      if (conn->rcv[rside] != conn->acked[rside])
        {
          g_autofree char *comment = g_strdup_printf ("ack of hop %" G_GUINT64_FORMAT,
                                                      ev->hop);
          write_tcp (self, ev->t_us, conn, rside, TCP_ACK, conn->nxt[rside],
                     NULL, 0, comment);
        }
    }
}

/**
 * pl_export_pcapng:
 * @trace: a trace
 * @out: where to write; not closed
 * @error: return location for a #GError
 *
 * Writes @trace as a pcapng capture. Addresses come from pl-address.h.
 * Message events without bytes or naming unknown nodes are left out.
 *
 * Returns: %TRUE on success
 */
gboolean
pl_export_pcapng (PlTrace        *trace,
                  GOutputStream  *out,
                  GError        **error)
{
  g_auto(Pcap) self = { 0, };
  guint n;

  g_return_val_if_fail (PL_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self.trace = trace;
  self.out = out;
  self.n_nodes = (int) pl_trace_get_n_nodes (trace);
  self.v4 = g_new0 (PlAddress, MAX (self.n_nodes, 1));
  self.v6 = g_new0 (PlAddress, MAX (self.n_nodes, 1));
  self.own = g_new0 (PlAddress, MAX (self.n_nodes, 1));
  self.buf = g_byte_array_sized_new (FLUSH_SIZE + 70000);
  self.conns = g_hash_table_new_full (conn_hash, conn_equal, g_free, NULL);
  self.hops = g_hash_table_new (g_int64_hash, g_int64_equal);
  self.hop_info = g_array_new (FALSE, FALSE, sizeof (HopInfo));

  for (int i = 0; i < self.n_nodes; i++)
    {
      const char *host = pl_trace_get_node_host (trace, i);

      pl_address_for_node (i, host, &self.own[i]);
      pl_address_for_node_family (i, host, FALSE, &self.v4[i]);
      pl_address_for_node_family (i, host, TRUE, &self.v6[i]);
    }

  write_header (&self);
  write_names (&self);

  n = pl_trace_get_n_events (trace);
  for (guint i = 0; i < n; i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (ev->from < 0 || ev->from >= self.n_nodes ||
          ev->to < 0 || ev->to >= self.n_nodes)
        continue;

      /* A drop adds nothing: the packet as sent is already written. */
      if ((ev->kind == PL_EVENT_SEND || ev->kind == PL_EVENT_RETRANSMIT) &&
          ev->wire != NULL)
        on_transmission (&self, ev);
      else if (ev->kind == PL_EVENT_DELIVER || ev->kind == PL_EVENT_MALFORMED)
        on_arrival (&self, ev);
      if (!pcap_flush (&self, FALSE, error))
        return FALSE;
    }
  return pcap_flush (&self, TRUE, error);
}
