/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The driver's session (src/driver/session/): the connection to NetworkManager and the mirror
 * of its state, for the parts above it (iface/, txn/). Nothing here calls up into them.
 *
 * The session keeps its own mirror of the NetworkManager objects it needs (the manager, the
 * realized devices and their IP configurations, the active connections, and the properties of
 * the profiles it was asked about or that are active), each fetched with Properties.GetAll and
 * kept current by InterfacesAdded/Removed and PropertiesChanged, and of every profile's
 * settings (the Settings.Connections list, then GetSettings in bounded batches). ObjectManager's
 * GetManagedObjects is not used: NM exports a placeholder device for every software profile, so
 * its reply grows with the profiles and costs more than the settings themselves. NMClient is
 * not used either: it cannot tell whether a profile's settings are still being fetched after a
 * change, and it fires one GetSettings per profile at once, so with hundreds of profiles some
 * can go missing silently when the bus limits pending replies.
 */
#ifndef NMIFACE_SESSION_PRIVATE_H
#define NMIFACE_SESSION_PRIVATE_H

#include <NetworkManager.h>
#include <systemd/sd-bus.h>

#include "nmiface/driver.h"

G_BEGIN_DECLS

#define NMI_NM_BUS_NAME      "org.freedesktop.NetworkManager"
#define NMI_NM_OM_PATH       "/org/freedesktop"
#define NMI_NM_PATH          "/org/freedesktop/NetworkManager"
#define NMI_NM_SETTINGS_PATH "/org/freedesktop/NetworkManager/Settings"

#define NMI_DEFAULT_TIMEOUT_MS 25000
/* GetSettings and GetAll calls in flight at once; shrinks when the bus refuses more pending
 * replies. */
#define NMI_DEFAULT_MAX_PENDING 24

/* One exported NM object: interface name -> (property name -> GVariant). An interface is in
 * the table only when all its properties are known (GetAll or InterfacesAdded). */
typedef struct {
    char *path;
    GHashTable *ifaces;
} NmiObject;

/* One profile as last fetched with GetSettings. Parsing into an NMConnection is costly (a
 * third of a cold listing of 1000 profiles), so it happens on first use; a listing reads the
 * few keys it needs from the D-Bus settings directly. Until a call has needed settings
 * (keep_settings), the bulk reader keeps only those keys: the whole replies were most of a cold
 * listing's heap. */
typedef struct {
    char *path;
    GVariant *settings;       /* a{sa{sv}} from GDBus; NULL until a fetch arrived, or with reply */
    sd_bus_message *reply;    /* or the GetSettings reply as the bulk reader got it */
    char *keys;               /* or only the listing's keys, from the bulk reader: one block */
    NMConnection *connection; /* built from settings on first use: nmi_profile_connection() */
    /* From the "connection" setting (strings point into settings, reply or keys): */
    const char *type;
    const char *ifname;
    const char *uuid;
    const char *master;
    const char *port_type; /* connection.slave-type */
    guint64 timestamp;
    char *mac;          /* the profile's MAC for listings, lower case, or NULL */
    gboolean in_flight; /* a GetSettings is pending */
    gboolean dirty;     /* changed since the pending fetch was sent: fetch again */
    gboolean queued;
    gboolean stale; /* changed since the last successful fetch */
} NmiProfile;

typedef struct _NmiSnapshot NmiSnapshot;

/* Where define/undefine store profiles; a transaction layer swaps these. */
typedef struct {
    NMSettingsAddConnection2Flags add_flags;
    NMSettingsUpdate2Flags update_flags;
    /* Sets the flags for the transaction state of the host right now; NULL: they stay as set
     * (to disk from open). Installed by whoever knows about transactions (the vtable), so the
     * operations below it need not. */
    gboolean (*refresh)(NmifaceDriverConn *conn, GError **error);
} NmiStorage;

struct _NmifaceDriverConn {
    GMainContext *context;
    GDBusConnection *bus;
    gboolean read_only;
    guint timeout_ms;
    guint max_pending;
    gboolean max_pending_fixed; /* set by NMIFACE_NM_MAX_PENDING: never adapted */
    /* A call has needed profiles' settings, not only the listing's keys: from then on every
     * profile's settings are kept (and those held as keys alone are fetched again once). */
    gboolean keep_settings;

    /* NM's state as mirrored: updates are applied while mirroring, complete once loaded. */
    gboolean mirroring;
    gboolean loaded;
    guint generation;          /* bumped whenever NM leaves or the mirror is dropped */
    char *nm_owner;            /* NM's unique bus name, NULL when NM is not on the bus */
    GHashTable *objects;       /* path -> NmiObject */
    GHashTable *profiles;      /* path -> NmiProfile (Settings.Connection objects) */
    GQueue fetch_queue;        /* NmiFetch waiting to be sent */
    GHashTable *props_pending; /* "iface path" of GetAll calls queued or in flight */
    GPtrArray *props_retry;    /* NmiFetch whose GetAll failed: asked again at the next sync */
    guint fetch_in_flight;
    gboolean fetch_retry_scheduled;
    GError *fetch_error;      /* a fetch failed for another reason than the profile going */
    GHashTable *fail_reasons; /* device path -> GUINT last NMDeviceStateReason on FAILED */
    GHashTable *ac_reasons;   /* active connection path -> GUINT last reason when it died */

    guint serial;          /* bumped by every change applied to the mirror */
    NmiSnapshot *snapshot; /* cached view, valid while its serial is the mirror's */
    void (*snapshot_free)(NmiSnapshot *snapshot); /* set with snapshot by its owner (iface/) */

    guint signal_ids[7];
    NmiStorage storage;

    char *address;            /* of the system bus */
    struct _NmiBulk *bulk;    /* while the mirror loads: nm-bulk.h */
    GHashTable *bulk_pending; /* cookie -> NmiFetch sent on bulk */
};

/* nm-session.c: open/close, signals, (re)loading the mirror, per-call synchronisation. */
NmifaceDriverConn *nmi_session_open(const char *uri, gboolean read_only, GError **error);
void nmi_session_close(NmifaceDriverConn *conn);
void nmi_session_drop(NmifaceDriverConn *conn);
/* Every change NM made before the call is in the mirror when this returns TRUE, with every
 * profile's settings (nmi_profile_connection). */
gboolean nmi_sync(NmifaceDriverConn *conn, GError **error);
/* The same for a listing: profiles may hold only the keys a listing reads (type, names, uuid,
 * controller, timestamp, MAC), so a process that only lists keeps no settings. */
gboolean nmi_sync_listing(NmifaceDriverConn *conn, GError **error);
/* The same, and also every activation NM started by itself and was still authorizing (a port
 * with its controller, a retry of a failed profile): those show on the bus only afterwards. */
gboolean nmi_sync_authorized(NmifaceDriverConn *conn, GError **error);

/* nm-session-call.c */
gint64 nmi_session_deadline(NmifaceDriverConn *conn);
/* Waits: iterate the session's context until @done returns TRUE or @deadline (monotonic
 * microseconds) passes; @what names what is awaited for the timeout message. */
typedef gboolean (*NmiDoneFunc)(NmifaceDriverConn *conn, gpointer data);
gboolean nmi_session_wait(NmifaceDriverConn *conn, NmiDoneFunc done, gpointer data, gint64 deadline,
                          const char *what, GError **error);

/* A method call on NM bounded by @deadline; errors mapped to NMIFACE_ERROR. */
GVariant *nmi_session_call(NmifaceDriverConn *conn, const char *path, const char *iface,
                           const char *method, GVariant *params, const GVariantType *reply_type,
                           gint64 deadline, const char *what, GError **error);
/* The same, except that NM's error @allowed_error (a D-Bus error name) is an answer: NULL
 * without an error. */
GVariant *nmi_session_call_allowing(NmifaceDriverConn *conn, const char *path, const char *iface,
                                    const char *method, GVariant *params,
                                    const GVariantType *reply_type, gint64 deadline,
                                    const char *what, const char *allowed_error, GError **error);
void nmi_error_from_dbus(GError **error, const GError *dbus_error, const char *what);
/* Sets conn->nm_owner to NM's unique name on the bus; NM's absence is VIR_ERR_NO_CONNECT. */
gboolean nmi_session_find_owner(NmifaceDriverConn *conn, gint64 deadline, GError **error);

/* nm-objects.c */
NmiObject *nmi_object_new(const char *path);
void nmi_object_free(NmiObject *obj);
void nmi_object_set_iface(NmiObject *obj, const char *iface, GVariant *props);
gboolean nmi_object_update_props(NmiObject *obj, const char *iface, GVariant *changed,
                                 const char *const *invalidated);
GVariant *nmi_object_get(NmifaceDriverConn *conn, const char *path, const char *iface,
                         const char *prop);
gboolean nmi_object_has_iface(NmifaceDriverConn *conn, const char *path, const char *iface);
guint32 nmi_object_get_u(NmifaceDriverConn *conn, const char *path, const char *iface,
                         const char *prop, guint32 fallback);
const char *nmi_object_get_s(NmifaceDriverConn *conn, const char *path, const char *iface,
                             const char *prop);
const char *nmi_object_get_o(NmifaceDriverConn *conn, const char *path, const char *iface,
                             const char *prop);
GPtrArray *nmi_object_get_ao(NmifaceDriverConn *conn, const char *path, const char *iface,
                             const char *prop);

/* nm-sync.c: the mirror's fetches (GetSettings, GetAll), which own its fetch state. */
/* @iface of @path has just been (re)loaded or changed: fetch the objects it points to that the
 * mirror follows (devices, their IP configurations, active connections and their profiles). */
void nmi_mirror_follow(NmifaceDriverConn *conn, const char *path, const char *iface);
/* Asks again for every profile not known or stale and every GetAll that failed: after a
 * round trip to NM, the rest of the mirror is current. */
void nmi_fetches_requeue(NmifaceDriverConn *conn);
void nmi_profiles_queue_fetch(NmifaceDriverConn *conn, const char *path);
void nmi_profiles_forget(NmifaceDriverConn *conn, const char *path);
/* Every fetch queued so far (settings and objects) has arrived. */
gboolean nmi_fetches_wait(NmifaceDriverConn *conn, gint64 deadline, GError **error);
/* Fetch all properties of @iface on @path (GetAll) unless the mirror has them or a fetch is
 * pending; signals keep them current afterwards. @iface must be a static string. */
void nmi_objects_queue_fetch(NmifaceDriverConn *conn, const char *path, const char *iface);
void nmi_fetch_free(gpointer fetch);
/* The Settings.Connection properties (Flags, Filename, Unsaved) of the profiles at @paths
 * (NULL-terminated; NULL: every profile) are in the mirror when this returns TRUE, unless the
 * profile is gone. The mirror follows them by itself only for profiles that are or were
 * active. */
gboolean nmi_profiles_require_props(NmifaceDriverConn *conn, const char *const *paths,
                                    GError **error);
/* The profile's settings as an NMConnection (built on first use; never NULL once fetched).
 * Only after nmi_sync(), not nmi_sync_listing(): a profile may hold its listing's keys alone. */
NMConnection *nmi_profile_connection(NmiProfile *profile);
/* Every profile's NMConnection built now, on a few threads: for callers about to read them all. */
void nmi_profiles_parse_all(NmifaceDriverConn *conn);
/* Its settings, or its listing's keys alone, have arrived (they may have changed since: see
 * stale). */
gboolean nmi_profile_known(const NmiProfile *profile);
/* Its settings have arrived, not only its listing's keys. */
gboolean nmi_profile_has_settings(const NmiProfile *profile);
/* Profiles that hold their listing's keys alone. */
guint nmi_profiles_count_keys_only(NmifaceDriverConn *conn);
/* The mirror's first load asks for profiles on the bulk reader (nm-bulk.h) when it can. */
gboolean nmi_bulk_start(NmifaceDriverConn *conn, GError **error);
void nmi_bulk_stop(NmifaceDriverConn *conn);

G_END_DECLS

#endif /* NMIFACE_SESSION_PRIVATE_H */
