/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the NM conversion tests (with xml-test-util.h's). */
#ifndef NMIFACE_NM_TEST_UTIL_H
#define NMIFACE_NM_TEST_UTIL_H

#include "iface-nm.h"
#include "xml-test-util.h"

G_BEGIN_DECLS

/* ../shared/conformance/libvirt, or NULL when this checkout has none. */
const char *nm_test_conformance_dir(void);

/* Skips the running test (or fails it when CI=true) because @what is missing. */
void nm_test_skip_missing(const char *what);

/* Sorted names (not paths) of the entries of @dir ending in @suffix. */
GPtrArray *nm_test_list(const char *dir, const char *suffix);

/* The profiles in @dir (*.nmconnection, read with libnm's keyfile reader and normalized as
 * NM does on load); the one without connection.master is the top. */
NmiProfileSet *nm_test_load_profiles(const char *dir);

/* Every profile verifies and is already normalized. */
void nm_test_assert_profiles_valid(const NmiProfileSet *set);

char *nm_test_keyfiles(const NmiProfileSet *set);

/* The same with the ports sorted by UUID, to compare sets whatever their order. */
char *nm_test_keyfiles_by_uuid(const NmiProfileSet *set);

/* The keyfile text back through libnm's reader: what NM would hold after storing @set. */
NmiProfileSet *nm_test_reread(const NmiProfileSet *set);

/* <link> is live-only: it never reaches NM, so inactive round trips drop it. */
void nm_test_strip_link(NmiIfaceDef *def);

G_END_DECLS

#endif /* NMIFACE_NM_TEST_UTIL_H */
