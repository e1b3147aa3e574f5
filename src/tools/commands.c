/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command table, grouped as virsh groups its commands. */
#include "shell.h"

static const NmiCmdDef *const interface_commands[] = {
    &nmi_cmd_def_iface_begin,    &nmi_cmd_def_iface_bridge,   &nmi_cmd_def_iface_commit,
    &nmi_cmd_def_iface_define,   &nmi_cmd_def_iface_destroy,  &nmi_cmd_def_iface_dumpxml,
    &nmi_cmd_def_iface_edit,     &nmi_cmd_def_iface_list,     &nmi_cmd_def_iface_mac,
    &nmi_cmd_def_iface_name,     &nmi_cmd_def_iface_rollback, &nmi_cmd_def_iface_start,
    &nmi_cmd_def_iface_unbridge, &nmi_cmd_def_iface_undefine, NULL,
};

static const NmiCmdDef *const shell_commands[] = {
    &nmi_cmd_def_help,
    NULL,
};

const NmiCmdGroup nmi_cmd_groups[] = {
    {.name = "Interface", .keyword = "interface", .commands = interface_commands},
    {.name = "nmiface itself", .keyword = "nmiface", .commands = shell_commands},
    {.name = NULL},
};

static const NmiCmdDef *lookup_exact(const char *name)
{
    for (const NmiCmdGroup *group = nmi_cmd_groups; group->name != NULL; group++) {
        for (const NmiCmdDef *const *def = group->commands; *def != NULL; def++) {
            if (g_str_equal((*def)->name, name))
                return *def;
        }
    }
    return NULL;
}

/* Every iface-X command is also reachable as X, since this tool only manages interfaces. */
const NmiCmdDef *nmi_cmd_lookup(const char *name)
{
    const NmiCmdDef *def = lookup_exact(name);
    g_autofree char *prefixed = NULL;

    if (def != NULL)
        return def;
    if (g_str_has_prefix(name, "iface-"))
        return NULL;
    prefixed = g_strdup_printf("iface-%s", name);
    return lookup_exact(prefixed);
}
