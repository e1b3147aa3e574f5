/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The module's vtable (nm-driver.c), for its entry point (nm-entry.c) and the tests. */
#ifndef NMIFACE_NM_DRIVER_H
#define NMIFACE_NM_DRIVER_H

#include <gmodule.h>

#include "nmiface/driver.h"

G_BEGIN_DECLS

const NmifaceDriver *nmi_nm_driver(void);

G_END_DECLS

#endif /* NMIFACE_NM_DRIVER_H */
