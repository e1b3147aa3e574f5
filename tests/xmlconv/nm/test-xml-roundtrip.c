/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * XML -> NM -> XML for every libvirt conformance file and every file in tests/xmlconv/data:
 * the profiles verify and are normalized, their keyfiles equal expected/<name>.keyfiles, the
 * XML comes back identical to the canonical form (minus <link>, which is live-only), also
 * after a trip through keyfile storage, and applying the XML again to its own profiles
 * changes nothing. A file NM cannot hold has expected/<name>.error instead (NMIFACE_REGENERATE=1
 * rewrites an existing .error but never creates or removes one: that is a decision to review).
 */
#include "nm-test-util.h"

#include <string.h>

#include "nmiface/driver.h"

static const char *code_name(int code)
{
    switch (code) {
    case VIR_ERR_XML_ERROR:
        return "VIR_ERR_XML_ERROR";
    case VIR_ERR_NO_SUPPORT:
        return "VIR_ERR_NO_SUPPORT";
    case VIR_ERR_INTERNAL_ERROR:
        return "VIR_ERR_INTERNAL_ERROR";
    default:
        return "other";
    }
}

static void test_file(gconstpointer data)
{
    const char *path = data;
    const char *nm_dir = xml_test_env_dir("NMIFACE_NM_TEST_DIR");
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *name = g_strndup(base, strlen(base) - strlen(".xml"));
    g_autofree char *keyfiles_path = NULL;
    g_autofree char *error_path = NULL;
    g_autofree char *xml = xml_test_read_file(path);
    g_autofree char *canonical = NULL;
    g_autofree char *keyfiles = NULL;
    g_autofree char *back = NULL;
    g_autofree char *again = NULL;
    g_autofree char *stored_back = NULL;
    g_autofree char *stored_keyfiles = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;
    g_autoptr(NmiIfaceDef) def_back = NULL;
    g_autoptr(NmiIfaceDef) def_stored = NULL;
    g_autoptr(NmiProfileSet) set = NULL;
    g_autoptr(NmiProfileSet) set_again = NULL;
    g_autoptr(NmiProfileSet) stored = NULL;

    keyfiles_path = g_strdup_printf("%s/expected/%s.keyfiles", nm_dir, name);
    error_path = g_strdup_printf("%s/expected/%s.error", nm_dir, name);

    def = nmi_iface_def_parse(xml, 0, &error);
    g_assert_no_error(error);
    nm_test_strip_link(def);
    canonical = nmi_iface_def_format(def);

    set = nmi_iface_def_to_profiles(def, NULL, &error);
    if (g_file_test(error_path, G_FILE_TEST_EXISTS)) {
        g_autofree char *actual = NULL;

        g_assert_null(set);
        g_assert_nonnull(error);
        actual = g_strdup_printf("%s: %s\n", code_name(error->code), error->message);
        xml_test_check_expected(error_path, actual);
        return;
    }
    g_assert_no_error(error);
    nm_test_assert_profiles_valid(set);

    keyfiles = nm_test_keyfiles(set);
    xml_test_check_expected(keyfiles_path, keyfiles);

    def_back = nmi_iface_def_from_profiles(set, &error);
    g_assert_no_error(error);
    back = nmi_iface_def_format(def_back);
    g_assert_cmpstr(back, ==, canonical);

    /* what NM stores must carry every fact (NMSettingUser hints included) */
    stored = nm_test_reread(set);
    stored_keyfiles = nm_test_keyfiles(stored);
    g_assert_cmpstr(stored_keyfiles, ==, keyfiles);
    def_stored = nmi_iface_def_from_profiles(stored, &error);
    g_assert_no_error(error);
    stored_back = nmi_iface_def_format(def_stored);
    g_assert_cmpstr(stored_back, ==, canonical);

    /* defining the same XML over its own profiles is a no-op */
    set_again = nmi_iface_def_to_profiles(def, set, &error);
    g_assert_no_error(error);
    again = nm_test_keyfiles(set_again);
    g_assert_cmpstr(again, ==, keyfiles);
}

/* An expected output whose input is gone (renamed, removed) would rot unnoticed. */
static void test_no_orphans(gconstpointer data)
{
    GHashTable *seen = (GHashTable *)data;
    g_autofree char *dir =
        g_build_filename(xml_test_env_dir("NMIFACE_NM_TEST_DIR"), "expected", NULL);
    const char *suffixes[] = {".keyfiles", ".error"};

    for (guint s = 0; s < G_N_ELEMENTS(suffixes); s++) {
        g_autoptr(GPtrArray) names = nm_test_list(dir, suffixes[s]);

        for (guint i = 0; i < names->len; i++) {
            const char *name = g_ptr_array_index(names, i);
            g_autofree char *stem = g_strndup(name, strlen(name) - strlen(suffixes[s]));
            g_autofree char *xml = g_strconcat(stem, ".xml", NULL);

            if (!g_hash_table_contains(seen, xml))
                g_test_fail_printf("expected/%s has no input %s", name, xml);
        }
    }
}

static void test_conformance_missing(void)
{
    nm_test_skip_missing("../shared/conformance");
}

static void add_dir(const char *dir, const char *group, GHashTable *seen)
{
    g_autoptr(GPtrArray) names = nm_test_list(dir, ".xml");

    for (guint i = 0; i < names->len; i++) {
        const char *file = g_ptr_array_index(names, i);
        g_autofree char *test_name = g_strdup_printf("/nm/xml-roundtrip/%s/%s", group, file);

        /* expected/<name>.keyfiles is shared by both directories */
        if (!g_hash_table_add(seen, g_strdup(file)))
            g_error("%s exists in both the conformance and the data directory", file);
        g_test_add_data_func_full(test_name, g_build_filename(dir, file, NULL), test_file, g_free);
    }
}

int main(int argc, char **argv)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *conformance;

    g_test_init(&argc, &argv, NULL);
    conformance = nm_test_conformance_dir();
    if (conformance != NULL)
        add_dir(conformance, "libvirt", seen);
    else
        g_test_add_func("/nm/xml-roundtrip/libvirt", test_conformance_missing);
    add_dir(xml_test_env_dir("NMIFACE_XML_DATA_DIR"), "data", seen);
    if (conformance != NULL)
        g_test_add_data_func("/nm/xml-roundtrip/no-orphans", seen, test_no_orphans);
    return g_test_run();
}
