/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nmiface's own small extension to the libvirt API, for what libvirt lacks. Kept apart from
 * libvirt-interface.h so that that header stays a drop-in for libvirt's.
 */
#ifndef NMIFACE_EXT_H
#define NMIFACE_EXT_H

#include "libvirt-interface.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Turn interface XML into the NetworkManager keyfiles it would become, without touching
 * NetworkManager. @uri chooses the driver module as virConnectOpen() does (NULL: the default).
 * @flags: virInterfaceDefineFlags. Returns the keyfiles as one text (each preceded by a
 * "# <file name>" line; free() it) or NULL with the last error set.
 */
NMIFACE_PUBLIC char *nmifaceDefineXMLDryRun(const char *uri, const char *xmlDesc,
                                            unsigned int flags);

/*
 * Begin a transaction that NetworkManager rolls back by itself unless it is committed within
 * @timeout_seconds (0: no timeout, as virInterfaceChangeBegin()).
 */
NMIFACE_PUBLIC int nmifaceChangeBeginWithTimeout(virConnectPtr conn, unsigned int timeout_seconds,
                                                 unsigned int flags);

#ifdef __cplusplus
}
#endif

#endif /* NMIFACE_EXT_H */
