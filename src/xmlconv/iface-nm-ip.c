/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <protocol family='ipv4|ipv6'> <-> NMSettingIP4Config / NMSettingIP6Config.
 *
 * ipv4: <dhcp/> -> auto (peerdns='no' -> ignore-auto-dns), <ip>s without <dhcp/> -> manual,
 * an empty <protocol> -> link-local, no <protocol> -> disabled. ipv6: <autoconf/> -> auto,
 * <dhcp/> alone -> dhcp, <ip>s alone -> manual, empty -> link-local, none -> disabled (ignore
 * reads back as none too). <ip>s next to <dhcp/> or <autoconf/> are extra static addresses.
 * <route gateway=''/> -> ipv.gateway, or a default route when there is no address (NM refuses
 * a gateway without an address); an unspecified gateway (0.0.0.0, ::) is refused. Addresses
 * and the gateway keep their spelling through hints, the gateway's apart from the addresses'
 * (an <ip> and the gateway may be one address spelled two ways).
 */

#include "iface-nm.h"
#include "iface-xml-private.h"

#include <arpa/inet.h>
#include <string.h>

#include "nmiface/driver.h"

typedef struct {
    const char *no_prefix;
    const char *peerdns;
    const char *spelling;
    const char *gateway;
} FamilyInfo;

static const FamilyInfo ipv4_info = {NMI_HINT_IPV4_NO_PREFIX, NMI_HINT_IPV4_PEERDNS,
                                     NMI_HINT_IPV4_SPELLING, NMI_HINT_IPV4_GATEWAY};
static const FamilyInfo ipv6_info = {NMI_HINT_IPV6_NO_PREFIX, NMI_HINT_IPV6_PEERDNS,
                                     NMI_HINT_IPV6_SPELLING, NMI_HINT_IPV6_GATEWAY};

static const FamilyInfo *family_info(gboolean is_ipv6)
{
    return is_ipv6 ? &ipv6_info : &ipv4_info;
}

/* An address without prefix gets the one ifcfg and initscripts gave it: classful for IPv4. */
static guint default_prefix(gboolean is_ipv6, const char *address)
{
    guint8 bin[16];

    if (is_ipv6 || !nmi_ip_parse(address, FALSE, bin))
        return 64;
    if (bin[0] < 128)
        return 8;
    if (bin[0] < 192)
        return 16;
    return 24;
}

static NMSettingIPConfig *ip_setting(NMConnection *connection, gboolean is_ipv6)
{
    return is_ipv6 ? nm_connection_get_setting_ip6_config(connection)
                   : nm_connection_get_setting_ip4_config(connection);
}

/* The default route the XML shows as <route gateway=''/> when ipv.gateway is unset. */
static int default_route_index(NMSettingIPConfig *s_ip)
{
    guint n = nm_setting_ip_config_get_num_routes(s_ip);

    for (guint i = 0; i < n; i++) {
        NMIPRoute *route = nm_setting_ip_config_get_route(s_ip, i);

        if (nm_ip_route_get_prefix(route) == 0 && nm_ip_route_get_next_hop(route) != NULL)
            return (int)i;
    }
    return -1;
}

/* The entry of a comma-separated hint list that is the same address as @address. */
static const char *find_in_list(GStrv items, gboolean is_ipv6, const char *address)
{
    for (guint i = 0; items != NULL && items[i] != NULL; i++) {
        if (nmi_ip_equal(items[i], address, is_ipv6))
            return items[i];
    }
    return NULL;
}

static GStrv split_hint(NMConnection *connection, const char *key)
{
    const char *value = nmi_hint_get(connection, key);

    return value != NULL ? g_strsplit(value, ",", -1) : NULL;
}

/* NM writes addresses in inet_ntop's form; libvirt keeps them as written ("2001:DB8::1"). */
static char *spelled(GStrv spellings, gboolean is_ipv6, const char *address)
{
    const char *as_written = find_in_list(spellings, is_ipv6, address);

    return g_strdup(as_written != NULL ? as_written : address);
}

static void add_spelling(GString *spellings, const char *written, const char *nm_form)
{
    if (g_strcmp0(written, nm_form) != 0 && strchr(written, ',') == NULL)
        g_string_append_printf(spellings, "%s%s", spellings->len > 0 ? "," : "", written);
}

NmiProtocol *nmi_protocol_from_profile(NMConnection *connection, gboolean is_ipv6)
{
    const FamilyInfo *info = family_info(is_ipv6);
    NMSettingIPConfig *s_ip = ip_setting(connection, is_ipv6);
    g_autoptr(NmiProtocol) proto = nmi_protocol_new(is_ipv6);
    g_auto(GStrv) no_prefix = NULL;
    g_auto(GStrv) spellings = NULL;
    const char *method;
    const char *gateway;
    guint n;

    if (s_ip == NULL)
        return NULL;
    method = nm_setting_ip_config_get_method(s_ip);
    if (method == NULL)
        method = "auto"; /* what normalization gives */

    if (g_str_equal(method, "disabled") || g_str_equal(method, "ignore")) {
        return NULL;
    } else if (g_str_equal(method, "auto")) {
        if (is_ipv6) {
            proto->autoconf = TRUE;
            proto->dhcp =
                g_strcmp0(nmi_hint_get(connection, NMI_HINT_IPV6_DHCP), NMI_HINT_VALUE_YES) == 0;
        } else {
            proto->dhcp = TRUE;
        }
    } else if (g_str_equal(method, "dhcp")) {
        proto->dhcp = TRUE;
    }
    /* manual, link-local, shared: the addresses alone say it */

    if (proto->dhcp) {
        if (nm_setting_ip_config_get_ignore_auto_dns(s_ip))
            proto->dhcp_peerdns = NMI_TRISTATE_NO;
        else if (g_strcmp0(nmi_hint_get(connection, info->peerdns), NMI_HINT_VALUE_YES) == 0)
            proto->dhcp_peerdns = NMI_TRISTATE_YES;
    }

    no_prefix = split_hint(connection, info->no_prefix);
    spellings = split_hint(connection, info->spelling);
    n = nm_setting_ip_config_get_num_addresses(s_ip);
    for (guint i = 0; i < n; i++) {
        NMIPAddress *addr = nm_setting_ip_config_get_address(s_ip, i);
        const char *text = nm_ip_address_get_address(addr);
        int prefix = (int)nm_ip_address_get_prefix(addr);
        g_autofree char *as_written = spelled(spellings, is_ipv6, text);

        if ((guint)prefix == default_prefix(is_ipv6, text) &&
            find_in_list(no_prefix, is_ipv6, text) != NULL)
            prefix = -1;
        g_ptr_array_add(proto->ips, nmi_ip_addr_new(as_written, prefix));
    }

    gateway = nm_setting_ip_config_get_gateway(s_ip);
    if (gateway == NULL) {
        int i = default_route_index(s_ip);

        if (i >= 0)
            gateway = nm_ip_route_get_next_hop(nm_setting_ip_config_get_route(s_ip, (guint)i));
    }
    if (gateway != NULL) {
        /* the gateway's own hint: an <ip> of the same value may be spelled otherwise */
        const char *as_written = nmi_hint_get(connection, info->gateway);

        proto->gateway =
            g_strdup(nmi_ip_equal(as_written, gateway, is_ipv6) ? as_written : gateway);
    }
    return g_steal_pointer(&proto);
}

/* Addresses compare as written: a new spelling of the same address is a change to keep. */
gboolean nmi_protocol_equal(const NmiProtocol *a, const NmiProtocol *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (a->is_ipv6 != b->is_ipv6 || a->dhcp != b->dhcp || a->autoconf != b->autoconf ||
        a->ips->len != b->ips->len || g_strcmp0(a->gateway, b->gateway) != 0)
        return FALSE;
    /* peerdns only means something inside <dhcp/> */
    if (a->dhcp && a->dhcp_peerdns != b->dhcp_peerdns)
        return FALSE;
    for (guint i = 0; i < a->ips->len; i++) {
        const NmiIpAddr *x = g_ptr_array_index(a->ips, i);
        const NmiIpAddr *y = g_ptr_array_index(b->ips, i);

        if (x->prefix != y->prefix || g_strcmp0(x->address, y->address) != 0)
            return FALSE;
    }
    return TRUE;
}

static const char *method_for(const NmiProtocol *proto)
{
    if (proto == NULL)
        return "disabled";
    if (proto->is_ipv6 && proto->autoconf)
        return "auto";
    if (proto->dhcp)
        return proto->is_ipv6 ? "dhcp" : "auto";
    if (proto->ips->len > 0)
        return "manual";
    return "link-local";
}

static gboolean apply_addresses(NMSettingIPConfig *s_ip, const NmiProtocol *proto,
                                GString *no_prefix, GString *spellings, GError **error)
{
    nm_setting_ip_config_clear_addresses(s_ip);
    for (guint i = 0; proto != NULL && i < proto->ips->len; i++) {
        const NmiIpAddr *ip = g_ptr_array_index(proto->ips, i);
        g_autoptr(GError) local_error = NULL;
        NMIPAddress *addr;
        guint prefix;

        prefix = ip->prefix >= 0 ? (guint)ip->prefix : default_prefix(proto->is_ipv6, ip->address);
        addr = nm_ip_address_new(nmi_ip_family(proto->is_ipv6), ip->address, prefix, &local_error);
        if (addr == NULL) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, "invalid address '%s/%u': %s",
                        ip->address, prefix, local_error->message);
            return FALSE;
        }
        if (ip->prefix < 0)
            g_string_append_printf(no_prefix, "%s%s", no_prefix->len > 0 ? "," : "",
                                   nm_ip_address_get_address(addr));
        add_spelling(spellings, ip->address, nm_ip_address_get_address(addr));
        /* NM keeps an address once; nmi_iface_def_validate() refuses duplicates */
        if (!nm_setting_ip_config_add_address(s_ip, addr))
            g_assert_not_reached();
        nm_ip_address_unref(addr);
    }
    return TRUE;
}

/* Routes have no insert or replace: rebuild the list so the order (route1, ...) stays. */
static void replace_route(NMSettingIPConfig *s_ip, guint index, NMIPRoute *route)
{
    g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func((GDestroyNotify)nm_ip_route_unref);
    guint n = nm_setting_ip_config_get_num_routes(s_ip);

    for (guint i = 0; i < n; i++) {
        NMIPRoute *kept = i == index ? route : nm_setting_ip_config_get_route(s_ip, i);

        nm_ip_route_ref(kept);
        g_ptr_array_add(routes, kept);
    }
    nm_setting_ip_config_clear_routes(s_ip);
    for (guint i = 0; i < routes->len; i++)
        nm_setting_ip_config_add_route(s_ip, g_ptr_array_index(routes, i));
}

/* Sets *@spelling to the gateway as written when NM spells it otherwise, else NULL. */
static gboolean apply_gateway(NMSettingIPConfig *s_ip, const NmiProtocol *proto,
                              const char **spelling, GError **error)
{
    int family = nmi_ip_family(proto != NULL && proto->is_ipv6);
    const char *gateway = proto != NULL ? proto->gateway : NULL;
    /* the route the XML showed as its gateway, when ipv.gateway was unset */
    int old_route = nm_setting_ip_config_get_gateway(s_ip) == NULL ? default_route_index(s_ip) : -1;
    g_autoptr(GError) local_error = NULL;
    NMIPRoute *route;

    *spelling = NULL;
    g_object_set(s_ip, NM_SETTING_IP_CONFIG_GATEWAY, NULL, NULL);
    if (gateway == NULL) {
        if (old_route >= 0)
            nm_setting_ip_config_remove_route(s_ip, (guint)old_route);
        return TRUE;
    }
    /* libnm stores the unspecified address (0.0.0.0, ::) as no gateway at all */
    if (nmi_ip_is_unspecified(gateway, proto->is_ipv6)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR,
                    "gateway '%s' is the unspecified address, which NetworkManager cannot hold",
                    gateway);
        return FALSE;
    }
    /* A gateway the XML asks for must not be dropped by normalization. */
    g_object_set(s_ip, NM_SETTING_IP_CONFIG_NEVER_DEFAULT, FALSE, NULL);

    if (old_route >= 0) {
        /* keep the route's metric, table and other attributes: only the next hop changes */
        route = nm_ip_route_dup(nm_setting_ip_config_get_route(s_ip, (guint)old_route));
        nm_ip_route_set_next_hop(route, gateway);
        replace_route(s_ip, (guint)old_route, route);
    } else if (proto->ips->len > 0) {
        g_object_set(s_ip, NM_SETTING_IP_CONFIG_GATEWAY, gateway, NULL);
        if (g_strcmp0(gateway, nm_setting_ip_config_get_gateway(s_ip)) != 0)
            *spelling = gateway;
        return TRUE;
    } else {
        route = nm_ip_route_new(family, proto->is_ipv6 ? "::" : "0.0.0.0", 0, gateway, -1,
                                &local_error);
        if (route == NULL) {
            g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_ERROR, "invalid gateway '%s': %s",
                        gateway, local_error->message);
            return FALSE;
        }
        nm_setting_ip_config_add_route(s_ip, route);
    }
    if (g_strcmp0(gateway, nm_ip_route_get_next_hop(route)) != 0)
        *spelling = gateway;
    nm_ip_route_unref(route);
    return TRUE;
}

gboolean nmi_protocol_apply(NMConnection *connection, gboolean is_ipv6, const NmiProtocol *proto,
                            GError **error)
{
    const FamilyInfo *info = family_info(is_ipv6);
    NMSettingIPConfig *s_ip = ip_setting(connection, is_ipv6);
    g_autoptr(GString) no_prefix = g_string_new(NULL);
    g_autoptr(GString) spellings = g_string_new(NULL);
    const char *gateway_spelling = NULL;
    gboolean dhcp = proto != NULL && proto->dhcp;
    gboolean peerdns_yes = dhcp && proto->dhcp_peerdns == NMI_TRISTATE_YES;
    gboolean both = is_ipv6 && proto != NULL && proto->autoconf && proto->dhcp;

    if (s_ip == NULL) {
        s_ip = NM_SETTING_IP_CONFIG(is_ipv6 ? nm_setting_ip6_config_new()
                                            : nm_setting_ip4_config_new());
        nm_connection_add_setting(connection, NM_SETTING(s_ip));
    }
    g_object_set(s_ip, NM_SETTING_IP_CONFIG_METHOD, method_for(proto), NULL);
    /* peerdns lives on <dhcp/>; without it NM's default (use the DNS it learns) */
    g_object_set(s_ip, NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS,
                 dhcp && proto->dhcp_peerdns == NMI_TRISTATE_NO, NULL);
    if (!apply_addresses(s_ip, proto, no_prefix, spellings, error))
        return FALSE;
    if (!apply_gateway(s_ip, proto, &gateway_spelling, error))
        return FALSE;

    if (!nmi_hint_set(connection, info->no_prefix, no_prefix->len > 0 ? no_prefix->str : NULL,
                      error) ||
        !nmi_hint_set(connection, info->peerdns, peerdns_yes ? NMI_HINT_VALUE_YES : NULL, error) ||
        !nmi_hint_set(connection, info->spelling, spellings->len > 0 ? spellings->str : NULL,
                      error) ||
        !nmi_hint_set(connection, info->gateway, gateway_spelling, error))
        return FALSE;
    if (is_ipv6 &&
        !nmi_hint_set(connection, NMI_HINT_IPV6_DHCP, both ? NMI_HINT_VALUE_YES : NULL, error))
        return FALSE;
    return TRUE;
}
