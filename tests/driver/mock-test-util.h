/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers for the driver tests against the NetworkManager mock (tests/dbus-mock): its control
 * interface with errors failing the test, and "another NM client" (nmcli, a second libvirt)
 * that works on NM directly over the system bus, beside the driver's own connection. */
#ifndef NMIFACE_MOCK_TEST_UTIL_H
#define NMIFACE_MOCK_TEST_UTIL_H

#include "driver-test-util.h"
#include "mock-control.h"

G_BEGIN_DECLS

/* TRUE inside tests/dbus-mock/run-with-mock. */
gboolean mt_in_mock(void);

/* br0, static 192.0.2.1/24, start mode none, stp off, with the port eth0. */
extern const char mt_bridge_eth0_xml[];

/* The mock's control interface; each fails the test on an error. */
char *mt_dump_profiles(void);
void mt_fail_next(const char *method, const char *dbus_error, const char *message);
void mt_fail_nth(const char *method, guint n, const char *dbus_error, const char *message);
void mt_set_delay(const char *method, guint ms);
guint mt_call_count(const char *method);
/* Bounded poll: NM has received at least @count calls of @method within @timeout_ms. */
gboolean mt_wait_call_count(const char *method, guint count, guint timeout_ms);
/* Hold back InterfacesAdded and/or InterfacesRemoved; release them in order or drop them. */
void mt_hold_announcements(gboolean added, gboolean removed);
void mt_release_announcements(gboolean deliver);
char *mt_add_device(const char *name, const char *type);
void mt_remove_device(const char *name);
void mt_set_carrier(const char *name, gboolean carrier);
/* PropertiesChanged(@iface, @props) on @path, which need not exist; @props is floating. */
void mt_emit_properties_changed(const char *path, const char *iface, GVariant *props);

/* Another client. Profiles it makes have autoconnect off. */
NMConnection *mt_ethernet_profile(const char *id, const char *ifname, const char *ip4_cidr);
/* The same profile with another IPv4 address (prefix 24). */
NMConnection *mt_with_address(NMConnection *profile, const char *address);
char *mt_add_profile(NMConnection *profile, guint32 add2_flags);
void mt_update_profile(const char *path, NMConnection *profile, guint32 update2_flags);
void mt_delete_profile(const char *path);
char *mt_profile_path(const char *uuid);
/* The profile's settings as GetSettings returns them (no secrets). */
NMConnection *mt_profile_settings(const char *path);
/* ActivateConnection(@profile_path, "/" = NM picks the device); returns the active connection. */
char *mt_activate(const char *profile_path);
char *mt_device_path(const char *ifname);
/* An object-path property of NM object @path ("/" when none). */
char *mt_get_path_property(const char *path, const char *iface, const char *prop);
void mt_deactivate(const char *active_path);

G_END_DECLS

#endif
