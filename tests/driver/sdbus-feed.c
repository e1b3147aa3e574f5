/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sdbus-feed.h"

#include <sys/socket.h>
#include <unistd.h>

static void write_all(int fd, const void *data, gsize size)
{
    for (gsize done = 0; done < size;) {
        ssize_t n = write(fd, (const char *)data + done, size - done);

        g_assert_cmpint(n, >, 0);
        done += (gsize)n;
    }
}

static void message_unref(gpointer message)
{
    sd_bus_message_unref(message);
}

GPtrArray *sdbus_feed(const void *data, gsize size)
{
    /* The bus's answers to sd-bus's pipelined AUTH EXTERNAL (no initial response), DATA. */
    static const char accepted[] = "DATA\r\nOK 0123456789abcdef0123456789abcdef\r\n";
    GPtrArray *messages = g_ptr_array_new_with_free_func(message_unref);
    sd_bus *bus = NULL;
    int fds[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
    write_all(fds[1], accepted, sizeof accepted - 1);
    g_assert_cmpint(sd_bus_new(&bus), >=, 0);
    g_assert_cmpint(sd_bus_set_fd(bus, fds[0], fds[0]), >=, 0);
    g_assert_cmpint(sd_bus_negotiate_fds(bus, 0), >=, 0);
    g_assert_cmpint(sd_bus_start(bus), >=, 0);
    /* The messages go in only once sd-bus has read the bus's answer, as from a real bus, which
     * sends nothing before the client's first call: sd-bus 252 reads up to three lines of the
     * answer and asserts (aborts) when a third "\r\n" follows the two it expects. */
    while (sd_bus_is_ready(bus) <= 0)
        g_assert_cmpint(sd_bus_process(bus, NULL), >=, 0);
    /* Fits the socket's buffer (the fuzzer's inputs are at most 4 KiB). */
    write_all(fds[1], data, size);
    g_assert_cmpint(shutdown(fds[1], SHUT_WR), ==, 0);
    /* Everything is in the socket already: sd-bus never has to wait. */
    for (;;) {
        sd_bus_message *message = NULL;
        int r = sd_bus_process(bus, &message);

        if (message != NULL) {
            /* sd-bus's own notice of the end of the stream */
            if (g_strcmp0(sd_bus_message_get_path(message), "/org/freedesktop/DBus/Local") == 0)
                sd_bus_message_unref(message);
            else
                g_ptr_array_add(messages, message);
        }
        if (r <= 0 || !sd_bus_is_open(bus))
            break;
    }
    sd_bus_close_unref(bus);
    close(fds[1]);
    return messages;
}
