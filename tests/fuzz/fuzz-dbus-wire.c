/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target over the bulk reader's wire format code (src/driver/dbus-wire.c), checked
 * against GDBus: whatever bytes come in, reading them never crashes or reads out of bounds
 * (ASan), and whenever GDBus reads a well-formed message whose body is a{sa{sv}} settings,
 * our header parse and key scan accept it too and find what GVariant lookups find
 * (wire-expect.c).
 * Settings with a name or a read key twice are left out of the comparison: lookups take the
 * first, the scan the last, and NM never sends them.
 */
#include <gio/gio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbus-wire.h"
#include "wire-expect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz-dbus-wire: %s%s%s\n", what, detail != NULL ? ": " : "",
            detail != NULL ? detail : "");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GDBusMessage) message = NULL;
    g_autoptr(GVariant) settings = NULL;
    g_autofree char *why = NULL;
    NmiWireProfileKeys keys;
    NmiWireHeader header;
    gboolean header_ok, scan_ok = FALSE;
    g_autofree guchar *canonical = NULL;
    gsize framed, canonical_size = 0;
    GVariant *body;

    /* Any bytes: no crash, no read out of bounds. */
    header_ok = nmi_wire_parse_header(data, size, &header, NULL);
    if (header_ok)
        scan_ok = nmi_wire_scan_settings(data, &header, &keys, NULL);
    /* The reader hands over whole messages framed by the size in their header; GDBus is given
     * the same bytes (it reads a blob shorter or longer than that size, too). */
    framed = nmi_wire_message_size(data, size, NULL);
    if (framed == 0 || framed != size)
        return 0;
    message =
        g_dbus_message_new_from_blob((guchar *)data, size, G_DBUS_CAPABILITY_FLAGS_NONE, NULL);
    if (message == NULL)
        return 0;
    body = g_dbus_message_get_body(message);
    if (body == NULL || !g_variant_is_of_type(body, G_VARIANT_TYPE("(a{sa{sv}})")))
        return 0;
    /* GDBus reads some malformed messages (an array element running past the array's end,
     * say) that the bus would never pass on: compare only on messages GDBus writes back
     * byte for byte, which are well formed. */
    canonical =
        g_dbus_message_to_blob(message, &canonical_size, G_DBUS_CAPABILITY_FLAGS_NONE, NULL);
    if (canonical == NULL || canonical_size != size || memcmp(canonical, data, size) != 0)
        return 0;
    /* ... and serial 0, which the specification and the bus reject and GDBus takes */
    if (g_dbus_message_get_serial(message) == 0)
        return 0;
    if (!header_ok)
        fail("GDBus reads a message whose header we reject", NULL);
    if (header.serial != g_dbus_message_get_serial(message) ||
        header.type != (guint8)g_dbus_message_get_message_type(message))
        fail("the header's serial or type differs from GDBus's", NULL);
    if (!scan_ok)
        fail("GDBus reads settings the scan rejects", NULL);
    settings = g_variant_get_child_value(body, 0);
    if (wire_settings_have_duplicates(settings))
        return 0;
    why = wire_keys_disagree(settings, &keys);
    if (why != NULL)
        fail("the scan disagrees with GVariant lookups", why);
    return 0;
}
