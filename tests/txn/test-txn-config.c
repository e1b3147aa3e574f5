/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The configuration file's default safety timeout (src/driver/txn/txn-config.c). */
#include <glib/gstdio.h>

#include "txn-nm.h"

typedef struct {
    const char *text; /* NULL: no file */
    gboolean ok;
    guint seconds;
} ConfigCase;

static const ConfigCase cases[] = {
    {NULL, TRUE, 0},
    {"", TRUE, 0},
    {"[transaction]\n", TRUE, 0},
    {"[transaction]\nrollback-timeout=0\n", TRUE, 0},
    {"[transaction]\nrollback-timeout=120\n", TRUE, 120},
    {"[other]\nrollback-timeout=5\n", TRUE, 0},
    {"[transaction]\nrollback-timeout=-1\n", FALSE, 0},
    {"[transaction]\nrollback-timeout=soon\n", FALSE, 0},
    {"[transaction]\nrollback-timeout=86401\n", FALSE, 0},
    {"not a key file\n", FALSE, 0},
};

static void test_default_timeout(void)
{
    g_autofree char *dir = g_dir_make_tmp("nmiface-config-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "nmiface.conf", NULL);

    g_assert_nonnull(dir);
    g_setenv("NMIFACE_CONFIG", path, TRUE);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        guint seconds = 99;
        gboolean ok;

        g_remove(path);
        if (cases[i].text != NULL)
            g_assert_true(g_file_set_contents(path, cases[i].text, -1, NULL));
        ok = nm_txn_config_default_timeout(&seconds, &error);
        g_test_message("case %u: %s", i, error != NULL ? error->message : "ok");
        g_assert_cmpint(ok, ==, cases[i].ok);
        if (ok) {
            g_assert_no_error(error);
            g_assert_cmpuint(seconds, ==, cases[i].seconds);
        } else {
            g_assert_error(error, NMIFACE_ERROR, VIR_ERR_OPERATION_FAILED);
            g_assert_nonnull(strstr(error->message, path));
        }
    }
    g_remove(path);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/txn/config/default-timeout", test_default_timeout);
    return g_test_run();
}
