/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "driver-test-util.h"

#include <stdio.h>
#include <stdlib.h>

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
