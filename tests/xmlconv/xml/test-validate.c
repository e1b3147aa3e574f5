/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nmi_iface_def_validate on definitions built in code (as the NetworkManager side builds
 * them), and the formatter's handling of what a document cannot say directly.
 */

#include <string.h>

#include "iface-def.h"
#include "nmiface/driver.h"
#include "xml-test-util.h"

static void expect_invalid(const NmiIfaceDef *def, const char *message)
{
    g_autoptr(GError) error = NULL;

    g_assert_false(nmi_iface_def_validate(def, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR);
    g_assert_cmpstr(error->message, ==, message);
}

static void expect_valid(const NmiIfaceDef *def)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(nmi_iface_def_validate(def, &error));
    g_assert_no_error(error);
}

static void test_names(void)
{
    static const struct {
        const char *name;
        const char *why;
    } bad[] = {
        {"", "must be 1..15 bytes"},
        {"abcdefghijklmnop", "must be 1..15 bytes"},
        {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", "must be 1..15 bytes"},
        {".", "must not be '.' or '..'"},
        {"..", "must not be '.' or '..'"},
        {"eth0/1", "must not contain '/', ':' or whitespace"},
        {"eth0:1", "must not contain '/', ':' or whitespace"},
        {"eth 0", "must not contain '/', ':' or whitespace"},
        {"eth\t0", "must not contain '/', ':' or whitespace"},
        {"eth\n", "must not contain '/', ':' or whitespace"},
        {"eth\xc2\xa0", "must not contain '/', ':' or whitespace"},
        {"eth\x01", "must not contain control characters"},
        {"eth\xff", "must be valid UTF-8"},
    };
    static const char *const good[] = {
        "e", "abcdefghijklmno", "eth0.42", "br-lan", "a&<>'\"b", "eth\xc3\xa9", "...", "-",
    };

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(NmiIfaceDef) def = nmi_iface_def_new(NMI_IFACE_ETHERNET, bad[i].name);
        g_autofree char *msg = g_strdup_printf(
            "invalid interface name '%s' in <interface name=''>: %s", bad[i].name, bad[i].why);
        expect_invalid(def, msg);
    }
    for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
        g_autoptr(NmiIfaceDef) def = nmi_iface_def_new(NMI_IFACE_ETHERNET, good[i]);
        expect_valid(def);
    }
    {
        g_autoptr(NmiIfaceDef) def = nmi_iface_def_new(NMI_IFACE_ETHERNET, NULL);
        expect_invalid(def, "missing attribute 'name' in <interface>");
    }
}

static void test_mac(void)
{
    static const char *const bad[] = {"",
                                      "aa:bb:cc:dd:ee",
                                      "aa:bb:cc:dd:ee:ff:00",
                                      "aa-bb-cc-dd-ee-ff",
                                      "aabb.ccdd.eeff",
                                      "gg:bb:cc:dd:ee:ff",
                                      "a:bb:cc:dd:ee:fff"};

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(NmiIfaceDef) def = nmi_iface_def_new(NMI_IFACE_ETHERNET, "eth0");
        g_autofree char *msg = NULL;

        def->mac = g_strdup(bad[i]);
        msg = g_strdup_printf("invalid MAC address '%s' in <mac address=''>: must be six pairs "
                              "of hex digits separated by ':'",
                              bad[i]);
        expect_invalid(def, msg);
    }
    {
        g_autoptr(NmiIfaceDef) def = nmi_iface_def_new(NMI_IFACE_ETHERNET, "eth0");
        /* multicast and upper case are syntax-valid, as in libvirt's own fixtures */
        def->mac = g_strdup("AB:bb:CC:dd:EE:ff");
        expect_valid(def);
    }
}

static void test_addresses(void)
{
    g_autoptr(NmiIfaceDef) def = nmi_iface_def_new(NMI_IFACE_ETHERNET, "eth0");
    NmiProtocol *v4 = nmi_protocol_new(FALSE);
    NmiProtocol *v6 = nmi_protocol_new(TRUE);

    g_ptr_array_add(def->protocols, v4);
    g_ptr_array_add(def->protocols, v6);
    g_ptr_array_add(v4->ips, nmi_ip_addr_new("192.0.2.1", 32));
    g_ptr_array_add(v6->ips, nmi_ip_addr_new("::ffff:192.0.2.1", 128));
    v6->autoconf = TRUE;
    expect_valid(def);

    g_ptr_array_add(v4->ips, nmi_ip_addr_new("192.0.2.2", 33));
    expect_invalid(def, "invalid IPv4 prefix '33' in <ip prefix=''>: must be 0..32");
    g_ptr_array_remove_index(v4->ips, 1);

    g_ptr_array_add(v6->ips, nmi_ip_addr_new("2001:db8::1", 129));
    expect_invalid(def, "invalid IPv6 prefix '129' in <ip prefix=''>: must be 0..128");
    g_ptr_array_remove_index(v6->ips, 1);

    g_ptr_array_add(v4->ips, nmi_ip_addr_new("2001:db8::1", -1));
    expect_invalid(def, "invalid ipv4 address '2001:db8::1' in <ip address=''>: must be an IPv4 "
                        "address");
    g_ptr_array_remove_index(v4->ips, 1);

    g_ptr_array_add(v6->ips, nmi_ip_addr_new(NULL, -1));
    expect_invalid(def, "invalid ipv6 address '' in <ip address=''>: must be an IPv6 address");
    g_ptr_array_remove_index(v6->ips, 1);

    g_ptr_array_add(v6->ips, nmi_ip_addr_new("0:0:0:0:0:ffff:c000:201", 96));
    expect_invalid(def, "duplicate address '0:0:0:0:0:ffff:c000:201' in <protocol "
                        "family='ipv6'>");
    g_ptr_array_remove_index(v6->ips, 1);

    v6->gateway = g_strdup("192.0.2.1");
    expect_invalid(def, "invalid ipv6 gateway '192.0.2.1' in <route gateway=''>: must be an IPv6 "
                        "address");
    g_clear_pointer(&v6->gateway, g_free);

    v4->autoconf = TRUE;
    expect_invalid(def, "<autoconf> is only allowed in <protocol family='ipv6'>");
    v4->autoconf = FALSE;

    g_ptr_array_add(def->protocols, nmi_protocol_new(FALSE));
    expect_invalid(def, "duplicate <protocol family='ipv4'> in interface 'eth0'");
}

static void test_ranges(void)
{
    g_autoptr(NmiIfaceDef) eth = nmi_iface_def_new(NMI_IFACE_ETHERNET, "eth0");
    g_autoptr(NmiIfaceDef) vlan = nmi_iface_def_new(NMI_IFACE_VLAN, "v");
    g_autoptr(NmiIfaceDef) br = nmi_iface_def_new(NMI_IFACE_BRIDGE, "br0");
    static const char *const bad_tags[] = {"4096", "-1", "", "1e3", "0x10", "99999999999", " 1"};
    static const char *const bad_delays[] = {
        "-1", "1e3", "", ".", "INF", "1.2.3", "1,5", "123456789012345678901234567890123"};

    eth->mtu = 67;
    expect_invalid(eth, "invalid mtu size '67' in <mtu size=''>: must be 68..65535");
    eth->mtu = 65536;
    expect_invalid(eth, "invalid mtu size '65536' in <mtu size=''>: must be 68..65535");
    eth->mtu = 68;
    expect_valid(eth);

    expect_invalid(vlan, "missing attribute 'tag' in <vlan>");
    for (guint i = 0; i < G_N_ELEMENTS(bad_tags); i++) {
        g_autofree char *msg =
            g_strdup_printf("invalid vlan tag '%s' in <vlan tag=''>: must be 0..4095", bad_tags[i]);
        g_free(vlan->vlan_tag);
        vlan->vlan_tag = g_strdup(bad_tags[i]);
        expect_invalid(vlan, msg);
    }
    g_free(vlan->vlan_tag);
    vlan->vlan_tag = g_strdup("4095");
    expect_valid(vlan);
    vlan->vlan_parent = g_strdup("v");
    expect_invalid(vlan, "vlan 'v' cannot be its own parent device");
    g_free(vlan->vlan_parent);
    vlan->vlan_parent = g_strdup("a:b");
    expect_invalid(vlan, "invalid interface name 'a:b' in <vlan><interface name=''>: must not "
                         "contain '/', ':' or whitespace");

    for (guint i = 0; i < G_N_ELEMENTS(bad_delays); i++) {
        g_autofree char *msg = g_strdup_printf(
            "invalid bridge delay '%s' in <bridge delay=''>: must be a non-negative decimal "
            "number of seconds (at most 32 characters)",
            bad_delays[i]);
        g_free(br->bridge_delay);
        br->bridge_delay = g_strdup(bad_delays[i]);
        expect_invalid(br, msg);
    }
    g_free(br->bridge_delay);
    br->bridge_delay = g_strdup(".5");
    expect_valid(br);
}

static void test_bond_values(void)
{
    g_autoptr(NmiIfaceDef) bond = nmi_iface_def_new(NMI_IFACE_BOND, "bond0");

    bond->bond_monitor = NMI_BOND_MONITOR_MII;
    expect_invalid(bond, "missing attribute 'freq' in <miimon>");
    bond->miimon_freq = 100;
    expect_valid(bond);

    bond->bond_monitor = NMI_BOND_MONITOR_ARP;
    expect_invalid(bond, "missing attribute 'interval' in <arpmon>");
    bond->arpmon_interval = 10;
    expect_invalid(bond, "missing attribute 'target' in <arpmon>");
    bond->arpmon_target = g_strdup("2001:db8::1");
    expect_invalid(bond, "invalid arpmon target '2001:db8::1' in <arpmon target=''>: must be an "
                         "IPv4 address");
    g_free(bond->arpmon_target);
    bond->arpmon_target = g_strdup("192.0.2.1");
    expect_valid(bond);
}

/* Enum fields out of range (a definition built in code) name the allowed values from the
 * same tables the parser reads. */
static void test_enum_values(void)
{
    g_autoptr(NmiIfaceDef) bond = nmi_iface_def_new(NMI_IFACE_BOND, "bond0");
    g_autoptr(NmiIfaceDef) br = nmi_iface_def_new(NMI_IFACE_BRIDGE, "br0");
    g_autoptr(NmiIfaceDef) eth = nmi_iface_def_new(NMI_IFACE_ETHERNET, "eth0");
    NmiProtocol *v4 = nmi_protocol_new(FALSE);

    bond->bond_mode = (NmiBondMode)42;
    expect_invalid(bond, "invalid bond mode '42' in <bond mode=''>: must be one of balance-rr, "
                         "active-backup, balance-xor, broadcast, 802.3ad, balance-tlb, "
                         "balance-alb");
    bond->bond_mode = NMI_BOND_MODE_8023AD;
    bond->bond_monitor = NMI_BOND_MONITOR_MII;
    bond->miimon_freq = 100;
    bond->miimon_carrier = (NmiMiiCarrier)3;
    expect_invalid(bond, "invalid miimon carrier '3' in <miimon carrier=''>: must be one of "
                         "ioctl, netif");
    bond->bond_monitor = NMI_BOND_MONITOR_ARP;
    bond->arpmon_interval = 10;
    bond->arpmon_target = g_strdup("192.0.2.1");
    bond->arpmon_validate = (NmiArpValidate)-2;
    expect_invalid(bond, "invalid arpmon validate '-2' in <arpmon validate=''>: must be one of "
                         "none, active, backup, all");
    bond->arpmon_validate = NMI_ARP_VALIDATE_ALL;
    expect_valid(bond);

    br->bridge_stp = (NmiTristate)2;
    expect_invalid(br, "invalid bridge stp '2' in <bridge stp=''>: must be one of on, off");

    eth->type = (NmiIfaceType)7;
    expect_invalid(eth, "invalid interface type '7' in <interface type=''>: must be one of "
                        "ethernet, bridge, bond, vlan");
    eth->type = NMI_IFACE_ETHERNET;
    eth->start = (NmiStartMode)9;
    expect_invalid(eth, "invalid start mode '9' in <start mode=''>: must be one of onboot, none, "
                        "hotplug");
    eth->start = NMI_START_UNSPECIFIED;
    eth->link_state = (NmiLinkState)-5;
    expect_invalid(eth, "invalid link state '-5' in <link state=''>: must be one of unknown, "
                        "notpresent, down, lowerlayerdown, testing, dormant, up");
    eth->link_state = NMI_LINK_STATE_UP;
    v4->dhcp = TRUE;
    v4->dhcp_peerdns = (NmiTristate)5;
    g_ptr_array_add(eth->protocols, v4);
    expect_invalid(eth, "invalid dhcp peerdns '5' in <dhcp peerdns=''>: must be one of yes, no");
    v4->dhcp_peerdns = NMI_TRISTATE_NO;
    expect_valid(eth);
}

static NmiIfaceDef *add_port(NmiIfaceDef *master, NmiIfaceType type, const char *name)
{
    NmiIfaceDef *port = nmi_iface_def_new(type, name);

    g_ptr_array_add(master->ports, port);
    return port;
}

static void test_ports(void)
{
    g_autoptr(NmiIfaceDef) br = nmi_iface_def_new(NMI_IFACE_BRIDGE, "br0");
    g_autoptr(NmiIfaceDef) eth = nmi_iface_def_new(NMI_IFACE_ETHERNET, "eth9");
    NmiIfaceDef *bond;
    NmiIfaceDef *vlan;

    add_port(br, NMI_IFACE_ETHERNET, "eth0");
    bond = add_port(br, NMI_IFACE_BOND, "bond0");
    add_port(bond, NMI_IFACE_ETHERNET, "eth1");
    vlan = add_port(br, NMI_IFACE_VLAN, "eth2.5");
    vlan->vlan_tag = g_strdup("5");
    vlan->vlan_parent = g_strdup("eth2");
    expect_valid(br);

    add_port(bond, NMI_IFACE_ETHERNET, "eth0");
    expect_invalid(br, "interface 'eth0' appears more than once in the definition of 'bond0'");
    g_ptr_array_remove_index(bond->ports, 1);

    add_port(bond, NMI_IFACE_ETHERNET, "bond0");
    expect_invalid(br, "interface 'bond0' cannot be a port of itself");
    g_ptr_array_remove_index(bond->ports, 1);

    add_port(bond, NMI_IFACE_VLAN, "eth3.5");
    expect_invalid(br, "an interface of type 'vlan' cannot be a port of bond 'bond0': allowed "
                       "port types are ethernet");
    g_ptr_array_remove_index(bond->ports, 1);

    add_port(br, NMI_IFACE_BRIDGE, "br1");
    expect_invalid(br, "an interface of type 'bridge' cannot be a port of bridge 'br0': allowed "
                       "port types are ethernet, bond, vlan");
    g_ptr_array_remove_index(br->ports, 3);

    bond = g_ptr_array_index(br->ports, 1);
    bond->mtu = 1500;
    expect_invalid(br, "<start>, <mtu> and <protocol> are only allowed in the top-level "
                       "<interface>, not in port 'bond0'");
    bond->mtu = 0;
    expect_valid(br);

    add_port(eth, NMI_IFACE_ETHERNET, "eth10");
    expect_invalid(eth, "interface 'eth9' of type 'ethernet' cannot have ports");
}

/* What the model holds but libvirt's XML cannot say is left out, as libvirt does. */
static void test_format_omissions(void)
{
    g_autoptr(NmiIfaceDef) br = nmi_iface_def_new(NMI_IFACE_BRIDGE, "br0");
    NmiIfaceDef *port = add_port(br, NMI_IFACE_ETHERNET, "eth0");
    g_autofree char *out = NULL;

    br->mac = g_strdup("52:54:00:00:00:01");
    br->link_state = NMI_LINK_STATE_UP;
    port->start = NMI_START_ONBOOT;
    port->mtu = 1500;
    out = nmi_iface_def_format(br);
    g_assert_cmpstr(out, ==,
                    "<interface type='bridge' name='br0'>\n"
                    "  <bridge>\n"
                    "    <interface type='ethernet' name='eth0'>\n"
                    "    </interface>\n"
                    "  </bridge>\n"
                    "</interface>\n");
}

/* Zeros are kept (libvirt drops them): prefix='0', downdelay='0'. */
static void test_format_zeros(void)
{
    g_autoptr(NmiIfaceDef) bond = nmi_iface_def_new(NMI_IFACE_BOND, "bond0");
    NmiProtocol *v4 = nmi_protocol_new(FALSE);
    g_autofree char *out = NULL;
    g_autoptr(NmiIfaceDef) again = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *out2 = NULL;
    const char *expected = "<interface type='bond' name='bond0'>\n"
                           "  <protocol family='ipv4'>\n"
                           "    <ip address='0.0.0.0' prefix='0'/>\n"
                           "  </protocol>\n"
                           "  <bond>\n"
                           "    <miimon freq='0' downdelay='0' updelay='0'/>\n"
                           "  </bond>\n"
                           "</interface>\n";

    g_ptr_array_add(bond->protocols, v4);
    g_ptr_array_add(v4->ips, nmi_ip_addr_new("0.0.0.0", 0));
    bond->bond_monitor = NMI_BOND_MONITOR_MII;
    bond->miimon_freq = 0;
    bond->miimon_downdelay = 0;
    bond->miimon_updelay = 0;
    out = nmi_iface_def_format(bond);
    g_assert_cmpstr(out, ==, expected);
    again = nmi_iface_def_parse(out, 0, &error);
    g_assert_no_error(error);
    out2 = nmi_iface_def_format(again);
    g_assert_cmpstr(out2, ==, expected);
}

static void test_format_escaping(void)
{
    const char *name = "a&<>'\"b";
    g_autoptr(NmiIfaceDef) def = nmi_iface_def_new(NMI_IFACE_VLAN, name);
    g_autoptr(NmiIfaceDef) again = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;

    def->vlan_tag = g_strdup("7");
    def->vlan_parent = g_strdup("p&q");
    out = nmi_iface_def_format(def);
    g_assert_cmpstr(out, ==,
                    "<interface type='vlan' name='a&amp;&lt;&gt;&apos;&quot;b'>\n"
                    "  <vlan tag='7'>\n"
                    "    <interface name='p&amp;q'/>\n"
                    "  </vlan>\n"
                    "</interface>\n");
    again = nmi_iface_def_parse(out, NMI_PARSE_VALIDATE, &error);
    /* our schema keeps to libvirt's name characters */
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_XML_INVALID_SCHEMA);
    g_clear_error(&error);
    again = nmi_iface_def_parse(out, 0, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(again->name, ==, name);
    g_assert_cmpstr(again->vlan_parent, ==, "p&q");
}

static void test_format_vlan_without_parent(void)
{
    g_autoptr(NmiIfaceDef) def = nmi_iface_def_new(NMI_IFACE_VLAN, "v5");
    g_autofree char *out = NULL;

    def->vlan_tag = g_strdup("5");
    expect_valid(def);
    out = nmi_iface_def_format(def);
    g_assert_cmpstr(out, ==,
                    "<interface type='vlan' name='v5'>\n  <vlan tag='5'/>\n</interface>\n");
}

/* virsh's iface-unbridge defines the port with the bridge's XML, type and name changed, the
 * port's <mac> moved up and <bridge> left in: a top-level <bridge> in another type is skipped as
 * libvirt's parser skips it, and refused by the schema. A stray <vlan> or <bond> is still an
 * error (tests/xmlconv/xml/bad/vlan-on-ethernet.xml). */
static void test_other_type_body_skipped(void)
{
    static const char *unbridged = "<?xml version=\"1.0\"?>\n"
                                   "<interface type=\"ethernet\" name=\"veth1\">\n"
                                   "  <start mode=\"onboot\"/>\n"
                                   "  <protocol family=\"ipv4\">\n"
                                   "    <dhcp/>\n"
                                   "  </protocol>\n"
                                   "  <bridge stp=\"off\" delay=\"0\">\n"
                                   "    <interface type=\"ethernet\" name=\"veth1\">\n"
                                   "      </interface>\n"
                                   "  </bridge>\n"
                                   "  <mac address=\"52:54:00:aa:bb:cc\"/>\n"
                                   "</interface>\n";
    static const char *bridge_in_vlan = "<interface type='vlan' name='v5'>\n"
                                        "  <bridge stp='on'/>\n"
                                        "  <vlan tag='5'>\n"
                                        "    <interface name='eth0'/>\n"
                                        "  </vlan>\n"
                                        "</interface>\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;
    g_autoptr(NmiIfaceDef) vlan = NULL;
    g_autofree char *out = NULL;
    g_autofree char *vlan_out = NULL;

    def = nmi_iface_def_parse(unbridged, 0, &error);
    g_assert_no_error(error);
    out = nmi_iface_def_format(def);
    g_assert_cmpstr(out, ==,
                    "<interface type='ethernet' name='veth1'>\n"
                    "  <start mode='onboot'/>\n"
                    "  <protocol family='ipv4'>\n"
                    "    <dhcp/>\n"
                    "  </protocol>\n"
                    "  <mac address='52:54:00:aa:bb:cc'/>\n"
                    "</interface>\n");

    vlan = nmi_iface_def_parse(bridge_in_vlan, 0, &error);
    g_assert_no_error(error);
    vlan_out = nmi_iface_def_format(vlan);
    g_assert_cmpstr(vlan_out, ==,
                    "<interface type='vlan' name='v5'>\n"
                    "  <vlan tag='5'>\n"
                    "    <interface name='eth0'/>\n"
                    "  </vlan>\n"
                    "</interface>\n");

    g_clear_pointer(&def, nmi_iface_def_free);
    def = nmi_iface_def_parse(unbridged, NMI_PARSE_VALIDATE, &error);
    g_assert_null(def);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_XML_INVALID_SCHEMA);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/xml/validate/names", test_names);
    g_test_add_func("/xml/validate/mac", test_mac);
    g_test_add_func("/xml/validate/addresses", test_addresses);
    g_test_add_func("/xml/validate/ranges", test_ranges);
    g_test_add_func("/xml/validate/bond-values", test_bond_values);
    g_test_add_func("/xml/validate/enum-values", test_enum_values);
    g_test_add_func("/xml/validate/ports", test_ports);
    g_test_add_func("/xml/format/omissions", test_format_omissions);
    g_test_add_func("/xml/format/zeros", test_format_zeros);
    g_test_add_func("/xml/format/escaping", test_format_escaping);
    g_test_add_func("/xml/format/vlan-without-parent", test_format_vlan_without_parent);
    g_test_add_func("/xml/parse/other-type-body-skipped", test_other_type_body_skipped);
    return g_test_run();
}
