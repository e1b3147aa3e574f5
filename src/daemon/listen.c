/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The listening sockets: our own in --socket-dir (libvirt's names and modes), or the ones
 * systemd passes (LISTEN_FDS), read-only by unit name or by a path ending in "-ro".
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>
#include <systemd/sd-daemon.h>

#include "daemon.h"

#define SOCKET_RW "virtinterfaced-sock"
#define SOCKET_RO "virtinterfaced-sock-ro"
#define UNIT_RO   "nmiface-interfaced-ro.socket"

void nmi_listener_free(NmiListener *listener)
{
    if (listener->fd >= 0)
        close(listener->fd);
    if (listener->path != NULL)
        unlink(listener->path);
    g_free(listener->path);
    g_free(listener);
}

static gboolean fill_address(struct sockaddr_un *addr, const char *path, GError **error)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(addr->sun_path)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG, "socket path '%s' is too long",
                    path);
        return FALSE;
    }
    strcpy(addr->sun_path, path);
    return TRUE;
}

/* A socket file nobody answers on is a leftover of a daemon that died: it may go. */
static gboolean remove_stale(const struct sockaddr_un *addr, GError **error)
{
    struct stat st;
    int fd;
    gboolean alive;

    if (lstat(addr->sun_path, &st) < 0)
        return TRUE;
    if (!S_ISSOCK(st.st_mode)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS, "'%s' exists and is not a socket",
                    addr->sun_path);
        return FALSE;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    alive = fd >= 0 && connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
    if (fd >= 0)
        close(fd);
    if (alive) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                    "'%s' is in use by another daemon", addr->sun_path);
        return FALSE;
    }
    unlink(addr->sun_path);
    return TRUE;
}

static NmiListener *listen_on(const char *path, mode_t mode, gboolean readonly, GError **error)
{
    g_autofree NmiListener *listener = g_new0(NmiListener, 1);
    struct sockaddr_un addr;
    int fd;

    if (!fill_address(&addr, path, error) || !remove_stale(&addr, error))
        return NULL;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "socket: %s",
                    g_strerror(errno));
        return NULL;
    }
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || chmod(path, mode) < 0 ||
        listen(fd, 128) < 0) {
        int saved = errno;

        close(fd);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), "cannot listen on '%s': %s",
                    path, g_strerror(saved));
        return NULL;
    }
    listener->fd = fd;
    listener->readonly = readonly;
    listener->path = g_strdup(path);
    return g_steal_pointer(&listener);
}

GPtrArray *nmi_listen_sockets(const char *socket_dir, GError **error)
{
    g_autoptr(GPtrArray) listeners =
        g_ptr_array_new_with_free_func((GDestroyNotify)nmi_listener_free);
    g_autofree char *rw = g_build_filename(socket_dir, SOCKET_RW, NULL);
    g_autofree char *ro = g_build_filename(socket_dir, SOCKET_RO, NULL);
    NmiListener *listener;

    if (g_mkdir_with_parents(socket_dir, 0755) < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "cannot create '%s': %s",
                    socket_dir, g_strerror(errno));
        return NULL;
    }
    listener = listen_on(rw, 0600, FALSE, error);
    if (listener == NULL)
        return NULL;
    g_ptr_array_add(listeners, listener);
    listener = listen_on(ro, 0666, TRUE, error);
    if (listener == NULL)
        return NULL;
    g_ptr_array_add(listeners, listener);
    return g_steal_pointer(&listeners);
}

static gboolean bound_path_is_ro(int fd)
{
    struct sockaddr_un addr = {0};
    socklen_t len = sizeof(addr);

    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0 || addr.sun_family != AF_UNIX)
        return FALSE;
    return g_str_has_suffix(addr.sun_path, "-ro");
}

GPtrArray *nmi_listen_activated(GError **error)
{
    g_autoptr(GPtrArray) listeners =
        g_ptr_array_new_with_free_func((GDestroyNotify)nmi_listener_free);
    char **names = NULL;
    int n = sd_listen_fds_with_names(TRUE, &names);

    if (n < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-n), "sd_listen_fds: %s",
                    g_strerror(-n));
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        NmiListener *listener = g_new0(NmiListener, 1);
        int fd = SD_LISTEN_FDS_START + i;

        /* systemd made the socket file: it is not ours to unlink. */
        listener->fd = fd;
        listener->readonly =
            (names != NULL && g_strcmp0(names[i], UNIT_RO) == 0) || bound_path_is_ro(fd);
        g_unix_set_fd_nonblocking(fd, TRUE, NULL);
        g_ptr_array_add(listeners, listener);
    }
    g_strfreev(names);
    if (listeners->len == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                    "LISTEN_FDS is set but systemd passed no socket");
        return NULL;
    }
    return g_steal_pointer(&listeners);
}
