/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nmiface makes no TLS, but libnm links GnuTLS, whose library constructor initialises it when
 * the driver module is loaded: 0.75 MB of peak RSS on every run, a tenth of a cold listing's at
 * 10 profiles. GNUTLS_NO_IMPLICIT_INIT skips that; libnm calls gnutls_global_init() itself before
 * any crypto it does (nm-crypto-gnutls.c). Children (the editor) get the environment as it was.
 */
#include "shell.h"

#define NO_IMPLICIT_INIT "GNUTLS_NO_IMPLICIT_INIT"

static gboolean set_here;

void nmi_skip_gnutls_init(void)
{
    if (g_getenv(NO_IMPLICIT_INIT) != NULL)
        return; /* the user's choice stands, and their children keep it */
    g_setenv(NO_IMPLICIT_INIT, "1", TRUE);
    set_here = TRUE;
}

char **nmi_child_environ(void)
{
    char **env = g_get_environ();

    return set_here ? g_environ_unsetenv(env, NO_IMPLICIT_INIT) : env;
}
