/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The interface entry points against the test driver: behaviour, the vtable entry each one
 * reaches, and every refusal (NULL arguments, dead objects, flags, read-only, NO_SUPPORT).
 */

#include <string.h>

#include "test-common.h"

#define ETH2_XML                                                                                   \
    "<interface type='ethernet' name='eth2'>\n"                                                    \
    "  <mac address='52:54:00:AA:BB:03'/>\n"                                                       \
    "</interface>\n"

static void test_lookup_by_name(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr iface = virInterfaceLookupByName(conn, "eth0");

    g_assert_nonnull(iface);
    assert_no_error();
    g_assert_cmpstr(virInterfaceGetName(iface), ==, "eth0");
    g_assert_cmpstr(virInterfaceGetMACString(iface), ==, "52:54:00:aa:bb:01");
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);

    g_assert_null(virInterfaceLookupByName(conn, "eth9"));
    assert_last_error(VIR_ERR_NO_INTERFACE, VIR_FROM_INTERFACE,
                      "Interface not found: couldn't find interface named 'eth9'");
    test_close(conn);
}

static void test_lookup_by_mac(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr iface = virInterfaceLookupByMACString(conn, "52:54:00:AA:BB:02");
    virInterfacePtr twin;

    g_assert_nonnull(iface);
    g_assert_cmpstr(virInterfaceGetName(iface), ==, "eth1");
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);

    g_assert_null(virInterfaceLookupByMACString(conn, "52:54:00:00:00:00"));
    assert_last_error(VIR_ERR_NO_INTERFACE, VIR_FROM_INTERFACE,
                      "Interface not found: couldn't find interface with MAC address "
                      "'52:54:00:00:00:00'");

    twin = virInterfaceDefineXML(conn,
                                 "<interface type='ethernet' name='twin'>"
                                 "<mac address='52:54:00:aa:bb:01'/></interface>",
                                 0);
    g_assert_nonnull(twin);
    g_assert_null(virInterfaceLookupByMACString(conn, "52:54:00:aa:bb:01"));
    assert_last_error(VIR_ERR_MULTIPLE_INTERFACES, VIR_FROM_INTERFACE,
                      "multiple matching interfaces found: multiple interfaces with matching "
                      "MAC address 52:54:00:aa:bb:01");
    g_assert_cmpint(virInterfaceFree(twin), ==, 0);
    test_close(conn);
}

static void test_mac_unknown_is_empty(void)
{
    virConnectPtr conn = test_open("test:///empty");
    virInterfacePtr iface = virInterfaceDefineXML(conn, "<interface type='bridge' name='br0'/>", 0);

    g_assert_nonnull(iface);
    g_assert_cmpstr(virInterfaceGetMACString(iface), ==, "");
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    test_close(conn);
}

static void test_xml_desc(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr iface = virInterfaceLookupByName(conn, "eth1");
    char *xml = virInterfaceGetXMLDesc(iface, 0);
    char *inactive = virInterfaceGetXMLDesc(iface, VIR_INTERFACE_XML_INACTIVE);

    g_assert_nonnull(strstr(xml, "<interface type='ethernet' name='eth1'>"));
    g_assert_cmpstr(xml, ==, inactive);
    free(xml);
    free(inactive);

    g_assert_null(virInterfaceGetXMLDesc(iface, 0x6));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "unsupported flags (0x6) in function virInterfaceGetXMLDesc");
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    test_close(conn);
}

static void test_define(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr iface = virInterfaceDefineXML(conn, ETH2_XML, 0);
    virInterfacePtr again;
    char *xml;

    g_assert_nonnull(iface);
    g_assert_cmpstr(virInterfaceGetName(iface), ==, "eth2");
    g_assert_cmpstr(virInterfaceGetMACString(iface), ==, "52:54:00:aa:bb:03");
    g_assert_cmpint(virInterfaceIsActive(iface), ==, 0);
    xml = virInterfaceGetXMLDesc(iface, VIR_INTERFACE_XML_INACTIVE);
    g_assert_cmpstr(xml, ==, ETH2_XML);
    free(xml);

    /* Redefining an existing interface replaces its definition. */
    again = virInterfaceDefineXML(conn, "<interface type='ethernet' name='eth2'/>",
                                  VIR_INTERFACE_DEFINE_VALIDATE);
    g_assert_nonnull(again);
    g_assert_cmpstr(virInterfaceGetMACString(again), ==, "");
    /* An object keeps what it was made with. */
    g_assert_cmpstr(virInterfaceGetMACString(iface), ==, "52:54:00:aa:bb:03");
    g_assert_cmpint(virConnectNumOfDefinedInterfaces(conn), ==, 2);
    g_assert_cmpint(virInterfaceFree(again), ==, 0);
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    test_close(conn);
}

static void test_define_errors(void)
{
    virConnectPtr conn = test_open("test:///empty");

    g_assert_null(virInterfaceDefineXML(conn, "<interface", 0));
    assert_last_error_prefix(VIR_ERR_XML_DETAIL, "at line 1: ");
    g_assert_null(virInterfaceDefineXML(conn, "<network name='x'/>", 0));
    assert_last_error(VIR_ERR_XML_ERROR, VIR_FROM_INTERFACE,
                      "XML error: unexpected root element <network>, expecting <interface>");
    g_assert_null(virInterfaceDefineXML(conn, "<interface type='ethernet'/>", 0));
    assert_last_error(VIR_ERR_XML_ERROR, VIR_FROM_INTERFACE,
                      "XML error: missing interface name attribute");
    g_assert_null(virInterfaceDefineXML(conn,
                                        "<interface type='ethernet' name='e'><bogus/></interface>",
                                        VIR_INTERFACE_DEFINE_VALIDATE));
    assert_last_error(VIR_ERR_XML_INVALID_SCHEMA, VIR_FROM_INTERFACE,
                      "XML document failed to validate against schema: unexpected element "
                      "<bogus> in <interface>");
    g_assert_null(virInterfaceDefineXML(conn, ETH2_XML, 0x10));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "unsupported flags (0x10) in function virInterfaceDefineXML");
    g_assert_cmpint(virConnectNumOfDefinedInterfaces(conn), ==, 0);
    test_close(conn);
}

static void test_undefine(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr iface = virInterfaceLookupByName(conn, "eth1");

    g_assert_cmpint(virInterfaceUndefine(iface), ==, 0);
    assert_no_error();
    /* The object outlives the definition. */
    g_assert_cmpstr(virInterfaceGetName(iface), ==, "eth1");
    g_assert_null(virInterfaceLookupByName(conn, "eth1"));
    g_assert_cmpint(virInterfaceUndefine(iface), ==, -1);
    assert_last_error(VIR_ERR_NO_INTERFACE, VIR_FROM_INTERFACE,
                      "Interface not found: couldn't find interface named 'eth1'");
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    test_close(conn);
}

static void test_create_destroy(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr iface = virInterfaceLookupByName(conn, "eth1");

    g_assert_cmpint(virInterfaceIsActive(iface), ==, 0);
    g_assert_cmpint(virInterfaceCreate(iface, 0), ==, 0);
    g_assert_cmpint(virInterfaceIsActive(iface), ==, 1);
    g_assert_cmpint(virInterfaceCreate(iface, 0), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_INTERFACE,
                      "Requested operation is not valid: interface is already running");
    g_assert_cmpint(virInterfaceDestroy(iface, 0), ==, 0);
    g_assert_cmpint(virInterfaceIsActive(iface), ==, 0);
    g_assert_cmpint(virInterfaceDestroy(iface, 0), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_INTERFACE,
                      "Requested operation is not valid: interface is not running");

    g_assert_cmpint(virInterfaceCreate(iface, 1), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "unsupported flags (0x1) in function virInterfaceCreate");
    g_assert_cmpint(virInterfaceDestroy(iface, 0x80000000), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "unsupported flags (0x80000000) in function virInterfaceDestroy");
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    test_close(conn);
}

static void test_transactions(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr iface;

    g_assert_cmpint(virInterfaceChangeCommit(conn, 0), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_INTERFACE,
                      "Requested operation is not valid: no pending transaction");
    g_assert_cmpint(virInterfaceChangeRollback(conn, 0), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_INTERFACE,
                      "Requested operation is not valid: no pending transaction");

    g_assert_cmpint(virInterfaceChangeBegin(conn, 0), ==, 0);
    g_assert_cmpint(virInterfaceChangeBegin(conn, 0), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_INTERFACE,
                      "Requested operation is not valid: there is already an open transaction");
    iface = virInterfaceDefineXML(conn, ETH2_XML, 0);
    g_assert_nonnull(iface);
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    g_assert_cmpint(virInterfaceChangeRollback(conn, 0), ==, 0);
    g_assert_null(virInterfaceLookupByName(conn, "eth2"));

    g_assert_cmpint(nmifaceChangeBeginWithTimeout(conn, 30, 0), ==, 0);
    iface = virInterfaceDefineXML(conn, ETH2_XML, 0);
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    g_assert_cmpint(virInterfaceChangeCommit(conn, 0), ==, 0);
    iface = virInterfaceLookupByName(conn, "eth2");
    g_assert_nonnull(iface);
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);

    g_assert_cmpint(virInterfaceChangeBegin(conn, 1), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "unsupported flags (0x1) in function virInterfaceChangeBegin");
    g_assert_cmpint(nmifaceChangeBeginWithTimeout(conn, 5, 2), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "unsupported flags (0x2) in function nmifaceChangeBeginWithTimeout");
    g_assert_cmpint(virInterfaceChangeCommit(conn, 4), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "unsupported flags (0x4) in function virInterfaceChangeCommit");
    g_assert_cmpint(virInterfaceChangeRollback(conn, 8), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "unsupported flags (0x8) in function virInterfaceChangeRollback");
    test_close(conn);
}

static void test_dry_run(void)
{
    char *text = nmifaceDefineXMLDryRun("test:///default", ETH2_XML, 0);

    g_assert_cmpstr(text, ==,
                    "# test-driver dry run\nname=eth2\ntype=ethernet\n"
                    "mac=52:54:00:AA:BB:03\n");
    free(text);

    g_assert_null(nmifaceDefineXMLDryRun("test:///default", NULL, 0));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "xmlDesc in nmifaceDefineXMLDryRun must not be NULL");
    g_assert_null(nmifaceDefineXMLDryRun("test:///default", ETH2_XML, 2));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "unsupported flags (0x2) in function nmifaceDefineXMLDryRun");
    g_assert_null(nmifaceDefineXMLDryRun("test:///default", "<oops", 0));
    assert_last_error_prefix(VIR_ERR_XML_DETAIL, "at line 1: ");
    g_assert_null(nmifaceDefineXMLDryRun("minimal:///default", ETH2_XML, 0));
    assert_last_error(VIR_ERR_NO_SUPPORT, VIR_FROM_INTERFACE,
                      "this function is not supported by the connection driver: "
                      "nmifaceDefineXMLDryRun");
    g_assert_null(nmifaceDefineXMLDryRun("nosuch:///x", ETH2_XML, 0));
    assert_last_error_prefix(VIR_ERR_NO_CONNECT,
                             "no connection driver available for nosuch:///x (no module");

    /* A NULL URI means the default one, as for virConnectOpen(). */
    g_setenv("NMIFACE_DEFAULT_URI", "test:///empty", TRUE);
    text = nmifaceDefineXMLDryRun(NULL, "<interface type='vlan' name='v'/>", 0);
    g_unsetenv("NMIFACE_DEFAULT_URI");
    g_assert_cmpstr(text, ==, "# test-driver dry run\nname=v\ntype=vlan\nmac=\n");
    free(text);
}

static void test_null_arguments(void)
{
    virConnectPtr conn = test_open("test:///default");

    g_assert_null(virInterfaceLookupByName(conn, NULL));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "name in virInterfaceLookupByName must not be NULL");
    g_assert_null(virInterfaceLookupByMACString(conn, NULL));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "macstr in virInterfaceLookupByMACString must not be NULL");
    g_assert_null(virInterfaceDefineXML(conn, NULL, 0));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "xml in virInterfaceDefineXML must not be NULL");
    test_close(conn);
}

/* Every connection-level entry point refuses @conn with INVALID_CONN naming itself. */
static void assert_conn_refused(virConnectPtr conn)
{
    virInterfacePtr *list = (virInterfacePtr *)&list;
    char *names[1];

#define CHECK_CONN(call, func)                                                                     \
    G_STMT_START                                                                                   \
    {                                                                                              \
        call;                                                                                      \
        assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_INTERFACE,                                \
                          "invalid connection pointer in " func);                                  \
    }                                                                                              \
    G_STMT_END

    CHECK_CONN(g_assert_cmpint(virConnectNumOfInterfaces(conn), ==, -1),
               "virConnectNumOfInterfaces");
    CHECK_CONN(g_assert_cmpint(virConnectListInterfaces(conn, names, 1), ==, -1),
               "virConnectListInterfaces");
    CHECK_CONN(g_assert_cmpint(virConnectNumOfDefinedInterfaces(conn), ==, -1),
               "virConnectNumOfDefinedInterfaces");
    CHECK_CONN(g_assert_cmpint(virConnectListDefinedInterfaces(conn, names, 1), ==, -1),
               "virConnectListDefinedInterfaces");
    CHECK_CONN(g_assert_cmpint(virConnectListAllInterfaces(conn, &list, 0), ==, -1),
               "virConnectListAllInterfaces");
    g_assert_null(list);
    CHECK_CONN(g_assert_null(virInterfaceLookupByName(conn, "eth0")), "virInterfaceLookupByName");
    CHECK_CONN(g_assert_null(virInterfaceLookupByMACString(conn, "52:54:00:aa:bb:01")),
               "virInterfaceLookupByMACString");
    CHECK_CONN(g_assert_null(virInterfaceDefineXML(conn, ETH2_XML, 0)), "virInterfaceDefineXML");
    CHECK_CONN(g_assert_cmpint(virInterfaceChangeBegin(conn, 0), ==, -1),
               "virInterfaceChangeBegin");
    CHECK_CONN(g_assert_cmpint(virInterfaceChangeCommit(conn, 0), ==, -1),
               "virInterfaceChangeCommit");
    CHECK_CONN(g_assert_cmpint(virInterfaceChangeRollback(conn, 0), ==, -1),
               "virInterfaceChangeRollback");
    CHECK_CONN(g_assert_cmpint(nmifaceChangeBeginWithTimeout(conn, 1, 0), ==, -1),
               "nmifaceChangeBeginWithTimeout");
#undef CHECK_CONN
}

/* Every interface-level entry point refuses @iface with INVALID_INTERFACE naming itself. */
static void assert_iface_refused(virInterfacePtr iface)
{
#define CHECK_IFACE(call, func)                                                                    \
    G_STMT_START                                                                                   \
    {                                                                                              \
        call;                                                                                      \
        assert_last_error(VIR_ERR_INVALID_INTERFACE, VIR_FROM_INTERFACE,                           \
                          "invalid interface pointer in " func);                                   \
    }                                                                                              \
    G_STMT_END

    CHECK_IFACE(g_assert_null(virInterfaceGetConnect(iface)), "virInterfaceGetConnect");
    CHECK_IFACE(g_assert_null(virInterfaceGetName(iface)), "virInterfaceGetName");
    CHECK_IFACE(g_assert_null(virInterfaceGetMACString(iface)), "virInterfaceGetMACString");
    CHECK_IFACE(g_assert_null(virInterfaceGetXMLDesc(iface, 0)), "virInterfaceGetXMLDesc");
    CHECK_IFACE(g_assert_cmpint(virInterfaceUndefine(iface), ==, -1), "virInterfaceUndefine");
    CHECK_IFACE(g_assert_cmpint(virInterfaceCreate(iface, 0), ==, -1), "virInterfaceCreate");
    CHECK_IFACE(g_assert_cmpint(virInterfaceDestroy(iface, 0), ==, -1), "virInterfaceDestroy");
    CHECK_IFACE(g_assert_cmpint(virInterfaceRef(iface), ==, -1), "virInterfaceRef");
    CHECK_IFACE(g_assert_cmpint(virInterfaceFree(iface), ==, -1), "virInterfaceFree");
    CHECK_IFACE(g_assert_cmpint(virInterfaceIsActive(iface), ==, -1), "virInterfaceIsActive");
#undef CHECK_IFACE
}

static void test_dead_objects(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr iface = virInterfaceLookupByName(conn, "eth0");

    assert_conn_refused(NULL);
    assert_iface_refused(NULL);

    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    assert_iface_refused(iface);
    test_close(conn);
    assert_conn_refused(conn);
}

static void test_read_only(void)
{
    virConnectPtr conn = virConnectOpenReadOnly("test:///default");
    virInterfacePtr iface = virInterfaceLookupByName(conn, "eth1");
    char *xml;

#define CHECK_DENIED(call, func)                                                                   \
    G_STMT_START                                                                                   \
    {                                                                                              \
        call;                                                                                      \
        assert_last_error(VIR_ERR_OPERATION_DENIED, VIR_FROM_INTERFACE,                            \
                          "operation forbidden: read only access prevents " func);                 \
    }                                                                                              \
    G_STMT_END

    /* Reads work. */
    g_assert_nonnull(iface);
    xml = virInterfaceGetXMLDesc(iface, 0);
    g_assert_nonnull(xml);
    free(xml);
    g_assert_cmpint(virInterfaceIsActive(iface), ==, 0);

    /* Writes are refused before anything else is looked at, as libvirt does. */
    CHECK_DENIED(g_assert_null(virInterfaceDefineXML(conn, NULL, 0x80)), "virInterfaceDefineXML");
    CHECK_DENIED(g_assert_cmpint(virInterfaceUndefine(iface), ==, -1), "virInterfaceUndefine");
    CHECK_DENIED(g_assert_cmpint(virInterfaceCreate(iface, 0x80), ==, -1), "virInterfaceCreate");
    CHECK_DENIED(g_assert_cmpint(virInterfaceDestroy(iface, 0), ==, -1), "virInterfaceDestroy");
    CHECK_DENIED(g_assert_cmpint(virInterfaceChangeBegin(conn, 0), ==, -1),
                 "virInterfaceChangeBegin");
    CHECK_DENIED(g_assert_cmpint(nmifaceChangeBeginWithTimeout(conn, 10, 0), ==, -1),
                 "nmifaceChangeBeginWithTimeout");
    CHECK_DENIED(g_assert_cmpint(virInterfaceChangeCommit(conn, 0), ==, -1),
                 "virInterfaceChangeCommit");
    CHECK_DENIED(g_assert_cmpint(virInterfaceChangeRollback(conn, 0), ==, -1),
                 "virInterfaceChangeRollback");
#undef CHECK_DENIED

    g_assert_cmpint(virInterfaceIsActive(iface), ==, 0);
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    test_close(conn);
}

static void test_no_support(void)
{
    virConnectPtr conn = test_open("minimal:///default");
    virInterfacePtr *list = NULL;
    virInterfacePtr iface;
    char *names[4];

#define CHECK_UNSUPPORTED(call, func)                                                              \
    G_STMT_START                                                                                   \
    {                                                                                              \
        call;                                                                                      \
        assert_last_error(VIR_ERR_NO_SUPPORT, VIR_FROM_INTERFACE,                                  \
                          "this function is not supported by the connection driver: " func);       \
    }                                                                                              \
    G_STMT_END

    /* list_all alone gives every listing call and the interface objects. */
    g_assert_cmpint(virConnectListAllInterfaces(conn, &list, 0), ==, 2);
    g_assert_cmpint(virConnectNumOfInterfaces(conn), ==, 1);
    g_assert_cmpint(virConnectListDefinedInterfaces(conn, names, 4), ==, 1);
    g_assert_cmpstr(names[0], ==, "eth1");
    free(names[0]);
    iface = list[0];
    g_assert_cmpstr(virInterfaceGetName(iface), ==, "eth0");
    g_assert_cmpstr(virInterfaceGetMACString(iface), ==, "52:54:00:aa:bb:01");
    g_assert_true(virInterfaceGetConnect(iface) == conn);

    CHECK_UNSUPPORTED(g_assert_null(virInterfaceLookupByName(conn, "eth0")),
                      "virInterfaceLookupByName");
    CHECK_UNSUPPORTED(g_assert_null(virInterfaceLookupByMACString(conn, "x")),
                      "virInterfaceLookupByMACString");
    CHECK_UNSUPPORTED(g_assert_null(virInterfaceDefineXML(conn, ETH2_XML, 0)),
                      "virInterfaceDefineXML");
    CHECK_UNSUPPORTED(g_assert_null(virInterfaceGetXMLDesc(iface, 0)), "virInterfaceGetXMLDesc");
    CHECK_UNSUPPORTED(g_assert_cmpint(virInterfaceUndefine(iface), ==, -1), "virInterfaceUndefine");
    CHECK_UNSUPPORTED(g_assert_cmpint(virInterfaceCreate(iface, 0), ==, -1), "virInterfaceCreate");
    CHECK_UNSUPPORTED(g_assert_cmpint(virInterfaceDestroy(iface, 0), ==, -1),
                      "virInterfaceDestroy");
    CHECK_UNSUPPORTED(g_assert_cmpint(virInterfaceIsActive(iface), ==, -1), "virInterfaceIsActive");
    CHECK_UNSUPPORTED(g_assert_cmpint(virInterfaceChangeBegin(conn, 0), ==, -1),
                      "virInterfaceChangeBegin");
    CHECK_UNSUPPORTED(g_assert_cmpint(nmifaceChangeBeginWithTimeout(conn, 3, 0), ==, -1),
                      "nmifaceChangeBeginWithTimeout");
    CHECK_UNSUPPORTED(g_assert_cmpint(virInterfaceChangeCommit(conn, 0), ==, -1),
                      "virInterfaceChangeCommit");
    CHECK_UNSUPPORTED(g_assert_cmpint(virInterfaceChangeRollback(conn, 0), ==, -1),
                      "virInterfaceChangeRollback");
#undef CHECK_UNSUPPORTED

    for (virInterfacePtr *p = list; *p != NULL; p++)
        g_assert_cmpint(virInterfaceFree(*p), ==, 0);
    free(list);
    test_close(conn);
}

static void test_driver_error_mapping(void)
{
    virConnectPtr conn = test_open("test:///empty");

    /* A GError outside NMIFACE_ERROR is an internal error. */
    g_assert_null(
        virInterfaceDefineXML(conn, "<interface type='ethernet' name='inject-gio-error'/>", 0));
    assert_last_error(VIR_ERR_INTERNAL_ERROR, VIR_FROM_INTERFACE,
                      "internal error: injected I/O failure");
    /* A failure without any error gets libvirt's generic one. */
    g_assert_null(
        virInterfaceDefineXML(conn, "<interface type='ethernet' name='inject-no-error'/>", 0));
    assert_last_error(VIR_ERR_INTERNAL_ERROR, VIR_FROM_NONE,
                      "An error occurred, but the cause is unknown");
    test_close(conn);
}

/* Each public call reaches its vtable entry (and only it), as the test driver's log shows. */
static void test_reaches_vtable(void)
{
    g_autofree char *log = test_log_start();
    virConnectPtr conn;
    virInterfacePtr iface, by_mac, defined;
    virInterfacePtr *list = NULL;
    char *names[4];
    char *str;

#define EXPECT_CALLS(expected)                                                                     \
    G_STMT_START                                                                                   \
    {                                                                                              \
        g_autofree char *calls_ = test_log_take(log);                                              \
        g_assert_cmpstr(calls_, ==, (expected));                                                   \
    }                                                                                              \
    G_STMT_END

    conn = test_open("test:///default");
    EXPECT_CALLS("open test:///default\n");
    g_assert_cmpint(virConnectListAllInterfaces(conn, &list, VIR_CONNECT_LIST_INTERFACES_ACTIVE),
                    ==, 1);
    EXPECT_CALLS("list_all 0x2\n");
    g_assert_cmpint(virInterfaceFree(list[0]), ==, 0);
    free(list);
    g_assert_cmpint(virConnectNumOfInterfaces(conn), ==, 1);
    EXPECT_CALLS("list_all 0x2\n");
    g_assert_cmpint(virConnectListInterfaces(conn, names, 4), ==, 1);
    free(names[0]);
    EXPECT_CALLS("list_all 0x2\n");
    g_assert_cmpint(virConnectNumOfDefinedInterfaces(conn), ==, 1);
    EXPECT_CALLS("list_all 0x1\n");
    g_assert_cmpint(virConnectListDefinedInterfaces(conn, names, 4), ==, 1);
    free(names[0]);
    EXPECT_CALLS("list_all 0x1\n");

    iface = virInterfaceLookupByName(conn, "eth1");
    EXPECT_CALLS("lookup_by_name eth1\n");
    by_mac = virInterfaceLookupByMACString(conn, "52:54:00:aa:bb:01");
    EXPECT_CALLS("lookup_by_mac 52:54:00:aa:bb:01\n");
    str = virInterfaceGetXMLDesc(iface, 0);
    free(str);
    EXPECT_CALLS("get_xml_desc eth1\n");
    g_assert_cmpint(virInterfaceIsActive(iface), ==, 0);
    EXPECT_CALLS("is_active eth1\n");
    g_assert_cmpint(virInterfaceCreate(iface, 0), ==, 0);
    EXPECT_CALLS("create eth1\n");
    g_assert_cmpint(virInterfaceDestroy(iface, 0), ==, 0);
    EXPECT_CALLS("destroy eth1\n");
    g_assert_cmpint(virInterfaceChangeBegin(conn, 0), ==, 0);
    EXPECT_CALLS("change_begin 0\n");
    defined = virInterfaceDefineXML(conn, ETH2_XML, 0);
    EXPECT_CALLS("define_xml\n");
    g_assert_cmpint(virInterfaceUndefine(defined), ==, 0);
    EXPECT_CALLS("undefine eth2\n");
    g_assert_cmpint(virInterfaceChangeRollback(conn, 0), ==, 0);
    EXPECT_CALLS("change_rollback\n");
    g_assert_cmpint(nmifaceChangeBeginWithTimeout(conn, 42, 0), ==, 0);
    EXPECT_CALLS("change_begin 42\n");
    g_assert_cmpint(virInterfaceChangeCommit(conn, 0), ==, 0);
    EXPECT_CALLS("change_commit\n");
    str = nmifaceDefineXMLDryRun("test:///default", ETH2_XML, 0);
    free(str);
    EXPECT_CALLS("define_dry_run\n");

    /* Answered by the host alone. */
    g_assert_cmpstr(virInterfaceGetName(iface), ==, "eth1");
    g_assert_cmpstr(virInterfaceGetMACString(by_mac), ==, "52:54:00:aa:bb:01");
    g_assert_true(virInterfaceGetConnect(iface) == conn);
    g_assert_cmpint(virInterfaceRef(iface), ==, 0);
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    g_assert_cmpint(virConnectRef(conn), ==, 0);
    g_assert_cmpint(virConnectClose(conn), ==, 4);
    str = virConnectGetURI(conn);
    free(str);
    EXPECT_CALLS("");

    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    g_assert_cmpint(virInterfaceFree(by_mac), ==, 0);
    g_assert_cmpint(virInterfaceFree(defined), ==, 0);
    EXPECT_CALLS("");
    test_close(conn);
    EXPECT_CALLS("close\n");
#undef EXPECT_CALLS
    test_log_stop(g_steal_pointer(&log));
}

/* With NMIFACE_TEST_DRIVER_STATE, connections (and so CLI processes) share state, an open
 * transaction included. */
static void test_state_file_shared(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("nmiface-state-XXXXXX", &error);
    g_autofree char *state = g_build_filename(dir, "state", NULL);
    virConnectPtr first, second;
    virInterfacePtr iface;

    g_assert_no_error(error);
    g_setenv("NMIFACE_TEST_DRIVER_STATE", state, TRUE);
    first = test_open("test:///default");
    g_assert_cmpint(virInterfaceChangeBegin(first, 0), ==, 0);
    iface = virInterfaceDefineXML(first, ETH2_XML, 0);
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    test_close(first);

    second = test_open("test:///default");
    iface = virInterfaceLookupByName(second, "eth2");
    g_assert_nonnull(iface);
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    g_assert_cmpint(virInterfaceChangeRollback(second, 0), ==, 0);
    g_assert_null(virInterfaceLookupByName(second, "eth2"));
    g_assert_cmpint(virConnectNumOfDefinedInterfaces(second), ==, 1);
    test_close(second);

    g_unsetenv("NMIFACE_TEST_DRIVER_STATE");
    g_assert_cmpint(g_unlink(state), ==, 0);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/iface/lookup-by-name", test_lookup_by_name);
    g_test_add_func("/iface/lookup-by-mac", test_lookup_by_mac);
    g_test_add_func("/iface/mac-unknown-is-empty", test_mac_unknown_is_empty);
    g_test_add_func("/iface/xml-desc", test_xml_desc);
    g_test_add_func("/iface/define", test_define);
    g_test_add_func("/iface/define-errors", test_define_errors);
    g_test_add_func("/iface/undefine", test_undefine);
    g_test_add_func("/iface/create-destroy", test_create_destroy);
    g_test_add_func("/iface/transactions", test_transactions);
    g_test_add_func("/iface/dry-run", test_dry_run);
    g_test_add_func("/iface/null-arguments", test_null_arguments);
    g_test_add_func("/iface/dead-objects", test_dead_objects);
    g_test_add_func("/iface/read-only", test_read_only);
    g_test_add_func("/iface/no-support", test_no_support);
    g_test_add_func("/iface/driver-error-mapping", test_driver_error_mapping);
    g_test_add_func("/iface/reaches-vtable", test_reaches_vtable);
    g_test_add_func("/iface/state-file-shared", test_state_file_shared);
    return g_test_run();
}
