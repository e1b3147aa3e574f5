/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* iface-list: virsh's Name/State/MAC Address table, sorted by name without regard to case. */
#include <stdlib.h>

#include "shell.h"

typedef struct {
    virInterfacePtr *ifaces;
    gsize n;
} IfaceList;

static void iface_list_clear(IfaceList *list)
{
    for (gsize i = 0; i < list->n; i++)
        nmi_iface_unref(list->ifaces[i]);
    g_clear_pointer(&list->ifaces, g_free);
    list->n = 0;
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(IfaceList, iface_list_clear)

static int compare_by_name(const void *a, const void *b)
{
    const char *name_a = virInterfaceGetName(*(virInterfacePtr const *)a);
    const char *name_b = virInterfaceGetName(*(virInterfacePtr const *)b);
    int cmp = g_ascii_strcasecmp(name_a ? name_a : "", name_b ? name_b : "");

    /* A fixed order for names that differ only in case. */
    return cmp != 0 ? cmp : g_strcmp0(name_a, name_b);
}

/* The pre-ListAll way, which virsh falls back to when a driver lacks ListAllInterfaces. */
static gboolean collect_by_names(virConnectPtr conn, gboolean active, GPtrArray *found)
{
    int count = active ? virConnectNumOfInterfaces(conn) : virConnectNumOfDefinedInterfaces(conn);
    g_autofree char **names = NULL;

    if (count < 0) {
        if (active)
            nmi_error("%s", "Failed to list active interfaces");
        else
            nmi_error("%s", "Failed to list inactive interfaces");
        return FALSE;
    }
    if (count == 0)
        return TRUE;

    names = g_new0(char *, count);
    count = active ? virConnectListInterfaces(conn, names, count)
                   : virConnectListDefinedInterfaces(conn, names, count);
    if (count < 0) {
        if (active)
            nmi_error("%s", "Failed to list active interfaces");
        else
            nmi_error("%s", "Failed to list inactive interfaces");
        return FALSE;
    }

    for (int i = 0; i < count; i++) {
        virInterfacePtr iface = virInterfaceLookupByName(conn, names[i]);

        /* Gone since it was listed: leave it out, as virsh does. */
        if (iface == NULL)
            nmi_reset_error();
        else
            g_ptr_array_add(found, iface);
        free(names[i]);
    }
    return TRUE;
}

static gboolean collect(virConnectPtr conn, unsigned int flags, IfaceList *list)
{
    virInterfacePtr *all = NULL;
    g_autoptr(GPtrArray) found = NULL;
    virErrorPtr err;
    int n;

    n = virConnectListAllInterfaces(conn, &all, flags);
    if (n >= 0) {
        list->ifaces = g_new0(virInterfacePtr, n + 1);
        for (int i = 0; i < n; i++)
            list->ifaces[i] = all[i];
        list->n = (gsize)n;
        free(all);
        return TRUE;
    }

    err = virGetLastError();
    if (err == NULL || err->code != VIR_ERR_NO_SUPPORT) {
        nmi_error("%s", "Failed to list interfaces");
        return FALSE;
    }
    nmi_reset_error();

    found = g_ptr_array_new();
    if ((flags & VIR_CONNECT_LIST_INTERFACES_ACTIVE) && !collect_by_names(conn, TRUE, found))
        goto fail;
    if ((flags & VIR_CONNECT_LIST_INTERFACES_INACTIVE) && !collect_by_names(conn, FALSE, found))
        goto fail;

    list->n = found->len;
    list->ifaces = (virInterfacePtr *)g_ptr_array_free(g_steal_pointer(&found), FALSE);
    return TRUE;

fail:
    for (guint i = 0; i < found->len; i++)
        nmi_iface_unref(g_ptr_array_index(found, i));
    return FALSE;
}

/* The names of the active interfaces, for --all: one more listing instead of virsh's IsActive
 * per row, which costs a round trip to NetworkManager each (a second for 1000 interfaces). */
static GHashTable *active_names(virConnectPtr conn)
{
    g_auto(IfaceList) active = {NULL, 0};
    GHashTable *names;

    if (!collect(conn, VIR_CONNECT_LIST_INTERFACES_ACTIVE, &active))
        return NULL;
    names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (gsize i = 0; i < active.n; i++)
        g_hash_table_add(names, g_strdup(virInterfaceGetName(active.ifaces[i])));
    return names;
}

static gboolean cmd_iface_list(NmiShell *shell, const NmiCmd *cmd)
{
    gboolean inactive = nmi_cmd_opt_bool(cmd, "inactive");
    gboolean all = nmi_cmd_opt_bool(cmd, "all");
    unsigned int flags = VIR_CONNECT_LIST_INTERFACES_ACTIVE;
    g_auto(IfaceList) list = {NULL, 0};
    g_autoptr(GHashTable) active = NULL;
    g_autoptr(NmiTable) table = NULL;
    g_autofree char *text = NULL;
    virConnectPtr conn;

    if (all && inactive) {
        nmi_error("%s", "Options --all and --inactive are mutually exclusive");
        return FALSE;
    }
    if (inactive)
        flags = VIR_CONNECT_LIST_INTERFACES_INACTIVE;
    if (all)
        flags = VIR_CONNECT_LIST_INTERFACES_INACTIVE | VIR_CONNECT_LIST_INTERFACES_ACTIVE;

    if ((conn = nmi_shell_connect(shell)) == NULL)
        return FALSE;
    if (!collect(conn, flags, &list))
        return FALSE;
    if (all && (active = active_names(conn)) == NULL)
        return FALSE;

    if (list.n > 0)
        qsort(list.ifaces, list.n, sizeof(*list.ifaces), compare_by_name);

    table = nmi_table_new("Name", "State", "MAC Address", NULL);
    for (gsize i = 0; i < list.n; i++) {
        virInterfacePtr iface = list.ifaces[i];
        const char *name = virInterfaceGetName(iface);
        const char *mac = virInterfaceGetMACString(iface);
        gboolean is_active = active != NULL ? g_hash_table_contains(active, name) : !inactive;

        nmi_table_add_row(table, name ? name : "", is_active ? "active" : "inactive",
                          mac ? mac : "", NULL);
    }

    text = nmi_table_format(table, !shell->quiet);
    nmi_print("%s", text);
    return TRUE;
}

static const NmiOptDef opts[] = {
    {.name = "inactive", .type = NMI_OPT_BOOL, .help = "list inactive interfaces"},
    {.name = "all", .type = NMI_OPT_BOOL, .help = "list inactive & active interfaces"},
    {.name = NULL},
};

const NmiCmdDef nmi_cmd_def_iface_list = {
    .name = "iface-list",
    .help = "list physical host interfaces",
    .desc = "Returns list of physical host interfaces.",
    .opts = opts,
    .handler = cmd_iface_list,
};
