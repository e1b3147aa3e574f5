/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A GetSettings reply (body a{sa{sv}}) as sd-bus hands it over: the few keys a listing needs,
 * read field by field without building anything, and, for the profiles a call parses, the
 * settings as the GVariant libnm takes. Reading moves the message's read position: one thread
 * at a time per message.
 */
#ifndef NMIFACE_NM_SETTINGS_REPLY_H
#define NMIFACE_NM_SETTINGS_REPLY_H

#include <glib.h>
#include <systemd/sd-bus.h>

G_BEGIN_DECLS

#define NMI_MAC_LEN 6

/* What a listing needs of a profile. Strings point into the message; NULL when absent or of
 * another type than NM sends. A MAC is read only when it has the length of one. */
typedef struct {
    gboolean has_connection; /* a "connection" setting is present */
    const char *type;
    const char *ifname;
    const char *uuid;
    const char *master;
    const char *port_type;
    guint64 timestamp;
    gboolean has_wired_mac;
    guint8 wired_mac[NMI_MAC_LEN]; /* 802-3-ethernet.mac-address */
    gboolean has_bridge_mac;
    guint8 bridge_mac[NMI_MAC_LEN]; /* bridge.mac-address */
    const char *assigned_mac;       /* 802-3-ethernet.assigned-mac-address (cloned MAC or a word) */
} NmiProfileKeys;

gboolean nmi_settings_reply_keys(sd_bus_message *reply, NmiProfileKeys *keys, GError **error);

/* The whole a{sa{sv}}, its dictionaries and their entries as separate GVariants ("tree form":
 * libnm looks every property up by name). Not floating. */
GVariant *nmi_settings_reply_variant(sd_bus_message *reply, GError **error);

G_END_DECLS

#endif /* NMIFACE_NM_SETTINGS_REPLY_H */
