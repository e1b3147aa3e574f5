/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rollback to the journal's restore point. The checkpoint (when NM still has it) restores
 * devices; the journal restores what the checkpoint cannot: inactive profiles modified or
 * deleted, software bridges NM 1.42 "cannot restore", and everything after an NM restart.
 * Every step compares NM's state with the journal first, so it can run again.
 */
#include <string.h>

#include "txn-nm.h"

/* A journalled profile with its settings, parsed once for the whole Rollback. */
typedef struct {
    const NmiTxnProfile *p;
    NMConnection *settings;
} Restore;

static void restore_free(Restore *r)
{
    g_clear_object(&r->settings);
    g_free(r);
}

/* The profiles to restore. NM makes and drops its generated ones (lo, external devices) by
 * itself: they are left out. Parsed before anything changes, so a journal that does not load
 * stops the Rollback before it starts. */
static GPtrArray *parse_restore_point(const NmiTxnJournal *journal, GError **error)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)restore_free);

    for (guint i = 0; i < journal->profiles->len; i++) {
        const NmiTxnProfile *p = journal->profiles->pdata[i];
        Restore *r;

        if ((p->flags & NM_TXN_GENERATED_FLAGS) != 0)
            continue;
        r = g_new0(Restore, 1);
        r->p = p;
        g_ptr_array_add(out, r);
        r->settings = nm_txn_profile_settings(p, error);
        if (r->settings == NULL)
            return NULL;
    }
    return g_steal_pointer(&out);
}

/* uuid -> NmTxnCurrent, so that matching N profiles costs N lookups, not N * N compares. */
static GHashTable *index_current(GPtrArray *current)
{
    GHashTable *index = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < current->len; i++) {
        NmTxnCurrent *c = current->pdata[i];

        if (c->uuid != NULL)
            g_hash_table_insert(index, (gpointer)c->uuid, c);
    }
    return index;
}

/* Whether @c is a profile that was not at the restore point, or one NM generated there (lo's,
 * an external device's) that came back as a profile of its own: NM 1.42's checkpoint rollback
 * re-adds, to disk and not as generated, a generated profile that went away meanwhile (NM
 * makes a new one, with a new UUID, when its own is deleted). NM then generates its own again. */
static gboolean added_since(GHashTable *journalled, const NmTxnCurrent *c)
{
    const NmiTxnProfile *p = g_hash_table_lookup(journalled, c->uuid);

    if ((c->flags & NM_TXN_GENERATED_FLAGS) != 0)
        return FALSE;
    return p == NULL || (p->flags & NM_TXN_GENERATED_FLAGS) != 0;
}

static gboolean delete_new_profiles(NmifaceDriverConn *conn, const NmiTxnJournal *journal,
                                    GPtrArray *current, GError **error)
{
    g_autoptr(GHashTable) journalled = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < journal->profiles->len; i++) {
        NmiTxnProfile *p = journal->profiles->pdata[i];

        g_hash_table_insert(journalled, p->uuid, p);
    }
    for (guint i = 0; i < current->len; i++) {
        NmTxnCurrent *c = current->pdata[i];

        if (!added_since(journalled, c))
            continue;
        if (!nmi_profile_delete(conn, c->copy, NULL, error)) {
            g_prefix_error(error, "cannot delete profile '%s' added in the transaction: ",
                           nm_connection_get_id(c->copy->connection));
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean same_storage(const NmiTxnProfile *p, const NmTxnCurrent *c)
{
    return p->unsaved == c->unsaved && g_strcmp0(p->filename, c->filename) == 0 &&
           (p->flags & NM_SETTINGS_CONNECTION_FLAG_VOLATILE) ==
               (c->flags & NM_SETTINGS_CONNECTION_FLAG_VOLATILE);
}

/* Whether the profile NM has now holds the secrets of the restore point. GetSettings returns
 * none, so they are asked for, only for the settings where the journal's copy can hold them. */
static gboolean same_secrets(NmifaceDriverConn *conn, const Restore *r, const NmTxnCurrent *c,
                             gboolean *same, GError **error)
{
    g_autoptr(GPtrArray) names = nmi_secret_settings(r->settings);
    g_autoptr(NMConnection) now = NULL;

    *same = TRUE;
    if (names == NULL)
        return TRUE;
    now = nm_simple_connection_new_clone(c->copy->connection);
    if (!nmi_merge_secrets(conn, c->copy->path, now, names, error))
        return FALSE;
    *same = nm_connection_compare(now, r->settings, NM_SETTING_COMPARE_FLAG_IGNORE_TIMESTAMP);
    return TRUE;
}

static gboolean has_secret_values(NMConnection *connection)
{
    GVariant *floating = nm_connection_to_dbus(connection, NM_CONNECTION_SERIALIZE_ONLY_SECRETS);
    g_autoptr(GVariant) secrets = floating != NULL ? g_variant_ref_sink(floating) : NULL;
    GVariantIter iter;
    GVariant *props;

    if (secrets == NULL)
        return FALSE;
    g_variant_iter_init(&iter, secrets);
    while (g_variant_iter_next(&iter, "{&s@a{sv}}", NULL, &props)) {
        gsize n = g_variant_n_children(props);

        g_variant_unref(props);
        if (n > 0)
            return TRUE;
    }
    return FALSE;
}

/* An Update2 that carries no secret keeps the ones NM has: a secret stored inside the
 * transaction where the restore point had none would stay. ClearSecrets first (it keeps the
 * profile's storage), for profiles that can hold secrets and had none. */
static gboolean clear_added_secrets(NmifaceDriverConn *conn, const Restore *r,
                                    const NmTxnCurrent *c, GError **error)
{
    g_autoptr(GPtrArray) names = nmi_secret_settings(r->settings);
    g_autoptr(GVariant) reply = NULL;
    g_autofree char *what = NULL;

    if (names == NULL || has_secret_values(r->settings))
        return TRUE;
    what = g_strdup_printf("clear the secrets of profile '%s'", r->p->id);
    reply = nmi_session_call(conn, c->copy->path, NM_DBUS_INTERFACE_SETTINGS_CONNECTION,
                             "ClearSecrets", NULL, NULL, nmi_session_deadline(conn), what, error);
    return reply != NULL;
}

static gboolean restore_profile(NmifaceDriverConn *conn, const Restore *r, GHashTable *current,
                                GError **error)
{
    const NmiTxnProfile *p = r->p;
    NmTxnCurrent *c = g_hash_table_lookup(current, p->uuid);
    g_autofree char *path = NULL;
    gboolean same;

    if (c != NULL) {
        /* NM fills connection.timestamp in by itself (from /var/lib after a restart). */
        if (same_storage(p, c) &&
            nm_connection_compare(c->copy->connection, r->settings,
                                  NM_SETTING_COMPARE_FLAG_IGNORE_TIMESTAMP |
                                      NM_SETTING_COMPARE_FLAG_IGNORE_SECRETS)) {
            if (!same_secrets(conn, r, c, &same, error))
                return FALSE;
            if (same)
                return TRUE;
        }
        /* The journal's secrets go with the settings: an Update2 that carries no secrets keeps
         * the ones NM has (changed in the transaction, maybe), one that carries any replaces
         * them all (measured on 1.42). */
        if (!clear_added_secrets(conn, r, c, error))
            return FALSE;
        return nmi_profile_update(conn, c->copy, r->settings,
                                  p->unsaved ? NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY
                                             : NM_SETTINGS_UPDATE2_FLAG_TO_DISK,
                                  NULL, error);
    }
    /* Inactive ones must not autoconnect now: the restore point had them down. */
    path = nmi_profile_add(conn, r->settings,
                           (p->unsaved ? NM_SETTINGS_ADD_CONNECTION2_FLAG_IN_MEMORY
                                       : NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK) |
                               (p->active ? 0 : NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT),
                           NULL, error);
    return path != NULL;
}

/* TRUE when keyfiles @a and @b hold the same settings, told apart only by NM's formatting (the
 * order and grouping it writes, defaults it spells out) or the timestamp NM keeps itself. */
static gboolean same_keyfile_settings(GBytes *a, GBytes *b)
{
    gsize na, nb;
    const char *da = g_bytes_get_data(a, &na);
    const char *db = g_bytes_get_data(b, &nb);
    g_autoptr(NMConnection) ca = nm_txn_keyfile_settings(da, na, NULL);
    g_autoptr(NMConnection) cb = nm_txn_keyfile_settings(db, nb, NULL);

    return ca != NULL && cb != NULL &&
           nm_connection_compare(ca, cb, NM_SETTING_COMPARE_FLAG_IGNORE_TIMESTAMP);
}

/* One more item of the "; "-separated list of @problems. */
G_GNUC_PRINTF(2, 3)
static void add_problem(GString *problems, const char *format, ...)
{
    va_list args;

    if (problems->len > 0)
        g_string_append(problems, "; ");
    va_start(args, format);
    g_string_append_vprintf(problems, format, args);
    va_end(args);
}

/* NM 1.42 can rewrite or leave behind an /etc file on rollback, and a profile re-added by
 * Rollback is written in NM's own format: put the journal's bytes back and have NM load them.
 * Only a file whose settings differ is worth a line in the log (@problems). */
static gboolean verify_etc_file(NmifaceDriverConn *conn, const NmiTxnProfile *p, GString *problems,
                                GError **error)
{
    g_autofree char *data = NULL;
    gsize length = 0;
    g_autoptr(GBytes) now = NULL;
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GError) local = NULL;
    const char *files[] = {p->filename, NULL};

    if (p->etc_bytes == NULL)
        return TRUE;
    if (g_file_get_contents(p->filename, &data, &length, NULL)) {
        now = g_bytes_new_take(g_steal_pointer(&data), length);
        if (g_bytes_equal(now, p->etc_bytes))
            return TRUE;
    }
    if (now == NULL)
        add_problem(problems, "the file of '%s' was missing and was rewritten", p->id);
    else if (!same_keyfile_settings(now, p->etc_bytes))
        add_problem(problems, "the file of '%s' differed from the restore point and was rewritten",
                    p->id);
    else
        g_debug("rollback: the file of '%s' was formatted by NM; its bytes are put back", p->id);
    if (!g_file_set_contents_full(p->filename, g_bytes_get_data(p->etc_bytes, NULL),
                                  (gssize)g_bytes_get_size(p->etc_bytes),
                                  G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_SYSTEM_ERROR,
                    "cannot restore the file of profile '%s': %s", p->id, local->message);
        return FALSE;
    }
    reply =
        nmi_session_call(conn, NMI_NM_SETTINGS_PATH, NM_DBUS_INTERFACE_SETTINGS, "LoadConnections",
                         g_variant_new("(^as)", files), G_VARIANT_TYPE("(bas)"),
                         nmi_session_deadline(conn), "load a restored profile file", error);
    return reply != NULL;
}

/* A profile that was active at Begin and the active connection that brings it up now. */
typedef struct {
    const NmiTxnProfile *p;
    char *ac;     /* active connection path, NULL when it has none */
    char *device; /* ac's device, once known */
} Wanted;

static void wanted_free(Wanted *w)
{
    g_free(w->ac);
    g_free(w->device);
    g_free(w);
}

/* Create's rule (nm-activate.c): up once activated, or once the device is up and NM only
 * waits for carrier or, for a bridge or bond, for ports. */
static NmiActOutcome wanted_outcome(NmifaceDriverConn *conn, Wanted *w)
{
    return w->ac != NULL ? nmi_activation_outcome(conn, w->ac, &w->device) : NMI_ACT_FAILED;
}

/* The profiles that were active at Begin, in activation order: controllers before ports. */
static GPtrArray *profiles_to_bring_up(GPtrArray *restore)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)wanted_free);

    for (guint pass = 0; pass < 2; pass++)
        for (guint i = 0; i < restore->len; i++) {
            const Restore *r = restore->pdata[i];
            gboolean is_port;
            Wanted *w;

            if (!r->p->active)
                continue;
            is_port = nm_setting_connection_get_master(
                          nm_connection_get_setting_connection(r->settings)) != NULL;
            if (is_port != (pass == 1))
                continue;
            w = g_new0(Wanted, 1);
            w->p = r->p;
            g_ptr_array_add(out, w);
        }
    return out;
}

/* Each wanted profile's active connection, from one listing of them. */
static void find_active(NmifaceDriverConn *conn, GPtrArray *wanted)
{
    g_autoptr(GPtrArray) active = nm_txn_list_active(conn);
    g_autoptr(GHashTable) by_profile = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < active->len; i++) {
        NmTxnActive *a = active->pdata[i];

        if (a->profile != NULL && !g_hash_table_contains(by_profile, a->profile))
            g_hash_table_insert(by_profile, a->profile, a);
    }
    for (guint i = 0; i < wanted->len; i++) {
        Wanted *w = wanted->pdata[i];
        NmiProfile *profile = nmi_profile_by_uuid(conn, w->p->uuid);
        NmTxnActive *a = profile != NULL ? g_hash_table_lookup(by_profile, profile->path) : NULL;

        if (a == NULL || g_strcmp0(w->ac, a->ac) != 0) {
            g_clear_pointer(&w->device, g_free);
            g_free(w->ac);
            w->ac = a != NULL ? g_strdup(a->ac) : NULL;
        }
    }
}

static gboolean activate(NmifaceDriverConn *conn, Wanted *w, GError **error)
{
    const NmiTxnProfile *p = w->p;
    NmiProfile *profile = nmi_profile_by_uuid(conn, p->uuid);
    const char *device = p->device != NULL ? nmi_device_by_name(conn, p->device) : NULL;
    g_autoptr(GVariant) reply = NULL;
    g_autofree char *what = g_strdup_printf("activate profile '%s'", p->id);

    if (profile == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                    "profile '%s' (%s) is missing after its restore", p->id, p->uuid);
        return FALSE;
    }
    /* No device yet (a software bridge that went away): "/" lets NM create it. */
    reply =
        nmi_session_call(conn, NMI_NM_PATH, NM_DBUS_INTERFACE, "ActivateConnection",
                         g_variant_new("(ooo)", profile->path, device != NULL ? device : "/", "/"),
                         G_VARIANT_TYPE("(o)"), nmi_session_deadline(conn), what, error);
    if (reply == NULL)
        return FALSE;
    g_free(w->ac);
    g_clear_pointer(&w->device, g_free);
    g_variant_get(reply, "(o)", &w->ac);
    return TRUE;
}

/* Settled: no wanted profile's activation is pending. Runs at every wake-up of the wait, so
 * it only reads the connections found before it; one that is gone has stopped trying. */
static gboolean up_settled(NmifaceDriverConn *conn, gpointer data)
{
    GPtrArray *wanted = data;

    for (guint i = 0; i < wanted->len; i++)
        if (wanted_outcome(conn, wanted->pdata[i]) == NMI_ACT_PENDING)
            return FALSE;
    return TRUE;
}

/* Down what was down: an active connection on an interface that was not up. */
static gboolean deactivate_new(NmifaceDriverConn *conn, const NmiTxnJournal *journal,
                               GError **error)
{
    g_autoptr(GPtrArray) active = nm_txn_list_active(conn);

    for (guint i = 0; i < active->len; i++) {
        NmTxnActive *a = active->pdata[i];
        guint32 flags =
            nmi_object_get_u(conn, a->profile, NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "Flags", 0);
        g_autoptr(GVariant) reply = NULL;

        if ((flags & NM_TXN_GENERATED_FLAGS) != 0 ||
            (a->device != NULL &&
             g_ptr_array_find_with_equal_func(journal->ifaces_up, a->device, g_str_equal, NULL)))
            continue;
        reply = nmi_session_call(conn, NMI_NM_PATH, NM_DBUS_INTERFACE, "DeactivateConnection",
                                 g_variant_new("(o)", a->ac), NULL, nmi_session_deadline(conn),
                                 "deactivate a connection added in the transaction", error);
        if (reply == NULL)
            return FALSE;
    }
    return TRUE;
}

/* Rounds of (activate what is down, wait until settled): an activation the checkpoint rollback
 * started can still fail after we looked (a port whose bridge NM 1.42 could not restore); the
 * next round starts it again. */
#define ACTIVATION_ROUNDS 3

static gboolean restore_activation(NmifaceDriverConn *conn, const NmiTxnJournal *journal,
                                   GPtrArray *restore, GError **error)
{
    g_autoptr(GPtrArray) wanted = profiles_to_bring_up(restore);
    g_autoptr(GString) down = g_string_new(NULL);

    if (!nmi_sync(conn, error) || !deactivate_new(conn, journal, error))
        return FALSE;
    for (guint round = 0; round < ACTIVATION_ROUNDS; round++) {
        gboolean started = FALSE;

        find_active(conn, wanted);
        for (guint i = 0; i < wanted->len; i++) {
            Wanted *w = wanted->pdata[i];

            if (wanted_outcome(conn, w) != NMI_ACT_FAILED)
                continue; /* up, or on its way */
            if (!activate(conn, w, error))
                return FALSE;
            started = TRUE;
        }
        if (!nmi_session_wait(conn, up_settled, wanted, nmi_session_deadline(conn),
                              "bring the interfaces of the restore point up", error))
            return FALSE;
        if (!started && round > 0)
            break;
    }
    find_active(conn, wanted);
    for (guint i = 0; i < wanted->len; i++) {
        Wanted *w = wanted->pdata[i];

        if (wanted_outcome(conn, w) != NMI_ACT_DONE)
            g_string_append_printf(down, "%s'%s'", down->len > 0 ? ", " : "", w->p->id);
    }
    if (down->len > 0) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED, "could not bring back up: %s",
                    down->str);
        return FALSE;
    }
    return TRUE;
}

/* A profile kept in /etc must not stay shadowed from /run (a detached copy or tombstone). */
static gboolean check_run_leftovers(NmifaceDriverConn *conn, GPtrArray *restore, GError **error)
{
    g_autoptr(GPtrArray) current = NULL;
    g_autoptr(GHashTable) index = NULL;

    current = nm_txn_list_profiles(conn, error);
    if (current == NULL)
        return FALSE;
    index = index_current(current);
    for (guint i = 0; i < restore->len; i++) {
        const NmiTxnProfile *p = ((Restore *)restore->pdata[i])->p;
        NmTxnCurrent *c = g_hash_table_lookup(index, p->uuid);

        if (c == NULL || p->unsaved || same_storage(p, c))
            continue;
        if (!nmi_profile_update(conn, c->copy, NULL, NM_SETTINGS_UPDATE2_FLAG_TO_DISK, NULL, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean restore_profiles(NmifaceDriverConn *conn, const NmiTxnJournal *journal,
                                 GPtrArray *restore, GError **error)
{
    g_autoptr(GPtrArray) current = nm_txn_list_profiles(conn, error);
    g_autoptr(GHashTable) index = NULL;

    if (current == NULL || !delete_new_profiles(conn, journal, current, error))
        return FALSE;
    index = index_current(current);
    for (guint i = 0; i < restore->len; i++) {
        const Restore *r = restore->pdata[i];

        if (!restore_profile(conn, r, index, error)) {
            g_prefix_error(error, "cannot restore profile '%s': ", r->p->id);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean nm_txn_rollback_journal(NmifaceDriverConn *conn, NmiTxnJournal *journal, GError **error)
{
    g_autoptr(GString) problems = g_string_new(NULL);
    g_autoptr(GPtrArray) restore = NULL;
    gboolean exists;

    /* Begin died before the restore point was recorded: nothing changed under it. */
    if (journal->header.phase == NMI_TXN_PHASE_BEGINNING)
        goto finish;
    restore = parse_restore_point(journal, error);
    if (restore == NULL)
        return FALSE;
    journal->header.phase = NMI_TXN_PHASE_ROLLING_BACK;
    if (!nmi_txn_journal_update(journal, error))
        return FALSE;
    if (!nm_txn_checkpoint_exists(conn, journal->header.checkpoint, &exists, error))
        return FALSE;
    if (exists) {
        g_autoptr(GString) failures = g_string_new(NULL);

        if (!nm_txn_checkpoint_rollback(conn, journal->header.checkpoint, failures, error))
            return FALSE;
        if (failures->len > 0)
            g_debug("checkpoint rollback left devices to the journal: %s", failures->str);
    }
    if (!restore_profiles(conn, journal, restore, error) ||
        !restore_activation(conn, journal, restore, error) ||
        !check_run_leftovers(conn, restore, error))
        return FALSE;
    for (guint i = 0; i < restore->len; i++)
        if (!verify_etc_file(conn, ((Restore *)restore->pdata[i])->p, problems, error))
            return FALSE;
    /* Repaired, so not an error; but worth a line in the log. */
    if (problems->len > 0)
        g_message("rollback: %s", problems->str);

finish:
    if (!nm_txn_checkpoint_destroy(conn, journal->header.checkpoint, error))
        return FALSE;
    return nmi_txn_journal_remove(journal->header.id, error);
}
