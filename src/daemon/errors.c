/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library's last error, as remote_error carries it: virsh prints its message as is. */
#include "daemon.h"

void nmi_rpc_error_from_last(NmiRpcError *err)
{
    virErrorPtr last = virGetLastError();

    if (last == NULL) {
        /* libvirt's words when a call fails without saying why. */
        nmi_rpc_error_set(err, NMI_VIR_FROM_REMOTE, VIR_ERR_INTERNAL_ERROR, "%s",
                          "An error occurred, but the cause is unknown");
        return;
    }
    nmi_rpc_error_set(err, last->domain, last->code, "%s",
                      last->message != NULL ? last->message : "");
    err->level = last->level;
    virResetLastError();
}
