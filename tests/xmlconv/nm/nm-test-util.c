/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nm-test-util.h"

const char *nm_test_conformance_dir(void)
{
    static char *dir;

    if (dir == NULL)
        dir = g_build_filename(xml_test_env_dir("NMIFACE_CONFORMANCE_DIR"), "libvirt", NULL);
    return g_file_test(dir, G_FILE_TEST_IS_DIR) ? dir : NULL;
}

void nm_test_skip_missing(const char *what)
{
    if (g_strcmp0(g_getenv("CI"), "true") == 0) {
        g_test_fail_printf("%s is missing, and CI=true allows no skips", what);
        return;
    }
    g_test_skip_printf("%s is missing in this checkout", what);
}

static int compare_strings(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *nm_test_list(const char *dir, const char *suffix)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        if (g_str_has_suffix(name, suffix))
            g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, compare_strings);
    return names;
}

static NMConnection *read_keyfile(const char *path, const char *text)
{
    g_autoptr(GKeyFile) keyfile = g_key_file_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *base_dir = g_path_get_dirname(path);
    NMConnection *connection;

    if (!g_key_file_load_from_data(keyfile, text, -1, G_KEY_FILE_NONE, &error))
        g_error("%s: %s", path, error->message);
    connection =
        nm_keyfile_read(keyfile, base_dir, NM_KEYFILE_HANDLER_FLAGS_NONE, NULL, NULL, &error);
    if (connection == NULL || !nm_connection_normalize(connection, NULL, NULL, &error))
        g_error("%s: %s", path, error->message);
    return connection;
}

static NmiProfileSet *set_from_connections(GPtrArray *connections, const char *where)
{
    NmiProfileSet *set = nmi_profile_set_new(NULL);

    for (guint i = 0; i < connections->len; i++) {
        NMConnection *connection = g_ptr_array_index(connections, i);
        NMSettingConnection *s_con = nm_connection_get_setting_connection(connection);

        if (nm_setting_connection_get_master(s_con) == NULL) {
            if (set->top != NULL)
                g_error("%s: two profiles without connection.master", where);
            set->top = g_object_ref(connection);
        } else {
            g_ptr_array_add(set->ports, g_object_ref(connection));
        }
    }
    if (set->top == NULL)
        g_error("%s: no top-level profile", where);
    return set;
}

NmiProfileSet *nm_test_load_profiles(const char *dir)
{
    g_autoptr(GPtrArray) names = nm_test_list(dir, ".nmconnection");
    g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func(g_object_unref);

    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
        g_autofree char *text = xml_test_read_file(path);

        g_ptr_array_add(connections, read_keyfile(path, text));
    }
    return set_from_connections(connections, dir);
}

static void assert_valid(NMConnection *connection)
{
    g_autoptr(GError) error = NULL;
    gboolean modified = FALSE;

    g_assert_true(nm_connection_verify(connection, &error));
    g_assert_no_error(error);
    g_assert_true(nm_connection_normalize(connection, NULL, &modified, &error));
    g_assert_false(modified);
}

void nm_test_assert_profiles_valid(const NmiProfileSet *set)
{
    assert_valid(set->top);
    for (guint i = 0; i < set->ports->len; i++)
        assert_valid(g_ptr_array_index(set->ports, i));
}

char *nm_test_keyfiles(const NmiProfileSet *set)
{
    g_autoptr(GError) error = NULL;
    char *text = nmi_profile_set_to_keyfiles_text(set, &error);

    g_assert_no_error(error);
    g_assert_nonnull(text);
    return text;
}

static int compare_uuids(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(nm_connection_get_uuid(*(NMConnection *const *)a),
                     nm_connection_get_uuid(*(NMConnection *const *)b));
}

static gpointer ref_copy(gconstpointer src, gpointer user_data)
{
    return g_object_ref((gpointer)src);
}

char *nm_test_keyfiles_by_uuid(const NmiProfileSet *set)
{
    g_autoptr(NmiProfileSet) sorted = nmi_profile_set_new(set->top);

    g_ptr_array_extend(sorted->ports, set->ports, ref_copy, NULL);
    g_ptr_array_sort(sorted->ports, compare_uuids);
    return nm_test_keyfiles(sorted);
}

NmiProfileSet *nm_test_reread(const NmiProfileSet *set)
{
    g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func(g_object_unref);
    g_autoptr(GPtrArray) all = g_ptr_array_new();

    g_ptr_array_add(all, set->top);
    g_ptr_array_extend(all, set->ports, NULL, NULL);
    for (guint i = 0; i < all->len; i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *text = nmi_profile_to_keyfile(g_ptr_array_index(all, i), &error);

        g_assert_no_error(error);
        g_ptr_array_add(connections, read_keyfile("/nonexistent/reread", text));
    }
    return set_from_connections(connections, "reread");
}

void nm_test_strip_link(NmiIfaceDef *def)
{
    def->link_state = NMI_LINK_STATE_UNSPECIFIED;
    def->link_speed = 0;
    for (guint i = 0; i < def->ports->len; i++)
        nm_test_strip_link(g_ptr_array_index(def->ports, i));
}
