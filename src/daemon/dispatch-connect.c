/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The connect procedures: what a libvirt client calls to open a connection, probe it and
 * close it. Each client gets its own nmiface connection at CONNECT_OPEN, read-only on the -ro
 * socket or when the client asks for it.
 */
#include <stdio.h>

#include "daemon.h"
#include "nmiface-config.h"

/* libvirt's driver feature numbers (src/driver.h) that we answer yes to. */
#define NMI_VIR_DRV_FEATURE_PROGRAM_KEEPALIVE 10

/* The URI a libvirt client means when it talks to an interface daemon. */
#define NMI_INTERFACE_URI "interface:///system"

static unsigned long long version_number(void)
{
    unsigned major = 0, minor = 0, micro = 0;

    if (sscanf(NMIFACE_VERSION, "%u.%u.%u", &major, &minor, &micro) < 1)
        return 0;
    return major * 1000000ULL + minor * 1000ULL + micro;
}

static gboolean proc_open(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_connect_open_args *a = args;
    gboolean readonly = state->readonly || (a->flags & NMI_VIR_CONNECT_RO) != 0;

    if (state->conn != NULL) {
        nmi_rpc_error_set(err, NMI_VIR_FROM_REMOTE, VIR_ERR_INTERNAL_ERROR, "%s",
                          "internal error: connection already open");
        return FALSE;
    }
    state->conn = nmi_server_open_connection(state->server, readonly);
    state->conn_readonly = readonly;
    if (state->conn == NULL) {
        nmi_rpc_error_from_last(err);
        return FALSE;
    }
    g_free(state->opened_name);
    state->opened_name = g_strdup(a->name != NULL ? *a->name : NULL);
    return TRUE;
}

static gboolean proc_close(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    nmi_client_state_clear(state);
    return TRUE;
}

static gboolean proc_get_type(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_connect_get_type_ret *r = ret;

    r->type = g_strdup("nmiface");
    return TRUE;
}

static gboolean proc_get_version(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_connect_get_version_ret *r = ret;

    r->hv_ver = version_number();
    return TRUE;
}

static gboolean proc_get_lib_version(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_connect_get_lib_version_ret *r = ret;

    r->lib_ver = version_number();
    return TRUE;
}

static gboolean proc_get_hostname(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_connect_get_hostname_ret *r = ret;

    r->hostname = g_strdup(g_get_host_name());
    return TRUE;
}

static gboolean proc_get_uri(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_connect_get_uri_ret *r = ret;

    r->uri =
        g_strdup(state->opened_name != NULL && state->opened_name[0] != '\0' ? state->opened_name
                                                                             : NMI_INTERFACE_URI);
    return TRUE;
}

static gboolean proc_is_secure(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_connect_is_secure_ret *r = ret;

    /* A unix socket: nothing travels over a network. */
    r->secure = 1;
    return TRUE;
}

static gboolean proc_supports_feature(NmiClientState *state, void *args, void *ret,
                                      NmiRpcError *err)
{
    remote_connect_supports_feature_args *a = args;
    remote_connect_supports_feature_ret *r = ret;

    r->supported = a->feature == NMI_VIR_DRV_FEATURE_PROGRAM_KEEPALIVE;
    return TRUE;
}

static gboolean proc_auth_list(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_auth_list_ret *r = ret;

    /* Unix sockets: the socket's mode and the peer's credentials are the authentication. */
    r->types.types_len = 1;
    r->types.types_val = g_new0(remote_auth_type, 1);
    r->types.types_val[0] = REMOTE_AUTH_NONE;
    return TRUE;
}

static gboolean proc_close_callback(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    /* We never close a connection on the client's behalf, so there is nothing to tell. */
    return TRUE;
}

#define PROC_VOID(num, fn, conn)                                                                   \
    {                                                                                              \
        .proc = REMOTE_PROC_##num, .name = #num, .args_proc = (xdrproc_t)nmi_xdr_void,             \
        .args_size = 0, .ret_proc = (xdrproc_t)nmi_xdr_void, .ret_size = 0, .handler = fn,         \
        .needs_conn = conn                                                                         \
    }
#define PROC_RET(num, fn, type, conn)                                                              \
    {                                                                                              \
        .proc = REMOTE_PROC_##num, .name = #num, .args_proc = (xdrproc_t)nmi_xdr_void,             \
        .args_size = 0, .ret_proc = (xdrproc_t)xdr_##type, .ret_size = sizeof(type),               \
        .handler = fn, .needs_conn = conn                                                          \
    }

const NmiProcedure nmi_connect_procedures[] = {
    {.proc = REMOTE_PROC_CONNECT_OPEN,
     .name = "CONNECT_OPEN",
     .args_proc = (xdrproc_t)xdr_remote_connect_open_args,
     .args_size = sizeof(remote_connect_open_args),
     .ret_proc = (xdrproc_t)nmi_xdr_void,
     .handler = proc_open},
    PROC_VOID(CONNECT_CLOSE, proc_close, FALSE),
    PROC_RET(CONNECT_GET_TYPE, proc_get_type, remote_connect_get_type_ret, TRUE),
    PROC_RET(CONNECT_GET_VERSION, proc_get_version, remote_connect_get_version_ret, TRUE),
    PROC_RET(CONNECT_GET_LIB_VERSION, proc_get_lib_version, remote_connect_get_lib_version_ret,
             TRUE),
    PROC_RET(CONNECT_GET_HOSTNAME, proc_get_hostname, remote_connect_get_hostname_ret, TRUE),
    PROC_RET(CONNECT_GET_URI, proc_get_uri, remote_connect_get_uri_ret, TRUE),
    PROC_RET(CONNECT_IS_SECURE, proc_is_secure, remote_connect_is_secure_ret, TRUE),
    {.proc = REMOTE_PROC_CONNECT_SUPPORTS_FEATURE,
     .name = "CONNECT_SUPPORTS_FEATURE",
     .args_proc = (xdrproc_t)xdr_remote_connect_supports_feature_args,
     .args_size = sizeof(remote_connect_supports_feature_args),
     .ret_proc = (xdrproc_t)xdr_remote_connect_supports_feature_ret,
     .ret_size = sizeof(remote_connect_supports_feature_ret),
     .handler = proc_supports_feature},
    PROC_RET(AUTH_LIST, proc_auth_list, remote_auth_list_ret, FALSE),
    PROC_VOID(CONNECT_REGISTER_CLOSE_CALLBACK, proc_close_callback, TRUE),
    PROC_VOID(CONNECT_UNREGISTER_CLOSE_CALLBACK, proc_close_callback, TRUE),
};
const gsize nmi_connect_procedures_len = G_N_ELEMENTS(nmi_connect_procedures);
