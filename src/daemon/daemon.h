/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nmiface-interfaced's private interfaces: the server (listening sockets, clients, idle
 * timeout), a client (its socket, its calls in order, its replies), and the procedures.
 * I/O runs on the main loop's thread; calls run on a thread pool, one at a time per client.
 */
#ifndef NMI_DAEMON_H
#define NMI_DAEMON_H

#include <sys/types.h>

#include <gio/gio.h>
#include <nmiface/libvirt-interface.h>

#include "packet.h"

/* libvirt's values the public header does not carry (virerror.h). */
#define NMI_VIR_FROM_RPC    7
#define NMI_VIR_FROM_REMOTE 13
#define NMI_VIR_ERR_RPC     39
#define NMI_VIR_CONNECT_RO  1

/* Calls a client may have queued before we stop reading its socket (libvirt's
 * max_client_requests), and the replies it may leave unread before it is dropped. */
#define NMI_CLIENT_MAX_CALLS 5
#define NMI_CLIENT_OUT_HIGH  (1024 * 1024)
#define NMI_CLIENT_OUT_LIMIT (2 * (VIR_NET_MESSAGE_MAX + VIR_NET_MESSAGE_LEN_MAX))
/* A packet's buffer starts at libvirt's initial message size and grows as bytes arrive. */
#define NMI_CLIENT_FIRST_BUFFER 65536

typedef struct _NmiServer NmiServer;
typedef struct _NmiClient NmiClient;

typedef struct {
    char *socket_dir;
    char *uri;
    guint timeout_seconds;
    gboolean verbose;
} NmiServerOptions;

/* server.c */
NmiServer *nmi_server_new(const NmiServerOptions *options, GError **error);
int nmi_server_run(NmiServer *server);
void nmi_server_free(NmiServer *server);
const char *nmi_server_uri(NmiServer *server);
virConnectPtr nmi_server_open_connection(NmiServer *server, gboolean readonly);
void nmi_server_close_connection(NmiServer *server, virConnectPtr conn, gboolean readonly);
gboolean nmi_server_verbose(NmiServer *server);
void nmi_server_client_gone(NmiServer *server, NmiClient *client);
void nmi_server_push_call(NmiServer *server, NmiClient *client);
void nmi_server_call_started(NmiServer *server);
void nmi_server_call_done(NmiServer *server);
GMainContext *nmi_server_context(NmiServer *server);

/* listen.c */
GPtrArray *nmi_listen_sockets(const char *socket_dir, GError **error);
GPtrArray *nmi_listen_activated(GError **error);

typedef struct {
    int fd;
    gboolean readonly;
    char *path; /* unlinked at exit when we made it */
} NmiListener;

void nmi_listener_free(NmiListener *listener);

/* client.c */
NmiClient *nmi_client_new(NmiServer *server, int fd, gboolean readonly, guint id, GError **error);
NmiClient *nmi_client_ref(NmiClient *client);
void nmi_client_unref(NmiClient *client);
void nmi_client_close(NmiClient *client);
void nmi_client_run_calls(NmiClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiClient, nmi_client_unref)

/* What a procedure sees of its client (worker thread, one call at a time). */
typedef struct {
    NmiServer *server; /* NULL in the packet tests and the fuzzer */
    gboolean readonly; /* the socket's */
    virConnectPtr conn;
    gboolean conn_readonly;
    char *opened_name;
    GHashTable *ifaces; /* name -> virInterfacePtr the client was given */
} NmiClientState;

/* dispatch.c */
typedef gboolean (*NmiProcHandler)(NmiClientState *state, void *args, void *ret, NmiRpcError *err);

typedef struct {
    int proc;
    const char *name;
    xdrproc_t args_proc;
    gsize args_size;
    xdrproc_t ret_proc;
    gsize ret_size;
    NmiProcHandler handler;
    gboolean needs_conn;
} NmiProcedure;

const NmiProcedure *nmi_procedure_find(int proc);
GBytes *nmi_dispatch_call(NmiClientState *state, const vir_net_message_header *hdr,
                          const guint8 *payload, gsize payload_len);
GBytes *nmi_dispatch_keepalive(const vir_net_message_header *hdr);
GBytes *nmi_dispatch_unknown_program(const vir_net_message_header *hdr);

/* errors.c */
void nmi_rpc_error_from_last(NmiRpcError *err);

/* dispatch-connect.c, dispatch-iface.c: the procedure tables. */
extern const NmiProcedure nmi_connect_procedures[];
extern const gsize nmi_connect_procedures_len;
extern const NmiProcedure nmi_iface_procedures[];
extern const gsize nmi_iface_procedures_len;

void nmi_client_state_clear(NmiClientState *state);

#endif /* NMI_DAEMON_H */
