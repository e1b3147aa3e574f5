/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's packet layer on packets captured between Debian's virsh / python3-libvirt and
 * the daemon (data/packets/, made with capture-packets.py): every call and reply decodes with
 * its procedure's XDR routines and encodes back to the same bytes; what the daemon answers
 * without a connection (AUTH_LIST, SUPPORTS_FEATURE) is byte for byte what the clients got;
 * truncated, oversized and foreign packets are refused.
 */
#include <string.h>

#include "daemon.h"

typedef struct {
    char *name;
    GBytes *bytes;
    vir_net_message_header hdr;
} Packet;

static GPtrArray *packets; /* Packet* */

static void packet_free(Packet *p)
{
    g_free(p->name);
    g_bytes_unref(p->bytes);
    g_free(p);
}

static void load_packets(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    g_assert_nonnull(d);
    packets = g_ptr_array_new_with_free_func((GDestroyNotify)packet_free);
    while ((name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_autoptr(GError) error = NULL;
        Packet *p = g_new0(Packet, 1);
        char *data;
        gsize len;
        gsize offset;

        g_assert_true(g_file_get_contents(path, &data, &len, &error));
        p->name = g_strdup(name);
        p->bytes = g_bytes_new_take(data, len);
        g_assert_true(nmi_packet_decode_header((guint8 *)data, len, &p->hdr, &offset, &error));
        g_assert_no_error(error);
        g_assert_cmpuint(offset, ==, NMI_PACKET_MIN_LEN);
        g_ptr_array_add(packets, p);
    }
    g_assert_cmpuint(packets->len, >, 20);
}

static const guint8 *payload_of(const Packet *p, gsize *len)
{
    gsize size;
    const guint8 *data = g_bytes_get_data(p->bytes, &size);

    *len = size - NMI_PACKET_MIN_LEN;
    return data + NMI_PACKET_MIN_LEN;
}

/* Decodes @p's payload with @proc and checks that encoding it again gives the same packet. */
static void check_round_trip(const Packet *p, xdrproc_t proc, gsize size)
{
    g_autoptr(GError) error = NULL;
    g_autofree void *body = g_malloc0(MAX(size, 1));
    g_autoptr(GBytes) again = NULL;
    gsize len;
    const guint8 *payload = payload_of(p, &len);

    if (!nmi_packet_decode_payload(payload, len, proc, body, &error))
        g_error("%s: %s", p->name, error->message);
    again = nmi_packet_encode(&p->hdr, proc, body, &error);
    g_assert_no_error(error);
    xdr_free(proc, body);
    if (!g_bytes_equal(again, p->bytes))
        g_error("%s does not encode back to its own bytes", p->name);
}

static void test_length_word(void)
{
    guint8 buf[4];
    guint32 len;
    const struct {
        guint32 value;
        gboolean ok;
    } cases[] = {
        {0, FALSE},
        {27, FALSE},
        {28, TRUE},
        {VIR_NET_MESSAGE_MAX + 4, TRUE},
        {VIR_NET_MESSAGE_MAX + 5, FALSE},
        {0xffffffff, FALSE},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        guint32 be = GUINT32_TO_BE(cases[i].value);

        memcpy(buf, &be, 4);
        g_assert_cmpint(nmi_packet_read_length(buf, &len, &error), ==, cases[i].ok);
        g_assert_true(cases[i].ok == (error == NULL));
    }
    for (guint i = 0; i < packets->len; i++) {
        const Packet *p = packets->pdata[i];

        g_assert_true(nmi_packet_read_length(g_bytes_get_data(p->bytes, NULL), &len, NULL));
        g_assert_cmpuint(len, ==, g_bytes_get_size(p->bytes));
    }
}

static void test_calls_round_trip(void)
{
    guint calls = 0;

    for (guint i = 0; i < packets->len; i++) {
        const Packet *p = packets->pdata[i];
        const NmiProcedure *proc;

        if (p->hdr.type != VIR_NET_CALL)
            continue;
        g_assert_cmpuint(p->hdr.prog, ==, REMOTE_PROGRAM);
        g_assert_cmpuint(p->hdr.vers, ==, REMOTE_PROTOCOL_VERSION);
        proc = nmi_procedure_find(p->hdr.proc);
        if (proc == NULL) /* captured on purpose: a call we do not serve */
            continue;
        check_round_trip(p, proc->args_proc, proc->args_size);
        calls++;
    }
    g_assert_cmpuint(calls, >=, 20);
}

static void test_replies_round_trip(void)
{
    guint errors = 0;

    for (guint i = 0; i < packets->len; i++) {
        const Packet *p = packets->pdata[i];
        const NmiProcedure *proc = nmi_procedure_find(p->hdr.proc);

        if (p->hdr.type != VIR_NET_REPLY)
            continue;
        if (p->hdr.status == VIR_NET_ERROR) {
            check_round_trip(p, (xdrproc_t)xdr_remote_error, sizeof(remote_error));
            errors++;
        } else {
            g_assert_nonnull(proc);
            check_round_trip(p, proc->ret_proc, proc->ret_size);
        }
    }
    g_assert_cmpuint(errors, >=, 2);
}

static gboolean captured(GBytes *reply)
{
    for (guint i = 0; i < packets->len; i++) {
        const Packet *p = packets->pdata[i];

        if (g_bytes_equal(p->bytes, reply))
            return TRUE;
    }
    return FALSE;
}

static NmiClientState *state_new(void)
{
    NmiClientState *state = g_new0(NmiClientState, 1);

    state->ifaces = g_hash_table_new(g_str_hash, g_str_equal);
    return state;
}

static void state_free(NmiClientState *state)
{
    nmi_client_state_clear(state);
    g_hash_table_unref(state->ifaces);
    g_free(state);
}

static GBytes *dispatch(NmiClientState *state, const Packet *p)
{
    gsize len;
    const guint8 *payload = payload_of(p, &len);

    return nmi_dispatch_call(state, &p->hdr, payload, len);
}

/* Our own answers, given without a connection, are the bytes the clients received. */
static void test_answers_as_captured(void)
{
    NmiClientState *state = state_new();
    guint checked = 0;

    for (guint i = 0; i < packets->len; i++) {
        const Packet *p = packets->pdata[i];
        g_autoptr(GBytes) reply = NULL;

        if (p->hdr.type != VIR_NET_CALL || (p->hdr.proc != REMOTE_PROC_AUTH_LIST &&
                                            p->hdr.proc != REMOTE_PROC_CONNECT_SUPPORTS_FEATURE &&
                                            nmi_procedure_find(p->hdr.proc) != NULL))
            continue;
        reply = dispatch(state, p);
        if (!captured(reply))
            g_error("the reply to %s is not the one the client got", p->name);
        checked++;
    }
    g_assert_cmpuint(checked, >=, 4);
    state_free(state);
}

static void decode_error(GBytes *reply, vir_net_message_header *hdr, remote_error *err)
{
    gsize len;
    gsize offset;
    const guint8 *data = g_bytes_get_data(reply, &len);

    g_assert_true(nmi_packet_decode_header(data, len, hdr, &offset, NULL));
    g_assert_cmpint(hdr->status, ==, VIR_NET_ERROR);
    memset(err, 0, sizeof(*err));
    g_assert_true(nmi_packet_decode_payload(data + offset, len - offset,
                                            (xdrproc_t)xdr_remote_error, err, NULL));
}

/* A call that needs a connection, before CONNECT_OPEN: an error reply to that very call. */
static void test_calls_before_open(void)
{
    NmiClientState *state = state_new();

    for (guint i = 0; i < packets->len; i++) {
        const Packet *p = packets->pdata[i];
        const NmiProcedure *proc = nmi_procedure_find(p->hdr.proc);
        g_autoptr(GBytes) reply = NULL;
        vir_net_message_header hdr;
        remote_error err;

        if (p->hdr.type != VIR_NET_CALL || proc == NULL || !proc->needs_conn)
            continue;
        reply = dispatch(state, p);
        decode_error(reply, &hdr, &err);
        g_assert_cmpuint(hdr.serial, ==, p->hdr.serial);
        g_assert_cmpint(hdr.proc, ==, p->hdr.proc);
        g_assert_cmpint(hdr.type, ==, VIR_NET_REPLY);
        g_assert_cmpint(err.code, ==, VIR_ERR_INTERNAL_ERROR);
        g_assert_cmpstr(*err.message, ==, "internal error: connection not open");
        xdr_free((xdrproc_t)xdr_remote_error, &err);
    }
    state_free(state);
}

static void test_unknown_procedure(void)
{
    NmiClientState *state = state_new();
    vir_net_message_header call = {.prog = REMOTE_PROGRAM, .vers = 1, .proc = 12, .serial = 7};
    g_autoptr(GBytes) reply = nmi_dispatch_call(state, &call, NULL, 0);
    vir_net_message_header hdr;
    remote_error err;

    decode_error(reply, &hdr, &err);
    g_assert_cmpint(err.code, ==, VIR_ERR_NO_SUPPORT);
    g_assert_cmpuint(hdr.serial, ==, 7);
    g_assert_cmpstr(*err.message, ==,
                    "this function is not supported by the connection driver: "
                    "unknown procedure: 12");
    xdr_free((xdrproc_t)xdr_remote_error, &err);
    state_free(state);
}

/* Every cut of a call's payload is refused, and so is a byte too many. */
static void test_truncated_and_padded(void)
{
    for (guint i = 0; i < packets->len; i++) {
        const Packet *p = packets->pdata[i];
        const NmiProcedure *proc = nmi_procedure_find(p->hdr.proc);
        gsize len;
        const guint8 *payload = payload_of(p, &len);
        g_autofree guint8 *longer = NULL;

        if (p->hdr.type != VIR_NET_CALL || proc == NULL)
            continue;
        for (gsize cut = 0; cut < len; cut++) {
            g_autofree void *args = g_malloc0(MAX(proc->args_size, 1));

            if (nmi_packet_decode_payload(payload, cut, proc->args_proc, args, NULL))
                g_error("%s cut to %" G_GSIZE_FORMAT " bytes decoded", p->name, cut);
        }
        longer = g_malloc0(len + 4);
        memcpy(longer, payload, len);
        {
            g_autofree void *args = g_malloc0(MAX(proc->args_size, 1));

            g_assert_false(nmi_packet_decode_payload(longer, len + 4, proc->args_proc, args, NULL));
        }
    }
    for (gsize cut = 0; cut < NMI_PACKET_MIN_LEN; cut++) {
        const Packet *p = packets->pdata[0];
        vir_net_message_header hdr;
        gsize offset;

        g_assert_false(
            nmi_packet_decode_header(g_bytes_get_data(p->bytes, NULL), cut, &hdr, &offset, NULL));
    }
}

static void test_keepalive(void)
{
    const guint8 pong[] = {0, 0, 0, 28, 0x6b, 0x65, 0x65, 0x70, 0, 0, 0, 1, 0, 0,
                           0, 2, 0, 0,  0,    2,    0,    0,    0, 0, 0, 0, 0, 0};
    vir_net_message_header ping = {
        .prog = KEEPALIVE_PROGRAM, .vers = 1, .proc = KEEPALIVE_PROC_PING, .type = VIR_NET_MESSAGE};
    g_autoptr(GBytes) reply = nmi_dispatch_keepalive(&ping);
    g_autoptr(GBytes) expected = g_bytes_new_static(pong, sizeof(pong));

    g_assert_true(g_bytes_equal(reply, expected));
    ping.proc = KEEPALIVE_PROC_PONG;
    g_assert_null(nmi_dispatch_keepalive(&ping));
}

static void test_error_encoding(void)
{
    vir_net_message_header call = {.prog = REMOTE_PROGRAM, .vers = 1, .proc = 128, .serial = 3};
    NmiRpcError in = {0};
    g_autoptr(GBytes) reply = NULL;
    g_autofree char *huge = g_strnfill(VIR_NET_MESSAGE_MAX, 'x');
    vir_net_message_header hdr;
    remote_error err;

    nmi_rpc_error_set(&in, VIR_FROM_INTERFACE, VIR_ERR_NO_INTERFACE, "Interface not found: %s",
                      "eth9");
    reply = nmi_packet_encode_error(&call, &in);
    decode_error(reply, &hdr, &err);
    g_assert_cmpint(err.code, ==, VIR_ERR_NO_INTERFACE);
    g_assert_cmpint(err.domain, ==, VIR_FROM_INTERFACE);
    g_assert_cmpint(err.level, ==, VIR_ERR_ERROR);
    g_assert_cmpstr(*err.message, ==, "Interface not found: eth9");
    g_assert_null(err.dom);
    g_assert_null(err.str1);
    xdr_free((xdrproc_t)xdr_remote_error, &err);
    g_clear_pointer(&reply, g_bytes_unref);

    /* A message longer than a packet still makes an error reply, cut short. */
    g_free(in.message);
    in.message = g_steal_pointer(&huge);
    reply = nmi_packet_encode_error(&call, &in);
    g_assert_nonnull(reply);
    decode_error(reply, &hdr, &err);
    g_assert_cmpuint(strlen(*err.message), ==, 65536);
    xdr_free((xdrproc_t)xdr_remote_error, &err);
    nmi_rpc_error_clear(&in);
}

int main(int argc, char **argv)
{
    const char *dir = g_getenv("NMIFACE_PACKET_DIR");
    int rc;

    g_test_init(&argc, &argv, NULL);
    if (dir == NULL)
        dir = NMIFACE_PACKET_DIR;
    load_packets(dir);
    g_test_add_func("/packet/length-word", test_length_word);
    g_test_add_func("/packet/calls-round-trip", test_calls_round_trip);
    g_test_add_func("/packet/replies-round-trip", test_replies_round_trip);
    g_test_add_func("/packet/answers-as-captured", test_answers_as_captured);
    g_test_add_func("/packet/calls-before-open", test_calls_before_open);
    g_test_add_func("/packet/unknown-procedure", test_unknown_procedure);
    g_test_add_func("/packet/truncated-and-padded", test_truncated_and_padded);
    g_test_add_func("/packet/keepalive", test_keepalive);
    g_test_add_func("/packet/error-encoding", test_error_encoding);
    rc = g_test_run();
    g_ptr_array_unref(packets);
    return rc;
}
