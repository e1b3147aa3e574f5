/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Interface objects: a name and a MAC captured when the object is made (as libvirt's
 * virGetInterface), and a reference on the connection, which stays open while any interface
 * object made from it lives.
 */

#include "host-private.h"

static void iface_finalize(NmiObject *obj)
{
    virInterfacePtr iface = (virInterfacePtr)obj;

    nmi_object_unref(&iface->conn->parent);
    g_free(iface->name);
    g_free(iface->mac);
    g_free(iface);
}

/* @conn must be held by the caller. An unknown MAC becomes "", as libvirt's virGetInterface
 * stores it, so virInterfaceGetMACString() only returns NULL on error. */
virInterfacePtr nmi_iface_new(virConnectPtr conn, const NmifaceIfaceInfo *info)
{
    virInterfacePtr iface = g_new0(virInterface, 1);

    nmi_object_ref(&conn->parent);
    iface->conn = conn;
    iface->name = g_strdup(info->name);
    iface->mac = g_strdup(info->mac != NULL ? info->mac : "");
    nmi_object_register(&iface->parent, NMI_OBJECT_INTERFACE, iface_finalize);
    return iface;
}

/* A temporary reference for the length of a call, or NULL with VIR_ERR_INVALID_INTERFACE. */
virInterfacePtr nmi_iface_acquire(virInterfacePtr iface, const char *func)
{
    if (nmi_object_acquire(iface, NMI_OBJECT_INTERFACE))
        return iface;
    nmi_error_report(VIR_FROM_INTERFACE, VIR_ERR_INVALID_INTERFACE, func);
    return NULL;
}

void nmi_iface_release(virInterfacePtr iface)
{
    if (iface != NULL)
        nmi_object_unref(&iface->parent);
}

/* The object for what a driver lookup or define returned, or NULL with the driver's error. */
virInterfacePtr nmi_iface_from_driver(virConnectPtr conn, const NmifaceIfaceInfo *info,
                                      const GError *error)
{
    if (info == NULL) {
        nmi_error_dispatch(VIR_FROM_INTERFACE, error);
        return NULL;
    }
    if (info->name == NULL) {
        nmi_error_report(VIR_FROM_INTERFACE, VIR_ERR_INTERNAL_ERROR,
                         "the driver returned an interface without a name");
        return NULL;
    }
    return nmi_iface_new(conn, info);
}
