/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target over the transaction journal's reader (src/driver/txn/txn-journal.c): the
 * file under /run/nmiface that Commit, Rollback and the watchdog trust to put profiles back.
 * Whatever bytes it holds, reading never crashes (ASan, UBSan); a journal that reads is
 * written back and read again to the same text (what Rollback rewrites is what it read); and
 * the header a peek reads from the file's start (define, undefine, the watchdog) is the header
 * the full read found, so both sides agree on whose transaction is open and in what phase.
 * Each input is read twice: as it is, and with every group's checksum made right, so that
 * mutated values reach the readers behind the checksums (numbers, base64, lists).
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "txn-journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz-journal: %s\n", what);
    abort();
}

static void check_written_back(const NmiTxnJournal *journal)
{
    g_autoptr(NmiTxnJournal) again = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    g_autofree char *text_again = NULL;
    gsize length = 0, length_again = 0;

    text = nmi_txn_journal_to_data(journal, &length);
    again = nmi_txn_journal_from_data(text, length, &error);
    if (again == NULL) {
        fprintf(stderr, "fuzz-journal: %s\n", error->message);
        fail("a journal written back from one that read does not read");
    }
    text_again = nmi_txn_journal_to_data(again, &length_again);
    if (length != length_again || memcmp(text, text_again, length) != 0)
        fail("a journal written back twice differs");
}

static void check_peek_agrees(const char *data, gsize size, const NmiTxnJournal *journal)
{
    g_autoptr(NmiTxnHeader) peeked = NULL;
    g_autoptr(GError) error = NULL;
    const NmiTxnHeader *h = &journal->header;
    gsize prefix = MIN(size, (gsize)NMI_TXN_HEADER_MAX);

    peeked = nmi_txn_header_from_data(data, prefix, prefix == size, &error);
    if (peeked == NULL) {
        fprintf(stderr, "fuzz-journal: %s\n", error->message);
        fail("the header of a journal that reads does not peek");
    }
    if (g_strcmp0(peeked->id, h->id) != 0 || peeked->pid != h->pid || peeked->uid != h->uid ||
        peeked->begin_time != h->begin_time || g_strcmp0(peeked->boot_id, h->boot_id) != 0 ||
        g_strcmp0(peeked->checkpoint, h->checkpoint) != 0 || peeked->deadline != h->deadline ||
        peeked->phase != h->phase)
        fail("a peek and a full read find different headers");
}

static void read_journal(const char *text, gsize size)
{
    g_autoptr(NmiTxnJournal) journal = NULL;
    g_autoptr(NmiTxnHeader) header = NULL;

    header = nmi_txn_header_from_data(text, size, TRUE, NULL);
    journal = nmi_txn_journal_from_data(text, size, NULL);
    if (journal == NULL)
        return;
    check_written_back(journal);
    check_peek_agrees(text, size, journal);
}

/* @data as GKeyFile writes it, each group's checksum set to what it must be; NULL when GKeyFile
 * cannot read it. */
static char *sealed(const char *data, gsize size, gsize *sealed_size)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_auto(GStrv) groups = NULL;

    if (!g_key_file_load_from_data(kf, data, size, G_KEY_FILE_NONE, NULL))
        return NULL;
    groups = g_key_file_get_groups(kf, NULL);
    for (guint i = 0; groups[i] != NULL; i++) {
        g_autofree char *sum = nmi_txn_group_checksum(kf, groups[i]);

        g_key_file_set_value(kf, groups[i], "checksum", sum);
    }
    return g_key_file_to_data(kf, sealed_size, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *resealed = NULL;
    gsize resealed_size = 0;

    read_journal((const char *)data, size);
    resealed = sealed((const char *)data, size, &resealed_size);
    if (resealed != NULL)
        read_journal(resealed, resealed_size);
    return 0;
}
