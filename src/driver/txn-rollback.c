/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rollback to the journal's restore point. The checkpoint (when NM still has it) restores
 * devices; the journal restores what the checkpoint cannot: inactive profiles modified or
 * deleted, software bridges NM 1.42 "cannot restore", and everything after an NM restart.
 * Every step compares NM's state with the journal first, so it can run again.
 */
#include <string.h>

#include "txn-nm.h"

static gboolean delete_new_profiles(NmifaceDriverConn *conn, const NmiTxnJournal *journal,
                                    GPtrArray *current, GError **error)
{
    for (guint i = 0; i < current->len; i++) {
        NmTxnCurrent *c = current->pdata[i];

        if (nmi_txn_journal_find(journal, c->uuid) != NULL ||
            (c->flags & NM_TXN_GENERATED_FLAGS) != 0)
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

static gboolean restore_profile(NmifaceDriverConn *conn, const NmiTxnProfile *p, GPtrArray *current,
                                GError **error)
{
    g_autoptr(NMConnection) settings = NULL;
    g_autofree char *path = NULL;
    NmTxnCurrent *c = nm_txn_current_find(current, p->uuid);

    /* NM makes and drops its generated profiles (lo, external devices) by itself. */
    if ((p->flags & NM_TXN_GENERATED_FLAGS) != 0)
        return TRUE;
    settings = nm_txn_profile_settings(p, error);
    if (settings == NULL)
        return FALSE;
    if (c != NULL) {
        /* NM fills connection.timestamp in by itself (from /var/lib after a restart). */
        if (same_storage(p, c) && nm_connection_compare(c->copy->connection, settings,
                                                        NM_SETTING_COMPARE_FLAG_IGNORE_TIMESTAMP))
            return TRUE;
        return nmi_profile_update(conn, c->copy, settings,
                                  p->unsaved ? NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY
                                             : NM_SETTINGS_UPDATE2_FLAG_TO_DISK,
                                  NULL, error);
    }
    /* Inactive ones must not autoconnect now: the restore point had them down. */
    path = nmi_profile_add(conn, settings,
                           (p->unsaved ? NM_SETTINGS_ADD_CONNECTION2_FLAG_IN_MEMORY
                                       : NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK) |
                               (p->active ? 0 : NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT),
                           NULL, error);
    return path != NULL;
}

/* NM 1.42 can rewrite or leave behind an /etc file on rollback: put the journal's bytes back
 * and have NM load them. */
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
    g_string_append_printf(problems,
                           "%sthe file of '%s' differed from the restore point and was "
                           "rewritten",
                           problems->len > 0 ? "; " : "", p->id);
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

static gboolean activate(NmifaceDriverConn *conn, const NmiTxnProfile *p, GError **error)
{
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
    return reply != NULL;
}

/* The profiles that were active at Begin, in activation order: controllers before ports. */
static GPtrArray *profiles_to_bring_up(const NmiTxnJournal *journal, GError **error)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new();

    for (guint pass = 0; pass < 2; pass++)
        for (guint i = 0; i < journal->profiles->len; i++) {
            NmiTxnProfile *p = journal->profiles->pdata[i];
            g_autoptr(NMConnection) settings = NULL;
            gboolean is_port;

            if (!p->active || (p->flags & NM_TXN_GENERATED_FLAGS) != 0)
                continue;
            settings = nm_txn_profile_settings(p, error);
            if (settings == NULL)
                return NULL;
            is_port = nm_setting_connection_get_master(
                          nm_connection_get_setting_connection(settings)) != NULL;
            if (is_port == (pass == 1))
                g_ptr_array_add(out, p);
        }
    return g_steal_pointer(&out);
}

/* NM_ACTIVE_CONNECTION_STATE_* of @p's profile, DEACTIVATED when it has none. */
static guint32 profile_state(NmifaceDriverConn *conn, GPtrArray *active, const NmiTxnProfile *p)
{
    NmiProfile *profile = nmi_profile_by_uuid(conn, p->uuid);

    for (guint i = 0; profile != NULL && i < active->len; i++) {
        NmTxnActive *a = active->pdata[i];

        if (g_strcmp0(a->profile, profile->path) == 0)
            return a->state;
    }
    return NM_ACTIVE_CONNECTION_STATE_DEACTIVATED;
}

/* Settled: every profile to bring up is activated, or has stopped trying. */
static gboolean up_settled(NmifaceDriverConn *conn, gpointer data)
{
    GPtrArray *wanted = data;
    g_autoptr(GPtrArray) active = nm_txn_list_active(conn);

    for (guint i = 0; i < wanted->len; i++)
        if (profile_state(conn, active, wanted->pdata[i]) == NM_ACTIVE_CONNECTION_STATE_ACTIVATING)
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
                                   GError **error)
{
    g_autoptr(GPtrArray) wanted = NULL;
    g_autoptr(GPtrArray) active = NULL;
    g_autoptr(GString) down = g_string_new(NULL);

    if (!nmi_sync(conn, error) || !deactivate_new(conn, journal, error))
        return FALSE;
    wanted = profiles_to_bring_up(journal, error);
    if (wanted == NULL)
        return FALSE;
    for (guint round = 0; round < ACTIVATION_ROUNDS; round++) {
        gboolean started = FALSE;

        g_clear_pointer(&active, g_ptr_array_unref);
        active = nm_txn_list_active(conn);
        for (guint i = 0; i < wanted->len; i++) {
            guint32 state = profile_state(conn, active, wanted->pdata[i]);

            if (state == NM_ACTIVE_CONNECTION_STATE_ACTIVATED ||
                state == NM_ACTIVE_CONNECTION_STATE_ACTIVATING)
                continue;
            if (!activate(conn, wanted->pdata[i], error))
                return FALSE;
            started = TRUE;
        }
        if (!nmi_session_wait(conn, up_settled, wanted, nmi_session_deadline(conn),
                              "bring the interfaces of the restore point up", error))
            return FALSE;
        if (!started && round > 0)
            break;
    }
    g_clear_pointer(&active, g_ptr_array_unref);
    active = nm_txn_list_active(conn);
    for (guint i = 0; i < wanted->len; i++) {
        NmiTxnProfile *p = wanted->pdata[i];

        if (profile_state(conn, active, p) != NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
            g_string_append_printf(down, "%s'%s'", down->len > 0 ? ", " : "", p->id);
    }
    if (down->len > 0) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED, "could not bring back up: %s",
                    down->str);
        return FALSE;
    }
    return TRUE;
}

/* A profile kept in /etc must not stay shadowed from /run (a detached copy or tombstone). */
static gboolean check_run_leftovers(NmifaceDriverConn *conn, const NmiTxnJournal *journal,
                                    GError **error)
{
    g_autoptr(GPtrArray) current = NULL;

    if (!nmi_sync(conn, error))
        return FALSE;
    current = nm_txn_list_profiles(conn);
    for (guint i = 0; i < journal->profiles->len; i++) {
        const NmiTxnProfile *p = journal->profiles->pdata[i];
        NmTxnCurrent *c = nm_txn_current_find(current, p->uuid);

        if (c == NULL || p->unsaved || (p->flags & NM_TXN_GENERATED_FLAGS) != 0 ||
            same_storage(p, c))
            continue;
        if (!nmi_profile_update(conn, c->copy, NULL, NM_SETTINGS_UPDATE2_FLAG_TO_DISK, NULL, error))
            return FALSE;
    }
    return TRUE;
}

gboolean nm_txn_rollback_journal(NmifaceDriverConn *conn, NmiTxnJournal *journal, GError **error)
{
    g_autoptr(GString) problems = g_string_new(NULL);
    g_autoptr(GPtrArray) current = NULL;
    gboolean exists;

    /* Begin died before the restore point was recorded: nothing changed under it. */
    if (journal->phase == NMI_TXN_PHASE_BEGINNING)
        goto finish;
    journal->phase = NMI_TXN_PHASE_ROLLING_BACK;
    if (!nmi_txn_journal_update(journal, error))
        return FALSE;
    if (!nm_txn_checkpoint_exists(conn, journal->checkpoint, &exists, error))
        return FALSE;
    if (exists) {
        g_autoptr(GString) failures = g_string_new(NULL);

        if (!nm_txn_checkpoint_rollback(conn, journal->checkpoint, failures, error))
            return FALSE;
        if (failures->len > 0)
            g_debug("checkpoint rollback left devices to the journal: %s", failures->str);
    }
    if (!nmi_sync(conn, error))
        return FALSE;
    current = nm_txn_list_profiles(conn);
    if (!delete_new_profiles(conn, journal, current, error))
        return FALSE;
    for (guint i = 0; i < journal->profiles->len; i++) {
        const NmiTxnProfile *p = journal->profiles->pdata[i];

        if (!restore_profile(conn, p, current, error)) {
            g_prefix_error(error, "cannot restore profile '%s': ", p->id);
            return FALSE;
        }
    }
    if (!restore_activation(conn, journal, error) || !check_run_leftovers(conn, journal, error))
        return FALSE;
    for (guint i = 0; i < journal->profiles->len; i++)
        if (!verify_etc_file(conn, journal->profiles->pdata[i], problems, error))
            return FALSE;
    /* Repaired, so not an error; but worth a line in the log. */
    if (problems->len > 0)
        g_message("rollback: %s", problems->str);

finish:
    if (!nm_txn_checkpoint_destroy(conn, journal->checkpoint, error))
        return FALSE;
    return nmi_txn_journal_remove(journal->id, error);
}
