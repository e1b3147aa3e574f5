/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Argument checks shared by the entry points, with libvirt's messages (internal.h and
 * virerror.h: virCheckNonNullArgGoto, virCheckReadOnlyGoto, virReportUnsupportedError,
 * virCheckFlags). @func is the public function's name, which the messages quote.
 */

#include "host-private.h"

gboolean nmi_check_non_null(gconstpointer arg, const char *argname, const char *func)
{
    if (arg != NULL)
        return TRUE;
    nmi_error_raise(VIR_FROM_INTERFACE, VIR_ERR_INVALID_ARG, "%s in %s must not be NULL", argname,
                    func);
    return FALSE;
}

gboolean nmi_check_writable(virConnectPtr conn, const char *func)
{
    g_autofree char *detail = NULL;

    if (!conn->read_only)
        return TRUE;
    detail = g_strdup_printf("read only access prevents %s", func);
    nmi_error_report(VIR_FROM_INTERFACE, VIR_ERR_OPERATION_DENIED, detail);
    return FALSE;
}

/* @present: whether the driver fills the vtable entry @func needs. */
gboolean nmi_check_supported(gboolean present, const char *func)
{
    if (present)
        return TRUE;
    nmi_error_report(VIR_FROM_INTERFACE, VIR_ERR_NO_SUPPORT, func);
    return FALSE;
}

gboolean nmi_check_flags(guint flags, guint supported, const char *func)
{
    guint unsupported = flags & ~supported;

    if (unsupported == 0)
        return TRUE;
    nmi_error_raise(VIR_FROM_INTERFACE, VIR_ERR_INVALID_ARG,
                    "unsupported flags (0x%x) in function %s", unsupported, func);
    return FALSE;
}
