/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Connections: open through the driver a URI names, reference counting, close. Like libvirt's
 * src/libvirt.c, errors found here belong to no domain (VIR_FROM_NONE); what a driver reports
 * carries VIR_FROM_INTERFACE.
 */

#include "host-private.h"

static void conn_finalize(NmiObject *obj)
{
    virConnectPtr conn = (virConnectPtr)obj;

    if (conn->driver->close != NULL && conn->driver_conn != NULL)
        conn->driver->close(conn->driver_conn);
    g_mutex_clear(&conn->lock);
    g_free(conn->uri);
    g_free(conn);
}

/* A temporary reference for the length of a call, or NULL with VIR_ERR_INVALID_CONN. */
virConnectPtr nmi_conn_acquire(virConnectPtr conn, int domain, const char *func)
{
    if (nmi_object_acquire(conn, NMI_OBJECT_CONNECT))
        return conn;
    nmi_error_report(domain, VIR_ERR_INVALID_CONN, func);
    return NULL;
}

void nmi_conn_release(virConnectPtr conn)
{
    if (conn != NULL)
        nmi_object_unref(&conn->parent);
}

static virConnectPtr conn_open(const char *name, gboolean read_only, const char *func)
{
    g_autofree char *uri = nmi_uri_resolve(name);
    g_autoptr(GError) error = NULL;
    const NmifaceDriver *driver;
    NmifaceDriverConn *driver_conn;
    virConnectPtr conn;

    driver = nmi_driver_load(uri, &error);
    if (driver == NULL) {
        nmi_error_dispatch(VIR_FROM_NONE, error);
        return NULL;
    }
    if (!nmi_check_supported(driver->open != NULL, func))
        return NULL;
    driver_conn = driver->open(uri, read_only, &error);
    if (driver_conn == NULL) {
        nmi_error_dispatch(VIR_FROM_INTERFACE, error);
        return NULL;
    }

    conn = g_new0(virConnect, 1);
    conn->uri = g_steal_pointer(&uri);
    conn->read_only = read_only;
    conn->driver = driver;
    conn->driver_conn = driver_conn;
    g_mutex_init(&conn->lock);
    nmi_object_register(&conn->parent, NMI_OBJECT_CONNECT, conn_finalize);
    return conn;
}

virConnectPtr virConnectOpen(const char *name)
{
    virResetLastError();
    return conn_open(name, FALSE, G_STRFUNC);
}

virConnectPtr virConnectOpenReadOnly(const char *name)
{
    virResetLastError();
    return conn_open(name, TRUE, G_STRFUNC);
}

/* Returns the references left (libvirt: "a positive number if at least 1 reference
 * remains"), 0 once the connection is closed, -1 for an invalid connection. */
int virConnectClose(virConnectPtr conn)
{
    int remaining;

    virResetLastError();
    remaining = nmi_object_unref_checked(conn, NMI_OBJECT_CONNECT);
    if (remaining < 0)
        nmi_error_report(VIR_FROM_NONE, VIR_ERR_INVALID_CONN, G_STRFUNC);
    return remaining;
}

int virConnectRef(virConnectPtr conn)
{
    virResetLastError();
    /* The reference taken by the check is the one the caller asked for. */
    if (nmi_conn_acquire(conn, VIR_FROM_NONE, G_STRFUNC) == NULL)
        return -1;
    return 0;
}

char *virConnectGetURI(virConnectPtr conn)
{
    g_autoptr(virConnect) held = NULL;

    virResetLastError();
    held = nmi_conn_acquire(conn, VIR_FROM_NONE, G_STRFUNC);
    if (held == NULL)
        return NULL;
    return nmi_strdup_for_caller(held->uri);
}
