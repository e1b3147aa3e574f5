/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Warm timings of the NM driver through the public API, on one open connection. Runs only
 * inside tests/realnm/nm-sandbox (NMIFACE_SANDBOX=1).
 *
 *   bench-driver list REPS NAME   ListAll (all flags) and LookupByName(NAME)+IsActive, REPS each
 *   bench-driver txn NAME NAME2   Begin, Undefine(NAME), Rollback; then Begin, Undefine, Commit;
 *                                 then Undefine(NAME2) outside a transaction
 *   bench-driver write REPS       DefineXML of a bridge with two ethernet ports (three profiles),
 *                                 GetXMLDesc (inactive) of it, Undefine; REPS each, new names
 *
 * Also times org.freedesktop.DBus.Peer.Ping to NM on a separate connection: the cost of one
 * D-Bus round trip, to which a warm read call is compared; and Properties.Get of NM's Version,
 * the driver's per-call round trip (answered by NM's main loop, Ping by GDBus's thread).
 * Around each timed loop it pings NM at the paths /bench/mark/<what>/start and .../end, so a
 * dbus-monitor can count the driver's method calls in between.
 */
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>

#include "nmiface/libvirt-interface.h"

#include "bench-list.h"
#include "bench-report.h"

static GDBusConnection *bus;

static void ping(const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) r = g_dbus_connection_call_sync(
        bus, "org.freedesktop.NetworkManager", path, "org.freedesktop.DBus.Peer", "Ping", NULL,
        NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
    if (r == NULL) {
        fprintf(stderr, "bench-driver: Ping: %s\n", error->message);
        exit(1);
    }
}

/* The driver's per-call round trip (nmi_sync): a property read NM's main loop answers. */
static void get_version(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) r = g_dbus_connection_call_sync(
        bus, "org.freedesktop.NetworkManager", "/org/freedesktop/NetworkManager",
        "org.freedesktop.DBus.Properties", "Get",
        g_variant_new("(ss)", "org.freedesktop.NetworkManager", "Version"), NULL,
        G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
    if (r == NULL) {
        fprintf(stderr, "bench-driver: Get: %s\n", error->message);
        exit(1);
    }
}

static void mark(const char *what, const char *edge)
{
    g_autofree char *path = g_strdup_printf("/bench/mark/%s/%s", what, edge);
    ping(path);
}

static void die_virt(const char *what)
{
    fprintf(stderr, "bench-driver: %s failed\n", what);
    exit(1);
}

static int bench_list(virConnectPtr conn, int reps, const char *name)
{
    g_autofree double *t = g_new0(double, reps);
    int count = -1;
    char extra[64];

    for (int i = 0; i < reps; i++) {
        double t0 = bench_now_us();
        ping("/bench/ping");
        t[i] = bench_now_us() - t0;
    }
    bench_report("Peer.Ping (1 RTT)", t, reps, NULL);
    for (int i = 0; i < reps; i++) {
        double t0 = bench_now_us();
        get_version();
        t[i] = bench_now_us() - t0;
    }
    bench_report("Properties.Get (1 RTT)", t, reps, NULL);

    /* Warm-up: the first call after open also fetches nothing new, but page in the code. */
    if (bench_list_all(conn, NULL) < 0)
        die_virt("virConnectListAllInterfaces");

    mark("listall", "start");
    for (int i = 0; i < reps; i++) {
        count = bench_list_all(conn, &t[i]);
        if (count < 0)
            die_virt("virConnectListAllInterfaces");
    }
    mark("listall", "end");
    snprintf(extra, sizeof(extra), "interfaces=%d", count);
    bench_report("ListAllInterfaces", t, reps, extra);

    mark("lookup", "start");
    for (int i = 0; i < reps; i++) {
        double t0 = bench_now_us();
        virInterfacePtr iface = virInterfaceLookupByName(conn, name);
        int active;
        if (iface == NULL)
            die_virt("virInterfaceLookupByName");
        active = virInterfaceIsActive(iface);
        t[i] = bench_now_us() - t0;
        if (active < 0)
            die_virt("virInterfaceIsActive");
        virInterfaceFree(iface);
    }
    mark("lookup", "end");
    bench_report("LookupByName+IsActive", t, reps, NULL);
    return 0;
}

static void txn_round(virConnectPtr conn, const char *name, gboolean commit)
{
    double t0, t_begin, t_undef, t_end;
    virInterfacePtr iface;

    t0 = bench_now_us();
    if (virInterfaceChangeBegin(conn, 0) < 0)
        die_virt("virInterfaceChangeBegin");
    t_begin = bench_now_us() - t0;

    t0 = bench_now_us();
    iface = virInterfaceLookupByName(conn, name);
    if (iface == NULL || virInterfaceUndefine(iface) < 0)
        die_virt("virInterfaceUndefine");
    virInterfaceFree(iface);
    t_undef = bench_now_us() - t0;

    t0 = bench_now_us();
    if ((commit ? virInterfaceChangeCommit(conn, 0) : virInterfaceChangeRollback(conn, 0)) < 0)
        die_virt(commit ? "virInterfaceChangeCommit" : "virInterfaceChangeRollback");
    t_end = bench_now_us() - t0;

    printf("api  Begin %9.1f ms  Lookup+Undefine %8.1f ms  %-8s %9.1f ms\n", t_begin / 1000,
           t_undef / 1000, commit ? "Commit" : "Rollback", t_end / 1000);
}

/* Bridge wbK (static IPv4, stp off) over the ethernet ports wbKa and wbKb: three profiles. */
static char *bridge_xml(int k)
{
    return g_strdup_printf("<interface type='bridge' name='wb%d'>\n"
                           "  <start mode='none'/>\n"
                           "  <protocol family='ipv4'>\n"
                           "    <ip address='198.18.%d.%d' prefix='16'/>\n"
                           "  </protocol>\n"
                           "  <bridge stp='off' delay='0'>\n"
                           "    <interface type='ethernet' name='wb%da'/>\n"
                           "    <interface type='ethernet' name='wb%db'/>\n"
                           "  </bridge>\n"
                           "</interface>\n",
                           k, k / 250, k % 250 + 1, k, k);
}

static int bench_write(virConnectPtr conn, int reps)
{
    g_autofree double *t_define = g_new0(double, reps);
    g_autofree double *t_xml = g_new0(double, reps);
    g_autofree double *t_undefine = g_new0(double, reps);
    g_autofree virInterfacePtr *defined = g_new0(virInterfacePtr, reps);

    mark("define", "start");
    for (int i = 0; i < reps; i++) {
        g_autofree char *xml = bridge_xml(i);
        double t0 = bench_now_us();

        defined[i] = virInterfaceDefineXML(conn, xml, 0);
        t_define[i] = bench_now_us() - t0;
        if (defined[i] == NULL)
            die_virt("virInterfaceDefineXML");
    }
    mark("define", "end");
    bench_report("DefineXML (3 profiles)", t_define, reps, NULL);

    mark("xmldesc", "start");
    for (int i = 0; i < reps; i++) {
        double t0 = bench_now_us();
        g_autofree char *xml = virInterfaceGetXMLDesc(defined[i], VIR_INTERFACE_XML_INACTIVE);

        t_xml[i] = bench_now_us() - t0;
        if (xml == NULL)
            die_virt("virInterfaceGetXMLDesc");
    }
    mark("xmldesc", "end");
    bench_report("GetXMLDesc (inactive)", t_xml, reps, NULL);

    mark("undefine", "start");
    for (int i = 0; i < reps; i++) {
        double t0 = bench_now_us();
        int r = virInterfaceUndefine(defined[i]);

        t_undefine[i] = bench_now_us() - t0;
        if (r < 0)
            die_virt("virInterfaceUndefine");
        virInterfaceFree(defined[i]);
    }
    mark("undefine", "end");
    bench_report("Undefine (3 profiles)", t_undefine, reps, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    virConnectPtr conn;
    int ret = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: bench-driver list REPS NAME | txn NAME NAME2 | write REPS\n");
        return 2;
    }
    if (g_strcmp0(g_getenv("NMIFACE_SANDBOX"), "1") != 0) {
        fprintf(stderr, "bench-driver: runs only inside tests/realnm/nm-sandbox\n");
        return 77;
    }
    bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &error);
    if (bus == NULL) {
        fprintf(stderr, "bench-driver: %s\n", error->message);
        return 1;
    }
    conn = virConnectOpen("nm:///system");
    if (conn == NULL)
        die_virt("virConnectOpen");

    if (g_str_equal(argv[1], "list") && argc == 4) {
        ret = bench_list(conn, atoi(argv[2]) > 0 ? atoi(argv[2]) : 20, argv[3]);
    } else if (g_str_equal(argv[1], "write") && argc == 3) {
        ret = bench_write(conn, atoi(argv[2]) > 0 ? atoi(argv[2]) : 10);
    } else if (g_str_equal(argv[1], "txn") && argc == 4) {
        double t0;
        virInterfacePtr iface;

        txn_round(conn, argv[2], FALSE);
        txn_round(conn, argv[2], TRUE);
        t0 = bench_now_us();
        iface = virInterfaceLookupByName(conn, argv[3]);
        if (iface == NULL || virInterfaceUndefine(iface) < 0)
            die_virt("virInterfaceUndefine");
        virInterfaceFree(iface);
        printf("api  no transaction: Lookup+Undefine %.1f ms\n", (bench_now_us() - t0) / 1000);
    } else {
        fprintf(stderr, "usage: bench-driver list REPS NAME | txn NAME NAME2 | write REPS\n");
        ret = 2;
    }
    virConnectClose(conn);
    g_object_unref(bus);
    return ret;
}
