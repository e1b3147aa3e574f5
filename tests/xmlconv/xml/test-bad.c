/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every bad/<name>.xml fails to parse with the code and message in bad/<name>.err
 * ("VIR_ERR_XML_ERROR message"). NMIFACE_REGENERATE=1 rewrites the .err files for review.
 * Fuzz regressions (tests/fuzz/regressions/) are replayed here too: each must give a clean
 * answer, and whatever parses must format, re-parse and format to the same text.
 */

#include <string.h>

#include "iface-def.h"
#include "xml-test-util.h"

static void test_bad(gconstpointer data)
{
    const char *path = data;
    g_autofree char *err_path = NULL;
    g_autofree char *xml = xml_test_read_file(path);
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;
    g_autofree char *actual = NULL;

    err_path = g_strdup_printf("%.*s.err", (int)(strlen(path) - strlen(".xml")), path);
    def = nmi_iface_def_parse(xml, 0, &error);
    g_assert_null(def);
    g_assert_nonnull(error);
    g_assert_true(error->domain == g_quark_from_static_string("nmiface-error-quark"));
    actual = g_strdup_printf("%s %s\n", xml_test_code_name(error->code), error->message);
    xml_test_check_expected(err_path, actual);
}

static void test_regression(gconstpointer data)
{
    const char *path = data;
    g_autofree char *contents = NULL;
    gsize len = 0;
    g_autofree char *xml = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;

    g_assert_true(g_file_get_contents(path, &contents, &len, NULL));
    /* the fuzz target cuts its input at the first NUL, as C callers do */
    xml = g_strndup(contents, len);
    def = nmi_iface_def_parse(xml, 0, &error);
    if (def == NULL) {
        g_assert_nonnull(error);
        g_assert_nonnull(error->message);
    } else {
        g_autofree char *formatted = nmi_iface_def_format(def);
        g_autoptr(NmiIfaceDef) again = nmi_iface_def_parse(formatted, 0, &error);
        g_autofree char *reformatted = NULL;

        g_assert_no_error(error);
        reformatted = nmi_iface_def_format(again);
        g_assert_cmpstr(reformatted, ==, formatted);
    }
}

/* schema-cases/bad-*.xml that only the schema refuses (see test-schema.c) */
static const char *const schema_only[] = {"bad-bond-no-ports.xml"};

static void add_bad_files(const char *test_prefix, const char *subdir, const char *prefix)
{
    g_autofree char *dir = g_build_filename(xml_test_env_dir("NMIFACE_XML_TEST_DIR"), subdir, NULL);
    g_autoptr(GPtrArray) files = xml_test_list_files(dir, prefix, ".xml");

    g_assert_cmpuint(files->len, >, 0);
    for (guint i = 0; i < files->len; i++) {
        g_autofree char *base = g_path_get_basename(g_ptr_array_index(files, i));
        g_autofree char *name = g_strdup_printf("%s/%s", test_prefix, base);
        gboolean skip = FALSE;

        for (guint j = 0; j < G_N_ELEMENTS(schema_only); j++)
            skip = skip || strcmp(base, schema_only[j]) == 0;
        if (!skip)
            g_test_add_data_func_full(name, g_strdup(g_ptr_array_index(files, i)), test_bad,
                                      g_free);
    }
}

int main(int argc, char **argv)
{
    g_autoptr(GPtrArray) regressions = NULL;

    g_test_init(&argc, &argv, NULL);

    add_bad_files("/xml/bad", "bad", NULL);
    add_bad_files("/xml/bad/schema-case", "schema-cases", "bad-");

    regressions = xml_test_list_files(xml_test_env_dir("NMIFACE_FUZZ_REGRESSIONS_DIR"), NULL, "");
    for (guint i = 0; i < regressions->len; i++) {
        g_autofree char *base = g_path_get_basename(g_ptr_array_index(regressions, i));
        g_autofree char *name = NULL;

        if (g_str_has_prefix(base, ".") || g_str_has_suffix(base, ".md"))
            continue;
        name = g_strdup_printf("/xml/fuzz-regression/%s", base);
        g_test_add_data_func_full(name, g_strdup(g_ptr_array_index(regressions, i)),
                                  test_regression, g_free);
    }
    return g_test_run();
}
