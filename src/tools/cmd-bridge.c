/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iface-bridge and iface-unbridge, with virsh's logic: the interface's definition becomes the
 * bridge's, so its start mode, MTU and IP configuration move to the bridge, while its <mac>,
 * <bond> and <vlan> go down into the port; unbridge moves them back. Steps, checks and
 * messages are virsh's.
 */
#include <stdlib.h>

#include "shell.h"
#include "xml-util.h"

static gboolean is_moved_element(xmlNodePtr node)
{
    return node->type == XML_ELEMENT_NODE && (xmlStrEqual(node->name, (const xmlChar *)"mac") ||
                                              xmlStrEqual(node->name, (const xmlChar *)"bond") ||
                                              xmlStrEqual(node->name, (const xmlChar *)"vlan"));
}

/* Moves the <mac>, <bond> and <vlan> children of @from to the end of @to, in order. */
static void move_link_elements(xmlNodePtr from, xmlNodePtr to)
{
    xmlNodePtr cur = from->children;

    while (cur != NULL) {
        xmlNodePtr node = cur;

        cur = cur->next;
        if (!is_moved_element(node))
            continue;
        xmlUnlinkNode(node);
        xmlAddChild(to, node);
    }
}

/*
 * The rewritten document as text for DefineXML: the root element, indented, without an XML
 * declaration, so that a driver that keeps the text keeps it readable.
 */
static char *doc_to_string(xmlDocPtr doc)
{
    g_autofree char *text = nmi_xml_node_to_string(doc, xmlDocGetRootElement(doc));

    if (text == NULL || text[0] == '\0')
        return NULL;
    return g_strdup_printf("%s\n", text);
}

static gboolean has_port_named(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr child = node->children; child != NULL; child = child->next) {
        if (child->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(child->name, (const xmlChar *)"interface")) {
            g_autofree char *child_name = nmi_xml_prop(child, "name");

            if (g_strcmp0(child_name, name) == 0)
                return TRUE;
        }
        if (has_port_named(child, name))
            return TRUE;
    }
    return FALSE;
}

/*
 * Beyond virsh: the interface must not already be a port of a bridge or bond, or bridging it
 * would silently take it from its master. Returns FALSE (reported) on a listing error; *master
 * is the master's name, or NULL.
 */
static gboolean find_master(virConnectPtr conn, const char *if_name, char **master)
{
    virInterfacePtr *ifaces = NULL;
    int n;

    *master = NULL;
    if ((n = virConnectListAllInterfaces(conn, &ifaces, 0)) < 0) {
        nmi_error("%s", "Failed to list interfaces");
        return FALSE;
    }

    for (int i = 0; i < n; i++) {
        const char *name = virInterfaceGetName(ifaces[i]);
        g_autoptr(xmlDoc) doc = NULL;
        g_autoptr(xmlXPathContext) ctxt = NULL;
        g_autofree char *xml = NULL;

        if (*master != NULL)
            break;
        if (g_strcmp0(name, if_name) == 0)
            continue;
        /* One that went away meanwhile holds no port. */
        if ((xml = nmi_iface_inactive_xml(ifaces[i])) == NULL) {
            nmi_reset_error();
            continue;
        }
        doc = nmi_xml_parse(xml, FALSE, &ctxt);
        if (doc != NULL && has_port_named(ctxt->node, if_name))
            *master = g_strdup(name);
    }

    for (int i = 0; i < n; i++)
        nmi_iface_unref(ifaces[i]);
    free(ifaces);
    return TRUE;
}

static gboolean cmd_iface_bridge(NmiShell *shell, const NmiCmd *cmd)
{
    g_autoptr(virInterface) if_handle = NULL;
    g_autoptr(virInterface) br_handle = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autofree char *if_xml = NULL;
    g_autofree char *if_type = NULL;
    g_autofree char *if2_name = NULL;
    g_autofree char *br_xml = NULL;
    g_autofree char *delay_str = NULL;
    g_autofree char *master = NULL;
    const char *if_name = NULL;
    const char *br_name = NULL;
    unsigned int delay = 0;
    gboolean stp;
    gboolean nostart;
    xmlNodePtr top_node;
    xmlNodePtr br_node;
    xmlNodePtr if_node;
    virConnectPtr conn;

    if_handle = nmi_iface_from_opt(shell, cmd, "interface", &if_name, NMI_LOOKUP_BY_NAME);
    if (if_handle == NULL)
        return FALSE;
    conn = nmi_shell_connect(shell);

    if (nmi_cmd_opt_string(cmd, "bridge", &br_name) < 0)
        return FALSE;

    /* The bridge must be new; not finding it is the expected outcome, not an error. */
    if ((br_handle = virInterfaceLookupByName(conn, br_name)) != NULL) {
        nmi_error("Network device %s already exists", br_name);
        return FALSE;
    }
    nmi_reset_error();

    /* "no-stp" because STP is on by default. */
    stp = !nmi_cmd_opt_bool(cmd, "no-stp");
    if (nmi_cmd_opt_uint(cmd, "delay", &delay) < 0)
        return FALSE;
    nostart = nmi_cmd_opt_bool(cmd, "no-start");

    if ((if_xml = nmi_iface_inactive_xml(if_handle)) == NULL)
        return FALSE;
    if ((doc = nmi_xml_parse(if_xml, FALSE, &ctxt)) == NULL) {
        nmi_error("Failed to parse configuration of %s", if_name);
        return FALSE;
    }
    top_node = ctxt->node;

    if ((if_type = nmi_xml_prop(top_node, "type")) == NULL) {
        nmi_error("Existing device %s has no type", if_name);
        return FALSE;
    }
    if (g_str_equal(if_type, "bridge")) {
        nmi_error("Existing device %s is already a bridge", if_name);
        return FALSE;
    }
    if (!find_master(conn, if_name, &master))
        return FALSE;
    if (master != NULL) {
        nmi_error("Existing device %s is already a port of %s", if_name, master);
        return FALSE;
    }

    if2_name = nmi_xml_prop(top_node, "name");
    if (g_strcmp0(if2_name, if_name) != 0) {
        nmi_error("Interface name from config %s doesn't match given supplied name %s",
                  if2_name ? if2_name : "(null)", if_name);
        return FALSE;
    }

    br_node = xmlNewChild(top_node, NULL, (const xmlChar *)"bridge", NULL);
    xmlSetProp(br_node, (const xmlChar *)"stp", (const xmlChar *)(stp ? "on" : "off"));
    if (stp) {
        delay_str = g_strdup_printf("%u", delay);
        xmlSetProp(br_node, (const xmlChar *)"delay", (const xmlChar *)delay_str);
    }

    xmlSetProp(top_node, (const xmlChar *)"type", (const xmlChar *)"bridge");
    xmlSetProp(top_node, (const xmlChar *)"name", (const xmlChar *)br_name);

    if_node = xmlNewChild(br_node, NULL, (const xmlChar *)"interface", NULL);
    xmlSetProp(if_node, (const xmlChar *)"type", (const xmlChar *)if_type);
    xmlSetProp(if_node, (const xmlChar *)"name", (const xmlChar *)if_name);

    move_link_elements(top_node, if_node);

    if ((br_xml = doc_to_string(doc)) == NULL) {
        nmi_error("Failed to format new xml document for bridge %s", br_name);
        return FALSE;
    }

    /* Defining the bridge takes the interface in as its port. */
    if ((br_handle = virInterfaceDefineXML(conn, br_xml, 0)) == NULL) {
        nmi_error("Failed to define new bridge interface %s", br_name);
        return FALSE;
    }
    nmi_print_extra(shell, "Created bridge %s with attached device %s\n", br_name, if_name);

    if (!nostart) {
        if (virInterfaceCreate(br_handle, 0) < 0) {
            nmi_error("Failed to start bridge interface %s", br_name);
            return FALSE;
        }
        nmi_print_extra(shell, "Bridge interface %s started\n", br_name);
    }
    return TRUE;
}

static const NmiOptDef bridge_opts[] = {
    {.name = "interface",
     .type = NMI_OPT_STRING,
     .positional = TRUE,
     .required = TRUE,
     .help = "existing interface name"},
    {.name = "bridge",
     .type = NMI_OPT_STRING,
     .positional = TRUE,
     .required = TRUE,
     .help = "new bridge device name"},
    {.name = "no-stp", .type = NMI_OPT_BOOL, .help = "do not enable STP for this bridge"},
    {.name = "delay",
     .type = NMI_OPT_INT,
     .unwanted_positional = TRUE,
     .help = "number of seconds to squelch traffic on newly connected ports"},
    {.name = "no-start", .type = NMI_OPT_BOOL, .help = "don't start the bridge immediately"},
    {.name = NULL},
};

const NmiCmdDef nmi_cmd_def_iface_bridge = {
    .name = "iface-bridge",
    .help = "create a bridge device and attach an existing network device to it",
    .desc = "bridge an existing network device",
    .opts = bridge_opts,
    .handler = cmd_iface_bridge,
};

static xmlNodePtr xpath_node(xmlXPathContextPtr ctxt, const char *xpath)
{
    g_autoptr(xmlXPathObject) result = xmlXPathEval((const xmlChar *)xpath, ctxt);

    if (result == NULL || result->type != XPATH_NODESET || result->nodesetval == NULL ||
        result->nodesetval->nodeNr < 1)
        return NULL;
    return result->nodesetval->nodeTab[0];
}

static gboolean cmd_iface_unbridge(NmiShell *shell, const NmiCmd *cmd)
{
    g_autoptr(virInterface) if_handle = NULL;
    g_autoptr(virInterface) br_handle = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autofree char *br_xml = NULL;
    g_autofree char *if_xml = NULL;
    g_autofree char *top_type = NULL;
    g_autofree char *top_name = NULL;
    g_autofree char *if_type = NULL;
    g_autofree char *if_name = NULL;
    const char *br_name = NULL;
    gboolean nostart;
    xmlNodePtr top_node;
    xmlNodePtr bridge_node;
    xmlNodePtr if_node;
    virConnectPtr conn;

    br_handle = nmi_iface_from_opt(shell, cmd, "bridge", &br_name, NMI_LOOKUP_BY_NAME);
    if (br_handle == NULL)
        return FALSE;
    conn = nmi_shell_connect(shell);

    nostart = nmi_cmd_opt_bool(cmd, "no-start");

    if ((br_xml = nmi_iface_inactive_xml(br_handle)) == NULL)
        return FALSE;
    if ((doc = nmi_xml_parse(br_xml, FALSE, &ctxt)) == NULL) {
        nmi_error("Failed to parse configuration of %s", br_name);
        return FALSE;
    }
    top_node = ctxt->node;

    if ((top_type = nmi_xml_prop(top_node, "type")) == NULL) {
        nmi_error("Existing device %s has no type", br_name);
        return FALSE;
    }
    if (!g_str_equal(top_type, "bridge")) {
        nmi_error("Device %s is not a bridge", br_name);
        return FALSE;
    }

    top_name = nmi_xml_prop(top_node, "name");
    if (g_strcmp0(top_name, br_name) != 0) {
        nmi_error("Interface name from config %s doesn't match given supplied name %s",
                  top_name ? top_name : "(null)", br_name);
        return FALSE;
    }

    if ((bridge_node = xpath_node(ctxt, "./bridge")) == NULL) {
        nmi_error("%s", "No bridge node in xml document");
        return FALSE;
    }
    if (xpath_node(ctxt, "./bridge/interface[2]") != NULL) {
        nmi_error("%s", "Multiple interfaces attached to bridge");
        return FALSE;
    }
    if ((if_node = xpath_node(ctxt, "./bridge/interface")) == NULL) {
        nmi_error("%s", "No interface attached to bridge");
        return FALSE;
    }

    if ((if_name = nmi_xml_prop(if_node, "name")) == NULL) {
        nmi_error("Device attached to bridge %s has no name", br_name);
        return FALSE;
    }
    if ((if_type = nmi_xml_prop(if_node, "type")) == NULL) {
        nmi_error("Attached device %s has no type", if_name);
        return FALSE;
    }

    xmlSetProp(top_node, (const xmlChar *)"type", (const xmlChar *)if_type);
    xmlSetProp(top_node, (const xmlChar *)"name", (const xmlChar *)if_name);
    move_link_elements(if_node, top_node);

    /*
     * virsh leaves the emptied <bridge> in place and libvirt's parser ignores it under a
     * non-bridge interface; our parser validates strictly, so it goes.
     */
    xmlUnlinkNode(bridge_node);
    xmlFreeNode(bridge_node);

    if ((if_xml = doc_to_string(doc)) == NULL) {
        nmi_error("Failed to format new xml document for detached interface %s", if_name);
        return FALSE;
    }

    /* The port cannot be defined on its own while the bridge still holds it. */
    if (virInterfaceDestroy(br_handle, 0) < 0) {
        nmi_error("Failed to destroy bridge interface %s", br_name);
        return FALSE;
    }
    if (virInterfaceUndefine(br_handle) < 0) {
        nmi_error("Failed to undefine bridge interface %s", br_name);
        return FALSE;
    }

    if ((if_handle = virInterfaceDefineXML(conn, if_xml, 0)) == NULL) {
        nmi_error("Failed to define new interface %s", if_name);
        return FALSE;
    }
    nmi_print_extra(shell, "Device %s un-attached from bridge %s\n", if_name, br_name);

    if (!nostart) {
        if (virInterfaceCreate(if_handle, 0) < 0) {
            nmi_error("Failed to start interface %s", if_name);
            return FALSE;
        }
        nmi_print_extra(shell, "Interface %s started\n", if_name);
    }
    return TRUE;
}

static const NmiOptDef unbridge_opts[] = {
    {.name = "bridge",
     .type = NMI_OPT_STRING,
     .positional = TRUE,
     .required = TRUE,
     .help = "current bridge device name"},
    {.name = "no-start",
     .type = NMI_OPT_BOOL,
     .help = "don't start the detached interface immediately (not recommended)"},
    {.name = NULL},
};

const NmiCmdDef nmi_cmd_def_iface_unbridge = {
    .name = "iface-unbridge",
    .help = "undefine a bridge device after detaching its device(s)",
    .desc = "unbridge a network device",
    .opts = unbridge_opts,
    .handler = cmd_iface_unbridge,
};
