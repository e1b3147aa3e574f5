/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Transactions on a real NetworkManager (run inside tests/realnm/nm-sandbox with veth pairs
 * tv0:tv0p and tv1:tv1p). Each scenario compares a snapshot of the whole state taken before
 * Begin with the one after Rollback (identical), or checks after Commit that /etc holds the
 * new state and that it survives a reboot.
 *
 * Starting state: "keep" (ethernet on tv1, inactive, /etc) and an active bridge "br0" with
 * port "br0-port" on tv0 (both /etc).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "nm-driver.h"
#include "txn-nm.h"
#include "txn-snapshot.h"

static char *boot_id_file;

typedef struct {
    NmifaceDriverConn *conn;
    char *before; /* snapshot before Begin */
} Fixture;

static void set_boot_id(const char *id)
{
    g_assert_true(g_file_set_contents(boot_id_file, id, -1, NULL));
}

static void fixture_set_up(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;

    set_boot_id("boot-1\n");
    out = txn_sh_ok(
        "set -e\n"
        "nmcli con add type ethernet ifname tv1 con-name keep autoconnect no "
        "  ipv4.method manual ipv4.addresses 10.9.0.1/24 ipv6.method disabled >/dev/null\n"
        "nmcli con add type bridge ifname br0 con-name br0 autoconnect no bridge.stp no "
        "  ipv4.method manual ipv4.addresses 10.8.0.1/24 ipv6.method disabled >/dev/null\n"
        "nmcli con add type ethernet ifname tv0 con-name br0-port master br0 slave-type bridge "
        "  autoconnect no >/dev/null\n"
        "nmcli con up br0 >/dev/null\n"
        "nmcli con up br0-port >/dev/null\n");
    f->conn = nmi_session_open(NULL, FALSE, &error);
    g_assert_no_error(error);
    g_main_context_push_thread_default(f->conn->context);
    f->before = txn_snapshot();
}

static void fixture_tear_down(Fixture *f, gconstpointer data)
{
    g_main_context_pop_thread_default(f->conn->context);
    nmi_session_close(f->conn);
    g_free(f->before);
}

static NmiProfile *profile_by_id(Fixture *f, const char *id)
{
    GHashTableIter iter;
    NmiProfile *profile;
    g_autoptr(GError) error = NULL;

    g_assert_true(nmi_sync(f->conn, &error));
    g_hash_table_iter_init(&iter, f->conn->profiles);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&profile))
        if (g_strcmp0(nm_connection_get_id(nmi_profile_connection(profile)), id) == 0)
            return profile;
    return NULL;
}

static void begin(Fixture *f, guint timeout)
{
    g_autoptr(GError) error = NULL;
    gboolean ok = nm_txn_change_begin(f->conn, timeout, 0, &error);

    g_assert_no_error(error);
    g_assert_true(ok);
    g_assert_cmpuint(f->conn->storage.add_flags, ==, NM_SETTINGS_ADD_CONNECTION2_FLAG_IN_MEMORY);
    g_assert_cmpuint(f->conn->storage.update_flags, ==,
                     NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY_DETACHED);
    /* A second Begin is refused while this one is open. */
    g_assert_false(nm_txn_change_begin(f->conn, 0, 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
}

static void rollback(Fixture *f)
{
    g_autoptr(GError) error = NULL;
    gboolean ok = nm_txn_change_rollback(f->conn, 0, &error);

    g_assert_no_error(error);
    g_assert_true(ok);
    g_assert_false(nm_txn_change_rollback(f->conn, 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
}

static void commit(Fixture *f)
{
    g_autoptr(GError) error = NULL;
    gboolean ok = nm_txn_change_commit(f->conn, 0, &error);

    g_assert_no_error(error);
    g_assert_true(ok);
    g_assert_cmpuint(f->conn->storage.add_flags, ==, NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK);
    g_assert_cmpuint(f->conn->storage.update_flags, ==, NM_SETTINGS_UPDATE2_FLAG_TO_DISK);
    g_assert_false(nm_txn_change_commit(f->conn, 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
}

static char *etc_file(const char *id)
{
    g_autofree char *path =
        g_strdup_printf("/etc/NetworkManager/system-connections/%s.nmconnection", id);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return text;
}

/* Change keep's address the way define does inside a transaction. */
static void modify_keep(Fixture *f, const char *address)
{
    g_autoptr(GError) error = NULL;
    NmiProfile *profile = profile_by_id(f, "keep");
    g_autoptr(NmiProfileCopy) copy = NULL;
    g_autoptr(NMConnection) changed = NULL;
    NMIPAddress *addr = nm_ip_address_new(AF_INET, address, 24, &error);
    NMSettingIPConfig *ip4;

    g_assert_nonnull(profile);
    copy = nmi_profile_copy_new(profile);
    changed = nm_simple_connection_new_clone(copy->connection);
    ip4 = nm_connection_get_setting_ip4_config(changed);
    nm_setting_ip_config_clear_addresses(ip4);
    nm_setting_ip_config_add_address(ip4, addr);
    nm_ip_address_unref(addr);
    g_assert_true(nm_txn_storage_refresh(f->conn, &error));
    g_assert_true(
        nmi_profile_update(f->conn, copy, changed, f->conn->storage.update_flags, NULL, &error));
    g_assert_no_error(error);
}

static void delete_profile(Fixture *f, const char *id)
{
    g_autoptr(GError) error = NULL;
    NmiProfile *profile = profile_by_id(f, id);
    g_autoptr(NmiProfileCopy) copy = NULL;

    g_assert_nonnull(profile);
    copy = nmi_profile_copy_new(profile);
    g_assert_true(nm_txn_storage_refresh(f->conn, &error));
    g_assert_true(nmi_storage_profile_delete(f->conn, copy, NULL, &error));
    g_assert_no_error(error);
}

static NMConnection *new_profile(const char *type, const char *id, const char *ifname,
                                 const char *master)
{
    NMConnection *c = nm_simple_connection_new();
    g_autofree char *uuid = g_uuid_string_random();
    NMSetting *s = nm_setting_connection_new();

    g_object_set(s, NM_SETTING_CONNECTION_ID, id, NM_SETTING_CONNECTION_UUID, uuid,
                 NM_SETTING_CONNECTION_TYPE, type, NM_SETTING_CONNECTION_INTERFACE_NAME, ifname,
                 NM_SETTING_CONNECTION_AUTOCONNECT, FALSE, NULL);
    if (master != NULL)
        g_object_set(s, NM_SETTING_CONNECTION_MASTER, master, NM_SETTING_CONNECTION_SLAVE_TYPE,
                     "bridge", NULL);
    nm_connection_add_setting(c, s);
    if (g_str_equal(type, "bridge")) {
        NMSetting *ip4 = nm_setting_ip4_config_new();
        NMSetting *ip6 = nm_setting_ip6_config_new();

        nm_connection_add_setting(c, nm_setting_bridge_new());
        g_object_set(nm_connection_get_setting_bridge(c), NM_SETTING_BRIDGE_STP, FALSE, NULL);
        g_object_set(ip4, NM_SETTING_IP_CONFIG_METHOD, "disabled", NULL);
        nm_connection_add_setting(c, ip4);
        g_object_set(ip6, NM_SETTING_IP_CONFIG_METHOD, "disabled", NULL);
        nm_connection_add_setting(c, ip6);
    } else {
        nm_connection_add_setting(c, nm_setting_wired_new());
    }
    g_assert_true(nm_connection_normalize(c, NULL, NULL, NULL));
    return c;
}

/* A new bridge br1 with port tv1, stored as define stores inside a transaction, then up. */
static void add_bridge(Fixture *f)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NMConnection) br = new_profile("bridge", "br1", "br1", NULL);
    g_autoptr(NMConnection) port = new_profile("802-3-ethernet", "br1-port", "tv1", "br1");
    g_autofree char *p1 = NULL;
    g_autofree char *p2 = NULL;

    g_assert_true(nm_txn_storage_refresh(f->conn, &error));
    p1 = nmi_profile_add(f->conn, br, f->conn->storage.add_flags, NULL, &error);
    g_assert_no_error(error);
    p2 = nmi_profile_add(f->conn, port, f->conn->storage.add_flags, NULL, &error);
    g_assert_no_error(error);
    g_free(txn_sh_ok("nmcli con up br1-port"));
    g_free(txn_sh_ok("for i in $(seq 100); do "
                     "  nmcli -g GENERAL.STATE con show br1 | grep -q activated && exit 0; "
                     "  sleep 0.1; "
                     "done; exit 1"));
}

static void reboot_nm(void)
{
    g_free(txn_sh_ok("\"$NMIFACE_SANDBOX_CTL\" reboot && \"$NMIFACE_SANDBOX_CTL\" wait-startup"));
}

static void restart_nm(Fixture *f)
{
    g_autoptr(GError) error = NULL;

    g_free(txn_sh_ok("\"$NMIFACE_SANDBOX_CTL\" restart-nm && "
                     "\"$NMIFACE_SANDBOX_CTL\" wait-startup"));
    g_assert_true(nmi_sync(f->conn, &error));
    g_assert_no_error(error);
}

static void check_rolled_back(Fixture *f, const char *what)
{
    g_autofree char *after = txn_snapshot();

    txn_assert_same_snapshot(what, f->before, after);
}

/* Rollback and compare with the snapshot before Begin (FALSE: the scenario is over), or
 * Commit (TRUE: the scenario goes on to check the committed state). */
static gboolean finish(Fixture *f, gboolean do_commit, const char *what)
{
    if (!do_commit) {
        rollback(f);
        check_rolled_back(f, what);
        return FALSE;
    }
    commit(f);
    return TRUE;
}

static void assert_address(const char *profile, const char *address)
{
    g_autofree char *cmd = g_strdup_printf("nmcli -g ipv4.addresses con show %s", profile);
    g_autofree char *addr = txn_sh_ok(cmd);

    g_assert_cmpstr(g_strstrip(addr), ==, address);
}

static void assert_etc_has(const char *id, const char *text)
{
    g_autofree char *content = etc_file(id);

    g_assert_nonnull(content);
    g_assert_nonnull(strstr(content, text));
}

/* ---- scenarios --------------------------------------------------------------------------- */

static void test_modify_inactive(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *etc_before = etc_file("keep");
    g_autofree char *etc_during = NULL;
    g_autofree char *etc_after = NULL;

    begin(f, 0);
    modify_keep(f, "10.9.0.2");
    etc_during = etc_file("keep");
    g_assert_cmpstr(etc_during, ==, etc_before); /* /etc untouched until Commit */
    if (!finish(f, do_commit, "modify-inactive rollback"))
        return;
    etc_after = etc_file("keep");
    g_assert_nonnull(strstr(etc_after, "10.9.0.2/24"));
    g_assert_false(g_file_test("/run/NetworkManager/system-connections/keep.nmconnection",
                               G_FILE_TEST_EXISTS));
    reboot_nm();
    assert_address("keep", "10.9.0.2/24");
}

static void test_delete_inactive(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *etc_before = etc_file("keep");
    g_autofree char *etc_during = NULL;
    g_autofree char *names = NULL;

    begin(f, 0);
    delete_profile(f, "keep");
    etc_during = etc_file("keep");
    g_assert_cmpstr(etc_during, ==, etc_before);
    if (!finish(f, do_commit, "delete-inactive rollback"))
        return;
    g_assert_null(etc_file("keep"));
    names = txn_sh_ok("ls -A /run/NetworkManager/system-connections");
    g_assert_null(strstr(names, ".nmmeta"));
    reboot_nm();
    g_assert_null(txn_sh("nmcli con show keep >/dev/null 2>&1"));
}

static void test_new_bridge(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);

    begin(f, 0);
    add_bridge(f);
    g_assert_null(etc_file("br1"));
    if (!finish(f, do_commit, "new-bridge rollback"))
        return;
    g_assert_nonnull(etc_file("br1"));
    g_assert_nonnull(etc_file("br1-port"));
    reboot_nm();
    g_free(txn_sh_ok("nmcli con show br1 >/dev/null && nmcli con show br1-port >/dev/null"));
}

static void test_destroy_bridge(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *state = NULL;

    begin(f, 0);
    /* NM 1.42 cannot restore a software bridge brought down inside a checkpoint. */
    g_free(txn_sh_ok("nmcli con down br0"));
    if (!finish(f, do_commit, "destroy-bridge rollback"))
        return;
    txn_settle();
    state = txn_sh_ok("nmcli -g GENERAL.STATE con show br0");
    g_assert_cmpstr(g_strstrip(state), ==, "");
    g_assert_nonnull(etc_file("br0"));
}

/* A bridge on DHCP without ports is up while NM waits for ports (IP_CONFIG): Rollback brings
 * it back and counts it up, as Create does, instead of waiting for an activation that ends
 * only when DHCP gives up (after the call's timeout). */
static void test_waiting_bridge(Fixture *f, gconstpointer data)
{
    static const char waiting[] = "70 (connecting (getting IP configuration))";
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *state = NULL;
    gint64 start;

    g_free(txn_sh_ok("nmcli con add type bridge ifname br9 con-name br9 autoconnect no "
                     "bridge.stp no ipv4.method auto ipv6.method disabled >/dev/null && "
                     "nmcli -w 0 con up br9 >/dev/null"));
    for (guint i = 0; i < 100; i++) {
        g_free(state);
        state = g_strstrip(txn_sh_ok("nmcli -g GENERAL.STATE device show br9"));
        if (g_str_equal(state, waiting))
            break;
        g_usleep(100000);
    }
    g_assert_cmpstr(state, ==, waiting);
    begin(f, 0);
    g_free(txn_sh_ok("nmcli con delete br9 >/dev/null"));
    if (do_commit) {
        commit(f);
        g_assert_null(etc_file("br9"));
        return;
    }
    start = g_get_monotonic_time();
    rollback(f);
    g_assert_cmpint(g_get_monotonic_time() - start, <, 10 * G_USEC_PER_SEC);
    g_assert_nonnull(etc_file("br9"));
    g_free(state);
    state = g_strstrip(txn_sh_ok("nmcli -g GENERAL.STATE device show br9"));
    g_assert_cmpstr(state, ==, waiting);
}

/* The UUID of the only loopback profile, once NM has it and lo is connected externally with
 * it (NM makes its own again right after its profile goes); NULL if that does not come. */
static char *generated_lo_uuid(void)
{
    for (guint i = 0; i < 100; i++) {
        g_autofree char *out = txn_sh("nmcli -t -f UUID,TYPE con show | sed -n 's/:loopback$//p'; "
                                      "nmcli -g GENERAL.STATE device show lo");
        g_auto(GStrv) lines = g_strsplit(out != NULL ? out : "", "\n", -1);

        if (g_strv_length(lines) == 3 && g_str_equal(lines[1], "100 (connected (externally))"))
            return g_strdup(lines[0]);
        g_usleep(50000);
    }
    return NULL;
}

/* @snapshot with lo's profile block (of @uuid) moved to its end, as blocks are in UUID order,
 * @uuid written "LO-UUID", and what NM itself changes when its lo profile is deleted, with or
 * without a transaction (measured): the keyfile's timestamp, lo's addrgenmode (eui64 to none;
 * NM's API cannot set it back). */
static char *normalise_lo(const char *snapshot, const char *uuid)
{
    g_autofree char *marker = g_strdup_printf("== profile %s\n", uuid);
    const char *start = strstr(snapshot, marker);
    const char *end = start != NULL ? strstr(start + 1, "\n== ") : NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GRegex) volatile_bits = g_regex_new(
        "^timestamp=[0-9]+$|(?<=^lo: ).* addrgenmode [a-z0-9]+", G_REGEX_MULTILINE, 0, NULL);

    g_assert_nonnull(end);
    g_string_append_len(out, snapshot, start - snapshot);
    g_string_append(out, end + 1);
    g_string_append_len(out, start, end + 1 - start);
    g_string_replace(out, uuid, "LO-UUID", 0);
    return g_regex_replace_literal(volatile_bits, out->str, -1, 0, "(NM's)", 0, NULL);
}

/* NM's own lo profile deleted in the transaction: NM makes a new one at once (a new UUID), and
 * NM 1.42's checkpoint rollback re-adds the old one, to /etc and as a profile of its own, and
 * activates it. Rollback (and Commit) end with NM's generated profile only, as at Begin, up
 * to its UUID, which is NM's to pick. */
static void test_loopback(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *uuid_before = generated_lo_uuid();
    g_autofree char *uuid_after = NULL;
    g_autofree char *after = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *normalised = NULL;

    g_assert_nonnull(uuid_before);
    begin(f, 0);
    g_free(txn_sh_ok("nmcli con delete lo >/dev/null"));
    if (do_commit)
        commit(f);
    else
        rollback(f);
    uuid_after = generated_lo_uuid();
    g_assert_nonnull(uuid_after);
    g_assert_null(etc_file("lo"));
    expected = normalise_lo(f->before, uuid_before);
    after = txn_snapshot();
    normalised = normalise_lo(after, uuid_after);
    txn_assert_same_snapshot(do_commit ? "loopback commit" : "loopback rollback", expected,
                             normalised);
}

static void test_restart_nm(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);

    begin(f, 0);
    modify_keep(f, "10.9.0.3");
    add_bridge(f);
    /* NM forgets the checkpoint: the journal alone must do. */
    restart_nm(f);
    if (!finish(f, do_commit, "restart-nm rollback"))
        return;
    assert_etc_has("keep", "10.9.0.3/24");
    g_assert_nonnull(etc_file("br1"));
}

static void test_reboot(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *etc_before = txn_sh_ok("cd /etc/NetworkManager/system-connections && "
                                            "for f in *; do echo \"-- $f\"; cat \"$f\"; done");
    g_autofree char *etc_after = NULL;
    g_autoptr(GError) error = NULL;

    begin(f, 0);
    modify_keep(f, "10.9.0.4");
    delete_profile(f, "br0-port");
    add_bridge(f);
    reboot_nm();
    set_boot_id("boot-2\n"); /* a reboot is a new boot: the journal in /run is stale */
    g_assert_true(nmi_sync(f->conn, &error));
    assert_address("keep", "10.9.0.1/24");
    g_assert_null(txn_sh("nmcli con show br1 >/dev/null 2>&1"));
    g_free(txn_sh_ok("nmcli con show br0-port >/dev/null"));
    etc_after = txn_sh_ok("cd /etc/NetworkManager/system-connections && "
                          "for f in *; do echo \"-- $f\"; cat \"$f\"; done");
    g_assert_cmpstr(etc_after, ==, etc_before);
    if (do_commit)
        g_assert_false(nm_txn_change_commit(f->conn, 0, &error));
    else
        g_assert_false(nm_txn_change_rollback(f->conn, 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
}

/* Change br0's address the way define does inside a transaction, then re-start it. */
static void modify_bridge_and_restart(Fixture *f)
{
    g_autoptr(GError) error = NULL;
    NmiProfile *profile = profile_by_id(f, "br0");
    g_autoptr(NmiProfileCopy) copy = NULL;
    g_autoptr(NMConnection) changed = NULL;
    NMIPAddress *addr = nm_ip_address_new(AF_INET, "10.8.0.9", 24, &error);
    NMSettingIPConfig *ip4;

    g_assert_nonnull(profile);
    copy = nmi_profile_copy_new(profile);
    changed = nm_simple_connection_new_clone(copy->connection);
    ip4 = nm_connection_get_setting_ip4_config(changed);
    nm_setting_ip_config_clear_addresses(ip4);
    nm_setting_ip_config_add_address(ip4, addr);
    nm_ip_address_unref(addr);
    g_assert_true(nm_txn_storage_refresh(f->conn, &error));
    g_assert_true(
        nmi_profile_update(f->conn, copy, changed, f->conn->storage.update_flags, NULL, &error));
    g_assert_no_error(error);
    g_free(txn_sh_ok("nmcli con up br0 >/dev/null && nmcli con up br0-port >/dev/null"));
}

/* Undefine of an active interface: its profiles become volatile, the interface stays up. */
static void undefine_active(Fixture *f, const char *id)
{
    g_autoptr(GError) error = NULL;
    NmiProfile *profile = profile_by_id(f, id);
    g_autoptr(NmiProfileCopy) copy = NULL;

    g_assert_nonnull(profile);
    copy = nmi_profile_copy_new(profile);
    g_assert_true(nm_txn_storage_refresh(f->conn, &error));
    g_assert_true(nmi_profile_update(f->conn, copy, NULL,
                                     nmi_storage_volatile_update_flags(f->conn), NULL, &error));
    g_assert_no_error(error);
}

static void test_modify_active(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *etc_before = etc_file("br0");
    g_autofree char *etc_during = NULL;

    begin(f, 0);
    modify_bridge_and_restart(f);
    etc_during = etc_file("br0");
    g_assert_cmpstr(etc_during, ==, etc_before);
    if (!finish(f, do_commit, "modify-active rollback"))
        return;
    assert_etc_has("br0", "10.8.0.9/24");
    reboot_nm();
    assert_address("br0", "10.8.0.9/24");
}

static void test_undefine_active(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *etc_before = etc_file("br0");
    g_autofree char *etc_during = NULL;
    g_autofree char *state = NULL;

    begin(f, 0);
    undefine_active(f, "br0-port");
    undefine_active(f, "br0");
    etc_during = etc_file("br0");
    g_assert_cmpstr(etc_during, ==, etc_before);
    if (!finish(f, do_commit, "undefine-active rollback"))
        return;
    g_assert_null(etc_file("br0"));
    g_assert_null(etc_file("br0-port"));
    state = txn_sh_ok("nmcli -g GENERAL.STATE con show br0");
    g_assert_cmpstr(g_strstrip(state), ==, "activated"); /* undefined, still up (netcf) */
    reboot_nm();
    g_assert_null(txn_sh("nmcli con show br0 >/dev/null 2>&1"));
}

static void test_all_in_one(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);

    begin(f, 0);
    modify_keep(f, "10.9.0.6");
    add_bridge(f);
    modify_bridge_and_restart(f);
    g_free(txn_sh_ok("nmcli con down br0"));
    delete_profile(f, "br0-port");
    if (!finish(f, do_commit, "all-in-one rollback"))
        return;
    assert_etc_has("keep", "10.9.0.6/24");
    assert_etc_has("br0", "10.8.0.9/24");
    g_assert_nonnull(etc_file("br1"));
    g_assert_null(etc_file("br0-port"));
    reboot_nm();
    assert_address("keep", "10.9.0.6/24");
    g_assert_null(txn_sh("nmcli con show br0-port >/dev/null 2>&1"));
}

/* The same promises through the driver's own entry points, as a libvirt caller makes them:
 * define edits an inactive profile, destroy and undefine an active bridge, define and create a
 * new bridge. */
static void driver_ok(gboolean ok, GError *error)
{
    g_assert_no_error(error);
    g_assert_true(ok);
}

static void test_driver(Fixture *f, gconstpointer data)
{
    static const char keep_xml[] = "<interface type='ethernet' name='tv1'>\n"
                                   "  <start mode='none'/>\n"
                                   "  <protocol family='ipv4'>\n"
                                   "    <ip address='10.9.0.7' prefix='24'/>\n"
                                   "  </protocol>\n"
                                   "</interface>\n";
    static const char br3_xml[] = "<interface type='bridge' name='br3'>\n"
                                  "  <start mode='onboot'/>\n"
                                  "  <protocol family='ipv4'>\n"
                                  "    <ip address='10.7.0.1' prefix='24'/>\n"
                                  "  </protocol>\n"
                                  "  <bridge stp='off'/>\n"
                                  "</interface>\n";
    const NmifaceDriver *drv = nmi_nm_driver();
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *etc_before = etc_file("keep");
    GError *error = NULL;
    NmifaceIfaceInfo *info;

    begin(f, 0);
    info = drv->define_xml(f->conn, keep_xml, 0, &error);
    g_assert_no_error(error);
    nmiface_iface_info_free(info);
    driver_ok(drv->destroy(f->conn, "br0", 0, &error), error);
    driver_ok(drv->undefine(f->conn, "br0", &error), error);
    info = drv->define_xml(f->conn, br3_xml, 0, &error);
    g_assert_no_error(error);
    nmiface_iface_info_free(info);
    driver_ok(drv->create(f->conn, "br3", 0, &error), error);
    /* /etc untouched until Commit */
    g_autofree char *etc_during = etc_file("keep");
    g_assert_cmpstr(etc_during, ==, etc_before);
    g_assert_nonnull(etc_file("br0"));
    g_assert_null(etc_file("br3"));
    if (!finish(f, do_commit, "driver rollback"))
        return;
    assert_etc_has("keep", "10.9.0.7/24");
    g_assert_null(etc_file("br0"));
    g_assert_null(etc_file("br0-port"));
    g_assert_nonnull(etc_file("br3"));
    reboot_nm();
    assert_address("keep", "10.9.0.7/24");
    g_assert_null(txn_sh("nmcli con show br0 >/dev/null 2>&1"));
}

/* An interrupted Commit or Rollback is finished by running it again: here the whole thing runs
 * a second time from the journal as it was when it started. */
static void test_rerun(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiTxnJournal) copy = NULL;
    g_autofree char *first = NULL;
    g_autofree char *second = NULL;

    begin(f, 0);
    modify_keep(f, "10.9.0.7");
    delete_profile(f, "br0-port");
    add_bridge(f);
    copy = nmi_txn_journal_load(&error);
    g_assert_nonnull(copy);
    if (do_commit)
        commit(f);
    else
        rollback(f);
    first = txn_snapshot();
    copy->header.phase = do_commit ? NMI_TXN_PHASE_COMMITTING : NMI_TXN_PHASE_ROLLING_BACK;
    g_assert_true(nmi_txn_journal_publish(copy, &error));
    if (do_commit)
        commit(f);
    else
        rollback(f);
    second = txn_snapshot();
    txn_assert_same_snapshot("second run", first, second);
    if (!do_commit)
        txn_assert_same_snapshot("rerun rollback", f->before, second);
}

static gboolean journal_gone(void)
{
    g_autoptr(NmiTxnJournal) journal = nmi_txn_journal_load(NULL);

    return journal == NULL;
}

/* The beginner is another process that exits at once: the watchdog is on its own. */
static void begin_elsewhere(guint timeout)
{
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *cmd = g_strdup_printf("'%s' --begin-and-exit %u", self, timeout);

    g_free(txn_sh_ok(cmd));
}

static void test_timeout(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *addr = NULL;

    begin_elsewhere(4);
    modify_keep(f, "10.9.0.5");
    delete_profile(f, "br0-port");
    if (do_commit) {
        commit(f);
        g_usleep(8 * G_USEC_PER_SEC); /* past deadline and grace: the watchdog does nothing */
        addr = txn_sh_ok("nmcli -g ipv4.addresses con show keep");
        g_assert_cmpstr(g_strstrip(addr), ==, "10.9.0.5/24");
        g_assert_null(txn_sh("nmcli con show br0-port >/dev/null 2>&1"));
        return;
    }
    for (guint i = 0; i < 300 && !journal_gone(); i++)
        g_usleep(100000);
    g_assert_true(journal_gone());
    check_rolled_back(f, "timeout rollback by the watchdog");
}

#define RACERS      8
#define RACE_ROUNDS 50

/* A journal that Begin left on an earlier boot, in a /run that survived the reboot. */
static void plant_stale_journal(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiTxnJournal) old = NULL;

    set_boot_id("boot-0\n");
    old = nmi_txn_journal_new(&error);
    g_assert_no_error(error);
    old->header.phase = NMI_TXN_PHASE_OPEN;
    g_free(old->header.checkpoint);
    old->header.checkpoint = g_strdup("/org/freedesktop/NetworkManager/Checkpoint/99");
    g_assert_true(nmi_txn_journal_publish(old, &error));
    g_assert_no_error(error);
    set_boot_id("boot-1\n");
}

/* RACERS processes each connect to NM, then wait on a pipe; closing it releases them into
 * Begin at once. Exactly one wins, the others are refused naming the open transaction.
 * Returns the winner's pid. */
static GPid race_round(const char *self, guint round)
{
    int ready[2], go[2];
    GPid pids[RACERS], winner = 0;
    guint wins = 0, refused = 0;
    char byte;

    g_assert_true(g_unix_open_pipe(ready, FD_CLOEXEC, NULL));
    g_assert_true(g_unix_open_pipe(go, FD_CLOEXEC, NULL));
    for (guint i = 0; i < RACERS; i++) {
        const char *argv[] = {self, "--begin-on-release", NULL};
        const int source[] = {ready[1], go[0]};
        const int target[] = {3, 4};
        g_autoptr(GError) error = NULL;

        g_assert_true(g_spawn_async_with_pipes_and_fds(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                                       NULL, NULL, -1, -1, -1, source, target, 2,
                                                       &pids[i], NULL, NULL, NULL, &error));
        g_assert_no_error(error);
    }
    close(ready[1]);
    close(go[0]);
    for (guint i = 0; i < RACERS; i++)
        g_assert_cmpint(read(ready[0], &byte, 1), ==, 1);
    close(ready[0]);
    close(go[1]);
    for (guint i = 0; i < RACERS; i++) {
        int status;

        g_assert_cmpint(waitpid(pids[i], &status, 0), ==, pids[i]);
        g_assert_true(WIFEXITED(status));
        if (WEXITSTATUS(status) == 0) {
            wins++;
            winner = pids[i];
        } else if (WEXITSTATUS(status) == 3) {
            refused++;
        }
    }
    if (wins != 1 || refused != RACERS - 1)
        g_error("round %u: %u Begins won and %u were refused of %d", round, wins, refused, RACERS);
    return winner;
}

/* RACE_ROUNDS rounds of RACERS Begins at once (with a journal of an earlier boot present
 * when the case is race-stale): one winner, whose transaction is the open one and whose
 * Rollback restores the state exactly. */
static void test_race(Fixture *f, gconstpointer data)
{
    gboolean stale = GPOINTER_TO_INT(data);
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);

    for (guint round = 0; round < RACE_ROUNDS; round++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(NmiTxnHeader) open = NULL;
        g_autofree char *address = g_strdup_printf("10.9.0.%u", 100 + round);
        g_autofree char *what = g_strdup_printf("rollback of round %u", round);
        GPid winner;

        if (stale)
            plant_stale_journal();
        winner = race_round(self, round);
        open = nmi_txn_journal_peek(&error);
        g_assert_no_error(error);
        g_assert_nonnull(open);
        g_assert_cmpint(open->pid, ==, winner);
        g_assert_cmpstr(open->boot_id, ==, "boot-1");
        g_assert_cmpint(open->phase, ==, NMI_TXN_PHASE_OPEN);
        modify_keep(f, address);
        rollback(f);
        check_rolled_back(f, what);
    }
}

/* The beginner is SIGKILLed after Begin: the transaction stays open for anyone to finish. */
static void test_kill_beginner(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *cmd = g_strdup_printf("'%s' --begin-and-die; echo $?", self);
    g_autofree char *status = txn_sh_ok(cmd);
    g_autoptr(NmiTxnJournal) journal = nmi_txn_journal_load(NULL);

    g_assert_cmpstr(g_strstrip(status), ==, "137");
    g_assert_nonnull(journal);
    g_assert_cmpint(journal->header.phase, ==, NMI_TXN_PHASE_OPEN);
    modify_keep(f, "10.9.0.8");
    if (!finish(f, do_commit, "rollback after the beginner was killed"))
        return;
    assert_etc_has("keep", "10.9.0.8/24");
}

static gboolean finish_call(Fixture *f, gboolean do_commit, GError **error)
{
    return do_commit ? nm_txn_change_commit(f->conn, 0, error)
                     : nm_txn_change_rollback(f->conn, 0, error);
}

/* The journal a Begin in process @pid publishes before it records the restore point, begun at
 * @begin_time (realtime us). */
static void plant_beginning(GPid pid, gint64 begin_time)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiTxnJournal) journal = nmi_txn_journal_new(&error);

    g_assert_no_error(error);
    journal->header.pid = pid;
    journal->header.begin_time = begin_time;
    g_assert_true(nmi_txn_journal_publish(journal, &error));
    g_assert_no_error(error);
}

/* Another process's Begin still recording its restore point: Commit and Rollback refuse to
 * finish it (they would pull its journal away and fail it) and leave everything as it is.
 * Its journal is finished once the pid is a process started after it (reused), or gone. */
static void test_begin_in_progress(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    const char *argv[] = {"sleep", "120", NULL};
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiTxnJournal) kept = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *after = NULL;
    GPid child;

    g_assert_true(g_spawn_async(NULL, (char **)argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &child,
                                &error));
    g_assert_no_error(error);
    plant_beginning(child, g_get_real_time());
    g_assert_false(finish_call(f, do_commit, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
    expected = g_strdup_printf("a transaction is still being begun by process %d", child);
    g_assert_cmpstr(error->message, ==, expected);
    g_clear_error(&error);
    kept = nmi_txn_journal_load(&error);
    g_assert_no_error(error);
    g_assert_nonnull(kept);
    g_assert_cmpint(kept->header.phase, ==, NMI_TXN_PHASE_BEGINNING);
    after = txn_snapshot();
    g_assert_cmpstr(after, ==, f->before);

    /* The same pid in a journal an hour older than that process: not its Begin. */
    g_assert_true(nmi_txn_journal_remove(kept->header.id, &error));
    plant_beginning(child, g_get_real_time() - (gint64)3600 * G_USEC_PER_SEC);
    g_assert_true(finish_call(f, do_commit, &error));
    g_assert_no_error(error);
    g_assert_true(journal_gone());

    /* The Begin's process died: its journal is finished, nothing changed under it. */
    kill(child, SIGKILL);
    g_assert_cmpint(waitpid(child, NULL, 0), ==, child);
    g_spawn_close_pid(child);
    plant_beginning(child, g_get_real_time());
    g_assert_true(finish_call(f, do_commit, &error));
    g_assert_no_error(error);
    g_assert_true(journal_gone());
    g_clear_pointer(&after, g_free);
    after = txn_snapshot();
    g_assert_cmpstr(after, ==, f->before);
}

/* The bytes of every file under /etc's system-connections, with their names. */
static char *etc_files(void)
{
    return txn_sh_ok("cd /etc/NetworkManager/system-connections && "
                     "for f in $(ls -A | sort); do echo \"-- $f\"; cat \"$f\"; done");
}

/* @text with one character in the middle of br0's saved /etc bytes changed, as a bad disk
 * might: the base64 still decodes, to other bytes. */
static char *damage_etc_bytes(const char *text)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_auto(GStrv) groups = NULL;

    g_assert_true(g_key_file_load_from_data(kf, text, -1, G_KEY_FILE_NONE, NULL));
    groups = g_key_file_get_groups(kf, NULL);
    for (guint i = 0; groups[i] != NULL; i++) {
        g_autofree char *id = g_key_file_get_string(kf, groups[i], "id", NULL);
        g_autofree char *b64 = NULL;
        gsize middle;

        if (!g_str_has_prefix(groups[i], "profile ") || g_strcmp0(id, "br0") != 0)
            continue;
        b64 = g_key_file_get_value(kf, groups[i], "etc-file", NULL);
        g_assert_nonnull(b64);
        middle = strlen(b64) / 2;
        b64[middle] = b64[middle] == 'A' ? 'B' : 'A';
        g_key_file_set_value(kf, groups[i], "etc-file", b64);
        return g_key_file_to_data(kf, NULL, NULL);
    }
    g_error("no journal group for br0");
}

/* A journal damaged while open: Commit and Rollback refuse it before touching anything (the
 * /etc files, NM's profiles and the journal stay as they are); with the journal's own bytes
 * back, they work. */
static void test_damaged(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename(g_getenv("NMIFACE_RUN_DIR"), "transaction", NULL);
    g_autofree char *good = NULL;
    g_autofree char *bad = NULL;
    g_autofree char *etc = NULL;
    g_autofree char *during = NULL;
    g_autofree char *kept = NULL;
    g_autofree char *after = NULL;

    begin(f, 0);
    modify_keep(f, "10.9.0.7");
    etc = etc_files();
    during = txn_snapshot();
    g_assert_true(g_file_get_contents(path, &good, NULL, NULL));
    bad = damage_etc_bytes(good);
    g_assert_true(
        g_file_set_contents_full(path, bad, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error));
    for (guint i = 0; i < 2; i++) {
        gboolean ok = i == 0 ? nm_txn_change_rollback(f->conn, 0, &error)
                             : nm_txn_change_commit(f->conn, 0, &error);

        g_assert_false(ok);
        g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
        g_assert_nonnull(strstr(error->message, "does not match its checksum"));
        g_test_message("%s", error->message);
        g_clear_error(&error);
    }
    after = etc_files();
    g_assert_cmpstr(after, ==, etc);
    g_clear_pointer(&after, g_free);
    after = txn_snapshot();
    txn_assert_same_snapshot("refused finish", during, after);
    g_assert_true(g_file_get_contents(path, &kept, NULL, NULL));
    g_assert_cmpstr(kept, ==, bad);

    g_assert_true(
        g_file_set_contents_full(path, good, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error));
    if (!finish(f, do_commit, "rollback of the repaired journal"))
        return;
    assert_etc_has("keep", "10.9.0.7/24");
}

/* ---- stored secrets ------------------------------------------------------------------- */

#define SECRET_PASSWORD "s3cret ; [x]"

/* Rollback's last safety net rewrites an /etc file that differs from the restore point and
 * says so with a g_message "rollback: ..."; a restore that was right by itself says nothing.
 * Counted here (the writer is set in main()) so that a scenario can tell them apart. */
static gint rollback_repairs;

static GLogWriterOutput count_repairs(GLogLevelFlags level, const GLogField *fields, gsize n,
                                      gpointer data)
{
    for (gsize i = 0; (level & G_LOG_LEVEL_MESSAGE) != 0 && i < n; i++)
        if (g_str_equal(fields[i].key, "MESSAGE") && fields[i].length < 0 &&
            g_str_has_prefix(fields[i].value, "rollback: "))
            g_atomic_int_inc(&rollback_repairs);
    return g_log_writer_default(level, fields, n, data);
}

/* Inactive ethernet profiles with 802-1x PEAP whose password NM stores itself (password-flags
 * 0), which GetSettings does not return: "sec" on tv1p in /etc, and "sec-mem" on tv0p in
 * memory only, where no /etc file can bring the secret back. @with_password FALSE: no
 * password stored (yet). The snapshot before Begin is taken again with them. */
static void add_secret_profiles(Fixture *f, gboolean with_password)
{
    g_autofree char *cmd = g_strdup_printf(
        "set -e\n"
        "for p in 'sec tv1p yes' 'sec-mem tv0p no'; do\n"
        "  set -- $p\n"
        "  nmcli con add type ethernet ifname $2 con-name $1 autoconnect no save $3 "
        "    ipv4.method disabled ipv6.method disabled 802-1x.eap peap "
        "    802-1x.identity alice 802-1x.phase2-auth mschapv2 %s >/dev/null\n"
        "done\n",
        with_password ? "802-1x.password '" SECRET_PASSWORD "'" : "");

    g_free(txn_sh_ok(cmd));
    g_free(f->before);
    f->before = txn_snapshot();
    g_atomic_int_set(&rollback_repairs, 0);
}

/* The 802-1x password NM stores for profile @id, "" when none. Asked for with GetSecrets
 * directly, not with "nmcli -s": NM 1.42 emits Updated for every GetSecrets, and nmcli's
 * client cache then fetches the settings again and replaces the ones it had merged the
 * secrets into; when that reply comes before nmcli prints (under load), it prints "". */
static char *stored_password(const char *id)
{
    g_autofree char *list = txn_sh_ok("nmcli -t -f NAME,DBUS-PATH connection show");
    g_auto(GStrv) lines = g_strsplit(list, "\n", -1);
    g_autofree char *prefix = g_strdup_printf("%s:", id);
    const char *path = NULL;
    g_autoptr(GDBusConnection) bus = NULL;
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GVariant) secrets = NULL;
    g_autoptr(GVariant) setting = NULL;
    g_autoptr(GError) error = NULL;
    const char *password = "";

    for (guint i = 0; lines[i] != NULL && path == NULL; i++)
        if (g_str_has_prefix(lines[i], prefix))
            path = lines[i] + strlen(prefix);
    g_assert_nonnull(path);
    bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &error);
    g_assert_no_error(error);
    reply = g_dbus_connection_call_sync(
        bus, "org.freedesktop.NetworkManager", path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION,
        "GetSecrets", g_variant_new("(s)", "802-1x"), G_VARIANT_TYPE("(a{sa{sv}})"),
        G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    if (reply == NULL) {
        g_autofree char *remote = g_dbus_error_get_remote_error(error);

        /* Nothing stored: NM's answer is this error. */
        g_assert_cmpstr(remote, ==, "org.freedesktop.NetworkManager.AgentManager.NoSecrets");
        return g_strdup("");
    }
    secrets = g_variant_get_child_value(reply, 0);
    setting = g_variant_lookup_value(secrets, "802-1x", G_VARIANT_TYPE_VARDICT);
    if (setting != NULL)
        g_variant_lookup(setting, "password", "&s", &password);
    return g_strdup(password);
}

static void assert_password(const char *id, const char *expected)
{
    g_autofree char *password = stored_password(id);
    /* The profile's name in the message, so a failure says which one. */
    g_autofree char *got = g_strdup_printf("%s: %s", id, password);
    g_autofree char *want = g_strdup_printf("%s: %s", id, expected);

    g_assert_cmpstr(got, ==, want);
}

/* The journal holds the secrets now, so it must stay readable by its owner only. */
static void assert_journal_private(void)
{
    const char *dir = g_getenv("NMIFACE_RUN_DIR");
    g_autofree char *path = g_build_filename(dir, NMI_TXN_JOURNAL_NAME, NULL);
    g_autofree char *text = NULL;
    struct stat st;

    g_assert_cmpint(lstat(dir, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0700);
    g_assert_cmpint(lstat(path, &st), ==, 0);
    g_assert_true(S_ISREG(st.st_mode));
    g_assert_cmpint(st.st_mode & 07777, ==, 0600);
    g_assert_cmpuint(st.st_uid, ==, geteuid());
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "password=s3cret"));
}

/* After Rollback: the secrets are back, the /etc file is byte-identical, and not by the last
 * safety net's rewrite. */
static void assert_secrets_restored(const char *etc_before, const char *password)
{
    g_autofree char *etc_after = etc_file("sec");

    assert_password("sec", password);
    assert_password("sec-mem", password);
    g_assert_cmpstr(etc_after, ==, etc_before);
    g_assert_cmpint(g_atomic_int_get(&rollback_repairs), ==, 0);
}

/* Undefined inside the transaction: Rollback re-adds them with their secrets. */
static void test_secret_delete(Fixture *f, gconstpointer data)
{
    const NmifaceDriver *drv = nmi_nm_driver();
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *etc_before = NULL;
    GError *error = NULL;

    add_secret_profiles(f, TRUE);
    etc_before = etc_file("sec");
    g_assert_nonnull(strstr(etc_before, "password=" SECRET_PASSWORD));
    begin(f, 0);
    assert_journal_private();
    driver_ok(drv->undefine(f->conn, "tv1p", &error), error);
    driver_ok(drv->undefine(f->conn, "tv0p", &error), error);
    g_assert_null(txn_sh("nmcli con show sec >/dev/null 2>&1"));
    g_assert_null(txn_sh("nmcli con show sec-mem >/dev/null 2>&1"));
    if (!finish(f, do_commit, "secret-delete rollback")) {
        assert_secrets_restored(etc_before, SECRET_PASSWORD);
        return;
    }
    g_assert_null(etc_file("sec"));
    reboot_nm();
    g_assert_null(txn_sh("nmcli con show sec >/dev/null 2>&1"));
}

/* The secrets changed inside the transaction (by nmcli: define cannot express a secret; for
 * "sec" it writes /etc at once): Rollback puts the original ones back, although the settings
 * GetSettings returns are the same. */
static void test_secret_change(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *etc_before = NULL;

    add_secret_profiles(f, TRUE);
    etc_before = etc_file("sec");
    begin(f, 0);
    g_free(txn_sh_ok("nmcli con modify sec 802-1x.password changed && "
                     "nmcli con modify --temporary sec-mem 802-1x.password changed"));
    assert_password("sec", "changed");
    assert_password("sec-mem", "changed");
    if (!finish(f, do_commit, "secret-change rollback")) {
        assert_secrets_restored(etc_before, SECRET_PASSWORD);
        return;
    }
    assert_password("sec", "changed");
    assert_etc_has("sec", "password=changed");
}

/* Passwords stored inside the transaction where there were none: Rollback removes them (an
 * Update2 without secrets would keep them). */
static void test_secret_added(Fixture *f, gconstpointer data)
{
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *etc_before = NULL;

    add_secret_profiles(f, FALSE);
    etc_before = etc_file("sec");
    begin(f, 0);
    g_free(txn_sh_ok("nmcli con modify sec 802-1x.password added && "
                     "nmcli con modify --temporary sec-mem 802-1x.password added"));
    assert_password("sec-mem", "added");
    if (!finish(f, do_commit, "secret-added rollback")) {
        assert_secrets_restored(etc_before, "");
        return;
    }
    assert_password("sec", "added");
    assert_password("sec-mem", "added");
}

/* Edited by define inside the transaction (an Update2 without secrets keeps NM's) and its
 * secret changed too: Rollback brings back both, the original secret included. */
static void test_secret_edit(Fixture *f, gconstpointer data)
{
    static const char sec_xml[] = "<interface type='ethernet' name='tv1p'>\n"
                                  "  <start mode='none'/>\n"
                                  "  <protocol family='ipv4'>\n"
                                  "    <ip address='10.6.0.1' prefix='24'/>\n"
                                  "  </protocol>\n"
                                  "</interface>\n";
    const NmifaceDriver *drv = nmi_nm_driver();
    gboolean do_commit = GPOINTER_TO_INT(data);
    g_autofree char *etc_before = NULL;
    GError *error = NULL;
    NmifaceIfaceInfo *info;

    add_secret_profiles(f, TRUE);
    etc_before = etc_file("sec");
    begin(f, 0);
    info = drv->define_xml(f->conn, sec_xml, 0, &error);
    g_assert_no_error(error);
    nmiface_iface_info_free(info);
    assert_password("sec", SECRET_PASSWORD); /* define keeps what the XML cannot express */
    g_free(txn_sh_ok("nmcli con modify sec 802-1x.password changed"));
    if (!finish(f, do_commit, "secret-edit rollback")) {
        assert_secrets_restored(etc_before, SECRET_PASSWORD);
        return;
    }
    assert_address("sec", "10.6.0.1/24");
    assert_password("sec", "changed");
}

/* Commit after the deadline: rolled back (by Commit itself or the watchdog), never committed. */
static void test_late_commit(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    begin_elsewhere(2);
    modify_keep(f, "10.9.0.9");
    g_usleep(2500000);
    g_assert_false(nm_txn_change_commit(f->conn, 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
    g_test_message("late commit: %s", error->message);
    g_usleep(3 * G_USEC_PER_SEC); /* the watchdog finds nothing left to do */
    check_rolled_back(f, "late commit");
}

/* Helper modes: exit 0 when Begin succeeds, 3 when another transaction is open, 1 else. */
static int begin_status(NmifaceDriverConn *conn, guint timeout, gboolean die)
{
    g_autoptr(GError) error = NULL;

    if (!nm_txn_change_begin(conn, timeout, 0, &error)) {
        if (g_error_matches(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID) &&
            strstr(error->message, "already an open transaction (begun by pid") != NULL)
            return 3;
        g_printerr("begin failed: %s\n", error->message);
        return 1;
    }
    if (die)
        raise(SIGKILL);
    return 0;
}

static int helper_begin(guint timeout, gboolean die)
{
    g_autoptr(GError) error = NULL;
    NmifaceDriverConn *conn = nmi_session_open(NULL, FALSE, &error);
    int status;

    if (conn == NULL) {
        g_printerr("%s\n", error->message);
        return 1;
    }
    status = begin_status(conn, timeout, die);
    nmi_session_close(conn);
    return status;
}

/* For test_race: connected, says so on fd 3, and Begins when fd 4 reaches its end. */
static int helper_begin_on_release(void)
{
    g_autoptr(GError) error = NULL;
    NmifaceDriverConn *conn = nmi_session_open(NULL, FALSE, &error);
    char byte = 'r';
    ssize_t n;
    int status;

    if (conn == NULL) {
        g_printerr("%s\n", error->message);
        return 1;
    }
    if (write(3, &byte, 1) != 1)
        return 1;
    close(3);
    while ((n = read(4, &byte, 1)) > 0 || (n < 0 && errno == EINTR))
        ;
    close(4);
    status = begin_status(conn, 0, FALSE);
    nmi_session_close(conn);
    return status;
}

/* Helper mode for experiments by hand inside a sandbox: finish the open transaction. */
static int helper_finish(gboolean do_commit)
{
    g_autoptr(GError) error = NULL;
    NmifaceDriverConn *conn = nmi_session_open(NULL, FALSE, &error);
    gboolean ok = conn != NULL && (do_commit ? nm_txn_change_commit(conn, 0, &error)
                                             : nm_txn_change_rollback(conn, 0, &error));

    if (!ok)
        g_printerr("%s\n", error->message);
    nmi_session_close(conn);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    g_autofree char *state = NULL;
    g_autofree char *run_dir = NULL;

    if (g_strcmp0(g_getenv("NMIFACE_SANDBOX"), "1") != 0) {
        g_printerr("not inside nm-sandbox\n");
        return g_strcmp0(g_getenv("CI"), "true") == 0 ? 1 : 77;
    }
    state = g_strdup(g_getenv("NMIFACE_SANDBOX_STATE"));
    run_dir = g_build_filename(state, "nmiface-run", NULL);
    boot_id_file = g_build_filename(state, "boot_id", NULL);
    /* The sandbox's /run is its own, but its boot id is the host's: tests own both. */
    g_setenv("NMIFACE_RUN_DIR", run_dir, TRUE);
    g_setenv("NMIFACE_BOOT_ID_FILE", boot_id_file, TRUE);
    if (argc == 3 && g_str_equal(argv[1], "--begin-and-exit"))
        return helper_begin((guint)atoi(argv[2]), FALSE);
    if (argc == 2 && g_str_equal(argv[1], "--begin-and-die"))
        return helper_begin(0, TRUE);
    if (argc == 2 && g_str_equal(argv[1], "--begin-on-release"))
        return helper_begin_on_release();
    if (argc == 2 && (g_str_equal(argv[1], "--commit") || g_str_equal(argv[1], "--rollback")))
        return helper_finish(g_str_equal(argv[1], "--commit"));

    g_log_set_writer_func(count_repairs, NULL, NULL);
    g_test_init(&argc, &argv, NULL);
#define ADD(name, fn)                                                                              \
    g_test_add("/txn/" name "/rollback", Fixture, GINT_TO_POINTER(FALSE), fixture_set_up, fn,      \
               fixture_tear_down);                                                                 \
    g_test_add("/txn/" name "/commit", Fixture, GINT_TO_POINTER(TRUE), fixture_set_up, fn,         \
               fixture_tear_down)
    ADD("modify-inactive", test_modify_inactive);
    ADD("delete-inactive", test_delete_inactive);
    ADD("new-bridge", test_new_bridge);
    ADD("destroy-bridge", test_destroy_bridge);
    ADD("waiting-bridge", test_waiting_bridge);
    ADD("loopback", test_loopback);
    ADD("restart-nm", test_restart_nm);
    ADD("reboot", test_reboot);
    ADD("timeout", test_timeout);
    ADD("modify-active", test_modify_active);
    ADD("undefine-active", test_undefine_active);
    ADD("all-in-one", test_all_in_one);
    ADD("rerun", test_rerun);
    ADD("kill-beginner", test_kill_beginner);
    ADD("driver", test_driver);
    ADD("damaged", test_damaged);
    ADD("begin-in-progress", test_begin_in_progress);
    ADD("secret-delete", test_secret_delete);
    ADD("secret-change", test_secret_change);
    ADD("secret-edit", test_secret_edit);
    ADD("secret-added", test_secret_added);
    g_test_add("/txn/late-commit/commit", Fixture, NULL, fixture_set_up, test_late_commit,
               fixture_tear_down);
    g_test_add("/txn/race/rollback", Fixture, GINT_TO_POINTER(FALSE), fixture_set_up, test_race,
               fixture_tear_down);
    g_test_add("/txn/race-stale/rollback", Fixture, GINT_TO_POINTER(TRUE), fixture_set_up,
               test_race, fixture_tear_down);
    return g_test_run();
}
