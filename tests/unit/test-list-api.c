/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Listing: the ListAll array contract, its filters, and NumOf/List agreeing with it. */

#include "test-common.h"

static void free_iface_array(virInterfacePtr *list)
{
    for (virInterfacePtr *p = list; *p != NULL; p++)
        g_assert_cmpint(virInterfaceFree(*p), ==, 0);
    free(list);
}

static void test_list_all_contract(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr *list = NULL;
    int n = virConnectListAllInterfaces(conn, &list, 0);

    g_assert_cmpint(n, ==, 2);
    assert_no_error();
    /* One extra element, NULL, not counted. */
    g_assert_null(list[n]);
    g_assert_cmpstr(virInterfaceGetName(list[0]), ==, "eth0");
    g_assert_cmpstr(virInterfaceGetName(list[1]), ==, "eth1");
    g_assert_cmpint(virInterfaceIsActive(list[0]), ==, 1);
    g_assert_cmpint(virInterfaceIsActive(list[1]), ==, 0);
    free_iface_array(list);
    test_close(conn);
}

static void test_list_all_count_only(void)
{
    virConnectPtr conn = test_open("test:///default");

    g_assert_cmpint(virConnectListAllInterfaces(conn, NULL, 0), ==, 2);
    g_assert_cmpint(virConnectListAllInterfaces(conn, NULL, VIR_CONNECT_LIST_INTERFACES_ACTIVE), ==,
                    1);
    /* Counting made no objects that would hold the connection. */
    test_close(conn);
}

static void test_list_all_filters(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr *list = NULL;

    g_assert_cmpint(virConnectListAllInterfaces(conn, &list, VIR_CONNECT_LIST_INTERFACES_ACTIVE),
                    ==, 1);
    g_assert_cmpstr(virInterfaceGetName(list[0]), ==, "eth0");
    g_assert_null(list[1]);
    free_iface_array(list);

    g_assert_cmpint(virConnectListAllInterfaces(conn, &list, VIR_CONNECT_LIST_INTERFACES_INACTIVE),
                    ==, 1);
    g_assert_cmpstr(virInterfaceGetName(list[0]), ==, "eth1");
    free_iface_array(list);

    g_assert_cmpint(virConnectListAllInterfaces(conn, &list,
                                                VIR_CONNECT_LIST_INTERFACES_ACTIVE |
                                                    VIR_CONNECT_LIST_INTERFACES_INACTIVE),
                    ==, 2);
    free_iface_array(list);
    test_close(conn);
}

static void test_list_all_errors(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr *list = (virInterfacePtr *)&list; /* must be reset to NULL */

    g_assert_cmpint(virConnectListAllInterfaces(conn, &list, 0x4), ==, -1);
    g_assert_null(list);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "unsupported flags (0x4) in function virConnectListAllInterfaces");
    test_close(conn);
}

static void test_list_all_empty(void)
{
    virConnectPtr conn = test_open("test:///empty");
    virInterfacePtr *list = NULL;

    g_assert_cmpint(virConnectListAllInterfaces(conn, &list, 0), ==, 0);
    g_assert_nonnull(list);
    g_assert_null(list[0]);
    free(list);
    g_assert_cmpint(virConnectNumOfInterfaces(conn), ==, 0);
    g_assert_cmpint(virConnectNumOfDefinedInterfaces(conn), ==, 0);
    test_close(conn);
}

/* NumOf and List agree with each other and with ListAll's filter. */
static void check_names(virConnectPtr conn, gboolean active)
{
    int (*num_of)(virConnectPtr) =
        active ? virConnectNumOfInterfaces : virConnectNumOfDefinedInterfaces;
    int (*list_names)(virConnectPtr, char **const, int) =
        active ? virConnectListInterfaces : virConnectListDefinedInterfaces;
    guint flag = active ? VIR_CONNECT_LIST_INTERFACES_ACTIVE : VIR_CONNECT_LIST_INTERFACES_INACTIVE;
    virInterfacePtr *list = NULL;
    char *names[8] = {NULL};
    int count = num_of(conn);
    int listed = list_names(conn, names, G_N_ELEMENTS(names));

    g_assert_cmpint(count, ==, listed);
    g_assert_cmpint(virConnectListAllInterfaces(conn, &list, flag), ==, count);
    for (int i = 0; i < count; i++) {
        g_assert_cmpstr(names[i], ==, virInterfaceGetName(list[i]));
        free(names[i]);
    }
    free_iface_array(list);
}

static void test_numof_list_agree(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr iface;

    check_names(conn, TRUE);
    check_names(conn, FALSE);
    iface = virInterfaceDefineXML(conn, "<interface type='bridge' name='br0'/>", 0);
    check_names(conn, TRUE);
    check_names(conn, FALSE);
    g_assert_cmpint(virConnectNumOfDefinedInterfaces(conn), ==, 2);
    g_assert_cmpint(virInterfaceCreate(iface, 0), ==, 0);
    check_names(conn, TRUE);
    check_names(conn, FALSE);
    g_assert_cmpint(virConnectNumOfInterfaces(conn), ==, 2);
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    test_close(conn);
}

static void test_list_truncates(void)
{
    virConnectPtr conn = test_open("test:///default");
    char *names[2] = {NULL, NULL};
    virInterfacePtr iface = virInterfaceDefineXML(conn, "<interface type='bridge' name='br0'/>", 0);

    g_assert_cmpint(virConnectNumOfDefinedInterfaces(conn), ==, 2);
    g_assert_cmpint(virConnectListDefinedInterfaces(conn, names, 1), ==, 1);
    g_assert_cmpstr(names[0], ==, "eth1");
    g_assert_null(names[1]);
    free(names[0]);
    /* An empty array may be NULL (libvirt's virCheckNonNullArrayArgGoto). */
    g_assert_cmpint(virConnectListDefinedInterfaces(conn, NULL, 0), ==, 0);
    g_assert_cmpint(virConnectListInterfaces(conn, NULL, 0), ==, 0);
    assert_no_error();
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);
    test_close(conn);
}

static void test_list_argument_errors(void)
{
    virConnectPtr conn = test_open("test:///default");
    char *names[1];

    g_assert_cmpint(virConnectListInterfaces(conn, NULL, 1), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "names in virConnectListInterfaces must not be NULL");
    g_assert_cmpint(virConnectListDefinedInterfaces(conn, NULL, 3), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "names in virConnectListDefinedInterfaces must not be NULL");
    g_assert_cmpint(virConnectListInterfaces(conn, names, -1), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "maxnames in virConnectListInterfaces must be zero or greater");
    g_assert_cmpint(virConnectListDefinedInterfaces(conn, names, -5), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_INTERFACE,
                      "maxnames in virConnectListDefinedInterfaces must be zero or greater");
    test_close(conn);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/list/all-contract", test_list_all_contract);
    g_test_add_func("/list/all-count-only", test_list_all_count_only);
    g_test_add_func("/list/all-filters", test_list_all_filters);
    g_test_add_func("/list/all-errors", test_list_all_errors);
    g_test_add_func("/list/all-empty", test_list_all_empty);
    g_test_add_func("/list/numof-list-agree", test_numof_list_agree);
    g_test_add_func("/list/truncates", test_list_truncates);
    g_test_add_func("/list/argument-errors", test_list_argument_errors);
    return g_test_run();
}
