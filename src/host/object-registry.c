/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The registry of live objects. A pointer handed to a public function is trusted only after it
 * is found here, so a freed or foreign pointer is refused without reading its memory. An
 * object leaves the registry in the same critical section that drops its last reference, so
 * acquire (lookup + reference) can never revive an object being finalized.
 */

#include "host-private.h"

static GMutex registry_lock;
static GHashTable *registry; /* NmiObject* set */

void nmi_object_register(NmiObject *obj, NmiObjectKind kind, void (*finalize)(NmiObject *obj))
{
    obj->refs = 1;
    obj->kind = kind;
    obj->finalize = finalize;

    g_mutex_lock(&registry_lock);
    if (registry == NULL)
        registry = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_add(registry, obj);
    g_mutex_unlock(&registry_lock);
}

/* Must hold registry_lock. */
static NmiObject *registry_find(gconstpointer ptr, NmiObjectKind kind)
{
    NmiObject *obj;

    if (ptr == NULL || registry == NULL || !g_hash_table_contains(registry, ptr))
        return NULL;
    /* Live, so its memory may be read now. */
    obj = (NmiObject *)ptr;
    if (obj->kind != kind)
        return NULL;
    return obj;
}

/* Takes a reference on @ptr if it is a live object of @kind. */
gboolean nmi_object_acquire(gconstpointer ptr, NmiObjectKind kind)
{
    NmiObject *obj;

    g_mutex_lock(&registry_lock);
    obj = registry_find(ptr, kind);
    if (obj != NULL)
        g_atomic_int_inc(&obj->refs);
    g_mutex_unlock(&registry_lock);
    return obj != NULL;
}

/* The caller already holds a reference, so the count cannot reach zero meanwhile. */
void nmi_object_ref(NmiObject *obj)
{
    g_atomic_int_inc(&obj->refs);
}

static int unref_locked(NmiObject *obj)
{
    int remaining = g_atomic_int_add(&obj->refs, -1) - 1;

    if (remaining == 0)
        g_hash_table_remove(registry, obj);
    return remaining;
}

/* Returns the references left; finalizes the object (outside the lock) at zero. */
int nmi_object_unref(NmiObject *obj)
{
    int remaining;

    g_mutex_lock(&registry_lock);
    remaining = unref_locked(obj);
    g_mutex_unlock(&registry_lock);
    if (remaining == 0)
        obj->finalize(obj);
    return remaining;
}

/* nmi_object_unref() for a pointer not yet known to be live: -1 when it is not. */
int nmi_object_unref_checked(gconstpointer ptr, NmiObjectKind kind)
{
    NmiObject *obj;
    int remaining;

    g_mutex_lock(&registry_lock);
    obj = registry_find(ptr, kind);
    if (obj == NULL) {
        g_mutex_unlock(&registry_lock);
        return -1;
    }
    remaining = unref_locked(obj);
    g_mutex_unlock(&registry_lock);
    if (remaining == 0)
        obj->finalize(obj);
    return remaining;
}
