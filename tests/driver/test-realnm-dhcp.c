/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DHCP, SLAAC and DHCPv6 interfaces against a real NetworkManager and a real DHCP server (run
 * inside tests/realnm/nm-sandbox with veth pairs dh0:dh0p and dh1:dh1p; each case starts
 * dnsmasq on dh0p with `nm-sandbox-ctl dhcp-start` as it needs, and runs in a fresh sandbox).
 * Create brings them up for real, the live XML shows the leased or autoconfigured addresses
 * and the route, Destroy takes them down; a Create that fails or runs out of time leaves the
 * interface as it was before the call.
 */
#include "driver-test-util.h"

/* The server's ranges (nm-sandbox-ctl dhcp-start). */
#define LEASE_PREFIX  "192.0.2.1"
#define SLAAC_PREFIX  "2001:db8::"
#define DHCPV6_PREFIX "2001:db8::1"

static void dhcp_start(const char *options)
{
    td_run("\"$NMIFACE_SANDBOX_CTL\" dhcp-start dh0p %s", options);
}

/* The interface's live XML; fails the test on an error. */
static char *live_xml(NmifaceDriverConn *conn, const char *name)
{
    g_autoptr(GError) error = NULL;
    char *xml = td_driver()->get_xml_desc(conn, name, 0, &error);

    td_assert_no_error(error);
    return xml;
}

/* The value of the first @attr='...' after @after in @xml, or NULL. */
static char *attr_after(const char *xml, const char *after, const char *attr)
{
    const char *at = strstr(xml, after);
    g_autofree char *needle = g_strdup_printf("%s='", attr);
    const char *end;

    if (at == NULL || (at = strstr(at, needle)) == NULL)
        return NULL;
    at += strlen(needle);
    end = strchr(at, '\'');
    return end != NULL ? g_strndup(at, (gsize)(end - at)) : NULL;
}

/* Create, timed; fails the test on an error. */
static void create_ok(NmifaceDriverConn *conn, const char *name)
{
    g_autoptr(GError) error = NULL;
    gint64 start = g_get_monotonic_time();

    g_assert_true(td_driver()->create(conn, name, 0, &error));
    td_assert_no_error(error);
    g_test_message("Create of %s took %" G_GINT64_FORMAT " ms", name,
                   (g_get_monotonic_time() - start) / 1000);
    g_assert_true(td_is_active(conn, name));
}

/* dnsmasq with @server's options, @xml defined (NM's ipv4/ipv6 methods for it checked against
 * @methods) and started; returns the live XML of dh0. */
static char *start_dh0(NmifaceDriverConn *conn, const char *server, const char *xml,
                       const char *methods)
{
    g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autofree char *got = NULL;
    char *live;

    dhcp_start(server);
    info = td_define(conn, xml);
    got = td_sh("nmcli -g ipv4.method,ipv6.method connection show dh0");
    g_assert_cmpstr(got, ==, methods);
    create_ok(conn, "dh0");
    live = live_xml(conn, "dh0");
    g_test_message("live XML:\n%s", live);
    return live;
}

static void destroy_ok(NmifaceDriverConn *conn, const char *name)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(td_driver()->destroy(conn, name, 0, &error));
    td_assert_no_error(error);
    g_assert_false(td_is_active(conn, name));
    g_assert_true(td_stays_inactive(conn, name, NM_AUTOCONNECT_GRACE_MS));
}

/* The leased IPv4 address in the live XML is the kernel's and the server's; returns it. */
static char *check_lease(const char *xml, const char *ifname)
{
    g_autofree char *addr = attr_after(xml, "<protocol family='ipv4'>", "address");
    g_autofree char *prefix = attr_after(xml, "<protocol family='ipv4'>", "prefix");
    g_autofree char *gateway = attr_after(xml, "<protocol family='ipv4'>", "gateway");
    g_autofree char *kernel = NULL;
    g_autofree char *leases = NULL;
    g_autofree char *in_leases = NULL;

    g_assert_nonnull(addr);
    g_assert_true(g_str_has_prefix(addr, LEASE_PREFIX));
    g_assert_cmpstr(prefix, ==, "24");
    g_assert_cmpstr(gateway, ==, "192.0.2.1");
    g_assert_nonnull(strstr(xml, "<dhcp"));
    kernel = td_sh("ip -o -4 addr show dev %s", ifname);
    g_assert_nonnull(strstr(kernel, addr));
    leases = td_sh("\"$NMIFACE_SANDBOX_CTL\" dhcp-leases dh0p");
    in_leases = g_strdup_printf(" %s ", addr);
    g_assert_nonnull(strstr(leases, in_leases));
    return g_steal_pointer(&addr);
}

static void test_ethernet(void)
{
    static const char xml[] = "<interface type='ethernet' name='dh0'>\n"
                              "  <start mode='onboot'/>\n"
                              "  <protocol family='ipv4'>\n"
                              "    <dhcp/>\n"
                              "  </protocol>\n"
                              "</interface>\n";
    NmifaceDriverConn *conn = td_open();
    g_autofree char *live = start_dh0(conn, "--ipv6 none", xml, "auto\ndisabled");
    g_autofree char *addr = check_lease(live, "dh0");
    g_autofree char *dns = td_sh("nmcli -g IP4.DNS device show dh0");
    g_autofree char *inactive = td_inactive_xml(conn, "dh0");
    g_autofree char *after = NULL;

    g_assert_cmpstr(dns, ==, "192.0.2.53");
    g_assert_cmpstr(inactive, ==, xml);

    destroy_ok(conn, "dh0");
    after = td_sh("ip -o -4 addr show dev dh0");
    g_assert_null(strstr(after, addr));
    td_driver()->close(conn);
}

static void test_peerdns_no(void)
{
    NmifaceDriverConn *conn = td_open();
    g_autofree char *live = start_dh0(conn, "--ipv6 none",
                                      "<interface type='ethernet' name='dh0'><start mode='none'/>"
                                      "<protocol family='ipv4'><dhcp peerdns='no'/></protocol>"
                                      "</interface>",
                                      "auto\ndisabled");
    g_autofree char *ignore = td_sh("nmcli -g ipv4.ignore-auto-dns connection show dh0");
    g_autofree char *addr = check_lease(live, "dh0");
    g_autofree char *kernel = td_sh("ip -o -4 addr show dev dh0");
    /* The lease offers 192.0.2.53 (the ethernet case sees it); NM keeps none of it. */
    g_autofree char *dns = td_sh("nmcli -g IP4.DNS device show dh0");

    g_assert_cmpstr(ignore, ==, "yes");
    g_assert_nonnull(strstr(kernel, addr));
    g_assert_cmpstr(dns, ==, "");
    g_assert_nonnull(strstr(live, "<dhcp peerdns='no'/>"));
    destroy_ok(conn, "dh0");
    td_driver()->close(conn);
}

static void test_bridge(void)
{
    static const char xml[] = "<interface type='bridge' name='br0'>\n"
                              "  <start mode='none'/>\n"
                              "  <protocol family='ipv4'>\n"
                              "    <dhcp/>\n"
                              "  </protocol>\n"
                              "  <bridge stp='off'>\n"
                              "    <interface type='ethernet' name='dh0'>\n"
                              "    </interface>\n"
                              "  </bridge>\n"
                              "</interface>\n";
    NmifaceDriverConn *conn = td_open();
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autofree char *live = NULL;
    g_autofree char *addr = NULL;
    g_autofree char *port = NULL;
    g_autofree char *starts = NULL;

    dhcp_start("--ipv6 none");
    info = td_define(conn, xml);
    create_ok(conn, "br0");
    live = live_xml(conn, "br0");
    g_test_message("live XML:\n%s", live);
    /* Create waited for the lease, not only for the port. */
    addr = check_lease(live, "br0");
    /* The port was activated once: NM's own activation with its controller was not replaced
     * by a second one (which detaches the port under a DHCP exchange). */
    starts = td_sh("grep -c \"Activation: starting connection 'br0-port-dh0'\" "
                   "\"$NMIFACE_SANDBOX_STATE/logs/NetworkManager.log\"");
    g_assert_cmpstr(starts, ==, "1");
    g_assert_nonnull(strstr(live, "<interface type='ethernet' name='dh0'>"));
    port = td_sh("ip -o link show dev dh0");
    g_assert_nonnull(strstr(port, " master br0 "));

    destroy_ok(conn, "br0");
    g_free(port);
    port = td_sh("ip -o link show dev dh0");
    g_assert_null(strstr(port, " master br0 "));
    td_driver()->close(conn);
}

/* SLAAC from router advertisements (dnsmasq ra-only): the live XML shows the address in the
 * advertised prefix and the router as the route. */
static void test_ipv6_autoconf(void)
{
    NmifaceDriverConn *conn = td_open();
    g_autofree char *live = start_dh0(conn, "--ipv6 ra-only",
                                      "<interface type='ethernet' name='dh0'><start mode='none'/>"
                                      "<protocol family='ipv6'><autoconf/></protocol></interface>",
                                      "disabled\nauto");
    g_autofree char *gateway = attr_after(live, "<protocol family='ipv6'>", "gateway");
    g_autofree char *kernel = td_sh("ip -6 route show default dev dh0");
    g_autofree char *ips = td_sh("ip -o -6 addr show dev dh0 scope global");

    g_assert_nonnull(strstr(live, "<autoconf/>"));
    g_assert_nonnull(strstr(live, "<ip address='" SLAAC_PREFIX));
    g_assert_nonnull(strstr(live, "' prefix='64'/>"));
    g_assert_nonnull(gateway);
    g_assert_true(g_str_has_prefix(gateway, "fe80::"));
    g_assert_nonnull(strstr(kernel, gateway));
    g_assert_nonnull(strstr(ips, SLAAC_PREFIX));
    destroy_ok(conn, "dh0");
    g_free(ips);
    ips = td_sh("ip -o -6 addr show dev dh0 scope global");
    g_assert_cmpstr(ips, ==, "");
    td_driver()->close(conn);
}

/* Stateful DHCPv6 (ipv6.method dhcp): an address from the server's range, as a /128 (DHCPv6
 * gives no prefix length and no route; NM takes neither from router advertisements here). */
static void test_dhcpv6(void)
{
    NmifaceDriverConn *conn = td_open();
    g_autofree char *live = start_dh0(conn, "--ipv6 dhcpv6",
                                      "<interface type='ethernet' name='dh0'><start mode='none'/>"
                                      "<protocol family='ipv6'><dhcp/></protocol></interface>",
                                      "disabled\ndhcp");
    g_autofree char *addr = attr_after(live, "<protocol family='ipv6'>", "address");
    g_autofree char *prefix = attr_after(live, "<protocol family='ipv6'>", "prefix");
    g_autofree char *kernel = td_sh("ip -o -6 addr show dev dh0 scope global");

    g_assert_nonnull(strstr(live, "<protocol family='ipv6'>\n    <dhcp/>"));
    g_assert_nonnull(addr);
    /* 2001:db8::1000 - 2001:db8::1fff */
    g_assert_true(g_str_has_prefix(addr, DHCPV6_PREFIX) &&
                  strlen(addr) == strlen("2001:db8::1000"));
    g_assert_cmpstr(prefix, ==, "128");
    g_assert_nonnull(strstr(kernel, addr));
    destroy_ok(conn, "dh0");
    td_driver()->close(conn);
}

/* ---- Create that fails or runs out of time ------------------------------------------------ */

static char *device_autoconnect(const char *ifname)
{
    return td_sh("nmcli -g GENERAL.AUTOCONNECT device show %s", ifname);
}

/* As before the call: inactive, the device disconnected with no connection, NM not trying
 * again by itself (it retries a failed profile with autoconnect at once), autoconnect of the
 * profile and of the device as they were. */
static void check_as_before(NmifaceDriverConn *conn, const char *name, const char *devices,
                            const char *device_autoconnect_before)
{
    g_autofree char *state = NULL;
    g_auto(GStrv) names = g_strsplit(devices, ",", -1);

    g_assert_false(td_is_active(conn, name));
    g_assert_true(td_stays_inactive(conn, name, 3 * NM_AUTOCONNECT_GRACE_MS));
    for (guint i = 0; names[i] != NULL; i++) {
        g_autofree char *dev_state = td_sh("nmcli -g GENERAL.STATE device show %s", names[i]);
        g_autofree char *con = td_sh("nmcli -g GENERAL.CONNECTION device show %s", names[i]);
        g_autofree char *ac = device_autoconnect(names[i]);

        g_assert_cmpstr(dev_state, ==, "30 (disconnected)");
        g_assert_cmpstr(con, ==, "");
        g_assert_cmpstr(ac, ==, device_autoconnect_before);
    }
    state = td_sh("nmcli -g connection.autoconnect connection show %s", name);
    g_assert_cmpstr(state, ==, "yes");
}

static const char onboot_dhcp_xml[] = "<interface type='ethernet' name='dh0'>"
                                      "<start mode='onboot'/>"
                                      "<protocol family='ipv4'><dhcp/></protocol></interface>";

/* NM gives up (a short ipv4.dhcp-timeout, a server that never answers): NM's reason in words. */
static void test_fails_as_before(void)
{
    NmifaceDriverConn *conn = td_open();
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *before = device_autoconnect("dh0");

    dhcp_start("--ipv6 none --silent");
    info = td_define(conn, onboot_dhcp_xml);
    td_run("nmcli connection modify dh0 ipv4.dhcp-timeout 3");
    g_assert_false(td_driver()->create(conn, "dh0", 0, &error));
    td_assert_error_with(error, VIR_ERR_OPERATION_FAILED,
                         "failed to activate interface 'dh0': IP configuration could not be "
                         "reserved (no available address, timeout, etc.)");
    check_as_before(conn, "dh0", "dh0", before);
    td_driver()->close(conn);
}

/* The driver's deadline comes first (NM's DHCP timeout is 45 s): the same, with what NM was
 * still doing; the device's Autoconnect, off since a Destroy, stays off. */
static void test_times_out_as_before(void)
{
    NmifaceDriverConn *conn = NULL;
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *before = NULL;
    gint64 start;

    dhcp_start("--ipv6 none --silent");
    td_run("nmcli device set dh0 autoconnect no");
    before = device_autoconnect("dh0");
    g_assert_cmpstr(before, ==, "no");
    g_setenv("NMIFACE_NM_TIMEOUT_MS", "3000", TRUE);
    conn = td_open();
    info = td_define(conn, onboot_dhcp_xml);
    start = g_get_monotonic_time();
    g_assert_false(td_driver()->create(conn, "dh0", 0, &error));
    g_test_message("Create failed after %" G_GINT64_FORMAT " ms: %s",
                   (g_get_monotonic_time() - start) / 1000, error->message);
    td_assert_error_with(error, VIR_ERR_OPERATION_TIMEOUT,
                         "cannot start interface 'dh0': timed out after 3000 ms waiting for "
                         "NetworkManager to finish activating the interface (interface 'dh0' "
                         "was still getting its IP configuration)");
    check_as_before(conn, "dh0", "dh0", before);
    td_driver()->close(conn);
}

/* A bridge that times out: the bridge and its port both go down again. */
static void test_bridge_times_out_as_before(void)
{
    NmifaceDriverConn *conn = NULL;
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *before = device_autoconnect("dh0");
    g_autofree char *port = NULL;
    g_autofree char *br_state = NULL;

    dhcp_start("--ipv6 none --silent");
    g_setenv("NMIFACE_NM_TIMEOUT_MS", "3000", TRUE);
    conn = td_open();
    info = td_define(conn, "<interface type='bridge' name='br0'><start mode='onboot'/>"
                           "<protocol family='ipv4'><dhcp/></protocol><bridge stp='off'>"
                           "<interface type='ethernet' name='dh0'/></bridge></interface>");
    g_assert_false(td_driver()->create(conn, "br0", 0, &error));
    td_assert_error_with(error, VIR_ERR_OPERATION_TIMEOUT,
                         "(interface 'br0' was still getting its IP configuration)");
    check_as_before(conn, "br0", "dh0", before);
    port = td_sh("ip -o link show dev dh0");
    g_assert_null(strstr(port, " master "));
    /* NM keeps a bridge it made and took down as an unmanaged link, or deletes it. */
    td_sh_status(&br_state, "nmcli -g GENERAL.STATE device show br0");
    g_assert_true(g_str_has_prefix(br_state, "10 ") || g_str_has_prefix(br_state, "30 ") ||
                  g_str_equal(br_state, ""));
    td_driver()->close(conn);
}

/* A server that answers after 4 s, within the deadline (25 s by default) and NM's 45 s. */
static void test_late_answer(void)
{
    NmifaceDriverConn *conn = td_open();
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autofree char *live = NULL;
    g_autofree char *addr = NULL;
    gint64 start;

    dhcp_start("--ipv6 none --reply-delay 4");
    info = td_define(conn, onboot_dhcp_xml);
    start = g_get_monotonic_time();
    create_ok(conn, "dh0");
    g_assert_cmpint(g_get_monotonic_time() - start, >=, 4 * G_USEC_PER_SEC);
    live = live_xml(conn, "dh0");
    addr = check_lease(live, "dh0");
    destroy_ok(conn, "dh0");
    td_driver()->close(conn);
}

int main(int argc, char **argv)
{
    g_autofree char *dnsmasq = NULL;

    g_test_init(&argc, &argv, NULL);
    if (g_strcmp0(g_getenv("NMIFACE_SANDBOX"), "1") != 0)
        return td_skip("not inside tests/realnm/nm-sandbox");
    dnsmasq = g_find_program_in_path("dnsmasq");
    if (dnsmasq == NULL && !g_file_test("/usr/sbin/dnsmasq", G_FILE_TEST_IS_EXECUTABLE))
        return td_skip("dnsmasq is not installed (Debian: dnsmasq-base)");
    g_test_add_func("/realnm-dhcp/ethernet", test_ethernet);
    g_test_add_func("/realnm-dhcp/peerdns-no", test_peerdns_no);
    g_test_add_func("/realnm-dhcp/bridge", test_bridge);
    g_test_add_func("/realnm-dhcp/ipv6-autoconf", test_ipv6_autoconf);
    g_test_add_func("/realnm-dhcp/dhcpv6", test_dhcpv6);
    g_test_add_func("/realnm-dhcp/fails-as-before", test_fails_as_before);
    g_test_add_func("/realnm-dhcp/times-out-as-before", test_times_out_as_before);
    g_test_add_func("/realnm-dhcp/bridge-times-out-as-before", test_bridge_times_out_as_before);
    g_test_add_func("/realnm-dhcp/late-answer", test_late_answer);
    return g_test_run();
}
