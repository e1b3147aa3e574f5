#!/usr/bin/python3
"""Counts how many method calls one bus connection may leave waiting for a reply.

One connection owns a name and never answers; another sends CALLS calls to it at once.
Prints the number of calls the bus refused with LimitsExceeded (dbus-daemon's
max_replies_per_connection at work). Used by test-max-replies.sh.
"""
import os
import sys

import gi

gi.require_version("Gio", "2.0")
gi.require_version("GLib", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

calls = int(sys.argv[1])
address = os.environ["DBUS_SYSTEM_BUS_ADDRESS"]
flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
         | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
name = "org.nmiface.test.Silent"


def swallow(connection, message, incoming):
    if incoming and message.get_message_type() == Gio.DBusMessageType.METHOD_CALL \
            and message.get_destination() == name:
        return None  # never answered
    return message


service = Gio.DBusConnection.new_for_address_sync(address, flags, None, None)
service.add_filter(swallow)
service.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                  "RequestName", GLib.Variant("(su)", (name, 4)), None,
                  Gio.DBusCallFlags.NONE, -1, None)

client = Gio.DBusConnection.new_for_address_sync(address, flags, None, None)
loop = GLib.MainLoop()
result = {"refused": 0, "other": 0, "done": 0}


def finished(connection, res):
    try:
        connection.call_finish(res)
    except GLib.Error as e:
        remote = Gio.DBusError.get_remote_error(e) or ""
        if remote == "org.freedesktop.DBus.Error.LimitsExceeded":
            result["refused"] += 1
        elif remote != "org.freedesktop.DBus.Error.NoReply" and \
                not e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED):
            result["other"] += 1
            print("unexpected error:", e.message, file=sys.stderr)
    result["done"] += 1


cancellable = Gio.Cancellable()
for _ in range(calls):
    client.call(name, "/", "org.nmiface.test.Silent", "Hang", None, None,
                Gio.DBusCallFlags.NONE, 10000, cancellable, finished)
# Refusals come back at once; the rest would hang until the timeout.
GLib.timeout_add(500, loop.quit)
loop.run()
print(result["refused"])
sys.exit(1 if result["other"] else 0)
