/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ListAllInterfaces as the warm benchmarks time it. Include the API's header first: nmiface's
 * (bench-driver) or Debian's libvirt (bench-daemon), which declare the same calls. */
#ifndef NMIFACE_BENCH_LIST_H
#define NMIFACE_BENCH_LIST_H

#include <stdlib.h>
#include <time.h>

static inline double bench_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* ListAllInterfaces (no flags), its interfaces freed; @call_us, when not NULL, gets the time
 * of the call alone. Returns how many it listed, -1 when it failed. */
static inline int bench_list_all(virConnectPtr conn, double *call_us)
{
    virInterfacePtr *ifaces = NULL;
    double t0 = bench_now_us();
    int n = virConnectListAllInterfaces(conn, &ifaces, 0);

    if (call_us != NULL)
        *call_us = bench_now_us() - t0;
    for (int j = 0; j < n; j++)
        virInterfaceFree(ifaces[j]);
    free(ifaces);
    return n;
}

#endif /* NMIFACE_BENCH_LIST_H */
