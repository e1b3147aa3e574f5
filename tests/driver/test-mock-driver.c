/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The driver against the python-dbusmock NetworkManager (tests/dbus-mock, run one case per
 * mock with -p): bond and vlan activation (the mock has no kernel to refuse them), activation
 * failure reasons, every fault hook during define (nothing is left half made), NM leaving the
 * bus in the middle of a call, slow replies running into the timeout, and 8 threads sharing
 * one connection.
 */
#include "mock-test-util.h"

static const char *bridge2_xml = "<interface type='bridge' name='br0'>\n"
                                 "  <start mode='onboot'/>\n"
                                 "  <protocol family='ipv4'>\n"
                                 "    <ip address='198.51.100.1' prefix='24'/>\n"
                                 "  </protocol>\n"
                                 "  <bridge stp='on'>\n"
                                 "    <interface type='ethernet' name='eth1'>\n"
                                 "    </interface>\n"
                                 "    <interface type='ethernet' name='eth2'>\n"
                                 "    </interface>\n"
                                 "  </bridge>\n"
                                 "</interface>\n";

static void test_bond_activation(void)
{
    static const char *xml = "<interface type='bond' name='bond0'>\n"
                             "  <start mode='none'/>\n"
                             "  <protocol family='ipv4'>\n"
                             "    <ip address='192.0.2.5' prefix='24'/>\n"
                             "  </protocol>\n"
                             "  <bond mode='active-backup'>\n"
                             "    <miimon freq='100'/>\n"
                             "    <interface type='ethernet' name='eth0'>\n"
                             "    </interface>\n"
                             "    <interface type='ethernet' name='eth1'>\n"
                             "    </interface>\n"
                             "  </bond>\n"
                             "</interface>\n";
    NmifaceDriverConn *conn = td_open();
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, xml);
    g_autoptr(GError) error = NULL;
    g_autofree char *live = NULL;
    gboolean active = FALSE;

    g_assert_false(td_listed(conn, "eth0", 0));
    g_assert_true(td_driver()->create(conn, "bond0", 0, &error));
    td_assert_no_error(error);
    g_assert_true(td_driver()->is_active(conn, "bond0", &active, &error));
    g_assert_true(active);
    live = td_driver()->get_xml_desc(conn, "bond0", 0, &error);
    td_assert_no_error(error);
    g_assert_nonnull(strstr(live, "name='eth0'"));
    g_assert_nonnull(strstr(live, "name='eth1'"));
    g_assert_nonnull(strstr(live, "192.0.2.5"));
    g_assert_true(td_driver()->destroy(conn, "bond0", 0, &error));
    td_assert_no_error(error);
    g_assert_true(td_driver()->is_active(conn, "bond0", &active, &error));
    g_assert_false(active);
    td_driver()->close(conn);
}

static void test_vlan_activation(void)
{
    static const char *xml = "<interface type='vlan' name='eth0.42'>\n"
                             "  <start mode='none'/>\n"
                             "  <protocol family='ipv4'>\n"
                             "    <ip address='192.0.2.6' prefix='24'/>\n"
                             "  </protocol>\n"
                             "  <vlan tag='42'>\n"
                             "    <interface name='eth0'/>\n"
                             "  </vlan>\n"
                             "</interface>\n";
    NmifaceDriverConn *conn = td_open();
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, xml);
    g_autoptr(GError) error = NULL;
    g_autofree char *back = td_inactive_xml(conn, "eth0.42");

    g_assert_cmpstr(back, ==, xml);
    g_assert_true(td_driver()->create(conn, "eth0.42", 0, &error));
    td_assert_no_error(error);
    g_assert_true(td_listed(conn, "eth0.42", VIR_CONNECT_LIST_INTERFACES_ACTIVE));
    g_assert_true(td_listed(conn, "eth0", 0));
    g_assert_true(td_driver()->destroy(conn, "eth0.42", 0, &error));
    td_assert_no_error(error);
    td_driver()->close(conn);
}

static void test_activation_failure_reason(void)
{
    NmifaceDriverConn *conn = td_open();
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, mt_bridge_eth0_xml);
    g_autoptr(GError) error = NULL;

    g_assert_true(mock_control_set_activation_outcome("br0", "fail:5", &error));
    td_assert_no_error(error);
    g_assert_false(td_driver()->create(conn, "br0", 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(error->message, ==,
                    "failed to activate interface 'br0': IP configuration could not be reserved "
                    "(no available address, timeout, etc.)");
    /* Left as before: not up, and NM does not bring it up by itself. */
    g_assert_false(td_is_active(conn, "br0"));
    g_assert_true(td_stays_inactive(conn, "br0", NM_AUTOCONNECT_GRACE_MS));
    td_driver()->close(conn);
}

/* NM retries a failed profile with autoconnect by an activation it authorizes before it shows
 * it: one decided on just before the undo's block appears after the block's reply (under load;
 * here 300 ms later, or before NM answers a call it authorizes). Create still leaves the
 * interface down, and NM does not bring it up afterwards. */
static void test_activation_failure_retry_pending(void)
{
    NmifaceDriverConn *conn = td_open();
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info =
        td_define(conn, "<interface type='ethernet' name='eth1'><start mode='onboot'/>"
                        "<protocol family='ipv4'><dhcp/></protocol></interface>");
    g_autoptr(GError) error = NULL;

    g_assert_true(mock_control_set_activation_outcome("eth1", "fail:5", &error));
    td_assert_no_error(error);
    g_assert_true(mock_control_set_authorization_delay(300, &error));
    td_assert_no_error(error);
    g_assert_false(td_driver()->create(conn, "eth1", 0, &error));
    td_assert_error_with(error, VIR_ERR_OPERATION_FAILED,
                         "failed to activate interface 'eth1': IP configuration could not be "
                         "reserved (no available address, timeout, etc.)");
    /* A retry that comes up now stays up, where a failing one could pass between two looks. */
    g_clear_error(&error);
    g_assert_true(mock_control_set_activation_outcome("eth1", "hang", &error));
    td_assert_no_error(error);
    g_assert_false(td_is_active(conn, "eth1"));
    g_assert_true(td_stays_inactive(conn, "eth1", 3 * NM_AUTOCONNECT_GRACE_MS));
    td_driver()->close(conn);
}

/* A write failing in the middle of a define takes back every earlier write. */
static void check_fault(const char *method, const char *expect_in_message)
{
    NmifaceDriverConn *conn = td_open();
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, mt_bridge_eth0_xml);
    g_autofree char *before_xml = td_inactive_xml(conn, "br0");
    g_autofree char *before_profiles = mt_dump_profiles();
    g_autofree char *after_xml = NULL;
    g_autofree char *after_profiles = NULL;
    g_autoptr(GError) error = NULL;
    NmifaceIfaceInfo *none;

    g_assert_true(mock_control_fail_next(method, "org.freedesktop.NetworkManager.Settings.Failed",
                                         "injected failure", &error));
    td_assert_no_error(error);
    /* Update2 of br0, AddConnection2 for eth1 and eth2, Delete of eth0's port profile. */
    none = td_driver()->define_xml(conn, bridge2_xml, 0, &error);
    g_assert_null(none);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED);
    g_test_message("%s failing: %s", method, error->message);
    g_assert_nonnull(strstr(error->message, expect_in_message));
    g_assert_nonnull(strstr(error->message, "injected failure"));

    after_xml = td_inactive_xml(conn, "br0");
    after_profiles = mt_dump_profiles();
    g_assert_cmpstr(after_xml, ==, before_xml);
    g_assert_cmpstr(after_profiles, ==, before_profiles);
    td_driver()->close(conn);
}

static void test_fault_add(void)
{
    check_fault("AddConnection2", "add profile");
}

static void test_fault_update(void)
{
    check_fault("Update2", "update profile");
}

static void test_fault_delete(void)
{
    check_fault("Delete", "delete profile");
}

/* NM leaves once it has the driver's ActivateConnection (which it answers only much later). */
static gpointer drop_when_activating(gpointer data)
{
    const guint *calls_before = data;
    g_autoptr(GError) error = NULL;

    if (!mt_wait_call_count("ActivateConnection", *calls_before + 1, 5000))
        g_error("the driver never called ActivateConnection");
    if (!mock_control_drop_off_bus(&error))
        g_error("DropOffBus: %s", error->message);
    return NULL;
}

static void test_nm_vanishes_mid_call(void)
{
    NmifaceDriverConn *conn = td_open();
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, mt_bridge_eth0_xml);
    g_autoptr(GError) error = NULL;
    g_autoptr(GThread) thread = NULL;
    g_autoptr(NmifaceIfaceInfo) back = NULL;
    guint calls_before = mt_call_count("ActivateConnection");
    gint64 start;

    g_assert_true(mock_control_set_delay("ActivateConnection", 5000, &error));
    td_assert_no_error(error);
    thread = g_thread_new("drop", drop_when_activating, &calls_before);
    start = g_get_monotonic_time();
    g_assert_false(td_driver()->create(conn, "br0", 0, &error));
    g_thread_join(g_steal_pointer(&thread));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT);
    g_test_message("NM gone mid-call: %s", error->message);
    g_assert_cmpint(g_get_monotonic_time() - start, <, 3 * G_USEC_PER_SEC);
    g_clear_error(&error);

    back = td_driver()->lookup_by_name(conn, "br0", &error);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT);
    g_clear_error(&error);

    g_assert_true(mock_control_set_delay("ActivateConnection", 0, &error));
    g_assert_true(mock_control_come_back(&error));
    td_assert_no_error(error);
    back = td_driver()->lookup_by_name(conn, "br0", &error);
    td_assert_no_error(error);
    g_assert_cmpstr(back->name, ==, "br0");
    td_driver()->close(conn);
}

/* Bounded poll: a listing succeeds within @timeout_ms, failing only by timing out before. */
static gboolean listing_recovers(NmifaceDriverConn *conn, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;

    for (;;) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) list = NULL;

        if (td_driver()->list_all(conn, 0, &list, &error))
            return TRUE;
        g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_TIMEOUT);
        if (g_get_monotonic_time() >= deadline)
            return FALSE;
        g_usleep(50 * G_TIME_SPAN_MILLISECOND);
    }
}

static void test_slow_reply_times_out(void)
{
    g_autoptr(GError) error = NULL;
    NmifaceDriverConn *conn = td_driver()->open("nm:///system?timeout_ms=400", FALSE, &error);
    NmifaceDriverConn *other = td_open();
    g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autoptr(GPtrArray) list = NULL;
    gint64 start;

    td_assert_no_error(error);
    info = td_define(conn, mt_bridge_eth0_xml);
    g_assert_true(mock_control_set_delay("ActivateConnection", 3000, &error));
    start = g_get_monotonic_time();
    g_assert_false(td_driver()->create(conn, "br0", 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_TIMEOUT);
    g_test_message("slow activation: %s", error->message);
    g_assert_nonnull(strstr(error->message, "activate interface 'br0'"));
    g_assert_cmpint(g_get_monotonic_time() - start, <, 2 * G_USEC_PER_SEC);
    g_clear_error(&error);
    g_assert_true(mock_control_set_delay("ActivateConnection", 0, &error));

    /* A profile changed elsewhere: the next listing waits for its settings, boundedly. */
    g_assert_true(mock_control_set_delay("GetSettings", 3000, &error));
    g_clear_pointer(&info, nmiface_iface_info_free);
    info = td_define(other, bridge2_xml);
    g_assert_false(td_driver()->list_all(conn, 0, &list, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_TIMEOUT);
    g_test_message("slow settings: %s", error->message);
    /* Either timeout may fire first, the call's or the wait's: both name the settings. */
    g_assert_nonnull(strstr(error->message, "send the settings of"));
    g_clear_error(&error);
    g_assert_true(mock_control_set_delay("GetSettings", 0, &error));
    /* Recovers once NM answers again (the slow replies still on their way arrive first). */
    g_assert_true(listing_recovers(conn, 10000));
    td_driver()->close(other);
    td_driver()->close(conn);
}

/* 8 threads x 500 mixed calls on one connection, serialised as the host does. */
static GMutex stress_lock;
static NmifaceDriverConn *stress_conn;

static gpointer stress_thread(gpointer data)
{
    guint seed = GPOINTER_TO_UINT(data);

    for (int i = 0; i < 500; i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) list = NULL;
        g_autoptr(NmifaceIfaceInfo) info = NULL;
        g_autofree char *xml = NULL;
        g_autofree char *name = g_strdup_printf("sbr%u", seed);
        g_autofree char *def = NULL;
        gboolean active;

        g_mutex_lock(&stress_lock);
        switch ((i + seed) % 10) {
        case 0:
        case 1:
            g_assert_true(td_driver()->list_all(stress_conn, 0, &list, &error));
            break;
        case 2:
            info = td_driver()->lookup_by_name(stress_conn, "eth0", &error);
            g_assert_nonnull(info);
            break;
        case 3:
            info = td_driver()->lookup_by_mac(stress_conn, "52:54:00:00:00:02", &error);
            g_assert_nonnull(info);
            break;
        case 4:
            xml = td_driver()->get_xml_desc(stress_conn, "eth1", 0, &error);
            g_assert_nonnull(xml);
            break;
        case 5:
            g_assert_true(td_driver()->is_active(stress_conn, "eth2", &active, &error));
            break;
        case 6:
            def = g_strdup_printf("<interface type='bridge' name='%s'><start mode='none'/>"
                                  "<bridge stp='off'/></interface>",
                                  name);
            info = td_driver()->define_xml(stress_conn, def, 0, &error);
            g_assert_nonnull(info);
            break;
        case 7:
            xml = td_driver()->get_xml_desc(stress_conn, name, VIR_INTERFACE_XML_INACTIVE, &error);
            if (xml == NULL)
                g_assert_error(error, NMIFACE_ERROR, VIR_ERR_NO_INTERFACE);
            g_clear_error(&error);
            break;
        case 8:
            if (!td_driver()->undefine(stress_conn, name, &error))
                g_assert_error(error, NMIFACE_ERROR, VIR_ERR_NO_INTERFACE);
            g_clear_error(&error);
            break;
        default:
            list = NULL;
            g_assert_true(td_driver()->list_all(stress_conn, VIR_CONNECT_LIST_INTERFACES_ACTIVE,
                                                &list, &error));
            break;
        }
        g_mutex_unlock(&stress_lock);
        td_assert_no_error(error);
    }
    return NULL;
}

static void test_threads(void)
{
    GThread *threads[8];
    gint64 start = g_get_monotonic_time();

    stress_conn = td_open();
    for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
        threads[i] = g_thread_new("stress", stress_thread, GUINT_TO_POINTER(i));
    for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
        g_thread_join(threads[i]);
    g_test_message("8 x 500 calls in %.1f s",
                   (g_get_monotonic_time() - start) / (double)G_USEC_PER_SEC);
    td_driver()->close(stress_conn);
}

static void test_not_running_at_open(void)
{
    g_autoptr(GError) error = NULL;
    NmifaceDriverConn *conn;

    g_assert_true(mock_control_drop_off_bus(&error));
    conn = td_driver()->open("nm:///system", FALSE, &error);
    g_assert_null(conn);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT);
    g_test_message("%s", error->message);
    g_clear_error(&error);
    g_assert_true(mock_control_come_back(&error));
    conn = td_open();
    td_driver()->close(conn);
}

/* The bus refuses the bulk reader's connection (its limit of connections per user: this case
 * runs with --max-connections): the load after NM restarts fetches over GDBus instead and the
 * listing is whole; with the bulk reader required, the refusal is the call's error. */
static void test_bulk_refused(void)
{
    g_autoptr(GDBusConnection) control = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, NULL);
    g_autoptr(GPtrArray) hogs = g_ptr_array_new_with_free_func(g_object_unref);
    g_autofree char *mode = g_strdup(g_getenv("NMIFACE_NM_BULK"));
    g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *before = NULL, *after = NULL;
    NmifaceDriverConn *conn;

    g_assert_nonnull(control); /* mock_control's connection, made before the bus is full */
    g_setenv("NMIFACE_NM_BULK", "require", TRUE);
    conn = td_open();
    info = td_define(conn, bridge2_xml);
    before = td_list_names(conn, 0);
    for (;;) {
        GDBusConnection *hog = g_dbus_connection_new_for_address_sync(
            g_getenv("DBUS_SYSTEM_BUS_ADDRESS"),
            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
            NULL, NULL, &error);

        if (hog == NULL)
            break;
        g_ptr_array_add(hogs, hog);
        g_assert_cmpuint(hogs->len, <, 64);
    }
    g_test_message("the bus refused connection %u: %s", hogs->len + 1, error->message);
    g_clear_error(&error);

    g_assert_true(mock_control_restart(&error));
    g_assert_false(td_driver()->list_all(conn, 0, &list, &error));
    g_test_message("bulk reader required: %s", error->message);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(error->message, "bulk settings reader"));
    g_clear_error(&error);

    g_unsetenv("NMIFACE_NM_BULK"); /* the default: GDBus when the bulk reader cannot be had */
    after = td_list_names(conn, 0);
    g_assert_cmpstr(after, ==, before);
    td_driver()->close(conn);
    if (mode != NULL)
        g_setenv("NMIFACE_NM_BULK", mode, TRUE);
}

/* GetSettings calls the mock answered since it had answered @before, on any connection. */
static guint settings_fetches_since(guint before)
{
    return mt_call_count("GetSettings") - before;
}

/* A connection whose calls so far were listings keeps each profile's listing keys alone (the
 * bulk reader drops its replies); the first call that reads settings fetches them all once,
 * and from then on they are kept. A connection whose first call reads settings loads them
 * with the mirror: no second fetch. */
static void test_listing_keeps_keys(void)
{
    g_autofree char *mode = g_strdup(g_getenv("NMIFACE_NM_BULK"));
    g_autoptr(NmifaceIfaceInfo) info = NULL;
    g_autoptr(NmifaceIfaceInfo) redefined = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *expect = NULL;
    g_autofree char *got = NULL;
    g_autofree char *stp_off = NULL;
    g_auto(GStrv) parts = NULL;
    NmifaceDriverConn *writer, *lister, *reader;
    guint profiles, before;

    g_setenv("NMIFACE_NM_BULK", "require", TRUE); /* the keys come from the bulk reader */
    writer = td_open();
    info = td_define(writer, bridge2_xml);
    expect = td_inactive_xml(writer, "br0");

    lister = td_open();
    before = mt_call_count("GetSettings");
    g_assert_true(td_driver()->list_all(lister, 0, &list, &error));
    td_assert_no_error(error);
    profiles = g_hash_table_size(lister->profiles);
    g_assert_cmpuint(profiles, >=, 3);
    g_assert_cmpuint(settings_fetches_since(before), ==, profiles);
    g_assert_cmpuint(nmi_profiles_count_keys_only(lister), ==, profiles);
    g_assert_true(td_listed(lister, "br0", VIR_CONNECT_LIST_INTERFACES_INACTIVE));
    g_assert_cmpuint(nmi_profiles_count_keys_only(lister), ==, profiles);

    /* GetXMLDesc reads br0's settings and its ports': every profile is fetched again, once. */
    before = mt_call_count("GetSettings");
    got = td_inactive_xml(lister, "br0");
    g_assert_cmpstr(got, ==, expect);
    g_assert_cmpuint(nmi_profiles_count_keys_only(lister), ==, 0);
    g_assert_cmpuint(settings_fetches_since(before), ==, profiles);
    g_clear_pointer(&got, g_free);
    before = mt_call_count("GetSettings");
    got = td_inactive_xml(lister, "br0");
    g_assert_cmpstr(got, ==, expect);
    g_assert_cmpuint(settings_fetches_since(before), ==, 0);

    /* Settings kept from then on: a redefinition merges into them, listings keep them. */
    parts = g_strsplit(bridge2_xml, "stp='on'", 2);
    stp_off = g_strjoinv("stp='off'", parts);
    redefined = td_define(lister, stp_off);
    g_clear_pointer(&got, g_free);
    got = td_inactive_xml(writer, "br0");
    g_assert_nonnull(strstr(got, "stp='off'"));
    g_clear_pointer(&list, g_ptr_array_unref);
    g_assert_true(td_driver()->list_all(lister, 0, &list, &error));
    td_assert_no_error(error);
    g_assert_cmpuint(nmi_profiles_count_keys_only(lister), ==, 0);

    /* First call reads settings: one fetch per profile, settings kept. */
    reader = td_open();
    before = mt_call_count("GetSettings");
    g_clear_pointer(&got, g_free);
    got = td_inactive_xml(reader, "br0");
    g_assert_nonnull(strstr(got, "stp='off'"));
    g_assert_cmpuint(settings_fetches_since(before), ==, g_hash_table_size(reader->profiles));
    g_assert_cmpuint(nmi_profiles_count_keys_only(reader), ==, 0);

    td_driver()->close(reader);
    td_driver()->close(lister);
    td_driver()->close(writer);
    if (mode != NULL)
        g_setenv("NMIFACE_NM_BULK", mode, TRUE);
    else
        g_unsetenv("NMIFACE_NM_BULK");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!mt_in_mock())
        return td_skip("not inside tests/dbus-mock/run-with-mock");
    g_test_add_func("/mock-driver/bond-activation", test_bond_activation);
    g_test_add_func("/mock-driver/vlan-activation", test_vlan_activation);
    g_test_add_func("/mock-driver/activation-failure-reason", test_activation_failure_reason);
    g_test_add_func("/mock-driver/activation-failure-retry-pending",
                    test_activation_failure_retry_pending);
    g_test_add_func("/mock-driver/fault-add", test_fault_add);
    g_test_add_func("/mock-driver/fault-update", test_fault_update);
    g_test_add_func("/mock-driver/fault-delete", test_fault_delete);
    g_test_add_func("/mock-driver/nm-vanishes-mid-call", test_nm_vanishes_mid_call);
    g_test_add_func("/mock-driver/slow-reply-times-out", test_slow_reply_times_out);
    g_test_add_func("/mock-driver/not-running-at-open", test_not_running_at_open);
    g_test_add_func("/mock-driver/threads", test_threads);
    g_test_add_func("/mock-driver/bulk-refused", test_bulk_refused);
    g_test_add_func("/mock-driver/listing-keeps-keys", test_listing_keeps_keys);
    return g_test_run();
}
