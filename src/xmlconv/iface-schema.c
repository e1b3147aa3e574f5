/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Validation against our RelaxNG schema (data/interface.rng), for NMI_PARSE_VALIDATE
 * (VIR_INTERFACE_DEFINE_VALIDATE).
 *
 * The schema is compiled once per path and kept; one mutex guards the cache and every
 * validation, since libxml2 does not promise that one compiled RelaxNG schema may be used by
 * several threads at once. Errors are collected per validation context, never through a
 * process-wide handler.
 */

#include <string.h>

#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include "iface-xml-private.h"
#include "nmiface-config.h"
#include "nmiface/driver.h"

#define MAX_SCHEMA_MESSAGES 5

static GMutex schema_lock;
static char *schema_cached_path;
static xmlRelaxNGPtr schema_cached;

typedef struct {
    GString *messages;
    guint count;
} SchemaErrors;

static void on_schema_error(void *user_data, xmlErrorPtr err)
{
    SchemaErrors *errors = user_data;
    g_autofree char *message = NULL;

    if (err == NULL || err->level < XML_ERR_ERROR)
        return;
    if (errors->count++ >= MAX_SCHEMA_MESSAGES)
        return;
    message = g_strstrip(g_strdup(err->message != NULL ? err->message : "?"));
    g_strdelimit(message, "\n", ' ');
    if (errors->messages->len > 0)
        g_string_append(errors->messages, "; ");
    if (err->line > 0)
        g_string_append_printf(errors->messages, "at line %d: %s", err->line, message);
    else
        g_string_append(errors->messages, message);
}

static gboolean running_from_build_tree(void)
{
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);

    return exe != NULL && g_str_has_prefix(exe, NMIFACE_BUILD_ROOT "/");
}

char *nmi_iface_schema_path(void)
{
    const char *env = g_getenv("NMIFACE_SCHEMA");

    if (env != NULL && *env != '\0')
        return g_strdup(env);
    if (running_from_build_tree())
        return g_strdup(NMIFACE_SCHEMA_SOURCE);
    return g_strdup(NMIFACE_SCHEMA_INSTALLED);
}

/* Called with schema_lock held. */
static xmlRelaxNGPtr get_schema(const char *path, GError **error)
{
    g_autoptr(GString) messages = g_string_new(NULL);
    SchemaErrors errors = {messages, 0};
    xmlRelaxNGParserCtxtPtr pctxt;
    xmlRelaxNGPtr schema;

    if (schema_cached != NULL && g_strcmp0(schema_cached_path, path) == 0)
        return schema_cached;

    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "cannot find the interface schema at %s", path);
        return NULL;
    }
    pctxt = xmlRelaxNGNewParserCtxt(path);
    if (pctxt == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_MEMORY, "cannot read the schema %s", path);
        return NULL;
    }
    xmlRelaxNGSetParserStructuredErrors(pctxt, on_schema_error, &errors);
    schema = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (schema == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "cannot compile the interface schema %s: %s", path,
                    messages->len > 0 ? messages->str : "unknown error");
        return NULL;
    }

    if (schema_cached != NULL)
        xmlRelaxNGFree(schema_cached);
    g_free(schema_cached_path);
    schema_cached = schema;
    schema_cached_path = g_strdup(path);
    return schema;
}

/* Called with schema_lock held. */
static gboolean validate_locked(xmlDoc *doc, const char *path, GError **error)
{
    g_autoptr(GString) messages = g_string_new(NULL);
    SchemaErrors errors = {messages, 0};
    xmlRelaxNGValidCtxtPtr vctxt;
    xmlRelaxNGPtr schema;
    int rc;

    schema = get_schema(path, error);
    if (schema == NULL)
        return FALSE;

    vctxt = xmlRelaxNGNewValidCtxt(schema);
    if (vctxt == NULL) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_NO_MEMORY,
                    "cannot allocate a schema validation context");
        return FALSE;
    }
    xmlRelaxNGSetValidStructuredErrors(vctxt, on_schema_error, &errors);
    rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);

    if (rc != 0) {
        g_set_error(error, NMIFACE_ERROR, VIR_ERR_XML_INVALID_SCHEMA,
                    "document does not match the interface schema: %s",
                    messages->len > 0 ? messages->str : "validation failed");
        return FALSE;
    }
    return TRUE;
}

gboolean nmi_iface_schema_validate_doc(xmlDoc *doc, GError **error)
{
    g_autofree char *path = nmi_iface_schema_path();
    gboolean ok;

    g_mutex_lock(&schema_lock);
    ok = validate_locked(doc, path, error);
    g_mutex_unlock(&schema_lock);
    return ok;
}
