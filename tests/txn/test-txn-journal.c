/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The transaction journal and lock: races, atomic updates, unsafe directories, stale boots.
 * With NMIFACE_JOURNAL_SEEDS=DIR, /txn-journal/each-phase also writes its journals there as
 * seeds for tests/fuzz/fuzz-journal.c (tests/fuzz/seeds-journal). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "nmiface/driver.h"
#include "txn-journal.h"

#define ROUNDS 50
#define RACERS 6

typedef struct {
    char *dir;     /* the run directory under test */
    char *boot_id; /* file standing in for /proc/sys/kernel/random/boot_id */
} Fixture;

static void write_file(const char *path, const char *text)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(g_file_set_contents(path, text, -1, &error));
    g_assert_no_error(error);
}

/* Set once in main(): setenv() is not safe once the race tests have started threads. */
static char *test_base;

static void fixture_set_up(Fixture *f, gconstpointer data)
{
    f->dir = g_build_filename(test_base, "run", NULL);
    f->boot_id = g_build_filename(test_base, "boot_id", NULL);
    write_file(f->boot_id, "11111111-2222-3333-4444-555555555555\n");
}

static void fixture_tear_down(Fixture *f, gconstpointer data)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'/*", test_base);

    g_assert_cmpint(system(cmd), ==, 0);
    g_free(f->dir);
    g_free(f->boot_id);
}

static NmiTxnJournal *full_journal(void)
{
    g_autoptr(GError) error = NULL;
    NmiTxnJournal *j = nmi_txn_journal_new(&error);
    NmiTxnProfile *p;
    static const guchar bin[] = {0, '[', 'x', ']', '\n', 0xff, '=', ';', '\\'};

    g_assert_no_error(error);
    g_free(j->header.checkpoint);
    j->header.checkpoint = g_strdup("/org/freedesktop/NetworkManager/Checkpoint/3");
    j->header.deadline = j->header.begin_time + 30 * G_USEC_PER_SEC;
    j->header.phase = NMI_TXN_PHASE_ROLLING_BACK;
    g_ptr_array_add(j->ifaces_up, g_strdup("br0"));
    g_ptr_array_add(j->ifaces_up, g_strdup("lo"));

    p = nmi_txn_profile_new();
    p->uuid = g_strdup("5a0c5ef4-7f7e-4a52-9f59-0d2f1b6f0b01");
    p->id = g_strdup("br0 ; [odd] = name");
    p->keyfile = g_strdup("[connection]\nid=br0\nuuid=5a0c\ntype=bridge\n\n[ipv4]\n"
                          "method=manual\naddress1=10.0.0.1/24\n# comment ; \\s\n");
    p->filename = g_strdup("/etc/NetworkManager/system-connections/br0.nmconnection");
    p->unsaved = FALSE;
    p->flags = 0x0;
    p->etc_bytes = g_bytes_new(bin, sizeof(bin));
    p->active = TRUE;
    p->device = g_strdup("br0");
    g_ptr_array_add(j->profiles, p);

    p = nmi_txn_profile_new();
    p->uuid = g_strdup("6b1d6ff5-8f8f-4b63-8f6a-1e3f2c7f1c02");
    p->id = g_strdup("mem");
    p->keyfile = g_strdup("[connection]\nid=mem\n");
    p->filename = g_strdup("/run/NetworkManager/system-connections/mem.nmconnection");
    p->unsaved = TRUE;
    /* Beyond 32 bits: the journal keeps what it is given, whole. */
    p->flags = G_GUINT64_CONSTANT(0x100000000) | 0x1 | 0x8;
    g_ptr_array_add(j->profiles, p);
    return j;
}

static void assert_same_journal(const NmiTxnJournal *a, const NmiTxnJournal *b)
{
    g_assert_cmpstr(a->header.id, ==, b->header.id);
    g_assert_cmpint(a->header.pid, ==, b->header.pid);
    g_assert_cmpuint(a->header.uid, ==, b->header.uid);
    g_assert_cmpint(a->header.begin_time, ==, b->header.begin_time);
    g_assert_cmpstr(a->header.boot_id, ==, b->header.boot_id);
    g_assert_cmpstr(a->header.checkpoint, ==, b->header.checkpoint);
    g_assert_cmpint(a->header.deadline, ==, b->header.deadline);
    g_assert_cmpint(a->header.phase, ==, b->header.phase);
    g_assert_cmpuint(a->ifaces_up->len, ==, b->ifaces_up->len);
    for (guint i = 0; i < a->ifaces_up->len; i++)
        g_assert_cmpstr(a->ifaces_up->pdata[i], ==, b->ifaces_up->pdata[i]);
    g_assert_cmpuint(a->profiles->len, ==, b->profiles->len);
    for (guint i = 0; i < a->profiles->len; i++) {
        const NmiTxnProfile *p = a->profiles->pdata[i];
        const NmiTxnProfile *q = nmi_txn_journal_find(b, p->uuid);

        g_assert_nonnull(q);
        g_assert_cmpstr(p->id, ==, q->id);
        g_assert_cmpstr(p->keyfile, ==, q->keyfile);
        g_assert_cmpstr(p->filename, ==, q->filename);
        g_assert_cmpint(p->unsaved, ==, q->unsaved);
        g_assert_cmpuint(p->flags, ==, q->flags);
        g_assert_cmpint(p->active, ==, q->active);
        g_assert_cmpstr(p->device, ==, q->device);
        g_assert_true((p->etc_bytes == NULL) == (q->etc_bytes == NULL));
        if (p->etc_bytes != NULL)
            g_assert_true(g_bytes_equal(p->etc_bytes, q->etc_bytes));
    }
}

/* A journal in each phase, and one with nothing recorded yet, reads back from its text as it
 * was written (what a peek of that text finds too). */
static void test_each_phase(Fixture *f, gconstpointer data)
{
    const char *seeds = g_getenv("NMIFACE_JOURNAL_SEEDS");

    for (int phase = NMI_TXN_PHASE_BEGINNING; phase <= NMI_TXN_PHASE_ROLLING_BACK + 1; phase++) {
        g_autoptr(NmiTxnJournal) j = NULL;
        g_autoptr(NmiTxnJournal) back = NULL;
        g_autoptr(NmiTxnHeader) peeked = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL;
        gsize length = 0;

        if (phase <= NMI_TXN_PHASE_ROLLING_BACK) {
            j = full_journal();
            j->header.phase = (NmiTxnPhase)phase;
        } else {
            j = nmi_txn_journal_new(&error); /* beginning: no checkpoint, no profiles */
            g_assert_no_error(error);
        }
        text = nmi_txn_journal_to_data(j, &length);
        back = nmi_txn_journal_from_data(text, length, &error);
        g_assert_no_error(error);
        assert_same_journal(j, back);
        peeked = nmi_txn_header_from_data(text, length, TRUE, &error);
        g_assert_no_error(error);
        g_assert_cmpstr(peeked->id, ==, j->header.id);
        g_assert_cmpint(peeked->phase, ==, j->header.phase);
        if (seeds != NULL) {
            g_autofree char *name = g_strdup_printf("journal-%d", phase);
            g_autofree char *path = g_build_filename(seeds, name, NULL);

            g_assert_true(g_file_set_contents(path, text, (gssize)length, &error));
            g_assert_no_error(error);
        }
    }
}

static void test_round_trip(Fixture *f, gconstpointer data)
{
    g_autoptr(NmiTxnJournal) j = full_journal();
    g_autoptr(NmiTxnJournal) back = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename(f->dir, NMI_TXN_JOURNAL_NAME, NULL);
    struct stat st;

    g_assert_true(nmi_txn_journal_publish(j, &error));
    g_assert_no_error(error);
    g_assert_cmpint(lstat(f->dir, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0700);
    g_assert_cmpint(lstat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0600);
    back = nmi_txn_journal_load(&error);
    g_assert_no_error(error);
    g_assert_nonnull(back);
    assert_same_journal(j, back);

    /* An update keeps everything and changes what changed. */
    j->header.phase = NMI_TXN_PHASE_COMMITTING;
    g_assert_true(nmi_txn_journal_update(j, &error));
    g_clear_pointer(&back, nmi_txn_journal_free);
    back = nmi_txn_journal_load(&error);
    g_assert_no_error(error);
    assert_same_journal(j, back);

    /* Removal is by id: another transaction's journal stays. */
    g_assert_true(nmi_txn_journal_remove("not-this-one", &error));
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_true(nmi_txn_journal_remove(j->header.id, &error));
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_true(nmi_txn_journal_remove(j->header.id, &error));
    g_assert_null(nmi_txn_journal_load(&error));
    g_assert_no_error(error);
}

static void assert_header_of(const NmiTxnHeader *h, const NmiTxnJournal *j)
{
    g_assert_nonnull(h);
    g_assert_cmpstr(h->id, ==, j->header.id);
    g_assert_cmpint(h->pid, ==, j->header.pid);
    g_assert_cmpuint(h->uid, ==, j->header.uid);
    g_assert_cmpint(h->begin_time, ==, j->header.begin_time);
    g_assert_cmpstr(h->boot_id, ==, j->header.boot_id);
    g_assert_cmpstr(h->checkpoint, ==, j->header.checkpoint);
    g_assert_cmpint(h->deadline, ==, j->header.deadline);
    g_assert_cmpint(h->phase, ==, j->header.phase);
}

/* A journal far longer than the header: the peek must not need the rest. */
static NmiTxnJournal *long_journal(void)
{
    NmiTxnJournal *j = full_journal();

    for (guint i = 0; i < 200; i++) {
        NmiTxnProfile *p = nmi_txn_profile_new();

        p->uuid = g_strdup_printf("uuid-%u", i);
        p->id = g_strdup_printf("p%u", i);
        p->keyfile = g_strdup_printf("[connection]\nid=p%u\n[x]\n", i);
        p->filename = g_strdup("");
        g_ptr_array_add(j->profiles, p);
    }
    for (guint i = 0; i < 500; i++)
        g_ptr_array_add(j->ifaces_up, g_strdup_printf("eth%u", i));
    return j;
}

/* Lines GKeyFile skips before the first group (blank, comments) and blanks before a group's
 * "[" do not move where the peek thinks the header ends: it reads what the full read reads
 * (tests/fuzz/regressions-journal/blank-line-before-header, found by fuzz-journal). */
static void test_peek_skipped_lines(Fixture *f, gconstpointer data)
{
    static const char *const prefixes[] = {"\n", "# a comment [x]\n\n", "  \n"};
    g_autoptr(NmiTxnJournal) j = long_journal();
    gsize length = 0;
    g_autofree char *text = nmi_txn_journal_to_data(j, &length);

    for (guint i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        g_autofree char *odd = g_strconcat(prefixes[i], text, NULL);
        g_autoptr(NmiTxnHeader) h = NULL;
        g_autoptr(NmiTxnJournal) back = NULL;
        g_autoptr(GError) error = NULL;

        back = nmi_txn_journal_from_data(odd, strlen(odd), &error);
        g_assert_no_error(error);
        h = nmi_txn_header_from_data(odd, NMI_TXN_HEADER_MAX, FALSE, &error);
        g_assert_no_error(error);
        assert_header_of(h, back);
    }
}

/* Journals this nmiface never writes, which GKeyFile would still read: a group before the
 * header (a peek reads only the first group) and a group twice (GKeyFile merges them, a peek
 * reads the first): refused, so that a peek and a full read never find different headers. */
static void test_layout(Fixture *f, gconstpointer data)
{
    g_autoptr(NmiTxnJournal) j = full_journal();
    g_autofree char *text = nmi_txn_journal_to_data(j, NULL);
    const char *restore = strstr(text, "\n[restore-point]\n");
    const char *after = restore != NULL ? strstr(restore + 1, "\n[") : NULL;
    g_autofree char *restore_group = NULL;
    struct {
        char *text;
        const char *message;
    } cases[2];

    g_assert_nonnull(after);
    restore_group = g_strndup(restore + 1, (gsize)(after - restore));
    cases[0].text = g_strconcat("[note]\nwho=me\n\n", text, NULL);
    cases[0].message = "its first group is not [transaction]";
    cases[1].text = g_strconcat(text, "\n", restore_group, NULL);
    cases[1].message = "a group appears more than once";
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(NmiTxnJournal) back =
            nmi_txn_journal_from_data(cases[i].text, strlen(cases[i].text), &error);

        g_assert_null(back);
        g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
        g_test_message("%s", error->message);
        g_assert_nonnull(strstr(error->message, cases[i].message));
        g_free(cases[i].text);
    }
}

static void test_peek(Fixture *f, gconstpointer data)
{
    g_autoptr(NmiTxnJournal) j = long_journal();
    g_autoptr(NmiTxnHeader) h = NULL;
    g_autoptr(NmiTxnJournal) back = NULL;
    g_autoptr(GError) error = NULL;
    gsize length = 0;
    g_autofree char *text = nmi_txn_journal_to_data(j, &length);

    g_assert_cmpuint(length, >, 4 * NMI_TXN_HEADER_MAX);
    g_assert_true(nmi_txn_journal_publish(j, &error));
    h = nmi_txn_journal_peek(&error);
    g_assert_no_error(error);
    assert_header_of(h, j);

    /* What the peek reads: a prefix of NMI_TXN_HEADER_MAX bytes holds the whole header. */
    g_clear_pointer(&h, nmi_txn_header_free);
    h = nmi_txn_header_from_data(text, NMI_TXN_HEADER_MAX, FALSE, &error);
    g_assert_no_error(error);
    assert_header_of(h, j);

    /* The interfaces that were up moved out of the header, and still come back whole. */
    back = nmi_txn_journal_load(&error);
    g_assert_no_error(error);
    assert_same_journal(j, back);

    /* An update is seen by the next peek. */
    j->header.phase = NMI_TXN_PHASE_OPEN;
    g_free(j->header.checkpoint);
    j->header.checkpoint = g_strdup("/org/freedesktop/NetworkManager/Checkpoint/4");
    g_assert_true(nmi_txn_journal_update(j, &error));
    g_clear_pointer(&h, nmi_txn_header_free);
    h = nmi_txn_journal_peek(&error);
    assert_header_of(h, j);

    /* Gone: no transaction, no error. */
    g_assert_true(nmi_txn_journal_remove(j->header.id, &error));
    g_clear_pointer(&h, nmi_txn_header_free);
    g_assert_null(nmi_txn_journal_peek(&error));
    g_assert_no_error(error);
}

static void test_peek_truncated(Fixture *f, gconstpointer data)
{
    g_autoptr(NmiTxnJournal) j = long_journal();
    g_autoptr(NmiTxnHeader) h = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename(f->dir, NMI_TXN_JOURNAL_NAME, NULL);
    gsize length = 0;
    g_autofree char *text = nmi_txn_journal_to_data(j, &length);
    const char *phase = strstr(text, "phase=");

    g_assert_true(nmi_txn_journal_publish(j, &error));

    /* Cut inside the header: damaged, for the peek as for the full read. */
    g_assert_nonnull(phase);
    g_assert_true(g_file_set_contents(path, text, phase - text, &error));
    g_assert_null(nmi_txn_journal_peek(&error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_clear_error(&error);
    g_assert_null(nmi_txn_journal_load(&error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_clear_error(&error);

    /* Cut in the middle of a value: an unknown phase, not another one. */
    g_assert_true(g_file_set_contents(path, text, phase - text + strlen("phase=roll"), &error));
    g_assert_null(nmi_txn_journal_peek(&error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_clear_error(&error);

    /* Cut after the header: a transaction is open (define keeps /etc untouched), but Commit
     * and Rollback, which need the profiles, refuse the damaged journal. */
    g_assert_true(g_file_set_contents(path, text, (gssize)(length / 2), &error));
    h = nmi_txn_journal_peek(&error);
    g_assert_no_error(error);
    assert_header_of(h, j);
    g_assert_null(nmi_txn_journal_load(&error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_clear_error(&error);

    /* A first group that does not end within NMI_TXN_HEADER_MAX bytes is not a header. */
    {
        g_autofree char *junk = g_strnfill(NMI_TXN_HEADER_MAX, 'x');
        g_autofree char *big = g_strdup_printf("[transaction]\njunk=%s\n\n[restore-point]\n", junk);

        g_assert_true(g_file_set_contents(path, big, -1, &error));
        g_clear_pointer(&h, nmi_txn_header_free);
        g_assert_null(nmi_txn_journal_peek(&error));
        g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
        g_assert_nonnull(strstr(error->message, "header is longer than"));
    }
}

static void test_peek_other_boot(Fixture *f, gconstpointer data)
{
    g_autoptr(NmiTxnJournal) j = long_journal();
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename(f->dir, NMI_TXN_JOURNAL_NAME, NULL);

    g_assert_true(nmi_txn_journal_publish(j, &error));
    write_file(f->boot_id, "99999999-2222-3333-4444-555555555555\n");
    /* A journal of an earlier boot: no transaction, and the peek removes it as load does. */
    g_assert_null(nmi_txn_journal_peek(&error));
    g_assert_no_error(error);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

/* Journals of earlier formats have no checksums: refused with a word on how to clear them,
 * never guessed at (they could only be told damaged by what fails to parse). */
static void test_old_format(Fixture *f, gconstpointer data)
{
    g_autoptr(NmiTxnJournal) j = full_journal();
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename(f->dir, NMI_TXN_JOURNAL_NAME, NULL);
    g_autofree char *text = nmi_txn_journal_to_data(j, NULL);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_auto(GStrv) groups = NULL;
    g_autofree char *old = NULL;
    g_autofree char *after = NULL;
    gsize length = 0;

    g_assert_true(g_key_file_load_from_data(kf, text, -1, G_KEY_FILE_NONE, &error));
    groups = g_key_file_get_groups(kf, NULL);
    for (guint i = 0; groups[i] != NULL; i++)
        g_assert_true(g_key_file_remove_key(kf, groups[i], "checksum", &error));
    g_assert_true(g_key_file_remove_key(kf, "transaction", "format", &error));
    old = g_key_file_to_data(kf, &length, NULL);
    g_assert_true(nmi_txn_journal_publish(j, &error)); /* makes the run directory */
    write_file(path, old);
    g_assert_null(nmi_txn_journal_load(&error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_assert_nonnull(strstr(error->message, "no format version"));
    g_assert_nonnull(strstr(error->message, "remove it to clear the transaction"));
    g_clear_error(&error);
    /* Whether a transaction is open cannot be told either: define refuses to guess. */
    g_assert_null(nmi_txn_journal_peek(&error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_clear_error(&error);
    g_assert_true(g_file_get_contents(path, &after, NULL, NULL));
    g_assert_cmpstr(after, ==, old);
}

static void test_second_begin_refused(Fixture *f, gconstpointer data)
{
    g_autoptr(NmiTxnJournal) a = full_journal();
    g_autoptr(NmiTxnJournal) b = full_journal();
    g_autoptr(GError) error = NULL;
    g_autofree char *expect = NULL;

    g_assert_true(nmi_txn_journal_publish(a, &error));
    g_assert_false(nmi_txn_journal_publish(b, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
    expect =
        g_strdup_printf("there is already an open transaction (begun by pid %d at ", (int)getpid());
    g_assert_true(g_str_has_prefix(error->message, expect));
}

typedef struct {
    GMutex lock;
    GCond cond;
    gboolean go;
    gint wins;
    gint losses;
} Race;

static gpointer racer(gpointer data)
{
    Race *race = data;
    g_autoptr(NmiTxnJournal) j = full_journal();
    g_autoptr(GError) error = NULL;

    g_mutex_lock(&race->lock);
    while (!race->go)
        g_cond_wait(&race->cond, &race->lock);
    g_mutex_unlock(&race->lock);
    if (nmi_txn_journal_publish(j, &error))
        g_atomic_int_inc(&race->wins);
    else if (g_error_matches(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID))
        g_atomic_int_inc(&race->losses);
    else
        g_printerr("racer failed: %s\n", error->message);
    return NULL;
}

static void remove_journal(Fixture *f)
{
    g_autofree char *path = g_build_filename(f->dir, NMI_TXN_JOURNAL_NAME, NULL);

    g_assert_cmpint(g_unlink(path), ==, 0);
}

static void test_race_threads(Fixture *f, gconstpointer data)
{
    for (guint round = 0; round < ROUNDS; round++) {
        Race race = {0};
        GThread *threads[RACERS];

        g_mutex_init(&race.lock);
        g_cond_init(&race.cond);
        for (guint i = 0; i < RACERS; i++)
            threads[i] = g_thread_new("racer", racer, &race);
        g_mutex_lock(&race.lock);
        race.go = TRUE;
        g_cond_broadcast(&race.cond);
        g_mutex_unlock(&race.lock);
        for (guint i = 0; i < RACERS; i++)
            g_thread_join(threads[i]);
        g_assert_cmpint(race.wins, ==, 1);
        g_assert_cmpint(race.losses, ==, RACERS - 1);
        g_mutex_clear(&race.lock);
        g_cond_clear(&race.cond);
        remove_journal(f);
    }
}

static void test_race_processes(Fixture *f, gconstpointer data)
{
    const char *helper = g_getenv("TXN_JOURNAL_HELPER");

    /* meson always sets it; a run without it skips, but never in CI */
    if (helper == NULL) {
        g_assert_cmpstr(g_getenv("CI"), !=, "true");
        g_test_skip("TXN_JOURNAL_HELPER not set");
        return;
    }
    for (guint round = 0; round < ROUNDS; round++) {
        /* All start at the same instant, well after every one of them is running. */
        g_autofree char *start = g_strdup_printf("%" G_GINT64_FORMAT, g_get_real_time() + 60000);
        GPid pids[RACERS];
        guint wins = 0, losses = 0;

        for (guint i = 0; i < RACERS; i++) {
            const char *argv[] = {helper, start, NULL};
            g_autoptr(GError) error = NULL;

            g_assert_true(g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                        NULL, &pids[i], &error));
            g_assert_no_error(error);
        }
        for (guint i = 0; i < RACERS; i++) {
            int status;

            g_assert_cmpint(waitpid(pids[i], &status, 0), ==, pids[i]);
            g_assert_true(WIFEXITED(status));
            if (WEXITSTATUS(status) == 0)
                wins++;
            else if (WEXITSTATUS(status) == 1)
                losses++;
        }
        g_assert_cmpuint(wins, ==, 1);
        g_assert_cmpuint(losses, ==, RACERS - 1);
        remove_journal(f);
    }
}

typedef struct {
    NmiTxnJournal *small;
    NmiTxnJournal *big;
    gint stop;
} Torn;

static gpointer writer(gpointer data)
{
    Torn *t = data;

    for (guint i = 0; i < 400; i++) {
        g_autoptr(GError) error = NULL;

        g_assert_true(nmi_txn_journal_update(i % 2 ? t->small : t->big, &error));
    }
    g_atomic_int_set(&t->stop, 1);
    return NULL;
}

static void test_atomic_update(Fixture *f, gconstpointer data)
{
    g_autoptr(NmiTxnJournal) small = full_journal();
    g_autoptr(NmiTxnJournal) big = full_journal();
    g_autoptr(GError) error = NULL;
    Torn t = {small, big, 0};
    GThread *thread;
    guint reads = 0;

    /* The big one spans many pages, so a torn read would show. */
    g_free(big->header.id);
    big->header.id = g_strdup(small->header.id);
    for (guint i = 0; i < 300; i++) {
        NmiTxnProfile *p = nmi_txn_profile_new();

        p->uuid = g_strdup_printf("uuid-%u", i);
        p->id = g_strdup_printf("p%u", i);
        p->keyfile = g_strnfill(200, 'k');
        p->filename = g_strdup("");
        g_ptr_array_add(big->profiles, p);
    }
    g_assert_true(nmi_txn_journal_publish(small, &error));
    thread = g_thread_new("writer", writer, &t);
    while (!g_atomic_int_get(&t.stop)) {
        g_autoptr(NmiTxnJournal) seen = nmi_txn_journal_load(&error);

        g_assert_no_error(error);
        g_assert_nonnull(seen);
        g_assert_cmpstr(seen->header.id, ==, small->header.id);
        g_assert_true(seen->profiles->len == small->profiles->len ||
                      seen->profiles->len == big->profiles->len);
        reads++;
    }
    g_thread_join(thread);
    g_assert_cmpuint(reads, >, 0);
    g_test_message("%u reads saw a whole journal", reads);
}

static void test_unsafe_dirs(Fixture *f, gconstpointer data)
{
    g_autoptr(NmiTxnJournal) j = full_journal();
    g_autoptr(GError) error = NULL;
    g_autofree char *base = g_path_get_dirname(f->dir);
    g_autofree char *elsewhere = g_build_filename(base, "elsewhere", NULL);
    g_autofree char *journal = g_build_filename(f->dir, NMI_TXN_JOURNAL_NAME, NULL);
    g_autofree char *target = g_build_filename(base, "target", NULL);
    g_autofree char *stolen = g_build_filename(elsewhere, NMI_TXN_JOURNAL_NAME, NULL);

    /* The run directory a symlink to a directory someone prepared. */
    g_assert_cmpint(g_mkdir(elsewhere, 0700), ==, 0);
    g_assert_cmpint(symlink(elsewhere, f->dir), ==, 0);
    g_assert_false(nmi_txn_journal_publish(j, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(error->message, "not a directory"));
    g_assert_false(g_file_test(stolen, G_FILE_TEST_EXISTS));
    g_clear_error(&error);
    g_assert_null(nmi_txn_journal_load(&error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&error);
    g_assert_null(nmi_txn_journal_peek(&error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&error);
    g_assert_cmpint(g_unlink(f->dir), ==, 0);

    /* Writable by others. */
    g_assert_cmpint(g_mkdir(f->dir, 0700), ==, 0);
    g_assert_cmpint(chmod(f->dir, 0777), ==, 0);
    g_assert_false(nmi_txn_journal_publish(j, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(error->message, "writable by others"));
    g_clear_error(&error);
    g_assert_cmpint(chmod(f->dir, 0700), ==, 0);

    /* The journal itself a symlink: neither followed for reading nor written through. */
    write_file(target, "precious");
    g_assert_cmpint(symlink(target, journal), ==, 0);
    g_assert_null(nmi_txn_journal_load(&error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_clear_error(&error);
    g_assert_null(nmi_txn_journal_peek(&error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_clear_error(&error);
    g_assert_false(nmi_txn_journal_publish(j, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&error);
    /* Not a journal of ours: an update does not replace it (nor write through it). */
    g_assert_false(nmi_txn_journal_update(j, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_clear_error(&error);
    {
        g_autofree char *text = NULL;

        g_assert_true(g_file_get_contents(target, &text, NULL, NULL));
        g_assert_cmpstr(text, ==, "precious");
    }
}

static void test_stale_boot(Fixture *f, gconstpointer data)
{
    g_autoptr(NmiTxnJournal) old = full_journal();
    g_autoptr(NmiTxnJournal) now = NULL;
    g_autoptr(NmiTxnJournal) seen = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename(f->dir, NMI_TXN_JOURNAL_NAME, NULL);

    g_assert_true(nmi_txn_journal_publish(old, &error));
    write_file(f->boot_id, "99999999-2222-3333-4444-555555555555\n");
    /* The journal of the earlier boot is not an open transaction. */
    g_assert_null(nmi_txn_journal_load(&error));
    g_assert_no_error(error);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

    /* Nor does it block a Begin. */
    write_file(f->boot_id, "11111111-2222-3333-4444-555555555555\n");
    g_assert_true(nmi_txn_journal_publish(old, &error));
    write_file(f->boot_id, "99999999-2222-3333-4444-555555555555\n");
    now = full_journal();
    g_assert_true(nmi_txn_journal_publish(now, &error));
    g_assert_no_error(error);
    seen = nmi_txn_journal_load(&error);
    g_assert_nonnull(seen);
    g_assert_cmpstr(seen->header.id, ==, now->header.id);
}

static void test_no_run_dir(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    /* Readers (the storage policy of define) neither need nor create the directory. */
    g_assert_null(nmi_txn_journal_load(&error));
    g_assert_no_error(error);
    g_assert_null(nmi_txn_journal_peek(&error));
    g_assert_no_error(error);
    g_assert_true(nmi_txn_journal_remove("any", &error));
    g_assert_no_error(error);
    g_assert_false(g_file_test(f->dir, G_FILE_TEST_EXISTS));
}

static void test_damaged(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename(f->dir, NMI_TXN_JOURNAL_NAME, NULL);
    g_autofree char *dir = nmi_txn_run_dir(&error);

    g_assert_no_error(error);
    g_assert_nonnull(dir); /* created */
    write_file(path, "[transaction]\nid=x\n");
    g_assert_null(nmi_txn_journal_load(&error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
}

/* ---- damage: each field of a journal changed, as a disk or an editor might ---------------- */

#define FLIP "<flip one character>"

typedef struct {
    const char *name;
    const char *group; /* "profile": the first profile's group (br0, with /etc bytes) */
    const char *key;   /* NULL: the whole group is removed */
    const char *value; /* raw text; NULL: the key is removed; FLIP */
    gboolean reseal;   /* checksum recomputed: damage only the parser can see */
    gboolean header;   /* the header itself: the peek refuses it too */
    const char *message;
} Damage;

static const Damage damages[] = {
    {"etc-file", "profile", "etc-file", FLIP, FALSE, FALSE, "does not match its checksum"},
    {"etc-file-junk", "profile", "etc-file", "AAE!AA==", TRUE, FALSE, "not well-formed base64"},
    {"etc-file-cut", "profile", "etc-file", "AAECAw", TRUE, FALSE, "not well-formed base64"},
    {"keyfile", "profile", "keyfile", "[connection]\\nid=evil\\n", FALSE, FALSE,
     "does not match its checksum"},
    {"checksum", "profile", "checksum", FLIP, FALSE, FALSE, "does not match its checksum"},
    {"checksum-gone", "profile", "checksum", NULL, FALSE, FALSE, "has no checksum"},
    {"flags", "profile", "Flags", "9", FALSE, FALSE, "does not match its checksum"},
    {"flags-negative", "profile", "Flags", "-1", TRUE, FALSE, "-1"},
    {"flags-too-wide", "profile", "Flags", "18446744073709551616", TRUE, FALSE, "out of bounds"},
    {"profile-gone", "profile", NULL, NULL, FALSE, FALSE, "is missing"},
    {"profile-renamed", "profile", "uuid", "6b1d6ff5-8f8f-4b63-8f6a-1e3f2c7f1c02", TRUE, FALSE,
     "holds the profile 6b1d6ff5"},
    {"profile-list", "restore-point", "profiles", "x;", TRUE, FALSE, "[profile x] is missing"},
    {"ifaces-up", "restore-point", "ifaces-up", "br0;", FALSE, FALSE,
     "[restore-point] does not match its checksum"},
    {"phase", "transaction", "phase", "beginning", FALSE, TRUE,
     "[transaction] does not match its checksum"},
    {"format", "transaction", "format", "3", TRUE, TRUE, "format 3 is not this nmiface's"},
};

static char *damage_text(const char *text, const Damage *d, const NmiTxnJournal *j)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *group = NULL;

    g_assert_true(g_key_file_load_from_data(kf, text, -1, G_KEY_FILE_NONE, &error));
    group = g_str_equal(d->group, "profile")
                ? g_strconcat("profile ", ((NmiTxnProfile *)j->profiles->pdata[0])->uuid, NULL)
                : g_strdup(d->group);
    if (d->key == NULL) {
        g_assert_true(g_key_file_remove_group(kf, group, &error));
    } else if (d->value == NULL) {
        g_assert_true(g_key_file_remove_key(kf, group, d->key, &error));
    } else if (g_str_equal(d->value, FLIP)) {
        g_autofree char *value = g_key_file_get_value(kf, group, d->key, &error);
        gsize middle = strlen(value) / 2;

        value[middle] = value[middle] == 'A' ? 'B' : 'A';
        g_key_file_set_value(kf, group, d->key, value);
    } else {
        g_key_file_set_value(kf, group, d->key, d->value);
    }
    if (d->reseal) {
        g_autofree char *sum = nmi_txn_group_checksum(kf, group);

        g_key_file_set_value(kf, group, "checksum", sum);
    }
    return g_key_file_to_data(kf, NULL, NULL);
}

/* Refused with a clear error by every reader that would act on it, and the file is kept byte
 * for byte: nothing of a damaged journal is replayed (Commit and Rollback start with a load;
 * tests/txn/test-realnm-txn.c's damaged case shows /etc untouched on a real NM). */
static void test_damage(Fixture *f, gconstpointer data)
{
    const Damage *d = data;
    g_autoptr(NmiTxnJournal) j = full_journal();
    g_autoptr(NmiTxnJournal) other = full_journal();
    g_autoptr(NmiTxnHeader) h = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename(f->dir, NMI_TXN_JOURNAL_NAME, NULL);
    g_autofree char *text = nmi_txn_journal_to_data(j, NULL);
    g_autofree char *damaged = damage_text(text, d, j);
    g_autofree char *after = NULL;

    g_assert_cmpstr(damaged, !=, text);
    g_assert_true(nmi_txn_journal_publish(j, &error));
    write_file(path, damaged);

    g_assert_null(nmi_txn_journal_load(&error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_test_message("%s: %s", d->name, error->message);
    g_assert_nonnull(strstr(error->message, d->message));
    g_assert_nonnull(strstr(error->message, "kept for inspection and never replayed"));
    g_clear_error(&error);

    /* A damaged body still says that a transaction is open (define keeps /etc untouched);
     * a damaged header cannot say whose, and is refused. */
    h = nmi_txn_journal_peek(&error);
    if (d->header) {
        g_assert_null(h);
        g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
        g_clear_error(&error);
    } else {
        g_assert_no_error(error);
        g_assert_cmpstr(h->id, ==, j->header.id);
    }

    /* Neither another Begin, nor an update, nor a removal by another id replaces it; even on
     * another boot a damaged header is not taken for a stale journal. */
    g_assert_false(nmi_txn_journal_publish(other, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&error);
    g_assert_false(nmi_txn_journal_update(other, &error));
    g_clear_error(&error);
    nmi_txn_journal_remove(other->header.id, NULL);
    write_file(f->boot_id, "99999999-2222-3333-4444-555555555555\n");
    if (d->header) {
        g_assert_null(nmi_txn_journal_peek(&error));
        g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR);
        g_clear_error(&error);
    }
    g_assert_true(g_file_get_contents(path, &after, NULL, NULL));
    g_assert_cmpstr(after, ==, damaged);
}

/* A late update or remove of an ended transaction leaves the one open now alone. */
static void test_not_ours(Fixture *f, gconstpointer data)
{
    g_autoptr(NmiTxnJournal) a = full_journal();
    g_autoptr(NmiTxnJournal) b = full_journal();
    g_autoptr(NmiTxnJournal) seen = NULL;
    g_autoptr(GError) error = NULL;

    /* Never published, or already removed: an update does not bring it back. */
    g_assert_false(nmi_txn_journal_update(a, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&error);
    g_assert_true(nmi_txn_journal_publish(a, &error));
    g_assert_true(nmi_txn_journal_remove(a->header.id, &error));
    g_assert_false(nmi_txn_journal_update(a, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&error);
    g_assert_null(nmi_txn_journal_peek(&error));
    g_assert_no_error(error);

    g_assert_true(nmi_txn_journal_publish(b, &error));
    a->header.phase = NMI_TXN_PHASE_COMMITTING;
    g_assert_false(nmi_txn_journal_update(a, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID);
    g_assert_nonnull(strstr(error->message, b->header.id));
    g_clear_error(&error);
    g_assert_true(nmi_txn_journal_remove(a->header.id, &error));
    seen = nmi_txn_journal_load(&error);
    g_assert_no_error(error);
    assert_same_journal(b, seen);
}

#define HAMMERS       4
#define HAMMER_ROUNDS "200"

/* Begins, updates, Commit/Rollback ends (with a late second remover), late finishers of ended
 * transactions, readers and journals of an earlier boot, all at once in separate processes:
 * none may remove or overwrite a journal another process holds (the helper checks from the
 * holder's side). At the journal API: that is where the check-then-act lived, and processes
 * hammering it hit the windows far more often than NM-paced Begins would. */
static void test_hammer(Fixture *f, gconstpointer data)
{
    const char *helper = g_getenv("TXN_JOURNAL_HELPER");
    GSubprocess *procs[HAMMERS];
    guint wins = 0;

    if (helper == NULL) {
        g_assert_cmpstr(g_getenv("CI"), !=, "true");
        g_test_skip("TXN_JOURNAL_HELPER not set");
        return;
    }
    for (guint i = 0; i < HAMMERS; i++) {
        g_autoptr(GError) error = NULL;

        procs[i] = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, helper, "hammer",
                                    HAMMER_ROUNDS, NULL);
        g_assert_no_error(error);
    }
    for (guint i = 0; i < HAMMERS; i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *out = NULL;

        g_assert_true(g_subprocess_communicate_utf8(procs[i], NULL, NULL, &out, NULL, &error));
        g_assert_no_error(error);
        g_assert_true(g_subprocess_get_if_exited(procs[i]));
        g_assert_cmpint(g_subprocess_get_exit_status(procs[i]), ==, 0);
        wins += (guint)g_ascii_strtoull(out, NULL, 10);
        g_object_unref(procs[i]);
    }
    g_test_message("%u Begins of %d won", wins, HAMMERS * atoi(HAMMER_ROUNDS));
    g_assert_cmpuint(wins, >, 0);
}

int main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *run_dir = NULL;
    g_autofree char *boot_id = NULL;
    int status;

    g_test_init(&argc, &argv, NULL);
    test_base = g_dir_make_tmp("txn-journal-XXXXXX", &error);
    g_assert_no_error(error);
    run_dir = g_build_filename(test_base, "run", NULL);
    boot_id = g_build_filename(test_base, "boot_id", NULL);
    g_setenv("NMIFACE_RUN_DIR", run_dir, TRUE);
    g_setenv("NMIFACE_BOOT_ID_FILE", boot_id, TRUE);
#define ADD(name, fn)                                                                              \
    g_test_add("/txn-journal/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
    ADD("round-trip", test_round_trip);
    ADD("each-phase", test_each_phase);
    ADD("second-begin-refused", test_second_begin_refused);
    ADD("race-threads", test_race_threads);
    ADD("race-processes", test_race_processes);
    ADD("atomic-update", test_atomic_update);
    ADD("unsafe-dirs", test_unsafe_dirs);
    ADD("stale-boot", test_stale_boot);
    ADD("damaged", test_damaged);
    ADD("no-run-dir", test_no_run_dir);
    ADD("peek", test_peek);
    ADD("peek-skipped-lines", test_peek_skipped_lines);
    ADD("layout", test_layout);
    ADD("peek-truncated", test_peek_truncated);
    ADD("peek-other-boot", test_peek_other_boot);
    ADD("old-format", test_old_format);
    ADD("not-ours", test_not_ours);
    ADD("hammer", test_hammer);
    for (guint i = 0; i < G_N_ELEMENTS(damages); i++) {
        g_autofree char *name = g_strconcat("/txn-journal/damaged/", damages[i].name, NULL);

        g_test_add(name, Fixture, &damages[i], fixture_set_up, test_damage, fixture_tear_down);
    }
    status = g_test_run();
    g_rmdir(test_base);
    return status;
}
