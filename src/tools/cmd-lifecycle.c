/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* iface-start and iface-destroy. */
#include "shell.h"

static gboolean cmd_iface_start(NmiShell *shell, const NmiCmd *cmd)
{
    g_autoptr(virInterface) iface = NULL;
    const char *name = NULL;

    iface = nmi_iface_from_opt(shell, cmd, NULL, &name, NMI_LOOKUP_BY_NAME | NMI_LOOKUP_BY_MAC);
    if (iface == NULL)
        return FALSE;

    if (virInterfaceCreate(iface, 0) < 0) {
        nmi_error("Failed to start interface %s", name);
        return FALSE;
    }

    nmi_print_extra(shell, "Interface %s started\n", name);
    return TRUE;
}

/*
 * virsh 10's iface-destroy returns failure after printing "destroyed"; that is a bug there,
 * so success here is success.
 */
static gboolean cmd_iface_destroy(NmiShell *shell, const NmiCmd *cmd)
{
    g_autoptr(virInterface) iface = NULL;
    const char *name = NULL;

    iface = nmi_iface_from_opt(shell, cmd, NULL, &name, NMI_LOOKUP_BY_NAME | NMI_LOOKUP_BY_MAC);
    if (iface == NULL)
        return FALSE;

    if (virInterfaceDestroy(iface, 0) < 0) {
        nmi_error("Failed to destroy interface %s", name);
        return FALSE;
    }

    nmi_print_extra(shell, "Interface %s destroyed\n", name);
    return TRUE;
}

static const NmiOptDef iface_opts[] = {
    {.name = "interface",
     .type = NMI_OPT_STRING,
     .positional = TRUE,
     .required = TRUE,
     .help = "interface name or MAC address"},
    {.name = NULL},
};

const NmiCmdDef nmi_cmd_def_iface_start = {
    .name = "iface-start",
    .help = "start a physical host interface (enable it / \"if-up\")",
    .desc = "start a physical host interface.",
    .opts = iface_opts,
    .handler = cmd_iface_start,
};

const NmiCmdDef nmi_cmd_def_iface_destroy = {
    .name = "iface-destroy",
    .help = "destroy a physical host interface (disable it / \"if-down\")",
    .desc = "forcefully stop a physical host interface.",
    .opts = iface_opts,
    .handler = cmd_iface_destroy,
};
