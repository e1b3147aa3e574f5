/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * D-Bus wire format, the parts the bulk settings reader needs (dbus-wire.h). Alignment is
 * relative to the start of the message; every value is read through Reader, which never reads
 * past its end, so a truncated or malformed message is an error, never an overread.
 */
#include "dbus-wire.h"

#include <gio/gio.h>
#include <string.h>

#define MAX_MESSAGE_SIZE (128u * 1024 * 1024) /* the specification's limit */
#define MAX_DEPTH        64                   /* 32 arrays + 32 structs, as the specification */

enum {
    FIELD_REPLY_SERIAL = 5,
    FIELD_SIGNATURE = 8,
};

typedef struct {
    const guint8 *data;
    gsize end; /* reads stop here */
    gsize pos;
    gboolean big_endian;
} Reader;

static gboolean need(const Reader *r, gsize n)
{
    return r->pos <= r->end && n <= r->end - r->pos;
}

static gboolean pad(Reader *r, gsize alignment)
{
    gsize next = (r->pos + alignment - 1) & ~(alignment - 1);

    if (next > r->end)
        return FALSE;
    r->pos = next;
    return TRUE;
}

static gboolean read_u32(Reader *r, guint32 *out)
{
    guint32 v;

    if (!pad(r, 4) || !need(r, 4))
        return FALSE;
    memcpy(&v, r->data + r->pos, 4);
    r->pos += 4;
    *out = r->big_endian ? GUINT32_FROM_BE(v) : GUINT32_FROM_LE(v);
    return TRUE;
}

static gboolean read_u64(Reader *r, guint64 *out)
{
    guint64 v;

    if (!pad(r, 8) || !need(r, 8))
        return FALSE;
    memcpy(&v, r->data + r->pos, 8);
    r->pos += 8;
    *out = r->big_endian ? GUINT64_FROM_BE(v) : GUINT64_FROM_LE(v);
    return TRUE;
}

/* @len bytes then a NUL, none inside: a C string in place. */
static gboolean read_text(Reader *r, gsize len, const char **out)
{
    const char *text = (const char *)r->data + r->pos;

    /* need(len) first: len + 1 wraps for a length of 2^32 - 1 where gsize has 32 bits */
    if (!need(r, len) || !need(r, len + 1) || text[len] != '\0' || memchr(text, '\0', len) != NULL)
        return FALSE;
    r->pos += len + 1;
    *out = text;
    return TRUE;
}

static gboolean read_string(Reader *r, const char **out)
{
    guint32 len;

    return read_u32(r, &len) && read_text(r, len, out);
}

static gboolean read_signature(Reader *r, const char **out)
{
    gsize len;

    if (!need(r, 1))
        return FALSE;
    len = r->data[r->pos++];
    return read_text(r, len, out);
}

static gboolean read_bytes(Reader *r, const guint8 **out, gsize *out_len)
{
    guint32 len;

    if (!read_u32(r, &len) || !need(r, len))
        return FALSE;
    *out = r->data + r->pos;
    *out_len = len;
    r->pos += len;
    return TRUE;
}

/* ---- skipping values of any type ---------------------------------------------------------- */

static gsize alignment_of(char type)
{
    switch (type) {
    case 'y':
    case 'g':
    case 'v':
        return 1;
    case 'n':
    case 'q':
        return 2;
    case 'b':
    case 'i':
    case 'u':
    case 'h':
    case 's':
    case 'o':
    case 'a':
        return 4;
    case 'x':
    case 't':
    case 'd':
    case '(':
    case '{':
        return 8;
    default:
        return 0;
    }
}

static gboolean is_basic(char type)
{
    return type != '\0' && strchr("ybnqiuxtdhsog", type) != NULL;
}

/* Moves @sig past one complete type. */
static gboolean signature_skip(const char **sig, guint depth)
{
    char c = **sig;

    if (depth > MAX_DEPTH || c == '\0')
        return FALSE;
    (*sig)++;
    switch (c) {
    case 'a':
        return signature_skip(sig, depth + 1);
    case '(':
        if (**sig == ')')
            return FALSE;
        while (**sig != ')')
            if (!signature_skip(sig, depth + 1))
                return FALSE;
        (*sig)++;
        return TRUE;
    case '{':
        if (!is_basic(**sig))
            return FALSE;
        (*sig)++;
        if (!signature_skip(sig, depth + 1) || **sig != '}')
            return FALSE;
        (*sig)++;
        return TRUE;
    default:
        return is_basic(c) || c == 'v';
    }
}

static gboolean skip_fixed(Reader *r, gsize size)
{
    if (!pad(r, size) || !need(r, size))
        return FALSE;
    r->pos += size;
    return TRUE;
}

/* Moves @r past one value of the type at @sig, and @sig past that type. Arrays are skipped
 * by their length, without visiting their elements. */
static gboolean skip_value(Reader *r, const char **sig, guint depth)
{
    const char *text;
    char c = **sig;

    if (depth > MAX_DEPTH)
        return FALSE;
    switch (c) {
    case 'y':
    case 'n':
    case 'q':
    case 'b':
    case 'i':
    case 'u':
    case 'h':
    case 'x':
    case 't':
    case 'd':
        (*sig)++;
        return skip_fixed(r, c == 'y' ? 1 : alignment_of(c));
    case 's':
    case 'o':
        (*sig)++;
        return read_string(r, &text);
    case 'g':
        (*sig)++;
        return read_signature(r, &text);
    case 'v': {
        const char *inner;

        (*sig)++;
        return read_signature(r, &inner) && skip_value(r, &inner, depth + 1) && *inner == '\0';
    }
    case 'a': {
        const char *element = *sig + 1;
        guint32 len;

        (*sig)++;
        if (!signature_skip(sig, depth + 1) || !read_u32(r, &len))
            return FALSE;
        /* The padding to the first element is there even when the array is empty. */
        if (!pad(r, alignment_of(*element)) || !need(r, len))
            return FALSE;
        r->pos += len;
        return TRUE;
    }
    case '(':
    case '{': {
        char close = c == '(' ? ')' : '}';

        (*sig)++;
        if (!pad(r, 8))
            return FALSE;
        while (**sig != close)
            if (**sig == '\0' || !skip_value(r, sig, depth + 1))
                return FALSE;
        (*sig)++;
        return TRUE;
    }
    default:
        return FALSE;
    }
}

/* ---- writing a call ----------------------------------------------------------------------- */

static void put_pad(GByteArray *out, gsize base, gsize alignment)
{
    static const guint8 zeros[8];
    gsize used = (out->len - base) % alignment;

    if (used != 0)
        g_byte_array_append(out, zeros, (guint)(alignment - used));
}

static void put_u32(GByteArray *out, gsize base, guint32 value)
{
    put_pad(out, base, 4);
    g_byte_array_append(out, (const guint8 *)&value, 4);
}

static void put_field(GByteArray *out, gsize base, guint8 code, char type, const char *value)
{
    const guint8 head[4] = {code, 1, (guint8)type, 0}; /* code, then the signature "type" */
    gsize len = strlen(value);

    put_pad(out, base, 8);
    g_byte_array_append(out, head, sizeof head);
    put_u32(out, base, (guint32)len);
    g_byte_array_append(out, (const guint8 *)value, (guint)len + 1);
}

void nmi_wire_append_call(GByteArray *out, guint32 serial, const char *destination,
                          const char *path, const char *iface, const char *member)
{
    const guint8 fixed[4] = {G_BYTE_ORDER == G_LITTLE_ENDIAN ? 'l' : 'B',
                             G_DBUS_MESSAGE_TYPE_METHOD_CALL, G_DBUS_MESSAGE_FLAGS_NO_AUTO_START,
                             1};
    gsize base = out->len;
    guint32 fields_len;

    g_byte_array_append(out, fixed, sizeof fixed);
    put_u32(out, base, 0); /* body length */
    put_u32(out, base, serial);
    put_u32(out, base, 0); /* header fields length, filled in below */
    put_field(out, base, G_DBUS_MESSAGE_HEADER_FIELD_PATH, 'o', path);
    put_field(out, base, G_DBUS_MESSAGE_HEADER_FIELD_INTERFACE, 's', iface);
    put_field(out, base, G_DBUS_MESSAGE_HEADER_FIELD_MEMBER, 's', member);
    put_field(out, base, G_DBUS_MESSAGE_HEADER_FIELD_DESTINATION, 's', destination);
    fields_len = (guint32)(out->len - base - NMI_WIRE_FIXED_HEADER);
    memcpy(out->data + base + 12, &fields_len, 4);
    put_pad(out, base, 8); /* the body starts on an 8-byte boundary, even an empty one */
}

/* ---- reading a reply ---------------------------------------------------------------------- */

static gboolean invalid(GError **error, const char *what)
{
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "malformed D-Bus message: %s", what);
    return FALSE;
}

static guint32 fixed_u32(const guint8 *data, gboolean big_endian, gsize offset)
{
    guint32 v;

    memcpy(&v, data + offset, 4);
    return big_endian ? GUINT32_FROM_BE(v) : GUINT32_FROM_LE(v);
}

gsize nmi_wire_message_size(const guint8 *data, gsize len, GError **error)
{
    gboolean big_endian;
    guint64 size;

    if (len < NMI_WIRE_FIXED_HEADER) {
        invalid(error, "shorter than its fixed header");
        return 0;
    }
    if (data[0] != 'l' && data[0] != 'B') {
        invalid(error, "unknown byte order");
        return 0;
    }
    if (data[3] != 1) {
        invalid(error, "unknown protocol version");
        return 0;
    }
    big_endian = data[0] == 'B';
    size = ((guint64)NMI_WIRE_FIXED_HEADER + fixed_u32(data, big_endian, 12) + 7) & ~(guint64)7;
    size += fixed_u32(data, big_endian, 4);
    if (size > MAX_MESSAGE_SIZE) {
        invalid(error, "larger than the specification allows");
        return 0;
    }
    return (gsize)size;
}

gboolean nmi_wire_parse_header(const guint8 *msg, gsize len, NmiWireHeader *header, GError **error)
{
    Reader r = {msg, 0, NMI_WIRE_FIXED_HEADER, FALSE};
    gsize size = nmi_wire_message_size(msg, len, error);

    if (size == 0)
        return FALSE;
    if (size != len)
        return invalid(error, "its size disagrees with its header");
    memset(header, 0, sizeof *header);
    header->big_endian = r.big_endian = msg[0] == 'B';
    header->type = msg[1];
    header->body_len = fixed_u32(msg, r.big_endian, 4);
    header->serial = fixed_u32(msg, r.big_endian, 8);
    header->signature = "";
    r.end = NMI_WIRE_FIXED_HEADER + fixed_u32(msg, r.big_endian, 12);
    while (r.pos < r.end) {
        const char *sig, *value_sig;
        guint8 code;

        if (!pad(&r, 8) || !need(&r, 1))
            return invalid(error, "truncated header field");
        code = msg[r.pos++];
        if (!read_signature(&r, &sig))
            return invalid(error, "bad header field signature");
        value_sig = sig;
        if (code == FIELD_REPLY_SERIAL && g_str_equal(sig, "u")) {
            if (!read_u32(&r, &header->reply_serial))
                return invalid(error, "truncated reply serial");
        } else if (code == FIELD_SIGNATURE && g_str_equal(sig, "g")) {
            if (!read_signature(&r, &header->signature))
                return invalid(error, "bad body signature");
        } else if (!skip_value(&r, &value_sig, 0) || *value_sig != '\0') {
            return invalid(error, "bad header field");
        }
    }
    if (r.pos != r.end)
        return invalid(error, "header fields overrun their array");
    header->body_offset = (r.end + 7) & ~(gsize)7;
    if (header->serial == 0 || header->body_offset + header->body_len != len)
        return invalid(error, "bad serial or body length");
    return TRUE;
}

typedef enum {
    SETTING_OTHER,
    SETTING_CONNECTION,
    SETTING_WIRED,
    SETTING_BRIDGE,
} SettingKind;

static SettingKind setting_kind(const char *name)
{
    if (g_str_equal(name, "connection"))
        return SETTING_CONNECTION;
    if (g_str_equal(name, "802-3-ethernet"))
        return SETTING_WIRED;
    if (g_str_equal(name, "bridge"))
        return SETTING_BRIDGE;
    return SETTING_OTHER;
}

/* Where a string-valued key of @kind goes in @keys, or NULL. */
static const char **string_slot(NmiWireProfileKeys *keys, SettingKind kind, const char *key)
{
    if (kind == SETTING_WIRED)
        return g_str_equal(key, "assigned-mac-address") ? &keys->assigned_mac : NULL;
    if (kind != SETTING_CONNECTION)
        return NULL;
    if (g_str_equal(key, "type"))
        return &keys->type;
    if (g_str_equal(key, "interface-name"))
        return &keys->ifname;
    if (g_str_equal(key, "uuid"))
        return &keys->uuid;
    if (g_str_equal(key, "master"))
        return &keys->master;
    if (g_str_equal(key, "slave-type"))
        return &keys->port_type;
    return NULL;
}

/* One entry {key: variant} of a setting: kept in @keys when wanted and of NM's type. */
static gboolean scan_entry(Reader *r, SettingKind kind, NmiWireProfileKeys *keys)
{
    const char *key, *sig, *text;
    const char **slot;

    if (!pad(r, 8) || !read_string(r, &key) || !read_signature(r, &sig))
        return FALSE;
    slot = string_slot(keys, kind, key);
    if (slot != NULL && g_str_equal(sig, "s")) {
        if (!read_string(r, &text))
            return FALSE;
        *slot = g_utf8_validate(text, -1, NULL) ? text : NULL;
        return TRUE;
    }
    if (kind == SETTING_CONNECTION && g_str_equal(key, "timestamp") && g_str_equal(sig, "t"))
        return read_u64(r, &keys->timestamp);
    if (kind == SETTING_WIRED && g_str_equal(key, "mac-address") && g_str_equal(sig, "ay"))
        return read_bytes(r, &keys->wired_mac, &keys->wired_mac_len);
    if (kind == SETTING_BRIDGE && g_str_equal(key, "mac-address") && g_str_equal(sig, "ay"))
        return read_bytes(r, &keys->bridge_mac, &keys->bridge_mac_len);
    return skip_value(r, &sig, 0) && *sig == '\0';
}

gboolean nmi_wire_scan_settings(const guint8 *msg, const NmiWireHeader *header,
                                NmiWireProfileKeys *keys, GError **error)
{
    Reader r = {msg, header->body_offset + header->body_len, header->body_offset,
                header->big_endian};
    guint32 len;
    gsize end;

    memset(keys, 0, sizeof *keys);
    if (!g_str_equal(header->signature, "a{sa{sv}}"))
        return invalid(error, "the settings are not of type a{sa{sv}}");
    if (!read_u32(&r, &len) || !pad(&r, 8) || !need(&r, len))
        return invalid(error, "truncated settings");
    end = r.pos + len;
    while (r.pos < end) {
        const char *name;
        SettingKind kind;
        gsize setting_end;

        if (!pad(&r, 8) || !read_string(&r, &name) || !read_u32(&r, &len) || !pad(&r, 8) ||
            !need(&r, len) || r.pos + len > end)
            return invalid(error, "truncated setting");
        setting_end = r.pos + len;
        kind = setting_kind(name);
        if (kind == SETTING_CONNECTION)
            keys->has_connection = TRUE;
        if (kind == SETTING_OTHER)
            r.pos = setting_end; /* the settings a listing does not read are not walked */
        while (r.pos < setting_end)
            if (!scan_entry(&r, kind, keys) || r.pos > setting_end)
                return invalid(error, "bad setting entry");
    }
    if (r.pos != end || end != r.end)
        return invalid(error, "settings overrun their array");
    return TRUE;
}
