/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-journal [COUNT...]: the transaction journal's file operations, each timed alone on a
 * journal of COUNT profiles (default 10 100 1000) in $NMIFACE_RUN_DIR (a tmpfs, as /run is):
 *   serialise  nmi_txn_journal_to_data (Begin and every update write it)
 *   parse      nmi_txn_journal_from_data (Commit, Rollback, the watchdog)
 *   begin+end  nmi_txn_journal_publish + nmi_txn_journal_remove (Begin's lock, the last step
 *              of Commit/Rollback)
 *   update     nmi_txn_journal_update (phase changes, the checkpoint after Begin)
 *   peek       nmi_txn_journal_peek (define/undefine at each call, the watchdog every second)
 *   load       nmi_txn_journal_load
 * Prints per call, in microseconds: the median CPU time (user + system), the median and the
 * minimum wall time. Uses only
 * calls the journal had before its lock and checksums, so run-bench.sh builds this same file
 * against an earlier txn-journal.c for the comparison.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "txn-journal.h"

/* About what capture records for a bridge profile (keyfile text, /etc bytes). */
static NmiTxnJournal *journal_of(guint count)
{
    NmiTxnJournal *j = nmi_txn_journal_new(NULL);

    g_assert_nonnull(j);
    j->header.phase = NMI_TXN_PHASE_OPEN;
    for (guint i = 0; i < count; i++) {
        NmiTxnProfile *p = nmi_txn_profile_new();
        g_autofree char *etc = g_strdup_printf(
            "[connection]\nid=b%u\nuuid=%08x-0000-4000-8000-000000000000\ntype=bridge\n"
            "autoconnect=false\ninterface-name=b%u\n\n[ethernet]\n\n[bridge]\nstp=false\n\n"
            "[ipv4]\naddress1=10.%u.%u.1/24\nmethod=manual\n\n[ipv6]\naddr-gen-mode=default\n"
            "method=disabled\n\n[proxy]\n\n[user]\norg.nmiface.start-mode=onboot\n",
            i, i, i, i / 250, i % 250);

        p->uuid = g_strdup_printf("%08x-0000-4000-8000-000000000000", i);
        p->id = g_strdup_printf("b%u", i);
        p->keyfile = g_strdup(etc);
        p->filename = g_strdup_printf("/etc/NetworkManager/system-connections/b%u.nmconnection", i);
        p->etc_bytes = g_bytes_new(etc, strlen(etc));
        g_ptr_array_add(j->profiles, p);
    }
    return j;
}

static int compare_gint64(gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

    return x < y ? -1 : x > y;
}

typedef void (*Op)(NmiTxnJournal *j, const char *data, gsize length);

static void op_serialise(NmiTxnJournal *j, const char *data, gsize length)
{
    g_free(nmi_txn_journal_to_data(j, NULL));
}

static void op_parse(NmiTxnJournal *j, const char *data, gsize length)
{
    NmiTxnJournal *back = nmi_txn_journal_from_data(data, length, NULL);

    g_assert_nonnull(back);
    nmi_txn_journal_free(back);
}

static void op_begin_end(NmiTxnJournal *j, const char *data, gsize length)
{
    g_assert_true(nmi_txn_journal_remove(j->header.id, NULL));
    g_assert_true(nmi_txn_journal_publish(j, NULL));
}

static void op_update(NmiTxnJournal *j, const char *data, gsize length)
{
    g_assert_true(nmi_txn_journal_update(j, NULL));
}

static void op_peek(NmiTxnJournal *j, const char *data, gsize length)
{
    NmiTxnHeader *h = nmi_txn_journal_peek(NULL);

    g_assert_nonnull(h);
    nmi_txn_header_free(h);
}

static void op_load(NmiTxnJournal *j, const char *data, gsize length)
{
    NmiTxnJournal *back = nmi_txn_journal_load(NULL);

    g_assert_nonnull(back);
    nmi_txn_journal_free(back);
}

static gint64 cpu_time_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* CPU time (user + system, the process's: what load does not inflate) and wall time. */
static void measure(const char *name, Op op, NmiTxnJournal *j, const char *data, gsize length,
                    guint reps)
{
    g_autofree gint64 *cpu = g_new(gint64, reps);
    g_autofree gint64 *wall = g_new(gint64, reps);

    op(j, data, length); /* warm-up */
    for (guint r = 0; r < reps; r++) {
        gint64 c0 = cpu_time_us(), w0 = g_get_monotonic_time();

        op(j, data, length);
        cpu[r] = cpu_time_us() - c0;
        wall[r] = g_get_monotonic_time() - w0;
    }
    qsort(cpu, reps, sizeof(*cpu), compare_gint64);
    qsort(wall, reps, sizeof(*wall), compare_gint64);
    printf("  %-10s cpu median %7" G_GINT64_FORMAT " us   wall median %7" G_GINT64_FORMAT
           " us  min %7" G_GINT64_FORMAT " us   (%u calls)\n",
           name, cpu[reps / 2], wall[reps / 2], wall[0], reps);
}

int main(int argc, char **argv)
{
    static const guint defaults[] = {10, 100, 1000};
    guint n = argc > 1 ? (guint)argc - 1 : G_N_ELEMENTS(defaults);

    for (guint i = 0; i < n; i++) {
        guint count = argc > 1 ? (guint)atoi(argv[i + 1]) : defaults[i];
        NmiTxnJournal *j = journal_of(count);
        gsize length = 0;
        g_autofree char *data = nmi_txn_journal_to_data(j, &length);
        guint reps = count >= 1000 ? 50 : 400;

        printf("## %u profiles, journal %" G_GSIZE_FORMAT " bytes\n", count, length);
        g_assert_true(nmi_txn_journal_publish(j, NULL));
        measure("serialise", op_serialise, j, data, length, reps);
        measure("parse", op_parse, j, data, length, reps);
        measure("begin+end", op_begin_end, j, data, length, reps);
        measure("update", op_update, j, data, length, reps);
        measure("peek", op_peek, j, data, length, reps * 4);
        measure("load", op_load, j, data, length, reps);
        g_assert_true(nmi_txn_journal_remove(j->header.id, NULL));
        nmi_txn_journal_free(j);
    }
    return 0;
}
