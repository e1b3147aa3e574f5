/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bulk settings reader: a second, private connection to the system bus on which the
 * mirror's first load asks NM for every profile's settings, and which hands each reply over
 * as the bytes that came off the socket. GDBus parses every reply into a tree of GVariants
 * (about 27 KiB of heap for a 1.5 KiB profile) on its worker thread and then hands it to ours;
 * at 1000 profiles that was most of a cold listing's CPU time. A listing needs five keys of
 * each profile, which dbus-wire.c finds in the bytes; the full settings are parsed only for
 * the profiles a call reads (nmi_profile_connection).
 */
#ifndef NMIFACE_NM_BULK_H
#define NMIFACE_NM_BULK_H

#include "dbus-wire.h"

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _NmiBulk NmiBulk;

/* A reply (method return or error) to a call made with nmi_bulk_call: the whole message. */
typedef void (*NmiBulkReplyFunc)(gpointer data, GBytes *message, const NmiWireHeader *header);
/* The connection broke (or the bus refused it): the calls not answered yet never will be.
 * Called once; nmi_bulk_call returns 0 afterwards. */
typedef void (*NmiBulkFailFunc)(gpointer data, const GError *error);

/* Connects to the bus at @address (its unix: path; the connect never waits) and starts
 * authenticating without waiting: calls made right away are sent in the same stream. NULL
 * with @error when there is no such bus or the address is not a local one. */
NmiBulk *nmi_bulk_open(const char *address, const char *destination, GMainContext *context,
                       NmiBulkReplyFunc on_reply, NmiBulkFailFunc on_failure, gpointer data,
                       GError **error);
/* Sends a call without arguments to the destination; its serial, or 0 if the connection has
 * failed. */
guint32 nmi_bulk_call(NmiBulk *bulk, const char *path, const char *iface, const char *member);
/* Safe from within the callbacks: freeing then waits until they return. */
void nmi_bulk_free(NmiBulk *bulk);

G_END_DECLS

#endif /* NMIFACE_NM_BULK_H */
