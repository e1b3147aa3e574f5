/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The server: accepts clients on the listening sockets (checking the peer's credentials on
 * the read-write one), runs their calls on a thread pool, and stops on SIGTERM/SIGINT or after
 * --timeout seconds with no client and no call.
 */
/* accept4, struct ucred */
#define _GNU_SOURCE 1
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "daemon.h"

/* libvirt's default max_workers: this many calls of different clients run at once. */
#define NMI_SERVER_WORKERS 20
/* Connections a client closed, kept open for the next one of the same kind. */
#define NMI_SERVER_SPARE_CONNECTIONS 2
/* libvirt's default max_clients; past it, and while accept() runs out of descriptors, the
 * daemon stops accepting instead of spinning on a listening socket it cannot serve. */
#define NMI_SERVER_MAX_CLIENTS    5000
#define NMI_SERVER_ACCEPT_RETRY_S 1

struct _NmiServer {
    char *uri;
    guint timeout_seconds;
    gboolean verbose;
    GMainContext *context;
    GMainLoop *loop;
    GPtrArray *listeners;
    GPtrArray *listen_sources; /* empty while not accepting */
    guint accept_retry;        /* timeout source that resumes accepting */
    GHashTable *clients;       /* NmiClient* -> the server's reference */
    GThreadPool *pool;
    gint calls_in_flight;
    GMutex spare_lock;
    GPtrArray *spare[2]; /* virConnectPtr, [read-only] */
    gint64 idle_since;
    guint next_client_id;
};

const char *nmi_server_uri(NmiServer *server)
{
    return server != NULL ? server->uri : NULL;
}

gboolean nmi_server_verbose(NmiServer *server)
{
    return server->verbose;
}

GMainContext *nmi_server_context(NmiServer *server)
{
    return server->context;
}

void nmi_server_call_started(NmiServer *server)
{
    g_atomic_int_inc(&server->calls_in_flight);
}

void nmi_server_call_done(NmiServer *server)
{
    g_atomic_int_add(&server->calls_in_flight, -1);
}

/*
 * An nmiface connection's first call loads NetworkManager's state (hundreds of ms at a thousand
 * profiles); every later call costs one round trip. virsh opens a connection per command, so
 * the daemon keeps the connections clients closed and hands them to the next client of the
 * same kind (read-write or read-only): a connection carries no client state once its
 * interface objects are gone, and transactions are host-wide, not per connection.
 */
virConnectPtr nmi_server_open_connection(NmiServer *server, gboolean readonly)
{
    virConnectPtr conn = NULL;

    if (server != NULL) {
        g_mutex_lock(&server->spare_lock);
        if (server->spare[readonly]->len > 0)
            conn = g_ptr_array_steal_index_fast(server->spare[readonly],
                                                server->spare[readonly]->len - 1);
        g_mutex_unlock(&server->spare_lock);
        if (conn != NULL)
            return conn;
    }
    return readonly ? virConnectOpenReadOnly(nmi_server_uri(server))
                    : virConnectOpen(nmi_server_uri(server));
}

void nmi_server_close_connection(NmiServer *server, virConnectPtr conn, gboolean readonly)
{
    if (server != NULL) {
        g_mutex_lock(&server->spare_lock);
        if (server->spare[readonly] != NULL &&
            server->spare[readonly]->len < NMI_SERVER_SPARE_CONNECTIONS) {
            g_ptr_array_add(server->spare[readonly], conn);
            conn = NULL;
        }
        g_mutex_unlock(&server->spare_lock);
    }
    if (conn != NULL)
        virConnectClose(conn);
}

static void spare_close(gpointer conn)
{
    virConnectClose(conn);
}

static gboolean accept_clients(gint fd, GIOCondition condition, gpointer data);

typedef struct {
    NmiServer *server;
    NmiListener *listener;
} ListenCtx;

static void accept_start(NmiServer *server)
{
    if (server->listen_sources->len > 0)
        return;
    for (guint i = 0; i < server->listeners->len; i++) {
        ListenCtx *ctx = g_new0(ListenCtx, 1);
        GSource *source;

        ctx->server = server;
        ctx->listener = server->listeners->pdata[i];
        source = g_unix_fd_source_new(ctx->listener->fd, G_IO_IN);
        g_source_set_callback(source, G_SOURCE_FUNC(accept_clients), ctx, g_free);
        g_source_attach(source, server->context);
        g_ptr_array_add(server->listen_sources, source);
    }
}

static void accept_stop(NmiServer *server)
{
    for (guint i = 0; i < server->listen_sources->len; i++)
        g_source_destroy(server->listen_sources->pdata[i]);
    g_ptr_array_set_size(server->listen_sources, 0);
}

static gboolean accept_resume(gpointer data)
{
    NmiServer *server = data;

    server->accept_retry = 0;
    if (g_hash_table_size(server->clients) < NMI_SERVER_MAX_CLIENTS)
        accept_start(server);
    return G_SOURCE_REMOVE;
}

void nmi_server_client_gone(NmiServer *server, NmiClient *client)
{
    g_hash_table_remove(server->clients, client);
    if (server->accept_retry == 0 && g_hash_table_size(server->clients) < NMI_SERVER_MAX_CLIENTS)
        accept_start(server);
}

static void run_client_calls(gpointer data, gpointer user_data)
{
    NmiClient *client = data;

    nmi_client_run_calls(client);
    nmi_client_unref(client);
}

void nmi_server_push_call(NmiServer *server, NmiClient *client)
{
    g_thread_pool_push(server->pool, client, NULL);
}

/* On the read-write socket only root or our own user may call; the socket's mode says the
 * same, this holds even if someone loosened it. */
static gboolean peer_allowed(NmiServer *server, int fd, gboolean readonly, guint id)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
        g_printerr("client %u: SO_PEERCRED: %s\n", id, g_strerror(errno));
        return FALSE;
    }
    if (server->verbose)
        g_printerr("client %u: connected, pid %d uid %u%s\n", id, (int)cred.pid, (unsigned)cred.uid,
                   readonly ? ", read-only" : "");
    if (readonly || cred.uid == 0 || cred.uid == geteuid())
        return TRUE;
    g_printerr("client %u: uid %u refused on the read-write socket\n", id, (unsigned)cred.uid);
    return FALSE;
}

static gboolean accept_clients(gint fd, GIOCondition condition, gpointer data)
{
    ListenCtx *ctx = data;
    NmiServer *server = ctx->server;

    for (;;) {
        g_autoptr(GError) error = NULL;
        int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        guint id;
        NmiClient *client;

        if (cfd < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return G_SOURCE_CONTINUE;
        if (cfd < 0) {
            /* Out of descriptors or memory: the pending connection stays readable, so wait. */
            g_printerr("accept: %s; accepting again in %d s\n", g_strerror(errno),
                       NMI_SERVER_ACCEPT_RETRY_S);
            accept_stop(server);
            server->accept_retry =
                g_timeout_add_seconds(NMI_SERVER_ACCEPT_RETRY_S, accept_resume, server);
            return G_SOURCE_REMOVE;
        }
        id = ++server->next_client_id;
        if (!peer_allowed(server, cfd, ctx->listener->readonly, id)) {
            close(cfd);
            continue;
        }
        client = nmi_client_new(server, cfd, ctx->listener->readonly, id, &error);
        if (client == NULL) {
            g_printerr("client %u: %s\n", id, error->message);
            close(cfd);
            continue;
        }
        g_hash_table_add(server->clients, client);
        server->idle_since = 0;
        if (g_hash_table_size(server->clients) >= NMI_SERVER_MAX_CLIENTS) {
            g_printerr("%d clients: accepting again when one leaves\n", NMI_SERVER_MAX_CLIENTS);
            accept_stop(server);
            return G_SOURCE_REMOVE;
        }
    }
}

static gboolean on_signal(gpointer data)
{
    NmiServer *server = data;

    g_main_loop_quit(server->loop);
    return G_SOURCE_CONTINUE;
}

static gboolean idle_check(gpointer data)
{
    NmiServer *server = data;
    gint64 now = g_get_monotonic_time();

    if (g_hash_table_size(server->clients) > 0 || g_atomic_int_get(&server->calls_in_flight) > 0) {
        server->idle_since = 0;
        return G_SOURCE_CONTINUE;
    }
    if (server->idle_since == 0)
        server->idle_since = now;
    if (now - server->idle_since >= (gint64)server->timeout_seconds * G_USEC_PER_SEC) {
        if (server->verbose)
            g_printerr("idle for %u s, exiting\n", server->timeout_seconds);
        g_main_loop_quit(server->loop);
    }
    return G_SOURCE_CONTINUE;
}

NmiServer *nmi_server_new(const NmiServerOptions *options, GError **error)
{
    g_autoptr(GPtrArray) listeners = NULL;
    NmiServer *server;

    if (g_getenv("LISTEN_FDS") != NULL)
        listeners = nmi_listen_activated(error);
    else
        listeners = nmi_listen_sockets(options->socket_dir, error);
    if (listeners == NULL)
        return NULL;

    server = g_new0(NmiServer, 1);
    server->uri = g_strdup(options->uri);
    server->timeout_seconds = options->timeout_seconds;
    server->verbose = options->verbose;
    server->context = g_main_context_ref(g_main_context_default());
    server->loop = g_main_loop_new(server->context, FALSE);
    server->listeners = g_steal_pointer(&listeners);
    server->listen_sources = g_ptr_array_new_with_free_func((GDestroyNotify)g_source_unref);
    server->clients = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                            (GDestroyNotify)nmi_client_unref, NULL);
    server->pool = g_thread_pool_new(run_client_calls, server, NMI_SERVER_WORKERS, FALSE, NULL);
    g_mutex_init(&server->spare_lock);
    server->spare[FALSE] = g_ptr_array_new_with_free_func(spare_close);
    server->spare[TRUE] = g_ptr_array_new_with_free_func(spare_close);
    accept_start(server);
    return server;
}

int nmi_server_run(NmiServer *server)
{
    guint sigterm = g_unix_signal_add(SIGTERM, on_signal, server);
    guint sigint = g_unix_signal_add(SIGINT, on_signal, server);
    guint idle = 0;

    if (server->timeout_seconds > 0)
        idle = g_timeout_add_seconds(1, idle_check, server);
    g_main_loop_run(server->loop);
    g_source_remove(sigterm);
    g_source_remove(sigint);
    if (idle != 0)
        g_source_remove(idle);
    return 0;
}

void nmi_server_free(NmiServer *server)
{
    GHashTableIter iter;
    gpointer client;

    /* Close every socket first; calls still running finish before the pool goes. */
    if (server->accept_retry != 0)
        g_source_remove(server->accept_retry);
    server->accept_retry = G_MAXUINT; /* closing clients must not start accepting again */
    accept_stop(server);
    while (g_hash_table_size(server->clients) > 0) {
        g_hash_table_iter_init(&iter, server->clients);
        g_hash_table_iter_next(&iter, &client, NULL);
        nmi_client_close(client);
    }
    g_ptr_array_unref(server->listen_sources);
    g_thread_pool_free(server->pool, FALSE, TRUE);
    /* Replies the workers queued meanwhile hold client references until dispatched. */
    while (g_main_context_iteration(server->context, FALSE))
        ;
    g_clear_pointer(&server->spare[FALSE], g_ptr_array_unref);
    g_clear_pointer(&server->spare[TRUE], g_ptr_array_unref);
    g_mutex_clear(&server->spare_lock);
    g_hash_table_unref(server->clients);
    g_ptr_array_unref(server->listeners);
    g_main_loop_unref(server->loop);
    g_main_context_unref(server->context);
    g_free(server->uri);
    g_free(server);
}
