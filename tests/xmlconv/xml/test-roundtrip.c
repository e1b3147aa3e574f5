/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * parse -> format gives the document back byte for byte, for libvirt's conformance files and
 * for every document in tests/xmlconv/data/. A document that is not in canonical form has its
 * canonical form in expected/<name> (NMIFACE_REGENERATE=1 writes it). The canonical output
 * must pass our schema and format again to itself.
 */

#include <string.h>

#include "iface-def.h"
#include "xml-test-util.h"

static void test_roundtrip(gconstpointer data)
{
    const char *path = data;
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *expected_path =
        g_build_filename(xml_test_env_dir("NMIFACE_XML_TEST_DIR"), "expected", base, NULL);
    g_autofree char *original = xml_test_read_file(path);
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;
    g_autoptr(NmiIfaceDef) again = NULL;
    g_autofree char *formatted = NULL;
    g_autofree char *reformatted = NULL;

    def = nmi_iface_def_parse(original, 0, &error);
    g_assert_no_error(error);
    g_assert_true(nmi_iface_def_validate(def, &error));
    g_assert_no_error(error);
    formatted = nmi_iface_def_format(def);

    if (strcmp(formatted, original) != 0 || g_file_test(expected_path, G_FILE_TEST_EXISTS))
        xml_test_check_expected(expected_path, formatted);

    again = nmi_iface_def_parse(formatted, NMI_PARSE_VALIDATE, &error);
    g_assert_no_error(error);
    reformatted = nmi_iface_def_format(again);
    g_assert_cmpstr(reformatted, ==, formatted);
}

static void test_conformance_missing(void)
{
    g_test_skip("no ../shared/conformance in this checkout: libvirt's round-trip files skipped");
}

static void add_dir(const char *prefix, const char *dir)
{
    g_autoptr(GPtrArray) files = xml_test_list_files(dir, NULL, ".xml");

    for (guint i = 0; i < files->len; i++) {
        g_autofree char *base = g_path_get_basename(g_ptr_array_index(files, i));
        g_autofree char *name = g_strdup_printf("%s/%s", prefix, base);

        g_test_add_data_func_full(name, g_strdup(g_ptr_array_index(files, i)), test_roundtrip,
                                  g_free);
    }
    if (files->len == 0)
        g_error("no documents in %s", dir);
}

int main(int argc, char **argv)
{
    const char *conformance;

    g_test_init(&argc, &argv, NULL);

    conformance = xml_test_conformance_dir();
    if (conformance != NULL) {
        g_autofree char *dir = g_build_filename(conformance, "libvirt", NULL);
        add_dir("/xml/roundtrip/conformance", dir);
    } else {
        g_test_add_func("/xml/roundtrip/conformance", test_conformance_missing);
    }
    add_dir("/xml/roundtrip/data", xml_test_env_dir("NMIFACE_XML_DATA_DIR"));
    return g_test_run();
}
