/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * URI -> driver module. "SCHEME://..." loads nmiface-driver-SCHEME.so from, in order: the
 * build tree (only when this library itself runs from the build tree), $NMIFACE_DRIVER_DIR,
 * then the installed module directory. Modules are cached per scheme and never unloaded:
 * interface objects and GTypes a module registered may outlive any connection.
 */

#define _GNU_SOURCE /* dladdr */

#include <dlfcn.h>
#include <string.h>

#include "host-private.h"
#include "nmiface-config.h"

#define DEFAULT_URI "nm:///system"

static GMutex loader_lock;
static GHashTable *loaded_drivers; /* scheme -> const NmifaceDriver* */

/* NULL (or "", as libvirt treats it) picks $NMIFACE_DEFAULT_URI, else nm:///system. */
char *nmi_uri_resolve(const char *uri)
{
    const char *env;

    if (uri != NULL && uri[0] != '\0')
        return g_strdup(uri);
    env = g_getenv("NMIFACE_DEFAULT_URI");
    if (env != NULL && env[0] != '\0')
        return g_strdup(env);
    return g_strdup(DEFAULT_URI);
}

/* RFC 3986 scheme before "://", or NULL. */
char *nmi_uri_scheme(const char *uri)
{
    const char *sep = strstr(uri, "://");
    const char *p;

    if (sep == NULL || sep == uri || !g_ascii_isalpha(uri[0]))
        return NULL;
    for (p = uri; p < sep; p++) {
        if (!g_ascii_isalnum(*p) && *p != '+' && *p != '-' && *p != '.')
            return NULL;
    }
    return g_strndup(uri, sep - uri);
}

/* Whether this library was loaded from inside the build tree (tests, ./run demo), where the
 * modules next to it are the ones to use rather than installed ones. */
gboolean nmi_library_in_build_tree(void)
{
    Dl_info info;
    g_autofree char *self = NULL;
    g_autofree char *root = NULL;

    if (dladdr((void *)nmi_library_in_build_tree, &info) == 0 || info.dli_fname == NULL)
        return FALSE;
    self = g_canonicalize_filename(info.dli_fname, NULL);
    root = g_canonicalize_filename(NMIFACE_BUILD_ROOT, NULL);
    return g_str_has_prefix(self, root) && self[strlen(root)] == G_DIR_SEPARATOR;
}

static GPtrArray *module_dirs(void)
{
    GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
    const char *env = g_getenv("NMIFACE_DRIVER_DIR");

    if (nmi_library_in_build_tree())
        g_ptr_array_add(dirs, g_strdup(NMIFACE_BUILD_DRIVER_DIR));
    if (env != NULL && env[0] != '\0') {
        g_auto(GStrv) parts = g_strsplit(env, G_SEARCHPATH_SEPARATOR_S, -1);

        for (char **p = parts; *p != NULL; p++) {
            if ((*p)[0] != '\0')
                g_ptr_array_add(dirs, g_strdup(*p));
        }
    }
    g_ptr_array_add(dirs, g_strdup(NMIFACE_DRIVER_DIR_INSTALLED));
    return dirs;
}

static const NmifaceDriver *load_module(const char *uri, const char *path, GError **error)
{
    void *handle;
    NmifaceDriverEntryFunc entry;
    const NmifaceDriver *driver;

    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT, "%s (cannot load module %s: %s)", uri,
                    path, dlerror());
        return NULL;
    }
    /* A refused module stays loaded too: its constructors may have registered things. */
    entry = (NmifaceDriverEntryFunc)dlsym(handle, NMIFACE_DRIVER_ENTRY_SYMBOL);
    if (entry == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT, "%s (module %s has no symbol %s)",
                    uri, path, NMIFACE_DRIVER_ENTRY_SYMBOL);
        return NULL;
    }
    driver = entry();
    if (driver == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT, "%s (module %s returned no driver)",
                    uri, path);
        return NULL;
    }
    if (driver->abi_version != NMIFACE_DRIVER_ABI_VERSION) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT,
                    "%s (module %s has driver ABI version %u, expected %u)", uri, path,
                    driver->abi_version, (guint)NMIFACE_DRIVER_ABI_VERSION);
        return NULL;
    }
    return driver;
}

/* Must hold loader_lock. */
static const NmifaceDriver *find_and_load(const char *uri, const char *scheme, GError **error)
{
    g_autofree char *file = g_strdup_printf("nmiface-driver-%s.so", scheme);
    g_autoptr(GPtrArray) dirs = module_dirs();
    g_autofree char *searched = NULL;

    for (guint i = 0; i < dirs->len; i++) {
        g_autofree char *path = g_build_filename(dirs->pdata[i], file, NULL);

        if (g_file_test(path, G_FILE_TEST_EXISTS))
            return load_module(uri, path, error);
    }
    g_ptr_array_add(dirs, NULL);
    searched = g_strjoinv(", ", (char **)dirs->pdata);
    g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT, "%s (no module %s in %s)", uri, file,
                searched);
    return NULL;
}

/* The driver serving @uri (already resolved), loading its module on first use. */
const NmifaceDriver *nmi_driver_load(const char *uri, GError **error)
{
    g_autofree char *scheme = nmi_uri_scheme(uri);
    const NmifaceDriver *driver;

    if (scheme == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_CONNECT,
                    "%s (not a URI of the form SCHEME:///PATH)", uri);
        return NULL;
    }

    g_mutex_lock(&loader_lock);
    if (loaded_drivers == NULL)
        loaded_drivers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    driver = g_hash_table_lookup(loaded_drivers, scheme);
    if (driver == NULL) {
        driver = find_and_load(uri, scheme, error);
        if (driver != NULL)
            g_hash_table_insert(loaded_drivers, g_steal_pointer(&scheme), (gpointer)driver);
    }
    g_mutex_unlock(&loader_lock);
    return driver;
}
