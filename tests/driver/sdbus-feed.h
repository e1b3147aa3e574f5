/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* D-Bus messages as bytes, read by sd-bus as the bulk reader's connection reads them: shared
 * by tests/driver/test-settings-reply.c and tests/fuzz/fuzz-settings-reply.c. */
#ifndef NMIFACE_SDBUS_FEED_H
#define NMIFACE_SDBUS_FEED_H

#include <glib.h>
#include <systemd/sd-bus.h>

/* The messages sd-bus reads from @data (what a bus sends after authentication), in order,
 * each a new reference (sd_bus_message_unref frees them); those before the first that sd-bus
 * refuses. */
GPtrArray *sdbus_feed(const void *data, gsize size);

#endif /* NMIFACE_SDBUS_FEED_H */
