/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Our schema (data/interface.rng) against libvirt's (../shared/conformance/schema): every
 * conformance file and every schema-cases/good-*.xml passes both; every schema-cases/bad-*.xml
 * fails both, except the cases below where ours is deliberately stricter. The parser's verdict
 * (without NMI_PARSE_VALIDATE) agrees with the schema's, except where listed.
 */

#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "iface-def.h"
#include "iface-xml-private.h"
#include "nmiface/driver.h"
#include "xml-test-util.h"

typedef struct {
    const char *file;
    const char *why;
} Exception;

/* libvirt's schema accepts these; ours refuses them on purpose. */
static const Exception ours_stricter[] = {
    {"bad-name-colon.xml", "the kernel refuses ':' in interface names (libvirt allows it)"},
    {"bad-name-slash.xml", "the kernel refuses '/' in interface names"},
    {"bad-name-too-long.xml", "the kernel's IFNAMSIZ: at most 15 bytes"},
    {"bad-name-dot.xml", "the kernel refuses '.' as an interface name"},
    {"bad-name-dotdot.xml", "the kernel refuses '..' as an interface name"},
    {"bad-vlan-no-name.xml", "libvirt's parser requires a name for every interface; its schema "
                             "forgot vlans"},
    {"bad-mtu-zero.xml", "mtu is 68..65535 (ETH_MIN_MTU..IP_MAX_MTU); 0 would mean 'unset'"},
    {"bad-mtu-huge.xml", "mtu is 68..65535"},
    {"bad-delay-exponent.xml", "bridge delay is a plain decimal, as NetworkManager stores it"},
    {"bad-delay-inf.xml", "bridge delay must be finite"},
    {"bad-miimon-huge.xml", "miimon/arpmon values are ints in the model and the kernel"},
};

/* Our parser (without VALIDATE) disagrees with our schema on these. */
static const Exception parser_differs[] = {
    {"bad-bond-no-ports.xml", "parser accepts: libvirt's parser allows a bond without ports "
                              "(NetworkManager can hold one); only the schemas require a port"},
    {"good-duplicate-ports.xml", "parser refuses: a port listed twice cannot be expressed in "
                                 "RelaxNG"},
    {"good-port-is-master.xml", "parser refuses: a port that is its own master cannot be "
                                "expressed in RelaxNG"},
};

static const char *find_exception(const Exception *list, gsize n, const char *file)
{
    for (gsize i = 0; i < n; i++) {
        if (strcmp(list[i].file, file) == 0)
            return list[i].why;
    }
    return NULL;
}

static xmlRelaxNGPtr libvirt_schema;
static xmlRelaxNGPtr our_schema;

static void quiet_errors(void *data, xmlErrorPtr err)
{
}

static xmlRelaxNGPtr load_schema(const char *path)
{
    xmlRelaxNGParserCtxtPtr pctxt = xmlRelaxNGNewParserCtxt(path);
    xmlRelaxNGPtr schema;

    g_assert_nonnull(pctxt);
    schema = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (schema == NULL)
        g_error("cannot compile %s", path);
    return schema;
}

static gboolean schema_accepts(xmlRelaxNGPtr schema, const char *path)
{
    xmlDocPtr doc =
        xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlRelaxNGValidCtxtPtr vctxt;
    int rc;

    g_assert_nonnull(doc);
    vctxt = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidStructuredErrors(vctxt, quiet_errors, NULL);
    rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    xmlFreeDoc(doc);
    return rc == 0;
}

static void test_case(gconstpointer data)
{
    const char *path = data;
    g_autofree char *base = g_path_get_basename(path);
    gboolean good = g_str_has_prefix(base, "good-");
    const char *stricter = find_exception(ours_stricter, G_N_ELEMENTS(ours_stricter), base);
    const char *parser_note = find_exception(parser_differs, G_N_ELEMENTS(parser_differs), base);
    gboolean libvirt_ok = schema_accepts(libvirt_schema, path);
    gboolean ours_ok = schema_accepts(our_schema, path);
    g_autofree char *xml = xml_test_read_file(path);
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) validated = NULL;
    g_autoptr(NmiIfaceDef) parsed = NULL;

    if (stricter != NULL)
        g_test_message("%s: ours is stricter: %s", base, stricter);
    if (parser_note != NULL)
        g_test_message("%s: %s", base, parser_note);

    g_assert_cmpint(ours_ok, ==, good);
    g_assert_cmpint(libvirt_ok, ==, good || stricter != NULL);

    /* the library's own VALIDATE path gives the same verdict, as XML_INVALID_SCHEMA */
    validated = nmi_iface_def_parse(xml, NMI_PARSE_VALIDATE, &error);
    if (!good) {
        g_assert_null(validated);
        g_assert_error(error, NMIFACE_ERROR, VIR_ERR_XML_INVALID_SCHEMA);
        g_test_message("%s: %s", base, error->message);
    } else if (parser_note == NULL) {
        g_assert_no_error(error);
        g_assert_nonnull(validated);
    }
    g_clear_error(&error);

    /* without VALIDATE: the parser's own verdict */
    parsed = nmi_iface_def_parse(xml, 0, &error);
    if (good != (parser_note != NULL)) {
        g_assert_no_error(error);
        g_assert_nonnull(parsed);
    } else {
        g_assert_null(parsed);
        g_assert_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR);
    }
}

static void test_conformance_file(gconstpointer data)
{
    const char *path = data;

    g_assert_true(schema_accepts(libvirt_schema, path));
    g_assert_true(schema_accepts(our_schema, path));
}

static void test_exceptions_exist(void)
{
    const char *dir = xml_test_env_dir("NMIFACE_XML_TEST_DIR");

    for (gsize i = 0; i < G_N_ELEMENTS(ours_stricter); i++) {
        g_autofree char *p = g_build_filename(dir, "schema-cases", ours_stricter[i].file, NULL);
        g_assert_true(g_file_test(p, G_FILE_TEST_EXISTS));
        g_assert_true(g_str_has_prefix(ours_stricter[i].file, "bad-"));
    }
    for (gsize i = 0; i < G_N_ELEMENTS(parser_differs); i++) {
        g_autofree char *p = g_build_filename(dir, "schema-cases", parser_differs[i].file, NULL);
        g_assert_true(g_file_test(p, G_FILE_TEST_EXISTS));
    }
}

/* The library finds the schema: $NMIFACE_SCHEMA first, else (from the build tree) the
 * source tree's copy. */
static void test_schema_location(void)
{
    g_autofree char *found = NULL;
    g_autofree char *overridden = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;

    g_unsetenv("NMIFACE_SCHEMA");
    found = nmi_iface_schema_path();
    g_assert_cmpstr(found, ==, xml_test_env_dir("NMIFACE_SCHEMA_SOURCE_FILE"));

    g_setenv("NMIFACE_SCHEMA", "/nonexistent/interface.rng", TRUE);
    overridden = nmi_iface_schema_path();
    g_assert_cmpstr(overridden, ==, "/nonexistent/interface.rng");
    def =
        nmi_iface_def_parse("<interface type='ethernet' name='eth0'/>", NMI_PARSE_VALIDATE, &error);
    g_assert_null(def);
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_unsetenv("NMIFACE_SCHEMA");
}

static void test_conformance_missing(void)
{
    g_test_skip("no ../shared/conformance in this checkout: schema comparison skipped");
}

int main(int argc, char **argv)
{
    const char *conformance;
    g_autofree char *cases_dir = NULL;
    g_autoptr(GPtrArray) cases = NULL;
    int rc;

    g_test_init(&argc, &argv, NULL);
    g_unsetenv("NMIFACE_SCHEMA");

    g_test_add_func("/xml/schema/location", test_schema_location);
    g_test_add_func("/xml/schema/exceptions-exist", test_exceptions_exist);

    conformance = xml_test_conformance_dir();
    if (conformance == NULL) {
        g_test_add_func("/xml/schema/libvirt", test_conformance_missing);
        return g_test_run();
    }

    {
        g_autofree char *libvirt_rng =
            g_build_filename(conformance, "schema", "interface.rng", NULL);
        g_autofree char *libvirt_dir = g_build_filename(conformance, "libvirt", NULL);
        g_autoptr(GPtrArray) files = xml_test_list_files(libvirt_dir, NULL, ".xml");

        libvirt_schema = load_schema(libvirt_rng);
        our_schema = load_schema(xml_test_env_dir("NMIFACE_SCHEMA_SOURCE_FILE"));
        for (guint i = 0; i < files->len; i++) {
            g_autofree char *base = g_path_get_basename(g_ptr_array_index(files, i));
            g_autofree char *name = g_strdup_printf("/xml/schema/conformance/%s", base);
            g_test_add_data_func_full(name, g_strdup(g_ptr_array_index(files, i)),
                                      test_conformance_file, g_free);
        }
    }

    cases_dir = g_build_filename(xml_test_env_dir("NMIFACE_XML_TEST_DIR"), "schema-cases", NULL);
    cases = xml_test_list_files(cases_dir, NULL, ".xml");
    g_assert_cmpuint(cases->len, >, 0);
    for (guint i = 0; i < cases->len; i++) {
        g_autofree char *base = g_path_get_basename(g_ptr_array_index(cases, i));
        g_autofree char *name = g_strdup_printf("/xml/schema/case/%s", base);

        if (!g_str_has_prefix(base, "good-") && !g_str_has_prefix(base, "bad-"))
            g_error("schema case %s is neither good-*.xml nor bad-*.xml", base);
        g_test_add_data_func_full(name, g_strdup(g_ptr_array_index(cases, i)), test_case, g_free);
    }

    rc = g_test_run();
    xmlRelaxNGFree(libvirt_schema);
    xmlRelaxNGFree(our_schema);
    return rc;
}
