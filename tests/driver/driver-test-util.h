/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers for the driver tests: the vtable without dlopen, shell commands, assertions. */
#ifndef NMIFACE_DRIVER_TEST_UTIL_H
#define NMIFACE_DRIVER_TEST_UTIL_H

#include "nm-private.h"

G_BEGIN_DECLS

const NmifaceDriver *td_driver(void);
NmifaceDriverConn *td_open(void);

/* Runs @cmdline with /bin/sh; returns its stdout (stripped of the final newline). Fails the
 * test when it exits non-zero. */
char *td_sh(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* td_sh() for its effect only. */
void td_run(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Same, returns the exit status and never fails. */
int td_sh_status(char **out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* define_xml through the vtable; fails the test on an error. */
NmifaceIfaceInfo *td_define(NmifaceDriverConn *conn, const char *xml);

/* Names in a list_all result, sorted, joined by ','. */
char *td_list_names(NmifaceDriverConn *conn, guint flags);
gboolean td_listed(NmifaceDriverConn *conn, const char *name, guint flags);

/* Exit code for "cannot run here": 77, or a failure when CI=true. */
int td_skip(const char *why);

#define td_assert_no_error(err)                                                                    \
    G_STMT_START                                                                                   \
    {                                                                                              \
        if ((err) != NULL)                                                                         \
            g_error("%s:%d: unexpected error (code %d): %s", __FILE__, __LINE__, (err)->code,      \
                    (err)->message);                                                               \
    }                                                                                              \
    G_STMT_END

G_END_DECLS

#endif
