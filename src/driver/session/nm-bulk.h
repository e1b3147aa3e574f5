/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bulk settings reader: a second connection to the system bus, made with sd-bus, on which
 * the mirror's first load asks NM for every profile's settings. GDBus parses every reply into
 * a tree of GVariants (about 27 KiB of heap for a 1.5 KiB profile) on its worker thread and
 * then hands it to ours; at 1000 profiles that was most of a cold listing's CPU time. sd-bus
 * hands over each reply as a message read field by field: a listing needs five keys of each
 * profile (nm-settings-reply.h), and the full settings are built only for the profiles a call
 * parses (nmi_profile_connection).
 */
#ifndef NMIFACE_NM_BULK_H
#define NMIFACE_NM_BULK_H

#include <gio/gio.h>
#include <systemd/sd-bus.h>

G_BEGIN_DECLS

typedef struct _NmiBulk NmiBulk;

/* A reply (method return or error, possibly one sd-bus made up for a call that timed out) to
 * a call made with nmi_bulk_call; take a reference to keep it. */
typedef void (*NmiBulkReplyFunc)(gpointer data, sd_bus_message *reply);
/* The connection broke (or the bus refused it): the calls not answered yet never will be.
 * Called once; nmi_bulk_call returns 0 afterwards. */
typedef void (*NmiBulkFailFunc)(gpointer data, const GError *error);

/* Opens a connection to the bus at @address and starts connecting and authenticating without
 * waiting: calls made right away go out once it is up. Replies are read by a source on
 * @context; a call not answered within @timeout_ms gets an error reply. NULL with @error when
 * sd-bus cannot reach such a bus. */
NmiBulk *nmi_bulk_open(const char *address, const char *destination, GMainContext *context,
                       guint timeout_ms, NmiBulkReplyFunc on_reply, NmiBulkFailFunc on_failure,
                       gpointer data, GError **error);
/* Sends a call without arguments to the destination; its cookie (the reply's reply cookie),
 * or 0 if the connection has failed. */
guint64 nmi_bulk_call(NmiBulk *bulk, const char *path, const char *iface, const char *member);
/* Safe from within the callbacks: freeing then waits until they return. */
void nmi_bulk_free(NmiBulk *bulk);

G_END_DECLS

#endif /* NMIFACE_NM_BULK_H */
