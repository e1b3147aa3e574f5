/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The transaction journal: one GKeyFile at <run dir>/transaction. Begin publishes it with
 * link(), which fails with EEXIST in every process but one; updates rename() a complete
 * temporary file over it, so a reader sees the old or the new journal, never a torn one.
 * Whatever first looks at the journal and then changes it (publish over a stale one, update,
 * remove, a reader dropping a stale one) does both under an flock on <run dir>/journal.lock,
 * and acts only on the journal with the id it looked for. Each group carries a SHA-256 of its
 * values: a damaged journal is refused, never replayed, and kept.
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
 * first NMI_TXN_HEADER_MAX bytes; then what grows with the host. Every group ends with the
 * SHA-256 of its other keys (nmi_txn_group_checksum()); [restore-point] lists the profile
 * groups, so a lost group shows too. */
#define GROUP_RESTORE "restore-point"
#define KEY_CHECKSUM  "checksum"

/* The raw (escaped) text of every key of @group but the checksum, in file order, with the
 * group's name: what is written is what is checked, byte for byte, whatever the key's type. */
char *nmi_txn_group_checksum(GKeyFile *kf, const char *group)
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);

    g_checksum_update(sum, (const guchar *)group, (gssize)strlen(group) + 1);
    for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
        g_autofree char *value = NULL;

        if (g_str_equal(keys[i], KEY_CHECKSUM))
            continue;
        value = g_key_file_get_value(kf, group, keys[i], NULL);
        g_checksum_update(sum, (const guchar *)keys[i], (gssize)strlen(keys[i]) + 1);
        g_checksum_update(sum, (const guchar *)value, (gssize)strlen(value) + 1);
    }
    return g_strdup(g_checksum_get_string(sum));
}

static void seal_group(GKeyFile *kf, const char *group)
{
    g_autofree char *sum = nmi_txn_group_checksum(kf, group);

    g_key_file_set_string(kf, group, KEY_CHECKSUM, sum);
}

static gboolean check_group(GKeyFile *kf, const char *group, GError **error)
{
    g_autofree char *stored = g_key_file_get_value(kf, group, KEY_CHECKSUM, NULL);
    g_autofree char *sum = NULL;

    if (stored == NULL) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND, "[%s] has no checksum",
                    group);
        return FALSE;
    }
    sum = nmi_txn_group_checksum(kf, group);
    if (!g_str_equal(stored, sum)) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] does not match its checksum", group);
        return FALSE;
    }
    return TRUE;
}

static void write_header(GKeyFile *kf, const NmiTxnJournal *journal)
{
    g_key_file_set_integer(kf, GROUP_TXN, "format", NMI_TXN_FORMAT);
    g_key_file_set_string(kf, GROUP_TXN, "id", journal->header.id);
    g_key_file_set_int64(kf, GROUP_TXN, "pid", journal->header.pid);
    g_key_file_set_uint64(kf, GROUP_TXN, "uid", journal->header.uid);
    g_key_file_set_int64(kf, GROUP_TXN, "begin-time", journal->header.begin_time);
    g_key_file_set_string(kf, GROUP_TXN, "boot-id", journal->header.boot_id);
    g_key_file_set_string(kf, GROUP_TXN, "checkpoint", journal->header.checkpoint);
    g_key_file_set_int64(kf, GROUP_TXN, "deadline", journal->header.deadline);
    g_key_file_set_string(kf, GROUP_TXN, "phase", nmi_txn_phase_to_string(journal->header.phase));
    seal_group(kf, GROUP_TXN);
}

static void write_restore_point(GKeyFile *kf, const NmiTxnJournal *journal)
{
    g_autoptr(GPtrArray) uuids = g_ptr_array_new();

    for (guint i = 0; i < journal->profiles->len; i++)
        g_ptr_array_add(uuids, ((NmiTxnProfile *)journal->profiles->pdata[i])->uuid);
    g_key_file_set_string_list(kf, GROUP_RESTORE, "ifaces-up",
                               (const char *const *)journal->ifaces_up->pdata,
                               journal->ifaces_up->len);
    g_key_file_set_string_list(kf, GROUP_RESTORE, "profiles", (const char *const *)uuids->pdata,
                               uuids->len);
    seal_group(kf, GROUP_RESTORE);
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
    seal_group(kf, group);
}

char *nmi_txn_journal_to_data(const NmiTxnJournal *journal, gsize *length)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();

    write_header(kf, journal);
    write_restore_point(kf, journal);
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

/* A decimal number up to @max, whole: GKeyFile's readers take "-1" or "12junk" for numbers. */
static gboolean get_unsigned(GKeyFile *kf, const char *group, const char *key, guint64 max,
                             guint64 *out, GError **error)
{
    g_autofree char *text = g_key_file_get_value(kf, group, key, error);

    if (text == NULL)
        return FALSE;
    if (!g_ascii_string_to_unsigned(text, 10, 0, max, out, error)) {
        g_prefix_error(error, "[%s] %s: ", group, key);
        return FALSE;
    }
    return TRUE;
}

/* The bytes of base64 @text, only when @text is exactly what g_base64_encode() writes for
 * them: g_base64_decode() skips what is not base64 and would hand back other bytes. */
static GBytes *decode_base64(const char *text, GError **error)
{
    gsize n = 0;
    g_autofree guchar *bytes = g_base64_decode(text, &n);
    g_autofree char *again = g_base64_encode(bytes, n);

    if (!g_str_equal(again, text)) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "etc-file is not well-formed base64");
        return NULL;
    }
    return g_bytes_new_take(g_steal_pointer(&bytes), n);
}

static gboolean read_profile(GKeyFile *kf, const char *group, NmiTxnProfile *p, GError **error)
{
    g_autofree char *b64 = NULL;
    GError *local = NULL;

    if (!check_group(kf, group, error))
        return FALSE;
    if ((p->uuid = g_key_file_get_string(kf, group, "uuid", &local)) == NULL ||
        (p->id = g_key_file_get_string(kf, group, "id", &local)) == NULL ||
        (p->keyfile = g_key_file_get_string(kf, group, "keyfile", &local)) == NULL ||
        (p->filename = g_key_file_get_string(kf, group, "Filename", &local)) == NULL) {
        g_propagate_error(error, local);
        return FALSE;
    }
    p->unsaved = g_key_file_get_boolean(kf, group, "Unsaved", &local);
    if (local == NULL)
        get_unsigned(kf, group, "Flags", G_MAXUINT64, &p->flags, &local);
    if (local == NULL)
        p->active = g_key_file_get_boolean(kf, group, "active", &local);
    if (local != NULL) {
        g_propagate_error(error, local);
        return FALSE;
    }
    p->device = g_key_file_get_string(kf, group, "device", NULL);
    b64 = g_key_file_get_string(kf, group, "etc-file", NULL);
    if (b64 != NULL && (p->etc_bytes = decode_base64(b64, error)) == NULL) {
        g_prefix_error(error, "[%s] ", group);
        return FALSE;
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

/* A journal of another format is refused, never guessed at: a journal written before the
 * checksums has nothing to tell its damage by. */
static gboolean check_format(GKeyFile *kf, GError **error)
{
    guint64 format;

    if (!g_key_file_has_key(kf, GROUP_TXN, "format", NULL)) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                    "it has no format version (written by an nmiface without journal checksums)");
        return FALSE;
    }
    if (!get_unsigned(kf, GROUP_TXN, "format", G_MAXUINT32, &format, error))
        return FALSE;
    if (format != NMI_TXN_FORMAT) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "format %" G_GUINT64_FORMAT " is not this nmiface's (%d)", format,
                    NMI_TXN_FORMAT);
        return FALSE;
    }
    return TRUE;
}

static gboolean read_header(GKeyFile *kf, NmiTxnHeader *h, GError **error)
{
    g_autofree char *phase = NULL;
    GError *local = NULL;
    guint64 uid = 0;

    if (!check_format(kf, error) || !check_group(kf, GROUP_TXN, error))
        return FALSE;
    h->id = g_key_file_get_string(kf, GROUP_TXN, "id", &local);
    if (local == NULL)
        h->pid = g_key_file_get_int64(kf, GROUP_TXN, "pid", &local);
    if (local == NULL && get_unsigned(kf, GROUP_TXN, "uid", G_MAXUINT32, &uid, &local))
        h->uid = (guint32)uid;
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

static gboolean read_restore_point(GKeyFile *kf, NmiTxnJournal *journal, GStrv *uuids,
                                   GError **error)
{
    g_auto(GStrv) up = NULL;

    if (!check_group(kf, GROUP_RESTORE, error))
        return FALSE;
    up = g_key_file_get_string_list(kf, GROUP_RESTORE, "ifaces-up", NULL, NULL);
    /* Absent or empty when nothing was up. */
    for (guint i = 0; up != NULL && up[i] != NULL; i++)
        g_ptr_array_add(journal->ifaces_up, g_strdup(up[i]));
    *uuids = g_key_file_get_string_list(kf, GROUP_RESTORE, "profiles", NULL, NULL);
    if (*uuids == NULL)
        *uuids = g_new0(char *, 1); /* none (GKeyFile reads an empty list as absent) */
    return TRUE;
}

/* The profiles [restore-point] lists, each from its group; a group it does not list is extra. */
static gboolean read_profiles(GKeyFile *kf, NmiTxnJournal *journal, GStrv uuids, GError **error)
{
    g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
    guint profile_groups = 0;

    for (guint i = 0; uuids[i] != NULL; i++) {
        g_autofree char *group = g_strconcat(PROFILE_GROUP, uuids[i], NULL);
        g_autoptr(NmiTxnProfile) p = nmi_txn_profile_new();

        if (!g_key_file_has_group(kf, group)) {
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                        "[%s] is missing", group);
            return FALSE;
        }
        if (!read_profile(kf, group, p, error))
            return FALSE;
        /* Written under its own name: Rollback matches profiles by the uuid it holds. */
        if (!g_str_equal(p->uuid, uuids[i])) {
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                        "[%s] holds the profile %s", group, p->uuid);
            return FALSE;
        }
        g_ptr_array_add(journal->profiles, g_steal_pointer(&p));
    }
    for (guint i = 0; groups[i] != NULL; i++)
        if (g_str_has_prefix(groups[i], PROFILE_GROUP))
            profile_groups++;
    if (profile_groups != journal->profiles->len) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "%u profile groups where [%s] lists %u", profile_groups, GROUP_RESTORE,
                    journal->profiles->len);
        return FALSE;
    }
    return TRUE;
}

/* Whether the line at @start of @data opens a group: "[" after blanks, as GKeyFile reads it
 * (it escapes newlines in values, so a raw line start is a line start). */
static gboolean opens_group(const char *data, gsize length, gsize start)
{
    while (start < length && (data[start] == ' ' || data[start] == '\t'))
        start++;
    return start < length && data[start] == '[';
}

/* Where the line after the one at @start begins, or @length after the last line. */
static gsize next_line(const char *data, gsize length, gsize start)
{
    const char *newline = memchr(data + start, '\n', length - start);

    return newline != NULL ? (gsize)(newline - data) + 1 : length;
}

/* How many lines of @data open a group. */
static guint count_groups(const char *data, gsize length)
{
    guint groups = 0;

    for (gsize start = 0; start < length; start = next_line(data, length, start))
        groups += opens_group(data, length, start);
    return groups;
}

/* The journal as written: the header group first (a peek reads only that one), no group twice
 * (GKeyFile merges a repeated group, while a peek would read the first one only). */
static gboolean check_layout(GKeyFile *kf, const char *data, gsize length, GError **error)
{
    g_autofree char *first = g_key_file_get_start_group(kf);
    g_auto(GStrv) names = g_key_file_get_groups(kf, NULL);

    if (g_strcmp0(first, GROUP_TXN) != 0) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR, "its first group is not [%s]",
                    GROUP_TXN);
        return FALSE;
    }
    if (count_groups(data, length) != g_strv_length(names)) {
        g_set_error_literal(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR,
                            "a group appears more than once");
        return FALSE;
    }
    return TRUE;
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
    g_auto(GStrv) uuids = NULL;

    if (!g_key_file_load_from_data(kf, data, length, G_KEY_FILE_NONE, &local) ||
        !check_layout(kf, data, length, &local) || !read_header(kf, &journal->header, &local) ||
        !read_restore_point(kf, journal, &uuids, &local) ||
        !read_profiles(kf, journal, uuids, &local)) {
        set_damaged(error, local);
        return NULL;
    }
    return g_steal_pointer(&journal);
}

/* The length of the first group of @data: up to the line that opens the next group, or all of
 * it when @complete. Blank lines and comments before the first group belong to it, as GKeyFile
 * skips them. */
static gboolean first_group_length(const char *data, gsize length, gboolean complete, gsize *out)
{
    gboolean in_group = FALSE;

    for (gsize start = 0; start < length; start = next_line(data, length, start)) {
        if (!opens_group(data, length, start))
            continue;
        if (in_group) {
            *out = start;
            return TRUE;
        }
        in_group = TRUE;
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

/* A journal that does not parse is never replayed nor removed by us: say where it is kept. */
static void explain_damaged(GError **error, const char *path, const GError *cause)
{
    g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR,
                "%s (%s is kept for inspection and never replayed: remove it to clear the "
                "transaction)",
                cause->message, path);
}

/* Reads the journal at @path; NULL with *absent TRUE when there is none. */
static NmiTxnJournal *read_journal(const char *path, gboolean *absent, GError **error)
{
    gboolean complete;
    g_autoptr(GString) data = read_journal_data(path, G_MAXSIZE, absent, &complete, error);
    g_autoptr(GError) local = NULL;
    NmiTxnJournal *journal;

    if (data == NULL)
        return NULL;
    journal = nmi_txn_journal_from_data(data->str, data->len, &local);
    if (journal == NULL)
        explain_damaged(error, path, local);
    return journal;
}

/* Reads only the header of the journal at @path; NULL with *absent TRUE when there is none.
 * One byte more than the header may take, to tell a long header from a long file. */
static NmiTxnHeader *read_header_only(const char *path, gboolean *absent, GError **error)
{
    gboolean complete;
    g_autoptr(GString) data =
        read_journal_data(path, NMI_TXN_HEADER_MAX + 1, absent, &complete, error);
    g_autoptr(GError) local = NULL;
    NmiTxnHeader *header;

    if (data == NULL)
        return NULL;
    header = nmi_txn_header_from_data(data->str, data->len, complete, &local);
    if (header == NULL)
        explain_damaged(error, path, local);
    return header;
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

/* An exclusive flock on <@dir>/@name, which is created if missing; blocks until it is free.
 * The fd to close, or -1 with @error. */
static int lock_file(const char *dir, const char *name, GError **error)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

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

/* Whether @header is of an earlier boot: its journal survived only because /run was not
 * wiped, and is no transaction. */
static gboolean is_stale(const NmiTxnHeader *header, gboolean *stale, GError **error)
{
    g_autofree char *now = nmi_txn_boot_id(error);

    if (now == NULL)
        return FALSE;
    *stale = g_strcmp0(header->boot_id, now) != 0;
    return TRUE;
}

/* Under the journal lock: unlinks the journal at @path if it is the one with @id. A damaged
 * journal stays (an error): whose it is cannot be told, it is kept for inspection. */
static gboolean unlink_if_id_locked(const char *path, const char *id, GError **error)
{
    g_autoptr(NmiTxnHeader) current = NULL;
    gboolean absent;

    current = read_header_only(path, &absent, error);
    if (current == NULL)
        return absent;
    if (g_strcmp0(current->id, id) != 0)
        return TRUE; /* another transaction's now: ours is gone already */
    if (unlink(path) != 0 && errno != ENOENT) {
        set_errno_error(error, errno, "cannot remove the transaction journal %s", path);
        return FALSE;
    }
    return TRUE;
}

/* The journal lock's dance around unlink_if_id_locked(), @path being <@dir>/transaction. */
static gboolean unlink_if_id(const char *dir, const char *path, const char *id, GError **error)
{
    int lock = lock_file(dir, NMI_TXN_JOURNAL_LOCK, error);
    gboolean ok;

    if (lock < 0)
        return FALSE;
    ok = unlink_if_id_locked(path, id, error);
    close(lock);
    return ok;
}

/* Under the journal lock, before publishing: a stale journal must not block Begin. A damaged
 * one does (the link then fails and says so). */
static gboolean drop_if_stale_locked(const char *path, GError **error)
{
    g_autoptr(NmiTxnHeader) old = NULL;
    gboolean absent, stale;

    old = read_header_only(path, &absent, NULL);
    if (old == NULL)
        return TRUE;
    if (!is_stale(old, &stale, error))
        return FALSE;
    if (stale && unlink(path) != 0 && errno != ENOENT) {
        set_errno_error(error, errno, "cannot remove the stale journal %s", path);
        return FALSE;
    }
    return TRUE;
}

/* The step that puts the journal written to @temp in place at @path, under the journal lock. */
typedef gboolean (*InstallFunc)(const char *temp, const char *path, const NmiTxnJournal *journal,
                                GError **error);

/* @journal written to a temporary file beside the published one, then put in place by @install
 * under the journal lock. */
static gboolean install_journal(const NmiTxnJournal *journal, InstallFunc install, GError **error)
{
    g_autofree char *dir = nmi_txn_run_dir(error);
    g_autofree char *path = NULL;
    g_autofree char *temp = NULL;
    int lock;
    gboolean ok;

    if (dir == NULL)
        return FALSE;
    path = g_build_filename(dir, NMI_TXN_JOURNAL_NAME, NULL);
    /* Written before the lock: the lock covers a few file operations, never a long write. */
    temp = write_temp(dir, journal, error);
    if (temp == NULL)
        return FALSE;
    lock = lock_file(dir, NMI_TXN_JOURNAL_LOCK, error);
    ok = lock >= 0 && install(temp, path, journal, error);
    if (lock >= 0)
        close(lock);
    /* Gone after a rename; a second name after a link. */
    unlink(temp);
    if (ok)
        sync_dir(dir);
    return ok;
}

/* Under the journal lock: link() never replaces, so even a process that does not take the
 * lock (an nmiface before it) cannot be overwritten. */
static gboolean link_journal_locked(const char *temp, const char *path,
                                    const NmiTxnJournal *journal, GError **error)
{
    if (!drop_if_stale_locked(path, error))
        return FALSE;
    if (link(temp, path) == 0)
        return TRUE;
    if (errno == EEXIST)
        set_already_open(path, error);
    else
        set_errno_error(error, errno, "cannot publish the transaction journal %s", path);
    return FALSE;
}

gboolean nmi_txn_journal_publish(const NmiTxnJournal *journal, GError **error)
{
    return install_journal(journal, link_journal_locked, error);
}

/* Under the journal lock: the published journal is the one with @id. */
static gboolean check_ours_locked(const char *path, const char *id, GError **error)
{
    g_autoptr(NmiTxnHeader) current = NULL;
    g_autoptr(GError) local = NULL;
    gboolean absent;

    current = read_header_only(path, &absent, &local);
    if (current == NULL && absent) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID,
                    "transaction %s is no longer open (another process ended it)", id);
        return FALSE;
    }
    if (current == NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    if (!g_str_equal(current->id, id)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID,
                    "transaction %s is no longer open (transaction %s of pid %" G_GINT64_FORMAT
                    " is)",
                    id, current->id, current->pid);
        return FALSE;
    }
    return TRUE;
}

/* Under the journal lock: replaces the published journal only while it is @journal's. */
static gboolean rename_if_ours_locked(const char *temp, const char *path,
                                      const NmiTxnJournal *journal, GError **error)
{
    if (!check_ours_locked(path, journal->header.id, error))
        return FALSE;
    if (rename(temp, path) != 0) {
        set_errno_error(error, errno, "cannot update the transaction journal %s", path);
        return FALSE;
    }
    return TRUE;
}

gboolean nmi_txn_journal_update(const NmiTxnJournal *journal, GError **error)
{
    return install_journal(journal, rename_if_ours_locked, error);
}

/* A reader found the journal with @header stale: removes it if it still is that journal (a
 * Begin may have replaced it since). TRUE when it was stale: no transaction is open. */
static gboolean dropped_stale(const char *path, const NmiTxnHeader *header, GError **error)
{
    g_autofree char *dir = NULL;
    gboolean stale;

    if (!is_stale(header, &stale, error) || !stale)
        return FALSE;
    dir = g_path_get_dirname(path);
    return unlink_if_id(dir, path, header->id, error);
}

NmiTxnJournal *nmi_txn_journal_load(GError **error)
{
    gboolean absent;
    g_autofree char *path = journal_path(&absent, error);
    g_autoptr(NmiTxnJournal) journal = NULL;
    g_autoptr(GError) local = NULL;

    if (path == NULL)
        return NULL;
    journal = read_journal(path, &absent, error);
    if (journal == NULL || dropped_stale(path, &journal->header, &local) || local != NULL) {
        if (local != NULL)
            g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    return g_steal_pointer(&journal);
}

NmiTxnHeader *nmi_txn_journal_peek(GError **error)
{
    gboolean absent;
    g_autofree char *path = journal_path(&absent, error);
    g_autoptr(NmiTxnHeader) header = NULL;
    g_autoptr(GError) local = NULL;

    if (path == NULL)
        return NULL;
    header = read_header_only(path, &absent, error);
    if (header == NULL || dropped_stale(path, header, &local) || local != NULL) {
        if (local != NULL)
            g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    return g_steal_pointer(&header);
}

gboolean nmi_txn_journal_remove(const char *id, GError **error)
{
    gboolean absent;
    g_autofree char *path = journal_path(&absent, error);
    g_autofree char *dir = NULL;

    if (path == NULL)
        return absent;
    dir = g_path_get_dirname(path);
    return unlink_if_id(dir, path, id, error);
}

int nmi_txn_finish_lock(GError **error)
{
    g_autofree char *dir = nmi_txn_run_dir(error);

    if (dir == NULL)
        return -1;
    return lock_file(dir, "finish.lock", error);
}

void nmi_txn_finish_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
}
