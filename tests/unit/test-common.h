/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the host library tests (public API only). */
#ifndef NMIFACE_TEST_COMMON_H
#define NMIFACE_TEST_COMMON_H

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nmiface/libvirt-interface.h"
#include "nmiface/nmiface-ext.h"

/* The last error of this thread is exactly (code, domain, message). */
#define assert_last_error(code_, domain_, message_)                                                \
    G_STMT_START                                                                                   \
    {                                                                                              \
        virErrorPtr err_ = virGetLastError();                                                      \
        g_assert_nonnull(err_);                                                                    \
        g_assert_cmpstr(err_->message, ==, (message_));                                            \
        g_assert_cmpint(err_->code, ==, (code_));                                                  \
        g_assert_cmpint(err_->domain, ==, (domain_));                                              \
        g_assert_cmpint(err_->level, ==, VIR_ERR_ERROR);                                           \
    }                                                                                              \
    G_STMT_END

/* The last error has @code and a message starting with @prefix. */
#define assert_last_error_prefix(code_, prefix_)                                                   \
    G_STMT_START                                                                                   \
    {                                                                                              \
        virErrorPtr err_ = virGetLastError();                                                      \
        g_assert_nonnull(err_);                                                                    \
        g_assert_cmpint(err_->code, ==, (code_));                                                  \
        if (!g_str_has_prefix(err_->message, (prefix_)))                                           \
            g_error("message '%s' does not start with '%s'", err_->message, (prefix_));            \
    }                                                                                              \
    G_STMT_END

#define assert_no_error() g_assert_null(virGetLastError())

static inline virConnectPtr test_open(const char *uri)
{
    virConnectPtr conn = virConnectOpen(uri);

    if (conn == NULL)
        g_error("cannot open %s: %s", uri, virGetLastErrorMessage());
    return conn;
}

static inline void test_close(virConnectPtr conn)
{
    g_assert_cmpint(virConnectClose(conn), ==, 0);
}

/* The test driver appends each vtable call to $NMIFACE_TEST_DRIVER_LOG; these read it. */
static inline char *test_log_start(void)
{
    g_autoptr(GError) error = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp("nmiface-test-log-XXXXXX", &path, &error);

    g_assert_no_error(error);
    close(fd);
    g_setenv("NMIFACE_TEST_DRIVER_LOG", path, TRUE);
    return path;
}

/* Returns what was logged since the last call, and empties the log. */
static inline char *test_log_take(const char *path)
{
    g_autoptr(GError) error = NULL;
    char *contents = NULL;

    g_file_get_contents(path, &contents, NULL, &error);
    g_assert_no_error(error);
    g_file_set_contents(path, "", 0, &error);
    g_assert_no_error(error);
    return contents;
}

static inline void test_log_stop(char *path)
{
    g_unsetenv("NMIFACE_TEST_DRIVER_LOG");
    g_unlink(path);
    g_free(path);
}

#endif /* NMIFACE_TEST_COMMON_H */
