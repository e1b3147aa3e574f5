/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nmiface's configuration file: the default safety timeout of a transaction. libvirt's
 * virInterfaceChangeBegin() has none; an admin who changes the network of a remote host can
 * set one here so that every Begin, from any tool, rolls back by itself unless committed.
 *
 *   [transaction]
 *   rollback-timeout=120     # seconds; 0 or absent: none
 */
#include "txn-nm.h"

#ifndef NMIFACE_CONFIG_PATH
#define NMIFACE_CONFIG_PATH "/etc/nmiface/nmiface.conf"
#endif

/* Longest timeout accepted: NM's checkpoint timeout is a guint32 of seconds, and a day is
 * already far beyond a safety net. */
#define MAX_ROLLBACK_TIMEOUT (24 * 3600)

gboolean nm_txn_config_default_timeout(guint *seconds, GError **error)
{
    const char *path = g_getenv("NMIFACE_CONFIG");
    g_autoptr(GKeyFile) file = g_key_file_new();
    g_autoptr(GError) local = NULL;
    gint64 value;

    *seconds = 0;
    if (path == NULL || *path == '\0')
        path = NMIFACE_CONFIG_PATH;
    if (!g_key_file_load_from_file(file, path, G_KEY_FILE_NONE, &local)) {
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return TRUE;
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                    "cannot read configuration file %s: %s", path, local->message);
        return FALSE;
    }
    if (!g_key_file_has_key(file, "transaction", "rollback-timeout", NULL))
        return TRUE;
    value = g_key_file_get_int64(file, "transaction", "rollback-timeout", &local);
    if (local != NULL || value < 0 || value > MAX_ROLLBACK_TIMEOUT) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED,
                    "invalid [transaction] rollback-timeout in %s: must be 0..%d seconds", path,
                    MAX_ROLLBACK_TIMEOUT);
        return FALSE;
    }
    *seconds = (guint)value;
    return TRUE;
}
