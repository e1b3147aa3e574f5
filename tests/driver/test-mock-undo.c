/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A write failing after earlier writes of the same define or undefine succeeded: every earlier
 * write is taken back, so every profile is as it was (same UUIDs, settings, storage; the mock's
 * DumpProfiles compares them): updates are written back, added profiles deleted, and deleted
 * profiles added again with their UUID and settings.
 */
#include "mock-test-util.h"

#define INJECTED "injected failure"

/* br0 with ports eth0 and eth1: profiles br0, eth0's port, eth1's port. */
static const char two_ports_xml[] = "<interface type='bridge' name='br0'>\n"
                                    "  <start mode='none'/>\n"
                                    "  <protocol family='ipv4'>\n"
                                    "    <ip address='192.0.2.1' prefix='24'/>\n"
                                    "  </protocol>\n"
                                    "  <bridge stp='off'>\n"
                                    "    <interface type='ethernet' name='eth0'>\n"
                                    "    </interface>\n"
                                    "    <interface type='ethernet' name='eth1'>\n"
                                    "    </interface>\n"
                                    "  </bridge>\n"
                                    "</interface>\n";

/* The same ports, other bridge settings: Update2 of br0, then of each port (rewritten as
 * ports of the new bridge settings). */
static const char two_ports_changed_xml[] = "<interface type='bridge' name='br0'>\n"
                                            "  <start mode='onboot'/>\n"
                                            "  <mtu size='1400'/>\n"
                                            "  <protocol family='ipv4'>\n"
                                            "    <ip address='198.51.100.1' prefix='24'/>\n"
                                            "  </protocol>\n"
                                            "  <bridge stp='on' delay='2'>\n"
                                            "    <interface type='ethernet' name='eth0'>\n"
                                            "    </interface>\n"
                                            "    <interface type='ethernet' name='eth1'>\n"
                                            "    </interface>\n"
                                            "  </bridge>\n"
                                            "</interface>\n";

/* Ports eth0 and eth1 dropped, eth2 new: Update2 br0, AddConnection2 eth2's port, Delete of
 * eth0's port, Delete of eth1's port. */
static const char other_port_xml[] = "<interface type='bridge' name='br0'>\n"
                                     "  <start mode='none'/>\n"
                                     "  <protocol family='ipv4'>\n"
                                     "    <ip address='203.0.113.1' prefix='24'/>\n"
                                     "  </protocol>\n"
                                     "  <bridge stp='off'>\n"
                                     "    <interface type='ethernet' name='eth2'>\n"
                                     "    </interface>\n"
                                     "  </bridge>\n"
                                     "</interface>\n";

typedef enum {
    UNDO_DEFINE,
    UNDO_UNDEFINE,
} UndoOp;

typedef enum {
    PORTS_AS_DEFINED,
    PORTS_IN_MEMORY,    /* the port profiles live in /run only (IN_MEMORY_ONLY) */
    PORTS_WITH_SECRETS, /* the port profiles hold an 802.1X password NM stores */
} PortSetup;

typedef struct {
    const char *name;
    const char *start_xml; /* defined first */
    PortSetup ports;
    UndoOp op;
    const char *xml;           /* UNDO_DEFINE: what is defined */
    const char *method;        /* the write that fails */
    guint nth;                 /* its call that fails (1 = the first of the define/undefine) */
    const char *failing_write; /* in the error message: "update profile", ... */
} UndoCase;

static const UndoCase cases[] = {
    /* the first Update2 (br0) goes through; the second (eth0's port) fails */
    {"second-update", two_ports_xml, PORTS_AS_DEFINED, UNDO_DEFINE, two_ports_changed_xml,
     "Update2", 2, "update profile"},
    {"third-update", two_ports_xml, PORTS_AS_DEFINED, UNDO_DEFINE, two_ports_changed_xml, "Update2",
     3, "update profile"},
    /* br0 and eth0's port updated, eth1's port added: the add fails */
    {"add-after-updates", mt_bridge_eth0_xml, PORTS_AS_DEFINED, UNDO_DEFINE, two_ports_xml,
     "AddConnection2", 1, "add profile"},
    /* eth0's port deleted, eth1's fails: eth0's comes back, eth2's goes, br0 written back */
    {"define-readds-deleted-port", two_ports_xml, PORTS_AS_DEFINED, UNDO_DEFINE, other_port_xml,
     "Delete", 2, "delete profile"},
    {"define-readds-ports-in-memory", two_ports_xml, PORTS_IN_MEMORY, UNDO_DEFINE, other_port_xml,
     "Delete", 2, "delete profile"},
    /* undefine deletes br0, then its ports */
    {"undefine-readds-top", two_ports_xml, PORTS_AS_DEFINED, UNDO_UNDEFINE, NULL, "Delete", 2,
     "delete profile"},
    {"undefine-readds-top-and-port", two_ports_xml, PORTS_AS_DEFINED, UNDO_UNDEFINE, NULL, "Delete",
     3, "delete profile"},
    {"undefine-readds-ports-in-memory", two_ports_xml, PORTS_IN_MEMORY, UNDO_UNDEFINE, NULL,
     "Delete", 3, "delete profile"},
    /* eth0's port comes back with its password, which GetSettings does not return */
    {"undefine-readds-port-secrets", two_ports_xml, PORTS_WITH_SECRETS, UNDO_UNDEFINE, NULL,
     "Delete", 3, "delete profile"},
};

/* Each port profile is moved to /run (whichever the undo re-adds must go back there, not to
 * /etc), or given a stored 802.1X password (the re-added one must have it again). */
static void set_up_ports(PortSetup setup)
{
    g_autofree char *dump = mt_dump_profiles();
    g_auto(GStrv) lines = g_strsplit(dump, "\n", -1);
    guint moved = 0;

    for (guint i = 0; lines[i] != NULL; i++) {
        g_autofree char *uuid = NULL;
        g_autofree char *path = NULL;

        if (!g_str_has_prefix(lines[i], "profile ") || strstr(lines[i], "'br0-port-") == NULL)
            continue;
        uuid = g_strndup(lines[i] + strlen("profile "), 36);
        path = mt_profile_path(uuid);
        if (setup == PORTS_IN_MEMORY) {
            mt_update_profile(path, NULL, NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY_ONLY);
        } else {
            g_autoptr(NMConnection) profile = mt_profile_settings(path);
            NMSetting8021x *dot1x = NM_SETTING_802_1X(nm_setting_802_1x_new());

            nm_setting_802_1x_add_eap_method(dot1x, "md5");
            g_object_set(dot1x, NM_SETTING_802_1X_IDENTITY, "port", NM_SETTING_802_1X_PASSWORD,
                         "undo-secret", NULL);
            nm_connection_add_setting(profile, NM_SETTING(dot1x));
            mt_update_profile(path, profile, NM_SETTINGS_UPDATE2_FLAG_TO_DISK);
        }
        moved++;
    }
    g_assert_cmpuint(moved, ==, 2);
}

static gboolean run_op(NmifaceDriverConn *conn, const UndoCase *c, GError **error)
{
    g_autoptr(NmifaceIfaceInfo) info = NULL;

    if (c->op == UNDO_UNDEFINE)
        return td_driver()->undefine(conn, "br0", error);
    info = td_driver()->define_xml(conn, c->xml, 0, error);
    return info != NULL;
}

static void test_undo(gconstpointer data)
{
    const UndoCase *c = data;
    NmifaceDriverConn *conn = td_open();
    G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, c->start_xml);
    g_autofree char *before_dump = NULL;
    g_autofree char *before_xml = NULL;
    g_autofree char *after_dump = NULL;
    g_autofree char *after_xml = NULL;
    g_autofree char *before_names = NULL;
    g_autofree char *after_names = NULL;
    g_autoptr(GError) error = NULL;

    if (c->ports != PORTS_AS_DEFINED)
        set_up_ports(c->ports);
    before_dump = mt_dump_profiles();
    before_xml = td_inactive_xml(conn, "br0");
    before_names = td_list_names(conn, 0);
    g_test_message("before:\n%s", before_dump);

    mt_fail_nth(c->method, c->nth, "org.freedesktop.NetworkManager.Settings.Failed", INJECTED);
    g_assert_false(run_op(conn, c, &error));
    g_test_message("%s #%u failing: %s", c->method, c->nth, error->message);
    td_assert_error_with(error, VIR_ERR_OPERATION_FAILED, INJECTED);
    td_assert_error_with(error, VIR_ERR_OPERATION_FAILED, c->failing_write);
    /* The undo itself went through: nothing about restoring in the message. */
    g_assert_null(strstr(error->message, "could not restore"));

    after_dump = mt_dump_profiles();
    g_assert_cmpstr(after_dump, ==, before_dump);
    after_xml = td_inactive_xml(conn, "br0");
    g_assert_cmpstr(after_xml, ==, before_xml);
    after_names = td_list_names(conn, 0);
    g_assert_cmpstr(after_names, ==, before_names);
    td_driver()->close(conn);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!mt_in_mock())
        return td_skip("not inside tests/dbus-mock/run-with-mock");
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/mock-undo/%s", cases[i].name);

        g_test_add_data_func(path, &cases[i], test_undo);
    }
    return g_test_run();
}
