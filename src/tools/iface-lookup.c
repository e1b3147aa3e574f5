/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An interface argument -> virInterfacePtr, as virsh's virshCommandOptInterfaceBy: a word that
 * parses as a MAC address is looked up by MAC only, any other word by name only. Interface
 * names cannot contain ':', so no name is mistaken for a MAC.
 */
#include "shell.h"

void nmi_iface_unref(virInterface *iface)
{
    if (iface != NULL)
        virInterfaceFree(iface);
}

/*
 * libvirt's virMacAddrParse: six groups of one or two hex digits separated by ':', the last one
 * followed by the end of the string or any character up to ' '.
 */
gboolean nmi_looks_like_mac(const char *str)
{
    const char *p = str;

    for (int group = 0; group < 6; group++) {
        int digits = 0;

        while (g_ascii_isxdigit(p[digits]))
            digits++;
        if (digits < 1 || digits > 2)
            return FALSE;
        p += digits;
        if (group == 5)
            return (unsigned char)*p <= ' ';
        if (*p != ':')
            return FALSE;
        p++;
    }
    return FALSE;
}

virInterfacePtr nmi_iface_from_opt(NmiShell *shell, const NmiCmd *cmd, const char *optname,
                                   const char **name, NmiLookupFlags flags)
{
    virInterfacePtr iface = NULL;
    virConnectPtr conn;
    const char *word = NULL;
    gboolean is_mac;

    if (optname == NULL)
        optname = "interface";

    if (nmi_cmd_opt_string(cmd, optname, &word) <= 0) {
        /* Parsing made the option required; only an empty word gets here. */
        return NULL;
    }
    if (name != NULL)
        *name = word;

    if ((conn = nmi_shell_connect(shell)) == NULL)
        return NULL;

    is_mac = nmi_looks_like_mac(word);
    if (!is_mac && (flags & NMI_LOOKUP_BY_NAME))
        iface = virInterfaceLookupByName(conn, word);
    else if (is_mac && (flags & NMI_LOOKUP_BY_MAC))
        iface = virInterfaceLookupByMACString(conn, word);

    if (iface == NULL)
        nmi_error("failed to get interface '%s'", word);
    return iface;
}

char *nmi_iface_inactive_xml(virInterfacePtr iface)
{
    char *desc = virInterfaceGetXMLDesc(iface, VIR_INTERFACE_XML_INACTIVE);
    char *copy;

    if (desc == NULL) {
        nmi_save_error();
        return NULL;
    }
    copy = g_strdup(desc);
    free(desc);
    return copy;
}
