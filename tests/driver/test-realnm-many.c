/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A listing is complete or fails: 1000 profiles on a bus that allows only 32 pending replies
 * per connection (nm-sandbox --max-replies 32). 20 cold listings (a fresh connection each)
 * and 20 warm ones all return the exact count. Timings go to the test log.
 */
#include <stdlib.h>
#include <string.h>

#include "driver-test-util.h"

#define N_PROFILES 1000

static void write_profiles(void)
{
    for (int i = 0; i < N_PROFILES; i++) {
        g_autofree char *name = g_strdup_printf("tb%04d", i);
        g_autofree char *uuid = g_uuid_string_random();
        g_autofree char *path =
            g_strdup_printf("/etc/NetworkManager/system-connections/%s.nmconnection", name);
        g_autofree char *text = g_strdup_printf("[connection]\nid=%s\nuuid=%s\ntype=bridge\n"
                                                "interface-name=%s\nautoconnect=false\n\n"
                                                "[ipv4]\nmethod=disabled\n\n"
                                                "[ipv6]\nmethod=disabled\n",
                                                name, uuid, name);
        g_autoptr(GError) error = NULL;

        g_assert_true(
            g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error));
    }
    td_run("nmcli connection reload");
}

/* The test's profiles among the interfaces listed (the sandbox has devices of its own). */
static guint count_listed(NmifaceDriverConn *conn)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = NULL;
    guint n = 0;

    g_assert_true(td_driver()->list_all(conn, 0, &list, &error));
    td_assert_no_error(error);
    for (guint i = 0; i < list->len; i++) {
        NmifaceIfaceInfo *info = list->pdata[i];

        if (g_str_has_prefix(info->name, "tb"))
            n++;
        else if (n == 0)
            g_test_message("also listed: %s", info->name);
    }
    return n;
}

static void test_many_profiles(void)
{
    g_autofree char *nm_count = NULL;
    g_autofree char *nmcli_count = NULL;
    g_autofree char *nmcli_ms = NULL;
    g_autoptr(GError) error = NULL;
    NmifaceDriverConn *conn;
    gint64 start, cold_total = 0, warm_total = 0, begin_ms;

    write_profiles();
    /* NM's own count (ListConnections, one reply); lo's external profile is not listed. */
    nm_count = td_sh("dbus-send --system --print-reply --dest=org.freedesktop.NetworkManager "
                     "/org/freedesktop/NetworkManager/Settings "
                     "org.freedesktop.NetworkManager.Settings.ListConnections "
                     "| grep -c 'object path'");
    g_assert_cmpint(atoi(nm_count), ==, N_PROFILES + 1);
    /* libnm (nmcli) on the same bus: profiles go missing silently. */
    nmcli_count = td_sh("nmcli -g TYPE connection show | grep -c '^bridge$'; true");
    g_test_message("nmcli sees %s of %d profiles", nmcli_count, N_PROFILES);

    for (int i = 0; i < 20; i++) {
        start = g_get_monotonic_time();
        conn = td_open();
        g_assert_cmpuint(count_listed(conn), ==, N_PROFILES);
        cold_total += g_get_monotonic_time() - start;
        td_driver()->close(conn);
    }
    conn = td_open();
    g_assert_cmpuint(count_listed(conn), ==, N_PROFILES); /* the mirror loads at the first call */
    for (int i = 0; i < 20; i++) {
        start = g_get_monotonic_time();
        g_assert_cmpuint(count_listed(conn), ==, N_PROFILES);
        warm_total += g_get_monotonic_time() - start;
    }
    /* A transaction over them all: Begin and Rollback parse every profile, on several threads
     * (nmi_profiles_parse_all), from the bulk reader's replies. This connection has only listed
     * so far, which keeps no settings: Begin fetches them all again first. */
    start = g_get_monotonic_time();
    g_assert_true(td_driver()->change_begin(conn, 0, 0, &error));
    td_assert_no_error(error);
    begin_ms = (g_get_monotonic_time() - start) / 1000;
    /* Each profile's connection, built on whichever thread, is that profile's. */
    for (int i = 0; i < N_PROFILES; i++) {
        g_autofree char *name = g_strdup_printf("tb%04d", i);
        g_autofree char *xml = td_inactive_xml(conn, name);
        g_autofree char *expect = g_strdup_printf("name='%s'", name);

        g_assert_nonnull(strstr(xml, expect));
    }
    g_assert_true(td_driver()->undefine(conn, "tb0500", &error));
    td_assert_no_error(error);
    g_assert_cmpuint(count_listed(conn), ==, N_PROFILES - 1);
    g_assert_true(td_driver()->change_rollback(conn, 0, &error));
    td_assert_no_error(error);
    g_assert_cmpuint(count_listed(conn), ==, N_PROFILES);
    td_driver()->close(conn);
    g_test_message("Begin over %d profiles: %" G_GINT64_FORMAT " ms", N_PROFILES, begin_ms);
    nmcli_ms = td_sh("s=$(date +%%s%%N); nmcli -t -f NAME,TYPE,DEVICE connection show "
                     ">/dev/null; e=$(date +%%s%%N); echo $(((e - s) / 1000000))");
    g_test_message("%d profiles, max 32 pending replies: open+ListAll cold %.1f ms, ListAll "
                   "warm %.2f ms (means of 20); nmcli -t -f NAME,TYPE,DEVICE connection show "
                   "%s ms",
                   N_PROFILES, cold_total / 20.0 / 1000.0, warm_total / 20.0 / 1000.0, nmcli_ms);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (g_strcmp0(g_getenv("NMIFACE_SANDBOX"), "1") != 0)
        return td_skip("not inside tests/realnm/nm-sandbox");
    g_test_add_func("/realnm/many/1000-profiles-32-replies", test_many_profiles);
    return g_test_run();
}
