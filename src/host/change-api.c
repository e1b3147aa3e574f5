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

int virInterfaceChangeCommit(virConnectPtr conn, unsigned int flags)
{
    g_autoptr(virConnect) held = NULL;
    g_autoptr(GError) error = NULL;

    virResetLastError();
    held = nmi_conn_acquire(conn, VIR_FROM_INTERFACE, G_STRFUNC);
    if (held == NULL)
        return -1;
    if (!nmi_check_writable(held, G_STRFUNC) ||
        !nmi_check_supported(held->driver->change_commit != NULL, G_STRFUNC) ||
        !nmi_check_flags(flags, held->driver->supported_change_flags, G_STRFUNC))
        return -1;

    NMI_DRIVER_LOCKED(held);
    if (!held->driver->change_commit(held->driver_conn, flags, &error)) {
        nmi_error_dispatch(VIR_FROM_INTERFACE, error);
        return -1;
    }
    return 0;
}

int virInterfaceChangeRollback(virConnectPtr conn, unsigned int flags)
{
    g_autoptr(virConnect) held = NULL;
    g_autoptr(GError) error = NULL;

    virResetLastError();
    held = nmi_conn_acquire(conn, VIR_FROM_INTERFACE, G_STRFUNC);
    if (held == NULL)
        return -1;
    if (!nmi_check_writable(held, G_STRFUNC) ||
        !nmi_check_supported(held->driver->change_rollback != NULL, G_STRFUNC) ||
        !nmi_check_flags(flags, held->driver->supported_change_flags, G_STRFUNC))
        return -1;

    NMI_DRIVER_LOCKED(held);
    if (!held->driver->change_rollback(held->driver_conn, flags, &error)) {
        nmi_error_dispatch(VIR_FROM_INTERFACE, error);
        return -1;
    }
    return 0;
}
