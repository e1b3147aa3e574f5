/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Listing. Everything comes from the driver's one list_all snapshot: NumOf/List use its
 * ACTIVE filter, NumOfDefined/ListDefined its INACTIVE one, so a count and a list taken one
 * after the other agree unless the host changed in between.
 */

#include <stdlib.h>

#include "host-private.h"

/* Must hold a reference on @conn. NULL with the last error set on failure. */
static GPtrArray *list_snapshot(virConnectPtr conn, guint flags, const char *func)
{
    g_autoptr(GError) error = NULL;
    GPtrArray *list = NULL;

    if (!nmi_check_supported(conn->driver->list_all != NULL, func))
        return NULL;

    NMI_DRIVER_LOCKED(conn);
    if (!conn->driver->list_all(conn->driver_conn, flags, &list, &error)) {
        g_clear_pointer(&list, g_ptr_array_unref);
        nmi_error_dispatch(VIR_FROM_INTERFACE, error);
        return NULL;
    }
    if (list == NULL)
        list = g_ptr_array_new();
    return list;
}

static int count_interfaces(virConnectPtr conn, guint flags, const char *func)
{
    g_autoptr(virConnect) held = NULL;
    g_autoptr(GPtrArray) list = NULL;

    virResetLastError();
    held = nmi_conn_acquire(conn, VIR_FROM_INTERFACE, func);
    if (held == NULL)
        return -1;
    list = list_snapshot(held, flags, func);
    if (list == NULL)
        return -1;
    return (int)list->len;
}

static int list_names(virConnectPtr conn, char **const names, int maxnames, guint flags,
                      const char *func)
{
    g_autoptr(virConnect) held = NULL;
    g_autoptr(GPtrArray) list = NULL;
    int n;

    virResetLastError();
    held = nmi_conn_acquire(conn, VIR_FROM_INTERFACE, func);
    if (held == NULL)
        return -1;
    /* libvirt's virCheckNonNullArrayArgGoto: NULL is fine for an empty array. */
    if (names == NULL && maxnames > 0) {
        nmi_check_non_null(names, "names", func);
        return -1;
    }
    if (maxnames < 0) {
        nmi_error_raise(VIR_FROM_INTERFACE, VIR_ERR_INVALID_ARG,
                        "maxnames in %s must be zero or greater", func);
        return -1;
    }
    list = list_snapshot(held, flags, func);
    if (list == NULL)
        return -1;

    n = MIN((int)list->len, maxnames);
    for (int i = 0; i < n; i++) {
        const NmifaceIfaceInfo *info = list->pdata[i];

        names[i] = nmi_strdup_for_caller(info->name != NULL ? info->name : "");
    }
    return n;
}

int virConnectNumOfInterfaces(virConnectPtr conn)
{
    return count_interfaces(conn, VIR_CONNECT_LIST_INTERFACES_ACTIVE, G_STRFUNC);
}

int virConnectListInterfaces(virConnectPtr conn, char **const names, int maxnames)
{
    return list_names(conn, names, maxnames, VIR_CONNECT_LIST_INTERFACES_ACTIVE, G_STRFUNC);
}

int virConnectNumOfDefinedInterfaces(virConnectPtr conn)
{
    return count_interfaces(conn, VIR_CONNECT_LIST_INTERFACES_INACTIVE, G_STRFUNC);
}

int virConnectListDefinedInterfaces(virConnectPtr conn, char **const names, int maxnames)
{
    return list_names(conn, names, maxnames, VIR_CONNECT_LIST_INTERFACES_INACTIVE, G_STRFUNC);
}

/* The array is malloc'd with one NULL past the counted elements, for the caller to free(). */
int virConnectListAllInterfaces(virConnectPtr conn, virInterfacePtr **ifaces, unsigned int flags)
{
    g_autoptr(virConnect) held = NULL;
    g_autoptr(GPtrArray) list = NULL;
    virInterfacePtr *out;

    virResetLastError();
    if (ifaces != NULL)
        *ifaces = NULL;
    held = nmi_conn_acquire(conn, VIR_FROM_INTERFACE, G_STRFUNC);
    if (held == NULL)
        return -1;
    if (!nmi_check_supported(held->driver->list_all != NULL, G_STRFUNC) ||
        !nmi_check_flags(flags, held->driver->supported_list_all_flags, G_STRFUNC))
        return -1;
    list = list_snapshot(held, flags, G_STRFUNC);
    if (list == NULL)
        return -1;
    if (ifaces == NULL)
        return (int)list->len;

    out = calloc(list->len + 1, sizeof(*out));
    if (out == NULL)
        g_error("out of memory");
    for (guint i = 0; i < list->len; i++) {
        out[i] = nmi_iface_from_driver(held, list->pdata[i], NULL);
        if (out[i] == NULL) {
            for (guint j = 0; j < i; j++)
                nmi_iface_release(out[j]);
            free(out);
            return -1;
        }
    }
    *ifaces = out;
    return (int)list->len;
}
