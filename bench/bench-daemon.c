/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Warm timings through nmiface-interfaced with libvirt's own client library (Debian's
 * libvirt0, not libnmiface): what a libvirt program pays per call over the daemon's socket.
 * Compare with bench-driver's figures for the same calls made in-process.
 *
 *   bench-daemon URI REPS NAME   ListAll and LookupByName(NAME)+IsActive, REPS each
 */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-list.h"
#include "bench-report.h"

static void die_virt(const char *what)
{
    fprintf(stderr, "bench-daemon: %s failed: %s\n", what, virGetLastErrorMessage());
    exit(1);
}

int main(int argc, char **argv)
{
    virConnectPtr conn;
    double *t;
    int reps, count = 0;
    char extra[64];

    if (argc != 4 || (reps = atoi(argv[2])) <= 0) {
        fprintf(stderr, "usage: bench-daemon URI REPS NAME\n");
        return 2;
    }
    conn = virConnectOpen(argv[1]);
    if (conn == NULL)
        die_virt("virConnectOpen");
    t = calloc((size_t)reps, sizeof(double));

    if (bench_list_all(conn, NULL) < 0) /* warm-up */
        die_virt("virConnectListAllInterfaces");
    for (int i = 0; i < reps; i++) {
        count = bench_list_all(conn, &t[i]);
        if (count < 0)
            die_virt("virConnectListAllInterfaces");
    }
    snprintf(extra, sizeof(extra), "interfaces=%d", count);
    bench_report("daemon ListAll", t, reps, extra);

    for (int i = 0; i < reps; i++) {
        double t0 = bench_now_us();
        virInterfacePtr iface = virInterfaceLookupByName(conn, argv[3]);

        if (iface == NULL || virInterfaceIsActive(iface) < 0)
            die_virt("virInterfaceLookupByName+IsActive");
        t[i] = bench_now_us() - t0;
        virInterfaceFree(iface);
    }
    bench_report("daemon Lookup+IsActive", t, reps, NULL);
    free(t);
    virConnectClose(conn);
    return 0;
}
