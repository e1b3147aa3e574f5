/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "driver-test-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const NmifaceDriver *td_driver(void)
{
    return nmi_nm_driver();
}

NmifaceDriverConn *td_open(void)
{
    g_autoptr(GError) error = NULL;
    NmifaceDriverConn *conn = td_driver()->open("nm:///system", FALSE, &error);

    td_assert_no_error(error);
    g_assert_nonnull(conn);
    return conn;
}

static int run_sh(char **out, const char *cmdline)
{
    g_autofree char *stdout_text = NULL;
    g_autofree char *stderr_text = NULL;
    g_autoptr(GError) error = NULL;
    const char *argv[] = {"/bin/sh", "-c", cmdline, NULL};
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &stdout_text,
                      &stderr_text, &status, &error))
        g_error("cannot run '%s': %s", cmdline, error->message);
    if (stderr_text != NULL && *stderr_text != '\0')
        g_test_message("%s: stderr: %s", cmdline, stderr_text);
    g_strchomp(stdout_text);
    if (out != NULL)
        *out = g_steal_pointer(&stdout_text);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

char *td_sh(const char *fmt, ...)
{
    g_autofree char *cmdline = NULL;
    char *out = NULL;
    va_list ap;
    int rc;

    va_start(ap, fmt);
    cmdline = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rc = run_sh(&out, cmdline);
    if (rc != 0)
        g_error("'%s' exited %d: %s", cmdline, rc, out);
    return out;
}

void td_run(const char *fmt, ...)
{
    g_autofree char *cmdline = NULL;
    g_autofree char *out = NULL;
    va_list ap;
    int rc;

    va_start(ap, fmt);
    cmdline = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rc = run_sh(&out, cmdline);
    if (rc != 0)
        g_error("'%s' exited %d: %s", cmdline, rc, out);
}

int td_sh_status(char **out, const char *fmt, ...)
{
    g_autofree char *cmdline = NULL;
    va_list ap;

    va_start(ap, fmt);
    cmdline = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return run_sh(out, cmdline);
}

static int compare_info(gconstpointer a, gconstpointer b)
{
    return g_strcmp0((*(NmifaceIfaceInfo *const *)a)->name, (*(NmifaceIfaceInfo *const *)b)->name);
}

char *td_inactive_xml(NmifaceDriverConn *conn, const char *name)
{
    g_autoptr(GError) error = NULL;
    char *xml = td_driver()->get_xml_desc(conn, name, VIR_INTERFACE_XML_INACTIVE, &error);

    td_assert_no_error(error);
    return xml;
}

char *td_list_names(NmifaceDriverConn *conn, guint flags)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(GString) names = g_string_new(NULL);

    g_assert_true(td_driver()->list_all(conn, flags, &list, &error));
    td_assert_no_error(error);
    g_ptr_array_sort(list, compare_info);
    for (guint i = 0; i < list->len; i++) {
        NmifaceIfaceInfo *info = list->pdata[i];

        if (names->len > 0)
            g_string_append_c(names, ',');
        g_string_append(names, info->name);
    }
    return g_string_free(g_steal_pointer(&names), FALSE);
}

gboolean td_listed(NmifaceDriverConn *conn, const char *name, guint flags)
{
    g_autofree char *names = td_list_names(conn, flags);
    g_auto(GStrv) parts = g_strsplit(names, ",", -1);

    return g_strv_contains((const char *const *)parts, name);
}

int td_skip(const char *why)
{
    if (g_strcmp0(g_getenv("CI"), "true") == 0) {
        fprintf(stderr, "cannot run here (and CI=true): %s\n", why);
        return 1;
    }
    fprintf(stderr, "skipped: %s\n", why);
    return 77;
}

NmifaceIfaceInfo *td_define(NmifaceDriverConn *conn, const char *xml)
{
    g_autoptr(GError) error = NULL;
    NmifaceIfaceInfo *info = td_driver()->define_xml(conn, xml, 0, &error);

    td_assert_no_error(error);
    g_assert_nonnull(info);
    return info;
}

gboolean td_is_active(NmifaceDriverConn *conn, const char *name)
{
    g_autoptr(GError) error = NULL;
    gboolean active = FALSE;

    g_assert_true(td_driver()->is_active(conn, name, &active, &error));
    td_assert_no_error(error);
    return active;
}

#define TD_POLL_MS 20

gboolean td_poll_until(NmifaceDriverConn *conn, TdCondition cond, gconstpointer data,
                       guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;

    while (!cond(conn, data)) {
        if (g_get_monotonic_time() >= deadline)
            return FALSE;
        g_usleep(TD_POLL_MS * G_TIME_SPAN_MILLISECOND);
    }
    return TRUE;
}

gboolean td_holds_for(NmifaceDriverConn *conn, TdCondition cond, gconstpointer data, guint ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)ms * G_TIME_SPAN_MILLISECOND;

    do {
        if (!cond(conn, data))
            return FALSE;
        g_usleep(TD_POLL_MS * G_TIME_SPAN_MILLISECOND);
    } while (g_get_monotonic_time() < end);
    return cond(conn, data);
}

gboolean td_cond_active(NmifaceDriverConn *conn, gconstpointer name)
{
    return td_is_active(conn, name);
}

gboolean td_cond_inactive(NmifaceDriverConn *conn, gconstpointer name)
{
    return !td_is_active(conn, name);
}

gboolean td_becomes_active(NmifaceDriverConn *conn, const char *name, gboolean active,
                           guint timeout_ms)
{
    return td_poll_until(conn, active ? td_cond_active : td_cond_inactive, name, timeout_ms);
}

gboolean td_stays_inactive(NmifaceDriverConn *conn, const char *name, guint ms)
{
    return td_holds_for(conn, td_cond_inactive, name, ms);
}

void td_check_error(const char *file, int line, const GError *error, int code, const char *part)
{
    if (error == NULL)
        g_error("%s:%d: expected an error (code %d) containing '%s', got none", file, line, code,
                part);
    if (error->domain != NMIFACE_ERROR || error->code != code)
        g_error("%s:%d: expected error code %d, got %s %d: %s", file, line, code,
                g_quark_to_string(error->domain), error->code, error->message);
    if (strstr(error->message, part) == NULL)
        g_error("%s:%d: error message '%s' lacks '%s'", file, line, error->message, part);
    if (strstr(error->message, "GDBus.Error") != NULL)
        g_error("%s:%d: error message '%s' shows a D-Bus error name", file, line, error->message);
}
