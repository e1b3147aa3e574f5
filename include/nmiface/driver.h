/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The driver module ABI: what libnmiface (src/host) expects of a loadable driver module.
 *
 * A module is a shared object named "nmiface-driver-<scheme>.so" (the URI scheme, so
 * "nm:///system" loads nmiface-driver-nm.so). It exports exactly one symbol,
 * NMIFACE_DRIVER_ENTRY_SYMBOL, pinned by a linker version script; everything else is hidden.
 * The host refuses a module whose abi_version differs from NMIFACE_DRIVER_ABI_VERSION.
 *
 * Division of labour: the host checks arguments (NULL, dead objects), flag bits against
 * supported_*_flags below, read-only connections, and builds virInterface objects and
 * libvirt-style messages. It serialises the calls on one driver connection (one at a time,
 * possibly from different threads), so a driver needs no locking of its own per connection.
 * A driver reports errors as GError in the NMIFACE_ERROR domain with a virErrorNumber as code
 * and a message without libvirt's generic prefix ("couldn't find interface named 'eth9'").
 * Any entry may be NULL: the host then answers VIR_ERR_NO_SUPPORT.
 */
#ifndef NMIFACE_DRIVER_H
#define NMIFACE_DRIVER_H

#include <glib.h>

#include "libvirt-interface.h"

G_BEGIN_DECLS

#define NMIFACE_DRIVER_ABI_VERSION  1
#define NMIFACE_DRIVER_ENTRY_SYMBOL "nmiface_driver_entry"

/* Codes are virErrorNumber values. Defined inline so every module shares one quark. */
#define NMIFACE_ERROR (nmiface_error_quark())
static inline GQuark nmiface_error_quark(void)
{
    return g_quark_from_static_string("nmiface-error-quark");
}

/* One interface as the driver sees it at the time of the call. */
typedef struct {
    char *name;
    char *mac; /* "aa:bb:cc:dd:ee:ff" lower case, or NULL when none is known */
    gboolean active;
} NmifaceIfaceInfo;

static inline void nmiface_iface_info_free(NmifaceIfaceInfo *info)
{
    if (info == NULL)
        return;
    g_free(info->name);
    g_free(info->mac);
    g_free(info);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmifaceIfaceInfo, nmiface_iface_info_free)

/* A driver's per-connection state. */
typedef struct _NmifaceDriverConn NmifaceDriverConn;

typedef struct {
    guint abi_version; /* NMIFACE_DRIVER_ABI_VERSION */
    const char *name;  /* the URI scheme it serves, "nm" */

    /* Flag bits each call accepts; the host refuses others with VIR_ERR_INVALID_ARG. */
    guint supported_list_all_flags;
    guint supported_xml_desc_flags;
    guint supported_define_flags;
    guint supported_create_flags;
    guint supported_destroy_flags;
    guint supported_change_flags;

    /* Connection */
    NmifaceDriverConn *(*open)(const char *uri, gboolean read_only, GError **error);
    void (*close)(NmifaceDriverConn *conn);

    /* Listing. list_all fills @out with NmifaceIfaceInfo* (owned by the array) already filtered
     * by @flags (virConnectListAllInterfacesFlags); it is one snapshot. The host derives
     * NumOf/List/NumOfDefined/ListDefined from it. */
    gboolean (*list_all)(NmifaceDriverConn *conn, guint flags, GPtrArray **out, GError **error);

    /* Lookup: VIR_ERR_NO_INTERFACE when absent, VIR_ERR_MULTIPLE_INTERFACES for a MAC that
     * several interfaces share. */
    NmifaceIfaceInfo *(*lookup_by_name)(NmifaceDriverConn *conn, const char *name, GError **error);
    NmifaceIfaceInfo *(*lookup_by_mac)(NmifaceDriverConn *conn, const char *mac, GError **error);

    /* Per interface, named by the name the host object holds. */
    char *(*get_xml_desc)(NmifaceDriverConn *conn, const char *name, guint flags, GError **error);
    NmifaceIfaceInfo *(*define_xml)(NmifaceDriverConn *conn, const char *xml, guint flags,
                                    GError **error);
    gboolean (*undefine)(NmifaceDriverConn *conn, const char *name, GError **error);
    gboolean (*create)(NmifaceDriverConn *conn, const char *name, guint flags, GError **error);
    gboolean (*destroy)(NmifaceDriverConn *conn, const char *name, guint flags, GError **error);
    /* TRUE/FALSE in *active; FALSE return with @error on failure. */
    gboolean (*is_active)(NmifaceDriverConn *conn, const char *name, gboolean *active,
                          GError **error);

    /* Transactions. @timeout_seconds 0 means none (libvirt's behaviour). */
    gboolean (*change_begin)(NmifaceDriverConn *conn, guint timeout_seconds, guint flags,
                             GError **error);
    gboolean (*change_commit)(NmifaceDriverConn *conn, guint flags, GError **error);
    gboolean (*change_rollback)(NmifaceDriverConn *conn, guint flags, GError **error);

    /* Without a connection: the NM keyfiles an XML would become (nmifaceDefineXMLDryRun). */
    char *(*define_dry_run)(const char *xml, guint flags, GError **error);
} NmifaceDriver;

/* The one exported symbol of a module. */
typedef const NmifaceDriver *(*NmifaceDriverEntryFunc)(void);

G_END_DECLS

#endif /* NMIFACE_DRIVER_H */
