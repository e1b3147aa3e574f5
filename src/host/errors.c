/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The thread-local last error and its public accessors, with libvirt's semantics
 * (src/util/virerror.c): each thread sees only its own error, and messages carry the generic
 * per-code prefix libvirt's virErrorMsg() adds ("Interface not found: %s").
 */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "host-private.h"

static void last_error_free(gpointer data)
{
    virFreeError(data);
}

/* The destroy notify frees a thread's error when the thread exits. */
static GPrivate last_error_key = G_PRIVATE_INIT(last_error_free);

static virErrorPtr last_error_object(void)
{
    virErrorPtr err = g_private_get(&last_error_key);

    if (err == NULL) {
        err = calloc(1, sizeof(*err));
        if (err == NULL)
            g_error("out of memory");
        g_private_set(&last_error_key, err);
    }
    return err;
}

char *nmi_strdup_for_caller(const char *str)
{
    /* Callers release these with free(), so they come from malloc, whatever GLib does. */
    char *copy = strdup(str);

    if (copy == NULL)
        g_error("out of memory");
    return copy;
}

/* libvirt's generic message for @code, used when there is no detail. */
static const char *generic_message(int code)
{
    switch (code) {
    case VIR_ERR_INTERNAL_ERROR:
        return "internal error";
    case VIR_ERR_NO_MEMORY:
        return "out of memory";
    case VIR_ERR_NO_SUPPORT:
        return "this function is not supported by the connection driver";
    case VIR_ERR_NO_CONNECT:
        return "no connection driver available";
    case VIR_ERR_INVALID_CONN:
        return "invalid connection pointer in";
    case VIR_ERR_INVALID_ARG:
        return "invalid argument";
    case VIR_ERR_OPERATION_FAILED:
        return "operation failed";
    case VIR_ERR_XML_ERROR:
        return "XML description is invalid or not well formed";
    case VIR_ERR_OPERATION_DENIED:
        return "operation forbidden for read only access";
    case VIR_ERR_XML_DETAIL:
        return "parser error";
    case VIR_ERR_SYSTEM_ERROR:
        return "system call error";
    case VIR_ERR_INVALID_MAC:
        return "invalid MAC address";
    case VIR_ERR_AUTH_FAILED:
        return "authentication failed";
    case VIR_ERR_OPERATION_INVALID:
        return "Requested operation is not valid";
    case VIR_ERR_NO_INTERFACE:
        return "Interface not found";
    case VIR_ERR_INVALID_INTERFACE:
        return "invalid interface pointer in";
    case VIR_ERR_MULTIPLE_INTERFACES:
        return "multiple matching interfaces found";
    case VIR_ERR_OPERATION_TIMEOUT:
        return "Timed out during operation";
    case VIR_ERR_XML_INVALID_SCHEMA:
        return "XML document failed to validate against schema";
    default:
        return "An error occurred, but the cause is unknown";
    }
}

/* libvirt's message for @code with @detail (virErrorMsg's "msginfo" column). */
static char *format_message(int code, const char *detail)
{
    if (detail == NULL || detail[0] == '\0')
        return g_strdup(generic_message(code));

    switch (code) {
    case VIR_ERR_INTERNAL_ERROR:
        return g_strdup_printf("internal error: %s", detail);
    case VIR_ERR_NO_MEMORY:
        return g_strdup_printf("out of memory: %s", detail);
    case VIR_ERR_NO_SUPPORT:
        return g_strdup_printf("this function is not supported by the connection driver: %s",
                               detail);
    case VIR_ERR_NO_CONNECT:
        return g_strdup_printf("no connection driver available for %s", detail);
    case VIR_ERR_INVALID_CONN:
        return g_strdup_printf("invalid connection pointer in %s", detail);
    case VIR_ERR_INVALID_ARG:
        return g_strdup_printf("invalid argument: %s", detail);
    case VIR_ERR_OPERATION_FAILED:
        return g_strdup_printf("operation failed: %s", detail);
    case VIR_ERR_XML_ERROR:
        return g_strdup_printf("XML error: %s", detail);
    case VIR_ERR_OPERATION_DENIED:
        return g_strdup_printf("operation forbidden: %s", detail);
    case VIR_ERR_INVALID_MAC:
        return g_strdup_printf("invalid MAC address: %s", detail);
    case VIR_ERR_AUTH_FAILED:
        return g_strdup_printf("authentication failed: %s", detail);
    case VIR_ERR_OPERATION_INVALID:
        return g_strdup_printf("Requested operation is not valid: %s", detail);
    case VIR_ERR_NO_INTERFACE:
        return g_strdup_printf("Interface not found: %s", detail);
    case VIR_ERR_INVALID_INTERFACE:
        return g_strdup_printf("invalid interface pointer in %s", detail);
    case VIR_ERR_MULTIPLE_INTERFACES:
        return g_strdup_printf("multiple matching interfaces found: %s", detail);
    case VIR_ERR_OPERATION_TIMEOUT:
        return g_strdup_printf("Timed out during operation: %s", detail);
    case VIR_ERR_XML_INVALID_SCHEMA:
        return g_strdup_printf("XML document failed to validate against schema: %s", detail);
    default:
        /* XML_DETAIL and SYSTEM_ERROR are the detail alone in libvirt; so is what it lacks. */
        return g_strdup(detail);
    }
}

static void set_last_error(int domain, int code, const char *message)
{
    virErrorPtr err = last_error_object();

    virResetError(err);
    err->domain = domain;
    err->code = code;
    err->level = VIR_ERR_ERROR;
    /* Callers may virResetError() a copy with free(): keep every string malloc'd. */
    err->message = nmi_strdup_for_caller(message);
}

/* A message used as is, like libvirt's virRaiseErrorFull (argument checks). */
void nmi_error_raise(int domain, int code, const char *fmt, ...)
{
    int saved_errno = errno;
    va_list args;
    g_autofree char *message = NULL;

    va_start(args, fmt);
    message = g_strdup_vprintf(fmt, args);
    va_end(args);
    set_last_error(domain, code, message);
    errno = saved_errno;
}

/* A message with libvirt's per-code prefix, like virReportError. */
void nmi_error_report(int domain, int code, const char *detail)
{
    int saved_errno = errno;
    g_autofree char *message = format_message(code, detail);

    set_last_error(domain, code, message);
    errno = saved_errno;
}

/* A driver failure: NMIFACE_ERROR codes are virErrorNumbers; anything else is internal. A
 * failure that forgot its GError gets libvirt's generic one (virDispatchError). */
void nmi_error_dispatch(int domain, const GError *error)
{
    if (error == NULL) {
        nmi_error_raise(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "%s",
                        "An error occurred, but the cause is unknown");
        return;
    }
    if (error->domain == NMIFACE_ERROR && error->code > VIR_ERR_OK) {
        nmi_error_report(domain, error->code, error->message);
        return;
    }
    nmi_error_report(domain, VIR_ERR_INTERNAL_ERROR, error->message);
}

virErrorPtr virGetLastError(void)
{
    virErrorPtr err = last_error_object();

    if (err->code == VIR_ERR_OK)
        return NULL;
    return err;
}

const char *virGetLastErrorMessage(void)
{
    virErrorPtr err = last_error_object();

    if (err->code == VIR_ERR_OK)
        return "no error";
    if (err->message == NULL)
        return "unknown error";
    return err->message;
}

void virResetLastError(void)
{
    virResetError(last_error_object());
}

static void copy_error(const virError *from, virErrorPtr to)
{
    /* conn, dom and net are never copied: libvirt does not either, they would dangle. */
    to->code = from->code;
    to->domain = from->domain;
    to->level = from->level;
    to->message = from->message != NULL ? nmi_strdup_for_caller(from->message) : NULL;
    to->str1 = from->str1 != NULL ? nmi_strdup_for_caller(from->str1) : NULL;
    to->str2 = from->str2 != NULL ? nmi_strdup_for_caller(from->str2) : NULL;
    to->str3 = from->str3 != NULL ? nmi_strdup_for_caller(from->str3) : NULL;
    to->int1 = from->int1;
    to->int2 = from->int2;
}

int virCopyLastError(virErrorPtr to)
{
    if (to == NULL)
        return -1;
    /* The caller's struct may hold garbage: do not free what it points to. */
    memset(to, 0, sizeof(*to));
    copy_error(last_error_object(), to);
    return to->code;
}

void virResetError(virErrorPtr err)
{
    if (err == NULL)
        return;
    free(err->message);
    free(err->str1);
    free(err->str2);
    free(err->str3);
    memset(err, 0, sizeof(*err));
}

virErrorPtr virSaveLastError(void)
{
    int saved_errno = errno;
    virErrorPtr to = calloc(1, sizeof(*to));

    if (to == NULL)
        g_error("out of memory");
    virCopyLastError(to);
    errno = saved_errno;
    return to;
}

void virFreeError(virErrorPtr err)
{
    virResetError(err);
    free(err);
}
