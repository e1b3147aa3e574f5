/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the driver reads from a GetSettings reply through sd-bus (src/driver/
 * nm-settings-reply.c): replies GDBus writes, in both byte orders, from the settings in
 * data/settings-replies.txt, read by sd-bus as the bulk reader reads them; the listing's keys
 * must be what GVariant lookups find, and the settings handed to libnm equal to what was sent,
 * read as often as asked. With NMIFACE_SETTINGS_SEEDS=DIR, the messages are also written there
 * as seeds for tests/fuzz/fuzz-settings-reply.c.
 */
#include <gio/gio.h>

#include "sdbus-feed.h"
#include "settings-expect.h"

/* The paragraphs of the data file that are not comments. */
static GPtrArray *load_settings(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    g_auto(GStrv) paragraphs = NULL;
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);

    g_assert_true(g_file_get_contents(SETTINGS_REPLIES_FILE, &text, NULL, &error));
    g_assert_no_error(error);
    paragraphs = g_strsplit(text, "\n\n", -1);
    for (guint i = 0; paragraphs[i] != NULL; i++) {
        g_auto(GStrv) lines = g_strsplit(paragraphs[i], "\n", -1);
        g_autoptr(GString) body = g_string_new(NULL);
        GVariant *settings;

        for (guint l = 0; lines[l] != NULL; l++)
            if (lines[l][0] != '#')
                g_string_append_printf(body, "%s\n", lines[l]);
        if (g_strstrip(body->str)[0] == '\0')
            continue;
        settings = g_variant_parse(G_VARIANT_TYPE("a{sa{sv}}"), body->str, NULL, NULL, &error);
        g_assert_no_error(error);
        g_ptr_array_add(all, g_variant_ref_sink(settings));
    }
    g_assert_cmpuint(all->len, >, 0);
    return all;
}

static GBytes *reply_blob(GVariant *settings, GDBusMessageByteOrder order, guint32 reply_serial)
{
    g_autoptr(GDBusMessage) message = g_dbus_message_new();
    g_autoptr(GError) error = NULL;
    guchar *blob;
    gsize size;

    g_dbus_message_set_message_type(message, G_DBUS_MESSAGE_TYPE_METHOD_RETURN);
    g_dbus_message_set_reply_serial(message, reply_serial);
    g_dbus_message_set_sender(message, ":1.5");
    g_dbus_message_set_byte_order(message, order);
    g_dbus_message_set_serial(message, 77);
    g_dbus_message_set_body(message, g_variant_new_tuple(&settings, 1));
    blob = g_dbus_message_to_blob(message, &size, G_DBUS_CAPABILITY_FLAGS_NONE, &error);
    g_assert_no_error(error);
    return g_bytes_new_take(blob, size);
}

static void maybe_write_seed(GBytes *blob, const char *name)
{
    const char *dir = g_getenv("NMIFACE_SETTINGS_SEEDS");
    g_autofree char *path = NULL;
    g_autoptr(GError) error = NULL;
    gsize size;
    const char *data = g_bytes_get_data(blob, &size);

    if (dir == NULL)
        return;
    path = g_build_filename(dir, name, NULL);
    g_assert_true(g_file_set_contents(path, data, (gssize)size, &error));
    g_assert_no_error(error);
}

static void check_reply(GVariant *settings, guint i, GDBusMessageByteOrder order)
{
    g_autoptr(GBytes) blob = reply_blob(settings, order, 1000 + i);
    g_autoptr(GPtrArray) messages = NULL;
    g_autofree char *seed = g_strdup_printf("reply-%u-%c", i, order);
    gsize size;
    const guint8 *data = g_bytes_get_data(blob, &size);
    uint64_t cookie = 0;
    sd_bus_message *reply;

    maybe_write_seed(blob, seed);
    messages = sdbus_feed(data, size);
    g_assert_cmpuint(messages->len, ==, 1);
    reply = messages->pdata[0];
    g_assert_cmpint(sd_bus_message_get_reply_cookie(reply, &cookie), >=, 0);
    g_assert_cmpuint(cookie, ==, 1000 + i);
    /* Read twice each way, in either order: each read starts from the beginning. */
    for (guint round = 0; round < 2; round++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) read_back = NULL;
        NmiProfileKeys keys;

        nmi_settings_reply_keys(reply, &keys, &error);
        g_assert_no_error(error);
        settings_expect_keys(settings, &keys);
        read_back = nmi_settings_reply_variant(reply, &error);
        g_assert_no_error(error);
        g_assert_true(g_variant_equal(read_back, settings));
        g_assert_false(g_variant_is_floating(read_back));
    }
}

static void test_replies(void)
{
    g_autoptr(GPtrArray) all = load_settings();

    for (guint i = 0; i < all->len; i++) {
        g_test_message("settings %u", i);
        check_reply(all->pdata[i], i, G_DBUS_MESSAGE_BYTE_ORDER_LITTLE_ENDIAN);
        check_reply(all->pdata[i], i, G_DBUS_MESSAGE_BYTE_ORDER_BIG_ENDIAN);
    }
}

/* A reply that holds something else than settings (an error's message) is refused. */
static void test_not_settings(void)
{
    g_autoptr(GDBusMessage) call = g_dbus_message_new_method_call(
        ":1.5", "/org/freedesktop/NetworkManager/Settings/3",
        "org.freedesktop.NetworkManager.Settings.Connection", "GetSettings");
    g_autoptr(GDBusMessage) reply = NULL;
    g_autoptr(GPtrArray) messages = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) settings = NULL;
    g_autofree guchar *blob = NULL;
    NmiProfileKeys keys;
    gsize size;

    g_dbus_message_set_serial(call, 9);
    reply = g_dbus_message_new_method_error(call, "org.freedesktop.DBus.Error.LimitsExceeded",
                                            "too many");
    g_dbus_message_set_serial(reply, 10);
    blob = g_dbus_message_to_blob(reply, &size, G_DBUS_CAPABILITY_FLAGS_NONE, &error);
    g_assert_no_error(error);
    messages = sdbus_feed(blob, size);
    g_assert_cmpuint(messages->len, ==, 1);
    g_assert_false(nmi_settings_reply_keys(messages->pdata[0], &keys, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_clear_error(&error);
    settings = nmi_settings_reply_variant(messages->pdata[0], &error);
    g_assert_null(settings);
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

/* The settings @text in GVariant's text format. */
static GVariant *settings_parse(const char *text)
{
    g_autoptr(GError) error = NULL;
    GVariant *settings = g_variant_parse(G_VARIANT_TYPE("a{sa{sv}}"), text, NULL, NULL, &error);

    g_assert_no_error(error);
    return g_variant_ref_sink(settings);
}

/* What the reader hands libnm from @blob, which sd-bus must read as one message. */
static GVariant *read_back_one(GBytes *blob, GError **error)
{
    g_autoptr(GPtrArray) messages = NULL;
    gsize size;
    const guint8 *data = g_bytes_get_data(blob, &size);

    messages = sdbus_feed(data, size);
    g_assert_cmpuint(messages->len, ==, 1);
    return nmi_settings_reply_variant(messages->pdata[0], error);
}

/* A file descriptor in the settings, without the fd itself (NM sends none): an error, not a
 * made-up value. */
static void test_handle_refused(void)
{
    g_autoptr(GVariant) settings =
        settings_parse("{'connection': {'type': <'bond'>, 'fd': <handle 0>}}");
    g_autoptr(GBytes) blob = reply_blob(settings, G_DBUS_MESSAGE_BYTE_ORDER_LITTLE_ENDIAN, 5);
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) read_back = read_back_one(blob, &error);

    g_assert_null(read_back);
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

/* A reply holding "\r\n" in its first bytes (here its reply serial) is one message, not a line
 * of the bus's authentication answer (tests/fuzz/regressions-settings-reply/). */
static void test_crlf_in_header(void)
{
    g_autoptr(GVariant) settings =
        settings_parse("{'connection': {'id': <'crlf'>, 'type': <'bridge'>}}");
    g_autoptr(GBytes) blob = reply_blob(settings, G_DBUS_MESSAGE_BYTE_ORDER_LITTLE_ENDIAN, 0x0a0d);
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) read_back = NULL;
    gsize size;
    const guint8 *data = g_bytes_get_data(blob, &size);
    gboolean has_crlf = FALSE;

    for (gsize i = 0; i + 1 < size; i++)
        has_crlf = has_crlf || (data[i] == '\r' && data[i + 1] == '\n');
    g_assert_true(has_crlf);
    read_back = read_back_one(blob, &error);
    g_assert_no_error(error);
    g_assert_true(g_variant_equal(read_back, settings));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/settings-reply/replies", test_replies);
    g_test_add_func("/settings-reply/not-settings", test_not_settings);
    g_test_add_func("/settings-reply/handle-refused", test_handle_refused);
    g_test_add_func("/settings-reply/crlf-in-header", test_crlf_in_header);
    return g_test_run();
}
