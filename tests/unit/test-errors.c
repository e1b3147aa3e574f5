/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The thread-local last error and its accessors, with libvirt's semantics. */

#include <string.h>

#include "test-common.h"

/* Leaves an INVALID_CONN error behind in the calling thread. */
static void cause_error(void)
{
    g_assert_null(virConnectGetURI(NULL));
}

static void test_no_error(void)
{
    virError copy;

    virResetLastError();
    g_assert_null(virGetLastError());
    g_assert_cmpstr(virGetLastErrorMessage(), ==, "no error");
    g_assert_cmpint(virCopyLastError(&copy), ==, VIR_ERR_OK);
    g_assert_null(copy.message);
    virResetError(&copy);
}

static void test_copy_and_save(void)
{
    virError copy;
    virErrorPtr saved;

    cause_error();
    /* Garbage in the caller's struct must not be freed. */
    memset(&copy, 0xa5, sizeof(copy));
    g_assert_cmpint(virCopyLastError(&copy), ==, VIR_ERR_INVALID_CONN);
    g_assert_cmpstr(copy.message, ==, "invalid connection pointer in virConnectGetURI");
    g_assert_cmpint(copy.domain, ==, VIR_FROM_NONE);
    g_assert_cmpint(copy.level, ==, VIR_ERR_ERROR);
    g_assert_null(copy.conn);
    g_assert_true(copy.message != virGetLastError()->message);
    virResetError(&copy);
    g_assert_null(copy.message);
    g_assert_cmpint(copy.code, ==, VIR_ERR_OK);

    saved = virSaveLastError();
    g_assert_nonnull(saved);
    g_assert_cmpint(saved->code, ==, VIR_ERR_INVALID_CONN);
    g_assert_cmpstr(saved->message, ==, virGetLastErrorMessage());
    virResetLastError();
    /* The saved copy is independent of the thread's error. */
    g_assert_cmpstr(saved->message, ==, "invalid connection pointer in virConnectGetURI");
    virFreeError(saved);
    virFreeError(NULL);
    virResetError(NULL);

    g_assert_cmpint(virCopyLastError(NULL), ==, -1);
}

static void test_reset_at_entry(void)
{
    virConnectPtr conn = test_open("test:///default");
    char *uri;

    cause_error();
    g_assert_nonnull(virGetLastError());
    /* A successful public call starts by clearing the previous error. */
    uri = virConnectGetURI(conn);
    g_assert_nonnull(uri);
    free(uri);
    assert_no_error();
    test_close(conn);
}

static gpointer thread_sees_no_error(gpointer data)
{
    virConnectPtr conn = data;

    /* The main thread's error is not this thread's. */
    g_assert_null(virGetLastError());
    g_assert_cmpstr(virGetLastErrorMessage(), ==, "no error");
    g_assert_null(virInterfaceLookupByName(conn, "nosuch"));
    assert_last_error(VIR_ERR_NO_INTERFACE, VIR_FROM_INTERFACE,
                      "Interface not found: couldn't find interface named 'nosuch'");
    return NULL;
}

static void test_thread_local(void)
{
    virConnectPtr conn = test_open("test:///default");
    GThread *thread;

    cause_error();
    thread = g_thread_new("errors", thread_sees_no_error, conn);
    g_thread_join(thread);
    /* ... and the other thread's error did not replace this one. */
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE,
                      "invalid connection pointer in virConnectGetURI");
    test_close(conn);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/errors/no-error", test_no_error);
    g_test_add_func("/errors/copy-and-save", test_copy_and_save);
    g_test_add_func("/errors/reset-at-entry", test_reset_at_entry);
    g_test_add_func("/errors/thread-local", test_thread_local);
    return g_test_run();
}
