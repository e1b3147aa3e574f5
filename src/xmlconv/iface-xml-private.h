/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the parser, the validator and the schema check: value syntax checks and the
 * message formats, so a bad value reads the same whether the parser or nmi_iface_def_validate
 * finds it. The NetworkManager conversion reads values with the same checks (vlan tags,
 * addresses), so what the validator accepts always converts.
 */
#ifndef NMIFACE_IFACE_XML_PRIVATE_H
#define NMIFACE_IFACE_XML_PRIVATE_H

#include <glib.h>
#include <libxml/tree.h>

#include "iface-def.h"

G_BEGIN_DECLS

/* Deepest element nesting the model allows: interface/bridge/interface/bond/interface/link is
 * 6; anything deeper is refused while parsing, before libxml2's own limit (256) is reached. */
#define NMI_XML_MAX_DEPTH 8

#define NMI_MTU_MIN                68
#define NMI_MTU_MAX                65535
#define NMI_VLAN_TAG_MAX           4095
#define NMI_IFNAME_MAX_BYTES       15 /* IFNAMSIZ - 1 */
#define NMI_BRIDGE_DELAY_MAX_CHARS 32

/* attribute, element: "missing attribute 'tag' in <vlan>" */
#define NMI_MSG_MISSING_ATTR "missing attribute '%s' in <%s>"
/* "invalid vlan tag '5000' in <vlan tag=''>: must be 0..4095" */
#define NMI_MSG_BAD_RANGE  "invalid %s '%s' in <%s %s=''>: must be %s"
#define NMI_MSG_BAD_CHOICE "invalid %s '%s' in <%s %s=''>: must be one of %s"
/* port type, master type, master name, allowed port types */
#define NMI_MSG_BAD_PORT_TYPE                                                                      \
    "an interface of type '%s' cannot be a port of %s '%s': allowed port types are %s"

/* bridge: ethernet, bond, vlan; bond: ethernet (libvirt's rules) */
gboolean nmi_iface_port_type_allowed(NmiIfaceType master, NmiIfaceType port);
/* The allowed port types for messages ("ethernet, bond, vlan"; "none"); a new string. */
char *nmi_iface_port_types_allowed(NmiIfaceType master);

/* @value cut to at most 64 bytes (on a UTF-8 boundary, "..." appended) for quoting in an
 * error message: a 1 MB attribute must not become a 1 MB message. */
#define NMI_MSG_MAX_VALUE 64
char *nmi_msg_value(const char *value);

gboolean nmi_ifname_is_valid(const char *name, const char **why);
gboolean nmi_mac_is_valid(const char *mac);
#define NMI_IPV4_PREFIX_MAX        32
#define NMI_IPV6_PREFIX_MAX        128
#define NMI_IP_PREFIX_MAX(is_ipv6) ((is_ipv6) ? NMI_IPV6_PREFIX_MAX : NMI_IPV4_PREFIX_MAX)

/* AF_INET6 or AF_INET */
int nmi_ip_family(gboolean is_ipv6);
/* inet_pton() in @is_ipv6's family: 16 or 4 bytes of @bin; FALSE when not valid. */
gboolean nmi_ip_parse(const char *address, gboolean is_ipv6, guint8 bin[16]);
gboolean nmi_ip_is_valid(const char *address, gboolean is_ipv6);
/* inet_ntop(inet_pton(@address)): one spelling per address; NULL when not valid */
char *nmi_ip_canonical(const char *address, gboolean is_ipv6);
/* The same address however spelled ("2001:DB8::1", "2001:db8::1"); text that is no address
 * equals only itself, and NULL only NULL. */
gboolean nmi_ip_equal(const char *a, const char *b, gboolean is_ipv6);
/* 0.0.0.0 or :: however spelled */
gboolean nmi_ip_is_unspecified(const char *address, gboolean is_ipv6);
gboolean nmi_bridge_delay_is_valid(const char *delay);
/* Decimal digits, 0..NMI_VLAN_TAG_MAX ("007" is 7); @out may be NULL. */
gboolean nmi_vlan_tag_parse(const char *tag, guint *out);

/* Validates @doc against data/interface.rng (located and compiled once, thread-safely).
 * VIR_ERR_XML_INVALID_SCHEMA on failure, VIR_ERR_INTERNAL_ERROR if the schema is unusable. */
gboolean nmi_iface_schema_validate_doc(xmlDoc *doc, GError **error);

/* The schema path in use: $NMIFACE_SCHEMA, else the source tree's when running from the
 * build tree, else the installed one. */
char *nmi_iface_schema_path(void);

G_END_DECLS

#endif /* NMIFACE_IFACE_XML_PRIVATE_H */
