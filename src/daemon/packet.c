/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's RPC framing over rpcgen's XDR routines (libtirpc runtime). */
#include <stdarg.h>
#include <string.h>

#include "packet.h"

/* Replies grow to the first size that holds them, as libvirt's messages do. */
#define INITIAL_BUFFER (64 * 1024)

bool_t nmi_xdr_void(XDR *xdr, void *unused)
{
    return TRUE;
}

void nmi_rpc_error_clear(NmiRpcError *err)
{
    g_clear_pointer(&err->message, g_free);
    err->code = 0;
    err->domain = 0;
    err->level = 0;
}

void nmi_rpc_error_set(NmiRpcError *err, int domain, int code, const char *fmt, ...)
{
    va_list ap;

    nmi_rpc_error_clear(err);
    err->code = code;
    err->domain = domain;
    err->level = 2; /* VIR_ERR_ERROR */
    va_start(ap, fmt);
    err->message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

gboolean nmi_packet_read_length(const guint8 *buf, guint32 *len, GError **error)
{
    guint32 be;

    memcpy(&be, buf, sizeof(be));
    *len = GUINT32_FROM_BE(be);
    if (*len < NMI_PACKET_MIN_LEN) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "packet length %u is shorter than a header", *len);
        return FALSE;
    }
    if (*len > NMI_PACKET_MAX_LEN) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                    "packet length %u is over the limit of %u", *len, NMI_PACKET_MAX_LEN);
        return FALSE;
    }
    return TRUE;
}

gboolean nmi_packet_decode_header(const guint8 *buf, gsize len, vir_net_message_header *hdr,
                                  gsize *payload_offset, GError **error)
{
    XDR xdr;
    gboolean ok;

    if (len < NMI_PACKET_MIN_LEN) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "packet of %" G_GSIZE_FORMAT " bytes is shorter than a header", len);
        return FALSE;
    }
    memset(hdr, 0, sizeof(*hdr));
    xdrmem_create(&xdr, (char *)buf + VIR_NET_MESSAGE_LEN_MAX, VIR_NET_MESSAGE_HEADER_MAX,
                  XDR_DECODE);
    ok = xdr_vir_net_message_header(&xdr, hdr);
    xdr_destroy(&xdr);
    if (!ok) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                    "cannot decode the message header");
        return FALSE;
    }
    *payload_offset = NMI_PACKET_MIN_LEN;
    return TRUE;
}

gboolean nmi_packet_decode_payload(const guint8 *payload, gsize len, xdrproc_t proc, void *args,
                                   GError **error)
{
    XDR xdr;
    gboolean ok;

    xdrmem_create(&xdr, (char *)payload, (u_int)len, XDR_DECODE);
    ok = proc(&xdr, args);
    /* Trailing bytes mean the client and we disagree on the layout: refuse, as libvirt does. */
    if (ok && xdr_getpos(&xdr) != len)
        ok = FALSE;
    xdr_destroy(&xdr);
    if (!ok) {
        xdr_free(proc, args);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                    "cannot decode the arguments of the call");
        return FALSE;
    }
    return TRUE;
}

static gboolean encode_into(char *buf, u_int size, const vir_net_message_header *hdr,
                            xdrproc_t proc, const void *body, u_int *used)
{
    XDR xdr;
    gboolean ok;
    guint32 be;

    xdrmem_create(&xdr, buf + VIR_NET_MESSAGE_LEN_MAX, size - VIR_NET_MESSAGE_LEN_MAX, XDR_ENCODE);
    ok = xdr_vir_net_message_header(&xdr, (vir_net_message_header *)hdr) &&
         (proc == NULL || proc(&xdr, (void *)body));
    *used = VIR_NET_MESSAGE_LEN_MAX + xdr_getpos(&xdr);
    xdr_destroy(&xdr);
    if (!ok)
        return FALSE;
    be = GUINT32_TO_BE(*used);
    memcpy(buf, &be, sizeof(be));
    return TRUE;
}

GBytes *nmi_packet_encode(const vir_net_message_header *hdr, xdrproc_t proc, const void *body,
                          GError **error)
{
    for (u_int size = INITIAL_BUFFER;; size *= 4) {
        char *buf;
        u_int used;

        if (size > NMI_PACKET_MAX_LEN)
            size = NMI_PACKET_MAX_LEN;
        buf = g_malloc(size);
        if (encode_into(buf, size, hdr, proc, body, &used))
            return g_bytes_new_take(g_realloc(buf, used), used);
        g_free(buf);
        if (size == NMI_PACKET_MAX_LEN)
            break;
    }
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                "the reply does not fit in libvirt's maximum message of %u bytes",
                VIR_NET_MESSAGE_MAX);
    return NULL;
}

GBytes *nmi_packet_encode_error(const vir_net_message_header *call, const NmiRpcError *err)
{
    vir_net_message_header hdr = *call;
    remote_error rerr = {0};
    char *message = err->message != NULL ? err->message : (char *)"unknown error";
    GBytes *bytes;

    hdr.type = VIR_NET_REPLY;
    hdr.status = VIR_NET_ERROR;
    rerr.code = err->code;
    rerr.domain = err->domain;
    rerr.level = err->level;
    rerr.message = &message;
    bytes = nmi_packet_encode(&hdr, (xdrproc_t)xdr_remote_error, &rerr, NULL);
    /* A message too long for a packet: its first part still says what went wrong. */
    if (bytes == NULL) {
        g_autofree char *cut = g_strndup(message, 65536);

        rerr.message = &cut;
        bytes = nmi_packet_encode(&hdr, (xdrproc_t)xdr_remote_error, &rerr, NULL);
    }
    return bytes;
}
