/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NM -> XML -> NM over profiles made by nmcli (tests/xmlconv/nm/profiles/<set>/, written by a
 * sandboxed NetworkManager 1.42): the XML they give is expected/profiles/<set>.xml and passes
 * libvirt's schema, and applying it back with the originals as existing profiles gives the
 * same keyfile text, byte for byte: nothing the XML cannot express is lost.
 */
#include "nm-test-util.h"

#include "nmiface/driver.h"

static NMConnection *by_uuid(const NmiProfileSet *set, const char *uuid)
{
    if (g_strcmp0(nm_connection_get_uuid(set->top), uuid) == 0)
        return set->top;
    for (guint i = 0; i < set->ports->len; i++) {
        if (g_strcmp0(nm_connection_get_uuid(g_ptr_array_index(set->ports, i)), uuid) == 0)
            return g_ptr_array_index(set->ports, i);
    }
    return NULL;
}

/* Stronger than comparing libnm's view: the files nmcli wrote are what we would write. */
static void assert_files_unchanged(const char *dir, const NmiProfileSet *applied)
{
    g_autoptr(GPtrArray) names = nm_test_list(dir, ".nmconnection");

    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
        g_autofree char *on_disk = xml_test_read_file(path);
        g_autoptr(GKeyFile) keyfile = g_key_file_new();
        g_autofree char *uuid = NULL;
        g_autofree char *ours = NULL;
        g_autoptr(GError) error = NULL;
        NMConnection *connection;

        g_assert_true(g_key_file_load_from_data(keyfile, on_disk, -1, G_KEY_FILE_NONE, NULL));
        uuid = g_key_file_get_string(keyfile, "connection", "uuid", NULL);
        connection = by_uuid(applied, uuid);
        g_assert_nonnull(connection);
        ours = nmi_profile_to_keyfile(connection, &error);
        g_assert_no_error(error);
        g_assert_cmpstr(ours, ==, on_disk);
    }
}

static void test_set(gconstpointer data)
{
    const char *set_name = data;
    const char *nm_dir = xml_test_env_dir("NMIFACE_NM_TEST_DIR");
    g_autofree char *dir = g_build_filename(nm_dir, "profiles", set_name, NULL);
    g_autofree char *xml_path = g_strdup_printf("%s/expected/profiles/%s.xml", nm_dir, set_name);
    g_autoptr(NmiProfileSet) set = nm_test_load_profiles(dir);
    g_autoptr(NmiProfileSet) applied = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;
    g_autoptr(NmiIfaceDef) parsed = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *xml = NULL;

    nm_test_assert_profiles_valid(set);
    before = nm_test_keyfiles_by_uuid(set);

    def = nmi_iface_def_from_profiles(set, &error);
    g_assert_no_error(error);
    xml = nmi_iface_def_format(def);
    xml_test_check_expected(xml_path, xml);

    /* libvirt's schema wants a bond to have ports; NM has port-less bonds */
    parsed = nmi_iface_def_parse(xml, NMI_PARSE_VALIDATE, &error);
    if (def->type == NMI_IFACE_BOND && def->ports->len == 0) {
        g_assert_error(error, NMIFACE_ERROR, VIR_ERR_XML_INVALID_SCHEMA);
        g_clear_error(&error);
        g_clear_pointer(&parsed, nmi_iface_def_free);
        parsed = nmi_iface_def_parse(xml, 0, &error);
    }
    g_assert_no_error(error);
    applied = nmi_iface_def_to_profiles(parsed, set, &error);
    g_assert_no_error(error);
    nm_test_assert_profiles_valid(applied);
    g_assert_cmpuint(applied->ports->len, ==, set->ports->len);
    after = nm_test_keyfiles_by_uuid(applied);
    g_assert_cmpstr(after, ==, before);
    assert_files_unchanged(dir, applied);
}

static int compare_names(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
    g_autofree char *dir = NULL;
    g_autoptr(GDir) d = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    g_test_init(&argc, &argv, NULL);
    dir = g_build_filename(xml_test_env_dir("NMIFACE_NM_TEST_DIR"), "profiles", NULL);
    d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    while ((name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path =
            g_strdup_printf("/nm/profile-roundtrip/%s", (char *)g_ptr_array_index(names, i));

        g_test_add_data_func(path, g_ptr_array_index(names, i), test_set);
    }
    return g_test_run();
}
