/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver: an in-memory interface driver for the "test" URI scheme, in the spirit of
 * libvirt's test driver. It is the double behind the host library's loader and dispatch tests
 * and the backend of the CLI tests. Never installed.
 *
 *   test:///default   eth0 (ethernet, active, 52:54:00:aa:bb:01) and eth1 (ethernet,
 *                     inactive, 52:54:00:aa:bb:02)
 *   test:///empty     no interfaces
 *   test:///fail-open open fails with VIR_ERR_AUTH_FAILED (error propagation tests)
 *
 * Environment:
 *   NMIFACE_TEST_DRIVER_STATE  a file the state (interfaces and an open transaction) is loaded
 *                              from before every call and saved to after every change, so
 *                              separate processes (CLI runs) see each other's changes
 *   NMIFACE_TEST_DRIVER_LOG    a file every vtable call appends "ENTRY [ARG]\n" to, so tests
 *                              can see which driver entries a public call reached
 *   NMIFACE_TEST_DRIVER_SHOW_ENV  NAME: open also logs "env VALUE" (or "env unset"), NAME's
 *                              value as the loaded module sees it (the CLI sets
 *                              GNUTLS_NO_IMPLICIT_INIT before it loads a module)
 *
 * Interfaces named "inject-gio-error" and "inject-no-error" make define_xml fail with a
 * non-NMIFACE GError and with no GError at all.
 *
 * Built four times (see meson.build): the real module, and with TEST_DRIVER_BADABI (wrong
 * abi_version), TEST_DRIVER_MINIMAL (only open/close/list_all) and TEST_DRIVER_NOENTRY (no
 * entry symbol) for the loader's refusal paths.
 */

#include <gio/gio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "nmiface/driver.h"

typedef struct {
    char *name;
    char *type;
    char *mac; /* lower case, or NULL */
    gboolean active;
    char *xml;
} TestIface;

struct _NmifaceDriverConn {
    GPtrArray *ifaces;   /* TestIface*, in definition order */
    GPtrArray *snapshot; /* the state at ChangeBegin, or NULL without a transaction */
    char *state_file;
};

static void test_iface_free(TestIface *iface)
{
    if (iface == NULL)
        return;
    g_free(iface->name);
    g_free(iface->type);
    g_free(iface->mac);
    g_free(iface->xml);
    g_free(iface);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TestIface, test_iface_free)

static TestIface *test_iface_new(const char *name, const char *type, const char *mac,
                                 gboolean active, const char *xml)
{
    TestIface *iface = g_new0(TestIface, 1);

    iface->name = g_strdup(name);
    iface->type = g_strdup(type);
    iface->mac = mac != NULL ? g_ascii_strdown(mac, -1) : NULL;
    iface->active = active;
    iface->xml = g_strdup(xml);
    return iface;
}

static GPtrArray *iface_list_new(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify)test_iface_free);
}

static GPtrArray *iface_list_copy(GPtrArray *list)
{
    GPtrArray *copy = iface_list_new();

    for (guint i = 0; i < list->len; i++) {
        const TestIface *iface = list->pdata[i];

        g_ptr_array_add(
            copy, test_iface_new(iface->name, iface->type, iface->mac, iface->active, iface->xml));
    }
    return copy;
}

/* Call log */

static GMutex log_lock;

static void log_call(const char *entry, const char *arg)
{
    const char *path = g_getenv("NMIFACE_TEST_DRIVER_LOG");
    g_autofree char *line = NULL;
    FILE *fp;

    if (path == NULL || path[0] == '\0')
        return;
    line = arg != NULL ? g_strdup_printf("%s %s\n", entry, arg) : g_strdup_printf("%s\n", entry);
    g_mutex_lock(&log_lock);
    fp = fopen(path, "a");
    if (fp != NULL) {
        fputs(line, fp);
        fclose(fp);
    }
    g_mutex_unlock(&log_lock);
}

/* State file */

static void save_list(GKeyFile *kf, const char *prefix, const char *list_key, GPtrArray *list)
{
    g_autoptr(GStrvBuilder) names = g_strv_builder_new();
    g_auto(GStrv) strv = NULL;

    for (guint i = 0; i < list->len; i++) {
        const TestIface *iface = list->pdata[i];
        g_autofree char *group = g_strdup_printf("%s %s", prefix, iface->name);

        g_strv_builder_add(names, iface->name);
        g_key_file_set_string(kf, group, "type", iface->type);
        if (iface->mac != NULL)
            g_key_file_set_string(kf, group, "mac", iface->mac);
        g_key_file_set_boolean(kf, group, "active", iface->active);
        g_key_file_set_string(kf, group, "xml", iface->xml);
    }
    strv = g_strv_builder_end(names);
    g_key_file_set_string_list(kf, "driver", list_key, (const char *const *)strv,
                               g_strv_length(strv));
}

static gboolean state_save(NmifaceDriverConn *conn, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();

    if (conn->state_file == NULL)
        return TRUE;
    save_list(kf, "interface", "interfaces", conn->ifaces);
    g_key_file_set_boolean(kf, "driver", "transaction", conn->snapshot != NULL);
    if (conn->snapshot != NULL)
        save_list(kf, "snapshot", "snapshot-interfaces", conn->snapshot);
    if (!g_key_file_save_to_file(kf, conn->state_file, error)) {
        g_prefix_error(error, "cannot save test driver state: ");
        return FALSE;
    }
    return TRUE;
}

static GPtrArray *load_list(GKeyFile *kf, const char *prefix, const char *list_key, GError **error)
{
    g_autoptr(GPtrArray) list = iface_list_new();
    g_auto(GStrv) names = g_key_file_get_string_list(kf, "driver", list_key, NULL, NULL);

    for (char **name = names; name != NULL && *name != NULL; name++) {
        g_autofree char *group = g_strdup_printf("%s %s", prefix, *name);
        g_autofree char *type = g_key_file_get_string(kf, group, "type", error);
        g_autofree char *mac = g_key_file_get_string(kf, group, "mac", NULL);
        g_autofree char *xml = NULL;
        gboolean active;

        if (type == NULL)
            return NULL;
        active = g_key_file_get_boolean(kf, group, "active", NULL);
        xml = g_key_file_get_string(kf, group, "xml", error);
        if (xml == NULL)
            return NULL;
        g_ptr_array_add(list, test_iface_new(*name, type, mac, active, xml));
    }
    return g_steal_pointer(&list);
}

/* Replaces the in-memory state with the file's, when there is one. */
static gboolean state_load(NmifaceDriverConn *conn, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GPtrArray) ifaces = NULL;
    g_autoptr(GPtrArray) snapshot = NULL;

    if (conn->state_file == NULL || !g_file_test(conn->state_file, G_FILE_TEST_EXISTS))
        return TRUE;
    if (!g_key_file_load_from_file(kf, conn->state_file, G_KEY_FILE_NONE, error))
        goto fail;
    ifaces = load_list(kf, "interface", "interfaces", error);
    if (ifaces == NULL)
        goto fail;
    if (g_key_file_get_boolean(kf, "driver", "transaction", NULL)) {
        snapshot = load_list(kf, "snapshot", "snapshot-interfaces", error);
        if (snapshot == NULL)
            goto fail;
    }
    g_ptr_array_unref(conn->ifaces);
    conn->ifaces = g_steal_pointer(&ifaces);
    g_clear_pointer(&conn->snapshot, g_ptr_array_unref);
    conn->snapshot = g_steal_pointer(&snapshot);
    return TRUE;

fail:
    g_prefix_error(error, "cannot load test driver state %s: ", conn->state_file);
    return FALSE;
}

/* XML */

static const char *const known_types[] = {"ethernet", "bridge", "bond", "vlan", NULL};
static const char *const known_elements[] = {"start",  "mtu",  "protocol", "link", "mac",
                                             "bridge", "bond", "vlan",     NULL};

typedef struct {
    char *name;
    char *type;
    char *mac;
} ParsedXml;

static void parsed_xml_clear(ParsedXml *parsed)
{
    g_clear_pointer(&parsed->name, g_free);
    g_clear_pointer(&parsed->type, g_free);
    g_clear_pointer(&parsed->mac, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ParsedXml, parsed_xml_clear)

static char *xml_prop(xmlNode *node, const char *name)
{
    xmlChar *value = xmlGetProp(node, (const xmlChar *)name);
    char *copy;

    if (value == NULL)
        return NULL;
    copy = g_strdup((const char *)value);
    xmlFree(value);
    return copy;
}

static gboolean parse_root(xmlNode *root, guint flags, ParsedXml *out, GError **error)
{
    if (root == NULL || g_strcmp0((const char *)root->name, "interface") != 0) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "unexpected root element <%s>, expecting <interface>",
                    root != NULL ? (const char *)root->name : "");
        return FALSE;
    }
    out->type = xml_prop(root, "type");
    if (out->type == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, "%s",
                    "missing interface type attribute");
        return FALSE;
    }
    if (!g_strv_contains(known_types, out->type)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, "unknown interface type '%s'",
                    out->type);
        return FALSE;
    }
    out->name = xml_prop(root, "name");
    if (out->name == NULL || out->name[0] == '\0') {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, "%s",
                    "missing interface name attribute");
        return FALSE;
    }
    for (xmlNode *child = root->children; child != NULL; child = child->next) {
        if (child->type != XML_ELEMENT_NODE)
            continue;
        if ((flags & VIR_INTERFACE_DEFINE_VALIDATE) &&
            !g_strv_contains(known_elements, (const char *)child->name)) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_INVALID_SCHEMA,
                        "unexpected element <%s> in <interface>", (const char *)child->name);
            return FALSE;
        }
        if (g_strcmp0((const char *)child->name, "mac") == 0 && out->mac == NULL)
            out->mac = xml_prop(child, "address");
    }
    return TRUE;
}

static gboolean parse_xml(const char *xml, guint flags, ParsedXml *out, GError **error)
{
    xmlDoc *doc;
    gboolean ok;

    doc = xmlReadMemory(xml, (int)strlen(xml), "interface.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL) {
        const xmlError *last = xmlGetLastError();
        g_autofree char *msg = g_strdup(
            last != NULL && last->message != NULL ? last->message : "document is not well formed");

        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_DETAIL, "at line %d: %s",
                    last != NULL ? last->line : 0, g_strstrip(msg));
        return FALSE;
    }
    ok = parse_root(xmlDocGetRootElement(doc), flags, out, error);
    xmlFreeDoc(doc);
    return ok;
}

/* Driver entries */

static TestIface *find_iface(NmifaceDriverConn *conn, const char *name, GError **error)
{
    for (guint i = 0; i < conn->ifaces->len; i++) {
        TestIface *iface = conn->ifaces->pdata[i];

        if (g_strcmp0(iface->name, name) == 0)
            return iface;
    }
    g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_INTERFACE, "couldn't find interface named '%s'",
                name);
    return NULL;
}

static NmifaceIfaceInfo *info_new(const TestIface *iface)
{
    NmifaceIfaceInfo *info = g_new0(NmifaceIfaceInfo, 1);

    info->name = g_strdup(iface->name);
    info->mac = g_strdup(iface->mac);
    info->active = iface->active;
    return info;
}

static void add_default_interfaces(GPtrArray *ifaces)
{
    g_ptr_array_add(ifaces, test_iface_new("eth0", "ethernet", "52:54:00:aa:bb:01", TRUE,
                                           "<interface type='ethernet' name='eth0'>\n"
                                           "  <start mode='onboot'/>\n"
                                           "  <mac address='52:54:00:aa:bb:01'/>\n"
                                           "</interface>\n"));
    g_ptr_array_add(ifaces, test_iface_new("eth1", "ethernet", "52:54:00:aa:bb:02", FALSE,
                                           "<interface type='ethernet' name='eth1'>\n"
                                           "  <start mode='none'/>\n"
                                           "  <mac address='52:54:00:aa:bb:02'/>\n"
                                           "</interface>\n"));
}

static void test_close(NmifaceDriverConn *conn)
{
    log_call("close", NULL);
    g_ptr_array_unref(conn->ifaces);
    g_clear_pointer(&conn->snapshot, g_ptr_array_unref);
    g_free(conn->state_file);
    g_free(conn);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmifaceDriverConn, test_close)

static NmifaceDriverConn *test_open(const char *uri, gboolean read_only, GError **error)
{
    const char *sep = strstr(uri, "://");
    const char *path = sep != NULL ? sep + 3 : "";
    const char *state_file = g_getenv("NMIFACE_TEST_DRIVER_STATE");
    const char *show_env = g_getenv("NMIFACE_TEST_DRIVER_SHOW_ENV");
    g_autoptr(NmifaceDriverConn) conn = NULL;

    log_call("open", uri);
    if (show_env != NULL)
        log_call("env", g_getenv(show_env) != NULL ? g_getenv(show_env) : "unset");
    if (g_strcmp0(path, "/fail-open") == 0) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_AUTH_FAILED, "%s", "injected open failure");
        return NULL;
    }
    if (g_strcmp0(path, "/default") != 0 && g_strcmp0(path, "/empty") != 0) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INVALID_ARG,
                    "unknown test driver URI '%s' (use test:///default or test:///empty)", uri);
        return NULL;
    }
    conn = g_new0(NmifaceDriverConn, 1);
    conn->ifaces = iface_list_new();
    if (g_strcmp0(path, "/default") == 0)
        add_default_interfaces(conn->ifaces);
    if (state_file != NULL && state_file[0] != '\0')
        conn->state_file = g_strdup(state_file);
    if (!state_load(conn, error))
        return NULL;
    return g_steal_pointer(&conn);
}

static gboolean test_list_all(NmifaceDriverConn *conn, guint flags, GPtrArray **out, GError **error)
{
    g_autofree char *arg = g_strdup_printf("0x%x", flags);
    gboolean want_active = (flags & VIR_CONNECT_LIST_INTERFACES_ACTIVE) != 0;
    gboolean want_inactive = (flags & VIR_CONNECT_LIST_INTERFACES_INACTIVE) != 0;
    g_autoptr(GPtrArray) list = NULL;

    log_call("list_all", arg);
    if (!state_load(conn, error))
        return FALSE;
    /* Neither bit, or both: every interface. */
    if (!want_active && !want_inactive)
        want_active = want_inactive = TRUE;
    list = g_ptr_array_new_with_free_func((GDestroyNotify)nmiface_iface_info_free);
    for (guint i = 0; i < conn->ifaces->len; i++) {
        const TestIface *iface = conn->ifaces->pdata[i];

        if (iface->active ? want_active : want_inactive)
            g_ptr_array_add(list, info_new(iface));
    }
    *out = g_steal_pointer(&list);
    return TRUE;
}

static NmifaceIfaceInfo *test_lookup_by_name(NmifaceDriverConn *conn, const char *name,
                                             GError **error)
{
    TestIface *iface;

    log_call("lookup_by_name", name);
    if (!state_load(conn, error))
        return NULL;
    iface = find_iface(conn, name, error);
    return iface != NULL ? info_new(iface) : NULL;
}

static NmifaceIfaceInfo *test_lookup_by_mac(NmifaceDriverConn *conn, const char *mac,
                                            GError **error)
{
    TestIface *found = NULL;

    log_call("lookup_by_mac", mac);
    if (!state_load(conn, error))
        return NULL;
    for (guint i = 0; i < conn->ifaces->len; i++) {
        TestIface *iface = conn->ifaces->pdata[i];

        if (iface->mac == NULL || g_ascii_strcasecmp(iface->mac, mac) != 0)
            continue;
        if (found != NULL) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_MULTIPLE_INTERFACES,
                        "multiple interfaces with matching MAC address %s", mac);
            return NULL;
        }
        found = iface;
    }
    if (found == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_INTERFACE,
                    "couldn't find interface with MAC address '%s'", mac);
        return NULL;
    }
    return info_new(found);
}

static char *test_get_xml_desc(NmifaceDriverConn *conn, const char *name, guint flags,
                               GError **error)
{
    TestIface *iface;

    log_call("get_xml_desc", name);
    if (!state_load(conn, error))
        return NULL;
    iface = find_iface(conn, name, error);
    /* The live form is the stored form: nothing here runs. */
    return iface != NULL ? g_strdup(iface->xml) : NULL;
}

static NmifaceIfaceInfo *test_define_xml(NmifaceDriverConn *conn, const char *xml, guint flags,
                                         GError **error)
{
    g_auto(ParsedXml) parsed = {0};
    TestIface *iface;

    log_call("define_xml", NULL);
    if (!state_load(conn, error) || !parse_xml(xml, flags, &parsed, error))
        return NULL;
    if (g_strcmp0(parsed.name, "inject-gio-error") == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", "injected I/O failure");
        return NULL;
    }
    if (g_strcmp0(parsed.name, "inject-no-error") == 0)
        return NULL;

    iface = find_iface(conn, parsed.name, NULL);
    if (iface == NULL) {
        iface = test_iface_new(parsed.name, parsed.type, parsed.mac, FALSE, xml);
        g_ptr_array_add(conn->ifaces, iface);
    } else {
        /* Redefinition changes the configuration, not whether it runs. */
        g_free(iface->type);
        iface->type = g_steal_pointer(&parsed.type);
        g_free(iface->mac);
        iface->mac = parsed.mac != NULL ? g_ascii_strdown(parsed.mac, -1) : NULL;
        g_free(iface->xml);
        iface->xml = g_strdup(xml);
    }
    if (!state_save(conn, error))
        return NULL;
    return info_new(iface);
}

static gboolean test_undefine(NmifaceDriverConn *conn, const char *name, GError **error)
{
    TestIface *iface;

    log_call("undefine", name);
    if (!state_load(conn, error))
        return FALSE;
    iface = find_iface(conn, name, error);
    if (iface == NULL)
        return FALSE;
    g_ptr_array_remove(conn->ifaces, iface);
    return state_save(conn, error);
}

static gboolean set_active(NmifaceDriverConn *conn, const char *name, gboolean active,
                           GError **error)
{
    TestIface *iface;

    if (!state_load(conn, error))
        return FALSE;
    iface = find_iface(conn, name, error);
    if (iface == NULL)
        return FALSE;
    if (iface->active == active) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID, "%s",
                    active ? "interface is already running" : "interface is not running");
        return FALSE;
    }
    iface->active = active;
    return state_save(conn, error);
}

static gboolean test_create(NmifaceDriverConn *conn, const char *name, guint flags, GError **error)
{
    log_call("create", name);
    return set_active(conn, name, TRUE, error);
}

static gboolean test_destroy(NmifaceDriverConn *conn, const char *name, guint flags, GError **error)
{
    log_call("destroy", name);
    return set_active(conn, name, FALSE, error);
}

static gboolean test_is_active(NmifaceDriverConn *conn, const char *name, gboolean *active,
                               GError **error)
{
    TestIface *iface;

    log_call("is_active", name);
    if (!state_load(conn, error))
        return FALSE;
    iface = find_iface(conn, name, error);
    if (iface == NULL)
        return FALSE;
    *active = iface->active;
    return TRUE;
}

static gboolean test_change_begin(NmifaceDriverConn *conn, guint timeout_seconds, guint flags,
                                  GError **error)
{
    g_autofree char *arg = g_strdup_printf("%u", timeout_seconds);

    log_call("change_begin", arg);
    if (!state_load(conn, error))
        return FALSE;
    if (conn->snapshot != NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID, "%s",
                    "there is already an open transaction");
        return FALSE;
    }
    conn->snapshot = iface_list_copy(conn->ifaces);
    return state_save(conn, error);
}

static gboolean test_change_commit(NmifaceDriverConn *conn, guint flags, GError **error)
{
    log_call("change_commit", NULL);
    if (!state_load(conn, error))
        return FALSE;
    if (conn->snapshot == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID, "%s",
                    "no pending transaction");
        return FALSE;
    }
    g_clear_pointer(&conn->snapshot, g_ptr_array_unref);
    return state_save(conn, error);
}

static gboolean test_change_rollback(NmifaceDriverConn *conn, guint flags, GError **error)
{
    log_call("change_rollback", NULL);
    if (!state_load(conn, error))
        return FALSE;
    if (conn->snapshot == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_INVALID, "%s",
                    "no pending transaction");
        return FALSE;
    }
    g_ptr_array_unref(conn->ifaces);
    conn->ifaces = g_steal_pointer(&conn->snapshot);
    return state_save(conn, error);
}

static char *test_define_dry_run(const char *xml, guint flags, GError **error)
{
    g_auto(ParsedXml) parsed = {0};

    log_call("define_dry_run", NULL);
    if (!parse_xml(xml, flags, &parsed, error))
        return NULL;
    return g_strdup_printf("# test-driver dry run\nname=%s\ntype=%s\nmac=%s\n", parsed.name,
                           parsed.type, parsed.mac != NULL ? parsed.mac : "");
}

#ifdef TEST_DRIVER_BADABI
#define TEST_DRIVER_ABI_VERSION (NMIFACE_DRIVER_ABI_VERSION + 1)
#else
#define TEST_DRIVER_ABI_VERSION NMIFACE_DRIVER_ABI_VERSION
#endif

static const NmifaceDriver test_driver = {
    .abi_version = TEST_DRIVER_ABI_VERSION,
    .name = "test",
    .supported_list_all_flags =
        VIR_CONNECT_LIST_INTERFACES_ACTIVE | VIR_CONNECT_LIST_INTERFACES_INACTIVE,
    .supported_xml_desc_flags = VIR_INTERFACE_XML_INACTIVE,
    .supported_define_flags = VIR_INTERFACE_DEFINE_VALIDATE,
    .supported_create_flags = 0,
    .supported_destroy_flags = 0,
    .supported_change_flags = 0,
    .open = test_open,
    .close = test_close,
    .list_all = test_list_all,
    .lookup_by_name = test_lookup_by_name,
    .lookup_by_mac = test_lookup_by_mac,
    .get_xml_desc = test_get_xml_desc,
    .define_xml = test_define_xml,
    .undefine = test_undefine,
    .create = test_create,
    .destroy = test_destroy,
    .is_active = test_is_active,
    .change_begin = test_change_begin,
    .change_commit = test_change_commit,
    .change_rollback = test_change_rollback,
    .define_dry_run = test_define_dry_run,
};

/* Every other entry NULL: the host must answer VIR_ERR_NO_SUPPORT. */
static const NmifaceDriver minimal_driver = {
    .abi_version = TEST_DRIVER_ABI_VERSION,
    .name = "test",
    .supported_list_all_flags =
        VIR_CONNECT_LIST_INTERFACES_ACTIVE | VIR_CONNECT_LIST_INTERFACES_INACTIVE,
    .open = test_open,
    .close = test_close,
    .list_all = test_list_all,
};

#ifdef TEST_DRIVER_MINIMAL
#define TEST_DRIVER_IS_MINIMAL TRUE
#else
#define TEST_DRIVER_IS_MINIMAL FALSE
#endif

#ifdef TEST_DRIVER_NOENTRY
/* Same code under another name, which the version script hides: the loader must find no
 * entry symbol. */
#define TEST_DRIVER_ENTRY_NAME nmiface_test_driver_hidden_entry
#else
#define TEST_DRIVER_ENTRY_NAME nmiface_driver_entry
#endif

__attribute__((visibility("default"))) const NmifaceDriver *TEST_DRIVER_ENTRY_NAME(void);

__attribute__((visibility("default"))) const NmifaceDriver *TEST_DRIVER_ENTRY_NAME(void)
{
    /* libxml2 wants its globals set up once before threads parse. */
    xmlInitParser();
    return TEST_DRIVER_IS_MINIMAL ? &minimal_driver : &test_driver;
}
