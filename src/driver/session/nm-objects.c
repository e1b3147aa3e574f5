/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mirror of NetworkManager's exported objects and their properties. */
#include "session-private.h"

NmiObject *nmi_object_new(const char *path)
{
    NmiObject *obj = g_new0(NmiObject, 1);

    obj->path = g_strdup(path);
    obj->ifaces =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_hash_table_unref);
    return obj;
}

void nmi_object_free(NmiObject *obj)
{
    if (obj == NULL)
        return;
    g_free(obj->path);
    g_hash_table_unref(obj->ifaces);
    g_free(obj);
}

static GHashTable *props_table_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_variant_unref);
}

static void props_merge(GHashTable *table, GVariant *props)
{
    GVariantIter iter;
    const char *name;
    GVariant *value;

    g_variant_iter_init(&iter, props);
    while (g_variant_iter_next(&iter, "{&sv}", &name, &value)) {
        /* GDBus hands over a tree of small GVariants; serialising a container in place frees
         * its children. Settings.Connections held ~250 KiB that way with 1000 profiles. */
        if (g_variant_is_container(value))
            (void)g_variant_get_data(value);
        g_hash_table_insert(table, g_strdup(name), value);
    }
}

void nmi_object_set_iface(NmiObject *obj, const char *iface, GVariant *props)
{
    GHashTable *table = props_table_new();

    props_merge(table, props);
    g_hash_table_insert(obj->ifaces, g_strdup(iface), table);
}

/* Changes to an interface the mirror does not fully know are dropped: its GetAll reply, which
 * comes later, holds them, or nobody asked for it. */
gboolean nmi_object_update_props(NmiObject *obj, const char *iface, GVariant *changed,
                                 const char *const *invalidated)
{
    GHashTable *table = g_hash_table_lookup(obj->ifaces, iface);

    if (table == NULL)
        return FALSE;
    props_merge(table, changed);
    for (guint i = 0; invalidated != NULL && invalidated[i] != NULL; i++)
        g_hash_table_remove(table, invalidated[i]);
    return TRUE;
}

GVariant *nmi_object_get(NmifaceDriverConn *conn, const char *path, const char *iface,
                         const char *prop)
{
    NmiObject *obj;
    GHashTable *table;

    if (path == NULL)
        return NULL;
    obj = g_hash_table_lookup(conn->objects, path);
    if (obj == NULL)
        return NULL;
    table = g_hash_table_lookup(obj->ifaces, iface);
    if (table == NULL)
        return NULL;
    return g_hash_table_lookup(table, prop);
}

gboolean nmi_object_has_iface(NmifaceDriverConn *conn, const char *path, const char *iface)
{
    NmiObject *obj = path != NULL ? g_hash_table_lookup(conn->objects, path) : NULL;

    return obj != NULL && g_hash_table_contains(obj->ifaces, iface);
}

guint32 nmi_object_get_u(NmifaceDriverConn *conn, const char *path, const char *iface,
                         const char *prop, guint32 fallback)
{
    GVariant *v = nmi_object_get(conn, path, iface, prop);

    if (v == NULL || !g_variant_is_of_type(v, G_VARIANT_TYPE_UINT32))
        return fallback;
    return g_variant_get_uint32(v);
}

const char *nmi_object_get_s(NmifaceDriverConn *conn, const char *path, const char *iface,
                             const char *prop)
{
    GVariant *v = nmi_object_get(conn, path, iface, prop);

    if (v == NULL || !g_variant_is_of_type(v, G_VARIANT_TYPE_STRING))
        return NULL;
    return g_variant_get_string(v, NULL);
}

/* An object path property; NULL for "/" (NM's "none"). */
const char *nmi_object_get_o(NmifaceDriverConn *conn, const char *path, const char *iface,
                             const char *prop)
{
    GVariant *v = nmi_object_get(conn, path, iface, prop);
    const char *s;

    if (v == NULL || !g_variant_is_of_type(v, G_VARIANT_TYPE_OBJECT_PATH))
        return NULL;
    s = g_variant_get_string(v, NULL);
    return g_strcmp0(s, "/") == 0 ? NULL : s;
}

/* An array of object paths (borrowed strings), never NULL. */
GPtrArray *nmi_object_get_ao(NmifaceDriverConn *conn, const char *path, const char *iface,
                             const char *prop)
{
    GVariant *v = nmi_object_get(conn, path, iface, prop);
    GPtrArray *out = g_ptr_array_new();
    GVariantIter iter;
    const char *p;

    if (v == NULL || !g_variant_is_of_type(v, G_VARIANT_TYPE_OBJECT_PATH_ARRAY))
        return out;
    g_variant_iter_init(&iter, v);
    while (g_variant_iter_next(&iter, "&o", &p))
        g_ptr_array_add(out, (gpointer)p);
    return out;
}
