/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The transaction journal: one GKeyFile at <run dir>/transaction. Begin publishes it with
 * link(), which fails with EEXIST in every process but one; updates rename() a complete
 * temporary file over it, so a reader sees the old or the new journal, never a torn one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nmiface/driver.h"
#include "txn-journal.h"

#define GROUP_TXN     "transaction"
#define PROFILE_GROUP "profile "

NmiTxnProfile *nmi_txn_profile_new(void)
{
    return g_new0(NmiTxnProfile, 1);
}

void nmi_txn_profile_free(NmiTxnProfile *profile)
{
    if (profile == NULL)
        return;
    g_free(profile->uuid);
    g_free(profile->id);
    g_free(profile->keyfile);
    g_free(profile->filename);
    g_clear_pointer(&profile->etc_bytes, g_bytes_unref);
    g_free(profile->device);
    g_free(profile);
}

static NmiTxnJournal *journal_alloc(void)
{
    NmiTxnJournal *journal = g_new0(NmiTxnJournal, 1);

    journal->profiles = g_ptr_array_new_with_free_func((GDestroyNotify)nmi_txn_profile_free);
    journal->ifaces_up = g_ptr_array_new_with_free_func(g_free);
    return journal;
}

static void header_clear(NmiTxnHeader *header)
{
    g_free(header->id);
    g_free(header->boot_id);
    g_free(header->checkpoint);
}

void nmi_txn_journal_free(NmiTxnJournal *journal)
{
    if (journal == NULL)
        return;
    header_clear(&journal->header);
    g_ptr_array_unref(journal->profiles);
    g_ptr_array_unref(journal->ifaces_up);
    g_free(journal);
}

char *nmi_txn_boot_id(GError **error)
{
    const char *file = g_getenv("NMIFACE_BOOT_ID_FILE");
    g_autoptr(GError) local = NULL;
    g_autofree char *text = NULL;

    if (file == NULL)
        file = "/proc/sys/kernel/random/boot_id";
    if (!g_file_get_contents(file, &text, NULL, &local)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_SYSTEM_ERROR, "cannot read the boot id: %s",
                    local->message);
        return NULL;
    }
    return g_strdup(g_strstrip(text));
}

NmiTxnJournal *nmi_txn_journal_new(GError **error)
{
    g_autoptr(NmiTxnJournal) journal = journal_alloc();

    journal->header.boot_id = nmi_txn_boot_id(error);
    if (journal->header.boot_id == NULL)
        return NULL;
    journal->header.id = g_uuid_string_random();
    journal->header.pid = getpid();
    journal->header.uid = geteuid();
    journal->header.begin_time = g_get_real_time();
    journal->header.checkpoint = g_strdup("");
    journal->header.phase = NMI_TXN_PHASE_BEGINNING;
    return g_steal_pointer(&journal);
}

static const char *const phase_names[] = {
    [NMI_TXN_PHASE_BEGINNING] = "beginning",
    [NMI_TXN_PHASE_OPEN] = "open",
    [NMI_TXN_PHASE_COMMITTING] = "committing",
    [NMI_TXN_PHASE_ROLLING_BACK] = "rolling-back",
};

const char *nmi_txn_phase_to_string(NmiTxnPhase phase)
{
    return (guint)phase < G_N_ELEMENTS(phase_names) ? phase_names[phase] : "unknown";
}

NmiTxnProfile *nmi_txn_journal_find(const NmiTxnJournal *journal, const char *uuid)
{
    for (guint i = 0; i < journal->profiles->len; i++) {
        NmiTxnProfile *p = journal->profiles->pdata[i];

        if (g_strcmp0(p->uuid, uuid) == 0)
            return p;
    }
    return NULL;
}

/* ---- (de)serialisation ------------------------------------------------------------------ */

/* Groups in this order: the header first, so that nmi_txn_journal_peek() finds it whole in the
 * first NMI_TXN_HEADER_MAX bytes; then what grows with the host. */
#define GROUP_RESTORE "restore-point"

static void write_header(GKeyFile *kf, const NmiTxnJournal *journal)
{
    g_key_file_set_string(kf, GROUP_TXN, "id", journal->header.id);
    g_key_file_set_int64(kf, GROUP_TXN, "pid", journal->header.pid);
    g_key_file_set_uint64(kf, GROUP_TXN, "uid", journal->header.uid);
    g_key_file_set_int64(kf, GROUP_TXN, "begin-time", journal->header.begin_time);
    g_key_file_set_string(kf, GROUP_TXN, "boot-id", journal->header.boot_id);
    g_key_file_set_string(kf, GROUP_TXN, "checkpoint", journal->header.checkpoint);
    g_key_file_set_int64(kf, GROUP_TXN, "deadline", journal->header.deadline);
    g_key_file_set_string(kf, GROUP_TXN, "phase", nmi_txn_phase_to_string(journal->header.phase));
}

static void write_profile(GKeyFile *kf, const NmiTxnProfile *p)
{
    g_autofree char *group = g_strconcat(PROFILE_GROUP, p->uuid, NULL);

    g_key_file_set_string(kf, group, "uuid", p->uuid);
    g_key_file_set_string(kf, group, "id", p->id != NULL ? p->id : "");
    /* Escaped by GKeyFile: the keyfile text keeps its newlines and brackets exactly. */
    g_key_file_set_string(kf, group, "keyfile", p->keyfile != NULL ? p->keyfile : "");
    g_key_file_set_string(kf, group, "Filename", p->filename != NULL ? p->filename : "");
    g_key_file_set_boolean(kf, group, "Unsaved", p->unsaved);
    g_key_file_set_uint64(kf, group, "Flags", p->flags);
    if (p->etc_bytes != NULL) {
        gsize n;
        const guchar *bytes = g_bytes_get_data(p->etc_bytes, &n);
        g_autofree char *b64 = g_base64_encode(bytes, n);

        g_key_file_set_string(kf, group, "etc-file", b64);
    }
    g_key_file_set_boolean(kf, group, "active", p->active);
    if (p->device != NULL)
        g_key_file_set_string(kf, group, "device", p->device);
}

char *nmi_txn_journal_to_data(const NmiTxnJournal *journal, gsize *length)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();

    write_header(kf, journal);
    g_key_file_set_string_list(kf, GROUP_RESTORE, "ifaces-up",
                               (const char *const *)journal->ifaces_up->pdata,
                               journal->ifaces_up->len);
    for (guint i = 0; i < journal->profiles->len; i++)
        write_profile(kf, journal->profiles->pdata[i]);
    return g_key_file_to_data(kf, length, NULL);
}

static gboolean parse_phase(const char *text, NmiTxnPhase *phase)
{
    for (guint i = 0; i < G_N_ELEMENTS(phase_names); i++)
        if (g_strcmp0(text, phase_names[i]) == 0) {
            *phase = (NmiTxnPhase)i;
            return TRUE;
        }
    return FALSE;
}

static gboolean read_profile(GKeyFile *kf, const char *group, NmiTxnProfile *p, GError **error)
{
    g_autofree char *b64 = NULL;
    GError *local = NULL;

    if ((p->uuid = g_key_file_get_string(kf, group, "uuid", &local)) == NULL ||
        (p->id = g_key_file_get_string(kf, group, "id", &local)) == NULL ||
        (p->keyfile = g_key_file_get_string(kf, group, "keyfile", &local)) == NULL ||
        (p->filename = g_key_file_get_string(kf, group, "Filename", &local)) == NULL) {
        g_propagate_error(error, local);
        return FALSE;
    }
    p->unsaved = g_key_file_get_boolean(kf, group, "Unsaved", &local);
    if (local == NULL)
        p->flags = (guint32)g_key_file_get_uint64(kf, group, "Flags", &local);
    if (local == NULL)
        p->active = g_key_file_get_boolean(kf, group, "active", &local);
    if (local != NULL) {
        g_propagate_error(error, local);
        return FALSE;
    }
    p->device = g_key_file_get_string(kf, group, "device", NULL);
    b64 = g_key_file_get_string(kf, group, "etc-file", NULL);
    if (b64 != NULL) {
        gsize n = 0;
        guchar *bytes = g_base64_decode(b64, &n);

        p->etc_bytes = g_bytes_new_take(bytes, n);
    }
    return TRUE;
}

void nmi_txn_header_free(NmiTxnHeader *header)
{
    if (header == NULL)
        return;
    header_clear(header);
    g_free(header);
}

static gboolean read_header(GKeyFile *kf, NmiTxnHeader *h, GError **error)
{
    g_autofree char *phase = NULL;
    GError *local = NULL;

    h->id = g_key_file_get_string(kf, GROUP_TXN, "id", &local);
    if (local == NULL)
        h->pid = g_key_file_get_int64(kf, GROUP_TXN, "pid", &local);
    if (local == NULL)
        h->uid = (guint32)g_key_file_get_uint64(kf, GROUP_TXN, "uid", &local);
    if (local == NULL)
        h->begin_time = g_key_file_get_int64(kf, GROUP_TXN, "begin-time", &local);
    if (local == NULL)
        h->boot_id = g_key_file_get_string(kf, GROUP_TXN, "boot-id", &local);
    if (local == NULL)
        h->checkpoint = g_key_file_get_string(kf, GROUP_TXN, "checkpoint", &local);
    if (local == NULL)
        h->deadline = g_key_file_get_int64(kf, GROUP_TXN, "deadline", &local);
    if (local == NULL)
        phase = g_key_file_get_string(kf, GROUP_TXN, "phase", &local);
    if (local != NULL) {
        g_propagate_error(error, local);
        return FALSE;
    }
    if (!parse_phase(phase, &h->phase)) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "unknown phase '%s'",
                    phase);
        return FALSE;
    }
    return TRUE;
}

static void read_ifaces_up(GKeyFile *kf, NmiTxnJournal *journal)
{
    g_auto(GStrv) up = g_key_file_get_string_list(kf, GROUP_RESTORE, "ifaces-up", NULL, NULL);

    /* Journals written before the header was kept small had the list in the header. */
    if (up == NULL)
        up = g_key_file_get_string_list(kf, GROUP_TXN, "ifaces-up", NULL, NULL);
    /* Absent or empty when nothing was up. */
    for (guint i = 0; up != NULL && up[i] != NULL; i++)
        g_ptr_array_add(journal->ifaces_up, g_strdup(up[i]));
}

static void set_damaged(GError **error, const GError *cause)
{
    g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR,
                "the transaction journal is damaged: %s", cause->message);
}

NmiTxnJournal *nmi_txn_journal_from_data(const char *data, gsize length, GError **error)
{
    g_autoptr(NmiTxnJournal) journal = journal_alloc();
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) local = NULL;
    g_auto(GStrv) groups = NULL;

    if (!g_key_file_load_from_data(kf, data, length, G_KEY_FILE_NONE, &local) ||
        !read_header(kf, &journal->header, &local)) {
        set_damaged(error, local);
        return NULL;
    }
    read_ifaces_up(kf, journal);
    groups = g_key_file_get_groups(kf, NULL);
    for (guint i = 0; groups[i] != NULL; i++) {
        g_autoptr(NmiTxnProfile) p = NULL;

        if (!g_str_has_prefix(groups[i], PROFILE_GROUP))
            continue;
        p = nmi_txn_profile_new();
        if (!read_profile(kf, groups[i], p, &local)) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR,
                        "the transaction journal is damaged in [%s]: %s", groups[i],
                        local->message);
            return NULL;
        }
        g_ptr_array_add(journal->profiles, g_steal_pointer(&p));
    }
    return g_steal_pointer(&journal);
}

/* The length of the first group of @data: up to the next group's "[" (a raw newline followed
 * by "[" starts a group: GKeyFile escapes newlines in values), or all of it when @complete. */
static gboolean first_group_length(const char *data, gsize length, gboolean complete, gsize *out)
{
    for (gsize i = 1; i < length; i++)
        if (data[i] == '[' && data[i - 1] == '\n') {
            *out = i;
            return TRUE;
        }
    *out = length;
    return complete;
}

NmiTxnHeader *nmi_txn_header_from_data(const char *data, gsize length, gboolean complete,
                                       GError **error)
{
    g_autoptr(NmiTxnHeader) header = g_new0(NmiTxnHeader, 1);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) local = NULL;
    gsize header_length;

    if (!first_group_length(data, length, complete, &header_length)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "the transaction journal is damaged: its header is longer than %u bytes",
                    (guint)NMI_TXN_HEADER_MAX);
        return NULL;
    }
    if (!g_key_file_load_from_data(kf, data, header_length, G_KEY_FILE_NONE, &local) ||
        !read_header(kf, header, &local)) {
        set_damaged(error, local);
        return NULL;
    }
    return g_steal_pointer(&header);
}

/* ---- files ------------------------------------------------------------------------------ */

/* A system call failed with @errsv: the message from @format, then strerror. */
G_GNUC_PRINTF(3, 4)
static void set_errno_error(GError **error, int errsv, const char *format, ...)
{
    g_autofree char *what = NULL;
    va_list args;

    va_start(args, format);
    what = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error(error, NMIFACE_ERROR, VIR_ERR_SYSTEM_ERROR, "%s: %s", what, g_strerror(errsv));
}

static gboolean check_run_dir(const char *dir, GError **error)
{
    struct stat st;

    if (lstat(dir, &st) != 0) {
        set_errno_error(error, errno, "cannot inspect the run directory %s", dir);
        return FALSE;
    }
    /* Someone else's directory, or a symlink to one, could feed us a forged journal or make
     * us write where they choose. */
    if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                    "refusing the run directory %s: not a directory (a symlink?)", dir);
        return FALSE;
    }
    if (st.st_uid != geteuid()) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                    "refusing the run directory %s: owned by uid %u, not %u", dir, (guint)st.st_uid,
                    (guint)geteuid());
        return FALSE;
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                    "refusing the run directory %s: writable by others (mode %04o)", dir,
                    (guint)(st.st_mode & 07777));
        return FALSE;
    }
    return TRUE;
}

static char *run_dir_path(void)
{
    const char *env = g_getenv("NMIFACE_RUN_DIR");

    return g_strdup(env != NULL && *env != '\0' ? env : NMI_TXN_RUN_DIR_DEFAULT);
}

char *nmi_txn_run_dir(GError **error)
{
    g_autofree char *dir = run_dir_path();

    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        set_errno_error(error, errno, "cannot create the run directory %s", dir);
        return NULL;
    }
    if (!check_run_dir(dir, error))
        return NULL;
    return g_steal_pointer(&dir);
}

/* For readers: no run directory means no transaction, and is not created (a reader may lack
 * the right to create it). */
static char *existing_run_dir(gboolean *absent, GError **error)
{
    g_autofree char *dir = run_dir_path();
    struct stat st;

    *absent = lstat(dir, &st) != 0 && errno == ENOENT;
    if (*absent || !check_run_dir(dir, error))
        return NULL;
    return g_steal_pointer(&dir);
}

static gboolean write_all(int fd, const char *data, gsize length)
{
    while (length > 0) {
        ssize_t n = write(fd, data, length);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        data += n;
        length -= (gsize)n;
    }
    return TRUE;
}

/* A complete, fsynced copy of @journal in @dir under a fresh name; returns that path. */
static char *write_temp(const char *dir, const NmiTxnJournal *journal, GError **error)
{
    gsize length = 0;
    g_autofree char *data = nmi_txn_journal_to_data(journal, &length);
    g_autofree char *rnd = g_uuid_string_random();
    g_autofree char *path = g_strdup_printf("%s/.%s.%s.tmp", dir, NMI_TXN_JOURNAL_NAME, rnd);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    int errsv;

    if (fd < 0) {
        set_errno_error(error, errno, "cannot create %s", path);
        return NULL;
    }
    if (!write_all(fd, data, length) || fsync(fd) != 0) {
        errsv = errno;
        close(fd);
        unlink(path);
        set_errno_error(error, errsv, "cannot write %s", path);
        return NULL;
    }
    if (close(fd) != 0) {
        errsv = errno;
        unlink(path);
        set_errno_error(error, errsv, "cannot write %s", path);
        return NULL;
    }
    return g_steal_pointer(&path);
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* Opens the journal at @path for reading: -1 with *absent TRUE when there is none. Not
 * followed when it is a symlink, refused when it is not a regular file of ours. */
static int open_journal(const char *path, gboolean *absent, GError **error)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;

    *absent = fd < 0 && errno == ENOENT;
    if (*absent)
        return -1;
    if (fd < 0) {
        set_errno_error(error, errno, "cannot open the transaction journal %s", path);
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
        close(fd);
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                    "refusing the transaction journal %s: not a regular file of ours", path);
        return -1;
    }
    return fd;
}

/* At most @limit bytes of the journal at @path (G_MAXSIZE: all of it); *complete tells
 * whether that is the whole file. NULL with *absent TRUE when there is none. */
static GString *read_journal_data(const char *path, gsize limit, gboolean *absent,
                                  gboolean *complete, GError **error)
{
    int fd = open_journal(path, absent, error);
    g_autoptr(GString) data = NULL;
    char buf[8192];

    if (fd < 0)
        return NULL;
    data = g_string_new(NULL);
    *complete = FALSE;
    while (data->len < limit) {
        ssize_t n = read(fd, buf, MIN(sizeof(buf), limit - data->len));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int errsv = errno;

            close(fd);
            set_errno_error(error, errsv, "cannot read the transaction journal %s", path);
            return NULL;
        }
        if (n == 0) {
            *complete = TRUE;
            break;
        }
        g_string_append_len(data, buf, n);
    }
    close(fd);
    return g_steal_pointer(&data);
}

/* Reads the journal at @path; NULL with *absent TRUE when there is none. */
static NmiTxnJournal *read_journal(const char *path, gboolean *absent, GError **error)
{
    gboolean complete;
    g_autoptr(GString) data = read_journal_data(path, G_MAXSIZE, absent, &complete, error);

    if (data == NULL)
        return NULL;
    return nmi_txn_journal_from_data(data->str, data->len, error);
}

/* Reads only the header of the journal at @path; NULL with *absent TRUE when there is none.
 * One byte more than the header may take, to tell a long header from a long file. */
static NmiTxnHeader *read_header_only(const char *path, gboolean *absent, GError **error)
{
    gboolean complete;
    g_autoptr(GString) data =
        read_journal_data(path, NMI_TXN_HEADER_MAX + 1, absent, &complete, error);

    if (data == NULL)
        return NULL;
    return nmi_txn_header_from_data(data->str, data->len, complete, error);
}

/* NULL with *absent TRUE when there is no run directory, hence no journal. */
static char *journal_path(gboolean *absent, GError **error)
{
    g_autofree char *dir = existing_run_dir(absent, error);

    if (dir == NULL)
        return NULL;
    return g_build_filename(dir, NMI_TXN_JOURNAL_NAME, NULL);
}

static char *format_time(gint64 realtime_us)
{
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(realtime_us / G_USEC_PER_SEC);

    return dt != NULL ? g_date_time_format_iso8601(dt) : g_strdup("an unknown time");
}

static void set_already_open(const char *path, GError **error)
{
    g_autoptr(NmiTxnHeader) other = NULL;
    g_autoptr(GError) local = NULL;
    g_autofree char *when = NULL;
    gboolean absent;

    other = read_header_only(path, &absent, &local);
    if (other == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID,
                    "there is already an open transaction (%s)",
                    absent ? "it just ended" : local->message);
        return;
    }
    when = format_time(other->begin_time);
    g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID,
                "there is already an open transaction (begun by pid %" G_GINT64_FORMAT " at %s)",
                other->pid, when);
}

/* A journal from an earlier boot survived only because /run was not wiped: remove it. Sets
 * *stale when @boot_id (the journal's) is not this boot's. */
static gboolean remove_if_stale(const char *path, const char *boot_id, gboolean *stale,
                                GError **error)
{
    g_autofree char *now = nmi_txn_boot_id(error);

    if (now == NULL)
        return FALSE;
    *stale = g_strcmp0(boot_id, now) != 0;
    if (*stale && unlink(path) != 0 && errno != ENOENT) {
        set_errno_error(error, errno, "cannot remove the stale journal %s", path);
        return FALSE;
    }
    return TRUE;
}

/* Before Begin: a stale journal must not block it. A damaged one does (publish says so). */
static gboolean drop_if_stale(const char *path, GError **error)
{
    g_autoptr(NmiTxnHeader) old = NULL;
    gboolean absent, stale;

    old = read_header_only(path, &absent, NULL);
    if (old == NULL)
        return TRUE;
    return remove_if_stale(path, old->boot_id, &stale, error);
}

gboolean nmi_txn_journal_publish(const NmiTxnJournal *journal, GError **error)
{
    g_autofree char *dir = nmi_txn_run_dir(error);
    g_autofree char *path = NULL;
    g_autofree char *temp = NULL;
    int rc, errsv;

    if (dir == NULL)
        return FALSE;
    path = g_build_filename(dir, NMI_TXN_JOURNAL_NAME, NULL);
    if (!drop_if_stale(path, error))
        return FALSE;
    temp = write_temp(dir, journal, error);
    if (temp == NULL)
        return FALSE;
    /* link() never replaces: of N racing Begins exactly one creates the name. */
    rc = link(temp, path);
    errsv = errno;
    unlink(temp);
    if (rc != 0 && errsv == EEXIST) {
        set_already_open(path, error);
        return FALSE;
    }
    if (rc != 0) {
        set_errno_error(error, errsv, "cannot publish the transaction journal %s", path);
        return FALSE;
    }
    sync_dir(dir);
    return TRUE;
}

gboolean nmi_txn_journal_update(const NmiTxnJournal *journal, GError **error)
{
    g_autofree char *dir = nmi_txn_run_dir(error);
    g_autofree char *path = NULL;
    g_autofree char *temp = NULL;

    if (dir == NULL)
        return FALSE;
    path = g_build_filename(dir, NMI_TXN_JOURNAL_NAME, NULL);
    temp = write_temp(dir, journal, error);
    if (temp == NULL)
        return FALSE;
    if (rename(temp, path) != 0) {
        int errsv = errno;

        unlink(temp);
        set_errno_error(error, errsv, "cannot update the transaction journal %s", path);
        return FALSE;
    }
    sync_dir(dir);
    return TRUE;
}

NmiTxnJournal *nmi_txn_journal_load(GError **error)
{
    gboolean absent, stale;
    g_autofree char *path = journal_path(&absent, error);
    g_autoptr(NmiTxnJournal) journal = NULL;

    if (path == NULL)
        return NULL;
    journal = read_journal(path, &absent, error);
    if (journal == NULL || !remove_if_stale(path, journal->header.boot_id, &stale, error) || stale)
        return NULL;
    return g_steal_pointer(&journal);
}

NmiTxnHeader *nmi_txn_journal_peek(GError **error)
{
    gboolean absent, stale;
    g_autofree char *path = journal_path(&absent, error);
    g_autoptr(NmiTxnHeader) header = NULL;

    if (path == NULL)
        return NULL;
    header = read_header_only(path, &absent, error);
    if (header == NULL || !remove_if_stale(path, header->boot_id, &stale, error) || stale)
        return NULL;
    return g_steal_pointer(&header);
}

gboolean nmi_txn_journal_remove(const char *id, GError **error)
{
    gboolean absent;
    g_autofree char *path = journal_path(&absent, error);
    g_autoptr(NmiTxnHeader) current = NULL;

    if (path == NULL)
        return absent;
    current = read_header_only(path, &absent, error);
    if (current == NULL)
        return absent;
    if (g_strcmp0(current->id, id) != 0)
        return TRUE; /* someone else's transaction now: ours is gone already */
    if (unlink(path) != 0 && errno != ENOENT) {
        set_errno_error(error, errno, "cannot remove the transaction journal %s", path);
        return FALSE;
    }
    return TRUE;
}

int nmi_txn_finish_lock(GError **error)
{
    g_autofree char *dir = nmi_txn_run_dir(error);
    g_autofree char *path = NULL;
    int fd;

    if (dir == NULL)
        return -1;
    path = g_build_filename(dir, "finish.lock", NULL);
    fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        set_errno_error(error, errno, "cannot open the lock %s", path);
        return -1;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        set_errno_error(error, errno, "cannot take the lock %s", path);
        close(fd);
        return -1;
    }
    return fd;
}

void nmi_txn_finish_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
}
