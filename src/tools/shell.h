/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nmiface command shell: command and option definitions, the parsed command, and the
 * helpers every command uses. Modelled on virsh's vsh layer so that commands, options, messages
 * and output match virsh's.
 */
#pragma once

#include <glib.h>
#include <nmiface/libvirt-interface.h>

typedef enum {
    NMI_OPT_BOOL,
    NMI_OPT_STRING,
    NMI_OPT_INT,
} NmiOptType;

typedef struct {
    const char *name;
    NmiOptType type;
    /* May be given as a bare word, in declaration order; help shows it as <name>. */
    gboolean positional;
    gboolean required;
    /* virsh still fills some options from bare words for compatibility without documenting
     * it (its "unwanted_positional"); we accept the same words. */
    gboolean unwanted_positional;
    const char *help;
} NmiOptDef;

typedef struct _NmiShell NmiShell;
typedef struct _NmiCmd NmiCmd;

typedef gboolean (*NmiCmdHandler)(NmiShell *shell, const NmiCmd *cmd);

typedef struct {
    const char *name;
    const char *help;
    const char *desc;
    const NmiOptDef *opts; /* terminated by an entry with a NULL name */
    NmiCmdHandler handler;
} NmiCmdDef;

typedef struct {
    const char *name;
    const char *keyword;
    const NmiCmdDef *const *commands; /* NULL-terminated */
} NmiCmdGroup;

struct _NmiShell {
    const char *uri; /* NULL: the library's default */
    gboolean readonly;
    gboolean quiet;
    virConnectPtr conn; /* opened on first use */
    gboolean connect_failed;
};

struct _NmiCmd {
    const NmiCmdDef *def;
    guint noptions;
    gboolean *present; /* one per option of def */
    char **values;     /* one per option of def; NULL for booleans and absent options */
    gboolean help_seen;
};

/* commands.c */
extern const NmiCmdGroup nmi_cmd_groups[];
const NmiCmdDef *nmi_cmd_lookup(const char *name);
gboolean nmi_cmd_help_handler(NmiShell *shell, const NmiCmd *cmd);
extern const NmiCmdDef nmi_cmd_def_help;

/* cmd-parse.c */
NmiCmd *nmi_cmd_parse(int argc, char **argv);
void nmi_cmd_free(NmiCmd *cmd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiCmd, nmi_cmd_free)
gboolean nmi_cmd_opt_bool(const NmiCmd *cmd, const char *name);
int nmi_cmd_opt_string(const NmiCmd *cmd, const char *name, const char **value);
int nmi_cmd_opt_uint(const NmiCmd *cmd, const char *name, unsigned int *value);

/* cmd-help.c */
void nmi_usage(const NmiCmdGroup *groups);
void nmi_cmd_help(const NmiCmdDef *def);
void nmi_cmd_group_help(const NmiCmdGroup *group);

/* output.c */
void nmi_error(const char *format, ...) G_GNUC_PRINTF(1, 2);
void nmi_print(const char *format, ...) G_GNUC_PRINTF(1, 2);
void nmi_print_extra(NmiShell *shell, const char *format, ...) G_GNUC_PRINTF(2, 3);
void nmi_save_error(void);
void nmi_reset_error(void);
void nmi_report_error(void);

/* table.c: virsh's vshTable layout */
typedef struct _NmiTable NmiTable;
NmiTable *nmi_table_new(const char *first_column, ...) G_GNUC_NULL_TERMINATED;
void nmi_table_add_row(NmiTable *table, const char *first_cell, ...) G_GNUC_NULL_TERMINATED;
char *nmi_table_format(NmiTable *table, gboolean header);
void nmi_table_free(NmiTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmiTable, nmi_table_free)

/* connection.c */
virConnectPtr nmi_shell_connect(NmiShell *shell);

/* iface-lookup.c */
typedef enum {
    NMI_LOOKUP_BY_NAME = 1 << 0,
    NMI_LOOKUP_BY_MAC = 1 << 1,
} NmiLookupFlags;

gboolean nmi_looks_like_mac(const char *str);
virInterfacePtr nmi_iface_from_opt(NmiShell *shell, const NmiCmd *cmd, const char *optname,
                                   const char **name, NmiLookupFlags flags);

/* The inactive XML as a g_malloc'd string, or NULL with the library's error saved. */
char *nmi_iface_inactive_xml(virInterfacePtr iface);

void nmi_iface_unref(virInterface *iface);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virInterface, nmi_iface_unref)

/* file-util.c */
char *nmi_read_xml_file(const char *path);

/* gnutls-init.c: skip GnuTLS's load-time initialisation (before the driver module loads), and
 * the environment for child processes without that change. */
void nmi_skip_gnutls_init(void);
char **nmi_child_environ(void);

/* The commands */
extern const NmiCmdDef nmi_cmd_def_iface_begin;
extern const NmiCmdDef nmi_cmd_def_iface_bridge;
extern const NmiCmdDef nmi_cmd_def_iface_commit;
extern const NmiCmdDef nmi_cmd_def_iface_define;
extern const NmiCmdDef nmi_cmd_def_iface_destroy;
extern const NmiCmdDef nmi_cmd_def_iface_dumpxml;
extern const NmiCmdDef nmi_cmd_def_iface_edit;
extern const NmiCmdDef nmi_cmd_def_iface_list;
extern const NmiCmdDef nmi_cmd_def_iface_mac;
extern const NmiCmdDef nmi_cmd_def_iface_name;
extern const NmiCmdDef nmi_cmd_def_iface_rollback;
extern const NmiCmdDef nmi_cmd_def_iface_start;
extern const NmiCmdDef nmi_cmd_def_iface_unbridge;
extern const NmiCmdDef nmi_cmd_def_iface_undefine;
