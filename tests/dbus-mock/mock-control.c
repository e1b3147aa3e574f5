#include "mock-control.h"

#define MOCK_NAME       "org.nmiface.Mock"
#define MOCK_PATH       "/org/nmiface/Mock"
#define MOCK_IFACE      "org.nmiface.Mock"
#define MOCK_TIMEOUT_MS 10000

static GVariant *mock_call(const char *method, GVariant *args, const char *reply_type,
                           GError **error)
{
    g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, error);
    if (bus == NULL) {
        if (args != NULL)
            g_variant_unref(g_variant_ref_sink(args));
        return NULL;
    }
    GVariant *reply =
        g_dbus_connection_call_sync(bus, MOCK_NAME, MOCK_PATH, MOCK_IFACE, method, args,
                                    reply_type ? G_VARIANT_TYPE(reply_type) : NULL,
                                    G_DBUS_CALL_FLAGS_NO_AUTO_START, MOCK_TIMEOUT_MS, NULL, error);
    if (reply == NULL)
        g_prefix_error(error, "mock control %s: ", method);
    return reply;
}

static gboolean mock_call_void(const char *method, GVariant *args, GError **error)
{
    g_autoptr(GVariant) reply = mock_call(method, args, "()", error);
    return reply != NULL;
}

gboolean mock_control_available(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &error);
    if (bus == NULL)
        return FALSE;
    g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
        bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "NameHasOwner", g_variant_new("(s)", MOCK_NAME), G_VARIANT_TYPE("(b)"),
        G_DBUS_CALL_FLAGS_NONE, MOCK_TIMEOUT_MS, NULL, &error);
    gboolean owned = FALSE;
    if (reply != NULL)
        g_variant_get(reply, "(b)", &owned);
    return owned;
}

gboolean mock_control_fail_next(const char *method, const char *error_name, const char *message,
                                GError **error)
{
    return mock_call_void(
        "FailNext", g_variant_new("(sss)", method, error_name, message ? message : ""), error);
}

gboolean mock_control_fail_nth(const char *method, guint n, const char *error_name,
                               const char *message, GError **error)
{
    return mock_call_void(
        "FailNth", g_variant_new("(suss)", method, n, error_name, message ? message : ""), error);
}

gboolean mock_control_get_call_count(const char *method, guint *count, GError **error)
{
    g_autoptr(GVariant) reply =
        mock_call("GetCallCount", g_variant_new("(s)", method), "(u)", error);
    if (reply == NULL)
        return FALSE;
    g_variant_get(reply, "(u)", count);
    return TRUE;
}

gboolean mock_control_set_delay(const char *method, guint ms, GError **error)
{
    return mock_call_void("SetDelay", g_variant_new("(su)", method, ms), error);
}

gboolean mock_control_drop_off_bus(GError **error)
{
    return mock_call_void("DropOffBus", NULL, error);
}

gboolean mock_control_come_back(GError **error)
{
    return mock_call_void("ComeBack", NULL, error);
}

gboolean mock_control_restart(GError **error)
{
    return mock_call_void("Restart", NULL, error);
}

gboolean mock_control_reboot(GError **error)
{
    return mock_call_void("Reboot", NULL, error);
}

char *mock_control_add_device(const char *name, const char *type, const char *mac, GError **error)
{
    g_autoptr(GVariant) reply =
        mock_call("AddDevice", g_variant_new("(sss)", name, type, mac ? mac : ""), "(o)", error);
    if (reply == NULL)
        return NULL;
    char *path = NULL;
    g_variant_get(reply, "(o)", &path);
    return path;
}

gboolean mock_control_remove_device(const char *name, GError **error)
{
    return mock_call_void("RemoveDevice", g_variant_new("(s)", name), error);
}

gboolean mock_control_set_carrier(const char *name, gboolean carrier, GError **error)
{
    return mock_call_void("SetCarrier", g_variant_new("(sb)", name, carrier), error);
}

gboolean mock_control_set_activation_outcome(const char *iface, const char *outcome, GError **error)
{
    return mock_call_void("SetActivationOutcome", g_variant_new("(ss)", iface, outcome), error);
}

gboolean mock_control_set_authorization_delay(guint ms, GError **error)
{
    return mock_call_void("SetAuthorizationDelay", g_variant_new("(u)", ms), error);
}

gboolean mock_control_set_activation_time(guint ms, GError **error)
{
    return mock_call_void("SetActivationTime", g_variant_new("(u)", ms), error);
}

gboolean mock_control_emit_properties_changed(const char *path, const char *interface,
                                              GVariant *props, GError **error)
{
    return mock_call_void("EmitPropertiesChanged",
                          g_variant_new("(os@a{sv})", path, interface, props), error);
}

gboolean mock_control_get_storage(const char *uuid, char **etc_file, char **run_file,
                                  gboolean *tombstone, GError **error)
{
    g_autoptr(GVariant) reply = mock_call("GetStorage", g_variant_new("(s)", uuid), "(ssb)", error);
    if (reply == NULL)
        return FALSE;
    g_autofree char *etc = NULL;
    g_autofree char *run = NULL;
    gboolean tomb = FALSE;
    g_variant_get(reply, "(ssb)", &etc, &run, &tomb);
    if (etc_file != NULL)
        *etc_file = g_steal_pointer(&etc);
    if (run_file != NULL)
        *run_file = g_steal_pointer(&run);
    if (tombstone != NULL)
        *tombstone = tomb;
    return TRUE;
}

GVariant *mock_control_get_etc_settings(const char *uuid, GError **error)
{
    g_autoptr(GVariant) reply =
        mock_call("GetEtcSettings", g_variant_new("(s)", uuid), "(a{sa{sv}})", error);
    if (reply == NULL)
        return NULL;
    return g_variant_get_child_value(reply, 0);
}

gboolean mock_control_hold_signals(const char *const *members, GError **error)
{
    return mock_call_void("HoldSignals", g_variant_new("(^as)", members), error);
}

gboolean mock_control_release_signals(gboolean deliver, GError **error)
{
    return mock_call_void("ReleaseSignals", g_variant_new("(b)", deliver), error);
}

char *mock_control_dump_profiles(GError **error)
{
    g_autoptr(GVariant) reply = mock_call("DumpProfiles", NULL, "(s)", error);
    if (reply == NULL)
        return NULL;
    char *text = NULL;
    g_variant_get(reply, "(s)", &text);
    return text;
}
