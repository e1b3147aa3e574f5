/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The live form from hand-made device facts: no D-Bus needed. */
#include "nm-test-util.h"

#include "nmiface/driver.h"

static NmiProfileSet *define(const char *xml)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = nmi_iface_def_parse(xml, 0, &error);
    NmiProfileSet *set;

    g_assert_no_error(error);
    set = nmi_iface_def_to_profiles(def, NULL, &error);
    g_assert_no_error(error);
    return set;
}

static char *live_xml(const NmiProfileSet *set, const NmiDeviceFacts *facts)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = nmi_iface_def_live(set, facts, &error);

    g_assert_no_error(error);
    return nmi_iface_def_format(def);
}

static NmiDeviceFacts *ethernet_facts(const char *name, const char *mac, NmiLinkState state,
                                      guint speed)
{
    NmiDeviceFacts *facts = nmi_device_facts_new(name, NMI_IFACE_ETHERNET);

    facts->mac = g_strdup(mac);
    facts->mtu = 1500;
    facts->link_state = state;
    facts->speed = speed;
    return facts;
}

/* A DHCP bridge: <dhcp/> stays, the leased address and gateway show, the ports are the ones
 * actually attached (eth1 is configured but absent; eth9 is attached but not configured). */
static void test_bridge_with_profile(void)
{
    g_autoptr(NmiProfileSet) set = define("<interface type='bridge' name='br0'>"
                                          "<start mode='onboot'/><mtu size='1500'/>"
                                          "<protocol family='ipv4'><dhcp/></protocol>"
                                          "<bridge stp='off'>"
                                          "<interface type='ethernet' name='eth0'/>"
                                          "<interface type='ethernet' name='eth1'/>"
                                          "</bridge></interface>");
    g_autoptr(NmiDeviceFacts) facts = nmi_device_facts_new("br0", NMI_IFACE_BRIDGE);
    g_autofree char *xml = NULL;

    facts->mac = g_strdup("52:54:00:AA:00:01");
    facts->mtu = 9000;
    facts->link_state = NMI_LINK_STATE_UP;
    g_ptr_array_add(facts->ipv4, nmi_ip_addr_new("192.0.2.77", 24));
    facts->ipv4_gateway = g_strdup("192.0.2.1");
    g_ptr_array_add(facts->ipv6, nmi_ip_addr_new("fe80::5054:ff:feaa:1", 64));
    g_ptr_array_add(facts->ports,
                    ethernet_facts("eth0", "52:54:00:00:00:0a", NMI_LINK_STATE_UP, 1000));
    g_ptr_array_add(facts->ports,
                    ethernet_facts("eth9", "52:54:00:00:00:09", NMI_LINK_STATE_DOWN, 0));

    xml = live_xml(set, facts);
    g_assert_cmpstr(xml, ==,
                    "<interface type='bridge' name='br0'>\n"
                    "  <start mode='onboot'/>\n"
                    "  <mtu size='9000'/>\n"
                    "  <protocol family='ipv4'>\n"
                    "    <dhcp/>\n"
                    "    <ip address='192.0.2.77' prefix='24'/>\n"
                    "    <route gateway='192.0.2.1'/>\n"
                    "  </protocol>\n"
                    "  <protocol family='ipv6'>\n"
                    "    <ip address='fe80::5054:ff:feaa:1' prefix='64'/>\n"
                    "  </protocol>\n"
                    "  <bridge stp='off'>\n"
                    "    <interface type='ethernet' name='eth0'>\n"
                    "      <link speed='1000' state='up'/>\n"
                    "      <mac address='52:54:00:00:00:0a'/>\n"
                    "    </interface>\n"
                    "    <interface type='ethernet' name='eth9'>\n"
                    "      <link state='down'/>\n"
                    "      <mac address='52:54:00:00:00:09'/>\n"
                    "    </interface>\n"
                    "  </bridge>\n"
                    "</interface>\n");
}

/* A static ethernet whose device has no address yet: the configured <ip> goes, the device
 * is what the live form shows; the MAC comes from the device. */
static void test_static_device_without_address(void)
{
    g_autoptr(NmiProfileSet) set = define("<interface type='ethernet' name='eth3'>"
                                          "<start mode='none'/>"
                                          "<protocol family='ipv4'>"
                                          "<ip address='10.0.0.3' prefix='8'/></protocol>"
                                          "</interface>");
    g_autoptr(NmiDeviceFacts) facts =
        ethernet_facts("eth3", "52:54:00:00:00:03", NMI_LINK_STATE_LOWERLAYERDOWN, 0);
    g_autofree char *xml = live_xml(set, facts);

    g_assert_cmpstr(xml, ==,
                    "<interface type='ethernet' name='eth3'>\n"
                    "  <start mode='none'/>\n"
                    "  <mtu size='1500'/>\n"
                    "  <protocol family='ipv4'>\n"
                    "  </protocol>\n"
                    "  <link state='lowerlayerdown'/>\n"
                    "  <mac address='52:54:00:00:00:03'/>\n"
                    "</interface>\n");
}

/* No profile: the device alone, no <start> since nothing is configured. */
static void test_device_without_profile(void)
{
    g_autoptr(NmiDeviceFacts) facts = nmi_device_facts_new("bond7", NMI_IFACE_BOND);
    g_autofree char *xml = NULL;

    facts->mtu = 1500;
    facts->link_state = NMI_LINK_STATE_UP;
    facts->speed = 2000;
    g_ptr_array_add(facts->ipv6, nmi_ip_addr_new("2001:db8::7", 64));
    facts->ipv6_gateway = g_strdup("2001:db8::1");
    g_ptr_array_add(facts->ports,
                    ethernet_facts("eth1", "52:54:00:00:00:01", NMI_LINK_STATE_UP, 1000));

    xml = live_xml(NULL, facts);
    g_assert_cmpstr(xml, ==,
                    "<interface type='bond' name='bond7'>\n"
                    "  <mtu size='1500'/>\n"
                    "  <protocol family='ipv6'>\n"
                    "    <ip address='2001:db8::7' prefix='64'/>\n"
                    "    <route gateway='2001:db8::1'/>\n"
                    "  </protocol>\n"
                    "  <link speed='2000' state='up'/>\n"
                    "  <bond>\n"
                    "    <interface type='ethernet' name='eth1'>\n"
                    "      <link speed='1000' state='up'/>\n"
                    "      <mac address='52:54:00:00:00:01'/>\n"
                    "    </interface>\n"
                    "  </bond>\n"
                    "</interface>\n");
}

/* A vlan device without a profile still says its tag and parent. */
static void test_vlan_without_profile(void)
{
    g_autoptr(NmiDeviceFacts) facts = nmi_device_facts_new("eth0.42", NMI_IFACE_VLAN);
    g_autofree char *xml = NULL;

    facts->vlan_id = 42;
    facts->vlan_parent = g_strdup("eth0");
    facts->link_state = NMI_LINK_STATE_UP;
    xml = live_xml(NULL, facts);
    g_assert_cmpstr(xml, ==,
                    "<interface type='vlan' name='eth0.42'>\n"
                    "  <link state='up'/>\n"
                    "  <vlan tag='42'>\n"
                    "    <interface name='eth0'/>\n"
                    "  </vlan>\n"
                    "</interface>\n");
}

/* No facts: the inactive form. */
static void test_no_facts_is_inactive(void)
{
    g_autoptr(NmiProfileSet) set =
        define("<interface type='ethernet' name='eth0'><start mode='onboot'/></interface>");
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;
    g_autofree char *xml = live_xml(set, NULL);

    g_assert_cmpstr(xml, ==,
                    "<interface type='ethernet' name='eth0'>\n"
                    "  <start mode='onboot'/>\n"
                    "</interface>\n");
    def = nmi_iface_def_live(NULL, NULL, &error);
    g_assert_null(def);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nm/live/bridge-with-profile", test_bridge_with_profile);
    g_test_add_func("/nm/live/static-device-without-address", test_static_device_without_address);
    g_test_add_func("/nm/live/device-without-profile", test_device_without_profile);
    g_test_add_func("/nm/live/vlan-without-profile", test_vlan_without_profile);
    g_test_add_func("/nm/live/no-facts-is-inactive", test_no_facts_is_inactive);
    return g_test_run();
}
