/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The little of the D-Bus wire format (the specification's "Message Format") that the bulk
 * settings reader needs: method calls without arguments, the header fields of a reply, and
 * the few keys a listing reads from a GetSettings reply, found without building a GVariant.
 * Pure functions over bytes; every read is bounds-checked (tests/fuzz/fuzz-dbus-wire.c).
 */
#ifndef NMIFACE_DBUS_WIRE_H
#define NMIFACE_DBUS_WIRE_H

#include <glib.h>

G_BEGIN_DECLS

/* The fixed part of every message: bytes needed to learn a message's full size. */
#define NMI_WIRE_FIXED_HEADER 16

typedef struct {
    guint8 type; /* G_DBUS_MESSAGE_TYPE_* */
    guint32 serial;
    guint32 reply_serial;  /* 0: none */
    const char *signature; /* of the body, "" when none; points into the message */
    gsize body_offset;
    gsize body_len;
    gboolean big_endian;
} NmiWireHeader;

/* Appends a method call with no arguments (flag NO_AUTO_START) in the host's byte order. */
void nmi_wire_append_call(GByteArray *out, guint32 serial, const char *destination,
                          const char *path, const char *iface, const char *member);

/* The whole message's size from its first NMI_WIRE_FIXED_HEADER bytes; 0 with @error when
 * they cannot start a message. */
gsize nmi_wire_message_size(const guint8 *data, gsize len, GError **error);

/* Reads the header of the complete message @msg (@len bytes: its whole size). */
gboolean nmi_wire_parse_header(const guint8 *msg, gsize len, NmiWireHeader *header, GError **error);

/* What a listing needs of a profile, from a GetSettings reply (body a{sa{sv}}). Strings and
 * byte arrays point into the message; NULL when absent or of another type than NM sends. */
typedef struct {
    gboolean has_connection; /* a "connection" setting is present */
    const char *type;
    const char *ifname;
    const char *uuid;
    const char *master;
    const char *port_type;
    guint64 timestamp;
    const guint8 *wired_mac; /* 802-3-ethernet.mac-address */
    gsize wired_mac_len;
    const guint8 *bridge_mac; /* bridge.mac-address */
    gsize bridge_mac_len;
    const char *assigned_mac; /* 802-3-ethernet.assigned-mac-address (cloned MAC or a word) */
} NmiWireProfileKeys;

gboolean nmi_wire_scan_settings(const guint8 *msg, const NmiWireHeader *header,
                                NmiWireProfileKeys *keys, GError **error);

G_END_DECLS

#endif /* NMIFACE_DBUS_WIRE_H */
