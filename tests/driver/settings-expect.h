/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What nm-settings-reply.c must find in a{sa{sv}} settings, by GVariant lookups: shared by
 * tests/driver/test-settings-reply.c and the differential fuzz target
 * tests/fuzz/fuzz-settings-reply.c. */
#ifndef NMIFACE_SETTINGS_EXPECT_H
#define NMIFACE_SETTINGS_EXPECT_H

#include "nm-settings-reply.h"

/* NULL when @keys holds what GVariant lookups find in @settings, else what differs. */
char *settings_keys_disagree(GVariant *settings, const NmiProfileKeys *keys);
/* A setting name, or a key of a setting the reader reads, twice: lookups take the first, the
 * reader the last (NM never sends such settings). */
gboolean settings_have_duplicates(GVariant *settings);
/* g_assert()s that they agree. */
void settings_expect_keys(GVariant *settings, const NmiProfileKeys *keys);

#endif /* NMIFACE_SETTINGS_EXPECT_H */
