/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Command line -> NmiCmd, with virsh's grammar (vshCommandParse): "--opt", "--opt value",
 * "--opt=value", bare words fill the positional options in order, "--" ends the options,
 * "--help" anywhere turns the command into "help COMMAND". Messages are virsh's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

static guint count_options(const NmiCmdDef *def)
{
    guint n = 0;

    while (def->opts != NULL && def->opts[n].name != NULL)
        n++;
    return n;
}

static NmiCmd *cmd_new(const NmiCmdDef *def)
{
    NmiCmd *cmd = g_new0(NmiCmd, 1);
    guint n = count_options(def);

    cmd->def = def;
    cmd->noptions = n;
    cmd->present = g_new0(gboolean, n + 1);
    cmd->values = g_new0(char *, n + 1);
    return cmd;
}

void nmi_cmd_free(NmiCmd *cmd)
{
    if (cmd == NULL)
        return;
    /* values has holes (booleans, absent options): free by count, not up to a NULL. */
    for (guint i = 0; i < cmd->noptions; i++)
        g_free(cmd->values[i]);
    g_free(cmd->values);
    g_free(cmd->present);
    g_free(cmd);
}

static int find_option(const NmiCmdDef *def, const char *name)
{
    for (guint i = 0; def->opts != NULL && def->opts[i].name != NULL; i++) {
        if (g_str_equal(def->opts[i].name, name))
            return (int)i;
    }
    return -1;
}

static int next_positional(const NmiCmd *cmd)
{
    const NmiOptDef *opts = cmd->def->opts;

    for (guint i = 0; opts != NULL && opts[i].name != NULL; i++) {
        if (!(opts[i].positional || opts[i].unwanted_positional))
            continue;
        if (!cmd->present[i])
            return (int)i;
    }
    return -1;
}

static gboolean is_help_command(const NmiCmd *cmd)
{
    return cmd->def == &nmi_cmd_def_help;
}

static gboolean assign_positional(NmiCmd *cmd, const char *word)
{
    int i = next_positional(cmd);

    if (i < 0) {
        /* 'help' ignores spurious arguments, as virsh's does. */
        if (is_help_command(cmd))
            return TRUE;
        nmi_error("unexpected data '%s'", word);
        return FALSE;
    }
    cmd->present[i] = TRUE;
    cmd->values[i] = g_strdup(word);
    return TRUE;
}

static gboolean check_required(const NmiCmd *cmd)
{
    const NmiOptDef *opts = cmd->def->opts;

    for (guint i = 0; opts != NULL && opts[i].name != NULL; i++) {
        if (cmd->present[i] || !opts[i].required)
            continue;
        if (opts[i].positional)
            nmi_error("command '%s' requires <%s> option", cmd->def->name, opts[i].name);
        else
            nmi_error("command '%s' requires --%s option", cmd->def->name, opts[i].name);
        return FALSE;
    }
    return TRUE;
}

/* Parses one "--name[=value]" word; *pos is advanced past a separate value word. */
static gboolean parse_option(NmiCmd *cmd, int argc, char **argv, int *pos)
{
    const char *word = argv[*pos];
    g_autofree char *name = g_strdup(word + 2);
    g_autofree char *inline_value = NULL;
    const NmiOptDef *def;
    char *sep;
    int i;

    if ((sep = strchr(name, '=')) != NULL) {
        *sep = '\0';
        inline_value = g_strdup(sep + 1);
    }

    if (g_str_equal(name, "help")) {
        cmd->help_seen = TRUE;
        return TRUE;
    }

    i = find_option(cmd->def, name);
    if (i < 0) {
        if (is_help_command(cmd))
            return TRUE;
        nmi_error("command '%s' doesn't support option --%s", cmd->def->name, name);
        return FALSE;
    }
    def = &cmd->def->opts[i];

    if (cmd->present[i]) {
        nmi_error("option --%s already seen", name);
        return FALSE;
    }

    if (def->type == NMI_OPT_BOOL) {
        if (inline_value != NULL) {
            nmi_error("invalid '=' after option --%s", def->name);
            return FALSE;
        }
        cmd->present[i] = TRUE;
        return TRUE;
    }

    if (inline_value == NULL) {
        /* The next word is the value, whatever it looks like, as in virsh. */
        if (*pos + 1 >= argc) {
            if (def->type == NMI_OPT_INT)
                nmi_error("expected syntax: --%s <number>", def->name);
            else
                nmi_error("expected syntax: --%s <string>", def->name);
            return FALSE;
        }
        (*pos)++;
        inline_value = g_strdup(argv[*pos]);
    }

    cmd->present[i] = TRUE;
    cmd->values[i] = g_steal_pointer(&inline_value);
    return TRUE;
}

NmiCmd *nmi_cmd_parse(int argc, char **argv)
{
    g_autoptr(NmiCmd) cmd = NULL;
    const NmiCmdDef *def;
    gboolean positional_only = FALSE;

    g_return_val_if_fail(argc > 0, NULL);

    def = nmi_cmd_lookup(argv[0]);
    if (def == NULL) {
        nmi_error("unknown command: '%s'", argv[0]);
        return NULL;
    }
    cmd = cmd_new(def);

    for (int pos = 1; pos < argc; pos++) {
        const char *word = argv[pos];

        if (positional_only || !g_str_has_prefix(word, "--")) {
            if (!assign_positional(cmd, word))
                return NULL;
            continue;
        }
        if (g_str_equal(word, "--")) {
            positional_only = TRUE;
            continue;
        }
        if (!parse_option(cmd, argc, argv, &pos))
            return NULL;
    }

    if (cmd->help_seen) {
        NmiCmd *help = cmd_new(&nmi_cmd_def_help);

        help->present[0] = TRUE;
        help->values[0] = g_strdup(def->name);
        nmi_cmd_free(cmd);
        cmd = help;
    }

    if (!check_required(cmd))
        return NULL;

    return g_steal_pointer(&cmd);
}

gboolean nmi_cmd_opt_bool(const NmiCmd *cmd, const char *name)
{
    int i = find_option(cmd->def, name);

    g_return_val_if_fail(i >= 0, FALSE);
    return cmd->present[i];
}

/*
 * virsh's vshCommandOptStringReq: 1 and *value set when given, 0 when absent, -1 (reported)
 * when given empty.
 */
int nmi_cmd_opt_string(const NmiCmd *cmd, const char *name, const char **value)
{
    int i = find_option(cmd->def, name);

    g_return_val_if_fail(i >= 0, -1);
    *value = NULL;
    if (!cmd->present[i])
        return 0;
    if (cmd->values[i] == NULL || cmd->values[i][0] == '\0') {
        nmi_error("Failed to get option '%s': Option argument is empty", name);
        return -1;
    }
    *value = cmd->values[i];
    return 1;
}

/*
 * virsh's vshCommandOptUInt (virStrToLong_uip): decimal, leading blanks and '+' allowed, no
 * '-' at all, nothing after the number, fits an unsigned int.
 */
int nmi_cmd_opt_uint(const NmiCmd *cmd, const char *name, unsigned int *value)
{
    int i = find_option(cmd->def, name);
    const char *text;
    char *end = NULL;
    guint64 parsed;

    g_return_val_if_fail(i >= 0, -1);
    if (!cmd->present[i])
        return 0;

    text = cmd->values[i];
    errno = 0;
    parsed = g_ascii_strtoull(text, &end, 10);
    if (end == text || memchr(text, '-', (size_t)(end - text)) != NULL || errno != 0 ||
        *end != '\0' || parsed > G_MAXUINT) {
        nmi_error("Numeric value '%s' for <%s> option is malformed or out of range", text, name);
        return -1;
    }
    *value = (unsigned int)parsed;
    return 1;
}
