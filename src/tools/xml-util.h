/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libxml2 helpers shared by the commands that rewrite or filter interface XML. */
#pragma once

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)

xmlDocPtr nmi_xml_parse(const char *text, gboolean keep_blanks, xmlXPathContextPtr *ctxt);
char *nmi_xml_prop(xmlNodePtr node, const char *name);
char *nmi_xml_node_to_string(xmlDocPtr doc, xmlNodePtr node);
