/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command table, grouped as virsh groups its commands, and the "help" command over it. */
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

static const NmiCmdGroup *lookup_group(const char *name)
{
    for (const NmiCmdGroup *group = nmi_cmd_groups; group->name != NULL; group++) {
        if (g_str_equal(group->name, name) || g_str_equal(group->keyword, name))
            return group;
    }
    return NULL;
}

gboolean nmi_cmd_help_handler(NmiShell *shell, const NmiCmd *cmd)
{
    const char *name = cmd->present[0] ? cmd->values[0] : NULL;
    const NmiCmdDef *def;
    const NmiCmdGroup *group;

    if (name == NULL || name[0] == '\0') {
        nmi_print("%s", "Grouped commands:\n\n");
        for (group = nmi_cmd_groups; group->name != NULL; group++) {
            nmi_cmd_group_help(group);
            nmi_print("\n");
        }
        return TRUE;
    }

    if ((def = nmi_cmd_lookup(name)) != NULL) {
        nmi_cmd_help(def);
        return TRUE;
    }
    if ((group = lookup_group(name)) != NULL) {
        nmi_cmd_group_help(group);
        return TRUE;
    }
    nmi_error("command or command group '%s' doesn't exist", name);
    return FALSE;
}

static const NmiOptDef help_opts[] = {
    {.name = "command",
     .type = NMI_OPT_STRING,
     .positional = TRUE,
     .help = "Prints global help, command specific help, or help for a group of related "
             "commands"},
    {.name = NULL},
};

const NmiCmdDef nmi_cmd_def_help = {
    .name = "help",
    .help = "print help",
    .desc = "Prints global help, command specific help, or help for a\n"
            "    group of related commands",
    .opts = help_opts,
    .handler = nmi_cmd_help_handler,
};
