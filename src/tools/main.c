/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nmiface: virsh's iface-* commands on libvirt's interface API, served by NetworkManager.
 * Global options as virsh's (getopt, stopping at the command), then one command.
 */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

static void print_version(void)
{
    nmi_print("%s\n", NMIFACE_VERSION);
}

static void unsupported_option(int option, const char *word)
{
    if (option != 0)
        nmi_error("unsupported option '-%c'. See --help.", option);
    else
        nmi_error("unsupported option '%s'. See --help.", word);
}

static void missing_argument(int option, const struct option *longopts)
{
    for (const struct option *o = longopts; o->name != NULL; o++) {
        if (o->val == option) {
            nmi_error("option '-%c'/'--%s' requires an argument", option, o->name);
            return;
        }
    }
    nmi_error("option '-%c' requires an argument", option);
}

/* Returns the index of the command word, or -1 when the program is done (exit_code set). */
static int parse_global_options(NmiShell *shell, int argc, char **argv, int *exit_code)
{
    static const struct option longopts[] = {
        {"connect", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
        {"quiet", no_argument, NULL, 'q'},         {"readonly", no_argument, NULL, 'r'},
        {"version", no_argument, NULL, 'v'},       {NULL, 0, NULL, 0},
    };
    int opt;

    /* '+': stop at the command word; ':': tell a missing argument from an unknown option. */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+:c:hqrv", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            shell->uri = optarg;
            break;
        case 'h':
            nmi_usage(nmi_cmd_groups);
            *exit_code = EXIT_SUCCESS;
            return -1;
        case 'q':
            shell->quiet = TRUE;
            break;
        case 'r':
            shell->readonly = TRUE;
            break;
        case 'v':
            print_version();
            *exit_code = EXIT_SUCCESS;
            return -1;
        case ':':
            missing_argument(optopt, longopts);
            *exit_code = EXIT_FAILURE;
            return -1;
        default:
            unsupported_option(optopt, argv[optind - 1]);
            *exit_code = EXIT_FAILURE;
            return -1;
        }
    }

    if (optind >= argc) {
        /* virsh would start its interactive shell here; nmiface has none. */
        nmi_usage(nmi_cmd_groups);
        *exit_code = EXIT_FAILURE;
        return -1;
    }
    return optind;
}

int main(int argc, char **argv)
{
    NmiShell shell = {0};
    g_autoptr(NmiCmd) cmd = NULL;
    gboolean ok;
    int exit_code = EXIT_FAILURE;
    int first;

    /* Locale for the width of non-ASCII names in tables only; messages stay English. */
    setlocale(LC_CTYPE, "");
    /* Before anything can load the driver module (and libnm's GnuTLS with it). */
    nmi_skip_gnutls_init();

    if ((first = parse_global_options(&shell, argc, argv, &exit_code)) < 0)
        return exit_code;

    if ((cmd = nmi_cmd_parse(argc - first, argv + first)) == NULL)
        return EXIT_FAILURE;

    nmi_reset_error();
    ok = cmd->def->handler(&shell, cmd);
    if (!ok)
        nmi_report_error();

    /*
     * virsh ends every command's output with an empty line, unless quiet; except when the
     * URI given with -c cannot be opened, which virsh finds out before running the command.
     */
    if (!(shell.connect_failed && shell.uri != NULL))
        nmi_print_extra(&shell, "\n");

    g_clear_pointer(&cmd, nmi_cmd_free);
    if (shell.conn != NULL)
        virConnectClose(shell.conn);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
