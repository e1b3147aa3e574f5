/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NM's state reasons in words (libnm has no to-string for them); texts from NM's API docs. */
#include "iface-private.h"

static const char *const nmi_device_state_reason_words[] = {
    [NM_DEVICE_STATE_REASON_NONE] = "no reason given",
    [NM_DEVICE_STATE_REASON_UNKNOWN] = "unknown error",
    [NM_DEVICE_STATE_REASON_NOW_MANAGED] = "device is now managed",
    [NM_DEVICE_STATE_REASON_NOW_UNMANAGED] = "device is now unmanaged",
    [NM_DEVICE_STATE_REASON_CONFIG_FAILED] = "the device could not be readied for configuration",
    [NM_DEVICE_STATE_REASON_IP_CONFIG_UNAVAILABLE] =
        "IP configuration could not be reserved (no available address, timeout, etc.)",
    [NM_DEVICE_STATE_REASON_IP_CONFIG_EXPIRED] = "the IP config is no longer valid",
    [NM_DEVICE_STATE_REASON_NO_SECRETS] = "secrets were required, but not provided",
    [NM_DEVICE_STATE_REASON_SUPPLICANT_DISCONNECT] = "802.1x supplicant disconnected",
    [NM_DEVICE_STATE_REASON_SUPPLICANT_CONFIG_FAILED] = "802.1x supplicant configuration failed",
    [NM_DEVICE_STATE_REASON_SUPPLICANT_FAILED] = "802.1x supplicant failed",
    [NM_DEVICE_STATE_REASON_SUPPLICANT_TIMEOUT] = "802.1x supplicant took too long to authenticate",
    [NM_DEVICE_STATE_REASON_PPP_START_FAILED] = "PPP service failed to start",
    [NM_DEVICE_STATE_REASON_PPP_DISCONNECT] = "PPP service disconnected",
    [NM_DEVICE_STATE_REASON_PPP_FAILED] = "PPP failed",
    [NM_DEVICE_STATE_REASON_DHCP_START_FAILED] = "DHCP client failed to start",
    [NM_DEVICE_STATE_REASON_DHCP_ERROR] = "DHCP client error",
    [NM_DEVICE_STATE_REASON_DHCP_FAILED] = "DHCP client failed",
    [NM_DEVICE_STATE_REASON_SHARED_START_FAILED] = "shared connection service failed to start",
    [NM_DEVICE_STATE_REASON_SHARED_FAILED] = "shared connection service failed",
    [NM_DEVICE_STATE_REASON_AUTOIP_START_FAILED] = "AutoIP service failed to start",
    [NM_DEVICE_STATE_REASON_AUTOIP_ERROR] = "AutoIP service error",
    [NM_DEVICE_STATE_REASON_AUTOIP_FAILED] = "AutoIP service failed",
    [NM_DEVICE_STATE_REASON_MODEM_BUSY] = "the line is busy",
    [NM_DEVICE_STATE_REASON_MODEM_NO_DIAL_TONE] = "no dial tone",
    [NM_DEVICE_STATE_REASON_MODEM_NO_CARRIER] = "no carrier could be established",
    [NM_DEVICE_STATE_REASON_MODEM_DIAL_TIMEOUT] = "the dialing request timed out",
    [NM_DEVICE_STATE_REASON_MODEM_DIAL_FAILED] = "the dialing attempt failed",
    [NM_DEVICE_STATE_REASON_MODEM_INIT_FAILED] = "modem initialization failed",
    [NM_DEVICE_STATE_REASON_GSM_APN_FAILED] = "failed to select the specified APN",
    [NM_DEVICE_STATE_REASON_GSM_REGISTRATION_NOT_SEARCHING] = "not searching for networks",
    [NM_DEVICE_STATE_REASON_GSM_REGISTRATION_DENIED] = "network registration denied",
    [NM_DEVICE_STATE_REASON_GSM_REGISTRATION_TIMEOUT] = "network registration timed out",
    [NM_DEVICE_STATE_REASON_GSM_REGISTRATION_FAILED] =
        "failed to register with the requested network",
    [NM_DEVICE_STATE_REASON_GSM_PIN_CHECK_FAILED] = "PIN check failed",
    [NM_DEVICE_STATE_REASON_FIRMWARE_MISSING] = "necessary firmware for the device may be missing",
    [NM_DEVICE_STATE_REASON_REMOVED] = "the device was removed",
    [NM_DEVICE_STATE_REASON_SLEEPING] = "NetworkManager went to sleep",
    [NM_DEVICE_STATE_REASON_CONNECTION_REMOVED] = "the device's active connection disappeared",
    [NM_DEVICE_STATE_REASON_USER_REQUESTED] = "device disconnected by user or client",
    [NM_DEVICE_STATE_REASON_CARRIER] = "carrier/link changed",
    [NM_DEVICE_STATE_REASON_CONNECTION_ASSUMED] = "the device's existing connection was assumed",
    [NM_DEVICE_STATE_REASON_SUPPLICANT_AVAILABLE] = "the supplicant is now available",
    [NM_DEVICE_STATE_REASON_MODEM_NOT_FOUND] = "the modem could not be found",
    [NM_DEVICE_STATE_REASON_BT_FAILED] = "the Bluetooth connection failed or timed out",
    [NM_DEVICE_STATE_REASON_GSM_SIM_NOT_INSERTED] = "GSM Modem's SIM Card not inserted",
    [NM_DEVICE_STATE_REASON_GSM_SIM_PIN_REQUIRED] = "GSM Modem's SIM Pin required",
    [NM_DEVICE_STATE_REASON_GSM_SIM_PUK_REQUIRED] = "GSM Modem's SIM Puk required",
    [NM_DEVICE_STATE_REASON_GSM_SIM_WRONG] = "GSM Modem's SIM wrong",
    [NM_DEVICE_STATE_REASON_INFINIBAND_MODE] = "InfiniBand device does not support connected mode",
    [NM_DEVICE_STATE_REASON_DEPENDENCY_FAILED] = "a dependency of the connection failed",
    [NM_DEVICE_STATE_REASON_BR2684_FAILED] = "problem with the RFC 2684 Ethernet over ADSL bridge",
    [NM_DEVICE_STATE_REASON_MODEM_MANAGER_UNAVAILABLE] = "ModemManager not running",
    [NM_DEVICE_STATE_REASON_SSID_NOT_FOUND] = "the Wi-Fi network could not be found",
    [NM_DEVICE_STATE_REASON_SECONDARY_CONNECTION_FAILED] =
        "A secondary connection of the base connection failed",
    [NM_DEVICE_STATE_REASON_DCB_FCOE_FAILED] = "DCB or FCoE setup failed",
    [NM_DEVICE_STATE_REASON_TEAMD_CONTROL_FAILED] = "teamd control failed",
    [NM_DEVICE_STATE_REASON_MODEM_FAILED] = "modem failed or no longer available",
    [NM_DEVICE_STATE_REASON_MODEM_AVAILABLE] = "modem now ready and available",
    [NM_DEVICE_STATE_REASON_SIM_PIN_INCORRECT] = "SIM PIN was incorrect",
    [NM_DEVICE_STATE_REASON_NEW_ACTIVATION] = "new connection activation was enqueued",
    [NM_DEVICE_STATE_REASON_PARENT_CHANGED] = "the device's parent changed",
    [NM_DEVICE_STATE_REASON_PARENT_MANAGED_CHANGED] = "the device parent's management changed",
    [NM_DEVICE_STATE_REASON_OVSDB_FAILED] = "problem communicating with Open vSwitch database",
    [NM_DEVICE_STATE_REASON_IP_ADDRESS_DUPLICATE] = "a duplicate IP address was detected",
    [NM_DEVICE_STATE_REASON_IP_METHOD_UNSUPPORTED] = "the selected IP method is not supported",
    [NM_DEVICE_STATE_REASON_SRIOV_CONFIGURATION_FAILED] =
        "configuration of SR-IOV parameters failed",
    [NM_DEVICE_STATE_REASON_PEER_NOT_FOUND] = "the Wi-Fi P2P peer could not be found",
};

const char *nmi_device_state_reason_to_string(guint32 reason)
{
    if (reason < G_N_ELEMENTS(nmi_device_state_reason_words) &&
        nmi_device_state_reason_words[reason] != NULL)
        return nmi_device_state_reason_words[reason];
    return "unknown reason";
}

static const char *const nmi_active_state_reason_words[] = {
    [NM_ACTIVE_CONNECTION_STATE_REASON_UNKNOWN] =
        "the reason for the active connection state change is unknown",
    [NM_ACTIVE_CONNECTION_STATE_REASON_NONE] =
        "no reason was given for the active connection state change",
    [NM_ACTIVE_CONNECTION_STATE_REASON_USER_DISCONNECTED] =
        "the active connection changed state because the user disconnected it",
    [NM_ACTIVE_CONNECTION_STATE_REASON_DEVICE_DISCONNECTED] =
        "the active connection changed state because the device it was using was disconnected",
    [NM_ACTIVE_CONNECTION_STATE_REASON_SERVICE_STOPPED] =
        "the service providing the VPN connection was stopped",
    [NM_ACTIVE_CONNECTION_STATE_REASON_IP_CONFIG_INVALID] =
        "the IP config of the active connection was invalid",
    [NM_ACTIVE_CONNECTION_STATE_REASON_CONNECT_TIMEOUT] =
        "the connection attempt to the VPN service timed out",
    [NM_ACTIVE_CONNECTION_STATE_REASON_SERVICE_START_TIMEOUT] =
        "A timeout occurred while starting the service providing the VPN connection",
    [NM_ACTIVE_CONNECTION_STATE_REASON_SERVICE_START_FAILED] =
        "starting the service providing the VPN connection failed",
    [NM_ACTIVE_CONNECTION_STATE_REASON_NO_SECRETS] =
        "necessary secrets for the connection were not provided",
    [NM_ACTIVE_CONNECTION_STATE_REASON_LOGIN_FAILED] = "authentication to the server failed",
    [NM_ACTIVE_CONNECTION_STATE_REASON_CONNECTION_REMOVED] =
        "the connection was deleted from settings",
    [NM_ACTIVE_CONNECTION_STATE_REASON_DEPENDENCY_FAILED] =
        "master connection of this connection failed to activate",
    [NM_ACTIVE_CONNECTION_STATE_REASON_DEVICE_REALIZE_FAILED] =
        "could not create the software device link",
    [NM_ACTIVE_CONNECTION_STATE_REASON_DEVICE_REMOVED] =
        "the device this connection depended on disappeared",
};

const char *nmi_active_state_reason_to_string(guint32 reason)
{
    if (reason < G_N_ELEMENTS(nmi_active_state_reason_words) &&
        nmi_active_state_reason_words[reason] != NULL)
        return nmi_active_state_reason_words[reason];
    return "unknown reason";
}

/* What a device in @state is doing, for the message of an activation that ran out of time. */
const char *nmi_device_state_to_string(guint32 state)
{
    switch (state) {
    case NM_DEVICE_STATE_UNMANAGED:
        return "not managed by NetworkManager";
    case NM_DEVICE_STATE_UNAVAILABLE:
        return "unavailable";
    case NM_DEVICE_STATE_DISCONNECTED:
        return "disconnected";
    case NM_DEVICE_STATE_PREPARE:
        return "preparing";
    case NM_DEVICE_STATE_CONFIG:
        return "being configured";
    case NM_DEVICE_STATE_NEED_AUTH:
        return "waiting for secrets";
    case NM_DEVICE_STATE_IP_CONFIG:
        return "getting its IP configuration";
    case NM_DEVICE_STATE_IP_CHECK:
        return "checking its IP connectivity";
    case NM_DEVICE_STATE_SECONDARIES:
        return "waiting for secondary connections";
    case NM_DEVICE_STATE_ACTIVATED:
        return "activated";
    case NM_DEVICE_STATE_DEACTIVATING:
        return "deactivating";
    case NM_DEVICE_STATE_FAILED:
        return "failed";
    default:
        return "in an unknown state";
    }
}
