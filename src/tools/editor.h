/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Editing a text in the user's editor, as virsh's *-edit commands do. */
#pragma once

#include <glib.h>

char *nmi_edit_write_temp_file(const char *text);
gboolean nmi_edit_run_editor(const char *filename);
char *nmi_edit_read_back(const char *filename);
int nmi_edit_ask_reedit(const char *message);
