/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target over what the driver reads from a GetSettings reply
 * (src/driver/nm-settings-reply.c: the listing's keys, the settings libnm gets), on messages
 * as sd-bus reads them off the bulk reader's connection, checked against GDBus: whatever bytes
 * come in, reading what sd-bus hands over never crashes (ASan), and whenever GDBus reads the
 * same bytes as a well-formed message whose body is a{sa{sv}} settings, our reader accepts
 * them too, finds what GVariant lookups find and hands libnm settings equal to GDBus's.
 * Settings with a name or a read key twice are left out of the key comparison: lookups take
 * the first, the reader the last, and NM never sends them.
 */
#include <gio/gio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdbus-feed.h"
#include "settings-expect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz-settings-reply: %s%s%s\n", what, detail != NULL ? ": " : "",
            detail != NULL ? detail : "");
    abort();
}

/* The settings GDBus reads from @data when it is one well-formed message holding them. */
static GVariant *gdbus_settings(const uint8_t *data, size_t size)
{
    g_autoptr(GDBusMessage) message = NULL;
    g_autofree guchar *canonical = NULL;
    gsize canonical_size = 0;
    GVariant *body;

    if (size < 16 || g_dbus_message_bytes_needed((guchar *)data, 16, NULL) != (gssize)size)
        return NULL;
    message =
        g_dbus_message_new_from_blob((guchar *)data, size, G_DBUS_CAPABILITY_FLAGS_NONE, NULL);
    if (message == NULL)
        return NULL;
    body = g_dbus_message_get_body(message);
    if (body == NULL || !g_variant_is_of_type(body, G_VARIANT_TYPE("(a{sa{sv}})")))
        return NULL;
    /* GDBus reads some malformed messages (an array element running past the array's end,
     * say) that the bus would never pass on: compare only on messages GDBus writes back
     * byte for byte, which are well formed; and not serial 0, which GDBus takes. */
    canonical =
        g_dbus_message_to_blob(message, &canonical_size, G_DBUS_CAPABILITY_FLAGS_NONE, NULL);
    if (canonical == NULL || canonical_size != size || memcmp(canonical, data, size) != 0 ||
        g_dbus_message_get_serial(message) == 0)
        return NULL;
    return g_variant_get_child_value(body, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GPtrArray) messages = sdbus_feed(data, size);
    g_autoptr(GVariant) expected = NULL;
    g_autoptr(GVariant) read_back = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *printed = NULL;
    g_autofree char *why = NULL;
    NmiProfileKeys keys;
    gboolean keys_ok = FALSE;

    /* Any message sd-bus hands over: read both ways, no crash. */
    for (guint i = 0; i < messages->len; i++) {
        g_autoptr(GVariant) settings = NULL;

        keys_ok = nmi_settings_reply_keys(messages->pdata[i], &keys, NULL);
        settings = nmi_settings_reply_variant(messages->pdata[i], NULL);
    }
    expected = gdbus_settings(data, size);
    if (expected == NULL || messages->len != 1)
        return 0; /* not one message both read (sd-bus's checks are its own) */
    read_back = nmi_settings_reply_variant(messages->pdata[0], &error);
    if (read_back == NULL) {
        /* a file descriptor without the fd: refused on purpose */
        printed = g_variant_print(expected, TRUE);
        if (strstr(printed, "handle ") != NULL)
            return 0;
        fail("GDBus reads settings our reader rejects", error->message);
    }
    if (!g_variant_equal(read_back, expected))
        fail("the settings read differ from GDBus's", NULL);
    if (!keys_ok)
        fail("GDBus reads settings whose keys our reader cannot read", NULL);
    if (settings_have_duplicates(expected))
        return 0;
    why = settings_keys_disagree(expected, &keys);
    if (why != NULL)
        fail("the keys read disagree with GVariant lookups", why);
    return 0;
}
