/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Defining XML over existing profiles: settings the XML cannot express survive, UUIDs and ids
 * are kept, ports are matched by name and type, a changed type makes a new profile, NM's
 * refusals are errors, stale hints lose to NM's values, and new UUIDs are deterministic.
 */
#include "nm-test-util.h"

#include <string.h>

#include "nmiface/driver.h"

static NmiProfileSet *load(const char *set_name)
{
    g_autofree char *dir =
        g_build_filename(xml_test_env_dir("NMIFACE_NM_TEST_DIR"), "profiles", set_name, NULL);

    return nm_test_load_profiles(dir);
}

static NmiProfileSet *define(const char *xml, const NmiProfileSet *existing)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = nmi_iface_def_parse(xml, 0, &error);
    NmiProfileSet *set;

    g_assert_no_error(error);
    set = nmi_iface_def_to_profiles(def, existing, &error);
    g_assert_no_error(error);
    nm_test_assert_profiles_valid(set);
    return set;
}

static NMConnection *port_named(const NmiProfileSet *set, const char *name)
{
    for (guint i = 0; i < set->ports->len; i++) {
        NMConnection *port = g_ptr_array_index(set->ports, i);

        if (g_strcmp0(nm_connection_get_interface_name(port), name) == 0)
            return port;
    }
    return NULL;
}

/* 802.1x, ethtool and ipv6.method=ignore survive a new static address and MTU. */
static void test_keeps_unknown_settings(void)
{
    g_autoptr(NmiProfileSet) existing = load("ethernet-8021x-ethtool");
    g_autoptr(NmiProfileSet) set = define("<interface type='ethernet' name='eth4'>"
                                          "<start mode='onboot'/><mtu size='1400'/>"
                                          "<protocol family='ipv4'>"
                                          "<ip address='10.0.0.4' prefix='24'/>"
                                          "<route gateway='10.0.0.1'/></protocol>"
                                          "</interface>",
                                          existing);
    NMConnection *c = set->top;
    NMSetting8021x *s_8021x = nm_connection_get_setting_802_1x(c);
    NMSettingIPConfig *s_ip4 = nm_connection_get_setting_ip4_config(c);
    NMSettingIPConfig *s_ip6 = nm_connection_get_setting_ip6_config(c);

    g_assert_cmpstr(nm_connection_get_uuid(c), ==, nm_connection_get_uuid(existing->top));
    g_assert_cmpstr(nm_connection_get_id(c), ==, "eth4");
    g_assert_nonnull(s_8021x);
    g_assert_cmpstr(nm_setting_802_1x_get_identity(s_8021x), ==, "user");
    g_assert_cmpstr(nm_setting_802_1x_get_password(s_8021x), ==, "secret");
    g_assert_nonnull(nm_connection_get_setting(c, NM_TYPE_SETTING_ETHTOOL));
    g_assert_cmpstr(nm_setting_ip_config_get_method(s_ip4), ==, "manual");
    g_assert_cmpstr(nm_setting_ip_config_get_gateway(s_ip4), ==, "10.0.0.1");
    /* no ipv6 <protocol> means "off" and ignore already says that */
    g_assert_cmpstr(nm_setting_ip_config_get_method(s_ip6), ==, "ignore");
    g_assert_cmpuint(nm_setting_wired_get_mtu(nm_connection_get_setting_wired(c)), ==, 1400);
    /* the original is untouched: the result is a copy */
    g_assert_cmpstr(
        nm_setting_ip_config_get_method(nm_connection_get_setting_ip4_config(existing->top)), ==,
        "auto");
}

/* DNS servers and search, route metric and firewall zone survive an address change. */
static void test_keeps_dns_and_zone(void)
{
    g_autoptr(NmiProfileSet) existing = load("ethernet-static-extras");
    g_autoptr(NmiProfileSet) set = define("<interface type='ethernet' name='eth2'>"
                                          "<start mode='none'/>"
                                          "<protocol family='ipv4'><dhcp peerdns='no'/>"
                                          "<ip address='192.168.1.6' prefix='24'/>"
                                          "<route gateway='192.168.1.1'/></protocol>"
                                          "</interface>",
                                          existing);
    NMSettingIPConfig *s_ip4 = nm_connection_get_setting_ip4_config(set->top);
    NMSettingConnection *s_con = nm_connection_get_setting_connection(set->top);

    g_assert_cmpstr(nm_setting_connection_get_zone(s_con), ==, "trusted");
    g_assert_false(nm_setting_connection_get_autoconnect(s_con));
    g_assert_cmpuint(nm_setting_ip_config_get_num_dns(s_ip4), ==, 1);
    g_assert_cmpstr(nm_setting_ip_config_get_dns(s_ip4, 0), ==, "8.8.8.8");
    g_assert_cmpstr(nm_setting_ip_config_get_dns_search(s_ip4, 0), ==, "example.com");
    g_assert_cmpint(nm_setting_ip_config_get_route_metric(s_ip4), ==, 50);
    g_assert_cmpstr(nm_setting_ip_config_get_method(s_ip4), ==, "auto");
    g_assert_true(nm_setting_ip_config_get_ignore_auto_dns(s_ip4));
    g_assert_cmpstr(nm_ip_address_get_address(nm_setting_ip_config_get_address(s_ip4, 0)), ==,
                    "192.168.1.6");
    /* the ipv6 protocol went away */
    g_assert_cmpstr(nm_setting_ip_config_get_method(nm_connection_get_setting_ip6_config(set->top)),
                    ==, "disabled");
}

/* Ports: kept ones keep their profile, new ones get one, dropped ones are left out (the
 * caller deletes what it does not get back). */
static void test_ports_matched(void)
{
    g_autoptr(NmiProfileSet) existing = load("bridge-ports");
    g_autoptr(NmiProfileSet) set = define("<interface type='bridge' name='br0'>"
                                          "<start mode='onboot'/><bridge stp='off'>"
                                          "<interface type='ethernet' name='eth0'/>"
                                          "<interface type='ethernet' name='eth2'/>"
                                          "</bridge></interface>",
                                          existing);
    NMConnection *eth0 = port_named(set, "eth0");
    NMConnection *eth2 = port_named(set, "eth2");
    g_autofree char *eth2_uuid = nmi_profile_uuid_for("802-3-ethernet", "eth2", "br0");

    g_assert_cmpuint(set->ports->len, ==, 2);
    g_assert_null(port_named(set, "eth1"));
    g_assert_nonnull(eth0);
    g_assert_cmpstr(nm_connection_get_uuid(eth0), ==,
                    nm_connection_get_uuid(port_named(existing, "eth0")));
    g_assert_cmpstr(nm_connection_get_id(eth0), ==, "br0-port-eth0");
    g_assert_nonnull(eth2);
    g_assert_cmpstr(nm_connection_get_uuid(eth2), ==, eth2_uuid);
    g_assert_cmpstr(nm_connection_get_id(eth2), ==, "br0-port-eth2");
    g_assert_cmpstr(nm_setting_connection_get_master(nm_connection_get_setting_connection(eth2)),
                    ==, "br0");
    g_assert_null(nm_connection_get_setting_ip4_config(eth2));
}

/* A port named by the master's UUID keeps that; one moved under another master is re-pointed. */
static void test_master_by_uuid_kept(void)
{
    g_autoptr(NmiProfileSet) existing = load("bridge-nested");
    g_autoptr(NmiProfileSet) set = define("<interface type='bridge' name='br2'>"
                                          "<bridge stp='on'>"
                                          "<interface type='vlan' name='eth8.7'>"
                                          "<vlan tag='8'><interface name='eth8'/></vlan>"
                                          "</interface>"
                                          "<interface type='ethernet' name='eth6'/>"
                                          "</bridge></interface>",
                                          existing);
    NMConnection *vlan = port_named(set, "eth8.7");
    NMConnection *eth6 = port_named(set, "eth6");

    g_assert_cmpstr(nm_setting_connection_get_master(nm_connection_get_setting_connection(vlan)),
                    ==, nm_connection_get_uuid(existing->top));
    g_assert_cmpuint(nm_setting_vlan_get_id(nm_connection_get_setting_vlan(vlan)), ==, 8);
    /* eth6 was bond1's port: same profile, now the bridge's */
    g_assert_cmpstr(nm_connection_get_uuid(eth6), ==,
                    nm_connection_get_uuid(port_named(existing, "eth6")));
    g_assert_cmpstr(nm_setting_connection_get_master(nm_connection_get_setting_connection(eth6)),
                    ==, "br2");
    g_assert_cmpstr(
        nm_setting_connection_get_slave_type(nm_connection_get_setting_connection(eth6)), ==,
        "bridge");
}

/* An ethernet profile does not become a bridge: a new profile with a new UUID. */
static void test_type_change_is_new_profile(void)
{
    g_autoptr(NmiProfileSet) existing = load("ethernet-link-local");
    g_autoptr(NmiProfileSet) set =
        define("<interface type='bridge' name='eth5'><bridge/></interface>", existing);

    g_assert_cmpstr(nm_connection_get_connection_type(set->top), ==, "bridge");
    g_assert_cmpstr(nm_connection_get_uuid(set->top), !=, nm_connection_get_uuid(existing->top));
}

/* Starting mode none stops the ports from coming up on their own too. */
static void test_ports_follow_start(void)
{
    g_autoptr(NmiProfileSet) existing = load("bond-miimon");
    g_autoptr(NmiProfileSet) set = define("<interface type='bond' name='bond0'>"
                                          "<start mode='none'/><bond mode='active-backup'>"
                                          "<miimon freq='100'/>"
                                          "<interface type='ethernet' name='eth3'/>"
                                          "</bond></interface>",
                                          existing);
    NMConnection *eth3 = port_named(set, "eth3");

    g_assert_false(
        nm_setting_connection_get_autoconnect(nm_connection_get_setting_connection(set->top)));
    g_assert_false(
        nm_setting_connection_get_autoconnect(nm_connection_get_setting_connection(eth3)));
    /* the address the XML no longer has is gone, the mode and monitor stayed */
    g_assert_cmpstr(nm_setting_ip_config_get_method(nm_connection_get_setting_ip4_config(set->top)),
                    ==, "disabled");
    g_assert_cmpstr(
        nm_setting_bond_get_option_by_name(nm_connection_get_setting_bond(set->top), "miimon"), ==,
        "100");
}

/* NM's normalization would drop ARP monitoring in 802.3ad: an error, not silent loss. */
static void test_refused_bond_options(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = nmi_iface_def_new(NMI_IFACE_BOND, "bond9");
    g_autoptr(NmiProfileSet) set = NULL;

    def->bond_mode = NMI_BOND_MODE_8023AD;
    def->bond_monitor = NMI_BOND_MONITOR_ARP;
    def->arpmon_interval = 100;
    def->arpmon_target = g_strdup("192.0.2.1");
    g_ptr_array_add(def->ports, nmi_iface_def_new(NMI_IFACE_ETHERNET, "eth0"));
    set = nmi_iface_def_to_profiles(def, NULL, &error);
    g_assert_null(set);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR);
    g_assert_nonnull(strstr(error->message, "bond9"));
    g_assert_nonnull(strstr(error->message, "arp_interval"));
}

/* A hint that no longer agrees with NM (nmcli changed the profile since) loses. */
static void test_stale_hints_lose(void)
{
    g_autoptr(NmiProfileSet) set = define("<interface type='bridge' name='br5'>"
                                          "<start mode='hotplug'/>"
                                          "<bridge stp='off' delay='0.5'/></interface>",
                                          NULL);
    g_autoptr(NmiIfaceDef) def = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    g_assert_cmpstr(nmi_hint_get(set->top, NMI_HINT_START), ==, "hotplug");
    g_assert_cmpstr(nmi_hint_get(set->top, NMI_HINT_BRIDGE_DELAY), ==, "0.5");
    g_object_set(nm_connection_get_setting_connection(set->top), NM_SETTING_CONNECTION_AUTOCONNECT,
                 FALSE, NULL);
    g_object_set(nm_connection_get_setting_bridge(set->top), NM_SETTING_BRIDGE_FORWARD_DELAY, 7,
                 NULL);
    def = nmi_iface_def_from_profiles(set, &error);
    g_assert_no_error(error);
    xml = nmi_iface_def_format(def);
    g_assert_cmpstr(xml, ==,
                    "<interface type='bridge' name='br5'>\n"
                    "  <start mode='none'/>\n"
                    "  <bridge stp='off' delay='7'>\n"
                    "  </bridge>\n"
                    "</interface>\n");
}

/* A gateway without an address becomes a default route (NM refuses ipv4.gateway there). */
static void test_gateway_without_address(void)
{
    g_autoptr(NmiProfileSet) set = define("<interface type='ethernet' name='eth0'>"
                                          "<protocol family='ipv4'><dhcp/>"
                                          "<route gateway='192.0.2.1'/></protocol>"
                                          "</interface>",
                                          NULL);
    NMSettingIPConfig *s_ip4 = nm_connection_get_setting_ip4_config(set->top);
    NMIPRoute *route;

    g_assert_null(nm_setting_ip_config_get_gateway(s_ip4));
    g_assert_cmpuint(nm_setting_ip_config_get_num_routes(s_ip4), ==, 1);
    route = nm_setting_ip_config_get_route(s_ip4, 0);
    g_assert_cmpuint(nm_ip_route_get_prefix(route), ==, 0);
    g_assert_cmpstr(nm_ip_route_get_next_hop(route), ==, "192.0.2.1");
}

/* A gateway that lived in a default route keeps the route's metric when it changes. */
static void test_gateway_route_keeps_metric(void)
{
    g_autoptr(NmiProfileSet) existing = load("ethernet-default-route-in-routes");
    g_autoptr(NmiProfileSet) set = define("<interface type='ethernet' name='eth14'>"
                                          "<start mode='onboot'/><protocol family='ipv4'>"
                                          "<ip address='192.168.14.2' prefix='24'/>"
                                          "<route gateway='192.168.14.254'/></protocol>"
                                          "<protocol family='ipv6'><autoconf/></protocol>"
                                          "</interface>",
                                          existing);
    NMSettingIPConfig *s_ip4 = nm_connection_get_setting_ip4_config(set->top);
    NMIPRoute *route;

    g_assert_null(nm_setting_ip_config_get_gateway(s_ip4));
    g_assert_cmpuint(nm_setting_ip_config_get_num_routes(s_ip4), ==, 1);
    route = nm_setting_ip_config_get_route(s_ip4, 0);
    g_assert_cmpstr(nm_ip_route_get_next_hop(route), ==, "192.168.14.254");
    g_assert_cmpint(nm_ip_route_get_metric(route), ==, 50);
    g_assert_cmpuint(nm_setting_ip_config_get_num_addresses(s_ip4), ==, 1);
    /* the ipv6 side did not change: privacy and addr-gen-mode untouched */
    g_assert_cmpint(nm_setting_ip6_config_get_ip6_privacy(
                        NM_SETTING_IP6_CONFIG(nm_connection_get_setting_ip6_config(set->top))),
                    ==, NM_SETTING_IP6_CONFIG_PRIVACY_PREFER_TEMP_ADDR);
}

/* Bond options the XML cannot express survive a monitor change. */
static void test_bond_extras_survive(void)
{
    g_autoptr(NmiProfileSet) existing = load("bond-lacp-routes");
    g_autoptr(NmiProfileSet) set = define("<interface type='bond' name='bond3'>"
                                          "<start mode='onboot'/>"
                                          "<protocol family='ipv4'><dhcp/></protocol>"
                                          "<bond mode='802.3ad'>"
                                          "<miimon freq='200' updelay='400'/>"
                                          "<interface type='ethernet' name='eth12'/>"
                                          "<interface type='ethernet' name='eth13'/>"
                                          "</bond></interface>",
                                          existing);
    NMSettingBond *s_bond = nm_connection_get_setting_bond(set->top);
    NMSettingIPConfig *s_ip4 = nm_connection_get_setting_ip4_config(set->top);
    NMConnection *eth12 = port_named(set, "eth12");

    g_assert_cmpstr(nm_setting_bond_get_option_by_name(s_bond, "miimon"), ==, "200");
    g_assert_cmpstr(nm_setting_bond_get_option_by_name(s_bond, "updelay"), ==, "400");
    g_assert_cmpstr(nm_setting_bond_get_option_by_name(s_bond, "lacp_rate"), ==, "fast");
    g_assert_cmpstr(nm_setting_bond_get_option_by_name(s_bond, "xmit_hash_policy"), ==, "layer3+4");
    g_assert_true(nm_setting_ip_config_get_never_default(s_ip4));
    g_assert_cmpuint(nm_setting_ip_config_get_num_routes(s_ip4), ==, 1);
    g_assert_cmpint(nm_setting_bond_port_get_queue_id(NM_SETTING_BOND_PORT(
                        nm_connection_get_setting(eth12, NM_TYPE_SETTING_BOND_PORT))),
                    ==, 2);
}

/* Addresses are kept as written: a new spelling of the same addresses replaces the old one
 * (the values, and so NM's settings, stay). */
static void test_respelled_addresses(void)
{
    const char *respelled = "<interface type='ethernet' name='eth9'>\n"
                            "  <start mode='onboot'/>\n"
                            "  <protocol family='ipv6'>\n"
                            "    <ip address='2001:DB8::1' prefix='64'/>\n"
                            "    <route gateway='2001:db8::00fe'/>\n"
                            "  </protocol>\n"
                            "</interface>\n";
    g_autoptr(NmiProfileSet) existing = define("<interface type='ethernet' name='eth9'>"
                                               "<start mode='onboot'/><protocol family='ipv6'>"
                                               "<ip address='2001:db8::1' prefix='64'/>"
                                               "<route gateway='2001:db8::fe'/></protocol>"
                                               "</interface>",
                                               NULL);
    g_autoptr(NmiProfileSet) set = define(respelled, existing);
    NMSettingIPConfig *s_ip6 = nm_connection_get_setting_ip6_config(set->top);
    g_autoptr(NmiIfaceDef) def = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    g_assert_cmpstr(nm_setting_ip_config_get_gateway(s_ip6), ==, "2001:db8::fe");
    g_assert_cmpstr(nm_ip_address_get_address(nm_setting_ip_config_get_address(s_ip6, 0)), ==,
                    "2001:db8::1");
    def = nmi_iface_def_from_profiles(set, &error);
    g_assert_no_error(error);
    xml = nmi_iface_def_format(def);
    g_assert_cmpstr(xml, ==, respelled);
}

/* Same definition, same UUIDs: name-based version 5 UUIDs. */
static void test_uuids_deterministic(void)
{
    const char *xml = "<interface type='bridge' name='br0'><bridge>"
                      "<interface type='ethernet' name='eth0'/></bridge></interface>";
    g_autoptr(NmiProfileSet) a = define(xml, NULL);
    g_autoptr(NmiProfileSet) b = define(xml, NULL);
    const char *uuid = nm_connection_get_uuid(a->top);
    g_autofree char *top_uuid = nmi_profile_uuid_for("bridge", "br0", NULL);
    g_autofree char *port_uuid = nmi_profile_uuid_for("802-3-ethernet", "eth0", "br0");
    g_autofree char *other = nmi_profile_uuid_for("802-3-ethernet", "eth0", NULL);

    g_assert_cmpstr(uuid, ==, nm_connection_get_uuid(b->top));
    g_assert_cmpstr(uuid, ==, top_uuid);
    g_assert_cmpstr(nm_connection_get_uuid(g_ptr_array_index(a->ports, 0)), ==, port_uuid);
    g_assert_cmpstr(port_uuid, !=, other);
    g_assert_cmpint(uuid[14], ==, '5');
    g_assert_true(strchr("89ab", uuid[19]) != NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nm/merge/keeps-unknown-settings", test_keeps_unknown_settings);
    g_test_add_func("/nm/merge/keeps-dns-and-zone", test_keeps_dns_and_zone);
    g_test_add_func("/nm/merge/ports-matched", test_ports_matched);
    g_test_add_func("/nm/merge/master-by-uuid-kept", test_master_by_uuid_kept);
    g_test_add_func("/nm/merge/type-change-is-new-profile", test_type_change_is_new_profile);
    g_test_add_func("/nm/merge/ports-follow-start", test_ports_follow_start);
    g_test_add_func("/nm/merge/refused-bond-options", test_refused_bond_options);
    g_test_add_func("/nm/merge/stale-hints-lose", test_stale_hints_lose);
    g_test_add_func("/nm/merge/gateway-without-address", test_gateway_without_address);
    g_test_add_func("/nm/merge/gateway-route-keeps-metric", test_gateway_route_keeps_metric);
    g_test_add_func("/nm/merge/bond-extras-survive", test_bond_extras_survive);
    g_test_add_func("/nm/merge/respelled-addresses", test_respelled_addresses);
    g_test_add_func("/nm/merge/uuids-deterministic", test_uuids_deterministic);
    return g_test_run();
}
