/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer over nmiface-interfaced's packet decoder: the input is what a client writes on
 * the socket, cut into packets as the daemon cuts it. Each packet's header is decoded, and a
 * call goes through the daemon's dispatch (without a connection, so nothing reaches a driver:
 * connect procedures answer, the rest say "not open" after decoding their arguments). Decoded
 * arguments must encode again, and that encoding must decode to itself.
 */
#include <string.h>

#include "daemon.h"

static void check_reencode(const vir_net_message_header *hdr, xdrproc_t proc, gsize size,
                           const guint8 *payload, gsize len)
{
    g_autofree void *body = g_malloc0(MAX(size, 1));
    g_autofree void *again = g_malloc0(MAX(size, 1));
    g_autoptr(GBytes) first = NULL;
    g_autoptr(GBytes) second = NULL;
    gsize first_len;
    const guint8 *first_data;

    if (!nmi_packet_decode_payload(payload, len, proc, body, NULL))
        return;
    first = nmi_packet_encode(hdr, proc, body, NULL);
    xdr_free(proc, body);
    if (first == NULL)
        __builtin_trap(); /* it decoded from fewer bytes than a message holds */
    first_data = g_bytes_get_data(first, &first_len);
    if (!nmi_packet_decode_payload(first_data + NMI_PACKET_MIN_LEN, first_len - NMI_PACKET_MIN_LEN,
                                   proc, again, NULL))
        __builtin_trap();
    second = nmi_packet_encode(hdr, proc, again, NULL);
    xdr_free(proc, again);
    if (second == NULL || !g_bytes_equal(first, second))
        __builtin_trap();
}

static void one_packet(NmiClientState *state, const guint8 *data, gsize len)
{
    vir_net_message_header hdr;
    gsize offset;
    const NmiProcedure *proc;
    g_autoptr(GBytes) reply = NULL;

    if (!nmi_packet_decode_header(data, len, &hdr, &offset, NULL))
        return;
    if (hdr.prog == KEEPALIVE_PROGRAM) {
        reply = nmi_dispatch_keepalive(&hdr);
        return;
    }
    if (hdr.prog != REMOTE_PROGRAM || hdr.vers != REMOTE_PROTOCOL_VERSION) {
        reply = nmi_dispatch_unknown_program(&hdr);
        return;
    }
    proc = nmi_procedure_find(hdr.proc);
    if (hdr.type == VIR_NET_REPLY) {
        if (hdr.status == VIR_NET_ERROR)
            check_reencode(&hdr, (xdrproc_t)xdr_remote_error, sizeof(remote_error), data + offset,
                           len - offset);
        else if (proc != NULL)
            check_reencode(&hdr, proc->ret_proc, proc->ret_size, data + offset, len - offset);
        return;
    }
    if (hdr.type != VIR_NET_CALL)
        return;
    if (proc != NULL)
        check_reencode(&hdr, proc->args_proc, proc->args_size, data + offset, len - offset);
    /* CONNECT_OPEN would load a driver module: everything else runs as the daemon runs it. */
    if (hdr.proc != REMOTE_PROC_CONNECT_OPEN)
        reply = nmi_dispatch_call(state, &hdr, data + offset, len - offset);
}

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
    NmiClientState state = {0};

    state.ifaces = g_hash_table_new(g_str_hash, g_str_equal);
    while (size >= VIR_NET_MESSAGE_LEN_MAX) {
        guint32 len;

        if (!nmi_packet_read_length(data, &len, NULL) || len > size)
            break;
        one_packet(&state, data, len);
        data += len;
        size -= len;
    }
    nmi_client_state_clear(&state);
    g_hash_table_unref(state.ifaces);
    return 0;
}
