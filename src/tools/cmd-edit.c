/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iface-edit: the inactive XML in $VISUAL/$EDITOR (vi by default), redefined if it changed,
 * following virsh's virsh-edit.c step by step.
 */
#include <stdlib.h>
#include <unistd.h>

#include "editor.h"
#include "shell.h"

static void remove_temp_file(char *filename)
{
    if (filename == NULL)
        return;
    unlink(filename);
    g_free(filename);
}

typedef char NmiTempFile;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiTempFile, remove_temp_file)

static gboolean cmd_iface_edit(NmiShell *shell, const NmiCmd *cmd)
{
    g_autoptr(virInterface) iface = NULL;
    g_autoptr(virInterface) edited = NULL;
    g_autoptr(NmiTempFile) tmp = NULL;
    g_autofree char *doc = NULL;
    g_autofree char *doc_edited = NULL;
    virConnectPtr conn;

    iface = nmi_iface_from_opt(shell, cmd, NULL, NULL, NMI_LOOKUP_BY_NAME | NMI_LOOKUP_BY_MAC);
    if (iface == NULL)
        return FALSE;
    conn = nmi_shell_connect(shell);

    if ((doc = nmi_iface_inactive_xml(iface)) == NULL)
        return FALSE;
    if ((tmp = nmi_edit_write_temp_file(doc)) == NULL)
        return FALSE;

reedit:
    if (!nmi_edit_run_editor(tmp))
        return FALSE;
    g_clear_pointer(&doc_edited, g_free);
    if ((doc_edited = nmi_edit_read_back(tmp)) == NULL)
        return FALSE;

    if (g_str_equal(doc, doc_edited)) {
        nmi_print_extra(shell, "Interface %s XML configuration not changed.\n",
                        virInterfaceGetName(iface));
        return TRUE;
    }

    for (;;) {
        g_autofree char *doc_reread = NULL;
        const char *msg = NULL;

        /* Someone may have changed it meanwhile; do not overwrite their change blindly. */
        if ((doc_reread = nmi_iface_inactive_xml(iface)) == NULL)
            return FALSE;
        if (!g_str_equal(doc, doc_reread)) {
            msg = "The XML configuration was changed by another user.";
            g_free(doc);
            doc = g_steal_pointer(&doc_reread);
        }

        if (msg == NULL) {
            g_clear_pointer(&edited, nmi_iface_unref);
            if ((edited = virInterfaceDefineXML(conn, doc_edited, 0)) != NULL)
                break;
            nmi_save_error();
            msg = "Failed.";
        }

        switch (nmi_edit_ask_reedit(msg)) {
        case 'y':
            goto reedit;
        case 'f':
            continue;
        case 'n':
            return FALSE;
        default:
            /* No terminal to ask: fail, and the library's reason follows. */
            nmi_error("%s", msg);
            return FALSE;
        }
    }

    nmi_print_extra(shell, "Interface %s XML configuration edited.\n", virInterfaceGetName(edited));
    return TRUE;
}

static const NmiOptDef opts[] = {
    {.name = "interface",
     .type = NMI_OPT_STRING,
     .positional = TRUE,
     .required = TRUE,
     .help = "interface name or MAC address"},
    {.name = NULL},
};

const NmiCmdDef nmi_cmd_def_iface_edit = {
    .name = "iface-edit",
    .help = "edit XML configuration for a physical host interface",
    .desc = "Edit the XML configuration for a physical host interface.",
    .opts = opts,
    .handler = cmd_iface_edit,
};
