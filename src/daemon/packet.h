/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt's RPC framing: a 4-byte big-endian length that counts itself, a 24-byte header, then
 * an XDR payload. Pure functions over byte buffers (no sockets), so the unit tests and the
 * fuzzer drive exactly what the daemon runs.
 */
#ifndef NMI_DAEMON_PACKET_H
#define NMI_DAEMON_PACKET_H

#include <gio/gio.h>

#include "protocol.h"

/* The smallest and largest value of a length word libvirt accepts. */
#define NMI_PACKET_MIN_LEN (VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_HEADER_MAX)
#define NMI_PACKET_MAX_LEN (VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_MAX)

/* An empty payload; libtirpc's xdr_void takes no arguments, which no xdrproc_t cast likes. */
bool_t nmi_xdr_void(XDR *xdr, void *unused);

/* An error as it travels in remote_error. */
typedef struct {
    int code;
    int domain;
    int level;
    char *message;
} NmiRpcError;

void nmi_rpc_error_clear(NmiRpcError *err);
void nmi_rpc_error_set(NmiRpcError *err, int domain, int code, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

/* The length word at the start of @buf (4 bytes), checked against libvirt's limits. */
gboolean nmi_packet_read_length(const guint8 *buf, guint32 *len, GError **error);

/* Decodes the header of a whole packet (length word included); *payload_offset is where the
 * payload starts. */
gboolean nmi_packet_decode_header(const guint8 *buf, gsize len, vir_net_message_header *hdr,
                                  gsize *payload_offset, GError **error);

/* Decodes @len bytes of payload into @args with @proc (an rpcgen xdr_* routine). */
gboolean nmi_packet_decode_payload(const guint8 *payload, gsize len, xdrproc_t proc, void *args,
                                   GError **error);

/* A whole packet: length word, @hdr, and @body encoded with @proc (NULL: empty body). NULL
 * with @error set when the body does not fit in libvirt's maximum message. */
GBytes *nmi_packet_encode(const vir_net_message_header *hdr, xdrproc_t proc, const void *body,
                          GError **error);

/* The error reply to @call: status VIR_NET_ERROR and a remote_error. */
GBytes *nmi_packet_encode_error(const vir_net_message_header *call, const NmiRpcError *err);

#endif /* NMI_DAEMON_PACKET_H */
