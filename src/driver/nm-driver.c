/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The module's vtable. Each entry runs with the connection's GMainContext pushed as the
 * thread-default context, so the host may call from any thread (one call at a time).
 */
#include "nm-driver.h"
#include "txn-nm.h"

#include <errno.h>

#define ENTER(conn) g_main_context_push_thread_default((conn)->context)
#define LEAVE(conn) g_main_context_pop_thread_default((conn)->context)

static NmifaceDriverConn *drv_open(const char *uri, gboolean read_only, GError **error)
{
    NmifaceDriverConn *conn = nmi_session_open(uri, read_only, error);

    /* Define and undefine store profiles in /run while a transaction is open. */
    if (conn != NULL)
        conn->storage.refresh = nm_txn_storage_refresh;
    return conn;
}

static void drv_close(NmifaceDriverConn *conn)
{
    nmi_session_close(conn);
}

static gboolean drv_list_all(NmifaceDriverConn *conn, guint flags, GPtrArray **out, GError **error)
{
    gboolean ok;

    ENTER(conn);
    ok = nmi_list_all(conn, flags, out, error);
    LEAVE(conn);
    return ok;
}

static NmifaceIfaceInfo *drv_lookup_by_name(NmifaceDriverConn *conn, const char *name,
                                            GError **error)
{
    NmifaceIfaceInfo *info;

    ENTER(conn);
    info = nmi_lookup_by_name(conn, name, error);
    LEAVE(conn);
    return info;
}

static NmifaceIfaceInfo *drv_lookup_by_mac(NmifaceDriverConn *conn, const char *mac, GError **error)
{
    NmifaceIfaceInfo *info;

    ENTER(conn);
    info = nmi_lookup_by_mac(conn, mac, error);
    LEAVE(conn);
    return info;
}

static char *drv_get_xml_desc(NmifaceDriverConn *conn, const char *name, guint flags,
                              GError **error)
{
    char *xml;

    ENTER(conn);
    xml = nmi_get_xml_desc(conn, name, flags, error);
    LEAVE(conn);
    return xml;
}

static NmifaceIfaceInfo *drv_define_xml(NmifaceDriverConn *conn, const char *xml, guint flags,
                                        GError **error)
{
    NmifaceIfaceInfo *info;

    ENTER(conn);
    info = nmi_define_xml(conn, xml, flags, error);
    LEAVE(conn);
    return info;
}

static gboolean drv_undefine(NmifaceDriverConn *conn, const char *name, GError **error)
{
    gboolean ok;

    ENTER(conn);
    ok = nmi_undefine(conn, name, error);
    LEAVE(conn);
    return ok;
}

static gboolean drv_create(NmifaceDriverConn *conn, const char *name, guint flags, GError **error)
{
    gboolean ok;

    ENTER(conn);
    ok = nmi_create(conn, name, flags, error);
    LEAVE(conn);
    return ok;
}

static gboolean drv_destroy(NmifaceDriverConn *conn, const char *name, guint flags, GError **error)
{
    gboolean ok;

    ENTER(conn);
    ok = nmi_destroy(conn, name, flags, error);
    LEAVE(conn);
    return ok;
}

static gboolean drv_is_active(NmifaceDriverConn *conn, const char *name, gboolean *active,
                              GError **error)
{
    gboolean ok;

    ENTER(conn);
    ok = nmi_is_active(conn, name, active, error);
    LEAVE(conn);
    return ok;
}

static char *drv_define_dry_run(const char *xml, guint flags, GError **error)
{
    return nmi_iface_xml_to_keyfiles_text(
        xml, (flags & VIR_INTERFACE_DEFINE_VALIDATE) != 0 ? NMI_PARSE_VALIDATE : 0, error);
}

static const NmifaceDriver nm_driver = {
    .abi_version = NMIFACE_DRIVER_ABI_VERSION,
    .name = "nm",
    .supported_list_all_flags =
        VIR_CONNECT_LIST_INTERFACES_INACTIVE | VIR_CONNECT_LIST_INTERFACES_ACTIVE,
    .supported_xml_desc_flags = VIR_INTERFACE_XML_INACTIVE,
    .supported_define_flags = VIR_INTERFACE_DEFINE_VALIDATE,
    .supported_create_flags = 0,
    .supported_destroy_flags = 0,
    .supported_change_flags = 0,
    .open = drv_open,
    .close = drv_close,
    .list_all = drv_list_all,
    .lookup_by_name = drv_lookup_by_name,
    .lookup_by_mac = drv_lookup_by_mac,
    .get_xml_desc = drv_get_xml_desc,
    .define_xml = drv_define_xml,
    .undefine = drv_undefine,
    .create = drv_create,
    .destroy = drv_destroy,
    .is_active = drv_is_active,
    /* checkpoint + journal: docs/transactions.md */
    .change_begin = nm_txn_change_begin,
    .change_commit = nm_txn_change_commit,
    .change_rollback = nm_txn_change_rollback,
    .define_dry_run = drv_define_dry_run,
};

/*
 * GLib before 2.81.1 (Debian 12 has 2.74) makes its C locale on the first g_ascii_strto*() call
 * of the process, and a thread that waits meanwhile for another to make it is left with errno
 * set (GNOME/glib#3418). g_ascii_string_to_unsigned() and libnm's number parsing check errno,
 * so the first calls on several threads at once refused good numbers ("invalid vlan tag '108'",
 * errno EAGAIN from the wait). Made here, before the host can call the driver from any thread.
 */
static void make_glib_c_locale(void)
{
    int saved_errno = errno;

    (void)g_ascii_strtoull("0", NULL, 10);
    errno = saved_errno;
}

const NmifaceDriver *nmi_nm_driver(void)
{
    make_glib_c_locale();
    return &nm_driver;
}
