/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* iface-dumpxml, iface-mac and iface-name. */
#include <stdlib.h>

#include "shell.h"
#include "xml-util.h"

/* virsh's virshDumpXML: the whole document, or the nodes an XPath selects. */
static gboolean dump_xml(const char *xml, const char *xpath, gboolean wrap)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlXPathObject) result = NULL;
    xmlNodeSetPtr nodes;

    if (xpath == NULL) {
        nmi_print("%s", xml);
        return TRUE;
    }

    if ((doc = nmi_xml_parse(xml, FALSE, &ctxt)) == NULL) {
        nmi_error("%s", "Failed to parse interface XML");
        return FALSE;
    }

    /* An expression that does not compile selects nothing, as in virsh. */
    if ((result = xmlXPathEval((const xmlChar *)xpath, ctxt)) == NULL)
        return TRUE;
    if (result->type != XPATH_NODESET) {
        nmi_error("Incorrect xpath '%s'", xpath);
        return FALSE;
    }
    nodes = result->nodesetval;

    if (wrap) {
        g_autoptr(xmlDoc) wrapped = xmlNewDoc((const xmlChar *)"1.0");
        xmlNodePtr root = xmlNewNode(NULL, (const xmlChar *)"nodes");
        g_autofree char *text = NULL;

        xmlDocSetRootElement(wrapped, root);
        for (int i = 0; nodes != NULL && i < nodes->nodeNr; i++)
            xmlAddChild(root, xmlDocCopyNode(nodes->nodeTab[i], wrapped, 1));
        text = nmi_xml_node_to_string(wrapped, root);
        nmi_print("%s\n", text);
        return TRUE;
    }

    for (int i = 0; nodes != NULL && i < nodes->nodeNr; i++) {
        g_autofree char *text = nmi_xml_node_to_string(doc, nodes->nodeTab[i]);

        nmi_print("%s\n", text);
    }
    return TRUE;
}

static gboolean cmd_iface_dumpxml(NmiShell *shell, const NmiCmd *cmd)
{
    g_autoptr(virInterface) iface = NULL;
    g_autofree char *xml = NULL;
    const char *xpath = NULL;
    unsigned int flags = 0;
    char *desc;

    if (nmi_cmd_opt_bool(cmd, "inactive"))
        flags |= VIR_INTERFACE_XML_INACTIVE;

    iface = nmi_iface_from_opt(shell, cmd, NULL, NULL, NMI_LOOKUP_BY_NAME | NMI_LOOKUP_BY_MAC);
    if (iface == NULL)
        return FALSE;

    if (nmi_cmd_opt_string(cmd, "xpath", &xpath) < 0)
        return FALSE;

    if ((desc = virInterfaceGetXMLDesc(iface, flags)) == NULL) {
        nmi_save_error();
        return FALSE;
    }
    xml = g_strdup(desc);
    free(desc);

    return dump_xml(xml, xpath, nmi_cmd_opt_bool(cmd, "wrap"));
}

static const NmiOptDef dumpxml_opts[] = {
    {.name = "interface",
     .type = NMI_OPT_STRING,
     .positional = TRUE,
     .required = TRUE,
     .help = "interface name or MAC address"},
    {.name = "inactive", .type = NMI_OPT_BOOL, .help = "show inactive defined XML"},
    {.name = "xpath",
     .type = NMI_OPT_STRING,
     .help = "xpath expression to filter the XML document"},
    {.name = "wrap", .type = NMI_OPT_BOOL, .help = "wrap xpath results in an common root element"},
    {.name = NULL},
};

const NmiCmdDef nmi_cmd_def_iface_dumpxml = {
    .name = "iface-dumpxml",
    .help = "interface information in XML",
    .desc = "Output the physical host interface information as an XML dump to stdout.",
    .opts = dumpxml_opts,
    .handler = cmd_iface_dumpxml,
};

static gboolean cmd_iface_mac(NmiShell *shell, const NmiCmd *cmd)
{
    g_autoptr(virInterface) iface = NULL;

    if ((iface = nmi_iface_from_opt(shell, cmd, NULL, NULL, NMI_LOOKUP_BY_NAME)) == NULL)
        return FALSE;

    nmi_print("%s\n", virInterfaceGetMACString(iface));
    return TRUE;
}

static const NmiOptDef mac_opts[] = {
    {.name = "interface",
     .type = NMI_OPT_STRING,
     .positional = TRUE,
     .required = TRUE,
     .help = "interface name"},
    {.name = NULL},
};

const NmiCmdDef nmi_cmd_def_iface_mac = {
    .name = "iface-mac",
    .help = "convert an interface name to interface MAC address",
    .desc = "",
    .opts = mac_opts,
    .handler = cmd_iface_mac,
};

static gboolean cmd_iface_name(NmiShell *shell, const NmiCmd *cmd)
{
    g_autoptr(virInterface) iface = NULL;

    if ((iface = nmi_iface_from_opt(shell, cmd, NULL, NULL, NMI_LOOKUP_BY_MAC)) == NULL)
        return FALSE;

    nmi_print("%s\n", virInterfaceGetName(iface));
    return TRUE;
}

static const NmiOptDef name_opts[] = {
    {.name = "interface",
     .type = NMI_OPT_STRING,
     .positional = TRUE,
     .required = TRUE,
     .help = "interface mac"},
    {.name = NULL},
};

const NmiCmdDef nmi_cmd_def_iface_name = {
    .name = "iface-name",
    .help = "convert an interface MAC address to interface name",
    .desc = "",
    .opts = name_opts,
    .handler = cmd_iface_name,
};
