/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eight threads calling the API at once on one connection, mixing reads, writes, lookups that
 * fail and reference juggling on a shared interface object. Run under ASan/UBSan (and TSan if
 * you like) this is the library's thread-safety check.
 */

#include "test-common.h"

#define N_THREADS  8
#define ITERATIONS 300

typedef struct {
    virConnectPtr conn;
    virInterfacePtr shared; /* one object every thread refs and frees */
    int index;
} Worker;

static void one_round(Worker *w, int round)
{
    g_autofree char *name = g_strdup_printf("t%d", w->index);
    g_autofree char *xml = g_strdup_printf("<interface type='ethernet' name='%s'>"
                                           "<mac address='52:54:00:00:%02x:%02x'/></interface>",
                                           name, w->index, round % 256);
    virInterfacePtr *list = NULL;
    virInterfacePtr iface, own;
    char *names[16];
    char *desc;
    int n;

    n = virConnectListAllInterfaces(w->conn, &list, 0);
    g_assert_cmpint(n, >=, 2);
    for (int i = 0; i < n; i++)
        g_assert_cmpint(virInterfaceFree(list[i]), ==, 0);
    free(list);

    n = virConnectListInterfaces(w->conn, names, G_N_ELEMENTS(names));
    g_assert_cmpint(n, >=, 1);
    for (int i = 0; i < n; i++)
        free(names[i]);
    g_assert_cmpint(virConnectNumOfDefinedInterfaces(w->conn), >=, 0);

    iface = virInterfaceLookupByName(w->conn, "eth0");
    g_assert_nonnull(iface);
    desc = virInterfaceGetXMLDesc(iface, 0);
    g_assert_nonnull(desc);
    free(desc);
    g_assert_cmpint(virInterfaceIsActive(iface), ==, 1);
    g_assert_cmpint(virInterfaceFree(iface), ==, 0);

    /* A failure leaves this thread's error, whatever the others do meanwhile. */
    g_assert_null(virInterfaceLookupByName(w->conn, "missing"));
    assert_last_error(VIR_ERR_NO_INTERFACE, VIR_FROM_INTERFACE,
                      "Interface not found: couldn't find interface named 'missing'");

    own = virInterfaceDefineXML(w->conn, xml, 0);
    g_assert_nonnull(own);
    assert_no_error();
    g_assert_cmpint(virInterfaceCreate(own, 0), ==, 0);
    g_assert_cmpint(virInterfaceIsActive(own), ==, 1);
    g_assert_cmpint(virInterfaceDestroy(own, 0), ==, 0);
    g_assert_cmpint(virInterfaceUndefine(own), ==, 0);
    g_assert_cmpstr(virInterfaceGetName(own), ==, name);
    g_assert_cmpint(virInterfaceFree(own), ==, 0);

    g_assert_cmpint(virInterfaceRef(w->shared), ==, 0);
    g_assert_cmpstr(virInterfaceGetMACString(w->shared), ==, "52:54:00:aa:bb:02");
    g_assert_cmpint(virConnectRef(w->conn), ==, 0);
    g_assert_cmpint(virConnectClose(w->conn), >, 0);
    g_assert_cmpint(virInterfaceFree(w->shared), ==, 0);
}

static gpointer worker_main(gpointer data)
{
    Worker *w = data;

    for (int round = 0; round < ITERATIONS; round++)
        one_round(w, round);
    return NULL;
}

static void test_eight_threads(void)
{
    virConnectPtr conn = test_open("test:///default");
    virInterfacePtr shared = virInterfaceLookupByName(conn, "eth1");
    Worker workers[N_THREADS];
    GThread *threads[N_THREADS];

    for (int i = 0; i < N_THREADS; i++) {
        workers[i] = (Worker){.conn = conn, .shared = shared, .index = i};
        threads[i] = g_thread_new("worker", worker_main, &workers[i]);
    }
    for (int i = 0; i < N_THREADS; i++)
        g_thread_join(threads[i]);

    /* Every thread undefined what it defined. */
    g_assert_cmpint(virConnectListAllInterfaces(conn, NULL, 0), ==, 2);
    g_assert_cmpint(virInterfaceFree(shared), ==, 0);
    test_close(conn);
}

/* Threads opening and closing their own connections while sharing the loader. */
static gpointer opener_main(gpointer data)
{
    for (int i = 0; i < 50; i++) {
        virConnectPtr conn = test_open(i % 2 ? "test:///default" : "minimal:///empty");

        g_assert_null(virConnectOpen("nosuch:///x"));
        g_assert_cmpint(virGetLastError()->code, ==, VIR_ERR_NO_CONNECT);
        g_assert_cmpint(virConnectNumOfDefinedInterfaces(conn), >=, 0);
        test_close(conn);
    }
    return NULL;
}

static void test_concurrent_open(void)
{
    GThread *threads[N_THREADS];

    for (int i = 0; i < N_THREADS; i++)
        threads[i] = g_thread_new("opener", opener_main, NULL);
    for (int i = 0; i < N_THREADS; i++)
        g_thread_join(threads[i]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/threads/eight-threads-one-connection", test_eight_threads);
    g_test_add_func("/threads/concurrent-open", test_concurrent_open);
    return g_test_run();
}
