/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Keyfile names as NetworkManager makes them, and the dry run's text and errors. */
#include "nm-test-util.h"

#include <string.h>

#include "nmiface/driver.h"

static char *name_for_id(const char *id)
{
    g_autoptr(NMConnection) connection = nm_simple_connection_new();
    NMSetting *s_con = nm_setting_connection_new();

    g_object_set(s_con, NM_SETTING_CONNECTION_ID, id, NULL);
    nm_connection_add_setting(connection, s_con);
    return nmi_profile_keyfile_name(connection);
}

static void test_names(void)
{
    static const struct {
        const char *id, *file;
    } cases[] = {
        {"br0", "br0.nmconnection"},
        {"br0-port-eth0.42", "br0-port-eth0.42.nmconnection"},
        {"a/b", "a_b.nmconnection"},            /* no directories */
        {".hidden", "_hidden.nmconnection"},    /* NM ignores hidden files */
        {"backup~", "backup_.nmconnection"},    /* and backups */
        {"x.abc123", "x.abc123_.nmconnection"}, /* and g_file_set_contents' temporaries */
        {"ca.PEM", "ca.PEM_.nmconnection"},     /* and certificates */
        {"Wired connection 1", "Wired connection 1.nmconnection"},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *name = name_for_id(cases[i].id);

        g_assert_cmpstr(name, ==, cases[i].file);
    }
}

static void test_dry_run(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text =
        nmi_iface_xml_to_keyfiles_text("<interface type='bridge' name='br0'>"
                                       "<start mode='onboot'/><bridge stp='off'>"
                                       "<interface type='ethernet' name='eth0'/>"
                                       "</bridge></interface>",
                                       NMI_PARSE_VALIDATE, &error);
    g_autofree char *uuid = nmi_profile_uuid_for("bridge", "br0", NULL);
    g_autofree char *uuid_line = g_strdup_printf("\nuuid=%s\n", uuid);

    g_assert_no_error(error);
    g_assert_true(g_str_has_prefix(text, "# br0.nmconnection\n[connection]\nid=br0\n"));
    g_assert_nonnull(strstr(text, uuid_line));
    g_assert_nonnull(strstr(text, "\n\n# br0-port-eth0.nmconnection\n[connection]\n"));
    g_assert_nonnull(strstr(text, "\nmaster=br0\nslave-type=bridge\n"));
    g_assert_true(g_str_has_suffix(text, "[bridge-port]\n\n"));
}

static void test_dry_run_errors(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    text = nmi_iface_xml_to_keyfiles_text("<interface type='ethernet'", 0, &error);
    g_assert_null(text);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_XML_DETAIL);
    g_clear_error(&error);

    /* valid for libvirt, refused by NM (and the kernel): vlan 4095 is reserved */
    text = nmi_iface_xml_to_keyfiles_text("<interface type='vlan' name='eth0.4095'>"
                                          "<vlan tag='4095'><interface name='eth0'/></vlan>"
                                          "</interface>",
                                          0, &error);
    g_assert_null(text);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR);
    g_assert_nonnull(strstr(error->message, "eth0.4095"));
    g_clear_error(&error);

    /* NM keeps an address once: a duplicate would vanish (found by fuzzing) */
    text = nmi_iface_xml_to_keyfiles_text("<interface type='ethernet' name='eth0'>"
                                          "<protocol family='ipv6'>"
                                          "<ip address='2001:db8::5' prefix='128'/>"
                                          "<ip address='2001:db8::3' prefix='128'/>"
                                          "<ip address='2001:db8::5' prefix='128'/>"
                                          "</protocol></interface>",
                                          0, &error);
    g_assert_null(text);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR);
    g_assert_nonnull(strstr(error->message, "'2001:db8::5'"));
}

/* The same duplicate in a definition built in code: the conversion validates it first. */
static void test_duplicate_address_in_code(void)
{
    g_autoptr(NmiIfaceDef) def = nmi_iface_def_new(NMI_IFACE_ETHERNET, "eth0");
    g_autoptr(NmiProfileSet) set = NULL;
    g_autoptr(GError) error = NULL;
    NmiProtocol *proto = nmi_protocol_new(FALSE);

    g_ptr_array_add(proto->ips, nmi_ip_addr_new("192.0.2.5", 24));
    g_ptr_array_add(proto->ips, nmi_ip_addr_new("192.0.2.5", 24));
    g_ptr_array_add(def->protocols, proto);
    set = nmi_iface_def_to_profiles(def, NULL, &error);
    g_assert_null(set);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR);
    g_assert_cmpstr(error->message, ==,
                    "duplicate address '192.0.2.5' in <protocol family='ipv4'>");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nm/keyfile/names", test_names);
    g_test_add_func("/nm/keyfile/dry-run", test_dry_run);
    g_test_add_func("/nm/keyfile/dry-run-errors", test_dry_run_errors);
    g_test_add_func("/nm/keyfile/duplicate-address-in-code", test_duplicate_address_in_code);
    return g_test_run();
}
