/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnmiface internals: the objects behind virConnectPtr and virInterfacePtr, the registry of
 * live objects, error reporting and driver loading. Nothing here is exported.
 */
#ifndef NMIFACE_HOST_PRIVATE_H
#define NMIFACE_HOST_PRIVATE_H

#include <glib.h>

#include "nmiface/driver.h"
#include "nmiface/libvirt-interface.h"
#include "nmiface/nmiface-ext.h"

G_BEGIN_DECLS

/* Objects: a refcount plus what to do when it drops to zero. */
typedef enum {
    NMI_OBJECT_CONNECT = 1,
    NMI_OBJECT_INTERFACE,
} NmiObjectKind;

typedef struct _NmiObject NmiObject;
struct _NmiObject {
    gint refs;
    NmiObjectKind kind;
    void (*finalize)(NmiObject *obj);
};

struct _virConnect {
    NmiObject parent;
    char *uri;
    gboolean read_only;
    const NmifaceDriver *driver;
    NmifaceDriverConn *driver_conn;
    GMutex lock; /* serialises every call into driver_conn (driver.h relies on it) */
};

struct _virInterface {
    NmiObject parent;
    virConnectPtr conn; /* holds a reference */
    char *name;
    char *mac; /* "" when the driver knows none */
};

/* object-registry.c: the set of live objects, so dead or foreign pointers are caught without
 * touching their memory. */
void nmi_object_register(NmiObject *obj, NmiObjectKind kind, void (*finalize)(NmiObject *obj));
gboolean nmi_object_acquire(gconstpointer ptr, NmiObjectKind kind);
void nmi_object_ref(NmiObject *obj);
int nmi_object_unref(NmiObject *obj);
int nmi_object_unref_checked(gconstpointer ptr, NmiObjectKind kind);

/* connect.c */
virConnectPtr nmi_conn_acquire(virConnectPtr conn, int domain, const char *func);
void nmi_conn_release(virConnectPtr conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virConnect, nmi_conn_release)

/* Holds @conn's driver lock until the end of the enclosing scope. Declare it after the
 * reference that keeps @conn alive, so it is released first. */
#define NMI_DRIVER_LOCKED(conn)                                                                    \
    g_autoptr(GMutexLocker) G_PASTE(driver_locker_, __LINE__) G_GNUC_UNUSED =                      \
        g_mutex_locker_new(&(conn)->lock)

/* iface-object.c */
virInterfacePtr nmi_iface_new(virConnectPtr conn, const NmifaceIfaceInfo *info);
virInterfacePtr nmi_iface_from_driver(virConnectPtr conn, const NmifaceIfaceInfo *info,
                                      const GError *error);
virInterfacePtr nmi_iface_acquire(virInterfacePtr iface, const char *func);
void nmi_iface_release(virInterfacePtr iface);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virInterface, nmi_iface_release)

/* checks.c: the argument checks every entry point shares; each reports its error. */
gboolean nmi_check_non_null(gconstpointer arg, const char *argname, const char *func);
gboolean nmi_check_writable(virConnectPtr conn, const char *func);
gboolean nmi_check_supported(gboolean present, const char *func);
gboolean nmi_check_flags(guint flags, guint supported, const char *func);

/* change-api.c */
int nmi_change_begin(virConnectPtr conn, guint timeout_seconds, guint flags, const char *func);

/* errors.c */
void nmi_error_raise(int domain, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void nmi_error_report(int domain, int code, const char *detail);
void nmi_error_dispatch(int domain, const GError *error);
char *nmi_strdup_for_caller(const char *str);

/* driver-loader.c */
char *nmi_uri_resolve(const char *uri);
char *nmi_uri_scheme(const char *uri);
gboolean nmi_library_in_build_tree(void);
const NmifaceDriver *nmi_driver_load(const char *uri, GError **error);

G_END_DECLS

#endif /* NMIFACE_HOST_PRIVATE_H */
