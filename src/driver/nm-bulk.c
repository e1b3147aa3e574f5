/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bulk settings reader's connection (nm-bulk.h). It speaks just enough D-Bus for its
 * purpose: SASL EXTERNAL without an initial response (the form that also works across user
 * namespaces), sent in one go with BEGIN and Hello as sd-bus does; then method calls out and
 * replies in, read straight from a non-blocking socket by sources on the caller's context.
 * Only local (unix:) buses: a connect there succeeds or fails at once, so it needs no thread
 * or timer to stay within a call's deadline.
 * Anything unexpected fails the connection, and its owner asks again over GDBus.
 */
#include "nm-bulk.h"

#include <gio/gunixsocketaddress.h>
#include <string.h>

#define READ_CHUNK     (64 * 1024)
#define MAX_AUTH_LINE  4096
#define BUS_NAME       "org.freedesktop.DBus"
#define BUS_PATH       "/org/freedesktop/DBus"
#define AUTH_AND_BEGIN "\0AUTH EXTERNAL\r\nDATA\r\nBEGIN\r\n"

typedef enum {
    STATE_AUTH,     /* waiting for the bus's "OK" */
    STATE_MESSAGES, /* authenticated: messages follow */
    STATE_FAILED,
} BulkState;

struct _NmiBulk {
    GSocket *socket;
    GMainContext *context;
    GSource *in_source;
    GSource *out_source;
    GByteArray *in;  /* received, not handled yet */
    GByteArray *out; /* to send, from out_pos on */
    gsize out_pos;
    char *destination;
    guint32 next_serial;
    guint32 hello_serial;
    BulkState state;
    NmiBulkReplyFunc on_reply;
    NmiBulkFailFunc on_failure;
    gpointer data;
    guint depth;    /* > 0 while a callback of ours runs: freeing waits */
    gboolean freed; /* nmi_bulk_free came meanwhile */
};

static gboolean out_cb(GSocket *socket, GIOCondition condition, gpointer data);

static void drop_source(GSource **source)
{
    if (*source == NULL)
        return;
    g_source_destroy(*source);
    g_clear_pointer(source, g_source_unref);
}

static void really_free(NmiBulk *bulk)
{
    drop_source(&bulk->in_source);
    drop_source(&bulk->out_source);
    g_socket_close(bulk->socket, NULL);
    g_object_unref(bulk->socket);
    g_byte_array_unref(bulk->in);
    g_byte_array_unref(bulk->out);
    g_free(bulk->destination);
    g_free(bulk);
}

static void enter(NmiBulk *bulk)
{
    bulk->depth++;
}

/* FALSE when the bulk was freed on the way out: do not touch it. */
static gboolean leave(NmiBulk *bulk)
{
    if (--bulk->depth == 0 && bulk->freed) {
        really_free(bulk);
        return FALSE;
    }
    return TRUE;
}

static void fail(NmiBulk *bulk, const GError *error)
{
    if (bulk->state == STATE_FAILED)
        return;
    bulk->state = STATE_FAILED;
    drop_source(&bulk->in_source);
    drop_source(&bulk->out_source);
    bulk->on_failure(bulk->data, error);
}

static void fail_with(NmiBulk *bulk, const char *why)
{
    g_autoptr(GError) error = g_error_new(G_IO_ERROR, G_IO_ERROR_FAILED, "%s", why);

    fail(bulk, error);
}

/* ---- sending ------------------------------------------------------------------------------ */

/* Sends what the socket takes now; the rest when it is writable again. */
static gboolean flush(NmiBulk *bulk, GError **error)
{
    while (bulk->out_pos < bulk->out->len) {
        g_autoptr(GError) local = NULL;
        gssize n = g_socket_send(bulk->socket, (const char *)bulk->out->data + bulk->out_pos,
                                 bulk->out->len - bulk->out_pos, NULL, &local);

        if (n > 0) {
            bulk->out_pos += (gsize)n;
            continue;
        }
        if (g_error_matches(local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
            if (bulk->out_source == NULL) {
                bulk->out_source = g_socket_create_source(bulk->socket, G_IO_OUT, NULL);
                g_source_set_callback(bulk->out_source, (GSourceFunc)(void (*)(void))out_cb, bulk,
                                      NULL);
                g_source_attach(bulk->out_source, bulk->context);
            }
            return TRUE;
        }
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    g_byte_array_set_size(bulk->out, 0);
    bulk->out_pos = 0;
    drop_source(&bulk->out_source);
    return TRUE;
}

static gboolean out_cb(GSocket *socket, GIOCondition condition, gpointer data)
{
    NmiBulk *bulk = data;
    g_autoptr(GError) error = NULL;

    enter(bulk);
    if (!flush(bulk, &error))
        fail(bulk, error);
    /* flush() dropped this source when everything went out */
    leave(bulk);
    return G_SOURCE_CONTINUE;
}

guint32 nmi_bulk_call(NmiBulk *bulk, const char *path, const char *iface, const char *member)
{
    g_autoptr(GError) error = NULL;
    guint32 serial;
    gboolean failed;

    if (bulk->state == STATE_FAILED || bulk->freed)
        return 0;
    serial = bulk->next_serial++;
    if (bulk->next_serial == 0)
        bulk->next_serial = 1;
    nmi_wire_append_call(bulk->out, serial, bulk->destination, path, iface, member);
    enter(bulk);
    if (!flush(bulk, &error))
        fail(bulk, error);
    failed = bulk->state == STATE_FAILED;
    if (!leave(bulk))
        return 0;
    return failed ? 0 : serial;
}

/* ---- receiving ---------------------------------------------------------------------------- */

/* The bus's answers to AUTH, DATA and BEGIN: "DATA" (the empty challenge), then "OK <guid>".
 * Returns the bytes they took. */
static gsize read_auth(NmiBulk *bulk)
{
    gsize pos = 0;

    while (bulk->state == STATE_AUTH) {
        const char *line = (const char *)bulk->in->data + pos;
        gsize avail = bulk->in->len - pos;
        const char *end = g_strstr_len(line, (gssize)avail, "\r\n");
        gsize len;

        if (end == NULL) {
            if (avail > MAX_AUTH_LINE)
                fail_with(bulk, "the bus sent an overlong authentication line");
            break;
        }
        len = (gsize)(end - line);
        pos += len + 2;
        if (len >= 2 && strncmp(line, "OK", 2) == 0 && (len == 2 || line[2] == ' '))
            bulk->state = STATE_MESSAGES;
        else if (len < 4 || strncmp(line, "DATA", 4) != 0 || (len > 4 && line[4] != ' '))
            fail_with(bulk, "the bus did not accept EXTERNAL authentication");
    }
    return pos;
}

static void dispatch(NmiBulk *bulk, GBytes *message)
{
    g_autoptr(GError) error = NULL;
    NmiWireHeader header;
    gsize size;
    const guint8 *data = g_bytes_get_data(message, &size);

    if (!nmi_wire_parse_header(data, size, &header, &error)) {
        fail(bulk, error);
        return;
    }
    if ((header.type != G_DBUS_MESSAGE_TYPE_METHOD_RETURN &&
         header.type != G_DBUS_MESSAGE_TYPE_ERROR) ||
        header.reply_serial == 0)
        return; /* signals: NameAcquired */
    if (header.reply_serial == bulk->hello_serial) {
        if (header.type == G_DBUS_MESSAGE_TYPE_ERROR)
            fail_with(bulk, "the bus refused Hello");
        return;
    }
    bulk->on_reply(bulk->data, message, &header);
}

static void handle_input(NmiBulk *bulk)
{
    gsize pos = read_auth(bulk);

    while (bulk->state == STATE_MESSAGES && !bulk->freed) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) message = NULL;
        gsize avail = bulk->in->len - pos, size;

        if (avail < NMI_WIRE_FIXED_HEADER)
            break;
        size = nmi_wire_message_size(bulk->in->data + pos, avail, &error);
        if (size == 0) {
            fail(bulk, error);
            break;
        }
        if (avail < size)
            break;
        message = g_bytes_new(bulk->in->data + pos, size);
        pos += size;
        dispatch(bulk, message);
    }
    if (!bulk->freed)
        g_byte_array_remove_range(bulk->in, 0, (guint)pos);
}

/* Reads what is there, a few chunks at most so replies are handled as they come; FALSE with
 * @error at the end of the stream or on a socket error. */
static gboolean receive(NmiBulk *bulk, GError **error)
{
    for (int i = 0; i < 4; i++) {
        g_autoptr(GError) local = NULL;
        guint old = bulk->in->len;
        gssize n;

        g_byte_array_set_size(bulk->in, old + READ_CHUNK);
        n = g_socket_receive(bulk->socket, (char *)bulk->in->data + old, READ_CHUNK, NULL, &local);
        g_byte_array_set_size(bulk->in, old + (guint)MAX(n, 0));
        if (n > 0)
            continue;
        if (n == 0) {
            g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                                "the bus closed the connection");
            return FALSE;
        }
        if (g_error_matches(local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return TRUE;
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    return TRUE;
}

static gboolean in_cb(GSocket *socket, GIOCondition condition, gpointer data)
{
    NmiBulk *bulk = data;
    g_autoptr(GError) error = NULL;
    gboolean ended, failed;

    enter(bulk);
    ended = !receive(bulk, &error);
    /* What came before the end is handled first: the replies it holds are good. */
    if (!bulk->freed)
        handle_input(bulk);
    if (ended && !bulk->freed)
        fail(bulk, error);
    failed = bulk->state == STATE_FAILED;
    if (!leave(bulk))
        return G_SOURCE_REMOVE;
    return failed ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* ---- opening and closing ------------------------------------------------------------------ */

/* The socket address of a bus address's first unix: entry (path= or abstract=), or NULL: the
 * bulk reader speaks only to local buses (the system bus is one); GDBus serves the rest. */
static GSocketAddress *unix_address(const char *address)
{
    g_auto(GStrv) entries = g_strsplit(address, ";", -1);

    for (guint i = 0; entries[i] != NULL; i++) {
        g_auto(GStrv) keys = NULL;

        if (!g_str_has_prefix(entries[i], "unix:"))
            continue;
        keys = g_strsplit(entries[i] + strlen("unix:"), ",", -1);
        for (guint k = 0; keys[k] != NULL; k++) {
            gboolean abstract = g_str_has_prefix(keys[k], "abstract=");
            g_autofree char *path = NULL;

            if (!abstract && !g_str_has_prefix(keys[k], "path="))
                continue;
            path = g_uri_unescape_string(strchr(keys[k], '=') + 1, NULL);
            if (path == NULL || *path == '\0')
                return NULL;
            return g_unix_socket_address_new_with_type(
                path, -1, abstract ? G_UNIX_SOCKET_ADDRESS_ABSTRACT : G_UNIX_SOCKET_ADDRESS_PATH);
        }
    }
    return NULL;
}

NmiBulk *nmi_bulk_open(const char *address, const char *destination, GMainContext *context,
                       NmiBulkReplyFunc on_reply, NmiBulkFailFunc on_failure, gpointer data,
                       GError **error)
{
    g_autoptr(GSocketAddress) socket_address = unix_address(address);
    g_autoptr(GSocket) socket = NULL;
    NmiBulk *bulk;

    if (socket_address == NULL) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    "the bus address %s has no unix: path", address);
        return NULL;
    }
    socket =
        g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
    if (socket == NULL)
        return NULL;
    /* Never waits: a local connect succeeds or fails at once (EAGAIN when the bus's listen
     * queue is full), so a call's deadline cannot pass here. */
    g_socket_set_blocking(socket, FALSE);
    if (!g_socket_connect(socket, socket_address, NULL, error))
        return NULL;
    bulk = g_new0(NmiBulk, 1);
    bulk->socket = g_steal_pointer(&socket);
    bulk->context = context;
    bulk->in = g_byte_array_new();
    bulk->out = g_byte_array_new();
    bulk->destination = g_strdup(destination);
    bulk->on_reply = on_reply;
    bulk->on_failure = on_failure;
    bulk->data = data;
    /* The leading NUL byte carries the credentials the bus checks EXTERNAL against. */
    g_byte_array_append(bulk->out, (const guint8 *)AUTH_AND_BEGIN, sizeof AUTH_AND_BEGIN - 1);
    bulk->hello_serial = 1;
    bulk->next_serial = 2;
    nmi_wire_append_call(bulk->out, bulk->hello_serial, BUS_NAME, BUS_PATH, BUS_NAME, "Hello");
    if (!flush(bulk, error)) {
        really_free(bulk);
        return NULL;
    }
    bulk->in_source = g_socket_create_source(bulk->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
    g_source_set_callback(bulk->in_source, (GSourceFunc)(void (*)(void))in_cb, bulk, NULL);
    g_source_attach(bulk->in_source, context);
    return bulk;
}

void nmi_bulk_free(NmiBulk *bulk)
{
    if (bulk == NULL)
        return;
    if (bulk->depth > 0) {
        /* Inside one of our callbacks: no more of them, freed on the way out. */
        bulk->freed = TRUE;
        bulk->state = STATE_FAILED;
        drop_source(&bulk->in_source);
        drop_source(&bulk->out_source);
        return;
    }
    really_free(bulk);
}
