/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NM driver without NetworkManager: vtable, URI checks, dry run, state reason words. */
#include "driver-test-util.h"

static void test_vtable(void)
{
    const NmifaceDriver *drv = td_driver();

    g_assert_cmpuint(drv->abi_version, ==, NMIFACE_DRIVER_ABI_VERSION);
    g_assert_cmpstr(drv->name, ==, "nm");
    g_assert_cmpuint(drv->supported_list_all_flags, ==,
                     VIR_CONNECT_LIST_INTERFACES_INACTIVE | VIR_CONNECT_LIST_INTERFACES_ACTIVE);
    g_assert_cmpuint(drv->supported_xml_desc_flags, ==, VIR_INTERFACE_XML_INACTIVE);
    g_assert_cmpuint(drv->supported_define_flags, ==, VIR_INTERFACE_DEFINE_VALIDATE);
    g_assert_nonnull(drv->open);
    g_assert_nonnull(drv->list_all);
    g_assert_nonnull(drv->define_xml);
    g_assert_nonnull(drv->create);
    g_assert_nonnull(drv->define_dry_run);
    g_assert_nonnull(drv->change_begin);
    g_assert_nonnull(drv->change_commit);
    g_assert_nonnull(drv->change_rollback);
    g_assert_cmpuint(drv->supported_change_flags, ==, 0);
}

static void test_bad_uris(void)
{
    static const char *const bad[] = {"nm:///session", "xen:///system",
                                      "nm:///system?timeout_ms=abc", "nm:///system?timeout_ms=0"};

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;

        g_assert_null(td_driver()->open(bad[i], FALSE, &error));
        g_assert_error(error, NMIFACE_ERROR, VIR_ERR_INVALID_ARG);
        g_test_message("%s: %s", bad[i], error->message);
    }
}

static void test_no_bus(void)
{
    g_autoptr(GError) error = NULL;

    /* A bus address nobody listens on: no connection, said plainly, and fast. */
    g_setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/nmiface-test-bus", TRUE);
    g_assert_null(td_driver()->open("nm:///system", FALSE, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT);
    g_test_message("%s", error->message);
}

static void test_dry_run(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text = td_driver()->define_dry_run(
        "<interface type='bridge' name='br9'><bridge stp='off'/></interface>", 0, &error);

    td_assert_no_error(error);
    g_assert_nonnull(strstr(text, "[connection]"));
    g_assert_nonnull(strstr(text, "interface-name=br9"));
    g_assert_null(td_driver()->define_dry_run("<interface", 0, &error));
    g_assert_error(error, NMIFACE_ERROR, VIR_ERR_XML_DETAIL);
}

static void test_reason_words(void)
{
    g_assert_cmpstr(nmi_device_state_reason_to_string(NM_DEVICE_STATE_REASON_CARRIER), ==,
                    "carrier/link changed");
    g_assert_cmpstr(nmi_device_state_reason_to_string(NM_DEVICE_STATE_REASON_DEPENDENCY_FAILED), ==,
                    "a dependency of the connection failed");
    g_assert_cmpstr(nmi_device_state_reason_to_string(9999), ==, "unknown reason");
    g_assert_cmpstr(
        nmi_active_state_reason_to_string(NM_ACTIVE_CONNECTION_STATE_REASON_DEVICE_REALIZE_FAILED),
        ==, "could not create the software device link");
    for (guint r = 0; r <= NM_DEVICE_STATE_REASON_PEER_NOT_FOUND; r++)
        g_assert_cmpstr(nmi_device_state_reason_to_string(r), !=, "unknown reason");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/driver-unit/vtable", test_vtable);
    g_test_add_func("/driver-unit/bad-uris", test_bad_uris);
    g_test_add_func("/driver-unit/no-bus", test_no_bus);
    g_test_add_func("/driver-unit/dry-run", test_dry_run);
    g_test_add_func("/driver-unit/reason-words", test_reason_words);
    return g_test_run();
}
