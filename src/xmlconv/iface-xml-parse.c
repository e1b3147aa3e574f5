/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Interface XML -> NmiIfaceDef.
 *
 * Follows libvirt's parser (src/conf/interface_conf.c) in what it reads, but refuses what
 * libvirt silently ignores (unknown or misplaced elements and attributes, duplicates, stray
 * text): anything dropped here would be dropped from the NetworkManager profiles as well.
 *
 * The document is read by libxml2 with a per-call parser context: its errors go to a handler
 * on that context (no process-wide handler), DTDs and entities are never loaded or expanded,
 * a DOCTYPE stops the parser at once, and so does nesting deeper than the model allows.
 */

#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "iface-def.h"
#include "iface-enums.h"
#include "iface-xml-private.h"
#include "nmiface/driver.h"

typedef struct {
    /* first error libxml2 reported */
    gboolean have_error;
    int error_line;
    char *error_message;
    /* our own reasons to stop the parser */
    gboolean saw_doctype;
    int doctype_line;
    gboolean too_deep;
    int too_deep_line;
    int depth;
} ParseState;

static void parse_state_clear(ParseState *state)
{
    g_free(state->error_message);
}

static void on_structured_error(void *user_data, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = user_data;
    ParseState *state = ctxt->_private;

    if (state == NULL || state->have_error || err == NULL || err->level < XML_ERR_ERROR)
        return;
    state->have_error = TRUE;
    state->error_line = err->line;
    /* libxml2 puts details on further lines ("Bytes: 0xFF ..."): keep one line */
    state->error_message = g_strstrip(g_strdup(err->message != NULL ? err->message : "?"));
    g_strdelimit(state->error_message, "\n", ' ');
}

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
                               const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = ctx;
    ParseState *state = ctxt->_private;

    state->saw_doctype = TRUE;
    state->doctype_line = xmlSAX2GetLineNumber(ctx);
    xmlStopParser(ctxt);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content)
{
    /* Unreachable while internalSubset stops the parser; kept so no entity is ever stored. */
    on_internal_subset(ctx, name, public_id, system_id);
}

static void on_start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                             const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                             int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = ctx;
    ParseState *state = ctxt->_private;

    if (++state->depth > NMI_XML_MAX_DEPTH) {
        state->too_deep = TRUE;
        state->too_deep_line = xmlSAX2GetLineNumber(ctx);
        xmlStopParser(ctxt);
        return;
    }
    xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                          nb_defaulted, attributes);
}

static void on_end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                           const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = ctx;
    ParseState *state = ctxt->_private;

    state->depth--;
    xmlSAX2EndElementNs(ctx, localname, prefix, uri);
}

static gpointer init_libxml(gpointer data)
{
    xmlInitParser();
    return NULL;
}

static int parser_options(void)
{
    /* Never XML_PARSE_NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE. */
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
#if LIBXML_VERSION >= 21300
    options |= XML_PARSE_NO_XXE;
#endif
    return options;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlParserCtxt, xmlFreeParserCtxt)

static xmlDoc *read_document(const char *xml, size_t len, GError **error)
{
    static GOnce once = G_ONCE_INIT;
    g_autoptr(xmlParserCtxt) ctxt = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    ParseState state = {0};
    gboolean ok = FALSE;

    g_once(&once, init_libxml, NULL);

    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL || ctxt->sax == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_MEMORY, "cannot allocate an XML parser");
        return NULL;
    }
    ctxt->_private = &state;
    ctxt->sax->serror = on_structured_error;
    ctxt->sax->internalSubset = on_internal_subset;
    ctxt->sax->externalSubset = on_internal_subset;
    ctxt->sax->entityDecl = on_entity_decl;
    ctxt->sax->startElementNs = on_start_element;
    ctxt->sax->endElementNs = on_end_element;

    doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, NULL, parser_options());
    ctxt->_private = NULL;

    if (state.saw_doctype) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "at line %d: document type declarations (<!DOCTYPE>) are not allowed",
                    state.doctype_line);
    } else if (state.too_deep) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "at line %d: elements nested deeper than %d levels", state.too_deep_line,
                    NMI_XML_MAX_DEPTH);
    } else if (state.have_error || doc == NULL || !ctxt->wellFormed) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_DETAIL, "at line %d: %s",
                    state.have_error ? state.error_line : 1,
                    state.have_error ? state.error_message : "document is not well-formed");
    } else if (doc->intSubset != NULL || doc->extSubset != NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "document type declarations (<!DOCTYPE>) are not allowed");
    } else {
        ok = TRUE;
    }
    parse_state_clear(&state);
    if (!ok)
        return NULL;
    return g_steal_pointer(&doc);
}

/* ---- element and attribute access ---------------------------------------------------- */

static gboolean name_is(const xmlNode *node, const char *name)
{
    return node->ns == NULL && strcmp((const char *)node->name, name) == 0;
}

/* "prefix:name", or "{uri}name" in a default namespace: what to show for a name we refuse */
static char *qualified_name(const xmlNode *node)
{
    g_autofree char *full = NULL;

    if (node->ns != NULL && node->ns->prefix != NULL)
        full = g_strdup_printf("%s:%s", node->ns->prefix, node->name);
    else if (node->ns != NULL)
        full = g_strdup_printf("{%s}%s", node->ns->href, node->name);
    else
        full = g_strdup((const char *)node->name);
    return nmi_msg_value(full);
}

/* Element children, refusing non-blank text: libvirt's schema allows none anywhere. */
static gboolean check_children(const xmlNode *node, GError **error)
{
    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (!xmlIsBlankNode((xmlNode *)c)) {
                g_autofree char *text = g_strstrip(g_strdup((const char *)c->content));
                g_autofree char *shown = nmi_msg_value(text);
                g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, "unexpected text '%s' in <%s>",
                            shown, node->name);
                return FALSE;
            }
        } else if (c->type != XML_ELEMENT_NODE && c->type != XML_COMMENT_NODE &&
                   c->type != XML_PI_NODE) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, "unexpected content in <%s>",
                        node->name);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean check_attributes(const xmlNode *node, const char *const *allowed, GError **error)
{
    for (const xmlAttr *a = node->properties; a != NULL; a = a->next) {
        gboolean known = FALSE;

        if (a->ns == NULL) {
            for (guint i = 0; allowed[i] != NULL && !known; i++)
                known = strcmp((const char *)a->name, allowed[i]) == 0;
        }
        if (!known) {
            g_autofree char *qname = a->ns != NULL && a->ns->prefix != NULL
                                         ? g_strdup_printf("%s:%s", a->ns->prefix, a->name)
                                         : g_strdup((const char *)a->name);
            g_autofree char *shown = nmi_msg_value(qname);
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                        "unexpected attribute '%s' in <%s>", shown, node->name);
            return FALSE;
        }
    }
    return check_children(node, error);
}

/* An empty element: only the listed attributes, no children. */
static gboolean check_leaf(const xmlNode *node, const char *const *allowed, GError **error)
{
    if (!check_attributes(node, allowed, error))
        return FALSE;
    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            g_autofree char *qname = qualified_name(c);
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, "unexpected element <%s> in <%s>",
                        qname, node->name);
            return FALSE;
        }
    }
    return TRUE;
}

static char *get_attr(const xmlNode *node, const char *name)
{
    xmlChar *value = xmlGetNoNsProp((xmlNode *)node, (const xmlChar *)name);
    char *copy;

    if (value == NULL)
        return NULL;
    copy = g_strdup((const char *)value);
    xmlFree(value);
    return copy;
}

static gboolean missing_attr(const xmlNode *node, const char *name, GError **error)
{
    g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, NMI_MSG_MISSING_ATTR, name, node->name);
    return FALSE;
}

static char *get_required_attr(const xmlNode *node, const char *name, GError **error)
{
    char *value = get_attr(node, name);

    if (value == NULL)
        missing_attr(node, name, error);
    return value;
}

static gboolean unexpected_element(const xmlNode *parent, const xmlNode *child, GError **error)
{
    g_autofree char *qname = qualified_name(child);

    g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, "unexpected element <%s> in <%s>", qname,
                parent->name);
    return FALSE;
}

static gboolean duplicate_element(const xmlNode *parent, const xmlNode *child, GError **error)
{
    g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, "duplicate <%s> in <%s>", child->name,
                parent->name);
    return FALSE;
}

static gboolean all_digits(const char *s)
{
    if (*s == '\0')
        return FALSE;
    for (; *s != '\0'; s++) {
        if (!g_ascii_isdigit(*s))
            return FALSE;
    }
    return TRUE;
}

/*
 * A decimal unsigned attribute in [min, max]. @what names it in messages ("mtu size");
 * @range is how the allowed values are spelled there ("68..65535"). Absent: *out untouched.
 */
static gboolean parse_uint_attr(const xmlNode *node, const char *attr, const char *what,
                                guint64 min, guint64 max, const char *range, gboolean required,
                                guint64 *out, GError **error)
{
    g_autofree char *text = get_attr(node, attr);

    if (text == NULL) {
        return required ? missing_attr(node, attr, error) : TRUE;
    }
    if (!all_digits(text) || strlen(text) > 20 ||
        !g_ascii_string_to_unsigned(text, 10, min, max, out, NULL)) {
        g_autofree char *shown = nmi_msg_value(text);
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, NMI_MSG_BAD_RANGE, what, shown,
                    node->name, attr, range);
        return FALSE;
    }
    return TRUE;
}

static gboolean parse_int_attr(const xmlNode *node, const char *attr, const char *what,
                               gboolean required, int *out, GError **error)
{
    guint64 value = 0;
    g_autofree char *range = g_strdup_printf("0..%d", G_MAXINT);

    if (!parse_uint_attr(node, attr, what, 0, G_MAXINT, range, required, &value, error))
        return FALSE;
    if (xmlHasProp((xmlNode *)node, (const xmlChar *)attr) != NULL)
        *out = (int)value;
    return TRUE;
}

/* An enumerated attribute: the value @table names, or -1 when absent. */
static gboolean parse_enum_attr(const xmlNode *node, const char *attr, const char *what,
                                const NmiEnumTable *table, gboolean required, int *out,
                                GError **error)
{
    g_autofree char *text = get_attr(node, attr);
    g_autofree char *shown = NULL;
    g_autofree char *choices = NULL;

    *out = -1;
    if (text == NULL) {
        return required ? missing_attr(node, attr, error) : TRUE;
    }
    if (nmi_enum_from_string(table, text, out))
        return TRUE;
    shown = nmi_msg_value(text);
    choices = nmi_enum_choices(table);
    g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, NMI_MSG_BAD_CHOICE, what, shown,
                node->name, attr, choices);
    return FALSE;
}

/* ---- the model ------------------------------------------------------------------------- */

/* <protocol family=''>: the value is NmiProtocol.is_ipv6 */
static const NmiEnumName family_names[] = {{FALSE, "ipv4"}, {TRUE, "ipv6"}};
static const NmiEnumTable family_table = {family_names, G_N_ELEMENTS(family_names)};

static NmiIfaceDef *parse_interface(const xmlNode *node, const NmiIfaceDef *master, GError **error);

static gboolean parse_start(NmiIfaceDef *def, const xmlNode *node, GError **error)
{
    static const char *const attrs[] = {"mode", NULL};
    int mode;

    if (!check_leaf(node, attrs, error) ||
        !parse_enum_attr(node, "mode", "start mode", &nmi_start_mode_table, TRUE, &mode, error))
        return FALSE;
    def->start = (NmiStartMode)mode;
    return TRUE;
}

static gboolean parse_mtu(NmiIfaceDef *def, const xmlNode *node, GError **error)
{
    static const char *const attrs[] = {"size", NULL};
    guint64 size = 0;

    if (!check_leaf(node, attrs, error) ||
        !parse_uint_attr(node, "size", "mtu size", NMI_MTU_MIN, NMI_MTU_MAX,
                         G_STRINGIFY(NMI_MTU_MIN) ".." G_STRINGIFY(NMI_MTU_MAX), TRUE, &size,
                         error))
        return FALSE;
    def->mtu = (guint)size;
    return TRUE;
}

static gboolean parse_link(NmiIfaceDef *def, const xmlNode *node, GError **error)
{
    static const char *const attrs[] = {"speed", "state", NULL};
    guint64 speed = 0;
    int state;

    if (!check_leaf(node, attrs, error) ||
        !parse_uint_attr(node, "speed", "link speed", 0, G_MAXUINT, "0..4294967295", FALSE, &speed,
                         error) ||
        !parse_enum_attr(node, "state", "link state", &nmi_link_state_table, FALSE, &state, error))
        return FALSE;
    def->link_speed = (guint)speed;
    if (state >= 0)
        def->link_state = (NmiLinkState)state;
    return TRUE;
}

static gboolean parse_mac(NmiIfaceDef *def, const xmlNode *node, GError **error)
{
    static const char *const attrs[] = {"address", NULL};

    if (!check_leaf(node, attrs, error))
        return FALSE;
    def->mac = get_required_attr(node, "address", error);
    return def->mac != NULL;
}

static gboolean parse_ip(NmiProtocol *proto, const xmlNode *node, GError **error)
{
    static const char *const attrs[] = {"address", "prefix", NULL};
    g_autofree char *address = NULL;
    guint64 prefix = 0;
    gboolean has_prefix = xmlHasProp((xmlNode *)node, (const xmlChar *)"prefix") != NULL;

    if (!check_leaf(node, attrs, error))
        return FALSE;
    address = get_required_attr(node, "address", error);
    if (address == NULL)
        return FALSE;
    if (!parse_uint_attr(node, "prefix", proto->is_ipv6 ? "IPv6 prefix" : "IPv4 prefix", 0,
                         NMI_IP_PREFIX_MAX(proto->is_ipv6),
                         proto->is_ipv6 ? "0.." G_STRINGIFY(NMI_IPV6_PREFIX_MAX)
                                        : "0.." G_STRINGIFY(NMI_IPV4_PREFIX_MAX),
                         FALSE, &prefix, error))
        return FALSE;
    g_ptr_array_add(proto->ips, nmi_ip_addr_new(address, has_prefix ? (int)prefix : -1));
    return TRUE;
}

static gboolean parse_protocol(NmiIfaceDef *def, const xmlNode *node, GError **error)
{
    static const char *const attrs[] = {"family", NULL};
    static const char *const dhcp_attrs[] = {"peerdns", NULL};
    static const char *const route_attrs[] = {"gateway", NULL};
    static const char *const no_attrs[] = {NULL};
    g_autoptr(NmiProtocol) proto = NULL;
    gboolean seen_route = FALSE;
    int family;

    if (!check_attributes(node, attrs, error) ||
        !parse_enum_attr(node, "family", "protocol family", &family_table, TRUE, &family, error))
        return FALSE;
    proto = nmi_protocol_new(family);

    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (name_is(c, "dhcp")) {
            int peerdns;

            if (proto->dhcp)
                return duplicate_element(node, c, error);
            if (!check_leaf(c, dhcp_attrs, error) ||
                !parse_enum_attr(c, "peerdns", "dhcp peerdns", &nmi_yes_no_table, FALSE, &peerdns,
                                 error))
                return FALSE;
            proto->dhcp = TRUE;
            proto->dhcp_peerdns = peerdns < 0 ? NMI_TRISTATE_UNSET : (NmiTristate)peerdns;
        } else if (name_is(c, "autoconf")) {
            /* in <protocol family='ipv4'>: nmi_iface_def_validate() refuses it */
            if (proto->autoconf)
                return duplicate_element(node, c, error);
            if (!check_leaf(c, no_attrs, error))
                return FALSE;
            proto->autoconf = TRUE;
        } else if (name_is(c, "ip")) {
            if (!parse_ip(proto, c, error))
                return FALSE;
        } else if (name_is(c, "route")) {
            if (seen_route)
                return duplicate_element(node, c, error);
            seen_route = TRUE;
            if (!check_leaf(c, route_attrs, error))
                return FALSE;
            proto->gateway = get_required_attr(c, "gateway", error);
            if (proto->gateway == NULL)
                return FALSE;
        } else {
            return unexpected_element(node, c, error);
        }
    }
    g_ptr_array_add(def->protocols, g_steal_pointer(&proto));
    return TRUE;
}

/* A bridge or bond port: <interface> inside <bridge> or <bond>. */
static gboolean parse_port(NmiIfaceDef *master, const xmlNode *node, GError **error)
{
    NmiIfaceDef *port = parse_interface(node, master, error);

    if (port == NULL)
        return FALSE;
    g_ptr_array_add(master->ports, port);
    return TRUE;
}

static gboolean parse_bridge(NmiIfaceDef *def, const xmlNode *node, GError **error)
{
    static const char *const attrs[] = {"stp", "delay", NULL};
    int stp;

    if (!check_attributes(node, attrs, error) ||
        !parse_enum_attr(node, "stp", "bridge stp", &nmi_on_off_table, FALSE, &stp, error))
        return FALSE;
    def->bridge_stp = stp < 0 ? NMI_TRISTATE_UNSET : (NmiTristate)stp;
    def->bridge_delay = get_attr(node, "delay");

    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!name_is(c, "interface"))
            return unexpected_element(node, c, error);
        if (!parse_port(def, c, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean parse_miimon(NmiIfaceDef *def, const xmlNode *node, GError **error)
{
    static const char *const attrs[] = {"freq", "downdelay", "updelay", "carrier", NULL};
    int carrier;

    if (!check_leaf(node, attrs, error) ||
        !parse_int_attr(node, "freq", "miimon freq", TRUE, &def->miimon_freq, error) ||
        !parse_int_attr(node, "downdelay", "miimon downdelay", FALSE, &def->miimon_downdelay,
                        error) ||
        !parse_int_attr(node, "updelay", "miimon updelay", FALSE, &def->miimon_updelay, error) ||
        !parse_enum_attr(node, "carrier", "miimon carrier", &nmi_mii_carrier_table, FALSE, &carrier,
                         error))
        return FALSE;
    def->bond_monitor = NMI_BOND_MONITOR_MII;
    if (carrier >= 0)
        def->miimon_carrier = (NmiMiiCarrier)carrier;
    return TRUE;
}

static gboolean parse_arpmon(NmiIfaceDef *def, const xmlNode *node, GError **error)
{
    static const char *const attrs[] = {"interval", "target", "validate", NULL};
    int validate;

    if (!check_leaf(node, attrs, error) ||
        !parse_int_attr(node, "interval", "arpmon interval", TRUE, &def->arpmon_interval, error))
        return FALSE;
    def->arpmon_target = get_required_attr(node, "target", error);
    if (def->arpmon_target == NULL ||
        !parse_enum_attr(node, "validate", "arpmon validate", &nmi_arp_validate_table, FALSE,
                         &validate, error))
        return FALSE;
    def->bond_monitor = NMI_BOND_MONITOR_ARP;
    if (validate >= 0)
        def->arpmon_validate = (NmiArpValidate)validate;
    return TRUE;
}

static gboolean parse_bond(NmiIfaceDef *def, const xmlNode *node, GError **error)
{
    static const char *const attrs[] = {"mode", NULL};
    int mode;

    if (!check_attributes(node, attrs, error) ||
        !parse_enum_attr(node, "mode", "bond mode", &nmi_bond_mode_table, FALSE, &mode, error))
        return FALSE;
    if (mode >= 0)
        def->bond_mode = (NmiBondMode)mode;

    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (name_is(c, "miimon") || name_is(c, "arpmon")) {
            if (def->bond_monitor != NMI_BOND_MONITOR_NONE) {
                g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                            "<bond> takes one <miimon> or one <arpmon>, not both or several");
                return FALSE;
            }
            if (!(name_is(c, "miimon") ? parse_miimon(def, c, error) : parse_arpmon(def, c, error)))
                return FALSE;
        } else if (name_is(c, "interface")) {
            if (!parse_port(def, c, error))
                return FALSE;
        } else {
            return unexpected_element(node, c, error);
        }
    }
    return TRUE;
}

static gboolean parse_vlan(NmiIfaceDef *def, const xmlNode *node, GError **error)
{
    static const char *const attrs[] = {"tag", NULL};
    static const char *const parent_attrs[] = {"name", NULL};
    const xmlNode *parent = NULL;

    if (!check_attributes(node, attrs, error))
        return FALSE;
    def->vlan_tag = get_required_attr(node, "tag", error);
    if (def->vlan_tag == NULL)
        return FALSE;
    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!name_is(c, "interface"))
            return unexpected_element(node, c, error);
        if (parent != NULL)
            return duplicate_element(node, c, error);
        parent = c;
    }
    if (parent == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "missing <interface name=''> (the parent device) in <vlan>");
        return FALSE;
    }
    if (!check_leaf(parent, parent_attrs, error))
        return FALSE;
    def->vlan_parent = get_required_attr(parent, "name", error);
    return def->vlan_parent != NULL;
}

static NmiIfaceDef *parse_interface(const xmlNode *node, const NmiIfaceDef *master, GError **error)
{
    static const char *const attrs[] = {"type", "name", NULL};
    g_autoptr(NmiIfaceDef) def = NULL;
    g_autofree char *name = NULL;
    const xmlNode *seen_start = NULL, *seen_mtu = NULL, *seen_link = NULL, *seen_mac = NULL;
    const xmlNode *body = NULL;
    const char *body_name;
    int type;

    if (!check_attributes(node, attrs, error) ||
        !parse_enum_attr(node, "type", "interface type", &nmi_iface_type_table, TRUE, &type, error))
        return NULL;
    if (master != NULL && !nmi_iface_port_type_allowed(master->type, (NmiIfaceType)type)) {
        g_autofree char *shown = nmi_msg_value(master->name);
        g_autofree char *allowed = nmi_iface_port_types_allowed(master->type);
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, NMI_MSG_BAD_PORT_TYPE,
                    nmi_iface_type_to_string(type), nmi_iface_type_to_string(master->type), shown,
                    allowed);
        return NULL;
    }
    name = get_required_attr(node, "name", error);
    if (name == NULL)
        return NULL;
    def = nmi_iface_def_new((NmiIfaceType)type, name);
    body_name = nmi_iface_type_to_string(type);

    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        gboolean top_only = FALSE;
        const xmlNode **seen = NULL;
        gboolean ok;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (name_is(c, "start")) {
            top_only = TRUE;
            seen = &seen_start;
        } else if (name_is(c, "mtu")) {
            top_only = TRUE;
            seen = &seen_mtu;
        } else if (name_is(c, "protocol")) {
            top_only = TRUE;
        } else if (name_is(c, "link") && type != NMI_IFACE_BRIDGE) {
            seen = &seen_link;
        } else if (name_is(c, "mac") && type == NMI_IFACE_ETHERNET) {
            seen = &seen_mac;
        } else if (name_is(c, body_name) && type != NMI_IFACE_ETHERNET) {
            seen = &body;
        } else if (name_is(c, "bridge") && master == NULL) {
            /* virsh's iface-unbridge turns the bridge's XML into the port's by changing type and
             * name and leaves <bridge> in; libvirt's parser skips it, so we do too. Only that
             * element: a <vlan> or <bond> in the wrong type is a mistake we still name. The
             * schema (VALIDATE) refuses it. */
            continue;
        } else {
            g_autofree char *qname = qualified_name(c);
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                        "unexpected element <%s> in <interface type='%s'>", qname, body_name);
            return NULL;
        }
        if (top_only && master != NULL) {
            g_autofree char *shown = nmi_msg_value(name);
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                        "<%s> is only allowed in the top-level <interface>, not in port '%s'",
                        c->name, shown);
            return NULL;
        }
        if (seen != NULL) {
            if (*seen != NULL) {
                duplicate_element(node, c, error);
                return NULL;
            }
            *seen = c;
        }

        if (name_is(c, "start"))
            ok = parse_start(def, c, error);
        else if (name_is(c, "mtu"))
            ok = parse_mtu(def, c, error);
        else if (name_is(c, "protocol"))
            ok = parse_protocol(def, c, error);
        else if (name_is(c, "link"))
            ok = parse_link(def, c, error);
        else if (name_is(c, "mac"))
            ok = parse_mac(def, c, error);
        else if (type == NMI_IFACE_BRIDGE)
            ok = parse_bridge(def, c, error);
        else if (type == NMI_IFACE_BOND)
            ok = parse_bond(def, c, error);
        else
            ok = parse_vlan(def, c, error);
        if (!ok)
            return NULL;
    }

    if (type != NMI_IFACE_ETHERNET && body == NULL) {
        g_autofree char *shown = nmi_msg_value(name);
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "missing <%s> in <interface type='%s' name='%s'>", body_name, body_name, shown);
        return NULL;
    }
    return g_steal_pointer(&def);
}

NmiIfaceDef *nmi_iface_def_parse(const char *xml, NmiParseFlags flags, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;
    const xmlNode *root;
    size_t len;

    if (xml == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INVALID_ARG, "no XML document given");
        return NULL;
    }
    len = strnlen(xml, NMI_XML_MAX_BYTES + 1);
    if (len > NMI_XML_MAX_BYTES) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "document is larger than the limit of %d bytes", NMI_XML_MAX_BYTES);
        return NULL;
    }

    doc = read_document(xml, len, error);
    if (doc == NULL)
        return NULL;

    /* libvirt's order: the schema first, then the model. */
    if ((flags & NMI_PARSE_VALIDATE) && !nmi_iface_schema_validate_doc(doc, error))
        return NULL;

    root = xmlDocGetRootElement(doc);
    if (root == NULL || !name_is(root, "interface")) {
        g_autofree char *qname = root != NULL ? qualified_name(root) : g_strdup("");
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "unexpected root element <%s>, expecting <interface>", qname);
        return NULL;
    }

    def = parse_interface(root, NULL, error);
    if (def == NULL || !nmi_iface_def_validate(def, error))
        return NULL;
    return g_steal_pointer(&def);
}
