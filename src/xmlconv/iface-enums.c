/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The enum name tables of the interface definition and their lookups. */

#include "iface-enums.h"

#include <string.h>

#define NMI_ENUM_TABLE(names)                                                                      \
    {                                                                                              \
        names, G_N_ELEMENTS(names)                                                                 \
    }

static const NmiEnumName iface_type_names[] = {
    {NMI_IFACE_ETHERNET, "ethernet"},
    {NMI_IFACE_BRIDGE, "bridge"},
    {NMI_IFACE_BOND, "bond"},
    {NMI_IFACE_VLAN, "vlan"},
};
const NmiEnumTable nmi_iface_type_table = NMI_ENUM_TABLE(iface_type_names);

static const NmiEnumName start_mode_names[] = {
    {NMI_START_ONBOOT, "onboot"},
    {NMI_START_NONE, "none"},
    {NMI_START_HOTPLUG, "hotplug"},
};
const NmiEnumTable nmi_start_mode_table = NMI_ENUM_TABLE(start_mode_names);

static const NmiEnumName bond_mode_names[] = {
    {NMI_BOND_MODE_BALANCE_RR, "balance-rr"},   {NMI_BOND_MODE_ACTIVE_BACKUP, "active-backup"},
    {NMI_BOND_MODE_BALANCE_XOR, "balance-xor"}, {NMI_BOND_MODE_BROADCAST, "broadcast"},
    {NMI_BOND_MODE_8023AD, "802.3ad"},          {NMI_BOND_MODE_BALANCE_TLB, "balance-tlb"},
    {NMI_BOND_MODE_BALANCE_ALB, "balance-alb"},
};
const NmiEnumTable nmi_bond_mode_table = NMI_ENUM_TABLE(bond_mode_names);

static const NmiEnumName mii_carrier_names[] = {
    {NMI_MII_CARRIER_IOCTL, "ioctl"},
    {NMI_MII_CARRIER_NETIF, "netif"},
};
const NmiEnumTable nmi_mii_carrier_table = NMI_ENUM_TABLE(mii_carrier_names);

static const NmiEnumName arp_validate_names[] = {
    {NMI_ARP_VALIDATE_NONE, "none"},
    {NMI_ARP_VALIDATE_ACTIVE, "active"},
    {NMI_ARP_VALIDATE_BACKUP, "backup"},
    {NMI_ARP_VALIDATE_ALL, "all"},
};
const NmiEnumTable nmi_arp_validate_table = NMI_ENUM_TABLE(arp_validate_names);

static const NmiEnumName link_state_names[] = {
    {NMI_LINK_STATE_UNKNOWN, "unknown"}, {NMI_LINK_STATE_NOTPRESENT, "notpresent"},
    {NMI_LINK_STATE_DOWN, "down"},       {NMI_LINK_STATE_LOWERLAYERDOWN, "lowerlayerdown"},
    {NMI_LINK_STATE_TESTING, "testing"}, {NMI_LINK_STATE_DORMANT, "dormant"},
    {NMI_LINK_STATE_UP, "up"},
};
const NmiEnumTable nmi_link_state_table = NMI_ENUM_TABLE(link_state_names);

static const NmiEnumName yes_no_names[] = {
    {NMI_TRISTATE_YES, "yes"},
    {NMI_TRISTATE_NO, "no"},
};
const NmiEnumTable nmi_yes_no_table = NMI_ENUM_TABLE(yes_no_names);

static const NmiEnumName on_off_names[] = {
    {NMI_TRISTATE_YES, "on"},
    {NMI_TRISTATE_NO, "off"},
};
const NmiEnumTable nmi_on_off_table = NMI_ENUM_TABLE(on_off_names);

const char *nmi_enum_to_string(const NmiEnumTable *table, int value)
{
    for (guint i = 0; i < table->n_names; i++) {
        if (table->names[i].value == value)
            return table->names[i].name;
    }
    return NULL;
}

gboolean nmi_enum_from_string(const NmiEnumTable *table, const char *name, int *value)
{
    for (guint i = 0; name != NULL && i < table->n_names; i++) {
        if (strcmp(table->names[i].name, name) == 0) {
            *value = table->names[i].value;
            return TRUE;
        }
    }
    return FALSE;
}

char *nmi_enum_choices(const NmiEnumTable *table)
{
    GString *choices = g_string_new(NULL);

    for (guint i = 0; i < table->n_names; i++)
        g_string_append_printf(choices, "%s%s", i > 0 ? ", " : "", table->names[i].name);
    return g_string_free(choices, FALSE);
}

const char *nmi_iface_type_to_string(NmiIfaceType type)
{
    return nmi_enum_to_string(&nmi_iface_type_table, type);
}

const char *nmi_start_mode_to_string(NmiStartMode mode)
{
    return nmi_enum_to_string(&nmi_start_mode_table, mode);
}

const char *nmi_bond_mode_to_string(NmiBondMode mode)
{
    return nmi_enum_to_string(&nmi_bond_mode_table, mode);
}

const char *nmi_link_state_to_string(NmiLinkState state)
{
    return nmi_enum_to_string(&nmi_link_state_table, state);
}

const char *nmi_mii_carrier_to_string(NmiMiiCarrier carrier)
{
    return nmi_enum_to_string(&nmi_mii_carrier_table, carrier);
}

const char *nmi_arp_validate_to_string(NmiArpValidate validate)
{
    return nmi_enum_to_string(&nmi_arp_validate_table, validate);
}
