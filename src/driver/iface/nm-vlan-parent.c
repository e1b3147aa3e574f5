/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NM lets a vlan name its parent by the parent profile's UUID (nmcli and nm-connection-editor
 * often do); the XML names the parent interface. Descriptions show the parent profile's
 * interface name, and a define that keeps that parent keeps the UUID.
 */
#include "iface-private.h"

/* The interface name of the profile whose UUID is @parent; NULL when @parent is no UUID. */
static const char *parent_profile_name(NmifaceDriverConn *conn, const char *parent)
{
    NmiProfile *profile = parent != NULL ? nmi_profile_by_uuid(conn, parent) : NULL;

    return profile != NULL ? profile->ifname : NULL;
}

void nmi_vlan_parent_show_name(NmifaceDriverConn *conn, NMConnection *connection)
{
    NMSettingVlan *s_vlan = nm_connection_get_setting_vlan(connection);
    const char *name =
        s_vlan != NULL ? parent_profile_name(conn, nm_setting_vlan_get_parent(s_vlan)) : NULL;

    if (name != NULL)
        g_object_set(s_vlan, NM_SETTING_VLAN_PARENT, name, NULL);
}

void nmi_vlan_parent_keep_uuid(NmifaceDriverConn *conn, NMConnection *result, NMConnection *before)
{
    NMSettingVlan *s_new = nm_connection_get_setting_vlan(result);
    NMSettingVlan *s_old = before != NULL ? nm_connection_get_setting_vlan(before) : NULL;
    const char *old_parent, *name;

    if (s_new == NULL || s_old == NULL)
        return;
    old_parent = nm_setting_vlan_get_parent(s_old);
    name = parent_profile_name(conn, old_parent);
    if (name != NULL && g_strcmp0(nm_setting_vlan_get_parent(s_new), name) == 0)
        g_object_set(s_new, NM_SETTING_VLAN_PARENT, old_parent, NULL);
}
