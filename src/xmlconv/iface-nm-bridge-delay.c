/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt's bridge delay in NM's terms: shared by both directions of the conversion (to
 * profiles writes it, from profiles checks a hint against it), so neither calls the other.
 */
#include "iface-nm.h"
#include "iface-xml-private.h"

gboolean nmi_bridge_delay_to_nm(const char *delay, guint *out)
{
    char *end = NULL;
    double seconds;

    /* the validator's syntax, so every delay the parser accepts converts */
    if (!nmi_bridge_delay_is_valid(delay))
        return FALSE;
    seconds = g_ascii_strtod(delay, &end);
    if (end == NULL || *end != '\0' || !(seconds >= 0.0))
        return FALSE;
    /* rounded to the nearest second; clamped first, so huge values cannot overflow */
    *out = CLAMP((guint)(MIN(seconds, 30.0) + 0.5), 2, 30);
    return TRUE;
}
