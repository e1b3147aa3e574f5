/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The per-interface entry points. Each follows libvirt's src/libvirt-interface.c: reset the
 * last error, check the object, refuse writes on a read-only connection, check the arguments,
 * answer VIR_ERR_NO_SUPPORT for a missing vtable entry, check the flags (libvirt's drivers do
 * that first thing), then call the driver with the connection's lock held.
 */

#include "host-private.h"

virConnectPtr virInterfaceGetConnect(virInterfacePtr iface)
{
    g_autoptr(virInterface) held = NULL;

    virResetLastError();
    held = nmi_iface_acquire(iface, G_STRFUNC);
    if (held == NULL)
        return NULL;
    return held->conn;
}

virInterfacePtr virInterfaceLookupByName(virConnectPtr conn, const char *name)
{
    g_autoptr(virConnect) held = NULL;
    g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autoptr(GError) error = NULL;

    virResetLastError();
    held = nmi_conn_acquire(conn, VIR_FROM_INTERFACE, G_STRFUNC);
    if (held == NULL)
        return NULL;
    if (!nmi_check_non_null(name, "name", G_STRFUNC) ||
        !nmi_check_supported(held->driver->lookup_by_name != NULL, G_STRFUNC))
        return NULL;

    NMI_DRIVER_LOCKED(held);
    info = held->driver->lookup_by_name(held->driver_conn, name, &error);
    return nmi_iface_from_driver(held, info, error);
}

virInterfacePtr virInterfaceLookupByMACString(virConnectPtr conn, const char *macstr)
{
    g_autoptr(virConnect) held = NULL;
    g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autoptr(GError) error = NULL;

    virResetLastError();
    held = nmi_conn_acquire(conn, VIR_FROM_INTERFACE, G_STRFUNC);
    if (held == NULL)
        return NULL;
    if (!nmi_check_non_null(macstr, "macstr", G_STRFUNC) ||
        !nmi_check_supported(held->driver->lookup_by_mac != NULL, G_STRFUNC))
        return NULL;

    NMI_DRIVER_LOCKED(held);
    info = held->driver->lookup_by_mac(held->driver_conn, macstr, &error);
    return nmi_iface_from_driver(held, info, error);
}

const char *virInterfaceGetName(virInterfacePtr iface)
{
    g_autoptr(virInterface) held = NULL;

    virResetLastError();
    held = nmi_iface_acquire(iface, G_STRFUNC);
    if (held == NULL)
        return NULL;
    return held->name;
}

/* "" when the driver knows no MAC (libvirt's virGetInterface does the same). */
const char *virInterfaceGetMACString(virInterfacePtr iface)
{
    g_autoptr(virInterface) held = NULL;

    virResetLastError();
    held = nmi_iface_acquire(iface, G_STRFUNC);
    if (held == NULL)
        return NULL;
    return held->mac;
}

char *virInterfaceGetXMLDesc(virInterfacePtr iface, unsigned int flags)
{
    g_autoptr(virInterface) held = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    virConnectPtr conn;

    virResetLastError();
    held = nmi_iface_acquire(iface, G_STRFUNC);
    if (held == NULL)
        return NULL;
    conn = held->conn;
    if (!nmi_check_supported(conn->driver->get_xml_desc != NULL, G_STRFUNC) ||
        !nmi_check_flags(flags, conn->driver->supported_xml_desc_flags, G_STRFUNC))
        return NULL;

    NMI_DRIVER_LOCKED(conn);
    xml = conn->driver->get_xml_desc(conn->driver_conn, held->name, flags, &error);
    if (xml == NULL) {
        nmi_error_dispatch(VIR_FROM_INTERFACE, error);
        return NULL;
    }
    return nmi_strdup_for_caller(xml);
}

virInterfacePtr virInterfaceDefineXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    g_autoptr(virConnect) held = NULL;
    g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autoptr(GError) error = NULL;

    virResetLastError();
    held = nmi_conn_acquire(conn, VIR_FROM_INTERFACE, G_STRFUNC);
    if (held == NULL)
        return NULL;
    if (!nmi_check_writable(held, G_STRFUNC) || !nmi_check_non_null(xml, "xml", G_STRFUNC) ||
        !nmi_check_supported(held->driver->define_xml != NULL, G_STRFUNC) ||
        !nmi_check_flags(flags, held->driver->supported_define_flags, G_STRFUNC))
        return NULL;

    NMI_DRIVER_LOCKED(held);
    info = held->driver->define_xml(held->driver_conn, xml, flags, &error);
    return nmi_iface_from_driver(held, info, error);
}

int virInterfaceUndefine(virInterfacePtr iface)
{
    g_autoptr(virInterface) held = NULL;
    g_autoptr(GError) error = NULL;
    virConnectPtr conn;

    virResetLastError();
    held = nmi_iface_acquire(iface, G_STRFUNC);
    if (held == NULL)
        return -1;
    conn = held->conn;
    if (!nmi_check_writable(conn, G_STRFUNC) ||
        !nmi_check_supported(conn->driver->undefine != NULL, G_STRFUNC))
        return -1;

    NMI_DRIVER_LOCKED(conn);
    if (!conn->driver->undefine(conn->driver_conn, held->name, &error)) {
        nmi_error_dispatch(VIR_FROM_INTERFACE, error);
        return -1;
    }
    return 0;
}

typedef gboolean (*IfaceStateFunc)(NmifaceDriverConn *conn, const char *name, guint flags,
                                   GError **error);

/* Create and Destroy: the same checks around a different vtable entry, chosen by its offset in
 * NmifaceDriver once the object is known to be alive. */
static int iface_change_state(virInterfacePtr iface, gsize op_offset, gsize flags_offset,
                              unsigned int flags, const char *func)
{
    g_autoptr(virInterface) held = NULL;
    g_autoptr(GError) error = NULL;
    virConnectPtr conn;
    IfaceStateFunc op;

    virResetLastError();
    held = nmi_iface_acquire(iface, func);
    if (held == NULL)
        return -1;
    conn = held->conn;
    op = G_STRUCT_MEMBER(IfaceStateFunc, conn->driver, op_offset);
    if (!nmi_check_writable(conn, func) || !nmi_check_supported(op != NULL, func) ||
        !nmi_check_flags(flags, G_STRUCT_MEMBER(guint, conn->driver, flags_offset), func))
        return -1;

    NMI_DRIVER_LOCKED(conn);
    if (!op(conn->driver_conn, held->name, flags, &error)) {
        nmi_error_dispatch(VIR_FROM_INTERFACE, error);
        return -1;
    }
    return 0;
}

int virInterfaceCreate(virInterfacePtr iface, unsigned int flags)
{
    return iface_change_state(iface, G_STRUCT_OFFSET(NmifaceDriver, create),
                              G_STRUCT_OFFSET(NmifaceDriver, supported_create_flags), flags,
                              G_STRFUNC);
}

int virInterfaceDestroy(virInterfacePtr iface, unsigned int flags)
{
    return iface_change_state(iface, G_STRUCT_OFFSET(NmifaceDriver, destroy),
                              G_STRUCT_OFFSET(NmifaceDriver, supported_destroy_flags), flags,
                              G_STRFUNC);
}

int virInterfaceRef(virInterfacePtr iface)
{
    virResetLastError();
    /* The reference taken by the check is the one the caller asked for. */
    if (nmi_iface_acquire(iface, G_STRFUNC) == NULL)
        return -1;
    return 0;
}

int virInterfaceFree(virInterfacePtr iface)
{
    virResetLastError();
    if (nmi_object_unref_checked(iface, NMI_OBJECT_INTERFACE) < 0) {
        nmi_error_report(VIR_FROM_INTERFACE, VIR_ERR_INVALID_INTERFACE, G_STRFUNC);
        return -1;
    }
    return 0;
}

int virInterfaceIsActive(virInterfacePtr iface)
{
    g_autoptr(virInterface) held = NULL;
    g_autoptr(GError) error = NULL;
    gboolean active = FALSE;
    virConnectPtr conn;

    virResetLastError();
    held = nmi_iface_acquire(iface, G_STRFUNC);
    if (held == NULL)
        return -1;
    conn = held->conn;
    if (!nmi_check_supported(conn->driver->is_active != NULL, G_STRFUNC))
        return -1;

    NMI_DRIVER_LOCKED(conn);
    if (!conn->driver->is_active(conn->driver_conn, held->name, &active, &error)) {
        nmi_error_dispatch(VIR_FROM_INTERFACE, error);
        return -1;
    }
    return active ? 1 : 0;
}
