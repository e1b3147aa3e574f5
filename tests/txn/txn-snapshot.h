/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test helpers: shell commands and a snapshot of NetworkManager's whole visible state. */
#ifndef TXN_SNAPSHOT_H
#define TXN_SNAPSHOT_H

#include <glib.h>

G_BEGIN_DECLS

/* Runs @cmd with /bin/sh; its stdout, or NULL (with a test message) when it fails. */
char *txn_sh(const char *cmd);
/* Like txn_sh() but fails the test when @cmd fails. */
char *txn_sh_ok(const char *cmd);

/* Wait until no device is activating or deactivating (at most 20 s). */
void txn_settle(void);

/* Profiles (nmcli -t -f all connection show, minus fields that change by themselves), the
 * files under /etc and /run system-connections, device states, ip -d link, ip addr. */
char *txn_snapshot(void);

/* Fails the test with a unified diff when the snapshots differ. */
void txn_assert_same_snapshot(const char *what, const char *expected, const char *actual);

G_END_DECLS

#endif /* TXN_SNAPSHOT_H */
