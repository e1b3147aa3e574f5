/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The interface procedures, each one public nmiface call on the client's own connection.
 * Interfaces cross the wire as {name, mac}; the objects a client was given are kept by name,
 * so a call on one of them costs no extra lookup (libvirt's daemon rebuilds them the same way).
 */
#include <stdlib.h>

#include "daemon.h"

/* Keeps @iface (the reference is taken over) and puts it on the wire. The table's key is the
 * object's own name, so a replace also swaps the key for the new object's. */
static void remember_iface(NmiClientState *state, virInterfacePtr iface,
                           remote_nonnull_interface *wire)
{
    const char *name = virInterfaceGetName(iface);

    wire->name = g_strdup(name);
    wire->mac = g_strdup(virInterfaceGetMACString(iface));
    g_hash_table_replace(state->ifaces, (gpointer)name, iface);
}

/* The object for what the client names: one it was given, else a lookup by name. */
static virInterfacePtr wire_to_iface(NmiClientState *state, const remote_nonnull_interface *wire,
                                     NmiRpcError *err)
{
    virInterfacePtr iface = g_hash_table_lookup(state->ifaces, wire->name);

    if (iface != NULL)
        return iface;
    iface = virInterfaceLookupByName(state->conn, wire->name);
    if (iface == NULL) {
        nmi_rpc_error_from_last(err);
        return NULL;
    }
    g_hash_table_replace(state->ifaces, (gpointer)virInterfaceGetName(iface), iface);
    return iface;
}

static gboolean int_result(int n, int *out, NmiRpcError *err)
{
    if (n < 0) {
        nmi_rpc_error_from_last(err);
        return FALSE;
    }
    if (out != NULL)
        *out = n;
    return TRUE;
}

static gboolean proc_num_of(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    return int_result(virConnectNumOfInterfaces(state->conn),
                      &((remote_connect_num_of_interfaces_ret *)ret)->num, err);
}

static gboolean proc_num_of_defined(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    return int_result(virConnectNumOfDefinedInterfaces(state->conn),
                      &((remote_connect_num_of_interfaces_ret *)ret)->num, err);
}

static gboolean list_names(NmiClientState *state, void *args, void *ret, NmiRpcError *err,
                           int (*list)(virConnectPtr, char **const, int))
{
    remote_connect_list_interfaces_args *a = args;
    remote_connect_list_interfaces_ret *r = ret;
    int n;

    if (a->maxnames < 0 || a->maxnames > REMOTE_INTERFACE_LIST_MAX) {
        nmi_rpc_error_set(err, NMI_VIR_FROM_RPC, NMI_VIR_ERR_RPC,
                          "RPC error: maxnames %d is out of range [0, %d]", a->maxnames,
                          REMOTE_INTERFACE_LIST_MAX);
        return FALSE;
    }
    /* calloc: xdr_free releases it with free(). */
    r->names.names_val = calloc(MAX(a->maxnames, 1), sizeof(char *));
    n = list(state->conn, r->names.names_val, a->maxnames);
    if (n < 0) {
        nmi_rpc_error_from_last(err);
        return FALSE;
    }
    r->names.names_len = n;
    return TRUE;
}

static gboolean proc_list(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    return list_names(state, args, ret, err, virConnectListInterfaces);
}

static gboolean proc_list_defined(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    return list_names(state, args, ret, err, virConnectListDefinedInterfaces);
}

static gboolean proc_list_all(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_connect_list_all_interfaces_args *a = args;
    remote_connect_list_all_interfaces_ret *r = ret;
    virInterfacePtr *ifaces = NULL;
    int n;

    n = virConnectListAllInterfaces(state->conn, a->need_results ? &ifaces : NULL, a->flags);
    if (n < 0) {
        nmi_rpc_error_from_last(err);
        return FALSE;
    }
    if (n > REMOTE_INTERFACE_LIST_MAX) {
        for (int i = 0; i < n && ifaces != NULL; i++)
            virInterfaceFree(ifaces[i]);
        free(ifaces);
        nmi_rpc_error_set(err, NMI_VIR_FROM_RPC, NMI_VIR_ERR_RPC,
                          "RPC error: too many interfaces '%d' for limit '%d'", n,
                          REMOTE_INTERFACE_LIST_MAX);
        return FALSE;
    }
    if (ifaces != NULL) {
        /* Kept: virsh's iface-list asks IsActive of every one next. */
        r->ifaces.ifaces_val = g_new0(remote_nonnull_interface, MAX(n, 1));
        r->ifaces.ifaces_len = n;
        for (int i = 0; i < n; i++)
            remember_iface(state, ifaces[i], &r->ifaces.ifaces_val[i]);
        free(ifaces);
    }
    r->ret = n;
    return TRUE;
}

static gboolean iface_result(NmiClientState *state, virInterfacePtr iface, void *ret,
                             NmiRpcError *err)
{
    if (iface == NULL) {
        nmi_rpc_error_from_last(err);
        return FALSE;
    }
    remember_iface(state, iface, &((remote_interface_ret *)ret)->iface);
    return TRUE;
}

static gboolean proc_lookup_by_name(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_interface_lookup_by_name_args *a = args;

    return iface_result(state, virInterfaceLookupByName(state->conn, a->name), ret, err);
}

static gboolean proc_lookup_by_mac(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_interface_lookup_by_mac_string_args *a = args;

    return iface_result(state, virInterfaceLookupByMACString(state->conn, a->mac), ret, err);
}

static gboolean proc_define(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_interface_define_xml_args *a = args;

    return iface_result(state, virInterfaceDefineXML(state->conn, a->xml, a->flags), ret, err);
}

static gboolean proc_get_xml_desc(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_interface_get_xml_desc_args *a = args;
    remote_interface_get_xml_desc_ret *r = ret;
    virInterfacePtr iface = wire_to_iface(state, &a->iface, err);

    if (iface == NULL)
        return FALSE;
    r->xml = virInterfaceGetXMLDesc(iface, a->flags);
    if (r->xml == NULL) {
        nmi_rpc_error_from_last(err);
        return FALSE;
    }
    return TRUE;
}

static gboolean proc_undefine(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_interface_args *a = args;
    virInterfacePtr iface = wire_to_iface(state, &a->iface, err);

    if (iface == NULL)
        return FALSE;
    if (!int_result(virInterfaceUndefine(iface), NULL, err))
        return FALSE;
    g_hash_table_remove(state->ifaces, a->iface.name);
    return TRUE;
}

static gboolean iface_flags_call(NmiClientState *state, void *args, NmiRpcError *err,
                                 int (*call)(virInterfacePtr, unsigned int))
{
    remote_interface_flags_args *a = args;
    virInterfacePtr iface = wire_to_iface(state, &a->iface, err);

    return iface != NULL && int_result(call(iface, a->flags), NULL, err);
}

static gboolean proc_create(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    return iface_flags_call(state, args, err, virInterfaceCreate);
}

static gboolean proc_destroy(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    return iface_flags_call(state, args, err, virInterfaceDestroy);
}

static gboolean proc_is_active(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    remote_interface_args *a = args;
    virInterfacePtr iface = wire_to_iface(state, &a->iface, err);

    return iface != NULL && int_result(virInterfaceIsActive(iface),
                                       &((remote_interface_is_active_ret *)ret)->active, err);
}

static gboolean proc_change_begin(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    return int_result(virInterfaceChangeBegin(state->conn, ((remote_flags_args *)args)->flags),
                      NULL, err);
}

static gboolean proc_change_commit(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    return int_result(virInterfaceChangeCommit(state->conn, ((remote_flags_args *)args)->flags),
                      NULL, err);
}

static gboolean proc_change_rollback(NmiClientState *state, void *args, void *ret, NmiRpcError *err)
{
    return int_result(virInterfaceChangeRollback(state->conn, ((remote_flags_args *)args)->flags),
                      NULL, err);
}

#define PROC(num, fn, args_type, ret_type)                                                         \
    {                                                                                              \
        .proc = REMOTE_PROC_##num, .name = #num, .args_proc = (xdrproc_t)xdr_##args_type,          \
        .args_size = sizeof(args_type), .ret_proc = (xdrproc_t)xdr_##ret_type,                     \
        .ret_size = sizeof(ret_type), .handler = fn, .needs_conn = TRUE                            \
    }
#define PROC_NO_ARGS(num, fn, ret_type)                                                            \
    {                                                                                              \
        .proc = REMOTE_PROC_##num, .name = #num, .args_proc = (xdrproc_t)nmi_xdr_void,             \
        .ret_proc = (xdrproc_t)xdr_##ret_type, .ret_size = sizeof(ret_type), .handler = fn,        \
        .needs_conn = TRUE                                                                         \
    }
#define PROC_NO_RET(num, fn, args_type)                                                            \
    {                                                                                              \
        .proc = REMOTE_PROC_##num, .name = #num, .args_proc = (xdrproc_t)xdr_##args_type,          \
        .args_size = sizeof(args_type), .ret_proc = (xdrproc_t)nmi_xdr_void, .handler = fn,        \
        .needs_conn = TRUE                                                                         \
    }

const NmiProcedure nmi_iface_procedures[] = {
    PROC_NO_ARGS(CONNECT_NUM_OF_INTERFACES, proc_num_of, remote_connect_num_of_interfaces_ret),
    PROC(CONNECT_LIST_INTERFACES, proc_list, remote_connect_list_interfaces_args,
         remote_connect_list_interfaces_ret),
    PROC_NO_ARGS(CONNECT_NUM_OF_DEFINED_INTERFACES, proc_num_of_defined,
                 remote_connect_num_of_interfaces_ret),
    PROC(CONNECT_LIST_DEFINED_INTERFACES, proc_list_defined, remote_connect_list_interfaces_args,
         remote_connect_list_interfaces_ret),
    PROC(CONNECT_LIST_ALL_INTERFACES, proc_list_all, remote_connect_list_all_interfaces_args,
         remote_connect_list_all_interfaces_ret),
    PROC(INTERFACE_LOOKUP_BY_NAME, proc_lookup_by_name, remote_interface_lookup_by_name_args,
         remote_interface_ret),
    PROC(INTERFACE_LOOKUP_BY_MAC_STRING, proc_lookup_by_mac,
         remote_interface_lookup_by_mac_string_args, remote_interface_ret),
    PROC(INTERFACE_GET_XML_DESC, proc_get_xml_desc, remote_interface_get_xml_desc_args,
         remote_interface_get_xml_desc_ret),
    PROC(INTERFACE_DEFINE_XML, proc_define, remote_interface_define_xml_args, remote_interface_ret),
    PROC_NO_RET(INTERFACE_UNDEFINE, proc_undefine, remote_interface_args),
    PROC_NO_RET(INTERFACE_CREATE, proc_create, remote_interface_flags_args),
    PROC_NO_RET(INTERFACE_DESTROY, proc_destroy, remote_interface_flags_args),
    PROC(INTERFACE_IS_ACTIVE, proc_is_active, remote_interface_args,
         remote_interface_is_active_ret),
    PROC_NO_RET(INTERFACE_CHANGE_BEGIN, proc_change_begin, remote_flags_args),
    PROC_NO_RET(INTERFACE_CHANGE_COMMIT, proc_change_commit, remote_flags_args),
    PROC_NO_RET(INTERFACE_CHANGE_ROLLBACK, proc_change_rollback, remote_flags_args),
};
const gsize nmi_iface_procedures_len = G_N_ELEMENTS(nmi_iface_procedures);
