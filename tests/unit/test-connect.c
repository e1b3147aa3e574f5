/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Connections: open through the loader, URIs, refusals, reference counts. */

#include "test-common.h"

static void test_open_close(void)
{
    virConnectPtr conn = virConnectOpen("test:///default");

    g_assert_nonnull(conn);
    assert_no_error();
    g_assert_cmpint(virConnectClose(conn), ==, 0);
    assert_no_error();
}

static void test_ref_close(void)
{
    virConnectPtr conn = test_open("test:///default");

    g_assert_cmpint(virConnectRef(conn), ==, 0);
    g_assert_cmpint(virConnectRef(conn), ==, 0);
    g_assert_cmpint(virConnectClose(conn), ==, 2);
    g_assert_cmpint(virConnectClose(conn), ==, 1);
    g_assert_cmpint(virConnectClose(conn), ==, 0);

    /* Closed: the pointer is dead and recognised as such without touching it. */
    g_assert_cmpint(virConnectClose(conn), ==, -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE,
                      "invalid connection pointer in virConnectClose");
    g_assert_cmpint(virConnectRef(conn), ==, -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE,
                      "invalid connection pointer in virConnectRef");
    g_assert_null(virConnectGetURI(conn));
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE,
                      "invalid connection pointer in virConnectGetURI");
    g_assert_cmpint(virConnectNumOfInterfaces(conn), ==, -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_INTERFACE,
                      "invalid connection pointer in virConnectNumOfInterfaces");
}

static void test_null_conn(void)
{
    g_assert_cmpint(virConnectClose(NULL), ==, -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE,
                      "invalid connection pointer in virConnectClose");
    g_assert_cmpint(virConnectRef(NULL), ==, -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE,
                      "invalid connection pointer in virConnectRef");
    g_assert_null(virConnectGetURI(NULL));
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE,
                      "invalid connection pointer in virConnectGetURI");
}

static void test_interface_holds_connection(void)
{
    g_autofree char *log = test_log_start();
    g_autofree char *calls = NULL;
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr iface = virInterfaceLookupByName(conn, "eth0");
    char *xml;

    g_assert_nonnull(iface);
    g_assert_true(virInterfaceGetConnect(iface) == conn);
    /* The interface's reference keeps the connection open. */
    g_assert_cmpint(virConnectClose(conn), >, 0);
    g_assert_true(virInterfaceGetConnect(iface) == conn);
    xml = virInterfaceGetXMLDesc(iface, 0);
    g_assert_nonnull(xml);
    free(xml);
    g_free(test_log_take(log));

    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    calls = test_log_take(log);
    g_assert_cmpstr(calls, ==, "close\n");
    g_assert_cmpint(virConnectClose(conn), ==, -1);
    test_log_stop(g_steal_pointer(&log));
}

static void test_interface_ref_free(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr iface = virInterfaceLookupByName(conn, "eth1");
    const char *name;

    g_assert_nonnull(iface);
    name = virInterfaceGetName(iface);
    g_assert_cmpint(virInterfaceRef(iface), ==, 0);
    g_assert_cmpint(virInterfaceRef(iface), ==, 0);
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    /* Still one reference: the name lives as long as the object. */
    g_assert_cmpstr(name, ==, "eth1");
    g_assert_true(virInterfaceGetName(iface) == name);
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);

    g_assert_cmpint(virInterfaceFree(iface), ==, -1);
    assert_last_error(VIR_ERR_INVALID_INTERFACE, VIR_FROM_INTERFACE,
                      "invalid interface pointer in virInterfaceFree");
    g_assert_cmpint(virInterfaceRef(iface), ==, -1);
    assert_last_error(VIR_ERR_INVALID_INTERFACE, VIR_FROM_INTERFACE,
                      "invalid interface pointer in virInterfaceRef");
    test_close(conn);
}

static void test_get_uri(void)
{
    virConnectPtr conn = test_open("test:///empty");
    char *uri = virConnectGetURI(conn);

    g_assert_cmpstr(uri, ==, "test:///empty");
    free(uri);
    test_close(conn);
}

static void test_default_uri(void)
{
    virConnectPtr conn;
    char *uri;

    g_setenv("NMIFACE_DEFAULT_URI", "test:///empty", TRUE);
    conn = test_open(NULL);
    g_unsetenv("NMIFACE_DEFAULT_URI");
    uri = virConnectGetURI(conn);
    g_assert_cmpstr(uri, ==, "test:///empty");
    free(uri);
    test_close(conn);
}

static void test_read_only_open(void)
{
    virConnectPtr conn = virConnectOpenReadOnly("test:///default");

    g_assert_nonnull(conn);
    g_assert_cmpint(virConnectNumOfInterfaces(conn), ==, 1);
    test_close(conn);
}

static void test_unknown_scheme(void)
{
    g_autofree char *prefix =
        g_strdup_printf("no connection driver available for nosuch:///system (no module "
                        "nmiface-driver-nosuch.so in ");

    g_assert_null(virConnectOpen("nosuch:///system"));
    assert_last_error_prefix(VIR_ERR_NO_CONNECT, prefix);
    g_assert_cmpint(virGetLastError()->domain, ==, VIR_FROM_NONE);
    g_assert_nonnull(strstr(virGetLastErrorMessage(), g_getenv("NMIFACE_DRIVER_DIR")));

    g_assert_null(virConnectOpenReadOnly("nosuch:///system"));
    assert_last_error_prefix(VIR_ERR_NO_CONNECT, prefix);
}

static void test_invalid_uri(void)
{
    g_assert_null(virConnectOpen("not a uri"));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE,
                      "no connection driver available for not a uri "
                      "(not a URI of the form SCHEME:///PATH)");
    g_assert_null(virConnectOpen("../x:///y"));
    assert_last_error_prefix(VIR_ERR_NO_CONNECT, "no connection driver available for ../x:///y");
}

static void test_abi_mismatch(void)
{
    g_autofree char *expected =
        g_strdup_printf("no connection driver available for badabi:///default (module "
                        "%s/nmiface-driver-badabi.so has driver ABI version 2, expected 1)",
                        g_getenv("NMIFACE_DRIVER_DIR"));

    g_assert_null(virConnectOpen("badabi:///default"));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE, expected);
    /* Refused modules are not cached as usable: asking again refuses again. */
    g_assert_null(virConnectOpen("badabi:///default"));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE, expected);
}

static void test_missing_entry_symbol(void)
{
    g_autofree char *expected =
        g_strdup_printf("no connection driver available for noentry:///default (module "
                        "%s/nmiface-driver-noentry.so has no symbol nmiface_driver_entry)",
                        g_getenv("NMIFACE_DRIVER_DIR"));

    g_assert_null(virConnectOpen("noentry:///default"));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE, expected);
}

static void test_driver_open_error(void)
{
    g_assert_null(virConnectOpen("test:///fail-open"));
    assert_last_error(VIR_ERR_AUTH_FAILED, VIR_FROM_INTERFACE,
                      "authentication failed: injected open failure");
    g_assert_null(virConnectOpen("test:///elsewhere"));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "invalid argument: unknown test driver URI 'test:///elsewhere' (use "
                      "test:///default or test:///empty)");
}

static void test_foreign_pointers(void)
{
    int not_an_object = 0;
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr iface = virInterfaceLookupByName(conn, "eth0");

    /* A pointer of the other kind, or to anything else, is refused unread. */
    g_assert_cmpint(virConnectNumOfInterfaces((virConnectPtr)iface), ==, -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_INTERFACE,
                      "invalid connection pointer in virConnectNumOfInterfaces");
    g_assert_null(virInterfaceGetName((virInterfacePtr)conn));
    assert_last_error(VIR_ERR_INVALID_INTERFACE, VIR_FROM_INTERFACE,
                      "invalid interface pointer in virInterfaceGetName");
    g_assert_cmpint(virConnectClose((virConnectPtr)&not_an_object), ==, -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE,
                      "invalid connection pointer in virConnectClose");
    g_assert_cmpint(virInterfaceFree((virInterfacePtr)&not_an_object), ==, -1);
    assert_last_error(VIR_ERR_INVALID_INTERFACE, VIR_FROM_INTERFACE,
                      "invalid interface pointer in virInterfaceFree");

    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    test_close(conn);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/connect/open-close", test_open_close);
    g_test_add_func("/connect/ref-close", test_ref_close);
    g_test_add_func("/connect/null", test_null_conn);
    g_test_add_func("/connect/interface-holds-connection", test_interface_holds_connection);
    g_test_add_func("/connect/interface-ref-free", test_interface_ref_free);
    g_test_add_func("/connect/get-uri", test_get_uri);
    g_test_add_func("/connect/default-uri", test_default_uri);
    g_test_add_func("/connect/read-only-open", test_read_only_open);
    g_test_add_func("/connect/unknown-scheme", test_unknown_scheme);
    g_test_add_func("/connect/invalid-uri", test_invalid_uri);
    g_test_add_func("/connect/abi-mismatch", test_abi_mismatch);
    g_test_add_func("/connect/missing-entry-symbol", test_missing_entry_symbol);
    g_test_add_func("/connect/driver-open-error", test_driver_open_error);
    g_test_add_func("/connect/foreign-pointers", test_foreign_pointers);
    return g_test_run();
}
