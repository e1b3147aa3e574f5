/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nmiface-interfaced: libvirt's interface daemon protocol (virtinterfaced's sockets) served by
 * nmiface, so that virsh, libvirt-python and libvirt's own daemons use NetworkManager through
 * it unchanged. A client of libnmiface like the CLI: it knows nothing of NetworkManager.
 */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "daemon.h"
#include "nmiface-config.h"

#define DEFAULT_SOCKET_DIR "/run/libvirt"

int main(int argc, char **argv)
{
    g_autoptr(GOptionContext) context = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *socket_dir = NULL;
    g_autofree char *uri = NULL;
    gint timeout = 0;
    gboolean verbose = FALSE, version = FALSE;
    NmiServerOptions options = {0};
    NmiServer *server;
    GOptionEntry entries[] = {
        {"socket-dir", 0, 0, G_OPTION_ARG_FILENAME, &socket_dir,
         "Directory of virtinterfaced-sock and virtinterfaced-sock-ro (default " DEFAULT_SOCKET_DIR
         ")",
         "DIR"},
        {"timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
         "Exit after SECONDS with no client and no call (0: never, the default)", "SECONDS"},
        {"connect", 'c', 0, G_OPTION_ARG_STRING, &uri,
         "The nmiface URI served (default: the library's, nm:///system)", "URI"},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log each connection and call to stderr",
         NULL},
        {"version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };

    setlocale(LC_ALL, "");
    /* No TLS here: GnuTLS (through libnm) need not initialise when the driver loads (0.75 MB
     * of RSS); libnm initialises it itself before any crypto (src/tools/gnutls-init.c). */
    g_setenv("GNUTLS_NO_IMPLICIT_INIT", "1", FALSE);
    /* A client that vanishes mid-reply must cost us an EPIPE, not the process. */
    signal(SIGPIPE, SIG_IGN);

    context = g_option_context_new("- libvirt's interface daemon, served by NetworkManager");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        g_printerr("nmiface-interfaced: %s\n", error->message);
        return EXIT_FAILURE;
    }
    if (version) {
        printf("nmiface-interfaced %s\n", NMIFACE_VERSION);
        return EXIT_SUCCESS;
    }
    if (argc > 1) {
        g_printerr("nmiface-interfaced: unexpected argument '%s'\n", argv[1]);
        return EXIT_FAILURE;
    }
    if (timeout < 0) {
        g_printerr("nmiface-interfaced: --timeout must be 0 or more seconds, not %d\n", timeout);
        return EXIT_FAILURE;
    }

    options.socket_dir = socket_dir != NULL ? socket_dir : (char *)DEFAULT_SOCKET_DIR;
    options.uri = uri;
    options.timeout_seconds = timeout;
    options.verbose = verbose;
    server = nmi_server_new(&options, &error);
    if (server == NULL) {
        g_printerr("nmiface-interfaced: %s\n", error->message);
        return EXIT_FAILURE;
    }
    nmi_server_run(server);
    nmi_server_free(server);
    return EXIT_SUCCESS;
}
