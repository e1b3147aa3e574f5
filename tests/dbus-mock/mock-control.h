/* Drives the NetworkManager mock's control interface (org.nmiface.Mock, see README.md) from C
 * tests. Every call is synchronous on the system bus (DBUS_SYSTEM_BUS_ADDRESS, set by
 * run-with-mock), which is also the connection libnm uses, so a control call is ordered after
 * every NM call the test made before it. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* TRUE when the mock's control name is on the system bus (we run under run-with-mock). */
gboolean mock_control_available(void);

/* The next call of METHOD ("AddConnection2" or "org.freedesktop.NetworkManager.Settings.
 * AddConnection2") fails with the D-Bus error ERROR_NAME and MESSAGE. Calls queue up. */
gboolean mock_control_fail_next(const char *method, const char *error_name, const char *message,
                                GError **error);
/* The Nth call of METHOD from now (1 = the next one) fails with ERROR_NAME and MESSAGE; calls
 * before it succeed. Takes precedence over FailNext for that call. */
gboolean mock_control_fail_nth(const char *method, guint n, const char *error_name,
                               const char *message, GError **error);
/* How many calls of METHOD ("Update2" or "org.freedesktop.NetworkManager.Settings.Connection.
 * Update2") NM has received so far, failed and delayed ones included. */
gboolean mock_control_get_call_count(const char *method, guint *count, GError **error);
/* Calls of METHOD ("*" = every NM method) are processed and answered MS later; 0 clears. */
gboolean mock_control_set_delay(const char *method, guint ms, GError **error);
/* NetworkManager leaves the bus (checkpoints are lost) / comes back with its state. */
gboolean mock_control_drop_off_bus(GError **error);
gboolean mock_control_come_back(GError **error);
/* NM restarts: checkpoints are lost and every object gets a new path (numbered from 1 again). */
gboolean mock_control_restart(GError **error);
/* /run is wiped: in-memory profiles go, /etc versions come back, everything disconnects. */
gboolean mock_control_reboot(GError **error);
/* A new device of TYPE (ethernet, bridge, bond, vlan); MAC may be NULL. Returns its path. */
char *mock_control_add_device(const char *name, const char *type, const char *mac, GError **error);
gboolean mock_control_remove_device(const char *name, GError **error);
gboolean mock_control_set_carrier(const char *name, gboolean carrier, GError **error);
/* OUTCOME: "success", "fail:REASON" (an NMDeviceStateReason) or "hang". */
gboolean mock_control_set_activation_outcome(const char *iface, const char *outcome,
                                             GError **error);
/* NM's autoconnect activations wait @ms (or until a call NM authorizes) for their
 * authorization before they appear. */
gboolean mock_control_set_authorization_delay(guint ms, GError **error);
gboolean mock_control_set_activation_time(guint ms, GError **error);
/* Emits PropertiesChanged(INTERFACE, PROPS) on PATH without changing the mock's state: a stale
 * or out-of-order value. PATH need not exist (an object gone, or not announced yet). PROPS is
 * an a{sv} (floating references are sunk). */
gboolean mock_control_emit_properties_changed(const char *path, const char *interface,
                                              GVariant *props, GError **error);
/* Hold back the ObjectManager signals named in MEMBERS ("InterfacesAdded",
 * "InterfacesRemoved", NULL-terminated) until mock_control_release_signals(): everything else
 * (PropertiesChanged, Manager's Devices/ActiveConnections lists, method replies) goes out as
 * usual, so clients see objects listed, changed or gone before they are announced. Released
 * with DELIVER, they are sent in order (an InterfacesAdded with the object's properties as they
 * are then, and only if it still exists); without, they are dropped. */
gboolean mock_control_hold_signals(const char *const *members, GError **error);
gboolean mock_control_release_signals(gboolean deliver, GError **error);
/* Every profile and tombstone as text sorted by UUID, without object paths: settings, Flags,
 * Filename, /etc and /run storage and the /etc content. Equal dumps = same profiles. */
char *mock_control_dump_profiles(GError **error);
/* Where profile UUID is stored: the /etc file, the /run file ("" = none), and whether only a
 * tombstone in /run hides the /etc file (the profile was deleted in memory). */
gboolean mock_control_get_storage(const char *uuid, char **etc_file, char **run_file,
                                  gboolean *tombstone, GError **error);
/* The settings in profile UUID's /etc file (what survives a reboot), as a{sa{sv}}. */
GVariant *mock_control_get_etc_settings(const char *uuid, GError **error);

G_END_DECLS
