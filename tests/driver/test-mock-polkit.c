/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NM refusing a write: polkit saying no (NM's *.PermissionDenied) is VIR_ERR_OPERATION_DENIED,
 * the bus refusing the message (AccessDenied, AuthFailed) is VIR_ERR_AUTH_FAILED, both with
 * NM's message. For each write NM can refuse (define: AddConnection2, Update2; undefine:
 * Delete, Update2 of an active profile; create: ActivateConnection of the interface or of a
 * port; destroy: Update2 blocking autoconnect, Disconnect) and each refusal: the error, and
 * every profile and the interface's state as they were.
 */
#include "mock-test-util.h"

static const char *bridge_changed_xml = "<interface type='bridge' name='br0'>\n"
                                        "  <start mode='onboot'/>\n"
                                        "  <protocol family='ipv4'>\n"
                                        "    <ip address='198.51.100.1' prefix='24'/>\n"
                                        "  </protocol>\n"
                                        "  <bridge stp='off'>\n"
                                        "    <interface type='ethernet' name='eth0'>\n"
                                        "    </interface>\n"
                                        "  </bridge>\n"
                                        "</interface>\n";

/* How NM and the bus refuse, and what the driver must make of it. */
static const struct {
    const char *dbus_error;
    const char *message;
    int code;
} refusals[] = {
    {"org.freedesktop.NetworkManager.PermissionDenied", "Not authorized to control networking.",
     VIR_ERR_OPERATION_DENIED},
    {"org.freedesktop.NetworkManager.Settings.PermissionDenied", "Insufficient privileges.",
     VIR_ERR_OPERATION_DENIED},
    {"org.freedesktop.DBus.Error.AccessDenied",
     "Rejected send message, 1 matched rules; type=method_call, sender=:1.7 (uid=1000)",
     VIR_ERR_AUTH_FAILED},
    {"org.freedesktop.DBus.Error.AuthFailed", "Authorization for uid 1000 failed",
     VIR_ERR_AUTH_FAILED},
};

typedef enum {
    OP_DEFINE,
    OP_UNDEFINE,
    OP_CREATE,
    OP_DESTROY,
} Op;

typedef enum {
    START_NOTHING, /* no profile for br0 */
    START_DEFINED, /* br0 defined, inactive */
    START_ACTIVE,  /* br0 defined and up */
} Start;

typedef struct {
    const char *name;
    Start start;
    Op op;
    const char *method; /* the NM method that refuses */
    guint nth;          /* which of the call's calls of it (1 = the first) */
} PolkitCase;

static const PolkitCase cases[] = {
    {"define-add", START_NOTHING, OP_DEFINE, "AddConnection2", 1},
    {"define-update", START_DEFINED, OP_DEFINE, "Update2", 1},
    {"undefine-delete", START_DEFINED, OP_UNDEFINE, "Delete", 1},
    {"undefine-active", START_ACTIVE, OP_UNDEFINE, "Update2", 1},
    {"create", START_DEFINED, OP_CREATE, "ActivateConnection", 1},
    {"create-port", START_DEFINED, OP_CREATE, "ActivateConnection", 2},
    {"destroy-block", START_ACTIVE, OP_DESTROY, "Update2", 1},
    {"destroy-disconnect", START_ACTIVE, OP_DESTROY, "Disconnect", 1},
};

static gboolean run_op(NmifaceDriverConn *conn, Op op, GError **error)
{
    g_autoptr(NmifaceIfaceInfo) info = NULL;

    switch (op) {
    case OP_DEFINE:
        info = td_driver()->define_xml(conn, bridge_changed_xml, 0, error);
        return info != NULL;
    case OP_UNDEFINE:
        return td_driver()->undefine(conn, "br0", error);
    case OP_CREATE:
        return td_driver()->create(conn, "br0", 0, error);
    case OP_DESTROY:
        return td_driver()->destroy(conn, "br0", 0, error);
    }
    g_assert_not_reached();
}

static void test_refused(gconstpointer data)
{
    const PolkitCase *c = data;
    NmifaceDriverConn *conn = td_open();
    gboolean was_active = c->start == START_ACTIVE;

    if (c->start != START_NOTHING) {
        G_GNUC_UNUSED g_autoptr(NmifaceIfaceInfo) info = td_define(conn, mt_bridge_eth0_xml);
    }
    if (was_active) {
        g_autoptr(GError) error = NULL;

        g_assert_true(td_driver()->create(conn, "br0", 0, &error));
        td_assert_no_error(error);
    }

    for (guint i = 0; i < G_N_ELEMENTS(refusals); i++) {
        g_autofree char *before = mt_dump_profiles();
        g_autofree char *after = NULL;
        g_autoptr(GError) error = NULL;

        g_test_message("%s refused with %s", c->method, refusals[i].dbus_error);
        mt_fail_nth(c->method, c->nth, refusals[i].dbus_error, refusals[i].message);
        g_assert_false(run_op(conn, c->op, &error));
        g_test_message("-> %s", error->message);
        td_assert_error_with(error, refusals[i].code, refusals[i].message);

        after = mt_dump_profiles();
        g_assert_cmpstr(after, ==, before);
        if (c->start == START_NOTHING)
            g_assert_false(td_listed(conn, "br0", 0));
        else /* a create refused half-way takes back what it started, which takes a moment */
            g_assert_true(td_becomes_active(conn, "br0", was_active, 5000));
    }
    td_driver()->close(conn);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!mt_in_mock())
        return td_skip("not inside tests/dbus-mock/run-with-mock");
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/mock-polkit/%s", cases[i].name);

        g_test_add_data_func(path, &cases[i], test_refused);
    }
    return g_test_run();
}
