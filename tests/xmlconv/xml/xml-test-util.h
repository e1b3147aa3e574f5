/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the XML and the NM conversion tests: test data locations, file lists,
 * expected outputs. */
#ifndef NMIFACE_XML_TEST_UTIL_H
#define NMIFACE_XML_TEST_UTIL_H

#include <glib.h>

G_BEGIN_DECLS

/* $NAME from the test's environment (meson sets them); aborts when unset. */
const char *xml_test_env_dir(const char *name);

/*
 * libvirt's conformance data (../shared/conformance), or NULL when this checkout has none:
 * then the caller skips, except under CI=true where this fails the test.
 */
const char *xml_test_conformance_dir(void);

/* Sorted paths of the files in @dir whose names end in @suffix (and start with @prefix, when
 * not NULL). */
GPtrArray *xml_test_list_files(const char *dir, const char *prefix, const char *suffix);

char *xml_test_read_file(const char *path);

/* NMIFACE_REGENERATE=1: tests rewrite expected outputs instead of comparing. */
gboolean xml_test_regenerate(void);

/* Compares @actual with the file @expected_path (a mismatch or a missing file fails the
 * running test, showing both); under NMIFACE_REGENERATE=1 writes it instead. */
void xml_test_check_expected(const char *expected_path, const char *actual);

/* "VIR_ERR_XML_ERROR" <-> 27, for the .err sidecars */
const char *xml_test_code_name(int code);
int xml_test_code_from_name(const char *name);

G_END_DECLS

#endif /* NMIFACE_XML_TEST_UTIL_H */
