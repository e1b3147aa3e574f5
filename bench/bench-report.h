/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The benchmarks' result line: median, min and max of a run of timings, in microseconds. */
#ifndef NMIFACE_BENCH_REPORT_H
#define NMIFACE_BENCH_REPORT_H

#include <stdio.h>
#include <stdlib.h>

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts @t in place. */
static inline void bench_report(const char *what, double *t, int n, const char *extra)
{
    qsort(t, (size_t)n, sizeof(double), bench_cmp_double);
    printf("%-22s median %9.1f us  min %9.1f  max %9.1f  (n=%d)%s%s\n", what, t[n / 2], t[0],
           t[n - 1], n, extra ? "  " : "", extra ? extra : "");
}

#endif /* NMIFACE_BENCH_REPORT_H */
