/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include <libxml/xmlsave.h>

#include "xml-util.h"

/*
 * Parses a document the library produced, with the XPath context on its root element (as
 * virsh's virXMLParseStringCtxt). Never touches the network or expands entities.
 */
xmlDocPtr nmi_xml_parse(const char *text, gboolean keep_blanks, xmlXPathContextPtr *ctxt)
{
    g_autoptr(xmlDoc) doc = NULL;
    int options = XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR;
    xmlNodePtr root;

    if (!keep_blanks)
        options |= XML_PARSE_NOBLANKS;

    doc = xmlReadMemory(text, (int)strlen(text), "interface.xml", NULL, options);
    if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL)
        return NULL;

    *ctxt = xmlXPathNewContext(doc);
    if (*ctxt == NULL)
        return NULL;
    (*ctxt)->node = root;
    return g_steal_pointer(&doc);
}

/* An attribute as a GLib string (g_free()), or NULL when absent. */
char *nmi_xml_prop(xmlNodePtr node, const char *name)
{
    xmlChar *value = xmlGetProp(node, (const xmlChar *)name);
    char *copy;

    if (value == NULL)
        return NULL;
    copy = g_strdup((const char *)value);
    xmlFree(value);
    return copy;
}

/* A node serialised with indentation, as virsh's virXMLNodeToString. */
char *nmi_xml_node_to_string(xmlDocPtr doc, xmlNodePtr node)
{
    xmlBufferPtr buf = xmlBufferCreate();
    char *text;

    xmlNodeDump(buf, doc, node, 0, 1);
    text = g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return text;
}
