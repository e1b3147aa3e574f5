/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rpcgen header of remote-protocol.x. libtirpc's <rpc/rpc.h> declares bindresvport twice;
 * that is its business, not a warning in every file of ours.
 */
#ifndef NMI_DAEMON_PROTOCOL_H
#define NMI_DAEMON_PROTOCOL_H

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wredundant-decls"
#include "remote-protocol.h"
#pragma GCC diagnostic pop

#endif /* NMI_DAEMON_PROTOCOL_H */
