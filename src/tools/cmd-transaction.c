/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* iface-begin (with nmiface's --timeout), iface-commit and iface-rollback. */
#include <nmiface/nmiface-ext.h>

#include "shell.h"

static gboolean cmd_iface_begin(NmiShell *shell, const NmiCmd *cmd)
{
    unsigned int timeout = 0;
    virConnectPtr conn;
    int rc;

    if ((rc = nmi_cmd_opt_uint(cmd, "timeout", &timeout)) < 0)
        return FALSE;
    /* As every virsh --timeout, zero is refused rather than read as "no timeout". */
    if (rc > 0 && timeout == 0) {
        nmi_error("Numeric value '%u' for <timeout> option is malformed or out of range", timeout);
        return FALSE;
    }

    if ((conn = nmi_shell_connect(shell)) == NULL)
        return FALSE;

    if (rc > 0)
        rc = nmifaceChangeBeginWithTimeout(conn, timeout, 0);
    else
        rc = virInterfaceChangeBegin(conn, 0);
    if (rc < 0) {
        nmi_error("%s", "Failed to begin network config change transaction");
        return FALSE;
    }

    nmi_print_extra(shell, "%s", "Network config change transaction started\n");
    return TRUE;
}

static gboolean cmd_iface_commit(NmiShell *shell, const NmiCmd *cmd)
{
    virConnectPtr conn;

    if ((conn = nmi_shell_connect(shell)) == NULL)
        return FALSE;
    if (virInterfaceChangeCommit(conn, 0) < 0) {
        nmi_error("%s", "Failed to commit network config change transaction");
        return FALSE;
    }

    nmi_print_extra(shell, "%s", "Network config change transaction committed\n");
    return TRUE;
}

static gboolean cmd_iface_rollback(NmiShell *shell, const NmiCmd *cmd)
{
    virConnectPtr conn;

    if ((conn = nmi_shell_connect(shell)) == NULL)
        return FALSE;
    if (virInterfaceChangeRollback(conn, 0) < 0) {
        nmi_error("%s", "Failed to rollback network config change transaction");
        return FALSE;
    }

    nmi_print_extra(shell, "%s", "Network config change transaction rolled back\n");
    return TRUE;
}

static const NmiOptDef begin_opts[] = {
    {.name = "timeout",
     .type = NMI_OPT_INT,
     .help = "roll back by itself unless committed within this many seconds (nmiface)"},
    {.name = NULL},
};

const NmiCmdDef nmi_cmd_def_iface_begin = {
    .name = "iface-begin",
    .help = "create a snapshot of current interfaces settings, which can be later committed "
            "(iface-commit) or restored (iface-rollback)",
    .desc = "Create a restore point for interfaces settings",
    .opts = begin_opts,
    .handler = cmd_iface_begin,
};

const NmiCmdDef nmi_cmd_def_iface_commit = {
    .name = "iface-commit",
    .help = "commit changes made since iface-begin and free restore point",
    .desc = "commit changes and free restore point",
    .handler = cmd_iface_commit,
};

const NmiCmdDef nmi_cmd_def_iface_rollback = {
    .name = "iface-rollback",
    .help = "rollback to previous saved configuration created via iface-begin",
    .desc = "rollback to previous restore point",
    .handler = cmd_iface_rollback,
};
