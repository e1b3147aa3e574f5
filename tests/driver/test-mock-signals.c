/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The driver's mirror against signals in awkward orders. NM announces objects with
 * InterfacesAdded/Removed and changes with PropertiesChanged, but a client can see a change
 * before the object (it missed the announcement while loading, or the announcement is still on
 * its way), a change after the object has gone, the Manager's Devices/ActiveConnections lists
 * change before the objects appear or go, and a profile change while the profile's settings
 * are being fetched. Whatever the order, each call answers with NM's state as of the call's
 * sync: the objects NM lists, in the state NM has them, and never one NM does not have.
 */
#include "mock-test-util.h"

#define SETTLE_MS 5000

static const char *bridge_xml = "<interface type='bridge' name='br0'>\n"
                                "  <start mode='none'/>\n"
                                "  <protocol family='ipv4'>\n"
                                "    <ip address='192.0.2.1' prefix='24'/>\n"
                                "  </protocol>\n"
                                "  <bridge stp='off'/>\n"
                                "</interface>\n";

static const guint32 add_to_disk =
    NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK | NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT;

static char *xml_desc(NmifaceDriverConn *conn, const char *name, guint flags)
{
    g_autoptr(GError) error = NULL;
    char *xml = td_driver()->get_xml_desc(conn, name, flags, &error);

    td_assert_no_error(error);
    return xml;
}

static gboolean xml_has(NmifaceDriverConn *conn, const char *name, guint flags, const char *part)
{
    g_autofree char *xml = xml_desc(conn, name, flags);

    return strstr(xml, part) != NULL;
}

/* The live XML of @name shows @part within @timeout_ms (NM configures addresses at the end of
 * an activation, after the interface counts as active). */
static gboolean xml_gets(NmifaceDriverConn *conn, const char *name, const char *part,
                         guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;

    while (!xml_has(conn, name, 0, part)) {
        if (g_get_monotonic_time() >= deadline)
            return FALSE;
        g_usleep(20 * G_TIME_SPAN_MILLISECOND);
    }
    return TRUE;
}

/* @name is an interface NM has, in state @active, in every answer. */
static void check_listed(NmifaceDriverConn *conn, const char *name, gboolean active)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmifaceIfaceInfo) info = td_driver()->lookup_by_name(conn, name, &error);
    g_autofree char *part = g_strdup_printf("name='%s'", name);

    td_assert_no_error(error);
    g_assert_cmpstr(info->name, ==, name);
    g_assert_true(info->active == active);
    g_assert_true(td_listed(conn, name, 0));
    g_assert_true(td_listed(conn, name,
                            active ? VIR_CONNECT_LIST_INTERFACES_ACTIVE
                                   : VIR_CONNECT_LIST_INTERFACES_INACTIVE));
    g_assert_true(td_is_active(conn, name) == active);
    g_assert_true(xml_has(conn, name, 0, part));
}

/* @name is nothing NM has. */
static void check_unknown(NmifaceDriverConn *conn, const char *name)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmifaceIfaceInfo) info = NULL;
    gboolean active = FALSE;

    g_assert_false(td_listed(conn, name, 0));
    info = td_driver()->lookup_by_name(conn, name, &error);
    g_assert_null(info);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_NO_INTERFACE);
    g_clear_error(&error);
    g_assert_false(td_driver()->is_active(conn, name, &active, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_NO_INTERFACE);
}

/* What a PropertiesChanged of an up ethernet device named @name says. */
static GVariant *device_up_props(const char *name)
{
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&b, "{sv}", "Interface", g_variant_new_string(name));
    g_variant_builder_add(&b, "{sv}", "IpInterface", g_variant_new_string(name));
    g_variant_builder_add(&b, "{sv}", "DeviceType", g_variant_new_uint32(NM_DEVICE_TYPE_ETHERNET));
    g_variant_builder_add(&b, "{sv}", "State", g_variant_new_uint32(NM_DEVICE_STATE_ACTIVATED));
    g_variant_builder_add(&b, "{sv}", "StateReason",
                          g_variant_new("(uu)", NM_DEVICE_STATE_ACTIVATED, 0));
    g_variant_builder_add(&b, "{sv}", "Real", g_variant_new_boolean(TRUE));
    g_variant_builder_add(&b, "{sv}", "Managed", g_variant_new_boolean(TRUE));
    g_variant_builder_add(&b, "{sv}", "HwAddress", g_variant_new_string("52:54:00:00:00:99"));
    g_variant_builder_add(&b, "{sv}", "InterfaceFlags", g_variant_new_uint32(0x10003));
    return g_variant_builder_end(&b);
}

/* Another client puts an address on @ifname and brings it up; returns the active connection. */
static char *other_client_brings_up(const char *ifname, const char *cidr)
{
    g_autoptr(NMConnection) profile = mt_ethernet_profile("other", ifname, cidr);
    g_autofree char *path = mt_add_profile(profile, add_to_disk);

    return mt_activate(path);
}

/* A new device eth9 whose carrier changes before its InterfacesAdded, which is sent after them
 * (@announce) or never; the driver lists it, inactive. Returns its path. */
static char *add_eth9_changed_before_added(NmifaceDriverConn *conn, gboolean announce)
{
    char *device;

    mt_hold_announcements(TRUE, FALSE);
    device = mt_add_device("eth9", "ethernet");
    mt_set_carrier("eth9", FALSE);
    mt_set_carrier("eth9", TRUE);
    mt_release_announcements(announce);
    check_listed(conn, "eth9", FALSE);
    return device;
}

/* A device whose own changes reach the driver before its InterfacesAdded does. */
static void test_props_before_added(void)
{
    NmifaceDriverConn *conn = td_open();
    g_autofree char *device = NULL;
    g_autofree char *ac = NULL;

    device = add_eth9_changed_before_added(conn, TRUE);

    /* Fully known: later changes count. */
    ac = other_client_brings_up("eth9", "192.0.2.90/24");
    g_assert_true(td_becomes_active(conn, "eth9", TRUE, SETTLE_MS));
    check_listed(conn, "eth9", TRUE);
    g_assert_true(xml_gets(conn, "eth9", "192.0.2.90", SETTLE_MS));
    td_driver()->close(conn);
}

/* A device the driver is never told about, only listed by the Manager and changed. */
static void test_props_without_added(void)
{
    NmifaceDriverConn *conn = td_open();
    g_autofree char *device = NULL;
    g_autofree char *ac = NULL;

    device = add_eth9_changed_before_added(conn, FALSE);

    ac = other_client_brings_up("eth9", "192.0.2.90/24");
    g_assert_true(td_becomes_active(conn, "eth9", TRUE, SETTLE_MS));
    g_assert_true(xml_gets(conn, "eth9", "192.0.2.90", SETTLE_MS));
    g_assert_true(xml_has(conn, "eth9", VIR_INTERFACE_XML_INACTIVE, "192.0.2.90"));

    /* Unplugged: the other client's profile still defines it. */
    mt_remove_device("eth9");
    check_listed(conn, "eth9", FALSE);
    td_driver()->close(conn);
}

/* Stale changes for objects that have gone, and for one NM never had. */
static void test_props_after_removed(void)
{
    NmifaceDriverConn *conn = td_open();
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, bridge_xml);
    g_autofree char *eth2 = mt_device_path("eth2");
    g_autofree char *br0 = NULL;
    g_autofree char *br0_ac = NULL;
    g_autoptr(GError) error = NULL;
    GVariantBuilder b;

    check_listed(conn, "eth2", FALSE);
    mt_remove_device("eth2");
    mt_emit_properties_changed(eth2, NM_DBUS_INTERFACE_DEVICE, device_up_props("eth2"));
    check_unknown(conn, "eth2");

    g_assert_true(td_driver()->create(conn, "br0", 0, &error));
    td_assert_no_error(error);
    br0 = mt_device_path("br0");
    br0_ac = mt_get_path_property(br0, NM_DBUS_INTERFACE_DEVICE, "ActiveConnection");
    g_assert_true(td_driver()->destroy(conn, "br0", 0, &error));
    td_assert_no_error(error);
    g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&b, "{sv}", "State",
                          g_variant_new_uint32(NM_ACTIVE_CONNECTION_STATE_ACTIVATED));
    g_variant_builder_add(&b, "{sv}", "Devices", g_variant_new_objv((const char *[]){br0}, 1));
    mt_emit_properties_changed(br0_ac, NM_DBUS_INTERFACE_ACTIVE_CONNECTION,
                               g_variant_builder_end(&b));
    check_listed(conn, "br0", FALSE);

    mt_emit_properties_changed("/org/freedesktop/NetworkManager/Devices/999",
                               NM_DBUS_INTERFACE_DEVICE, device_up_props("ghost0"));
    check_unknown(conn, "ghost0");
    td_driver()->close(conn);
}

/* Another client adds a profile for eth2 and brings eth1 up with another: the Manager's
 * ActiveConnections, the Settings' Connections and the devices change before the new objects
 * are announced. */
static char *other_client_adds_and_activates(char **eth2_profile)
{
    g_autoptr(NMConnection) idle = mt_ethernet_profile("idle", "eth2", "192.0.2.52/24");

    *eth2_profile = mt_add_profile(idle, add_to_disk);
    return other_client_brings_up("eth1", "192.0.2.50/24");
}

/* What the other client did is what the driver tells. */
static void check_other_client_state(NmifaceDriverConn *conn)
{
    g_assert_true(td_becomes_active(conn, "eth1", TRUE, SETTLE_MS));
    check_listed(conn, "eth1", TRUE);
    g_assert_true(xml_gets(conn, "eth1", "192.0.2.50", SETTLE_MS));
    check_listed(conn, "eth2", FALSE);
    g_assert_true(xml_has(conn, "eth2", VIR_INTERFACE_XML_INACTIVE, "192.0.2.52"));
}

/* Another client's profile and activation, with the objects' InterfacesAdded held back until
 * after the lists changed; with announce FALSE they are never sent at all. */
static void check_held_announcements(gboolean announce)
{
    NmifaceDriverConn *conn = td_open();
    g_autofree char *ac = NULL;
    g_autofree char *eth2_profile = NULL;

    mt_hold_announcements(TRUE, FALSE);
    ac = other_client_adds_and_activates(&eth2_profile);
    mt_release_announcements(announce);
    check_other_client_state(conn);

    mt_deactivate(ac);
    g_assert_true(td_becomes_active(conn, "eth1", FALSE, SETTLE_MS));
    mt_delete_profile(eth2_profile);
    g_assert_false(xml_has(conn, "eth2", VIR_INTERFACE_XML_INACTIVE, "192.0.2.52"));
    td_driver()->close(conn);
}

static void test_lists_before_objects(void)
{
    check_held_announcements(TRUE);
}

static void test_objects_never_announced(void)
{
    check_held_announcements(FALSE);
}

/* NM takes a device out of Devices before its InterfacesRemoved (nm-manager.c's order), and a
 * profile out of Connections, an active connection out of ActiveConnections; here the
 * InterfacesRemoved are late enough for the driver's next call to see only the lists. */
static void test_lists_shrink_before_removed(void)
{
    NmifaceDriverConn *conn = td_open();
    g_autofree char *ac = NULL;
    g_autofree char *eth2_profile = NULL;

    ac = other_client_adds_and_activates(&eth2_profile);
    check_other_client_state(conn);
    check_listed(conn, "eth0", FALSE);

    mt_hold_announcements(FALSE, TRUE);
    mt_remove_device("eth0");
    mt_deactivate(ac);
    mt_delete_profile(eth2_profile);
    g_assert_true(td_becomes_active(conn, "eth1", FALSE, SETTLE_MS));
    check_unknown(conn, "eth0");
    g_assert_false(xml_has(conn, "eth2", VIR_INTERFACE_XML_INACTIVE, "192.0.2.52"));

    mt_release_announcements(TRUE);
    check_unknown(conn, "eth0");
    check_listed(conn, "eth1", FALSE);
    g_assert_false(xml_has(conn, "eth2", VIR_INTERFACE_XML_INACTIVE, "192.0.2.52"));
    td_driver()->close(conn);
}

/* The mirror loads at the first call, a listing here. */
static gpointer open_and_list_in_thread(gpointer data)
{
    NmifaceDriverConn *conn = data;
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_true(td_driver()->list_all(conn, 0, &list, &error));
    td_assert_no_error(error);
    return conn;
}

static guint load_calls(void)
{
    return mt_call_count("GetManagedObjects") + mt_call_count("ListConnections") +
           mt_call_count("GetAll");
}

/* Bounded poll: the driver has sent its first load call. */
static gboolean load_started(guint before, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;

    while (load_calls() == before) {
        if (g_get_monotonic_time() >= deadline)
            return FALSE;
        g_usleep(5 * G_TIME_SPAN_MILLISECOND);
    }
    return TRUE;
}

/* NM changes while the driver loads its mirror: every load call answers late, the changes
 * (and their signals) come in between. */
static void test_changes_during_load(void)
{
    g_autoptr(NMConnection) profile = mt_ethernet_profile("pre", "eth0", "192.0.2.70/24");
    g_autoptr(NMConnection) updated = mt_with_address(profile, "192.0.2.71");
    g_autofree char *profile_path = mt_add_profile(profile, add_to_disk);
    g_autofree char *ac = NULL;
    const char *slow[] = {"GetManagedObjects", "ListConnections", "GetAll", "GetSettings"};
    guint before = load_calls();
    NmifaceDriverConn *conn;
    GThread *opener;

    for (guint i = 0; i < G_N_ELEMENTS(slow); i++)
        mt_set_delay(slow[i], 150);
    conn = td_open();
    g_assert_cmpuint(load_calls(), ==, before); /* opening found NM, it loaded nothing */
    opener = g_thread_new("load", open_and_list_in_thread, conn);
    g_assert_true(load_started(before, SETTLE_MS));
    g_free(mt_add_device("eth9", "ethernet"));
    mt_remove_device("eth2");
    mt_update_profile(profile_path, updated, NM_SETTINGS_UPDATE2_FLAG_TO_DISK);
    ac = other_client_brings_up("eth1", "192.0.2.60/24");
    g_thread_join(opener);
    for (guint i = 0; i < G_N_ELEMENTS(slow); i++)
        mt_set_delay(slow[i], 0);

    check_listed(conn, "eth9", FALSE);
    check_unknown(conn, "eth2");
    g_assert_true(td_becomes_active(conn, "eth1", TRUE, SETTLE_MS));
    g_assert_true(xml_has(conn, "eth1", VIR_INTERFACE_XML_INACTIVE, "192.0.2.60"));
    g_assert_true(xml_has(conn, "eth0", VIR_INTERFACE_XML_INACTIVE, "192.0.2.71"));
    td_driver()->close(conn);
}

typedef struct {
    NmifaceDriverConn *conn;
    char *xml;
    GError *error;
} XmlCall;

static gpointer xml_in_thread(gpointer data)
{
    XmlCall *call = data;

    call->xml =
        td_driver()->get_xml_desc(call->conn, "eth0", VIR_INTERFACE_XML_INACTIVE, &call->error);
    return NULL;
}

/* A profile's MAC (listings keep it until the profile's settings change): another client
 * changes it, and lookups follow. eth7 has no device, so the MAC comes from the profile. */
static NMConnection *with_mac(NMConnection *profile, const char *mac)
{
    NMConnection *copy = nm_simple_connection_new_clone(profile);
    NMSettingWired *wired = nm_connection_get_setting_wired(copy);

    if (wired == NULL) {
        wired = NM_SETTING_WIRED(nm_setting_wired_new());
        nm_connection_add_setting(copy, NM_SETTING(wired));
    }
    g_object_set(wired, NM_SETTING_WIRED_MAC_ADDRESS, mac, NULL);
    return copy;
}

static void check_mac_lookup(NmifaceDriverConn *conn, const char *mac, const char *want)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmifaceIfaceInfo) info = td_driver()->lookup_by_mac(conn, mac, &error);

    if (want == NULL) {
        g_assert_error(error, NMIFACE_ERROR, VIR_ERR_NO_INTERFACE);
        return;
    }
    td_assert_no_error(error);
    g_assert_cmpstr(info->name, ==, want);
}

static void test_profile_mac_changes(void)
{
    NmifaceDriverConn *conn = td_open();
    g_autoptr(NMConnection) base = mt_ethernet_profile("mac7", "eth7", "192.0.2.77/24");
    g_autoptr(NMConnection) v1 = with_mac(base, "52:54:00:AB:CD:01");
    g_autoptr(NMConnection) v2 = with_mac(base, "52:54:00:AB:CD:02");
    g_autofree char *path = mt_add_profile(v1, add_to_disk);

    check_mac_lookup(conn, "52:54:00:ab:cd:01", "eth7");
    mt_update_profile(path, v2, NM_SETTINGS_UPDATE2_FLAG_TO_DISK);
    check_mac_lookup(conn, "52:54:00:AB:CD:02", "eth7");
    check_mac_lookup(conn, "52:54:00:ab:cd:01", NULL);
    mt_delete_profile(path);
    check_mac_lookup(conn, "52:54:00:ab:cd:02", NULL);
    td_driver()->close(conn);
}

/* Profile @path (eth0, 192.0.2.1) becomes @next, NM's answers to GetSettings are slowed, and
 * an inactive-XML call starts in a thread; returns once NM has the call's GetSettings. */
static GThread *xml_call_during_fetch(XmlCall *call, const char *path, NMConnection *next)
{
    GThread *thread;
    guint fetches;

    g_assert_true(xml_has(call->conn, "eth0", VIR_INTERFACE_XML_INACTIVE, "192.0.2.1"));
    mt_set_delay("GetSettings", 300);
    mt_update_profile(path, next, NM_SETTINGS_UPDATE2_FLAG_TO_DISK);
    fetches = mt_call_count("GetSettings");
    thread = g_thread_new("xml", xml_in_thread, call);
    g_assert_true(mt_wait_call_count("GetSettings", fetches + 1, SETTLE_MS));
    return thread;
}

/* Updated arrives while the GetSettings the previous Updated asked for is on its way. */
static void test_updated_during_getsettings(void)
{
    NmifaceDriverConn *conn = td_open();
    g_autoptr(NMConnection) v1 = mt_ethernet_profile("mine", "eth0", "192.0.2.1/24");
    g_autoptr(NMConnection) v2 = mt_with_address(v1, "192.0.2.2");
    g_autoptr(NMConnection) v3 = mt_with_address(v1, "192.0.2.3");
    g_autofree char *path = mt_add_profile(v1, add_to_disk);
    XmlCall call = {conn, NULL, NULL};
    g_autofree char *last = NULL;
    GThread *thread;

    thread = xml_call_during_fetch(&call, path, v2);
    mt_update_profile(path, v3, NM_SETTINGS_UPDATE2_FLAG_TO_DISK);
    g_thread_join(thread);
    td_assert_no_error(call.error);
    g_test_message("during the fetch: %s", call.xml);
    /* As of the call's start: v2 at least (v3 came during the call). */
    g_assert_null(strstr(call.xml, "192.0.2.1'"));
    g_assert_true(strstr(call.xml, "192.0.2.2'") != NULL || strstr(call.xml, "192.0.2.3'"));
    g_free(call.xml);

    mt_set_delay("GetSettings", 0);
    last = xml_desc(conn, "eth0", VIR_INTERFACE_XML_INACTIVE);
    g_assert_nonnull(strstr(last, "192.0.2.3'"));
    td_driver()->close(conn);
}

/* The profile whose settings are being fetched is deleted before NM answers. */
static void test_removed_during_getsettings(void)
{
    NmifaceDriverConn *conn = td_open();
    g_autoptr(NMConnection) v1 = mt_ethernet_profile("mine", "eth0", "192.0.2.1/24");
    g_autoptr(NMConnection) v2 = mt_with_address(v1, "192.0.2.2");
    g_autofree char *path = mt_add_profile(v1, add_to_disk);
    XmlCall call = {conn, NULL, NULL};
    g_autofree char *last = NULL;
    GThread *thread;

    thread = xml_call_during_fetch(&call, path, v2);
    mt_delete_profile(path);
    g_thread_join(thread);
    /* Either answer is right for a call during which the profile went, but no error. */
    td_assert_no_error(call.error);
    g_test_message("during the fetch: %s", call.xml);
    g_assert_null(strstr(call.xml, "192.0.2.1'"));
    g_free(call.xml);

    mt_set_delay("GetSettings", 0);
    last = xml_desc(conn, "eth0", VIR_INTERFACE_XML_INACTIVE);
    g_assert_null(strstr(last, "192.0.2."));
    check_listed(conn, "eth0", FALSE);
    td_driver()->close(conn);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!mt_in_mock())
        return td_skip("not inside tests/dbus-mock/run-with-mock");
    g_test_add_func("/mock-signals/props-before-added", test_props_before_added);
    g_test_add_func("/mock-signals/props-without-added", test_props_without_added);
    g_test_add_func("/mock-signals/props-after-removed", test_props_after_removed);
    g_test_add_func("/mock-signals/lists-before-objects", test_lists_before_objects);
    g_test_add_func("/mock-signals/objects-never-announced", test_objects_never_announced);
    g_test_add_func("/mock-signals/lists-shrink-before-removed", test_lists_shrink_before_removed);
    g_test_add_func("/mock-signals/changes-during-load", test_changes_during_load);
    g_test_add_func("/mock-signals/profile-mac-changes", test_profile_mac_changes);
    g_test_add_func("/mock-signals/updated-during-getsettings", test_updated_during_getsettings);
    g_test_add_func("/mock-signals/removed-during-getsettings", test_removed_during_getsettings);
    return g_test_run();
}
