/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The names of the definition's enums as libvirt's XML spells them, one table per enum, read
 * by the parser, the formatter, the validator and the NetworkManager conversion alike.
 */
#ifndef NMIFACE_IFACE_ENUMS_H
#define NMIFACE_IFACE_ENUMS_H

#include <glib.h>

#include "iface-def.h"

G_BEGIN_DECLS

typedef struct {
    int value;
    const char *name;
} NmiEnumName;

/* The named values in the order messages list them (libvirt's schema order); an UNSPECIFIED
 * or UNSET value has no name. */
typedef struct {
    const NmiEnumName *names;
    guint n_names;
} NmiEnumTable;

extern const NmiEnumTable nmi_iface_type_table;
extern const NmiEnumTable nmi_start_mode_table;
extern const NmiEnumTable nmi_bond_mode_table;
extern const NmiEnumTable nmi_mii_carrier_table;
extern const NmiEnumTable nmi_arp_validate_table;
extern const NmiEnumTable nmi_link_state_table;
extern const NmiEnumTable nmi_yes_no_table; /* NmiTristate: <dhcp peerdns=''> */
extern const NmiEnumTable nmi_on_off_table; /* NmiTristate: <bridge stp=''> */

/* @value's name; NULL when it has none (UNSPECIFIED, or out of range). */
const char *nmi_enum_to_string(const NmiEnumTable *table, int value);

/* The value named @name (compared exactly); FALSE when no value has that name. */
gboolean nmi_enum_from_string(const NmiEnumTable *table, const char *name, int *value);

/* Every name, ", "-separated, for messages ("ioctl, netif"). */
char *nmi_enum_choices(const NmiEnumTable *table);

/* Typed shorthands for the enums without one in iface-def.h. */
const char *nmi_mii_carrier_to_string(NmiMiiCarrier carrier);
const char *nmi_arp_validate_to_string(NmiArpValidate validate);

G_END_DECLS

#endif /* NMIFACE_IFACE_ENUMS_H */
