/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Global usage, a command's and a group's help text, laid out as virsh's (the "help" command,
 * which walks the table, is in commands.c). */
#include <stdio.h>

#include "shell.h"

void nmi_usage(const NmiCmdGroup *groups)
{
    fputs("\n"
          "nmiface [options]... <command> [args...]\n"
          "\n"
          "  options:\n"
          "    -c | --connect=URI      connection URI (default: the library's, nm:///system)\n"
          "    -h | --help             this help\n"
          "    -q | --quiet            quiet mode\n"
          "    -r | --readonly         connect readonly\n"
          "    -v | --version          short version\n"
          "  commands (non interactive mode):\n\n",
          stdout);

    for (const NmiCmdGroup *group = groups; group->name != NULL; group++) {
        fprintf(stdout, " %s (help keyword '%s')\n", group->name, group->keyword);
        for (const NmiCmdDef *const *def = group->commands; *def != NULL; def++)
            fprintf(stdout, "    %-30s %s\n", (*def)->name, (*def)->help);
        fputs("\n", stdout);
    }

    fputs("\n  (specify help <group> for details about the commands in the group)\n", stdout);
    fputs("\n  (specify help <command> for details about the command)\n\n", stdout);
}

static void print_synopsis_option(const NmiOptDef *opt)
{
    switch (opt->type) {
    case NMI_OPT_BOOL:
        fprintf(stdout, " [--%s]", opt->name);
        return;
    case NMI_OPT_STRING:
    case NMI_OPT_INT:
        fputs(opt->required ? " " : " [", stdout);
        if (opt->positional)
            fprintf(stdout, "<%s>", opt->name);
        else if (opt->type == NMI_OPT_INT)
            fprintf(stdout, "--%s <number>", opt->name);
        else
            fprintf(stdout, "--%s <string>", opt->name);
        if (!opt->required)
            fputs("]", stdout);
        return;
    }
}

static char *option_label(const NmiOptDef *opt)
{
    switch (opt->type) {
    case NMI_OPT_BOOL:
        return g_strdup_printf("--%s", opt->name);
    case NMI_OPT_INT:
        if (opt->positional)
            return g_strdup_printf("[--%s] <number>", opt->name);
        return g_strdup_printf("--%s <number>", opt->name);
    case NMI_OPT_STRING:
        if (opt->positional)
            return g_strdup_printf("[--%s] <string>", opt->name);
        return g_strdup_printf("--%s <string>", opt->name);
    }
    g_return_val_if_reached(NULL);
}

void nmi_cmd_help(const NmiCmdDef *def)
{
    fputs("  NAME\n", stdout);
    fprintf(stdout, "    %s - %s\n", def->name, def->help);

    fputs("\n  SYNOPSIS\n", stdout);
    fprintf(stdout, "    %s", def->name);
    for (const NmiOptDef *opt = def->opts; opt != NULL && opt->name != NULL; opt++)
        print_synopsis_option(opt);
    fputc('\n', stdout);

    if (def->desc != NULL && def->desc[0] != '\0') {
        fputs("\n  DESCRIPTION\n", stdout);
        fprintf(stdout, "    %s\n", def->desc);
    }

    if (def->opts != NULL && def->opts[0].name != NULL) {
        fputs("\n  OPTIONS\n", stdout);
        for (const NmiOptDef *opt = def->opts; opt->name != NULL; opt++) {
            g_autofree char *label = option_label(opt);

            fprintf(stdout, "    %-15s  %s\n", label, opt->help);
        }
    }
    fflush(stdout);
}

void nmi_cmd_group_help(const NmiCmdGroup *group)
{
    nmi_print(" %s (help keyword '%s'):\n", group->name, group->keyword);
    for (const NmiCmdDef *const *def = group->commands; *def != NULL; def++)
        nmi_print("    %-30s %s\n", (*def)->name, (*def)->help);
}
