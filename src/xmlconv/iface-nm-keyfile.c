/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Profiles as NetworkManager keyfiles (libnm's writer), and the dry run built on them. */

#include "iface-nm.h"

#include <string.h>

#include "nmiface/driver.h"

char *nmi_profile_to_keyfile(NMConnection *connection, GError **error)
{
    g_autoptr(GKeyFile) keyfile = NULL;
    g_autoptr(GError) local_error = NULL;

    keyfile = nm_keyfile_write(connection, NM_KEYFILE_HANDLER_FLAGS_NONE, NULL, NULL, &local_error);
    if (keyfile == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "cannot write profile '%s' as a keyfile: %s", nm_connection_get_id(connection),
                    local_error->message);
        return NULL;
    }
    return g_key_file_to_data(keyfile, NULL, NULL);
}

/* NetworkManager ignores files named like temporary files (g_file_set_contents' ".XXXXXX")
 * and certificates; its writer appends '_' to such names, and so do we. */
static gboolean ignored_suffix(const char *name)
{
    const char *dot = strrchr(name, '.');

    if (dot != NULL && strlen(dot + 1) == 6) {
        gboolean alnum = TRUE;

        for (const char *p = dot + 1; *p != '\0'; p++)
            alnum = alnum && g_ascii_isalnum(*p);
        if (alnum)
            return TRUE;
    }
    return strlen(name) > 4 && (g_ascii_strcasecmp(name + strlen(name) - 4, ".pem") == 0 ||
                                g_ascii_strcasecmp(name + strlen(name) - 4, ".der") == 0);
}

char *nmi_profile_keyfile_name(NMConnection *connection)
{
    const char *id = nm_connection_get_id(connection);
    g_autoptr(GString) name = g_string_new(id != NULL && id[0] != '\0' ? id : "connection");

    g_strdelimit(name->str, "/", '_');
    if (name->str[0] == '.')
        name->str[0] = '_'; /* hidden files are ignored */
    if (name->str[name->len - 1] == '~')
        name->str[name->len - 1] = '_'; /* so are backups */
    if (ignored_suffix(name->str))
        g_string_append_c(name, '_');
    g_string_append(name, ".nmconnection");
    return g_string_free(g_steal_pointer(&name), FALSE);
}

static gboolean append_profile(GString *out, NMConnection *connection, GError **error)
{
    g_autofree char *file_name = nmi_profile_keyfile_name(connection);
    g_autofree char *text = nmi_profile_to_keyfile(connection, error);

    if (text == NULL)
        return FALSE;
    g_string_append_printf(out, "# %s\n%s\n", file_name, text);
    return TRUE;
}

char *nmi_profile_set_to_keyfiles_text(const NmiProfileSet *set, GError **error)
{
    g_autoptr(GString) out = g_string_new(NULL);

    if (!append_profile(out, set->top, error))
        return NULL;
    for (guint i = 0; i < set->ports->len; i++) {
        if (!append_profile(out, g_ptr_array_index(set->ports, i), error))
            return NULL;
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

char *nmi_iface_xml_to_keyfiles_text(const char *xml, guint parse_flags, GError **error)
{
    g_autoptr(NmiIfaceDef) def = nmi_iface_def_parse(xml, (NmiParseFlags)parse_flags, error);
    g_autoptr(NmiProfileSet) set = NULL;

    if (def == NULL)
        return NULL;
    set = nmi_iface_def_to_profiles(def, NULL, error);
    if (set == NULL)
        return NULL;
    return nmi_profile_set_to_keyfiles_text(set, error);
}
