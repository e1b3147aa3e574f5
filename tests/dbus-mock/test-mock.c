/* Self-tests of the NetworkManager mock: libnm's NMClient against nm_template.py.
 * Each test case runs in a fresh mock: meson runs `run-with-mock test-mock -p /mock/CASE`. */
#include <NetworkManager.h>
#include <stdlib.h>

#include "mock-control.h"

#define WAIT_MS 5000

/* ---- waiting on the main context ---- */

typedef gboolean (*Condition)(gpointer data);

static gboolean timed_out_cb(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Iterates the default main context until COND holds; FALSE on timeout. */
static gboolean wait_until(Condition cond, gpointer data, guint timeout_ms)
{
    gboolean timed_out = FALSE;
    guint id = g_timeout_add(timeout_ms, timed_out_cb, &timed_out);
    while (!cond(data) && !timed_out)
        g_main_context_iteration(NULL, TRUE);
    if (!timed_out)
        g_source_remove(id);
    return cond(data);
}

static gboolean result_ready(gpointer data)
{
    return *(GAsyncResult **)data != NULL;
}

static void async_done(GObject *source, GAsyncResult *res, gpointer data)
{
    *(GAsyncResult **)data = g_object_ref(res);
}

static GAsyncResult *wait_result(GAsyncResult **slot)
{
    g_assert_true(wait_until(result_ready, slot, WAIT_MS));
    return *slot;
}

/* Negative check: COND holds all along for MS (iterating the main context); FALSE as soon as it
 * does not. Keep MS short. */
static gboolean holds_for(Condition cond, gpointer data, guint ms)
{
    gboolean over = FALSE;
    guint id = g_timeout_add(ms, timed_out_cb, &over);
    while (!over) {
        if (!cond(data)) {
            g_source_remove(id);
            return FALSE;
        }
        g_main_context_iteration(NULL, TRUE);
    }
    return cond(data);
}

/* ---- profiles ---- */

static NMConnection *make_profile(const char *type, const char *id, const char *ifname,
                                  const char *controller, const char *ip4_cidr)
{
    NMConnection *conn = nm_simple_connection_new();
    g_autofree char *uuid = nm_utils_uuid_generate();
    NMSetting *s_con = nm_setting_connection_new();
    g_object_set(s_con, NM_SETTING_CONNECTION_ID, id, NM_SETTING_CONNECTION_UUID, uuid,
                 NM_SETTING_CONNECTION_TYPE, type, NM_SETTING_CONNECTION_INTERFACE_NAME, ifname,
                 NM_SETTING_CONNECTION_AUTOCONNECT, FALSE, NULL);
    if (controller != NULL)
        g_object_set(s_con, NM_SETTING_CONNECTION_MASTER, controller,
                     NM_SETTING_CONNECTION_SLAVE_TYPE, NM_SETTING_BRIDGE_SETTING_NAME, NULL);
    nm_connection_add_setting(conn, s_con);
    if (g_str_equal(type, NM_SETTING_BRIDGE_SETTING_NAME)) {
        NMSetting *s_bridge = nm_setting_bridge_new();
        g_object_set(s_bridge, NM_SETTING_BRIDGE_STP, FALSE, NULL);
        nm_connection_add_setting(conn, s_bridge);
    } else {
        nm_connection_add_setting(conn, nm_setting_wired_new());
    }
    if (controller == NULL) {
        NMSetting *s_ip4 = nm_setting_ip4_config_new();
        if (ip4_cidr != NULL) {
            g_auto(GStrv) parts = g_strsplit(ip4_cidr, "/", 2);
            g_autoptr(GError) error = NULL;
            NMIPAddress *addr = nm_ip_address_new(AF_INET, parts[0], atoi(parts[1]), &error);
            g_assert_no_error(error);
            g_object_set(s_ip4, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_MANUAL,
                         NULL);
            nm_setting_ip_config_add_address(NM_SETTING_IP_CONFIG(s_ip4), addr);
            nm_ip_address_unref(addr);
        } else {
            g_object_set(s_ip4, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_DISABLED,
                         NULL);
        }
        nm_connection_add_setting(conn, s_ip4);
        NMSetting *s_ip6 = nm_setting_ip6_config_new();
        g_object_set(s_ip6, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP6_CONFIG_METHOD_DISABLED,
                     NULL);
        nm_connection_add_setting(conn, s_ip6);
    }
    g_autoptr(GError) error = NULL;
    g_assert_true(nm_connection_normalize(conn, NULL, NULL, &error));
    g_assert_no_error(error);
    return conn;
}

static NMRemoteConnection *add_profile(NMClient *client, NMConnection *conn,
                                       NMSettingsAddConnection2Flags flags, GError **error)
{
    g_autoptr(GAsyncResult) res = NULL;
    nm_client_add_connection2(client, nm_connection_to_dbus(conn, NM_CONNECTION_SERIALIZE_ALL),
                              flags, NULL, TRUE, NULL, async_done, &res);
    return nm_client_add_connection2_finish(client, wait_result(&res), NULL, error);
}

static gboolean update_profile(NMRemoteConnection *remote, NMConnection *conn,
                               NMSettingsUpdate2Flags flags, GError **error)
{
    g_autoptr(GAsyncResult) res = NULL;
    GVariant *settings = conn ? nm_connection_to_dbus(conn, NM_CONNECTION_SERIALIZE_ALL)
                              : g_variant_new_array(G_VARIANT_TYPE("{sa{sv}}"), NULL, 0);
    nm_remote_connection_update2(remote, settings, flags, NULL, NULL, async_done, &res);
    g_autoptr(GVariant) out = nm_remote_connection_update2_finish(remote, wait_result(&res), error);
    return out != NULL;
}

static gboolean delete_profile(NMRemoteConnection *remote, GError **error)
{
    g_autoptr(GAsyncResult) res = NULL;
    nm_remote_connection_delete_async(remote, NULL, async_done, &res);
    return nm_remote_connection_delete_finish(remote, wait_result(&res), error);
}

static NMActiveConnection *activate(NMClient *client, NMRemoteConnection *remote, NMDevice *device,
                                    GError **error)
{
    g_autoptr(GAsyncResult) res = NULL;
    nm_client_activate_connection_async(client, NM_CONNECTION(remote), device, NULL, NULL,
                                        async_done, &res);
    return nm_client_activate_connection_finish(client, wait_result(&res), error);
}

static gboolean deactivate(NMClient *client, NMActiveConnection *ac, GError **error)
{
    g_autoptr(GAsyncResult) res = NULL;
    nm_client_deactivate_connection_async(client, ac, NULL, async_done, &res);
    return nm_client_deactivate_connection_finish(client, wait_result(&res), error);
}

static gboolean ac_activated(gpointer data)
{
    return nm_active_connection_get_state(data) == NM_ACTIVE_CONNECTION_STATE_ACTIVATED;
}

static gboolean ac_finished(gpointer data)
{
    NMActiveConnectionState s = nm_active_connection_get_state(data);
    return s == NM_ACTIVE_CONNECTION_STATE_ACTIVATED || s == NM_ACTIVE_CONNECTION_STATE_DEACTIVATED;
}

typedef struct {
    NMClient *client;
    const char *iface;
} DeviceWait;

static gboolean device_gone(gpointer data)
{
    DeviceWait *w = data;
    return nm_client_get_device_by_iface(w->client, w->iface) == NULL;
}

static gboolean device_disconnected(gpointer data)
{
    DeviceWait *w = data;
    NMDevice *d = nm_client_get_device_by_iface(w->client, w->iface);
    return d != NULL && nm_device_get_state(d) == NM_DEVICE_STATE_DISCONNECTED;
}

static NMClient *new_client(void)
{
    g_autoptr(GError) error = NULL;
    NMClient *client = nm_client_new(NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(client);
    return client;
}

/* ---- tests ---- */

static void test_client_init(void)
{
    g_autoptr(NMClient) client = new_client();
    g_assert_true(nm_client_get_nm_running(client));
    g_assert_cmpstr(nm_client_get_version(client), ==, "1.42.4");
    const GPtrArray *devices = nm_client_get_devices(client);
    g_assert_cmpuint(devices->len, ==, 4);
    NMDevice *eth0 = nm_client_get_device_by_iface(client, "eth0");
    g_assert_true(NM_IS_DEVICE_ETHERNET(eth0));
    g_assert_cmpstr(nm_device_get_hw_address(eth0), ==, "52:54:00:00:00:01");
    g_assert_cmpint(nm_device_get_state(eth0), ==, NM_DEVICE_STATE_DISCONNECTED);
    g_assert_true(nm_device_get_managed(eth0));
    g_assert_cmpuint(nm_device_get_mtu(eth0), ==, 1500);
    g_assert_cmpuint(nm_device_ethernet_get_speed(NM_DEVICE_ETHERNET(eth0)), ==, 10000);
    g_assert_true(nm_device_get_interface_flags(eth0) & NM_DEVICE_INTERFACE_FLAG_UP);
    /* NM 1.42: lo is "connected (externally)" with a generated in-memory profile */
    NMDevice *lo = nm_client_get_device_by_iface(client, "lo");
    g_assert_cmpint(nm_device_get_state(lo), ==, NM_DEVICE_STATE_ACTIVATED);
    g_assert_cmpuint(nm_client_get_connections(client)->len, ==, 1);
    NMRemoteConnection *lo_profile = g_ptr_array_index(nm_client_get_connections(client), 0);
    g_assert_cmpstr(nm_connection_get_id(NM_CONNECTION(lo_profile)), ==, "lo");
    g_assert_cmpuint(
        nm_remote_connection_get_flags(lo_profile), ==,
        NM_SETTINGS_CONNECTION_FLAG_UNSAVED | NM_SETTINGS_CONNECTION_FLAG_NM_GENERATED |
            NM_SETTINGS_CONNECTION_FLAG_VOLATILE | NM_SETTINGS_CONNECTION_FLAG_EXTERNAL);
    g_assert_cmpuint(nm_client_get_active_connections(client)->len, ==, 1);
    g_assert_nonnull(nm_device_get_ip4_config(eth0));
    g_assert_cmpuint(nm_client_get_checkpoints(client)->len, ==, 0);
}

static void test_profile_storage(void)
{
    g_autoptr(NMClient) client = new_client();
    g_autoptr(GError) error = NULL;

    g_autoptr(NMConnection) mem = make_profile("802-3-ethernet", "mem", "eth0", NULL, NULL);
    g_autoptr(NMRemoteConnection) rmem =
        add_profile(client, mem,
                    NM_SETTINGS_ADD_CONNECTION2_FLAG_IN_MEMORY |
                        NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT,
                    &error);
    g_assert_no_error(error);
    g_assert_true(nm_remote_connection_get_unsaved(rmem));
    g_assert_cmpuint(nm_remote_connection_get_flags(rmem), ==, NM_SETTINGS_CONNECTION_FLAG_UNSAVED);
    g_assert_cmpstr(nm_remote_connection_get_filename(rmem), ==,
                    "/run/NetworkManager/system-connections/mem.nmconnection");

    g_autoptr(NMConnection) disk =
        make_profile("802-3-ethernet", "disk", "eth1", NULL, "192.0.2.10/24");
    g_autoptr(NMRemoteConnection) rdisk =
        add_profile(client, disk,
                    NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK |
                        NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT,
                    &error);
    g_assert_no_error(error);
    g_assert_false(nm_remote_connection_get_unsaved(rdisk));
    g_assert_cmpuint(nm_remote_connection_get_flags(rdisk), ==, 0);
    g_assert_cmpstr(nm_remote_connection_get_filename(rdisk), ==,
                    "/etc/NetworkManager/system-connections/disk.nmconnection");
    NMSettingIPConfig *ip4 = nm_connection_get_setting_ip4_config(NM_CONNECTION(rdisk));
    g_assert_cmpuint(nm_setting_ip_config_get_num_addresses(ip4), ==, 1);

    /* an invalid profile is refused as NM refuses it */
    g_autoptr(NMConnection) bad = nm_simple_connection_new();
    nm_connection_add_setting(bad, nm_setting_connection_new());
    g_autoptr(NMRemoteConnection) rbad =
        add_profile(client, bad, NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK, &error);
    g_assert_null(rbad);
    g_assert_true(error->domain == NM_CONNECTION_ERROR);
    g_clear_error(&error);

    /* detached in-memory edit: /run shadows /etc, which keeps the old settings */
    g_autoptr(NMConnection) edited = nm_simple_connection_new_clone(NM_CONNECTION(rdisk));
    g_object_set(nm_connection_get_setting_connection(edited), NM_SETTING_CONNECTION_AUTOCONNECT,
                 TRUE, NULL);
    g_assert_true(update_profile(rdisk, edited,
                                 NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY_DETACHED |
                                     NM_SETTINGS_UPDATE2_FLAG_BLOCK_AUTOCONNECT,
                                 &error));
    g_assert_no_error(error);
    g_assert_true(nm_remote_connection_get_unsaved(rdisk));
    g_assert_cmpstr(nm_remote_connection_get_filename(rdisk), ==,
                    "/run/NetworkManager/system-connections/disk.nmconnection");
    g_autofree char *etc = NULL;
    g_autofree char *run = NULL;
    gboolean tombstone = TRUE;
    g_assert_true(
        mock_control_get_storage(nm_connection_get_uuid(edited), &etc, &run, &tombstone, &error));
    g_assert_cmpstr(etc, ==, "/etc/NetworkManager/system-connections/disk.nmconnection");
    g_assert_false(tombstone);
    g_autoptr(GVariant) etc_settings =
        mock_control_get_etc_settings(nm_connection_get_uuid(edited), &error);
    g_assert_no_error(error);
    g_autoptr(NMConnection) on_disk = nm_simple_connection_new_from_dbus(etc_settings, &error);
    g_assert_no_error(error);
    g_assert_false(
        nm_setting_connection_get_autoconnect(nm_connection_get_setting_connection(on_disk)));
    /* no storage flag and empty settings: Save-like no-op keeps it in memory */
    g_assert_true(update_profile(rdisk, NULL, NM_SETTINGS_UPDATE2_FLAG_NONE, &error));
    g_assert_true(nm_remote_connection_get_unsaved(rdisk));
    /* commit */
    g_assert_true(update_profile(rdisk, NULL, NM_SETTINGS_UPDATE2_FLAG_TO_DISK, &error));
    g_assert_no_error(error);
    g_assert_false(nm_remote_connection_get_unsaved(rdisk));
    g_assert_cmpstr(nm_remote_connection_get_filename(rdisk), ==,
                    "/etc/NetworkManager/system-connections/disk.nmconnection");
    g_assert_true(nm_setting_connection_get_autoconnect(
        nm_connection_get_setting_connection(NM_CONNECTION(rdisk))));

    /* detached edit then delete: the /etc file stays behind a tombstone */
    g_assert_true(update_profile(rdisk, NULL, NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY_DETACHED, &error));
    g_autofree char *uuid = g_strdup(nm_connection_get_uuid(NM_CONNECTION(rdisk)));
    g_assert_true(delete_profile(rdisk, &error));
    g_assert_no_error(error);
    g_assert_null(nm_client_get_connection_by_uuid(client, uuid));
    g_clear_pointer(&etc, g_free);
    g_clear_pointer(&run, g_free);
    g_assert_true(mock_control_get_storage(uuid, &etc, &run, &tombstone, &error));
    g_assert_true(tombstone);
    g_assert_true(g_str_has_suffix(run, ".nmmeta"));

    /* volatile: an inactive profile goes at once */
    g_assert_true(update_profile(
        rmem, NULL, NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY | NM_SETTINGS_UPDATE2_FLAG_VOLATILE,
        &error));
    g_assert_no_error(error);
    g_assert_null(nm_client_get_connection_by_uuid(client, nm_connection_get_uuid(mem)));
}

static void test_activate_bridge(void)
{
    g_autoptr(NMClient) client = new_client();
    g_autoptr(GError) error = NULL;
    g_autoptr(NMConnection) br = make_profile("bridge", "br0", "br0", NULL, "192.0.2.1/24");
    g_autoptr(NMConnection) port = make_profile("802-3-ethernet", "br0-port", "eth1", "br0", NULL);
    g_autoptr(NMRemoteConnection) rbr =
        add_profile(client, br, NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK, &error);
    g_assert_no_error(error);
    g_autoptr(NMRemoteConnection) rport =
        add_profile(client, port, NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK, &error);
    g_assert_no_error(error);
    g_assert_null(nm_client_get_device_by_iface(client, "br0"));

    /* activating the port brings its controller up first, as NM does */
    g_autoptr(NMActiveConnection) ac = activate(client, rport, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpint(nm_active_connection_get_state(ac), ==, NM_ACTIVE_CONNECTION_STATE_ACTIVATING);
    g_assert_true(wait_until(ac_activated, ac, WAIT_MS));
    NMDevice *eth1 = nm_client_get_device_by_iface(client, "eth1");
    g_assert_cmpint(nm_device_get_state(eth1), ==, NM_DEVICE_STATE_ACTIVATED);
    NMDevice *br0 = nm_client_get_device_by_iface(client, "br0");
    g_assert_true(NM_IS_DEVICE_BRIDGE(br0));
    NMActiveConnection *br_ac = nm_device_get_active_connection(br0);
    g_assert_nonnull(br_ac);
    g_assert_true(nm_active_connection_get_master(ac) == br0);
    g_assert_true(wait_until(ac_activated, br_ac, WAIT_MS));
    const GPtrArray *ports = nm_device_get_ports(br0);
    g_assert_cmpuint(ports->len, ==, 1);
    g_assert_true(g_ptr_array_index(ports, 0) == eth1);
    NMIPConfig *ip4 = nm_device_get_ip4_config(br0);
    g_assert_nonnull(ip4);
    GPtrArray *addrs = nm_ip_config_get_addresses(ip4);
    g_assert_cmpuint(addrs->len, ==, 1);
    g_assert_cmpstr(nm_ip_address_get_address(g_ptr_array_index(addrs, 0)), ==, "192.0.2.1");
    g_assert_cmpint(nm_client_get_state(client), ==, NM_STATE_CONNECTED_LOCAL);

    /* deactivating the controller takes the port down; the bridge goes away */
    g_assert_true(deactivate(client, br_ac, &error));
    g_assert_no_error(error);
    DeviceWait gone = {client, "br0"};
    g_assert_true(wait_until(device_gone, &gone, WAIT_MS));
    DeviceWait eth1_down = {client, "eth1"};
    g_assert_true(wait_until(device_disconnected, &eth1_down, WAIT_MS));
    g_assert_cmpuint(nm_client_get_active_connections(client)->len, ==, 1); /* lo */
    g_assert_nonnull(rbr);
}

static NMCheckpoint *checkpoint_create(NMClient *client, NMCheckpointCreateFlags flags,
                                       GError **error)
{
    g_autoptr(GAsyncResult) res = NULL;
    nm_client_checkpoint_create(client, NULL, 0, flags, NULL, async_done, &res);
    return nm_client_checkpoint_create_finish(client, wait_result(&res), error);
}

static GHashTable *checkpoint_rollback(NMClient *client, NMCheckpoint *cp, GError **error)
{
    g_autoptr(GAsyncResult) res = NULL;
    nm_client_checkpoint_rollback(client, nm_object_get_path(NM_OBJECT(cp)), NULL, async_done,
                                  &res);
    return nm_client_checkpoint_rollback_finish(client, wait_result(&res), error);
}

static const char *first_address(NMConnection *conn)
{
    NMSettingIPConfig *ip4 = nm_connection_get_setting_ip4_config(conn);
    return nm_ip_address_get_address(nm_setting_ip_config_get_address(ip4, 0));
}

static NMConnection *with_address(NMConnection *conn, const char *address)
{
    NMConnection *copy = nm_simple_connection_new_clone(conn);
    NMSettingIPConfig *ip4 = nm_connection_get_setting_ip4_config(copy);
    nm_setting_ip_config_clear_addresses(ip4);
    g_autoptr(GError) error = NULL;
    NMIPAddress *addr = nm_ip_address_new(AF_INET, address, 24, &error);
    g_assert_no_error(error);
    nm_setting_ip_config_add_address(ip4, addr);
    nm_ip_address_unref(addr);
    return copy;
}

typedef struct {
    NMClient *client;
    NMRemoteConnection *profile;
    const char *address;
} AddressWait;

static gboolean no_checkpoint_and_address_is(gpointer data)
{
    AddressWait *w = data;
    return nm_client_get_checkpoints(w->client)->len == 0 &&
           g_strcmp0(first_address(NM_CONNECTION(w->profile)), w->address) == 0;
}

static void test_checkpoint(void)
{
    g_autoptr(NMClient) client = new_client();
    g_autoptr(GError) error = NULL;
    NMSettingsAddConnection2Flags to_disk = NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK |
                                            NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT;

    g_autoptr(NMConnection) act =
        make_profile("802-3-ethernet", "act", "eth0", NULL, "192.0.2.1/24");
    g_autoptr(NMConnection) idle =
        make_profile("802-3-ethernet", "idle", "eth1", NULL, "198.51.100.1/24");
    g_autoptr(NMConnection) br = make_profile("bridge", "br0", "br0", NULL, "203.0.113.1/24");
    g_autoptr(NMRemoteConnection) ract = add_profile(client, act, to_disk, &error);
    g_autoptr(NMRemoteConnection) ridle = add_profile(client, idle, to_disk, &error);
    g_autoptr(NMRemoteConnection) rbr = add_profile(client, br, to_disk, &error);
    g_assert_no_error(error);
    g_autoptr(NMActiveConnection) ac = activate(client, ract, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(wait_until(ac_activated, ac, WAIT_MS));
    g_autoptr(NMActiveConnection) br_ac = activate(client, rbr, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(wait_until(ac_activated, br_ac, WAIT_MS));

    g_autoptr(NMCheckpoint) cp =
        checkpoint_create(client, NM_CHECKPOINT_CREATE_FLAG_DELETE_NEW_CONNECTIONS, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(nm_client_get_checkpoints(client)->len, ==, 1);
    g_assert_cmpuint(nm_checkpoint_get_devices(cp)->len, ==, 5);
    g_assert_cmpint(nm_checkpoint_get_created(cp), >, 0);

    /* a second checkpoint on the same devices is refused */
    g_autoptr(NMCheckpoint) cp2 = checkpoint_create(client, 0, &error);
    g_assert_null(cp2);
    g_assert_error(error, NM_MANAGER_ERROR, NM_MANAGER_ERROR_INVALID_ARGUMENTS);
    g_clear_error(&error);

    /* inside the checkpoint: modify both profiles, add one, take the bridge down */
    g_autoptr(NMConnection) act2 = with_address(NM_CONNECTION(ract), "192.0.2.99");
    g_assert_true(update_profile(ract, act2, NM_SETTINGS_UPDATE2_FLAG_TO_DISK, &error));
    g_autoptr(NMConnection) idle2 = with_address(NM_CONNECTION(ridle), "198.51.100.99");
    g_assert_true(update_profile(ridle, idle2, NM_SETTINGS_UPDATE2_FLAG_TO_DISK, &error));
    g_autoptr(NMConnection) fresh = make_profile("802-3-ethernet", "fresh", "eth2", NULL, NULL);
    g_autoptr(NMRemoteConnection) rfresh = add_profile(client, fresh, to_disk, &error);
    g_assert_no_error(error);
    g_assert_nonnull(rfresh);
    g_autofree char *fresh_uuid = g_strdup(nm_connection_get_uuid(fresh));
    g_assert_true(deactivate(client, br_ac, &error));
    DeviceWait gone = {client, "br0"};
    g_assert_true(wait_until(device_gone, &gone, WAIT_MS));

    g_autoptr(GHashTable) results = checkpoint_rollback(client, cp, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(g_hash_table_size(results), ==, 5);
    NMDevice *eth0 = nm_client_get_device_by_iface(client, "eth0");
    g_assert_cmpuint(
        GPOINTER_TO_UINT(g_hash_table_lookup(results, nm_object_get_path(NM_OBJECT(eth0)))), ==,
        NM_ROLLBACK_RESULT_OK);
    /* 1.42 cannot bring back a software device that was disconnected */
    guint n_failed = 0;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, results);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        n_failed += GPOINTER_TO_UINT(value) == NM_ROLLBACK_RESULT_ERR_FAILED;
    g_assert_cmpuint(n_failed, ==, 1);

    /* the checkpoint goes; the profile active at creation is restored and reactivated ... */
    AddressWait restored = {client, ract, "192.0.2.1"};
    g_assert_true(wait_until(no_checkpoint_and_address_is, &restored, WAIT_MS));
    NMActiveConnection *now = nm_device_get_active_connection(eth0);
    g_assert_nonnull(now);
    g_assert_true(wait_until(ac_activated, now, WAIT_MS));
    /* ... the inactive modified one is not ... */
    g_assert_cmpstr(first_address(NM_CONNECTION(ridle)), ==, "198.51.100.99");
    /* ... and the new one is deleted (DELETE_NEW_CONNECTIONS) */
    g_assert_null(nm_client_get_connection_by_uuid(client, fresh_uuid));
    g_assert_null(nm_client_get_device_by_iface(client, "br0"));
}

typedef struct {
    NMClient *client;
    const char *uuid;
} ProfileWait;

static gboolean profile_present(gpointer data)
{
    ProfileWait *w = data;
    return nm_client_get_connection_by_uuid(w->client, w->uuid) != NULL;
}

static void test_checkpoint_keeps_new_profiles(void)
{
    g_autoptr(NMClient) client = new_client();
    g_autoptr(GError) error = NULL;
    g_autoptr(NMCheckpoint) cp = checkpoint_create(client, 0, &error);
    g_assert_no_error(error);
    g_autoptr(NMConnection) fresh = make_profile("802-3-ethernet", "fresh", "eth2", NULL, NULL);
    g_autoptr(NMRemoteConnection) rfresh =
        add_profile(client, fresh, NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK, &error);
    g_assert_no_error(error);
    g_assert_nonnull(rfresh);
    g_autoptr(GHashTable) results = checkpoint_rollback(client, cp, &error);
    g_assert_no_error(error);
    g_assert_nonnull(results);
    /* not deleted (no DELETE_NEW_CONNECTIONS) */
    ProfileWait kept = {client, nm_connection_get_uuid(fresh)};
    g_assert_true(holds_for(profile_present, &kept, 100));
}

static void test_fail_next(void)
{
    g_autoptr(NMClient) client = new_client();
    g_autoptr(GError) error = NULL;
    g_assert_true(mock_control_fail_next("AddConnection2",
                                         "org.freedesktop.NetworkManager.Settings.PermissionDenied",
                                         "not today", &error));
    g_assert_no_error(error);
    /* with TO_DISK or IN_MEMORY alone libnm calls the old AddConnection/AddConnectionUnsaved;
     * BLOCK_AUTOCONNECT makes it use AddConnection2 */
    NMSettingsAddConnection2Flags flags = NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK |
                                          NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT;
    g_autoptr(NMConnection) conn = make_profile("802-3-ethernet", "x", "eth0", NULL, NULL);
    g_autoptr(NMRemoteConnection) r1 = add_profile(client, conn, flags, &error);
    g_assert_null(r1);
    g_assert_error(error, NM_SETTINGS_ERROR, NM_SETTINGS_ERROR_PERMISSION_DENIED);
    g_assert_nonnull(strstr(error->message, "not today"));
    g_clear_error(&error);
    /* only the next call */
    g_autoptr(NMRemoteConnection) r2 = add_profile(client, conn, flags, &error);
    g_assert_no_error(error);
    g_assert_nonnull(r2);
}

static void test_delay_times_out(void)
{
    g_autoptr(NMClient) client = new_client();
    g_autoptr(GError) error = NULL;
    g_assert_true(mock_control_set_delay("ListConnections", 1000, &error));
    g_autoptr(GAsyncResult) res = NULL;
    nm_client_dbus_call(client, NM_DBUS_PATH_SETTINGS, NM_DBUS_INTERFACE_SETTINGS,
                        "ListConnections", NULL, G_VARIANT_TYPE("(ao)"), 100, NULL, async_done,
                        &res);
    g_autoptr(GVariant) reply = nm_client_dbus_call_finish(client, wait_result(&res), &error);
    g_assert_null(reply);
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    g_clear_error(&error);
    g_assert_true(mock_control_set_delay("ListConnections", 0, &error));
    g_clear_object(&res);
    nm_client_dbus_call(client, NM_DBUS_PATH_SETTINGS, NM_DBUS_INTERFACE_SETTINGS,
                        "ListConnections", NULL, G_VARIANT_TYPE("(ao)"), 100, NULL, async_done,
                        &res);
    g_autoptr(GVariant) reply2 = nm_client_dbus_call_finish(client, wait_result(&res), &error);
    g_assert_no_error(error);
    g_assert_nonnull(reply2);
}

static gboolean nm_gone(gpointer data)
{
    return !nm_client_get_nm_running(data);
}

static gboolean nm_back(gpointer data)
{
    return nm_client_get_nm_running(data) && nm_client_get_devices(data)->len == 4;
}

static void test_drop_off_bus(void)
{
    g_autoptr(NMClient) client = new_client();
    g_autoptr(GError) error = NULL;
    g_autoptr(NMCheckpoint) cp = checkpoint_create(client, 0, &error);
    g_assert_no_error(error);
    g_assert_nonnull(cp);
    g_assert_true(mock_control_drop_off_bus(&error));
    g_assert_no_error(error);
    g_assert_true(wait_until(nm_gone, client, WAIT_MS));
    g_assert_cmpuint(nm_client_get_devices(client)->len, ==, 0);
    g_assert_true(mock_control_come_back(&error));
    g_assert_true(wait_until(nm_back, client, WAIT_MS));
    /* checkpoints do not survive an NM restart */
    g_assert_cmpuint(nm_client_get_checkpoints(client)->len, ==, 0);
}

typedef struct {
    NMClient *client;
    const char *uuid;
    const char *old_path;
} RestartWait;

/* NM is back and the profile is there under a new path */
static gboolean profile_renumbered(gpointer data)
{
    RestartWait *w = data;
    NMRemoteConnection *c = nm_client_get_connection_by_uuid(w->client, w->uuid);
    return nm_client_get_nm_running(w->client) && c != NULL &&
           g_strcmp0(nm_object_get_path(NM_OBJECT(c)), w->old_path) != 0;
}

static void test_restart(void)
{
    g_autoptr(NMClient) client = new_client();
    g_autoptr(GError) error = NULL;
    g_autoptr(NMConnection) first = make_profile("802-3-ethernet", "first", "eth0", NULL, NULL);
    g_autoptr(NMConnection) second = make_profile("802-3-ethernet", "second", "eth1", NULL, NULL);
    NMSettingsAddConnection2Flags flags = NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK |
                                          NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT;
    g_autoptr(NMRemoteConnection) rfirst = add_profile(client, first, flags, &error);
    g_autoptr(NMRemoteConnection) rsecond = add_profile(client, second, flags, &error);
    g_assert_no_error(error);
    g_autofree char *old_path = g_strdup(nm_object_get_path(NM_OBJECT(rsecond)));
    g_assert_true(delete_profile(rfirst, &error));
    g_autoptr(NMCheckpoint) cp = checkpoint_create(client, 0, &error);
    g_assert_no_error(error);
    g_assert_nonnull(cp);

    g_assert_true(mock_control_restart(&error));
    g_assert_no_error(error);
    /* the gap left by the deleted profile closes: the path changes */
    RestartWait w = {client, nm_connection_get_uuid(second), old_path};
    g_assert_true(wait_until(profile_renumbered, &w, WAIT_MS));
    g_assert_cmpuint(nm_client_get_checkpoints(client)->len, ==, 0);
}

static gboolean device_activated(gpointer data)
{
    return nm_device_get_state(data) == NM_DEVICE_STATE_ACTIVATED;
}

static void test_stale_property(void)
{
    g_autoptr(NMClient) client = new_client();
    g_autoptr(GError) error = NULL;
    NMDevice *eth0 = nm_client_get_device_by_iface(client, "eth0");
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
    /* libnm takes a device's state from StateReason alone (State and StateChanged are
     * ignored), so a stale state has to come as StateReason */
    g_variant_builder_add(&b, "{sv}", "State", g_variant_new_uint32(NM_DEVICE_STATE_ACTIVATED));
    g_variant_builder_add(&b, "{sv}", "StateReason",
                          g_variant_new("(uu)", NM_DEVICE_STATE_ACTIVATED, 0));
    g_assert_true(mock_control_emit_properties_changed(nm_object_get_path(NM_OBJECT(eth0)),
                                                       NM_DBUS_INTERFACE_DEVICE,
                                                       g_variant_builder_end(&b), &error));
    g_assert_no_error(error);
    g_assert_true(wait_until(device_activated, eth0, WAIT_MS));
    /* the mock's own state is unchanged: a fresh client sees the truth */
    g_autoptr(NMClient) fresh = new_client();
    g_assert_cmpint(nm_device_get_state(nm_client_get_device_by_iface(fresh, "eth0")), ==,
                    NM_DEVICE_STATE_DISCONNECTED);
}

static void test_activation_fails(void)
{
    g_autoptr(NMClient) client = new_client();
    g_autoptr(GError) error = NULL;
    g_assert_true(mock_control_set_activation_outcome("eth2", "fail:5", &error));
    g_autoptr(NMConnection) conn = make_profile("802-3-ethernet", "x", "eth2", NULL, NULL);
    g_autoptr(NMRemoteConnection) r =
        add_profile(client, conn, NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK, &error);
    g_assert_no_error(error);
    g_autoptr(NMActiveConnection) ac = activate(client, r, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(wait_until(ac_finished, ac, WAIT_MS));
    g_assert_cmpint(nm_active_connection_get_state(ac), ==, NM_ACTIVE_CONNECTION_STATE_DEACTIVATED);
    g_assert_cmpint(nm_active_connection_get_state_reason(ac), ==,
                    NM_ACTIVE_CONNECTION_STATE_REASON_DEVICE_DISCONNECTED);
    DeviceWait w = {client, "eth2"};
    g_assert_true(wait_until(device_disconnected, &w, WAIT_MS));
}

static gboolean has_n_connections(gpointer data)
{
    return nm_client_get_connections(data)->len == 2; /* lo's and the one from /etc */
}

static void test_reboot(void)
{
    g_autoptr(NMClient) client = new_client();
    g_autoptr(GError) error = NULL;
    g_autoptr(NMConnection) mem = make_profile("802-3-ethernet", "mem", "eth0", NULL, NULL);
    g_autoptr(NMRemoteConnection) rmem =
        add_profile(client, mem, NM_SETTINGS_ADD_CONNECTION2_FLAG_IN_MEMORY, &error);
    g_autoptr(NMConnection) disk =
        make_profile("802-3-ethernet", "disk", "eth1", NULL, "192.0.2.1/24");
    g_autoptr(NMRemoteConnection) rdisk =
        add_profile(client, disk, NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK, &error);
    g_assert_no_error(error);
    g_autoptr(NMConnection) edited = with_address(NM_CONNECTION(rdisk), "192.0.2.77");
    g_assert_true(
        update_profile(rdisk, edited, NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY_DETACHED, &error));
    g_assert_no_error(error);
    g_assert_true(mock_control_reboot(&error));
    g_assert_no_error(error);
    g_assert_true(wait_until(has_n_connections, client, WAIT_MS));
    g_assert_null(
        nm_client_get_connection_by_uuid(client, nm_connection_get_uuid(NM_CONNECTION(rmem))));
    NMRemoteConnection *back =
        nm_client_get_connection_by_uuid(client, nm_connection_get_uuid(disk));
    g_assert_nonnull(back);
    /* its /etc settings, once libnm has fetched them after Updated */
    AddressWait from_etc = {client, back, "192.0.2.1"};
    g_assert_true(wait_until(no_checkpoint_and_address_is, &from_etc, WAIT_MS));
    g_assert_false(nm_remote_connection_get_unsaved(back));
}

/* ---- raw D-Bus: properties, signal order, control methods ---- */

static GDBusConnection *system_bus(void)
{
    g_autoptr(GError) error = NULL;
    GDBusConnection *bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &error);
    g_assert_no_error(error);
    return bus;
}

static GVariant *nm_call(GDBusConnection *bus, const char *path, const char *iface,
                         const char *method, GVariant *args, const char *reply_type, GError **error)
{
    return g_dbus_connection_call_sync(bus, NM_DBUS_SERVICE, path, iface, method, args,
                                       G_VARIANT_TYPE(reply_type), G_DBUS_CALL_FLAGS_NONE, WAIT_MS,
                                       NULL, error);
}

static GVariant *get_all(GDBusConnection *bus, const char *path, const char *iface, GError **error)
{
    g_autoptr(GVariant) reply = nm_call(bus, path, "org.freedesktop.DBus.Properties", "GetAll",
                                        g_variant_new("(s)", iface), "(a{sv})", error);
    return reply != NULL ? g_variant_get_child_value(reply, 0) : NULL;
}

/* Does the ao property PROP of IFACE on PATH hold ITEM? */
static gboolean ao_contains(GDBusConnection *bus, const char *path, const char *iface,
                            const char *prop, const char *item)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) props = get_all(bus, path, iface, &error);
    g_assert_no_error(error);
    g_autofree const char **paths = NULL;
    g_assert_true(g_variant_lookup(props, prop, "^a&o", &paths));
    return g_strv_contains(paths, item);
}

/* Every signal NM sends, as "Member path" (PropertiesChanged: "PropertiesChanged path Iface
 * Prop,Prop"), in arrival order. */
typedef struct {
    GPtrArray *seen;
    guint id;
} SignalLog;

static void signal_log_cb(GDBusConnection *bus, const char *sender, const char *path,
                          const char *iface, const char *member, GVariant *params, gpointer data)
{
    SignalLog *log = data;
    g_autoptr(GString) line = g_string_new(NULL);
    g_string_printf(line, "%s %s", member, path);
    if (g_str_equal(member, "PropertiesChanged")) {
        const char *prop_iface;
        g_autoptr(GVariant) changed = NULL;
        g_variant_get(params, "(&s@a{sv}@as)", &prop_iface, &changed, NULL);
        g_string_append_printf(line, " %s ", prop_iface);
        GVariantIter iter;
        const char *key;
        g_variant_iter_init(&iter, changed);
        for (guint i = 0; g_variant_iter_next(&iter, "{&sv}", &key, NULL); i++)
            g_string_append_printf(line, "%s%s", i ? "," : "", key);
    } else if (g_str_equal(member, "InterfacesAdded") || g_str_equal(member, "InterfacesRemoved") ||
               g_str_equal(member, "DeviceAdded") || g_str_equal(member, "DeviceRemoved") ||
               g_str_equal(member, "NewConnection") || g_str_equal(member, "ConnectionRemoved")) {
        const char *obj;
        g_variant_get_child(params, 0, "&o", &obj);
        g_string_append_printf(line, " %s", obj);
    }
    g_ptr_array_add(log->seen, g_string_free(g_steal_pointer(&line), FALSE));
}

static void signal_log_start(SignalLog *log, GDBusConnection *bus)
{
    log->seen = g_ptr_array_new_with_free_func(g_free);
    log->id =
        g_dbus_connection_signal_subscribe(bus, NM_DBUS_SERVICE, NULL, NULL, NULL, NULL,
                                           G_DBUS_SIGNAL_FLAGS_NONE, signal_log_cb, log, NULL);
}

static void signal_log_stop(SignalLog *log, GDBusConnection *bus)
{
    g_dbus_connection_signal_unsubscribe(bus, log->id);
    g_ptr_array_unref(log->seen);
}

typedef struct {
    SignalLog *log;
    const char *prefix;
} SignalWait;

/* Index of the first line starting with PREFIX, or -1. */
static int signal_log_find(SignalLog *log, const char *prefix)
{
    for (guint i = 0; i < log->seen->len; i++)
        if (g_str_has_prefix(log->seen->pdata[i], prefix))
            return (int)i;
    return -1;
}

static gboolean signal_seen(gpointer data)
{
    SignalWait *w = data;
    return signal_log_find(w->log, w->prefix) >= 0;
}

static int wait_signal(SignalLog *log, const char *prefix)
{
    SignalWait w = {log, prefix};
    if (!wait_until(signal_seen, &w, WAIT_MS)) {
        for (guint i = 0; i < log->seen->len; i++)
            g_test_message("seen: %s", (char *)log->seen->pdata[i]);
        g_error("no signal '%s'", prefix);
    }
    return signal_log_find(log, prefix);
}

/* Control calls are synchronous on the same bus; a Ping to NM afterwards is answered after
 * every signal NM sent before it. */
static void flush_signals(GDBusConnection *bus)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GAsyncResult) res = NULL;
    g_dbus_connection_call(bus, NM_DBUS_SERVICE, NM_DBUS_PATH, "org.freedesktop.DBus.Peer", "Ping",
                           NULL, NULL, G_DBUS_CALL_FLAGS_NONE, WAIT_MS, NULL, async_done, &res);
    g_autoptr(GVariant) reply = g_dbus_connection_call_finish(bus, wait_result(&res), &error);
    g_assert_no_error(error);
    g_assert_nonnull(reply);
}

static void test_properties(void)
{
    g_autoptr(GDBusConnection) bus = system_bus();
    g_autoptr(GError) error = NULL;
    g_autoptr(NMClient) client = new_client();
    g_autoptr(NMConnection) br = make_profile("bridge", "br0", "br0", NULL, NULL);
    g_autoptr(NMRemoteConnection) rbr =
        add_profile(client, br, NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK, &error);
    g_assert_no_error(error);

    /* every object answers GetAll for each of its interfaces */
    g_autoptr(GVariant) manager = get_all(bus, NM_DBUS_PATH, NM_DBUS_INTERFACE, &error);
    g_assert_no_error(error);
    g_autofree const char **devices = NULL;
    g_autofree const char **all = NULL;
    g_assert_true(g_variant_lookup(manager, "Devices", "^a&o", &devices));
    g_assert_true(g_variant_lookup(manager, "AllDevices", "^a&o", &all));
    /* br0's placeholder is in AllDevices only */
    g_assert_cmpuint(g_strv_length((char **)devices), ==, 4);
    g_assert_cmpuint(g_strv_length((char **)all), ==, 5);
    for (guint i = 0; all[i] != NULL; i++) {
        g_autoptr(GVariant) dev = get_all(bus, all[i], NM_DBUS_INTERFACE_DEVICE, &error);
        g_assert_no_error(error);
        gboolean real = FALSE;
        g_assert_true(g_variant_lookup(dev, "Real", "b", &real));
        g_assert_true(real == g_strv_contains(devices, all[i]));
        g_autoptr(GVariant) stats =
            get_all(bus, all[i], NM_DBUS_INTERFACE_DEVICE_STATISTICS, &error);
        g_assert_no_error(error);
        g_assert_true(g_variant_lookup(stats, "RefreshRateMs", "u", NULL));
    }
    const char *profile_path = nm_object_get_path(NM_OBJECT(rbr));
    g_autoptr(GVariant) profile =
        get_all(bus, profile_path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, &error);
    g_assert_no_error(error);
    g_assert_true(g_variant_lookup(profile, "Flags", "u", NULL));
    g_assert_true(g_variant_lookup(profile, "Filename", "s", NULL));
    g_assert_true(ao_contains(bus, NM_DBUS_PATH_SETTINGS, NM_DBUS_INTERFACE_SETTINGS, "Connections",
                              profile_path));
    g_autoptr(GVariant) one =
        nm_call(bus, NM_DBUS_PATH, "org.freedesktop.DBus.Properties", "Get",
                g_variant_new("(ss)", NM_DBUS_INTERFACE, "Version"), "(v)", &error);
    g_assert_no_error(error);
    g_autoptr(GVariant) version = g_variant_get_child_value(one, 0);
    g_autoptr(GVariant) version_str = g_variant_get_variant(version);
    g_assert_cmpstr(g_variant_get_string(version_str, NULL), ==, "1.42.4");

    /* as NM's GDBus answers: InvalidArgs for what the object does not have */
    g_autoptr(GVariant) none = get_all(bus, NM_DBUS_PATH, NM_DBUS_INTERFACE_DEVICE, &error);
    g_assert_null(none);
    g_assert_error(error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
    g_clear_error(&error);
    g_autoptr(GVariant) no_prop =
        nm_call(bus, NM_DBUS_PATH, "org.freedesktop.DBus.Properties", "Get",
                g_variant_new("(ss)", NM_DBUS_INTERFACE, "NoSuchThing"), "(v)", &error);
    g_assert_null(no_prop);
    g_assert_error(error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
    g_clear_error(&error);

    /* FailNext and SetDelay apply to GetAll like to any NM method */
    g_assert_true(mock_control_fail_next("GetAll", "org.freedesktop.DBus.Error.AccessDenied",
                                         "not you", &error));
    g_autoptr(GVariant) refused = get_all(bus, NM_DBUS_PATH, NM_DBUS_INTERFACE, &error);
    g_assert_null(refused);
    g_assert_error(error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED);
    g_clear_error(&error);
}

static void test_device_signal_order(void)
{
    g_autoptr(GDBusConnection) bus = system_bus();
    g_autoptr(GError) error = NULL;
    SignalLog log;

    signal_log_start(&log, bus);
    g_autofree char *path = mock_control_add_device("eth9", "ethernet", NULL, &error);
    g_assert_no_error(error);
    g_assert_true(mock_control_remove_device("eth9", &error));
    g_assert_no_error(error);
    flush_signals(bus);
    g_autofree char *added = g_strdup_printf("InterfacesAdded /org/freedesktop %s", path);
    g_autofree char *device_added = g_strdup_printf("DeviceAdded %s %s", NM_DBUS_PATH, path);
    g_autofree char *removed = g_strdup_printf("InterfacesRemoved /org/freedesktop %s", path);
    g_autofree char *device_removed = g_strdup_printf("DeviceRemoved %s %s", NM_DBUS_PATH, path);
    g_autofree char *devices_changed =
        g_strdup_printf("PropertiesChanged %s %s ", NM_DBUS_PATH, NM_DBUS_INTERFACE);
    int i_added = wait_signal(&log, added);
    int i_device_added = wait_signal(&log, device_added);
    int i_removed = wait_signal(&log, removed);
    int i_device_removed = wait_signal(&log, device_removed);
    /* added: the object first, then DeviceAdded and the Devices list; removed: DeviceRemoved
     * and the lists first, then the object (nm-manager.c) */
    g_assert_cmpint(i_added, <, i_device_added);
    g_assert_cmpint(i_device_removed, <, i_removed);
    int i_list_added = -1, i_list_removed = -1;
    for (guint i = 0; i < log.seen->len; i++) {
        const char *line = log.seen->pdata[i];
        if (g_str_has_prefix(line, devices_changed) && strstr(line, "AllDevices") != NULL) {
            if (i_list_added < 0)
                i_list_added = (int)i;
            else
                i_list_removed = (int)i;
        }
    }
    g_assert_cmpint(i_added, <, i_list_added);
    g_assert_cmpint(i_list_removed, >, i_list_added);
    g_assert_cmpint(i_list_removed, <, i_removed);
    g_assert_false(ao_contains(bus, NM_DBUS_PATH, NM_DBUS_INTERFACE, "AllDevices", path));
    signal_log_stop(&log, bus);
}

/* As NM 1.42 sends them: added, the object first, then NewConnection and the Connections list;
 * deleted, the list first, then Removed, ConnectionRemoved and the object. */
static void test_profile_signal_order(void)
{
    g_autoptr(GDBusConnection) bus = system_bus();
    g_autoptr(GError) error = NULL;
    g_autoptr(NMConnection) conn = make_profile("802-3-ethernet", "x", "eth0", NULL, NULL);
    SignalLog log;

    signal_log_start(&log, bus);
    g_autoptr(GVariant) added =
        nm_call(bus, NM_DBUS_PATH_SETTINGS, NM_DBUS_INTERFACE_SETTINGS, "AddConnection2",
                g_variant_new("(@a{sa{sv}}u@a{sv})",
                              nm_connection_to_dbus(conn, NM_CONNECTION_SERIALIZE_ALL),
                              NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK,
                              g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0)),
                "(oa{sv})", &error);
    g_assert_no_error(error);
    const char *path;
    g_variant_get(added, "(&o@a{sv})", &path, NULL);
    g_autoptr(GVariant) deleted =
        nm_call(bus, path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "Delete", NULL, "()", &error);
    g_assert_no_error(error);
    g_assert_nonnull(deleted);
    flush_signals(bus);

    g_autofree char *ia = g_strdup_printf("InterfacesAdded /org/freedesktop %s", path);
    g_autofree char *nc = g_strdup_printf("NewConnection %s %s", NM_DBUS_PATH_SETTINGS, path);
    g_autofree char *list = g_strdup_printf("PropertiesChanged %s %s Connections",
                                            NM_DBUS_PATH_SETTINGS, NM_DBUS_INTERFACE_SETTINGS);
    g_autofree char *removed = g_strdup_printf("Removed %s", path);
    g_autofree char *cr = g_strdup_printf("ConnectionRemoved %s %s", NM_DBUS_PATH_SETTINGS, path);
    g_autofree char *ir = g_strdup_printf("InterfacesRemoved /org/freedesktop %s", path);
    int i_ia = wait_signal(&log, ia), i_nc = wait_signal(&log, nc);
    int i_list_added = wait_signal(&log, list);
    g_assert_cmpint(i_ia, <, i_nc);
    g_assert_cmpint(i_nc, <, i_list_added);
    int i_removed = wait_signal(&log, removed), i_cr = wait_signal(&log, cr);
    int i_ir = wait_signal(&log, ir);
    int i_list_removed = -1;
    for (guint i = i_list_added + 1; i < log.seen->len && i_list_removed < 0; i++)
        if (g_str_equal(log.seen->pdata[i], list))
            i_list_removed = (int)i;
    g_assert_cmpint(i_list_removed, >, i_list_added);
    g_assert_cmpint(i_list_removed, <, i_removed);
    g_assert_cmpint(i_removed, <, i_cr);
    g_assert_cmpint(i_cr, <, i_ir);
    signal_log_stop(&log, bus);
}

static void test_hold_signals(void)
{
    g_autoptr(GDBusConnection) bus = system_bus();
    g_autoptr(GError) error = NULL;
    const char *const added_only[] = {"InterfacesAdded", NULL};
    SignalLog log;

    signal_log_start(&log, bus);
    g_assert_true(mock_control_hold_signals(added_only, &error));
    g_assert_no_error(error);
    g_autofree char *path = mock_control_add_device("eth9", "ethernet", NULL, &error);
    g_assert_no_error(error);
    g_assert_true(mock_control_set_carrier("eth9", FALSE, &error));
    g_assert_no_error(error);
    flush_signals(bus);
    /* listed, changed and answering GetAll, but not announced */
    g_autofree char *added = g_strdup_printf("InterfacesAdded /org/freedesktop %s", path);
    g_autofree char *changed = g_strdup_printf("PropertiesChanged %s ", path);
    g_assert_cmpint(signal_log_find(&log, added), <, 0);
    g_assert_cmpint(signal_log_find(&log, changed), >=, 0);
    g_assert_true(ao_contains(bus, NM_DBUS_PATH, NM_DBUS_INTERFACE, "Devices", path));
    g_autoptr(GVariant) dev = get_all(bus, path, NM_DBUS_INTERFACE_DEVICE, &error);
    g_assert_no_error(error);
    g_assert_true(g_variant_lookup(dev, "Interface", "&s", NULL));

    /* released: announced late, with the properties it has now */
    g_assert_true(mock_control_release_signals(TRUE, &error));
    g_assert_no_error(error);
    wait_signal(&log, added);
    g_assert_cmpint(signal_log_find(&log, changed), <, signal_log_find(&log, added));

    /* dropped: never announced */
    g_assert_true(mock_control_hold_signals(added_only, &error));
    g_autofree char *path2 = mock_control_add_device("eth8", "ethernet", NULL, &error);
    g_assert_no_error(error);
    g_assert_true(mock_control_release_signals(FALSE, &error));
    g_assert_true(mock_control_remove_device("eth9", &error));
    g_assert_no_error(error);
    flush_signals(bus);
    g_autofree char *added2 = g_strdup_printf("InterfacesAdded /org/freedesktop %s", path2);
    g_assert_cmpint(signal_log_find(&log, added2), <, 0);
    g_assert_true(ao_contains(bus, NM_DBUS_PATH, NM_DBUS_INTERFACE, "Devices", path2));

    /* a stale PropertiesChanged for a path that has gone */
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
    g_variant_builder_add(&b, "{sv}", "Mtu", g_variant_new_uint32(9000));
    g_assert_true(mock_control_emit_properties_changed(path, NM_DBUS_INTERFACE_DEVICE,
                                                       g_variant_builder_end(&b), &error));
    g_assert_no_error(error);
    g_autofree char *stale =
        g_strdup_printf("PropertiesChanged %s %s Mtu", path, NM_DBUS_INTERFACE_DEVICE);
    wait_signal(&log, stale);
    signal_log_stop(&log, bus);
}

static void test_fail_nth(void)
{
    g_autoptr(GDBusConnection) bus = system_bus();
    g_autoptr(GError) error = NULL;
    guint before = 0, after = 0;

    g_assert_true(mock_control_get_call_count("ListConnections", &before, &error));
    g_assert_true(mock_control_fail_nth("ListConnections", 2,
                                        "org.freedesktop.NetworkManager.Settings.PermissionDenied",
                                        "second one", &error));
    g_assert_no_error(error);
    for (int i = 1; i <= 3; i++) {
        g_autoptr(GVariant) reply = nm_call(bus, NM_DBUS_PATH_SETTINGS, NM_DBUS_INTERFACE_SETTINGS,
                                            "ListConnections", NULL, "(ao)", &error);
        if (i == 2) {
            g_assert_null(reply);
            g_assert_nonnull(strstr(error->message, "second one"));
            g_clear_error(&error);
        } else {
            g_assert_no_error(error);
            g_assert_nonnull(reply);
        }
    }
    g_assert_true(mock_control_get_call_count(
        "org.freedesktop.NetworkManager.Settings.ListConnections", &after, &error));
    g_assert_cmpuint(after - before, ==, 3);
}

static void test_dump_profiles(void)
{
    g_autoptr(NMClient) client = new_client();
    g_autoptr(GError) error = NULL;
    g_autoptr(NMConnection) disk =
        make_profile("802-3-ethernet", "disk", "eth1", NULL, "192.0.2.10/24");
    g_autoptr(NMRemoteConnection) rdisk =
        add_profile(client, disk, NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK, &error);
    g_assert_no_error(error);
    g_autofree char *before = mock_control_dump_profiles(&error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(before, nm_connection_get_uuid(disk)));
    g_assert_nonnull(strstr(before, "192.0.2.10"));

    g_autoptr(NMConnection) edited = with_address(NM_CONNECTION(rdisk), "192.0.2.77");
    g_assert_true(update_profile(rdisk, edited, NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY, &error));
    g_assert_no_error(error);
    g_autofree char *changed = mock_control_dump_profiles(&error);
    g_assert_cmpstr(changed, !=, before);
    /* put back as it was: the same text again */
    g_assert_true(update_profile(rdisk, disk, NM_SETTINGS_UPDATE2_FLAG_TO_DISK, &error));
    g_assert_no_error(error);
    g_autofree char *again = mock_control_dump_profiles(&error);
    g_assert_cmpstr(again, ==, before);
}

int main(int argc, char **argv)
{
    /* Never talk to the host's NetworkManager: only run under run-with-mock. */
    if (g_getenv("NMIFACE_MOCK") == NULL || !mock_control_available()) {
        g_printerr("test-mock: not running under run-with-mock\n");
        return g_strcmp0(g_getenv("CI"), "true") == 0 ? 1 : 77;
    }
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mock/client-init", test_client_init);
    g_test_add_func("/mock/profile-storage", test_profile_storage);
    g_test_add_func("/mock/activate-bridge", test_activate_bridge);
    g_test_add_func("/mock/checkpoint", test_checkpoint);
    g_test_add_func("/mock/checkpoint-keeps-new-profiles", test_checkpoint_keeps_new_profiles);
    g_test_add_func("/mock/fail-next", test_fail_next);
    g_test_add_func("/mock/delay-times-out", test_delay_times_out);
    g_test_add_func("/mock/drop-off-bus", test_drop_off_bus);
    g_test_add_func("/mock/restart", test_restart);
    g_test_add_func("/mock/stale-property", test_stale_property);
    g_test_add_func("/mock/activation-fails", test_activation_fails);
    g_test_add_func("/mock/reboot", test_reboot);
    g_test_add_func("/mock/properties", test_properties);
    g_test_add_func("/mock/device-signal-order", test_device_signal_order);
    g_test_add_func("/mock/profile-signal-order", test_profile_signal_order);
    g_test_add_func("/mock/hold-signals", test_hold_signals);
    g_test_add_func("/mock/fail-nth", test_fail_nth);
    g_test_add_func("/mock/dump-profiles", test_dump_profiles);
    return g_test_run();
}
