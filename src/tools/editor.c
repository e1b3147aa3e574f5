/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The editor half of iface-edit, after virsh's vshEditWriteToTempFile, vshEditFile,
 * vshEditReadBackFile and vshAskReedit: same temporary file pattern, same choice of editor,
 * same prompt.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "editor.h"
#include "shell.h"

/* Characters that let the editor run without a shell (virsh's ACCEPTED_CHARS). */
#define ACCEPTED_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/_.:@"
#define DEFAULT_EDITOR "vi"

char *nmi_edit_write_temp_file(const char *text)
{
    const char *tmpdir = g_getenv("TMPDIR");
    g_autofree char *filename = NULL;
    size_t len = strlen(text);
    size_t done = 0;
    int fd;

    if (tmpdir == NULL)
        tmpdir = "/tmp";
    filename = g_strdup_printf("%s/nmifaceXXXXXX.xml", tmpdir);
    fd = g_mkstemp_full(filename, O_RDWR | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        nmi_error("g_mkstemp_full: failed to create temporary file: %s", g_strerror(errno));
        return NULL;
    }

    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            nmi_error("write: %s: failed to write to temporary file: %s", filename,
                      g_strerror(errno));
            close(fd);
            unlink(filename);
            return NULL;
        }
        done += (size_t)n;
    }
    if (close(fd) < 0) {
        nmi_error("close: %s: failed to write or close temporary file: %s", filename,
                  g_strerror(errno));
        unlink(filename);
        return NULL;
    }
    return g_steal_pointer(&filename);
}

static gboolean only_accepted_chars(const char *s)
{
    return strspn(s, ACCEPTED_CHARS) == strlen(s);
}

gboolean nmi_edit_run_editor(const char *filename)
{
    const char *editor = g_getenv("VISUAL");
    g_autoptr(GError) error = NULL;
    g_autofree char *cmdline = NULL;
    g_auto(GStrv) envp = NULL;
    g_autofree char *program = NULL;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    int status = 0;

    if (editor == NULL)
        editor = g_getenv("EDITOR");
    if (editor == NULL)
        editor = DEFAULT_EDITOR;
    cmdline = g_strdup_printf("%s %s", editor, filename);

    /*
     * EDITOR may carry options or shell syntax on purpose, so an unusual one runs through the
     * shell; the file name then must be plain. A plain editor name runs directly.
     */
    if (!only_accepted_chars(editor)) {
        if (!only_accepted_chars(filename)) {
            nmi_error("%s: temporary filename contains shell meta or other unacceptable "
                      "characters (is $TMPDIR wrong?)",
                      filename);
            return FALSE;
        }
        g_ptr_array_add(argv, (gpointer) "/bin/sh");
        g_ptr_array_add(argv, (gpointer) "-c");
        g_ptr_array_add(argv, cmdline);
    } else {
        program = g_find_program_in_path(editor);
        if (program == NULL) {
            nmi_error("Cannot find '%s' in path: %s", editor, g_strerror(ENOENT));
            return FALSE;
        }
        g_ptr_array_add(argv, program);
        g_ptr_array_add(argv, (gpointer)filename);
    }
    g_ptr_array_add(argv, NULL);

    envp = nmi_child_environ();
    if (!g_spawn_sync(NULL, (char **)argv->pdata, envp, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                      NULL, NULL, &status, &error)) {
        nmi_error("%s", error->message);
        return FALSE;
    }

    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        nmi_error("internal error: Child process (%s) unexpected exit status %d", cmdline,
                  WEXITSTATUS(status));
        return FALSE;
    }
    if (WIFSIGNALED(status)) {
        nmi_error("internal error: Child process (%s) unexpected fatal signal %d", cmdline,
                  WTERMSIG(status));
        return FALSE;
    }
    return TRUE;
}

char *nmi_edit_read_back(const char *filename)
{
    g_autoptr(GError) error = NULL;
    char *text = NULL;

    if (!g_file_get_contents(filename, &text, NULL, &error)) {
        nmi_error("%s: failed to read temporary file: %s", filename, error->message);
        return NULL;
    }
    return text;
}

/*
 * Asks "Try again?" after a failed redefinition. Returns 'y' (edit again), 'n' (give up),
 * 'f' (define again as is), or -1 when stdin is no terminal, as virsh's vshAskReedit.
 */
int nmi_edit_ask_reedit(const char *message)
{
    struct termios saved;
    struct termios raw;
    int c;

    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0)
        return -1;

    /* Show why before asking. */
    nmi_report_error();

    raw = saved;
    cfmakeraw(&raw);
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
        return -1;

    for (;;) {
        nmi_print("\r%s %s %s: ", message, "Try again?", "[y,n,f,?]");
        int ch = getchar();

        /* A closed terminal answers "no". */
        if (ch == EOF) {
            c = 'n';
            break;
        }
        c = g_ascii_tolower((char)ch);
        if (c == '?') {
            nmi_print("%s\r\n", "");
            nmi_print("%s\r\n", "y - yes, start editor again");
            nmi_print("%s\r\n", "n - no, throw away my changes");
            nmi_print("%s\r\n", "f - force, try to redefine again");
            nmi_print("%s\r\n", "? - print this help");
            continue;
        }
        if (c == 'y' || c == 'n' || c == 'f')
            break;
    }

    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    nmi_print("\r\n");
    return c;
}
