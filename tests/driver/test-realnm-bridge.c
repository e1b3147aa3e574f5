/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bridges, bonds and vlans on a real NetworkManager (inside nm-sandbox with veth pairs
 * bv0:bv0p and bv1:bv1p): port profiles, listing of ports, start/stop against `ip -d link`,
 * dropping a port, undefine; bond and vlan definitions (this kernel has no bonding or 8021q
 * module: their activation must fail with a clear error).
 */
#include "driver-test-util.h"

static NmifaceDriverConn *conn;

static const char *bridge_xml = "<interface type='bridge' name='br0'>\n"
                                "  <start mode='onboot'/>\n"
                                "  <protocol family='ipv4'>\n"
                                "    <ip address='192.0.2.1' prefix='24'/>\n"
                                "  </protocol>\n"
                                "  <bridge stp='off'>\n"
                                "    <interface type='ethernet' name='bv0'>\n"
                                "    </interface>\n"
                                "    <interface type='ethernet' name='bv1'>\n"
                                "    </interface>\n"
                                "  </bridge>\n"
                                "</interface>\n";

static void test_define_bridge(void)
{
    g_autoptr(NmifaceIfaceInfo) info = td_define(conn, bridge_xml);
    g_autoptr(GError) error = NULL;
    g_autofree char *profiles = NULL;
    g_autofree char *ports = NULL;
    g_autofree char *files = NULL;
    g_autofree char *xml = NULL;

    g_assert_cmpstr(info->name, ==, "br0");
    profiles = td_sh("nmcli -g TYPE,DEVICE connection show | sort | tr '\\n' ' '");
    g_test_message("profiles: %s", profiles);
    ports = td_sh("nmcli -t -f connection.interface-name,connection.master,connection.slave-type "
                  "connection show br0-port-bv0");
    g_assert_cmpstr(ports, ==,
                    "connection.interface-name:bv0\nconnection.master:br0\n"
                    "connection.slave-type:bridge");
    files = td_sh("ls /etc/NetworkManager/system-connections | wc -l");
    g_assert_cmpstr(files, ==, "3");
    /* Ports appear inside their bridge only. */
    g_assert_true(td_listed(conn, "br0", VIR_CONNECT_LIST_INTERFACES_INACTIVE));
    g_assert_false(td_listed(conn, "bv0", 0));
    g_assert_false(td_listed(conn, "bv1", 0));
    xml = td_driver()->get_xml_desc(conn, "br0", VIR_INTERFACE_XML_INACTIVE, &error);
    td_assert_no_error(error);
    g_assert_cmpstr(xml, ==, bridge_xml);
}

static void test_start_bridge(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *kind = NULL;
    g_autofree char *bv0 = NULL;
    g_autofree char *bv1 = NULL;
    g_autofree char *addr = NULL;
    g_autofree char *live = NULL;
    gboolean active = FALSE;

    g_assert_true(td_driver()->create(conn, "br0", 0, &error));
    td_assert_no_error(error);
    kind = td_sh("ip -d -o link show dev br0 | grep -o ' bridge ' | head -n1 | tr -d ' '");
    g_assert_cmpstr(kind, ==, "bridge");
    bv0 = td_sh("ip -o link show dev bv0");
    bv1 = td_sh("ip -o link show dev bv1");
    g_assert_nonnull(strstr(bv0, " master br0 "));
    g_assert_nonnull(strstr(bv1, " master br0 "));
    addr = td_sh("ip -o -4 addr show dev br0");
    g_assert_nonnull(strstr(addr, "192.0.2.1/24"));
    g_assert_true(td_driver()->is_active(conn, "br0", &active, &error));
    g_assert_true(active);
    live = td_driver()->get_xml_desc(conn, "br0", 0, &error);
    td_assert_no_error(error);
    g_test_message("live: %s", live);
    g_assert_nonnull(strstr(live, "name='bv0'"));
    g_assert_nonnull(strstr(live, "name='bv1'"));
    g_assert_nonnull(strstr(live, "192.0.2.1"));
}

static void test_drop_port(void)
{
    static const char *one_port = "<interface type='bridge' name='br0'>\n"
                                  "  <start mode='onboot'/>\n"
                                  "  <protocol family='ipv4'>\n"
                                  "    <ip address='192.0.2.1' prefix='24'/>\n"
                                  "  </protocol>\n"
                                  "  <bridge stp='off'>\n"
                                  "    <interface type='ethernet' name='bv0'>\n"
                                  "    </interface>\n"
                                  "  </bridge>\n"
                                  "</interface>\n";
    g_autofree char *uuid_before = td_sh("nmcli -g connection.uuid connection show br0");
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, one_port);
    g_autofree char *uuid_after = td_sh("nmcli -g connection.uuid connection show br0");
    g_autofree char *names =
        td_sh("nmcli -g NAME connection show | grep -v '^lo$' | sort | tr '\\n' ' '");
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    g_assert_cmpstr(uuid_before, ==, uuid_after);
    g_assert_cmpstr(names, ==, "br0 br0-port-bv0");
    xml = td_driver()->get_xml_desc(conn, "br0", VIR_INTERFACE_XML_INACTIVE, &error);
    td_assert_no_error(error);
    g_assert_cmpstr(xml, ==, one_port);
}

static void test_stop_bridge(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *bv0 = NULL;
    g_autofree char *br = NULL;

    g_assert_true(td_driver()->destroy(conn, "br0", 0, &error));
    td_assert_no_error(error);
    bv0 = td_sh("ip -o link show dev bv0");
    g_assert_null(strstr(bv0, " master br0 "));
    br = td_sh("ip -o -4 addr show dev br0 2>/dev/null; true");
    g_assert_null(strstr(br, "192.0.2.1"));
    /* NM must not bring it back by itself. */
    g_assert_true(td_stays_inactive(conn, "br0", NM_AUTOCONNECT_GRACE_MS));
}

static void test_undefine_bridge(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *names = NULL;

    g_assert_true(td_driver()->undefine(conn, "br0", &error));
    td_assert_no_error(error);
    names = td_sh("nmcli -g NAME connection show | grep -v '^lo$' | tr '\\n' ' '");
    g_assert_cmpstr(names, ==, "");
    g_assert_false(td_listed(conn, "br0", 0));
    g_assert_true(td_listed(conn, "bv0", 0));
}

/* A bridge whose ports are a bond (with its own port) and a vlan: nested port profiles. */
static void test_nested_ports(void)
{
    static const char *xml = "<interface type='bridge' name='br1'>\n"
                             "  <start mode='none'/>\n"
                             "  <bridge stp='off'>\n"
                             "    <interface type='bond' name='bond1'>\n"
                             "      <bond mode='active-backup'>\n"
                             "        <interface type='ethernet' name='bv0'>\n"
                             "        </interface>\n"
                             "      </bond>\n"
                             "    </interface>\n"
                             "    <interface type='vlan' name='bv1.5'>\n"
                             "      <vlan tag='5'>\n"
                             "        <interface name='bv1'/>\n"
                             "      </vlan>\n"
                             "    </interface>\n"
                             "  </bridge>\n"
                             "</interface>\n";
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, xml);
    g_autoptr(GError) error = NULL;
    g_autofree char *roles =
        td_sh("nmcli -t -f connection.interface-name,connection.master,connection.slave-type "
              "connection show bond1-port-bv0 | tr '\\n' ' '");
    g_autofree char *back = NULL;
    g_autofree char *names = NULL;

    g_test_message("%s", roles);
    g_assert_nonnull(strstr(roles, "connection.master:bond1"));
    g_assert_false(td_listed(conn, "bond1", 0));
    g_assert_false(td_listed(conn, "bv1.5", 0));
    back = td_driver()->get_xml_desc(conn, "br1", VIR_INTERFACE_XML_INACTIVE, &error);
    td_assert_no_error(error);
    g_assert_cmpstr(back, ==, xml);
    g_assert_true(td_driver()->undefine(conn, "br1", &error));
    td_assert_no_error(error);
    names = td_sh("nmcli -g NAME connection show | grep -v '^lo$' | tr '\\n' ' '");
    g_assert_cmpstr(names, ==, "");
}

static void test_bond_fails_clearly(void)
{
    static const char *xml = "<interface type='bond' name='bond0'>\n"
                             "  <start mode='none'/>\n"
                             "  <bond mode='active-backup'>\n"
                             "    <miimon freq='100' updelay='10' carrier='netif'/>\n"
                             "    <interface type='ethernet' name='bv0'>\n"
                             "    </interface>\n"
                             "    <interface type='ethernet' name='bv1'>\n"
                             "    </interface>\n"
                             "  </bond>\n"
                             "</interface>\n";
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, xml);
    g_autoptr(GError) error = NULL;
    g_autofree char *opts = td_sh("nmcli -g bond.options connection show bond0");
    g_autofree char *back = NULL;

    g_assert_nonnull(strstr(opts, "mode=active-backup"));
    g_assert_nonnull(strstr(opts, "miimon=100"));
    back = td_driver()->get_xml_desc(conn, "bond0", VIR_INTERFACE_XML_INACTIVE, &error);
    td_assert_no_error(error);
    g_assert_cmpstr(back, ==, xml);

    g_assert_false(td_driver()->create(conn, "bond0", 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED);
    g_test_message("bond activation: %s", error->message);
    g_assert_nonnull(strstr(error->message, "bond0"));
    g_clear_error(&error);
    g_assert_true(td_driver()->undefine(conn, "bond0", &error));
    td_assert_no_error(error);
}

static void test_vlan_fails_clearly(void)
{
    static const char *xml = "<interface type='vlan' name='bv0.42'>\n"
                             "  <start mode='none'/>\n"
                             "  <protocol family='ipv4'>\n"
                             "    <ip address='198.51.100.2' prefix='24'/>\n"
                             "  </protocol>\n"
                             "  <vlan tag='42'>\n"
                             "    <interface name='bv0'/>\n"
                             "  </vlan>\n"
                             "</interface>\n";
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, xml);
    g_autoptr(GError) error = NULL;
    g_autofree char *vlan = td_sh("nmcli -g vlan.id,vlan.parent connection show bv0.42");
    g_autofree char *back = NULL;

    g_assert_cmpstr(vlan, ==, "42\nbv0");
    back = td_driver()->get_xml_desc(conn, "bv0.42", VIR_INTERFACE_XML_INACTIVE, &error);
    td_assert_no_error(error);
    g_assert_cmpstr(back, ==, xml);
    g_assert_false(td_driver()->create(conn, "bv0.42", 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED);
    g_test_message("vlan activation: %s", error->message);
    g_assert_nonnull(strstr(error->message, "bv0.42"));
    g_clear_error(&error);
    g_assert_true(td_driver()->undefine(conn, "bv0.42", &error));
    td_assert_no_error(error);
}

/* nmcli users often name a vlan's parent by its profile's UUID: the XML shows the parent's
 * interface name, and a define that keeps the parent keeps the UUID. */
static void test_vlan_parent_by_uuid(void)
{
    static const char *xml = "<interface type='vlan' name='bv1.7'>\n"
                             "  <start mode='none'/>\n"
                             "  <protocol family='ipv4'>\n"
                             "    <ip address='198.51.100.7' prefix='24'/>\n"
                             "  </protocol>\n"
                             "  <vlan tag='7'>\n"
                             "    <interface name='bv1'/>\n"
                             "  </vlan>\n"
                             "</interface>\n";
    g_autofree char *uuid = NULL;
    g_autofree char *parent = NULL;
    g_autofree char *back = NULL;
    g_autofree char *expected = NULL;
    g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autoptr(NmifaceIfaceInfo) info2 = NULL;
    g_autoptr(GError) error = NULL;

    td_run("nmcli connection add type ethernet con-name bv1-eth ifname bv1 autoconnect no "
           "ipv4.method disabled ipv6.method disabled");
    uuid = td_sh("nmcli -g connection.uuid connection show bv1-eth");
    td_run("nmcli connection add type vlan con-name bv1.7 ifname bv1.7 autoconnect no "
           "vlan.id 7 vlan.parent %s ipv4.method disabled ipv6.method ignore",
           uuid);
    back = td_driver()->get_xml_desc(conn, "bv1.7", VIR_INTERFACE_XML_INACTIVE, &error);
    td_assert_no_error(error);
    g_test_message("%s", back);
    g_assert_nonnull(strstr(back, "<vlan tag='7'>\n    <interface name='bv1'/>\n  </vlan>"));

    /* Define with an address added: the parent stays the UUID. */
    info = td_define(conn, xml);
    parent = td_sh("nmcli -g vlan.parent,ipv4.addresses connection show bv1.7");
    expected = g_strdup_printf("%s\n198.51.100.7/24", uuid);
    g_assert_cmpstr(parent, ==, expected);
    g_clear_pointer(&back, g_free);
    back = td_driver()->get_xml_desc(conn, "bv1.7", VIR_INTERFACE_XML_INACTIVE, &error);
    td_assert_no_error(error);
    g_assert_cmpstr(back, ==, xml);

    /* Define naming another parent: the XML wins. */
    info2 = td_define(conn, "<interface type='vlan' name='bv1.7'><start mode='none'/>"
                            "<vlan tag='7'><interface name='bv0'/></vlan></interface>");
    g_clear_pointer(&parent, g_free);
    parent = td_sh("nmcli -g vlan.parent connection show bv1.7");
    g_assert_cmpstr(parent, ==, "bv0");
    g_assert_true(td_driver()->undefine(conn, "bv1.7", &error));
    td_assert_no_error(error);
    td_run("nmcli connection delete bv1-eth");
}

int main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    if (g_strcmp0(g_getenv("NMIFACE_SANDBOX"), "1") != 0)
        return td_skip("not inside tests/realnm/nm-sandbox");
    conn = td_open();
    g_test_add_func("/realnm/bridge/define", test_define_bridge);
    g_test_add_func("/realnm/bridge/start", test_start_bridge);
    g_test_add_func("/realnm/bridge/drop-port", test_drop_port);
    g_test_add_func("/realnm/bridge/stop", test_stop_bridge);
    g_test_add_func("/realnm/bridge/undefine", test_undefine_bridge);
    g_test_add_func("/realnm/bridge/nested-ports", test_nested_ports);
    g_test_add_func("/realnm/bond/define-and-fail-to-start", test_bond_fails_clearly);
    g_test_add_func("/realnm/vlan/define-and-fail-to-start", test_vlan_fails_clearly);
    g_test_add_func("/realnm/vlan/parent-by-uuid", test_vlan_parent_by_uuid);
    rc = g_test_run();
    td_driver()->close(conn);
    return rc;
}
