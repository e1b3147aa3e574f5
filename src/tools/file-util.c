/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading an XML file as virsh's virFileReadAll does: whole, at most 10 MiB, same messages. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"

/* virsh's VSH_MAX_XML_FILE */
#define NMI_MAX_XML_FILE (10 * 1024 * 1024)

char *nmi_read_xml_file(const char *path)
{
    g_autoptr(GString) text = g_string_new(NULL);
    char buf[8192];
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        nmi_error("Failed to open file '%s': %s", path, g_strerror(errno));
        return NULL;
    }

    for (;;) {
        ssize_t got = read(fd, buf, sizeof(buf));

        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 || text->len + (gsize)got > NMI_MAX_XML_FILE) {
            int saved_errno = got < 0 ? errno : EFBIG;

            close(fd);
            nmi_error("Failed to read file '%s': %s", path, g_strerror(saved_errno));
            return NULL;
        }
        if (got == 0)
            break;
        g_string_append_len(text, buf, got);
    }
    close(fd);

    return g_string_free(g_steal_pointer(&text), FALSE);
}
