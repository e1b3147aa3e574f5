/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <string.h>

#include <glib/gstdio.h>

#include "nmiface/libvirt-interface.h"
#include "xml-test-util.h"

const char *xml_test_env_dir(const char *name)
{
    const char *dir = g_getenv(name);

    if (dir == NULL || *dir == '\0')
        g_error("%s is not set: run this test through meson test", name);
    return dir;
}

const char *xml_test_conformance_dir(void)
{
    const char *dir = xml_test_env_dir("NMIFACE_CONFORMANCE_DIR");

    if (g_file_test(dir, G_FILE_TEST_IS_DIR))
        return dir;
    if (g_strcmp0(g_getenv("CI"), "true") == 0)
        g_error("conformance data missing at %s (required when CI=true)", dir);
    return NULL;
}

static gint compare_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *xml_test_list_files(const char *dir, const char *prefix, const char *suffix)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    if (d == NULL)
        return files;
    while ((name = g_dir_read_name(d)) != NULL) {
        if (g_str_has_suffix(name, suffix) && (prefix == NULL || g_str_has_prefix(name, prefix)))
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
    }
    g_ptr_array_sort(files, compare_paths);
    return files;
}

char *xml_test_read_file(const char *path)
{
    g_autoptr(GError) error = NULL;
    char *contents = NULL;

    if (!g_file_get_contents(path, &contents, NULL, &error))
        g_error("cannot read %s: %s", path, error->message);
    return contents;
}

gboolean xml_test_regenerate(void)
{
    return g_strcmp0(g_getenv("NMIFACE_REGENERATE"), "1") == 0;
}

void xml_test_check_expected(const char *expected_path, const char *actual)
{
    g_autofree char *expected = NULL;

    if (xml_test_regenerate()) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_path_get_dirname(expected_path);

        g_mkdir_with_parents(dir, 0755);
        if (!g_file_set_contents(expected_path, actual, -1, &error))
            g_error("cannot write %s: %s", expected_path, error->message);
        g_test_message("regenerated %s", expected_path);
        return;
    }
    if (!g_file_get_contents(expected_path, &expected, NULL, NULL)) {
        g_test_fail_printf("%s is missing (NMIFACE_REGENERATE=1 writes it for review); actual:\n%s",
                           expected_path, actual);
        return;
    }
    if (g_strcmp0(expected, actual) != 0)
        g_test_fail_printf("%s differs; expected:\n%s\nactual:\n%s", expected_path, expected,
                           actual);
}

static const struct {
    int code;
    const char *name;
} code_names[] = {
    {VIR_ERR_INTERNAL_ERROR, "VIR_ERR_INTERNAL_ERROR"},
    {VIR_ERR_NO_MEMORY, "VIR_ERR_NO_MEMORY"},
    {VIR_ERR_INVALID_ARG, "VIR_ERR_INVALID_ARG"},
    {VIR_ERR_XML_ERROR, "VIR_ERR_XML_ERROR"},
    {VIR_ERR_XML_DETAIL, "VIR_ERR_XML_DETAIL"},
    {VIR_ERR_INVALID_MAC, "VIR_ERR_INVALID_MAC"},
    {VIR_ERR_XML_INVALID_SCHEMA, "VIR_ERR_XML_INVALID_SCHEMA"},
};

const char *xml_test_code_name(int code)
{
    for (guint i = 0; i < G_N_ELEMENTS(code_names); i++) {
        if (code_names[i].code == code)
            return code_names[i].name;
    }
    return "VIR_ERR_UNKNOWN";
}

int xml_test_code_from_name(const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS(code_names); i++) {
        if (strcmp(code_names[i].name, name) == 0)
            return code_names[i].code;
    }
    return -1;
}
