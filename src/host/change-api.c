/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Transactions: ChangeBegin/Commit/Rollback, all writes. */

#include "host-private.h"

int nmi_change_begin(virConnectPtr conn, guint timeout_seconds, guint flags, const char *func)
{
    g_autoptr(virConnect) held = NULL;
    g_autoptr(GError) error = NULL;

    held = nmi_conn_acquire(conn, VIR_FROM_INTERFACE, func);
    if (held == NULL)
        return -1;
    if (!nmi_check_writable(held, func) ||
        !nmi_check_supported(held->driver->change_begin != NULL, func) ||
        !nmi_check_flags(flags, held->driver->supported_change_flags, func))
        return -1;

    NMI_DRIVER_LOCKED(held);
    if (!held->driver->change_begin(held->driver_conn, timeout_seconds, flags, &error)) {
        nmi_error_dispatch(VIR_FROM_INTERFACE, error);
        return -1;
    }
    return 0;
}

int virInterfaceChangeBegin(virConnectPtr conn, unsigned int flags)
{
    virResetLastError();
    /* libvirt has no timeout: the restore point lasts until commit or rollback. */
    return nmi_change_begin(conn, 0, flags, G_STRFUNC);
}

typedef gboolean (*ChangeEndFunc)(NmifaceDriverConn *conn, guint flags, GError **error);

/* Commit and Rollback: the same checks around a different vtable entry, chosen by its offset in
 * NmifaceDriver once the connection is known to be alive. */
static int change_end(virConnectPtr conn, gsize op_offset, unsigned int flags, const char *func)
{
    g_autoptr(virConnect) held = NULL;
    g_autoptr(GError) error = NULL;
    ChangeEndFunc op;

    virResetLastError();
    held = nmi_conn_acquire(conn, VIR_FROM_INTERFACE, func);
    if (held == NULL)
        return -1;
    op = G_STRUCT_MEMBER(ChangeEndFunc, held->driver, op_offset);
    if (!nmi_check_writable(held, func) || !nmi_check_supported(op != NULL, func) ||
        !nmi_check_flags(flags, held->driver->supported_change_flags, func))
        return -1;

    NMI_DRIVER_LOCKED(held);
    if (!op(held->driver_conn, flags, &error)) {
        nmi_error_dispatch(VIR_FROM_INTERFACE, error);
        return -1;
    }
    return 0;
}

int virInterfaceChangeCommit(virConnectPtr conn, unsigned int flags)
{
    return change_end(conn, G_STRUCT_OFFSET(NmifaceDriver, change_commit), flags, G_STRFUNC);
}

int virInterfaceChangeRollback(virConnectPtr conn, unsigned int flags)
{
    return change_end(conn, G_STRUCT_OFFSET(NmifaceDriver, change_rollback), flags, G_STRFUNC);
}
