/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bulk reader's per-profile work (src/driver/nm-settings-reply.c), apart from the bus:
 * a bridge profile's GetSettings reply as NetworkManager 1.42 sends it (captured with busctl
 * from the sandbox of bench/sandbox-bench.sh), written by GDBus, read by sd-bus as the bulk
 * connection reads it. Per reply, CPU time (CLOCK_THREAD_CPUTIME_ID) of reading the listing's
 * keys and of building libnm's GVariant, and the heap a kept message holds (mallinfo2).
 *   bench-settings-reply [N_REPLIES]     (default 2000)
 */
#include <gio/gio.h>
#include <malloc.h>
#include <time.h>

#include "bench-report.h"
#include "nm-settings-reply.h"
#include "sdbus-feed.h"

/* What NM 1.42.4 sends for bench/populate-profiles.py's b1, in NM's order. */
static const char bridge_profile[] =
    "{'connection': {'autoconnect': <false>, 'id': <'b1'>, 'interface-name': <'b1'>,"
    " 'permissions': <@as []>, 'type': <'bridge'>,"
    " 'uuid': <'f7d4f36d-873a-48ae-a4b1-f6f02f832e92'>},"
    " '802-3-ethernet': {'auto-negotiate': <false>, 'mac-address-blacklist': <@as []>,"
    " 's390-options': <@a{ss} {}>},"
    " 'bridge': {'interface-name': <'b1'>, 'stp': <false>, 'vlans': <@aa{sv} []>},"
    " 'ipv4': {'address-data': <@aa{sv} []>, 'addresses': <@aau []>, 'dns-search': <@as []>,"
    " 'method': <'disabled'>, 'route-data': <@aa{sv} []>, 'routes': <@aau []>},"
    " 'ipv6': {'addr-gen-mode': <2>, 'address-data': <@aa{sv} []>,"
    " 'addresses': <@a(ayuay) []>, 'dns-search': <@as []>, 'method': <'ignore'>,"
    " 'route-data': <@aa{sv} []>, 'routes': <@a(ayuayu) []>}, 'proxy': @a{sv} {}}";

/* Replies are fed to sd-bus through a socket pair, this many at a time (its buffer). */
#define FEED_BATCH 64

static void message_unref(gpointer message)
{
    sd_bus_message_unref(message);
}

static double thread_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static GBytes *reply_blobs(GVariant *settings, guint count)
{
    GByteArray *all = g_byte_array_new();

    for (guint i = 0; i < count; i++) {
        g_autoptr(GDBusMessage) message = g_dbus_message_new();
        g_autoptr(GError) error = NULL;
        g_autofree guchar *blob = NULL;
        gsize size;

        g_dbus_message_set_message_type(message, G_DBUS_MESSAGE_TYPE_METHOD_RETURN);
        g_dbus_message_set_reply_serial(message, i + 1);
        g_dbus_message_set_sender(message, ":1.5");
        g_dbus_message_set_serial(message, i + 1);
        g_dbus_message_set_body(message, g_variant_new_tuple(&settings, 1));
        blob = g_dbus_message_to_blob(message, &size, G_DBUS_CAPABILITY_FLAGS_NONE, &error);
        g_assert_no_error(error);
        g_byte_array_append(all, blob, (guint)size);
    }
    return g_byte_array_free_to_bytes(all);
}

int main(int argc, char **argv)
{
    guint n = argc > 1 ? (guint)g_ascii_strtoull(argv[1], NULL, 10) : 2000;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) settings = g_variant_ref_sink(
        g_variant_parse(G_VARIANT_TYPE("a{sa{sv}}"), bridge_profile, NULL, NULL, &error));
    g_autoptr(GBytes) batch = NULL;
    g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func(message_unref);
    g_autofree double *keys_us = NULL, *variant_us = NULL;
    g_autofree char *extra = NULL;
    size_t heap_before;

    g_assert_no_error(error);
    n = MAX(n, 1);
    batch = reply_blobs(settings, FEED_BATCH);
    keys_us = g_new(double, n);
    variant_us = g_new(double, n);
    heap_before = mallinfo2().uordblks;
    while (kept->len < n) {
        g_autoptr(GPtrArray) fed =
            sdbus_feed(g_bytes_get_data(batch, NULL), g_bytes_get_size(batch));

        for (guint i = 0; i < fed->len && kept->len < n; i++)
            g_ptr_array_add(kept, sd_bus_message_ref(fed->pdata[i]));
    }
    for (guint i = 0; i < n; i++) {
        NmiProfileKeys keys;
        double t0 = thread_us();

        if (!nmi_settings_reply_keys(kept->pdata[i], &keys, &error))
            g_error("reading the keys: %s", error->message);
        keys_us[i] = thread_us() - t0;
        g_assert_cmpstr(keys.type, ==, "bridge");
    }
    extra = g_strdup_printf("heap per kept reply %zu B (%zu bytes on the wire)",
                            (mallinfo2().uordblks - heap_before) / n,
                            g_bytes_get_size(batch) / FEED_BATCH);
    for (guint i = 0; i < n; i++) {
        double t0 = thread_us();
        g_autoptr(GVariant) tree = nmi_settings_reply_variant(kept->pdata[i], &error);

        if (tree == NULL)
            g_error("building the settings: %s", error->message);
        variant_us[i] = thread_us() - t0;
    }
    bench_report("listing keys", keys_us, (int)n, extra);
    bench_report("settings GVariant", variant_us, (int)n, NULL);
    return 0;
}
