/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What dbus-wire.c's scan must find in a{sa{sv}} settings, by GVariant lookups: shared by
 * tests/driver/test-dbus-wire.c and the differential fuzz target tests/fuzz/fuzz-dbus-wire.c. */
#ifndef NMIFACE_WIRE_EXPECT_H
#define NMIFACE_WIRE_EXPECT_H

#include "dbus-wire.h"

/* NULL when @keys holds what GVariant lookups find in @settings, else what differs. */
char *wire_keys_disagree(GVariant *settings, const NmiWireProfileKeys *keys);
/* A setting name, or a key of a setting the scan reads, twice: lookups take the first, the
 * scan the last (NM never sends such settings). */
gboolean wire_settings_have_duplicates(GVariant *settings);
/* g_assert()s that they agree. */
void wire_expect_keys(GVariant *settings, const NmiWireProfileKeys *keys);

#endif /* NMIFACE_WIRE_EXPECT_H */
