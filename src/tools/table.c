/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tables laid out as virsh's vshTable does: every cell is preceded by one space, columns are
 * padded to the widest cell plus two spaces (not the last one), and the header is underlined
 * with one dash per column width (the widest cell plus three).
 */
#include <stdarg.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "shell.h"

struct _NmiTable {
    GPtrArray *rows; /* of GStrv; row 0 is the header */
    guint ncolumns;
};

static GStrv row_from_va(const char *first, va_list ap)
{
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    const char *cell;

    for (cell = first; cell != NULL; cell = va_arg(ap, const char *))
        g_strv_builder_add(builder, cell);
    return g_strv_builder_end(builder);
}

NmiTable *nmi_table_new(const char *first_column, ...)
{
    NmiTable *table = g_new0(NmiTable, 1);
    GStrv header;
    va_list ap;

    va_start(ap, first_column);
    header = row_from_va(first_column, ap);
    va_end(ap);

    table->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    table->ncolumns = g_strv_length(header);
    g_ptr_array_add(table->rows, header);
    return table;
}

void nmi_table_add_row(NmiTable *table, const char *first_cell, ...)
{
    GStrv row;
    va_list ap;

    va_start(ap, first_cell);
    row = row_from_va(first_cell, ap);
    va_end(ap);

    g_return_if_fail(g_strv_length(row) == table->ncolumns);
    g_ptr_array_add(table->rows, row);
}

void nmi_table_free(NmiTable *table)
{
    if (table == NULL)
        return;
    g_ptr_array_unref(table->rows);
    g_free(table);
}

static void append_hex_byte(GString *out, size_t *width, unsigned char byte)
{
    g_string_append_printf(out, "\\x%02x", byte);
    *width += 4;
}

/*
 * Replace control and unprintable characters by \xNN so that column widths can be counted
 * (virsh's vshTableSafeEncode, from util-linux); *width receives the display width.
 */
static char *safe_encode(const char *s, size_t *width)
{
    GString *out = g_string_new(NULL);
    char *encoded;
    const char *p = s;
    mbstate_t state;

    memset(&state, 0, sizeof(state));
    *width = 0;

    while (*p != '\0') {
        wchar_t wc;
        size_t len;

        if ((p[0] == '\\' && p[1] == 'x') || g_ascii_iscntrl(*p)) {
            append_hex_byte(out, width, (unsigned char)*p);
            p++;
            continue;
        }

        len = mbrtowc(&wc, p, MB_CUR_MAX, &state);
        if (len == 0)
            break;
        if (len == (size_t)-1 || len == (size_t)-2) {
            /* Not a valid multibyte sequence in this locale. */
            if (g_ascii_isprint(*p)) {
                g_string_append_c(out, *p);
                (*width)++;
            } else {
                append_hex_byte(out, width, (unsigned char)*p);
            }
            memset(&state, 0, sizeof(state));
            p++;
            continue;
        }

        if (!iswprint((wint_t)wc)) {
            for (size_t i = 0; i < len; i++)
                append_hex_byte(out, width, (unsigned char)p[i]);
        } else {
            g_string_append_len(out, p, (gssize)len);
            if (!g_unichar_iszerowidth((gunichar)wc))
                *width += g_unichar_iswide((gunichar)wc) ? 2 : 1;
        }
        p += len;
    }

    /* Every cell of the table is kept until it is printed: without the GString's spare room
     * (128 bytes or more a cell), a listing of 1000 interfaces held ~350 KiB less. */
    encoded = g_strndup(out->str, out->len);
    g_string_free(out, TRUE);
    return encoded;
}

static void format_row(GString *out, GStrv cells, const size_t *cell_widths,
                       const size_t *max_widths, guint ncolumns)
{
    for (guint i = 0; i < ncolumns; i++) {
        g_string_append_c(out, ' ');
        g_string_append(out, cells[i]);
        if (i + 1 < ncolumns) {
            for (size_t j = cell_widths[i]; j < max_widths[i] + 2; j++)
                g_string_append_c(out, ' ');
        }
    }
    g_string_append_c(out, '\n');
}

char *nmi_table_format(NmiTable *table, gboolean header)
{
    guint nrows = table->rows->len;
    guint ncolumns = table->ncolumns;
    g_autofree size_t *max_widths = g_new0(size_t, ncolumns);
    g_autofree size_t *widths = g_new0(size_t, (gsize)nrows * ncolumns);
    g_autoptr(GPtrArray) encoded = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    GString *out = g_string_new(NULL);

    for (guint r = 0; r < nrows; r++) {
        GStrv cells = g_ptr_array_index(table->rows, r);
        GStrv safe = g_new0(char *, ncolumns + 1);

        for (guint c = 0; c < ncolumns; c++) {
            size_t *width = &widths[(gsize)r * ncolumns + c];

            safe[c] = safe_encode(cells[c], width);
            /* Without a header, only the data decides the column widths. */
            if ((header || r > 0) && *width > max_widths[c])
                max_widths[c] = *width;
        }
        g_ptr_array_add(encoded, safe);
    }

    if (header) {
        format_row(out, g_ptr_array_index(encoded, 0), widths, max_widths, ncolumns);
        for (guint c = 0; c < ncolumns; c++) {
            for (size_t j = 0; j < max_widths[c] + 3; j++)
                g_string_append_c(out, '-');
        }
        g_string_append_c(out, '\n');
    }

    for (guint r = 1; r < nrows; r++)
        format_row(out, g_ptr_array_index(encoded, r), &widths[(gsize)r * ncolumns], max_widths,
                   ncolumns);

    return g_string_free(out, FALSE);
}
