/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nm-settings-reply.h"

#include <errno.h>
#include <gio/gio.h>
#include <string.h>

#define SETTINGS_SIGNATURE "a{sa{sv}}"

/* The settings a listing reads keys from, as bits of a set. */
typedef enum {
    SETTING_OTHER = 0,
    SETTING_CONNECTION = 1 << 0,
    SETTING_WIRED = 1 << 1,
    SETTING_BRIDGE = 1 << 2,
} Setting;

#define SETTINGS_WITH_KEYS (SETTING_CONNECTION | SETTING_WIRED | SETTING_BRIDGE)

static gboolean read_failed(int r, GError **error)
{
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "cannot read the settings: %s",
                g_strerror(-r));
    return FALSE;
}

static gboolean has_settings_signature(sd_bus_message *reply, GError **error)
{
    if (sd_bus_message_has_signature(reply, SETTINGS_SIGNATURE) > 0)
        return TRUE;
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the reply holds %s, not %s",
                sd_bus_message_get_signature(reply, TRUE), SETTINGS_SIGNATURE);
    return FALSE;
}

/* 1 when the variant that comes next holds @type; else it is skipped, and 0. */
static int next_variant_holds(sd_bus_message *m, const char *type)
{
    const char *contents = NULL;
    int r = sd_bus_message_peek_type(m, NULL, &contents);

    if (r < 0)
        return r;
    if (g_strcmp0(contents, type) == 0)
        return 1;
    r = sd_bus_message_skip(m, "v");
    return r < 0 ? r : 0;
}

static int read_variant_string(sd_bus_message *m, const char **out)
{
    int r = next_variant_holds(m, "s");

    return r <= 0 ? r : sd_bus_message_read(m, "v", "s", out);
}

static int read_variant_uint64(sd_bus_message *m, guint64 *out)
{
    uint64_t value;
    int r = next_variant_holds(m, "t");

    if (r <= 0 || (r = sd_bus_message_read(m, "v", "t", &value)) < 0)
        return r;
    *out = value;
    return r;
}

/* Byte by byte: sd_bus_message_read_array() refuses messages in the other byte order. */
static int read_variant_mac(sd_bus_message *m, guint8 *out, gboolean *has)
{
    guint8 buf[NMI_MAC_LEN];
    guint len = 0;
    int r = next_variant_holds(m, "ay");

    if (r <= 0)
        return r;
    if ((r = sd_bus_message_enter_container(m, 'v', "ay")) < 0 ||
        (r = sd_bus_message_enter_container(m, 'a', "y")) < 0)
        return r;
    while ((r = sd_bus_message_at_end(m, FALSE)) == 0) {
        uint8_t byte;

        if ((r = sd_bus_message_read_basic(m, 'y', &byte)) < 0)
            return r;
        if (len < NMI_MAC_LEN)
            buf[len] = byte;
        len++;
    }
    if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0)
        return r;
    *has = len == NMI_MAC_LEN;
    if (*has)
        memcpy(out, buf, NMI_MAC_LEN);
    return sd_bus_message_exit_container(m);
}

static int read_key(sd_bus_message *m, Setting setting, const char *key, NmiProfileKeys *keys)
{
    switch (setting) {
    case SETTING_CONNECTION:
        if (g_str_equal(key, "type"))
            return read_variant_string(m, &keys->type);
        if (g_str_equal(key, "interface-name"))
            return read_variant_string(m, &keys->ifname);
        if (g_str_equal(key, "uuid"))
            return read_variant_string(m, &keys->uuid);
        if (g_str_equal(key, "master"))
            return read_variant_string(m, &keys->master);
        if (g_str_equal(key, "slave-type"))
            return read_variant_string(m, &keys->port_type);
        if (g_str_equal(key, "timestamp"))
            return read_variant_uint64(m, &keys->timestamp);
        break;
    case SETTING_WIRED:
        if (g_str_equal(key, "mac-address"))
            return read_variant_mac(m, keys->wired_mac, &keys->has_wired_mac);
        if (g_str_equal(key, "assigned-mac-address"))
            return read_variant_string(m, &keys->assigned_mac);
        break;
    case SETTING_BRIDGE:
        if (g_str_equal(key, "mac-address"))
            return read_variant_mac(m, keys->bridge_mac, &keys->has_bridge_mac);
        break;
    case SETTING_OTHER:
        break;
    }
    return sd_bus_message_skip(m, "v");
}

static int read_setting(sd_bus_message *m, Setting setting, NmiProfileKeys *keys)
{
    int r;

    if ((r = sd_bus_message_enter_container(m, 'a', "{sv}")) < 0)
        return r;
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const char *key;

        if ((r = sd_bus_message_read_basic(m, 's', &key)) < 0 ||
            (r = read_key(m, setting, key, keys)) < 0 || (r = sd_bus_message_exit_container(m)) < 0)
            return r;
    }
    if (r < 0)
        return r;
    return sd_bus_message_exit_container(m);
}

static Setting setting_of(const char *name)
{
    if (g_str_equal(name, "connection"))
        return SETTING_CONNECTION;
    if (g_str_equal(name, "802-3-ethernet"))
        return SETTING_WIRED;
    if (g_str_equal(name, "bridge"))
        return SETTING_BRIDGE;
    return SETTING_OTHER;
}

/* Reading leaves sd-bus's stack of entered containers allocated (~0.9 KiB a message) until the
 * next rewind: released, since the message is kept. */
static void release_read_state(sd_bus_message *reply)
{
    (void)sd_bus_message_rewind(reply, TRUE);
}

gboolean nmi_settings_reply_keys(sd_bus_message *reply, NmiProfileKeys *keys, GError **error)
{
    guint read = 0; /* the settings of SETTINGS_WITH_KEYS read */
    int r;

    *keys = (NmiProfileKeys){0};
    if (!has_settings_signature(reply, error))
        return FALSE;
    if ((r = sd_bus_message_rewind(reply, TRUE)) < 0 ||
        (r = sd_bus_message_enter_container(reply, 'a', "{sa{sv}}")) < 0)
        return read_failed(r, error);
    while ((r = sd_bus_message_enter_container(reply, 'e', "sa{sv}")) > 0) {
        const char *name;
        Setting setting;

        if ((r = sd_bus_message_read_basic(reply, 's', &name)) < 0)
            return read_failed(r, error);
        /* A setting named twice counts once, the first, as for a GVariant lookup. */
        setting = (Setting)(setting_of(name) & ~read);
        read |= setting;
        /* sd-bus steps over an unneeded setting element by element, validating each. */
        r = setting == SETTING_OTHER ? sd_bus_message_skip(reply, "a{sv}")
                                     : read_setting(reply, setting, keys);
        if (r < 0 || (r = sd_bus_message_exit_container(reply)) < 0)
            return read_failed(r, error);
        /* With all three read, the rest holds nothing a listing reads, and is not stepped
         * over: NM sends settings by priority, these before the IP ones, which were half of
         * a bridge profile's reading. The rest is checked when libnm's GVariant is built. */
        if (read == SETTINGS_WITH_KEYS)
            break;
    }
    if (read != SETTINGS_WITH_KEYS && (r < 0 || (r = sd_bus_message_exit_container(reply)) < 0))
        return read_failed(r, error);
    keys->has_connection = (read & SETTING_CONNECTION) != 0;
    release_read_state(reply);
    return TRUE;
}

/* ---- the settings as a GVariant ------------------------------------------------------------ */

static int read_value(sd_bus_message *m, GVariant **out);

/* The elements of the container just entered, up to its end, into a GVariant of @type. */
static int read_children(sd_bus_message *m, const GVariantType *type, GVariant **out)
{
    GVariantBuilder builder;
    GVariant *child;
    int r;

    g_variant_builder_init(&builder, type);
    while ((r = sd_bus_message_at_end(m, FALSE)) == 0) {
        if ((r = read_value(m, &child)) < 0)
            break;
        g_variant_builder_add_value(&builder, child);
    }
    if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0) {
        g_variant_builder_clear(&builder);
        return r;
    }
    *out = g_variant_builder_end(&builder);
    return 0;
}

/* A container's GVariant type: @open, the D-Bus signature of its contents, @close. */
static GVariantType *container_type(const char *open, const char *contents, const char *close)
{
    g_autofree char *text = g_strconcat(open, contents, close, NULL);

    if (!g_variant_type_string_is_valid(text))
        return NULL;
    return g_variant_type_new(text);
}

static int read_container(sd_bus_message *m, char type, const char *contents, GVariant **out)
{
    g_autoptr(GVariantType) vtype = NULL;
    GVariant *inner;
    int r;

    if (type == 'a' && g_str_equal(contents, "y")) {
        const void *data = NULL;
        size_t size = 0;

        /* in one piece, unless the message is in the other byte order: below */
        r = sd_bus_message_read_array(m, 'y', &data, &size);
        if (r >= 0) {
            *out = g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, size, 1);
            return 0;
        }
        if (r != -EOPNOTSUPP)
            return r;
    }
    if ((r = sd_bus_message_enter_container(m, type, contents)) < 0)
        return r;
    if (type == 'v') {
        if ((r = read_value(m, &inner)) < 0)
            return r;
        if ((r = sd_bus_message_exit_container(m)) < 0) {
            g_variant_unref(g_variant_ref_sink(inner));
            return r;
        }
        *out = g_variant_new_variant(inner);
        return 0;
    }
    vtype = type == 'a'   ? container_type("a", contents, "")
            : type == 'r' ? container_type("(", contents, ")")
                          : container_type("{", contents, "}");
    if (vtype == NULL)
        return -EBADMSG;
    return read_children(m, vtype, out);
}

/* The value that comes next, floating. */
static int read_value(sd_bus_message *m, GVariant **out)
{
    const char *contents = NULL;
    char type;
    union {
        uint8_t y;
        int b;
        int16_t n;
        uint16_t q;
        int32_t i;
        uint32_t u;
        int64_t x;
        uint64_t t;
        double d;
        const char *s;
    } v;
    int r = sd_bus_message_peek_type(m, &type, &contents);

    if (r <= 0)
        return r < 0 ? r : -EBADMSG;
    if (contents != NULL)
        return read_container(m, type, contents, out);
    /* Unix fds ('h') are refused: a GetSettings reply carries none. */
    if (type == 'h' || (r = sd_bus_message_read_basic(m, type, &v)) < 0)
        return r < 0 ? r : -EBADMSG;
    switch (type) {
    case 'y':
        *out = g_variant_new_byte(v.y);
        break;
    case 'b':
        *out = g_variant_new_boolean(v.b);
        break;
    case 'n':
        *out = g_variant_new_int16(v.n);
        break;
    case 'q':
        *out = g_variant_new_uint16(v.q);
        break;
    case 'i':
        *out = g_variant_new_int32(v.i);
        break;
    case 'u':
        *out = g_variant_new_uint32(v.u);
        break;
    case 'x':
        *out = g_variant_new_int64(v.x);
        break;
    case 't':
        *out = g_variant_new_uint64(v.t);
        break;
    case 'd':
        *out = g_variant_new_double(v.d);
        break;
    case 's':
        *out = g_variant_new_string(v.s);
        break;
    case 'o':
        *out = g_variant_new_object_path(v.s);
        break;
    case 'g':
        *out = g_variant_new_signature(v.s);
        break;
    default:
        return -EBADMSG;
    }
    return 0;
}

GVariant *nmi_settings_reply_variant(sd_bus_message *reply, GError **error)
{
    GVariant *settings = NULL;
    int r;

    if (!has_settings_signature(reply, error))
        return NULL;
    if ((r = sd_bus_message_rewind(reply, TRUE)) < 0 || (r = read_value(reply, &settings)) < 0) {
        read_failed(r, error);
        return NULL;
    }
    release_read_state(reply);
    return g_variant_ref_sink(settings);
}
