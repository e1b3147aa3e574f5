/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The module's one exported symbol (kept out of the static library tests link). */
#include "nm-driver.h"

G_MODULE_EXPORT const NmifaceDriver *nmiface_driver_entry(void);

const NmifaceDriver *nmiface_driver_entry(void)
{
    return nmi_nm_driver();
}
