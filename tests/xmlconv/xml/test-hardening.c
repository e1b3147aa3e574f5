/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hostile input: every case gets a clean error (right code, a message), fast, without network
 * or file access, without a crash. Plus: parsing from several threads at once, with and
 * without schema validation.
 */

#include <string.h>

#include "iface-def.h"
#include "nmiface/driver.h"
#include "xml-test-util.h"

/* generous: sanitizer builds are slow; a parser that expands entities takes far longer */
#define MAX_SECONDS 5.0

static void expect_error(const char *xml, int code, const char *fragment)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;
    gint64 start = g_get_monotonic_time();
    double seconds;

    def = nmi_iface_def_parse(xml, 0, &error);
    seconds = (g_get_monotonic_time() - start) / 1e6;
    g_assert_null(def);
    g_assert_error(error, NMIFACE_ERROR, code);
    if (fragment != NULL && strstr(error->message, fragment) == NULL)
        g_error("message '%s' lacks '%s'", error->message, fragment);
    g_test_message("%.3f s: %s", seconds, error->message);
    g_assert_cmpfloat(seconds, <, MAX_SECONDS);

    /* the same without a GError to fill */
    g_assert_null(nmi_iface_def_parse(xml, 0, NULL));
    g_assert_null(nmi_iface_def_parse(xml, NMI_PARSE_VALIDATE, NULL));
}

static void test_billion_laughs(void)
{
    const char *xml =
        "<?xml version='1.0'?>\n"
        "<!DOCTYPE interface [\n"
        " <!ENTITY lol 'lol'>\n"
        " <!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>\n"
        " <!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>\n"
        " <!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>\n"
        " <!ENTITY lol4 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>\n"
        " <!ENTITY lol5 '&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;'>\n"
        " <!ENTITY lol6 '&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;'>\n"
        " <!ENTITY lol7 '&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;'>\n"
        " <!ENTITY lol8 '&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;'>\n"
        " <!ENTITY lol9 '&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;'>\n"
        "]>\n"
        "<interface type='ethernet' name='&lol9;'>\n</interface>\n";

    expect_error(xml, VIR_ERR_XML_ERROR, "<!DOCTYPE>");
}

static void test_quadratic_blowup(void)
{
    g_autoptr(GString) xml = g_string_new("<!DOCTYPE interface [<!ENTITY a '");
    g_autofree char *a = g_strnfill(50000, 'a');

    g_string_append(xml, a);
    g_string_append(xml, "'>]>\n<interface type='ethernet' name='eth0'>\n");
    for (int i = 0; i < 10000; i++)
        g_string_append(xml, "&a;");
    g_string_append(xml, "</interface>\n");
    expect_error(xml->str, VIR_ERR_XML_ERROR, "<!DOCTYPE>");
}

static void test_external_entity_file(void)
{
    expect_error("<?xml version='1.0'?>\n"
                 "<!DOCTYPE interface [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>\n"
                 "<interface type='ethernet' name='eth0'><mac address='&xxe;'/></interface>\n",
                 VIR_ERR_XML_ERROR, "<!DOCTYPE>");
}

static void test_external_entity_http(void)
{
    /* 192.0.2.1 is TEST-NET-1: a fetch would hang until the timeout, failing the time check */
    expect_error("<?xml version='1.0'?>\n"
                 "<!DOCTYPE interface [<!ENTITY xxe SYSTEM 'http://192.0.2.1/x'>]>\n"
                 "<interface type='ethernet' name='&xxe;'/>\n",
                 VIR_ERR_XML_ERROR, "<!DOCTYPE>");
    expect_error("<!DOCTYPE interface SYSTEM 'http://192.0.2.1/interface.dtd'>\n"
                 "<interface type='ethernet' name='eth0'/>\n",
                 VIR_ERR_XML_ERROR, "<!DOCTYPE>");
    expect_error("<!DOCTYPE interface [<!ENTITY % pe SYSTEM 'http://192.0.2.1/x.dtd'> %pe;]>\n"
                 "<interface type='ethernet' name='eth0'/>\n",
                 VIR_ERR_XML_ERROR, "<!DOCTYPE>");
}

static void test_undefined_entity(void)
{
    expect_error("<interface type='ethernet' name='&xxe;'/>\n", VIR_ERR_XML_DETAIL, "at line 1:");
}

static void test_ten_megabytes(void)
{
    gsize size = 10 * 1024 * 1024;
    g_autofree char *xml = g_malloc(size + 1);
    const char *head = "<interface type='ethernet' name='eth0'>\n<!-- ";

    memset(xml, 'x', size);
    memcpy(xml, head, strlen(head));
    xml[size] = '\0';
    expect_error(xml, VIR_ERR_XML_ERROR, "larger than the limit");
}

static void test_at_the_size_limit(void)
{
    const char *head = "<interface type='ethernet' name='eth0'>\n<!-- ";
    const char *tail = " -->\n</interface>\n";
    g_autofree char *xml = g_malloc(NMI_XML_MAX_BYTES + 2);
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;
    gsize tail_at = NMI_XML_MAX_BYTES - strlen(tail);

    memset(xml, 'x', NMI_XML_MAX_BYTES + 1);
    memcpy(xml, head, strlen(head));
    memcpy(xml + tail_at, tail, strlen(tail));
    xml[NMI_XML_MAX_BYTES] = '\0';
    def = nmi_iface_def_parse(xml, 0, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(def->name, ==, "eth0");

    /* one byte more is refused */
    xml[NMI_XML_MAX_BYTES] = '\n';
    xml[NMI_XML_MAX_BYTES + 1] = '\0';
    expect_error(xml, VIR_ERR_XML_ERROR, "larger than the limit");
}

static void test_deep_nesting(void)
{
    g_autoptr(GString) xml = g_string_new(NULL);

    for (int i = 0; i < 10000; i++)
        g_string_append(xml, "<interface type='bridge' name='br0'><bridge>");
    expect_error(xml->str, VIR_ERR_XML_ERROR, "nested deeper than");

    g_string_truncate(xml, 0);
    for (int i = 0; i < 10000; i++)
        g_string_append(xml, "<a>");
    for (int i = 0; i < 10000; i++)
        g_string_append(xml, "</a>");
    expect_error(xml->str, VIR_ERR_XML_ERROR, "nested deeper than");
}

static void test_many_ports(void)
{
    g_autoptr(GString) xml = g_string_new("<interface type='bridge' name='br0'><bridge>\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;
    gint64 start = g_get_monotonic_time();

    for (int i = 0; i < 20000; i++)
        g_string_append_printf(xml, "<interface type='ethernet' name='e%d'/>\n", i);
    g_string_append(xml, "</bridge></interface>\n");
    g_assert_cmpuint(xml->len, <, NMI_XML_MAX_BYTES);
    def = nmi_iface_def_parse(xml->str, 0, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(def->ports->len, ==, 20000);
    g_assert_cmpfloat((g_get_monotonic_time() - start) / 1e6, <, MAX_SECONDS);
}

static void test_huge_attribute(void)
{
    g_autofree char *name = g_strnfill(900 * 1024, 'n');
    g_autofree char *xml = g_strdup_printf("<interface type='ethernet' name='%s'/>", name);

    expect_error(xml, VIR_ERR_XML_ERROR, "must be 1..15 bytes");
}

static void test_non_utf8(void)
{
    expect_error("<interface type='ethernet' name='\xff\xfe\x80'/>", VIR_ERR_XML_DETAIL,
                 "at line 1:");
    expect_error("\x89PNG\r\n\x1a\n\xff\xfe\x01garbage", VIR_ERR_XML_DETAIL, "at line");
    expect_error("\xef\xbb\xbf\xc3\x28", VIR_ERR_XML_DETAIL, "at line");
}

static void test_declared_latin1(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = nmi_iface_def_parse(
        "<?xml version='1.0' encoding='ISO-8859-1'?>\n<interface type='ethernet' name='eth\xe9'/>",
        0, &error);

    g_assert_no_error(error);
    g_assert_cmpstr(def->name, ==, "eth\xc3\xa9");
}

static void test_empty_and_null(void)
{
    g_autoptr(GError) error = NULL;

    expect_error("", VIR_ERR_XML_DETAIL, "at line 1:");
    expect_error("   \n\t ", VIR_ERR_XML_DETAIL, "at line");
    expect_error("<", VIR_ERR_XML_DETAIL, "at line 1:");
    g_assert_null(nmi_iface_def_parse(NULL, 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INVALID_ARG);
    /* a NULL GError** is allowed */
    g_assert_null(nmi_iface_def_parse(NULL, 0, NULL));
    g_assert_null(nmi_iface_def_parse("<x/>", NMI_PARSE_VALIDATE, NULL));
    g_assert_false(nmi_iface_def_validate(NULL, NULL));
}

static void test_line_numbers(void)
{
    expect_error("<interface type='ethernet' name='eth0'>\n\n\n  <mtu size='1500'>\n</interface>\n",
                 VIR_ERR_XML_DETAIL, "at line 5:");
}

/* ---- threads ---- */

static const char *const thread_docs[] = {
    "<interface type='bridge' name='br0'>\n  <start mode='onboot'/>\n  <bridge stp='off'>\n"
    "    <interface type='ethernet' name='eth0'>\n    </interface>\n  </bridge>\n</interface>\n",
    "<interface type='ethernet' name='eth0'>\n  <protocol family='ipv6'>\n    <autoconf/>\n"
    "  </protocol>\n</interface>\n",
};

static gpointer parse_many(gpointer data)
{
    gboolean validate = GPOINTER_TO_INT(data);

    for (int i = 0; i < 200; i++) {
        const char *doc = thread_docs[i % G_N_ELEMENTS(thread_docs)];
        g_autoptr(GError) error = NULL;
        g_autoptr(NmiIfaceDef) def =
            nmi_iface_def_parse(doc, validate ? NMI_PARSE_VALIDATE : 0, &error);
        g_autofree char *out = NULL;
        g_autoptr(GError) bad_error = NULL;
        g_autoptr(NmiIfaceDef) bad = NULL;

        g_assert_no_error(error);
        out = nmi_iface_def_format(def);
        g_assert_cmpstr(out, ==, doc);

        bad = nmi_iface_def_parse("<interface type='ethernet' name='eth0'>\n<mtu>\n",
                                  validate ? NMI_PARSE_VALIDATE : 0, &bad_error);
        g_assert_null(bad);
        g_assert_error(bad_error, NMIFACE_ERROR, VIR_ERR_XML_DETAIL);
        g_assert_nonnull(strstr(bad_error->message, "at line 3:"));
    }
    return NULL;
}

static void test_threads(void)
{
    GThread *threads[8];

    for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
        threads[i] = g_thread_new("parse", parse_many, GINT_TO_POINTER(i % 2));
    for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
        g_thread_join(threads[i]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_unsetenv("NMIFACE_SCHEMA");

    g_test_add_func("/xml/hardening/billion-laughs", test_billion_laughs);
    g_test_add_func("/xml/hardening/quadratic-blowup", test_quadratic_blowup);
    g_test_add_func("/xml/hardening/external-entity-file", test_external_entity_file);
    g_test_add_func("/xml/hardening/external-entity-http", test_external_entity_http);
    g_test_add_func("/xml/hardening/undefined-entity", test_undefined_entity);
    g_test_add_func("/xml/hardening/ten-megabytes", test_ten_megabytes);
    g_test_add_func("/xml/hardening/size-limit", test_at_the_size_limit);
    g_test_add_func("/xml/hardening/deep-nesting", test_deep_nesting);
    g_test_add_func("/xml/hardening/many-ports", test_many_ports);
    g_test_add_func("/xml/hardening/huge-attribute", test_huge_attribute);
    g_test_add_func("/xml/hardening/non-utf8", test_non_utf8);
    g_test_add_func("/xml/hardening/declared-latin1", test_declared_latin1);
    g_test_add_func("/xml/hardening/empty-and-null", test_empty_and_null);
    g_test_add_func("/xml/hardening/line-numbers", test_line_numbers);
    g_test_add_func("/xml/hardening/threads", test_threads);
    return g_test_run();
}
