/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "settings-expect.h"

#include <string.h>

static void check_string(GString *why, GVariant *dict, const char *key, const char *got)
{
    g_autoptr(GVariant) v =
        dict != NULL ? g_variant_lookup_value(dict, key, G_VARIANT_TYPE_STRING) : NULL;
    const char *want = v != NULL ? g_variant_get_string(v, NULL) : NULL;

    if (g_strcmp0(want, got) != 0)
        g_string_append_printf(why, "%s: want '%s', got '%s'; ", key, want ? want : "(none)",
                               got ? got : "(none)");
}

/* A MAC is expected when the settings hold a byte array of a MAC's length. */
static void check_mac(GString *why, GVariant *dict, const char *key, gboolean got_has,
                      const guint8 *got)
{
    g_autoptr(GVariant) v =
        dict != NULL ? g_variant_lookup_value(dict, key, G_VARIANT_TYPE_BYTESTRING) : NULL;
    gsize want_len = 0;
    const guint8 *want = v != NULL ? g_variant_get_fixed_array(v, &want_len, 1) : NULL;
    gboolean want_has = want != NULL && want_len == NMI_MAC_LEN;

    if (want_has != got_has || (want_has && memcmp(want, got, NMI_MAC_LEN) != 0))
        g_string_append_printf(why, "%s: MACs differ (want %s, got %s); ", key,
                               want_has ? "one" : "none", got_has ? "one" : "none");
}

char *settings_keys_disagree(GVariant *settings, const NmiProfileKeys *keys)
{
    g_autoptr(GVariant) con =
        g_variant_lookup_value(settings, "connection", G_VARIANT_TYPE_VARDICT);
    g_autoptr(GVariant) wired =
        g_variant_lookup_value(settings, "802-3-ethernet", G_VARIANT_TYPE_VARDICT);
    g_autoptr(GVariant) bridge = g_variant_lookup_value(settings, "bridge", G_VARIANT_TYPE_VARDICT);
    g_autoptr(GVariant) ts =
        con != NULL ? g_variant_lookup_value(con, "timestamp", G_VARIANT_TYPE_UINT64) : NULL;
    GString *why = g_string_new(NULL);

    if ((con != NULL) != keys->has_connection)
        g_string_append(why, "connection setting: presence differs; ");
    check_string(why, con, "type", keys->type);
    check_string(why, con, "interface-name", keys->ifname);
    check_string(why, con, "uuid", keys->uuid);
    check_string(why, con, "master", keys->master);
    check_string(why, con, "slave-type", keys->port_type);
    if ((ts != NULL ? g_variant_get_uint64(ts) : 0) != keys->timestamp)
        g_string_append(why, "timestamp differs; ");
    check_string(why, wired, "assigned-mac-address", keys->assigned_mac);
    check_mac(why, wired, "mac-address", keys->has_wired_mac, keys->wired_mac);
    check_mac(why, bridge, "mac-address", keys->has_bridge_mac, keys->bridge_mac);
    if (why->len == 0) {
        g_string_free(why, TRUE);
        return NULL;
    }
    return g_string_free(why, FALSE);
}

static gboolean has_duplicate_keys(GVariant *dict)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    GVariantIter iter;
    const char *key;
    GVariant *value;

    g_variant_iter_init(&iter, dict);
    while (g_variant_iter_next(&iter, "{&s@*}", &key, &value)) {
        gboolean added = g_hash_table_add(seen, (gpointer)key);

        g_variant_unref(value);
        if (!added)
            return TRUE;
    }
    return FALSE;
}

gboolean settings_have_duplicates(GVariant *settings)
{
    GVariantIter iter;
    const char *name;
    GVariant *dict;

    if (has_duplicate_keys(settings))
        return TRUE;
    g_variant_iter_init(&iter, settings);
    while (g_variant_iter_next(&iter, "{&s@a{sv}}", &name, &dict)) {
        gboolean dup = (g_str_equal(name, "connection") || g_str_equal(name, "802-3-ethernet") ||
                        g_str_equal(name, "bridge")) &&
                       has_duplicate_keys(dict);

        g_variant_unref(dict);
        if (dup)
            return TRUE;
    }
    return FALSE;
}

void settings_expect_keys(GVariant *settings, const NmiProfileKeys *keys)
{
    g_autofree char *why = settings_keys_disagree(settings, keys);

    g_assert_null(why);
}
