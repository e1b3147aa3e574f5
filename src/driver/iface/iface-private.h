/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The interface operations (src/driver/iface/): what the vtable calls, built on the session
 * (session-private.h). Nothing here knows about transactions: where a write stores profiles
 * is conn->storage, which the vtable wires to txn/.
 */
#ifndef NMIFACE_IFACE_PRIVATE_H
#define NMIFACE_IFACE_PRIVATE_H

#include "iface-nm.h"
#include "session-private.h"

G_BEGIN_DECLS

/* nm-listing.c: one consistent view of the interfaces at the time of the call. */
typedef struct {
    char *name;
    NmiProfile *profile; /* the profile that defines it (rule in nm-listing.c), or NULL */
    char *device;        /* NM device object path, or NULL */
    gboolean active;
    gboolean defined; /* a saved or in-memory, non-volatile top-level profile exists */
} NmiEntry;

struct _NmiSnapshot {
    gint ref;
    guint serial;
    GHashTable *by_name; /* name -> NmiEntry */
    GPtrArray *order;    /* NmiEntry*, sorted by name */
};

/* The view of the mirror as it is now (cached until the mirror changes); callers sync first.
 * Its entries point into the mirror: use them before the next D-Bus wait, or copy. */
NmiSnapshot *nmi_snapshot_new(NmifaceDriverConn *conn, GError **error);
void nmi_snapshot_free(NmiSnapshot *snap);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiSnapshot, nmi_snapshot_free)
NmifaceIfaceInfo *nmi_entry_to_info(NmifaceDriverConn *conn, const NmiEntry *entry);
gboolean nmi_list_all(NmifaceDriverConn *conn, guint flags, GPtrArray **out, GError **error);
gboolean nmi_device_is_real(NmifaceDriverConn *conn, const char *device);
const char *nmi_device_by_name(NmifaceDriverConn *conn, const char *name);
const char *nmi_device_active_connection(NmifaceDriverConn *conn, const char *device);
gboolean nmi_device_is_active(NmifaceDriverConn *conn, const char *device);
gboolean nmi_profile_is_volatile(NmifaceDriverConn *conn, const NmiProfile *profile);
/* Profiles of these types (connection.type) define interfaces. */
gboolean nmi_is_listed_type(const char *type);
NmiProfile *nmi_choose_profile(NmifaceDriverConn *conn, GPtrArray *candidates, const char *device);
/* The profiles of interface @entry: its top profile and every port profile below it. */
GPtrArray *nmi_collect_ports(NmifaceDriverConn *conn, NmiProfile *top);

/* nm-lookup.c */
NmifaceIfaceInfo *nmi_lookup_by_name(NmifaceDriverConn *conn, const char *name, GError **error);
NmifaceIfaceInfo *nmi_lookup_by_mac(NmifaceDriverConn *conn, const char *mac, GError **error);
gboolean nmi_is_active(NmifaceDriverConn *conn, const char *name, gboolean *active, GError **error);
NmiEntry *nmi_snapshot_require(NmiSnapshot *snap, const char *name, GError **error);
NmiEntry *nmi_entry_now(NmifaceDriverConn *conn, const char *name, NmiSnapshot **snap_out,
                        GError **error);

/* nm-vlan-parent.c: a vlan parent named by profile UUID, as interface name in the XML. */
void nmi_vlan_parent_show_name(NmifaceDriverConn *conn, NMConnection *connection);
/* After a define: @result keeps @before's UUID parent when the XML kept that interface. */
void nmi_vlan_parent_keep_uuid(NmifaceDriverConn *conn, NMConnection *result, NMConnection *before);

/* nm-xml.c */
NmiProfileSet *nmi_profile_set_for(NmifaceDriverConn *conn, NmiProfile *top);
char *nmi_get_xml_desc(NmifaceDriverConn *conn, const char *name, guint flags, GError **error);

/* nm-profile-ops.c: profile writes with an undo log so a failed step can be taken back. */
typedef struct _NmiUndoLog NmiUndoLog;
NmiUndoLog *nmi_undo_log_new(void);
void nmi_undo_log_free(NmiUndoLog *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiUndoLog, nmi_undo_log_free)
/* Takes back every step recorded, newest first; reports the first failure in @error. */
gboolean nmi_undo_log_rollback(NmifaceDriverConn *conn, NmiUndoLog *log, GError **error);
/* A write of @verb ("define") on @name failed with @failure (taken): take back the earlier
 * writes and report both, with the interface as context. */
void nmi_undo_log_fail(NmifaceDriverConn *conn, NmiUndoLog *log, GError *failure, const char *verb,
                       const char *name, GError **error);

/* ---- stored secrets (nm-secrets.c) ---- */
/* The names of @connection's settings that hold secrets NM stores itself (secret flags
 * neither AGENT_OWNED nor NOT_SAVED), which GetSettings leaves out; NULL when there are none. */
GPtrArray *nmi_secret_settings(NMConnection *connection);
/* Asks NM for the stored secrets of @settings (names) of the profile at @path and puts them
 * into @connection. One GetSecrets per setting; a setting without stored secrets is fine. */
gboolean nmi_merge_secrets(NmifaceDriverConn *conn, const char *path, NMConnection *connection,
                           GPtrArray *settings, GError **error);

/* A profile as it was when a write began: the mirror may change under a call (its entries are
 * refetched or freed as NM's signals arrive), so writers work on copies. */
typedef struct {
    char *path;
    NMConnection *connection;
} NmiProfileCopy;
NmiProfileCopy *nmi_profile_copy_new(NmiProfile *profile);
/* The same for a reader: shares the mirror's NMConnection, which nothing changes in place (new
 * settings build a new one), so it must not be changed either. */
NmiProfileCopy *nmi_profile_copy_shared(NmiProfile *profile);
void nmi_profile_copy_free(NmiProfileCopy *copy);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiProfileCopy, nmi_profile_copy_free)

char *nmi_profile_add(NmifaceDriverConn *conn, NMConnection *connection, guint32 flags,
                      NmiUndoLog *log, GError **error);
/* @connection NULL: keep the settings, apply @flags only. */
gboolean nmi_profile_update(NmifaceDriverConn *conn, const NmiProfileCopy *before,
                            NMConnection *connection, guint32 flags, NmiUndoLog *log,
                            GError **error);
gboolean nmi_profile_delete(NmifaceDriverConn *conn, const NmiProfileCopy *before, NmiUndoLog *log,
                            GError **error);
NmiProfile *nmi_profile_by_uuid(NmifaceDriverConn *conn, const char *uuid);

/* nm-define.c, nm-undefine.c */
NmifaceIfaceInfo *nmi_define_xml(NmifaceDriverConn *conn, const char *xml, guint flags,
                                 GError **error);
gboolean nmi_undefine(NmifaceDriverConn *conn, const char *name, GError **error);

/* nm-activate.c */
gboolean nmi_create(NmifaceDriverConn *conn, const char *name, guint flags, GError **error);
typedef enum {
    NMI_ACT_PENDING,
    NMI_ACT_DONE, /* activated, or up and NM only waits for carrier or (controllers) ports */
    NMI_ACT_FAILED,
} NmiActOutcome;
/* How the activation @ac stands; *@device is set once NM names its device. */
NmiActOutcome nmi_activation_outcome(NmifaceDriverConn *conn, const char *ac, char **device);
gboolean nmi_destroy(NmifaceDriverConn *conn, const char *name, guint flags, GError **error);

/* nm-state-reason.c */
const char *nmi_device_state_reason_to_string(guint32 reason);
const char *nmi_active_state_reason_to_string(guint32 reason);
const char *nmi_device_state_to_string(guint32 state);

/* nm-storage.c: where define and undefine store profiles (conn->storage). Asks
 * conn->storage.refresh, when set, where writes go now. */
gboolean nmi_storage_refresh(NmifaceDriverConn *conn, GError **error);
/* TRUE when conn->storage (as last refreshed) keeps /etc untouched. */
gboolean nmi_storage_in_memory(NmifaceDriverConn *conn);
/* Update2 flags that make an active profile volatile on undefine: IN_MEMORY_ONLY removes its
 * /etc file at once, which a transaction must not do, so it is IN_MEMORY_DETACHED then. */
guint32 nmi_storage_volatile_update_flags(NmifaceDriverConn *conn);
/* Delete a profile as the storage policy says: outside a transaction a plain Delete (the /etc
 * file goes); inside, Update2(IN_MEMORY_DETACHED) first, so NM keeps the /etc file and
 * shadows it with a tombstone in /run until Commit. */
gboolean nmi_storage_profile_delete(NmifaceDriverConn *conn, const NmiProfileCopy *before,
                                    NmiUndoLog *log, GError **error);

G_END_DECLS

#endif /* NMIFACE_IFACE_PRIVATE_H */
