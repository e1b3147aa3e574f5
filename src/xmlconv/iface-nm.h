/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Interface definitions <-> NetworkManager connection profiles (libnm types, no D-Bus).
 */
#ifndef NMIFACE_IFACE_NM_H
#define NMIFACE_IFACE_NM_H

#include <NetworkManager.h>

#include "iface-def.h"

G_BEGIN_DECLS

/*
 * The profiles that together make one interface: the top-level profile
 * (connection.interface-name = the interface name) and every port profile below it, nested
 * ones included (a bond that is a bridge port, and that bond's ethernet ports). A port's
 * connection.master is its controller's interface name and connection.slave-type says
 * "bridge" or "bond".
 */
typedef struct {
    NMConnection *top;
    GPtrArray *ports; /* NMConnection*, owned */
} NmiProfileSet;

NmiProfileSet *nmi_profile_set_new(NMConnection *top);
void nmi_profile_set_free(NmiProfileSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiProfileSet, nmi_profile_set_free)

/*
 * XML -> NM. @existing (may be NULL) holds the profiles that make up this interface now; a
 * profile in the result that corresponds to one there (same interface name and role) is a
 * copy of it with the XML's settings applied: same UUID and id, and every setting the XML
 * cannot express kept. New profiles get a fresh UUID and id = interface name. Every profile of
 * the result passes nm_connection_verify() after nm_connection_normalize(). Profiles of
 * @existing that the result no longer uses are the caller's to delete (compare UUIDs).
 */
NmiProfileSet *nmi_iface_def_to_profiles(const NmiIfaceDef *def, const NmiProfileSet *existing,
                                         GError **error);

/* NM -> XML, the inactive (configured) form. */
NmiIfaceDef *nmi_iface_def_from_profiles(const NmiProfileSet *set, GError **error);

/* What a device reports, gathered by the driver from NM (or from the kernel). */
typedef struct _NmiDeviceFacts NmiDeviceFacts;
struct _NmiDeviceFacts {
    char *name;
    NmiIfaceType type;
    char *mac; /* NULL when unknown */
    guint mtu; /* 0 when unknown */
    NmiLinkState link_state;
    guint speed;        /* Mbit/s, 0 when unknown */
    GPtrArray *ipv4;    /* NmiIpAddr* */
    GPtrArray *ipv6;    /* NmiIpAddr* */
    char *ipv4_gateway; /* NULL when none */
    char *ipv6_gateway;
    GPtrArray *ports; /* NmiDeviceFacts*, the device's actual ports */
};

NmiDeviceFacts *nmi_device_facts_new(const char *name, NmiIfaceType type);
void nmi_device_facts_free(NmiDeviceFacts *facts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiDeviceFacts, nmi_device_facts_free)

/*
 * The live form: the configured definition (@set may be NULL for a device no profile
 * describes) overlaid with what the device reports: addresses, link state and speed, MAC,
 * MTU, actual ports.
 */
NmiIfaceDef *nmi_iface_def_live(const NmiProfileSet *set, const NmiDeviceFacts *facts,
                                GError **error);

/* One profile as NetworkManager's keyfile text (libnm's keyfile writer). */
char *nmi_profile_to_keyfile(NMConnection *connection, GError **error);

/* The file name NetworkManager would give it: "<id>.nmconnection" made safe. */
char *nmi_profile_keyfile_name(NMConnection *connection);

G_END_DECLS

#endif /* NMIFACE_IFACE_NM_H */
