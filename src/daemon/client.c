/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One client: its socket (read and written on the main loop's thread only), its calls (run on
 * the server's pool, one at a time and in order, so replies keep the client's order), and its
 * replies waiting to be written. Keepalive PINGs are answered on the main thread at once, so a
 * long call never makes the client think we are gone. Bounds: past NMI_CLIENT_MAX_CALLS queued
 * calls or NMI_CLIENT_OUT_HIGH unread bytes we stop reading the socket; a client leaving more
 * than NMI_CLIENT_OUT_LIMIT bytes unread is dropped.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "daemon.h"

typedef struct {
    vir_net_message_header hdr;
    GBytes *packet;
} NmiCall;

typedef struct {
    GSource parent;
    NmiClient *client; /* not a reference: the client destroys its source before it goes */
    gpointer tag;
} NmiClientSource;

struct _NmiClient {
    gint refs;
    NmiServer *server;
    int fd;
    guint id;

    /* Main thread only. */
    NmiClientSource *source;
    guint8 len_buf[VIR_NET_MESSAGE_LEN_MAX];
    gsize len_have;
    guint8 *packet;
    guint32 packet_len;
    gsize packet_have;
    gsize packet_alloc; /* grows with what arrives, not with what the length word claims */

    /* Under lock: shared between the main thread and the worker running our calls. */
    GMutex lock;
    GQueue calls; /* NmiCall* not yet run */
    gboolean busy;
    GQueue out; /* GBytes* to write */
    gsize out_offset;
    gsize out_bytes;
    gboolean reading; /* the main loop watches for input */
    gboolean closed;  /* and the socket is closed */

    /* The running call's (one worker at a time, or the last unref). */
    NmiClientState state;
};

static void call_free(NmiCall *call)
{
    g_bytes_unref(call->packet);
    g_free(call);
}

NmiClient *nmi_client_ref(NmiClient *client)
{
    g_atomic_int_inc(&client->refs);
    return client;
}

void nmi_client_unref(NmiClient *client)
{
    if (!g_atomic_int_dec_and_test(&client->refs))
        return;
    nmi_client_state_clear(&client->state);
    g_hash_table_unref(client->state.ifaces);
    g_queue_clear_full(&client->calls, (GDestroyNotify)call_free);
    g_queue_clear_full(&client->out, (GDestroyNotify)g_bytes_unref);
    g_free(client->packet);
    g_mutex_clear(&client->lock);
    g_free(client);
}

static void iface_free(gpointer iface)
{
    virInterfaceFree(iface);
}

static gboolean wants_input_locked(NmiClient *client)
{
    return client->calls.length < NMI_CLIENT_MAX_CALLS && client->out_bytes < NMI_CLIENT_OUT_HIGH;
}

static gboolean wants_input(NmiClient *client)
{
    gboolean wants;

    g_mutex_lock(&client->lock);
    wants = wants_input_locked(client);
    g_mutex_unlock(&client->lock);
    return wants;
}

/* Main thread: which events we want, from the state of the queues. */
static void update_condition(NmiClient *client)
{
    GIOCondition cond = 0;

    if (client->source == NULL)
        return;
    g_mutex_lock(&client->lock);
    client->reading = wants_input_locked(client);
    if (client->reading)
        cond |= G_IO_IN;
    if (client->out_bytes > 0)
        cond |= G_IO_OUT;
    g_mutex_unlock(&client->lock);
    g_source_modify_unix_fd(&client->source->parent, client->source->tag, cond);
}

/* Any thread: queues @reply unless the client is gone. */
static void queue_reply(NmiClient *client, GBytes *reply)
{
    g_mutex_lock(&client->lock);
    if (client->closed) {
        g_bytes_unref(reply);
    } else {
        client->out_bytes += g_bytes_get_size(reply);
        g_queue_push_tail(&client->out, reply);
    }
    g_mutex_unlock(&client->lock);
}

static gboolean over_limit(NmiClient *client)
{
    gboolean over;

    g_mutex_lock(&client->lock);
    over = client->out_bytes > NMI_CLIENT_OUT_LIMIT;
    g_mutex_unlock(&client->lock);
    if (over)
        g_printerr("client %u: more than %d bytes left unread, dropped\n", client->id,
                   NMI_CLIENT_OUT_LIMIT);
    return over;
}

/* Writes what the socket takes, without blocking. FALSE when the socket failed. */
static gboolean flush_out_locked(NmiClient *client)
{
    if (client->closed)
        return TRUE;
    while (client->out.head != NULL) {
        GBytes *head = client->out.head->data;
        gsize size;
        const guint8 *data = g_bytes_get_data(head, &size);
        ssize_t n = send(client->fd, data + client->out_offset, size - client->out_offset,
                         MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0)
            return FALSE;
        client->out_offset += n;
        client->out_bytes -= n;
        if (client->out_offset == size) {
            g_bytes_unref(g_queue_pop_head(&client->out));
            client->out_offset = 0;
        }
    }
    return TRUE;
}

/* Main thread. FALSE when the client must go. */
static gboolean flush_out(NmiClient *client)
{
    gboolean ok;

    g_mutex_lock(&client->lock);
    ok = flush_out_locked(client);
    g_mutex_unlock(&client->lock);
    return ok;
}

static gboolean flush_in_main(gpointer data)
{
    NmiClient *client = data;

    if (client->source == NULL)
        return G_SOURCE_REMOVE;
    if (!flush_out(client) || over_limit(client))
        nmi_client_close(client);
    else
        update_condition(client);
    return G_SOURCE_REMOVE;
}

/* Worker thread: runs this client's calls in order until none is left. */
void nmi_client_run_calls(NmiClient *client)
{
    for (;;) {
        NmiCall *call;
        GBytes *reply;
        gboolean need_main;

        g_mutex_lock(&client->lock);
        call = client->closed ? NULL : g_queue_pop_head(&client->calls);
        if (call == NULL) {
            client->busy = FALSE;
            g_mutex_unlock(&client->lock);
            return;
        }
        g_mutex_unlock(&client->lock);

        {
            gsize len;
            const guint8 *bytes = g_bytes_get_data(call->packet, &len);
            gint64 start = g_get_monotonic_time();

            reply = nmi_dispatch_call(&client->state, &call->hdr, bytes + NMI_PACKET_MIN_LEN,
                                      len - NMI_PACKET_MIN_LEN);
            if (nmi_server_verbose(client->server)) {
                const NmiProcedure *proc = nmi_procedure_find(call->hdr.proc);

                g_printerr("client %u: call %u %s, %" G_GINT64_FORMAT " us\n", client->id,
                           call->hdr.serial, proc != NULL ? proc->name : "(unknown)",
                           g_get_monotonic_time() - start);
            }
        }
        call_free(call);
        nmi_server_call_done(client->server);

        /* The reply goes out from here when the socket takes it whole, saving a wake-up of
         * the main loop per call; the main loop is needed for the rest, for a failed socket
         * (it closes the client) and to resume reading a client it had stopped reading. */
        queue_reply(client, reply);
        g_mutex_lock(&client->lock);
        need_main = !flush_out_locked(client) || client->out_bytes > 0 ||
                    (!client->reading && !client->closed);
        g_mutex_unlock(&client->lock);
        if (need_main)
            g_main_context_invoke_full(nmi_server_context(client->server), G_PRIORITY_DEFAULT,
                                       flush_in_main, nmi_client_ref(client),
                                       (GDestroyNotify)nmi_client_unref);
    }
}

/* Main thread: a whole packet has arrived. FALSE closes the client. */
static gboolean handle_packet(NmiClient *client, guint8 *packet, guint32 len)
{
    g_autoptr(GError) error = NULL;
    vir_net_message_header hdr;
    gsize payload_offset;
    GBytes *reply = NULL;
    gboolean ok = TRUE;

    if (!nmi_packet_decode_header(packet, len, &hdr, &payload_offset, &error)) {
        g_printerr("client %u: %s\n", client->id, error->message);
        g_free(packet);
        return FALSE;
    }
    if (hdr.prog == KEEPALIVE_PROGRAM) {
        reply = nmi_dispatch_keepalive(&hdr);
        g_free(packet);
    } else if (hdr.type != VIR_NET_CALL) {
        /* Replies, events and stream data from a client mean nothing to us: dropped. A call
         * passing file descriptors is refused (we serve none that takes one). */
        g_free(packet);
        if (hdr.type != VIR_NET_CALL_WITH_FDS)
            return TRUE;
        hdr.type = VIR_NET_CALL;
        {
            NmiRpcError err = {0};

            nmi_rpc_error_set(&err, NMI_VIR_FROM_REMOTE, VIR_ERR_NO_SUPPORT, "%s",
                              "this function is not supported by the connection driver: "
                              "passing file descriptors");
            reply = nmi_packet_encode_error(&hdr, &err);
            nmi_rpc_error_clear(&err);
        }
    } else if (hdr.prog != REMOTE_PROGRAM || hdr.vers != REMOTE_PROTOCOL_VERSION) {
        reply = nmi_dispatch_unknown_program(&hdr);
        g_free(packet);
    } else {
        NmiCall *call = g_new0(NmiCall, 1);
        gboolean start;

        call->hdr = hdr;
        call->packet = g_bytes_new_take(packet, len);
        nmi_server_call_started(client->server);
        g_mutex_lock(&client->lock);
        g_queue_push_tail(&client->calls, call);
        start = !client->busy;
        client->busy = TRUE;
        g_mutex_unlock(&client->lock);
        if (start)
            nmi_server_push_call(client->server, nmi_client_ref(client));
        return TRUE;
    }

    if (reply != NULL) {
        queue_reply(client, reply);
        ok = flush_out(client) && !over_limit(client);
    }
    return ok;
}

/* Main thread: reads whole packets while the socket has bytes. FALSE closes the client. */
static gboolean read_in(NmiClient *client)
{
    for (;;) {
        guint8 *dst;
        gsize want;
        ssize_t n;

        if (client->packet == NULL) {
            dst = client->len_buf + client->len_have;
            want = sizeof(client->len_buf) - client->len_have;
        } else {
            if (client->packet_have == client->packet_alloc) {
                client->packet_alloc = MIN(client->packet_alloc * 4, client->packet_len);
                client->packet = g_realloc(client->packet, client->packet_alloc);
            }
            dst = client->packet + client->packet_have;
            want = client->packet_alloc - client->packet_have;
        }
        n = read(client->fd, dst, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return TRUE;
        if (n <= 0)
            return FALSE; /* EOF or error: the client is gone */

        if (client->packet == NULL) {
            g_autoptr(GError) error = NULL;

            client->len_have += n;
            if (client->len_have < sizeof(client->len_buf))
                continue;
            client->len_have = 0;
            if (!nmi_packet_read_length(client->len_buf, &client->packet_len, &error)) {
                g_printerr("client %u: %s\n", client->id, error->message);
                return FALSE;
            }
            client->packet_alloc = MIN(client->packet_len, NMI_CLIENT_FIRST_BUFFER);
            client->packet = g_malloc(client->packet_alloc);
            memcpy(client->packet, client->len_buf, sizeof(client->len_buf));
            client->packet_have = sizeof(client->len_buf);
            continue;
        }
        client->packet_have += n;
        if (client->packet_have < client->packet_len)
            continue;
        {
            guint8 *packet = g_steal_pointer(&client->packet);

            if (!handle_packet(client, packet, client->packet_len))
                return FALSE;
        }
        /* Stop reading while the client has enough queued; update_condition resumes it. */
        if (!wants_input(client))
            return TRUE;
    }
}

static gboolean client_source_dispatch(GSource *source, GSourceFunc callback, gpointer data)
{
    NmiClientSource *cs = (NmiClientSource *)source;
    NmiClient *client = cs->client;
    GIOCondition revents = g_source_query_unix_fd(source, cs->tag);
    gboolean ok = TRUE;

    if (revents & G_IO_OUT)
        ok = flush_out(client);
    if (ok && (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR)))
        ok = read_in(client);
    if (!ok) {
        nmi_client_close(client);
        return G_SOURCE_REMOVE;
    }
    update_condition(client);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs client_source_funcs = {
    .dispatch = client_source_dispatch,
};

NmiClient *nmi_client_new(NmiServer *server, int fd, gboolean readonly, guint id, GError **error)
{
    NmiClient *client = g_new0(NmiClient, 1);

    if (!g_unix_set_fd_nonblocking(fd, TRUE, error)) {
        g_free(client);
        return NULL;
    }
    client->refs = 1;
    client->server = server;
    client->fd = fd;
    client->id = id;
    g_mutex_init(&client->lock);
    g_queue_init(&client->calls);
    g_queue_init(&client->out);
    client->state.server = server;
    client->state.readonly = readonly;
    /* Keys are the objects' own names (see dispatch-iface.c). */
    client->state.ifaces = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, iface_free);

    client->source = (NmiClientSource *)g_source_new(&client_source_funcs, sizeof(NmiClientSource));
    client->source->client = client;
    client->source->tag = g_source_add_unix_fd(&client->source->parent, fd, G_IO_IN);
    client->reading = TRUE;
    g_source_attach(&client->source->parent, nmi_server_context(server));
    return client;
}

/* Main thread: the socket goes now; a call still running finishes and its reply is dropped. */
void nmi_client_close(NmiClient *client)
{
    if (client->source == NULL)
        return;
    g_source_destroy(&client->source->parent);
    g_source_unref(&client->source->parent);
    client->source = NULL;
    g_mutex_lock(&client->lock);
    client->closed = TRUE;
    for (guint i = 0; i < client->calls.length; i++)
        nmi_server_call_done(client->server);
    g_queue_clear_full(&client->calls, (GDestroyNotify)call_free);
    g_queue_clear_full(&client->out, (GDestroyNotify)g_bytes_unref);
    client->out_bytes = 0;
    /* Under the lock: a worker writes to the socket only while it is open. */
    close(client->fd);
    client->fd = -1;
    g_mutex_unlock(&client->lock);
    if (nmi_server_verbose(client->server))
        g_printerr("client %u: disconnected\n", client->id);
    nmi_server_client_gone(client->server, client);
}
