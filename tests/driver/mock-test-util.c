/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mock-test-util.h"

#define MT_CALL_TIMEOUT_MS 10000

#define mt_check(ok, error)                                                                        \
    G_STMT_START                                                                                   \
    {                                                                                              \
        if (!(ok))                                                                                 \
            g_error("%s: %s", G_STRFUNC, (error) != NULL ? (error)->message : "failed");           \
    }                                                                                              \
    G_STMT_END

const char mt_bridge_eth0_xml[] = "<interface type='bridge' name='br0'>\n"
                                  "  <start mode='none'/>\n"
                                  "  <protocol family='ipv4'>\n"
                                  "    <ip address='192.0.2.1' prefix='24'/>\n"
                                  "  </protocol>\n"
                                  "  <bridge stp='off'>\n"
                                  "    <interface type='ethernet' name='eth0'>\n"
                                  "    </interface>\n"
                                  "  </bridge>\n"
                                  "</interface>\n";

gboolean mt_in_mock(void)
{
    return g_strcmp0(g_getenv("NMIFACE_MOCK"), "1") == 0;
}

char *mt_dump_profiles(void)
{
    g_autoptr(GError) error = NULL;
    char *dump = mock_control_dump_profiles(&error);

    mt_check(dump != NULL, error);
    return dump;
}

void mt_fail_next(const char *method, const char *dbus_error, const char *message)
{
    g_autoptr(GError) error = NULL;

    mt_check(mock_control_fail_next(method, dbus_error, message, &error), error);
}

void mt_fail_nth(const char *method, guint n, const char *dbus_error, const char *message)
{
    g_autoptr(GError) error = NULL;

    mt_check(mock_control_fail_nth(method, n, dbus_error, message, &error), error);
}

void mt_set_delay(const char *method, guint ms)
{
    g_autoptr(GError) error = NULL;

    mt_check(mock_control_set_delay(method, ms, &error), error);
}

guint mt_call_count(const char *method)
{
    g_autoptr(GError) error = NULL;
    guint count = 0;

    mt_check(mock_control_get_call_count(method, &count, &error), error);
    return count;
}

gboolean mt_wait_call_count(const char *method, guint count, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;

    while (mt_call_count(method) < count) {
        if (g_get_monotonic_time() >= deadline)
            return FALSE;
        g_usleep(10 * G_TIME_SPAN_MILLISECOND);
    }
    return TRUE;
}

void mt_hold_announcements(gboolean added, gboolean removed)
{
    g_autoptr(GError) error = NULL;
    const char *members[3] = {NULL};
    guint n = 0;

    if (added)
        members[n++] = "InterfacesAdded";
    if (removed)
        members[n++] = "InterfacesRemoved";
    mt_check(mock_control_hold_signals(members, &error), error);
}

void mt_release_announcements(gboolean deliver)
{
    g_autoptr(GError) error = NULL;

    mt_check(mock_control_release_signals(deliver, &error), error);
}

char *mt_add_device(const char *name, const char *type)
{
    g_autoptr(GError) error = NULL;
    char *path = mock_control_add_device(name, type, NULL, &error);

    mt_check(path != NULL, error);
    return path;
}

void mt_remove_device(const char *name)
{
    g_autoptr(GError) error = NULL;

    mt_check(mock_control_remove_device(name, &error), error);
}

void mt_set_carrier(const char *name, gboolean carrier)
{
    g_autoptr(GError) error = NULL;

    mt_check(mock_control_set_carrier(name, carrier, &error), error);
}

void mt_emit_properties_changed(const char *path, const char *iface, GVariant *props)
{
    g_autoptr(GError) error = NULL;

    mt_check(mock_control_emit_properties_changed(path, iface, props, &error), error);
}

/* ---- another client ---------------------------------------------------------------------- */

static GVariant *nm_call(const char *path, const char *iface, const char *method, GVariant *args,
                         const char *reply_type)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &error);
    GVariant *reply = NULL;

    mt_check(bus != NULL, error);
    reply = g_dbus_connection_call_sync(bus, NM_DBUS_SERVICE, path, iface, method, args,
                                        reply_type != NULL ? G_VARIANT_TYPE(reply_type) : NULL,
                                        G_DBUS_CALL_FLAGS_NONE, MT_CALL_TIMEOUT_MS, NULL, &error);
    if (reply == NULL)
        g_error("%s.%s on %s: %s", iface, method, path, error->message);
    return reply;
}

static void set_ip4(NMConnection *profile, const char *address, guint prefix)
{
    NMSettingIPConfig *s_ip4 = NM_SETTING_IP_CONFIG(nm_setting_ip4_config_new());
    g_autoptr(GError) error = NULL;

    if (address == NULL) {
        g_object_set(s_ip4, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_DISABLED,
                     NULL);
    } else {
        NMIPAddress *addr = nm_ip_address_new(AF_INET, address, prefix, &error);

        mt_check(addr != NULL, error);
        g_object_set(s_ip4, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_MANUAL, NULL);
        nm_setting_ip_config_add_address(s_ip4, addr);
        nm_ip_address_unref(addr);
    }
    nm_connection_add_setting(profile, NM_SETTING(s_ip4));
}

NMConnection *mt_ethernet_profile(const char *id, const char *ifname, const char *ip4_cidr)
{
    NMConnection *profile = nm_simple_connection_new();
    NMSetting *s_con = nm_setting_connection_new();
    NMSetting *s_ip6 = nm_setting_ip6_config_new();
    g_autofree char *uuid = nm_utils_uuid_generate();
    g_auto(GStrv) cidr = ip4_cidr != NULL ? g_strsplit(ip4_cidr, "/", 2) : NULL;
    g_autoptr(GError) error = NULL;

    g_object_set(s_con, NM_SETTING_CONNECTION_ID, id, NM_SETTING_CONNECTION_UUID, uuid,
                 NM_SETTING_CONNECTION_TYPE, NM_SETTING_WIRED_SETTING_NAME,
                 NM_SETTING_CONNECTION_INTERFACE_NAME, ifname, NM_SETTING_CONNECTION_AUTOCONNECT,
                 FALSE, NULL);
    nm_connection_add_setting(profile, s_con);
    nm_connection_add_setting(profile, nm_setting_wired_new());
    set_ip4(profile, cidr != NULL ? cidr[0] : NULL,
            cidr != NULL && cidr[1] != NULL ? (guint)g_ascii_strtoull(cidr[1], NULL, 10) : 24);
    g_object_set(s_ip6, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP6_CONFIG_METHOD_DISABLED, NULL);
    nm_connection_add_setting(profile, s_ip6);
    mt_check(nm_connection_normalize(profile, NULL, NULL, &error), error);
    return profile;
}

NMConnection *mt_with_address(NMConnection *profile, const char *address)
{
    NMConnection *copy = nm_simple_connection_new_clone(profile);

    nm_connection_remove_setting(copy, NM_TYPE_SETTING_IP4_CONFIG);
    set_ip4(copy, address, 24);
    return copy;
}

char *mt_add_profile(NMConnection *profile, guint32 add2_flags)
{
    g_autoptr(GVariant) reply =
        nm_call(NM_DBUS_PATH_SETTINGS, NM_DBUS_INTERFACE_SETTINGS, "AddConnection2",
                g_variant_new("(@a{sa{sv}}u@a{sv})",
                              nm_connection_to_dbus(profile, NM_CONNECTION_SERIALIZE_ALL),
                              add2_flags, g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0)),
                "(oa{sv})");
    char *path = NULL;

    g_variant_get(reply, "(o@a{sv})", &path, NULL);
    return path;
}

void mt_update_profile(const char *path, NMConnection *profile, guint32 update2_flags)
{
    GVariant *settings = profile != NULL
                             ? nm_connection_to_dbus(profile, NM_CONNECTION_SERIALIZE_ALL)
                             : g_variant_new_array(G_VARIANT_TYPE("{sa{sv}}"), NULL, 0);
    g_variant_unref(nm_call(path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "Update2",
                            g_variant_new("(@a{sa{sv}}u@a{sv})", settings, update2_flags,
                                          g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0)),
                            "(a{sv})"));
}

void mt_delete_profile(const char *path)
{
    g_variant_unref(nm_call(path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "Delete", NULL, NULL));
}

NMConnection *mt_profile_settings(const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply =
        nm_call(path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "GetSettings", NULL, "(a{sa{sv}})");
    g_autoptr(GVariant) settings = g_variant_get_child_value(reply, 0);
    NMConnection *profile = nm_simple_connection_new_from_dbus(settings, &error);

    mt_check(profile != NULL, error);
    return profile;
}

char *mt_profile_path(const char *uuid)
{
    g_autoptr(GVariant) reply = nm_call(NM_DBUS_PATH_SETTINGS, NM_DBUS_INTERFACE_SETTINGS,
                                        "GetConnectionByUuid", g_variant_new("(s)", uuid), "(o)");
    char *path = NULL;

    g_variant_get(reply, "(o)", &path);
    return path;
}

char *mt_activate(const char *profile_path)
{
    g_autoptr(GVariant) reply = nm_call(NM_DBUS_PATH, NM_DBUS_INTERFACE, "ActivateConnection",
                                        g_variant_new("(ooo)", profile_path, "/", "/"), "(o)");
    char *path = NULL;

    g_variant_get(reply, "(o)", &path);
    return path;
}

char *mt_device_path(const char *ifname)
{
    g_autoptr(GVariant) reply = nm_call(NM_DBUS_PATH, NM_DBUS_INTERFACE, "GetDeviceByIpIface",
                                        g_variant_new("(s)", ifname), "(o)");
    char *path = NULL;

    g_variant_get(reply, "(o)", &path);
    return path;
}

char *mt_get_path_property(const char *path, const char *iface, const char *prop)
{
    g_autoptr(GVariant) reply = nm_call(path, "org.freedesktop.DBus.Properties", "Get",
                                        g_variant_new("(ss)", iface, prop), "(v)");
    g_autoptr(GVariant) value = NULL;

    g_variant_get(reply, "(v)", &value);
    g_assert_true(g_variant_is_of_type(value, G_VARIANT_TYPE_OBJECT_PATH));
    return g_variant_dup_string(value, NULL);
}

void mt_deactivate(const char *active_path)
{
    g_variant_unref(nm_call(NM_DBUS_PATH, NM_DBUS_INTERFACE, "DeactivateConnection",
                            g_variant_new("(o)", active_path), NULL));
}
