/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nmiface's own entry points (nmiface-ext.h). */

#include "host-private.h"

char *nmifaceDefineXMLDryRun(const char *uri, const char *xmlDesc, unsigned int flags)
{
    g_autofree char *resolved = NULL;
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;
    const NmifaceDriver *driver;

    virResetLastError();
    if (!nmi_check_non_null(xmlDesc, "xmlDesc", G_STRFUNC))
        return NULL;
    /* No connection: only the module is needed, so this works without NetworkManager. */
    resolved = nmi_uri_resolve(uri);
    driver = nmi_driver_load(resolved, &error);
    if (driver == NULL) {
        nmi_error_dispatch(VIR_FROM_NONE, error);
        return NULL;
    }
    if (!nmi_check_supported(driver->define_dry_run != NULL, G_STRFUNC) ||
        !nmi_check_flags(flags, driver->supported_define_flags, G_STRFUNC))
        return NULL;

    text = driver->define_dry_run(xmlDesc, flags, &error);
    if (text == NULL) {
        nmi_error_dispatch(VIR_FROM_INTERFACE, error);
        return NULL;
    }
    return nmi_strdup_for_caller(text);
}

int nmifaceChangeBeginWithTimeout(virConnectPtr conn, unsigned int timeout_seconds,
                                  unsigned int flags)
{
    virResetLastError();
    return nmi_change_begin(conn, timeout_seconds, flags, G_STRFUNC);
}
