/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* White-box: URI resolution and scheme parsing of the loader (host-private.h). */

#include "host-private.h"

static void test_scheme(void)
{
    static const struct {
        const char *uri;
        const char *scheme;
    } cases[] = {
        {"nm:///system", "nm"},
        {"test:///default", "test"},
        {"a+b.c-d9://host/path", "a+b.c-d9"},
        {"nm:/system", NULL},
        {"nm", NULL},
        {"://x", NULL},
        {"9nm:///x", NULL},
        {"n/m:///x", NULL},
        {"../x:///y", NULL},
        {"", NULL},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *scheme = nmi_uri_scheme(cases[i].uri);

        g_assert_cmpstr(scheme, ==, cases[i].scheme);
    }
}

static void test_resolve(void)
{
    g_autofree char *given = NULL;
    g_autofree char *fallback = NULL;
    g_autofree char *from_env = NULL;
    g_autofree char *empty_env = NULL;
    g_autofree char *empty_uri = NULL;

    given = nmi_uri_resolve("test:///empty");
    g_assert_cmpstr(given, ==, "test:///empty");
    g_unsetenv("NMIFACE_DEFAULT_URI");
    fallback = nmi_uri_resolve(NULL);
    g_assert_cmpstr(fallback, ==, "nm:///system");
    g_setenv("NMIFACE_DEFAULT_URI", "test:///default", TRUE);
    from_env = nmi_uri_resolve(NULL);
    g_assert_cmpstr(from_env, ==, "test:///default");
    empty_uri = nmi_uri_resolve("");
    g_assert_cmpstr(empty_uri, ==, "test:///default");
    g_setenv("NMIFACE_DEFAULT_URI", "", TRUE);
    empty_env = nmi_uri_resolve(NULL);
    g_assert_cmpstr(empty_env, ==, "nm:///system");
    g_unsetenv("NMIFACE_DEFAULT_URI");
}

static void test_build_tree(void)
{
    /* This test program runs from the build tree, so the build tree's modules come first. */
    g_assert_true(nmi_library_in_build_tree());
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/uri/scheme", test_scheme);
    g_test_add_func("/uri/resolve", test_resolve);
    g_test_add_func("/uri/build-tree", test_build_tree);
    return g_test_run();
}
