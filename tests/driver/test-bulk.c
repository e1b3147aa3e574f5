/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bulk reader's connection (src/driver/nm-bulk.c, sd-bus on a GMainContext) against a
 * fake bus on a Unix socket: a thread that speaks the bus's side of authentication and answers
 * calls with replies GDBus builds, sent in small pieces. It checks what a real bus cannot be
 * made to do on demand: authentication refused, garbage, the connection closing right after
 * replies, the reader freed from inside its own callback, a bus that does not answer. (The
 * real bus: every mock and realnm test, which run with NMIFACE_NM_BULK=require.)
 */
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>

#include "nm-bulk.h"
#include "nm-settings-reply.h"

typedef enum {
    SERVE_REPLIES,     /* answer every call, a few bytes at a time */
    SERVE_REJECT,      /* refuse authentication */
    SERVE_GARBAGE,     /* a message that is not one */
    SERVE_CLOSE_AFTER, /* answer two calls in one write, then close */
    SERVE_SILENT,      /* answer Hello only */
} ServeMode;

typedef struct {
    GSocket *listener;
    ServeMode mode;
    guint calls; /* calls to answer (Hello aside) */
    GThread *thread;
} FakeBus;

typedef struct {
    GPtrArray *serials; /* GUINT_TO_POINTER reply_serial of each reply, in order */
    guint failures;
    guint errors; /* error replies */
    guint timeout_ms;
    gboolean free_in_reply;
    NmiBulk *bulk;
} Client;

static void send_all(GSocket *socket, const void *data, gsize len, gsize piece)
{
    for (gsize done = 0; done < len;) {
        gssize n =
            g_socket_send(socket, (const char *)data + done, MIN(piece, len - done), NULL, NULL);

        if (n <= 0)
            return; /* the client went: the test says what it expected */
        done += (gsize)n;
    }
}

/* Reads until @want bytes are in @buf (FALSE at the end of the stream). */
static gboolean read_more(GSocket *socket, GByteArray *buf, gsize want)
{
    while (buf->len < want) {
        guint8 chunk[4096];
        gssize n = g_socket_receive(socket, (char *)chunk, sizeof chunk, NULL, NULL);

        if (n <= 0)
            return FALSE;
        g_byte_array_append(buf, chunk, (guint)n);
    }
    return TRUE;
}

static GDBusMessage *next_message(GSocket *socket, GByteArray *buf)
{
    gssize size;
    GDBusMessage *message;

    if (!read_more(socket, buf, 16))
        return NULL;
    size = g_dbus_message_bytes_needed(buf->data, 16, NULL);
    g_assert_cmpint(size, >, 0);
    if (!read_more(socket, buf, (gsize)size))
        return NULL;
    message = g_dbus_message_new_from_blob(buf->data, size, G_DBUS_CAPABILITY_FLAGS_NONE, NULL);
    g_assert_nonnull(message);
    g_byte_array_remove_range(buf, 0, (guint)size);
    return message;
}

static GBytes *reply_to(GDBusMessage *call, guint32 serial)
{
    g_autoptr(GDBusMessage) reply = g_dbus_message_new_method_reply(call);
    g_autoptr(GError) error = NULL;
    GVariant *settings;
    guchar *blob;
    gsize size;

    g_dbus_message_set_serial(reply, serial);
    if (g_str_equal(g_dbus_message_get_member(call), "Hello")) {
        g_dbus_message_set_body(reply, g_variant_new("(s)", ":1.42"));
    } else {
        settings = g_variant_new_parsed("{'connection': {'interface-name': <%s>}}",
                                        g_dbus_message_get_path(call));
        g_dbus_message_set_body(reply, g_variant_new_tuple(&settings, 1));
    }
    blob = g_dbus_message_to_blob(reply, &size, G_DBUS_CAPABILITY_FLAGS_NONE, &error);
    g_assert_no_error(error);
    return g_bytes_new_take(blob, size);
}

/* The next authentication line from the client, without its CRLF; NULL at the end. */
static char *next_line(GSocket *socket, GByteArray *buf)
{
    const char *end;
    char *line;

    while ((end = g_strstr_len((const char *)buf->data, buf->len, "\r\n")) == NULL)
        if (!read_more(socket, buf, buf->len + 1))
            return NULL;
    line = g_strndup((const char *)buf->data, (gsize)(end - (const char *)buf->data));
    g_byte_array_remove_range(buf, 0, (guint)(end - (const char *)buf->data) + 2);
    return line;
}

/* The bus's side of SASL EXTERNAL, whichever form sd-bus sends; FALSE when it refused. */
static gboolean authenticate(FakeBus *bus, GSocket *socket, GByteArray *buf)
{
    static const char ok[] = "OK 0123456789abcdef0123456789abcdef\r\n";

    /* the credentials byte */
    g_assert_true(read_more(socket, buf, 1));
    g_assert_cmpint(buf->data[0], ==, 0);
    g_byte_array_remove_range(buf, 0, 1);
    for (;;) {
        g_autofree char *line = next_line(socket, buf);

        g_assert_nonnull(line);
        if (g_str_equal(line, "BEGIN"))
            return bus->mode != SERVE_REJECT; /* a bus closes a client that begins unaccepted */
        if (bus->mode == SERVE_REJECT)
            send_all(socket, g_str_has_prefix(line, "AUTH") ? "REJECTED EXTERNAL\r\n" : "ERROR\r\n",
                     g_str_has_prefix(line, "AUTH") ? 19 : 7, 64);
        else if (g_str_equal(line, "AUTH EXTERNAL"))
            send_all(socket, "DATA\r\n", 6, 7); /* the empty challenge */
        else if (g_str_has_prefix(line, "AUTH EXTERNAL ") || g_str_has_prefix(line, "DATA"))
            send_all(socket, ok, sizeof ok - 1, 7);
        else
            g_error("fake bus: unexpected authentication line '%s'", line);
    }
}

static gpointer serve(gpointer data)
{
    FakeBus *bus = data;
    g_autoptr(GSocket) socket = g_socket_accept(bus->listener, NULL, NULL);
    g_autoptr(GByteArray) buf = g_byte_array_new();
    g_autoptr(GByteArray) out = g_byte_array_new();
    guint32 serial = 100;

    g_assert_nonnull(socket);
    if (!authenticate(bus, socket, buf))
        return NULL;
    if (bus->mode == SERVE_GARBAGE) {
        send_all(socket, "xxxxxxxxxxxxxxxxxxxx", 20, 20);
        return NULL;
    }
    for (guint i = 0; i <= bus->calls; i++) {
        g_autoptr(GDBusMessage) call = next_message(socket, buf);
        g_autoptr(GBytes) reply = NULL;
        gsize size;
        const guint8 *data;

        if (call == NULL)
            return NULL;
        if (bus->mode == SERVE_SILENT && i > 0)
            continue;
        reply = reply_to(call, serial++);
        data = g_bytes_get_data(reply, &size);
        if (bus->mode == SERVE_CLOSE_AFTER) {
            g_byte_array_append(out, data, (guint)size);
            if (i == 2) { /* Hello's reply and two more, in one write, then the end */
                send_all(socket, out->data, out->len, out->len);
                return NULL;
            }
        } else {
            send_all(socket, data, size, 5);
        }
    }
    read_more(socket, buf, G_MAXSIZE); /* open until the client closes */
    return NULL;
}

static char *fake_bus_start(FakeBus *bus, ServeMode mode, guint calls)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("nmiface-bulk-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "bus", NULL);
    g_autoptr(GSocketAddress) address = g_unix_socket_address_new(path);

    g_assert_no_error(error);
    bus->mode = mode;
    bus->calls = calls;
    bus->listener =
        g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
    g_assert_no_error(error);
    g_assert_true(g_socket_bind(bus->listener, address, TRUE, &error));
    g_assert_true(g_socket_listen(bus->listener, &error));
    bus->thread = g_thread_new("fake-bus", serve, bus);
    return g_strdup_printf("unix:path=%s", path);
}

static void fake_bus_stop(FakeBus *bus)
{
    g_thread_join(bus->thread);
    g_object_unref(bus->listener);
}

static void on_reply(gpointer data, sd_bus_message *reply)
{
    Client *client = data;
    g_autoptr(GError) error = NULL;
    NmiProfileKeys keys;
    uint64_t cookie = 0;
    g_autofree char *path = NULL;

    g_assert_cmpint(sd_bus_message_get_reply_cookie(reply, &cookie), >=, 0);
    if (sd_bus_message_is_method_error(reply, NULL)) {
        g_test_message("error reply to %" G_GUINT64_FORMAT ": %s", cookie,
                       sd_bus_message_get_error(reply)->name);
        client->errors++;
        return;
    }
    path = g_strdup_printf("/p/%" G_GUINT64_FORMAT, cookie);
    g_assert_true(nmi_settings_reply_keys(reply, &keys, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(keys.ifname, ==, path); /* the reply to the call on that path */
    g_ptr_array_add(client->serials, GUINT_TO_POINTER((guint)cookie));
    if (client->free_in_reply)
        g_clear_pointer(&client->bulk, nmi_bulk_free);
}

static void on_failure(gpointer data, const GError *error)
{
    Client *client = data;

    g_test_message("bulk reader failed: %s", error->message);
    client->failures++;
}

/* Opens a reader on @address, makes @calls calls and runs until @replies replies, @failures
 * failures and @errors error replies came (or 5 s). */
static void run_client(Client *client, const char *address, guint calls, guint replies,
                       guint failures, guint errors)
{
    g_autoptr(GMainContext) context = g_main_context_new();
    g_autoptr(GError) error = NULL;
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    client->serials = g_ptr_array_new();
    client->bulk =
        nmi_bulk_open(address, ":1.5", context, client->timeout_ms ? client->timeout_ms : 5000,
                      on_reply, on_failure, client, &error);
    g_assert_no_error(error);
    for (guint i = 0; i < calls; i++) {
        /* Cookies start at 2 (Hello has 1); the fake bus answers with the path it got. */
        g_autofree char *path = g_strdup_printf("/p/%u", i + 2);

        g_assert_cmpuint(nmi_bulk_call(client->bulk, path, "org.example", "Get"), ==, i + 2);
    }
    while ((client->serials->len < replies || client->failures < failures ||
            client->errors < errors) &&
           g_get_monotonic_time() < deadline)
        if (!g_main_context_iteration(context, FALSE))
            g_usleep(1000);
    g_clear_pointer(&client->bulk, nmi_bulk_free);
    while (g_main_context_iteration(context, FALSE))
        ;
}

/* A fake bus serving in @mode (answering up to @calls calls), the client making @calls calls:
 * checks the replies and failures that came, in @client. */
static void run_against(Client *client, ServeMode mode, guint calls, guint replies, guint failures)
{
    FakeBus bus = {0};
    g_autofree char *address = fake_bus_start(&bus, mode, calls);

    run_client(client, address, calls, replies, failures, 0);
    fake_bus_stop(&bus);
    g_assert_cmpuint(client->serials->len, ==, replies);
    g_assert_cmpuint(client->failures, ==, failures);
    g_assert_cmpuint(client->errors, ==, 0);
    g_ptr_array_unref(client->serials);
}

static void test_replies_in_pieces(void)
{
    Client client = {0};
    FakeBus bus = {0};
    g_autofree char *address = fake_bus_start(&bus, SERVE_REPLIES, 20);

    run_client(&client, address, 20, 20, 0, 0);
    fake_bus_stop(&bus);
    g_assert_cmpuint(client.failures, ==, 0);
    g_assert_cmpuint(client.serials->len, ==, 20);
    for (guint i = 0; i < 20; i++)
        g_assert_cmpuint(GPOINTER_TO_UINT(client.serials->pdata[i]), ==, i + 2);
    g_ptr_array_unref(client.serials);
}

static void test_auth_rejected(void)
{
    Client client = {0};

    run_against(&client, SERVE_REJECT, 3, 0, 1);
}

static void test_garbage(void)
{
    Client client = {0};

    run_against(&client, SERVE_GARBAGE, 3, 0, 1);
}

/* Replies that came in the same read as the end of the stream are handed over first. */
static void test_replies_then_close(void)
{
    Client client = {0};

    run_against(&client, SERVE_CLOSE_AFTER, 5, 2, 1);
}

/* No bus at that address: the open fails at once (the driver then fetches over GDBus); an
 * address without a unix: path is not the bulk reader's. */
static void test_no_bus(void)
{
    g_autoptr(GMainContext) context = g_main_context_new();
    g_autoptr(GError) error = NULL;
    Client client = {0};

    g_assert_null(nmi_bulk_open("unix:path=/nonexistent/nmiface-bulk-test", ":1.5", context, 1000,
                                on_reply, on_failure, &client, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_null(nmi_bulk_open("tcp:host=localhost,port=1", ":1.5", context, 1000, on_reply,
                                on_failure, &client, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    g_assert_cmpuint(client.failures, ==, 0);
}

/* The owner frees the reader from its reply callback (as the driver does when a load ends). */
static void test_free_in_callback(void)
{
    Client client = {.free_in_reply = TRUE};

    run_against(&client, SERVE_REPLIES, 4, 1, 0);
    g_assert_null(client.bulk);
}

/* A call the bus never answers gets sd-bus's timeout error reply once the source's timer
 * fires: the call's deadline holds on this connection too. */
static void test_call_times_out(void)
{
    Client client = {.timeout_ms = 200};
    FakeBus bus = {0};
    g_autofree char *address = fake_bus_start(&bus, SERVE_SILENT, 2);
    gint64 start = g_get_monotonic_time();

    run_client(&client, address, 2, 0, 0, 2);
    g_assert_cmpint(g_get_monotonic_time() - start, <, 4 * G_USEC_PER_SEC);
    fake_bus_stop(&bus);
    g_assert_cmpuint(client.errors, ==, 2);
    g_assert_cmpuint(client.failures, ==, 0);
    g_ptr_array_unref(client.serials);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/bulk/replies-in-pieces", test_replies_in_pieces);
    g_test_add_func("/bulk/auth-rejected", test_auth_rejected);
    g_test_add_func("/bulk/garbage", test_garbage);
    g_test_add_func("/bulk/replies-then-close", test_replies_then_close);
    g_test_add_func("/bulk/free-in-callback", test_free_in_callback);
    g_test_add_func("/bulk/no-bus", test_no_bus);
    g_test_add_func("/bulk/call-times-out", test_call_times_out);
    return g_test_run();
}
