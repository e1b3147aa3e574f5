/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bulk settings reader's connection (nm-bulk.h): sd-bus, driven by a source on the
 * caller's GMainContext, so the caller's waits (and their deadlines) run it. sd-bus connects
 * and authenticates without blocking and queues calls made meanwhile.
 * Anything unexpected fails the connection, and its owner asks again over GDBus.
 */
#include "nm-bulk.h"

#include <poll.h>

#define DEFAULT_SYSTEM_BUS "unix:path=/run/dbus/system_bus_socket"

/* sd-bus's file descriptor, the events and the timeout it wants, on a GMainContext. */
typedef struct {
    GSource source;
    sd_bus *bus;
    gpointer fd_tag;
    GIOCondition events; /* polled for now */
} BusSource;

struct _NmiBulk {
    sd_bus *bus;
    GSource *source;
    char *destination;
    guint64 timeout_us;
    NmiBulkReplyFunc on_reply;
    NmiBulkFailFunc on_failure;
    gpointer data;
    gboolean ready; /* Hello was answered */
    gboolean failed;
    guint depth;    /* > 0 while a callback of ours runs: freeing waits */
    gboolean freed; /* nmi_bulk_free came meanwhile */
};

/* ---- the source ----------------------------------------------------------------------------- */

static gboolean bus_source_prepare(GSource *source, gint *timeout)
{
    BusSource *bs = (BusSource *)source;
    int events = sd_bus_get_events(bs->bus);
    uint64_t until = UINT64_MAX;
    GIOCondition wanted;
    gint64 now;

    *timeout = -1;
    if (events < 0) {
        *timeout = 0; /* closed: dispatch finds out */
        return TRUE;
    }
    wanted = ((events & POLLIN) ? G_IO_IN : 0) | ((events & POLLOUT) ? G_IO_OUT : 0);
    /* Each change wakes the context up: only real changes, or the loop never sleeps. */
    if (wanted != bs->events) {
        g_source_modify_unix_fd(source, bs->fd_tag, wanted);
        bs->events = wanted;
    }
    if (sd_bus_get_timeout(bs->bus, &until) <= 0 || until == UINT64_MAX)
        return FALSE;
    /* sd-bus's clock is CLOCK_MONOTONIC in microseconds, as GLib's */
    now = g_get_monotonic_time();
    if (until <= (uint64_t)now) {
        *timeout = 0;
        return TRUE;
    }
    *timeout = (gint)MIN((until - (uint64_t)now + 999) / 1000, (uint64_t)G_MAXINT);
    return FALSE;
}

static gboolean bus_source_check(GSource *source)
{
    BusSource *bs = (BusSource *)source;
    uint64_t until = UINT64_MAX;

    if (g_source_query_unix_fd(source, bs->fd_tag) != 0)
        return TRUE;
    return sd_bus_get_timeout(bs->bus, &until) > 0 && until <= (uint64_t)g_get_monotonic_time();
}

static gboolean bus_source_dispatch(GSource *source, GSourceFunc callback, gpointer data)
{
    return callback(data);
}

static GSourceFuncs bus_source_funcs = {
    .prepare = bus_source_prepare,
    .check = bus_source_check,
    .dispatch = bus_source_dispatch,
};

/* ---- the connection ----------------------------------------------------------------------- */

static void really_free(NmiBulk *bulk)
{
    if (bulk->source != NULL) {
        g_source_destroy(bulk->source);
        g_source_unref(bulk->source);
    }
    /* Closes without flushing (that could block); unanswered calls are dropped silently. */
    sd_bus_close_unref(bulk->bus);
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

static void fail_errno(NmiBulk *bulk, int r, const char *what)
{
    g_autoptr(GError) error = NULL;

    if (bulk->failed)
        return;
    bulk->failed = TRUE;
    if (r < 0)
        error = g_error_new(G_IO_ERROR, g_io_error_from_errno(-r), "%s: %s", what, g_strerror(-r));
    else
        error = g_error_new(G_IO_ERROR, G_IO_ERROR_CLOSED, "%s", what);
    bulk->on_failure(bulk->data, error);
}

static gboolean process_cb(gpointer data)
{
    NmiBulk *bulk = data;
    int r;

    enter(bulk);
    /* Everything sd-bus has read is handled before it sees the end of the stream, so replies
     * that came before the connection broke are good. A closing bus is not processed further:
     * sd-bus would make up an error reply for every pending call. */
    while (!bulk->freed && !bulk->failed) {
        r = sd_bus_process(bulk->bus, NULL);
        if (r < 0)
            fail_errno(bulk, r,
                       bulk->ready ? "the bus connection failed"
                                   : "the bus refused the connection");
        else if (!sd_bus_is_open(bulk->bus))
            fail_errno(bulk, 0, "the bus closed the connection");
        else if (r == 0)
            break;
        bulk->ready = bulk->ready || sd_bus_is_ready(bulk->bus) > 0;
    }
    if (!leave(bulk))
        return G_SOURCE_REMOVE;
    if (bulk->failed) {
        g_clear_pointer(&bulk->source, g_source_unref); /* destroyed by returning REMOVE */
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static int reply_cb(sd_bus_message *reply, void *data, sd_bus_error *ret_error)
{
    NmiBulk *bulk = data;

    if (bulk->freed || bulk->failed)
        return 0;
    bulk->on_reply(bulk->data, reply);
    return 0;
}

guint64 nmi_bulk_call(NmiBulk *bulk, const char *path, const char *iface, const char *member)
{
    __attribute__((cleanup(sd_bus_message_unrefp))) sd_bus_message *call = NULL;
    uint64_t cookie = 0;
    int r;

    if (bulk->failed || bulk->freed)
        return 0;
    r = sd_bus_message_new_method_call(bulk->bus, &call, bulk->destination, path, iface, member);
    if (r >= 0)
        r = sd_bus_message_set_auto_start(call, FALSE);
    /* A floating slot: the bus owns it, and closing the bus drops it without a callback. */
    if (r >= 0)
        r = sd_bus_call_async(bulk->bus, NULL, call, reply_cb, bulk, bulk->timeout_us);
    if (r >= 0)
        r = sd_bus_message_get_cookie(call, &cookie);
    if (r < 0) {
        enter(bulk);
        fail_errno(bulk, r, "cannot send a call on the bus connection");
        leave(bulk);
        return 0;
    }
    return cookie;
}

static GSource *bus_source_new(sd_bus *bus, GError **error)
{
    int fd = sd_bus_get_fd(bus);
    GSource *source;
    BusSource *bs;

    if (fd < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-fd),
                    "sd-bus gives no file descriptor: %s", g_strerror(-fd));
        return NULL;
    }
    source = g_source_new(&bus_source_funcs, sizeof(BusSource));
    bs = (BusSource *)source;
    bs->bus = bus;
    bs->events = G_IO_IN;
    bs->fd_tag = g_source_add_unix_fd(source, fd, bs->events);
    g_source_set_name(source, "nmiface bulk settings reader");
    return source;
}

/* Only local buses (the system bus is one): a unix connect succeeds or fails at once, where
 * a tcp: address would first resolve its host name, blocking. GDBus serves the rest. */
static gboolean is_local(const char *address)
{
    g_auto(GStrv) entries = g_strsplit(address, ";", -1);

    for (guint i = 0; entries[i] != NULL; i++)
        if (*entries[i] != '\0' && !g_str_has_prefix(entries[i], "unix:"))
            return FALSE;
    return entries[0] != NULL;
}

NmiBulk *nmi_bulk_open(const char *address, const char *destination, GMainContext *context,
                       guint timeout_ms, NmiBulkReplyFunc on_reply, NmiBulkFailFunc on_failure,
                       gpointer data, GError **error)
{
    __attribute__((cleanup(sd_bus_close_unrefp))) sd_bus *bus = NULL;
    NmiBulk *bulk;
    GSource *source;
    int r;

    if (address == NULL)
        address = DEFAULT_SYSTEM_BUS;
    if (!is_local(address)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    "the bus address %s is not a local (unix:) one", address);
        return NULL;
    }
    /* sd_bus_start connects without blocking (the socket is non-blocking; a connect in
     * progress and the authentication finish in sd_bus_process), so a call's deadline cannot
     * pass here. No fds: NM sends none, and it spares a round of the authentication. */
    if ((r = sd_bus_new(&bus)) < 0 || (r = sd_bus_set_address(bus, address)) < 0 ||
        (r = sd_bus_set_bus_client(bus, TRUE)) < 0 || (r = sd_bus_negotiate_fds(bus, FALSE)) < 0 ||
        (r = sd_bus_set_description(bus, "nmiface-bulk")) < 0 || (r = sd_bus_start(bus)) < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-r),
                    "cannot connect to the bus at %s: %s", address, g_strerror(-r));
        return NULL;
    }
    source = bus_source_new(bus, error);
    if (source == NULL)
        return NULL;
    bulk = g_new0(NmiBulk, 1);
    bulk->bus = g_steal_pointer(&bus);
    bulk->source = source;
    bulk->destination = g_strdup(destination);
    bulk->timeout_us = (guint64)timeout_ms * 1000;
    bulk->on_reply = on_reply;
    bulk->on_failure = on_failure;
    bulk->data = data;
    g_source_set_callback(source, process_cb, bulk, NULL);
    g_source_attach(source, context);
    return bulk;
}

void nmi_bulk_free(NmiBulk *bulk)
{
    if (bulk == NULL)
        return;
    if (bulk->depth > 0) {
        /* Inside one of our callbacks: no more of them, freed on the way out. */
        bulk->freed = TRUE;
        return;
    }
    really_free(bulk);
}
