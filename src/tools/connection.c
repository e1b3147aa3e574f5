/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The connection, opened when a command first needs it (so that "help" never connects). */
#include "shell.h"

virConnectPtr nmi_shell_connect(NmiShell *shell)
{
    if (shell->conn != NULL)
        return shell->conn;

    if (shell->readonly)
        shell->conn = virConnectOpenReadOnly(shell->uri);
    else
        shell->conn = virConnectOpen(shell->uri);

    /* virsh's words, which scripts look for. */
    if (shell->conn == NULL) {
        shell->connect_failed = TRUE;
        nmi_error("%s", "failed to connect to the hypervisor");
    }
    return shell->conn;
}
