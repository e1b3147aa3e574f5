/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Microseconds per pass of the XML pipeline: parse, XML -> NM profiles (normalized and
 * verified), NM -> XML, format; plus the keyfile text the dry run adds. Over every file of a
 * directory (the libvirt conformance files) and a generated bridge with 64 ports.
 *
 * Usage: bench-xmlconv [--min-seconds S] [DIR]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "iface-nm.h"

typedef struct {
    double parse, to_nm, from_nm, format, keyfiles;
} Times;

/* The thread's CPU time, not wall time: the machines this runs on are shared, and time spent
 * waiting for a CPU is not the pipeline's. */
static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* One pass; aborts on any error, a benchmark of a failing pipeline means nothing. */
static void one_pass(const char *xml, Times *t)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;
    g_autoptr(NmiIfaceDef) back = NULL;
    g_autoptr(NmiProfileSet) set = NULL;
    g_autofree char *text = NULL;
    g_autofree char *keyfiles = NULL;
    double t0, t1, t2, t3, t4, t5;

    t0 = now_us();
    def = nmi_iface_def_parse(xml, 0, &error);
    t1 = now_us();
    if (def != NULL)
        set = nmi_iface_def_to_profiles(def, NULL, &error);
    t2 = now_us();
    if (set != NULL)
        back = nmi_iface_def_from_profiles(set, &error);
    t3 = now_us();
    if (back != NULL)
        text = nmi_iface_def_format(back);
    t4 = now_us();
    if (set != NULL)
        keyfiles = nmi_profile_set_to_keyfiles_text(set, &error);
    t5 = now_us();
    if (error != NULL || text == NULL || keyfiles == NULL)
        g_error("pipeline failed: %s", error != NULL ? error->message : "no output");
    t->parse += t1 - t0;
    t->to_nm += t2 - t1;
    t->from_nm += t3 - t2;
    t->format += t4 - t3;
    t->keyfiles += t5 - t4;
}

#define ROUNDS 5

/* The best of ROUNDS rounds: caches and frequency still vary on a shared machine. */
static void measure(const char *label, const char *xml, double min_seconds)
{
    Times best = {0};
    double best_total = G_MAXDOUBLE;
    guint all_passes = 0;

    one_pass(xml, &(Times){0}); /* warm-up: GTypes, libxml2 */
    for (guint round = 0; round < ROUNDS; round++) {
        Times t = {0};
        guint passes = 0;
        double start = now_us();
        double total;

        do {
            one_pass(xml, &t);
            passes++;
        } while (now_us() - start < min_seconds * 1e6 / ROUNDS || passes < 5);
        all_passes += passes;
        total = (t.parse + t.to_nm + t.from_nm + t.format) / passes;
        if (total < best_total) {
            best_total = total;
            best = (Times){t.parse / passes, t.to_nm / passes, t.from_nm / passes,
                           t.format / passes, t.keyfiles / passes};
        }
    }
    printf("%-34s %7u %9.1f %8.1f %8.1f %8.1f %8.1f %9.1f\n", label, all_passes, best_total,
           best.parse, best.to_nm, best.from_nm, best.format, best.keyfiles);
}

static int compare_names(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static char *bridge_with_ports(guint n)
{
    GString *xml = g_string_new("<interface type='bridge' name='br0'>\n"
                                "  <start mode='onboot'/>\n"
                                "  <mtu size='1500'/>\n"
                                "  <protocol family='ipv4'>\n"
                                "    <dhcp/>\n"
                                "  </protocol>\n"
                                "  <bridge stp='off' delay='0.01'>\n");

    for (guint i = 0; i < n; i++)
        g_string_append_printf(xml,
                               "    <interface type='ethernet' name='eth%u'>\n"
                               "      <mac address='52:54:00:00:%02x:%02x'/>\n"
                               "    </interface>\n",
                               i, i / 256, i % 256);
    g_string_append(xml, "  </bridge>\n</interface>\n");
    return g_string_free(xml, FALSE);
}

int main(int argc, char **argv)
{
    double min_seconds = 1.0;
    const char *dir = NULL;
    g_autofree char *bridge = NULL;

    for (int i = 1; i < argc; i++) {
        if (g_str_equal(argv[i], "--min-seconds") && i + 1 < argc)
            min_seconds = g_ascii_strtod(argv[++i], NULL);
        else
            dir = argv[i];
    }

    printf("# thread CPU microseconds per pass, best of %d rounds of %.1f s / %d\n", ROUNDS,
           min_seconds, ROUNDS);
    printf("# total = parse + to-nm + from-nm + format\n");
    printf("# to-nm includes nm_connection_normalize (which verifies) of every profile;\n");
    printf("# keyfiles (not in total) is libnm's keyfile writer for every profile (dry run)\n");
    printf("%-34s %7s %9s %8s %8s %8s %8s %9s\n", "input", "passes", "total", "parse", "to-nm",
           "from-nm", "format", "keyfiles");
    if (dir != NULL) {
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        const char *name;

        while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
            if (g_str_has_suffix(name, ".xml"))
                g_ptr_array_add(names, g_strdup(name));
        }
        g_ptr_array_sort(names, compare_names);
        for (guint i = 0; i < names->len; i++) {
            g_autofree char *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
            g_autofree char *xml = NULL;
            g_autoptr(GError) error = NULL;

            if (!g_file_get_contents(path, &xml, NULL, &error))
                g_error("%s", error->message);
            measure(g_ptr_array_index(names, i), xml, min_seconds);
        }
    }
    bridge = bridge_with_ports(64);
    measure("generated: bridge with 64 ports", bridge, min_seconds);
    return EXIT_SUCCESS;
}
