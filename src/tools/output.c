/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Output and error reporting the way virsh does it: messages on stdout, "error: " lines on
 * stderr, and the library's error printed once the command has failed.
 */
#include <stdarg.h>
#include <stdio.h>

#include "shell.h"

/*
 * The library error that made the command fail. virsh keeps it from an error callback; we
 * keep it when the command reports its own error, because later calls (virInterfaceFree in a
 * cleanup, for instance) reset the library's thread-local error as libvirt's do.
 */
static virErrorPtr saved_error;

static void print_error_line(const char *message)
{
    /* Flush stdout first so that "2>&1" output interleaves in order. */
    fflush(stdout);
    fprintf(stderr, "error: %s\n", message);
    fflush(stderr);
}

void nmi_save_error(void)
{
    g_clear_pointer(&saved_error, virFreeError);
    saved_error = virSaveLastError();
}

/* Keep the library's current error unless one is already kept (virsh's
 * vshSaveLibvirtHelperError). */
static void save_error_if_none(void)
{
    virErrorPtr current;

    if (saved_error != NULL)
        return;
    current = virGetLastError();
    if (current == NULL || current->code == VIR_ERR_OK)
        return;
    saved_error = virSaveLastError();
}

void nmi_reset_error(void)
{
    g_clear_pointer(&saved_error, virFreeError);
    virResetLastError();
}

void nmi_error(const char *format, ...)
{
    g_autofree char *message = NULL;
    va_list ap;

    save_error_if_none();

    va_start(ap, format);
    message = g_strdup_vprintf(format, ap);
    va_end(ap);
    print_error_line(message);
}

void nmi_report_error(void)
{
    if (saved_error == NULL) {
        saved_error = virSaveLastError();
        if (saved_error == NULL || saved_error->code == VIR_ERR_OK)
            goto out;
    }

    if (saved_error->code == VIR_ERR_OK || saved_error->message == NULL)
        print_error_line("unknown error");
    else
        print_error_line(saved_error->message);

out:
    nmi_reset_error();
}

void nmi_print(const char *format, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, format);
    text = g_strdup_vprintf(format, ap);
    va_end(ap);
    fputs(text, stdout);
    fflush(stdout);
}

void nmi_print_extra(NmiShell *shell, const char *format, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    if (shell != NULL && shell->quiet)
        return;

    va_start(ap, format);
    text = g_strdup_vprintf(format, ap);
    va_end(ap);
    fputs(text, stdout);
    fflush(stdout);
}
