/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The driver against a real NetworkManager (run inside tests/realnm/nm-sandbox with veth pairs
 * veth0:veth0p and veth1:veth1p): listing, ethernet definitions (static, dhcp off, ipv6
 * modes) compared with nmcli and the keyfiles, start/stop compared with `ip`, undefine of an
 * active interface, external changes, settings XML cannot express, NM restart.
 */
#include "driver-test-util.h"

#define KEYFILE_DIR "/etc/NetworkManager/system-connections"

static NmifaceDriverConn *conn;

static const char *static_xml = "<interface type='ethernet' name='veth0'>\n"
                                "  <start mode='onboot'/>\n"
                                "  <protocol family='ipv4'>\n"
                                "    <ip address='192.0.2.10' prefix='24'/>\n"
                                "    <route gateway='192.0.2.1'/>\n"
                                "  </protocol>\n"
                                "</interface>\n";

static char *nmcli_get(const char *fields, const char *profile)
{
    return td_sh("nmcli -g %s connection show '%s'", fields, profile);
}

static gboolean is_active(const char *name)
{
    g_autoptr(GError) error = NULL;
    gboolean active = FALSE;

    g_assert_true(td_driver()->is_active(conn, name, &active, &error));
    td_assert_no_error(error);
    return active;
}

static void cleanup_profiles(void)
{
    td_run("for u in $(nmcli -g UUID,TYPE connection show | grep -v :loopback$ | cut -d: -f1); do "
           "nmcli connection delete \"$u\" "
           ">/dev/null; done; true");
}

static void test_list_devices(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autofree char *mac = td_sh("cat /sys/class/net/veth0/address");
    g_autofree char *upper = g_ascii_strup(mac, -1);
    g_autofree char *flags = td_sh("ip -o link show dev veth0");

    g_assert_true(td_listed(conn, "veth0", 0));
    g_assert_false(td_listed(conn, "lo", 0));
    /* NM raises a managed veth to watch its carrier; with no connection it is not active. */
    g_assert_nonnull(strstr(flags, "UP"));
    g_assert_true(td_listed(conn, "veth0", VIR_CONNECT_LIST_INTERFACES_INACTIVE));
    g_assert_false(td_listed(conn, "veth0", VIR_CONNECT_LIST_INTERFACES_ACTIVE));

    info = td_driver()->lookup_by_mac(conn, upper, &error);
    td_assert_no_error(error);
    g_assert_cmpstr(info->name, ==, "veth0");
    g_assert_cmpstr(info->mac, ==, mac);
    g_clear_pointer(&info, nmiface_iface_info_free);

    info = td_driver()->lookup_by_name(conn, "nosuch0", &error);
    g_assert_null(info);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_NO_INTERFACE);
    g_assert_cmpstr(error->message, ==, "couldn't find interface named 'nosuch0'");
    g_clear_error(&error);
    info = td_driver()->lookup_by_mac(conn, "02:00:00:00:00:99", &error);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_NO_INTERFACE);
}

static void test_define_static(void)
{
    g_autoptr(NmifaceIfaceInfo) info = td_define(conn, static_xml);
    g_autoptr(GError) error = NULL;
    g_autofree char *ip4 = nmcli_get("ipv4.method,ipv4.addresses,ipv4.gateway", "veth0");
    g_autofree char *ip6 = nmcli_get("ipv6.method", "veth0");
    g_autofree char *other = nmcli_get("connection.interface-name,connection.autoconnect", "veth0");
    g_autofree char *file = td_sh("grep -l '^interface-name=veth0$' " KEYFILE_DIR "/*");
    g_autofree char *xml = NULL;

    g_assert_cmpstr(info->name, ==, "veth0");
    g_assert_false(info->active);
    g_assert_cmpstr(ip4, ==, "manual\n192.0.2.10/24\n192.0.2.1");
    g_assert_cmpstr(ip6, ==, "disabled");
    g_assert_cmpstr(other, ==, "veth0\nyes");
    g_assert_true(g_str_has_suffix(file, ".nmconnection"));
    /* Defining is not starting, even with start='onboot'. */
    g_assert_true(td_stays_inactive(conn, "veth0", NM_AUTOCONNECT_GRACE_MS));

    xml = td_driver()->get_xml_desc(conn, "veth0", VIR_INTERFACE_XML_INACTIVE, &error);
    td_assert_no_error(error);
    g_assert_cmpstr(xml, ==, static_xml);
}

static void test_start_stop(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *addr = NULL;
    g_autofree char *live = NULL;

    g_assert_true(td_driver()->create(conn, "veth0", 0, &error));
    td_assert_no_error(error);
    g_assert_true(is_active("veth0"));
    addr = td_sh("ip -o -4 addr show dev veth0");
    g_assert_nonnull(strstr(addr, "192.0.2.10/24"));
    live = td_driver()->get_xml_desc(conn, "veth0", 0, &error);
    td_assert_no_error(error);
    g_assert_nonnull(strstr(live, "<ip address='192.0.2.10' prefix='24'/>"));
    g_assert_nonnull(strstr(live, "<link "));

    g_assert_false(td_driver()->create(conn, "veth0", 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
    g_assert_cmpstr(error->message, ==, "interface is already running");
    g_clear_error(&error);

    g_assert_true(td_driver()->destroy(conn, "veth0", 0, &error));
    td_assert_no_error(error);
    g_assert_false(is_active("veth0"));
    g_free(addr);
    addr = td_sh("ip -o -4 addr show dev veth0");
    g_assert_null(strstr(addr, "192.0.2.10"));
    /* NM must not bring it back by itself (autoconnect=yes). */
    g_assert_true(td_stays_inactive(conn, "veth0", NM_AUTOCONNECT_GRACE_MS));

    g_assert_false(td_driver()->destroy(conn, "veth0", 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
    g_assert_cmpstr(error->message, ==, "interface is not running");
    g_clear_error(&error);

    /* The next Create lifts the block. */
    g_assert_true(td_driver()->create(conn, "veth0", 0, &error));
    td_assert_no_error(error);
    g_assert_true(is_active("veth0"));
    g_assert_true(td_driver()->destroy(conn, "veth0", 0, &error));
    td_assert_no_error(error);
}

static void test_modify_keeps_uuid(void)
{
    static const char *xml = "<interface type='ethernet' name='veth0'>\n"
                             "  <start mode='none'/>\n"
                             "  <mtu size='1400'/>\n"
                             "  <protocol family='ipv4'>\n"
                             "    <dhcp peerdns='no'/>\n"
                             "  </protocol>\n"
                             "  <protocol family='ipv6'>\n"
                             "    <autoconf/>\n"
                             "  </protocol>\n"
                             "</interface>\n";
    g_autofree char *uuid_before = nmcli_get("connection.uuid", "veth0");
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, xml);
    g_autofree char *uuid_after = nmcli_get("connection.uuid", "veth0");
    g_autofree char *got =
        nmcli_get("ipv4.method,ipv4.ignore-auto-dns,ipv6.method,connection.autoconnect,"
                  "802-3-ethernet.mtu",
                  "veth0");
    g_autofree char *count = td_sh("nmcli -g NAME connection show | grep -c '^veth0$'");
    g_autofree char *back = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_cmpstr(uuid_before, ==, uuid_after);
    g_assert_cmpstr(count, ==, "1");
    g_assert_cmpstr(got, ==, "auto\nyes\nauto\nno\n1400");
    back = td_driver()->get_xml_desc(conn, "veth0", VIR_INTERFACE_XML_INACTIVE, &error);
    td_assert_no_error(error);
    g_assert_cmpstr(back, ==, xml);
}

static void test_ipv6_modes(void)
{
    static const char *xml = "<interface type='ethernet' name='veth0'>\n"
                             "  <start mode='none'/>\n"
                             "  <protocol family='ipv6'>\n"
                             "    <ip address='2001:db8::10' prefix='64'/>\n"
                             "    <route gateway='2001:db8::1'/>\n"
                             "  </protocol>\n"
                             "</interface>\n";
    static const char *dhcp6 = "<interface type='ethernet' name='veth0'>\n"
                               "  <start mode='none'/>\n"
                               "  <protocol family='ipv6'>\n"
                               "    <dhcp/>\n"
                               "  </protocol>\n"
                               "</interface>\n";
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, xml);
    g_autofree char *got =
        nmcli_get("ipv4.method,ipv6.method,ipv6.addresses,ipv6.gateway", "veth0");
    g_autoptr(NmifaceIfaceInfo) info2 = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *addr = NULL;
    g_autofree char *got2 = NULL;

    g_assert_cmpstr(got, ==, "disabled\nmanual\n2001\\:db8\\:\\:10/64\n2001\\:db8\\:\\:1");
    g_assert_true(td_driver()->create(conn, "veth0", 0, &error));
    td_assert_no_error(error);
    addr = td_sh("ip -o -6 addr show dev veth0");
    g_assert_nonnull(strstr(addr, "2001:db8::10/64"));
    g_assert_true(td_driver()->destroy(conn, "veth0", 0, &error));
    td_assert_no_error(error);

    info2 = td_define(conn, dhcp6);
    got2 = nmcli_get("ipv6.method", "veth0");
    g_assert_cmpstr(got2, ==, "dhcp");
}

static void test_external_change_seen(void)
{
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, static_xml);
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    td_run("nmcli connection modify veth0 ipv4.addresses 198.51.100.7/24 ipv4.gateway ''");
    xml = td_driver()->get_xml_desc(conn, "veth0", VIR_INTERFACE_XML_INACTIVE, &error);
    td_assert_no_error(error);
    g_assert_nonnull(strstr(xml, "198.51.100.7"));
    g_assert_null(strstr(xml, "192.0.2.10"));

    /* A profile made behind our back is listed by the very next call. */
    td_run("nmcli connection add type bridge ifname brx0 con-name brx0 autoconnect no "
           "ipv4.method disabled ipv6.method disabled >/dev/null");
    g_assert_true(td_listed(conn, "brx0", VIR_CONNECT_LIST_INTERFACES_INACTIVE));
    td_run("nmcli connection delete brx0 >/dev/null");
    g_assert_false(td_listed(conn, "brx0", 0));
}

static void test_unexpressible_settings_survive(void)
{
    g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autofree char *got = NULL;

    td_run("nmcli connection modify veth0 802-3-ethernet.wake-on-lan magic connection.zone "
           "trusted ipv4.dns-options rotate ipv4.dns 192.0.2.53 ethtool.feature-rx off "
           "connection.lldp enable");
    info = td_define(conn, static_xml);
    got = nmcli_get("802-3-ethernet.wake-on-lan,connection.zone,ipv4.dns-options,ipv4.dns,"
                    "ethtool.feature-rx,connection.lldp,ipv4.addresses",
                    "veth0");
    g_assert_cmpstr(got, ==, "magic\ntrusted\nrotate\n192.0.2.53\noff\nenable-rx\n192.0.2.10/24");
}

/* define -> modify -> undefine, three times, checked against nmcli and the keyfile on disk. */
static void test_define_undefine_cycles(void)
{
    for (int round = 0; round < 3; round++) {
        for (int step = 0; step < 2; step++) {
            g_autofree char *address = g_strdup_printf("192.0.2.%d", 20 + round * 2 + step);
            g_autofree char *xml = g_strdup_printf("<interface type='ethernet' name='veth0'>\n"
                                                   "  <start mode='none'/>\n"
                                                   "  <protocol family='ipv4'>\n"
                                                   "    <ip address='%s' prefix='24'/>\n"
                                                   "  </protocol>\n"
                                                   "</interface>\n",
                                                   address);
            G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, xml);
            g_autofree char *file = td_sh("grep -l '^interface-name=veth0$' " KEYFILE_DIR "/*");
            g_autofree char *keyfile = td_sh("cat '%s'", file);
            g_autofree char *all = td_sh("nmcli -t -f all connection show veth0");
            g_autofree char *want_key = g_strdup_printf("address1=%s/24", address);
            g_autofree char *want_all = g_strdup_printf("ipv4.addresses:%s/24", address);

            g_assert_nonnull(strstr(keyfile, want_key));
            g_assert_nonnull(strstr(keyfile, "autoconnect=false"));
            g_assert_nonnull(strstr(all, want_all));
            g_assert_nonnull(strstr(all, "connection.autoconnect:no"));
        }
        {
            g_autoptr(GError) error = NULL;
            g_autofree char *files = NULL;
            g_autofree char *out = NULL;

            g_assert_true(td_driver()->undefine(conn, "veth0", &error));
            td_assert_no_error(error);
            files = td_sh("grep -l '^interface-name=veth0$' " KEYFILE_DIR "/* 2>/dev/null; true");
            g_assert_cmpstr(files, ==, "");
            g_assert_cmpint(td_sh_status(&out, "nmcli connection show veth0"), !=, 0);
        }
    }
}

static void test_undefine_keeps_up(void)
{
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, static_xml);
    g_autoptr(GError) error = NULL;
    g_autofree char *addr = NULL;
    g_autofree char *files = NULL;
    g_autofree char *xml = NULL;

    g_assert_true(td_driver()->create(conn, "veth0", 0, &error));
    td_assert_no_error(error);
    g_assert_true(td_driver()->undefine(conn, "veth0", &error));
    td_assert_no_error(error);

    files = td_sh("grep -l '^interface-name=veth0$' " KEYFILE_DIR "/* 2>/dev/null; true");
    g_assert_cmpstr(files, ==, "");
    addr = td_sh("ip -o -4 addr show dev veth0");
    g_assert_nonnull(strstr(addr, "192.0.2.10/24"));
    g_assert_true(td_listed(conn, "veth0", VIR_CONNECT_LIST_INTERFACES_ACTIVE));
    g_assert_true(is_active("veth0"));
    xml = td_driver()->get_xml_desc(conn, "veth0", 0, &error);
    td_assert_no_error(error);
    g_assert_nonnull(strstr(xml, "192.0.2.10"));

    /* Undefined already: nothing left to undefine. */
    g_assert_false(td_driver()->undefine(conn, "veth0", &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&error);

    /* Stopping it lets NM drop what was left. */
    g_assert_true(td_driver()->destroy(conn, "veth0", 0, &error));
    td_assert_no_error(error);
    g_free(files);
    files = td_sh("nmcli -g NAME connection show | grep -c '^veth0$'; true");
    g_assert_cmpstr(files, ==, "0");
    g_assert_true(td_listed(conn, "veth0", VIR_CONNECT_LIST_INTERFACES_INACTIVE));
}

static void test_undefine_inactive(void)
{
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, static_xml);
    g_autoptr(GError) error = NULL;
    g_autofree char *count = NULL;

    g_assert_true(td_driver()->undefine(conn, "veth0", &error));
    td_assert_no_error(error);
    count = td_sh("nmcli -g NAME connection show | grep -c '^veth0$'; true");
    g_assert_cmpstr(count, ==, "0");
}

static void test_nm_restart(void)
{
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, static_xml);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(NmifaceIfaceInfo) again = NULL;

    td_run("\"$NMIFACE_SANDBOX_CTL\" stop-nm");
    g_assert_false(td_driver()->list_all(conn, 0, &list, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT);
    g_test_message("while NM is away: %s", error->message);
    g_clear_error(&error);
    td_run("\"$NMIFACE_SANDBOX_CTL\" start-nm && \"$NMIFACE_SANDBOX_CTL\" wait-startup 20");
    again = td_driver()->lookup_by_name(conn, "veth0", &error);
    td_assert_no_error(error);
    g_assert_cmpstr(again->name, ==, "veth0");

    /* A restart between two calls, never seen as NM being away. */
    td_run("\"$NMIFACE_SANDBOX_CTL\" restart-nm && \"$NMIFACE_SANDBOX_CTL\" wait-startup 20");
    g_assert_true(td_listed(conn, "veth0", 0));
}

typedef struct {
    const char *name;
    guint flags;
    gboolean want;
} ListedWait;

static gboolean listed_as_wanted(NmifaceDriverConn *c, gconstpointer data)
{
    const ListedWait *w = data;

    return td_listed(c, w->name, w->flags) == w->want;
}

/* NM notices link changes asynchronously (netlink): poll, boundedly. */
static gboolean becomes_listed(const char *name, guint flags, gboolean want)
{
    ListedWait w = {name, flags, want};

    return td_poll_until(conn, listed_as_wanted, &w, 5000);
}

static void test_unmanaged_up_is_active(void)
{
    g_autoptr(GError) error = NULL;

    td_run("nmcli device set veth1 managed no && ip link set veth1 down");
    g_assert_true(becomes_listed("veth1", VIR_CONNECT_LIST_INTERFACES_INACTIVE, TRUE));
    td_run("ip link set veth1 up");
    g_assert_true(becomes_listed("veth1", VIR_CONNECT_LIST_INTERFACES_ACTIVE, TRUE));
    /* NM cannot take down what it does not manage. */
    g_assert_false(td_driver()->destroy(conn, "veth1", 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED);
    g_test_message("%s", error->message);
    td_run("ip link set veth1 down");
    g_assert_true(becomes_listed("veth1", VIR_CONNECT_LIST_INTERFACES_ACTIVE, FALSE));
    td_run("nmcli device set veth1 managed yes");
}

int main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    if (g_strcmp0(g_getenv("NMIFACE_SANDBOX"), "1") != 0)
        return td_skip("not inside tests/realnm/nm-sandbox");
    cleanup_profiles();
    conn = td_open();
    g_test_add_func("/realnm/ethernet/list-devices", test_list_devices);
    g_test_add_func("/realnm/ethernet/define-static", test_define_static);
    g_test_add_func("/realnm/ethernet/start-stop", test_start_stop);
    g_test_add_func("/realnm/ethernet/modify-keeps-uuid", test_modify_keeps_uuid);
    g_test_add_func("/realnm/ethernet/ipv6-modes", test_ipv6_modes);
    g_test_add_func("/realnm/ethernet/external-change-seen", test_external_change_seen);
    g_test_add_func("/realnm/ethernet/unexpressible-settings-survive",
                    test_unexpressible_settings_survive);
    g_test_add_func("/realnm/ethernet/define-undefine-cycles", test_define_undefine_cycles);
    g_test_add_func("/realnm/ethernet/undefine-keeps-up", test_undefine_keeps_up);
    g_test_add_func("/realnm/ethernet/undefine-inactive", test_undefine_inactive);
    g_test_add_func("/realnm/ethernet/unmanaged-up-is-active", test_unmanaged_up_is_active);
    g_test_add_func("/realnm/ethernet/nm-restart", test_nm_restart);
    rc = g_test_run();
    td_driver()->close(conn);
    return rc;
}
