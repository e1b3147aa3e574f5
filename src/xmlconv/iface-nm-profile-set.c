/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Profile sets, device facts, UUIDs and ids of new profiles, type names, NMSettingUser hints. */

#include "iface-nm.h"

#include "nmiface/driver.h"

NmiProfileSet *nmi_profile_set_new(NMConnection *top)
{
    NmiProfileSet *set = g_new0(NmiProfileSet, 1);

    set->top = top != NULL ? g_object_ref(top) : NULL;
    set->ports = g_ptr_array_new_with_free_func(g_object_unref);
    return set;
}

void nmi_profile_set_free(NmiProfileSet *set)
{
    if (set == NULL)
        return;
    g_clear_object(&set->top);
    g_ptr_array_unref(set->ports);
    g_free(set);
}

NmiDeviceFacts *nmi_device_facts_new(const char *name, NmiIfaceType type)
{
    NmiDeviceFacts *facts = g_new0(NmiDeviceFacts, 1);

    facts->name = g_strdup(name);
    facts->type = type;
    facts->ipv4 = g_ptr_array_new_with_free_func((GDestroyNotify)nmi_ip_addr_free);
    facts->ipv6 = g_ptr_array_new_with_free_func((GDestroyNotify)nmi_ip_addr_free);
    facts->ports = g_ptr_array_new_with_free_func((GDestroyNotify)nmi_device_facts_free);
    facts->vlan_id = -1;
    return facts;
}

void nmi_device_facts_free(NmiDeviceFacts *facts)
{
    if (facts == NULL)
        return;
    g_free(facts->name);
    g_free(facts->mac);
    g_ptr_array_unref(facts->ipv4);
    g_ptr_array_unref(facts->ipv6);
    g_free(facts->ipv4_gateway);
    g_free(facts->ipv6_gateway);
    g_ptr_array_unref(facts->ports);
    g_free(facts->vlan_parent);
    g_free(facts);
}

/* nmiface's UUID namespace (a random UUID, fixed forever: changing it changes every UUID). */
static const guint8 nmi_uuid_namespace[16] = {0x5b, 0x1f, 0x8e, 0x3a, 0x94, 0x27, 0x4c, 0x61,
                                              0xa0, 0xd2, 0x7e, 0x49, 0x13, 0xc5, 0x86, 0xf0};

char *nmi_profile_uuid_for(const char *connection_type, const char *ifname, const char *controller)
{
    g_autoptr(GChecksum) sha1 = g_checksum_new(G_CHECKSUM_SHA1);
    g_autofree char *name = NULL;
    guint8 digest[20];
    gsize len = sizeof(digest);

    name = controller != NULL ? g_strdup_printf("%s/%s@%s", connection_type, ifname, controller)
                              : g_strdup_printf("%s/%s", connection_type, ifname);
    g_checksum_update(sha1, nmi_uuid_namespace, sizeof(nmi_uuid_namespace));
    g_checksum_update(sha1, (const guchar *)name, -1);
    g_checksum_get_digest(sha1, digest, &len);

    /* RFC 4122 section 4.3: version 5, variant 10xx */
    digest[6] = (digest[6] & 0x0f) | 0x50;
    digest[8] = (digest[8] & 0x3f) | 0x80;
    return g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                           digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
                           digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
                           digest[12], digest[13], digest[14], digest[15]);
}

char *nmi_port_profile_id(const char *controller, const char *ifname)
{
    return g_strdup_printf("%s-port-%s", controller, ifname);
}

const char *nmi_nm_connection_type(NmiIfaceType type)
{
    switch (type) {
    case NMI_IFACE_ETHERNET:
        return NM_SETTING_WIRED_SETTING_NAME;
    case NMI_IFACE_BRIDGE:
        return NM_SETTING_BRIDGE_SETTING_NAME;
    case NMI_IFACE_BOND:
        return NM_SETTING_BOND_SETTING_NAME;
    case NMI_IFACE_VLAN:
        return NM_SETTING_VLAN_SETTING_NAME;
    }
    return NULL;
}

gboolean nmi_nm_iface_type(const char *connection_type, NmiIfaceType *out)
{
    static const NmiIfaceType types[] = {NMI_IFACE_ETHERNET, NMI_IFACE_BRIDGE, NMI_IFACE_BOND,
                                         NMI_IFACE_VLAN};

    for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
        if (g_strcmp0(connection_type, nmi_nm_connection_type(types[i])) == 0) {
            *out = types[i];
            return TRUE;
        }
    }
    return FALSE;
}

const char *nmi_hint_get(NMConnection *connection, const char *key)
{
    NMSettingUser *s_user =
        NM_SETTING_USER(nm_connection_get_setting(connection, NM_TYPE_SETTING_USER));

    return s_user != NULL ? nm_setting_user_get_data(s_user, key) : NULL;
}

gboolean nmi_hint_set(NMConnection *connection, const char *key, const char *value, GError **error)
{
    NMSettingUser *s_user =
        NM_SETTING_USER(nm_connection_get_setting(connection, NM_TYPE_SETTING_USER));
    g_autoptr(GError) local_error = NULL;
    guint n_keys = 0;

    if (s_user == NULL) {
        if (value == NULL)
            return TRUE;
        s_user = NM_SETTING_USER(nm_setting_user_new());
        nm_connection_add_setting(connection, NM_SETTING(s_user));
    }
    if (g_strcmp0(nm_setting_user_get_data(s_user, key), value) == 0)
        return TRUE;
    /* Fails only for a value over NM's size limit (a port list of hundreds of names). */
    if (!nm_setting_user_set_data(s_user, key, value, &local_error)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, "cannot keep %s in the profile: %s",
                    key, local_error->message);
        return FALSE;
    }
    nm_setting_user_get_keys(s_user, &n_keys);
    if (n_keys == 0)
        nm_connection_remove_setting(connection, NM_TYPE_SETTING_USER);
    return TRUE;
}
