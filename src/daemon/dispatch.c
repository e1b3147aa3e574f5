/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One call: find the procedure, decode its arguments, run it, encode its result or its error.
 * Anything we do not serve gets libvirt's VIR_ERR_NO_SUPPORT, never silence.
 */
#include <string.h>

#include "daemon.h"

const NmiProcedure *nmi_procedure_find(int proc)
{
    for (gsize i = 0; i < nmi_connect_procedures_len; i++) {
        if (nmi_connect_procedures[i].proc == proc)
            return &nmi_connect_procedures[i];
    }
    for (gsize i = 0; i < nmi_iface_procedures_len; i++) {
        if (nmi_iface_procedures[i].proc == proc)
            return &nmi_iface_procedures[i];
    }
    return NULL;
}

void nmi_client_state_clear(NmiClientState *state)
{
    g_hash_table_remove_all(state->ifaces);
    g_clear_pointer(&state->opened_name, g_free);
    /* A transaction this connection began stays open, as with netcf: closing never rolls back. */
    if (state->conn != NULL) {
        nmi_server_close_connection(state->server, state->conn, state->conn_readonly);
        state->conn = NULL;
    }
}

static GBytes *error_reply(const vir_net_message_header *hdr, NmiRpcError *err)
{
    GBytes *reply = nmi_packet_encode_error(hdr, err);

    nmi_rpc_error_clear(err);
    return reply;
}

GBytes *nmi_dispatch_call(NmiClientState *state, const vir_net_message_header *hdr,
                          const guint8 *payload, gsize payload_len)
{
    const NmiProcedure *proc = nmi_procedure_find(hdr->proc);
    g_autoptr(GError) error = NULL;
    NmiRpcError err = {0};
    g_autofree void *args = NULL;
    g_autofree void *ret = NULL;
    vir_net_message_header reply_hdr = *hdr;
    GBytes *reply;
    gboolean ok;

    if (proc == NULL) {
        nmi_rpc_error_set(&err, NMI_VIR_FROM_REMOTE, VIR_ERR_NO_SUPPORT,
                          "this function is not supported by the connection driver: "
                          "unknown procedure: %d",
                          hdr->proc);
        return error_reply(hdr, &err);
    }
    args = g_malloc0(MAX(proc->args_size, 1));
    if (!nmi_packet_decode_payload(payload, payload_len, proc->args_proc, args, &error)) {
        nmi_rpc_error_set(&err, NMI_VIR_FROM_RPC, NMI_VIR_ERR_RPC, "RPC error: %s: %s",
                          error->message, proc->name);
        return error_reply(hdr, &err);
    }
    if (proc->needs_conn && state->conn == NULL) {
        xdr_free(proc->args_proc, args);
        nmi_rpc_error_set(&err, NMI_VIR_FROM_REMOTE, VIR_ERR_INTERNAL_ERROR, "%s",
                          "internal error: connection not open");
        return error_reply(hdr, &err);
    }

    ret = g_malloc0(MAX(proc->ret_size, 1));
    ok = proc->handler(state, args, ret, &err);
    xdr_free(proc->args_proc, args);
    if (!ok) {
        xdr_free(proc->ret_proc, ret);
        return error_reply(hdr, &err);
    }

    reply_hdr.type = VIR_NET_REPLY;
    reply_hdr.status = VIR_NET_OK;
    reply = nmi_packet_encode(&reply_hdr, proc->ret_proc, ret, &error);
    xdr_free(proc->ret_proc, ret);
    if (reply == NULL) {
        nmi_rpc_error_set(&err, NMI_VIR_FROM_RPC, NMI_VIR_ERR_RPC, "RPC error: %s", error->message);
        return error_reply(hdr, &err);
    }
    return reply;
}

GBytes *nmi_dispatch_keepalive(const vir_net_message_header *hdr)
{
    vir_net_message_header pong = {
        .prog = KEEPALIVE_PROGRAM,
        .vers = KEEPALIVE_PROTOCOL_VERSION,
        .proc = KEEPALIVE_PROC_PONG,
        .type = VIR_NET_MESSAGE,
        .serial = 0,
        .status = VIR_NET_OK,
    };

    /* Only a PING asks for an answer; a PONG or anything else of the program is dropped. */
    if (hdr->vers != KEEPALIVE_PROTOCOL_VERSION || hdr->proc != KEEPALIVE_PROC_PING ||
        hdr->type != VIR_NET_MESSAGE)
        return NULL;
    return nmi_packet_encode(&pong, NULL, NULL, NULL);
}

GBytes *nmi_dispatch_unknown_program(const vir_net_message_header *hdr)
{
    NmiRpcError err = {0};

    nmi_rpc_error_set(&err, NMI_VIR_FROM_RPC, NMI_VIR_ERR_RPC,
                      "RPC error: cannot find program %d version %d", (int)hdr->prog,
                      (int)hdr->vers);
    return error_reply(hdr, &err);
}
