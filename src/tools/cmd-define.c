/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* iface-define (with nmiface's --dry-run) and iface-undefine. */
#include <stdlib.h>

#include <nmiface/nmiface-ext.h>

#include "shell.h"

static gboolean cmd_iface_define(NmiShell *shell, const NmiCmd *cmd)
{
    g_autoptr(virInterface) iface = NULL;
    g_autofree char *buffer = NULL;
    const char *from = NULL;
    unsigned int flags = 0;
    virConnectPtr conn;

    if (nmi_cmd_opt_string(cmd, "file", &from) < 0)
        return FALSE;
    if (nmi_cmd_opt_bool(cmd, "validate"))
        flags |= VIR_INTERFACE_DEFINE_VALIDATE;

    if ((buffer = nmi_read_xml_file(from)) == NULL)
        return FALSE;

    if (nmi_cmd_opt_bool(cmd, "dry-run")) {
        /* Needs no connection: the driver converts without touching NetworkManager. */
        char *keyfiles = nmifaceDefineXMLDryRun(shell->uri, buffer, flags);

        if (keyfiles == NULL) {
            nmi_error("Failed to define interface from %s", from);
            return FALSE;
        }
        nmi_print("%s", keyfiles);
        free(keyfiles);
        return TRUE;
    }

    if ((conn = nmi_shell_connect(shell)) == NULL)
        return FALSE;
    if ((iface = virInterfaceDefineXML(conn, buffer, flags)) == NULL) {
        nmi_error("Failed to define interface from %s", from);
        return FALSE;
    }

    nmi_print_extra(shell, "Interface %s defined from %s\n", virInterfaceGetName(iface), from);
    return TRUE;
}

static const NmiOptDef define_opts[] = {
    {.name = "file",
     .type = NMI_OPT_STRING,
     .positional = TRUE,
     .required = TRUE,
     .help = "file containing an XML interface description"},
    {.name = "validate", .type = NMI_OPT_BOOL, .help = "validate the XML against the schema"},
    {.name = "dry-run",
     .type = NMI_OPT_BOOL,
     .help = "print the NetworkManager keyfiles it would make, change nothing (nmiface)"},
    {.name = NULL},
};

const NmiCmdDef nmi_cmd_def_iface_define = {
    .name = "iface-define",
    .help = "define an inactive persistent physical host interface or modify an existing "
            "persistent one from an XML file",
    .desc = "Define or modify a persistent physical host interface.",
    .opts = define_opts,
    .handler = cmd_iface_define,
};

static gboolean cmd_iface_undefine(NmiShell *shell, const NmiCmd *cmd)
{
    g_autoptr(virInterface) iface = NULL;
    const char *name = NULL;

    iface = nmi_iface_from_opt(shell, cmd, NULL, &name, NMI_LOOKUP_BY_NAME | NMI_LOOKUP_BY_MAC);
    if (iface == NULL)
        return FALSE;

    if (virInterfaceUndefine(iface) < 0) {
        nmi_error("Failed to undefine interface %s", name);
        return FALSE;
    }

    nmi_print_extra(shell, "Interface %s undefined\n", name);
    return TRUE;
}

static const NmiOptDef undefine_opts[] = {
    {.name = "interface",
     .type = NMI_OPT_STRING,
     .positional = TRUE,
     .required = TRUE,
     .help = "interface name or MAC address"},
    {.name = NULL},
};

const NmiCmdDef nmi_cmd_def_iface_undefine = {
    .name = "iface-undefine",
    .help = "undefine a physical host interface (remove it from configuration)",
    .desc = "undefine an interface.",
    .opts = undefine_opts,
    .handler = cmd_iface_undefine,
};
