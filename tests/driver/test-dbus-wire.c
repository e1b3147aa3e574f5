/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bulk reader's wire format code (src/driver/dbus-wire.c) against GDBus's own: calls we
 * write parse with g_dbus_message_new_from_blob, and replies GDBus writes (both byte orders)
 * scan to what GVariant lookups find. Every truncation of a reply is an error, not a crash
 * (the ASan run of the suite checks the bounds). With NMIFACE_WIRE_SEEDS=DIR, the replies are
 * also written there as seeds for tests/fuzz/fuzz-dbus-wire.c.
 */
#include <gio/gio.h>
#include <string.h>

#include "dbus-wire.h"
#include "wire-expect.h"

/* Profiles as NM sends them, and odd ones: every type the skipper must step over, empty
 * arrays at each alignment, keys of an unexpected type, the keys in other settings. */
static const char *const settings_texts[] = {
    "{'connection': {'id': <'br0'>, 'uuid': <'1916acb0-bdb6-5a95-8c22-59cc0621079a'>, "
    "'type': <'bridge'>, 'interface-name': <'br0'>, 'timestamp': <uint64 1700000000>, "
    "'autoconnect': <false>, 'permissions': <@as []>}, "
    "'bridge': {'stp': <false>, 'mac-address': <[byte 0x52, 0x54, 0, 0xAB, 0xcd, 1]>}, "
    "'ipv4': {'method': <'manual'>, 'address-data': <[{'address': <'192.0.2.1'>, "
    "'prefix': <uint32 24>}]>, 'addresses': <[[uint32 1, 24, 0]]>, 'dns': <@au []>}, "
    "'ipv6': {'method': <'ignore'>, 'addresses': <@a(ayuay) []>}, 'proxy': @a{sv} {}}",

    "{'802-3-ethernet': {'mac-address': <[byte 1, 2, 3, 4, 5, 6]>, 'mtu': <uint32 1500>, "
    "'s390-options': <@a{ss} {}>, 'assigned-mac-address': <'02:00:00:00:00:01'>}, "
    "'connection': {'type': <'802-3-ethernet'>, 'interface-name': <'eth1'>, "
    "'master': <'br0'>, 'slave-type': <'bridge'>, 'uuid': <'u-1'>}, "
    "'bridge-port': {'priority': <uint32 32>, 'vlans': <@aa{sv} []>}}",

    /* the wrong types are not taken; a variant holding a variant; every basic type */
    "{'connection': {'interface-name': <int32 7>, 'type': <<'vlan'>>, 'uuid': <'u-2'>, "
    "'timestamp': <int64 5>, 'x': <(byte 1, int16 -2, uint16 3, true, int32 -4, uint32 5, "
    "int64 -6, uint64 7, 8.5, 'str', objectpath '/a/b', signature 'a{sv}', handle 3)>, "
    /* arrays of 8-aligned elements at either 4 mod 8 offset: the padding before them */
    "'p': <[uint64 9]>, 'pp': <@a(yy) []>, 'ppp': <[(byte 2, byte 3)]>, 'pppp': <{'k': <1>}>, "
    "'q': <@at []>, 'qq': <[uint64 1]>, 'qqq': <@a{sv} {}>, 'qqqq': <[(byte 4, 'x')]>}, "
    "'vlan': {'id': <uint32 42>, 'parent': <'eth0'>, 'ingress-priority-map': <@as []>}, "
    "'802-3-ethernet': {'mac-address': <[byte 1, 2]>, 'assigned-mac-address': <uint32 1>}}",

    /* no connection setting */
    "{'ipv4': {'method': <'auto'>}}",

    /* empty */
    "@a{sa{sv}} {}",

    /* nested containers inside a skipped key of a read setting */
    "{'connection': {'deep': <[{'a': <[<[<(byte 1, [uint64 2, 3])>]>]>}]>, "
    "'type': <'bond'>, 'interface-name': <'bond0'>}, 'bond': {'options': <{'mode': "
    "'active-backup', 'miimon': '100'}>}, 'bridge': {'mac-address': <@ay []>}}",
};

static GVariant *settings_at(guint i)
{
    g_autoptr(GError) error = NULL;
    GVariant *v =
        g_variant_parse(G_VARIANT_TYPE("a{sa{sv}}"), settings_texts[i], NULL, NULL, &error);

    g_assert_no_error(error);
    return g_variant_ref_sink(v);
}

static GBytes *reply_blob(GVariant *settings, GDBusMessageByteOrder order, guint32 reply_serial)
{
    g_autoptr(GDBusMessage) call = g_dbus_message_new_method_call(
        "org.freedesktop.NetworkManager", "/org/freedesktop/NetworkManager/Settings/1",
        "org.freedesktop.NetworkManager.Settings.Connection", "GetSettings");
    g_autoptr(GDBusMessage) reply = NULL;
    g_autoptr(GError) error = NULL;
    guchar *blob;
    gsize size;

    g_dbus_message_set_serial(call, reply_serial);
    reply = g_dbus_message_new_method_reply(call);
    g_dbus_message_set_serial(reply, 77);
    g_dbus_message_set_sender(reply, ":1.5");
    g_dbus_message_set_destination(reply, ":1.9");
    g_dbus_message_set_body(reply, g_variant_new_tuple(&settings, 1));
    g_dbus_message_set_byte_order(reply, order);
    blob = g_dbus_message_to_blob(reply, &size, G_DBUS_CAPABILITY_FLAGS_NONE, &error);
    g_assert_no_error(error);
    return g_bytes_new_take(blob, size);
}

static void maybe_write_seed(GBytes *blob, const char *name)
{
    const char *dir = g_getenv("NMIFACE_WIRE_SEEDS");
    g_autofree char *path = NULL;
    g_autoptr(GError) error = NULL;
    gsize size;
    const char *data;

    if (dir == NULL)
        return;
    data = g_bytes_get_data(blob, &size);
    path = g_build_filename(dir, name, NULL);
    g_file_set_contents(path, data, (gssize)size, &error);
    g_assert_no_error(error);
}

static void test_call_parses(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GDBusMessage) message = NULL;
    g_autoptr(GError) error = NULL;
    NmiWireHeader header;

    /* Alignment is the message's own, wherever in the buffer it starts. */
    g_byte_array_append(out, (const guint8 *)"xyz", 3);
    nmi_wire_append_call(out, 4242, ":1.7", "/org/freedesktop/NetworkManager/Settings/12",
                         "org.freedesktop.NetworkManager.Settings.Connection", "GetSettings");
    g_assert_cmpuint((out->len - 3) % 8, ==, 0);
    g_assert_cmpuint(nmi_wire_message_size(out->data + 3, out->len - 3, &error), ==, out->len - 3);
    message = g_dbus_message_new_from_blob(out->data + 3, out->len - 3,
                                           G_DBUS_CAPABILITY_FLAGS_NONE, &error);
    g_assert_no_error(error);
    g_assert_cmpint(g_dbus_message_get_message_type(message), ==, G_DBUS_MESSAGE_TYPE_METHOD_CALL);
    g_assert_cmpuint(g_dbus_message_get_serial(message), ==, 4242);
    g_assert_cmpint(g_dbus_message_get_flags(message), ==, G_DBUS_MESSAGE_FLAGS_NO_AUTO_START);
    g_assert_cmpstr(g_dbus_message_get_destination(message), ==, ":1.7");
    g_assert_cmpstr(g_dbus_message_get_path(message), ==,
                    "/org/freedesktop/NetworkManager/Settings/12");
    g_assert_cmpstr(g_dbus_message_get_interface(message), ==,
                    "org.freedesktop.NetworkManager.Settings.Connection");
    g_assert_cmpstr(g_dbus_message_get_member(message), ==, "GetSettings");
    g_assert_null(g_dbus_message_get_body(message));
    g_assert_true(nmi_wire_parse_header(out->data + 3, out->len - 3, &header, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(header.serial, ==, 4242);
    g_assert_cmpuint(header.body_len, ==, 0);
    g_assert_cmpstr(header.signature, ==, "");
}

static void check_reply(guint i, GDBusMessageByteOrder order)
{
    g_autoptr(GVariant) settings = settings_at(i);
    g_autoptr(GBytes) blob = reply_blob(settings, order, 1000 + i);
    g_autoptr(GError) error = NULL;
    g_autofree char *seed = NULL;
    NmiWireProfileKeys keys;
    NmiWireHeader header;
    gsize size;
    const guint8 *data = g_bytes_get_data(blob, &size);

    seed = g_strdup_printf("reply-%u-%c", i, order);
    maybe_write_seed(blob, seed);
    g_assert_cmpuint(nmi_wire_message_size(data, size, &error), ==, size);
    g_assert_true(nmi_wire_parse_header(data, size, &header, &error));
    g_assert_no_error(error);
    g_assert_cmpint(header.type, ==, G_DBUS_MESSAGE_TYPE_METHOD_RETURN);
    g_assert_cmpuint(header.serial, ==, 77);
    g_assert_cmpuint(header.reply_serial, ==, 1000 + i);
    g_assert_cmpint(header.big_endian, ==, order == G_DBUS_MESSAGE_BYTE_ORDER_BIG_ENDIAN);
    g_assert_cmpstr(header.signature, ==, "a{sa{sv}}");
    g_assert_true(nmi_wire_scan_settings(data, &header, &keys, &error));
    g_assert_no_error(error);
    wire_expect_keys(settings, &keys);

    /* Every shorter prefix, and every prefix of the body under a full-size header: errors. */
    for (gsize len = 0; len < size; len++) {
        NmiWireHeader cut;

        g_assert_false(nmi_wire_parse_header(data, len, &cut, NULL));
        if (len >= header.body_offset) {
            cut = header;
            cut.body_len = len - header.body_offset;
            if (cut.body_len < header.body_len)
                g_assert_false(nmi_wire_scan_settings(data, &cut, &keys, NULL));
        }
    }
}

static void test_replies_scan(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(settings_texts); i++) {
        check_reply(i, G_DBUS_MESSAGE_BYTE_ORDER_LITTLE_ENDIAN);
        check_reply(i, G_DBUS_MESSAGE_BYTE_ORDER_BIG_ENDIAN);
    }
}

/* The length of the outer array is the one a wrong value there cannot pass bounds checks. */
static void test_corrupt_lengths(void)
{
    g_autoptr(GVariant) settings = settings_at(0);
    g_autoptr(GBytes) blob = reply_blob(settings, G_DBUS_MESSAGE_BYTE_ORDER_LITTLE_ENDIAN, 5);
    gsize size;
    const guint8 *data = g_bytes_get_data(blob, &size);
    g_autofree guint8 *copy = g_memdup2(data, size);
    NmiWireProfileKeys keys;
    NmiWireHeader header;

    g_assert_true(nmi_wire_parse_header(copy, size, &header, NULL));
    /* Every 32-bit word of the body set to huge, small and zero values: never a crash. */
    for (gsize at = header.body_offset; at + 4 <= size; at += 4) {
        static const guint32 values[] = {0, 1, 3, 0x7fffffff, 0xffffffff};
        guint32 saved;

        memcpy(&saved, copy + at, 4);
        for (guint v = 0; v < G_N_ELEMENTS(values); v++) {
            guint32 value = GUINT32_TO_LE(values[v]);

            memcpy(copy + at, &value, 4);
            (void)nmi_wire_scan_settings(copy, &header, &keys, NULL);
        }
        memcpy(copy + at, &saved, 4);
    }
    /* A header that claims a body larger than the message. */
    copy[4] = 0xff;
    g_assert_false(nmi_wire_parse_header(copy, size, &header, NULL));
    g_assert_cmpuint(nmi_wire_message_size(copy, 15, NULL), ==, 0);
    copy[0] = 'x';
    g_assert_cmpuint(nmi_wire_message_size(copy, size, NULL), ==, 0);
}

static void test_error_reply(void)
{
    g_autoptr(GDBusMessage) call = g_dbus_message_new_method_call(
        ":1.5", "/org/freedesktop/NetworkManager/Settings/3",
        "org.freedesktop.NetworkManager.Settings.Connection", "GetSettings");
    g_autoptr(GDBusMessage) reply = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree guchar *blob = NULL;
    NmiWireProfileKeys keys;
    NmiWireHeader header;
    gsize size;

    g_dbus_message_set_serial(call, 9);
    reply = g_dbus_message_new_method_error(call, "org.freedesktop.DBus.Error.LimitsExceeded",
                                            "too many");
    g_dbus_message_set_serial(reply, 10);
    blob = g_dbus_message_to_blob(reply, &size, G_DBUS_CAPABILITY_FLAGS_NONE, &error);
    g_assert_no_error(error);
    g_assert_true(nmi_wire_parse_header(blob, size, &header, &error));
    g_assert_cmpint(header.type, ==, G_DBUS_MESSAGE_TYPE_ERROR);
    g_assert_cmpuint(header.reply_serial, ==, 9);
    g_assert_cmpstr(header.signature, ==, "s");
    g_assert_false(nmi_wire_scan_settings(blob, &header, &keys, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/dbus-wire/call-parses", test_call_parses);
    g_test_add_func("/dbus-wire/replies-scan", test_replies_scan);
    g_test_add_func("/dbus-wire/corrupt-lengths", test_corrupt_lengths);
    g_test_add_func("/dbus-wire/error-reply", test_error_reply);
    return g_test_run();
}
