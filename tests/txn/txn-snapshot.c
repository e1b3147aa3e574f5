/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <glib/gstdio.h>

#include "txn-snapshot.h"

char *txn_sh(const char *cmd)
{
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                      &error) ||
        !g_spawn_check_wait_status(status, &error)) {
        g_test_message("command failed: %s: %s\n%s", cmd, error->message, err ? err : "");
        return NULL;
    }
    return g_steal_pointer(&out);
}

char *txn_sh_ok(const char *cmd)
{
    char *out = txn_sh(cmd);

    if (out == NULL)
        g_error("command failed: %s", cmd);
    return out;
}

void txn_settle(void)
{
    for (guint i = 0; i < 200; i++) {
        g_autofree char *states = txn_sh("nmcli -t -f STATE device");

        if (states != NULL && g_strstr_len(states, -1, "connecting") == NULL &&
            g_strstr_len(states, -1, "deactivating") == NULL)
            return;
        g_usleep(100000);
    }
    g_test_message("devices did not settle");
}

/* What changes by itself or by identity only (D-Bus paths, ifindexes, timers, timestamps). */
static const char snapshot_script[] =
    "for u in $(nmcli -g UUID connection show | sort); do\n"
    "  echo \"== profile $u\"\n"
    "  nmcli -t -f all connection show \"$u\" | grep -v -E "
    "'^(GENERAL\\.(DBUS-PATH|CON-PATH|ACTIVE-PATH|SPEC-OBJECT|MASTER-PATH)|"
    "connection\\.timestamp|DHCP4|DHCP6):'\n"
    "done\n"
    "for d in /etc/NetworkManager/system-connections /run/NetworkManager/system-connections; do\n"
    "  echo \"== dir $d\"\n"
    "  for f in $(ls -A $d | sort); do echo \"-- $f\"; cat \"$d/$f\"; done\n"
    "done\n"
    "echo '== devices'; nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device | sort\n"
    "echo '== ip link'; ip -d -o link | sed -E 's/^[0-9]+: //; s/@if[0-9]+/@ifN/; "
    "s/ [a-z_]+_timer +[0-9.]+//g; s/ link-netnsid [0-9]+//' | sort\n"
    "echo '== ip addr'; ip -o addr | sed -E 's/^[0-9]+: //' | sort\n";

char *txn_snapshot(void)
{
    txn_settle();
    return txn_sh_ok(snapshot_script);
}

void txn_assert_same_snapshot(const char *what, const char *expected, const char *actual)
{
    g_autofree char *dir = NULL;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    g_autofree char *cmd = NULL;
    g_autofree char *diff = NULL;

    if (g_strcmp0(expected, actual) == 0)
        return;
    dir = g_dir_make_tmp("txn-snap-XXXXXX", NULL);
    a = g_build_filename(dir, "expected", NULL);
    b = g_build_filename(dir, "actual", NULL);
    g_file_set_contents(a, expected, -1, NULL);
    g_file_set_contents(b, actual, -1, NULL);
    cmd = g_strdup_printf("diff -u '%s' '%s' || true", a, b);
    diff = txn_sh(cmd);
    g_printerr("%s: snapshots differ:\n%s\n", what, diff != NULL ? diff : "(no diff)");
    g_unlink(a);
    g_unlink(b);
    g_rmdir(dir);
    g_test_fail_printf("%s: the state differs from the expected snapshot", what);
}
