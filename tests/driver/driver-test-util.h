/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers for the driver tests: the vtable without dlopen, shell commands, assertions. */
#ifndef NMIFACE_DRIVER_TEST_UTIL_H
#define NMIFACE_DRIVER_TEST_UTIL_H

#include "iface-private.h"
#include "nm-driver.h"

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
/* The interface's inactive XML; fails the test on an error. */
char *td_inactive_xml(NmifaceDriverConn *conn, const char *name);
gboolean td_listed(NmifaceDriverConn *conn, const char *name, guint flags);

/* Exit code for "cannot run here": 77, or a failure when CI=true. */
int td_skip(const char *why);

/* is_active through the vtable; fails the test on an error. */
gboolean td_is_active(NmifaceDriverConn *conn, const char *name);

/* Bounded polls (every 20 ms). td_poll_until: TRUE as soon as @cond holds, FALSE when it still
 * does not after @timeout_ms. td_holds_for, for negative checks ("still not X after Y"): FALSE
 * as soon as @cond stops holding, TRUE when it held for the whole @ms (keep @ms short). */
typedef gboolean (*TdCondition)(NmifaceDriverConn *conn, gconstpointer data);
gboolean td_poll_until(NmifaceDriverConn *conn, TdCondition cond, gconstpointer data,
                       guint timeout_ms);
gboolean td_holds_for(NmifaceDriverConn *conn, TdCondition cond, gconstpointer data, guint ms);

/* Conditions for them; @data is the interface name. */
gboolean td_cond_active(NmifaceDriverConn *conn, gconstpointer name);
gboolean td_cond_inactive(NmifaceDriverConn *conn, gconstpointer name);

/* The interface becomes active / inactive within @timeout_ms. */
gboolean td_becomes_active(NmifaceDriverConn *conn, const char *name, gboolean active,
                           guint timeout_ms);
/* How long a negative check waits for NM to (wrongly) bring an interface up by itself: NM
 * autoconnects from an idle callback as soon as a device is free, well within this. */
#define NM_AUTOCONNECT_GRACE_MS 500

/* Negative check: nothing brings the interface up during @ms. */
gboolean td_stays_inactive(NmifaceDriverConn *conn, const char *name, guint ms);

/* An error of NMIFACE_ERROR @code whose message contains @part and no D-Bus error name (the
 * "GDBus.Error:org.freedesktop..." prefix GDBus puts on remote errors). */
#define td_assert_error_with(err, code, part)                                                      \
    td_check_error(__FILE__, __LINE__, (err), (code), (part))
void td_check_error(const char *file, int line, const GError *error, int code, const char *part);

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
